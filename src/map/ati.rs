//! AnyTimeInterrogation (opcode 71; TS 29.002 §8.11.1, ASN.1 §17.7.1 MAP-MS-DataTypes,
//! anyTimeInfoEnquiryContext-v3 only): the gsmSCF asks the HLR where a subscriber is and
//! in which state, at any time (not only while a call triggers). The answer's
//! SubscriberInfo is also what SendRoutingInfoRes [7] carries.
//!
//! LocationInformation is CAP's model ([`crate::camel::LocationInformation`]): the same TS
//! 29.002 type, already carried in InitialDP. Its geographicalInformation stays raw there;
//! [`GeographicalInformation`] reads it.

use super::common::{
    check_address, check_imei, check_imsi, check_len, check_opaque, opaque, Numbers, Unknown,
    ISDN_ADDRESS,
};
use super::{CodecError, GeographicalInformation};
use crate::ber::{
    invalid, prim, small, BerError, BerErrorKind, Class, Malformed, MalformedMembers, Result, Tag,
    Tlv, Writer,
};
use crate::camel::numbers::{AddressString, TbcdDigits};
use crate::camel::ops::{ctx, put_null, sequence, tbcd_into};
use crate::camel::LocationInformation;

/// SubscriberIdentity (§17.7.8): CHOICE { imsi [0] IMSI, msisdn [1] ISDN-AddressString },
/// explicitly tagged where it is a member (`[0]` of AnyTimeInterrogationArg).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubscriberIdentity {
    Imsi(TbcdDigits),
    Msisdn(AddressString),
}

impl Default for SubscriberIdentity {
    fn default() -> Self {
        SubscriberIdentity::Msisdn(AddressString::default())
    }
}

impl SubscriberIdentity {
    fn decode(outer: &Tlv<'_>) -> Result<SubscriberIdentity> {
        let mut r = outer.children()?;
        let t = r.next_tlv()?.ok_or(BerError::new(
            BerErrorKind::Missing("SubscriberIdentity alternative"),
            outer.value_offset,
        ))?;
        let id = match ctx(&t) {
            Some(0) => {
                SubscriberIdentity::Imsi(TbcdDigits::decode(prim(&t, "imsi")?, t.value_offset)?)
            }
            Some(1) => SubscriberIdentity::Msisdn(AddressString::decode(
                prim(&t, "msisdn")?,
                t.value_offset,
            )?),
            _ => return Err(invalid("SubscriberIdentity alternative", t.offset)),
        };
        r.finish()?;
        Ok(id)
    }

    fn check(&self) -> std::result::Result<(), CodecError> {
        match self {
            SubscriberIdentity::Imsi(i) => check_imsi(i, "subscriberIdentity.imsi"),
            SubscriberIdentity::Msisdn(a) => {
                check_address(a, ISDN_ADDRESS, "subscriberIdentity.msisdn")
            }
        }
    }

    fn encode(&self, w: &mut Writer<'_>, tag: Tag, n: &mut Numbers) {
        w.constructed(tag, |w| match self {
            SubscriberIdentity::Imsi(i) => n.tbcd(w, Tag::ctx(0), i),
            SubscriberIdentity::Msisdn(a) => n.address(w, Tag::ctx(1), a),
        });
    }
}

/// DomainType (§17.7.1): which domain's information is requested.
pub mod domain {
    pub const CS: u8 = 0;
    pub const PS: u8 = 1;
}

/// RequestedInfo (§17.7.1): what the gsmSCF wants to know. Later members
/// (locationInformationEPS-Supported [11], t-adsData [8], requestedNodes [9],
/// servingNodeIndication [10], localTimeZoneRequest [12]) are skipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RequestedInfo<'a> {
    /// [0] locationInformation NULL.
    pub location_information: bool,
    /// [1] subscriberState NULL.
    pub subscriber_state: bool,
    /// [2] extensionContainer contents, opaque.
    pub extension_container: Option<&'a [u8]>,
    /// [3] currentLocation NULL: have the VLR page for a fresh location.
    pub current_location: bool,
    /// [4] requestedDomain, see [`domain`] (the type is extensible: other values kept).
    pub requested_domain: Option<u8>,
    /// [6] imei NULL.
    pub imei: bool,
    /// [5] ms-classmark NULL.
    pub ms_classmark: bool,
    /// [7] mnpRequestedInfo NULL.
    pub mnp_requested_info: bool,
}

