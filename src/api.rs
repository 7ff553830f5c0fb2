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
        let mut stop = self.stop.clone();
        let (tx, rx) = mpsc::channel::<Result<CallEvent, Status>>(256);
        tokio::spawn(async move {
            let mut conn: Option<rusqlite::Connection> = None;
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

fn check_number(n: &str) -> Result<(), Status> {
    if n.is_empty() || n.len() > 32 || !n.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Status::invalid_argument(format!(
            "number {n:?}: want 1 to 32 digits, no '+' (nature of address is not part of it)"
        )));
    }
    Ok(())
}

fn check_subscriber(s: &mut Subscriber) -> Result<(), Status> {
    check_number(&s.number)?;
    if s.user.chars().count() > 256 {
        return Err(Status::invalid_argument("user: at most 256 characters"));
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
        if r.call_id.len() > 128 {
            return Err(Status::invalid_argument("call_id: at most 128 bytes"));
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
        tokio::spawn(async move {
            loop {
                let next = tokio::select! {
                    a = answers.message() => a,
                    _ = stop.changed() => break,
                };
                match next {
                    Ok(Some(a)) => {
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
        let queries = ReceiverStream::new(client.queries);
        Ok(Response::new(Box::pin(tokio_stream::StreamExt::map(
            queries, Ok,
        ))))
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

/// Serve until `shutdown` resolves.
pub async fn serve(
    api: Api,
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
    tonic::transport::Server::builder()
        .add_service(health_service)
        .add_service(reflection)
        .add_service(CallEventsServer::new(api.clone()))
        .add_service(SubscribersServer::new(api.clone()))
        .add_service(RoutingNumbersServer::new(api.clone()))
        .add_service(DecisionsServer::new(api))
        .serve_with_incoming_shutdown(
            tokio_stream::wrappers::TcpListenerStream::new(listener),
            shutdown,
        )
        .await
}
