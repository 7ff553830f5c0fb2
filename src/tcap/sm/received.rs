//! Received messages: decoding either variant into one neutral form, and the transaction
//! sub-layer's answer to each.
//!
//! # Transaction sub-layer (Q.774 §3.2.1, Figures A.3/A.4; T1.114.4 §3)
//!
//! States: idle (no entry), initiation received, initiation sent, active. What a received
//! message gets:
//!
//! | received | condition | answer | to the TC-user |
//! | --- | --- | --- | --- |
//! | undecodable, type unknown | otid readable | P-Abort unrecognizedMessageType [ANSI 1] | — |
//! | undecodable, bad BER | otid readable | P-Abort badlyFormattedTransactionPortion [ANSI 3] | — |
//! | undecodable, ids wrong for the type | otid readable | P-Abort incorrectTransactionPortion [ANSI 2] | — |
//! | undecodable, any | dtid names a live dialogue | (as above) | TC-P-ABORT, dialogue closed |
//! | undecodable | no otid readable | discarded | — |
//! | Begin [Query] | table full | P-Abort resourceLimitation [ANSI 6 resourceUnavailable] | — |
//! | Begin with AARQ | protocol version lacks version1 | Abort + AARE reject, provider no-common-dialogue-portion | — |
//! | Begin with AARQ | AC not accepted for the SSN | Abort + AARE reject-permanent, user application-context-name-not-supported, naming the fallback AC | — |
//! | Begin without AARQ | SSN refuses dialogues without AC | Abort (no reason) | — |
//! | Begin [Query] | otherwise | — | TC-BEGIN, state initiation received |
//! | Continue [Conversation] | dtid unknown | P-Abort unrecognizedTransactionID [ANSI 4 unassignedRespondingTransactionID] to its otid | — |
//! | End / Abort [Response / Abort] | dtid unknown | discarded (no otid to answer) | — |
//! | Continue | initiation sent | — (peer tid learnt, AARE checked) | TC-CONTINUE, state active |
//! | End [Response] | live | — | TC-END, dialogue closed |
//! | Response | we had withheld permission | — | TC-P-ABORT permissionToReleaseProblem, dialogue closed |
//! | Abort with P-Abort cause | live | — | TC-P-ABORT(cause), dialogue closed |
//! | Abort with ABRT / user info / nothing | live | — | TC-U-ABORT, dialogue closed |
//! | Abort with AARE user ac-not-supported | initiation sent | — | TC-U-ABORT AcNotSupported{supported AC} |
//! | Abort with AARE provider diagnostic / ABRT provider | live | — | TC-P-ABORT |
//! | (idle timer) | dialogue quiet for `idle_timeout` | Abort (ITU: ABRT user if the dialogue has a dialogue portion) if `abort_on_idle` and the peer id is known | Timeout, dialogue closed |

use super::{ansi_ac, ansi_tid, Dlg, In, State, Tcap, Transmit};
use crate::ber::{Tlv, Writer};
use crate::tcap::ansi::{self, AnsiMessage, PackageType};
use crate::tcap::dialogues::PeerTid;
use crate::tcap::itu::{self, DialogueOut, DialoguePdu, MessageType, TcMessage};
use crate::tcap::tc::*;
use smallvec::SmallVec;
use std::sync::Arc;
use std::time::Instant;

fn local_tid(b: &[u8]) -> Option<u32> {
    <[u8; 4]>::try_from(b).ok().map(u32::from_be_bytes)
}

