//! The live tail of the journal: the newest committed events, for subscribers following
//! live. Bounded by events, not commits, so a burst of large commits cannot hold more than
//! [`LIVE_BUFFER`] events in memory; a subscriber that falls further behind reads the
//! journal from its last sequence instead.

use crate::proto::CallEvent;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use tokio::sync::watch;

/// Events committed together, in sequence order.
pub type Committed = Arc<[CallEvent]>;

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
        let Some(last) = commit.last().map(|e| e.sequence) else {
            return;
        };
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
        let r = self.shared.ring.lock().unwrap_or_else(|p| p.into_inner());
        let oldest = r
            .commits
            .front()
            .and_then(|c| c.first())
            .map(|e| e.sequence);
        match oldest {
            Some(o) if o > after + 1 => return Since::Gap,
            None if self.newest() > after => return Since::Gap,
            _ => {}
        }
        let mut out = Vec::new();
        for c in r.commits.iter().rev() {
            if c.last().is_some_and(|e| e.sequence <= after) {
                break;
            }
            out.push(c.clone());
        }
        let events = out
            .iter()
            .rev()
            .flat_map(|c| c.iter())
            .filter(|e| e.sequence > after)
            .cloned()
            .collect();
        Since::Events(events)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn commit(seqs: std::ops::RangeInclusive<u64>) -> Committed {
        seqs.map(|s| CallEvent {
            sequence: s,
            ..Default::default()
        })
        .collect::<Vec<_>>()
        .into()
    }

    fn seqs(s: Since) -> Vec<u64> {
        match s {
            Since::Events(e) => e.iter().map(|e| e.sequence).collect(),
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
