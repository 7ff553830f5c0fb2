//! AIN dialogues between a wireline SSP and scpd as SCP (Telcordia GR-1298 call models,
//! GR-1299 messages) over ANSI TCAP (T1.114), and the mapping to the service model through
//! [`super::ain_map`]. Like [`super::camel`], a TC-user: it sees dialogues, indications and
//! components, never wire formats.
//!
//! A QueryWithPermission carrying a trigger (Info_Collected, Info_Analyzed,
//! Origination_Attempt, Network_Busy, Termination_Attempt) becomes a service trigger:
//!
//! - not monitored: the answer (Analyze_Route / Forward_Call for a routing number,
//!   Disconnect for a release, Continue / Authorize_Termination otherwise) in a Response,
//!   in either release;
//! - monitored, AIN 0.2: Request_Report_BCM_Event arming answer as EDP-N and the call's
//!   outcomes (busy, no answer, abandon, disconnect) as EDP-R, with the answer, in a
//!   ConversationWithPermission. Each event report is published; an EDP-R is answered with
//!   an operation its LINKED list in GR-1299 permits: Disconnect after O_Disconnect,
//!   T_Disconnect, O_Abandon and Failure_Outcome (Continue is not among theirs), Continue
//!   after busy, no answer and Timeout. One that ends the call ends the dialogue with a
//!   Response (or a Conversation granting permission when the SSP withheld it);
//! - monitored, AIN 0.1: Send_Notification with the answer in a Response; the SSP's
//!   Termination_Notification, in a later package of its own, carries our EchoData back
//!   and ends the call.
//!
//! Every operation answering an invoke carries its invoke id as correlation id (T1.114.3
//! component ID), and all but the last of them go as InvokeNotLast, so the SSP knows the
//! answer is complete only with the final one. The release is provisioned
//! ([`ain::Release`]); the argument element (`F2` or `30`) of the query is mirrored.
//!
//! Dialogues that end otherwise (Abort, P-Abort, SCCP return, idle timeout) publish
//! DIALOGUE_ABORTED or DIALOGUE_TIMED_OUT, as for CAMEL.

use super::ain_map as map;
use super::{finish, Answering, Ctx, Dialogues, Fault, Note, QueryUser, User};
use crate::ain::{self, AinMessage, Operation as AinOp};
use crate::ber::{MalformedMembers, Tlv};
use crate::service::{Call, CallState, Instruction, MalformedMember};
use crate::tcap::ansi::{ErrorCode, OpCode};
use crate::tcap::dialogues::Shards;
use crate::tcap::sm::{EndKind, Invoke};
use crate::tcap::tc::{Component, DialogueId, Indication, OpClass, Operation, Problem};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// What scpd must be told about its AIN SSPs, since no message says it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AinSettings {
    /// How monitored calls are followed.
    pub release: ain::Release,
    /// The AMAslpID every Analyze_Route carries (GR-1299's AnalyzeRouteArg has it
    /// mandatory): the service logic the SSP's AMA (billing) record names.
    pub ama_slp_id: ain::AmaSlpId,
}

impl Default for AinSettings {
    fn default() -> AinSettings {
        AinSettings {
            release: ain::Release::V0_2,
            ama_slp_id: ain::AmaSlpId("000000000".parse().expect("9 digits")),
        }
    }
}

/// The AIN TC-user of one stack.
pub struct Ain {
    /// Followed calls, with the argument element (`F2` set, `30` sequence) their SSP uses.
    dialogues: Dialogues<ain::ArgumentForm, Held>,
    /// How calls are monitored: the SSPs' release.
    release: ain::Release,
    ama_slp_id: ain::AmaSlpId,
    /// AIN 0.1 monitored calls awaiting Termination_Notification, by EchoData.
    notify: BTreeMap<[u8; 6], Call>,
    /// The last EchoData number given out.
    echo: u64,
    /// Most AIN 0.1 calls awaiting their Termination_Notification; the oldest are
    /// forgotten first (an SSP that never reports must not grow the table without bound).
    notify_limit: usize,
    invoke_timeout: Duration,
    /// This stack's shard: its index is the first octet of the EchoData it gives out, so a
    /// Termination_Notification (which comes in a dialogue of its own, to any shard)
    /// finds the shard that follows its call.
    shards: Shards,
}

/// Class of an operation the SSP invokes: none expects a result from us (GR-1299 answers
/// with operations of its own), so every one is class 4.
pub fn class_of(_op: &Operation) -> OpClass {
    OpClass::Class4
}

