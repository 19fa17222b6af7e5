//! The calling-hours gate: may this number be called at this instant, and if not, from when.

use super::local::LocalHours;
use super::zones::{NumberZones, number_zones};
use crate::PhoneNumber;
use crate::campaign::{CallingWindow, ClockTime, Weekday};
use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;

/// How far ahead the next allowed moment is looked for. A week covers every window with at
/// least one day; past that the answer is "never", which needs a person, not a retry.
const HORIZON_DAYS: i64 = 8;

/// Why a call has to wait.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HoldReason {
    /// Outside the campaign's calling window (its own time zone and days).
    OutsideCampaignHours,
    /// Outside the called person's local hours in one of the zones the number may be in.
    OutsideLocalHours {
        /// The zone that forbids it.
        zone: String,
        /// The region whose stricter hours apply, if any ("Florida").
        region: Option<String>,
    },
    /// Neither the number nor the lead says which time zone the person is in.
    UnknownTimeZone,
}

impl std::fmt::Display for HoldReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HoldReason::OutsideCampaignHours => write!(f, "outside the campaign's calling hours"),
            HoldReason::OutsideLocalHours { zone, region: None } => {
                write!(f, "outside the called person's hours ({zone})")
            }
            HoldReason::OutsideLocalHours {
                zone,
                region: Some(r),
            } => write!(f, "outside the called person's hours ({r} rules, {zone})"),
            HoldReason::UnknownTimeZone => write!(
                f,
                "the called person's time zone is unknown; give the lead a time zone"
            ),
        }
    }
}

/// A call that may not be placed now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blocked {
    /// The first rule that forbids it now.
    pub reason: HoldReason,
    /// The next moment every rule allows it; `None` when there is none within a week (a
    /// window without days, hours no zone of the number can meet, an unknown zone).
    pub until: Option<Timestamp>,
}

/// The campaign's window and the local-hours rules, checked together.
#[derive(Debug, Clone)]
pub struct Gate<'a> {
    /// `None` for a call outside any campaign's window (a single call to a number): only the
    /// called person's hours count.
    window: Option<&'a CallingWindow>,
    campaign_zone: TimeZone,
    local: &'a LocalHours,
}

impl<'a> Gate<'a> {
    /// A gate for a campaign calling in `window` in `campaign_zone`.
    pub fn new(window: &'a CallingWindow, campaign_zone: TimeZone, local: &'a LocalHours) -> Self {
        Gate {
            window: Some(window),
            campaign_zone,
            local,
        }
    }

    /// A gate with only the called person's local hours, for a call no campaign window
    /// governs.
    pub fn local_only(local: &'a LocalHours) -> Self {
        Gate {
            window: None,
            campaign_zone: TimeZone::UTC,
            local,
        }
    }

    /// Whether `phone` may be called at `now`. The number's zones come from the numbering
    /// data; the lead's own zone, when it has one, is added to them (every zone must allow),
    /// and decides alone when the data does not know the number.
    pub fn check(
        &self,
        phone: &PhoneNumber,
        lead_zone: Option<&TimeZone>,
        now: Timestamp,
    ) -> Result<(), Blocked> {
        let zones = callee_zones(phone, lead_zone);
        if zones.is_empty() {
            return Err(Blocked {
                reason: HoldReason::UnknownTimeZone,
                until: None,
            });
        }
        let (start, end, region) = self.local.for_number(phone);
        let rules = Rules {
            gate: self,
            zones: &zones,
            start,
            end,
            region,
        };
        let Some(reason) = rules.forbids(now) else {
            return Ok(());
        };
        Err(Blocked {
            reason,
            until: rules.next_allowed(now),
        })
    }
}

/// Every zone the person called on `phone` may be in: the numbering data's zones for the
/// number, and the lead's own zone when it has one. Empty when neither says.
pub fn callee_zones(phone: &PhoneNumber, lead_zone: Option<&TimeZone>) -> Vec<TimeZone> {
    let mut zones = match number_zones(phone) {
        NumberZones::Known(z) => z,
        NumberZones::Unknown => Vec::new(),
    };
    if let Some(z) = lead_zone
        && !zones.contains(z)
    {
        zones.push(z.clone());
    }
    zones
}

/// One number's rules.
struct Rules<'r> {
    gate: &'r Gate<'r>,
    zones: &'r [TimeZone],
    start: ClockTime,
    end: ClockTime,
    region: Option<&'r str>,
}

