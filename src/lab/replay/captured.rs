//! The sans-IO half of `scpd replay`: a capture's ITU TCAP messages grouped into dialogues
//! by transaction id, each message reduced to its [`Shape`] for the comparison, and the
//! re-encoding of a message with new transaction ids.

use crate::ber::{hex, Tag, Tlv, Writer};
use crate::lab::capture::{self, CaptureOptions, Payload};
use crate::m3ua::{Kind, Message};
use crate::sccp::Unitdata;
use crate::tcap::itu::{Component, MessageType, TcMessage};
use serde::Serialize;
use std::collections::HashMap;

/// A TC message reduced to what the comparison looks at: its type and components.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Shape {
    pub message: String,
    /// One entry per component: `invoke initialDP`, `returnResultLast`, `returnError 7`, ...
    pub components: Vec<String>,
}

impl Shape {
    pub(super) fn of(m: &TcMessage<'_>) -> Shape {
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

    pub(super) fn returned(cause: u8) -> Shape {
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
    let variant = crate::lab::decode::sccp_variant(opts.mtp3);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tcap::itu;

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
