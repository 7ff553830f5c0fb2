//! CAMEL (CAP) dialogues between the gsmSSF and scpd as gsmSCF (TS 23.078 §4.5, TS 29.078),
//! and the mapping between CAP and the protocol-neutral service model. This layer is a
//! TC-user: it sees TCAP dialogues, indications and components ([`crate::tcap::tc`]), never
//! wire formats; [`crate::tcap::sm::Tcap`] does the transaction and component sub-layers
//! (AC negotiation, P-Aborts, Rejects of malformed components, invoke timers, idle timeout).
//!
//! A TC-BEGIN carrying InitialDP becomes a service trigger. Unmonitored calls are answered
//! with Continue in a TC-END. Monitored calls get RequestReportBCSMEvent (answer, busy, no
//! answer and abandon as notifications; disconnect of either leg interrupted, so scpd decides
//! how the relationship ends) + Continue in a TC-CONTINUE; each EventReportBCSM is
//! published, and the interrupted disconnect is answered with Continue in a TC-END. A
//! dialogue that ends otherwise (TC-U-ABORT, TC-P-ABORT, TC-NOTICE, idle timeout) publishes
//! DIALOGUE_ABORTED or DIALOGUE_TIMED_OUT.
//!
//! Operation classes (TS 29.078 §6 ASN.1: which operations have RESULT / ERRORS):
//! RequestReportBCSMEvent and Connect are class 2 (errors only), Continue and ReleaseCall
//! class 4; of the received ones InitialDP and ApplyChargingReport are class 2,
//! EventReportBCSM and CallInformationReport class 4. No result is ever expected either
//! way, so an invoke timer running out (TC-L-CANCEL) means the operation succeeded.

use super::{Effects, Fault, Node};
use crate::ber::{Tag, Tlv, Writer};
use crate::camel::{
    opcode, AddressString, BcsmEvent, CellIdOrLai, EventReportBcsmArg, EventTypeBcsm, InitialDpArg,
    IsupNumber, LegId, LegType, MonitorMode, Phase, RequestReportBcsmEventArg,
};
use crate::service::{
    Call, CallState, CompactString, Decision, Direction, Instruction, Location, Party, Protocol,
    Trigger,
};
use crate::tcap::sm::{EndKind, Invoke};
use crate::tcap::tc::{AppContext, Component, DialogueId, Indication, OpClass, Operation, Problem};
use std::time::Instant;

/// Per-dialogue state kept while a monitored call runs.
#[derive(Debug)]
pub(crate) struct CapDialogue {
    call: Call,
}

/// Class of an operation the gsmSSF invokes (for the component sub-layer: none of them
/// expects a result from us).
pub(super) fn class_of(op: &Operation) -> OpClass {
    match op {
        Operation::Local(v) if *v == i64::from(opcode::EVENT_REPORT_BCSM) => OpClass::Class4,
        Operation::Local(v) if *v == i64::from(opcode::CALL_INFORMATION_REPORT) => OpClass::Class4,
        _ => OpClass::Class2,
    }
}

fn local(op: u32) -> Operation {
    Operation::Local(i64::from(op))
}

fn is_op(op: &Operation, code: u32) -> bool {
    *op == local(code)
}

fn version_name(phase: Option<Phase>) -> &'static str {
    match phase {
        Some(Phase::Cap1) | None => "CAP v1",
        Some(Phase::Cap2) => "CAP v2",
        Some(Phase::Cap3) => "CAP v3",
        Some(Phase::Cap4) => "CAP v4",
    }
}

