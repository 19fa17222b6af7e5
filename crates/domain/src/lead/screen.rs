//! The checks a due lead passes at the moment it would be dialed — not only at import: the
//! do-not-call list, the per-lead attempt limits, and the calling hours. A lead that may not be
//! called now is held until the next moment it may, never dropped.

use crate::PhoneNumber;
use crate::hours::{Gate, HoldReason};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

/// What the dialer knows about a due lead.
#[derive(Debug, Clone, Copy)]
pub struct Candidate<'a> {
    /// The number to call.
    pub phone: &'a PhoneNumber,
    /// The lead's own time zone, if it has one.
    pub zone: Option<&'a TimeZone>,
    /// Attempts made so far.
    pub attempts: i64,
    /// The number is on the tenant's do-not-call list.
    pub on_do_not_call_list: bool,
    /// Calls made to it in the last 24 hours, and when the first of them was made.
    pub last_24h: Option<(i64, Timestamp)>,
}

/// The per-lead attempt limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttemptLimits {
    /// Over the campaign's life.
    pub per_lead: u32,
    /// In any 24 hours.
    pub per_24h: u32,
}

/// Why a lead waits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HoldWhy {
    /// A calling-hours rule.
    Hours(HoldReason),
    /// The lead had as many calls in the last 24 hours as allowed.
    AttemptsPer24h,
}

impl HoldWhy {
    /// The name the API gives this reason in a refusal (`outside_calling_hours`, …).
    pub fn code(&self) -> &'static str {
        match self {
            HoldWhy::Hours(HoldReason::OutsideCampaignHours) => "outside_campaign_hours",
            HoldWhy::Hours(HoldReason::OutsideLocalHours { .. }) => "outside_calling_hours",
            HoldWhy::Hours(HoldReason::UnknownTimeZone) => "unknown_time_zone",
            HoldWhy::AttemptsPer24h => "attempts_per_24h",
        }
    }
}

impl std::fmt::Display for HoldWhy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HoldWhy::Hours(r) => r.fmt(f),
            HoldWhy::AttemptsPer24h => f.write_str("maximum attempts per 24 hours reached"),
        }
    }
}

/// What to do with a due lead now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Call it.
    Dial,
    /// Its number is on the do-not-call list: mark it and never call it.
    DoNotCall,
    /// It has used every attempt: close it as exhausted.
    Exhausted,
    /// Not now: look again at `until`.
    Hold {
        /// Why.
        why: HoldWhy,
        /// The next moment it may be called.
        until: Timestamp,
    },
}

/// How long a lead waits when no rule names the moment it may be called (an unknown time
/// zone, a window without days): it is looked at again after this, so a fix takes effect.
pub const RECHECK: SignedDuration = SignedDuration::from_hours(1);

