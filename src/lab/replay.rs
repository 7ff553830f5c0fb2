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

use super::capture::{self, CaptureOptions, Payload};
use super::sim::{asp_up, Conn, SimError};
use crate::ber::{hex, Tag, Tlv, Writer};
use crate::m3ua::{self, Builder, Kind, Message, ProtocolData};
use crate::sccp::{self, Address, Unitdata};
use crate::tcap::itu::{self, Component, DialogueOut, MessageType, TcMessage};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::AsyncWriteExt;
use tokio::sync::mpsc;

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
    pub to: std::net::SocketAddr,
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

/// A TC message reduced to what the comparison looks at: its type and components.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Shape {
    pub message: String,
    /// One entry per component: `invoke initialDP`, `returnResultLast`, `returnError 7`, ...
    pub components: Vec<String>,
}

impl Shape {
    fn of(m: &TcMessage<'_>) -> Shape {
        let op = |o: u32| {
            crate::camel::operation_name(o).map_or_else(|| format!("op{o}"), str::to_string)
        };
        let components = m
            .components()
            .map(|c| match c {
                Ok(Component::Invoke { opcode, .. }) => format!("invoke {}", op(opcode)),
                Ok(Component::ReturnResult { last, opcode, .. }) => {
                    let kind = if last {
                        "returnResultLast"
                    } else {
                        "returnResultNotLast"
                    };
                    opcode.map_or(kind.to_string(), |o| format!("{kind} {}", op(o)))
                }
                Ok(Component::ReturnError { error_code, .. }) => {
                    format!("returnError {error_code}")
                }
                Ok(Component::Reject { problem, .. }) => {
                    format!("reject {}/{}", problem.0, problem.1)
                }
                Err(f) => format!("undecodable ({})", f.error),
            })
            .collect();
        Shape {
            message: m.kind.name().to_string(),
            components,
        }
    }

    fn returned(cause: u8) -> Shape {
        Shape {
            message: format!("UDTS (return cause {cause})"),
            components: Vec::new(),
        }
    }
}

/// One captured message of a dialogue.
#[derive(Debug, Clone)]
pub struct Step {
    pub frame: u64,
    pub ts_ns: i64,
    /// Sent by the side that began the dialogue (the switch).
    pub from_switch: bool,
    pub kind: MessageType,
    pub shape: Shape,
    /// The TCAP message as captured.
    pub tcap: Vec<u8>,
}

/// A dialogue found in the capture.
#[derive(Debug, Clone)]
pub struct CapturedDialogue {
    /// The Begin's OTID as captured.
    pub switch_tid: Vec<u8>,
    /// The responder's OTID as captured (from its first Continue), if it answered.
    pub scp_tid: Option<Vec<u8>>,
    pub steps: Vec<Step>,
}

/// What [`dialogues`] found.
#[derive(Debug, Clone, Default)]
pub struct Captured {
    pub dialogues: Vec<CapturedDialogue>,
    /// TCAP messages of dialogues whose Begin is not in the capture: (frame, why).
    pub orphans: Vec<(u64, String)>,
    /// Timestamp of the first message (the origin of captured timing).
    pub first_ts_ns: i64,
}

/// The SCCP message inside a captured SS7 message, if it carries one.
fn sccp_of<'a>(p: &Payload<'a>) -> Option<&'a [u8]> {
    match *p {
        Payload::M3ua(b) => {
            let m = Message::parse(b).ok()?;
            if m.kind() != Some(Kind::Data) {
                return None;
            }
            let pd = m.protocol_data().ok()?;
            (pd.si == 3).then_some(pd.data)
        }
        Payload::Mtp3(msu) => (msu.si == 3).then_some(msu.data),
        Payload::Sccp(b) => Some(b),
    }
}

