//! Hot reload: an instructor edits a scenario or a policy pack while the
//! app is open and sees the result without restarting it. The scenario list
//! and the briefing refresh; a running shift is never swapped under the
//! trainee — the bench offers to restart it on the new version. An edit that
//! breaks the file shows its diagnostics and changes nothing else.
//!
//! The files are polled (modification time and size) a few times a second:
//! a handful of small files, on any platform and file system. A change is
//! acted on once it has held for one poll, so a file caught half-written by
//! an editor is not shown as broken.

use std::collections::{BTreeMap, BTreeSet};
use std::time::SystemTime;

use bevy::prelude::*;
use bevy::ui::RelativeCursorPosition;

use crate::catalog::Catalog;
use crate::catalog::CurrentScenario;
use crate::play::Play;
use crate::state::Screen;
use crate::ui::command::{Run, UiCommand};
use crate::ui::theme::{UiFonts, palette};
use crate::ui::widgets::{Focus, button};
use labshift_tools::files::ron_files_under;

pub fn plugin(app: &mut App) {
    app.init_resource::<Watch>().init_resource::<Toast>();
    app.add_systems(Startup, spawn_toast);
    app.add_systems(Update, show_toast);
    // A browser has no files to watch: its scenarios are built in or picked in the page.
    if cfg!(not(target_arch = "wasm32")) {
        app.add_systems(Update, watch_files);
    }
    app.add_systems(
        Update,
        (show_prompt, prompt_keys).run_if(in_state(Screen::Bench).and_then(resource_exists::<Play>)),
    );
    app.add_systems(OnExit(Screen::Bench), |mut commands: Commands| {
        commands.remove_resource::<ReloadNotice>();
    });
}

/// What was seen of each watched file: modification time and size, or
/// `None` when it is missing.
type Stamp = Option<(SystemTime, u64)>;

/// The watched files and how often they are looked at.
#[derive(Resource, Debug)]
pub struct Watch {
    /// Seconds between two looks (0: every frame).
    pub interval: f32,
    last: Option<f32>,
    stamps: Option<BTreeMap<String, Stamp>>,
    /// Files seen changing, acted on once they hold still for one look.
    pending: BTreeSet<String>,
}

impl Default for Watch {
    fn default() -> Watch {
        Watch { interval: 0.4, last: None, stamps: None, pending: BTreeSet::new() }
    }
}

/// The scenario of the running shift changed on disk: the bench offers to
/// restart on the new version (or says why it cannot).
#[derive(Resource, Debug, Clone, PartialEq)]
pub struct ReloadNotice {
    pub path: String,
    /// The edited scenario loads: the shift can restart on it.
    pub valid: bool,
    /// Its first problem, when it does not.
    pub problem: Option<String>,
    pub problems: usize,
}

/// A short message in the corner of every screen but the bench.
#[derive(Resource, Debug, Default)]
pub struct Toast {
    pub text: String,
    /// Real seconds it shows until.
    until: f32,
    /// Said from outside a system: the clock starts at the next frame.
    pending: bool,
}

impl Toast {
    /// Shows `text` for a few seconds.
    pub fn say(&mut self, text: String) {
        self.text = text;
        self.until = f32::MAX;
        self.pending = true;
    }
}

fn stamp(path: &str) -> Stamp {
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.modified().unwrap_or(SystemTime::UNIX_EPOCH), meta.len()))
}

/// Every file the app's scenarios come from: the scenario folder, and each
/// loaded scenario's own file and policy pack (wherever they are).
fn watched(catalog: &Catalog, current: Option<&CurrentScenario>) -> BTreeMap<String, Stamp> {
    let mut paths: BTreeSet<String> = catalog
        .dir
        .as_ref()
        .map(|dir| ron_files_under(dir).unwrap_or_default())
        .unwrap_or_default()
        .into_iter()
        .collect();
    for c in catalog.entries.iter().chain(current) {
        paths.insert(c.path.clone());
        paths.extend(c.sources.iter().cloned());
    }
    paths
        .into_iter()
        .map(|p| {
            let s = stamp(&p);
            (p, s)
        })
        .collect()
}

fn file_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

fn watch_files(
    time: Res<Time<Real>>,
    mut watch: ResMut<Watch>,
    mut catalog: ResMut<Catalog>,
    mut current: Option<ResMut<CurrentScenario>>,
    state: Res<State<Screen>>,
    mut next: ResMut<NextState<Screen>>,
    mut focus: ResMut<Focus>,
    mut toast: ResMut<Toast>,
    mut commands: Commands,
) {
    let now = time.elapsed_secs();
    if watch.last.is_some_and(|last| now - last < watch.interval) {
        return;
    }
    watch.last = Some(now);
    let fresh = watched(&catalog, current.as_deref());
    let Some(old) = watch.stamps.replace(fresh.clone()) else { return };
    let changed: BTreeSet<String> = old
        .iter()
        .filter(|(p, s)| fresh.get(*p) != Some(s))
        .map(|(p, _)| p.clone())
        .chain(fresh.keys().filter(|p| !old.contains_key(*p)).cloned())
        .collect();
    if !changed.is_empty() {
        watch.pending.extend(changed);
        return;
    }
    if watch.pending.is_empty() {
        return;
    }
    let changed = std::mem::take(&mut watch.pending);
    if let Some(dir) = catalog.dir.clone() {
        *catalog = Catalog::load(&dir);
        if focus.0 > catalog.entries.len() {
            focus.0 = 0;
        }
    }
    let mut reloaded = None;
    if let Some(current) = current.as_deref_mut() {
        let touched = changed.contains(&current.path) || current.sources.iter().any(|s| changed.contains(s));
        if touched {
            *current = CurrentScenario::load(&current.path);
            reloaded = Some(current.clone());
        }
    }
    // The files watched now (a scenario may name another pack), as they are now.
    watch.stamps = Some(watched(&catalog, current.as_deref()));

    let screen = *state.get();
    match (&reloaded, screen) {
        (Some(c), Screen::Briefing | Screen::Diagnostics) => {
            next.set(if c.scenario.is_some() { Screen::Briefing } else { Screen::Diagnostics });
        }
        (Some(c), Screen::Bench) => {
            let problems: Vec<_> = c.diagnostics.iter().filter(|d| d.is_error()).collect();
            commands.insert_resource(ReloadNotice {
                path: c.path.clone(),
                valid: c.scenario.is_some(),
                problem: problems.first().map(|d| d.to_string().lines().next().unwrap_or("").to_owned()),
                problems: problems.len(),
            });
            return;
        }
        (_, Screen::Select) => next.set(Screen::Select),
        _ => {}
    }
    toast.text = match &reloaded {
        Some(c) if c.scenario.is_some() => format!("Reloaded {}", file_name(&c.path)),
        Some(c) => format!("{} has problems: see its diagnostics", file_name(&c.path)),
        None => {
            let names: Vec<&str> = changed.iter().map(|p| file_name(p)).collect();
            format!("Reloaded the scenarios ({} changed)", names.join(", "))
        }
    };
    toast.until = now + 5.0;
}

