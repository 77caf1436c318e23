//! The instructor's commands, without Bevy: `labshift validate`, `grade`
//! (one log, or a class through [`crate::gradebook`]), `qc` and `reference`.

use std::collections::BTreeSet;
use std::io::Write;

use labshift_core::Files as _;
use labshift_core::log::SessionLog;
use labshift_core::westgard;
use labshift_core::{Diagnostic, check_file, load_policy};
use serde::Serialize;

pub use crate::args::{
    Format, GradeArgs, NewArgs, PreviewArgs, QcArgs, ReferenceArgs, ReportArgs, TierArg, ValidateArgs, exit,
};
use crate::files::{DiskFiles, ron_files_under};
pub use crate::scenario_file::scenario_or_report;

#[derive(Debug, Serialize)]
struct FileReport {
    path: String,
    valid: bool,
    diagnostics: Vec<Diagnostic>,
}

#[derive(Debug, Serialize)]
struct ValidateReport {
    valid: usize,
    invalid: usize,
    files: Vec<FileReport>,
}

/// Runs `labshift validate`, writing to `out` and `err`; returns the exit code.
pub fn validate(args: &ValidateArgs, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let mut paths = Vec::new();
    for path in &args.paths {
        match ron_files_under(path) {
            Ok(found) if found.is_empty() => {
                let _ = writeln!(err, "error: no .ron files under `{}`", path.display());
                return exit::USAGE;
            }
            Ok(found) => paths.extend(found),
            Err(e) => {
                let _ = writeln!(err, "error: cannot read `{}`: {e}", path.display());
                return exit::USAGE;
            }
        }
    }
    // A policy pack named by several scenarios is reported once.
    let mut reported: BTreeSet<String> = BTreeSet::new();
    let mut files = Vec::new();
    for path in paths {
        let mut all = check_file(&path, &DiskFiles);
        if !all.iter().any(Diagnostic::is_error) {
            all.extend(unmet_event_warnings(&path));
        }
        let valid = !all.iter().any(Diagnostic::is_error);
        let diagnostics: Vec<Diagnostic> =
            all.into_iter().filter(|d| reported.insert(d.to_string())).collect();
        files.push(FileReport { path, valid, diagnostics });
    }
    let invalid = files.iter().filter(|f| !f.valid).count();
    let report = ValidateReport { valid: files.len() - invalid, invalid, files };
    match args.format {
        Format::Json => {
            let _ = serde_json::to_writer_pretty(&mut *out, &report);
            let _ = writeln!(out);
        }
        Format::Text => {
            for file in &report.files {
                for d in &file.diagnostics {
                    let _ = writeln!(out, "{d}");
                }
                let errors = file.diagnostics.iter().filter(|d| d.is_error()).count();
                let _ = match (file.valid, errors) {
                    (true, _) => writeln!(out, "ok       {}", file.path),
                    (false, 0) => writeln!(out, "invalid  {} (see the files it names)", file.path),
                    (false, n) => {
                        writeln!(out, "invalid  {} ({n} error{})", file.path, if n == 1 { "" } else { "s" })
                    }
                };
            }
            let _ = writeln!(
                out,
                "{} file(s) checked: {} valid, {} invalid",
                report.files.len(),
                report.valid,
                report.invalid
            );
        }
    }
    if report.invalid == 0 { exit::VALID } else { exit::INVALID }
}

/// Warnings for the events of a valid scenario at `path` that come after
/// the reference technician has done all the shift's work (a coffee offered
/// at 08:20 in a shift done by 08:12). Nothing for a policy pack or a log.
fn unmet_event_warnings(path: &str) -> Vec<Diagnostic> {
    let Ok(text) = DiskFiles.read(path) else { return Vec::new() };
    let loaded = labshift_core::load::load_scenario(path, &DiskFiles);
    let Some(scenario) = loaded.value else { return Vec::new() };
    let scenario = std::sync::Arc::new(scenario);
    let text = labshift_core::load::without_bom(&text);
    let spans = labshift_core::spans::SpanIndex::build(text);
    labshift_core::reference::unmet_events(&scenario)
        .into_iter()
        .map(|u| {
            let seeds = if u.tried == 1 {
                String::new()
            } else {
                format!(" on {} of {} seeds", u.missed, u.tried)
            };
            let message = format!(
                "this event comes after all the shift's work is done (by {}{seeds}): it is met only by waiting for it",
                u.work_done
            );
            let at = format!("events[{}].at", u.index);
            let d = match spans.find(&at) {
                Some(span) => Diagnostic::at(path, text, span, message),
                None => Diagnostic::whole_file(path, message),
            };
            d.warning().help(
                "a trainee who has finished ends the shift before it, or waits idle for it: move it earlier \
                 (or its window's `latest`), or give the shift work after it",
            )
        })
        .collect()
}

