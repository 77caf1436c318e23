//! The command line: `labshift` (the bench), `labshift play`, `labshift validate`.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};
use std::sync::Arc;

use labshift_core::log::SessionLog;
use labshift_core::westgard;
use labshift_core::{Diagnostic, Scenario, check_file, load_policy, load_scenario};
use serde::Serialize;

use labshift_core::Files as _;

use crate::files::{DiskFiles, ron_files_under};

/// The scenario `labshift` opens when none is named.
pub const DEFAULT_SCENARIO: &str = "a-morning-chemistry.ron";

#[derive(Debug, Parser)]
#[command(name = "labshift", version, about = "A training simulator for clinical laboratory technicians")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Open the bench on a scenario (the default command).
    Play(PlayArgs),
    /// Check scenario and policy files and report every problem with file:line:col.
    Validate(ValidateArgs),
    /// Replay session logs on their scenario and print the report.
    Grade(GradeArgs),
    /// Evaluate a QC series (CSV on stdin: run,level,value,mean,sd) under a Westgard rule set.
    Qc(QcArgs),
    /// Play a scenario as the reference technician and write the log (the answer key).
    Reference(ReferenceArgs),
    /// Write a commented scenario skeleton to start from; it validates as it is.
    New(NewArgs),
    /// Print the shift a scenario and seed give: specimens, values, events,
    /// choices and expected critical calls (the instructor's answer key).
    Preview(PreviewArgs),
    /// The classroom demo: the bench plays a scenario's reference run by
    /// itself, with captions; presenter keys and live faults; --attract loops.
    Demo(DemoArgs),
    /// Replay a session log and write its debrief: a self-contained HTML page
    /// (printable to PDF) and/or xAPI statements for a Learning Record Store.
    Report(ReportArgs),
}

#[derive(Debug, Clone, clap::Args)]
pub struct DemoArgs {
    /// Scenario to demonstrate; without one, the first in the scenarios folder.
    pub scenario: Option<PathBuf>,
    /// Seed of the shift.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Playback speed: 0.5, 1, 2, 4 or 8.
    #[arg(long, default_value_t = 1.0)]
    pub speed: f32,
    /// Unattended display: after each debrief, the next scenario's demo.
    #[arg(long)]
    pub attract: bool,
    /// Open mid-shift: the first N steps are played at once.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub skip: usize,
    /// Inject this fault at the start (after --skip), as F1–F4 do.
    #[arg(long, value_enum, value_name = "FAULT")]
    pub inject: Option<crate::demo::FaultKind>,
    #[command(flatten)]
    pub window: WindowArgs,
}

