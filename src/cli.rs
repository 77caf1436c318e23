//! The command line: `labshift` (the bench), `labshift play`, `labshift validate`.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};
use labshift_core::{Diagnostic, check_file};
use serde::Serialize;

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
}

#[derive(Debug, Clone, Default, clap::Args)]
pub struct PlayArgs {
    /// Scenario file; defaults to the bundled routine morning chemistry run.
    pub scenario: Option<PathBuf>,
    /// Save a screenshot of the window to this PNG file, then exit.
    #[arg(long, value_name = "PNG")]
    pub screenshot: Option<PathBuf>,
    /// Frames to render before the screenshot is taken.
    #[arg(long, default_value_t = 20, requires = "screenshot")]
    pub frames: u32,
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
