//! What predictive pacing learns from: each predictive campaign's recent dials (did a person
//! answer, after how long), the calls its agents handled (how long, with wrap-up) and its
//! abandonment today and over the last hour, read from the database into the domain's
//! estimator. The database is the memory, so every instance (and a restarted one) paces from
//! the same history; an estimate is reused for [`REFRESH`] to keep the turn cheap.

use crate::error::EngineError;
use outdial_domain::CampaignId;
use outdial_domain::pacing::{ANSWER_WINDOW, Predictor};
use outdial_storage::{Conn, transfers};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long an estimate read from the database is reused.
pub const REFRESH: Duration = Duration::from_secs(2);

/// The latest estimate of each predictive campaign.
#[derive(Default)]
pub struct History {
    cache: Mutex<HashMap<CampaignId, (Instant, Predictor)>>,
}

impl History {
    /// The estimator of `campaign` at `now_ms`, with its target abandonment, its day starting
    /// at `midnight_ms` and agents wrapping up `wrap_up_s` after each call.
    pub async fn predictor(
        &self,
        conn: &mut Conn,
        campaign: CampaignId,
        target_percent: f64,
        midnight_ms: i64,
        wrap_up_s: f64,
        now_ms: i64,
    ) -> Result<Predictor, EngineError> {
        if let Some((at, p)) = self.cache.lock().expect("history lock").get(&campaign)
            && at.elapsed() < REFRESH
        {
            return Ok(p.clone());
        }
        let mut p = Predictor::new(target_percent);
        let limit = ANSWER_WINDOW as i64;
        for (human, rang_ms) in transfers::recent_dials(conn, campaign, limit).await? {
            p.dial_completed(human, rang_ms.max(0) as f64 / 1000.0);
        }
        for talk_ms in transfers::recent_handlings(conn, campaign, limit).await? {
            p.handled(talk_ms.max(0) as f64 / 1000.0 + wrap_up_s);
        }
        let day = transfers::figures(conn, campaign, midnight_ms).await?;
        let hour = transfers::figures(conn, campaign, now_ms - 3_600_000).await?;
        let now_s = now_ms / 1000;
        // Today before the last hour, then the last hour: both tallies come out right.
        let earlier = |f: &transfers::Figures| (f.connected + f.abandoned, f.abandoned);
        let (day_people, day_abandoned) = earlier(&day);
        let (hour_people, hour_abandoned) = earlier(&hour);
        let before_people = (day_people - hour_people).max(0);
        let before_abandoned = (day_abandoned - hour_abandoned).max(0);
        for i in 0..before_people {
            p.person_answered(i < before_abandoned, now_s - 7200);
        }
        for i in 0..hour_people {
            p.person_answered(i < hour_abandoned, now_s);
        }
        self.cache
            .lock()
            .expect("history lock")
            .insert(campaign, (Instant::now(), p.clone()));
        Ok(p)
    }
}
