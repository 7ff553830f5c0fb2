//! Operation arguments of the foundation CAMEL call (TS 29.078 §6.1.1, transcribed with their
//! tags in `asn1/CAP-subset.asn`): one model per type, used to decode and to encode.
//!
//! Conventions:
//! - `decode(param)` takes the invoke's parameter element and borrows from it. Members may
//!   come in any order; unknown members (other tags, other classes) are skipped; a member
//!   whose contents are malformed fails the decode with the member's offset.
//! - Members kept opaque are `&[u8]` *contents* (no tag, no length); the encoder writes them
//!   with the tag and form (primitive / constructed) the ASN.1 gives them.
//! - `encode(w)` writes the members in ASN.1 order, definite length.

use super::numbers::{
    AddressString, Cause, CellIdOrLai, GenericNumber, IsupNumber, TbcdDigits, TimeAndTimezone,
};
use super::{EventTypeBcsm, LegId, MonitorMode};
use crate::ber::{BerError, BerErrorKind, Class, Result, Tag, Tlv, Writer};

// ---------------------------------------------------------------------------------------
// Small helpers shared by the codecs.

pub(super) fn invalid(what: &'static str, offset: usize) -> BerError {
    BerError::new(BerErrorKind::Invalid(what), offset)
}

/// The context tag number of a member, `None` for other classes.
pub(super) fn ctx(t: &Tlv<'_>) -> Option<u32> {
    (t.tag.class == Class::Context).then_some(t.tag.number)
}

/// Contents of a member typed as a string (OCTET STRING and friends): primitive form only.
pub(super) fn octets<'a>(t: &Tlv<'a>, what: &'static str) -> Result<&'a [u8]> {
    if t.tag.constructed {
        Err(invalid(what, t.offset))
    } else {
        Ok(t.value)
    }
}

pub(super) fn one_octet(t: &Tlv<'_>, what: &'static str) -> Result<u8> {
    match octets(t, what)? {
        [b] => Ok(*b),
        _ => Err(invalid(what, t.value_offset)),
    }
}

pub(super) fn small_enum(t: &Tlv<'_>, what: &'static str) -> Result<u8> {
    u8::try_from(t.as_i64()?).map_err(|_| invalid(what, t.value_offset))
}

pub(super) fn isup(t: &Tlv<'_>, what: &'static str) -> Result<IsupNumber> {
    IsupNumber::decode(octets(t, what)?, t.value_offset)
}

pub(super) fn address(t: &Tlv<'_>, what: &'static str) -> Result<AddressString> {
    AddressString::decode(octets(t, what)?, t.value_offset)
}

/// [`isup`] straight into the member's slot (no move of the inline digits through `Result`s).
#[inline]
pub(super) fn isup_into(
    slot: &mut Option<IsupNumber>,
    t: &Tlv<'_>,
    what: &'static str,
) -> Result<()> {
    let v = octets(t, what)?;
    slot.insert(IsupNumber::default())
        .decode_in_place(v, t.value_offset)
}

/// [`address`] straight into the member's slot.
#[inline]
pub(super) fn address_into(
    slot: &mut Option<AddressString>,
    t: &Tlv<'_>,
    what: &'static str,
) -> Result<()> {
    let v = octets(t, what)?;
    slot.insert(AddressString::default())
        .decode_in_place(v, t.value_offset)
}

/// A TBCD string (IMSI, IMEI) straight into the member's slot.
#[inline]
pub(super) fn tbcd_into(
    slot: &mut Option<TbcdDigits>,
    t: &Tlv<'_>,
    what: &'static str,
) -> Result<()> {
    let v = octets(t, what)?;
    slot.insert(TbcdDigits::EMPTY)
        .decode_in_place(v, t.value_offset)
}

pub(super) fn cause<'a>(t: &Tlv<'a>, what: &'static str) -> Result<Cause<'a>> {
    Cause::decode(octets(t, what)?, t.value_offset)
}

/// Contents of a member typed as SEQUENCE/CHOICE (constructed form only).
pub(super) fn contents<'a>(t: &Tlv<'a>, what: &'static str) -> Result<&'a [u8]> {
    if t.tag.constructed {
        Ok(t.value)
    } else {
        Err(invalid(what, t.offset))
    }
}

/// Checks the parameter is a SEQUENCE and returns a reader over its members.
pub(super) fn sequence<'a>(param: &Tlv<'a>) -> Result<crate::ber::Reader<'a>> {
    param.expect(Tag::SEQUENCE)?;
    param.children()
}

/// Encoding scratch buffer for number formats (reused across the members of one argument).
pub(super) struct Scratch(pub(super) Vec<u8>);

impl Scratch {
    pub(super) fn new() -> Scratch {
        Scratch(Vec::with_capacity(32))
    }
    pub(super) fn isup(&mut self, w: &mut Writer<'_>, tag: u32, n: &IsupNumber) {
        self.0.clear();
        n.encode_into(&mut self.0);
        w.primitive(Tag::ctx(tag), &self.0);
    }
    pub(super) fn address(&mut self, w: &mut Writer<'_>, tag: u32, a: &AddressString) {
        self.0.clear();
        a.encode_into(&mut self.0);
        w.primitive(Tag::ctx(tag), &self.0);
    }
    pub(super) fn cause(&mut self, w: &mut Writer<'_>, tag: Tag, c: &Cause<'_>) {
        self.0.clear();
        c.encode_into(&mut self.0);
        w.primitive(tag, &self.0);
    }
}

pub(super) fn put_prim(w: &mut Writer<'_>, tag: u32, v: Option<&[u8]>) {
    if let Some(v) = v {
        w.primitive(Tag::ctx(tag), v);
    }
}

pub(super) fn put_cons(w: &mut Writer<'_>, tag: u32, v: Option<&[u8]>) {
    if let Some(v) = v {
        w.constructed(Tag::ctx_cons(tag), |w| w.raw(v));
    }
}

pub(super) fn put_null(w: &mut Writer<'_>, tag: u32, present: bool) {
    if present {
        w.null(Tag::ctx(tag));
    }
}

// ---------------------------------------------------------------------------------------
// InitialDP

/// InitialDPArg (TS 29.078 §6.1.1, opcode 0). Every member of the Rel-11 type is modelled;
/// the members after `callForwardingSS-Pending` are phase-dependent and kept opaque
/// (`initialDPArgExtension` differs between CAP v2 and v3+).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct InitialDpArg<'a> {
    /// [0] ServiceKey (mandatory).
    pub service_key: u32,
    /// [2] CalledPartyNumber (ISUP format).
    pub called_party_number: Option<IsupNumber>,
    /// [3] CallingPartyNumber (ISUP format).
    pub calling_party_number: Option<IsupNumber>,
    /// [5] CallingPartysCategory (Q.763 §3.11, one octet: 0x0a ordinary subscriber).
    pub calling_partys_category: Option<u8>,
    /// [7] CGEncountered.
    pub cg_encountered: Option<u8>,
    /// [8] IPSSPCapabilities, opaque.
    pub ip_ssp_capabilities: Option<&'a [u8]>,
    /// [10] LocationNumber (ISUP format).
    pub location_number: Option<IsupNumber>,
    /// [12] OriginalCalledPartyID (ISUP Original Called Number).
    pub original_called_party_id: Option<IsupNumber>,
    /// [15] Extensions, opaque contents.
    pub extensions: Option<&'a [u8]>,
    /// [23] HighLayerCompatibility, opaque.
    pub high_layer_compatibility: Option<&'a [u8]>,
    /// [25] AdditionalCallingPartyNumber (Digits in Generic Number form), opaque; see
    /// [`InitialDpArg::additional_calling_party`].
    pub additional_calling_party_number: Option<&'a [u8]>,
    /// [27] BearerCapability: contents of the CHOICE (e.g. `80 03 80 90 a3`, bearerCap).
    pub bearer_capability: Option<&'a [u8]>,
    /// [28] EventTypeBCSM: collectedInfo / analyzedInformation (O-CSI) or
    /// termAttemptAuthorized (T-CSI).
    pub event_type_bcsm: Option<EventTypeBcsm>,
    /// [29] RedirectingPartyID (ISUP Redirecting Number).
    pub redirecting_party_id: Option<IsupNumber>,
    /// [30] RedirectionInformation (Q.763 §3.45, 2 octets), opaque.
    pub redirection_information: Option<&'a [u8]>,
    /// [17] Cause.
    pub cause: Option<Cause<'a>>,
    /// [32] ServiceInteractionIndicatorsTwo, opaque contents.
    pub service_interaction_indicators_two: Option<&'a [u8]>,
    /// [37] Carrier, opaque.
    pub carrier: Option<&'a [u8]>,
    /// [45] CUG-Index.
    pub cug_index: Option<u32>,
    /// [46] CUG-Interlock (4 octets), opaque.
    pub cug_interlock: Option<&'a [u8]>,
    /// [47] cug-OutgoingAccess NULL.
    pub cug_outgoing_access: bool,
    /// [50] IMSI (TBCD).
    pub imsi: Option<TbcdDigits>,
    /// [51] SubscriberState: contents of the CHOICE, opaque.
    pub subscriber_state: Option<&'a [u8]>,
    /// [52] LocationInformation (TS 29.002).
    pub location_information: Option<LocationInformation<'a>>,
    /// [53] Ext-BasicServiceCode: contents of the CHOICE, opaque.
    pub ext_basic_service_code: Option<&'a [u8]>,
    /// [54] CallReferenceNumber (1–8 octets), opaque.
    pub call_reference_number: Option<&'a [u8]>,
    /// [55] mscAddress ISDN-AddressString.
    pub msc_address: Option<AddressString>,
    /// [56] CalledPartyBCDNumber (TS 24.008 layout without IEI and length).
    pub called_party_bcd_number: Option<AddressString>,
    /// [57] TimeAndTimezone.
    pub time_and_timezone: Option<TimeAndTimezone>,
    /// [58] callForwardingSS-Pending NULL.
    pub call_forwarding_ss_pending: bool,
    /// [59] InitialDPArgExtension: contents, opaque (its members differ between phases).
    pub initial_dp_arg_extension: Option<&'a [u8]>,
}

