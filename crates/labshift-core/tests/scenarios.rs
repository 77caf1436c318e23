//! Every bundled scenario loads and validates, and tells the story it claims:
//! the mistakes a trainee must catch are really in the data.

mod support;
use support::Disk;

use std::path::PathBuf;

use labshift_core::load::load_scenario;
use labshift_core::model::{Scenario, Specimen};
use labshift_core::raw::{Category, Priority, RawFault, RawTrueValue, Tier};
use labshift_core::time::SimTime;

fn scenarios_dir() -> PathBuf {
    support::repository().join("scenarios")
}

fn load(name: &str) -> Scenario {
    let path = scenarios_dir().join(name);
    let loaded = load_scenario(&path.to_string_lossy(), &Disk);
    let messages: Vec<String> = loaded.diagnostics.iter().map(ToString::to_string).collect();
    assert!(messages.is_empty(), "{name}:\n{}", messages.join("\n"));
    loaded.value.unwrap_or_else(|| panic!("{name} did not load"))
}

fn specimen<'a>(s: &'a Scenario, id: &str) -> &'a Specimen {
    s.specimens.iter().find(|x| x.id == id).unwrap_or_else(|| panic!("no specimen {id}"))
}

fn exact(s: &Specimen, test: &str) -> f64 {
    match s.values.get(test) {
        Some(RawTrueValue::Exact(v)) => *v,
        other => panic!("{} {test}: {other:?}", s.id),
    }
}

#[test]
fn every_bundled_scenario_is_valid() {
    let mut names: Vec<String> = std::fs::read_dir(scenarios_dir())
        .map(|e| e.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect())
        .unwrap_or_default();
    names.retain(|n| n.ends_with(".ron"));
    names.sort();
    assert_eq!(
        names,
        [
            "a-morning-chemistry.ron",
            "b-mislabel-hemolysis.ron",
            "c-qc-shift.ron",
            "d-critical-calls-spill.ron",
            "e-qc-shift-random.ron",
            "f-outpatient-labels.ron"
        ]
    );
    for name in &names {
        let s = load(name);
        assert!(!s.meta.objectives.is_empty(), "{name}");
        assert_eq!(s.rubric.weights.values().sum::<u32>(), 100, "{name}");
    }
}

#[test]
fn a_is_a_clean_routine_run() {
    let s = load("a-morning-chemistry.ron");
    assert_eq!(s.meta.tier, Tier::Junior);
    for sp in &s.specimens {
        let label = sp.label.as_ref().unwrap_or_else(|| panic!("{} unlabeled", sp.id));
        let patient = s.patients.iter().find(|p| p.mrn == sp.patient).unwrap_or_else(|| panic!("{}", sp.id));
        assert_eq!(label.mrn.as_deref(), Some(patient.mrn.as_str()), "{}", sp.id);
        assert_eq!(
            label.name.as_deref().map(str::to_lowercase),
            Some(patient.name.to_lowercase()),
            "{}",
            sp.id
        );
        assert_eq!(sp.hemolysis_index, 0, "{}", sp.id);
        assert!(!sp.clotted && !sp.leaking, "{}", sp.id);
        // No value in a routine tutorial is critical.
        for (test, value) in &sp.values {
            let Some(limits) = s.policy.critical(test) else { continue };
            let (lo, hi) = match *value {
                RawTrueValue::Exact(v) => (v, v),
                RawTrueValue::Between(lo, hi) => (lo, hi),
            };
            for v in [lo, hi] {
                assert!(!limits.low.is_some_and(|l| l.breached_by(v)), "{} {test}", sp.id);
                assert!(!limits.high.is_some_and(|l| l.breached_by(v)), "{} {test}", sp.id);
            }
        }
    }
    assert!(s.events.iter().any(|e| matches!(e.fault, RawFault::CoffeeOffered)));
}