/// Group the ITU TCAP dialogues of a capture (sans-IO).
pub fn dialogues(file: &[u8], opts: &CaptureOptions) -> Result<Captured, capture::CaptureError> {
    let variant = super::decode::sccp_variant(opts.mtp3);
    let mut msgs: Vec<(i64, u64, Vec<u8>)> = Vec::new();
    capture::read_capture(file, opts, |m| {
        let Some(sccp) = sccp_of(&m.payload) else {
            return;
        };
        let Ok(u) = Unitdata::decode_variant(sccp, variant) else {
            return;
        };
        if u.is_service()
            || u.segmentation
                .is_some_and(|s| !(s.first && s.remaining == 0))
        {
            return;
        }
        if TcMessage::decode(u.data).is_ok() {
            msgs.push((m.ts_ns, m.frame, u.data.to_vec()));
        }
    })?;
    msgs.sort_by_key(|(ts, frame, _)| (*ts, *frame));
    let mut out = Captured {
        first_ts_ns: msgs.first().map_or(0, |m| m.0),
        ..Captured::default()
    };
    // Open dialogues by the initiator's tid and by the responder's tid.
    let mut by_switch: HashMap<Vec<u8>, usize> = HashMap::new();
    let mut by_scp: HashMap<Vec<u8>, usize> = HashMap::new();
    for (ts_ns, frame, tcap) in msgs {
        let m = TcMessage::decode(&tcap).expect("decoded above");
        let (idx, from_switch) = match (m.kind, m.otid, m.dtid) {
            (MessageType::Begin, Some(o), _) => {
                out.dialogues.push(CapturedDialogue {
                    switch_tid: o.to_vec(),
                    scp_tid: None,
                    steps: Vec::new(),
                });
                by_switch.insert(o.to_vec(), out.dialogues.len() - 1);
                (out.dialogues.len() - 1, true)
            }
            (MessageType::Continue | MessageType::End | MessageType::Abort, o, Some(d)) => {
                if let Some(&i) = by_switch.get(d) {
                    if let (None, Some(o)) = (&out.dialogues[i].scp_tid, o) {
                        out.dialogues[i].scp_tid = Some(o.to_vec());
                        by_scp.insert(o.to_vec(), i);
                    }
                    (i, false)
                } else if let Some(&i) = by_scp.get(d) {
                    (i, true)
                } else {
                    out.orphans.push((
                        frame,
                        format!(
                            "TC-{} dtid {}: its dialogue's Begin is not in the capture",
                            m.kind.name(),
                            hex(d)
                        ),
                    ));
                    continue;
                }
            }
            _ => {
                out.orphans
                    .push((frame, format!("TC-{} outside a dialogue", m.kind.name())));
                continue;
            }
        };
        if matches!(m.kind, MessageType::End | MessageType::Abort) {
            let d = &out.dialogues[idx];
            by_switch.remove(&d.switch_tid);
            if let Some(s) = &d.scp_tid {
                by_scp.remove(s);
            }
        }
        let shape = Shape::of(&m);
        let kind = m.kind;
        out.dialogues[idx].steps.push(Step {
            frame,
            ts_ns,
            from_switch,
            kind,
            shape,
            tcap,
        });
    }
    Ok(out)
}

