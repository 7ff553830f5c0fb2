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

use crate::proto::CallEvent;
use crate::service::routing::{Allocation, Change, PoolKind};
use crate::service::{Event, Policy, Subscriber, Terminal};
use prost::Message;
use rusqlite::{params, Connection, OptionalExtension};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::Arc;
use tokio::sync::oneshot;

mod checkpoint;
mod live;
pub use live::{Committed, Follower, Since, Tail, LIVE_BUFFER};

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

pub fn policy_name(p: Policy) -> &'static str {
    match p {
        Policy::Monitor => "monitor",
        Policy::Anchor => "anchor",
        Policy::Decide => "decide",
        Policy::Pass | Policy::Unspecified => "pass",
    }
}

pub fn policy_from_name(s: &str) -> Option<Policy> {
    match s {
        "monitor" => Some(Policy::Monitor),
        "pass" => Some(Policy::Pass),
        "anchor" => Some(Policy::Anchor),
        "decide" => Some(Policy::Decide),
        _ => None,
    }
}

fn terminals_json(t: &[Terminal]) -> String {
    serde_json::Value::Array(
        t.iter()
            .map(|t| serde_json::json!({"id": t.id, "label": t.label}))
            .collect(),
    )
    .to_string()
}

fn terminals_from_json(s: &str) -> Vec<Terminal> {
    let v: serde_json::Value = serde_json::from_str(s).unwrap_or_default();
    v.as_array()
        .map(|a| {
            a.iter()
                .map(|t| Terminal {
                    id: t["id"].as_str().unwrap_or_default().to_string(),
                    label: t["label"].as_str().unwrap_or_default().to_string(),
                })
                .collect()
        })
        .unwrap_or_default()
}

fn subscriber_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Subscriber> {
    let policy: String = r.get(2)?;
    let terminals: String = r.get(3)?;
    Ok(Subscriber {
        number: r.get(0)?,
        user: r.get(1)?,
        policy: policy_from_name(&policy).unwrap_or(Policy::Pass),
        terminals: terminals_from_json(&terminals),
    })
}

