//! The engine on a test lab (`tests/engine/lab.ron`): every rejection
//! criterion, critical calls on time, late, escalated and unread, QC release
//! rules, and consequences that carry forward.

use std::sync::Arc;

use labshift_core::action::{Action, Corrective, Mode, RejectReason};
use labshift_core::load::{MemoryFiles, load_scenario};
use labshift_core::log::SessionLog;
use labshift_core::model::Scenario;
use labshift_core::raw::{Ppe, RawFault};
use labshift_core::report::Report;
use labshift_core::rules::FindingSeverity;
use labshift_core::session::{Event, Session};
use labshift_core::time::SimTime;

fn lab(events: &str) -> Arc<Scenario> {
    lab_with(events, 180)
}

/// The test lab with its middleware on: results its rules pass are released
/// by it.
fn lab_autoverifying() -> Arc<Scenario> {
    lab_from("", 180, true)
}

fn lab_with(events: &str, time_limit_min: u32) -> Arc<Scenario> {
    lab_from(events, time_limit_min, false)
}

fn lab_from(events: &str, time_limit_min: u32, autoverification: bool) -> Arc<Scenario> {
    let root = std::path::PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("run by cargo"));
    let text = std::fs::read_to_string(root.join("tests/engine/lab.ron")).unwrap_or_default();
    let policy =
        std::fs::read_to_string(root.join("../../scenarios/policies/us-default.ron")).unwrap_or_default();
    let files = MemoryFiles::default()
        .with(
            "lab/lab.ron",
            &text
                .replace("events: [],", &format!("events: [{events}],"))
                .replace("time_limit_min: 180", &format!("time_limit_min: {time_limit_min}"))
                .replace("autoverification: false", &format!("autoverification: {autoverification}")),
        )
        .with("lab/policies/us-default.ron", &policy);
    let loaded = load_scenario("lab/lab.ron", &files);
    let messages: Vec<String> = loaded.diagnostics.iter().map(ToString::to_string).collect();
    Arc::new(loaded.value.unwrap_or_else(|| panic!("test lab invalid:\n{}", messages.join("\n"))))
}

/// Drives a session one action every 20 seconds, like a brisk technician.
struct Bench {
    session: Session,
    t: i64,
}

impl Bench {
    fn new(scenario: &Arc<Scenario>) -> Bench {
        Bench { session: Session::new(scenario, 7), t: 300 }
    }

    fn at(&mut self, minutes: i64) -> &mut Bench {
        self.t = self.t.max(minutes * 60);
        self
    }

    fn act(&mut self, action: Action) -> Vec<Event> {
        let what = format!("{action:?}");
        let events = self
            .session
            .apply(action, SimTime(self.t))
            .unwrap_or_else(|e| panic!("{what} at {}s: {e}", self.t));
        self.t += 20;
        events
    }

    fn refused(&mut self, action: Action) -> String {
        match self.session.apply(action, SimTime(self.t)) {
            Ok(events) => panic!("accepted: {events:?}"),
            Err(e) => e.0,
        }
    }

    fn gloves_on(&mut self) {
        for p in [Ppe::Coat, Ppe::FaceShield, Ppe::Gloves] {
            if !self.session.wearing().contains(&p) {
                self.act(Action::PutOn(p));
            }
        }
    }

    fn gloves_off(&mut self) {
        if self.session.wearing().contains(&Ppe::Gloves) {
            self.act(Action::TakeOff(Ppe::Gloves));
            self.act(Action::WashHands);
        }
    }

    /// Runs and accepts both levels of QC (rerunning until a run passes).
    fn qc(&mut self, analyzer: &str, test: &str) {
        self.gloves_on();
        for _ in 0..5 {
            self.until_free(analyzer, test);
            for level in [1, 2] {
                self.act(Action::RunControl { analyzer: analyzer.into(), test: test.into(), level });
            }
            let verdict = self.session.qc_verdict(analyzer, test).map(|v| v.decision);
            if verdict == Some(labshift_core::westgard::Decision::Reject) {
                self.act(Action::RejectQc {
                    analyzer: analyzer.into(),
                    test: test.into(),
                    rule: "1-3s".into(),
                });
                self.act(Action::CorrectiveAction {
                    analyzer: analyzer.into(),
                    test: test.into(),
                    action: Corrective::Maintenance,
                });
                continue;
            }
            self.act(Action::AcceptQc { analyzer: analyzer.into(), test: test.into() });
            return;
        }
        panic!("QC for {test} never passed");
    }

    /// Lets the clock run while a corrective action keeps the test out of use.
    fn until_free(&mut self, analyzer: &str, test: &str) {
        if let Some(until) = self.session.qc_view(analyzer, test).and_then(|q| q.busy_until) {
            self.t = self.t.max(until.0);
        }
    }

    /// Receives, accepts, spins and runs a specimen, and waits for its results.
    fn process(&mut self, specimen: &str, analyzer: &str) -> Vec<Event> {
        self.prepare(specimen);
        self.run(specimen, analyzer)
    }

    /// Runs a specimen and waits until the analyzer gives its results: the
    /// events of the run and of the wait.
    fn run(&mut self, specimen: &str, analyzer: &str) -> Vec<Event> {
        let mut events = self.act(Action::RunTests { specimen: specimen.into(), analyzer: analyzer.into() });
        events.extend(self.wait_for(specimen));
        events
    }

    /// Lets the clock run until every result of the specimen is ready.
    fn wait_for(&mut self, specimen: &str) -> Vec<Event> {
        let view = self.session.specimen_view(specimen);
        let until = view.iter().flat_map(|v| &v.results).map(|r| r.ready_at.0).max();
        match until {
            Some(t) if t > self.session.now().0 => {
                self.t = self.t.max(t);
                self.act(Action::Wait)
            }
            _ => Vec::new(),
        }
    }

    /// Receives and accepts a specimen, and spins it if it needs spinning.
    fn prepare(&mut self, specimen: &str) {
        self.gloves_on();
        self.act(Action::Receive { specimen: specimen.into() });
        self.act(Action::CompareLabel { specimen: specimen.into() });
        self.act(Action::Accept { specimen: specimen.into() });
        if self.session.specimen_view(specimen).is_some_and(|v| v.needs_centrifuge) {
            self.spin(specimen);
        }
    }

    /// Spins one accepted specimen, balanced, and takes it out when the rotor stops.
    fn spin(&mut self, specimen: &str) {
        self.act(Action::LoadCentrifuge { specimen: specimen.into() });
        self.act(Action::AddBalanceTube);
        self.act(Action::StartCentrifuge);
        self.t += 600;
        self.act(Action::OpenCentrifuge);
    }

    fn end(&mut self) -> Report {
        self.gloves_off();
        self.act(Action::DisposeBiohazard);
        self.act(Action::EndShift);
        Report::new(&self.session, "test", Mode::Assessment)
    }

    fn rules(&self) -> Vec<(String, FindingSeverity)> {
        self.session.findings().iter().map(|f| (f.rule.to_owned(), f.severity)).collect()
    }

    /// The rules of a report's critical findings, in order.
    fn critical_rules(report: &Report) -> Vec<String> {
        report
            .findings
            .iter()
            .filter(|f| f.finding.severity == FindingSeverity::Critical)
            .map(|f| f.finding.rule.to_owned())
            .collect()
    }

