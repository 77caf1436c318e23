//! Buttons. Every button runs a [`UiCommand`]; the mouse presses it, the
//! keyboard focuses it with the arrow keys and presses it with Enter, or
//! with its own key where it has one ([`key_name`]).

use bevy::input::keyboard::KeyboardInput;
use bevy::prelude::*;

use crate::ui::command::{Run, UiCommand};
use crate::ui::theme::{UiFonts, palette};

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<Focus>()
        .init_resource::<TextEntry>()
        .init_resource::<UiScaleSetting>()
        .init_resource::<KeyGuard>();
    app.add_systems(Update, (press_buttons, keyboard_buttons, paint_buttons, ui_scale_keys).chain());
}

/// A button and what it runs.
#[derive(Component, Debug, Clone)]
pub struct Btn {
    pub command: UiCommand,
    pub enabled: bool,
}

/// The mouse over a button drawn into an image ([`crate::ui::cached`]):
/// Bevy's [`Interaction`] follows only interfaces drawn to the window, so
/// the cache follows the mouse into this, which the buttons read instead.
#[derive(Component, Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pointed(pub Interaction);

/// What the mouse is doing over a button, wherever it is drawn.
fn pointer_state(interaction: &Interaction, pointed: Option<&Pointed>) -> Interaction {
    pointed.map_or(*interaction, |p| p.0)
}

/// Position of a button in the keyboard's focus order, starting at 0.
/// Buttons 0–18 also answer to a key of their own ([`key_name`]).
#[derive(Component, Debug, Clone, Copy, PartialEq, Eq)]
pub struct Focusable(pub usize);

/// The focused button's position.
#[derive(Resource, Debug, Default, Clone, Copy)]
pub struct Focus(pub usize);

/// Keys do nothing on the buttons until this much real time has run (in
/// seconds since the app started): a screen that just opened (the debrief)
/// is not answered by a key meant for the one before.
#[derive(Resource, Debug, Default, Clone, Copy)]
pub struct KeyGuard(pub f64);

/// A text field has the keyboard: digits and letters type instead of acting.
#[derive(Resource, Debug, Default, Clone, Copy)]
pub struct TextEntry(pub bool);

/// UI scale for projectors: 1× to 2×.
#[derive(Resource, Debug, Clone, Copy)]
pub struct UiScaleSetting(pub f32);

impl Default for UiScaleSetting {
    fn default() -> Self {
        UiScaleSetting(1.0)
    }
}

pub const MIN_SCALE: f32 = 1.0;
pub const MAX_SCALE: f32 = 2.0;

/// A button: a label on a plate, numbered when it has a focus position under 9.
pub fn button(
    label: &str,
    command: UiCommand,
    order: Option<usize>,
    fonts: &UiFonts,
    size: f32,
) -> impl Bundle {
    button_state(label, command, order, fonts, size, true)
}

/// A button, greyed and inert unless `enabled`: it keeps its place and key.
pub fn button_state(
    label: &str,
    command: UiCommand,
    order: Option<usize>,
    fonts: &UiFonts,
    size: f32,
    enabled: bool,
) -> impl Bundle {
    let text = match order.and_then(key_name) {
        Some(key) => format!("{key}  {label}"),
        None => label.to_owned(),
    };
    (
        Button,
        Btn { command, enabled },
        FocusOrder(order),
        Node {
            padding: UiRect::axes(px(11), px(5)),
            border_radius: BorderRadius::all(px(4)),
            align_items: AlignItems::Center,
            flex_shrink: 0.0,
            ..default()
        },
        BackgroundColor(palette::BUTTON),
        // The focus ring. A transparent outline is not drawn at all, where a
        // border would be drawn as a second layer over the whole button.
        Outline::new(px(2), px(0), Color::NONE),
        children![(
            Text::new(text),
            fonts.regular(size),
            TextColor(if enabled { palette::PLATE_TEXT } else { palette::MUTED }),
            TextLayout::new(Justify::Left, LineBreak::NoWrap)
        )],
    )
}

/// Becomes a [`Focusable`] when the button is spawned with a position.
#[derive(Component, Debug, Clone, Copy)]
#[component(on_add = add_focusable)]
pub struct FocusOrder(pub Option<usize>);

