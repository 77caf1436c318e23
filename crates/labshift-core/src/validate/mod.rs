//! Raw file types → checked model, reporting every problem at once.
//!
//! Each check names the path of the offending value (`specimens[2].patient`);
//! the [`SpanIndex`] of the file turns that into line and column.

mod choices;
mod policy;
mod scenario;

pub use policy::check_policy;
pub use scenario::check_scenario;

use std::collections::BTreeMap;

use crate::diag::{Diagnostic, suggest};
use crate::raw::FORMAT_VERSION;
use crate::spans::SpanIndex;
use crate::time::{ClockTime, Date};

/// Collects diagnostics for one file.
pub struct Checker<'a> {
    file: &'a str,
    src: &'a str,
    /// Where each value is, found only when a diagnostic needs it: a valid
    /// file is never scanned for spans.
    spans: std::cell::OnceCell<SpanIndex>,
    pub diagnostics: Vec<Diagnostic>,
}

impl<'a> Checker<'a> {
    pub fn new(file: &'a str, src: &'a str) -> Checker<'a> {
        Checker { file, src, spans: std::cell::OnceCell::new(), diagnostics: Vec::new() }
    }

    fn spans(&self) -> &SpanIndex {
        self.spans.get_or_init(|| SpanIndex::build(self.src))
    }

    /// A diagnostic pointing at the value under `path` (or its nearest ancestor).
    pub fn at(&self, path: &str, message: impl Into<String>) -> Diagnostic {
        match self.spans().find(path) {
            Some(span) => Diagnostic::at(self.file, self.src, span, message),
            None => Diagnostic::whole_file(self.file, message),
        }
    }

    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    fn error(&mut self, path: &str, message: impl Into<String>) {
        let d = self.at(path, message);
        self.push(d);
    }

    fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    fn format_version(&mut self, format: u32) {
        if format != FORMAT_VERSION {
            let d = self
                .at("format", format!("unsupported format version {format}"))
                .expected(format!("`format: {FORMAT_VERSION}`"))
                .help("this build of LabShift reads format 1 files");
            self.push(d);
        }
    }

    fn date(&mut self, path: &str, text: &str) -> Date {
        Date::parse(text).unwrap_or_else(|| {
            let d = self
                .at(path, format!("`{text}` is not a valid date"))
                .expected("a date written `YYYY-MM-DD`, e.g. \"2026-03-14\"");
            self.push(d);
            Date(0)
        })
    }

    fn clock(&mut self, path: &str, text: &str) -> Option<ClockTime> {
        let parsed = ClockTime::parse(text);
        if parsed.is_none() {
            let d = self.at(path, format!("`{text}` is not a valid clock time")).expected(
                "a time written `HH:MM` or `HH:MM:SS`, e.g. \"07:45\" (hours 24–47 are the next day)",
            );
            self.push(d);
        }
        parsed
    }

    /// Reports an empty or duplicate id; returns whether it is new.
    fn unique(&mut self, seen: &mut BTreeMap<String, String>, path: &str, what: &str, id: &str) -> bool {
        if id.trim().is_empty() {
            let d = self.at(path, format!("{what} id is empty")).expected(format!("a non-empty {what} id"));
            self.push(d);
            return false;
        }
        if let Some(first) = seen.get(id) {
            let (line, _) =
                self.spans().find(first).map_or((0, 0), |s| crate::diag::line_col(self.src, s.start));
            let d = self
                .at(path, format!("duplicate {what} id `{id}`"))
                .expected(format!("each {what} id once"))
                .help(format!("`{id}` is first defined on line {line}; rename one of them"));
            self.push(d);
            return false;
        }
        seen.insert(id.to_owned(), path.to_owned());
        true
    }

    /// Reports a reference to an undefined id, with a suggestion.
    fn known(&mut self, path: &str, what: &str, id: &str, defined: &[&str], defined_where: &str) -> bool {
        if defined.contains(&id) {
            return true;
        }
        let d = self
            .at(path, format!("unknown {what} `{id}`"))
            .expected(format!("{} defined {defined_where}", article(what)))
            .help(suggest(id, what, defined));
        self.push(d);
        false
    }

    fn positive(&mut self, path: &str, what: &str, value: f64) {
        if !(value.is_finite() && value > 0.0) {
            let d = self.at(path, format!("{what} must be greater than 0, found {value}"));
            self.push(d);
        }
    }

    fn range(&mut self, path: &str, what: &str, (low, high): (f64, f64)) {
        if !(low.is_finite() && high.is_finite() && low < high) {
            let d = self
                .at(path, format!("{what} ({low}, {high}) is not a range"))
                .expected("(low, high) with low below high");
            self.push(d);
        }
    }
}

fn article(what: &str) -> String {
    format!("{} {what}", a_or_an(what))
}

/// The indefinite article for a word.
pub fn a_or_an(word: &str) -> &'static str {
    if word.to_lowercase().starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" }
}

/// Whether an id is lower-case letters, digits, `-` and `_`.
pub fn is_slug(id: &str) -> bool {
    !id.is_empty()
        && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}
