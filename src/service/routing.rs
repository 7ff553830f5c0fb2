//! Temporary routing numbers (TRN) and anchor numbers (DESIGN.md flow 4; the anchor is the
//! VCC IMRN idea of TS 23.206 §6.2.2 run through the data-session side).
//!
//! A number is drawn from a configured pool (a range of equal-length digit strings), bound
//! to a target number and a TTL, and used by at most one call: the trigger that arrives on
//! it is routed to the target and consumes it. The allocator is sans-IO: it keeps the live
//! numbers in memory (the engine resolves them inline with decoding) and hands every change
//! to a [`Persist`] sink *under its lock*, so the store sees changes in the order they
//! happened. The store commits them on its writer thread; the gRPC `Allocate` waits for that
//! commit before answering, so a number the data-session server holds survives a crash, and
//! a number whose commit did not happen was never handed out.
//!
//! Each pool allocates round robin from a cursor (persisted with each allocation) rather than
//! lowest-free, so a released number is reissued as late as possible: a late transfer leg on
//! a stale number then finds nothing rather than a stranger's call.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};

/// One pool as configured (`[[routing_numbers.pool]]`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PoolConfig {
    pub name: String,
    /// First and last number of the range, digits of equal length.
    pub first: String,
    pub last: String,
    pub kind: PoolKind,
    /// Only this tenant's clients (and admins) allocate from it (`[[tenants]]`); empty:
    /// every tenant's.
    #[serde(default)]
    pub tenant: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PoolKind {
    Trn,
    Anchor,
}

impl PoolKind {
    pub fn name(self) -> &'static str {
        match self {
            PoolKind::Trn => "trn",
            PoolKind::Anchor => "anchor",
        }
    }
    pub fn from_name(s: &str) -> Option<PoolKind> {
        match s {
            "trn" => Some(PoolKind::Trn),
            "anchor" => Some(PoolKind::Anchor),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RoutingError {
    #[error("pool {0:?}: {1}")]
    BadPool(String, String),
    #[error("no pool {0:?}")]
    NoPool(String),
    #[error("no {0} pool is configured")]
    NoPoolOfKind(&'static str),
    #[error("pool {0:?} is exhausted: every number is live")]
    Exhausted(String),
    #[error("pool {0:?} is another tenant's")]
    OthersPool(String),
}

/// A live number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Allocation {
    pub number: String,
    pub target: String,
    pub pool: String,
    pub kind: PoolKind,
    pub call_id: String,
    pub allocated_ms: i64,
    pub expires_ms: i64,
    /// Whose it is: the allocating tenant's, or its pool's when an admin allocated it.
    pub tenant: String,
}

/// Why a number stopped being live (for the store's log and the journal).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Freed {
    Used,
    Released,
    Expired,
}

/// A change for the store, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// A new live number; `cursor` is where the pool's next search starts.
    Allocated {
        allocation: Allocation,
        cursor: u64,
    },
    Freed {
        number: String,
        why: Freed,
    },
}

/// Where changes go to be made durable (the store writer).
pub trait Persist: Send + Sync {
    fn persist(&self, change: Change);
}

#[derive(Debug)]
struct Pool {
    cfg: PoolConfig,
    first: u64,
    last: u64,
    width: usize,
    cursor: u64,
    live: BTreeSet<u64>,
    counts: PoolCounts,
}

/// What a pool counted since the start, for metrics.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PoolCounts {
    pub allocated: u64,
    /// Freed by the trigger they were allocated for, by the API, by their expiry.
    pub consumed: u64,
    pub released: u64,
    pub expired: u64,
    /// Allocations refused: no number free.
    pub exhausted: u64,
}

/// A pool's state now (see [`Allocator::pool_stats`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolStats {
    pub name: String,
    pub kind: PoolKind,
    pub size: u64,
    pub live: u64,
    pub counts: PoolCounts,
}