impl<A: Clone> Tcap<A> {
    /// A TCAP message received from `from` (whatever the caller needs to answer it) for
    /// subsystem `ssn`.
    pub fn on_message(&mut self, from: A, ssn: u8, data: &[u8], now: Instant) {
        if self.refusing {
            if let Some(otid) = crate::tcap::tid::beginning(data).and_then(PeerTid::new) {
                if self.let_through.is_none_or(|t| now >= t) {
                    // One in a while goes on, to be answered cheaply with the protocol's
                    // request to back off (CAP CallGap).
                    self.let_through = Some(now + super::LET_THROUGH);
                } else {
                    // Overloaded: refused as when the table is full, before any work.
                    self.counters.refused_overloaded += 1;
                    self.send_p_abort(from, otid, PAbortCause::ResourceLimitation);
                    return;
                }
            }
        }
        let msg = match self.cfg.variant {
            Variant::Itu => self.parse_itu(&from, data),
            Variant::Ansi => self.parse_ansi(&from, data),
        };
        let Some(msg) = msg else { return };
        match msg.kind {
            MessageType::Unidirectional => {
                let components = msg.components.into_iter().filter_map(Result::ok).collect();
                self.indications.push_back(Indication::Uni {
                    ac: msg.ac,
                    components,
                });
            }
            MessageType::Begin => self.on_begin(from, ssn, msg, now),
            MessageType::Continue | MessageType::End | MessageType::Abort => {
                self.on_subsequent(from, msg, now)
            }
        }
    }

    fn parse_itu(&mut self, from: &A, data: &[u8]) -> Option<In> {
        let m = match TcMessage::decode(data) {
            Ok(m) => m,
            Err(e) => {
                let cause = PAbortCause::from_itu(e.p_abort_cause() as u8);
                let (otid, dtid) = salvage_itu(data);
                self.refuse(from, otid, dtid.and_then(local_tid), cause);
                return None;
            }
        };
        let mut msg = In {
            kind: m.kind,
            permission: true,
            otid: m.otid.and_then(PeerTid::new),
            dtid: m.dtid.and_then(local_tid),
            aarq: false,
            ac: m.application_context().map(AppContext::oid),
            version1: m.version1(),
            aare: None,
            abrt: None,
            user_info: m.user_info.map(<[u8]>::to_vec),
            components: m
                .component_pdus()
                .map(|c| {
                    c.map(Component::from_itu)
                        .map_err(|f| (f.invoke_id, Problem::from_itu(f.problem)))
                })
                .collect(),
            p_abort: m.p_abort.map(PAbortCause::from_itu),
        };
        match m.dialogue {
            Some(DialoguePdu::Aarq { .. }) => msg.aarq = true,
            Some(DialoguePdu::Aare {
                result, diagnostic, ..
            }) => msg.aare = Some((result, diagnostic)),
            Some(DialoguePdu::Abrt { source }) => msg.abrt = Some(source),
            _ => {}
        }
        Some(msg)
    }

    fn parse_ansi(&mut self, from: &A, data: &[u8]) -> Option<In> {
        let m = match AnsiMessage::decode(data) {
            Ok(m) => m,
            Err(e) => {
                let cause = PAbortCause::from_ansi(e.p_abort_cause() as u8);
                let (mut otid, mut dtid) = (None, None);
                if let Some((p, ids)) = ansi::salvage_transaction_id(data) {
                    // An unknown package type: its id length says what it holds.
                    let (orig, resp) = match p {
                        Some(p) => (p.has_originating_id(), p.has_responding_id()),
                        None => (ids.len() >= 4, ids.len() == 8),
                    };
                    let len = 4 * (usize::from(orig) + usize::from(resp));
                    if ids.len() == len {
                        let mut rest = ids;
                        if orig {
                            otid = PeerTid::new(&rest[..4]);
                            rest = &rest[4..];
                        }
                        if resp {
                            dtid = local_tid(&rest[..4]);
                        }
                    }
                    // T1.114.4: nothing goes back for a refused Unidirectional or Abort.
                    if matches!(p, Some(PackageType::Abort | PackageType::Unidirectional)) {
                        otid = None;
                    }
                }
                self.refuse(from, otid, dtid, cause);
                return None;
            }
        };
        let kind = match m.package {
            PackageType::Unidirectional => MessageType::Unidirectional,
            PackageType::QueryWithPermission | PackageType::QueryWithoutPermission => {
                MessageType::Begin
            }
            PackageType::ConversationWithPermission
            | PackageType::ConversationWithoutPermission => MessageType::Continue,
            PackageType::Response => MessageType::End,
            PackageType::Abort => MessageType::Abort,
        };
        let (p_abort, user_info) = match m.abort {
            Some(ansi::AbortReason::Provider(c)) => (Some(PAbortCause::from_ansi(c)), None),
            Some(ansi::AbortReason::User(u)) => (None, Some(u.to_vec())),
            None => (None, None),
        };
        let ac = m
            .dialogue
            .and_then(|d| d.application_context)
            .map(|a| match a {
                ansi::ApplicationContext::Integer(v) => AppContext::Integer(v),
                ansi::ApplicationContext::Oid(o) => AppContext::oid(o),
            });
        Some(In {
            kind,
            permission: m.package.permission().unwrap_or(true),
            otid: m.ids.originating.and_then(|o| PeerTid::new(&o)),
            dtid: m.ids.responding.map(u32::from_be_bytes),
            aarq: ac.is_some(),
            ac,
            version1: true,
            aare: None,
            abrt: None,
            user_info: user_info.or_else(|| {
                m.dialogue
                    .and_then(|d| d.user_information)
                    .map(<[u8]>::to_vec)
            }),
            components: m
                .components()
                .map(|c| {
                    c.map(Component::from_ansi).map_err(|f| {
                        (
                            f.correlation_id.map(|v| v as i8),
                            Problem::from_ansi(f.problem),
                        )
                    })
                })
                .collect(),
            p_abort,
        })
    }

