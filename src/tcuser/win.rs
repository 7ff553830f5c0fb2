//! WIN transactions between an ANSI-41 MSC and scpd as SCP (TIA/EIA-41-D with IS-771) over
//! ANSI TCAP (T1.114), and the mapping to the service model through [`super::win_map`].
//! Like [`super::ain`], a TC-user: it sees dialogues, indications and components, never
//! wire formats.
//!
//! WIN is query and answer, one transaction per message the MSC sends (IS-771 §4): a
//! QueryWithPermission with an Invoke, answered by a Response with its ReturnResult.
//!
//! - A trigger query (OriginationRequest, AnalyzedInformation, FacilitySelectedAndAvailable,
//!   TBusy, TNoAnswer) becomes a service trigger and is answered with the instruction's
//!   result ([`map::answer`]): empty (continue), a TerminationList (redirect: it does not
//!   meet the mobile's triggers again), ActionCode disconnect (release). A monitored call's
//!   result also arms the answer and disconnect triggers of its half call, reported to our
//!   own PC_SSN (TriggerAddressList, IS-771 §6.5.2.de).
//! - The armed triggers' reports come in transactions of their own: OAnswer and TAnswer in
//!   a Unidirectional package (no result), ODisconnect, TDisconnect, OCalledPartyBusy and
//!   ONoAnswer in a QueryWithPermission, each answered at once with its empty result (the
//!   MSC goes on with default processing). What ties a report to its call is the BillingID
//!   ([`map::call_key`]): followed calls are kept by it until one ends the call. A TBusy or
//!   TNoAnswer for a call already followed is that call's busy or no answer, not a new call.
//!
//! The runtime gives every WIN message of a call to the same shard (it hashes the BillingID
//! of a new transaction, [`crate::win::peek_billing_id`]), so the call is followed where its
//! reports arrive. An Invoke that does not decode, or is not what an MSC sends, is rejected
//! (T1.114.3 Reject) in the Response; the association and other calls go on.

use super::win_map as map;
use super::{finish, Answering, Ctx, Dialogues, Fault, QueryUser, User};
use crate::ber::{MalformedMembers, Tlv};
use crate::service::{Call, CallState, MalformedMember};
use crate::tcap::ansi::OpCode;
use crate::tcap::sm::EndKind;
use crate::tcap::tc::{Component, DialogueId, Indication, OpClass, Operation, Problem};
use crate::win::{self, BillingId, Operation as WinOp, Params, PcSsn, WinMessage};
use std::collections::{BTreeMap, HashMap};
use std::time::Instant;

/// Class of an operation the MSC invokes (TIA/EIA-41-D §6.4.1): a result is expected of
/// every one but the notifications OAnswer and TAnswer.
pub fn class_of(op: &Operation) -> OpClass {
    match op {
        Operation::Private(c) if WinOp::from_code(*c).is_some_and(|o| !o.has_result()) => {
            OpClass::Class4
        }
        _ => OpClass::Class1,
    }
}

/// The WIN message of an Invoke, or the Reject problem that answers it; optional parameters
/// that do not decode are left out and noted in `malformed` (cleared first).
fn decode<'a>(
    op: &Operation,
    parameter: Option<&'a [u8]>,
    malformed: &mut MalformedMembers<'a>,
) -> Result<WinMessage<'a>, Problem> {
    let code = match op {
        Operation::Private(c) => OpCode::Private(*c),
        Operation::National(c) => OpCode::National(*c),
        _ => return Err(Problem::UnrecognizedOperation),
    };
    malformed.clear();
    let p = match parameter.map(Tlv::parse_single) {
        Some(Ok(t)) => Some(t),
        Some(Err(_)) => return Err(Problem::InvokeMistypedParameter),
        None => None,
    };
    win::decode_invoke_lenient(code, p, malformed).map_err(|e| Problem::from_ansi(e.problem()))
}

