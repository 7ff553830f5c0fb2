//! The daemon's SCCP as configured: ANSI T1.112 on the wire (24-bit point codes, ANSI
//! address layout) and SCMG telling the concerned point codes our subsystem is allowed as
//! soon as an association to them is ASP-ACTIVE (Q.714 §5.3.2). The test plays an STP (an
//! ASP of the daemon's server side) over M3UA/TCP.

mod common;

use common::free_port;
use scpd::m3ua::{Builder, Kind, Message, ProtocolData};
use scpd::sccp::scmg::{scmg_type, ScmgMessage, SSN_SCMG};
use scpd::sccp::{self, Address, Unitdata, Variant};
use scpd::tcap::itu::{MessageType, TcMessage};
use std::io::Write;
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_scpd");
const OURS: u32 = 0x01_02_03;
const STP: u32 = 0x0a_0b_0c;
const MSC: u32 = 0x0a_0b_0d;

struct Daemon {
    child: Child,
    dir: std::path::PathBuf,
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn recv(s: &mut TcpStream) -> Vec<u8> {
    common::read_m3ua(s).unwrap()
}

fn kind(b: &[u8]) -> Kind {
    Message::parse(b).unwrap().kind().unwrap()
}

fn send_kind(s: &mut TcpStream, k: Kind) {
    let mut b = Vec::new();
    Builder::new(&mut b, k).finish();
    s.write_all(&b).unwrap();
}

#[test]
fn ansi_daemon_announces_its_subsystem_and_answers_in_ansi() {
    let dir = std::env::temp_dir().join(format!("scpd-sccp-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let m3ua = format!("127.0.0.1:{}", free_port());
    let cfg = scpd::config::DEFAULT_TOML
        .replace("variant = \"itu\"", "variant = \"ansi\"")
        .replace("point_code = 200", &format!("point_code = {OURS}"))
        .replace("concerned = []", &format!("concerned = [{STP}]"));
    let path = dir.join("ansi.toml");
    std::fs::write(&path, cfg).unwrap();
    let child = Command::new(BIN)
        .arg("run")
        .arg("--config")
        .arg(&path)
        .args(["--m3ua-listen", &format!("tcp://{m3ua}")])
        .args(["--grpc-listen", &format!("127.0.0.1:{}", free_port())])
        .arg("--db")
        .arg(dir.join("ansi.db"))
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let d = Daemon { child, dir };
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut s = loop {
        match TcpStream::connect(&m3ua) {
            Ok(s) => break s,
            Err(_) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(50)),
            Err(e) => panic!("scpd did not start: {e}"),
        }
    };
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    send_kind(&mut s, Kind::AspUp);
    assert_eq!(kind(&recv(&mut s)), Kind::AspUpAck);
    send_kind(&mut s, Kind::AspAc);
    // ASPAC-ACK and NTFY(AS-ACTIVE), then SCMG's SSA for each local subsystem (WIN 14,
    // CAMEL 146, the MAP client's 147, INAP 241, AIN 247) to the STP, in SSN order.
    let scmg = |b: &[u8]| {
        let m = Message::parse(b).unwrap();
        assert_eq!(m.kind(), Some(Kind::Data));
        let pd = m.protocol_data().unwrap();
        assert_eq!((pd.opc, pd.dpc, pd.si), (OURS, STP, 3));
        let u = Unitdata::decode_variant(pd.data, Variant::Ansi).unwrap();
        assert_eq!((u.called.pc, u.called.ssn), (Some(STP), Some(SSN_SCMG)));
        assert!(u.called.national, "ANSI layout");
        let m = ScmgMessage::decode(u.data, Variant::Ansi).unwrap();
        (m.format, m.affected_ssn, m.affected_pc)
    };
    let mut first = None;
    for _ in 0..3 {
        let b = recv(&mut s);
        if kind(&b) == Kind::Data {
            first = Some(scmg(&b));
            break;
        }
    }
    assert_eq!(
        first.expect("an SSA broadcast after ASP-ACTIVE"),
        (scmg_type::SSA, 14, OURS)
    );
    assert_eq!(scmg(&recv(&mut s)), (scmg_type::SSA, 146, OURS));
    assert_eq!(scmg(&recv(&mut s)), (scmg_type::SSA, 147, OURS));
    assert_eq!(scmg(&recv(&mut s)), (scmg_type::SSA, 241, OURS));
    assert_eq!(scmg(&recv(&mut s)), (scmg_type::SSA, 247, OURS));

    // A CAP InitialDP from an MSC behind the STP, in an ANSI UDT.
    let sim = scpd::lab::sim::SimConfig {
        to: m3ua.parse().unwrap(),
        calls: 1,
        concurrency: 1,
        calling: "4911".into(),
        called: "4922".into(),
        imsi: "262011234567890".into(),
        terminating: false,
        opc: MSC,
        dpc: OURS,
        ssn: 146,
        routing_context: None,
        service_key: 1,
        hold: Duration::ZERO,
        timeout: Duration::from_secs(5),
    };
    let mut begin = Vec::new();
    scpd::lab::sim::initial_dp_begin(&sim, &[0x42], &mut begin);
    let national = |pc, ssn| Address {
        national: true,
        ..Address::ssn_pc(pc, ssn)
    };
    let mut u = Vec::new();
    Unitdata::udt(0x81, national(OURS, 146), national(MSC, 146), &begin)
        .encode(&mut u, Variant::Ansi)
        .unwrap();
    let mut b = Vec::new();
    Builder::new(&mut b, Kind::Data)
        .protocol_data(&ProtocolData {
            opc: MSC,
            dpc: OURS,
            si: 3,
            ni: 2,
            mp: 0,
            sls: 5,
            data: &u,
        })
        .finish();
    s.write_all(&b).unwrap();
    let b = recv(&mut s);
    let m = Message::parse(&b).unwrap();
    assert_eq!(m.kind(), Some(Kind::Data));
    let pd = m.protocol_data().unwrap();
    assert_eq!((pd.opc, pd.dpc), (OURS, MSC));
    let u = Unitdata::decode_variant(pd.data, Variant::Ansi).unwrap();
    assert_eq!(u.msg_type, sccp::msg_type::UDT);
    assert_eq!(u.called, national(MSC, 146));
    let t = TcMessage::decode(u.data).unwrap();
    assert_eq!((t.kind, t.dtid), (MessageType::End, Some(&[0x42][..])));

    // SIGTERM: SSP to the STP before the daemon goes.
    let mut child = d;
    let pid = child.child.id().to_string();
    Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    assert_eq!(scmg(&recv(&mut s)), (scmg_type::SSP, 14, OURS));
    assert_eq!(scmg(&recv(&mut s)), (scmg_type::SSP, 146, OURS));
    assert_eq!(scmg(&recv(&mut s)), (scmg_type::SSP, 147, OURS));
    assert_eq!(scmg(&recv(&mut s)), (scmg_type::SSP, 241, OURS));
    assert_eq!(scmg(&recv(&mut s)), (scmg_type::SSP, 247, OURS));
    let status = child.child.wait().unwrap();
    assert!(status.success(), "{status}");
}
