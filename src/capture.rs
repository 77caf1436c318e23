//! `--screenshot`: render a few frames, save the window to a PNG, exit.
//! Used for the README pictures and the GUI smoke test under Xvfb.

use std::path::PathBuf;

use bevy::prelude::*;
use bevy::render::view::screenshot::{Screenshot, ScreenshotCaptured, save_to_disk};
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

fn exit_when_saved(_captured: On<ScreenshotCaptured>, mut exit: MessageWriter<AppExit>) {
    exit.write(AppExit::Success);
}
