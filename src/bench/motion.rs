//! What moves on the bench, drawn live over the cached art: the tubes in the
//! centrifuge's rotor and the rotor turning while it spins, the coat and a
//! face shield gone from their hooks while worn, the sharps container
//! filling, and the spill where it happened.

use bevy::camera::visibility::RenderLayers;
use bevy::prelude::*;
use labshift_core::raw::{Area, Ppe};

use super::art::Painter;
use super::layout::{BACK_COUNTER_Y, COUNTER_DEPTHS, FRONT_COUNTER_Y, StationKind, bench_layout};
use super::{SPILL_AT, SpillMark};
use crate::play::Play;
use crate::ui::theme::palette;

/// The rotor's turning part: its slots' tubes are its children.
#[derive(Component, Debug)]
pub struct Rotor;

/// A place in the rotor, numbered in the order tubes are loaded (each
/// tube opposite the one before it, as a balanced load is built).
#[derive(Component, Debug, Clone, Copy)]
pub struct RotorSlot(pub usize);

/// PPE on its hook: hidden while the trainee wears it.
#[derive(Component, Debug, Clone, Copy)]
pub struct OnHook(pub Ppe);

/// The sharps container's contents, `height` world units when full.
#[derive(Component, Debug, Clone, Copy)]
pub struct SharpsFill {
    pub height: f32,
}

/// Where the rotor's centre lies in the centrifuge, and the radius its slots stand on.
pub const ROTOR_CENTER: Vec2 = Vec2::new(0.0, 12.0);
const SLOT_RADIUS: f32 = 36.0;
/// The rotor's turns per second as drawn (slow enough to read as turning, not as a blur).
const TURNS_PER_SECOND: f32 = 0.6;

/// The main camera's layer: live shapes are not cached.
fn live() -> RenderLayers {
    RenderLayers::layer(0)
}

/// The angle of the `k`-th slot to fill in a rotor of `n`: the first slot,
/// its opposite, then the next slot and its opposite, and so on (a rotor
/// with an odd number of slots fills round in turn).
pub fn slot_angle(k: usize, n: usize) -> f32 {
    let n = n.max(2);
    let index = if n.is_multiple_of(2) { k / 2 + (k % 2) * (n / 2) } else { k };
    index as f32 / n as f32 * std::f32::consts::TAU
}

/// The rotor with a tube in each slot (hidden until loaded).
pub fn rotor(p: &mut Painter, slots: u8) {
    let n = usize::from(slots.max(2));
    let (images, shapes, fonts) = (&mut *p.images, &mut *p.shapes, p.fonts);
    p.parent
        .spawn((Rotor, live(), Transform::from_translation(ROTOR_CENTER.extend(1.5)), Visibility::default()))
        .with_children(|parent| {
            let mut q = Painter { parent, images, shapes, fonts, layer: live() };
            // A spoke, so the turning shows even with the rotor empty.
            q.rect(Vec2::new(0.0, 20.0), Vec2::new(4.0, 26.0), 0.0, Color::srgb(0.70, 0.74, 0.77));
            let disc = q.shapes.disc(q.images);
            for k in 0..n {
                let at = Vec2::from_angle(slot_angle(k, n)) * SLOT_RADIUS;
                q.parent.spawn((
                    RotorSlot(k),
                    live(),
                    Transform::from_translation(at.extend(0.1)),
                    Visibility::Hidden,
                    Sprite {
                        image: disc.clone(),
                        color: palette::GLASS,
                        custom_size: Some(Vec2::splat(10.0)),
                        ..default()
                    },
                ));
            }
        });
}

/// The coat on its hook, drawn live so it can leave when worn.
pub fn coat(p: &mut Painter, at: Vec2) {
    let (images, shapes, fonts) = (&mut *p.images, &mut *p.shapes, p.fonts);
    p.parent
        .spawn((
            OnHook(Ppe::Coat),
            live(),
            Transform::from_translation(at.extend(0.2)),
            Visibility::default(),
        ))
        .with_children(|parent| {
            let mut q = Painter { parent, images, shapes, fonts, layer: live() };
            q.rect(Vec2::ZERO, Vec2::new(54.0, 96.0), 0.0, Color::WHITE);
            q.rect(Vec2::new(0.0, -4.0), Vec2::new(2.0, 86.0), 0.1, palette::BODY_SHADE);
            q.rect_turned(Vec2::new(-9.0, 40.0), Vec2::new(6.0, 22.0), 0.1, 0.5, palette::BODY_SHADE);
            q.rect_turned(Vec2::new(9.0, 40.0), Vec2::new(6.0, 22.0), 0.1, -0.5, palette::BODY_SHADE);
        });
}

/// The face shield a trainee takes, drawn live so it can leave its hook.
pub fn face_shield(p: &mut Painter, at: Vec2) {
    let (images, shapes, fonts) = (&mut *p.images, &mut *p.shapes, p.fonts);
    p.parent
        .spawn((
            OnHook(Ppe::FaceShield),
            live(),
            Transform::from_translation(at.extend(0.0)),
            Visibility::default(),
        ))
        .with_children(|parent| {
            super::art::face_shield(
                &mut Painter { parent, images, shapes, fonts, layer: live() },
                Vec2::ZERO,
            );
        });
}

/// The sharps container's contents, from its floor up to `height` when full.
pub fn sharps_fill(p: &mut Painter, floor: f32, width: f32, height: f32) {
    p.parent.spawn((
        SharpsFill { height },
        live(),
        Sprite {
            color: Color::srgba(0.0, 0.0, 0.0, 0.22),
            custom_size: Some(Vec2::new(width, 1.0)),
            ..default()
        },
        bevy::sprite::Anchor::BOTTOM_CENTER,
        Transform::from_xyz(0.0, floor, 0.35),
    ));
}

