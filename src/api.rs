//! gRPC adapter (tonic): CallEvents.Subscribe, Subscribers, RoutingNumbers, Decisions,
//! health and reflection, all on one port. It reads and writes through the store, the shared
//! subscriber and routing-number tables and the decision broker; it never touches protocol
//! state. Every request is validated first: INVALID_ARGUMENT names the field and what it
//! wants, NOT_FOUND / ALREADY_EXISTS / RESOURCE_EXHAUSTED / FAILED_PRECONDITION say what the
//! state refused.

use crate::decisions::Broker;
use crate::proto::call_events_server::{CallEvents, CallEventsServer};
use crate::proto::decisions_server::{Decisions, DecisionsServer};
use crate::proto::routing_numbers_server::{RoutingNumbers, RoutingNumbersServer};
use crate::proto::subscribers_server::{Subscribers, SubscribersServer};
use crate::proto::{
    AllocateRoutingNumberRequest, CallEvent, DecisionAnswer, DecisionQuery,
    GetRoutingNumberRequest, GetSubscriberRequest, ListRoutingNumbersRequest,
    ListRoutingNumbersResponse, ListSubscribersRequest, ListSubscribersResponse, Policy,
    ReleaseRoutingNumberRequest, ReleaseRoutingNumberResponse, RemoveSubscriberRequest,
    RemoveSubscriberResponse, RoutingNumber, SubscribeRequest, Subscriber,
};
use crate::routing::{PoolKind, RoutingError, RoutingTable};
use crate::service::SubscriberTable;
use crate::store;
use std::pin::Pin;
use std::sync::Arc;
use tokio::sync::{broadcast, mpsc};
use tokio_stream::wrappers::ReceiverStream;
use tokio_stream::Stream;
use tonic::{Request, Response, Status};

/// Replay reads this many journal rows at a time.
const REPLAY_PAGE: usize = 512;

#[derive(Clone)]
pub struct Api {
    pub writer: store::Writer,
    pub subscribers: SubscriberTable,
    pub routing: RoutingTable,
    pub decisions: Arc<Broker>,
    /// Turns true at shutdown: event streams end so the server can close gracefully.
    pub stop: tokio::sync::watch::Receiver<bool>,
}

type EventStream = Pin<Box<dyn Stream<Item = Result<CallEvent, Status>> + Send>>;

#[tonic::async_trait]
impl CallEvents for Api {
    type SubscribeStream = EventStream;

    /// Journal replay, then live events. The live receiver is taken *before* replay starts,
    /// so nothing committed during replay is missed; events already replayed are skipped
    /// by sequence, so nothing is sent twice. A subscriber that lags beyond the live buffer
    /// goes back to the journal from its last sequence.
    async fn subscribe(
        &self,
        req: Request<SubscribeRequest>,
    ) -> Result<Response<Self::SubscribeStream>, Status> {
        let mut last = req.into_inner().from_sequence;
        let writer = self.writer.clone();
        let first = check_from_sequence(&writer, last).await?;
        let mut stop = self.stop.clone();
        let (tx, rx) = mpsc::channel::<Result<CallEvent, Status>>(256);
        tokio::spawn(async move {
            let mut conn: Option<rusqlite::Connection> = Some(first);
            loop {
                let mut live = writer.subscribe_live();
                // Replay everything committed so far.
                loop {
                    let path = writer.path().to_path_buf();
                    let after = last;
                    let reader = conn.take();
                    let page = tokio::task::spawn_blocking(move || {
                        let c = match reader {
                            Some(c) => c,
                            None => store::open_reader(&path)?,
                        };
                        let page = store::read_events(&c, after, REPLAY_PAGE)?;
                        Ok::<_, store::StoreError>((c, page))
                    })
                    .await;
                    let page = match page {
                        Ok(Ok((c, p))) => {
                            conn = Some(c);
                            p
                        }
                        Ok(Err(e)) => {
                            let _ = tx.send(Err(Status::internal(e.to_string()))).await;
                            return;
                        }
                        Err(e) => {
                            let _ = tx.send(Err(Status::internal(e.to_string()))).await;
                            return;
                        }
                    };
                    let n = page.len();
                    for ev in page {
                        last = ev.sequence;
                        if tx.send(Ok(ev)).await.is_err() {
                            return;
                        }
                    }
                    if n < REPLAY_PAGE {
                        break;
                    }
                }
                // Follow live, until the subscriber goes away.
                loop {
                    let next = tokio::select! {
                        r = live.recv() => r,
                        _ = tx.closed() => return,
                        _ = stop.changed() => return,
                    };
                    match next {
                        Ok(ev) if ev.sequence <= last => {}
                        Ok(ev) => {
                            last = ev.sequence;
                            if tx.send(Ok((*ev).clone())).await.is_err() {
                                return;
                            }
                        }
                        // This subscriber fell more than the live buffer behind: back to
                        // the journal from its last sequence (no gap, no duplicate).
                        Err(broadcast::error::RecvError::Lagged(_)) => break,
                        Err(broadcast::error::RecvError::Closed) => return,
                    }
                }
            }
        });
        Ok(Response::new(Box::pin(ReceiverStream::new(rx))))
    }
}

