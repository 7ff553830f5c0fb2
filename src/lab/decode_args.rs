//! Every CAP, INAP, MAP and AIN operation argument (and MAP result) as JSON with its ASN.1
//! member names, for `scpd decode`. All printing of argument values is here, in one place.
//!
//! CAP arguments are walked from the BER with a table of each operation's members (3GPP TS
//! 29.078 §6, CAP-gsmSSF-gsmSCF-ops-args and CAP-datatypes): context tag → member name and
//! type. Leaf types use the codec's decoders ([`camel::IsupNumber`],
//! [`camel::AddressString`], TBCD, Cause, ...), so the values shown are the ones scpd acts
//! on. Members the table does not name (extensions of later releases) are shown by tag
//! with their structure, never dropped. INAP CS-1 arguments are walked the same way with
//! their own table (ETS 300 374-1 §9), which reuses the CAP entries where the ASN.1 is the
//! same. MAP's SendRoutingInfo and AnyTimeInterrogation arguments and results (TS 29.002)
//! are walked with a table too, one per MAP version where v2 and v3 differ, after the MAP
//! codec has read them (its lenient decode says which optional members are malformed).
//! [`ItuApp`] is what the ITU TCAP decoder calls for all three. AIN arguments come from
//! [`crate::ain::Arg`], named
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
mod map;
mod win;

use super::json::J;
use crate::ber::{BerError, MalformedMembers, Tlv};
use crate::camel;
use crate::map::{CodecError, MapError, Operation, Version};
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

/// A MAP invoke's argument in a dialogue of `version` with member names (TS 29.002), like
/// [`cap_argument`]: the MAP codec reads it first (leniently: a malformed optional member
/// is shown raw with its fault in place); a mandatory member that does not decode is the
/// error. Operations other than sendRoutingInfo and anyTimeInterrogation are shown raw.
pub fn map_argument(j: &mut J, opcode: u32, p: Tlv<'_>, version: Version) -> Result<(), BerError> {
    let Some(k) = map::argument_schema(opcode, version) else {
        j.open().key("raw").hex(p.raw).close();
        return Ok(());
    };
    let mut bad = MalformedMembers::new();
    crate::map::decode_invoke_lenient(opcode.into(), Some(p), version, &mut bad)
        .map_err(|e| map_fault(e, &p))?;
    value(j, &p, k, &bad)
}

/// A MAP ReturnResult's result (of operation `opcode`) in a dialogue of `version`, as
/// [`map_argument`].
pub fn map_result(j: &mut J, opcode: u32, p: Tlv<'_>, version: Version) -> Result<(), BerError> {
    let Some(op) = Operation::from_code(opcode.into()) else {
        j.open().key("raw").hex(p.raw).close();
        return Ok(());
    };
    let mut bad = MalformedMembers::new();
    crate::map::decode_result_lenient(op, Some(p), version, &mut bad)
        .map_err(|e| map_fault(e, &p))?;
    value(j, &p, map::result_schema(op, version), &bad)
}

/// The BER fault of a MAP decode error.
fn map_fault(e: CodecError, p: &Tlv<'_>) -> BerError {
    match e {
        CodecError::Decode { fault, .. } => fault,
        _ => crate::ber::invalid("MAP parameter", p.offset),
    }
}

/// A MAP error's name (TS 29.002 §17.6.6), as [`cap_error_name`].
pub fn map_error_name(j: &mut J, code: i64) {
    match crate::map::error_name(code) {
        Some(n) => j.str(n),
        None => j.display(format_args!("error {code}")),
    };
}

/// The `parameter` member of a MAP error: its values by name (unknownSubscriberDiagnostic,
/// absentSubscriberReason, ...), or a parameter that does not decode raw with its fault.
pub fn map_error_parameter(j: &mut J, code: i64, p: Option<Tlv<'_>>) {
    let mut bad = MalformedMembers::new();
    let e = MapError::decode_lenient(code, p, &mut bad);
    match bad.first() {
        Some(b) => {
            j.key("parameter").open().key("fault").display(&b.fault);
            j.key("raw").hex(b.raw).close();
        }
        None => map::error_parameter(j, &e),
    }
}

