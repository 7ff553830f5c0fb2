//! The node's own sections: who it is (`[node]`), how many dialogues it holds (`[tcap]`),
//! where it journals (`[store]`) and how it uses the machine (`[runtime]`).

use super::Variant;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Node {
    /// Our signalling point code: no default, it is who the node is.
    pub point_code: u32,
    /// MTP3 network indicator (0 international, 2 national as in the SIO), 2 by default.
    #[serde(default = "default_network_indicator")]
    pub network_indicator: u8,
    /// Point-code format; `sccp.variant` must agree when both are given.
    #[serde(default)]
    pub variant: Option<Variant>,
    #[serde(default)]
    pub instance: u8,
}

fn default_network_indicator() -> u8 {
    2
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Tcap {
    pub max_dialogues: usize,
    pub dialogue_idle_seconds: u64,
}

impl Default for Tcap {
    fn default() -> Tcap {
        Tcap {
            max_dialogues: 100_000,
            dialogue_idle_seconds: 120,
        }
    }
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Store {
    /// SQLite database, `scpd.db` in the working directory by default.
    #[serde(default = "default_store_path")]
    pub path: String,
    /// Journal retention (0 keeps everything): age in seconds, newest events kept, bytes of
    /// encoded events kept; pruned by the writer every `prune_interval_seconds`.
    #[serde(default)]
    pub retention_max_age_seconds: u64,
    #[serde(default)]
    pub retention_max_events: u64,
    #[serde(default)]
    pub retention_max_bytes: u64,
    #[serde(default)]
    pub prune_interval_seconds: u64,
}

fn default_store_path() -> String {
    "scpd.db".into()
}

impl Default for Store {
    fn default() -> Store {
        Store {
            path: default_store_path(),
            retention_max_age_seconds: 0,
            retention_max_events: 0,
            retention_max_bytes: 0,
            prune_interval_seconds: 0,
        }
    }
}

impl Store {
    pub fn retention(&self) -> crate::store::Retention {
        crate::store::Retention {
            max_age_seconds: self.retention_max_age_seconds,
            max_events: self.retention_max_events,
            max_bytes: self.retention_max_bytes,
            interval_seconds: self.prune_interval_seconds,
        }
    }
}

/// `[runtime]`: how the daemon uses the machine.
#[derive(Debug, Clone, Deserialize, PartialEq, Default)]
#[serde(deny_unknown_fields, default)]
pub struct Runtime {
    /// Signalling stacks, each on its own worker thread, that dialogues are spread over by
    /// transaction id; 0: one per CPU core.
    pub shards: usize,
}

/// `[overload]`: when a shard takes on less so that every answer stays within the
/// switch's timer (see `runtime::overload`).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Overload {
    /// Shed (cheapest safe answers, marked in the events) once inputs wait this long, an
    /// association's backlog lasts this long, or the journal lags this much (ms).
    pub shed_after_ms: u64,
    /// Refuse new dialogues (TCAP abort for a full table) past this (ms).
    pub refuse_after_ms: u64,
    /// Step back down one level once the pressure stayed under it this long (ms).
    pub recover_after_ms: u64,
    /// While refusing, CAMEL switches (CAP v3+) are asked to gap the service for this long
    /// (CallGap duration, seconds)...
    pub gap_seconds: i32,
    /// ...letting at most one of its calls per this interval through (ms).
    pub gap_interval_ms: i32,
}

impl Default for Overload {
    fn default() -> Overload {
        Overload {
            shed_after_ms: 200,
            refuse_after_ms: 600,
            recover_after_ms: 2000,
            gap_seconds: 10,
            gap_interval_ms: 1000,
        }
    }
}

/// Most shards: the shard takes the low bits of the 24-bit dialogue id space.
pub const MAX_SHARDS: usize = 64;

impl Runtime {
    /// The number of shards to run (resolving 0 to the number of cores).
    pub fn shards(&self) -> usize {
        match self.shards {
            0 => std::thread::available_parallelism()
                .map_or(1, |n| n.get())
                .min(MAX_SHARDS),
            n => n,
        }
    }
}

/// `[metrics]`: Prometheus metrics (INTERFACES.md `--metrics-listen`).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Metrics {
    /// HOST:PORT serving `GET /metrics`; empty: no metrics.
    pub listen: String,
}

impl Default for Metrics {
    fn default() -> Metrics {
        Metrics {
            listen: "127.0.0.1:9464".into(),
        }
    }
}
