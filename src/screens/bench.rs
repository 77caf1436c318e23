//! The bench screen's interface: the HUD (clock, speed, STATs, critical-call
//! countdowns, PPE), the feed of what happens, practice hints, the open
//! panel, the pause overlay, and the keys and clicks that drive them.

use bevy::prelude::*;
use bevy::ui::RelativeCursorPosition;
use labshift_core::action::Mode;
use labshift_core::raw::{Ppe, Priority};

use crate::bench::TubeView;
use crate::bench::cache::{ArtCamera, ArtCutout};
use crate::bench::layout::StationKind;
use crate::panels::view::{CARD_WIDTH, PanelCard, fill_card, tone_colour};
use crate::panels::{Panel, panel_spec, qc_panel};
use crate::play::{Play, SPEEDS};
use crate::screens::Screen;
use crate::state::BenchUi;
use crate::ui::cached::{CachedUi, CursorOverCached};
use crate::ui::command::{Run, UiCommand};
use crate::ui::theme::{UiFonts, palette};
use crate::ui::widgets::{Focus, button};

pub(super) fn plugin(app: &mut App) {
    // The card scrolls by the wheel; a window-less app (tests) has no mouse.
    app.add_message::<bevy::input::mouse::MouseWheel>();
    app.add_systems(OnEnter(Screen::Bench), spawn_hud);
    app.add_systems(
        Update,
        (
            bench_keys.run_if(not(resource_exists::<crate::demo::Demo>)),
            pointer,
            refresh_hud,
            refresh_panel,
            refresh_pause,
        )
            .run_if(in_state(Screen::Bench).and_then(resource_exists::<Play>)),
    );
    app.add_systems(
        PostUpdate,
        (card_cutout, scroll_card, fit_hud)
            .after(bevy::ui::UiSystems::Layout)
            .run_if(in_state(Screen::Bench)),
    );
}

/// Tells the bench art where the open panel card hides it, so that nothing
/// is drawn there (see [`crate::bench::cache`]).
fn card_cutout(
    card: Query<(&Node, &ComputedNode, &UiGlobalTransform), With<PanelCard>>,
    cameras: Query<(&Camera, &GlobalTransform), Without<ArtCamera>>,
    mut cutout: ResMut<ArtCutout>,
) {
    let hidden = card.single().ok().and_then(|(node, computed, at)| {
        if node.display == Display::None || computed.size().min_element() <= 0.0 {
            return None;
        }
        let (camera, camera_at) = cameras.iter().find(|(c, _)| c.is_active)?;
        // The card's rounded corners show what is behind them: cut inside them.
        let inset = 8.0 / computed.inverse_scale_factor();
        let half = computed.size() / 2.0 - Vec2::splat(inset);
        let corner =
            |p: Vec2| camera.viewport_to_world_2d(camera_at, p * computed.inverse_scale_factor()).ok();
        Some(Rect::from_corners(corner(at.translation - half)?, corner(at.translation + half)?))
    });
    cutout.set_if_neq(ArtCutout(hidden));
}

/// Scrolls a panel card longer than the window: by the mouse wheel over it,
/// and so that the focused button is always in view.
fn scroll_card(
    mut wheel: MessageReader<bevy::input::mouse::MouseWheel>,
    focus: Res<Focus>,
    mut card: Query<
        (&ComputedNode, &UiGlobalTransform, &RelativeCursorPosition, &mut ScrollPosition),
        With<PanelCard>,
    >,
    buttons: Query<(&crate::ui::widgets::Focusable, &ComputedNode, &UiGlobalTransform)>,
    ui: Res<BenchUi>,
    over_card: Res<CursorOverCached>,
    mut followed: Local<Option<(Option<Panel>, usize)>>,
) {
    let Ok((computed, at, cursor, mut scroll)) = card.single_mut() else { return };
    let scale = computed.inverse_scale_factor();
    let hidden = (computed.content_size().y - computed.size().y).max(0.0) * scale;
    for event in wheel.read() {
        if cursor.cursor_over() || over_card.0 {
            let lines = match event.unit {
                bevy::input::mouse::MouseScrollUnit::Line => event.y * 24.0,
                bevy::input::mouse::MouseScrollUnit::Pixel => event.y,
            };
            scroll.y = (scroll.y - lines).clamp(0.0, hidden);
        }
    }
    // Follow the focus when it moves (not when the wheel has moved the card
    // since); a panel just opened shows its top.
    let key = (ui.panel.clone(), focus.0);
    let opened = followed.as_ref().map(|f| &f.0) != Some(&key.0);
    if followed.as_ref() == Some(&key) {
        return;
    }
    *followed = Some(key);
    if opened {
        return;
    }
    let Some((_, node, place)) = buttons.iter().find(|(f, _, _)| f.0 == focus.0) else { return };
    let margin = 16.0 / scale;
    let (top, bottom) =
        (at.translation.y - computed.size().y / 2.0, at.translation.y + computed.size().y / 2.0);
    let (b_top, b_bottom) =
        (place.translation.y - node.size().y / 2.0, place.translation.y + node.size().y / 2.0);
    if b_bottom > bottom - margin {
        scroll.y = (scroll.y + (b_bottom - bottom + margin) * scale).min(hidden);
    } else if b_top < top + margin {
        scroll.y = (scroll.y - (top + margin - b_top) * scale).max(0.0);
    }
}

