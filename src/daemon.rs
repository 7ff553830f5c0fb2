//! The daemon: thin async glue around the sans-IO cores. One task per association reads
//! M3UA messages and writes what is queued for it; everything those tasks share lives in
//! [`Shared`]: the signalling [`Node`], the store writer, and [`Net`], the M3UA routing state.
//!
//! Data path. Associations accepted on `listen` are ASPs of the server-side application
//! servers, kept by the sans-IO [`Sg`] (a `PeerAsp` per association, the AS each belongs to,
//! the AS models: traffic mode, T(r), NTFY; routing key registration). Associations opened
//! towards `connect` URLs are our ASPs of one AS towards the SGs, kept by a [`Router`] fed
//! with the client ASPs' state changes and the SGs' DUNA/DAVA/SCON/DRST/DUPU. IPSP
//! associations (`ipsp_connect`/`ipsp_listen`, RFC 4666 §4.3.1) each run an [`Ipsp`] and
//! together form one more AS. Every message the node produces (answers, timer aborts,
//! shutdown ends) is routed by [`Net::send`]: back on the association it came from while
//! that one is active for its AS (and, client side, the destination is not reported
//! unavailable through it), else over another active association of the same AS (server
//! side: the AS the query's association belongs to, never another MSC's), else of another
//! side; held while the AS is pending (T(r)); otherwise not sent, and logged with the
//! reason. DATA queued for an association that goes away is routed again.

use crate::api::{self, Api};
use crate::config::{self, Config, Endpoint};
use crate::m3ua::asp::{messages, AsConfig, AspState, Handled};
use crate::m3ua::client::{Asp, AspConfig, Event as ClientEvent, RegisterKey};
use crate::m3ua::codec::tag;
use crate::m3ua::ipsp::{Exchange, Ipsp, IpspEvent};
use crate::m3ua::pdu::{status, MaskedPc, Pdu, TrafficMode};
use crate::m3ua::routing::{AsNotice, AsSpec, AsState, AssociationId, Router, Unroutable};
use crate::m3ua::sg::{Outbox, Rkm, ServerAs, Sg, SgConfig};
use crate::m3ua::ProtocolData;
use crate::m3ua::{Builder, ErrorCode, Kind, Message};
use crate::node::{AssocId, Effects, Node, NodeConfig, Outgoing, StackConfig};
use crate::service::SubscriberTable;
use crate::store;
use crate::transport::tcp::FrameError;
use crate::transport::{Backoff, Link, Listener};
use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tokio::net::TcpListener;
use tokio::sync::{mpsc, watch, Notify};
use tracing::{debug, error, info, warn};

pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// Which side of M3UA an association is on. It is part of the association's id, so a
/// message for an association that is gone is still routed within the AS it belonged to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    /// Accepted on a listener: the peer is an ASP of our AS (we are the SG side).
    Server,
    /// Opened by us towards an SG: we are its ASP.
    Client,
    /// IPSP to IPSP (either end opened it).
    Ipsp,
}

const CLIENT_BIT: AssocId = 1 << 32;
const IPSP_BIT: AssocId = 1 << 33;

fn side_of(id: AssocId) -> Side {
    if id & IPSP_BIT != 0 {
        Side::Ipsp
    } else if id & CLIENT_BIT != 0 {
        Side::Client
    } else {
        Side::Server
    }
}

/// The id the AS models know an association by.
fn rid(id: AssocId) -> AssociationId {
    id as AssociationId
}

fn assoc_id(side: Side, a: AssociationId) -> AssocId {
    match side {
        Side::Server => AssocId::from(a),
        Side::Client => AssocId::from(a) | CLIENT_BIT,
        Side::Ipsp => AssocId::from(a) | IPSP_BIT,
    }
}

/// What an association task is handed to write.
enum Queued {
    /// DATA routed to this association, and the routing context to stamp on it.
    Data(Outgoing, Option<u32>),
    /// Encoded M3UA messages (NTFY, DAUD).
    Raw(Vec<u8>),
}

/// Answers held while their AS is pending, at most this many.
const MAX_HELD: usize = 10_000;

/// The M3UA routing state shared by the association tasks (see the module docs).
struct Net {
    sg: Sg,
    client: Router,
    /// The routing context each client association stamps on DATA (configured, or
    /// assigned by its SG at registration).
    client_rcs: HashMap<AssocId, Option<u32>>,
    ipsp: Router,
    ipsp_rc: Option<u32>,
    links: HashMap<AssocId, mpsc::UnboundedSender<Queued>>,
    /// Server side: the point codes each live association has carried DATA from. An answer
    /// that cannot go back on its own association prefers an active ASP of the same AS that
    /// has carried traffic from its DPC (another link of the same MSC) before any other.
    origins: HashMap<AssocId, Vec<u32>>,
    held: VecDeque<Outgoing>,
}

/// The server-side ASes of the configuration (one open AS when none are listed).
fn server_ases(m: &config::M3ua) -> Vec<ServerAs> {
    if m.application_servers.is_empty() {
        return vec![ServerAs {
            name: "default".into(),
            routing_contexts: m.routing_contexts.clone(),
            traffic_mode: m.traffic_mode.into(),
            ..ServerAs::default()
        }];
    }
    m.application_servers
        .iter()
        .map(|a| ServerAs {
            name: a.name.clone(),
            routing_contexts: a.routing_contexts.clone(),
            traffic_mode: a.traffic_mode.into(),
            point_codes: a
                .point_codes
                .iter()
                .map(|pc| MaskedPc::exact(*pc))
                .collect(),
            asp_ids: a.asp_ids.clone(),
            peers: a.peers.clone(),
        })
        .collect()
}

impl Net {
    fn new(cfg: &Config, now: Instant) -> Net {
        let m = &cfg.m3ua;
        let rkm = |dynamic| Rkm {
            dynamic,
            first_rc: m.registration_first_rc,
            max_as: m.registration_max,
            pc_max: match cfg.variant() {
                config::Variant::Itu => 0x3fff,
                _ => 0xff_ffff,
            },
        };
        let sg = Sg::with_config(SgConfig {
            local_pc: cfg.node.point_code,
            t_r: m.t_r(),
            ases: server_ases(m),
            rkm: match m.registration {
                config::RegistrationMode::Off => None,
                config::RegistrationMode::Static => Some(rkm(false)),
                config::RegistrationMode::Dynamic => Some(rkm(true)),
            },
        });
        let client_rc = m.client_routing_contexts().first().copied();
        let mut client = Router::new();
        client.audit_interval =
            (m.audit_interval_ms > 0).then(|| Duration::from_millis(m.audit_interval_ms));
        client.add(AsSpec {
            routing_context: client_rc,
            // How we spread DATA over the SGs. Override: one SG at a time (the model's
            // "first active", which its broadcast pick is, without demoting the others: the
            // SGs, not we, decide which of their ASPs is active). Broadcast is what we ask
            // the SGs for; towards them we still send each message once, spread by SLS.
            traffic_mode: match TrafficMode::from(m.connect_traffic_mode) {
                TrafficMode::Override => TrafficMode::Broadcast,
                _ => TrafficMode::Loadshare,
            },
            dpcs: Vec::new(),
            t_r: m.t_r(),
        });
        let mut n = Vec::new();
        client.on_timeout(now, &mut n); // arms the audit timer
        let ipsp_rc = m.ipsp_routing_contexts.first().copied();
        let mut ipsp = Router::new();
        ipsp.add(AsSpec {
            routing_context: ipsp_rc,
            traffic_mode: m.ipsp_traffic_mode.into(),
            dpcs: Vec::new(),
            t_r: m.t_r(),
        });
        Net {
            sg,
            client,
            client_rcs: HashMap::new(),
            ipsp,
            ipsp_rc,
            links: HashMap::new(),
            origins: HashMap::new(),
            held: VecDeque::new(),
        }
    }

