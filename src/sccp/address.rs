//! SCCP party addresses (ITU Q.713 §3.4, ANSI T1.112.3 §3.4): address indicator, signalling
//! point code, subsystem number and global title, in the layout of a [`Variant`].
//!
//! | | ITU (Q.713) | Chinese (GF 001-9001 / YDN 038) | ANSI (T1.112), national bit 1 |
//! |---|---|---|---|
//! | AI bit 1 | PC present | PC present | SSN present |
//! | AI bit 2 | SSN present | SSN present | PC present |
//! | order | PC, SSN, GT | PC, SSN, GT | SSN, PC, GT |
//! | PC | 14 bits, 2 octets LE | 24 bits, 3 octets LE | 24 bits: member, cluster, network |
//! | GTI 1 | NAI (+ odd/even) | as ITU | TT, NP, ES |
//! | GTI 2 | TT | as ITU | TT |
//! | GTI 3 | TT, NP, ES | as ITU | reserved |
//! | GTI 4 | TT, NP, ES, NAI | as ITU | reserved |
//!
//! An ANSI address whose national indicator (AI bit 8) is 0 is "coded to the international
//! standard" and uses the ITU layout (T1.112.3 §3.4.1; Wireshark does the same).

use super::SccpError;
use crate::digits::{Digits, Isup};

/// Which SCCP standard the bytes follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Variant {
    /// ITU-T Q.713: 14-bit point codes.
    #[default]
    Itu,
    /// ANSI T1.112: 24-bit point codes, SSN before PC, ANSI GTIs.
    Ansi,
    /// China: the ITU layout with 24-bit point codes.
    Chinese,
}

/// The concrete layout one address uses (see the module table).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    Itu,
    Itu24,
    Ansi,
}

impl Layout {
    pub fn of(variant: Variant, national: bool) -> Layout {
        match variant {
            Variant::Itu => Layout::Itu,
            Variant::Chinese => Layout::Itu24,
            Variant::Ansi if national => Layout::Ansi,
            Variant::Ansi => Layout::Itu,
        }
    }

    /// Octets of a point code.
    pub fn pc_len(self) -> usize {
        if self == Layout::Itu {
            2
        } else {
            3
        }
    }

    /// The largest point code.
    pub fn pc_mask(self) -> u32 {
        if self == Layout::Itu {
            0x3fff
        } else {
            0x00ff_ffff
        }
    }

    /// Which of TT, NP/ES and NAI a global title with this indicator carries; `None` for a
    /// reserved indicator.
    pub fn gt_fields(self, gti: u8) -> Option<GtFields> {
        let f = |tt, np_es, nai| Some(GtFields { tt, np_es, nai });
        match (self, gti) {
            (Layout::Ansi, 1) => f(true, true, false),
            (Layout::Ansi, 2) => f(true, false, false),
            (Layout::Ansi, _) => None,
            (_, 1) => f(false, false, true),
            (_, 2) => f(true, false, false),
            (_, 3) => f(true, true, false),
            (_, 4) => f(true, true, true),
            _ => None,
        }
    }
}

/// The fields a global title indicator selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GtFields {
    pub tt: bool,
    pub np_es: bool,
    pub nai: bool,
}

/// A global title (Q.713 §3.4.2.3, T1.112.3 §3.4.2.3), digits kept packed as received.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GlobalTitle<'a> {
    /// Global title indicator as on the wire (its meaning depends on the variant).
    pub gti: u8,
    /// Translation type (0 when the GTI has none).
    pub tt: u8,
    /// Numbering plan, e.g. 1 = E.164, 7 = E.214 (0 when the GTI has none).
    pub np: u8,
    /// Encoding scheme: 1 = BCD odd, 2 = BCD even (0 when the GTI has none).
    pub es: u8,
    /// Nature of address indicator, e.g. 4 = international (0 when the GTI has none).
    pub nai: u8,
    /// Odd number of digits (from the odd/even bit of ITU GTI 1 or the encoding scheme).
    pub odd: bool,
    /// Packed BCD digits (low nibble first).
    pub bcd: &'a [u8],
}

impl<'a> GlobalTitle<'a> {
    /// The digits (Q.713 §3.4.2.3.1 BCD, the ISUP coding); empty if they do not decode.
    pub fn digits(&self) -> Digits<Isup> {
        let n = self.bcd.len() * 2 - usize::from(self.odd && !self.bcd.is_empty());
        Digits::from_bcd(self.bcd, Some(n)).unwrap_or_default()
    }

