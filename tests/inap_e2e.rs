//! Issue 16 end to end over M3UA/TCP: a CS-1 SSP, played here with hand-built messages
//! (the TC-BEGIN of shared/WIN-INAP-NOTES.md's worked example, which tshark dissects as
//! INAP InitialDP, and reports written from ETS 300 374-1's tags), talks to a daemon on the
//! default INAP SSN 241. A monitored caller's InitialDP gets RequestReportBCSMEvent +
//! Continue; its answer and disconnect reports reach the gRPC stream; a call to a live
//! routing number opened without a dialogue portion gets Connect to the number's target;
//! a malformed InitialDP gets the TCAP Reject and the association goes on.

mod common;
mod lab_daemon;

use common::switch::Switch;
use lab_daemon::Daemon;
use scpd::tcap::itu::{Component, MessageType, TcMessage};
use serde_json::Value;

const INAP_SSN: u8 = 241;

fn hex(s: &str) -> Vec<u8> {
    scpd::ber::from_hex(&s.replace(' ', "")).unwrap()
}

/// A TLV with a short definite length.
fn tlv(tag: u8, parts: &[&[u8]]) -> Vec<u8> {
    let body: Vec<u8> = parts.concat();
    assert!(body.len() < 128);
    let mut v = vec![tag, body.len() as u8];
    v.extend(body);
    v
}

/// An invoke component with a local opcode.
fn invoke(id: u8, op: u8, arg: &[u8]) -> Vec<u8> {
    tlv(0xa1, &[&[0x02, 1, id, 0x02, 1, op], arg])
}

/// ISUP Called Party Number (Q.763 §3.9), national, E.164, BCD.
fn called(digits: &str) -> Vec<u8> {
    let d: Vec<u8> = digits.bytes().map(|b| b - b'0').collect();
    let odd = if d.len() % 2 == 1 { 0x80 } else { 0 };
    let mut v = vec![odd | 0x03, 0x10];
    for p in d.chunks(2) {
        v.push(p[0] | p.get(1).map_or(0, |x| x << 4));
    }
    v
}

/// (message type, otid, dtid, components as (opcode or None, component)).
fn parse(tcap: &[u8]) -> (MessageType, Vec<u8>, Vec<u8>, Vec<Component<'_>>) {
    let t = TcMessage::decode(tcap).unwrap();
    let comps = t.components().map(Result::unwrap).collect();
    (
        t.kind,
        t.otid.map(|x| x.to_vec()).unwrap_or_default(),
        t.dtid.map(|x| x.to_vec()).unwrap_or_default(),
        comps,
    )
}

fn opcodes(comps: &[Component<'_>]) -> Vec<u32> {
    comps
        .iter()
        .map(|c| match c {
            Component::Invoke { opcode, .. } => *opcode,
            other => panic!("not an invoke: {other:?}"),
        })
        .collect()
}

/// A TC-CONTINUE from the SSP on dialogue (ours, theirs) with one EventReportBCSM.
fn report(ours: &[u8], theirs: &[u8], id: u8, arg: &[u8]) -> Vec<u8> {
    tlv(
        0x65,
        &[
            &tlv(0x48, &[theirs]),
            &tlv(0x49, &[ours]),
            &tlv(0x6c, &[&invoke(id, 24, arg)]),
        ],
    )
}

fn events_of<'a>(events: &'a [Value], call_id: &Value) -> Vec<&'a str> {
    events
        .iter()
        .filter(|e| &e["call_id"] == call_id)
        .map(|e| e["kind"].as_str().unwrap())
        .collect()
}