    fn attach(
        &mut self,
        id: AssocId,
        tx: mpsc::UnboundedSender<Queued>,
        addr: Option<std::net::IpAddr>,
    ) {
        self.links.insert(id, tx);
        if side_of(id) == Side::Server {
            self.sg.connected_from(rid(id), addr);
        }
    }

    /// The association is gone: its ASP is down, the AS and the other ASPs are told, and
    /// what was queued for it is routed again.
    fn detach(&mut self, id: AssocId, rx: &mut mpsc::UnboundedReceiver<Queued>, now: Instant) {
        self.links.remove(&id);
        self.origins.remove(&id);
        match side_of(id) {
            Side::Server => {
                let mut ob = Outbox::new();
                self.sg.association_lost(rid(id), now, &mut ob);
                self.deliver(Side::Server, ob);
            }
            Side::Client => {
                self.client_rcs.remove(&id);
                let mut n = Vec::new();
                self.client.association_lost(rid(id), now, &mut n);
                self.client_notices(n);
            }
            Side::Ipsp => {
                let mut n = Vec::new();
                self.ipsp.association_lost(rid(id), now, &mut n);
                self.ipsp_notices(n);
            }
        }
        let mut rerouted = 0;
        while let Ok(q) = rx.try_recv() {
            if let Queued::Data(o, _) = q {
                rerouted += 1;
                self.send(o, None);
            }
        }
        if rerouted > 0 {
            info!(
                assoc = id,
                messages = rerouted,
                "routed again what was queued for the lost association"
            );
        }
        self.flush_held();
    }

    /// Hand encoded messages from an AS model to their associations.
    fn deliver(&self, side: Side, ob: Outbox) {
        for (a, msg) in ob {
            if let Some(tx) = self.links.get(&assoc_id(side, a)) {
                let _ = tx.send(Queued::Raw(msg));
            }
        }
    }

