//! The QC bench: controls run per analyzer, test and level, judged by the
//! Westgard rules, accepted or rejected; corrective action, calibration,
//! reagent lots and look-backs; and each analyzer's faults (a shift, a
//! drift, imprecision, reagent out, a stop). The analyzers' state lives here;
//! the analysis bench asks it whether a test may run and how it reads.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use serde::Serialize;

use super::events::{Event, Rejected, no};
use super::pair_map::PairMap;
use super::records::QcAtMeasure;
use super::work::Work;
use super::{Bench, Session, Undone, round_to};
use crate::action::{Action, Corrective};
use crate::model::Scenario;
use crate::raw::{AnalyzerKind, CalibrationStatus, RawCorrective, RawFault};
use crate::time::SimTime;
use crate::westgard::{self, ControlPoint, Decision};

/// The QC bench.
pub(super) struct Qc;

#[derive(Debug, Clone, Copy, PartialEq)]
enum QcStatus {
    NotRun,
    Passed(SimTime),
    Rejected(SimTime),
}

/// One test on one analyzer: its QC, its reagent and calibration, its faults.
#[derive(Debug, Clone)]
struct QcState {
    status: QcStatus,
    open: BTreeMap<u8, f64>,
    history: Vec<Vec<ControlPoint>>,
    /// Every judged run, for the Levey-Jennings chart (corrections do not clear it).
    plotted: Vec<ChartRun>,
    corrected_since_reject: bool,
    /// The last accepted run broke a rejection rule.
    accepted_in_error: bool,
    rejections: u32,
    look_backs: u32,
    last_pass: Option<SimTime>,
    shift_sd: f64,
    drift: Option<(SimTime, f64)>,
    imprecision: f64,
    /// Scatter while a shift lasts, as a fraction of the SD.
    spread: f64,
    reagent_out: bool,
    reagent_remaining: Option<u32>,
    reagent_expired: bool,
    calibration_bad: bool,
    /// How far each level's control material reads off, in SDs, until a new vial.
    control_bias: BTreeMap<u8, f64>,
    /// A corrective action under way: the test is out of use until then.
    busy: Option<(SimTime, Corrective)>,
    /// Corrective actions taken since QC last passed.
    tried: Vec<Corrective>,
}

/// Every analyzer's tests, and the analyzers stopped by an error.
#[derive(Debug, Clone)]
pub(super) struct Analyzers {
    tests: PairMap<QcState>,
    errors: BTreeMap<String, String>,
    calibration_due: BTreeSet<(String, String)>,
}

impl Analyzers {
    pub(super) fn new(scenario: &Scenario) -> Analyzers {
        let mut tests = PairMap::default();
        let mut calibration_due = BTreeSet::new();
        for a in &scenario.lab.analyzers {
            for test in &a.menu {
                let lots: Vec<_> = a.reagents.iter().filter(|r| &r.test == test).collect();
                let calibration_bad =
                    a.calibration.iter().any(|c| &c.test == test && c.status != CalibrationStatus::Valid);
                if calibration_bad {
                    calibration_due.insert((a.id.clone(), test.clone()));
                }
                tests.insert(
                    &a.id,
                    test,
                    QcState {
                        status: QcStatus::NotRun,
                        open: BTreeMap::new(),
                        history: Vec::new(),
                        plotted: Vec::new(),
                        corrected_since_reject: false,
                        accepted_in_error: false,
                        rejections: 0,
                        look_backs: 0,
                        last_pass: None,
                        shift_sd: 0.0,
                        drift: None,
                        imprecision: 1.0,
                        spread: 1.0,
                        reagent_out: false,
                        reagent_remaining: (!lots.is_empty()).then(|| lots.iter().map(|r| r.remaining).sum()),
                        reagent_expired: lots.iter().any(|r| r.expires < scenario.meta.date),
                        calibration_bad,
                        control_bias: BTreeMap::new(),
                        busy: None,
                        tried: Vec::new(),
                    },
                );
            }
        }
        Analyzers { tests, errors: BTreeMap::new(), calibration_due }
    }

