//! The command line: `labshift` (the bench), `labshift play`, `labshift demo`,
//! and the instructor's commands of `labshift-tools`, embedded as they are.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

pub use labshift_tools::args::{
    Format, GradeArgs, NewArgs, PreviewArgs, QcArgs, ReferenceArgs, ReportArgs, TierArg, ValidateArgs, exit,
};
pub use labshift_tools::commands::{grade, qc, reference, validate};
pub use labshift_tools::scenario_file::scenario_or_report;

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
    pub inject: Option<crate::ui::command::FaultKind>,
    #[command(flatten)]
    pub window: WindowArgs,
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
    /// Open this panel on the bench: reception, centrifuge, analyzer:N, qc:N:TEST, corrective:N:TEST,
    /// lis, phone, ppe, sink, sharps, biohazard, spill, coffee, labels, label:ID, handling:ID, specimen:ID, result:ID:TEST, call:ID:TEST.
    #[arg(long, value_name = "PANEL")]
    pub panel: Option<String>,
    /// With --panel specimen:ID: the label beside its requisition drawn large, as the Z key does.
    #[arg(long)]
    pub zoom: bool,
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
pub fn parse_panel(text: &str) -> Result<crate::state::Panel, String> {
    use crate::state::Panel;
    let parts: Vec<&str> = text.split(':').collect();
    let index =
        |s: &str| s.parse::<usize>().map_err(|_| format!("`{s}` is not an analyzer number (0, 1, …)"));
    Ok(match parts.as_slice() {
        ["reception"] => Panel::Reception,
        ["centrifuge"] => Panel::Centrifuge,
        ["analyzer", n] => Panel::Analyzer(index(n)?),
        ["qc", n, test] => Panel::Qc(index(n)?, (*test).to_owned()),
        ["corrective", n, test] => Panel::Corrective(index(n)?, (*test).to_owned()),
        ["lis"] => Panel::Lis,
        ["phone"] => Panel::Phone,
        ["ppe"] => Panel::Ppe,
        ["sink"] => Panel::Sink,
        ["sharps"] => Panel::Sharps,
        ["biohazard"] => Panel::Biohazard,
        ["spill"] => Panel::Spill,
        ["coffee"] => Panel::Coffee,
        ["labels"] => Panel::LabelStation,
        ["label", id] => Panel::Label((*id).to_owned(), crate::state::LabelDraft::START),
        ["handling", id] => Panel::Handling((*id).to_owned()),
        ["specimen", id] => Panel::Specimen((*id).to_owned()),
        ["result", id, test] => Panel::Result((*id).to_owned(), (*test).to_owned()),
        ["call", id, test] => Panel::Call((*id).to_owned(), (*test).to_owned()),
        _ => return Err(format!("unknown panel `{text}`")),
    })
}

/// Reads `--speed`: one of the bench's clock speeds.
fn parse_speed(text: &str) -> Result<u32, String> {
    text.parse::<u32>()
        .ok()
        .filter(|s| crate::play::SPEEDS.contains(s))
        .ok_or_else(|| format!("`{text}` is not a speed; choose 1, 2, 4 or 8"))
}
