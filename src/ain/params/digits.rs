//! The BCD digit formats of AIN parameters (GR-1299 §6): AINDigits, the Carrier format and
//! AMAslpID.

use super::{fixed, invalid};
use crate::ain::AinError;
use crate::ber::{Result, Tlv};
use crate::digits::{Digits, Isup};

/// Octets of packed AIN digits the largest digit string we hold takes, plus the two header
/// octets.
const DIGITS_BUF: usize = 2 + crate::digits::MAX_DIGITS / 2;

/// Pack `digits` low nibble first with a `0000` filler (AIN, ISUP), into `out`.
pub(super) fn pack(digits: &Digits<Isup>, out: &mut [u8]) -> usize {
    let mut n = 0;
    let mut it = digits.nibbles();
    while let Some(lo) = it.next() {
        let hi = it.next().unwrap_or(0);
        out[n] = lo | (hi << 4);
        n += 1;
    }
    n
}

/// AINDigits (GR-1299 §6 "AINDigits"; CalledPartyID, CallingPartyID, ChargeNumber,
/// CollectedAddressInfo, CollectedDigits, OriginalCalledPartyID, RedirectingPartyID,
/// OutpulseNumber, Lata, ...): octet 1 = odd/even (bit 8) + nature of number (bits 7–1);
/// octet 2 = numbering plan (bits 7–5) and, for calling party numbers, presentation (bits
/// 4–3) and screening (bits 2–1); then BCD coded as in ISUP, first digit in bits 4–1, `0000`
/// filler when the count is odd.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AinDigits {
    pub nature: u8,
    pub plan: u8,
    pub presentation: u8,
    pub screening: u8,
    pub digits: Digits<Isup>,
}

/// Natures of number (GR-1299 AINDigits, as T1.113 ISUP numbers).
pub mod nature {
    pub const SUBSCRIBER: u8 = 1;
    pub const UNKNOWN: u8 = 2;
    pub const NATIONAL: u8 = 3;
    pub const INTERNATIONAL: u8 = 4;
}

/// Numbering plans (bits 7–5 of octet 2).
pub mod plan {
    pub const UNKNOWN: u8 = 0;
    pub const ISDN: u8 = 1;
    pub const PRIVATE: u8 = 5;
}

impl AinDigits {
    /// National, ISDN-plan digits: the common form of North American numbers.
    pub fn national(digits: Digits<Isup>) -> AinDigits {
        AinDigits {
            nature: nature::NATIONAL,
            plan: plan::ISDN,
            digits,
            ..Default::default()
        }
    }

    /// Decode the parameter's contents; `offset` is their absolute offset (for errors).
    pub fn decode(value: &[u8], offset: usize) -> Result<AinDigits> {
        let [o1, o2, bcd @ ..] = value else {
            return Err(invalid("AINDigits shorter than 2 octets", offset));
        };
        let odd = o1 & 0x80 != 0;
        if odd && bcd.is_empty() {
            return Err(invalid("AINDigits odd count without digits", offset));
        }
        let count = (bcd.len() * 2).saturating_sub(usize::from(odd));
        let digits = Digits::from_bcd(bcd, Some(count))
            .map_err(|_| invalid("AINDigits digit", offset + 2))?;
        Ok(AinDigits {
            nature: o1 & 0x7f,
            plan: (o2 >> 4) & 0x07,
            presentation: (o2 >> 2) & 0x03,
            screening: o2 & 0x03,
            digits,
        })
    }

    /// Append the contents (without tag and length).
    pub fn encode_into(&self, out: &mut Vec<u8>) {
        let (buf, n) = self.to_array();
        out.extend_from_slice(&buf[..n]);
    }

    /// The contents in a fixed array (no allocation): the array and the used length.
    pub fn to_array(&self) -> ([u8; DIGITS_BUF], usize) {
        let mut buf = [0u8; DIGITS_BUF];
        let odd = self.digits.len() % 2 == 1;
        buf[0] = u8::from(odd) << 7 | (self.nature & 0x7f);
        buf[1] =
            (self.plan & 0x07) << 4 | (self.presentation & 0x03) << 2 | (self.screening & 0x03);
        let n = pack(&self.digits, &mut buf[2..]);
        (buf, 2 + n)
    }
}

/// Carrier / AlternateCarrier (GR-1299 CarrierFormat, 4 octets): carrier selection, then
/// nature of carrier (bits 8–5) and number of digits (bits 4–1), then the carrier
/// identification code in BCD, first digit in bits 4–1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Carrier {
    /// 0 no indication, 1 presubscribed not input, 2 presubscribed and input, 3
    /// presubscribed no indication of input, 4 not presubscribed and input.
    pub selection: u8,
    /// 0 no nature, 1 local, 2 intraLATA toll, 3 interLATA, 4 local/intraLATA/interLATA, ...
    pub nature: u8,
    pub digits: Digits<Isup>,
}

impl Carrier {
    pub fn decode(value: &[u8], offset: usize) -> Result<Carrier> {
        let [selection, o2, bcd @ ..] = value else {
            return Err(invalid("Carrier shorter than 2 octets", offset));
        };
        let count = usize::from(o2 & 0x0f);
        if count > bcd.len() * 2 {
            return Err(invalid("Carrier digit count", offset + 1));
        }
        let digits =
            Digits::from_bcd(bcd, Some(count)).map_err(|_| invalid("Carrier digit", offset + 2))?;
        Ok(Carrier {
            selection: *selection,
            nature: o2 >> 4,
            digits,
        })
    }

    /// The contents; at most 15 digits fit the count nibble.
    pub fn to_array(&self) -> std::result::Result<([u8; DIGITS_BUF], usize), AinError> {
        if self.digits.len() > 15 {
            return Err(AinError::Encode("Carrier holds at most 15 digits"));
        }
        let mut buf = [0u8; DIGITS_BUF];
        buf[0] = self.selection;
        buf[1] = (self.nature & 0x0f) << 4 | self.digits.len() as u8;
        let n = pack(&self.digits, &mut buf[2..]);
        Ok((buf, 2 + n))
    }
}

/// AMAslpID (`[10] IMPLICIT`, 5 octets): the 9-digit service logic program ID recorded in
/// the AMA (billing) record, BCD first digit in bits 4–1, filler `0000`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AmaSlpId(pub Digits<Isup>);

impl AmaSlpId {
    pub fn decode(t: &Tlv<'_>) -> Result<AmaSlpId> {
        let v: [u8; 5] = fixed(t, "AMAslpID size")?;
        Digits::from_bcd(&v, Some(9))
            .map(AmaSlpId)
            .map_err(|_| invalid("AMAslpID digit", t.value_offset))
    }
    pub fn to_array(&self) -> std::result::Result<[u8; 5], AinError> {
        if self.0.len() != 9 {
            return Err(AinError::Encode("an AMAslpID is exactly 9 digits"));
        }
        let mut b = [0u8; 5];
        pack(&self.0, &mut b);
        Ok(b)
    }
}