/// The events armed for a monitored call (TS 29.078 §8.1 RequestReportBCSMEvent), the way
/// real gsmSCFs arm them (cf. camel.pcap): notifications for the outcomes we only report,
/// interrupted disconnect on both legs. CAMEL phase 1 (CAP v1, no AC) has only the answer
/// and disconnect DPs (GSM 03.78 §4.2.2: O/T_Answer EDP-N, O/T_Disconnect EDP-N/EDP-R);
/// busy, no answer, route-select failure and abandon come with phase 2.
fn armed_events(direction: Direction, phase: Option<Phase>) -> ([BcsmEvent<'static>; 7], usize) {
    use MonitorMode::{Interrupted as R, NotifyAndContinue as N};
    let leg = |l| Some(LegId::SendingSide(l));
    let (l1, l2) = (LegType::LEG1, LegType::LEG2);
    let ev = |t: u8, m, l| BcsmEvent::new(EventTypeBcsm(t), m, l);
    let unused = ev(0, N, None);
    let phase1 = matches!(phase, None | Some(Phase::Cap1));
    match (direction == Direction::Terminating, phase1) {
        (true, true) => (
            [
                ev(15, N, leg(l2)), // tAnswer
                ev(17, R, leg(l1)), // tDisconnect, calling side
                ev(17, R, leg(l2)), // tDisconnect, called side
                unused,
                unused,
                unused,
                unused,
            ],
            3,
        ),
        (true, false) => (
            [
                ev(13, N, leg(l2)), // tBusy
                ev(14, N, leg(l2)), // tNoAnswer
                ev(15, N, leg(l2)), // tAnswer
                ev(17, R, leg(l1)), // tDisconnect, calling side
                ev(17, R, leg(l2)), // tDisconnect, called side
                ev(18, N, leg(l1)), // tAbandon
                unused,
            ],
            6,
        ),
        (false, true) => (
            [
                ev(7, N, leg(l2)), // oAnswer
                ev(9, R, leg(l1)), // oDisconnect, calling side
                ev(9, R, leg(l2)), // oDisconnect, called side
                unused,
                unused,
                unused,
                unused,
            ],
            3,
        ),
        (false, false) => (
            [
                ev(4, N, leg(l2)),  // routeSelectFailure
                ev(5, N, leg(l2)),  // oCalledPartyBusy
                ev(6, N, leg(l2)),  // oNoAnswer
                ev(7, N, leg(l2)),  // oAnswer
                ev(9, R, leg(l1)),  // oDisconnect, calling side
                ev(9, R, leg(l2)),  // oDisconnect, called side
                ev(10, N, leg(l1)), // oAbandon
            ],
            7,
        ),
    }
}

fn isup_party(n: &IsupNumber) -> Party {
    Party {
        digits: n.digits.text().as_str().into(),
        nature: n.nature,
        noa: crate::service::isup_nature(n.nature),
        plan: n.plan,
        presentation: n.presentation,
    }
}

fn address_party(a: &AddressString) -> Party {
    Party {
        digits: a.digits.text().as_str().into(),
        nature: a.nature,
        noa: crate::service::address_nature(a.nature),
        plan: a.plan,
        presentation: 0,
    }
}

/// InitialDP → protocol-neutral trigger (TS 29.078 §6.1.1 / TS 23.078 §4.6.1.8).
pub(crate) fn to_trigger(idp: &InitialDpArg<'_>, phase: Option<Phase>) -> Trigger {
    let event = idp.event_type_bcsm;
    let direction = match event {
        Some(e) if e.is_terminating() => Direction::Terminating,
        _ => Direction::Originating,
    };
    let location = idp.location_information.as_ref().map(|l| {
        let mut loc = Location::default();
        if let Some(c) = l.cell_id_or_lai {
            let p = c.plmn();
            loc.mcc = compact_str::format_compact!("{:03}", p.mcc);
            loc.mnc = if p.mnc_3_digits {
                compact_str::format_compact!("{:03}", p.mnc)
            } else {
                compact_str::format_compact!("{:02}", p.mnc)
            };
            loc.lac = c.lac();
            if let CellIdOrLai::CellId { ci, .. } = c {
                loc.cell_id = ci;
            }
        }
        if let Some(v) = &l.vlr_number {
            loc.vlr = v.digits.text().as_str().into();
        }
        loc
    });
    Trigger {
        protocol: Protocol::Camel,
        version: version_name(phase),
        direction,
        trigger: event.and_then(|e| e.name()).unwrap_or("unspecified"),
        service_key: idp.service_key,
        calling: idp.calling_party_number.as_ref().map(isup_party),
        called: idp
            .called_party_number
            .as_ref()
            .map(isup_party)
            .or_else(|| idp.called_party_bcd_number.as_ref().map(address_party)),
        original_called: idp.original_called_party_id.as_ref().map(isup_party),
        redirecting: idp.redirecting_party_id.as_ref().map(isup_party),
        location_number: idp.location_number.as_ref().map(isup_party),
        imsi: idp.imsi.map(|i| i.text().as_str().into()),
        // CAP v3+ carry the IMEI in initialDPArgExtension (TS 29.078 §6.1.1, iMEI [4]).
        imei: phase
            .and_then(|p| idp.extension(p))
            .and_then(Result::ok)
            .and_then(|x| x.imei)
            .map(|i| i.text().as_str().into()),
        switch_address: idp.msc_address.as_ref().map(address_party),
        location,
        call_reference: idp.call_reference_number.map(hex),
    }
}

/// Octets as lower-case hex (call reference numbers are at most 8 octets: inline).
fn hex(b: &[u8]) -> CompactString {
    use std::fmt::Write;
    let mut s = CompactString::default();
    for x in b {
        let _ = write!(s, "{x:02x}");
    }
    s
}

/// EventReportBCSM → call-state change (TS 29.078 §8.3).
fn to_state(er: &EventReportBcsmArg<'_>) -> Option<CallState> {
    let cause = er
        .event_specific_information
        .as_ref()
        .and_then(|i| i.cause())
        .map(|c| c.value);
    Some(match er.event_type.0 {
        4 => CallState::RouteSelectFailure(cause),
        5 | 13 => CallState::Busy(cause),
        6 | 14 => CallState::NoAnswer,
        7 | 15 => CallState::Answered,
        9 | 17 => CallState::Disconnected(cause),
        10 | 18 => CallState::Abandoned,
        _ => return None,
    })
}

/// The Invoke carrying a final routing instruction.
fn instruction_invoke(node: &Node, instruction: Instruction) -> Invoke {
    let mut p = Vec::with_capacity(32);
    let (op, class) = match instruction {
        Instruction::Continue | Instruction::Monitor => (opcode::CONTINUE, OpClass::Class4),
        Instruction::Connect(_) => (opcode::CONNECT, OpClass::Class2),
        Instruction::Release(_) => (opcode::RELEASE_CALL, OpClass::Class4),
    };
    write_argument(&mut Writer::new(&mut p), instruction);
    Invoke {
        op: local(op),
        class,
        timeout: node.invoke_timeout,
        parameter: (!p.is_empty()).then_some(p),
        linked_id: None,
    }
}

fn continue_invoke(node: &Node) -> Invoke {
    Invoke {
        op: local(opcode::CONTINUE),
        class: OpClass::Class4,
        timeout: node.invoke_timeout,
        parameter: None,
        linked_id: None,
    }
}

/// One TCAP indication for the CAMEL SSN. `rejects_queued`: the component sub-layer found
/// components of this dialogue wrong and queued Rejects for its next message.
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
            ac,
            components,
            ..
        } => begin(
            node,
            *dialogue,
            ac.as_ref(),
            components,
            rejects_queued,
            now,
            now_ms,
            fx,
        ),
        Indication::Continue {
            dialogue,
            components,
            ..
        } => subsequent(
            node,
            *dialogue,
            components,
            false,
            rejects_queued,
            now,
            now_ms,
            fx,
        ),
        Indication::End {
            dialogue,
            components,
        } => subsequent(node, *dialogue, components, true, false, now, now_ms, fx),
        Indication::UAbort { dialogue, reason } => {
            tracing::info!(
                dialogue = dialogue.0,
                ?reason,
                "switch aborted the dialogue"
            );
            closed(node, *dialogue, CallState::Aborted, now_ms, fx);
            Ok(())
        }
        Indication::PAbort { dialogue, cause } => {
            tracing::warn!(dialogue = dialogue.0, ?cause, "dialogue provider-aborted");
            closed(node, *dialogue, CallState::Aborted, now_ms, fx);
            Ok(())
        }
        Indication::Notice { dialogue, cause } => {
            // SCCP could not deliver our message: the switch is out of reach, so the
            // relationship is over. Close without sending (an Abort would come back too).
            tracing::warn!(dialogue = dialogue.0, cause, "SCCP returned our message");
            let _ = node.tcap.abort_local(*dialogue);
            closed(node, *dialogue, CallState::Aborted, now_ms, fx);
            Ok(())
        }
        Indication::Timeout { dialogue } => {
            closed(node, *dialogue, CallState::TimedOut, now_ms, fx);
            Ok(())
        }
        Indication::LCancel {
            dialogue,
            invoke_id,
        } => {
            // Class 2 and 4: no error within the timer, the operation succeeded.
            tracing::debug!(dialogue = dialogue.0, invoke_id, "invoke timer expired");
            Ok(())
        }
        Indication::LReject {
            dialogue,
            invoke_id,
            problem,
        } => {
            tracing::warn!(
                dialogue = dialogue.0,
                ?invoke_id,
                ?problem,
                "rejecting a component of the switch"
            );
            Ok(())
        }
        Indication::RReject {
            dialogue,
            invoke_id,
            problem,
        } => {
            let call_id = node.calls.get(dialogue).map(|c| c.call.id().to_string());
            tracing::warn!(
                dialogue = dialogue.0,
                ?call_id,
                ?invoke_id,
                ?problem,
                "switch rejected a component"
            );
            Ok(())
        }
        Indication::Uni { .. } => Err(Fault::Ignored("Unidirectional")),
    }
}

