//! A scenario file as LabShift opens it: loaded and checked, with the
//! reasons it is invalid and the files it was read from.

use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use labshift_core::load::FileKind;
use labshift_core::{Diagnostic, Scenario, load_scenario};

use crate::files::{DiskFiles, RecordingFiles, ron_files_under};

/// A scenario file: checked, or the reasons it is not.
#[derive(Debug, Clone)]
pub struct ScenarioFile {
    pub path: String,
    pub scenario: Option<Scenario>,
    pub diagnostics: Vec<Diagnostic>,
    /// The files it was read from: itself and its policy pack.
    pub sources: Vec<String>,
}

impl ScenarioFile {
    /// Loads and validates a scenario file from disk.
    pub fn load(path: &str) -> ScenarioFile {
        let files = RecordingFiles::default();
        let loaded = load_scenario(path, &files);
        ScenarioFile {
            path: path.to_owned(),
            scenario: loaded.value,
            diagnostics: loaded.diagnostics,
            sources: files.into_paths(),
        }
    }

    /// Every scenario file under `dir`, each loaded and checked (policy
    /// packs and session logs are skipped).
    pub fn all_under(dir: &Path) -> Vec<ScenarioFile> {
        let files = ron_files_under(dir).unwrap_or_default();
        files
            .into_iter()
            .filter(|path| {
                let text = std::fs::read_to_string(path).unwrap_or_default();
                labshift_core::load::sniff(path, &text) == FileKind::Scenario
            })
            .map(|path| ScenarioFile::load(&path))
            .collect()
    }
}

/// Loads a scenario for grading or playing, printing its problems to `err`.
pub fn scenario_or_report(path: &std::path::Path, err: &mut dyn Write) -> Option<Arc<Scenario>> {
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
