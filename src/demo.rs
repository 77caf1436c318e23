//! The classroom demo: the bench plays a scenario's reference solution by
//! itself, opening the panel of each step, with a caption saying what the
//! technician does and the rule behind it. A presenter pauses, steps
//! forward and back, changes the speed and jumps ahead; an instructor
//! injects faults live (also in practice mode). After a fault the reference
//! run no longer applies: the demo pauses, then the reference technician
//! handles the new situation live. The attract loop cycles through the
//! scenarios for an unattended display.
//!
//! The demo drives the same input bridge as a trainee ([`Do`]): its log
//! grades exactly as the reference log does.

use std::sync::Arc;

use bevy::prelude::*;
use bevy::ui::RelativeCursorPosition;
use labshift_core::Scenario;
use labshift_core::action::{Action, Mode};
use labshift_core::log::SessionLog;
use labshift_core::raw::{Area, Priority, RawFault};
use labshift_core::reference::{Plan, plan, reference_log};
use labshift_core::rules::behind;
use labshift_core::time::{ClockTime, SimTime};

use crate::catalog::Catalog;
use crate::catalog::CurrentScenario;
use crate::panels::{describe, panel_for, words};
use crate::play::{Do, Play, SIM_RATE, Setup};
use crate::shift::{resume, start_shift};
use crate::state::{BenchUi, Panel, Screen};
use crate::ui::command::{FaultKind, Run, UiCommand};
use crate::ui::theme::{UiFonts, palette};
use crate::ui::widgets::{Btn, Focus, Focusable};

pub fn plugin(app: &mut App) {
    // A demo runs the clock itself.
    app.configure_sets(Update, crate::play::ClockSystems.run_if(not(resource_exists::<Demo>)));
    app.add_systems(OnEnter(Screen::Bench), spawn_caption.run_if(resource_exists::<Demo>));
    app.add_systems(
        Update,
        (presenter_keys, drive, took_over, show_caption, focus_step)
            .chain()
            .before(crate::play::PlaySystems)
            .run_if(
                in_state(Screen::Bench).and_then(resource_exists::<Demo>).and_then(resource_exists::<Play>),
            ),
    );
    app.add_systems(Update, fault_keys.run_if(in_state(Screen::Bench).and_then(resource_exists::<Play>)));
    app.add_systems(Update, attract_next.run_if(in_state(Screen::Debrief).and_then(resource_exists::<Demo>)));
    for screen in [Screen::Title, Screen::Select, Screen::Briefing, Screen::Diagnostics] {
        app.add_systems(OnEnter(screen), |mut commands: Commands| commands.remove_resource::<Demo>());
    }
}

/// Real seconds a caption stays before the next step, at 1×.
const DWELL: f32 = 2.6;
/// The presenter's speeds.
pub const DEMO_SPEEDS: [f32; 5] = [0.5, 1.0, 2.0, 4.0, 8.0];
/// Real seconds the debrief shows in the attract loop before the next demo.
const ATTRACT_DEBRIEF: f32 = 10.0;

/// A demo in progress.
#[derive(Resource, Debug, Clone)]
pub struct Demo {
    /// The scenario as written (the session's copy may change under injected faults).
    pub scenario: Arc<Scenario>,
    pub seed: u64,
    /// The reference solution: what the demo plays while it applies.
    pub steps: Vec<(SimTime, Action)>,
    /// The next step of the reference solution.
    pub next: usize,
    /// Log entries the demo has sent; more means someone else acted.
    pub sent: usize,
    pub speed: f32,
    /// Real seconds the current caption still stays.
    pub dwell: f32,
    /// One step even while paused (→).
    pub step_once: bool,
    /// The reference run no longer applies (a fault was injected, or the
    /// presenter acted): the reference technician plays live instead.
    pub off_script: bool,
    /// In live play, simulated time the technician is busy until.
    pub busy_until: SimTime,
    /// In live play, the rest of the piece of work under way.
    pub queue: std::collections::VecDeque<Action>,
    pub caption: Caption,
    /// The action whose button the panel highlights.
    pub highlight: Option<Action>,
    /// In the attract loop: the catalog entry playing.
    pub attract: Option<usize>,
    /// Real time the debrief of this demo was first shown.
    debrief_since: Option<f32>,
}

/// What the caption says.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Caption {
    pub clock: String,
    pub what: String,
    /// The rule behind the step: what it requires, and where it is written.
    pub why: String,
    /// A word from the demo itself (a fault, a take-over, the end).
    pub note: String,
}