/// A resume point must be one the journal can continue from without a gap: not past the
/// newest sequence ever issued (the client has another journal's sequences, e.g. after the
/// database was replaced) and not before events retention already deleted (they are gone,
/// and a silent skip would look like "no events"). 0 means the oldest retained event. The
/// reader opened for the check is handed on to the replay.
async fn check_from_sequence(
    writer: &store::Writer,
    from: u64,
) -> Result<rusqlite::Connection, Status> {
    let path = writer.path().to_path_buf();
    let (conn, bounds) = tokio::task::spawn_blocking(move || {
        let c = store::open_reader(&path)?;
        let b = store::journal_bounds(&c)?;
        Ok::<_, store::StoreError>((c, b))
    })
    .await
    .map_err(|e| Status::internal(e.to_string()))?
    .map_err(|e| Status::unavailable(format!("journal: {e}")))?;
    let (oldest, issued) = bounds;
    if from > issued {
        return Err(Status::out_of_range(format!(
            "from_sequence {from}: past the newest event {issued} of this journal"
        )));
    }
    if from != 0 && from + 1 < oldest {
        return Err(Status::out_of_range(format!(
            "from_sequence {from}: events up to {} were deleted by retention; \
             resume from {} (or 0) to accept the gap",
            oldest - 1,
            oldest - 1
        )));
    }
    Ok(conn)
}

fn check_number(n: &str) -> Result<(), Status> {
    check_digits("number", n)
}

/// `field` holds 1 to 32 decimal digits: the form numbers are enrolled and allocated in.
fn check_digits(field: &str, n: &str) -> Result<(), Status> {
    if n.is_empty() || n.len() > 32 || !n.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Status::invalid_argument(format!(
            "{field} {n:?}: want 1 to 32 digits, no '+' (nature of address is not part of it)"
        )));
    }
    Ok(())
}

fn check_subscriber(s: &mut Subscriber) -> Result<(), Status> {
    check_number(&s.number)?;
    if s.user.chars().count() > 256 || s.user.chars().any(char::is_control) {
        return Err(Status::invalid_argument(
            "user: at most 256 printable characters",
        ));
    }
    match Policy::try_from(s.policy) {
        Ok(Policy::Unspecified) => s.policy = Policy::Pass as i32,
        Ok(_) => {}
        Err(_) => {
            return Err(Status::invalid_argument(format!(
                "policy {}: want PASS, MONITOR, ANCHOR or DECIDE",
                s.policy
            )))
        }
    }
    if s.terminals.len() > 32 {
        return Err(Status::invalid_argument("terminals: at most 32"));
    }
    let mut ids = std::collections::HashSet::new();
    for (i, t) in s.terminals.iter().enumerate() {
        let n = t.id.chars().count();
        if n == 0 || n > 128 || t.id.chars().any(char::is_control) {
            return Err(Status::invalid_argument(format!(
                "terminals[{i}].id: want 1 to 128 printable characters"
            )));
        }
        if t.label.chars().count() > 128 || t.label.chars().any(char::is_control) {
            return Err(Status::invalid_argument(format!(
                "terminals[{i}].label: at most 128 printable characters"
            )));
        }
        if !ids.insert(t.id.as_str()) {
            return Err(Status::invalid_argument(format!(
                "terminals[{i}].id {:?} is given twice",
                t.id
            )));
        }
    }
    Ok(())
}