#[test]
fn b_hides_a_mislabel_a_hemolyzed_potassium_and_a_single_identifier() {
    let s = load("b-mislabel-hemolysis.ron");
    let mislabeled = specimen(&s, "S02");
    let label_mrn = mislabeled.label.as_ref().and_then(|l| l.mrn.clone());
    assert_ne!(label_mrn.as_deref(), Some(mislabeled.patient.as_str()));
    // The label's MRN belongs to another real patient, whose delta check it would fail.
    let other = s
        .patients
        .iter()
        .find(|p| Some(p.mrn.as_str()) == label_mrn.as_deref())
        .expect("a real other patient");
    let previous = other.previous.iter().find(|r| r.test == "CREA").expect("previous creatinine");
    assert!((exact(mislabeled, "CREA") - previous.value).abs() / previous.value > 0.5);

    let hemolyzed = specimen(&s, "S03");
    let limit = s.policy.test("K").and_then(|t| t.hemolysis.as_ref()).expect("K hemolysis limit");
    assert!(hemolyzed.hemolysis_index >= limit.limit_index);

    let single = specimen(&s, "S05");
    let label = single.label.as_ref().expect("labeled");
    assert!(label.mrn.is_none() && label.dob.is_none() && label.name.is_some());
}

#[test]
fn c_shifts_glucose_qc_past_2_2s_from_the_first_run() {
    let s = load("c-qc-shift.ron");
    let shift = s.events.iter().find_map(|e| match &e.fault {
        RawFault::QcShift { analyzer, test, sd, spread, .. } if analyzer == "chem1" && test == "GLU" => {
            Some((e.at, *sd - 3.0 * spread, *sd + 3.0 * spread))
        }
        _ => None,
    });
    let (at, low, high) = shift.expect("a glucose QC shift");
    assert_eq!(at, SimTime::ZERO);
    // Within 3 scatter SDs (99.7%) of the shifted mean, controls sit between 2 and 3 SD: 2-2s, not 1-3s.
    assert!(low > 2.0 && high < 3.0, "controls would land in ({low}, {high})");
    assert!(s.specimens.iter().filter(|sp| sp.tests.iter().any(|t| t == "GLU")).count() >= 3);
}

#[test]
fn d_has_a_true_critical_potassium_a_critical_inr_an_unreachable_doctor_and_a_spill() {
    let s = load("d-critical-calls-spill.ron");
    let k = specimen(&s, "S02");
    assert_eq!(k.priority, Priority::Stat);
    assert_eq!(k.hemolysis_index, 0, "a hemolyzed potassium would not be a true critical");
    let k_limits = s.policy.critical("K").expect("K on the critical list");
    assert!(k_limits.high.is_some_and(|l| l.breached_by(exact(k, "K"))));

    let inr = specimen(&s, "S04");
    let inr_limits = s.policy.critical("INR").expect("INR on the critical list");
    assert!(inr_limits.high.is_some_and(|l| l.breached_by(exact(inr, "INR"))));
    assert!(inr.fill_pct >= s.policy.pack.rejection.citrate_min_fill_pct);

    let caregiver_of_inr = &s.patients.iter().find(|p| p.mrn == inr.patient).expect("patient").caregiver;
    let escalate = i64::from(s.policy.pack.critical_call.escalate_after_min) * 60;
    assert!(s.events.iter().any(|e| matches!(&e.fault,
        RawFault::CaregiverUnreachable { caregiver, minutes: Some(m) }
            if caregiver == caregiver_of_inr && i64::from(*m) * 60 > escalate)));
    assert!(s.events.iter().any(|e| matches!(e.fault, RawFault::Spill { .. })));
}

