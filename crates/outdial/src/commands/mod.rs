//! What each subcommand does.

mod admin;
mod import;
mod serve;
mod simulator;

use crate::cli::{Cli, Command, ConfigCommand, ServeArgs};
use anyhow::Context;
use outdial_server::Config;
use outdial_server::config::LogFormat;
use tracing_subscriber::EnvFilter;

/// Loads configuration (file, environment, flags), starts logging, runs the command.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let env: Vec<(String, String)> = std::env::vars().collect();
    let (mut config, warnings) =
        Config::load(cli.config.as_deref(), &env).map_err(anyhow::Error::msg)?;
    if let Some(url) = &cli.database_url {
        config = config
            .with("database.url", url)
            .map_err(anyhow::Error::msg)?;
    }
    let command = cli.command.unwrap_or(Command::Serve(ServeArgs::default()));
    if let Command::Serve(args) = &command {
        if let Some(bind) = args.bind {
            config = config
                .with("server.bind", bind.to_string())
                .map_err(anyhow::Error::msg)?;
        }
        if args.no_demo {
            config = config
                .with("demo.seed", false)
                .map_err(anyhow::Error::msg)?;
        }
    }
    init_logging(&config)?;
    for w in &warnings {
        tracing::warn!("{w}");
    }
    match command {
        Command::Serve(_) => serve::run(config).await,
        Command::Migrate => admin::migrate(&config).await,
        Command::Import(args) => import::run(&config, args).await,
        Command::Tenant(cmd) => admin::tenant(&config, cmd).await,
        Command::User(cmd) => admin::user(&config, cmd).await,
        Command::Dnc(cmd) => import::dnc(&config, cmd).await,
        Command::TwilioSim(args) => simulator::run(&config, args).await,
        Command::Understand(args) => {
            let understood = outdial_understand::understand_request(
                &args.text,
                &args.lang,
                &args.tz,
                args.now.as_deref(),
                jiff::Timestamp::now(),
            )?;
            println!("{}", serde_json::to_string_pretty(&understood)?);
            Ok(())
        }
        Command::Config(ConfigCommand::Example) => {
            print!("{}", outdial_server::config::EXAMPLE_TOML);
            Ok(())
        }
        Command::Config(ConfigCommand::Check) => {
            let mut shown =
                serde_json::to_value(&config).context("while showing the configuration")?;
            for secret in ["auth_token", "webhook_key"] {
                if !shown["twilio"][secret].is_null() {
                    shown["twilio"][secret] = "[redacted]".into();
                }
            }
            shown["database"]["url"] =
                outdial_storage::redact_url(config.database.url.expose()).into();
            println!("{}", serde_json::to_string_pretty(&shown)?);
            for w in &warnings {
                println!("warning: {w}");
            }
            Ok(())
        }
    }
}

fn init_logging(config: &Config) -> anyhow::Result<()> {
    let filter = EnvFilter::try_from_default_env()
        .or_else(|_| EnvFilter::try_new(&config.log.level))
        .context("while reading log.level")?;
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match config.log.format {
        LogFormat::Json => builder.json().init(),
        LogFormat::Text => builder.init(),
    }
    Ok(())
}

/// Connects to the configured database and applies migrations.
pub(crate) async fn open_store(config: &Config) -> anyhow::Result<outdial_storage::Store> {
    let url = config.database.url.expose();
    let store = outdial_storage::Store::connect(url, config.database.max_connections)
        .await
        .with_context(|| format!("while connecting to {}", outdial_storage::redact_url(url)))?;
    store
        .migrate()
        .await
        .context("while migrating the database")?;
    Ok(store)
}

/// Now, in epoch milliseconds.
pub(crate) fn now_ms() -> i64 {
    jiff::Timestamp::now().as_millisecond()
}
