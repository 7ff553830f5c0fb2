//! Issue 20: scpd's AIN SCP as a wireline SSP (GR-1298/GR-1299 over T1.114 TCAP) and a
//! carrier's test team see it. A raw SSP on an M3UA association (ANSI SCCP, 24-bit point
//! codes) sends every trigger the README lists, event reports, a `decide` subscriber's
//! call, GT-addressed XUDT queries and damaged packages to the real daemon, which records
//! the exchange with `--pcap`. Checked:
//!
//! - the served line is UserID's DN, not a party number (GR-1299: UserID names the line
//!   the trigger is subscribed on);
//! - every answer correlates with the invoke it answers, all but the last as
//!   InvokeNotLast; EDP-R reports get what their LINKED list permits (Disconnect after
//!   a disconnect or an abandon, Continue after busy or no answer);
//! - a package of unknown type and a Query cut short get an Abort with the P-Abort cause
//!   (T1.114.4), and an unknown transaction's id is logged;
//! - tshark (Wireshark's `ain` dissector) dissects every package scpd sent without an
//!   expert item, but the one Wireshark cannot know: AIN 0.1's Send_Notification.

mod common;
mod m3ua_harness;

use m3ua_harness::{Assoc, Daemon};
use scpd::ain::{self, AinDigits, AinMessage, Arg, BearerCapability, Operation as Op, UserId};
use scpd::digits::{Digits, Isup};
use scpd::m3ua::codec::tag;
use scpd::m3ua::{Builder, Kind, Message, ProtocolData};
use scpd::sccp::{Address, GlobalTitle, Unitdata, Variant};
use scpd::tcap::ansi::{
    self, AbortReason, AnsiComponent, AnsiMessage, PAbortCause, PackageType, TransactionIds,
};
use serde_json::Value;
use std::process::Command;
use std::time::Duration;

const SCP_PC: u32 = 0x01_02_03;
const SSP_PC: u32 = 0x0a_0b_0c;
const SSN: u8 = 247;
/// Enrolled with the monitor policy.
const MONITORED: &str = "2015550100";
/// Enrolled with the decide policy.
const DECIDER: &str = "2015550200";
/// Not enrolled.
const STRANGER: &str = "2015550777";
/// The GTs the STP routes on (translation type 8 here, an arbitrary national one).
const SCP_GT: &str = "2015551000";
const SSP_GT: &str = "7035551000";

fn digits(s: &str) -> Digits<Isup> {
    s.parse().unwrap()
}

fn number(s: &str) -> AinDigits {
    AinDigits::national(digits(s))
}

/// A trigger from line `user`; `called` goes in CollectedAddressInfo for Info_Collected
/// (before analysis), CalledPartyID otherwise.
fn trigger(op: Op, user: &str, calling: Option<&str>, called: Option<&str>) -> AinMessage<'static> {
    let mut arg = Arg {
        user_id: Some(UserId::Dn(digits(user))),
        bearer_capability: Some(BearerCapability(0)),
        calling_party_id: calling.map(number),
        ..Default::default()
    };
    match op {
        Op::InfoCollected => arg.collected_address_info = called.map(number),
        _ => arg.called_party_id = called.map(number),
    }
    AinMessage::new(op, arg)
}

/// An event report of line MONITORED; `notification`: EDP-N.
fn report(op: Op, notification: bool) -> AinMessage<'static> {
    AinMessage::new(
        op,
        Arg {
            user_id: Some(UserId::Dn(digits(MONITORED))),
            bearer_capability: Some(BearerCapability(0)),
            notification_indicator: notification.then_some(true),
            ..Default::default()
        },
    )
}

/// One Invoke scpd sent: operation, InvokeLast, correlation id, CalledPartyID.
#[derive(Debug, PartialEq)]
struct Inv {
    op: Op,
    last: bool,
    correlation: Option<u8>,
    called: Option<String>,
    echo: Option<[u8; 6]>,
    ama_slp_id: Option<String>,
}

/// One package scpd sent back.
#[derive(Debug)]
struct Reply {
    sccp: &'static str,
    /// The called party's GT digits, when it has one.
    called_gt: Option<String>,
    package: PackageType,
    ids: TransactionIds,
    invokes: Vec<Inv>,
    abort: Option<u8>,
}

