//! The M3UA endpoint: every association scpd has, on whichever side of M3UA it plays, and
//! where each SCCP message it sends goes. Sans-IO like the machines it drives: the runtime
//! feeds it associations coming and going, received messages and the time, and gets back
//! bytes per association ([`Transmits`]), [`Event`]s and the next deadline. No sockets,
//! clocks or tasks inside, so failover is a deterministic unit test.
//!
//! Three sides, each an Application Server model ([`Router`]) over its associations:
//! - **Server** (accepted on `listen`): the peers are ASPs of our ASes and we are the SG
//!   side (RFC 4666 §4.3.4). [`Sg`] keeps a `PeerAsp` per association, the AS each belongs
//!   to (§1.4.2.1: an AS per MSC), traffic modes (§4.3.4.3), T(r) and NTFY (§3.8.2), and
//!   routing key registration (§3.6). On the wire we keep what single peers always saw:
//!   ASPUP is answered with ASPUP ACK alone, ASPAC with ASPAC ACK and NTFY AS-ACTIVE
//!   carrying the peer's own routing context, also when the AS was already active.
//! - **Client** (opened towards `connect`): each association runs our [`Asp`] (ASPUP,
//!   ASPAC, T(ack), BEAT); together they form one AS towards the SGs, and DUNA/DAVA/SCON/
//!   DRST/DUPU from each SG (§4.5) say which point codes are reachable through it.
//! - **IPSP** (§4.3.1, §5.5): each association runs an [`Ipsp`] (single or double
//!   exchange); those ready for traffic form one more AS.
//!
//! An [`AssocId`] carries its side in bits 32 and 33, so a message for an association that
//! is gone is still routed within the side (and, server side, the AS) it belonged to.
//!
//! Routing ([`Endpoint::send`], in `route.rs`): an answer goes back on the association its
//! dialogue came in on while that one is active for its AS (client side: and the
//! destination is not reported unavailable through it, §4.5.1); else over another active
//! association of the same AS (server side: the AS of the query's association, never
//! another MSC's, preferring one that has carried traffic from the destination); else of
//! another side. While the AS is AS-PENDING the message is held (§4.3.4.3/§4.3.4.4: T(r)
//! lets a failed ASP come back without losing traffic) and routed again on every state
//! change; otherwise it is dropped and logged with the reason.
//!
//! The runtime's part: [`Endpoint::connected`] when an association is up (it gets its id
//! back), [`Endpoint::receive`] for each whole message read, [`Endpoint::send`] for what
//! SCCP sends; after any of these, write what [`Transmits`] holds and act on
//! [`Endpoint::poll_event`] (announce subsystems on [`Event::Active`], close on
//! [`Event::Close`]); call [`Endpoint::on_timeout`] at [`Endpoint::next_deadline`]. When an
//! association is lost: [`Endpoint::disconnected`], then [`Endpoint::reroute`] with what
//! was queued for it and not written.

use std::collections::{BTreeMap, VecDeque};
use std::net::IpAddr;
use std::time::Instant;

use tracing::warn;

use super::asp::{AsConfig, AspState};
use super::client::{Asp, AspConfig, Event as AspEvent};
use super::codec::{self, ErrorCode, ProtocolData};
use super::ipsp::{Exchange, Ipsp, IpspEvent};
use super::pdu::{self, TrafficMode};
use super::routing::{AsSpec, AssociationId, Router};
use super::sg::{Outbox, Sg};

mod config;
mod route;
mod sides;
#[cfg(test)]
mod tests;

pub use config::EndpointConfig;
use route::Held;
use sides::ipsp_notices;

/// Association id given by the endpoint; its [`Side`] is in bits 32 and 33.
pub type AssocId = u64;

/// The origin of a message that answers nothing (an SCMG broadcast): routed on its
/// destination point code alone.
pub const ANY_ASSOC: AssocId = AssocId::MAX;

const CLIENT_BIT: AssocId = 1 << 32;
const IPSP_BIT: AssocId = 1 << 33;

/// Which side of M3UA an association is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// Accepted on a listener: the peer is an ASP of our AS (we are the SG side).
    Server,
    /// Opened by us towards an SG: we are its ASP.
    Client,
    /// IPSP to IPSP (either end opened it).
    Ipsp,
}

