//! The labeling panels: the label & barcode station's list of tubes from
//! outside the lab (and of tubes with an aliquot, storage or add-on to see
//! to), and one tube's barcode label close up, placed step by step before
//! it is applied.

use labshift_core::action::{Action, LabelFace};
use labshift_core::session::SpecimenView;

use super::{LabelDraft, Panel, PanelSpec};
use crate::play::{Play, Tone};

/// The tubes that came hand-labeled from outside the lab, and how far each is.
pub(super) fn station(play: &Play, views: &[SpecimenView]) -> PanelSpec {
    let mut p = PanelSpec::new("Label & barcode, aliquots, storage");
    p.line("Tubes from outside the lab come hand-labeled: find the order in the LIS by two identifiers,");
    p.line("print the barcode label, and put it on straight, over the tube maker's label.");
    let mut any = false;
    for v in views.iter().filter(|v| v.arrived) {
        let Some((accessioned, label)) = play.session.labeling_view(&v.id) else { continue };
        any = true;
        let state = match (accessioned, label) {
            (false, _) => "to accession",
            (true, None) => "label printed, not applied",
            (true, Some(_)) => "labeled",
        };
        p.open(format!("{}: {state}", v.id), Panel::Label(v.id.clone(), LabelDraft::START));
    }
    if !any {
        p.line("No tube from outside the lab has arrived.");
    }
    super::handling::station_lines(play, views, &mut p);
    p
}

/// One tube's barcode label: the LIS accession, then the label placed by
/// moving, straightening and turning it, then applied where it is held.
pub(super) fn label(play: &Play, id: &str, draft: LabelDraft) -> PanelSpec {
    let zone = &play.scenario.policy.pack.labeling;
    let mut p = PanelSpec::new(format!("Barcode label: {id}"));
    let Some((accessioned, applied)) = play.session.labeling_view(id) else {
        p.line(format!("{id} came with the lab's barcode: it needs no label here."));
        p.tab("Back", Panel::LabelStation);
        return p;
    };
    p.line(format!(
        "The reader scans from {} mm below the top to {} mm above the bottom of a {} mm tube; the label is {} mm long.",
        zone.zone_top_mm, zone.zone_bottom_mm, zone.tube_length_mm, zone.label_length_mm
    ));
    p.act_if(
        !accessioned,
        format!("Accession {id} in the LIS (name and date of birth)"),
        Action::Accession { specimen: id.to_owned() },
    );
    if let Some((top, tilt, face)) = applied {
        let reads = play.session.barcode_unreadable(id);
        p.toned(
            if reads.is_none() && face == LabelFace::MakersLabel { Tone::Good } else { Tone::Warn },
            format!(
                "On the tube: {top} mm below the top, {tilt}° off straight, {}{}.",
                face.name(),
                reads.map(|why| format!(" — {why}")).unwrap_or_default()
            ),
        );
    }
    if accessioned {
        p.line(format!(
            "Held{}: {} mm below the top, {}° off straight, {}.",
            if applied.is_some() { ", a new label" } else { "" },
            draft.top_mm,
            draft.tilt_deg,
            draft.face.name()
        ));
    }
    p.act_if(
        accessioned,
        if applied.is_some() {
            "Stick another label on where it is held, over the one there"
        } else {
            "Apply the label where it is held"
        },
        Action::ApplyLabel {
            specimen: id.to_owned(),
            top_mm: draft.top_mm,
            tilt_deg: draft.tilt_deg,
            face: draft.face,
        },
    );
    p.act_if(
        applied.is_some(),
        "Peel the label off and print it again",
        Action::ReprintLabel { specimen: id.to_owned() },
    );
    let moved = |d: LabelDraft| Panel::Label(id.to_owned(), d);
    p.tab("Up 2 mm", moved(LabelDraft { top_mm: draft.top_mm.saturating_sub(2), ..draft }));
    p.tab(
        "Down 2 mm",
        moved(LabelDraft { top_mm: draft.top_mm.saturating_add(2).min(zone.tube_length_mm), ..draft }),
    );
    p.tab("Turn straighter", moved(LabelDraft { tilt_deg: draft.tilt_deg.saturating_sub(2), ..draft }));
    p.tab("Lean more", moved(LabelDraft { tilt_deg: draft.tilt_deg.saturating_add(2).min(45), ..draft }));
    for (face, name) in [
        (LabelFace::MakersLabel, "Over the maker's label"),
        (LabelFace::PatientLabel, "Over the patient's label"),
        (LabelFace::Window, "Over the window"),
    ] {
        p.tab(name, moved(LabelDraft { face, ..draft }));
    }
    p.tab("Back", Panel::LabelStation);
    p
}
