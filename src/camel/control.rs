//! Call control and reporting operations besides the foundation call's (TS 29.078 §6.1.1,
//! transcribed in `asn1/CAP-subset.asn`): ContinueWithArgument, ResetTimer, Cancel,
//! InitiateCallAttempt (and its result), CallInformationRequest/Report,
//! AssistRequestInstructions, SpecializedResourceReport and EntityReleased.
//! Continue (31) and ActivityTest (55) carry no argument.
//!
//! Same conventions as [`super::ops`]: decoders borrow, skip unknown members, accept any
//! order and allocate nothing (bounded SEQUENCE OF go into a [`List`]); encoders write ASN.1
//! order, definite lengths.

use super::list::List;
use super::numbers::{AddressString, Cause, GenericNumber, IsupNumber};
use super::ops::{
    address, cause, contents, ctx, invalid, isup, octets, one_octet, put_cons, put_null, put_prim,
    sequence, small_enum, Scratch,
};
use super::{LegId, LegType};
use crate::ber::{BerError, BerErrorKind, Result, Tag, Tlv, Writer};

fn missing(what: &'static str, offset: usize) -> BerError {
    BerError::new(BerErrorKind::Missing(what), offset)
}

fn null(m: &Tlv<'_>) -> Result<bool> {
    m.as_null().map(|_| true)
}

/// CallSegmentID ::= INTEGER (1..127).
fn call_segment(m: &Tlv<'_>) -> Result<u8> {
    small_enum(m, "callSegmentID")
}

/// DestinationRoutingAddress ::= SEQUENCE SIZE(1) OF CalledPartyNumber.
fn decode_dra(m: &Tlv<'_>) -> Result<IsupNumber> {
    let mut r = m.children()?;
    let first = r
        .next_tlv()?
        .ok_or(missing("destinationRoutingAddress element", m.value_offset))?;
    first.expect(Tag::OCTET_STRING)?;
    let n = isup(&first, "destinationRoutingAddress")?;
    r.finish()?;
    Ok(n)
}

fn encode_dra(w: &mut Writer<'_>, s: &mut Scratch, tag: u32, n: &IsupNumber) {
    s.0.clear();
    n.encode_into(&mut s.0);
    let v = &s.0;
    w.constructed(Tag::ctx_cons(tag), |w| w.primitive(Tag::OCTET_STRING, v));
}

/// GenericNumbers ::= SET SIZE(1..5) OF GenericNumber.
pub(super) fn decode_generic_numbers(m: &Tlv<'_>) -> Result<List<GenericNumber, 5>> {
    let mut l = List::new();
    for g in m.children()? {
        let g = g?;
        g.expect(Tag::OCTET_STRING)?;
        l.push_at(
            GenericNumber::decode(octets(&g, "genericNumber")?, g.value_offset)?,
            g.offset,
        )?;
    }
    Ok(l)
}

fn encode_generic_numbers(w: &mut Writer<'_>, s: &mut Scratch, tag: u32, l: &[GenericNumber]) {
    if l.is_empty() {
        return;
    }
    w.constructed(Tag::ctx_cons(tag), |w| {
        for g in l {
            s.0.clear();
            g.encode_into(&mut s.0);
            w.primitive(Tag::OCTET_STRING, &s.0);
        }
    });
}

// ---------------------------------------------------------------------------------------
// ContinueWithArgument (opcode 88, CAP v3+)

/// LegOrCallSegment (CAP v4): CHOICE { callSegmentID [0], legID [1] LegID }.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LegOrCallSegment {
    CallSegment(u8),
    Leg(LegId),
}

impl LegOrCallSegment {
    fn decode(outer: &Tlv<'_>) -> Result<LegOrCallSegment> {
        let mut r = outer.children()?;
        let t = r
            .next_tlv()?
            .ok_or(missing("legOrCallSegment alternative", outer.value_offset))?;
        let v = match ctx(&t) {
            Some(0) => LegOrCallSegment::CallSegment(call_segment(&t)?),
            Some(1) => LegOrCallSegment::Leg(LegId::decode_choice(&t)?),
            _ => return Err(invalid("legOrCallSegment alternative", t.offset)),
        };
        r.finish()?;
        Ok(v)
    }
    fn encode(&self, w: &mut Writer<'_>, tag: u32) {
        w.constructed(Tag::ctx_cons(tag), |w| match self {
            LegOrCallSegment::CallSegment(c) => w.integer(Tag::ctx(0), i64::from(*c)),
            LegOrCallSegment::Leg(l) => l.encode_choice(w, 1),
        });
    }
}

