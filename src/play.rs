//! The input bridge between the app and the engine. Everything the trainee
//! does reaches the shift as a [`Do`] message carrying an engine [`Action`];
//! this module applies it at the simulated clock time, records it in the
//! session log (written to disk after every action) and turns the engine's
//! events into lines of the bench's feed. It never decides a score.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use bevy::prelude::*;
use labshift_core::action::{Action, Mode};
use labshift_core::log::SessionLog;
use labshift_core::model::{Label, Scenario};
use labshift_core::rules::FindingSeverity;
use labshift_core::session::{Event, Requisition, Session};
use labshift_core::time::SimTime;

use crate::journal::Journal;
use crate::state::Screen;
use labshift_tools::export::Attempt;

/// Simulated seconds per real second at 1×.
pub const SIM_RATE: f64 = 10.0;

/// The speeds the trainee can choose.
pub const SPEEDS: [u32; 4] = [1, 2, 4, 8];

/// Feed lines kept for the bench.
const FEED_KEEP: usize = 200;

pub(super) fn plugin(app: &mut App) {
    app.add_message::<Do>();
    app.add_systems(
        Update,
        // Whatever drives the bench by itself (the demo, a script) stops the
        // trainee's clock by a condition on `ClockSystems`.
        (tick_clock.in_set(ClockSystems), apply_actions)
            .chain()
            .in_set(PlaySystems)
            .run_if(in_state(Screen::Bench).and_then(resource_exists::<Play>)),
    );
}

/// The simulated clock and the input bridge to the engine.
#[derive(SystemSet, Debug, Clone, PartialEq, Eq, Hash)]
pub struct PlaySystems;

/// The trainee's clock: simulated time running at the chosen speed. The demo
/// and a script run the clock themselves, and configure this set not to run.
#[derive(SystemSet, Debug, Clone, PartialEq, Eq, Hash)]
pub struct ClockSystems;

/// The trainee does something: the one door from input to the engine.
#[derive(Message, Debug, Clone, PartialEq)]
pub struct Do(pub Action);

/// How a feed line reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Info,
    Good,
    Warn,
    /// A finding (shown as it happens in practice mode only).
    Finding,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FeedLine {
    pub clock: String,
    pub text: String,
    pub tone: Tone,
}

/// Who plays and how: chosen on the briefing screen.
#[derive(Resource, Debug, Clone)]
pub struct Setup {
    pub trainee: String,
    pub mode: Mode,
    pub seed: u64,
    /// Folder the session logs are written to; `None` keeps them in memory.
    pub log_dir: Option<PathBuf>,
    /// Folder of the crash-safe journal (see [`crate::journal`]); `None`: no journal.
    pub journal_dir: Option<PathBuf>,
}

impl Default for Setup {
    fn default() -> Self {
        Setup {
            trainee: String::new(),
            mode: Mode::Practice,
            seed: 1,
            log_dir: Some(PathBuf::from("sessions")),
            journal_dir: None,
        }
    }
}

/// A shift being played.
#[derive(Resource, Debug)]
pub struct Play {
    pub scenario: Arc<Scenario>,
    pub session: Session,
    pub log: SessionLog,
    /// Where the log is written, once it has been.
    pub log_path: Option<PathBuf>,
    /// Why the log could not be written, if it could not.
    pub log_error: Option<String>,
    /// Simulated seconds since the shift started, with fractions.
    pub clock: f64,
    pub speed: u32,
    pub paused: bool,
    pub feed: Vec<FeedLine>,
    /// Bumped whenever the shift changes, so views know to redraw.
    pub revision: u64,
    /// Labels compared with their requisitions, by specimen.
    pub compared: BTreeMap<String, (Option<Label>, Requisition)>,
    /// Callers who did not answer, by (specimen, test).
    pub unanswered: BTreeMap<(String, String), Vec<String>>,
    /// A colleague offered a coffee at the bench (and it is still there).
    pub coffee_offered: bool,
    /// The crash-safe journal every accepted action goes to first.
    pub journal: Option<Journal>,
    /// Why the journal could not be written, if it could not.
    pub journal_error: Option<String>,
}

