//! WAL checkpoints on a thread of their own. With `synchronous=NORMAL` a WAL commit writes
//! but does not fsync; the checkpoint that copies the WAL into the database does, and
//! SQLite runs it inside whichever commit crosses `wal_autocheckpoint` — the writer's, with
//! the answers of every call in that batch waiting behind an fsync. So the writer's
//! connection does not checkpoint, and this thread does it beside it (PASSIVE: it never
//! blocks the writer), every [`INTERVAL`] or sooner once the WAL passes a quarter of its
//! limit.
//!
//! Under steady writes a PASSIVE checkpoint never copies the frames appended while it runs,
//! so the WAL is never found fully copied, never started over, and grows without end (the
//! soak saw 1.4 GB in two minutes). Past [`WAL_LIMIT`] this thread catches up: PASSIVE
//! checkpoints copy beside the writer until little is left, then, holding the writer
//! between two of its transactions ([`Shared::hold`]), one more copies the rest. The WAL is
//! then fully copied, so the writer's next transaction starts it over (SQLite does so when
//! no reader still reads from it) and writes the file from its start again: the file stays
//! near [`WAL_LIMIT`] and is truncated when the store stops.
//!
//! The writer waits for that last copy's two fsyncs, measured at 12–27 ms on a disk busy
//! with the journal, whatever little is left to copy; hence the large limit. While the
//! rounds beside the writer say the disk is much slower than that (a neighbour's burst of
//! writes), the hold waits, and the WAL grows past its limit, up to [`CEILING`] times it. Not a RESTART
//! checkpoint (with `journal_size_limit` to shrink the file), which holds the write lock
//! while it copies and waits for readers, the writer's busy handler sleeping in steps of
//! milliseconds meanwhile: first-answer p99 at half load went from 4.9 to 31 ms with it.

use rusqlite::Connection;
use std::cell::Cell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

/// Checkpoint at least this often while the journal is written.
const INTERVAL: Duration = Duration::from_secs(1);
/// How often the WAL's size is looked at.
const POLL: Duration = Duration::from_millis(100);
/// Past this the checkpoint catches up so that the WAL starts over. Each catch-up holds the
/// writer for two fsyncs (about 20 ms on a disk busy with the journal), so the WAL may
/// grow large enough that this is rare: at 25,000 monitored calls/s (70 MB/s of WAL) once
/// in 4 s, at 2,500 once in 40 s.
pub const WAL_LIMIT: u64 = 256 << 20;
/// The longest the writer is held for one catch-up; a reader still in the WAL can keep it
/// from being fully copied, and then the next poll tries again.
const HOLD: Duration = Duration::from_millis(20);
/// Frames left to copy (about a megabyte) at which the writer is held for the rest ...
const LEFT: u64 = 256;
/// ... or after this many rounds beside it, if the copies do not outpace the commits.
const ROUNDS: usize = 8;
/// A round beside the writer slower than this says the disk is busy: no hold now ...
const SLOW_DISK: Duration = Duration::from_millis(100);
/// ... unless the WAL has reached this many times its limit.
pub const CEILING: u64 = 4;

/// What the writer and the checkpoint share.
#[derive(Default)]
pub struct Shared {
    /// Held by the writer for each transaction, and by the checkpoint to come between two.
    gate: Mutex<()>,
    /// Pages in the WAL after the writer's last commit (`sqlite3_wal_hook`): the file
    /// keeps its size when the WAL starts over, so its length does not say.
    pages: AtomicU64,
}

impl Shared {
    /// Keep the checkpoint from coming between the writer's statements.
    pub fn hold(&self) -> std::sync::MutexGuard<'_, ()> {
        self.gate.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// After a commit on this thread, on a connection [`watch`]ed: the WAL's size.
    pub fn committed(&self) {
        self.pages.store(PAGES.get(), Ordering::Relaxed);
    }
}

thread_local! {
    /// Set by [`note_pages`] on the committing thread.
    static PAGES: Cell<u64> = const { Cell::new(0) };
}

/// Have SQLite tell the WAL's size at each commit of `conn` (see [`Shared::committed`]).
/// This also turns its automatic checkpoints off: they are a WAL hook too.
pub fn watch(conn: &Connection) {
    conn.wal_hook(Some(note_pages));
}