/// A followed call's dialogue closed otherwise than by the call ending: publish why.
fn closed(node: &mut Node, d: DialogueId, state: CallState, now_ms: i64, fx: &mut Effects) {
    let call = node.calls.remove(&d).map(|c| c.call);
    if let Some(mut call) = call.or_else(|| node.unhold((false, d))) {
        fx.events.push(node.engine.state(&mut call, state, now_ms));
    }
}

/// TC-BEGIN: the gsmSSF opens with InitialDP (TS 29.078 §14.1).
#[allow(clippy::too_many_arguments)]
fn begin(
    node: &mut Node,
    d: DialogueId,
    ac: Option<&AppContext>,
    components: &[Component],
    rejects_queued: bool,
    now: Instant,
    now_ms: i64,
    fx: &mut Effects,
) -> Result<(), Fault> {
    // TCAP accepted the AC by the SSN's policy; no AC is CAP v1.
    let phase = match ac {
        Some(AppContext::Oid(o)) => Phase::from_ac(o),
        _ => None,
    };
    let mut idp = None;
    let mut fault: Option<(Option<i8>, Problem, String)> = None;
    for c in components {
        match c {
            Component::Invoke {
                invoke_id,
                op,
                parameter,
                ..
            } if is_op(op, opcode::INITIAL_DP) && idp.is_none() => {
                match parameter
                    .as_deref()
                    .map(|p| Tlv::parse_single(p).map(InitialDpArg::decode))
                {
                    Some(Ok(Ok(a))) => idp = Some(a),
                    Some(Ok(Err(e))) => {
                        fault = Some((*invoke_id, Problem::InvokeMistypedParameter, e.to_string()))
                    }
                    Some(Err(e)) => {
                        fault = Some((*invoke_id, Problem::InvokeMistypedParameter, e.to_string()))
                    }
                    None => {
                        fault = Some((
                            *invoke_id,
                            Problem::InvokeMistypedParameter,
                            "InitialDP without argument".into(),
                        ))
                    }
                }
            }
            Component::Invoke { invoke_id, op, .. } => {
                fault = Some((
                    *invoke_id,
                    Problem::UnrecognizedOperation,
                    format!("operation {op:?} in TC-BEGIN"),
                ))
            }
            other => {
                fault = Some((
                    None,
                    Problem::UnrecognizedComponent,
                    format!("{other:?} in TC-BEGIN"),
                ))
            }
        }
        if fault.is_some() {
            break;
        }
    }
    let Some(idp) = idp.filter(|_| fault.is_none()) else {
        let reason = match fault {
            Some((invoke_id, problem, reason)) => {
                node.tcap.reject(d, invoke_id, problem)?;
                reason
            }
            None if rejects_queued => "TC-BEGIN with a malformed component".into(),
            None => {
                node.tcap.reject(d, None, Problem::UnrecognizedComponent)?;
                "TC-BEGIN without InitialDP".into()
            }
        };
        // TC-END with the AARE and the Reject.
        node.tcap.end(d, EndKind::Basic, now)?;
        return Err(Fault::Cap(reason));
    };

    let trigger = to_trigger(&idp, phase);
    let held = Held {
        direction: trigger.direction,
        phase,
    };
    let (call, decision) = node.engine.trigger(trigger, now_ms, &mut fx.events);
    match decision {
        Decision::Now(instruction) => answer(node, d, call, instruction, held, now),
        Decision::Pending(event) => {
            node.hold(
                (false, d),
                call,
                event,
                super::HeldAnswer::Cap(held),
                now,
                fx,
            );
            Ok(())
        }
    }
}

