//! Number and identity formats carried inside CAP parameters, decoded to their fields and
//! encoded back (see `asn1/CAP-subset.asn` for where each one appears).
//!
//! - [`IsupNumber`]: ITU-T Q.763 §3.9 Called Party Number, §3.10 Calling Party Number, §3.30
//!   Location Number, §3.39 Original Called Number, §3.44 Redirecting Number (the layout is
//!   the same; only the meaning of the second octet's bits differs), and [`GenericNumber`]
//!   (§3.26, a number-qualifier octet in front of the same layout).
//! - [`AddressString`]: TS 29.002 AddressString / ISDN-AddressString and the TS 24.008
//!   §10.5.4.7 CalledPartyBCDNumber value (both: ext / type-of-number / plan octet + TBCD).
//! - [`TbcdDigits`]: TBCD strings (IMSI, IMEI, the digits of an [`AddressString`]).
//! - [`CellIdOrLai`]: TS 29.002 CellGlobalIdOrServiceAreaIdFixedLength (7 octets) and
//!   LAIFixedLength (5 octets).
//! - [`Cause`]: Q.850 cause (ReleaseCall's argument, event-specific causes).
//! - [`TimeAndTimezone`]: TS 29.078 TimeAndTimezone (BCD date/time + TS 23.040 time zone).
//!
//! Digits are kept inline (no allocation) in [`crate::digits::Digits`], typed by format:
//! [`IsupDigits`] (Q.763 §3.9 signals, `*` = code 11, `#` = code 12; ST is
//! [`IsupNumber::st`], not a digit) and [`TbcdDigits`] (TS 24.008 §10.5.4.7 / TS 29.002 TBCD,
//! `*` = 1010, `#` = 1011). Each admits only what its format can carry, so encoding never
//! fails; the nibble table is in [`crate::digits`].

use crate::ber::{BerError, BerErrorKind, Result};
use crate::digits::{Digits, DigitsError, Isup, Tbcd, MAX_DIGITS};
use std::fmt;

/// Address signals of an ISUP number (Q.763 §3.9).
pub type IsupDigits = Digits<Isup>;

/// TBCD digits (TS 29.002 TBCD-STRING, TS 24.008 BCD numbers); 1111 is the filler of an
/// odd-length string.
pub type TbcdDigits = Digits<Tbcd>;

fn invalid(what: &'static str, offset: usize) -> BerError {
    BerError::new(BerErrorKind::Invalid(what), offset)
}

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

/// A PLMN identity (MCC + MNC) in the 3-octet TS 24.008 layout used by CGI/LAI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Plmn {
    /// Mobile country code, 0–999.
    pub mcc: u16,
    /// Mobile network code, 0–999.
    pub mnc: u16,
    /// MNC written with 3 digits (`false`: 2 digits, encoded with a 1111 filler).
    pub mnc_3_digits: bool,
}

impl Plmn {
    fn decode(v: &[u8; 3], offset: usize) -> Result<Plmn> {
        let d = [
            v[0] & 0x0f,
            v[0] >> 4,
            v[1] & 0x0f,
            v[1] >> 4,
            v[2] & 0x0f,
            v[2] >> 4,
        ];
        // d: MCC1 MCC2 MCC3 MNC3 MNC1 MNC2
        let digit = |n: u8| -> Result<u16> {
            if n <= 9 {
                Ok(u16::from(n))
            } else {
                Err(invalid("PLMN identity digit", offset))
            }
        };
        let mcc = digit(d[0])? * 100 + digit(d[1])? * 10 + digit(d[2])?;
        let mnc12 = digit(d[4])? * 10 + digit(d[5])?;
        let (mnc, mnc_3_digits) = if d[3] == 0xf {
            (mnc12, false)
        } else {
            (mnc12 * 10 + digit(d[3])?, true)
        };
        Ok(Plmn {
            mcc,
            mnc,
            mnc_3_digits,
        })
    }

    fn encode(&self) -> [u8; 3] {
        let mcc = [self.mcc / 100 % 10, self.mcc / 10 % 10, self.mcc % 10].map(|x| x as u8);
        let (m1, m2, m3) = if self.mnc_3_digits {
            (self.mnc / 100 % 10, self.mnc / 10 % 10, self.mnc % 10)
        } else {
            (self.mnc / 10 % 10, self.mnc % 10, 0xf)
        };
        [
            mcc[0] | (mcc[1] << 4),
            mcc[2] | ((m3 as u8) << 4),
            (m1 as u8) | ((m2 as u8) << 4),
        ]
    }
}

