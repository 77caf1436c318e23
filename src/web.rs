//! LabShift in a browser: the same app, drawn with WebGL2 into the page's
//! `<canvas id="labshift">`, on the scenarios built into it.

use bevy::prelude::*;

use crate::play::Setup;
use crate::{Launch, add_labshift, bundled, main_window};

/// Runs the app in the page.
pub fn run() {
    let mut app = App::new();
    let window = Window {
        canvas: Some("#labshift".to_owned()),
        fit_canvas_to_parent: true,
        // Keys such as F5 and Space belong to the simulator, not the page.
        prevent_default_event_handling: true,
        ..main_window()
    };
    app.add_plugins(DefaultPlugins.set(WindowPlugin { primary_window: Some(window), ..default() }));
    app.insert_resource(bundled::catalog());
    // No folders in a browser: the log is kept in memory while the shift is played.
    let setup = Setup { log_dir: None, journal_dir: None, ..Setup::default() };
    add_labshift(&mut app, Launch::default(), setup);
    app.run();
}
