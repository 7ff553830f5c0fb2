//! Event monitoring parameters of Request_Report_BCM_Event (GR-1299 §6): the EDPRequest /
//! EDPNotification bit strings and TimeoutTimer.

use super::{fixed, invalid, prim, tag};
use crate::ber::{BerError, BerErrorKind, Result, Tlv};

/// The EDPRequest (`[92]`) / EDPNotification (`[93]`) BIT STRINGs of
/// Request_Report_BCM_Event: which event detection points to arm as requests (EDP-R: the
/// SSP suspends the call and waits for instructions) or notifications (EDP-N: the SSP
/// reports and goes on). Bit `n` of the mask is named bit `n` of the ASN.1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct EdpSet(pub u32);

impl EdpSet {
    pub const O_CALLED_PARTY_BUSY: u32 = 1 << 0;
    pub const O_NO_ANSWER: u32 = 1 << 1;
    pub const O_TERM_SEIZED: u32 = 1 << 2;
    pub const O_ANSWER: u32 = 1 << 3;
    pub const T_BUSY: u32 = 1 << 4;
    pub const T_NO_ANSWER: u32 = 1 << 5;
    pub const TERM_RESOURCE_AVAILABLE: u32 = 1 << 6;
    pub const T_ANSWER: u32 = 1 << 7;
    pub const NETWORK_BUSY: u32 = 1 << 8;
    pub const O_SUSPENDED: u32 = 1 << 9;
    pub const O_DISCONNECT_CALLED: u32 = 1 << 10;
    pub const O_DISCONNECT: u32 = 1 << 11;
    pub const O_ABANDON: u32 = 1 << 12;
    pub const FEATURE_ACTIVATOR: u32 = 1 << 13;
    pub const SWITCH_HOOK_FLASH: u32 = 1 << 14;
    pub const SUCCESS: u32 = 1 << 15;
    pub const T_DISCONNECT: u32 = 1 << 16;
    pub const TIMEOUT: u32 = 1 << 17;
    pub const ORIGINATION_ATTEMPT: u32 = 1 << 18;
    pub const O_DTMF_ENTERED: u32 = 1 << 19;
    pub const T_DTMF_ENTERED: u32 = 1 << 20;
    /// The named bits (GR-1299 defines 21).
    pub const ALL: u32 = (1 << 21) - 1;

    /// The ASN.1 names of the bits, by bit number.
    pub const NAMES: [&'static str; 21] = [
        "oCalledPartyBusy",
        "oNoAnswer",
        "oTermSeized",
        "oAnswer",
        "tBusy",
        "tNoAnswer",
        "termResourceAvailable",
        "tAnswer",
        "networkBusy",
        "oSuspended",
        "oDisconnectCalled",
        "oDisconnect",
        "oAbandon",
        "featureActivator",
        "switchHookFlash",
        "success",
        "tDisconnect",
        "timeout",
        "originationAttempt",
        "oDTMFEntered",
        "tDTMFEntered",
    ];

    pub fn contains(self, bit: u32) -> bool {
        self.0 & bit != 0
    }

    /// BIT STRING contents (X.690 §8.6): unused-bit count, then bit 0 as the MSB of the
    /// first octet. Bits past the 32 we keep are ignored (a later GR may name more).
    pub fn decode(v: &[u8], offset: usize) -> Result<EdpSet> {
        let [unused, bits @ ..] = v else {
            return Err(invalid("BIT STRING without its initial octet", offset));
        };
        if *unused > 7 || (bits.is_empty() && *unused != 0) {
            return Err(invalid("BIT STRING unused bits", offset));
        }
        let mut m = 0u32;
        for (i, b) in bits.iter().take(4).enumerate() {
            for j in 0..8 {
                if b & (0x80 >> j) != 0 {
                    m |= 1 << (i * 8 + j);
                }
            }
        }
        Ok(EdpSet(m))
    }

    /// All 21 named bits, always (3 unused bits, 3 octets): GR-1299 sizes the string by
    /// its named bits and Wireshark's decoder reads all of them, so the DER form with
    /// trailing zeros dropped (X.690 §11.2.2) is refused there as malformed. Bits above 20
    /// lengthen the string.
    pub fn to_array(self) -> ([u8; 5], usize) {
        let mut b = [0u8; 5];
        let nbits = (32 - self.0.leading_zeros() as usize).max(21);
        let octets = nbits.div_ceil(8);
        b[0] = (octets * 8 - nbits) as u8;
        for i in 0..nbits {
            if self.0 & (1 << i) != 0 {
                b[1 + i / 8] |= 0x80 >> (i % 8);
            }
        }
        (b, 1 + octets)
    }
}

/// TimeoutTimer (`[139]`; a CHOICE, so explicitly tagged `BF 81 0B`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeoutTimer {
    /// `[0]` IntervalTime, seconds (1..86400).
    Interval(u32),
    /// `[1]` LocalSSPTime, 7 octets.
    LocalSspTime([u8; 7]),
    /// `[2]` AbsoluteSCPTime, 7 octets.
    AbsoluteScpTime([u8; 7]),
}

impl TimeoutTimer {
    /// Decode the `[139]` element. X.680 makes an IMPLICIT tag on a CHOICE explicit, so the
    /// element is constructed (what we send); the primitive wrapper Wireshark 4.0's decoder
    /// expects (`9F 81 0B` around the alternative's TLV) is accepted too.
    pub fn decode<'a>(t: &Tlv<'a>) -> Result<TimeoutTimer> {
        let mut r = crate::ber::Reader::with_base(t.value, t.value_offset);
        let Some(alt) = r.next_tlv()? else {
            return Err(BerError::new(
                BerErrorKind::Missing("TimeoutTimer choice"),
                t.value_offset,
            ));
        };
        r.finish()?;
        if alt.tag.class != crate::ber::Class::Context {
            return Err(invalid("TimeoutTimer choice", alt.offset));
        }
        match alt.tag.number {
            0 => {
                prim(&alt, "IntervalTime")?;
                Ok(TimeoutTimer::Interval(alt.as_u32()?))
            }
            1 => Ok(TimeoutTimer::LocalSspTime(fixed(
                &alt,
                "LocalSSPTime size",
            )?)),
            2 => Ok(TimeoutTimer::AbsoluteScpTime(fixed(
                &alt,
                "AbsoluteSCPTime size",
            )?)),
            _ => Err(invalid("TimeoutTimer choice", alt.offset)),
        }
    }

    pub fn encode(&self, w: &mut crate::ber::Writer<'_>) {
        use crate::ber::Tag;
        w.constructed(Tag::ctx_cons(tag::TIMEOUT_TIMER), |w| match *self {
            TimeoutTimer::Interval(s) => w.integer(Tag::ctx(0), s.into()),
            TimeoutTimer::LocalSspTime(b) => w.primitive(Tag::ctx(1), &b),
            TimeoutTimer::AbsoluteScpTime(b) => w.primitive(Tag::ctx(2), &b),
        });
    }
}
