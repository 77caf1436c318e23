//! A shift in progress: the one door into the simulation.
//!
//! [`Session::new`] sets the shift up from a checked scenario and a seed;
//! [`Session::apply`] is the only way to change it. Each call first plays the
//! scenario's timeline up to the action's time (arrivals, faults, spin ends),
//! then the action, and returns what happened as [`Event`]s. Every generated
//! value comes from the session's ChaCha generator, so the same scenario,
//! seed and actions always give the same shift and the same score.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use crate::action::{Action, Corrective, RejectReason};
use crate::model::{Scenario, Specimen};
use crate::raw::{
    CalibrationStatus, Category, Ppe, Priority, RawDelta, RawFault, RawTrueValue, Transport, TubeKind,
};
use crate::rules::{FindingSeverity, rule};
use crate::time::SimTime;
use crate::westgard::{self, ControlPoint, Decision};

/// Why an action could not be carried out. Nothing changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[error("{0}")]
pub struct Rejected(pub String);

fn no(message: impl Into<String>) -> Rejected {
    Rejected(message.into())
}

/// Something that happened in the shift, for the shells to show.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Event {
    SpecimenArrived {
        specimen: String,
        stat: bool,
    },
    /// A fault from the scenario's timeline, in words.
    FaultOccurred {
        description: String,
    },
    CoffeeOffered,
    /// The label as written beside the requisition, for comparison.
    LabelShown {
        specimen: String,
        label: Option<crate::model::Label>,
        requisition: Requisition,
    },
    SpecimenAccepted {
        specimen: String,
    },
    SpecimenRejected {
        specimen: String,
        reason: RejectReason,
    },
    RecollectionRequested {
        specimen: String,
    },
    CentrifugeStarted {
        until: SimTime,
        balanced: bool,
    },
    TubeBroke {
        specimen: String,
    },
    CentrifugeUnloaded {
        specimens: Vec<String>,
    },
    ControlMeasured {
        analyzer: String,
        test: String,
        level: u8,
        value: f64,
        z: f64,
    },
    QcAccepted {
        analyzer: String,
        test: String,
    },
    QcRejected {
        analyzer: String,
        test: String,
        violations: Vec<String>,
    },
    CorrectionDone {
        analyzer: String,
        test: String,
        action: Corrective,
    },
    ResultReady {
        specimen: String,
        test: String,
        value: f64,
        flags: Flags,
    },
    TestNotRun {
        specimen: String,
        test: String,
        reason: String,
    },
    ResultReleased {
        specimen: String,
        test: String,
    },
    ResultHeld {
        specimen: String,
        test: String,
    },
    CallAnswered {
        caregiver: String,
    },
    NoAnswer {
        caregiver: String,
    },
    ReadBackConfirmed {
        specimen: String,
        test: String,
    },
    CallDocumented {
        specimen: String,
        test: String,
    },
    LookBackDone {
        analyzer: String,
        test: String,
        affected: Vec<String>,
    },
    SpillCleaningStarted,
    SpillCleared,
    WasteDisposed {
        into: &'static str,
        items: u32,
    },
    Finding(Finding),
    ShiftEnded,
}

/// What the order says, for comparing against the label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Requisition {
    pub name: String,
    pub mrn: String,
    pub dob: String,
    pub location: String,
    pub tests: Vec<String>,
    pub stat: bool,
}

/// Flags on a patient result.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Flags {
    pub high: bool,
    pub low: bool,
    pub critical: bool,
    /// Hemolysis index at or above the assay's limit.
    pub hemolyzed: bool,
    pub above_amr: bool,
    pub delta_failed: bool,
}

/// A scored observation: what happened, the rule, and where to look it up.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub at: SimTime,
    pub rule: String,
    pub category: Category,
    pub severity: FindingSeverity,
    /// The specimen, analyzer or area it concerns ("" for the shift).
    pub subject: String,
    /// What happened, in plain words.
    pub what: String,
    /// What the rule requires.
    pub requirement: String,
    pub citation: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum QcAtMeasure {
    Valid,
    NotRun,
    Rejected,
}

#[derive(Debug, Clone)]
struct PatientResult {
    analyzer: String,
    value: f64,
    measured_at: SimTime,
    qc: QcAtMeasure,
    chart_mrn: String,
    flags: Flags,
    diluted: bool,
    reviewed_at: Option<SimTime>,
    released_at: Option<SimTime>,
    held: bool,
}

#[derive(Debug, Clone, Default)]
struct SpecimenState {
    arrived: bool,
    received: bool,
    accepted: bool,
    rejected: Option<RejectReason>,
    recollect_requested: bool,
    broken: bool,
    in_centrifuge: bool,
    centrifuged_at: Option<SimTime>,
    add_ons: Vec<String>,
    results: BTreeMap<String, PatientResult>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum QcStatus {
    NotRun,
    Passed(SimTime),
    Rejected(SimTime),
}

#[derive(Debug, Clone)]
struct QcState {
    status: QcStatus,
    open: BTreeMap<u8, f64>,
    history: Vec<Vec<ControlPoint>>,
    /// Every judged run, for the Levey-Jennings chart (corrections do not clear it).
    plotted: Vec<ChartRun>,
    corrected_since_reject: bool,
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
}

#[derive(Debug, Clone, Default)]
struct Centrifuge {
    loaded: Vec<String>,
    balance_tubes: u32,
    spinning_until: Option<SimTime>,
    broke: Option<(String, SimTime)>,
}

#[derive(Debug, Clone)]
struct Call {
    available_at: SimTime,
    first_attempt: Option<(SimTime, String, bool)>,
    answered_by: Option<String>,
    read_back_at: Option<SimTime>,
    documented: bool,
    reviewed_before_call: bool,
}

#[derive(Debug, Clone)]
struct Spill {
    cleaning: Option<(SimTime, u32)>,
}

/// A shift in progress.
#[derive(Debug, Clone)]
pub struct Session {
    scenario: Arc<Scenario>,
    seed: u64,
    rng: ChaCha8Rng,
    now: SimTime,
    next_timeline: usize,
    arrivals: Vec<(SimTime, usize)>,
    next_arrival: usize,
    /// The true value of each (specimen, test).
    truth: PairMap<f64>,
    wearing: BTreeSet<Ppe>,
    hands_to_wash: bool,
    specimens: BTreeMap<String, SpecimenState>,
    qc: PairMap<QcState>,
    analyzer_error: BTreeMap<String, String>,
    calibration_due: BTreeSet<(String, String)>,
    centrifuge: Centrifuge,
    /// Critical results to call, by (specimen, test).
    calls: PairMap<Call>,
    unreachable: BTreeMap<String, (SimTime, Option<SimTime>)>,
    spills: Vec<Spill>,
    sharps_fill: u32,
    biohazard_fill: u32,
    pending_sharps: u32,
    pending_biohazard: u32,
    findings: Vec<Finding>,
    /// Findings recorded, by (rule, subject): each is recorded once.
    noted: PairMap<()>,
    /// Events not yet handed to a shell.
    undelivered: Vec<Event>,
    /// Whether the step under way builds events for a shell. A replay for a
    /// score builds none: it changes the shift exactly as a live step does.
    telling: bool,
    ended: bool,
}

/// Minutes to whole seconds.
fn minutes(m: u32) -> i64 {
    i64::from(m) * 60
}

/// Rounds to a test's reported decimals.
fn round_to(value: f64, decimals: u8) -> f64 {
    let scale = 10f64.powi(i32::from(decimals));
    (value * scale).round() / scale
}

fn needs_centrifuge(tube: TubeKind) -> bool {
    !matches!(
        tube,
        TubeKind::LavenderEdta | TubeKind::BloodGasSyringe | TubeKind::UrineCup | TubeKind::BloodCulture
    )
}

fn anticoagulated(tube: TubeKind) -> bool {
    matches!(
        tube,
        TubeKind::LightBlueCitrate
            | TubeKind::GreenLithiumHeparin
            | TubeKind::LavenderEdta
            | TubeKind::GrayFluorideOxalate
            | TubeKind::BloodGasSyringe
    )
}

/// Whether two written texts say the same, letter case, spaces and
/// punctuation aside ("Smith, J" and "smith j"). Compared as they are read:
/// nothing is built.
fn same_text(a: &str, b: &str) -> bool {
    a == b || normalized(a).eq(normalized(b))
}

fn normalized(text: &str) -> impl Iterator<Item = char> + '_ {
    text.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase)
}

