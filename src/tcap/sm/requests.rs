//! TC-user requests: opening a dialogue, queueing components (TC-INVOKE, TC-RESULT,
//! TC-U-ERROR, TC-U-REJECT, TC-U-CANCEL) and sending them in TC-BEGIN, TC-CONTINUE, TC-END
//! or TC-U-ABORT.
//!
//! Requests: TC-END basic sends End [Response]; TC-END prearranged closes locally and sends
//! nothing; TC-U-ABORT sends Abort (nothing in initiation sent: the peer has no id for us
//! yet).
//!
//! # ANSI permission (T1.114.4 §3.2)
//!
//! A Query/Conversation *with permission* lets the receiver end the transaction with a
//! Response; *without permission* does not. scpd keeps the permission the peer last gave
//! (`permission` in TC-BEGIN/TC-CONTINUE): a TC-END basic request on a dialogue whose peer
//! withheld permission is refused with [`TcError::NoPermission`] — the user may continue,
//! end prearranged or abort instead. What we give is set by [`Tcap::set_permission`]
//! (default: with permission). A Response received after we withheld permission closes the
//! dialogue with TC-P-ABORT permissionToReleaseProblem (cause 5) to the user; nothing can be
//! sent back, the peer has already released its id.

use super::{ansi_ac, ansi_tid, Dlg, EndKind, Invoke, SentInvoke, State, TcError, Tcap, Transmit};
use crate::ber::{Tag, Writer};
use crate::tcap::ansi::{self, PackageType};
use crate::tcap::itu::{self, DialogueOut, MessageType};
use crate::tcap::tc::*;
use smallvec::SmallVec;
use std::time::{Duration, Instant};

impl<A: Clone> Tcap<A> {
    /// Open a dialogue we will begin (state idle until [`Tcap::begin`]); invokes may be
    /// queued on it meanwhile. Counts against the dialogue limit and the idle timer.
    pub fn open(
        &mut self,
        to: A,
        ssn: u8,
        ac: Option<AppContext>,
        now: Instant,
    ) -> Result<DialogueId, TcError> {
        let structured = ac.is_some() && self.cfg.variant == Variant::Itu;
        let dlg = Box::new(Dlg {
            to,
            ssn,
            state: State::InitSent,
            ac: ac.map(|a| self.shared_ac(a)),
            structured,
            answer_dialogue: false,
            peer_permission: true,
            grant: true,
            granted: true,
            begun: false,
            next_invoke: 1,
            sent: SmallVec::new(),
            received: Vec::new(),
            pending: Vec::new(),
        });
        let local = self
            .table
            .open_outgoing(now, dlg)
            .map_err(|_| TcError::Full)?;
        self.counters.opened_outgoing += 1;
        Ok(DialogueId(local))
    }

    fn dlg(&mut self, id: DialogueId) -> Result<&mut Dlg<A>, TcError> {
        self.table
            .get_mut(id.0)
            .map(|d| &mut *d.user)
            .ok_or(TcError::NoSuchDialogue)
    }

    /// ANSI: the permission to end we give the peer with our next Query/Conversation.
    pub fn set_permission(&mut self, id: DialogueId, grant: bool) -> Result<(), TcError> {
        self.dlg(id)?.grant = grant;
        Ok(())
    }

    /// TC-INVOKE: queue an Invoke; returns its invoke id (allocated among the free ones).
    pub fn invoke(&mut self, id: DialogueId, inv: Invoke) -> Result<i8, TcError> {
        let itu = self.cfg.variant == Variant::Itu;
        let d = self.dlg(id)?;
        // ITU links only to an invocation still awaiting our answer (Q.774); an
        // ANSI correlation id names any invoke of the transaction (T1.114.3), the
        // GR-1299 way of answering a query with operations of our own.
        if let Some(l) = inv.linked_id.filter(|_| itu) {
            if !d.received.iter().any(|r| r.0 == l) {
                return Err(TcError::UnknownInvoke);
            }
        }
        let mut iid = d.next_invoke;
        let mut tries = 0;
        while d.sent.iter().any(|s| s.id == iid) {
            iid = iid.wrapping_add(1);
            tries += 1;
            if tries > 256 {
                return Err(TcError::NoFreeInvokeId);
            }
        }
        d.next_invoke = iid.wrapping_add(1);
        d.sent.push(SentInvoke {
            id: iid,
            class: inv.class,
            timeout_ms: u32::try_from(inv.timeout.as_millis()).unwrap_or(u32::MAX),
            deadline: None,
        });
        d.pending.push(Component::Invoke {
            invoke_id: Some(iid),
            linked_id: inv.linked_id,
            op: inv.op,
            parameter: inv.parameter,
            last: inv.last || itu,
        });
        Ok(iid)
    }

