//! The node as a pure function of (message, time): every CAP dialogue path without sockets.

use super::*;
use crate::camel::{
    ac, opcode, EventReportBcsmArg, EventTypeBcsm, LegType, RequestReportBcsmEventArg,
};
use crate::lab::sim::{initial_dp_begin, SimConfig};
use crate::proto::EventKind;
use crate::sccp::scrc::Fault as SccpFault;
use crate::sccp::Address;
#[allow(unused_imports)]
use crate::sccp::Unitdata;
use crate::service::{Policy, Subscriber};
use crate::tcap::itu::{Component, DialogueOut, DialoguePdu};
#[allow(unused_imports)]
use crate::tcap::{itu, tc::PAbortCause};
use crate::tcuser::Fault as TcFault;
use std::sync::Arc;
use std::time::Duration;

const MSC_PC: u32 = 100;

/// A subscriber table with `monitored` and `deciding` numbers enrolled by those policies.
pub(super) fn subscribers(monitored: &[&str], deciding: &[&str]) -> SubscriberTable {
    let table: SubscriberTable = Default::default();
    for (n, policy) in monitored
        .iter()
        .map(|n| (n, Policy::Monitor))
        .chain(deciding.iter().map(|n| (n, Policy::Decide)))
    {
        table.write().unwrap().insert(
            n.to_string(),
            Arc::new(Subscriber {
                number: n.to_string(),
                policy,
                ..Default::default()
            }),
        );
    }
    table
}

fn node_with(monitored: &[&str], max_dialogues: usize) -> Node {
    let table = subscribers(monitored, &[]);
    Node::new(
        NodeConfig {
            point_code: 200,
            network_indicator: 2,
            camel_ssn: 146,
            ain_ssn: Some(247),
            instance: 7,
            shards: Shards::ONE,
            max_dialogues,
            dialogue_idle: Duration::from_secs(30),
        },
        table,
        1_700_000_000_000,
    )
}

pub(super) fn sim_cfg(calling: &str, terminating: bool) -> SimConfig {
    SimConfig {
        to: "127.0.0.1:1".parse().unwrap(),
        calls: 1,
        concurrency: 1,
        calling: calling.into(),
        called: "491700000001".into(),
        imsi: "262011234567890".into(),
        terminating,
        opc: MSC_PC,
        dpc: 200,
        ssn: 146,
        routing_context: None,
        service_key: 7,
        hold: Duration::ZERO,
        timeout: Duration::from_secs(1),
    }
}

/// SCCP UDT from the MSC to us carrying `tcap`, as M3UA Protocol Data bytes.
pub(super) fn udt(ssn: u8, tcap: &[u8], class: u8) -> Vec<u8> {
    let mut u = Vec::new();
    sccp::encode_udt(
        &mut u,
        class,
        &Address::ssn_pc(200, ssn),
        &Address::ssn_pc(MSC_PC, 146),
        tcap,
    );
    u
}

pub(super) fn deliver(
    node: &mut Node,
    sccp: &[u8],
    now: Instant,
    fx: &mut Effects,
) -> Result<(), Fault> {
    let pd = ProtocolData {
        opc: MSC_PC,
        dpc: 200,
        si: 3,
        ni: 2,
        mp: 0,
        sls: 3,
        data: sccp,
    };
    node.on_data(9, &pd, now, 0, fx)
}

/// The single TCAP message sent, decoded; asserts the routing back to the MSC.
pub(super) fn sent(fx: &Effects) -> Vec<u8> {
    assert_eq!(fx.send.len(), 1, "{:?}", fx.send);
    let o = &fx.send[0];
    assert_eq!((o.assoc, o.opc, o.dpc, o.sls), (9, 200, MSC_PC, 3));
    let u = Unitdata::decode(&o.sccp).unwrap();
    assert_eq!(u.called, Address::ssn_pc(MSC_PC, 146));
    u.data.to_vec()
}

pub(super) fn invokes(m: &TcMessage<'_>) -> Vec<u32> {
    m.components()
        .filter_map(|c| match c.unwrap() {
            Component::Invoke { opcode, .. } => Some(opcode),
            _ => None,
        })
        .collect()
}

pub(super) fn begin(calling: &str, terminating: bool, otid: &[u8]) -> Vec<u8> {
    let mut t = Vec::new();
    initial_dp_begin(&sim_cfg(calling, terminating), otid, &mut t);
    udt(146, &t, 0x81)
}

fn report(scp_tid: &[u8], msc_tid: &[u8], event: u8, notification: bool) -> Vec<u8> {
    let mut t = Vec::new();
    itu::encode(
        &mut t,
        MessageType::Continue,
        Some(msc_tid),
        Some(scp_tid),
        None,
        |w| {
            let mut er = EventReportBcsmArg::new(EventTypeBcsm(event), LegType::LEG2);
            er.misc_call_info = Some(if notification {
                crate::camel::ops::MiscCallInfo::NOTIFICATION
            } else {
                crate::camel::ops::MiscCallInfo::REQUEST
            });
            itu::invoke(w, 1, opcode::EVENT_REPORT_BCSM, |w| er.encode(w));
        },
    );
    udt(146, &t, 0x01)
}

#[test]
fn unknown_subscriber_gets_continue_in_end() {
    let mut node = node_with(&[], 10);
    let mut fx = Effects::default();
    deliver(
        &mut node,
        &begin("4911", false, &[1, 2, 3]),
        Instant::now(),
        &mut fx,
    )
    .unwrap();
    let t = sent(&fx);
    let m = TcMessage::decode(&t).unwrap();
    assert_eq!((m.kind, m.dtid), (MessageType::End, Some(&[1, 2, 3][..])));
    assert!(
        matches!(m.dialogue, Some(DialoguePdu::Aare { result: 0, ac: a, .. }) if a == ac::CAP_V2_GSMSSF_TO_GSMSCF)
    );
    assert_eq!(invokes(&m), [opcode::CONTINUE]);
    assert_eq!(fx.events.len(), 1);
    assert_eq!(fx.published()[0].kind(), EventKind::Trigger);
    assert_eq!(node.open_dialogues(), 0);
}

#[test]
fn monitored_call_runs_to_disconnect() {
    let mut node = node_with(&["491700000009"], 10);
    let mut fx = Effects::default();
    let t0 = Instant::now();
    deliver(
        &mut node,
        &begin("491700000009", false, &[0xaa; 4]),
        t0,
        &mut fx,
    )
    .unwrap();
    let t = sent(&fx);
    let m = TcMessage::decode(&t).unwrap();
    assert_eq!(
        (m.kind, m.dtid),
        (MessageType::Continue, Some(&[0xaa; 4][..]))
    );
    let scp_tid = m.otid.unwrap().to_vec();
    assert_eq!(scp_tid[0], 7, "instance prefix");
    assert_eq!(
        invokes(&m),
        [opcode::REQUEST_REPORT_BCSM_EVENT, opcode::CONTINUE]
    );
    let rr = m
        .components()
        .find_map(|c| match c.unwrap() {
            Component::Invoke {
                parameter: Some(p),
                opcode: 23,
                ..
            } => Some(RequestReportBcsmEventArg::decode(p).unwrap()),
            _ => None,
        })
        .unwrap();
    let armed: Vec<(u8, u8)> = rr
        .events
        .iter()
        .map(|e| (e.event_type.0, e.monitor_mode as u8))
        .collect();
    assert_eq!(
        armed,
        [(4, 1), (5, 1), (6, 1), (7, 1), (9, 0), (9, 0), (10, 1)]
    );
    let call_id = fx.published()[0].call_id.clone();

    // oAnswer, notification: published, nothing sent.
    fx.clear();
    deliver(
        &mut node,
        &report(&scp_tid, &[0xaa; 4], 7, true),
        t0,
        &mut fx,
    )
    .unwrap();
    assert!(fx.send.is_empty());
    assert_eq!(
        (fx.published()[0].kind(), fx.published()[0].call_id.as_str()),
        (EventKind::Answered, call_id.as_str())
    );

    // oDisconnect, request: published and answered with Continue in TC-END.
    fx.clear();
    deliver(
        &mut node,
        &report(&scp_tid, &[0xaa; 4], 9, false),
        t0,
        &mut fx,
    )
    .unwrap();
    let t = sent(&fx);
    let m = TcMessage::decode(&t).unwrap();
    assert_eq!(
        (m.kind, m.dtid, m.dialogue),
        (MessageType::End, Some(&[0xaa; 4][..]), None)
    );
    assert_eq!(invokes(&m), [opcode::CONTINUE]);
    assert_eq!(fx.published()[0].kind(), EventKind::Disconnected);
    assert_eq!(node.open_dialogues(), 0);

    // The dialogue is gone: a late Continue gets P-Abort unrecognizedTransactionID.
    fx.clear();
    let r = deliver(
        &mut node,
        &report(&scp_tid, &[0xaa; 4], 9, false),
        t0,
        &mut fx,
    );
    assert!(matches!(r, Err(Fault::Tc(TcFault::UnknownTransaction(_)))));
    let t = sent(&fx);
    assert_eq!(TcMessage::decode(&t).unwrap().p_abort, Some(1));
}