/// ContinueWithArgumentArgExtension (CAP v4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ContinueWithArgumentArgExtension {
    /// [0] suppress-D-CSI NULL.
    pub suppress_d_csi: bool,
    /// [1] suppress-N-CSI NULL.
    pub suppress_n_csi: bool,
    /// [2] suppressOutgoingCallBarring NULL.
    pub suppress_outgoing_call_barring: bool,
    /// [3] legOrCallSegment.
    pub leg_or_call_segment: Option<LegOrCallSegment>,
}

/// ContinueWithArgumentArg (opcode 88): continue call processing with modified data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ContinueWithArgumentArg<'a> {
    /// [1] alertingPattern (3 octets), opaque.
    pub alerting_pattern: Option<&'a [u8]>,
    /// [6] extensions, opaque contents.
    pub extensions: Option<&'a [u8]>,
    /// [7] serviceInteractionIndicatorsTwo, opaque contents.
    pub service_interaction_indicators_two: Option<&'a [u8]>,
    /// [12] callingPartysCategory.
    pub calling_partys_category: Option<u8>,
    /// [16] genericNumbers.
    pub generic_numbers: List<GenericNumber, 5>,
    /// [17] cug-Interlock (4 octets), opaque.
    pub cug_interlock: Option<&'a [u8]>,
    /// [18] cug-OutgoingAccess NULL.
    pub cug_outgoing_access: bool,
    /// [50] chargeNumber.
    pub charge_number: Option<IsupNumber>,
    /// [52] carrier, opaque.
    pub carrier: Option<&'a [u8]>,
    /// [55] suppressionOfAnnouncement NULL.
    pub suppression_of_announcement: bool,
    /// [56] naOliInfo.
    pub na_oli_info: Option<u8>,
    /// [57] bor-InterrogationRequested NULL.
    pub bor_interrogation_requested: bool,
    /// [58] suppress-O-CSI NULL.
    pub suppress_o_csi: bool,
    /// [59] continueWithArgumentArgExtension.
    pub extension: Option<ContinueWithArgumentArgExtension>,
}

impl<'a> ContinueWithArgumentArg<'a> {
    pub fn decode(param: Tlv<'a>) -> Result<ContinueWithArgumentArg<'a>> {
        let mut a = ContinueWithArgumentArg::default();
        for m in sequence(&param)? {
            let m = m?;
            let Some(n) = ctx(&m) else { continue };
            match n {
                1 => a.alerting_pattern = Some(octets(&m, "alertingPattern")?),
                6 => a.extensions = Some(contents(&m, "extensions")?),
                7 => {
                    a.service_interaction_indicators_two =
                        Some(contents(&m, "serviceInteractionIndicatorsTwo")?)
                }
                12 => a.calling_partys_category = Some(one_octet(&m, "callingPartysCategory")?),
                16 => a.generic_numbers = decode_generic_numbers(&m)?,
                17 => a.cug_interlock = Some(octets(&m, "cug-Interlock")?),
                18 => a.cug_outgoing_access = null(&m)?,
                50 => a.charge_number = Some(isup(&m, "chargeNumber")?),
                52 => a.carrier = Some(octets(&m, "carrier")?),
                55 => a.suppression_of_announcement = null(&m)?,
                56 => a.na_oli_info = Some(one_octet(&m, "naOliInfo")?),
                57 => a.bor_interrogation_requested = null(&m)?,
                58 => a.suppress_o_csi = null(&m)?,
                59 => {
                    let mut e = ContinueWithArgumentArgExtension::default();
                    for x in m.children()? {
                        let x = x?;
                        match ctx(&x) {
                            Some(0) => e.suppress_d_csi = null(&x)?,
                            Some(1) => e.suppress_n_csi = null(&x)?,
                            Some(2) => e.suppress_outgoing_call_barring = null(&x)?,
                            Some(3) => e.leg_or_call_segment = Some(LegOrCallSegment::decode(&x)?),
                            _ => {}
                        }
                    }
                    a.extension = Some(e);
                }
                _ => {}
            }
        }
        Ok(a)
    }

    pub fn decode_bytes(buf: &'a [u8]) -> Result<ContinueWithArgumentArg<'a>> {
        ContinueWithArgumentArg::decode(Tlv::parse_single(buf)?)
    }

    pub fn encode(&self, w: &mut Writer<'_>) {
        let mut s = Scratch::new();
        w.constructed(Tag::SEQUENCE, |w| {
            put_prim(w, 1, self.alerting_pattern);
            put_cons(w, 6, self.extensions);
            put_cons(w, 7, self.service_interaction_indicators_two);
            if let Some(c) = self.calling_partys_category {
                w.primitive(Tag::ctx(12), &[c]);
            }
            encode_generic_numbers(w, &mut s, 16, self.generic_numbers.as_slice());
            put_prim(w, 17, self.cug_interlock);
            put_null(w, 18, self.cug_outgoing_access);
            if let Some(n) = &self.charge_number {
                s.isup(w, 50, n);
            }
            put_prim(w, 52, self.carrier);
            put_null(w, 55, self.suppression_of_announcement);
            if let Some(n) = self.na_oli_info {
                w.primitive(Tag::ctx(56), &[n]);
            }
            put_null(w, 57, self.bor_interrogation_requested);
            put_null(w, 58, self.suppress_o_csi);
            if let Some(e) = &self.extension {
                w.constructed(Tag::ctx_cons(59), |w| {
                    put_null(w, 0, e.suppress_d_csi);
                    put_null(w, 1, e.suppress_n_csi);
                    put_null(w, 2, e.suppress_outgoing_call_barring);
                    if let Some(l) = &e.leg_or_call_segment {
                        l.encode(w, 3);
                    }
                });
            }
        });
    }
}

// ---------------------------------------------------------------------------------------
// ResetTimer (opcode 33)

/// ResetTimerArg: restart the gsmSSF's Tssf with a new value while the gsmSCF works out a
/// decision (TS 23.078 §4.6.1.9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ResetTimerArg<'a> {
    /// [0] timerID ENUMERATED { tssf (0) } DEFAULT tssf; `None` when absent.
    pub timer_id: Option<u8>,
    /// [1] timervalue, seconds.
    pub timer_value: u32,
    /// [2] extensions, opaque contents.
    pub extensions: Option<&'a [u8]>,
    /// [3] callSegmentID (CAP v4).
    pub call_segment_id: Option<u8>,
}

impl<'a> ResetTimerArg<'a> {
    /// Reset Tssf to `seconds`.
    pub fn tssf(seconds: u32) -> ResetTimerArg<'a> {
        ResetTimerArg {
            timer_value: seconds,
            ..ResetTimerArg::default()
        }
    }