fn note_pages(_: &rusqlite::hooks::Wal, pages: std::ffi::c_int) -> rusqlite::Result<()> {
    PAGES.set(pages.max(0) as u64);
    Ok(())
}

/// The checkpointing thread; stops (with a last, truncating checkpoint) when dropped.
pub struct Checkpointer {
    stop: Option<mpsc::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Checkpointer {
    /// Checkpoint the database at `path`, keeping its WAL near `limit` bytes.
    pub fn start(
        path: &std::path::Path,
        shared: Arc<Shared>,
        limit: u64,
    ) -> rusqlite::Result<Checkpointer> {
        let conn = Connection::open(path)?;
        conn.busy_timeout(Duration::from_secs(5))?;
        // A WAL frame is a page and its 24-octet header.
        let frame = conn.pragma_query_value(None, "page_size", |r| r.get::<_, u64>(0))? + 24;
        let (stop, rx) = mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("scpd-checkpoint".into())
            .spawn(move || run(conn, &shared, limit / frame, rx))
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

/// Run one checkpoint: the frames in the WAL when it started and how many of them are in
/// the database now (`None` if it failed).
fn checkpoint(conn: &Connection, mode: &str) -> Option<(u64, u64)> {
    let r = conn.query_row(&format!("PRAGMA wal_checkpoint({mode})"), [], |r| {
        // (busy, frames in the WAL, frames copied): -1 frames when not in WAL mode.
        Ok((r.get::<_, i64>(1)?, r.get::<_, i64>(2)?))
    });
    match r {
        Ok((log, copied)) => Some((log.max(0) as u64, copied.max(0) as u64)),
        Err(e) => {
            tracing::warn!(error = %e, mode, "journal checkpoint failed");
            None
        }
    }
}

/// Copy the WAL up to its end so that it starts over: beside the writer while much is left
/// (commits go on meanwhile, each round leaving what was appended during it), then, once
/// little is, with the writer held between transactions, retrying while a reader pins
/// older frames, for at most [`HOLD`]. What the writer waits is that last copy and its two
/// fsyncs. Whether the WAL was fully copied.
fn catch_up(conn: &Connection, shared: &Shared, limit: u64) -> bool {
    let ceiling = CEILING * limit;
    let mut round = Duration::ZERO;
    for _ in 0..ROUNDS {
        let start = Instant::now();
        let Some((_, copied)) = checkpoint(conn, "PASSIVE") else {
            return false;
        };
        round = start.elapsed();
        let pages = shared.pages.load(Ordering::Relaxed);
        // Another round would let the WAL grow by as much again: not while the disk is
        // slow, nor past the ceiling.
        if pages.saturating_sub(copied) <= LEFT || round > SLOW_DISK || pages >= ceiling {
            break;
        }
    }
    // The held copy's fsyncs take about as long as the last round's: while the disk is
    // that slow, the WAL may grow past its limit rather than the answers wait, up to a
    // ceiling.
    if round > SLOW_DISK && shared.pages.load(Ordering::Relaxed) < ceiling {
        return false;
    }
    let _held = shared.hold();
    let start = Instant::now();
    loop {
        if checkpoint(conn, "PASSIVE").is_some_and(|(log, copied)| log == copied) {
            return true;
        }
        if start.elapsed() >= HOLD {
            return false;
        }
        std::thread::sleep(Duration::from_micros(200));
    }
}

/// `limit`: in WAL frames.
fn run(conn: Connection, shared: &Shared, limit: u64, stop: mpsc::Receiver<()>) {
    let mut since = Duration::ZERO;
    let mut last = 0;
    while let Err(mpsc::RecvTimeoutError::Timeout) = stop.recv_timeout(POLL) {
        since += POLL;
        let pages = shared.pages.load(Ordering::Relaxed);
        // Only while something is written: an idle journal needs nothing.
        let grown = pages != last;
        last = pages;
        if pages >= limit {
            if !catch_up(&conn, shared, limit) {
                tracing::debug!(
                    pages,
                    "journal WAL not started over (a reader, or a slow disk)"
                );
            }
            since = Duration::ZERO;
        } else if pages >= limit / 4 || (since >= INTERVAL && grown) {
            let _ = checkpoint(&conn, "PASSIVE");
            since = Duration::ZERO;
        }
    }
    let _ = checkpoint(&conn, "TRUNCATE");
}
