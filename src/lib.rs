pub use bevy;
pub fn _x() {}
