//! DigitsType (TIA/EIA-41-D §6.5.3.2): the format of Digits, CallingPartyNumberDigits1/2,
//! MobileDirectoryNumber, DestinationDigits, RoutingDigits, CarrierDigits, the DMH digits and
//! the other `::= DigitsType` parameters.
//!
//! octet 1 type of digits; octet 2 nature of number; octet 3 numbering plan (bits 8–5) and
//! encoding (bits 4–1); octet 4 number of digits; then the digits: BCD two to an octet, first
//! digit in bits 4–1, an odd count ending with a `0000` filler (WIN-INAP-NOTES.md, confirmed
//! against tshark), or IA5 one to an octet.

use super::invalid;
use crate::ber::Result;
use crate::digits::{Digits, Isup, MAX_DIGITS};
use crate::win::WinError;

/// Type of digits (octet 1, §6.5.3.2).
pub mod digit_type {
    pub const NOT_USED: u8 = 0;
    pub const DIALED: u8 = 1;
    pub const CALLING_PARTY: u8 = 2;
    pub const CALLER_INTERACTION: u8 = 3;
    pub const ROUTING: u8 = 4;
    pub const BILLING: u8 = 5;
    pub const DESTINATION: u8 = 6;
    pub const LATA: u8 = 7;
    pub const CARRIER: u8 = 8;
}

/// Numbering plan (octet 3, bits 8–5).
pub mod plan {
    pub const UNKNOWN: u8 = 0;
    pub const ISDN: u8 = 1;
    /// Telephony numbering (E.164, E.163): what MSCs send for dialled and directory numbers.
    pub const TELEPHONY: u8 = 2;
    pub const LAND_MOBILE: u8 = 6;
    pub const PRIVATE: u8 = 7;
}

/// Encoding (octet 3, bits 4–1).
pub mod encoding {
    pub const BCD: u8 = 1;
    pub const IA5: u8 = 2;
}

/// Nature of number bits (octet 2).
pub mod nature {
    /// Bit A: international (else national).
    pub const INTERNATIONAL: u8 = 0x01;
    /// Bit B: presentation restricted.
    pub const PRESENTATION_RESTRICTED: u8 = 0x02;
    /// Bit C: number not available.
    pub const NOT_AVAILABLE: u8 = 0x04;
}

/// Octets the longest digits we hold take: the header and one octet per digit (IA5).
const BUF: usize = 4 + MAX_DIGITS;

/// A DigitsType value. The digit symbols are ISUP's BCD codes (`*` 11, `#` 12), which is how
/// §6.5.3.2 codes BCD digits too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct WinDigits {
    /// [`digit_type`]
    pub type_of_digits: u8,
    /// Octet 2 as sent: [`nature`] bits, screening in bits 6–5.
    pub nature: u8,
    /// [`plan`], 0–15.
    pub plan: u8,
    /// [`encoding`]: BCD or IA5 (the only two §6.5.3.2 defines for digits).
    pub encoding: u8,
    pub digits: Digits<Isup>,
}

impl WinDigits {
    /// BCD digits of `type_of_digits`, national, telephony plan: the form MSCs send.
    pub fn telephony(type_of_digits: u8, digits: Digits<Isup>) -> WinDigits {
        WinDigits {
            type_of_digits,
            nature: 0,
            plan: plan::TELEPHONY,
            encoding: encoding::BCD,
            digits,
        }
    }

    /// Decode the parameter's contents; `offset` is their absolute offset (for errors).
    pub fn decode(value: &[u8], offset: usize) -> Result<WinDigits> {
        let [type_of_digits, nature, pe, count, rest @ ..] = value else {
            return Err(invalid("DigitsType shorter than 4 octets", offset));
        };
        let count = usize::from(*count);
        let enc = pe & 0x0f;
        let digits = match enc {
            encoding::BCD => {
                if rest.len() != count.div_ceil(2) {
                    return Err(invalid("DigitsType digit count", offset + 3));
                }
                Digits::from_bcd(rest, Some(count))
                    .map_err(|_| invalid("DigitsType BCD digit", offset + 4))?
            }
            encoding::IA5 => {
                if rest.len() != count {
                    return Err(invalid("DigitsType digit count", offset + 3));
                }
                std::str::from_utf8(rest)
                    .ok()
                    .and_then(|s| s.parse().ok())
                    .ok_or_else(|| invalid("DigitsType IA5 digit", offset + 4))?
            }
            _ => return Err(invalid("DigitsType encoding", offset + 2)),
        };
        Ok(WinDigits {
            type_of_digits: *type_of_digits,
            nature: *nature,
            plan: pe >> 4,
            encoding: enc,
            digits,
        })
    }

    /// Whether [`WinDigits::to_array`] can encode this value.
    pub fn validate(&self) -> std::result::Result<(), WinError> {
        if self.plan > 15 {
            return Err(WinError::Encode("DigitsType numbering plan is 4 bits"));
        }
        match self.encoding {
            encoding::BCD | encoding::IA5 => Ok(()),
            _ => Err(WinError::Encode("DigitsType encoding must be BCD or IA5")),
        }
    }

    /// The contents in a fixed array (no allocation): the array and the used length. An
    /// encoding other than IA5 is written as BCD; [`WinDigits::validate`] refuses it first.
    pub fn to_array(&self) -> ([u8; BUF], usize) {
        let mut buf = [0u8; BUF];
        buf[0] = self.type_of_digits;
        buf[1] = self.nature;
        buf[2] = (self.plan & 0x0f) << 4 | (self.encoding & 0x0f);
        buf[3] = self.digits.len() as u8;
        let mut n = 4;
        if self.encoding == encoding::IA5 {
            for &b in self.digits.as_str().as_bytes() {
                buf[n] = b;
                n += 1;
            }
        } else {
            let mut it = self.digits.nibbles();
            while let Some(lo) = it.next() {
                let hi = it.next().unwrap_or(0);
                buf[n] = lo | (hi << 4);
                n += 1;
            }
        }
        (buf, n)
    }
}
