//! Lead-import benchmark. Generates a lead list (about 5 % invalid numbers, 2 % duplicates, 1 %
//! flagged do-not-call plus 1 % on the tenant's list, 80 % US and 20 % German numbers, UTF-8
//! names with umlauts) and imports it into a fresh SQLite database and, with `--postgres`, a
//! fresh PostgreSQL database. Each import runs in a child process so its peak resident memory is
//! its own. Prints rows per second and peak RSS.
//!
//!     cargo run --release -p outdial-bench -- --rows 1000000 --postgres postgres://postgres@127.0.0.1:5432/test

#![forbid(unsafe_code)]

use anyhow::{Context, bail};
use outdial_domain::campaign::{CampaignType, ValidSettings};
use outdial_domain::{Country, PhoneNumber};
use outdial_import::{ImportOptions, import_leads};
use outdial_storage::dnc::Origin;
use outdial_storage::{Store, campaigns, dnc, tenants};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// The same allocator as the `outdial` binary, so the figures are the ones users get.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const AREA_CODES: [u32; 20] = [
    201, 212, 213, 305, 312, 404, 415, 469, 512, 602, 617, 702, 713, 786, 813, 904, 917, 949, 971,
    980,
];
const FIRST: [&str; 10] = [
    "Anna", "Jürgen", "Maria", "Zoë", "Liam", "Sören", "Chloé", "Noah", "Jörg", "Emma",
];
const LAST: [&str; 10] = [
    "Müller", "Smith", "Groß", "García", "Nguyen", "O'Brien", "Weiß", "Johnson", "Schäfer", "Lee",
];

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("child") {
        return child(&args[1..]);
    }
    let mut rows = 1_000_000usize;
    let mut postgres: Option<String> = None;
    let mut keep: Option<PathBuf> = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--rows" => rows = it.next().context("--rows needs a number")?.parse()?,
            "--postgres" => postgres = Some(it.next().context("--postgres needs a URL")?.clone()),
            "--keep" => {
                keep = Some(PathBuf::from(
                    it.next().context("--keep needs a directory")?,
                ))
            }
            other => bail!("unknown argument {other}; use --rows N [--postgres URL] [--keep DIR]"),
        }
    }
    let tmp = tempfile::tempdir()?;
    let dir = keep.unwrap_or_else(|| tmp.path().to_path_buf());
    std::fs::create_dir_all(&dir)?;
    let csv = dir.join("leads.csv");
    let started = Instant::now();
    let (bytes, dnc_numbers) = generate(&csv, rows, 42)?;
    println!(
        "generated {rows} rows ({:.1} MB) in {:.1} s",
        bytes as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
    let dnc_file = dir.join("dnc.txt");
    std::fs::write(&dnc_file, dnc_numbers.join("\n"))?;

    let db = dir.join("bench.db");
    let _ = std::fs::remove_file(&db);
    let sqlite_url = format!("sqlite://{}", db.display());
    run_child("sqlite", &sqlite_url, &csv, &dnc_file)?;
    if let Some(admin) = postgres {
        let url =
            tokio::runtime::Runtime::new()?.block_on(outdial_bench::fresh_postgres(&admin))?;
        run_child("postgres", &url, &csv, &dnc_file)?;
    }
    Ok(())
}

