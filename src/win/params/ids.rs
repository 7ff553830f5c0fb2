//! Identities: BillingID (§6.5.2.16), MSCID (§6.5.2.82), MobileIdentificationNumber
//! (§6.5.2.81, MINType §6.5.3.u1), IMSI (§6.5.2.bu, TBCD as in GSM MAP) and PC_SSN
//! (§6.5.2.93), all TIA/EIA-41-D.

use super::invalid;
use crate::ber::Result;
use crate::digits::{Digits, Isup, Tbcd};
use crate::win::WinError;

/// MSCID (§6.5.2.82, 3 octets): MarketID (2 octets, the SID of the serving system) and
/// switch number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct Mscid {
    pub market_id: u16,
    pub swno: u8,
}

impl Mscid {
    pub fn decode(v: [u8; 3]) -> Mscid {
        Mscid {
            market_id: u16::from_be_bytes([v[0], v[1]]),
            swno: v[2],
        }
    }
    pub fn to_array(self) -> [u8; 3] {
        let [a, b] = self.market_id.to_be_bytes();
        [a, b, self.swno]
    }
}

/// BillingID (§6.5.2.16, 7 octets): the originating MSC's MSCID, a 24-bit ID number and a
/// segment counter; together they name one call for billing and for the SCP's dialogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct BillingId {
    pub market_id: u16,
    pub swno: u8,
    /// 24 bits.
    pub id_number: u32,
    pub segment_counter: u8,
}

impl BillingId {
    pub fn decode(v: [u8; 7]) -> BillingId {
        BillingId {
            market_id: u16::from_be_bytes([v[0], v[1]]),
            swno: v[2],
            id_number: u32::from_be_bytes([0, v[3], v[4], v[5]]),
            segment_counter: v[6],
        }
    }
    pub fn to_array(self) -> std::result::Result<[u8; 7], WinError> {
        if self.id_number > 0x00ff_ffff {
            return Err(WinError::Encode("BillingID ID number is 24 bits"));
        }
        let [a, b] = self.market_id.to_be_bytes();
        let [_, c, d, e] = self.id_number.to_be_bytes();
        Ok([a, b, self.swno, c, d, e, self.segment_counter])
    }
}

/// MobileIdentificationNumber (MINType, 5 octets): the 10-digit MIN in BCD, first digit in
/// bits 4–1 (WIN-INAP-NOTES.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct Min(pub Digits<Isup>);

impl Min {
    pub fn decode(v: [u8; 5], offset: usize) -> Result<Min> {
        let d = Digits::<Isup>::from_bcd(&v, Some(10)).map_err(|_| invalid("MIN digit", offset))?;
        if !d.as_str().bytes().all(|b| b.is_ascii_digit()) {
            return Err(invalid("MIN digit", offset));
        }
        Ok(Min(d))
    }
    pub fn to_array(&self) -> std::result::Result<[u8; 5], WinError> {
        let s = self.0.as_str().as_bytes();
        if s.len() != 10 || !s.iter().all(u8::is_ascii_digit) {
            return Err(WinError::Encode("a MIN is exactly 10 decimal digits"));
        }
        let mut out = [0u8; 5];
        for (i, pair) in s.chunks(2).enumerate() {
            out[i] = (pair[0] - b'0') | (pair[1] - b'0') << 4;
        }
        Ok(out)
    }
}

/// IMSI (§6.5.2.bu; E.212 in TBCD as GSM MAP's IMSI, `F` filler): 6 to 15 digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct Imsi(pub Digits<Tbcd>);

impl Imsi {
    pub fn decode(v: &[u8], offset: usize) -> Result<Imsi> {
        let d = Digits::<Tbcd>::from_bcd(v, None).map_err(|_| invalid("IMSI digit", offset))?;
        Imsi(d).check().map_err(|_| invalid("IMSI", offset))
    }
    fn check(self) -> std::result::Result<Imsi, WinError> {
        let s = self.0.as_str().as_bytes();
        if !(6..=15).contains(&s.len()) || !s.iter().all(u8::is_ascii_digit) {
            return Err(WinError::Encode("an IMSI is 6 to 15 decimal digits"));
        }
        Ok(self)
    }
    /// The contents (`F` filler) and their length.
    pub fn to_array(&self) -> std::result::Result<([u8; 8], usize), WinError> {
        self.check()?;
        let mut v = Vec::with_capacity(8);
        self.0.to_bcd(&mut v, 0x0f);
        let mut out = [0u8; 8];
        out[..v.len()].copy_from_slice(&v);
        Ok((out, v.len()))
    }
}

/// PC_SSN (§6.5.2.93, 5 octets): type (e.g. 9 originating MSC), point code member, cluster,
/// network (in that order), SSN.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct PcSsn {
    pub kind: u8,
    /// ANSI point code, network << 16 | cluster << 8 | member.
    pub point_code: u32,
    pub ssn: u8,
}

impl PcSsn {
    pub fn decode(v: [u8; 5]) -> PcSsn {
        PcSsn {
            kind: v[0],
            point_code: u32::from(v[3]) << 16 | u32::from(v[2]) << 8 | u32::from(v[1]),
            ssn: v[4],
        }
    }
    pub fn to_array(self) -> std::result::Result<[u8; 5], WinError> {
        if self.point_code > 0x00ff_ffff {
            return Err(WinError::Encode("an ANSI point code is 24 bits"));
        }
        let [_, n, c, m] = self.point_code.to_be_bytes();
        Ok([self.kind, m, c, n, self.ssn])
    }
}
