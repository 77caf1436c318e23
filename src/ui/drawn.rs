//! Counts the frames a camera that draws into an image (a cache) has drawn
//! with every shader ready, so that the camera can stop once its image holds
//! a complete drawing. Shared by the bench art and the panel card caches.

use std::marker::PhantomData;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use bevy::prelude::*;
use bevy::render::camera::ExtractedCamera;
use bevy::render::extract_component::{ExtractComponent, ExtractComponentPlugin};
use bevy::render::render_resource::PipelineCache;
use bevy::render::{Render, RenderApp, RenderSystems};

/// Frames after which a cache counts as drawn: consecutive frames rendered
/// with no shader still compiling.
pub const SETTLE_FRAMES: u32 = 3;

/// How many frames in a row the cameras marked `C` drew with every pipeline
/// ready. Shared by the main and render worlds.
#[derive(Resource, Debug)]
pub struct DrawnFrames<C> {
    count: Arc<AtomicU32>,
    marker: PhantomData<fn() -> C>,
}

impl<C> Clone for DrawnFrames<C> {
    fn clone(&self) -> Self {
        DrawnFrames { count: Arc::clone(&self.count), marker: PhantomData }
    }
}

impl<C> Default for DrawnFrames<C> {
    fn default() -> Self {
        DrawnFrames { count: Arc::default(), marker: PhantomData }
    }
}

impl<C> DrawnFrames<C> {
    /// Starts the count again: the image must be drawn anew.
    pub fn restart(&self) {
        self.count.store(0, Ordering::Relaxed);
    }

    /// The image holds a complete drawing.
    pub fn settled(&self) -> bool {
        self.count.load(Ordering::Relaxed) >= SETTLE_FRAMES
    }
}

/// Counts the frames of the cameras marked `C`. Without a renderer (the
/// headless tests) the count is kept but never moves.
pub fn track<C: Component + ExtractComponent + Clone>(app: &mut App) {
    let frames = DrawnFrames::<C>::default();
    app.insert_resource(frames.clone());
    let Some(render_app) = app.get_sub_app_mut(RenderApp) else { return };
    render_app.insert_resource(frames);
    render_app.add_systems(Render, count_ready_frames::<C>.in_set(RenderSystems::Cleanup));
    app.add_plugins(ExtractComponentPlugin::<C>::default());
}

/// Render world: counts the frames in which a camera marked `C` drew with
/// every pipeline compiled; a frame with a pipeline still compiling starts over.
fn count_ready_frames<C: Component>(
    cameras: Query<(), (With<C>, With<ExtractedCamera>)>,
    pipelines: Res<PipelineCache>,
    frames: Res<DrawnFrames<C>>,
) {
    if cameras.is_empty() {
        return;
    }
    if pipelines.waiting_pipelines().next().is_some() {
        frames.restart();
    } else {
        frames.count.fetch_add(1, Ordering::Relaxed);
    }
}

/// Keeps the cameras marked `C` drawing until their image is settled.
pub fn settle<C: Component>(mut cameras: Query<&mut Camera, With<C>>, frames: Res<DrawnFrames<C>>) {
    let done = frames.settled();
    for mut camera in &mut cameras {
        if camera.is_active == done {
            camera.is_active = !done;
        }
    }
}
