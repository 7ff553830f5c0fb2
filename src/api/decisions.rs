//! `Decisions.Session`: the data-session server's clients answer the triggers of `decide`
//! subscribers, through the [`Broker`].

use super::Api;
use crate::proto::decisions_server::Decisions;
use crate::proto::{DecisionAnswer, DecisionQuery};
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;
use tokio_stream::Stream;
use tonic::{Request, Response, Status};

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
        let caller = self.caller(&req)?;
        caller.acts("Decisions.Session", "")?;
        let mut answers = req.into_inner();
        let client = self.decisions.connect(caller.tenant());
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
pub(crate) fn check_answer(a: &DecisionAnswer) -> Result<(), Status> {
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
        Some(Action::RoutingNumber(n)) => super::check_digits("routing_number", n),
    }
}

/// Free routing numbers past their expiry every `every` until `stop` turns true.
// The decision broker: queries for the triggers of `decide` subscribers go to the
// data-session server's clients connected on `Decisions.Session`, round robin, and each
// comes back as the client's answer or as `None` (no client, deadline passed), for which
// the engine applies the configured fallback ([`crate::service::Engine::resolve`]).
//
// Nothing pending is lost when a client goes: its unanswered queries are offered to another
// connected client at once (same query id, same deadline), or end with `None` when none is
// left, so the switch gets the fallback without waiting for the deadline.
use crate::proto::CallEvent;
use crate::service::{Answer, Event};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::oneshot;

/// Queries a client may have queued before it counts as full (then the next one is tried).
const CLIENT_QUEUE: usize = 1024;

struct Pending {
    query: DecisionQuery,
    /// The served subscriber's tenant.
    tenant: String,
    client: u64,
    reply: oneshot::Sender<DecisionAnswer>,
}

/// A connected client.
struct Connected {
    id: u64,
    queries: mpsc::Sender<DecisionQuery>,
    /// Its tenant; `None`: an admin's, asked when none of the tenant's own takes a query.
    tenant: Option<String>,
}

#[derive(Default)]
struct Inner {
    clients: Vec<Connected>,
    next_client: u64,
    /// Round-robin position in `clients`.
    turn: usize,
    next_query: u64,
    pending: HashMap<u64, Pending>,
}

impl Inner {
    /// Offer `q`, about a subscriber of `tenant`, to the next of that tenant's clients that
    /// takes it, else to the next admin's; the client's id. Without `[[tenants]]` every
    /// client is an admin's and every subscriber no tenant's.
    fn offer(&mut self, q: &DecisionQuery, tenant: &str) -> Option<u64> {
        let own = |c: &Connected| c.tenant.as_deref() == Some(tenant) && !tenant.is_empty();
        let admin = |c: &Connected| c.tenant.is_none();
        self.offer_to(q, own).or_else(|| self.offer_to(q, admin))
    }

    fn offer_to(&mut self, q: &DecisionQuery, may: impl Fn(&Connected) -> bool) -> Option<u64> {
        for _ in 0..self.clients.len() {
            self.turn = (self.turn + 1) % self.clients.len();
            let c = &self.clients[self.turn];
            if may(c) && c.queries.try_send(q.clone()).is_ok() {
                return Some(c.id);
            }
        }
        None
    }
}

/// Shared by the gRPC service (clients) and the daemon (queries).
pub struct Broker {
    inner: Mutex<Inner>,
    /// The decision deadline in microseconds (a configuration reload may change it).
    deadline_us: AtomicU64,
    counts: Counts,
}

/// How the queries ended, for metrics: each `None` from [`Broker::ask`] is a fallback.
#[derive(Debug, Default)]
struct Counts {
    asked: AtomicU64,
    answered: AtomicU64,
    no_client: AtomicU64,
    deadline_missed: AtomicU64,
    client_gone: AtomicU64,
}

/// A copy of [`Counts`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DecisionCounts {
    /// Triggers put to the data-session servers.
    pub asked: u64,
    /// Answered in time by a client.
    pub answered: u64,
    /// Fallbacks: no client connected, no answer by the deadline, the client gone (or
    /// its answer unusable) before answering.
    pub no_client: u64,
    pub deadline_missed: u64,
    pub client_gone: u64,
}