    pub fn decode(param: Tlv<'a>) -> Result<ResetTimerArg<'a>> {
        let mut a = ResetTimerArg::default();
        let mut have = false;
        for m in sequence(&param)? {
            let m = m?;
            match ctx(&m) {
                Some(0) => a.timer_id = Some(small_enum(&m, "timerID")?),
                Some(1) => {
                    a.timer_value = m.as_u32()?;
                    have = true;
                }
                Some(2) => a.extensions = Some(contents(&m, "extensions")?),
                Some(3) => a.call_segment_id = Some(call_segment(&m)?),
                _ => {}
            }
        }
        if !have {
            return Err(missing("timervalue", param.value_offset));
        }
        Ok(a)
    }

    pub fn decode_bytes(buf: &'a [u8]) -> Result<ResetTimerArg<'a>> {
        ResetTimerArg::decode(Tlv::parse_single(buf)?)
    }

    pub fn encode(&self, w: &mut Writer<'_>) {
        w.constructed(Tag::SEQUENCE, |w| {
            if let Some(t) = self.timer_id {
                w.integer(Tag::ctx(0), i64::from(t));
            }
            w.integer(Tag::ctx(1), i64::from(self.timer_value));
            put_cons(w, 2, self.extensions);
            if let Some(c) = self.call_segment_id {
                w.integer(Tag::ctx(3), i64::from(c));
            }
        });
    }
}

// ---------------------------------------------------------------------------------------
// Cancel (opcode 53)

/// CancelArg: CHOICE { invokeID [0], allRequests [1] NULL, callSegmentToCancel [2] (v4) }.
/// The invoke id is kept as received even outside InvokeID's −128..127 (jSS7 sends 11000).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CancelArg {
    InvokeId(i32),
    AllRequests,
    CallSegmentToCancel {
        invoke_id: Option<i32>,
        call_segment_id: Option<u8>,
    },
}

fn invoke_id(t: &Tlv<'_>) -> Result<i32> {
    i32::try_from(t.as_i64()?).map_err(|_| invalid("invokeID", t.value_offset))
}

impl CancelArg {
    pub fn decode(param: Tlv<'_>) -> Result<CancelArg> {
        match ctx(&param) {
            Some(0) if !param.tag.constructed => Ok(CancelArg::InvokeId(invoke_id(&param)?)),
            Some(1) => param.as_null().map(|_| CancelArg::AllRequests),
            Some(2) => {
                let (mut i, mut c) = (None, None);
                for m in contents(&param, "callSegmentToCancel").and(param.children())? {
                    let m = m?;
                    match ctx(&m) {
                        Some(0) => i = Some(invoke_id(&m)?),
                        Some(1) => c = Some(call_segment(&m)?),
                        _ => {}
                    }
                }
                Ok(CancelArg::CallSegmentToCancel {
                    invoke_id: i,
                    call_segment_id: c,
                })
            }
            _ => Err(invalid("CancelArg alternative", param.offset)),
        }
    }