impl<'a> InitialDpArg<'a> {
    /// Decode the invoke parameter (a SEQUENCE).
    pub fn decode(param: Tlv<'a>) -> Result<InitialDpArg<'a>> {
        // Built inside the value returned, so that its kilobyte is not copied out at the end.
        let mut out = Ok(InitialDpArg::default());
        if let Ok(a) = &mut out {
            if let Err(e) = a.decode_in_place(param) {
                out = Err(e);
            }
        }
        out
    }

    fn decode_in_place(&mut self, param: Tlv<'a>) -> Result<()> {
        let a = self;
        let mut have_key = false;
        for m in sequence(&param)? {
            let m = m?;
            let Some(n) = ctx(&m) else { continue };
            match n {
                0 => {
                    a.service_key = m.as_u32()?;
                    have_key = true;
                }
                2 => isup_into(&mut a.called_party_number, &m, "calledPartyNumber")?,
                3 => isup_into(&mut a.calling_party_number, &m, "callingPartyNumber")?,
                5 => a.calling_partys_category = Some(one_octet(&m, "callingPartysCategory")?),
                7 => a.cg_encountered = Some(small_enum(&m, "cGEncountered")?),
                8 => a.ip_ssp_capabilities = Some(octets(&m, "iPSSPCapabilities")?),
                10 => isup_into(&mut a.location_number, &m, "locationNumber")?,
                12 => isup_into(&mut a.original_called_party_id, &m, "originalCalledPartyID")?,
                15 => a.extensions = Some(contents(&m, "extensions")?),
                23 => a.high_layer_compatibility = Some(octets(&m, "highLayerCompatibility")?),
                25 => {
                    a.additional_calling_party_number =
                        Some(octets(&m, "additionalCallingPartyNumber")?)
                }
                27 => a.bearer_capability = Some(contents(&m, "bearerCapability")?),
                28 => a.event_type_bcsm = Some(EventTypeBcsm::decode(&m)?),
                29 => isup_into(&mut a.redirecting_party_id, &m, "redirectingPartyID")?,
                30 => a.redirection_information = Some(octets(&m, "redirectionInformation")?),
                17 => a.cause = Some(cause(&m, "cause")?),
                32 => {
                    a.service_interaction_indicators_two =
                        Some(contents(&m, "serviceInteractionIndicatorsTwo")?)
                }
                37 => a.carrier = Some(octets(&m, "carrier")?),
                45 => a.cug_index = Some(m.as_u32()?),
                46 => a.cug_interlock = Some(octets(&m, "cug-Interlock")?),
                47 => a.cug_outgoing_access = m.as_null().map(|_| true)?,
                50 => tbcd_into(&mut a.imsi, &m, "iMSI")?,
                51 => a.subscriber_state = Some(contents(&m, "subscriberState")?),
                52 => a
                    .location_information
                    .insert(LocationInformation::default())
                    .decode_in_place(m)?,
                53 => a.ext_basic_service_code = Some(contents(&m, "ext-basicServiceCode")?),
                54 => a.call_reference_number = Some(octets(&m, "callReferenceNumber")?),
                55 => address_into(&mut a.msc_address, &m, "mscAddress")?,
                56 => address_into(&mut a.called_party_bcd_number, &m, "calledPartyBCDNumber")?,
                57 => {
                    a.time_and_timezone = Some(TimeAndTimezone::decode(
                        octets(&m, "timeAndTimezone")?,
                        m.value_offset,
                    )?)
                }
                58 => a.call_forwarding_ss_pending = m.as_null().map(|_| true)?,
                59 => a.initial_dp_arg_extension = Some(contents(&m, "initialDPArgExtension")?),
                _ => {}
            }
        }
        if !have_key {
            return Err(BerError::new(
                BerErrorKind::Missing("serviceKey"),
                param.value_offset,
            ));
        }
        Ok(())
    }

    /// Parse and decode a complete encoded parameter.
    pub fn decode_bytes(buf: &'a [u8]) -> Result<InitialDpArg<'a>> {
        InitialDpArg::decode(Tlv::parse_single(buf)?)
    }

    /// Write the parameter (SEQUENCE), members in ASN.1 order.
    pub fn encode(&self, w: &mut Writer<'_>) {
        let mut s = Scratch::new();
        w.constructed(Tag::SEQUENCE, |w| {
            w.integer(Tag::ctx(0), i64::from(self.service_key));
            if let Some(n) = &self.called_party_number {
                s.isup(w, 2, n);
            }
            if let Some(n) = &self.calling_party_number {
                s.isup(w, 3, n);
            }
            if let Some(c) = self.calling_partys_category {
                w.primitive(Tag::ctx(5), &[c]);
            }
            if let Some(c) = self.cg_encountered {
                w.integer(Tag::ctx(7), i64::from(c));
            }
            put_prim(w, 8, self.ip_ssp_capabilities);
            if let Some(n) = &self.location_number {
                s.isup(w, 10, n);
            }
            if let Some(n) = &self.original_called_party_id {
                s.isup(w, 12, n);
            }
            put_cons(w, 15, self.extensions);
            put_prim(w, 23, self.high_layer_compatibility);
            put_prim(w, 25, self.additional_calling_party_number);
            put_cons(w, 27, self.bearer_capability);
            if let Some(e) = self.event_type_bcsm {
                w.integer(Tag::ctx(28), i64::from(e.0));
            }
            if let Some(n) = &self.redirecting_party_id {
                s.isup(w, 29, n);
            }
            put_prim(w, 30, self.redirection_information);
            if let Some(c) = &self.cause {
                s.cause(w, Tag::ctx(17), c);
            }
            put_cons(w, 32, self.service_interaction_indicators_two);
            put_prim(w, 37, self.carrier);
            if let Some(i) = self.cug_index {
                w.integer(Tag::ctx(45), i64::from(i));
            }
            put_prim(w, 46, self.cug_interlock);
            put_null(w, 47, self.cug_outgoing_access);
            if let Some(imsi) = &self.imsi {
                s.0.clear();
                imsi.encode_into(&mut s.0);
                w.primitive(Tag::ctx(50), &s.0);
            }
            put_cons(w, 51, self.subscriber_state);
            if let Some(l) = &self.location_information {
                l.encode(w, 52);
            }
            put_cons(w, 53, self.ext_basic_service_code);
            put_prim(w, 54, self.call_reference_number);
            if let Some(a) = &self.msc_address {
                s.address(w, 55, a);
            }
            if let Some(a) = &self.called_party_bcd_number {
                s.address(w, 56, a);
            }
            if let Some(t) = &self.time_and_timezone {
                s.0.clear();
                t.encode_into(&mut s.0);
                w.primitive(Tag::ctx(57), &s.0);
            }
            put_null(w, 58, self.call_forwarding_ss_pending);
            put_cons(w, 59, self.initial_dp_arg_extension);
        });
    }

    /// The additionalCallingPartyNumber decoded as a Q.763 Generic Number, if present.
    pub fn additional_calling_party(&self) -> Option<Result<GenericNumber>> {
        self.additional_calling_party_number
            .map(|v| GenericNumber::decode(v, 0))
    }
}

/// InitialDPArgExtension, decoded for the phase of the dialogue (its members differ: CAP v2
/// has { naCarrierInformation [0], gmscAddress [1] }, CAP v3+ the list below).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct InitialDpArgExtension<'a> {
    /// CAP v2 [0] naCarrierInformation, opaque contents.
    pub na_carrier_information: Option<&'a [u8]>,
    /// [0] (v2: [1]) gmscAddress.
    pub gmsc_address: Option<AddressString>,
    /// [1] forwardingDestinationNumber (ISUP called party number format).
    pub forwarding_destination_number: Option<IsupNumber>,
    /// [2] ms-Classmark2 (TS 24.008 §10.5.1.6, 3 octets), opaque.
    pub ms_classmark2: Option<&'a [u8]>,
    /// [3] iMEI (TBCD, 8 octets: 14 digits + check/spare digit).
    pub imei: Option<TbcdDigits>,
    /// [4] supportedCamelPhases BIT STRING contents (unused-bits octet first); see
    /// [`super::numbers::bit_string_bits`].
    pub supported_camel_phases: Option<&'a [u8]>,
    /// [5] offeredCamel4Functionalities BIT STRING contents.
    pub offered_camel4_functionalities: Option<&'a [u8]>,
    /// [6] bearerCapability2: contents of the CHOICE (bearerCap [0] ...).
    pub bearer_capability2: Option<&'a [u8]>,
    /// [7] ext-basicServiceCode2: contents of the CHOICE.
    pub ext_basic_service_code2: Option<&'a [u8]>,
    /// [8] highLayerCompatibility2, opaque.
    pub high_layer_compatibility2: Option<&'a [u8]>,
    /// [9] lowLayerCompatibility, opaque.
    pub low_layer_compatibility: Option<&'a [u8]>,
    /// [10] lowLayerCompatibility2, opaque.
    pub low_layer_compatibility2: Option<&'a [u8]>,
    /// [11] enhancedDialledServicesAllowed NULL.
    pub enhanced_dialled_services_allowed: bool,
    /// [12] uu-Data, opaque contents.
    pub uu_data: Option<&'a [u8]>,
    /// [13] collectInformationAllowed NULL.
    pub collect_information_allowed: bool,
    /// [14] releaseCallArgExtensionAllowed NULL.
    pub release_call_arg_extension_allowed: bool,
}

impl<'a> InitialDpArgExtension<'a> {
    /// Decode the extension's contents (as kept in [`InitialDpArg::initial_dp_arg_extension`])
    /// for `phase`; `offset` is their absolute offset.
    pub fn decode(
        contents_: &'a [u8],
        offset: usize,
        phase: super::Phase,
    ) -> Result<InitialDpArgExtension<'a>> {
        let mut e = InitialDpArgExtension::default();
        let v2 = phase <= super::Phase::Cap2;
        for m in crate::ber::Reader::with_base(contents_, offset) {
            let m = m?;
            let Some(n) = ctx(&m) else { continue };
            match (n, v2) {
                (0, true) => e.na_carrier_information = Some(contents(&m, "naCarrierInformation")?),
                (1, true) | (0, false) => address_into(&mut e.gmsc_address, &m, "gmscAddress")?,
                (1, false) => isup_into(
                    &mut e.forwarding_destination_number,
                    &m,
                    "forwardingDestinationNumber",
                )?,
                (2, false) => e.ms_classmark2 = Some(octets(&m, "ms-Classmark2")?),
                (3, false) => tbcd_into(&mut e.imei, &m, "iMEI")?,
                (4, false) => e.supported_camel_phases = Some(octets(&m, "supportedCamelPhases")?),
                (5, false) => {
                    e.offered_camel4_functionalities =
                        Some(octets(&m, "offeredCamel4Functionalities")?)
                }
                (6, false) => e.bearer_capability2 = Some(contents(&m, "bearerCapability2")?),
                (7, false) => {
                    e.ext_basic_service_code2 = Some(contents(&m, "ext-basicServiceCode2")?)
                }
                (8, false) => {
                    e.high_layer_compatibility2 = Some(octets(&m, "highLayerCompatibility2")?)
                }
                (9, false) => {
                    e.low_layer_compatibility = Some(octets(&m, "lowLayerCompatibility")?)
                }
                (10, false) => {
                    e.low_layer_compatibility2 = Some(octets(&m, "lowLayerCompatibility2")?)
                }
                (11, false) => e.enhanced_dialled_services_allowed = m.as_null().map(|_| true)?,
                (12, false) => e.uu_data = Some(contents(&m, "uu-Data")?),
                (13, false) => e.collect_information_allowed = m.as_null().map(|_| true)?,
                (14, false) => e.release_call_arg_extension_allowed = m.as_null().map(|_| true)?,
                _ => {}
            }
        }
        Ok(e)
    }

