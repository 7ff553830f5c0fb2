//! ISUP number parameters (Q.763 §3.9, §3.10, §3.30, §3.39, §3.44) and the §3.26 Generic
//! Number, as CAP carries them (TS 29.078 CalledPartyNumber, CallingPartyNumber, ...).

use super::{invalid, IsupDigits};
use crate::ber::Result;
use crate::digits::{DigitsError, MAX_DIGITS};

/// Nature of address indicator values common to the ISUP number parameters (Q.763).
pub mod nature {
    pub const SUBSCRIBER: u8 = 1;
    pub const UNKNOWN: u8 = 2;
    pub const NATIONAL: u8 = 3;
    pub const INTERNATIONAL: u8 = 4;
    pub const NETWORK_SPECIFIC: u8 = 5;
}

/// Numbering plan indicator value ISDN/telephony (E.164), in ISUP and TS 29.002 numbers.
pub const PLAN_ISDN: u8 = 1;

/// An ISUP number parameter (Q.763 §3.9/§3.10/§3.30/§3.39/§3.44): the CAP types
/// CalledPartyNumber, CallingPartyNumber, LocationNumber, OriginalCalledPartyID,
/// RedirectingPartyID, ChargeNumber and the elements of DestinationRoutingAddress.
///
/// Octet 1: odd/even (bit 8, derived from the digits), nature of address (bits 7–1).
/// Octet 2: bit 8 is INN (called party, location number: 1 = routing to an internal network
/// number not allowed) or NI (calling party: 1 = number incomplete), spare elsewhere; bits
/// 7–5 numbering plan; bits 4–3 address presentation restricted; bits 2–1 screening (spare in
/// the called party number, kept as received).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct IsupNumber {
    /// Nature of address indicator (7 bits), see [`nature`].
    pub nature: u8,
    /// Octet 2 bit 8: INN indicator (called, location) or number-incomplete (calling).
    pub inn_or_ni: bool,
    /// Numbering plan indicator (3 bits), 1 = ISDN (E.164).
    pub plan: u8,
    /// Address presentation restricted indicator (2 bits): 0 allowed, 1 restricted,
    /// 2 address not available, 3 reserved.
    pub presentation: u8,
    /// Screening indicator (2 bits): 1 user provided verified and passed, 3 network provided.
    pub screening: u8,
    /// The address signals, without ST.
    pub digits: IsupDigits,
    /// The address signals end with ST (end of pulsing, code 1111).
    pub st: bool,
    /// Filler nibble of an odd number of signals: Q.763 says 0000, some switches send 1111.
    /// Kept so that a relayed number re-encodes unchanged; 0 when the count is even.
    pub filler: u8,
}

impl IsupNumber {
    /// An E.164 number with the given nature of address (e.g. [`nature::INTERNATIONAL`]).
    pub fn e164(nature: u8, digits: IsupDigits) -> IsupNumber {
        IsupNumber {
            nature,
            plan: PLAN_ISDN,
            digits,
            ..IsupNumber::default()
        }
    }

    /// Decode the parameter's contents; `offset` is their absolute offset.
    pub fn decode(value: &[u8], offset: usize) -> Result<IsupNumber> {
        let mut n = IsupNumber::default();
        n.decode_in_place(value, offset)?;
        Ok(n)
    }

    /// [`IsupNumber::decode`] into `self`, which must be `IsupNumber::default()` (see
    /// [`TbcdDigits::decode_in_place`]).
    #[inline]
    pub(crate) fn decode_in_place(&mut self, value: &[u8], offset: usize) -> Result<()> {
        let [o1, o2, signals @ ..] = value else {
            return Err(invalid("ISUP number shorter than 2 octets", offset));
        };
        let odd = o1 & 0x80 != 0;
        self.nature = o1 & 0x7f;
        self.inn_or_ni = o2 & 0x80 != 0;
        self.plan = (o2 >> 4) & 0x07;
        self.presentation = (o2 >> 2) & 0x03;
        self.screening = o2 & 0x03;
        let Some(&last) = signals.last() else {
            if odd {
                return Err(invalid("ISUP number odd indicator without signals", offset));
            }
            return Ok(());
        };
        let count = signals.len() * 2 - usize::from(odd);
        // ST (1111) may only be the last signal; anywhere else it is the one bad nibble.
        let last_signal = if odd { last & 0x0f } else { last >> 4 };
        self.st = last_signal == 0x0f;
        self.digits
            .fill_bcd(signals, Some(count - usize::from(self.st)))
            .map_err(|e| {
                let what = match e.error {
                    DigitsError::TooLong => "ISUP number too long",
                    _ => "ISUP ST signal before the last digit",
                };
                invalid(what, offset + 2 + e.octet)
            })?;
        if odd {
            self.filler = last >> 4;
        }
        Ok(())
    }

    /// Append the parameter's contents.
    pub fn encode_into(&self, out: &mut Vec<u8>) {
        let count = self.digits.len() + usize::from(self.st);
        let odd = count % 2 == 1;
        out.push((u8::from(odd) << 7) | (self.nature & 0x7f));
        out.push(
            (u8::from(self.inn_or_ni) << 7)
                | ((self.plan & 0x07) << 4)
                | ((self.presentation & 0x03) << 2)
                | (self.screening & 0x03),
        );
        let mut it = self.digits.nibbles().chain(self.st.then_some(0xf));
        while let Some(lo) = it.next() {
            let hi = it.next().unwrap_or(self.filler & 0x0f);
            out.push(lo | (hi << 4));
        }
    }

    /// The encoded contents in a fresh vector (convenience for tests and tools).
    pub fn to_vec(&self) -> Vec<u8> {
        let mut v = Vec::with_capacity(2 + MAX_DIGITS / 2);
        self.encode_into(&mut v);
        v
    }
}

/// A Q.763 §3.26 Generic Number: number qualifier indicator, then the layout of
/// [`IsupNumber`] (octet 3 as in the calling party number: NI, plan, presentation,
/// screening). Used by CAP GenericNumbers and Digits in generic-number form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct GenericNumber {
    /// Number qualifier indicator (e.g. 6 additional calling party number).
    pub qualifier: u8,
    pub number: IsupNumber,
}

impl GenericNumber {
    pub fn decode(value: &[u8], offset: usize) -> Result<GenericNumber> {
        let [q, rest @ ..] = value else {
            return Err(invalid("generic number empty", offset));
        };
        Ok(GenericNumber {
            qualifier: *q,
            number: IsupNumber::decode(rest, offset + 1)?,
        })
    }
    pub fn encode_into(&self, out: &mut Vec<u8>) {
        out.push(self.qualifier);
        self.number.encode_into(out);
    }
}
