//! AIN parameters (GR-1299 §6, as published in Wireshark's `asn1/ain/AIN-Parameters.asn`;
//! the subset modelled here is transcribed in `asn1/AIN-subset.asn`): their tags and the
//! formats of the ones scpd reads or writes as fields.
//!
//! Every AIN parameter has one context tag wherever it appears (GR-1299 tags parameters
//! globally, not per message), so the tag alone says how to decode a member. Decoders take
//! the contents (no tag, no length) and their absolute offset, borrow from the input and
//! never allocate; encoders append contents to a caller's buffer or fixed array.

use super::AinError;
use crate::ber::{BerError, BerErrorKind, Result, Tlv};
use crate::digits::{Digits, Isup};

/// Context tag numbers of the parameters (GR-1299 §6; `AIN-Parameters.asn`).
pub mod tag {
    pub const ACCESS_CODE: u32 = 1;
    pub const ACG_ENCOUNTERED: u32 = 2;
    pub const AMA_ALTERNATE_BILLING_NUMBER: u32 = 6;
    pub const AMA_BUSINESS_CUSTOMER_ID: u32 = 7;
    /// AMAslpID is untagged in the parameter module; every argument tags it `[10] IMPLICIT`.
    pub const AMA_SLP_ID: u32 = 10;
    pub const AMP1: u32 = 11;
    pub const BEARER_CAPABILITY: u32 = 13;
    pub const BUSY_CAUSE: u32 = 14;
    pub const CALLED_PARTY_ID: u32 = 15;
    pub const CALLED_PARTY_STATION_TYPE: u32 = 16;
    pub const CALLING_PARTY_BGID: u32 = 17;
    pub const CALLING_PARTY_ID: u32 = 18;
    pub const CHARGE_NUMBER: u32 = 19;
    pub const CHARGE_PARTY_STATION_TYPE: u32 = 20;
    pub const COLLECTED_ADDRESS_INFO: u32 = 22;
    pub const COLLECTED_DIGITS: u32 = 23;
    pub const CONTROLLING_LEG_TREATMENT: u32 = 24;
    pub const FAILURE_CAUSE: u32 = 32;
    pub const GENERIC_NAME: u32 = 33;
    pub const LATA: u32 = 35;
    pub const ORIGINAL_CALLED_PARTY_ID: u32 = 36;
    pub const OUTPULSE_NUMBER: u32 = 37;
    pub const PASSIVE_LEG_TREATMENT: u32 = 39;
    pub const PRIMARY_BILLING_INDICATOR: u32 = 40;
    pub const CARRIER: u32 = 41;
    pub const PRIMARY_TRUNK_GROUP: u32 = 42;
    pub const REDIRECTING_PARTY_ID: u32 = 43;
    pub const REDIRECTION_INFORMATION: u32 = 44;
    pub const TCM: u32 = 51;
    pub const TRIGGER_CRITERIA_TYPE: u32 = 52;
    pub const USER_ID: u32 = 53;
    pub const VERTICAL_SERVICE_CODE: u32 = 54;
    pub const APPLICATION_ERROR_STRING: u32 = 55;
    pub const ERROR_CAUSE: u32 = 56;
    pub const FAILED_MESSAGE: u32 = 57;
    pub const CONNECT_TIME: u32 = 58;
    pub const CONTROL_CAUSE_INDICATOR: u32 = 59;
    pub const ECHO_DATA: u32 = 60;
    pub const GAP_DURATION: u32 = 62;
    pub const NATIONAL_GAP_INTERVAL: u32 = 63;
    pub const PRIVATE_GAP_INTERVAL: u32 = 64;
    pub const TERMINATION_INDICATOR: u32 = 67;
    pub const GLOBAL_TITLE_ADDRESS: u32 = 69;
    pub const TRANSLATION_TYPE: u32 = 70;
    pub const CLOSE_CAUSE: u32 = 72;
    pub const SAP: u32 = 81;
    pub const EXTENSION_PARAMETER: u32 = 84;
    pub const AMA_SEQUENCE_NUMBER: u32 = 89;
    pub const O_NO_ANSWER_TIMER: u32 = 91;
    pub const EDP_REQUEST: u32 = 92;
    pub const EDP_NOTIFICATION: u32 = 93;
    pub const BUSY_TYPE: u32 = 94;
    pub const STR_CONNECTION: u32 = 96;
    pub const T_NO_ANSWER_TIMER: u32 = 99;
    pub const AMP2: u32 = 109;
    pub const NOTIFICATION_INDICATOR: u32 = 111;
    pub const FAILURE_CAUSE_DATA: u32 = 112;
    pub const DISCONNECT_CAUSE: u32 = 116;
    pub const LEG_ID: u32 = 132;
    pub const CC_ID: u32 = 133;
    pub const BCM_TYPE: u32 = 134;
    pub const POINT_IN_CALL: u32 = 135;
    pub const TIMEOUT_TIMER: u32 = 139;
    pub const CTR_CONNECTION: u32 = 141;
    pub const SSP_RESPONSE_MESSAGE_TIMER_T1: u32 = 166;
}