    /// Write the extension's members (the contents of `[59]`) for `phase`.
    pub fn encode_contents(&self, w: &mut Writer<'_>, phase: super::Phase) {
        let mut s = Scratch::new();
        if phase <= super::Phase::Cap2 {
            put_cons(w, 0, self.na_carrier_information);
            if let Some(a) = &self.gmsc_address {
                s.address(w, 1, a);
            }
            return;
        }
        if let Some(a) = &self.gmsc_address {
            s.address(w, 0, a);
        }
        if let Some(n) = &self.forwarding_destination_number {
            s.isup(w, 1, n);
        }
        put_prim(w, 2, self.ms_classmark2);
        if let Some(i) = &self.imei {
            s.0.clear();
            i.encode_into(&mut s.0);
            w.primitive(Tag::ctx(3), &s.0);
        }
        put_prim(w, 4, self.supported_camel_phases);
        put_prim(w, 5, self.offered_camel4_functionalities);
        put_cons(w, 6, self.bearer_capability2);
        put_cons(w, 7, self.ext_basic_service_code2);
        put_prim(w, 8, self.high_layer_compatibility2);
        put_prim(w, 9, self.low_layer_compatibility);
        put_prim(w, 10, self.low_layer_compatibility2);
        put_null(w, 11, self.enhanced_dialled_services_allowed);
        put_cons(w, 12, self.uu_data);
        put_null(w, 13, self.collect_information_allowed);
        put_null(w, 14, self.release_call_arg_extension_allowed);
    }

    /// The contents as a vector, to put in [`InitialDpArg::initial_dp_arg_extension`].
    pub fn to_contents(&self, phase: super::Phase) -> Vec<u8> {
        let mut v = Vec::with_capacity(32);
        self.encode_contents(&mut Writer::new(&mut v), phase);
        v
    }
}

impl<'a> InitialDpArg<'a> {
    /// The initialDPArgExtension decoded for the dialogue's phase, if present.
    pub fn extension(&self, phase: super::Phase) -> Option<Result<InitialDpArgExtension<'a>>> {
        self.initial_dp_arg_extension
            .map(|c| InitialDpArgExtension::decode(c, 0, phase))
    }

    /// bearerCapability decoded (ISUP User Service Information), if present.
    pub fn bearer(&self) -> Option<Result<super::numbers::BearerCapability<'a>>> {
        self.bearer_capability
            .map(super::numbers::BearerCapability::decode_choice)
    }

    /// redirectionInformation decoded (Q.763 §3.45), if present.
    pub fn redirection(&self) -> Option<Result<super::numbers::RedirectionInformation>> {
        self.redirection_information
            .map(|v| super::numbers::RedirectionInformation::decode(v, 0))
    }
}

/// LocationInformation (TS 29.002 MAP-MS-DataTypes), as carried in InitialDP [52].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LocationInformation<'a> {
    /// ageOfLocationInformation (untagged INTEGER, minutes).
    pub age_of_location_information: Option<u32>,
    /// [0] GeographicalInformation, opaque.
    pub geographical_information: Option<&'a [u8]>,
    /// [1] vlr-number.
    pub vlr_number: Option<AddressString>,
    /// [2] LocationNumber (ISUP format).
    pub location_number: Option<IsupNumber>,
    /// [3] cellGlobalIdOrServiceAreaIdOrLAI.
    pub cell_id_or_lai: Option<CellIdOrLai>,
    /// [4] extensionContainer, opaque contents.
    pub extension_container: Option<&'a [u8]>,
    /// [5] selectedLSA-Id, opaque.
    pub selected_lsa_id: Option<&'a [u8]>,
    /// [6] msc-Number.
    pub msc_number: Option<AddressString>,
    /// [7] geodeticInformation, opaque.
    pub geodetic_information: Option<&'a [u8]>,
    /// [8] currentLocationRetrieved NULL.
    pub current_location_retrieved: bool,
    /// [9] sai-Present NULL: `cell_id_or_lai` holds a service area identity.
    pub sai_present: bool,
    /// [10] locationInformationEPS, opaque contents.
    pub location_information_eps: Option<&'a [u8]>,
    /// [11] userCSGInformation, opaque contents.
    pub user_csg_information: Option<&'a [u8]>,
}

