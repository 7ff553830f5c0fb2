//! `scpd replay FILE --to URL`: plays the switch side of every TCAP dialogue in a capture
//! against a live SCP over M3UA, and reports where the SCP's answers differ from the
//! captured ones.
//!
//! Two halves. [`dialogues`] is sans-IO: it reads the capture (sorted by timestamp, since
//! merged one-direction captures are not in order), groups the ITU TCAP messages into
//! dialogues by transaction id (Q.774 §3.2.1: the Begin's OTID names the initiator's side,
//! the first Continue's OTID the responder's) and marks which messages the initiating
//! switch sent. [`run`] then brings an ASP up and active towards the SCP (RFC 4666
//! §4.3.4) and plays each dialogue as its own task: the switch's messages are sent with
//! new transaction ids (ours allocated here, the SCP's learned from its first answer, Q.774
//! §3.2.1 — a live SCP allocates its own) and new SCCP/MTP3 addresses (the SCP's point code
//! and SSN given on the command line), either as fast as the SCP answers or at the
//! captured offsets. Each SCP answer is reduced to its [`Shape`] (TC message type and the
//! component list with operation names) and compared with the capture's, position by
//! position.
//!
//! A dialogue whose Begin is not in the capture cannot be replayed (the SCP would not know
//! it); it is listed with that reason. A dialogue the SCP leaves open after the switch's
//! last captured message is aborted (TC-U-ABORT) so the SCP frees it, and reported open.

mod captured;
mod play;

use super::capture::CaptureOptions;
use super::sim::{asp_up, Conn, SimError};
use play::{play, read_loop, Routes};
use serde::Serialize;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

pub use captured::{dialogues, rewrite_tids, Captured, CapturedDialogue, Shape, Step};

/// When to send each switch message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Timing {
    /// As soon as the previous step's answers are in.
    Fast,
    /// At the captured offset from the first message of the capture (never earlier than
    /// the previous step's answers).
    Captured,
}

/// What to replay against.
#[derive(Debug, Clone)]
pub struct ReplayConfig {
    /// The SCP: TCP, or kernel SCTP (several addresses: multi-homed).
    pub to: crate::config::Endpoint,
    /// Our (the switch's) point code and the SCP's.
    pub opc: u32,
    pub dpc: u32,
    /// The SCP's subsystem number (called party) and ours (calling party).
    pub scp_ssn: u8,
    pub own_ssn: u8,
    /// MTP3 network indicator for the DATA messages.
    pub ni: u8,
    pub routing_context: Option<u32>,
    pub timing: Timing,
    /// How long to wait for the first answer the capture says is coming.
    pub timeout: Duration,
    /// After an answer, how long to wait for the next one the capture has.
    pub settle: Duration,
    /// Dialogues in progress at once.
    pub concurrency: usize,
    pub capture: CaptureOptions,
}

/// One difference between the captured and the live answers of a dialogue.
#[derive(Debug, Clone, Serialize)]
pub struct Difference {
    /// Position among the SCP's answers (0-based).
    pub answer: usize,
    /// What the capture has there (`null`: the live SCP sent more).
    pub captured: Option<Shape>,
    /// What the live SCP sent (`null`: it sent fewer).
    pub live: Option<Shape>,
}

/// The replay of one dialogue.
#[derive(Debug, Clone, Serialize)]
pub struct DialogueReport {
    /// Index among the capture's dialogues.
    pub dialogue: usize,
    /// Frame of the captured Begin.
    pub frame: u64,
    pub captured_switch_tid: String,
    pub captured_scp_tid: Option<String>,
    pub switch_tid: String,
    pub scp_tid: Option<String>,
    /// `ended by the SCP`, `ended by the switch`, `aborted by the SCP`, `aborted by the
    /// switch`, `returned by SCCP`, or `open` (the replay aborted it).
    pub outcome: String,
    /// The dialogue reached its end (TC-END/TC-ABORT from either side, or an UDTS) without
    /// the replay having to abort it.
    pub completed: bool,
    /// Switch messages sent, and those not sent because the SCP had ended the dialogue.
    pub sent: usize,
    pub not_sent: usize,
    pub captured_answers: Vec<Shape>,
    pub live_answers: Vec<Shape>,
    pub differences: Vec<Difference>,
    /// Time from the Begin to the SCP's first answer, microseconds.
    pub first_answer_us: Option<u64>,
}

/// The whole replay.
#[derive(Debug, Clone, Serialize)]
pub struct ReplayReport {
    pub dialogues: usize,
    pub completed: usize,
    pub matching: usize,
    pub differing: usize,
    /// Captured TCAP messages that belong to no replayable dialogue, with the reason.
    pub not_replayed: Vec<serde_json::Value>,
    /// SCP messages that named no dialogue of ours.
    pub unrouted: u64,
    pub elapsed_ms: u64,
    pub results: Vec<DialogueReport>,
}

/// Replay the dialogues of `captured` against the SCP.
pub async fn run(cfg: ReplayConfig, captured: Captured) -> Result<ReplayReport, SimError> {
    let Conn { mut wr, rd } = asp_up(&cfg.to, cfg.routing_context, cfg.timeout).await?;
    let start = Instant::now();
    let routes: Routes = Arc::default();
    let unrouted = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let reader = tokio::spawn(read_loop(rd, routes.clone(), unrouted.clone()));
    let (tx, mut wrx) = mpsc::unbounded_channel::<Vec<u8>>();
    let writer = tokio::spawn(async move {
        while let Some(b) = wrx.recv().await {
            if wr.send(&b).await.is_err() {
                break;
            }
        }
        wr
    });
    let cfg = Arc::new(cfg);
    let sem = Arc::new(tokio::sync::Semaphore::new(cfg.concurrency.max(1)));
    let origin = (Instant::now(), captured.first_ts_ns);
    // Our transaction ids: unique per replay run, 4 octets (Q.773 allows 1-4).
    let base = 0x5200_0000u32 ^ (std::process::id() << 8);
    let mut tasks = Vec::new();
    for (i, d) in captured.dialogues.into_iter().enumerate() {
        let permit = match cfg.timing {
            Timing::Fast => Some(sem.clone().acquire_owned().await.expect("open")),
            Timing::Captured => None,
        };
        let (cfg, routes, tx) = (cfg.clone(), routes.clone(), tx.clone());
        let tid = base.wrapping_add(i as u32).to_be_bytes();
        tasks.push(tokio::spawn(async move {
            let r = play(cfg, i, d, tid, origin, routes, tx).await;
            drop(permit);
            r
        }));
    }
    drop(tx);
    let mut results = Vec::new();
    for t in tasks {
        if let Ok(r) = t.await {
            results.push(r);
        }
    }
    reader.abort();
    let _ = writer.await;
    let completed = results.iter().filter(|r| r.completed).count();
    let matching = results.iter().filter(|r| r.differences.is_empty()).count();
    Ok(ReplayReport {
        dialogues: results.len(),
        completed,
        matching,
        differing: results.len() - matching,
        not_replayed: captured
            .orphans
            .iter()
            .map(|(f, why)| serde_json::json!({"frame": f, "reason": why}))
            .collect(),
        unrouted: unrouted.load(std::sync::atomic::Ordering::Relaxed),
        elapsed_ms: start.elapsed().as_millis() as u64,
        results,
    })
}