impl Play {
    /// Starts a shift. The log file is created at once, so a crash loses nothing.
    pub fn start(scenario: Arc<Scenario>, setup: &Setup) -> Play {
        let trainee = if setup.trainee.trim().is_empty() { "Trainee" } else { setup.trainee.trim() };
        let log = SessionLog::new(&scenario, setup.seed, trainee, setup.mode);
        let log_path = setup.log_dir.as_deref().map(|dir| free_log_path(dir, &log));
        let session = Session::new(&scenario, setup.seed);
        let mut play = Play {
            // The shift as the seed settled it: which specimens a choice picked, when events happen.
            scenario: Arc::clone(session.scenario_arc()),
            session,
            log,
            log_path,
            log_error: None,
            clock: 0.0,
            speed: 1,
            paused: false,
            feed: Vec::new(),
            revision: 0,
            compared: BTreeMap::new(),
            unanswered: BTreeMap::new(),
            coffee_offered: false,
            journal: None,
            journal_error: None,
        };
        if let Some(dir) = &setup.journal_dir {
            let stem = play
                .log_path
                .as_ref()
                .and_then(|p| p.file_name())
                .map(|n| n.to_string_lossy().trim_end_matches(".log.ron").to_owned())
                .unwrap_or_else(|| format!("{}-seed{}", play.log.header.scenario, play.log.header.seed));
            match Journal::create(dir, &play.log.header, &stem) {
                Ok(journal) => play.journal = Some(journal),
                Err(e) => {
                    play.journal_error = Some(format!("cannot start the journal in {}: {e}", dir.display()));
                }
            }
        }
        if let Some(why) = play.journal_error.clone() {
            play.say(Tone::Warn, format!("No crash-safe journal for this shift: {why}."));
        }
        play.save_log();
        play.say(Tone::Info, format!("Shift started: {}.", play.scenario.meta.title));
        play
    }

    pub fn mode(&self) -> Mode {
        self.log.header.mode
    }

    /// Whole simulated seconds: the time actions are taken at.
    pub fn now(&self) -> SimTime {
        SimTime(self.clock.floor() as i64).max(self.session.now())
    }

    pub fn clock_text(&self) -> String {
        self.scenario.meta.start.plus(self.now()).to_string_full()
    }

    pub(crate) fn say(&mut self, tone: Tone, text: String) {
        let clock = self.scenario.meta.start.plus(self.now()).to_string_full();
        self.feed.push(FeedLine { clock, text, tone });
        if self.feed.len() > FEED_KEEP {
            self.feed.drain(..self.feed.len() - FEED_KEEP);
        }
    }

    /// Applies one action at the clock time: accepted actions go to the log
    /// (saved, and journaled before the shift goes on) and their events to the
    /// feed; a refusal is said and changes nothing.
    pub fn act(&mut self, action: Action) -> Result<Vec<Event>, String> {
        let logged = self.log.actions.len();
        let events = self.act_unsaved(action)?;
        self.save_since(logged);
        Ok(events)
    }

    /// Plays many actions as [`Play::act`] does, stopping at the first refused,
    /// and saves the log and the journal once at the end, not once an action:
    /// resuming a long shift writes its log once. `clock` gives each action's time.
    pub fn act_all(&mut self, actions: impl IntoIterator<Item = (f64, Action)>) {
        let logged = self.log.actions.len();
        for (clock, action) in actions {
            self.clock = clock;
            if self.act_unsaved(action).is_err() {
                break;
            }
        }
        self.save_since(logged);
    }

    fn act_unsaved(&mut self, action: Action) -> Result<Vec<Event>, String> {
        let at = self.now();
        match self.session.apply(action.clone(), at) {
            Ok(events) => {
                if action != Action::Wait || !events.is_empty() {
                    self.revision += 1;
                }
                if let Action::CallCaregiver { specimen, test, caregiver } = &action
                    && events.iter().any(|e| matches!(e, Event::NoAnswer { .. }))
                {
                    let who = self.person(caregiver);
                    self.unanswered.entry((specimen.clone(), test.clone())).or_default().push(who);
                }
                if action == Action::EatOrDrink {
                    self.coffee_offered = false;
                }
                if let Action::Inject(fault) = &action {
                    // A fault may change the shift's own scenario (a tube hemolyzes).
                    self.scenario = Arc::clone(self.session.scenario_arc());
                    self.say(
                        Tone::Warn,
                        format!("Instructor's fault: {}.", labshift_core::preview::describe(fault)),
                    );
                }
                if action != Action::Wait {
                    self.log.push(&self.scenario, at, action);
                }
                for event in &events {
                    self.narrate(event);
                }
                Ok(events)
            }
            Err(refused) => {
                self.revision += 1;
                self.say(Tone::Warn, format!("Not possible: {refused}"));
                Err(refused.0)
            }
        }
    }