#[test]
fn terminating_call_arms_t_events() {
    let mut node = node_with(&["491700000001"], 10);
    let mut fx = Effects::default();
    deliver(
        &mut node,
        &begin("4999", true, &[5]),
        Instant::now(),
        &mut fx,
    )
    .unwrap();
    let t = sent(&fx);
    let m = TcMessage::decode(&t).unwrap();
    let rr = m
        .components()
        .find_map(|c| match c.unwrap() {
            Component::Invoke {
                parameter: Some(p),
                opcode: 23,
                ..
            } => Some(RequestReportBcsmEventArg::decode(p).unwrap()),
            _ => None,
        })
        .unwrap();
    let types: Vec<u8> = rr.events.iter().map(|e| e.event_type.0).collect();
    assert_eq!(types, [13, 14, 15, 17, 17, 18]);
    assert_eq!(
        fx.published()[0].direction(),
        crate::proto::Direction::Terminating
    );
}

#[test]
fn quiet_dialogue_times_out_with_u_abort() {
    let mut node = node_with(&["491700000009"], 10);
    let mut fx = Effects::default();
    let t0 = Instant::now();
    deliver(&mut node, &begin("491700000009", false, &[1]), t0, &mut fx).unwrap();
    fx.clear();
    node.on_timeout(t0 + Duration::from_secs(29), 0, &mut fx);
    assert!(fx.send.is_empty() && fx.events.is_empty());
    node.on_timeout(t0 + Duration::from_secs(31), 0, &mut fx);
    let t = sent(&fx);
    let m = TcMessage::decode(&t).unwrap();
    assert_eq!(
        (m.kind, m.dialogue),
        (MessageType::Abort, Some(DialoguePdu::Abrt { source: 0 }))
    );
    assert_eq!(fx.published()[0].kind(), EventKind::DialogueTimedOut);
    assert_eq!(node.open_dialogues(), 0);
}

/// Issue 4: a configured limit of concurrent dialogues is answered with P-Abort
/// resourceLimitation (Q.774 §3.2.1.2). (Before the TC-user API the node let the call
/// proceed unmonitored instead.) The switch applies its default call handling; nothing is
/// published, and the open dialogue is untouched.
#[test]
fn full_dialogue_table_answers_p_abort_resource_limitation() {
    let mut node = node_with(&["491700000009"], 1);
    let mut fx = Effects::default();
    let t0 = Instant::now();
    deliver(&mut node, &begin("491700000009", false, &[1]), t0, &mut fx).unwrap();
    fx.clear();
    assert_eq!(
        deliver(&mut node, &begin("491700000009", false, &[2]), t0, &mut fx),
        Err(Fault::Tc(TcFault::PAbort(PAbortCause::ResourceLimitation)))
    );
    let t = sent(&fx);
    let m = TcMessage::decode(&t).unwrap();
    assert_eq!(
        (m.kind, m.dtid, m.p_abort),
        (MessageType::Abort, Some(&[2][..]), Some(4))
    );
    assert!(fx.events.is_empty());
    assert_eq!(node.open_dialogues(), 1);
    let c = node.tcap_counters(User::Camel);
    assert_eq!(
        c.p_abort_answers.get(&PAbortCause::ResourceLimitation),
        Some(&1)
    );
    // Unmonitored calls need a dialogue too, for as long as it takes to answer.
    fx.clear();
    assert!(deliver(&mut node, &begin("4911", false, &[3]), t0, &mut fx).is_err());
    assert_eq!(TcMessage::decode(&sent(&fx)).unwrap().p_abort, Some(4));
}

/// Issue 14: overloaded, a node sheds (a monitored subscriber's trigger gets Continue at
/// once, its event marked `shed`) and then refuses new dialogues with P-Abort
/// resourceLimitation before decoding them, not as a fault, but for one per 100 ms, whose
/// answer asks a CAP v3 switch to gap the service; a dialogue already open goes on.
#[test]
fn overload_sheds_then_refuses_new_dialogues_and_open_ones_go_on() {
    let mut node = node_with(&["491700000009"], 10);
    let mut fx = Effects::default();
    let t0 = Instant::now();
    deliver(&mut node, &begin("491700000009", false, &[1]), t0, &mut fx).unwrap();
    let t = sent(&fx);
    let open = TcMessage::decode(&t).unwrap();
    assert_eq!(open.kind, MessageType::Continue);
    let scp = open.otid.unwrap().to_vec();

    node.set_load(Load::Shed);
    fx.clear();
    deliver(&mut node, &begin("491700000009", false, &[2]), t0, &mut fx).unwrap();
    let t = sent(&fx);
    let m = TcMessage::decode(&t).unwrap();
    assert_eq!((m.kind, m.dtid), (MessageType::End, Some(&[2][..])));
    let ev = &fx.published()[0];
    assert!(ev.shed && ev.instruction == "continue", "{ev:?}");

    node.set_load(Load::Refuse);
    // The first new dialogue while refusing goes on, answered the cheap way; a CAP v3
    // switch is asked in it to gap the service (CallGap, then Continue, in the TC-END).
    fx.clear();
    let v3 = patched(
        begin("491700000009", false, &[5]),
        ac::CAP_V2_GSMSSF_TO_GSMSCF,
        ac::CAP_V3_GSMSSF_SCF_GENERIC,
    );
    deliver(&mut node, &v3, t0, &mut fx).unwrap();
    let t = sent(&fx);
    let m = TcMessage::decode(&t).unwrap();
    assert_eq!((m.kind, m.dtid), (MessageType::End, Some(&[5][..])));
    let invokes: Vec<_> = m
        .components()
        .filter_map(|c| match c {
            Ok(Component::Invoke {
                opcode, parameter, ..
            }) => Some((opcode, parameter)),
            _ => None,
        })
        .collect();
    assert_eq!(invokes.len(), 2, "{invokes:?}");
    assert_eq!(invokes[1].0, opcode::CONTINUE);
    assert_eq!(invokes[0].0, opcode::CALL_GAP);
    let gap = crate::camel::control::CallGapArg::decode(invokes[0].1.unwrap()).unwrap();
    assert_eq!(
        gap,
        crate::camel::control::CallGapArg::overloaded(7, 10, 1000)
    );
    assert!(fx.published()[0].shed);
    // The next one within 100 ms is refused before decoding.
    fx.clear();
    assert_eq!(
        deliver(&mut node, &begin("491700000009", false, &[3]), t0, &mut fx),
        Ok(())
    );
    let t = sent(&fx);
    let m = TcMessage::decode(&t).unwrap();
    assert_eq!(
        (m.kind, m.dtid, m.p_abort),
        (MessageType::Abort, Some(&[3][..]), Some(4))
    );
    assert!(fx.events.is_empty());
    assert_eq!(node.tcap_counters(User::Camel).refused_overloaded, 1);
    // The dialogue opened before goes on to its disconnect report.
    fx.clear();
    deliver(&mut node, &report(&scp, &[1], 9, false), t0, &mut fx).unwrap();
    assert_eq!(
        TcMessage::decode(&sent(&fx)).unwrap().kind,
        MessageType::End
    );
    assert_eq!(node.open_dialogues(), 0);

    node.set_load(Load::Normal);
    fx.clear();
    deliver(&mut node, &begin("491700000009", false, &[4]), t0, &mut fx).unwrap();
    assert_eq!(
        TcMessage::decode(&sent(&fx)).unwrap().kind,
        MessageType::Continue
    );
    assert!(!fx.published()[0].shed);
}

