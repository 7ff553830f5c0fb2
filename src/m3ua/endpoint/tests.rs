//! The endpoint without sockets: M3UA messages built with the codec go in, what comes out
//! is decoded and checked.

use std::collections::BTreeMap;
use std::time::Duration;

use super::*;
use crate::m3ua::asp;
use crate::m3ua::codec::{tag, Builder, Kind};
use crate::m3ua::pdu::{status, List, MaskedPc, Pdu, Ssnm, Status};
use crate::m3ua::sg::{ServerAs, SgConfig};

const T_R: Duration = Duration::from_secs(2);
const T_ACK: Duration = Duration::from_secs(1);

fn server_as(name: &str, rc: Option<u32>, mode: TrafficMode, asp_ids: &[u32]) -> ServerAs {
    ServerAs {
        name: name.into(),
        routing_contexts: rc.into_iter().collect(),
        traffic_mode: mode,
        asp_ids: asp_ids.to_vec(),
        ..ServerAs::default()
    }
}

fn config(ases: Vec<ServerAs>) -> EndpointConfig {
    EndpointConfig {
        server: SgConfig {
            local_pc: 200,
            t_r: T_R,
            ases,
            rkm: None,
        },
        client: AspConfig {
            asp_id: Some(7),
            t_ack: T_ACK,
            max_retransmits: 2,
            ..AspConfig::default()
        },
        audit_interval: None,
        ipsp: AspConfig {
            t_ack: T_ACK,
            ..AspConfig::default()
        },
        ipsp_serve: AsConfig {
            routing_contexts: Vec::new(),
            local_pc: 200,
        },
        ipsp_exchange: crate::config::IpspExchange::Single,
    }
}

/// What a received message came to, owned.
#[derive(Debug, PartialEq)]
enum Got {
    Data { opc: u32, data: Vec<u8> },
    Handled,
    Close(&'static str),
}

/// An endpoint, its clock and what it has queued.
struct Net {
    ep: Endpoint,
    now: Instant,
    out: Transmits,
}

impl Net {
    fn new(cfg: EndpointConfig) -> Net {
        let now = Instant::now();
        Net {
            ep: Endpoint::new(cfg, now),
            now,
            out: Transmits::default(),
        }
    }

    fn serving(mode: TrafficMode) -> Net {
        Net::new(config(vec![server_as("default", None, mode, &[])]))
    }

    fn connect(&mut self, role: &Role) -> AssocId {
        self.ep.connected(role, None, self.now, &mut self.out)
    }

    fn rx_on(&mut self, a: AssocId, stream: Option<(u16, u16)>, m: &[u8]) -> Got {
        match self.ep.receive(a, stream, m, self.now, &mut self.out) {
            Received::Data(d) => Got::Data {
                opc: d.opc,
                data: d.data.to_vec(),
            },
            Received::Handled => Got::Handled,
            Received::Close(why) => Got::Close(why),
        }
    }

    fn rx(&mut self, a: AssocId, m: &[u8]) -> Got {
        self.rx_on(a, None, m)
    }

    /// What is queued, per association.
    fn sent(&mut self) -> BTreeMap<AssocId, Vec<u8>> {
        self.out.drain().collect()
    }

    /// Which associations something is queued for (and forget it).
    fn sent_to(&mut self) -> Vec<AssocId> {
        self.sent().into_keys().collect()
    }

    fn events(&mut self) -> Vec<Event> {
        std::iter::from_fn(|| self.ep.poll_event()).collect()
    }

    /// The DATA the node sends: an answer to a dialogue that came in on `origin`.
    fn send(&mut self, origin: AssocId, dpc: u32, sls: u8, sccp: &[u8]) {
        let label = Label {
            origin,
            opc: 200,
            dpc,
            ni: 2,
            sls,
        };
        self.ep.send(&label, sccp, self.now, &mut self.out);
    }

    /// A peer ASP connects and becomes active; what it was sent is discarded.
    fn peer_active(&mut self, asp_id: Option<u32>, rc: Option<u32>) -> AssocId {
        let a = self.connect(&Role::Server);
        self.rx(a, &aspup(asp_id));
        self.rx(a, &aspac(rc, None));
        self.sent();
        self.events();
        a
    }

