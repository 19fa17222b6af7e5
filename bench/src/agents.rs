//! Agents benchmark: a predictive campaign worked by 200 simulated agents for a simulated
//! working day, through the whole server (dialer, webhooks, warm transfers, database) and the
//! Twilio simulator, with time accelerated. Prints agent occupancy, talk minutes per
//! agent-hour, abandonment, and the server's CPU seconds per call.
//!
//!     cargo run --release -p outdial-bench --bin agents                 # 200 agents, 8 h at 30×
//!     cargo run --release -p outdial-bench --bin agents -- --hours 1 --agents 50 --speed 30
//!
//! The simulator runs on threads of its own (named `sim-*`), so the server's CPU time is the
//! process's less theirs. Callers answer as in the simulator's defaults (55 % people, 20 %
//! machines…); agents answer in 0.3–1 s, press a key 0.2–0.6 s into the whisper (95 %; 3 % let
//! it pass, 2 % miss the call), talk 30–240 s and wrap up for the campaign's 30 s. Time
//! acceleration compresses the server's own latency too: 10 ms of webhook handling is 0.3
//! simulated seconds at 30×, counted against the 2-second rule.

#![forbid(unsafe_code)]

use anyhow::{Context, bail};
use outdial_domain::campaign::{
    CampaignSettings, CampaignStatus, CampaignType, Pacing, ValidSettings,
};
use outdial_domain::lead::{NewLead, Priority};
use outdial_domain::{Country, PhoneNumber, Role};
use outdial_engine::clock::{Clock, ScaledClock};
use outdial_server::{Application, Config};
use outdial_simulator::{SimConfig, Simulator};
use outdial_storage::users::NewUser;
use outdial_storage::{Store, agents, campaigns, leads, tenants, users};
use outdial_twilio::Credentials;
use std::sync::Arc;
use std::time::{Duration, Instant};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const ACCOUNT: &str = "AC0123456789abcdef0123456789abcdef";
const TOKEN: &str = "0123456789abcdef0123456789abcdef";

struct Args {
    agents: usize,
    hours: f64,
    speed: f64,
    postgres: Option<String>,
}

fn parse() -> anyhow::Result<Args> {
    let mut a = Args {
        agents: 200,
        hours: 8.0,
        speed: 30.0,
        postgres: None,
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = || it.next().with_context(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--agents" => a.agents = value()?.parse()?,
            "--hours" => a.hours = value()?.parse()?,
            "--speed" => a.speed = value()?.parse()?,
            "--postgres" => a.postgres = Some(value()?.clone()),
            other => bail!(
                "unknown argument {other}; use [--agents 200] [--hours 8] [--speed 30] [--postgres URL]"
            ),
        }
    }
    if !(1.0..=100.0).contains(&a.speed) || a.agents == 0 || a.hours <= 0.0 {
        bail!("--speed 1 to 100, --agents and --hours above 0");
    }
    Ok(a)
}

fn main() -> anyhow::Result<()> {
    let args = parse()?;
    let sim_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name("sim-worker")
        .enable_all()
        .build()?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .thread_name("server-worker")
        .enable_all()
        .build()?;
    let phones: Vec<String> = (0..args.agents)
        .map(|i| format!("+4915112{i:06}"))
        .collect();
    let mut sim_config = SimConfig {
        speed: args.speed,
        calls_per_second: 1000.0,
        seed: 7,
        ..SimConfig::default()
    };
    sim_config.agents.numbers = phones.clone();
    let sim = sim_rt.block_on(async {
        Simulator::start(
            sim_config,
            ([127, 0, 0, 1], 0).into(),
            Credentials {
                account_sid: ACCOUNT.into(),
                auth_token: TOKEN.into(),
            },
        )
        .await
    })?;
    rt.block_on(async {
        let dir = tempfile::tempdir()?;
        let url = match &args.postgres {
            Some(admin) => outdial_bench::fresh_postgres(admin).await?,
            None => format!("sqlite://{}", dir.path().join("agents.db").display()),
        };
        run(&args, &url, sim.base_url(), &phones).await
    })?;
    drop(sim_rt);
    Ok(())
}

