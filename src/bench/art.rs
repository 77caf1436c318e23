//! How each station looks: simple shapes composed into instruments an
//! educator recognises at a glance. Everything is drawn relative to the
//! station's centre; `w` and `h` are the station's size.

use std::f32::consts::FRAC_PI_2;

use bevy::camera::visibility::RenderLayers;
use bevy::prelude::*;
use labshift_core::model::{Analyzer, Scenario};
use labshift_core::raw::{AnalyzerKind, TubeKind};

use crate::ui::theme::{UiFonts, palette};

/// A live line of text on an instrument, drawn over the cached art and kept
/// up to date with the shift.
#[derive(Component, Debug, Clone, PartialEq, Eq)]
pub enum Readout {
    /// The centrifuge's speed or time left.
    Centrifuge,
    /// An analyzer's QC status, by analyzer id.
    Analyzer(String),
}

/// White round shapes, drawn once on the CPU, that sprites tint: a circle or
/// a ring is a sprite like every rectangle, so the bench needs no mesh
/// pipeline. On a software renderer each pipeline and its shaders cost
/// start-up time.
#[derive(Debug, Default)]
pub struct Shapes {
    disc: Option<Handle<Image>>,
    /// Rings by their inner radius, in 64ths of the outer one.
    rings: std::collections::BTreeMap<u8, Handle<Image>>,
}

/// The side of a shape's image, in pixels: the bench's largest circle is 108 px across.
const SHAPE_SIZE: u32 = 128;

impl Shapes {
    pub(super) fn disc(&mut self, images: &mut Assets<Image>) -> Handle<Image> {
        self.disc.get_or_insert_with(|| images.add(round_image(0.0))).clone()
    }

    fn ring(&mut self, inner: f32, images: &mut Assets<Image>) -> Handle<Image> {
        let key = (inner.clamp(0.0, 1.0) * 64.0).round() as u8;
        self.rings.entry(key).or_insert_with(|| images.add(round_image(f32::from(key) / 64.0))).clone()
    }
}

/// A white disc filling its image, with a hole of `inner` times its radius,
/// its edges covered by fractions of a pixel.
fn round_image(inner: f32) -> Image {
    use bevy::asset::RenderAssetUsages;
    use bevy::render::render_resource::{Extent3d, TextureDimension, TextureFormat};
    let r = SHAPE_SIZE as f32 / 2.0;
    let hole = r * inner;
    let mut data = Vec::with_capacity((SHAPE_SIZE * SHAPE_SIZE * 4) as usize);
    for y in 0..SHAPE_SIZE {
        for x in 0..SHAPE_SIZE {
            let d = Vec2::new(x as f32 + 0.5 - r, y as f32 + 0.5 - r).length();
            let mut cover = (r - d).clamp(0.0, 1.0);
            if hole > 0.0 {
                cover *= (d - hole + 0.5).clamp(0.0, 1.0);
            }
            data.extend_from_slice(&[255, 255, 255, (cover * 255.0).round() as u8]);
        }
    }
    let size = Extent3d { width: SHAPE_SIZE, height: SHAPE_SIZE, depth_or_array_layers: 1 };
    // The renderer keeps the pixels; the app needs no copy of its own.
    Image::new(
        size,
        TextureDimension::D2,
        data,
        TextureFormat::Rgba8UnormSrgb,
        RenderAssetUsages::RENDER_WORLD,
    )
}

/// Draws shapes and text as children of one station entity.
pub struct Painter<'a, 'w> {
    pub parent: &'a mut ChildSpawnerCommands<'w>,
    pub images: &'a mut Assets<Image>,
    pub shapes: &'a mut Shapes,
    pub fonts: &'a UiFonts,
    /// The layers every shape is drawn on: the cached art's, or the main camera's.
    pub layer: RenderLayers,
}

impl Painter<'_, '_> {
    pub fn rect(&mut self, center: Vec2, size: Vec2, z: f32, color: Color) {
        self.parent.spawn((
            self.layer.clone(),
            Sprite::from_color(color, size),
            Transform::from_translation(center.extend(z)),
        ));
    }

