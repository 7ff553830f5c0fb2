//! Every CAP, INAP and AIN operation argument as JSON with its ASN.1 member names, for
//! `scpd decode`. All printing of argument values is here, in one place.
//!
//! CAP arguments are walked from the BER with a table of each operation's members (3GPP TS
//! 29.078 §6, CAP-gsmSSF-gsmSCF-ops-args and CAP-datatypes): context tag → member name and
//! type. Leaf types use the codec's decoders ([`camel::IsupNumber`],
//! [`camel::AddressString`], TBCD, Cause, ...), so the values shown are the ones scpd acts
//! on. Members the table does not name (extensions of later releases) are shown by tag
//! with their structure, never dropped. INAP CS-1 arguments are walked the same way with
//! their own table (ETS 300 374-1 §9), which reuses the CAP entries where the ASN.1 is the
//! same. AIN arguments come from [`crate::ain::Arg`], named
//! by GR-1299's ASN.1 ([`crate::ain::P::name`]); WIN arguments and results from
//! [`crate::win::Params`], named as Wireshark's `ansi_map.asn` names them.
//!
//! The walker borrows the message and writes the JSON straight into the output buffer
//! ([`J`]): no copies of the input, no tree of values. Members of an object are written in
//! name order (the order the lines always had), a repeated member once (its last value).

mod ain;
mod ber_walk;
mod cap_schema;
mod inap_schema;
mod win;

use super::json::J;
use crate::ber::{BerError, Tlv};
use crate::camel;
use ber_walk::value;
use cap_schema::cap_schema;
use inap_schema::inap_schema;

pub use ain::ain_argument;
pub use win::win_params;

/// An ISUP-format number (Q.763 §3.9); `qualifier` for a GenericNumber (§3.26).
pub fn isup(j: &mut J, n: &camel::IsupNumber, qualifier: Option<u8>) {
    j.open().key("digits").str(n.digits.as_str());
    j.key("nature").num(n.nature).key("plan").num(n.plan);
    j.key("presentation").num(n.presentation);
    if let Some(q) = qualifier {
        j.key("qualifier").num(q);
    }
    j.key("screening").num(n.screening).close();
}

/// A MAP AddressString (TS 29.002).
pub fn addr(j: &mut J, a: &camel::AddressString) {
    j.open().key("digits").str(a.digits.as_str());
    j.key("nature")
        .num(a.nature)
        .key("plan")
        .num(a.plan)
        .close();
}

/// A CAP invoke's argument with member names, written to `j`. Errors carry the offset of
/// the element that does not decode (`j` then holds a partial value: the caller rolls back).
/// An InitialDP's malformed optional members, which the daemon takes the call without, are
/// shown raw with their fault where their value would be (see [`crate::ber::Malformed`]).
pub fn cap_argument(j: &mut J, opcode: u32, p: Tlv<'_>) -> Result<(), BerError> {
    let idp = (opcode == camel::opcode::INITIAL_DP)
        .then(|| camel::InitialDpArg::decode(p).ok())
        .flatten();
    let bad = idp.as_ref().map_or(&[][..], |a| &a.malformed[..]);
    match cap_schema(opcode) {
        Some(k) => value(j, &p, k, bad),
        None => {
            j.open().key("raw").hex(p.raw).close();
            Ok(())
        }
    }
}

/// A CAP error's name and parameter (TS 29.078 §6.2 errortypes), as the members `error`
/// and `parameter` of the component object being written (keys in name order: the caller
/// writes `error` where it sorts, see [`cap_error_parameter`]).
pub fn cap_error_name(j: &mut J, code: i64, p: Option<Tlv<'_>>) {
    match camel::CapError::decode(code, p) {
        Ok(e) => j.str(e.name()),
        Err(_) => j.display(format_args!("error {code}")),
    };
}

/// The `parameter` member of a CAP error, if it has one (TS 29.078 §6.2).
pub fn cap_error_parameter(j: &mut J, code: i64, p: Option<Tlv<'_>>) {
    if let Ok(e) = camel::CapError::decode(code, p) {
        match e {
            camel::CapError::CancelFailed { problem, operation } => {
                j.key("parameter").open().key("operation").num(operation);
                j.key("problem").num(problem).close();
            }
            camel::CapError::RequestedInfoError(x)
            | camel::CapError::SystemFailure(x)
            | camel::CapError::TaskRefused(x) => {
                j.key("parameter").num(x);
            }
            _ => {}
        }
    }
}

/// An INAP CS-1 invoke's argument with member names (ETS 300 374-1 §9), like
/// [`cap_argument`]: an InitialDP's malformed optional members are shown raw with their
/// fault, as the INAP codec takes the call without them.
pub fn inap_argument(j: &mut J, opcode: u32, p: Tlv<'_>) -> Result<(), BerError> {
    let idp = (opcode == crate::inap::opcode::INITIAL_DP)
        .then(|| crate::inap::InitialDpArg::decode(p).ok())
        .flatten();
    let bad = idp.as_ref().map_or(&[][..], |a| &a.malformed[..]);
    match inap_schema(opcode) {
        Some(k) => value(j, &p, k, bad),
        None => {
            j.open().key("raw").hex(p.raw).close();
            Ok(())
        }
    }
}

/// An INAP error's name (ETS 300 374-1 §9 IN-CS1-Errors), as [`cap_error_name`].
pub fn inap_error_name(j: &mut J, code: i64, p: Option<Tlv<'_>>) {
    match crate::inap::InapError::decode(code, p) {
        Ok(crate::inap::InapError::Common(camel::CapError::Other(_))) | Err(_) => {
            j.display(format_args!("error {code}"))
        }
        Ok(e) => j.str(e.name()),
    };
}