/// What answering a trigger later needs of it (while the data-session server decides).
#[derive(Debug, Clone, Copy)]
pub struct Held {
    op: WinOp,
    /// The TriggerType: it can make an AnalyzedInformation the terminating half.
    trigger_type: Option<u8>,
    /// The query's invoke id: what the ReturnResult correlates with.
    invoke_id: Option<i8>,
    key: Option<BillingId>,
    permission: bool,
}

/// Monitored calls, by BillingID, forgetting the oldest first beyond a limit (an MSC that
/// never reports the end must not grow the table without bound).
struct Followed {
    calls: HashMap<BillingId, (u64, Call)>,
    order: BTreeMap<u64, BillingId>,
    added: u64,
    limit: usize,
}

impl Followed {
    fn insert(&mut self, key: BillingId, call: Call) {
        while self.calls.len() >= self.limit {
            let Some((_, old)) = self.order.pop_first() else {
                break;
            };
            if let Some((_, c)) = self.calls.remove(&old) {
                tracing::info!(call_id = %c.id(), "no longer followed: too many WIN calls");
            }
        }
        self.added += 1;
        if let Some((n, old)) = self.calls.insert(key, (self.added, call)) {
            // The call met another trigger (WIN lets a call pass several, each a query of
            // its own): the reports go to the newest. Both events carry the BillingID.
            tracing::info!(superseded = %old.id(), "WIN call armed again: following its new trigger");
            self.order.remove(&n);
        }
        self.order.insert(self.added, key);
    }

    fn get_mut(&mut self, key: &BillingId) -> Option<&mut Call> {
        self.calls.get_mut(key).map(|(_, c)| c)
    }

    fn remove(&mut self, key: &BillingId) -> Option<Call> {
        let (n, c) = self.calls.remove(key)?;
        self.order.remove(&n);
        Some(c)
    }
}

/// The WIN TC-user of one stack.
pub struct Win {
    /// Held triggers (WIN follows calls by BillingID, not by dialogue: `()`).
    dialogues: Dialogues<(), Held>,
    followed: Followed,
    /// Where armed triggers report: our point code and the WIN subsystem.
    scp: PcSsn,
}

impl Win {
    /// `scp`: our PC_SSN; `follow_limit`: most monitored calls followed at once.
    pub fn new(scp: PcSsn, decision_deadline: std::time::Duration, follow_limit: usize) -> Win {
        Win {
            // WIN has no ResetTimer: the MSC's timer bounds the decision.
            dialogues: Dialogues::new(User::Win, decision_deadline, None),
            followed: Followed {
                calls: HashMap::new(),
                order: BTreeMap::new(),
                added: 0,
                limit: follow_limit.max(1),
            },
            scp,
        }
    }

    /// A new decision deadline (a configuration reload).
    pub fn set_deadline(&mut self, decision_deadline: std::time::Duration) {
        self.dialogues.set_timing(decision_deadline, None);
    }

    /// Monitored calls followed.
    pub fn followed(&self) -> usize {
        self.followed.calls.len()
    }

    /// Triggers waiting for a decision.
    pub fn pending(&self) -> usize {
        self.dialogues.pending()
    }

    /// When [`QueryUser::on_timeout`] next has something to do.
    pub fn next_deadline(&self) -> Option<Instant> {
        self.dialogues.next_deadline()
    }

    /// One TCAP indication for the WIN SSN.
    pub fn indication(
        &mut self,
        ctx: &mut Ctx<'_>,
        ind: &Indication,
        rejects_queued: bool,
    ) -> Result<(), Fault> {
        match ind {
            Indication::Begin {
                dialogue,
                permission,
                components,
                ..
            } => self.query(
                ctx,
                Some((*dialogue, *permission)),
                components,
                rejects_queued,
            ),
            Indication::Uni { components, .. } => self.query(ctx, None, components, false),
            // A WIN transaction is one query and its answer: nothing else is expected of an
            // MSC (GR-1299-style conversations are not WIN's).
            Indication::Continue { dialogue, .. } => {
                ctx.tcap.u_abort(*dialogue, None, ctx.now)?;
                Err(Fault::Win("conversation in a WIN transaction".into()))
            }
            Indication::End { .. } => Err(Fault::Win("response to no query of ours".into())),
            other => {
                self.ended(ctx, other);
                Ok(())
            }
        }
    }