    /// When each corrective action under way ends.
    pub(super) fn busy_until(&self) -> impl Iterator<Item = SimTime> + '_ {
        self.tests.iter().filter_map(|(_, _, q)| q.busy.map(|(until, _)| until))
    }

    fn get_mut(&mut self, analyzer: &str, test: &str) -> Option<&mut QcState> {
        self.tests.get_mut(analyzer, test)
    }

    /// Why the analyzer is stopped, if it is.
    pub(super) fn stopped(&self, analyzer: &str) -> Option<&String> {
        self.errors.get(analyzer)
    }

    /// One test's reagent used (a patient measured).
    pub(super) fn use_reagent(&mut self, analyzer: &str, test: &str) {
        if let Some(q) = self.get_mut(analyzer, test)
            && let Some(r) = q.reagent_remaining.as_mut()
        {
            *r = r.saturating_sub(1);
        }
    }

    /// Whether the test's reagent lot on board has expired.
    pub(super) fn reagent_expired(&self, analyzer: &str, test: &str) -> bool {
        self.tests.at(analyzer, test).reagent_expired
    }

    /// Whether the test's calibration is due or failed.
    pub(super) fn calibration_bad(&self, analyzer: &str, test: &str) -> bool {
        let due = self.calibration_due.iter().any(|(a, t)| a == analyzer && t == test);
        self.tests.at(analyzer, test).calibration_bad || due
    }

    /// The systematic error (in control SDs) of a test on an analyzer at
    /// `at`, and the factor on its scatter.
    pub(super) fn bias_sd(&self, analyzer: &str, test: &str, at: SimTime) -> (f64, f64) {
        let Some(q) = self.tests.get(analyzer, test) else { return (0.0, 1.0) };
        let drift = q.drift.map_or(0.0, |(since, per_h)| per_h * (at.0 - since.0) as f64 / 3600.0);
        (q.shift_sd + drift, q.imprecision * q.spread)
    }
}

impl Bench for Qc {
    fn owns(&self, action: &Action) -> bool {
        use Action::*;
        matches!(
            action,
            RunControl { .. }
                | RunControls { .. }
                | AcceptQc { .. }
                | RejectQc { .. }
                | CorrectiveAction { .. }
                | Calibrate { .. }
                | LoadReagent { .. }
                | LookBack { .. }
        )
    }

    fn check(&self, s: &Session, action: &Action, _at: SimTime) -> Result<(), Rejected> {
        use Action::*;
        match action {
            RunControl { analyzer, test, level } => {
                s.analyzer_offers(analyzer, test)?;
                s.analyzer_ready(analyzer, test)?;
                let has_level = s.scenario.lab.analyzers.iter().any(|a| {
                    &a.id == analyzer && a.controls.iter().any(|c| &c.test == test && c.level == *level)
                });
                if !has_level {
                    return Err(no(format!("no level {level} control for {test} on {analyzer}")));
                }
                Ok(())
            }
            RunControls { analyzer, level } => {
                if !s.scenario.lab.analyzers.iter().any(|a| &a.id == analyzer) {
                    return Err(no(format!("no analyzer `{analyzer}`")));
                }
                if let Some(why) = s.qc.errors.get(analyzer) {
                    return Err(no(format!("{analyzer} is stopped: {why}")));
                }
                if !s.any_control_due(analyzer, *level) {
                    // A test waiting on its corrective action says so.
                    let menu =
                        s.scenario.lab.analyzers.iter().filter(|a| &a.id == analyzer).flat_map(|a| &a.menu);
                    if let Some(busy) = menu.filter_map(|t| s.not_busy(analyzer, t).err()).next() {
                        return Err(busy);
                    }
                    return Err(no(format!("no test on {analyzer} is due for its level {level} control")));
                }
                Ok(())
            }
            AcceptQc { analyzer, test } | RejectQc { analyzer, test, .. } => {
                s.analyzer_offers(analyzer, test)?;
                let q = s.qc.tests.at(analyzer, test);
                let needed = s.levels_needed(analyzer, test);
                if q.open.len() < needed {
                    return Err(no(format!("run all {needed} control levels of {test} first")));
                }
                Ok(())
            }
            CorrectiveAction { analyzer, test, action } => {
                s.analyzer_offers(analyzer, test)?;
                s.corrective(analyzer, *action).map(|_| ())?;
                s.not_busy(analyzer, test)
            }
            Calibrate { analyzer, test } => {
                s.analyzer_offers(analyzer, test)?;
                s.corrective(analyzer, Corrective::Recalibrate).map(|_| ())?;
                s.not_busy(analyzer, test)
            }
            LoadReagent { analyzer, test } | LookBack { analyzer, test } => s.analyzer_offers(analyzer, test),
            _ => Ok(()),
        }
    }