impl Session {
    /// Sets up a shift. True values given as ranges are drawn now, in file
    /// order, from the seeded generator.
    ///
    /// Choices, event windows and shift ranges are settled first (see
    /// [`crate::random`]); [`Session::scenario`] is the settled scenario.
    pub fn new(scenario: &Arc<Scenario>, seed: u64) -> Session {
        let resolved;
        let scenario = if scenario.randomizes() {
            resolved = Arc::new(crate::random::resolve(scenario, seed));
            &resolved
        } else {
            scenario
        };
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut truth = PairMap::default();
        for s in &scenario.specimens {
            for (test, value) in &s.values {
                let decimals = scenario.policy.test(test).map_or(2, |t| t.decimals);
                let v = match *value {
                    RawTrueValue::Exact(v) => v,
                    RawTrueValue::Between(lo, hi) => round_to(lo + (hi - lo) * rng.random::<f64>(), decimals),
                };
                truth.insert(&s.id, test, v);
            }
        }
        let mut qc = PairMap::default();
        let mut calibration_due = BTreeSet::new();
        for a in &scenario.lab.analyzers {
            for test in &a.menu {
                let lots: Vec<_> = a.reagents.iter().filter(|r| &r.test == test).collect();
                let calibration_bad =
                    a.calibration.iter().any(|c| &c.test == test && c.status != CalibrationStatus::Valid);
                if calibration_bad {
                    calibration_due.insert((a.id.clone(), test.clone()));
                }
                qc.insert(
                    &a.id,
                    test,
                    QcState {
                        status: QcStatus::NotRun,
                        open: BTreeMap::new(),
                        history: Vec::new(),
                        plotted: Vec::new(),
                        corrected_since_reject: false,
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
                    },
                );
            }
        }
        let mut arrivals: Vec<(SimTime, usize)> =
            scenario.specimens.iter().enumerate().map(|(i, s)| (s.arrives, i)).collect();
        arrivals.sort();
        let unreachable = scenario
            .caregivers
            .iter()
            .filter(|c| !c.reachable)
            .map(|c| (c.id.clone(), (SimTime(i64::MIN), None)))
            .collect();
        Session {
            scenario: Arc::clone(scenario),
            seed,
            rng,
            now: SimTime::ZERO,
            next_timeline: 0,
            arrivals,
            next_arrival: 0,
            truth,
            wearing: BTreeSet::new(),
            hands_to_wash: false,
            specimens: scenario.specimens.iter().map(|s| (s.id.clone(), SpecimenState::default())).collect(),
            qc,
            analyzer_error: BTreeMap::new(),
            calibration_due,
            centrifuge: Centrifuge::default(),
            calls: PairMap::default(),
            unreachable,
            spills: Vec::new(),
            sharps_fill: scenario.lab.sharps.fill,
            biohazard_fill: scenario.lab.biohazard.fill,
            pending_sharps: 0,
            pending_biohazard: 0,
            findings: Vec::new(),
            noted: PairMap::default(),
            undelivered: Vec::new(),
            telling: true,
            ended: false,
        }
    }

    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    /// The scenario, shared.
    pub fn scenario_arc(&self) -> &Arc<Scenario> {
        &self.scenario
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }

    pub fn now(&self) -> SimTime {
        self.now
    }

    pub fn is_ended(&self) -> bool {
        self.ended
    }

    pub fn findings(&self) -> &[Finding] {
        &self.findings
    }

    /// PPE the trainee is wearing.
    pub fn wearing(&self) -> &BTreeSet<Ppe> {
        &self.wearing
    }

    /// The value drawn for a specimen's test (the answer key).
    pub fn true_value(&self, specimen: &str, test: &str) -> Option<f64> {
        self.truth.get(specimen, test).copied()
    }

    /// Applies one action at simulated time `at` (not before the last one).
    pub fn apply(&mut self, action: Action, at: SimTime) -> Result<Vec<Event>, Rejected> {
        self.telling = true;
        let before = self.findings.len();
        self.step(&action, at)?;
        let mut events = std::mem::take(&mut self.undelivered);
        events.extend(self.findings[before..].iter().cloned().map(Event::Finding));
        Ok(events)
    }

    /// Applies one action as [`Session::apply`] does, building no events: for
    /// replaying a log to score it. The shift changes exactly as it would live;
    /// what the timeline brings during a replayed step is not told later either.
    pub fn replay(&mut self, action: &Action, at: SimTime) -> Result<(), Rejected> {
        self.telling = false;
        self.step(action, at)
    }

    /// Builds an event for the shell, unless the session is replaying.
    fn tell(&mut self, event: impl FnOnce(&Session) -> Event) {
        if self.telling {
            let event = event(self);
            self.undelivered.push(event);
        }
    }

    /// One action, live or replayed: the timeline up to `at`, the checks, the action.
    fn step(&mut self, action: &Action, at: SimTime) -> Result<(), Rejected> {
        if self.ended {
            return Err(no("the shift has ended"));
        }
        if at < self.now {
            let clock = |t: SimTime| self.scenario.meta.start.plus(t).to_string_full();
            return Err(no(format!("time goes forward only: {} is before {}", clock(at), clock(self.now))));
        }
        let limit = self.scenario.meta.time_limit;
        if at > limit && *action != Action::EndShift {
            return Err(no(format!("the shift ended at {}", self.scenario.meta.start.plus(limit))));
        }
        let at = at.min(limit);
        // The timeline plays up to `at` whatever the action; what it brings is
        // delivered with the next action that succeeds.
        self.advance(at);
        // Every refusal is found here, before the action changes anything.
        self.precheck(action, at)?;
        self.check_hygiene(action, at);
        self.check_ppe(action, at);
        let told = self.undelivered.len();
        if let Err(why) = self.act(action, at) {
            self.undelivered.truncate(told);
            return Err(why);
        }
        Ok(())
    }

    /// Plays the timeline up to `to`: arrivals, faults, centrifuge ends.
    fn advance(&mut self, to: SimTime) {
        self.now = to;
        while let Some(&(t, i)) = self.arrivals.get(self.next_arrival) {
            if t > to {
                break;
            }
            self.next_arrival += 1;
            let scenario = Arc::clone(&self.scenario);
            let s = &scenario.specimens[i];
            if let Some(state) = self.specimens.get_mut(&s.id) {
                state.arrived = true;
            }
            self.tell(|_| Event::SpecimenArrived {
                specimen: s.id.clone(),
                stat: s.priority == Priority::Stat,
            });
        }
        let scenario = Arc::clone(&self.scenario);
        while let Some(e) = scenario.events.get(self.next_timeline) {
            if e.at > to {
                break;
            }
            self.next_timeline += 1;
            self.fault(&e.fault, e.at);
        }
    }

    fn qc_mut(&mut self, analyzer: &str, test: &str) -> Option<&mut QcState> {
        self.qc.get_mut(analyzer, test)
    }

    fn fault(&mut self, fault: &RawFault, at: SimTime) {
        match fault {
            RawFault::QcShift { analyzer, test, sd, spread, .. } => {
                // A shift is silent: QC has to find it.
                if let Some(q) = self.qc_mut(analyzer, test) {
                    q.shift_sd += sd;
                    q.spread = *spread;
                }
            }
            RawFault::QcDrift { analyzer, test, sd_per_hour } => {
                if let Some(q) = self.qc_mut(analyzer, test) {
                    q.drift = Some((at, *sd_per_hour));
                }
            }
            RawFault::Imprecision { analyzer, test, factor } => {
                if let Some(q) = self.qc_mut(analyzer, test) {
                    q.imprecision *= factor;
                }
            }
            RawFault::ReagentOut { analyzer, test } => {
                if let Some(q) = self.qc_mut(analyzer, test) {
                    q.reagent_out = true;
                }
                self.tell_fault(|| format!("{analyzer}: {test} reagent empty"));
            }
            RawFault::AnalyzerError { analyzer, code, message } => {
                self.analyzer_error.insert(analyzer.clone(), format!("{code} {message}"));
                self.tell_fault(|| format!("{analyzer} stopped: {code} {message}"));
            }
            RawFault::Spill { area, volume_ml } => {
                self.spills.push(Spill { cleaning: None });
                self.tell_fault(|| format!("blood spill, {volume_ml} mL, at {area:?}"));
            }
            RawFault::CaregiverUnreachable { caregiver, minutes: m } => {
                // Found out by calling.
                let until = m.map(|m| SimTime(at.0 + minutes(m)));
                self.unreachable.insert(caregiver.clone(), (at, until));
            }
            RawFault::StatOrder { specimen, tests } => {
                if let Some(s) = self.specimens.get_mut(specimen) {
                    s.add_ons.extend(tests.iter().cloned());
                }
                self.tell_fault(|| format!("STAT add-on for {specimen}: {}", tests.join(", ")));
            }
            RawFault::CoffeeOffered => self.tell(|_| Event::CoffeeOffered),
            RawFault::Hemolysis { specimen, index } => {
                // Seen by looking at the tube.
                let accepted =
                    self.specimens.get(specimen).is_some_and(|s| s.accepted || s.rejected.is_some());
                if let Some(i) = self.scenario.specimens.iter().position(|s| &s.id == specimen)
                    && !accepted
                {
                    // The specimen itself changed: its tube, its defects and its
                    // measurements all read the new index from now on.
                    Arc::make_mut(&mut self.scenario).specimens[i].hemolysis_index = *index;
                }
            }
        }
    }

    /// A fault the trainee is told of, in words.
    fn tell_fault(&mut self, description: impl FnOnce() -> String) {
        self.tell(|_| Event::FaultOccurred { description: description() });
    }

    // -----------------------------------------------------------------------
    // Findings
    // -----------------------------------------------------------------------

    /// Records a finding once per (rule, subject).
    fn find(&mut self, id: &str, at: SimTime, subject: &str, what: String) {
        if self.noted.get(id, subject).is_some() {
            return;
        }
        self.noted.insert(id, subject, ());
        let Some(def) = rule(id) else { return };
        let severity = if self.scenario.rubric.critical.iter().any(|c| c == id) {
            FindingSeverity::Critical
        } else {
            def.severity
        };
        self.findings.push(Finding {
            at,
            rule: id.to_owned(),
            category: def.category,
            severity,
            subject: subject.to_owned(),
            what,
            requirement: def.requirement.to_owned(),
            citation: def.citation.to_owned(),
        });
    }

