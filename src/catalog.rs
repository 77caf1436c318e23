//! The scenarios the app offers: every `.ron` scenario under the scenarios
//! folder, each loaded and checked, so an invalid one can show its
//! diagnostics on the select screen instead of crashing the app.

use std::path::{Path, PathBuf};

use bevy::prelude::*;
use labshift_tools::scenario_file::ScenarioFile;

use crate::CurrentScenario;

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