impl Api {
    async fn put(&self, mut s: Subscriber, create_only: bool) -> Result<Subscriber, Status> {
        check_subscriber(&mut s)?;
        match self.writer.put_subscriber(s.clone(), create_only).await {
            Ok(()) => {}
            Err(e) if e == store::EXISTS => {
                return Err(Status::already_exists(format!(
                    "subscriber {} is enrolled (Add replaces)",
                    s.number
                )))
            }
            Err(e) => return Err(Status::internal(e)),
        }
        self.subscribers
            .write()
            .map_err(|_| Status::internal("subscriber table poisoned"))?
            .insert(s.number.clone(), s.clone());
        Ok(s)
    }
}

#[tonic::async_trait]
impl Subscribers for Api {
    async fn add(&self, req: Request<Subscriber>) -> Result<Response<Subscriber>, Status> {
        self.put(req.into_inner(), false).await.map(Response::new)
    }

    async fn create(&self, req: Request<Subscriber>) -> Result<Response<Subscriber>, Status> {
        self.put(req.into_inner(), true).await.map(Response::new)
    }

    async fn get(
        &self,
        req: Request<GetSubscriberRequest>,
    ) -> Result<Response<Subscriber>, Status> {
        let n = req.into_inner().number;
        check_number(&n)?;
        self.subscribers
            .read()
            .map_err(|_| Status::internal("subscriber table poisoned"))?
            .get(&n)
            .cloned()
            .map(Response::new)
            .ok_or_else(|| Status::not_found(format!("no subscriber {n}")))
    }

    async fn list(
        &self,
        _: Request<ListSubscribersRequest>,
    ) -> Result<Response<ListSubscribersResponse>, Status> {
        let mut subscribers: Vec<Subscriber> = self
            .subscribers
            .read()
            .map_err(|_| Status::internal("subscriber table poisoned"))?
            .values()
            .cloned()
            .collect();
        subscribers.sort_by(|a, b| a.number.cmp(&b.number));
        Ok(Response::new(ListSubscribersResponse { subscribers }))
    }

    /// `removed` false when the number was not enrolled (kept from the first release rather
    /// than NOT_FOUND, so existing clients keep working).
    async fn remove(
        &self,
        req: Request<RemoveSubscriberRequest>,
    ) -> Result<Response<RemoveSubscriberResponse>, Status> {
        let n = req.into_inner().number;
        check_number(&n)?;
        let removed = self
            .writer
            .remove_subscriber(n.clone())
            .await
            .map_err(Status::internal)?;
        self.subscribers
            .write()
            .map_err(|_| Status::internal("subscriber table poisoned"))?
            .remove(&n);
        Ok(Response::new(RemoveSubscriberResponse { removed }))
    }
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// Longest TTL a routing number may have (a day: a transfer is set up in seconds).
pub const MAX_TTL_SECONDS: u32 = 86_400;

fn routing_status(e: RoutingError) -> Status {
    match e {
        RoutingError::Exhausted(_) => Status::resource_exhausted(e.to_string()),
        RoutingError::NoPool(_) => Status::not_found(e.to_string()),
        RoutingError::NoPoolOfKind(_) => Status::failed_precondition(e.to_string()),
        RoutingError::BadPool(..) => Status::internal(e.to_string()),
    }
}

impl Api {
    fn routing(&self) -> Result<std::sync::MutexGuard<'_, crate::routing::Allocator>, Status> {
        self.routing
            .lock()
            .map_err(|_| Status::internal("routing table poisoned"))
    }
}

