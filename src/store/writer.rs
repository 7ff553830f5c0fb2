//! The writer thread and its handle: every write to the store goes through one thread,
//! which commits whatever is queued in one bounded transaction (group commit), then
//! publishes the journalled events and resolves what waits for the commit.

use super::checkpoint::{self, Checkpointer};
use super::read::{journal_bounds, policy_name, terminals_json};
use super::{open, Committed, Follower, Retention, StoreError, Tail};
use crate::proto::CallEvent;
use crate::service::routing::Change;
use crate::service::{Event, Subscriber};
use prost::Message;
use rusqlite::{params, Connection};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::Arc;
use tokio::sync::oneshot;

enum Cmd {
    /// Events of one batch of work, journalled in order, and the batch's number.
    Append(Encoded, Batch),
    /// `bool`: fail with "exists" rather than replace.
    PutSubscriber(Subscriber, Put, oneshot::Sender<Result<(), String>>),
    /// The number, and the tenant it must belong to (`None`: whoever's).
    RemoveSubscriber(
        String,
        Option<String>,
        oneshot::Sender<Result<bool, String>>,
    ),
    /// A durable consumer's acknowledged sequence; the reply is its position after.
    Ack(String, u64, oneshot::Sender<Result<u64, String>>),
    Routing(Change),
    Flush(oneshot::Sender<Result<(), String>>),
    /// Commit what is queued and end the thread (other handles may still exist).
    Stop,
}

/// Upper bounds (seconds) of the journal commit-time histogram's buckets.
pub const COMMIT_BUCKETS: [f64; 12] = [
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0,
];

/// What the writer thread counts, for metrics.
#[derive(Debug, Clone, Default)]
pub struct JournalStats {
    /// Transactions committed, and their time (from BEGIN to COMMIT done) in seconds.
    pub commits: u64,
    pub commit_seconds: f64,
    /// Commits that took at most each [`COMMIT_BUCKETS`] bound (not cumulative).
    pub commit_buckets: [u64; COMMIT_BUCKETS.len()],
    /// Commits that failed (their answers went out anyway).
    pub failed: u64,
    /// Events committed.
    pub events: u64,
    /// Batches appended and not yet committed: the writer's queue.
    pub queued: u64,
}

