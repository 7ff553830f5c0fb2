//! The daemon: thin async glue around the sans-IO cores. One task per association reads
//! M3UA messages and writes what is queued for it; everything those tasks share lives in
//! [`Shared`]: the signalling [`Node`], the store writer, and the M3UA [`Endpoint`] with the
//! write queues of the association tasks.
//!
//! Data path. Each message read is handed to [`Endpoint::receive`]: DATA goes up to the
//! node, answers and notifications come back as [`Transmits`], which are put into the
//! queues of the associations they are for (the reading task writes its own). Every message
//! the node produces (answers, timer aborts, shutdown ends) is routed by
//! [`Endpoint::send`] (back on the association its dialogue came from while usable, else
//! within its AS, held for T(r); see `m3ua::endpoint`). One task sleeps until the
//! endpoint's next deadline (T(r), audit, the client and IPSP ASPs' T(ack) and BEAT). When
//! an association goes, what was queued for it and not written goes through
//! [`Endpoint::reroute`].

use crate::api::{self, Api};
use crate::config::{self, Config};
use crate::m3ua::codec::tag;
use crate::m3ua::endpoint::{
    AssocId, Endpoint, EndpointConfig, Event, Label, Received, Role, Side, Transmits,
};
use crate::m3ua::{Builder, ErrorCode, Kind};
use crate::node::{Effects, Node, NodeConfig, Outgoing, StackConfig};
use crate::service::SubscriberTable;
use crate::store;
use crate::transport::tcp::FrameError;
use crate::transport::{Backoff, Link, Listener};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tokio::net::TcpListener;
use tokio::sync::{mpsc, watch, Notify};
use tracing::{error, info, warn};

pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// What an association task is handed.
enum Write {
    /// Encoded M3UA messages to write.
    Bytes(Vec<u8>),
    /// The endpoint gave up on the association (T(ack), BEAT): close it.
    Close(&'static str),
}

/// The M3UA endpoint and the write queues of the association tasks, under one lock: what
/// the endpoint routes to an association is in that association's queue before anything
/// else can change the routing, so what an association going away was given is in the
/// queue [`Shared::detach`] hands back to [`Endpoint::reroute`].
struct M3ua {
    endpoint: Endpoint,
    links: HashMap<AssocId, mpsc::UnboundedSender<Write>>,
    tx: Transmits,
}

/// What every association task shares.
struct Shared {
    node: Mutex<Node>,
    m3ua: Mutex<M3ua>,
    /// Wakes the M3UA timer task when the endpoint's next deadline came earlier.
    wake: Notify,
    writer: store::Writer,
    /// Triggers of `decide` subscribers, to the task that asks the decision broker.
    queries: mpsc::UnboundedSender<crate::node::Query>,
}

impl Shared {
    /// Run `f` on the endpoint, then hand what it queued to the association tasks (what is
    /// for association `own.0` is appended to `own.1`, which the caller writes), and act on
    /// its events: close what it gave up on, announce our subsystems where it can carry
    /// DATA again.
    fn m3ua<R>(
        &self,
        mut own: Option<(AssocId, &mut Vec<u8>)>,
        f: impl FnOnce(&mut M3ua) -> R,
    ) -> R {
        let mut active = Vec::new();
        let r = {
            let mut g = self.m3ua.lock().expect("m3ua");
            let before = g.endpoint.next_deadline();
            let r = f(&mut g);
            let M3ua {
                endpoint,
                links,
                tx,
            } = &mut *g;
            for (a, bytes) in tx.drain() {
                match &mut own {
                    Some((id, out)) if *id == a => out.extend_from_slice(&bytes),
                    _ => {
                        if let Some(l) = links.get(&a) {
                            let _ = l.send(Write::Bytes(bytes));
                        }
                    }
                }
            }
            while let Some(ev) = endpoint.poll_event() {
                match ev {
                    Event::Active(a) => active.push(a),
                    Event::Close(a, why) => {
                        if let Some(l) = links.get(&a) {
                            let _ = l.send(Write::Close(why));
                        }
                    }
                    Event::Inactive(_) => {}
                }
            }
            let after = endpoint.next_deadline();
            if after.is_some_and(|t| before.is_none_or(|b| t < b)) {
                self.wake.notify_one();
            }
            r
        };
        for _ in active {
            // A route to the STPs is (again) there: SSA for our subsystems (Q.714 §5.3.2).
            let mut fx = Effects::default();
            self.node.lock().expect("node").announce_subsystems(&mut fx);
            self.dispatch(&mut fx, own.as_mut().map(|(id, out)| (*id, &mut **out)));
        }
        r
    }

