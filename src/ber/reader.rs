//! The zero-copy reader: [`Tlv`] elements borrowed from the received buffer and the
//! [`Reader`] that walks one level of them, with definite and indefinite lengths (X.690
//! §8.1.3), multi-byte tags (§8.1.2.4) and faults reported at their absolute offset.

use super::{BerError, BerErrorKind, Class, Result, Tag, MAX_DEPTH};

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
