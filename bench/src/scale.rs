//! Scale benchmark: how long the dialer takes to claim its next batch of due leads as a
//! campaign grows to 10,000, 100,000 and 1,000,000 leads, on SQLite and (with `--postgres`) on
//! PostgreSQL. A claim is what a dialer turn does with its leads: in one write transaction,
//! read the next due leads (most urgent priority first, longest due first, skipping rows
//! another instance holds on PostgreSQL), move them to `dialing`, commit.
//!
//! The campaign looks like one being worked: four priorities, a third of the leads waiting for
//! a retry later today, 2 % marked do-not-call, a few already finished.
//!
//!     cargo run --release -p outdial-bench --bin scale -- --postgres postgres://postgres@127.0.0.1:5432/test

#![forbid(unsafe_code)]

use anyhow::{Context, bail};
use outdial_domain::lead::{NewLead, Priority};
use outdial_domain::{CampaignId, Country, LeadId, PhoneNumber, TenantId};
use outdial_storage::{Backend, Store, dialing, leads};
use std::time::Instant;

/// The campaign's sizes, in leads.
const SIZES: [usize; 3] = [10_000, 100_000, 1_000_000];
/// Leads a turn claims at once.
const BATCH: usize = 20;
/// Claims timed at each size.
const CLAIMS: usize = 200;
const NOW: i64 = 1_795_100_400_000;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let tmp = tempfile::tempdir()?;
    for (label, url) in outdial_bench::databases("scale", tmp.path()).await? {
        run(label, &url).await?;
    }
    Ok(())
}

async fn run(label: &str, url: &str) -> anyhow::Result<()> {
    let (store, tenant, campaign) =
        outdial_bench::store_with_campaign(label, url, "Scale", "Million", NOW).await?;
    println!("{label}: claiming {BATCH} due leads at a time, {CLAIMS} claims per size");
    let mut have = 0;
    for size in SIZES {
        let started = Instant::now();
        add_leads(&store, tenant, campaign, have, size).await?;
        if store.backend() == Backend::Postgres {
            // What autovacuum does on its own after a bulk load: the load inserts, then updates
            // a third of the rows, whose old versions would otherwise sit at the head of the
            // due-leads index.
            sqlx::query("VACUUM ANALYZE leads")
                .execute(store.pool())
                .await?;
        }
        let loaded = started.elapsed().as_secs_f64();
        have = size;
        let mut times = Vec::with_capacity(CLAIMS);
        for i in 0..CLAIMS {
            let at = NOW + 1_000 + i as i64;
            let t = Instant::now();
            let mut tx = store.begin().await?;
            let due = dialing::due_leads(&mut tx, campaign, at, BATCH).await?;
            let ids: Vec<LeadId> = due.iter().map(|l| l.id).collect();
            let claimed = leads::claim(&mut tx, &ids, at).await?;
            tx.commit().await?;
            times.push(t.elapsed().as_secs_f64() * 1000.0);
            if claimed.len() != BATCH {
                bail!("claimed {} leads, expected {BATCH}", claimed.len());
            }
        }
        times.sort_by(f64::total_cmp);
        let pct = |p: f64| times[((times.len() as f64 * p) as usize).min(times.len() - 1)];
        println!(
            "  {size:>9} leads (loaded in {loaded:>5.1} s): claim p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
            pct(0.50),
            pct(0.99),
            times[times.len() - 1]
        );
    }
    store.close().await;
    Ok(())
}

/// Adds leads `from..to` with the mix described at the top.
async fn add_leads(
    store: &Store,
    tenant: TenantId,
    campaign: CampaignId,
    from: usize,
    to: usize,
) -> anyhow::Result<()> {
    let us = Country::parse("US").context("US")?;
    for chunk_start in (from..to).step_by(10_000) {
        let chunk_end = (chunk_start + 10_000).min(to);
        let new: Vec<NewLead> = (chunk_start..chunk_end)
            .map(|i| NewLead {
                extension: None,
                phone: PhoneNumber::from_trusted(format!(
                    "+1{}{:07}",
                    201 + (i / 9_000_000),
                    2_000_000 + i % 8_000_000
                )),
                country: us,
                first_name: format!("Lead {i}"),
                last_name: String::new(),
                email: String::new(),
                company: String::new(),
                timezone: None,
                lead_type: String::new(),
                priority: match i % 10 {
                    0 => Priority::Urgent,
                    1 | 2 => Priority::High,
                    9 => Priority::Low,
                    _ => Priority::Normal,
                },
                do_not_call: i % 50 == 7,
                notes: String::new(),
                custom_fields: Vec::new(),
            })
            .collect();
        let mut tx = store.begin().await?;
        leads::insert_many(&mut tx, tenant, campaign, None, new, false, NOW).await?;
        // A third wait for a retry later today; a few are finished.
        sqlx::query(
            "UPDATE leads SET status = CASE WHEN id % 3 = 0 THEN 'retry' WHEN id % 97 = 0 THEN 'completed' ELSE status END, \
             next_attempt_at = CASE WHEN id % 3 = 0 THEN $1 ELSE next_attempt_at END \
             WHERE campaign_id = $2 AND id > (SELECT COALESCE(MAX(id), 0) - $3 FROM leads WHERE campaign_id = $2)",
        )
        .bind(NOW + 3_600_000)
        .bind(campaign.0)
        .bind((chunk_end - chunk_start) as i64)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
    }
    Ok(())
}
