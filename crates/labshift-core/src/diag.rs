//! Diagnostics people read: file, line, column, a source snippet, what was
//! expected and, where one exists, a suggested fix.

use std::fmt::{self, Write as _};

use serde::Serialize;

use crate::spans::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One problem found in a file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    pub file: String,
    /// 1-based line; 0 when the problem concerns the whole file.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// The source line the problem is on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snippet: Option<String>,
    /// How many characters of the snippet to underline from `column`.
    #[serde(skip)]
    pub width: usize,
}

impl Diagnostic {
    /// A problem with the file as a whole (it cannot be read, it is too large).
    pub fn whole_file(file: &str, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            file: file.to_owned(),
            line: 0,
            column: 0,
            message: message.into(),
            expected: None,
            help: None,
            snippet: None,
            width: 0,
        }
    }

    /// A problem at a byte span of `src`.
    pub fn at(file: &str, src: &str, span: Span, message: impl Into<String>) -> Diagnostic {
        let (line, column) = line_col(src, span.start);
        Self::at_line_col(file, src, line, column, span.end.saturating_sub(span.start), message)
    }

    /// A problem at a 1-based line and column of `src`.
    pub fn at_line_col(
        file: &str,
        src: &str,
        line: usize,
        column: usize,
        width_bytes: usize,
        message: impl Into<String>,
    ) -> Diagnostic {
        let text = src.lines().nth(line.saturating_sub(1)).unwrap_or("");
        let rest: String = text.chars().skip(column.saturating_sub(1)).collect();
        let width = rest.char_indices().take_while(|(i, _)| *i < width_bytes.max(1)).count().max(1);
        Diagnostic {
            severity: Severity::Error,
            file: file.to_owned(),
            line,
            column,
            message: message.into(),
            expected: None,
            help: None,
            snippet: Some(text.to_owned()),
            width,
        }
    }

    pub fn expected(mut self, expected: impl Into<String>) -> Self {
        self.expected = Some(expected.into());
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn maybe_help(mut self, help: Option<String>) -> Self {
        self.help = help;
        self
    }

    pub fn warning(mut self) -> Self {
        self.severity = Severity::Warning;
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Characters of a message a diagnostic shows at most.
const MESSAGE_CHARS: usize = 240;

/// Characters of a source line a diagnostic shows at most.
const SNIPPET_CHARS: usize = 160;

impl fmt::Display for Diagnostic {
    /// Rendered as compilers do:
    ///
    /// ```text
    /// scenarios/x.ron:12:19: error: unknown analyzer `chem2`
    ///    |
    /// 12 |         analyzer: "chem2",
    ///    |                   ^^^^^^^
    ///    = expected: an analyzer id defined under `lab.analyzers`
    ///    = help: defined: `chem1`, `heme1`
    /// ```
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        // A message quoting a huge value (a 300 000-character id) stays readable.
        let message: String = if self.message.chars().count() > MESSAGE_CHARS {
            self.message.chars().take(MESSAGE_CHARS).chain(['…']).collect()
        } else {
            self.message.clone()
        };
        if self.line == 0 {
            writeln!(f, "{}: {kind}: {message}", self.file)?;
        } else {
            writeln!(f, "{}:{}:{}: {kind}: {message}", self.file, self.line, self.column)?;
        }
        let gutter = " ".repeat(self.line.to_string().len());
        if let Some(snippet) = &self.snippet {
            // Tabs as spaces, other control characters visible; a long line
            // is shown as a window around the column.
            let chars: Vec<char> = snippet
                .trim_end()
                .chars()
                .map(|c| {
                    if c == '\t' {
                        ' '
                    } else if c.is_control() {
                        '\u{fffd}'
                    } else {
                        c
                    }
                })
                .collect();
            let column = self.column.saturating_sub(1);
            let first =
                if chars.len() > SNIPPET_CHARS { column.saturating_sub(SNIPPET_CHARS / 3) } else { 0 };
            let last = (first + SNIPPET_CHARS).min(chars.len());
            let left = if first > 0 { "…" } else { "" };
            let right = if last < chars.len() { "…" } else { "" };
            let shown: String = chars[first.min(last)..last].iter().collect();
            writeln!(f, "{gutter} |")?;
            writeln!(f, "{} | {left}{shown}{right}", self.line)?;
            let mut marks = String::new();
            let at = column.saturating_sub(first) + left.chars().count();
            let room = (last + left.chars().count()).saturating_sub(at).max(1);
            let _ = write!(marks, "{}{}", " ".repeat(at), "^".repeat(self.width.clamp(1, room)));
            writeln!(f, "{gutter} | {marks}")?;
        }
        if let Some(expected) = &self.expected {
            writeln!(f, "{gutter} = expected: {expected}")?;
        }
        if let Some(help) = &self.help {
            writeln!(f, "{gutter} = help: {help}")?;
        }
        Ok(())
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(src: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(src.len());
    let before = src.get(..offset).unwrap_or(src);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

/// Levenshtein distance, for "did you mean" suggestions.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = if ca == *cb { diagonal } else { 1 + diagonal.min(above).min(row[j]) };
            diagonal = above;
        }
    }
    row[b.len()]
}

/// The candidate closest to `found`, if it is close enough to be a typo.
pub fn closest<'a>(found: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lower = found.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (edit_distance(&lower, &c.to_lowercase()), c))
        .filter(|(d, c)| *d <= (c.chars().count().max(found.chars().count()) / 3).max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// The names defined, for a help line: "defined: `a`, `b` and 7 more".
pub fn defined_list(what: &str, defined: &[&str]) -> String {
    if defined.is_empty() {
        return format!("no {what} is defined");
    }
    let shown: Vec<String> = defined.iter().take(12).map(|d| format!("`{d}`")).collect();
    let more = if defined.len() > 12 { format!(" and {} more", defined.len() - 12) } else { String::new() };
    format!("defined: {}{more}", shown.join(", "))
}

/// "did you mean `x`?" followed by the defined names, for unknown references.
pub fn suggest(found: &str, what: &str, defined: &[&str]) -> String {
    let list = defined_list(what, defined);
    match closest(found, defined.iter().copied()) {
        Some(best) => format!("did you mean `{best}`? {list}"),
        None => list,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters() {
        let src = "ab\ncdé f\n";
        assert_eq!(line_col(src, 0), (1, 1));
        assert_eq!(line_col(src, 3), (2, 1));
        // 'é' is two bytes; 'f' is the 5th character of line 2.
        assert_eq!(line_col(src, src.find('f').unwrap_or(0)), (2, 5));
    }

    #[test]
    fn closest_finds_typos_only() {
        let defined = ["chem1", "heme1", "coag1"];
        assert_eq!(closest("chem2", defined), Some("chem1"));
        assert_eq!(closest("CHEM1", defined), Some("chem1"));
        assert_eq!(closest("urinalysis", defined), None);
        assert_eq!(closest("hemolysis_indx", ["hemolysis_index", "icterus_index"]), Some("hemolysis_index"));
    }

    #[test]
    fn renders_like_a_compiler() {
        let src = "(\n  analyzer: \"chem2\",\n)";
        let start = src.find("\"chem2\"").unwrap_or(0);
        let d = Diagnostic::at("x.ron", src, Span { start, end: start + 7 }, "unknown analyzer `chem2`")
            .help(suggest("chem2", "analyzer", &["chem1", "heme1"]));
        let text = d.to_string();
        assert_eq!(
            text,
            "x.ron:2:13: error: unknown analyzer `chem2`\n  |\n2 |   analyzer: \"chem2\",\n  |             ^^^^^^^\n  = help: did you mean `chem1`? defined: `chem1`, `heme1`\n"
        );
    }
}
