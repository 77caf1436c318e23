//! The arguments of every instructor command, and their exit codes. The
//! `labshift` binary's command line embeds these argument sets as they are.

use std::path::PathBuf;

use clap::ValueEnum;

/// The institution's home page in xAPI statements when none is given.
pub const DEFAULT_HOME_PAGE: &str = "https://labshift.invalid";

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
    #[arg(long, value_name = "URL", default_value = DEFAULT_HOME_PAGE, requires = "xapi")]
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
    /// Grade logs written under an earlier scoring, or on an earlier version
    /// of the scenario: their actions are replayed on the scenario as it is
    /// now, under today's scoring. A log whose actions no longer replay is
    /// still refused.
    #[arg(long)]
    pub rescore: bool,
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
