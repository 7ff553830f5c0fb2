//! SendRoutingInfo (opcode 22; TS 29.002 §10.1, ASN.1 §17.7.3 MAP-CH-DataTypes): the
//! gsmSCF asks the HLR how a call to an MSISDN would be routed (roaming number, forwarding,
//! or the subscriber's T-CSI), in MAP v3 (locationInfoRetrievalContext-v3) or, towards an
//! HLR that refuses v3, in the v2 form (GSM 09.02 phase 2: SendRoutingInfoArgV2 and
//! SendRoutingInfoResV2 in Wireshark's GSMMAP.asn).
//!
//! One model serves both versions: `decode`/`encode` take the [`Version`] of the dialogue's
//! application context. The v2 argument has only msisdn, cug-CheckInfo, numberOfForwarding
//! and networkSignalInfo; the v2 result is an untagged SEQUENCE { imsi, routingInfo,
//! cug-CheckInfo } where v3 has `[3] SEQUENCE` with tagged members.

use super::common::{
    check_address, check_imsi, check_len, check_opaque, opaque, NamedBits, Numbers, Unknown,
    FTN_ADDRESS, ISDN_ADDRESS,
};
use super::{CodecError, SubscriberInfo, Version};
use crate::ber::{
    invalid, prim, small, BerError, BerErrorKind, Class, Malformed, MalformedMembers, Result, Tag,
    Tlv, Writer,
};
use crate::camel::numbers::{AddressString, TbcdDigits};
use crate::camel::ops::{address_into, ctx, put_null, put_prim, sequence, tbcd_into};

/// InterrogationType (§17.7.3): which interrogation the HLR answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum InterrogationType {
    /// Routing for a call to the subscriber (what scpd asks: where is the called party).
    #[default]
    BasicCall = 0,
    /// The forwarding-to number, for optimal routing of a late call forwarding.
    Forwarding = 1,
}

impl InterrogationType {
    fn decode(t: &Tlv<'_>) -> Result<InterrogationType> {
        match small(t, "interrogationType")? {
            0 => Ok(InterrogationType::BasicCall),
            1 => Ok(InterrogationType::Forwarding),
            _ => Err(invalid("interrogationType value", t.value_offset)),
        }
    }
}

/// CamelInfo (§17.7.3), SendRoutingInfoArg [11]: the CAMEL phases the interrogating node
/// supports, and whether the HLR must leave the T-CSI out (suppressed, it answers with
/// routing where it would otherwise answer camelRoutingInfo: a gsmSCF asking where the
/// subscriber is wants the former).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CamelInfo<'a> {
    /// supportedCamelPhases (BIT STRING SIZE (1..16): phase1 (0) .. phase4 (3)).
    pub supported_camel_phases: NamedBits,
    /// suppress-T-CSI NULL.
    pub suppress_t_csi: bool,
    /// extensionContainer (untagged SEQUENCE) contents, opaque.
    pub extension_container: Option<&'a [u8]>,
    /// [0] offeredCamel4CSIs (BIT STRING SIZE (7..16)).
    pub offered_camel4_csis: Option<NamedBits>,
}

impl<'a> CamelInfo<'a> {
    /// Supported phases 1 to `phase` (a CAMEL phase n node supports every earlier one).
    pub fn phases_up_to(phase: u8, suppress_t_csi: bool) -> CamelInfo<'static> {
        let mask = ((1u32 << phase.min(16)) - 1) as u16;
        CamelInfo {
            supported_camel_phases: NamedBits::new(mask, 1),
            suppress_t_csi,
            extension_container: None,
            offered_camel4_csis: None,
        }
    }

    fn decode(t: &Tlv<'a>) -> Result<CamelInfo<'a>> {
        let mut c = CamelInfo::default();
        let mut phases = false;
        for m in t.children()? {
            let m = m?;
            match (m.tag.class, m.tag.number) {
                (Class::Universal, 3) => {
                    c.supported_camel_phases = NamedBits::decode(&m, "supportedCamelPhases")?;
                    phases = true;
                }
                (Class::Universal, 5) => c.suppress_t_csi = m.as_null().map(|_| true)?,
                (Class::Universal, 16) => {
                    c.extension_container = Some(opaque(&m, "extensionContainer")?)
                }
                (Class::Context, 0) => {
                    c.offered_camel4_csis = Some(NamedBits::decode(&m, "offeredCamel4CSIs")?)
                }
                _ => {}
            }
        }
        if !phases {
            return Err(BerError::new(
                BerErrorKind::Missing("supportedCamelPhases"),
                t.value_offset,
            ));
        }
        Ok(c)
    }

    fn check(&self) -> std::result::Result<(), CodecError> {
        self.supported_camel_phases
            .check(1, 16, "camelInfo.supportedCamelPhases")?;
        if let Some(o) = self.offered_camel4_csis {
            o.check(7, 16, "camelInfo.offeredCamel4CSIs")?;
        }
        if let Some(e) = self.extension_container {
            check_opaque(e, "camelInfo.extensionContainer")?;
        }
        Ok(())
    }

    fn encode(&self, w: &mut Writer<'_>, tag: Tag) {
        w.constructed(tag, |w| {
            self.supported_camel_phases
                .write(w, Tag::universal(3, false));
            if self.suppress_t_csi {
                w.null(Tag::NULL);
            }
            if let Some(e) = self.extension_container {
                w.constructed(Tag::SEQUENCE, |w| w.raw(e));
            }
            if let Some(o) = self.offered_camel4_csis {
                o.write(w, Tag::ctx(0));
            }
        });
    }
}

