use super::*;

fn at(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn limits() -> Limits {
    Limits {
        max_concurrent: 10,
        daily_limit: Some(100),
        calls_per_second: 5,
    }
}

fn snapshot() -> Snapshot {
    Snapshot {
        now: at("2026-11-23T15:00:00Z"),
        in_flight: 0,
        ringing: 0,
        waiting_for_agent: 0,
        agents: Agents {
            logged_in: 4,
            available: 4,
            busy: 0,
            offered: 0,
        },
        last_call_at: None,
        placed_today: 0,
        placed_last_second: 0,
        predictive_lines: 5,
    }
}

#[test]
fn fixed_interval_places_one_call_then_waits_for_the_next_slot() {
    let mode = Pacing::FixedInterval {
        interval_seconds: 120,
    };
    let first = decide(&mode, &limits(), &snapshot());
    assert_eq!(first.place, 1);
    let s = Snapshot {
        last_call_at: Some(at("2026-11-23T14:59:00Z")),
        ..snapshot()
    };
    assert_eq!(
        decide(&mode, &limits(), &s),
        Decision {
            place: 0,
            wait: Some((Wait::Interval, Some(at("2026-11-23T15:01:00Z")))),
        }
    );
    let s = Snapshot {
        last_call_at: Some(at("2026-11-23T14:58:00Z")),
        ..snapshot()
    };
    assert_eq!(decide(&mode, &limits(), &s).place, 1);
}

#[test]
fn unattended_fills_the_free_lines_within_the_rate() {
    let s = Snapshot {
        in_flight: 7,
        ..snapshot()
    };
    // Three lines free, five a second allowed: three.
    assert_eq!(decide(&Pacing::Unattended, &limits(), &s).place, 3);
    // Ten free lines but five a second: five now, and the rate is why not more.
    let d = decide(&Pacing::Unattended, &limits(), &snapshot());
    assert_eq!(d.place, 5);
    assert_eq!(d.wait.map(|w| w.0), Some(Wait::CallsPerSecond));
    let full = Snapshot {
        in_flight: 10,
        ..snapshot()
    };
    assert_eq!(
        decide(&Pacing::Unattended, &limits(), &full).wait,
        Some((Wait::MaxConcurrent, None))
    );
}

#[test]
fn progressive_dials_one_per_free_agent_less_what_already_rings() {
    let s = Snapshot {
        in_flight: 1,
        ringing: 1,
        agents: Agents {
            logged_in: 5,
            available: 3,
            busy: 2,
            offered: 0,
        },
        ..snapshot()
    };
    assert_eq!(decide(&Pacing::Progressive, &limits(), &s).place, 2);
    // Calls agents are talking on take lines, not free agents.
    let talking = Snapshot { in_flight: 4, ..s };
    assert_eq!(decide(&Pacing::Progressive, &limits(), &talking).place, 2);
    let busy = Snapshot {
        agents: Agents {
            logged_in: 5,
            available: 0,
            busy: 5,
            offered: 0,
        },
        ..snapshot()
    };
    assert_eq!(
        decide(&Pacing::Progressive, &limits(), &busy).wait,
        Some((Wait::Agents(AgentWait::AllBusy), None))
    );
}

#[test]
fn an_agent_paced_campaign_says_which_agents_it_waits_for() {
    let with = |logged_in, available, busy, offered, ringing| Snapshot {
        ringing,
        in_flight: ringing,
        agents: Agents {
            logged_in,
            available,
            busy,
            offered,
        },
        ..snapshot()
    };
    let why = |s: &Snapshot| decide(&Pacing::Progressive, &limits(), s).wait.unwrap().0;
    assert_eq!(
        why(&with(0, 0, 0, 0, 0)),
        Wait::Agents(AgentWait::NoneSignedIn)
    );
    // The only agent is being offered a caller: not "no agent free", but who and why.
    assert_eq!(
        why(&with(1, 0, 1, 1, 0)),
        Wait::Agents(AgentWait::BeingOffered)
    );
    assert_eq!(
        why(&with(1, 0, 1, 1, 0)).describe(),
        "an agent is being offered a call"
    );
    assert_eq!(why(&with(2, 0, 2, 0, 0)), Wait::Agents(AgentWait::AllBusy));
    assert_eq!(
        why(&with(2, 0, 0, 0, 0)),
        Wait::Agents(AgentWait::AllPaused)
    );
    assert_eq!(
        why(&with(2, 1, 0, 0, 1)),
        Wait::Agents(AgentWait::CallsRinging)
    );
    assert_eq!(
        Wait::Agents(AgentWait::NoneSignedIn).describe(),
        "no agent signed in"
    );
}

#[test]
fn power_and_predictive_dial_their_ratio_and_stop_when_agents_leave() {
    let s = Snapshot {
        agents: Agents {
            logged_in: 2,
            available: 2,
            busy: 0,
            offered: 0,
        },
        ..snapshot()
    };
    assert_eq!(
        decide(&Pacing::Power { ratio: 2.0 }, &limits(), &s).place,
        4
    );
    let predictive = Pacing::Predictive {
        target_abandon_percent: 3.0,
        max_ratio: 2.0,
    };
    // The estimator wants five outstanding.
    assert_eq!(decide(&predictive, &limits(), &s).place, 5);
    // Calls ringing and callers waiting are outstanding already.
    let waiting = Snapshot {
        in_flight: 3,
        ringing: 2,
        waiting_for_agent: 1,
        ..s
    };
    assert_eq!(decide(&predictive, &limits(), &waiting).place, 2);
    let gone = Snapshot {
        agents: Agents::default(),
        ..s
    };
    assert_eq!(decide(&predictive, &limits(), &gone).place, 0);
    assert_eq!(
        decide(&Pacing::Power { ratio: 3.0 }, &limits(), &gone).place,
        0
    );
}

#[test]
fn the_daily_limit_and_the_rate_hold_in_every_mode() {
    let near = Snapshot {
        placed_today: 98,
        ..snapshot()
    };
    let d = decide(&Pacing::Unattended, &limits(), &near);
    assert_eq!(d.place, 2);
    assert_eq!(d.wait, Some((Wait::DailyLimit, None)));
    let done = Snapshot {
        placed_today: 100,
        ..snapshot()
    };
    for mode in [
        Pacing::Unattended,
        Pacing::Progressive,
        Pacing::FixedInterval {
            interval_seconds: 10,
        },
    ] {
        assert_eq!(
            decide(&mode, &limits(), &done).wait,
            Some((Wait::DailyLimit, None))
        );
    }
    let burst = Snapshot {
        placed_last_second: 5,
        ..snapshot()
    };
    assert_eq!(
        decide(&Pacing::Unattended, &limits(), &burst).wait,
        Some((Wait::CallsPerSecond, Some(at("2026-11-23T15:00:01Z"))))
    );
}
