//! Session logs: a header and the timestamped actions of one shift. Grading a
//! log is replaying it: the score is a pure function of (scenario, seed, log).

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::action::{Action, Mode};
use crate::diag::Diagnostic;
use crate::diag::line_col;
use crate::model::Scenario;
use crate::parse::parse_ron;
use crate::report::Report;
use crate::session::{Rejected, Session};
use crate::spans::SpanIndex;
use crate::time::{ClockTime, SimTime};

/// The version of the session-log format.
pub const LOG_FORMAT: u32 = 1;

/// The version of the scoring a log is graded under. Scoring 1 subtracted
/// only for what went wrong when it went wrong; scoring 2 also counts the work
/// left undone and the wrong results that reach a chart (docs/grading.md).
pub const SCORING: u32 = 2;

/// Logs written before the scoring had a version were scored under the first.
fn first_scoring() -> u32 {
    1
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename = "Header")]
pub struct LogHeader {
    pub format: u32,
    /// [`SCORING`] when the log was written.
    #[serde(default = "first_scoring")]
    pub scoring: u32,
    /// The scenario's `meta.id`.
    pub scenario: String,
    /// [`scenario_hash`] of the scenario the log was played on.
    pub scenario_hash: String,
    pub seed: u64,
    /// LabShift version that wrote the log.
    pub labshift: String,
    pub trainee: String,
    pub mode: Mode,
}

/// One action and the clock time it was taken.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename = "Entry")]
pub struct LogEntry {
    /// Clock time, `HH:MM:SS`.
    pub at: String,
    pub action: Action,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename = "SessionLog")]
pub struct SessionLog {
    pub header: LogHeader,
    pub actions: Vec<LogEntry>,
}

/// FNV-1a, 64 bits: a stable fingerprint (not a security measure).
pub fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(FNV_OFFSET, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3))
}

/// A fingerprint of a scenario's content, its policy pack included. Comments
/// and layout do not change it; any value that reaches the simulation does.
pub fn scenario_hash(scenario: &Scenario) -> String {
    if !scenario.hash.is_empty() {
        return scenario.hash.clone();
    }
    // The RON text of the scenario, hashed as it is written: never held whole.
    let mut hasher = Fnv1a(FNV_OFFSET);
    let _ = ron::ser::to_writer(&mut hasher, scenario);
    format!("fnv1a64:{:016x}", hasher.0)
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

/// FNV-1a over text written to it.
struct Fnv1a(u64);

impl std::fmt::Write for Fnv1a {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0 = s.bytes().fold(self.0, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3));
        Ok(())
    }
}

/// Why a log cannot be graded.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GradeError {
    #[error("{0}")]
    Parse(Box<Diagnostic>),
    #[error("unsupported log format {0}; this LabShift reads format {LOG_FORMAT}")]
    Format(u32),
    #[error(
        "the log was scored under LabShift's scoring {0}; scoring {SCORING} also counts work left undone and \
         wrong results on a patient's chart, so its score would change. To grade its actions under today's \
         scoring, run `labshift grade --rescore`"
    )]
    ScoringChanged(u32),
    #[error("the log is for scenario `{log}`, not `{scenario}`")]
    WrongScenario { log: String, scenario: String },
    #[error("the log was played on a different version of scenario `{id}` (hash {log}, this file {file})")]
    HashMismatch { id: String, log: String, file: String },
    #[error("action {index} at {at}: `{at}` is not a clock time")]
    BadTime { index: usize, at: String },
    #[error("action {index} at {at} ({action}) does not replay: {reason}{}", later_words(later))]
    Replay {
        index: usize,
        at: String,
        action: String,
        reason: Rejected,
        /// The later actions (numbered from 1) that do not replay without it either.
        later: Vec<usize>,
    },
}

/// "; without it, actions 12 and 14 do not replay either", or nothing.
fn later_words(later: &[usize]) -> String {
    if later.is_empty() {
        return String::new();
    }
    let names: Vec<String> = later.iter().map(usize::to_string).collect();
    format!(
        "; without it, {} {} not replay either",
        numbered("action", &names),
        if later.len() == 1 { "does" } else { "do" }
    )
}

