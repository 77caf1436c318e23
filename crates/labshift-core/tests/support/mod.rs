//! Shared by the core's integration tests: the disk, as the tests' own window
//! on it (the core itself never reads files).

use labshift_core::load::Files;

pub struct Disk;

impl Files for Disk {
    fn read(&self, path: &str) -> Result<String, String> {
        std::fs::read_to_string(path).map_err(|e| e.to_string())
    }

    fn list(&self, dir: &str) -> Vec<String> {
        std::fs::read_dir(dir)
            .map(|entries| entries.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect())
            .unwrap_or_default()
    }
}

/// The repository, found when the test runs: a path fixed at compile time
/// would point into whichever checkout built a cached test binary.
#[allow(dead_code)] // Not every file that shares this module uses it.
pub fn repository() -> std::path::PathBuf {
    std::path::PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("run by cargo")).join("../..")
}