/// The HUD's root.
#[derive(Component, Debug)]
pub struct Hud;

/// The HUD's top bar: clock, speeds, title, PPE.
#[derive(Component, Debug)]
pub struct HudHeader;

/// The HUD's alerts, feed and hint, left of the panel card.
#[derive(Component, Debug)]
pub struct HudAlerts;

/// Fits the HUD to the window at any interface scale: the panel card opens
/// below the header (which wraps when narrow), and the alerts keep left of it.
fn fit_hud(
    root: Query<&ComputedNode, With<Hud>>,
    header: Query<&ComputedNode, With<HudHeader>>,
    mut alerts: Query<&mut Node, (With<HudAlerts>, Without<PanelCard>)>,
    mut card: Query<&mut Node, (With<PanelCard>, Without<HudAlerts>)>,
) {
    let (Ok(root), Ok(header)) = (root.single(), header.single()) else { return };
    let scale = root.inverse_scale_factor();
    let width = root.size().x * scale;
    let below = header.size().y * scale + 4.0;
    let open = card.iter().any(|node| node.display != Display::None);
    // Beside an open card when there is room; on a narrow window (a large
    // interface scale) the card has the screen until it is closed.
    let room = if open { width - CARD_WIDTH - 24.0 } else { width - 24.0 };
    let display = if room < 300.0 { Display::None } else { Display::Flex };
    for mut node in &mut alerts {
        if node.max_width != px(room) {
            node.max_width = px(room);
        }
        if node.display != display {
            node.display = display;
        }
    }
    for mut node in &mut card {
        if node.top != px(below) {
            node.top = px(below);
        }
        let width = (width - 16.0).min(CARD_WIDTH);
        if node.width != px(width) {
            node.width = px(width);
        }
    }
}

/// A HUD text kept up to date every frame.
#[derive(Component, Debug, Clone, Copy, PartialEq, Eq)]
pub enum HudText {
    Clock,
    Ppe,
    Alerts,
    Feed,
    Hint,
}

#[derive(Component)]
struct PauseOverlay;