    fn act(&self, s: &mut Session, action: &Action, at: SimTime) -> Result<(), Rejected> {
        use Action::*;
        match action {
            RunControl { analyzer, test, level } => run_control(s, analyzer, test, *level, at),
            RunControls { analyzer, level } => {
                for test in s.controls_due(analyzer, *level) {
                    run_control(s, analyzer, &test, *level, at);
                }
            }
            AcceptQc { analyzer, test } => accept(s, analyzer, test, at),
            RejectQc { analyzer, test, rule } => reject(s, analyzer, test, rule, at),
            CorrectiveAction { analyzer, test, action } => correct(s, analyzer, test, *action, at),
            Calibrate { analyzer, test } => correct(s, analyzer, test, Corrective::Recalibrate, at),
            LoadReagent { analyzer, test } => correct(s, analyzer, test, Corrective::NewReagentLot, at),
            LookBack { analyzer, test } => look_back(s, analyzer, test),
            _ => {}
        }
        Ok(())
    }

    fn takes(&self, fault: &RawFault) -> bool {
        use RawFault::*;
        matches!(
            fault,
            QcShift { .. }
                | QcDrift { .. }
                | Imprecision { .. }
                | ControlDeteriorated { .. }
                | ReagentOut { .. }
                | AnalyzerError { .. }
        )
    }

    fn injectable(&self, s: &Session, fault: &RawFault) -> Result<(), Rejected> {
        match fault {
            RawFault::QcShift { analyzer, test, sd, spread, .. } => {
                if s.qc.tests.get(analyzer, test).is_none() {
                    return Err(no(format!("{analyzer} runs no QC for {test}")));
                }
                if *sd == 0.0 || !sd.is_finite() || !(*spread > 0.0 && *spread <= 1.0) {
                    return Err(no("a QC shift needs a size other than 0 SD and a spread in (0, 1]"));
                }
                Ok(())
            }
            other => Err(no(format!("{other:?} cannot be injected live"))),
        }
    }

    fn fault(&self, s: &mut Session, fault: &RawFault, at: SimTime) {
        match fault {
            RawFault::QcShift { analyzer, test, sd, spread, .. } => {
                // A shift is silent: QC has to find it.
                if let Some(q) = s.qc.get_mut(analyzer, test) {
                    q.shift_sd += sd;
                    q.spread = *spread;
                }
            }
            RawFault::QcDrift { analyzer, test, sd_per_hour } => {
                if let Some(q) = s.qc.get_mut(analyzer, test) {
                    q.drift = Some((at, *sd_per_hour));
                }
            }
            RawFault::Imprecision { analyzer, test, factor } => {
                if let Some(q) = s.qc.get_mut(analyzer, test) {
                    q.imprecision *= factor;
                }
            }
            RawFault::ControlDeteriorated { analyzer, test, level, sd } => {
                // Silent too: the control reads off, the patients do not.
                if let Some(q) = s.qc.get_mut(analyzer, test) {
                    *q.control_bias.entry(*level).or_default() += sd;
                }
            }
            RawFault::ReagentOut { analyzer, test } => {
                if let Some(q) = s.qc.get_mut(analyzer, test) {
                    q.reagent_out = true;
                }
                s.tell_fault(|| format!("{analyzer}: {test} reagent empty"));
            }
            RawFault::AnalyzerError { analyzer, code, message } => {
                s.qc.errors.insert(analyzer.clone(), format!("{code} {message}"));
                s.tell_fault(|| format!("{analyzer} stopped: {code} {message}"));
            }
            _ => {}
        }
    }