/// Handle to the writer thread; cheap to clone.
#[derive(Clone)]
pub struct Writer {
    tx: mpsc::Sender<Cmd>,
    /// The number of the last batch appended, taken under this lock as it is sent, so
    /// batches reach the writer thread in number order.
    appended: Arc<std::sync::Mutex<Appended>>,
    /// The number of the last batch whose commit is done (committed or failed).
    done: tokio::sync::watch::Receiver<Batch>,
    live: Tail,
    path: PathBuf,
    /// Kept by the writer thread (one writer, read at a scrape: a lock taken once per
    /// commit, never by the call path).
    stats: Arc<std::sync::Mutex<JournalStats>>,
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
    pub(super) fn of(events: &[Event]) -> Encoded {
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

    pub(super) fn len(&self) -> usize {
        self.ends.len()
    }

    /// The encoded events one after the other.
    pub(super) fn bodies(&self) -> impl Iterator<Item = &[u8]> {
        let mut start = 0;
        self.ends.iter().map(move |&end| {
            let b = &self.bodies[start as usize..end as usize];
            start = end;
            b
        })
    }
}

/// The batches appended, for their numbers and the journal's lag.
#[derive(Debug, Default)]
struct Appended {
    last: Batch,
    /// When each batch not yet known committed was appended.
    times: std::collections::VecDeque<(Batch, std::time::Instant)>,
}

/// Number of an appended batch of events (see [`Writer::append_all`]); 0 is no batch.
pub type Batch = u64;

/// Resolves when the commit of what was sent before it is done (`Err`: it failed).
pub type Ticket = oneshot::Receiver<Result<(), String>>;

/// What [`Put::Create`] answers when the number is enrolled.
pub const EXISTS: &str = "exists";
/// What [`Put::ReplaceOwn`] answers when the number is another tenant's.
pub const OTHERS: &str = "another tenant's";

/// How a subscriber is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Put {
    /// Only if the number is not enrolled ([`EXISTS`] otherwise).
    Create,
    /// Add or replace, whoever's it was (an admin may move a number between tenants).
    Replace,
    /// Add or replace, but not another tenant's number ([`OTHERS`]): checked in the same
    /// transaction, so two tenants enrolling one number at once cannot both have it.
    ReplaceOwn,
}

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
        Writer::start_wal(path, retention, checkpoint::WAL_LIMIT)
    }

    /// [`Writer::start_with`], keeping the WAL near `wal_limit` bytes.
    pub(super) fn start_wal(
        path: &Path,
        retention: Retention,
        wal_limit: u64,
    ) -> Result<(Writer, std::thread::JoinHandle<()>), StoreError> {
        let conn = open(path)?;
        conn.set_prepared_statement_cache_capacity(ROWS_PER_INSERT + 16);
        // Checkpoints run beside the writer, not inside its commits: watching the WAL
        // replaces SQLite's automatic checkpoints.
        checkpoint::watch(&conn);
        let shared = Arc::new(checkpoint::Shared::default());
        let checkpointer = Checkpointer::start(path, shared.clone(), wal_limit)?;
        let (tx, rx) = mpsc::channel();
        let live = Tail::new(journal_bounds(&conn)?.1);
        let (done_tx, done) = tokio::sync::watch::channel(0);
        let publisher = live.clone();
        let stats = Arc::<std::sync::Mutex<JournalStats>>::default();
        let counted = stats.clone();
        let handle = std::thread::Builder::new()
            .name("scpd-store".into())
            .spawn(move || {
                writer_loop(conn, rx, publisher, done_tx, retention, &shared, &counted);
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
                stats,
            },
            handle,
        ))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A copy of what the writer counted, with its queue now.
    pub fn stats(&self) -> JournalStats {
        let mut s = self.stats.lock().unwrap_or_else(|p| p.into_inner()).clone();
        let last = self.appended.lock().unwrap_or_else(|p| p.into_inner()).last;
        s.queued = last.saturating_sub(*self.done.borrow());
        s
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
        let mut a = self.appended.lock().unwrap_or_else(|p| p.into_inner());
        let n = a.last + 1;
        self.tx
            .send(Cmd::Append(encoded, n))
            .map_err(|_| StoreError::Stopped)?;
        a.last = n;
        // Kept to tell the journal's lag; a few hundred at most, the writer keeps up.
        a.times.push_back((n, std::time::Instant::now()));
        if a.times.len() > 4096 {
            a.times.pop_front();
        }
        Ok(n)
    }

    /// How long the oldest batch appended and not yet committed has waited (zero when the
    /// journal has caught up): the answers of that batch wait as long.
    pub fn lag(&self) -> std::time::Duration {
        let done = *self.done.borrow();
        let mut a = self.appended.lock().unwrap_or_else(|p| p.into_inner());
        while a.times.front().is_some_and(|(n, _)| *n <= done) {
            a.times.pop_front();
        }
        a.times
            .front()
            .map_or(std::time::Duration::ZERO, |(_, t)| t.elapsed())
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

    /// The sequence of the newest event committed (0: none yet).
    pub fn newest(&self) -> u64 {
        self.live.newest()
    }

    /// Follow the events committed from now on (and the newest few before).
    pub fn follow(&self) -> Follower {
        self.live.follow()
    }

    /// Enrol `s` as `put` says.
    pub async fn put_subscriber(&self, s: Subscriber, put: Put) -> Result<(), String> {
        let (tx, rx) = oneshot::channel();
        self.tx
            .send(Cmd::PutSubscriber(s, put, tx))
            .map_err(|_| "store stopped".to_string())?;
        rx.await.map_err(|_| "store stopped".to_string())?
    }

    /// Remove `number` if it is enrolled (and `tenant`'s, when given); whether it was.
    pub async fn remove_subscriber(
        &self,
        number: String,
        tenant: Option<String>,
    ) -> Result<bool, String> {
        let (tx, rx) = oneshot::channel();
        self.tx
            .send(Cmd::RemoveSubscriber(number, tenant, tx))
            .map_err(|_| "store stopped".to_string())?;
        rx.await.map_err(|_| "store stopped".to_string())?
    }

    /// Record that consumer `name` has handled every event up to `sequence` (positions only
    /// move forward); its position once committed.
    pub async fn ack(&self, name: String, sequence: u64) -> Result<u64, String> {
        let (tx, rx) = oneshot::channel();
        self.tx
            .send(Cmd::Ack(name, sequence, tx))
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
    wal: &checkpoint::Shared,
    stats: &std::sync::Mutex<JournalStats>,
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
        let began = std::time::Instant::now();
        let mut journalled = 0;
        let result = (|| -> Result<(), rusqlite::Error> {
            // The checkpoint comes between two transactions to let the WAL start over.
            let _held = wal.hold();
            let tx = conn.transaction()?;
            for cmd in batch.drain(..) {
                match cmd {
                    Cmd::Append(batch, _) => {
                        if batch.len() > 0 {
                            journalled += batch.len() as u64;
                            let first = insert_events(&tx, &batch)?;
                            published.push(Committed::new(first, batch));
                        }
                    }
                    Cmd::PutSubscriber(s, put, reply) => {
                        let insert = "INSERT INTO subscriber
                            (number, user, policy, terminals, tenant)
                            VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT(number) DO";
                        let update = "UPDATE SET user = excluded.user,
                            policy = excluded.policy, terminals = excluded.terminals,
                            tenant = excluded.tenant";
                        let sql = match put {
                            Put::Create => format!("{insert} NOTHING"),
                            Put::Replace => format!("{insert} {update}"),
                            Put::ReplaceOwn => format!(
                                "{insert} {update} WHERE subscriber.tenant = excluded.tenant"
                            ),
                        };
                        let r = tx
                            .execute(
                                &sql,
                                params![
                                    s.number,
                                    s.user,
                                    policy_name(s.policy),
                                    terminals_json(&s.terminals),
                                    s.tenant
                                ],
                            )
                            .map_err(|e| e.to_string())
                            .and_then(|n| match n {
                                0 if put == Put::Create => Err(EXISTS.to_string()),
                                0 => Err(OTHERS.to_string()),
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
                             (number, target, pool, kind, call_id, allocated_ms, expires_ms,
                              tenant)
                             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                            params![
                                a.number,
                                a.target,
                                a.pool,
                                a.kind.name(),
                                a.call_id,
                                a.allocated_ms,
                                a.expires_ms,
                                a.tenant
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
                    Cmd::RemoveSubscriber(n, tenant, reply) => {
                        let r = tx
                            .execute(
                                "DELETE FROM subscriber
                                 WHERE number = ?1 AND (?2 IS NULL OR tenant = ?2)",
                                params![n, tenant],
                            )
                            .map(|c| c > 0)
                            .map_err(|e| e.to_string());
                        replies.push(Reply::Remove(reply, r));
                    }
                    Cmd::Ack(name, sequence, reply) => {
                        let r = tx
                            .query_row(
                                "INSERT INTO consumer (name, acked, updated_ms)
                                 VALUES (?1, ?2, ?3)
                                 ON CONFLICT(name) DO UPDATE SET
                                 acked = MAX(acked, excluded.acked),
                                 updated_ms = excluded.updated_ms
                                 RETURNING acked",
                                params![name, sequence as i64, now_ms()],
                                |r| r.get::<_, i64>(0),
                            )
                            .map(|a| a as u64)
                            .map_err(|e| e.to_string());
                        replies.push(Reply::Ack(reply, r));
                    }
                    Cmd::Flush(reply) => replies.push(Reply::Flush(reply)),
                    Cmd::Stop => stopping = true,
                }
            }
            tx.commit()?;
            wal.committed();
            Ok(())
        })();
        {
            let took = began.elapsed().as_secs_f64();
            let mut s = stats.lock().unwrap_or_else(|p| p.into_inner());
            if result.is_ok() {
                s.commits += 1;
                s.commit_seconds += took;
                s.events += journalled;
                if let Some(b) = COMMIT_BUCKETS.iter().position(|&le| took <= le) {
                    s.commit_buckets[b] += 1;
                }
            } else {
                s.failed += 1;
            }
        }
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
                    Reply::Ack(tx, _) => drop(tx.send(Err(e.to_string()))),
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
                Reply::Ack(tx, v) => drop(tx.send(v)),
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
    Ack(oneshot::Sender<Result<u64, String>>, Result<u64, String>),
    Flush(oneshot::Sender<Result<(), String>>),
}
