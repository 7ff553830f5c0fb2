//! The M3UA endpoint and the write queues of the associations, under one lock: what the
//! endpoint routes to an association is in that association's queue before anything else
//! can change the routing, so what an association going away was given is in the queue its
//! writer hands back for [`Endpoint::reroute`].
//!
//! Each queue is bounded in bytes: its association's reader stops reading while the queue
//! is over [`HIGH_WATER`] (a peer that does not read our answers is not read from either,
//! and no other association waits for it), and what would take it past [`MAX_QUEUED`] is
//! dropped and logged.

use crate::m3ua::endpoint::{AssocId, Endpoint, Event, Transmits};
use crate::store::Batch;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;
use tokio::sync::{mpsc, Notify};

/// Above this many queued bytes an association's reader pauses.
pub const HIGH_WATER: usize = 1 << 20;
/// Beyond this many queued bytes what is routed to an association is dropped.
pub const MAX_QUEUED: usize = 8 << 20;

/// What an association's writer is handed.
pub enum Write {
    /// Encoded M3UA messages, the journal batch they must wait for (0: none): an answer on
    /// the wire implies its events are on disk; and when the earliest message they answer
    /// was read (for the answer-latency metric).
    Bytes(Vec<u8>, Batch, Option<Instant>),
    /// The endpoint gave up on the association (T(ack), BEAT): close it.
    Close(&'static str),
}

/// The bytes queued for one association, shared by whoever queues and its writer.
#[derive(Default)]
pub struct Queue {
    bytes: AtomicUsize,
    /// Signalled when the writer took the queue back under [`HIGH_WATER`].
    pub drained: Notify,
    /// Dropping (over [`MAX_QUEUED`]); logged once per episode.
    overflowing: AtomicBool,
}

impl Queue {
    pub fn bytes(&self) -> usize {
        self.bytes.load(Ordering::Acquire)
    }

    /// The writer wrote `n` bytes.
    pub fn written(&self, n: usize) {
        let before = self.bytes.fetch_sub(n, Ordering::AcqRel);
        if before > HIGH_WATER && before - n <= HIGH_WATER {
            self.drained.notify_waiters();
        }
        if before - n < MAX_QUEUED / 2 {
            self.overflowing.store(false, Ordering::Relaxed);
        }
    }
}

/// One association's write queue.
pub struct LinkTx {
    pub tx: mpsc::UnboundedSender<Write>,
    pub queue: Arc<Queue>,
}

impl LinkTx {
    fn push(&self, assoc: AssocId, bytes: Vec<u8>, batch: Batch, since: Option<Instant>) {
        let n = bytes.len();
        if self.queue.bytes() + n > MAX_QUEUED {
            if !self.queue.overflowing.swap(true, Ordering::Relaxed) {
                tracing::warn!(
                    assoc,
                    queued = self.queue.bytes(),
                    "peer is not reading: dropping what is routed to its association"
                );
            }
            return;
        }
        self.queue.bytes.fetch_add(n, Ordering::AcqRel);
        if self.tx.send(Write::Bytes(bytes, batch, since)).is_err() {
            self.queue.bytes.fetch_sub(n, Ordering::AcqRel);
        }
    }
}

/// The endpoint, the queues, and the endpoint's transmit buffers.
pub struct M3ua {
    pub endpoint: Endpoint,
    pub links: HashMap<AssocId, LinkTx>,
    pub tx: Transmits,
    /// When the earliest message that what is queued answers was read (set by a shard
    /// before it queues; taken by [`M3ua::deliver`]).
    pub since: Option<Instant>,
}

impl M3ua {
    pub fn new(endpoint: Endpoint) -> M3ua {
        M3ua {
            endpoint,
            links: HashMap::new(),
            tx: Transmits::default(),
            since: None,
        }
    }

    /// Hand what the endpoint queued to the associations' writers (waiting for journal
    /// batch `batch`), close what it gave up on; the associations that can carry DATA
    /// again.
    pub fn deliver(&mut self, batch: Batch) -> Vec<AssocId> {
        let M3ua {
            endpoint,
            links,
            tx,
            since,
        } = self;
        let since = since.take();
        for (a, bytes) in tx.drain() {
            if let Some(l) = links.get(&a) {
                l.push(a, bytes, batch, since);
            }
        }
        let mut active = Vec::new();
        while let Some(ev) = endpoint.poll_event() {
            match ev {
                Event::Active(a) => active.push(a),
                Event::Close(a, why) => {
                    if let Some(l) = links.get(&a) {
                        let _ = l.tx.send(Write::Close(why));
                    }
                }
                Event::Inactive(_) => {}
            }
        }
        active
    }
}