async fn run(args: &Args, url: &str, sim_url: &str, phones: &[String]) -> anyhow::Result<()> {
    let config = Config::default()
        .with("database.url", url)
        .and_then(|c| c.with("server.bind", "127.0.0.1:0"))
        .and_then(|c| c.with("demo.seed", false))
        .and_then(|c| c.with("twilio.account_sid", ACCOUNT))
        .and_then(|c| c.with("twilio.auth_token", TOKEN))
        .and_then(|c| c.with("twilio.api_base_url", sim_url))
        .and_then(|c| c.with("log.level", "warn"))
        // A tick is a simulated second at 30×: pacing and the 2-second rule need that grain.
        .and_then(|c| {
            c.with(
                "dialer.tick_ms",
                (1000.0 / args.speed).round().max(5.0) as i64,
            )
        })
        .and_then(|c| c.with("dialer.calls_per_second", 100))
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    // The simulated day starts at 09:00 in Berlin, where the leads are: inside their hours.
    let berlin = jiff::tz::TimeZone::get("Europe/Berlin")?;
    let start = jiff::Zoned::now()
        .with_time_zone(berlin.clone())
        .date()
        .at(9, 0, 0, 0)
        .to_zoned(berlin)?
        .timestamp()
        .as_millisecond();
    let clock = Arc::new(ScaledClock::starting_at(start, args.speed));
    let app = Application::build_with_clock(config, clock.clone()).await?;
    let store = app.store.clone();
    let campaign = seed(&store, args, phones, start).await?;
    tokio::spawn(app.run_until_stopped(std::future::pending()));

    let cpu_before = cpu_seconds()?;
    let day_ms = (args.hours * 3_600_000.0) as i64;
    let real = Instant::now();
    println!(
        "{} agents, predictive, {:.1} simulated hours at {}× ({:.0} s real)…",
        args.agents,
        args.hours,
        args.speed,
        day_ms as f64 / args.speed / 1000.0
    );
    let (mut busy, mut logged) = (0u64, 0u64);
    let sample = Duration::from_secs_f64(60.0 / args.speed);
    let mut next_report = 3_600_000;
    while clock.now_ms() - start < day_ms {
        tokio::time::sleep(sample).await;
        let rows: Vec<(String, i64)> =
            sqlx::query_as("SELECT status, COUNT(*) FROM agents GROUP BY status")
                .fetch_all(store.pool())
                .await?;
        for (status, n) in rows {
            match status.as_str() {
                "on_call" | "wrap_up" => {
                    busy += n as u64;
                    logged += n as u64;
                }
                "available" => logged += n as u64,
                _ => {}
            }
        }
        if clock.now_ms() - start >= next_report {
            let f = figures(&store, campaign, clock.now_ms()).await?;
            println!(
                "  hour {:>2}: {:>6} calls, {:>5} connected, abandonment {:.2} %",
                next_report / 3_600_000,
                f.calls,
                f.connected,
                f.abandon_percent()
            );
            next_report += 3_600_000;
        }
    }
    let cpu = cpu_seconds()? - cpu_before;
    let (status, waiting): (String, Option<String>) =
        sqlx::query_as("SELECT status, waiting_reason FROM campaigns WHERE id = $1")
            .bind(campaign.0)
            .fetch_one(store.pool())
            .await?;
    println!(
        "campaign {status}, waiting: {}",
        waiting.unwrap_or_else(|| "no".into())
    );
    let f = figures(&store, campaign, clock.now_ms()).await?;
    let agent_hours = args.agents as f64 * args.hours;
    // Agents who missed a call were paused; they count as logged-in time lost.
    println!(
        "occupancy {:.1} % (on a call or wrapping up, of logged-in time)",
        100.0 * busy as f64 / logged.max(1) as f64
    );
    println!(
        "talk {:.1} min per agent-hour ({} calls connected to agents)",
        f.talk_ms as f64 / 60_000.0 / agent_hours,
        f.connected
    );
    println!(
        "abandonment {:.2} % ({} of {} people handed to agents; target 3 %): {} with an agent's \
         phone still ringing or whispering, {} with no agent free",
        f.abandon_percent(),
        f.abandoned,
        f.connected + f.abandoned,
        f.abandoned_offered,
        f.abandoned - f.abandoned_offered
    );
    let mut waits: Vec<i64> = sqlx::query_as::<_, (i64,)>(
        "SELECT connected_at - created_at FROM transfers WHERE campaign_id = $1 AND connected_at IS NOT NULL",
    )
    .bind(campaign.0)
    .fetch_all(store.pool())
    .await?
    .into_iter()
    .map(|r| r.0)
    .collect();
    waits.sort_unstable();
    let pct = |p: f64| {
        waits
            .get(((waits.len() as f64 * p) as usize).min(waits.len().saturating_sub(1)))
            .copied()
            .unwrap_or(0) as f64
            / 1000.0
    };
    println!(
        "person on hold to agent bridged (simulated s): p50 {:.2}, p90 {:.2}, p99 {:.2}; the simulated agents \
         alone take 0.6-1.7 s, the rest is the server's and simulator's latency times {}",
        pct(0.5),
        pct(0.9),
        pct(0.99),
        args.speed
    );
    println!(
        "server CPU {:.1} s for {} calls and {} agent legs: {:.2} ms per call ({:.0} s real)",
        cpu,
        f.calls,
        f.legs,
        cpu * 1000.0 / f.calls.max(1) as f64,
        real.elapsed().as_secs_f64()
    );
    Ok(())
}

