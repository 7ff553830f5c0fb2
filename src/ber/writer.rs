//! The canonical definite-length writer (X.690 §10.1: minimal lengths, DER-style).

use super::Tag;

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
