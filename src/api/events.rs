//! `CallEvents.Subscribe`: journal replay, then live commits, with no gap and no duplicate.

use super::Api;
use crate::proto::call_events_server::CallEvents;
use crate::proto::{AckRequest, AckResponse, CallEvent, EventKind, Protocol, SubscribeRequest};
use crate::store;
use crate::store::Since;
use futures_util::StreamExt;
use std::collections::BTreeMap;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;
use tokio_stream::Stream;
use tonic::{Request, Response, Status};

/// Replay reads this many journal rows at a time.
const REPLAY_PAGE: usize = 512;

/// The open event streams and the last sequence each was handed, for metrics (a
/// subscriber's lag behind the journal).
#[derive(Debug, Default)]
pub struct Streams {
    next: AtomicU64,
    open: Mutex<BTreeMap<u64, (String, Arc<AtomicU64>)>>,
}

impl Streams {
    /// A stream to `peer` from sequence `from`; it is forgotten when the guard drops.
    fn open(self: &Arc<Self>, peer: String, from: u64) -> StreamGuard {
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        let sent = Arc::new(AtomicU64::new(from));
        self.open
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(id, (peer, sent.clone()));
        StreamGuard {
            streams: self.clone(),
            id,
            sent,
        }
    }

    /// Each open stream's peer and the last sequence handed to it.
    pub fn positions(&self) -> Vec<(String, u64)> {
        let open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        open.values()
            .map(|(peer, sent)| (peer.clone(), sent.load(Ordering::Relaxed)))
            .collect()
    }
}

struct StreamGuard {
    streams: Arc<Streams>,
    id: u64,
    sent: Arc<AtomicU64>,
}

impl StreamGuard {
    fn sent(&self, sequence: u64) {
        self.sent.store(sequence, Ordering::Relaxed);
    }
}

impl Drop for StreamGuard {
    fn drop(&mut self) {
        let mut open = self.streams.open.lock().unwrap_or_else(|p| p.into_inner());
        open.remove(&self.id);
    }
}

type EventStream = Pin<Box<dyn Stream<Item = Result<CallEvent, Status>> + Send>>;

/// A request's filters, checked once: an event passes when it matches each non-empty list,
/// and it concerns the caller's tenant.
#[derive(Debug, Default)]
struct Filter {
    kinds: Vec<i32>,
    subscribers: Vec<String>,
    protocols: Vec<i32>,
    /// The caller's tenant (`None`: an admin, every event).
    tenant: Option<String>,
    /// Every event passes as it is.
    all: bool,
}

impl Filter {
    /// INVALID_ARGUMENT naming the member for a value no event can have.
    fn new(r: &SubscribeRequest, tenant: Option<&str>) -> Result<Filter, Status> {
        let bad = |field: &str, v: &dyn std::fmt::Display| {
            Status::invalid_argument(format!("{field}: {v} names no {field} of an event"))
        };
        if let Some(k) = r
            .kinds
            .iter()
            .find(|k| **k == 0 || EventKind::try_from(**k).is_err())
        {
            return Err(bad("kinds", k));
        }
        if let Some(p) = r
            .protocols
            .iter()
            .find(|p| **p == 0 || Protocol::try_from(**p).is_err())
        {
            return Err(bad("protocols", p));
        }
        if let Some(s) = r.subscribers.iter().find(|s| s.is_empty()) {
            return Err(bad("subscribers", &format!("{s:?}")));
        }
        Ok(Filter {
            kinds: r.kinds.clone(),
            subscribers: r.subscribers.clone(),
            protocols: r.protocols.clone(),
            tenant: tenant.map(str::to_string),
            all: r.kinds.is_empty()
                && r.protocols.is_empty()
                && r.subscribers.is_empty()
                && tenant.is_none(),
        })
    }

    fn passes(&self, e: &CallEvent) -> bool {
        (self.kinds.is_empty() || self.kinds.contains(&e.kind))
            && (self.protocols.is_empty() || self.protocols.contains(&e.protocol))
            && (self.subscribers.is_empty() || self.subscribers.contains(&e.subscriber))
            && self.tenant.as_ref().is_none_or(|t| e.tenants.contains(t))
    }

    /// The events of `batch` that pass, as the caller's tenant may see them: a call whose
    /// served subscriber is another tenant's comes without that subscriber's enrolment
    /// (user, terminals, policy), and no event names a tenant but the caller's.
    fn keep(&self, mut batch: Vec<CallEvent>) -> Vec<CallEvent> {
        if self.all {
            return batch;
        }
        batch.retain(|e| self.passes(e));
        if let Some(t) = &self.tenant {
            for e in &mut batch {
                if e.tenants.first() != Some(t) {
                    e.user.clear();
                    e.terminals.clear();
                    e.policy = 0;
                }
                e.tenants.retain(|n| n == t);
            }
        }
        batch
    }
}

#[tonic::async_trait]
impl CallEvents for Api {
    type SubscribeStream = EventStream;

