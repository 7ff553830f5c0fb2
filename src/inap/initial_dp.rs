//! InitialDP (ETS 300 374-1 §9, opcode 0): the SSF opens the dialogue with the call's
//! details when a call meets a trigger detection point.

use crate::ber::{BerError, BerErrorKind, Malformed, MalformedMembers, Result, Tag, Tlv, Writer};
use crate::camel::numbers::{GenericNumber, IsupNumber};
use crate::camel::ops::{
    contents, ctx, isup_into, octets, one_octet, put_cons, put_prim, sequence, small_enum, Scratch,
};
use crate::camel::EventTypeBcsm;

/// InitialDPArg of Core INAP CS-1 (ETS 300 374-1 §9). The members only Q.1218 has
/// (callingPartyBusinessGroupID [4], callingPartySubaddress [6], miscCallInfo [11],
/// serviceProfileIdentifier [13], terminalType [14]) are skipped, as ETS 300 374-1 asks
/// of anything it does not define.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct InitialDpArg<'a> {
    /// [0] ServiceKey (mandatory).
    pub service_key: u32,
    /// [2] CalledPartyNumber (Q.763 §3.9).
    pub called_party_number: Option<IsupNumber>,
    /// [3] CallingPartyNumber (Q.763 §3.10).
    pub calling_party_number: Option<IsupNumber>,
    /// [5] CallingPartysCategory (Q.763 §3.11, one octet: 0x0a ordinary subscriber).
    pub calling_partys_category: Option<u8>,
    /// [7] CGEncountered: 0 noCGencountered, 1 manualCGencountered, 2 scpOverload.
    pub cg_encountered: Option<u8>,
    /// [8] IPSSPCapabilities (which intelligent peripheral features the SSP has), opaque.
    pub ip_ssp_capabilities: Option<&'a [u8]>,
    /// [9] IPAvailable (an IP is attached), opaque.
    pub ip_available: Option<&'a [u8]>,
    /// [10] LocationNumber (Q.763 §3.30).
    pub location_number: Option<IsupNumber>,
    /// [12] OriginalCalledPartyID (Q.763 §3.39).
    pub original_called_party_id: Option<IsupNumber>,
    /// [15] Extensions, opaque contents.
    pub extensions: Option<&'a [u8]>,
    /// [16] TriggerType, see [`super::trigger_type_name`].
    pub trigger_type: Option<u8>,
    /// [23] HighLayerCompatibility (Q.931 §4.5.17), opaque.
    pub high_layer_compatibility: Option<&'a [u8]>,
    /// [24] ServiceInteractionIndicators (network-specific octets), opaque.
    pub service_interaction_indicators: Option<&'a [u8]>,
    /// [25] AdditionalCallingPartyNumber (Generic Number, Q.763 §3.26), opaque; see
    /// [`InitialDpArg::additional_calling_party`].
    pub additional_calling_party_number: Option<&'a [u8]>,
    /// [26] ForwardCallIndicators (Q.763 §3.23, 2 octets), opaque.
    pub forward_call_indicators: Option<&'a [u8]>,
    /// [27] BearerCapability: contents of the CHOICE (bearerCap [0] / tmr [1]).
    pub bearer_capability: Option<&'a [u8]>,
    /// [28] EventTypeBCSM: the DP that triggered (collectedInfo, analysedInformation,
    /// termAttemptAuthorized, ...).
    pub event_type_bcsm: Option<EventTypeBcsm>,
    /// [29] RedirectingPartyID (Q.763 §3.44).
    pub redirecting_party_id: Option<IsupNumber>,
    /// [30] RedirectionInformation (Q.763 §3.45, 2 octets), opaque.
    pub redirection_information: Option<&'a [u8]>,
    /// Optional members that did not decode (absent above), as received. Not encoded.
    pub malformed: MalformedMembers<'a>,
}

