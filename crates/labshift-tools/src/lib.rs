//! LabShift's instructor tools, without Bevy: validating scenario files,
//! grading session logs (one or a class), QC series, the reference
//! technician's log, scenario skeletons and previews, and the debrief as
//! HTML and xAPI. The `labshift` binary calls them; an instructor who only
//! grades builds this crate and the core, not the app.
//!
//! Architecture Invariant: nothing here depends on Bevy. The app depends on
//! this crate, never the reverse.
#![forbid(unsafe_code)]

pub mod args;
pub mod commands;
pub mod export;
pub mod files;
pub mod gradebook;
pub mod instructor;
pub mod lj;
pub mod scenario_file;
