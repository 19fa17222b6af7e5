//! Conversation-turn benchmark: how long Outdial takes to answer one turn of a call's
//! conversation — the work behind each `/twilio/converse` webhook, which Twilio waits at most
//! 15 s for. Each of 300 calls to a German studio runs the appointment-booking flow: the
//! greeting, "Donnerstag um 15 Uhr" (understood, the nearest free slot found in a calendar that
//! fills up as the run goes on, and held), and "ja das passt perfekt" (booked). Turns are
//! timed one call after another, then with 20 calls at once. Prints p50/p99/max per turn kind.
//! Language-model turns add the model's own answer time, bounded by
//! `conversation.turn_budget_seconds`.
//!
//!     cargo run --release -p outdial-bench --bin conversation
//!     cargo run --release -p outdial-bench --bin conversation -- --postgres postgres://postgres@127.0.0.1:5432/test

#![forbid(unsafe_code)]

use anyhow::{Context, bail};
use outdial_domain::PhoneNumber;
use outdial_domain::calendar::{CalendarSettings, Span, Week};
use outdial_domain::campaign::{
    CampaignSettings, CampaignType, ClockTime, ConversationMode, ValidSettings,
};
use outdial_engine::conversation::call::{Said, Talk, turn};
use outdial_storage::calls::{self, NewCall};
use outdial_storage::{Store, calendars, campaigns, tenants};
use std::time::Instant;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Monday 4 January 2027, 09:00 in Berlin: "now" for the whole run.
const NOW: i64 = 1_799_049_600_000;
const CALLS: usize = 300;
const AT_ONCE: usize = 20;

fn span(a: u16, b: u16) -> Span {
    Span {
        start: ClockTime::new(a, 0).expect("valid"),
        end: ClockTime::new(b, 0).expect("valid"),
    }
}

fn pct(times: &mut [f64], p: f64) -> f64 {
    times.sort_by(f64::total_cmp);
    times[((times.len() as f64 * p) as usize).min(times.len() - 1)]
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let tmp = tempfile::tempdir()?;
    for (label, url) in outdial_bench::databases("conversation", tmp.path()).await? {
        run(label, &url).await?;
    }
    Ok(())
}

async fn run(label: &str, url: &str) -> anyhow::Result<()> {
    let store = Store::connect(url, 8)
        .await
        .with_context(|| format!("while opening {label}"))?;
    store.migrate().await?;
    let mut conn = store.conn().await?;
    let tenant = tenants::create(&mut conn, "Studio", NOW).await?.id;
    let week = Week {
        mon: vec![span(8, 20)],
        tue: vec![span(8, 20)],
        wed: vec![span(8, 20)],
        thu: vec![span(8, 20)],
        fri: vec![span(8, 20)],
        sat: vec![span(10, 14)],
        ..Week::default()
    };
    let cal = CalendarSettings {
        time_zone: "Europe/Berlin".into(),
        slot_minutes: 15,
        capacity: 1,
        notice_minutes: 0,
        horizon_days: 120,
        hours: week,
        ..CalendarSettings::default()
    };
    let calendar = calendars::create(&mut conn, tenant, "Studio Mitte", &cal, "bench", NOW)
        .await?
        .id;
    let mut settings: CampaignSettings = serde_json::from_value(serde_json::json!({
        "caller_ids": ["+15005550006"], "timezone": "Europe/Berlin", "default_country": "DE",
        "script": { "language": "de-DE" },
    }))?;
    settings.conversation.mode = ConversationMode::Flow;
    settings.conversation.calendar_id = Some(calendar);
    let campaign = campaigns::create(
        &mut conn,
        tenant,
        "Probetraining",
        CampaignType::SalesOutreach,
        &ValidSettings::check(settings)?,
        NOW,
    )
    .await?;
    drop(conn);
    let from = PhoneNumber::from_trusted("+15005550006".into());

    // One call: its three turns, timed. Every call must end booked.
    let one = |i: usize| {
        let store = store.clone();
        let campaign = campaign.clone();
        let from = from.clone();
        async move {
            let to = PhoneNumber::from_trusted(format!("+4930{:08}", 10_000_000 + i));
            let call = {
                let mut conn = store.conn().await?;
                calls::create(
                    &mut conn,
                    tenant,
                    &NewCall {
                        campaign: Some(campaign.id),
                        lead: None,
                        call_type: "campaign",
                        from: &from,
                        to: &to,
                        extension: None,
                    },
                    NOW,
                )
                .await?
            };
            let talk = Talk {
                store: &store,
                call: &call,
                campaign: &campaign,
                lead: None,
                can_transfer: false,
                model: None,
                dialogflow: None,
                now: NOW,
            };
            let mut times = [0.0; 3];
            let said = [
                Said::Start,
                Said::Speech {
                    text: "Donnerstag um 15 Uhr".into(),
                    confidence: Some(0.9),
                },
                Said::Speech {
                    text: "ja das passt perfekt".into(),
                    confidence: Some(0.93),
                },
            ];
            let mut last = None;
            let mut heard = Vec::new();
            for (k, s) in said.into_iter().enumerate() {
                let t0 = Instant::now();
                let reply = turn(&talk, s).await?;
                times[k] = t0.elapsed().as_secs_f64() * 1000.0;
                last = reply.outcome;
                heard.extend(reply.say);
                heard.extend(reply.actions);
            }
            if last.map(|o| o.as_str()) != Some("appointment_booked") {
                bail!("call {i} ended {last:?}, not booked: {heard:?}");
            }
            anyhow::Ok(times)
        }
    };

    let mut sequential: Vec<[f64; 3]> = Vec::new();
    for i in 0..CALLS {
        sequential.push(one(i).await?);
    }
    report(label, "one call at a time", &sequential);
    let mut concurrent: Vec<[f64; 3]> = Vec::new();
    for batch in 0..(CALLS / AT_ONCE) {
        let runs = (0..AT_ONCE).map(|k| one(CALLS + batch * AT_ONCE + k));
        for r in futures_util::future::join_all(runs).await {
            concurrent.push(r?);
        }
    }
    report(label, &format!("{AT_ONCE} calls at once"), &concurrent);
    let mut conn = store.conn().await?;
    let filter = outdial_storage::appointments::Filter {
        calendar: Some(calendar),
        ..Default::default()
    };
    let booked = outdial_storage::appointments::list(&mut conn, tenant, &filter, 10_000).await?;
    let mut starts: Vec<i64> = booked.iter().map(|a| a.starts_at).collect();
    starts.sort();
    starts.dedup();
    if booked.len() != 2 * CALLS || starts.len() != booked.len() {
        bail!(
            "{} appointments in {} slots: every call books its own slot",
            booked.len(),
            starts.len()
        );
    }
    println!(
        "{label}: {} appointments booked, one per slot",
        booked.len()
    );
    Ok(())
}

fn report(label: &str, how: &str, runs: &[[f64; 3]]) {
    for (k, name) in [
        "greeting",
        "\"Donnerstag um 15 Uhr\" (find + hold)",
        "\"ja das passt\" (book)",
    ]
    .iter()
    .enumerate()
    {
        let mut t: Vec<f64> = runs.iter().map(|r| r[k]).collect();
        let max = t.iter().copied().fold(0.0, f64::max);
        println!(
            "{label} · {how} · {name}: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms ({} turns)",
            pct(&mut t, 0.5),
            pct(&mut t, 0.99),
            max,
            runs.len()
        );
    }
}