impl Reply {
    /// (operation, InvokeLast, correlation id) of each Invoke.
    fn ops(&self) -> Vec<(Op, bool, Option<u8>)> {
        self.invokes
            .iter()
            .map(|i| (i.op, i.last, i.correlation))
            .collect()
    }

    /// scpd's transaction id (the originating id of a Conversation).
    fn scp_tid(&self) -> [u8; 4] {
        self.ids.originating.expect("scpd's transaction id")
    }
}

/// The SSP: one ASP on an M3UA association, sending ANSI SCCP towards the SCP.
struct Ssp {
    a: Assoc,
    next_tid: u32,
    /// Packages scpd sent (the tshark check counts them).
    replies: usize,
}

impl Ssp {
    fn connect(d: &Daemon) -> Ssp {
        let mut a = Assoc::asp(&d.m3ua, 1, Some(1));
        a.pc = SSP_PC;
        Ssp {
            a,
            next_tid: 0x5000,
            replies: 0,
        }
    }

    fn tid(&mut self) -> [u8; 4] {
        self.next_tid += 1;
        self.next_tid.to_be_bytes()
    }

    /// `tcap` in DATA: a UDT on PC+SSN, or (`gt`) an XUDT routed on the SCP's GT as an STP
    /// forwards it after translation.
    fn send(&mut self, tcap: &[u8], gt: bool) {
        let national = |pc| Address {
            national: true,
            ..Address::ssn_pc(pc, SSN)
        };
        let (mut scp_bcd, mut ssp_bcd) = (Vec::new(), Vec::new());
        let scp_odd = GlobalTitle::pack(&digits(SCP_GT), &mut scp_bcd);
        let ssp_odd = GlobalTitle::pack(&digits(SSP_GT), &mut ssp_bcd);
        let on_gt = |bcd, odd, pc| Address {
            route_on_ssn: false,
            pc,
            ssn: Some(SSN),
            // ANSI GTI 2: translation type only (T1.112.3 §3.4.2.3).
            gt: Some(GlobalTitle::new(2, 8, 0, 0, bcd, odd)),
            national: true,
        };
        let u = if gt {
            Unitdata::xudt(
                0x81,
                on_gt(&scp_bcd, scp_odd, None),
                on_gt(&ssp_bcd, ssp_odd, Some(SSP_PC)),
                tcap,
            )
        } else {
            Unitdata::udt(0x81, national(SCP_PC), national(SSP_PC), tcap)
        };
        let mut sccp = Vec::new();
        u.encode(&mut sccp, Variant::Ansi).unwrap();
        let mut b = Vec::new();
        Builder::new(&mut b, Kind::Data)
            .param_u32(tag::ROUTING_CONTEXT, 1)
            .protocol_data(&ProtocolData {
                opc: SSP_PC,
                dpc: SCP_PC,
                si: 3,
                ni: 2,
                mp: 0,
                sls: 1,
                data: &sccp,
            })
            .finish();
        self.a.send(&b);
    }

    /// A package of `kind` with one InvokeLast of `m` (invoke id `id`).
    fn package(kind: PackageType, ids: TransactionIds, m: &AinMessage<'_>, id: u8) -> Vec<u8> {
        let mut t = Vec::new();
        ansi::encode(&mut t, kind, ids, None, |w| {
            m.invoke(w, true, Some(id), None).unwrap()
        });
        t
    }

    /// A QueryWithPermission of `m` (invoke id `id`); our transaction id and the reply.
    fn query(&mut self, m: &AinMessage<'_>, id: u8, gt: bool) -> ([u8; 4], Reply) {
        let tid = self.tid();
        let ids = TransactionIds {
            originating: Some(tid),
            responding: None,
        };
        self.send(
            &Ssp::package(PackageType::QueryWithPermission, ids, m, id),
            gt,
        );
        let r = self.reply();
        assert_eq!(r.ids.responding, Some(tid), "{r:?}");
        (tid, r)
    }

