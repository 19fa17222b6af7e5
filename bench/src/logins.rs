//! Logins benchmark: a flood of valid logins (password hashing is deliberately slow) while a
//! signed-in user keeps reading `/api/v1/me`. Hashing runs on a bounded pool, so the other
//! requests must stay fast; prints their latency idle and under the flood, and what the flood
//! got (logins per second, 503s).
//!
//!     cargo run --release -p outdial-bench --bin logins                  # 100 logins/s for 10 s
//!     cargo run --release -p outdial-bench --bin logins -- --rate 200 --seconds 10

#![forbid(unsafe_code)]

use anyhow::{Context, bail};
use outdial_domain::Role;
use outdial_engine::clock::SystemClock;
use outdial_server::auth::passwords;
use outdial_server::{Application, Config};
use outdial_storage::users::NewUser;
use outdial_storage::{Store, tenants, users};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const PASSWORD: &str = "a long enough benchmark password";

fn parse() -> anyhow::Result<(u64, u64)> {
    let (mut rate, mut seconds) = (100u64, 10u64);
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = || it.next().with_context(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--rate" => rate = value()?.parse()?,
            "--seconds" => seconds = value()?.parse()?,
            other => bail!("unknown argument {other}; usage: logins [--rate N] [--seconds S]"),
        }
    }
    Ok((rate.max(1), seconds.max(1)))
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// Reads `/api/v1/me` one after another until `until`; the latencies in ms, sorted.
async fn reads(client: &reqwest::Client, base: &str, token: &str, until: Instant) -> Vec<f64> {
    let mut out = Vec::new();
    while Instant::now() < until {
        let t = Instant::now();
        let r = client
            .get(format!("{base}/api/v1/me"))
            .bearer_auth(token)
            .send()
            .await;
        if r.is_ok_and(|r| r.status().is_success()) {
            out.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    out.sort_by(f64::total_cmp);
    out
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let (rate, seconds) = parse()?;
    let dir = tempfile::tempdir()?;
    let url = format!("sqlite://{}", dir.path().join("logins.db").display());
    let config = Config::default()
        .with("database.url", &url)
        .and_then(|c| c.with("server.bind", "127.0.0.1:0"))
        .and_then(|c| c.with("demo.seed", false))
        .and_then(|c| c.with("dialer.enabled", false))
        .and_then(|c| c.with("auth.login_max_failures", 1_000_000))
        .and_then(|c| c.with("auth.max_sessions_per_user", 1_000_000))
        .map_err(anyhow::Error::msg)?;
    let app = Application::build_with_clock(config, Arc::new(SystemClock)).await?;
    let base = format!("http://127.0.0.1:{}", app.port());
    let store: Store = app.store.clone();
    tokio::spawn(app.run_until_stopped(std::future::pending()));
    {
        let mut conn = store.conn().await?;
        let tenant = tenants::create(&mut conn, "Bench", 0).await?;
        let hash = passwords::hash(PASSWORD.into())
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        users::create(
            &mut conn,
            tenant.id,
            NewUser {
                email: "bench@logins.test",
                name: "Bench",
                role: Role::Owner,
                password_hash: &hash,
            },
            0,
        )
        .await?;
    }
    let client = reqwest::Client::new();
    let login = |client: reqwest::Client, base: String| async move {
        client
            .post(format!("{base}/api/v1/auth/login"))
            .json(&serde_json::json!({ "email": "bench@logins.test", "password": PASSWORD }))
            .send()
            .await
            .map(|r| r.status().as_u16())
            .unwrap_or(0)
    };
    let session: serde_json::Value = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&serde_json::json!({ "email": "bench@logins.test", "password": PASSWORD }))
        .send()
        .await?
        .json()
        .await?;
    let token = session["token"].as_str().context("no token")?.to_string();

    let idle = reads(
        &client,
        &base,
        &token,
        Instant::now() + Duration::from_secs(3),
    )
    .await;

    let (ok, busy, other) = (
        Arc::new(AtomicU64::new(0)),
        Arc::new(AtomicU64::new(0)),
        Arc::new(AtomicU64::new(0)),
    );
    let started = Instant::now();
    let end = started + Duration::from_secs(seconds);
    let flood = {
        let (client, base, ok, busy, other) = (
            client.clone(),
            base.clone(),
            ok.clone(),
            busy.clone(),
            other.clone(),
        );
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs_f64(1.0 / rate as f64));
            let mut tasks = Vec::new();
            while Instant::now() < end {
                tick.tick().await;
                let (client, base, ok, busy, other) = (
                    client.clone(),
                    base.clone(),
                    ok.clone(),
                    busy.clone(),
                    other.clone(),
                );
                tasks.push(tokio::spawn(async move {
                    match login(client, base).await {
                        200 => ok.fetch_add(1, Ordering::Relaxed),
                        503 => busy.fetch_add(1, Ordering::Relaxed),
                        _ => other.fetch_add(1, Ordering::Relaxed),
                    };
                }));
            }
            for t in tasks {
                let _ = t.await;
            }
        })
    };
    let loaded = reads(&client, &base, &token, end).await;
    flood.await?;
    let took = started.elapsed().as_secs_f64();

    println!(
        "logins benchmark: {rate} valid logins/s offered for {seconds} s, {} cores",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    println!(
        "  GET /api/v1/me idle:        p50 {:.1} ms  p99 {:.1} ms  ({} reads)",
        percentile(&idle, 0.5),
        percentile(&idle, 0.99),
        idle.len()
    );
    println!(
        "  GET /api/v1/me under flood: p50 {:.1} ms  p99 {:.1} ms  ({} reads)",
        percentile(&loaded, 0.5),
        percentile(&loaded, 0.99),
        loaded.len()
    );
    println!(
        "  logins: {} ok ({:.1}/s), {} refused busy (503), {} other, in {:.1} s",
        ok.load(Ordering::Relaxed),
        ok.load(Ordering::Relaxed) as f64 / took,
        busy.load(Ordering::Relaxed),
        other.load(Ordering::Relaxed),
        took
    );
    Ok(())
}