impl<'a> RequestedInfo<'a> {
    /// Location and state, in the circuit-switched domain.
    pub fn location_and_state() -> RequestedInfo<'static> {
        RequestedInfo {
            location_information: true,
            subscriber_state: true,
            requested_domain: Some(domain::CS),
            ..Default::default()
        }
    }

    fn decode(t: &Tlv<'a>) -> Result<RequestedInfo<'a>> {
        let mut r = RequestedInfo::default();
        for m in t.children()? {
            let m = m?;
            let null = |m: &Tlv<'_>| m.as_null().map(|_| true);
            match ctx(&m) {
                Some(0) => r.location_information = null(&m)?,
                Some(1) => r.subscriber_state = null(&m)?,
                Some(2) => r.extension_container = Some(opaque(&m, "extensionContainer")?),
                Some(3) => r.current_location = null(&m)?,
                Some(4) => r.requested_domain = Some(small(&m, "requestedDomain")?),
                Some(5) => r.ms_classmark = null(&m)?,
                Some(6) => r.imei = null(&m)?,
                Some(7) => r.mnp_requested_info = null(&m)?,
                _ => {}
            }
        }
        Ok(r)
    }

    fn encode(&self, w: &mut Writer<'_>, tag: Tag) {
        w.constructed(tag, |w| {
            put_null(w, 0, self.location_information);
            put_null(w, 1, self.subscriber_state);
            if let Some(e) = self.extension_container {
                w.constructed(Tag::ctx_cons(2), |w| w.raw(e));
            }
            put_null(w, 3, self.current_location);
            if let Some(d) = self.requested_domain {
                w.integer(Tag::ctx(4), i64::from(d));
            }
            put_null(w, 6, self.imei);
            put_null(w, 5, self.ms_classmark);
            put_null(w, 7, self.mnp_requested_info);
        });
    }
}

/// AnyTimeInterrogationArg (§17.7.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AnyTimeInterrogationArg<'a> {
    /// [0] subscriberIdentity.
    pub subscriber_identity: SubscriberIdentity,
    /// [1] requestedInfo.
    pub requested_info: RequestedInfo<'a>,
    /// [3] gsmSCF-Address: the HLR checks it against its list of gsmSCFs allowed to ask
    /// (ati-NotAllowed otherwise).
    pub gsmscf_address: AddressString,
    /// [2] extensionContainer contents, opaque.
    pub extension_container: Option<&'a [u8]>,
    /// Members not modelled here, as received. Not encoded.
    pub unknown: Unknown<'a>,
}