impl fmt::Display for Plmn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.mnc_3_digits {
            write!(f, "{:03}-{:03}", self.mcc, self.mnc)
        } else {
            write!(f, "{:03}-{:02}", self.mcc, self.mnc)
        }
    }
}

/// TS 29.002 CellGlobalIdOrServiceAreaIdOrLAI contents: a 7-octet cell global identity or
/// service area identity (MCC, MNC, LAC, CI/SAC) or a 5-octet location area identity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CellIdOrLai {
    /// CellGlobalIdOrServiceAreaIdFixedLength. `ci` is the service area code when the
    /// containing LocationInformation has sai-Present.
    CellId { plmn: Plmn, lac: u16, ci: u16 },
    /// LAIFixedLength.
    Lai { plmn: Plmn, lac: u16 },
}

impl CellIdOrLai {
    /// Decode 7 octets (CGI/SAI) or 5 octets (LAI).
    pub fn decode(value: &[u8], offset: usize) -> Result<CellIdOrLai> {
        match value {
            [a, b, c, l1, l2, c1, c2] => Ok(CellIdOrLai::CellId {
                plmn: Plmn::decode(&[*a, *b, *c], offset)?,
                lac: u16::from_be_bytes([*l1, *l2]),
                ci: u16::from_be_bytes([*c1, *c2]),
            }),
            [a, b, c, l1, l2] => Ok(CellIdOrLai::Lai {
                plmn: Plmn::decode(&[*a, *b, *c], offset)?,
                lac: u16::from_be_bytes([*l1, *l2]),
            }),
            _ => Err(invalid("cell id / LAI length (7 or 5 octets)", offset)),
        }
    }

    pub fn encode_into(&self, out: &mut Vec<u8>) {
        match self {
            CellIdOrLai::CellId { plmn, lac, ci } => {
                out.extend_from_slice(&plmn.encode());
                out.extend_from_slice(&lac.to_be_bytes());
                out.extend_from_slice(&ci.to_be_bytes());
            }
            CellIdOrLai::Lai { plmn, lac } => {
                out.extend_from_slice(&plmn.encode());
                out.extend_from_slice(&lac.to_be_bytes());
            }
        }
    }

    pub fn plmn(&self) -> Plmn {
        match self {
            CellIdOrLai::CellId { plmn, .. } | CellIdOrLai::Lai { plmn, .. } => *plmn,
        }
    }
    pub fn lac(&self) -> u16 {
        match self {
            CellIdOrLai::CellId { lac, .. } | CellIdOrLai::Lai { lac, .. } => *lac,
        }
    }
}

/// A Q.850 cause (ISUP Cause indicators, Q.763 §3.12): CAP `Cause`.
///
/// Octet 1: ext, coding standard (bits 7–6), spare, location (bits 4–1); optional octet 1a
/// (recommendation) when octet 1's ext bit is 0; octet 2: ext, cause value (bits 7–1);
/// then diagnostics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Cause<'a> {
    /// 0 ITU-T, 1 ISO/IEC, 2 national, 3 specific to the location.
    pub coding_standard: u8,
    /// 0 user, 1 private network serving the local user, 2 public network serving the
    /// local user, 3 transit network, 4 public network serving the remote user, 5 private
    /// network serving the remote user, 7 international network, 10 beyond interworking.
    pub location: u8,
    /// Octet 1a, present only in some national variants.
    pub recommendation: Option<u8>,
    /// Cause value (7 bits): 16 normal clearing, 17 user busy, 19 no answer, 31 normal
    /// unspecified, ...
    pub value: u8,
    /// Diagnostics octets as received.
    pub diagnostics: &'a [u8],
}

/// Q.850 cause values used by the service layer.
pub mod cause_value {
    pub const UNALLOCATED_NUMBER: u8 = 1;
    pub const NORMAL_CLEARING: u8 = 16;
    pub const USER_BUSY: u8 = 17;
    pub const NO_USER_RESPONDING: u8 = 18;
    pub const NO_ANSWER: u8 = 19;
    pub const CALL_REJECTED: u8 = 21;
    pub const NORMAL_UNSPECIFIED: u8 = 31;
}