    fn work<'s>(&self, s: &'s Session, w: &mut Work<'s>) {
        // QC on each analyzer a needed test was measured on, or else on the
        // first that offers it.
        let mut pairs = std::mem::take(&mut w.measured_on);
        for test in &w.tests_needed {
            if !pairs.iter().any(|(_, t)| t == test)
                && let Some(a) = s.scenario.lab.analyzers.iter().find(|a| a.offers(test))
            {
                pairs.insert((a.id.as_str(), test));
            }
        }
        for (analyzer, test) in pairs {
            let passed = s.qc.tests.get(analyzer, test).is_some_and(|q| q.last_pass.is_some());
            w.item("QC-NOT-RUN", || format!("Run and accept {test} QC on {analyzer}"), passed);
        }
        for (analyzer, test, q) in s.qc.tests.iter() {
            if q.rejections > 0 {
                let task = || format!("Look back at the results before the rejected {test} QC on {analyzer}");
                w.item("QC-NO-LOOKBACK", task, q.look_backs >= q.rejections);
            }
        }
    }

    fn undone(&self, s: &Session, u: &mut Undone) {
        for (analyzer, test, q) in s.qc.tests.iter() {
            if q.rejections > q.look_backs {
                let what = format!("No look-back after {test} QC on {analyzer} was rejected.");
                u.note("QC-NO-LOOKBACK", format!("{analyzer} {test}"), what);
            }
        }
    }
}

fn run_control(s: &mut Session, analyzer: &str, test: &str, level: u8, at: SimTime) {
    let scenario = Arc::clone(&s.scenario);
    let Some(control) = scenario
        .lab
        .analyzers
        .iter()
        .find(|a| a.id == analyzer)
        .and_then(|a| a.controls.iter().find(|c| c.test == test && c.level == level))
    else {
        return;
    };
    if control.expires < s.scenario.meta.date {
        s.find(
            "QC-EXPIRED-MATERIAL",
            at,
            &format!("{analyzer} {test}"),
            format!("Ran {test} level {level} control lot {}, expired {}.", control.lot, control.expires),
        );
    }
    let q = s.qc.tests.at(analyzer, test);
    let blind = matches!(q.status, QcStatus::Rejected(_)) && !q.corrected_since_reject;
    if blind {
        s.find(
            "QC-BLIND-REPEAT",
            at,
            &format!("{analyzer} {test}"),
            format!("Repeated {test} QC on {analyzer} without a corrective action."),
        );
    }
    let (bias, imprecision) = s.qc.bias_sd(analyzer, test, at);
    let material = s.qc.tests.at(analyzer, test).control_bias.get(&level).copied().unwrap_or(0.0);
    let z = s.normal() * imprecision + bias + material;
    let decimals = s.scenario.policy.test(test).map_or(2, |t| t.decimals + 1);
    let value = round_to(control.mean + z * control.sd, decimals);
    let z = (value - control.mean) / control.sd;
    if let Some(q) = s.qc.get_mut(analyzer, test) {
        q.open.insert(level, z);
        if let Some(r) = q.reagent_remaining.as_mut() {
            *r = r.saturating_sub(1);
        }
    }
    s.tell(|_| Event::ControlMeasured {
        analyzer: analyzer.to_owned(),
        test: test.to_owned(),
        level,
        value,
        z,
    });
}