    /// Journals and saves the actions logged since `logged`, if any; once the
    /// shift has ended and its log is saved whole, the journal has done its work.
    fn save_since(&mut self, logged: usize) {
        if self.log.actions.len() == logged {
            return;
        }
        self.journal_since(logged);
        self.save_log();
        let ended = self.log.actions.last().is_some_and(|e| e.action == Action::EndShift);
        if ended
            && self.log_error.is_none()
            && let Some(journal) = self.journal.take()
        {
            let _ = journal.finish();
        }
    }

    /// Appends the actions logged since `logged` to the journal, on the disk
    /// before the shift goes on.
    fn journal_since(&mut self, logged: usize) {
        let Some(journal) = self.journal.as_mut() else { return };
        if let Err(e) = journal.append_all(&self.log.actions[logged..]) {
            let first = self.journal_error.is_none();
            self.journal_error = Some(format!("cannot write the journal {}: {e}", journal.path.display()));
            if first {
                self.say(
                    Tone::Warn,
                    "The journal cannot be written: a crash now would lose the shift.".into(),
                );
            }
        }
    }

    /// Writes the whole log next to its final name and renames it into place,
    /// so the file on disk is always a complete log.
    pub(crate) fn save_log(&mut self) {
        let Some(path) = self.log_path.clone() else { return };
        let text =
            format!("// LabShift session log, written while the shift was played.\n{}\n", self.log.to_ron());
        let result = path.parent().map_or(Ok(()), std::fs::create_dir_all).and_then(|()| {
            let tmp = path.with_extension("ron.tmp");
            std::fs::write(&tmp, text)?;
            std::fs::rename(&tmp, &path)
        });
        self.log_error = result.err().map(|e| format!("cannot write {}: {e}", path.display()));
    }

