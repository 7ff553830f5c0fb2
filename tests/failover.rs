//! Failover of M3UA application servers, end to end (issue 3 acceptance): the real `scpd`
//! binary on free ports, CAMEL calls framed here (InitialDP from `scpd::lab::sim`, event
//! reports and M3UA DATA built by hand), associations killed mid-traffic.
//!
//! - Server side: two associations of one "MSC" serve one AS (loadshare). Dialogues begun
//!   over association A complete over B after A is killed; a new A' joins and carries calls.
//! - Server side, one association: what the node sends while the AS is pending (T(r)) is
//!   held and delivered to the ASP that comes back.
//! - Client side: scpd as ASP towards two SGs. One drops; traffic continues over the other;
//!   the dropped one is reconnected after the backoff delay. DUNA/DAVA from an SG steer the
//!   answers (and an answer to a destination unavailable everywhere is not sent).
//!
//! Every read has a timeout; the only sleeps wait for a timer the test is about.

mod common;
use common::free_port;
use scpd::camel::ops::MiscCallInfo;
use scpd::camel::{opcode, Cause, EventReportBcsmArg, EventSpecificInfo, EventTypeBcsm, LegType};
use scpd::m3ua::codec::tag;
use scpd::m3ua::{Builder, Kind, Message, ProtocolData};
use scpd::sccp::{self, Address, Unitdata};
use scpd::tcap::itu::{self, Component, MessageType, TcMessage};
use std::io::Write;
use std::net::{Shutdown, TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_scpd");
const MSC_PC: u32 = 100;
const SCP_PC: u32 = 200;
const SUBSCRIBER: &str = "491700000077";
/// NTFY status (type, info): AS-ACTIVE and ASP Failure (RFC 4666 §3.8.2).
const AS_ACTIVE: (u16, u16) = (1, 3);
const ASP_FAILURE: (u16, u16) = (2, 3);

struct Daemon {
    child: Child,
    m3ua: String,
    grpc: String,
    dir: std::path::PathBuf,
}

impl Daemon {
    /// Start with the embedded default plus the `[m3ua]` keys in `m3ua`, on free ports.
    fn start(name: &str, m3ua: &str) -> Daemon {
        Daemon::start_with(name, m3ua, &[])
    }

    /// The same, with other keys of the default replaced (`(from, to)` text pairs).
    fn start_with(name: &str, m3ua: &str, replace: &[(&str, &str)]) -> Daemon {
        let dir = std::env::temp_dir().join(format!("scpd-fo-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let (m, g) = (free_port(), free_port());
        let m3ua_addr = format!("127.0.0.1:{m}");
        let grpc = format!("127.0.0.1:{g}");
        let mut text = scpd::config::DEFAULT_TOML
            .replace(
                r#"listen = ["tcp://127.0.0.1:2905", "sctp://127.0.0.1:2905"]"#,
                &format!("listen = [\"tcp://{m3ua_addr}\"]"),
            )
            .replace(
                "listen = \"127.0.0.1:50051\"",
                &format!("listen = \"{grpc}\""),
            )
            .replace(
                "path = \"scpd.db\"",
                &format!("path = {:?}", dir.join("scpd.db").display().to_string()),
            );
        // `[m3ua]` keys: replace the default's line for the key, or add it after `listen`.
        for kv in m3ua.lines() {
            let key = kv.split('=').next().unwrap().trim();
            let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
            match lines
                .iter()
                .position(|l| l.starts_with(&format!("{key} = ")))
            {
                Some(i) => lines[i] = kv.to_string(),
                None => {
                    let i = lines
                        .iter()
                        .position(|l| l.starts_with("listen = ["))
                        .unwrap();
                    lines.insert(i + 1, kv.to_string());
                }
            }
            text = lines.join("\n");
        }
        for (from, to) in replace {
            assert!(text.contains(from), "{from}");
            text = text.replace(from, to);
        }
        let cfg = dir.join("scpd.toml");
        std::fs::write(&cfg, &text).unwrap();
        let check = Command::new(BIN)
            .arg("check-config")
            .arg(&cfg)
            .output()
            .unwrap();
        assert!(
            check.status.success(),
            "{}\n{text}",
            String::from_utf8_lossy(&check.stderr)
        );
        let log = std::fs::File::create(dir.join("scpd.log")).unwrap();
        let child = Command::new(BIN)
            .arg("run")
            .arg("--config")
            .arg(&cfg)
            .env("RUST_LOG", "info")
            .stderr(Stdio::from(log))
            .spawn()
            .expect("start scpd");
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(&m3ua_addr).is_err() || TcpStream::connect(&grpc).is_err() {
            assert!(Instant::now() < deadline, "scpd did not start listening");
            std::thread::sleep(Duration::from_millis(20));
        }
        Daemon {
            child,
            m3ua: m3ua_addr,
            grpc,
            dir,
        }
    }

    fn monitor(&self, number: &str) {
        let out = Command::new(BIN)
            .args(["subscriber", "add", "--grpc", &self.grpc, number])
            .args(["--policy", "monitor"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("scpd.log")).unwrap_or_default()
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
        if !std::thread::panicking() {
            let _ = std::fs::remove_dir_all(&self.dir);
        } else {
            eprintln!("scpd log:\n{}", self.log());
        }
    }
}

/// One M3UA association, either an MSC (ASP) towards scpd or an SG scpd connects to.
struct Assoc {
    s: TcpStream,
    rc: Option<u32>,
    /// The MSC's point code (OPC of what it sends, DPC of the answers).
    pc: u32,
    /// NTFYs seen while waiting for something else: (status type, info, ASP id).
    ntfys: Vec<(u16, u16, Option<u32>)>,
}

/// What the SCP answered in one TCAP message.
#[derive(Debug)]
struct Answer {
    kind: MessageType,
    dtid: Vec<u8>,
    otid: Option<Vec<u8>>,
    ops: Vec<u32>,
    sls: u8,
}

impl Assoc {
    fn new(s: TcpStream, rc: Option<u32>) -> Assoc {
        s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        s.set_nodelay(true).unwrap();
        Assoc {
            s,
            rc,
            pc: MSC_PC,
            ntfys: Vec::new(),
        }
    }

    /// An MSC's ASP: ASPUP (with an ASP Identifier), ASPAC loadshare with the RC.
    fn asp(addr: &str, asp_id: u32, rc: Option<u32>) -> Assoc {
        Assoc::asp_tmt(addr, asp_id, rc, 2)
    }

    /// The same with traffic mode type `tmt` (1 override, 2 loadshare, 3 broadcast).
    fn asp_tmt(addr: &str, asp_id: u32, rc: Option<u32>, tmt: u32) -> Assoc {
        let mut a = Assoc::new(TcpStream::connect(addr).unwrap(), rc);
        let mut b = Vec::new();
        Builder::new(&mut b, Kind::AspUp)
            .param_u32(tag::ASP_IDENTIFIER, asp_id)
            .finish();
        a.send(&b);
        assert_eq!(a.recv_kind(), Kind::AspUpAck);
        b.clear();
        let mut ac = Builder::new(&mut b, Kind::AspAc).param_u32(tag::TRAFFIC_MODE_TYPE, tmt);
        if let Some(rc) = rc {
            ac = ac.param_u32(tag::ROUTING_CONTEXT, rc);
        }
        ac.finish();
        a.send(&b);
        assert_eq!(a.recv_kind(), Kind::AspAcAck);
        // Every ASP that activates is told the AS is active, also a newcomer to an active AS.
        let n = a.recv();
        let m = Message::parse(&n).unwrap();
        assert_eq!(m.kind(), Some(Kind::Ntfy));
        assert_eq!(m.status().unwrap(), Some(AS_ACTIVE));
        a
    }

    fn send(&mut self, b: &[u8]) {
        self.s.write_all(b).unwrap();
    }

    fn send_kind(&mut self, k: Kind) {
        let mut b = Vec::new();
        Builder::new(&mut b, k).finish();
        self.send(&b);
    }

    fn try_recv(&mut self, timeout: Duration) -> Option<Vec<u8>> {
        self.s.set_read_timeout(Some(timeout)).unwrap();
        let r = common::read_m3ua(&mut self.s);
        self.s
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        match r {
            Ok(b) => Some(b),
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                None
            }
            Err(e) => panic!("read: {e}"),
        }
    }

    fn recv(&mut self) -> Vec<u8> {
        self.try_recv(Duration::from_secs(5))
            .expect("timed out waiting for an M3UA message")
    }

    fn recv_kind(&mut self) -> Kind {
        Message::parse(&self.recv()).unwrap().kind().unwrap()
    }

    /// The next message that is not NTFY (those are kept in `ntfys`).
    fn recv_skip_ntfy(&mut self, timeout: Duration) -> Option<Vec<u8>> {
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let b = self.try_recv(left.max(Duration::from_millis(1)))?;
            let m = Message::parse(&b).unwrap();
            if m.kind() == Some(Kind::Ntfy) {
                let (t, i) = m.status().unwrap().unwrap();
                let id = m
                    .param(tag::ASP_IDENTIFIER)
                    .map(|v| u32::from_be_bytes(v.try_into().unwrap()));
                self.ntfys.push((t, i, id));
                continue;
            }
            return Some(b);
        }
    }

    /// Wait for a NTFY with this status (reading past DATA is an error).
    fn wait_ntfy(&mut self, want: (u16, u16)) -> Option<u32> {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            if let Some(i) = self.ntfys.iter().position(|n| (n.0, n.1) == want) {
                return self.ntfys.remove(i).2;
            }
            assert!(Instant::now() < deadline, "no NTFY {want:?}");
            if let Some(b) = self.recv_skip_ntfy(Duration::from_millis(200)) {
                panic!(
                    "expected NTFY {want:?}, got {:?}",
                    Message::parse(&b).unwrap().kind()
                );
            }
        }
    }

    /// The TCAP answer in the next DATA.
    fn answer(&mut self) -> Answer {
        self.try_answer(Duration::from_secs(5))
            .expect("timed out waiting for an answer")
    }

    fn try_answer(&mut self, timeout: Duration) -> Option<Answer> {
        let b = self.recv_skip_ntfy(timeout)?;
        let m = Message::parse(&b).unwrap();
        assert_eq!(m.kind(), Some(Kind::Data), "expected DATA");
        if let Some(rc) = self.rc {
            let rcs: Vec<u32> = m.routing_contexts().unwrap().unwrap().iter().collect();
            assert_eq!(rcs, [rc], "DATA carries the association's routing context");
        }
        let pd = m.protocol_data().unwrap();
        assert_eq!((pd.opc, pd.dpc), (SCP_PC, self.pc));
        let u = Unitdata::decode(pd.data).unwrap();
        assert!(!u.is_service(), "{}", u.type_name());
        let t = TcMessage::decode(u.data).unwrap();
        let ops = t
            .components()
            .filter_map(|c| match c {
                Ok(Component::Invoke { opcode, .. }) => Some(opcode),
                _ => None,
            })
            .collect();
        Some(Answer {
            kind: t.kind,
            dtid: t.dtid.unwrap_or_default().to_vec(),
            otid: t.otid.map(<[u8]>::to_vec),
            ops,
            sls: pd.sls,
        })
    }

    /// TCAP in a UDT from the MSC (PC 100) to the SCP (PC 200, SSN 146), in DATA.
    fn tcap(&mut self, tcap: &[u8], sls: u8) {
        let mut u = Vec::new();
        sccp::encode_udt(
            &mut u,
            0x81,
            &Address::ssn_pc(SCP_PC, 146),
            &Address::ssn_pc(self.pc, 146),
            tcap,
        );
        let mut b = Vec::new();
        let mut d = Builder::new(&mut b, Kind::Data);
        if let Some(rc) = self.rc {
            d = d.param_u32(tag::ROUTING_CONTEXT, rc);
        }
        d.protocol_data(&ProtocolData {
            opc: self.pc,
            dpc: SCP_PC,
            si: 3,
            ni: 2,
            mp: 0,
            sls,
            data: &u,
        })
        .finish();
        self.send(&b);
    }

    fn begin(&mut self, call: &Call) {
        let cfg = scpd::lab::sim::SimConfig {
            to: "127.0.0.1:9".parse().unwrap(),
            calls: 1,
            concurrency: 1,
            calling: SUBSCRIBER.into(),
            called: "4930123456".into(),
            imsi: "262011234567890".into(),
            terminating: false,
            opc: self.pc,
            dpc: SCP_PC,
            ssn: 146,
            routing_context: self.rc,
            service_key: 1,
            hold: Duration::ZERO,
            timeout: Duration::from_secs(5),
        };
        let mut t = Vec::new();
        scpd::lab::sim::initial_dp_begin(&cfg, &call.otid, &mut t);
        self.tcap(&t, call.sls);
    }

    /// oAnswer (notification) or oDisconnect (request) for a call the SCP monitors.
    fn report(&mut self, call: &Call, disconnect: bool) {
        let scp = call.scp.as_deref().expect("the SCP's transaction id");
        let mut t = Vec::new();
        itu::encode(
            &mut t,
            MessageType::Continue,
            Some(&call.otid),
            Some(scp),
            None,
            |w| {
                let cause = Cause::new(0, 16).to_vec();
                let mut er = if disconnect {
                    EventReportBcsmArg::new(EventTypeBcsm(9), LegType::LEG1)
                } else {
                    EventReportBcsmArg::new(EventTypeBcsm(7), LegType::LEG2)
                };
                er.misc_call_info = Some(if disconnect {
                    MiscCallInfo::REQUEST
                } else {
                    MiscCallInfo::NOTIFICATION
                });
                if disconnect {
                    er.event_specific_information = Some(EventSpecificInfo::ODisconnect {
                        release_cause: Some(Cause::decode(&cause, 0).unwrap()),
                    });
                }
                itu::invoke(
                    w,
                    if disconnect { 2 } else { 1 },
                    opcode::EVENT_REPORT_BCSM,
                    |w| er.encode(w),
                )
            },
        );
        self.tcap(&t, call.sls);
    }

    /// SSNM from an SG about the MSC's point code.
    fn ssnm(&mut self, kind: Kind) {
        let mut b = Vec::new();
        let mut m = Builder::new(&mut b, kind);
        if let Some(rc) = self.rc {
            m = m.param_u32(tag::ROUTING_CONTEXT, rc);
        }
        m.param(tag::AFFECTED_POINT_CODE, &MSC_PC.to_be_bytes())
            .finish();
        self.send(&b);
    }

    /// Drop the association the hard way (no ASPDN): the peer sees the connection end.
    fn kill(self) {
        let _ = self.s.shutdown(Shutdown::Both);
    }
}

/// One call as the MSC sees it.
struct Call {
    otid: [u8; 4],
    sls: u8,
    /// The SCP's transaction id, from its TC-CONTINUE.
    scp: Option<Vec<u8>>,
}

impl Call {
    fn new(n: u32) -> Call {
        Call {
            otid: n.to_be_bytes(),
            sls: (n % 16) as u8,
            scp: None,
        }
    }
}

/// Read one answer per call (in any order) and check each is `kind` with `op` (TC-CONTINUE
/// arming events: keep the SCP's id; TC-END: Continue).
fn expect_answers(a: &mut Assoc, calls: &mut [Call], kind: MessageType, op: u32) {
    for _ in 0..calls.len() {
        let ans = a.answer();
        assert_eq!(ans.kind, kind, "{ans:?}");
        assert!(ans.ops.contains(&op), "{ans:?}");
        let c = calls
            .iter_mut()
            .find(|c| c.otid[..] == ans.dtid[..])
            .unwrap_or_else(|| panic!("answer for an unknown dialogue: {ans:?}"));
        assert_eq!(ans.sls, c.sls, "answer keeps the SLS of the call");
        if kind == MessageType::Continue {
            assert!(c.scp.is_none(), "two answers for one Begin");
            c.scp = ans.otid;
        }
    }
}

fn calls(base: u32, n: u32) -> Vec<Call> {
    (0..n).map(|i| Call::new(base + i)).collect()
}

#[test]
fn dialogues_survive_the_loss_of_the_association_that_carried_their_begin() {
    let d = Daemon::start("server", "traffic_mode = \"loadshare\"");
    d.monitor(SUBSCRIBER);
    let mut a = Assoc::asp(&d.m3ua, 0xa, Some(1));
    let mut b = Assoc::asp(&d.m3ua, 0xb, Some(1));
    // Another MSC (PC 101) in the same AS: it must not get the first MSC's answers.
    let mut c = Assoc::asp(&d.m3ua, 0xc, Some(1));
    c.pc = 101;
    let mut on_c = calls(0xc000_0000, 1);
    c.begin(&on_c[0]);
    expect_answers(
        &mut c,
        &mut on_c,
        MessageType::Continue,
        opcode::REQUEST_REPORT_BCSM_EVENT,
    );

    // Calls begin on both associations; every answer comes back on the one the call came on.
    let mut on_a = calls(0xa000_0000, 24);
    let mut on_b = calls(0xb000_0000, 8);
    for c in &on_a {
        a.begin(c);
    }
    for c in &on_b {
        b.begin(c);
    }
    expect_answers(
        &mut a,
        &mut on_a,
        MessageType::Continue,
        opcode::REQUEST_REPORT_BCSM_EVENT,
    );
    expect_answers(
        &mut b,
        &mut on_b,
        MessageType::Continue,
        opcode::REQUEST_REPORT_BCSM_EVENT,
    );
    // Half of A's calls are answered (notification: nothing comes back) while A is up.
    for c in &on_a[..12] {
        a.report(c, false);
    }
    for c in &on_b {
        b.report(c, false);
    }

    // Kill A mid-traffic: B's calls go on, and B is told its peer ASP failed (with A's id).
    a.kill();
    for c in &on_b {
        b.report(c, true);
    }
    expect_answers(&mut b, &mut on_b, MessageType::End, opcode::CONTINUE);
    assert_eq!(b.wait_ntfy(ASP_FAILURE), Some(0xa));

    // The MSC moves A's dialogues onto B: the rest of the answers, then every disconnect.
    // Each dialogue completes with TC-END/Continue on B.
    for c in &on_a[12..] {
        b.report(c, false);
    }
    for c in &on_a {
        b.report(c, true);
    }
    expect_answers(&mut b, &mut on_a, MessageType::End, opcode::CONTINUE);
    assert!(
        b.try_answer(Duration::from_millis(100)).is_none(),
        "one TC-END per dialogue"
    );
    assert!(
        c.try_answer(Duration::from_millis(50)).is_none(),
        "answers for PC 100 stay on the associations that carried PC 100"
    );
    assert_eq!(c.wait_ntfy(ASP_FAILURE), Some(0xa));

    // A' joins the AS again and carries new calls, answered on A'.
    let mut a2 = Assoc::asp(&d.m3ua, 0xa, Some(1));
    let mut new = calls(0xa100_0000, 6);
    for c in &new {
        a2.begin(c);
    }
    expect_answers(
        &mut a2,
        &mut new,
        MessageType::Continue,
        opcode::REQUEST_REPORT_BCSM_EVENT,
    );
    for c in &new {
        a2.report(c, false);
        a2.report(c, true);
    }
    expect_answers(&mut a2, &mut new, MessageType::End, opcode::CONTINUE);
    assert!(b.try_answer(Duration::from_millis(50)).is_none());
    assert!(!d.log().contains("message not sent"), "{}", d.log());
    d.stop();
}

/// What a single peer sees did not change with the AS model: ASPUP gets ASPUP ACK alone,
/// ASPAC gets ASPAC ACK and NTFY AS-ACTIVE with the peer's own routing context (none here).
#[test]
fn a_single_peer_sees_the_exchange_it_always_saw() {
    let d = Daemon::start("single", "");
    let mut p = Assoc::new(TcpStream::connect(&d.m3ua).unwrap(), None);
    p.send_kind(Kind::AspUp);
    assert_eq!(p.recv_kind(), Kind::AspUpAck);
    assert!(
        p.try_recv(Duration::from_millis(100)).is_none(),
        "nothing after ASPUP ACK"
    );
    p.send_kind(Kind::AspAc);
    assert_eq!(p.recv_kind(), Kind::AspAcAck);
    let n = p.recv();
    let m = Message::parse(&n).unwrap();
    assert_eq!(
        (m.kind(), m.status().unwrap()),
        (Some(Kind::Ntfy), Some(AS_ACTIVE))
    );
    assert_eq!(m.param(tag::ROUTING_CONTEXT), None);
    // The last ASP going inactive leaves the AS pending (T(r), RFC 4666 §4.3.4.3).
    p.send_kind(Kind::AspIa);
    assert_eq!(p.recv_kind(), Kind::AspIaAck);
    let n = p.recv();
    let m = Message::parse(&n).unwrap();
    assert_eq!(
        (m.kind(), m.status().unwrap()),
        (Some(Kind::Ntfy), Some((1, 4)))
    );
    d.stop();
}

#[test]
fn override_moves_the_dialogues_to_the_asp_that_took_over() {
    let d = Daemon::start("override", "traffic_mode = \"override\"");
    d.monitor(SUBSCRIBER);
    let mut a = Assoc::asp_tmt(&d.m3ua, 0xa, Some(1), 1);
    let mut on_a = calls(0xa200_0000, 4);
    for c in &on_a {
        a.begin(c);
    }
    expect_answers(
        &mut a,
        &mut on_a,
        MessageType::Continue,
        opcode::REQUEST_REPORT_BCSM_EVENT,
    );
    // B activates: it takes all traffic, A is told "Alternate ASP Active" with B's id.
    let mut b = Assoc::asp_tmt(&d.m3ua, 0xb, Some(1), 1);
    assert_eq!(a.wait_ntfy((2, 2)), Some(0xb));
    // A's dialogues go on over B, and A, now inactive, may not send DATA.
    for c in &on_a {
        b.report(c, false);
        b.report(c, true);
    }
    expect_answers(&mut b, &mut on_a, MessageType::End, opcode::CONTINUE);
    a.begin(&Call::new(0xa200_0100));
    let e = a.recv_skip_ntfy(Duration::from_secs(5)).unwrap();
    let m = Message::parse(&e).unwrap();
    assert_eq!(
        (m.kind(), m.error_code().unwrap()),
        (Some(Kind::Err), Some(6)),
        "ERR Unexpected Message"
    );
    d.stop();
}

#[test]
fn broadcast_sends_every_answer_to_every_active_asp() {
    let d = Daemon::start("broadcast", "traffic_mode = \"broadcast\"");
    d.monitor(SUBSCRIBER);
    let mut a = Assoc::asp_tmt(&d.m3ua, 0xa, Some(1), 3);
    let mut b = Assoc::asp_tmt(&d.m3ua, 0xb, Some(1), 3);
    let mut on_a = calls(0xa300_0000, 3);
    for c in &on_a {
        a.begin(c);
    }
    let mut copy: Vec<Call> = calls(0xa300_0000, 3);
    expect_answers(
        &mut a,
        &mut on_a,
        MessageType::Continue,
        opcode::REQUEST_REPORT_BCSM_EVENT,
    );
    expect_answers(
        &mut b,
        &mut copy,
        MessageType::Continue,
        opcode::REQUEST_REPORT_BCSM_EVENT,
    );
    for (x, y) in on_a.iter().zip(&copy) {
        assert_eq!(x.scp, y.scp, "the same message to both");
    }
    d.stop();
}

#[test]
fn answers_are_held_while_the_as_is_pending_and_go_to_the_asp_that_comes_back() {
    // Dialogues time out after 1 s (checked every second); T(r) is 5 s.
    let d = Daemon::start_with(
        "pending",
        "t_r_ms = 5000",
        &[("dialogue_idle_seconds = 120", "dialogue_idle_seconds = 1")],
    );
    d.monitor(SUBSCRIBER);
    let mut a = Assoc::asp(&d.m3ua, 1, None);
    let mut call = vec![Call::new(0x0c00_0001)];
    a.begin(&call[0]);
    expect_answers(
        &mut a,
        &mut call,
        MessageType::Continue,
        opcode::REQUEST_REPORT_BCSM_EVENT,
    );
    let begun = Instant::now();
    a.kill();
    // The AS is pending; the dialogue times out (within 2 s: idle 1 s, checked each second)
    // and its abort has nowhere to go but the queue.
    std::thread::sleep(Duration::from_millis(2500).saturating_sub(begun.elapsed()));
    let mut a2 = Assoc::asp(&d.m3ua, 1, None);
    let ans = a2.answer();
    assert_eq!(
        (ans.kind, &ans.dtid[..]),
        (MessageType::Abort, &call[0].otid[..]),
        "{ans:?}"
    );
    d.stop();
}

/// A test SG: accepts scpd's association and brings its ASP up.
struct Sg {
    l: TcpListener,
}

impl Sg {
    fn new() -> Sg {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.set_nonblocking(true).unwrap();
        Sg { l }
    }

    fn url(&self) -> String {
        format!("tcp://{}", self.l.local_addr().unwrap())
    }

    fn accept(&self) -> Assoc {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            match self.l.accept() {
                Ok((s, _)) => {
                    s.set_nonblocking(false).unwrap();
                    return Assoc::new(s, Some(1));
                }
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                    assert!(Instant::now() < deadline, "scpd did not connect to the SG");
                    std::thread::sleep(Duration::from_millis(5));
                }
                Err(e) => panic!("accept: {e}"),
            }
        }
    }
}

