//! The daemon: thin async glue around the sans-IO cores. One task per association reads
//! M3UA messages, feeds them to its `PeerAsp` and the shared `Node`, and writes the answers;
//! the store thread journals events; the gRPC server publishes them.

use crate::api::{self, Api};
use crate::config::{self, Config, Endpoint};
use crate::m3ua::asp::{AsConfig, AspState, Handled, PeerAsp};
use crate::m3ua::client::{Asp, AspConfig, Event as ClientEvent};
use crate::m3ua::ProtocolData;
use crate::m3ua::{Builder, ErrorCode, Kind};
use crate::node::{AssocId, Effects, Node, NodeConfig, Outgoing};
use crate::service::SubscriberTable;
use crate::store;
use crate::transport::tcp::FrameError;
use crate::transport::{Backoff, Link, Listener};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tokio::net::TcpListener;
use tokio::sync::{mpsc, watch};
use tracing::{debug, error, info, warn};

pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// What every association task shares.
struct Shared {
    node: Mutex<Node>,
    writer: store::Writer,
    as_config: AsConfig,
    /// Outboxes of live associations, for messages not triggered by their own input
    /// (timeouts, shutdown).
    outboxes: Mutex<HashMap<AssocId, mpsc::UnboundedSender<Outgoing>>>,
    next_assoc: AtomicU64,
}

impl Shared {
    /// Journal the events and hand each message to its association's outbox.
    fn dispatch(&self, fx: &mut Effects) {
        for ev in fx.events.drain(..) {
            if let Err(e) = self.writer.append(ev) {
                error!(error = %e, "event not journalled");
            }
        }
        if fx.send.is_empty() {
            return;
        }
        let outboxes = self.outboxes.lock().expect("outboxes");
        for out in fx.send.drain(..) {
            match outboxes.get(&out.assoc) {
                Some(tx) => drop(tx.send(out)),
                None => warn!(assoc = out.assoc, "association gone; message dropped"),
            }
        }
    }
}

/// Wrap an SCCP message in M3UA DATA (RFC 4666 §3.3.1).
fn encode_data(buf: &mut Vec<u8>, out: &Outgoing, rc: Option<u32>) {
    let mut b = Builder::new(buf, Kind::Data);
    if let Some(rc) = rc {
        b = b.param_u32(crate::m3ua::codec::tag::ROUTING_CONTEXT, rc);
    }
    b.protocol_data(&out.protocol_data()).finish();
}