fn accept(s: &mut Session, analyzer: &str, test: &str, at: SimTime) {
    let verdict = s.open_verdict(analyzer, test);
    if verdict.decision == Decision::Reject {
        s.find(
            "QC-REJECT-IGNORED",
            at,
            &format!("{analyzer} {test}"),
            format!("Accepted {test} QC on {analyzer} that broke {}.", verdict.violations.join(", ")),
        );
    }
    if let Some(q) = s.qc.get_mut(analyzer, test) {
        let run: Vec<ControlPoint> = q.open.iter().map(|(l, z)| ControlPoint { level: *l, z: *z }).collect();
        q.plotted.push(ChartRun {
            at,
            points: run.clone(),
            violations: verdict.violations.clone(),
            accepted: true,
        });
        q.history.push(run);
        q.open.clear();
        q.status = QcStatus::Passed(at);
        q.last_pass = Some(at);
        q.tried.clear();
        q.accepted_in_error = verdict.decision == Decision::Reject;
    }
    s.tell(|_| Event::QcAccepted { analyzer: analyzer.to_owned(), test: test.to_owned() });
}

fn reject(s: &mut Session, analyzer: &str, test: &str, rule: &str, at: SimTime) {
    let verdict = s.open_verdict(analyzer, test);
    let subject = format!("{analyzer} {test}");
    if verdict.decision != Decision::Reject {
        s.find(
            "QC-FALSE-REJECT",
            at,
            &subject,
            format!("Rejected {test} QC on {analyzer} that broke no rejection rule."),
        );
    } else if !verdict.violations.iter().any(|v| v == rule) {
        s.find(
            "QC-WRONG-RULE",
            at,
            &subject,
            format!("Named {rule}; the run broke {}.", verdict.violations.join(", ")),
        );
    }
    if let Some(q) = s.qc.get_mut(analyzer, test) {
        let run = q.open.iter().map(|(l, z)| ControlPoint { level: *l, z: *z }).collect();
        q.plotted.push(ChartRun { at, points: run, violations: verdict.violations.clone(), accepted: false });
        q.open.clear();
        q.status = QcStatus::Rejected(at);
        q.corrected_since_reject = false;
        q.rejections += 1;
    }
    s.tell(|_| Event::QcRejected {
        analyzer: analyzer.to_owned(),
        test: test.to_owned(),
        violations: verdict.violations,
    });
}

fn correct(s: &mut Session, analyzer: &str, test: &str, action: Corrective, at: SimTime) {
    s.tell(|_| Event::CorrectionDone { analyzer: analyzer.to_owned(), test: test.to_owned(), action });
    let minutes = s.corrective(analyzer, action).map_or(0, |c| c.minutes);
    if matches!(action, Corrective::Maintenance | Corrective::CallService) {
        s.qc.errors.remove(analyzer);
    }
    if action == Corrective::Recalibrate && !s.qc.calibration_due.is_empty() {
        s.qc.calibration_due.remove(&(analyzer.to_owned(), test.to_owned()));
    }
    let Some(q) = s.qc.get_mut(analyzer, test) else { return };
    q.corrected_since_reject = true;
    q.tried.push(action);
    if minutes > 0 {
        q.busy = Some((SimTime(at.0 + i64::from(minutes) * 60), action));
    }
    match action {
        Corrective::Recalibrate => {
            q.shift_sd = 0.0;
            q.spread = 1.0;
            q.drift = None;
            q.calibration_bad = false;
        }
        Corrective::NewReagentLot => {
            // A new lot can carry a different bias: it cures a shift but needs new QC.
            q.shift_sd = 0.0;
            q.spread = 1.0;
            q.drift = None;
            q.reagent_out = false;
            q.reagent_expired = false;
            q.reagent_remaining = Some(500);
        }
        Corrective::Maintenance | Corrective::CallService => q.imprecision = 1.0,
        Corrective::NewControlVial => q.control_bias.clear(),
    }
    // Any correction invalidates earlier QC: controls must be rerun.
    if matches!(q.status, QcStatus::Passed(_)) && action != Corrective::NewControlVial {
        q.status = QcStatus::NotRun;
        q.history.clear();
    }
}

