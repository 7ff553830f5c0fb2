//! The simulated HLR fed with what scpd's own MAP encoders send, its answers decoded with
//! scpd's own decoders; and the whole run against a stand-in scpd on loopback.

use super::*;
use crate::ber::Tag;
use crate::config::Endpoint;
use crate::lab::sim::SimError;
use crate::map::{decode_error, decode_result, ExtendedRoutingInfo, RequestedInfo, Res};
use crate::transport::tcp::FrameReader;
use proptest::prelude::*;
use std::time::Duration;
use tokio::io::AsyncWriteExt;

const OTID: [u8; 4] = [0x53, 0x00, 0x00, 0x01];
const SCPD_PC: u32 = 200;
const HLR_PC: u32 = 300;
const GSMSCF: &str = "491700000099";

fn hlr(profile: HlrProfile) -> Hlr {
    Hlr::new(profile, Variant::Itu).unwrap()
}

fn intl(digits: &str) -> AddressString {
    AddressString::international(digits.parse().unwrap())
}

/// A TC-BEGIN proposing `ac` with one Invoke (id 1) of `opcode`.
fn begin(ac: &[u8], opcode: u32, arg: impl FnOnce(&mut Writer<'_>)) -> Vec<u8> {
    let mut b = Vec::new();
    itu::encode(
        &mut b,
        MessageType::Begin,
        Some(&OTID),
        None,
        Some(DialogueOut::Aarq { ac }),
        |w| itu::invoke(w, 1, opcode, arg),
    );
    b
}

/// scpd's SendRoutingInfo for `msisdn` in a dialogue of `version`.
fn sri_begin(msisdn: &str, version: Version) -> Vec<u8> {
    let a = SendRoutingInfoArg::gsmscf(intl(msisdn), intl(GSMSCF));
    let ac = Operation::SendRoutingInfo.ac(version).unwrap();
    begin(ac, map::opcode::SEND_ROUTING_INFO, |w| {
        Arg::SendRoutingInfo(a).encode(w, version).unwrap()
    })
}

/// scpd's AnyTimeInterrogation of `who`, asking for `ri`.
fn ati_begin(who: SubscriberIdentity, ri: RequestedInfo<'static>) -> Vec<u8> {
    let a = AnyTimeInterrogationArg {
        requested_info: ri,
        ..AnyTimeInterrogationArg::location_and_state(who, intl(GSMSCF))
    };
    begin(
        map::ac::ANY_TIME_INFO_ENQUIRY_V3,
        map::opcode::ANY_TIME_INTERROGATION,
        |w| Arg::AnyTimeInterrogation(a).encode(w, Version::V3).unwrap(),
    )
}

fn by_msisdn(m: &str) -> SubscriberIdentity {
    SubscriberIdentity::Msisdn(intl(m))
}

/// The UDT scpd (gsmSCF, SSN 147) sends the HLR (SSN 6).
fn udt(tcap: &[u8]) -> Vec<u8> {
    let mut b = Vec::new();
    Unitdata::udt(
        0x81,
        Address::ssn_pc(HLR_PC, HLR_SSN),
        Address::ssn_pc(SCPD_PC, GSMSCF_SSN),
        tcap,
    )
    .encode(&mut b, Variant::Itu)
    .unwrap();
    b
}

/// The M3UA DATA carrying `sccp` from scpd to the HLR.
fn data(sccp: &[u8], sls: u8) -> Vec<u8> {
    let mut b = Vec::new();
    Builder::new(&mut b, Kind::Data)
        .protocol_data(&ProtocolData {
            opc: SCPD_PC,
            dpc: HLR_PC,
            si: 3,
            ni: 2,
            mp: 0,
            sls,
            data: sccp,
        })
        .finish();
    b
}

/// What the HLR answers a TCAP message, and the lines it logs.
fn ask(h: &mut Hlr, tcap: &[u8]) -> (Vec<u8>, Vec<serde_json::Value>) {
    let mut out = Vec::new();
    let mut log = J::new();
    h.on_tcap(tcap, &mut out, &mut log);
    let lines = std::str::from_utf8(log.bytes())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    (out, lines)
}

/// A TC-END to our OTID accepting `ac`, and its one component.
fn ended<'a>(reply: &'a [u8], ac: &[u8]) -> ComponentPdu<'a> {
    let m = TcMessage::decode(reply).unwrap();
    assert_eq!(m.kind, MessageType::End);
    assert_eq!(m.dtid, Some(&OTID[..]));
    assert_eq!(
        m.dialogue,
        Some(DialoguePdu::Aare {
            ac,
            result: 0,
            diagnostic: (1, 0)
        })
    );
    let mut c = m.component_pdus();
    let first = c.next().unwrap().unwrap();
    assert!(c.next().is_none());
    first
}

/// The ReturnResultLast of invoke 1 of `op` in a TC-END accepting `ac`, decoded.
fn result<'a>(reply: &'a [u8], op: Operation, version: Version) -> Res<'a> {
    let ac = op.ac(version).unwrap();
    let ComponentPdu::ReturnResult {
        invoke_id: 1,
        last: true,
        result: Some((Code::Local(code), parameter)),
    } = ended(reply, ac)
    else {
        panic!("no ReturnResultLast of invoke 1");
    };
    assert_eq!(code, i64::from(op.code()));
    decode_result(op, parameter, version).unwrap()
}