/// A connected client: its id for [`Broker::answer`] / [`Broker::disconnect`] and its queries.
pub struct Client {
    pub id: u64,
    pub queries: mpsc::Receiver<DecisionQuery>,
}

impl Broker {
    pub fn new(deadline: Duration) -> Arc<Broker> {
        Arc::new(Broker {
            inner: Mutex::new(Inner::default()),
            deadline_us: (deadline.as_micros() as u64).into(),
            counts: Counts::default(),
        })
    }

    /// How the queries so far ended.
    pub fn counts(&self) -> DecisionCounts {
        let c = &self.counts;
        let get = |a: &AtomicU64| a.load(Ordering::Relaxed);
        DecisionCounts {
            asked: get(&c.asked),
            answered: get(&c.answered),
            no_client: get(&c.no_client),
            deadline_missed: get(&c.deadline_missed),
            client_gone: get(&c.client_gone),
        }
    }

    pub fn deadline(&self) -> Duration {
        Duration::from_micros(self.deadline_us.load(Ordering::Relaxed))
    }

    /// A new deadline for the queries put from now on (a configuration reload).
    pub fn set_deadline(&self, deadline: Duration) {
        self.deadline_us
            .store(deadline.as_micros() as u64, Ordering::Relaxed);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic elsewhere cannot leave Inner inconsistent in a way that matters more than
        // stopping all decisions would.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn clients(&self) -> usize {
        self.lock().clients.len()
    }

    /// A client of `tenant` (`None`: an admin's) connects.
    pub fn connect(&self, tenant: Option<&str>) -> Client {
        let (tx, queries) = mpsc::channel(CLIENT_QUEUE);
        let mut g = self.lock();
        g.next_client += 1;
        let id = g.next_client;
        g.clients.push(Connected {
            id,
            queries: tx,
            tenant: tenant.map(str::to_string),
        });
        Client { id, queries }
    }

    /// The client went away: what it had pending goes to the others (or ends now).
    pub fn disconnect(&self, client: u64) {
        let mut g = self.lock();
        g.clients.retain(|c| c.id != client);
        let orphans: Vec<u64> = g
            .pending
            .iter()
            .filter(|(_, p)| p.client == client)
            .map(|(q, _)| *q)
            .collect();
        for q in orphans {
            let (query, tenant) = {
                let p = &g.pending[&q];
                (p.query.clone(), p.tenant.clone())
            };
            match g.offer(&query, &tenant) {
                Some(other) => {
                    if let Some(p) = g.pending.get_mut(&q) {
                        p.client = other;
                    }
                }
                // Dropping the reply sender ends the wait with the fallback.
                None => drop(g.pending.remove(&q)),
            }
        }
    }

    /// A client's answer; false if the query is not pending on that client (late, unknown).
    pub fn answer(&self, client: u64, a: DecisionAnswer) -> bool {
        let mut g = self.lock();
        match g.pending.get(&a.query_id) {
            Some(p) if p.client == client => {}
            _ => return false,
        }
        let p = g.pending.remove(&a.query_id).expect("checked");
        p.reply.send(a).is_ok()
    }