    /// TC-RESULT-L / TC-RESULT-NL for a received invocation. `op` may be left out when the
    /// invocation is remembered (ITU results repeat the operation).
    pub fn return_result(
        &mut self,
        id: DialogueId,
        invoke_id: i8,
        last: bool,
        op: Option<Operation>,
        parameter: Option<Vec<u8>>,
    ) -> Result<(), TcError> {
        let itu = self.cfg.variant == Variant::Itu;
        let d = self.dlg(id)?;
        let pos = d.received.iter().position(|r| r.0 == invoke_id);
        let op = match (itu, op, pos) {
            (false, _, _) => None,
            (true, Some(o), _) => Some(o),
            (true, None, Some(p)) => Some(d.received[p].1.clone()),
            (true, None, None) if parameter.is_some() => return Err(TcError::UnknownInvoke),
            (true, None, None) => None,
        };
        if last {
            if let Some(p) = pos {
                d.received.swap_remove(p);
            }
        }
        d.pending.push(Component::ReturnResult {
            invoke_id,
            last,
            op,
            parameter,
        });
        Ok(())
    }

    /// TC-U-ERROR for a received invocation.
    pub fn return_error(
        &mut self,
        id: DialogueId,
        invoke_id: i8,
        error: ErrorCode,
        parameter: Option<Vec<u8>>,
    ) -> Result<(), TcError> {
        let d = self.dlg(id)?;
        d.received.retain(|r| r.0 != invoke_id);
        d.pending.push(Component::ReturnError {
            invoke_id,
            error,
            parameter,
        });
        Ok(())
    }

    /// TC-U-REJECT: reject a received component.
    pub fn reject(
        &mut self,
        id: DialogueId,
        invoke_id: Option<i8>,
        problem: Problem,
    ) -> Result<(), TcError> {
        let d = self.dlg(id)?;
        if let Some(i) = invoke_id {
            d.received.retain(|r| r.0 != i);
        }
        d.pending.push(Component::Reject { invoke_id, problem });
        Ok(())
    }

    /// TC-U-CANCEL: forget one of our invocations (no answer will be accepted for it).
    pub fn cancel(&mut self, id: DialogueId, invoke_id: i8) -> Result<(), TcError> {
        let d = self.dlg(id)?;
        let pos = d
            .sent
            .iter()
            .position(|s| s.id == invoke_id)
            .ok_or(TcError::UnknownInvoke)?;
        let s = d.sent.swap_remove(pos);
        d.pending.retain(
            |c| !matches!(c, Component::Invoke { invoke_id: Some(i), .. } if *i == invoke_id),
        );
        if let Some(t) = s.deadline {
            self.timers.remove(&(t, id.0, invoke_id));
        }
        Ok(())
    }

    /// TC-BEGIN [TC-QUERY] with the queued components.
    pub fn begin(&mut self, id: DialogueId, now: Instant) -> Result<(), TcError> {
        let d = self.dlg(id)?;
        if d.state != State::InitSent || d.begun {
            return Err(TcError::WrongState("begin"));
        }
        d.begun = true;
        self.send(id, MessageType::Begin, now);
        Ok(())
    }

    /// TC-CONTINUE [TC-CONVERSATION] with the queued components.
    pub fn continue_(&mut self, id: DialogueId, now: Instant) -> Result<(), TcError> {
        let d = self.dlg(id)?;
        match d.state {
            State::InitSent => {
                return Err(TcError::WrongState("continue before the peer answered"))
            }
            State::InitReceived => d.state = State::Active,
            State::Active => {}
        }
        self.send(id, MessageType::Continue, now);
        Ok(())
    }

    /// TC-END [TC-RESPONSE]: basic sends the queued components; prearranged closes locally.
    pub fn end(&mut self, id: DialogueId, kind: EndKind, now: Instant) -> Result<(), TcError> {
        let ansi = self.cfg.variant == Variant::Ansi;
        let d = self.dlg(id)?;
        if kind == EndKind::Basic {
            if d.state == State::InitSent {
                return Err(TcError::WrongState("basic end before the peer answered"));
            }
            if ansi && !d.peer_permission {
                return Err(TcError::NoPermission);
            }
            self.send(id, MessageType::End, now);
        }
        self.close(id.0);
        self.counters.ended_normally += 1;
        Ok(())
    }

    /// TC-U-ABORT, with the user's abort information (ITU: ABRT user-information contents;
    /// ANSI: User Abort Information contents).
    pub fn u_abort(
        &mut self,
        id: DialogueId,
        user_info: Option<Vec<u8>>,
        _now: Instant,
    ) -> Result<(), TcError> {
        let variant = self.cfg.variant;
        let d = self.close(id.0).ok_or(TcError::NoSuchDialogue)?;
        self.counters.user_aborted += 1;
        if d.user.state == State::InitSent || !d.peer.is_known() {
            return Ok(());
        }
        let mut data = Vec::with_capacity(64);
        match variant {
            Variant::Itu => {
                let mut w = Writer::new(&mut data);
                w.constructed(itu::tags::ABORT, |w| {
                    w.primitive(itu::tags::DTID, d.peer.as_bytes());
                    if d.user.structured {
                        write_abrt(w, user_info.as_deref());
                    }
                });
            }
            Variant::Ansi => ansi::encode_abort(
                &mut data,
                ansi_tid(d.peer),
                None,
                user_info.as_deref().map(ansi::AbortReason::User),
            ),
        }
        self.transmits.push_back(Transmit {
            to: d.user.to,
            data,
        });
        Ok(())
    }

