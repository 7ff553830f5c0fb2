//! The live half of `scpd replay`: one task per dialogue sends the switch's captured
//! messages with new transaction ids and addresses and collects the SCP's answers, which a
//! reader task routes to it by transaction id; the answers are then compared with the
//! captured ones.

use super::{
    rewrite_tids, CapturedDialogue, DialogueReport, Difference, ReplayConfig, Shape, Timing,
};
use crate::ber::hex;
use crate::m3ua::{self, Builder, Kind, Message, ProtocolData};
use crate::sccp::{self, Address, Unitdata};
use crate::tcap::itu::{self, DialogueOut, MessageType, TcMessage};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

/// What the reader task hands a dialogue task.
#[derive(Debug)]
pub(super) struct Live {
    kind: Option<MessageType>,
    otid: Option<Vec<u8>>,
    shape: Shape,
}

pub(super) type Routes = Arc<Mutex<HashMap<Vec<u8>, mpsc::UnboundedSender<Live>>>>;

/// Reader: route every SCP message to its dialogue by DTID (or, for a returned message,
/// by the OTID of ours inside it).
pub(super) async fn read_loop(
    mut rd: crate::transport::LinkReader,
    routes: Routes,
    unrouted: Arc<std::sync::atomic::AtomicU64>,
) {
    while let Ok(Some(b)) = crate::lab::sim::next_message(&mut rd).await {
        let Ok(m) = Message::parse(&b) else { continue };
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
pub(super) async fn play(
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