impl Pool {
    fn new(cfg: PoolConfig) -> Result<Pool, RoutingError> {
        let bad = |why: &str| RoutingError::BadPool(cfg.name.clone(), why.into());
        let num = |s: &str| -> Result<u64, RoutingError> {
            if s.is_empty() || s.len() > 19 || !s.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad("first and last must be 1 to 19 digits"));
            }
            s.parse().map_err(|_| bad("not a number"))
        };
        if cfg.name.is_empty() {
            return Err(bad("empty name"));
        }
        let (first, last) = (num(&cfg.first)?, num(&cfg.last)?);
        if cfg.first.len() != cfg.last.len() {
            return Err(bad("first and last must have the same number of digits"));
        }
        if first > last {
            return Err(bad("first is after last"));
        }
        Ok(Pool {
            width: cfg.first.len(),
            cursor: first,
            first,
            last,
            live: BTreeSet::new(),
            counts: PoolCounts::default(),
            cfg,
        })
    }

    fn size(&self) -> u64 {
        self.last - self.first + 1
    }

    fn number(&self, n: u64) -> String {
        format!("{n:0width$}", width = self.width)
    }

    /// The value of `number` if it lies in this pool's range.
    fn index(&self, number: &str) -> Option<u64> {
        if number.len() != self.width || !number.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let n: u64 = number.parse().ok()?;
        (self.first..=self.last).contains(&n).then_some(n)
    }

    /// The next free number from the cursor, if any.
    fn take(&mut self) -> Option<u64> {
        if self.live.len() as u64 >= self.size() {
            return None;
        }
        let mut n = self.cursor;
        // At most `live.len()` numbers are skipped.
        while self.live.contains(&n) {
            n = if n == self.last { self.first } else { n + 1 };
        }
        self.live.insert(n);
        self.cursor = if n == self.last { self.first } else { n + 1 };
        Some(n)
    }
}

/// The pools and their live numbers.
pub struct Allocator {
    pools: Vec<Pool>,
    live: HashMap<String, Allocation>,
    persist: Option<Arc<dyn Persist>>,
}

impl std::fmt::Debug for Allocator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Allocator")
            .field("pools", &self.pools)
            .field("live", &self.live.len())
            .finish()
    }
}

/// Shared between the engine (resolution, anchor allocation) and the gRPC API.
pub type RoutingTable = Arc<Mutex<Allocator>>;

impl Allocator {
    /// Pools from the configuration; ranges must not overlap (a number belongs to one pool).
    pub fn new(pools: &[PoolConfig]) -> Result<Allocator, RoutingError> {
        let mut out: Vec<Pool> = Vec::new();
        for cfg in pools {
            let p = Pool::new(cfg.clone())?;
            if out.iter().any(|o| o.cfg.name == p.cfg.name) {
                return Err(RoutingError::BadPool(p.cfg.name, "name used twice".into()));
            }
            if let Some(o) = out
                .iter()
                .find(|o| o.width == p.width && o.first <= p.last && p.first <= o.last)
            {
                return Err(RoutingError::BadPool(
                    p.cfg.name.clone(),
                    format!("overlaps pool {:?}", o.cfg.name),
                ));
            }
            out.push(p);
        }
        Ok(Allocator {
            pools: out,
            live: HashMap::new(),
            persist: None,
        })
    }

    /// Where changes go from now on.
    pub fn set_persist(&mut self, p: Arc<dyn Persist>) {
        self.persist = Some(p);
    }

    /// Live numbers and cursors as the store had them. A number outside every configured
    /// pool (the configuration changed) stays live and resolvable until it is used or
    /// expires; it is only never reissued.
    pub fn restore(&mut self, live: Vec<Allocation>, cursors: &[(String, u64)]) {
        for (name, c) in cursors {
            if let Some(p) = self.pools.iter_mut().find(|p| &p.cfg.name == name) {
                if (p.first..=p.last).contains(c) {
                    p.cursor = *c;
                }
            }
        }
        for a in live {
            for p in &mut self.pools {
                if let Some(n) = p.index(&a.number) {
                    p.live.insert(n);
                }
            }
            self.live.insert(a.number.clone(), a);
        }
    }

    /// New pools (a configuration reload). A pool kept by name keeps its counts, and its
    /// cursor if still in range; every live number stays live and resolvable until used, released or
    /// expired, and is never issued twice (a number in a new pool's range is marked taken
    /// there). Refused whole, nothing changed, if the pools are not valid.
    pub fn set_pools(&mut self, pools: &[PoolConfig]) -> Result<(), RoutingError> {
        let mut next = Allocator::new(pools)?;
        for p in &mut next.pools {
            if let Some(old) = self.pools.iter().find(|o| o.cfg.name == p.cfg.name) {
                if (p.first..=p.last).contains(&old.cursor) && old.width == p.width {
                    p.cursor = old.cursor;
                }
                p.counts = old.counts;
            }
            for number in self.live.keys() {
                if let Some(n) = p.index(number) {
                    p.live.insert(n);
                }
            }
        }
        self.pools = next.pools;
        Ok(())
    }