    pub fn decode_bytes(buf: &[u8]) -> Result<CancelArg> {
        CancelArg::decode(Tlv::parse_single(buf)?)
    }

    pub fn encode(&self, w: &mut Writer<'_>) {
        match *self {
            CancelArg::InvokeId(i) => w.integer(Tag::ctx(0), i64::from(i)),
            CancelArg::AllRequests => w.null(Tag::ctx(1)),
            CancelArg::CallSegmentToCancel {
                invoke_id,
                call_segment_id,
            } => w.constructed(Tag::ctx_cons(2), |w| {
                if let Some(i) = invoke_id {
                    w.integer(Tag::ctx(0), i64::from(i));
                }
                if let Some(c) = call_segment_id {
                    w.integer(Tag::ctx(1), i64::from(c));
                }
            }),
        }
    }
}

// ---------------------------------------------------------------------------------------
// InitiateCallAttempt (opcode 32, CAP v4)

/// InitiateCallAttemptArg: the gsmSCF creates a new call party (network-initiated leg).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct InitiateCallAttemptArg<'a> {
    /// [0] destinationRoutingAddress (SEQUENCE SIZE(1) OF CalledPartyNumber).
    pub destination_routing_address: IsupNumber,
    /// [4] extensions, opaque contents.
    pub extensions: Option<&'a [u8]>,
    /// [5] legToBeCreated.
    pub leg_to_be_created: Option<LegId>,
    /// [6] newCallSegment.
    pub new_call_segment: Option<u8>,
    /// [30] callingPartyNumber.
    pub calling_party_number: Option<IsupNumber>,
    /// [51] callReferenceNumber (1..8 octets), opaque.
    pub call_reference_number: Option<&'a [u8]>,
    /// [52] gsmSCFAddress.
    pub gsm_scf_address: Option<AddressString>,
    /// [53] suppress-T-CSI NULL.
    pub suppress_t_csi: bool,
}