impl Demo {
    /// A demo of `scenario` with `seed`: the reference technician's run.
    pub fn new(scenario: &Arc<Scenario>, seed: u64) -> Result<Demo, String> {
        let log =
            reference_log(scenario, seed).map_err(|e| format!("the reference run cannot be played: {e}"))?;
        let start = scenario.meta.start;
        let steps = log
            .actions
            .iter()
            .map(|e| (ClockTime::parse(&e.at).map_or(SimTime::ZERO, |t| t.since(start)), e.action.clone()))
            .collect();
        Ok(Demo {
            scenario: Arc::clone(scenario),
            seed,
            steps,
            next: 0,
            sent: 0,
            speed: 1.0,
            dwell: 0.0,
            step_once: false,
            off_script: false,
            busy_until: SimTime::ZERO,
            queue: Default::default(),
            caption: Caption {
                clock: start.to_string(),
                what: format!("Demo: {}", scenario.meta.title),
                why: "The reference technician works the shift; each step names the rule it follows.".into(),
                note: String::new(),
            },
            highlight: None,
            attract: None,
            debrief_since: None,
        })
    }

    /// The setup a demo plays with: practice (so hints show), no log on disk.
    pub fn setup(&self) -> Setup {
        Setup {
            trainee: "Demo".into(),
            mode: Mode::Practice,
            seed: self.seed,
            log_dir: None,
            journal_dir: None,
        }
    }

    fn say(&mut self, play: &Play, action: &Action) {
        let rule = behind(action);
        self.caption = Caption {
            clock: play.scenario.meta.start.plus(play.now()).to_string(),
            what: doing(action, &play.scenario),
            why: rule.map_or_else(String::new, |r| format!("{}  ({})", r.requirement, r.citation)),
            note: if self.off_script {
                "Live: the reference technician reacts to the new situation.".into()
            } else {
                String::new()
            },
        };
    }
}

/// An action in the words of a caption: exactly what the technician does.
pub fn doing(action: &Action, scenario: &Scenario) -> String {
    use Action::*;
    let caregiver = |id: &str| {
        scenario
            .caregivers
            .iter()
            .find(|c| c.id == id)
            .map_or(id.to_owned(), |c| format!("{} ({})", c.name, c.credentials))
    };
    match action {
        Accept { specimen } => {
            format!("Accept {specimen}: two identifiers match the order, the tube suits its tests")
        }
        Reject { specimen, reason } => format!("Reject {specimen}: {}", words::reason(*reason)),
        AcceptQc { analyzer, test } => {
            format!("Accept the {test} QC run on {analyzer}: no Westgard rule broken")
        }
        RejectQc { analyzer, test, rule } => {
            format!("Reject the {test} QC run on {analyzer}: it broke {rule}")
        }
        CorrectiveAction { analyzer, test, action } => {
            format!(
                "Corrective action for {test} on {analyzer}: {}",
                crate::words::corrective(scenario, analyzer, *action).to_lowercase()
            )
        }
        Release { specimen, test } => format!("Release the {test} result of {specimen} to the chart"),
        Hold { specimen, test } => format!("Hold the {test} result of {specimen}"),
        ReleaseSpecimen { specimen } => format!("Release {specimen}'s results from its accession screen"),
        Suppress { specimen, test } => {
            format!("Suppress the {test} of {specimen}: hemolyzed serum; recollect for {test} only")
        }
        CallCaregiver { specimen, test, caregiver: c } => {
            format!("Call {} with the critical {test} of {specimen}", caregiver(c))
        }
        DocumentCall { specimen, test, name, credentials } => {
            format!("Document the call: {specimen} {test}, given to {name} ({credentials}), with the time")
        }
        CleanSpill { dilution_one_in } => format!("Clean the spill: absorb, then bleach 1:{dilution_one_in}"),
        other => {
            let text = describe(other);
            // The hint's key reminder, "(R)", is not for an audience.
            let text = text.rsplit_once(" (").map_or(text.as_str(), |(t, _)| t).to_owned();
            let mut chars = text.chars();
            chars.next().map_or(String::new(), |c| c.to_uppercase().collect::<String>() + chars.as_str())
        }
    }
}