#[derive(Component)]
struct ToastText;

fn spawn_toast(mut commands: Commands, fonts: Res<UiFonts>) {
    commands.spawn((
        ToastText,
        Text::new(""),
        fonts.bold(14.0),
        TextColor(palette::PLATE_TEXT),
        Node {
            position_type: PositionType::Absolute,
            right: px(16),
            bottom: px(16),
            padding: UiRect::axes(px(12), px(6)),
            display: Display::None,
            ..default()
        },
        BackgroundColor(palette::CARD),
        GlobalZIndex(100),
        Pickable::IGNORE,
    ));
}

fn show_toast(
    time: Res<Time<Real>>,
    mut toast: ResMut<Toast>,
    mut shown: Query<(&mut Text, &mut Node), With<ToastText>>,
) {
    if toast.pending {
        toast.pending = false;
        toast.until = time.elapsed_secs() + 6.0;
    }
    let visible = time.elapsed_secs() < toast.until;
    for (mut text, mut node) in &mut shown {
        if visible && text.0 != toast.text {
            text.0.clone_from(&toast.text);
        }
        let display = if visible { Display::Flex } else { Display::None };
        if node.display != display {
            node.display = display;
        }
    }
}

#[derive(Component)]
struct Prompt;

/// The bench's restart prompt, shown while a [`ReloadNotice`] stands.
fn show_prompt(
    mut commands: Commands,
    notice: Option<Res<ReloadNotice>>,
    shown: Query<Entity, With<Prompt>>,
    fonts: Res<UiFonts>,
) {
    let stale = match &notice {
        Some(n) => n.is_changed() || shown.is_empty(),
        None => !shown.is_empty(),
    };
    if !stale {
        return;
    }
    for e in &shown {
        commands.entity(e).despawn();
    }
    let Some(notice) = notice else { return };
    let name = file_name(&notice.path).to_owned();
    let (headline, detail) = if notice.valid {
        (
            format!("{name} changed on disk."),
            "Restart the shift on the new version, or keep playing this one (its log is kept either way)."
                .to_owned(),
        )
    } else {
        (
            format!(
                "{name} changed on disk and has {} problem{}.",
                notice.problems,
                if notice.problems == 1 { "" } else { "s" }
            ),
            format!(
                "{}\nThe shift goes on with the version it started with; fix the file to restart on it.",
                notice.problem.clone().unwrap_or_default()
            ),
        )
    };
    commands
        .spawn((
            Prompt,
            DespawnOnExit(Screen::Bench),
            Node {
                position_type: PositionType::Absolute,
                top: px(76),
                left: px(12),
                max_width: px(700),
                flex_direction: FlexDirection::Column,
                row_gap: px(6),
                padding: UiRect::all(px(12)),
                border_radius: BorderRadius::all(px(6)),
                ..default()
            },
            BackgroundColor(palette::CARD),
            Outline::new(px(2), px(0), if notice.valid { palette::FOCUS } else { palette::WARN }),
            GlobalZIndex(30),
            RelativeCursorPosition::default(),
        ))
        .with_children(|p| {
            p.spawn((Text::new(headline), fonts.bold(16.0), TextColor(palette::PLATE_TEXT)));
            p.spawn((Text::new(detail), fonts.regular(13.0), TextColor(palette::SCREEN_TEXT)));
            p.spawn(Node { column_gap: px(8), ..default() }).with_children(|row| {
                if notice.valid {
                    row.spawn(button(
                        "Restart on the new version  F5",
                        UiCommand::RestartShift,
                        None,
                        &fonts,
                        14.0,
                    ));
                    row.spawn(button("Keep playing  F6", UiCommand::KeepPlaying, None, &fonts, 14.0));
                } else {
                    row.spawn(button("Keep playing  F6", UiCommand::KeepPlaying, None, &fonts, 14.0));
                }
            });
        });
}

fn prompt_keys(
    keys: Res<ButtonInput<KeyCode>>,
    notice: Option<Res<ReloadNotice>>,
    mut run: MessageWriter<Run>,
) {
    let Some(notice) = notice else { return };
    if keys.just_pressed(KeyCode::F5) && notice.valid {
        run.write(Run(UiCommand::RestartShift));
    }
    if keys.just_pressed(KeyCode::F6) {
        run.write(Run(UiCommand::KeepPlaying));
    }
}
