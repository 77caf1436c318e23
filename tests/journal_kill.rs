//! Nothing a trainee does is lost: the app is run on a scripted input (a
//! reference solution fed as the trainee's actions, without a window) and
//! killed with SIGKILL at random moments. Every action it reported as
//! recorded must be in the journal it left; resuming the journal must carry
//! the shift on to exactly the report the uninterrupted shift gets.

mod support;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use labshift::journal;
use labshift_core::log::SessionLog;
use support::{SCENARIOS, labshift, scratch, text};

/// How many times the app is killed.
const KILLS: usize = 50;

/// A small deterministic generator: the kill moments are the same on every run.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

fn play(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_labshift"));
    command.arg("play").args(args).current_dir(support::repository());
    command
}

fn graded(scenario: &str, log: &Path) -> serde_json::Value {
    let out = labshift(&["grade", scenario, &log.to_string_lossy(), "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null)
}

#[test]
fn a_shift_killed_at_random_moments_loses_no_recorded_action_and_resumes_to_the_same_report() {
    let mut rng = Lcg(0x1ab5_4f17);
    let mut kills = 0;
    let mut runs = 0;
    let mut at_kill = Vec::new();
    while kills < KILLS {
        runs += 1;
        assert!(runs < KILLS * 3, "too many runs ended before their kill: {kills} kills in {runs} runs");
        let stem = SCENARIOS[runs % SCENARIOS.len()];
        let scenario = format!("scenarios/{stem}.ron");
        let reference = format!("scenarios/reference/{stem}.log.ron");
        let expected =
            SessionLog::parse(&reference, &std::fs::read_to_string(&reference).unwrap_or_default())
                .unwrap_or_else(|e| panic!("{e}"));
        let dir = scratch(&format!("kill-{runs}"));
        let (journals, logs) = (dir.join("journal"), dir.join("sessions"));
        let (journals_arg, logs_arg) =
            (journals.to_string_lossy().into_owned(), logs.to_string_lossy().into_owned());
        let common =
            ["--script", &reference, "--headless", "--journal-dir", &journals_arg, "--log-dir", &logs_arg];

        let mut child = play(&[&scenario])
            .args(common)
            .args(["--pace-ms", "2"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run labshift: {e}"));
        let stdout = child.stdout.take().unwrap_or_else(|| panic!("no stdout"));
        let reader = std::thread::spawn(move || {
            let mut last = 0usize;
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(n) = line.strip_prefix("recorded ").and_then(|n| n.parse().ok()) {
                    last = n;
                }
            }
            last
        });
        std::thread::sleep(Duration::from_millis(40 + rng.below(400)));
        let finished = child.try_wait().ok().flatten().is_some();
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        let reported = reader.join().unwrap_or(0);
        if finished || reported >= expected.actions.len() {
            let _ = std::fs::remove_dir_all(&dir);
            continue; // The shift ended before the kill: not a kill.
        }
        kills += 1;

        // Every action reported as recorded is in the journal, in order, as played.
        let left = journal::unfinished(&journals);
        assert!(left.len() <= 1, "{stem}: {} journals", left.len());
        let kept = match left.into_iter().next() {
            Some(Ok(u)) => u.log.actions,
            Some(Err((path, why))) => panic!("{}: {why}", path.display()),
            None => Vec::new(),
        };
        assert!(
            kept.len() >= reported,
            "{stem}: {reported} reported recorded, {} in the journal",
            kept.len()
        );
        assert_eq!(kept[..], expected.actions[..kept.len()], "{stem}: the journal is not what was played");
        at_kill.push(kept.len());

        // Resuming replays the journal and the script carries on to the end.
        let out = play(&[&scenario]).args(common).arg("--resume-unfinished").output();
        let out = out.unwrap_or_else(|e| panic!("cannot run labshift: {e}"));
        assert_eq!(out.status.code(), Some(0), "{stem}: {}", text(&out.stderr));
        assert!(journal::unfinished(&journals).is_empty(), "{stem}: the finished shift left its journal");
        let written: Vec<_> = std::fs::read_dir(&logs)
            .map(|d| {
                d.flatten().map(|e| e.path()).filter(|p| p.to_string_lossy().ends_with(".log.ron")).collect()
            })
            .unwrap_or_default();
        assert_eq!(written.len(), 1, "{stem}: one session log, not a partial one beside it: {written:?}");
        let log = SessionLog::parse("log", &std::fs::read_to_string(&written[0]).unwrap_or_default())
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(log.actions, expected.actions, "{stem}: resumed after {} actions", kept.len());
        assert_eq!(graded(&scenario, &written[0]), graded(&scenario, Path::new(&reference)), "{stem}");
        let _ = std::fs::remove_dir_all(&dir);
    }
    at_kill.sort_unstable();
    println!(
        "{kills} kills in {runs} runs, no recorded action lost; actions in the journal at the kill: {} to {}, median {}",
        at_kill[0],
        at_kill[at_kill.len() - 1],
        at_kill[at_kill.len() / 2]
    );
    assert!(at_kill[at_kill.len() - 1] > 20, "the kills land deep in shifts too");
}
