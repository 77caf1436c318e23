//! Instructor commands: `labshift new` and `labshift preview`.

use std::io::Write;

use labshift_core::preview::answer_key;

use crate::args::{Format, NewArgs, PreviewArgs, TierArg, exit};
use crate::files::DiskFiles;
use crate::scenario_file::scenario_or_report;

/// The scenario skeleton `labshift new` writes.
const TEMPLATE: &str = include_str!("templates/scenario.ron");
/// The bundled policy pack, written beside a new scenario if its folder has none.
const US_DEFAULT_PACK: &str = include_str!("../../../scenarios/policies/us-default.ron");

/// Runs `labshift new`: 0 when the skeleton is written and validates, 2 on a usage error.
pub fn new(args: &NewArgs, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    if !labshift_core::validate::is_slug(&args.id) {
        let _ = writeln!(
            err,
            "error: `{}` is not a scenario id: use lower-case letters, digits and `-`, e.g. `night-coag`",
            args.id
        );
        return exit::USAGE;
    }
    let path = args.dir.join(format!("{}.ron", args.id));
    if path.exists() {
        let _ =
            writeln!(err, "error: `{}` already exists; choose another id or move it away", path.display());
        return exit::USAGE;
    }
    if let Err(e) = std::fs::create_dir_all(&args.dir) {
        let _ = writeln!(err, "error: cannot create `{}`: {e}", args.dir.display());
        return exit::USAGE;
    }
    let pack = args.dir.join("policies/us-default.ron");
    if !pack.exists() {
        let written = std::fs::create_dir_all(args.dir.join("policies"))
            .and_then(|()| std::fs::write(&pack, US_DEFAULT_PACK));
        if let Err(e) = written {
            let _ = writeln!(err, "error: cannot write the policy pack `{}`: {e}", pack.display());
            return exit::USAGE;
        }
        let _ = writeln!(out, "wrote {} (the bundled US policy pack)", pack.display());
    }
    let title = args.title.clone().unwrap_or_else(|| title_from(&args.id));
    let text = TEMPLATE
        .replace("{ID}", &args.id)
        .replace("{TITLE}", &title.replace('"', "'"))
        .replace("{TIER}", tier_name(args.tier))
        .replace("{PATH}", &path.display().to_string());
    // Never overwrite: a file that appeared meanwhile is left alone.
    let created = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .and_then(|mut f| f.write_all(text.as_bytes()));
    if let Err(e) = created {
        let _ = writeln!(err, "error: cannot write `{}`: {e}", path.display());
        return exit::USAGE;
    }
    let diagnostics = labshift_core::check_file(&path.to_string_lossy(), &DiskFiles);
    if diagnostics.iter().any(labshift_core::Diagnostic::is_error) {
        for d in &diagnostics {
            let _ = write!(err, "{d}");
        }
        let _ = writeln!(err, "error: the new scenario does not validate against `{}`", pack.display());
        return exit::INVALID;
    }
    let _ = writeln!(out, "wrote {}", path.display());
    let _ = writeln!(out, "next: edit it, then `labshift validate {}`", path.display());
    exit::VALID
}

fn tier_name(tier: TierArg) -> &'static str {
    match tier {
        TierArg::Junior => "Junior",
        TierArg::Technician => "Technician",
        TierArg::Senior => "Senior",
        TierArg::Lead => "Lead",
    }
}

/// `night-coag` → `Night coag`.
fn title_from(id: &str) -> String {
    let words = id.replace(['-', '_'], " ");
    let mut chars = words.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// Runs `labshift preview`: 0 on success, 2 if the scenario does not load.
pub fn preview(args: &PreviewArgs, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let Some(scenario) = scenario_or_report(&args.scenario, err) else { return exit::USAGE };
    let key = answer_key(&scenario, args.seed);
    match args.format {
        Format::Json => {
            let _ = serde_json::to_writer_pretty(&mut *out, &key);
            let _ = writeln!(out);
        }
        Format::Text => {
            let _ = write!(out, "{}", key.to_text());
        }
    }
    exit::VALID
}
