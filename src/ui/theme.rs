//! Palette and fonts. The fonts are embedded, so the app needs no asset
//! loading before its first frame and runs the same on every platform.

use bevy::prelude::*;

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<UiFonts>();
    // Interface text is drawn unhinted, as world text (Text2d) already is.
    // Hinting runs each font's TrueType program for every size and glyph (in
    // the start-up trace the title screen's first text layout fell from about
    // 12 to 8 ms without it), and Bevy keeps a glyph atlas, a 1 MiB texture,
    // per font, size and hinting: the interface and the bench now share theirs.
    app.add_observer(|add: On<Add, Text>, mut commands: Commands| {
        commands.entity(add.entity).insert(bevy::text::FontHinting::Disabled);
    });
}

/// Colours of the bench, chosen to read well on a projector.
pub mod palette {
    use bevy::prelude::Color;

    pub const WALL: Color = Color::srgb(0.145, 0.200, 0.259);
    pub const WALL_TILE: Color = Color::srgb(0.165, 0.224, 0.286);
    pub const COUNTER: Color = Color::srgb(0.78, 0.81, 0.84);
    pub const COUNTER_EDGE: Color = Color::srgb(0.55, 0.59, 0.63);
    pub const BODY: Color = Color::srgb(0.95, 0.95, 0.93);
    pub const BODY_SHADE: Color = Color::srgb(0.83, 0.85, 0.86);
    pub const TRIM: Color = Color::srgb(0.36, 0.42, 0.49);
    pub const SCREEN: Color = Color::srgb(0.06, 0.27, 0.31);
    pub const SCREEN_TEXT: Color = Color::srgb(0.62, 0.95, 0.90);
    pub const INK: Color = Color::srgb(0.12, 0.16, 0.20);
    pub const INK_SOFT: Color = Color::srgb(0.33, 0.38, 0.44);
    pub const PLATE: Color = Color::srgb(0.16, 0.23, 0.30);
    pub const PLATE_TEXT: Color = Color::srgb(0.93, 0.95, 0.97);
    pub const OK: Color = Color::srgb(0.20, 0.72, 0.38);
    pub const WARN: Color = Color::srgb(0.96, 0.70, 0.16);
    pub const DANGER: Color = Color::srgb(0.80, 0.16, 0.16);
    pub const SHARPS: Color = Color::srgb(0.97, 0.80, 0.15);
    pub const BLOOD: Color = Color::srgb(0.45, 0.04, 0.07);
    pub const GLASS: Color = Color::srgba(0.86, 0.93, 0.97, 0.85);
    pub const GLOVE: Color = Color::srgb(0.38, 0.56, 0.90);
    pub const HEADER: Color = Color::srgb(0.08, 0.12, 0.16);
    pub const CARD: Color = Color::srgb(0.09, 0.13, 0.18);
    pub const BUTTON: Color = Color::srgb(0.19, 0.28, 0.37);
    pub const BUTTON_HOVER: Color = Color::srgb(0.25, 0.37, 0.48);
    pub const BUTTON_PRESSED: Color = Color::srgb(0.20, 0.55, 0.45);
    pub const BUTTON_DISABLED: Color = Color::srgb(0.16, 0.18, 0.21);
    pub const FOCUS: Color = Color::srgb(0.98, 0.83, 0.30);
    pub const MUTED: Color = Color::srgb(0.62, 0.68, 0.74);
    pub const LEVEL1: Color = Color::srgb(0.35, 0.70, 0.98);
    pub const LEVEL2: Color = Color::srgb(0.98, 0.60, 0.25);
    pub const LEVEL3: Color = Color::srgb(0.75, 0.55, 0.95);
}

/// The UI fonts: DejaVu Sans regular and bold.
#[derive(Resource, Debug, Clone)]
pub struct UiFonts {
    pub regular: Handle<Font>,
    pub bold: Handle<Font>,
}

impl FromWorld for UiFonts {
    fn from_world(world: &mut World) -> Self {
        let mut fonts = world.resource_mut::<Assets<Font>>();
        UiFonts {
            regular: fonts
                .add(Font::from_bytes(include_bytes!("../../assets/fonts/DejaVuSans.ttf").to_vec())),
            bold: fonts
                .add(Font::from_bytes(include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf").to_vec())),
        }
    }
}

/// The type scale, in pixels. Every size of text is one of these: each
/// (font, size) pair keeps its own glyph atlas of at least 512×512 texels,
/// held twice (the image and its texture), so each size costs memory.
pub const TYPE_SCALE: [f32; 8] = [9.0, 11.0, 13.0, 16.0, 18.0, 22.0, 28.0, 40.0];

/// The size on the type scale nearest to `px`.
pub fn on_scale(px: f32) -> f32 {
    TYPE_SCALE.into_iter().min_by(|a, b| (a - px).abs().total_cmp(&(b - px).abs())).unwrap_or(px)
}

impl UiFonts {
    pub fn regular(&self, px: f32) -> TextFont {
        TextFont { font: self.regular.clone().into(), font_size: FontSize::Px(on_scale(px)), ..default() }
    }

    pub fn bold(&self, px: f32) -> TextFont {
        TextFont { font: self.bold.clone().into(), font_size: FontSize::Px(on_scale(px)), ..default() }
    }
}