fn spawn_hud(mut commands: Commands, fonts: Res<UiFonts>, play: Option<Res<Play>>) {
    let Some(play) = play else { return };
    let title = play.scenario.meta.title.clone();
    let mode = play.mode();
    commands
        .spawn((
            Hud,
            DespawnOnExit(Screen::Bench),
            Node { width: percent(100), height: percent(100), flex_direction: FlexDirection::Column, ..default() },
            Pickable::IGNORE,
        ))
        .with_children(|root| {
            // Header: clock and speed, title, PPE.
            root.spawn((
                HudHeader,
                Node {
                    min_height: px(36),
                    padding: UiRect::horizontal(px(12)),
                    align_items: AlignItems::Center,
                    column_gap: px(8),
                    // A large interface scale wraps the header to a second row.
                    flex_wrap: FlexWrap::Wrap,
                    ..default()
                },
                BackgroundColor(palette::HEADER),
                RelativeCursorPosition::default(),
            ))
            .with_children(|h| {
                h.spawn((
                    HudText::Clock,
                    Text::new(""),
                    fonts.bold(17.0),
                    TextColor(palette::SCREEN_TEXT),
                    Node { min_width: px(196), min_height: px(36), align_content: AlignContent::Center, ..default() },
                ));
                for speed in SPEEDS {
                    h.spawn(button(&format!("{speed}×"), UiCommand::Speed(speed), None, &fonts, 13.0));
                }
                h.spawn(button("Pause  Esc", UiCommand::TogglePause, None, &fonts, 13.0));
                h.spawn(button("Next event  N", UiCommand::WaitForNext, None, &fonts, 13.0));
                h.spawn((
                    Text::new(title),
                    fonts.regular(13.0),
                    TextColor(palette::MUTED),
                    Node {
                        flex_grow: 1.0,
                        flex_shrink: 1.0,
                        flex_basis: px(120),
                        margin: UiRect::left(px(8)),
                        overflow: Overflow::clip(),
                        ..default()
                    },
                    TextLayout::new(Justify::Left, LineBreak::NoWrap),
                ));
                h.spawn((
                    HudText::Ppe,
                    Text::new(""),
                    fonts.bold(13.0),
                    TextColor(palette::PLATE_TEXT),
                    Node { min_height: px(36), align_content: AlignContent::Center, ..default() },
                    TextLayout::new(Justify::Left, LineBreak::NoWrap),
                ));
            });
            // Alerts (STATs, critical calls, spills, hands), then the feed and the hint.
            root.spawn((
                HudAlerts,
                Node {
                    flex_direction: FlexDirection::Column,
                    padding: UiRect::axes(px(12), px(3)),
                    max_width: px(1280.0 - CARD_WIDTH - 24.0),
                    ..default()
                },
                BackgroundColor(palette::HEADER.with_alpha(0.80)),
                RelativeCursorPosition::default(),
            ))
            .with_children(|a| {
                a.spawn((HudText::Alerts, Text::new(""), fonts.bold(14.0), TextColor(palette::WARN)));
                a.spawn((HudText::Feed, Text::new(""), fonts.regular(13.0), TextColor(palette::PLATE_TEXT)));
                if mode == Mode::Practice {
                    a.spawn((HudText::Hint, Text::new(""), fonts.regular(13.0), TextColor(palette::FOCUS)));
                }
            });
            root.spawn(Node { flex_grow: 1.0, ..default() });
            root.spawn((
                Node { padding: UiRect::axes(px(12), px(1)), ..default() },
                BackgroundColor(palette::HEADER.with_alpha(0.80)),
            ))
            .with_children(|f| {
                f.spawn((
                    Text::new(
                        "R reception · C centrifuge · A analyzer · Q QC · L LIS · P phone · E PPE · W sink · S sharps · B biohazard · K spill · T next tube · Z zoom · ↑↓ Enter 1–0 ⇧1–9 · ⌫ close · N next event · +/− speed · Esc pause · End×2 end shift",
                    ),
                    fonts.regular(10.5),
                    TextColor(palette::MUTED),
                ));
            });
        });
    commands.spawn((
        PanelCard,
        DespawnOnExit(Screen::Bench),
        Node {
            position_type: PositionType::Absolute,
            right: px(8),
            top: px(40),
            width: px(CARD_WIDTH),
            // The window's height less the HUD's top bar, at any interface
            // scale: a longer panel scrolls (wheel, or the focus moving).
            max_height: Val::Vh(88.0),
            flex_direction: FlexDirection::Column,
            row_gap: px(4),
            // No border: a border is a second layer over the whole card.
            padding: UiRect::all(px(14)),
            border_radius: BorderRadius::all(px(6)),
            overflow: Overflow::scroll_y(),
            display: Display::None,
            ..default()
        },
        BackgroundColor(palette::CARD),
        RelativeCursorPosition::default(),
        ScrollPosition::default(),
        GlobalZIndex(5),
        // Drawn once each time it changes, not every frame.
        CachedUi,
    ));
    commands.spawn((
        PauseOverlay,
        DespawnOnExit(Screen::Bench),
        Node {
            position_type: PositionType::Absolute,
            width: percent(100),
            height: percent(100),
            flex_direction: FlexDirection::Column,
            align_items: AlignItems::Center,
            justify_content: JustifyContent::Center,
            row_gap: px(12),
            display: Display::None,
            ..default()
        },
        BackgroundColor(Color::srgba(0.02, 0.04, 0.06, 0.78)),
        GlobalZIndex(20),
    ));
}

