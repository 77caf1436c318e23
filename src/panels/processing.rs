//! The processing panel: the centrifuge.

use labshift_core::action::Action;

use labshift_core::session::SpecimenView;

use super::{PanelSpec, s};
use crate::play::{Play, Tone};

/// The centrifuge: its slots, the spin, what can be loaded.
pub(super) fn centrifuge(play: &Play, views: &[SpecimenView], selected: Option<&str>) -> PanelSpec {
    let scenario = &play.scenario;
    let session = &play.session;
    let mut p = PanelSpec::new("Centrifuge");
    let (loaded, balance, until) = session.centrifuge_view();
    let slots = scenario.lab.centrifuge.slots;
    p.line(format!(
        "Slots: {} of {slots} used ({} specimen(s), {balance} balance tube(s)).",
        loaded.len() as u32 + balance,
        loaded.len()
    ));
    p.line(format!("Loaded: {}", if loaded.is_empty() { s("nothing") } else { loaded.join(", ") }));
    p.line("Opposite slots must carry equal weight: an odd load needs a balance tube.");
    match until {
        Some(t) if t > play.now() => {
            let left = t.0 - play.now().0;
            p.toned(Tone::Warn, format!("Spinning: {}:{:02} left. Lid locked.", left / 60, left % 60));
        }
        Some(_) => p.toned(Tone::Good, "Spin finished: open the lid and unload."),
        None => {}
    }
    if until.is_none() {
        for v in views
            .iter()
            .filter(|v| v.accepted && v.needs_centrifuge && !v.centrifuged && !v.in_centrifuge && !v.broken)
        {
            let held = selected == Some(v.id.as_str());
            p.act(
                format!("Load {}{}", v.id, if held { " (in hand)" } else { "" }),
                Action::LoadCentrifuge { specimen: v.id.clone() },
            );
        }
        p.act("Add a balance tube", Action::AddBalanceTube);
        p.act("Close the lid and start", Action::StartCentrifuge);
    }
    if until.is_some() || !loaded.is_empty() {
        p.act("Open the lid and unload", Action::OpenCentrifuge);
    }
    p
}