    /// Journal replay, then the live tail from the last sequence replayed: nothing
    /// committed during replay is missed, nothing is sent twice. A subscriber that lags
    /// beyond the tail goes back to the journal from its last sequence. The request's
    /// filters drop events at the server; the position still counts every event. A
    /// durable consumer starts after its acknowledged position when from_sequence is 0.
    async fn subscribe(
        &self,
        req: Request<SubscribeRequest>,
    ) -> Result<Response<Self::SubscribeStream>, Status> {
        let caller = self.caller(&req)?;
        let peer = req
            .remote_addr()
            .map_or_else(|| "unknown".to_string(), |a| a.to_string());
        let req = req.into_inner();
        let filter = Filter::new(&req, caller.tenant())?;
        let consumer = (!req.consumer.is_empty())
            .then(|| self.consumer(&caller, &req.consumer))
            .transpose()?;
        let writer = self.writer.clone();
        let (first, mut last) = check_from_sequence(&writer, req.from_sequence, consumer).await?;
        let position = self.streams.open(peer, last);
        let mut stop = self.stop.clone();
        // Whole pages and commits go through the channel; the stream below hands tonic
        // their events one after the other, and tonic writes what is ready in one frame.
        let (tx, rx) = mpsc::channel::<Result<Vec<CallEvent>, Status>>(8);
        tokio::spawn(async move {
            let mut conn: Option<rusqlite::Connection> = Some(first);
            loop {
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
                    if let Some(ev) = page.last() {
                        last = ev.sequence;
                        position.sent(last);
                        let page = filter.keep(page);
                        if !page.is_empty() && tx.send(Ok(page)).await.is_err() {
                            return;
                        }
                    }
                    if n < REPLAY_PAGE {
                        break;
                    }
                }
                // Follow the live tail, until the subscriber goes away. What the tail no
                // longer holds (this subscriber fell behind it) is read from the journal
                // again, from the last sequence sent: no gap, no duplicate.
                let mut live = writer.follow();
                loop {
                    match live.since(last) {
                        Since::Gap => break,
                        Since::Events(fresh) => {
                            if let Some(ev) = fresh.last() {
                                last = ev.sequence;
                                position.sent(last);
                                let fresh = filter.keep(fresh);
                                if !fresh.is_empty() && tx.send(Ok(fresh)).await.is_err() {
                                    return;
                                }
                            }
                        }
                    }
                    tokio::select! {
                        more = live.wait(last) => if !more { return },
                        _ = tx.closed() => return,
                        _ = stop.changed() => return,
                    }
                }
            }
        });
        let events = ReceiverStream::new(rx).flat_map(|chunk| {
            let items: Vec<Result<CallEvent, Status>> = match chunk {
                Ok(events) => events.into_iter().map(Ok).collect(),
                Err(status) => vec![Err(status)],
            };
            futures_util::stream::iter(items)
        });
        // At shutdown the stream ends at once with UNAVAILABLE, whatever is still queued
        // for a subscriber that stopped reading: the daemon does not wait for it.
        let mut stopping = self.stop.clone();
        let stopped = async move {
            let _ = stopping.wait_for(|s| *s).await;
        };
        let events = events
            .take_until(stopped)
            .chain(futures_util::stream::once(async {
                Err(Status::unavailable("scpd is shutting down"))
            }));
        Ok(Response::new(Box::pin(events)))
    }

    /// A durable consumer's position moves to `sequence` (never back), once committed.
    async fn ack(&self, req: Request<AckRequest>) -> Result<Response<AckResponse>, Status> {
        let caller = self.caller(&req)?;
        let AckRequest { consumer, sequence } = req.into_inner();
        let consumer = self.consumer(&caller, &consumer)?;
        let newest = self.writer.newest();
        if sequence > newest {
            return Err(Status::out_of_range(format!(
                "sequence {sequence}: past the newest event {newest}"
            )));
        }
        let acked = self
            .writer
            .ack(consumer, sequence)
            .await
            .map_err(|e| Status::unavailable(format!("journal: {e}")))?;
        Ok(Response::new(AckResponse { acked }))
    }
}

impl Api {
    /// A consumer is named by 1 to 128 printable characters; with `[[tenants]]` each
    /// tenant (or admin) has its own names, kept as `tenant/name`.
    fn consumer(&self, caller: &super::Caller, name: &str) -> Result<String, Status> {
        if name.is_empty() || name.chars().count() > 128 || name.chars().any(char::is_control) {
            return Err(Status::invalid_argument(format!(
                "consumer {name:?}: want 1 to 128 printable characters"
            )));
        }
        Ok(if self.auth.is_open() {
            name.to_string()
        } else {
            format!("{}/{name}", caller.name)
        })
    }
}

/// A resume point must be one the journal can continue from without a gap: not past the
/// newest sequence ever issued (the client has another journal's sequences, e.g. after the
/// database was replaced) and not before events retention already deleted (they are gone,
/// and a silent skip would look like "no events"). 0 means the oldest retained event. The
/// reader opened for the check is handed on to the replay, with the resume point: `from`,
/// or with `from` 0 the position `consumer` acknowledged last.
async fn check_from_sequence(
    writer: &store::Writer,
    from: u64,
    consumer: Option<String>,
) -> Result<(rusqlite::Connection, u64), Status> {
    let path = writer.path().to_path_buf();
    let (conn, bounds, acked) = tokio::task::spawn_blocking(move || {
        let c = store::open_reader(&path)?;
        let b = store::journal_bounds(&c)?;
        let acked = match consumer.filter(|_| from == 0) {
            Some(name) => store::consumer_position(&c, &name)?,
            None => None,
        };
        Ok::<_, store::StoreError>((c, b, acked))
    })
    .await
    .map_err(|e| Status::internal(e.to_string()))?
    .map_err(|e| Status::unavailable(format!("journal: {e}")))?;
    let what = if acked.is_some() {
        "the consumer's acknowledged position"
    } else {
        "from_sequence"
    };
    let from = acked.unwrap_or(from);
    let (oldest, issued) = bounds;
    if from > issued {
        return Err(Status::out_of_range(format!(
            "{what} {from}: past the newest event {issued} of this journal"
        )));
    }
    if from != 0 && from + 1 < oldest {
        return Err(Status::out_of_range(format!(
            "{what} {from}: events up to {} were deleted by retention; \
             resume from {} (or 0) to accept the gap",
            oldest - 1,
            oldest - 1
        )));
    }
    Ok((conn, from))
}
