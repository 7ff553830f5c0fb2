//! SCCP party addresses, ITU format (Q.713 §3.4): address indicator, signalling point code
//! (14 bits, least significant octet first), subsystem number and global title.

use super::SccpError;
use crate::digits::{Digits, Isup};

/// A global title (Q.713 §3.4.2.3), digits kept packed as received.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GlobalTitle<'a> {
    /// Global title indicator 1–4.
    pub gti: u8,
    /// Translation type (GTI 2–4).
    pub tt: u8,
    /// Numbering plan (GTI 3–4), e.g. 1 = E.164, 7 = E.214.
    pub np: u8,
    /// Encoding scheme (GTI 3–4): 1 = BCD odd, 2 = BCD even.
    pub es: u8,
    /// Nature of address indicator (GTI 1 and 4), e.g. 4 = international.
    pub nai: u8,
    /// Odd number of digits (from the odd/even bit of GTI 1 or the encoding scheme).
    pub odd: bool,
    /// Packed BCD digits.
    pub bcd: &'a [u8],
}

impl GlobalTitle<'_> {
    /// The digits (Q.713 §3.4.2.3.1 BCD, the ISUP coding); empty if they do not decode.
    pub fn digits(&self) -> Digits<Isup> {
        let n = self.bcd.len() * 2 - usize::from(self.odd && !self.bcd.is_empty());
        Digits::from_bcd(self.bcd, Some(n)).unwrap_or_default()
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
    /// Bit 8 of the address indicator (reserved for national use).
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

    /// Decode an address; `base` is its offset in the message, for errors.
    pub fn decode(v: &'a [u8], base: usize) -> Result<Address<'a>, SccpError> {
        let bad = |reason| SccpError::BadAddress {
            offset: base,
            reason,
        };
        let ai = *v.first().ok_or(bad("empty address"))?;
        let mut i = 1;
        let pc = if ai & 0x01 != 0 {
            let b = v.get(1..3).ok_or(bad("point code truncated"))?;
            i += 2;
            Some(u32::from(u16::from_le_bytes([b[0], b[1]]) & 0x3fff))
        } else {
            None
        };
        let ssn = if ai & 0x02 != 0 {
            let s = *v.get(i).ok_or(bad("SSN truncated"))?;
            i += 1;
            Some(s)
        } else {
            None
        };
        let gti = (ai >> 2) & 0x0f;
        let rest = &v[i..];
        let gt = match gti {
            0 => None,
            1 => {
                let o = *rest.first().ok_or(bad("GT truncated"))?;
                Some(GlobalTitle {
                    gti,
                    tt: 0,
                    np: 0,
                    es: 0,
                    nai: o & 0x7f,
                    odd: o & 0x80 != 0,
                    bcd: &rest[1..],
                })
            }
            2 => {
                let tt = *rest.first().ok_or(bad("GT truncated"))?;
                Some(GlobalTitle {
                    gti,
                    tt,
                    np: 0,
                    es: 0,
                    nai: 0,
                    odd: false,
                    bcd: &rest[1..],
                })
            }
            3 | 4 => {
                let need = if gti == 3 { 2 } else { 3 };
                if rest.len() < need {
                    return Err(bad("GT truncated"));
                }
                let es = rest[1] & 0x0f;
                Some(GlobalTitle {
                    gti,
                    tt: rest[0],
                    np: rest[1] >> 4,
                    es,
                    nai: if gti == 4 { rest[2] & 0x7f } else { 0 },
                    odd: es == 1,
                    bcd: &rest[need..],
                })
            }
            _ => return Err(bad("reserved global title indicator")),
        };
        Ok(Address {
            route_on_ssn: ai & 0x40 != 0,
            pc,
            ssn,
            gt,
            national: ai & 0x80 != 0,
        })
    }

    pub fn encode(&self, out: &mut Vec<u8>) {
        let gti = self.gt.map_or(0, |g| g.gti);
        let ai = u8::from(self.national) << 7
            | u8::from(self.route_on_ssn) << 6
            | (gti & 0x0f) << 2
            | u8::from(self.ssn.is_some()) << 1
            | u8::from(self.pc.is_some());
        out.push(ai);
        if let Some(pc) = self.pc {
            out.extend_from_slice(&((pc & 0x3fff) as u16).to_le_bytes());
        }
        if let Some(ssn) = self.ssn {
            out.push(ssn);
        }
        if let Some(g) = self.gt {
            match g.gti {
                1 => out.push(u8::from(g.odd) << 7 | g.nai),
                2 => out.push(g.tt),
                3 => out.extend_from_slice(&[g.tt, g.np << 4 | g.es]),
                _ => out.extend_from_slice(&[g.tt, g.np << 4 | g.es, g.nai]),
            }
            out.extend_from_slice(g.bcd);
        }
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
