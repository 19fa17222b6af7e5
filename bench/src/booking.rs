//! Booking benchmark, two parts.
//!
//! Contention: 200 attempts at once at the last places of one slot — on PostgreSQL from two
//! instances (two connection pools, as two servers sharing the database would have), on SQLite
//! from one — repeated over several slots. Exactly the capacity must succeed, every other
//! attempt must be refused with the next free slots, and the database must hold exactly the
//! capacity's appointments; any double booking fails the run.
//!
//! Availability: a year of a busy calendar (Monday to Friday 08:00–18:00, 15-minute slots of
//! two places, about 70 % taken), searched for a week, for the whole year, and for the nearest
//! free slots to a wish. Prints p50/p99 per query.
//!
//!     cargo run --release -p outdial-bench --bin booking
//!     cargo run --release -p outdial-bench --bin booking -- --postgres postgres://postgres@127.0.0.1:5432/test

#![forbid(unsafe_code)]

use anyhow::{Context, bail};
use outdial_domain::TenantId;
use outdial_domain::calendar::{CalendarSettings, Span, Wanted, Week};
use outdial_domain::campaign::ClockTime;
use outdial_engine::EngineError;
use outdial_engine::booking::{self, Booking};
use outdial_storage::{Backend, Store, calendars};
use rand::{Rng, SeedableRng};
use std::time::Instant;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Monday 4 January 2027, 00:00 UTC: "now" for the whole run.
const NOW: i64 = 1_799_020_800_000;
const ATTEMPTS: usize = 200;
const SLOTS: usize = 10;
const CAPACITY: u32 = 3;
const DAY: i64 = 86_400_000;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let tmp = tempfile::tempdir()?;
    for (label, url) in outdial_bench::databases("booking", tmp.path()).await? {
        let instances = if label == "postgres" { 2 } else { 1 };
        contention(label, &url, instances).await?;
        availability(label, &url).await?;
    }
    Ok(())
}

fn pct(times: &mut [f64], p: f64) -> f64 {
    times.sort_by(f64::total_cmp);
    times[((times.len() as f64 * p) as usize).min(times.len() - 1)]
}

fn span(a: u16, b: u16) -> Span {
    Span {
        start: ClockTime::new(a, 0).expect("valid"),
        end: ClockTime::new(b, 0).expect("valid"),
    }
}

async fn calendar(
    store: &Store,
    tenant: TenantId,
    name: &str,
    settings: &CalendarSettings,
) -> anyhow::Result<i64> {
    let mut conn = store.conn().await?;
    Ok(calendars::create(
        &mut conn,
        tenant,
        name,
        settings,
        &format!("bench-{name}"),
        NOW,
    )
    .await?
    .id)
}

async fn contention(label: &str, url: &str, instances: usize) -> anyhow::Result<()> {
    let (first, tenant, _) =
        outdial_bench::store_with_campaign(label, url, "Booking", "None", NOW).await?;
    let mut stores = vec![first];
    while stores.len() < instances {
        stores.push(
            Store::connect(url, 16)
                .await
                .context("while opening a second instance")?,
        );
    }
    let settings = CalendarSettings {
        time_zone: "Europe/Berlin".into(),
        capacity: CAPACITY,
        notice_minutes: 0,
        horizon_days: 365,
        hours: Week {
            mon: vec![span(9, 17)],
            tue: vec![span(9, 17)],
            wed: vec![span(9, 17)],
            thu: vec![span(9, 17)],
            fri: vec![span(9, 17)],
            ..Week::default()
        },
        ..CalendarSettings::default()
    };
    let cal = calendar(&stores[0], tenant, "Contention", &settings).await?;
    // The calendar's first slots: Monday 4 January 2027 from 09:00 in Berlin.
    let slots = settings.slots(
        jiff::Timestamp::from_millisecond(NOW)?,
        jiff::Timestamp::from_millisecond(NOW + DAY)?,
    );
    println!(
        "{label}: {ATTEMPTS} attempts at once at each of {SLOTS} slots of {CAPACITY} places, from {instances} instance(s)"
    );
    let mut times = Vec::new();
    let (mut won, mut refused, mut with_next) = (0usize, 0usize, 0usize);
    let started = Instant::now();
    for slot in slots.iter().take(SLOTS) {
        let start = slot.start.as_millisecond();
        let mut tasks = tokio::task::JoinSet::new();
        for i in 0..ATTEMPTS {
            let store = stores[i % stores.len()].clone();
            tasks.spawn(async move {
                let b = Booking {
                    calendar: cal,
                    starts_at: start,
                    name: Some(format!("Person {i}")),
                    ..Booking::default()
                };
                let t = Instant::now();
                let result = booking::book(&store, tenant, &b, "bench", NOW).await;
                (t.elapsed().as_secs_f64() * 1000.0, result)
            });
        }
        let mut slot_won = 0;
        while let Some(done) = tasks.join_next().await {
            let (ms, result) = done?;
            times.push(ms);
            match result {
                Ok(_) => slot_won += 1,
                Err(EngineError::SlotTaken { next_free, .. }) => {
                    refused += 1;
                    if next_free.first().is_some_and(|n| n.starts_at > start) {
                        with_next += 1;
                    }
                }
                Err(e) => bail!("an attempt failed instead of being refused: {e}"),
            }
        }
        let mut conn = stores[0].conn().await?;
        let stored: i64 = sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM appointments WHERE calendar_id = $1 AND starts_at = $2",
        )
        .bind(cal)
        .bind(start)
        .fetch_one(&mut *conn)
        .await?;
        if slot_won != CAPACITY as usize || stored != i64::from(CAPACITY) {
            bail!(
                "DOUBLE BOOKING: {slot_won} attempts succeeded and {stored} appointments stored for {CAPACITY} places"
            );
        }
        won += slot_won;
    }
    let wall = started.elapsed().as_secs_f64();
    let p50 = pct(&mut times, 0.50);
    let p99 = pct(&mut times, 0.99);
    println!(
        "  {won} booked (exactly {CAPACITY} per slot), {refused} refused ({with_next} with the next free slots), 0 double bookings"
    );
    println!(
        "  per attempt p50 {p50:.1} ms, p99 {p99:.1} ms; {:.0} attempts/s over {wall:.1} s",
        (ATTEMPTS * SLOTS) as f64 / wall
    );
    for s in stores {
        s.close().await;
    }
    Ok(())
}

