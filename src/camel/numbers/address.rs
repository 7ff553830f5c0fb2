//! TBCD strings (TS 29.002 TBCD-STRING, TS 24.008 BCD numbers) and TS 29.002
//! AddressString / ISDN-AddressString, which is also CAP's CalledPartyBCDNumber value
//! (TS 24.008 §10.5.4.7).

use super::{invalid, TbcdDigits, PLAN_ISDN};
use crate::ber::Result;
use crate::digits::DigitsError;

impl TbcdDigits {
    /// Decode a TBCD string: low nibble first; a 1111 nibble ends the digits and everything
    /// after it must be 1111 too. `offset` is the absolute offset of `value` (for errors).
    pub fn decode(value: &[u8], offset: usize) -> Result<TbcdDigits> {
        let mut d = TbcdDigits::EMPTY;
        d.decode_in_place(value, offset)?;
        Ok(d)
    }

    /// [`TbcdDigits::decode`] into `self`, which must be empty: decoders unpack straight
    /// into the argument they build rather than moving the digits through `Result`s.
    #[inline]
    pub(crate) fn decode_in_place(&mut self, value: &[u8], offset: usize) -> Result<()> {
        self.fill_bcd(value, None).map_err(|e| {
            let what = match e.error {
                DigitsError::AfterFiller => "TBCD digit after filler",
                _ => "TBCD string too long",
            };
            invalid(what, offset + e.octet)
        })
    }

    /// Append the TBCD encoding (odd length: 1111 filler in the last high nibble).
    pub fn encode_into(&self, out: &mut Vec<u8>) {
        self.to_bcd(out, 0xf);
    }
}

/// TS 29.002 AddressString / ISDN-AddressString, and the TS 24.008 CalledPartyBCDNumber
/// value as CAP carries it (no IEI, no length): one octet of extension bit (bit 8, 1 = no
/// extension), nature of address / type of number (bits 7–5) and numbering plan (bits 4–1),
/// then TBCD digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AddressString {
    /// Bit 8 of the first octet; 1 ("no extension") in every conforming encoding. A 0 is
    /// kept as received and does not make the next octet an extension octet (TS 29.002 and
    /// §10.5.4.7 define none; Wireshark instead skips an "octet 3a" there).
    pub ext: bool,
    /// Nature of address (29.002) / type of number (24.008): 0 unknown, 1 international,
    /// 2 national, 3 network specific, 4 subscriber, ...
    pub nature: u8,
    /// Numbering plan: 1 ISDN/telephony (E.164), 6 land mobile (E.212), ...
    pub plan: u8,
    pub digits: TbcdDigits,
}

impl Default for AddressString {
    fn default() -> Self {
        AddressString {
            ext: true,
            nature: 0,
            plan: 0,
            digits: TbcdDigits::EMPTY,
        }
    }
}

/// CalledPartyBCDNumber (TS 24.008 §10.5.4.7 octets 3 onwards) has the same layout.
pub type CalledPartyBcdNumber = AddressString;

impl AddressString {
    /// An international E.164 number (nature 1, plan 1): MSC, VLR, gsmSCF addresses.
    pub fn international(digits: TbcdDigits) -> AddressString {
        AddressString {
            ext: true,
            nature: 1,
            plan: PLAN_ISDN,
            digits,
        }
    }

    pub fn decode(value: &[u8], offset: usize) -> Result<AddressString> {
        let mut a = AddressString::default();
        a.decode_in_place(value, offset)?;
        Ok(a)
    }

    /// [`AddressString::decode`] into `self`, which must be `AddressString::default()` (see
    /// [`TbcdDigits::decode_in_place`]).
    #[inline]
    pub(crate) fn decode_in_place(&mut self, value: &[u8], offset: usize) -> Result<()> {
        let [o1, rest @ ..] = value else {
            return Err(invalid("AddressString empty", offset));
        };
        self.ext = o1 & 0x80 != 0;
        self.nature = (o1 >> 4) & 0x07;
        self.plan = o1 & 0x0f;
        self.digits.decode_in_place(rest, offset + 1)
    }

    pub fn encode_into(&self, out: &mut Vec<u8>) {
        out.push((u8::from(self.ext) << 7) | ((self.nature & 0x07) << 4) | (self.plan & 0x0f));
        self.digits.encode_into(out);
    }

    pub fn to_vec(&self) -> Vec<u8> {
        let mut v = Vec::with_capacity(1 + self.digits.encoded_len());
        self.encode_into(&mut v);
        v
    }
}