    /// A new association running `role`: its id, and its queue is `tx`.
    fn attach(
        &self,
        role: &Role,
        addr: Option<std::net::IpAddr>,
        tx: mpsc::UnboundedSender<Write>,
    ) -> AssocId {
        self.m3ua(None, |m| {
            let id = m.endpoint.connected(role, addr, Instant::now(), &mut m.tx);
            m.links.insert(id, tx);
            id
        })
    }

    /// The association is gone: the endpoint is told, and what was queued for it and not
    /// written is routed again.
    fn detach(&self, id: AssocId, rx: &mut mpsc::UnboundedReceiver<Write>) {
        let now = Instant::now();
        self.m3ua(None, |m| {
            m.links.remove(&id);
            m.endpoint.disconnected(id, now, &mut m.tx);
            let mut unwritten = Vec::new();
            while let Ok(w) = rx.try_recv() {
                if let Write::Bytes(b) = w {
                    unwritten.extend_from_slice(&b);
                }
            }
            m.endpoint.reroute(id, &unwritten, now, &mut m.tx);
        });
    }

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
        let now = Instant::now();
        self.m3ua(own, |m| {
            for o in fx.send.drain(..) {
                m.endpoint.send(&label(&o), &o.sccp, now, &mut m.tx);
            }
        });
        ticket
    }
}