fn add_focusable(mut world: bevy::ecs::world::DeferredWorld, ctx: bevy::ecs::lifecycle::HookContext) {
    let order = world.get::<FocusOrder>(ctx.entity).and_then(|o| o.0);
    if let Some(i) = order {
        world.commands().entity(ctx.entity).insert(Focusable(i));
    }
}

fn press_buttons(
    buttons: Query<
        (&Interaction, Option<&Pointed>, &Btn, Option<&Focusable>),
        Or<(Changed<Interaction>, Changed<Pointed>)>,
    >,
    mut run: MessageWriter<Run>,
    mut focus: ResMut<Focus>,
) {
    for (interaction, pointed, btn, order) in &buttons {
        if pointer_state(interaction, pointed) == Interaction::Pressed && btn.enabled {
            if let Some(order) = order {
                focus.0 = order.0;
            }
            run.write(Run(btn.command.clone()));
        }
    }
}

fn keyboard_buttons(
    keys: Res<ButtonInput<KeyCode>>,
    entry: Res<TextEntry>,
    buttons: Query<(&Btn, &Focusable)>,
    mut focus: ResMut<Focus>,
    mut run: MessageWriter<Run>,
    guard: Res<KeyGuard>,
    time: Res<Time<Real>>,
) {
    if time.elapsed_secs_f64() < guard.0 {
        return;
    }
    let mut order: Vec<(usize, &Btn)> = buttons.iter().map(|(b, f)| (f.0, b)).collect();
    if order.is_empty() {
        return;
    }
    order.sort_by_key(|(i, _)| *i);
    let max = order.last().map_or(0, |(i, _)| *i);
    focus.0 = focus.0.min(max);
    let shift = keys.pressed(KeyCode::ShiftLeft) || keys.pressed(KeyCode::ShiftRight);
    let back = keys.just_pressed(KeyCode::ArrowUp) || (keys.just_pressed(KeyCode::Tab) && shift);
    let forward = keys.just_pressed(KeyCode::ArrowDown) || (keys.just_pressed(KeyCode::Tab) && !shift);
    let position = order.iter().position(|(i, _)| *i == focus.0).unwrap_or(0);
    if back {
        focus.0 = order[(position + order.len() - 1) % order.len()].0;
    } else if forward {
        focus.0 = order[(position + 1) % order.len()].0;
    }
    if keys.just_pressed(KeyCode::Enter) || keys.just_pressed(KeyCode::NumpadEnter) {
        if let Some((_, btn)) = order.iter().find(|(i, _)| *i == focus.0)
            && btn.enabled
        {
            run.write(Run(btn.command.clone()));
        }
        return;
    }
    if entry.0 {
        return;
    }
    for (d, key) in DIGITS.iter().enumerate() {
        if keys.just_pressed(*key)
            && let Some(n) = key_position(d, shift)
            && let Some((_, btn)) = order.iter().find(|(i, _)| *i == n)
            && btn.enabled
        {
            focus.0 = n;
            run.write(Run(btn.command.clone()));
        }
    }
}

/// The digit keys, 1 to 9 then 0, as they lie on the keyboard.
pub const DIGITS: [KeyCode; 10] = [
    KeyCode::Digit1,
    KeyCode::Digit2,
    KeyCode::Digit3,
    KeyCode::Digit4,
    KeyCode::Digit5,
    KeyCode::Digit6,
    KeyCode::Digit7,
    KeyCode::Digit8,
    KeyCode::Digit9,
    KeyCode::Digit0,
];

/// The key of the button at focus position `i`: 1–9 and 0 for the first
/// ten, then ⇧1–⇧9 (Shift and a digit); none past the nineteenth.
pub fn key_name(i: usize) -> Option<String> {
    match i {
        0..=8 => Some((i + 1).to_string()),
        9 => Some("0".to_owned()),
        10..=18 => Some(format!("⇧{}", i - 9)),
        _ => None,
    }
}

/// The focus position the `d`-th digit key (of [`DIGITS`]) presses, with or
/// without Shift held: the inverse of [`key_name`].
pub fn key_position(d: usize, shift: bool) -> Option<usize> {
    match (d, shift) {
        (0..=9, false) => Some(d),
        (0..=8, true) => Some(d + 10),
        _ => None,
    }
}