/// SendRoutingInfoArg (§17.7.3) as the gsmSCF sends it: the members scpd sets and an HLR
/// looks at. The rest (or-Capability [5], forwardingReason [8], basicServiceGroup [9],
/// suppressionOfAnnouncement [12], the CCBS and IST members, ...) is kept in `unknown`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SendRoutingInfoArg<'a> {
    /// [0] msisdn: the subscriber asked about.
    pub msisdn: AddressString,
    /// [1] cug-CheckInfo SEQUENCE contents, opaque.
    pub cug_check_info: Option<&'a [u8]>,
    /// [2] numberOfForwarding (1..5).
    pub number_of_forwarding: Option<u8>,
    /// [3] interrogationType, mandatory in v3. A v2 argument has none: it decodes as
    /// basicCall (forwarding interrogation came with optimal routing, in v3).
    pub interrogation_type: InterrogationType,
    /// [4] or-Interrogation: the interrogating node is not in the called party's HPLMN
    /// (optimal routing, TS 23.079).
    pub or_interrogation: bool,
    /// [6] gmsc-OrGsmSCF-Address, mandatory in v3, absent in v2.
    pub gmsc_or_gsmscf_address: Option<AddressString>,
    /// [7] callReferenceNumber (1..8 octets).
    pub call_reference_number: Option<&'a [u8]>,
    /// [10] networkSignalInfo (ExternalSignalInfo) contents, opaque.
    pub network_signal_info: Option<&'a [u8]>,
    /// [11] camelInfo.
    pub camel_info: Option<CamelInfo<'a>>,
    /// [13] extensionContainer contents, opaque.
    pub extension_container: Option<&'a [u8]>,
    /// [27] suppressMTSS (BIT STRING SIZE (2..16): suppressCUG (0), suppressCCBS (1)).
    pub suppress_mtss: Option<NamedBits>,
    /// Members not modelled here, as received. Not encoded.
    pub unknown: Unknown<'a>,
}

impl<'a> SendRoutingInfoArg<'a> {
    /// What a gsmSCF asks: basic call routing for `msisdn`, from `gsmscf_address`,
    /// supporting CAMEL phases 1 to 4, with the T-CSI suppressed so that the answer is
    /// routing (a roaming number or forwarding data), not the subscriber's T-CSI.
    pub fn gsmscf(msisdn: AddressString, gsmscf_address: AddressString) -> Self {
        SendRoutingInfoArg {
            msisdn,
            gmsc_or_gsmscf_address: Some(gsmscf_address),
            camel_info: Some(CamelInfo::phases_up_to(4, true)),
            ..Default::default()
        }
    }