    /// An undecodable message: P-Abort to its otid if readable, TC-P-ABORT to the dialogue
    /// its dtid names if any.
    fn refuse(&mut self, from: &A, otid: Option<PeerTid>, dtid: Option<u32>, cause: PAbortCause) {
        if let Some(local) = dtid.filter(|l| self.table.get(*l).is_some()) {
            let d = self.close(local).expect("live");
            *self.counters.provider_aborted.entry(cause).or_default() += 1;
            self.indications.push_back(Indication::PAbort {
                dialogue: DialogueId(local),
                cause,
            });
            if let Some(o) = otid {
                self.send_p_abort(d.user.to, o, cause);
                return;
            }
        }
        match otid {
            Some(o) => {
                *self.counters.p_abort_answers.entry(cause).or_default() += 1;
                self.counters.last_p_abort_answer = Some(cause);
                self.send_p_abort(from.clone(), o, cause);
            }
            None => self.counters.discarded += 1,
        }
    }

    fn send_p_abort(&mut self, to: A, peer: PeerTid, cause: PAbortCause) {
        let mut data = Vec::with_capacity(16);
        match self.cfg.variant {
            Variant::Itu => {
                let mut w = Writer::new(&mut data);
                w.constructed(itu::tags::ABORT, |w| {
                    w.primitive(itu::tags::DTID, peer.as_bytes());
                    w.integer(itu::tags::P_ABORT_CAUSE, cause.to_itu().into());
                });
            }
            Variant::Ansi => {
                let mut r = [0u8; 4];
                let b = peer.as_bytes();
                r[4 - b.len()..].copy_from_slice(b);
                ansi::encode_abort(
                    &mut data,
                    r,
                    None,
                    Some(ansi::AbortReason::Provider(cause.to_ansi())),
                );
            }
        }
        self.transmits.push_back(Transmit { to, data });
    }

    fn on_begin(&mut self, from: A, ssn: u8, msg: In, now: Instant) {
        let otid = msg.otid.expect("decoder checked");
        // Q.774 §3.2.2.1: dialogue portion checks, then AC negotiation.
        if msg.aarq && !msg.version1 {
            self.counters.ac_refused += 1;
            let ac = msg.ac.clone();
            self.send_refusal(from, otid, ac.as_ref(), (2, 2));
            return;
        }
        let policy = self.policy(ssn);
        let refusal = match &msg.ac {
            Some(ac) if !policy.accepted.is_empty() && !policy.accepted.contains(ac) => {
                let supported = policy
                    .fallback
                    .clone()
                    .or_else(|| policy.accepted.first().cloned());
                Some((supported, (1, 2)))
            }
            None if !policy.accept_without_ac => Some((None, (1, 1))),
            _ => None,
        };
        if let Some((supported, diagnostic)) = refusal {
            self.counters.ac_refused += 1;
            self.send_refusal(from, otid, supported.as_ref(), diagnostic);
            return;
        }
        let dlg = Box::new(Dlg {
            to: from.clone(),
            ssn,
            state: State::InitReceived,
            ac: msg.ac.clone().map(|a| self.shared_ac(a)),
            structured: msg.aarq && self.cfg.variant == Variant::Itu,
            answer_dialogue: msg.aarq,
            peer_permission: msg.permission,
            grant: true,
            granted: true,
            begun: false,
            next_invoke: 1,
            sent: SmallVec::new(),
            received: Vec::new(),
            pending: Vec::new(),
        });
        let local = match self.table.open(otid, now, dlg) {
            Ok(l) => l,
            Err(_) => {
                let cause = PAbortCause::ResourceLimitation;
                *self.counters.p_abort_answers.entry(cause).or_default() += 1;
                self.counters.last_p_abort_answer = Some(cause);
                self.send_p_abort(from, otid, cause);
                return;
            }
        };
        self.counters.opened_incoming += 1;
        let (components, extra) = self.process_components(local, msg.components, false);
        self.indications.push_back(Indication::Begin {
            dialogue: DialogueId(local),
            ssn,
            ac: msg.ac,
            user_info: msg.user_info,
            permission: msg.permission,
            components,
        });
        self.indications.extend(extra);
    }