    /// A query (`Some`: its dialogue and whether the MSC gave permission to end) or a
    /// Unidirectional package (`None`): a trigger or a report.
    fn query(
        &mut self,
        ctx: &mut Ctx<'_>,
        dialogue: Option<(DialogueId, bool)>,
        components: &[Component],
        rejects_queued: bool,
    ) -> Result<(), Fault> {
        let mut malformed = Vec::new();
        let mut found = None;
        let mut fault: Option<(Option<i8>, Problem, String)> = None;
        for c in components {
            match c {
                Component::Invoke {
                    invoke_id,
                    op,
                    parameter,
                    ..
                } => match decode(op, parameter.as_deref(), &mut malformed) {
                    Ok(m) if !m.op.from_msc() => {
                        fault = Some((
                            *invoke_id,
                            Problem::UnrecognizedOperation,
                            format!("{}, the SCP's operation, from an MSC", m.op.name()),
                        ))
                    }
                    Ok(m) if found.is_some() => {
                        fault = Some((
                            *invoke_id,
                            Problem::UnrecognizedOperation,
                            format!("a second operation ({}) in one query", m.op.name()),
                        ))
                    }
                    Ok(m) => found = Some((m, *invoke_id)),
                    Err(p) => fault = Some((*invoke_id, p, format!("undecodable {op:?}"))),
                },
                other => {
                    fault = Some((
                        None,
                        Problem::UnrecognizedComponent,
                        format!("{other:?} in a query"),
                    ))
                }
            }
            if fault.is_some() {
                break;
            }
        }
        let reject = |ctx: &mut Ctx<'_>, (id, problem, reason): (Option<i8>, Problem, String)| {
            if let Some((d, permission)) = dialogue {
                ctx.tcap.reject(d, id, problem)?;
                finish(ctx, d, permission)?;
            }
            Err(Fault::Win(reason))
        };
        let Some((m, invoke_id)) = found.filter(|_| fault.is_none()) else {
            return match (fault, dialogue) {
                (Some(f), _) => reject(ctx, f),
                (None, Some((d, permission))) if rejects_queued => {
                    finish(ctx, d, permission)?;
                    Err(Fault::Win("query with a malformed component".into()))
                }
                (None, Some((d, permission))) => {
                    finish(ctx, d, permission)?;
                    Err(Fault::Win("query without an operation".into()))
                }
                (None, None) => Ok(()),
            };
        };
        let noted: Box<[MalformedMember]> =
            malformed.iter().map(MalformedMember::from_ber).collect();
        let key = map::call_key(&m);
        // A TBusy or TNoAnswer of a call we follow reports on it (see the module doc).
        let followed_state = match m.op {
            WinOp::TBusy => Some(CallState::Busy(None)),
            WinOp::TNoAnswer => Some(CallState::NoAnswer),
            _ => None,
        }
        .filter(|_| key.is_some_and(|k| self.followed.calls.contains_key(&k)));
        if let Some(state) = map::call_state(&m).or(followed_state) {
            self.report(ctx, key, state, noted);
            let Some((d, permission)) = dialogue else {
                return Ok(());
            };
            // The report's own result (empty: default processing, TBusy and TNoAnswer
            // included); the notifications have none, and their transaction just ends.
            if let Some(r) = map::report_answer(m.op) {
                respond(ctx, d, invoke_id, &r)?;
            }
            return finish(ctx, d, permission);
        }
        let Some((d, permission)) = dialogue else {
            return Err(Fault::Win(format!(
                "{} in a Unidirectional package",
                m.op.name()
            )));
        };
        let Some(mut trigger) = map::trigger(&m) else {
            return reject(
                ctx,
                (
                    invoke_id,
                    Problem::UnrecognizedOperation,
                    format!("{} opens no call", m.op.name()),
                ),
            );
        };
        trigger.malformed = noted;
        let held = Held {
            op: m.op,
            trigger_type: m.params.trigger_type,
            invoke_id,
            key,
            permission,
        };
        match self.dialogues.trigger(ctx, d, trigger, held, false) {
            Some((call, instruction)) => self.answer_win(ctx, (d, call, instruction, held)),
            None => Ok(()),
        }
    }

    /// A report `state` of the call `key` names: published when the call is followed, and
    /// the call forgotten once it is over.
    fn report(
        &mut self,
        ctx: &mut Ctx<'_>,
        key: Option<BillingId>,
        state: CallState,
        noted: Box<[MalformedMember]>,
    ) {
        let Some(key) = key else {
            tracing::warn!(?state, "WIN report without BillingID: no call to tie it to");
            return;
        };
        let Some(call) = self.followed.get_mut(&key) else {
            tracing::debug!(?key, ?state, "WIN report for no call we follow");
            return;
        };
        ctx.report_noting(call, state, noted);
        if state != CallState::Answered {
            self.followed.remove(&key);
        }
    }

    /// Answer a trigger with its instruction (see the module doc). An instruction the
    /// operation's result cannot carry (a redirection in FacilitySelectedAndAvailableRes)
    /// is answered with the empty result, so the MSC is not left waiting.
    fn answer_win(
        &mut self,
        ctx: &mut Ctx<'_>,
        (d, call, instruction, h): Answering<Held>,
    ) -> Result<(), Fault> {
        let query = WinMessage::invoke(
            h.op,
            Params {
                trigger_type: h.trigger_type,
                ..Params::default()
            },
        );
        let result = match map::answer(&query, &instruction, self.scp) {
            Ok(r) => r,
            Err(e) => {
                tracing::warn!(
                    call_id = %call.id(),
                    error = %e,
                    "WIN result cannot carry the instruction: continue instead"
                );
                win::continue_call(h.op).map_err(|e| Fault::Win(e.to_string()))?
            }
        };
        respond(ctx, d, h.invoke_id, &result)?;
        finish(ctx, d, h.permission)?;
        let armed = result.params.trigger_address_list.is_some();
        match h.key {
            Some(key) if armed => self.followed.insert(key, call),
            None if armed => {
                tracing::warn!(call_id = %call.id(), "monitored WIN call without BillingID");
            }
            _ => {}
        }
        Ok(())
    }
}