impl Rules<'_> {
    /// The first rule that forbids calling at `t`, if any.
    fn forbids(&self, t: Timestamp) -> Option<HoldReason> {
        if let Some(window) = self.gate.window {
            let here = t.to_zoned(self.gate.campaign_zone.clone());
            if !window.allows(Weekday::from_jiff(here.weekday()), clock(&here)) {
                return Some(HoldReason::OutsideCampaignHours);
            }
        }
        for zone in self.zones {
            let there = t.to_zoned(zone.clone());
            let time = clock(&there);
            if time < self.start || time >= self.end {
                return Some(HoldReason::OutsideLocalHours {
                    zone: zone.iana_name().unwrap_or("?").to_string(),
                    region: self.region.map(str::to_string),
                });
            }
        }
        None
    }

    /// The earliest moment after `now` every rule allows. The allowed moments are where
    /// windows overlap, so the earliest is where the last of them opens: some zone's window
    /// start on some day. Those starts are tried in order.
    fn next_allowed(&self, now: Timestamp) -> Option<Timestamp> {
        let mut starts = Vec::new();
        let mut add = |zone: &TimeZone, at: ClockTime| {
            let today = now.to_zoned(zone.clone()).date();
            for offset in -1..=HORIZON_DAYS {
                if let Some(t) = start_on(today, offset, at, zone)
                    && t > now
                {
                    starts.push(t);
                }
            }
        };
        if let Some(window) = self.gate.window {
            add(&self.gate.campaign_zone, window.start);
        }
        for zone in self.zones {
            add(zone, self.start);
        }
        starts.sort();
        starts.into_iter().find(|t| self.forbids(*t).is_none())
    }
}

/// The local time of day of a zoned instant, to the minute.
fn clock(z: &jiff::Zoned) -> ClockTime {
    ClockTime::new(z.hour() as u16, z.minute() as u16).expect("a clock reads a valid time")
}