/// Minutes and seconds, `m:ss`, never negative.
fn mmss(seconds: i64) -> String {
    let s = seconds.max(0);
    format!("{}:{:02}", s / 60, s % 60)
}

/// What the alerts line says: pending STATs with their turnaround left,
/// critical calls with their countdown, spills and hands to wash.
pub fn alerts(play: &Play) -> String {
    let scenario = &play.scenario;
    let now = play.now();
    let mut parts = Vec::new();
    let tat = i64::from(scenario.policy.pack.stat_turnaround_min) * 60;
    // Asked as the clock moves: only the STAT specimens are looked at.
    for spec in scenario.specimens.iter().filter(|s| s.priority == Priority::Stat) {
        let Some(v) = play.session.specimen_view(&spec.id) else { continue };
        if !v.arrived || v.rejected.is_some() {
            continue;
        }
        let pending =
            v.tests.iter().any(|t| !v.results.iter().any(|r| &r.test == t && (r.released || r.suppressed)));
        if pending {
            let left = spec.arrives.0 + tat - now.0;
            parts.push(if left >= 0 {
                format!("STAT {} {} left", v.id, mmss(left))
            } else {
                format!("STAT {} LATE {}", v.id, mmss(-left))
            });
        }
    }
    let deadline = i64::from(scenario.policy.pack.critical_call.deadline_min) * 60;
    for c in play.session.critical_calls() {
        if c.completed_at.is_none() {
            let left = c.available_at.0 + deadline - now.0;
            parts.push(if left >= 0 {
                format!("CALL {} {} {} left", c.specimen, c.test, mmss(left))
            } else {
                format!("CALL {} {} OVERDUE {}", c.specimen, c.test, mmss(-left))
            });
        }
    }
    let contact = i64::from(scenario.policy.pack.spill.contact_time_min) * 60;
    for since in play.session.spills() {
        parts.push(match since {
            None => "SPILL on the bench (K)".to_owned(),
            Some(t) => format!("SPILL contact time {} left", mmss(t.0 + contact - now.0)),
        });
    }
    if let (_, _, Some(until)) = play.session.centrifuge_view() {
        parts.push(if until > now {
            format!("Centrifuge {}", mmss(until.0 - now.0))
        } else {
            "Centrifuge stopped".into()
        });
    }
    if play.session.hands_to_wash() {
        parts.push("Wash your hands (W)".to_owned());
    }
    if let Some(e) = &play.log_error {
        parts.push(format!("LOG NOT SAVED: {e}"));
    }
    // The shift's own clock: a warning from 15 minutes before its end.
    let left = (scenario.meta.time_limit.0 - now.0).max(0) / 60;
    let shift = if left <= 15 {
        format!("SHIFT ENDS in {left} min")
    } else {
        format!("{left} min of the shift left")
    };
    if parts.is_empty() {
        format!("{shift}   ·   no pending STAT, call or hazard.")
    } else {
        format!("{shift}   ·   {}", parts.join("   ·   "))
    }
}

fn ppe_text(play: &Play) -> String {
    let wearing = play.session.wearing();
    [Ppe::Coat, Ppe::FaceShield, Ppe::Gloves]
        .iter()
        .map(|p| {
            format!("{}{}", if wearing.contains(p) { "✔ " } else { "✘ " }, crate::panels::words::ppe(*p))
        })
        .collect::<Vec<_>>()
        .join("  ")
}