    fn check_hygiene(&mut self, action: &Action, at: SimTime) {
        if !self.hands_to_wash {
            return;
        }
        match action {
            Action::WashHands => self.hands_to_wash = false,
            Action::TakeOff(_) | Action::Wait => {}
            _ => {
                self.hands_to_wash = false;
                self.find(
                    "SAF-HAND-HYGIENE",
                    at,
                    "",
                    "Gloves came off and hands were not washed before the next task.".into(),
                );
            }
        }
    }

    fn check_ppe(&mut self, action: &Action, at: SimTime) {
        let Some(area) = action.area() else { return };
        let Some(rule) = self.scenario.policy.pack.ppe.iter().find(|r| r.area == area) else { return };
        let missing: Vec<Ppe> = rule.require.iter().filter(|p| !self.wearing.contains(p)).copied().collect();
        let forbidden: Vec<Ppe> = rule.forbid.iter().filter(|p| self.wearing.contains(p)).copied().collect();
        if !missing.is_empty() {
            self.find(
                "SAF-PPE",
                at,
                &format!("{area:?}"),
                format!("Worked at {area:?} without {missing:?}."),
            );
        }
        if !forbidden.is_empty() {
            self.find(
                "SAF-PPE-CLEAN-AREA",
                at,
                &format!("{area:?}"),
                format!("Wore {forbidden:?} at {area:?}, a clean area."),
            );
        }
    }

    // -----------------------------------------------------------------------
    // Lookups
    // -----------------------------------------------------------------------

    fn spec(&self, id: &str) -> Result<&Specimen, Rejected> {
        self.scenario.specimens.iter().find(|s| s.id == id).ok_or_else(|| no(format!("no specimen `{id}`")))
    }

    fn state(&self, id: &str) -> Result<&SpecimenState, Rejected> {
        self.specimens.get(id).ok_or_else(|| no(format!("no specimen `{id}`")))
    }

    fn arrived(&self, id: &str, at: SimTime) -> Result<(), Rejected> {
        let s = self.spec(id)?;
        if s.arrives > at {
            return Err(no(format!("{id} has not arrived yet")));
        }
        Ok(())
    }

    fn analyzer_offers(&self, analyzer: &str, test: &str) -> Result<(), Rejected> {
        let a = self
            .scenario
            .lab
            .analyzers
            .iter()
            .find(|a| a.id == analyzer)
            .ok_or_else(|| no(format!("no analyzer `{analyzer}`")))?;
        if !a.offers(test) {
            return Err(no(format!("{analyzer} does not run {test}")));
        }
        Ok(())
    }

    /// The specimen's defects under the policy pack: what a correct rejection names.
    pub fn defects(&self, id: &str) -> Vec<RejectReason> {
        let Ok(s) = self.spec(id) else { return Vec::new() };
        let policy = &self.scenario.policy.pack;
        let mut d = Vec::new();
        let patient = self.scenario.patients.iter().find(|p| p.mrn == s.patient);
        match &s.label {
            None => d.push(RejectReason::Unlabeled),
            Some(label) => {
                let identifiers =
                    [&label.name, &label.mrn, &label.dob].iter().filter(|f| f.is_some()).count();
                if identifiers < usize::from(policy.rejection.identifiers_required) {
                    d.push(RejectReason::InsufficientIdentifiers);
                }
                if let Some(p) = patient {
                    let wrong = |written: &Option<String>, truth: &str| {
                        written.as_ref().is_some_and(|w| !same_text(w, truth))
                    };
                    if wrong(&label.name, &p.name)
                        || wrong(&label.mrn, &p.mrn)
                        || wrong(&label.dob, &p.dob.to_string())
                    {
                        d.push(RejectReason::Mislabeled);
                    }
                }
                if label.collected.is_none() {
                    d.push(RejectReason::NoCollectionTime);
                }
            }
        }
        let tests = s.tests.iter().filter_map(|t| self.scenario.policy.test(t));
        let mut hemolyzed = false;
        let mut wrong_tube = false;
        let mut wrong_temp = false;
        for t in tests {
            wrong_tube |= !t.tubes.contains(&s.tube);
            hemolyzed |= t.hemolysis.as_ref().is_some_and(|h| s.hemolysis_index >= h.limit_index);
            wrong_temp |=
                t.transport.is_some_and(|need| need != s.transport && s.transport == Transport::Ambient);
        }
        if wrong_tube {
            d.push(RejectReason::WrongTube);
        }
        if s.clotted && anticoagulated(s.tube) {
            d.push(RejectReason::Clotted);
        }
        let min_fill = if s.tube == TubeKind::LightBlueCitrate {
            policy.rejection.citrate_min_fill_pct
        } else {
            policy.rejection.min_fill_pct
        };
        if s.fill_pct < min_fill {
            d.push(RejectReason::QuantityNotSufficient);
        }
        if hemolyzed {
            d.push(RejectReason::Hemolyzed);
        }
        if s.lipemia_index >= policy.rejection.lipemia_limit_index {
            d.push(RejectReason::Lipemic);
        }
        if s.icterus_index >= policy.rejection.icterus_limit_index {
            d.push(RejectReason::Icteric);
        }
        if s.arrives.0 - s.collected.0 > minutes(policy.rejection.transport_max_min) {
            d.push(RejectReason::DelayedTransport);
        }
        if wrong_temp {
            d.push(RejectReason::WrongTemperature);
        }
        if s.leaking {
            d.push(RejectReason::Leaking);
        }
        d
    }

    fn qc_status_now(&self, analyzer: &str, test: &str, at: SimTime) -> QcAtMeasure {
        let Some(q) = self.qc.get(analyzer, test) else {
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
            QcStatus::Passed(_) => QcAtMeasure::Valid,
        }
    }

    /// Normal deviate (Box–Muller) from the session's generator.
    fn normal(&mut self) -> f64 {
        let u1: f64 = self.rng.random::<f64>().max(f64::MIN_POSITIVE);
        let u2: f64 = self.rng.random::<f64>();
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }

    /// The systematic error (in control SDs) of a test on an analyzer at `at`.
    fn bias_sd(&self, analyzer: &str, test: &str, at: SimTime) -> (f64, f64) {
        let Some(q) = self.qc.get(analyzer, test) else { return (0.0, 1.0) };
        let drift = q.drift.map_or(0.0, |(since, per_h)| per_h * (at.0 - since.0) as f64 / 3600.0);
        (q.shift_sd + drift, q.imprecision * q.spread)
    }

    /// The analytical SD of a test: its lowest control level's SD.
    fn analytical_sd(&self, analyzer: &str, test: &str) -> f64 {
        self.scenario
            .lab
            .analyzers
            .iter()
            .find(|a| a.id == analyzer)
            .and_then(|a| a.controls.iter().filter(|c| c.test == test).min_by_key(|c| c.level))
            .map_or(0.0, |c| c.sd)
    }

    // -----------------------------------------------------------------------
    // Actions
    // -----------------------------------------------------------------------