/// The AIN message of an Invoke, or the Reject problem that answers it; optional
/// parameters that do not decode are left out and noted in `malformed` (cleared first).
fn decode<'a>(
    op: &Operation,
    parameter: Option<&'a [u8]>,
    malformed: &mut MalformedMembers<'a>,
) -> Result<AinMessage<'a>, Problem> {
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
    ain::ain_lenient(code, p, malformed).map_err(|e| Problem::from_ansi(e.problem()))
}

/// An Invoke of `m` (GR-1299 operations are sent as class 2: errors only) answering the
/// SSP's invoke `linked`; `last`: no more answers to it follow.
fn invoke(
    timeout: Duration,
    m: &AinMessage<'_>,
    linked: Option<i8>,
    last: bool,
) -> Result<Invoke, Fault> {
    let mut p = Vec::with_capacity(48);
    m.encode_parameter_to(&mut p)
        .map_err(|e| Fault::Ain(e.to_string()))?;
    Ok(Invoke {
        op: Operation::Private(m.op.code()),
        class: OpClass::Class2,
        timeout,
        parameter: Some(p),
        linked_id: linked,
        last,
    })
}

/// The 6-octet EchoData naming an AIN 0.1 monitored call: the shard, then a counter (so
/// unique per node).
fn echo_of(shard: u32, n: u64) -> [u8; 6] {
    let b = n.to_be_bytes();
    [shard as u8, b[3], b[4], b[5], b[6], b[7]]
}

/// What answering a trigger later needs of it (while the data-session server decides).
#[derive(Debug, Clone, Copy)]
pub struct Held {
    op: AinOp,
    /// The query's invoke id: what the answers correlate with.
    invoke_id: Option<i8>,
    form: ain::ArgumentForm,
    called: Option<ain::AinDigits>,
    permission: bool,
}

impl Ain {
    /// `notify_limit`: most AIN 0.1 calls awaiting Termination_Notification.
    pub fn new(
        settings: &AinSettings,
        invoke_timeout: Duration,
        decision_deadline: Duration,
        notify_limit: usize,
        shards: Shards,
    ) -> Ain {
        Ain {
            // AIN has no ResetTimer: the SSP's T1 bounds the decision.
            dialogues: Dialogues::new(User::Ain, decision_deadline, None),
            release: settings.release,
            ama_slp_id: settings.ama_slp_id,
            notify: BTreeMap::new(),
            echo: 0,
            notify_limit: notify_limit.max(1),
            invoke_timeout,
            shards,
        }
    }

    /// A new decision deadline (a configuration reload).
    pub fn set_deadline(&mut self, decision_deadline: Duration) {
        self.dialogues.set_timing(decision_deadline, None);
    }

    /// Calls followed (AIN 0.2 dialogues and AIN 0.1 calls awaiting their notification).
    pub fn followed(&self) -> usize {
        self.dialogues.followed() + self.notify.len()
    }

    /// Triggers waiting for a decision.
    pub fn pending(&self) -> usize {
        self.dialogues.pending()
    }

    /// When [`Ain::on_timeout`] next has something to do.
    pub fn next_deadline(&self) -> Option<Instant> {
        self.dialogues.next_deadline()
    }