/// The ReturnError of invoke 1 in a TC-END accepting `ac`, decoded.
fn returned_error(reply: &[u8], op: Operation, version: Version) -> (MapError, bool) {
    let ComponentPdu::ReturnError {
        invoke_id: 1,
        error_code: Code::Local(code),
        parameter,
    } = ended(reply, op.ac(version).unwrap())
    else {
        panic!("no ReturnError of invoke 1");
    };
    let e = MapError::decode(code, parameter).unwrap();
    // What scpd's client makes of it (codes the operation does not declare fail there).
    if op.errors(version).iter().any(|&c| i64::from(c) == code) {
        assert_eq!(decode_error(op, code, parameter, version).unwrap(), e);
    }
    (e, parameter.is_some())
}

fn roaming(r: &Res<'_>) -> (String, String) {
    let Res::SendRoutingInfo(r) = r else {
        panic!("not a SendRoutingInfoRes")
    };
    let Some(ExtendedRoutingInfo::RoamingNumber(msrn)) = r.routing_info else {
        panic!("no roaming number: {r:?}")
    };
    assert_eq!((msrn.nature, msrn.plan), (1, 1));
    (
        r.imsi.unwrap().as_str().to_string(),
        msrn.digits.as_str().to_string(),
    )
}

fn subscriber_info<'a>(r: &Res<'a>) -> SubscriberInfo<'a> {
    let Res::AnyTimeInterrogation(r) = r else {
        panic!("not an AnyTimeInterrogationRes")
    };
    r.subscriber_info
}

fn with_special(list: &[(&str, Special)]) -> HlrProfile {
    HlrProfile {
        special: list.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
        ..Default::default()
    }
}

#[test]
fn sri_v3_answers_the_imsi_and_consecutive_msrns_wrapping() {
    let mut h = hlr(HlrProfile {
        msrns: 3,
        ..Default::default()
    });
    let mut msrns = Vec::new();
    for n in 0..4 {
        let msisdn = format!("49170000000{n}");
        let (reply, lines) = ask(&mut h, &sri_begin(&msisdn, Version::V3));
        let (imsi, msrn) = roaming(&result(&reply, Operation::SendRoutingInfo, Version::V3));
        assert_eq!(imsi, format!("26201170000000{n}"));
        assert_eq!(
            lines,
            [serde_json::json!({
                "op": "sri", "version": 3, "otid": "53000001", "msisdn": msisdn,
                "answer": "msrn", "msrn": msrn, "imsi": imsi,
            })]
        );
        msrns.push(msrn);
    }
    assert_eq!(
        msrns,
        [
            "491739990000",
            "491739990001",
            "491739990002",
            "491739990000"
        ]
    );
    let r = &h.rep;
    assert_eq!(
        (r.requests, r.sri, r.msrns, r.answered, r.malformed),
        (4, 4, 4, 4, 0)
    );
}

#[test]
fn sri_v2_is_answered_in_the_v2_form() {
    let mut h = hlr(HlrProfile::default());
    let (reply, _) = ask(&mut h, &sri_begin("491700000001", Version::V2));
    let (imsi, msrn) = roaming(&result(&reply, Operation::SendRoutingInfo, Version::V2));
    assert_eq!(
        (imsi.as_str(), msrn.as_str()),
        ("262011700000001", "491739990000")
    );
    // The v2 result is an untagged SEQUENCE, the v3 one [3].
    let ComponentPdu::ReturnResult {
        result: Some((_, Some(p))),
        ..
    } = ended(&reply, map::ac::LOCATION_INFO_RETRIEVAL_V2)
    else {
        panic!()
    };
    assert!(p.tag.is(Tag::SEQUENCE));
    let (reply, _) = ask(&mut h, &sri_begin("491700000001", Version::V3));
    let ComponentPdu::ReturnResult {
        result: Some((_, Some(p))),
        ..
    } = ended(&reply, map::ac::LOCATION_INFO_RETRIEVAL_V3)
    else {
        panic!()
    };
    assert!(p.tag.is(Tag::ctx_cons(3)));
}

#[test]
fn the_imsi_is_the_mcc_mnc_and_the_last_ten_digits() {
    let h = hlr(HlrProfile::default());
    assert_eq!(h.imsi_of("491700000001"), "262011700000001");
    assert_eq!(h.imsi_of("12345"), "262010000012345");
    assert_eq!(h.imsi_of(""), "262010000000000");
    assert_eq!(h.imsi_of("4917123456789"), "262017123456789");
}

#[test]
fn msrns_keep_their_length_and_wrap_past_the_last_number() {
    let mut h = hlr(HlrProfile {
        msrn_first: "0998".into(),
        msrns: 5,
        ..Default::default()
    });
    let got: Vec<String> = (0..6).map(|_| h.next_msrn()).collect();
    assert_eq!(got, ["0998", "0999", "1000", "1001", "1002", "0998"]);
    let mut h = hlr(HlrProfile {
        msrn_first: "98".into(),
        msrns: 4,
        ..Default::default()
    });
    let got: Vec<String> = (0..4).map(|_| h.next_msrn()).collect();
    assert_eq!(got, ["98", "99", "00", "01"]);
}