    /// Every reason to refuse `action`, checked before the timeline moves.
    fn precheck(&self, action: &Action, at: SimTime) -> Result<(), Rejected> {
        use Action::*;
        match action {
            TakeOff(p) if !self.wearing.contains(p) => Err(no(format!("not wearing {p:?}"))),
            PutOn(p) if self.wearing.contains(p) => Err(no(format!("already wearing {p:?}"))),
            Receive { specimen } => {
                self.arrived(specimen, at)?;
                if self.state(specimen)?.received {
                    return Err(no(format!("{specimen} is already received")));
                }
                Ok(())
            }
            CompareLabel { specimen } | Accept { specimen } | Reject { specimen, .. } => {
                self.arrived(specimen, at)?;
                let s = self.state(specimen)?;
                if !s.received {
                    return Err(no(format!("receive {specimen} first")));
                }
                if !matches!(action, CompareLabel { .. }) && (s.accepted || s.rejected.is_some()) {
                    return Err(no(format!("{specimen} is already decided")));
                }
                Ok(())
            }
            RequestRecollection { specimen } => {
                let s = self.state(specimen)?;
                if s.rejected.is_none() && !s.broken {
                    return Err(no(format!("{specimen} is neither rejected nor broken")));
                }
                Ok(())
            }
            LoadCentrifuge { specimen } => {
                let s = self.state(specimen)?;
                if self.centrifuge.spinning_until.is_some() {
                    return Err(no("the centrifuge is running; open it first"));
                }
                if !s.accepted || s.broken {
                    return Err(no(format!("{specimen} is not an accepted specimen")));
                }
                if s.in_centrifuge || s.centrifuged_at.is_some() {
                    return Err(no(format!("{specimen} is already spun or loaded")));
                }
                if !needs_centrifuge(self.spec(specimen)?.tube) {
                    return Err(no(format!("{specimen} is whole blood; it is not centrifuged")));
                }
                let used = self.centrifuge.loaded.len() as u32 + self.centrifuge.balance_tubes;
                if used >= u32::from(self.scenario.lab.centrifuge.slots) {
                    return Err(no("the centrifuge is full"));
                }
                Ok(())
            }
            AddBalanceTube => {
                if self.centrifuge.spinning_until.is_some() {
                    return Err(no("the centrifuge is running"));
                }
                Ok(())
            }
            StartCentrifuge => {
                if self.centrifuge.spinning_until.is_some() {
                    return Err(no("the centrifuge is already running"));
                }
                if self.centrifuge.loaded.is_empty() {
                    return Err(no("the centrifuge is empty"));
                }
                Ok(())
            }
            OpenCentrifuge => match self.centrifuge.spinning_until {
                None => Err(no("the centrifuge is not running")),
                Some(until) if at < until => Err(no("the lid is locked while the rotor turns")),
                Some(_) => Ok(()),
            },
            RunControl { analyzer, test, level } => {
                self.analyzer_offers(analyzer, test)?;
                self.analyzer_ready(analyzer, test)?;
                let has_level = self.scenario.lab.analyzers.iter().any(|a| {
                    &a.id == analyzer && a.controls.iter().any(|c| &c.test == test && c.level == *level)
                });
                if !has_level {
                    return Err(no(format!("no level {level} control for {test} on {analyzer}")));
                }
                Ok(())
            }
            AcceptQc { analyzer, test } | RejectQc { analyzer, test, .. } => {
                self.analyzer_offers(analyzer, test)?;
                let q = self.qc.at(analyzer, test);
                let needed = self.levels_needed(analyzer, test);
                if q.open.len() < needed {
                    return Err(no(format!("run all {needed} control levels of {test} first")));
                }
                Ok(())
            }
            CorrectiveAction { analyzer, test, .. }
            | Calibrate { analyzer, test }
            | LoadReagent { analyzer, test }
            | LookBack { analyzer, test } => self.analyzer_offers(analyzer, test),
            RunTests { specimen, analyzer } => {
                let s = self.state(specimen)?;
                if !s.accepted || s.broken {
                    return Err(no(format!("{specimen} is not an accepted specimen")));
                }
                if s.in_centrifuge {
                    return Err(no(format!("{specimen} is in the centrifuge")));
                }
                if let Some(why) = self.analyzer_error.get(analyzer) {
                    return Err(no(format!("{analyzer} is stopped: {why}")));
                }
                let spec = self.spec(specimen)?;
                let a = self
                    .scenario
                    .lab
                    .analyzers
                    .iter()
                    .find(|a| &a.id == analyzer)
                    .ok_or_else(|| no(format!("no analyzer `{analyzer}`")))?;
                if !spec.tests.iter().chain(&s.add_ons).any(|t| a.offers(t)) {
                    return Err(no(format!("{analyzer} runs none of the tests ordered on {specimen}")));
                }
                Ok(())
            }
            Dilute { specimen, test, factor } => {
                if *factor < 2 {
                    return Err(no("a dilution factor is at least 2"));
                }
                self.result(specimen, test).map(|_| ())
            }
            Review { specimen, test } | Repeat { specimen, test } | Hold { specimen, test } => {
                self.result(specimen, test).map(|_| ())
            }
            Release { specimen, test } => {
                let r = self.result(specimen, test)?;
                if r.released_at.is_some() {
                    return Err(no(format!("{specimen} {test} is already released")));
                }
                Ok(())
            }
            CallCaregiver { specimen, test, caregiver } => {
                self.result(specimen, test)?;
                if !self.scenario.caregivers.iter().any(|c| &c.id == caregiver) {
                    return Err(no(format!("no caregiver `{caregiver}`")));
                }
                Ok(())
            }
            ConfirmReadBack { specimen, test } | DocumentCall { specimen, test, .. } => {
                let call = self.calls.get(specimen, test);
                if call.and_then(|c| c.answered_by.as_ref()).is_none() {
                    return Err(no(format!("no caregiver has answered a call about {specimen} {test}")));
                }
                Ok(())
            }
            CleanSpill { dilution_one_in } => {
                if *dilution_one_in == 0 {
                    return Err(no("a 1:0 dilution is not a dilution"));
                }
                if !self.spills.iter().any(|s| s.cleaning.is_none()) {
                    return Err(no("there is no spill to clean"));
                }
                Ok(())
            }
            FinishSpill => {
                if !self.spills.iter().any(|s| s.cleaning.is_some()) {
                    return Err(no("no spill is being disinfected"));
                }
                Ok(())
            }
            Inject(fault) => self.injectable(fault),
            _ => Ok(()),
        }
    }

    /// Whether a fault can be injected live, as it is written.
    fn injectable(&self, fault: &RawFault) -> Result<(), Rejected> {
        match fault {
            RawFault::QcShift { analyzer, test, sd, spread, .. } => {
                if self.qc.get(analyzer, test).is_none() {
                    return Err(no(format!("{analyzer} runs no QC for {test}")));
                }
                if *sd == 0.0 || !sd.is_finite() || !(*spread > 0.0 && *spread <= 1.0) {
                    return Err(no("a QC shift needs a size other than 0 SD and a spread in (0, 1]"));
                }
                Ok(())
            }
            RawFault::Hemolysis { specimen, index } => {
                let s = self.state(specimen)?;
                if s.accepted || s.rejected.is_some() {
                    return Err(no(format!("{specimen} is already decided at reception")));
                }
                if !(1..=5).contains(index) {
                    return Err(no(format!("hemolysis index {index} is outside 1-5")));
                }
                Ok(())
            }
            RawFault::Spill { volume_ml, .. } if *volume_ml > 0 => Ok(()),
            RawFault::CaregiverUnreachable { caregiver, .. } => {
                if !self.scenario.caregivers.iter().any(|c| &c.id == caregiver) {
                    return Err(no(format!("no caregiver `{caregiver}` in this scenario")));
                }
                Ok(())
            }
            other => Err(no(format!("{other:?} cannot be injected live"))),
        }
    }

    fn analyzer_ready(&self, analyzer: &str, test: &str) -> Result<(), Rejected> {
        if let Some(why) = self.analyzer_error.get(analyzer) {
            return Err(no(format!("{analyzer} is stopped: {why}")));
        }
        let q = self.qc.at(analyzer, test);
        if q.reagent_out || q.reagent_remaining == Some(0) {
            return Err(no(format!("{analyzer} has no {test} reagent on board")));
        }
        Ok(())
    }

    /// How many control levels the analyzer holds for the test.
    fn control_levels(&self, analyzer: &str, test: &str) -> usize {
        let analyzer = self.scenario.lab.analyzers.iter().find(|a| a.id == analyzer);
        analyzer.map_or(0, |a| a.controls.iter().filter(|c| c.test == test).count())
    }

    fn levels_needed(&self, analyzer: &str, test: &str) -> usize {
        let available = self.control_levels(analyzer, test);
        let by_set = self.scenario.policy.rule_set_for(test).map_or(2, |s| usize::from(s.levels));
        by_set.min(available).max(1)
    }

    fn result(&self, specimen: &str, test: &str) -> Result<&PatientResult, Rejected> {
        self.state(specimen)?.results.get(test).ok_or_else(|| no(format!("{specimen} has no {test} result")))
    }

    fn result_mut(&mut self, specimen: &str, test: &str) -> Option<&mut PatientResult> {
        self.specimens.get_mut(specimen).and_then(|s| s.results.get_mut(test))
    }