/// "action 12", "actions 12 and 14", "actions 12, 14 and 15".
fn numbered(noun: &str, items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => format!("{noun} {one}"),
        [init @ .., last] => format!("{noun}s {} and {last}", init.join(", ")),
    }
}

impl GradeError {
    /// The error as a diagnostic pointing into the log's text `src`: the
    /// header field or the action it is about.
    pub fn diagnostic(&self, file: &str, src: &str) -> Diagnostic {
        let path = match self {
            GradeError::Parse(d) => return (**d).clone(),
            GradeError::Format(_) => "header.format".to_owned(),
            GradeError::ScoringChanged(_) => "header.scoring".to_owned(),
            GradeError::WrongScenario { .. } => "header.scenario".to_owned(),
            GradeError::HashMismatch { .. } => "header.scenario_hash".to_owned(),
            GradeError::BadTime { index, .. } => format!("actions[{}].at", index.saturating_sub(1)),
            GradeError::Replay { index, .. } => format!("actions[{}]", index.saturating_sub(1)),
        };
        let spans = SpanIndex::build(src);
        // A diagnostic names lines, not action numbers: the later actions
        // that depend on this one go in its help by their lines.
        let (message, help) = match self {
            GradeError::Replay { index, at, action, reason, later } if !later.is_empty() => {
                let lines: Vec<String> = later
                    .iter()
                    .map(|i| {
                        spans.find(&format!("actions[{}]", i - 1)).map_or_else(
                            || format!("action {i}"),
                            |span| line_col(src, span.start).0.to_string(),
                        )
                    })
                    .collect();
                (
                    format!("action {index} at {at} ({action}) does not replay: {reason}"),
                    Some(format!("without it, {} not replay either", {
                        let said = numbered("line", &lines);
                        if lines.len() == 1 { format!("{said} does") } else { format!("{said} do") }
                    })),
                )
            }
            other => (other.to_string(), None),
        };
        let d = match spans.find(&path) {
            Some(span) => Diagnostic::at(file, src, span, message),
            None => Diagnostic::whole_file(file, message),
        };
        d.maybe_help(help)
    }
}

impl SessionLog {
    /// A new, empty log for a session on `scenario`.
    pub fn new(scenario: &Scenario, seed: u64, trainee: &str, mode: Mode) -> SessionLog {
        SessionLog {
            header: LogHeader {
                format: LOG_FORMAT,
                scoring: SCORING,
                scenario: scenario.meta.id.clone(),
                scenario_hash: scenario_hash(scenario),
                seed,
                labshift: env!("CARGO_PKG_VERSION").to_owned(),
                trainee: trainee.to_owned(),
                mode,
            },
            actions: Vec::new(),
        }
    }

    /// The log as if written today on `scenario`: its actions, under today's
    /// scoring and the scenario as it now is (`labshift grade --rescore`).
    /// Its actions must still replay.
    pub fn rescored(mut self, scenario: &Scenario) -> SessionLog {
        self.header.scoring = SCORING;
        if self.header.scenario == scenario.meta.id {
            self.header.scenario_hash = scenario_hash(scenario);
        }
        self
    }

    pub fn parse(file: &str, text: &str) -> Result<SessionLog, GradeError> {
        let text = crate::parse::without_bom(text);
        // A log as LabShift writes it takes the quick reader; anything else
        // (hand-edited, broken) is read by `ron`, which explains what is wrong.
        if let Some(log) = crate::canonical::from_str(text) {
            return Ok(log);
        }
        parse_ron(file, text).map_err(GradeError::Parse)
    }

    /// The log as RON, one action a line.
    pub fn to_ron(&self) -> String {
        let config = ron::ser::PrettyConfig::new().indentor("  ".to_owned()).struct_names(true);
        let header =
            ron::ser::to_string_pretty(&self.header, config).unwrap_or_default().replace('\n', "\n  ");
        let mut out = format!("SessionLog(\n  header: {header},\n  actions: [\n");
        for entry in &self.actions {
            let action = ron::to_string(&entry.action).unwrap_or_default();
            out.push_str(&format!("    (at: \"{}\", action: {action}),\n", entry.at));
        }
        out.push_str("  ],\n)");
        out
    }

