//! What the MAP arguments and results share: the members a decoder keeps raw
//! ([`Unknown`]), BIT STRINGs with named bits ([`NamedBits`]), and the size constraints of
//! TS 29.002 §17.7.8 MAP-CommonDataTypes that the strict encoders enforce.

use super::CodecError;
use crate::ber::{hex, invalid, prim, Reader, Result, Tag, Tlv, Writer};
use crate::camel::numbers::{AddressString, TbcdDigits};
use std::fmt;

/// The members of a received SEQUENCE that scpd does not model, kept as received (an HLR
/// of a newer release, or a vendor, adds members; a log or a relay must not lose them).
/// A view over the SEQUENCE's contents: nothing is copied or allocated. Two values are
/// equal when they hold the same members, byte for byte; a value built to send holds none,
/// and the encoders do not write them.
#[derive(Clone, Copy, Default)]
pub struct Unknown<'a> {
    contents: &'a [u8],
    base: usize,
    modelled: Option<fn(&Tlv<'_>) -> bool>,
}

impl<'a> Unknown<'a> {
    /// The members of `seq` (a constructed element) for which `modelled` is false.
    pub(crate) fn of(seq: &Tlv<'a>, modelled: fn(&Tlv<'_>) -> bool) -> Unknown<'a> {
        Unknown {
            contents: seq.value,
            base: seq.value_offset,
            modelled: Some(modelled),
        }
    }

    /// The unmodelled members, in order, each with its whole encoding in `raw`.
    pub fn iter(&self) -> impl Iterator<Item = Tlv<'a>> + 'a {
        let modelled = self.modelled;
        Reader::with_base(self.contents, self.base)
            .map_while(|t| t.ok())
            .filter(move |t| modelled.is_some_and(|m| !m(t)))
    }

    pub fn is_empty(&self) -> bool {
        self.iter().next().is_none()
    }
}

impl PartialEq for Unknown<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.iter().map(|t| t.raw).eq(other.iter().map(|t| t.raw))
    }
}

impl Eq for Unknown<'_> {}

impl fmt::Debug for Unknown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.iter().map(|t| hex(t.raw)))
            .finish()
    }
}

/// A BIT STRING with named bits of at most 16 bits (X.690 §8.6): SupportedCamelPhases,
/// OfferedCamel4CSIs, SuppressMTSS. Bit 0 of `mask` is the first named bit (phase1,
/// suppressCUG, ...). The length is kept, so a received value re-encodes as it came; bits
/// past the 16th are dropped on decoding ("other bits than listed above shall be
/// discarded", TS 29.002 §17.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct NamedBits {
    pub mask: u16,
    /// Number of bits in the string.
    pub len: u8,
}

impl NamedBits {
    /// `mask` in its canonical length: trailing 0 bits removed, but not below the type's
    /// size constraint `min_len` (X.690 §11.2.2).
    pub fn new(mask: u16, min_len: u8) -> NamedBits {
        let used = (16 - mask.leading_zeros()) as u8;
        NamedBits {
            mask,
            len: used.max(min_len),
        }
    }

    /// Whether named bit `n` is set.
    pub fn has(self, n: u8) -> bool {
        n < 16 && self.mask & (1 << n) != 0
    }

    pub(crate) fn decode(t: &Tlv<'_>, what: &'static str) -> Result<NamedBits> {
        let v = prim(t, what)?;
        let [unused, bits @ ..] = v else {
            return Err(invalid(what, t.value_offset));
        };
        if *unused > 7 || (bits.is_empty() && *unused != 0) {
            return Err(invalid(what, t.value_offset));
        }
        let total = (bits.len() * 8 - usize::from(*unused)).min(16);
        let mut mask = 0u16;
        for i in 0..total {
            if bits[i / 8] & (0x80 >> (i % 8)) != 0 {
                mask |= 1 << i;
            }
        }
        Ok(NamedBits {
            mask,
            len: total as u8,
        })
    }

    /// Fails unless `len` is within the type's SIZE and every set bit within `len`.
    pub(crate) fn check(
        self,
        min: u8,
        max: u8,
        member: &'static str,
    ) -> std::result::Result<(), CodecError> {
        let used = (16 - self.mask.leading_zeros()) as u8;
        if self.len < min || self.len > max || used > self.len {
            return Err(CodecError::encode(member, "BIT STRING size"));
        }
        Ok(())
    }