    fn act(&mut self, action: &Action, at: SimTime) -> Result<(), Rejected> {
        use Action::*;
        match action {
            PutOn(p) => {
                self.wearing.insert(*p);
            }
            TakeOff(p) => {
                self.wearing.remove(p);
                if *p == Ppe::Gloves {
                    // Gloves go straight into the biohazard bin as they come off.
                    self.hands_to_wash = true;
                    self.biohazard_fill += 1;
                }
            }
            WashHands => {}
            EatOrDrink => self.find("SAF-EATING", at, "", "Ate or drank at the bench.".into()),
            RecapNeedle => self.find("SAF-RECAP", at, "", "Recapped a needle.".into()),
            Receive { specimen } => {
                if let Some(s) = self.specimens.get_mut(specimen) {
                    s.received = true;
                }
                self.show_label(specimen)?;
            }
            CompareLabel { specimen } => self.show_label(specimen)?,
            Accept { specimen } => {
                let defects = self.defects(specimen);
                if let Some(s) = self.specimens.get_mut(specimen) {
                    s.accepted = true;
                }
                for d in &defects {
                    let (rule, what) = match d {
                        RejectReason::Unlabeled => ("ID-UNLABELED", "an unlabeled specimen"),
                        RejectReason::Mislabeled => {
                            ("ID-MISLABELED", "a specimen whose label does not match its order")
                        }
                        RejectReason::InsufficientIdentifiers => {
                            ("ID-TWO-IDENTIFIERS", "a specimen with fewer than two identifiers")
                        }
                        RejectReason::NoCollectionTime => {
                            ("ID-NO-COLLECTION-TIME", "a label with no collection time")
                        }
                        RejectReason::WrongTube => ("PROC-WRONG-TUBE", "a specimen in the wrong tube"),
                        RejectReason::Clotted => ("PROC-CLOTTED", "a clotted specimen"),
                        RejectReason::QuantityNotSufficient => ("PROC-UNDERFILLED", "an under-filled tube"),
                        RejectReason::Hemolyzed | RejectReason::Lipemic | RejectReason::Icteric => (
                            "PROC-HEMOLYZED",
                            "a specimen beyond the assay's hemolysis, lipemia or icterus limit",
                        ),
                        RejectReason::DelayedTransport => {
                            ("PROC-DELAYED", "a specimen that took too long to arrive")
                        }
                        RejectReason::WrongTemperature => {
                            ("PROC-TEMPERATURE", "a specimen transported at the wrong temperature")
                        }
                        RejectReason::Leaking => ("PROC-LEAKING", "a leaking specimen"),
                    };
                    self.find(rule, at, specimen, format!("Accepted {specimen}, {what} ({d:?})."));
                }
                self.tell(|_| Event::SpecimenAccepted { specimen: specimen.clone() });
            }
            Reject { specimen, reason } => {
                let defects = self.defects(specimen);
                if defects.is_empty() {
                    self.find(
                        "ID-GOOD-REJECTED",
                        at,
                        specimen,
                        format!("Rejected {specimen} ({reason:?}), an acceptable specimen."),
                    );
                } else if !defects.contains(reason) {
                    self.find(
                        "ID-WRONG-REASON",
                        at,
                        specimen,
                        format!("Rejected {specimen} as {reason:?}; the problem was {defects:?}."),
                    );
                }
                if let Some(s) = self.specimens.get_mut(specimen) {
                    s.rejected = Some(*reason);
                }
                self.pending_biohazard += 1;
                self.tell(|_| Event::SpecimenRejected { specimen: specimen.clone(), reason: *reason });
            }
            RequestRecollection { specimen } => {
                if let Some(s) = self.specimens.get_mut(specimen) {
                    s.recollect_requested = true;
                }
                self.tell(|_| Event::RecollectionRequested { specimen: specimen.clone() });
            }
            LoadCentrifuge { specimen } => {
                if let Some(s) = self.specimens.get_mut(specimen) {
                    s.in_centrifuge = true;
                }
                self.centrifuge.loaded.push(specimen.clone());
            }
            AddBalanceTube => self.centrifuge.balance_tubes += 1,
            StartCentrifuge => {
                let count = self.centrifuge.loaded.len() as u32 + self.centrifuge.balance_tubes;
                let balanced = count.is_multiple_of(2);
                let until = SimTime(at.0 + minutes(self.scenario.lab.centrifuge.spin_min));
                self.centrifuge.spinning_until = Some(until);
                self.tell(|_| Event::CentrifugeStarted { until, balanced });
                if !balanced {
                    self.find(
                        "SAF-CENTRIFUGE",
                        at,
                        "balance",
                        format!("Started the centrifuge unbalanced ({count} tubes)."),
                    );
                    // The unbalanced rotor breaks the last tube loaded: a spill inside the centrifuge.
                    if let Some(victim) = self.centrifuge.loaded.last().cloned() {
                        if let Some(s) = self.specimens.get_mut(&victim) {
                            s.broken = true;
                        }
                        self.centrifuge.broke = Some((victim.clone(), at));
                        self.spills.push(Spill { cleaning: None });
                        self.tell(|_| Event::TubeBroke { specimen: victim });
                    }
                }
            }
            OpenCentrifuge => {
                let until = self.centrifuge.spinning_until.unwrap_or(at);
                let started = SimTime(until.0 - minutes(self.scenario.lab.centrifuge.spin_min));
                if let Some((_, broke_at)) = &self.centrifuge.broke {
                    let wait = minutes(self.scenario.policy.pack.centrifuge.breakage_wait_min);
                    if at.0 - until.0.max(broke_at.0) < wait {
                        self.find(
                            "SAF-CENTRIFUGE",
                            at,
                            "breakage",
                            "Opened the centrifuge too soon after a tube broke.".into(),
                        );
                    }
                }
                let loaded = std::mem::take(&mut self.centrifuge.loaded);
                let mut unloaded = Vec::new();
                for id in loaded {
                    let collected = self.spec(&id).map(|s| s.collected).unwrap_or(at);
                    let limit = self.uncentrifuged_limit(&id);
                    if let Some(s) = self.specimens.get_mut(&id) {
                        s.in_centrifuge = false;
                        if s.broken {
                            continue;
                        }
                        s.centrifuged_at = Some(until);
                    }
                    if started.0 - collected.0 > limit {
                        self.find(
                            "PROC-DELAYED",
                            at,
                            &id,
                            format!(
                                "{id} waited {} min from collection to centrifugation.",
                                (started.0 - collected.0) / 60
                            ),
                        );
                    }
                    unloaded.push(id);
                }
                self.centrifuge = Centrifuge::default();
                self.tell(|_| Event::CentrifugeUnloaded { specimens: unloaded });
            }
            RunControl { analyzer, test, level } => self.run_control(analyzer, test, *level, at),
            AcceptQc { analyzer, test } => {
                let verdict = self.open_verdict(analyzer, test);
                if verdict.decision == Decision::Reject {
                    self.find(
                        "QC-REJECT-IGNORED",
                        at,
                        &format!("{analyzer} {test}"),
                        format!(
                            "Accepted {test} QC on {analyzer} that broke {}.",
                            verdict.violations.join(", ")
                        ),
                    );
                }
                if let Some(q) = self.qc_mut(analyzer, test) {
                    let run: Vec<ControlPoint> =
                        q.open.iter().map(|(l, z)| ControlPoint { level: *l, z: *z }).collect();
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
                }
                self.tell(|_| Event::QcAccepted { analyzer: analyzer.clone(), test: test.clone() });
            }
            RejectQc { analyzer, test, rule } => {
                let verdict = self.open_verdict(analyzer, test);
                let subject = format!("{analyzer} {test}");
                if verdict.decision != Decision::Reject {
                    self.find(
                        "QC-FALSE-REJECT",
                        at,
                        &subject,
                        format!("Rejected {test} QC on {analyzer} that broke no rejection rule."),
                    );
                } else if !verdict.violations.contains(rule) {
                    self.find(
                        "QC-WRONG-RULE",
                        at,
                        &subject,
                        format!("Named {rule}; the run broke {}.", verdict.violations.join(", ")),
                    );
                }
                if let Some(q) = self.qc_mut(analyzer, test) {
                    let run = q.open.iter().map(|(l, z)| ControlPoint { level: *l, z: *z }).collect();
                    q.plotted.push(ChartRun {
                        at,
                        points: run,
                        violations: verdict.violations.clone(),
                        accepted: false,
                    });
                    q.open.clear();
                    q.status = QcStatus::Rejected(at);
                    q.corrected_since_reject = false;
                    q.rejections += 1;
                }
                self.tell(|_| Event::QcRejected {
                    analyzer: analyzer.clone(),
                    test: test.clone(),
                    violations: verdict.violations,
                });
            }
            CorrectiveAction { analyzer, test, action } => self.correct(analyzer, test, *action),
            Calibrate { analyzer, test } => self.correct(analyzer, test, Corrective::Recalibrate),
            LoadReagent { analyzer, test } => self.correct(analyzer, test, Corrective::NewReagentLot),
            LookBack { analyzer, test } => {
                let mut affected = Vec::new();
                let since = self.qc.at(analyzer, test).last_pass;
                for (id, s) in &self.specimens {
                    if let Some(r) = s.results.get(test)
                        && r.analyzer == *analyzer
                        && since.is_none_or(|t| r.measured_at >= t)
                    {
                        affected.push(id.clone());
                    }
                }
                if let Some(q) = self.qc_mut(analyzer, test) {
                    q.look_backs = q.rejections;
                }
                self.tell(|_| Event::LookBackDone {
                    analyzer: analyzer.clone(),
                    test: test.clone(),
                    affected,
                });
            }
            RunTests { specimen, analyzer } => self.run_tests(specimen, analyzer, at)?,
            Dilute { specimen, test, factor } => {
                self.pending_biohazard += 1;
                let analyzer = self.result(specimen, test)?.analyzer.clone();
                self.measure(specimen, test, &analyzer, at, Some(*factor));
            }
            Review { specimen, test } => {
                if let Some(r) = self.result_mut(specimen, test) {
                    r.reviewed_at.get_or_insert(at);
                }
            }
            Repeat { specimen, test } => {
                let analyzer = self.result(specimen, test)?.analyzer.clone();
                let reviewed = self.result(specimen, test)?.reviewed_at;
                self.measure(specimen, test, &analyzer, at, None);
                if let Some(r) = self.result_mut(specimen, test) {
                    r.reviewed_at = reviewed;
                }
            }
            Hold { specimen, test } => {
                if let Some(r) = self.result_mut(specimen, test) {
                    r.held = true;
                }
                self.tell(|_| Event::ResultHeld { specimen: specimen.clone(), test: test.clone() });
            }
            Release { specimen, test } => {
                self.release(specimen, test, at);
                self.tell(|_| Event::ResultReleased { specimen: specimen.clone(), test: test.clone() });
            }
            CallCaregiver { specimen, test, caregiver } => self.call(specimen, test, caregiver, at),
            ConfirmReadBack { specimen, test } => {
                if let Some(c) = self.calls.get_mut(specimen, test) {
                    c.read_back_at.get_or_insert(at);
                }
                self.tell(|_| Event::ReadBackConfirmed { specimen: specimen.clone(), test: test.clone() });
            }
            DocumentCall { specimen, test, name, credentials } => {
                let who = self.calls.get(specimen, test).and_then(|c| c.answered_by.as_deref()).unwrap_or("");
                let matches = self
                    .scenario
                    .caregivers
                    .iter()
                    .find(|c| c.id == who)
                    .is_some_and(|c| same_text(&c.name, name) && same_text(&c.credentials, credentials));
                if matches && let Some(c) = self.calls.get_mut(specimen, test) {
                    c.documented = true;
                }
                self.tell(|_| Event::CallDocumented { specimen: specimen.clone(), test: test.clone() });
            }
            DisposeSharps => {
                let items = std::mem::take(&mut self.pending_sharps);
                self.sharps_fill += items;
                if items > 0 && self.sharps_fill * 4 > self.scenario.lab.sharps.capacity * 3 {
                    self.find(
                        "SAF-SHARPS",
                        at,
                        "container",
                        "Filled the sharps container past three quarters.".into(),
                    );
                }
                self.tell(|_| Event::WasteDisposed { into: "sharps", items });
            }
            DisposeBiohazard => {
                let items = std::mem::take(&mut self.pending_biohazard);
                self.biohazard_fill += items;
                if self.biohazard_fill > self.scenario.lab.biohazard.capacity {
                    self.find("SAF-BIOHAZARD", at, "container", "Overfilled the biohazard bin.".into());
                }
                self.tell(|_| Event::WasteDisposed { into: "biohazard", items });
            }
            ReplaceSharpsContainer => self.sharps_fill = 0,
            CleanSpill { dilution_one_in } => {
                let dilution_one_in = *dilution_one_in;
                if dilution_one_in != self.scenario.policy.pack.spill.dilution_one_in {
                    let need = self.scenario.policy.pack.spill.dilution_one_in;
                    self.find(
                        "SAF-SPILL",
                        at,
                        "dilution",
                        format!("Disinfected a spill with 1:{dilution_one_in} instead of 1:{need}."),
                    );
                }
                if let Some(s) = self.spills.iter_mut().find(|s| s.cleaning.is_none()) {
                    s.cleaning = Some((at, dilution_one_in));
                }
                self.tell(|_| Event::SpillCleaningStarted);
            }
            FinishSpill => {
                let contact = minutes(self.scenario.policy.pack.spill.contact_time_min);
                if let Some(i) = self.spills.iter().position(|s| s.cleaning.is_some()) {
                    let started = self.spills[i].cleaning.map_or(at, |(t, _)| t);
                    if at.0 - started.0 < contact {
                        self.find(
                            "SAF-SPILL",
                            at,
                            "contact time",
                            format!(
                                "Wiped the disinfectant after {} min; the contact time is {} min.",
                                (at.0 - started.0) / 60,
                                contact / 60
                            ),
                        );
                    }
                    self.spills.remove(i);
                    self.pending_biohazard += 1;
                    self.pending_sharps += 1;
                }
                self.tell(|_| Event::SpillCleared);
            }
            Wait => {}
            Inject(fault) => self.fault(fault, at),
            EndShift => {
                self.finish(at);
                self.tell(|_| Event::ShiftEnded);
            }
        }
        Ok(())
    }

