//! Where each value of a RON file stands, by path.
//!
//! `ron` reports a position for syntax and type errors but keeps no spans once
//! a file has parsed. The checks that come after parsing (unknown ids, SD ≤ 0,
//! events outside the shift) still have to say file:line:col, so this module
//! walks the source once more and records the byte span of every value under a
//! path such as `specimens[2].label.mrn` or `specimens[0].values[K]`.
//!
//! It runs only on text `ron` has already accepted, so on anything it does not
//! understand it simply stops and keeps what it has recorded.

use std::collections::BTreeMap;

/// Byte range of a value in its source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

/// Path → span of every value in one RON document.
#[derive(Debug, Default, Clone)]
pub struct SpanIndex {
    spans: BTreeMap<String, Span>,
    /// Name of the outermost struct (`Scenario`, `PolicyPack`), if written.
    pub root_name: Option<String>,
}

impl SpanIndex {
    pub fn build(src: &str) -> SpanIndex {
        let mut scanner = Scanner { src: src.as_bytes(), pos: 0, depth: 0, index: SpanIndex::default() };
        scanner.skip_trivia();
        scanner.skip_attributes();
        // On text it does not understand the scanner stops; what it recorded stays.
        let _ = scanner.value(String::new(), true);
        scanner.index
    }

    /// Span of the value at `path`, or of its nearest recorded ancestor (a
    /// defaulted field has no text of its own: point at its parent).
    pub fn find(&self, path: &str) -> Option<Span> {
        let mut p = path;
        loop {
            if let Some(span) = self.spans.get(p) {
                return Some(*span);
            }
            let cut = p.rfind(['.', '['])?;
            p = &p[..cut];
        }
    }

    /// Span of the value at exactly `path`.
    pub fn exact(&self, path: &str) -> Option<Span> {
        self.spans.get(path).copied()
    }
}

/// Nesting the scanner follows, as deep as `ron` itself parses: text nested
/// deeper is hostile, and must not exhaust the stack.
const MAX_DEPTH: usize = 128;

struct Scanner<'a> {
    src: &'a [u8],
    pos: usize,
    depth: usize,
    index: SpanIndex,
}

fn join_field(prefix: &str, name: &str) -> String {
    if prefix.is_empty() { name.to_owned() } else { format!("{prefix}.{name}") }
}