#[test]
fn configured_errors_are_returned_with_the_parameter_of_the_version() {
    let mut h = hlr(with_special(&[
        ("491700000001", Special::Error(UNKNOWN_SUBSCRIBER)),
        ("491700000002", Special::Error(ABSENT_SUBSCRIBER)),
        (
            "491700000003",
            Special::Error(map_error_by_name("systemFailure").unwrap()),
        ),
        (
            "491700000004",
            Special::Error(map_error_by_name("ati-NotAllowed").unwrap()),
        ),
    ]));
    let sri = Operation::SendRoutingInfo;
    let (reply, lines) = ask(&mut h, &sri_begin("491700000001", Version::V3));
    assert_eq!(
        returned_error(&reply, sri, Version::V3),
        (
            MapError::UnknownSubscriber {
                diagnostic: Some(0)
            },
            true
        )
    );
    assert_eq!(lines[0]["answer"], "unknownSubscriber");
    assert_eq!(lines[0]["msisdn"], "491700000001");
    // v2: no UnknownSubscriberParam.
    let (reply, _) = ask(&mut h, &sri_begin("491700000001", Version::V2));
    assert_eq!(
        returned_error(&reply, sri, Version::V2),
        (MapError::UnknownSubscriber { diagnostic: None }, false)
    );
    let (reply, _) = ask(&mut h, &sri_begin("491700000002", Version::V3));
    assert_eq!(
        returned_error(&reply, sri, Version::V3),
        (MapError::AbsentSubscriber { reason: Some(0) }, true)
    );
    let (reply, _) = ask(&mut h, &sri_begin("491700000002", Version::V2));
    assert_eq!(
        returned_error(&reply, sri, Version::V2),
        (MapError::AbsentSubscriber { reason: None }, false)
    );
    let (reply, _) = ask(&mut h, &sri_begin("491700000003", Version::V3));
    assert_eq!(
        returned_error(&reply, sri, Version::V3),
        (
            MapError::SystemFailure {
                network_resource: None
            },
            false
        )
    );
    // The same subscribers asked about with AnyTimeInterrogation.
    let ati = Operation::AnyTimeInterrogation;
    let ri = RequestedInfo::location_and_state();
    let (reply, lines) = ask(&mut h, &ati_begin(by_msisdn("491700000004"), ri));
    assert_eq!(
        returned_error(&reply, ati, Version::V3),
        (MapError::AtiNotAllowed, false)
    );
    assert_eq!(lines[0]["op"], "ati");
    assert_eq!(lines[0]["answer"], "ati-NotAllowed");
    let (reply, _) = ask(&mut h, &ati_begin(by_msisdn("491700000001"), ri));
    assert_eq!(
        returned_error(&reply, ati, Version::V3).0,
        UNKNOWN_SUBSCRIBER
    );
    let count = |n: &str| h.rep.errors.get(n).copied().unwrap_or(0);
    assert_eq!(
        (
            count("unknownSubscriber"),
            count("absentSubscriber"),
            count("systemFailure"),
            count("ati-NotAllowed")
        ),
        (3, 2, 1, 1)
    );
    assert_eq!(
        (h.rep.msrns, h.rep.answered, h.rep.sri, h.rep.ati),
        (0, 7, 5, 2)
    );
}

#[test]
fn error_names_are_ts_29002_names() {
    assert_eq!(
        map_error_by_name("unknownSubscriber"),
        Some(UNKNOWN_SUBSCRIBER)
    );
    assert_eq!(
        map_error_by_name("absentsubscriber"),
        Some(ABSENT_SUBSCRIBER)
    );
    assert_eq!(
        map_error_by_name("ati-NotAllowed"),
        Some(MapError::AtiNotAllowed)
    );
    assert_eq!(
        map_error_by_name("callBarred"),
        Some(MapError::CallBarred { cause: None })
    );
    // A MAP error this codec does not model keeps its code.
    assert_eq!(
        map_error_by_name("roamingNotAllowed"),
        Some(MapError::Other(8))
    );
    assert_eq!(map_error_by_name("noSuchError"), None);
    assert_eq!(map_error_by_name(""), None);
}

#[test]
fn v2_only_refuses_the_v3_context_naming_v2() {
    let mut h = hlr(HlrProfile {
        v2_only: true,
        ..Default::default()
    });
    let (reply, lines) = ask(&mut h, &sri_begin("491700000001", Version::V3));
    let m = TcMessage::decode(&reply).unwrap();
    assert_eq!(m.kind, MessageType::Abort);
    assert_eq!(m.dtid, Some(&OTID[..]));
    assert_eq!(
        m.dialogue,
        Some(DialoguePdu::Aare {
            ac: map::ac::LOCATION_INFO_RETRIEVAL_V2,
            result: 1,
            diagnostic: (1, 2)
        })
    );
    assert!(m.components.is_none());
    assert_eq!(lines[0]["answer"], "refused");
    assert_eq!(lines[0]["version"], 3);
    assert_eq!(lines[0]["msisdn"], "491700000001");
    // The fallback in v2 is served, and so is AnyTimeInterrogation (v3 only).
    let (reply, _) = ask(&mut h, &sri_begin("491700000001", Version::V2));
    roaming(&result(&reply, Operation::SendRoutingInfo, Version::V2));
    let (reply, _) = ask(
        &mut h,
        &ati_begin(
            by_msisdn("491700000001"),
            RequestedInfo::location_and_state(),
        ),
    );
    result(&reply, Operation::AnyTimeInterrogation, Version::V3);
    let r = &h.rep;
    assert_eq!(
        (r.requests, r.refused_v3, r.sri, r.msrns, r.answered),
        (3, 1, 1, 1, 3)
    );
}

#[test]
fn silent_subscribers_get_nothing() {
    let mut h = hlr(with_special(&[("491700000001", Special::Silent)]));
    let (reply, lines) = ask(&mut h, &sri_begin("491700000001", Version::V3));
    assert!(reply.is_empty());
    assert_eq!(lines[0]["answer"], "silent");
    let (reply, _) = ask(
        &mut h,
        &ati_begin(
            by_msisdn("491700000001"),
            RequestedInfo::location_and_state(),
        ),
    );
    assert!(reply.is_empty());
    // Others are answered.
    let (reply, _) = ask(&mut h, &sri_begin("491700000002", Version::V3));
    assert!(!reply.is_empty());
    let r = &h.rep;
    assert_eq!((r.requests, r.silent, r.answered, r.msrns), (3, 2, 1, 1));
    // scpd giving up on the silent dialogue (TC-ABORT) is nothing to answer.
    let mut abort = Vec::new();
    itu::encode(
        &mut abort,
        MessageType::Abort,
        None,
        Some(&OTID),
        None,
        |_| {},
    );
    assert!(ask(&mut h, &abort).0.is_empty());
    assert_eq!(h.rep.malformed, 0);
}