#[tonic::async_trait]
impl RoutingNumbers for Api {
    /// The number is committed to the store before it is returned: once the caller has it,
    /// a crash neither forgets nor reissues it.
    async fn allocate(
        &self,
        req: Request<AllocateRoutingNumberRequest>,
    ) -> Result<Response<RoutingNumber>, Status> {
        let r = req.into_inner();
        if r.target.is_empty()
            || r.target.len() > 24
            || !r.target.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(Status::invalid_argument(format!(
                "target {:?}: want 1 to 24 digits (international format, no '+')",
                r.target
            )));
        }
        if r.ttl_seconds == 0 || r.ttl_seconds > MAX_TTL_SECONDS {
            return Err(Status::invalid_argument(format!(
                "ttl_seconds {}: want 1 to {MAX_TTL_SECONDS}",
                r.ttl_seconds
            )));
        }
        if r.call_id.len() > 128 || r.call_id.chars().any(char::is_control) {
            return Err(Status::invalid_argument(
                "call_id: at most 128 bytes, printable",
            ));
        }
        if r.pool.len() > 64 {
            return Err(Status::invalid_argument("pool: at most 64 bytes"));
        }
        let a = self
            .routing()?
            .allocate(
                &r.pool,
                PoolKind::Trn,
                &r.target,
                i64::from(r.ttl_seconds) * 1000,
                &r.call_id,
                now_ms(),
            )
            .map_err(routing_status)?;
        if let Err(e) = self.writer.commit().await {
            // Not durable: it must not be used either.
            self.routing()?.release(&a.number);
            return Err(Status::unavailable(format!("store: {e}")));
        }
        Ok(Response::new(a.to_proto()))
    }

    async fn release(
        &self,
        req: Request<ReleaseRoutingNumberRequest>,
    ) -> Result<Response<ReleaseRoutingNumberResponse>, Status> {
        let n = req.into_inner().number;
        check_number(&n)?;
        if self.routing()?.release(&n).is_none() {
            return Err(Status::not_found(format!(
                "{n} is not a live routing number"
            )));
        }
        self.writer.commit().await.map_err(Status::unavailable)?;
        Ok(Response::new(ReleaseRoutingNumberResponse {
            released: true,
        }))
    }

    async fn get(
        &self,
        req: Request<GetRoutingNumberRequest>,
    ) -> Result<Response<RoutingNumber>, Status> {
        let n = req.into_inner().number;
        check_number(&n)?;
        self.routing()?
            .get(&n, now_ms())
            .map(|a| Response::new(a.to_proto()))
            .ok_or_else(|| Status::not_found(format!("{n} is not a live routing number")))
    }

    async fn list(
        &self,
        req: Request<ListRoutingNumbersRequest>,
    ) -> Result<Response<ListRoutingNumbersResponse>, Status> {
        let pool = req.into_inner().pool;
        if pool.len() > 64 {
            return Err(Status::invalid_argument("pool: at most 64 bytes"));
        }
        let r = self.routing()?;
        if !pool.is_empty() && !r.has_pool(&pool) {
            return Err(Status::not_found(format!("no pool {pool:?}")));
        }
        let numbers = r
            .list(&pool, now_ms())
            .iter()
            .map(|a| a.to_proto())
            .collect();
        Ok(Response::new(ListRoutingNumbersResponse { numbers }))
    }
}

type QueryStream = Pin<Box<dyn Stream<Item = Result<DecisionQuery, Status>> + Send>>;

#[tonic::async_trait]
impl Decisions for Api {
    type SessionStream = QueryStream;

    /// One decision client: queries out, answers in. When its answer stream ends (or
    /// breaks) the client is gone and its pending queries move to another client.
    async fn session(
        &self,
        req: Request<tonic::Streaming<DecisionAnswer>>,
    ) -> Result<Response<Self::SessionStream>, Status> {
        let mut answers = req.into_inner();
        let client = self.decisions.connect();
        let id = client.id;
        let broker = self.decisions.clone();
        let mut stop = self.stop.clone();
        // A malformed answer ends the session with INVALID_ARGUMENT (a stream has no other
        // way to say which message was wrong); its query stays pending and moves to another
        // client like every other query of a client that goes.
        let (refuse, refused) = mpsc::channel::<Result<DecisionQuery, Status>>(1);
        tokio::spawn(async move {
            loop {
                let next = tokio::select! {
                    a = answers.message() => a,
                    _ = stop.changed() => break,
                };
                match next {
                    Ok(Some(a)) => {
                        if let Err(st) = check_answer(&a) {
                            tracing::warn!(client = id, query = a.query_id, error = %st.message(),
                                "decision client sent a malformed answer; session ended");
                            let _ = refuse.try_send(Err(st));
                            break;
                        }
                        if !broker.answer(id, a.clone()) {
                            tracing::debug!(
                                client = id,
                                query = a.query_id,
                                "late or unknown decision answer"
                            );
                        }
                    }
                    Ok(None) | Err(_) => break,
                }
            }
            broker.disconnect(id);
        });
        let queries = tokio_stream::StreamExt::map(ReceiverStream::new(client.queries), Ok);
        // Ends after the queries: the sender is dropped (without a status) or has sent one.
        let refused = ReceiverStream::new(refused);
        Ok(Response::new(Box::pin(tokio_stream::StreamExt::merge(
            queries, refused,
        ))))
    }
}

