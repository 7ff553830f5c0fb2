//! M3UA roles of the real `scpd` binary over TCP (issue 3): IPSP in single and double
//! exchange (RFC 4666 §4.3.1), routing key registration on both sides (§3.6, §4.4), and
//! several server-side application servers (an AS per MSC) keeping answers within the AS
//! their query came from. Free ports only; every read has a timeout.

mod common;
mod m3ua_harness;
use m3ua_harness::*;
use scpd::camel::opcode;
use scpd::m3ua::codec::tag;
use scpd::m3ua::pdu::{
    dereg_status, reg_status, DeregReq, List, MaskedPc, Pdu, RegReq, RegResult, RegRsp, RkDest,
    RkDests, RoutingKey, Seq,
};
use scpd::m3ua::{Builder, Kind, Message};
use scpd::tcap::itu::MessageType;
use std::net::{TcpListener, TcpStream};
use std::time::Duration;

fn send_kind_rc(a: &mut Assoc, k: Kind, rc: Option<u32>) {
    let mut b = Vec::new();
    let mut m = Builder::new(&mut b, k);
    if let Some(rc) = rc {
        m = m.param_u32(tag::ROUTING_CONTEXT, rc);
    }
    m.finish();
    a.send(&b);
}

/// One monitored call: Begin answered by RRBE in a TC-CONTINUE, oDisconnect by a TC-END.
fn call_round_trip(a: &mut Assoc, n: u32) {
    let mut c = calls(n, 1);
    a.begin(&c[0]);
    expect_answers(
        a,
        &mut c,
        MessageType::Continue,
        opcode::REQUEST_REPORT_BCSM_EVENT,
    );
    a.report(&c[0], true);
    let ans = a.answer();
    assert_eq!(ans.kind, MessageType::End, "{ans:?}");
    assert_eq!(ans.dtid, c[0].otid);
}

#[test]
fn an_msc_connects_as_ipsp_in_single_exchange() {
    let port = common::free_port();
    let d = Daemon::start(
        "ipsp-se",
        &format!("ipsp_listen = [\"tcp://127.0.0.1:{port}\"]"),
    );
    d.monitor(SUBSCRIBER);
    let url = format!("127.0.0.1:{port}");
    // DATA before the MSC's ASP is active: ERR Unexpected Message, association kept.
    let mut early = Assoc::new(TcpStream::connect(&url).unwrap(), None);
    early.begin(&calls(7, 1)[0]);
    let e = early.recv();
    let m = Message::parse(&e).unwrap();
    assert_eq!(m.kind(), Some(Kind::Err));
    assert_eq!(m.error_code().unwrap(), Some(6));
    drop(early);
    // The MSC opened the association: it sends ASPUP/ASPAC, scpd answers (and does not
    // send requests of its own).
    let mut msc = Assoc::asp(&url, 9, None);
    assert!(msc.recv_skip_ntfy(Duration::from_millis(300)).is_none());
    call_round_trip(&mut msc, 0x1000);
    d.stop();
}

#[test]
fn scpd_connects_to_an_msc_as_ipsp_in_double_exchange() {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("tcp://{}", l.local_addr().unwrap());
    let d = Daemon::start(
        "ipsp-de",
        &format!(
            "ipsp_connect = [\"{url}\"]\nipsp_exchange = \"double\"\nipsp_routing_contexts = [5]"
        ),
    );
    d.monitor(SUBSCRIBER);
    let (s, _) = l.accept().unwrap();
    let mut msc = Assoc::new(s, Some(5));
    // scpd's half: ASPUP, then ASPAC with the agreed routing context.
    assert_eq!(msc.recv_kind(), Kind::AspUp);
    msc.send_kind(Kind::AspUpAck);
    let ac = msc.recv();
    let m = Message::parse(&ac).unwrap();
    assert_eq!(m.kind(), Some(Kind::AspAc));
    let rcs: Vec<u32> = m.routing_contexts().unwrap().unwrap().iter().collect();
    assert_eq!(rcs, [5]);
    send_kind_rc(&mut msc, Kind::AspAcAck, Some(5));
    // Double exchange: traffic waits for the MSC's half too.
    msc.begin(&calls(0x2000, 1)[0]);
    let e = Message::parse(&msc.recv_skip_ntfy(Duration::from_secs(5)).unwrap())
        .unwrap()
        .error_code()
        .unwrap();
    assert_eq!(e, Some(6), "DATA before the MSC's ASP is active");
    msc.send_kind(Kind::AspUp);
    assert_eq!(msc.recv_kind(), Kind::AspUpAck);
    send_kind_rc(&mut msc, Kind::AspAc, Some(5));
    assert_eq!(
        Message::parse(&msc.recv_skip_ntfy(Duration::from_secs(5)).unwrap())
            .unwrap()
            .kind(),
        Some(Kind::AspAcAck)
    );
    // Both ways now: queries in, answers out, stamped with RC 5.
    call_round_trip(&mut msc, 0x2100);
    call_round_trip(&mut msc, 0x2200);
    d.stop();
}

