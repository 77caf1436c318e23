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
        Some(_) => match session.lid_closed_until() {
            Some(t) if t > play.now() => {
                let left = t.0 - play.now().0;
                p.toned(
                    Tone::Warn,
                    format!(
                        "A tube broke: keep the lid closed {}:{:02} more, until {}, so the aerosol settles.",
                        left / 60,
                        left % 60,
                        scenario.meta.start.plus(t).to_string_full()
                    ),
                );
            }
            _ => p.toned(Tone::Good, "Spin finished: open the lid and unload."),
        },
        None => {}
    }
    // The rotor's controls first, then every tube to spin this shift: each
    // keeps its place and key, greyed once it is loaded or spun.
    let idle = until.is_none();
    p.act_if(idle, "Add a balance tube", Action::AddBalanceTube);
    p.act_if(idle, "Close the lid and start", Action::StartCentrifuge);
    p.act_if(until.is_some() || !loaded.is_empty(), "Open the lid and unload", Action::OpenCentrifuge);
    for v in views.iter().filter(|v| v.accepted && v.needs_centrifuge) {
        let held = selected == Some(v.id.as_str());
        let state = if v.broken {
            " (broken)"
        } else if v.in_centrifuge {
            " (loaded)"
        } else if v.centrifuged {
            " (spun)"
        } else if held {
            " (in hand)"
        } else {
            ""
        };
        p.act_if(
            idle && !v.centrifuged && !v.in_centrifuge && !v.broken,
            format!("Load {}{state}", v.id),
            Action::LoadCentrifuge { specimen: v.id.clone() },
        );
    }
    p
}