/// Issue 14: while refusing, the INAP dialogue let through is answered with CallGap for
/// its service (CS-1 CallGap, the `[overload]` gap) before the Continue, as CAP v3 is.
#[test]
fn refusing_asks_an_inap_ssf_to_gap_the_service() {
    let mut node = node_with(&[], 10);
    let t0 = Instant::now();
    let idp = |otid: u8| {
        let mut t = Vec::new();
        let cfg = sim_cfg("4911", false);
        crate::lab::sim::inap_initial_dp(&cfg, "4911", "4930", false, &[otid], &mut t);
        udt(241, &t, 0x81)
    };
    let calls = |fx: &Effects| {
        let t = sent(fx);
        let m = TcMessage::decode(&t).unwrap();
        assert_eq!(m.kind, MessageType::End);
        invokes(&m)
    };
    node.set_load(Load::Refuse);
    let mut fx = Effects::default();
    deliver(&mut node, &idp(1), t0, &mut fx).unwrap();
    assert_eq!(
        calls(&fx),
        [crate::inap::opcode::CALL_GAP, crate::inap::opcode::CONTINUE]
    );
    let t = sent(&fx);
    let m = TcMessage::decode(&t).unwrap();
    let Some(Ok(Component::Invoke {
        parameter: Some(p), ..
    })) = m.components().next()
    else {
        panic!("no CallGap argument")
    };
    assert_eq!(
        crate::inap::CallGapArg::decode(p).unwrap(),
        crate::inap::CallGapArg::overloaded(7, 10, 1000)
    );
    // Back to normal: no more gapping.
    node.set_load(Load::Normal);
    fx.clear();
    deliver(&mut node, &idp(2), t0, &mut fx).unwrap();
    assert_eq!(calls(&fx), [crate::inap::opcode::CONTINUE]);
}

/// `begin(...)` with its bytes `from` replaced by `to` (same length: no BER lengths change).
fn patched(msg: Vec<u8>, from: &[u8], to: &[u8]) -> Vec<u8> {
    let at = msg
        .windows(from.len())
        .position(|w| w == from)
        .expect("pattern in the message");
    let mut m = msg;
    m[at..at + to.len()].copy_from_slice(to);
    m
}

/// Issue 14, lenient in: an InitialDP whose cell id holds a PLMN identity with a
/// non-decimal digit is answered as any other (a monitored call gets RRBCSM + Continue),
/// and its TRIGGER event carries the member raw with the fault; the rest of the location is
/// kept. A malformed serviceKey, the mandatory member, still gets the Reject.
#[test]
fn a_malformed_optional_member_is_noted_and_the_call_goes_on() {
    let mut node = node_with(&["491700000009"], 10);
    let mut fx = Effects::default();
    let t0 = Instant::now();
    // The sim's cell id: PLMN 262-01 (62 f2 10), LAC 0x1234, CI 0x5678; MCC digit 1 := 0xA.
    let cgi = [0x80, 0x07, 0x62, 0xf2, 0x10, 0x12, 0x34, 0x56, 0x78];
    let mut bad = cgi;
    bad[2] = 0x6a;
    let msg = patched(begin("491700000009", false, &[1]), &cgi, &bad);
    eprintln!(
        "HEX {}",
        msg.iter().map(|b| format!("{b:02x}")).collect::<String>()
    );
    deliver(&mut node, &msg, t0, &mut fx).unwrap();
    let t = sent(&fx);
    let m = TcMessage::decode(&t).unwrap();
    assert_eq!(m.kind, MessageType::Continue);
    let ops: Vec<_> = m
        .components()
        .filter_map(|c| match c {
            Ok(Component::Invoke { opcode, .. }) => Some(opcode),
            _ => None,
        })
        .collect();
    assert_eq!(ops, [opcode::REQUEST_REPORT_BCSM_EVENT, opcode::CONTINUE]);
    let ev = &fx.published()[0];
    assert_eq!(ev.instruction, "monitor");
    let [mm] = &ev.malformed[..] else {
        panic!("{:?}", ev.malformed)
    };
    assert_eq!(
        mm.member,
        "locationInformation.cellGlobalIdOrServiceAreaIdOrLAI"
    );
    assert!(mm.raw.ends_with(&bad), "{:02x?}", mm.raw);
    assert!(mm.fault.contains("PLMN identity digit"), "{}", mm.fault);
    let loc = ev.location.as_ref().expect("location without its cell id");
    assert_eq!(
        (loc.vlr_number.as_str(), loc.mcc.as_str()),
        ("491720000001", "")
    );
    assert_eq!(ev.imsi, "262011234567890");

    // serviceKey 7 := -1: Reject (mistypedParameter) in a TC-END, no event.
    fx.clear();
    let msg = patched(
        begin("491700000009", false, &[2]),
        &[0x80, 0x01, 0x07],
        &[0x80, 0x01, 0xff],
    );
    deliver(&mut node, &msg, t0, &mut fx).ok();
    let t = sent(&fx);
    let m = TcMessage::decode(&t).unwrap();
    assert_eq!(m.kind, MessageType::End);
    assert!(
        m.components()
            .any(|c| matches!(c, Ok(Component::Reject { .. }))),
        "{m:?}"
    );
    assert!(fx.events.is_empty());
}

#[test]
fn peer_abort_and_shutdown() {
    let mut node = node_with(&["491700000009"], 10);
    let mut fx = Effects::default();
    let t0 = Instant::now();
    deliver(&mut node, &begin("491700000009", false, &[1]), t0, &mut fx).unwrap();
    let scp1 = TcMessage::decode(&sent(&fx))
        .unwrap()
        .otid
        .unwrap()
        .to_vec();
    fx.clear();
    deliver(&mut node, &begin("491700000009", false, &[2]), t0, &mut fx).unwrap();
    fx.clear();
    // The MSC aborts the first dialogue.
    let mut t = Vec::new();
    itu::encode(
        &mut t,
        MessageType::Abort,
        None,
        Some(&scp1),
        Some(DialogueOut::Abrt { source: 0 }),
        |_| {},
    );
    deliver(&mut node, &udt(146, &t, 0), t0, &mut fx).unwrap();
    assert!(fx.send.is_empty());
    assert_eq!(fx.published()[0].kind(), EventKind::DialogueAborted);
    // Shutdown ends the other with a basic TC-END to the MSC's id.
    fx.clear();
    node.shutdown(&mut fx);
    let t = sent(&fx);
    let m = TcMessage::decode(&t).unwrap();
    assert_eq!(
        (m.kind, m.dtid, invokes(&m).len()),
        (MessageType::End, Some(&[2][..]), 0)
    );
}

#[test]
fn unsupported_context_is_refused_naming_cap_v2() {
    let mut node = node_with(&[], 10);
    let mut fx = Effects::default();
    let mut t = Vec::new();
    // A MAP context (networkLocUp v3) sent to the CAMEL SSN.
    itu::encode(
        &mut t,
        MessageType::Begin,
        Some(&[4]),
        None,
        Some(DialogueOut::Aarq {
            ac: &[0x04, 0x00, 0x00, 0x01, 0x00, 0x01, 0x03],
        }),
        |w| itu::invoke(w, 1, 2, |_| {}),
    );
    assert!(deliver(&mut node, &udt(146, &t, 0), Instant::now(), &mut fx).is_err());
    let t = sent(&fx);
    let m = TcMessage::decode(&t).unwrap();
    assert_eq!(m.kind, MessageType::Abort);
    assert!(matches!(
        m.dialogue,
        Some(DialoguePdu::Aare { result: 1, diagnostic: (1, 2), ac: a }) if a == ac::CAP_V2_GSMSSF_TO_GSMSCF
    ));
    assert!(fx.events.is_empty());
}

