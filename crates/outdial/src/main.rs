//! The `outdial` binary: parse the command, load configuration, start logging, dispatch.

#![forbid(unsafe_code)]

mod cli;
mod commands;

use clap::Parser;

/// mimalloc rather than the system allocator: an import allocates strings on its parser thread
/// and frees them on the writer's, which glibc's malloc handles slowly (about a quarter of the
/// import's time).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = cli::Cli::parse();
    match commands::run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