    /// A report `m` (invoke id `id`) in a Conversation of `kind` on the transaction pair.
    fn conversation(
        &mut self,
        kind: PackageType,
        (ours, scp): ([u8; 4], [u8; 4]),
        m: &AinMessage<'_>,
        id: u8,
        gt: bool,
    ) {
        let ids = TransactionIds {
            originating: Some(ours),
            responding: Some(scp),
        };
        self.send(&Ssp::package(kind, ids, m, id), gt);
    }

    /// The next package scpd sends.
    fn reply(&mut self) -> Reply {
        self.try_reply(Duration::from_secs(5))
            .expect("scpd did not answer")
    }

    fn try_reply(&mut self, timeout: Duration) -> Option<Reply> {
        let b = self.a.recv_skip_ntfy(timeout)?;
        let m = Message::parse(&b).unwrap();
        assert_eq!(m.kind(), Some(Kind::Data), "expected DATA");
        let pd = m.protocol_data().unwrap();
        assert_eq!((pd.opc, pd.dpc), (SCP_PC, SSP_PC));
        let u = Unitdata::decode_variant(pd.data, Variant::Ansi).unwrap();
        assert!(!u.is_service(), "{}", u.type_name());
        assert_eq!(u.called.ssn, Some(SSN));
        let t = AnsiMessage::decode(u.data).unwrap();
        let invokes = t
            .components()
            .map(|c| match c.unwrap() {
                AnsiComponent::Invoke {
                    last,
                    correlation_id,
                    opcode,
                    parameter,
                    ..
                } => {
                    let a = ain::ain(opcode, parameter).unwrap();
                    Inv {
                        op: a.op,
                        last,
                        correlation: correlation_id,
                        called: a.arg.called_party_id.map(|d| d.digits.text().to_string()),
                        echo: a.arg.echo_data,
                        ama_slp_id: a.arg.ama_slp_id.map(|d| d.0.text().to_string()),
                    }
                }
                other => panic!("scpd sent {other:?}"),
            })
            .collect();
        self.replies += 1;
        Some(Reply {
            sccp: u.type_name(),
            called_gt: u.called.gt.map(|g| g.digits().text().to_string()),
            package: t.package,
            ids: t.ids,
            invokes,
            abort: match t.abort {
                Some(AbortReason::Provider(c)) => Some(c),
                _ => None,
            },
        })
    }

    /// A query of a monitored line: Request_Report_BCM_Event (InvokeNotLast) then `answer`
    /// (InvokeLast), both correlated with the query's invoke, in a
    /// ConversationWithPermission; the transaction pair and the reply.
    fn monitored(
        &mut self,
        q: &AinMessage<'_>,
        id: u8,
        answer: Op,
        gt: bool,
    ) -> (([u8; 4], [u8; 4]), Reply) {
        let (ours, r) = self.query(q, id, gt);
        assert_eq!(r.package, PackageType::ConversationWithPermission, "{r:?}");
        assert_eq!(
            r.ops(),
            [
                (Op::RequestReportBcmEvent, false, Some(id)),
                (answer, true, Some(id))
            ],
            "both answer the query's invoke, the last as InvokeLast"
        );
        ((ours, r.scp_tid()), r)
    }

    /// A query answered at once with `answer`, correlated with it, in a Response.
    fn answered(&mut self, q: &AinMessage<'_>, id: u8, answer: Op, gt: bool) -> Reply {
        let (_, r) = self.query(q, id, gt);
        assert_eq!(r.package, PackageType::Response, "{r:?}");
        assert_eq!(r.ops(), [(answer, true, Some(id))], "{r:?}");
        r
    }

    /// An EDP-R report `op` (invoke `id`) on `pair`: scpd ends the transaction with
    /// `answer`, correlated with the report. The reply.
    fn edp_r(&mut self, pair: ([u8; 4], [u8; 4]), op: Op, id: u8, answer: Op, gt: bool) -> Reply {
        let cwp = PackageType::ConversationWithPermission;
        self.conversation(cwp, pair, &report(op, false), id, gt);
        let r = self.reply();
        assert_eq!(r.package, PackageType::Response, "{op:?}: {r:?}");
        assert_eq!(r.ops(), [(answer, true, Some(id))], "{op:?}");
        r
    }

    /// Nothing comes back for a while (a notification needs no answer).
    fn silence(&mut self) {
        if let Some(r) = self.try_reply(Duration::from_millis(300)) {
            panic!("unexpected {r:?}");
        }
    }
}

