//! The crash-safe session journal: every action a trainee takes is appended
//! to a file in the user's data folder and flushed to the disk (fsync)
//! before the app goes on. A shift that never reached its debrief — a crash,
//! a power cut, a closed window — leaves its journal behind, and the title
//! screen offers to resume it: the journal replays to the state it had.
//!
//! The format is one line per record: the log header, then one entry per
//! action, each as RON. A power cut can tear only the last line, which is
//! then dropped; every line before it was on the disk before the action
//! after it was taken.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use labshift_core::log::{LogEntry, LogHeader, SessionLog};

/// Where journals live: `$LABSHIFT_DATA_DIR/journal`, else the platform's
/// data folder (`~/.local/share/labshift/journal` on Linux).
pub fn default_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("LABSHIFT_DATA_DIR").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir).join("journal"));
    }
    directories::ProjectDirs::from("", "", "LabShift").map(|p| p.data_dir().join("journal"))
}

/// The journal of the shift being played.
#[derive(Debug)]
pub struct Journal {
    pub path: PathBuf,
    file: File,
}

impl Journal {
    /// Starts a journal in `dir` for a shift with this header, named after
    /// its session log (`stem`), so a resumed shift goes on in the same log.
    pub fn create(dir: &Path, header: &LogHeader, stem: &str) -> std::io::Result<Journal> {
        fs::create_dir_all(dir)?;
        // The header is written and synced under a name no reader takes for a
        // journal, then the journal's name is linked to it: a shift killed at
        // any moment leaves no journal, or one with its header, never an
        // empty one. Linking fails when the name is taken, as `create_new` does.
        let draft = dir.join(format!("{stem}.journal-{}.tmp", std::process::id()));
        {
            let mut f = File::create(&draft)?;
            f.write_all(format!("{}\n", one_line(header)?).as_bytes())?;
            f.sync_data()?;
        }
        let linked = (1..10_000)
            .map(|n| {
                if n == 1 {
                    dir.join(format!("{stem}.journal"))
                } else {
                    dir.join(format!("{stem}~{n}.journal"))
                }
            })
            .find(|p| fs::hard_link(&draft, p).is_ok());
        let _ = fs::remove_file(&draft);
        let path = linked.ok_or_else(|| std::io::Error::other("no free journal name"))?;
        let file = OpenOptions::new().append(true).open(&path)?;
        let journal = Journal { path, file };
        // The new name itself must survive a power cut.
        if let Ok(d) = File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(journal)
    }

    /// Appends one action and waits until it is on the disk.
    pub fn append(&mut self, entry: &LogEntry) -> std::io::Result<()> {
        self.append_all(std::slice::from_ref(entry))
    }

    /// Appends actions, one a line, in one write, and waits until they are on the disk.
    pub fn append_all(&mut self, entries: &[LogEntry]) -> std::io::Result<()> {
        let mut lines = String::new();
        for entry in entries {
            lines.push_str(&one_line(entry)?);
            lines.push('\n');
        }
        self.file.write_all(lines.as_bytes())?;
        self.file.sync_data()
    }

    /// The shift reached its end and its log is saved: the journal goes.
    // The file is closed before it is removed (a browser build has no files to close).
    #[cfg_attr(target_arch = "wasm32", allow(clippy::drop_non_drop))]
    pub fn finish(self) -> std::io::Result<()> {
        drop(self.file);
        fs::remove_file(&self.path)
    }
}

fn one_line<T: serde::Serialize>(value: &T) -> std::io::Result<String> {
    ron::to_string(value).map_err(std::io::Error::other)
}

/// What a journal on disk holds.
#[derive(Debug, Clone)]
pub struct Unfinished {
    pub path: PathBuf,
    pub log: SessionLog,
    /// A torn last line was dropped.
    pub torn: bool,
}

impl Unfinished {
    /// The file name of the session log the shift was writing.
    pub fn log_name(&self) -> String {
        let stem = self.path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        let stem = stem.split('~').next().unwrap_or_default();
        format!("{stem}.log.ron")
    }
}

