//! What the daemon counts, as plain numbers each owner keeps where it works (a shard its
//! stack's counters and its calls', the journal writer its commits), and collects only when
//! asked: a scrape asks every shard of the runtime for a copy, so counting
//! costs the call path an addition, never a lock or an atomic shared between cores.

use crate::node::Load;
use crate::sccp::scrc::Counters as SccpCounters;
use crate::service::{Direction, Event, EventKind, Instruction, Protocol};
use crate::store::JournalStats;
use crate::tcap::sm::Counters as TcapCounters;

/// Protocols counted apart (as [`Protocol`] numbers them).
pub const PROTOCOLS: [Protocol; 5] = [
    Protocol::Unspecified,
    Protocol::Camel,
    Protocol::Ain,
    Protocol::Inap,
    Protocol::Win,
];
/// Event kinds counted apart (as [`EventKind`] numbers them).
pub const KINDS: [EventKind; 11] = [
    EventKind::Trigger,
    EventKind::Answered,
    EventKind::Disconnected,
    EventKind::Busy,
    EventKind::NoAnswer,
    EventKind::Abandoned,
    EventKind::RouteSelectFailure,
    EventKind::DialogueAborted,
    EventKind::DialogueTimedOut,
    EventKind::Routed,
    EventKind::TransferLeg,
];
/// Directions counted apart.
pub const DIRECTIONS: [Direction; 3] = [
    Direction::Unspecified,
    Direction::Originating,
    Direction::Terminating,
];
/// Instructions counted apart, by [`instruction_index`].
pub const INSTRUCTIONS: [&str; 4] = ["continue", "monitor", "connect", "release"];

pub fn protocol_name(p: Protocol) -> &'static str {
    match p {
        Protocol::Unspecified => "unspecified",
        Protocol::Camel => "camel",
        Protocol::Ain => "ain",
        Protocol::Inap => "inap",
        Protocol::Win => "win",
    }
}

pub fn kind_name(k: EventKind) -> &'static str {
    match k {
        EventKind::Trigger => "trigger",
        EventKind::Answered => "answered",
        EventKind::Disconnected => "disconnected",
        EventKind::Busy => "busy",
        EventKind::NoAnswer => "no_answer",
        EventKind::Abandoned => "abandoned",
        EventKind::RouteSelectFailure => "route_select_failure",
        EventKind::DialogueAborted => "dialogue_aborted",
        EventKind::DialogueTimedOut => "dialogue_timed_out",
        EventKind::Routed => "routed",
        EventKind::TransferLeg => "transfer_leg",
    }
}

pub fn direction_name(d: Direction) -> &'static str {
    match d {
        Direction::Unspecified => "unspecified",
        Direction::Originating => "originating",
        Direction::Terminating => "terminating",
    }
}

fn instruction_index(i: &Instruction) -> usize {
    match i {
        Instruction::Continue => 0,
        Instruction::Monitor => 1,
        Instruction::Connect(_) => 2,
        Instruction::Release(_) => 3,
    }
}

/// The calls a shard saw, from the events it journalled.
#[derive(Debug, Clone, Default)]
pub struct CallCounts {
    /// Events by protocol and kind.
    pub events: [[u64; KINDS.len()]; PROTOCOLS.len()],
    /// Triggers by protocol and direction.
    pub triggers: [[u64; DIRECTIONS.len()]; PROTOCOLS.len()],
    /// Answers to the switch (events that carry one: the trigger's own, or the routing of
    /// a held one), by protocol and instruction.
    pub answers: [[u64; INSTRUCTIONS.len()]; PROTOCOLS.len()],
    /// Triggers answered the cheapest safe way because the shard was overloaded.
    pub shed: u64,
    /// Triggers by protocol and trigger (collectedInfo, Info_Analyzed, ...): the few
    /// static names the codecs give, found by a short scan.
    pub kinds: Vec<(usize, &'static str, u64)>,
}

impl CallCounts {
    pub fn count(&mut self, events: &[Event]) {
        for ev in events {
            let p = ev.call.trigger.protocol as usize;
            self.events[p][ev.kind as usize] += 1;
            if ev.kind == EventKind::Trigger {
                self.triggers[p][ev.call.trigger.direction as usize] += 1;
                self.shed += u64::from(ev.shed);
                self.add_kind(p, ev.call.trigger.trigger, 1);
            }
            if let Some(i) = &ev.instruction {
                self.answers[p][instruction_index(i)] += 1;
            }
        }
    }

    /// `n` more triggers of protocol `p` and kind `name`.
    fn add_kind(&mut self, p: usize, name: &'static str, n: u64) {
        match self
            .kinds
            .iter_mut()
            .find(|(q, k, _)| *q == p && *k == name)
        {
            Some((_, _, m)) => *m += n,
            None => self.kinds.push((p, name, n)),
        }
    }

