//! A shift in progress: the one door into the simulation.
//!
//! [`Session::new`] sets the shift up from a checked scenario and a seed;
//! [`Session::apply`] is the only way to change it. Each call first plays the
//! scenario's timeline up to the action's time (arrivals, faults, spin ends),
//! then the action, and returns what happened as [`Event`]s. Every generated
//! value comes from the session's ChaCha generator, so the same scenario,
//! seed and actions always give the same shift and the same score.
//!
//! The session keeps what every bench shares: the clock and the timeline,
//! the generator, the specimens' records ([`records`]) and the findings. Each
//! bench is one module that owns its slice of the shift (its state, its
//! actions, its checks before an action, what it does, what it finds undone
//! at the end, its views) and is listed once, in [`BENCHES`].

mod analysis;
mod calls;
mod events;
mod handling;
mod labeling;
mod pair_map;
mod processing;
mod qc;
mod reception;
mod records;
mod safety;
mod work;

use std::collections::BTreeMap;
use std::sync::Arc;

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::action::{Action, RejectReason};
use crate::model::{Scenario, Specimen};
use crate::raw::{Priority, RawFault, RawTrueValue};
use crate::rules::{FindingSeverity, rule};
use crate::time::SimTime;

pub use analysis::ReleasedResult;
pub use calls::{CallSummary, CallView};
pub use events::{Event, Finding, Flags, Rejected, Requisition};
pub use handling::HandlingView;
pub use qc::{ChartRun, QcChart, QcView};
pub use records::{ResultView, SpecimenView};
pub use work::{Completion, WorkItem};

use events::no;
use pair_map::PairMap;
use records::SpecimenState;
use work::Work;

/// One bench's part of the shift. Its state is a field of [`Session`]; its
/// functions get the whole session, to read the shared records and to record
/// findings and events, and change only their own state and the records
/// (another bench is told through that bench's own methods).
trait Bench: Sync {
    /// Whether the action is one of this bench's.
    fn owns(&self, action: &Action) -> bool;

    /// Every reason to refuse one of the bench's actions. Nothing changes.
    fn check(&self, s: &Session, action: &Action, at: SimTime) -> Result<(), Rejected>;

    /// Carries out one of the bench's actions, once `check` has allowed it.
    fn act(&self, s: &mut Session, action: &Action, at: SimTime) -> Result<(), Rejected>;

    /// Looks at every action before it is carried out (protective equipment
    /// and hygiene are judged this way).
    fn watch(&self, _s: &mut Session, _action: &Action, _at: SimTime) {}

    /// Whether a fault of the timeline lands on this bench.
    fn takes(&self, _fault: &RawFault) -> bool {
        false
    }

    /// Whether an instructor may inject this fault live, as it is written.
    fn injectable(&self, _s: &Session, fault: &RawFault) -> Result<(), Rejected> {
        Err(no(format!("{fault:?} cannot be injected live")))
    }

    /// A fault happens on this bench.
    fn fault(&self, _s: &mut Session, _fault: &RawFault, _at: SimTime) {}

    /// The work one specimen asks of this bench (see [`work`]); `defects`
    /// are the specimen's reasons for rejection, none for an acceptable one.
    fn specimen_work<'s>(
        &self,
        _s: &'s Session,
        _spec: &'s Specimen,
        _record: &'s SpecimenState,
        _defects: &[RejectReason],
        _w: &mut Work<'s>,
    ) {
    }

    /// The rest of the work this bench asks for, once every specimen's is listed.
    fn work<'s>(&self, _s: &'s Session, _w: &mut Work<'s>) {}

    /// What this bench finds wrong, at the end of the shift, with work that
    /// was done (a call made late, never documented).
    fn undone(&self, _s: &Session, _u: &mut Undone) {}
}

/// Every bench, in the order its end-of-shift findings are recorded. A new
/// bench is one module and one line here (ARCHITECTURE.md, "Adding a bench").
const BENCHES: [&dyn Bench; 8] = [
    &reception::Reception,
    &labeling::Labeling,
    &processing::Processing,
    &handling::Handling,
    &analysis::Analysis,
    &calls::Calls,
    &qc::Qc,
    &safety::Safety,
];

/// The bench whose action this is; `None` for the shift's own actions
/// (waiting, an injected fault, ending the shift).
fn bench_for(action: &Action) -> Option<&'static dyn Bench> {
    BENCHES.iter().copied().find(|b| b.owns(action))
}