    /// One message from a peer ASP on a server-side association. Answers for that
    /// association go to `out`, NTFYs for the other ASPs of the AS to their queues.
    ///
    /// On the wire this keeps what single peers have always seen: ASPUP is answered with
    /// ASPUP ACK alone (the AS model's AS-INACTIVE NTFY on the first ASPUP is left out), and
    /// ASPAC with ASPAC ACK and NTFY AS-ACTIVE, also when the AS was already active (the
    /// model only notifies on AS state changes; a newcomer to a loadshare AS is told too).
    fn server_handle<'a>(
        &mut self,
        id: AssocId,
        now: Instant,
        bytes: &'a [u8],
        out: &mut Vec<u8>,
    ) -> Handled<'a> {
        let a = rid(id);
        let state = |sg: &Sg| sg.peer(a).map_or(AspState::Down, |p| p.state());
        let before = state(&self.sg);
        let mut ob = Outbox::new();
        let h = self.sg.handle(a, now, bytes, &mut ob);
        if let Handled::Deliver { data, .. } = &h {
            let seen = self.origins.entry(id).or_default();
            if !seen.contains(&data.opc) && seen.len() < 64 {
                seen.push(data.opc);
            }
        }
        let after = state(&self.sg);
        let came_up = before == AspState::Down && after == AspState::Inactive;
        let mut told_as_state = false;
        let mut others = Outbox::new();
        let own_rc = self.sg.peer(a).and_then(|p| p.routing_context());
        for (to, msg) in ob {
            if to != a {
                others.push((to, msg));
                continue;
            }
            for m in messages(&msg) {
                match as_state_ntfy(m) {
                    Some(_) if came_up => {}
                    Some(info) => {
                        // With the routing context this peer activated with (none if none).
                        told_as_state = true;
                        encode_ntfy(out, info, own_rc);
                    }
                    None => out.extend_from_slice(m),
                }
            }
        }
        self.deliver(Side::Server, others);
        if after == AspState::Active && before != AspState::Active {
            let p = self.sg.peer(a);
            let rc = p.and_then(|p| p.routing_context());
            if !told_as_state {
                encode_ntfy(out, status::AS_ACTIVE, rc);
            }
            let asked = p.and_then(|p| p.traffic_mode());
            let asi = self.sg.as_of(a);
            let mode = asi.and_then(|i| self.sg.traffic_mode(i));
            if asked.is_some_and(|t| TrafficMode::from_u32(t) != mode) {
                info!(
                    assoc = id,
                    asked,
                    ?mode,
                    "peer asked for another traffic mode; the AS keeps its configured one"
                );
            }
            let as_name = asi.and_then(|i| self.sg.as_name(i)).unwrap_or("?");
            info!(assoc = id, ?rc, application_server = as_name, "ASP active");
        } else if before != after {
            info!(assoc = id, from = ?before, to = ?after, "ASP state");
        }
        if before != after {
            self.flush_held();
        }
        h
    }

    /// Our ASP on a client-side association changed state.
    fn client_transition(
        &mut self,
        id: AssocId,
        (from, to): (AspState, AspState),
        asp_id: Option<u32>,
        rc: Option<u32>,
        now: Instant,
    ) {
        let a = rid(id);
        self.client_rcs.insert(id, rc);
        let s = self.client.application_server_mut(0);
        let mut n = Vec::new();
        match to {
            AspState::Inactive if from == AspState::Down => s.asp_up(a, asp_id, now, &mut n),
            AspState::Inactive => s.asp_inactive(a, now, &mut n),
            AspState::Active => s.asp_active(a, now, &mut n),
            AspState::Down => s.asp_down(a, now, &mut n),
        }
        self.client_notices(n);
        self.flush_held();
    }

    /// Notices of the client-side AS model: NTFYs are the SG's business, not ours to send;
    /// DAUDs from the audit timer go out.
    fn client_notices(&self, n: Vec<AsNotice>) {
        for x in n {
            match x {
                AsNotice::Send { to, msg } => {
                    let daud = Message::parse(&msg).ok().and_then(|m| m.kind()) == Some(Kind::Daud);
                    if daud {
                        if let Some(tx) = self.links.get(&assoc_id(Side::Client, to)) {
                            let _ = tx.send(Queued::Raw(msg));
                        }
                    }
                }
                AsNotice::AsState { from, to } => info!(?from, ?to, "AS towards the SGs"),
                AsNotice::Overridden(_) => {}
            }
        }
    }

    /// Whether an IPSP association may carry DATA changed (RFC 4666 §4.3.1: its ASP, or
    /// in double exchange both, active).
    fn ipsp_transition(&mut self, id: AssocId, ready: bool, now: Instant) {
        let a = rid(id);
        let s = self.ipsp.application_server_mut(0);
        let mut n = Vec::new();
        if ready {
            s.asp_up(a, None, now, &mut n);
            s.asp_active(a, now, &mut n);
        } else {
            s.asp_inactive(a, now, &mut n);
        }
        self.ipsp_notices(n);
        self.flush_held();
    }

    /// Notices of the IPSP AS model: each IPSP association's own machine talks to its peer,
    /// so only the AS state is logged.
    fn ipsp_notices(&self, n: Vec<AsNotice>) {
        for x in n {
            if let AsNotice::AsState { from, to } = x {
                info!(?from, ?to, "AS of the IPSP associations");
            }
        }
    }

    /// SSNM from an SG (DUNA, DAVA, SCON, DRST, DUPU) about destinations behind it.
    fn client_ssnm(&mut self, id: AssocId, pdu: &Pdu<'_>) {
        self.client.ssnm(rid(id), pdu);
    }

    fn poll_timeout(&self) -> Option<Instant> {
        [
            self.sg.poll_timeout(),
            self.client.poll_timeout(),
            self.ipsp.poll_timeout(),
        ]
        .into_iter()
        .flatten()
        .min()
    }

    fn on_timeout(&mut self, now: Instant) {
        let mut ob = Outbox::new();
        self.sg.on_timeout(now, &mut ob);
        self.deliver(Side::Server, ob);
        let mut n = Vec::new();
        self.client.on_timeout(now, &mut n);
        self.client_notices(n);
        let mut n = Vec::new();
        self.ipsp.on_timeout(now, &mut n);
        self.ipsp_notices(n);
        self.flush_held();
    }

    /// Whether the ASP on association `id` (ours or the peer's) is ACTIVE.
    fn asp_active(&self, id: AssocId) -> bool {
        match side_of(id) {
            Side::Server => self
                .sg
                .peer(rid(id))
                .is_some_and(|p| p.state() == AspState::Active),
            Side::Client => {
                self.client.application_server(0).asp_state(rid(id)) == AspState::Active
            }
            Side::Ipsp => self.ipsp.application_server(0).asp_state(rid(id)) == AspState::Active,
        }
    }

    /// Whether `id` is live and active for its AS, and may carry DATA to `dpc`: then the
    /// routing context to stamp.
    fn usable(&self, id: AssocId, dpc: u32) -> Option<Option<u32>> {
        if !self.links.contains_key(&id) {
            return None;
        }
        let a = rid(id);
        match side_of(id) {
            Side::Server => {
                let p = self.sg.peer(a)?;
                let mode = self.sg.as_of(a).and_then(|i| self.sg.traffic_mode(i));
                (p.state() == AspState::Active && mode != Some(TrafficMode::Broadcast))
                    .then(|| p.routing_context())
            }
            Side::Client => {
                let active = self.client.application_server(0).asp_state(a) == AspState::Active;
                let reachable = self
                    .client
                    .destinations(a)
                    .is_none_or(|d| d.status(dpc) != crate::m3ua::routing::DestState::Unavailable);
                (active && reachable).then(|| self.client_rc(id))
            }
            Side::Ipsp => {
                let s = self.ipsp.application_server(0);
                let mode = s.spec().traffic_mode;
                (s.asp_state(a) == AspState::Active && mode != TrafficMode::Broadcast)
                    .then_some(self.ipsp_rc)
            }
        }
    }

    fn client_rc(&self, id: AssocId) -> Option<u32> {
        self.client_rcs.get(&id).copied().flatten()
    }

    fn route_side(
        &self,
        side: Side,
        o: &Outgoing,
    ) -> Result<Vec<(AssocId, Option<u32>)>, Unroutable> {
        match side {
            Side::Server => {
                // The AS the dialogue came in on; for anything else the AS serving the DPC.
                let from = (side_of(o.assoc) == Side::Server)
                    .then(|| self.sg.as_of(rid(o.assoc)))
                    .flatten();
                let i = from
                    .or_else(|| self.sg.serving(o.dpc))
                    .ok_or(Unroutable::NoRoute)?;
                let mode = self.sg.traffic_mode(i);
                if mode == Some(TrafficMode::Broadcast) {
                    return Ok(self
                        .sg
                        .route_all_in(i, o.dpc)?
                        .into_iter()
                        .map(|(a, rc)| (assoc_id(Side::Server, a), rc))
                        .collect());
                }
                let known: Vec<AssociationId> = match self.sg.as_state(i) {
                    Some(AsState::Active) => self
                        .sg
                        .active_in(i)
                        .into_iter()
                        .filter(|a| {
                            self.origins
                                .get(&assoc_id(Side::Server, *a))
                                .is_some_and(|pcs| pcs.contains(&o.dpc))
                        })
                        .collect(),
                    _ => Vec::new(),
                };
                if !known.is_empty() {
                    let a = match mode {
                        Some(TrafficMode::Loadshare) => known[usize::from(o.sls) % known.len()],
                        _ => known[0],
                    };
                    let rc = self.sg.peer(a).and_then(|p| p.routing_context());
                    return Ok(vec![(assoc_id(Side::Server, a), rc)]);
                }
                let (a, rc) = self.sg.route_in(i, o.dpc, o.sls)?;
                Ok(vec![(assoc_id(Side::Server, a), rc)])
            }
            Side::Client => {
                let a = assoc_id(Side::Client, self.client.route(o.dpc, o.sls)?);
                Ok(vec![(a, self.client_rc(a))])
            }
            Side::Ipsp => {
                let s = self.ipsp.application_server(0);
                if s.spec().traffic_mode == TrafficMode::Broadcast {
                    return Ok(self
                        .ipsp
                        .route_all(o.dpc)?
                        .into_iter()
                        .map(|a| (assoc_id(Side::Ipsp, a), self.ipsp_rc))
                        .collect());
                }
                let a = self.ipsp.route(o.dpc, o.sls)?;
                Ok(vec![(assoc_id(Side::Ipsp, a), self.ipsp_rc)])
            }
        }
    }

    /// Where `o` goes (see the module docs).
    fn route(&self, o: &Outgoing) -> Result<Vec<(AssocId, Option<u32>)>, Unroutable> {
        if let Some(rc) = self.usable(o.assoc, o.dpc) {
            return Ok(vec![(o.assoc, rc)]);
        }
        let first = side_of(o.assoc);
        let err = match self.route_side(first, o) {
            Ok(t) => return Ok(t),
            Err(e) => e,
        };
        for side in [Side::Server, Side::Client, Side::Ipsp] {
            if side != first && self.links.keys().any(|k| side_of(*k) == side) {
                if let Ok(t) = self.route_side(side, o) {
                    return Ok(t);
                }
            }
        }
        Err(err)
    }

    /// Route one message; what goes to association `own.0` is encoded into `own.1`.
    fn send(&mut self, o: Outgoing, own: Option<(AssocId, &mut Vec<u8>)>) {
        match self.route(&o) {
            Ok(targets) => {
                if targets.first().is_some_and(|(t, _)| *t != o.assoc) {
                    debug!(
                        from = o.assoc,
                        to = targets[0].0,
                        dpc = o.dpc,
                        "routed over another association"
                    );
                }
                let mut own = own;
                for (t, rc) in targets {
                    match &mut own {
                        Some((id, out)) if *id == t => encode_data(out, &o, rc),
                        _ => {
                            if let Some(tx) = self.links.get(&t) {
                                let _ = tx.send(Queued::Data(o.clone(), rc));
                            }
                        }
                    }
                }
            }
            Err(Unroutable::AsPending) if self.held.len() < MAX_HELD => {
                debug!(assoc = o.assoc, dpc = o.dpc, "AS pending: message held");
                self.held.push_back(o);
            }
            Err(e) => {
                warn!(assoc = o.assoc, dpc = o.dpc, sls = o.sls, reason = %e, "message not sent")
            }
        }
    }

    /// Route the held messages again (after an ASP or AS state change).
    fn flush_held(&mut self) {
        if self.held.is_empty() {
            return;
        }
        let held = std::mem::take(&mut self.held);
        for o in held {
            self.send(o, None);
        }
    }
}