    /// Close a dialogue locally and send nothing: the TC-user's answer to a TC-NOTICE when
    /// the peer cannot be reached (an Abort would only come back too). Counted as a user
    /// abort.
    pub fn abort_local(&mut self, id: DialogueId) -> Result<(), TcError> {
        self.close(id.0).ok_or(TcError::NoSuchDialogue)?;
        self.counters.user_aborted += 1;
        Ok(())
    }

    /// Encode and queue a Begin/Continue/End with the pending components; start the invoke
    /// timers of the Invokes it carries.
    fn send(&mut self, id: DialogueId, kind: MessageType, now: Instant) {
        let variant = self.cfg.variant;
        let local = id.0;
        let entry = self.table.touch(local, now).expect("checked by caller");
        let peer = entry.peer;
        let d = &mut entry.user;
        let pending = std::mem::take(&mut d.pending);
        let mut data = Vec::with_capacity(64 + pending.iter().map(param_len).sum::<usize>());
        let otid = local.to_be_bytes();
        let answer = std::mem::replace(&mut d.answer_dialogue, false);
        match variant {
            Variant::Itu => {
                let oid = match d.ac.as_deref() {
                    Some(AppContext::Oid(o)) => Some(o.as_slice()),
                    _ => None,
                };
                let dialogue = match (kind, oid) {
                    (MessageType::Begin, Some(ac)) => Some(DialogueOut::Aarq { ac }),
                    (_, Some(ac)) if answer => Some(DialogueOut::Aare {
                        ac,
                        result: 0,
                        diagnostic: (1, 0),
                    }),
                    _ => None,
                };
                itu::encode(
                    &mut data,
                    kind,
                    (kind != MessageType::End).then_some(&otid[..]),
                    (kind != MessageType::Begin).then(|| peer.as_bytes()),
                    dialogue,
                    |w| pending.iter().for_each(|c| c.encode_itu(w)),
                );
            }
            Variant::Ansi => {
                let grant = d.grant;
                let package = match kind {
                    MessageType::Begin if grant => PackageType::QueryWithPermission,
                    MessageType::Begin => PackageType::QueryWithoutPermission,
                    MessageType::Continue if grant => PackageType::ConversationWithPermission,
                    MessageType::Continue => PackageType::ConversationWithoutPermission,
                    _ => PackageType::Response,
                };
                d.granted = grant;
                let ids = ansi::TransactionIds {
                    originating: package.has_originating_id().then_some(otid),
                    responding: package.has_responding_id().then(|| ansi_tid(peer)),
                };
                let dialogue =
                    d.ac.as_deref()
                        .filter(|_| kind == MessageType::Begin || answer)
                        .map(|a| ansi::DialoguePortion {
                            version: Some(ansi::version::SUPPORTED),
                            application_context: Some(ansi_ac(a)),
                            ..Default::default()
                        });
                ansi::encode(&mut data, package, ids, dialogue.as_ref(), |w| {
                    pending.iter().for_each(|c| c.encode_ansi(w))
                });
            }
        }
        // Invocation timers start as the Invoke leaves (Q.774 ISM "operation sent").
        if kind != MessageType::End {
            for c in &pending {
                if let Component::Invoke {
                    invoke_id: Some(i), ..
                } = c
                {
                    if let Some(s) = d.sent.iter_mut().find(|s| s.id == *i) {
                        let t = now + Duration::from_millis(u64::from(s.timeout_ms));
                        s.deadline = Some(t);
                        self.timers.insert((t, local, *i));
                    }
                }
            }
        }
        let to = d.to.clone();
        self.transmits.push_back(Transmit { to, data });
    }
}

fn param_len(c: &Component) -> usize {
    match c {
        Component::Invoke { parameter, .. }
        | Component::ReturnResult { parameter, .. }
        | Component::ReturnError { parameter, .. } => parameter.as_ref().map_or(0, Vec::len) + 8,
        Component::Reject { .. } => 8,
    }
}

fn write_abrt(w: &mut Writer<'_>, user_info: Option<&[u8]>) {
    w.constructed(itu::tags::DIALOGUE_PORTION, |w| {
        w.constructed(Tag::EXTERNAL, |w| {
            w.primitive(Tag::OID, itu::DIALOGUE_AS_ID);
            w.constructed(Tag::ctx_cons(0), |w| {
                w.constructed(itu::tags::ABRT, |w| {
                    w.integer(Tag::ctx(0), 0);
                    if let Some(u) = user_info {
                        w.constructed(Tag::ctx_cons(30), |w| w.raw(u));
                    }
                })
            });
        });
    });
}