#[test]
fn ati_answers_only_the_members_asked_for() {
    let geo = GeographicalInformation::from_degrees(52.52, 13.405, 100.0);
    let mut h = hlr(HlrProfile {
        age: 5,
        geo: Some(geo),
        state: HlrState::Busy,
        ..Default::default()
    });
    let ati = Operation::AnyTimeInterrogation;
    let cases = [
        (true, true, "location"),
        (true, false, "location"),
        (false, true, "state"),
        (false, false, "nothing"),
    ];
    for (location, state, answer) in cases {
        let ri = RequestedInfo {
            location_information: location,
            subscriber_state: state,
            ..RequestedInfo::location_and_state()
        };
        let (reply, lines) = ask(&mut h, &ati_begin(by_msisdn("491700000001"), ri));
        let info = subscriber_info(&result(&reply, ati, Version::V3));
        assert_eq!(info.location_information.is_some(), location);
        assert_eq!(
            info.subscriber_state,
            state.then_some(SubscriberState::CamelBusy)
        );
        assert_eq!(lines[0]["answer"], answer);
        assert_eq!(lines[0]["msisdn"], "491700000001");
        assert_eq!(
            lines[0].get("state").and_then(|s| s.as_str()),
            state.then_some("camelBusy")
        );
        if let Some(l) = info.location_information {
            assert_eq!(l.age_of_location_information, Some(5));
            assert_eq!(l.vlr_number, Some(intl("491720000001")));
            assert_eq!(l.msc_number, Some(intl("491720000001")));
            assert_eq!(
                l.cell_id_or_lai,
                Some(CellIdOrLai::CellId {
                    plmn: Plmn {
                        mcc: 262,
                        mnc: 1,
                        mnc_3_digits: false
                    },
                    lac: 0x1234,
                    ci: 0x5678
                })
            );
            assert!(!l.current_location_retrieved);
            assert_eq!(info.geographical_information(), Some(Ok(geo)));
        }
    }
    assert_eq!((h.rep.ati, h.rep.answered), (4, 4));
}

#[test]
fn ati_without_geo_and_every_state() {
    for (state, want) in [
        (HlrState::Idle, SubscriberState::AssumedIdle),
        (HlrState::Busy, SubscriberState::CamelBusy),
        (
            HlrState::NotReachable,
            SubscriberState::NetDetNotReachable(not_reachable_reason::IMSI_DETACHED),
        ),
        (HlrState::NotProvided, SubscriberState::NotProvidedFromVlr),
    ] {
        let mut h = hlr(HlrProfile {
            state,
            ..Default::default()
        });
        let ri = RequestedInfo {
            current_location: true,
            ..RequestedInfo::location_and_state()
        };
        let (reply, lines) = ask(&mut h, &ati_begin(by_msisdn("491700000001"), ri));
        let info = subscriber_info(&result(
            &reply,
            Operation::AnyTimeInterrogation,
            Version::V3,
        ));
        assert_eq!(info.subscriber_state, Some(want));
        assert_eq!(lines[0]["state"], state_name(want));
        let l = info.location_information.unwrap();
        assert_eq!(l.geographical_information, None);
        assert!(l.current_location_retrieved);
    }
}

#[test]
fn ati_by_imsi_is_keyed_by_the_imsi() {
    let mut h = hlr(with_special(&[("262011700000001", Special::Silent)]));
    let imsi = SubscriberIdentity::Imsi("262011700000001".parse().unwrap());
    let (reply, lines) = ask(
        &mut h,
        &ati_begin(imsi, RequestedInfo::location_and_state()),
    );
    assert!(reply.is_empty());
    assert_eq!(lines[0]["imsi"], "262011700000001");
    let imsi = SubscriberIdentity::Imsi("262011700000002".parse().unwrap());
    let (reply, _) = ask(
        &mut h,
        &ati_begin(imsi, RequestedInfo::location_and_state()),
    );
    result(&reply, Operation::AnyTimeInterrogation, Version::V3);
}

#[test]
fn undecodable_invokes_are_rejected_in_a_tc_end() {
    let mut h = hlr(HlrProfile::default());
    let v3 = map::ac::LOCATION_INFO_RETRIEVAL_V3;
    // An argument that is not a SendRoutingInfoArg: mistyped parameter.
    let bad = begin(v3, map::opcode::SEND_ROUTING_INFO, |w| w.null(Tag::NULL));
    let (reply, lines) = ask(&mut h, &bad);
    assert_eq!(
        ended(&reply, v3),
        ComponentPdu::Reject {
            invoke_id: Some(1),
            problem: (problem::INVOKE, problem::MISTYPED_PARAMETER)
        }
    );
    assert_eq!(lines[0]["answer"], "reject");
    // The operation of another context: unrecognized operation.
    let a = AnyTimeInterrogationArg::location_and_state(by_msisdn("491700000001"), intl(GSMSCF));
    let other = begin(v3, map::opcode::ANY_TIME_INTERROGATION, |w| {
        Arg::AnyTimeInterrogation(a).encode(w, Version::V3).unwrap()
    });
    let (reply, _) = ask(&mut h, &other);
    assert_eq!(
        ended(&reply, v3),
        ComponentPdu::Reject {
            invoke_id: Some(1),
            problem: (problem::INVOKE, problem::UNRECOGNIZED_OPERATION)
        }
    );
    // A result where the Invoke should be.
    let mut rr = Vec::new();
    itu::encode(
        &mut rr,
        MessageType::Begin,
        Some(&OTID),
        None,
        Some(DialogueOut::Aarq { ac: v3 }),
        |w| w.constructed(Tag::ctx_cons(2), |w| w.integer(Tag::INTEGER, 1)),
    );
    let (reply, _) = ask(&mut h, &rr);
    assert!(matches!(
        ended(&reply, v3),
        ComponentPdu::Reject {
            invoke_id: None,
            ..
        }
    ));
    assert_eq!((h.rep.malformed, h.rep.answered, h.rep.sri), (3, 3, 0));
}