/// Runs `labshift grade`: exit 0 when every log passes, 1 when any fails, 2 on an error.
pub fn grade(args: &GradeArgs, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    if let Some(class) = &args.class {
        return crate::gradebook::grade_class(args, class, out, err);
    }
    let Some(path) = &args.scenario else {
        let _ = writeln!(err, "error: name the scenario and its logs, or grade a folder with --class DIR");
        return exit::USAGE;
    };
    if args.logs.is_empty() {
        let _ = writeln!(err, "error: name at least one session log after the scenario");
        return exit::USAGE;
    }
    let Some(scenario) = scenario_or_report(path, err) else { return exit::USAGE };
    let mut code = exit::VALID;
    for path in &args.logs {
        let name = path.to_string_lossy();
        let text = match DiskFiles.read(&name) {
            Ok(text) => text,
            Err(why) => {
                let _ = writeln!(err, "{name}: error: cannot read file: {why}");
                code = exit::USAGE;
                continue;
            }
        };
        let report = SessionLog::parse(&name, &text)
            .map(|log| if args.rescore { log.rescored(&scenario) } else { log })
            .and_then(|log| log.grade(&scenario));
        match report {
            Ok(report) => {
                match args.format {
                    Format::Text => {
                        if args.logs.len() > 1 {
                            let _ = writeln!(out, "== {name}");
                        }
                        let _ = write!(out, "{}", report.to_text());
                    }
                    Format::Json => {
                        let _ = serde_json::to_writer(&mut *out, &report);
                        let _ = writeln!(out);
                    }
                }
                if !report.passed && code == exit::VALID {
                    code = exit::INVALID;
                }
            }
            // Each problem names its file, line and column: the header field or the action.
            Err(e) => {
                let _ = write!(err, "{}", e.diagnostic(&name, &text));
                code = exit::USAGE;
            }
        }
    }
    code
}

/// Runs `labshift qc` on `input`: one JSON line per run; exit 2 on bad input.
pub fn qc(args: &QcArgs, input: &str, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let policy_path =
        args.policy.clone().unwrap_or_else(|| crate::files::scenarios_dir().join("policies/us-default.ron"));
    let loaded = load_policy(&policy_path.to_string_lossy(), &DiskFiles);
    let Some(policy) = loaded.value else {
        for d in &loaded.diagnostics {
            let _ = write!(err, "{d}");
        }
        let _ = writeln!(err, "error: no valid policy pack at `{}`", policy_path.display());
        return exit::USAGE;
    };
    let Some(rules) = policy.pack.qc.rule_sets.iter().find(|r| r.id == args.rules) else {
        let names: Vec<&str> = policy.pack.qc.rule_sets.iter().map(|r| r.id.as_str()).collect();
        let _ = writeln!(
            err,
            "error: unknown rule set `{}`; {}",
            args.rules,
            labshift_core::diag::suggest(&args.rules, "rule set", &names)
        );
        return exit::USAGE;
    };
    let rows = match westgard::parse_csv(input) {
        Ok(rows) => rows,
        Err(e) => {
            let _ = writeln!(err, "error: stdin {e}");
            return exit::USAGE;
        }
    };
    for report in westgard::evaluate_series(&rows, rules) {
        let _ = serde_json::to_writer(&mut *out, &report);
        let _ = writeln!(out);
    }
    exit::VALID
}

/// Runs `labshift reference`.
pub fn reference(args: &ReferenceArgs, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let Some(scenario) = scenario_or_report(&args.scenario, err) else { return exit::USAGE };
    let log = match labshift_core::reference::reference_log(&scenario, args.seed) {
        Ok(log) => log,
        Err(e) => {
            let _ = writeln!(err, "error: the reference player could not finish: {e}");
            return exit::INVALID;
        }
    };
    let text = format!(
        "// Reference solution for `{}` (seed {}), written by `labshift reference`.\n{}\n",
        scenario.meta.id,
        args.seed,
        log.to_ron()
    );
    match &args.output {
        Some(path) => {
            if let Err(e) = std::fs::write(path, text) {
                let _ = writeln!(err, "error: cannot write `{}`: {e}", path.display());
                return exit::USAGE;
            }
        }
        None => {
            let _ = write!(out, "{text}");
        }
    }
    exit::VALID
}