impl Side {
    /// The side of association `a`.
    pub fn of(a: AssocId) -> Side {
        if a & IPSP_BIT != 0 {
            Side::Ipsp
        } else if a & CLIENT_BIT != 0 {
            Side::Client
        } else {
            Side::Server
        }
    }
}

/// The id the AS models know an association by.
fn rid(a: AssocId) -> AssociationId {
    a as AssociationId
}

fn assoc_id(side: Side, a: AssociationId) -> AssocId {
    match side {
        Side::Server => AssocId::from(a),
        Side::Client => AssocId::from(a) | CLIENT_BIT,
        Side::Ipsp => AssocId::from(a) | IPSP_BIT,
    }
}

/// What runs on an association.
#[derive(Debug, Clone)]
pub enum Role {
    /// The peer is an ASP of our ASes.
    Server,
    /// We are an ASP towards an SG.
    Client(AspConfig),
    /// IPSP: the exchange, our requesting half, our answering half.
    Ipsp(Exchange, AspConfig, AsConfig),
}

impl Role {
    pub fn side(&self) -> Side {
        match self {
            Role::Server => Side::Server,
            Role::Client(_) => Side::Client,
            Role::Ipsp(..) => Side::Ipsp,
        }
    }
}

/// M3UA messages by class and type (RFC 4666 §3.1.2; every one defined is under 16), for
/// metrics: an addition per message, no lookup.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MessageCounts([[u64; 16]; 16]);

impl MessageCounts {
    /// One message (its common header: version, reserved, class, type, length).
    pub fn count(&mut self, msg: &[u8]) {
        if let [_, _, class, kind, ..] = *msg {
            if let Some(n) = self
                .0
                .get_mut(usize::from(class))
                .and_then(|c| c.get_mut(usize::from(kind)))
            {
                *n += 1;
            }
        }
    }

    /// Every message of `buf`, whole messages back to back.
    pub fn count_all(&mut self, mut buf: &[u8]) {
        while let [_, _, _, _, a, b, c, d, ..] = *buf {
            self.count(buf);
            let len = u32::from_be_bytes([a, b, c, d]) as usize;
            match buf.get(len.max(8)..) {
                Some(rest) => buf = rest,
                None => break,
            }
        }
    }

    /// The counts of the defined message kinds, and of anything else.
    pub fn kinds(&self) -> impl Iterator<Item = (&'static str, u64)> + '_ {
        self.0.iter().enumerate().flat_map(|(class, types)| {
            types
                .iter()
                .enumerate()
                .filter(|(_, n)| **n > 0)
                .map(move |(kind, n)| {
                    let name = codec::Kind::from_pair(class as u8, kind as u8)
                        .map_or("other", |k| k.name());
                    (name, *n)
                })
        })
    }
}

/// Bytes to write, per association (whole M3UA messages back to back): filled by the
/// endpoint, drained by the runtime.
#[derive(Debug, Default)]
pub struct Transmits {
    /// The messages drained so far.
    pub sent: MessageCounts,
    bufs: Vec<(AssocId, Vec<u8>)>,
    spare: Vec<Vec<u8>>,
}

impl Transmits {
    /// The buffer of association `a` (appended to).
    pub fn buf(&mut self, a: AssocId) -> &mut Vec<u8> {
        let i = match self.bufs.iter().position(|(x, _)| *x == a) {
            Some(i) => i,
            None => {
                let b = self.spare.pop().unwrap_or_default();
                self.bufs.push((a, b));
                self.bufs.len() - 1
            }
        };
        &mut self.bufs[i].1
    }

    pub fn is_empty(&self) -> bool {
        self.bufs.iter().all(|(_, b)| b.is_empty())
    }

    /// Every association with bytes to write, in the order they were first written to.
    pub fn drain(&mut self) -> impl Iterator<Item = (AssocId, Vec<u8>)> + '_ {
        let sent = &mut self.sent;
        self.bufs
            .drain(..)
            .filter(|(_, b)| !b.is_empty())
            .inspect(move |(_, b)| sent.count_all(b))
    }

    /// Hand back a drained buffer once written, for [`Transmits::buf`] to reuse.
    pub fn recycle(&mut self, mut b: Vec<u8>) {
        if self.spare.len() < 64 {
            b.clear();
            self.spare.push(b);
        }
    }
}