/// A decision answer the engine can carry out as given: exactly one action, each field
/// within what [`crate::service::Engine`] accepts (anything else would silently become the
/// fallback instruction).
fn check_answer(a: &DecisionAnswer) -> Result<(), Status> {
    use crate::proto::decision_answer::Action;
    if a.query_id == 0 {
        return Err(Status::invalid_argument(
            "query_id: 0 is no query (copy DecisionQuery.query_id)",
        ));
    }
    match &a.action {
        None => Err(Status::invalid_argument(
            "action: want one of continue_call, connect_to, release_cause, routing_number",
        )),
        Some(Action::ContinueCall(_)) => Ok(()),
        Some(Action::ConnectTo(d)) => match d.parse::<crate::digits::Digits>() {
            Ok(_) if !d.is_empty() => Ok(()),
            Ok(_) => Err(Status::invalid_argument("connect_to: empty")),
            Err(e) => Err(Status::invalid_argument(format!("connect_to {d:?}: {e}"))),
        },
        Some(Action::ReleaseCause(c)) if (1..=127).contains(c) => Ok(()),
        Some(Action::ReleaseCause(c)) => Err(Status::invalid_argument(format!(
            "release_cause {c}: want a Q.850 cause value 1 to 127"
        ))),
        Some(Action::RoutingNumber(n)) => check_digits("routing_number", n),
    }
}

/// Free routing numbers past their expiry every `every` until `stop` turns true.
pub async fn sweep_routing_numbers(
    routing: RoutingTable,
    every: std::time::Duration,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    let mut iv = tokio::time::interval(every);
    loop {
        tokio::select! {
            _ = iv.tick() => {}
            _ = stop.changed() => return,
        }
        let n = routing.lock().map(|mut r| r.expire(now_ms())).unwrap_or(0);
        if n > 0 {
            tracing::info!(numbers = n, "routing numbers expired");
        }
    }
}

/// Largest request message accepted (OUT_OF_RANGE beyond): the biggest valid one, a
/// subscriber with 32 terminals, is a few kilobytes.
pub const MAX_REQUEST_BYTES: usize = 64 * 1024;

/// A TLS handshake not done in this time is dropped, so idle connections cannot hold the
/// acceptor.
const TLS_HANDSHAKE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// An error with its causes (tonic's and rustls' errors say what went wrong only there).
fn chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut src = e.source();
    while let Some(c) = src {
        s.push_str(": ");
        s.push_str(&c.to_string());
        src = c.source();
    }
    s
}