pub(super) fn invalid(what: &'static str, offset: usize) -> BerError {
    BerError::new(BerErrorKind::Invalid(what), offset)
}

/// Contents of a member typed as a string or number: primitive form only.
pub(super) fn prim<'a>(t: &Tlv<'a>, what: &'static str) -> Result<&'a [u8]> {
    if t.tag.constructed {
        Err(invalid(what, t.offset))
    } else {
        Ok(t.value)
    }
}

/// Contents of a fixed-size string member.
pub(super) fn fixed<const N: usize>(t: &Tlv<'_>, what: &'static str) -> Result<[u8; N]> {
    prim(t, what)?
        .try_into()
        .map_err(|_| invalid(what, t.value_offset))
}

/// An INTEGER/ENUMERATED member whose range fits one octet (GR-1299 enumerations, station
/// types, leg IDs, timers in seconds up to 120).
pub(super) fn small(t: &Tlv<'_>, what: &'static str) -> Result<u8> {
    prim(t, what)?;
    u8::try_from(t.as_i64()?).map_err(|_| invalid(what, t.value_offset))
}

/// Octets of packed AIN digits the largest digit string we hold takes, plus the two header
/// octets.
const DIGITS_BUF: usize = 2 + crate::digits::MAX_DIGITS / 2;

/// Pack `digits` low nibble first with a `0000` filler (AIN, ISUP), into `out`.
fn pack(digits: &Digits<Isup>, out: &mut [u8]) -> usize {
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

/// UserID (GR-1299 §6 "UserID", `[53]` CHOICE, so explicitly tagged `BF 35`): the line,
/// ISDN BRI, trunk group or private facility the trigger was raised for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserId<'a> {
    /// `[1] Dn`: the 10-digit directory number, 5 octets of BCD, first digit in bits 4–1 (the
    /// AINDigits digit order; tshark shows these octets raw).
    Dn(Digits<Isup>),
    /// `[2]` BRI: SPID (`[49]`, IA5 text) and DN.
    Bri { spid: &'a [u8], dn: Digits<Isup> },
    /// `[5] TrunkGroupID` INTEGER (0..9999).
    TrunkGroup(u16),
    /// `[6] PrivateFacilityGID` INTEGER (0..9999).
    PrivateFacility(u16),
    /// `ADSIcpeID` (untagged OCTET STRING, 4 octets).
    AdsiCpe([u8; 4]),
}

impl Default for UserId<'_> {
    fn default() -> Self {
        UserId::Dn(Digits::EMPTY)
    }
}

fn dn(t: &Tlv<'_>) -> Result<Digits<Isup>> {
    let v: [u8; 5] = fixed(t, "Dn size")?;
    Digits::from_bcd(&v, Some(10)).map_err(|_| invalid("Dn digit", t.value_offset))
}

fn dn_bytes(d: &Digits<Isup>) -> std::result::Result<[u8; 5], AinError> {
    if d.len() != 10 {
        return Err(AinError::Encode("a Dn is exactly 10 digits"));
    }
    let mut b = [0u8; 5];
    pack(d, &mut b);
    Ok(b)
}

fn small_u16(t: &Tlv<'_>, what: &'static str) -> Result<u16> {
    prim(t, what)?;
    u16::try_from(t.as_i64()?).map_err(|_| invalid(what, t.value_offset))
}

