//! The core and the instructor tools build without Bevy: no package either
//! depends on, however indirectly, is a Bevy crate or a window system. Read
//! from `Cargo.lock`, the dependency graph cargo builds.

use std::collections::{BTreeMap, BTreeSet};

/// Each package of the lock file and the names of its dependencies.
fn lock_graph() -> BTreeMap<String, Vec<String>> {
    let root =
        std::path::PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("run by cargo")).join("../..");
    let lock = std::fs::read_to_string(root.join("Cargo.lock")).unwrap_or_else(|e| panic!("Cargo.lock: {e}"));
    let mut graph: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for package in lock.split("[[package]]").skip(1) {
        let mut name = String::new();
        let mut deps = Vec::new();
        let mut in_deps = false;
        for line in package.lines().map(str::trim) {
            if let Some(n) = line.strip_prefix("name = ") {
                name = n.trim_matches('"').to_owned();
            } else if line.starts_with("dependencies = [") {
                in_deps = true;
            } else if in_deps && line.starts_with(']') {
                in_deps = false;
            } else if in_deps {
                // `"name"` or `"name version"`.
                let dep = line.trim_matches(|c| c == '"' || c == ',');
                deps.push(dep.split(' ').next().unwrap_or(dep).to_owned());
            }
        }
        graph.entry(name).or_default().extend(deps);
    }
    graph
}

fn reachable(graph: &BTreeMap<String, Vec<String>>, from: &str) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut stack = vec![from.to_owned()];
    while let Some(p) = stack.pop() {
        if seen.insert(p.clone()) {
            stack.extend(graph.get(&p).into_iter().flatten().cloned());
        }
    }
    seen
}

#[test]
fn neither_the_core_nor_the_tools_depend_on_bevy() {
    let graph = lock_graph();
    // The app does: the walk would find it if it were there.
    assert!(reachable(&graph, "labshift").iter().any(|p| p.starts_with("bevy")));
    for krate in ["labshift-core", "labshift-tools"] {
        let deps = reachable(&graph, krate);
        assert!(deps.len() > 5, "{krate}: {deps:?}");
        let drawn: Vec<&String> = deps
            .iter()
            .filter(|p| p.starts_with("bevy") || p.starts_with("winit") || p.starts_with("wgpu"))
            .collect();
        assert!(drawn.is_empty(), "{krate} depends on {drawn:?}");
    }
}