/// Issue 14, strict where it must be: a calling-party pointer that lands on the called
/// address's SSN octet (read as a 146-octet address running through the user data) is
/// refused, with a UDTS when the return option is set, and none of its bytes are taken
/// for an address.
#[test]
fn an_address_running_into_the_user_data_is_refused_with_udts() {
    let mut node = node_with(&[], 10);
    let mut fx = Effects::default();
    let t = begin("4911", false, &[1]);
    // User data long enough to hold the 146 octets read as an address.
    let mut inner = Unitdata::decode(&t).unwrap().data.to_vec();
    inner.resize(200, 0);
    // UDT: type, class, pointers at 2, 3, 4; called at 5 (length 4: AI, PC, SSN at 9).
    let mut bad = udt(146, &inner, 0x80);
    assert_eq!((bad[5], bad[9]), (4, 146));
    bad[3] = 9 - 3;
    assert_eq!(
        Unitdata::decode(&bad).unwrap_err(),
        sccp::SccpError::Overlap(9)
    );
    assert!(matches!(
        deliver(&mut node, &bad, Instant::now(), &mut fx),
        Err(Fault::Sccp(SccpFault::Sccp(sccp::SccpError::Overlap(9))))
    ));
    let back = Unitdata::decode(&fx.send[0].sccp).unwrap();
    assert_eq!(
        (back.type_name(), back.return_cause),
        ("UDTS", Some(sccp::cause::UNQUALIFIED))
    );
    assert_eq!(back.called, Address::ssn_pc(MSC_PC, 146));
    assert_eq!(back.calling, Address::ssn_pc(200, 146));
    assert_eq!(back.data, &inner[..]);
    assert!(fx.events.is_empty());
    // Without the return option: refused, nothing sent.
    fx.clear();
    bad[1] = 0x00;
    assert!(deliver(&mut node, &bad, Instant::now(), &mut fx).is_err());
    assert!(fx.send.is_empty());
    // A pointer into the pointers themselves is refused too.
    bad[2] = 1;
    assert!(matches!(
        Unitdata::decode(&bad),
        Err(sccp::SccpError::Overlap(_))
    ));
}

#[test]
fn sccp_faults_return_udts_only_when_asked() {
    let mut node = node_with(&[], 10);
    let mut fx = Effects::default();
    let t = begin("4911", false, &[1]);
    // Same Begin to SSN 8, return option on: UDTS unequipped user back to the MSC.
    let mut u = Vec::new();
    let inner = Unitdata::decode(&t).unwrap().data.to_vec();
    sccp::encode_udt(
        &mut u,
        0x80,
        &Address::ssn_pc(200, 8),
        &Address::ssn_pc(MSC_PC, 146),
        &inner,
    );
    assert_eq!(
        deliver(&mut node, &u, Instant::now(), &mut fx),
        Err(Fault::Sccp(SccpFault::UnknownSubsystem(Some(8))))
    );
    let back = Unitdata::decode(&fx.send[0].sccp).unwrap();
    assert_eq!(
        (back.type_name(), back.return_cause),
        ("UDTS", Some(sccp::cause::UNEQUIPPED_USER))
    );
    assert_eq!(back.data, &inner[..]);
    // Return option off: nothing is sent.
    fx.clear();
    u.clear();
    sccp::encode_udt(
        &mut u,
        0x00,
        &Address::ssn_pc(200, 8),
        &Address::ssn_pc(MSC_PC, 146),
        &inner,
    );
    assert!(deliver(&mut node, &u, Instant::now(), &mut fx).is_err());
    assert!(fx.send.is_empty());
    // Not SCCP at all.
    let pd = ProtocolData {
        opc: 1,
        dpc: 200,
        si: 5,
        ni: 2,
        mp: 0,
        sls: 0,
        data: &[],
    };
    assert_eq!(
        node.on_data(9, &pd, Instant::now(), 0, &mut fx),
        Err(Fault::Sccp(SccpFault::NotSccp(5)))
    );
}

#[test]
fn real_capture_begin_is_answered() {
    // camel.pcap frame 1's TC-BEGIN (CAP v2 InitialDP, serviceKey 42).
    let t = crate::ber::from_hex("628187480206f76b1e281c060700118605010101a011600f80020780a1090607040000010032016c61a15f020101020100305780012a830884111487095040f79c01029f32061487572586f9bf34148107913366020000f0a3098007313233343536379f3605a12345678f9f3707913366020000f09f3807111487085040f79f39080230900211223370").unwrap();
    let mut node = node_with(&[], 10);
    let mut fx = Effects::default();
    deliver(&mut node, &udt(146, &t, 0x81), Instant::now(), &mut fx).unwrap();
    let m = TcMessage::decode(&sent(&fx))
        .unwrap()
        .dtid
        .map(<[u8]>::to_vec);
    assert_eq!(m, Some(vec![0x06, 0xf7]));
    let ev = &fx.published()[0];
    assert_eq!((ev.service_key, ev.imsi.as_str()), (42, "41787552689"));
    assert_eq!(ev.calling_party.as_ref().unwrap().digits, "41789005047");
    assert_eq!(ev.location.as_ref().unwrap().lac, 0x3435);
}

mod fuzz {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]
        /// The whole stack above M3UA: whatever arrives, no panic, and the node keeps
        /// answering a real call afterwards.
        #[test]
        fn hostile_sccp_never_breaks_the_node(
            edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 0..6),
            cut in any::<usize>(),
            random in proptest::collection::vec(any::<u8>(), 0..64),
        ) {
            let mut node = node_with(&["491700000009"], 4);
            let mut fx = Effects::default();
            let t0 = Instant::now();
            let mut m = begin("491700000009", false, &[1, 2]);
            for (at, b) in edits {
                let i = at % m.len();
                m[i] = b;
            }
            m.truncate(1 + cut % m.len());
            let _ = deliver(&mut node, &m, t0, &mut fx);
            let _ = deliver(&mut node, &random, t0, &mut fx);
            fx.clear();
            deliver(&mut node, &begin("4911", false, &[9]), t0, &mut fx).unwrap();
            let t = sent(&fx);
            prop_assert_eq!(TcMessage::decode(&t).unwrap().kind, MessageType::End);
        }
    }
}

#[test]
fn connect_and_release_instructions_encode_as_cap() {
    use crate::service::Instruction;
    let encode = |ins| {
        let mut t = Vec::new();
        itu::encode(&mut t, MessageType::End, None, Some(&[1]), None, |w| {
            crate::tcuser::camel_map::write_instruction(w, 1, ins)
        });
        t
    };
    let t = encode(Instruction::Connect("4930555".parse().unwrap()));
    let m = TcMessage::decode(&t).unwrap();
    let Some(Ok(Component::Invoke {
        opcode: 20,
        parameter: Some(p),
        ..
    })) = m.components().next()
    else {
        panic!("no connect")
    };
    let c = crate::camel::ConnectArg::decode(p).unwrap();
    assert_eq!(c.destination_routing_address.digits.as_str(), "4930555");
    assert!(
        !c.o_csi_applicable,
        "a routed leg must not re-trigger O-CSI"
    );
    let t = encode(Instruction::Release(17));
    let m = TcMessage::decode(&t).unwrap();
    let Some(Ok(Component::Invoke {
        opcode: 22,
        parameter: Some(p),
        ..
    })) = m.components().next()
    else {
        panic!("no releaseCall")
    };
    assert_eq!(
        crate::camel::ReleaseCallArg::decode(p)
            .unwrap()
            .cause()
            .value,
        17
    );
}

// ---------------------------------------------------------------- stack paths (TC-user API,
// SCCP reassembly, XUDT answers, SCMG, TC-NOTICE, GT routing)

use crate::sccp::segment::{Reassembler, ReassemblyConfig, SegmentOutcome, Segmenter};
use crate::sccp::{cause, msg_type, GlobalTitle};

