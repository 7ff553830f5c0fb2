//! The table of live dialogues (transactions): local transaction ids, the peer's id, an
//! idle deadline, and whatever the user of TCAP keeps per dialogue.
//!
//! Sans-IO: time comes in as an argument. Local ids are allocated so they never collide with
//! a live one (Q.774 §3.2.1.1 leaves the choice to the implementation) and carry an
//! instance prefix in their top octet, so several scpd instances behind one point code can
//! route a Continue back to the one that owns the dialogue. Within an instance the low bits
//! name the shard (the stack on one worker thread) that owns it ([`Shards`]), so a
//! continuation reaches its shard without a lookup.

use std::collections::{BTreeSet, HashMap};
use std::time::{Duration, Instant};

/// Peer transaction id (1–4 octets on the wire), stored inline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PeerTid {
    bytes: [u8; 4],
    len: u8,
}

impl PeerTid {
    /// `None` unless 1–4 octets.
    pub fn new(b: &[u8]) -> Option<PeerTid> {
        if !(1..=4).contains(&b.len()) {
            return None;
        }
        let mut bytes = [0; 4];
        bytes[..b.len()].copy_from_slice(b);
        Some(PeerTid {
            bytes,
            len: b.len() as u8,
        })
    }
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..usize::from(self.len)]
    }
    /// The peer id of a dialogue we began, before the peer's first answer names it.
    pub const UNKNOWN: PeerTid = PeerTid {
        bytes: [0; 4],
        len: 0,
    };
    pub fn is_known(&self) -> bool {
        self.len != 0
    }
}

/// A dialogue entry.
#[derive(Debug)]
pub struct Dialogue<T> {
    pub local: u32,
    pub peer: PeerTid,
    pub deadline: Instant,
    pub user: T,
    /// The deadline as filed in the table's index (`deadline` may be changed by the user;
    /// [`Dialogues::touch`] and [`Dialogues::expire`] refile).
    indexed: Instant,
}

/// How the stacks of one instance share the local id space: the low bits of the 24 below
/// the instance prefix name the shard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shards {
    /// This table's shard.
    pub index: u32,
    /// How many there are (1: the whole id space is this table's).
    pub count: u32,
}

impl Shards {
    pub const ONE: Shards = Shards { index: 0, count: 1 };

    /// Bits that name a shard.
    fn bits(self) -> u32 {
        u32::BITS - (self.count.max(1) - 1).leading_zeros()
    }

    /// The shard owning local id `tid` (its index, when it names one of `count`).
    pub fn owner(count: u32, tid: u32) -> Option<u32> {
        let s = tid & ((1 << Shards { index: 0, count }.bits()) - 1);
        (s < count.max(1)).then_some(s)
    }
}

#[derive(Debug)]
pub struct Dialogues<T> {
    map: HashMap<u32, Dialogue<T>>,
    /// Idle deadlines in order, so expiry and the next deadline cost O(log n).
    by_deadline: BTreeSet<(Instant, u32)>,
    next: u32,
    prefix: u8,
    shards: Shards,
    limit: usize,
    idle: Duration,
}

/// Why a dialogue could not be opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum OpenError {
    #[error("dialogue limit {0} reached")]
    Full(usize),
}

impl<T> Dialogues<T> {
    pub fn new(prefix: u8, limit: usize, idle: Duration) -> Dialogues<T> {
        Dialogues::sharded(prefix, Shards::ONE, limit, idle)
    }

    /// A table for one shard of an instance: its ids carry `shards.index` in their low bits.
    pub fn sharded(prefix: u8, shards: Shards, limit: usize, idle: Duration) -> Dialogues<T> {
        Dialogues {
            map: HashMap::new(),
            by_deadline: BTreeSet::new(),
            next: 1,
            prefix,
            shards,
            limit,
            idle,
        }
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
    /// Entries in the deadline index (equal to `len()`; exposed for leak tests).
    pub fn deadlines_len(&self) -> usize {
        self.by_deadline.len()
    }
    pub fn limit(&self) -> usize {
        self.limit
    }
    pub fn idle(&self) -> Duration {
        self.idle
    }
    /// The earliest idle deadline.
    pub fn next_deadline(&self) -> Option<Instant> {
        self.by_deadline.first().map(|(t, _)| *t)
    }
    pub fn get(&self, local: u32) -> Option<&Dialogue<T>> {
        self.map.get(&local)
    }
    /// Local ids of the live dialogues (any order).
    pub fn ids(&self) -> impl Iterator<Item = u32> + '_ {
        self.map.keys().copied()
    }

    /// Open a dialogue for a received Begin; returns our local transaction id.
    pub fn open(&mut self, peer: PeerTid, now: Instant, user: T) -> Result<u32, OpenError> {
        if self.map.len() >= self.limit {
            return Err(OpenError::Full(self.limit));
        }
        let bits = self.shards.bits();
        let counter = 0x00ff_ffff >> bits;
        let local = loop {
            let low = ((self.next & counter) << bits) | self.shards.index;
            let id = (u32::from(self.prefix) << 24) | low;
            self.next = self.next.wrapping_add(1);
            if self.next & counter == 0 {
                self.next = 1;
            }
            if !self.map.contains_key(&id) {
                break id;
            }
        };
        let deadline = now + self.idle;
        self.map.insert(
            local,
            Dialogue {
                local,
                peer,
                deadline,
                user,
                indexed: deadline,
            },
        );
        self.by_deadline.insert((deadline, local));
        Ok(local)
    }