    /// Records an action the session accepted.
    pub fn push(&mut self, scenario: &Scenario, at: SimTime, action: Action) {
        self.actions.push(LogEntry { at: scenario.meta.start.plus(at).to_string_full(), action });
    }

    /// Replays the log on `scenario` and scores it.
    pub fn grade(&self, scenario: &Arc<Scenario>) -> Result<Report, GradeError> {
        let session = self.replay(scenario)?;
        Ok(Report::new(&session, &self.header.trainee, self.header.mode))
    }

    /// Replays the log; the session is finished (at its end or the time limit).
    pub fn replay(&self, scenario: &Arc<Scenario>) -> Result<Session, GradeError> {
        self.check_header(scenario)?;
        let mut session = Session::new(scenario, self.header.seed);
        for (i, entry) in self.actions.iter().enumerate() {
            if let Err(e) = self.replay_one(&mut session, i, entry) {
                return Err(match e {
                    GradeError::Replay { index, at, action, reason, .. } => {
                        let later = self.not_replaying_after(&mut session, i);
                        GradeError::Replay { index, at, action, reason, later }
                    }
                    other => other,
                });
            }
        }
        session.finish_at_limit();
        Ok(session)
    }

    /// Replays the action at `i` (numbered from 0).
    fn replay_one(&self, session: &mut Session, i: usize, entry: &LogEntry) -> Result<(), GradeError> {
        let scenario = session.scenario();
        let index = i + 1;
        let at = ClockTime::parse(&entry.at)
            .ok_or_else(|| GradeError::BadTime { index, at: entry.at.clone() })?
            .since(scenario.meta.start);
        let refused = |reason: Rejected| GradeError::Replay {
            index,
            at: entry.at.clone(),
            action: entry.action.describe(),
            reason,
            later: Vec::new(),
        };
        if self.header.mode == Mode::Assessment && matches!(entry.action, Action::Inject(_)) {
            return Err(refused(Rejected(
                "an instructor's fault is injected in practice only, never in an assessment".into(),
            )));
        }
        session.replay(&entry.action, at).map_err(refused)
    }

    /// The actions after the `failed`-th (numbered from 1) that do not replay
    /// either, the failed one and each of them left out: what depends on it.
    /// A refused action changes nothing but the clock, so the session goes on.
    fn not_replaying_after(&self, session: &mut Session, failed: usize) -> Vec<usize> {
        let mut later = Vec::new();
        for (i, entry) in self.actions.iter().enumerate().skip(failed + 1) {
            if self.replay_one(session, i, entry).is_err() {
                later.push(i + 1);
            }
        }
        later
    }

    /// Whether the log was written by this format, for this scenario, as it is now.
    pub fn check_header(&self, scenario: &Scenario) -> Result<(), GradeError> {
        let h = &self.header;
        if h.format != LOG_FORMAT {
            return Err(GradeError::Format(h.format));
        }
        if h.scoring != SCORING {
            return Err(GradeError::ScoringChanged(h.scoring));
        }
        if h.scenario != scenario.meta.id {
            return Err(GradeError::WrongScenario {
                log: h.scenario.clone(),
                scenario: scenario.meta.id.clone(),
            });
        }
        let hash = scenario_hash(scenario);
        if h.scenario_hash != hash {
            return Err(GradeError::HashMismatch {
                id: h.scenario.clone(),
                log: h.scenario_hash.clone(),
                file: hash,
            });
        }
        Ok(())
    }
}

impl ClockTime {
    /// `HH:MM:SS`, always with seconds.
    pub fn to_string_full(self) -> String {
        let t = self.0.rem_euclid(24 * 3600);
        let h = self.0.div_euclid(3600);
        let h = if (0..48).contains(&h) { h } else { t / 3600 };
        format!("{h:02}:{:02}:{:02}", t / 60 % 60, t % 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn later_actions_are_named_as_a_list_in_words() {
        assert_eq!(later_words(&[]), "");
        assert_eq!(later_words(&[12]), "; without it, action 12 does not replay either");
        assert_eq!(later_words(&[12, 14, 15]), "; without it, actions 12, 14 and 15 do not replay either");
    }
}
