//! SQLite store: subscribers and the call-event journal.
//!
//! One dedicated writer thread owns the write connection, so the async runtime never blocks
//! on disk. It takes commands from a channel, applies every command waiting at that moment
//! in one transaction (group commit), and only after the commit publishes the journalled
//! events to live subscribers: an event a subscriber has seen is always on disk.
//! Reads (journal replay, subscriber list at start) use their own connections.

use crate::proto::{CallEvent, Policy, Subscriber};
use prost::Message;
use rusqlite::{params, Connection, OptionalExtension};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::Arc;
use tokio::sync::{broadcast, oneshot};

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
];

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

pub fn policy_name(p: Policy) -> &'static str {
    match p {
        Policy::Monitor => "monitor",
        Policy::Pass | Policy::Unspecified => "pass",
    }
}

pub fn policy_from_name(s: &str) -> Option<Policy> {
    match s {
        "monitor" => Some(Policy::Monitor),
        "pass" => Some(Policy::Pass),
        _ => None,
    }
}

pub fn load_subscribers(conn: &Connection) -> Result<Vec<Subscriber>, StoreError> {
    let mut st = conn.prepare("SELECT number, user, policy FROM subscriber ORDER BY number")?;
    let rows = st.query_map([], |r| {
        let policy: String = r.get(2)?;
        Ok(Subscriber {
            number: r.get(0)?,
            user: r.get(1)?,
            policy: policy_from_name(&policy).unwrap_or(Policy::Pass) as i32,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
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
    Append(Box<CallEvent>),
    PutSubscriber(Subscriber, oneshot::Sender<Result<(), String>>),
    RemoveSubscriber(String, oneshot::Sender<Result<bool, String>>),
    Flush(oneshot::Sender<()>),
    /// Commit what is queued and end the thread (other handles may still exist).
    Stop,
}

/// Handle to the writer thread; cheap to clone.
#[derive(Clone)]
pub struct Writer {
    tx: mpsc::Sender<Cmd>,
    live: broadcast::Sender<Arc<CallEvent>>,
    path: PathBuf,
}

/// Capacity of the live fan-out; a subscriber that lags further replays from the journal.
pub const LIVE_BUFFER: usize = 4096;

impl Writer {
    /// Start the writer thread on a migrated database.
    pub fn start(path: &Path) -> Result<(Writer, std::thread::JoinHandle<()>), StoreError> {
        let conn = open(path)?;
        let (tx, rx) = mpsc::channel();
        let (live, _) = broadcast::channel(LIVE_BUFFER);
        let publisher = live.clone();
        let handle = std::thread::Builder::new()
            .name("scpd-store".into())
            .spawn(move || writer_loop(conn, rx, publisher))
            .expect("spawn store thread");
        Ok((
            Writer {
                tx,
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
    pub fn append(&self, ev: CallEvent) -> Result<(), StoreError> {
        self.tx
            .send(Cmd::Append(Box::new(ev)))
            .map_err(|_| StoreError::Stopped)
    }

    pub fn subscribe_live(&self) -> broadcast::Receiver<Arc<CallEvent>> {
        self.live.subscribe()
    }

    pub async fn put_subscriber(&self, s: Subscriber) -> Result<(), String> {
        let (tx, rx) = oneshot::channel();
        self.tx
            .send(Cmd::PutSubscriber(s, tx))
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
        let (tx, rx) = oneshot::channel();
        if self.tx.send(Cmd::Flush(tx)).is_ok() {
            let _ = rx.await;
        }
    }
}

fn writer_loop(
    mut conn: Connection,
    rx: mpsc::Receiver<Cmd>,
    live: broadcast::Sender<Arc<CallEvent>>,
) {
    let mut batch = Vec::new();
    let mut stopping = false;
    while let Ok(first) = rx.recv() {
        batch.push(first);
        while let Ok(more) = rx.try_recv() {
            batch.push(more);
            if batch.len() >= 1024 {
                break;
            }
        }
        let mut published = Vec::new();
        let mut replies = Vec::new();
        let result = (|| -> Result<(), rusqlite::Error> {
            let tx = conn.transaction()?;
            for cmd in batch.drain(..) {
                match cmd {
                    Cmd::Append(mut ev) => {
                        ev.sequence = 0;
                        tx.execute(
                            "INSERT INTO event (call_id, kind, timestamp_ms, body) VALUES (?1, ?2, ?3, ?4)",
                            params![ev.call_id, ev.kind, ev.timestamp_ms, ev.encode_to_vec()],
                        )?;
                        ev.sequence = tx.last_insert_rowid() as u64;
                        published.push(*ev);
                    }
                    Cmd::PutSubscriber(s, reply) => {
                        let r = tx
                            .execute(
                                "INSERT INTO subscriber (number, user, policy) VALUES (?1, ?2, ?3)
                                 ON CONFLICT(number) DO UPDATE SET user = excluded.user, policy = excluded.policy",
                                params![s.number, s.user, policy_name(s.policy())],
                            )
                            .map(|_| ())
                            .map_err(|e| e.to_string());
                        replies.push(Reply::Put(reply, r));
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
        if let Err(e) = result {
            // The transaction rolled back: nothing of this batch was published, and the
            // callers waiting on it learn so.
            tracing::error!(error = %e, "store: batch commit failed");
            published.clear();
            for r in replies.drain(..) {
                match r {
                    Reply::Put(tx, _) => drop(tx.send(Err(e.to_string()))),
                    Reply::Remove(tx, _) => drop(tx.send(Err(e.to_string()))),
                    Reply::Flush(tx) => drop(tx.send(())),
                }
            }
            if stopping {
                break;
            }
            continue;
        }
        for ev in published {
            let _ = live.send(Arc::new(ev));
        }
        for r in replies {
            match r {
                Reply::Put(tx, v) => drop(tx.send(v)),
                Reply::Remove(tx, v) => drop(tx.send(v)),
                Reply::Flush(tx) => drop(tx.send(())),
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
    Flush(oneshot::Sender<()>),
}

/// Look up one subscriber directly (used by tests and tools).
pub fn get_subscriber(conn: &Connection, number: &str) -> Result<Option<Subscriber>, StoreError> {
    Ok(conn
        .query_row(
            "SELECT number, user, policy FROM subscriber WHERE number = ?1",
            params![number],
            |r| {
                let policy: String = r.get(2)?;
                Ok(Subscriber {
                    number: r.get(0)?,
                    user: r.get(1)?,
                    policy: policy_from_name(&policy).unwrap_or(Policy::Pass) as i32,
                })
            },
        )
        .optional()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::EventKind;

    fn tmp(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("scpd-store-{}-{name}", std::process::id()));
        let _ = std::fs::remove_file(&d);
        d
    }

    #[tokio::test]
    async fn events_are_journalled_then_published_in_order() {
        let path = tmp("journal.db");
        let (w, _h) = Writer::start(&path).unwrap();
        let mut live = w.subscribe_live();
        for i in 0..5 {
            w.append(CallEvent {
                call_id: format!("c{i}"),
                kind: EventKind::Trigger as i32,
                ..Default::default()
            })
            .unwrap();
        }
        let mut seqs = Vec::new();
        for _ in 0..5 {
            let ev = live.recv().await.unwrap();
            seqs.push(ev.sequence);
        }
        assert!(seqs.windows(2).all(|p| p[0] < p[1]), "{seqs:?}");
        w.flush().await;
        let conn = open(&path).unwrap();
        let all = read_events(&conn, 0, 100).unwrap();
        assert_eq!(all.len(), 5);
        assert_eq!(all[4].call_id, "c4");
        assert_eq!(read_events(&conn, seqs[2], 100).unwrap().len(), 2);
    }

    #[tokio::test]
    async fn subscribers_persist_across_reopen() {
        let path = tmp("subs.db");
        {
            let (w, _h) = Writer::start(&path).unwrap();
            w.put_subscriber(Subscriber {
                number: "491700000001".into(),
                user: "alice".into(),
                policy: Policy::Monitor as i32,
            })
            .await
            .unwrap();
            w.put_subscriber(Subscriber {
                number: "491700000002".into(),
                user: String::new(),
                policy: Policy::Pass as i32,
            })
            .await
            .unwrap();
            assert!(w.remove_subscriber("491700000002".into()).await.unwrap());
            assert!(!w.remove_subscriber("nope".into()).await.unwrap());
        }
        let conn = open(&path).unwrap();
        let subs = load_subscribers(&conn).unwrap();
        assert_eq!(subs.len(), 1);
        assert_eq!(subs[0].policy(), Policy::Monitor);
        assert_eq!(
            get_subscriber(&conn, "491700000001").unwrap().unwrap().user,
            "alice"
        );
        // Reopening does not re-run migrations.
        drop(conn);
        assert!(open(&path).is_ok());
    }
}