/// Findings made at the end of the shift, recorded in the order they are
/// noted: (rule, when, subject, what).
struct Undone {
    at: SimTime,
    found: Vec<(&'static str, SimTime, String, String)>,
}

impl Undone {
    fn note(&mut self, rule: &'static str, subject: String, what: String) {
        self.found.push((rule, self.at, subject, what));
    }

    fn note_at(&mut self, rule: &'static str, when: SimTime, subject: String, what: String) {
        self.found.push((rule, when, subject, what));
    }
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
    specimens: BTreeMap<String, SpecimenState>,
    /// Results on the analyzers: (when the run gives it, specimen, test).
    running: Vec<(SimTime, String, String)>,
    processing: processing::Centrifuge,
    qc: qc::Analyzers,
    calls: calls::CallBook,
    safety: safety::Workplace,
    findings: Vec<Finding>,
    /// Findings recorded, by (rule, subject): each is recorded once.
    noted: PairMap<()>,
    /// Events not yet handed to a shell.
    undelivered: Vec<Event>,
    /// Whether the step under way builds events for a shell. A replay for a
    /// score builds none: it changes the shift exactly as a live step does.
    telling: bool,
    ended: bool,
    /// The work of the shift as it stood when the shift ended.
    completed: Option<Completion>,
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
        let mut arrivals: Vec<(SimTime, usize)> =
            scenario.specimens.iter().enumerate().map(|(i, s)| (s.arrives, i)).collect();
        arrivals.sort();
        Session {
            scenario: Arc::clone(scenario),
            seed,
            rng,
            now: SimTime::ZERO,
            next_timeline: 0,
            arrivals,
            next_arrival: 0,
            truth,
            specimens: scenario
                .specimens
                .iter()
                .enumerate()
                .map(|(index, s)| (s.id.clone(), SpecimenState { index, ..SpecimenState::default() }))
                .collect(),
            running: Vec::new(),
            processing: processing::Centrifuge::default(),
            qc: qc::Analyzers::new(scenario),
            calls: calls::CallBook::new(scenario),
            safety: safety::Workplace::new(scenario),
            findings: Vec::new(),
            noted: PairMap::default(),
            undelivered: Vec::new(),
            telling: true,
            ended: false,
            completed: None,
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

    /// Whether the action would be accepted at `at`, had the clock reached
    /// it: every refusal [`Session::apply`] would give, changing nothing. An
    /// allowed action may still be a mistake (accepting an unchecked tube):
    /// the shells grey out only what would be refused.
    pub fn allows(&self, action: &Action, at: SimTime) -> Result<(), Rejected> {
        if self.ended {
            return Err(no("the shift has ended"));
        }
        if at > self.scenario.meta.time_limit && *action != Action::EndShift {
            return Err(no("the shift's time is up"));
        }
        match (bench_for(action), action) {
            (Some(bench), _) => bench.check(self, action, at.max(self.now)),
            (None, Action::Inject(fault)) => self.fault_bench(fault)?.injectable(self, fault),
            (None, _) => Ok(()),
        }
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
        let bench = bench_for(action);
        // Every refusal is found here, before the action changes anything.
        match (bench, action) {
            (Some(bench), _) => bench.check(self, action, at)?,
            (None, Action::Inject(fault)) => self.fault_bench(fault)?.injectable(self, fault)?,
            (None, _) => {}
        }
        for b in BENCHES {
            b.watch(self, action, at);
        }
        let told = self.undelivered.len();
        let done = match (bench, action) {
            (Some(bench), _) => bench.act(self, action, at),
            (None, Action::Inject(fault)) => {
                self.fault(fault, at);
                Ok(())
            }
            (None, Action::EndShift) => {
                self.finish(at);
                self.tell(|_| Event::ShiftEnded);
                Ok(())
            }
            (None, _) => Ok(()),
        };
        if let Err(why) = done {
            self.undelivered.truncate(told);
            return Err(why);
        }
        Ok(())
    }

    /// Plays the timeline up to `to`: arrivals and faults.
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
        analysis::complete_runs(self, to);
    }