/// The gRPC server for `[grpc]`: TLS when `tls_cert`/`tls_key` are set, requiring a client
/// certificate signed by `tls_client_ca` when that is set, plaintext otherwise. Everything
/// is checked here, before anything listens: unreadable or non-PEM files and a key that does
/// not belong to the certificate are errors naming the configuration key. Plaintext on an
/// address other than loopback is served (a private network may want it) but logged as a
/// warning, since anyone who reaches the port can then enrol subscribers and take decisions.
pub fn grpc_server(cfg: &crate::config::Config) -> Result<tonic::transport::Server, String> {
    use tonic::transport::{Certificate, Identity, ServerTlsConfig};
    let addr = cfg.grpc_addr().map_err(|e| e.to_string())?;
    let builder = tonic::transport::Server::builder();
    let Some(tls) = cfg.grpc.load_tls().map_err(|e| e.to_string())? else {
        if !addr.ip().is_loopback() {
            tracing::warn!(
                %addr,
                "gRPC is served WITHOUT TLS on a non-loopback address: anyone who can reach \
                 it can read call events, change subscribers and answer decisions; set \
                 grpc.tls_cert and grpc.tls_key (and grpc.tls_client_ca) or listen on \
                 127.0.0.1"
            );
        }
        return Ok(builder);
    };
    let mut t = ServerTlsConfig::new()
        .identity(Identity::from_pem(&tls.cert, &tls.key))
        .timeout(TLS_HANDSHAKE_TIMEOUT);
    match &tls.client_ca {
        Some(ca) => t = t.client_ca_root(Certificate::from_pem(ca)),
        None if !addr.ip().is_loopback() => tracing::warn!(
            %addr,
            "gRPC over TLS without client certificates (grpc.tls_client_ca): any client \
             that reaches it is served"
        ),
        None => {}
    }
    let mutual = tls.client_ca.is_some();
    let b = builder.tls_config(t).map_err(|e| {
        format!(
            "grpc.tls_cert / grpc.tls_key ({} / {}): {}",
            cfg.grpc.tls_cert.as_deref().unwrap_or_default(),
            cfg.grpc.tls_key.as_deref().unwrap_or_default(),
            chain(&e)
        )
    })?;
    tracing::info!(%addr, client_certificates = mutual, "gRPC over TLS");
    Ok(b)
}