#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// The scenario the log was played on.
    pub scenario: PathBuf,
    /// The session log.
    pub log: PathBuf,
    /// Write the debrief as one HTML file (`-` for standard output).
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// Write Experience API (xAPI 1.0.3) statements as a JSON array (`-` for standard output).
    #[arg(long, value_name = "FILE")]
    pub xapi: Option<PathBuf>,
    /// With --xapi: the learning platform's address, home of the trainee's
    /// account and base of the scenario's activity id.
    #[arg(long, value_name = "URL", default_value = crate::export::xapi::DEFAULT_HOME_PAGE, requires = "xapi")]
    pub home_page: String,
    /// With --xapi: the learner, when not the log's trainee name (an e-mail
    /// address becomes a mailbox, anything else an account name).
    #[arg(long, value_name = "WHO", requires = "xapi")]
    pub actor: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct NewArgs {
    /// Scenario id: lower-case letters, digits and `-` (the file is `<id>.ron`).
    pub id: String,
    /// Career tier the scenario is written for.
    #[arg(long, value_enum, default_value_t = TierArg::Technician)]
    pub tier: TierArg,
    /// Title shown on the scenario list; defaults to one made from the id.
    #[arg(long)]
    pub title: Option<String>,
    /// Folder to write it in.
    #[arg(long, value_name = "DIR", default_value = "scenarios")]
    pub dir: PathBuf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TierArg {
    Junior,
    Technician,
    Senior,
    Lead,
}

#[derive(Debug, clap::Args)]
pub struct PreviewArgs {
    pub scenario: PathBuf,
    /// Seed of the shift.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Output for people (text) or for scripts (one JSON document).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

#[derive(Debug, clap::Args)]
pub struct GradeArgs {
    /// The scenario the logs were played on. With --class it may be left
    /// out: each log's scenario is found by its id in --scenarios.
    pub scenario: Option<PathBuf>,
    /// Session logs.
    #[arg(value_name = "LOG")]
    pub logs: Vec<PathBuf>,
    /// Grade every session log (`*.log.ron`) in this folder and its subfolders,
    /// and print a class summary.
    #[arg(long, value_name = "DIR", conflicts_with = "logs")]
    pub class: Option<PathBuf>,
    /// With --class: write the gradebook here, one CSV row per log.
    #[arg(long, value_name = "FILE", requires = "class")]
    pub csv: Option<PathBuf>,
    /// With --class and no scenario named: where to find the logs' scenarios.
    #[arg(long, value_name = "DIR", requires = "class")]
    pub scenarios: Option<PathBuf>,
    /// Report for people (text) or for scripts (one JSON document per log, one per line).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

#[derive(Debug, clap::Args)]
pub struct QcArgs {
    /// Rule set from the policy pack.
    #[arg(long, default_value = "classic-2level")]
    pub rules: String,
    /// Policy pack holding the rule sets; defaults to the bundled US pack.
    #[arg(long, value_name = "PACK")]
    pub policy: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct ReferenceArgs {
    pub scenario: PathBuf,
    /// Seed of the shift.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Write the log here instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Clone, Default, clap::Args)]
pub struct PlayArgs {
    /// Scenario file: opens on its briefing. Without one, the title screen
    /// offers every scenario in the scenarios folder.
    pub scenario: Option<PathBuf>,
    /// Seed of the shift (the briefing can draw another).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Trainee name written in the session log.
    #[arg(long, default_value = "")]
    pub trainee: String,
    /// Practice (hints, findings as they happen) or assessment.
    #[arg(long, value_enum, default_value_t = PlayMode::Practice)]
    pub mode: PlayMode,
    /// Folder the session logs are written to while playing.
    #[arg(long, value_name = "DIR", default_value = "sessions")]
    pub log_dir: PathBuf,
    /// Folder of the crash-safe journal (default: the user's data folder,
    /// or $LABSHIFT_DATA_DIR/journal; none for --screenshot and --measure-frames runs).
    #[arg(long, value_name = "DIR")]
    pub journal_dir: Option<PathBuf>,
    /// With a scenario: resume its unfinished shift from the journal, if there is one.
    #[arg(long, requires = "scenario")]
    pub resume_unfinished: bool,
    /// Feed this session log's actions as the trainee's input, at their clock times.
    #[arg(long, value_name = "LOG", requires = "scenario", conflicts_with = "resume")]
    pub script: Option<PathBuf>,
    /// With --script: milliseconds between two actions.
    #[arg(long, value_name = "MS", default_value_t = 0, requires = "script")]
    pub pace_ms: u64,
    /// With --script: no window; exit when the shift ends, printing `recorded N`
    /// as each action reaches the journal.
    #[arg(long, requires = "script")]
    pub headless: bool,
    /// Continue a session log on the scenario (its seed, trainee and mode).
    #[arg(long, value_name = "LOG", requires = "scenario")]
    pub resume: Option<PathBuf>,
    /// With --resume: replay only the actions up to this clock time (HH:MM or HH:MM:SS).
    #[arg(long, value_name = "TIME", requires = "resume")]
    pub until: Option<String>,
    /// Open on this screen.
    #[arg(long, value_enum)]
    pub screen: Option<ScreenArg>,
    /// Clock speed on the bench: 1, 2, 4 or 8.
    #[arg(long, value_name = "X", value_parser = parse_speed)]
    pub speed: Option<u32>,
    /// Open this panel on the bench: reception, centrifuge, analyzer:N, qc:N:TEST,
    /// lis, phone, ppe, sink, sharps, biohazard, spill, specimen:ID, result:ID:TEST, call:ID:TEST.
    #[arg(long, value_name = "PANEL")]
    pub panel: Option<String>,
    /// Measure the frame time over N frames (after 60 warm-up frames), print it as JSON, exit.
    #[arg(long, value_name = "N")]
    pub measure_frames: Option<u32>,
    /// With --measure-frames: an empty Bevy 2D app (a camera, nothing else) as the
    /// baseline. `default` is Bevy's own 2D camera; `bench-camera` is the camera
    /// the bench uses (no multisampling, no tone mapping).
    #[arg(long, value_enum, value_name = "CAMERA", num_args = 0..=1, default_missing_value = "default", requires = "measure_frames")]
    pub empty_scene: Option<EmptyCamera>,
    #[command(flatten)]
    pub window: WindowArgs,
}

/// The window: its interface scale, and a screenshot to take and exit.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct WindowArgs {
    /// Interface scale for projectors, 1 to 2 (F9/F10 change it while playing).
    #[arg(long, default_value_t = 1.0)]
    pub ui_scale: f32,
    /// Save a screenshot of the window to this PNG file, then exit.
    #[arg(long, value_name = "PNG")]
    pub screenshot: Option<PathBuf>,
    /// Frames to render before the screenshot is taken.
    #[arg(long, default_value_t = 20, requires = "screenshot")]
    pub frames: u32,
}

impl WindowArgs {
    /// The interface scale, within 1 to 2.
    pub fn scale(&self) -> f32 {
        self.ui_scale.clamp(1.0, 2.0)
    }

    /// The screenshot to take, if one was asked for.
    pub fn capture(&self) -> Option<crate::capture::CapturePlan> {
        self.screenshot.clone().map(|path| crate::capture::CapturePlan { path, after_frames: self.frames })
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum PlayMode {
    #[default]
    Practice,
    Assessment,
}

/// The camera of the empty baseline scene.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EmptyCamera {
    Default,
    BenchCamera,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ScreenArg {
    Title,
    Select,
    Briefing,
}

/// Reads a `--panel` value.
pub fn parse_panel(text: &str) -> Result<crate::panels::Panel, String> {
    use crate::panels::Panel;
    let parts: Vec<&str> = text.split(':').collect();
    let index =
        |s: &str| s.parse::<usize>().map_err(|_| format!("`{s}` is not an analyzer number (0, 1, …)"));
    Ok(match parts.as_slice() {
        ["reception"] => Panel::Reception,
        ["centrifuge"] => Panel::Centrifuge,
        ["analyzer", n] => Panel::Analyzer(index(n)?),
        ["qc", n, test] => Panel::Qc(index(n)?, (*test).to_owned()),
        ["lis"] => Panel::Lis,
        ["phone"] => Panel::Phone,
        ["ppe"] => Panel::Ppe,
        ["sink"] => Panel::Sink,
        ["sharps"] => Panel::Sharps,
        ["biohazard"] => Panel::Biohazard,
        ["spill"] => Panel::Spill,
        ["specimen", id] => Panel::Specimen((*id).to_owned()),
        ["result", id, test] => Panel::Result((*id).to_owned(), (*test).to_owned()),
        ["call", id, test] => Panel::Call((*id).to_owned(), (*test).to_owned()),
        _ => return Err(format!("unknown panel `{text}`")),
    })
}

#[derive(Debug, clap::Args)]
pub struct ValidateArgs {
    /// Files or folders (searched for `.ron` files).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Output for people (text) or for scripts (one JSON document).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

/// Exit codes of `labshift validate`.
pub mod exit {
    pub const VALID: u8 = 0;
    pub const INVALID: u8 = 1;
    pub const USAGE: u8 = 2;
}

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
        let all = check_file(&path, &DiskFiles);
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

/// Loads a scenario for grading or playing, printing its problems to `err`.
pub(crate) fn scenario_or_report(path: &std::path::Path, err: &mut dyn Write) -> Option<Arc<Scenario>> {
    let loaded = load_scenario(&path.to_string_lossy(), &DiskFiles);
    if let Some(scenario) = loaded.value {
        return Some(Arc::new(scenario));
    }
    for d in &loaded.diagnostics {
        let _ = write!(err, "{d}");
    }
    let _ = writeln!(err, "error: `{}` is not a valid scenario", path.display());
    None
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
        let report = SessionLog::parse(&name, &text).and_then(|log| log.grade(&scenario));
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

/// Reads `--speed`: one of the bench's clock speeds.
fn parse_speed(text: &str) -> Result<u32, String> {
    text.parse::<u32>()
        .ok()
        .filter(|s| crate::play::SPEEDS.contains(s))
        .ok_or_else(|| format!("`{text}` is not a speed; choose 1, 2, 4 or 8"))
}