    /// Two peer ASPs active in the one AS, with `mode`.
    fn pair(mode: TrafficMode) -> (Net, AssocId, AssocId) {
        let mut n = Net::serving(mode);
        let a = n.peer_active(None, None);
        let b = n.peer_active(None, None);
        (n, a, b)
    }

    fn at(&mut self, t: Instant) {
        self.now = t;
        self.ep.on_timeout(t, &mut self.out);
    }
}

fn msg(kind: Kind, f: impl FnOnce(Builder) -> Builder) -> Vec<u8> {
    let mut b = Vec::new();
    f(Builder::new(&mut b, kind)).finish();
    b
}

fn aspup(asp_id: Option<u32>) -> Vec<u8> {
    msg(Kind::AspUp, |b| match asp_id {
        Some(id) => b.param_u32(tag::ASP_IDENTIFIER, id),
        None => b,
    })
}

fn aspac(rc: Option<u32>, tmt: Option<u32>) -> Vec<u8> {
    msg(Kind::AspAc, |b| {
        let b = match tmt {
            Some(t) => b.param_u32(tag::TRAFFIC_MODE_TYPE, t),
            None => b,
        };
        match rc {
            Some(rc) => b.param_u32(tag::ROUTING_CONTEXT, rc),
            None => b,
        }
    })
}

fn data(opc: u32, dpc: u32, sccp: &[u8]) -> Vec<u8> {
    let label = Label {
        origin: ANY_ASSOC,
        opc,
        dpc,
        ni: 2,
        sls: 0,
    };
    let mut b = Vec::new();
    route::encode_data(&mut b, &label, sccp, None);
    b
}

fn duna(pc: u32) -> Vec<u8> {
    Pdu::Duna(Ssnm {
        apc: Some(List::Values(&[MaskedPc::exact(pc)])),
        ..Ssnm::default()
    })
    .to_vec()
}

fn pdus(b: &[u8]) -> Vec<Pdu<'_>> {
    asp::messages(b).map(|m| Pdu::decode(m).unwrap()).collect()
}

fn kinds(b: &[u8]) -> Vec<Kind> {
    pdus(b).iter().map(Pdu::kind).collect()
}

/// The SCCP payloads and routing contexts of the DATA in `b`.
fn datas(b: &[u8]) -> Vec<(Vec<u8>, Option<u32>)> {
    pdus(b)
        .into_iter()
        .filter_map(|p| match p {
            Pdu::Data(d) => Some((d.pd?.data.to_vec(), d.rc.and_then(|l| l.first()))),
            _ => None,
        })
        .collect()
}

fn ntfy(p: &Pdu<'_>) -> Option<(Status, Option<u32>, Option<u32>)> {
    match p {
        Pdu::Ntfy(n) => Some((n.status?, n.rc.and_then(|l| l.first()), n.asp_id)),
        _ => None,
    }
}

fn err_code(b: &[u8]) -> Option<u32> {
    pdus(b).into_iter().find_map(|p| match p {
        Pdu::Err(e) => e.code,
        _ => None,
    })
}