/// The instant `at` o'clock falls on `offset` days after `day` in `zone` (a time skipped by a
/// clock change counts as just after it).
fn start_on(day: Date, offset: i64, at: ClockTime, zone: &TimeZone) -> Option<Timestamp> {
    let date = day.checked_add(jiff::Span::new().days(offset)).ok()?;
    let minutes = at.minutes_since_midnight();
    let local = date.at((minutes / 60) as i8, (minutes % 60) as i8, 0, 0);
    zone.to_ambiguous_zoned(local)
        .compatible()
        .ok()
        .map(|z| z.timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn zone(name: &str) -> TimeZone {
        TimeZone::get(name).unwrap()
    }

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn phone(e164: &str) -> PhoneNumber {
        PhoneNumber::from_trusted(e164.into())
    }

    const EVERY_DAY: [Weekday; 7] = [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
        Weekday::Sat,
        Weekday::Sun,
    ];

    /// Every day, all day: only the callee's hours count.
    fn always() -> CallingWindow {
        CallingWindow {
            start: ClockTime::new(0, 0).unwrap(),
            end: ClockTime::new(23, 59).unwrap(),
            days: EVERY_DAY.to_vec(),
        }
    }

    fn check(
        window: &CallingWindow,
        campaign: &str,
        number: &str,
        lead: Option<&str>,
        at: &str,
    ) -> Result<(), Blocked> {
        let local = LocalHours::default();
        let gate = Gate::new(window, zone(campaign), &local);
        gate.check(&phone(number), lead.map(zone).as_ref(), ts(at))
    }

    fn local_reason(zone: &str, region: Option<&str>) -> HoldReason {
        local(zone, region)
    }

    fn local(zone: &str, region: Option<&str>) -> HoldReason {
        HoldReason::OutsideLocalHours {
            zone: zone.into(),
            region: region.map(str::to_string),
        }
    }

    #[test]
    fn a_new_york_number_may_be_called_from_eight_to_nine_its_time() {
        let w = always();
        let ny = "+12124567890";
        // 08:00 EST is 13:00 UTC in November.
        assert_eq!(check(&w, "UTC", ny, None, "2026-11-23T13:00:00Z"), Ok(()));
        assert_eq!(
            check(&w, "UTC", ny, None, "2026-11-23T12:59:00Z"),
            Err(Blocked {
                reason: local("America/New_York", None),
                until: Some(ts("2026-11-23T13:00:00Z")),
            })
        );
        // 21:00 EST: closed until 08:00 the next morning.
        assert_eq!(
            check(&w, "UTC", ny, None, "2026-11-24T02:00:00Z")
                .unwrap_err()
                .until,
            Some(ts("2026-11-24T13:00:00Z"))
        );
    }

    #[test]
    fn florida_stops_an_hour_earlier() {
        let w = always();
        // 20:30 EST in Tampa: Florida's 20:00 applies; New York at the same moment is fine.
        assert_eq!(
            check(&w, "UTC", "+18134893222", None, "2026-11-24T01:30:00Z"),
            Err(Blocked {
                reason: local("America/New_York", Some("Florida")),
                until: Some(ts("2026-11-24T13:00:00Z")),
            })
        );
        assert_eq!(
            check(&w, "UTC", "+12124567890", None, "2026-11-24T01:30:00Z"),
            Ok(())
        );
    }

    #[test]
    fn arizona_keeps_its_clock_when_the_rest_changes() {
        let w = always();
        let phoenix = "+16024567890";
        let la = "+13104567890";
        // Summer: Phoenix (UTC-7) and Los Angeles (PDT, UTC-7) read the same 08:00.
        assert_eq!(
            check(&w, "UTC", phoenix, None, "2026-07-01T15:00:00Z"),
            Ok(())
        );
        assert_eq!(check(&w, "UTC", la, None, "2026-07-01T15:00:00Z"), Ok(()));
        // Winter: Phoenix still 08:00, Los Angeles (PST, UTC-8) only 07:00.
        assert_eq!(
            check(&w, "UTC", phoenix, None, "2026-12-01T15:00:00Z"),
            Ok(())
        );
        assert_eq!(
            check(&w, "UTC", la, None, "2026-12-01T15:00:00Z")
                .unwrap_err()
                .until,
            Some(ts("2026-12-01T16:00:00Z"))
        );
    }

    #[test]
    fn a_number_that_may_be_in_two_zones_waits_for_both() {
        // North Idaho exchanges may be Mountain or Pacific: 08:00 in Boise is 07:00 in LA.
        assert_eq!(
            check(
                &always(),
                "UTC",
                "+12082990123",
                None,
                "2026-12-01T15:00:00Z"
            ),
            Err(Blocked {
                reason: local("America/Los_Angeles", None),
                until: Some(ts("2026-12-01T16:00:00Z")),
            })
        );
    }

    #[test]
    fn the_clock_change_moves_the_first_allowed_minute() {
        // 8 March 2026: New York springs forward; 08:00 EDT is 12:00 UTC, not 13:00.
        let w = always();
        assert_eq!(
            check(&w, "UTC", "+12124567890", None, "2026-03-08T11:30:00Z")
                .unwrap_err()
                .until,
            Some(ts("2026-03-08T12:00:00Z"))
        );
        // 1 November 2026: back to EST, 08:00 is 13:00 UTC.
        assert_eq!(
            check(&w, "UTC", "+12124567890", None, "2026-11-01T12:30:00Z")
                .unwrap_err()
                .until,
            Some(ts("2026-11-01T13:00:00Z"))
        );
    }

    #[test]
    fn an_unknown_zone_uses_the_leads_own_or_waits_with_a_reason() {
        let toll_free = "+18005550199";
        assert_eq!(
            check(&always(), "UTC", toll_free, None, "2026-11-23T18:00:00Z"),
            Err(Blocked {
                reason: HoldReason::UnknownTimeZone,
                until: None,
            })
        );
        assert_eq!(
            check(
                &always(),
                "UTC",
                toll_free,
                Some("America/Chicago"),
                "2026-11-23T18:00:00Z"
            ),
            Ok(())
        );
        // A lead's own zone is added to the number's: a New York mobile whose owner lives in
        // Los Angeles waits for Los Angeles too.
        assert_eq!(
            check(
                &always(),
                "UTC",
                "+12124567890",
                Some("America/Los_Angeles"),
                "2026-11-23T14:00:00Z"
            )
            .unwrap_err()
            .reason,
            local("America/Los_Angeles", None)
        );
    }

    #[test]
    fn a_gate_without_a_window_keeps_only_the_callees_hours() {
        let local = LocalHours::default();
        let gate = Gate::local_only(&local);
        // Sunday 02:05 UTC is Saturday 21:05 in Tampa: Florida's 20:00 has passed.
        assert_eq!(
            gate.check(&phone("+18134893222"), None, ts("2026-11-29T02:05:00Z")),
            Err(Blocked {
                reason: local_reason("America/New_York", Some("Florida")),
                until: Some(ts("2026-11-29T13:00:00Z")),
            })
        );
        // A Sunday at noon in New York: no campaign days to keep.
        assert_eq!(
            gate.check(&phone("+12124567890"), None, ts("2026-11-29T17:00:00Z")),
            Ok(())
        );
        // The lead's own zone joins the number's: both must allow.
        assert_eq!(
            callee_zones(&phone("+12124567890"), Some(&zone("America/Los_Angeles"))),
            [zone("America/New_York"), zone("America/Los_Angeles")]
        );
    }

    #[test]
    fn the_campaign_window_and_days_apply_in_the_campaigns_zone() {
        let office = CallingWindow {
            start: ClockTime::new(9, 0).unwrap(),
            end: ClockTime::new(17, 0).unwrap(),
            days: EVERY_DAY[..5].to_vec(),
        };
        // Saturday noon in Berlin: wait for Monday 09:00 CET (08:00 UTC).
        assert_eq!(
            check(
                &office,
                "Europe/Berlin",
                "+4930123456",
                None,
                "2026-11-28T11:00:00Z"
            ),
            Err(Blocked {
                reason: HoldReason::OutsideCampaignHours,
                until: Some(ts("2026-11-30T08:00:00Z")),
            })
        );
        // A window without days never opens.
        let never = CallingWindow {
            days: vec![],
            ..office
        };
        assert_eq!(
            check(
                &never,
                "Europe/Berlin",
                "+4930123456",
                None,
                "2026-11-28T11:00:00Z"
            )
            .unwrap_err()
            .until,
            None
        );
    }

    const NUMBERS: &[&str] = &[
        "+12124567890", // New York
        "+13104567890", // Los Angeles
        "+16024567890", // Phoenix, no DST
        "+19284567890", // northern Arizona
        "+18134893222", // Tampa, Florida rules
        "+18504567890", // Florida panhandle
        "+19184567890", // Tulsa, Oklahoma rules
        "+12082990123", // Idaho, Mountain or Pacific
        "+19074567890", // Alaska
        "+18084567890", // Hawaii
        "+13124567890", // Chicago
        "+18005550199", // toll-free: unknown
        "+4930123456",  // Berlin
    ];
    const ZONES: &[&str] = &[
        "UTC",
        "America/New_York",
        "America/Phoenix",
        "America/Los_Angeles",
        "Europe/Berlin",
        "Pacific/Honolulu",
    ];

    /// What the rules say about one instant, worked out directly.
    fn allowed(
        w: &CallingWindow,
        campaign: &TimeZone,
        number: &PhoneNumber,
        lead: Option<&TimeZone>,
        t: Timestamp,
    ) -> bool {
        let here = t.to_zoned(campaign.clone());
        if !w.allows(Weekday::from_jiff(here.weekday()), clock(&here)) {
            return false;
        }
        let mut zones = match number_zones(number) {
            NumberZones::Known(z) => z,
            NumberZones::Unknown => vec![],
        };
        zones.extend(lead.cloned());
        let (start, end, _) = LocalHours::default().for_number(number);
        !zones.is_empty()
            && zones.iter().all(|z| {
                let c = clock(&t.to_zoned(z.clone()));
                c >= start && c < end
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        /// Over random numbers, zones, windows and instants across 2026–2027 (four clock
        /// changes): a call is let through only when every rule allows it, and a held call's
        /// next moment is allowed, later, and the first one (every minute before it is held).
        #[test]
        fn no_call_outside_the_rules_and_none_held_longer_than_needed(
            number in 0..NUMBERS.len(),
            campaign in 0..ZONES.len(),
            lead in proptest::option::of(0..ZONES.len()),
            start in 0u16..14,
            length in 1u16..12,
            days in proptest::collection::vec(0usize..7, 0..7),
            second in 1_767_225_600i64..1_830_297_600,
        ) {
            let w = CallingWindow {
                start: ClockTime::new(start, 0).unwrap(),
                end: ClockTime::new((start + length).min(23), 59).unwrap(),
                days: days.iter().map(|d| EVERY_DAY[*d]).collect(),
            };
            let local = LocalHours::default();
            let campaign = zone(ZONES[campaign]);
            let gate = Gate::new(&w, campaign.clone(), &local);
            let number = phone(NUMBERS[number]);
            let lead = lead.map(|l| zone(ZONES[l]));
            let now = Timestamp::from_second(second).unwrap();
            match gate.check(&number, lead.as_ref(), now) {
                Ok(()) => prop_assert!(allowed(&w, &campaign, &number, lead.as_ref(), now)),
                Err(Blocked { until: Some(next), .. }) => {
                    prop_assert!(!allowed(&w, &campaign, &number, lead.as_ref(), now));
                    prop_assert!(next > now);
                    prop_assert!(allowed(&w, &campaign, &number, lead.as_ref(), next));
                    let mut t = now;
                    while t < next {
                        prop_assert!(!allowed(&w, &campaign, &number, lead.as_ref(), t), "{t} is allowed before {next}");
                        t = t.checked_add(jiff::SignedDuration::from_mins(1)).unwrap().min(next);
                        if t == next { break; }
                    }
                }
                Err(Blocked { until: None, .. }) => {
                    // Nothing within the week: check every quarter hour.
                    for q in 0..(7 * 24 * 4) {
                        let t = now.checked_add(jiff::SignedDuration::from_mins(15 * q)).unwrap();
                        prop_assert!(!allowed(&w, &campaign, &number, lead.as_ref(), t), "{t} would have been allowed");
                    }
                }
            }
        }
    }
}
