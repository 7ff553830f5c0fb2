//! Issue 16: `scpd decode` names INAP CS-1 operations, argument members (ETS 300 374-1 §9)
//! and errors. Input: the worked InitialDP of shared/WIN-INAP-NOTES.md, and TC-BEGINs with
//! one argument each written by scpd's own INAP encoders. A dialogue with the Core INAP
//! CS-1 AC is INAP; one without a dialogue portion is INAP on SSN 241 (decode's default,
//! like tshark's `inap.ssn`), and CAP where `--cap-ssn` says so. tshark's `inap` dissector
//! (an independent decoder) must show the same operations and values for the same frames;
//! without tshark that check says it skipped, and fails under CI.

mod common;
use scpd::ber::{Tag, Writer};
use scpd::camel::numbers::nature;
use scpd::camel::CapError;
use scpd::inap::*;
use scpd::sccp::{self, Address};
use scpd::tcap::itu::{self, DialogueOut, MessageType};
use serde_json::Value;
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_scpd");

/// The worked example of shared/WIN-INAP-NOTES.md (serviceKey 100, called 31255570123,
/// calling 7085551212, collectedInfo; eventTypeBCSM in the two-octet tag form `9F 1C`).
const WORKED: &str = "624c48040a0b0c0d6b1e281c060700118605010101a011600f80020780a10906070400010101\
    00006c24a122020101020100301a800164820883101352550721038307031307585521219f1c0102";

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn unhex(s: &str) -> Vec<u8> {
    scpd::ber::from_hex(s).unwrap()
}