impl<'a> UserId<'a> {
    /// Decode the `[53]` element (explicit: one CHOICE alternative inside).
    pub fn decode(t: &Tlv<'a>) -> Result<UserId<'a>> {
        let mut r = t.children()?;
        let Some(alt) = r.next_tlv()? else {
            return Err(BerError::new(
                BerErrorKind::Missing("UserID choice"),
                t.value_offset,
            ));
        };
        r.finish()?;
        use crate::ber::Class;
        let u = match (alt.tag.class, alt.tag.number) {
            (Class::Context, 1) => UserId::Dn(dn(&alt)?),
            (Class::Context, 2) => {
                let mut m = alt.children()?;
                let spid = m.expect(crate::ber::Tag::ctx(49), "spid")?;
                let d = m.expect(crate::ber::Tag::OCTET_STRING, "dn")?;
                m.finish()?;
                UserId::Bri {
                    spid: prim(&spid, "Spid")?,
                    dn: dn(&d)?,
                }
            }
            (Class::Context, 5) => UserId::TrunkGroup(small_u16(&alt, "TrunkGroupID")?),
            (Class::Context, 6) => UserId::PrivateFacility(small_u16(&alt, "PrivateFacilityGID")?),
            (Class::Universal, 4) => UserId::AdsiCpe(fixed(&alt, "ADSIcpeID size")?),
            _ => return Err(invalid("UserID choice", alt.offset)),
        };
        Ok(u)
    }

    /// Whether [`UserId::encode`] can write it (a DN is exactly 10 digits).
    pub fn validate(&self) -> std::result::Result<(), AinError> {
        match self {
            UserId::Dn(d) | UserId::Bri { dn: d, .. } => dn_bytes(d).map(drop),
            _ => Ok(()),
        }
    }

    /// Write the `[53]` element; nothing is written when it is invalid.
    pub fn encode(&self, w: &mut crate::ber::Writer<'_>) -> std::result::Result<(), AinError> {
        use crate::ber::Tag;
        let dn_enc = match self {
            UserId::Dn(d) | UserId::Bri { dn: d, .. } => Some(dn_bytes(d)?),
            _ => None,
        };
        w.constructed(Tag::ctx_cons(tag::USER_ID), |w| match *self {
            UserId::Dn(_) => w.primitive(Tag::ctx(1), &dn_enc.unwrap_or_default()),
            UserId::Bri { spid, .. } => w.constructed(Tag::ctx_cons(2), |w| {
                w.primitive(Tag::ctx(49), spid);
                w.primitive(Tag::OCTET_STRING, &dn_enc.unwrap_or_default());
            }),
            UserId::TrunkGroup(n) => w.integer(Tag::ctx(5), n.into()),
            UserId::PrivateFacility(n) => w.integer(Tag::ctx(6), n.into()),
            UserId::AdsiCpe(b) => w.primitive(Tag::OCTET_STRING, &b),
        });
        Ok(())
    }

    /// The directory number, where the UserID has one.
    pub fn dn(&self) -> Option<&Digits<Isup>> {
        match self {
            UserId::Dn(d) | UserId::Bri { dn: d, .. } => Some(d),
            _ => None,
        }
    }
}

/// BearerCapability (`[13]` ENUMERATED).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BearerCapability(pub u8);

impl BearerCapability {
    pub const SPEECH: Self = Self(0);
    pub const AUDIO_3_1_KHZ: Self = Self(1);
    pub const AUDIO_7_KHZ: Self = Self(2);
    pub const B56_KBPS: Self = Self(3);
    pub const B64_KBPS: Self = Self(4);
    pub const PACKET_MODE_DATA: Self = Self(5);
    pub const MULTI_RATE: Self = Self(6);

    /// The ASN.1 name (as tshark prints it).
    pub fn name(self) -> Option<&'static str> {
        const N: [&str; 7] = [
            "speech",
            "f31kHzaudio",
            "f7kHzaudio",
            "b56kbps",
            "b64kbps",
            "packetModeData",
            "multiRate",
        ];
        N.get(usize::from(self.0)).copied()
    }
}