impl Cause<'static> {
    /// ITU-T coding, the given location and value, no diagnostics.
    pub const fn new(location: u8, value: u8) -> Cause<'static> {
        Cause {
            coding_standard: 0,
            location,
            recommendation: None,
            value,
            diagnostics: &[],
        }
    }
}

impl<'a> Cause<'a> {
    pub fn decode(value: &'a [u8], offset: usize) -> Result<Cause<'a>> {
        let [o1, rest @ ..] = value else {
            return Err(invalid("Cause empty", offset));
        };
        let (recommendation, rest) = if o1 & 0x80 == 0 {
            match rest {
                [r, tail @ ..] => (Some(r & 0x7f), tail),
                [] => return Err(invalid("Cause truncated", offset)),
            }
        } else {
            (None, rest)
        };
        let [v, diagnostics @ ..] = rest else {
            return Err(invalid("Cause without cause value", offset));
        };
        Ok(Cause {
            coding_standard: (o1 >> 5) & 0x03,
            location: o1 & 0x0f,
            recommendation,
            value: v & 0x7f,
            diagnostics,
        })
    }

    pub fn encode_into(&self, out: &mut Vec<u8>) {
        let head = ((self.coding_standard & 0x03) << 5) | (self.location & 0x0f);
        match self.recommendation {
            Some(r) => {
                out.push(head);
                out.push(0x80 | (r & 0x7f));
            }
            None => out.push(0x80 | head),
        }
        out.push(0x80 | (self.value & 0x7f));
        out.extend_from_slice(self.diagnostics);
    }

    pub fn to_vec(&self) -> Vec<u8> {
        let mut v = Vec::with_capacity(2 + self.diagnostics.len());
        self.encode_into(&mut v);
        v
    }
}

/// TS 29.078 TimeAndTimezone: 7 octets of swapped BCD date and time (YYYY MM DD hh mm ss)
/// and one octet of time zone in TS 23.040 form (quarter hours from GMT, swapped BCD, sign in
/// bit 4 of the first digit).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TimeAndTimezone {
    pub year: u16,
    pub month: u8,
    pub day: u8,
    pub hour: u8,
    pub minute: u8,
    pub second: u8,
    /// Offset from GMT in quarter hours (−79..=79).
    pub tz_quarter_hours: i8,
}

impl TimeAndTimezone {
    pub fn decode(value: &[u8], offset: usize) -> Result<TimeAndTimezone> {
        let &[y1, y2, mo, d, h, mi, s, tz] = value else {
            return Err(invalid("TimeAndTimezone length (8 octets)", offset));
        };
        let bcd = |b: u8, i: usize| -> Result<u8> {
            let (lo, hi) = (b & 0x0f, b >> 4);
            if lo > 9 || hi > 9 {
                Err(invalid("TimeAndTimezone BCD digit", offset + i))
            } else {
                Ok(lo * 10 + hi)
            }
        };
        let tz_tens = tz & 0x07;
        let tz_units = tz >> 4;
        if tz_units > 9 {
            return Err(invalid("time zone BCD digit", offset + 7));
        }
        let q = (tz_tens * 10 + tz_units) as i8;
        Ok(TimeAndTimezone {
            year: u16::from(bcd(y1, 0)?) * 100 + u16::from(bcd(y2, 1)?),
            month: bcd(mo, 2)?,
            day: bcd(d, 3)?,
            hour: bcd(h, 4)?,
            minute: bcd(mi, 5)?,
            second: bcd(s, 6)?,
            tz_quarter_hours: if tz & 0x08 != 0 { -q } else { q },
        })
    }

    pub fn encode_into(&self, out: &mut Vec<u8>) {
        let bcd = |v: u8| (v / 10 % 10) | ((v % 10) << 4);
        let q = self.tz_quarter_hours.unsigned_abs().min(79);
        let tz = (q / 10) | ((q % 10) << 4) | if self.tz_quarter_hours < 0 { 0x08 } else { 0 };
        out.extend_from_slice(&[
            bcd((self.year / 100 % 100) as u8),
            bcd((self.year % 100) as u8),
            bcd(self.month),
            bcd(self.day),
            bcd(self.hour),
            bcd(self.minute),
            bcd(self.second),
            tz,
        ]);
    }
}

