//! The load generator against a stand-in SCP on loopback, and its helpers.

use super::conn::{wrap, wrap_ssns};
use super::engine::vary;
use super::*;
use crate::camel::opcode;
use crate::lab::sim_win::MSC_SSN;
use crate::m3ua::{Builder, Kind, Message};
use crate::sccp::{Unitdata, Variant};
use crate::service::Direction;
use crate::tcap::ansi::{self, AnsiComponent, AnsiMessage, PackageType, TransactionIds};
use crate::tcap::itu::{self, MessageType, TcMessage};
use crate::tcuser::win_map;
use crate::transport::tcp::FrameReader;
use crate::win::{self, BillingId, Operation as Op};
use std::collections::HashMap;
use tokio::io::AsyncWriteExt;

/// An SCP that handles one message at a time and writes its answer (Continue in a
/// TC-END) before it reads on, through small socket buffers: a switch that does not read
/// while it writes fills them both ways and the two stall.
async fn sequential_scp(listener: tokio::net::TcpListener, cfg: SimConfig) {
    let (s, _) = listener.accept().await.unwrap();
    let (rd, mut wr) = s.into_split();
    let mut rd = FrameReader::new(rd);
    let scp = SimConfig {
        opc: cfg.dpc,
        dpc: cfg.opc,
        ..cfg
    };
    let (mut out, mut tcap) = (Vec::new(), Vec::new());
    while let Ok(Some(m)) = rd.next().await {
        out.clear();
        let msg = Message::parse(m).unwrap();
        match msg.kind() {
            Some(Kind::AspUp) => {
                Builder::new(&mut out, Kind::AspUpAck).finish();
            }
            Some(Kind::AspAc) => {
                Builder::new(&mut out, Kind::AspAcAck).finish();
            }
            Some(Kind::Data) => {
                let pd = msg.protocol_data().unwrap();
                let u = Unitdata::decode_variant(pd.data, Variant::Itu).unwrap();
                let tc = TcMessage::decode(u.data).unwrap();
                tcap.clear();
                itu::encode(&mut tcap, MessageType::End, None, tc.otid, None, |w| {
                    itu::invoke(w, 1, opcode::CONTINUE, |_| {})
                });
                wrap(&scp, Variant::Itu, scp.ssn, &tcap, 0, &mut out);
            }
            _ => continue,
        }
        wr.write_all(&out).await.unwrap();
    }
}

#[tokio::test]
async fn a_large_window_does_not_stall_against_a_sequential_scp() {
    let sock = tokio::net::TcpSocket::new_v4().unwrap();
    sock.set_recv_buffer_size(4096).unwrap();
    sock.set_send_buffer_size(4096).unwrap();
    sock.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let listener = sock.listen(1).unwrap();
    // Some 10 MB of InitialDPs at once: more than the switch's socket buffer can take.
    let calls = 50_000;
    let cfg = SimConfig {
        to: listener.local_addr().unwrap(),
        calls,
        concurrency: calls,
        calling: "491700000001".into(),
        called: "4930123456".into(),
        imsi: "262011234567890".into(),
        terminating: false,
        opc: 100,
        dpc: 200,
        ssn: 146,
        routing_context: None,
        service_key: 100,
        hold: Duration::ZERO,
        timeout: Duration::from_secs(120),
    };
    tokio::spawn(sequential_scp(listener, cfg.clone()));
    let rep = tokio::time::timeout(Duration::from_secs(120), run(cfg))
        .await
        .expect("the sim and the SCP stalled")
        .unwrap();
    assert_eq!(
        (rep.calls, rep.completed, rep.continued, rep.errors),
        (calls, calls, calls, 0),
        "{rep:?}"
    );
}

#[test]
fn vary_keeps_the_length() {
    assert_eq!(vary("2015550100", 0), "2015550100");
    assert_eq!(vary("2015550100", 7), "2015550107");
    assert_eq!(vary("2015550199", 3), "2015550202");
    assert_eq!(vary("999", 1), "000");
}