#[test]
fn an_unknown_context_is_refused_naming_it() {
    let mut h = hlr(HlrProfile::default());
    let ac = [0x04, 0x00, 0x00, 0x01, 0x00, 0x05, 0x01]; // locationInfoRetrieval v1
    let (reply, lines) = ask(&mut h, &begin(&ac, 22, |_| {}));
    let m = TcMessage::decode(&reply).unwrap();
    assert_eq!(m.kind, MessageType::Abort);
    assert_eq!(
        m.dialogue,
        Some(DialoguePdu::Aare {
            ac: &ac,
            result: 1,
            diagnostic: (1, 2)
        })
    );
    assert_eq!(lines[0]["answer"], "refused");
    assert_eq!(lines[0]["ac"], "0.4.0.0.1.0.5.1");
    assert_eq!((h.rep.refused_ac, h.rep.answered), (1, 1));
}

#[test]
fn bad_transaction_portions_are_p_aborted() {
    let mut h = hlr(HlrProfile::default());
    let p_abort = |reply: &[u8]| {
        let m = TcMessage::decode(reply).unwrap();
        assert_eq!((m.kind, m.dtid), (MessageType::Abort, Some(&OTID[..])));
        m.p_abort.unwrap()
    };
    // A Begin without dialogue portion (MAP v1): not served.
    let mut v1 = Vec::new();
    itu::encode(&mut v1, MessageType::Begin, Some(&OTID), None, None, |w| {
        itu::invoke(w, 1, 22, |_| {})
    });
    assert_eq!(
        p_abort(&ask(&mut h, &v1).0),
        PAbortCause::IncorrectTransactionPortion as u8
    );
    // A Begin whose transaction portion has an element too many.
    let mut odd = Vec::new();
    Writer::new(&mut odd).constructed(itu::tags::BEGIN, |w| {
        w.primitive(itu::tags::OTID, &OTID);
        w.null(Tag::NULL);
    });
    assert_eq!(
        p_abort(&ask(&mut h, &odd).0),
        PAbortCause::IncorrectTransactionPortion as u8
    );
    // A Continue: no dialogue of ours.
    let mut cont = Vec::new();
    itu::encode(
        &mut cont,
        MessageType::Continue,
        Some(&OTID),
        Some(&[9]),
        None,
        |_| {},
    );
    assert_eq!(
        p_abort(&ask(&mut h, &cont).0),
        PAbortCause::UnrecognizedTransactionId as u8
    );
    // An unknown message type with no transaction id to name: nothing.
    let (reply, lines) = ask(&mut h, &[0x6f, 0x00]);
    assert!(reply.is_empty());
    assert_eq!(lines[0]["answer"], "malformed");
    assert_eq!(h.rep.malformed, 4);
}

#[test]
fn sccp_answers_go_back_with_the_addresses_swapped() {
    let mut h = hlr(HlrProfile::default());
    let mut out = Vec::new();
    h.on_sccp(
        &udt(&sri_begin("491700000001", Version::V3)),
        &mut out,
        &mut J::off(),
    );
    let u = Unitdata::decode(&out).unwrap();
    assert_eq!(u.msg_type, crate::sccp::msg_type::UDT);
    assert_eq!(u.protocol_class, 0x81);
    assert_eq!(u.called, Address::ssn_pc(SCPD_PC, GSMSCF_SSN));
    assert_eq!(u.calling, Address::ssn_pc(HLR_PC, HLR_SSN));
    roaming(&result(u.data, Operation::SendRoutingInfo, Version::V3));
    assert_eq!(h.rep.ssn_mismatches, 0);
    // Other subsystems are served too, and counted.
    let mut b = Vec::new();
    let tcap = sri_begin("491700000001", Version::V3);
    Unitdata::udt(
        0,
        Address::ssn_pc(HLR_PC, 7),
        Address::ssn_pc(SCPD_PC, 146),
        &tcap,
    )
    .encode(&mut b, Variant::Itu)
    .unwrap();
    out.clear();
    h.on_sccp(&b, &mut out, &mut J::off());
    let u = Unitdata::decode(&out).unwrap();
    assert_eq!(
        (u.called.ssn, u.calling.ssn, u.protocol_class),
        (Some(146), Some(7), 0)
    );
    assert_eq!(h.rep.ssn_mismatches, 1);
}

#[test]
fn ansi_sccp_is_served_too() {
    let mut h = Hlr::new(HlrProfile::default(), Variant::Ansi).unwrap();
    let national = |a: Address<'static>| Address {
        national: true,
        ..a
    };
    let mut b = Vec::new();
    let tcap = sri_begin("491700000001", Version::V3);
    Unitdata::udt(
        0x81,
        national(Address::ssn_pc(HLR_PC, HLR_SSN)),
        national(Address::ssn_pc(SCPD_PC, GSMSCF_SSN)),
        &tcap,
    )
    .encode(&mut b, Variant::Ansi)
    .unwrap();
    let mut out = Vec::new();
    h.on_sccp(&b, &mut out, &mut J::off());
    let u = Unitdata::decode_variant(&out, Variant::Ansi).unwrap();
    assert_eq!(u.called.pc, Some(SCPD_PC));
    roaming(&result(u.data, Operation::SendRoutingInfo, Version::V3));
}