/// Screens a due lead at `now`, the strictest rule first.
pub fn screen(
    c: &Candidate<'_>,
    limits: AttemptLimits,
    gate: &Gate<'_>,
    now: Timestamp,
) -> Verdict {
    if c.on_do_not_call_list {
        return Verdict::DoNotCall;
    }
    if c.attempts >= i64::from(limits.per_lead) {
        return Verdict::Exhausted;
    }
    if let Some((count, first)) = c.last_24h
        && count >= i64::from(limits.per_24h)
    {
        return Verdict::Hold {
            why: HoldWhy::AttemptsPer24h,
            until: (first + SignedDuration::from_hours(24)).max(now + SignedDuration::from_secs(1)),
        };
    }
    match gate.check(c.phone, c.zone, now) {
        Ok(()) => Verdict::Dial,
        Err(blocked) => Verdict::Hold {
            why: HoldWhy::Hours(blocked.reason),
            until: blocked.until.unwrap_or(now + RECHECK),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::campaign::CallingWindow;
    use crate::hours::LocalHours;

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn check(c: Candidate<'_>, now: &str) -> Verdict {
        let window = CallingWindow::default();
        let local = LocalHours::default();
        let gate = Gate::new(&window, TimeZone::get("America/New_York").unwrap(), &local);
        let limits = AttemptLimits {
            per_lead: 5,
            per_24h: 3,
        };
        screen(&c, limits, &gate, at(now))
    }

    fn lead(phone: &PhoneNumber) -> Candidate<'_> {
        Candidate {
            phone,
            zone: None,
            attempts: 0,
            on_do_not_call_list: false,
            last_24h: None,
        }
    }

    #[test]
    fn a_lead_within_every_rule_is_dialed() {
        let p = PhoneNumber::parse_e164("+12124893222").unwrap();
        assert_eq!(check(lead(&p), "2026-11-18T15:00:00Z"), Verdict::Dial);
    }

    #[test]
    fn do_not_call_beats_everything_and_limits_close_the_lead() {
        let p = PhoneNumber::parse_e164("+12124893222").unwrap();
        let mut c = lead(&p);
        c.attempts = 5;
        assert_eq!(check(c, "2026-11-18T15:00:00Z"), Verdict::Exhausted);
        c.on_do_not_call_list = true;
        // At night too: the list is checked before the hours.
        assert_eq!(check(c, "2026-11-18T05:00:00Z"), Verdict::DoNotCall);
    }

    #[test]
    fn a_lead_called_too_often_waits_until_its_first_call_is_a_day_old() {
        let p = PhoneNumber::parse_e164("+12124893222").unwrap();
        let mut c = lead(&p);
        c.last_24h = Some((3, at("2026-11-18T14:00:00Z")));
        assert_eq!(
            check(c, "2026-11-18T15:00:00Z"),
            Verdict::Hold {
                why: HoldWhy::AttemptsPer24h,
                until: at("2026-11-19T14:00:00Z")
            }
        );
        c.last_24h = Some((2, at("2026-11-18T14:00:00Z")));
        assert_eq!(check(c, "2026-11-18T15:00:00Z"), Verdict::Dial);
    }

    #[test]
    fn out_of_hours_waits_for_the_next_allowed_moment() {
        // 06:00 in New York: the default window opens at 09:00.
        let p = PhoneNumber::parse_e164("+12124893222").unwrap();
        match check(lead(&p), "2026-11-18T11:00:00Z") {
            Verdict::Hold {
                why: HoldWhy::Hours(_),
                until,
            } => assert_eq!(until, at("2026-11-18T14:00:00Z")),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn an_unknown_zone_is_looked_at_again_later() {
        let p = PhoneNumber::parse_e164("+18004893222").unwrap();
        assert_eq!(
            check(lead(&p), "2026-11-18T15:00:00Z"),
            Verdict::Hold {
                why: HoldWhy::Hours(HoldReason::UnknownTimeZone),
                until: at("2026-11-18T16:00:00Z")
            }
        );
    }

    mod property {
        use super::*;
        use crate::hours::{NumberZones, number_zones};
        use proptest::prelude::*;

        /// New York, Florida (stricter hours), Los Angeles, Arizona (no DST), two-zone Idaho,
        /// Oklahoma, a toll-free number (zone unknown), Indiana, Hawaii.
        const NUMBERS: [&str; 9] = [
            "+12124893222",
            "+18134893222",
            "+12134893222",
            "+16024893222",
            "+12084893222",
            "+14054893222",
            "+18004893222",
            "+13174893222",
            "+18084893222",
        ];
        const ZONES: [&str; 5] = [
            "America/New_York",
            "America/Chicago",
            "America/Phoenix",
            "America/Los_Angeles",
            "Pacific/Honolulu",
        ];

        /// The rule written out independently: every zone of the number and the lead is
        /// within 08:00–21:00 (20:00 in Florida and Oklahoma), and New York time is within the
        /// campaign's 09:00–20:00 on a weekday.
        fn lawful(number: &str, lead: Option<&TimeZone>, now: Timestamp) -> bool {
            let mut zones = match number_zones(&PhoneNumber::from_trusted(number.into())) {
                NumberZones::Known(z) => z,
                NumberZones::Unknown => Vec::new(),
            };
            zones.extend(lead.cloned());
            let end = if number.starts_with("+1813") || number.starts_with("+1405") {
                20
            } else {
                21
            };
            let campaign = now.to_zoned(TimeZone::get("America/New_York").unwrap());
            let weekday = campaign.weekday().to_monday_one_offset() <= 5;
            !zones.is_empty()
                && weekday
                && (9..20).contains(&campaign.hour())
                && zones
                    .iter()
                    .all(|z| (8..end).contains(&now.to_zoned(z.clone()).hour()))
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(500))]

            /// Over random numbers, lead zones and instants across 2026–2027 (four clock
            /// changes, Arizona without them): a do-not-call number is never dialed, nor one
            /// out of attempts, nor one outside any of its hours; a held lead is held until
            /// later than now.
            #[test]
            fn nothing_unlawful_is_ever_dialed(
                number in 0..NUMBERS.len(),
                lead_zone in proptest::option::of(0..ZONES.len()),
                second in 1_767_225_600i64..1_830_297_600,
                listed in any::<bool>(),
                attempts in 0i64..8,
            ) {
                let phone = PhoneNumber::from_trusted(NUMBERS[number].into());
                let zone = lead_zone.map(|z| TimeZone::get(ZONES[z]).unwrap());
                let now = Timestamp::from_second(second).unwrap();
                let c = Candidate {
                    phone: &phone,
                    zone: zone.as_ref(),
                    attempts,
                    on_do_not_call_list: listed,
                    last_24h: None,
                };
                let window = CallingWindow::default();
                let local = LocalHours::default();
                let gate = Gate::new(&window, TimeZone::get("America/New_York").unwrap(), &local);
                let verdict = screen(&c, AttemptLimits { per_lead: 5, per_24h: 3 }, &gate, now);
                if listed {
                    prop_assert_eq!(verdict, Verdict::DoNotCall);
                } else if attempts >= 5 {
                    prop_assert_eq!(verdict, Verdict::Exhausted);
                } else {
                    match verdict {
                        Verdict::Dial => prop_assert!(lawful(NUMBERS[number], zone.as_ref(), now)),
                        Verdict::Hold { until, .. } => {
                            prop_assert!(!lawful(NUMBERS[number], zone.as_ref(), now));
                            prop_assert!(until > now);
                        }
                        other => prop_assert!(false, "unexpected {:?}", other),
                    }
                }
            }
        }
    }
}