fn scpd(d: &Daemon, args: &[&str]) -> String {
    let out = Command::new(m3ua_harness::BIN)
        .args(args)
        .args(["--grpc", &d.grpc])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "scpd {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn enrol(d: &Daemon, number: &str, policy: &str) {
    scpd(d, &["subscriber", "add", number, "--policy", policy]);
}

/// The journal's events, grouped by call in order of their first event.
fn calls(d: &Daemon, want: usize) -> Vec<Vec<Value>> {
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let events: Vec<Value> = scpd(d, &["events"])
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        let mut calls: Vec<Vec<Value>> = Vec::new();
        for e in events {
            match calls.iter_mut().find(|c| c[0]["call_id"] == e["call_id"]) {
                Some(c) => c.push(e),
                None => calls.push(vec![e]),
            }
        }
        let n: usize = calls.iter().map(Vec::len).sum();
        if n >= want || std::time::Instant::now() > deadline {
            return calls;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn kinds(call: &[Value]) -> Vec<&str> {
    call.iter().map(|e| e["kind"].as_str().unwrap()).collect()
}

/// A decision client answering every query with Connect to `to`, until the daemon stops.
fn decider(grpc: &str, to: &'static str) {
    use scpd::proto::decision_answer::Action;
    use scpd::proto::decisions_client::DecisionsClient;
    use scpd::proto::DecisionAnswer;
    let url = format!("http://{grpc}");
    let (ready_tx, ready) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let mut c = DecisionsClient::connect(url).await.unwrap();
            let (tx, rx) = tokio::sync::mpsc::channel::<DecisionAnswer>(16);
            let mut queries = c
                .session(tokio_stream::wrappers::ReceiverStream::new(rx))
                .await
                .unwrap()
                .into_inner();
            ready_tx.send(()).unwrap();
            while let Ok(Some(q)) = queries.message().await {
                let answer = DecisionAnswer {
                    query_id: q.query_id,
                    action: Some(Action::ConnectTo(to.into())),
                };
                if tx.send(answer).await.is_err() {
                    return;
                }
            }
        });
    });
    ready.recv().unwrap();
    // Let the session register with the broker.
    std::thread::sleep(Duration::from_millis(200));
}

/// tshark's verbose dissection of `pcap`, one block per frame.
fn tshark(pcap: &std::path::Path) -> Vec<String> {
    let out = Command::new("tshark")
        .args(["-r", pcap.to_str().unwrap(), "-V"])
        .args(["-o", "mtp3.standard:ANSI", "-o", &format!("tcap.ssn:{SSN}")])
        .output()
        .expect("tshark (installed by .ci/run)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .split("\nFrame ")
        .map(str::to_string)
        .collect()
}

/// Every TCAP package scpd sent (scpd's side is port 2905 in its capture) is dissected
/// without an expert item, but for `allowed` notes; returns their dissections.
fn dissected_cleanly(pcap: &std::path::Path, allowed: &[&str]) -> Vec<String> {
    let mut ours = Vec::new();
    for block in tshark(pcap) {
        let from_scpd = block.contains("Src Port: 2905 ");
        if !from_scpd || !block.contains("Transaction Capabilities Application Part") {
            continue;
        }
        let notes = block.lines().filter(|l| {
            l.contains("Expert Info") || l.contains("Malformed Packet") || l.contains("BER Error")
        });
        for line in notes {
            assert!(
                allowed.iter().any(|a| line.contains(a)),
                "tshark reports {line:?} in a package scpd sent:\n{block}"
            );
        }
        assert!(
            block.contains("Advanced Intelligent Network") || block.contains("abortCause: "),
            "neither AIN nor a P-Abort:\n{block}"
        );
        ours.push(block);
    }
    ours
}

fn pcap_path(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("ain_conformance_{name}.pcap"))
}

fn ansi_daemon(name: &str, release: &str, pcap: &std::path::Path) -> Daemon {
    let release = format!("release = \"{release}\"");
    let pc = format!("point_code = {SCP_PC}");
    Daemon::start_args(
        name,
        "",
        &[
            ("variant = \"itu\"", "variant = \"ansi\""),
            ("point_code = 200", &pc),
            ("release = \"0.2\"", &release),
            ("ama_slp_id = \"000000000\"", "ama_slp_id = \"123456789\""),
        ],
        &["--pcap", pcap.to_str().unwrap()],
    )
}