impl<'a> AnyTimeInterrogationArg<'a> {
    /// Location and state of `subscriber`, asked by `gsmscf_address`.
    pub fn location_and_state(
        subscriber: SubscriberIdentity,
        gsmscf_address: AddressString,
    ) -> AnyTimeInterrogationArg<'static> {
        AnyTimeInterrogationArg {
            subscriber_identity: subscriber,
            requested_info: RequestedInfo::location_and_state(),
            gsmscf_address,
            ..Default::default()
        }
    }

    /// Decode the invoke parameter (a SEQUENCE). Strict.
    pub fn decode(param: Tlv<'a>) -> Result<AnyTimeInterrogationArg<'a>> {
        crate::ber::strictly(|notes| Self::decode_lenient(param, notes), |fault| fault)
    }

    /// [`AnyTimeInterrogationArg::decode`], lenient: only the extensionContainer is
    /// optional, so only it can be noted as malformed and left out.
    pub fn decode_lenient(
        param: Tlv<'a>,
        malformed: &mut MalformedMembers<'a>,
    ) -> Result<AnyTimeInterrogationArg<'a>> {
        let mut a = AnyTimeInterrogationArg::default();
        let (mut id, mut info, mut scf) = (false, false, false);
        for m in sequence(&param)? {
            let m = m?;
            match ctx(&m) {
                Some(0) => {
                    a.subscriber_identity = SubscriberIdentity::decode(&m)?;
                    id = true;
                }
                Some(1) => {
                    a.requested_info = RequestedInfo::decode(&m)?;
                    info = true;
                }
                Some(3) => {
                    a.gsmscf_address =
                        AddressString::decode(prim(&m, "gsmSCF-Address")?, m.value_offset)?;
                    scf = true;
                }
                Some(2) => match opaque(&m, "extensionContainer") {
                    Ok(e) => a.extension_container = Some(e),
                    Err(fault) => malformed.push(Malformed {
                        member: "extensionContainer",
                        raw: m.raw,
                        fault,
                    }),
                },
                _ => {}
            }
        }
        for (present, what) in [
            (id, "subscriberIdentity"),
            (info, "requestedInfo"),
            (scf, "gsmSCF-Address"),
        ] {
            if !present {
                return Err(BerError::new(
                    BerErrorKind::Missing(what),
                    param.value_offset,
                ));
            }
        }
        a.unknown = Unknown::of(&param, |t| ctx(t).is_some_and(|n| n <= 3));
        Ok(a)
    }

    /// Parse and decode a complete encoded parameter (strict).
    pub fn decode_bytes(buf: &'a [u8]) -> Result<AnyTimeInterrogationArg<'a>> {
        Self::decode(Tlv::parse_single(buf)?)
    }

    /// Fails unless every member fits its ASN.1 type.
    pub fn check(&self) -> std::result::Result<(), CodecError> {
        self.subscriber_identity.check()?;
        check_address(&self.gsmscf_address, ISDN_ADDRESS, "gsmSCF-Address")?;
        for (e, name) in [
            (
                self.requested_info.extension_container,
                "requestedInfo.extensionContainer",
            ),
            (self.extension_container, "extensionContainer"),
        ] {
            if let Some(e) = e {
                check_opaque(e, name)?;
            }
        }
        Ok(())
    }

    /// Write the parameter (SEQUENCE), members in ASN.1 order ([0], [1], [3], [2]). On
    /// error nothing is written.
    pub fn encode(&self, w: &mut Writer<'_>) -> std::result::Result<(), CodecError> {
        self.check()?;
        let mut n = Numbers::new();
        w.constructed(Tag::SEQUENCE, |w| {
            self.subscriber_identity.encode(w, Tag::ctx_cons(0), &mut n);
            self.requested_info.encode(w, Tag::ctx_cons(1));
            n.address(w, Tag::ctx(3), &self.gsmscf_address);
            if let Some(e) = self.extension_container {
                w.constructed(Tag::ctx_cons(2), |w| w.raw(e));
            }
        });
        Ok(())
    }
}

/// NotReachableReason (§17.7.1), the reason of netDetNotReachable.
pub mod not_reachable_reason {
    pub const MS_PURGED: u8 = 0;
    pub const IMSI_DETACHED: u8 = 1;
    pub const RESTRICTED_AREA: u8 = 2;
    pub const NOT_REGISTERED: u8 = 3;
}

/// SubscriberState (§17.7.1): CHOICE { assumedIdle [0] NULL, camelBusy [1] NULL,
/// netDetNotReachable NotReachableReason, notProvidedFromVLR [2] NULL }.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SubscriberState {
    AssumedIdle,
    /// In a call (CAMEL busy): the VLR says the subscriber is engaged.
    CamelBusy,
    /// Network-determined not reachable, see [`not_reachable_reason`].
    NetDetNotReachable(u8),
    NotProvidedFromVlr,
}

impl SubscriberState {
    fn decode(outer: &Tlv<'_>) -> Result<SubscriberState> {
        let mut r = outer.children()?;
        let t = r.next_tlv()?.ok_or(BerError::new(
            BerErrorKind::Missing("SubscriberState alternative"),
            outer.value_offset,
        ))?;
        let s = match (t.tag.class, t.tag.number) {
            (Class::Context, 0) => t.as_null().map(|_| SubscriberState::AssumedIdle)?,
            (Class::Context, 1) => t.as_null().map(|_| SubscriberState::CamelBusy)?,
            (Class::Context, 2) => t.as_null().map(|_| SubscriberState::NotProvidedFromVlr)?,
            (Class::Universal, 10) => {
                SubscriberState::NetDetNotReachable(small(&t, "notReachableReason")?)
            }
            _ => return Err(invalid("SubscriberState alternative", t.offset)),
        };
        r.finish()?;
        Ok(s)
    }

    fn check(self) -> std::result::Result<(), CodecError> {
        match self {
            SubscriberState::NetDetNotReachable(r) if r > not_reachable_reason::NOT_REGISTERED => {
                Err(CodecError::encode(
                    "subscriberState.netDetNotReachable",
                    "not a NotReachableReason",
                ))
            }
            _ => Ok(()),
        }
    }

