//! The real `scpd` binary on free ports, and M3UA associations towards it (an MSC's ASP or
//! IPSP) or from it (an SG scpd connects to): shared by tests/failover.rs and
//! tests/m3ua_roles.rs. CAMEL calls are framed here (InitialDP from `scpd::lab::sim`, event
//! reports and M3UA DATA built by hand). Every read has a timeout.
#![allow(dead_code)]

use super::common;
use scpd::camel::ops::MiscCallInfo;
use scpd::camel::{opcode, Cause, EventReportBcsmArg, EventSpecificInfo, EventTypeBcsm, LegType};
use scpd::m3ua::codec::tag;
use scpd::m3ua::{Builder, Kind, Message, ProtocolData};
use scpd::sccp::{self, Address, Unitdata};
use scpd::tcap::itu::{self, Component, MessageType, TcMessage};
use std::io::Write;
use std::net::{Shutdown, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_scpd");
pub const MSC_PC: u32 = 100;
pub const SCP_PC: u32 = 200;
pub const SUBSCRIBER: &str = "491700000077";
/// NTFY status (type, info): AS-ACTIVE and ASP Failure (RFC 4666 §3.8.2).
pub const AS_ACTIVE: (u16, u16) = (1, 3);
pub const ASP_FAILURE: (u16, u16) = (2, 3);

pub struct Daemon {
    pub child: Child,
    pub m3ua: String,
    pub grpc: String,
    pub dir: std::path::PathBuf,
}

impl Daemon {
    /// Start with the embedded default plus the `[m3ua]` keys in `m3ua`, on free ports.
    pub fn start(name: &str, m3ua: &str) -> Daemon {
        Daemon::start_with(name, m3ua, &[])
    }

    /// The same, with other keys of the default replaced (`(from, to)` text pairs).
    pub fn start_with(name: &str, m3ua: &str, replace: &[(&str, &str)]) -> Daemon {
        Daemon::start_args(name, m3ua, replace, &[])
    }

    /// The same, with more arguments for `scpd run`.
    pub fn start_args(name: &str, m3ua: &str, replace: &[(&str, &str)], args: &[&str]) -> Daemon {
        let dir = std::env::temp_dir().join(format!("scpd-fo-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let (m, g) = (common::free_port(), common::free_port());
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
            .args(args)
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

    pub fn monitor(&self, number: &str) {
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

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("scpd.log")).unwrap_or_default()
    }

    /// SIGTERM and wait: the daemon must stop cleanly with status 0.
    pub fn stop(mut self) {
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
pub struct Assoc {
    pub s: TcpStream,
    pub rc: Option<u32>,
    /// The MSC's point code (OPC of what it sends, DPC of the answers).
    pub pc: u32,
    /// NTFYs seen while waiting for something else: (status type, info, ASP id).
    pub ntfys: Vec<(u16, u16, Option<u32>)>,
}

/// What the SCP answered in one TCAP message.
#[derive(Debug)]
pub struct Answer {
    pub kind: MessageType,
    pub dtid: Vec<u8>,
    pub otid: Option<Vec<u8>>,
    pub ops: Vec<u32>,
    pub sls: u8,
}

impl Assoc {
    pub fn new(s: TcpStream, rc: Option<u32>) -> Assoc {
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
    pub fn asp(addr: &str, asp_id: u32, rc: Option<u32>) -> Assoc {
        Assoc::asp_tmt(addr, asp_id, rc, 2)
    }

    /// The same with traffic mode type `tmt` (1 override, 2 loadshare, 3 broadcast).
    pub fn asp_tmt(addr: &str, asp_id: u32, rc: Option<u32>, tmt: u32) -> Assoc {
        let mut a = Assoc::new(TcpStream::connect(addr).unwrap(), rc);
        a.activate(asp_id, tmt);
        a
    }

    /// ASPUP with ASP Identifier `asp_id`, ASPAC with traffic mode type `tmt` and the
    /// association's RC, and the NTFY AS-ACTIVE that follows.
    pub fn activate(&mut self, asp_id: u32, tmt: u32) {
        let a = self;
        let rc = a.rc;
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
    }

    pub fn send(&mut self, b: &[u8]) {
        self.s.write_all(b).unwrap();
    }

    pub fn send_kind(&mut self, k: Kind) {
        let mut b = Vec::new();
        Builder::new(&mut b, k).finish();
        self.send(&b);
    }

    pub fn try_recv(&mut self, timeout: Duration) -> Option<Vec<u8>> {
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

    /// The next message; `None` once the peer closed the association or nothing came.
    pub fn try_recv_eof(&mut self, timeout: Duration) -> Option<Vec<u8>> {
        self.s.set_read_timeout(Some(timeout)).unwrap();
        common::read_m3ua(&mut self.s).ok()
    }

    pub fn recv(&mut self) -> Vec<u8> {
        self.try_recv(Duration::from_secs(5))
            .expect("timed out waiting for an M3UA message")
    }

    pub fn recv_kind(&mut self) -> Kind {
        Message::parse(&self.recv()).unwrap().kind().unwrap()
    }

    /// The next message that is not NTFY (those are kept in `ntfys`).
    pub fn recv_skip_ntfy(&mut self, timeout: Duration) -> Option<Vec<u8>> {
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
    pub fn wait_ntfy(&mut self, want: (u16, u16)) -> Option<u32> {
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
    pub fn answer(&mut self) -> Answer {
        self.try_answer(Duration::from_secs(5))
            .expect("timed out waiting for an answer")
    }

    pub fn try_answer(&mut self, timeout: Duration) -> Option<Answer> {
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
    pub fn tcap(&mut self, tcap: &[u8], sls: u8) {
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

    pub fn begin(&mut self, call: &Call) {
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
    pub fn report(&mut self, call: &Call, disconnect: bool) {
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
    pub fn ssnm(&mut self, kind: Kind) {
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
    pub fn kill(self) {
        let _ = self.s.shutdown(Shutdown::Both);
    }
}

/// One call as the MSC sees it.
pub struct Call {
    pub otid: [u8; 4],
    pub sls: u8,
    /// The SCP's transaction id, from its TC-CONTINUE.
    pub scp: Option<Vec<u8>>,
}

impl Call {
    pub fn new(n: u32) -> Call {
        Call {
            otid: n.to_be_bytes(),
            sls: (n % 16) as u8,
            scp: None,
        }
    }
}

/// Read one answer per call (in any order) and check each is `kind` with `op` (TC-CONTINUE
/// arming events: keep the SCP's id; TC-END: Continue).
pub fn expect_answers(a: &mut Assoc, calls: &mut [Call], kind: MessageType, op: u32) {
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

pub fn calls(base: u32, n: u32) -> Vec<Call> {
    (0..n).map(|i| Call::new(base + i)).collect()
}