/// The MTP3 routing label of an SCCP message to send as DATA, and the association its
/// dialogue came in on ([`ANY_ASSOC`] for none).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Label {
    pub origin: AssocId,
    pub opc: u32,
    pub dpc: u32,
    pub ni: u8,
    pub sls: u8,
}

/// What one received message meant for the runtime.
#[derive(Debug, PartialEq)]
pub enum Received<'a> {
    /// User data for SCCP.
    Data(ProtocolData<'a>),
    /// Managed here (answers, if any, are in the [`Transmits`]).
    Handled,
    /// The association must be closed (after writing what is in the [`Transmits`]).
    Close(&'static str),
}

/// What the runtime is told besides received DATA.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// The association may now carry DATA (ASP-ACTIVE, IPSP ready): the runtime announces
    /// the SCCP subsystems (SSA) on it.
    Active(AssocId),
    /// It may no longer (also when it was lost while active).
    Inactive(AssocId),
    /// A client/IPSP machine gave up (T(ack) retries, BEAT unanswered): close it.
    Close(AssocId, &'static str),
}

/// The machine an association runs.
enum Machine {
    /// Its state is the [`Sg`]'s.
    Server,
    Client(Box<Asp>),
    Ipsp(Box<Ipsp>),
}

struct Assoc {
    machine: Machine,
    peer: Option<IpAddr>,
    /// Whether [`Event::Active`] was the last said of it.
    active: bool,
    /// Server side: the point codes it has carried DATA from (see `route.rs`).
    origins: Vec<u32>,
}

impl Assoc {
    /// Client side: the routing context our ASP stamps on DATA (configured, or assigned by
    /// its SG at registration).
    fn client_rc(&self) -> Option<u32> {
        match &self.machine {
            Machine::Client(asp) => asp.routing_context(),
            _ => None,
        }
    }
}

/// What a client or IPSP machine's state was before an input, to tell its AS model of a
/// change after it.
#[derive(Clone, Copy)]
enum Prior {
    None,
    Client(AspState),
    Ipsp(bool),
}

impl Machine {
    fn prior(&self) -> Prior {
        match self {
            Machine::Server => Prior::None,
            Machine::Client(a) => Prior::Client(a.state()),
            Machine::Ipsp(i) => Prior::Ipsp(i.traffic_ready()),
        }
    }

    fn deadline(&self) -> Option<Instant> {
        match self {
            Machine::Server => None,
            Machine::Client(a) => a.poll_timeout(),
            Machine::Ipsp(i) => i.poll_timeout(),
        }
    }
}

/// Every M3UA association and AS of scpd (see the module docs).
pub struct Endpoint {
    sg: Sg,
    client: Router,
    ipsp: Router,
    ipsp_rc: Option<u32>,
    assocs: BTreeMap<AssocId, Assoc>,
    next: u32,
    held: VecDeque<Held>,
    events: VecDeque<Event>,
    received: MessageCounts,
}

impl Endpoint {
    pub fn new(cfg: EndpointConfig, now: Instant) -> Endpoint {
        let t_r = cfg.server.t_r;
        let mut client = Router::new();
        client.audit_interval = cfg.audit_interval;
        client.add(AsSpec {
            routing_context: cfg.client.routing_contexts.first().copied(),
            // How we spread DATA over the SGs. Override: one SG at a time (the model's
            // "first active", which its broadcast pick is, without demoting the others: the
            // SGs, not we, decide which of their ASPs is active). Broadcast is what we ask
            // the SGs for; towards them we still send each message once, spread by SLS.
            traffic_mode: match cfg.client.traffic_mode {
                TrafficMode::Override => TrafficMode::Broadcast,
                _ => TrafficMode::Loadshare,
            },
            dpcs: Vec::new(),
            t_r,
        });
        client.on_timeout(now, &mut Vec::new()); // arms the audit timer
        let ipsp_rc = cfg.ipsp.routing_contexts.first().copied();
        let mut ipsp = Router::new();
        ipsp.add(AsSpec {
            routing_context: ipsp_rc,
            traffic_mode: cfg.ipsp.traffic_mode,
            dpcs: Vec::new(),
            t_r,
        });
        Endpoint {
            sg: Sg::with_config(cfg.server),
            client,
            ipsp,
            ipsp_rc,
            assocs: BTreeMap::new(),
            next: 0,
            held: VecDeque::new(),
            events: VecDeque::new(),
            received: MessageCounts::default(),
        }
    }

    /// A new association running `role`; client and IPSP machines queue their first
    /// requests (ASPUP) into `out`.
    pub fn connected(
        &mut self,
        role: &Role,
        peer: Option<IpAddr>,
        now: Instant,
        out: &mut Transmits,
    ) -> AssocId {
        let side = role.side();
        let id = loop {
            self.next = self.next.wrapping_add(1);
            let id = assoc_id(side, self.next);
            if self.next != 0 && !self.assocs.contains_key(&id) {
                break id;
            }
        };
        let machine = match role {
            Role::Server => {
                self.sg.connected_from(rid(id), peer);
                Machine::Server
            }
            Role::Client(c) => {
                let mut asp = Asp::new(c.clone());
                asp.connected(now, out.buf(id));
                Machine::Client(Box::new(asp))
            }
            Role::Ipsp(x, a, s) => {
                let mut ipsp = Ipsp::new(*x, a.clone(), s.clone());
                ipsp.connected(now, out.buf(id));
                Machine::Ipsp(Box::new(ipsp))
            }
        };
        self.assocs.insert(
            id,
            Assoc {
                machine,
                peer,
                active: false,
                origins: Vec::new(),
            },
        );
        id
    }

    /// One M3UA message received on `a`, on SCTP stream `stream` = (stream id, inbound
    /// streams of the association), `None` on TCP. Answers, and NTFYs to other ASPs, go to
    /// `out`.
    pub fn receive<'a>(
        &mut self,
        a: AssocId,
        stream: Option<(u16, u16)>,
        msg: &'a [u8],
        now: Instant,
        out: &mut Transmits,
    ) -> Received<'a> {
        self.received.count(msg);
        if let Some((sid, ins)) = stream {
            if codec::check_stream(msg, sid, ins).is_err() {
                // §3.8.1: a message on a stream it may not use is answered with ERR Invalid
                // Stream Identifier and otherwise ignored.
                warn!(assoc = a, peer = ?self.peer(a), ?stream, "M3UA message on the wrong SCTP stream refused with ERR");
                let err = ErrorCode::InvalidStreamIdentifier;
                pdu::encode_err(out.buf(a), err, None, Some(msg));
                return Received::Handled;
            }
        }
        let Some(x) = self.assocs.get(&a) else {
            warn!(
                assoc = a,
                "M3UA message on an association not connected: ignored"
            );
            return Received::Handled;
        };
        let r = match x.machine {
            Machine::Server => self.server_receive(a, msg, now, out),
            Machine::Client(_) | Machine::Ipsp(_) => {
                let ev = self.drive(a, now, out, |m, buf| match m {
                    Machine::Server => None,
                    Machine::Client(asp) => Some(IpspEvent::Local(asp.handle(now, msg, buf))),
                    Machine::Ipsp(ipsp) => Some(ipsp.handle(now, msg, buf)),
                });
                self.asp_received(a, ev.flatten())
            }
        };
        if !matches!(r, Received::Data(_)) {
            self.sync_active();
        }
        r
    }

    /// The association is gone: its ASP is down, the AS and the other ASPs are told, held
    /// messages are routed again. Queue what was not written to it with
    /// [`Endpoint::reroute`].
    pub fn disconnected(&mut self, a: AssocId, now: Instant, out: &mut Transmits) {
        let Some(x) = self.assocs.get_mut(&a) else {
            return;
        };
        let was_active = x.active;
        self.drive(a, now, out, |m, _| match m {
            Machine::Server => {}
            Machine::Client(asp) => {
                asp.association_lost();
            }
            Machine::Ipsp(ipsp) => ipsp.association_lost(),
        });
        self.assocs.remove(&a);
        match Side::of(a) {
            Side::Server => {
                let mut ob = Outbox::new();
                self.sg.association_lost(rid(a), now, &mut ob);
                self.deliver(Side::Server, ob, out);
            }
            Side::Client => {
                let mut n = Vec::new();
                self.client.association_lost(rid(a), now, &mut n);
                self.client_notices(n, out);
            }
            Side::Ipsp => {
                let mut n = Vec::new();
                self.ipsp.association_lost(rid(a), now, &mut n);
                ipsp_notices(n);
            }
        }
        if was_active {
            self.events.push_back(Event::Inactive(a));
        }
        self.flush_held(now, out);
        self.sync_active();
    }

    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    /// The earliest timer: T(r) of every AS, the destination audit, and each client and
    /// IPSP machine's T(ack) and BEAT.
    pub fn next_deadline(&self) -> Option<Instant> {
        let machines = self.assocs.values().filter_map(|x| x.machine.deadline());
        [
            self.sg.poll_timeout(),
            self.client.poll_timeout(),
            self.ipsp.poll_timeout(),
        ]
        .into_iter()
        .flatten()
        .chain(machines)
        .min()
    }

    /// Run what is due at `now`.
    pub fn on_timeout(&mut self, now: Instant, out: &mut Transmits) {
        let mut ob = Outbox::new();
        self.sg.on_timeout(now, &mut ob);
        self.deliver(Side::Server, ob, out);
        let mut n = Vec::new();
        self.client.on_timeout(now, &mut n);
        self.client_notices(n, out);
        let mut n = Vec::new();
        self.ipsp.on_timeout(now, &mut n);
        ipsp_notices(n);
        let due: Vec<AssocId> = self
            .assocs
            .iter()
            .filter(|(_, x)| x.machine.deadline().is_some_and(|d| d <= now))
            .map(|(a, _)| *a)
            .collect();
        for a in due {
            let ev = self.drive(a, now, out, |m, buf| match m {
                Machine::Server => AspEvent::Managed,
                Machine::Client(asp) => asp.on_timeout(now, buf),
                Machine::Ipsp(ipsp) => ipsp.on_timeout(now, buf),
            });
            if let Some(AspEvent::Failed(why)) = ev {
                self.events.push_back(Event::Close(a, why));
            }
        }
        self.flush_held(now, out);
        self.sync_active();
    }

    /// Whether the ASP on `a` (ours or the peer's) is ACTIVE (IPSP: ready for traffic).
    /// The messages received so far.
    pub fn received(&self) -> &MessageCounts {
        &self.received
    }

    /// Every association: its side (`server`: a peer connected to us as ASP; `client`: we
    /// are an ASP of an SG; `ipsp`) and whether it carries traffic (ASP-ACTIVE).
    pub fn associations(&self) -> impl Iterator<Item = (&'static str, bool)> + '_ {
        self.assocs.values().map(|x| {
            let side = match x.machine {
                Machine::Server => "server",
                Machine::Client(_) => "client",
                Machine::Ipsp(_) => "ipsp",
            };
            (side, x.active)
        })
    }

    pub fn is_active(&self, a: AssocId) -> bool {
        match Side::of(a) {
            Side::Server => self
                .sg
                .peer(rid(a))
                .is_some_and(|p| p.state() == AspState::Active),
            Side::Client => self.client.application_server(0).asp_state(rid(a)) == AspState::Active,
            Side::Ipsp => self.ipsp.application_server(0).asp_state(rid(a)) == AspState::Active,
        }
    }

    fn peer(&self, a: AssocId) -> Option<IpAddr> {
        self.assocs.get(&a).and_then(|x| x.peer)
    }

    /// Report associations whose [`Endpoint::is_active`] changed since last said.
    fn sync_active(&mut self) {
        let changed: Vec<(AssocId, bool)> = self
            .assocs
            .iter()
            .map(|(a, x)| (*a, x.active, self.is_active(*a)))
            .filter(|(_, was, is)| was != is)
            .map(|(a, _, is)| (a, is))
            .collect();
        for (a, is) in changed {
            if let Some(x) = self.assocs.get_mut(&a) {
                x.active = is;
            }
            self.events.push_back(if is {
                Event::Active(a)
            } else {
                Event::Inactive(a)
            });
        }
    }

    /// Hand encoded messages from an AS model to their (live) associations.
    fn deliver(&self, side: Side, ob: Outbox, out: &mut Transmits) {
        for (a, msg) in ob {
            let a = assoc_id(side, a);
            if self.assocs.contains_key(&a) {
                out.buf(a).extend_from_slice(&msg);
            }
        }
    }
}