    /// A rectangle turned by `angle` radians.
    pub fn rect_turned(&mut self, center: Vec2, size: Vec2, z: f32, angle: f32, color: Color) {
        self.parent.spawn((
            self.layer.clone(),
            Sprite::from_color(color, size),
            Transform::from_translation(center.extend(z)).with_rotation(Quat::from_rotation_z(angle)),
        ));
    }

    pub fn circle(&mut self, center: Vec2, radius: f32, z: f32, color: Color) {
        let image = self.shapes.disc(self.images);
        self.round(image, center, radius, z, color);
    }

    pub fn ring(&mut self, center: Vec2, radius: f32, thickness: f32, z: f32, color: Color) {
        let image = self.shapes.ring((radius - thickness) / radius, self.images);
        self.round(image, center, radius, z, color);
    }

    /// A rectangle `length` long with round ends of `radius`, upright before
    /// it is turned by `angle` radians (as Bevy's `Capsule2d`). Opaque colours
    /// only: its three parts overlap.
    pub fn capsule(&mut self, center: Vec2, radius: f32, length: f32, z: f32, angle: f32, color: Color) {
        self.rect_turned(center, Vec2::new(2.0 * radius, length), z, angle, color);
        let end = Vec2::from_angle(angle).rotate(Vec2::new(0.0, length / 2.0));
        self.circle(center + end, radius, z, color);
        self.circle(center - end, radius, z, color);
    }

    /// A round shape's image, tinted, `radius` in size, centred on `center`.
    fn round(&mut self, image: Handle<Image>, center: Vec2, radius: f32, z: f32, color: Color) {
        self.parent.spawn((
            self.layer.clone(),
            Sprite { image, color, custom_size: Some(Vec2::splat(2.0 * radius)), ..default() },
            Transform::from_translation(center.extend(z)),
        ));
    }

    pub fn text(&mut self, text: impl Into<String>, center: Vec2, z: f32, font: TextFont, color: Color) {
        self.parent.spawn((
            self.layer.clone(),
            Text2d::new(text),
            font,
            TextColor(color),
            Transform::from_translation(center.extend(z)),
        ));
    }

    /// Text whose left edge is at `left`.
    pub fn text_left(&mut self, text: impl Into<String>, left: Vec2, z: f32, font: TextFont, color: Color) {
        self.parent.spawn((
            self.layer.clone(),
            Text2d::new(text),
            font,
            TextColor(color),
            bevy::sprite::Anchor::CENTER_LEFT,
            Transform::from_translation(left.extend(z)),
        ));
    }

    /// The dark name plate every station carries above it.
    pub fn plate(&mut self, name: &str, w: f32, h: f32) {
        let width = (name.chars().count() as f32 * 7.6 + 18.0).min(w + 40.0);
        let y = h / 2.0 + 13.0;
        self.rect(Vec2::new(0.0, y), Vec2::new(width, 20.0), 8.0, palette::PLATE);
        let font = self.fonts.bold(12.0);
        self.text(name, Vec2::new(0.0, y), 9.0, font, palette::PLATE_TEXT);
    }

    /// A drop shadow and a body with a darker base: the shape of most instruments.
    pub fn body(&mut self, size: Vec2, color: Color) {
        self.rect(Vec2::new(4.0, -4.0), size, 0.0, Color::srgba(0.0, 0.0, 0.0, 0.25));
        self.rect(Vec2::ZERO, size, 0.1, color);
        self.rect(Vec2::new(0.0, -size.y / 2.0 + 5.0), Vec2::new(size.x, 10.0), 0.2, palette::BODY_SHADE);
    }
}