fn run_child(label: &str, url: &str, csv: &Path, dnc_file: &Path) -> anyhow::Result<()> {
    let exe = std::env::current_exe()?;
    let out = std::process::Command::new(exe)
        .arg("child")
        .arg(url)
        .arg(csv)
        .arg(dnc_file)
        .output()?;
    if !out.status.success() {
        bail!(
            "{label} import failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    print!("{label:>8}: {}", String::from_utf8_lossy(&out.stdout));
    Ok(())
}

/// Writes the CSV; returns its size and the numbers (10-digit) to put on the tenant's DNC list.
fn generate(path: &Path, rows: usize, seed: u64) -> anyhow::Result<(u64, Vec<String>)> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut w = BufWriter::with_capacity(1 << 20, std::fs::File::create(path)?);
    writeln!(
        w,
        "first_name,last_name,phone,country,type,priority,do_not_call,notes,email,company"
    )?;
    let mut recent: Vec<(String, &str)> = Vec::new();
    let mut dnc_list = Vec::new();
    let (mut us, mut de) = (0u64, 0u64);
    for i in 0..rows {
        let roll: f64 = rng.random();
        let (phone, country) = if roll < 0.05 {
            let bad = [
                "12345",
                "call me",
                "+1 555 0100 99",
                "911-555-0199",
                "813 555 0123",
                "0049 30",
                "n/a",
            ];
            (bad[i % bad.len()].to_string(), "US")
        } else if roll < 0.07 && !recent.is_empty() {
            let (p, c) = recent[rng.random_range(0..recent.len())].clone();
            (format!(" {p} "), c)
        } else if roll < 0.27 {
            de += 1;
            let n = if de % 2 == 0 {
                format!("030 {:08}", 10_000_000 + de)
            } else {
                format!("0151 {:08}", 20_000_000 + de)
            };
            (n, "DE")
        } else {
            us += 1;
            let area = AREA_CODES[(us % 20) as usize];
            let rest = us / 20;
            let nxx = 200 + (rest / 10_000) % 700;
            let nxx = if nxx % 100 == 11 || nxx == 555 {
                nxx + 1
            } else {
                nxx
            };
            let n = format!("({area}) {nxx}-{:04}", rest % 10_000);
            if rng.random::<f64>() < 0.01 {
                dnc_list.push(format!("{area}{nxx}{:04}", rest % 10_000));
            }
            (n, "US")
        };
        if recent.len() < 1000 {
            recent.push((phone.trim().to_string(), country));
        } else if i % 97 == 0 {
            let k = rng.random_range(0..recent.len());
            recent[k] = (phone.trim().to_string(), country);
        }
        let dnc_flag = rng.random::<f64>() < 0.01;
        let priority = ["low", "normal", "normal", "high", "urgent"][i % 5];
        writeln!(
            w,
            "{},{},{phone},{country},prospect,{priority},{dnc_flag},\"Met at fair, row {i}\",lead{i}@example.com,Firma {} GmbH",
            FIRST[i % 10],
            LAST[(i / 10) % 10],
            i % 1000
        )?;
    }
    w.flush()?;
    Ok((std::fs::metadata(path)?.len(), dnc_list))
}

/// In the child: set up a tenant, DNC list and campaign, import, report.
fn child(args: &[String]) -> anyhow::Result<()> {
    let [url, csv, dnc_file] = args else {
        bail!("child needs URL CSV DNC")
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let store = Store::connect(url, 4).await?;
        store.migrate().await?;
        let mut conn = store.conn().await?;
        let tenant = tenants::create(&mut conn, "Bench", 0).await?;
        let listed: Vec<PhoneNumber> = std::fs::read_to_string(dnc_file)?.lines().filter_map(|l| PhoneNumber::parse(l, Country::US).ok()).collect();
        dnc::add(&mut conn, tenant.id, &listed, &Origin { source: "bench", reason: "", created_by: "bench" }, 0).await?;
        let campaign = campaigns::create(&mut conn, tenant.id, "Bench", CampaignType::General, &ValidSettings::default(), 0).await?;
        drop(conn);
        let opts = ImportOptions { filename: "leads.csv".into(), created_by: "bench".into(), max_bytes: u64::MAX, inline_rejections: 1000, now: 1, progress: None };
        let started = Instant::now();
        let report = import_leads(&store, &campaign, PathBuf::from(csv), opts).await?;
        let secs = started.elapsed().as_secs_f64();
        let c = report.counts;
        println!(
            "{} rows in {:.2} s = {:.0} rows/s; peak RSS {} MB; imported {}, rejected {} (duplicates {}), do-not-call {}",
            c.rows_read, secs, c.rows_read as f64 / secs, peak_rss_mb(), c.imported, c.rejected, c.duplicates, c.do_not_call
        );
        store.close().await;
        Ok(())
    })
}

/// Peak resident set size of this process (Linux `VmHWM`), in MB.
fn peak_rss_mb() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map(|kb| format!("{:.0}", kb / 1024.0))
        .unwrap_or_else(|| "?".into())
}