fn node_with_stack(monitored: &[&str], stack: StackConfig) -> Node {
    let table: SubscriberTable = Default::default();
    for n in monitored {
        table.write().unwrap().insert(
            n.to_string(),
            Arc::new(Subscriber {
                number: n.to_string(),
                user: String::new(),
                policy: Policy::Monitor,
                ..Default::default()
            }),
        );
    }
    let cfg = NodeConfig {
        point_code: 200,
        network_indicator: 2,
        camel_ssn: 146,
        ain_ssn: Some(247),
        instance: 7,
        shards: Shards::ONE,
        max_dialogues: 10,
        dialogue_idle: Duration::from_secs(30),
    };
    Node::with_stack(cfg, stack, table, 1_700_000_000_000)
}

/// The TCAP Begin of `begin()` split into XUDT segments of at most `max` octets (class 0
/// with return on error, as `begin()` asks), from the MSC to our CAMEL SSN.
fn begin_segments(calling: &str, otid: &[u8], max: usize) -> Vec<Vec<u8>> {
    let mut t = Vec::new();
    initial_dp_begin(&sim_cfg(calling, false), otid, &mut t);
    let called = Address::ssn_pc(200, 146);
    let calling = Address::ssn_pc(MSC_PC, 146);
    let mut s = Segmenter::new(sccp::Variant::Itu, 0x0a0b0c);
    s.max_segment = Some(max);
    s.segment(&Unitdata::xudt(0x80, called, calling, &t))
        .unwrap()
}

#[test]
fn segmented_initial_dp_is_reassembled_and_answered() {
    let mut node = node_with(&[], 10);
    let mut fx = Effects::default();
    let t0 = Instant::now();
    let segs = begin_segments("4911", &[7, 7, 7], 40);
    assert!(segs.len() >= 3, "{} segments", segs.len());
    // Out of order: last first, then the rest backwards; nothing happens until the last.
    for s in segs.iter().rev().take(segs.len() - 1) {
        deliver(&mut node, s, t0, &mut fx).unwrap();
        assert!(fx.send.is_empty() && fx.events.is_empty());
    }
    assert_eq!(node.reassemblies(), 1);
    deliver(&mut node, &segs[0], t0, &mut fx).unwrap();
    assert_eq!(node.reassemblies(), 0);
    let t = sent(&fx);
    let m = TcMessage::decode(&t).unwrap();
    assert_eq!((m.kind, m.dtid), (MessageType::End, Some(&[7, 7, 7][..])));
    assert_eq!(invokes(&m), [opcode::CONTINUE]);
    // A short answer still goes in a UDT.
    assert_eq!(fx.send[0].sccp[0], msg_type::UDT);
    assert_eq!(fx.published()[0].kind(), EventKind::Trigger);
    assert_eq!(node.sccp_counters().reassembled, 1);
}

#[test]
fn reassembly_timeout_returns_xudts_with_segmentation_failure() {
    let mut node = node_with(&[], 10);
    let mut fx = Effects::default();
    let t0 = Instant::now();
    let segs = begin_segments("4911", &[8], 40);
    // The first segment (asks for return on error) and the second; the rest never comes.
    deliver(&mut node, &segs[0], t0, &mut fx).unwrap();
    deliver(&mut node, &segs[1], t0, &mut fx).unwrap();
    assert!(fx.send.is_empty());
    let t_reass = Duration::from_millis(ReassemblyConfig::default().timeout_ms);
    assert_eq!(node.next_deadline(), Some(t0 + t_reass));
    node.on_timeout(t0 + t_reass - Duration::from_millis(1), 0, &mut fx);
    assert!(fx.send.is_empty());
    node.on_timeout(t0 + t_reass, 0, &mut fx);
    assert_eq!(fx.send.len(), 1, "{:?}", fx.send);
    let o = &fx.send[0];
    assert_eq!((o.assoc, o.opc, o.dpc, o.sls), (9, 200, MSC_PC, 3));
    let back = Unitdata::decode(&o.sccp).unwrap();
    assert_eq!(
        (back.msg_type, back.return_cause),
        (msg_type::XUDTS, Some(cause::SEGMENTATION_FAILURE))
    );
    assert_eq!(back.called, Address::ssn_pc(MSC_PC, 146));
    assert_eq!(back.data, Unitdata::decode(&segs[0]).unwrap().data);
    assert!(fx.events.is_empty());
    assert_eq!(node.reassemblies(), 0);
    assert_eq!(node.sccp_counters().reassembly_failed, 1);
    // Nothing left to expire.
    fx.clear();
    node.on_timeout(t0 + t_reass * 3, 0, &mut fx);
    assert!(fx.send.is_empty());
}

#[test]
fn sst_for_our_subsystem_is_answered_with_ssa() {
    use crate::sccp::scmg::{scmg_type, ScmgMessage, SSN_SCMG};
    let mut node = node_with(&[], 10);
    let mut fx = Effects::default();
    let sst = |ssn: u8| {
        let mut body = Vec::new();
        ScmgMessage::new(scmg_type::SST, ssn, 200).encode(&mut body, sccp::Variant::Itu);
        let mut u = Vec::new();
        sccp::encode_udt(
            &mut u,
            0,
            &Address::ssn_pc(200, SSN_SCMG),
            &Address::ssn_pc(MSC_PC, SSN_SCMG),
            &body,
        );
        u
    };
    deliver(&mut node, &sst(146), Instant::now(), &mut fx).unwrap();
    assert_eq!(fx.send.len(), 1);
    let o = &fx.send[0];
    assert_eq!((o.assoc, o.opc, o.dpc), (9, 200, MSC_PC));
    let u = Unitdata::decode(&o.sccp).unwrap();
    assert_eq!(
        (u.called, u.calling),
        (
            Address::ssn_pc(MSC_PC, SSN_SCMG),
            Address::ssn_pc(200, SSN_SCMG)
        )
    );
    let m = ScmgMessage::decode(u.data, sccp::Variant::Itu).unwrap();
    assert_eq!(
        (m.format, m.affected_ssn, m.affected_pc),
        (scmg_type::SSA, 146, 200)
    );
    // A subsystem we do not have: no answer (the tester keeps testing).
    fx.clear();
    deliver(&mut node, &sst(8), Instant::now(), &mut fx).unwrap();
    assert!(fx.send.is_empty());
    assert_eq!(node.sccp_counters().scmg_sent, 1);
}

#[test]
fn returned_message_of_a_live_dialogue_aborts_the_call() {
    let mut node = node_with(&["491700000009"], 10);
    let mut fx = Effects::default();
    let t0 = Instant::now();
    deliver(
        &mut node,
        &begin("491700000009", false, &[4; 4]),
        t0,
        &mut fx,
    )
    .unwrap();
    let ours = sent(&fx);
    let call_id = fx.published()[0].call_id.clone();
    assert_eq!(node.open_dialogues(), 1);
    // The STP cannot deliver our TC-CONTINUE: UDTS back to us.
    fx.clear();
    let mut udts = Vec::new();
    sccp::encode_udts(
        &mut udts,
        cause::SUBSYSTEM_FAILURE,
        &Address::ssn_pc(200, 146),
        &Address::ssn_pc(MSC_PC, 146),
        &ours,
    );
    assert_eq!(
        deliver(&mut node, &udts, t0, &mut fx),
        Err(Fault::Sccp(SccpFault::Returned(
            "UDTS",
            cause::SUBSYSTEM_FAILURE
        )))
    );
    assert!(fx.send.is_empty(), "nothing goes to an unreachable switch");
    assert_eq!(fx.events.len(), 1);
    assert_eq!(
        (fx.published()[0].kind(), fx.published()[0].call_id.as_str()),
        (EventKind::DialogueAborted, call_id.as_str())
    );
    assert_eq!(node.open_dialogues(), 0);
    assert_eq!(node.tcap_counters(User::Camel).notices, 1);
    // The same again: no live dialogue, nothing happens.
    fx.clear();
    assert!(deliver(&mut node, &udts, t0, &mut fx).is_err());
    assert!(fx.send.is_empty() && fx.events.is_empty());
    // Shutdown has nothing left to end.
    node.shutdown(&mut fx);
    assert!(fx.send.is_empty());
}