    fn encode(self, w: &mut Writer<'_>, tag: Tag) {
        w.constructed(tag, |w| match self {
            SubscriberState::AssumedIdle => w.null(Tag::ctx(0)),
            SubscriberState::CamelBusy => w.null(Tag::ctx(1)),
            SubscriberState::NetDetNotReachable(r) => w.integer(Tag::ENUMERATED, i64::from(r)),
            SubscriberState::NotProvidedFromVlr => w.null(Tag::ctx(2)),
        });
    }
}

/// SubscriberInfo (§17.7.1): the answer's location and state. Not modelled (kept in
/// `unknown`): locationInformationGPRS [3], ps-SubscriberState [4], ms-Classmark2 [6] and
/// the later extension members.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SubscriberInfo<'a> {
    /// [0] locationInformation.
    pub location_information: Option<LocationInformation<'a>>,
    /// [1] subscriberState.
    pub subscriber_state: Option<SubscriberState>,
    /// [2] extensionContainer contents, opaque.
    pub extension_container: Option<&'a [u8]>,
    /// [5] imei.
    pub imei: Option<TbcdDigits>,
    /// Members not modelled here, as received. Not encoded.
    pub unknown: Unknown<'a>,
}

impl<'a> SubscriberInfo<'a> {
    /// Decode from the element carrying it (any tag; its contents are the SEQUENCE's).
    /// Lenient: a member that does not decode is noted (as `subscriberInfo.<member>`, or as
    /// the LocationInformation's own member name) and left absent: a malformed cell id
    /// costs the cell id, not the VLR number and age beside it.
    pub fn decode_lenient(
        t: Tlv<'a>,
        malformed: &mut MalformedMembers<'a>,
    ) -> Result<SubscriberInfo<'a>> {
        let mut s = SubscriberInfo::default();
        for m in t.children()? {
            let m = m?;
            let Some(n) = ctx(&m) else { continue };
            let (member, r) = match n {
                0 => {
                    let mut l = LocationInformation::default();
                    let r = l.decode_in_place(m, malformed);
                    if r.is_ok() {
                        s.location_information = Some(l);
                    }
                    ("subscriberInfo.locationInformation", r)
                }
                1 => (
                    "subscriberInfo.subscriberState",
                    SubscriberState::decode(&m).map(|v| s.subscriber_state = Some(v)),
                ),
                2 => (
                    "subscriberInfo.extensionContainer",
                    opaque(&m, "extensionContainer").map(|v| s.extension_container = Some(v)),
                ),
                5 => ("subscriberInfo.imei", tbcd_into(&mut s.imei, &m, "imei")),
                _ => continue,
            };
            if let Err(fault) = r {
                malformed.push(Malformed {
                    member,
                    raw: m.raw,
                    fault,
                });
            }
        }
        s.unknown = Unknown::of(&t, |t| ctx(t).is_some_and(|n| matches!(n, 0 | 1 | 2 | 5)));
        Ok(s)
    }

    /// The geographicalInformation of the locationInformation, read (TS 23.032 §7.3.2).
    pub fn geographical_information(&self) -> Option<Result<GeographicalInformation>> {
        let l = self.location_information.as_ref()?;
        l.geographical_information
            .map(|g| GeographicalInformation::decode(g, 0))
    }

    pub(crate) fn check(&self) -> std::result::Result<(), CodecError> {
        if let Some(l) = &self.location_information {
            check_location(l)?;
        }
        if let Some(s) = self.subscriber_state {
            s.check()?;
        }
        if let Some(e) = self.extension_container {
            check_opaque(e, "subscriberInfo.extensionContainer")?;
        }
        if let Some(i) = &self.imei {
            check_imei(i, "subscriberInfo.imei")?;
        }
        Ok(())
    }

    /// Write `tag SEQUENCE { ... }`, members in ASN.1 order.
    pub(crate) fn encode(&self, w: &mut Writer<'_>, tag: Tag) {
        let mut n = Numbers::new();
        w.constructed(tag, |w| {
            if let Some(l) = &self.location_information {
                l.encode(w, 0);
            }
            if let Some(s) = self.subscriber_state {
                s.encode(w, Tag::ctx_cons(1));
            }
            if let Some(e) = self.extension_container {
                w.constructed(Tag::ctx_cons(2), |w| w.raw(e));
            }
            if let Some(i) = &self.imei {
                n.tbcd(w, Tag::ctx(5), i);
            }
        });
    }
}