/// Lists the results measured since the last accepted QC of the test.
fn look_back(s: &mut Session, analyzer: &str, test: &str) {
    let mut affected = Vec::new();
    let since = s.qc.tests.at(analyzer, test).last_pass;
    for (id, record) in &s.specimens {
        if let Some(r) = record.results.get(test)
            && r.analyzer == *analyzer
            && since.is_none_or(|t| r.measured_at >= t)
        {
            affected.push(id.clone());
        }
    }
    if let Some(q) = s.qc.get_mut(analyzer, test) {
        q.look_backs = q.rejections;
    }
    s.tell(|_| Event::LookBackDone { analyzer: analyzer.to_owned(), test: test.to_owned(), affected });
}

/// QC state of one test on one analyzer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QcView {
    pub analyzer: String,
    pub test: String,
    /// Accepted QC valid now.
    pub valid: bool,
    pub rejected: bool,
    pub corrected_since_reject: bool,
    pub look_back_due: bool,
    /// Levels measured in the open run.
    pub open_levels: Vec<u8>,
    pub levels_needed: usize,
    /// A corrective action under way until then: no controls or patients meanwhile.
    pub busy_until: Option<SimTime>,
    /// Corrective actions taken since QC last passed, in order.
    pub tried: Vec<Corrective>,
}

/// One judged QC run on the Levey-Jennings chart.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChartRun {
    pub at: SimTime,
    pub points: Vec<ControlPoint>,
    /// Rules the run broke when it was judged (`["1-2s"]` alone for a warning).
    pub violations: Vec<String>,
    /// Whether the trainee accepted it.
    pub accepted: bool,
}

/// The Levey-Jennings chart of one test on one analyzer: judged runs, then
/// the controls measured in the open run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QcChart {
    pub analyzer: String,
    pub test: String,
    pub levels: u8,
    pub runs: Vec<ChartRun>,
    pub open: Vec<ControlPoint>,
}

impl Session {
    /// The lab's analyzer of that id.
    fn analyzer(&self, analyzer: &str) -> Result<&crate::model::Analyzer, Rejected> {
        self.scenario
            .lab
            .analyzers
            .iter()
            .find(|a| a.id == analyzer)
            .ok_or_else(|| no(format!("no analyzer `{analyzer}`")))
    }

    pub(super) fn analyzer_offers(&self, analyzer: &str, test: &str) -> Result<(), Rejected> {
        let a = self.analyzer(analyzer)?;
        if !a.offers(test) {
            return Err(no(format!("{analyzer} does not run {test}")));
        }
        Ok(())
    }

    /// Whether the analyzer can measure the test now (running, reagent on board).
    pub(super) fn analyzer_ready(&self, analyzer: &str, test: &str) -> Result<(), Rejected> {
        if let Some(why) = self.qc.errors.get(analyzer) {
            return Err(no(format!("{analyzer} is stopped: {why}")));
        }
        let q = self.qc.tests.at(analyzer, test);
        if q.reagent_out || q.reagent_remaining == Some(0) {
            return Err(no(format!("{analyzer} has no {test} reagent on board")));
        }
        self.not_busy(analyzer, test)
    }

    /// Refuses while a corrective action keeps the test out of use.
    pub(super) fn not_busy(&self, analyzer: &str, test: &str) -> Result<(), Rejected> {
        match self.qc.tests.get(analyzer, test).and_then(|q| q.busy) {
            Some((until, action)) if until > self.now => {
                let does = self
                    .corrective(analyzer, action)
                    .map_or_else(|_| "a corrective action".into(), |c| c.does);
                let until = self.scenario.meta.start.plus(until).to_string_full();
                Err(no(format!("{analyzer} {test}: {} under way until {until}", lower_first(&does))))
            }
            _ => Ok(()),
        }
    }

