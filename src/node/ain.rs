//! AIN dialogues between a wireline SSP and scpd as SCP (Telcordia GR-1298 call models,
//! GR-1299 messages) over ANSI TCAP (T1.114), and the mapping to the service model through
//! [`crate::ain::map`]. Like [`super::camel`], a TC-user: it sees dialogues, indications and
//! components, never wire formats.
//!
//! A QueryWithPermission carrying a trigger (Info_Collected, Info_Analyzed,
//! Origination_Attempt, Network_Busy, Termination_Attempt) becomes a service trigger:
//!
//! - not monitored: the answer (Analyze_Route / Forward_Call for a routing number,
//!   Disconnect for a release, Continue / Authorize_Termination otherwise) in a Response;
//! - monitored, AIN 0.2: Request_Report_BCM_Event arming answer as EDP-N and the call's
//!   outcomes (busy, no answer, abandon, disconnect) as EDP-R, with the answer, in a
//!   ConversationWithPermission. Each event report is published; an EDP-R ending the call
//!   is answered with Continue (Authorize_Termination's counterpart on the T_BCM is also
//!   Continue, GR-1299 §5) in a Response (or a Conversation granting permission when the SSP
//!   withheld it);
//! - monitored, AIN 0.1 (parameter-set arguments, no EDPs): Send_Notification with the answer
//!   in a Response; the SSP's Termination_Notification, in a later package of its own,
//!   carries our EchoData back and ends the call.
//!
//! Dialogues that end otherwise (Abort, P-Abort, SCCP return, idle timeout) publish
//! DIALOGUE_ABORTED or DIALOGUE_TIMED_OUT, as for CAMEL.

use super::{Effects, Fault, Node};
use crate::ain::{self, map, AinMessage, Operation as AinOp};
use crate::ber::Tlv;
use crate::service::{Call, CallState, Decision, Instruction};
use crate::tcap::ansi::{ErrorCode, OpCode};
use crate::tcap::sm::{EndKind, Invoke};
use crate::tcap::tc::{Component, DialogueId, Indication, OpClass, Operation, Problem};
use std::time::Instant;

/// A followed AIN call, kept with its dialogue.
#[derive(Debug)]
pub(crate) struct AinDialogue {
    call: Call,
    form: ain::ArgumentForm,
}

/// Class of an operation the SSP invokes: none expects a result from us (GR-1299 answers
/// with operations of its own), so every one is class 4.
pub(super) fn class_of(_op: &Operation) -> OpClass {
    OpClass::Class4
}

/// The AIN message of an Invoke, or the Reject problem that answers it.
fn decode<'a>(op: &Operation, parameter: Option<&'a [u8]>) -> Result<AinMessage<'a>, Problem> {
    let code = match op {
        Operation::Private(c) => OpCode::Private(*c),
        Operation::National(c) => OpCode::National(*c),
        _ => return Err(Problem::UnrecognizedOperation),
    };
    let p = match parameter.map(Tlv::parse_single) {
        Some(Ok(t)) => Some(t),
        Some(Err(_)) => return Err(Problem::InvokeMistypedParameter),
        None => None,
    };
    ain::ain(code, p).map_err(|e| Problem::from_ansi(e.problem()))
}

/// An Invoke of `m` (GR-1299 operations are sent as class 2: errors only).
fn invoke(node: &Node, m: &AinMessage<'_>) -> Result<Invoke, Fault> {
    let mut p = Vec::with_capacity(48);
    m.encode_parameter_to(&mut p)
        .map_err(|e| Fault::Ain(e.to_string()))?;
    Ok(Invoke {
        op: Operation::Private(m.op.code()),
        class: OpClass::Class2,
        timeout: node.invoke_timeout,
        parameter: Some(p),
        linked_id: None,
    })
}

/// End the dialogue with what is queued: a Response when the SSP gave permission, else a
/// ConversationWithPermission so that the SSP closes it.
fn finish(node: &mut Node, d: DialogueId, permission: bool, now: Instant) -> Result<(), Fault> {
    if permission {
        node.ansi.end(d, EndKind::Basic, now)?;
    } else {
        node.ansi.set_permission(d, true)?;
        node.ansi.continue_(d, now)?;
    }
    Ok(())
}