/// The digit key and whether Shift goes with it, for the button at focus position `i`.
pub fn key_for(i: usize) -> Option<(KeyCode, bool)> {
    match i {
        0..=9 => Some((DIGITS[i], false)),
        10..=18 => Some((DIGITS[i - 10], true)),
        _ => None,
    }
}

fn paint_buttons(
    focus: Res<Focus>,
    mut buttons: Query<(
        &Interaction,
        Option<&Pointed>,
        &Btn,
        Option<&Focusable>,
        &mut BackgroundColor,
        &mut Outline,
    )>,
) {
    for (interaction, pointed, btn, order, mut bg, mut outline) in &mut buttons {
        let focused = order.is_some_and(|o| o.0 == focus.0);
        bg.set_if_neq(BackgroundColor(match (btn.enabled, pointer_state(interaction, pointed)) {
            (false, _) => palette::BUTTON_DISABLED,
            (true, Interaction::Pressed) => palette::BUTTON_PRESSED,
            (true, Interaction::Hovered) => palette::BUTTON_HOVER,
            (true, Interaction::None) => palette::BUTTON,
        }));
        let ring = if focused { palette::FOCUS } else { Color::NONE };
        if outline.color != ring {
            outline.color = ring;
        }
    }
}

/// F9 and F10 make the interface smaller and larger, for projectors.
fn ui_scale_keys(
    keys: Res<ButtonInput<KeyCode>>,
    mut setting: ResMut<UiScaleSetting>,
    scale: Option<ResMut<UiScale>>,
) {
    if keys.just_pressed(KeyCode::F10) {
        setting.0 = (setting.0 + 0.25).min(MAX_SCALE);
    }
    if keys.just_pressed(KeyCode::F9) {
        setting.0 = (setting.0 - 0.25).max(MIN_SCALE);
    }
    if let Some(mut scale) = scale
        && scale.0 != setting.0
    {
        scale.0 = setting.0;
    }
}

/// Typed characters for a text field (printable only), and whether Backspace was pressed.
pub fn typed(events: &mut MessageReader<KeyboardInput>) -> (String, bool) {
    use bevy::input::ButtonState;
    use bevy::input::keyboard::Key;
    let mut text = String::new();
    let mut backspace = false;
    for e in events.read() {
        if e.state != ButtonState::Pressed {
            continue;
        }
        match &e.logical_key {
            Key::Character(c) => text.extend(c.chars().filter(|c| !c.is_control())),
            Key::Space => text.push(' '),
            Key::Backspace => backspace = true,
            _ => {}
        }
    }
    (text, backspace)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_button_pressed_in_a_cached_card_runs_its_command_once() {
        let mut app = App::new();
        app.add_message::<Run>().init_resource::<Focus>();
        app.add_systems(Update, press_buttons);
        let button = app
            .world_mut()
            .spawn((
                Btn { command: UiCommand::ClosePanel, enabled: true },
                Interaction::None,
                Pointed(Interaction::Hovered),
                Focusable(3),
            ))
            .id();
        let runs = |app: &mut App| app.world_mut().resource_mut::<Messages<Run>>().drain().count();
        app.update();
        assert_eq!(runs(&mut app), 0, "hovering runs nothing");
        app.world_mut().entity_mut(button).insert(Pointed(Interaction::Pressed));
        app.update();
        assert_eq!(runs(&mut app), 1);
        assert_eq!(app.world().resource::<Focus>().0, 3, "the pressed button takes the focus");
        app.update();
        assert_eq!(runs(&mut app), 0, "held, it does not run again");
    }

    #[test]
    fn every_named_key_presses_the_button_it_names() {
        let mut named = 0;
        for i in 0..25 {
            let Some(name) = key_name(i) else { continue };
            named += 1;
            let (code, shift) = key_for(i).expect("a named key has a key code");
            let d = DIGITS.iter().position(|k| *k == code).expect("a digit key");
            assert_eq!(key_position(d, shift), Some(i), "{name}");
            assert_eq!(name.starts_with('⇧'), shift, "{name}");
        }
        assert_eq!(named, 19);
        assert_eq!(key_name(19), None);
        assert_eq!(key_position(9, true), None, "⇧0 is not a key");
    }
}
