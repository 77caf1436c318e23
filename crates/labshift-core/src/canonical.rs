//! A quick reader for RON as LabShift writes it: the fast path for grading a
//! cohort's session logs.
//!
//! It reads a strict subset of RON: structs (named or not), enums, plain
//! strings without escapes, unsigned decimal integers, booleans,
//! lists, `//` comments and ASCII whitespace. Anything else (escapes, floats,
//! options, signs, block comments, number suffixes, extensions) makes it give up, and
//! the caller reads the text with `ron` instead, which gives the diagnostics.
//!
//! Invariant: whatever this reader accepts, `ron` accepts too and reads as the
//! same value (tested in `tests/canonical.rs` against every log in the
//! repository and a fuzzed corpus of them). It never reports an error of its
//! own: giving up is its only failure.

use serde::de::{self, DeserializeOwned, DeserializeSeed, Visitor};

/// Reads `src` as a `T`, or `None` when the text is outside the subset (or
/// not a `T`): read it with `ron` then.
pub fn from_str<T: DeserializeOwned>(src: &str) -> Option<T> {
    let mut reader = Reader { text: src, src: src.as_bytes(), pos: 0 };
    let value = T::deserialize(&mut reader).ok()?;
    reader.skip_blank().ok()?;
    (reader.pos == reader.src.len()).then_some(value)
}

/// Giving up: the text is outside the subset, or not the type asked for.
#[derive(Debug)]
pub struct GiveUp;

impl std::fmt::Display for GiveUp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("outside canonical RON")
    }
}

impl std::error::Error for GiveUp {}

impl de::Error for GiveUp {
    fn custom<M: std::fmt::Display>(_: M) -> Self {
        GiveUp
    }
}

type Result<T> = std::result::Result<T, GiveUp>;

struct Reader<'a> {
    text: &'a str,
    /// `text`'s bytes: every token starts and ends at an ASCII byte, so
    /// slices between them are whole characters.
    src: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn peek(&self) -> Option<u8> {
        self.src.get(self.pos).copied()
    }

    /// Skips ASCII whitespace and `//` comments.
    fn skip_blank(&mut self) -> Result<()> {
        while let Some(b) = self.peek() {
            match b {
                b' ' | b'\t' | b'\n' | b'\r' => self.pos += 1,
                b'/' if self.src.get(self.pos + 1) == Some(&b'/') => {
                    while self.peek().is_some_and(|b| b != b'\n') {
                        self.pos += 1;
                    }
                }
                b'/' => return Err(GiveUp),
                _ => break,
            }
        }
        Ok(())
    }

    /// Skips blanks and whether the next byte is `b` (consumed if so).
    fn eat(&mut self, b: u8) -> Result<bool> {
        self.skip_blank()?;
        if self.peek() == Some(b) {
            self.pos += 1;
            return Ok(true);
        }
        Ok(false)
    }

    fn expect(&mut self, b: u8) -> Result<()> {
        if self.eat(b)? { Ok(()) } else { Err(GiveUp) }
    }

    /// An identifier of ASCII letters, digits and `_`, not starting with a digit.
    fn ident(&mut self) -> Result<&'a str> {
        self.skip_blank()?;
        let start = self.pos;
        if !self.peek().is_some_and(|b| b.is_ascii_alphabetic() || b == b'_') {
            return Err(GiveUp);
        }
        while self.peek().is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_') {
            self.pos += 1;
        }
        // `r#raw` identifiers and non-ASCII identifiers are left to `ron`.
        if self.peek().is_some_and(|b| b == b'#' || !b.is_ascii()) {
            return Err(GiveUp);
        }
        self.text.get(start..self.pos).ok_or(GiveUp)
    }

    /// A string between double quotes, with no escape and no control character.
    fn string(&mut self) -> Result<&'a str> {
        self.expect(b'"')?;
        let start = self.pos;
        loop {
            match self.peek() {
                Some(b'"') => break,
                Some(b'\\') | None => return Err(GiveUp),
                Some(b) if b < 0x20 || b == 0x7f => return Err(GiveUp),
                Some(_) => self.pos += 1,
            }
        }
        let text = self.text.get(start..self.pos).ok_or(GiveUp)?;
        self.pos += 1;
        Ok(text)
    }

    /// Decimal digits: no sign, base, `_`, fraction or suffix.
    fn integer(&mut self) -> Result<u64> {
        self.skip_blank()?;
        let start = self.pos;
        let mut value: u64 = 0;
        while let Some(b) = self.peek().filter(u8::is_ascii_digit) {
            value = value.checked_mul(10).and_then(|v| v.checked_add(u64::from(b - b'0'))).ok_or(GiveUp)?;
            self.pos += 1;
        }
        let digits = self.pos - start;
        // A leading zero may start `0x…`; a letter, `_` or `.` continues the number in ways left to `ron`.
        let next_continues = self.peek().is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.');
        if digits == 0 || next_continues || (digits > 1 && self.src[start] == b'0') {
            return Err(GiveUp);
        }
        Ok(value)
    }

    fn number<T: TryFrom<u64>>(&mut self) -> Result<T> {
        T::try_from(self.integer()?).map_err(|_| GiveUp)
    }

    /// The items of a comma-separated list up to `close`, a trailing comma allowed.
    fn list<'r>(&'r mut self, close: u8) -> Items<'r, 'a> {
        Items { reader: self, close, first: true, done: false }
    }
}

