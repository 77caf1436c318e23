//! The reception panels: the tray, one specimen beside its requisition, the rejection reasons.

use labshift_core::action::Action;
use labshift_core::model::Label;
use labshift_core::session::{Requisition, SpecimenView};

use super::words::{self, REJECT_REASONS};
use super::{ButtonSpec, Comparison, Panel, PanelSpec, capitalised};
use crate::play::{Play, Tone};
use crate::ui::command::UiCommand;

/// The specimens waiting at reception.
pub(super) fn tray(play: &Play, views: &[SpecimenView]) -> PanelSpec {
    let scenario = &play.scenario;
    let mut p = PanelSpec::new("Reception");
    let stat = |id: &str| {
        scenario.specimens.iter().any(|sp| sp.id == id && sp.priority == labshift_core::raw::Priority::Stat)
    };
    // STAT first, then in order of arrival.
    let mut waiting: Vec<&SpecimenView> =
        views.iter().filter(|v| v.arrived && !v.accepted && v.rejected.is_none()).collect();
    waiting.sort_by_key(|v| !stat(&v.id));
    if waiting.is_empty() {
        p.line("No specimen is waiting. New ones arrive by the pneumatic tube.");
    } else {
        p.line("Pick a specimen to inspect its tube and label:");
    }
    for v in waiting {
        let stat = stat(&v.id);
        let state = if v.received { "received" } else { "in the tray" };
        p.open(
            format!("{}{} — {} ({state})", v.id, if stat { " STAT" } else { "" }, v.tests.join(" ")),
            Panel::Specimen(v.id.clone()),
        );
    }
    let done = views.iter().filter(|v| v.accepted || v.rejected.is_some()).count();
    p.line(format!("{done} specimen(s) already accepted or rejected."));
    p
}

/// The reasons a specimen can be rejected for.
pub(super) fn reject_reasons(id: &String) -> PanelSpec {
    let mut p = PanelSpec::new(format!("Reject {id}: why?"));
    p.line("Choose the reason that applies (DOMAIN §1 rejection criteria).");
    for r in REJECT_REASONS {
        p.act(capitalised(words::reason(r)), Action::Reject { specimen: id.clone(), reason: r });
    }
    p.tab("Back", Panel::Specimen(id.clone()));
    p
}

