//! Loading scenario and policy files through a [`Files`] source the shell
//! provides: the core itself never touches the disk.

use std::path::{Component, Path};

use crate::diag::Diagnostic;
use crate::model::{Policy, Scenario};
pub use crate::parse::{parse_ron, without_bom};
use crate::raw::{RawPolicyPack, RawScenario};
use crate::validate::{Checker, check_policy, check_scenario};

/// Files larger than this are refused before parsing.
pub const MAX_FILE_BYTES: usize = 1 << 20;

/// How [`Files::read_inside`] begins its refusal of a link out of the folder.
pub const LINK_OUTSIDE: &str = "a link leading outside the scenario's folder";

/// Where the loader reads files from: the disk for the CLI and the app, a map
/// in tests, embedded data in a browser.
pub trait Files {
    /// The text of the file at `path`, or why it cannot be read.
    fn read(&self, path: &str) -> Result<String, String>;
    /// Names of the `.ron` files in a folder, for suggestions; empty if unknown.
    fn list(&self, dir: &str) -> Vec<String>;
    /// The text of `path`, a file a scenario in `root` names, refused if it
    /// is not really inside `root` (a link leading out of it, on a disk).
    fn read_inside(&self, root: &str, path: &str) -> Result<String, String> {
        let _ = root;
        self.read(path)
    }
}

/// What kind of LabShift file a RON document is, from its outer struct name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Scenario,
    PolicyPack,
    SessionLog,
}

/// Guesses the kind of a file: by its outer struct name, else by its folder.
pub fn sniff(path: &str, src: &str) -> FileKind {
    let src = without_bom(src);
    match crate::spans::SpanIndex::build(src).root_name.as_deref() {
        Some("PolicyPack") => FileKind::PolicyPack,
        Some("Scenario") => FileKind::Scenario,
        Some("SessionLog") => FileKind::SessionLog,
        _ if Path::new(path).parent().and_then(Path::file_name).is_some_and(|d| d == "policies") => {
            FileKind::PolicyPack
        }
        _ => FileKind::Scenario,
    }
}

/// The outcome of loading one file: the checked value if it is valid, and
/// every diagnostic (errors and warnings) for it and the files it names.
#[derive(Debug)]
pub struct Loaded<T> {
    pub value: Option<T>,
    pub diagnostics: Vec<Diagnostic>,
}

impl<T> Loaded<T> {
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|d| d.is_error())
    }

    pub fn is_valid(&self) -> bool {
        self.value.is_some() && self.errors().next().is_none()
    }
}

fn read(files: &dyn Files, path: &str) -> Result<String, Box<Diagnostic>> {
    let text = files
        .read(path)
        .map_err(|why| Box::new(Diagnostic::whole_file(path, format!("cannot read file: {why}"))))?;
    if text.len() > MAX_FILE_BYTES {
        return Err(Box::new(Diagnostic::whole_file(
            path,
            format!("file is {} bytes; LabShift reads files of at most {} bytes", text.len(), MAX_FILE_BYTES),
        )));
    }
    Ok(text)
}

/// Resolves a path a scenario names, relative to the scenario's folder.
/// Absolute paths and `..` are refused: a scenario only names files beside it.
pub fn resolve_inside(base_file: &str, relative: &str) -> Result<String, String> {
    let rel = Path::new(relative);
    if rel.is_absolute() || relative.starts_with(['/', '\\']) || relative.contains(':') {
        return Err("an absolute path".to_owned());
    }
    if rel.components().any(|c| !matches!(c, Component::Normal(_) | Component::CurDir)) {
        return Err("a path leaving the scenario's folder".to_owned());
    }
    let dir = Path::new(base_file).parent().map(Path::to_path_buf).unwrap_or_default();
    Ok(dir.join(rel).to_string_lossy().into_owned())
}

/// Loads and checks a policy pack.
pub fn load_policy(path: &str, files: &dyn Files) -> Loaded<Policy> {
    let src = match read(files, path) {
        Ok(src) => src,
        Err(d) => return Loaded { value: None, diagnostics: vec![*d] },
    };
    policy_from_str(path, &src)
}

/// Checks a policy pack given as text.
pub fn policy_from_str(path: &str, src: &str) -> Loaded<Policy> {
    let src = without_bom(src);
    let raw: RawPolicyPack = match parse_ron(path, src) {
        Ok(raw) => raw,
        Err(d) => return Loaded { value: None, diagnostics: vec![*d] },
    };
    let mut checker = Checker::new(path, src);
    let value = check_policy(raw, &mut checker);
    Loaded { value, diagnostics: checker.diagnostics }
}

/// Loads a scenario, then the policy pack it names, and checks both.
pub fn load_scenario(path: &str, files: &dyn Files) -> Loaded<Scenario> {
    let src = match read(files, path) {
        Ok(src) => src,
        Err(d) => return Loaded { value: None, diagnostics: vec![*d] },
    };
    scenario_from_str(path, &src, files)
}