fn refresh_hud(
    play: Res<Play>,
    demo: Option<Res<crate::demo::Demo>>,
    mut texts: Query<(&HudText, &mut Text, &mut TextColor)>,
    mut hint: Local<(u64, String)>,
    mut alert: Local<Option<((u64, i64), String)>>,
) {
    // The alerts change with the shift and the clock's seconds, not every frame.
    let moment = (play.revision, play.now().0);
    if alert.as_ref().is_none_or(|(at, _)| *at != moment) {
        *alert = Some((moment, alerts(&play)));
    }
    if play.mode() == Mode::Practice && hint.0 != play.revision + 1 {
        *hint = (play.revision + 1, hint_text(&play));
    }
    for (kind, mut text, mut colour) in &mut texts {
        let shown = match kind {
            HudText::Clock => {
                let speed = demo.as_ref().map_or(play.speed as f32, |d| d.speed);
                format!("{} ×{speed}{}", play.clock_text(), if play.paused { "  PAUSED" } else { "" })
            }
            HudText::Ppe => format!("PPE: {}", ppe_text(&play)),
            HudText::Alerts => alert.as_ref().map(|(_, text)| text.clone()).unwrap_or_default(),
            HudText::Feed => {
                let lines: Vec<String> = play
                    .feed
                    .iter()
                    .rev()
                    .take(3)
                    .rev()
                    .map(|l| format!("{}  {}", l.clock, l.text))
                    .collect();
                if let Some(last) = play.feed.last() {
                    colour.0 = tone_colour(last.tone);
                }
                lines.join("\n")
            }
            HudText::Hint => hint.1.clone(),
        };
        if text.0 != shown {
            text.0 = shown;
        }
    }
}

/// What the practice hint says to do next.
#[derive(Debug, Clone, PartialEq)]
pub enum Hint {
    /// This action: the reference technician's next step.
    Do(labshift_core::action::Action),
    /// Nothing needs doing until then: let the clock run (N).
    WaitUntil(labshift_core::time::SimTime),
    Ended,
}

/// The practice hint: the reference technician's next step, ranked by
/// urgency (`labshift_core::reference::next_step`); once the work is done,
/// the steps that end the shift.
pub fn hint(play: &Play) -> Hint {
    use labshift_core::reference::{Plan, plan};
    // One plan: its first action is `next_step`'s, and when nothing needs
    // doing it says until when, or how the shift ends.
    match plan(&play.session, play.now()) {
        Plan::WaitUntil(next) => Hint::WaitUntil(next),
        Plan::Act(steps) => steps.into_iter().next().map_or(Hint::Ended, Hint::Do),
    }
}

fn hint_text(play: &Play) -> String {
    match hint(play) {
        Hint::Do(action) => format!("Hint: {}", crate::panels::describe(&action)),
        Hint::WaitUntil(next) => format!(
            "Hint: nothing needs doing until {}; press N to let the clock run to it.",
            play.scenario.meta.start.plus(next).to_string_full()
        ),
        Hint::Ended => "Hint: the shift has ended.".to_owned(),
    }
}

/// Rebuilds the panel card when the shift or the open panel changes.
fn refresh_panel(
    mut commands: Commands,
    play: Res<Play>,
    ui: Res<BenchUi>,
    fonts: Res<UiFonts>,
    mut card: Query<(Entity, &mut Node), With<PanelCard>>,
    mut drawn: Local<Option<(u64, Option<Panel>, Option<String>, bool, i64)>>,
) {
    let Ok((entity, mut node)) = card.single_mut() else { return };
    // Timers in a panel tick with the clock: redraw those every 5 simulated seconds.
    let timed = matches!(ui.panel, Some(Panel::Centrifuge | Panel::Spill));
    let tick = if timed { play.now().0 / 5 } else { 0 };
    let key = (play.revision, ui.panel.clone(), ui.selected.clone(), ui.zoom, tick);
    if drawn.as_ref() == Some(&key) {
        return;
    }
    let opened = drawn.as_ref().map(|d| &d.1) != Some(&ui.panel);
    *drawn = Some(key);
    commands.entity(entity).despawn_children();
    if opened {
        // Another panel starts at its top.
        commands.entity(entity).insert(ScrollPosition::default());
    }
    match &ui.panel {
        None => node.display = Display::None,
        Some(panel) => {
            node.display = Display::Flex;
            let spec = panel_spec(panel, &play, ui.selected.as_deref());
            commands.entity(entity).with_children(|c| fill_card(c, &spec, ui.zoom, &fonts));
        }
    }
}

