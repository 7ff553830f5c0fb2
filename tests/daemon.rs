//! End-to-end: the real `scpd` binary on free ports, calls played by `scpd sim`, events read
//! over gRPC, and hostile input from a peer answered by each protocol's own means while the
//! association keeps working.

mod common;
use common::free_port;
use scpd::m3ua::{codec::tag, Builder, Kind, Message, ProtocolData};
use scpd::proto::{
    call_events_client::CallEventsClient, subscribers_client::SubscribersClient, CallEvent,
    Direction, EventKind, Policy, SubscribeRequest, Subscriber,
};
use scpd::sccp::{self, Address, Unitdata};
use scpd::tcap::itu::{MessageType, TcMessage};
use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_scpd");

struct Daemon {
    child: Child,
    m3ua: String,
    grpc: String,
    _dir: TempDir,
}

struct TempDir(std::path::PathBuf);
impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

impl Daemon {
    fn start(name: &str) -> Daemon {
        let dir = std::env::temp_dir().join(format!("scpd-it-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let (m, g) = (free_port(), free_port());
        let m3ua = format!("127.0.0.1:{m}");
        let grpc = format!("127.0.0.1:{g}");
        let child = Command::new(BIN)
            .args([
                "run",
                "--m3ua-listen",
                &format!("tcp://{m3ua}"),
                "--grpc-listen",
                &grpc,
            ])
            .arg("--db")
            .arg(dir.join("scpd.db"))
            .stderr(Stdio::null())
            .spawn()
            .expect("start scpd");
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(&m3ua).is_err() || TcpStream::connect(&grpc).is_err() {
            assert!(Instant::now() < deadline, "scpd did not start listening");
            std::thread::sleep(Duration::from_millis(50));
        }
        Daemon {
            child,
            m3ua,
            grpc,
            _dir: TempDir(dir),
        }
    }

    fn sim(&self, extra: &[&str]) -> serde_json::Value {
        let out = Command::new(BIN)
            .args([
                "sim",
                "--to",
                &format!("tcp://{}", self.m3ua),
                "--hold-ms",
                "50",
            ])
            .args(extra)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "sim failed: {text} {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_str(text.trim()).unwrap()
    }

    /// SIGTERM and wait: the daemon must stop cleanly with status 0.
    fn stop(mut self) {
        common::stop_gracefully(&mut self.child);
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn events(grpc: &str, n: usize) -> Vec<CallEvent> {
    let mut c = CallEventsClient::connect(format!("http://{grpc}"))
        .await
        .unwrap();
    let mut s = c
        .subscribe(SubscribeRequest {
            from_sequence: 0,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let mut v = Vec::new();
    while v.len() < n {
        match tokio::time::timeout(Duration::from_secs(10), s.message()).await {
            Ok(Ok(Some(ev))) => v.push(ev),
            other => panic!("after {} events: {other:?}", v.len()),
        }
    }
    v
}

#[tokio::test(flavor = "multi_thread")]
async fn simulated_calls_are_answered_and_published() {
    let d = Daemon::start("calls");
    let mut subs = SubscribersClient::connect(format!("http://{}", d.grpc))
        .await
        .unwrap();
    subs.add(Subscriber {
        number: "491700000001".into(),
        user: "alice".into(),
        policy: Policy::Monitor as i32,
        ..Default::default()
    })
    .await
    .unwrap();

    // Unknown subscriber: Continue in TC-END.
    let r = d.sim(&["--calls", "5", "--concurrency", "3", "--calling", "4917999"]);
    assert_eq!(
        (r["continued"].as_u64(), r["completed"].as_u64()),
        (Some(5), Some(5))
    );
    // Monitored originating and terminating calls, with a routing context.
    let r = d.sim(&[
        "--calls",
        "4",
        "--concurrency",
        "2",
        "--routing-context",
        "1",
    ]);
    assert_eq!(
        (r["monitored"].as_u64(), r["completed"].as_u64()),
        (Some(4), Some(4))
    );
    let r = d.sim(&[
        "--calls",
        "2",
        "--terminating",
        "--called",
        "491700000001",
        "--imsi",
        "262019999999999",
    ]);
    assert_eq!(
        (r["monitored"].as_u64(), r["completed"].as_u64()),
        (Some(2), Some(2))
    );

    let evs = events(&d.grpc, 5 + 4 * 3 + 2 * 3).await;
    assert!(evs.windows(2).all(|w| w[0].sequence < w[1].sequence));
    let triggers: Vec<_> = evs
        .iter()
        .filter(|e| e.kind() == EventKind::Trigger)
        .collect();
    assert_eq!(triggers.len(), 11);
    for t in &triggers[..5] {
        assert_eq!(t.calling_party.as_ref().unwrap().digits, "4917999");
        assert_eq!(t.called_party.as_ref().unwrap().digits, "4930123456");
        assert_eq!(t.imsi, "262011234567890");
        assert_eq!(t.direction(), Direction::Originating);
        assert_eq!(t.subscriber, "");
    }
    for t in &triggers[5..] {
        let calls: Vec<_> = evs
            .iter()
            .filter(|e| e.call_id == t.call_id)
            .map(|e| e.kind())
            .collect();
        assert_eq!(
            calls,
            [
                EventKind::Trigger,
                EventKind::Answered,
                EventKind::Disconnected
            ],
            "{}",
            t.call_id
        );
        assert_eq!(t.subscriber, "491700000001");
        let disc = evs
            .iter()
            .find(|e| e.call_id == t.call_id && e.kind() == EventKind::Disconnected)
            .unwrap();
        assert_eq!(disc.cause, 16);
    }
    // Health and reflection on the same port.
    let ch = tonic::transport::Endpoint::from_shared(format!("http://{}", d.grpc))
        .unwrap()
        .connect()
        .await
        .unwrap();
    let health = tonic_health::pb::health_client::HealthClient::new(ch.clone())
        .check(tonic_health::pb::HealthCheckRequest {
            service: "scpd.v1.CallEvents".into(),
        })
        .await
        .unwrap();
    assert_eq!(
        health.get_ref().status(),
        tonic_health::pb::health_check_response::ServingStatus::Serving
    );
    use tonic_reflection::pb::v1::{
        server_reflection_client::ServerReflectionClient,
        server_reflection_request::MessageRequest, server_reflection_response::MessageResponse,
        ServerReflectionRequest,
    };
    let req = ServerReflectionRequest {
        host: String::new(),
        message_request: Some(MessageRequest::ListServices(String::new())),
    };
    let mut refl = ServerReflectionClient::new(ch)
        .server_reflection_info(tokio_stream::iter([req]))
        .await
        .unwrap()
        .into_inner();
    let Some(MessageResponse::ListServicesResponse(list)) =
        refl.message().await.unwrap().unwrap().message_response
    else {
        panic!("no service list")
    };
    let names: Vec<_> = list.service.iter().map(|s| s.name.as_str()).collect();
    for want in [
        "scpd.v1.CallEvents",
        "scpd.v1.Subscribers",
        "grpc.health.v1.Health",
    ] {
        assert!(names.contains(&want), "{names:?}");
    }

    let term = &triggers[9];
    assert_eq!(term.direction(), Direction::Terminating);
    assert_eq!(term.imsi, "262019999999999");
    assert_eq!(term.location.as_ref().unwrap().mcc, "262");
    d.stop();
}

/// A raw M3UA peer for hostile-input tests.
struct Peer {
    s: TcpStream,
}

impl Peer {
    fn connect(addr: &str) -> Peer {
        Peer::connect_rc(addr, None)
    }
    fn connect_rc(addr: &str, rc: Option<u32>) -> Peer {
        let s = TcpStream::connect(addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let mut p = Peer { s };
        p.send_kind(Kind::AspUp);
        assert_eq!(p.recv_kind(), Kind::AspUpAck);
        let mut b = Vec::new();
        let mut ac = Builder::new(&mut b, Kind::AspAc);
        if let Some(rc) = rc {
            ac = ac.param_u32(tag::ROUTING_CONTEXT, rc);
        }
        ac.finish();
        p.send(&b);
        assert_eq!(p.recv_kind(), Kind::AspAcAck);
        assert_eq!(p.recv_kind(), Kind::Ntfy);
        p
    }
    fn send(&mut self, b: &[u8]) {
        self.s.write_all(b).unwrap();
    }
    fn send_kind(&mut self, k: Kind) {
        let mut b = Vec::new();
        Builder::new(&mut b, k).finish();
        self.send(&b);
    }
    fn recv(&mut self) -> Vec<u8> {
        common::read_m3ua(&mut self.s).unwrap()
    }
    fn recv_kind(&mut self) -> Kind {
        Message::parse(&self.recv()).unwrap().kind().unwrap()
    }
    fn recv_err(&mut self) -> u32 {
        let b = self.recv();
        let m = Message::parse(&b).unwrap();
        assert_eq!(m.kind(), Some(Kind::Err));
        m.error_code().unwrap().unwrap()
    }
    /// Send SCCP bytes in DATA.
    fn data(&mut self, sccp: &[u8]) {
        let mut b = Vec::new();
        Builder::new(&mut b, Kind::Data)
            .protocol_data(&ProtocolData {
                opc: 100,
                dpc: 200,
                si: 3,
                ni: 2,
                mp: 0,
                sls: 0,
                data: sccp,
            })
            .finish();
        self.send(&b);
    }
    fn udt(&mut self, ssn: u8, tcap: &[u8]) {
        let mut u = Vec::new();
        sccp::encode_udt(
            &mut u,
            0x81,
            &Address::ssn_pc(200, ssn),
            &Address::ssn_pc(100, 146),
            tcap,
        );
        self.data(&u);
    }
    /// The SCCP message of the next DATA.
    fn recv_sccp(&mut self) -> Vec<u8> {
        let b = self.recv();
        let m = Message::parse(&b).unwrap();
        assert_eq!(m.kind(), Some(Kind::Data), "expected DATA");
        m.protocol_data().unwrap().data.to_vec()
    }
}

fn hex(s: &str) -> Vec<u8> {
    scpd::ber::from_hex(s).unwrap()
}

#[test]
fn hostile_input_gets_protocol_answers_and_the_association_survives() {
    let d = Daemon::start("hostile");
    let mut p = Peer::connect(&d.m3ua);

    // M3UA: bad version → ERR Invalid Version (0x01).
    p.send(&[2, 0, 3, 3, 0, 0, 0, 8]);
    assert_eq!(p.recv_err(), 0x01);
    // M3UA: unknown class → ERR Unsupported Message Class (0x03).
    p.send(&[1, 0, 42, 1, 0, 0, 0, 8]);
    assert_eq!(p.recv_err(), 0x03);
    // M3UA: parameter longer than the message → ERR Parameter Field Error (0x12).
    p.send(&[1, 0, 1, 1, 0, 0, 0, 16, 0x02, 0x10, 0x00, 0x40, 0, 0, 0, 0]);
    assert_eq!(p.recv_err(), 0x12);
    // M3UA: DATA without Protocol Data → ERR Missing Parameter (0x16).
    let mut b = Vec::new();
    Builder::new(&mut b, Kind::Data)
        .param_u32(tag::ROUTING_CONTEXT, 1)
        .finish();
    p.send(&b);
    assert_eq!(p.recv_err(), 0x16);

    // SCCP: UDT to an SSN we do not have, return option set → UDTS unequipped user.
    p.udt(8, &hex("6203480101"));
    let back = p.recv_sccp();
    let u = Unitdata::decode(&back).unwrap();
    assert_eq!(
        (u.type_name(), u.return_cause),
        ("UDTS", Some(sccp::cause::UNEQUIPPED_USER))
    );
    assert_eq!(u.called.pc, Some(100));
    // SCCP: garbage (truncated pointers) → logged, nothing to answer; association stays up.
    p.data(&[0x09, 0x81, 0x03, 0x40]);

    // TCAP: Begin whose dialogue portion is cut → P-Abort badlyFormattedTransactionPortion.
    p.udt(146, &hex("6206480234566b05"));
    let back = p.recv_sccp();
    let t = TcMessage::decode(Unitdata::decode(&back).unwrap().data).unwrap();
    assert_eq!(
        (t.kind, t.dtid, t.p_abort),
        (MessageType::Abort, Some(&[0x34, 0x56][..]), Some(2))
    );
    // TCAP: Continue for a dialogue we never had → P-Abort unrecognizedTransactionID.
    p.udt(146, &hex("650e4804000000094904ffffff016c00"));
    let back = p.recv_sccp();
    let t = TcMessage::decode(Unitdata::decode(&back).unwrap().data).unwrap();
    assert_eq!((t.dtid, t.p_abort), (Some(&[0, 0, 0, 9][..]), Some(1)));
    // TCAP: unknown message type (tag 0x6a) with a readable otid → P-Abort cause 0.
    p.udt(146, &hex("6a044802abcd"));
    let back = p.recv_sccp();
    let t = TcMessage::decode(Unitdata::decode(&back).unwrap().data).unwrap();
    assert_eq!((t.dtid, t.p_abort), (Some(&[0xab, 0xcd][..]), Some(0)));
    // CAP: InitialDP whose argument lacks the mandatory serviceKey → Reject mistypedParameter.
    p.udt(146, &hex("621448020a0b6c0ea10c020101020100300483020000"));
    let back = p.recv_sccp();
    let t = TcMessage::decode(Unitdata::decode(&back).unwrap().data).unwrap();
    assert_eq!(t.kind, MessageType::End);
    let comps: Vec<_> = t.components().map(Result::unwrap).collect();
    assert_eq!(
        comps,
        [scpd::tcap::itu::Component::Reject {
            invoke_id: Some(1),
            problem: (1, 2)
        }]
    );

    // BEAT still answered on the same association, and calls still work afterwards.
    p.send_kind(Kind::Beat);
    assert_eq!(p.recv_kind(), Kind::BeatAck);
    let r = d.sim(&["--calls", "3"]);
    assert_eq!(r["completed"].as_u64(), Some(3));
    d.stop();
}

#[test]
fn check_config_names_the_key() {
    let dir = std::env::temp_dir().join(format!("scpd-cfg-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let good = dir.join("good.toml");
    std::fs::write(&good, scpd::config::DEFAULT_TOML).unwrap();
    let out = Command::new(BIN)
        .arg("check-config")
        .arg(&good)
        .output()
        .unwrap();
    assert!(out.status.success());
    let bad = dir.join("bad.toml");
    std::fs::write(
        &bad,
        scpd::config::DEFAULT_TOML.replace("max_dialogues = 100000", "max_dialogues = 0"),
    )
    .unwrap();
    let out = Command::new(BIN)
        .arg("check-config")
        .arg(&bad)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("tcap.max_dialogues"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn shutdown_ends_open_dialogues_on_their_association() {
    let d = Daemon::start("shutdown");
    let out = Command::new(BIN)
        .args([
            "subscriber",
            "add",
            "--grpc",
            &d.grpc,
            "491700000001",
            "--policy",
            "monitor",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let mut p = Peer::connect_rc(&d.m3ua, Some(1));
    let cfg = scpd::lab::sim::SimConfig {
        to: d.m3ua.parse().unwrap(),
        calls: 1,
        concurrency: 1,
        calling: "491700000001".into(),
        called: "4930123456".into(),
        imsi: "262011234567890".into(),
        terminating: false,
        opc: 100,
        dpc: 200,
        ssn: 146,
        routing_context: Some(1),
        service_key: 1,
        hold: Duration::ZERO,
        timeout: Duration::from_secs(5),
    };
    let mut begin = Vec::new();
    scpd::lab::sim::initial_dp_begin(&cfg, &[0x0b, 0xad], &mut begin);
    p.udt(146, &begin);
    let first = p.recv_sccp();
    let t = TcMessage::decode(Unitdata::decode(&first).unwrap().data).unwrap();
    assert_eq!(t.kind, MessageType::Continue);

    // SIGTERM while the call is monitored: a basic TC-END reaches the MSC, with RC 1.
    // SAFETY: signalling our own child process.
    unsafe { libc::kill(d.child.id() as i32, libc::SIGTERM) };
    let b = p.recv();
    let m = Message::parse(&b).unwrap();
    assert_eq!(m.kind(), Some(Kind::Data));
    let rcs: Vec<u32> = m.routing_contexts().unwrap().unwrap().iter().collect();
    assert_eq!(rcs, [1]);
    let u = Unitdata::decode(m.protocol_data().unwrap().data).unwrap();
    let t = TcMessage::decode(u.data).unwrap();
    assert_eq!(
        (t.kind, t.dtid),
        (MessageType::End, Some(&[0x0b, 0xad][..]))
    );
    d.stop();
}

/// The README's run command: the embedded default, with only the two listen addresses moved
/// to free ports so that a daemon started from the README (on 2905/50051) does not fail the
/// test: the store is made in the working directory, the sim's defaults (point codes, SSN,
/// address, traffic mode) fit the default without a "peer asked for another traffic mode".
/// That the embedded default listens on 2905 and 50051 is `config::tests`'s to check; when
/// those ports are free here, the no-flag start is tried on them as well.
#[test]
fn embedded_default_configuration() {
    let dir = std::env::temp_dir().join(format!("scpd-default-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let (m3ua, grpc) = (
        format!("127.0.0.1:{}", free_port()),
        format!("127.0.0.1:{}", free_port()),
    );
    // Beside the directory, which goes with the daemon.
    let log_path = dir.with_extension("log");
    let log = std::fs::File::create(&log_path).unwrap();
    let child = Command::new(BIN)
        .args(["run", "--m3ua-listen", &format!("tcp://{m3ua}")])
        .args(["--grpc-listen", &grpc])
        .current_dir(&dir)
        .stderr(log)
        .spawn()
        .unwrap();
    let d = Daemon {
        child,
        m3ua,
        grpc,
        _dir: TempDir(dir.clone()),
    };
    let deadline = Instant::now() + Duration::from_secs(20);
    while TcpStream::connect(&d.m3ua).is_err() || TcpStream::connect(&d.grpc).is_err() {
        assert!(Instant::now() < deadline, "scpd did not listen");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(
        dir.join("scpd.db").is_file(),
        "store not created in the working directory"
    );
    let out = Command::new(BIN)
        .args(["sim", "--calls", "2", "--to", &format!("tcp://{}", d.m3ua)])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    d.stop();
    let log = std::fs::read_to_string(&log_path).unwrap();
    let _ = std::fs::remove_file(&log_path);
    assert!(log.contains("ASP active"), "{log}");
    assert!(!log.contains("another traffic mode"), "{log}");

    // No flags at all, when the default ports are free (a README daemon may hold them).
    let busy = [2905, 50051]
        .into_iter()
        .filter(|p| TcpListener::bind(("127.0.0.1", *p)).is_err())
        .collect::<Vec<_>>();
    if !busy.is_empty() {
        eprintln!("skipped the no-flag start: port(s) {busy:?} in use here (another scpd?)");
        return;
    }
    let dir = std::env::temp_dir().join(format!("scpd-default-bare-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let child = Command::new(BIN)
        .arg("run")
        .current_dir(&dir)
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let d = Daemon {
        child,
        m3ua: "127.0.0.1:2905".into(),
        grpc: "127.0.0.1:50051".into(),
        _dir: TempDir(dir.clone()),
    };
    let deadline = Instant::now() + Duration::from_secs(20);
    while TcpStream::connect(&d.m3ua).is_err() || TcpStream::connect(&d.grpc).is_err() {
        if Instant::now() > deadline {
            // Someone took a port between the check and the start: not this test's fault.
            eprintln!("skipped the no-flag start: scpd did not come up on 2905/50051");
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = Command::new(BIN)
        .args(["sim", "--calls", "1"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    d.stop();
}

/// `--m3ua-listen sctp://...` alone: where the kernel has no SCTP the daemon refuses to start
/// and says why; where it has SCTP, it listens.
#[test]
fn sctp_only_listener_reports_missing_kernel_support() {
    let dir = std::env::temp_dir().join(format!("scpd-sctp-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sctp://127.0.0.1:{}", free_port());
    let mut child = Command::new(BIN)
        .args([
            "run",
            "--m3ua-listen",
            &url,
            "--grpc-listen",
            &format!("127.0.0.1:{}", free_port()),
        ])
        .arg("--db")
        .arg(dir.join("s.db"))
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    match scpd::transport::sctp::probe() {
        Err(_) => {
            let out = child.wait_with_output().unwrap();
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(!out.status.success());
            assert!(err.contains("kernel SCTP is not available"), "{err}");
            assert!(err.contains("no M3UA listener could be opened"), "{err}");
            eprintln!("kernel SCTP absent: the daemon refused to start, as it should");
        }
        Ok(()) => {
            std::thread::sleep(Duration::from_millis(500));
            assert!(
                child.try_wait().unwrap().is_none(),
                "scpd exited with kernel SCTP present"
            );
            let _ = child.kill();
            let _ = child.wait();
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// `--m3ua-connect`: scpd as ASP towards an SG played by this test. It brings the ASP up and
/// active, answers calls the SG delivers, and after the SG drops the association it
/// reconnects by itself and comes up again.
#[test]
fn asp_towards_an_sg_reconnects() {
    let sg = TcpListener::bind("127.0.0.1:0").unwrap();
    let sg_addr = sg.local_addr().unwrap();
    let dir = std::env::temp_dir().join(format!("scpd-asp-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let child = Command::new(BIN)
        .args(["run", "--m3ua-connect", &format!("tcp://{sg_addr}")])
        .args(["--m3ua-listen", &format!("tcp://127.0.0.1:{}", free_port())])
        .args(["--grpc-listen", &format!("127.0.0.1:{}", free_port())])
        .arg("--db")
        .arg(dir.join("a.db"))
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let d = Daemon {
        child,
        m3ua: String::new(),
        grpc: String::new(),
        _dir: TempDir(dir),
    };
    sg.set_nonblocking(true).unwrap();
    let accept = || {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            match sg.accept() {
                Ok((s, _)) => {
                    s.set_nonblocking(false).unwrap();
                    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
                    return Peer { s };
                }
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                    assert!(Instant::now() < deadline, "scpd did not connect to the SG");
                    std::thread::sleep(Duration::from_millis(20));
                }
                Err(e) => panic!("accept: {e}"),
            }
        }
    };
    let bring_up = |p: &mut Peer| {
        assert_eq!(p.recv_kind(), Kind::AspUp);
        p.send_kind(Kind::AspUpAck);
        let ac = p.recv();
        let m = Message::parse(&ac).unwrap();
        assert_eq!(m.kind(), Some(Kind::AspAc));
        let rcs: Vec<u32> = m.routing_contexts().unwrap().unwrap().iter().collect();
        assert_eq!(rcs, [1], "activates with the configured routing context");
        let mut b = Vec::new();
        Builder::new(&mut b, Kind::AspAcAck)
            .param_u32(tag::ROUTING_CONTEXT, 1)
            .finish();
        p.send(&b);
    };
    let mut p = accept();
    bring_up(&mut p);
    // A call delivered by the SG is answered on the same association, stamped with RC 1.
    let mut begin = Vec::new();
    let cfg = scpd::lab::sim::SimConfig {
        to: sg_addr,
        calls: 1,
        concurrency: 1,
        calling: "4911".into(),
        called: "4922".into(),
        imsi: "262011234567890".into(),
        terminating: false,
        opc: 100,
        dpc: 200,
        ssn: 146,
        routing_context: Some(1),
        service_key: 1,
        hold: Duration::ZERO,
        timeout: Duration::from_secs(5),
    };
    scpd::lab::sim::initial_dp_begin(&cfg, &[7, 7], &mut begin);
    p.udt(146, &begin);
    let b = p.recv();
    let m = Message::parse(&b).unwrap();
    assert_eq!(m.kind(), Some(Kind::Data));
    assert_eq!(
        m.routing_contexts()
            .unwrap()
            .unwrap()
            .iter()
            .collect::<Vec<_>>(),
        [1]
    );
    let t = TcMessage::decode(
        Unitdata::decode(m.protocol_data().unwrap().data)
            .unwrap()
            .data,
    )
    .unwrap();
    assert_eq!((t.kind, t.dtid), (MessageType::End, Some(&[7, 7][..])));

    // The SG drops the association: scpd reconnects and brings the ASP up again.
    drop(p);
    let mut p = accept();
    bring_up(&mut p);
    d.stop();
}

/// `[[sccp.gt_rules]]` from a configuration file reach the running node: a GT-routed InitialDP
/// whose digits match a local rule is answered; one that matches no rule comes back as UDTS
/// "no translation for this specific address".
#[test]
fn gt_rules_from_the_config_file_route_global_titles() {
    let dir = std::env::temp_dir().join(format!("scpd-gt-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let m3ua = format!("127.0.0.1:{}", free_port());
    let grpc = format!("127.0.0.1:{}", free_port());
    let cfg = scpd::config::DEFAULT_TOML.to_string()
        + "\n[[sccp.gt_rules]]\nprefix = \"4917\"\nroute = \"local\"\nssn = 146\n";
    std::fs::write(dir.join("gt.toml"), &cfg).unwrap();
    let ok = Command::new(BIN)
        .arg("check-config")
        .arg(dir.join("gt.toml"))
        .output()
        .unwrap();
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let child = Command::new(BIN)
        .arg("run")
        .arg("--config")
        .arg(dir.join("gt.toml"))
        .args([
            "--m3ua-listen",
            &format!("tcp://{m3ua}"),
            "--grpc-listen",
            &grpc,
        ])
        .arg("--db")
        .arg(dir.join("gt.db"))
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let d = Daemon {
        child,
        m3ua,
        grpc,
        _dir: TempDir(dir),
    };
    let deadline = Instant::now() + Duration::from_secs(20);
    while TcpStream::connect(&d.m3ua).is_err() {
        assert!(Instant::now() < deadline, "scpd did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    let mut p = Peer::connect(&d.m3ua);
    let cfg = scpd::lab::sim::SimConfig {
        to: d.m3ua.parse().unwrap(),
        calls: 1,
        concurrency: 1,
        calling: "4911".into(),
        called: "4922".into(),
        imsi: "262011234567890".into(),
        terminating: false,
        opc: 100,
        dpc: 200,
        ssn: 146,
        routing_context: None,
        service_key: 1,
        hold: Duration::ZERO,
        timeout: Duration::from_secs(5),
    };
    let mut begin = Vec::new();
    scpd::lab::sim::initial_dp_begin(&cfg, &[0x61], &mut begin);
    let send_to_gt = |p: &mut Peer, bcd: &[u8], odd: bool| {
        let called = Address {
            route_on_ssn: false,
            pc: None,
            ssn: None,
            gt: Some(scpd::sccp::GlobalTitle::new(4, 0, 1, 4, bcd, odd)),
            national: false,
        };
        let mut u = Vec::new();
        sccp::encode_udt(&mut u, 0x81, &called, &Address::ssn_pc(100, 146), &begin);
        p.data(&u);
    };
    // 491700001234 (even count) matches prefix 4917: ours.
    send_to_gt(&mut p, &[0x94, 0x71, 0x00, 0x10, 0x32, 0x14], false);
    let back = p.recv_sccp();
    let u = Unitdata::decode(&back).unwrap();
    let t = TcMessage::decode(u.data).unwrap();
    assert_eq!((t.kind, t.dtid), (MessageType::End, Some(&[0x61][..])));
    // 3312345 (odd count) matches nothing: returned.
    send_to_gt(&mut p, &[0x33, 0x21, 0x43, 0x05], true);
    let back = p.recv_sccp();
    let u = Unitdata::decode(&back).unwrap();
    assert_eq!(
        (u.type_name(), u.return_cause),
        ("UDTS", Some(sccp::cause::NO_TRANSLATION_ADDRESS))
    );
    d.stop();
}