/// NTFY (AS state change) carrying `info` (§3.8.2).
fn encode_ntfy(out: &mut Vec<u8>, info: u16, rc: Option<u32>) {
    let st = (u32::from(status::TYPE_AS_STATE_CHANGE) << 16) | u32::from(info);
    let mut b = Builder::new(out, Kind::Ntfy).param_u32(tag::STATUS, st);
    if let Some(rc) = rc {
        b = b.param_u32(tag::ROUTING_CONTEXT, rc);
    }
    b.finish();
}

/// The status information of an AS state change NTFY.
fn as_state_ntfy(m: &[u8]) -> Option<u16> {
    let m = Message::parse(m).ok()?;
    if m.kind() != Some(Kind::Ntfy) {
        return None;
    }
    match m.status().ok()?? {
        (status::TYPE_AS_STATE_CHANGE, info) => Some(info),
        _ => None,
    }
}

/// What every association task shares.
struct Shared {
    node: Mutex<Node>,
    net: Mutex<Net>,
    /// Wakes the M3UA timer task when a state change may have moved a deadline.
    wake: Notify,
    writer: store::Writer,
    next_assoc: AtomicU64,
    /// Triggers of `decide` subscribers, to the task that asks the decision broker.
    queries: mpsc::UnboundedSender<crate::node::Query>,
}

impl Shared {
    /// Journal the events and route each message; what goes to association `own.0` is
    /// encoded into `own.1` (the caller writes it), the rest is queued for its task. With
    /// events journalled, the returned ticket resolves once they are committed: the caller
    /// holds `own.1` until then, so an answer on the wire implies its events are on disk.
    fn dispatch(
        &self,
        fx: &mut Effects,
        own: Option<(AssocId, &mut Vec<u8>)>,
    ) -> Option<store::Ticket> {
        for q in fx.queries.drain(..) {
            let _ = self.queries.send(q);
        }
        let ticket = (!fx.events.is_empty()).then(|| {
            for ev in fx.events.drain(..) {
                if let Err(e) = self.writer.append(ev) {
                    error!(error = %e, "event not journalled");
                }
            }
            self.writer.ticket()
        });
        if fx.send.is_empty() {
            return ticket;
        }
        let mut own = own;
        let mut net = self.net.lock().expect("net");
        for o in fx.send.drain(..) {
            net.send(o, own.as_mut().map(|(id, out)| (*id, &mut **out)));
        }
        ticket
    }
}

/// Wrap an SCCP message in M3UA DATA (RFC 4666 §3.3.1).
fn encode_data(buf: &mut Vec<u8>, out: &Outgoing, rc: Option<u32>) {
    let mut b = Builder::new(buf, Kind::Data);
    if let Some(rc) = rc {
        b = b.param_u32(tag::ROUTING_CONTEXT, rc);
    }
    b.protocol_data(&out.protocol_data()).finish();
}

/// Command-line overrides of the configuration (INTERFACES.md `scpd run`).
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    pub m3ua_listen: Vec<String>,
    pub m3ua_connect: Vec<String>,
    pub m3ua_ipsp_listen: Vec<String>,
    pub m3ua_ipsp_connect: Vec<String>,
    pub grpc_listen: Option<String>,
    pub db: Option<String>,
}

pub fn apply(mut cfg: Config, o: &Overrides) -> Result<Config, config::ConfigError> {
    if !o.m3ua_listen.is_empty() {
        cfg.m3ua.listen = o.m3ua_listen.clone();
    }
    if !o.m3ua_connect.is_empty() {
        cfg.m3ua.connect = o.m3ua_connect.clone();
    }
    if !o.m3ua_ipsp_listen.is_empty() {
        cfg.m3ua.ipsp_listen = o.m3ua_ipsp_listen.clone();
    }
    if !o.m3ua_ipsp_connect.is_empty() {
        cfg.m3ua.ipsp_connect = o.m3ua_ipsp_connect.clone();
    }
    if let Some(g) = &o.grpc_listen {
        cfg.grpc.listen = g.clone();
    }
    if let Some(d) = &o.db {
        cfg.store.path = d.clone();
    }
    cfg.validate()?;
    Ok(cfg)
}

/// scpd as ASP towards an SG (`[m3ua]` client-side keys).
fn asp_config(cfg: &Config) -> AspConfig {
    let m = &cfg.m3ua;
    let ms = Duration::from_millis;
    AspConfig {
        asp_id: m.asp_id,
        traffic_mode: m.connect_traffic_mode.into(),
        routing_contexts: m.client_routing_contexts().to_vec(),
        t_ack: ms(m.t_ack_ms),
        max_retransmits: m.max_retransmits,
        auto_activate: true,
        beat_interval: (m.beat_interval_ms > 0).then(|| ms(m.beat_interval_ms)),
        beat_timeout: ms(m.beat_timeout_ms),
        register: m.register.then(|| RegisterKey {
            local_rk_id: 1,
            dpcs: if m.register_point_codes.is_empty() {
                vec![cfg.node.point_code]
            } else {
                m.register_point_codes.clone()
            },
        }),
    }
}