#[test]
fn ain_as_a_wireline_ssp_expects_it() {
    let pcap = pcap_path("ain02");
    let d = ansi_daemon("ain-conformance", "0.2", &pcap);
    enrol(&d, MONITORED, "monitor");
    enrol(&d, DECIDER, "decide");
    decider(&d.grpc, "2015550177");
    let mut ssp = Ssp::connect(&d);
    use PackageType::*;
    let (cwp, cwop) = (ConversationWithPermission, ConversationWithoutPermission);

    // The served line is UserID's: MONITORED calls from a party number it does not own...
    let q = trigger(
        Op::InfoAnalyzed,
        MONITORED,
        Some("2015550999"),
        Some("8005550123"),
    );
    let (pair, _) = ssp.monitored(&q, 3, Op::Continue, false);
    // ... answers (EDP-N: nothing to say) and hangs up (EDP-R: Disconnect, not Continue).
    ssp.conversation(cwop, pair, &report(Op::OAnswer, true), 4, false);
    ssp.silence();
    ssp.edp_r(pair, Op::ODisconnect, 5, Op::Disconnect, false);
    // ... and a line that is not enrolled calls from MONITORED's number: not monitored.
    let q = trigger(
        Op::InfoAnalyzed,
        STRANGER,
        Some(MONITORED),
        Some("8005550124"),
    );
    ssp.answered(&q, 1, Op::Continue, false);

    // Termination_Attempt likewise: the line called is UserID's, whatever CalledPartyID;
    // busy (EDP-R) gets Continue, which T_Busy's LINKED list has.
    let q = trigger(
        Op::TerminationAttempt,
        MONITORED,
        Some("7035550111"),
        Some("2015550999"),
    );
    let (pair, _) = ssp.monitored(&q, 2, Op::AuthorizeTermination, false);
    ssp.edp_r(pair, Op::TBusy, 6, Op::Continue, false);
    let q = trigger(
        Op::TerminationAttempt,
        STRANGER,
        Some("7035550112"),
        Some(MONITORED),
    );
    ssp.answered(&q, 1, Op::AuthorizeTermination, false);

    // Info_Collected (digits not yet analysed), then no answer (EDP-R: Continue).
    let q = trigger(Op::InfoCollected, MONITORED, None, Some("8005550125"));
    let (pair, _) = ssp.monitored(&q, 1, Op::Continue, false);
    ssp.edp_r(pair, Op::ONoAnswer, 2, Op::Continue, false);

    // Origination_Attempt (off hook), then the caller abandons (EDP-R: Disconnect).
    let q = trigger(Op::OriginationAttempt, MONITORED, None, None);
    let (pair, _) = ssp.monitored(&q, 9, Op::Continue, false);
    ssp.edp_r(pair, Op::OAbandon, 10, Op::Disconnect, false);

    // Network_Busy of a line not enrolled: Continue.
    let q = trigger(
        Op::NetworkBusy,
        STRANGER,
        Some(STRANGER),
        Some("8005550126"),
    );
    ssp.answered(&q, 1, Op::Continue, false);

    // A decide subscriber: the data-session server's Connect becomes Analyze_Route, with
    // the provisioned AMAslpID GR-1299 requires in it.
    let q = trigger(Op::InfoAnalyzed, DECIDER, Some(DECIDER), Some("8005550127"));
    let r = ssp.answered(&q, 4, Op::AnalyzeRoute, false);
    let route = &r.invokes[0];
    assert_eq!(route.called.as_deref(), Some("2015550177"));
    assert_eq!(route.ama_slp_id.as_deref(), Some("123456789"));

    // GT-addressed XUDT (as an STP forwards after translation): answered back to the
    // SSP's GT, a monitored call's report too.
    let q = trigger(
        Op::InfoAnalyzed,
        STRANGER,
        Some(STRANGER),
        Some("8005550128"),
    );
    let r = ssp.answered(&q, 1, Op::Continue, true);
    assert_eq!(r.called_gt.as_deref(), Some(SSP_GT), "{r:?}");
    // A short answer goes in a UDT, which every STP takes (XUDT only to segment).
    assert_eq!(r.sccp, "UDT", "{r:?}");
    let q = trigger(
        Op::InfoAnalyzed,
        MONITORED,
        Some(MONITORED),
        Some("8005550129"),
    );
    let (pair, r) = ssp.monitored(&q, 1, Op::Continue, true);
    assert_eq!(r.called_gt.as_deref(), Some(SSP_GT), "{r:?}");
    let r = ssp.edp_r(pair, Op::ODisconnect, 2, Op::Disconnect, true);
    assert_eq!(r.called_gt.as_deref(), Some(SSP_GT), "{r:?}");

    // Damaged packages whose transaction id is readable: an Abort with the P-Abort cause.
    let tid = ssp.tid();
    let mut e7 = vec![0xe7, 0x08, 0xc7, 0x04];
    e7.extend_from_slice(&tid);
    e7.extend_from_slice(&[0xe8, 0x00]);
    ssp.send(&e7, false);
    let r = ssp.reply();
    assert_eq!((r.package, r.ids.responding), (Abort, Some(tid)), "{r:?}");
    assert_eq!(r.abort, Some(PAbortCause::UnrecognizedPackageType as u8));
    let tid = ssp.tid();
    let q = trigger(Op::InfoAnalyzed, STRANGER, None, Some("8005550130"));
    let ids = TransactionIds {
        originating: Some(tid),
        responding: None,
    };
    let mut cut = Ssp::package(QueryWithPermission, ids, &q, 1);
    cut.truncate(cut.len() - 3);
    ssp.send(&cut, false);
    let r = ssp.reply();
    assert_eq!((r.package, r.ids.responding), (Abort, Some(tid)), "{r:?}");
    assert_eq!(
        r.abort,
        Some(PAbortCause::BadlyStructuredTransactionPortion as u8)
    );
    // A Conversation for a transaction scpd does not have: aborted, its id logged.
    let q = report(Op::ODisconnect, false);
    let ours = ssp.tid();
    ssp.conversation(cwp, (ours, [0xde, 0xad, 0xbe, 0xef]), &q, 1, false);
    let r = ssp.reply();
    assert_eq!((r.package, r.ids.responding), (Abort, Some(ours)), "{r:?}");
    assert_eq!(
        r.abort,
        Some(PAbortCause::UnassignedRespondingTransactionId as u8)
    );

    // What the data-session servers saw.
    let calls = calls(&d, 17);
    let find = |trigger: Op, calling: Option<&str>, called: &str| {
        calls
            .iter()
            .find(|c| {
                c[0]["trigger"] == trigger.name()
                    && calling.is_none_or(|n| c[0]["calling_party"]["digits"] == n)
                    && c[0]["called_party"]["digits"] == called
            })
            .unwrap_or_else(|| panic!("no {trigger:?} to {called} in {calls:#?}"))
    };
    let c = find(Op::InfoAnalyzed, Some("2015550999"), "8005550123");
    assert_eq!(c[0]["subscriber"], MONITORED, "{c:#?}");
    assert_eq!(kinds(c), ["TRIGGER", "ANSWERED", "DISCONNECTED"]);
    let c = find(Op::InfoAnalyzed, Some(MONITORED), "8005550124");
    assert_eq!(c[0]["subscriber"], "", "{c:#?}");
    assert_eq!(kinds(c), ["TRIGGER"]);
    let c = find(Op::TerminationAttempt, Some("7035550111"), "2015550999");
    assert_eq!(c[0]["subscriber"], MONITORED, "{c:#?}");
    assert_eq!(kinds(c), ["TRIGGER", "BUSY"]);
    let c = find(Op::TerminationAttempt, Some("7035550112"), MONITORED);
    assert_eq!(c[0]["subscriber"], "", "{c:#?}");
    let c = find(Op::InfoCollected, None, "8005550125");
    assert_eq!(kinds(c), ["TRIGGER", "NO_ANSWER"]);
    let c = calls
        .iter()
        .find(|c| c[0]["trigger"] == Op::OriginationAttempt.name())
        .expect("Origination_Attempt");
    assert_eq!(
        c[0]["calling_party"]["digits"], MONITORED,
        "the line itself"
    );
    assert_eq!(kinds(c), ["TRIGGER", "ABANDONED"]);
    let c = find(Op::NetworkBusy, Some(STRANGER), "8005550126");
    assert_eq!(kinds(c), ["TRIGGER"]);
    let c = find(Op::InfoAnalyzed, Some(DECIDER), "8005550127");
    assert_eq!(c[0]["subscriber"], DECIDER, "{c:#?}");
    assert_eq!(kinds(c)[0], "TRIGGER");
    let c = find(Op::InfoAnalyzed, Some(MONITORED), "8005550129");
    assert_eq!(kinds(c), ["TRIGGER", "DISCONNECTED"]);
    for c in &calls {
        assert_eq!(c[0]["protocol_version"], "AIN 0.2", "{c:#?}");
    }
    // Nothing reached the service from the damaged packages.
    assert!(
        !calls
            .iter()
            .any(|c| c[0]["called_party"]["digits"] == "8005550130"),
        "{calls:#?}"
    );
    let log = d.log();
    assert!(log.contains("deadbeef"), "the unknown id is logged:\n{log}");

    let replies = ssp.replies;
    d.stop();
    let ours = dissected_cleanly(&pcap, &[]);
    assert_eq!(ours.len(), replies);
    assert!(
        ours.iter()
            .any(|b| b.contains("analyzeRoute") && b.contains("AMAslpID: 1234567890")),
        "Analyze_Route with its AMAslpID (BCD, filler 0)"
    );
}

