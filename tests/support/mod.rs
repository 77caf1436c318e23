//! Shared by the CLI tests: running the built `labshift` as a user would.

use std::process::{Command, Output};

/// Runs `labshift` with `args` from the project folder.
pub fn labshift(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_labshift"))
        .args(args)
        .current_dir(repository())
        .output()
        .unwrap_or_else(|e| panic!("cannot run labshift: {e}"))
}

/// The bundled sample scenarios, by file stem.
#[allow(dead_code)] // Not every test file that shares this module uses it.
pub const SCENARIOS: [&str; 6] = [
    "a-morning-chemistry",
    "b-mislabel-hemolysis",
    "c-qc-shift",
    "d-critical-calls-spill",
    "e-qc-shift-random",
    "f-outpatient-labels",
];

/// Output bytes as text.
#[allow(dead_code)]
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A fresh, empty folder for one test.
#[allow(dead_code)]
pub fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("labshift-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    dir
}

/// The repository, found when the test runs: a path fixed at compile time
/// would point into whichever checkout built a cached test binary.
#[allow(dead_code)] // Not every file that shares this module uses it.
pub fn repository() -> std::path::PathBuf {
    std::path::PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("run by cargo"))
}
