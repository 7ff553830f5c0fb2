//! The daemon's runtime: the thin async part that moves bytes, time and journal batches
//! between the sockets and the sans-IO cores, and uses every core.
//!
//! ```text
//!  association reader ──batch per shard──> shard 0..N (one Node each, own thread)
//!   (one read, endpoint                       │ events ──> store writer (one batch)
//!    under one lock)                          │ messages ─> endpoint (one lock) ─> queues
//!                                             │ queries ──> decision broker ──> shard
//!  association writer <──queue (bytes, journal batch)─┘
//!   (waits for the commit, one write)
//! ```
//!
//! - **Shards** ([`shard`]): dialogues are spread over one stack per core by transaction
//!   id; the shard is encoded in our ids, so a continuation reaches its shard without a
//!   lookup ([`dispatch`]). Each shard sleeps until input or its earliest deadline.
//! - **Associations** ([`link`]): a reader and a writer task each; the M3UA endpoint and
//!   the write queues are shared under one lock ([`net`]); one task sleeps until the
//!   endpoint's next deadline.
//! - **Journal first, then answer**: a message is written only once the events of the
//!   batch that produced it are committed.

mod dispatch;
mod link;
mod net;
pub mod overload;
pub mod reload;
mod shard;

use crate::api::{self, Api};
use crate::config::{self, Config};
use crate::m3ua::endpoint::{Endpoint, EndpointConfig, Role};
use crate::node::{Node, NodeConfig, Query, StackConfig};
use crate::service::SubscriberTable;
use crate::store::{self, Batch};
use crate::tcap::dialogues::Shards;
use crate::transport::{Backoff, Listener};
use net::M3ua;
use shard::{Control, Handle};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tokio::net::TcpListener;
use tokio::sync::{mpsc, watch, Notify};
use tracing::{info, warn};

pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// Sleep until `deadline`, or forever without one.
async fn sleep_until(deadline: Option<Instant>) {
    match deadline {
        Some(d) => tokio::time::sleep_until(d.into()).await,
        None => std::future::pending().await,
    }
}

/// How long the gRPC server may take to close its connections at the stop.
const GRPC_CLOSE: Duration = Duration::from_secs(2);

/// What the shards, the association tasks and the timers share.
pub(crate) struct Shared {
    net: Mutex<M3ua>,
    /// Wakes the M3UA timer task when the endpoint's next deadline came earlier.
    wake: Notify,
    store: store::Writer,
    shards: Vec<Handle>,
    /// Held triggers, with their shard, to the task that asks the decision broker.
    queries: mpsc::UnboundedSender<(usize, Query)>,
    /// The SCCP variant on the wire (to read transaction ids for dispatch).
    variant: crate::sccp::Variant,
    /// The WIN subsystem, whose new transactions are dispatched by BillingID.
    win_ssn: Option<u8>,
    /// Kept by the association writers (metrics).
    latency: Arc<crate::metrics::stats::AnswerLatency>,
}

impl Shared {
    /// Run `f` on the endpoint, then hand what it queued to the associations' writers
    /// (after journal batch `batch`), close what it gave up on, and have the first shard
    /// announce our subsystems where an association can carry DATA again.
    fn m3ua<R>(&self, batch: Batch, f: impl FnOnce(&mut M3ua) -> R) -> R {
        let (r, active) = {
            let mut g = self.net.lock().expect("m3ua");
            let before = g.endpoint.next_deadline();
            let r = f(&mut g);
            let active = g.deliver(batch);
            let after = g.endpoint.next_deadline();
            if after.is_some_and(|t| before.is_none_or(|b| t < b)) {
                self.wake.notify_one();
            }
            (r, active)
        };
        for _ in active {
            // A route to the STPs is (again) there: SSA for our subsystems (Q.714 §5.3.2).
            let _ = self.shards[0].ctl.send(Control::Announce);
        }
        r
    }
}

