//! The live tail of the journal: the newest committed events, for subscribers following
//! live. Bounded by events, not commits, so a burst of large commits cannot hold more than
//! [`LIVE_BUFFER`] events in memory; a subscriber that falls further behind reads the
//! journal from its last sequence instead. Events are kept as the journal stores them
//! (encoded, back to back, one allocation per commit) and decoded by each follower on its
//! own task, so the writer thread neither builds nor frees them one by one.

use super::Encoded;
use crate::proto::CallEvent;
use prost::Message;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use tokio::sync::watch;

/// Events committed together, with consecutive sequences from `first`.
#[derive(Clone)]
pub struct Committed(Arc<Encoded>, u64);

impl Committed {
    pub(super) fn new(first: u64, events: Encoded) -> Committed {
        Committed(Arc::new(events), first)
    }

    fn len(&self) -> usize {
        self.0.len()
    }

    fn first(&self) -> u64 {
        self.1
    }

    fn last(&self) -> u64 {
        self.1 + self.len() as u64 - 1
    }

    /// The events after sequence `after`, decoded.
    fn after(&self, after: u64, out: &mut Vec<CallEvent>) {
        for (i, body) in self.0.bodies().enumerate() {
            let sequence = self.1 + i as u64;
            if sequence <= after {
                continue;
            }
            match CallEvent::decode(body) {
                Ok(mut ev) => {
                    ev.sequence = sequence;
                    out.push(ev);
                }
                // Encoded by us a moment ago: cannot fail; if it did, the journal has it.
                Err(e) => tracing::error!(sequence, error = %e, "live event undecodable"),
            }
        }
    }
}

/// Most events the tail keeps (at least the newest commit, whatever its size).
pub const LIVE_BUFFER: usize = 4096;

/// The publishing side, owned by the store writer.
#[derive(Clone)]
pub struct Tail {
    shared: Arc<Shared>,
}

struct Shared {
    ring: Mutex<Ring>,
    /// The newest sequence published.
    newest: watch::Sender<u64>,
}

#[derive(Default)]
struct Ring {
    commits: VecDeque<Committed>,
    events: usize,
}

/// What a subscriber gets after its last sequence.
#[derive(Debug)]
pub enum Since {
    /// The events after it, in order (possibly none yet).
    Events(Vec<CallEvent>),
    /// The tail no longer holds the event right after it: read the journal.
    Gap,
}

/// A subscriber's view of the tail; cheap to create.
pub struct Follower {
    shared: Arc<Shared>,
    newest: watch::Receiver<u64>,
}

impl Tail {
    /// A tail that has seen everything up to sequence `newest`.
    pub fn new(newest: u64) -> Tail {
        Tail {
            shared: Arc::new(Shared {
                ring: Mutex::default(),
                newest: watch::channel(newest).0,
            }),
        }
    }

    /// Publish a commit (non-empty, sequences after the last one published).
    pub fn publish(&self, commit: Committed) {
        if commit.len() == 0 {
            return;
        }
        let last = commit.last();
        {
            let mut r = self.shared.ring.lock().unwrap_or_else(|p| p.into_inner());
            r.events += commit.len();
            r.commits.push_back(commit);
            while r.events > LIVE_BUFFER && r.commits.len() > 1 {
                if let Some(old) = r.commits.pop_front() {
                    r.events -= old.len();
                }
            }
        }
        self.shared.newest.send_replace(last);
    }

    /// The newest sequence published so far.
    pub fn newest(&self) -> u64 {
        *self.shared.newest.borrow()
    }

    pub fn follow(&self) -> Follower {
        Follower {
            shared: self.shared.clone(),
            newest: self.shared.newest.subscribe(),
        }
    }
}

impl Follower {
    /// The newest sequence published so far.
    pub fn newest(&self) -> u64 {
        *self.newest.borrow()
    }

    /// Wait until something after sequence `after` is published; `false` when the store
    /// has stopped.
    pub async fn wait(&mut self, after: u64) -> bool {
        self.newest.wait_for(|n| *n > after).await.is_ok()
    }

    /// The events after sequence `after` the tail holds, or [`Since::Gap`] when it no
    /// longer holds the one right after.
    pub fn since(&self, after: u64) -> Since {
        let held: Vec<Committed> = {
            let r = self.shared.ring.lock().unwrap_or_else(|p| p.into_inner());
            match r.commits.front().map(Committed::first) {
                Some(o) if o > after + 1 => return Since::Gap,
                None if self.newest() > after => return Since::Gap,
                _ => {}
            }
            let newer = r
                .commits
                .iter()
                .rev()
                .take_while(|c| c.last() > after)
                .count();
            r.commits
                .iter()
                .skip(r.commits.len() - newer)
                .cloned()
                .collect()
        };
        // Decoded outside the lock, on the follower's own task.
        let mut events = Vec::new();
        for c in &held {
            c.after(after, &mut events);
        }
        Since::Events(events)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::Event;

    fn commit(seqs: std::ops::RangeInclusive<u64>) -> Committed {
        let first = *seqs.start();
        let events: Vec<Event> = seqs.map(Event::bare).collect();
        Committed::new(first, Encoded::of(&events))
    }

    fn seqs(s: Since) -> Vec<u64> {
        match s {
            Since::Events(e) => e
                .iter()
                .map(|e| {
                    // What was encoded is what is decoded, with its sequence.
                    assert_eq!(e.call_id, format!("00-0-{}", e.sequence));
                    e.sequence
                })
                .collect(),
            Since::Gap => panic!("gap"),
        }
    }

    #[tokio::test]
    async fn followers_get_what_follows_their_sequence_or_a_gap() {
        let tail = Tail::new(10);
        let mut f = tail.follow();
        assert!(seqs(f.since(10)).is_empty());
        tail.publish(commit(11..=12));
        tail.publish(commit(13..=15));
        assert!(f.wait(10).await);
        assert_eq!(seqs(f.since(10)), [11, 12, 13, 14, 15]);
        assert_eq!(seqs(f.since(12)), [13, 14, 15]);
        assert_eq!(seqs(f.since(15)), Vec::<u64>::new());
        // A follower from before what the tail ever held must read the journal.
        assert!(matches!(f.since(3), Since::Gap));
        // Big commits push old ones out, but the newest stays whatever its size.
        let big = LIVE_BUFFER as u64 + 10;
        tail.publish(commit(16..=15 + big));
        assert!(matches!(f.since(15), Since::Events(_)));
        assert!(matches!(f.since(14), Since::Gap));
        assert_eq!(f.newest(), 15 + big);
    }
}
