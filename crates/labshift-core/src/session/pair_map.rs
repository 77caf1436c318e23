//! A map keyed by two names, for state kept per (analyzer, test) or (specimen, test).

use std::collections::BTreeMap;

/// A map keyed by two names (an analyzer and a test), looked up by `&str`
/// without building a key: the replay looks QC state up on most actions.
/// Iteration is in (first, second) order, as a map keyed by the pair.
#[derive(Debug, Clone)]
pub(super) struct PairMap<V>(BTreeMap<String, BTreeMap<String, V>>);

impl<V> Default for PairMap<V> {
    fn default() -> Self {
        PairMap(BTreeMap::new())
    }
}

impl<V> PairMap<V> {
    pub(super) fn insert(&mut self, a: &str, b: &str, v: V) {
        self.0.entry(a.to_owned()).or_default().insert(b.to_owned(), v);
    }

    pub(super) fn get(&self, a: &str, b: &str) -> Option<&V> {
        self.0.get(a)?.get(b)
    }

    pub(super) fn get_mut(&mut self, a: &str, b: &str) -> Option<&mut V> {
        self.0.get_mut(a)?.get_mut(b)
    }

    /// The value of a pair the session made at its start (every analyzer's menu).
    pub(super) fn at(&self, a: &str, b: &str) -> &V {
        match self.get(a, b) {
            Some(v) => v,
            None => panic!("no entry for {a} {b}: the session makes one for every analyzer's test"),
        }
    }

    pub(super) fn iter(&self) -> impl Iterator<Item = (&str, &str, &V)> {
        self.0.iter().flat_map(|(a, m)| m.iter().map(move |(b, v)| (a.as_str(), b.as_str(), v)))
    }
}
