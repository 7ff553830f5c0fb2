//! InitialDP (TS 29.078 §6.1.1, opcode 0): InitialDPArg, every member of the Rel-11 type,
//! and InitialDPArgExtension, whose members depend on the dialogue's phase.

use super::location::LocationInformation;
use super::{
    address_into, cause, contents, ctx, isup_into, octets, one_octet, put_cons, put_null, put_prim,
    sequence, small_enum, tbcd_into, Scratch,
};
use crate::ber::{BerError, BerErrorKind, Malformed, MalformedMembers, Result, Tag, Tlv, Writer};
use crate::camel::numbers::{
    AddressString, Cause, GenericNumber, IsupNumber, TbcdDigits, TimeAndTimezone,
};
use crate::camel::{numbers, EventTypeBcsm, Phase};

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
    /// Optional members that did not decode (absent above), as received. Not encoded.
    pub malformed: MalformedMembers<'a>,
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
        let mut have_key = false;
        for m in sequence(&param)? {
            let m = m?;
            let Some(n) = ctx(&m) else { continue };
            match self.member(n, &m) {
                Ok(()) => have_key |= n == 0,
                // serviceKey is the one mandatory member: without it there is no call.
                Err(e) if n == 0 => return Err(e),
                Err(fault) => {
                    if n == 52 {
                        self.location_information = None;
                    }
                    self.malformed.push(Malformed {
                        member: member_name(n),
                        raw: m.raw,
                        fault,
                    });
                }
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

    /// Decode member `[n]` into its slot; on a fault the slot is left absent.
    fn member(&mut self, n: u32, m: &Tlv<'a>) -> Result<()> {
        let a = self;
        match n {
            0 => a.service_key = m.as_u32()?,
            2 => isup_into(&mut a.called_party_number, m, "calledPartyNumber")?,
            3 => isup_into(&mut a.calling_party_number, m, "callingPartyNumber")?,
            5 => a.calling_partys_category = Some(one_octet(m, "callingPartysCategory")?),
            7 => a.cg_encountered = Some(small_enum(m, "cGEncountered")?),
            8 => a.ip_ssp_capabilities = Some(octets(m, "iPSSPCapabilities")?),
            10 => isup_into(&mut a.location_number, m, "locationNumber")?,
            12 => isup_into(&mut a.original_called_party_id, m, "originalCalledPartyID")?,
            15 => a.extensions = Some(contents(m, "extensions")?),
            23 => a.high_layer_compatibility = Some(octets(m, "highLayerCompatibility")?),
            25 => {
                a.additional_calling_party_number = Some(octets(m, "additionalCallingPartyNumber")?)
            }
            27 => a.bearer_capability = Some(contents(m, "bearerCapability")?),
            28 => a.event_type_bcsm = Some(EventTypeBcsm::decode(m)?),
            29 => isup_into(&mut a.redirecting_party_id, m, "redirectingPartyID")?,
            30 => a.redirection_information = Some(octets(m, "redirectionInformation")?),
            17 => a.cause = Some(cause(m, "cause")?),
            32 => {
                a.service_interaction_indicators_two =
                    Some(contents(m, "serviceInteractionIndicatorsTwo")?)
            }
            37 => a.carrier = Some(octets(m, "carrier")?),
            45 => a.cug_index = Some(m.as_u32()?),
            46 => a.cug_interlock = Some(octets(m, "cug-Interlock")?),
            47 => a.cug_outgoing_access = m.as_null().map(|_| true)?,
            50 => tbcd_into(&mut a.imsi, m, "iMSI")?,
            51 => a.subscriber_state = Some(contents(m, "subscriberState")?),
            52 => a
                .location_information
                .insert(LocationInformation::default())
                .decode_in_place(*m, &mut a.malformed)?,
            53 => a.ext_basic_service_code = Some(contents(m, "ext-basicServiceCode")?),
            54 => a.call_reference_number = Some(octets(m, "callReferenceNumber")?),
            55 => address_into(&mut a.msc_address, m, "mscAddress")?,
            56 => address_into(&mut a.called_party_bcd_number, m, "calledPartyBCDNumber")?,
            57 => {
                a.time_and_timezone = Some(TimeAndTimezone::decode(
                    octets(m, "timeAndTimezone")?,
                    m.value_offset,
                )?)
            }
            58 => a.call_forwarding_ss_pending = m.as_null().map(|_| true)?,
            59 => a.initial_dp_arg_extension = Some(contents(m, "initialDPArgExtension")?),
            _ => {}
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

/// The ASN.1 name of InitialDPArg's member `[n]`, for notes on malformed members.
fn member_name(n: u32) -> &'static str {
    match n {
        0 => "serviceKey",
        2 => "calledPartyNumber",
        3 => "callingPartyNumber",
        5 => "callingPartysCategory",
        7 => "cGEncountered",
        8 => "iPSSPCapabilities",
        10 => "locationNumber",
        12 => "originalCalledPartyID",
        15 => "extensions",
        17 => "cause",
        23 => "highLayerCompatibility",
        25 => "additionalCallingPartyNumber",
        27 => "bearerCapability",
        28 => "eventTypeBCSM",
        29 => "redirectingPartyID",
        30 => "redirectionInformation",
        32 => "serviceInteractionIndicatorsTwo",
        37 => "carrier",
        45 => "cug-Index",
        46 => "cug-Interlock",
        47 => "cug-OutgoingAccess",
        50 => "iMSI",
        51 => "subscriberState",
        52 => "locationInformation",
        53 => "ext-basicServiceCode",
        54 => "callReferenceNumber",
        55 => "mscAddress",
        56 => "calledPartyBCDNumber",
        57 => "timeAndTimezone",
        58 => "callForwardingSS-Pending",
        59 => "initialDPArgExtension",
        _ => "unknown member",
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
    /// [`numbers::bit_string_bits`].
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
        phase: Phase,
    ) -> Result<InitialDpArgExtension<'a>> {
        let mut e = InitialDpArgExtension::default();
        let v2 = phase <= Phase::Cap2;
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
    pub fn encode_contents(&self, w: &mut Writer<'_>, phase: Phase) {
        let mut s = Scratch::new();
        if phase <= Phase::Cap2 {
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
    pub fn to_contents(&self, phase: Phase) -> Vec<u8> {
        let mut v = Vec::with_capacity(32);
        self.encode_contents(&mut Writer::new(&mut v), phase);
        v
    }
}

impl<'a> InitialDpArg<'a> {
    /// The initialDPArgExtension decoded for the dialogue's phase, if present.
    pub fn extension(&self, phase: Phase) -> Option<Result<InitialDpArgExtension<'a>>> {
        self.initial_dp_arg_extension
            .map(|c| InitialDpArgExtension::decode(c, 0, phase))
    }

    /// bearerCapability decoded (ISUP User Service Information), if present.
    pub fn bearer(&self) -> Option<Result<numbers::BearerCapability<'a>>> {
        self.bearer_capability
            .map(numbers::BearerCapability::decode_choice)
    }

    /// redirectionInformation decoded (Q.763 §3.45), if present.
    pub fn redirection(&self) -> Option<Result<numbers::RedirectionInformation>> {
        self.redirection_information
            .map(|v| numbers::RedirectionInformation::decode(v, 0))
    }
}