impl Shared {
    /// Every shard's counters and the journal's, collected now. A shard that does not
    /// answer within `wait` (overloaded, or stopping) is left out of this one.
    pub(crate) async fn snapshot(&self, wait: Duration) -> crate::metrics::stats::Snapshot {
        let asks: Vec<_> = self
            .shards
            .iter()
            .filter_map(|s| {
                let (tx, rx) = tokio::sync::oneshot::channel();
                s.ctl.send(Control::Stats(tx)).ok().map(|_| rx)
            })
            .collect();
        let mut shards = Vec::with_capacity(asks.len());
        for rx in asks {
            if let Ok(Ok(s)) = tokio::time::timeout(wait, rx).await {
                shards.push(s);
            }
        }
        let m3ua = {
            let g = self.net.lock().expect("m3ua");
            crate::metrics::stats::M3uaStats {
                received: g.endpoint.received().clone(),
                sent: g.tx.sent.clone(),
                associations: g.endpoint.associations().collect(),
            }
        };
        crate::metrics::stats::Snapshot {
            shards,
            journal: self.store.stats(),
            m3ua,
            answer_latency: self.latency.counts(),
            ..Default::default()
        }
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
    pub metrics_listen: Option<String>,
    /// `--sccp-variant`: the point-code format and SCCP standard (node and sccp alike).
    pub sccp_variant: Option<crate::sccp::Variant>,
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
    if let Some(m) = &o.metrics_listen {
        cfg.metrics.listen = m.clone();
    }
    if let Some(v) = o.sccp_variant {
        cfg.node.variant = Some(v);
        cfg.sccp.variant = Some(v);
    }
    cfg.validate()?;
    Ok(cfg)
}

/// The signalling stack of shard `index` of `count`.
fn node(
    cfg: &Config,
    index: usize,
    count: usize,
    subscribers: &SubscriberTable,
    routing: &crate::service::routing::RoutingTable,
    boot_ms: i64,
) -> Node {
    let mut node = Node::with_stack(
        NodeConfig {
            point_code: cfg.node.point_code,
            network_indicator: cfg.node.network_indicator,
            camel_ssn: cfg.sccp.camel_ssn,
            ain_ssn: Some(cfg.sccp.ain_ssn),
            instance: cfg.node.instance,
            shards: Shards {
                index: index as u32,
                count: count as u32,
            },
            // The dialogue limit is the node's: each shard holds its share.
            max_dialogues: cfg.tcap.max_dialogues.div_ceil(count),
            dialogue_idle: Duration::from_secs(cfg.tcap.dialogue_idle_seconds),
        },
        StackConfig {
            reassembly: cfg.sccp.reassembly,
            gt_rules: cfg.sccp.gt_rules.clone(),
            sccp_variant: cfg.variant(),
            hop_counter: cfg.sccp.hop_counter,
            scmg_concerned: cfg.sccp.scmg.concerned.clone(),
            inap_ssn: Some(cfg.sccp.inap_ssn),
            win_ssn: Some(cfg.sccp.win_ssn),
            decision_deadline: Duration::from_millis(cfg.decisions.deadline_ms),
            reset_timer: cfg.decisions.reset_timer(),
            ain: cfg.ain.settings(),
            hlr: cfg.hlr.settings(),
            ..StackConfig::default()
        },
        subscribers.clone(),
        boot_ms,
    );
    node.engine_mut().configure(crate::service::EngineConfig {
        routing: Some(routing.clone()),
        anchor_ttl_ms: i64::from(cfg.routing_numbers.anchor_ttl_seconds) * 1000,
        decisions: true,
        fallback: cfg.decisions.fallback_instruction(),
    });
    node
}

fn backoff(m: &config::M3ua) -> Backoff {
    Backoff::new(
        Duration::from_millis(m.reconnect_min_ms),
        Duration::from_millis(m.reconnect_max_ms),
    )
}

/// Run until SIGINT/SIGTERM; on SIGHUP read `source` again (see [`reload`]).
pub async fn run(cfg: Config, source: reload::Source) -> Result<(), String> {
    // From here on SIGTERM/SIGINT mean a clean stop (before readiness is reported, so a stop
    // that follows it at once is caught, not fatal).
    let stop_signals = StopSignals::new();
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
    let decisions = api::Broker::new(Duration::from_millis(cfg.decisions.deadline_ms));
    let (queries_tx, queries_rx) = mpsc::unbounded_channel();
    let (hlr_tx, hlr_rx) = mpsc::unbounded_channel();

    // The shards: their channels first (everyone reaches every shard), then their threads.
    let count = cfg.runtime.shards();
    let boot_ms = now_ms();
    let (handles, inboxes): (Vec<_>, Vec<_>) = (0..count).map(|_| shard::channels()).unzip();
    let m3ua_cfg = EndpointConfig::from_config(&cfg);
    let shared = Arc::new(Shared {
        net: Mutex::new(M3ua::new(Endpoint::new(m3ua_cfg.clone(), Instant::now()))),
        wake: Notify::new(),
        store: writer.clone(),
        shards: handles,
        queries: queries_tx,
        variant: cfg.variant(),
        win_ssn: Some(cfg.sccp.win_ssn),
        latency: Arc::default(),
    });
    let mut threads = Vec::new();
    for (i, inbox) in inboxes.into_iter().enumerate() {
        let mut n = node(&cfg, i, count, &subscribers, &routing, boot_ms);
        n.set_gap(crate::tcuser::camel::Gap {
            seconds: cfg.overload.gap_seconds,
            interval_ms: cfg.overload.gap_interval_ms,
        });
        let o = overload::Overload::new(overload::OverloadConfig {
            shed_after: Duration::from_millis(cfg.overload.shed_after_ms),
            refuse_after: Duration::from_millis(cfg.overload.refuse_after_ms),
            recover_after: Duration::from_millis(cfg.overload.recover_after_ms),
        });
        threads.push(shard::spawn(i, n, o, inbox, shared.clone()).map_err(|e| e.to_string())?);
    }
    info!(shards = count, "signalling stacks running");
    let asker = tokio::spawn(shard::ask(queries_rx, decisions.clone(), shared.clone()));
    let hlr_asker = tokio::spawn(shard::ask_hlr(hlr_rx, shared.clone()));
    info!(
        server_mode = ?cfg.m3ua.traffic_mode,
        client_mode = ?cfg.m3ua.connect_traffic_mode,
        t_r_ms = cfg.m3ua.t_r_ms,
        "M3UA application servers"
    );
    let (stop_tx, stop_rx) = watch::channel(false);
    let mut tasks = listen(&cfg, &m3ua_cfg, &shared, &stop_rx).await?;
    tasks.push(tokio::spawn(m3ua_timer(shared.clone(), stop_rx.clone())));

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
    let reloader = tokio::spawn(reload::on_hangup(
        source,
        cfg.clone(),
        shared.clone(),
        decisions.clone(),
        routing.clone(),
        stop_rx.clone(),
    ));
    let streams = Arc::new(api::Streams::default());
    let hlr = Arc::new(api::Hlr::new(
        cfg.hlr.enabled().then_some(hlr_tx),
        cfg.hlr.timeout(),
        Duration::from_secs(cfg.hlr.msrn_lifetime_seconds.into()),
    ));
    let collect = Collect {
        shared: shared.clone(),
        broker: decisions.clone(),
        routing: routing.clone(),
        streams: streams.clone(),
        subscribers: subscribers.clone(),
        hlr: hlr.clone(),
        started: Instant::now(),
    };
    let api = Api {
        writer: writer.clone(),
        subscribers,
        routing,
        decisions,
        stop: stop_rx.clone(),
        streams,
        auth: Arc::new(api::Auth::new(&cfg.tenants)),
        hlr,
    };
    let mut grpc_stop = stop_rx.clone();
    let node = api::NodeService(Arc::new(collect.clone()));
    let grpc = tokio::spawn(api::serve(
        api,
        node,
        grpc_server,
        grpc_listener,
        async move {
            let _ = grpc_stop.changed().await;
        },
    ));
    let metrics = serve_metrics(&cfg.metrics.listen, collect, stop_rx.clone()).await;
    info!(db = %db.display(), "scpd ready");
    // systemd's Type=notify: started means listening (a no-op without NOTIFY_SOCKET).
    if let Err(e) = sd_notify::notify(&[sd_notify::NotifyState::Ready]) {
        warn!(error = %e, "systemd readiness not sent");
    }

    stop_signals.wait().await;
    info!("shutting down: ending open dialogues");
    let _ = sd_notify::notify(&[sd_notify::NotifyState::Stopping]);
    // Every shard ends its dialogues; what that sends is queued before the associations
    // are told to stop, and their writers write it before they go.
    let mut sent = 0;
    for s in &shared.shards {
        let (tx, rx) = tokio::sync::oneshot::channel();
        if s.ctl.send(Control::Shutdown(tx)).is_ok() {
            sent += rx.await.unwrap_or(0);
        }
    }
    if sent > 0 {
        info!(messages = sent, "ended open dialogues");
    }
    let _ = stop_tx.send(true);
    // Undecided triggers were answered by the shards' shutdown; no more questions.
    asker.abort();
    hlr_asker.abort();
    for t in tasks {
        let _ = t.await;
    }
    let _ = sweeper.await;
    let _ = reloader.await;
    if let Some(m) = metrics {
        let _ = m.await;
    }
    // Streams end with UNAVAILABLE at the stop; a client that reads nothing any more could
    // still hold the graceful close, so it gets a bounded time.
    match tokio::time::timeout(GRPC_CLOSE, grpc).await {
        Ok(Ok(Err(e))) => warn!(error = %e, "gRPC server"),
        Ok(Err(e)) => warn!(error = %e, "gRPC task"),
        Ok(Ok(Ok(()))) => {}
        Err(_) => warn!("gRPC clients still connected at the stop: closed without waiting"),
    }
    for t in threads {
        let _ = tokio::task::spawn_blocking(move || t.join()).await;
    }
    writer.flush().await;
    writer.stop();
    let _ = tokio::task::spawn_blocking(move || store_thread.join()).await;
    info!("stopped");
    Ok(())
}

/// Where a scrape's numbers and `scpd status` come from.
#[derive(Clone)]
struct Collect {
    shared: Arc<Shared>,
    broker: Arc<api::Broker>,
    routing: crate::service::routing::RoutingTable,
    streams: Arc<api::Streams>,
    subscribers: SubscriberTable,
    hlr: Arc<api::Hlr>,
    started: Instant,
}

impl api::StatusSource for Collect {
    fn status(
        &self,
    ) -> std::pin::Pin<
        Box<dyn std::future::Future<Output = crate::proto::StatusResponse> + Send + '_>,
    > {
        Box::pin(async move {
            let s = self.snapshot().await;
            crate::proto::StatusResponse {
                version: env!("CARGO_PKG_VERSION").into(),
                uptime_seconds: self.started.elapsed().as_secs(),
                associations: s
                    .m3ua
                    .associations
                    .iter()
                    .map(|&(side, active)| crate::proto::AssociationStatus {
                        side: side.into(),
                        active,
                    })
                    .collect(),
                dialogues_open: s.shards.iter().map(|sh| sh.open_dialogues() as u64).sum(),
                subscribers: self.subscribers.read().map_or(0, |t| t.len() as u64),
                journal_sequence: self.shared.store.newest(),
                shards: s.shards.iter().map(|sh| sh.load.name().into()).collect(),
                event_streams: s.subscribers.len() as u64,
            }
        })
    }
}

impl Collect {
    /// Every shard's counters (one that does not answer within a second is left out of
    /// this scrape), the journal's, the decisions' and the routing-number pools'.
    async fn snapshot(&self) -> crate::metrics::stats::Snapshot {
        let mut s = self.shared.snapshot(Duration::from_secs(1)).await;
        s.decisions = self.broker.counts();
        s.hlr = self.hlr.counts();
        s.pools = self
            .routing
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .pool_stats();
        let newest = self.shared.store.newest();
        s.subscribers = self
            .streams
            .positions()
            .into_iter()
            .map(|(peer, sent)| (peer, newest.saturating_sub(sent)))
            .collect();
        s
    }
}

/// Serve `GET /metrics` on `listen` until the stop (none when empty). A port that cannot
/// be had is logged and the daemon runs without metrics: they must not keep an SCP from
/// answering calls.
async fn serve_metrics(
    listen: &str,
    from: Collect,
    mut stop: watch::Receiver<bool>,
) -> Option<tokio::task::JoinHandle<()>> {
    use axum::{http::header, routing::get, Router};
    if listen.is_empty() {
        return None;
    }
    let listener = match TcpListener::bind(listen).await {
        Ok(l) => l,
        Err(e) => {
            tracing::error!(addr = listen, error = %e, "metrics: cannot listen; running without them");
            return None;
        }
    };
    info!(addr = %listener.local_addr().map_or(listen.to_string(), |a| a.to_string()), "metrics listening");
    let from = Arc::new(from);
    let app = Router::new().route(
        "/metrics",
        get(move || {
            let from = from.clone();
            async move {
                let s = from.snapshot().await;
                (
                    [(header::CONTENT_TYPE, crate::metrics::CONTENT_TYPE)],
                    crate::metrics::render(&s),
                )
            }
        }),
    );
    Some(tokio::spawn(async move {
        let stopped = async move {
            let _ = stop.changed().await;
        };
        if let Err(e) = axum::serve(listener, app)
            .with_graceful_shutdown(stopped)
            .await
        {
            warn!(error = %e, "metrics server");
        }
    }))
}

/// Open the M3UA listeners (server side; IPSP peers, who send ASPUP/ASPAC first in a
/// single exchange, being the side that opened the association) and start the client side
/// (scpd as ASP towards SGs/STPs, RFC 4666 §4.3.4, and as IPSP towards IPSP peers).
async fn listen(
    cfg: &Config,
    m3ua_cfg: &EndpointConfig,
    shared: &Arc<Shared>,
    stop: &watch::Receiver<bool>,
) -> Result<Vec<tokio::task::JoinHandle<()>>, String> {
    let mut tasks = Vec::new();
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
                tasks.push(tokio::spawn(accept_loop(
                    l,
                    role,
                    shared.clone(),
                    stop.clone(),
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
        tasks.push(tokio::spawn(client_loop(
            url.clone(),
            ep,
            role,
            backoff(&cfg.m3ua),
            shared.clone(),
            stop.clone(),
        )));
    }
    if tasks.is_empty() {
        return Err("no M3UA listener could be opened (see the warnings above)".into());
    }
    Ok(tasks)
}

/// M3UA timers: T(r) of the application servers, the destination audit, T(ack) and BEAT
/// of the client and IPSP ASPs.
async fn m3ua_timer(shared: Arc<Shared>, mut stop: watch::Receiver<bool>) {
    loop {
        let deadline = shared.net.lock().expect("m3ua").endpoint.next_deadline();
        tokio::select! {
            _ = sleep_until(deadline) => {
                shared.m3ua(0, |m| m.endpoint.on_timeout(Instant::now(), &mut m.tx));
            }
            _ = shared.wake.notified() => {}
            _ = stop.changed() => return,
        }
    }
}

/// SIGTERM and SIGINT, caught from their creation on.
struct StopSignals {
    term: tokio::signal::unix::Signal,
    int: tokio::signal::unix::Signal,
}

impl StopSignals {
    fn new() -> StopSignals {
        use tokio::signal::unix::{signal, SignalKind};
        StopSignals {
            term: signal(SignalKind::terminate()).expect("SIGTERM handler"),
            int: signal(SignalKind::interrupt()).expect("SIGINT handler"),
        }
    }

    async fn wait(mut self) {
        tokio::select! {
            _ = self.int.recv() => {}
            _ = self.term.recv() => {}
        }
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
                    tasks.push(tokio::spawn(link::association(link, peer, role.clone(), shared.clone(), stop.clone())));
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
            Ok(Ok(l)) => {
                let active =
                    link::association(l, url.clone(), role.clone(), shared.clone(), stop.clone())
                        .await;
                if active {
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
