//! LabShift in a browser: the same app, drawn with WebGL2 into the page's
//! `<canvas id="labshift">`, on the scenarios built into it. Only file access
//! differs from the desktop:
//! - the shift's log is kept in the browser's storage as it is written (one
//!   key, rewritten after every action), so a closed tab loses nothing: the
//!   title screen offers to resume it, as it offers an unfinished journal;
//! - at the debrief, "Save report" downloads the session log and the report;
//! - the page's "Open a scenario file" picker loads a file through the same
//!   loader and diagnostics as `labshift play FILE` (see `index.html`).

use std::path::PathBuf;

use bevy::prelude::*;
use labshift_core::diag::Severity;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use crate::browser::{SHIFT_KEY, forget_shift, storage, stored_shift};
use crate::play::{Play, Setup};
use crate::shift::Unfinished;
use crate::state::Screen;
use crate::{CurrentScenario, Launch, add_bevy, add_labshift, bundled, journal, main_window};

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
    add_bevy(&mut app, window);
    app.insert_resource(bundled::catalog());
    // No folders in a browser: the log lives in memory and in the browser's storage.
    let setup = Setup { log_dir: None, journal_dir: None, ..Setup::default() };
    add_labshift(&mut app, Launch::default(), setup);
    if let Some(log) = stored_shift() {
        app.insert_resource(Unfinished(vec![journal::Unfinished {
            path: PathBuf::from("browser storage"),
            log,
            torn: false,
        }]));
    }
    app.add_systems(Last, (keep_shift, mark_frames, mark_screen, open_picked_file));
    app.run();
}

/// Writes the shift's log to the browser's storage after every action, and
/// forgets it once the shift has ended (its log is then offered as a download).
fn keep_shift(play: Option<Res<Play>>, mut kept: Local<Option<u64>>, mut failed: Local<bool>) {
    let Some(play) = play else { return };
    if *kept == Some(play.revision) {
        return;
    }
    *kept = Some(play.revision);
    if play.session.is_ended() {
        forget_shift();
        return;
    }
    let written = storage().map(|s| s.set_item(SHIFT_KEY, &play.log.to_ron()));
    if !matches!(written, Some(Ok(()))) && !*failed {
        *failed = true;
        warn!("the browser's storage refused the shift's log: closing the tab would lose it");
    }
}

/// Marks the page once frames are drawn (`data-labshift-frames` on `<body>`),
/// for the loading note and the browser test.
fn mark_frames(mut frames: Local<u32>) {
    *frames += 1;
    if (*frames <= 3 || frames.is_multiple_of(60))
        && let Some(body) = body()
    {
        let _ = body.set_attribute("data-labshift-frames", &frames.to_string());
    }
}

fn body() -> Option<web_sys::HtmlElement> {
    web_sys::window()?.document()?.body()
}

/// Names the screen shown on `<body data-labshift-screen>`, for assistive
/// tools and the browser test.
fn mark_screen(screen: Res<State<Screen>>) {
    if screen.is_changed()
        && let Some(body) = body()
    {
        let _ = body.set_attribute("data-labshift-screen", &format!("{:?}", screen.get()));
    }
}

/// Says in the page's footer what became of the picked file.
fn say_picked(text: &str) {
    let note = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("picked"));
    if let Some(note) = note {
        note.set_text_content(Some(text));
    }
}

#[wasm_bindgen]
extern "C" {
    /// Set by the page's file picker: `[name, text]` of the file opened last,
    /// taken (and cleared) by the app.
    #[wasm_bindgen(js_namespace = window, js_name = labshiftTakePickedFile)]
    fn take_picked_file() -> JsValue;
}

/// Opens a scenario file the instructor picked in the page: checked by the
/// same loader as on the desktop; its briefing, or its diagnostics.
fn open_picked_file(mut commands: Commands, screen: Res<State<Screen>>, mut next: ResMut<NextState<Screen>>) {
    // A shift in progress is not interrupted: the file waits for its end.
    if *screen.get() == Screen::Bench {
        return;
    }
    let picked = take_picked_file();
    let Some(pair) = picked.dyn_ref::<js_sys::Array>() else { return };
    let (Some(name), Some(text)) = (pair.get(0).as_string(), pair.get(1).as_string()) else { return };
    // The file stands alone, beside the bundled policy pack (`policies/…`).
    let files = bundled::files_at("").with(&name, &text);
    let loaded = labshift_core::load_scenario(&name, &files);
    let to = if loaded.value.is_some() { Screen::Briefing } else { Screen::Diagnostics };
    let count = |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
    let first_error = loaded.diagnostics.iter().find(|d| d.severity == Severity::Error);
    say_picked(&match first_error {
        Some(d) => format!(
            "{}:{}:{}: {} ({} in all, on the screen)",
            d.file,
            d.line,
            d.column,
            d.message,
            count(loaded.diagnostics.len(), "problem")
        ),
        None if loaded.diagnostics.is_empty() => format!("{name}: checked, no problems"),
        None => format!("{name}: checked, {}", count(loaded.diagnostics.len(), "warning")),
    });
    commands.insert_resource(CurrentScenario {
        path: name,
        scenario: loaded.value,
        diagnostics: loaded.diagnostics,
        sources: Vec::new(),
    });
    next.set(to);
}