impl<'a> InitialDpArg<'a> {
    /// Decode the invoke parameter (a SEQUENCE). Lenient: an optional member that does not
    /// decode is noted in `malformed` and the call goes on without it; only a missing or
    /// bad serviceKey fails.
    pub fn decode(param: Tlv<'a>) -> Result<InitialDpArg<'a>> {
        let mut a = InitialDpArg::default();
        let mut have_key = false;
        for m in sequence(&param)? {
            let m = m?;
            let Some(n) = ctx(&m) else { continue };
            match a.member(n, &m) {
                Ok(()) => have_key |= n == 0,
                Err(e) if n == 0 => return Err(e),
                Err(fault) => a.malformed.push(Malformed {
                    member: member_name(n),
                    raw: m.raw,
                    fault,
                }),
            }
        }
        if !have_key {
            return Err(BerError::new(
                BerErrorKind::Missing("serviceKey"),
                param.value_offset,
            ));
        }
        Ok(a)
    }

    fn member(&mut self, n: u32, m: &Tlv<'a>) -> Result<()> {
        let a = self;
        match n {
            0 => a.service_key = m.as_u32()?,
            2 => isup_into(&mut a.called_party_number, m, "calledPartyNumber")?,
            3 => isup_into(&mut a.calling_party_number, m, "callingPartyNumber")?,
            5 => a.calling_partys_category = Some(one_octet(m, "callingPartysCategory")?),
            7 => a.cg_encountered = Some(small_enum(m, "cGEncountered")?),
            8 => a.ip_ssp_capabilities = Some(octets(m, "iPSSPCapabilities")?),
            9 => a.ip_available = Some(octets(m, "iPAvailable")?),
            10 => isup_into(&mut a.location_number, m, "locationNumber")?,
            12 => isup_into(&mut a.original_called_party_id, m, "originalCalledPartyID")?,
            15 => a.extensions = Some(contents(m, "extensions")?),
            16 => a.trigger_type = Some(small_enum(m, "triggerType")?),
            23 => a.high_layer_compatibility = Some(octets(m, "highLayerCompatibility")?),
            24 => {
                a.service_interaction_indicators = Some(octets(m, "serviceInteractionIndicators")?)
            }
            25 => {
                a.additional_calling_party_number = Some(octets(m, "additionalCallingPartyNumber")?)
            }
            26 => a.forward_call_indicators = Some(octets(m, "forwardCallIndicators")?),
            27 => a.bearer_capability = Some(contents(m, "bearerCapability")?),
            28 => a.event_type_bcsm = Some(EventTypeBcsm::decode(m)?),
            29 => isup_into(&mut a.redirecting_party_id, m, "redirectingPartyID")?,
            30 => a.redirection_information = Some(octets(m, "redirectionInformation")?),
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
            put_prim(w, 9, self.ip_available);
            if let Some(n) = &self.location_number {
                s.isup(w, 10, n);
            }
            if let Some(n) = &self.original_called_party_id {
                s.isup(w, 12, n);
            }
            put_cons(w, 15, self.extensions);
            if let Some(t) = self.trigger_type {
                w.integer(Tag::ctx(16), i64::from(t));
            }
            put_prim(w, 23, self.high_layer_compatibility);
            put_prim(w, 24, self.service_interaction_indicators);
            put_prim(w, 25, self.additional_calling_party_number);
            put_prim(w, 26, self.forward_call_indicators);
            put_cons(w, 27, self.bearer_capability);
            if let Some(e) = self.event_type_bcsm {
                w.integer(Tag::ctx(28), i64::from(e.0));
            }
            if let Some(n) = &self.redirecting_party_id {
                s.isup(w, 29, n);
            }
            put_prim(w, 30, self.redirection_information);
        });
    }

    /// The additionalCallingPartyNumber decoded as a Q.763 Generic Number, if present.
    pub fn additional_calling_party(&self) -> Option<Result<GenericNumber>> {
        self.additional_calling_party_number
            .map(|v| GenericNumber::decode(v, 0))
    }
}

/// The ASN.1 name of InitialDPArg's member `[n]`, for notes on malformed members.
pub fn member_name(n: u32) -> &'static str {
    match n {
        0 => "serviceKey",
        2 => "calledPartyNumber",
        3 => "callingPartyNumber",
        5 => "callingPartysCategory",
        7 => "cGEncountered",
        8 => "iPSSPCapabilities",
        9 => "iPAvailable",
        10 => "locationNumber",
        12 => "originalCalledPartyID",
        15 => "extensions",
        16 => "triggerType",
        23 => "highLayerCompatibility",
        24 => "serviceInteractionIndicators",
        25 => "additionalCallingPartyNumber",
        26 => "forwardCallIndicators",
        27 => "bearerCapability",
        28 => "eventTypeBCSM",
        29 => "redirectingPartyID",
        30 => "redirectionInformation",
        _ => "unknown member",
    }
}
