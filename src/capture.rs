//! `--screenshot`: render a few frames, save the window to a PNG, exit.
//! Used for the README pictures and the GUI smoke test under Xvfb.

use std::path::PathBuf;

use bevy::ecs::schedule::ScheduleLabel;
use bevy::material::descriptor::PipelineDescriptor;
use bevy::prelude::*;
use bevy::render::render_resource::{CachedPipelineState, PipelineCache};
use bevy::render::view::screenshot::{Screenshot, ScreenshotCaptured, save_to_disk};
use bevy::render::{Render, RenderApp};
use bevy::winit::WinitSettings;

/// Where to save the screenshot and after how many frames.
#[derive(Resource, Debug, Clone)]
pub struct CapturePlan {
    pub path: PathBuf,
    pub after_frames: u32,
}

pub(super) fn plugin(app: &mut App) {
    if app.world().contains_resource::<CapturePlan>() {
        // Under Xvfb the window never has focus; an unfocused window is throttled.
        app.insert_resource(WinitSettings::continuous());
        app.add_systems(Update, take_screenshot);
    }
    frame_plugin(app);
}

/// `--measure-frames`: frame times after a warm-up, printed as one JSON line.
#[derive(Resource, Debug, Clone)]
pub struct FramePlan {
    pub warmup: u32,
    pub frames: u32,
    /// Named in the output, e.g. `bench` or `empty`.
    pub scene: String,
}

/// Adds the frame-time measurement if the app has a [`FramePlan`].
pub fn frame_plugin(app: &mut App) {
    if app.world().contains_resource::<FramePlan>() {
        app.insert_resource(WinitSettings::continuous());
        app.add_systems(Last, measure_frames);
    }
}

/// Adds the start-up trace if `LABSHIFT_STARTUP_TRACE` is set (see [`trace`]).
pub fn trace_plugin(app: &mut App) {
    if tracing_startup() {
        app.add_systems(PreStartup, || trace("startup systems begin"));
        app.add_systems(PostStartup, || trace("startup systems end"));
        app.add_systems(First, |mut frame: Local<u32>| {
            *frame += 1;
            if *frame <= 3 {
                trace(&format!("frame {} begins", *frame));
            }
        });
        // Where the first two frames go, schedule by schedule.
        let schedules = [
            ("PreUpdate", PreUpdate.intern()),
            ("Update", Update.intern()),
            ("PostUpdate", PostUpdate.intern()),
            ("Last", Last.intern()),
        ];
        for (name, schedule) in schedules {
            app.add_systems(schedule, move |mut frame: Local<u32>| {
                *frame += 1;
                if *frame <= 2 {
                    trace(&format!("  frame {}: {name} begins", *frame));
                }
            });
        }
        if let Some(render_app) = app.get_sub_app_mut(RenderApp) {
            render_app.add_systems(Render, list_pipelines);
        }
    }
}

/// The start-up trace's last entry: the render pipelines Bevy has compiled
/// (or is compiling) by the 30th frame, each compiled on the CPU under a
/// software renderer.
fn list_pipelines(cache: Res<PipelineCache>, mut frame: Local<u32>) {
    *frame += 1;
    if *frame != PIPELINES_LISTED_AT {
        return;
    }
    for pipeline in cache.pipelines() {
        let (kind, label) = match &pipeline.descriptor {
            PipelineDescriptor::RenderPipelineDescriptor(d) => ("render", d.label.as_deref()),
            PipelineDescriptor::ComputePipelineDescriptor(d) => ("compute", d.label.as_deref()),
        };
        let state = match pipeline.state {
            CachedPipelineState::Ok(_) => "ready",
            CachedPipelineState::Err(_) => "failed",
            _ => "not ready",
        };
        trace(&format!(
            "frame {PIPELINES_LISTED_AT}: {kind} pipeline {} ({state})",
            label.unwrap_or("unnamed")
        ));
    }
}

const PIPELINES_LISTED_AT: u32 = 30;

fn tracing_startup() -> bool {
    std::env::var_os("LABSHIFT_STARTUP_TRACE").is_some()
}

/// With `LABSHIFT_STARTUP_TRACE` set, prints to standard error how long after
/// the start of the process `step` was reached: a start-up profile.
pub fn trace(step: &str) {
    if tracing_startup() {
        let ms = STARTED.get().map_or(0.0, |t| t.elapsed().as_secs_f64() * 1000.0);
        eprintln!("start-up {ms:8.1} ms  {step}");
    }
}