/// The MAP-MS-DataTypes constraints on a LocationInformation about to be sent.
fn check_location(l: &LocationInformation<'_>) -> std::result::Result<(), CodecError> {
    const WHERE: &str = "subscriberInfo.locationInformation";
    if l.age_of_location_information.is_some_and(|a| a > 32767) {
        return Err(CodecError::encode(
            WHERE,
            "ageOfLocationInformation over 32767",
        ));
    }
    if let Some(g) = l.geographical_information {
        check_len(g, 8, 8, "locationInformation.geographicalInformation")?;
    }
    for (a, name) in [
        (&l.vlr_number, "locationInformation.vlr-number"),
        (&l.msc_number, "locationInformation.msc-Number"),
    ] {
        if let Some(a) = a {
            check_address(a, ISDN_ADDRESS, name)?;
        }
    }
    if let Some(n) = &l.location_number {
        check_len(&n.to_vec(), 2, 10, "locationInformation.locationNumber")?;
    }
    if let Some(s) = l.selected_lsa_id {
        check_len(s, 3, 3, "locationInformation.selectedLSA-Id")?;
    }
    if let Some(g) = l.geodetic_information {
        check_len(g, 10, 10, "locationInformation.geodeticInformation")?;
    }
    for (e, name) in [
        (
            l.extension_container,
            "locationInformation.extensionContainer",
        ),
        (
            l.location_information_eps,
            "locationInformation.locationInformationEPS",
        ),
        (
            l.user_csg_information,
            "locationInformation.userCSGInformation",
        ),
    ] {
        if let Some(e) = e {
            check_opaque(e, name)?;
        }
    }
    Ok(())
}

/// AnyTimeInterrogationRes (§17.7.1): SEQUENCE { subscriberInfo SubscriberInfo,
/// extensionContainer ExtensionContainer OPTIONAL, ... }, both untagged SEQUENCEs: the
/// first is the subscriberInfo.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AnyTimeInterrogationRes<'a> {
    pub subscriber_info: SubscriberInfo<'a>,
    /// extensionContainer contents, opaque.
    pub extension_container: Option<&'a [u8]>,
    /// Members after these two (a newer release's), as received. Not encoded.
    pub unknown: Unknown<'a>,
}

impl<'a> AnyTimeInterrogationRes<'a> {
    /// Decode the result parameter (a SEQUENCE). Strict.
    pub fn decode(param: Tlv<'a>) -> Result<AnyTimeInterrogationRes<'a>> {
        crate::ber::strictly(|notes| Self::decode_lenient(param, notes), |fault| fault)
    }

    /// [`AnyTimeInterrogationRes::decode`], lenient: the subscriberInfo's members and the
    /// extensionContainer are noted and left out when they do not decode.
    pub fn decode_lenient(
        param: Tlv<'a>,
        malformed: &mut MalformedMembers<'a>,
    ) -> Result<AnyTimeInterrogationRes<'a>> {
        let mut rd = sequence(&param)?;
        let info = rd.expect(Tag::SEQUENCE, "subscriberInfo")?;
        let mut r = AnyTimeInterrogationRes {
            subscriber_info: SubscriberInfo::decode_lenient(info, malformed)?,
            ..Default::default()
        };
        if let Some(e) = rd.optional(Tag::SEQUENCE)? {
            match opaque(&e, "extensionContainer") {
                Ok(v) => r.extension_container = Some(v),
                Err(fault) => malformed.push(Malformed {
                    member: "extensionContainer",
                    raw: e.raw,
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
    pub fn decode_bytes(buf: &'a [u8]) -> Result<AnyTimeInterrogationRes<'a>> {
        Self::decode(Tlv::parse_single(buf)?)
    }

    /// Fails unless every member fits its ASN.1 type.
    pub fn check(&self) -> std::result::Result<(), CodecError> {
        self.subscriber_info.check()?;
        if let Some(e) = self.extension_container {
            check_opaque(e, "extensionContainer")?;
        }
        Ok(())
    }

    /// Write the parameter (SEQUENCE). On error nothing is written.
    pub fn encode(&self, w: &mut Writer<'_>) -> std::result::Result<(), CodecError> {
        self.check()?;
        w.constructed(Tag::SEQUENCE, |w| {
            self.subscriber_info.encode(w, Tag::SEQUENCE);
            if let Some(e) = self.extension_container {
                w.constructed(Tag::SEQUENCE, |w| w.raw(e));
            }
        });
        Ok(())
    }
}