    fn has(&self, rule: &str) -> bool {
        self.session.findings().iter().any(|f| f.rule == rule)
    }
}

#[test]
fn every_rejection_criterion_is_detected_and_accepting_it_is_a_finding() {
    let scenario = lab("");
    let cases = [
        ("UNLABELED", RejectReason::Unlabeled, "ID-UNLABELED", FindingSeverity::Critical),
        ("MISLABELED", RejectReason::Mislabeled, "ID-MISLABELED", FindingSeverity::Critical),
        ("ONE-ID", RejectReason::InsufficientIdentifiers, "ID-TWO-IDENTIFIERS", FindingSeverity::Critical),
        ("NO-TIME", RejectReason::NoCollectionTime, "ID-NO-COLLECTION-TIME", FindingSeverity::Major),
        ("WRONG-TUBE", RejectReason::WrongTube, "PROC-WRONG-TUBE", FindingSeverity::Major),
        ("CLOTTED", RejectReason::Clotted, "PROC-CLOTTED", FindingSeverity::Major),
        ("SHORT", RejectReason::QuantityNotSufficient, "PROC-UNDERFILLED", FindingSeverity::Major),
        ("DELAYED", RejectReason::DelayedTransport, "PROC-DELAYED", FindingSeverity::Major),
        ("WARM", RejectReason::WrongTemperature, "PROC-TEMPERATURE", FindingSeverity::Major),
        ("LEAKING", RejectReason::Leaking, "PROC-LEAKING", FindingSeverity::Major),
    ];
    for (specimen, reason, rule, severity) in cases {
        let session = Session::new(&scenario, 1);
        assert_eq!(session.defects(specimen), [reason], "{specimen}");

        // Accepting it, label compared, is a finding under its rule.
        let mut bench = Bench::new(&scenario);
        bench.gloves_on();
        bench.act(Action::Receive { specimen: specimen.into() });
        bench.act(Action::CompareLabel { specimen: specimen.into() });
        bench.act(Action::Accept { specimen: specimen.into() });
        assert_eq!(bench.rules(), [(rule.to_owned(), severity)], "{specimen}");

        // Rejecting it for that reason is right; for another reason, a minor finding.
        let mut bench = Bench::new(&scenario);
        bench.gloves_on();
        bench.act(Action::Receive { specimen: specimen.into() });
        bench.act(Action::Reject { specimen: specimen.into(), reason });
        assert!(bench.rules().is_empty(), "{specimen}: {:?}", bench.rules());
        let other =
            if reason == RejectReason::Leaking { RejectReason::Clotted } else { RejectReason::Leaking };
        let mut bench = Bench::new(&scenario);
        bench.gloves_on();
        bench.act(Action::Receive { specimen: specimen.into() });
        bench.act(Action::Reject { specimen: specimen.into(), reason: other });
        assert!(bench.has("ID-WRONG-REASON"), "{specimen}");
    }
    // A good specimen has no defect, and rejecting it is a finding.
    let mut bench = Bench::new(&scenario);
    assert!(bench.session.defects("GOOD").is_empty());
    bench.gloves_on();
    bench.act(Action::Receive { specimen: "GOOD".into() });
    bench.act(Action::Reject { specimen: "GOOD".into(), reason: RejectReason::Hemolyzed });
    assert!(bench.has("ID-GOOD-REJECTED"));
}

/// Runs CRIT-K to a result and returns the bench, gloves off at the phone.
fn critical_potassium(events: &str) -> Bench {
    let scenario = lab(events);
    let mut bench = Bench::new(&scenario);
    bench.qc("chem1", "K");
    let events = bench.process("CRIT-K", "chem1");
    let critical = events.iter().any(|e| matches!(e, Event::ResultReady { flags, .. } if flags.critical));
    assert!(critical, "{events:?}");
    bench.gloves_off();
    bench.act(Action::Review { specimen: "CRIT-K".into(), test: "K".into() });
    bench
}

fn call(bench: &mut Bench, caregiver: &str) -> bool {
    let events = bench.act(Action::CallCaregiver {
        specimen: "CRIT-K".into(),
        test: "K".into(),
        caregiver: caregiver.into(),
    });
    events.iter().any(|e| matches!(e, Event::CallAnswered { .. }))
}

fn complete(bench: &mut Bench, name: &str, credentials: &str) {
    bench.act(Action::ConfirmReadBack { specimen: "CRIT-K".into(), test: "K".into() });
    bench.act(Action::DocumentCall {
        specimen: "CRIT-K".into(),
        test: "K".into(),
        name: name.into(),
        credentials: credentials.into(),
    });
    bench.act(Action::Release { specimen: "CRIT-K".into(), test: "K".into() });
}

fn critical_communication_findings(bench: &Bench) -> Vec<String> {
    bench
        .session
        .findings()
        .iter()
        .filter(|f| f.rule.starts_with("CRIT-"))
        .map(|f| f.rule.to_owned())
        .collect()
}

#[test]
fn a_critical_called_on_time_with_read_back_scores_full_marks() {
    let mut bench = critical_potassium("");
    assert!(call(&mut bench, "dr-b"));
    complete(&mut bench, "Dr. Ben Bell", "MD");
    let report = bench.end();
    assert!(critical_communication_findings(&bench).is_empty(), "{:?}", bench.rules());
    assert!(bench.has("GP-VERIFIED-BEFORE-CALL"));
    let call = &report.critical_calls[0];
    assert_eq!((call.specimen.as_str(), call.caregiver.as_deref()), ("CRIT-K", Some("dr-b")));
    assert!(call.minutes.is_some_and(|m| m <= 30), "{call:?}");
}

#[test]
fn a_critical_called_after_the_deadline_is_late() {
    let mut bench = critical_potassium("");
    bench.t += 31 * 60;
    assert!(call(&mut bench, "dr-b"));
    complete(&mut bench, "Dr. Ben Bell", "MD");
    bench.end();
    assert_eq!(critical_communication_findings(&bench), ["CRIT-LATE"]);
}

