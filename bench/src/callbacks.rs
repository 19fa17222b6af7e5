//! Webhook benchmark: signed Twilio status callbacks (and some voice requests) driven at rising
//! rates against a running Outdial on SQLite and, with `--postgres`, PostgreSQL. Prints the
//! sustained requests per second with p50 and p99 latency for each offered rate.
//!
//!     cargo run --release -p outdial-bench --bin callbacks -- --postgres postgres://postgres@127.0.0.1:5432/test
//!
//! Each call gets its events in order (initiated, ringing, in-progress, completed), one in ten
//! sent twice as Twilio may; calls are spread so many are in flight at once. Requests are sent
//! open-loop at the offered rate over keep-alive connections, after one unmeasured second at
//! that rate to open them; a run whose rate could not be met reports what was achieved.

#![forbid(unsafe_code)]

use anyhow::{Context, bail};
use outdial_domain::campaign::{CampaignType, ValidSettings};
use outdial_domain::lead::{NewLead, Priority};
use outdial_domain::{Country, PhoneNumber};
use outdial_server::{Application, Config};
use outdial_storage::calls::{self, NewCall};
use outdial_storage::{Store, campaigns, leads, tenants};
use outdial_twilio::signature::{Algorithm, sign};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const ACCOUNT: &str = "AC0123456789abcdef0123456789abcdef";
const TOKEN: &str = "0123456789abcdef0123456789abcdef";
const STEPS: [&str; 4] = ["initiated", "ringing", "in-progress", "completed"];

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut postgres = None;
    let mut rates = vec![1000u32, 2500, 5000, 7500];
    let mut seconds = 5u64;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--postgres" => postgres = Some(it.next().context("--postgres needs a URL")?.clone()),
            "--rates" => {
                rates = it
                    .next()
                    .context("--rates needs a list like 1000,5000")?
                    .split(',')
                    .map(|r| r.trim().parse())
                    .collect::<Result<_, _>>()?
            }
            "--seconds" => seconds = it.next().context("--seconds needs a number")?.parse()?,
            other => bail!(
                "unknown argument {other}; use [--postgres URL] [--rates 1000,5000] [--seconds 5]"
            ),
        }
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let dir = tempfile::tempdir()?;
        let sqlite = format!("sqlite://{}", dir.path().join("bench.db").display());
        run("sqlite", &sqlite, &rates, seconds).await?;
        if let Some(admin) = postgres {
            let url = outdial_bench::fresh_postgres(&admin).await?;
            run("postgres", &url, &rates, seconds).await?;
        }
        Ok(())
    })
}

async fn run(label: &str, url: &str, rates: &[u32], seconds: u64) -> anyhow::Result<()> {
    let config = Config::default()
        .with("database.url", url)
        .and_then(|c| c.with("server.bind", "127.0.0.1:0"))
        .and_then(|c| c.with("demo.seed", false))
        .and_then(|c| c.with("twilio.account_sid", ACCOUNT))
        .and_then(|c| c.with("twilio.auth_token", TOKEN))
        .and_then(|c| c.with("log.level", "warn"))
        // The calls here are made up (created at the epoch, with a made-up account): the
        // dialer's reconciliation would take them all for lost calls and ask Twilio about
        // them. This bench measures callbacks alone.
        .and_then(|c| c.with("dialer.enabled", false))
        .map_err(anyhow::Error::msg)?;
    let app = Application::build(config).await?;
    let base = format!("http://127.0.0.1:{}", app.port());
    let store = app.store.clone();
    tokio::spawn(app.run_until_stopped(std::future::pending()));
    let total_calls = (rates.iter().sum::<u32>() as u64 * (seconds + 1) / 4 + 1000) as usize;
    let (tenant, calls) = make_calls(&store, total_calls).await?;
    println!("{label}: {total_calls} calls prepared");
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(512)
        .build()?;
    let mut next_call = 0usize;
    for &rate in rates {
        // A second at the step's rate first, not measured: the client opens its connections
        // and the server its tasks, as they would have long before in steady traffic. Without
        // it the first 200 ms of a run carry hundreds of connection set-ups.
        let mut next_requests = |count: usize| {
            let mut requests = Vec::with_capacity(count);
            // Every call's four events, interleaved across 64 calls at a time.
            let window = 64;
            while requests.len() < count {
                let group = &calls[next_call..next_call + window];
                next_call += window;
                for (seq, step) in STEPS.iter().enumerate() {
                    for (id, sid) in group {
                        requests.push(request(&base, tenant, *id, sid, step, seq));
                        if requests.len() % 10 == 0 {
                            requests.push(request(&base, tenant, *id, sid, step, seq));
                        }
                    }
                }
            }
            requests.truncate(count);
            requests
        };
        let warm_up = next_requests(rate as usize);
        let requests = next_requests(rate as usize * seconds as usize);
        drive(&client, warm_up, rate).await;
        let steal_before = steal_ms();
        let (sent, secs, mut latencies, failures) = drive(&client, requests, rate).await;
        let steal = steal_ms().zip(steal_before).map(|(a, b)| a - b);
        latencies.sort_unstable();
        let pct = |p: f64| {
            latencies
                .get(((latencies.len() as f64 * p) as usize).min(latencies.len().saturating_sub(1)))
                .map(|d| d.as_secs_f64() * 1000.0)
                .unwrap_or(0.0)
        };
        println!(
            "{label:>8}: offered {rate:>5}/s -> {:>6.0} req/s sustained, p50 {:>6.2} ms, p90 {:>6.2} ms, p99 {:>7.2} ms, max {:>7.2} ms, {failures} failed{}",
            sent as f64 / secs,
            pct(0.50),
            pct(0.90),
            pct(0.99),
            pct(1.0),
            steal
                .map(|ms| format!(", {ms} ms CPU stolen by the hypervisor"))
                .unwrap_or_default(),
        );
    }
    Ok(())
}