/// Starts a demo of `scenario` on the bench (the attract loop's entry when `attract` is set).
pub fn start_demo(world: &mut World, current: CurrentScenario, seed: u64, attract: Option<usize>) {
    let Some(scenario) = current.scenario.clone() else {
        world.insert_resource(current);
        world.resource_mut::<NextState<Screen>>().set(Screen::Diagnostics);
        return;
    };
    let scenario = Arc::new(scenario);
    let mut demo = match Demo::new(&scenario, seed) {
        Ok(demo) => demo,
        Err(e) => {
            warn!("{}: {e}", current.path);
            return;
        }
    };
    demo.attract = attract;
    if attract.is_some() {
        demo.speed = 2.0;
    }
    let setup = demo.setup();
    world.insert_resource(current);
    world.insert_resource(setup);
    start_shift(world);
    world.insert_resource(demo);
}

/// The demo's caption card.
#[derive(Component)]
struct CaptionCard;

#[derive(Component, Clone, Copy, PartialEq, Eq)]
enum CaptionText {
    Status,
    What,
    Why,
    Note,
}

fn spawn_caption(mut commands: Commands, fonts: Res<UiFonts>) {
    commands
        .spawn((
            CaptionCard,
            DespawnOnExit(Screen::Bench),
            Node {
                position_type: PositionType::Absolute,
                left: px(12),
                right: px(12),
                bottom: px(26),
                flex_direction: FlexDirection::Column,
                row_gap: px(4),
                padding: UiRect::axes(px(16), px(10)),
                border_radius: BorderRadius::all(px(8)),
                ..default()
            },
            BackgroundColor(palette::HEADER.with_alpha(0.94)),
            Outline::new(px(3), px(0), palette::FOCUS),
            GlobalZIndex(25),
            RelativeCursorPosition::default(),
        ))
        .with_children(|c| {
            c.spawn((CaptionText::Status, Text::new(""), fonts.bold(15.0), TextColor(palette::FOCUS)));
            c.spawn((CaptionText::What, Text::new(""), fonts.bold(28.0), TextColor(palette::PLATE_TEXT)));
            c.spawn((CaptionText::Why, Text::new(""), fonts.regular(19.0), TextColor(palette::SCREEN_TEXT)));
            c.spawn((CaptionText::Note, Text::new(""), fonts.bold(18.0), TextColor(palette::WARN)));
        });
}

fn show_caption(demo: Res<Demo>, play: Res<Play>, mut texts: Query<(&CaptionText, &mut Text, &mut Node)>) {
    let state = if play.session.is_ended() {
        "ended"
    } else if play.paused {
        "PAUSED"
    } else {
        "playing"
    };
    let source = if demo.off_script { "live" } else { "reference run" };
    let status = format!(
        "DEMO · {source} · {} · {}× {state}   —   Space pause · → step · ← back · +/− speed · N next event · F1–F4 faults",
        play.clock_text(),
        demo.speed
    );
    for (kind, mut text, mut node) in &mut texts {
        let shown = match kind {
            CaptionText::Status => status.clone(),
            CaptionText::What => format!("{}  {}", demo.caption.clock, demo.caption.what),
            CaptionText::Why => demo.caption.why.clone(),
            CaptionText::Note => demo.caption.note.clone(),
        };
        let display = if shown.is_empty() { Display::None } else { Display::Flex };
        if node.display != display {
            node.display = display;
        }
        if text.0 != shown {
            text.0 = shown;
        }
    }
}

/// Space, →, ←, + and −, N: the presenter's remote.
fn presenter_keys(keys: Res<ButtonInput<KeyCode>>, mut run: MessageWriter<Run>) {
    for (key, command) in [
        (KeyCode::Space, UiCommand::DemoPause),
        (KeyCode::Escape, UiCommand::DemoPause),
        (KeyCode::ArrowRight, UiCommand::DemoStep),
        (KeyCode::ArrowLeft, UiCommand::DemoBack),
        (KeyCode::Equal, UiCommand::DemoFaster),
        (KeyCode::NumpadAdd, UiCommand::DemoFaster),
        (KeyCode::Minus, UiCommand::DemoSlower),
        (KeyCode::NumpadSubtract, UiCommand::DemoSlower),
        (KeyCode::KeyN, UiCommand::DemoNextEvent),
    ] {
        if keys.just_pressed(key) {
            run.write(Run(command));
        }
    }
}

