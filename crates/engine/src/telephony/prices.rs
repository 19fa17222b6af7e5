//! What calls cost: after a call ends, its price is fetched from the carrier, which fills it in
//! only some time later (often minutes). Looks are spaced out (1, 2, 4 … up to 60 minutes) and
//! kept in the database, so they never hold up a webhook and survive a restart.

use super::Telephony;
use crate::error::EngineError;
use outdial_storage::Store;
use outdial_storage::calls::prices;
use outdial_twilio::ErrorKind;

/// The first look, this long after the call ended.
pub const FIRST_LOOK_MS: i64 = 60_000;
/// Looks per call at most (about 7 hours of them).
pub const MAX_LOOKS: i64 = 12;
/// Calls looked at per sweep at most.
const PER_SWEEP: i64 = 50;

/// The pause after the `n`th look that found no price.
pub fn pause_after(looks: i64) -> i64 {
    (60_000i64 << looks.clamp(0, 6)).min(3_600_000)
}

/// Fetches the prices now due; returns how many were recorded.
pub async fn sweep(store: &Store, telephony: &Telephony, now: i64) -> Result<usize, EngineError> {
    let due = prices::due(
        &mut *store.conn().await?,
        now,
        FIRST_LOOK_MS,
        MAX_LOOKS,
        PER_SWEEP,
    )
    .await?;
    let mut recorded = 0;
    for (call, looks) in due {
        let Some(sid) = call.call_sid.clone() else {
            continue;
        };
        let account = telephony.account_for(store, call.tenant_id).await?;
        let found = match account.carrier.fetch_call(&account.creds, &sid).await {
            Ok(info) => info.price.zip(info.price_unit),
            // Gone at the carrier (another account, a restarted simulator): no price to wait for.
            Err(e) if e.kind == ErrorKind::NotFound => {
                prices::not_yet(&mut *store.conn().await?, call.id, i64::MAX / 2).await?;
                continue;
            }
            Err(e) => {
                tracing::debug!(call_id = %call.id, error = %e, "the carrier did not say what a call cost; asked again later");
                None
            }
        };
        let mut conn = store.conn().await?;
        match found {
            Some((price, unit)) => {
                prices::record(&mut conn, call.id, &price, &unit, now).await?;
                recorded += 1;
            }
            None => prices::not_yet(&mut conn, call.id, now + pause_after(looks)).await?,
        }
    }
    if recorded > 0 {
        metrics::counter!("outdial_call_prices_recorded_total").increment(recorded as u64);
    }
    Ok(recorded)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn looks_are_spaced_out_up_to_an_hour() {
        let pauses: Vec<i64> = (0..9).map(|n| pause_after(n) / 60_000).collect();
        assert_eq!(pauses, [1, 2, 4, 8, 16, 32, 60, 60, 60]);
    }
}