/// What answering an InitialDP later needs of it (while the data-session server decides).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Held {
    direction: Direction,
    phase: Option<Phase>,
}

impl Held {
    /// Whether the gsmSSF's Tssf can be reset: ResetTimer exists from CAP v2 on.
    pub(super) fn can_reset_timer(&self) -> bool {
        self.phase.is_some_and(|p| p.allows(opcode::RESET_TIMER))
    }
}

/// Answer an InitialDP with `instruction`: Monitor arms the call-state reports and
/// continues in a TC-CONTINUE; anything else goes in a TC-END.
pub(super) fn answer(
    node: &mut Node,
    d: DialogueId,
    call: Call,
    instruction: Instruction,
    held: Held,
    now: Instant,
) -> Result<(), Fault> {
    if instruction == Instruction::Monitor {
        let (events, n) = armed_events(held.direction, held.phase);
        let mut p = Vec::with_capacity(96);
        RequestReportBcsmEventArg::encode_events(&events[..n], None, &mut Writer::new(&mut p));
        let rrb = Invoke {
            op: local(opcode::REQUEST_REPORT_BCSM_EVENT),
            class: OpClass::Class2,
            timeout: node.invoke_timeout,
            parameter: Some(p),
            linked_id: None,
        };
        node.tcap.invoke(d, rrb)?;
        node.tcap.invoke(d, continue_invoke(node))?;
        node.tcap.continue_(d, now)?;
        node.calls.insert(d, CapDialogue { call });
        return Ok(());
    }
    node.tcap.invoke(d, instruction_invoke(node, instruction))?;
    node.tcap.end(d, EndKind::Basic, now)?;
    Ok(())
}

