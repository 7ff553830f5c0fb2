//! The load generator against a stand-in SCP on loopback, and its helpers.

use super::conn::wrap;
use super::engine::vary;
use super::*;
use crate::camel::opcode;
use crate::m3ua::{Builder, Kind, Message};
use crate::sccp::{Unitdata, Variant};
use crate::tcap::itu::{self, MessageType, TcMessage};
use crate::transport::tcp::FrameReader;
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