impl<'a> InitiateCallAttemptArg<'a> {
    pub fn decode(param: Tlv<'a>) -> Result<InitiateCallAttemptArg<'a>> {
        let mut a = InitiateCallAttemptArg::default();
        let mut have = false;
        for m in sequence(&param)? {
            let m = m?;
            match ctx(&m) {
                Some(0) => {
                    a.destination_routing_address = decode_dra(&m)?;
                    have = true;
                }
                Some(4) => a.extensions = Some(contents(&m, "extensions")?),
                Some(5) => a.leg_to_be_created = Some(LegId::decode_choice(&m)?),
                Some(6) => a.new_call_segment = Some(call_segment(&m)?),
                Some(30) => a.calling_party_number = Some(isup(&m, "callingPartyNumber")?),
                Some(51) => a.call_reference_number = Some(octets(&m, "callReferenceNumber")?),
                Some(52) => a.gsm_scf_address = Some(address(&m, "gsmSCFAddress")?),
                Some(53) => a.suppress_t_csi = null(&m)?,
                _ => {}
            }
        }
        if !have {
            return Err(missing("destinationRoutingAddress", param.value_offset));
        }
        Ok(a)
    }

    pub fn decode_bytes(buf: &'a [u8]) -> Result<InitiateCallAttemptArg<'a>> {
        InitiateCallAttemptArg::decode(Tlv::parse_single(buf)?)
    }

    pub fn encode(&self, w: &mut Writer<'_>) {
        let mut s = Scratch::new();
        w.constructed(Tag::SEQUENCE, |w| {
            encode_dra(w, &mut s, 0, &self.destination_routing_address);
            put_cons(w, 4, self.extensions);
            if let Some(l) = &self.leg_to_be_created {
                l.encode_choice(w, 5);
            }
            if let Some(c) = self.new_call_segment {
                w.integer(Tag::ctx(6), i64::from(c));
            }
            if let Some(n) = &self.calling_party_number {
                s.isup(w, 30, n);
            }
            put_prim(w, 51, self.call_reference_number);
            if let Some(a) = &self.gsm_scf_address {
                s.address(w, 52, a);
            }
            put_null(w, 53, self.suppress_t_csi);
        });
    }
}

/// InitiateCallAttemptRes: what the gsmSSF supports for the new call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct InitiateCallAttemptRes<'a> {
    /// [0] supportedCamelPhases BIT STRING contents (unused-bits octet first).
    pub supported_camel_phases: Option<&'a [u8]>,
    /// [1] offeredCamel4Functionalities BIT STRING contents.
    pub offered_camel4_functionalities: Option<&'a [u8]>,
    /// [2] extensions, opaque contents.
    pub extensions: Option<&'a [u8]>,
    /// [3] releaseCallArgExtensionAllowed NULL.
    pub release_call_arg_extension_allowed: bool,
}

impl<'a> InitiateCallAttemptRes<'a> {
    pub fn decode(param: Tlv<'a>) -> Result<InitiateCallAttemptRes<'a>> {
        let mut a = InitiateCallAttemptRes::default();
        for m in sequence(&param)? {
            let m = m?;
            match ctx(&m) {
                Some(0) => a.supported_camel_phases = Some(octets(&m, "supportedCamelPhases")?),
                Some(1) => {
                    a.offered_camel4_functionalities =
                        Some(octets(&m, "offeredCamel4Functionalities")?)
                }
                Some(2) => a.extensions = Some(contents(&m, "extensions")?),
                Some(3) => a.release_call_arg_extension_allowed = null(&m)?,
                _ => {}
            }
        }
        Ok(a)
    }

    pub fn encode(&self, w: &mut Writer<'_>) {
        w.constructed(Tag::SEQUENCE, |w| {
            put_prim(w, 0, self.supported_camel_phases);
            put_prim(w, 1, self.offered_camel4_functionalities);
            put_cons(w, 2, self.extensions);
            put_null(w, 3, self.release_call_arg_extension_allowed);
        });
    }
}

// ---------------------------------------------------------------------------------------
// CallInformationRequest (45) / CallInformationReport (44)

/// RequestedInformationType values.
pub mod requested_info {
    pub const CALL_ATTEMPT_ELAPSED_TIME: u8 = 0;
    pub const CALL_STOP_TIME: u8 = 1;
    pub const CALL_CONNECTED_ELAPSED_TIME: u8 = 2;
    pub const RELEASE_CAUSE: u8 = 30;
}

/// CallInformationRequestArg (opcode 45).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CallInformationRequestArg<'a> {
    /// [0] requestedInformationTypeList (1..4 of [`requested_info`]).
    pub requested_information_types: List<u8, 4>,
    /// [2] extensions, opaque contents.
    pub extensions: Option<&'a [u8]>,
    /// [3] legID SendingSideID; absent means the DEFAULT leg2.
    pub leg_id: Option<LegType>,
}

impl<'a> CallInformationRequestArg<'a> {
    pub fn decode(param: Tlv<'a>) -> Result<CallInformationRequestArg<'a>> {
        let mut a = CallInformationRequestArg::default();
        let mut have = false;
        for m in sequence(&param)? {
            let m = m?;
            match ctx(&m) {
                Some(0) => {
                    have = true;
                    for t in m.children()? {
                        let t = t?;
                        t.expect(Tag::ENUMERATED)?;
                        a.requested_information_types
                            .push_at(small_enum(&t, "requestedInformationType")?, t.offset)?;
                    }
                }
                Some(2) => a.extensions = Some(contents(&m, "extensions")?),
                Some(3) => a.leg_id = Some(LegId::decode_choice(&m)?.leg()),
                _ => {}
            }
        }
        if !have || a.requested_information_types.is_empty() {
            return Err(missing("requestedInformationTypeList", param.value_offset));
        }
        Ok(a)
    }

    pub fn decode_bytes(buf: &'a [u8]) -> Result<CallInformationRequestArg<'a>> {
        CallInformationRequestArg::decode(Tlv::parse_single(buf)?)
    }

    pub fn encode(&self, w: &mut Writer<'_>) {
        w.constructed(Tag::SEQUENCE, |w| {
            w.constructed(Tag::ctx_cons(0), |w| {
                for t in &self.requested_information_types {
                    w.integer(Tag::ENUMERATED, i64::from(*t));
                }
            });
            put_cons(w, 2, self.extensions);
            if let Some(l) = self.leg_id {
                LegId::SendingSide(l).encode_choice(w, 3);
            }
        });
    }
}

/// RequestedInformationValue (CHOICE).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestedInformationValue<'a> {
    /// [0] callAttemptElapsedTimeValue, seconds (0..255).
    CallAttemptElapsedTime(u8),
    /// [1] callStopTimeValue DateAndTime (7 octets swapped BCD YYYYMMDDhhmmss).
    CallStopTime(&'a [u8]),
    /// [2] callConnectedElapsedTimeValue, units of 100 ms.
    CallConnectedElapsedTime(u32),
    /// [30] releaseCauseValue.
    ReleaseCause(Cause<'a>),
}

/// One RequestedInformation { requestedInformationType [0], requestedInformationValue [1] }.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestedInformation<'a> {
    pub info_type: u8,
    pub value: RequestedInformationValue<'a>,
}

impl Default for RequestedInformation<'_> {
    fn default() -> Self {
        RequestedInformation {
            info_type: 0,
            value: RequestedInformationValue::CallAttemptElapsedTime(0),
        }
    }
}

impl<'a> RequestedInformation<'a> {
    fn decode(t: &Tlv<'a>) -> Result<RequestedInformation<'a>> {
        t.expect(Tag::SEQUENCE)?;
        let (mut ty, mut val) = (None, None);
        for m in t.children()? {
            let m = m?;
            match ctx(&m) {
                Some(0) => ty = Some(small_enum(&m, "requestedInformationType")?),
                Some(1) => {
                    let mut r = m.children()?;
                    let v = r
                        .next_tlv()?
                        .ok_or(missing("requestedInformationValue", m.value_offset))?;
                    val = Some(match ctx(&v) {
                        Some(0) => RequestedInformationValue::CallAttemptElapsedTime(small_enum(
                            &v,
                            "callAttemptElapsedTimeValue",
                        )?),
                        Some(1) => RequestedInformationValue::CallStopTime(octets(
                            &v,
                            "callStopTimeValue",
                        )?),
                        Some(2) => RequestedInformationValue::CallConnectedElapsedTime(v.as_u32()?),
                        Some(30) => {
                            RequestedInformationValue::ReleaseCause(cause(&v, "releaseCauseValue")?)
                        }
                        _ => {
                            return Err(invalid("requestedInformationValue alternative", v.offset))
                        }
                    });
                    r.finish()?;
                }
                _ => {}
            }
        }
        Ok(RequestedInformation {
            info_type: ty.ok_or(missing("requestedInformationType", t.value_offset))?,
            value: val.ok_or(missing("requestedInformationValue", t.value_offset))?,
        })
    }

    fn encode(&self, w: &mut Writer<'_>, s: &mut Scratch) {
        w.constructed(Tag::SEQUENCE, |w| {
            w.integer(Tag::ctx(0), i64::from(self.info_type));
            w.constructed(Tag::ctx_cons(1), |w| match self.value {
                RequestedInformationValue::CallAttemptElapsedTime(v) => {
                    w.integer(Tag::ctx(0), i64::from(v))
                }
                RequestedInformationValue::CallStopTime(v) => w.primitive(Tag::ctx(1), v),
                RequestedInformationValue::CallConnectedElapsedTime(v) => {
                    w.integer(Tag::ctx(2), i64::from(v))
                }
                RequestedInformationValue::ReleaseCause(c) => s.cause(w, Tag::ctx(30), &c),
            });
        });
    }
}

/// CallInformationReportArg (opcode 44).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CallInformationReportArg<'a> {
    /// [0] requestedInformationList (1..4).
    pub requested_information: List<RequestedInformation<'a>, 4>,
    /// [2] extensions, opaque contents.
    pub extensions: Option<&'a [u8]>,
    /// [3] legID ReceivingSideID; absent means the DEFAULT leg2.
    pub leg_id: Option<LegType>,
}

impl<'a> CallInformationReportArg<'a> {
    pub fn decode(param: Tlv<'a>) -> Result<CallInformationReportArg<'a>> {
        let mut a = CallInformationReportArg::default();
        let mut have = false;
        for m in sequence(&param)? {
            let m = m?;
            match ctx(&m) {
                Some(0) => {
                    have = true;
                    for t in m.children()? {
                        let t = t?;
                        a.requested_information
                            .push_at(RequestedInformation::decode(&t)?, t.offset)?;
                    }
                }
                Some(2) => a.extensions = Some(contents(&m, "extensions")?),
                Some(3) => a.leg_id = Some(LegId::decode_choice(&m)?.leg()),
                _ => {}
            }
        }
        if !have || a.requested_information.is_empty() {
            return Err(missing("requestedInformationList", param.value_offset));
        }
        Ok(a)
    }

    pub fn decode_bytes(buf: &'a [u8]) -> Result<CallInformationReportArg<'a>> {
        CallInformationReportArg::decode(Tlv::parse_single(buf)?)
    }

    pub fn encode(&self, w: &mut Writer<'_>) {
        let mut s = Scratch::new();
        w.constructed(Tag::SEQUENCE, |w| {
            w.constructed(Tag::ctx_cons(0), |w| {
                for r in &self.requested_information {
                    r.encode(w, &mut s);
                }
            });
            put_cons(w, 2, self.extensions);
            if let Some(l) = self.leg_id {
                LegId::ReceivingSide(l).encode_choice(w, 3);
            }
        });
    }
}

// ---------------------------------------------------------------------------------------
// AssistRequestInstructions (16), SpecializedResourceReport (49), EntityReleased (96)

/// AssistRequestInstructionsArg: an assisting gsmSSF or a gsmSRF asks for instructions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AssistRequestInstructionsArg<'a> {
    /// [0] correlationID (Digits: Generic Digits or Generic Number form), opaque.
    pub correlation_id: &'a [u8],
    /// [2] iPSSPCapabilities (1..4 octets), opaque.
    pub ip_ssp_capabilities: &'a [u8],
    /// [3] extensions, opaque contents.
    pub extensions: Option<&'a [u8]>,
}

impl<'a> AssistRequestInstructionsArg<'a> {
    pub fn decode(param: Tlv<'a>) -> Result<AssistRequestInstructionsArg<'a>> {
        let (mut c, mut i, mut e) = (None, None, None);
        for m in sequence(&param)? {
            let m = m?;
            match ctx(&m) {
                Some(0) => c = Some(octets(&m, "correlationID")?),
                Some(2) => i = Some(octets(&m, "iPSSPCapabilities")?),
                Some(3) => e = Some(contents(&m, "extensions")?),
                _ => {}
            }
        }
        Ok(AssistRequestInstructionsArg {
            correlation_id: c.ok_or(missing("correlationID", param.value_offset))?,
            ip_ssp_capabilities: i.ok_or(missing("iPSSPCapabilities", param.value_offset))?,
            extensions: e,
        })
    }

    pub fn decode_bytes(buf: &'a [u8]) -> Result<AssistRequestInstructionsArg<'a>> {
        AssistRequestInstructionsArg::decode(Tlv::parse_single(buf)?)
    }

    pub fn encode(&self, w: &mut Writer<'_>) {
        w.constructed(Tag::SEQUENCE, |w| {
            w.primitive(Tag::ctx(0), self.correlation_id);
            w.primitive(Tag::ctx(2), self.ip_ssp_capabilities);
            put_cons(w, 3, self.extensions);
        });
    }
}

/// SpecializedResourceReportArg. CAP v2/v3: NULL; CAP v4: CHOICE {
/// allAnnouncementsComplete [50] NULL, firstAnnouncementStarted [51] NULL }.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SpecializedResourceReportArg {
    /// The v2/v3 universal NULL (means all announcements complete).
    Null,
    AllAnnouncementsComplete,
    FirstAnnouncementStarted,
}

impl SpecializedResourceReportArg {
    pub fn decode(param: Tlv<'_>) -> Result<SpecializedResourceReportArg> {
        let v = if param.tag.is(Tag::NULL) {
            SpecializedResourceReportArg::Null
        } else {
            match ctx(&param) {
                Some(50) => SpecializedResourceReportArg::AllAnnouncementsComplete,
                Some(51) => SpecializedResourceReportArg::FirstAnnouncementStarted,
                _ => return Err(invalid("SpecializedResourceReportArg", param.offset)),
            }
        };
        param.as_null()?;
        Ok(v)
    }

