//! The format reference stays true: its example scenario validates, and every
//! rule in the catalogue is documented.

use labshift_core::load::{MemoryFiles, load_scenario};
use labshift_core::rules::RULES;

fn read(relative: &str) -> String {
    let path = std::path::PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("run by cargo"))
        .join("../..")
        .join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn the_smallest_example_in_the_format_reference_validates() {
    let doc = read("docs/scenario-format.md");
    let example = doc
        .split("```ron")
        .last()
        .and_then(|block| block.split("```").next())
        .expect("a ron block in docs/scenario-format.md");
    let files = MemoryFiles::default()
        .with("scenarios/example.ron", example)
        .with("scenarios/policies/us-default.ron", &read("scenarios/policies/us-default.ron"));
    let loaded = load_scenario("scenarios/example.ron", &files);
    let messages: Vec<String> = loaded.diagnostics.iter().map(ToString::to_string).collect();
    assert!(loaded.value.is_some() && messages.is_empty(), "{}", messages.join("\n"));
}

#[test]
fn every_rule_is_in_the_format_reference() {
    let doc = read("docs/scenario-format.md");
    for rule in RULES {
        assert!(doc.contains(&format!("| `{}` |", rule.id)), "{} is not documented", rule.id);
        assert!(doc.contains(rule.citation), "{}'s citation is not documented", rule.id);
    }
}
