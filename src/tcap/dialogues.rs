//! The table of live dialogues (transactions): local transaction ids, the peer's id, an
//! idle deadline, and whatever the user of TCAP keeps per dialogue.
//!
//! Sans-IO: time comes in as an argument. Local ids are allocated so they never collide with
//! a live one (Q.774 §3.2.1.1 leaves the choice to the implementation) and carry an
//! instance prefix in their top octet, so several scpd instances behind one point code can
//! route a Continue back to the one that owns the dialogue.

use std::collections::HashMap;
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
}

/// A dialogue entry.
#[derive(Debug)]
pub struct Dialogue<T> {
    pub local: u32,
    pub peer: PeerTid,
    pub deadline: Instant,
    pub user: T,
}

#[derive(Debug)]
pub struct Dialogues<T> {
    map: HashMap<u32, Dialogue<T>>,
    next: u32,
    prefix: u8,
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
        Dialogues {
            map: HashMap::new(),
            next: 1,
            prefix,
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

    /// Open a dialogue for a received Begin; returns our local transaction id.
    pub fn open(&mut self, peer: PeerTid, now: Instant, user: T) -> Result<u32, OpenError> {
        if self.map.len() >= self.limit {
            return Err(OpenError::Full(self.limit));
        }
        let local = loop {
            let id = (u32::from(self.prefix) << 24) | (self.next & 0x00ff_ffff);
            self.next = self.next.wrapping_add(1);
            if self.next & 0x00ff_ffff == 0 {
                self.next = 1;
            }
            if !self.map.contains_key(&id) {
                break id;
            }
        };
        self.map.insert(
            local,
            Dialogue {
                local,
                peer,
                deadline: now + self.idle,
                user,
            },
        );
        Ok(local)
    }

    /// The dialogue a Continue/End/Abort names by our id (its dtid), refreshing its timer.
    pub fn touch(&mut self, local: u32, now: Instant) -> Option<&mut Dialogue<T>> {
        let idle = self.idle;
        let d = self.map.get_mut(&local)?;
        d.deadline = now + idle;
        Some(d)
    }

    pub fn get_mut(&mut self, local: u32) -> Option<&mut Dialogue<T>> {
        self.map.get_mut(&local)
    }

    pub fn close(&mut self, local: u32) -> Option<Dialogue<T>> {
        self.map.remove(&local)
    }

    /// Remove and return dialogues idle past their deadline.
    pub fn expire(&mut self, now: Instant) -> Vec<Dialogue<T>> {
        let ids: Vec<u32> = self
            .map
            .values()
            .filter(|d| d.deadline <= now)
            .map(|d| d.local)
            .collect();
        ids.into_iter()
            .filter_map(|id| self.map.remove(&id))
            .collect()
    }

    /// Remove every dialogue (shutdown).
    pub fn drain(&mut self) -> Vec<Dialogue<T>> {
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