#[test]
fn server_answers_aspup_alone_and_aspac_with_as_active_then_takes_data() {
    let mut n = Net::new(config(vec![server_as(
        "msc",
        Some(5),
        TrafficMode::Loadshare,
        &[],
    )]));
    let a = n.connect(&Role::Server);
    assert!(n.out.is_empty());
    // DATA before ASP-ACTIVE: ERR Unexpected Message, not delivered.
    assert_eq!(n.rx(a, &data(100, 200, b"q")), Got::Handled);
    assert_eq!(
        err_code(&n.sent()[&a]),
        Some(ErrorCode::UnexpectedMessage as u32)
    );
    // ASPUP: ASPUP ACK alone (the AS model's AS-INACTIVE NTFY is left out).
    assert_eq!(n.rx(a, &aspup(Some(1))), Got::Handled);
    assert_eq!(kinds(&n.sent()[&a]), [Kind::AspUpAck]);
    assert!(!n.ep.is_active(a));
    // ASPAC: ASPAC ACK and NTFY AS-ACTIVE with the peer's routing context.
    assert_eq!(n.rx(a, &aspac(Some(5), Some(2))), Got::Handled);
    let s = n.sent();
    let p = pdus(&s[&a]);
    assert_eq!(p[0].kind(), Kind::AspAcAck);
    assert_eq!(
        ntfy(&p[1]),
        Some((Status::as_state(status::AS_ACTIVE), Some(5), None))
    );
    assert_eq!(p.len(), 2);
    assert_eq!(n.events(), [Event::Active(a)]);
    assert!(n.ep.is_active(a));
    // A newcomer to the active AS is told AS-ACTIVE too, with its own (absent) RC.
    let b = n.connect(&Role::Server);
    n.rx(b, &aspup(Some(2)));
    n.rx(b, &aspac(None, None));
    let s = n.sent();
    assert!(!s.contains_key(&a));
    let p = pdus(&s[&b]);
    assert_eq!(kinds(&s[&b]), [Kind::AspUpAck, Kind::AspAcAck, Kind::Ntfy]);
    assert_eq!(n.events(), [Event::Active(b)]);
    assert_eq!(
        ntfy(&p[2]),
        Some((Status::as_state(status::AS_ACTIVE), None, None))
    );
    // DATA now goes up.
    assert_eq!(
        n.rx(a, &data(100, 200, b"query")),
        Got::Data {
            opc: 100,
            data: b"query".to_vec()
        }
    );
    // The other ASP is told of a loss with ASP Failure and the lost one's ASP Identifier.
    n.ep.disconnected(a, n.now, &mut n.out);
    assert_eq!(n.events(), [Event::Inactive(a)]);
    let p = pdus(&n.sent()[&b])
        .into_iter()
        .filter_map(|p| ntfy(&p))
        .collect::<Vec<_>>();
    assert_eq!(p, [(Status::other(status::ASP_FAILURE), Some(5), Some(1))]);
}

#[test]
fn answers_go_back_on_their_association_then_to_a_link_of_the_same_msc_never_another_as() {
    let mut n = Net::new(config(vec![
        server_as("msc-a", Some(10), TrafficMode::Loadshare, &[1, 2, 3]),
        server_as("msc-b", Some(20), TrafficMode::Loadshare, &[9]),
    ]));
    let a1 = n.peer_active(Some(1), Some(10));
    let a2 = n.peer_active(Some(2), Some(10));
    let a3 = n.peer_active(Some(3), Some(10));
    let b = n.peer_active(Some(9), Some(20));
    // The MSC at PC 100 uses a1 and a2; another one (PC 300) shares the AS over a3.
    for (a, opc) in [(a1, 100), (a2, 100), (a3, 300), (b, 101)] {
        assert!(matches!(n.rx(a, &data(opc, 200, b"q")), Got::Data { .. }));
    }
    n.send(a1, 100, 5, b"answer");
    let s = n.sent();
    assert_eq!(s.keys().copied().collect::<Vec<_>>(), [a1]);
    assert_eq!(datas(&s[&a1]), [(b"answer".to_vec(), Some(10))]);
    // a1 is lost: every answer to PC 100 goes over a2, whatever its SLS, never over a3
    // (another MSC) nor b (another AS).
    n.ep.disconnected(a1, n.now, &mut n.out);
    n.sent();
    for sls in 0..8 {
        n.send(a1, 100, sls, b"answer");
        let s = n.sent();
        assert_eq!(s.keys().copied().collect::<Vec<_>>(), [a2], "sls {sls}");
        assert_eq!(datas(&s[&a2]), [(b"answer".to_vec(), Some(10))]);
    }
    // With no link of that MSC left, the AS's other ASP serves: still never b.
    n.ep.disconnected(a2, n.now, &mut n.out);
    n.sent();
    n.send(a1, 100, 0, b"answer");
    assert_eq!(n.sent_to(), [a3]);
    // None left in msc-a: held (AS pending), not given to msc-b.
    n.ep.disconnected(a3, n.now, &mut n.out);
    n.sent();
    n.send(a1, 100, 0, b"answer");
    assert!(n.out.is_empty());
}