/// The `parameter` member of an INAP error: CS-1's parameters are CAP's.
pub fn inap_error_parameter(j: &mut J, code: i64, p: Option<Tlv<'_>>) {
    if let Ok(crate::inap::InapError::Common(_)) = crate::inap::InapError::decode(code, p) {
        cap_error_parameter(j, code, p);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arg(opcode: u32, ber: &[u8]) -> Result<serde_json::Value, BerError> {
        let mut j = J::new();
        cap_argument(&mut j, opcode, Tlv::parse_single(ber).unwrap())?;
        Ok(serde_json::from_slice(j.bytes()).unwrap())
    }

    #[test]
    fn unnamed_members_by_tag_in_key_order_last_repeat_wins() {
        // InitialDPArg: serviceKey 5, [20] (not in the table), [21] constructed,
        // [UNIVERSAL 4], serviceKey again 6.
        let ber = [
            0x30, 0x12, 0x80, 0x01, 0x05, 0x94, 0x02, 0xab, 0xcd, 0xb5, 0x03, 0x80, 0x01, 0x07,
            0x04, 0x01, 0xff, 0x80, 0x01, 0x06,
        ];
        let v = arg(camel::opcode::INITIAL_DP, &ber).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"[20]": "abcd", "[21]": {"[0]": "07"}, "[UNIVERSAL 4]": "ff",
                "serviceKey": 6})
        );
        let mut j = J::new();
        cap_argument(
            &mut j,
            camel::opcode::INITIAL_DP,
            Tlv::parse_single(&ber).unwrap(),
        )
        .unwrap();
        assert_eq!(
            std::str::from_utf8(j.bytes()).unwrap(),
            r#"{"[20]":"abcd","[21]":{"[0]":"07"},"[UNIVERSAL 4]":"ff","serviceKey":6}"#
        );
    }

    /// Issue 14: what the daemon takes the call without, `scpd decode` shows raw with its
    /// fault in place, not as an error for the whole argument.
    #[test]
    fn a_malformed_optional_member_is_shown_raw_with_its_fault() {
        // serviceKey 1; locationInformation { age 5, cell id [0] with MCC digit 0xA }.
        let ber = [
            0x30, 0x14, 0x80, 0x01, 0x01, 0xbf, 0x34, 0x0e, 0x02, 0x01, 0x05, 0xa3, 0x09, 0x80,
            0x07, 0xa2, 0xf2, 0x10, 0x00, 0x01, 0x00, 0x02,
        ];
        let v = arg(camel::opcode::INITIAL_DP, &ber).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"locationInformation": {"ageOfLocationInformation": 5,
                "cellGlobalIdOrServiceAreaIdOrLAI": {
                    "fault": "invalid PLMN identity digit at offset 15",
                    "raw": "a3098007a2f21000010002"}},
                "serviceKey": 1})
        );
    }

    #[test]
    fn call_gap_is_shown_by_member_names() {
        let mut ber = Vec::new();
        camel::control::CallGapArg::overloaded(7, 5, 1000)
            .encode(&mut crate::ber::Writer::new(&mut ber));
        assert_eq!(
            arg(camel::opcode::CALL_GAP, &ber).unwrap(),
            serde_json::json!({"controlType": "sCPOverloaded",
                "gapCriteria": {"gapOnService": {"serviceKey": 7}},
                "gapIndicators": {"duration": 5, "gapInterval": 1000}})
        );
    }

    #[test]
    fn the_error_reported_is_the_first_in_encoding_order() {
        // callingPartyNumber [3] empty (bad), then serviceKey [0] empty (bad): the key
        // order would meet serviceKey first, the encoding order meets [3] first.
        let ber = [0x30, 0x04, 0x83, 0x00, 0x80, 0x00];
        let e = arg(camel::opcode::INITIAL_DP, &ber).unwrap_err();
        let first = arg(camel::opcode::INITIAL_DP, &[0x30, 0x02, 0x83, 0x00]).unwrap_err();
        // serviceKey's own error at the same place, after an unnamed member.
        let second = arg(
            camel::opcode::INITIAL_DP,
            &[0x30, 0x04, 0x94, 0x00, 0x80, 0x00],
        )
        .unwrap_err();
        assert_eq!(e, first);
        assert_ne!(e, second);
        // Same error with the writer off (--summary).
        let mut off = J::off();
        let e2 = cap_argument(
            &mut off,
            camel::opcode::INITIAL_DP,
            Tlv::parse_single(&ber).unwrap(),
        )
        .unwrap_err();
        assert_eq!(e, e2);
    }

    /// INAP: CS-1's spelling of event 3, a Q.1218-only member named, and a malformed
    /// optional member kept raw in place as the INAP codec does (ETS 300 374-1 §9).
    #[test]
    fn inap_initial_dp_by_cs1_names_with_a_malformed_member_raw() {
        // serviceKey 9, calledPartyNumber [2] empty (malformed), terminalType [14] 3,
        // eventTypeBCSM [28] analysedInformation.
        let ber = [
            0x30, 0x0b, 0x80, 0x01, 0x09, 0x82, 0x00, 0x8e, 0x01, 0x03, 0x9c, 0x01, 0x03,
        ];
        let mut j = J::new();
        inap_argument(
            &mut j,
            crate::inap::opcode::INITIAL_DP,
            Tlv::parse_single(&ber).unwrap(),
        )
        .unwrap();
        let v: serde_json::Value = serde_json::from_slice(j.bytes()).unwrap();
        assert_eq!(v["serviceKey"], 9);
        assert_eq!(v["eventTypeBCSM"], "analysedInformation");
        assert_eq!(v["terminalType"], 3);
        assert_eq!(v["calledPartyNumber"]["raw"], "8200", "{v}");
        assert!(v["calledPartyNumber"]["fault"].is_string(), "{v}");
    }
}
