//! Connect (TS 29.078 §6.1.1, opcode 20): ConnectArg, every member of the Rel-11 type.

use super::{
    contents, ctx, isup, isup_into, octets, one_octet, put_cons, put_null, put_prim, sequence,
    Scratch,
};
use crate::ber::{BerError, BerErrorKind, Result, Tag, Tlv, Writer};
use crate::camel::numbers::{GenericNumber, IsupNumber};
use crate::camel::LegId;

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
