//! Connect (ETS 300 374-1 §9, opcode 20): route the call to a destination, optionally
//! changing the calling party and the redirection details the switch sends on.

use crate::ber::{BerError, BerErrorKind, Result, Tag, Tlv, Writer};
use crate::camel::numbers::IsupNumber;
use crate::camel::ops::{
    contents, ctx, isup, isup_into, octets, one_octet, put_cons, put_prim, sequence, Scratch,
};

/// ConnectArg of Core INAP CS-1. Q.1218-only members (forwardingCondition [4],
/// iSDNAccessRelatedInformation [5], travellingClassMark [9]) are skipped on decode.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ConnectArg<'a> {
    /// [0] destinationRoutingAddress: SEQUENCE SIZE(1) OF CalledPartyNumber (ETSI allows
    /// one number).
    pub destination_routing_address: IsupNumber,
    /// [1] AlertingPattern (3 octets, Q.931), opaque.
    pub alerting_pattern: Option<&'a [u8]>,
    /// [2] CorrelationID (Digits), opaque.
    pub correlation_id: Option<&'a [u8]>,
    /// [3] CutAndPaste (INTEGER 0..22): digits the SSF drops from the dialled number.
    pub cut_and_paste: Option<u8>,
    /// [6] OriginalCalledPartyID.
    pub original_called_party_id: Option<IsupNumber>,
    /// [7] RouteList: SEQUENCE OF OCTET STRING, opaque contents.
    pub route_list: Option<&'a [u8]>,
    /// [8] ScfID (the SCF's SCCP address), opaque.
    pub scf_id: Option<&'a [u8]>,
    /// [10] Extensions, opaque contents.
    pub extensions: Option<&'a [u8]>,
    /// [26] ServiceInteractionIndicators, opaque.
    pub service_interaction_indicators: Option<&'a [u8]>,
    /// [27] CallingPartyNumber to present instead of the caller's.
    pub calling_party_number: Option<IsupNumber>,
    /// [28] CallingPartysCategory.
    pub calling_partys_category: Option<u8>,
    /// [29] RedirectingPartyID.
    pub redirecting_party_id: Option<IsupNumber>,
    /// [30] RedirectionInformation (Q.763 §3.45), opaque.
    pub redirection_information: Option<&'a [u8]>,
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
                    let mut r = contents(&m, "destinationRoutingAddress").and(m.children())?;
                    let first = r.next_tlv()?.ok_or(BerError::new(
                        BerErrorKind::Missing("destinationRoutingAddress element"),
                        m.value_offset,
                    ))?;
                    first.expect(Tag::OCTET_STRING)?;
                    a.destination_routing_address = isup(&first, "destinationRoutingAddress")?;
                    // SIZE(1) in ETS 300 374-1: a second number is a protocol error.
                    r.finish()?;
                    have_dra = true;
                }
                1 => a.alerting_pattern = Some(octets(&m, "alertingPattern")?),
                2 => a.correlation_id = Some(octets(&m, "correlationID")?),
                3 => a.cut_and_paste = Some(crate::camel::ops::small_enum(&m, "cutAndPaste")?),
                6 => isup_into(&mut a.original_called_party_id, &m, "originalCalledPartyID")?,
                7 => a.route_list = Some(contents(&m, "routeList")?),
                8 => a.scf_id = Some(octets(&m, "scfID")?),
                10 => a.extensions = Some(contents(&m, "extensions")?),
                26 => {
                    a.service_interaction_indicators =
                        Some(octets(&m, "serviceInteractionIndicators")?)
                }
                27 => isup_into(&mut a.calling_party_number, &m, "callingPartyNumber")?,
                28 => a.calling_partys_category = Some(one_octet(&m, "callingPartysCategory")?),
                29 => isup_into(&mut a.redirecting_party_id, &m, "redirectingPartyID")?,
                30 => a.redirection_information = Some(octets(&m, "redirectionInformation")?),
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

    /// Write the parameter (SEQUENCE), members in ASN.1 order.
    pub fn encode(&self, w: &mut Writer<'_>) {
        let mut s = Scratch::new();
        w.constructed(Tag::SEQUENCE, |w| {
            s.0.clear();
            self.destination_routing_address.encode_into(&mut s.0);
            let dra = &s.0;
            w.constructed(Tag::ctx_cons(0), |w| w.primitive(Tag::OCTET_STRING, dra));
            put_prim(w, 1, self.alerting_pattern);
            put_prim(w, 2, self.correlation_id);
            if let Some(c) = self.cut_and_paste {
                w.integer(Tag::ctx(3), i64::from(c));
            }
            if let Some(n) = &self.original_called_party_id {
                s.isup(w, 6, n);
            }
            put_cons(w, 7, self.route_list);
            put_prim(w, 8, self.scf_id);
            put_cons(w, 10, self.extensions);
            put_prim(w, 26, self.service_interaction_indicators);
            if let Some(n) = &self.calling_party_number {
                s.isup(w, 27, n);
            }
            if let Some(c) = self.calling_partys_category {
                w.primitive(Tag::ctx(28), &[c]);
            }
            if let Some(n) = &self.redirecting_party_id {
                s.isup(w, 29, n);
            }
            put_prim(w, 30, self.redirection_information);
        });
    }
}