fn refresh_pause(
    mut commands: Commands,
    play: Res<Play>,
    fonts: Res<UiFonts>,
    mut overlay: Query<(Entity, &mut Node), With<PauseOverlay>>,
    demo: Option<Res<crate::demo::Demo>>,
    mut shown: Local<bool>,
) {
    let Ok((entity, mut node)) = overlay.single_mut() else { return };
    // A paused demo keeps the bench in view: its caption says it is paused.
    let paused = play.paused && demo.is_none();
    if *shown == paused {
        return;
    }
    *shown = paused;
    commands.entity(entity).despawn_children();
    if !paused {
        node.display = Display::None;
        return;
    }
    node.display = Display::Flex;
    commands.entity(entity).with_children(|p| {
        p.spawn((Text::new("Paused"), fonts.bold(42.0), TextColor(palette::PLATE_TEXT)));
        p.spawn((
            Text::new(format!("Simulated time is stopped at {}.", play.clock_text())),
            fonts.regular(18.0),
            TextColor(palette::MUTED),
        ));
        p.spawn(button("Resume (Esc)", UiCommand::TogglePause, None, &fonts, 18.0));
        p.spawn(button(
            "End the shift now and see the debrief (End)",
            UiCommand::Act(labshift_core::action::Action::EndShift),
            None,
            &fonts,
            16.0,
        ));
    });
}

/// The bench's keys: stations, tubes, speed, pause.
fn bench_keys(
    keys: Res<ButtonInput<KeyCode>>,
    play: Res<Play>,
    mut ui: ResMut<BenchUi>,
    mut run: MessageWriter<Run>,
) {
    let scenario = &play.scenario;
    if keys.just_pressed(KeyCode::Escape) {
        run.write(Run(UiCommand::TogglePause));
    }
    // End asks first: a second End ends the shift, any other key carries on.
    if keys.just_pressed(KeyCode::End) {
        run.write(Run(if ui.end_asked {
            UiCommand::Act(labshift_core::action::Action::EndShift)
        } else {
            UiCommand::ConfirmEnd
        }));
    } else if ui.end_asked && keys.get_just_pressed().next().is_some() {
        ui.end_asked = false;
    }
    if play.paused {
        return;
    }
    let speed_index = SPEEDS.iter().position(|s| *s == play.speed).unwrap_or(0);
    if keys.any_just_pressed([KeyCode::Equal, KeyCode::NumpadAdd]) {
        run.write(Run(UiCommand::Speed(SPEEDS[(speed_index + 1).min(SPEEDS.len() - 1)])));
    }
    if keys.any_just_pressed([KeyCode::Minus, KeyCode::NumpadSubtract]) {
        run.write(Run(UiCommand::Speed(SPEEDS[speed_index.saturating_sub(1)])));
    }
    if keys.just_pressed(KeyCode::KeyN) {
        run.write(Run(UiCommand::WaitForNext));
    }
    if keys.just_pressed(KeyCode::KeyZ) {
        run.write(Run(UiCommand::ToggleZoom));
    }
    if keys.just_pressed(KeyCode::Backspace) {
        run.write(Run(UiCommand::ClosePanel));
    }
    let analyzers = scenario.lab.analyzers.len().max(1);
    let open = |panel: Panel| Run(UiCommand::Open(panel));
    for (key, panel) in [
        (KeyCode::KeyR, Panel::Reception),
        (KeyCode::KeyC, Panel::Centrifuge),
        (KeyCode::KeyL, Panel::Lis),
        (KeyCode::KeyP, Panel::Phone),
        (KeyCode::KeyE, Panel::Ppe),
        (KeyCode::KeyW, Panel::Sink),
        (KeyCode::KeyS, Panel::Sharps),
        (KeyCode::KeyB, Panel::Biohazard),
        (KeyCode::KeyK, Panel::Spill),
        (KeyCode::KeyF, Panel::Coffee),
    ] {
        if keys.just_pressed(key) {
            run.write(open(panel));
        }
    }
    if keys.just_pressed(KeyCode::KeyA) {
        let next = match ui.panel {
            Some(Panel::Analyzer(i)) => (i + 1) % analyzers,
            _ => 0,
        };
        run.write(open(Panel::Analyzer(next)));
    }
    if keys.just_pressed(KeyCode::KeyQ) {
        let next = match &ui.panel {
            Some(Panel::Qc(i, _)) => (i + 1) % analyzers,
            Some(Panel::Analyzer(i)) => *i,
            _ => 0,
        };
        run.write(open(qc_panel(scenario, next)));
    }
    if keys.just_pressed(KeyCode::KeyT) {
        let on_bench: Vec<String> = play
            .session
            .specimen_views()
            .into_iter()
            .filter(|v| v.arrived && v.rejected.is_none() && !v.broken)
            .map(|v| v.id)
            .collect();
        if !on_bench.is_empty() {
            let at = ui.selected.as_ref().and_then(|s| on_bench.iter().position(|id| id == s));
            let next = at.map_or(0, |i| (i + 1) % on_bench.len());
            run.write(Run(UiCommand::Select(on_bench[next].clone())));
        }
    }
}