    /// Decode the invoke parameter (a SEQUENCE) of a dialogue of `version`. Strict: a
    /// malformed member fails.
    pub fn decode(param: Tlv<'a>, version: Version) -> Result<SendRoutingInfoArg<'a>> {
        crate::ber::strictly(
            |notes| Self::decode_lenient(param, version, notes),
            |fault| fault,
        )
    }

    /// [`SendRoutingInfoArg::decode`], lenient: an optional member that does not decode is
    /// noted in `malformed` and left absent; a mandatory one still fails. Members in any
    /// order; a v3 member in a v2 argument is unknown.
    pub fn decode_lenient(
        param: Tlv<'a>,
        version: Version,
        malformed: &mut MalformedMembers<'a>,
    ) -> Result<SendRoutingInfoArg<'a>> {
        let mut a = SendRoutingInfoArg::default();
        let modelled = match version {
            Version::V2 => arg_modelled_v2 as fn(&Tlv<'_>) -> bool,
            Version::V3 => arg_modelled_v3,
        };
        let (mut msisdn, mut itype) = (false, false);
        for m in sequence(&param)? {
            let m = m?;
            if !modelled(&m) {
                continue;
            }
            let n = m.tag.number;
            match a.member(n, &m) {
                Ok(()) => {
                    msisdn |= n == 0;
                    itype |= n == 3;
                }
                Err(e) if matches!(n, 0 | 3 | 6) => return Err(e),
                Err(fault) => malformed.push(Malformed {
                    member: arg_member_name(n),
                    raw: m.raw,
                    fault,
                }),
            }
        }
        let missing = |what| BerError::new(BerErrorKind::Missing(what), param.value_offset);
        if !msisdn {
            return Err(missing("msisdn"));
        }
        if version == Version::V3 {
            if !itype {
                return Err(missing("interrogationType"));
            }
            if a.gmsc_or_gsmscf_address.is_none() {
                return Err(missing("gmsc-OrGsmSCF-Address"));
            }
        }
        a.unknown = Unknown::of(&param, modelled);
        Ok(a)
    }

    fn member(&mut self, n: u32, m: &Tlv<'a>) -> Result<()> {
        let a = self;
        match n {
            0 => {
                let v = prim(m, "msisdn")?;
                a.msisdn = AddressString::decode(v, m.value_offset)?;
            }
            1 => a.cug_check_info = Some(opaque(m, "cug-CheckInfo")?),
            2 => a.number_of_forwarding = Some(small(m, "numberOfForwarding")?),
            3 => a.interrogation_type = InterrogationType::decode(m)?,
            4 => a.or_interrogation = m.as_null().map(|_| true)?,
            6 => address_into(&mut a.gmsc_or_gsmscf_address, m, "gmsc-OrGsmSCF-Address")?,
            7 => a.call_reference_number = Some(prim(m, "callReferenceNumber")?),
            10 => a.network_signal_info = Some(opaque(m, "networkSignalInfo")?),
            11 => a.camel_info = Some(CamelInfo::decode(m)?),
            13 => a.extension_container = Some(opaque(m, "extensionContainer")?),
            27 => a.suppress_mtss = Some(NamedBits::decode(m, "suppressMTSS")?),
            _ => {}
        }
        Ok(())
    }

    /// Parse and decode a complete encoded parameter (strict).
    pub fn decode_bytes(buf: &'a [u8], version: Version) -> Result<SendRoutingInfoArg<'a>> {
        Self::decode(Tlv::parse_single(buf)?, version)
    }

    /// Fails unless every member fits its ASN.1 type in `version` (what [`encode`]
    /// checks before writing).
    ///
    /// [`encode`]: SendRoutingInfoArg::encode
    pub fn check(&self, version: Version) -> std::result::Result<(), CodecError> {
        check_address(&self.msisdn, ISDN_ADDRESS, "msisdn")?;
        if let Some(k) = self.number_of_forwarding {
            if !(1..=5).contains(&k) {
                return Err(CodecError::encode("numberOfForwarding", "not 1..5"));
            }
        }
        for (v, name) in [
            (self.cug_check_info, "cug-CheckInfo"),
            (self.network_signal_info, "networkSignalInfo"),
        ] {
            if let Some(v) = v {
                check_opaque(v, name)?;
            }
        }
        if version == Version::V2 {
            return Ok(());
        }
        match &self.gmsc_or_gsmscf_address {
            Some(g) => check_address(g, ISDN_ADDRESS, "gmsc-OrGsmSCF-Address")?,
            None => {
                return Err(CodecError::encode(
                    "gmsc-OrGsmSCF-Address",
                    "mandatory in v3",
                ))
            }
        }
        if let Some(c) = self.call_reference_number {
            check_len(c, 1, 8, "callReferenceNumber")?;
        }
        if let Some(c) = &self.camel_info {
            c.check()?;
        }
        if let Some(e) = self.extension_container {
            check_opaque(e, "extensionContainer")?;
        }
        if let Some(s) = self.suppress_mtss {
            s.check(2, 16, "suppressMTSS")?;
        }
        Ok(())
    }

    /// Write the parameter (SEQUENCE), members in ASN.1 order. The v2 form carries only
    /// the members v2 has (msisdn, cug-CheckInfo, numberOfForwarding, networkSignalInfo):
    /// the same value encodes for a v3 dialogue and for its v2 fallback. On error nothing
    /// is written.
    pub fn encode(
        &self,
        w: &mut Writer<'_>,
        version: Version,
    ) -> std::result::Result<(), CodecError> {
        self.check(version)?;
        let v3 = version == Version::V3;
        let mut n = Numbers::new();
        w.constructed(Tag::SEQUENCE, |w| {
            n.address(w, Tag::ctx(0), &self.msisdn);
            if let Some(c) = self.cug_check_info {
                w.constructed(Tag::ctx_cons(1), |w| w.raw(c));
            }
            if let Some(k) = self.number_of_forwarding {
                w.integer(Tag::ctx(2), i64::from(k));
            }
            if v3 {
                w.integer(Tag::ctx(3), self.interrogation_type as i64);
                put_null(w, 4, self.or_interrogation);
                if let Some(g) = &self.gmsc_or_gsmscf_address {
                    n.address(w, Tag::ctx(6), g);
                }
                put_prim(w, 7, self.call_reference_number);
            }
            if let Some(s) = self.network_signal_info {
                w.constructed(Tag::ctx_cons(10), |w| w.raw(s));
            }
            if v3 {
                if let Some(c) = &self.camel_info {
                    c.encode(w, Tag::ctx_cons(11));
                }
                if let Some(e) = self.extension_container {
                    w.constructed(Tag::ctx_cons(13), |w| w.raw(e));
                }
                if let Some(s) = self.suppress_mtss {
                    s.write(w, Tag::ctx(27));
                }
            }
        });
        Ok(())
    }
}

fn arg_modelled_v2(t: &Tlv<'_>) -> bool {
    ctx(t).is_some_and(|n| matches!(n, 0 | 1 | 2 | 10))
}

fn arg_modelled_v3(t: &Tlv<'_>) -> bool {
    ctx(t).is_some_and(|n| matches!(n, 0..=4 | 6 | 7 | 10 | 11 | 13 | 27))
}

/// The ASN.1 name of SendRoutingInfoArg's member `[n]`, for notes on malformed members.
pub fn arg_member_name(n: u32) -> &'static str {
    match n {
        0 => "msisdn",
        1 => "cug-CheckInfo",
        2 => "numberOfForwarding",
        3 => "interrogationType",
        4 => "or-Interrogation",
        6 => "gmsc-OrGsmSCF-Address",
        7 => "callReferenceNumber",
        10 => "networkSignalInfo",
        11 => "camelInfo",
        13 => "extensionContainer",
        27 => "suppressMTSS",
        _ => "unknown member",
    }
}

// ---------------------------------------------------------------------------------------
// The result.

/// ForwardingData (§17.7.3): where the HLR would forward the call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ForwardingData<'a> {
    /// [5] forwardedToNumber.
    pub forwarded_to_number: Option<AddressString>,
    /// [4] forwardedToSubaddress (ISDN-SubaddressString, 1..21 octets), opaque.
    pub forwarded_to_subaddress: Option<&'a [u8]>,
    /// [6] forwardingOptions (one octet, §17.7.4: notification flags and forwarding
    /// reason in bits 4–3).
    pub forwarding_options: Option<u8>,
    /// [7] extensionContainer contents, opaque (v3).
    pub extension_container: Option<&'a [u8]>,
    /// [8] longForwardedToNumber (FTN-AddressString, v3).
    pub long_forwarded_to_number: Option<AddressString>,
}