    /// A GT with packed digits `bcd` (`odd`: the last high nibble is a filler); the encoding
    /// scheme follows `odd` (1 odd, 2 even) where the GTI carries one.
    pub fn new(gti: u8, tt: u8, np: u8, nai: u8, bcd: &'a [u8], odd: bool) -> Self {
        GlobalTitle {
            gti,
            tt,
            np,
            es: if odd { 1 } else { 2 },
            nai,
            odd,
            bcd,
        }
    }

    /// Pack `digits` for a GT into `out` (filler 0); returns whether the count is odd.
    pub fn pack(digits: &Digits<Isup>, out: &mut Vec<u8>) -> bool {
        digits.to_bcd(out, 0)
    }
}

/// A called or calling party address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Address<'a> {
    /// Routing indicator: true = route on PC + SSN, false = route on global title.
    pub route_on_ssn: bool,
    pub pc: Option<u32>,
    pub ssn: Option<u8>,
    pub gt: Option<GlobalTitle<'a>>,
    /// Bit 8 of the address indicator: reserved for national use (ITU), national
    /// indicator (ANSI: 1 = national address, the ANSI layout).
    pub national: bool,
}

impl<'a> Address<'a> {
    /// Route-on-SSN address with a point code.
    pub fn ssn_pc(pc: u32, ssn: u8) -> Address<'static> {
        Address {
            route_on_ssn: true,
            pc: Some(pc),
            ssn: Some(ssn),
            gt: None,
            national: false,
        }
    }

    /// Decode an ITU address; `base` is its offset in the message, for errors.
    pub fn decode(v: &'a [u8], base: usize) -> Result<Address<'a>, SccpError> {
        Self::decode_variant(v, base, Variant::Itu)
    }

    /// Decode an address of `variant`; `base` is its offset in the message, for errors.
    pub fn decode_variant(
        v: &'a [u8],
        base: usize,
        variant: Variant,
    ) -> Result<Address<'a>, SccpError> {
        let bad = |reason| SccpError::BadAddress {
            offset: base,
            reason,
        };
        let ai = *v.first().ok_or(bad("empty address"))?;
        let national = ai & 0x80 != 0;
        let layout = Layout::of(variant, national);
        let (pc_ind, ssn_ind) = match layout {
            Layout::Ansi => (ai & 0x02 != 0, ai & 0x01 != 0),
            _ => (ai & 0x01 != 0, ai & 0x02 != 0),
        };
        let mut i = 1;
        let mut pc = None;
        let mut ssn = None;
        let mut take_pc = |i: &mut usize| -> Result<(), SccpError> {
            if pc_ind {
                let n = layout.pc_len();
                let b = v.get(*i..*i + n).ok_or(bad("point code truncated"))?;
                let raw = u32::from_le_bytes([b[0], b[1], b.get(2).copied().unwrap_or(0), 0]);
                pc = Some(raw & layout.pc_mask());
                *i += n;
            }
            Ok(())
        };
        let mut take_ssn = |i: &mut usize| -> Result<(), SccpError> {
            if ssn_ind {
                ssn = Some(*v.get(*i).ok_or(bad("SSN truncated"))?);
                *i += 1;
            }
            Ok(())
        };
        if layout == Layout::Ansi {
            take_ssn(&mut i)?;
            take_pc(&mut i)?;
        } else {
            take_pc(&mut i)?;
            take_ssn(&mut i)?;
        }
        let gti = (ai >> 2) & 0x0f;
        let rest = &v[i..];
        let gt = if gti == 0 {
            None
        } else {
            let f = layout
                .gt_fields(gti)
                .ok_or(bad("reserved global title indicator"))?;
            let mut j = 0;
            let mut next = || -> Result<u8, SccpError> {
                let b = *rest.get(j).ok_or(bad("GT truncated"))?;
                j += 1;
                Ok(b)
            };
            let mut g = GlobalTitle {
                gti,
                tt: 0,
                np: 0,
                es: 0,
                nai: 0,
                odd: false,
                bcd: &[],
            };
            if f.nai && !f.tt {
                // ITU GTI 1: odd/even + NAI in one octet.
                let o = next()?;
                g.nai = o & 0x7f;
                g.odd = o & 0x80 != 0;
            }
            if f.tt {
                g.tt = next()?;
            }
            if f.np_es {
                let o = next()?;
                g.np = o >> 4;
                g.es = o & 0x0f;
                g.odd = g.es == 1;
            }
            if f.nai && f.tt {
                g.nai = next()? & 0x7f;
            }
            g.bcd = &rest[j..];
            Some(g)
        };
        Ok(Address {
            route_on_ssn: ai & 0x40 != 0,
            pc,
            ssn,
            gt,
            national,
        })
    }

    /// Append the ITU encoding (a GT indicator the ITU layout does not know is written as
    /// GTI 4).
    pub fn encode(&self, out: &mut Vec<u8>) {
        let mut a = *self;
        if let Some(g) = a.gt.as_mut() {
            if !(1..=4).contains(&g.gti) {
                g.gti = 4;
            }
        }
        // Cannot fail: every GTI 1-4 exists in the ITU layout.
        let _ = a.encode_variant(out, Variant::Itu);
    }

    /// Append the encoding of `variant`. A GT indicator the layout does not define is an
    /// error (nothing is written); a point code is masked to the layout's width.
    pub fn encode_variant(&self, out: &mut Vec<u8>, variant: Variant) -> Result<(), SccpError> {
        let layout = Layout::of(variant, self.national);
        let gti = self.gt.map_or(0, |g| g.gti);
        let fields = match self.gt {
            Some(g) => Some(layout.gt_fields(g.gti).ok_or(SccpError::BadAddress {
                offset: 0,
                reason: "reserved global title indicator",
            })?),
            None => None,
        };
        let (pc_bit, ssn_bit) = match layout {
            Layout::Ansi => (0x02, 0x01),
            _ => (0x01, 0x02),
        };
        let ai = u8::from(self.national) << 7
            | u8::from(self.route_on_ssn) << 6
            | (gti & 0x0f) << 2
            | if self.ssn.is_some() { ssn_bit } else { 0 }
            | if self.pc.is_some() { pc_bit } else { 0 };
        out.push(ai);
        let put_pc = |out: &mut Vec<u8>| {
            if let Some(pc) = self.pc {
                let b = (pc & layout.pc_mask()).to_le_bytes();
                out.extend_from_slice(&b[..layout.pc_len()]);
            }
        };
        if layout == Layout::Ansi {
            out.extend(self.ssn);
            put_pc(out);
        } else {
            put_pc(out);
            out.extend(self.ssn);
        }
        if let (Some(g), Some(f)) = (self.gt, fields) {
            if f.nai && !f.tt {
                out.push(u8::from(g.odd) << 7 | (g.nai & 0x7f));
            }
            if f.tt {
                out.push(g.tt);
            }
            if f.np_es {
                out.push(g.np << 4 | (g.es & 0x0f));
            }
            if f.nai && f.tt {
                out.push(g.nai & 0x7f);
            }
            out.extend_from_slice(g.bcd);
        }
        Ok(())
    }
}