pub fn centrifuge(p: &mut Painter, w: f32, h: f32, slots: u8) {
    p.body(Vec2::new(w, h), palette::BODY);
    let center = Vec2::new(0.0, 12.0);
    // Lid window looking down on the rotor.
    p.circle(center, 54.0, 1.0, palette::TRIM);
    p.circle(center, 49.0, 1.1, Color::srgb(0.20, 0.26, 0.31));
    p.ring(center, 40.0, 8.0, 1.2, Color::srgb(0.55, 0.60, 0.64));
    let n = slots.max(2);
    for i in 0..n {
        let a = i as f32 / n as f32 * std::f32::consts::TAU;
        p.circle(center + Vec2::from_angle(a) * 36.0, 4.0, 1.3, Color::srgb(0.10, 0.12, 0.14));
    }
    p.circle(center, 9.0, 1.4, Color::srgb(0.70, 0.74, 0.77));
    // Control panel: speed readout and lid-lock light.
    p.rect(Vec2::new(-18.0, -h / 2.0 + 22.0), Vec2::new(78.0, 20.0), 1.0, palette::SCREEN);
    p.parent.spawn((
        Readout::Centrifuge,
        Text2d::new(""),
        p.fonts.bold(11.0),
        TextColor(palette::SCREEN_TEXT),
        Transform::from_xyz(-18.0, -h / 2.0 + 22.0, 1.1),
    ));
    p.circle(Vec2::new(48.0, -h / 2.0 + 22.0), 6.0, 1.0, palette::OK);
    p.plate("Centrifuge", w, h);
}

fn kind_name(kind: AnalyzerKind) -> &'static str {
    match kind {
        AnalyzerKind::Chemistry => "Chemistry",
        AnalyzerKind::Hematology => "Hematology",
        AnalyzerKind::Coagulation => "Coagulation",
        AnalyzerKind::Urinalysis => "Urinalysis",
        AnalyzerKind::Immunoassay => "Immunoassay",
        AnalyzerKind::BloodGas => "Blood gas",
    }
}

pub fn analyzer(p: &mut Painter, w: f32, h: f32, a: &Analyzer) {
    p.body(Vec2::new(w, h), palette::BODY);
    // Top band with the brand stripe.
    p.rect(Vec2::new(0.0, h / 2.0 - 8.0), Vec2::new(w, 16.0), 0.3, palette::TRIM);
    // Touch screen with the analyzer's state.
    let screen_w = w * 0.58;
    let screen = Vec2::new(-w / 2.0 + 10.0 + screen_w / 2.0, h / 2.0 - 58.0);
    p.rect(screen, Vec2::new(screen_w + 6.0, 70.0), 0.4, palette::INK);
    p.rect(screen, Vec2::new(screen_w, 64.0), 0.5, palette::SCREEN);
    let left = screen.x - screen_w / 2.0 + 6.0;
    let (bold, small) = (p.fonts.bold(12.0), p.fonts.regular(10.0));
    p.text_left(a.id.clone(), Vec2::new(left, screen.y + 20.0), 0.6, bold, palette::SCREEN_TEXT);
    // The status line is live (see `sync_instruments`), drawn over the cached art.
    p.parent.spawn((
        Readout::Analyzer(a.id.clone()),
        Text2d::new(""),
        small.clone(),
        TextColor(palette::WARN),
        bevy::sprite::Anchor::CENTER_LEFT,
        Transform::from_xyz(left, screen.y + 4.0, 0.6),
    ));
    let menu = a.menu.join(" ");
    let menu = if menu.chars().count() > 22 {
        format!("{}…", menu.chars().take(21).collect::<String>())
    } else {
        menu
    };
    p.text_left(menu, Vec2::new(left, screen.y - 14.0), 0.6, small, palette::SCREEN_TEXT);
    // Reagent compartment: a bottle per reagent lot, height by what is left.
    let door = Vec2::new(w / 2.0 - (w * 0.3) / 2.0 - 8.0, h / 2.0 - 58.0);
    p.rect(door, Vec2::new(w * 0.3, 70.0), 0.4, palette::BODY_SHADE);
    let bottles = a.reagents.len().clamp(1, 6);
    let pitch = (w * 0.3 - 8.0) / bottles as f32;
    for i in 0..bottles {
        let x = door.x - w * 0.15 + 4.0 + pitch * (i as f32 + 0.5);
        let fill = a.reagents.get(i).map_or(0.5, |r| (r.remaining as f32 / 400.0).clamp(0.15, 1.0));
        p.rect(Vec2::new(x, door.y - 4.0), Vec2::new(pitch - 4.0, 52.0), 0.5, Color::srgb(0.92, 0.96, 0.98));
        p.rect(
            Vec2::new(x, door.y - 30.0 + 26.0 * fill),
            Vec2::new(pitch - 4.0, 52.0 * fill),
            0.6,
            Color::srgb(0.55, 0.78, 0.90),
        );
    }
    // Sample rack at the front with ten positions.
    let rack_y = -h / 2.0 + 42.0;
    p.rect(Vec2::new(0.0, rack_y), Vec2::new(w - 20.0, 22.0), 0.4, palette::TRIM);
    for i in 0..10 {
        let x = -w / 2.0 + 20.0 + (w - 40.0) * i as f32 / 9.0;
        p.circle(Vec2::new(x, rack_y), 4.5, 0.5, palette::INK);
    }
    // Status light and kind.
    p.circle(Vec2::new(w / 2.0 - 14.0, -h / 2.0 + 18.0), 6.0, 0.5, palette::WARN);
    let font = p.fonts.regular(11.0);
    p.text_left(kind_name(a.kind), Vec2::new(-w / 2.0 + 10.0, -h / 2.0 + 18.0), 0.5, font, palette::INK_SOFT);
    p.plate(&a.name, w, h);
}