    fn narrate(&mut self, event: &Event) {
        let practice = self.mode() == Mode::Practice;
        let (tone, text) = match event {
            Event::SpecimenArrived { specimen, stat } => {
                (Tone::Info, format!("{specimen} arrived{}.", if *stat { " — STAT" } else { "" }))
            }
            Event::FaultOccurred { description } => (Tone::Warn, description.clone()),
            Event::SpecimenAccessioned { specimen } => {
                (Tone::Good, format!("{specimen} accessioned in the LIS: its barcode label is printed."))
            }
            Event::LabelApplied { specimen, unreadable: None } => {
                (Tone::Info, format!("{specimen}'s barcode label is on."))
            }
            Event::LabelApplied { specimen, unreadable: Some(why) } => (
                Tone::Warn,
                format!("{specimen}'s barcode label is on, but a reader may not read it: {why}."),
            ),
            Event::SpecimenHandled { did, .. } => (Tone::Info, did.clone()),
            Event::AddOnRequested { specimen, tests } => (
                Tone::Warn,
                format!(
                    "Add-on request: {} on {specimen}. Check the stability before you add it on (Label & barcode station).",
                    tests.join(", ")
                ),
            ),
            Event::LabelReprinted { specimen } => {
                (Tone::Info, format!("{specimen}'s barcode label peeled off and printed again."))
            }
            Event::BarcodeNoRead { specimen, analyzer, why } => (
                Tone::Warn,
                format!("{analyzer}: barcode no read on {specimen} ({why}); the tube was skipped."),
            ),
            Event::CoffeeOffered => {
                self.coffee_offered = true;
                (Tone::Warn, "A colleague puts a coffee down for you at the bench (F).".into())
            }
            Event::LabelShown { specimen, label, requisition } => {
                self.compared.insert(specimen.clone(), (label.clone(), requisition.clone()));
                let rows = crate::words::label_rows(label.as_ref(), requisition);
                let checked: Vec<String> = rows
                    .iter()
                    .filter(|(f, ..)| ["Name", "MRN", "Date of birth", "Barcode"].contains(&f.as_str()))
                    .map(|(f, want, got, agree)| match agree {
                        true => format!("{f} ✓"),
                        false => format!("{f} ≠ (tube {got}, order {want})"),
                    })
                    .collect();
                let tone = if rows.iter().all(|(_, _, _, agree)| *agree) { Tone::Info } else { Tone::Warn };
                (tone, format!("{specimen}'s label against its order: {}.", checked.join(", ")))
            }
            Event::SpecimenAccepted { specimen } => (Tone::Good, format!("{specimen} accepted.")),
            Event::SpecimenRejected { specimen, reason } => {
                let days = self.session.scenario().policy.pack.rejection.retention_days;
                (
                    Tone::Info,
                    format!(
                        "{specimen} rejected: {}. The reason is in the LIS; the tube goes to the rejected-specimen rack for {days} days.",
                        crate::words::reason(*reason)
                    ),
                )
            }
            Event::LipemiaCleared { specimen } => (
                Tone::Info,
                format!(
                    "{specimen}: an aliquot spun at high speed, the lipid layer removed. Rerun its tests on the cleared serum."
                ),
            ),
            Event::OccurrenceReported { specimen } => (
                Tone::Info,
                format!("Occurrence report filed for {specimen}: the mislabel goes to the lab's review."),
            ),
            Event::RecollectionRequested { specimen } => (
                Tone::Info,
                format!("{specimen}'s unit called: the rejection explained, a new specimen requested."),
            ),
            Event::CentrifugeStarted { until, balanced } => (
                if *balanced { Tone::Info } else { Tone::Warn },
                format!(
                    "Centrifuge spinning until {}{}.",
                    self.scenario.meta.start.plus(*until),
                    if *balanced { "" } else { " — it is not balanced" }
                ),
            ),
            Event::TubeBroke { specimen } => {
                (Tone::Warn, format!("{specimen} broke in the centrifuge: aerosol risk, a spill to clean."))
            }
            Event::CentrifugeUnloaded { specimens } => {
                (Tone::Info, format!("Centrifuge unloaded: {}.", specimens.join(", ")))
            }
            Event::ControlMeasured { analyzer, test, level, value, z } => {
                (Tone::Info, format!("{analyzer} {test} control level {level}: {value} ({z:+.1} SD)."))
            }
            Event::QcAccepted { analyzer, test } => {
                (Tone::Good, format!("{test} QC on {analyzer} accepted."))
            }
            Event::QcRejected { analyzer, test, violations } => (
                Tone::Warn,
                format!(
                    "{test} QC on {analyzer} rejected ({}): correct before patient testing.",
                    violations.join(", ")
                ),
            ),
            Event::CorrectionDone { analyzer, test, action } => (
                Tone::Info,
                format!(
                    "{}: started for {test} on {analyzer}; rerun the controls once it is done.",
                    crate::words::corrective(&self.scenario, analyzer, *action)
                ),
            ),
            Event::ResultReady { specimen, test, value, flags } => (
                if flags.critical { Tone::Warn } else { Tone::Info },
                format!("{specimen} {}", crate::words::result(&self.scenario, test, *value, *flags)),
            ),
            Event::TestNotRun { specimen, test, reason } => {
                (Tone::Warn, format!("{test} on {specimen} not run: {reason}"))
            }
            Event::ResultReleased { specimen, test } => (Tone::Good, format!("{specimen} {test} released.")),
            Event::ResultAutoverified { specimen, test } => {
                (Tone::Good, format!("{specimen} {test} passed the autoverification rules and was released."))
            }
            Event::ResultHeld { specimen, test } => (Tone::Info, format!("{specimen} {test} on hold.")),
            Event::ResultSuppressed { specimen, test } => (
                Tone::Info,
                format!(
                    "{specimen} {test} not reported: \"hemolyzed specimen, please recollect\"; the ward is asked to redraw for {test}."
                ),
            ),
            Event::CallAnswered { caregiver } => {
                (Tone::Good, format!("{} answers the phone.", self.person(caregiver)))
            }
            Event::NoAnswer { caregiver } => {
                (Tone::Warn, format!("{} does not answer.", self.person(caregiver)))
            }
            Event::ReadBackConfirmed { specimen, test } => {
                (Tone::Good, format!("Read-back of {specimen} {test} confirmed."))
            }
            Event::CallDocumented { specimen, test } => {
                (Tone::Good, format!("Call for {specimen} {test} documented."))
            }
            Event::LookBackDone { analyzer, test, affected } => (
                Tone::Info,
                if affected.is_empty() {
                    format!("Look-back on {analyzer} {test}: no released result affected.")
                } else {
                    format!("Look-back on {analyzer} {test}: review {}.", affected.join(", "))
                },
            ),
            Event::SpillCleaningStarted => {
                (Tone::Info, "Disinfectant applied: let it stand for the contact time.".into())
            }
            Event::SpillCleared => (Tone::Good, "Spill cleared.".into()),
            Event::WasteDisposed { into, items } => {
                (Tone::Info, format!("{items} item(s) into the {into} bin."))
            }
            Event::Finding(f) => {
                if !practice {
                    return;
                }
                let tone =
                    if f.severity == FindingSeverity::GoodPractice { Tone::Good } else { Tone::Finding };
                (tone, format!("[{}] {} {}", f.rule, f.what, f.requirement))
            }
            Event::ShiftEnded => (Tone::Info, "Shift ended.".into()),
        };
        self.say(tone, text);
    }