/// Q.763 §3.45 Redirection information (CAP RedirectionInformation, 2 octets).
///
/// Octet 1: original redirection reason (bits 8–5), spare, redirecting indicator (bits 3–1);
/// octet 2: redirecting reason (bits 8–5), spare, redirection counter (bits 3–1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct RedirectionInformation {
    /// 0 no redirection, 1 call rerouted, 3 call diverted, 4 call diverted all redirection
    /// information presentation restricted, ...
    pub redirecting_indicator: u8,
    /// 0 unknown, 1 user busy, 2 no reply, 3 unconditional.
    pub original_redirection_reason: u8,
    /// 1..5 redirections so far.
    pub redirection_counter: u8,
    /// 0 unknown, 1 user busy, 2 no reply, 3 unconditional, 4 deflection during alerting,
    /// 5 deflection immediate response, 6 mobile subscriber not reachable.
    pub redirecting_reason: u8,
    /// Spare bit 4 of each octet, kept so a relayed value re-encodes unchanged.
    pub spare: [bool; 2],
}

impl RedirectionInformation {
    pub fn decode(value: &[u8], offset: usize) -> Result<RedirectionInformation> {
        let &[o1, o2] = value else {
            return Err(invalid("RedirectionInformation length (2 octets)", offset));
        };
        Ok(RedirectionInformation {
            redirecting_indicator: o1 & 0x07,
            original_redirection_reason: o1 >> 4,
            redirection_counter: o2 & 0x07,
            redirecting_reason: o2 >> 4,
            spare: [o1 & 0x08 != 0, o2 & 0x08 != 0],
        })
    }

    pub fn encode(&self) -> [u8; 2] {
        [
            (self.original_redirection_reason << 4)
                | (u8::from(self.spare[0]) << 3)
                | (self.redirecting_indicator & 0x07),
            (self.redirecting_reason << 4)
                | (u8::from(self.spare[1]) << 3)
                | (self.redirection_counter & 0x07),
        ]
    }
}

/// CAP BearerCapability's bearerCap: the ISUP User Service Information (Q.763 §3.57, i.e.
/// the Q.931 §4.5.5 bearer capability from octet 3), TS 29.078 CAP-datatypes note.
///
/// Octet 3: ext, coding standard (bits 7–6), information transfer capability (bits 5–1);
/// octet 4: ext, transfer mode (bits 7–6), information transfer rate (bits 5–1); optional
/// octet 5: layer 1 identification (bits 7–6 = 01), user information layer 1 protocol
/// (bits 5–1). Later octets are kept raw.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BearerCapability<'a> {
    /// 0 ITU-T, 1 ISO/IEC, 2 national, 3 network specific.
    pub coding_standard: u8,
    /// 0 speech, 8 unrestricted digital, 9 restricted digital, 16 3.1 kHz audio,
    /// 17 unrestricted digital with tones/announcements, 24 video.
    pub information_transfer_capability: u8,
    /// 0 circuit mode, 2 packet mode.
    pub transfer_mode: u8,
    /// 16 64 kbit/s, 17 2×64, 19 384 kbit/s, 21 1536, 23 1920, 24 multirate; 0 (packet).
    pub transfer_rate: u8,
    /// Octet 5's user information layer 1 protocol (2 G.711 µ-law, 3 G.711 A-law, ...).
    pub layer1_protocol: Option<u8>,
    /// The whole value as received (octets 3 onwards), for relaying.
    pub raw: &'a [u8],
}

/// Information transfer capability values (Q.931 §4.5.5).
pub mod transfer_capability {
    pub const SPEECH: u8 = 0;
    pub const UNRESTRICTED_DIGITAL: u8 = 8;
    pub const RESTRICTED_DIGITAL: u8 = 9;
    pub const AUDIO_3_1_KHZ: u8 = 16;
    pub const UNRESTRICTED_DIGITAL_WITH_TONES: u8 = 17;
    pub const VIDEO: u8 = 24;
}

