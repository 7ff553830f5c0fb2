//! WAL checkpoints on a thread of their own. With `synchronous=NORMAL` a WAL commit writes
//! but does not fsync; the checkpoint that copies the WAL into the database does, and
//! SQLite runs it inside whichever commit crosses `wal_autocheckpoint` — the writer's, with
//! the answers of every call in that batch waiting behind an fsync. So the writer's
//! connection does not checkpoint, and this thread does it beside it (PASSIVE: it never
//! blocks the writer), every [`INTERVAL`] or sooner once the WAL passes [`WAL_BYTES`].
//!
//! Under steady writes a PASSIVE checkpoint never copies the frames appended while it runs,
//! so the WAL is never found fully copied, never rewound, and grows without end (the soak
//! saw 1.4 GB in two minutes). Past [`WAL_LIMIT`] the checkpoint is RESTART: it copies the
//! rest with new writes held for that moment, so that the next commit starts the WAL over,
//! and `journal_size_limit` (set by the writer) gives the file back its space.

use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

/// Checkpoint at least this often while the journal is written.
const INTERVAL: Duration = Duration::from_secs(1);
/// ... and sooner once the WAL file is this large.
const WAL_BYTES: u64 = 16 << 20;
/// How often the WAL's size is looked at.
const POLL: Duration = Duration::from_millis(100);
/// Past this the checkpoint makes the WAL start over (RESTART); also the size the WAL file
/// is cut back to (`journal_size_limit`).
pub const WAL_LIMIT: u64 = 64 << 20;

/// The checkpointing thread; stops (with a last, truncating checkpoint) when dropped.
pub struct Checkpointer {
    stop: Option<mpsc::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Checkpointer {
    pub fn start(path: &Path) -> rusqlite::Result<Checkpointer> {
        let conn = Connection::open(path)?;
        conn.busy_timeout(Duration::from_secs(5))?;
        let wal = PathBuf::from(format!("{}-wal", path.display()));
        let (stop, rx) = mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("scpd-checkpoint".into())
            .spawn(move || run(conn, &wal, rx))
            .expect("spawn checkpoint thread");
        Ok(Checkpointer {
            stop: Some(stop),
            thread: Some(thread),
        })
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn checkpoint(conn: &Connection, mode: &str) {
    let r = conn.query_row(&format!("PRAGMA wal_checkpoint({mode})"), [], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, i64>(2)?,
        ))
    });
    if let Err(e) = r {
        tracing::warn!(error = %e, mode, "journal checkpoint failed");
    }
}

fn run(conn: Connection, wal: &Path, stop: mpsc::Receiver<()>) {
    let mut since = Duration::ZERO;
    let mut last_len = 0;
    while let Err(mpsc::RecvTimeoutError::Timeout) = stop.recv_timeout(POLL) {
        since += POLL;
        let len = std::fs::metadata(wal).map_or(0, |m| m.len());
        // Only while something is written: an idle journal needs nothing.
        let grown = len != last_len;
        if len >= WAL_BYTES || (since >= INTERVAL && grown) {
            checkpoint(
                &conn,
                if len >= WAL_LIMIT {
                    "RESTART"
                } else {
                    "PASSIVE"
                },
            );
            since = Duration::ZERO;
            last_len = std::fs::metadata(wal).map_or(0, |m| m.len());
        }
    }
    checkpoint(&conn, "TRUNCATE");
}