    /// Open a dialogue we begin: the peer's id is [`PeerTid::UNKNOWN`] until
    /// [`Dialogues::set_peer`].
    pub fn open_outgoing(&mut self, now: Instant, user: T) -> Result<u32, OpenError> {
        self.open(PeerTid::UNKNOWN, now, user)
    }

    pub fn set_peer(&mut self, local: u32, peer: PeerTid) {
        if let Some(d) = self.map.get_mut(&local) {
            d.peer = peer;
        }
    }

    /// The dialogue a Continue/End/Abort names by our id (its dtid), refreshing its timer.
    pub fn touch(&mut self, local: u32, now: Instant) -> Option<&mut Dialogue<T>> {
        let idle = self.idle;
        let d = self.map.get_mut(&local)?;
        d.deadline = now + idle;
        if d.indexed != d.deadline {
            self.by_deadline.remove(&(d.indexed, local));
            self.by_deadline.insert((d.deadline, local));
            d.indexed = d.deadline;
        }
        Some(d)
    }

    pub fn get_mut(&mut self, local: u32) -> Option<&mut Dialogue<T>> {
        self.map.get_mut(&local)
    }

    pub fn close(&mut self, local: u32) -> Option<Dialogue<T>> {
        let d = self.map.remove(&local)?;
        self.by_deadline.remove(&(d.indexed, local));
        Some(d)
    }

    /// Remove and return dialogues idle past their deadline.
    pub fn expire(&mut self, now: Instant) -> Vec<Dialogue<T>> {
        let mut gone = Vec::new();
        while let Some(&(at, local)) = self.by_deadline.first() {
            if at > now {
                break;
            }
            self.by_deadline.pop_first();
            let Some(d) = self.map.get_mut(&local) else {
                continue;
            };
            if d.deadline > now {
                // Moved by the user after filing: refile.
                d.indexed = d.deadline;
                self.by_deadline.insert((d.deadline, local));
                continue;
            }
            gone.extend(self.map.remove(&local));
        }
        gone
    }

    /// Remove every dialogue (shutdown).
    pub fn drain(&mut self) -> Vec<Dialogue<T>> {
        self.by_deadline.clear();
        self.map.drain().map(|(_, d)| d).collect()
    }
}

/// Our transaction ids go on the wire as 4 octets.
pub fn local_tid_bytes(local: u32) -> [u8; 4] {
    local.to_be_bytes()
}

/// Parse a dtid that should be one of ours.
pub fn parse_local_tid(b: &[u8]) -> Option<u32> {
    <[u8; 4]>::try_from(b).ok().map(u32::from_be_bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_unique_prefixed_and_limited() {
        let t0 = Instant::now();
        let mut d = Dialogues::new(0x5c, 3, Duration::from_secs(10));
        let peer = PeerTid::new(&[1, 2]).unwrap();
        let a = d.open(peer, t0, "a").unwrap();
        let b = d.open(peer, t0, "b").unwrap();
        assert_ne!(a, b);
        assert_eq!(a >> 24, 0x5c);
        d.open(peer, t0, "c").unwrap();
        assert_eq!(d.open(peer, t0, "d"), Err(OpenError::Full(3)));
        assert_eq!(d.close(a).unwrap().user, "a");
        assert!(d.open(peer, t0, "e").is_ok());
    }

    #[test]
    fn sharded_ids_name_their_shard() {
        let t0 = Instant::now();
        let peer = PeerTid::new(&[1]).unwrap();
        for count in [1, 2, 3, 4, 7] {
            for index in 0..count {
                let shards = Shards { index, count };
                let mut d = Dialogues::sharded(0x21, shards, 1000, Duration::from_secs(1));
                for n in 0..300 {
                    let id = d.open(peer, t0, n).unwrap();
                    assert_eq!(id >> 24, 0x21);
                    assert_eq!(Shards::owner(count, id), Some(index), "{id:#x}");
                }
            }
        }
        // An id naming no shard of 3 (low bits 3) belongs to none.
        assert_eq!(Shards::owner(3, 0x2100_0007), None);
        assert_eq!(Shards::owner(1, 0x2100_0007), Some(0));
    }

    #[test]
    fn idle_dialogues_expire_and_touch_refreshes() {
        let t0 = Instant::now();
        let mut d = Dialogues::new(0, 10, Duration::from_secs(10));
        let peer = PeerTid::new(&[7]).unwrap();
        let a = d.open(peer, t0, 1).unwrap();
        let b = d.open(peer, t0, 2).unwrap();
        assert!(d.touch(b, t0 + Duration::from_secs(8)).is_some());
        let gone = d.expire(t0 + Duration::from_secs(11));
        assert_eq!(gone.len(), 1);
        assert_eq!(gone[0].local, a);
        assert!(d.touch(b, t0 + Duration::from_secs(11)).is_some());
        assert!(PeerTid::new(&[]).is_none() && PeerTid::new(&[0; 5]).is_none());
    }
}