    /// Refuse a Begin in AC negotiation: ITU Abort with an AARE reject-permanent carrying
    /// `diagnostic` ((1, 2) user ac-not-supported, (2, 2) provider no-common-dialogue-portion)
    /// and the AC we support; a bare Abort when there is no AC to name. ANSI: Abort with a
    /// dialogue portion naming the AC (T1.114 has no AARE; our choice).
    fn send_refusal(&mut self, to: A, otid: PeerTid, ac: Option<&AppContext>, diag: (u8, u8)) {
        let mut data = Vec::with_capacity(64);
        match self.cfg.variant {
            Variant::Itu => {
                let oid = match ac {
                    Some(AppContext::Oid(o)) => Some(o.as_slice()),
                    _ => None,
                };
                let dialogue = oid.map(|ac| DialogueOut::Aare {
                    ac,
                    result: 1,
                    diagnostic: diag,
                });
                itu::encode(
                    &mut data,
                    MessageType::Abort,
                    None,
                    Some(otid.as_bytes()),
                    dialogue,
                    |_| {},
                );
            }
            Variant::Ansi => {
                let d = ac.map(|a| ansi::DialoguePortion {
                    version: Some(ansi::version::SUPPORTED),
                    application_context: Some(ansi_ac(a)),
                    ..Default::default()
                });
                ansi::encode_abort(&mut data, ansi_tid(otid), d.as_ref(), None);
            }
        }
        self.transmits.push_back(Transmit { to, data });
    }