#[test]
fn answers_are_held_for_t_r_and_go_to_the_first_asp_back_or_are_dropped() {
    let mut n = Net::serving(TrafficMode::Loadshare);
    let a = n.peer_active(None, None);
    n.ep.disconnected(a, n.now, &mut n.out);
    n.send(a, 100, 0, b"held");
    assert!(n.out.is_empty());
    assert_eq!(n.ep.next_deadline(), Some(n.now + T_R));
    // The first ASP back gets it, after its ASPAC ACK and NTFY.
    let b = n.connect(&Role::Server);
    n.rx(b, &aspup(None));
    assert_eq!(kinds(&n.sent()[&b]), [Kind::AspUpAck]);
    n.rx(b, &aspac(None, None));
    let s = n.sent();
    assert_eq!(kinds(&s[&b]), [Kind::AspAcAck, Kind::Ntfy, Kind::Data]);
    assert_eq!(datas(&s[&b]), [(b"held".to_vec(), None)]);
    assert_eq!(n.ep.next_deadline(), None);
    // Again, but nobody comes back within T(r): dropped.
    n.ep.disconnected(b, n.now, &mut n.out);
    n.send(b, 100, 0, b"lost");
    let t = n.ep.next_deadline().unwrap();
    n.at(t - Duration::from_millis(1));
    assert!(n.out.is_empty());
    assert_eq!(n.ep.held.len(), 1);
    n.at(t);
    assert_eq!(n.ep.next_deadline(), None);
    assert!(n.ep.held.is_empty());
    assert!(n.out.is_empty());
}

#[test]
fn override_demotes_the_previous_asp_and_its_answers_follow() {
    let mut n = Net::serving(TrafficMode::Override);
    let a = n.peer_active(Some(1), None);
    let b = n.connect(&Role::Server);
    n.rx(b, &aspup(Some(2)));
    n.sent();
    n.rx(b, &aspac(None, None));
    let s = n.sent();
    let told: Vec<_> = pdus(&s[&a]).iter().filter_map(ntfy).collect();
    assert_eq!(
        told,
        [(Status::other(status::ALTERNATE_ASP_ACTIVE), None, Some(2))]
    );
    assert_eq!(n.events(), [Event::Inactive(a), Event::Active(b)]);
    assert!(!n.ep.is_active(a));
    // a may no longer send DATA, and its answers go over b.
    n.rx(a, &data(100, 200, b"q"));
    assert_eq!(
        err_code(&n.sent()[&a]),
        Some(ErrorCode::UnexpectedMessage as u32)
    );
    n.send(a, 100, 3, b"answer");
    assert_eq!(n.sent_to(), [b]);
}

#[test]
fn broadcast_sends_every_answer_to_every_active_asp() {
    let (mut n, a, b) = Net::pair(TrafficMode::Broadcast);
    n.send(a, 100, 0, b"all");
    let s = n.sent();
    assert_eq!(s.keys().copied().collect::<Vec<_>>(), [a, b]);
    for bytes in s.values() {
        assert_eq!(datas(bytes), [(b"all".to_vec(), None)]);
    }
}

fn client_role() -> Role {
    config(Vec::new()).client_role()
}

/// Our ASP on a new client association, brought to ASP-ACTIVE by its SG.
fn client_active(n: &mut Net) -> AssocId {
    let c = n.connect(&client_role());
    n.rx(c, &msg(Kind::AspUpAck, |b| b));
    n.rx(c, &msg(Kind::AspAcAck, |b| b));
    n.sent();
    n.events();
    c
}

#[test]
fn client_brings_its_asp_up_and_active() {
    let mut n = Net::serving(TrafficMode::Loadshare);
    let c = n.connect(&client_role());
    assert_eq!(Side::of(c), Side::Client);
    let s = n.sent();
    let p = pdus(&s[&c]);
    assert!(matches!(p[..], [Pdu::AspUp(u)] if u.asp_id == Some(7)));
    assert_eq!(n.rx(c, &msg(Kind::AspUpAck, |b| b)), Got::Handled);
    assert_eq!(kinds(&n.sent()[&c]), [Kind::AspAc]);
    assert!(n.events().is_empty());
    n.rx(c, &msg(Kind::AspAcAck, |b| b));
    assert_eq!(n.events(), [Event::Active(c)]);
    assert!(n.ep.is_active(c));
    assert_eq!(
        n.rx(c, &data(100, 200, b"q")),
        Got::Data {
            opc: 100,
            data: b"q".to_vec()
        }
    );
    n.send(c, 100, 0, b"a");
    assert_eq!(datas(&n.sent()[&c]), [(b"a".to_vec(), None)]);
}

