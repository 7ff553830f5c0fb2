//! Charging (ETS 300 374-1 §9): ApplyCharging (opcode 35), ApplyChargingReport (36) and
//! FurnishChargingInformation (34). Unlike CAP, whose charging arguments wrap BER-encoded
//! CAMEL types, CS-1 leaves the charging characteristics and the call result to the
//! network operator: OCTET STRINGs kept opaque here.

use crate::ber::{BerError, BerErrorKind, Result, Tag, Tlv, Writer};
use crate::camel::ops::{contents, ctx, octets, put_cons, sequence};
use crate::camel::LegId;

/// ApplyChargingArg (opcode 35).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApplyChargingArg<'a> {
    /// [0] AChBillingChargingCharacteristics (operator-specific octets).
    pub ach_billing_charging_characteristics: &'a [u8],
    /// [1] sendCalculationToSCPIndication BOOLEAN DEFAULT FALSE: ApplyChargingReport wanted.
    pub send_calculation_to_scp_indication: Option<bool>,
    /// [2] partyToCharge LegID (sendingSideID).
    pub party_to_charge: Option<LegId>,
    /// [3] Extensions, opaque contents.
    pub extensions: Option<&'a [u8]>,
}

impl<'a> ApplyChargingArg<'a> {
    pub fn decode(param: Tlv<'a>) -> Result<ApplyChargingArg<'a>> {
        let (mut ach, mut send, mut party, mut ext) = (None, None, None, None);
        for m in sequence(&param)? {
            let m = m?;
            match ctx(&m) {
                Some(0) => ach = Some(octets(&m, "aChBillingChargingCharacteristics")?),
                Some(1) => send = Some(m.as_bool()?),
                Some(2) => party = Some(LegId::decode_choice(&m)?),
                Some(3) => ext = Some(contents(&m, "extensions")?),
                _ => {}
            }
        }
        Ok(ApplyChargingArg {
            ach_billing_charging_characteristics: ach.ok_or(BerError::new(
                BerErrorKind::Missing("aChBillingChargingCharacteristics"),
                param.value_offset,
            ))?,
            send_calculation_to_scp_indication: send,
            party_to_charge: party,
            extensions: ext,
        })
    }

    pub fn decode_bytes(buf: &'a [u8]) -> Result<ApplyChargingArg<'a>> {
        ApplyChargingArg::decode(Tlv::parse_single(buf)?)
    }

    pub fn encode(&self, w: &mut Writer<'_>) {
        w.constructed(Tag::SEQUENCE, |w| {
            w.primitive(Tag::ctx(0), self.ach_billing_charging_characteristics);
            if let Some(b) = self.send_calculation_to_scp_indication {
                w.boolean(Tag::ctx(1), b);
            }
            if let Some(l) = &self.party_to_charge {
                l.encode_choice(w, 2);
            }
            put_cons(w, 3, self.extensions);
        });
    }
}

/// An argument that is one OCTET STRING (universal tag), network-operator specific.
fn opaque<'a>(param: &Tlv<'a>, what: &'static str) -> Result<&'a [u8]> {
    param.expect(Tag::OCTET_STRING)?;
    octets(param, what)
}

/// ApplyChargingReportArg ::= CallResult (opcode 36): OCTET STRING, operator specific.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApplyChargingReportArg<'a>(pub &'a [u8]);

impl<'a> ApplyChargingReportArg<'a> {
    pub fn decode(param: Tlv<'a>) -> Result<ApplyChargingReportArg<'a>> {
        opaque(&param, "callResult").map(ApplyChargingReportArg)
    }

    pub fn decode_bytes(buf: &'a [u8]) -> Result<ApplyChargingReportArg<'a>> {
        ApplyChargingReportArg::decode(Tlv::parse_single(buf)?)
    }

    pub fn encode(&self, w: &mut Writer<'_>) {
        w.primitive(Tag::OCTET_STRING, self.0);
    }
}

/// FurnishChargingInformationArg ::= FCIBillingChargingCharacteristics (opcode 34):
/// OCTET STRING, operator specific (the record the SSF adds to its charging data).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FurnishChargingInformationArg<'a>(pub &'a [u8]);

impl<'a> FurnishChargingInformationArg<'a> {
    pub fn decode(param: Tlv<'a>) -> Result<FurnishChargingInformationArg<'a>> {
        opaque(&param, "fCIBillingChargingCharacteristics").map(FurnishChargingInformationArg)
    }

    pub fn decode_bytes(buf: &'a [u8]) -> Result<FurnishChargingInformationArg<'a>> {
        FurnishChargingInformationArg::decode(Tlv::parse_single(buf)?)
    }

    pub fn encode(&self, w: &mut Writer<'_>) {
        w.primitive(Tag::OCTET_STRING, self.0);
    }
}