#[test]
fn e_is_settled_by_its_seed_and_only_by_it() {
    use labshift_core::preview::answer_key;
    use labshift_core::random::{draw, resolve};
    use std::sync::Arc;
    let e = Arc::new(load("e-qc-shift-random.ron"));
    assert!(e.randomizes());
    let mut picked = std::collections::BTreeSet::new();
    let mut spills = std::collections::BTreeSet::new();
    for seed in 0..40 {
        let (settled, picks) = draw(&e, seed);
        assert!(!settled.randomizes(), "seed {seed} left something to chance");
        assert_eq!(settled.hash, e.hash, "the settled shift keeps the file's hash");
        assert_eq!(picks.len(), 1);
        assert_eq!(picks[0].len(), 1);
        let hemolyzed: Vec<&str> =
            settled.specimens.iter().filter(|s| s.hemolysis_index == 4).map(|s| s.id.as_str()).collect();
        assert_eq!(hemolyzed, [picks[0][0].as_str()], "seed {seed}");
        picked.insert(picks[0][0].clone());
        for event in &settled.events {
            match &event.fault {
                RawFault::QcShift { sd, sd_max, .. } => {
                    assert!((2.2..=2.8).contains(sd), "seed {seed}: {sd} SD");
                    assert!(sd_max.is_none());
                }
                RawFault::Spill { .. } => {
                    assert!(event.at >= SimTime::from_minutes(30) && event.at <= SimTime::from_minutes(60));
                    assert_eq!(event.at.0 % 60, 0, "a whole minute");
                    spills.insert(event.at);
                }
                other => panic!("unexpected {other:?}"),
            }
        }
        // Same seed, same shift; the answer key too.
        assert_eq!(resolve(&e, seed).events.len(), settled.events.len());
        assert_eq!(answer_key(&e, seed), answer_key(&e, seed));
    }
    assert_eq!(picked.len(), 3, "every candidate is picked by some seed: {picked:?}");
    assert!(spills.len() > 5, "the spill time varies: {spills:?}");
    assert_ne!(answer_key(&e, 7), answer_key(&e, 8));
}

#[test]
fn a_scenario_without_chance_plays_as_written() {
    use labshift_core::random::resolve;
    let c = load("c-qc-shift.ron");
    assert!(!c.randomizes());
    let settled = resolve(&c, 99);
    assert_eq!(ron::to_string(&settled).unwrap_or_default(), ron::to_string(&c).unwrap_or_default());
}

/// Ending a shift before its work has arrived is no clean shift: every
/// specimen due before the time limit and never dealt with is unfinished,
/// as when the time runs out.
#[test]
fn ending_the_shift_at_its_start_leaves_every_specimen_unfinished() {
    use labshift_core::action::{Action, Mode};
    use labshift_core::report::Report;
    use labshift_core::session::Session;
    for name in ["a-morning-chemistry.ron", "d-critical-calls-spill.ron"] {
        let scenario = std::sync::Arc::new(load(name));
        let mut session = Session::new(&scenario, 1);
        let at = SimTime(60);
        assert!(session.apply(Action::EndShift, at).is_ok(), "{name}");
        let due = scenario.specimens.iter().filter(|s| s.arrives <= scenario.meta.time_limit).count();
        let unfinished: Vec<&str> = session
            .findings()
            .iter()
            .filter(|f| f.rule == "ID-UNDECIDED")
            .map(|f| f.subject.as_str())
            .collect();
        assert_eq!(unfinished.len(), due, "{name}: {unfinished:?}");
        assert!(scenario.specimens.iter().any(|s| s.arrives > at), "{name}: the test needs a later arrival");
        let report = Report::new(&session, "test", Mode::Practice);
        let identification = report.categories.iter().find(|c| c.category == Category::Identification);
        assert_eq!(identification.map(|c| c.score), Some(0), "{name}");
        // None of the shift's work was done: it scores nothing and fails.
        assert_eq!((report.completion.done, report.overall, report.passed), (0, 0.0, false), "{name}");
        assert!(report.completion.total > due, "{name}: the work is more than the decisions");
    }
}

