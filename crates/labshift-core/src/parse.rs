//! RON text into the raw file types, with `ron`'s errors turned into
//! diagnostics that say what was expected and where.

use ron::error::{Error as RonError, SpannedError};
use ron::extensions::Extensions;
use serde::de::DeserializeOwned;

use crate::diag::{Diagnostic, closest};

/// Parses RON text into a raw type, turning `ron`'s error into a diagnostic.
pub fn parse_ron<T: DeserializeOwned>(file: &str, src: &str) -> Result<T, Box<Diagnostic>> {
    let options = ron::Options::default().with_default_extension(Extensions::IMPLICIT_SOME);
    options.from_str(src).map_err(|e| Box::new(ron_diagnostic(file, src, &e)))
}

fn one_of(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    match quoted.len() {
        0 => "nothing here".to_owned(),
        1 => quoted[0].clone(),
        _ => format!("one of {}", quoted.join(", ")),
    }
}

fn ron_diagnostic(file: &str, src: &str, e: &SpannedError) -> Diagnostic {
    let start = e.span.start;
    let width = if e.span.end.line == start.line { e.span.end.col.saturating_sub(start.col) } else { 1 };
    let at = |message: String| Diagnostic::at_line_col(file, src, start.line, start.col, width, message);
    let inside = |outer: &Option<String>| outer.as_ref().map(|o| format!(" in `{o}`")).unwrap_or_default();
    match &e.code {
        RonError::NoSuchStructField { expected, found, outer } => {
            at(format!("unknown field `{found}`{}", inside(outer)))
                .expected(one_of(expected))
                .maybe_help(closest(found, expected.iter().copied()).map(|b| format!("did you mean `{b}`?")))
        }
        RonError::NoSuchEnumVariant { expected, found, outer } => {
            at(format!("unknown variant `{found}`{}", inside(outer)))
                .expected(one_of(expected))
                .maybe_help(closest(found, expected.iter().copied()).map(|b| format!("did you mean `{b}`?")))
        }
        RonError::MissingStructField { field, outer } => {
            at(format!("missing field `{field}`{}", inside(outer)))
                .help(format!("add `{field}: …` (docs/scenario-format.md describes every field)"))
        }
        RonError::DuplicateStructField { field, outer } => {
            at(format!("field `{field}` is given twice{}", inside(outer))).help("keep one of them")
        }
        RonError::ExpectedDifferentStructName { expected, found } => at(format!(
            "found `{found}` where {} `{expected}` was expected",
            crate::validate::a_or_an(expected)
        ))
        .help("a list or parenthesis before this point may not be closed"),
        RonError::ExpectedComma => at("expected a comma".to_owned())
            .help("a comma is probably missing at the end of the previous value"),
        RonError::InvalidValueForType { expected, found } => {
            at(format!("found {found}")).expected(expected.clone())
        }
        RonError::Eof => {
            at("the file ends too early".to_owned()).help("a bracket or parenthesis is probably not closed")
        }
        RonError::TrailingCharacters => {
            at("text after the end of the document".to_owned()).help("a closing bracket may be one too many")
        }
        RonError::Message(m) => at(m.clone()),
        other => {
            let text = other.to_string();
            let mut chars = text.chars();
            let message = match chars.next() {
                Some(first) => first.to_lowercase().chain(chars).collect(),
                None => "invalid RON".to_owned(),
            };
            at(message)
        }
    }
}