    pub fn decode_bytes(buf: &[u8]) -> Result<SpecializedResourceReportArg> {
        SpecializedResourceReportArg::decode(Tlv::parse_single(buf)?)
    }

    pub fn encode(&self, w: &mut Writer<'_>) {
        match self {
            SpecializedResourceReportArg::Null => w.null(Tag::NULL),
            SpecializedResourceReportArg::AllAnnouncementsComplete => w.null(Tag::ctx(50)),
            SpecializedResourceReportArg::FirstAnnouncementStarted => w.null(Tag::ctx(51)),
        }
    }
}

/// EntityReleasedArg (CAP v4): a call segment or a BCSM (leg) went away.
///
/// TS 29.078 CAP-datatypes gives CallSegmentFailure and BCSM-Failure no `extensions`: a
/// member after `cause` is a later release's, skipped whatever its tag and form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntityReleasedArg<'a> {
    /// [0] CallSegmentFailure { callSegmentID [0], cause [2], ... }.
    CallSegmentFailure {
        call_segment_id: Option<u8>,
        cause: Option<Cause<'a>>,
    },
    /// [1] BCSM-Failure { legID [0], cause [2], ... }.
    BcsmFailure {
        leg_id: Option<LegId>,
        cause: Option<Cause<'a>>,
    },
}

impl<'a> EntityReleasedArg<'a> {
    pub fn decode(param: Tlv<'a>) -> Result<EntityReleasedArg<'a>> {
        let alt = ctx(&param);
        if !matches!(alt, Some(0 | 1)) {
            return Err(invalid("EntityReleasedArg alternative", param.offset));
        }
        let (mut id, mut leg, mut c) = (None, None, None);
        for m in contents(&param, "EntityReleasedArg").and(param.children())? {
            let m = m?;
            match ctx(&m) {
                Some(0) if alt == Some(0) => id = Some(call_segment(&m)?),
                Some(0) => leg = Some(LegId::decode_choice(&m)?),
                Some(2) => c = Some(cause(&m, "cause")?),
                _ => {}
            }
        }
        Ok(if alt == Some(0) {
            EntityReleasedArg::CallSegmentFailure {
                call_segment_id: id,
                cause: c,
            }
        } else {
            EntityReleasedArg::BcsmFailure {
                leg_id: leg,
                cause: c,
            }
        })
    }

    pub fn decode_bytes(buf: &'a [u8]) -> Result<EntityReleasedArg<'a>> {
        EntityReleasedArg::decode(Tlv::parse_single(buf)?)
    }

    pub fn encode(&self, w: &mut Writer<'_>) {
        let mut s = Scratch::new();
        match self {
            EntityReleasedArg::CallSegmentFailure {
                call_segment_id,
                cause,
            } => w.constructed(Tag::ctx_cons(0), |w| {
                if let Some(i) = call_segment_id {
                    w.integer(Tag::ctx(0), i64::from(*i));
                }
                if let Some(c) = cause {
                    s.cause(w, Tag::ctx(2), c);
                }
            }),
            EntityReleasedArg::BcsmFailure { leg_id, cause } => {
                w.constructed(Tag::ctx_cons(1), |w| {
                    if let Some(l) = leg_id {
                        l.encode_choice(w, 0);
                    }
                    if let Some(c) = cause {
                        s.cause(w, Tag::ctx(2), c);
                    }
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Regression (found by tests/cap_pycrate.rs): `[3]` is not a member of
    /// CallSegmentFailure / BCSM-Failure, so a later release's `[3]`, primitive or not, is
    /// skipped instead of failing the decode as malformed `extensions`.
    #[test]
    fn entity_released_skips_members_after_cause() {
        let a = EntityReleasedArg::decode_bytes(&[
            0xa0, 0x0a, 0x80, 0x01, 0x05, 0x82, 0x02, 0x80, 0x90, 0x83, 0x01, 0xff,
        ])
        .unwrap();
        assert_eq!(
            a,
            EntityReleasedArg::CallSegmentFailure {
                call_segment_id: Some(5),
                cause: Some(Cause::new(0, 16)),
            }
        );
        let b = EntityReleasedArg::decode_bytes(&[
            0xa1, 0x0b, 0xa0, 0x03, 0x81, 0x01, 0x02, 0xa3, 0x04, 0x30, 0x02, 0x05, 0x00,
        ])
        .unwrap();
        assert_eq!(
            b,
            EntityReleasedArg::BcsmFailure {
                leg_id: Some(LegId::ReceivingSide(LegType::LEG2)),
                cause: None,
            }
        );
        let mut out = Vec::new();
        a.encode(&mut Writer::new(&mut out));
        assert_eq!(out, [0xa0, 0x07, 0x80, 0x01, 0x05, 0x82, 0x02, 0x80, 0x90]);
    }
}