    /// Shows the tube's label beside its requisition.
    fn show_label(&mut self, specimen: &str) -> Result<(), Rejected> {
        let scenario = Arc::clone(&self.scenario);
        let spec = scenario.specimens.iter().find(|s| s.id == specimen);
        let spec = spec.ok_or_else(|| no(format!("no specimen `{specimen}`")))?;
        self.tell(|s| s.label_shown(spec));
        Ok(())
    }

    fn label_shown(&self, spec: &Specimen) -> Event {
        let patient = self.scenario.patients.iter().find(|p| p.mrn == spec.patient);
        let requisition = Requisition {
            name: patient.map(|p| p.name.clone()).unwrap_or_default(),
            mrn: spec.patient.clone(),
            dob: patient.map(|p| p.dob.to_string()).unwrap_or_default(),
            location: patient.map(|p| p.location.clone()).unwrap_or_default(),
            tests: spec.tests.clone(),
            stat: spec.priority == Priority::Stat,
        };
        Event::LabelShown { specimen: spec.id.clone(), label: spec.label.clone(), requisition }
    }

    fn uncentrifuged_limit(&self, specimen: &str) -> i64 {
        let Ok(s) = self.spec(specimen) else { return i64::MAX };
        let default = minutes(self.scenario.policy.pack.rejection.uncentrifuged_max_min);
        // Each test's own limit, else the pack's; the specimen waits no longer than its strictest test.
        s.tests
            .iter()
            .filter_map(|t| self.scenario.policy.test(t))
            .map(|t| {
                // Fluoride stops glycolysis: the glucose limit does not apply to a gray tube.
                let exempt =
                    s.tube == TubeKind::GrayFluorideOxalate && matches!(t.code.as_str(), "GLU" | "LAC");
                match t.uncentrifuged_max_min {
                    Some(m) if !exempt => minutes(m),
                    _ => default,
                }
            })
            .min()
            .unwrap_or(default)
    }

    fn open_verdict(&self, analyzer: &str, test: &str) -> westgard::Verdict {
        let q = self.qc.at(analyzer, test);
        let mut history = q.history.clone();
        history.push(q.open.iter().map(|(l, z)| ControlPoint { level: *l, z: *z }).collect());
        match self.scenario.policy.rule_set_for(test) {
            Some(rules) => westgard::evaluate(&history, rules),
            None => westgard::Verdict { violations: Vec::new(), decision: Decision::Accept },
        }
    }

    fn run_control(&mut self, analyzer: &str, test: &str, level: u8, at: SimTime) {
        let scenario = Arc::clone(&self.scenario);
        let Some(control) = scenario
            .lab
            .analyzers
            .iter()
            .find(|a| a.id == analyzer)
            .and_then(|a| a.controls.iter().find(|c| c.test == test && c.level == level))
        else {
            return;
        };
        if control.expires < self.scenario.meta.date {
            self.find(
                "QC-EXPIRED-MATERIAL",
                at,
                &format!("{analyzer} {test}"),
                format!("Ran {test} level {level} control lot {}, expired {}.", control.lot, control.expires),
            );
        }
        let blind = matches!(self.qc.at(analyzer, test).status, QcStatus::Rejected(_))
            && !self.qc.at(analyzer, test).corrected_since_reject;
        if blind {
            self.find(
                "QC-BLIND-REPEAT",
                at,
                &format!("{analyzer} {test}"),
                format!("Repeated {test} QC on {analyzer} without a corrective action."),
            );
        }
        let (bias, imprecision) = self.bias_sd(analyzer, test, at);
        let z = self.normal() * imprecision + bias;
        let decimals = self.scenario.policy.test(test).map_or(2, |t| t.decimals + 1);
        let value = round_to(control.mean + z * control.sd, decimals);
        let z = (value - control.mean) / control.sd;
        if let Some(q) = self.qc_mut(analyzer, test) {
            q.open.insert(level, z);
            if let Some(r) = q.reagent_remaining.as_mut() {
                *r = r.saturating_sub(1);
            }
        }
        self.tell(|_| Event::ControlMeasured {
            analyzer: analyzer.to_owned(),
            test: test.to_owned(),
            level,
            value,
            z,
        });
    }