#[test]
fn inap_ssp_calls_end_to_end() {
    let d = Daemon::start("inap-e2e", None);
    d.monitor("7085551212");
    let mut ssp = Switch::connect(&d.m3ua, INAP_SSN);

    // 1. The notes' worked InitialDP (AC 0.4.0.1.1.1.0.0, calling 7085551212, monitored).
    ssp.send(&hex(
        "624c 48040a0b0c0d 6b1e281c060700118605010101a011600f80020780a109060704000101010000 \
         6c24 a122 020101 020100 301a 800164 82088310135255072103 830703130758552121 9f1c0102",
    ));
    let answer = ssp.recv_tcap();
    let (kind, ours, dtid, comps) = parse(&answer);
    assert_eq!(kind, MessageType::Continue);
    assert_eq!(dtid, [0x0a, 0x0b, 0x0c, 0x0d]);
    assert_eq!(
        opcodes(&comps),
        [23, 31],
        "RequestReportBCSMEvent + Continue"
    );
    let Component::Invoke {
        parameter: Some(p), ..
    } = &comps[0]
    else {
        panic!("RRBCSM without argument");
    };
    let rr = scpd::inap::RequestReportBcsmEventArg::decode(*p).unwrap();
    let armed: Vec<u8> = rr.events.iter().map(|e| e.event_type.0).collect();
    assert!(
        armed.contains(&7) && armed.contains(&9),
        "oAnswer, oDisconnect: {armed:?}"
    );
    let theirs = [0x0a, 0x0b, 0x0c, 0x0d];

    // 2. oAnswer (notification, called side): published, nothing to answer.
    ssp.send(&report(
        &ours,
        &theirs,
        2,
        &hex("300d800107a303810102a403800101"),
    ));
    // 3. oDisconnect of the caller, interrupted, cause 16: Continue in a TC-END.
    ssp.send(&report(
        &ours,
        &theirs,
        3,
        &hex("3015800109a206a70480028090a303810101a403800100"),
    ));
    let msg = ssp.recv_tcap();
    let (kind, _, dtid, comps) = parse(&msg);
    assert_eq!((kind, dtid), (MessageType::End, theirs.to_vec()));
    assert_eq!(opcodes(&comps), [31]);

    // 4. Malformed: an InitialDP without its mandatory serviceKey → Reject
    //    mistypedParameter in a TC-END; the association goes on.
    ssp.send(&hex(
        "6216 4804 01020304 6c0e a10c 020101 020100 3004 83020000",
    ));
    let msg = ssp.recv_tcap();
    let (kind, _, dtid, comps) = parse(&msg);
    assert_eq!((kind, dtid), (MessageType::End, vec![1, 2, 3, 4]));
    assert_eq!(
        comps,
        [Component::Reject {
            invoke_id: Some(1),
            problem: (1, 2)
        }]
    );

    // 5. A live routing number, dialled from a CS-1 switch that sends no dialogue
    //    portion: Connect to the number's target.
    let out = std::process::Command::new(lab_daemon::BIN)
        .args(["routing-number", "allocate", "--grpc", &d.grpc])
        .args([
            "31205550177",
            "--ttl-seconds",
            "60",
            "--call-id",
            "data-call-1",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let trn: Value = serde_json::from_slice(&out.stdout).unwrap();
    let number = trn["number"].as_str().unwrap().to_string();
    let idp = tlv(
        0x30,
        &[
            &hex("800165"),
            &tlv(0x82, &[&called(&number)]),
            &hex("830703130758552131"),
            &hex("9c0103"),
        ],
    );
    ssp.send(&tlv(
        0x62,
        &[&hex("480405060708"), &tlv(0x6c, &[&invoke(1, 0, &idp)])],
    ));
    let msg = ssp.recv_tcap();
    let (kind, _, dtid, comps) = parse(&msg);
    assert_eq!((kind, dtid), (MessageType::End, vec![5, 6, 7, 8]));
    assert_eq!(opcodes(&comps), [20], "Connect");
    let Component::Invoke {
        parameter: Some(p), ..
    } = &comps[0]
    else {
        panic!("Connect without argument");
    };
    let c = scpd::inap::ConnectArg::decode(*p).unwrap();
    assert_eq!(
        c.destination_routing_address.digits.text().as_str(),
        "31205550177"
    );

    // The gRPC stream: the monitored call's TRIGGER, ANSWERED and DISCONNECTED, the
    // transfer leg's TRIGGER and TRANSFER_LEG, all INAP.
    let events = d.events(5);
    for e in &events {
        assert_eq!(e["protocol"], "INAP", "{e}");
        assert_eq!(e["protocol_version"], "INAP CS-1", "{e}");
    }
    let first = events
        .iter()
        .find(|e| e["calling_party"]["digits"] == "7085551212" && e["kind"] == "TRIGGER")
        .unwrap_or_else(|| panic!("no trigger in {events:#?}"));
    assert_eq!(first["called_party"]["digits"], "31255570123");
    assert_eq!(first["trigger"], "collectedInfo");
    assert_eq!(first["direction"], "ORIGINATING");
    assert_eq!(
        events_of(&events, &first["call_id"]),
        ["TRIGGER", "ANSWERED", "DISCONNECTED"]
    );
    let leg = events
        .iter()
        .find(|e| e["kind"] == "TRANSFER_LEG")
        .unwrap_or_else(|| panic!("no TRANSFER_LEG in {events:#?}"));
    assert_eq!(leg["linked_call_id"], "data-call-1");
    assert_eq!(leg["routing_number"], number.as_str());
    assert_eq!(events.len(), 5, "{events:#?}");
    d.stop();
}