#[test]
fn client_resends_on_t_ack_and_gives_up() {
    let mut n = Net::serving(TrafficMode::Loadshare);
    let c = n.connect(&client_role());
    n.sent();
    let start = n.now;
    assert_eq!(n.ep.next_deadline(), Some(start + T_ACK));
    for i in 1..=2 {
        n.at(start + T_ACK * i);
        assert_eq!(kinds(&n.sent()[&c]), [Kind::AspUp], "resend {i}");
        assert!(n.events().is_empty());
    }
    n.at(start + T_ACK * 3);
    assert_eq!(
        n.events(),
        [Event::Close(c, "T(ack) expired: no acknowledgement")]
    );
    n.ep.disconnected(c, n.now, &mut n.out);
    assert_eq!(n.ep.next_deadline(), None);
    assert!(n.out.is_empty());
}

#[test]
fn duna_makes_a_destination_unroutable_through_that_sg() {
    let mut n = Net::serving(TrafficMode::Loadshare);
    let c1 = client_active(&mut n);
    let c2 = client_active(&mut n);
    n.send(c1, 100, 0, b"a");
    assert_eq!(n.sent_to(), [c1]);
    // SG 1 reports PC 100 unavailable: answers to it go through SG 2, others still via 1.
    assert_eq!(n.rx(c1, &duna(100)), Got::Handled);
    n.send(c1, 100, 0, b"a");
    assert_eq!(n.sent_to(), [c2]);
    n.send(c1, 101, 0, b"a");
    assert_eq!(n.sent_to(), [c1]);
    // Unavailable everywhere: not sent (and not held).
    n.rx(c2, &duna(100));
    n.send(c1, 100, 0, b"a");
    assert!(n.out.is_empty());
    assert!(n.ep.held.is_empty());
}

#[test]
fn ipsp_single_exchange_from_both_ends() {
    let mut n = Net::serving(TrafficMode::Loadshare);
    let cfg = config(Vec::new());
    // We opened it: we send ASPUP and ASPAC.
    let i = n.connect(&cfg.ipsp_role(true));
    assert_eq!(Side::of(i), Side::Ipsp);
    assert_eq!(kinds(&n.sent()[&i]), [Kind::AspUp]);
    n.rx(i, &msg(Kind::AspUpAck, |b| b));
    assert_eq!(kinds(&n.sent()[&i]), [Kind::AspAc]);
    n.rx(i, &msg(Kind::AspAcAck, |b| b));
    assert_eq!(n.events(), [Event::Active(i)]);
    // The peer may not send ASP requests to the initiator.
    n.rx(i, &aspup(None));
    assert_eq!(
        err_code(&n.sent()[&i]),
        Some(ErrorCode::UnexpectedMessage as u32)
    );
    assert!(matches!(n.rx(i, &data(100, 200, b"q")), Got::Data { .. }));
    // The peer opened it: we only answer.
    let r = n.connect(&cfg.ipsp_role(false));
    assert!(n.out.is_empty());
    n.rx(r, &aspup(None));
    assert_eq!(kinds(&n.sent()[&r]), [Kind::AspUpAck]);
    n.rx(r, &aspac(None, None));
    assert_eq!(kinds(&n.sent()[&r])[0], Kind::AspAcAck);
    assert_eq!(n.events(), [Event::Active(r)]);
    // Answers go back where they came from.
    n.send(r, 100, 0, b"a");
    assert_eq!(n.sent_to(), [r]);
}

