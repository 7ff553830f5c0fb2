//! BER (X.690) TLV layer: a zero-copy reader and a definite-length writer.
//!
//! Why our own (DESIGN.md, "Why our own BER"): TCAP, CAP and AIN are extensible SEQUENCE/SET
//! types that real switches fill with vendor and newer-release members. Decoders here walk
//! TLVs borrowed from the received buffer, accept definite and indefinite lengths (X.690
//! §8.1.3), multi-byte tags (§8.1.2.4), skip members they do not know, and report what is
//! truly malformed with the absolute offset of the fault. The writer emits canonical
//! definite-length encodings (X.690 §10.1, DER-style minimal lengths).

use std::fmt;

/// Tag class (X.690 §8.1.2.2, bits 8–7 of the identifier octet).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Class {
    Universal = 0,
    Application = 1,
    Context = 2,
    Private = 3,
}

/// An identifier: class, primitive/constructed and tag number.
///
/// `repr(C, align(8))`: one aligned word, so that a [`Tlv`] (and the `Result`/`Option`
/// around it) is copied as whole words; the default layout let the compiler copy it in
/// overlapping unaligned pieces, which stalled store forwarding on every element decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(C, align(8))]
pub struct Tag {
    pub class: Class,
    pub constructed: bool,
    pub number: u32,
}

impl Tag {
    pub const fn new(class: Class, constructed: bool, number: u32) -> Tag {
        Tag {
            class,
            constructed,
            number,
        }
    }
    /// The tag of a one-octet identifier (number below 31, X.690 §8.1.2.3).
    #[inline(always)]
    const fn from_short(id: u8) -> Tag {
        Tag {
            class: match id >> 6 {
                0 => Class::Universal,
                1 => Class::Application,
                2 => Class::Context,
                _ => Class::Private,
            },
            constructed: id & 0x20 != 0,
            number: (id & 0x1f) as u32,
        }
    }
    /// `[n] IMPLICIT` primitive.
    pub const fn ctx(number: u32) -> Tag {
        Tag::new(Class::Context, false, number)
    }
    /// `[n]` constructed (SEQUENCE, SET, CHOICE or explicit tagging).
    pub const fn ctx_cons(number: u32) -> Tag {
        Tag::new(Class::Context, true, number)
    }
    pub const fn app(number: u32, constructed: bool) -> Tag {
        Tag::new(Class::Application, constructed, number)
    }
    pub const fn private(number: u32, constructed: bool) -> Tag {
        Tag::new(Class::Private, constructed, number)
    }
    pub const fn universal(number: u32, constructed: bool) -> Tag {
        Tag::new(Class::Universal, constructed, number)
    }
    pub const BOOLEAN: Tag = Tag::universal(1, false);
    pub const INTEGER: Tag = Tag::universal(2, false);
    pub const OCTET_STRING: Tag = Tag::universal(4, false);
    pub const NULL: Tag = Tag::universal(5, false);
    pub const OID: Tag = Tag::universal(6, false);
    pub const EXTERNAL: Tag = Tag::universal(8, true);
    pub const ENUMERATED: Tag = Tag::universal(10, false);
    pub const SEQUENCE: Tag = Tag::universal(16, true);
    pub const SET: Tag = Tag::universal(17, true);

    /// Same class and number, whatever the primitive/constructed bit. BER lets a sender use
    /// the constructed form of string types (X.690 §8.7.1); callers that care check the bit.
    #[inline]
    pub fn is(self, other: Tag) -> bool {
        self.class == other.class && self.number == other.number
    }

    /// Number of octets the identifier takes on the wire.
    pub fn encoded_len(self) -> usize {
        if self.number < 31 {
            1
        } else {
            1 + (32 - self.number.leading_zeros()).div_ceil(7) as usize
        }
    }
}

impl fmt::Display for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = match self.class {
            Class::Universal => "UNIVERSAL ",
            Class::Application => "APPLICATION ",
            Class::Context => "",
            Class::Private => "PRIVATE ",
        };
        write!(
            f,
            "[{c}{}]{}",
            self.number,
            if self.constructed { " cons" } else { "" }
        )
    }
}