pub(super) fn specimen(play: &Play, id: &str, view: Option<&SpecimenView>) -> PanelSpec {
    let scenario = &play.scenario;
    let mut p = PanelSpec::new(format!("Specimen {id}"));
    let (Some(spec), Some(v)) = (scenario.specimens.iter().find(|s| s.id == id), view) else {
        p.line("This specimen is not on the bench.");
        p.tab("Back", Panel::Reception);
        return p;
    };
    let start = scenario.meta.start;
    if !v.arrived {
        p.line(format!("{id} has not arrived yet: due at {}.", start.plus(spec.arrives)));
        p.tab("Back to reception", Panel::Reception);
        return p;
    }
    p.line(format!(
        "{} — {}; ordered: {}",
        words::tube(spec.tube),
        if spec.priority == labshift_core::raw::Priority::Stat { "STAT" } else { "routine" },
        v.tests.join(", ")
    ));
    p.line(format!(
        "Filled {}%; arrived {} {}.",
        spec.fill_pct,
        start.plus(spec.arrives),
        words::transport(spec.transport)
    ));
    if v.received {
        let rejection = &scenario.policy.pack.rejection;
        let spun = v.centrifuged;
        for seen in
            words::appearance(spec, spun, rejection.lipemia_limit_index, rejection.icterus_limit_index)
        {
            p.line(format!("You see: {seen}"));
        }
    }
    if let Some((label, req)) = play.compared.get(id) {
        p.comparison = Some(compare(label.as_ref(), req));
    }
    let status = if let Some(r) = v.rejected {
        format!("Rejected: {}.", words::reason(r))
    } else if v.broken {
        "Broken in the centrifuge.".to_owned()
    } else if v.accepted {
        let spun = if !v.needs_centrifuge {
            "needs no centrifuging"
        } else if v.in_centrifuge {
            "in the centrifuge"
        } else if v.centrifuged {
            "centrifuged"
        } else {
            "to centrifuge"
        };
        format!("Accepted; {spun}; {} result(s).", v.results.len())
    } else {
        "Waiting for reception.".to_owned()
    };
    p.toned(Tone::Good, status);
    // Every action keeps its place (and its key): what does not apply now is greyed.
    let undecided = v.rejected.is_none() && !v.accepted && !v.broken;
    let id_ = || id.to_owned();
    p.act_if(undecided && !v.received, "Receive (scan into the LIS)", Action::Receive { specimen: id_() });
    p.act_if(
        undecided && v.received,
        "Compare the label with the requisition",
        Action::CompareLabel { specimen: id_() },
    );
    p.act_if(undecided && v.received, "Accept", Action::Accept { specimen: id_() });
    p.open_if(undecided && v.received, "Reject…", Panel::RejectReasons(id_()));
    p.act_if(
        (v.rejected.is_some() || v.broken) && !v.recollect_requested,
        "Call the unit: the reason, and a request for a new specimen",
        Action::RequestRecollection { specimen: id_() },
    );
    p.act_if(
        v.rejected.is_some() && !v.occurrence_reported,
        "File an occurrence report",
        Action::ReportOccurrence { specimen: id_() },
    );
    if spec.outside {
        p.toned(
            Tone::Warn,
            "Hand-labeled from outside the lab: it needs an accession and the lab's barcode label.",
        );
        p.open_if(
            v.received && v.rejected.is_none(),
            "Accession and label it…",
            Panel::Label(id.to_owned(), crate::state::LabelDraft::START),
        );
    }
    let ready_to_spin = v.accepted && !v.broken && !v.centrifuged && !v.in_centrifuge;
    if v.needs_centrifuge {
        p.act_if(ready_to_spin, "Load into the centrifuge", Action::LoadCentrifuge { specimen: id_() });
    }
    let ready_to_run = v.accepted && !v.broken && !v.in_centrifuge && (!v.needs_centrifuge || v.centrifuged);
    for a in &scenario.lab.analyzers {
        if v.tests.iter().any(|t| a.offers(t)) {
            let pending = v.tests.iter().any(|t| a.offers(t) && !v.results.iter().any(|r| &r.test == t));
            p.act_if(
                ready_to_run && pending,
                format!("Run on {}", a.name),
                Action::RunTests { specimen: id_(), analyzer: a.id.clone() },
            );
        }
    }
    // Seen only once the serum is: after the spin, before any result.
    let lipemic = spec.lipemia_index >= scenario.policy.pack.rejection.lipemia_limit_index;
    if v.accepted && v.centrifuged && lipemic {
        p.act_if(
            !v.lipemia_cleared,
            "Clear the lipemia: spin an aliquot at high speed",
            Action::ClearLipemia { specimen: id_() },
        );
    }
    if v.accepted && !v.broken {
        for r in &v.results {
            let text = if r.ready {
                format!("Result {}", words::result(scenario, &r.test, r.value, r.flags))
            } else {
                format!("{} running on {}", r.test, r.analyzer)
            };
            p.open(text, Panel::Result(id.to_owned(), r.test.clone()));
        }
    }
    if p.comparison.is_some() {
        p.buttons.push(ButtonSpec {
            label: "Zoom the label (Z)".to_owned(),
            command: UiCommand::ToggleZoom,
            enabled: true,
            compact: true,
        });
    }
    p.tab("Back to reception", Panel::Reception);
    p
}

/// The label beside its order, field by field: whether each agrees.
pub fn compare(label: Option<&Label>, req: &Requisition) -> Comparison {
    Comparison { rows: words::label_rows(label, req) }
}
