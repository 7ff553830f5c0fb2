//! Issue 15 end to end over M3UA/TCP: an ANSI-41 MSC played by `scpd sim --protocol win`
//! (ANSI SCCP, 24-bit point codes) sends WIN origination (OriginationRequest) and
//! termination (AnalyzedInformation at initial-Termination) triggers to a daemon on the
//! default WIN SSN 14; the calls reach the gRPC stream as WIN calls, a monitored mobile's
//! OAnswer / ODisconnect (TAnswer / TDisconnect), each in a transaction of its own, arrive
//! as ANSWERED / DISCONNECTED of its call, and a call to a live routing number is redirected
//! to the number's target. A hand-played MSC sends WIN-INAP-NOTES.md's worked TBusy package
//! (dissected by tshark), then the same package with a malformed BillingID: the ANSI TCAP
//! Reject answers it and the association goes on. And a real MSC's WIN transactions, taken
//! verbatim from `ansi_map_win.pcap`, are answered and followed as that MSC expected.

mod common;
mod lab_daemon;

use common::switch::Switch;
use lab_daemon::{calls_of, kinds, Daemon};
use scpd::lab::capture::{read_capture, CaptureOptions, Mtp3Variant, Payload};
use scpd::sccp::{Unitdata, Variant};
use scpd::tcap::ansi::{AnsiComponent, AnsiMessage, OpCode, PackageType, Problem};
use scpd::win::{self, trigger_type, Operation};
use serde_json::Value;

const SCP_PC: u32 = 0x01_02_03;
const MSC_PC: u32 = 0x0a_0b_0c;
const WIN_SSN: u8 = 14;

/// The worked TBusy of WIN-INAP-NOTES.md (tshark: `T Busy Invoke`), whole ANSI TCAP package:
/// BillingID 14656 / 1 / 70196, MIN 7191234518, calling 708555121, transaction 01020304.
const TBUSY: &str = "e24ec70401020304e846e944cf0101d102094bf23b\
    81073940010112340095033940019f7b020c71\
    9f82170141\
    bf82180c9f8215037d7b1f9f8219010f\
    88051719325481\
    9f5009023021090758552101";

#[test]
fn win_msc_calls_reach_the_grpc_stream() {
    let d = Daemon::start("win-e2e", Some(SCP_PC));
    let (opc, dpc) = (MSC_PC.to_string(), SCP_PC.to_string());
    let sim = |extra: &[&str]| {
        let mut args = vec![
            "--protocol",
            "win",
            "--opc",
            &opc,
            "--dpc",
            &dpc,
            "--hold-ms",
            "50",
            "--quiet",
        ];
        args.extend_from_slice(extra);
        d.sim(&args).0
    };
    d.monitor("2125550100");
    d.monitor("2125550133");

    // Not monitored: the empty result, the MSC goes on.
    let r = sim(&["--win-calling", "2125550111", "--win-called", "8005550199"]);
    assert_eq!(
        (r["continued"].as_u64(), r["errors"].as_u64()),
        (Some(1), Some(0)),
        "{r}"
    );
    // Monitored, both halves: answer and disconnect reported in their own transactions.
    for (extra, served) in [
        (
            &["--win-calling", "2125550100", "--win-called", "8005550123"][..],
            "2125550100",
        ),
        (
            &[
                "--terminating",
                "--win-calling",
                "7035550111",
                "--win-called",
                "2125550133",
            ][..],
            "2125550133",
        ),
    ] {
        let r = sim(extra);
        assert_eq!(
            (
                r["monitored"].as_u64(),
                r["completed"].as_u64(),
                r["errors"].as_u64()
            ),
            (Some(1), Some(1), Some(0)),
            "{served}: {r}"
        );
    }

    let events = d.events(1 + 2 * 3);
    for e in &events {
        assert_eq!(e["protocol"], "WIN", "{e}");
        assert_eq!(e["protocol_version"], "IS-771", "{e}");
    }
    let c = calls_of(&events, "OriginationRequest", "2125550111", "8005550199");
    assert_eq!(kinds(&c), ["TRIGGER"]);
    assert_eq!(c[0]["direction"], "ORIGINATING");
    let c = calls_of(&events, "OriginationRequest", "2125550100", "8005550123");
    assert_eq!(kinds(&c), ["TRIGGER", "ANSWERED", "DISCONNECTED"]);
    assert!(c.iter().all(|e| e["direction"] == "ORIGINATING"));
    assert_eq!(
        c[0]["call_reference"].as_str().map(str::len),
        Some(14),
        "the BillingID names the call: {}",
        c[0]
    );
    let c = calls_of(&events, "initial-Termination", "7035550111", "2125550133");
    assert_eq!(kinds(&c), ["TRIGGER", "ANSWERED", "DISCONNECTED"]);
    assert!(c.iter().all(|e| e["direction"] == "TERMINATING"));
    assert_eq!(events.len(), 7, "{events:#?}");
    d.stop();
}