/// What went wrong, without the position.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BerErrorKind {
    #[error("truncated: need {need} more octet(s)")]
    Truncated { need: usize },
    #[error("length field longer than 4 octets or reserved form 0xFF")]
    BadLengthForm,
    #[error("indefinite length on a primitive encoding")]
    IndefinitePrimitive,
    #[error("indefinite length without end-of-contents")]
    MissingEoc,
    #[error("nesting deeper than {0} levels")]
    TooDeep(usize),
    #[error("tag number does not fit in 32 bits")]
    TagOverflow,
    #[error("expected {expected}, found {found}")]
    UnexpectedTag { expected: Tag, found: Tag },
    #[error("mandatory member {0} missing")]
    Missing(&'static str),
    #[error("invalid {0}")]
    Invalid(&'static str),
    #[error("{0} trailing octet(s) after the last element")]
    Trailing(usize),
}

/// A decode fault with the absolute offset (from the start of the buffer given to the
/// outermost reader) where it was found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind} at offset {offset}")]
pub struct BerError {
    pub kind: BerErrorKind,
    pub offset: usize,
}

impl BerError {
    pub fn new(kind: BerErrorKind, offset: usize) -> BerError {
        BerError { kind, offset }
    }
}

pub type Result<T> = std::result::Result<T, BerError>;

/// Nesting limit: far above anything TCAP/CAP/AIN use (about 12), low enough that hostile
/// input cannot exhaust the stack while scanning indefinite lengths.
pub const MAX_DEPTH: usize = 32;

/// One decoded element, borrowing its contents from the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tlv<'a> {
    pub tag: Tag,
    /// Contents octets (for indefinite length: without the end-of-contents octets).
    pub value: &'a [u8],
    /// Absolute offset of the identifier octet.
    pub offset: usize,
    /// Absolute offset of the first contents octet.
    pub value_offset: usize,
    /// The whole encoding, identifier to end (including any end-of-contents).
    pub raw: &'a [u8],
}

impl<'a> Tlv<'a> {
    /// Parse exactly one element at the start of `buf`; `base` is `buf`'s absolute offset.
    pub fn parse(buf: &'a [u8], base: usize) -> Result<(Tlv<'a>, usize)> {
        let t = parse_at(buf, 0, base, 0)?;
        Ok((t, t.raw.len()))
    }

    /// Parse a buffer that must hold exactly one element (nothing after it).
    pub fn parse_single(buf: &'a [u8]) -> Result<Tlv<'a>> {
        let tlv = parse_at(buf, 0, 0, 0)?;
        let used = tlv.raw.len();
        if used != buf.len() {
            return Err(BerError::new(
                BerErrorKind::Trailing(buf.len() - used),
                used,
            ));
        }
        Ok(tlv)
    }

    /// The members of a constructed element.
    #[inline]
    pub fn children(&self) -> Result<Reader<'a>> {
        if !self.tag.constructed {
            return Err(BerError::new(
                BerErrorKind::Invalid("primitive element where constructed expected"),
                self.offset,
            ));
        }
        Ok(Reader::with_base(self.value, self.value_offset))
    }

    /// Fails unless this element has tag `expected` (class and number).
    #[inline]
    pub fn expect(self, expected: Tag) -> Result<Tlv<'a>> {
        if self.tag.is(expected) {
            Ok(self)
        } else {
            Err(BerError::new(
                BerErrorKind::UnexpectedTag {
                    expected,
                    found: self.tag,
                },
                self.offset,
            ))
        }
    }

    fn invalid(&self, what: &'static str) -> BerError {
        BerError::new(BerErrorKind::Invalid(what), self.value_offset)
    }

    /// INTEGER/ENUMERATED contents as i64 (X.690 §8.3: two's complement, minimal).
    #[inline]
    pub fn as_i64(&self) -> Result<i64> {
        let v = self.value;
        if v.is_empty() || v.len() > 8 {
            return Err(self.invalid("INTEGER length"));
        }
        let mut n: i64 = if v[0] & 0x80 != 0 { -1 } else { 0 };
        for &b in v {
            n = (n << 8) | i64::from(b);
        }
        Ok(n)
    }

    /// A non-negative INTEGER that fits in u32 (invoke ids, opcodes, service keys, ...).
    #[inline]
    pub fn as_u32(&self) -> Result<u32> {
        let n = self.as_i64()?;
        u32::try_from(n).map_err(|_| self.invalid("INTEGER out of range"))
    }

    /// BOOLEAN: any non-zero octet is TRUE (X.690 §8.2.2).
    pub fn as_bool(&self) -> Result<bool> {
        match self.value {
            [b] => Ok(*b != 0),
            _ => Err(self.invalid("BOOLEAN length")),
        }
    }

    /// NULL must be empty (X.690 §8.8).
    pub fn as_null(&self) -> Result<()> {
        if self.value.is_empty() {
            Ok(())
        } else {
            Err(self.invalid("NULL with contents"))
        }
    }
}