/// Serve on `listener` with `server` (from [`grpc_server`]) until `shutdown` resolves.
pub async fn serve(
    api: Api,
    mut server: tonic::transport::Server,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), tonic::transport::Error> {
    let (health, health_service) = tonic_health::server::health_reporter();
    health.set_serving::<CallEventsServer<Api>>().await;
    health.set_serving::<SubscribersServer<Api>>().await;
    health.set_serving::<RoutingNumbersServer<Api>>().await;
    health.set_serving::<DecisionsServer<Api>>().await;
    let reflection = tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(crate::proto::FILE_DESCRIPTOR_SET)
        .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
        .build_v1()
        .expect("embedded descriptor sets are valid");
    server
        .add_service(health_service)
        .add_service(reflection)
        .add_service(
            CallEventsServer::new(api.clone()).max_decoding_message_size(MAX_REQUEST_BYTES),
        )
        .add_service(
            SubscribersServer::new(api.clone()).max_decoding_message_size(MAX_REQUEST_BYTES),
        )
        .add_service(
            RoutingNumbersServer::new(api.clone()).max_decoding_message_size(MAX_REQUEST_BYTES),
        )
        .add_service(DecisionsServer::new(api).max_decoding_message_size(MAX_REQUEST_BYTES))
        .serve_with_incoming_shutdown(
            tokio_stream::wrappers::TcpListenerStream::new(listener),
            shutdown,
        )
        .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::decision_answer::Action;
    use crate::proto::decisions_client::DecisionsClient;
    use crate::proto::{EventKind, Terminal};
    use std::time::Duration;
    use tonic::Code;

    fn api(name: &str) -> (Api, tokio::sync::watch::Sender<bool>) {
        let path = std::env::temp_dir().join(format!("scpd-api-{}-{name}.db", std::process::id()));
        let _ = std::fs::remove_file(&path);
        let (writer, _h) = store::Writer::start(&path).unwrap();
        let (stop_tx, stop) = tokio::sync::watch::channel(false);
        let api = Api {
            writer,
            subscribers: Default::default(),
            routing: Arc::new(std::sync::Mutex::new(
                crate::routing::Allocator::new(&[]).unwrap(),
            )),
            decisions: Broker::new(Duration::from_secs(5)),
            stop,
        };
        (api, stop_tx)
    }

    async fn subscribe_code(api: &Api, from: u64) -> Code {
        match api
            .subscribe(Request::new(SubscribeRequest {
                from_sequence: from,
            }))
            .await
        {
            Ok(_) => Code::Ok,
            Err(s) => s.code(),
        }
    }

    /// Resume points past the journal's newest sequence, or before what retention kept,
    /// would silently skip events: OUT_OF_RANGE. The newest sequence counts even after
    /// retention deleted every row.
    #[tokio::test(flavor = "multi_thread")]
    async fn subscribe_refuses_resume_points_the_journal_cannot_continue_from() {
        let (api, _stop) = api("from");
        assert_eq!(subscribe_code(&api, 0).await, Code::Ok);
        assert_eq!(subscribe_code(&api, 1).await, Code::OutOfRange);
        for i in 0..5 {
            api.writer
                .append(CallEvent {
                    call_id: format!("c{i}"),
                    kind: EventKind::Trigger as i32,
                    ..Default::default()
                })
                .unwrap();
        }
        api.writer.flush().await;
        assert_eq!(subscribe_code(&api, 5).await, Code::Ok);
        assert_eq!(subscribe_code(&api, 6).await, Code::OutOfRange);
        // Retention deletes 1..=3: resuming after 3 (or from 0) is whole, after 2 is not.
        let c = store::open(api.writer.path()).unwrap();
        c.execute("DELETE FROM event WHERE sequence <= 3", [])
            .unwrap();
        assert_eq!(subscribe_code(&api, 2).await, Code::OutOfRange);
        assert_eq!(subscribe_code(&api, 3).await, Code::Ok);
        assert_eq!(subscribe_code(&api, 0).await, Code::Ok);
        c.execute("DELETE FROM event", []).unwrap();
        assert_eq!(subscribe_code(&api, 5).await, Code::Ok);
        assert_eq!(subscribe_code(&api, 4).await, Code::OutOfRange);
        assert_eq!(subscribe_code(&api, 6).await, Code::OutOfRange);
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn subscriber_and_routing_requests_name_the_bad_field() {
        let (api, _stop) = api("fields");
        let bad = |s: Subscriber| async {
            let e = api.add(Request::new(s)).await.unwrap_err();
            assert_eq!(e.code(), Code::InvalidArgument, "{e:?}");
            e.message().to_string()
        };
        let ok = Subscriber {
            number: "491700000001".into(),
            ..Default::default()
        };
        assert!(bad(Subscriber {
            number: "+4917".into(),
            ..ok.clone()
        })
        .await
        .starts_with("number"));
        assert!(bad(Subscriber {
            user: "a\nb".into(),
            ..ok.clone()
        })
        .await
        .starts_with("user"));
        assert!(bad(Subscriber {
            policy: 99,
            ..ok.clone()
        })
        .await
        .starts_with("policy"));
        let t = |id: &str| Terminal {
            id: id.into(),
            label: String::new(),
        };
        assert!(bad(Subscriber {
            terminals: vec![t("a"), t("a")],
            ..ok.clone()
        })
        .await
        .starts_with("terminals[1].id"));
        // Unspecified policy is PASS; Create of an enrolled number is ALREADY_EXISTS.
        let s = api
            .add(Request::new(ok.clone()))
            .await
            .unwrap()
            .into_inner();
        assert_eq!(s.policy(), Policy::Pass);
        let e = Subscribers::create(&api, Request::new(ok))
            .await
            .unwrap_err();
        assert_eq!(e.code(), Code::AlreadyExists);
        let e = Subscribers::get(
            &api,
            Request::new(GetSubscriberRequest {
                number: "4930".into(),
            }),
        )
        .await
        .unwrap_err();
        assert_eq!(e.code(), Code::NotFound);

        let alloc = |target: &str, ttl, call_id: &str| AllocateRoutingNumberRequest {
            target: target.into(),
            ttl_seconds: ttl,
            call_id: call_id.into(),
            pool: String::new(),
        };
        for (req, field) in [
            (alloc("", 60, ""), "target"),
            (alloc("49x", 60, ""), "target"),
            (alloc("4930", 0, ""), "ttl_seconds"),
            (alloc("4930", MAX_TTL_SECONDS + 1, ""), "ttl_seconds"),
            (alloc("4930", 60, "a\u{7}"), "call_id"),
        ] {
            let e = api.allocate(Request::new(req)).await.unwrap_err();
            assert_eq!(e.code(), Code::InvalidArgument);
            assert!(e.message().starts_with(field), "{field}: {e:?}");
        }
        // No TRN pool configured: the request is fine, the state refuses it.
        let e = api
            .allocate(Request::new(alloc("4930", 60, "")))
            .await
            .unwrap_err();
        assert_eq!(e.code(), Code::FailedPrecondition, "{e:?}");
        let e = RoutingNumbers::list(
            &api,
            Request::new(ListRoutingNumbersRequest {
                pool: "p".repeat(65),
            }),
        )
        .await
        .unwrap_err();
        assert_eq!(e.code(), Code::InvalidArgument);
        let e = RoutingNumbers::list(
            &api,
            Request::new(ListRoutingNumbersRequest { pool: "x".into() }),
        )
        .await
        .unwrap_err();
        assert_eq!(e.code(), Code::NotFound);
    }

    #[test]
    fn decision_answers_are_checked_field_by_field() {
        let a = |query_id, action| DecisionAnswer { query_id, action };
        let field = |d: DecisionAnswer| check_answer(&d).unwrap_err().message().to_string();
        assert!(check_answer(&a(1, Some(Action::ContinueCall(Default::default())))).is_ok());
        assert!(check_answer(&a(1, Some(Action::ConnectTo("4930123".into())))).is_ok());
        assert!(check_answer(&a(1, Some(Action::ReleaseCause(31)))).is_ok());
        assert!(check_answer(&a(1, Some(Action::RoutingNumber("999100001".into())))).is_ok());
        assert!(field(a(0, Some(Action::ReleaseCause(31)))).starts_with("query_id"));
        assert!(field(a(1, None)).starts_with("action"));
        assert!(field(a(1, Some(Action::ConnectTo(String::new())))).starts_with("connect_to"));
        assert!(field(a(1, Some(Action::ConnectTo("49 30".into())))).starts_with("connect_to"));
        assert!(field(a(1, Some(Action::ReleaseCause(0)))).starts_with("release_cause"));
        assert!(field(a(1, Some(Action::ReleaseCause(128)))).starts_with("release_cause"));
        assert!(field(a(1, Some(Action::RoutingNumber("+1".into())))).starts_with("routing_number"));
    }

    /// Over a real gRPC connection: a client that sends a malformed answer gets
    /// INVALID_ARGUMENT on its stream, and its query is answered by the other client.
    #[tokio::test(flavor = "multi_thread")]
    async fn a_malformed_decision_answer_ends_that_session_and_the_query_moves_on() {
        let (api, stop_tx) = api("decide");
        let broker = api.decisions.clone();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let mut stop = stop_tx.subscribe();
        let server = tokio::spawn(serve(
            api,
            tonic::transport::Server::builder(),
            listener,
            async move {
                let _ = stop.changed().await;
            },
        ));
        let session = |url: String| async move {
            let (tx, rx) = mpsc::channel::<DecisionAnswer>(4);
            let mut c = DecisionsClient::connect(url).await.unwrap();
            let queries = c
                .session(ReceiverStream::new(rx))
                .await
                .unwrap()
                .into_inner();
            (tx, queries)
        };
        let (bad_tx, mut bad_rx) = session(url.clone()).await;
        while broker.clients() < 1 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let asked = tokio::spawn({
            let broker = broker.clone();
            async move {
                broker
                    .ask(
                        CallEvent {
                            call_id: "c1".into(),
                            ..Default::default()
                        },
                        0,
                    )
                    .await
            }
        });
        let q = bad_rx.message().await.unwrap().unwrap();
        let (good_tx, mut good_rx) = session(url).await;
        while broker.clients() < 2 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        bad_tx
            .send(DecisionAnswer {
                query_id: q.query_id,
                action: Some(Action::ReleaseCause(300)),
            })
            .await
            .unwrap();
        let e = bad_rx.message().await.unwrap_err();
        assert_eq!(e.code(), Code::InvalidArgument);
        assert!(e.message().starts_with("release_cause 300"), "{e:?}");
        let moved = good_rx.message().await.unwrap().unwrap();
        assert_eq!(moved.query_id, q.query_id);
        good_tx
            .send(DecisionAnswer {
                query_id: moved.query_id,
                action: Some(Action::ReleaseCause(17)),
            })
            .await
            .unwrap();
        let answer = asked.await.unwrap().expect("answered by the good client");
        assert_eq!(answer.action, Some(Action::ReleaseCause(17)));
        let _ = stop_tx.send(true);
        drop((bad_tx, good_tx, good_rx));
        let _ = server.await;
    }
}