    fn emit(&self, c: Change) {
        if let Some(p) = &self.persist {
            p.persist(c);
        }
    }

    /// `tenant` `None`: any pool (an admin); otherwise the tenant's own pools and the shared
    /// ones, and with `pool` empty its own first.
    fn pool_for(
        &self,
        pool: &str,
        kind: PoolKind,
        tenant: Option<&str>,
    ) -> Result<usize, RoutingError> {
        let usable = |p: &Pool| tenant.is_none_or(|t| p.cfg.tenant.is_empty() || p.cfg.tenant == t);
        if pool.is_empty() {
            let own = tenant.filter(|t| !t.is_empty()).and_then(|t| {
                self.pools
                    .iter()
                    .position(|p| p.cfg.kind == kind && p.cfg.tenant == t)
            });
            own.or_else(|| {
                self.pools
                    .iter()
                    .position(|p| p.cfg.kind == kind && usable(p))
            })
            .ok_or(RoutingError::NoPoolOfKind(kind.name()))
        } else {
            let i = self
                .pools
                .iter()
                .position(|p| p.cfg.name == pool)
                .ok_or_else(|| RoutingError::NoPool(pool.into()))?;
            if !usable(&self.pools[i]) {
                return Err(RoutingError::OthersPool(pool.into()));
            }
            Ok(i)
        }
    }

    /// A new live number bound to `target` until `now_ms + ttl_ms`. `pool` empty: the first
    /// pool of `kind`.
    pub fn allocate(
        &mut self,
        pool: &str,
        kind: PoolKind,
        target: &str,
        ttl_ms: i64,
        call_id: &str,
        now_ms: i64,
    ) -> Result<Allocation, RoutingError> {
        self.allocate_for(None, pool, kind, target, ttl_ms, call_id, now_ms)
    }

    /// [`Allocator::allocate`] for `tenant` (`None`: an admin), from a pool it may use.
    #[allow(clippy::too_many_arguments)]
    pub fn allocate_for(
        &mut self,
        tenant: Option<&str>,
        pool: &str,
        kind: PoolKind,
        target: &str,
        ttl_ms: i64,
        call_id: &str,
        now_ms: i64,
    ) -> Result<Allocation, RoutingError> {
        let i = self.pool_for(pool, kind, tenant)?;
        let n = match self.pools[i].take() {
            Some(n) => n,
            None => {
                // Numbers past their expiry that the sweeper has not reached yet are free.
                self.expire(now_ms);
                match self.pools[i].take() {
                    Some(n) => n,
                    None => {
                        self.pools[i].counts.exhausted += 1;
                        return Err(RoutingError::Exhausted(self.pools[i].cfg.name.clone()));
                    }
                }
            }
        };
        self.pools[i].counts.allocated += 1;
        let p = &self.pools[i];
        let a = Allocation {
            number: p.number(n),
            target: target.to_string(),
            pool: p.cfg.name.clone(),
            kind: p.cfg.kind,
            call_id: call_id.to_string(),
            allocated_ms: now_ms,
            expires_ms: now_ms.saturating_add(ttl_ms),
            tenant: tenant.unwrap_or(&p.cfg.tenant).to_string(),
        };
        self.live.insert(a.number.clone(), a.clone());
        self.emit(Change::Allocated {
            allocation: a.clone(),
            cursor: p.cursor,
        });
        Ok(a)
    }

    fn free(&mut self, number: &str, why: Freed) -> Option<Allocation> {
        let a = self.live.remove(number)?;
        for p in &mut self.pools {
            if let Some(n) = p.index(number) {
                p.live.remove(&n);
                let c = &mut p.counts;
                *match why {
                    Freed::Used => &mut c.consumed,
                    Freed::Released => &mut c.released,
                    Freed::Expired => &mut c.expired,
                } += 1;
            }
        }
        self.emit(Change::Freed {
            number: number.to_string(),
            why,
        });
        Some(a)
    }