    fn correct(&mut self, analyzer: &str, test: &str, action: Corrective) {
        self.tell(|_| Event::CorrectionDone { analyzer: analyzer.to_owned(), test: test.to_owned(), action });
        if matches!(action, Corrective::Maintenance | Corrective::CallService) {
            self.analyzer_error.remove(analyzer);
        }
        if action == Corrective::Recalibrate && !self.calibration_due.is_empty() {
            self.calibration_due.remove(&(analyzer.to_owned(), test.to_owned()));
        }
        let Some(q) = self.qc_mut(analyzer, test) else { return };
        q.corrected_since_reject = true;
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
            Corrective::NewControlVial => {}
        }
        // Any correction invalidates earlier QC: controls must be rerun.
        if matches!(q.status, QcStatus::Passed(_)) && action != Corrective::NewControlVial {
            q.status = QcStatus::NotRun;
            q.history.clear();
        }
    }

    fn run_tests(&mut self, specimen: &str, analyzer: &str, at: SimTime) -> Result<(), Rejected> {
        // Borrow the scenario through its own Arc, so the session stays free to change.
        let scenario = Arc::clone(&self.scenario);
        let spec = scenario
            .specimens
            .iter()
            .find(|s| s.id == specimen)
            .ok_or_else(|| no(format!("no specimen `{specimen}`")))?;
        let a = scenario
            .lab
            .analyzers
            .iter()
            .find(|a| a.id == analyzer)
            .ok_or_else(|| no(format!("no analyzer `{analyzer}`")))?;
        let state = self.state(specimen)?;
        let centrifuged = state.centrifuged_at.is_some();
        // Add-ons are few and usually none: an empty list copies without allocating.
        let add_ons = state.add_ons.clone();
        if needs_centrifuge(spec.tube) && !centrifuged {
            self.find(
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
            if self.specimens.get(specimen).is_some_and(|s| s.results.contains_key(test)) {
                continue;
            }
            if let Err(why) = self.analyzer_ready(analyzer, test) {
                self.tell(|_| Event::TestNotRun {
                    specimen: specimen.to_owned(),
                    test: test.to_owned(),
                    reason: why.0,
                });
                continue;
            }
            self.measure(specimen, test, analyzer, at, None);
        }
        Ok(())
    }

    /// Measures one test on a specimen (again, when repeating or diluting).
    fn measure(&mut self, specimen: &str, test: &str, analyzer: &str, at: SimTime, dilution: Option<u32>) {
        let scenario = Arc::clone(&self.scenario);
        let Some(spec) = scenario.specimens.iter().find(|s| s.id == specimen) else { return };
        let Some(def) = scenario.policy.test(test) else { return };
        let Some(truth) = self.true_value(specimen, test) else {
            self.tell(|_| Event::TestNotRun {
                specimen: specimen.to_owned(),
                test: test.to_owned(),
                reason: "no value".into(),
            });
            return;
        };
        if self.qc.at(analyzer, test).reagent_expired {
            self.find(
                "AN-EXPIRED-REAGENT",
                at,
                &format!("{analyzer} {test}"),
                format!("Ran {test} on {analyzer} with an expired reagent lot."),
            );
        }
        let calibration_due = self.calibration_due.iter().any(|(a, t)| a == analyzer && t == test);
        if self.qc.at(analyzer, test).calibration_bad || calibration_due {
            self.find(
                "AN-CALIBRATION",
                at,
                &format!("{analyzer} {test}"),
                format!("Ran {test} on {analyzer} with its calibration due or failed."),
            );
        }
        let qc = self.qc_status_now(analyzer, test, at);
        let (bias, imprecision) = self.bias_sd(analyzer, test, at);
        let sd = self.analytical_sd(analyzer, test);
        let hemolysis_bias =
            def.hemolysis.as_ref().map_or(0.0, |h| h.bias_per_index * f64::from(spec.hemolysis_index));
        let noise = self.normal() * imprecision * sd * 0.5;
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
                let patients = &self.scenario.patients;
                // Most labels carry the record number as written: look for it as is first.
                patients
                    .iter()
                    .find(|p| p.mrn == *m)
                    .or_else(|| patients.iter().find(|p| same_text(&p.mrn, m)))
            })
            .map_or_else(|| spec.patient.clone(), |p| p.mrn.clone());
        let previous = self
            .scenario
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
        let flags = Flags {
            high: value > def.reference.1,
            low: value < def.reference.0,
            critical: critical.is_some_and(|c| c.breached_by(value)),
            hemolyzed: def.hemolysis.as_ref().is_some_and(|h| spec.hemolysis_index >= h.limit_index),
            above_amr,
            delta_failed,
        };
        if let Some(q) = self.qc_mut(analyzer, test)
            && let Some(r) = q.reagent_remaining.as_mut()
        {
            *r = r.saturating_sub(1);
        }
        let truly_critical = critical.is_some_and(|c| c.breached_by(truth));
        if flags.critical && truly_critical && !flags.hemolyzed && self.calls.get(specimen, test).is_none() {
            self.calls.insert(
                specimen,
                test,
                Call {
                    available_at: at,
                    first_attempt: None,
                    answered_by: None,
                    read_back_at: None,
                    documented: false,
                    reviewed_before_call: false,
                },
            );
        }
        if let Some(s) = self.specimens.get_mut(specimen) {
            let previous = s.results.get(test);
            let reviewed_at = previous.and_then(|r| r.reviewed_at);
            s.results.insert(
                test.to_owned(),
                PatientResult {
                    analyzer: analyzer.to_owned(),
                    value,
                    measured_at: at,
                    qc,
                    chart_mrn,
                    flags,
                    diluted: dilution.is_some(),
                    reviewed_at: reviewed_at.filter(|_| dilution.is_none()),
                    released_at: None,
                    held: false,
                },
            );
        }
        self.tell(|_| Event::ResultReady {
            specimen: specimen.to_owned(),
            test: test.to_owned(),
            value,
            flags,
        });
    }

    fn release(&mut self, specimen: &str, test: &str, at: SimTime) {
        let Ok(r) = self.result(specimen, test).cloned() else { return };
        let scenario = Arc::clone(&self.scenario);
        let Some(spec) = scenario.specimens.iter().find(|s| s.id == specimen) else { return };
        let subject = format!("{specimen} {test}");
        match r.qc {
            QcAtMeasure::NotRun => self.find(
                "QC-NOT-RUN",
                at,
                &format!("{} {test}", r.analyzer),
                format!(
                    "Released {specimen} {test}, measured without accepted QC for {test} on {}.",
                    r.analyzer
                ),
            ),
            QcAtMeasure::Rejected => self.find(
                "QC-RELEASED-AFTER-REJECT",
                at,
                &format!("{} {test}", r.analyzer),
                format!(
                    "Released {specimen} {test}, measured while {test} QC on {} was rejected.",
                    r.analyzer
                ),
            ),
            QcAtMeasure::Valid => {}
        }
        if r.chart_mrn != spec.patient {
            self.find(
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
            self.find(
                "AN-ABOVE-AMR",
                at,
                &subject,
                format!("Released {subject} above the measurement range without dilution."),
            );
        }
        if r.flags.delta_failed && r.reviewed_at.is_none() {
            self.find(
                "AN-DELTA-IGNORED",
                at,
                &subject,
                format!("Released {subject}, which failed its delta check, without review."),
            );
        }
        if r.flags.hemolyzed {
            self.find(
                "PROC-HEMOLYZED",
                at,
                specimen,
                format!("Released {subject} from a hemolyzed specimen."),
            );
        }
        if spec.priority == Priority::Stat {
            let tat = at.0 - spec.arrives.0;
            let limit = minutes(self.scenario.policy.pack.stat_turnaround_min);
            if tat > limit {
                self.find(
                    "TIME-STAT",
                    at,
                    &subject,
                    format!("STAT {subject} released {} min after arrival.", tat / 60),
                );
            }
        }
        if let Some(r) = self.result_mut(specimen, test) {
            r.released_at = Some(at);
            r.held = false;
        }
    }

    fn call(&mut self, specimen: &str, test: &str, caregiver: &str, at: SimTime) {
        let scenario = Arc::clone(&self.scenario);
        let Some(person) = scenario.caregivers.iter().find(|c| c.id == caregiver) else { return };
        let answered = match self.unreachable.get(caregiver) {
            Some((from, until)) => !(at >= *from && until.is_none_or(|u| at < u)),
            None => true,
        };
        let licensed = self
            .scenario
            .policy
            .pack
            .critical_call
            .accepted_credentials
            .iter()
            .any(|c| same_text(c, &person.credentials));
        let reviewed = self.result(specimen, test).is_ok_and(|r| r.reviewed_at.is_some());
        if answered && !licensed {
            self.find(
                "CRIT-WRONG-RECIPIENT",
                at,
                &format!("{specimen} {test}"),
                format!(
                    "Gave {specimen} {test} to {} ({}), who may not receive critical results.",
                    person.name, person.credentials
                ),
            );
        }
        if let Some(c) = self.calls.get_mut(specimen, test) {
            if c.first_attempt.is_none() {
                c.first_attempt = Some((at, caregiver.to_owned(), answered));
                c.reviewed_before_call = reviewed;
            }
            if answered && licensed && c.answered_by.is_none() {
                c.answered_by = Some(caregiver.to_owned());
            }
        }
        self.tell(|_| {
            let caregiver = caregiver.to_owned();
            if answered { Event::CallAnswered { caregiver } } else { Event::NoAnswer { caregiver } }
        });
    }

    /// Ends the shift: what was never done is found now.
    fn finish(&mut self, at: SimTime) {
        if self.ended {
            return;
        }
        // Everything on the timeline up to the end of the shift has happened,
        // whether or not an accepted action came after it.
        self.advance(at);
        self.ended = true;
        self.now = at;
        let scenario = Arc::clone(&self.scenario);
        let policy = &scenario.policy.pack;
        // Found while the state is read, recorded after: (rule, at, subject, what).
        let mut found: Vec<(&str, SimTime, String, String)> = Vec::new();
        for spec in &scenario.specimens {
            let Some(state) = self.specimens.get(&spec.id) else { continue };
            let id = &spec.id;
            if spec.arrives > at {
                // Due before the shift's time was up: ending it early leaves it undone.
                if spec.arrives <= scenario.meta.time_limit {
                    let clock = |t: SimTime| scenario.meta.start.plus(t);
                    let what = format!(
                        "The shift was ended at {}; {id}, due at {}, was never dealt with.",
                        clock(at),
                        clock(spec.arrives)
                    );
                    found.push(("TIME-UNFINISHED", at, id.clone(), what));
                }
                continue;
            }
            if !state.accepted && state.rejected.is_none() {
                let what = format!("{id} arrived and was never accepted or rejected.");
                found.push(("TIME-UNFINISHED", at, id.clone(), what));
                continue;
            }
            if (state.rejected.is_some() || state.broken) && !state.recollect_requested {
                found.push(("ID-NO-RECOLLECT", at, id.clone(), format!("{id} was not recollected.")));
            }
            if state.accepted && !state.broken && self.defects(id).is_empty() {
                for test in spec.tests.iter().chain(&state.add_ons) {
                    let released = state.results.get(test).is_some_and(|r| r.released_at.is_some());
                    if !released {
                        let what = format!("{id} {test} was never released.");
                        found.push(("REP-NOT-RELEASED", at, format!("{id} {test}"), what));
                    }
                }
            }
        }
        let deadline = minutes(policy.critical_call.deadline_min);
        let escalate = minutes(policy.critical_call.escalate_after_min);
        for (specimen, test, call) in self.calls.iter() {
            let subject = format!("{specimen} {test}");
            let mut note = |rule, when, what| found.push((rule, when, subject.clone(), what));
            match (&call.answered_by, call.read_back_at) {
                (None, _) => note(
                    "CRIT-NOT-CALLED",
                    at,
                    format!("The critical {subject} was never given to a licensed caregiver."),
                ),
                (Some(_), None) if policy.critical_call.read_back_required => note(
                    "CRIT-NO-READ-BACK",
                    at,
                    format!("The critical {subject} was called without a read-back."),
                ),
                _ => {}
            }
            if let Some(done) = call.read_back_at {
                if done.0 - call.available_at.0 > deadline {
                    note(
                        "CRIT-LATE",
                        at,
                        format!(
                            "The critical {subject} was communicated {} min after it was available.",
                            (done.0 - call.available_at.0) / 60
                        ),
                    );
                }
                // Waiting on an unreachable caregiver past the escalation time.
                if let (Some((_, first, false)), Some(by)) = (&call.first_attempt, &call.answered_by)
                    && first == by
                    && done.0 - call.available_at.0 > escalate
                {
                    note(
                        "CRIT-NOT-ESCALATED",
                        at,
                        format!("Waited for {first} instead of escalating the critical {subject}."),
                    );
                }
            }
            if call.answered_by.is_some() && !call.documented {
                note(
                    "CRIT-NOT-DOCUMENTED",
                    at,
                    format!("The call about {subject} was not documented with name and credentials."),
                );
            }
            if call.reviewed_before_call {
                let when = call.first_attempt.as_ref().map_or(at, |(t, _, _)| *t);
                note("GP-VERIFIED-BEFORE-CALL", when, format!("Verified {subject} before calling it."));
            }
        }
        for (analyzer, test, q) in self.qc.iter() {
            if q.rejections > q.look_backs {
                let what = format!("No look-back after {test} QC on {analyzer} was rejected.");
                found.push(("QC-NO-LOOKBACK", at, format!("{analyzer} {test}"), what));
            }
        }
        for (rule, when, subject, what) in found {
            self.find(rule, when, &subject, what);
        }
        if !self.spills.is_empty() {
            self.find("SAF-SPILL", at, "left", "A spill was left uncleaned.".into());
        }
        if self.pending_sharps > 0 {
            self.find("SAF-SHARPS", at, "left", "Broken glass was left on the bench.".into());
        }
        if self.pending_biohazard > 0 {
            self.find(
                "SAF-BIOHAZARD",
                at,
                "left",
                "Contaminated waste was left out of the biohazard bin.".into(),
            );
        }
        self.findings.sort_by_key(|f| f.at);
    }

    /// Ends the shift at its time limit if the trainee did not.
    pub fn finish_at_limit(&mut self) {
        let limit = self.scenario.meta.time_limit.max(self.now);
        self.finish(limit);
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

    /// Critical calls: (specimen, test, value, available, completed, caregiver).
    pub fn critical_calls(&self) -> Vec<CallSummary> {
        self.calls
            .iter()
            .map(|(specimen, test, c)| CallSummary {
                specimen: specimen.to_owned(),
                test: test.to_owned(),
                value: self.result(specimen, test).map_or(f64::NAN, |r| r.value),
                available_at: c.available_at,
                completed_at: c.read_back_at,
                caregiver: c.answered_by.clone(),
            })
            .collect()
    }
}

/// A critical result and how it was communicated.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CallSummary {
    pub specimen: String,
    pub test: String,
    pub value: f64,
    pub available_at: SimTime,
    pub completed_at: Option<SimTime>,
    pub caregiver: Option<String>,
}

