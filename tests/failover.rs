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
mod m3ua_harness;
use m3ua_harness::*;
use scpd::camel::opcode;
use scpd::m3ua::codec::tag;
use scpd::m3ua::{Builder, Kind, Message};
use scpd::tcap::itu::MessageType;
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

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