/// Queue the ReturnResultLast `r` answering invoke `invoke_id`.
fn respond(
    ctx: &mut Ctx<'_>,
    d: DialogueId,
    invoke_id: Option<i8>,
    r: &WinMessage<'_>,
) -> Result<(), Fault> {
    let Some(id) = invoke_id else {
        // An Invoke without an id asks for no reply (T1.114.3 §3.3).
        return Ok(());
    };
    let mut p = Vec::with_capacity(32);
    r.encode_parameter_to(&mut p)
        .map_err(|e| Fault::Win(e.to_string()))?;
    ctx.tcap.return_result(d, id, true, None, Some(p))?;
    Ok(())
}

impl QueryUser for Win {
    type State = ();
    type Held = Held;
    const PEER: &'static str = "MSC";

    fn core(&mut self) -> &mut Dialogues<(), Held> {
        &mut self.dialogues
    }

    fn answer(&mut self, ctx: &mut Ctx<'_>, a: Answering<Held>) -> Result<(), Fault> {
        self.answer_win(ctx, a)
    }

    /// WIN transactions end with their answer: none is open at shutdown but a held
    /// trigger's, which [`QueryUser::shutdown`] answers first.
    fn end_at_shutdown(&mut self, ctx: &mut Ctx<'_>, d: DialogueId) {
        if ctx.tcap.end(d, EndKind::Basic, ctx.now).is_err() {
            let _ = ctx.tcap.u_abort(d, None, ctx.now);
        }
    }
}