impl<'a> BearerCapability<'a> {
    /// Decode the bearerCap OCTET STRING's contents.
    pub fn decode(value: &'a [u8], offset: usize) -> Result<BearerCapability<'a>> {
        let [o3, o4, rest @ ..] = value else {
            return Err(invalid("bearer capability shorter than 2 octets", offset));
        };
        let layer1_protocol = match rest.first() {
            Some(o5) if (o5 >> 5) & 0x03 == 0x01 => Some(o5 & 0x1f),
            _ => None,
        };
        Ok(BearerCapability {
            coding_standard: (o3 >> 5) & 0x03,
            information_transfer_capability: o3 & 0x1f,
            transfer_mode: (o4 >> 5) & 0x03,
            transfer_rate: o4 & 0x1f,
            layer1_protocol,
            raw: value,
        })
    }

    /// Decode from the contents of InitialDP's bearerCapability CHOICE (`[0] bearerCap`).
    pub fn decode_choice(choice: &'a [u8]) -> Result<BearerCapability<'a>> {
        let t = crate::ber::Tlv::parse_single(choice)?;
        if t.tag != crate::ber::Tag::ctx(0) {
            return Err(invalid("bearerCapability alternative", t.offset));
        }
        BearerCapability::decode(t.value, t.value_offset)
    }

    /// Encode octets 3–4 (and 5 when a layer 1 protocol is set), all with ext = 1.
    pub fn encode_fields(&self, out: &mut Vec<u8>) {
        out.push(
            0x80 | ((self.coding_standard & 0x03) << 5)
                | (self.information_transfer_capability & 0x1f),
        );
        out.push(0x80 | ((self.transfer_mode & 0x03) << 5) | (self.transfer_rate & 0x1f));
        if let Some(l) = self.layer1_protocol {
            out.push(0x80 | 0x20 | (l & 0x1f));
        }
    }
}

/// The bits of a BER BIT STRING's contents (X.690 §8.6: unused-bits octet, then bits from
/// the most significant), as a bit mask with bit 0 = the first named bit (e.g.
/// SupportedCamelPhases: bit 0 phase 1, ..., bit 3 phase 4). `None` if malformed or longer
/// than 32 bits.
pub fn bit_string_bits(contents: &[u8]) -> Option<u32> {
    let [unused, bits @ ..] = contents else {
        return None;
    };
    if *unused > 7 || bits.len() > 4 || (bits.is_empty() && *unused != 0) {
        return None;
    }
    let mut mask = 0u32;
    for (i, b) in bits.iter().enumerate() {
        for j in 0..8 {
            if b & (0x80 >> j) != 0 {
                mask |= 1 << (i * 8 + j);
            }
        }
    }
    Some(mask)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::ber::from_hex;
    use proptest::prelude::*;

    #[test]
    fn isup_called_party_with_st() {
        // camel2.pcap frame 1 IDP calledPartyNumber [2]: national, INN=1, ISDN, "1227010900"+ST.
        let v = from_hex("83902172109000 0f").unwrap();
        let n = IsupNumber::decode(&v, 0).unwrap();
        assert_eq!(n.nature, nature::NATIONAL);
        assert!(n.inn_or_ni);
        assert_eq!(n.plan, PLAN_ISDN);
        assert_eq!(n.digits.as_str(), "1227010900");
        assert!(n.st);
        assert_eq!(n.filler, 0);
        assert_eq!(n.to_vec(), v);
    }

    #[test]
    fn isup_calling_party_fields() {
        // camel.pcap frame 1 IDP callingPartyNumber [3]: 84 11 14 87 09 50 40 f7.
        let v = from_hex("841114870950 40f7").unwrap();
        let n = IsupNumber::decode(&v, 0).unwrap();
        assert_eq!(n.nature, nature::INTERNATIONAL);
        assert!(!n.inn_or_ni);
        assert_eq!((n.plan, n.presentation, n.screening), (1, 0, 1));
        assert_eq!(n.digits.as_str(), "41789005047");
        assert!(!n.st);
        assert_eq!(n.filler, 0xf);
        assert_eq!(n.to_vec(), v);
    }

    #[test]
    fn isup_special_signals() {
        let n = IsupNumber::e164(nature::UNKNOWN, "*12#a".parse().unwrap());
        let v = n.to_vec();
        assert_eq!(v, [0x82, 0x10, 0x1b, 0xc2, 0x0a]);
        assert_eq!(IsupNumber::decode(&v, 0).unwrap(), n);
        assert!("b".parse::<IsupDigits>().is_err());
        assert!(IsupNumber::decode(&[0x80, 0x10], 0).is_err());
        assert!(IsupNumber::decode(&[0x00, 0x10, 0xf1, 0x22], 0).is_err());
        assert!(IsupNumber::decode(&[0x00], 0).is_err());
    }

    #[test]
    fn tbcd_and_address_string() {
        // camel.pcap frame 1 IDP mscAddress [55]: international E.164 "33662000000".
        let v = from_hex("913366020000f0").unwrap();
        let a = AddressString::decode(&v, 0).unwrap();
        assert_eq!((a.ext, a.nature, a.plan), (true, 1, 1));
        assert_eq!(a.digits.as_str(), "33662000000");
        assert_eq!(a.to_vec(), v);
        let d: TbcdDigits = "*#abc1".parse().unwrap();
        let mut out = Vec::new();
        d.encode_into(&mut out);
        assert_eq!(out, [0xba, 0xdc, 0x1e]);
        assert_eq!(TbcdDigits::decode(&out, 0).unwrap(), d);
        assert!(TbcdDigits::decode(&[0xf1, 0x22], 0).is_err());
        assert!("d".parse::<TbcdDigits>().is_err());
        assert_eq!(
            "1".repeat(41).parse::<TbcdDigits>(),
            Err(DigitsError::TooLong)
        );
    }

    #[test]
    fn cell_id_and_lai() {
        // 22-249.pcap frame 41: CGI 64 f0 00 80 0d f8 2a → 460-00, LAC 0x800d, CI 0xf82a.
        let v = from_hex("64f000800df82a").unwrap();
        let c = CellIdOrLai::decode(&v, 0).unwrap();
        let CellIdOrLai::CellId { plmn, lac, ci } = c else {
            panic!("not a CGI")
        };
        assert_eq!((plmn.mcc, plmn.mnc, plmn.mnc_3_digits), (460, 0, false));
        assert_eq!(plmn.to_string(), "460-00");
        assert_eq!((lac, ci), (0x800d, 0xf82a));
        let mut out = Vec::new();
        c.encode_into(&mut out);
        assert_eq!(out, v);
        let lai = CellIdOrLai::decode(&v[..5], 0).unwrap();
        assert!(matches!(lai, CellIdOrLai::Lai { lac: 0x800d, .. }));
        assert!(CellIdOrLai::decode(&v[..6], 0).is_err());
    }

    #[test]
    fn cause_forms() {
        let c = Cause::decode(&[0x84, 0x90], 0).unwrap();
        assert_eq!((c.coding_standard, c.location, c.value), (0, 4, 16));
        assert_eq!(c.recommendation, None);
        assert_eq!(c.to_vec(), [0x84, 0x90]);
        let c = Cause::decode(&[0x04, 0x81, 0x95, 0x01], 0).unwrap();
        assert_eq!(
            (c.recommendation, c.value, c.diagnostics),
            (Some(1), 21, &[1u8][..])
        );
        assert_eq!(c.to_vec(), [0x04, 0x81, 0x95, 0x01]);
        assert!(Cause::decode(&[0x84], 0).is_err());
        assert!(Cause::decode(&[], 0).is_err());
    }

    #[test]
    fn bearer_capability_and_redirection() {
        // camel2.pcap frame 1 IDP [27]: 80 03 80 90 a3 → speech, circuit 64 kbit/s, A-law.
        let b = BearerCapability::decode_choice(&[0x80, 0x03, 0x80, 0x90, 0xa3]).unwrap();
        assert_eq!(
            b.information_transfer_capability,
            transfer_capability::SPEECH
        );
        assert_eq!(
            (b.coding_standard, b.transfer_mode, b.transfer_rate),
            (0, 0, 16)
        );
        assert_eq!(b.layer1_protocol, Some(3));
        let mut v = Vec::new();
        b.encode_fields(&mut v);
        assert_eq!(v, [0x80, 0x90, 0xa3]);
        assert!(BearerCapability::decode_choice(&[0x81, 0x02, 0x80, 0x90]).is_err());
        // Q.763 §3.45: call diverted (3), original reason no reply (2), counter 1, reason
        // unconditional (3).
        let r = RedirectionInformation::decode(&[0x23, 0x31], 0).unwrap();
        assert_eq!(
            (r.redirecting_indicator, r.original_redirection_reason),
            (3, 2)
        );
        assert_eq!((r.redirection_counter, r.redirecting_reason), (1, 3));
        assert_eq!(r.encode(), [0x23, 0x31]);
        // SupportedCamelPhases {phase1..phase4} set: 4 unused bits, f0.
        assert_eq!(bit_string_bits(&[0x04, 0xf0]), Some(0b1111));
        assert_eq!(bit_string_bits(&[0x08, 0xf0]), None);
    }

    #[test]
    fn time_and_timezone() {
        // 22-249.pcap frame 41 IDP [57]: 2009-10-30 14:10:03, GMT+8 (32 quarter hours).
        let v = from_hex("0290010341013023").unwrap();
        let t = TimeAndTimezone::decode(&v, 0).unwrap();
        assert_eq!(
            (t.year, t.month, t.day, t.hour, t.minute, t.second),
            (2009, 10, 30, 14, 10, 3)
        );
        assert_eq!(t.tz_quarter_hours, 32);
        let mut out = Vec::new();
        t.encode_into(&mut out);
        assert_eq!(out, v);
    }

    pub(crate) fn isup_digits() -> impl Strategy<Value = IsupDigits> {
        "[0-9*#ade]{0,30}".prop_map(|s| s.parse().unwrap())
    }
    pub(crate) fn tbcd_digits() -> impl Strategy<Value = TbcdDigits> {
        "[0-9*#abc]{0,38}".prop_map(|s| s.parse().unwrap())
    }
    pub(crate) fn isup_number() -> impl Strategy<Value = IsupNumber> {
        (
            0u8..128,
            any::<bool>(),
            0u8..8,
            0u8..4,
            0u8..4,
            isup_digits(),
            any::<bool>(),
            prop_oneof![Just(0u8), Just(0xf)],
        )
            .prop_map(
                |(nature, inn_or_ni, plan, presentation, screening, digits, st, f)| {
                    let odd = (digits.len() + usize::from(st)) % 2 == 1;
                    IsupNumber {
                        nature,
                        inn_or_ni,
                        plan,
                        presentation,
                        screening,
                        digits,
                        st,
                        filler: if odd { f } else { 0 },
                    }
                },
            )
    }
    pub(crate) fn address_string() -> impl Strategy<Value = AddressString> {
        (any::<bool>(), 0u8..8, 0u8..16, tbcd_digits()).prop_map(|(ext, nature, plan, digits)| {
            AddressString {
                ext,
                nature,
                plan,
                digits,
            }
        })
    }

    /// One nibble at a time, as `Digits::from_bcd` did before it unpacked whole words.
    fn reference_bcd<A: crate::digits::Bcd>(
        bytes: &[u8],
        count: Option<usize>,
    ) -> std::result::Result<crate::digits::Digits<A>, crate::digits::BcdError> {
        use crate::digits::{BcdError, DigitsError};
        let mut text = String::new();
        let mut ended = false;
        let nibbles = bytes.iter().flat_map(|b| [b & 0x0f, b >> 4]);
        for (i, n) in nibbles.enumerate().take(count.unwrap_or(usize::MAX)) {
            let at = |error| BcdError {
                octet: i / 2,
                error,
            };
            if ended {
                if n != 0x0f {
                    return Err(at(DigitsError::AfterFiller));
                }
            } else if n == 0x0f && count.is_none() {
                ended = true;
            } else {
                let s = A::symbol(n).ok_or_else(|| at(DigitsError::BadNibble(n)))?;
                if text.len() >= A::MAX_LEN {
                    return Err(at(DigitsError::TooLong));
                }
                text.push(char::from(s));
            }
        }
        Ok(text.parse().unwrap())
    }

    proptest! {
        #[test]
        fn isup_round_trip(n in isup_number()) {
            prop_assert_eq!(IsupNumber::decode(&n.to_vec(), 0).unwrap(), n);
        }

        #[test]
        fn generic_number_round_trip(q in any::<u8>(), n in isup_number()) {
            let g = GenericNumber { qualifier: q, number: n };
            let mut v = Vec::new();
            g.encode_into(&mut v);
            prop_assert_eq!(GenericNumber::decode(&v, 0).unwrap(), g);
        }

        #[test]
        fn address_string_round_trip(a in address_string()) {
            prop_assert_eq!(AddressString::decode(&a.to_vec(), 0).unwrap(), a);
        }

        #[test]
        fn digits_text_round_trip(d in tbcd_digits(), i in isup_digits()) {
            prop_assert_eq!(d.to_string().parse::<TbcdDigits>().unwrap(), d);
            prop_assert_eq!(i.to_string().parse::<IsupDigits>().unwrap(), i);
        }

        #[test]
        fn cell_id_round_trip(mcc in 0u16..1000, mnc in 0u16..1000, three in any::<bool>(),
                              lac in any::<u16>(), ci in any::<u16>(), lai in any::<bool>()) {
            let plmn = Plmn { mcc, mnc: if three { mnc } else { mnc % 100 }, mnc_3_digits: three };
            let c = if lai { CellIdOrLai::Lai { plmn, lac } } else { CellIdOrLai::CellId { plmn, lac, ci } };
            let mut v = Vec::new();
            c.encode_into(&mut v);
            prop_assert_eq!(CellIdOrLai::decode(&v, 0).unwrap(), c);
        }

        #[test]
        fn cause_round_trip(cs in 0u8..4, loc in 0u8..16, rec in proptest::option::of(0u8..128),
                            value in 0u8..128, diag in proptest::collection::vec(any::<u8>(), 0..4)) {
            let c = Cause { coding_standard: cs, location: loc, recommendation: rec, value, diagnostics: &diag };
            let v = c.to_vec();
            prop_assert_eq!(Cause::decode(&v, 0).unwrap(), c);
        }

        #[test]
        fn time_round_trip(year in 0u16..10000, month in 0u8..100, day in 0u8..100, hour in 0u8..100,
                           minute in 0u8..100, second in 0u8..100, tz in -79i8..=79) {
            let t = TimeAndTimezone { year, month, day, hour, minute, second, tz_quarter_hours: tz };
            let mut v = Vec::new();
            t.encode_into(&mut v);
            prop_assert_eq!(TimeAndTimezone::decode(&v, 0).unwrap(), t);
        }

        #[test]
        fn number_decoders_never_panic(data in proptest::collection::vec(any::<u8>(), 0..48)) {
            let _ = IsupNumber::decode(&data, 0);
            let _ = GenericNumber::decode(&data, 0);
            let _ = AddressString::decode(&data, 0);
            let _ = CellIdOrLai::decode(&data, 0);
            let _ = Cause::decode(&data, 0);
            let _ = TimeAndTimezone::decode(&data, 0);
            let _ = RedirectionInformation::decode(&data, 0);
            let _ = BearerCapability::decode(&data, 0);
            let _ = BearerCapability::decode_choice(&data);
            let _ = bit_string_bits(&data);
        }

        /// The word-at-a-time unpacking in `Digits::from_bcd` against the plain nibble loop
        /// it replaced: same digits, same error and octet, for both formats, with and
        /// without a count. Octets are mostly decimal so that the fast path runs, with
        /// fillers, `*`/`#` and bad nibbles mixed in.
        #[test]
        fn bcd_unpacking_matches_nibble_loop(
            data in proptest::collection::vec(
                prop_oneof![8 => (0u8..10, 0u8..10).prop_map(|(l, h)| l | h << 4), 2 => any::<u8>()],
                0..30),
            filler in any::<bool>(),
            count in proptest::option::of(0usize..64),
        ) {
            let mut data = data;
            if filler {
                if let Some(last) = data.last_mut() {
                    *last |= 0xf0;
                }
            }
            prop_assert_eq!(
                crate::digits::Digits::<crate::digits::Tbcd>::from_bcd(&data, count),
                reference_bcd(&data, count)
            );
            prop_assert_eq!(
                crate::digits::Digits::<crate::digits::Isup>::from_bcd(&data, count),
                reference_bcd(&data, count)
            );
            prop_assert_eq!(
                TbcdDigits::decode(&data, 0).ok(),
                reference_bcd::<crate::digits::Tbcd>(&data, None).ok()
            );
        }

        #[test]
        fn redirection_information_round_trip(a in any::<[u8; 2]>()) {
            let r = RedirectionInformation::decode(&a, 0).unwrap();
            prop_assert_eq!(r.encode(), a);
        }
    }
}
