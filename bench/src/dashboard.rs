//! Dashboard benchmark: how long the dashboard's reads take as a tenant's call log grows to
//! 100,000 and 1,000,000 calls over the last 30 days, on SQLite and (with `--postgres`) on
//! PostgreSQL. A page read is what `GET /api/v1/dashboard` asks the database each time: today's
//! calls counted by hour and outcome, today's appointments, and the calls still open (the web
//! page reads it at most every 2 s while calls change). The 30-day read (answer rate by hour
//! of day) is made once per 5 minutes per tenant and time zone, and timed apart.
//!
//!     cargo run --release -p outdial-bench --bin dashboard -- --postgres postgres://postgres@127.0.0.1:5432/test

#![forbid(unsafe_code)]

use anyhow::{Context, bail};
use outdial_storage::{Store, reports};
use std::time::Instant;

/// The call log's sizes.
const SIZES: [i64; 2] = [100_000, 1_000_000];
/// Reads timed at each size.
const READS: usize = 30;
const NOW: i64 = 1_795_100_400_000;
const DAY: i64 = 86_400_000;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let tmp = tempfile::tempdir()?;
    for (label, url) in outdial_bench::databases("dashboard", tmp.path()).await? {
        run(label, &url).await?;
    }
    Ok(())
}

async fn run(label: &str, url: &str) -> anyhow::Result<()> {
    let (store, tenant, campaign) =
        outdial_bench::store_with_campaign(label, url, "Busy", "Month", NOW).await?;
    println!("{label}: the dashboard's reads over a month of calls");
    let mut have = 0;
    for size in SIZES {
        let started = Instant::now();
        add_calls(&store, tenant.0, campaign.0, have, size).await?;
        if store.backend() == outdial_storage::Backend::Postgres {
            sqlx::query("VACUUM ANALYZE calls")
                .execute(store.pool())
                .await?;
        }
        let loaded = started.elapsed().as_secs_f64();
        have = size;
        // A page's read: today's calls by hour and outcome, appointments, open calls.
        let mut page = Vec::with_capacity(READS);
        // The 30-day answer rates, read again every 5 minutes.
        let mut month = Vec::with_capacity(READS);
        let mut counted = 0;
        for _ in 0..READS {
            let mut conn = store.conn().await?;
            let t = Instant::now();
            reports::calls_by_hour(&mut conn, tenant, None, NOW - DAY).await?;
            reports::appointments(&mut conn, tenant, None, NOW - DAY).await?;
            reports::open_calls(&mut conn, tenant, None, NOW - 4 * 3_600_000, 100).await?;
            page.push(t.elapsed().as_secs_f64() * 1000.0);
            let t = Instant::now();
            let hours = reports::calls_by_hour(&mut conn, tenant, None, NOW - 30 * DAY).await?;
            month.push(t.elapsed().as_secs_f64() * 1000.0);
            counted = hours.iter().map(|h| h.calls).sum::<i64>();
        }
        if counted != size {
            bail!("counted {counted} calls, expected {size}");
        }
        for times in [&mut page, &mut month] {
            times.sort_by(f64::total_cmp);
        }
        let pct = |t: &[f64], p: f64| t[((t.len() as f64 * p) as usize).min(t.len() - 1)];
        println!(
            "  {size:>9} calls (loaded in {loaded:>5.1} s): page read p50 {:.1} ms, p90 {:.1} ms; 30-day read p50 {:.0} ms, p90 {:.0} ms",
            pct(&page, 0.50),
            pct(&page, 0.90),
            pct(&month, 0.50),
            pct(&month, 0.90),
        );
    }
    store.close().await;
    Ok(())
}

/// Adds calls `from..to`, spread evenly over the 30 days before `NOW`: half answered, a fifth
/// voicemail, the rest busy, unanswered or failed.
async fn add_calls(
    store: &Store,
    tenant: i64,
    campaign: i64,
    from: i64,
    to: i64,
) -> anyhow::Result<()> {
    let step = 30 * DAY / SIZES[SIZES.len() - 1];
    for chunk in (from..to).step_by(50_000) {
        let end = (chunk + 50_000).min(to);
        let mut tx = store.begin().await?;
        sqlx::query(
            "WITH RECURSIVE n(i) AS (SELECT CAST($1 AS BIGINT) UNION ALL SELECT i + 1 FROM n WHERE i + 1 < $2) \
             INSERT INTO calls (tenant_id, campaign_id, call_type, from_number, to_number, status, outcome, \
             created_at, ended_at, talk_seconds, updated_at) \
             SELECT $3, $4, 'campaign', '+18134893200', '+18134893222', \
             CASE WHEN i % 10 < 7 THEN 'completed' WHEN i % 10 = 7 THEN 'busy' WHEN i % 10 = 8 THEN 'no-answer' ELSE 'failed' END, \
             CASE WHEN i % 10 < 5 THEN 'answered' WHEN i % 10 < 7 THEN 'voicemail' WHEN i % 10 = 7 THEN 'busy' \
                  WHEN i % 10 = 8 THEN 'no_answer' ELSE 'failed' END, \
             $5 - i * $6, $5 - i * $6 + 60000, CASE WHEN i % 10 < 5 THEN 45 ELSE 0 END, $5 - i * $6 + 60000 FROM n",
        )
        .bind(chunk)
        .bind(end)
        .bind(tenant)
        .bind(campaign)
        .bind(NOW - 1)
        .bind(step)
        .execute(&mut *tx)
        .await
        .context("while adding calls")?;
        tx.commit().await?;
    }
    Ok(())
}