pub fn qc_fridge(p: &mut Painter, w: f32, h: f32, scenario: &Scenario) {
    p.body(Vec2::new(w, h), palette::BODY);
    let door = Vec2::new(-6.0, -6.0);
    let door_size = Vec2::new(w - 32.0, h - 40.0);
    p.rect(door, door_size, 0.3, Color::srgb(0.70, 0.84, 0.92));
    // Three shelves of control vials, coloured by level.
    let levels =
        [Color::srgb(0.25, 0.47, 0.85), Color::srgb(0.93, 0.55, 0.16), Color::srgb(0.58, 0.35, 0.75)];
    let controls: Vec<u8> =
        scenario.lab.analyzers.iter().flat_map(|a| a.controls.iter().map(|c| c.level)).collect();
    for shelf in 0..3 {
        let y = door.y + door_size.y / 2.0 - 30.0 - shelf as f32 * 62.0;
        p.rect(Vec2::new(door.x, y - 18.0), Vec2::new(door_size.x - 8.0, 3.0), 0.4, palette::COUNTER_EDGE);
        for i in 0..7 {
            let Some(level) = controls.get(shelf * 7 + i) else { break };
            let x = door.x - door_size.x / 2.0 + 12.0 + i as f32 * 13.5;
            p.rect(Vec2::new(x, y - 6.0), Vec2::new(8.0, 20.0), 0.5, Color::WHITE);
            p.rect(
                Vec2::new(x, y + 6.0),
                Vec2::new(9.0, 6.0),
                0.6,
                levels[usize::from(level.saturating_sub(1)) % 3],
            );
        }
    }
    p.rect(Vec2::new(w / 2.0 - 10.0, 10.0), Vec2::new(6.0, 70.0), 0.5, palette::TRIM);
    p.rect(Vec2::new(-6.0, h / 2.0 - 12.0), Vec2::new(60.0, 16.0), 0.5, palette::SCREEN);
    let font = p.fonts.bold(10.0);
    p.text("4.0 °C", Vec2::new(-6.0, h / 2.0 - 12.0), 0.6, font, palette::SCREEN_TEXT);
    p.plate("QC fridge", w, h);
}

pub fn reception(p: &mut Painter, w: f32, h: f32) {
    // Pneumatic-tube terminal where specimens arrive.
    p.rect(Vec2::new(-w / 2.0 + 24.0, 10.0), Vec2::new(30.0, h - 20.0), 0.1, palette::TRIM);
    p.rect(Vec2::new(-w / 2.0 + 24.0, 40.0), Vec2::new(38.0, 50.0), 0.2, palette::BODY_SHADE);
    p.capsule(Vec2::new(-w / 2.0 + 24.0, 40.0), 9.0, 22.0, 0.3, 0.0, Color::srgb(0.30, 0.60, 0.85));
    let font = p.fonts.bold(9.0);
    p.text("TUBE", Vec2::new(-w / 2.0 + 24.0, 8.0), 0.3, font, palette::PLATE_TEXT);
    // Requisitions waiting beside the tray.
    for (i, angle) in [-0.08f32, 0.05, -0.02].iter().enumerate() {
        let c = Vec2::new(w / 2.0 - 40.0 + i as f32 * 3.0, h / 2.0 - 45.0 - i as f32 * 4.0);
        p.rect_turned(c, Vec2::new(56.0, 72.0), 0.2 + i as f32 * 0.01, *angle, Color::WHITE);
    }
    for line in 0..5 {
        let y = h / 2.0 - 22.0 - line as f32 * 11.0;
        p.rect(Vec2::new(w / 2.0 - 34.0, y - 8.0), Vec2::new(40.0, 2.0), 0.25, palette::INK_SOFT);
    }
    // The rack tray the tubes stand in.
    p.rect(Vec2::new(22.0, -h / 2.0 + 22.0), Vec2::new(w - 58.0, 30.0), 0.1, palette::TRIM);
    p.rect(Vec2::new(22.0, -h / 2.0 + 34.0), Vec2::new(w - 58.0, 6.0), 0.2, Color::srgb(0.25, 0.30, 0.36));
    p.plate("Reception", w, h);
}