#[test]
fn a_message_on_the_wrong_sctp_stream_gets_err_and_nothing_else() {
    let mut n = Net::serving(TrafficMode::Loadshare);
    let a = n.connect(&Role::Server);
    // ASPSM belongs on stream 0 (§1.4.7).
    assert_eq!(n.rx_on(a, Some((1, 2)), &aspup(None)), Got::Handled);
    let s = n.sent();
    assert_eq!(kinds(&s[&a]), [Kind::Err]);
    assert_eq!(
        err_code(&s[&a]),
        Some(ErrorCode::InvalidStreamIdentifier as u32)
    );
    assert_eq!(n.ep.sg.peer(rid(a)).unwrap().state(), AspState::Down);
    n.rx_on(a, Some((0, 2)), &aspup(None));
    n.rx_on(a, Some((1, 2)), &aspac(None, None));
    n.sent();
    // DATA never on stream 0 of a multi-stream association; on a single stream it may.
    n.rx_on(a, Some((0, 2)), &data(100, 200, b"q"));
    assert_eq!(
        err_code(&n.sent()[&a]),
        Some(ErrorCode::InvalidStreamIdentifier as u32)
    );
    assert!(matches!(
        n.rx_on(a, Some((0, 1)), &data(100, 200, b"q")),
        Got::Data { .. }
    ));
}

#[test]
fn what_a_lost_association_did_not_write_is_routed_again() {
    let (mut n, a, b) = Net::pair(TrafficMode::Loadshare);
    n.send(a, 100, 0, b"one");
    n.send(a, 100, 0, b"two");
    let mut unwritten = n.sent().remove(&a).unwrap();
    // A NTFY queued with them is not routed anywhere.
    asp::notify(&mut unwritten, status::AS_ACTIVE, None);
    n.ep.disconnected(a, n.now, &mut n.out);
    n.sent();
    n.ep.reroute(a, &unwritten, n.now, &mut n.out);
    let s = n.sent();
    assert_eq!(s.keys().copied().collect::<Vec<_>>(), [b]);
    assert_eq!(
        datas(&s[&b]),
        [(b"one".to_vec(), None), (b"two".to_vec(), None)]
    );
}

#[test]
fn next_deadline_covers_every_timer() {
    let mut cfg = config(vec![server_as("d", None, TrafficMode::Loadshare, &[])]);
    cfg.audit_interval = Some(Duration::from_secs(30));
    cfg.client.beat_interval = Some(Duration::from_millis(1500));
    let ms = Duration::from_millis;
    // The destination audit.
    let mut n = Net::new(cfg.clone());
    let t0 = n.now;
    assert_eq!(n.ep.next_deadline(), Some(t0 + ms(30_000)));
    // A client ASP's T(ack)...
    let c = n.connect(&cfg.client_role());
    assert_eq!(n.ep.next_deadline(), Some(t0 + T_ACK));
    n.rx(c, &msg(Kind::AspUpAck, |b| b));
    n.rx(c, &msg(Kind::AspAcAck, |b| b));
    n.sent();
    // ...and its BEAT, sent when due.
    assert_eq!(n.ep.next_deadline(), Some(t0 + ms(1500)));
    n.at(t0 + ms(1500));
    assert_eq!(kinds(&n.sent()[&c]), [Kind::Beat]);
    assert_eq!(n.ep.next_deadline(), Some(t0 + ms(3000)));
    n.ep.disconnected(c, n.now, &mut n.out);
    // An IPSP's T(ack).
    let mut cfg = config(Vec::new());
    cfg.ipsp_exchange = crate::config::IpspExchange::Double;
    let mut n = Net::new(cfg.clone());
    let i = n.connect(&cfg.ipsp_role(false));
    assert_eq!(n.ep.next_deadline(), Some(n.now + T_ACK));
    n.ep.disconnected(i, n.now, &mut n.out);
    assert_eq!(n.ep.next_deadline(), None);
    // T(r) of a server AS.
    let mut n = Net::serving(TrafficMode::Loadshare);
    let a = n.peer_active(None, None);
    assert_eq!(n.ep.next_deadline(), None);
    n.ep.disconnected(a, n.now, &mut n.out);
    assert_eq!(n.ep.next_deadline(), Some(n.now + T_R));
}

#[test]
fn transmits_reuse_buffers() {
    let mut t = Transmits::default();
    t.buf(5).extend_from_slice(b"abc");
    t.buf(3);
    t.buf(5).push(b'd');
    assert!(!t.is_empty());
    let got: Vec<_> = t.drain().collect();
    assert_eq!(got, [(5, b"abcd".to_vec())]);
    assert!(t.is_empty());
    let cap = got[0].1.capacity();
    for (_, b) in got {
        t.recycle(b);
    }
    assert!(t.buf(9).is_empty());
    assert_eq!(t.buf(9).capacity(), cap);
}