/// Where a spill at `area` lies on the bench (world units): on the counter
/// in front of the station the area names.
pub fn spill_at(area: Area, analyzers: usize) -> Vec2 {
    let kind = match area {
        Area::Reception => StationKind::Reception,
        Area::Analyzers => StationKind::Analyzer(0),
        Area::Qc => StationKind::QcFridge,
        Area::Office => StationKind::Lis,
        Area::Processing | Area::Spill => return SPILL_AT,
    };
    let Some(station) = bench_layout(analyzers).into_iter().find(|p| p.kind == kind) else { return SPILL_AT };
    let back = (station.rect.min.y - BACK_COUNTER_Y).abs() < 1.0;
    let y = if back {
        BACK_COUNTER_Y - COUNTER_DEPTHS[0] / 2.0
    } else {
        FRONT_COUNTER_Y - COUNTER_DEPTHS[1] / 2.0
    };
    Vec2::new(station.rect.center().x, y)
}

/// Where the first spill not yet cleared lies, if there is one.
pub fn current_spill(play: &Play) -> Option<Vec2> {
    let area = *play.session.spill_areas().first()?;
    Some(spill_at(area, play.scenario.lab.analyzers.len()))
}

/// Keeps the moving parts in step with the shift; turns the rotor while it spins.
#[allow(clippy::type_complexity)]
pub(super) fn sync_motion(
    play: Res<Play>,
    time: Res<Time>,
    mut rotor: Query<&mut Transform, (With<Rotor>, Without<SpillMark>, Without<SharpsFill>)>,
    mut slots: Query<
        (&RotorSlot, &mut Visibility, &mut Sprite),
        (Without<OnHook>, Without<SharpsFill>, Without<SpillMark>),
    >,
    mut hooks: Query<(&OnHook, &mut Visibility), (Without<RotorSlot>, Without<SpillMark>)>,
    mut fill: Query<(&SharpsFill, &mut Transform), (Without<Rotor>, Without<SpillMark>)>,
    mut spill: Query<
        (&mut Visibility, &mut Transform),
        (With<SpillMark>, Without<RotorSlot>, Without<OnHook>),
    >,
    mut drawn: Local<Option<u64>>,
) {
    let spinning = play.session.spinning_until().is_some_and(|t| t > play.now()) && !play.paused;
    if spinning {
        let turn = time.delta_secs() * TURNS_PER_SECOND * std::f32::consts::TAU * play.speed.max(1) as f32;
        for mut t in &mut rotor {
            t.rotate_z(-turn);
        }
    }
    if *drawn == Some(play.revision) {
        return;
    }
    *drawn = Some(play.revision);
    let (loaded, balance, _) = play.session.centrifuge_view();
    let tubes: Vec<Color> = loaded
        .iter()
        .filter_map(|id| play.scenario.specimens.iter().find(|s| &s.id == id))
        .map(|s| {
            let [r, g, b] = s.tube.cap_rgb();
            Color::srgb_u8(r, g, b)
        })
        .chain((0..balance).map(|_| palette::GLASS))
        .collect();
    for (slot, mut visibility, mut sprite) in &mut slots {
        let shown = tubes.get(slot.0);
        visibility.set_if_neq(if shown.is_some() { Visibility::Inherited } else { Visibility::Hidden });
        if let Some(colour) = shown
            && sprite.color != *colour
        {
            sprite.color = *colour;
        }
    }
    let wearing = play.session.wearing();
    for (hook, mut visibility) in &mut hooks {
        let worn = wearing.contains(&hook.0);
        visibility.set_if_neq(if worn { Visibility::Hidden } else { Visibility::Inherited });
    }
    let (items, capacity) = play.session.sharps_fill();
    let share = (items as f32 / capacity.max(1) as f32).min(1.0);
    for (f, mut t) in &mut fill {
        t.scale.y = (share * f.height).max(0.0);
    }
    let at = current_spill(&play);
    for (mut visibility, mut t) in &mut spill {
        visibility.set_if_neq(if at.is_some() { Visibility::Inherited } else { Visibility::Hidden });
        if let Some(at) = at {
            t.translation.x = at.x;
            t.translation.y = at.y;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tubes_fill_the_rotor_in_opposite_pairs_and_never_share_a_slot() {
        for n in [2usize, 4, 6, 8, 12, 24] {
            let angles: Vec<f32> = (0..n).map(|k| slot_angle(k, n)).collect();
            for k in (0..n).step_by(2) {
                let opposite = (angles[k + 1] - angles[k]).rem_euclid(std::f32::consts::TAU);
                assert!((opposite - std::f32::consts::PI).abs() < 1e-4, "{n} slots: tube {k} and {}", k + 1);
            }
            for (i, a) in angles.iter().enumerate() {
                for b in &angles[i + 1..] {
                    assert!((a - b).abs() > 1e-4, "{n} slots share an angle");
                }
            }
        }
    }

    #[test]
    fn a_spill_lies_on_the_counter_in_front_of_its_area() {
        let reception = spill_at(Area::Reception, 2);
        assert!(reception.y < FRONT_COUNTER_Y && reception.y > FRONT_COUNTER_Y - COUNTER_DEPTHS[1]);
        let qc = spill_at(Area::Qc, 2);
        assert!(qc.y < BACK_COUNTER_Y && qc.x > 400.0);
        assert_eq!(spill_at(Area::Processing, 2), SPILL_AT);
    }
}