/// Plays the demo: runs the clock to the next step, opens its panel, takes it, captions it.
fn drive(
    time: Res<Time>,
    mut demo: ResMut<Demo>,
    mut play: ResMut<Play>,
    mut ui: ResMut<BenchUi>,
    mut actions: MessageWriter<Do>,
) {
    if play.session.is_ended() {
        return;
    }
    if play.paused && !demo.step_once {
        return;
    }
    let real = time.delta_secs() * demo.speed;
    if demo.dwell > 0.0 && !demo.step_once {
        demo.dwell -= real;
        return;
    }
    let limit = play.scenario.meta.time_limit;
    let (target, action) = if demo.off_script {
        let at = play.now().max(demo.busy_until);
        if demo.queue.is_empty() {
            match plan(&play.session, at) {
                Plan::Act(actions) => demo.queue.extend(actions),
                Plan::WaitUntil(t) => demo.busy_until = t.min(limit),
            }
        }
        (play.now().max(demo.busy_until), demo.queue.front().cloned())
    } else {
        match demo.steps.get(demo.next) {
            Some((at, action)) => (*at, Some(action.clone())),
            None => return,
        }
    };
    // The clock runs to the step; long idle stretches go faster.
    let now = play.clock;
    if now < target.0 as f64 {
        let gap = target.0 as f64 - now;
        let rate = if gap > 120.0 { 6.0 } else { 1.0 };
        let step = if demo.step_once { gap } else { f64::from(real) * SIM_RATE * rate };
        play.clock = (now + step).min(target.0 as f64);
        if SimTime(play.clock.floor() as i64) > play.session.now() {
            let _ = play.act(Action::Wait);
        }
        if play.clock < target.0 as f64 {
            return;
        }
    }
    let Some(action) = action else {
        if target >= limit {
            actions.write(Do(Action::EndShift));
            demo.sent += 1;
        }
        return;
    };
    if let Some(panel) = panel_for(&action, &play.scenario) {
        if let Panel::Specimen(id) | Panel::RejectReasons(id) = &panel {
            ui.selected = Some(id.clone());
        }
        ui.panel = Some(panel);
    }
    demo.say(&play, &action);
    demo.highlight = Some(action.clone());
    demo.sent += 1;
    if demo.off_script {
        demo.queue.pop_front();
        demo.busy_until = SimTime(play.now().0 + 20);
    } else {
        demo.next += 1;
    }
    demo.dwell = DWELL;
    demo.step_once = false;
    actions.write(Do(action));
}

/// Someone pressed a panel button during the demo: the presenter took over,
/// so the reference run no longer applies.
fn took_over(mut demo: ResMut<Demo>, mut play: ResMut<Play>) {
    if play.log.actions.len() > demo.sent && !demo.off_script {
        demo.off_script = true;
        demo.sent = play.log.actions.len();
        play.paused = true;
        demo.caption.note =
            "You took over: the reference run no longer applies. Space: the reference technician carries on live.".into();
    }
    demo.sent = demo.sent.max(play.log.actions.len());
}

/// Rings the button of the step being taken, so the room sees what is pressed.
fn focus_step(demo: Res<Demo>, buttons: Query<(&Btn, &Focusable)>, mut focus: ResMut<Focus>) {
    let Some(action) = &demo.highlight else { return };
    let wanted = UiCommand::Act(action.clone());
    if let Some((_, f)) = buttons.iter().find(|(b, _)| b.command == wanted)
        && focus.0 != f.0
    {
        focus.0 = f.0;
    }
}

/// F1–F4: an instructor's live faults, in practice mode and demos.
fn fault_keys(keys: Res<ButtonInput<KeyCode>>, mut run: MessageWriter<Run>) {
    for (key, kind) in [
        (KeyCode::F1, FaultKind::QcShift),
        (KeyCode::F2, FaultKind::Hemolysis),
        (KeyCode::F3, FaultKind::Spill),
        (KeyCode::F4, FaultKind::NoAnswer),
    ] {
        if keys.just_pressed(key) {
            run.write(Run(UiCommand::InjectFault(kind)));
        }
    }
}

