//! A first-year trainee who does only what the practice hint says: the
//! hint is the reference technician's next step, so a shift played from the
//! hints alone passes at 100%, whatever the scenario and the seed.

use std::sync::Arc;

use labshift_core::action::{Action, Mode};
use labshift_core::model::Scenario;
use labshift_core::reference::{Plan, next_step, plan};
use labshift_core::report::Report;
use labshift_core::session::Session;
use labshift_core::time::SimTime;

mod support;

const SCENARIOS: [&str; 6] = [
    "a-morning-chemistry",
    "b-mislabel-hemolysis",
    "c-qc-shift",
    "d-critical-calls-spill",
    "e-qc-shift-random",
    "f-outpatient-labels",
];

fn load(name: &str) -> Arc<Scenario> {
    let file = support::repository().join(format!("scenarios/{name}.ron"));
    let loaded = labshift_core::load::load_scenario(&file.to_string_lossy(), &support::Disk);
    Arc::new(loaded.value.unwrap_or_else(|| panic!("{name} does not load")))
}

/// Plays a shift pressing only what the hint says, 20 seconds an action; when
/// the hint says nothing needs doing, lets the clock run to the next event,
/// as the bench's N key does; once all is done, ends the shift as the
/// end-of-shift hint says. Returns the report and the actions taken.
fn play_the_hints(scenario: &Arc<Scenario>, seed: u64) -> (Report, Vec<(SimTime, Action)>) {
    let mut session = Session::new(scenario, seed);
    let mut t = SimTime::ZERO;
    let mut taken = Vec::new();
    for _ in 0..5000 {
        if session.is_ended() {
            break;
        }
        let hint = match next_step(&session, t) {
            Some(action) => Some(action),
            None => match plan(&session, t) {
                Plan::WaitUntil(next) => {
                    t = next.max(SimTime(t.0 + 1));
                    None
                }
                Plan::Act(steps) => steps.into_iter().next(),
            },
        };
        let Some(action) = hint else { continue };
        if let Err(why) = session.apply(action.clone(), t) {
            panic!("{}: the hint {action:?} at {t:?} was refused: {why}", scenario.meta.id);
        }
        taken.push((t, action));
        t = SimTime(t.0 + 20);
    }
    assert!(session.is_ended(), "{}: the hints never ended the shift", scenario.meta.id);
    (Report::new(&session, "Hint follower", Mode::Practice), taken)
}

#[test]
fn a_shift_played_from_the_hints_alone_passes_at_100() {
    for name in SCENARIOS {
        let scenario = load(name);
        for seed in 1..=4 {
            let (report, _) = play_the_hints(&scenario, seed);
            assert!(report.passed && report.overall == 100.0, "{name} seed {seed}: {}", report.to_text());
        }
    }
}

/// The hint finishes the task in hand before starting another: a received
/// tube is compared and decided, a loaded rotor started, before the next
/// arrival is received.
#[test]
fn the_hint_finishes_the_task_in_hand() {
    for name in SCENARIOS {
        let scenario = load(name);
        let (_, taken) = play_the_hints(&scenario, 1);
        for (i, (_, action)) in taken.iter().enumerate() {
            if let Action::Receive { specimen } = action {
                let next: Vec<&Action> = taken[i + 1..].iter().map(|(_, a)| a).take(2).collect();
                assert!(
                    matches!(next[0], Action::CompareLabel { specimen: s } if s == specimen),
                    "{name}: after receiving {specimen} the hint said {:?}",
                    next[0]
                );
                assert!(
                    matches!(next[1], Action::Accept { specimen: s } | Action::Reject { specimen: s, .. } if s == specimen),
                    "{name}: after comparing {specimen}'s label the hint said {:?}",
                    next[1]
                );
            }
            if let Action::LoadCentrifuge { .. } = action {
                let rest = taken[i + 1..].iter().map(|(_, a)| a);
                let until_start: Vec<&Action> =
                    rest.take_while(|a| !matches!(a, Action::StartCentrifuge)).collect();
                assert!(
                    until_start
                        .iter()
                        .all(|a| matches!(a, Action::LoadCentrifuge { .. } | Action::AddBalanceTube)),
                    "{name}: a loaded rotor waited for {until_start:?}"
                );
            }
        }
    }
}

/// An open critical call comes before new work: once a critical result is
/// ready, the next hint is its review or call, whatever else waits.
#[test]
fn an_open_critical_call_leads_the_hints() {
    let scenario = load("d-critical-calls-spill");
    let (_, taken) = play_the_hints(&scenario, 1);
    let mut session = Session::new(&scenario, 1);
    for (t, action) in &taken {
        let open = session.calls().into_iter().any(|c| !c.attempted);
        if open {
            // Gloves off and hands washed for the phone, then the call.
            assert!(
                matches!(
                    action,
                    Action::TakeOff(labshift_core::raw::Ppe::Gloves)
                        | Action::WashHands
                        | Action::Review { .. }
                        | Action::CallCaregiver { .. }
                ),
                "a critical call waited at {t:?} for {action:?}"
            );
        }
        session.apply(action.clone(), *t).expect("replays");
    }
}