    /// The pack's corrective action on this analyzer's kind; refused if the
    /// pack has no such action for it.
    pub(super) fn corrective(&self, analyzer: &str, action: Corrective) -> Result<RawCorrective, Rejected> {
        let a = self.analyzer(analyzer)?;
        let fixes = self.scenario.policy.pack.qc.corrective_for(a.kind);
        match fixes.iter().find(|c| c.action == action) {
            Some(fix) => Ok(fix.clone()),
            None if action == Corrective::Recalibrate && a.kind == AnalyzerKind::Coagulation => {
                Err(no(format!(
                    "{analyzer} is not recalibrated by users: change the reagent vial or lot (a new lot is verified \
                 with its controls)"
                )))
            }
            None => {
                let offered: Vec<String> = fixes.iter().map(|c| lower_first(&c.does)).collect();
                Err(no(format!(
                    "not a corrective action on {analyzer}; this pack's are: {}",
                    offered.join("; ")
                )))
            }
        }
    }

    /// How many control levels the analyzer holds for the test.
    fn control_levels(&self, analyzer: &str, test: &str) -> usize {
        let analyzer = self.scenario.lab.analyzers.iter().find(|a| a.id == analyzer);
        analyzer.map_or(0, |a| a.controls.iter().filter(|c| c.test == test).count())
    }

    /// The tests on `analyzer` a run of its level `level` control measures:
    /// each whose QC is not valid now (and, if rejected, corrected since),
    /// whose levels to run include this one and that has not run it yet, and
    /// that the analyzer can run.
    pub(super) fn controls_due(&self, analyzer: &str, level: u8) -> Vec<String> {
        let Some(a) = self.scenario.lab.analyzers.iter().find(|a| a.id == analyzer) else {
            return Vec::new();
        };
        a.menu.iter().filter(|test| self.control_due(a, test, level)).cloned().collect()
    }

    /// Whether any test on `analyzer` is due for its level `level` control
    /// (as [`Session::controls_due`], building nothing).
    pub(super) fn any_control_due(&self, analyzer: &str, level: u8) -> bool {
        let a = self.scenario.lab.analyzers.iter().find(|a| a.id == analyzer);
        a.is_some_and(|a| a.menu.iter().any(|test| self.control_due(a, test, level)))
    }

    fn control_due(&self, a: &crate::model::Analyzer, test: &str, level: u8) -> bool {
        // Among the test's control levels, this one is within the first the rule set needs.
        let mut has = false;
        let mut below = 0;
        for c in a.controls.iter().filter(|c| c.test == test) {
            has |= c.level == level;
            below += usize::from(c.level < level);
        }
        if !has || below >= self.levels_needed(&a.id, test) {
            return false;
        }
        let q = self.qc.tests.get(&a.id, test);
        let open = q.is_some_and(|q| q.open.contains_key(&level));
        // A rejected test waits for its correction: rerunning it blind is no fix.
        let uncorrected =
            q.is_some_and(|q| matches!(q.status, QcStatus::Rejected(_)) && !q.corrected_since_reject);
        !open
            && !uncorrected
            && self.qc_status_now(&a.id, test, self.now) != QcAtMeasure::Valid
            && self.analyzer_ready(&a.id, test).is_ok()
    }

    fn levels_needed(&self, analyzer: &str, test: &str) -> usize {
        let available = self.control_levels(analyzer, test);
        let by_set = self.scenario.policy.rule_set_for(test).map_or(2, |s| usize::from(s.levels));
        by_set.min(available).max(1)
    }