#[test]
fn m3ua_answers_swap_the_label_and_echo_the_sls() {
    let mut h = hlr(HlrProfile::default());
    let mut out = Vec::new();
    let m = data(&udt(&sri_begin("491700000001", Version::V3)), 13);
    h.on_m3ua(&m, Some(7), &mut out, &mut J::off()).unwrap();
    let msg = Message::parse(&out).unwrap();
    assert_eq!(msg.kind(), Some(Kind::Data));
    assert_eq!(
        msg.param(m3ua::codec::tag::ROUTING_CONTEXT),
        Some(&7u32.to_be_bytes()[..])
    );
    let pd = msg.protocol_data().unwrap();
    assert_eq!(
        (pd.opc, pd.dpc, pd.si, pd.ni, pd.sls),
        (HLR_PC, SCPD_PC, 3, 2, 13)
    );
    let u = Unitdata::decode(pd.data).unwrap();
    roaming(&result(u.data, Operation::SendRoutingInfo, Version::V3));
    // Without a routing context, none is stamped.
    out.clear();
    h.on_m3ua(&m, None, &mut out, &mut J::off()).unwrap();
    let msg = Message::parse(&out).unwrap();
    assert_eq!(msg.param(m3ua::codec::tag::ROUTING_CONTEXT), None);
    // A heartbeat is acknowledged with its data; an ERR is reported.
    let mut beat = Vec::new();
    Builder::new(&mut beat, Kind::Beat)
        .param(m3ua::codec::tag::HEARTBEAT_DATA, b"hb01")
        .finish();
    out.clear();
    h.on_m3ua(&beat, None, &mut out, &mut J::off()).unwrap();
    let ack = Message::parse(&out).unwrap();
    assert_eq!(ack.kind(), Some(Kind::BeatAck));
    assert_eq!(
        ack.param(m3ua::codec::tag::HEARTBEAT_DATA),
        Some(&b"hb01"[..])
    );
    let mut err = Vec::new();
    m3ua::pdu::encode_err(&mut err, m3ua::ErrorCode::InvalidRoutingContext, None, None);
    out.clear();
    assert!(h.on_m3ua(&err, None, &mut out, &mut J::off()).is_err());
    assert!(out.is_empty());
}

#[test]
fn the_ssa_announces_our_subsystem_at_our_point_code() {
    let mut out = Vec::new();
    ssa(HLR_PC, SCPD_PC, HLR_SSN, Variant::Itu, Some(5), &mut out).unwrap();
    let msg = Message::parse(&out).unwrap();
    assert_eq!(msg.kind(), Some(Kind::Data));
    assert_eq!(
        msg.param(m3ua::codec::tag::ROUTING_CONTEXT),
        Some(&5u32.to_be_bytes()[..])
    );
    let pd = msg.protocol_data().unwrap();
    assert_eq!((pd.opc, pd.dpc, pd.si), (HLR_PC, SCPD_PC, 3));
    let u = Unitdata::decode(pd.data).unwrap();
    assert_eq!(u.protocol_class, 0);
    assert_eq!(u.called, Address::ssn_pc(SCPD_PC, SSN_SCMG));
    assert_eq!(u.calling, Address::ssn_pc(HLR_PC, SSN_SCMG));
    assert_eq!(
        ScmgMessage::decode(u.data, Variant::Itu).unwrap(),
        ScmgMessage {
            format: scmg_type::SSA,
            affected_ssn: HLR_SSN,
            affected_pc: HLR_PC,
            multiplicity: 0,
            congestion_level: None
        }
    );
    // scpd's SCMG reads it as our subsystem allowed.
    let mut scmg = crate::sccp::scmg::Scmg::new(Variant::Itu, SCPD_PC, [GSMSCF_SSN], vec![]);
    assert_eq!(
        scmg.receive(HLR_PC, &u).unwrap(),
        [crate::sccp::scmg::ScmgEvent::RemoteAllowed {
            pc: HLR_PC,
            ssn: HLR_SSN
        }]
    );
}

#[test]
fn a_subsystem_status_test_of_ours_is_answered_allowed() {
    let mut h = hlr(HlrProfile::default());
    let mut body = Vec::new();
    ScmgMessage::new(scmg_type::SST, HLR_SSN, HLR_PC).encode(&mut body, Variant::Itu);
    let mut sst = Vec::new();
    Unitdata::udt(
        0,
        Address::ssn_pc(HLR_PC, SSN_SCMG),
        Address::ssn_pc(SCPD_PC, SSN_SCMG),
        &body,
    )
    .encode(&mut sst, Variant::Itu)
    .unwrap();
    let mut out = Vec::new();
    h.on_sccp(&sst, &mut out, &mut J::off());
    let u = Unitdata::decode(&out).unwrap();
    assert_eq!(u.called, Address::ssn_pc(SCPD_PC, SSN_SCMG));
    let m = ScmgMessage::decode(u.data, Variant::Itu).unwrap();
    assert_eq!(
        (m.format, m.affected_ssn, m.affected_pc),
        (scmg_type::SSA, HLR_SSN, HLR_PC)
    );
    // Another subsystem's test: not ours to answer.
    body.clear();
    ScmgMessage::new(scmg_type::SST, 8, HLR_PC).encode(&mut body, Variant::Itu);
    sst.clear();
    Unitdata::udt(
        0,
        Address::ssn_pc(HLR_PC, SSN_SCMG),
        Address::ssn_pc(SCPD_PC, SSN_SCMG),
        &body,
    )
    .encode(&mut sst, Variant::Itu)
    .unwrap();
    out.clear();
    h.on_sccp(&sst, &mut out, &mut J::off());
    assert!(out.is_empty());
    assert_eq!((h.rep.sst, h.rep.requests), (1, 0));
}