/// Injects a live fault of `kind` into the shift (practice mode only); in a
/// demo the reference run stops applying and the demo pauses to say so.
pub fn inject(world: &mut World, kind: FaultKind) {
    let Some(play) = world.get_resource::<Play>() else { return };
    if play.mode() != Mode::Practice || play.session.is_ended() {
        return;
    }
    let Some(fault) = fault_for(kind, play, world.resource::<BenchUi>()) else { return };
    let clock = play.scenario.meta.start.plus(play.now()).to_string();
    let accepted = world.resource_mut::<Play>().act(Action::Inject(fault.clone())).is_ok();
    if !accepted {
        return;
    }
    let logged = world.resource::<Play>().log.actions.len();
    if let Some(mut demo) = world.get_resource_mut::<Demo>() {
        demo.off_script = true;
        demo.sent = logged;
        demo.queue.clear();
        demo.dwell = 0.0;
        demo.highlight = None;
        demo.caption = Caption {
            clock,
            what: format!("Instructor's fault: {}", labshift_core::preview::describe(&fault)),
            why: "The reference run no longer applies.".into(),
            note: "Space: watch the reference technician handle it live  ·  ←: undo the fault".into(),
        };
        world.resource_mut::<Play>().paused = true;
    }
}

/// A fault of `kind` aimed where it matters now: the analyzer or tube on
/// screen, else the next one the shift needs. `None` when there is no target.
pub fn fault_for(kind: FaultKind, play: &Play, ui: &BenchUi) -> Option<RawFault> {
    let scenario = &play.scenario;
    let views = play.session.specimen_views();
    match kind {
        FaultKind::QcShift => {
            let shown = match &ui.panel {
                Some(Panel::Qc(i, test)) => scenario.lab.analyzers.get(*i).map(|a| (a, Some(test.clone()))),
                Some(Panel::Analyzer(i)) => scenario.lab.analyzers.get(*i).map(|a| (a, None)),
                _ => None,
            };
            let (analyzer, test) = shown.or_else(|| {
                scenario.lab.analyzers.iter().find(|a| !a.controls.is_empty()).map(|a| (a, None))
            })?;
            let test = test.or_else(|| {
                let controlled = |t: &String| analyzer.controls.iter().any(|c| &c.test == t);
                analyzer
                    .menu
                    .iter()
                    .find(|t| *t == "K" && controlled(t))
                    .or(analyzer.menu.iter().find(|t| controlled(t)))
                    .cloned()
            })?;
            Some(RawFault::QcShift {
                analyzer: analyzer.id.clone(),
                test,
                sd: 3.0,
                sd_max: None,
                spread: 0.3,
            })
        }
        FaultKind::Hemolysis => {
            let undecided =
                |id: &str| views.iter().any(|v| v.id == id && !v.accepted && v.rejected.is_none());
            let selected = ui.selected.clone().filter(|id| undecided(id));
            let next = || {
                let mut order: Vec<_> = scenario.specimens.iter().filter(|s| undecided(&s.id)).collect();
                order.sort_by_key(|s| (s.priority != Priority::Stat, s.arrives));
                order.first().map(|s| s.id.clone())
            };
            Some(RawFault::Hemolysis { specimen: selected.or_else(next)?, index: 4 })
        }
        FaultKind::Spill => Some(RawFault::Spill { area: Area::Processing, volume_ml: 10 }),
        FaultKind::NoAnswer => {
            let accepted = &scenario.policy.pack.critical_call.accepted_credentials;
            let caregiver = scenario
                .caregivers
                .iter()
                .find(|c| accepted.iter().any(|a| a.eq_ignore_ascii_case(&c.credentials)))
                .or(scenario.caregivers.first())?;
            Some(RawFault::CaregiverUnreachable { caregiver: caregiver.id.clone(), minutes: Some(30) })
        }
    }
}

/// Carries out a presenter's command; the others are not the demo's.
pub fn run(world: &mut World, command: &UiCommand) {
    let Some(mut demo) = world.get_resource::<Demo>().cloned() else { return };
    match command {
        UiCommand::DemoPause => {
            if let Some(mut play) = world.get_resource_mut::<Play>() {
                play.paused = !play.paused;
                if !play.paused {
                    demo.caption.note.clear();
                    demo.dwell = demo.dwell.min(0.5);
                }
            }
        }
        UiCommand::DemoStep => {
            demo.step_once = true;
            demo.dwell = 0.0;
        }
        UiCommand::DemoNextEvent => demo.dwell = 0.0,
        UiCommand::DemoFaster | UiCommand::DemoSlower => {
            let i = DEMO_SPEEDS.iter().position(|s| *s >= demo.speed).unwrap_or(1);
            let i = if *command == UiCommand::DemoFaster {
                (i + 1).min(DEMO_SPEEDS.len() - 1)
            } else {
                i.saturating_sub(1)
            };
            demo.speed = DEMO_SPEEDS[i];
        }
        UiCommand::DemoBack => {
            step_back(world, &mut demo);
        }
        _ => return,
    }
    if *command == UiCommand::DemoNextEvent
        && let Some(mut play) = world.get_resource_mut::<Play>()
    {
        // The clock jumps to the next step (or the next thing to happen).
        let target = if demo.off_script {
            match plan(&play.session, play.now()) {
                Plan::WaitUntil(t) => Some(t),
                Plan::Act(_) => None,
            }
        } else {
            demo.steps.get(demo.next).map(|(t, _)| *t)
        };
        if let Some(t) = target
            && t.0 as f64 > play.clock
        {
            play.clock = t.0 as f64;
            let _ = play.act(Action::Wait);
        }
    }
    world.insert_resource(demo);
}