    /// One TCAP indication for the AIN SSN (see [`super::camel::Camel::indication`]).
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
            } => self.query(ctx, *dialogue, *permission, components, rejects_queued),
            Indication::Continue {
                dialogue,
                permission,
                components,
                ..
            } => self.events(
                ctx,
                *dialogue,
                Some(*permission),
                components,
                rejects_queued,
            ),
            Indication::End {
                dialogue,
                components,
            } => self.events(ctx, *dialogue, None, components, false),
            Indication::Uni { components, .. } => {
                for c in components {
                    if let Component::Invoke { op, parameter, .. } = c {
                        if let Ok(m) = decode(op, parameter.as_deref(), &mut Vec::new()) {
                            self.notification(ctx, &m);
                        }
                    }
                }
                Ok(())
            }
            other => {
                self.ended(ctx, other);
                Ok(())
            }
        }
    }

    /// Termination_Notification (AIN 0.1): the monitored call with this EchoData ended.
    /// A call another shard follows is handed to it ([`Note`]).
    fn notification(&mut self, ctx: &mut Ctx<'_>, m: &AinMessage<'_>) -> bool {
        if m.op != AinOp::TerminationNotification {
            return false;
        }
        let Some(echo) = m.arg.echo_data else {
            tracing::warn!("Termination_Notification without EchoData");
            return true;
        };
        let state = map::call_state(m);
        let owner = u32::from(echo[0]);
        if self.shards.count > 1 && owner != self.shards.index && owner < self.shards.count {
            ctx.notes.push(Note {
                shard: owner,
                echo,
                state,
            });
            return true;
        }
        self.notified(ctx, echo, state);
        true
    }

    /// The AIN 0.1 call with EchoData `echo` ended (`state`, when the report said how).
    pub fn notified(&mut self, ctx: &mut Ctx<'_>, echo: [u8; 6], state: Option<CallState>) {
        let Some(mut call) = self.notify.remove(&echo) else {
            tracing::warn!("Termination_Notification for no call we follow");
            return;
        };
        if let Some(s) = state {
            ctx.report(&mut call, s);
        }
    }

    /// A TC-QUERY: the SSP's trigger.
    fn query(
        &mut self,
        ctx: &mut Ctx<'_>,
        d: DialogueId,
        permission: bool,
        components: &[Component],
        rejects_queued: bool,
    ) -> Result<(), Fault> {
        let mut found = None;
        let (mut malformed, mut noted) = (Vec::new(), Vec::new());
        let mut fault: Option<(Option<i8>, Problem, String)> = None;
        for c in components {
            match c {
                Component::Invoke {
                    invoke_id,
                    op,
                    parameter,
                    ..
                } => match decode(op, parameter.as_deref(), &mut malformed) {
                    Ok(m) if self.notification(ctx, &m) => {}
                    Ok(m) if m.op.is_trigger() && found.is_none() => {
                        found = Some((m, *invoke_id));
                        noted = std::mem::take(&mut malformed);
                    }
                    Ok(m) => {
                        fault = Some((
                            *invoke_id,
                            Problem::UnrecognizedOperation,
                            format!("{} in a query", m.op.name()),
                        ))
                    }
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
        let Some((m, invoke_id)) = found.filter(|_| fault.is_none()) else {
            let reason = match fault {
                Some((id, problem, reason)) => {
                    ctx.tcap.reject(d, id, problem)?;
                    reason
                }
                // A notification alone: nothing to answer.
                None if !rejects_queued => {
                    if permission {
                        ctx.tcap.end(d, EndKind::Prearranged, ctx.now)?;
                    }
                    return Ok(());
                }
                None => "query with a malformed component".into(),
            };
            finish(ctx, d, permission)?;
            return Err(Fault::Ain(reason));
        };
        let Some(mut trigger) = map::trigger(&m, self.release) else {
            unreachable!("is_trigger operations map to a trigger");
        };
        trigger.malformed = noted.iter().map(MalformedMember::from_ber).collect();
        let held = Held {
            op: m.op,
            invoke_id,
            form: m.form,
            called: m.arg.called_party_id,
            permission,
        };
        match self.dialogues.trigger(ctx, d, trigger, held, false) {
            Some((call, instruction)) => self.answer_ain(ctx, (d, call, instruction, held)),
            None => Ok(()),
        }
    }

    /// Answer a trigger with its instruction (see the module doc).
    fn answer_ain(
        &mut self,
        ctx: &mut Ctx<'_>,
        (d, call, instruction, h): Answering<Held>,
    ) -> Result<(), Fault> {
        let m = AinMessage::new(
            h.op,
            ain::Arg {
                called_party_id: h.called,
                ..Default::default()
            },
        )
        .with_form(h.form);
        let permission = h.permission;
        let mut answer = map::answer(&m, &instruction).map_err(|e| Fault::Ain(e.to_string()))?;
        if answer.op == AinOp::AnalyzeRoute {
            answer.arg.ama_slp_id = Some(self.ama_slp_id);
        }
        let t = self.invoke_timeout;
        let answer = invoke(t, &answer, h.invoke_id, true)?;
        if instruction != Instruction::Monitor {
            ctx.tcap.invoke(d, answer)?;
            return finish(ctx, d, permission);
        }
        if self.release == ain::Release::V0_1 {
            // AIN 0.1: no EDPs; the SSP reports the end with Termination_Notification.
            self.echo = self.echo.wrapping_add(1);
            let echo = echo_of(self.shards.index, self.echo);
            let notify = ain::send_notification(echo).with_form(m.form);
            ctx.tcap
                .invoke(d, invoke(t, &notify, h.invoke_id, false)?)?;
            ctx.tcap.invoke(d, answer)?;
            while self.notify.len() >= self.notify_limit {
                self.notify.pop_first();
            }
            self.notify.insert(echo, call);
            return finish(ctx, d, permission);
        }
        let (request, notification) = map::monitor_edps(map::direction(m.op));
        let arm = ain::request_report_bcm_event(request, notification).with_form(m.form);
        ctx.tcap.invoke(d, invoke(t, &arm, h.invoke_id, false)?)?;
        ctx.tcap.invoke(d, answer)?;
        ctx.tcap.set_permission(d, true)?;
        ctx.tcap.continue_(d, ctx.now)?;
        self.dialogues.follow(d, call, m.form);
        Ok(())
    }

    /// A TC-CONVERSATION (`permission` given) or TC-RESPONSE (`None`) of a followed call:
    /// its event reports.
    fn events(
        &mut self,
        ctx: &mut Ctx<'_>,
        d: DialogueId,
        permission: Option<bool>,
        components: &[Component],
        rejects_queued: bool,
    ) -> Result<(), Fault> {
        let invoke_timeout = self.invoke_timeout;
        let Some(c) = self.dialogues.get_mut(d) else {
            if permission.is_some() {
                ctx.tcap.u_abort(d, None, ctx.now)?;
            }
            return Err(Fault::UnknownTransaction(format!("{:08x}", d.0)));
        };
        // An EDP-R report suspends the call until we answer it (its invoke id, and the
        // operation its LINKED list permits); one that ends the call ends the relationship.
        let mut waiting: Option<(Option<i8>, AinMessage<'static>)> = None;
        let mut ends = false;
        let mut rejected = false;
        let mut malformed = Vec::new();
        for comp in components {
            match comp {
                Component::Invoke {
                    invoke_id,
                    op,
                    parameter,
                    ..
                } => match decode(op, parameter.as_deref(), &mut malformed) {
                    Ok(m) => {
                        let Some(state) = map::call_state(&m) else {
                            if permission.is_some() {
                                ctx.tcap
                                    .reject(d, *invoke_id, Problem::UnrecognizedOperation)?;
                                rejected = true;
                            }
                            continue;
                        };
                        // Lenient in: a report's optional parameter that does not
                        // decode is noted on its event, and the call goes on.
                        let noted = malformed.iter().map(MalformedMember::from_ber).collect();
                        ctx.report_noting(&mut c.call, state, noted);
                        if !m.is_notification() {
                            waiting = Some((*invoke_id, edp_answer(m.op)));
                        }
                        ends |= !matches!(state, CallState::Answered);
                    }
                    Err(p) if permission.is_some() => {
                        ctx.tcap.reject(d, *invoke_id, p)?;
                        rejected = true;
                    }
                    Err(_) => {}
                },
                Component::ReturnError {
                    invoke_id,
                    error,
                    parameter,
                } => {
                    let code = match error {
                        crate::tcap::tc::ErrorCode::Private(c) => Some(ErrorCode::Private(*c)),
                        crate::tcap::tc::ErrorCode::National(c) => Some(ErrorCode::National(*c)),
                        _ => None,
                    };
                    let report = code.and_then(|e| {
                        let p = parameter.as_deref().and_then(|p| Tlv::parse_single(p).ok());
                        ain::decode_error(e, p).ok()
                    });
                    tracing::warn!(
                        call_id = %c.call.id(),
                        invoke_id,
                        ?report,
                        "SSP reported an error"
                    );
                }
                _ => {}
            }
        }
        let form = c.state;
        let Some(permission) = permission else {
            // Response: the SSP closed the relationship.
            self.dialogues.unfollow(d);
            return Ok(());
        };
        if let Some((linked, m)) = waiting {
            let m = m.with_form(form);
            ctx.tcap
                .invoke(d, invoke(invoke_timeout, &m, linked, true)?)?;
            if ends {
                self.dialogues.unfollow(d);
                return finish(ctx, d, permission);
            }
            ctx.tcap.continue_(d, ctx.now)?;
        } else if rejected || rejects_queued {
            ctx.tcap.continue_(d, ctx.now)?;
        }
        Ok(())
    }
}

/// The answer to an EDP-R report of `op` (GR-1299 LINKED lists): the call is over after a
/// disconnect, an abandon or a failure, and Disconnect is what those lists permit; busy,
/// no answer and Timeout may go on with Continue (default treatment).
fn edp_answer(op: AinOp) -> AinMessage<'static> {
    match op {
        AinOp::ODisconnect | AinOp::TDisconnect | AinOp::OAbandon | AinOp::FailureOutcome => {
            ain::disconnect()
        }
        _ => ain::continue_call(),
    }
}

impl QueryUser for Ain {
    type State = ain::ArgumentForm;
    type Held = Held;
    const PEER: &'static str = "SSP";

    fn core(&mut self) -> &mut Dialogues<ain::ArgumentForm, Held> {
        &mut self.dialogues
    }

    fn answer(&mut self, ctx: &mut Ctx<'_>, a: Answering<Held>) -> Result<(), Fault> {
        self.answer_ain(ctx, a)
    }

    /// A Response if the SSP lets us end, else an Abort.
    fn end_at_shutdown(&mut self, ctx: &mut Ctx<'_>, d: DialogueId) {
        if ctx.tcap.end(d, EndKind::Basic, ctx.now).is_err() {
            let _ = ctx.tcap.u_abort(d, None, ctx.now);
        }
    }
}
