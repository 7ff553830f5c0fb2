//! gRPC adapter (tonic): CallEvents.Subscribe, Subscribers, health and reflection, all on one
//! port. It reads and writes through the store and the shared subscriber table; it never
//! touches protocol state.

use crate::proto::call_events_server::{CallEvents, CallEventsServer};
use crate::proto::subscribers_server::{Subscribers, SubscribersServer};
use crate::proto::{
    CallEvent, GetSubscriberRequest, ListSubscribersRequest, ListSubscribersResponse, Policy,
    RemoveSubscriberRequest, RemoveSubscriberResponse, SubscribeRequest, Subscriber,
};
use crate::service::SubscriberTable;
use crate::store;
use std::pin::Pin;
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
            loop {
                let mut live = writer.subscribe_live();
                // Replay everything committed so far.
                loop {
                    let path = writer.path().to_path_buf();
                    let after = last;
                    let page = tokio::task::spawn_blocking(move || {
                        let conn = store::open(&path)?;
                        store::read_events(&conn, after, REPLAY_PAGE)
                    })
                    .await;
                    let page = match page {
                        Ok(Ok(p)) => p,
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

#[tonic::async_trait]
impl Subscribers for Api {
    async fn add(&self, req: Request<Subscriber>) -> Result<Response<Subscriber>, Status> {
        let mut s = req.into_inner();
        check_number(&s.number)?;
        if s.policy() == Policy::Unspecified {
            s.policy = Policy::Pass as i32;
        }
        self.writer
            .put_subscriber(s.clone())
            .await
            .map_err(Status::internal)?;
        self.subscribers
            .write()
            .map_err(|_| Status::internal("subscriber table poisoned"))?
            .insert(s.number.clone(), s.clone());
        Ok(Response::new(s))
    }

    async fn get(
        &self,
        req: Request<GetSubscriberRequest>,
    ) -> Result<Response<Subscriber>, Status> {
        let n = req.into_inner().number;
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

    async fn remove(
        &self,
        req: Request<RemoveSubscriberRequest>,
    ) -> Result<Response<RemoveSubscriberResponse>, Status> {
        let n = req.into_inner().number;
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

/// Serve until `shutdown` resolves.
pub async fn serve(
    api: Api,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), tonic::transport::Error> {
    let (health, health_service) = tonic_health::server::health_reporter();
    health.set_serving::<CallEventsServer<Api>>().await;
    health.set_serving::<SubscribersServer<Api>>().await;
    let reflection = tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(crate::proto::FILE_DESCRIPTOR_SET)
        .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
        .build_v1()
        .expect("embedded descriptor sets are valid");
    tonic::transport::Server::builder()
        .add_service(health_service)
        .add_service(reflection)
        .add_service(CallEventsServer::new(api.clone()))
        .add_service(SubscribersServer::new(api))
        .serve_with_incoming_shutdown(
            tokio_stream::wrappers::TcpListenerStream::new(listener),
            shutdown,
        )
        .await
}