/// Reads the elements of one level, in order, each borrowed from the input.
#[derive(Debug, Clone)]
pub struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
    base: usize,
}

impl<'a> Reader<'a> {
    pub fn new(buf: &'a [u8]) -> Reader<'a> {
        Reader::with_base(buf, 0)
    }
    #[inline]
    pub fn with_base(buf: &'a [u8], base: usize) -> Reader<'a> {
        Reader { buf, pos: 0, base }
    }
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.pos >= self.buf.len()
    }
    /// Absolute offset of the next element.
    pub fn offset(&self) -> usize {
        self.base + self.pos
    }

    /// The next element, or `Ok(None)` at the end of this level.
    #[inline(always)]
    pub fn next_tlv(&mut self) -> Result<Option<Tlv<'a>>> {
        if self.is_empty() {
            return Ok(None);
        }
        let tlv = parse_at(self.buf, self.pos, self.base, 0)?;
        self.pos += tlv.raw.len();
        Ok(Some(tlv))
    }

    /// The next element, which must exist and carry tag `tag`.
    #[inline]
    pub fn expect(&mut self, tag: Tag, name: &'static str) -> Result<Tlv<'a>> {
        match self.next_tlv()? {
            Some(t) => t.expect(tag),
            None => Err(BerError::new(BerErrorKind::Missing(name), self.offset())),
        }
    }

    /// The next element if it carries `tag`; otherwise nothing is consumed.
    #[inline]
    pub fn optional(&mut self, tag: Tag) -> Result<Option<Tlv<'a>>> {
        let save = self.pos;
        match self.next_tlv()? {
            Some(t) if t.tag.is(tag) => Ok(Some(t)),
            Some(_) => {
                self.pos = save;
                Ok(None)
            }
            None => Ok(None),
        }
    }

    /// Fails if anything is left at this level.
    pub fn finish(&self) -> Result<()> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(BerError::new(
                BerErrorKind::Trailing(self.buf.len() - self.pos),
                self.offset(),
            ))
        }
    }
}

impl<'a> Iterator for Reader<'a> {
    type Item = Result<Tlv<'a>>;
    #[inline(always)]
    fn next(&mut self) -> Option<Self::Item> {
        match self.next_tlv() {
            Ok(Some(t)) => Some(Ok(t)),
            Ok(None) => None,
            Err(e) => {
                self.pos = self.buf.len(); // stop after an error
                Some(Err(e))
            }
        }
    }
}

#[inline]
fn need(buf: &[u8], pos: usize, n: usize, base: usize) -> Result<()> {
    if buf.len() < pos + n {
        Err(truncated(buf, pos, n, base))
    } else {
        Ok(())
    }
}

#[cold]
fn truncated(buf: &[u8], pos: usize, n: usize, base: usize) -> BerError {
    {
        BerError::new(
            BerErrorKind::Truncated {
                need: pos + n - buf.len(),
            },
            base + buf.len(),
        )
    }
}