/// Walks a list's items; the reader is left after the closing bracket.
struct Items<'r, 'a> {
    reader: &'r mut Reader<'a>,
    close: u8,
    first: bool,
    done: bool,
}

impl Items<'_, '_> {
    /// Whether another item follows (the separator consumed).
    fn next(&mut self) -> Result<bool> {
        if self.done {
            return Ok(false);
        }
        if !self.first && !self.reader.eat(b',')? {
            self.reader.expect(self.close)?;
            self.done = true;
            return Ok(false);
        }
        self.first = false;
        if self.reader.eat(self.close)? {
            self.done = true;
            return Ok(false);
        }
        Ok(true)
    }
}

macro_rules! give_up {
    ($($method:ident)*) => {
        $(fn $method<V: Visitor<'de>>(self, _: V) -> Result<V::Value> {
            Err(GiveUp)
        })*
    };
}

macro_rules! integers {
    ($($method:ident => $visit:ident,)*) => {
        $(fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
            visitor.$visit(self.number()?)
        })*
    };
}

impl<'de> de::Deserializer<'de> for &mut Reader<'de> {
    type Error = GiveUp;

    give_up! {
        deserialize_any deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64 deserialize_f32 deserialize_f64 deserialize_char deserialize_bytes
        deserialize_byte_buf deserialize_option deserialize_unit deserialize_map deserialize_ignored_any
    }

    integers! {
        deserialize_u8 => visit_u8, deserialize_u16 => visit_u16, deserialize_u32 => visit_u32,
        deserialize_u64 => visit_u64,
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.ident()? {
            "true" => visitor.visit_bool(true),
            "false" => visitor.visit_bool(false),
            _ => Err(GiveUp),
        }
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        visitor.visit_borrowed_str(self.string()?)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_str(visitor)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        visitor.visit_borrowed_str(self.ident()?)
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(self, _: &'static str, _: V) -> Result<V::Value> {
        Err(GiveUp)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, _: &'static str, _: V) -> Result<V::Value> {
        Err(GiveUp)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.expect(b'[')?;
        let mut items = self.list(b']');
        let value = visitor.visit_seq(Seq { items: &mut items })?;
        // Every item must have been read.
        if items.next()? { Err(GiveUp) } else { Ok(value) }
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, _: usize, _: V) -> Result<V::Value> {
        Err(GiveUp)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(self, _: &'static str, _: usize, _: V) -> Result<V::Value> {
        Err(GiveUp)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        self.skip_blank()?;
        if self.peek() != Some(b'(') && self.ident()? != name {
            return Err(GiveUp);
        }
        self.fields(visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        visitor.visit_enum(self)
    }
}

impl<'de> Reader<'de> {
    /// `(name: value, …)`, the struct's name already read.
    fn fields<V: Visitor<'de>>(&mut self, visitor: V) -> Result<V::Value> {
        self.expect(b'(')?;
        let mut items = self.list(b')');
        let value = visitor.visit_map(Fields { items: &mut items })?;
        if items.next()? { Err(GiveUp) } else { Ok(value) }
    }
}

struct Seq<'i, 'r, 'a> {
    items: &'i mut Items<'r, 'a>,
}

impl<'de> de::SeqAccess<'de> for Seq<'_, '_, 'de> {
    type Error = GiveUp;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>> {
        if !self.items.next()? {
            return Ok(None);
        }
        seed.deserialize(&mut *self.items.reader).map(Some)
    }
}

struct Fields<'i, 'r, 'a> {
    items: &'i mut Items<'r, 'a>,
}

impl<'de> de::MapAccess<'de> for Fields<'_, '_, 'de> {
    type Error = GiveUp;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>> {
        if !self.items.next()? {
            return Ok(None);
        }
        seed.deserialize(&mut *self.items.reader).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value> {
        self.items.reader.expect(b':')?;
        seed.deserialize(&mut *self.items.reader)
    }
}

impl<'de> de::EnumAccess<'de> for &mut Reader<'de> {
    type Error = GiveUp;
    type Variant = Self;

    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Self)> {
        let variant = seed.deserialize(&mut *self)?;
        Ok((variant, self))
    }
}

impl<'de> de::VariantAccess<'de> for &mut Reader<'de> {
    type Error = GiveUp;

    fn unit_variant(self) -> Result<()> {
        // `Unit()` and other shapes are left to `ron`.
        self.skip_blank()?;
        if self.peek() == Some(b'(') { Err(GiveUp) } else { Ok(()) }
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value> {
        self.expect(b'(')?;
        let value = seed.deserialize(&mut *self)?;
        self.expect(b')')?;
        Ok(value)
    }

    fn tuple_variant<V: Visitor<'de>>(self, _: usize, _: V) -> Result<V::Value> {
        Err(GiveUp)
    }

    fn struct_variant<V: Visitor<'de>>(self, _: &'static [&'static str], visitor: V) -> Result<V::Value> {
        self.fields(visitor)
    }
}