/// CPU time the hypervisor took from this virtual machine so far (all CPUs, ms), from
/// `/proc/stat`; `None` where that is not available. On a shared 2-core VM a few hundred
/// milliseconds of it during a step shows up directly in the tail latencies.
fn steal_ms() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    let cpu = stat.lines().next()?.split_whitespace().collect::<Vec<_>>();
    let ticks: u64 = cpu.get(8)?.parse().ok()?;
    Some(ticks * 10) // USER_HZ is 100 on Linux
}

/// A signed status callback: URL, form fields, signature.
type Request = (String, Vec<(String, String)>, String);

fn request(base: &str, tenant: i64, id: i64, sid: &str, status: &str, seq: usize) -> Request {
    let url = format!("{base}/twilio/status?tenant={tenant}&call={id}");
    let mut form = vec![
        ("CallSid".to_string(), sid.to_string()),
        ("AccountSid".to_string(), ACCOUNT.to_string()),
        ("CallStatus".to_string(), status.to_string()),
        ("SequenceNumber".to_string(), seq.to_string()),
        (
            "CallbackSource".to_string(),
            "call-progress-events".to_string(),
        ),
        ("Direction".to_string(), "outbound-api".to_string()),
        ("ApiVersion".to_string(), "2010-04-01".to_string()),
    ];
    if status == "completed" {
        form.push(("CallDuration".into(), "37".into()));
        form.push(("SipResponseCode".into(), "200".into()));
    }
    let signature = sign(TOKEN.as_bytes(), Algorithm::Sha1, &url, &form);
    (url, form, signature)
}

/// Sends `requests` open-loop at `rate` per second; returns (completed, seconds, latencies, failures).
async fn drive(
    client: &reqwest::Client,
    requests: Vec<Request>,
    rate: u32,
) -> (usize, f64, Vec<Duration>, usize) {
    let gap = Duration::from_secs_f64(1.0 / f64::from(rate));
    let started = Instant::now();
    let results = Arc::new(std::sync::Mutex::new((
        Vec::with_capacity(requests.len()),
        0usize,
    )));
    let mut tasks = Vec::with_capacity(requests.len());
    for (i, (url, form, signature)) in requests.into_iter().enumerate() {
        let due = started + gap * i as u32;
        let now = Instant::now();
        if due > now {
            tokio::time::sleep(due - now).await;
        }
        let client = client.clone();
        let results = results.clone();
        tasks.push(tokio::spawn(async move {
            let t = Instant::now();
            let ok = client
                .post(&url)
                .header("X-Twilio-Signature", signature)
                .form(&form)
                .send()
                .await
                .map(|r| r.status().is_success())
                .unwrap_or(false);
            let mut r = results.lock().unwrap();
            r.0.push(t.elapsed());
            if !ok {
                r.1 += 1;
            }
        }));
    }
    for t in tasks {
        let _ = t.await;
    }
    let secs = started.elapsed().as_secs_f64();
    let (lat, failures) = std::mem::take(&mut *results.lock().unwrap());
    (lat.len(), secs, lat, failures)
}

async fn make_calls(store: &Store, n: usize) -> anyhow::Result<(i64, Vec<(i64, String)>)> {
    let mut conn = store.conn().await?;
    let tenant = tenants::create(&mut conn, "Bench", 0).await?;
    let campaign = campaigns::create(
        &mut conn,
        tenant.id,
        "Bench",
        CampaignType::General,
        &ValidSettings::default(),
        0,
    )
    .await?;
    drop(conn);
    let mut out = Vec::with_capacity(n);
    let mut tx = store.begin().await?;
    // Every call is a campaign call with a lead being dialed, so a `completed` report also
    // records the attempt on the lead, as it does in production.
    let new_leads = (0..n)
        .map(|i| NewLead {
            extension: None,
            phone: PhoneNumber::from_trusted(format!("+1813{:07}", 2_000_000 + i)),
            country: Country::parse("US").expect("US is a country"),
            first_name: format!("Lead {i}"),
            last_name: String::new(),
            email: String::new(),
            company: String::new(),
            timezone: None,
            lead_type: String::new(),
            priority: Priority::default(),
            do_not_call: false,
            notes: String::new(),
            custom_fields: Vec::new(),
        })
        .collect();
    leads::insert_many(&mut tx, tenant.id, campaign.id, None, new_leads, true, 0).await?;
    let (page, _) = leads::list(
        &mut tx,
        tenant.id,
        &leads::LeadFilter {
            campaign: Some(campaign.id),
            limit: n as i64,
            ..Default::default()
        },
    )
    .await?;
    let from = outdial_domain::PhoneNumber::parse_e164("+15005550006")?;
    for (i, lead) in page.iter().enumerate() {
        leads::claim_for_call(&mut tx, tenant.id, lead.id, 0)
            .await?
            .context("a fresh lead can be claimed")?;
        let mut call = calls::create(
            &mut tx,
            tenant.id,
            &NewCall {
                campaign: Some(campaign.id),
                lead: Some(lead.id),
                call_type: "campaign",
                from: &from,
                to: &lead.phone,
                extension: None,
            },
            0,
        )
        .await?;
        let sid = format!("CA{:032x}", i);
        call.call_sid =
            Some(outdial_domain::call::CallSid::parse(&sid).map_err(anyhow::Error::msg)?);
        calls::save(&mut tx, &call, 0).await?;
        out.push((call.id.0, sid));
    }
    tx.commit().await?;
    Ok((tenant.id.0, out))
}
