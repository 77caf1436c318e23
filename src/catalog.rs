//! The scenarios the app offers: every `.ron` scenario under the scenarios
//! folder, each loaded and checked, so an invalid one can show its
//! diagnostics on the select screen instead of crashing the app.

use std::path::{Path, PathBuf};

use bevy::prelude::*;
use labshift_core::{Diagnostic, Scenario};
use labshift_tools::scenario_file::ScenarioFile;

#[derive(Resource, Debug, Clone, Default)]
pub struct Catalog {
    /// The folder it lists; `None` for a catalog built by hand.
    pub dir: Option<PathBuf>,
    /// Each scenario file, loaded and checked.
    pub entries: Vec<CurrentScenario>,
}

impl Catalog {
    /// Loads every scenario file under `dir` (policy packs and logs are skipped).
    pub fn load(dir: &Path) -> Catalog {
        let entries = ScenarioFile::all_under(dir).into_iter().map(CurrentScenario::from).collect();
        Catalog { dir: Some(dir.to_path_buf()), entries }
    }
}

/// The scenario the app was opened on: checked, or the reasons it is not.
#[derive(Resource, Debug, Clone)]
pub struct CurrentScenario {
    pub path: String,
    pub scenario: Option<Scenario>,
    pub diagnostics: Vec<Diagnostic>,
    /// The files it was read from: itself and its policy pack.
    pub sources: Vec<String>,
}

impl CurrentScenario {
    /// Loads and validates a scenario file from disk.
    pub fn load(path: &str) -> CurrentScenario {
        ScenarioFile::load(path).into()
    }
}

impl From<ScenarioFile> for CurrentScenario {
    fn from(file: ScenarioFile) -> CurrentScenario {
        let ScenarioFile { path, scenario, diagnostics, sources } = file;
        CurrentScenario { path, scenario, diagnostics, sources }
    }
}