/// Hemoglobin is flagged against the charted patient's own interval: 12.1
/// g/dL is within a woman's (12.0–15.5) and low for a man (13.5–17.5).
#[test]
fn hemoglobin_is_flagged_against_the_patients_sex() {
    let scenario = load("a-morning-chemistry.ron");
    let path = scenarios_dir().join("reference/a-morning-chemistry.log.ron");
    let text = std::fs::read_to_string(&path).expect("reference log");
    let log = labshift_core::log::SessionLog::parse("a", &text).expect("parses");
    let hgb_low = |sex: labshift_core::raw::Sex| {
        let mut scenario = scenario.clone();
        let patient = scenario.patients.iter_mut().find(|p| p.mrn == "101502").expect("Okonkwo");
        patient.sex = Some(sex);
        let scenario = std::sync::Arc::new(scenario);
        let mut session = labshift_core::session::Session::new(&scenario, log.header.seed);
        for e in &log.actions {
            let at = labshift_core::time::ClockTime::parse(&e.at).expect("time").since(scenario.meta.start);
            session.apply(e.action.clone(), at).expect("the reference replays");
        }
        let view = session.specimen_view("S03").expect("S03");
        view.results.iter().find(|r| r.test == "HGB").map(|r| r.flags.low).expect("an HGB result")
    };
    assert!(!hgb_low(labshift_core::raw::Sex::Female));
    assert!(hgb_low(labshift_core::raw::Sex::Male));
}

#[test]
fn an_alias_is_one_tests_other_name_never_a_code_nor_shared() {
    let pack = std::fs::read_to_string(scenarios_dir().join("policies/us-default.ron")).unwrap_or_default();
    let bad = pack.replacen(r#"aliases: ["PTT"]"#, r#"aliases: ["PTT", "INR", "PT"]"#, 1);
    assert_ne!(bad, pack, "the APTT's aliases are in the pack");
    let loaded = labshift_core::load::policy_from_str("pack.ron", &bad);
    let errors: Vec<String> =
        loaded.diagnostics.iter().filter(|d| d.is_error()).map(|d| d.message.clone()).collect();
    assert_eq!(
        errors,
        ["alias `INR` of `APTT` is the code of test `INR`", "alias `PT` is given to both `INR` and `APTT`"],
    );
    assert!(labshift_core::load::policy_from_str("pack.ron", &pack).value.is_some());
}

#[test]
fn a_pack_whose_handling_table_is_wrong_is_refused_where_it_is_wrong() {
    let pack = std::fs::read_to_string(scenarios_dir().join("policies/us-default.ron")).unwrap_or_default();
    let bad = pack
        .replace("(test: \"APTT\", within_min: 240,", "(test: \"PTTX\", within_min: 240,")
        .replace("(test: \"INR\", within_min: 1440,", "(test: \"INR\", within_min: 0,")
        .replace("(code: \"GAST\", name: \"Gastrin\"", "(code: \"CA\", name: \"Gastrin\"");
    let loaded = labshift_core::load::policy_from_str("pack.ron", &bad);
    let errors: Vec<String> = loaded
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| format!("{}:{}: {}", d.line, d.column, d.message))
        .collect();
    let line = |needle: &str| bad.lines().position(|l| l.contains(needle)).map_or(0, |i| i + 1);
    assert_eq!(
        errors,
        [
            format!(
                "{}:20: `CA` is a test this lab runs itself, not a send-out",
                line("(code: \"CA\", name: \"Gastrin\"")
            ),
            format!(
                "{}:39: an add-on allowed for 0 minutes is never allowed",
                line("(test: \"INR\", within_min: 0,")
            ),
            format!("{}:20: unknown test `PTTX`", line("(test: \"PTTX\"")),
        ]
    );
}

#[test]
fn a_pack_whose_label_does_not_fit_its_tube_is_refused() {
    let pack = std::fs::read_to_string(scenarios_dir().join("policies/us-default.ron")).unwrap_or_default();
    assert!(pack.contains("tube_length_mm: 100,"), "the pack's labeling table");
    let bad = pack.replace("tube_length_mm: 100,", "tube_length_mm: 60,");
    let loaded = labshift_core::load::policy_from_str("pack.ron", &bad);
    let errors: Vec<&str> =
        loaded.diagnostics.iter().filter(|d| d.is_error()).map(|d| d.message.as_str()).collect();
    assert_eq!(
        errors,
        [
            "a 51 mm label does not fit a 60 mm tube's reader zone (10 mm below the top, 9 mm above the bottom)"
        ]
    );
}