pub fn load_subscribers(conn: &Connection) -> Result<Vec<Subscriber>, StoreError> {
    let mut st =
        conn.prepare("SELECT number, user, policy, terminals FROM subscriber ORDER BY number")?;
    let rows = st.query_map([], subscriber_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Live routing numbers and pool cursors, for [`crate::service::routing::Allocator::restore`].
#[allow(clippy::type_complexity)]
pub fn load_routing(
    conn: &Connection,
) -> Result<(Vec<Allocation>, Vec<(String, u64)>), StoreError> {
    let mut st = conn.prepare(
        "SELECT number, target, pool, kind, call_id, allocated_ms, expires_ms
         FROM routing_number ORDER BY number",
    )?;
    let live = st
        .query_map([], |r| {
            let kind: String = r.get(3)?;
            Ok(Allocation {
                number: r.get(0)?,
                target: r.get(1)?,
                pool: r.get(2)?,
                kind: PoolKind::from_name(&kind).unwrap_or(PoolKind::Trn),
                call_id: r.get(4)?,
                allocated_ms: r.get(5)?,
                expires_ms: r.get(6)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let mut st = conn.prepare("SELECT pool, next FROM routing_cursor")?;
    let cursors = st
        .query_map([], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as u64))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok((live, cursors))
}

/// Sequence of the newest journalled event (0 when empty).
pub fn last_sequence(conn: &Connection) -> Result<u64, StoreError> {
    Ok(
        conn.query_row("SELECT COALESCE(MAX(sequence), 0) FROM event", [], |r| {
            r.get::<_, i64>(0)
        })? as u64,
    )
}

/// `(oldest retained, newest issued)` sequences of the journal. The newest comes from
/// AUTOINCREMENT's record, so it survives retention deleting every row; an empty journal
/// has oldest = newest + 1.
pub fn journal_bounds(conn: &Connection) -> Result<(u64, u64), StoreError> {
    let issued: i64 = conn
        .query_row(
            "SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'event'), 0),
                        COALESCE((SELECT MAX(sequence) FROM event), 0))",
            [],
            |r| r.get(0),
        )
        .optional()?
        .unwrap_or(0);
    let oldest: Option<i64> =
        conn.query_row("SELECT MIN(sequence) FROM event", [], |r| r.get(0))?;
    let issued = issued as u64;
    Ok((oldest.map_or(issued + 1, |o| o as u64), issued))
}

/// Events with sequence > `after`, oldest first, at most `limit`.
pub fn read_events(
    conn: &Connection,
    after: u64,
    limit: usize,
) -> Result<Vec<CallEvent>, StoreError> {
    let mut st = conn.prepare_cached(
        "SELECT sequence, body FROM event WHERE sequence > ?1 ORDER BY sequence LIMIT ?2",
    )?;
    let mut rows = st.query(params![after as i64, limit as i64])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let seq: i64 = r.get(0)?;
        let body: Vec<u8> = r.get(1)?;
        let mut ev = CallEvent::decode(body.as_slice()).map_err(|e| StoreError::Corrupt(seq, e))?;
        ev.sequence = seq as u64;
        out.push(ev);
    }
    Ok(out)
}

enum Cmd {
    /// Events of one batch of work, journalled in order, and the batch's number.
    Append(Encoded, Batch),
    /// `bool`: fail with "exists" rather than replace.
    PutSubscriber(Subscriber, bool, oneshot::Sender<Result<(), String>>),
    RemoveSubscriber(String, oneshot::Sender<Result<bool, String>>),
    Routing(Change),
    Flush(oneshot::Sender<Result<(), String>>),
    /// Commit what is queued and end the thread (other handles may still exist).
    Stop,
}

/// Handle to the writer thread; cheap to clone.
#[derive(Clone)]
pub struct Writer {
    tx: mpsc::Sender<Cmd>,
    /// The number of the last batch appended, taken under this lock as it is sent, so
    /// batches reach the writer thread in number order.
    appended: Arc<std::sync::Mutex<Batch>>,
    /// The number of the last batch whose commit is done (committed or failed).
    done: tokio::sync::watch::Receiver<Batch>,
    live: Tail,
    path: PathBuf,
}

/// Events as the journal stores and publishes them: their encoding (gRPC form, sequence 0:
/// the row id is the sequence), back to back, with the columns the journal indexes.
pub struct Encoded {
    bodies: Vec<u8>,
    ends: Vec<u32>,
    rows: Vec<Row>,
}

struct Row {
    call_id: String,
    kind: i32,
    timestamp_ms: i64,
}

impl Encoded {
    fn of(events: &[Event]) -> Encoded {
        let mut e = Encoded {
            bodies: Vec::with_capacity(events.len() * 320),
            ends: Vec::with_capacity(events.len()),
            rows: Vec::with_capacity(events.len()),
        };
        for ev in events {
            let ev = CallEvent::of(0, ev);
            ev.encode(&mut e.bodies).expect("a Vec grows");
            e.ends.push(e.bodies.len() as u32);
            e.rows.push(Row {
                call_id: ev.call_id,
                kind: ev.kind,
                timestamp_ms: ev.timestamp_ms,
            });
        }
        e
    }

    fn len(&self) -> usize {
        self.ends.len()
    }

    /// The encoded events one after the other.
    fn bodies(&self) -> impl Iterator<Item = &[u8]> {
        let mut start = 0;
        self.ends.iter().map(move |&end| {
            let b = &self.bodies[start as usize..end as usize];
            start = end;
            b
        })
    }
}

/// Number of an appended batch of events (see [`Writer::append_all`]); 0 is no batch.
pub type Batch = u64;

/// Resolves when the commit of what was sent before it is done (`Err`: it failed).
pub type Ticket = oneshot::Receiver<Result<(), String>>;

/// What `PutSubscriber` with `create_only` answers when the number is enrolled.
pub const EXISTS: &str = "exists";

impl crate::service::routing::Persist for Writer {
    fn persist(&self, change: Change) {
        if self.tx.send(Cmd::Routing(change)).is_err() {
            tracing::error!("store stopped: routing-number change not persisted");
        }
    }
}

impl Writer {
    /// Start the writer thread on a migrated database, keeping the whole journal.
    pub fn start(path: &Path) -> Result<(Writer, std::thread::JoinHandle<()>), StoreError> {
        Writer::start_with(path, Retention::default())
    }

    /// Start the writer thread, pruning the journal by `retention`.
    pub fn start_with(
        path: &Path,
        retention: Retention,
    ) -> Result<(Writer, std::thread::JoinHandle<()>), StoreError> {
        let conn = open(path)?;
        conn.set_prepared_statement_cache_capacity(ROWS_PER_INSERT + 16);
        // Checkpoints run beside the writer, not inside its commits.
        conn.pragma_update(None, "wal_autocheckpoint", 0)?;
        let checkpointer = checkpoint::Checkpointer::start(path)?;
        let (tx, rx) = mpsc::channel();
        let live = Tail::new(journal_bounds(&conn)?.1);
        let (done_tx, done) = tokio::sync::watch::channel(0);
        let publisher = live.clone();
        let handle = std::thread::Builder::new()
            .name("scpd-store".into())
            .spawn(move || {
                writer_loop(conn, rx, publisher, done_tx, retention);
                drop(checkpointer);
            })
            .expect("spawn store thread");
        Ok((
            Writer {
                tx,
                appended: Arc::default(),
                done,
                live,
                path: path.to_path_buf(),
            },
            handle,
        ))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Journal an event; it is published to live subscribers once committed.
    pub fn append(&self, ev: Event) -> Result<(), StoreError> {
        self.append_all(vec![ev]).map(drop)
    }

    /// Journal events in this order; they are published to live subscribers once
    /// committed. The batch's number resolves [`Writer::committed`] once its commit is done:
    /// the runtime holds a switch's answers on it, so an answer on the wire implies its
    /// events are on disk.
    pub fn append_all(&self, events: Vec<Event>) -> Result<Batch, StoreError> {
        // Translated and encoded here, on the caller's thread: the writer thread, which
        // every batch passes through one at a time, is left with the inserts.
        let encoded = Encoded::of(&events);
        let mut last = self.appended.lock().unwrap_or_else(|p| p.into_inner());
        let n = *last + 1;
        self.tx
            .send(Cmd::Append(encoded, n))
            .map_err(|_| StoreError::Stopped)?;
        *last = n;
        Ok(n)
    }

    /// Wait until the commit of batch `n` (and of every batch before it) is done, whether
    /// it succeeded or not (a failure is logged by the writer); at once when the writer has
    /// stopped.
    pub async fn committed(&self, n: Batch) {
        if *self.done.borrow() >= n {
            return;
        }
        let mut done = self.done.clone();
        let _ = done.wait_for(|d| *d >= n).await;
    }

    /// Follow the events committed from now on (and the newest few before).
    pub fn follow(&self) -> Follower {
        self.live.follow()
    }

    /// Add or replace (`create_only`: fail with [`EXISTS`] if enrolled).
    pub async fn put_subscriber(&self, s: Subscriber, create_only: bool) -> Result<(), String> {
        let (tx, rx) = oneshot::channel();
        self.tx
            .send(Cmd::PutSubscriber(s, create_only, tx))
            .map_err(|_| "store stopped".to_string())?;
        rx.await.map_err(|_| "store stopped".to_string())?
    }

    pub async fn remove_subscriber(&self, number: String) -> Result<bool, String> {
        let (tx, rx) = oneshot::channel();
        self.tx
            .send(Cmd::RemoveSubscriber(number, tx))
            .map_err(|_| "store stopped".to_string())?;
        rx.await.map_err(|_| "store stopped".to_string())?
    }

    /// Commit everything queued and stop the writer thread; later appends fail with
    /// `Stopped`. Join the thread's handle to wait for it.
    pub fn stop(&self) {
        let _ = self.tx.send(Cmd::Stop);
    }

    /// Wait until everything sent before is committed.
    pub async fn flush(&self) {
        let _ = self.commit().await;
    }

    /// Wait until everything sent before is committed; an error if that commit failed.
    pub async fn commit(&self) -> Result<(), String> {
        self.ticket()
            .await
            .map_err(|_| "store stopped".to_string())?
    }

    /// Resolves when everything sent before is committed (or failed to): the daemon holds
    /// a switch's answer on it, so an answer on the wire implies its events are journalled.
    pub fn ticket(&self) -> Ticket {
        let (tx, rx) = oneshot::channel();
        // If the writer is gone, `rx` reports the closed channel.
        let _ = self.tx.send(Cmd::Flush(tx));
        rx
    }
}

/// Delete journal rows outside `r`; how many.
pub fn prune(conn: &Connection, r: &Retention, now_ms: i64) -> Result<usize, rusqlite::Error> {
    let mut n = 0;
    if r.max_age_seconds > 0 {
        let before = now_ms.saturating_sub((r.max_age_seconds as i64).saturating_mul(1000));
        // timestamp_ms is the receive time: old rows are a prefix of the journal.
        n += conn.execute("DELETE FROM event WHERE timestamp_ms < ?1", params![before])?;
    }
    if r.max_events > 0 {
        n += conn.execute(
            "DELETE FROM event WHERE sequence <= (SELECT sequence FROM event
             ORDER BY sequence DESC LIMIT 1 OFFSET ?1)",
            params![r.max_events as i64],
        )?;
    }
    if r.max_bytes > 0 {
        // The newest rows whose bodies fit the budget stay.
        n += conn.execute(
            "DELETE FROM event WHERE sequence <= (SELECT COALESCE(MAX(sequence), 0) FROM
               (SELECT sequence, SUM(length(body)) OVER (ORDER BY sequence DESC) AS total
                FROM event) WHERE total > ?1)",
            params![r.max_bytes as i64],
        )?;
    }
    Ok(n)
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// Rows one INSERT statement takes: one statement per row costs SQLite a statement
/// execution each; several rows in one share it.
const ROWS_PER_INSERT: usize = 16;

/// The SQL inserting `n` events.
fn insert_sql(n: usize) -> String {
    let mut sql = String::from("INSERT INTO event (call_id, kind, timestamp_ms, body) VALUES ");
    for i in 0..n {
        if i > 0 {
            sql.push(',');
        }
        sql.push_str("(?,?,?,?)");
    }
    sql
}

/// Insert a batch; its events get consecutive row ids (one writer, AUTOINCREMENT), which
/// are their sequences: the first is returned.
fn insert_events(tx: &rusqlite::Transaction<'_>, batch: &Encoded) -> rusqlite::Result<u64> {
    let bodies: Vec<&[u8]> = batch.bodies().collect();
    let mut first = None;
    for (rows, bodies) in batch
        .rows
        .chunks(ROWS_PER_INSERT)
        .zip(bodies.chunks(ROWS_PER_INSERT))
    {
        let mut values: Vec<&dyn rusqlite::ToSql> = Vec::with_capacity(rows.len() * 4);
        for (r, body) in rows.iter().zip(bodies) {
            values.extend([
                &r.call_id as &dyn rusqlite::ToSql,
                &r.kind,
                &r.timestamp_ms,
                body,
            ]);
        }
        tx.prepare_cached(&insert_sql(rows.len()))?
            .execute(values.as_slice())?;
        if first.is_none() {
            first = Some(tx.last_insert_rowid() as u64 + 1 - rows.len() as u64);
        }
    }
    Ok(first.unwrap_or(0))
}

/// Events a transaction takes before it commits (more waiting go in the next one).
const COMMIT_EVENTS: usize = 256;

fn cmd_events(c: &Cmd) -> usize {
    match c {
        Cmd::Append(e, _) => e.len(),
        _ => 1,
    }
}

fn writer_loop(
    mut conn: Connection,
    rx: mpsc::Receiver<Cmd>,
    live: Tail,
    done: tokio::sync::watch::Sender<Batch>,
    retention: Retention,
) {
    let mut batch = Vec::new();
    let mut stopping = false;
    let pruning =
        retention.max_age_seconds > 0 || retention.max_events > 0 || retention.max_bytes > 0;
    let interval = std::time::Duration::from_secs(match retention.interval_seconds {
        0 => 60,
        s => s,
    });
    let mut next_prune = std::time::Instant::now();
    loop {
        if pruning && std::time::Instant::now() >= next_prune {
            match prune(&conn, &retention, now_ms()) {
                Ok(0) => {}
                Ok(n) => tracing::info!(events = n, "journal pruned"),
                Err(e) => tracing::error!(error = %e, "journal prune failed"),
            }
            next_prune = std::time::Instant::now() + interval;
        }
        let first = if pruning {
            match rx.recv_timeout(next_prune.saturating_duration_since(std::time::Instant::now())) {
                Ok(c) => c,
                Err(mpsc::RecvTimeoutError::Timeout) => continue,
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
            }
        } else {
            match rx.recv() {
                Ok(c) => c,
                Err(_) => break,
            }
        };
        // Group commit, in bounded transactions: answers wait for the commit of their
        // batch, so a backlog is committed in several steps rather than one long one.
        let mut events = cmd_events(&first);
        batch.push(first);
        while events < COMMIT_EVENTS && batch.len() < 256 {
            let Ok(more) = rx.try_recv() else { break };
            events += cmd_events(&more);
            batch.push(more);
        }
        let mut published: Vec<Committed> = Vec::new();
        let mut replies = Vec::new();
        // Done once this transaction ends, committed or not: answers held on these batches
        // go out either way (an unjournalled answer beats a switch left waiting).
        let last_batch = batch
            .iter()
            .filter_map(|c| match c {
                Cmd::Append(_, n) => Some(*n),
                _ => None,
            })
            .max();
        let result = (|| -> Result<(), rusqlite::Error> {
            let tx = conn.transaction()?;
            for cmd in batch.drain(..) {
                match cmd {
                    Cmd::Append(batch, _) => {
                        if batch.len() > 0 {
                            let first = insert_events(&tx, &batch)?;
                            published.push(Committed::new(first, batch));
                        }
                    }
                    Cmd::PutSubscriber(s, create_only, reply) => {
                        let sql = if create_only {
                            "INSERT INTO subscriber (number, user, policy, terminals)
                             VALUES (?1, ?2, ?3, ?4) ON CONFLICT(number) DO NOTHING"
                        } else {
                            "INSERT INTO subscriber (number, user, policy, terminals)
                             VALUES (?1, ?2, ?3, ?4) ON CONFLICT(number) DO UPDATE SET
                             user = excluded.user, policy = excluded.policy,
                             terminals = excluded.terminals"
                        };
                        let r = tx
                            .execute(
                                sql,
                                params![
                                    s.number,
                                    s.user,
                                    policy_name(s.policy),
                                    terminals_json(&s.terminals)
                                ],
                            )
                            .map_err(|e| e.to_string())
                            .and_then(|n| match n {
                                0 => Err(EXISTS.to_string()),
                                _ => Ok(()),
                            });
                        replies.push(Reply::Put(reply, r));
                    }
                    Cmd::Routing(Change::Allocated {
                        allocation: a,
                        cursor,
                    }) => {
                        tx.execute(
                            "INSERT OR REPLACE INTO routing_number
                             (number, target, pool, kind, call_id, allocated_ms, expires_ms)
                             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                            params![
                                a.number,
                                a.target,
                                a.pool,
                                a.kind.name(),
                                a.call_id,
                                a.allocated_ms,
                                a.expires_ms
                            ],
                        )?;
                        tx.execute(
                            "INSERT OR REPLACE INTO routing_cursor (pool, next) VALUES (?1, ?2)",
                            params![a.pool, cursor as i64],
                        )?;
                    }
                    Cmd::Routing(Change::Freed { number, why }) => {
                        tracing::debug!(number, ?why, "routing number freed");
                        tx.execute(
                            "DELETE FROM routing_number WHERE number = ?1",
                            params![number],
                        )?;
                    }
                    Cmd::RemoveSubscriber(n, reply) => {
                        let r = tx
                            .execute("DELETE FROM subscriber WHERE number = ?1", params![n])
                            .map(|c| c > 0)
                            .map_err(|e| e.to_string());
                        replies.push(Reply::Remove(reply, r));
                    }
                    Cmd::Flush(reply) => replies.push(Reply::Flush(reply)),
                    Cmd::Stop => stopping = true,
                }
            }
            tx.commit()
        })();
        if let Some(n) = last_batch {
            done.send_replace(n);
        }
        if let Err(e) = result {
            // The transaction rolled back: nothing of this batch was published, and the
            // callers waiting on it learn so.
            tracing::error!(error = %e, "store: batch commit failed; answering anyway");
            published.clear();
            for r in replies.drain(..) {
                match r {
                    Reply::Put(tx, _) => drop(tx.send(Err(e.to_string()))),
                    Reply::Remove(tx, _) => drop(tx.send(Err(e.to_string()))),
                    Reply::Flush(tx) => drop(tx.send(Err(e.to_string()))),
                }
            }
            if stopping {
                break;
            }
            continue;
        }
        for c in published {
            live.publish(c);
        }
        for r in replies {
            match r {
                Reply::Put(tx, v) => drop(tx.send(v)),
                Reply::Remove(tx, v) => drop(tx.send(v)),
                Reply::Flush(tx) => drop(tx.send(Ok(()))),
            }
        }
        if stopping {
            break;
        }
    }
}

enum Reply {
    Put(oneshot::Sender<Result<(), String>>, Result<(), String>),
    Remove(oneshot::Sender<Result<bool, String>>, Result<bool, String>),
    Flush(oneshot::Sender<Result<(), String>>),
}

/// Look up one subscriber directly (used by tests and tools).
pub fn get_subscriber(conn: &Connection, number: &str) -> Result<Option<Subscriber>, StoreError> {
    Ok(conn
        .query_row(
            "SELECT number, user, policy, terminals FROM subscriber WHERE number = ?1",
            params![number],
            subscriber_row,
        )
        .optional()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tmp(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("scpd-store-{}-{name}", std::process::id()));
        let _ = std::fs::remove_file(&d);
        d
    }

    #[tokio::test]
    async fn events_are_journalled_then_published_in_order() {
        let path = tmp("journal.db");
        let (w, _h) = Writer::start(&path).unwrap();
        let mut live = w.follow();
        for i in 0..5 {
            w.append(Event::bare(i)).unwrap();
        }
        let mut seqs = Vec::new();
        while seqs.len() < 5 {
            let after = seqs.last().copied().unwrap_or(0);
            assert!(live.wait(after).await);
            let Since::Events(evs) = live.since(after) else {
                panic!("gap")
            };
            seqs.extend(evs.iter().map(|ev| ev.sequence));
        }
        assert!(seqs.windows(2).all(|p| p[0] < p[1]), "{seqs:?}");
        w.flush().await;
        let conn = open(&path).unwrap();
        let all = read_events(&conn, 0, 100).unwrap();
        assert_eq!(all.len(), 5);
        assert_eq!(all[4].call_id, "00-0-4");
        assert_eq!(read_events(&conn, seqs[2], 100).unwrap().len(), 2);
    }

    #[tokio::test]
    async fn subscribers_persist_across_reopen() {
        let path = tmp("subs.db");
        {
            let (w, _h) = Writer::start(&path).unwrap();
            let alice = Subscriber {
                number: "491700000001".into(),
                user: "alice".into(),
                policy: Policy::Monitor,
                terminals: vec![Terminal {
                    id: "sip:alice@x".into(),
                    label: "desk \"phone\"".into(),
                }],
            };
            w.put_subscriber(alice.clone(), true).await.unwrap();
            assert_eq!(w.put_subscriber(alice, true).await, Err(EXISTS.to_string()));
            w.put_subscriber(
                Subscriber {
                    number: "491700000002".into(),
                    user: String::new(),
                    policy: Policy::Decide,
                    terminals: vec![],
                },
                false,
            )
            .await
            .unwrap();
            assert!(w.remove_subscriber("491700000002".into()).await.unwrap());
            assert!(!w.remove_subscriber("nope".into()).await.unwrap());
        }
        let conn = open(&path).unwrap();
        let subs = load_subscribers(&conn).unwrap();
        assert_eq!(subs.len(), 1);
        assert_eq!(subs[0].policy, Policy::Monitor);
        let alice = get_subscriber(&conn, "491700000001").unwrap().unwrap();
        assert_eq!(alice.user, "alice");
        assert_eq!(alice.terminals[0].label, "desk \"phone\"");
        assert_eq!(alice.terminals[0].id, "sip:alice@x");
        // Reopening does not re-run migrations.
        drop(conn);
        assert!(open(&path).is_ok());
    }

    #[tokio::test]
    async fn routing_changes_persist_in_order() {
        use crate::service::routing::{Allocator, Persist, PoolConfig};
        let path = tmp("routing.db");
        let cfg = [PoolConfig {
            name: "t".into(),
            first: "100".into(),
            last: "199".into(),
            kind: PoolKind::Trn,
        }];
        let kept;
        {
            let (w, h) = Writer::start(&path).unwrap();
            let mut a = Allocator::new(&cfg).unwrap();
            a.set_persist(Arc::new(w.clone()) as Arc<dyn Persist>);
            let x = a
                .allocate("", PoolKind::Trn, "4930", 60_000, "c1", 0)
                .unwrap();
            kept = a
                .allocate("", PoolKind::Trn, "4931", 60_000, "c2", 0)
                .unwrap();
            assert!(a.consume(&x.number, 1).is_some());
            w.commit().await.unwrap();
            w.stop();
            h.join().unwrap();
        }
        let conn = open(&path).unwrap();
        let (live, cursors) = load_routing(&conn).unwrap();
        assert_eq!(live, vec![kept.clone()]);
        assert_eq!(cursors, vec![("t".to_string(), 102)]);
        let mut b = Allocator::new(&cfg).unwrap();
        b.restore(live, &cursors);
        assert_eq!(b.get(&kept.number, 5).unwrap().target, "4931");
        assert_eq!(
            b.allocate("", PoolKind::Trn, "1", 1, "", 0).unwrap().number,
            "102"
        );
    }

    #[test]
    fn retention_prunes_by_age_count_and_size() {
        let path = tmp("retention.db");
        let conn = open(&path).unwrap();
        for i in 0..10i64 {
            let body = vec![0u8; 100];
            conn.execute(
                "INSERT INTO event (call_id, kind, timestamp_ms, body) VALUES ('c', 1, ?1, ?2)",
                params![i * 1000, body],
            )
            .unwrap();
        }
        let age = Retention {
            max_age_seconds: 3,
            ..Default::default()
        };
        // Now is 10 s: events from before 7 s go.
        assert_eq!(prune(&conn, &age, 10_000).unwrap(), 7);
        let count = Retention {
            max_events: 2,
            ..Default::default()
        };
        assert_eq!(prune(&conn, &count, 10_000).unwrap(), 1);
        let size = Retention {
            max_bytes: 150,
            ..Default::default()
        };
        assert_eq!(prune(&conn, &size, 10_000).unwrap(), 1);
        let left = read_events_raw_seqs(&conn);
        assert_eq!(left, vec![10]);
        assert_eq!(prune(&conn, &size, 10_000).unwrap(), 0);
    }

    fn read_events_raw_seqs(conn: &Connection) -> Vec<i64> {
        let mut st = conn
            .prepare("SELECT sequence FROM event ORDER BY sequence")
            .unwrap();
        st.query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }
}
