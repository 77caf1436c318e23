//! RON text into the raw file types, with `ron`'s errors turned into
//! diagnostics that say what was expected and where.

use ron::error::{Error as RonError, SpannedError};
use ron::extensions::Extensions;
use serde::de::DeserializeOwned;

use crate::diag::{Diagnostic, closest};

/// Parses RON text into a raw type, turning `ron`'s error into a diagnostic.
/// The text without the byte-order mark some editors (Windows Notepad) put
/// before UTF-8 text: a file with one reads like the same file without.
pub fn without_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

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

/// Whether `src` looks cut off, the parser having stopped at `end` (its
/// error's end, 1-based line and column): the reader ran out of text, and
/// the text does not close the document as a saved file would. Gives the
/// last line with text.
fn cut_off(src: &str, end: ron::error::Position) -> Option<usize> {
    let (index, last) = src.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()).last()?;
    let line = index + 1;
    let at_the_end = end.line > line || (end.line == line && end.col > last.trim_end().chars().count());
    let closed = last.trim() == ")";
    (at_the_end && !closed).then_some(line)
}

/// A number written as people write it and RON does not read it, at the
/// parser's stop (`line`, `col`, 1-based): `70%`, or a decimal comma `5,8`.
fn number_format_hint(src: &str, line: usize, col: usize) -> Option<String> {
    let text: Vec<char> = src.lines().nth(line.checked_sub(1)?)?.chars().collect();
    let at = col.saturating_sub(1).min(text.len());
    // The number the parser stopped on or just after.
    let mut start = at;
    while start > 0 && (text[start - 1].is_ascii_digit() || text[start - 1] == '.') {
        start -= 1;
    }
    let mut end = at;
    while end < text.len() && text[end].is_ascii_digit() {
        end += 1;
    }
    let digits: String = text[start..end.max(start)].iter().collect();
    let before = |i: usize| i > 0 && text[i - 1].is_ascii_digit();
    let after = |i: usize| text.get(i + 1).is_some_and(char::is_ascii_digit);
    let percent = (start..text.len().min(at + 2)).find(|&i| text[i] == '%' && before(i));
    if let Some(i) = percent {
        let number: String = text[start..i].iter().collect();
        return Some(format!(
            "write the number alone, without `%`: `{}`",
            if number.is_empty() { digits } else { number }
        ));
    }
    let comma =
        (start.saturating_sub(1)..text.len().min(at + 2)).find(|&i| text[i] == ',' && before(i) && after(i));
    comma.map(|i| {
        let mut whole = i;
        while whole > 0 && text[whole - 1].is_ascii_digit() {
            whole -= 1;
        }
        let mut frac = i + 1;
        while frac < text.len() && text[frac].is_ascii_digit() {
            frac += 1;
        }
        let int: String = text[whole..i].iter().collect();
        let dec: String = text[i + 1..frac].iter().collect();
        format!("a decimal is written with a point: `{int}.{dec}`, not `{int},{dec}`")
    })
}

fn ron_diagnostic(file: &str, src: &str, e: &SpannedError) -> Diagnostic {
    let mut d = ron_diagnostic_as_said(file, src, e);
    if let Some(hint) = number_format_hint(src, e.span.start.line, e.span.start.col) {
        d.help = Some(hint);
    }
    // A file cut short (a crash mid-write, a copy interrupted) confuses the
    // parser into odd complaints on its last line (`unknown variant `Reje``,
    // "did you mean `Reject`?"): say what happened instead.
    match cut_off(src, e.span.end) {
        Some(last) if !matches!(e.code, RonError::TrailingCharacters) => Diagnostic {
            message: format!("the file ends early (line {last}): it looks cut off"),
            expected: None,
            help: Some(format!(
                "the text stops before the document's closing `)` (here the reader says: {}); \
                 restore the rest of the file from where it was copied",
                d.message
            )),
            ..d
        },
        _ => d,
    }
}

fn ron_diagnostic_as_said(file: &str, src: &str, e: &SpannedError) -> Diagnostic {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn message(src: &str) -> (String, Option<String>) {
        let err = parse_ron::<Vec<(u8, f64)>>("f.ron", src).expect_err("the text is broken");
        (err.message.clone(), err.help.clone())
    }

    #[test]
    fn a_file_cut_short_says_so_and_one_broken_inside_does_not() {
        let (cut, help) = message("[\n  (1, 2.0),\n  (3, 4.");
        assert_eq!(cut, "the file ends early (line 3): it looks cut off");
        assert!(help.is_some_and(|h| h.contains("restore the rest of the file")));
        // Broken in the middle, the file closed: the reader's own words.
        let (inside, _) = message("[\n  (1, 2.0)\n  (3, 4.0),\n]");
        assert!(!inside.contains("cut off"), "{inside}");
    }

    #[test]
    fn numbers_written_with_a_percent_sign_or_a_decimal_comma_get_a_hint() {
        assert_eq!(
            number_format_hint("fill_pct: 70%,", 1, 13).as_deref(),
            Some("write the number alone, without `%`: `70`")
        );
        assert_eq!(
            number_format_hint("value: Exact(5,8)", 1, 15).as_deref(),
            Some("a decimal is written with a point: `5.8`, not `5,8`")
        );
        // A list of numbers with spaces after its commas is not a decimal comma.
        assert_eq!(number_format_hint("reference: (3.5, 5.1)", 1, 17), None);
    }
}
