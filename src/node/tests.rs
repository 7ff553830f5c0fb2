//! The node as a pure function of (message, time): every CAP dialogue path without sockets.

use super::*;
use crate::camel::{
    ac, opcode, EventReportBcsmArg, EventTypeBcsm, LegType, RequestReportBcsmEventArg,
};
use crate::lab::sim::{initial_dp_begin, SimConfig};
use crate::proto::{EventKind, Policy, Subscriber};
use crate::sccp::Address;
use crate::tcap::itu::{Component, DialogueOut, DialoguePdu};

const MSC_PC: u32 = 100;

fn node_with(monitored: &[&str], max_dialogues: usize) -> Node {
    let table: SubscriberTable = Default::default();
    for n in monitored {
        table.write().unwrap().insert(
            n.to_string(),
            Subscriber {
                number: n.to_string(),
                user: String::new(),
                policy: Policy::Monitor as i32,
            },
        );
    }
    Node::new(
        NodeConfig {
            point_code: 200,
            camel_ssn: 146,
            instance: 7,
            max_dialogues,
            dialogue_idle: Duration::from_secs(30),
        },
        table,
        1_700_000_000_000,
    )
}

fn sim_cfg(calling: &str, terminating: bool) -> SimConfig {
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
fn udt(ssn: u8, tcap: &[u8], class: u8) -> Vec<u8> {
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

fn deliver(node: &mut Node, sccp: &[u8], now: Instant, fx: &mut Effects) -> Result<(), Fault> {
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
fn sent(fx: &Effects) -> Vec<u8> {
    assert_eq!(fx.send.len(), 1, "{:?}", fx.send);
    let o = &fx.send[0];
    assert_eq!((o.assoc, o.opc, o.dpc, o.sls), (9, 200, MSC_PC, 3));
    let u = Unitdata::decode(&o.sccp).unwrap();
    assert_eq!(u.called, Address::ssn_pc(MSC_PC, 146));
    u.data.to_vec()
}

fn invokes(m: &TcMessage<'_>) -> Vec<u32> {
    m.components()
        .filter_map(|c| match c.unwrap() {
            Component::Invoke { opcode, .. } => Some(opcode),
            _ => None,
        })
        .collect()
}

fn begin(calling: &str, terminating: bool, otid: &[u8]) -> Vec<u8> {
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
    assert_eq!(fx.events[0].kind(), EventKind::Trigger);
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
    let call_id = fx.events[0].call_id.clone();

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
        (fx.events[0].kind(), fx.events[0].call_id.as_str()),
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
    assert_eq!(fx.events[0].kind(), EventKind::Disconnected);
    assert_eq!(node.open_dialogues(), 0);

    // The dialogue is gone: a late Continue gets P-Abort unrecognizedTransactionID.
    fx.clear();
    let r = deliver(
        &mut node,
        &report(&scp_tid, &[0xaa; 4], 9, false),
        t0,
        &mut fx,
    );
    assert!(matches!(r, Err(Fault::UnknownTransaction(_))));
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
        fx.events[0].direction(),
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
    node.on_tick(t0 + Duration::from_secs(29), 0, &mut fx);
    assert!(fx.send.is_empty() && fx.events.is_empty());
    node.on_tick(t0 + Duration::from_secs(31), 0, &mut fx);
    let t = sent(&fx);
    let m = TcMessage::decode(&t).unwrap();
    assert_eq!(
        (m.kind, m.dialogue),
        (MessageType::Abort, Some(DialoguePdu::Abrt { source: 0 }))
    );
    assert_eq!(fx.events[0].kind(), EventKind::DialogueTimedOut);
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
        Err(Fault::PAbort(PAbortCause::ResourceLimitation))
    );
    let t = sent(&fx);
    let m = TcMessage::decode(&t).unwrap();
    assert_eq!(
        (m.kind, m.dtid, m.p_abort),
        (MessageType::Abort, Some(&[2][..]), Some(4))
    );
    assert!(fx.events.is_empty());
    assert_eq!(node.open_dialogues(), 1);
    let c = node.tcap_counters();
    assert_eq!(
        c.p_abort_answers.get(&PAbortCause::ResourceLimitation),
        Some(&1)
    );
    // Unmonitored calls need a dialogue too, for as long as it takes to answer.
    fx.clear();
    assert!(deliver(&mut node, &begin("4911", false, &[3]), t0, &mut fx).is_err());
    assert_eq!(TcMessage::decode(&sent(&fx)).unwrap().p_abort, Some(4));
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
    assert_eq!(fx.events[0].kind(), EventKind::DialogueAborted);
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
        Err(Fault::UnknownSubsystem(Some(8)))
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
        Err(Fault::NotSccp(5))
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
    let ev = &fx.events[0];
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
            super::camel::write_instruction(w, 1, ins)
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