fn decode(args: &[&str], input: &str) -> Vec<Value> {
    use std::io::Write;
    let mut child = Command::new(BIN)
        .arg("decode")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn num(d: &str) -> IsupNumber {
    IsupNumber::e164(nature::INTERNATIONAL, d.parse().unwrap())
}

/// A TC-BEGIN with the CS-1 SSP-to-SCP AC (or none) and one invoke.
fn begin(with_ac: bool, op: u32, enc: impl Fn(&mut Writer<'_>)) -> Vec<u8> {
    let mut out = Vec::new();
    itu::encode(
        &mut out,
        MessageType::Begin,
        Some(&[0, 0, 0, 1]),
        None,
        with_ac.then_some(DialogueOut::Aarq { ac: ac::SSP_TO_SCP }),
        |w| itu::invoke(w, 1, op, &enc),
    );
    out
}

/// A TC-END with the CS-1 AC and one ReturnError.
fn error_end(e: InapError) -> Vec<u8> {
    let mut out = Vec::new();
    itu::encode(
        &mut out,
        MessageType::End,
        None,
        Some(&[0, 0, 0, 3]),
        Some(DialogueOut::Aare {
            ac: ac::SSP_TO_SCP,
            result: 0,
            diagnostic: (1, 0),
        }),
        |w| {
            w.constructed(Tag::ctx_cons(3), |w| {
                w.integer(Tag::INTEGER, 1);
                w.integer(Tag::INTEGER, e.code());
                e.encode_parameter(w);
            })
        },
    );
    out
}

type Enc = Box<dyn Fn(&mut Writer<'_>)>;

fn enc(f: impl Fn(&mut Writer<'_>) + 'static) -> Enc {
    Box::new(f)
}

/// (opcode, argument encoder) of each operation the issue names, by scpd's encoders.
fn arguments() -> Vec<(u32, Enc)> {
    let idp = InitialDpArg {
        service_key: 7,
        called_party_number: Some(num("31201234567")),
        calling_party_number: Some(num("31207654321")),
        calling_partys_category: Some(0x0a),
        trigger_type: Some(33),
        additional_calling_party_number: Some(&[0x06, 0x04, 0x13, 0x21, 0x43, 0x65]),
        bearer_capability: Some(&[0x80, 0x03, 0x80, 0x90, 0xa3]),
        event_type_bcsm: Some(EventTypeBcsm::TERM_ATTEMPT_AUTHORIZED),
        redirecting_party_id: Some(num("31202222222")),
        ..Default::default()
    };
    let mut connect = ConnectArg::to(num("31209876543"));
    connect.cut_and_paste = Some(2);
    connect.calling_party_number = Some(num("31205555555"));
    let leg = |l| Some(LegId::SendingSide(LegType(l)));
    vec![
        (opcode::INITIAL_DP, enc(move |w| idp.encode(w))),
        (opcode::CONNECT, enc(move |w| connect.encode(w))),
        (
            opcode::REQUEST_REPORT_BCSM_EVENT,
            enc(move |w| {
                let evs = [
                    BcsmEvent::new(
                        EventTypeBcsm::O_ANSWER,
                        MonitorMode::NotifyAndContinue,
                        leg(2),
                    ),
                    BcsmEvent::new(
                        EventTypeBcsm::O_DISCONNECT,
                        MonitorMode::Interrupted,
                        leg(1),
                    ),
                ];
                RequestReportBcsmEventArg::encode_events(&evs, None, w)
            }),
        ),
        (
            opcode::EVENT_REPORT_BCSM,
            enc(|w| {
                let mut er = EventReportBcsmArg::new(EventTypeBcsm::O_DISCONNECT, LegType::LEG1);
                er.event_specific_information = Some(EventSpecificInfo::ODisconnect {
                    release_cause: Some(Cause::new(4, 16)),
                });
                er.misc_call_info = Some(MiscCallInfo::NOTIFICATION);
                er.encode(w)
            }),
        ),
        (
            opcode::RELEASE_CALL,
            enc(|w| ReleaseCallArg::AllCallSegments(Cause::new(4, 16)).encode(w)),
        ),
        (
            opcode::APPLY_CHARGING,
            enc(|w| {
                ApplyChargingArg {
                    ach_billing_charging_characteristics: &[0x01, 0x02],
                    send_calculation_to_scp_indication: None,
                    party_to_charge: Some(LegId::SendingSide(LegType(1))),
                    extensions: None,
                }
                .encode(w)
            }),
        ),
        (
            opcode::APPLY_CHARGING_REPORT,
            enc(|w| ApplyChargingReportArg(&[0x0a, 0x0b, 0x0c]).encode(w)),
        ),
        (
            opcode::FURNISH_CHARGING_INFORMATION,
            enc(|w| FurnishChargingInformationArg(b"scpd").encode(w)),
        ),
        (
            opcode::CALL_INFORMATION_REQUEST,
            enc(|w| {
                let mut a = CallInformationRequestArg::default();
                for t in [0u8, 2, 30] {
                    a.requested_information_types.push(t);
                }
                a.encode(w)
            }),
        ),
        (
            opcode::CALL_INFORMATION_REPORT,
            enc(|w| {
                let mut a = CallInformationReportArg::default();
                a.requested_information.push(RequestedInformation {
                    info_type: 2,
                    value: RequestedInformationValue::CallConnectedElapsedTime(1234),
                });
                a.encode(w)
            }),
        ),
        (
            opcode::RESET_TIMER,
            enc(|w| {
                let mut r = ResetTimerArg::tssf(20);
                r.timer_id = Some(0);
                r.encode(w)
            }),
        ),
        (opcode::CANCEL, enc(|w| CancelArg::InvokeId(3).encode(w))),
        (
            opcode::CALL_GAP,
            enc(|w| CallGapArg::overloaded(100, 30, 1000).encode(w)),
        ),
        (
            opcode::ESTABLISH_TEMPORARY_CONNECTION,
            enc(|w| {
                EstablishTemporaryConnectionArg {
                    assisting_ssp_ip_routing_address: &[0x00, 0x84, 0x13, 0x21, 0x43],
                    correlation_id: Some(&[0x21, 0x43]),
                    scf_id: None,
                    extensions: None,
                }
                .encode(w)
            }),
        ),
        (opcode::DISCONNECT_FORWARD_CONNECTION, enc(|_| {})),
    ]
}

/// Every message of this test: the worked example, one TC-BEGIN per argument, errors.
fn messages() -> Vec<Vec<u8>> {
    let mut m = vec![unhex(WORKED)];
    m.extend(arguments().iter().map(|(op, e)| begin(true, *op, e)));
    m.push(error_end(InapError::Common(CapError::MissingParameter)));
    m.push(error_end(InapError::UnknownResource));
    m
}

fn lines_of(msgs: &[Vec<u8>]) -> String {
    msgs.iter().map(|m| hex(m) + "\n").collect()
}

#[test]
fn inap_operations_members_and_errors_by_name() {
    let v = decode(&["--layer", "tcap"], &lines_of(&messages()));
    assert_eq!(v.len(), 18, "{v:?}");
    let comp = |i: usize| &v[i]["tcap"]["components"][0];
    let arg = |i: usize| &comp(i)["argument"];
    for l in &v {
        assert_eq!(l["application"], "INAP CS-1", "{l}");
        assert!(l.get("error").is_none(), "{l}");
    }

    // The worked example.
    assert_eq!(comp(0)["operation"], "initialDP");
    assert_eq!(arg(0)["serviceKey"], 100);
    assert_eq!(arg(0)["calledPartyNumber"]["digits"], "31255570123");
    assert_eq!(arg(0)["callingPartyNumber"]["digits"], "7085551212");
    assert_eq!(arg(0)["callingPartyNumber"]["screening"], 3);
    assert_eq!(arg(0)["eventTypeBCSM"], "collectedInfo");

    let names: Vec<&str> = (1..16)
        .map(|i| comp(i)["operation"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "initialDP",
            "connect",
            "requestReportBCSMEvent",
            "eventReportBCSM",
            "releaseCall",
            "applyCharging",
            "applyChargingReport",
            "furnishChargingInformation",
            "callInformationRequest",
            "callInformationReport",
            "resetTimer",
            "cancel",
            "callGap",
            "establishTemporaryConnection",
            "disconnectForwardConnection",
        ]
    );
    let idp = arg(1);
    assert_eq!(idp["serviceKey"], 7);
    assert_eq!(idp["calledPartyNumber"]["digits"], "31201234567");
    assert_eq!(idp["triggerType"], "termAttemptAuthorized");
    assert_eq!(idp["eventTypeBCSM"], "termAttemptAuthorized");
    assert_eq!(idp["redirectingPartyID"]["digits"], "31202222222");
    assert_eq!(idp["bearerCapability"]["bearerCap"], "8090a3");
    assert_eq!(idp["additionalCallingPartyNumber"]["qualifier"], 6);
    assert_eq!(idp["callingPartysCategory"], 10);
    let c = arg(2);
    assert_eq!(c["destinationRoutingAddress"][0]["digits"], "31209876543");
    assert_eq!(c["cutAndPaste"], 2);
    assert_eq!(c["callingPartyNumber"]["digits"], "31205555555");
    let ev = &arg(3)["bcsmEvents"];
    assert_eq!(ev[0]["eventTypeBCSM"], "oAnswer");
    assert_eq!(ev[0]["monitorMode"], "notifyAndContinue");
    assert_eq!(ev[0]["legID"]["sendingSideID"], "02");
    assert_eq!(ev[1]["eventTypeBCSM"], "oDisconnect");
    assert_eq!(ev[1]["monitorMode"], "interrupted");
    let er = arg(4);
    assert_eq!(er["eventTypeBCSM"], "oDisconnect");
    assert_eq!(
        er["eventSpecificInformationBCSM"]["oDisconnectSpecificInfo"]["releaseCause"]["value"],
        16
    );
    assert_eq!(er["legID"]["receivingSideID"], "01");
    assert_eq!(er["miscCallInfo"]["messageType"], "notification");
    assert_eq!(arg(5)["cause"]["value"], 16);
    assert_eq!(arg(6)["aChBillingChargingCharacteristics"], "0102");
    assert_eq!(arg(6)["partyToCharge"]["sendingSideID"], "01");
    assert_eq!(arg(7)["callResult"], "0a0b0c");
    assert_eq!(arg(8)["fCIBillingChargingCharacteristics"], "73637064");
    assert_eq!(
        arg(9)["requestedInformationTypeList"],
        serde_json::json!([
            "callAttemptElapsedTime",
            "callConnectedElapsedTime",
            "releaseCause"
        ])
    );
    let ri = &arg(10)["requestedInformationList"][0];
    assert_eq!(ri["requestedInformationType"], "callConnectedElapsedTime");
    assert_eq!(
        ri["requestedInformationValue"]["callConnectedElapsedTimeValue"],
        1234
    );
    assert_eq!(arg(11)["timerID"], "tssf");
    assert_eq!(arg(11)["timervalue"], 20);
    assert_eq!(arg(12)["invokeID"], 3);
    assert_eq!(arg(13)["gapCriteria"]["gapOnService"]["serviceKey"], 100);
    assert_eq!(arg(13)["gapIndicators"]["gapInterval"], 1000);
    assert_eq!(arg(13)["controlType"], "sCPOverloaded");
    assert_eq!(arg(14)["assistingSSPIPRoutingAddress"], "0084132143");
    assert_eq!(arg(14)["correlationID"], "2143");
    assert!(comp(15).get("argument").is_none());

    assert_eq!(comp(16)["component"], "returnError");
    assert_eq!(comp(16)["error"], "missingParameter");
    assert_eq!(comp(17)["error"], "unknownResource");
    assert_eq!(comp(17)["error_code"], 18);
}

/// An SCCP UDT between two SSNs carrying `tcap`.
fn udt(ssn: u8, tcap: &[u8]) -> String {
    let mut u = Vec::new();
    sccp::encode_udt(
        &mut u,
        0x81,
        &Address::ssn_pc(200, ssn),
        &Address::ssn_pc(100, ssn),
        tcap,
    );
    hex(&u)
}

#[test]
fn without_a_dialogue_portion_the_ssn_says_inap() {
    let idp = InitialDpArg {
        service_key: 5,
        event_type_bcsm: Some(EventTypeBcsm(3)),
        ..Default::default()
    };
    let tcap = begin(false, opcode::INITIAL_DP, |w| idp.encode(w));
    let input = format!("{}\n{}\n", udt(241, &tcap), udt(146, &tcap));
    let v = decode(&["--layer", "sccp"], &input);
    // SSN 241 is INAP by default: CS-1's name for event 3, not CAP's.
    assert_eq!(v[0]["application"], "INAP", "{}", v[0]);
    let c = &v[0]["tcap"]["components"][0];
    assert_eq!(c["operation"], "initialDP");
    assert_eq!(c["argument"]["eventTypeBCSM"], "analysedInformation");
    // SSN 146 stays CAP.
    assert_eq!(v[1]["application"], "CAP", "{}", v[1]);
    // --cap-ssn takes 241 back from INAP; --inap-ssn moves INAP elsewhere.
    let v = decode(&["--layer", "sccp", "--cap-ssn", "241"], &input);
    assert_eq!(v[0]["application"], "CAP", "{}", v[0]);
    let v = decode(
        &["--layer", "sccp", "--inap-ssn", "146", "--cap-ssn", "6"],
        &input,
    );
    assert_eq!(v[1]["application"], "INAP", "{}", v[1]);
    assert!(v[0].get("application").is_none(), "{}", v[0]);
}

/// tshark's values of `fields` per frame of bare TCAP messages (link type 147 as tcap).
fn tshark(msgs: &[Vec<u8>], fields: &[&str]) -> Vec<Vec<String>> {
    let dir = std::env::temp_dir().join(format!("scpd-inap-decode-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let txt = dir.join("in.txt");
    let pcap = dir.join("out.pcap");
    let text: String = msgs
        .iter()
        .map(|m| {
            let bytes: Vec<String> = m.iter().map(|b| format!("{b:02x}")).collect();
            format!("000000 {}\n", bytes.join(" "))
        })
        .collect();
    std::fs::write(&txt, text).unwrap();
    let st = Command::new("text2pcap")
        .args(["-q", "-l", "147"])
        .arg(&txt)
        .arg(&pcap)
        .status()
        .unwrap();
    assert!(st.success());
    let mut c = Command::new("tshark");
    c.arg("-r").arg(&pcap).args([
        "-o",
        r#"uat:user_dlts:"User 0 (DLT=147)","tcap","0","","0","""#,
        "-T",
        "fields",
        "-E",
        "separator=|",
    ]);
    for f in fields {
        c.args(["-e", f]);
    }
    let out = c.output().unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| l.split('|').map(str::to_string).collect())
        .collect()
}

#[test]
fn tshark_shows_the_same_operations_and_values() {
    if !common::tshark::available(true) {
        return;
    }
    let msgs = messages();
    let v = decode(&["--layer", "tcap"], &lines_of(&msgs));
    let t = tshark(
        &msgs,
        &[
            "inap.code.local",
            "inap.serviceKey",
            "inap.eventTypeBCSM",
            "e164.called_party_number.digits",
            "isup.calling",
            "inap.monitorMode",
            "inap.timervalue",
            "inap.gapInterval",
        ],
    );
    assert_eq!(t.len(), v.len());
    let event = |n: &str| -> String {
        // tshark gives the numbers; scpd the CS-1 names.
        let n: u8 = n.parse().unwrap();
        event_name(EventTypeBcsm(n)).unwrap().to_string()
    };
    for (i, (l, f)) in v.iter().zip(&t).enumerate() {
        let c = &l["tcap"]["components"][0];
        let a = &c["argument"];
        let op = c["opcode"].as_u64().map(|o| o.to_string());
        if let Some(op) = op {
            assert_eq!(f[0], op, "frame {i}: {f:?}");
            assert_eq!(
                c["operation"],
                operation_name(op.parse().unwrap()).unwrap(),
                "frame {i}"
            );
        }
        let same = |field: usize, ours: Option<String>| {
            assert_eq!(
                f[field].is_empty(),
                ours.is_none(),
                "frame {i} field {field}: tshark {f:?}, scpd {l}"
            );
            if let Some(o) = ours {
                assert_eq!(f[field], o, "frame {i} field {field}: {l}");
            }
        };
        let s = |x: &Value| x.as_str().map(str::to_string);
        let n = |x: &Value| x.as_u64().map(|n| n.to_string());
        if c["opcode"] == 0 {
            same(1, n(&a["serviceKey"]));
            same(2, s(&a["eventTypeBCSM"]).map(|_| f[2].clone()));
            if !f[2].is_empty() {
                assert_eq!(a["eventTypeBCSM"], event(&f[2]), "frame {i}");
            }
            same(3, s(&a["calledPartyNumber"]["digits"]));
            same(4, s(&a["callingPartyNumber"]["digits"]));
        }
        if c["operation"] == "requestReportBCSMEvent" {
            let evs = a["bcsmEvents"].as_array().unwrap();
            let theirs: Vec<String> = f[2].split(',').map(event).collect();
            let ours: Vec<&str> = evs
                .iter()
                .map(|e| e["eventTypeBCSM"].as_str().unwrap())
                .collect();
            assert_eq!(ours, theirs);
            let modes = ["interrupted", "notifyAndContinue", "transparent"];
            let theirs: Vec<&str> = f[5]
                .split(',')
                .map(|m| modes[m.parse::<usize>().unwrap()])
                .collect();
            let ours: Vec<&str> = evs
                .iter()
                .map(|e| e["monitorMode"].as_str().unwrap())
                .collect();
            assert_eq!(ours, theirs);
        }
        if c["operation"] == "eventReportBCSM" {
            assert_eq!(a["eventTypeBCSM"], event(&f[2]));
        }
        if c["operation"] == "resetTimer" {
            same(6, n(&a["timervalue"]));
        }
        if c["operation"] == "callGap" {
            same(1, n(&a["gapCriteria"]["gapOnService"]["serviceKey"]));
            same(7, n(&a["gapIndicators"]["gapInterval"]));
        }
        if c["component"] == "returnError" {
            // tshark reads the local error code as the same `Code` as an opcode.
            assert_eq!(f[0], c["error_code"].to_string(), "frame {i}: {f:?}");
        }
    }
}