const TWO_MSCS: &str = r#"[[m3ua.application_servers]]
name = "msc-a"
routing_contexts = [10]
asp_ids = [1, 3]
point_codes = [100]

[[m3ua.application_servers]]
name = "msc-b"
routing_contexts = [20]
asp_ids = [2]
point_codes = [101]

[sccp]
"#;

#[test]
fn answers_stay_within_the_application_server_of_their_query() {
    let d = Daemon::start_with("two-as", "", &[("[sccp]\n", TWO_MSCS)]);
    d.monitor(SUBSCRIBER);
    let mut a = Assoc::asp(&d.m3ua, 1, Some(10));
    let mut b = Assoc::asp(&d.m3ua, 2, Some(20));
    b.pc = 101;
    // ASP 3 activates without a routing context: its ASP Identifier puts it in msc-a.
    let mut a2 = Assoc::asp(&d.m3ua, 3, None);
    // An ASP nothing places in an AS: ERR No Configured AS for ASP (0x1a).
    let mut stray = Assoc::new(TcpStream::connect(&d.m3ua).unwrap(), None);
    let mut up = Vec::new();
    Builder::new(&mut up, Kind::AspUp)
        .param_u32(tag::ASP_IDENTIFIER, 99)
        .finish();
    stray.send(&up);
    assert_eq!(stray.recv_kind(), Kind::AspUpAck);
    stray.send_kind(Kind::AspAc);
    let m = stray.recv();
    assert_eq!(
        Message::parse(&m).unwrap().error_code().unwrap(),
        Some(0x1a)
    );

    let mut on_a = calls(0xa000_0000, 4);
    for c in &on_a {
        a.begin(c);
    }
    expect_answers(
        &mut a,
        &mut on_a,
        MessageType::Continue,
        opcode::REQUEST_REPORT_BCSM_EVENT,
    );
    let mut on_b = calls(0xb000_0000, 1);
    b.begin(&on_b[0]);
    expect_answers(
        &mut b,
        &mut on_b,
        MessageType::Continue,
        opcode::REQUEST_REPORT_BCSM_EVENT,
    );
    // A's first link goes; its dialogues continue over A's other link, never over B.
    a.kill();
    a2.report(&on_a[0], true);
    let ans = a2.answer();
    assert_eq!(
        (ans.kind, ans.dtid.clone()),
        (MessageType::End, on_a[0].otid.to_vec())
    );
    // A's second link goes too: A's AS is pending, B is active. At shutdown the TC-ENDs of
    // A's open dialogues must not go to B (another MSC); B's own does.
    a2.kill();
    d.stop();
    let mut ends = Vec::new();
    while let Some(m) = b.try_recv_eof(Duration::from_secs(5)) {
        let msg = Message::parse(&m).unwrap();
        if msg.kind() == Some(Kind::Data) {
            let pd = msg.protocol_data().unwrap();
            assert_eq!(
                pd.dpc, 101,
                "an answer for another MSC's point code came to B"
            );
            ends.push(m);
        }
    }
    assert_eq!(ends.len(), 1, "B's own dialogue is ended at shutdown");
}

