//! Properties of the engine on the sample scenarios, over random action
//! sequences: no sequence panics, and replaying the actions a session
//! accepted, from their written log, reproduces its report exactly.

mod support;
use support::Disk;

use std::sync::Arc;

use labshift_core::action::{Action, Corrective, Mode, RejectReason};
use labshift_core::load::load_scenario;
use labshift_core::log::SessionLog;
use labshift_core::model::Scenario;
use labshift_core::raw::Ppe;
use labshift_core::report::Report;
use labshift_core::session::Session;
use labshift_core::time::SimTime;
use proptest::prelude::*;

/// Cases per property: `LABSHIFT_FUZZ_CASES` for a long run, else `default`.
fn cases(default: u32) -> u32 {
    std::env::var("LABSHIFT_FUZZ_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(default)
}

fn scenarios() -> Vec<Arc<Scenario>> {
    let dir = support::repository().join("scenarios");
    ["a-morning-chemistry", "b-mislabel-hemolysis", "c-qc-shift", "d-critical-calls-spill"]
        .iter()
        .map(|name| {
            let path = dir.join(format!("{name}.ron"));
            Arc::new(load_scenario(&path.to_string_lossy(), &Disk).value.unwrap_or_else(|| panic!("{name}")))
        })
        .collect()
}

/// Builds an action from random numbers, naming the scenario's own ids, so
/// that many are legal and the session goes deep into the shift.
fn action(s: &Scenario, kind: u8, a: usize, b: usize, c: usize) -> Action {
    let pick = |v: &[String], i: usize| v.get(i % v.len().max(1)).cloned().unwrap_or_default();
    let specimens: Vec<String> = s.specimens.iter().map(|x| x.id.clone()).collect();
    let analyzers: Vec<String> = s.lab.analyzers.iter().map(|x| x.id.clone()).collect();
    let analyzer = pick(&analyzers, a);
    let menu = s.lab.analyzers.iter().find(|x| x.id == analyzer).map(|x| x.menu.clone()).unwrap_or_default();
    let specimen = pick(&specimens, a);
    let ordered = s.specimens.iter().find(|x| x.id == specimen).map(|x| x.tests.clone()).unwrap_or_default();
    let caregivers: Vec<String> = s.caregivers.iter().map(|x| x.id.clone()).collect();
    let ppe = [Ppe::Gloves, Ppe::Coat, Ppe::FaceShield][b % 3];
    let reasons = [
        RejectReason::Mislabeled,
        RejectReason::Hemolyzed,
        RejectReason::InsufficientIdentifiers,
        RejectReason::Leaking,
    ];
    let fixes = [
        Corrective::Recalibrate,
        Corrective::Maintenance,
        Corrective::NewControlVial,
        Corrective::CallService,
    ];
    let rules = ["1-3s", "2-2s", "R-4s", "4-1s"];
    match kind % 34 {
        0 => Action::PutOn(ppe),
        1 => Action::TakeOff(ppe),
        2 => Action::WashHands,
        3 => Action::EatOrDrink,
        4 | 5 => Action::Receive { specimen },
        6 => Action::CompareLabel { specimen },
        7 => Action::Accept { specimen },
        8 => Action::Reject { specimen, reason: reasons[b % 4] },
        9 => Action::RequestRecollection { specimen },
        10 => Action::LoadCentrifuge { specimen },
        11 => Action::AddBalanceTube,
        12 => Action::StartCentrifuge,
        13 => Action::OpenCentrifuge,
        14 | 15 => Action::RunControl { analyzer, test: pick(&menu, b), level: (c % 3) as u8 + 1 },
        16 => Action::AcceptQc { analyzer, test: pick(&menu, b) },
        17 => Action::RejectQc { analyzer, test: pick(&menu, b), rule: rules[c % 4].into() },
        18 => Action::CorrectiveAction { analyzer, test: pick(&menu, b), action: fixes[c % 4] },
        19 => Action::LookBack { analyzer, test: pick(&menu, b) },
        20 | 21 => Action::RunTests { specimen, analyzer: pick(&analyzers, b) },
        22 => Action::Dilute { specimen, test: pick(&ordered, b), factor: (c % 4) as u32 + 1 },
        23 => Action::Review { specimen, test: pick(&ordered, b) },
        24 => Action::Repeat { specimen, test: pick(&ordered, b) },
        25 | 26 => Action::Release { specimen, test: pick(&ordered, b) },
        27 => Action::CallCaregiver { specimen, test: pick(&ordered, b), caregiver: pick(&caregivers, c) },
        28 => Action::ConfirmReadBack { specimen, test: pick(&ordered, b) },
        29 => {
            let who = s.caregivers.get(c % s.caregivers.len().max(1));
            Action::DocumentCall {
                specimen,
                test: pick(&ordered, b),
                name: who.map(|w| w.name.clone()).unwrap_or_default(),
                credentials: who.map(|w| w.credentials.clone()).unwrap_or_default(),
            }
        }
        30 => Action::CleanSpill { dilution_one_in: (c % 12) as u32 },
        31 => Action::FinishSpill,
        32 => [
            Action::DisposeSharps,
            Action::DisposeBiohazard,
            Action::ReplaceSharpsContainer,
            Action::Hold { specimen, test: pick(&ordered, b) },
        ][b % 4]
            .clone(),
        _ => {
            if c.is_multiple_of(50) {
                Action::EndShift
            } else {
                Action::Wait
            }
        }
    }
}

type Step = (u16, u8, usize, usize, usize);

fn play(scenario: &Arc<Scenario>, seed: u64, steps: &[Step]) -> (Session, SessionLog) {
    let mut session = Session::new(scenario, seed);
    let mut log = SessionLog::new(scenario, seed, "property", Mode::Practice);
    let mut t = 0i64;
    for &(dt, kind, a, b, c) in steps {
        t += i64::from(dt);
        let act = action(scenario, kind, a, b, c);
        if session.apply(act.clone(), SimTime(t)).is_ok() {
            log.push(scenario, SimTime(t), act);
        }
    }
    session.finish_at_limit();
    (session, log)
}

fn steps() -> impl Strategy<Value = Vec<Step>> {
    prop::collection::vec((0u16..240, any::<u8>(), 0usize..64, 0usize..64, 0usize..64), 0..400)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(96), ..ProptestConfig::default() })]

    #[test]
    fn replaying_the_log_reproduces_the_report(which in 0usize..4, seed in any::<u64>(), steps in steps()) {
        let scenario = &scenarios()[which];
        let (session, log) = play(scenario, seed, &steps);
        let live = Report::new(&session, "property", Mode::Practice);
        // Through the written form, as `labshift grade` reads it.
        let text = log.to_ron();
        let parsed = SessionLog::parse("property.log.ron", &text).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let replayed = parsed.grade(scenario).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(serde_json::to_string(&live).ok(), serde_json::to_string(&replayed).ok());
    }

    #[test]
    fn a_replayed_step_changes_the_shift_as_a_live_one(which in 0usize..4, seed in any::<u64>(), steps in steps()) {
        // `Session::replay` builds no events; everything else must be the same.
        let scenario = &scenarios()[which];
        let mut live = Session::new(scenario, seed);
        let mut quiet = Session::new(scenario, seed);
        let mut t = 0i64;
        for &(dt, kind, a, b, c) in &steps {
            t += i64::from(dt);
            let act = action(scenario, kind, a, b, c);
            let told = live.apply(act.clone(), SimTime(t)).map(|_| ());
            prop_assert_eq!(told, quiet.replay(&act, SimTime(t)), "{:?}", act);
            prop_assert_eq!(visible(&live), visible(&quiet), "after {:?}", act);
        }
        live.finish_at_limit();
        quiet.finish_at_limit();
        prop_assert_eq!(visible(&live), visible(&quiet));
    }

    #[test]
    fn no_action_sequence_panics_and_scores_stay_in_range(which in 0usize..4, seed in any::<u64>(), steps in steps()) {
        let scenario = &scenarios()[which];
        let (session, _) = play(scenario, seed, &steps);
        let report = Report::new(&session, "property", Mode::Practice);
        prop_assert!((0.0..=100.0).contains(&report.overall));
        prop_assert!((0.0..=100.0).contains(&report.safety));
        prop_assert!(report.categories.iter().all(|c| c.score <= 100));
        prop_assert_eq!(report.passed, report.critical_errors == 0 && report.overall >= f64::from(report.pass_mark));
    }
}

