//! `outdial import` and `outdial dnc import`: the same import code the API uses, with a
//! progress bar.

use super::{now_ms, open_store};
use crate::cli::{DncCommand, ImportArgs};
use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use outdial_domain::{CampaignId, Country, TenantId};
use outdial_import::{ImportOptions, import_dnc_file, import_leads};
use outdial_server::Config;
use outdial_storage::dnc::Origin;
use outdial_storage::{campaigns, tenants};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

pub async fn run(config: &Config, args: ImportArgs) -> anyhow::Result<()> {
    let size = std::fs::metadata(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?
        .len();
    let store = open_store(config).await?;
    let campaign = campaigns::get_unscoped(&mut *store.conn().await?, CampaignId(args.campaign))
        .await
        .with_context(|| format!("no campaign with id {}", args.campaign))?;
    let progress = Arc::new(AtomicU64::new(0));
    let bar = ProgressBar::new(size);
    bar.set_style(ProgressStyle::with_template(
        "{spinner} [{elapsed_precise}] {wide_bar} {percent}% {msg}",
    )?);
    bar.set_message(format!(
        "importing into campaign {} ({})",
        campaign.id, campaign.name
    ));
    let ticker = {
        let (bar, progress) = (bar.clone(), progress.clone());
        tokio::spawn(async move {
            loop {
                bar.set_position(progress.load(Ordering::Relaxed).min(size));
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        })
    };
    let opts = ImportOptions {
        filename: args
            .file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        created_by: "cli".into(),
        max_bytes: u64::MAX,
        inline_rejections: 100_000,
        now: now_ms(),
        progress: Some(progress.clone()),
    };
    let started = std::time::Instant::now();
    let result = import_leads(&store, &campaign, args.file.clone(), opts).await;
    ticker.abort();
    bar.finish_and_clear();
    let report = result.map_err(|e| anyhow::anyhow!("nothing was imported: {e}"))?;
    let secs = started.elapsed().as_secs_f64();
    println!(
        "import {}: {} rows read, {} imported, {} rejected ({} duplicates), {} do-not-call — {:.1} s, {:.0} rows/s ({}, separator '{}')",
        report.import_id,
        report.counts.rows_read,
        report.counts.imported,
        report.counts.rejected,
        report.counts.duplicates,
        report.counts.do_not_call,
        secs,
        report.counts.rows_read as f64 / secs.max(1e-9),
        report.encoding,
        report.delimiter
    );
    for r in report.rejected_rows.iter().take(20) {
        println!("  line {}: {} ({})", r.line, r.reason, r.kind);
    }
    if report.rejected_rows.len() > 20 {
        println!("  … and {} more", report.rejected_rows.len() - 20);
    }
    if let Some(path) = args.report {
        std::fs::write(&path, serde_json::to_vec_pretty(&report)?)
            .with_context(|| format!("while writing {}", path.display()))?;
        println!("full report written to {}", path.display());
    }
    Ok(())
}

pub async fn dnc(config: &Config, cmd: DncCommand) -> anyhow::Result<()> {
    let DncCommand::Import {
        file,
        tenant,
        country,
    } = cmd;
    let country = Country::parse(&country)?;
    let store = open_store(config).await?;
    tenants::get_by_id(&mut *store.conn().await?, TenantId(tenant))
        .await
        .with_context(|| format!("no tenant with id {tenant}"))?;
    let reader =
        std::fs::File::open(&file).with_context(|| format!("cannot read {}", file.display()))?;
    let report = import_dnc_file(
        &store,
        TenantId(tenant),
        reader,
        country,
        &Origin {
            source: "import",
            reason: "",
            created_by: "cli",
        },
        now_ms(),
    )
    .await?;
    println!(
        "{} lines read, {} numbers added, {} already listed, {} leads marked do-not-call",
        report.lines_read, report.added, report.already_listed, report.leads_marked
    );
    for r in &report.rejected {
        println!("  line {}: {}", r.line, r.reason);
    }
    Ok(())
}