/// A tube being dragged: which, and where the press began (world units).
#[derive(Debug, Clone)]
struct Drag {
    specimen: String,
    from: Vec2,
}

/// Mouse on the bench: click a station to open its panel, click a tube to
/// pick it up, drag a tube onto a station to take it there.
fn pointer(
    buttons: Res<ButtonInput<MouseButton>>,
    windows: Query<&Window>,
    cameras: Query<(&Camera, &GlobalTransform), Without<ArtCamera>>,
    over_ui: Query<&RelativeCursorPosition>,
    over_card: Res<CursorOverCached>,
    mut tubes: Query<(&TubeView, &mut Transform, &Visibility, &GlobalTransform)>,
    play: Res<Play>,
    mut run: MessageWriter<Run>,
    mut drag: Local<Option<Drag>>,
    mut focus: ResMut<Focus>,
) {
    let Ok(window) = windows.single() else { return };
    let Some(cursor) = window.cursor_position() else { return };
    let Ok((camera, camera_at)) = cameras.single() else { return };
    let Ok(world) = camera.viewport_to_world_2d(camera_at, cursor) else { return };
    if play.paused {
        return;
    }
    let on_ui = over_card.0 || over_ui.iter().any(|r| r.cursor_over());
    if buttons.just_pressed(MouseButton::Left) && !on_ui {
        let hit = tubes
            .iter()
            .filter(|(_, _, vis, _)| **vis != Visibility::Hidden)
            .find(|(_, _, _, at)| {
                let p = at.translation().truncate();
                (world.x - p.x).abs() < 14.0 && world.y > p.y - 40.0 && world.y < p.y + 46.0
            })
            .map(|(t, _, _, _)| t.specimen.clone());
        match hit {
            Some(specimen) => *drag = Some(Drag { specimen, from: world }),
            None => {
                let spill = crate::bench::motion::current_spill(&play)
                    .map(|at| Rect::from_center_size(at, crate::bench::SPILL_SIZE));
                if spill.is_some_and(|s| s.contains(world)) {
                    run.write(Run(UiCommand::Open(Panel::Spill)));
                } else if let Some(kind) = station_at(&play, world) {
                    focus.0 = 0;
                    run.write(Run(UiCommand::Open(Panel::of_station(&kind, &play.scenario))));
                }
            }
        }
    }
    if let Some(d) = drag.clone() {
        let moved = world.distance(d.from) > 10.0;
        if buttons.pressed(MouseButton::Left) && moved {
            for (t, mut transform, _, _) in &mut tubes {
                if t.specimen == d.specimen {
                    transform.translation.x = world.x;
                    transform.translation.y = world.y - 20.0;
                    transform.translation.z = 30.0;
                }
            }
        }
        if buttons.just_released(MouseButton::Left) {
            *drag = None;
            run.write(Run(UiCommand::Select(d.specimen.clone())));
            if moved && let Some(kind) = station_at(&play, world) {
                // Dropped on a station: it opens, with the tube in hand.
                let panel = match kind {
                    StationKind::Reception | StationKind::Labeling => Panel::Specimen(d.specimen.clone()),
                    other => Panel::of_station(&other, &play.scenario),
                };
                run.write(Run(UiCommand::Open(panel)));
            }
        }
    }
}

/// The station under a point of the bench.
fn station_at(play: &Play, world: Vec2) -> Option<StationKind> {
    let layout = crate::bench::layout::bench_layout(play.scenario.lab.analyzers.len());
    layout.into_iter().find(|p| p.rect.contains(world)).map(|p| p.kind)
}