#[test]
fn bad_profiles_are_refused_up_front() {
    let bad = [
        HlrProfile {
            imsi_prefix: "2620".into(),
            ..Default::default()
        },
        HlrProfile {
            msrn_first: "49x".into(),
            ..Default::default()
        },
        HlrProfile {
            msrn_first: "1234567890123456".into(),
            ..Default::default()
        },
        HlrProfile {
            msrns: 0,
            ..Default::default()
        },
        HlrProfile {
            age: 40_000,
            ..Default::default()
        },
        HlrProfile {
            vlr: "".into(),
            ..Default::default()
        },
        HlrProfile {
            vlr: "4917#".into(),
            ..Default::default()
        },
        with_special(&[("1", Special::Error(MapError::CallBarred { cause: Some(9) }))]),
    ];
    for p in bad {
        assert!(Hlr::new(p.clone(), Variant::Itu).is_err(), "{p:?}");
    }
}

/// Every prefix of a good message, and a few bytes changed in it, through every layer.
#[test]
fn truncated_messages_never_panic() {
    let mut h = hlr(HlrProfile::default());
    let msgs = [
        data(&udt(&sri_begin("491700000001", Version::V3)), 0),
        data(&udt(&sri_begin("491700000001", Version::V2)), 0),
        data(
            &udt(&ati_begin(
                by_msisdn("491700000001"),
                RequestedInfo::location_and_state(),
            )),
            0,
        ),
    ];
    let mut out = Vec::new();
    for m in &msgs {
        for cut in 0..m.len() {
            let _ = h.on_m3ua(&m[..cut], None, &mut out, &mut J::new());
            let sccp = &m[24..];
            if cut < sccp.len() {
                h.on_sccp(&sccp[..cut], &mut out, &mut J::new());
            }
            let tcap = &sccp[sccp.len().min(14)..];
            if cut < tcap.len() {
                h.on_tcap(&tcap[..cut], &mut out, &mut J::new());
            }
            out.clear();
        }
    }
    assert!(h.rep.malformed > 0);
}

proptest! {
    #[test]
    fn random_bytes_never_panic(data in proptest::collection::vec(any::<u8>(), 0..300)) {
        let mut h = hlr(HlrProfile::default());
        let mut out = Vec::new();
        let mut log = J::new();
        let _ = h.on_m3ua(&data, Some(1), &mut out, &mut log);
        h.on_sccp(&data, &mut out, &mut log);
        h.on_tcap(&data, &mut out, &mut log);
    }

    #[test]
    fn mutated_requests_never_panic(which in 0..3usize, at in any::<usize>(), byte in any::<u8>()) {
        let mut h = hlr(HlrProfile { v2_only: which == 1, ..Default::default() });
        let mut tcap = match which {
            0 => sri_begin("491700000001", Version::V3),
            1 => sri_begin("491700000001", Version::V2),
            _ => ati_begin(by_msisdn("491700000001"), RequestedInfo::location_and_state()),
        };
        let i = at % tcap.len();
        tcap[i] = byte;
        let mut out = Vec::new();
        let mut log = J::new();
        h.on_tcap(&tcap, &mut out, &mut log);
        // Whatever is answered is a TCAP message, and every log line is JSON.
        if !out.is_empty() {
            prop_assert!(TcMessage::decode(&out).is_ok());
        }
        for l in std::str::from_utf8(log.bytes()).unwrap().lines() {
            prop_assert!(serde_json::from_str::<serde_json::Value>(l).is_ok());
        }
        h.on_sccp(&udt(&tcap), &mut out, &mut log);
    }
}

/// A stand-in scpd: takes the ASP up and active, waits for the SSA, sends `requests` (each
/// a TCAP message) and returns the SSA and the TCAP answers it got, by the time the HLR
/// closes the association.
async fn scpd(
    listener: tokio::net::TcpListener,
    requests: Vec<Vec<u8>>,
) -> (Vec<u8>, Vec<Vec<u8>>) {
    let (s, _) = listener.accept().await.unwrap();
    let (rd, mut wr) = s.into_split();
    let mut rd = FrameReader::new(rd);
    let mut out = Vec::new();
    let mut ssa = Vec::new();
    let mut answers = Vec::new();
    while let Ok(Some(m)) = rd.next().await {
        out.clear();
        let msg = Message::parse(m).unwrap();
        match msg.kind() {
            Some(Kind::AspUp) => {
                Builder::new(&mut out, Kind::AspUpAck).finish();
            }
            Some(Kind::AspAc) => {
                assert_eq!(
                    msg.param(m3ua::codec::tag::ROUTING_CONTEXT),
                    Some(&7u32.to_be_bytes()[..])
                );
                Builder::new(&mut out, Kind::AspAcAck).finish();
            }
            Some(Kind::Data) if ssa.is_empty() => {
                ssa = m.to_vec();
                for (i, r) in requests.iter().enumerate() {
                    out.extend_from_slice(&data(&udt(r), i as u8));
                }
            }
            Some(Kind::Data) => {
                let pd = msg.protocol_data().unwrap();
                answers.push(Unitdata::decode(pd.data).unwrap().data.to_vec());
            }
            _ => {}
        }
        wr.write_all(&out).await.unwrap();
    }
    (ssa, answers)
}