pub fn labeling(p: &mut Painter, w: f32, h: f32) {
    // Label printer with a label coming out.
    let printer = Vec2::new(0.0, -h / 2.0 + 40.0);
    p.rect(printer, Vec2::new(w - 20.0, 60.0), 0.1, palette::BODY);
    p.rect(printer + Vec2::new(0.0, 20.0), Vec2::new(w - 40.0, 6.0), 0.2, palette::INK);
    p.rect(printer + Vec2::new(0.0, 44.0), Vec2::new(70.0, 40.0), 0.3, Color::WHITE);
    for i in 0..16 {
        let x = printer.x - 30.0 + i as f32 * 4.0;
        let width = if i % 3 == 0 { 2.5 } else { 1.2 };
        p.rect(Vec2::new(x, printer.y + 40.0), Vec2::new(width, 20.0), 0.4, palette::INK);
    }
    // Barcode scanner on its stand.
    p.rect_turned(Vec2::new(-20.0, h / 2.0 - 30.0), Vec2::new(60.0, 18.0), 0.5, -0.35, palette::INK);
    p.rect_turned(Vec2::new(-2.0, h / 2.0 - 52.0), Vec2::new(14.0, 36.0), 0.4, 0.25, palette::INK);
    p.rect(Vec2::new(-47.0, h / 2.0 - 20.0), Vec2::new(4.0, 14.0), 0.6, palette::DANGER);
    p.plate("Label & barcode", w, h);
}

pub fn lis(p: &mut Painter, w: f32, h: f32, scenario: &Scenario) {
    let monitor = Vec2::new(-22.0, 18.0);
    p.rect(monitor + Vec2::new(0.0, -56.0), Vec2::new(14.0, 30.0), 0.1, palette::TRIM);
    p.rect(monitor, Vec2::new(140.0, 92.0), 0.2, palette::INK);
    p.rect(monitor, Vec2::new(132.0, 84.0), 0.3, palette::SCREEN);
    let (bold, small) = (p.fonts.bold(11.0), p.fonts.regular(9.0));
    p.text_left("LIS · Worklist", monitor + Vec2::new(-60.0, 30.0), 0.4, bold, palette::SCREEN_TEXT);
    // The worklist: the first orders of the shift, STATs flagged.
    let mut orders: Vec<_> = scenario.specimens.iter().collect();
    orders.sort_by_key(|s| (s.priority != labshift_core::raw::Priority::Stat, s.arrives));
    for (i, s) in orders.iter().take(4).enumerate() {
        let tests = s.tests.join(" ");
        let tests: String = tests.chars().take(11).collect();
        let flag = if s.priority == labshift_core::raw::Priority::Stat { "STAT" } else { "" };
        let row = format!("{:<4} {tests:<11} {flag}", s.id);
        let y = monitor.y + 12.0 - i as f32 * 13.0;
        p.text_left(row, Vec2::new(monitor.x - 60.0, y), 0.4, small.clone(), palette::SCREEN_TEXT);
    }
    // Keyboard.
    p.rect(Vec2::new(-20.0, -h / 2.0 + 18.0), Vec2::new(120.0, 18.0), 0.2, palette::BODY_SHADE);
    for i in 0..10 {
        p.rect(Vec2::new(-70.0 + i as f32 * 11.0, -h / 2.0 + 18.0), Vec2::new(8.0, 8.0), 0.3, palette::BODY);
    }
    // Desk phone.
    let phone = Vec2::new(w / 2.0 - 26.0, -h / 2.0 + 26.0);
    p.rect(phone, Vec2::new(42.0, 30.0), 0.2, palette::INK);
    p.capsule(phone + Vec2::new(0.0, 20.0), 6.0, 30.0, 0.3, FRAC_PI_2, Color::srgb(0.22, 0.25, 0.28));
    for i in 0..3 {
        p.rect(
            phone + Vec2::new(-10.0 + i as f32 * 10.0, -4.0),
            Vec2::new(6.0, 5.0),
            0.3,
            palette::BODY_SHADE,
        );
    }
    p.plate("LIS & phone", w, h);
}