/// One TCAP indication for the AIN SSN (see [`super::camel::indication`]).
pub(super) fn indication(
    node: &mut Node,
    ind: &Indication,
    rejects_queued: bool,
    now: Instant,
    now_ms: i64,
    fx: &mut Effects,
) -> Result<(), Fault> {
    match ind {
        Indication::Begin {
            dialogue,
            permission,
            components,
            ..
        } => query(
            node,
            *dialogue,
            *permission,
            components,
            rejects_queued,
            now,
            now_ms,
            fx,
        ),
        Indication::Continue {
            dialogue,
            permission,
            components,
            ..
        } => events(
            node,
            *dialogue,
            Some(*permission),
            components,
            rejects_queued,
            now,
            now_ms,
            fx,
        ),
        Indication::End {
            dialogue,
            components,
        } => events(node, *dialogue, None, components, false, now, now_ms, fx),
        Indication::Uni { components, .. } => {
            for c in components {
                if let Component::Invoke { op, parameter, .. } = c {
                    if let Ok(m) = decode(op, parameter.as_deref()) {
                        notification(node, &m, now_ms, fx);
                    }
                }
            }
            Ok(())
        }
        Indication::UAbort { dialogue, reason } => {
            tracing::info!(dialogue = dialogue.0, ?reason, "SSP aborted the dialogue");
            closed(node, *dialogue, CallState::Aborted, now_ms, fx);
            Ok(())
        }
        Indication::PAbort { dialogue, cause } => {
            tracing::warn!(
                dialogue = dialogue.0,
                ?cause,
                "AIN dialogue provider-aborted"
            );
            closed(node, *dialogue, CallState::Aborted, now_ms, fx);
            Ok(())
        }
        Indication::Notice { dialogue, cause } => {
            tracing::warn!(
                dialogue = dialogue.0,
                cause,
                "SCCP returned our AIN message"
            );
            let _ = node.ansi.abort_local(*dialogue);
            closed(node, *dialogue, CallState::Aborted, now_ms, fx);
            Ok(())
        }
        Indication::Timeout { dialogue } => {
            closed(node, *dialogue, CallState::TimedOut, now_ms, fx);
            Ok(())
        }
        Indication::LCancel { .. } => Ok(()),
        Indication::LReject {
            dialogue, problem, ..
        } => {
            tracing::warn!(
                dialogue = dialogue.0,
                ?problem,
                "rejecting a component of the SSP"
            );
            Ok(())
        }
        Indication::RReject {
            dialogue, problem, ..
        } => {
            tracing::warn!(dialogue = dialogue.0, ?problem, "SSP rejected a component");
            Ok(())
        }
    }
}

/// A followed call's dialogue closed otherwise than by the call ending.
fn closed(node: &mut Node, d: DialogueId, state: CallState, now_ms: i64, fx: &mut Effects) {
    let call = node.ain_calls.remove(&d).map(|c| c.call);
    if let Some(mut call) = call.or_else(|| node.unhold((true, d))) {
        fx.events.push(node.engine.state(&mut call, state, now_ms));
    }
}

/// The 6-octet EchoData naming an AIN 0.1 monitored call (a counter, so unique per node).
fn echo_of(n: u64) -> [u8; 6] {
    let b = n.to_be_bytes();
    [b[2], b[3], b[4], b[5], b[6], b[7]]
}

/// Most AIN 0.1 calls awaiting their Termination_Notification; the oldest are forgotten
/// first (an SSP that never reports must not grow the table without bound).
fn notify_limit(node: &Node) -> usize {
    node.cfg.max_dialogues.max(1)
}

/// Termination_Notification (AIN 0.1): the monitored call with this EchoData ended.
fn notification(node: &mut Node, m: &AinMessage<'_>, now_ms: i64, fx: &mut Effects) -> bool {
    if m.op != AinOp::TerminationNotification {
        return false;
    }
    let Some(mut call) = m.arg.echo_data.and_then(|e| node.ain_notify.remove(&e)) else {
        tracing::warn!("Termination_Notification for no call we follow");
        return true;
    };
    if let Some(s) = map::call_state(m) {
        fx.events.push(node.engine.state(&mut call, s, now_ms));
    }
    true
}

