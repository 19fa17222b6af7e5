//! Reminder campaigns (`appointment_reminder`) find their own leads: every round, the open
//! appointments starting within the campaign's `reminders.hours_before` become leads that name
//! their appointment, with its day and time as the campaign's language says them, so the
//! message can say "{appointment_day} at {appointment_time}". The dialer then calls them like
//! any lead (calling hours, do-not-call, attempts); the keys pressed change the appointment.

use crate::EngineError;
use outdial_domain::calendar::{CalendarSettings, spoken};
use outdial_domain::campaign::CampaignType;
use outdial_storage::Store;
use outdial_storage::appointments::reminders;
use outdial_storage::campaigns::Campaign;

/// Makes the leads of a running reminder campaign due at `now`; how many.
pub async fn enroll(store: &Store, campaign: &Campaign, now: i64) -> Result<u64, EngineError> {
    if campaign.campaign_type != CampaignType::AppointmentReminder {
        return Ok(0);
    }
    let settings = &campaign.settings.reminders;
    let window = (now, now + i64::from(settings.hours_before) * 3_600_000);
    let mut conn = store.conn().await?;
    let due = reminders::due(
        &mut conn,
        campaign.tenant_id,
        campaign.id,
        settings.calendar_id,
        window,
    )
    .await?;
    drop(conn);
    if due.is_empty() {
        return Ok(0);
    }
    let language = &campaign.settings.script.language;
    let mut tx = store.begin().await?;
    let mut made = 0;
    for d in &due {
        let zone = serde_json::from_str::<CalendarSettings>(&d.calendar_settings)
            .map(|s| s.zone())
            .unwrap_or(jiff::tz::TimeZone::UTC);
        let (day, time) = spoken::day_and_time(crate::booking::at(d.starts_at), &zone, language);
        let fields = serde_json::json!({
            "appointment_day": day,
            "appointment_time": time,
            "calendar_name": d.calendar_name,
        })
        .to_string();
        if reminders::enroll(&mut tx, campaign.tenant_id, campaign.id, d, &fields, now).await? {
            made += 1;
        }
    }
    tx.commit()
        .await
        .map_err(outdial_storage::StorageError::from)?;
    if made > 0 {
        tracing::info!(tenant_id = %campaign.tenant_id, campaign_id = %campaign.id, leads = made, "reminder leads made from upcoming appointments");
    }
    Ok(made)
}