    /// Whether a result measured now would have valid QC behind it.
    pub(super) fn qc_status_now(&self, analyzer: &str, test: &str, at: SimTime) -> QcAtMeasure {
        let Some(q) = self.qc.tests.get(analyzer, test) else {
            return QcAtMeasure::NotRun;
        };
        let kind = self.scenario.lab.analyzers.iter().find(|a| a.id == analyzer).map(|a| a.kind);
        let every_h = self
            .scenario
            .policy
            .pack
            .qc
            .frequency
            .iter()
            .find(|f| Some(f.kind) == kind)
            .map_or(24, |f| f.every_h);
        match q.status {
            QcStatus::NotRun => QcAtMeasure::NotRun,
            QcStatus::Rejected(_) => QcAtMeasure::Rejected,
            QcStatus::Passed(t) if at.0 - t.0 >= i64::from(every_h) * 3600 => QcAtMeasure::NotRun,
            QcStatus::Passed(_) if q.accepted_in_error => QcAtMeasure::AcceptedInError,
            QcStatus::Passed(_) => QcAtMeasure::Valid,
        }
    }

    /// The analytical SD of a test: its lowest control level's SD.
    pub(super) fn analytical_sd(&self, analyzer: &str, test: &str) -> f64 {
        self.scenario
            .lab
            .analyzers
            .iter()
            .find(|a| a.id == analyzer)
            .and_then(|a| a.controls.iter().filter(|c| c.test == test).min_by_key(|c| c.level))
            .map_or(0.0, |c| c.sd)
    }

    fn open_verdict(&self, analyzer: &str, test: &str) -> westgard::Verdict {
        let q = self.qc.tests.at(analyzer, test);
        let mut history = q.history.clone();
        history.push(q.open.iter().map(|(l, z)| ControlPoint { level: *l, z: *z }).collect());
        match self.scenario.policy.rule_set_for(test) {
            Some(rules) => westgard::evaluate(&history, rules),
            None => westgard::Verdict { violations: Vec::new(), decision: Decision::Accept },
        }
    }

    pub fn qc_view(&self, analyzer: &str, test: &str) -> Option<QcView> {
        let q = self.qc.tests.get(analyzer, test)?;
        Some(QcView {
            analyzer: analyzer.to_owned(),
            test: test.to_owned(),
            valid: self.qc_status_now(analyzer, test, self.now) == QcAtMeasure::Valid,
            rejected: matches!(q.status, QcStatus::Rejected(_)),
            corrected_since_reject: q.corrected_since_reject,
            look_back_due: q.rejections > q.look_backs,
            open_levels: q.open.keys().copied().collect(),
            levels_needed: self.levels_needed(analyzer, test),
            busy_until: q.busy.map(|(until, _)| until).filter(|until| *until > self.now),
            tried: q.tried.clone(),
        })
    }

    /// The Levey-Jennings chart of a test on an analyzer.
    pub fn qc_chart(&self, analyzer: &str, test: &str) -> Option<QcChart> {
        let q = self.qc.tests.get(analyzer, test)?;
        let levels = self.control_levels(analyzer, test);
        Some(QcChart {
            analyzer: analyzer.to_owned(),
            test: test.to_owned(),
            levels: u8::try_from(levels).unwrap_or(u8::MAX),
            runs: q.plotted.clone(),
            open: q.open.iter().map(|(l, z)| ControlPoint { level: *l, z: *z }).collect(),
        })
    }

    /// Every Levey-Jennings chart with at least one judged run, analyzer by
    /// analyzer in the order of their menus.
    pub fn qc_charts(&self) -> Vec<QcChart> {
        self.scenario
            .lab
            .analyzers
            .iter()
            .flat_map(|a| a.menu.iter().filter_map(|t| self.qc_chart(&a.id, t)))
            .filter(|c| !c.runs.is_empty())
            .collect()
    }

    /// The Westgard verdict on the open QC run of a test, were it judged now.
    pub fn qc_verdict(&self, analyzer: &str, test: &str) -> Option<westgard::Verdict> {
        self.qc.tests.get(analyzer, test).is_some().then(|| self.open_verdict(analyzer, test))
    }
}

/// "Clean the apertures" as it reads inside a sentence.
fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |c| c.to_lowercase().chain(chars).collect())
}