/// AIN 0.1 (provisioned: no message names the release): a monitored call gets
/// Send_Notification, NotLast, before the Continue; the Termination_Notification ends it.
/// Wireshark's AIN module (GR-1299) has no Send_Notification: tshark notes its code as
/// unknown and nothing else.
#[test]
fn ain_0_1_ssp_gets_send_notification() {
    let pcap = pcap_path("ain01");
    let d = ansi_daemon("ain-conformance-01", "0.1", &pcap);
    enrol(&d, MONITORED, "monitor");
    let mut ssp = Ssp::connect(&d);
    let q = trigger(
        Op::InfoAnalyzed,
        MONITORED,
        Some(MONITORED),
        Some("8005550123"),
    )
    .with_form(ain::ArgumentForm::Set);
    let (_, r) = ssp.query(&q, 2, false);
    assert_eq!(r.package, PackageType::Response);
    assert_eq!(
        r.ops(),
        [
            (Op::SendNotification, false, Some(2)),
            (Op::Continue, true, Some(2))
        ]
    );
    // The call ends: Termination_Notification with our EchoData, in a Unidirectional.
    let tn = AinMessage::new(
        Op::TerminationNotification,
        Arg {
            echo_data: r.invokes[0].echo,
            termination_indicator: Some(1),
            ..Default::default()
        },
    )
    .with_form(ain::ArgumentForm::Set);
    ssp.send(
        &Ssp::package(
            PackageType::Unidirectional,
            TransactionIds::default(),
            &tn,
            1,
        ),
        false,
    );
    ssp.silence();
    let q = trigger(
        Op::InfoAnalyzed,
        STRANGER,
        Some(STRANGER),
        Some("8005550124"),
    )
    .with_form(ain::ArgumentForm::Set);
    let (_, r) = ssp.query(&q, 1, false);
    assert_eq!(
        (r.package, r.ops()),
        (PackageType::Response, vec![(Op::Continue, true, Some(1))]),
        "Continue in AIN 0.1 too"
    );
    let calls = calls(&d, 3);
    assert!(calls.iter().all(|c| c[0]["protocol_version"] == "AIN 0.1"));
    let c = calls
        .iter()
        .find(|c| c[0]["called_party"]["digits"] == "8005550123")
        .unwrap();
    assert_eq!(kinds(c), ["TRIGGER", "DISCONNECTED"]);
    let replies = ssp.replies;
    d.stop();
    let code = Op::SendNotification.code();
    let note = format!("Unknown invokeData {code}");
    assert_eq!(dissected_cleanly(&pcap, &[&note]).len(), replies);
}