#[test]
fn an_unreachable_caregiver_is_escalated_past() {
    let mut bench =
        critical_potassium(r#"(at: "08:00", fault: CaregiverUnreachable(caregiver: "dr-b", minutes: 60))"#);
    assert!(!call(&mut bench, "dr-b"), "dr-b is unreachable");
    assert!(call(&mut bench, "dr-a"), "escalated to dr-a");
    complete(&mut bench, "Dr. Ada Amos", "MD");
    bench.end();
    assert!(critical_communication_findings(&bench).is_empty(), "{:?}", bench.rules());
}

#[test]
fn waiting_for_an_unreachable_caregiver_instead_of_escalating_is_a_finding() {
    let mut bench =
        critical_potassium(r#"(at: "08:30", fault: CaregiverUnreachable(caregiver: "dr-b", minutes: 25))"#);
    assert!(!call(&mut bench, "dr-b"));
    bench.t += 24 * 60;
    assert!(call(&mut bench, "dr-b"), "dr-b answers after 25 minutes");
    complete(&mut bench, "Dr. Ben Bell", "MD");
    bench.end();
    assert_eq!(critical_communication_findings(&bench), ["CRIT-NOT-ESCALATED"]);
}

#[test]
fn a_critical_without_read_back_fails_the_attempt() {
    let mut bench = critical_potassium("");
    assert!(call(&mut bench, "dr-b"));
    bench.act(Action::DocumentCall {
        specimen: "CRIT-K".into(),
        test: "K".into(),
        name: "Dr. Ben Bell".into(),
        credentials: "MD".into(),
    });
    bench.act(Action::Release { specimen: "CRIT-K".into(), test: "K".into() });
    let report = bench.end();
    assert_eq!(critical_communication_findings(&bench), ["CRIT-NO-READ-BACK"]);
    assert!(!report.passed);
    assert_eq!(report.critical_errors, 1);
}

#[test]
fn a_critical_never_called_and_one_given_to_a_clerk() {
    let mut bench = critical_potassium("");
    bench.act(Action::Release { specimen: "CRIT-K".into(), test: "K".into() });
    bench.end();
    assert_eq!(critical_communication_findings(&bench), ["CRIT-NOT-CALLED"]);

    let mut bench = critical_potassium("");
    assert!(call(&mut bench, "clerk"), "the clerk picks up");
    assert!(
        bench
            .refused(Action::ConfirmReadBack { specimen: "CRIT-K".into(), test: "K".into() })
            .contains("was answered by Cal Clerk (Unit clerk), who may not receive a critical result"),
        "the refusal says what happened on the phone"
    );
    bench.end();
    assert_eq!(critical_communication_findings(&bench), ["CRIT-WRONG-RECIPIENT", "CRIT-NOT-CALLED"]);
}

#[test]
fn releasing_after_a_qc_rejection_or_without_qc_is_critical() {
    let scenario =
        lab(r#"(at: "08:00", fault: QcShift(analyzer: "chem1", test: "K", sd: 2.5, spread: 0.1))"#);
    let mut bench = Bench::new(&scenario);
    bench.gloves_on();
    for level in [1, 2] {
        bench.act(Action::RunControl { analyzer: "chem1".into(), test: "K".into(), level });
    }
    let verdict = bench.session.qc_verdict("chem1", "K").map(|v| v.violations);
    assert_eq!(verdict, Some(vec!["2-2s".to_owned()]));
    bench.act(Action::RejectQc { analyzer: "chem1".into(), test: "K".into(), rule: "2-2s".into() });
    bench.process("GOOD", "chem1");
    bench.gloves_off();
    bench.act(Action::Release { specimen: "GOOD".into(), test: "K".into() });
    bench.act(Action::Release { specimen: "GOOD".into(), test: "NA".into() });
    let report = bench.end();
    let critical = Bench::critical_rules(&report);
    // K measured under a rejected run; NA never had QC at all: each is
    // also a wrong result on the patient's chart.
    assert_eq!(critical, ["QC-RELEASED-AFTER-REJECT", "REP-WRONG-RESULT", "QC-NOT-RUN", "REP-WRONG-RESULT"]);
    assert!(bench.has("QC-NO-LOOKBACK"));
}

#[test]
fn a_qc_rejection_naming_the_wrong_rule_or_a_false_rejection_are_minor() {
    let scenario =
        lab(r#"(at: "08:00", fault: QcShift(analyzer: "chem1", test: "K", sd: 2.5, spread: 0.1))"#);
    let mut bench = Bench::new(&scenario);
    bench.gloves_on();
    for level in [1, 2] {
        bench.act(Action::RunControl { analyzer: "chem1".into(), test: "K".into(), level });
    }
    bench.act(Action::RejectQc { analyzer: "chem1".into(), test: "K".into(), rule: "R-4s".into() });
    assert!(bench.has("QC-WRONG-RULE"));
    // Rerunning without a correction is a blind repeat.
    bench.act(Action::RunControl { analyzer: "chem1".into(), test: "K".into(), level: 1 });
    assert!(bench.has("QC-BLIND-REPEAT"));

    let mut bench = Bench::new(&lab(""));
    bench.qc("chem1", "NA");
    assert!(!bench.has("QC-FALSE-REJECT"));
    for level in [1, 2] {
        bench.act(Action::RunControl { analyzer: "chem1".into(), test: "GLU".into(), level });
    }
    if bench
        .session
        .qc_verdict("chem1", "GLU")
        .is_some_and(|v| v.decision != labshift_core::westgard::Decision::Reject)
    {
        bench.act(Action::RejectQc { analyzer: "chem1".into(), test: "GLU".into(), rule: "1-3s".into() });
        assert!(bench.has("QC-FALSE-REJECT"));
    }
}

#[test]
fn an_accepted_mislabel_reaches_the_wrong_chart_and_fails_its_delta_check() {
    let scenario = lab("");
    let mut bench = Bench::new(&scenario);
    bench.qc("chem1", "CREA");
    let events = bench.process("MISLABELED", "chem1");
    let delta = events.iter().any(|e| matches!(e, Event::ResultReady { flags, .. } if flags.delta_failed));
    assert!(delta, "creatinine 2.4 against the labeled patient's 0.7: {events:?}");
    bench.gloves_off();
    bench.act(Action::Release { specimen: "MISLABELED".into(), test: "CREA".into() });
    bench.end();
    for rule in ["ID-MISLABELED", "REP-WRONG-PATIENT", "AN-DELTA-IGNORED"] {
        assert!(bench.has(rule), "{rule}: {:?}", bench.rules());
    }
}

#[test]
fn hemolysis_raises_potassium() {
    let scenario = lab("");
    let mut bench = Bench::new(&scenario);
    bench.qc("chem1", "K");
    let value = |events: &[Event]| {
        events.iter().find_map(|e| match e {
            Event::ResultReady { test, value, .. } if test == "K" => Some(*value),
            _ => None,
        })
    };
    let clean = value(&bench.process("GOOD", "chem1")).unwrap_or(f64::NAN);
    let hemolyzed = value(&bench.process("HI-K", "chem1")).unwrap_or(f64::NAN);
    // Both truly 4.0; HI 2 adds 2 × 0.15 mmol/L.
    assert!((clean - 4.0).abs() < 0.2, "{clean}");
    assert!((hemolyzed - 4.3).abs() < 0.2, "{hemolyzed}");
}

#[test]
fn an_unbalanced_centrifuge_breaks_a_tube_and_spills() {
    let scenario = lab("");
    let mut bench = Bench::new(&scenario);
    bench.gloves_on();
    bench.act(Action::Receive { specimen: "GOOD".into() });
    bench.act(Action::Accept { specimen: "GOOD".into() });
    bench.act(Action::LoadCentrifuge { specimen: "GOOD".into() });
    let events = bench.act(Action::StartCentrifuge);
    assert!(
        events.iter().any(|e| matches!(e, Event::TubeBroke { specimen } if specimen == "GOOD")),
        "{events:?}"
    );
    assert!(bench.has("SAF-CENTRIFUGE"));
    assert_eq!(bench.session.spills().len(), 1);
    // The lid stays locked while the rotor turns.
    assert!(bench.refused(Action::OpenCentrifuge).contains("locked"));
    assert!(bench.session.specimen_view("GOOD").is_some_and(|v| v.broken));
}

#[test]
fn a_spill_needs_the_policy_dilution_and_contact_time() {
    let scenario = lab(r#"(at: "08:10", fault: Spill(area: Processing, volume_ml: 10))"#);
    let mut bench = Bench::new(&scenario);
    bench.at(10);
    bench.gloves_on();
    bench.act(Action::CleanSpill { dilution_one_in: 10 });
    bench.t += 5 * 60;
    bench.act(Action::FinishSpill);
    assert!(bench.has("SAF-SPILL"), "wiped after 5 of 10 minutes");

    let mut bench = Bench::new(&scenario);
    bench.at(10);
    bench.gloves_on();
    bench.act(Action::CleanSpill { dilution_one_in: 10 });
    bench.t += 10 * 60;
    bench.act(Action::FinishSpill);
    bench.act(Action::DisposeSharps);
    bench.end();
    assert!(
        !bench.has("SAF-SPILL") && !bench.has("SAF-SHARPS") && !bench.has("SAF-BIOHAZARD"),
        "{:?}",
        bench.rules()
    );
}

#[test]
fn a_reagent_that_runs_out_stops_the_test() {
    let scenario = lab("");
    let mut bench = Bench::new(&scenario);
    bench.qc("chem1", "NA");
    bench.qc("chem1", "K");
    // Three NA tests on board: two used by QC, one by the patient.
    let events = bench.process("GOOD", "chem1");
    assert!(events.iter().any(|e| matches!(e, Event::ResultReady { test, .. } if test == "NA")));
    let refused = bench.refused(Action::RunControl { analyzer: "chem1".into(), test: "NA".into(), level: 1 });
    assert!(refused.contains("no NA reagent"), "{refused}");
    bench.act(Action::LoadReagent { analyzer: "chem1".into(), test: "NA".into() });
    // Loading the new lot takes the pack's 5 minutes.
    let refused = bench.refused(Action::RunControl { analyzer: "chem1".into(), test: "NA".into(), level: 1 });
    assert!(refused.contains("under way"), "{refused}");
    bench.until_free("chem1", "NA");
    bench.act(Action::RunControl { analyzer: "chem1".into(), test: "NA".into(), level: 1 });
}

#[test]
fn safety_lapses_are_found() {
    let scenario = lab("");
    let mut bench = Bench::new(&scenario);
    bench.act(Action::Receive { specimen: "GOOD".into() });
    assert!(bench.has("SAF-GLOVES"), "receiving a specimen bare-handed");
    bench.gloves_on();
    bench.act(Action::Reject { specimen: "GOOD".into(), reason: RejectReason::Leaking });
    // Gloves at the phone, then gloves off without washing.
    bench.act(Action::RequestRecollection { specimen: "GOOD".into() });
    assert!(bench.has("SAF-PPE-CLEAN-AREA"));
    bench.act(Action::TakeOff(Ppe::Gloves));
    bench.act(Action::PutOn(Ppe::Gloves));
    assert!(bench.has("SAF-HAND-HYGIENE"));
    bench.act(Action::EatOrDrink);
    bench.act(Action::RecapNeedle);
    bench.act(Action::TakeOff(Ppe::Gloves));
    bench.act(Action::WashHands);
    bench.act(Action::EndShift);
    let report = Report::new(&bench.session, "test", Mode::Practice);
    let critical = Bench::critical_rules(&report);
    // Gloves are critical in the US pack.
    assert_eq!(critical, ["SAF-GLOVES", "SAF-EATING", "SAF-RECAP"]);
    // The rejected tube is kept in the rejected-specimen rack: it is no waste.
    assert!(!bench.has("SAF-BIOHAZARD"));
    assert_eq!(bench.session.pending_waste(), (0, 0));
    assert!(report.safety < 10.0, "{}", report.safety);
    assert!(!report.passed);
}

#[test]
fn impossible_actions_are_refused_not_panicked() {
    let scenario = lab("");
    let mut bench = Bench::new(&scenario);
    bench.t = 10;
    assert!(bench.refused(Action::Receive { specimen: "GOOD".into() }).contains("has not arrived"));
    bench.t = 300;
    assert!(bench.refused(Action::Receive { specimen: "NOPE".into() }).contains("no specimen"));
    assert!(bench.refused(Action::Accept { specimen: "GOOD".into() }).contains("receive GOOD first"));
    assert!(
        bench
            .refused(Action::RunTests { specimen: "GOOD".into(), analyzer: "chem1".into() })
            .contains("not an accepted")
    );
    assert!(bench.refused(Action::TakeOff(Ppe::Gloves)).contains("not wearing"));
    assert!(bench.refused(Action::OpenCentrifuge).contains("not running"));
    assert!(
        bench
            .refused(Action::Release { specimen: "GOOD".into(), test: "NA".into() })
            .contains("no NA result")
    );
    bench.t = 400;
    bench.act(Action::Wait);
    bench.t = 399;
    assert!(bench.refused(Action::Wait).contains("time goes forward only"));
    bench.t = 181 * 60;
    assert!(bench.refused(Action::Wait).contains("the shift ended at 11:00"));
    // Refused actions leave no finding behind.
    assert!(bench.rules().is_empty(), "{:?}", bench.rules());
}

#[test]
fn coagulation_qc_lasts_eight_hours() {
    // Controls at 08:05; the specimen is run at 15:55 (within 8 h) or at 16:15 (after).
    for (run_at_min, expired) in [(7 * 60 + 50, false), (8 * 60 + 10, true)] {
        let scenario = lab_with("", 600);
        let mut bench = Bench::new(&scenario);
        bench.qc("coag1", "INR");
        bench.prepare("COAG");
        bench.at(run_at_min);
        bench.run("COAG", "coag1");
        bench.gloves_off();
        bench.act(Action::Release { specimen: "COAG".into(), test: "INR".into() });
        assert_eq!(bench.has("QC-NOT-RUN"), expired, "run at +{run_at_min} min: {:?}", bench.rules());
        // Citrate plasma for INR keeps 24 h: a spin within it is not delayed.
        assert!(!bench.has("PROC-DELAYED"), "{:?}", bench.rules());
    }
}

#[test]
fn a_result_above_the_measurement_range_is_diluted_before_release() {
    let scenario = lab("");
    for dilute in [false, true] {
        let mut bench = Bench::new(&scenario);
        bench.qc("chem1", "GLU");
        let events = bench.process("HIGH-GLU", "chem1");
        let above = events.iter().any(
            |e| matches!(e, Event::ResultReady { flags, value, .. } if flags.above_amr && *value == 700.0),
        );
        assert!(above, "glucose 950 reads as >700: {events:?}");
        if dilute {
            let mut events =
                bench.act(Action::Dilute { specimen: "HIGH-GLU".into(), test: "GLU".into(), factor: 2 });
            events.extend(bench.wait_for("HIGH-GLU"));
            let value = events.iter().find_map(|e| match e {
                Event::ResultReady { value, flags, .. } if !flags.above_amr => Some(*value),
                _ => None,
            });
            assert!(value.is_some_and(|v| (v - 950.0).abs() < 20.0), "{events:?}");
        }
        bench.gloves_off();
        bench.act(Action::Release { specimen: "HIGH-GLU".into(), test: "GLU".into() });
        assert_eq!(bench.has("AN-ABOVE-AMR"), !dilute, "dilute: {dilute}");
    }
}

#[test]
fn a_late_stat_is_a_timeliness_finding() {
    let scenario = lab("");
    let mut bench = Bench::new(&scenario);
    bench.qc("chem1", "GLU");
    bench.process("HIGH-GLU", "chem1");
    bench.act(Action::Dilute { specimen: "HIGH-GLU".into(), test: "GLU".into(), factor: 2 });
    bench.wait_for("HIGH-GLU");
    bench.gloves_off();
    bench.t += 61 * 60;
    bench.act(Action::Release { specimen: "HIGH-GLU".into(), test: "GLU".into() });
    let report = bench.end();
    assert!(bench.has("TIME-STAT"));
    let tat = report.stat_turnaround.iter().find(|t| t.specimen == "HIGH-GLU").and_then(|t| t.minutes);
    assert!(tat.is_some_and(|m| m > 60), "{tat:?}");
}

#[test]
fn expired_reagents_and_due_calibration_are_findings() {
    let scenario = lab("");
    let mut bench = Bench::new(&scenario);
    bench.qc("chem1", "LAC");
    bench.process("LAC-ICE", "chem1");
    assert!(bench.has("AN-EXPIRED-REAGENT"), "{:?}", bench.rules());
    bench.qc("chem1", "CREA");
    bench.process("GOOD", "chem1");
    assert!(!bench.has("AN-CALIBRATION"), "GOOD orders no creatinine");
    bench.process("MISLABELED", "chem1");
    assert!(bench.has("AN-CALIBRATION"), "{:?}", bench.rules());

    // Calibrating first, then QC, leaves nothing to find.
    let mut bench = Bench::new(&scenario);
    bench.gloves_on();
    bench.act(Action::Calibrate { analyzer: "chem1".into(), test: "CREA".into() });
    bench.act(Action::LoadReagent { analyzer: "chem1".into(), test: "LAC".into() });
    bench.qc("chem1", "CREA");
    bench.qc("chem1", "LAC");
    bench.process("LAC-ICE", "chem1");
    assert!(!bench.has("AN-EXPIRED-REAGENT") && !bench.has("AN-CALIBRATION"), "{:?}", bench.rules());
}

/// Hemolysis is seen in the serum, after the spin, and handled test by
/// test: an injected hemolysis leaves the tube acceptable at reception; spun
/// and run, its potassium is flagged and suppressed with a recollection for
/// potassium alone, while its sodium is reported.
#[test]
fn a_hemolyzed_specimen_is_accepted_spun_and_its_affected_test_suppressed() {
    let scenario = lab("");
    let hemolyzed = || {
        let mut bench = Bench::new(&scenario);
        bench.qc("chem1", "NA");
        bench.qc("chem1", "K");
        bench.gloves_on();
        bench.act(Action::Receive { specimen: "GOOD".into() });
        bench.act(Action::Inject(RawFault::Hemolysis { specimen: "GOOD".into(), index: 4 }));
        assert!(bench.session.defects("GOOD").is_empty(), "hemolysis is no reason to reject whole blood");
        bench.act(Action::CompareLabel { specimen: "GOOD".into() });
        bench.act(Action::Accept { specimen: "GOOD".into() });
        bench.spin("GOOD");
        bench.run("GOOD", "chem1");
        bench.gloves_off();
        for test in ["NA", "K"] {
            bench.act(Action::Review { specimen: "GOOD".into(), test: test.into() });
        }
        bench.act(Action::Release { specimen: "GOOD".into(), test: "NA".into() });
        bench
    };
    let flags = |bench: &Bench, test: &str| {
        bench
            .session
            .specimen_view("GOOD")
            .and_then(|v| v.results.into_iter().find(|r| r.test == test))
            .map(|r| r.flags.hemolyzed)
    };

    // As a lab does it: sodium reported, potassium suppressed and recollected.
    let mut careful = hemolyzed();
    assert_eq!((flags(&careful, "NA"), flags(&careful, "K")), (Some(false), Some(true)));
    careful.act(Action::Suppress { specimen: "GOOD".into(), test: "K".into() });
    let report = careful.end();
    // (The engine lab's other specimens are left undecided: only GOOD counts here.)
    let rules: Vec<&str> = report
        .findings
        .iter()
        .filter(|f| f.finding.subject.starts_with("GOOD"))
        .map(|f| f.finding.rule)
        .collect();
    assert!(
        !rules.iter().any(|r| r.starts_with("PROC-") || r.starts_with("REP-") || r.starts_with("ID-")),
        "{rules:?}"
    );
    assert!(!report.completion.missing.iter().any(|t| t.contains("GOOD")), "{:?}", report.completion.missing);
    assert!(
        report.critical_calls.iter().all(|c| c.specimen != "GOOD"),
        "a hemolysis-explained potassium is not called"
    );

    // Releasing the hemolyzed potassium puts a wrong result on the chart.
    let mut careless = hemolyzed();
    careless.act(Action::Release { specimen: "GOOD".into(), test: "K".into() });
    let report = careless.end();
    assert!(careless.has("PROC-HEMOLYZED"));
    assert_eq!(Bench::critical_rules(&report), ["REP-WRONG-RESULT"]);

    // A released result cannot be taken back by suppressing it.
    let mut late = hemolyzed();
    let why = late.refused(Action::Suppress { specimen: "GOOD".into(), test: "NA".into() });
    assert!(why.contains("already released"), "{why}");

    // Rejecting the tube as hemolyzed at reception judges what cannot be seen yet.
    let mut bench = Bench::new(&scenario);
    bench.gloves_on();
    bench.act(Action::Receive { specimen: "GOOD".into() });
    bench.act(Action::Inject(RawFault::Hemolysis { specimen: "GOOD".into(), index: 4 }));
    bench.act(Action::Reject { specimen: "GOOD".into(), reason: RejectReason::Hemolyzed });
    let what = bench.session.findings().iter().find(|f| f.rule == "ID-GOOD-REJECTED").map(|f| f.what.clone());
    assert!(what.is_some_and(|w| w.contains("cannot be seen in whole blood")));
    // Once decided at reception a tube no longer changes.
    let why = bench.refused(Action::Inject(RawFault::Hemolysis { specimen: "GOOD".into(), index: 2 }));
    assert!(why.contains("already decided"), "{why}");
}

/// Suppressing a result the specimen's quality does not affect is a needless recollection.
#[test]
fn suppressing_a_sound_result_is_a_finding() {
    let scenario = lab("");
    let mut bench = Bench::new(&scenario);
    bench.qc("chem1", "NA");
    bench.process("GOOD", "chem1");
    bench.gloves_off();
    bench.act(Action::Suppress { specimen: "GOOD".into(), test: "NA".into() });
    assert!(bench.has("REP-NEEDLESS-SUPPRESS"));
}

#[test]
fn an_injected_qc_shift_is_caught_by_the_next_qc_run() {
    let scenario = lab("");
    let mut bench = Bench::new(&scenario);
    bench.qc("chem1", "K");
    bench.act(Action::Inject(RawFault::QcShift {
        analyzer: "chem1".into(),
        test: "K".into(),
        sd: 3.5,
        sd_max: None,
        spread: 0.1,
    }));
    for level in [1, 2] {
        bench.act(Action::RunControl { analyzer: "chem1".into(), test: "K".into(), level });
    }
    let verdict = bench.session.qc_verdict("chem1", "K").map(|v| v.decision);
    assert_eq!(verdict, Some(labshift_core::westgard::Decision::Reject));
}

#[test]
fn injected_spills_and_unreachable_caregivers_happen_now() {
    let scenario = lab("");
    let mut bench = Bench::new(&scenario);
    let caregiver = scenario.caregivers[0].id.clone();
    bench.act(Action::Inject(RawFault::Spill { area: labshift_core::raw::Area::Reception, volume_ml: 5 }));
    assert_eq!(bench.session.spills().len(), 1);
    bench.act(Action::Inject(RawFault::CaregiverUnreachable { caregiver, minutes: Some(10) }));
    // Only the faults an instructor injects live, and only as they can happen.
    assert!(bench.refused(Action::Inject(RawFault::CoffeeOffered)).contains("cannot be injected"));
    let why = bench.refused(Action::Inject(RawFault::CaregiverUnreachable {
        caregiver: "nobody".into(),
        minutes: None,
    }));
    assert!(why.contains("nobody"), "{why}");
    let why = bench.refused(Action::Inject(RawFault::QcShift {
        analyzer: "chem1".into(),
        test: "HGB".into(),
        sd: 2.0,
        sd_max: None,
        spread: 1.0,
    }));
    assert!(why.contains("runs no QC"), "{why}");
}

#[test]
fn a_log_with_an_injected_fault_replays_in_practice_and_is_refused_in_assessment() {
    let scenario = lab("");
    let fault = Action::Inject(RawFault::Spill { area: labshift_core::raw::Area::Processing, volume_ml: 5 });
    for mode in [Mode::Practice, Mode::Assessment] {
        let mut log = SessionLog::new(&scenario, 7, "t", mode);
        log.push(&scenario, SimTime(60), fault.clone());
        log.push(&scenario, SimTime(120), Action::EndShift);
        let graded = SessionLog::parse("t.log.ron", &log.to_ron()).and_then(|l| l.grade(&scenario));
        match mode {
            Mode::Practice => assert!(graded.is_ok(), "{graded:?}"),
            Mode::Assessment => {
                let why = graded.err().map(|e| e.to_string()).unwrap_or_default();
                assert!(why.contains("practice only"), "{why}");
            }
        }
    }
}

/// An instructor's coagulation case: a citrate tube filled short, accepted,
/// run and released. The decision at reception is one finding; the INR now on
/// the patient's chart is another, critical, naming why it is wrong.
#[test]
fn a_result_from_a_tube_that_should_have_been_rejected_is_a_wrong_result_on_the_chart() {
    let scenario = lab("");
    let mut bench = Bench::new(&scenario);
    bench.qc("coag1", "INR");
    bench.process("SHORT", "coag1");
    bench.gloves_off();
    bench.act(Action::Review { specimen: "SHORT".into(), test: "INR".into() });
    bench.act(Action::Release { specimen: "SHORT".into(), test: "INR".into() });
    let report = bench.end();
    assert!(bench.has("PROC-UNDERFILLED"), "the decision at reception");
    assert_eq!(Bench::critical_rules(&report), ["REP-WRONG-RESULT"]);
    let wrong =
        report.findings.iter().find(|f| f.finding.rule == "REP-WRONG-RESULT").map(|f| &f.finding.what);
    let wrong = wrong.map_or("", |w| w.as_str());
    assert!(wrong.contains("SHORT INR") && wrong.contains("citrate tube is filled to"), "{wrong}");
    let listed: Vec<(&str, bool)> =
        report.released.iter().map(|r| (r.test.as_str(), r.wrong.is_some())).collect();
    assert_eq!(listed, [("INR", true)]);
    assert!(!report.passed);
}

/// QC that broke a rule, accepted: the acceptance is one critical finding,
/// and every result measured on that analyzer before QC is sound again is
/// wrong on its chart, with a finding of its own.
#[test]
fn a_result_measured_after_failed_qc_was_accepted_is_a_wrong_result_on_the_chart() {
    let scenario =
        lab(r#"(at: "08:00", fault: QcShift(analyzer: "chem1", test: "K", sd: 2.5, spread: 0.1))"#);
    let mut bench = Bench::new(&scenario);
    bench.gloves_on();
    for level in [1, 2] {
        bench.act(Action::RunControl { analyzer: "chem1".into(), test: "K".into(), level });
    }
    bench.act(Action::AcceptQc { analyzer: "chem1".into(), test: "K".into() });
    bench.process("GOOD", "chem1");
    bench.gloves_off();
    bench.act(Action::Review { specimen: "GOOD".into(), test: "K".into() });
    bench.act(Action::Release { specimen: "GOOD".into(), test: "K".into() });
    let report = bench.end();
    assert_eq!(Bench::critical_rules(&report), ["QC-REJECT-IGNORED", "REP-WRONG-RESULT"]);
    let wrong = report.released.iter().find(|r| r.test == "K").and_then(|r| r.wrong.clone());
    assert!(wrong.is_some_and(|w| w.contains("broke a rejection rule")));
}

/// The same release with the label compared and the result reviewed, against
/// one where both were skipped: each skipped check is a finding of its own.
#[test]
fn an_uncompared_label_and_an_unreviewed_release_are_findings() {
    let scenario = lab("");
    let mut careless = Bench::new(&scenario);
    careless.qc("chem1", "NA");
    careless.gloves_on();
    careless.act(Action::Receive { specimen: "ONE-ID".into() });
    careless.act(Action::Reject { specimen: "ONE-ID".into(), reason: RejectReason::InsufficientIdentifiers });
    careless.act(Action::Receive { specimen: "GOOD".into() });
    careless.act(Action::Accept { specimen: "GOOD".into() });
    assert!(careless.has("ID-NOT-COMPARED"), "accepted without comparing the label");
    careless.spin("GOOD");
    careless.run("GOOD", "chem1");
    careless.gloves_off();
    careless.act(Action::Release { specimen: "GOOD".into(), test: "NA".into() });
    assert!(careless.has("REP-NOT-REVIEWED"), "released without review");
    // Rejecting without comparing is no acceptance: the label was looked at to reject it.
    let not_compared: Vec<&str> = careless
        .session
        .findings()
        .iter()
        .filter(|f| f.rule == "ID-NOT-COMPARED")
        .map(|f| f.subject.as_str())
        .collect();
    assert_eq!(not_compared, ["GOOD"]);
}

/// The lab calls what it reports: a potassium shown as critical must be
/// called even though the patient's true value is normal (here a grossly
/// shifted analyzer reads 4.0 mmol/L as above 6), and the call is work the
/// shift owes.
#[test]
fn a_result_shown_as_critical_is_called_whatever_the_true_value() {
    let scenario =
        lab(r#"(at: "08:00", fault: QcShift(analyzer: "chem1", test: "K", sd: 30.0, spread: 0.01))"#);
    let mut bench = Bench::new(&scenario);
    bench.process("GOOD", "chem1");
    let shown =
        bench.session.specimen_view("GOOD").and_then(|v| v.results.into_iter().find(|r| r.test == "K"));
    assert!(shown.is_some_and(|r| r.flags.critical), "the shifted analyzer reads K as critical");
    assert_eq!(bench.session.true_value("GOOD", "K"), Some(4.0));
    let calls: Vec<(String, String)> =
        bench.session.critical_calls().into_iter().map(|c| (c.specimen, c.test)).collect();
    assert_eq!(calls, [("GOOD".to_owned(), "K".to_owned())]);
    let report = bench.end();
    assert!(report.completion.missing.iter().any(|t| t.starts_with("Call the critical GOOD K")));
    assert!(Bench::critical_rules(&report).contains(&"CRIT-NOT-CALLED".to_owned()));
}

/// Stability belongs to a test and its tube: a CBC in EDTA three hours after
/// collection is acceptable (it keeps about 24 h) and the reference
/// technician releases it; a sodium in a gold-top tube of the same age is not
/// (serum is separated within 2 h).
#[test]
fn a_three_hour_old_edta_cbc_is_acceptable_and_a_serum_sodium_is_not() {
    let serum = lab("");
    assert_eq!(Session::new(&serum, 1).defects("DELAYED"), [RejectReason::DelayedTransport]);
    // Scenario (a)'s S03, a CBC drawn at 06:50, drawn three hours earlier instead.
    let root =
        std::path::PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("run by cargo")).join("../..");
    let text = std::fs::read_to_string(root.join("scenarios/a-morning-chemistry.ron")).unwrap_or_default();
    let line = text.lines().position(|l| l.contains("(id: \"S03\"")).expect("S03");
    let older: Vec<String> = text
        .lines()
        .enumerate()
        .map(
            |(i, l)| {
                if i == line || i == line + 1 { l.replace("\"06:50\"", "\"04:00\"") } else { l.to_owned() }
            },
        )
        .collect();
    let policy = std::fs::read_to_string(root.join("scenarios/policies/us-default.ron")).unwrap_or_default();
    let files = MemoryFiles::default()
        .with("scenarios/a.ron", &older.join("\n"))
        .with("scenarios/policies/us-default.ron", &policy);
    let loaded = load_scenario("scenarios/a.ron", &files);
    let messages: Vec<String> = loaded.diagnostics.iter().map(ToString::to_string).collect();
    let scenario = Arc::new(loaded.value.unwrap_or_else(|| panic!("{}", messages.join("\n"))));
    let spec = scenario.specimens.iter().find(|s| s.id == "S03").expect("S03");
    assert_eq!(
        (spec.tube, spec.arrives.0 - spec.collected.0),
        (labshift_core::raw::TubeKind::LavenderEdta, 192 * 60)
    );
    assert!(Session::new(&scenario, 1).defects("S03").is_empty());
    let log = labshift_core::reference::reference_log(&scenario, 1).unwrap_or_else(|e| panic!("{e}"));
    let report = log.grade(&scenario).unwrap_or_else(|e| panic!("{e}"));
    assert!(report.passed && report.overall == 100.0, "{}", report.to_text());
    assert!(report.released.iter().any(|r| r.specimen == "S03" && r.test == "HGB"));
}

/// PT and aPTT are not recalibrated by users: a coagulation shift is fixed
/// with a new reagent vial or lot, which is then verified with its controls.
#[test]
fn a_coagulation_assay_is_not_recalibrated_by_the_technician() {
    let scenario = lab("");
    let mut bench = Bench::new(&scenario);
    bench.gloves_on();
    let why = bench.refused(Action::Calibrate { analyzer: "coag1".into(), test: "INR".into() });
    assert!(why.contains("not recalibrated by users"), "{why}");
    let why = bench.refused(Action::CorrectiveAction {
        analyzer: "coag1".into(),
        test: "INR".into(),
        action: Corrective::Recalibrate,
    });
    assert!(why.contains("reagent vial or lot"), "{why}");

    bench.act(Action::CorrectiveAction {
        analyzer: "coag1".into(),
        test: "INR".into(),
        action: Corrective::NewReagentLot,
    });
    bench.act(Action::Calibrate { analyzer: "chem1".into(), test: "K".into() });
}

/// Lipemia and icterus are judged in the serum, not at reception: a lipemic
/// specimen is cleared by a high-speed spin and its tests rerun; an icteric
/// one is reported (a new draw would be just as icteric).
#[test]
fn lipemia_is_cleared_and_rerun_and_icterus_is_reported() {
    let scenario = lab("");
    assert!(Session::new(&scenario, 1).defects("LIPEMIC").is_empty());
    assert!(Session::new(&scenario, 1).defects("ICTERIC").is_empty());
    let run = |clear: bool| {
        let mut bench = Bench::new(&scenario);
        bench.qc("chem1", "NA");
        bench.process("LIPEMIC", "chem1");
        let lipemic = |b: &Bench| {
            b.session
                .specimen_view("LIPEMIC")
                .and_then(|v| v.results.into_iter().find(|r| r.test == "NA"))
                .map(|r| r.flags.lipemic)
        };
        assert_eq!(lipemic(&bench), Some(true));
        if clear {
            bench.act(Action::ClearLipemia { specimen: "LIPEMIC".into() });
            bench.act(Action::Repeat { specimen: "LIPEMIC".into(), test: "NA".into() });
            bench.wait_for("LIPEMIC");
            assert_eq!(lipemic(&bench), Some(false), "rerun on the cleared serum");
        }
        bench.gloves_off();
        bench.act(Action::Review { specimen: "LIPEMIC".into(), test: "NA".into() });
        bench.act(Action::Release { specimen: "LIPEMIC".into(), test: "NA".into() });
        bench.end()
    };
    assert!(run(true).released.iter().all(|r| r.wrong.is_none()));
    let careless = run(false);
    assert!(careless.released.iter().any(|r| r.wrong.as_deref().is_some_and(|w| w.contains("lipemic"))));
    assert!(Bench::critical_rules(&careless).contains(&"REP-WRONG-RESULT".to_owned()));

    // Icterus: released as it is; rejecting the tube is a needless redraw.
    let mut bench = Bench::new(&scenario);
    bench.gloves_on();
    bench.act(Action::Receive { specimen: "ICTERIC".into() });
    bench.act(Action::Reject { specimen: "ICTERIC".into(), reason: RejectReason::Icteric });
    let what = bench.session.findings().iter().find(|f| f.rule == "ID-GOOD-REJECTED").map(|f| f.what.clone());
    assert!(what.is_some_and(|w| w.contains("just as icteric")));
}

#[test]
fn a_result_is_not_seen_before_the_analyzer_gives_it() {
    let scenario = lab("");
    let mut bench = Bench::new(&scenario);
    bench.qc("chem1", "NA");
    bench.qc("chem1", "K");
    bench.prepare("GOOD");
    let events = bench.act(Action::RunTests { specimen: "GOOD".into(), analyzer: "chem1".into() });
    assert!(!events.iter().any(|e| matches!(e, Event::ResultReady { .. })), "{events:?}");
    bench.gloves_off();
    let why = bench.refused(Action::Release { specimen: "GOOD".into(), test: "NA".into() });
    assert!(why.contains("still running on chem1"), "{why}");
    let why = bench.refused(Action::ReleaseSpecimen { specimen: "GOOD".into() });
    assert!(why.contains("still running"), "{why}");
    // A chemistry panel takes the pack's 10 minutes.
    let view = bench.session.specimen_view("GOOD").expect("GOOD");
    let ran_at = bench.session.now().0 - 3 * 20;
    assert!(view.results.iter().all(|r| !r.ready && r.ready_at.0 - ran_at == 600), "{:?}", view.results);
    let events = bench.wait_for("GOOD");
    assert_eq!(events.iter().filter(|e| matches!(e, Event::ResultReady { .. })).count(), 2, "{events:?}");
    bench.act(Action::ReleaseSpecimen { specimen: "GOOD".into() });
    let report = bench.end();
    assert_eq!(report.released.len(), 2);
    assert!(report.released.iter().all(|r| !r.autoverified && r.wrong.is_none()));
}

#[test]
fn the_middleware_releases_what_its_rules_pass_and_holds_the_rest() {
    let scenario = lab_autoverifying();
    let mut bench = Bench::new(&scenario);
    bench.qc("chem1", "K");
    bench.qc("chem1", "NA");
    // Sound serum: both results released by the middleware, nothing for the technician.
    bench.process("GOOD", "chem1");
    let good = bench.session.specimen_view("GOOD").expect("GOOD");
    assert!(good.results.iter().all(|r| r.released && r.autoverified && r.reviewed), "{:?}", good.results);
    // A critical potassium is held for the technician, and raised for a call
    // when the analyzer gives it.
    let events = bench.process("CRIT-K", "chem1");
    let crit = bench.session.specimen_view("CRIT-K").expect("CRIT-K");
    assert!(crit.results.iter().all(|r| !r.released && !r.autoverified), "{:?}", crit.results);
    assert!(!events.iter().any(|e| matches!(e, Event::ResultAutoverified { .. })), "{events:?}");
    let call = bench.session.calls().into_iter().find(|c| c.specimen == "CRIT-K").expect("a call is due");
    assert!(!call.attempted);
    // Hemolyzed serum past potassium's limit is held, to be suppressed.
    bench.process("HEMOLYZED", "chem1");
    let hemolyzed = bench.session.specimen_view("HEMOLYZED").expect("HEMOLYZED");
    assert!(hemolyzed.results.iter().all(|r| r.flags.hemolyzed && !r.released), "{:?}", hemolyzed.results);
    assert!(!bench.has("PROC-HEMOLYZED"), "the middleware released nothing hemolyzed: {:?}", bench.rules());
    // A rerun is the technician's: never autoverified.
    bench.gloves_off();
    bench.act(Action::Repeat { specimen: "GOOD".into(), test: "NA".into() });
    bench.wait_for("GOOD");
    let rerun =
        bench.session.specimen_view("GOOD").and_then(|v| v.results.into_iter().find(|r| r.test == "NA"));
    assert!(rerun.is_some_and(|r| r.ready && !r.released && !r.autoverified));
}

#[test]
fn the_middleware_holds_a_result_measured_without_accepted_qc() {
    let scenario = lab_autoverifying();
    let mut bench = Bench::new(&scenario);
    bench.process("GOOD", "chem1");
    let good = bench.session.specimen_view("GOOD").expect("GOOD");
    assert!(good.results.iter().all(|r| r.ready && !r.released), "{:?}", good.results);
    assert!(!bench.has("QC-NOT-RUN"), "nothing was released: {:?}", bench.rules());
    // Released by hand, the results carry the finding the middleware avoided.
    bench.gloves_off();
    bench.act(Action::ReleaseSpecimen { specimen: "GOOD".into() });
    assert!(bench.has("QC-NOT-RUN"));
}

#[test]
fn an_accepted_clotted_tube_autoverified_is_still_a_wrong_result_on_the_chart() {
    let scenario = lab_autoverifying();
    let mut bench = Bench::new(&scenario);
    bench.qc("chem1", "K");
    bench.process("CLOTTED", "chem1");
    let report = bench.end();
    assert!(report.released.iter().any(|r| r.specimen == "CLOTTED" && r.autoverified && r.wrong.is_some()));
    assert!(bench.has("REP-WRONG-RESULT"), "{:?}", bench.rules());
}

/// A deteriorated control is the control material, not the analyzer: its
/// level alone reads off, recalibrating does not cure it, a new control vial
/// does; the patients read true throughout. Each correction takes the pack's
/// time, during which the test is out of use.
#[test]
fn a_deteriorated_control_is_cured_by_a_new_vial_not_a_recalibration() {
    let scenario =
        lab(r#"(at: "08:00", fault: ControlDeteriorated(analyzer: "chem1", test: "K", level: 2, sd: 4.0))"#);
    let mut bench = Bench::new(&scenario);
    bench.gloves_on();
    let run_both = |bench: &mut Bench| {
        bench.until_free("chem1", "K");
        for level in [1, 2] {
            bench.act(Action::RunControl { analyzer: "chem1".into(), test: "K".into(), level });
        }
        let chart = bench.session.qc_chart("chem1", "K").expect("a chart");
        let zs: Vec<f64> = chart.open.iter().map(|p| p.z).collect();
        let verdict = bench.session.qc_verdict("chem1", "K").map(|v| v.decision);
        (zs, verdict == Some(labshift_core::westgard::Decision::Reject))
    };
    let (zs, rejected) = run_both(&mut bench);
    assert!(rejected && zs[1] > 2.5 && zs[0].abs() < 2.5, "level 2 alone is off: {zs:?}");
    bench.act(Action::RejectQc { analyzer: "chem1".into(), test: "K".into(), rule: "1-3s".into() });
    bench.act(Action::CorrectiveAction {
        analyzer: "chem1".into(),
        test: "K".into(),
        action: Corrective::Recalibrate,
    });
    // The recalibration takes the pack's 15 minutes: no controls meanwhile.
    let why = bench.refused(Action::RunControl { analyzer: "chem1".into(), test: "K".into(), level: 1 });
    assert!(why.contains("recalibrate the photometric assay") && why.contains("under way until"), "{why}");
    let (zs, rejected) = run_both(&mut bench);
    assert!(rejected, "recalibrating does not cure the control material: {zs:?}");
    bench.act(Action::RejectQc { analyzer: "chem1".into(), test: "K".into(), rule: "1-3s".into() });
    bench.act(Action::CorrectiveAction {
        analyzer: "chem1".into(),
        test: "K".into(),
        action: Corrective::NewControlVial,
    });
    let (zs, rejected) = run_both(&mut bench);
    assert!(!rejected, "a new vial reads in range: {zs:?}");
    bench.act(Action::AcceptQc { analyzer: "chem1".into(), test: "K".into() });
    // Patients were never off: GOOD's potassium reads its true 4.0.
    bench.process("GOOD", "chem1");
    let k = bench.session.specimen_view("GOOD").and_then(|v| v.results.into_iter().find(|r| r.test == "K"));
    assert!(k.is_some_and(|r| (r.value - 4.0).abs() < 0.3));
}

/// The reference technician troubleshoots a deteriorated control as a
/// technician would: one level out alone, a new vial first.
#[test]
fn the_reference_opens_a_new_control_vial_for_one_level_out_alone() {
    let scenario =
        lab(r#"(at: "08:00", fault: ControlDeteriorated(analyzer: "chem1", test: "K", level: 1, sd: -5.0))"#);
    let log = labshift_core::reference::reference_log(&scenario, 7).unwrap_or_else(|e| panic!("{e}"));
    let fixes: Vec<&Corrective> = log
        .actions
        .iter()
        .filter_map(|e| match &e.action {
            Action::CorrectiveAction { test, action, .. } if test == "K" => Some(action),
            _ => None,
        })
        .collect();
    let k_qc: Vec<String> = log
        .actions
        .iter()
        .filter(|e| {
            format!("{:?}", e.action).contains("\"K\"") || matches!(e.action, Action::RunControls { .. })
        })
        .map(|e| format!("{} {:?}", e.at, e.action))
        .collect();
    assert_eq!(fixes, [&Corrective::NewControlVial], "{k_qc:#?}");
    let report = log.grade(&scenario).unwrap_or_else(|e| panic!("{e}"));
    let qc: Vec<_> = report.findings.iter().filter(|f| f.finding.rule.starts_with("QC")).collect();
    assert!(qc.is_empty(), "{}", report.to_text());
}