/// Undoes the last step: the shift is played again from the start, up to
/// the action before it.
fn step_back(world: &mut World, demo: &mut Demo) {
    let Some(play) = world.get_resource::<Play>() else { return };
    if play.log.actions.is_empty() {
        return;
    }
    let mut log: SessionLog = play.log.clone();
    log.actions.pop();
    let rebuilt = resume(Arc::clone(&demo.scenario), &log, None, &demo.setup());
    let on_script = log.actions.len() <= demo.steps.len()
        && log.actions.iter().zip(&demo.steps).all(|(e, (_, a))| &e.action == a);
    demo.off_script = !on_script;
    demo.next = if on_script { log.actions.len() } else { demo.next };
    demo.sent = rebuilt.log.actions.len();
    demo.queue.clear();
    demo.busy_until = rebuilt.now();
    demo.dwell = 0.0;
    demo.step_once = false;
    let last = rebuilt.log.actions.last().map(|e| e.action.clone());
    match &last {
        Some(action) => {
            demo.say(&rebuilt, action);
            demo.caption.note = "Stepped back: the shift was played again up to here.".into();
        }
        None => {
            demo.caption.what = "Start of the shift".into();
            demo.caption.why.clear();
            demo.caption.note.clear();
        }
    }
    let panel = last.as_ref().and_then(|a| panel_for(a, &rebuilt.scenario));
    demo.highlight = last;
    let mut rebuilt = rebuilt;
    rebuilt.paused = true;
    world.insert_resource(rebuilt);
    world.resource_mut::<BenchUi>().panel = panel;
}

/// In the attract loop, the debrief shows a while, then the next scenario's demo starts.
fn attract_next(
    time: Res<Time<Real>>,
    mut demo: ResMut<Demo>,
    catalog: Res<Catalog>,
    mut commands: Commands,
) {
    let Some(i) = demo.attract else { return };
    let now = time.elapsed_secs();
    let since = *demo.debrief_since.get_or_insert(now);
    if now - since < ATTRACT_DEBRIEF {
        return;
    }
    demo.attract = None; // Once.
    let seed = demo.seed;
    if let Some((j, current)) = next_playable(&catalog, Some(i)) {
        commands.queue(move |world: &mut World| start_demo(world, current, seed, Some(j)));
    }
}

/// The first playable catalog entry after `after` (wrapping round), or the first of all.
pub fn next_playable(catalog: &Catalog, after: Option<usize>) -> Option<(usize, CurrentScenario)> {
    let playable: Vec<usize> =
        (0..catalog.entries.len()).filter(|j| catalog.entries[*j].scenario.is_some()).collect();
    let j = after.and_then(|i| playable.iter().copied().find(|j| *j > i)).or(playable.first().copied())?;
    Some((j, catalog.entries[j].clone()))
}

/// Plays the first `n` steps of the reference run at once (to open a demo mid-shift).
pub fn fast_forward(world: &mut World, n: usize) {
    let Some(mut demo) = world.get_resource::<Demo>().cloned() else { return };
    let Some(mut play) = world.remove_resource::<Play>() else { return };
    let mut last = None;
    while demo.next < n.min(demo.steps.len()) {
        let (at, action) = demo.steps[demo.next].clone();
        if action == Action::EndShift {
            break;
        }
        play.clock = play.clock.max(at.0 as f64);
        if play.act(action.clone()).is_err() {
            break;
        }
        demo.next += 1;
        last = Some(action);
    }
    demo.sent = play.log.actions.len();
    if let Some(action) = &last {
        demo.say(&play, action);
        demo.highlight = Some(action.clone());
        demo.dwell = DWELL;
        world.resource_mut::<BenchUi>().panel = panel_for(action, &play.scenario);
    }
    world.insert_resource(play);
    world.insert_resource(demo);
}