    /// Ask about one trigger (its TRIGGER event); `None` when no client answers within the
    /// deadline.
    pub async fn ask(&self, event: &Event, now_ms: i64) -> Option<Answer> {
        let deadline = self.deadline();
        let count = |a: &AtomicU64| a.fetch_add(1, Ordering::Relaxed);
        count(&self.counts.asked);
        let tenant = event.call.tenant().to_string();
        let mut event = CallEvent::of(0, event);
        // The query is the served subscriber's tenant's business only.
        event.tenants.truncate(1);
        let rx = {
            let mut g = self.lock();
            g.next_query += 1;
            let query = DecisionQuery {
                query_id: g.next_query,
                event: Some(event),
                deadline_ms: now_ms + deadline.as_millis() as i64,
            };
            let Some(client) = g.offer(&query, &tenant) else {
                count(&self.counts.no_client);
                return None;
            };
            let (reply, rx) = oneshot::channel();
            let id = query.query_id;
            g.pending.insert(
                id,
                Pending {
                    query,
                    tenant,
                    client,
                    reply,
                },
            );
            (id, rx)
        };
        let (id, rx) = rx;
        match tokio::time::timeout(deadline, rx).await {
            Ok(Ok(a)) => match a.decision() {
                Some(d) => {
                    count(&self.counts.answered);
                    Some(d)
                }
                None => {
                    count(&self.counts.client_gone);
                    None
                }
            },
            Ok(Err(_)) => {
                count(&self.counts.client_gone);
                None
            }
            Err(_) => {
                count(&self.counts.deadline_missed);
                self.lock().pending.remove(&id);
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::decision_answer::Action;

    fn ev(seq: u64) -> Event {
        Event::bare(seq)
    }

    fn connect_to(q: &DecisionQuery, to: &str) -> DecisionAnswer {
        DecisionAnswer {
            query_id: q.query_id,
            action: Some(Action::ConnectTo(to.into())),
        }
    }

    #[tokio::test]
    async fn no_client_means_fallback_at_once() {
        let b = Broker::new(Duration::from_secs(10));
        let t = std::time::Instant::now();
        assert!(b.ask(&ev(9), 0).await.is_none());
        assert!(t.elapsed() < Duration::from_secs(1));
    }

    #[tokio::test]
    async fn fast_client_answers_and_slow_one_times_out() {
        let b = Broker::new(Duration::from_millis(200));
        let mut c = b.connect(None);
        let b2 = b.clone();
        let ask = tokio::spawn(async move { b2.ask(&ev(1), 1_000).await });
        let q = c.queries.recv().await.unwrap();
        assert_eq!(q.event.as_ref().unwrap().call_id, "00-0-1");
        assert_eq!(q.deadline_ms, 1_200);
        assert!(b.answer(c.id, connect_to(&q, "4930")));
        assert_eq!(ask.await.unwrap(), Some(Answer::ConnectTo("4930".into())));
        // Slow: no answer within the deadline, and a late answer is refused.
        let t = std::time::Instant::now();
        let b2 = b.clone();
        let ask = tokio::spawn(async move { b2.ask(&ev(2), 0).await });
        let q = c.queries.recv().await.unwrap();
        assert!(ask.await.unwrap().is_none());
        let took = t.elapsed();
        assert!(
            took >= Duration::from_millis(200) && took < Duration::from_secs(2),
            "{took:?}"
        );
        assert!(!b.answer(c.id, connect_to(&q, "1")));
    }

    #[tokio::test]
    async fn two_clients_share_and_a_leaving_client_hands_over() {
        let b = Broker::new(Duration::from_secs(5));
        let mut c1 = b.connect(None);
        let mut c2 = b.connect(None);
        let mut asks = Vec::new();
        for i in 0..4 {
            let b2 = b.clone();
            asks.push(tokio::spawn(async move { b2.ask(&ev(i), 0).await }));
        }
        let mut got1 = Vec::new();
        let mut got2 = Vec::new();
        for _ in 0..2 {
            got1.push(c1.queries.recv().await.unwrap());
            got2.push(c2.queries.recv().await.unwrap());
        }
        // c1 answers one, then goes away with one pending: it moves to c2.
        assert!(b.answer(c1.id, connect_to(&got1[0], "1")));
        b.disconnect(c1.id);
        let moved = c2.queries.recv().await.unwrap();
        assert_eq!(moved.query_id, got1[1].query_id);
        assert!(!b.answer(c1.id, connect_to(&got1[1], "x")));
        assert!(b.answer(c2.id, connect_to(&moved, "2")));
        for q in &got2 {
            assert!(b.answer(c2.id, connect_to(q, "3")));
        }
        for a in asks {
            assert!(a.await.unwrap().is_some());
        }
        // The last client leaving ends what it had at once.
        let b2 = b.clone();
        let ask = tokio::spawn(async move { b2.ask(&ev(26), 0).await });
        c2.queries.recv().await.unwrap();
        let t = std::time::Instant::now();
        b.disconnect(c2.id);
        assert!(ask.await.unwrap().is_none());
        assert!(t.elapsed() < Duration::from_secs(1));
        assert_eq!(b.clients(), 0);
    }
}