/// Re-encode a TC message with new transaction ids, every other element copied as
/// captured (Q.773 §3: the ids are the first members of the message).
pub fn rewrite_tids(tcap: &[u8], otid: Option<&[u8]>, dtid: Option<&[u8]>, out: &mut Vec<u8>) {
    const OTID: Tag = Tag::app(8, false);
    const DTID: Tag = Tag::app(9, false);
    let Ok(top) = Tlv::parse_single(tcap) else {
        out.extend_from_slice(tcap);
        return;
    };
    let Ok(mut r) = top.children() else {
        out.extend_from_slice(tcap);
        return;
    };
    let mut w = Writer::new(out);
    w.constructed(top.tag, |w| {
        while let Ok(Some(t)) = r.next_tlv() {
            match (t.tag, otid, dtid) {
                (tag, Some(o), _) if tag == OTID => w.primitive(OTID, o),
                (tag, _, Some(d)) if tag == DTID => w.primitive(DTID, d),
                _ => w.raw(t.raw),
            }
        }
    });
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

/// What the reader task hands a dialogue task.
#[derive(Debug)]
struct Live {
    kind: Option<MessageType>,
    otid: Option<Vec<u8>>,
    shape: Shape,
}

type Routes = Arc<Mutex<HashMap<Vec<u8>, mpsc::UnboundedSender<Live>>>>;

/// Reader: route every SCP message to its dialogue by DTID (or, for a returned message,
/// by the OTID of ours inside it).
async fn read_loop(
    mut rd: crate::transport::tcp::FrameReader<tokio::net::tcp::OwnedReadHalf>,
    routes: Routes,
    unrouted: Arc<std::sync::atomic::AtomicU64>,
) {
    while let Ok(Some(b)) = rd.next().await {
        let Ok(m) = Message::parse(b) else { continue };
        if m.kind() != Some(Kind::Data) {
            continue;
        }
        let Ok(pd) = m.protocol_data() else { continue };
        let Ok(u) = Unitdata::decode(pd.data) else {
            unrouted.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            continue;
        };
        let Ok(tc) = TcMessage::decode(u.data) else {
            unrouted.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            continue;
        };
        let (key, live) = if u.is_service() {
            (
                tc.otid,
                Live {
                    kind: None,
                    otid: None,
                    shape: Shape::returned(u.return_cause.unwrap_or(0)),
                },
            )
        } else {
            (
                tc.dtid,
                Live {
                    kind: Some(tc.kind),
                    otid: tc.otid.map(<[u8]>::to_vec),
                    shape: Shape::of(&tc),
                },
            )
        };
        let tx = key.and_then(|k| routes.lock().expect("routes").get(k).cloned());
        if tx.is_none_or(|tx| tx.send(live).is_err()) {
            unrouted.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
    }
}

/// Wrap a TC message in SCCP UDT and M3UA DATA, switch → SCP.
fn wrap(cfg: &ReplayConfig, tcap: &[u8], sls: u8, out: &mut Vec<u8>) {
    let ours = Address::ssn_pc(cfg.opc, cfg.own_ssn);
    let scp = Address::ssn_pc(cfg.dpc, cfg.scp_ssn);
    let mut udt = Vec::with_capacity(tcap.len() + 16);
    sccp::encode_udt(&mut udt, 0x81, &scp, &ours, tcap);
    let mut b = Builder::new(out, Kind::Data);
    if let Some(rc) = cfg.routing_context {
        b = b.param_u32(m3ua::codec::tag::ROUTING_CONTEXT, rc);
    }
    b.protocol_data(&ProtocolData {
        opc: cfg.opc,
        dpc: cfg.dpc,
        si: 3,
        ni: cfg.ni,
        mp: 0,
        sls,
        data: &udt,
    })
    .finish();
}

/// Play one dialogue; `tx` carries M3UA bytes to the writer.
async fn play(
    cfg: Arc<ReplayConfig>,
    index: usize,
    d: CapturedDialogue,
    our_tid: [u8; 4],
    origin: (Instant, i64),
    routes: Routes,
    tx: mpsc::UnboundedSender<Vec<u8>>,
) -> DialogueReport {
    let (atx, mut arx) = mpsc::unbounded_channel();
    routes.lock().expect("routes").insert(our_tid.to_vec(), atx);
    let captured_answers: Vec<Shape> = d
        .steps
        .iter()
        .filter(|s| !s.from_switch)
        .map(|s| s.shape.clone())
        .collect();
    let mut rep = DialogueReport {
        dialogue: index,
        frame: d.steps.first().map_or(0, |s| s.frame),
        captured_switch_tid: hex(&d.switch_tid),
        captured_scp_tid: d.scp_tid.as_deref().map(hex),
        switch_tid: hex(&our_tid),
        scp_tid: None,
        outcome: "open".into(),
        completed: false,
        sent: 0,
        not_sent: 0,
        captured_answers,
        live_answers: Vec::new(),
        differences: Vec::new(),
        first_answer_us: None,
    };
    let mut scp_tid: Option<Vec<u8>> = None;
    let mut ended: Option<&'static str> = None;
    let mut began = Instant::now();
    let sls = (index % 16) as u8;
    // Record one live answer; returns whether it ended the dialogue.
    let take = |l: Live,
                rep: &mut DialogueReport,
                scp_tid: &mut Option<Vec<u8>>,
                began: Instant|
     -> Option<&'static str> {
        if rep.first_answer_us.is_none() {
            rep.first_answer_us = Some(began.elapsed().as_micros() as u64);
        }
        if scp_tid.is_none() {
            *scp_tid = l.otid.clone();
        }
        rep.live_answers.push(l.shape);
        match l.kind {
            Some(MessageType::End) => Some("ended by the SCP"),
            Some(MessageType::Abort) => Some("aborted by the SCP"),
            None => Some("returned by SCCP"),
            _ => None,
        }
    };
    let switch_steps: Vec<usize> = (0..d.steps.len())
        .filter(|&i| d.steps[i].from_switch)
        .collect();
    let mut tcap = Vec::with_capacity(512);
    let mut out = Vec::with_capacity(1024);
    for (n, &i) in switch_steps.iter().enumerate() {
        let step = &d.steps[i];
        // Answers the capture has before the switch's next message.
        let next = switch_steps.get(n + 1).copied().unwrap_or(d.steps.len());
        let expected = d.steps[i + 1..next]
            .iter()
            .filter(|s| !s.from_switch)
            .count();
        if ended.is_some() {
            rep.not_sent += 1;
            continue;
        }
        if cfg.timing == Timing::Captured {
            let at =
                origin.0 + Duration::from_nanos(step.ts_ns.saturating_sub(origin.1).max(0) as u64);
            tokio::time::sleep_until(at.into()).await;
        }
        // Answers that came while we were not waiting for them.
        while let Ok(l) = arx.try_recv() {
            if let Some(e) = take(l, &mut rep, &mut scp_tid, began) {
                ended = Some(e);
            }
        }
        if ended.is_some() {
            rep.not_sent += 1;
            continue;
        }
        let (otid, dtid) = match step.kind {
            MessageType::Begin => (Some(&our_tid[..]), None),
            MessageType::Continue => (Some(&our_tid[..]), scp_tid.as_deref()),
            _ => (None, scp_tid.as_deref()),
        };
        if step.kind != MessageType::Begin && dtid.is_none() {
            // The SCP never answered, so there is no id to send this message to.
            rep.not_sent += 1;
            continue;
        }
        tcap.clear();
        rewrite_tids(&step.tcap, otid, dtid, &mut tcap);
        out.clear();
        wrap(&cfg, &tcap, sls, &mut out);
        if step.kind == MessageType::Begin {
            began = Instant::now();
        }
        if tx.send(out.clone()).is_err() {
            break;
        }
        rep.sent += 1;
        match step.kind {
            MessageType::End => ended = Some("ended by the switch"),
            MessageType::Abort => ended = Some("aborted by the switch"),
            _ => {}
        }
        if ended.is_some() {
            continue;
        }
        let mut got = 0;
        while got < expected && ended.is_none() {
            let wait = if got == 0 { cfg.timeout } else { cfg.settle };
            match tokio::time::timeout(wait, arx.recv()).await {
                Ok(Some(l)) => {
                    got += 1;
                    if let Some(e) = take(l, &mut rep, &mut scp_tid, began) {
                        ended = Some(e);
                    }
                }
                _ => break,
            }
        }
    }
    // The switch has nothing more to say: whatever else the SCP sends within the settle
    // time still counts.
    while ended.is_none() {
        match tokio::time::timeout(cfg.settle, arx.recv()).await {
            Ok(Some(l)) => {
                if let Some(e) = take(l, &mut rep, &mut scp_tid, began) {
                    ended = Some(e);
                }
            }
            _ => break,
        }
    }
    match ended {
        Some(e) => {
            rep.outcome = e.to_string();
            rep.completed = true;
        }
        None => {
            // Free the SCP's dialogue: TC-U-ABORT (Q.773 §3.2.3) with an ABRT from the user.
            if let Some(s) = &scp_tid {
                tcap.clear();
                itu::encode(
                    &mut tcap,
                    MessageType::Abort,
                    None,
                    Some(s),
                    Some(DialogueOut::Abrt { source: 0 }),
                    |_| {},
                );
                out.clear();
                wrap(&cfg, &tcap, sls, &mut out);
                let _ = tx.send(out);
            }
            rep.outcome = "open".into();
        }
    }
    routes.lock().expect("routes").remove(&our_tid[..]);
    rep.scp_tid = scp_tid.as_deref().map(hex);
    let n = rep.captured_answers.len().max(rep.live_answers.len());
    for k in 0..n {
        let (c, l) = (rep.captured_answers.get(k), rep.live_answers.get(k));
        if c != l {
            rep.differences.push(Difference {
                answer: k,
                captured: c.cloned(),
                live: l.cloned(),
            });
        }
    }
    rep
}

/// Replay the dialogues of `captured` against the SCP.
pub async fn run(cfg: ReplayConfig, captured: Captured) -> Result<ReplayReport, SimError> {
    let Conn { mut wr, rd } = asp_up(cfg.to, cfg.routing_context, cfg.timeout).await?;
    let start = Instant::now();
    let routes: Routes = Arc::default();
    let unrouted = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let reader = tokio::spawn(read_loop(rd, routes.clone(), unrouted.clone()));
    let (tx, mut wrx) = mpsc::unbounded_channel::<Vec<u8>>();
    let writer = tokio::spawn(async move {
        while let Some(b) = wrx.recv().await {
            if wr.write_all(&b).await.is_err() {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tids_are_rewritten_and_the_rest_kept() {
        // TC-CONTINUE otid 06f7 dtid 13b8 with an empty component portion member list.
        let mut m = Vec::new();
        itu::encode(
            &mut m,
            MessageType::Continue,
            Some(&[0x06, 0xf7]),
            Some(&[0x13, 0xb8]),
            None,
            |w| itu::invoke(w, 1, 24, |w| w.primitive(Tag::ctx(0), &[1])),
        );
        let mut out = Vec::new();
        rewrite_tids(&m, Some(&[1, 2, 3, 4]), Some(&[9, 9, 9, 9]), &mut out);
        let a = TcMessage::decode(&m).unwrap();
        let b = TcMessage::decode(&out).unwrap();
        assert_eq!(b.otid, Some(&[1, 2, 3, 4][..]));
        assert_eq!(b.dtid, Some(&[9, 9, 9, 9][..]));
        assert_eq!(a.components.unwrap().raw, b.components.unwrap().raw);
        assert_eq!(Shape::of(&a), Shape::of(&b));
        // Garbage is passed through, not a panic.
        out.clear();
        rewrite_tids(&[0x65, 0x05, 1], None, None, &mut out);
        assert_eq!(out, [0x65, 0x05, 1]);
    }
}