/// What the shells (and the reference player) may see of a specimen.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SpecimenView {
    pub id: String,
    pub arrived: bool,
    pub received: bool,
    pub accepted: bool,
    pub rejected: Option<RejectReason>,
    pub recollect_requested: bool,
    pub broken: bool,
    pub in_centrifuge: bool,
    pub centrifuged: bool,
    pub needs_centrifuge: bool,
    /// Ordered tests, add-ons included.
    pub tests: Vec<String>,
    pub results: Vec<ResultView>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResultView {
    pub test: String,
    pub analyzer: String,
    pub value: f64,
    pub flags: Flags,
    pub diluted: bool,
    pub reviewed: bool,
    pub held: bool,
    pub released: bool,
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

/// A critical result's call, as far as it got.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CallView {
    pub specimen: String,
    pub test: String,
    pub attempted: bool,
    pub answered_by: Option<String>,
    pub read_back: bool,
    pub documented: bool,
}

impl Session {
    pub fn specimen_view(&self, id: &str) -> Option<SpecimenView> {
        let spec = self.spec(id).ok()?;
        let s = self.specimens.get(id)?;
        Some(SpecimenView {
            id: id.to_owned(),
            arrived: s.arrived,
            received: s.received,
            accepted: s.accepted,
            rejected: s.rejected,
            recollect_requested: s.recollect_requested,
            broken: s.broken,
            in_centrifuge: s.in_centrifuge,
            centrifuged: s.centrifuged_at.is_some(),
            needs_centrifuge: needs_centrifuge(spec.tube),
            tests: spec
                .tests
                .iter()
                .chain(&s.add_ons)
                .cloned()
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect(),
            results: s
                .results
                .iter()
                .map(|(test, r)| ResultView {
                    test: test.clone(),
                    analyzer: r.analyzer.clone(),
                    value: r.value,
                    flags: r.flags,
                    diluted: r.diluted,
                    reviewed: r.reviewed_at.is_some(),
                    held: r.held,
                    released: r.released_at.is_some(),
                })
                .collect(),
        })
    }

    pub fn specimen_views(&self) -> Vec<SpecimenView> {
        self.scenario.specimens.iter().filter_map(|s| self.specimen_view(&s.id)).collect()
    }

    pub fn qc_view(&self, analyzer: &str, test: &str) -> Option<QcView> {
        let q = self.qc.get(analyzer, test)?;
        Some(QcView {
            analyzer: analyzer.to_owned(),
            test: test.to_owned(),
            valid: self.qc_status_now(analyzer, test, self.now) == QcAtMeasure::Valid,
            rejected: matches!(q.status, QcStatus::Rejected(_)),
            corrected_since_reject: q.corrected_since_reject,
            look_back_due: q.rejections > q.look_backs,
            open_levels: q.open.keys().copied().collect(),
            levels_needed: self.levels_needed(analyzer, test),
        })
    }

    /// The Levey-Jennings chart of a test on an analyzer.
    pub fn qc_chart(&self, analyzer: &str, test: &str) -> Option<QcChart> {
        let q = self.qc.get(analyzer, test)?;
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
        self.qc.get(analyzer, test).is_some().then(|| self.open_verdict(analyzer, test))
    }

    /// Tubes loaded and when the spin ends, if it is running.
    pub fn centrifuge_view(&self) -> (Vec<String>, u32, Option<SimTime>) {
        (self.centrifuge.loaded.clone(), self.centrifuge.balance_tubes, self.centrifuge.spinning_until)
    }

    /// Spills not yet cleared: (being disinfected since).
    pub fn spills(&self) -> Vec<Option<SimTime>> {
        self.spills.iter().map(|s| s.cleaning.map(|(t, _)| t)).collect()
    }

    /// Waste waiting on the bench: (sharps, biohazard).
    pub fn pending_waste(&self) -> (u32, u32) {
        (self.pending_sharps, self.pending_biohazard)
    }

    pub fn calls(&self) -> Vec<CallView> {
        self.calls
            .iter()
            .map(|(specimen, test, c)| CallView {
                specimen: specimen.to_owned(),
                test: test.to_owned(),
                attempted: c.first_attempt.is_some(),
                answered_by: c.answered_by.clone(),
                read_back: c.read_back_at.is_some(),
                documented: c.documented,
            })
            .collect()
    }

    /// Whether the hands must be washed before the next task.
    pub fn hands_to_wash(&self) -> bool {
        self.hands_to_wash
    }
}

/// A map keyed by two names (an analyzer and a test), looked up by `&str`
/// without building a key: the replay looks QC state up on most actions.
/// Iteration is in (first, second) order, as a map keyed by the pair.
#[derive(Debug, Clone)]
struct PairMap<V>(BTreeMap<String, BTreeMap<String, V>>);

impl<V> Default for PairMap<V> {
    fn default() -> Self {
        PairMap(BTreeMap::new())
    }
}

impl<V> PairMap<V> {
    fn insert(&mut self, a: &str, b: &str, v: V) {
        self.0.entry(a.to_owned()).or_default().insert(b.to_owned(), v);
    }

    fn get(&self, a: &str, b: &str) -> Option<&V> {
        self.0.get(a)?.get(b)
    }

    fn get_mut(&mut self, a: &str, b: &str) -> Option<&mut V> {
        self.0.get_mut(a)?.get_mut(b)
    }

    /// The value of a pair the session made at its start (every analyzer's menu).
    fn at(&self, a: &str, b: &str) -> &V {
        match self.get(a, b) {
            Some(v) => v,
            None => panic!("no entry for {a} {b}: the session makes one for every analyzer's test"),
        }
    }

    fn iter(&self) -> impl Iterator<Item = (&str, &str, &V)> {
        self.0.iter().flat_map(|(a, m)| m.iter().map(move |(b, v)| (a.as_str(), b.as_str(), v)))
    }
}