    fn on_subsequent(&mut self, from: A, msg: In, now: Instant) {
        let live = msg.dtid.filter(|l| self.table.get(*l).is_some());
        let Some(local) = live else {
            // Q.774 §3.2.1.2: unknown dtid. Only a Continue has an otid to answer.
            match (msg.kind, msg.otid) {
                (MessageType::Continue, Some(o)) => {
                    let cause = PAbortCause::UnrecognizedTransactionId;
                    *self.counters.p_abort_answers.entry(cause).or_default() += 1;
                    self.counters.last_p_abort_answer = Some(cause);
                    self.send_p_abort(from, o, cause);
                }
                _ => self.counters.discarded += 1,
            }
            return;
        };
        self.table.touch(local, now);
        let id = DialogueId(local);
        match msg.kind {
            MessageType::Abort => {
                let d = self.close(local).expect("live");
                let ind = match (msg.p_abort, msg.aare, msg.abrt) {
                    (Some(cause), _, _) => Err(cause),
                    (None, Some((_, (2, _))), _) => Err(PAbortCause::NoCommonDialoguePortion),
                    (None, Some((_, (1, 2))), _) if d.user.state == State::InitSent => {
                        let supported = msg.ac.clone().unwrap_or(AppContext::Oid(Vec::new()));
                        Ok(UAbortReason::AcNotSupported { supported })
                    }
                    (None, _, Some(1)) => Err(PAbortCause::AbnormalDialogue),
                    _ => Ok(UAbortReason::User(msg.user_info.clone())),
                };
                match ind {
                    Ok(reason) => {
                        self.counters.user_aborted += 1;
                        self.indications.push_back(Indication::UAbort {
                            dialogue: id,
                            reason,
                        });
                    }
                    Err(cause) => {
                        *self.counters.provider_aborted.entry(cause).or_default() += 1;
                        self.indications.push_back(Indication::PAbort {
                            dialogue: id,
                            cause,
                        });
                    }
                }
            }
            MessageType::Continue => {
                let (state, first_ac) = {
                    let d = &mut self.table.get_mut(local).expect("live").user;
                    (d.state, d.ac.as_deref().cloned())
                };
                if state == State::InitSent {
                    let otid = msg.otid.expect("decoder checked");
                    self.table.set_peer(local, otid);
                }
                let d = &mut self.table.get_mut(local).expect("live").user;
                d.peer_permission = msg.permission;
                d.to = from;
                let mut ac = None;
                if state == State::InitSent {
                    d.state = State::Active;
                    if first_ac.is_some() || msg.ac.is_some() {
                        ac = msg.ac.clone().or(first_ac);
                        let shared =
                            ac.clone()
                                .map(|a| match self.acs.iter().find(|x| ***x == a) {
                                    Some(x) => x.clone(),
                                    None => Arc::new(a),
                                });
                        self.table.get_mut(local).expect("live").user.ac = shared;
                    }
                } else if state == State::InitReceived {
                    // The peer cannot know our id before we answer; treat as active.
                    d.state = State::Active;
                }
                let (components, extra) = self.process_components(local, msg.components, false);
                self.indications.push_back(Indication::Continue {
                    dialogue: id,
                    ac,
                    permission: msg.permission,
                    components,
                });
                self.indications.extend(extra);
            }
            MessageType::End => {
                let withheld = {
                    let d = &self.table.get(local).expect("live").user;
                    self.cfg.variant == Variant::Ansi && !d.granted && d.state != State::InitSent
                };
                let (components, extra) = self.process_components(local, msg.components, true);
                self.close(local);
                if withheld {
                    let cause = PAbortCause::PermissionToReleaseProblem;
                    *self.counters.provider_aborted.entry(cause).or_default() += 1;
                    self.indications.push_back(Indication::PAbort {
                        dialogue: id,
                        cause,
                    });
                } else {
                    self.counters.ended_normally += 1;
                    self.indications.push_back(Indication::End {
                        dialogue: id,
                        components,
                    });
                    self.indications.extend(extra);
                }
            }
            _ => unreachable!("only subsequent messages here"),
        }
    }

    /// SCCP returned one of our messages (UDTS/XUDTS): TC-NOTICE to its dialogue (the
    /// returned message's otid is ours).
    pub fn on_notice(&mut self, returned: &[u8], cause: u8) {
        let ours = match self.cfg.variant {
            Variant::Itu => salvage_itu(returned)
                .0
                .and_then(|t| local_tid(t.as_bytes())),
            Variant::Ansi => ansi::peek_transaction_id(returned)
                .filter(|(p, ids)| p.has_originating_id() && ids.len() >= 4)
                .and_then(|(_, ids)| local_tid(&ids[..4])),
        };
        match ours.filter(|l| self.table.get(*l).is_some()) {
            Some(l) => {
                self.counters.notices += 1;
                self.indications.push_back(Indication::Notice {
                    dialogue: DialogueId(l),
                    cause,
                })
            }
            None => self.counters.discarded += 1,
        }
    }
}

/// The otid and dtid of an ITU message that may not decode (Q.774 §3.2.1.2 answers only
/// when the otid can be read).
fn salvage_itu(data: &[u8]) -> (Option<PeerTid>, Option<&[u8]>) {
    let Ok((top, _)) = Tlv::parse(data, 0) else {
        return (None, None);
    };
    if !top.tag.constructed {
        return (None, None);
    }
    let mut r = crate::ber::Reader::new(top.value);
    let (mut otid, mut dtid) = (None, None);
    for _ in 0..2 {
        match r.next_tlv() {
            Ok(Some(t)) if t.tag.is(itu::tags::OTID) => otid = PeerTid::new(t.value),
            Ok(Some(t)) if t.tag.is(itu::tags::DTID) => dtid = Some(t.value),
            _ => break,
        }
    }
    (otid, dtid)
}