async fn availability(label: &str, url: &str) -> anyhow::Result<()> {
    let store = Store::connect(url, 4).await?;
    let mut conn = store.conn().await?;
    let tenant = TenantId(
        sqlx::query_scalar::<_, i64>("SELECT id FROM tenants ORDER BY id LIMIT 1")
            .fetch_one(&mut *conn)
            .await?,
    );
    drop(conn);
    let day = vec![span(8, 18)];
    let settings = CalendarSettings {
        time_zone: "Europe/Berlin".into(),
        slot_minutes: 15,
        capacity: 2,
        notice_minutes: 0,
        horizon_days: 366,
        holidays: Some("DE-BY".into()),
        hours: Week {
            mon: day.clone(),
            tue: day.clone(),
            wed: day.clone(),
            thu: day.clone(),
            fri: day,
            ..Week::default()
        },
        ..CalendarSettings::default()
    };
    let cal = calendar(&store, tenant, "Busy year", &settings).await?;
    let year = settings.slots(
        jiff::Timestamp::from_millisecond(NOW)?,
        jiff::Timestamp::from_millisecond(NOW + 365 * DAY)?,
    );
    // Fill about 70 % of the places, straight into the tables (the contention part times booking).
    let mut rng = rand::rngs::StdRng::seed_from_u64(19);
    let load = Instant::now();
    let mut taken = 0usize;
    let mut tx = store.begin().await?;
    for slot in &year {
        for place in 0..2i64 {
            if rng.random_bool(0.7) {
                let start = slot.start.as_millisecond();
                let id: i64 = sqlx::query_scalar::<_, i64>(
                    "INSERT INTO appointments (tenant_id, calendar_id, starts_at, ends_at, status, name, note, sequence, created_by, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, 'booked', 'Busy', '', 0, 'bench', $5, $5) RETURNING id",
                )
                .bind(tenant.0)
                .bind(cal)
                .bind(start)
                .bind(slot.end.as_millisecond())
                .bind(NOW)
                .fetch_one(&mut *tx)
                .await?;
                sqlx::query(
                    "INSERT INTO calendar_places (tenant_id, calendar_id, starts_at, place, appointment_id, created_by, created_at) \
                     VALUES ($1, $2, $3, $4, $5, 'bench', $6)",
                )
                .bind(tenant.0)
                .bind(cal)
                .bind(start)
                .bind(place)
                .bind(id)
                .bind(NOW)
                .execute(&mut *tx)
                .await?;
                taken += 1;
            }
        }
    }
    tx.commit().await?;
    if store.backend() == Backend::Postgres {
        sqlx::query("VACUUM ANALYZE calendar_places")
            .execute(store.pool())
            .await?;
    }
    println!(
        "{label}: a busy year: {} slots of 2 places, {taken} taken ({:.0} %), loaded in {:.1} s",
        year.len(),
        100.0 * taken as f64 / (2 * year.len()) as f64,
        load.elapsed().as_secs_f64()
    );
    let runs = [
        ("one week", 7 * DAY, 300usize),
        ("the whole year", 365 * DAY, 50),
    ];
    for (what, length, queries) in runs {
        let mut times = Vec::with_capacity(queries);
        let mut found = 0usize;
        for _ in 0..queries {
            let from = NOW + rng.random_range(0..(366 * DAY - length).max(1));
            let t = Instant::now();
            let (_, free) =
                booking::free_slots(&store, tenant, cal, (from, from + length), NOW, 100_000)
                    .await?;
            times.push(t.elapsed().as_secs_f64() * 1000.0);
            found += free.len();
        }
        println!(
            "  free slots in {what}: p50 {:.2} ms, p99 {:.2} ms ({:.0} free slots a query on average)",
            pct(&mut times, 0.50),
            pct(&mut times, 0.99),
            found as f64 / queries as f64
        );
    }
    // The nearest free slots to a wish (an afternoon some day this year).
    let mut times = Vec::with_capacity(300);
    for _ in 0..300 {
        let from = NOW + rng.random_range(0..360) * DAY + 13 * 3_600_000;
        let wanted = Wanted {
            from: jiff::Timestamp::from_millisecond(from)?,
            to: jiff::Timestamp::from_millisecond(from + 4 * 3_600_000)?,
        };
        let t = Instant::now();
        booking::nearest(&store, tenant, cal, wanted, NOW, 3).await?;
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    println!(
        "  nearest free slots to an afternoon: p50 {:.2} ms, p99 {:.2} ms",
        pct(&mut times, 0.50),
        pct(&mut times, 0.99)
    );
    store.close().await;
    Ok(())
}
