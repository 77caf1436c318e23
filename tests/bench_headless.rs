//! The app in a headless Bevy app (no window, no GPU), driven the way a
//! trainee drives it: the briefing's Start button, then every action of a
//! scenario's reference solution pressed on the panel that offers it — by
//! mouse (a button's `Interaction`) or by keyboard (arrow keys and Enter) —
//! at the clock time the reference log gives. The debrief must equal what
//! `labshift grade` prints for the log the app wrote while playing.

mod support;

use std::time::Duration;

use bevy::prelude::*;
use bevy::time::TimeUpdateStrategy;
use labshift::bench::layout::StationKind;
use labshift::bench::{Station, TubeView};
use labshift::catalog::Catalog;
use labshift::demo::Demo;
use labshift::panels::{Panel, panel_for};
use labshift::play::{Debrief, Play, Setup};
use labshift::reload::{ReloadNotice, Toast, Watch};
use labshift::screens::Screen;
use labshift::state::BenchUi;
use labshift::ui::command::UiCommand;
use labshift::ui::widgets::{Btn, Focus, Focusable, key_for, key_name};
use labshift::{CurrentScenario, Launch};
use labshift_core::action::{Action, Mode};
use labshift_core::log::SessionLog;
use labshift_core::time::ClockTime;

fn root(path: &str) -> String {
    format!("{}/{path}", support::repository().display())
}

/// A headless app on `scenario`, writing its session logs to `log_dir`.
fn headless_app(scenario: &str, log_dir: Option<&std::path::Path>) -> App {
    headless_app_on(CurrentScenario::load(&root(scenario)), None, log_dir)
}

/// A headless app on a loaded scenario, listing `catalog` (else the bundled scenarios).
fn headless_app_on(
    current: CurrentScenario,
    catalog: Option<Catalog>,
    log_dir: Option<&std::path::Path>,
) -> App {
    let setup = Setup {
        trainee: "Headless trainee".into(),
        mode: Mode::Assessment,
        seed: 1,
        log_dir: log_dir.map(std::path::Path::to_path_buf),
        journal_dir: None,
    };
    let mut app = labshift::headless_app(Some(current), catalog, Launch::default(), setup);
    // The simulated clock moves only when the test moves it.
    app.insert_resource(TimeUpdateStrategy::ManualDuration(Duration::ZERO));
    app.update();
    app
}

fn screen(app: &App) -> Screen {
    *app.world().resource::<State<Screen>>().get()
}

/// The buttons on screen: (focus position, command, entity).
fn buttons(app: &mut App) -> Vec<(usize, UiCommand, Entity)> {
    let mut query = app.world_mut().query::<(Entity, &Btn, &Focusable)>();
    let mut found: Vec<_> = query.iter(app.world()).map(|(e, b, f)| (f.0, b.command.clone(), e)).collect();
    found.sort_by_key(|(i, _, _)| *i);
    found
}

/// The actions on the open panel by their focus position (the digit keys
/// 1–9 are positions 0–8).
fn action_keys(app: &mut App) -> Vec<(usize, Action)> {
    buttons(app)
        .into_iter()
        .filter_map(|(i, c, _)| match c {
            UiCommand::Act(a) => Some((i, a)),
            _ => None,
        })
        .collect()
}

/// Clicks the button that runs `command`.
fn click(app: &mut App, command: &UiCommand) {
    let mut query = app.world_mut().query::<(Entity, &Btn)>();
    let target = query.iter(app.world()).find(|(_, b)| &b.command == command).map(|(e, _)| e);
    let Some(entity) = target else {
        panic!("no button for {command:?} on {:?}", app.world().resource::<BenchUi>().panel);
    };
    app.world_mut().entity_mut(entity).insert(Interaction::Pressed);
    app.update();
    // The press may have rebuilt the panel the button was on.
    if let Ok(mut button) = app.world_mut().get_entity_mut(entity) {
        button.insert(Interaction::None);
    }
}

fn tap(app: &mut App, key: KeyCode) {
    app.world_mut().resource_mut::<ButtonInput<KeyCode>>().press(key);
    app.update();
    let mut input = app.world_mut().resource_mut::<ButtonInput<KeyCode>>();
    input.release(key);
    input.clear();
}

/// Moves the focus with ↓ to the button that runs `command`, then presses Enter.
fn keyboard(app: &mut App, command: &UiCommand) {
    let all = buttons(app);
    let Some(target) = all.iter().position(|(_, c, _)| c == command) else {
        panic!("no button for {command:?} on {:?}", app.world().resource::<BenchUi>().panel);
    };
    // A focus left past the end by a longer panel stands on the last button,
    // as the app clamps it, whether or not a frame has clamped it yet.
    let last = all.last().map_or(0, |(i, _, _)| *i);
    let focus = app.world().resource::<Focus>().0.min(last);
    let start = all.iter().position(|(i, _, _)| *i == focus).unwrap_or(0);

    for _ in 0..(target + all.len() - start) % all.len() {
        tap(app, KeyCode::ArrowDown);
    }
    tap(app, KeyCode::Enter);
}