/// Checks a scenario given as text; its policy pack is read through `files`.
pub fn scenario_from_str(path: &str, src: &str, files: &dyn Files) -> Loaded<Scenario> {
    let src = without_bom(src);
    let raw: RawScenario = match parse_ron(path, src) {
        Ok(raw) => raw,
        Err(d) => return Loaded { value: None, diagnostics: vec![*d] },
    };
    let mut checker = Checker::new(path, src);
    let mut diagnostics = Vec::new();
    let policy = match resolve_inside(path, &raw.policy) {
        Err(why) => {
            let d = checker
                .at("policy", format!("policy pack path `{}` is {why}", raw.policy))
                .expected("a path relative to the scenario's folder, e.g. \"policies/us-default.ron\"");
            checker.push(d);
            None
        }
        Ok(policy_path) => match files.read_inside(
            &Path::new(path).parent().map(|d| d.to_string_lossy().into_owned()).unwrap_or_default(),
            &policy_path,
        ) {
            Err(why) if why.starts_with(LINK_OUTSIDE) => {
                let d = checker
                    .at("policy", format!("policy pack `{}` is {why}", raw.policy))
                    .expected("a policy pack inside the scenario's folder")
                    .help("copy the pack into the folder instead of linking to it");
                checker.push(d);
                None
            }
            Err(why) => {
                let dir = Path::new(&policy_path)
                    .parent()
                    .map(|d| d.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let rel_dir = Path::new(&raw.policy)
                    .parent()
                    .map(|d| d.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let available: Vec<String> = files
                    .list(&dir)
                    .into_iter()
                    .map(|f| if rel_dir.is_empty() { f } else { format!("{rel_dir}/{f}") })
                    .collect();
                let names: Vec<&str> = available.iter().map(String::as_str).collect();
                let help = if names.is_empty() {
                    "policy packs live in `scenarios/policies/`".to_owned()
                } else {
                    crate::diag::suggest(&raw.policy, "policy pack", &names).replace("defined:", "available:")
                };
                let d = checker
                    .at("policy", format!("policy pack `{}` not found ({why})", raw.policy))
                    .expected("the path of a policy pack, relative to the scenario's folder")
                    .help(help);
                checker.push(d);
                None
            }
            Ok(_) => {
                let loaded = load_policy(&policy_path, files);
                if loaded.value.is_none() {
                    let d = checker
                        .at("policy", format!("policy pack `{}` is invalid (see its errors)", raw.policy));
                    checker.push(d);
                }
                diagnostics.extend(loaded.diagnostics);
                loaded.value
            }
        },
    };
    let value = check_scenario(raw, policy, &mut checker);
    let mut all = checker.diagnostics;
    all.extend(diagnostics);
    let value = value.filter(|_| all.iter().all(|d| !d.is_error()));
    Loaded { value, diagnostics: all }
}

/// Checks any LabShift file, scenario or policy pack, returning its diagnostics.
pub fn check_file(path: &str, files: &dyn Files) -> Vec<Diagnostic> {
    let src = match read(files, path) {
        Ok(src) => src,
        Err(d) => return vec![*d],
    };
    match sniff(path, &src) {
        FileKind::PolicyPack => policy_from_str(path, &src).diagnostics,
        FileKind::Scenario => scenario_from_str(path, &src, files).diagnostics,
        FileKind::SessionLog => check_log(path, &src),
    }
}

/// Checks a session log on its own: its syntax, and that its times are clock
/// times that never go backwards. (Replaying it needs its scenario: `grade`.)
pub fn check_log(path: &str, src: &str) -> Vec<Diagnostic> {
    let src = without_bom(src);
    let log: crate::log::SessionLog = match parse_ron(path, src) {
        Ok(log) => log,
        Err(d) => return vec![*d],
    };
    let mut checker = Checker::new(path, src);
    let mut last = None;
    for (i, entry) in log.actions.iter().enumerate() {
        let p = format!("actions[{i}].at");
        match crate::time::ClockTime::parse(&entry.at) {
            None => {
                let d = checker
                    .at(&p, format!("`{}` is not a clock time", entry.at))
                    .expected("a time written `HH:MM:SS`");
                checker.push(d);
            }
            Some(t) => {
                if last.is_some_and(|l| t < l) {
                    let d = checker
                        .at(&p, format!("action at {} comes after a later one", entry.at))
                        .expected("actions in the order they were taken");
                    checker.push(d);
                }
                last = Some(t);
            }
        }
    }
    checker.diagnostics
}

/// An in-memory [`Files`], for tests and embedded scenarios.
#[derive(Debug, Default, Clone)]
pub struct MemoryFiles {
    pub files: std::collections::BTreeMap<String, String>,
}

impl MemoryFiles {
    pub fn with(mut self, path: &str, text: &str) -> Self {
        self.files.insert(path.to_owned(), text.to_owned());
        self
    }
}

impl Files for MemoryFiles {
    fn read(&self, path: &str) -> Result<String, String> {
        self.files.get(path).cloned().ok_or_else(|| "no such file".to_owned())
    }

    fn list(&self, dir: &str) -> Vec<String> {
        self.files
            .keys()
            .filter_map(|k| {
                let p = Path::new(k);
                (p.parent().map(|d| d.to_string_lossy()) == Some(dir.into()))
                    .then(|| p.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default())
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolve_refuses_escapes() {
        assert_eq!(
            resolve_inside("scenarios/a.ron", "policies/p.ron").as_deref(),
            Ok("scenarios/policies/p.ron")
        );
        assert!(resolve_inside("scenarios/a.ron", "../p.ron").is_err());
        assert!(resolve_inside("scenarios/a.ron", "/etc/passwd").is_err());
        assert!(resolve_inside("scenarios/a.ron", "policies/../../x.ron").is_err());
    }

    #[test]
    fn sniff_by_struct_name_then_folder() {
        assert_eq!(sniff("x.ron", "PolicyPack(format: 1)"), FileKind::PolicyPack);
        assert_eq!(sniff("scenarios/policies/x.ron", "(format: 1)"), FileKind::PolicyPack);
        assert_eq!(sniff("x.ron", "(format: 1)"), FileKind::Scenario);
    }
}