/// An address owned as its encoded bytes (for routing results and configuration), read
/// through [`AddressBuf::address`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AddressBuf {
    variant: Variant,
    bytes: Vec<u8>,
}

impl AddressBuf {
    /// Encode `a` in `variant`.
    pub fn new(variant: Variant, a: &Address<'_>) -> Result<AddressBuf, SccpError> {
        let mut bytes = Vec::with_capacity(16);
        a.encode_variant(&mut bytes, variant)?;
        Ok(AddressBuf { variant, bytes })
    }

    /// An address whose GT (indicator `gti` of `variant`) carries `digits`; the TT, NP and
    /// NAI the indicator does not carry are left out. ANSI addresses get the national bit.
    #[allow(clippy::too_many_arguments)]
    pub fn with_gt(
        variant: Variant,
        route_on_ssn: bool,
        pc: Option<u32>,
        ssn: Option<u8>,
        gti: u8,
        tt: u8,
        np: u8,
        nai: u8,
        digits: &Digits<Isup>,
    ) -> Result<AddressBuf, SccpError> {
        let mut bcd = Vec::with_capacity(digits.encoded_len());
        let odd = GlobalTitle::pack(digits, &mut bcd);
        let a = Address {
            route_on_ssn,
            pc,
            ssn,
            gt: Some(GlobalTitle::new(gti, tt, np, nai, &bcd, odd)),
            national: variant == Variant::Ansi,
        };
        AddressBuf::new(variant, &a)
    }