/// TriggerCriteriaType (`[52]` ENUMERATED): which trigger fired.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TriggerCriteriaType(pub u8);

impl TriggerCriteriaType {
    pub const OFF_HOOK_IMMEDIATE: Self = Self(16);
    pub const OFF_HOOK_DELAY: Self = Self(17);
    pub const TERMINATION_ATTEMPT: Self = Self(15);
    pub const NPA_NXX_XXXX: Self = Self(8);
    pub const NETWORK_BUSY: Self = Self(24);
    pub const SPECIFIC_FEATURE_CODE: Self = Self(28);

    /// The ASN.1 name (as tshark prints it).
    pub fn name(self) -> Option<&'static str> {
        const N: [&str; 51] = [
            "featureActivator",
            "verticalServiceCode",
            "customizedAccess",
            "customizedIntercom",
            "npa",
            "npaNXX",
            "nxx",
            "nxxXXXX",
            "npaNXXXXXX",
            "countryCodeNPANXXXXXX",
            "carrierAccess",
            "prefixes",
            "n11",
            "aFR",
            "sharedIOTrunk",
            "terminationAttempt",
            "offHookImmediate",
            "offHookDelay",
            "channelSetupPRI",
            "npaN",
            "npaNX",
            "npaNXXX",
            "npaNXXXX",
            "npaNXXXXX",
            "networkBusy",
            "tNoAnswer",
            "tBusy",
            "oCalledPartyBusy",
            "specificFeatureCode",
            "oNoAnswer",
            "priNetworkServices",
            "oSwitchHookFlashImmediate",
            "oFeatureActivator",
            "oSwitchHookFlashSpecifiedCode",
            "tSwitchHookFlashImmediate",
            "tFeatureActivator",
            "tSwitchHookFlashSpecifiedCode",
            "numberPortability",
            "onePlus",
            "specifiedCarrier",
            "international",
            "zeroPlus",
            "zeroMinus",
            "localNumberPortabilityPORC",
            "localNumberPortabilityPORCdonor",
            "reserved",
            "termResourceAvailable",
            "officePublicFeatureCode",
            "trunkGroup",
            "dedicatedTrunkGroup",
            "reserved",
        ];
        N.get(usize::from(self.0)).copied()
    }
}

/// RedirectionInformation (`[44]`, 2 octets, the T1.113 ISUP Redirection Information
/// layout): octet 1 = original redirecting reason (bits 8–5) and redirecting indicator
/// (bits 3–1); octet 2 = redirecting reason (bits 8–5) and redirection counter (bits 3–1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RedirectionInformation {
    pub redirecting_indicator: u8,
    pub original_reason: u8,
    pub counter: u8,
    /// 1 busy, 2 no reply, 3 unconditional, ...
    pub reason: u8,
}

impl RedirectionInformation {
    pub fn decode(v: [u8; 2]) -> RedirectionInformation {
        RedirectionInformation {
            redirecting_indicator: v[0] & 0x07,
            original_reason: v[0] >> 4,
            counter: v[1] & 0x07,
            reason: v[1] >> 4,
        }
    }
    pub fn encode(&self) -> [u8; 2] {
        [
            (self.original_reason & 0x0f) << 4 | (self.redirecting_indicator & 0x07),
            (self.reason & 0x0f) << 4 | (self.counter & 0x07),
        ]
    }
}

/// A Q.850/T1.113 cause indicators value (BusyCause `[14]`, 2–3 octets): coding standard
/// and location, cause value, optional diagnostic octet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Cause {
    pub coding_standard: u8,
    pub location: u8,
    /// Q.850 cause value (17 user busy, 16 normal clearing, ...).
    pub value: u8,
    pub diagnostic: Option<u8>,
}

impl Cause {
    pub fn decode(v: &[u8], offset: usize) -> Result<Cause> {
        let (o1, o2, diag) = match *v {
            [a, b] => (a, b, None),
            [a, b, c] => (a, b, Some(c)),
            _ => return Err(invalid("cause size", offset)),
        };
        Ok(Cause {
            coding_standard: (o1 >> 5) & 0x03,
            location: o1 & 0x0f,
            value: o2 & 0x7f,
            diagnostic: diag,
        })
    }
    pub fn to_array(&self) -> ([u8; 3], usize) {
        let b = [
            0x80 | (self.coding_standard & 0x03) << 5 | (self.location & 0x0f),
            0x80 | (self.value & 0x7f),
            self.diagnostic.unwrap_or(0),
        ];
        (b, if self.diagnostic.is_some() { 3 } else { 2 })
    }
}

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