/// Where the coat hangs on the PPE station, from its centre.
pub const COAT_AT: Vec2 = Vec2::new(-30.0, -30.0);

/// Where the `i`-th face shield hangs on a PPE station `w` wide.
pub fn shield_at(w: f32, i: usize) -> Vec2 {
    Vec2::new(w / 2.0 - 34.0, -10.0 - i as f32 * 52.0)
}

/// A face shield on its hook, centred on `at`.
pub fn face_shield(p: &mut Painter, at: Vec2) {
    p.rect(at + Vec2::new(0.0, 18.0), Vec2::new(46.0, 6.0), 0.2, palette::TRIM);
    p.rect(at, Vec2::new(42.0, 34.0), 0.3, Color::srgba(0.75, 0.90, 1.0, 0.6));
}

pub fn ppe(p: &mut Painter, w: f32, h: f32) {
    // Wall rack of glove boxes.
    for (i, size) in ["S", "M", "L"].iter().enumerate() {
        let c = Vec2::new(-w / 2.0 + 26.0 + i as f32 * 36.0, h / 2.0 - 26.0);
        p.rect(c, Vec2::new(32.0, 40.0), 0.2, palette::GLOVE);
        p.rect(c + Vec2::new(0.0, 8.0), Vec2::new(18.0, 8.0), 0.3, Color::WHITE);
        let font = p.fonts.bold(10.0);
        p.text(*size, c + Vec2::new(0.0, -8.0), 0.3, font, Color::WHITE);
    }
    // The lab coat's hook (the coat itself is drawn live: it leaves the hook while worn).
    p.circle(COAT_AT + Vec2::new(0.0, 52.0), 4.0, 0.2, palette::TRIM);
    // The spare face shield; the one a trainee takes is drawn live above it.
    face_shield(p, shield_at(w, 1));
    p.plate("PPE", w, h);
}

pub fn sink(p: &mut Painter, w: f32, h: f32) {
    p.rect(Vec2::new(0.0, h / 2.0 - 28.0), Vec2::new(w - 10.0, 36.0), 0.1, Color::WHITE);
    let font = p.fonts.bold(10.0);
    p.text("WASH HANDS", Vec2::new(0.0, h / 2.0 - 22.0), 0.2, font, palette::OK);
    let small = p.fonts.regular(8.0);
    p.text("after removing gloves", Vec2::new(0.0, h / 2.0 - 36.0), 0.2, small, palette::INK_SOFT);
    // Faucet and basin.
    p.rect(Vec2::new(0.0, 2.0), Vec2::new(8.0, 34.0), 0.2, palette::COUNTER_EDGE);
    p.rect(Vec2::new(10.0, 17.0), Vec2::new(26.0, 7.0), 0.2, palette::COUNTER_EDGE);
    p.rect(Vec2::new(0.0, -h / 2.0 + 30.0), Vec2::new(w - 10.0, 44.0), 0.1, Color::srgb(0.72, 0.76, 0.79));
    p.rect(Vec2::new(0.0, -h / 2.0 + 32.0), Vec2::new(w - 26.0, 32.0), 0.2, Color::srgb(0.58, 0.63, 0.67));
    // Soap dispenser.
    p.rect(Vec2::new(-w / 2.0 + 16.0, 0.0), Vec2::new(16.0, 30.0), 0.2, Color::srgb(0.55, 0.80, 0.60));
    p.plate("Sink", w, h);
}