/// Command-line overrides of the configuration (INTERFACES.md `scpd run`).
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    pub m3ua_listen: Vec<String>,
    pub m3ua_connect: Vec<String>,
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
fn asp_config(m: &config::M3ua) -> AspConfig {
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
    for key in cfg.not_yet_applied() {
        warn!(
            key,
            "configured but not applied yet: the node runs ITU SCCP with built-in defaults"
        );
    }
    let db = std::path::PathBuf::from(&cfg.store.path);
    let conn = store::open(&db).map_err(|e| format!("store {}: {e}", db.display()))?;
    let subscribers: SubscriberTable = Default::default();
    {
        let mut t = subscribers.write().expect("fresh lock");
        for s in store::load_subscribers(&conn).map_err(|e| e.to_string())? {
            t.insert(s.number.clone(), s);
        }
    }
    drop(conn);
    let (writer, store_thread) = store::Writer::start(&db).map_err(|e| e.to_string())?;

    let node = Node::new(
        NodeConfig {
            point_code: cfg.node.point_code,
            camel_ssn: cfg.sccp.camel_ssn,
            instance: cfg.node.instance,
            max_dialogues: cfg.tcap.max_dialogues,
            dialogue_idle: Duration::from_secs(cfg.tcap.dialogue_idle_seconds),
        },
        subscribers.clone(),
        now_ms(),
    );
    let shared = Arc::new(Shared {
        node: Mutex::new(node),
        writer: writer.clone(),
        as_config: AsConfig {
            routing_contexts: cfg.m3ua.routing_contexts.clone(),
            local_pc: cfg.node.point_code,
        },
        outboxes: Mutex::new(HashMap::new()),
        next_assoc: AtomicU64::new(1),
    });
    let (stop_tx, stop_rx) = watch::channel(false);

    // M3UA listeners.
    let mut listeners = Vec::new();
    for url in &cfg.m3ua.listen {
        let ep = config::parse_endpoint(url).map_err(|e| e.to_string())?;
        match Listener::bind(&ep).await {
            Ok(l) => {
                info!(%url, "M3UA listening");
                listeners.push(tokio::spawn(accept_loop(
                    l,
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
    // Client side: scpd as ASP towards SGs/STPs (RFC 4666 §4.3.4), reconnecting on loss.
    for url in &cfg.m3ua.connect {
        let ep = config::parse_endpoint(url).map_err(|e| e.to_string())?;
        let asp_cfg = asp_config(&cfg.m3ua);
        info!(%url, "M3UA connecting as ASP");
        listeners.push(tokio::spawn(client_loop(
            url.clone(),
            ep,
            asp_cfg,
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
                    .on_tick(Instant::now(), now_ms(), &mut fx);
                shared.dispatch(&mut fx);
            }
        })
    };

    // gRPC.
    let grpc_addr = cfg.grpc_addr().map_err(|e| e.to_string())?;
    let grpc_listener = TcpListener::bind(grpc_addr)
        .await
        .map_err(|e| format!("gRPC listen {grpc_addr}: {e}"))?;
    info!(addr = %grpc_addr, "gRPC listening");
    let api = Api {
        writer: writer.clone(),
        subscribers,
        stop: stop_rx.clone(),
    };
    let mut grpc_stop = stop_rx.clone();
    let grpc = tokio::spawn(api::serve(api, grpc_listener, async move {
        let _ = grpc_stop.changed().await;
    }));
    info!(db = %db.display(), "scpd ready");

    shutdown_signal().await;
    info!("shutting down: ending open dialogues");
    {
        let mut fx = Effects::default();
        shared.node.lock().expect("node").shutdown(&mut fx);
        let n = fx.send.len();
        shared.dispatch(&mut fx);
        if n > 0 {
            info!(dialogues = n, "ended open dialogues with TC-END");
        }
    }
    // Give association tasks a moment to flush what was just queued.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let _ = stop_tx.send(true);
    for l in listeners {
        let _ = l.await;
    }
    let _ = ticker.await;
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

async fn accept_loop(l: Listener, shared: Arc<Shared>, mut stop: watch::Receiver<bool>) {
    let mut tasks = Vec::new();
    loop {
        tokio::select! {
            r = l.accept() => match r {
                Ok((link, peer)) => {
                    let role = Role::Server(PeerAsp::new(shared.as_config.clone()));
                    tasks.push(tokio::spawn(association(link, peer, role, shared.clone(), stop.clone())));
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
    /// Peers connect to us and activate as ASPs (we are the SG side).
    Server(PeerAsp),
    /// We connected to an SG/STP and are its ASP.
    Client(Asp),
}

/// A received message as far as the association task cares.
enum Incoming<'a> {
    Data(ProtocolData<'a>),
    Other,
    /// The ASP state machine gave up on the association (reconnect).
    Failed(&'static str),
}

impl Role {
    fn start(&mut self, now: Instant, out: &mut Vec<u8>) {
        if let Role::Client(asp) = self {
            asp.connected(now, out);
        }
    }

    fn routing_context(&self) -> Option<u32> {
        match self {
            Role::Server(p) => p.routing_context(),
            Role::Client(a) => a.routing_context(),
        }
    }

    fn is_active(&self) -> bool {
        match self {
            Role::Server(p) => p.state() == AspState::Active,
            Role::Client(a) => a.state() == AspState::Active,
        }
    }

    fn handle<'a>(
        &mut self,
        id: AssocId,
        peer: &str,
        now: Instant,
        bytes: &'a [u8],
        out: &mut Vec<u8>,
    ) -> Incoming<'a> {
        match self {
            Role::Server(p) => match p.handle(bytes, out) {
                Handled::Deliver { data, .. } => Incoming::Data(data),
                Handled::Managed => {
                    debug!(assoc = id, state = ?p.state(), "M3UA management");
                    Incoming::Other
                }
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
            },
            Role::Client(a) => match a.handle(now, bytes, out) {
                ClientEvent::Deliver { data, .. } => Incoming::Data(data),
                ClientEvent::StateChanged { from, to } => {
                    info!(assoc = id, %peer, ?from, ?to, "ASP state");
                    Incoming::Other
                }
                ClientEvent::Failed(why) => Incoming::Failed(why),
                ClientEvent::Refused { code, reason } => {
                    warn!(assoc = id, %peer, ?code, %reason, "M3UA message refused with ERR");
                    Incoming::Other
                }
                other => {
                    debug!(assoc = id, event = ?other, "M3UA");
                    Incoming::Other
                }
            },
        }
    }

    fn deadline(&self) -> Option<Instant> {
        match self {
            Role::Server(_) => None,
            Role::Client(a) => a.poll_timeout(),
        }
    }

    fn on_timeout(&mut self, now: Instant, out: &mut Vec<u8>) -> Option<&'static str> {
        match self {
            Role::Server(_) => None,
            Role::Client(a) => match a.on_timeout(now, out) {
                ClientEvent::Failed(why) => Some(why),
                _ => None,
            },
        }
    }
}

/// Keep an association to an SG/STP up: connect, run it, and after a loss reconnect with
/// exponential backoff (reset once an association reached ASP-ACTIVE).
async fn client_loop(
    url: String,
    ep: Endpoint,
    cfg: AspConfig,
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
                    Role::Client(Asp::new(cfg.clone())),
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

/// One M3UA association (TCP or SCTP, either role). Returns whether it reached ASP-ACTIVE.
async fn association(
    mut link: Link,
    peer: String,
    mut role: Role,
    shared: Arc<Shared>,
    mut stop: watch::Receiver<bool>,
) -> bool {
    let id = shared.next_assoc.fetch_add(1, Ordering::Relaxed);
    // Messages for this association produced elsewhere (timeouts, shutdown); encoded here so
    // they carry the routing context of the activation.
    let (tx, mut rx) = mpsc::unbounded_channel::<Outgoing>();
    shared.outboxes.lock().expect("outboxes").insert(id, tx);
    info!(assoc = id, %peer, "association up");
    let mut out = Vec::with_capacity(4096);
    let mut fx = Effects::default();
    let mut was_active = false;
    role.start(Instant::now(), &mut out);
    if link.send(&out).await.is_err() {
        shared.outboxes.lock().expect("outboxes").remove(&id);
        return false;
    }
    loop {
        out.clear();
        let deadline = role.deadline();
        tokio::select! {
            frame = link.recv() => match frame {
                Ok(Some(bytes)) => match role.handle(id, &peer, Instant::now(), bytes, &mut out) {
                    Incoming::Data(data) => {
                        let result = shared.node.lock().expect("node").on_data(
                            id, &data, Instant::now(), now_ms(), &mut fx);
                        if let Err(fault) = result {
                            warn!(assoc = id, %peer, %fault, "message not processed normally");
                        }
                        let rc = role.routing_context();
                        for o in fx.send.iter().filter(|o| o.assoc == id) {
                            encode_data(&mut out, o, rc);
                        }
                        fx.send.retain(|o| o.assoc != id);
                        shared.dispatch(&mut fx);
                    }
                    Incoming::Other => {}
                    Incoming::Failed(why) => {
                        warn!(assoc = id, %peer, why, "giving up on the association");
                        let _ = link.send(&out).await;
                        break;
                    }
                },
                Ok(None) => break,
                Err(FrameError::Framing(e)) => {
                    // RFC 4666 §3.8.1: Protocol Error; a TCP byte stream cannot be
                    // re-synchronised after an impossible length, so the association ends.
                    warn!(assoc = id, %peer, error = %e, "framing lost; closing association");
                    Builder::new(&mut out, Kind::Err)
                        .param_u32(crate::m3ua::codec::tag::ERROR_CODE, ErrorCode::ProtocolError as u32)
                        .finish();
                    let _ = link.send(&out).await;
                    break;
                }
                Err(FrameError::Io(e)) => {
                    info!(assoc = id, %peer, error = %e, "association read ended");
                    break;
                }
            },
            _ = sleep_until(deadline) => {
                if let Some(why) = role.on_timeout(Instant::now(), &mut out) {
                    warn!(assoc = id, %peer, why, "giving up on the association");
                    break;
                }
            }
            Some(extra) = rx.recv() => encode_data(&mut out, &extra, role.routing_context()),
            _ = stop.changed() => {
                while let Ok(extra) = rx.try_recv() {
                    encode_data(&mut out, &extra, role.routing_context());
                }
                let _ = link.send(&out).await;
                break;
            }
        }
        was_active |= role.is_active();
        if !out.is_empty() && link.send(&out).await.is_err() {
            break;
        }
    }
    shared.outboxes.lock().expect("outboxes").remove(&id);
    info!(assoc = id, %peer, "association down");
    was_active
}

/// Sleep until `deadline`, or forever without one.
async fn sleep_until(deadline: Option<Instant>) {
    match deadline {
        Some(d) => tokio::time::sleep_until(d.into()).await,
        None => std::future::pending().await,
    }
}