    /// A live, unexpired number.
    pub fn get(&self, number: &str, now_ms: i64) -> Option<&Allocation> {
        self.live.get(number).filter(|a| a.expires_ms > now_ms)
    }

    /// The trigger arrived on `number`: its allocation, now used up.
    pub fn consume(&mut self, number: &str, now_ms: i64) -> Option<Allocation> {
        self.get(number, now_ms)?;
        self.free(number, Freed::Used)
    }

    pub fn release(&mut self, number: &str) -> Option<Allocation> {
        self.free(number, Freed::Released)
    }

    /// Free every number past its expiry; how many.
    pub fn expire(&mut self, now_ms: i64) -> usize {
        let gone: Vec<String> = self
            .live
            .values()
            .filter(|a| a.expires_ms <= now_ms)
            .map(|a| a.number.clone())
            .collect();
        for n in &gone {
            self.free(n, Freed::Expired);
        }
        gone.len()
    }

    /// Live numbers (of `pool`, or all when empty), by number.
    pub fn list(&self, pool: &str, now_ms: i64) -> Vec<Allocation> {
        let mut v: Vec<Allocation> = self
            .live
            .values()
            .filter(|a| (pool.is_empty() || a.pool == pool) && a.expires_ms > now_ms)
            .cloned()
            .collect();
        v.sort_by(|a, b| a.number.cmp(&b.number));
        v
    }

    /// Every pool's size, live numbers and counts.
    pub fn pool_stats(&self) -> Vec<PoolStats> {
        self.pools
            .iter()
            .map(|p| PoolStats {
                name: p.cfg.name.clone(),
                kind: p.cfg.kind,
                size: p.size(),
                live: p.live.len() as u64,
                counts: p.counts,
            })
            .collect()
    }