/// Reads a journal: its header and every whole entry.
pub fn read(path: &Path) -> Result<Unfinished, String> {
    let bytes = fs::read(path).map_err(|e| format!("cannot read: {e}"))?;
    let text = String::from_utf8_lossy(&bytes);
    let mut lines: Vec<&str> = text.split('\n').collect();
    // Whatever follows the last newline was being written when the shift stopped.
    let tail = lines.pop().unwrap_or_default();
    let mut torn = !tail.is_empty();
    let Some(first) = lines.first() else { return Err("empty journal".into()) };
    let header: LogHeader = ron::from_str(first).map_err(|e| format!("line 1: not a session header: {e}"))?;
    let mut actions = Vec::new();
    let count = lines.len();
    for (i, line) in lines.iter().enumerate().skip(1) {
        match ron::from_str::<LogEntry>(line) {
            Ok(entry) => actions.push(entry),
            // A line a power cut tore is the last one; one in the middle is damage.
            Err(_) if i + 1 == count && !torn => torn = true,
            Err(e) => return Err(format!("line {}: not a journal entry: {e}", i + 1)),
        }
    }
    Ok(Unfinished { path: path.to_path_buf(), log: SessionLog { header, actions }, torn })
}

/// Every journal left in `dir`, oldest name first, with why one cannot be read.
pub fn unfinished(dir: &Path) -> Vec<Result<Unfinished, (PathBuf, String)>> {
    let mut paths: Vec<PathBuf> = fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "journal"))
        .collect();
    paths.sort();
    paths.into_iter().map(|p| read(&p).map_err(|e| (p, e))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use labshift_core::action::{Action, Mode};
    use labshift_core::raw::Ppe;

    fn header() -> LogHeader {
        LogHeader {
            format: 1,
            scoring: labshift_core::log::SCORING,
            scenario: "morning-chemistry".into(),
            scenario_hash: "fnv1a64:0".into(),
            seed: 3,
            labshift: "0".into(),
            trainee: "Ann Lee".into(),
            mode: Mode::Assessment,
        }
    }

    fn entry(at: &str, action: Action) -> LogEntry {
        LogEntry { at: at.into(), action }
    }

    #[test]
    fn a_journal_keeps_every_whole_line_and_drops_a_torn_one() {
        let dir = std::env::temp_dir().join(format!("labshift-journal-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let mut j = Journal::create(&dir, &header(), "morning-chemistry-ann-lee-seed3").expect("journal");
        assert!(j.path.ends_with("morning-chemistry-ann-lee-seed3.journal"));
        j.append(&entry("07:00:00", Action::PutOn(Ppe::Coat))).expect("append");
        j.append(&entry("07:00:20", Action::Receive { specimen: "S01".into() })).expect("append");
        let read_back = read(&j.path).expect("read");
        assert_eq!(read_back.log.header, header());
        assert_eq!(read_back.log.actions.len(), 2);
        assert!(!read_back.torn);
        // A power cut in the middle of the third line.
        let mut f = OpenOptions::new().append(true).open(&j.path).expect("open");
        f.write_all(b"(at:\"07:00:40\",action:Acc").expect("tear");
        let torn = read(&j.path).expect("read");
        assert_eq!(torn.log.actions.len(), 2);
        assert!(torn.torn);
        // Damage before the last line is an error, not a silent loss.
        fs::write(
            &j.path,
            format!("{}\nnonsense\n(at:\"07:00:00\",action:WashHands)\n", one_line(&header()).expect("ron")),
        )
        .expect("write");
        assert!(read(&j.path).err().is_some_and(|e| e.starts_with("line 2")));
        let found = unfinished(&dir);
        assert_eq!(found.len(), 1);
        let again = Journal::create(&dir, &header(), "morning-chemistry-ann-lee-seed3").expect("journal");
        assert!(again.path.ends_with("morning-chemistry-ann-lee-seed3~2.journal"));
        let second = read(&again.path).expect("read");
        assert_eq!(second.log_name(), "morning-chemistry-ann-lee-seed3.log.ron");
        let path = j.path.clone();
        j.finish().expect("finish");
        assert!(!path.exists());
        let _ = fs::remove_dir_all(&dir);
    }
}