    /// Moves the clock to the next arrival, timeline fault, end of a spin or
    /// end of a contact time; the timeline then plays up to it.
    pub fn skip_to_next_moment(&mut self) {
        let now = self.now();
        let scenario = &self.scenario;
        // Strictly after now: the clock must move.
        let next = self.session.next_moment(SimTime(now.0 + 1));
        match next {
            Some(t) => self.clock = (t.0 as f64).min(scenario.meta.time_limit.0 as f64),
            None => self
                .say(Tone::Info, "Nothing more is scheduled: end the shift when your work is done.".into()),
        }
    }

    /// A caregiver's name, for the feed.
    fn person(&self, id: &str) -> String {
        self.scenario
            .caregivers
            .iter()
            .find(|c| c.id == id)
            .map_or_else(|| id.to_owned(), |c| format!("{} ({})", c.name, c.credentials))
    }
}

/// `<dir>/<scenario>-<trainee>-seed<N>.log.ron`, numbered so an earlier log is never overwritten.
fn free_log_path(dir: &Path, log: &SessionLog) -> PathBuf {
    let trainee: String = log
        .header
        .trainee
        .chars()
        .map(|c| if c.is_alphanumeric() { c.to_ascii_lowercase() } else { '-' })
        .collect();
    let stem = format!("{}-{}-seed{}", log.header.scenario, trainee.trim_matches('-'), log.header.seed);
    (1..)
        .map(|n| if n == 1 { format!("{stem}.log.ron") } else { format!("{stem}-{n}.log.ron") })
        .map(|name| dir.join(name))
        .find(|p| !p.exists())
        .unwrap_or_else(|| dir.join(format!("{stem}.log.ron")))
}

/// The finished shift, for the debrief.
#[derive(Resource, Debug, Clone)]
pub struct Debrief {
    pub attempt: Attempt,
    pub log_path: Option<PathBuf>,
    pub log_error: Option<String>,
    /// Where "save report" wrote, or why it could not.
    pub saved: Option<String>,
    /// The session log as written (a browser downloads it with the report).
    pub log_text: String,
}

impl Debrief {
    pub fn of(play: &Play) -> Debrief {
        Debrief {
            attempt: Attempt::of(&play.session, &play.log),
            log_path: play.log_path.clone(),
            log_error: play.log_error.clone(),
            saved: None,
            log_text: play.log.to_ron(),
        }
    }