/// What the stand-in WIN SCP saw of each call, by BillingID: the trigger's direction and
/// transaction id, and the reports (operation names) in order.
type WinSeen = HashMap<BillingId, (Direction, [u8; 4], Vec<&'static str>)>;

/// A WIN SCP that answers each trigger by its BillingID's ID number (0 mod 3: arm the answer
/// and disconnect of its half, 1: route, 2: continue), records the reports, answers a
/// disconnect with its empty result and nothing else; SSNs and transaction ids checked.
async fn win_scp(listener: tokio::net::TcpListener, cfg: SimConfig, win_ssn: u8) -> WinSeen {
    let (s, _) = listener.accept().await.unwrap();
    let (rd, mut wr) = s.into_split();
    let mut rd = FrameReader::new(rd);
    let scp = SimConfig {
        opc: cfg.dpc,
        dpc: cfg.opc,
        ..cfg
    };
    let mut seen = WinSeen::new();
    let (mut out, mut tcap) = (Vec::new(), Vec::new());
    while let Ok(Some(m)) = rd.next().await {
        out.clear();
        let msg = Message::parse(m).unwrap();
        match msg.kind() {
            Some(Kind::AspUp) => {
                Builder::new(&mut out, Kind::AspUpAck).finish();
            }
            Some(Kind::AspAc) => {
                Builder::new(&mut out, Kind::AspAcAck).finish();
            }
            Some(Kind::Data) => {
                let pd = msg.protocol_data().unwrap();
                let u = Unitdata::decode_variant(pd.data, Variant::Ansi).unwrap();
                assert_eq!(
                    (u.calling.ssn, u.called.ssn),
                    (Some(MSC_SSN), Some(win_ssn))
                );
                let pkg = AnsiMessage::decode(u.data).unwrap();
                let Some(Ok(AnsiComponent::Invoke {
                    invoke_id: Some(id),
                    opcode,
                    parameter,
                    ..
                })) = pkg.components().next()
                else {
                    panic!("no invoke");
                };
                let m = win::decode_invoke(opcode, parameter).unwrap();
                let key = win_map::call_key(&m).unwrap();
                let result = if m.op.is_trigger() {
                    assert_eq!(pkg.package, PackageType::QueryWithPermission);
                    let dir = win_map::message_direction(&m);
                    let tid = pkg.ids.originating.unwrap();
                    assert!(seen.insert(key, (dir, tid, Vec::new())).is_none());
                    let to = win::DestinationAddress::PcSsn(win_map::scp_address(scp.opc, win_ssn));
                    match key.id_number % 3 {
                        0 => win::arm_triggers(m.op, to, win_map::monitor_triggers(dir)),
                        1 => win::route_to(m.op, "8005550100".parse().unwrap()),
                        _ => win::continue_call(m.op),
                    }
                    .unwrap()
                } else {
                    let (_, tid, reports) = seen.get_mut(&key).expect("a report of no call");
                    reports.push(m.op.name());
                    // A report is a transaction of its own, never the trigger's.
                    assert_ne!(pkg.ids.originating, Some(*tid));
                    match m.op {
                        Op::OAnswer | Op::TAnswer => {
                            assert_eq!(pkg.package, PackageType::Unidirectional);
                            assert_eq!(pkg.ids, TransactionIds::default());
                            continue;
                        }
                        _ => win::continue_call(m.op).unwrap(),
                    }
                };
                let ours = pkg.ids.originating.expect("a query");
                tcap.clear();
                ansi::encode(
                    &mut tcap,
                    PackageType::Response,
                    TransactionIds {
                        originating: None,
                        responding: Some(ours),
                    },
                    None,
                    |w| result.write_return_result(w, true, id).unwrap(),
                );
                wrap_ssns(&scp, Variant::Ansi, (win_ssn, MSC_SSN), &tcap, 0, &mut out);
            }
            _ => continue,
        }
        wr.write_all(&out).await.unwrap();
    }
    seen
}

#[tokio::test]
async fn win_calls_are_triggered_monitored_and_reported() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let calls = 30;
    let cfg = SimConfig {
        to: listener.local_addr().unwrap(),
        calls,
        concurrency: 8,
        calling: "491700000001".into(),
        called: "4930123456".into(),
        imsi: "262011234567890".into(),
        terminating: false,
        opc: 100,
        dpc: 200,
        ssn: 14,
        routing_context: None,
        service_key: 100,
        hold: Duration::from_millis(5),
        timeout: Duration::from_secs(10),
    };
    let load = LoadConfig {
        protocol: SimProtocol::Win,
        mix: (1, 1),
        win_ssn: 20,
        ..LoadConfig::default()
    };
    let scp = tokio::spawn(win_scp(listener, cfg.clone(), 20));
    let rep = tokio::time::timeout(Duration::from_secs(60), run_load(cfg, load))
        .await
        .expect("the WIN run stalled")
        .unwrap();
    assert_eq!(
        (rep.calls, rep.win, rep.completed, rep.errors, rep.timeouts),
        (calls, calls, calls, 0, 0),
        "{rep:?}"
    );
    assert_eq!(
        (rep.monitored, rep.connected, rep.continued, rep.released),
        (10, 10, 10, 0),
        "{rep:?}"
    );
    assert_eq!((rep.originating, rep.terminating), (15, 15));
    assert_eq!(rep.end_latency_us.count, 10);
    // The association closes when the run ends, and the stand-in returns what it saw.
    let seen = scp.await.unwrap();
    assert_eq!(seen.len(), calls as usize);
    for (key, (dir, _, reports)) in &seen {
        let want: &[&str] = match (key.id_number % 3, dir) {
            (0, Direction::Originating) => &["OAnswer", "ODisconnect"],
            (0, _) => &["TAnswer", "TDisconnect"],
            _ => &[],
        };
        assert_eq!(reports, want, "{key:?}");
        // Calls alternate originating, terminating.
        let terminating = key.id_number % 2 == 1;
        assert_eq!(*dir == Direction::Terminating, terminating, "{key:?}");
    }
}