impl Scanner<'_> {
    fn peek(&self) -> Option<u8> {
        self.src.get(self.pos).copied()
    }

    fn peek_at(&self, offset: usize) -> Option<u8> {
        self.src.get(self.pos + offset).copied()
    }

    fn skip_trivia(&mut self) {
        loop {
            match (self.peek(), self.peek_at(1)) {
                (Some(c), _) if c.is_ascii_whitespace() => self.pos += 1,
                (Some(b'/'), Some(b'/')) => {
                    while let Some(c) = self.peek() {
                        if c == b'\n' {
                            break;
                        }
                        self.pos += 1;
                    }
                }
                (Some(b'/'), Some(b'*')) => {
                    self.pos += 2;
                    let mut depth = 1;
                    while depth > 0 && self.pos < self.src.len() {
                        match (self.peek(), self.peek_at(1)) {
                            (Some(b'/'), Some(b'*')) => {
                                depth += 1;
                                self.pos += 2;
                            }
                            (Some(b'*'), Some(b'/')) => {
                                depth -= 1;
                                self.pos += 2;
                            }
                            _ => self.pos += 1,
                        }
                    }
                }
                _ => return,
            }
        }
    }

    /// `#![enable(...)]` lines before the value.
    fn skip_attributes(&mut self) {
        while self.peek() == Some(b'#') {
            while let Some(c) = self.peek() {
                self.pos += 1;
                if c == b']' {
                    break;
                }
            }
            self.skip_trivia();
        }
    }

    fn eat(&mut self, c: u8) -> bool {
        self.skip_trivia();
        if self.peek() == Some(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn ident(&mut self) -> Option<&str> {
        let start = self.pos;
        if self.peek() == Some(b'r') && self.peek_at(1) == Some(b'#') {
            self.pos += 2;
        }
        while let Some(c) = self.peek() {
            if c.is_ascii_alphanumeric() || c == b'_' {
                self.pos += 1;
            } else {
                break;
            }
        }
        if self.pos == start {
            return None;
        }
        std::str::from_utf8(&self.src[start..self.pos]).ok()
    }

    /// Parses one value, records its span under `path` and returns it.
    fn value(&mut self, path: String, root: bool) -> Option<Span> {
        if self.depth >= MAX_DEPTH {
            return None;
        }
        self.depth += 1;
        let span = self.nested_value(path, root);
        self.depth -= 1;
        span
    }

    fn nested_value(&mut self, path: String, root: bool) -> Option<Span> {
        self.skip_trivia();
        let start = self.pos;
        match self.peek()? {
            b'"' => self.string()?,
            b'\'' => self.char_literal()?,
            b'(' => {
                self.pos += 1;
                self.compound_body(&path, None)?;
            }
            b'[' => {
                self.pos += 1;
                self.list_body(&path)?;
            }
            b'{' => {
                self.pos += 1;
                self.map_body(&path)?;
            }
            b'r' if matches!(self.peek_at(1), Some(b'"' | b'#')) && self.is_raw_string() => {
                self.raw_string()?;
            }
            b'b' if self.peek_at(1) == Some(b'"') => {
                self.pos += 1;
                self.string()?;
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                let name = self.ident()?.to_owned();
                if root {
                    self.index.root_name = Some(name.clone());
                }
                self.skip_trivia();
                if self.peek() == Some(b'(') {
                    self.pos += 1;
                    self.compound_body(&path, Some(&name))?;
                }
            }
            _ => self.number()?,
        }
        let span = Span { start, end: self.pos };
        self.index.spans.entry(path).or_insert(span);
        Some(span)
    }

    /// After `(`: either `field: value, …` or `value, …`, up to `)`.
    fn compound_body(&mut self, path: &str, name: Option<&str>) -> Option<()> {
        self.skip_trivia();
        if self.eat(b')') {
            return Some(());
        }
        let is_struct = self.looks_like_field();
        let mut i = 0;
        loop {
            self.skip_trivia();
            if self.eat(b')') {
                return Some(());
            }
            if is_struct {
                let field = self.ident()?.to_owned();
                if !self.eat(b':') {
                    return None;
                }
                self.value(join_field(path, &field), false)?;
            } else {
                // `Some(x)` is transparent: x answers for the optional field itself.
                let child = if name == Some("Some") { path.to_owned() } else { format!("{path}[{i}]") };
                self.value(child, false)?;
            }
            i += 1;
            if !self.eat(b',') {
                return self.eat(b')').then_some(());
            }
        }
    }

    fn looks_like_field(&mut self) -> bool {
        let save = self.pos;
        let is_field = self.ident().is_some() && self.eat(b':');
        self.pos = save;
        is_field
    }

    fn list_body(&mut self, path: &str) -> Option<()> {
        let mut i = 0;
        loop {
            if self.eat(b']') {
                return Some(());
            }
            self.value(format!("{path}[{i}]"), false)?;
            i += 1;
            if !self.eat(b',') {
                return self.eat(b']').then_some(());
            }
        }
    }

    fn map_body(&mut self, path: &str) -> Option<()> {
        loop {
            if self.eat(b'}') {
                return Some(());
            }
            self.skip_trivia();
            let key_span = self.value(String::from("\0key"), false)?;
            self.index.spans.remove("\0key");
            let key = std::str::from_utf8(&self.src[key_span.start..key_span.end]).ok()?;
            let key = key.trim().trim_matches('"').to_owned();
            self.index.spans.insert(format!("{path}[{key}]#key"), key_span);
            if !self.eat(b':') {
                return None;
            }
            self.value(format!("{path}[{key}]"), false)?;
            if !self.eat(b',') {
                return self.eat(b'}').then_some(());
            }
        }
    }

    fn string(&mut self) -> Option<()> {
        self.pos += 1; // opening quote
        while let Some(c) = self.peek() {
            self.pos += 1;
            match c {
                b'\\' => self.pos += 1,
                b'"' => return Some(()),
                _ => {}
            }
        }
        None
    }

    fn char_literal(&mut self) -> Option<()> {
        self.pos += 1;
        while let Some(c) = self.peek() {
            self.pos += 1;
            match c {
                b'\\' => self.pos += 1,
                b'\'' => return Some(()),
                _ => {}
            }
        }
        None
    }

    fn is_raw_string(&self) -> bool {
        let mut p = self.pos + 1;
        while self.src.get(p) == Some(&b'#') {
            p += 1;
        }
        self.src.get(p) == Some(&b'"')
    }

    fn raw_string(&mut self) -> Option<()> {
        self.pos += 1; // r
        let mut hashes = 0;
        while self.peek() == Some(b'#') {
            hashes += 1;
            self.pos += 1;
        }
        self.pos += 1; // opening quote
        loop {
            let c = self.peek()?;
            self.pos += 1;
            if c == b'"' && (0..hashes).all(|k| self.peek_at(k) == Some(b'#')) {
                self.pos += hashes;
                return Some(());
            }
        }
    }

    fn number(&mut self) -> Option<()> {
        let start = self.pos;
        while let Some(c) = self.peek() {
            if c.is_ascii_alphanumeric() || matches!(c, b'+' | b'-' | b'.' | b'_') {
                self.pos += 1;
            } else {
                break;
            }
        }
        (self.pos > start).then_some(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text<'a>(src: &'a str, index: &SpanIndex, path: &str) -> &'a str {
        let span = index.exact(path).unwrap_or_else(|| panic!("no span for {path}"));
        &src[span.start..span.end]
    }

    #[test]
    fn records_nested_paths() {
        let src = r##"// a comment
#![enable(implicit_some)]
Scenario(
    meta: (id: "a", tier: Junior, /* inline */ n: -1.5e3),
    list: [ (id: "x"), (id: "y", label: Some((mrn: "12"))) ],
    map: { "K": Exact(6.8), "NA": Between(135, 145) },
    keyed: { Identification: 20 },
    unit: (),
    raw: r#"quote " inside"#,
)"##;
        let index = SpanIndex::build(src);
        assert_eq!(index.root_name.as_deref(), Some("Scenario"));
        assert_eq!(text(src, &index, "meta.id"), "\"a\"");
        assert_eq!(text(src, &index, "meta.tier"), "Junior");
        assert_eq!(text(src, &index, "meta.n"), "-1.5e3");
        assert_eq!(text(src, &index, "list[1].id"), "\"y\"");
        assert_eq!(text(src, &index, "list[1].label.mrn"), "\"12\"");
        assert_eq!(text(src, &index, "map[K]"), "Exact(6.8)");
        assert_eq!(text(src, &index, "map[NA][1]"), "145");
        assert_eq!(text(src, &index, "keyed[Identification]"), "20");
        assert_eq!(text(src, &index, "map[NA]#key"), "\"NA\"");
        assert_eq!(text(src, &index, "raw"), "r#\"quote \" inside\"#");
    }

    #[test]
    fn find_falls_back_to_the_nearest_ancestor() {
        let src = "(a: (b: 1), c: [2])";
        let index = SpanIndex::build(src);
        let a = index.exact("a").map(|s| &src[s.start..s.end]);
        assert_eq!(a, Some("(b: 1)"));
        assert_eq!(index.find("a.missing").map(|s| &src[s.start..s.end]), Some("(b: 1)"));
        assert_eq!(index.find("c[0].x").map(|s| &src[s.start..s.end]), Some("2"));
        assert_eq!(index.find("zzz"), None);
    }
}