    /// Writes the report beside the session log (HTML to read and print,
    /// text, and JSON for programs) and remembers where, or why it could not.
    #[cfg(target_arch = "wasm32")]
    pub fn save_report(&mut self) {
        // In a browser: the report as a download (one file a click: browsers
        // ask before a page downloads several at once).
        let log_name = self.download_name();
        let name = log_name.replace(".log.ron", ".report.html");
        let html = labshift_tools::export::html::render(&self.attempt, &log_name);
        self.saved = Some(match crate::browser::download(&name, "text/html", &html) {
            Ok(()) => format!("Downloaded {name}"),
            Err(e) => format!("Could not download the report: {e}"),
        });
    }

    /// In a browser: the session log as a download, for the instructor's gradebook.
    #[cfg(target_arch = "wasm32")]
    pub fn download_log(&mut self) {
        let name = self.download_name();
        self.saved = Some(match crate::browser::download(&name, "text/plain", &self.log_text) {
            Ok(()) => format!("Downloaded {name}"),
            Err(e) => format!("Could not download the session log: {e}"),
        });
    }

    /// The downloaded log's name: the scenario and the trainee.
    #[cfg(target_arch = "wasm32")]
    fn download_name(&self) -> String {
        let report = &self.attempt.report;
        let who: String = report.trainee.chars().map(|c| if c.is_alphanumeric() { c } else { '-' }).collect();
        format!("{}-{}.log.ron", report.scenario, if who.is_empty() { "trainee" } else { &who })
    }

    #[cfg(not(target_arch = "wasm32"))]
    pub fn save_report(&mut self) {
        let report = &self.attempt.report;
        let (base, log_name) = match &self.log_path {
            Some(log) => {
                let name = log.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                (log.with_file_name(format!("{}.report", name.replace(".log.ron", ""))), name)
            }
            None => (PathBuf::from(format!("{}-report", report.scenario)), "(not saved)".to_owned()),
        };
        let html = base.with_extension("report.html");
        let text = base.with_extension("report.txt");
        let json = base.with_extension("report.json");
        let written = std::fs::write(&html, labshift_tools::export::html::render(&self.attempt, &log_name))
            .and_then(|()| std::fs::write(&text, report.to_text()))
            .and_then(|()| {
                let body = serde_json::to_string_pretty(report).map_err(std::io::Error::other)?;
                std::fs::write(&json, body)
            });
        self.saved = Some(match written {
            Ok(()) => format!("Report saved to {} (and .txt, .json beside it)", html.display()),
            Err(e) => format!("Could not save the report: {e}"),
        });
    }
}

/// Runs the simulated clock and lets the timeline play (arrivals, faults).
fn tick_clock(time: Res<Time>, mut play: ResMut<Play>, mut actions: MessageWriter<Do>) {
    if play.paused || play.session.is_ended() {
        return;
    }
    let limit = play.scenario.meta.time_limit.0 as f64;
    let step = time.delta_secs_f64() * SIM_RATE * f64::from(play.speed);
    let before = play.clock;
    play.clock = (play.clock + step).min(limit);
    // Warnings as the shift's time runs out.
    for minutes in [15.0, 5.0] {
        let at = limit - minutes * 60.0;
        if before < at && play.clock >= at {
            play.say(
                Tone::Warn,
                format!("{minutes} minutes of the shift left: finish what is open, then end the shift."),
            );
        }
    }
    // The timeline plays up to the clock (also after a jump to the next event).
    if SimTime(play.clock.floor() as i64) > play.session.now() {
        let _ = play.act(Action::Wait);
    }
    if play.clock >= limit {
        play.say(Tone::Warn, "The shift's time is up.".into());
        actions.write(Do(Action::EndShift));
    }
}

/// Applies the trainee's actions; the end of the shift opens the debrief.
fn apply_actions(
    mut commands: Commands,
    mut actions: MessageReader<Do>,
    mut play: ResMut<Play>,
    mut next: ResMut<NextState<Screen>>,
) {
    for Do(action) in actions.read() {
        if play.session.is_ended() {
            break;
        }
        // Paused, the bench is frozen: only ending the shift (from the pause menu) goes through.
        if play.paused && *action != Action::EndShift {
            continue;
        }
        let _ = play.act(action.clone());
        if play.session.is_ended() {
            commands.insert_resource(Debrief::of(&play));
            next.set(Screen::Debrief);
        }
    }
}