impl<'a> LocationInformation<'a> {
    /// Decode from the element carrying it (any tag; its contents are the SEQUENCE's).
    pub fn decode(t: Tlv<'a>) -> Result<LocationInformation<'a>> {
        let mut l = LocationInformation::default();
        l.decode_in_place(t)?;
        Ok(l)
    }

    /// [`LocationInformation::decode`] into `self`, which must be the default: the
    /// InitialDP decodes into its own member instead of moving ~300 octets through `Result`s.
    fn decode_in_place(&mut self, t: Tlv<'a>) -> Result<()> {
        let l = self;
        for m in t.children()? {
            let m = m?;
            if m.tag == Tag::INTEGER {
                l.age_of_location_information = Some(m.as_u32()?);
                continue;
            }
            let Some(n) = ctx(&m) else { continue };
            match n {
                0 => l.geographical_information = Some(octets(&m, "geographicalInformation")?),
                1 => address_into(&mut l.vlr_number, &m, "vlr-number")?,
                2 => isup_into(&mut l.location_number, &m, "locationNumber")?,
                3 => {
                    // CHOICE (explicit): [0] 7-octet CGI/SAI or [1] 5-octet LAI.
                    let mut r = m.children()?;
                    let c = r.next_tlv()?.ok_or(BerError::new(
                        BerErrorKind::Missing("cellGlobalIdOrServiceAreaIdOrLAI alternative"),
                        m.value_offset,
                    ))?;
                    let v = octets(&c, "cellGlobalIdOrServiceAreaIdOrLAI")?;
                    let ok = match (ctx(&c), v.len()) {
                        (Some(0), 7) | (Some(1), 5) => true,
                        (Some(0 | 1), _) => false,
                        _ => {
                            return Err(invalid(
                                "cellGlobalIdOrServiceAreaIdOrLAI alternative",
                                c.offset,
                            ))
                        }
                    };
                    if !ok {
                        return Err(invalid("cell id / LAI length", c.value_offset));
                    }
                    l.cell_id_or_lai = Some(CellIdOrLai::decode(v, c.value_offset)?);
                }
                4 => l.extension_container = Some(contents(&m, "extensionContainer")?),
                5 => l.selected_lsa_id = Some(octets(&m, "selectedLSA-Id")?),
                6 => address_into(&mut l.msc_number, &m, "msc-Number")?,
                7 => l.geodetic_information = Some(octets(&m, "geodeticInformation")?),
                8 => l.current_location_retrieved = m.as_null().map(|_| true)?,
                9 => l.sai_present = m.as_null().map(|_| true)?,
                10 => l.location_information_eps = Some(contents(&m, "locationInformationEPS")?),
                11 => l.user_csg_information = Some(contents(&m, "userCSGInformation")?),
                _ => {}
            }
        }
        Ok(())
    }

    /// Write `[tag] SEQUENCE { ... }`.
    pub fn encode(&self, w: &mut Writer<'_>, tag: u32) {
        let mut s = Scratch::new();
        w.constructed(Tag::ctx_cons(tag), |w| {
            if let Some(a) = self.age_of_location_information {
                w.integer(Tag::INTEGER, i64::from(a));
            }
            put_prim(w, 0, self.geographical_information);
            if let Some(a) = &self.vlr_number {
                s.address(w, 1, a);
            }
            if let Some(n) = &self.location_number {
                s.isup(w, 2, n);
            }
            if let Some(c) = &self.cell_id_or_lai {
                s.0.clear();
                c.encode_into(&mut s.0);
                let alt = match c {
                    CellIdOrLai::CellId { .. } => 0,
                    CellIdOrLai::Lai { .. } => 1,
                };
                let v = &s.0;
                w.constructed(Tag::ctx_cons(3), |w| w.primitive(Tag::ctx(alt), v));
            }
            put_cons(w, 4, self.extension_container);
            put_prim(w, 5, self.selected_lsa_id);
            if let Some(a) = &self.msc_number {
                s.address(w, 6, a);
            }
            put_prim(w, 7, self.geodetic_information);
            put_null(w, 8, self.current_location_retrieved);
            put_null(w, 9, self.sai_present);
            put_cons(w, 10, self.location_information_eps);
            put_cons(w, 11, self.user_csg_information);
        });
    }
}

// ---------------------------------------------------------------------------------------
// RequestReportBCSMEvent

/// BCSMEvent (TS 29.078 CAP-datatypes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BcsmEvent<'a> {
    /// [0] eventTypeBCSM.
    pub event_type: EventTypeBcsm,
    /// [1] monitorMode.
    pub monitor_mode: MonitorMode,
    /// [2] legID (CHOICE; the gsmSCF sends sendingSideID).
    pub leg_id: Option<LegId>,
    /// [30] dpSpecificCriteria: contents of the CHOICE, opaque; see
    /// [`BcsmEvent::application_timer`].
    pub dp_specific_criteria: Option<&'a [u8]>,
    /// [50] automaticRearm NULL.
    pub automatic_rearm: bool,
}

impl<'a> BcsmEvent<'a> {
    /// An event armed on a leg, without DP-specific criteria.
    pub fn new(event_type: EventTypeBcsm, monitor_mode: MonitorMode, leg: Option<LegId>) -> Self {
        BcsmEvent {
            event_type,
            monitor_mode,
            leg_id: leg,
            dp_specific_criteria: None,
            automatic_rearm: false,
        }
    }

    fn decode(t: &Tlv<'a>) -> Result<BcsmEvent<'a>> {
        t.expect(Tag::SEQUENCE)?;
        let (mut et, mut mm) = (None, None);
        let mut e = BcsmEvent::new(EventTypeBcsm(0), MonitorMode::Interrupted, None);
        for m in t.children()? {
            let m = m?;
            match ctx(&m) {
                Some(0) => et = Some(EventTypeBcsm::decode(&m)?),
                Some(1) => mm = Some(MonitorMode::decode(&m)?),
                Some(2) => e.leg_id = Some(LegId::decode_choice(&m)?),
                Some(30) => e.dp_specific_criteria = Some(contents(&m, "dpSpecificCriteria")?),
                Some(50) => e.automatic_rearm = m.as_null().map(|_| true)?,
                _ => {}
            }
        }
        e.event_type = et.ok_or(BerError::new(
            BerErrorKind::Missing("eventTypeBCSM"),
            t.value_offset,
        ))?;
        e.monitor_mode = mm.ok_or(BerError::new(
            BerErrorKind::Missing("monitorMode"),
            t.value_offset,
        ))?;
        Ok(e)
    }

    fn encode(&self, w: &mut Writer<'_>) {
        w.constructed(Tag::SEQUENCE, |w| {
            w.integer(Tag::ctx(0), i64::from(self.event_type.0));
            w.integer(Tag::ctx(1), self.monitor_mode as i64);
            if let Some(l) = &self.leg_id {
                l.encode_choice(w, 2);
            }
            put_cons(w, 30, self.dp_specific_criteria);
            put_null(w, 50, self.automatic_rearm);
        });
    }

    /// dpSpecificCriteria's applicationTimer [1] (seconds, the no-answer timer), if that is
    /// the alternative present.
    pub fn application_timer(&self) -> Option<u16> {
        let t = Tlv::parse_single(self.dp_specific_criteria?).ok()?;
        if ctx(&t) == Some(1) && !t.tag.constructed {
            u16::try_from(t.as_i64().ok()?).ok()
        } else {
            None
        }
    }
}

/// DpSpecificCriteria (CHOICE), the criteria a BCSMEvent is armed with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DpSpecificCriteria<'a> {
    /// [1] applicationTimer (0..2047 s): the no-answer timer for o/tNoAnswer.
    ApplicationTimer(u16),
    /// [2] midCallControlInfo (CAP v4): DTMF collection for o/tMidCall.
    MidCallControlInfo {
        /// [0] minimumNumberOfDigits DEFAULT 1.
        minimum_number_of_digits: Option<u8>,
        /// [1] maximumNumberOfDigits DEFAULT 30.
        maximum_number_of_digits: Option<u8>,
        /// [2] endOfReplyDigit, [3] cancelDigit, [4] startDigit (1..2 octets each).
        end_of_reply_digit: Option<&'a [u8]>,
        cancel_digit: Option<&'a [u8]>,
        start_digit: Option<&'a [u8]>,
        /// [6] interDigitTimeout DEFAULT 10 s.
        inter_digit_timeout: Option<u8>,
    },
    /// [3] dpSpecificCriteriaAlt (CAP v4).
    Alt {
        /// [0] changeOfPositionControlInfo contents, opaque.
        change_of_position_control_info: Option<&'a [u8]>,
        /// [1] numberOfDigits (1..255) for collectedInfo.
        number_of_digits: Option<u8>,
        /// [2] interDigitTimeout (1..127 s).
        inter_digit_timeout: Option<u8>,
    },
}

impl<'a> DpSpecificCriteria<'a> {
    /// Decode the CHOICE from the [30] wrapper's contents (as kept in
    /// [`BcsmEvent::dp_specific_criteria`]).
    pub fn decode(contents_: &'a [u8], offset: usize) -> Result<DpSpecificCriteria<'a>> {
        let mut r = crate::ber::Reader::with_base(contents_, offset);
        let t = r.next_tlv()?.ok_or(BerError::new(
            BerErrorKind::Missing("dpSpecificCriteria alternative"),
            offset,
        ))?;
        r.finish()?;
        Ok(match ctx(&t) {
            Some(1) => DpSpecificCriteria::ApplicationTimer(
                u16::try_from(t.as_i64()?)
                    .map_err(|_| invalid("applicationTimer", t.value_offset))?,
            ),
            Some(2) => {
                let (mut min, mut max, mut eor, mut cancel, mut start, mut idt) =
                    (None, None, None, None, None, None);
                for m in t.children()? {
                    let m = m?;
                    match ctx(&m) {
                        Some(0) => min = Some(small_enum(&m, "minimumNumberOfDigits")?),
                        Some(1) => max = Some(small_enum(&m, "maximumNumberOfDigits")?),
                        Some(2) => eor = Some(octets(&m, "endOfReplyDigit")?),
                        Some(3) => cancel = Some(octets(&m, "cancelDigit")?),
                        Some(4) => start = Some(octets(&m, "startDigit")?),
                        Some(6) => idt = Some(small_enum(&m, "interDigitTimeout")?),
                        _ => {}
                    }
                }
                DpSpecificCriteria::MidCallControlInfo {
                    minimum_number_of_digits: min,
                    maximum_number_of_digits: max,
                    end_of_reply_digit: eor,
                    cancel_digit: cancel,
                    start_digit: start,
                    inter_digit_timeout: idt,
                }
            }
            Some(3) => {
                let (mut cop, mut nod, mut idt) = (None, None, None);
                for m in t.children()? {
                    let m = m?;
                    match ctx(&m) {
                        Some(0) => cop = Some(contents(&m, "changeOfPositionControlInfo")?),
                        Some(1) => nod = Some(small_enum(&m, "numberOfDigits")?),
                        Some(2) => idt = Some(small_enum(&m, "interDigitTimeout")?),
                        _ => {}
                    }
                }
                DpSpecificCriteria::Alt {
                    change_of_position_control_info: cop,
                    number_of_digits: nod,
                    inter_digit_timeout: idt,
                }
            }
            _ => return Err(invalid("dpSpecificCriteria alternative", t.offset)),
        })
    }

    /// Write the CHOICE (the [30] wrapper's contents).
    pub fn encode(&self, w: &mut Writer<'_>) {
        match *self {
            DpSpecificCriteria::ApplicationTimer(t) => w.integer(Tag::ctx(1), i64::from(t)),
            DpSpecificCriteria::MidCallControlInfo {
                minimum_number_of_digits,
                maximum_number_of_digits,
                end_of_reply_digit,
                cancel_digit,
                start_digit,
                inter_digit_timeout,
            } => w.constructed(Tag::ctx_cons(2), |w| {
                if let Some(v) = minimum_number_of_digits {
                    w.integer(Tag::ctx(0), i64::from(v));
                }
                if let Some(v) = maximum_number_of_digits {
                    w.integer(Tag::ctx(1), i64::from(v));
                }
                put_prim(w, 2, end_of_reply_digit);
                put_prim(w, 3, cancel_digit);
                put_prim(w, 4, start_digit);
                if let Some(v) = inter_digit_timeout {
                    w.integer(Tag::ctx(6), i64::from(v));
                }
            }),
            DpSpecificCriteria::Alt {
                change_of_position_control_info,
                number_of_digits,
                inter_digit_timeout,
            } => w.constructed(Tag::ctx_cons(3), |w| {
                put_cons(w, 0, change_of_position_control_info);
                if let Some(v) = number_of_digits {
                    w.integer(Tag::ctx(1), i64::from(v));
                }
                if let Some(v) = inter_digit_timeout {
                    w.integer(Tag::ctx(2), i64::from(v));
                }
            }),
        }
    }

    /// The encoded CHOICE, to put in [`BcsmEvent::dp_specific_criteria`].
    pub fn to_contents(&self) -> Vec<u8> {
        let mut v = Vec::with_capacity(8);
        self.encode(&mut Writer::new(&mut v));
        v
    }
}

impl<'a> BcsmEvent<'a> {
    /// dpSpecificCriteria decoded, if present.
    pub fn criteria(&self) -> Option<Result<DpSpecificCriteria<'a>>> {
        self.dp_specific_criteria
            .map(|c| DpSpecificCriteria::decode(c, 0))
    }
}