/// ResetTimer (TS 29.078 §8.? resetTimer, CAP v2+) setting the gsmSSF's Tssf to
/// `seconds`, in a TC-CONTINUE: the decision takes longer than the switch would wait.
pub(super) fn reset_timer(
    node: &mut Node,
    d: DialogueId,
    seconds: u32,
    now: Instant,
) -> Result<(), Fault> {
    let mut p = Vec::with_capacity(8);
    crate::camel::ResetTimerArg::tssf(seconds).encode(&mut Writer::new(&mut p));
    node.tcap.invoke(
        d,
        Invoke {
            op: local(opcode::RESET_TIMER),
            class: OpClass::Class2,
            timeout: node.invoke_timeout,
            parameter: Some(p),
            linked_id: None,
        },
    )?;
    node.tcap.continue_(d, now)?;
    Ok(())
}

/// TC-CONTINUE or TC-END (`end`) of a followed call.
#[allow(clippy::too_many_arguments)]
fn subsequent(
    node: &mut Node,
    d: DialogueId,
    components: &[Component],
    end: bool,
    rejects_queued: bool,
    now: Instant,
    now_ms: i64,
    fx: &mut Effects,
) -> Result<(), Fault> {
    let Some(c) = node.calls.get_mut(&d) else {
        // Not a call we follow (cannot happen: unfollowed dialogues end at once).
        if !end {
            node.tcap.u_abort(d, None, now)?;
        }
        return Err(Fault::UnknownTransaction(format!("{:08x}", d.0)));
    };
    // What the switch waits for: an EventReportBCSM in request mode (EDP-R) suspends call
    // processing until the gsmSCF instructs (TS 23.078 §4.6.2.2); for a disconnect that ends
    // the relationship, so the answer is Continue in a TC-END.
    #[derive(PartialEq)]
    enum Wait {
        Continue,
        End,
    }
    let mut waiting: Option<Wait> = None;
    let mut rejected = false;
    for comp in components {
        let Component::Invoke {
            invoke_id,
            op,
            parameter,
            ..
        } = comp
        else {
            // Results of class 2/4 operations were refused by the component sub-layer;
            // Rejects came as TC-R-REJECT.
            if let Component::ReturnError {
                invoke_id, error, ..
            } = comp
            {
                tracing::warn!(
                    call_id = %c.call.id(),
                    invoke_id,
                    ?error,
                    "switch returned an error"
                );
            }
            continue;
        };
        if is_op(op, opcode::EVENT_REPORT_BCSM) {
            let er = parameter
                .as_deref()
                .and_then(|p| Tlv::parse_single(p).ok())
                .map(EventReportBcsmArg::decode);
            match er {
                Some(Ok(er)) => {
                    let state = to_state(&er);
                    if let Some(s) = state {
                        fx.events.push(node.engine.state(&mut c.call, s, now_ms));
                    }
                    if er.is_request() {
                        let ends = matches!(
                            state,
                            Some(CallState::Disconnected(_) | CallState::Abandoned)
                        );
                        waiting = Some(if ends || waiting == Some(Wait::End) {
                            Wait::End
                        } else {
                            Wait::Continue
                        });
                    }
                }
                _ if end => {}
                _ => {
                    node.tcap
                        .reject(d, *invoke_id, Problem::InvokeMistypedParameter)?;
                    rejected = true;
                }
            }
        } else if is_op(op, opcode::APPLY_CHARGING_REPORT)
            || is_op(op, opcode::CALL_INFORMATION_REPORT)
        {
            // Reports scpd does not use yet are accepted silently.
        } else if !end {
            node.tcap
                .reject(d, *invoke_id, Problem::UnrecognizedOperation)?;
            rejected = true;
        }
    }
    if end {
        // The gsmSSF closed the relationship; nothing can be answered.
        node.calls.remove(&d);
        return Ok(());
    }
    match waiting {
        Some(w) => {
            node.tcap.invoke(d, continue_invoke(node))?;
            if w == Wait::End {
                node.calls.remove(&d);
                node.tcap.end(d, EndKind::Basic, now)?;
            } else {
                node.tcap.continue_(d, now)?;
            }
        }
        None if rejected || rejects_queued => node.tcap.continue_(d, now)?,
        None => {}
    }
    Ok(())
}