/// One tenant, its agents (available) in one group, and a predictive campaign with enough
/// German numbers (no statutory hours) for the day, running.
async fn seed(
    store: &Store,
    args: &Args,
    phones: &[String],
    now: i64,
) -> anyhow::Result<outdial_domain::CampaignId> {
    let mut conn = store.conn().await?;
    let tenant = tenants::create(&mut conn, "Bench Dialers", now).await?;
    let mut settings = CampaignSettings {
        caller_ids: vec![PhoneNumber::from_trusted("+4930901820".into())],
        timezone: "Europe/Berlin".into(),
        default_country: Country::parse("DE").context("DE")?,
        max_concurrent_calls: 1000,
        pacing: Pacing::Predictive {
            target_abandon_percent: 3.0,
            max_ratio: 3.0,
        },
        ..CampaignSettings::default()
    };
    // All day, every day: the benchmark's day may start at any hour.
    settings.calling_window = serde_json::from_value(serde_json::json!({
        "start": "00:00", "end": "23:59",
        "days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    }))?;
    settings.script.message = "Hello {first_name}".into();
    settings.script.voicemail_message = "Please call us back".into();
    let campaign = campaigns::create(
        &mut conn,
        tenant.id,
        "Spring Offers",
        CampaignType::SalesOutreach,
        &ValidSettings::check(settings)?,
        now,
    )
    .await?;
    let group = agents::create_group(&mut conn, tenant.id, "Floor", now).await?;
    let mut ids = Vec::new();
    for (i, phone) in phones.iter().enumerate() {
        let user = users::create(
            &mut conn,
            tenant.id,
            NewUser {
                email: &format!("agent{i}@bench.test"),
                name: &format!("Agent {i}"),
                role: Role::Agent,
                password_hash: "x",
            },
            now,
        )
        .await?;
        agents::register(&mut conn, tenant.id, user.id, phone, now).await?;
        ids.push(user.id);
    }
    agents::set_members(&mut conn, tenant.id, group.id, &ids).await?;
    agents::set_campaign_groups(&mut conn, tenant.id, campaign.id, &[group.id]).await?;
    sqlx::query("UPDATE agents SET status = 'available', status_since = $1")
        .bind(now)
        .execute(&mut *conn)
        .await?;
    // About 40 dials per agent-hour at most; a few retries come on top.
    let count = (args.agents as f64 * args.hours * 40.0) as usize;
    let de = Country::parse("DE").context("DE")?;
    for chunk in (0..count).collect::<Vec<_>>().chunks(10_000) {
        let new: Vec<NewLead> = chunk
            .iter()
            .map(|i| NewLead {
                extension: None,
                phone: PhoneNumber::from_trusted(format!("+4917{:09}", 100_000_000 + i)),
                country: de,
                first_name: format!("Lead {i}"),
                last_name: String::new(),
                email: String::new(),
                company: String::new(),
                timezone: None,
                lead_type: String::new(),
                priority: Priority::Normal,
                do_not_call: false,
                notes: String::new(),
                custom_fields: Vec::new(),
            })
            .collect();
        let mut tx = store.begin().await?;
        leads::insert_many(&mut tx, tenant.id, campaign.id, None, new, false, now).await?;
        tx.commit().await?;
    }
    campaigns::set_status(
        &mut conn,
        tenant.id,
        campaign.id,
        CampaignStatus::Draft,
        CampaignStatus::Running,
        None,
        now,
    )
    .await?;
    Ok(campaign.id)
}

struct Figures {
    calls: i64,
    legs: i64,
    connected: i64,
    abandoned: i64,
    /// Abandoned while an agent was being offered the call (too slow to accept).
    abandoned_offered: i64,
    talk_ms: i64,
}

impl Figures {
    fn abandon_percent(&self) -> f64 {
        100.0 * self.abandoned as f64 / (self.connected + self.abandoned).max(1) as f64
    }
}

async fn figures(
    store: &Store,
    campaign: outdial_domain::CampaignId,
    now_ms: i64,
) -> anyhow::Result<Figures> {
    let (calls,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM calls WHERE campaign_id = $1")
        .bind(campaign.0)
        .fetch_one(store.pool())
        .await?;
    let (legs,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM agent_legs")
        .fetch_one(store.pool())
        .await?;
    let (connected, abandoned, talk_ms): (i64, i64, i64) = sqlx::query_as(
        "SELECT COALESCE(SUM(CASE WHEN connected_at IS NOT NULL THEN 1 ELSE 0 END), 0), \
         COALESCE(SUM(CASE WHEN outcome = 'abandoned' THEN 1 ELSE 0 END), 0), \
         COALESCE(SUM(CASE WHEN connected_at IS NOT NULL THEN COALESCE(ended_at, $2) - connected_at ELSE 0 END), 0) \
         FROM transfers WHERE campaign_id = $1",
    )
    .bind(campaign.0)
    .bind(now_ms)
    .fetch_one(store.pool())
    .await?;
    let (abandoned_offered,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM transfers t WHERE t.campaign_id = $1 AND t.outcome = 'abandoned' \
         AND EXISTS (SELECT 1 FROM agent_legs l WHERE l.transfer_id = t.id)",
    )
    .bind(campaign.0)
    .fetch_one(store.pool())
    .await?;
    Ok(Figures {
        abandoned_offered,
        calls,
        legs,
        connected,
        abandoned,
        talk_ms,
    })
}

/// CPU seconds used by the process's threads other than the simulator's (Linux: from
/// `/proc/self/task/*/stat`, in clock ticks of 1/100 s).
fn cpu_seconds() -> anyhow::Result<f64> {
    let mut ticks = 0u64;
    for task in std::fs::read_dir("/proc/self/task")? {
        let path = task?.path();
        let Ok(comm) = std::fs::read_to_string(path.join("comm")) else {
            continue;
        };
        if comm.starts_with("sim-") {
            continue;
        }
        let Ok(stat) = std::fs::read_to_string(path.join("stat")) else {
            continue;
        };
        // Fields after the command's closing parenthesis: utime and stime are the 12th and 13th.
        let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
        let fields: Vec<&str> = rest.split_whitespace().collect();
        let field = |i: usize| {
            fields
                .get(i)
                .and_then(|v| v.parse::<u64>().ok())
                .unwrap_or(0)
        };
        ticks += field(11) + field(12);
    }
    Ok(ticks as f64 / 100.0)
}
