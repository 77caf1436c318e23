//! Files on disk for the core's loader, with a size limit checked before reading.

use std::fs;
use std::path::Path;

use labshift_core::Files;
use labshift_core::load::{LINK_OUTSIDE, MAX_FILE_BYTES};

/// Reads scenario and policy files from the local disk.
#[derive(Debug, Default, Clone, Copy)]
pub struct DiskFiles;

impl Files for DiskFiles {
    fn read(&self, path: &str) -> Result<String, String> {
        let meta = fs::metadata(path).map_err(|e| describe(&e))?;
        if !meta.is_file() {
            return Err("not a file".to_owned());
        }
        if meta.len() > MAX_FILE_BYTES as u64 {
            return Err(format!(
                "{} bytes; LabShift reads files of at most {MAX_FILE_BYTES} bytes",
                meta.len()
            ));
        }
        let bytes = fs::read(path).map_err(|e| describe(&e))?;
        String::from_utf8(bytes).map_err(|e| {
            let at = e.utf8_error().valid_up_to();
            let before = String::from_utf8_lossy(&e.as_bytes()[..at]).into_owned();
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            format!("not UTF-8 text: an invalid byte at line {line}, column {column} (offset {at})")
        })
    }

    fn read_inside(&self, root: &str, path: &str) -> Result<String, String> {
        let root = if root.is_empty() { "." } else { root };
        // Both sides with every link followed: a link may not lead out.
        let real_root = fs::canonicalize(root).map_err(|e| describe(&e))?;
        let real = fs::canonicalize(path).map_err(|e| describe(&e))?;
        if !real.starts_with(&real_root) {
            return Err(format!("{LINK_OUTSIDE} (to {})", real.display()));
        }
        self.read(path)
    }

    fn list(&self, dir: &str) -> Vec<String> {
        let dir = if dir.is_empty() { "." } else { dir };
        let mut names: Vec<String> = fs::read_dir(dir)
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|n| n.ends_with(".ron"))
            .collect();
        names.sort();
        names
    }
}

/// Reads through [`DiskFiles`] and remembers every path asked for: the
/// files a scenario depends on (itself, its policy pack), to watch for edits.
#[derive(Debug, Default)]
pub struct RecordingFiles {
    read: std::cell::RefCell<Vec<String>>,
}

impl RecordingFiles {
    /// The paths read, each once, in the order first read.
    pub fn into_paths(self) -> Vec<String> {
        let mut paths = self.read.into_inner();
        let mut seen = std::collections::BTreeSet::new();
        paths.retain(|p| seen.insert(p.clone()));
        paths
    }
}

impl Files for RecordingFiles {
    fn read(&self, path: &str) -> Result<String, String> {
        self.read.borrow_mut().push(path.to_owned());
        DiskFiles.read(path)
    }

    fn list(&self, dir: &str) -> Vec<String> {
        DiskFiles.list(dir)
    }

    fn read_inside(&self, root: &str, path: &str) -> Result<String, String> {
        self.read.borrow_mut().push(path.to_owned());
        DiskFiles.read_inside(root, path)
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use labshift_core::load_scenario;

    #[test]
    fn a_policy_pack_reached_through_a_link_out_of_the_folder_is_refused() {
        let base = std::env::temp_dir().join(format!("labshift-links-{}", std::process::id()));
        let _ = fs::remove_dir_all(&base);
        let (inside, outside) = (base.join("scenarios"), base.join("elsewhere"));
        fs::create_dir_all(&inside).expect("folder");
        fs::create_dir_all(&outside).expect("folder");
        let root = std::path::PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("run by cargo"))
            .join("../..");
        fs::copy(root.join("scenarios/a-morning-chemistry.ron"), inside.join("a.ron")).expect("copy");
        fs::copy(root.join("scenarios/policies/us-default.ron"), outside.join("us-default.ron"))
            .expect("copy");
        std::os::unix::fs::symlink(&outside, inside.join("policies")).expect("link");
        let loaded = load_scenario(&inside.join("a.ron").to_string_lossy(), &DiskFiles);
        let text: Vec<String> = loaded.diagnostics.iter().map(ToString::to_string).collect();
        assert!(loaded.value.is_none(), "{text:?}");
        assert!(text.iter().any(|d| d.contains("a link leading outside the scenario's folder")), "{text:?}");
        // The same pack copied inside loads.
        fs::remove_file(inside.join("policies")).expect("unlink");
        fs::create_dir_all(inside.join("policies")).expect("folder");
        fs::copy(outside.join("us-default.ron"), inside.join("policies/us-default.ron")).expect("copy");
        assert!(load_scenario(&inside.join("a.ron").to_string_lossy(), &DiskFiles).value.is_some());
        let _ = fs::remove_dir_all(&base);
    }
}

fn describe(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_owned(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        _ => e.to_string(),
    }
}

/// Every `.ron` file under `path` (itself if it is a file), sorted.
pub fn ron_files_under(path: &Path) -> std::io::Result<Vec<String>> {
    let meta = fs::metadata(path)?;
    if meta.is_file() {
        return Ok(vec![path.to_string_lossy().into_owned()]);
    }
    let mut found = Vec::new();
    let mut entries: Vec<_> = fs::read_dir(path)?.flatten().map(|e| e.path()).collect();
    entries.sort();
    for entry in entries {
        if entry.is_dir() {
            found.extend(ron_files_under(&entry)?);
        } else if entry.extension().is_some_and(|x| x == "ron") {
            found.push(entry.to_string_lossy().into_owned());
        }
    }
    Ok(found)
}

/// Where the bundled `scenarios/` folder is: beside the working directory
/// when run from the project, else beside the executable.
pub fn scenarios_dir() -> std::path::PathBuf {
    let here = Path::new("scenarios");
    if here.is_dir() {
        return here.to_path_buf();
    }
    if let Ok(exe) = std::env::current_exe() {
        for dir in exe.ancestors().skip(1).take(4) {
            let candidate = dir.join("scenarios");
            if candidate.is_dir() {
                return candidate;
            }
        }
    }
    here.to_path_buf()
}