    pub fn variant(&self) -> Variant {
        self.variant
    }

    /// The encoded address (without its length octet).
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The address, decoded from the owned bytes.
    pub fn address(&self) -> Address<'_> {
        // The bytes were produced by encode_variant, which only writes what decodes.
        Address::decode_variant(&self.bytes, 0, self.variant).unwrap_or(Address {
            route_on_ssn: false,
            pc: None,
            ssn: None,
            gt: None,
            national: false,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_gti_round_trips() {
        let bcd = [0x21, 0x43, 0x05];
        for gti in 1..=4u8 {
            let a = Address {
                route_on_ssn: false,
                pc: None,
                ssn: Some(146),
                gt: Some(GlobalTitle {
                    gti,
                    tt: if gti >= 2 { 3 } else { 0 },
                    np: if gti >= 3 { 1 } else { 0 },
                    es: if gti >= 3 { 1 } else { 0 },
                    nai: if gti == 1 || gti == 4 { 4 } else { 0 },
                    odd: gti != 2,
                    bcd: &bcd,
                }),
                national: false,
            };
            let mut out = Vec::new();
            a.encode(&mut out);
            let back = Address::decode(&out, 0).unwrap();
            assert_eq!(back, a, "gti {gti}");
            if gti != 2 {
                assert_eq!(back.gt.unwrap().digits().as_str(), "12345");
            }
        }
    }

    #[test]
    fn ansi_layout_ssn_first_24_bit_pc() {
        // AI 0xC7: national, route on SSN, GTI 1, PC and SSN present; SSN 254 then PC
        // member 3, cluster 2, network 1; GT TT 0 NP 1 ES 1 digits 12345.
        let bytes = [0xc7, 0xfe, 0x03, 0x02, 0x01, 0x00, 0x11, 0x21, 0x43, 0x05];
        let a = Address::decode_variant(&bytes, 0, Variant::Ansi).unwrap();
        assert!(a.national && a.route_on_ssn);
        assert_eq!((a.ssn, a.pc), (Some(254), Some(0x010203)));
        let g = a.gt.unwrap();
        assert_eq!((g.gti, g.tt, g.np, g.es), (1, 0, 1, 1));
        assert_eq!(g.digits().as_str(), "12345");
        let mut out = Vec::new();
        a.encode_variant(&mut out, Variant::Ansi).unwrap();
        assert_eq!(out, bytes);
        // The same octets read as ITU mean something else entirely.
        assert_ne!(Address::decode(&bytes, 0).ok(), Some(a));
        // ANSI GTI 3 is reserved.
        assert!(Address::decode_variant(&[0x8c, 0x00], 0, Variant::Ansi).is_err());
        // National bit 0 in ANSI: international (ITU) layout.
        let itu = Address::decode_variant(&[0x43, 0xc8, 0x00, 0x92], 0, Variant::Ansi).unwrap();
        assert_eq!(itu, Address::ssn_pc(200, 146));
    }

    #[test]
    fn chinese_layout_pc_first_24_bit() {
        let a = Address::ssn_pc(0x123456, 8);
        let mut out = Vec::new();
        a.encode_variant(&mut out, Variant::Chinese).unwrap();
        assert_eq!(out, [0x43, 0x56, 0x34, 0x12, 0x08]);
        assert_eq!(
            Address::decode_variant(&out, 0, Variant::Chinese).unwrap(),
            a
        );
    }

    #[test]
    fn address_buf_from_digits() {
        let d: Digits<Isup> = "491700123".parse().unwrap();
        let b = AddressBuf::with_gt(Variant::Itu, false, None, Some(146), 4, 0, 1, 4, &d).unwrap();
        assert_eq!(
            b.as_bytes(),
            [0x12, 0x92, 0x00, 0x11, 0x04, 0x94, 0x71, 0x00, 0x21, 0x03]
        );
        assert_eq!(b.address().gt.unwrap().digits(), d);
    }

    #[test]
    fn truncated_addresses_fail() {
        for v in [
            &[][..],
            &[0x43, 0xc8],
            &[0x43, 0xc8, 0x00],
            &[0x12, 0x06, 0x00],
        ] {
            assert!(Address::decode(v, 7).is_err(), "{v:02x?}");
        }
    }
}