/// The MTP3 routing label of a message the node sends.
fn label(o: &Outgoing) -> Label {
    Label {
        origin: o.assoc,
        opc: o.opc,
        dpc: o.dpc,
        ni: o.ni,
        sls: o.sls,
    }
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
    let m3ua_cfg = EndpointConfig::from_config(&cfg);
    let shared = Arc::new(Shared {
        node: Mutex::new(node),
        m3ua: Mutex::new(M3ua {
            endpoint: Endpoint::new(m3ua_cfg.clone(), Instant::now()),
            links: HashMap::new(),
            tx: Transmits::default(),
        }),
        wake: Notify::new(),
        writer: writer.clone(),
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
    let listen = cfg.m3ua.listen.iter().map(|u| (u, Role::Server)).chain(
        cfg.m3ua
            .ipsp_listen
            .iter()
            .map(|u| (u, m3ua_cfg.ipsp_role(false))),
    );
    for (url, role) in listen {
        let ep = config::parse_endpoint(url).map_err(|e| e.to_string())?;
        match Listener::bind(&ep).await {
            Ok(l) => {
                info!(%url, "M3UA listening");
                listeners.push(tokio::spawn(accept_loop(
                    l,
                    role,
                    shared.clone(),
                    stop_rx.clone(),
                )));
            }
            Err(e)
                if matches!(ep, config::Endpoint::Sctp(_))
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
        .map(|u| (u, m3ua_cfg.client_role()))
        .chain(
            cfg.m3ua
                .ipsp_connect
                .iter()
                .map(|u| (u, m3ua_cfg.ipsp_role(true))),
        );
    for (url, role) in connect {
        let ep = config::parse_endpoint(url).map_err(|e| e.to_string())?;
        let what = match role {
            Role::Ipsp(..) => "IPSP",
            _ => "ASP",
        };
        info!(%url, "M3UA connecting as {what}");
        listeners.push(tokio::spawn(client_loop(
            url.clone(),
            ep,
            role,
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

    // M3UA timers: T(r) of the application servers, the destination audit, T(ack) and BEAT
    // of the client and IPSP ASPs.
    let m3ua_timer = {
        let shared = shared.clone();
        let mut stop = stop_rx.clone();
        tokio::spawn(async move {
            loop {
                let deadline = shared.m3ua.lock().expect("m3ua").endpoint.next_deadline();
                tokio::select! {
                    _ = sleep_until(deadline) => {
                        shared.m3ua(None, |m| m.endpoint.on_timeout(Instant::now(), &mut m.tx));
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
    role: Role,
    shared: Arc<Shared>,
    mut stop: watch::Receiver<bool>,
) {
    let mut tasks = Vec::new();
    loop {
        tokio::select! {
            r = l.accept() => match r {
                Ok((link, peer)) => {
                    tasks.push(tokio::spawn(association(link, peer, role.clone(), shared.clone(), stop.clone())));
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

/// Keep an association to an SG/STP up: connect, run it, and after a loss reconnect with
/// exponential backoff (reset once an association reached ASP-ACTIVE).
async fn client_loop(
    url: String,
    ep: config::Endpoint,
    role: Role,
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
                if association(
                    link,
                    url.clone(),
                    role.clone(),
                    shared.clone(),
                    stop.clone(),
                )
                .await
                {
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
    role: Role,
    shared: Arc<Shared>,
    mut stop: watch::Receiver<bool>,
) -> bool {
    // What the endpoint routes to this association (its own first requests, answers to
    // dialogues that began elsewhere, timer aborts, shutdown ends, NTFYs), to write here.
    let (tx, mut rx) = mpsc::unbounded_channel::<Write>();
    // `scpd run --pcap`: a copy of every message to the writer thread (no-op otherwise).
    use crate::lab::pcap_out::{
        tap as pcap,
        Direction::{In, Out},
    };
    let addr = link.peer_addr().map(|a| a.ip());
    let id = shared.attach(&role, addr, tx);
    info!(assoc = id, %peer, side = ?role.side(), "association up");
    let mut out = Vec::with_capacity(4096);
    let mut fx = Effects::default();
    let mut was_active = false;
    let mut ok = true;
    while ok {
        out.clear();
        let mut closing = None;
        tokio::select! {
            frame = link.recv() => match frame {
                Ok(Some(rx)) => {
                    pcap(id, &peer, In, rx.bytes);
                    let received = shared.m3ua(Some((id, &mut out)), |m| {
                        m.endpoint.receive(id, rx.stream, rx.bytes, Instant::now(), &mut m.tx)
                    });
                    match received {
                        Received::Data(data) => {
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
                        Received::Handled => {}
                        Received::Close(why) => closing = Some(why),
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
            Some(w) = rx.recv() => {
                closing = queued(&mut out, w);
                // Take what else is waiting, to write it in one go.
                while closing.is_none() && out.len() < 64 * 1024 {
                    match rx.try_recv() {
                        Ok(w) => closing = queued(&mut out, w),
                        Err(_) => break,
                    }
                }
            }
            _ = stop.changed() => {
                while let Ok(w) = rx.try_recv() {
                    queued(&mut out, w);
                }
                pcap(id, &peer, Out, &out);
                let _ = link.send(&out).await;
                break;
            }
        }
        if let Some(why) = closing {
            warn!(assoc = id, %peer, why, "giving up on the association");
            pcap(id, &peer, Out, &out);
            let _ = link.send(&out).await;
            break;
        }
        if !was_active && role.side() != Side::Server {
            was_active = shared.m3ua.lock().expect("m3ua").endpoint.is_active(id);
        }
        pcap(id, &peer, Out, &out);
        ok = out.is_empty() || link.send(&out).await.is_ok();
    }
    shared.detach(id, &mut rx);
    info!(assoc = id, %peer, "association down");
    was_active
}

/// Append what the queue handed over; the reason when it is to close the association.
fn queued(out: &mut Vec<u8>, w: Write) -> Option<&'static str> {
    match w {
        Write::Bytes(b) => {
            out.extend_from_slice(&b);
            None
        }
        Write::Close(why) => Some(why),
    }
}
/// Sleep until `deadline`, or forever without one.
async fn sleep_until(deadline: Option<Instant>) {
    match deadline {
        Some(d) => tokio::time::sleep_until(d.into()).await,
        None => std::future::pending().await,
    }
}
