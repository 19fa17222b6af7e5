//! A tenant with one campaign, its leads, and the steps a test takes on them.

use outdial_domain::call::{CallSid, CallStatus};
use outdial_domain::campaign::{CampaignStatus, CampaignType, ValidSettings};
use outdial_domain::hours::LocalHours;
use outdial_domain::lead::NewLead;
use outdial_domain::{CampaignId, Country, LeadId, PhoneNumber, TenantId};
use outdial_engine::dialer::history::History;
use outdial_engine::dialer::turn::{self, Placed, Rules};
use outdial_engine::telephony::events::{Applied, apply_status};
use outdial_storage::calls::Call;
use outdial_storage::leads::Lead;
use outdial_storage::testing::{TestDb, fresh_db};
use outdial_storage::{campaigns, dialing, leads, tenants};
use outdial_twilio::webhook::CallEvent;
use serde_json::{Value, json};

/// 15:00 UTC on Thursday 19 November 2026: 10:00 in New York, 07:00 in Los Angeles.
pub const NY_MORNING: i64 = 1_795_100_400_000;
pub const HOUR: i64 = 3_600_000;
pub const MINUTE: i64 = 60_000;

/// One tenant's campaign on a fresh database, and the dialer's rules.
pub struct World {
    pub db: TestDb,
    pub tenant: TenantId,
    pub campaign: CampaignId,
    pub rules: Rules,
}

/// The settings the API tests' campaigns use, with `extra` on top.
fn settings(extra: Value) -> ValidSettings {
    let mut s = json!({
        "caller_ids": ["+18134893200"],
        "script": { "message": "Hello {first_name}", "voicemail_message": "Call us back" },
        "timezone": "America/New_York",
        "calling_window": { "start": "08:00", "end": "21:00",
            "days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] },
        "pacing": { "mode": "unattended" },
        "max_concurrent_calls": 5,
    });
    for (k, v) in extra.as_object().unwrap() {
        s[k] = v.clone();
    }
    // Reading checks them: a mistake here fails with the problem named.
    serde_json::from_value(s).unwrap()
}

impl World {
    /// A draft campaign with `extra` settings, calling at most `calls_per_second` a second.
    pub async fn new(extra: Value, calls_per_second: u32) -> World {
        let db = fresh_db().await;
        let mut conn = db.store.conn().await.unwrap();
        let tenant = tenants::create(&mut conn, "Dialers", NY_MORNING)
            .await
            .unwrap()
            .id;
        let campaign = campaigns::create(
            &mut conn,
            tenant,
            "Autumn",
            CampaignType::General,
            &settings(extra),
            NY_MORNING,
        )
        .await
        .unwrap()
        .id;
        drop(conn);
        World {
            db,
            tenant,
            campaign,
            rules: Rules {
                local: LocalHours::default(),
                calls_per_second,
                history: History::default(),
            },
        }
    }

    /// Adds a lead calling `phone` (E.164), imported the evening before.
    pub async fn lead(&self, phone: &str) -> LeadId {
        let new = NewLead {
            phone: PhoneNumber::parse(phone, Country::US).unwrap(),
            extension: None,
            country: Country::US,
            first_name: "Pat".into(),
            last_name: String::new(),
            email: String::new(),
            company: String::new(),
            timezone: None,
            lead_type: String::new(),
            priority: Default::default(),
            do_not_call: false,
            notes: String::new(),
            custom_fields: vec![],
        };
        let mut conn = self.db.store.conn().await.unwrap();
        leads::create(
            &mut conn,
            self.tenant,
            self.campaign,
            &new,
            NY_MORNING - 12 * HOUR,
        )
        .await
        .unwrap()
        .id
    }

    /// Moves the campaign as a user would.
    pub async fn set_status(&self, from: CampaignStatus, to: CampaignStatus, now: i64) {
        let mut conn = self.db.store.conn().await.unwrap();
        campaigns::set_status(&mut conn, self.tenant, self.campaign, from, to, None, now)
            .await
            .unwrap();
    }

    /// The dialer's turn at `now`: the calls it recorded (none when the campaign is not
    /// running).
    pub async fn turn(&self, now: i64) -> Vec<Call> {
        match turn::take(&self.db.store, &self.rules, self.campaign, now)
            .await
            .unwrap()
        {
            Some(Placed { calls, .. }) => calls.into_iter().map(|(c, _)| c).collect(),
            None => vec![],
        }
    }

    /// The carrier reports that `call` reached `status` (a status callback, `sequence` in
    /// order).
    pub async fn report(
        &self,
        call: &Call,
        status: CallStatus,
        sequence: i64,
        now: i64,
    ) -> Applied {
        let event = CallEvent {
            call_sid: CallSid::parse(&format!("CA{:032x}", call.id.0)).unwrap(),
            account_sid: "AC00112233445566778899aabbccddeeff".into(),
            status,
            sequence: Some(sequence),
            duration_seconds: status.is_final().then_some(0),
            answered_by: None,
            error_code: None,
            error_message: None,
            sip_response_code: None,
        };
        let form = vec![("CallStatus".to_string(), status.as_str().to_string())];
        apply_status(
            &self.db.store,
            self.tenant,
            call.id,
            "status",
            &event,
            &form,
            now,
        )
        .await
        .unwrap()
    }

    /// The carrier reports that `call` rang and ended `status`.
    pub async fn ends(&self, call: &Call, status: CallStatus, now: i64) {
        self.report(call, CallStatus::Ringing, 0, now).await;
        if status == CallStatus::Completed {
            self.report(call, CallStatus::InProgress, 1, now).await;
        }
        self.report(call, status, 2, now).await;
    }

    /// The campaign as stored: its status, why it waits and when it calls next.
    pub async fn campaign(&self) -> (CampaignStatus, Option<String>, Option<i64>) {
        let mut conn = self.db.store.conn().await.unwrap();
        let c = campaigns::get_by_id(&mut conn, self.tenant, self.campaign)
            .await
            .unwrap();
        let (why, next) = dialing::waiting(&mut conn, self.tenant, self.campaign)
            .await
            .unwrap();
        (c.status, why, next)
    }

    /// A lead as stored.
    pub async fn lead_now(&self, id: LeadId) -> Lead {
        let mut conn = self.db.store.conn().await.unwrap();
        leads::get_by_id(&mut conn, self.tenant, id).await.unwrap()
    }

    /// Calls the campaign has recorded, and how many of them ended `outcome`.
    pub async fn calls(&self, outcome: &str) -> (i64, i64) {
        let row: (i64, i64) = sqlx::query_as(
            "SELECT COUNT(*), COALESCE(SUM(CASE WHEN outcome = $2 THEN 1 ELSE 0 END), 0) FROM calls WHERE campaign_id = $1",
        )
        .bind(self.campaign.0)
        .bind(outcome)
        .fetch_one(self.db.store.pool())
        .await
        .unwrap();
        row
    }
}