    pub fn has_pool(&self, name: &str) -> bool {
        self.pools.iter().any(|p| p.cfg.name == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pool(name: &str, first: &str, last: &str, kind: PoolKind) -> PoolConfig {
        PoolConfig {
            name: name.into(),
            first: first.into(),
            last: last.into(),
            kind,
            tenant: String::new(),
        }
    }

    #[derive(Default)]
    struct Log(Mutex<Vec<Change>>);
    impl Persist for Log {
        fn persist(&self, c: Change) {
            self.0.lock().unwrap().push(c);
        }
    }

    #[test]
    fn new_pools_keep_live_numbers_and_never_reissue_them() {
        let mut a = Allocator::new(&[pool("t", "100", "102", PoolKind::Trn)]).unwrap();
        let first = a
            .allocate("", PoolKind::Trn, "49170", 60_000, "c1", 0)
            .unwrap();
        assert_eq!(first.number, "100");
        // Bad pools are refused whole.
        assert!(a
            .set_pools(&[pool("t", "200", "100", PoolKind::Trn)])
            .is_err());
        assert_eq!(a.pool_stats()[0].counts.allocated, 1);
        // The range grows: the cursor and counts stay, 100 is still taken.
        a.set_pools(&[pool("t", "100", "104", PoolKind::Trn)])
            .unwrap();
        assert_eq!(a.pool_stats()[0].counts.allocated, 1);
        assert_eq!(a.pool_stats()[0].live, 1);
        let got: Vec<String> = (0..4)
            .map(|_| {
                a.allocate("", PoolKind::Trn, "49170", 60_000, "c", 0)
                    .unwrap()
                    .number
            })
            .collect();
        assert_eq!(got, ["101", "102", "103", "104"]);
        assert!(a
            .allocate("", PoolKind::Trn, "49170", 60_000, "c", 0)
            .is_err());
        // A pool replaced by another range: the old numbers still resolve until used.
        a.set_pools(&[pool("u", "500", "501", PoolKind::Trn)])
            .unwrap();
        assert_eq!(a.consume("100", 1).unwrap().target, "49170");
        assert_eq!(
            a.allocate("", PoolKind::Trn, "x", 1, "c", 0)
                .unwrap()
                .number,
            "500"
        );
    }

    #[test]
    fn pools_are_validated() {
        let bad = |p: PoolConfig| Allocator::new(&[p]).unwrap_err();
        assert!(matches!(
            bad(pool("a", "100", "0999", PoolKind::Trn)),
            RoutingError::BadPool(..)
        ));
        assert!(matches!(
            bad(pool("a", "200", "100", PoolKind::Trn)),
            RoutingError::BadPool(..)
        ));
        assert!(matches!(
            bad(pool("a", "1x0", "200", PoolKind::Trn)),
            RoutingError::BadPool(..)
        ));
        let e = Allocator::new(&[
            pool("a", "100", "199", PoolKind::Trn),
            pool("b", "150", "250", PoolKind::Anchor),
        ])
        .unwrap_err();
        assert!(e.to_string().contains("overlaps"), "{e}");
    }

    #[test]
    fn allocates_round_robin_until_exhausted_and_keeps_leading_zeros() {
        let mut a = Allocator::new(&[pool("t", "0010", "0012", PoolKind::Trn)]).unwrap();
        let log = Arc::new(Log::default());
        a.set_persist(log.clone());
        let n: Vec<String> = (0..3)
            .map(|_| {
                a.allocate("", PoolKind::Trn, "49301", 60_000, "c", 0)
                    .unwrap()
                    .number
            })
            .collect();
        assert_eq!(n, ["0010", "0011", "0012"]);
        assert_eq!(
            a.allocate("t", PoolKind::Trn, "49301", 60_000, "c", 0),
            Err(RoutingError::Exhausted("t".into()))
        );
        assert!(a.release("0011").is_some());
        assert!(a.release("0011").is_none());
        // The released number is the only free one.
        let again = a.allocate("", PoolKind::Trn, "1", 60_000, "", 0).unwrap();
        assert_eq!(again.number, "0011");
        assert_eq!(log.0.lock().unwrap().len(), 5);
        assert_eq!(
            a.allocate("", PoolKind::Anchor, "1", 1, "", 0),
            Err(RoutingError::NoPoolOfKind("anchor"))
        );
        assert_eq!(
            a.allocate("zz", PoolKind::Trn, "1", 1, "", 0),
            Err(RoutingError::NoPool("zz".into()))
        );
    }

    #[test]
    fn consume_is_single_use_and_expiry_frees() {
        let mut a = Allocator::new(&[pool("t", "500", "509", PoolKind::Trn)]).unwrap();
        let x = a
            .allocate("", PoolKind::Trn, "4930", 1_000, "call-1", 10)
            .unwrap();
        assert_eq!(a.consume(&x.number, 500).unwrap().target, "4930");
        assert!(a.consume(&x.number, 500).is_none());
        let y = a
            .allocate("", PoolKind::Trn, "4931", 1_000, "", 10)
            .unwrap();
        assert_ne!(x.number, y.number);
        // Past its expiry it no longer resolves, and the sweeper frees it.
        assert!(a.get(&y.number, 1_010).is_none());
        assert_eq!(a.expire(1_010), 1);
        assert!(a.list("", 0).is_empty());
        // Expired numbers count as free when the pool is otherwise full.
        for _ in 0..10 {
            a.allocate("", PoolKind::Trn, "1", 5, "", 2_000).unwrap();
        }
        assert!(a.allocate("", PoolKind::Trn, "1", 5, "", 2_001).is_err());
        assert!(a.allocate("", PoolKind::Trn, "1", 5, "", 2_005).is_ok());
    }

    #[test]
    fn restore_keeps_live_numbers_out_of_reach() {
        let cfg = [pool("t", "100", "103", PoolKind::Trn)];
        let mut a = Allocator::new(&cfg).unwrap();
        let live: Vec<Allocation> = (0..2)
            .map(|_| a.allocate("", PoolKind::Trn, "9", 60_000, "", 0).unwrap())
            .collect();
        let mut b = Allocator::new(&cfg).unwrap();
        b.restore(live.clone(), &[("t".into(), 102)]);
        let fresh: Vec<String> = (0..2)
            .map(|_| {
                b.allocate("", PoolKind::Trn, "9", 60_000, "", 0)
                    .unwrap()
                    .number
            })
            .collect();
        assert_eq!(fresh, ["102", "103"]);
        assert!(b.allocate("", PoolKind::Trn, "9", 60_000, "", 0).is_err());
        assert_eq!(b.get(&live[0].number, 1).unwrap().target, "9");
    }
}