impl<'a> ForwardingData<'a> {
    fn decode(t: &Tlv<'a>) -> Result<ForwardingData<'a>> {
        let mut f = ForwardingData::default();
        for m in t.children()? {
            let m = m?;
            match ctx(&m) {
                Some(5) => address_into(&mut f.forwarded_to_number, &m, "forwardedToNumber")?,
                Some(4) => f.forwarded_to_subaddress = Some(prim(&m, "forwardedToSubaddress")?),
                Some(6) => {
                    f.forwarding_options = match prim(&m, "forwardingOptions")? {
                        [o] => Some(*o),
                        _ => return Err(invalid("forwardingOptions (1 octet)", m.value_offset)),
                    }
                }
                Some(7) => f.extension_container = Some(opaque(&m, "extensionContainer")?),
                Some(8) => {
                    address_into(&mut f.long_forwarded_to_number, &m, "longForwardedToNumber")?
                }
                _ => {}
            }
        }
        Ok(f)
    }

    fn check(&self, version: Version) -> std::result::Result<(), CodecError> {
        if let Some(a) = &self.forwarded_to_number {
            check_address(a, ISDN_ADDRESS, "forwardingData.forwardedToNumber")?;
        }
        if let Some(s) = self.forwarded_to_subaddress {
            check_len(s, 1, 21, "forwardingData.forwardedToSubaddress")?;
        }
        if version == Version::V3 {
            if let Some(e) = self.extension_container {
                check_opaque(e, "forwardingData.extensionContainer")?;
            }
            if let Some(a) = &self.long_forwarded_to_number {
                check_address(a, FTN_ADDRESS, "forwardingData.longForwardedToNumber")?;
            }
        }
        Ok(())
    }

    /// Write `tag SEQUENCE { ... }`; the v2 form without the v3 members.
    fn encode(&self, w: &mut Writer<'_>, tag: Tag, version: Version, n: &mut Numbers) {
        w.constructed(tag, |w| {
            if let Some(a) = &self.forwarded_to_number {
                n.address(w, Tag::ctx(5), a);
            }
            put_prim(w, 4, self.forwarded_to_subaddress);
            if let Some(o) = self.forwarding_options {
                w.primitive(Tag::ctx(6), &[o]);
            }
            if version == Version::V3 {
                if let Some(e) = self.extension_container {
                    w.constructed(Tag::ctx_cons(7), |w| w.raw(e));
                }
                if let Some(a) = &self.long_forwarded_to_number {
                    n.address(w, Tag::ctx(8), a);
                }
            }
        });
    }
}

/// CamelRoutingInfo (§17.7.3): the subscriber has a T-CSI (or O-CSI for forwarding), so
/// the GMSC would hand the call to a gsmSCF instead of routing it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CamelRoutingInfo<'a> {
    /// forwardingData (untagged SEQUENCE).
    pub forwarding_data: Option<ForwardingData<'a>>,
    /// [0] gmscCamelSubscriptionInfo (T-CSI, O-CSI, criteria lists) contents, opaque.
    pub gmsc_camel_subscription_info: &'a [u8],
    /// [1] extensionContainer contents, opaque.
    pub extension_container: Option<&'a [u8]>,
}