    pub(crate) fn write(self, w: &mut Writer<'_>, tag: Tag) {
        let octets = usize::from(self.len).div_ceil(8);
        let mut v = [0u8; 3];
        v[0] = (octets * 8 - usize::from(self.len)) as u8;
        for i in 0..usize::from(self.len) {
            if self.mask & (1 << i) != 0 {
                v[1 + i / 8] |= 0x80 >> (i % 8);
            }
        }
        w.primitive(tag, &v[..1 + octets]);
    }
}

// ---------------------------------------------------------------------------------------
// Size constraints (TS 29.002 §17.7.8) checked before anything is written.

/// ISDN-AddressString: SIZE (1..maxISDN-AddressLength = 9).
pub(crate) const ISDN_ADDRESS: usize = 9;
/// FTN-AddressString: SIZE (1..maxFTN-AddressLength = 15).
pub(crate) const FTN_ADDRESS: usize = 15;

/// An AddressString of at most `max` octets whose TOA fields fit their bits.
pub(crate) fn check_address(
    a: &AddressString,
    max: usize,
    member: &'static str,
) -> std::result::Result<(), CodecError> {
    if a.nature > 7 || a.plan > 15 {
        return Err(CodecError::encode(
            member,
            "nature of address or numbering plan",
        ));
    }
    if 1 + a.digits.encoded_len() > max {
        return Err(CodecError::encode(member, "too many digits"));
    }
    Ok(())
}

/// IMSI ::= TBCD-STRING (SIZE (3..8)).
pub(crate) fn check_imsi(
    d: &TbcdDigits,
    member: &'static str,
) -> std::result::Result<(), CodecError> {
    match d.encoded_len() {
        3..=8 => Ok(()),
        _ => Err(CodecError::encode(member, "IMSI of 3 to 8 octets")),
    }
}

/// IMEI ::= TBCD-STRING (SIZE (8)): 15 digits and a filler, or 16 (IMEISV).
pub(crate) fn check_imei(
    d: &TbcdDigits,
    member: &'static str,
) -> std::result::Result<(), CodecError> {
    match d.encoded_len() {
        8 => Ok(()),
        _ => Err(CodecError::encode(member, "IMEI of 8 octets")),
    }
}

/// An OCTET STRING (SIZE (min..max)).
pub(crate) fn check_len(
    v: &[u8],
    min: usize,
    max: usize,
    member: &'static str,
) -> std::result::Result<(), CodecError> {
    if (min..=max).contains(&v.len()) {
        Ok(())
    } else {
        Err(CodecError::encode(member, "OCTET STRING size"))
    }
}

/// Writes AddressStrings (and TBCD strings) through one scratch buffer per argument.
pub(crate) struct Numbers(Vec<u8>);

impl Numbers {
    pub(crate) fn new() -> Numbers {
        Numbers(Vec::with_capacity(24))
    }

    pub(crate) fn address(&mut self, w: &mut Writer<'_>, tag: Tag, a: &AddressString) {
        self.0.clear();
        a.encode_into(&mut self.0);
        w.primitive(tag, &self.0);
    }

    pub(crate) fn tbcd(&mut self, w: &mut Writer<'_>, tag: Tag, d: &TbcdDigits) {
        self.0.clear();
        d.encode_into(&mut self.0);
        w.primitive(tag, &self.0);
    }
}

/// Contents of a member kept opaque whose type is a SEQUENCE or CHOICE: constructed, and
/// every element in it well formed, so that the member re-encodes as it came.
pub(crate) fn opaque<'a>(t: &Tlv<'a>, what: &'static str) -> Result<&'a [u8]> {
    for e in t.children().map_err(|_| invalid(what, t.offset))? {
        e?;
    }
    Ok(t.value)
}

/// Opaque contents about to be written must be well-formed BER elements.
pub(crate) fn check_opaque(v: &[u8], member: &'static str) -> std::result::Result<(), CodecError> {
    if Reader::new(v).all(|e| e.is_ok()) {
        Ok(())
    } else {
        Err(CodecError::encode(
            member,
            "opaque contents are not BER elements",
        ))
    }
}