/// The SG side of ASPUP/ASPAC: scpd's ASP Identifier, loadshare and RC 1.
fn bring_up(p: &mut Assoc) {
    let up = p.recv();
    let m = Message::parse(&up).unwrap();
    assert_eq!(m.kind(), Some(Kind::AspUp));
    assert_eq!(m.param(tag::ASP_IDENTIFIER), Some(&7u32.to_be_bytes()[..]));
    p.send_kind(Kind::AspUpAck);
    let ac = p.recv();
    let m = Message::parse(&ac).unwrap();
    assert_eq!(m.kind(), Some(Kind::AspAc));
    assert_eq!(m.traffic_mode().unwrap(), Some(2), "loadshare");
    let rcs: Vec<u32> = m.routing_contexts().unwrap().unwrap().iter().collect();
    assert_eq!(rcs, [1]);
    let mut b = Vec::new();
    Builder::new(&mut b, Kind::AspAcAck)
        .param_u32(tag::TRAFFIC_MODE_TYPE, 2)
        .param_u32(tag::ROUTING_CONTEXT, 1)
        .finish();
    p.send(&b);
}

#[test]
fn asp_towards_two_sgs_fails_over_follows_duna_dava_and_reconnects() {
    let (sg1, sg2) = (Sg::new(), Sg::new());
    let d = Daemon::start(
        "client",
        &format!(
            "connect = [{:?}, {:?}]\nasp_id = 7\nreconnect_min_ms = 300\nreconnect_max_ms = 2000",
            sg1.url(),
            sg2.url()
        ),
    );
    d.monitor(SUBSCRIBER);
    let mut p1 = sg1.accept();
    let mut p2 = sg2.accept();
    bring_up(&mut p1);
    bring_up(&mut p2);

    // Calls delivered by each SG are answered through it.
    let mut via1 = calls(0x1000_0000, 10);
    let mut via2 = calls(0x2000_0000, 10);
    // The ASPs become active when the ack is read: the first answers confirm it.
    for c in &via1 {
        p1.begin(c);
    }
    for c in &via2 {
        p2.begin(c);
    }
    expect_answers(
        &mut p1,
        &mut via1,
        MessageType::Continue,
        opcode::REQUEST_REPORT_BCSM_EVENT,
    );
    expect_answers(
        &mut p2,
        &mut via2,
        MessageType::Continue,
        opcode::REQUEST_REPORT_BCSM_EVENT,
    );

    // SG1 drops the association. scpd reconnects after the backoff delay (not before), and
    // until that ASP is active again the dialogues that came through SG1 finish through SG2.
    let dropped = Instant::now();
    p1.kill();
    let mut p1b = sg1.accept();
    let waited = dropped.elapsed();
    assert!(
        waited >= Duration::from_millis(250),
        "reconnected after {waited:?}, before the 300 ms backoff"
    );
    for c in via1.iter().chain(&via2) {
        p2.report(c, false);
        p2.report(c, true);
    }
    let mut all: Vec<Call> = via1.into_iter().chain(via2).collect();
    expect_answers(&mut p2, &mut all, MessageType::End, opcode::CONTINUE);

    // SG2 reports the MSC unavailable: with SG1 not yet active again, an answer towards it
    // has no way and is not sent (logged); DAVA makes it reachable again.
    p2.ssnm(Kind::Duna);
    let mut lost = vec![Call::new(0x2100_0000)];
    p2.begin(&lost[0]);
    assert!(p2.try_answer(Duration::from_millis(300)).is_none());
    assert!(
        d.log().contains("destination is unavailable"),
        "{}",
        d.log()
    );
    p2.ssnm(Kind::Dava);
    let mut after = vec![Call::new(0x2100_0001)];
    p2.begin(&after[0]);
    expect_answers(
        &mut p2,
        &mut after,
        MessageType::Continue,
        opcode::REQUEST_REPORT_BCSM_EVENT,
    );

    // SG1's new association comes up; with SG2 reporting the MSC unavailable again, answers
    // to dialogues that came through SG2 leave through SG1.
    bring_up(&mut p1b);
    let mut via1b = vec![Call::new(0x1100_0000)];
    p1b.begin(&via1b[0]);
    expect_answers(
        &mut p1b,
        &mut via1b,
        MessageType::Continue,
        opcode::REQUEST_REPORT_BCSM_EVENT,
    );
    p2.ssnm(Kind::Duna);
    // SSNM and DATA travel on one TCP stream, in order: the report follows the DUNA.
    p2.report(&after[0], true);
    expect_answers(&mut p1b, &mut after, MessageType::End, opcode::CONTINUE);
    assert!(p2.try_answer(Duration::from_millis(100)).is_none());
    drop(lost.pop());
    d.stop();
}