/// How an IPSP association is set up (`ipsp_*` keys): our requesting half uses the ASP
/// timers of the client side, our answering half accepts the agreed routing contexts.
fn ipsp_role(cfg: &Config, exchange: Exchange) -> RoleSpec {
    let m = &cfg.m3ua;
    let asp = AspConfig {
        traffic_mode: m.ipsp_traffic_mode.into(),
        routing_contexts: m.ipsp_routing_contexts.clone(),
        register: None,
        ..asp_config(cfg)
    };
    let serve = AsConfig {
        routing_contexts: m.ipsp_routing_contexts.clone(),
        local_pc: cfg.node.point_code,
    };
    RoleSpec::Ipsp(exchange, asp, serve)
}

/// What to run on an association a listener accepted or a connector opened.
#[derive(Clone)]
enum RoleSpec {
    Server,
    Client(AspConfig),
    Ipsp(Exchange, AspConfig, AsConfig),
}

impl RoleSpec {
    fn make(&self) -> Role {
        match self {
            RoleSpec::Server => Role::Server,
            RoleSpec::Client(c) => Role::Client(Box::new(Asp::new(c.clone()))),
            RoleSpec::Ipsp(x, a, s) => Role::Ipsp(Box::new(Ipsp::new(*x, a.clone(), s.clone()))),
        }
    }
}

fn backoff(m: &config::M3ua) -> Backoff {
    Backoff::new(
        Duration::from_millis(m.reconnect_min_ms),
        Duration::from_millis(m.reconnect_max_ms),
    )
}