    /// The bench a fault lands on.
    fn fault_bench(&self, fault: &RawFault) -> Result<&'static dyn Bench, Rejected> {
        BENCHES
            .iter()
            .copied()
            .find(|b| b.takes(fault))
            .ok_or_else(|| no(format!("{fault:?} cannot be injected live")))
    }

    /// A fault happens, from the timeline or injected live.
    fn fault(&mut self, fault: &RawFault, at: SimTime) {
        if let Ok(bench) = self.fault_bench(fault) {
            bench.fault(self, fault, at);
        }
    }

    /// A fault the trainee is told of, in words.
    fn tell_fault(&mut self, description: impl FnOnce() -> String) {
        self.tell(|_| Event::FaultOccurred { description: description() });
    }

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
            rule: def.id,
            category: def.category,
            severity,
            subject: subject.to_owned(),
            what,
            requirement: def.requirement,
            citation: def.citation,
        });
    }

    /// Normal deviate (Box–Muller) from the session's generator.
    fn normal(&mut self) -> f64 {
        let u1: f64 = self.rng.random::<f64>().max(f64::MIN_POSITIVE);
        let u2: f64 = self.rng.random::<f64>();
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }

    /// Ends the shift: what was never done is found now, bench by bench.
    fn finish(&mut self, at: SimTime) {
        if self.ended {
            return;
        }
        // Everything on the timeline up to the end of the shift has happened,
        // whether or not an accepted action came after it.
        self.advance(at);
        self.ended = true;
        self.now = at;
        // Found while the state is read, recorded after: the work left
        // undone first, then what is wrong with work that was done.
        let mut work = self.list_work();
        let findings = std::mem::take(&mut work.findings);
        self.completed = Some(work.completion());
        let mut undone = Undone { at, found: Vec::new() };
        for b in BENCHES {
            b.undone(self, &mut undone);
        }
        for (rule, subject, what) in findings {
            self.find(rule, at, &subject, what);
        }
        for (rule, when, subject, what) in undone.found {
            self.find(rule, when, &subject, what);
        }
        self.findings.sort_by_key(|f| f.at);
    }

    /// The shift's work, and how much of it is done so far (see [`work`]);
    /// once the shift has ended, as it stood at the end.
    pub fn completion(&self) -> Completion {
        match &self.completed {
            Some(done) => done.clone(),
            None => self.list_work().completion(),
        }
    }

    /// Every bench's part of the work: each specimen due before the time
    /// limit, bench by bench, then the rest.
    fn list_work(&self) -> Work<'_> {
        let mut w = Work::default();
        let limit = self.scenario.meta.time_limit;
        for spec in self.scenario.specimens.iter().filter(|s| s.arrives <= limit) {
            let Some(record) = self.specimens.get(&spec.id) else { continue };
            let fresh;
            let defects = match &record.defects {
                Some(settled) => settled.as_slice(),
                None => {
                    fresh = self.defects(&spec.id);
                    fresh.as_slice()
                }
            };
            for b in BENCHES {
                b.specimen_work(self, spec, record, defects, &mut w);
            }
        }
        for b in BENCHES {
            b.work(self, &mut w);
        }
        w
    }

    /// When something will next change at or after `from`, with no action
    /// taken: an arrival or a timeline event not yet played, the end of a
    /// spin, a corrective action or a spill's contact time, a result due
    /// from an analyzer (one due already counts as due at `from`).
    pub fn next_moment(&self, from: SimTime) -> Option<SimTime> {
        let mut moments = Vec::new();
        // What has not been played yet: an arrival due at this very second is
        // still ahead of a session whose clock stopped before it.
        let played = self.now;
        moments.extend(self.scenario.specimens.iter().map(|s| s.arrives).filter(|t| *t > played));
        moments.extend(self.scenario.events.iter().map(|e| e.at).filter(|t| *t > played));
        moments.extend(self.processing.spinning_until);
        moments.extend(self.lid_closed_until());
        moments.extend(self.qc.busy_until());
        moments.extend(self.running.iter().map(|(ready, _, _)| (*ready).max(from)));
        let contact = i64::from(self.scenario.policy.pack.spill.contact_time_min) * 60;
        moments.extend(self.spills().into_iter().flatten().map(|since| SimTime(since.0 + contact)));
        moments.into_iter().filter(|m| *m >= from).min()
    }

    /// Ends the shift at its time limit if the trainee did not.
    pub fn finish_at_limit(&mut self) {
        let limit = self.scenario.meta.time_limit.max(self.now);
        self.finish(limit);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::action::{Corrective, RejectReason};
    use crate::raw::{Area, Ppe};

    /// One action of every kind the trainee has.
    fn every_action() -> Vec<Action> {
        let s = || "S01".to_owned();
        let a = || "chem1".to_owned();
        let t = || "K".to_owned();
        vec![
            Action::PutOn(Ppe::Gloves),
            Action::TakeOff(Ppe::Gloves),
            Action::WashHands,
            Action::EatOrDrink,
            Action::RecapNeedle,
            Action::Receive { specimen: s() },
            Action::CompareLabel { specimen: s() },
            Action::Accept { specimen: s() },
            Action::Reject { specimen: s(), reason: RejectReason::Clotted },
            Action::RequestRecollection { specimen: s() },
            Action::ReportOccurrence { specimen: s() },
            Action::LoadCentrifuge { specimen: s() },
            Action::AddBalanceTube,
            Action::ClearLipemia { specimen: s() },
            Action::StartCentrifuge,
            Action::OpenCentrifuge,
            Action::RunControl { analyzer: a(), test: t(), level: 1 },
            Action::RunControls { analyzer: a(), level: 1 },
            Action::AcceptQc { analyzer: a(), test: t() },
            Action::RejectQc { analyzer: a(), test: t(), rule: "1-3s".into() },
            Action::CorrectiveAction { analyzer: a(), test: t(), action: Corrective::Recalibrate },
            Action::Calibrate { analyzer: a(), test: t() },
            Action::LoadReagent { analyzer: a(), test: t() },
            Action::LookBack { analyzer: a(), test: t() },
            Action::RunTests { specimen: s(), analyzer: a() },
            Action::Dilute { specimen: s(), test: t(), factor: 2 },
            Action::Review { specimen: s(), test: t() },
            Action::Repeat { specimen: s(), test: t() },
            Action::Hold { specimen: s(), test: t() },
            Action::ReleaseSpecimen { specimen: s() },
            Action::Suppress { specimen: s(), test: t() },
            Action::Release { specimen: s(), test: t() },
            Action::CallCaregiver { specimen: s(), test: t(), caregiver: "rn".into() },
            Action::ConfirmReadBack { specimen: s(), test: t() },
            Action::DocumentCall { specimen: s(), test: t(), name: "A".into(), credentials: "RN".into() },
            Action::DisposeSharps,
            Action::DisposeBiohazard,
            Action::ReplaceSharpsContainer,
            Action::CleanSpill { dilution_one_in: 10 },
            Action::FinishSpill,
        ]
    }

    #[test]
    fn every_trainee_action_belongs_to_exactly_one_bench() {
        for action in every_action() {
            let owners = BENCHES.iter().filter(|b| b.owns(&action)).count();
            assert_eq!(owners, 1, "{action:?} belongs to {owners} benches");
        }
        for shift in [Action::Wait, Action::EndShift, Action::Inject(RawFault::CoffeeOffered)] {
            assert!(bench_for(&shift).is_none(), "{shift:?} is the shift's own action");
        }
    }

    #[test]
    fn every_fault_lands_on_exactly_one_bench() {
        let faults = [
            RawFault::QcShift { analyzer: "a".into(), test: "t".into(), sd: 1.0, sd_max: None, spread: 1.0 },
            RawFault::QcDrift { analyzer: "a".into(), test: "t".into(), sd_per_hour: 1.0 },
            RawFault::Imprecision { analyzer: "a".into(), test: "t".into(), factor: 2.0 },
            RawFault::ReagentOut { analyzer: "a".into(), test: "t".into() },
            RawFault::AnalyzerError { analyzer: "a".into(), code: "E1".into(), message: "m".into() },
            RawFault::Spill { area: Area::Reception, volume_ml: 5 },
            RawFault::CaregiverUnreachable { caregiver: "c".into(), minutes: None },
            RawFault::StatOrder { specimen: "S01".into(), tests: vec!["K".into()] },
            RawFault::CoffeeOffered,
            RawFault::Hemolysis { specimen: "S01".into(), index: 3 },
        ];
        for fault in faults {
            let owners = BENCHES.iter().filter(|b| b.takes(&fault)).count();
            assert_eq!(owners, 1, "{fault:?} lands on {owners} benches");
        }
    }
}