/// GapInterval of ACG: national (`[63]`) or private (`[64]`) ENUMERATED.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GapInterval {
    National(u8),
    Private(u8),
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

/// FailureCause (`[32]` ENUMERATED) names, for logs.
pub fn failure_cause_name(v: u8) -> Option<&'static str> {
    Some(match v {
        1 => "rateTooHigh",
        2 => "unavailableResources",
        3 => "apTimeout",
        4 => "apBusy",
        13 => "channelsBusy",
        14 => "abort",
        15 => "resourceLimitation",
        16 => "applicationError",
        17 => "securityError",
        18 => "protocolError",
        19 => "timerExpired",
        20 => "temporaryFailure",
        21 => "msridDoesNotMatchUserProfile",
        22 => "segmentationError",
        23 => "ncasDisallowed",
        24 => "controlEncountered",
        25 => "improperCoding",
        26 => "inappropriateCondition",
        27 => "inappropriateUserInterface",
        28 => "inappropriateLegManipulation",
        29 => "callingInterfaceBusy",
        _ => return None,
    })
}

/// ErrorCause (`[56]` ENUMERATED) of an ApplicationErrorString.
pub mod error_cause {
    pub const ERRONEOUS_DATA_VALUE: u8 = 0;
    pub const MISSING_CONDITIONAL_PARAMETER: u8 = 1;
    pub const RESPONSE_MESSAGE_TIMER_EXPIRED: u8 = 2;
    pub const UNEXPECTED_COMMUNICATION: u8 = 3;
    pub const UNEXPECTED_MESSAGE: u8 = 4;
    pub const UNEXPECTED_MESSAGE_SEQUENCE: u8 = 5;
    pub const UNEXPECTED_PARAMETER_SEQUENCE: u8 = 6;
    pub const NAMES: [&str; 7] = [
        "erroneousDataValue",
        "missingConditionalParameter",
        "responseMessageTimerExpired",
        "unexpectedCommunication",
        "unexpectedMessage",
        "unexpectedMessageSequence",
        "unexpectedParameterSequence",
    ];
}

/// CloseCause (`[72]` ENUMERATED) of Close.
pub mod close_cause {
    pub const CALL_TERMINATED: u8 = 0;
    pub const EDPS_COMPLETED: u8 = 1;
    pub const UNEXPECTED_COMMUNICATION: u8 = 2;
    pub const CALLED_PARTY_ANSWERED: u8 = 3;
    pub const CALL_FORWARDED_EDPS_COMPLETED: u8 = 4;
    pub const NEW_REQUESTED_EVENT: u8 = 5;
    pub const NAMES: [&str; 6] = [
        "callTerminated",
        "eDPsCompleted",
        "unexpectedCommunication",
        "calledPartyAnswered",
        "callForwardedEDPsCompleted",
        "newRequestedEvent",
    ];
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ber::{Tlv, Writer};

    #[test]
    fn calling_party_id_as_tshark_shows_it() {
        // CallingPartyID 2015550123, national (3), ISDN plan, presentation allowed, network
        // provided: 03 13 02 51 55 10 32 — even count, no filler.
        let enc = [0x03, 0x13, 0x02, 0x51, 0x55, 0x10, 0x32];
        let d = AinDigits::decode(&enc, 0).unwrap();
        assert_eq!(
            (d.nature, d.plan, d.presentation, d.screening),
            (3, 1, 0, 3)
        );
        assert_eq!(d.digits.as_str(), "2015550123");
        let mut out = Vec::new();
        d.encode_into(&mut out);
        assert_eq!(out, enc);
    }