/// One Invoke carrying a final routing instruction (ITU component, for tests and tools).
#[cfg(test)]
pub(super) fn write_instruction(w: &mut Writer<'_>, invoke_id: i8, instruction: Instruction) {
    let code = match instruction {
        Instruction::Continue | Instruction::Monitor => opcode::CONTINUE,
        Instruction::Connect(_) => opcode::CONNECT,
        Instruction::Release(_) => opcode::RELEASE_CALL,
    };
    crate::tcap::itu::invoke(w, invoke_id, code, |w| write_argument(w, instruction));
}

/// The argument of the instruction's operation (Continue has none).
fn write_argument(w: &mut Writer<'_>, instruction: Instruction) {
    match instruction {
        Instruction::Continue | Instruction::Monitor => {}
        Instruction::Connect(number) => {
            let digits = number.convert().unwrap_or_default();
            let dest = IsupNumber::e164(crate::camel::numbers::nature::INTERNATIONAL, digits);
            crate::camel::ConnectArg::to(dest).encode(w)
        }
        Instruction::Release(cause) => {
            let c = crate::camel::Cause::new(4, cause);
            let mut v = Vec::with_capacity(4);
            c.encode_into(&mut v);
            w.primitive(Tag::OCTET_STRING, &v)
        }
    }
}
