//! `scpd decode` shows MAP as it shows CAP and INAP: SendRoutingInfo and
//! AnyTimeInterrogation (TS 29.002) named, their arguments, results and errors by ASN.1
//! member name, the MAP version from the dialogue's application context (`MAP v3` /
//! `MAP v2`) and, for a TC-END without a dialogue portion, from the TC-BEGIN it answers.
//!
//! Input: TCAP messages made with scpd's own TCAP and MAP encoders, written as hex lines
//! and read by the real binary (`decode --layer tcap FILE`). That the codec's encodings are
//! what an independent decoder reads is tests/map_tshark.rs's business; here the subject is
//! the presentation: names, values, versions, and how faults are shown.

use scpd::ber::{Tag, Writer};
use scpd::map::errors::{
    absent_subscriber_reason, network_resource, unknown_subscriber_diagnostic,
};
use scpd::map::*;
use scpd::sccp::{self, Address};
use scpd::tcap::itu::{self, DialogueOut, MessageType};
use serde_json::Value;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_scpd");

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn intl(d: &str) -> AddressString {
    AddressString::international(d.parse().unwrap())
}

fn imsi() -> TbcdDigits {
    "204081234567890".parse().unwrap()
}

/// `scpd decode ARGS FILE` of `messages` written one hex line each: the JSON lines.
fn decode(args: &[&str], messages: &[Vec<u8>]) -> Vec<Value> {
    let text = run(args, messages);
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn run(args: &[&str], messages: &[Vec<u8>]) -> String {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "scpd-decode-map-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("in.hex");
    let lines: String = messages.iter().map(|m| hex(m) + "\n").collect();
    std::fs::write(&file, lines).unwrap();
    let out = Command::new(BIN)
        .arg("decode")
        .args(args)
        .arg(&file)
        .output()
        .unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    // 3 and 4: some or all lines are error lines.
    assert!(
        matches!(out.status.code(), Some(0 | 3 | 4)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn tcap(messages: &[Vec<u8>]) -> Vec<Value> {
    decode(&["--layer", "tcap"], messages)
}

fn encoded(f: impl FnOnce(&mut Writer<'_>) -> Result<(), CodecError>) -> Vec<u8> {
    let mut v = Vec::new();
    f(&mut Writer::new(&mut v)).expect("encodes");
    v
}

const OTID: &[u8] = &[0x00, 0x00, 0x00, 0x01];

/// A TC-BEGIN naming `ac` with one Invoke of `op` whose argument is `param`.
fn begin(ac: Option<&[u8]>, op: Operation, param: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    itu::encode(
        &mut out,
        MessageType::Begin,
        Some(OTID),
        None,
        ac.map(|ac| DialogueOut::Aarq { ac }),
        |w| itu::invoke(w, 1, op.code(), |w| w.raw(param)),
    );
    out
}

/// A TC-END answering [`begin`]: `ac` in an AARE, or no dialogue portion at all.
fn end(ac: Option<&[u8]>, components: impl FnOnce(&mut Writer<'_>)) -> Vec<u8> {
    let mut out = Vec::new();
    itu::encode(
        &mut out,
        MessageType::End,
        None,
        Some(OTID),
        ac.map(|ac| DialogueOut::Aare {
            ac,
            result: 0,
            diagnostic: (1, 0),
        }),
        components,
    );
    out
}

/// ReturnResultLast (Q.773 §4.2.2.2) of invoke 1: `op` and its result `param`.
fn result_last(op: Operation, param: &[u8]) -> impl FnOnce(&mut Writer<'_>) + '_ {
    move |w| {
        w.constructed(Tag::ctx_cons(2), |w| {
            w.integer(Tag::INTEGER, 1);
            w.constructed(Tag::SEQUENCE, |w| {
                w.integer(Tag::INTEGER, op.code().into());
                w.raw(param);
            });
        })
    }
}

/// ReturnError (Q.773 §4.2.2.3) of invoke 1: `code` and the parameter's encoding.
fn return_error(code: i64, param: &[u8]) -> impl FnOnce(&mut Writer<'_>) + '_ {
    move |w| {
        w.constructed(Tag::ctx_cons(3), |w| {
            w.integer(Tag::INTEGER, 1);
            w.integer(Tag::INTEGER, code);
            w.raw(param);
        })
    }
}

fn component(line: &Value) -> &Value {
    &line["tcap"]["components"][0]
}

fn no_error(lines: &[Value]) {
    for l in lines {
        assert!(l.get("error").is_none(), "{l}");
    }
}

/// An ISDN-AddressString as decode shows it.
fn number(v: &Value, digits: &str) {
    assert_eq!(v["digits"], digits, "{v}");
    assert_eq!(v["nature"], 1, "{v}");
    assert_eq!(v["plan"], 1, "{v}");
}

#[test]
fn send_routing_info_v3_invoke_and_the_end_that_answers_it() {
    let arg = SendRoutingInfoArg::gsmscf(intl("31612345678"), intl("31655500001"));
    let res = SendRoutingInfoRes {
        vmsc_address: Some(intl("316540001")),
        subscriber_info: Some(SubscriberInfo {
            subscriber_state: Some(SubscriberState::AssumedIdle),
            ..Default::default()
        }),
        ..SendRoutingInfoRes::roaming(imsi(), intl("31600099999"))
    };
    let op = Operation::SendRoutingInfo;
    let param = encoded(|w| res.encode(w, Version::V3));
    let v = tcap(&[
        begin(
            Some(ac::LOCATION_INFO_RETRIEVAL_V3),
            op,
            &encoded(|w| arg.encode(w, Version::V3)),
        ),
        // No dialogue portion: the version is the Begin's.
        end(None, result_last(op, &param)),
    ]);
    no_error(&v);
    assert_eq!(v[0]["application"], "MAP v3", "{}", v[0]);
    let c = component(&v[0]);
    assert_eq!(c["operation"], "sendRoutingInfo");
    assert_eq!(c["opcode"], 22);
    let a = &c["argument"];
    number(&a["msisdn"], "31612345678");
    number(&a["gmsc-OrGsmSCF-Address"], "31655500001");
    assert_eq!(a["interrogationType"], "basicCall");
    assert_eq!(a["camelInfo"]["suppress-T-CSI"], true, "{a}");
    assert_eq!(
        a["camelInfo"]["supportedCamelPhases"],
        serde_json::json!(["phase1", "phase2", "phase3", "phase4"])
    );

    assert_eq!(v[1]["application"], "MAP v3", "{}", v[1]);
    assert!(v[1]["tcap"].get("dialogue").is_none());
    assert_eq!(v[1]["dialogue"], v[0]["dialogue"]);
    let c = component(&v[1]);
    assert_eq!(c["component"], "returnResultLast");
    assert_eq!(c["operation"], "sendRoutingInfo");
    let r = &c["result"];
    assert_eq!(r["imsi"], "204081234567890", "{r}");
    number(
        &r["extendedRoutingInfo"]["routingInfo"]["roamingNumber"],
        "31600099999",
    );
    number(&r["vmsc-Address"], "316540001");
    assert_eq!(r["subscriberInfo"]["subscriberState"]["assumedIdle"], true);
}

/// The v2 result is an untagged SEQUENCE read by position; only the Begin says it is v2.
#[test]
fn send_routing_info_v2_version_learnt_from_the_begin() {
    let arg = SendRoutingInfoArg {
        number_of_forwarding: Some(2),
        ..SendRoutingInfoArg::gsmscf(intl("31612345678"), intl("31655500001"))
    };
    let op = Operation::SendRoutingInfo;
    let roaming = SendRoutingInfoRes::roaming(imsi(), intl("31600099999"));
    let forwarding = SendRoutingInfoRes {
        imsi: Some(imsi()),
        routing_info: Some(ExtendedRoutingInfo::ForwardingData(ForwardingData {
            forwarded_to_number: Some(intl("31687654321")),
            forwarding_options: Some(0x24),
            ..Default::default()
        })),
        ..Default::default()
    };
    let invoke = begin(
        Some(ac::LOCATION_INFO_RETRIEVAL_V2),
        op,
        &encoded(|w| arg.encode(w, Version::V2)),
    );
    let mut lines = Vec::new();
    for res in [roaming, forwarding] {
        let param = encoded(|w| res.encode(w, Version::V2));
        lines.extend(tcap(&[invoke.clone(), end(None, result_last(op, &param))]));
    }
    no_error(&lines);
    for l in &lines {
        assert_eq!(l["application"], "MAP v2", "{l}");
    }
    let a = &component(&lines[0])["argument"];
    number(&a["msisdn"], "31612345678");
    assert_eq!(a["numberOfForwarding"], 2);
    // The v2 form has no interrogationType, GMSC address or camelInfo.
    assert_eq!(a.as_object().unwrap().len(), 2, "{a}");

    let r = &component(&lines[1])["result"];
    assert_eq!(r["imsi"], "204081234567890", "{r}");
    number(&r["routingInfo"]["roamingNumber"], "31600099999");
    assert!(r.get("extendedRoutingInfo").is_none());
    let r = &component(&lines[3])["result"];
    assert_eq!(r["imsi"], "204081234567890", "{r}");
    let f = &r["routingInfo"]["forwardingData"];
    number(&f["forwardedToNumber"], "31687654321");
    assert_eq!(f["forwardingOptions"], "24");
    assert!(r.get("cug-CheckInfo").is_none(), "{r}");
}

fn location() -> LocationInformation<'static> {
    let g: &'static [u8] = Box::leak(Box::new(
        GeographicalInformation::from_degrees(52.5, 13.4, 100.0).encode(),
    ));
    LocationInformation {
        age_of_location_information: Some(7),
        geographical_information: Some(g),
        vlr_number: Some(intl("316540000")),
        cell_id_or_lai: Some(CellIdOrLai::CellId {
            plmn: Plmn {
                mcc: 204,
                mnc: 8,
                mnc_3_digits: false,
            },
            lac: 0x1234,
            ci: 0x5678,
        }),
        msc_number: Some(intl("316540001")),
        ..Default::default()
    }
}

fn ati_result(info: SubscriberInfo<'_>) -> Vec<u8> {
    let r = AnyTimeInterrogationRes {
        subscriber_info: info,
        ..Default::default()
    };
    encoded(|w| r.encode(w))
}

fn close(v: &Value, want: f64, within: f64) {
    let x = v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"));
    assert!((x - want).abs() < within, "{x} is not {want}");
}

#[test]
fn any_time_interrogation_location_and_state() {
    let arg = AnyTimeInterrogationArg::location_and_state(
        SubscriberIdentity::Msisdn(intl("31612345678")),
        intl("31655500001"),
    );
    let op = Operation::AnyTimeInterrogation;
    let found = ati_result(SubscriberInfo {
        location_information: Some(location()),
        subscriber_state: Some(SubscriberState::CamelBusy),
        imei: Some("351234567890123".parse().unwrap()),
        ..Default::default()
    });
    let detached = ati_result(SubscriberInfo {
        location_information: Some(LocationInformation {
            cell_id_or_lai: Some(CellIdOrLai::Lai {
                plmn: Plmn {
                    mcc: 310,
                    mnc: 410,
                    mnc_3_digits: true,
                },
                lac: 0xfffe,
            }),
            ..Default::default()
        }),
        subscriber_state: Some(SubscriberState::NetDetNotReachable(
            not_reachable_reason::IMSI_DETACHED,
        )),
        ..Default::default()
    });
    let ac = Some(ac::ANY_TIME_INFO_ENQUIRY_V3);
    let invoke = begin(ac, op, &encoded(|w| arg.encode(w)));
    let v = tcap(&[
        invoke.clone(),
        end(ac, result_last(op, &found)),
        invoke,
        end(ac, result_last(op, &detached)),
    ]);
    no_error(&v);
    for l in &v {
        assert_eq!(l["application"], "MAP v3", "{l}");
        assert_eq!(component(l)["operation"], "anyTimeInterrogation", "{l}");
    }
    let a = &component(&v[0])["argument"];
    number(&a["subscriberIdentity"]["msisdn"], "31612345678");
    number(&a["gsmSCF-Address"], "31655500001");
    let ri = &a["requestedInfo"];
    assert_eq!(ri["locationInformation"], true, "{ri}");
    assert_eq!(ri["subscriberState"], true);
    assert_eq!(ri["requestedDomain"], "cs-Domain");

    let info = &component(&v[1])["result"]["subscriberInfo"];
    let l = &info["locationInformation"];
    assert_eq!(l["ageOfLocationInformation"], 7, "{l}");
    number(&l["vlr-number"], "316540000");
    number(&l["msc-Number"], "316540001");
    let cgi = &l["cellGlobalIdOrServiceAreaIdOrLAI"]["cellGlobalIdOrServiceAreaIdFixedLength"];
    assert_eq!(cgi["mcc"], "204", "{cgi}");
    assert_eq!(cgi["mnc"], "08");
    assert_eq!(cgi["lac"], 0x1234);
    assert_eq!(cgi["cellId"], 0x5678);
    // TS 23.032 codes read back: the lower corner of the code's cell (within 2e-5°).
    let g = &l["geographicalInformation"];
    close(&g["latitude"], 52.5, 2e-5);
    close(&g["longitude"], 13.4, 2e-5);
    assert_eq!(g["uncertaintyCode"], 26, "{g}");
    close(&g["uncertaintyRadius"], 109.18, 0.01);
    assert_eq!(info["subscriberState"]["camelBusy"], true, "{info}");
    assert_eq!(info["imei"], "351234567890123");

    let info = &component(&v[3])["result"]["subscriberInfo"];
    let lai = &info["locationInformation"]["cellGlobalIdOrServiceAreaIdOrLAI"]["laiFixedLength"];
    assert_eq!(lai["mcc"], "310", "{lai}");
    assert_eq!(lai["mnc"], "410");
    assert_eq!(lai["lac"], 0xfffe);
    assert!(lai.get("cellId").is_none());
    assert_eq!(
        info["subscriberState"]["netDetNotReachable"], "imsiDetached",
        "{info}"
    );
}

#[test]
fn map_errors_are_named_with_their_parameters() {
    let op = Operation::SendRoutingInfo;
    let arg = SendRoutingInfoArg::gsmscf(intl("31612345678"), intl("31655500001"));
    let ac = Some(ac::LOCATION_INFO_RETRIEVAL_V3);
    let invoke = begin(ac, op, &encoded(|w| arg.encode(w, Version::V3)));
    let errors = [
        MapError::UnknownSubscriber {
            diagnostic: Some(unknown_subscriber_diagnostic::IMSI_UNKNOWN),
        },
        MapError::AbsentSubscriber {
            reason: Some(absent_subscriber_reason::RESTRICTED_AREA),
        },
        MapError::SystemFailure {
            network_resource: Some(network_resource::HLR),
        },
        MapError::BusySubscriber {
            ccbs_possible: true,
            ccbs_busy: false,
        },
        MapError::DataMissing,
    ];
    let mut messages = Vec::new();
    for e in errors {
        let p = encoded(|w| e.encode_parameter(w, Version::V3));
        messages.push(invoke.clone());
        messages.push(end(None, return_error(e.code(), &p)));
    }
    // absentSubscriber with a parameter of neither form (an INTEGER): kept without values.
    messages.push(invoke);
    messages.push(end(None, return_error(27, &[0x02, 0x01, 0x01])));
    let v = tcap(&messages);
    no_error(&v);
    let e: Vec<&Value> = v.iter().skip(1).step_by(2).map(component).collect();
    for c in &e {
        assert_eq!(c["component"], "returnError", "{c}");
    }
    assert_eq!(e[0]["error"], "unknownSubscriber", "{}", e[0]);
    assert_eq!(e[0]["error_code"], 1);
    assert_eq!(
        e[0]["parameter"]["unknownSubscriberDiagnostic"],
        "imsiUnknown"
    );
    assert_eq!(e[1]["error"], "absentSubscriber");
    assert_eq!(
        e[1]["parameter"]["absentSubscriberReason"],
        "restrictedArea"
    );
    assert_eq!(e[2]["error"], "systemFailure");
    assert_eq!(e[2]["parameter"]["networkResource"], "hlr");
    assert_eq!(e[3]["error"], "busySubscriber");
    assert_eq!(e[3]["parameter"]["ccbs-Possible"], true, "{}", e[3]);
    assert_eq!(e[4]["error"], "dataMissing");
    assert!(e[4].get("parameter").is_none(), "{}", e[4]);
    assert_eq!(e[5]["error"], "absentSubscriber");
    assert_eq!(e[5]["parameter"]["raw"], "020101", "{}", e[5]);
    assert!(e[5]["parameter"]["fault"].is_string());
}

/// What the codec leaves out and notes (an optional member that does not decode) is shown
/// raw with its fault in place, as for CAP's InitialDP: the rest of the result is decoded
/// and the line is no error line.
#[test]
fn a_malformed_optional_member_is_noted_in_place_and_the_line_decoded() {
    let op = Operation::AnyTimeInterrogation;
    let mut loc = location();
    // A shape other than "ellipsoid point with uncertainty circle".
    loc.geographical_information = Some(&[0x90, 0, 0, 1, 0, 0, 1, 5]);
    let mut param = ati_result(SubscriberInfo {
        location_information: Some(loc),
        subscriber_state: Some(SubscriberState::AssumedIdle),
        ..Default::default()
    });
    // MCC 204 (02 f4 80) → a non-digit in the MCC.
    let cgi = [0x80, 0x07, 0x02, 0xf4, 0x80];
    let at = param.windows(5).position(|w| w == cgi).unwrap();
    param[at + 2] = 0xa2;
    let ac = Some(ac::ANY_TIME_INFO_ENQUIRY_V3);
    let v = tcap(&[end(ac, result_last(op, &param))]);
    no_error(&v);
    let info = &component(&v[0])["result"]["subscriberInfo"];
    let l = &info["locationInformation"];
    let cell = &l["cellGlobalIdOrServiceAreaIdOrLAI"];
    assert!(cell["fault"].as_str().unwrap().contains("PLMN"), "{cell}");
    assert!(cell["raw"].as_str().unwrap().starts_with("a309"), "{cell}");
    let geo = &l["geographicalInformation"];
    assert!(geo["fault"].is_string(), "{geo}");
    assert_eq!(geo["raw"], "80089000000100000105");
    // The members beside them are read.
    assert_eq!(l["ageOfLocationInformation"], 7);
    number(&l["vlr-number"], "316540000");
    assert_eq!(info["subscriberState"]["assumedIdle"], true);
}

/// A mandatory member that does not decode fails the argument: shown raw, and the line's
/// `error` names the MAP layer; the TCAP around it is still shown.
#[test]
fn a_malformed_mandatory_member_is_the_line_error() {
    // SendRoutingInfoArg { msisdn [0] empty, interrogationType [3] basicCall,
    // gmsc-OrGsmSCF-Address [6] }.
    let param = [
        0x30, 0x0c, 0x80, 0x00, 0x83, 0x01, 0x00, 0x86, 0x05, 0x91, 0x13, 0x56, 0x55, 0xf0,
    ];
    let v = tcap(&[begin(
        Some(ac::LOCATION_INFO_RETRIEVAL_V3),
        Operation::SendRoutingInfo,
        &param,
    )]);
    let e = &v[0]["error"];
    assert_eq!(e["layer"], "map", "{}", v[0]);
    assert!(e["reason"]
        .as_str()
        .unwrap()
        .starts_with("sendRoutingInfo: "));
    let c = component(&v[0]);
    assert_eq!(c["operation"], "sendRoutingInfo");
    assert_eq!(c["argument"]["raw"], hex(&param));
    assert_eq!(v[0]["application"], "MAP v3");
}

/// Without a dialogue portion the SSN says MAP (`--map-ssn`), and the version is assumed
/// to be v3; the counts of `--summary` use the operation names.
#[test]
fn by_ssn_the_version_is_assumed_v3_and_summary_names_operations() {
    let arg = SendRoutingInfoArg::gsmscf(intl("31612345678"), intl("31655500001"));
    let op = Operation::SendRoutingInfo;
    let tc = begin(None, op, &encoded(|w| arg.encode(w, Version::V3)));
    let mut u = Vec::new();
    sccp::encode_udt(
        &mut u,
        0x81,
        &Address::ssn_pc(200, 6),
        &Address::ssn_pc(100, 147),
        &tc,
    );
    let v = decode(&["--layer", "sccp", "--map-ssn", "6"], &[u]);
    no_error(&v);
    assert_eq!(v[0]["application"], "MAP", "{}", v[0]);
    let a = &component(&v[0])["argument"];
    assert_eq!(a["interrogationType"], "basicCall", "{a}");
    assert_eq!(a["camelInfo"]["suppress-T-CSI"], true);

    let res = encoded(|w| SendRoutingInfoRes::roaming(imsi(), intl("1234")).encode(w, Version::V3));
    let summary = run(
        &["--layer", "tcap", "--summary"],
        &[
            begin(
                Some(ac::LOCATION_INFO_RETRIEVAL_V3),
                op,
                &encoded(|w| arg.encode(w, Version::V3)),
            ),
            end(None, result_last(op, &res)),
        ],
    );
    assert!(summary.contains("invoke sendRoutingInfo"), "{summary}");
    assert!(
        summary.contains("returnResult sendRoutingInfo"),
        "{summary}"
    );
}
