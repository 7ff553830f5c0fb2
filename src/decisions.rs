//! The decision broker: queries for the triggers of `decide` subscribers go to the
//! data-session server's clients connected on `Decisions.Session`, round robin, and each
//! comes back as the client's answer or as `None` (no client, deadline passed), for which
//! the engine applies the configured fallback ([`crate::service::Engine::resolve`]).
//!
//! Nothing pending is lost when a client goes: its unanswered queries are offered to another
//! connected client at once (same query id, same deadline), or end with `None` when none is
//! left, so the switch gets the fallback without waiting for the deadline.

use crate::proto::{CallEvent, DecisionAnswer, DecisionQuery};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};

/// Queries a client may have queued before it counts as full (then the next one is tried).
const CLIENT_QUEUE: usize = 1024;

struct Pending {
    query: DecisionQuery,
    client: u64,
    reply: oneshot::Sender<DecisionAnswer>,
}

#[derive(Default)]
struct Inner {
    clients: Vec<(u64, mpsc::Sender<DecisionQuery>)>,
    next_client: u64,
    /// Round-robin position in `clients`.
    turn: usize,
    next_query: u64,
    pending: HashMap<u64, Pending>,
}

impl Inner {
    /// Offer `q` to the next client that takes it; its id.
    fn offer(&mut self, q: &DecisionQuery) -> Option<u64> {
        for _ in 0..self.clients.len() {
            self.turn = (self.turn + 1) % self.clients.len();
            let (id, tx) = &self.clients[self.turn];
            if tx.try_send(q.clone()).is_ok() {
                return Some(*id);
            }
        }
        None
    }
}

/// Shared by the gRPC service (clients) and the daemon (queries).
pub struct Broker {
    inner: Mutex<Inner>,
    deadline: Duration,
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
            deadline,
        })
    }

    pub fn deadline(&self) -> Duration {
        self.deadline
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic elsewhere cannot leave Inner inconsistent in a way that matters more than
        // stopping all decisions would.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn clients(&self) -> usize {
        self.lock().clients.len()
    }

    pub fn connect(&self) -> Client {
        let (tx, queries) = mpsc::channel(CLIENT_QUEUE);
        let mut g = self.lock();
        g.next_client += 1;
        let id = g.next_client;
        g.clients.push((id, tx));
        Client { id, queries }
    }

    /// The client went away: what it had pending goes to the others (or ends now).
    pub fn disconnect(&self, client: u64) {
        let mut g = self.lock();
        g.clients.retain(|(id, _)| *id != client);
        let orphans: Vec<u64> = g
            .pending
            .iter()
            .filter(|(_, p)| p.client == client)
            .map(|(q, _)| *q)
            .collect();
        for q in orphans {
            let query = g.pending[&q].query.clone();
            match g.offer(&query) {
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

    /// Ask about one trigger; `None` when no client answers within the deadline.
    pub async fn ask(&self, event: CallEvent, now_ms: i64) -> Option<DecisionAnswer> {
        let rx = {
            let mut g = self.lock();
            g.next_query += 1;
            let query = DecisionQuery {
                query_id: g.next_query,
                event: Some(event),
                deadline_ms: now_ms + self.deadline.as_millis() as i64,
            };
            let client = g.offer(&query)?;
            let (reply, rx) = oneshot::channel();
            let id = query.query_id;
            g.pending.insert(
                id,
                Pending {
                    query,
                    client,
                    reply,
                },
            );
            (id, rx)
        };
        let (id, rx) = rx;
        match tokio::time::timeout(self.deadline, rx).await {
            Ok(Ok(a)) => Some(a),
            Ok(Err(_)) => None,
            Err(_) => {
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

    fn ev(id: &str) -> CallEvent {
        CallEvent {
            call_id: id.into(),
            ..Default::default()
        }
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
        assert!(b.ask(ev("c"), 0).await.is_none());
        assert!(t.elapsed() < Duration::from_secs(1));
    }

    #[tokio::test]
    async fn fast_client_answers_and_slow_one_times_out() {
        let b = Broker::new(Duration::from_millis(200));
        let mut c = b.connect();
        let b2 = b.clone();
        let ask = tokio::spawn(async move { b2.ask(ev("c1"), 1_000).await });
        let q = c.queries.recv().await.unwrap();
        assert_eq!(q.event.as_ref().unwrap().call_id, "c1");
        assert_eq!(q.deadline_ms, 1_200);
        assert!(b.answer(c.id, connect_to(&q, "4930")));
        assert_eq!(
            ask.await.unwrap().unwrap().action,
            Some(Action::ConnectTo("4930".into()))
        );
        // Slow: no answer within the deadline, and a late answer is refused.
        let t = std::time::Instant::now();
        let b2 = b.clone();
        let ask = tokio::spawn(async move { b2.ask(ev("c2"), 0).await });
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
        let mut c1 = b.connect();
        let mut c2 = b.connect();
        let mut asks = Vec::new();
        for i in 0..4 {
            let b2 = b.clone();
            asks.push(tokio::spawn(async move {
                b2.ask(ev(&format!("c{i}")), 0).await
            }));
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
        let ask = tokio::spawn(async move { b2.ask(ev("z"), 0).await });
        c2.queries.recv().await.unwrap();
        let t = std::time::Instant::now();
        b.disconnect(c2.id);
        assert!(ask.await.unwrap().is_none());
        assert!(t.elapsed() < Duration::from_secs(1));
        assert_eq!(b.clients(), 0);
    }
}