/// A routing number allocated over gRPC is dialled by a mobile: the OriginationRequest's
/// result routes the call to the number's target (a TerminationList, which does not meet
/// the mobile's triggers again), TRANSFER_LEG links the call that asked for it, and the
/// number is used up.
#[test]
fn win_call_to_a_routing_number_is_redirected_to_its_target() {
    let d = Daemon::start("win-trn", Some(SCP_PC));
    let out = std::process::Command::new(lab_daemon::BIN)
        .args(["routing-number", "allocate", "--grpc", &d.grpc])
        .args([
            "2125550177",
            "--ttl-seconds",
            "60",
            "--call-id",
            "data-call-1",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "allocate: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let trn: Value = serde_json::from_slice(&out.stdout).unwrap();
    let number = trn["number"].as_str().unwrap().to_string();
    let (opc, dpc) = (MSC_PC.to_string(), SCP_PC.to_string());
    let sim = |called: &str| {
        d.sim(&[
            "--protocol",
            "win",
            "--opc",
            &opc,
            "--dpc",
            &dpc,
            "--quiet",
            "--win-calling",
            "2125550100",
            "--win-called",
            called,
        ])
        .0
    };
    let r = sim(&number);
    assert_eq!(
        (r["connected"].as_u64(), r["errors"].as_u64()),
        (Some(1), Some(0)),
        "{r}"
    );
    let events = d.events(2);
    let leg = events
        .iter()
        .find(|e| e["kind"] == "TRANSFER_LEG")
        .unwrap_or_else(|| panic!("no TRANSFER_LEG in {events:#?}"));
    assert_eq!(leg["protocol"], "WIN");
    assert_eq!(leg["linked_call_id"], "data-call-1");
    assert_eq!(leg["routing_number"], number.as_str());
    assert_eq!(leg["destination"]["digits"], "2125550177");
    // Single use: dialled again, the number is an ordinary called number.
    let r = sim(&number);
    assert_eq!(r["continued"].as_u64(), Some(1), "{r}");
    d.stop();
}

/// The package's one component: (correlation id, ReturnResult parameter or Reject problem).
fn only_component(tcap: &[u8], tid: [u8; 4]) -> AnsiComponent<'_> {
    let m = AnsiMessage::decode(tcap).unwrap();
    assert_eq!(m.package, PackageType::Response);
    assert_eq!(m.ids.responding, Some(tid), "answers the MSC's transaction");
    let comps: Vec<_> = m.components().map(Result::unwrap).collect();
    assert_eq!(comps.len(), 1, "{comps:?}");
    comps.into_iter().next().unwrap()
}

#[test]
fn malformed_win_query_gets_the_ansi_reject_and_the_association_goes_on() {
    // The default configuration: ITU SCCP (WIN's ANSI TCAP rides on either).
    let d = Daemon::start("win-reject", None);
    let mut msc = Switch::connect(&d.m3ua, WIN_SSN);
    let tbusy = scpd::ber::from_hex(TBUSY).unwrap();

    // 1. The worked TBusy: a trigger (the mobile is not followed), the empty TBusyRes.
    msc.send(&tbusy);
    let answer = msc.recv_tcap();
    let AnsiComponent::ReturnResult {
        correlation_id: 1,
        parameter: Some(set),
        last: true,
    } = only_component(&answer, [1, 2, 3, 4])
    else {
        panic!("no ReturnResultLast for invoke 1: {answer:02x?}")
    };
    assert_eq!(set.raw, [0xf2, 0x00], "TBusyRes: an empty parameter set");

    // 2. The BillingID (mandatory) cut to 6 octets: the Invoke is rejected (T1.114.3
    //    invoke problem "incorrect parameter") in the Response, and nothing is published.
    let mut bad = tbusy.clone();
    assert_eq!(&bad[21..23], [0x81, 0x07], "BillingID at 21");
    bad[22] = 6;
    bad.remove(29);
    for at in [1, 9, 11, 20] {
        bad[at] -= 1;
    }
    bad[4..8].copy_from_slice(&[5, 6, 7, 8]);
    msc.send(&bad);
    let answer = msc.recv_tcap();
    let AnsiComponent::Reject {
        correlation_id,
        problem,
        ..
    } = only_component(&answer, [5, 6, 7, 8])
    else {
        panic!("no Reject: {answer:02x?}")
    };
    assert_eq!(
        (correlation_id, problem),
        (Some(1), Problem::INVOKE_INCORRECT_PARAMETER)
    );

    // 3. The association goes on: the next query is answered.
    let mut again = tbusy.clone();
    again[4..8].copy_from_slice(&[9, 9, 9, 9]);
    msc.send(&again);
    let answer = msc.recv_tcap();
    assert!(matches!(
        only_component(&answer, [9, 9, 9, 9]),
        AnsiComponent::ReturnResult { .. }
    ));

    // Two triggers published, as the MSC sent them; the rejected query none.
    let events = d.events(2);
    assert_eq!(events.len(), 2, "{events:#?}");
    for e in &events {
        assert_eq!(
            (e["kind"].as_str(), e["protocol"].as_str()),
            (Some("TRIGGER"), Some("WIN"))
        );
        assert_eq!(e["trigger"], "t-Busy");
        assert_eq!(e["direction"], "TERMINATING");
        assert_eq!(e["called_party"]["digits"], "7191234518", "the served MIN");
        assert_eq!(e["min"], "7191234518");
        assert_eq!(e["calling_party"]["digits"], "708555121");
        assert_eq!(e["call_reference"], "39400101123400");
    }
    d.stop();
}

/// The TCAP packages a real MSC sent to its SCP (SSN 14) in `ansi_map_win.pcap` (ANSI MTP3
/// and SCCP): two AnalyzedInformation queries of one call (initial-Termination, then
/// called-Routing-Address-Available), its TAnswer in a Unidirectional package and its TDisconnect.
fn captured_msc_packages() -> Option<Vec<Vec<u8>>> {
    let path = common::traces()?.join("wireshark-wiki/ansi_map_win.pcap");
    let data = std::fs::read(path).unwrap();
    let mut out = Vec::new();
    let opts = CaptureOptions {
        mtp3: Mtp3Variant::Ansi,
    };
    read_capture(&data, &opts, |m| {
        if let Payload::Mtp3(msu) = m.payload {
            let u = Unitdata::decode_variant(msu.data, Variant::Ansi).unwrap();
            if msu.si == 3 && u.called.ssn == Some(WIN_SSN) {
                out.push(u.data.to_vec());
            }
        }
    })
    .unwrap();
    Some(out)
}

/// The WIN operation of a package's first Invoke.
fn operation_of(tcap: &[u8]) -> Operation {
    let m = AnsiMessage::decode(tcap).unwrap();
    let Some(Ok(AnsiComponent::Invoke {
        opcode: OpCode::Private(code),
        ..
    })) = m.components().next()
    else {
        panic!("no invoke")
    };
    Operation::from_code(code).unwrap()
}

#[test]
fn a_real_msc_s_win_call_is_answered_and_followed() {
    let Some(packages) = captured_msc_packages() else {
        println!("skipped: no shared traces");
        return;
    };
    let ops: Vec<Operation> = packages.iter().map(|p| operation_of(p)).collect();
    use Operation::{AnalyzedInformation, TAnswer, TDisconnect};
    assert_eq!(
        ops,
        [
            AnalyzedInformation,
            AnalyzedInformation,
            TAnswer,
            TDisconnect
        ]
    );
    let d = Daemon::start("win-capture", None);
    // The captured mobile (MIN 7191234518) is monitored.
    d.monitor("7191234518");
    let mut msc = Switch::connect(&d.m3ua, WIN_SSN);
    let mut armed = Vec::new();
    for (tcap, op) in packages.iter().zip(&ops) {
        msc.send(tcap);
        if *op == TAnswer {
            continue; // a notification: no result
        }
        let sent = AnsiMessage::decode(tcap).unwrap();
        let answer = msc.recv_tcap();
        let Some(Ok(AnsiComponent::Invoke { invoke_id, .. })) = sent.components().next() else {
            unreachable!()
        };
        let AnsiComponent::ReturnResult {
            correlation_id,
            parameter,
            last: true,
        } = only_component(&answer, sent.ids.originating.unwrap())
        else {
            panic!("{op:?}: no ReturnResultLast: {answer:02x?}")
        };
        assert_eq!(Some(correlation_id), invoke_id, "{op:?}");
        let r = win::decode_result(*op, parameter).unwrap();
        let triggers: Vec<u8> = r
            .params
            .trigger_address_list
            .as_ref()
            .map(|l| l.first.triggers.trigger_types().collect())
            .unwrap_or_default();
        armed.push(triggers);
    }
    let events = d.events(4);
    let kinds: Vec<&str> = events.iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        ["TRIGGER", "TRIGGER", "ANSWERED", "DISCONNECTED"],
        "{events:#?}"
    );
    // The first query names the mobile by its MIN only: the monitored subscriber, so its
    // result arms the terminating half's answer and disconnect. The second (the same call
    // at called-Routing-Address-Available) names it by its MDN 4518, which is not enrolled:
    // the empty result. The reports go to the call that armed them (its BillingID).
    assert_eq!(
        armed,
        [
            vec![trigger_type::T_ANSWER, trigger_type::T_DISCONNECT],
            vec![],
            vec![]
        ],
        "{events:#?}"
    );
    let triggers: Vec<&str> = events[..2]
        .iter()
        .map(|e| e["trigger"].as_str().unwrap())
        .collect();
    assert_eq!(
        triggers,
        ["initial-Termination", "called-Routing-Address-Available"]
    );
    for e in &events {
        assert_eq!(e["protocol"], "WIN");
        assert_eq!(e["direction"], "TERMINATING");
        // BillingID MarketID 12, switch 2, ID number 18.
        assert_eq!(e["call_reference"], "000c0200001200", "{e}");
    }
    assert_eq!(events[0]["subscriber"], "7191234518", "the MIN matched");
    assert!(
        events.iter().all(|e| e["min"] == "7191234518"),
        "{events:#?}"
    );
    assert_eq!(events[1]["called_party"]["digits"], "4518");
    assert_eq!(events[2]["call_id"], events[0]["call_id"]);
    assert_eq!(events[3]["call_id"], events[0]["call_id"]);
    assert_eq!(events[3]["cause"], 16, "released by the calling party");
    d.stop();
}
