//! The Levey-Jennings chart's geometry, shared by the bench's QC panel and
//! the HTML report so that both draw the same chart.

use labshift_core::session::{ChartRun, QcChart};

/// Where a Levey-Jennings chart of `w` × `h` puts its plot: ±4 SD from
/// top to bottom, one slot per judged run (and the open run), at least 8.
/// The bench and the HTML report draw from the same frame.
#[derive(Debug, Clone, Copy)]
pub struct LjFrame {
    pub left: f32,
    pub top: f32,
    pub plot_w: f32,
    pub plot_h: f32,
    /// Width of one run's slot.
    pub dx: f32,
}

impl LjFrame {
    pub fn new(chart: &QcChart, w: f32, h: f32) -> LjFrame {
        let (left, top) = (34.0, 16.0);
        let plot_w = w - left - 8.0;
        let slots = (chart.runs.len() + usize::from(!chart.open.is_empty())).max(8);
        LjFrame { left, top, plot_w, plot_h: h - top - 6.0, dx: plot_w / slots as f32 }
    }

    /// Height of a z-score (clamped to ±4 SD).
    pub fn y(&self, z: f64) -> f32 {
        self.top + self.plot_h / 2.0 - (z.clamp(-4.0, 4.0) as f32) * self.plot_h / 8.0
    }

    /// Centre of run slot `i`.
    pub fn x(&self, i: usize) -> f32 {
        self.left + self.dx * (i as f32 + 0.5)
    }
}

/// Whether a judged run broke a rejection rule (a 1-2s warning alone does not).
pub fn broke_rule(run: &ChartRun) -> bool {
    !run.violations.is_empty() && run.violations != ["1-2s"]
}