    #[test]
    fn odd_count_uses_a_zero_filler() {
        let d = AinDigits::national("5550123".parse().unwrap());
        let mut out = Vec::new();
        d.encode_into(&mut out);
        assert_eq!(out, [0x83, 0x10, 0x55, 0x05, 0x21, 0x03]);
        assert_eq!(AinDigits::decode(&out, 0).unwrap(), d);
        assert!(AinDigits::decode(&[0x83], 9).is_err());
        assert!(AinDigits::decode(&[0x83, 0x10], 9).is_err());
    }

    #[test]
    fn carrier_cic() {
        // Carrier 0288 (AT&T), presubscribed and input (2), interLATA (3): 02 34 20 88.
        let c = Carrier::decode(&[0x02, 0x34, 0x20, 0x88], 0).unwrap();
        assert_eq!((c.selection, c.nature, c.digits.as_str()), (2, 3, "0288"));
        let (b, n) = c.to_array().unwrap();
        assert_eq!(&b[..n], [0x02, 0x34, 0x20, 0x88]);
        assert!(Carrier::decode(&[0x02, 0x35, 0x20, 0x88], 0).is_err());
    }

    #[test]
    fn user_id_dn_and_trunk_group() {
        let mut buf = Vec::new();
        UserId::Dn("2015550123".parse().unwrap())
            .encode(&mut Writer::new(&mut buf))
            .unwrap();
        assert_eq!(
            buf,
            [0xbf, 0x35, 0x07, 0x81, 0x05, 0x02, 0x51, 0x55, 0x10, 0x32]
        );
        let t = Tlv::parse_single(&buf).unwrap();
        assert_eq!(
            UserId::decode(&t).unwrap().dn().unwrap().as_str(),
            "2015550123"
        );
        buf.clear();
        UserId::TrunkGroup(1234)
            .encode(&mut Writer::new(&mut buf))
            .unwrap();
        assert_eq!(buf, [0xbf, 0x35, 0x04, 0x85, 0x02, 0x04, 0xd2]);
        let t = Tlv::parse_single(&buf).unwrap();
        assert_eq!(UserId::decode(&t).unwrap(), UserId::TrunkGroup(1234));
        assert!(UserId::Dn("123".parse().unwrap())
            .encode(&mut Writer::new(&mut Vec::new()))
            .is_err());
    }

    #[test]
    fn edp_bits_carry_all_21_named_bits() {
        let s = EdpSet(EdpSet::O_ANSWER);
        let (b, n) = s.to_array();
        assert_eq!(&b[..n], [0x03, 0x10, 0x00, 0x00]);
        let s = EdpSet(EdpSet::O_ANSWER | EdpSet::O_DISCONNECT | EdpSet::T_DISCONNECT);
        let (b, n) = s.to_array();
        assert_eq!(&b[..n], [0x03, 0x10, 0x10, 0x80]);
        assert_eq!(EdpSet::decode(&b[..n], 0).unwrap(), s);
        // The DER form (trailing zeros dropped) decodes too.
        assert_eq!(
            EdpSet::decode(&[0x04, 0x10], 0).unwrap(),
            EdpSet(EdpSet::O_ANSWER)
        );
        assert!(EdpSet::decode(&[8, 0], 0).is_err());
    }

    #[test]
    fn redirection_information_fields() {
        let r = RedirectionInformation::decode([0x13, 0x21]);
        assert_eq!(
            (
                r.redirecting_indicator,
                r.original_reason,
                r.counter,
                r.reason
            ),
            (3, 1, 1, 2)
        );
        assert_eq!(r.encode(), [0x13, 0x21]);
    }

    proptest::proptest! {
        #[test]
        fn digits_round_trip(s in "[0-9]{0,30}", nature in 0u8..128, plan in 0u8..8) {
            let d = AinDigits { nature, plan, digits: s.parse().unwrap(), ..Default::default() };
            let mut out = Vec::new();
            d.encode_into(&mut out);
            proptest::prop_assert_eq!(AinDigits::decode(&out, 0).unwrap(), d);
        }

        #[test]
        fn edp_round_trip(m in 0u32..(1 << 21)) {
            let (b, n) = EdpSet(m).to_array();
            proptest::prop_assert_eq!(EdpSet::decode(&b[..n], 0).unwrap(), EdpSet(m));
        }
    }
}
