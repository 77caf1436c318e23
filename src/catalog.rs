//! The scenarios the app offers: every `.ron` scenario under the scenarios
//! folder, each loaded and checked, so an invalid one can show its
//! diagnostics on the select screen instead of crashing the app.

use std::path::{Path, PathBuf};

use bevy::prelude::*;
use labshift_core::load::FileKind;

use crate::CurrentScenario;
use crate::files::ron_files_under;

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
        let files = ron_files_under(dir).unwrap_or_default();
        let entries = files
            .into_iter()
            .filter(|path| {
                let text = std::fs::read_to_string(path).unwrap_or_default();
                labshift_core::load::sniff(path, &text) == FileKind::Scenario
            })
            .map(|path| CurrentScenario::load(&path))
            .collect();
        Catalog { dir: Some(dir.to_path_buf()), entries }
    }
}