/// A TC-QUERY: the SSP's trigger.
#[allow(clippy::too_many_arguments)]
fn query(
    node: &mut Node,
    d: DialogueId,
    permission: bool,
    components: &[Component],
    rejects_queued: bool,
    now: Instant,
    now_ms: i64,
    fx: &mut Effects,
) -> Result<(), Fault> {
    let mut found = None;
    let mut fault: Option<(Option<i8>, Problem, String)> = None;
    for c in components {
        match c {
            Component::Invoke {
                invoke_id,
                op,
                parameter,
                ..
            } => match decode(op, parameter.as_deref()) {
                Ok(m) if notification(node, &m, now_ms, fx) => {}
                Ok(m) if m.op.is_trigger() && found.is_none() => found = Some(m),
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
    let Some(m) = found.filter(|_| fault.is_none()) else {
        let reason = match fault {
            Some((id, problem, reason)) => {
                node.ansi.reject(d, id, problem)?;
                reason
            }
            // A notification alone: nothing to answer.
            None if !rejects_queued => {
                if permission {
                    node.ansi.end(d, EndKind::Prearranged, now)?;
                }
                return Ok(());
            }
            None => "query with a malformed component".into(),
        };
        finish(node, d, permission, now)?;
        return Err(Fault::Ain(reason));
    };
    let Some(trigger) = map::trigger(&m) else {
        unreachable!("is_trigger operations map to a trigger");
    };
    let (call, decision) = node.engine.trigger(trigger, now_ms, &mut fx.events);
    let held = Held {
        op: m.op,
        form: m.form,
        called: m.arg.called_party_id,
        permission,
    };
    match decision {
        Decision::Now(instruction) => answer(node, d, call, instruction, held, now),
        Decision::Pending(event) => {
            node.hold((true, d), call, event, Held::into(held), now, fx);
            Ok(())
        }
    }
}

/// What answering a trigger later needs of it (while the data-session server decides).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Held {
    op: AinOp,
    form: ain::ArgumentForm,
    called: Option<ain::AinDigits>,
    permission: bool,
}

impl From<Held> for super::HeldAnswer {
    fn from(h: Held) -> Self {
        super::HeldAnswer::Ain(h)
    }
}

/// Answer a trigger with `instruction` (see the module doc).
pub(super) fn answer(
    node: &mut Node,
    d: DialogueId,
    call: Call,
    instruction: Instruction,
    h: Held,
    now: Instant,
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
    if m.form == ain::ArgumentForm::Set && answer.op == AinOp::Continue {
        // AIN 0.1 has no Continue: route on the number the SSP analysed.
        if let Some(called) = m.arg.called_party_id {
            answer = ain::analyze_route(called).with_form(m.form);
        }
    }
    if instruction != Instruction::Monitor {
        node.ansi.invoke(d, invoke(node, &answer)?)?;
        return finish(node, d, permission, now);
    }
    if m.form == ain::ArgumentForm::Set {
        // AIN 0.1: no EDPs; the SSP reports the end with Termination_Notification.
        node.ain_echo = node.ain_echo.wrapping_add(1);
        let echo = echo_of(node.ain_echo);
        let notify = ain::send_notification(echo).with_form(m.form);
        node.ansi.invoke(d, invoke(node, &notify)?)?;
        node.ansi.invoke(d, invoke(node, &answer)?)?;
        while node.ain_notify.len() >= notify_limit(node) {
            node.ain_notify.pop_first();
        }
        node.ain_notify.insert(echo, call);
        return finish(node, d, permission, now);
    }
    let (request, notification) = map::monitor_edps(map::direction(m.op));
    let arm = ain::request_report_bcm_event(request, notification).with_form(m.form);
    node.ansi.invoke(d, invoke(node, &arm)?)?;
    node.ansi.invoke(d, invoke(node, &answer)?)?;
    node.ansi.set_permission(d, true)?;
    node.ansi.continue_(d, now)?;
    node.ain_calls.insert(d, AinDialogue { call, form: m.form });
    Ok(())
}

/// A TC-CONVERSATION (`permission` given) or TC-RESPONSE (`None`) of a followed call: its
/// event reports.
#[allow(clippy::too_many_arguments)]
fn events(
    node: &mut Node,
    d: DialogueId,
    permission: Option<bool>,
    components: &[Component],
    rejects_queued: bool,
    now: Instant,
    now_ms: i64,
    fx: &mut Effects,
) -> Result<(), Fault> {
    let Some(c) = node.ain_calls.get_mut(&d) else {
        if permission.is_some() {
            node.ansi.u_abort(d, None, now)?;
        }
        return Err(Fault::UnknownTransaction(format!("{:08x}", d.0)));
    };
    // An EDP-R report suspends the call until we answer; one that ends the call ends the
    // relationship too.
    let mut waiting = false;
    let mut ends = false;
    let mut rejected = false;
    for comp in components {
        match comp {
            Component::Invoke {
                invoke_id,
                op,
                parameter,
                ..
            } => match decode(op, parameter.as_deref()) {
                Ok(m) => {
                    let Some(state) = map::call_state(&m) else {
                        if permission.is_some() {
                            node.ansi
                                .reject(d, *invoke_id, Problem::UnrecognizedOperation)?;
                            rejected = true;
                        }
                        continue;
                    };
                    fx.events
                        .push(node.engine.state(&mut c.call, state, now_ms));
                    waiting |= !m.is_notification();
                    ends |= !matches!(state, CallState::Answered);
                }
                Err(p) if permission.is_some() => {
                    node.ansi.reject(d, *invoke_id, p)?;
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
    let Some(permission) = permission else {
        // Response: the SSP closed the relationship.
        node.ain_calls.remove(&d);
        return Ok(());
    };
    if waiting {
        let m = ain::continue_call().with_form(c.form);
        let inv = invoke(node, &m)?;
        node.ansi.invoke(d, inv)?;
        if ends {
            node.ain_calls.remove(&d);
            return finish(node, d, permission, now);
        }
        node.ansi.continue_(d, now)?;
    } else if rejected || rejects_queued {
        node.ansi.continue_(d, now)?;
    }
    Ok(())
}

/// Shutdown: end a followed call's dialogue so the SSP is not left waiting (with a
/// Response if it let us, else an Abort).
pub(super) fn end_at_shutdown(node: &mut Node, d: DialogueId, now: Instant) {
    if node.ansi.end(d, EndKind::Basic, now).is_err() {
        let _ = node.ansi.u_abort(d, None, now);
    }
}