/// Presses the button that runs `command` by its own key (a digit, with
/// Shift past the tenth); a button without one is reached with ↓ and Enter.
fn digit(app: &mut App, command: &UiCommand) {
    let all = buttons(app);
    let Some(&(position, _, _)) = all.iter().find(|(_, c, _)| c == command) else {
        panic!("no button for {command:?} on {:?}", app.world().resource::<BenchUi>().panel);
    };
    let Some((key, shift)) = key_for(position) else { return keyboard(app, command) };
    if shift {
        app.world_mut().resource_mut::<ButtonInput<KeyCode>>().press(KeyCode::ShiftLeft);
    }
    tap(app, key);
    if shift {
        let mut input = app.world_mut().resource_mut::<ButtonInput<KeyCode>>();
        input.release(KeyCode::ShiftLeft);
        input.clear();
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Input {
    Mouse,
    /// ↓ to the button, then Enter.
    Keyboard,
    /// The button's own key.
    Digits,
}

/// Plays a reference log through the app's panels; returns the app, on its debrief.
fn play_reference(scenario: &str, reference: &str, input: Input, log_dir: &std::path::Path) -> App {
    let mut app = headless_app(scenario, Some(log_dir));
    // The log sets the clock before each action: real time between frames
    // (slow on a loaded machine) must not move it on by itself.
    app.insert_resource(bevy::time::TimeUpdateStrategy::ManualDuration(std::time::Duration::ZERO));
    assert_eq!(screen(&app), Screen::Briefing);
    match input {
        Input::Mouse => click(&mut app, &UiCommand::StartShift),
        // The briefing's name field takes the digits as text.
        Input::Keyboard | Input::Digits => keyboard(&mut app, &UiCommand::StartShift),
    }
    app.update();
    assert_eq!(screen(&app), Screen::Bench);
    let text = std::fs::read_to_string(root(reference)).expect("reference log");
    let log = SessionLog::parse(reference, &text).expect("reference log parses");
    let start = app.world().resource::<Play>().scenario.meta.start;
    for entry in &log.actions {
        let at = ClockTime::parse(&entry.at).expect("clock time").since(start);
        app.world_mut().resource_mut::<Play>().clock = at.0 as f64;
        app.update();
        let command = UiCommand::Act(entry.action.clone());
        if entry.action == Action::EndShift {
            match input {
                Input::Mouse => {
                    click(&mut app, &UiCommand::TogglePause);
                    app.update();
                    click(&mut app, &command);
                }
                // End asks first; a second End ends the shift.
                Input::Keyboard | Input::Digits => {
                    tap(&mut app, KeyCode::End);
                    app.update();
                    tap(&mut app, KeyCode::End);
                }
            }
            // The command, the engine, then the change of screen: a frame each.
            app.update();
            app.update();
            break;
        }
        let scenario = app.world().resource::<Play>().scenario.clone();
        let panel = panel_for(&entry.action, &scenario).expect("a panel offers every logged action");
        app.world_mut().resource_mut::<BenchUi>().panel = Some(panel.clone());
        app.update();
        let before = app.world().resource::<Play>().log.actions.len();
        let keys_before = action_keys(&mut app);
        match input {
            Input::Mouse => click(&mut app, &command),
            Input::Keyboard => keyboard(&mut app, &command),
            Input::Digits => digit(&mut app, &command),
        }
        app.update();
        // The panel's actions keep their keys: the same digit finds the same
        // action after it (greyed if it no longer applies).
        if app.world().resource::<BenchUi>().panel.as_ref() == Some(&panel) {
            // The card is rebuilt on the frame after the engine has acted.
            app.update();
            app.update();
            let keys_after = action_keys(&mut app);
            for (key, action) in &keys_before {
                let after = keys_after.iter().find(|(k, _)| k == key).map(|(_, a)| a);
                assert_eq!(
                    after,
                    Some(action),
                    "{} {:?}: key {:?} moved on {panel:?}",
                    entry.at,
                    entry.action,
                    key_name(*key)
                );
            }
        }
        let play = app.world().resource::<Play>();
        assert_eq!(
            play.log.actions.len(),
            before + 1,
            "{} {:?} was not accepted: {:?}",
            entry.at,
            entry.action,
            play.feed.last()
        );
        assert_eq!(play.log.actions.last().map(|e| e.at.as_str()), Some(entry.at.as_str()));
        assert_eq!(
            play.log.actions.last().map(|e| &e.action),
            Some(&entry.action),
            "{}: another button ran",
            entry.at
        );
    }
    assert_eq!(screen(&app), Screen::Debrief);
    app
}

/// The report `labshift grade --format json` prints for the log the app wrote.
fn graded_by_cli(scenario: &str, log: &std::path::Path) -> serde_json::Value {
    let log = log.to_string_lossy();
    let out = support::labshift(&["grade", &root(scenario), &log, "--format", "json"]);
    assert!(out.status.code().is_some_and(|c| c <= 1), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("one JSON report")
}

fn check_debrief_matches_grade(app: &App, scenario: &str, reference: &str) {
    let debrief = app.world().resource::<Debrief>();
    let path = debrief.log_path.clone().expect("the log was written");
    assert!(debrief.log_error.is_none(), "{:?}", debrief.log_error);
    let on_screen = serde_json::to_value(&debrief.attempt.report).expect("report as JSON");
    assert_eq!(on_screen, graded_by_cli(scenario, &path), "debrief differs from `labshift grade`");
    assert_eq!(debrief.attempt.report.overall, 100.0, "{}", debrief.attempt.report.to_text());
    // The same actions at the same times as the reference solution.
    let written =
        SessionLog::parse("written", &std::fs::read_to_string(&path).expect("log")).expect("parses");
    let reference = SessionLog::parse(reference, &std::fs::read_to_string(root(reference)).expect("ref"))
        .expect("reference parses");
    assert_eq!(written.actions, reference.actions);
    assert_eq!(written.header.trainee, "Headless trainee");
}

fn play_and_check(scenario: &str, reference: &str, input: Input, name: &str) {
    let dir = support::scratch(name);
    let app = play_reference(scenario, reference, input, &dir);
    check_debrief_matches_grade(&app, scenario, reference);
    let _ = std::fs::remove_dir_all(dir);
}

const B: (&str, &str) =
    ("scenarios/b-mislabel-hemolysis.ron", "scenarios/reference/b-mislabel-hemolysis.log.ron");

#[test]
fn scenario_b_played_with_the_mouse_debriefs_as_labshift_grade() {
    play_and_check(B.0, B.1, Input::Mouse, "mouse-b");
}

#[test]
fn scenario_b_played_with_the_keyboard_debriefs_as_labshift_grade() {
    play_and_check(B.0, B.1, Input::Keyboard, "keys-b");
}

#[test]
fn the_other_sample_scenarios_play_through_the_panels() {
    for (scenario, reference, input) in [
        (
            "scenarios/a-morning-chemistry.ron",
            "scenarios/reference/a-morning-chemistry.log.ron",
            Input::Mouse,
        ),
        // The QC shift by the buttons' own keys: its panels are the longest.
        ("scenarios/c-qc-shift.ron", "scenarios/reference/c-qc-shift.log.ron", Input::Digits),
        (
            "scenarios/d-critical-calls-spill.ron",
            "scenarios/reference/d-critical-calls-spill.log.ron",
            Input::Mouse,
        ),
        // The labeling shift by ↓ and Enter: the label is placed by its panel's buttons.
        (
            "scenarios/f-outpatient-labels.ron",
            "scenarios/reference/f-outpatient-labels.log.ron",
            Input::Keyboard,
        ),
    ] {
        play_and_check(scenario, reference, input, &format!("panels-{}", &scenario[10..11]));
    }
}

#[test]
fn every_button_of_a_qc_panel_has_a_key_and_shift_reaches_the_charts() {
    let mut app = headless_app("scenarios/c-qc-shift.ron", None);
    click(&mut app, &UiCommand::StartShift);
    app.update();
    let scenario = app.world().resource::<Play>().scenario.clone();
    let (i, chem) =
        scenario.lab.analyzers.iter().enumerate().max_by_key(|(_, a)| a.menu.len()).expect("an analyzer");
    let first = Panel::Qc(i, chem.menu[0].clone());
    app.world_mut().resource_mut::<BenchUi>().panel = Some(first.clone());
    app.update();
    app.update();
    let all = buttons(&mut app);
    assert!(all.len() > 10, "the test needs a panel past the tenth key: {}", all.len());
    for (position, command, _) in &all {
        assert!(key_name(*position).is_some(), "{command:?} at {position} has no key");
    }
    // The last chart tab, by Shift and its digit.
    let (position, tab, _) = all
        .iter()
        .rev()
        .find(|(_, c, _)| matches!(c, UiCommand::Open(Panel::Qc(..))))
        .cloned()
        .expect("a tab to another chart");
    assert!(key_for(position).is_some_and(|(_, shift)| shift), "the last tab is past the tenth key");
    digit(&mut app, &tab);
    app.update();
    let UiCommand::Open(opened) = tab else { unreachable!() };
    assert_eq!(app.world().resource::<BenchUi>().panel.as_ref(), Some(&opened));
    assert_ne!(opened, first);

    // One button runs both levels; the log holds each level's action.
    app.world_mut().resource_mut::<BenchUi>().panel = Some(first);
    app.world_mut().resource_mut::<Play>().clock = 60.0;
    app.update();
    app.update();
    let both = buttons(&mut app)
        .into_iter()
        .find_map(|(_, c, _)| matches!(&c, UiCommand::ActAll(a) if a.len() == 2).then_some(c))
        .expect("a button that runs both levels");
    click(&mut app, &both);
    app.update();
    let logged: Vec<Action> =
        app.world().resource::<Play>().log.actions.iter().map(|e| e.action.clone()).collect();
    let UiCommand::ActAll(wanted) = both.clone() else { unreachable!() };
    assert_eq!(logged, wanted, "each level logged as its own action, in order");
    // Greyed as its first action is: both levels now measured, neither can run again.
    app.update();
    app.update();
    let enabled = |command: &UiCommand, app: &mut App| {
        let mut q = app.world_mut().query::<&Btn>();
        q.iter(app.world()).find(|b| &b.command == command).map(|b| b.enabled)
    };
    let first = UiCommand::Act(wanted[0].clone());
    assert_eq!(enabled(&both, &mut app), enabled(&first, &mut app), "the two buttons are greyed alike");
}

#[test]
fn a_mistake_shows_in_the_debrief_as_labshift_grade_scores_it() {
    // Accepting QC without running the controls, then ending: the debrief
    // and the grader agree on the findings.
    let dir = support::scratch("mistake");
    let scenario = "scenarios/a-morning-chemistry.ron";
    let mut app = headless_app(scenario, Some(&dir));
    click(&mut app, &UiCommand::StartShift);
    app.update();
    // The first specimen arrives; accept it bare-handed, without comparing its label.
    click(&mut app, &UiCommand::WaitForNext);
    app.update();
    app.world_mut().resource_mut::<BenchUi>().panel = Some(Panel::Specimen("S01".into()));
    app.update();
    click(&mut app, &UiCommand::Act(Action::Receive { specimen: "S01".into() }));
    app.update();
    app.update();
    click(&mut app, &UiCommand::Act(Action::Accept { specimen: "S01".into() }));
    // End asks first: one press leaves the shift running, a second ends it.
    tap(&mut app, KeyCode::End);
    app.update();
    app.update();
    assert_eq!(screen(&app), Screen::Bench, "one End press only asks");
    tap(&mut app, KeyCode::End);
    app.update();
    app.update();
    assert_eq!(screen(&app), Screen::Debrief);
    let debrief = app.world().resource::<Debrief>();
    assert!(!debrief.attempt.report.findings.is_empty());
    assert!(debrief.attempt.report.overall < 100.0);
    let path = debrief.log_path.clone().expect("log written");
    assert_eq!(serde_json::to_value(&debrief.attempt.report).expect("json"), graded_by_cli(scenario, &path));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn the_clock_runs_specimens_arrive_and_esc_pauses() {
    let mut app = headless_app("scenarios/b-mislabel-hemolysis.ron", None);
    click(&mut app, &UiCommand::StartShift);
    app.update();
    app.insert_resource(TimeUpdateStrategy::ManualDuration(Duration::from_millis(200)));
    for _ in 0..4 {
        app.update();
    }
    let t = app.world().resource::<Play>().clock;
    assert!(t > 5.0, "the clock runs at {t}");
    tap(&mut app, KeyCode::Escape);
    let paused = app.world().resource::<Play>().clock;
    for _ in 0..4 {
        app.update();
    }
    assert_eq!(app.world().resource::<Play>().clock, paused, "Esc stops simulated time");
    tap(&mut app, KeyCode::Escape);
    app.insert_resource(TimeUpdateStrategy::ManualDuration(Duration::ZERO));
    // Skipping to the next event lets the first specimen arrive.
    click(&mut app, &UiCommand::WaitForNext);
    app.update();
    app.update();
    let play = app.world().resource::<Play>();
    assert!(play.session.specimen_views().iter().any(|v| v.arrived), "{:?}", play.feed);
    let mut tubes = app.world_mut().query::<(&TubeView, &Visibility)>();
    assert!(tubes.iter(app.world()).any(|(_, v)| *v != Visibility::Hidden), "an arrived tube shows");
}

#[test]
fn stations_and_tubes_are_on_the_bench() {
    let mut app = headless_app("scenarios/a-morning-chemistry.ron", None);
    click(&mut app, &UiCommand::StartShift);
    app.update();
    let mut query = app.world_mut().query::<&Station>();
    let kinds: Vec<StationKind> = query.iter(app.world()).map(|s| s.0.clone()).collect();
    assert_eq!(kinds.len(), 11);
    assert_eq!(kinds.iter().filter(|k| matches!(k, StationKind::Analyzer(_))).count(), 2);
    let mut tubes = app.world_mut().query::<&TubeView>();
    assert_eq!(tubes.iter(app.world()).count(), 6);
    let mut texts = app.world_mut().query::<&Text2d>();
    let mut labels = |app: &mut App| texts.iter(app.world()).map(|t| t.0.clone()).collect::<Vec<_>>();
    // A tube is drawn when it first stands in the rack: none has arrived at 07:00.
    let before = labels(&mut app);
    assert!(!before.iter().any(|t| t == "SST" || t == "S01"), "{before:?}");
    for _ in 0..20 {
        if app.world().resource::<Play>().session.specimen_views().iter().all(|v| v.arrived) {
            break;
        }
        click(&mut app, &UiCommand::WaitForNext);
        app.update();
        app.update();
    }
    let all = labels(&mut app);
    for additive in ["SST", "EDTA", "LI HEP", "NaF"] {
        assert!(all.iter().any(|t| t == additive), "no tube labeled {additive}: {all:?}");
    }
    for id in ["S01", "S02", "S03", "S04", "S05", "S06"] {
        assert_eq!(all.iter().filter(|t| *t == id).count(), 1, "tube {id} is drawn once: {all:?}");
    }
    // The instruments' readouts are live: no QC has run yet, the centrifuge stands still.
    app.update();
    let all = labels(&mut app);
    assert_eq!(all.iter().filter(|t| *t == "READY  ·  QC due").count(), 2, "{all:?}");
    assert!(all.iter().any(|t| t == "0 rpm"), "{all:?}");
}

#[test]
fn an_invalid_scenario_opens_on_its_diagnostics() {
    let mut app = headless_app("tests/fixtures/broken/unknown-analyzer.ron", None);
    assert_eq!(screen(&app), Screen::Diagnostics);
    let mut texts = app.world_mut().query::<&Text>();
    let shown: String = texts.iter(app.world()).map(|t| t.0.clone()).collect::<Vec<_>>().join("\n");
    assert!(shown.contains("unknown analyzer `chem2`"), "{shown}");
    assert!(shown.contains("unknown-analyzer.ron:49:48"), "{shown}");
}

#[test]
fn the_select_screen_lists_every_sample_scenario() {
    let mut app = headless_app("scenarios/a-morning-chemistry.ron", None);
    click(&mut app, &UiCommand::Goto(Screen::Select));
    app.update();
    assert_eq!(screen(&app), Screen::Select);
    let commands: Vec<UiCommand> = buttons(&mut app).into_iter().map(|(_, c, _)| c).collect();
    for i in 0..4 {
        assert!(commands.contains(&UiCommand::Choose(i)), "{commands:?}");
    }
    click(&mut app, &UiCommand::Choose(2));
    app.update();
    assert_eq!(screen(&app), Screen::Briefing);
    let current = app.world().resource::<CurrentScenario>();
    assert!(current.path.ends_with("c-qc-shift.ron"), "{}", current.path);
}

/// Every text on screen, one per line.
fn on_screen(app: &mut App) -> String {
    let mut texts = app.world_mut().query::<&Text>();
    texts.iter(app.world()).map(|t| t.0.clone()).collect::<Vec<_>>().join("\n")
}

/// Frames enough for the watcher to see an edit, let it settle, and act on it.
fn settle(app: &mut App) {
    for _ in 0..5 {
        app.update();
    }
}

#[test]
fn editing_a_scenario_or_its_pack_while_the_app_is_open_reloads_it() {
    let dir = support::scratch("hot-reload");
    std::fs::create_dir_all(dir.join("policies")).expect("policies folder");
    let scenario = dir.join("a-morning-chemistry.ron");
    let pack = dir.join("policies/us-default.ron");
    let original = std::fs::read_to_string(root("scenarios/a-morning-chemistry.ron")).expect("scenario");
    std::fs::write(&scenario, &original).expect("copy");
    std::fs::copy(root("scenarios/policies/us-default.ron"), &pack).expect("copy pack");
    let edit = |text: &str| std::fs::write(&scenario, text).expect("edit");
    let path = scenario.to_string_lossy().into_owned();

    let mut app = headless_app_on(CurrentScenario::load(&path), Some(Catalog::load(&dir)), Some(&dir));
    app.world_mut().resource_mut::<Watch>().interval = 0.0;
    settle(&mut app);
    assert_eq!(screen(&app), Screen::Briefing);
    assert!(on_screen(&mut app).contains("Briefing — Routine morning chemistry"));

    // A new title shows on the briefing, with a word that it reloaded.
    edit(&original.replace("Routine morning chemistry", "Edited morning chemistry"));
    settle(&mut app);
    assert_eq!(screen(&app), Screen::Briefing);
    assert!(on_screen(&mut app).contains("Briefing — Edited morning chemistry"), "{}", on_screen(&mut app));
    assert_eq!(app.world().resource::<Toast>().text, "Reloaded a-morning-chemistry.ron");

    // An edit to the policy pack reaches the briefing too.
    let pack_text = std::fs::read_to_string(&pack).expect("pack");
    std::fs::write(&pack, pack_text.replace("deadline_min: 30", "deadline_min: 45")).expect("edit pack");
    settle(&mut app);
    assert!(on_screen(&mut app).contains("Critical calls: within 45 min"), "{}", on_screen(&mut app));

    // A broken edit shows its diagnostics, and fixing it brings the briefing back.
    edit(&original.replace("policy: \"policies/us-default.ron\"", "policy: \"policies/nowhere.ron\""));
    settle(&mut app);
    assert_eq!(screen(&app), Screen::Diagnostics);
    let shown = on_screen(&mut app);
    assert!(shown.contains("a-morning-chemistry.ron:27:") && shown.contains("nowhere.ron"), "{shown}");
    edit(&original);
    settle(&mut app);
    assert_eq!(screen(&app), Screen::Briefing);

    // On the bench the shift goes on; the trainee is offered a restart on the new version.
    click(&mut app, &UiCommand::StartShift);
    app.update();
    assert_eq!(screen(&app), Screen::Bench);
    app.world_mut().resource_mut::<Play>().clock = 600.0;
    app.update();
    assert!(app.world().resource::<Play>().session.now().0 >= 600, "the clock ran");
    edit(&original.replace("Routine morning chemistry", "Second edit"));
    settle(&mut app);
    assert_eq!(screen(&app), Screen::Bench);
    assert_eq!(app.world().resource::<Play>().scenario.meta.title, "Routine morning chemistry");
    let notice = app.world().get_resource::<ReloadNotice>().cloned().expect("a restart prompt");
    assert!(notice.valid);
    assert!(on_screen(&mut app).contains("a-morning-chemistry.ron changed on disk."));
    click(&mut app, &UiCommand::RestartShift);
    app.update();
    assert_eq!(screen(&app), Screen::Bench);
    assert!(app.world().get_resource::<ReloadNotice>().is_none());
    let play = app.world().resource::<Play>();
    assert_eq!(play.scenario.meta.title, "Second edit");
    assert_eq!((play.log.header.trainee.as_str(), play.log.header.seed), ("Headless trainee", 1));
    assert!(play.log.actions.is_empty(), "a fresh shift");

    // Broken while playing: the shift keeps its version and the prompt says why.
    edit("Scenario(");
    settle(&mut app);
    let notice = app.world().get_resource::<ReloadNotice>().cloned().expect("a notice");
    assert!(!notice.valid && notice.problems >= 1, "{notice:?}");
    assert!(
        notice.problem.as_deref().is_some_and(|p| p.contains("a-morning-chemistry.ron:1:")),
        "{notice:?}"
    );
    assert!(on_screen(&mut app).contains("The shift goes on with the version it started with"));
    click(&mut app, &UiCommand::KeepPlaying);
    app.update();
    assert!(app.world().get_resource::<ReloadNotice>().is_none());
    assert_eq!(screen(&app), Screen::Bench);
    assert_eq!(app.world().resource::<Play>().scenario.meta.title, "Second edit");

    // A scenario added to the folder appears on the select screen.
    edit(&original);
    settle(&mut app);
    click(&mut app, &UiCommand::KeepPlaying);
    app.world_mut().write_message(labshift::ui::command::Run(UiCommand::Goto(Screen::Select)));
    app.update();
    app.update();
    assert_eq!(screen(&app), Screen::Select);
    let before = buttons(&mut app).len();
    std::fs::write(dir.join("z-copy.ron"), original.replace("id: \"morning-chemistry\"", "id: \"copy\""))
        .expect("a new file");
    settle(&mut app);
    assert_eq!(screen(&app), Screen::Select);
    assert_eq!(buttons(&mut app).len(), before + 1, "{}", on_screen(&mut app));
    let _ = std::fs::remove_dir_all(&dir);
}

/// Runs the app until the debrief (or `frames` run out); true if it got there.
fn run_to_debrief(app: &mut App, frames: usize) -> bool {
    for _ in 0..frames {
        app.update();
        if screen(app) == Screen::Debrief {
            return true;
        }
    }
    false
}

/// A report as JSON without who played it and how.
fn scored(report: &labshift_core::report::Report) -> serde_json::Value {
    let mut json = serde_json::to_value(report).expect("report as JSON");
    for key in ["trainee", "mode"] {
        json[key] = serde_json::Value::Null;
    }
    json
}

#[test]
fn the_demo_plays_each_reference_run_to_the_report_labshift_grade_gives() {
    for stem in support::SCENARIOS {
        let scenario = format!("scenarios/{stem}.ron");
        let mut app = headless_app(&scenario, None);
        app.insert_resource(TimeUpdateStrategy::ManualDuration(Duration::from_millis(250)));
        click(&mut app, &UiCommand::StartDemo);
        app.update();
        assert_eq!(screen(&app), Screen::Bench, "{stem}");
        app.world_mut().resource_mut::<Demo>().speed = 8.0;
        assert!(run_to_debrief(&mut app, 20_000), "{stem}: the demo never reached the debrief");
        let demo = app.world().resource::<Demo>();
        assert!(!demo.off_script && demo.next == demo.steps.len(), "{stem}: every step played");
        let debrief = app.world().resource::<Debrief>();
        let mut graded = graded_by_cli(
            &scenario,
            std::path::Path::new(&root(&format!("scenarios/reference/{stem}.log.ron"))),
        );
        for key in ["trainee", "mode"] {
            graded[key] = serde_json::Value::Null;
        }
        assert_eq!(
            scored(&debrief.attempt.report),
            graded,
            "{stem}: the demo differs from the reference log"
        );
    }
}

#[test]
fn a_fault_injected_in_a_demo_pauses_it_and_the_technician_handles_it_live() {
    let scenario = "scenarios/a-morning-chemistry.ron";
    let mut app = headless_app(scenario, None);
    app.insert_resource(TimeUpdateStrategy::ManualDuration(Duration::from_millis(250)));
    click(&mut app, &UiCommand::StartDemo);
    app.update();
    app.world_mut().resource_mut::<Demo>().speed = 8.0;
    for _ in 0..40 {
        app.update();
    }
    let before = app.world().resource::<Play>().log.actions.len();
    assert!(before > 5, "the demo is under way");
    // F2: a tube not yet decided hemolyzes.
    tap(&mut app, KeyCode::F2);
    app.update();
    let play = app.world().resource::<Play>();
    assert!(play.paused, "the demo pauses");
    let injected = play.log.actions.last().map(|e| e.action.clone());
    let Some(Action::Inject(labshift_core::raw::RawFault::Hemolysis { specimen, .. })) = injected else {
        panic!("no hemolysis injected: {injected:?}");
    };
    let demo = app.world().resource::<Demo>();
    assert!(demo.off_script);
    assert!(demo.caption.what.starts_with("Instructor's fault:"), "{:?}", demo.caption);
    assert!(on_screen(&mut app).contains("The reference run no longer applies."));

    // ← undoes it: the shift is played again without the fault, on the script.
    tap(&mut app, KeyCode::ArrowLeft);
    app.update();
    let play = app.world().resource::<Play>();
    assert_eq!(play.log.actions.len(), before, "{:?}", play.log.actions.last());
    assert!(!play.log.actions.iter().any(|e| matches!(e.action, Action::Inject(_))));
    assert!(!app.world().resource::<Demo>().off_script);

    // Inject again and let the reference technician carry on live: the tube is rejected.
    tap(&mut app, KeyCode::F2);
    app.update();
    tap(&mut app, KeyCode::Space);
    assert!(run_to_debrief(&mut app, 20_000), "the live demo never reached the debrief");
    let play = app.world().resource::<Play>();
    // Hemolysis shows after the spin: the affected test is suppressed and
    // recollected, the tube itself accepted.
    let suppressed = play
        .log
        .actions
        .iter()
        .any(|e| matches!(&e.action, Action::Suppress { specimen: s, .. } if *s == specimen));
    let mine: Vec<String> = play
        .log
        .actions
        .iter()
        .filter(|e| format!("{:?}", e.action).contains(&format!("\"{specimen}\"")))
        .map(|e| format!("{} {:?}", e.at, e.action))
        .collect();
    let refused: Vec<&String> =
        play.feed.iter().filter(|l| l.text.starts_with("Not possible")).map(|l| &l.text).take(5).collect();
    assert!(suppressed, "the technician suppresses the hemolyzed test of {specimen}: {mine:#?} {refused:#?}");
    let report = &app.world().resource::<Debrief>().attempt.report;
    assert!(report.passed, "{}", report.to_text());
}

#[test]
fn faults_are_injected_in_practice_and_never_in_assessment() {
    let mut app = headless_app("scenarios/d-critical-calls-spill.ron", None);
    click(&mut app, &UiCommand::StartShift);
    app.update();
    tap(&mut app, KeyCode::F3);
    app.update();
    // The headless setup plays an assessment: nothing happens.
    assert!(app.world().resource::<Play>().log.actions.is_empty());
    app.world_mut().resource_mut::<Setup>().mode = Mode::Practice;
    app.world_mut().write_message(labshift::ui::command::Run(UiCommand::StartShift));
    app.update();
    app.update();
    assert_eq!(app.world().resource::<Play>().mode(), Mode::Practice);
    tap(&mut app, KeyCode::F3);
    app.update();
    let play = app.world().resource::<Play>();
    assert!(matches!(play.log.actions.last().map(|e| &e.action), Some(Action::Inject(_))));
    assert_eq!(play.session.spills().len(), 1);
    assert!(play.feed.iter().any(|l| l.text.starts_with("Instructor's fault: blood spill")));
}

#[test]
fn the_attract_loop_goes_on_to_the_next_scenario_after_a_debrief() {
    let mut app = headless_app("scenarios/a-morning-chemistry.ron", None);
    app.insert_resource(TimeUpdateStrategy::ManualDuration(Duration::from_millis(250)));
    app.world_mut().write_message(labshift::ui::command::Run(UiCommand::Attract));
    app.update();
    app.update();
    assert_eq!(screen(&app), Screen::Bench);
    let first = app.world().resource::<CurrentScenario>().path.clone();
    assert!(first.ends_with("a-morning-chemistry.ron"), "{first}");
    app.world_mut().resource_mut::<Demo>().speed = 8.0;
    assert!(run_to_debrief(&mut app, 20_000));
    // The debrief shows for a while, then the next demo starts on its own.
    for _ in 0..60 {
        app.update();
    }
    assert_eq!(screen(&app), Screen::Bench);
    let next = app.world().resource::<CurrentScenario>().path.clone();
    assert!(next.ends_with("b-mislabel-hemolysis.ron"), "{next}");
    assert!(app.world().resource::<Demo>().attract.is_some());
}

#[test]
fn the_title_offers_an_unfinished_shift_and_resuming_restores_its_state() {
    let dir = support::scratch("resume-journal");
    let (journals, logs) = (dir.join("journal"), dir.join("sessions"));
    let reference = "scenarios/reference/b-mislabel-hemolysis.log.ron";
    let mut log =
        SessionLog::parse(reference, &std::fs::read_to_string(root(reference)).expect("log")).expect("log");
    log.header.trainee = "Ann Lee".into();
    log.actions.truncate(30);
    let mut journal =
        labshift::journal::Journal::create(&journals, &log.header, "mislabel-hemolysis-ann-lee-seed1")
            .expect("journal");
    for entry in &log.actions {
        journal.append(entry).expect("append");
    }
    drop(journal); // The app stopped here.

    let setup = Setup {
        trainee: String::new(),
        mode: Mode::Practice,
        seed: 9,
        log_dir: Some(logs.clone()),
        journal_dir: Some(journals.clone()),
    };
    let launch = Launch { screen: Some(Screen::Title), ..Launch::default() };
    let mut app = labshift::headless_app(None, None, launch, setup);
    app.insert_resource(TimeUpdateStrategy::ManualDuration(Duration::ZERO));
    app.update();
    assert_eq!(screen(&app), Screen::Title);
    assert!(on_screen(&mut app).contains("Resume Ann Lee · mislabel-hemolysis · seed 1 · 30 actions"));
    click(&mut app, &UiCommand::ResumeJournal(0));
    app.update();
    assert_eq!(screen(&app), Screen::Bench);
    let play = app.world().resource::<Play>();
    assert_eq!(play.log.actions, log.actions);
    assert_eq!((play.log.header.trainee.as_str(), play.log.header.seed), ("Ann Lee", 1));
    // The same state as replaying those actions.
    let scenario = std::sync::Arc::new(
        CurrentScenario::load(&root("scenarios/b-mislabel-hemolysis.ron")).scenario.expect("valid"),
    );
    let replayed = labshift::resume(scenario, &log, None, &Setup { log_dir: None, ..Setup::default() });
    assert_eq!(play.session.specimen_views(), replayed.session.specimen_views());
    assert_eq!(play.session.findings(), replayed.session.findings());
    assert_eq!(play.session.now(), replayed.session.now());
    // It goes on journaling, in the log it was writing; the old journal is gone.
    let left = labshift::journal::unfinished(&journals);
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].as_ref().map(|u| u.log.actions.len()).ok(), Some(30));
    assert_eq!(
        play.log_path
            .as_ref()
            .and_then(|p| p.file_name())
            .map(|n| n.to_string_lossy().into_owned())
            .as_deref(),
        Some("mislabel-hemolysis-ann-lee-seed1.log.ron")
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A first-year trainee who presses only what the practice hint says, on
/// the panel that offers it, 20 seconds an action, and N when the hint says
/// nothing needs doing yet: every sample scenario passes at 100%.
#[test]
fn a_shift_played_from_the_hints_alone_passes_at_100_on_the_bench() {
    use labshift::screens::{Hint, hint};
    for name in [
        "a-morning-chemistry",
        "b-mislabel-hemolysis",
        "c-qc-shift",
        "d-critical-calls-spill",
        "e-qc-shift-random",
        "f-outpatient-labels",
    ] {
        let dir = support::scratch(&format!("hints-{name}"));
        let mut app = headless_app(&format!("scenarios/{name}.ron"), Some(&dir));
        click(&mut app, &UiCommand::StartShift);
        app.update();
        assert_eq!(screen(&app), Screen::Bench, "{name}");
        for _ in 0..3000 {
            if screen(&app) != Screen::Bench {
                break;
            }
            let next = hint(app.world().resource::<Play>());
            match next {
                Hint::Do(Action::EndShift) => {
                    tap(&mut app, KeyCode::End);
                    app.update();
                    tap(&mut app, KeyCode::End);
                    app.update();
                    app.update();
                }
                Hint::Do(action) => {
                    let scenario = app.world().resource::<Play>().scenario.clone();
                    let panel = panel_for(&action, &scenario).expect("a panel offers every hinted action");
                    app.world_mut().resource_mut::<BenchUi>().panel = Some(panel);
                    app.update();
                    let before = app.world().resource::<Play>().log.actions.len();
                    click(&mut app, &UiCommand::Act(action.clone()));
                    app.update();
                    let play = app.world().resource::<Play>();
                    assert_eq!(
                        play.log.actions.len(),
                        before + 1,
                        "{name}: {action:?}: {:?}",
                        play.feed.last()
                    );
                    // An action takes the trainee 20 seconds.
                    app.world_mut().resource_mut::<Play>().clock += 20.0;
                    app.update();
                }
                Hint::WaitUntil(_) => {
                    tap(&mut app, KeyCode::KeyN);
                    app.update();
                }
                Hint::Ended => break,
            }
        }
        assert_eq!(screen(&app), Screen::Debrief, "{name}: the hints never ended the shift");
        let report = &app.world().resource::<Debrief>().attempt.report;
        assert!(report.passed && report.overall == 100.0, "{name}: {}", report.to_text());
        let _ = std::fs::remove_dir_all(dir);
    }
}