#[test]
fn long_answer_goes_in_xudt_segments() {
    let mut node = node_with(&["491700000009"], 10);
    let mut fx = Effects::default();
    let t0 = Instant::now();
    deliver(
        &mut node,
        &begin("491700000009", false, &[0xab; 4]),
        t0,
        &mut fx,
    )
    .unwrap();
    let scp_tid = TcMessage::decode(&sent(&fx))
        .unwrap()
        .otid
        .unwrap()
        .to_vec();
    // A TC-CONTINUE (in an LUDT) with 40 operations we do not know: 40 Rejects back, about
    // 400 octets of TCAP, more than a UDT carries.
    let mut t = Vec::new();
    itu::encode(
        &mut t,
        MessageType::Continue,
        Some(&[0xab; 4]),
        Some(&scp_tid),
        None,
        |w| {
            for i in 0..40 {
                itu::invoke(w, 10 + i, 99, |_| {});
            }
        },
    );
    assert!(t.len() > 255);
    let mut l = Vec::new();
    Unitdata::ludt(
        0x01,
        Address::ssn_pc(200, 146),
        Address::ssn_pc(MSC_PC, 146),
        &t,
    )
    .encode(&mut l, sccp::Variant::Itu)
    .unwrap();
    fx.clear();
    deliver(&mut node, &l, t0, &mut fx).unwrap();
    assert!(fx.send.len() >= 2, "segmented: {}", fx.send.len());
    let mut r = Reassembler::new(sccp::Variant::Itu, ReassemblyConfig::default());
    let mut whole = None;
    for o in &fx.send {
        assert_eq!((o.assoc, o.opc, o.dpc, o.sls), (9, 200, MSC_PC, 3));
        assert!(o.sccp.len() <= 272, "fits an MTP3 SIF");
        let u = Unitdata::decode(&o.sccp).unwrap();
        assert_eq!(u.msg_type, msg_type::XUDT);
        assert_eq!(u.called, Address::ssn_pc(MSC_PC, 146));
        if let Some(SegmentOutcome::Complete(c)) = r.receive(200, &o.sccp, t0).unwrap() {
            whole = Some(c.data);
        }
    }
    let whole = whole.expect("the segments make one message");
    let m = TcMessage::decode(&whole).unwrap();
    assert_eq!(
        (m.kind, m.dtid, m.otid),
        (
            MessageType::Continue,
            Some(&[0xab; 4][..]),
            Some(&scp_tid[..])
        )
    );
    let rejects = m
        .components()
        .filter(|c| matches!(c, Ok(Component::Reject { .. })))
        .count();
    assert_eq!(rejects, 40);
    assert_eq!(node.sccp_counters().segmented_sent, 1);
    assert_eq!(node.open_dialogues(), 1);
}

fn gt_called<'a>(bcd: &'a [u8], odd: bool, ssn: u8) -> Address<'a> {
    Address {
        route_on_ssn: false,
        pc: None,
        ssn: Some(ssn),
        gt: Some(GlobalTitle::new(4, 0, 1, 4, bcd, odd)),
        national: false,
    }
}

fn gt_stack() -> StackConfig {
    use crate::sccp::route::{GtAction, GtRule};
    let rule = |prefix: &str, action| GtRule {
        tt: None,
        np: Some(1),
        nai: None,
        prefix: prefix.parse().unwrap(),
        action,
    };
    StackConfig {
        gt_rules: vec![
            rule("4917", GtAction::Local { ssn: Some(146) }),
            rule(
                "49",
                GtAction::Remote {
                    pc: 300,
                    ssn: Some(6),
                },
            ),
        ],
        ..StackConfig::default()
    }
}

#[test]
fn gt_routed_messages_follow_the_translation_table() {
    let mut node = node_with_stack(&[], gt_stack());
    let mut fx = Effects::default();
    let t0 = Instant::now();
    let mut tcap = Vec::new();
    initial_dp_begin(&sim_cfg("4911", false), &[3], &mut tcap);
    let bcd = |digits: &str| {
        let mut b = Vec::new();
        let odd = GlobalTitle::pack(&digits.parse().unwrap(), &mut b);
        (b, odd)
    };
    let msc = Address::ssn_pc(MSC_PC, 146);

    // 4917… is ours (the SSN in the address is replaced by the rule's): answered.
    let (b, odd) = bcd("491700000000");
    let mut u = Vec::new();
    sccp::encode_udt(&mut u, 0x80, &gt_called(&b, odd, 0), &msc, &tcap);
    deliver(&mut node, &u, t0, &mut fx).unwrap();
    let t = sent(&fx);
    let m = TcMessage::decode(&t).unwrap();
    assert_eq!((m.kind, m.dtid), (MessageType::End, Some(&[3][..])));

    // 4930… belongs to PC 300 SSN 6: relayed (XUDT hop counter 5 → 4), called address
    // routed on SSN, data untouched.
    fx.clear();
    let (b, odd) = bcd("493012345");
    let mut x = Unitdata::xudt(0x80, gt_called(&b, odd, 146), msc, &tcap);
    x.hop_counter = Some(5);
    let mut xb = Vec::new();
    x.encode(&mut xb, sccp::Variant::Itu).unwrap();
    deliver(&mut node, &xb, t0, &mut fx).unwrap();
    assert_eq!(fx.send.len(), 1);
    let o = &fx.send[0];
    assert_eq!((o.opc, o.dpc, o.assoc), (200, 300, 9));
    let r = Unitdata::decode(&o.sccp).unwrap();
    assert_eq!(r.msg_type, msg_type::XUDT);
    assert_eq!(r.hop_counter, Some(4));
    assert!(r.called.route_on_ssn);
    assert_eq!((r.called.pc, r.called.ssn), (Some(300), Some(6)));
    assert_eq!((r.calling, r.data), (msc, &tcap[..]));
    assert!(fx.events.is_empty());
    assert_eq!(node.sccp_counters().relayed, 1);

    // Hop counter 1 cannot be translated again: XUDTS hop counter violation.
    fx.clear();
    x.hop_counter = Some(1);
    xb.clear();
    x.encode(&mut xb, sccp::Variant::Itu).unwrap();
    assert_eq!(
        deliver(&mut node, &xb, t0, &mut fx),
        Err(Fault::Sccp(SccpFault::HopCounter))
    );
    let back = Unitdata::decode(&fx.send[0].sccp).unwrap();
    assert_eq!(
        (back.msg_type, back.return_cause),
        (msg_type::XUDTS, Some(cause::HOP_COUNTER_VIOLATION))
    );

    // 33… matches no rule: UDTS no translation for this address.
    fx.clear();
    let (b, odd) = bcd("3312345");
    u.clear();
    sccp::encode_udt(&mut u, 0x80, &gt_called(&b, odd, 146), &msc, &tcap);
    assert_eq!(
        deliver(&mut node, &u, t0, &mut fx),
        Err(Fault::Sccp(SccpFault::NoTranslation(
            cause::NO_TRANSLATION_ADDRESS
        )))
    );
    let back = Unitdata::decode(&fx.send[0].sccp).unwrap();
    assert_eq!(
        (back.msg_type, back.return_cause),
        (msg_type::UDTS, Some(cause::NO_TRANSLATION_ADDRESS))
    );

    // Without a table (the default) the same GT-routed message is simply ours.
    let mut plain = node_with(&[], 10);
    fx.clear();
    deliver(&mut plain, &u, t0, &mut fx).unwrap();
    assert_eq!(
        TcMessage::decode(&sent(&fx)).unwrap().kind,
        MessageType::End
    );
}