/// When the process started, as near as `main` can tell.
static STARTED: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();

/// Marks the start of the process, for the start-up time `--measure-frames` reports.
pub fn mark_start() {
    let _ = STARTED.set(std::time::Instant::now());
}

/// CPU time this process has used so far, all threads, in ms (Linux, at the
/// usual 100 clock ticks a second: a resolution of 10 ms per thread).
pub fn cpu_ms() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which is in parentheses): utime is the 12th, stime the 13th.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks * 10.0)
}

/// Peak resident memory of this process in MiB (Linux: `VmHWM`), if known.
pub fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

fn measure_frames(
    time: Res<Time<Real>>,
    plan: Res<FramePlan>,
    mut seen: Local<u32>,
    mut first_frame_ms: Local<Option<f64>>,
    mut first_frame_cpu_ms: Local<Option<f64>>,
    mut times: Local<Vec<f64>>,
    mut exit: MessageWriter<AppExit>,
) {
    *seen += 1;
    // The first frame has been drawn when the second begins: the app is interactive.
    if *seen == 2 {
        *first_frame_ms = STARTED.get().map(|t| t.elapsed().as_secs_f64() * 1000.0);
        *first_frame_cpu_ms = cpu_ms();
        trace(&format!(
            "first frame drawn, {:.0} ms of CPU time (all threads)",
            first_frame_cpu_ms.unwrap_or(f64::NAN)
        ));
    }
    if *seen <= plan.warmup {
        return;
    }
    times.push(time.delta_secs_f64() * 1000.0);
    if times.len() as u32 >= plan.frames {
        let mut sorted = times.clone();
        sorted.sort_by(f64::total_cmp);
        let mean = sorted.iter().sum::<f64>() / sorted.len() as f64;
        let pick = |q: f64| sorted[((sorted.len() - 1) as f64 * q).round() as usize];
        let optional = |x: Option<f64>| x.map_or("null".to_owned(), |x| format!("{x:.1}"));
        println!(
            "{{\"scene\":\"{}\",\"frames\":{},\"mean_ms\":{mean:.2},\"p50_ms\":{:.2},\"p95_ms\":{:.2},\"p99_ms\":{:.2},\"first_frame_ms\":{},\"first_frame_cpu_ms\":{},\"peak_rss_mib\":{}}}",
            plan.scene,
            sorted.len(),
            pick(0.5),
            pick(0.95),
            pick(0.99),
            optional(*first_frame_ms),
            optional(*first_frame_cpu_ms),
            optional(peak_rss_mib())
        );
        exit.write(AppExit::Success);
    }
}

fn take_screenshot(mut commands: Commands, plan: Res<CapturePlan>, mut frames: Local<u32>) {
    *frames += 1;
    if *frames != plan.after_frames.max(1) {
        return;
    }
    info!("saving screenshot to {}", plan.path.display());
    commands
        .spawn((Name::new("Screenshot"), Screenshot::primary_window()))
        .observe(save_to_disk(plan.path.clone()))
        .observe(exit_when_saved);
}

/// Exits once the screenshot is taken: with an error if the frame is blank
/// (a window that rendered nothing), so a smoke test can fail.
fn exit_when_saved(captured: On<ScreenshotCaptured>, mut exit: MessageWriter<AppExit>) {
    let colours = distinct_colours(captured.image.data.as_deref().unwrap_or_default());
    if colours < MIN_COLOURS {
        error!("the screenshot is blank: {colours} distinct colour(s)");
        exit.write(AppExit::from_code(3));
    } else {
        info!("screenshot has {colours} distinct colours");
        exit.write(AppExit::Success);
    }
}

/// A drawn bench has hundreds of colours; a blank or cleared window has one or two.
const MIN_COLOURS: usize = 16;

/// Distinct RGBA pixels, counted up to a few hundred.
fn distinct_colours(rgba: &[u8]) -> usize {
    let mut seen = std::collections::BTreeSet::new();
    for px in rgba.chunks_exact(4).step_by(7) {
        seen.insert([px[0], px[1], px[2]]);
        if seen.len() > 500 {
            break;
        }
    }
    seen.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_frames_have_few_colours() {
        assert_eq!(distinct_colours(&[9u8; 4 * 1000]), 1);
        let gradient: Vec<u8> =
            (0..4000u32).flat_map(|i| [(i % 251) as u8, (i / 16) as u8, 7, 255]).collect();
        assert!(distinct_colours(&gradient) >= MIN_COLOURS);
    }
}