impl<'a> CamelRoutingInfo<'a> {
    fn decode(t: &Tlv<'a>) -> Result<CamelRoutingInfo<'a>> {
        let mut c = CamelRoutingInfo::default();
        let mut info = false;
        for m in t.children()? {
            let m = m?;
            match (m.tag.class, m.tag.number) {
                (Class::Universal, 16) => c.forwarding_data = Some(ForwardingData::decode(&m)?),
                (Class::Context, 0) => {
                    c.gmsc_camel_subscription_info = opaque(&m, "gmscCamelSubscriptionInfo")?;
                    info = true;
                }
                (Class::Context, 1) => {
                    c.extension_container = Some(opaque(&m, "extensionContainer")?)
                }
                _ => {}
            }
        }
        if !info {
            return Err(BerError::new(
                BerErrorKind::Missing("gmscCamelSubscriptionInfo"),
                t.value_offset,
            ));
        }
        Ok(c)
    }
}

/// ExtendedRoutingInfo (§17.7.3): CHOICE { routingInfo RoutingInfo, camelRoutingInfo [8] }.
/// RoutingInfo is itself an untagged CHOICE { roamingNumber ISDN-AddressString,
/// forwardingData ForwardingData }, so its two alternatives stand here directly. v2 has
/// only RoutingInfo.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExtendedRoutingInfo<'a> {
    /// The MSRN the VLR allocated: route the call there.
    RoamingNumber(AddressString),
    /// The call would be forwarded.
    ForwardingData(ForwardingData<'a>),
    /// [8] The subscriber's CAMEL subscription would take the call.
    CamelRoutingInfo(CamelRoutingInfo<'a>),
}

impl<'a> ExtendedRoutingInfo<'a> {
    /// The alternative `t` is, `None` if its tag is none of them.
    fn decode(t: &Tlv<'a>) -> Option<Result<ExtendedRoutingInfo<'a>>> {
        Some(match (t.tag.class, t.tag.number) {
            (Class::Universal, 4) => prim(t, "roamingNumber")
                .and_then(|v| AddressString::decode(v, t.value_offset))
                .map(ExtendedRoutingInfo::RoamingNumber),
            (Class::Universal, 16) => {
                ForwardingData::decode(t).map(ExtendedRoutingInfo::ForwardingData)
            }
            (Class::Context, 8) => {
                CamelRoutingInfo::decode(t).map(ExtendedRoutingInfo::CamelRoutingInfo)
            }
            _ => return None,
        })
    }

    fn check(&self, version: Version) -> std::result::Result<(), CodecError> {
        match self {
            ExtendedRoutingInfo::RoamingNumber(a) => {
                check_address(a, ISDN_ADDRESS, "roamingNumber")
            }
            ExtendedRoutingInfo::ForwardingData(f) => f.check(version),
            ExtendedRoutingInfo::CamelRoutingInfo(_) if version == Version::V2 => {
                Err(CodecError::encode("camelRoutingInfo", "not in v2"))
            }
            ExtendedRoutingInfo::CamelRoutingInfo(c) => {
                if let Some(f) = &c.forwarding_data {
                    f.check(version)?;
                }
                check_opaque(c.gmsc_camel_subscription_info, "gmscCamelSubscriptionInfo")?;
                if let Some(e) = c.extension_container {
                    check_opaque(e, "camelRoutingInfo.extensionContainer")?;
                }
                Ok(())
            }
        }
    }

    fn encode(&self, w: &mut Writer<'_>, version: Version, n: &mut Numbers) {
        match self {
            ExtendedRoutingInfo::RoamingNumber(a) => n.address(w, Tag::OCTET_STRING, a),
            ExtendedRoutingInfo::ForwardingData(f) => f.encode(w, Tag::SEQUENCE, version, n),
            ExtendedRoutingInfo::CamelRoutingInfo(c) => w.constructed(Tag::ctx_cons(8), |w| {
                if let Some(f) = &c.forwarding_data {
                    f.encode(w, Tag::SEQUENCE, version, n);
                }
                w.constructed(Tag::ctx_cons(0), |w| w.raw(c.gmsc_camel_subscription_info));
                if let Some(e) = c.extension_container {
                    w.constructed(Tag::ctx_cons(1), |w| w.raw(e));
                }
            }),
        }
    }
}

/// SendRoutingInfoRes (§17.7.3): v3 `[3] SEQUENCE` with tagged members; v2 an untagged
/// SEQUENCE { imsi, routingInfo, cug-CheckInfo OPTIONAL, ... }, where both imsi and
/// routingInfo are mandatory. Not modelled (kept in `unknown`): ss-List [1], basicService
/// [5], naea-PreferredCI [10], ccbs-Indicators [11], numberPortabilityStatus [13] and the
/// later extension members.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SendRoutingInfoRes<'a> {
    /// [9] imsi (v2: the first member, untagged).
    pub imsi: Option<TbcdDigits>,
    /// extendedRoutingInfo (v2: routingInfo, never camelRoutingInfo).
    pub routing_info: Option<ExtendedRoutingInfo<'a>>,
    /// [3] cug-CheckInfo contents, opaque (v2: untagged).
    pub cug_check_info: Option<&'a [u8]>,
    /// [6] cugSubscriptionFlag.
    pub cug_subscription_flag: bool,
    /// [7] subscriberInfo: location and state, if the HLR includes them.
    pub subscriber_info: Option<SubscriberInfo<'a>>,
    /// [4] forwardingInterrogationRequired.
    pub forwarding_interrogation_required: bool,
    /// [2] vmsc-Address: the MSC serving the subscriber.
    pub vmsc_address: Option<AddressString>,
    /// [0] extensionContainer contents, opaque.
    pub extension_container: Option<&'a [u8]>,
    /// [12] msisdn (the basic MSISDN, when the one asked about was another of the
    /// subscriber's).
    pub msisdn: Option<AddressString>,
    /// Members not modelled here, as received. Not encoded.
    pub unknown: Unknown<'a>,
}

impl<'a> SendRoutingInfoRes<'a> {
    /// A routing answer: the subscriber's IMSI and roaming number (what a simulated HLR
    /// sends).
    pub fn roaming(imsi: TbcdDigits, msrn: AddressString) -> SendRoutingInfoRes<'static> {
        SendRoutingInfoRes {
            imsi: Some(imsi),
            routing_info: Some(ExtendedRoutingInfo::RoamingNumber(msrn)),
            ..Default::default()
        }
    }

    /// Decode the result parameter of a dialogue of `version` (v3: `[3]` or a universal
    /// SEQUENCE with the same members; v2: SEQUENCE). Strict.
    pub fn decode(param: Tlv<'a>, version: Version) -> Result<SendRoutingInfoRes<'a>> {
        crate::ber::strictly(
            |notes| Self::decode_lenient(param, version, notes),
            |fault| fault,
        )
    }

    /// [`SendRoutingInfoRes::decode`], lenient: an optional member that does not decode is
    /// noted and left absent (in v2 imsi and routingInfo are mandatory and fail instead).
    pub fn decode_lenient(
        param: Tlv<'a>,
        version: Version,
        malformed: &mut MalformedMembers<'a>,
    ) -> Result<SendRoutingInfoRes<'a>> {
        match version {
            Version::V3 => Self::decode_v3(param, malformed),
            Version::V2 => Self::decode_v2(param, malformed),
        }
    }

    fn decode_v3(param: Tlv<'a>, malformed: &mut MalformedMembers<'a>) -> Result<Self> {
        if !(param.tag.is(Tag::ctx_cons(3)) || param.tag.is(Tag::SEQUENCE)) {
            return Err(BerError::new(
                BerErrorKind::UnexpectedTag {
                    expected: Tag::ctx_cons(3),
                    found: param.tag,
                },
                param.offset,
            ));
        }
        let mut r = SendRoutingInfoRes::default();
        for m in param.children()? {
            let m = m?;
            if !res_modelled_v3(&m) {
                continue;
            }
            let name = res_member_name(&m);
            if let Err(fault) = r.member_v3(&m, malformed) {
                malformed.push(Malformed {
                    member: name,
                    raw: m.raw,
                    fault,
                });
            }
        }
        r.unknown = Unknown::of(&param, res_modelled_v3);
        Ok(r)
    }

    fn member_v3(&mut self, m: &Tlv<'a>, malformed: &mut MalformedMembers<'a>) -> Result<()> {
        let r = self;
        if let Some(alt) = ExtendedRoutingInfo::decode(m) {
            r.routing_info = Some(alt?);
            return Ok(());
        }
        match m.tag.number {
            9 => tbcd_into(&mut r.imsi, m, "imsi")?,
            3 => r.cug_check_info = Some(opaque(m, "cug-CheckInfo")?),
            6 => r.cug_subscription_flag = m.as_null().map(|_| true)?,
            7 => r.subscriber_info = Some(SubscriberInfo::decode_lenient(*m, malformed)?),
            4 => r.forwarding_interrogation_required = m.as_null().map(|_| true)?,
            2 => address_into(&mut r.vmsc_address, m, "vmsc-Address")?,
            0 => r.extension_container = Some(opaque(m, "extensionContainer")?),
            12 => address_into(&mut r.msisdn, m, "msisdn")?,
            _ => {}
        }
        Ok(())
    }

    /// v2: positional, imsi then routingInfo, then an optional cug-CheckInfo; anything
    /// after is an extension member (unknown).
    fn decode_v2(param: Tlv<'a>, malformed: &mut MalformedMembers<'a>) -> Result<Self> {
        let mut rd = sequence(&param)?;
        let mut r = SendRoutingInfoRes::default();
        let imsi = rd.expect(Tag::OCTET_STRING, "imsi")?;
        r.imsi = Some(TbcdDigits::decode(prim(&imsi, "imsi")?, imsi.value_offset)?);
        let ri = rd.next_tlv()?.ok_or(BerError::new(
            BerErrorKind::Missing("routingInfo"),
            rd.offset(),
        ))?;
        r.routing_info = Some(match ri.tag {
            t if t.is(Tag::OCTET_STRING) || t.is(Tag::SEQUENCE) => ExtendedRoutingInfo::decode(&ri)
                .unwrap_or(Err(invalid("routingInfo", ri.offset)))?,
            found => {
                return Err(BerError::new(
                    BerErrorKind::UnexpectedTag {
                        expected: Tag::OCTET_STRING,
                        found,
                    },
                    ri.offset,
                ))
            }
        });
        if let Some(c) = rd.optional(Tag::SEQUENCE)? {
            match opaque(&c, "cug-CheckInfo") {
                Ok(v) => r.cug_check_info = Some(v),
                Err(fault) => malformed.push(Malformed {
                    member: "cug-CheckInfo",
                    raw: c.raw,
                    fault,
                }),
            }
        }
        let used = rd.offset() - param.value_offset;
        r.unknown = Unknown::of(
            &Tlv {
                value: &param.value[used..],
                value_offset: rd.offset(),
                ..param
            },
            |_| false,
        );
        Ok(r)
    }

    /// Parse and decode a complete encoded parameter (strict).
    pub fn decode_bytes(buf: &'a [u8], version: Version) -> Result<SendRoutingInfoRes<'a>> {
        Self::decode(Tlv::parse_single(buf)?, version)
    }

    /// Fails unless every member fits its ASN.1 type in `version`; v2 needs imsi and a
    /// routingInfo that is not camelRoutingInfo.
    pub fn check(&self, version: Version) -> std::result::Result<(), CodecError> {
        if let Some(i) = &self.imsi {
            check_imsi(i, "imsi")?;
        }
        if let Some(ri) = &self.routing_info {
            ri.check(version)?;
        }
        if let Some(c) = self.cug_check_info {
            check_opaque(c, "cug-CheckInfo")?;
        }
        if version == Version::V2 {
            if self.imsi.is_none() {
                return Err(CodecError::encode("imsi", "mandatory in v2"));
            }
            if self.routing_info.is_none() {
                return Err(CodecError::encode("routingInfo", "mandatory in v2"));
            }
            return Ok(());
        }
        if let Some(s) = &self.subscriber_info {
            s.check()?;
        }
        for (a, name) in [
            (&self.vmsc_address, "vmsc-Address"),
            (&self.msisdn, "msisdn"),
        ] {
            if let Some(a) = a {
                check_address(a, ISDN_ADDRESS, name)?;
            }
        }
        if let Some(e) = self.extension_container {
            check_opaque(e, "extensionContainer")?;
        }
        Ok(())
    }

    /// Write the parameter: v3 `[3] SEQUENCE`, members in ASN.1 order; v2 the untagged
    /// SEQUENCE of the members v2 has. On error nothing is written.
    pub fn encode(
        &self,
        w: &mut Writer<'_>,
        version: Version,
    ) -> std::result::Result<(), CodecError> {
        self.check(version)?;
        let mut n = Numbers::new();
        if version == Version::V2 {
            w.constructed(Tag::SEQUENCE, |w| {
                if let Some(i) = &self.imsi {
                    n.tbcd(w, Tag::OCTET_STRING, i);
                }
                if let Some(ri) = &self.routing_info {
                    ri.encode(w, version, &mut n);
                }
                if let Some(c) = self.cug_check_info {
                    w.constructed(Tag::SEQUENCE, |w| w.raw(c));
                }
            });
            return Ok(());
        }
        w.constructed(Tag::ctx_cons(3), |w| {
            if let Some(i) = &self.imsi {
                n.tbcd(w, Tag::ctx(9), i);
            }
            if let Some(ri) = &self.routing_info {
                ri.encode(w, version, &mut n);
            }
            if let Some(c) = self.cug_check_info {
                w.constructed(Tag::ctx_cons(3), |w| w.raw(c));
            }
            put_null(w, 6, self.cug_subscription_flag);
            if let Some(s) = &self.subscriber_info {
                s.encode(w, Tag::ctx_cons(7));
            }
            put_null(w, 4, self.forwarding_interrogation_required);
            if let Some(a) = &self.vmsc_address {
                n.address(w, Tag::ctx(2), a);
            }
            if let Some(e) = self.extension_container {
                w.constructed(Tag::ctx_cons(0), |w| w.raw(e));
            }
            if let Some(a) = &self.msisdn {
                n.address(w, Tag::ctx(12), a);
            }
        });
        Ok(())
    }
}

fn res_modelled_v3(t: &Tlv<'_>) -> bool {
    match t.tag.class {
        Class::Universal => matches!(t.tag.number, 4 | 16),
        Class::Context => matches!(t.tag.number, 0 | 2 | 3 | 4 | 6 | 7 | 8 | 9 | 12),
        _ => false,
    }
}

/// The ASN.1 name of a v3 SendRoutingInfoRes member, for notes on malformed members.
fn res_member_name(t: &Tlv<'_>) -> &'static str {
    match (t.tag.class, t.tag.number) {
        (Class::Universal, _) | (Class::Context, 8) => "extendedRoutingInfo",
        (_, 9) => "imsi",
        (_, 3) => "cug-CheckInfo",
        (_, 6) => "cugSubscriptionFlag",
        (_, 7) => "subscriberInfo",
        (_, 4) => "forwardingInterrogationRequired",
        (_, 2) => "vmsc-Address",
        (_, 0) => "extensionContainer",
        (_, 12) => "msisdn",
        _ => "unknown member",
    }
}