#[tokio::test]
async fn serves_scpd_over_m3ua_until_the_calls_are_answered() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let to = Endpoint::Tcp(listener.local_addr().unwrap());
    // Two answered requests end the run: the silent one in between does not count.
    let requests = vec![
        sri_begin("491700000001", Version::V3),
        sri_begin("491700000009", Version::V3),
        ati_begin(
            by_msisdn("491700000002"),
            RequestedInfo::location_and_state(),
        ),
        sri_begin("491700000003", Version::V3),
    ];
    let stand_in = tokio::spawn(scpd(listener, requests));
    let cfg = HlrConfig {
        to,
        opc: HLR_PC,
        dpc: SCPD_PC,
        routing_context: Some(7),
        variant: Variant::Itu,
        timeout: Duration::from_secs(5),
        duration: Some(Duration::from_secs(30)),
        calls: Some(2),
        progress: false,
        verbose: true,
        profile: with_special(&[("491700000009", Special::Silent)]),
    };
    let mut lines = Vec::new();
    let rep = tokio::time::timeout(
        Duration::from_secs(30),
        run(cfg, std::future::pending(), &mut lines),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(rep.error, None);
    assert_eq!(rep.answered, 2);
    assert_eq!((rep.silent, rep.malformed), (1, 0));
    assert!(rep.requests >= 3);
    let (ssa, answers) = stand_in.await.unwrap();
    let pd = Message::parse(&ssa).unwrap().protocol_data().unwrap();
    assert_eq!((pd.opc, pd.dpc), (HLR_PC, SCPD_PC));
    assert_eq!(answers.len(), 2);
    roaming(&result(
        &answers[0],
        Operation::SendRoutingInfo,
        Version::V3,
    ));
    result(&answers[1], Operation::AnyTimeInterrogation, Version::V3);
    let lines: Vec<serde_json::Value> = std::str::from_utf8(&lines)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines[0]["answer"], "msrn");
    assert_eq!(lines[1]["answer"], "silent");
    assert_eq!(lines[2]["answer"], "location");
    // The report line's members.
    let v = serde_json::to_value(&rep).unwrap();
    for k in [
        "role",
        "requests",
        "sri",
        "ati",
        "msrns",
        "errors",
        "refused_v3",
        "silent",
        "malformed",
    ] {
        assert!(v.get(k).is_some(), "{k}");
    }
    assert_eq!(v["role"], "hlr");
}

#[tokio::test]
async fn stop_ends_the_run_with_its_report() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let to = Endpoint::Tcp(listener.local_addr().unwrap());
    let stand_in = tokio::spawn(scpd(listener, vec![sri_begin("491700000001", Version::V2)]));
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let cfg = HlrConfig {
        to,
        opc: HLR_PC,
        dpc: SCPD_PC,
        routing_context: Some(7),
        variant: Variant::Itu,
        timeout: Duration::from_secs(5),
        duration: None,
        calls: None,
        progress: false,
        verbose: false,
        profile: HlrProfile::default(),
    };
    let run = tokio::spawn(run(
        cfg,
        async move {
            let _ = rx.await;
        },
        std::io::sink(),
    ));
    // Once the answer is out, stop.
    tokio::time::sleep(Duration::from_millis(300)).await;
    tx.send(()).unwrap();
    let rep = tokio::time::timeout(Duration::from_secs(10), run)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(rep.error, None);
    assert_eq!((rep.sri, rep.msrns), (1, 1));
    let (_, answers) = stand_in.await.unwrap();
    roaming(&result(
        &answers[0],
        Operation::SendRoutingInfo,
        Version::V2,
    ));
}

#[tokio::test]
async fn a_closed_association_is_the_reports_error() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let to = Endpoint::Tcp(listener.local_addr().unwrap());
    tokio::spawn(async move {
        let (s, _) = listener.accept().await.unwrap();
        let (rd, mut wr) = s.into_split();
        let mut rd = FrameReader::new(rd);
        let mut out = Vec::new();
        while let Ok(Some(m)) = rd.next().await {
            out.clear();
            match Message::parse(m).unwrap().kind() {
                Some(Kind::AspUp) => Builder::new(&mut out, Kind::AspUpAck).finish(),
                Some(Kind::AspAc) => Builder::new(&mut out, Kind::AspAcAck).finish(),
                // Close on the SSA.
                _ => return,
            };
            wr.write_all(&out).await.unwrap();
        }
    });
    let cfg = HlrConfig {
        to,
        opc: HLR_PC,
        dpc: SCPD_PC,
        routing_context: None,
        variant: Variant::Itu,
        timeout: Duration::from_secs(5),
        duration: Some(Duration::from_secs(30)),
        calls: None,
        progress: false,
        verbose: false,
        profile: HlrProfile::default(),
    };
    let rep = tokio::time::timeout(
        Duration::from_secs(30),
        run(cfg, std::future::pending(), std::io::sink()),
    )
    .await
    .unwrap()
    .unwrap();
    assert!(rep.error.is_some());
}

#[test]
fn point_codes_must_fit_the_variant() {
    let cfg = HlrConfig {
        to: Endpoint::Tcp("127.0.0.1:9".parse().unwrap()),
        opc: 0x4000,
        dpc: SCPD_PC,
        routing_context: None,
        variant: Variant::Itu,
        timeout: Duration::from_secs(1),
        duration: None,
        calls: None,
        progress: false,
        verbose: false,
        profile: HlrProfile::default(),
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let r = rt.block_on(run(cfg, std::future::pending(), std::io::sink()));
    assert!(matches!(r, Err(SimError::Config(_))));
}