/// Everything a shell or a report can see of a shift, as JSON.
fn visible(s: &Session) -> String {
    let analyzers = &s.scenario().lab.analyzers;
    let qc: Vec<_> = analyzers
        .iter()
        .flat_map(|a| a.menu.iter().map(|t| (s.qc_view(&a.id, t), s.qc_verdict(&a.id, t))))
        .collect();
    serde_json::to_string(&(
        (s.now(), s.is_ended(), s.findings(), s.wearing(), s.hands_to_wash()),
        (s.specimen_views(), qc, s.qc_charts(), s.calls(), s.critical_calls()),
        (s.centrifuge_view(), s.spills(), s.pending_waste(), s.stat_turnarounds()),
    ))
    .unwrap_or_default()
}

/// The random play above goes deep into the shift: it is no empty exercise.
#[test]
fn random_play_reaches_results_qc_and_findings() {
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for scenario in scenarios() {
        let steps: Vec<Step> = (0..2000)
            .map(|_| {
                (
                    (next() % 6) as u16,
                    next() as u8,
                    next() as usize % 64,
                    next() as usize % 64,
                    1 + next() as usize % 49,
                )
            })
            .collect();
        let (session, log) = play(&scenario, 3, &steps);
        let results: usize = session.specimen_views().iter().map(|v| v.results.len()).sum();
        assert!(log.actions.len() > 200, "{}: {} actions accepted", scenario.meta.id, log.actions.len());
        assert!(results > 0, "{}: no result measured", scenario.meta.id);
        assert!(!session.findings().is_empty(), "{}", scenario.meta.id);
    }
}
