//! SQLite store: subscribers and the call-event journal.
//!
//! One dedicated writer thread owns the write connection, so the async runtime never blocks
//! on disk. It takes commands from a channel, applies every command waiting at that moment
//! in one transaction (group commit), and only after the commit publishes the journalled
//! events to live subscribers: an event a subscriber has seen is always on disk.
//! Reads (journal replay, subscriber list at start) use their own connections.
//!
//! The same thread persists routing-number changes in the order the allocator made them
//! ([`crate::service::routing::Persist`]), and prunes the journal by age and size
//! ([`Retention`]) between batches, so pruning never races an append.
//!
//! Here: the schema and opening a database; [`read`] the queries (journal replay,
//! subscribers and routing numbers at start); [`writer`] the writer thread and its handle;
//! [`live`] the tail live subscribers follow; [`checkpoint`] WAL checkpoints.

use rusqlite::Connection;
use std::path::Path;

mod checkpoint;
mod live;
mod read;
#[cfg(test)]
mod tests;
mod writer;
pub use live::{Committed, Follower, Since, Tail, LIVE_BUFFER};
pub use read::*;
pub use writer::{
    prune, Batch, Encoded, JournalStats, Put, Ticket, Writer, COMMIT_BUCKETS, EXISTS, OTHERS,
};

/// Schema migrations, applied in order; `PRAGMA user_version` records how many ran.
const MIGRATIONS: &[&str] = &[
    // 1: subscribers and the event journal (the event itself as its protobuf encoding,
    // plus the columns we query by).
    "CREATE TABLE subscriber (
        number TEXT PRIMARY KEY,
        user TEXT NOT NULL DEFAULT '',
        policy TEXT NOT NULL
     );
     CREATE TABLE event (
        sequence INTEGER PRIMARY KEY AUTOINCREMENT,
        call_id TEXT NOT NULL,
        kind INTEGER NOT NULL,
        timestamp_ms INTEGER NOT NULL,
        body BLOB NOT NULL
     );
     CREATE INDEX event_call ON event(call_id);",
    // 2: subscribers' terminals (JSON array of {id, label}); live routing numbers and where
    // each pool's next search starts.
    "ALTER TABLE subscriber ADD COLUMN terminals TEXT NOT NULL DEFAULT '[]';
     CREATE TABLE routing_number (
        number TEXT PRIMARY KEY,
        target TEXT NOT NULL,
        pool TEXT NOT NULL,
        kind TEXT NOT NULL,
        call_id TEXT NOT NULL DEFAULT '',
        allocated_ms INTEGER NOT NULL,
        expires_ms INTEGER NOT NULL
     );
     CREATE TABLE routing_cursor (
        pool TEXT PRIMARY KEY,
        next INTEGER NOT NULL
     );
     CREATE INDEX event_time ON event(timestamp_ms);",
    // 3: durable event consumers and the last sequence each acknowledged.
    "CREATE TABLE consumer (
        name TEXT PRIMARY KEY,
        acked INTEGER NOT NULL,
        updated_ms INTEGER NOT NULL
     );",
    // 4: tenants ([[tenants]]): whose each subscriber and live routing number is.
    "ALTER TABLE subscriber ADD COLUMN tenant TEXT NOT NULL DEFAULT '';
     ALTER TABLE routing_number ADD COLUMN tenant TEXT NOT NULL DEFAULT '';",
];

/// How much of the journal to keep (`[store]` keys); 0 keeps everything.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Retention {
    /// Events older than this many seconds are pruned.
    pub max_age_seconds: u64,
    /// At most this many events are kept (the oldest go first).
    pub max_events: u64,
    /// At most this many bytes of encoded events are kept (the oldest go first).
    pub max_bytes: u64,
    /// How often the writer prunes (seconds; 0: 60).
    pub interval_seconds: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("stored event {0} is corrupt: {1}")]
    Corrupt(i64, prost::DecodeError),
    #[error("the store writer has stopped")]
    Stopped,
    #[error("database {path} has schema version {found}, newer than this scpd ({known})")]
    TooNew {
        path: String,
        found: usize,
        known: usize,
    },
}

/// Open (creating if absent) and migrate.
pub fn open(path: &Path) -> Result<Connection, StoreError> {
    let mut conn = Connection::open(path)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    let version: usize = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if version > MIGRATIONS.len() {
        return Err(StoreError::TooNew {
            path: path.display().to_string(),
            found: version,
            known: MIGRATIONS.len(),
        });
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(version) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", i + 1)?;
        tx.commit()?;
    }
    Ok(conn)
}

/// Open an existing, migrated database for reading only (journal replay): no migration, no
/// schema lock, never blocks the writer (WAL readers see the last commit).
pub fn open_reader(path: &Path) -> Result<Connection, StoreError> {
    let conn = Connection::open_with_flags(
        path,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    Ok(conn)
}
