//! The sample scenarios and their policy pack, built into the executable:
//! the web build's catalog, which has no folder to read.

use labshift_core::load::{FileKind, sniff};
use labshift_core::{MemoryFiles, load_scenario};

use crate::catalog::Catalog;
use crate::catalog::CurrentScenario;

/// Every file of the bundled `scenarios/` folder a scenario may read, by its
/// path in the project.
pub const FILES: &[(&str, &str)] = &[
    ("scenarios/a-morning-chemistry.ron", include_str!("../scenarios/a-morning-chemistry.ron")),
    ("scenarios/b-mislabel-hemolysis.ron", include_str!("../scenarios/b-mislabel-hemolysis.ron")),
    ("scenarios/c-qc-shift.ron", include_str!("../scenarios/c-qc-shift.ron")),
    ("scenarios/d-critical-calls-spill.ron", include_str!("../scenarios/d-critical-calls-spill.ron")),
    ("scenarios/e-qc-shift-random.ron", include_str!("../scenarios/e-qc-shift-random.ron")),
    ("scenarios/f-outpatient-labels.ron", include_str!("../scenarios/f-outpatient-labels.ron")),
    ("scenarios/policies/us-default.ron", include_str!("../scenarios/policies/us-default.ron")),
];

/// The bundled files, for the core's loader, as if the `scenarios/` folder
/// were at `root` (e.g. `""`: a picked file beside the bundled `policies/`).
pub fn files_at(root: &str) -> MemoryFiles {
    FILES.iter().fold(MemoryFiles::default(), |files, (path, text)| {
        files.with(&format!("{root}{}", path.strip_prefix("scenarios/").unwrap_or(path)), text)
    })
}

/// The bundled scenarios, each loaded and checked as from disk.
pub fn catalog() -> Catalog {
    let files = files_at("scenarios/");
    let entries = FILES
        .iter()
        .filter(|(path, text)| sniff(path, text) == FileKind::Scenario)
        .map(|(path, _)| {
            let loaded = load_scenario(path, &files);
            CurrentScenario {
                path: (*path).to_owned(),
                scenario: loaded.value,
                diagnostics: loaded.diagnostics,
                sources: Vec::new(),
            }
        })
        .collect();
    Catalog { dir: None, entries }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bundle holds every scenario file of the folder, as it is on disk:
    /// a new sample cannot be left out of the web build.
    #[test]
    fn the_bundle_is_the_scenarios_folder() {
        let on_disk = Catalog::load(std::path::Path::new("scenarios"));
        let bundled = catalog();
        let names = |c: &Catalog| c.entries.iter().map(|e| e.path.clone()).collect::<Vec<_>>();
        assert_eq!(names(&bundled), names(&on_disk));
        assert_eq!(bundled.entries.len(), 6);
        for (b, d) in bundled.entries.iter().zip(&on_disk.entries) {
            let (b, d) = (b.scenario.as_ref(), d.scenario.as_ref());
            assert!(b.is_some(), "{:?}", bundled.entries);
            // The same content: the fingerprint logs are checked against.
            assert_eq!(b.map(|s| s.hash.clone()), d.map(|s| s.hash.clone()));
        }
        for (path, text) in FILES {
            assert_eq!(std::fs::read_to_string(path).ok().as_deref(), Some(*text), "{path}");
        }
    }
}
