//! A small streaming JSON writer for `scpd decode`: values go straight into one reused
//! byte buffer, so a decoded message becomes its JSON line without building a tree
//! (no per-message allocation once the buffer has grown). Output is compact and strings
//! are escaped as `serde_json` escapes them (RFC 8259 §7), so lines are byte-for-byte what
//! `serde_json::to_string` printed for the same values.
//!
//! A writer can be switched off ([`J::off`]): every call is then a no-op, which lets
//! `--summary` run the same walk (it needs the errors) without producing text.

use std::fmt::{self, Write as _};

/// A JSON text being written. Commas are placed by the writer: `comma` says whether the
/// next key or array element needs one.
#[derive(Debug, Default)]
pub struct J {
    buf: Vec<u8>,
    comma: bool,
    on: bool,
}

/// A point to roll back to (a value that turned out not to decode).
#[derive(Clone, Copy)]
pub struct Mark(usize, bool);

/// Integers as JSON numbers.
pub trait Num: Copy {
    fn write(self, b: &mut Vec<u8>);
}

fn write_u64(b: &mut Vec<u8>, mut v: u64) {
    let mut t = [0u8; 20];
    let mut i = t.len();
    loop {
        i -= 1;
        t[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    b.extend_from_slice(&t[i..]);
}

fn write_i64(b: &mut Vec<u8>, v: i64) {
    if v < 0 {
        b.push(b'-');
    }
    write_u64(b, v.unsigned_abs());
}

macro_rules! num {
    ($($t:ty => $f:ident as $w:ty),*) => {$(
        impl Num for $t {
            #[inline]
            fn write(self, b: &mut Vec<u8>) {
                $f(b, self as $w)
            }
        }
    )*};
}
num!(u8 => write_u64 as u64, u16 => write_u64 as u64, u32 => write_u64 as u64,
     u64 => write_u64 as u64, usize => write_u64 as u64,
     i8 => write_i64 as i64, i16 => write_i64 as i64, i32 => write_i64 as i64,
     i64 => write_i64 as i64);

const HEX: &[u8; 16] = b"0123456789abcdef";

/// `s` as a JSON string: `"` and `\` escaped, control characters as `\b \t \n \f \r` or
/// `\u00XX` (what serde_json writes); everything else, UTF-8 included, as is.
#[inline]
fn escaped(b: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    // Nearly always nothing to escape (keys, names, digits): one copy.
    if bytes.iter().all(|&c| c >= 0x20 && c != b'"' && c != b'\\') {
        b.reserve(bytes.len() + 2);
        b.push(b'"');
        b.extend_from_slice(bytes);
        b.push(b'"');
        return;
    }
    escaped_slow(b, bytes);
}

fn escaped_slow(b: &mut Vec<u8>, bytes: &[u8]) {
    b.push(b'"');
    let mut start = 0;
    for (i, &c) in bytes.iter().enumerate() {
        let esc: &[u8] = match c {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            0x08 => b"\\b",
            0x0c => b"\\f",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0..=0x1f => b"",
            _ => continue,
        };
        b.extend_from_slice(&bytes[start..i]);
        if esc.is_empty() {
            b.extend_from_slice(b"\\u00");
            b.push(HEX[usize::from(c >> 4)]);
            b.push(HEX[usize::from(c & 0xf)]);
        } else {
            b.extend_from_slice(esc);
        }
        start = i + 1;
    }
    b.extend_from_slice(&bytes[start..]);
    b.push(b'"');
}

impl J {
    /// A writer that writes.
    pub fn new() -> J {
        J {
            buf: Vec::with_capacity(1024),
            comma: false,
            on: true,
        }
    }

    /// A writer that writes nothing (for counting only).
    pub fn off() -> J {
        J::default()
    }

    pub fn is_on(&self) -> bool {
        self.on
    }

    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    pub fn len(&self) -> usize {
        self.buf.len()
    }

    pub fn bytes(&self) -> &[u8] {
        &self.buf
    }

    pub fn clear(&mut self) {
        self.buf.clear();
        self.comma = false;
    }

    pub fn mark(&self) -> Mark {
        Mark(self.buf.len(), self.comma)
    }

    /// Drop what was written since `m`.
    pub fn reset(&mut self, m: Mark) {
        self.buf.truncate(m.0);
        self.comma = m.1;
    }

    #[inline]
    fn sep(&mut self) {
        if self.comma {
            self.buf.push(b',');
        }
    }

    /// `"k":` (with a comma before it when a member precedes). Keys are the program's own
    /// names (literals, the argument tables, `[n]` tags), never input, so they are copied
    /// without escaping.
    #[inline]
    pub fn key(&mut self, k: &str) -> &mut J {
        if self.on {
            debug_assert!(!k.bytes().any(|c| c < 0x20 || c == b'"' || c == b'\\'));
            self.buf.reserve(k.len() + 4);
            self.sep();
            self.buf.push(b'"');
            self.buf.extend_from_slice(k.as_bytes());
            self.buf.extend_from_slice(b"\":");
            self.comma = false;
        }
        self
    }

    #[inline]
    pub fn open(&mut self) -> &mut J {
        if self.on {
            self.sep();
            self.buf.push(b'{');
            self.comma = false;
        }
        self
    }

    #[inline]
    pub fn close(&mut self) -> &mut J {
        if self.on {
            self.buf.push(b'}');
            self.comma = true;
        }
        self
    }

    #[inline]
    pub fn open_array(&mut self) -> &mut J {
        if self.on {
            self.sep();
            self.buf.push(b'[');
            self.comma = false;
        }
        self
    }

    #[inline]
    pub fn close_array(&mut self) -> &mut J {
        if self.on {
            self.buf.push(b']');
            self.comma = true;
        }
        self
    }

    /// A value already written as JSON elsewhere.
    #[inline]
    pub fn raw(&mut self, json: &[u8]) -> &mut J {
        if self.on {
            self.sep();
            self.buf.extend_from_slice(json);
            self.comma = true;
        }
        self
    }

    #[inline]
    pub fn str(&mut self, s: &str) -> &mut J {
        if self.on {
            self.sep();
            escaped(&mut self.buf, s);
            self.comma = true;
        }
        self
    }

    /// A string value made by `Display` (written to a stack buffer first when short,
    /// so no allocation).
    pub fn display(&mut self, v: impl fmt::Display) -> &mut J {
        if self.on {
            let mut s = Small::new();
            if write!(s, "{v}").is_ok() {
                self.str(s.as_str());
            } else {
                self.str(&v.to_string());
            }
        }
        self
    }

    /// Bytes as a string of lower-case hex digits.
    #[inline]
    pub fn hex(&mut self, bytes: &[u8]) -> &mut J {
        if self.on {
            self.sep();
            self.buf.reserve(bytes.len() * 2 + 2);
            self.buf.push(b'"');
            for &b in bytes {
                self.buf.push(HEX[usize::from(b >> 4)]);
                self.buf.push(HEX[usize::from(b & 0xf)]);
            }
            self.buf.push(b'"');
            self.comma = true;
        }
        self
    }

    #[inline]
    pub fn num(&mut self, v: impl Num) -> &mut J {
        if self.on {
            self.sep();
            v.write(&mut self.buf);
            self.comma = true;
        }
        self
    }

    #[inline]
    pub fn bool(&mut self, v: bool) -> &mut J {
        self.raw(if v { b"true" } else { b"false" })
    }

    #[inline]
    pub fn null(&mut self) -> &mut J {
        self.raw(b"null")
    }

    /// A number, or `null` when absent.
    #[inline]
    pub fn opt_num(&mut self, v: Option<impl Num>) -> &mut J {
        match v {
            Some(v) => self.num(v),
            None => self.null(),
        }
    }

    /// End one line: newline, comma state reset.
    pub fn newline(&mut self) {
        if self.on {
            self.buf.push(b'\n');
            self.comma = false;
        }
    }
}

/// Short text formatted on the stack (operation names, counter keys, error reasons of
/// typical length): `write!` fails rather than allocate when it does not fit.
pub struct Small {
    b: [u8; 120],
    n: usize,
}

impl Default for Small {
    fn default() -> Self {
        Small::new()
    }
}

impl Small {
    pub const fn new() -> Small {
        Small { b: [0; 120], n: 0 }
    }

    pub fn as_str(&self) -> &str {
        // Only whole `&str`s are ever appended, so this is valid UTF-8.
        std::str::from_utf8(&self.b[..self.n]).unwrap_or_default()
    }

    pub fn clear(&mut self) {
        self.n = 0;
    }
}

impl fmt::Write for Small {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let end = self.n + s.len();
        if end > self.b.len() {
            return Err(fmt::Error);
        }
        self.b[self.n..end].copy_from_slice(s.as_bytes());
        self.n = end;
        Ok(())
    }
}

/// Add one to the counter `key` of `map`, allocating the key only the first time it is
/// seen.
pub fn count(map: &mut std::collections::BTreeMap<String, u64>, key: &str) {
    match map.get_mut(key) {
        Some(v) => *v += 1,
        None => {
            map.insert(key.to_string(), 1);
        }
    }
}

/// [`count`] of a key made by `format_args!`.
pub fn count_fmt(map: &mut std::collections::BTreeMap<String, u64>, key: fmt::Arguments<'_>) {
    let mut s = Small::new();
    if s.write_fmt(key).is_ok() {
        count(map, s.as_str());
    } else {
        count(map, &key.to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(f: impl FnOnce(&mut J)) -> String {
        let mut j = J::new();
        f(&mut j);
        String::from_utf8(j.bytes().to_vec()).unwrap()
    }

    #[test]
    fn strings_escape_as_serde_json_does() {
        let s = "a\"b\\c\u{8}\u{c}\n\r\t\u{1}\u{1f}\u{7f}é€";
        assert_eq!(
            text(|j| {
                j.str(s);
            }),
            serde_json::to_string(s).unwrap()
        );
    }

    #[test]
    fn numbers_and_nesting() {
        let t = text(|j| {
            j.open().key("a").num(-5i64).key("b").open_array();
            j.num(0u8).num(u64::MAX).num(i64::MIN).open().close();
            j.close_array().key("c").hex(&[0x0f, 0xa0]).key("d").null();
            j.key("e").opt_num(Some(7u32)).key("f").bool(true).close();
        });
        let v: serde_json::Value = serde_json::from_str(&t).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"a": -5, "b": [0, u64::MAX, i64::MIN, {}], "c": "0fa0",
                "d": null, "e": 7, "f": true})
        );
    }

    #[test]
    fn reset_rolls_back_commas_too() {
        let t = text(|j| {
            j.open_array().num(1u8);
            let m = j.mark();
            j.num(2u8).num(3u8);
            j.reset(m);
            j.num(4u8).close_array();
        });
        assert_eq!(t, "[1,4]");
    }

    #[test]
    fn off_writes_nothing() {
        let mut j = J::off();
        j.open().key("a").str("x").close();
        assert!(j.is_empty());
    }
}