/// An ITU TC-user application whose operations, arguments, results and errors `scpd
/// decode` names: CAP, INAP CS-1, or MAP in the version of the dialogue's AC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItuApp {
    Cap,
    Inap,
    Map(Version),
}

impl ItuApp {
    /// The layer its faults are reported under.
    pub fn layer(self) -> &'static str {
        match self {
            ItuApp::Cap => "cap",
            ItuApp::Inap => "inap",
            ItuApp::Map(_) => "map",
        }
    }

    /// The name of a local operation code (CAP and INAP share numbers: `self` decides).
    pub fn operation_name(self, opcode: u32) -> Option<&'static str> {
        match self {
            ItuApp::Cap => camel::operation_name(opcode),
            ItuApp::Inap => crate::inap::operation_name(opcode),
            ItuApp::Map(_) => crate::map::operation_name(opcode.into()),
        }
    }

    /// An Invoke's argument (see [`cap_argument`]).
    pub fn argument(self, j: &mut J, opcode: u32, p: Tlv<'_>) -> Result<(), BerError> {
        match self {
            ItuApp::Cap => cap_argument(j, opcode, p),
            ItuApp::Inap => inap_argument(j, opcode, p),
            ItuApp::Map(v) => map_argument(j, opcode, p, v),
        }
    }

    /// Whether ReturnResults' results are shown (MAP's; CAP's and INAP's are not).
    pub fn shows_results(self) -> bool {
        matches!(self, ItuApp::Map(_))
    }

    /// A ReturnResult's result, when [`ItuApp::shows_results`].
    pub fn result(self, j: &mut J, opcode: u32, p: Tlv<'_>) -> Result<(), BerError> {
        match self {
            ItuApp::Map(v) => map_result(j, opcode, p, v),
            ItuApp::Cap | ItuApp::Inap => {
                j.open().key("raw").hex(p.raw).close();
                Ok(())
            }
        }
    }

    /// A ReturnError's error name (the member `error`).
    pub fn error_name(self, j: &mut J, code: i64, p: Option<Tlv<'_>>) {
        match self {
            ItuApp::Cap => cap_error_name(j, code, p),
            ItuApp::Inap => inap_error_name(j, code, p),
            ItuApp::Map(_) => map_error_name(j, code),
        }
    }

    /// A ReturnError's `parameter` member, if it has one.
    pub fn error_parameter(self, j: &mut J, code: i64, p: Option<Tlv<'_>>) {
        match self {
            ItuApp::Cap => cap_error_parameter(j, code, p),
            ItuApp::Inap => inap_error_parameter(j, code, p),
            ItuApp::Map(_) => map_error_parameter(j, code, p),
        }
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

    /// The MAP tables are no stricter than the MAP codec: whatever the codec reads (however
    /// mangled), the walk shows without failing, as valid JSON; what it refuses is the
    /// walk's error too. Every octet of each sample changed a few ways.
    #[test]
    fn map_walk_never_fails_where_the_codec_reads() {
        use crate::map::*;
        let intl = |d: &str| AddressString::international(d.parse().unwrap());
        let enc = |f: &dyn Fn(&mut crate::ber::Writer<'_>) -> Result<(), CodecError>| {
            let mut v = Vec::new();
            f(&mut crate::ber::Writer::new(&mut v)).unwrap();
            v
        };
        let mut sri = SendRoutingInfoArg::gsmscf(intl("31612345678"), intl("31655500001"));
        sri.call_reference_number = Some(&[1, 2, 3]);
        sri.suppress_mtss = Some(NamedBits::new(1, 2));
        let ati = AnyTimeInterrogationArg::location_and_state(
            SubscriberIdentity::Imsi("204081234567890".parse().unwrap()),
            intl("31655500001"),
        );
        let geo = GeographicalInformation::from_degrees(-33.9, 18.4, 10.0).encode();
        let info = SubscriberInfo {
            location_information: Some(LocationInformation {
                age_of_location_information: Some(3),
                geographical_information: Some(&geo),
                vlr_number: Some(intl("316540000")),
                cell_id_or_lai: Some(CellIdOrLai::CellId {
                    plmn: Plmn {
                        mcc: 204,
                        mnc: 8,
                        mnc_3_digits: false,
                    },
                    lac: 1,
                    ci: 2,
                }),
                ..Default::default()
            }),
            subscriber_state: Some(SubscriberState::NetDetNotReachable(1)),
            imei: Some("351234567890123".parse().unwrap()),
            ..Default::default()
        };
        let roaming = SendRoutingInfoRes {
            subscriber_info: Some(info),
            vmsc_address: Some(intl("316540001")),
            ..SendRoutingInfoRes::roaming("204081234567890".parse().unwrap(), intl("3160009"))
        };
        let forwarding = SendRoutingInfoRes {
            imsi: Some("204081234567890".parse().unwrap()),
            routing_info: Some(ExtendedRoutingInfo::ForwardingData(ForwardingData {
                forwarded_to_number: Some(intl("31687654321")),
                forwarding_options: Some(0x24),
                ..Default::default()
            })),
            ..Default::default()
        };
        let ati_res = AnyTimeInterrogationRes {
            subscriber_info: info,
            ..Default::default()
        };
        let (v2, v3) = (Version::V2, Version::V3);
        let sri_op = opcode::SEND_ROUTING_INFO;
        let ati_op = opcode::ANY_TIME_INTERROGATION;
        // (invoke?, opcode, version, encoding)
        let samples = [
            (true, sri_op, v3, enc(&|w| sri.encode(w, v3))),
            (true, sri_op, v2, enc(&|w| sri.encode(w, v2))),
            (true, ati_op, v3, enc(&|w| ati.encode(w))),
            (false, sri_op, v3, enc(&|w| roaming.encode(w, v3))),
            (false, sri_op, v3, enc(&|w| forwarding.encode(w, v3))),
            (false, sri_op, v2, enc(&|w| roaming.encode(w, v2))),
            (false, sri_op, v2, enc(&|w| forwarding.encode(w, v2))),
            (false, ati_op, v3, enc(&|w| ati_res.encode(w))),
        ];
        let mut read = 0;
        for (invoke, op, version, ber) in &samples {
            for i in 0..ber.len() {
                for x in [
                    0x00,
                    0xff,
                    ber[i] ^ 0x01,
                    ber[i] ^ 0x80,
                    ber[i].wrapping_add(1),
                ] {
                    let mut m = ber.clone();
                    m[i] = x;
                    let Ok(p) = Tlv::parse_single(&m) else {
                        continue;
                    };
                    let mut bad = MalformedMembers::new();
                    let codec = if *invoke {
                        decode_invoke_lenient((*op).into(), Some(p), *version, &mut bad).is_ok()
                    } else {
                        let o = Operation::from_code((*op).into()).unwrap();
                        decode_result_lenient(o, Some(p), *version, &mut bad).is_ok()
                    };
                    let mut j = J::new();
                    let mut off = J::off(); // --summary
                    let walk = [&mut j, &mut off].map(|j| {
                        if *invoke {
                            map_argument(j, *op, p, *version)
                        } else {
                            map_result(j, *op, p, *version)
                        }
                    });
                    for w in &walk {
                        assert_eq!(w.is_ok(), codec, "{}: {w:?}", crate::ber::hex(&m));
                    }
                    if codec {
                        read += 1;
                        serde_json::from_slice::<serde_json::Value>(j.bytes())
                            .unwrap_or_else(|e| panic!("{e}: {}", crate::ber::hex(&m)));
                    }
                }
            }
        }
        assert!(read > 500, "{read}");
    }
}
