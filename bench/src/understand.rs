//! Understanding benchmark: every utterance of the corpus (German and English) understood over
//! and over on one thread. Prints phrases per second per core and the latency per phrase
//! (p50, p99, max); the target is a p99 under 50 µs.
//!
//!     cargo run --release -p outdial-bench --bin understand                 # 200 rounds
//!     cargo run --release -p outdial-bench --bin understand -- --rounds 1000

#![forbid(unsafe_code)]

use anyhow::{Context, bail};
use outdial_understand::{Lang, corpus, understand};
use std::time::Instant;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> anyhow::Result<()> {
    let mut rounds = 200usize;
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--rounds" => rounds = it.next().context("--rounds needs a value")?.parse()?,
            other => bail!("unknown argument {other}; usage: understand [--rounds N]"),
        }
    }
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../crates/understand/corpus");
    let mut cases = Vec::new();
    for (file, lang) in [("de.tsv", Lang::De), ("en.tsv", Lang::En)] {
        let text = std::fs::read_to_string(format!("{dir}/{file}"))
            .with_context(|| format!("while reading {dir}/{file}"))?;
        let parsed = corpus::parse(&text).map_err(|e| anyhow::anyhow!("{file}: {e}"))?;
        cases.extend(parsed.into_iter().map(|c| (c, lang)));
    }
    // Warm up, then time each phrase on its own.
    for (c, lang) in &cases {
        std::hint::black_box(understand(&c.text, *lang, &c.now));
    }
    let mut times = Vec::with_capacity(cases.len() * rounds);
    let started = Instant::now();
    for _ in 0..rounds.max(1) {
        for (c, lang) in &cases {
            let t = Instant::now();
            std::hint::black_box(understand(&c.text, *lang, &c.now));
            times.push(t.elapsed().as_nanos() as u64);
        }
    }
    let wall = started.elapsed().as_secs_f64();
    times.sort_unstable();
    let at = |q: f64| times[((times.len() - 1) as f64 * q) as usize] as f64 / 1000.0;
    println!(
        "understanding: {} phrases × {rounds} rounds on one thread",
        cases.len()
    );
    println!("| phrases/s per core | p50 | p99 | max |\n| --- | --- | --- | --- |");
    println!(
        "| {:.0} | {:.1} µs | {:.1} µs | {:.1} µs |",
        times.len() as f64 / wall,
        at(0.50),
        at(0.99),
        at(1.0)
    );
    Ok(())
}