    fn add(&mut self, o: &CallCounts) {
        let add = |a: &mut [u64], b: &[u64]| a.iter_mut().zip(b).for_each(|(a, b)| *a += b);
        for p in 0..PROTOCOLS.len() {
            add(&mut self.events[p], &o.events[p]);
            add(&mut self.triggers[p], &o.triggers[p]);
            add(&mut self.answers[p], &o.answers[p]);
        }
        self.shed += o.shed;
        for &(p, name, n) in &o.kinds {
            self.add_kind(p, name, n);
        }
    }
}

/// A copy of one shard's counters.
#[derive(Debug, Clone, Default)]
pub struct ShardStats {
    /// Each TC-user's TCAP counters and open dialogues, by [`User::index`].
    pub tcaps: [(TcapCounters, usize); 5],
    pub sccp: SccpCounters,
    /// Segmented messages being reassembled.
    pub reassemblies: usize,
    pub calls: CallCounts,
    /// The shard's overload state now, and how often it changed.
    pub load: Load,
    pub load_changes: u64,
}

/// Upper bounds (seconds) of the answer-latency histogram's buckets.
pub const ANSWER_BUCKETS: [f64; 12] = [
    0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0,
];

/// Time from reading a shard's earliest message of a wake-up off its socket to writing
/// what that wake-up sent on an association (the journal commit included): an upper bound
/// of each answer's time in scpd. Kept by the association writers (an atomic add per
/// write, not per message).
#[derive(Debug, Default)]
pub struct AnswerLatency {
    buckets: [std::sync::atomic::AtomicU64; ANSWER_BUCKETS.len()],
    count: std::sync::atomic::AtomicU64,
    sum_us: std::sync::atomic::AtomicU64,
}

/// A copy of [`AnswerLatency`]: counts per bucket (not cumulative; beyond the last bound
/// in `count` only), the number of observations and their sum in seconds.
#[derive(Debug, Clone, Default)]
pub struct LatencyCounts {
    pub buckets: [u64; ANSWER_BUCKETS.len()],
    pub count: u64,
    pub sum_seconds: f64,
}

impl AnswerLatency {
    pub fn observe(&self, took: std::time::Duration) {
        use std::sync::atomic::Ordering::Relaxed;
        let s = took.as_secs_f64();
        if let Some(b) = ANSWER_BUCKETS.iter().position(|&le| s <= le) {
            self.buckets[b].fetch_add(1, Relaxed);
        }
        self.count.fetch_add(1, Relaxed);
        self.sum_us.fetch_add(took.as_micros() as u64, Relaxed);
    }

    pub fn counts(&self) -> LatencyCounts {
        use std::sync::atomic::Ordering::Relaxed;
        LatencyCounts {
            buckets: std::array::from_fn(|i| self.buckets[i].load(Relaxed)),
            count: self.count.load(Relaxed),
            sum_seconds: self.sum_us.load(Relaxed) as f64 / 1e6,
        }
    }
}

/// Everything a scrape shows, collected at one moment.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    pub shards: Vec<ShardStats>,
    pub journal: JournalStats,
    /// How the queries to the data-session servers ended.
    pub decisions: crate::api::DecisionCounts,
    /// Questions put to HLRs, by operation and outcome.
    pub hlr: Vec<crate::api::HlrCount>,
    /// Routing-number pools.
    pub pools: Vec<crate::service::routing::PoolStats>,
    pub m3ua: M3uaStats,
    /// Each event stream's peer and how many committed events it has not been handed yet.
    pub subscribers: Vec<(String, u64)>,
    pub answer_latency: LatencyCounts,
}

/// The M3UA endpoint's messages and associations.
#[derive(Debug, Clone, Default)]
pub struct M3uaStats {
    pub received: crate::m3ua::endpoint::MessageCounts,
    pub sent: crate::m3ua::endpoint::MessageCounts,
    /// Each association's side and whether it is ASP-ACTIVE.
    pub associations: Vec<(&'static str, bool)>,
}

impl ShardStats {
    /// Open TCAP dialogues, of every TC-user.
    pub fn open_dialogues(&self) -> usize {
        self.tcaps.iter().map(|t| t.1).sum()
    }
}

impl Snapshot {
    /// The calls of every shard together.
    pub fn calls(&self) -> CallCounts {
        let mut c = CallCounts::default();
        for s in &self.shards {
            c.add(&s.calls);
        }
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tables_follow_the_enums_order() {
        for (i, p) in PROTOCOLS.iter().enumerate() {
            assert_eq!(*p as usize, i, "{p:?}");
        }
        for (i, k) in KINDS.iter().enumerate() {
            assert_eq!(*k as usize, i, "{k:?}");
        }
        for (i, d) in DIRECTIONS.iter().enumerate() {
            assert_eq!(*d as usize, i, "{d:?}");
        }
        for (i, n) in INSTRUCTIONS.iter().enumerate() {
            let ins = [
                Instruction::Continue,
                Instruction::Monitor,
                Instruction::Connect(Default::default()),
                Instruction::Release(16),
            ];
            assert_eq!(ins[i].name(), *n);
            assert_eq!(instruction_index(&ins[i]), i);
        }
    }
}
