//! The scenarios the app offers: every `.ron` scenario under the scenarios
//! folder, each loaded and checked, so an invalid one can show its
//! diagnostics on the select screen instead of crashing the app.

use std::path::Path;

use bevy::prelude::*;
use labshift_core::load::FileKind;
use labshift_core::{Diagnostic, Scenario, load_scenario};

use crate::CurrentScenario;
use crate::files::{DiskFiles, ron_files_under};

#[derive(Debug, Clone)]
pub struct CatalogEntry {
    pub path: String,
    pub scenario: Option<Scenario>,
    pub diagnostics: Vec<Diagnostic>,
}

impl CatalogEntry {
    pub fn current(&self) -> CurrentScenario {
        CurrentScenario {
            path: self.path.clone(),
            scenario: self.scenario.clone(),
            diagnostics: self.diagnostics.clone(),
        }
    }
}

#[derive(Resource, Debug, Clone, Default)]
pub struct Catalog {
    pub entries: Vec<CatalogEntry>,
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
            .map(|path| {
                let loaded = load_scenario(&path, &DiskFiles);
                CatalogEntry { path, scenario: loaded.value, diagnostics: loaded.diagnostics }
            })
            .collect();
        Catalog { entries }
    }
}