/// Identifier octets (X.690 §8.1.2). Returns the tag and the position after it.
fn parse_tag(buf: &[u8], mut pos: usize, base: usize) -> Result<(Tag, usize)> {
    let start = pos;
    need(buf, pos, 1, base)?;
    let b0 = buf[pos];
    pos += 1;
    let class = match b0 >> 6 {
        0 => Class::Universal,
        1 => Class::Application,
        2 => Class::Context,
        _ => Class::Private,
    };
    let constructed = b0 & 0x20 != 0;
    let mut number = u32::from(b0 & 0x1f);
    if number == 0x1f {
        number = 0;
        loop {
            need(buf, pos, 1, base)?;
            let b = buf[pos];
            pos += 1;
            if number > (u32::MAX >> 7) {
                return Err(BerError::new(BerErrorKind::TagOverflow, base + start));
            }
            number = (number << 7) | u32::from(b & 0x7f);
            if b & 0x80 == 0 {
                break;
            }
        }
    }
    Ok((
        Tag {
            class,
            constructed,
            number,
        },
        pos,
    ))
}

/// Where an element's parts lie, relative to its identifier octet.
struct Header {
    tag: Tag,
    /// Identifier and length octets.
    head: usize,
    /// Contents octets (without any end-of-contents).
    len: usize,
    /// 2 for the indefinite form's end-of-contents octets, else 0.
    eoc: usize,
}

/// Parse one TLV at `buf[pos..]`; the octets it occupies are `tlv.raw.len()`.
///
/// Nearly every element in TCAP/CAP/AIN has a one- or two-octet identifier and a short
/// definite length; those are decoded inline, everything else (and every error) out of line.
/// Both paths yield scalars and the [`Tlv`] is built once from them: returning a whole `Tlv`
/// (or a `(Tlv, used)` tuple) from the slow path made every element, fast or not, travel
/// through memory in overlapping unaligned pieces (store-forwarding stalls).
#[inline(always)]
fn parse_at<'a>(buf: &'a [u8], pos: usize, base: usize, depth: usize) -> Result<Tlv<'a>> {
    let h = match buf.get(pos..) {
        Some(&[id, len, ..]) if id & 0x1f != 0x1f && len < 0x80 => Header {
            tag: Tag::from_short(id),
            head: 2,
            len: usize::from(len),
            eoc: 0,
        },
        // [31..127]: CAP's InitialDP has eight of these (9f 32 .. 9f 39, bf 34).
        Some(&[id, n, len, ..]) if id & 0x1f == 0x1f && n < 0x80 && len < 0x80 => Header {
            tag: Tag {
                number: u32::from(n),
                ..Tag::from_short(id & 0xe0)
            },
            head: 3,
            len: usize::from(len),
            eoc: 0,
        },
        _ => parse_general(buf, pos, base, depth)?,
    };
    let start = pos + h.head;
    let end = start + h.len;
    if end > buf.len() {
        return Err(truncated(buf, start, h.len, base));
    }
    Ok(Tlv {
        tag: h.tag,
        value: &buf[start..end],
        offset: base + pos,
        value_offset: base + start,
        raw: &buf[pos..end + h.eoc],
    })
}

#[inline(never)]
fn parse_general(buf: &[u8], pos: usize, base: usize, depth: usize) -> Result<Header> {
    if depth > MAX_DEPTH {
        return Err(BerError::new(BerErrorKind::TooDeep(MAX_DEPTH), base + pos));
    }
    let (tag, mut p) = parse_tag(buf, pos, base)?;
    need(buf, p, 1, base)?;
    let l0 = buf[p];
    p += 1;
    if l0 == 0x80 {
        // Indefinite form (X.690 §8.1.3.6): contents run to a matching 00 00.
        if !tag.constructed {
            return Err(BerError::new(
                BerErrorKind::IndefinitePrimitive,
                base + p - 1,
            ));
        }
        let start = p;
        loop {
            need(buf, p, 2, base).map_err(|_| BerError::new(BerErrorKind::MissingEoc, base + p))?;
            if buf[p] == 0 && buf[p + 1] == 0 {
                return Ok(Header {
                    tag,
                    head: start - pos,
                    len: p - start,
                    eoc: 2,
                });
            }
            p += parse_at(buf, p, base, depth + 1)?.raw.len();
        }
    }
    let len = if l0 & 0x80 == 0 {
        usize::from(l0)
    } else {
        let n = usize::from(l0 & 0x7f);
        if n > 4 {
            return Err(BerError::new(BerErrorKind::BadLengthForm, base + p - 1));
        }
        need(buf, p, n, base)?;
        let mut len = 0usize;
        for &b in &buf[p..p + n] {
            len = (len << 8) | usize::from(b);
        }
        p += n;
        len
    };
    need(buf, p, len, base)?;
    Ok(Header {
        tag,
        head: p - pos,
        len,
        eoc: 0,
    })
}