fn key<'a>(lrk: u32, dests: &'a [RkDest<'a>]) -> RoutingKey<'a> {
    RoutingKey {
        local_rk_id: lrk,
        rc: None,
        traffic_mode: Some(2),
        na: None,
        dests: RkDests::Values(dests),
    }
}

fn results(b: &[u8]) -> Vec<(u32, u32, u32)> {
    match Pdu::decode(b).unwrap() {
        Pdu::RegRsp(r) => r
            .results
            .iter()
            .map(|x| (x.local_rk_id, x.status, x.rc))
            .collect(),
        Pdu::DeregRsp(r) => r.results.iter().map(|x| (0, x.status, x.rc)).collect(),
        other => panic!("{other:?}"),
    }
}

#[test]
fn an_asp_registers_a_routing_key_and_gets_an_application_server() {
    let d = Daemon::start("rkm-server", "");
    d.monitor(SUBSCRIBER);
    let mut asp = Assoc::new(TcpStream::connect(&d.m3ua).unwrap(), None);
    asp.send_kind(Kind::AspUp);
    assert_eq!(asp.recv_kind(), Kind::AspUpAck);
    // The MSC's point code 100, SCCP; and one key for our own point code (invalid).
    let si = [3u8];
    let msc = [RkDest {
        dpc: MaskedPc::exact(100),
        si: Some(List::Values(&si)),
        opc: None,
    }];
    let own = [RkDest {
        dpc: MaskedPc::exact(200),
        si: None,
        opc: None,
    }];
    asp.send(
        &Pdu::RegReq(RegReq {
            info: None,
            keys: Seq::Values(&[key(1, &msc), key(2, &own)]),
        })
        .to_vec(),
    );
    assert_eq!(
        results(&asp.recv()),
        [
            (1, reg_status::SUCCESS, 1000),
            (2, reg_status::INVALID_DPC, 0)
        ]
    );
    send_kind_rc(&mut asp, Kind::AspAc, Some(1000));
    assert_eq!(asp.recv_kind(), Kind::AspAcAck);
    asp.rc = Some(1000);
    call_round_trip(&mut asp, 0x3000);
    // Deregistration while active is refused; after ASPIA it succeeds.
    let dereg = Pdu::DeregReq(DeregReq {
        rc: Some(List::Values(&[1000])),
    })
    .to_vec();
    asp.send(&dereg);
    assert_eq!(
        results(&asp.recv_skip_ntfy(Duration::from_secs(5)).unwrap()),
        [(0, dereg_status::ASP_CURRENTLY_ACTIVE, 1000)]
    );
    send_kind_rc(&mut asp, Kind::AspIa, Some(1000));
    assert_eq!(
        Message::parse(&asp.recv_skip_ntfy(Duration::from_secs(5)).unwrap())
            .unwrap()
            .kind(),
        Some(Kind::AspIaAck)
    );
    asp.send(&dereg);
    assert_eq!(
        results(&asp.recv_skip_ntfy(Duration::from_secs(5)).unwrap()),
        [(0, dereg_status::SUCCESS, 1000)]
    );
    // The AS is gone with the registration: activating it now is refused.
    send_kind_rc(&mut asp, Kind::AspAc, Some(1000));
    let m = asp.recv_skip_ntfy(Duration::from_secs(5)).unwrap();
    assert_eq!(
        Message::parse(&m).unwrap().error_code().unwrap(),
        Some(0x19)
    );
    d.stop();
}

#[test]
fn scpd_registers_its_routing_key_with_an_sg_before_activating() {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("tcp://{}", l.local_addr().unwrap());
    let d = Daemon::start(
        "rkm-client",
        &format!("connect = [\"{url}\"]\nconnect_routing_contexts = []\nregister = true"),
    );
    d.monitor(SUBSCRIBER);
    let (s, _) = l.accept().unwrap();
    let mut sg = Assoc::new(s, Some(77));
    assert_eq!(sg.recv_kind(), Kind::AspUp);
    sg.send_kind(Kind::AspUpAck);
    let req = sg.recv();
    let lrk = match Pdu::decode(&req).unwrap() {
        Pdu::RegReq(r) => {
            let k = r.keys.first().unwrap();
            let d = k.dests.iter().next().unwrap();
            assert_eq!(d.dpc, MaskedPc::exact(200), "traffic for scpd's point code");
            assert_eq!(d.si.unwrap().iter().collect::<Vec<_>>(), [3]);
            k.local_rk_id
        }
        other => panic!("expected REG REQ, got {other:?}"),
    };
    sg.send(
        &Pdu::RegRsp(RegRsp {
            results: Seq::Values(&[RegResult {
                local_rk_id: lrk,
                status: reg_status::SUCCESS,
                rc: 77,
            }]),
        })
        .to_vec(),
    );
    let ac = sg.recv();
    let m = Message::parse(&ac).unwrap();
    assert_eq!(m.kind(), Some(Kind::AspAc));
    let rcs: Vec<u32> = m.routing_contexts().unwrap().unwrap().iter().collect();
    assert_eq!(
        rcs,
        [77],
        "activates with the routing context the SG assigned"
    );
    send_kind_rc(&mut sg, Kind::AspAcAck, Some(77));
    // DATA both ways carries RC 77.
    call_round_trip(&mut sg, 0x4000);
    d.stop();
}