/// Run until SIGINT/SIGTERM.
pub async fn run(cfg: Config) -> Result<(), String> {
    // TLS material first: a bad certificate stops the start before anything listens.
    let grpc_server = api::grpc_server(&cfg)?;
    let db = std::path::PathBuf::from(&cfg.store.path);
    let conn = store::open(&db).map_err(|e| format!("store {}: {e}", db.display()))?;
    let subscribers: SubscriberTable = Default::default();
    {
        let mut t = subscribers.write().expect("fresh lock");
        for s in store::load_subscribers(&conn).map_err(|e| e.to_string())? {
            t.insert(s.number.clone(), Arc::new(s));
        }
    }
    let (live_numbers, cursors) = store::load_routing(&conn).map_err(|e| e.to_string())?;
    drop(conn);
    let (writer, store_thread) =
        store::Writer::start_with(&db, cfg.store.retention()).map_err(|e| e.to_string())?;
    let routing = {
        let mut a = crate::service::routing::Allocator::new(&cfg.routing_numbers.pool)
            .map_err(|e| e.to_string())?;
        a.restore(live_numbers, &cursors);
        a.set_persist(Arc::new(writer.clone()));
        Arc::new(Mutex::new(a))
    };
    let decisions = crate::api::Broker::new(Duration::from_millis(cfg.decisions.deadline_ms));
    let (queries_tx, mut queries_rx) = mpsc::unbounded_channel::<crate::node::Query>();

    let node = Node::with_stack(
        NodeConfig {
            point_code: cfg.node.point_code,
            network_indicator: cfg.node.network_indicator,
            camel_ssn: cfg.sccp.camel_ssn,
            ain_ssn: Some(cfg.sccp.ain_ssn),
            instance: cfg.node.instance,
            max_dialogues: cfg.tcap.max_dialogues,
            dialogue_idle: Duration::from_secs(cfg.tcap.dialogue_idle_seconds),
        },
        StackConfig {
            reassembly: cfg.sccp.reassembly,
            gt_rules: cfg.sccp.gt_rules.clone(),
            sccp_variant: cfg.variant(),
            hop_counter: cfg.sccp.hop_counter,
            scmg_concerned: cfg.sccp.scmg.concerned.clone(),
            decision_deadline: Duration::from_millis(cfg.decisions.deadline_ms),
            reset_timer: cfg.decisions.reset_timer(),
            ..StackConfig::default()
        },
        subscribers.clone(),
        now_ms(),
    );
    let mut node = node;
    node.engine_mut().configure(crate::service::EngineConfig {
        routing: Some(routing.clone()),
        anchor_ttl_ms: i64::from(cfg.routing_numbers.anchor_ttl_seconds) * 1000,
        decisions: true,
        fallback: cfg.decisions.fallback_instruction(),
    });
    let shared = Arc::new(Shared {
        node: Mutex::new(node),
        net: Mutex::new(Net::new(&cfg, Instant::now())),
        wake: Notify::new(),
        writer: writer.clone(),
        next_assoc: AtomicU64::new(1),
        queries: queries_tx,
    });
    // Each held trigger is put to the data-session server; its answer (or the lack of one
    // by the deadline) releases the dialogue. Journal first, then answer, as for queries.
    let asker = {
        let (shared, broker) = (shared.clone(), decisions.clone());
        tokio::spawn(async move {
            while let Some(q) = queries_rx.recv().await {
                let (shared, broker) = (shared.clone(), broker.clone());
                tokio::spawn(async move {
                    let answer = broker.ask(&q.event, now_ms()).await;
                    let mut fx = Effects::default();
                    shared.node.lock().expect("node").on_decision(
                        q.id,
                        answer.as_ref(),
                        Instant::now(),
                        now_ms(),
                        &mut fx,
                    );
                    let sends = std::mem::take(&mut fx.send);
                    if let Some(t) = shared.dispatch(&mut fx, None) {
                        if let Ok(Err(e)) | Err(e) = t.await.map_err(|e| e.to_string()) {
                            error!(error = %e, "answering although the journal commit failed");
                        }
                    }
                    fx.send = sends;
                    shared.dispatch(&mut fx, None);
                    shared.wake.notify_one();
                });
            }
        })
    };
    info!(
        server_mode = ?cfg.m3ua.traffic_mode,
        client_mode = ?cfg.m3ua.connect_traffic_mode,
        t_r_ms = cfg.m3ua.t_r_ms,
        "M3UA application servers"
    );
    let (stop_tx, stop_rx) = watch::channel(false);

    // M3UA listeners: the server side, and IPSP peers (who send ASPUP/ASPAC first in a
    // single exchange, being the side that opened the association).
    let mut listeners = Vec::new();
    let exchange = cfg.m3ua.ipsp_exchange;
    let listen = cfg.m3ua.listen.iter().map(|u| (u, RoleSpec::Server)).chain(
        cfg.m3ua.ipsp_listen.iter().map(|u| {
            let x = match exchange {
                config::IpspExchange::Single => Exchange::SingleResponder,
                config::IpspExchange::Double => Exchange::Double,
            };
            (u, ipsp_role(&cfg, x))
        }),
    );
    for (url, spec) in listen {
        let ep = config::parse_endpoint(url).map_err(|e| e.to_string())?;
        match Listener::bind(&ep).await {
            Ok(l) => {
                info!(%url, "M3UA listening");
                listeners.push(tokio::spawn(accept_loop(
                    l,
                    spec,
                    shared.clone(),
                    stop_rx.clone(),
                )));
            }
            Err(e)
                if matches!(ep, Endpoint::Sctp(_))
                    && e.raw_os_error() == Some(libc::EPROTONOSUPPORT) =>
            {
                // The embedded default offers SCTP beside TCP; a kernel without SCTP only
                // loses that listener (unless it was the only one: checked below).
                let why = crate::transport::sctp::probe()
                    .err()
                    .map_or(e.to_string(), |p| p.to_string());
                warn!(%url, "not listening: {why}");
            }
            Err(e) => return Err(format!("M3UA listen {url}: {e}")),
        }
    }
    // Client side: scpd as ASP towards SGs/STPs (RFC 4666 §4.3.4), and as IPSP towards
    // IPSP peers, reconnecting on loss.
    let connect = cfg
        .m3ua
        .connect
        .iter()
        .map(|u| (u, RoleSpec::Client(asp_config(&cfg))))
        .chain(cfg.m3ua.ipsp_connect.iter().map(|u| {
            let x = match exchange {
                config::IpspExchange::Single => Exchange::SingleInitiator,
                config::IpspExchange::Double => Exchange::Double,
            };
            (u, ipsp_role(&cfg, x))
        }));
    for (url, spec) in connect {
        let ep = config::parse_endpoint(url).map_err(|e| e.to_string())?;
        let what = match spec {
            RoleSpec::Ipsp(..) => "IPSP",
            _ => "ASP",
        };
        info!(%url, "M3UA connecting as {what}");
        listeners.push(tokio::spawn(client_loop(
            url.clone(),
            ep,
            spec,
            backoff(&cfg.m3ua),
            shared.clone(),
            stop_rx.clone(),
        )));
    }
    if listeners.is_empty() {
        return Err("no M3UA listener could be opened (see the warnings above)".into());
    }

    // Dialogue timer.
    let ticker = {
        let shared = shared.clone();
        let mut stop = stop_rx.clone();
        tokio::spawn(async move {
            let mut iv = tokio::time::interval(Duration::from_secs(1));
            let mut fx = Effects::default();
            loop {
                tokio::select! {
                    _ = iv.tick() => {}
                    _ = stop.changed() => return,
                }
                shared
                    .node
                    .lock()
                    .expect("node")
                    .on_timeout(Instant::now(), now_ms(), &mut fx);
                shared.dispatch(&mut fx, None);
            }
        })
    };

    // M3UA timers: T(r) of the application servers, the destination audit.
    let m3ua_timer = {
        let shared = shared.clone();
        let mut stop = stop_rx.clone();
        tokio::spawn(async move {
            loop {
                let deadline = shared.net.lock().expect("net").poll_timeout();
                tokio::select! {
                    _ = sleep_until(deadline) => {
                        shared.net.lock().expect("net").on_timeout(Instant::now());
                    }
                    _ = shared.wake.notified() => {}
                    _ = stop.changed() => return,
                }
            }
        })
    };

    // gRPC.
    let grpc_addr = cfg.grpc_addr().map_err(|e| e.to_string())?;
    let grpc_listener = TcpListener::bind(grpc_addr)
        .await
        .map_err(|e| format!("gRPC listen {grpc_addr}: {e}"))?;
    info!(addr = %grpc_addr, "gRPC listening");
    let sweeper = tokio::spawn(api::sweep_routing_numbers(
        routing.clone(),
        Duration::from_millis(cfg.routing_numbers.sweep_interval_ms),
        stop_rx.clone(),
    ));
    let api = Api {
        writer: writer.clone(),
        subscribers,
        routing,
        decisions,
        stop: stop_rx.clone(),
    };
    let mut grpc_stop = stop_rx.clone();
    let grpc = tokio::spawn(api::serve(api, grpc_server, grpc_listener, async move {
        let _ = grpc_stop.changed().await;
    }));
    info!(db = %db.display(), "scpd ready");

    shutdown_signal().await;
    info!("shutting down: ending open dialogues");
    {
        let mut fx = Effects::default();
        shared.node.lock().expect("node").shutdown(&mut fx);
        let n = fx.send.len();
        shared.dispatch(&mut fx, None);
        if n > 0 {
            info!(dialogues = n, "ended open dialogues with TC-END");
        }
    }
    // Give association tasks a moment to flush what was just queued.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let _ = stop_tx.send(true);
    // Undecided triggers were answered by the node's shutdown; no more questions.
    asker.abort();
    for l in listeners {
        let _ = l.await;
    }
    let _ = ticker.await;
    let _ = m3ua_timer.await;
    let _ = sweeper.await;
    match grpc.await {
        Ok(Err(e)) => warn!(error = %e, "gRPC server"),
        Err(e) => warn!(error = %e, "gRPC task"),
        Ok(Ok(())) => {}
    }
    writer.flush().await;
    writer.stop();
    let _ = tokio::task::spawn_blocking(move || store_thread.join()).await;
    info!("stopped");
    Ok(())
}

async fn shutdown_signal() {
    use tokio::signal::unix::{signal, SignalKind};
    let mut term = signal(SignalKind::terminate()).expect("SIGTERM handler");
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
    }
}

async fn accept_loop(
    l: Listener,
    spec: RoleSpec,
    shared: Arc<Shared>,
    mut stop: watch::Receiver<bool>,
) {
    let mut tasks = Vec::new();
    loop {
        tokio::select! {
            r = l.accept() => match r {
                Ok((link, peer)) => {
                    tasks.push(tokio::spawn(association(link, peer, spec.make(), shared.clone(), stop.clone())));
                }
                Err(e) => warn!(error = %e, "accept"),
            },
            _ = stop.changed() => break,
        }
    }
    for t in tasks {
        let _ = t.await;
    }
}

/// Which side of M3UA scpd plays on an association.
enum Role {
    /// Peers connect to us and activate as ASPs of our AS (we are the SG side); their
    /// state lives in [`Net`]'s [`Sg`].
    Server,
    /// We connected to an SG/STP and are its ASP.
    Client(Box<Asp>),
    /// IPSP to IPSP.
    Ipsp(Box<Ipsp>),
}