/// Canonical definite-length BER writer appending to a caller-owned buffer, so a sender can
/// reuse one buffer for every message (no allocation per message once it has grown).
pub struct Writer<'b> {
    buf: &'b mut Vec<u8>,
}

impl<'b> Writer<'b> {
    pub fn new(buf: &'b mut Vec<u8>) -> Writer<'b> {
        Writer { buf }
    }

    /// Bytes written so far into the underlying buffer.
    pub fn len(&self) -> usize {
        self.buf.len()
    }
    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    fn put_tag(&mut self, tag: Tag) {
        let lead = ((tag.class as u8) << 6) | if tag.constructed { 0x20 } else { 0 };
        if tag.number < 31 {
            self.buf.push(lead | tag.number as u8);
        } else {
            self.buf.push(lead | 0x1f);
            let n = tag.encoded_len() - 1;
            for i in (0..n).rev() {
                let more = if i == 0 { 0 } else { 0x80 };
                self.buf.push(((tag.number >> (7 * i)) & 0x7f) as u8 | more);
            }
        }
    }

    fn put_len(&mut self, len: usize) {
        if len < 0x80 {
            self.buf.push(len as u8);
        } else {
            let n = (usize::BITS - len.leading_zeros()).div_ceil(8) as usize;
            self.buf.push(0x80 | n as u8);
            for i in (0..n).rev() {
                self.buf.push((len >> (8 * i)) as u8);
            }
        }
    }

    /// Drop everything written after `len` (to undo an element that turned out empty).
    pub fn truncate(&mut self, len: usize) {
        self.buf.truncate(len);
    }

    /// A primitive element with the given contents.
    pub fn primitive(&mut self, tag: Tag, value: &[u8]) {
        self.put_tag(tag);
        self.put_len(value.len());
        self.buf.extend_from_slice(value);
    }

    /// Copy an already-encoded element (e.g. a parameter relayed unchanged).
    pub fn raw(&mut self, encoded: &[u8]) {
        self.buf.extend_from_slice(encoded);
    }

    /// A constructed element whose members `f` writes. The length is patched afterwards;
    /// contents over 127 octets are shifted right to make room for the long form.
    pub fn constructed(&mut self, tag: Tag, f: impl FnOnce(&mut Writer<'_>)) {
        let tag = Tag {
            constructed: true,
            ..tag
        };
        self.put_tag(tag);
        let len_at = self.buf.len();
        self.buf.push(0);
        let start = self.buf.len();
        f(&mut Writer { buf: self.buf });
        let len = self.buf.len() - start;
        if len < 0x80 {
            self.buf[len_at] = len as u8;
        } else {
            let n = (usize::BITS - len.leading_zeros()).div_ceil(8) as usize;
            self.buf[len_at] = 0x80 | n as u8;
            let extra = [0u8; 4];
            self.buf.splice(start..start, extra[..n].iter().copied());
            for i in 0..n {
                self.buf[start + i] = (len >> (8 * (n - 1 - i))) as u8;
            }
        }
    }

    /// INTEGER/ENUMERATED in the minimal two's-complement form (X.690 §8.3.2).
    pub fn integer(&mut self, tag: Tag, v: i64) {
        let bytes = v.to_be_bytes();
        let mut i = 0;
        while i < 7 {
            let (b, next) = (bytes[i], bytes[i + 1]);
            if (b == 0 && next & 0x80 == 0) || (b == 0xff && next & 0x80 != 0) {
                i += 1;
            } else {
                break;
            }
        }
        self.primitive(tag, &bytes[i..]);
    }

    /// BOOLEAN, TRUE as 0xFF (X.690 §11.1).
    pub fn boolean(&mut self, tag: Tag, v: bool) {
        self.primitive(tag, &[if v { 0xff } else { 0 }]);
    }

    pub fn null(&mut self, tag: Tag) {
        self.primitive(tag, &[]);
    }
}

/// Dotted text of an encoded OBJECT IDENTIFIER value (X.690 §8.19), for logs and the lab
/// decoder. `None` when the encoding is invalid.
pub fn oid_to_string(value: &[u8]) -> Option<String> {
    use std::fmt::Write;
    if value.is_empty() || value[value.len() - 1] & 0x80 != 0 {
        return None;
    }
    let mut out = String::new();
    let mut arc: u64 = 0;
    let mut first = true;
    for &b in value {
        if arc > (u64::MAX >> 7) {
            return None;
        }
        arc = (arc << 7) | u64::from(b & 0x7f);
        if b & 0x80 == 0 {
            if first {
                let (a, b) = match arc {
                    0..=39 => (0, arc),
                    40..=79 => (1, arc - 40),
                    _ => (2, arc - 80),
                };
                let _ = write!(out, "{a}.{b}");
                first = false;
            } else {
                let _ = write!(out, ".{arc}");
            }
            arc = 0;
        }
    }
    Some(out)
}

/// Hex text of a byte string (lab output, logs).
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// Parse hex text (whitespace ignored). Used by the lab decoder and tests.
pub fn from_hex(text: &str) -> std::result::Result<Vec<u8>, String> {
    let digits: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    if !digits.len().is_multiple_of(2) {
        return Err("odd number of hex digits".into());
    }
    digits
        .chunks(2)
        .map(|p| {
            let s = std::str::from_utf8(p).map_err(|_| "non-ASCII".to_string())?;
            u8::from_str_radix(s, 16).map_err(|_| format!("not hex: {s:?}"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn definite_short_and_long_lengths() {
        let buf = [0x30, 0x03, 0x02, 0x01, 0x05];
        let t = Tlv::parse_single(&buf).unwrap();
        assert_eq!(t.tag, Tag::SEQUENCE);
        let mut r = t.children().unwrap();
        let i = r.expect(Tag::INTEGER, "i").unwrap();
        assert_eq!(i.as_i64().unwrap(), 5);
        assert_eq!(i.offset, 2);
        r.finish().unwrap();

        let mut long = vec![0x04, 0x81, 200];
        long.extend(std::iter::repeat_n(0xab, 200));
        let t = Tlv::parse_single(&long).unwrap();
        assert_eq!(t.value.len(), 200);
        assert_eq!(t.value_offset, 3);
    }

    #[test]
    fn indefinite_length_nested() {
        // [1] cons indefinite { [0] cons indefinite { 02 01 07 } 00 00, 04 01 aa } 00 00
        let buf = [
            0xa1, 0x80, 0xa0, 0x80, 0x02, 0x01, 0x07, 0x00, 0x00, 0x04, 0x01, 0xaa, 0x00, 0x00,
        ];
        let t = Tlv::parse_single(&buf).unwrap();
        assert_eq!(t.raw.len(), buf.len());
        let mut r = t.children().unwrap();
        let inner = r.next_tlv().unwrap().unwrap();
        assert_eq!(inner.tag, Tag::ctx_cons(0));
        let v = inner.children().unwrap().next_tlv().unwrap().unwrap();
        assert_eq!(v.as_i64().unwrap(), 7);
        let s = r.next_tlv().unwrap().unwrap();
        assert_eq!(s.value, &[0xaa]);
        assert!(r.next_tlv().unwrap().is_none());
    }

    #[test]
    fn multi_byte_tags_round_trip() {
        for n in [0u32, 30, 31, 53, 127, 128, 16383, 16384, 1 << 28] {
            let mut buf = Vec::new();
            Writer::new(&mut buf).primitive(Tag::ctx(n), &[1, 2]);
            let t = Tlv::parse_single(&buf).unwrap();
            assert_eq!(t.tag, Tag::ctx(n), "tag {n}");
            assert_eq!(t.value, &[1, 2]);
            assert_eq!(buf.len(), Tag::ctx(n).encoded_len() + 3);
        }
        // Known encoding: CAP IDP's [50] = 9f 32.
        let t = Tlv::parse_single(&[0x9f, 0x32, 0x00]).unwrap();
        assert_eq!(t.tag, Tag::ctx(50));
    }

    #[test]
    fn errors_carry_offsets() {
        let e = Tlv::parse_single(&[0x30, 0x05, 0x02, 0x01]).unwrap_err();
        assert!(matches!(e.kind, BerErrorKind::Truncated { need: 3 }));
        assert_eq!(e.offset, 4);
        let e = Tlv::parse_single(&[0x30, 0x80, 0x02, 0x01, 0x01]).unwrap_err();
        assert_eq!(e.kind, BerErrorKind::MissingEoc);
        let e = Tlv::parse_single(&[0x04, 0x80, 0x00, 0x00]).unwrap_err();
        assert_eq!(e.kind, BerErrorKind::IndefinitePrimitive);
        let e = Tlv::parse_single(&[0x04, 0x85, 0, 0, 0, 0, 1]).unwrap_err();
        assert_eq!(e.kind, BerErrorKind::BadLengthForm);
        let e = Tlv::parse_single(&[0x02, 0x01, 0x01, 0xff]).unwrap_err();
        assert_eq!(e.kind, BerErrorKind::Trailing(1));
        assert_eq!(e.offset, 3);
        // Nested error offsets are absolute.
        let outer = [0x30, 0x04, 0x30, 0x02, 0x04, 0x05];
        let t = Tlv::parse_single(&outer).unwrap();
        let inner = t.children().unwrap().next_tlv().unwrap().unwrap();
        let e = inner.children().unwrap().next_tlv().unwrap_err();
        assert_eq!(e.offset, 6);
    }

    #[test]
    fn depth_limit_stops_hostile_nesting() {
        let mut buf = Vec::new();
        for _ in 0..(MAX_DEPTH + 5) {
            buf.extend_from_slice(&[0x30, 0x80]);
        }
        let e = Tlv::parse_single(&buf).unwrap_err();
        assert!(matches!(
            e.kind,
            BerErrorKind::TooDeep(_) | BerErrorKind::MissingEoc
        ));
    }

    #[test]
    fn writer_patches_long_lengths() {
        let mut buf = Vec::new();
        let mut w = Writer::new(&mut buf);
        w.constructed(Tag::SEQUENCE, |w| {
            w.primitive(Tag::OCTET_STRING, &[0x55; 300]);
        });
        assert_eq!(&buf[..2], &[0x30, 0x82]);
        assert_eq!(u16::from_be_bytes([buf[2], buf[3]]), 304);
        assert_eq!(&buf[4..8], &[0x04, 0x82, 0x01, 0x2c]);
        let t = Tlv::parse_single(&buf).unwrap();
        assert_eq!(
            t.children()
                .unwrap()
                .next_tlv()
                .unwrap()
                .unwrap()
                .value
                .len(),
            300
        );
    }

    #[test]
    fn integers_are_minimal() {
        let cases: &[(i64, &[u8])] = &[
            (0, &[0]),
            (127, &[0x7f]),
            (128, &[0, 0x80]),
            (-1, &[0xff]),
            (-129, &[0xff, 0x7f]),
            (25603, &[0x64, 0x03]),
        ];
        for (v, enc) in cases {
            let mut buf = Vec::new();
            Writer::new(&mut buf).integer(Tag::INTEGER, *v);
            assert_eq!(&buf[2..], *enc, "{v}");
            assert_eq!(Tlv::parse_single(&buf).unwrap().as_i64().unwrap(), *v);
        }
    }

    #[test]
    fn oid_text() {
        // CAP v2 gsmSSF-to-gsmSCF AC.
        assert_eq!(
            oid_to_string(&[0x04, 0x00, 0x00, 0x01, 0x00, 0x32, 0x01]).unwrap(),
            "0.4.0.0.1.0.50.1"
        );
        assert_eq!(
            oid_to_string(&[0x00, 0x11, 0x86, 0x05, 0x01, 0x01, 0x01]).unwrap(),
            "0.0.17.773.1.1.1"
        );
        assert!(oid_to_string(&[0x86]).is_none());
    }

    proptest::proptest! {
        #[test]
        fn reader_never_panics(data in proptest::collection::vec(proptest::num::u8::ANY, 0..64)) {
            let mut r = Reader::new(&data);
            while let Ok(Some(t)) = r.next_tlv() {
                if t.tag.constructed {
                    let _ = t.children().map(|c| c.count());
                }
            }
        }
    }
}
