//! Where each station stands on the bench, in world units of a 1280×720 view.

use bevy::math::{Rect, Vec2};

/// A station of the bench.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StationKind {
    Reception,
    Labeling,
    Centrifuge,
    /// Index into the scenario's analyzers.
    Analyzer(usize),
    QcFridge,
    Lis,
    Ppe,
    Sink,
    Sharps,
    Biohazard,
}

/// A station and the rectangle it occupies.
#[derive(Debug, Clone)]
pub struct Placement {
    pub kind: StationKind,
    pub rect: Rect,
}

/// Height of the back counter's top edge and the front counter's.
pub const BACK_COUNTER_Y: f32 = 10.0;
pub const FRONT_COUNTER_Y: f32 = -318.0;
/// How deep the back and front counters are drawn below their top edges.
pub const COUNTER_DEPTHS: [f32; 2] = [26.0, 60.0];

/// Lays out the bench for a lab with `analyzers` analyzers (at least one).
///
/// The back counter holds the instruments: centrifuge, analyzers, QC fridge.
/// The front counter holds what the technician handles: the reception tray
/// and labeling, the LIS terminal and phone, PPE, sink and waste.
pub fn bench_layout(analyzers: usize) -> Vec<Placement> {
    let at = |kind, x: f32, base: f32, w: f32, h: f32| Placement {
        kind,
        rect: Rect::from_corners(Vec2::new(x - w / 2.0, base), Vec2::new(x + w / 2.0, base + h)),
    };
    let b = BACK_COUNTER_Y;
    let f = FRONT_COUNTER_Y;
    let mut stations = vec![at(StationKind::Centrifuge, -535.0, b, 170.0, 150.0)];
    // Analyzers share the space between the centrifuge and the fridge.
    let (left, right) = (-430.0, 440.0);
    let n = analyzers.max(1);
    let slot = (right - left) / n as f32;
    let width = (slot - 24.0).min(230.0);
    for i in 0..n {
        let x = left + slot * (i as f32 + 0.5);
        stations.push(at(StationKind::Analyzer(i), x, b, width, 200.0));
    }
    stations.extend([
        at(StationKind::QcFridge, 540.0, b, 150.0, 250.0),
        at(StationKind::Reception, -442.0, f, 380.0, 190.0),
        at(StationKind::Labeling, -190.0, f, 104.0, 150.0),
        at(StationKind::Lis, -30.0, f, 190.0, 170.0),
        at(StationKind::Ppe, 150.0, f, 140.0, 190.0),
        at(StationKind::Sink, 293.0, f, 110.0, 150.0),
        at(StationKind::Sharps, 405.0, f, 80.0, 120.0),
        at(StationKind::Biohazard, 535.0, f, 110.0, 140.0),
    ]);
    stations
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stations_do_not_overlap_and_fit_the_view() {
        let view = Rect::from_corners(Vec2::new(-640.0, -360.0), Vec2::new(640.0, 320.0));
        for analyzers in 1..=4 {
            let layout = bench_layout(analyzers);
            assert_eq!(layout.len(), 10 + analyzers - 1);
            for (i, a) in layout.iter().enumerate() {
                assert!(
                    view.contains(a.rect.min) && view.contains(a.rect.max),
                    "{:?} leaves the view",
                    a.kind
                );
                for b in &layout[i + 1..] {
                    assert!(a.rect.intersect(b.rect).is_empty(), "{:?} overlaps {:?}", a.kind, b.kind);
                }
            }
        }
    }
}
