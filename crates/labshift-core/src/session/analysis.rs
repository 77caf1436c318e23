//! The analysis bench: specimens run on the analyzers, results flagged
//! (reference range, critical limits, measuring range, delta, hemolysis),
//! reviewed, repeated, diluted, held and released to the patient's chart.

use std::sync::Arc;

use super::events::{Event, Flags, Rejected, no};
use super::records::{PatientResult, QcAtMeasure, SpecimenState};
use super::work::Work;
use super::{Bench, Session, minutes, round_to, same_text};
use crate::action::{Action, RejectReason};
use crate::model::Specimen;
use crate::raw::{Priority, RawDelta};
use crate::time::SimTime;

/// The analysis bench.
pub(super) struct Analysis;

impl Bench for Analysis {
    fn owns(&self, action: &Action) -> bool {
        use Action::*;
        matches!(
            action,
            RunTests { .. }
                | Dilute { .. }
                | Review { .. }
                | Repeat { .. }
                | Hold { .. }
                | Suppress { .. }
                | Release { .. }
                | ReleaseSpecimen { .. }
        )
    }

    fn check(&self, s: &Session, action: &Action, _at: SimTime) -> Result<(), Rejected> {
        use Action::*;
        match action {
            RunTests { specimen, analyzer } => {
                let state = s.state(specimen)?;
                if !state.accepted || state.broken {
                    return Err(no(format!("{specimen} is not an accepted specimen")));
                }
                if state.in_centrifuge {
                    return Err(no(format!("{specimen} is in the centrifuge")));
                }
                if state.stored.is_some() {
                    return Err(no(format!("{specimen} is in the storage rack: take it out first")));
                }
                if state.uncapped {
                    return Err(no(format!("{specimen} is open: recap it before it goes on an analyzer")));
                }
                if let Some(why) = s.qc.stopped(analyzer) {
                    return Err(no(format!("{analyzer} is stopped: {why}")));
                }
                let spec = s.spec(specimen)?;
                let a = s
                    .scenario
                    .lab
                    .analyzers
                    .iter()
                    .find(|a| &a.id == analyzer)
                    .ok_or_else(|| no(format!("no analyzer `{analyzer}`")))?;
                if !spec.tests.iter().chain(&state.add_ons).any(|t| a.offers(t)) {
                    return Err(no(format!("{analyzer} runs none of the tests ordered on {specimen}")));
                }
                Ok(())
            }
            Dilute { specimen, test, factor } => {
                if *factor < 2 {
                    return Err(no("a dilution factor is at least 2"));
                }
                s.ready_result(specimen, test).map(|_| ())
            }
            Review { specimen, test } | Repeat { specimen, test } | Hold { specimen, test } => {
                s.ready_result(specimen, test).map(|_| ())
            }
            ReleaseSpecimen { specimen } => {
                let state = s.state(specimen)?;
                if !state.results.values().any(|r| waiting(r, s.now)) {
                    if state.results.values().any(|r| r.ready_at > s.now) {
                        return Err(no(format!("{specimen}'s results are still running")));
                    }
                    return Err(no(format!("{specimen} has no result waiting for release")));
                }
                Ok(())
            }
            Release { specimen, test } | Suppress { specimen, test } => {
                let r = s.ready_result(specimen, test)?;
                if r.released_at.is_some() {
                    return Err(no(format!("{specimen} {test} is already released")));
                }
                if r.suppressed {
                    return Err(no(format!("{specimen} {test} is suppressed and recollected")));
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    fn act(&self, s: &mut Session, action: &Action, at: SimTime) -> Result<(), Rejected> {
        use Action::*;
        match action {
            RunTests { specimen, analyzer } => run_tests(s, specimen, analyzer, at)?,
            Dilute { specimen, test, factor } => {
                s.safety.leave_biohazard();
                let analyzer = s.result(specimen, test)?.analyzer.clone();
                measure(s, specimen, test, &analyzer, at, Some(*factor));
            }
            Review { specimen, test } => {
                if let Some(r) = s.result_mut(specimen, test) {
                    r.reviewed_at.get_or_insert(at);
                }
            }
            Repeat { specimen, test } => {
                let analyzer = s.result(specimen, test)?.analyzer.clone();
                let reviewed = s.result(specimen, test)?.reviewed_at;
                measure(s, specimen, test, &analyzer, at, None);
                if let Some(r) = s.result_mut(specimen, test) {
                    r.reviewed_at = reviewed;
                    r.rerun = true;
                }
            }
            Hold { specimen, test } => {
                if let Some(r) = s.result_mut(specimen, test) {
                    r.held = true;
                }
                s.tell(|_| Event::ResultHeld { specimen: specimen.clone(), test: test.clone() });
            }
            Suppress { specimen, test } => {
                let affected = s.result(specimen, test)?.flags.hemolyzed;
                if !affected {
                    let what = format!(
                        "Suppressed {specimen} {test} and asked for a recollection, though the specimen's quality does not affect {test}."
                    );
                    s.find("REP-NEEDLESS-SUPPRESS", at, &format!("{specimen} {test}"), what);
                }
                if let Some(r) = s.result_mut(specimen, test) {
                    r.suppressed = true;
                    r.held = false;
                }
                s.tell(|_| Event::ResultSuppressed { specimen: specimen.clone(), test: test.clone() });
            }
            ReleaseSpecimen { specimen } => {
                let pending: Vec<String> = s
                    .state(specimen)?
                    .results
                    .iter()
                    .filter(|(_, r)| waiting(r, at))
                    .map(|(t, _)| t.clone())
                    .collect();
                for test in pending {
                    // A result without a flag is reviewed on the accession's screen.
                    if let Some(r) = s.result_mut(specimen, &test)
                        && !r.flags.needs_review()
                    {
                        r.reviewed_at.get_or_insert(at);
                    }
                    release(s, specimen, &test, at);
                    s.tell(|_| Event::ResultReleased { specimen: specimen.clone(), test: test.clone() });
                }
            }
            Release { specimen, test } => {
                release(s, specimen, test, at);
                s.tell(|_| Event::ResultReleased { specimen: specimen.clone(), test: test.clone() });
            }
            _ => {}
        }
        // A run that takes no time gives its results at once.
        complete_runs(s, at);
        Ok(())
    }

    fn specimen_work<'s>(
        &self,
        s: &'s Session,
        spec: &'s Specimen,
        record: &'s SpecimenState,
        defects: &[RejectReason],
        w: &mut Work<'s>,
    ) {
        if !record.owes_results(defects) {
            return;
        }
        let id = &spec.id;
        for test in spec.tests.iter().chain(&record.add_ons) {
            w.tests_needed.insert(test);
            let result = record.results.get(test);
            if let Some(r) = result {
                w.measured_on.insert((&r.analyzer, test));
            }
            // Hemolyzed serum beyond the test's limit: the result is
            // suppressed and the test alone recollected, not reported.
            if s.hemolysis_affects(spec, test) {
                let task = || format!("Suppress {id} {test} (hemolyzed serum) and ask for its recollection");
                let suppressed = result.is_some_and(|r| r.suppressed);
                let released = result.is_some_and(|r| r.released_at.is_some());
                if record.accepted && !released {
                    let what = || {
                        format!("{id} {test}, from hemolyzed serum, was neither suppressed nor recollected.")
                    };
                    w.required("ID-NO-RECOLLECT", task, suppressed, || format!("{id} {test}"), what);
                } else {
                    w.item("ID-NO-RECOLLECT", task, suppressed);
                }
                continue;
            }
            let task = || format!("Release {id} {test}");
            if record.accepted {
                let released = result.is_some_and(|r| r.released_at.is_some());
                // A critical result never released leaves the chart without
                // what the caregiver must act on.
                let critical = result.is_some_and(|r| r.flags.critical && r.ready_at <= s.now);
                let rule = if critical { "REP-CRITICAL-UNRELEASED" } else { "REP-NOT-RELEASED" };
                let what = || match critical {
                    true => format!("{id} {test}, a critical result, never reached the patient's chart."),
                    false => format!("{id} {test} was never released."),
                };
                w.required(rule, task, released, || format!("{id} {test}"), what);
            } else {
                w.item("REP-NOT-RELEASED", task, false);
            }
        }
    }
}

fn run_tests(s: &mut Session, specimen: &str, analyzer: &str, at: SimTime) -> Result<(), Rejected> {
    // Borrow the scenario through its own Arc, so the session stays free to change.
    let scenario = Arc::clone(&s.scenario);
    let spec = s
        .spec_index(specimen)
        .map(|i| &scenario.specimens[i])
        .ok_or_else(|| no(format!("no specimen `{specimen}`")))?;
    let a = scenario
        .lab
        .analyzers
        .iter()
        .find(|a| a.id == analyzer)
        .ok_or_else(|| no(format!("no analyzer `{analyzer}`")))?;
    let state = s.state(specimen)?;
    // A tube the analyzer cannot identify is skipped: no result, the tube waits.
    if let Some(why) = s.barcode_problem(spec, state) {
        s.find(
            "LAB-NO-READ",
            at,
            specimen,
            format!("{analyzer} could not read {specimen}'s barcode ({why}): the tube was skipped."),
        );
        s.tell(|_| Event::BarcodeNoRead {
            specimen: specimen.to_owned(),
            analyzer: analyzer.to_owned(),
            why,
        });
        return Ok(());
    }
    let centrifuged = state.centrifuged_at.is_some();
    // Add-ons are few and usually none: an empty list copies without allocating.
    let add_ons = state.add_ons.clone();
    if spec.tube.needs_centrifuge() && !centrifuged {
        s.find(
            "PROC-NOT-CENTRIFUGED",
            at,
            specimen,
            format!("Ran {specimen} on {analyzer} before centrifuging it."),
        );
    }
    let mut tests: Vec<&str> =
        spec.tests.iter().chain(&add_ons).map(String::as_str).filter(|t| a.offers(t)).collect();
    tests.sort_unstable();
    tests.dedup();
    for test in tests {
        // Measured before (each test comes once, so what this run measures is not seen here).
        if s.specimens.get(specimen).is_some_and(|s| s.results.contains_key(test)) {
            continue;
        }
        if let Err(why) = s.analyzer_ready(analyzer, test) {
            s.tell(|_| Event::TestNotRun {
                specimen: specimen.to_owned(),
                test: test.to_owned(),
                reason: why.0,
            });
            continue;
        }
        measure(s, specimen, test, analyzer, at, None);
    }
    Ok(())
}

/// Measures one test on a specimen (again, when repeating or diluting).
fn measure(s: &mut Session, specimen: &str, test: &str, analyzer: &str, at: SimTime, dilution: Option<u32>) {
    let scenario = Arc::clone(&s.scenario);
    let Some(spec) = s.spec_index(specimen).map(|i| &scenario.specimens[i]) else { return };
    let Some(def) = scenario.policy.test(test) else { return };
    let Some(truth) = s.true_value(specimen, test) else {
        s.tell(|_| Event::TestNotRun {
            specimen: specimen.to_owned(),
            test: test.to_owned(),
            reason: "no value".into(),
        });
        return;
    };
    if s.qc.reagent_expired(analyzer, test) {
        s.find(
            "AN-EXPIRED-REAGENT",
            at,
            &format!("{analyzer} {test}"),
            format!("Ran {test} on {analyzer} with an expired reagent lot."),
        );
    }
    if s.qc.calibration_bad(analyzer, test) {
        s.find(
            "AN-CALIBRATION",
            at,
            &format!("{analyzer} {test}"),
            format!("Ran {test} on {analyzer} with its calibration due or failed."),
        );
    }
    let qc = s.qc_status_now(analyzer, test, at);
    let (bias, imprecision) = s.qc.bias_sd(analyzer, test, at);
    let sd = s.analytical_sd(analyzer, test);
    let hemolysis_bias =
        def.hemolysis.as_ref().map_or(0.0, |h| h.bias_per_index * f64::from(spec.hemolysis_index));
    let noise = s.normal() * imprecision * sd * 0.5;
    let raw = truth + hemolysis_bias + bias * sd + noise;
    let (value, above_amr) = match dilution {
        Some(_) => (round_to(raw, def.decimals), false),
        None if raw > def.amr.1 => (def.amr.1, true),
        None => (round_to(raw.max(def.amr.0), def.decimals), false),
    };
    // The label decides whose chart a result reaches.
    let chart_mrn = spec
        .label
        .as_ref()
        .and_then(|l| l.mrn.as_ref())
        .and_then(|m| {
            let patients = &scenario.patients;
            // Most labels carry the record number as written: look for it as is first.
            patients.iter().find(|p| p.mrn == *m).or_else(|| patients.iter().find(|p| same_text(&p.mrn, m)))
        })
        .map_or_else(|| spec.patient.clone(), |p| p.mrn.clone());
    let previous = scenario
        .patients
        .iter()
        .find(|p| p.mrn == chart_mrn)
        .and_then(|p| p.previous.iter().filter(|r| r.test == test).max_by_key(|r| r.at));
    let delta_failed = match (previous, def.delta) {
        (Some(prev), Some(RawDelta::Absolute(limit))) => (value - prev.value).abs() > limit,
        (Some(prev), Some(RawDelta::Percent(pct))) => {
            prev.value != 0.0 && ((value - prev.value) / prev.value).abs() * 100.0 > pct
        }
        _ => false,
    };
    let critical = scenario.policy.critical(test);
    // The interval the LIS applies is the charted patient's.
    let sex = scenario.patients.iter().find(|p| p.mrn == chart_mrn).and_then(|p| p.sex);
    let reference = def.reference_for(sex);
    let flags = Flags {
        high: value > reference.1,
        low: value < reference.0,
        critical: critical.is_some_and(|c| c.breached_by(value)),
        hemolyzed: def.hemolysis.as_ref().is_some_and(|h| spec.hemolysis_index >= h.limit_index),
        lipemic: spec.lipemia_index >= scenario.policy.pack.rejection.lipemia_limit_index
            && !s.specimens.get(specimen).is_some_and(|r| r.lipemia_cleared),
        above_amr,
        delta_failed,
    };
    s.qc.use_reagent(analyzer, test);
    let kind = scenario.lab.analyzers.iter().find(|a| a.id == analyzer).map(|a| a.kind);
    let run = kind.map_or(0, |k| scenario.policy.pack.analysis.run_min(k));
    let ready_at = SimTime(at.0 + minutes(run));
    s.running.push((ready_at, specimen.to_owned(), test.to_owned()));
    if let Some(record) = s.specimens.get_mut(specimen) {
        let previous = record.results.get(test);
        let reviewed_at = previous.and_then(|r| r.reviewed_at);
        record.results.insert(
            test.to_owned(),
            PatientResult {
                analyzer: analyzer.to_owned(),
                value,
                measured_at: at,
                ready_at,
                rerun: dilution.is_some(),
                autoverified: false,
                qc,
                chart_mrn,
                flags,
                diluted: dilution.is_some(),
                reviewed_at: reviewed_at.filter(|_| dilution.is_none()),
                released_at: None,
                held: false,
                suppressed: false,
                wrong: None,
            },
        );
    }
}

/// Gives the results whose runs have ended by `to`, in the order they end:
/// each is shown, a critical one is raised for a call, and one the
/// middleware's rules pass is released by it.
pub(super) fn complete_runs(s: &mut Session, to: SimTime) {
    if s.running.is_empty() {
        return;
    }
    // Runs end in the order they were loaded, unless a shorter one overtakes.
    s.running.sort_by_key(|(ready, _, _)| *ready);
    let due = s.running.partition_point(|(ready, _, _)| *ready <= to);
    let ended: Vec<(SimTime, String, String)> = s.running.drain(..due).collect();
    let autoverifying = s.scenario.lab.autoverification;
    for (ready, specimen, test) in ended {
        // A result measured again since: its own run gives it.
        let Ok(r) = s.result(&specimen, &test) else { continue };
        if r.ready_at != ready {
            continue;
        }
        let (value, flags, passes) = (r.value, r.flags, autoverifies(r));
        s.tell(|_| Event::ResultReady { specimen: specimen.clone(), test: test.clone(), value, flags });
        // The lab calls what it reports: a result shown as critical is called,
        // whatever the patient's true value, unless hemolysis explains it (that
        // result is suppressed and recollected instead).
        if flags.critical && !flags.hemolyzed {
            s.calls.raise(&specimen, &test, ready);
        }
        if autoverifying && passes {
            if let Some(r) = s.result_mut(&specimen, &test) {
                r.reviewed_at = Some(ready);
                r.autoverified = true;
            }
            release(s, &specimen, &test, ready);
            s.tell(|_| Event::ResultAutoverified { specimen: specimen.clone(), test: test.clone() });
        }
    }
}

/// Whether the middleware's rules release a result: a first run, measured
/// under accepted QC, with no flag that needs a technician (critical, delta,
/// serum indices, above the measuring range). A result outside its
/// reference interval alone is released with its H or L flag.
fn autoverifies(r: &PatientResult) -> bool {
    !r.rerun && !r.flags.needs_review() && matches!(r.qc, QcAtMeasure::Valid | QcAtMeasure::AcceptedInError)
}

fn release(s: &mut Session, specimen: &str, test: &str, at: SimTime) {
    let Ok(r) = s.result(specimen, test).cloned() else { return };
    let scenario = Arc::clone(&s.scenario);
    let Some(spec) = s.spec_index(specimen).map(|i| &scenario.specimens[i]) else { return };
    let subject = format!("{specimen} {test}");
    match r.qc {
        QcAtMeasure::NotRun => s.find(
            "QC-NOT-RUN",
            at,
            &format!("{} {test}", r.analyzer),
            format!("Released {specimen} {test}, measured without accepted QC for {test} on {}.", r.analyzer),
        ),
        QcAtMeasure::Rejected => s.find(
            "QC-RELEASED-AFTER-REJECT",
            at,
            &format!("{} {test}", r.analyzer),
            format!("Released {specimen} {test}, measured while {test} QC on {} was rejected.", r.analyzer),
        ),
        QcAtMeasure::AcceptedInError | QcAtMeasure::Valid => {}
    }
    if r.reviewed_at.is_none() {
        s.find("REP-NOT-REVIEWED", at, &subject, format!("Released {subject} without reviewing it."));
    }
    let wrong = wrong_on_chart(s, spec, test, &r);
    if let Some(why) = &wrong {
        let what = format!("{subject} ({}) reached the patient's chart and is wrong: {why}.", r.value);
        s.find("REP-WRONG-RESULT", at, &subject, what);
    }
    if r.chart_mrn != spec.patient {
        s.find(
            "REP-WRONG-PATIENT",
            at,
            specimen,
            format!(
                "{specimen}'s {test} went to MRN {}'s chart; the blood is MRN {}'s.",
                r.chart_mrn, spec.patient
            ),
        );
    }
    if r.flags.above_amr && !r.diluted {
        s.find(
            "AN-ABOVE-AMR",
            at,
            &subject,
            format!("Released {subject} above the measurement range without dilution."),
        );
    }
    if r.flags.delta_failed && r.reviewed_at.is_none() {
        s.find(
            "AN-DELTA-IGNORED",
            at,
            &subject,
            format!("Released {subject}, which failed its delta check, without review."),
        );
    }
    if r.flags.hemolyzed {
        s.find("PROC-HEMOLYZED", at, specimen, format!("Released {subject} from a hemolyzed specimen."));
    }
    if r.flags.lipemic {
        s.find(
            "PROC-HEMOLYZED",
            at,
            &subject,
            format!("Released {subject} from lipemic serum, not cleared and rerun."),
        );
    }
    if spec.priority == Priority::Stat {
        let tat = at.0 - spec.arrives.0;
        let limit = minutes(s.scenario.policy.pack.stat_turnaround_min);
        if tat > limit {
            s.find(
                "TIME-STAT",
                at,
                &subject,
                format!("STAT {subject} released {} min after arrival.", tat / 60),
            );
        }
    }
    if let Some(r) = s.result_mut(specimen, test) {
        r.released_at = Some(at);
        r.held = false;
        r.wrong = wrong;
    }
}

/// A result waiting for release at `now`: given by the analyzer, not
/// released, held or suppressed.
fn waiting(r: &PatientResult, now: SimTime) -> bool {
    r.ready_at <= now && r.released_at.is_none() && !r.held && !r.suppressed
}

/// Why a result about to be released would be wrong on the chart: taken
/// from a specimen that should have been rejected (for the defects that
/// touch this test), or measured while its QC was not acceptable.
fn wrong_on_chart(s: &Session, spec: &Specimen, test: &str, r: &PatientResult) -> Option<String> {
    let record = s.specimens.get(&spec.id);
    let mut why: Vec<String> = record
        .and_then(|record| record.defects.as_deref())
        .unwrap_or_default()
        .iter()
        .map(|d| s.defect_words(spec, *d))
        .collect();
    if r.flags.lipemic {
        why.push(format!(
            "the serum is lipemic (index {}) and was not cleared by a high-speed spin and rerun",
            spec.lipemia_index
        ));
    }
    if r.flags.hemolyzed {
        let limit =
            s.scenario.policy.test(test).and_then(|t| t.hemolysis.as_ref()).map_or(0, |h| h.limit_index);
        why.push(format!(
            "the serum's hemolysis index is {}, at or beyond {test}'s limit of {limit}",
            spec.hemolysis_index
        ));
    }
    let spun = record.and_then(|record| record.centrifuged_at);
    if spec.tube.needs_centrifuge() && spun.is_none_or(|t| t > r.measured_at) {
        why.push("it was measured before the tube was centrifuged".to_owned());
    }
    let qc = format!("{test} QC on {}", r.analyzer);
    match r.qc {
        QcAtMeasure::NotRun => why.push(format!("it was measured without accepted {qc}")),
        QcAtMeasure::Rejected => why.push(format!("it was measured while {qc} stood rejected")),
        QcAtMeasure::AcceptedInError => {
            why.push(format!("it was measured after {qc} was accepted although it broke a rejection rule"));
        }
        QcAtMeasure::Valid => {}
    }
    (!why.is_empty()).then(|| why.join("; "))
}

/// A result released to a chart.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ReleasedResult {
    pub specimen: String,
    pub test: String,
    pub value: f64,
    pub released_at: SimTime,
    /// Released by the middleware's autoverification rules.
    pub autoverified: bool,
    /// Why it is wrong on the patient's chart; `None` for a sound result.
    pub wrong: Option<String>,
}

impl Session {
    /// Whether the specimen's serum is hemolyzed beyond this test's limit.
    pub(super) fn hemolysis_affects(&self, spec: &Specimen, test: &str) -> bool {
        self.scenario
            .policy
            .test(test)
            .and_then(|t| t.hemolysis.as_ref())
            .is_some_and(|h| spec.hemolysis_index >= h.limit_index)
    }

    /// Every result released, specimen by specimen in the scenario's order.
    pub fn released_results(&self) -> Vec<ReleasedResult> {
        let mut out = Vec::new();
        for spec in &self.scenario.specimens {
            let Some(record) = self.specimens.get(&spec.id) else { continue };
            for (test, r) in &record.results {
                if let Some(at) = r.released_at {
                    out.push(ReleasedResult {
                        specimen: spec.id.clone(),
                        test: test.clone(),
                        value: r.value,
                        released_at: at,
                        autoverified: r.autoverified,
                        wrong: r.wrong.clone(),
                    });
                }
            }
        }
        out
    }

    /// STAT turnaround: (specimen, test, minutes from arrival to release).
    pub fn stat_turnarounds(&self) -> Vec<(String, String, Option<i64>)> {
        let mut out = Vec::new();
        for spec in self.scenario.specimens.iter().filter(|s| s.priority == Priority::Stat) {
            let Some(state) = self.specimens.get(&spec.id) else { continue };
            if !state.accepted {
                continue;
            }
            for test in &spec.tests {
                let released = state.results.get(test).and_then(|r| r.released_at);
                out.push((spec.id.clone(), test.clone(), released.map(|t| (t.0 - spec.arrives.0) / 60)));
            }
        }
        out
    }
}