/// RequestReportBCSMEventArg (opcode 23).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RequestReportBcsmEventArg<'a> {
    /// [0] bcsmEvents (1..30).
    pub events: Vec<BcsmEvent<'a>>,
    /// [2] extensions, opaque contents.
    pub extensions: Option<&'a [u8]>,
}

impl<'a> RequestReportBcsmEventArg<'a> {
    pub fn decode(param: Tlv<'a>) -> Result<RequestReportBcsmEventArg<'a>> {
        let mut a = RequestReportBcsmEventArg::default();
        let mut have_events = false;
        for m in sequence(&param)? {
            let m = m?;
            match ctx(&m) {
                Some(0) => {
                    have_events = true;
                    for e in m.children()? {
                        a.events.push(BcsmEvent::decode(&e?)?);
                    }
                }
                Some(2) => a.extensions = Some(contents(&m, "extensions")?),
                _ => {}
            }
        }
        if !have_events || a.events.is_empty() {
            return Err(BerError::new(
                BerErrorKind::Missing("bcsmEvents"),
                param.value_offset,
            ));
        }
        Ok(a)
    }

    pub fn decode_bytes(buf: &'a [u8]) -> Result<RequestReportBcsmEventArg<'a>> {
        RequestReportBcsmEventArg::decode(Tlv::parse_single(buf)?)
    }

    pub fn encode(&self, w: &mut Writer<'_>) {
        Self::encode_events(&self.events, self.extensions, w);
    }

    /// Encode from a caller's slice of events (no `Vec` needed on the sending side).
    pub fn encode_events(events: &[BcsmEvent<'_>], extensions: Option<&[u8]>, w: &mut Writer<'_>) {
        w.constructed(Tag::SEQUENCE, |w| {
            w.constructed(Tag::ctx_cons(0), |w| {
                for e in events {
                    e.encode(w);
                }
            });
            put_cons(w, 2, extensions);
        });
    }
}

// ---------------------------------------------------------------------------------------
// EventReportBCSM

/// MiscCallInfo (ETSI CS2-datatypes): messageType [0] request(0)/notification(1),
/// dpAssignment [1] OPTIONAL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MiscCallInfo {
    /// `true` for notification (no answer expected), `false` for request (interrupted mode).
    pub notification: bool,
    /// dpAssignment: individualLine(0), groupBased(1), officeBased(2).
    pub dp_assignment: Option<u8>,
}

impl MiscCallInfo {
    pub const REQUEST: MiscCallInfo = MiscCallInfo {
        notification: false,
        dp_assignment: None,
    };
    pub const NOTIFICATION: MiscCallInfo = MiscCallInfo {
        notification: true,
        dp_assignment: None,
    };

    fn decode(t: &Tlv<'_>) -> Result<MiscCallInfo> {
        let mut notification = None;
        let mut dp_assignment = None;
        for m in t.children()? {
            let m = m?;
            match ctx(&m) {
                Some(0) => match m.as_i64()? {
                    0 => notification = Some(false),
                    1 => notification = Some(true),
                    _ => return Err(invalid("messageType value", m.value_offset)),
                },
                Some(1) => dp_assignment = Some(small_enum(&m, "dpAssignment")?),
                _ => {}
            }
        }
        Ok(MiscCallInfo {
            notification: notification.ok_or(BerError::new(
                BerErrorKind::Missing("messageType"),
                t.value_offset,
            ))?,
            dp_assignment,
        })
    }

    fn encode(&self, w: &mut Writer<'_>, tag: u32) {
        w.constructed(Tag::ctx_cons(tag), |w| {
            w.integer(Tag::ctx(0), i64::from(self.notification));
            if let Some(d) = self.dp_assignment {
                w.integer(Tag::ctx(1), i64::from(d));
            }
        });
    }
}

/// oAnswerSpecificInfo / tAnswerSpecificInfo contents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AnswerInfo<'a> {
    /// [50] destinationAddress (ISUP CalledPartyNumber).
    pub destination_address: Option<IsupNumber>,
    /// [51] or-Call NULL.
    pub or_call: bool,
    /// [52] forwardedCall NULL.
    pub forwarded_call: bool,
    /// [53] chargeIndicator (1 octet).
    pub charge_indicator: Option<u8>,
    /// [54] ext-basicServiceCode, opaque CHOICE contents.
    pub ext_basic_service_code: Option<&'a [u8]>,
    /// [55] ext-basicServiceCode2, opaque CHOICE contents.
    pub ext_basic_service_code2: Option<&'a [u8]>,
}

impl<'a> AnswerInfo<'a> {
    fn decode(t: &Tlv<'a>) -> Result<AnswerInfo<'a>> {
        let mut a = AnswerInfo::default();
        for m in t.children()? {
            let m = m?;
            match ctx(&m) {
                Some(50) => isup_into(&mut a.destination_address, &m, "destinationAddress")?,
                Some(51) => a.or_call = m.as_null().map(|_| true)?,
                Some(52) => a.forwarded_call = m.as_null().map(|_| true)?,
                Some(53) => a.charge_indicator = Some(one_octet(&m, "chargeIndicator")?),
                Some(54) => a.ext_basic_service_code = Some(contents(&m, "ext-basicServiceCode")?),
                Some(55) => {
                    a.ext_basic_service_code2 = Some(contents(&m, "ext-basicServiceCode2")?)
                }
                _ => {}
            }
        }
        Ok(a)
    }

    fn encode(&self, w: &mut Writer<'_>, s: &mut Scratch) {
        if let Some(n) = &self.destination_address {
            s.isup(w, 50, n);
        }
        put_null(w, 51, self.or_call);
        put_null(w, 52, self.forwarded_call);
        if let Some(c) = self.charge_indicator {
            w.primitive(Tag::ctx(53), &[c]);
        }
        put_cons(w, 54, self.ext_basic_service_code);
        put_cons(w, 55, self.ext_basic_service_code2);
    }
}

/// EventSpecificInformationBCSM (CHOICE). The alternatives the call model uses are decoded;
/// the rest are kept as `Other` (tag and contents) and re-encoded unchanged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventSpecificInfo<'a> {
    /// [2] routeSelectFailureSpecificInfo { failureCause [0] }.
    RouteSelectFailure { failure_cause: Option<Cause<'a>> },
    /// [3] oCalledPartyBusySpecificInfo { busyCause [0] }.
    OCalledPartyBusy { busy_cause: Option<Cause<'a>> },
    /// [4] oNoAnswerSpecificInfo {}.
    ONoAnswer,
    /// [5] oAnswerSpecificInfo.
    OAnswer(AnswerInfo<'a>),
    /// [7] oDisconnectSpecificInfo { releaseCause [0] }.
    ODisconnect { release_cause: Option<Cause<'a>> },
    /// [8] tBusySpecificInfo { busyCause [0], callForwarded [50], routeNotPermitted [51],
    /// forwardingDestinationNumber [52] }.
    TBusy {
        busy_cause: Option<Cause<'a>>,
        call_forwarded: bool,
        route_not_permitted: bool,
        forwarding_destination_number: Option<IsupNumber>,
    },
    /// [9] tNoAnswerSpecificInfo { callForwarded [50], forwardingDestinationNumber [52] }.
    TNoAnswer {
        call_forwarded: bool,
        forwarding_destination_number: Option<IsupNumber>,
    },
    /// [10] tAnswerSpecificInfo.
    TAnswer(AnswerInfo<'a>),
    /// [12] tDisconnectSpecificInfo { releaseCause [0] }.
    TDisconnect { release_cause: Option<Cause<'a>> },
    /// [21] oAbandonSpecificInfo { routeNotPermitted [50] }.
    OAbandon { route_not_permitted: bool },
    /// [6] oMidCallSpecificInfo { midCallEvents [1] } (CAP v4).
    OMidCall(Option<MidCallEvents<'a>>),
    /// [11] tMidCallSpecificInfo { midCallEvents [1] } (CAP v4).
    TMidCall(Option<MidCallEvents<'a>>),
    /// [13] oTermSeizedSpecificInfo { locationInformation [50] } (CAP v4).
    OTermSeized(Option<LocationInformation<'a>>),
    /// [20] callAcceptedSpecificInfo { locationInformation [50] } (CAP v4).
    CallAccepted(Option<LocationInformation<'a>>),
    /// [50] oChangeOfPositionSpecificInfo (CAP v4).
    OChangeOfPosition(ChangeOfPosition<'a>),
    /// [51] tChangeOfPositionSpecificInfo (CAP v4).
    TChangeOfPosition(ChangeOfPosition<'a>),
    /// [52] dpSpecificInfoAlt (CAP v4): service change and collected info.
    DpSpecificInfoAlt(DpSpecificInfoAlt<'a>),
    /// An alternative TS 29.078 does not define: its context tag number and contents.
    Other { tag: u32, contents: &'a [u8] },
}

/// MidCallEvents: CHOICE { dTMFDigitsCompleted [3] Digits, dTMFDigitsTimeOut [4] Digits }
/// (Digits kept opaque: Generic Digits, Q.763 §3.24).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MidCallEvents<'a> {
    DtmfDigitsCompleted(&'a [u8]),
    DtmfDigitsTimeOut(&'a [u8]),
}

/// o/tChangeOfPositionSpecificInfo { locationInformation [50], metDPCriteriaList [51] }.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ChangeOfPosition<'a> {
    pub location_information: Option<LocationInformation<'a>>,
    /// [51] metDPCriteriaList contents (SEQUENCE OF MetDPCriterion), opaque.
    pub met_dp_criteria_list: Option<&'a [u8]>,
}

/// o/tServiceChangeSpecificInfo { ext-basicServiceCode [0], initiatorOfServiceChange [1]
/// (a-side 0, b-side 1), natureOfServiceChange [2] (userInitiated 0, networkInitiated 1) }.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ServiceChange<'a> {
    /// Contents of the Ext-BasicServiceCode CHOICE wrapper, opaque.
    pub ext_basic_service_code: Option<&'a [u8]>,
    pub initiator: Option<u8>,
    pub nature: Option<u8>,
}

/// DpSpecificInfoAlt { oServiceChangeSpecificInfo [0], tServiceChangeSpecificInfo [1],
/// collectedInfoSpecificInfo [2] { calledPartyNumber [0] } }.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DpSpecificInfoAlt<'a> {
    pub o_service_change: Option<ServiceChange<'a>>,
    pub t_service_change: Option<ServiceChange<'a>>,
    /// collectedInfoSpecificInfo present; its calledPartyNumber.
    pub collected_info: Option<Option<IsupNumber>>,
}

impl<'a> ServiceChange<'a> {
    fn decode(t: &Tlv<'a>) -> Result<ServiceChange<'a>> {
        let mut s = ServiceChange::default();
        for m in t.children()? {
            let m = m?;
            match ctx(&m) {
                Some(0) => s.ext_basic_service_code = Some(contents(&m, "ext-basicServiceCode")?),
                Some(1) => s.initiator = Some(small_enum(&m, "initiatorOfServiceChange")?),
                Some(2) => s.nature = Some(small_enum(&m, "natureOfServiceChange")?),
                _ => {}
            }
        }
        Ok(s)
    }
    fn encode(&self, w: &mut Writer<'_>, tag: u32) {
        w.constructed(Tag::ctx_cons(tag), |w| {
            put_cons(w, 0, self.ext_basic_service_code);
            if let Some(i) = self.initiator {
                w.integer(Tag::ctx(1), i64::from(i));
            }
            if let Some(n) = self.nature {
                w.integer(Tag::ctx(2), i64::from(n));
            }
        });
    }
}

/// `{ locationInformation [50] }` of oTermSeized / callAccepted.
fn location_only<'a>(t: &Tlv<'a>) -> Result<Option<LocationInformation<'a>>> {
    let mut l = None;
    for m in t.children()? {
        let m = m?;
        if ctx(&m) == Some(50) {
            l = Some(LocationInformation::decode(m)?);
        }
    }
    Ok(l)
}

fn mid_call<'a>(t: &Tlv<'a>) -> Result<Option<MidCallEvents<'a>>> {
    let mut e = None;
    for m in t.children()? {
        let m = m?;
        if ctx(&m) == Some(1) {
            let mut r = m.children()?;
            let x = r.next_tlv()?.ok_or(BerError::new(
                BerErrorKind::Missing("midCallEvents alternative"),
                m.value_offset,
            ))?;
            e = Some(match ctx(&x) {
                Some(3) => MidCallEvents::DtmfDigitsCompleted(octets(&x, "dTMFDigitsCompleted")?),
                Some(4) => MidCallEvents::DtmfDigitsTimeOut(octets(&x, "dTMFDigitsTimeOut")?),
                _ => return Err(invalid("midCallEvents alternative", x.offset)),
            });
            r.finish()?;
        }
    }
    Ok(e)
}

/// Decode a SEQUENCE whose only interesting member is a Cause at `[0]`.
fn cause_only<'a>(t: &Tlv<'a>) -> Result<Option<Cause<'a>>> {
    let mut c = None;
    for m in t.children()? {
        let m = m?;
        if ctx(&m) == Some(0) {
            c = Some(cause(&m, "cause")?);
        }
    }
    Ok(c)
}

impl<'a> EventSpecificInfo<'a> {
    /// Decode from the [2] element wrapping the CHOICE.
    fn decode(outer: &Tlv<'a>) -> Result<EventSpecificInfo<'a>> {
        let mut r = outer.children()?;
        let t = r.next_tlv()?.ok_or(BerError::new(
            BerErrorKind::Missing("eventSpecificInformationBCSM alternative"),
            outer.value_offset,
        ))?;
        let Some(n) = ctx(&t) else {
            return Err(invalid(
                "eventSpecificInformationBCSM alternative",
                t.offset,
            ));
        };
        if !t.tag.constructed {
            return Err(invalid(
                "eventSpecificInformationBCSM alternative form",
                t.offset,
            ));
        }
        Ok(match n {
            2 => EventSpecificInfo::RouteSelectFailure {
                failure_cause: cause_only(&t)?,
            },
            3 => EventSpecificInfo::OCalledPartyBusy {
                busy_cause: cause_only(&t)?,
            },
            4 => EventSpecificInfo::ONoAnswer,
            5 => EventSpecificInfo::OAnswer(AnswerInfo::decode(&t)?),
            7 => EventSpecificInfo::ODisconnect {
                release_cause: cause_only(&t)?,
            },
            8 | 9 => {
                let (mut busy_cause, mut fwd, mut rnp, mut dest) = (None, false, false, None);
                for m in t.children()? {
                    let m = m?;
                    match ctx(&m) {
                        Some(0) if n == 8 => busy_cause = Some(cause(&m, "busyCause")?),
                        Some(50) => fwd = m.as_null().map(|_| true)?,
                        Some(51) if n == 8 => rnp = m.as_null().map(|_| true)?,
                        Some(52) => dest = Some(isup(&m, "forwardingDestinationNumber")?),
                        _ => {}
                    }
                }
                if n == 8 {
                    EventSpecificInfo::TBusy {
                        busy_cause,
                        call_forwarded: fwd,
                        route_not_permitted: rnp,
                        forwarding_destination_number: dest,
                    }
                } else {
                    EventSpecificInfo::TNoAnswer {
                        call_forwarded: fwd,
                        forwarding_destination_number: dest,
                    }
                }
            }
            10 => EventSpecificInfo::TAnswer(AnswerInfo::decode(&t)?),
            12 => EventSpecificInfo::TDisconnect {
                release_cause: cause_only(&t)?,
            },
            21 => {
                let mut rnp = false;
                for m in t.children()? {
                    let m = m?;
                    if ctx(&m) == Some(50) {
                        rnp = m.as_null().map(|_| true)?;
                    }
                }
                EventSpecificInfo::OAbandon {
                    route_not_permitted: rnp,
                }
            }
            6 => EventSpecificInfo::OMidCall(mid_call(&t)?),
            11 => EventSpecificInfo::TMidCall(mid_call(&t)?),
            13 => EventSpecificInfo::OTermSeized(location_only(&t)?),
            20 => EventSpecificInfo::CallAccepted(location_only(&t)?),
            50 | 51 => {
                let mut c = ChangeOfPosition::default();
                for m in t.children()? {
                    let m = m?;
                    match ctx(&m) {
                        Some(50) => c.location_information = Some(LocationInformation::decode(m)?),
                        Some(51) => {
                            c.met_dp_criteria_list = Some(contents(&m, "metDPCriteriaList")?)
                        }
                        _ => {}
                    }
                }
                if n == 50 {
                    EventSpecificInfo::OChangeOfPosition(c)
                } else {
                    EventSpecificInfo::TChangeOfPosition(c)
                }
            }
            52 => {
                let mut d = DpSpecificInfoAlt::default();
                for m in t.children()? {
                    let m = m?;
                    match ctx(&m) {
                        Some(0) => d.o_service_change = Some(ServiceChange::decode(&m)?),
                        Some(1) => d.t_service_change = Some(ServiceChange::decode(&m)?),
                        Some(2) => {
                            let mut cpn = None;
                            for x in m.children()? {
                                let x = x?;
                                if ctx(&x) == Some(0) {
                                    cpn = Some(isup(&x, "calledPartyNumber")?);
                                }
                            }
                            d.collected_info = Some(cpn);
                        }
                        _ => {}
                    }
                }
                EventSpecificInfo::DpSpecificInfoAlt(d)
            }
            _ => EventSpecificInfo::Other {
                tag: n,
                contents: t.value,
            },
        })
    }

    /// Write `[2] { alternative }`.
    fn encode(&self, w: &mut Writer<'_>) {
        let mut s = Scratch::new();
        let put_cause = |w: &mut Writer<'_>, s: &mut Scratch, c: &Option<Cause<'_>>| {
            if let Some(c) = c {
                s.cause(w, Tag::ctx(0), c);
            }
        };
        w.constructed(Tag::ctx_cons(2), |w| match self {
            EventSpecificInfo::RouteSelectFailure { failure_cause: c } => {
                w.constructed(Tag::ctx_cons(2), |w| put_cause(w, &mut s, c))
            }
            EventSpecificInfo::OCalledPartyBusy { busy_cause: c } => {
                w.constructed(Tag::ctx_cons(3), |w| put_cause(w, &mut s, c))
            }
            EventSpecificInfo::ONoAnswer => w.constructed(Tag::ctx_cons(4), |_| {}),
            EventSpecificInfo::OAnswer(a) => {
                w.constructed(Tag::ctx_cons(5), |w| a.encode(w, &mut s))
            }
            EventSpecificInfo::ODisconnect { release_cause: c } => {
                w.constructed(Tag::ctx_cons(7), |w| put_cause(w, &mut s, c))
            }
            EventSpecificInfo::TBusy {
                busy_cause,
                call_forwarded,
                route_not_permitted,
                forwarding_destination_number,
            } => w.constructed(Tag::ctx_cons(8), |w| {
                put_cause(w, &mut s, busy_cause);
                put_null(w, 50, *call_forwarded);
                put_null(w, 51, *route_not_permitted);
                if let Some(n) = forwarding_destination_number {
                    s.isup(w, 52, n);
                }
            }),
            EventSpecificInfo::TNoAnswer {
                call_forwarded,
                forwarding_destination_number,
            } => w.constructed(Tag::ctx_cons(9), |w| {
                put_null(w, 50, *call_forwarded);
                if let Some(n) = forwarding_destination_number {
                    s.isup(w, 52, n);
                }
            }),
            EventSpecificInfo::TAnswer(a) => {
                w.constructed(Tag::ctx_cons(10), |w| a.encode(w, &mut s))
            }
            EventSpecificInfo::TDisconnect { release_cause: c } => {
                w.constructed(Tag::ctx_cons(12), |w| put_cause(w, &mut s, c))
            }
            EventSpecificInfo::OAbandon {
                route_not_permitted,
            } => w.constructed(Tag::ctx_cons(21), |w| put_null(w, 50, *route_not_permitted)),
            EventSpecificInfo::OMidCall(e) => {
                w.constructed(Tag::ctx_cons(6), |w| put_mid_call(w, e))
            }
            EventSpecificInfo::TMidCall(e) => {
                w.constructed(Tag::ctx_cons(11), |w| put_mid_call(w, e))
            }
            EventSpecificInfo::OTermSeized(l) => w.constructed(Tag::ctx_cons(13), |w| {
                if let Some(l) = l {
                    l.encode(w, 50)
                }
            }),
            EventSpecificInfo::CallAccepted(l) => w.constructed(Tag::ctx_cons(20), |w| {
                if let Some(l) = l {
                    l.encode(w, 50)
                }
            }),
            EventSpecificInfo::OChangeOfPosition(c) | EventSpecificInfo::TChangeOfPosition(c) => {
                let tag = if matches!(self, EventSpecificInfo::OChangeOfPosition(_)) {
                    50
                } else {
                    51
                };
                w.constructed(Tag::ctx_cons(tag), |w| {
                    if let Some(l) = &c.location_information {
                        l.encode(w, 50);
                    }
                    put_cons(w, 51, c.met_dp_criteria_list);
                })
            }
            EventSpecificInfo::DpSpecificInfoAlt(d) => w.constructed(Tag::ctx_cons(52), |w| {
                if let Some(o) = &d.o_service_change {
                    o.encode(w, 0);
                }
                if let Some(t) = &d.t_service_change {
                    t.encode(w, 1);
                }
                if let Some(c) = &d.collected_info {
                    w.constructed(Tag::ctx_cons(2), |w| {
                        if let Some(n) = c {
                            s.isup(w, 0, n);
                        }
                    });
                }
            }),
            EventSpecificInfo::Other { tag, contents } => {
                w.constructed(Tag::ctx_cons(*tag), |w| w.raw(contents))
            }
        });
    }

    /// The release, busy or route-select-failure cause, whichever this alternative carries.
    pub fn cause(&self) -> Option<Cause<'a>> {
        match *self {
            EventSpecificInfo::RouteSelectFailure { failure_cause: c }
            | EventSpecificInfo::OCalledPartyBusy { busy_cause: c }
            | EventSpecificInfo::TBusy { busy_cause: c, .. }
            | EventSpecificInfo::ODisconnect { release_cause: c }
            | EventSpecificInfo::TDisconnect { release_cause: c } => c,
            _ => None,
        }
    }
}

fn put_mid_call(w: &mut Writer<'_>, e: &Option<MidCallEvents<'_>>) {
    if let Some(e) = e {
        w.constructed(Tag::ctx_cons(1), |w| match e {
            MidCallEvents::DtmfDigitsCompleted(d) => w.primitive(Tag::ctx(3), d),
            MidCallEvents::DtmfDigitsTimeOut(d) => w.primitive(Tag::ctx(4), d),
        });
    }
}

/// EventReportBCSMArg (opcode 24).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventReportBcsmArg<'a> {
    /// [0] eventTypeBCSM.
    pub event_type: EventTypeBcsm,
    /// [2] eventSpecificInformationBCSM.
    pub event_specific_information: Option<EventSpecificInfo<'a>>,
    /// [3] legID (ReceivingSideID: the gsmSSF sends receivingSideID).
    pub leg_id: Option<LegId>,
    /// [4] miscCallInfo; absent means the DEFAULT {messageType request}.
    pub misc_call_info: Option<MiscCallInfo>,
    /// [5] extensions, opaque contents.
    pub extensions: Option<&'a [u8]>,
}

impl<'a> EventReportBcsmArg<'a> {
    /// A report of `event_type` on `leg` (receivingSideID).
    pub fn new(event_type: EventTypeBcsm, leg: super::LegType) -> Self {
        EventReportBcsmArg {
            event_type,
            event_specific_information: None,
            leg_id: Some(LegId::ReceivingSide(leg)),
            misc_call_info: None,
            extensions: None,
        }
    }

    pub fn decode(param: Tlv<'a>) -> Result<EventReportBcsmArg<'a>> {
        let mut et = None;
        let mut a = EventReportBcsmArg::new(EventTypeBcsm(0), super::LegType::LEG1);
        a.leg_id = None;
        for m in sequence(&param)? {
            let m = m?;
            match ctx(&m) {
                Some(0) => et = Some(EventTypeBcsm::decode(&m)?),
                Some(2) => a.event_specific_information = Some(EventSpecificInfo::decode(&m)?),
                Some(3) => a.leg_id = Some(LegId::decode_choice(&m)?),
                Some(4) => a.misc_call_info = Some(MiscCallInfo::decode(&m)?),
                Some(5) => a.extensions = Some(contents(&m, "extensions")?),
                _ => {}
            }
        }
        a.event_type = et.ok_or(BerError::new(
            BerErrorKind::Missing("eventTypeBCSM"),
            param.value_offset,
        ))?;
        Ok(a)
    }

    pub fn decode_bytes(buf: &'a [u8]) -> Result<EventReportBcsmArg<'a>> {
        EventReportBcsmArg::decode(Tlv::parse_single(buf)?)
    }

    pub fn encode(&self, w: &mut Writer<'_>) {
        w.constructed(Tag::SEQUENCE, |w| {
            w.integer(Tag::ctx(0), i64::from(self.event_type.0));
            if let Some(e) = &self.event_specific_information {
                e.encode(w);
            }
            if let Some(l) = &self.leg_id {
                l.encode_choice(w, 3);
            }
            if let Some(m) = &self.misc_call_info {
                m.encode(w, 4);
            }
            put_cons(w, 5, self.extensions);
        });
    }

    /// Whether the gsmSSF waits for instructions (messageType request, the default).
    pub fn is_request(&self) -> bool {
        !self.misc_call_info.is_some_and(|m| m.notification)
    }
}

// ---------------------------------------------------------------------------------------
// Connect

/// ConnectArg (opcode 20). Every member of the Rel-11 type is modelled.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ConnectArg<'a> {
    /// [0] destinationRoutingAddress: SEQUENCE SIZE(1) OF CalledPartyNumber.
    pub destination_routing_address: IsupNumber,
    /// [1] alertingPattern (3 octets), opaque.
    pub alerting_pattern: Option<&'a [u8]>,
    /// [6] originalCalledPartyID.
    pub original_called_party_id: Option<IsupNumber>,
    /// [10] extensions, opaque contents.
    pub extensions: Option<&'a [u8]>,
    /// [11] carrier, opaque.
    pub carrier: Option<&'a [u8]>,
    /// [28] callingPartysCategory.
    pub calling_partys_category: Option<u8>,
    /// [29] redirectingPartyID.
    pub redirecting_party_id: Option<IsupNumber>,
    /// [30] redirectionInformation (2 octets), opaque.
    pub redirection_information: Option<&'a [u8]>,
    /// [14] genericNumbers (SET OF GenericNumber).
    pub generic_numbers: Vec<GenericNumber>,
    /// [15] serviceInteractionIndicatorsTwo, opaque contents.
    pub service_interaction_indicators_two: Option<&'a [u8]>,
    /// [19] chargeNumber (LocationNumber format).
    pub charge_number: Option<IsupNumber>,
    /// [21] legToBeConnected.
    pub leg_to_be_connected: Option<LegId>,
    /// [31] cug-Interlock, opaque.
    pub cug_interlock: Option<&'a [u8]>,
    /// [32] cug-OutgoingAccess NULL.
    pub cug_outgoing_access: bool,
    /// [55] suppressionOfAnnouncement NULL.
    pub suppression_of_announcement: bool,
    /// [56] oCSIApplicable NULL: apply the subscriber's O-CSI to the new leg. Leave unset for
    /// a TRN connect (DESIGN.md flow 4: no O-CSI re-trigger).
    pub o_csi_applicable: bool,
    /// [57] naOliInfo, opaque.
    pub na_oli_info: Option<&'a [u8]>,
    /// [58] bor-InterrogationRequested NULL.
    pub bor_interrogation_requested: bool,
    /// [59] suppress-N-CSI NULL.
    pub suppress_n_csi: bool,
}

impl<'a> ConnectArg<'a> {
    /// A Connect to `destination` and nothing else.
    pub fn to(destination: IsupNumber) -> ConnectArg<'a> {
        ConnectArg {
            destination_routing_address: destination,
            ..ConnectArg::default()
        }
    }

    pub fn decode(param: Tlv<'a>) -> Result<ConnectArg<'a>> {
        let mut a = ConnectArg::default();
        let mut have_dra = false;
        for m in sequence(&param)? {
            let m = m?;
            let Some(n) = ctx(&m) else { continue };
            match n {
                0 => {
                    let mut r = m.children()?;
                    let first = r.next_tlv()?.ok_or(BerError::new(
                        BerErrorKind::Missing("destinationRoutingAddress element"),
                        m.value_offset,
                    ))?;
                    first.expect(Tag::OCTET_STRING)?;
                    a.destination_routing_address = isup(&first, "destinationRoutingAddress")?;
                    // SIZE(1): a further element is a protocol violation.
                    r.finish()?;
                    have_dra = true;
                }
                1 => a.alerting_pattern = Some(octets(&m, "alertingPattern")?),
                6 => isup_into(&mut a.original_called_party_id, &m, "originalCalledPartyID")?,
                10 => a.extensions = Some(contents(&m, "extensions")?),
                11 => a.carrier = Some(octets(&m, "carrier")?),
                28 => a.calling_partys_category = Some(one_octet(&m, "callingPartysCategory")?),
                29 => isup_into(&mut a.redirecting_party_id, &m, "redirectingPartyID")?,
                30 => a.redirection_information = Some(octets(&m, "redirectionInformation")?),
                14 => {
                    for g in m.children()? {
                        let g = g?;
                        g.expect(Tag::OCTET_STRING)?;
                        a.generic_numbers.push(GenericNumber::decode(
                            octets(&g, "genericNumber")?,
                            g.value_offset,
                        )?);
                    }
                }
                15 => {
                    a.service_interaction_indicators_two =
                        Some(contents(&m, "serviceInteractionIndicatorsTwo")?)
                }
                19 => isup_into(&mut a.charge_number, &m, "chargeNumber")?,
                21 => a.leg_to_be_connected = Some(LegId::decode_choice(&m)?),
                31 => a.cug_interlock = Some(octets(&m, "cug-Interlock")?),
                32 => a.cug_outgoing_access = m.as_null().map(|_| true)?,
                55 => a.suppression_of_announcement = m.as_null().map(|_| true)?,
                56 => a.o_csi_applicable = m.as_null().map(|_| true)?,
                57 => a.na_oli_info = Some(octets(&m, "naOliInfo")?),
                58 => a.bor_interrogation_requested = m.as_null().map(|_| true)?,
                59 => a.suppress_n_csi = m.as_null().map(|_| true)?,
                _ => {}
            }
        }
        if !have_dra {
            return Err(BerError::new(
                BerErrorKind::Missing("destinationRoutingAddress"),
                param.value_offset,
            ));
        }
        Ok(a)
    }

    pub fn decode_bytes(buf: &'a [u8]) -> Result<ConnectArg<'a>> {
        ConnectArg::decode(Tlv::parse_single(buf)?)
    }

    pub fn encode(&self, w: &mut Writer<'_>) {
        let mut s = Scratch::new();
        w.constructed(Tag::SEQUENCE, |w| {
            s.0.clear();
            self.destination_routing_address.encode_into(&mut s.0);
            let dra = &s.0;
            w.constructed(Tag::ctx_cons(0), |w| w.primitive(Tag::OCTET_STRING, dra));
            put_prim(w, 1, self.alerting_pattern);
            if let Some(n) = &self.original_called_party_id {
                s.isup(w, 6, n);
            }
            put_cons(w, 10, self.extensions);
            put_prim(w, 11, self.carrier);
            if let Some(c) = self.calling_partys_category {
                w.primitive(Tag::ctx(28), &[c]);
            }
            if let Some(n) = &self.redirecting_party_id {
                s.isup(w, 29, n);
            }
            put_prim(w, 30, self.redirection_information);
            if !self.generic_numbers.is_empty() {
                w.constructed(Tag::ctx_cons(14), |w| {
                    for g in &self.generic_numbers {
                        s.0.clear();
                        g.encode_into(&mut s.0);
                        w.primitive(Tag::OCTET_STRING, &s.0);
                    }
                });
            }
            put_cons(w, 15, self.service_interaction_indicators_two);
            if let Some(n) = &self.charge_number {
                s.isup(w, 19, n);
            }
            if let Some(l) = &self.leg_to_be_connected {
                l.encode_choice(w, 21);
            }
            put_prim(w, 31, self.cug_interlock);
            put_null(w, 32, self.cug_outgoing_access);
            put_null(w, 55, self.suppression_of_announcement);
            put_null(w, 56, self.o_csi_applicable);
            put_prim(w, 57, self.na_oli_info);
            put_null(w, 58, self.bor_interrogation_requested);
            put_null(w, 59, self.suppress_n_csi);
        });
    }
}

// ---------------------------------------------------------------------------------------
// ReleaseCall

/// ReleaseCallArg (opcode 22). CAP v1–v3: a bare Cause (universal OCTET STRING). CAP v4:
/// CHOICE { allCallSegments Cause, allCallSegmentsWithExtension [2] SEQUENCE {
/// allCallSegments [0] Cause, extensions [1] OPTIONAL } }.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReleaseCallArg<'a> {
    AllCallSegments(Cause<'a>),
    AllCallSegmentsWithExtension {
        cause: Cause<'a>,
        /// [1] extensions, opaque contents.
        extensions: Option<&'a [u8]>,
    },
}

impl<'a> ReleaseCallArg<'a> {
    pub fn decode(param: Tlv<'a>) -> Result<ReleaseCallArg<'a>> {
        if param.tag.is(Tag::OCTET_STRING) {
            return Ok(ReleaseCallArg::AllCallSegments(cause(
                &param,
                "releaseCall cause",
            )?));
        }
        if param.tag.is(Tag::ctx(2)) {
            let (mut c, mut extensions) = (None, None);
            for m in
                contents(&param, "allCallSegmentsWithExtension").and_then(|_| param.children())?
            {
                let m = m?;
                match ctx(&m) {
                    Some(0) => c = Some(cause(&m, "allCallSegments")?),
                    Some(1) => extensions = Some(contents(&m, "extensions")?),
                    _ => {}
                }
            }
            let cause = c.ok_or(BerError::new(
                BerErrorKind::Missing("allCallSegments"),
                param.value_offset,
            ))?;
            return Ok(ReleaseCallArg::AllCallSegmentsWithExtension { cause, extensions });
        }
        Err(BerError::new(
            BerErrorKind::UnexpectedTag {
                expected: Tag::OCTET_STRING,
                found: param.tag,
            },
            param.offset,
        ))
    }

    pub fn decode_bytes(buf: &'a [u8]) -> Result<ReleaseCallArg<'a>> {
        ReleaseCallArg::decode(Tlv::parse_single(buf)?)
    }

    /// Encode. The bare form is valid in every phase; use it unless relaying.
    pub fn encode(&self, w: &mut Writer<'_>) {
        let mut s = Scratch::new();
        match self {
            ReleaseCallArg::AllCallSegments(c) => s.cause(w, Tag::OCTET_STRING, c),
            ReleaseCallArg::AllCallSegmentsWithExtension { cause, extensions } => {
                w.constructed(Tag::ctx_cons(2), |w| {
                    s.cause(w, Tag::ctx(0), cause);
                    put_cons(w, 1, *extensions);
                })
            }
        }
    }

    pub fn cause(&self) -> Cause<'a> {
        match *self {
            ReleaseCallArg::AllCallSegments(c)
            | ReleaseCallArg::AllCallSegmentsWithExtension { cause: c, .. } => c,
        }
    }
}

#[cfg(test)]
#[path = "ops_tests.rs"]
mod tests;