#[test]
fn ac_negotiation_and_invoke_timers() {
    let mut node = node_with(&["491700000009"], 10);
    let mut fx = Effects::default();
    let t0 = Instant::now();
    let idp_begin = |otid: &[u8], ac: Option<&[u8]>| {
        let mut sim = Vec::new();
        initial_dp_begin(&sim_cfg("491700000009", false), otid, &mut sim);
        // Re-wrap the simulator's components with the dialogue portion we want.
        let m = TcMessage::decode(&sim).unwrap();
        let comps: Vec<u8> = m.components.unwrap().value.to_vec();
        let mut t = Vec::new();
        itu::encode(
            &mut t,
            MessageType::Begin,
            Some(otid),
            None,
            ac.map(|ac| DialogueOut::Aarq { ac }),
            |w| w.raw(&comps),
        );
        udt(146, &t, 0)
    };
    // CAP v3 is accepted and named in the AARE; the trigger says CAP v3.
    deliver(
        &mut node,
        &idp_begin(&[1], Some(ac::CAP_V3_GSMSSF_SCF_GENERIC)),
        t0,
        &mut fx,
    )
    .unwrap();
    let t = sent(&fx);
    let m = TcMessage::decode(&t).unwrap();
    assert!(matches!(
        m.dialogue,
        Some(DialoguePdu::Aare { result: 0, ac: a, .. }) if a == ac::CAP_V3_GSMSSF_SCF_GENERIC
    ));
    assert_eq!(fx.published()[0].protocol_version, "CAP v3");
    // CAP v1 comes without dialogue portion: accepted, answered without one.
    fx.clear();
    deliver(&mut node, &idp_begin(&[2], None), t0, &mut fx).unwrap();
    let t = sent(&fx);
    let m = TcMessage::decode(&t).unwrap();
    assert_eq!((m.kind, m.dialogue), (MessageType::Continue, None));
    assert_eq!(fx.published()[0].protocol_version, "CAP v1");
    // The CAP v1 AC in an AARQ is accepted too (TS 29.078 phase 1).
    fx.clear();
    deliver(
        &mut node,
        &idp_begin(&[4], Some(ac::CAP_V1_GSMSSF_TO_GSMSCF)),
        t0,
        &mut fx,
    )
    .unwrap();
    let t = sent(&fx);
    let m = TcMessage::decode(&t).unwrap();
    assert!(matches!(
        m.dialogue,
        Some(DialoguePdu::Aare { result: 0, ac: a, .. }) if a == ac::CAP_V1_GSMSSF_TO_GSMSCF
    ));
    // A context the CAMEL SSN does not serve (MAP networkLocUp v3): refused naming CAP v2.
    fx.clear();
    assert!(deliver(
        &mut node,
        &idp_begin(&[3], Some(&[0x04, 0x00, 0x00, 0x01, 0x00, 0x01, 0x03])),
        t0,
        &mut fx
    )
    .is_err());
    let t = sent(&fx);
    let m = TcMessage::decode(&t).unwrap();
    assert!(matches!(
        m.dialogue,
        Some(DialoguePdu::Aare { result: 1, ac: a, .. }) if a == ac::CAP_V2_GSMSSF_TO_GSMSCF
    ));
    assert_eq!(node.tcap_counters(User::Camel).ac_refused, 1);
    // RequestReportBCSMEvent (class 2) and Continue (class 4) expect no result: their
    // timers run out silently, the dialogues stay.
    fx.clear();
    node.on_timeout(t0 + Duration::from_secs(11), 0, &mut fx);
    assert!(fx.send.is_empty() && fx.events.is_empty());
    assert_eq!(node.tcap_counters(User::Camel).invoke_timeouts, 6);
    assert_eq!(node.open_dialogues(), 3);
}

mod stack_fuzz {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        /// Mutated segments, returned messages and SCMG bodies through a node with a GT
        /// table: no panic, nothing held after T(reass), and a real call still answered.
        #[test]
        fn hostile_segments_notices_and_scmg_never_break_the_node(
            which in 0..3usize,
            edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 0..4),
            order in proptest::collection::vec(any::<usize>(), 0..6),
        ) {
            let mut node = node_with_stack(&["491700000009"], gt_stack());
            let mut fx = Effects::default();
            let t0 = Instant::now();
            let mut msgs = match which {
                0 => begin_segments("491700000009", &[1, 2], 30),
                1 => {
                    deliver(&mut node, &begin("491700000009", false, &[5]), t0, &mut fx).unwrap();
                    let ours = fx.send[0].sccp.clone();
                    let u = Unitdata::decode(&ours).unwrap();
                    let mut b = Vec::new();
                    sccp::encode_udts(&mut b, 1, &u.called, &u.calling, u.data);
                    vec![b]
                }
                _ => vec![crate::ber::from_hex("0900030507024201024201050392c80000").unwrap()],
            };
            for (at, b) in edits {
                let n = msgs.len();
                let m = &mut msgs[at % n];
                let i = at % m.len();
                m[i] = b;
            }
            for i in order {
                let _ = deliver(&mut node, &msgs[i % msgs.len()], t0, &mut fx);
            }
            for m in &msgs {
                let _ = deliver(&mut node, m, t0, &mut fx);
            }
            node.on_timeout(t0 + Duration::from_secs(60), 0, &mut fx);
            prop_assert_eq!(node.reassemblies(), 0);
            prop_assert_eq!(node.scrc.return_routes(), 0);
            fx.clear();
            deliver(&mut node, &begin("4911", false, &[9]), t0, &mut fx).unwrap();
            let t = sent(&fx);
            prop_assert_eq!(TcMessage::decode(&t).unwrap().kind, MessageType::End);
        }
    }
}

/// The CAP Begin of `begin()` in a UDT of `variant`, between PCs `ours` and `msc`, with
/// national (ANSI layout) addresses when `national`.
fn begin_in(variant: sccp::Variant, national: bool, ours: u32, msc: u32) -> Vec<u8> {
    let mut t = Vec::new();
    initial_dp_begin(&sim_cfg("4911", false), &[5, 5], &mut t);
    let called = Address {
        national,
        ..Address::ssn_pc(ours, 146)
    };
    let calling = Address {
        national,
        ..Address::ssn_pc(msc, 146)
    };
    let mut u = Vec::new();
    Unitdata::udt(0x81, called, calling, &t)
        .encode(&mut u, variant)
        .unwrap();
    u
}

fn node_at(point_code: u32, stack: StackConfig) -> Node {
    let cfg = NodeConfig {
        point_code,
        network_indicator: 2,
        camel_ssn: 146,
        ain_ssn: Some(247),
        instance: 7,
        shards: Shards::ONE,
        max_dialogues: 10,
        dialogue_idle: Duration::from_secs(30),
    };
    Node::with_stack(cfg, stack, Default::default(), 1_700_000_000_000)
}

#[test]
fn ansi_sccp_query_is_answered_in_the_ansi_layout() {
    // T1.112: 24-bit point codes, SSN before PC, AI bits 1/2 = SSN/PC present.
    let (ours, msc) = (0x01_02_03, 0x0a_0b_0c);
    let mut node = node_at(
        ours,
        StackConfig {
            sccp_variant: sccp::Variant::Ansi,
            ..StackConfig::default()
        },
    );
    let q = begin_in(sccp::Variant::Ansi, true, ours, msc);
    // The called address as T1.112.3 §3.4 lays it out, written by hand: length 5,
    // AI 0xc3 (national, route on SSN, PC and SSN present), SSN 146, PC member-cluster-network.
    assert_eq!(q[5..11], [5, 0xc3, 146, 0x03, 0x02, 0x01]);
    let pd = ProtocolData {
        opc: msc,
        dpc: ours,
        si: 3,
        ni: 2,
        mp: 0,
        sls: 1,
        data: &q,
    };
    let mut fx = Effects::default();
    node.on_data(4, &pd, Instant::now(), 0, &mut fx).unwrap();
    assert_eq!(fx.send.len(), 1);
    let o = &fx.send[0];
    assert_eq!((o.assoc, o.opc, o.dpc), (4, ours, msc));
    // The answer's called address is the query's calling one, in the same ANSI layout.
    assert_eq!(o.sccp[5..11], [5, 0xc3, 146, 0x0c, 0x0b, 0x0a]);
    let u = Unitdata::decode_variant(&o.sccp, sccp::Variant::Ansi).unwrap();
    assert_eq!((u.called.pc, u.calling.pc), (Some(msc), Some(ours)));
    let m = TcMessage::decode(u.data).unwrap();
    assert_eq!(m.kind, MessageType::End);
    assert_eq!(invokes(&m), [opcode::CONTINUE]);
    // An ITU-format message is not mistaken for ours: the node answers nothing wrong-shaped.
    fx.clear();
    let itu = begin_in(sccp::Variant::Itu, false, 200, MSC_PC);
    let pd = ProtocolData { data: &itu, ..pd };
    let _ = node.on_data(4, &pd, Instant::now(), 0, &mut fx);
    for o in &fx.send {
        Unitdata::decode_variant(&o.sccp, sccp::Variant::Ansi).unwrap();
    }
}

