//! A graded attempt leaving LabShift: a self-contained HTML debrief for
//! people (printable to PDF) and Experience API statements for a Learning
//! Record Store. Both are built from one [`Attempt`], the replay of a log.

pub mod html;
pub mod xapi;

use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use labshift_core::Files as _;

use labshift_core::Scenario;
use labshift_core::log::{GradeError, SessionLog, fnv1a, scenario_hash};
use labshift_core::model::Control;
use labshift_core::report::Report;
use labshift_core::session::{QcChart, Session};
use labshift_core::time::{ClockTime, Date, SimTime};

use crate::args::{ReportArgs, exit};
use crate::files::DiskFiles;
use crate::scenario_file::scenario_or_report;

/// Everything known about one graded shift.
#[derive(Debug, Clone)]
pub struct Attempt {
    pub report: Report,
    /// Levey-Jennings charts with at least one judged run.
    pub charts: Vec<QcChart>,
    /// The control material behind each chart's levels.
    pub controls: Vec<(String, Control)>,
    /// Clock time the shift began.
    pub start: ClockTime,
    /// Simulated time the shift lasted (to its end, or its time limit).
    pub elapsed: SimTime,
    pub time_limit: SimTime,
    pub scenario_hash: String,
    /// A fingerprint of the session log the attempt was played as.
    pub log_fingerprint: u64,
}

impl Attempt {
    /// The attempt a finished session and its log stand for.
    pub fn of(session: &Session, log: &SessionLog) -> Attempt {
        let scenario = session.scenario();
        Attempt {
            report: Report::new(session, &log.header.trainee, log.header.mode),
            charts: session.qc_charts(),
            controls: scenario
                .lab
                .analyzers
                .iter()
                .flat_map(|a| a.controls.iter().map(|c| (a.id.clone(), c.clone())))
                .collect(),
            start: scenario.meta.start,
            elapsed: session.now(),
            time_limit: scenario.meta.time_limit,
            scenario_hash: scenario_hash(scenario),
            log_fingerprint: fnv1a(log.to_ron().as_bytes()),
        }
    }

    /// Replays a session log on its scenario.
    pub fn replay(scenario: &Arc<Scenario>, log: &SessionLog) -> Result<Attempt, GradeError> {
        let session = log.replay(scenario)?;
        Ok(Attempt::of(&session, log))
    }

    /// The controls of one chart, by level.
    pub fn controls_of(&self, chart: &QcChart) -> Vec<&Control> {
        let mut mine: Vec<&Control> = self
            .controls
            .iter()
            .filter(|(a, c)| *a == chart.analyzer && c.test == chart.test)
            .map(|(_, c)| c)
            .collect();
        mine.sort_by_key(|c| c.level);
        mine
    }
}

/// Runs `labshift report`: exit 0 when every file asked for is written
/// (whatever the verdict), 2 on an error.
pub fn report(args: &ReportArgs, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let Some(scenario) = scenario_or_report(&args.scenario, err) else { return exit::USAGE };
    let name = args.log.to_string_lossy();
    let text = match DiskFiles.read(&name) {
        Ok(text) => text,
        Err(why) => {
            let _ = writeln!(err, "{name}: error: cannot read file: {why}");
            return exit::USAGE;
        }
    };
    let attempt = SessionLog::parse(&name, &text).and_then(|log| Attempt::replay(&scenario, &log));
    let attempt = match attempt {
        Ok(attempt) => attempt,
        // Each problem names its file, line and column: the header field or the action.
        Err(e) => {
            let _ = write!(err, "{}", e.diagnostic(&name, &text));
            return exit::USAGE;
        }
    };
    if args.html.is_none() && args.xapi.is_none() {
        let _ = write!(out, "{}", attempt.report.to_text());
        return exit::VALID;
    }
    let log_name =
        args.log.file_name().map_or_else(|| name.to_string(), |n| n.to_string_lossy().into_owned());
    let mut code = exit::VALID;
    if let Some(path) = &args.html
        && !emit(path, &html::render(&attempt, &log_name), "debrief", out, err)
    {
        code = exit::USAGE;
    }
    if let Some(path) = &args.xapi {
        // The log is written as the shift goes: its last change is when the attempt ended.
        let ended = std::fs::metadata(&args.log)
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .and_then(|d| i64::try_from(d.as_secs()).ok());
        let options = xapi::XapiOptions {
            home_page: args.home_page.clone(),
            actor: args.actor.clone(),
            timestamp: ended.map(rfc3339),
        };
        match xapi::statements(&attempt, &options) {
            Ok(statements) => {
                let body = serde_json::to_string_pretty(&statements).unwrap_or_default() + "\n";
                if !emit(path, &body, "xAPI statements", out, err) {
                    code = exit::USAGE;
                }
            }
            Err(e) => {
                let _ = writeln!(err, "error: {e}");
                code = exit::USAGE;
            }
        }
    }
    code
}

/// Writes `body` to `path` (`-`: to `out`) and says where; false if it could not.
fn emit(path: &Path, body: &str, what: &str, out: &mut dyn Write, err: &mut dyn Write) -> bool {
    if path.as_os_str() == "-" {
        let _ = write!(out, "{body}");
        return true;
    }
    match std::fs::write(path, body) {
        Ok(()) => {
            let _ = writeln!(err, "wrote the {what} to {}", path.display());
            true
        }
        Err(e) => {
            let _ = writeln!(err, "error: cannot write `{}`: {e}", path.display());
            false
        }
    }
}

/// `2026-11-21T09:05:00Z` for seconds since 1970-01-01 UTC.
pub fn rfc3339(unix_seconds: i64) -> String {
    let day = unix_seconds.div_euclid(86_400);
    let t = unix_seconds.rem_euclid(86_400);
    format!("{}T{:02}:{:02}:{:02}Z", Date(day), t / 3600, t / 60 % 60, t % 60)
}

/// ISO 8601 duration of simulated time: `PT1H23M5S`, `PT0S`.
pub fn iso_duration(t: SimTime) -> String {
    let s = t.0.max(0);
    let (h, m, s) = (s / 3600, s / 60 % 60, s % 60);
    let mut out = String::from("PT");
    if h > 0 {
        out += &format!("{h}H");
    }
    if m > 0 {
        out += &format!("{m}M");
    }
    if s > 0 || (h == 0 && m == 0) {
        out += &format!("{s}S");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_utc_rfc3339() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_795_251_900), "2026-11-21T09:05:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
    }

    #[test]
    fn durations_name_only_the_units_they_need() {
        assert_eq!(iso_duration(SimTime(0)), "PT0S");
        assert_eq!(iso_duration(SimTime(59)), "PT59S");
        assert_eq!(iso_duration(SimTime(3600)), "PT1H");
        assert_eq!(iso_duration(SimTime(3600 + 23 * 60 + 5)), "PT1H23M5S");
        assert_eq!(iso_duration(SimTime(240 * 60)), "PT4H");
    }
}