/// A received message as far as the association task cares.
enum Incoming<'a> {
    Data(ProtocolData<'a>),
    Other,
    /// The ASP state machine gave up on the association (reconnect).
    Failed(&'static str),
}

impl Role {
    fn side(&self) -> Side {
        match self {
            Role::Server => Side::Server,
            Role::Client(_) => Side::Client,
            Role::Ipsp(_) => Side::Ipsp,
        }
    }

    fn deadline(&self) -> Option<Instant> {
        match self {
            Role::Server => None,
            Role::Client(a) => a.poll_timeout(),
            Role::Ipsp(i) => i.poll_timeout(),
        }
    }
}

/// Handle one message on a server-side association.
fn server_incoming<'a>(
    shared: &Shared,
    id: AssocId,
    peer: &str,
    bytes: &'a [u8],
    out: &mut Vec<u8>,
) -> Incoming<'a> {
    let h = shared
        .net
        .lock()
        .expect("net")
        .server_handle(id, Instant::now(), bytes, out);
    shared.wake.notify_one();
    match h {
        Handled::Deliver { data, .. } => Incoming::Data(data),
        Handled::Managed => Incoming::Other,
        Handled::PeerReport {
            kind,
            code_or_status,
        } => {
            info!(assoc = id, msg = kind.name(), code_or_status, "peer report");
            Incoming::Other
        }
        Handled::Refused { code, reason } => {
            warn!(assoc = id, %peer, ?code, %reason, "M3UA message refused with ERR");
            Incoming::Other
        }
    }
}

/// Tell the client-side AS model about a state change of our ASP.
fn client_state(shared: &Shared, id: AssocId, asp: &Asp, before: AspState, now: Instant) {
    let after = asp.state();
    if before != after {
        shared.net.lock().expect("net").client_transition(
            id,
            (before, after),
            asp.config().asp_id,
            asp.routing_context(),
            now,
        );
        shared.wake.notify_one();
    }
}

/// Tell the IPSP AS model when an IPSP association starts or stops carrying traffic.
fn ipsp_state(shared: &Shared, id: AssocId, ipsp: &Ipsp, before: bool, now: Instant) {
    let after = ipsp.traffic_ready();
    if before != after {
        info!(
            assoc = id,
            local = ?ipsp.local_state(),
            remote = ?ipsp.remote_state(),
            ready = after,
            "IPSP state"
        );
        shared
            .net
            .lock()
            .expect("net")
            .ipsp_transition(id, after, now);
        shared.wake.notify_one();
    }
}

/// Handle one message on an IPSP association.
fn ipsp_incoming<'a>(
    shared: &Shared,
    id: AssocId,
    peer: &str,
    ipsp: &mut Ipsp,
    bytes: &'a [u8],
    out: &mut Vec<u8>,
) -> Incoming<'a> {
    let now = Instant::now();
    let before = ipsp.traffic_ready();
    let ev = ipsp.handle(now, bytes, out);
    ipsp_state(shared, id, ipsp, before, now);
    match ev {
        IpspEvent::Local(ClientEvent::Deliver { data, .. })
        | IpspEvent::Remote(Handled::Deliver { data, .. }) => Incoming::Data(data),
        IpspEvent::Local(ClientEvent::Failed(why)) => Incoming::Failed(why),
        IpspEvent::Local(ClientEvent::Refused { code, reason })
        | IpspEvent::Remote(Handled::Refused { code, reason }) => {
            warn!(assoc = id, %peer, ?code, %reason, "M3UA message refused with ERR");
            Incoming::Other
        }
        other => {
            debug!(assoc = id, event = ?other, "M3UA (IPSP)");
            Incoming::Other
        }
    }
}

/// Handle one message on a client-side association.
fn client_incoming<'a>(
    shared: &Shared,
    id: AssocId,
    peer: &str,
    asp: &mut Asp,
    bytes: &'a [u8],
    out: &mut Vec<u8>,
) -> Incoming<'a> {
    let now = Instant::now();
    let before = asp.state();
    let ev = asp.handle(now, bytes, out);
    client_state(shared, id, asp, before, now);
    match ev {
        ClientEvent::Deliver { data, .. } => Incoming::Data(data),
        ClientEvent::StateChanged { from, to } => {
            info!(assoc = id, %peer, ?from, ?to, "ASP state");
            Incoming::Other
        }
        ClientEvent::Network(pdu) => {
            info!(assoc = id, %peer, msg = pdu.kind().name(), detail = ?pdu, "destination state from the SG");
            shared.net.lock().expect("net").client_ssnm(id, &pdu);
            Incoming::Other
        }
        ClientEvent::Failed(why) => Incoming::Failed(why),
        ClientEvent::Registered { rc } => {
            info!(assoc = id, %peer, rc, "routing key registered");
            Incoming::Other
        }
        ClientEvent::RegistrationRefused { status } => {
            error!(assoc = id, %peer, status, "the SG refused to register our routing key (RFC 4666 §3.6.2 status); not activating");
            Incoming::Other
        }
        ClientEvent::PeerError {
            code,
            gave_up: Some(k),
        } => {
            error!(assoc = id, %peer, code, request = k.name(), "the SG refused our request");
            Incoming::Other
        }
        ClientEvent::Refused { code, reason } => {
            warn!(assoc = id, %peer, ?code, %reason, "M3UA message refused with ERR");
            Incoming::Other
        }
        other => {
            debug!(assoc = id, event = ?other, "M3UA");
            Incoming::Other
        }
    }
}

/// Keep an association to an SG/STP up: connect, run it, and after a loss reconnect with
/// exponential backoff (reset once an association reached ASP-ACTIVE).
async fn client_loop(
    url: String,
    ep: Endpoint,
    spec: RoleSpec,
    mut backoff: Backoff,
    shared: Arc<Shared>,
    mut stop: watch::Receiver<bool>,
) {
    loop {
        let attempt = tokio::select! {
            r = tokio::time::timeout(Duration::from_secs(10), crate::transport::connect(&ep)) => r,
            _ = stop.changed() => return,
        };
        match attempt {
            Ok(Ok(link)) => {
                if association(link, url.clone(), spec.make(), shared.clone(), stop.clone()).await {
                    backoff.reset();
                }
                if *stop.borrow() {
                    return;
                }
            }
            Ok(Err(e)) => warn!(%url, error = %e, "M3UA connect failed"),
            Err(_) => warn!(%url, "M3UA connect timed out"),
        }
        let delay = backoff.next_delay();
        info!(%url, ?delay, "reconnecting");
        tokio::select! {
            _ = tokio::time::sleep(delay) => {}
            _ = stop.changed() => return,
        }
    }
}