#[test]
fn chinese_sccp_uses_the_itu_layout_with_24_bit_point_codes() {
    let (ours, msc) = (0x01_02_03, 0x0a_0b_0c);
    let mut node = node_at(
        ours,
        StackConfig {
            sccp_variant: sccp::Variant::Chinese,
            ..StackConfig::default()
        },
    );
    let q = begin_in(sccp::Variant::Chinese, false, ours, msc);
    // Q.713 layout, PC first (3 octets, least significant first), then SSN.
    assert_eq!(q[5..11], [5, 0x43, 0x03, 0x02, 0x01, 146]);
    let pd = ProtocolData {
        opc: msc,
        dpc: ours,
        si: 3,
        ni: 2,
        mp: 0,
        sls: 1,
        data: &q,
    };
    let mut fx = Effects::default();
    node.on_data(4, &pd, Instant::now(), 0, &mut fx).unwrap();
    assert_eq!(fx.send.len(), 1);
    assert_eq!(fx.send[0].sccp[5..11], [5, 0x43, 0x0c, 0x0b, 0x0a, 146]);
    let u = Unitdata::decode_variant(&fx.send[0].sccp, sccp::Variant::Chinese).unwrap();
    assert_eq!(TcMessage::decode(u.data).unwrap().kind, MessageType::End);
}

#[test]
fn configured_hop_counter_goes_on_the_xudts_we_originate() {
    let mut node = node_with_stack(
        &[],
        StackConfig {
            hop_counter: 6,
            max_segment: Some(40),
            ..StackConfig::default()
        },
    );
    let t0 = Instant::now();
    let mut fx = Effects::default();
    // A reassembly that times out: the XUDTS returning it carries our hop counter.
    let segs = begin_segments("4911", &[8], 40);
    deliver(&mut node, &segs[0], t0, &mut fx).unwrap();
    node.on_timeout(t0 + Duration::from_secs(3600), 0, &mut fx);
    assert_eq!(fx.send.len(), 1);
    let back = Unitdata::decode(&fx.send[0].sccp).unwrap();
    assert_eq!(
        (back.msg_type, back.hop_counter),
        (msg_type::XUDTS, Some(6))
    );
    // A message for a subsystem we lack, in an XUDT asking for return: XUDTS, hop 6.
    fx.clear();
    let mut x = Vec::new();
    Unitdata::xudt(
        0x80,
        Address::ssn_pc(200, 8),
        Address::ssn_pc(MSC_PC, 146),
        b"\x62\x00",
    )
    .encode(&mut x, sccp::Variant::Itu)
    .unwrap();
    let _ = deliver(&mut node, &x, t0, &mut fx);
    let back = Unitdata::decode(&fx.send[0].sccp).unwrap();
    assert_eq!(
        (back.msg_type, back.return_cause, back.hop_counter),
        (msg_type::XUDTS, Some(cause::UNEQUIPPED_USER), Some(6))
    );
}

#[test]
fn scmg_tells_concerned_point_codes_ssa_when_announced_and_ssp_at_shutdown() {
    use crate::sccp::scmg::{scmg_type, ScmgMessage, SSN_SCMG};
    let mut node = node_with_stack(
        &[],
        StackConfig {
            scmg_concerned: vec![300, 301],
            ..StackConfig::default()
        },
    );
    let told = |fx: &Effects| -> Vec<(u32, u8, u8, u32)> {
        fx.send
            .iter()
            .map(|o| {
                assert_eq!((o.assoc, o.opc, o.ni), (ANY_ASSOC, 200, 2));
                let u = Unitdata::decode(&o.sccp).unwrap();
                assert_eq!(u.msg_type, msg_type::UDT);
                assert_eq!(u.called, Address::ssn_pc(o.dpc, SSN_SCMG));
                assert_eq!(u.calling, Address::ssn_pc(200, SSN_SCMG));
                let m = ScmgMessage::decode(u.data, sccp::Variant::Itu).unwrap();
                (o.dpc, m.format, m.affected_ssn, m.affected_pc)
            })
            .collect()
    };
    let mut fx = Effects::default();
    node.announce_subsystems(&mut fx);
    // Every local subsystem: WIN (14), CAMEL (146), INAP (241) and AIN (247).
    assert_eq!(
        told(&fx),
        [
            (300, scmg_type::SSA, 14, 200),
            (301, scmg_type::SSA, 14, 200),
            (300, scmg_type::SSA, 146, 200),
            (301, scmg_type::SSA, 146, 200),
            (300, scmg_type::SSA, 241, 200),
            (301, scmg_type::SSA, 241, 200),
            (300, scmg_type::SSA, 247, 200),
            (301, scmg_type::SSA, 247, 200)
        ]
    );
    // No change, nothing said; out of service: SSP; back: SSA.
    fx.clear();
    node.set_subsystem(146, true, &mut fx);
    assert!(fx.send.is_empty());
    node.set_subsystem(146, false, &mut fx);
    assert_eq!(told(&fx)[0].1, scmg_type::SSP);
    fx.clear();
    node.set_subsystem(146, true, &mut fx);
    assert_eq!(told(&fx)[1].1, scmg_type::SSA);
    fx.clear();
    node.shutdown(&mut fx);
    assert_eq!(
        told(&fx),
        [
            (300, scmg_type::SSP, 14, 200),
            (301, scmg_type::SSP, 14, 200),
            (300, scmg_type::SSP, 146, 200),
            (301, scmg_type::SSP, 146, 200),
            (300, scmg_type::SSP, 241, 200),
            (301, scmg_type::SSP, 241, 200),
            (300, scmg_type::SSP, 247, 200),
            (301, scmg_type::SSP, 247, 200)
        ]
    );
    assert_eq!(node.sccp_counters().scmg_sent, 20);
}

#[test]
fn cap_v1_monitoring_arms_only_the_phase_1_detection_points() {
    // The sim's Begin re-encoded without dialogue portion: CAP v1 (CAMEL phase 1).
    let mut v2 = Vec::new();
    initial_dp_begin(&sim_cfg("491700000009", false), &[0x31], &mut v2);
    let m = TcMessage::decode(&v2).unwrap();
    let Some(Ok(Component::Invoke {
        parameter: Some(p), ..
    })) = m.components().next()
    else {
        panic!("no InitialDP")
    };
    let mut t = Vec::new();
    itu::encode(&mut t, MessageType::Begin, Some(&[0x31]), None, None, |w| {
        itu::invoke(w, 1, opcode::INITIAL_DP, |w| w.raw(p.raw))
    });
    let mut node = node_with(&["491700000009"], 10);
    let mut fx = Effects::default();
    deliver(&mut node, &udt(146, &t, 0x81), Instant::now(), &mut fx).unwrap();
    assert_eq!(fx.published()[0].protocol_version, "CAP v1");
    let answer = sent(&fx);
    let m = TcMessage::decode(&answer).unwrap();
    assert_eq!(m.kind, MessageType::Continue);
    assert!(m.dialogue.is_none(), "no AARE for a dialogue without AARQ");
    let rr = m
        .components()
        .find_map(|c| match c.unwrap() {
            Component::Invoke {
                parameter: Some(p),
                opcode: 23,
                ..
            } => Some(RequestReportBcsmEventArg::decode(p).unwrap()),
            _ => None,
        })
        .unwrap();
    let armed: Vec<(u8, u8)> = rr
        .events
        .iter()
        .map(|e| (e.event_type.0, e.monitor_mode as u8))
        .collect();
    // oAnswer notify, oDisconnect interrupted on both legs: nothing phase 1 lacks.
    assert_eq!(armed, [(7, 1), (9, 0), (9, 0)]);
}
