//! `labshift grade --class DIR [--csv FILE]`: every session log in a folder
//! graded, one gradebook row per log, and a class summary. A log that cannot
//! be graded (malformed, forged, for an unknown scenario) gets a row saying
//! why; it never stops the batch.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::Path;
use std::sync::Arc;

use labshift_core::diag::Diagnostic;
use labshift_core::log::{GradeError, SessionLog};
use labshift_core::raw::Category;
use labshift_core::report::Report;
use labshift_core::{Files, Scenario};

use crate::args::{GradeArgs, exit};
use crate::files::{DiskFiles, ron_files_under};
use crate::scenario_file::ScenarioFile;
use crate::scenario_file::scenario_or_report;

/// One log's line in the gradebook: its report, or why there is none.
#[derive(Debug)]
pub struct Row {
    pub file: String,
    pub outcome: Result<Report, String>,
}

/// Runs the batch: 0 when every log was graded and passed, 1 when any failed
/// or could not be graded, 2 on a usage error (no folder, no logs, no scenario).
pub fn grade_class(args: &GradeArgs, class: &Path, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let mut logs = match ron_files_under(class) {
        Ok(files) => files,
        Err(e) => {
            let _ = writeln!(err, "error: cannot read `{}`: {e}", class.display());
            return exit::USAGE;
        }
    };
    logs.retain(|f| f.ends_with(".log.ron"));
    logs.sort();
    if logs.is_empty() {
        let _ = writeln!(err, "error: no session logs (`*.log.ron`) under `{}`", class.display());
        return exit::USAGE;
    }
    let (scenarios, folder) = match &args.scenario {
        Some(path) => {
            let Some(s) = scenario_or_report(path, err) else { return exit::USAGE };
            (vec![s], None)
        }
        None => {
            let dir = args.scenarios.clone().unwrap_or_else(crate::files::scenarios_dir);
            let all =
                ScenarioFile::all_under(&dir).into_iter().filter_map(|e| e.scenario.map(Arc::new)).collect();
            (all, Some(dir))
        }
    };
    let progress = std::io::stderr().is_terminal();
    let mut rows = Vec::with_capacity(logs.len());
    for (i, file) in logs.iter().enumerate() {
        if progress {
            let _ = write!(err, "\r{} {}/{} {file}\x1b[K", bar(i, logs.len()), i + 1, logs.len());
            let _ = err.flush();
        }
        let outcome = grade_one(file, &scenarios, folder.as_deref(), args.rescore);
        rows.push(Row { file: file.clone(), outcome });
    }
    if progress {
        let _ = writeln!(err, "\r{} {}/{} done\x1b[K", bar(logs.len(), logs.len()), logs.len(), logs.len());
    }
    if let Some(csv) = &args.csv
        && let Err(e) = std::fs::write(csv, gradebook_csv(&rows))
    {
        let _ = writeln!(err, "error: cannot write `{}`: {e}", csv.display());
        return exit::USAGE;
    }
    let _ = write!(out, "{}", summary(&rows));
    if let Some(csv) = &args.csv {
        let _ = writeln!(out, "gradebook: {} ({} rows)", csv.display(), rows.len());
    }
    let all_passed = rows.iter().all(|r| r.outcome.as_ref().is_ok_and(|rep| rep.passed));
    if all_passed { exit::VALID } else { exit::INVALID }
}

fn bar(done: usize, total: usize) -> String {
    let width = 24;
    let filled = (done * width).checked_div(total).unwrap_or(0);
    format!("[{}{}]", "#".repeat(filled), " ".repeat(width - filled))
}

/// Grades one log against the scenario its header names: the one scenario
/// given, or the one with its id in `folder`. Why a log cannot be graded
/// names its place, `file:line:col: …`.
fn grade_one(
    file: &str,
    scenarios: &[Arc<Scenario>],
    folder: Option<&Path>,
    rescore: bool,
) -> Result<Report, String> {
    let text = DiskFiles.read(file).map_err(|why| format!("{file}: cannot read: {why}"))?;
    let log = SessionLog::parse(file, &text).map_err(|e| match e {
        GradeError::Parse(d) => {
            one_line(&Diagnostic { message: format!("not a session log: {}", d.message), ..*d })
        }
        other => one_line(&other.diagnostic(file, &text)),
    })?;
    let id = &log.header.scenario;
    let scenario = match (scenarios, folder) {
        ([only], None) => only,
        (_, folder) => scenarios.iter().find(|s| &s.meta.id == id).ok_or_else(|| {
            let header = GradeError::WrongScenario { log: id.clone(), scenario: String::new() };
            let place = header.diagnostic(file, &text);
            let whereabouts = folder.map_or_else(
                || "among the scenarios given".to_owned(),
                |f| format!("in {}/", f.display().to_string().trim_end_matches('/')),
            );
            one_line(&Diagnostic { message: format!("no scenario with id `{id}` {whereabouts}"), ..place })
        })?,
    };
    let log = if rescore { log.rescored(scenario) } else { log };
    log.grade(scenario).map_err(|e| one_line(&e.diagnostic(file, &text)))
}