/// One M3UA association (TCP or SCTP, any role). Returns whether it reached ASP-ACTIVE
/// (client side; IPSP: carried traffic; the server side returns `false`).
async fn association(
    mut link: Link,
    peer: String,
    mut role: Role,
    shared: Arc<Shared>,
    mut stop: watch::Receiver<bool>,
) -> bool {
    let n = shared.next_assoc.fetch_add(1, Ordering::Relaxed) & 0xffff_ffff;
    let id = assoc_id(role.side(), n as AssociationId);
    // What other tasks route to this association (answers to dialogues that began
    // elsewhere, timer aborts, shutdown ends, NTFYs), encoded here.
    let (tx, mut rx) = mpsc::unbounded_channel::<Queued>();
    // `scpd run --pcap`: a copy of every message to the writer thread (no-op otherwise).
    use crate::lab::pcap_out::{
        tap as pcap,
        Direction::{In, Out},
    };
    let addr = link.peer_addr().map(|a| a.ip());
    shared.net.lock().expect("net").attach(id, tx, addr);
    info!(assoc = id, %peer, side = ?role.side(), "association up");
    let mut out = Vec::with_capacity(4096);
    let mut fx = Effects::default();
    let mut was_active = false;
    // Whether SCMG told the concerned point codes our subsystems' state since this
    // association last became ASP-ACTIVE.
    let mut announced = false;
    match &mut role {
        Role::Client(asp) => asp.connected(Instant::now(), &mut out),
        Role::Ipsp(ipsp) => ipsp.connected(Instant::now(), &mut out),
        Role::Server => {}
    }
    pcap(id, &peer, Out, &out);
    let mut ok = link.send(&out).await.is_ok();
    while ok {
        out.clear();
        let deadline = role.deadline();
        tokio::select! {
            frame = link.recv() => match frame {
                Ok(Some(rx)) if rx.check_stream().is_err() => {
                    // RFC 4666 §3.8.1: a message on a stream it may not use is answered
                    // with ERR Invalid Stream Identifier and otherwise ignored.
                    pcap(id, &peer, In, rx.bytes);
                    warn!(assoc = id, %peer, stream = ?rx.stream, "M3UA message on the wrong SCTP stream refused with ERR");
                    crate::m3ua::pdu::encode_err(&mut out, ErrorCode::InvalidStreamIdentifier, None, Some(rx.bytes));
                }
                Ok(Some(rx)) => {
                    let bytes = rx.bytes;
                    pcap(id, &peer, In, bytes);
                    let incoming = match &mut role {
                        Role::Server => server_incoming(&shared, id, &peer, bytes, &mut out),
                        Role::Client(asp) => client_incoming(&shared, id, &peer, asp, bytes, &mut out),
                        Role::Ipsp(ipsp) => ipsp_incoming(&shared, id, &peer, ipsp, bytes, &mut out),
                    };
                    match incoming {
                        Incoming::Data(data) => {
                            let result = shared.node.lock().expect("node").on_data(
                                id, &data, Instant::now(), now_ms(), &mut fx);
                            if let Err(fault) = result {
                                warn!(assoc = id, %peer, %fault, "message not processed normally");
                            }
                            if let Some(t) = shared.dispatch(&mut fx, Some((id, &mut out))) {
                                // Journal first, then answer (see Shared::dispatch).
                                if let Ok(Err(e)) | Err(e) = t.await.map_err(|e| e.to_string()) {
                                    error!(error = %e, "answering although the journal commit failed");
                                }
                            }
                        }
                        Incoming::Other => {}
                        Incoming::Failed(why) => {
                            warn!(assoc = id, %peer, why, "giving up on the association");
                            pcap(id, &peer, Out, &out);
                            let _ = link.send(&out).await;
                            break;
                        }
                    }
                }
                Ok(None) => break,
                Err(FrameError::Framing(e)) => {
                    // RFC 4666 §3.8.1: Protocol Error; a TCP byte stream cannot be
                    // re-synchronised after an impossible length, so the association ends.
                    warn!(assoc = id, %peer, error = %e, "framing lost; closing association");
                    Builder::new(&mut out, Kind::Err)
                        .param_u32(tag::ERROR_CODE, ErrorCode::ProtocolError as u32)
                        .finish();
                    pcap(id, &peer, Out, &out);
                    let _ = link.send(&out).await;
                    break;
                }
                Err(FrameError::Io(e)) => {
                    info!(assoc = id, %peer, error = %e, "association read ended");
                    break;
                }
            },
            _ = sleep_until(deadline) => {
                let now = Instant::now();
                let ev = match &mut role {
                    Role::Client(asp) => {
                        let before = asp.state();
                        let ev = asp.on_timeout(now, &mut out);
                        client_state(&shared, id, asp, before, now);
                        ev
                    }
                    Role::Ipsp(ipsp) => {
                        let before = ipsp.traffic_ready();
                        let ev = ipsp.on_timeout(now, &mut out);
                        ipsp_state(&shared, id, ipsp, before, now);
                        ev
                    }
                    Role::Server => ClientEvent::Managed,
                };
                if let ClientEvent::Failed(why) = ev {
                    warn!(assoc = id, %peer, why, "giving up on the association");
                    pcap(id, &peer, Out, &out);
                    let _ = link.send(&out).await;
                    break;
                }
            }
            Some(q) = rx.recv() => {
                queued(&mut out, q);
                // Take what else is waiting, to write it in one go.
                while out.len() < 64 * 1024 {
                    match rx.try_recv() {
                        Ok(q) => queued(&mut out, q),
                        Err(_) => break,
                    }
                }
            }
            _ = stop.changed() => {
                while let Ok(q) = rx.try_recv() {
                    queued(&mut out, q);
                }
                pcap(id, &peer, Out, &out);
                let _ = link.send(&out).await;
                break;
            }
        }
        match &role {
            Role::Client(asp) => was_active |= asp.state() == AspState::Active,
            Role::Ipsp(ipsp) => was_active |= ipsp.traffic_ready(),
            Role::Server => {}
        }
        let active = shared.net.lock().expect("net").asp_active(id);
        if active && !announced {
            // A route to the STPs is (again) there: SSA for our subsystems (Q.714 §5.3.2).
            shared
                .node
                .lock()
                .expect("node")
                .announce_subsystems(&mut fx);
            shared.dispatch(&mut fx, Some((id, &mut out)));
        }
        announced = active;
        pcap(id, &peer, Out, &out);
        ok = out.is_empty() || link.send(&out).await.is_ok();
    }
    let now = Instant::now();
    match &mut role {
        Role::Client(asp) => {
            let before = asp.state();
            asp.association_lost();
            client_state(&shared, id, asp, before, now);
        }
        Role::Ipsp(ipsp) => {
            let before = ipsp.traffic_ready();
            ipsp.association_lost();
            ipsp_state(&shared, id, ipsp, before, now);
        }
        Role::Server => {}
    }
    shared.net.lock().expect("net").detach(id, &mut rx, now);
    shared.wake.notify_one();
    info!(assoc = id, %peer, "association down");
    was_active
}

fn queued(out: &mut Vec<u8>, q: Queued) {
    match q {
        Queued::Data(o, rc) => encode_data(out, &o, rc),
        Queued::Raw(m) => out.extend_from_slice(&m),
    }
}

/// Sleep until `deadline`, or forever without one.
async fn sleep_until(deadline: Option<Instant>) {
    match deadline {
        Some(d) => tokio::time::sleep_until(d.into()).await,
        None => std::future::pending().await,
    }
}