pub fn sharps(p: &mut Painter, w: f32, h: f32) {
    p.body(Vec2::new(w, h), palette::SHARPS);
    p.rect(Vec2::new(0.0, h / 2.0 - 8.0), Vec2::new(w + 6.0, 16.0), 0.3, palette::DANGER);
    p.rect(Vec2::new(0.0, h / 2.0 - 8.0), Vec2::new(w * 0.4, 5.0), 0.4, palette::INK);
    // Fill line: never above three quarters.
    let line = -h / 2.0 + (h - 16.0) * 0.75;
    p.rect(Vec2::new(0.0, line), Vec2::new(w, 2.0), 0.4, palette::DANGER);
    let font = p.fonts.bold(11.0);
    p.text("SHARPS", Vec2::new(0.0, 4.0), 0.5, font, palette::INK);
    p.plate("Sharps", w, h);
}

pub fn biohazard(p: &mut Painter, w: f32, h: f32) {
    p.body(Vec2::new(w, h - 10.0), palette::DANGER);
    p.rect(Vec2::new(0.0, h / 2.0 - 6.0), Vec2::new(w + 8.0, 12.0), 0.3, Color::srgb(0.62, 0.10, 0.10));
    p.circle(Vec2::new(0.0, 6.0), 22.0, 0.3, Color::srgb(0.97, 0.83, 0.25));
    p.ring(Vec2::new(0.0, 6.0), 14.0, 4.0, 0.4, palette::INK);
    p.circle(Vec2::new(0.0, 6.0), 4.0, 0.4, palette::INK);
    let font = p.fonts.bold(10.0);
    p.text("BIOHAZARD", Vec2::new(0.0, -30.0), 0.5, font, Color::WHITE);
    p.plate("Biohazard", w, h);
}

/// A specimen tube: cap colour and printed additive, as on a real tube.
pub fn tube(p: &mut Painter, tube: TubeKind, id: &str, fill_pct: u8, stat: bool) {
    let [r, g, b] = tube.cap_rgb();
    let cap = Color::srgb_u8(r, g, b);
    let body = Vec2::new(18.0, 74.0);
    p.rect(Vec2::ZERO, body, 0.0, palette::GLASS);
    let blood = body.y * 0.85 * f32::from(fill_pct.min(100)) / 100.0;
    if tube != TubeKind::UrineCup {
        p.rect(
            Vec2::new(0.0, -body.y / 2.0 + blood / 2.0 + 2.0),
            Vec2::new(14.0, blood),
            0.1,
            palette::BLOOD,
        );
    } else {
        p.rect(
            Vec2::new(0.0, -body.y / 2.0 + blood / 2.0 + 2.0),
            Vec2::new(14.0, blood),
            0.1,
            Color::srgb(0.95, 0.85, 0.30),
        );
    }
    p.rect(Vec2::new(0.0, body.y / 2.0 + 6.0), Vec2::new(24.0, 16.0), 0.2, cap);
    p.rect(Vec2::new(0.0, body.y / 2.0 - 1.0), Vec2::new(24.0, 3.0), 0.3, Color::srgba(0.0, 0.0, 0.0, 0.3));
    // The label, printed with the additive along the tube.
    p.rect(Vec2::new(0.0, -2.0), Vec2::new(15.0, 50.0), 0.3, Color::WHITE);
    let font = p.fonts.bold(9.0);
    p.parent.spawn((
        p.layer.clone(),
        Text2d::new(tube.additive_short()),
        font,
        TextColor(palette::INK),
        Transform::from_xyz(0.0, -2.0, 0.4).with_rotation(Quat::from_rotation_z(FRAC_PI_2)),
    ));
    let font = p.fonts.bold(11.0);
    p.text(id, Vec2::new(0.0, body.y / 2.0 + 24.0), 0.4, font, palette::PLATE_TEXT);
    if stat {
        p.rect(Vec2::new(0.0, body.y / 2.0 + 40.0), Vec2::new(34.0, 14.0), 0.4, palette::DANGER);
        let font = p.fonts.bold(9.0);
        p.text("STAT", Vec2::new(0.0, body.y / 2.0 + 40.0), 0.5, font, Color::WHITE);
    }
}
