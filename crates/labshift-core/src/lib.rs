//! LabShift's simulation core: scenario files, their validation, the rule
//! catalogue and (in later layers) the deterministic shift simulation.
//!
//! Architecture Invariant: this crate knows nothing of Bevy, the wall clock,
//! the disk or OS entropy. Files come in through [`load::Files`]; time is
//! simulated ([`time::SimTime`]).
#![forbid(unsafe_code)]
// A panic in the core would lose a trainee's shift: no unwrap or expect outside tests.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod action;
pub mod canonical;
pub mod diag;
pub mod load;
pub mod log;
pub mod model;
pub mod parse;
pub mod preview;
pub mod random;
pub mod raw;
pub mod reference;
pub mod report;
pub mod rules;
pub mod session;
pub mod spans;
pub mod time;
pub mod validate;
pub mod westgard;

pub use diag::{Diagnostic, Severity};
pub use load::{Files, Loaded, MemoryFiles, check_file, load_policy, load_scenario};
pub use model::{Policy, Scenario};