/// A diagnostic on one line, as a gradebook row holds it: `file:line:col:
/// message (help)`, or `file: message` for one about the whole file.
fn one_line(d: &Diagnostic) -> String {
    let place = if d.line == 0 { d.file.clone() } else { format!("{}:{}:{}", d.file, d.line, d.column) };
    match &d.help {
        Some(help) => format!("{place}: {} ({help})", d.message),
        None => format!("{place}: {}", d.message),
    }
}

const CATEGORIES: [Category; 8] = Category::ALL;

/// The gradebook as CSV (RFC 4180), a header and one row per log.
pub fn gradebook_csv(rows: &[Row]) -> String {
    let mut head: Vec<String> =
        ["file", "trainee", "scenario", "seed", "mode", "result", "overall", "accuracy", "safety"]
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
    head.extend(CATEGORIES.iter().map(|c| format!("{}_score", c.name().to_lowercase().replace(' ', "_"))));
    head.extend(["critical_errors".to_owned(), "error".to_owned()]);
    let mut out = head.join(",") + "\r\n";
    for row in rows {
        let mut cells = vec![row.file.clone()];
        match &row.outcome {
            Ok(r) => {
                cells.extend([
                    r.trainee.clone(),
                    r.scenario.clone(),
                    r.seed.to_string(),
                    r.mode.name().to_owned(),
                    if r.passed { "pass" } else { "fail" }.to_owned(),
                    r.overall.to_string(),
                    r.accuracy.to_string(),
                    r.safety.to_string(),
                ]);
                for c in CATEGORIES {
                    let score = r.categories.iter().find(|s| s.category == c).map(|s| s.score);
                    cells.push(score.map_or_else(String::new, |s| s.to_string()));
                }
                cells.extend([r.critical_errors.to_string(), String::new()]);
            }
            Err(why) => {
                cells.extend(std::iter::repeat_n(String::new(), 4));
                cells.push("not graded".to_owned());
                cells.extend(std::iter::repeat_n(String::new(), 3 + CATEGORIES.len() + 1));
                cells.push(why.clone());
            }
        }
        out += &cells.iter().map(|c| csv_field(c)).collect::<Vec<_>>().join(",");
        out += "\r\n";
    }
    out
}

/// A CSV field, quoted when it holds a comma, a quote or a line break.
fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

/// The class summary: counts, pass rate, mean score, most frequent findings.
pub fn summary(rows: &[Row]) -> String {
    let graded: Vec<&Report> = rows.iter().filter_map(|r| r.outcome.as_ref().ok()).collect();
    let passed = graded.iter().filter(|r| r.passed).count();
    let failed = graded.len() - passed;
    let broken = rows.len() - graded.len();
    let mut out = format!(
        "graded {} log(s): {passed} passed, {failed} failed, {broken} could not be graded\n",
        rows.len()
    );
    if !graded.is_empty() {
        let rate = 100.0 * passed as f64 / graded.len() as f64;
        let mean = graded.iter().map(|r| r.overall).sum::<f64>() / graded.len() as f64;
        out += &format!("pass rate {rate:.1}% of graded logs; mean overall score {mean:.1}%\n");
        let mut counts: BTreeMap<&str, (usize, &str)> = BTreeMap::new();
        for r in &graded {
            for f in &r.findings {
                if f.finding.severity == labshift_core::rules::FindingSeverity::GoodPractice {
                    continue;
                }
                let entry = counts.entry(f.finding.rule).or_insert((0, f.finding.requirement));
                entry.0 += 1;
            }
        }
        let mut common: Vec<_> = counts.into_iter().collect();
        common.sort_by(|a, b| b.1.0.cmp(&a.1.0).then(a.0.cmp(b.0)));
        out += "most frequent findings:\n";
        if common.is_empty() {
            out += "  none\n";
        }
        for (rule, (n, requirement)) in common.into_iter().take(5) {
            out += &format!("  {n:>3} × {rule}  {requirement}\n");
        }
    }
    for row in rows {
        if let Err(why) = &row.outcome {
            out += &format!("not graded: {why}\n");
        }
    }
    out
}
