//! CAMEL (CAP) dialogues between the gsmSSF and scpd as gsmSCF (TS 23.078 §4.5, TS 29.078),
//! and the mapping between CAP and the protocol-neutral service model.
//!
//! A Begin carrying InitialDP becomes a service trigger. Unmonitored calls are answered with
//! Continue in a TC-END. Monitored calls get RequestReportBCSMEvent (answer, busy, no answer
//! and abandon as notifications; disconnect of either leg interrupted, so scpd decides how
//! the relationship ends) + Continue in a TC-CONTINUE; each EventReportBCSM is published, and
//! the interrupted disconnect is answered with Continue in a TC-END.

use super::{Effects, Fault, Header, Node, Route};
use crate::ber::{Tag, Writer};
use crate::camel::{
    opcode, AddressString, BcsmEvent, CellIdOrLai, EventReportBcsmArg, EventTypeBcsm, InitialDpArg,
    IsupNumber, LegId, LegType, MonitorMode, Phase, RequestReportBcsmEventArg,
};
use crate::digits::Digits;
use crate::proto::{Direction, Protocol};
use crate::service::{Call, CallState, Instruction, Location, Party, Trigger};
use crate::tcap::dialogues::{local_tid_bytes, Dialogue, PeerTid};
use crate::tcap::itu::{
    self, problem, Component, DialogueOut, DialoguePdu, MessageType, TcMessage,
};
use std::time::Instant;

/// Per-dialogue state kept while a monitored call runs.
#[derive(Debug)]
pub(crate) struct CapDialogue {
    pub(crate) route: Route,
    call: Call,
    next_invoke: i8,
}

/// AARE accepting `ac`, for the first backward message of a dialogue that had an AARQ.
fn aare(ac: &[u8]) -> DialogueOut<'_> {
    DialogueOut::Aare {
        ac,
        result: 0,
        diagnostic: (1, 0),
    }
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
/// interrupted disconnect on both legs.
fn armed_events(direction: Direction) -> ([BcsmEvent<'static>; 7], usize) {
    use MonitorMode::{Interrupted as R, NotifyAndContinue as N};
    let leg = |l| Some(LegId::SendingSide(l));
    let (l1, l2) = (LegType::LEG1, LegType::LEG2);
    let ev = |t: u8, m, l| BcsmEvent::new(EventTypeBcsm(t), m, l);
    if direction == Direction::Terminating {
        let unused = ev(0, N, None);
        (
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
        )
    } else {
        (
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
        )
    }
}

fn isup_party(n: &IsupNumber) -> Party {
    Party {
        digits: n.digits.text(),
        nature: n.nature,
        plan: n.plan,
        presentation: n.presentation,
    }
}

fn address_party(a: &AddressString) -> Party {
    Party {
        digits: a.digits.text(),
        nature: a.nature,
        plan: a.plan,
        presentation: 0,
    }
}

fn digits_of(s: &str) -> Digits {
    s.parse().unwrap_or_default()
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
            loc.mcc = digits_of(&format!("{:03}", p.mcc));
            loc.mnc = digits_of(&if p.mnc_3_digits {
                format!("{:03}", p.mnc)
            } else {
                format!("{:02}", p.mnc)
            });
            loc.lac = c.lac();
            if let CellIdOrLai::CellId { ci, .. } = c {
                loc.cell_id = ci;
            }
        }
        if let Some(v) = &l.vlr_number {
            loc.vlr = v.digits.text();
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
        imsi: idp.imsi.map(|i| i.text()),
        switch_address: idp.msc_address.as_ref().map(address_party),
        location,
        call_reference: idp.call_reference_number.map(<[u8]>::to_vec),
    }
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

/// Handle a TC-BEGIN.
pub(super) fn begin(
    node: &mut Node,
    route: &Route,
    msg: &TcMessage<'_>,
    now: Instant,
    now_ms: i64,
    fx: &mut Effects,
) -> Result<(), Fault> {
    let otid = msg.otid.unwrap_or_default();
    let peer = PeerTid::new(otid).expect("decoder checked the length");
    let ac = match msg.dialogue {
        Some(DialoguePdu::Aarq { ac, .. }) => Some(ac),
        _ => None,
    };
    let phase = ac.and_then(Phase::from_ac);
    if ac.is_some() && phase.is_none() {
        // Q.774 §3.2.2.1: refuse with AARE application-context-name-not-supported, naming
        // a context we do support so the switch can fall back.
        let h = Header {
            kind: MessageType::Abort,
            otid: None,
            dtid: Some(otid),
            dialogue: Some(DialogueOut::Aare {
                ac: crate::camel::ac::CAP_V2_GSMSSF_TO_GSMSCF,
                result: 1,
                diagnostic: (1, 2),
            }),
        };
        node.send_tcap(fx, route, h, |_| {});
        return Err(Fault::Cap("application context not supported".into()));
    }
    let dialogue = ac.map(aare);

    // The first Invoke must be InitialDP (TS 29.078 §14.1: the gsmSSF opens with it).
    let mut idp = None;
    let mut fault = None;
    for c in msg.components() {
        match c {
            Ok(Component::Invoke {
                invoke_id,
                opcode: opcode::INITIAL_DP,
                parameter,
                ..
            }) if idp.is_none() => match parameter.map(InitialDpArg::decode) {
                Some(Ok(a)) => idp = Some(a),
                Some(Err(e)) => {
                    fault = Some((
                        Some(invoke_id),
                        (problem::INVOKE, problem::MISTYPED_PARAMETER),
                        e.to_string(),
                    ))
                }
                None => {
                    fault = Some((
                        Some(invoke_id),
                        (problem::INVOKE, problem::MISTYPED_PARAMETER),
                        "InitialDP without argument".into(),
                    ))
                }
            },
            Ok(Component::Invoke {
                invoke_id, opcode, ..
            }) => {
                fault = Some((
                    Some(invoke_id),
                    (problem::INVOKE, problem::UNRECOGNIZED_OPERATION),
                    format!("operation {opcode} in TC-BEGIN"),
                ))
            }
            Ok(other) => {
                fault = Some((
                    None,
                    (problem::GENERAL, problem::UNRECOGNIZED_COMPONENT),
                    format!("{other:?} in TC-BEGIN"),
                ))
            }
            Err(f) => fault = Some((f.invoke_id, f.problem, f.error.to_string())),
        }
        if fault.is_some() {
            break;
        }
    }
    let Some(idp) = idp.filter(|_| fault.is_none()) else {
        let (invoke_id, problem, reason) = fault.unwrap_or((
            None,
            (problem::GENERAL, problem::UNRECOGNIZED_COMPONENT),
            "TC-BEGIN without InitialDP".into(),
        ));
        let h = Header {
            kind: MessageType::End,
            otid: None,
            dtid: Some(otid),
            dialogue,
        };
        node.send_tcap(fx, route, h, |w| itu::reject(w, invoke_id, problem));
        return Err(Fault::Cap(reason));
    };

    let trigger = to_trigger(&idp, phase);
    let (call, event, instruction) = node.engine.trigger(&trigger, now_ms);
    fx.events.push(event);

    if instruction == Instruction::Monitor {
        let state = CapDialogue {
            route: route.clone(),
            call,
            next_invoke: 3,
        };
        match node.dialogues.open(peer, now, state) {
            Ok(local) => {
                let (events, n) = armed_events(trigger.direction);
                let h = Header {
                    kind: MessageType::Continue,
                    otid: Some(&local_tid_bytes(local)),
                    dtid: Some(otid),
                    dialogue,
                };
                node.send_tcap(fx, route, h, |w| {
                    itu::invoke(w, 1, opcode::REQUEST_REPORT_BCSM_EVENT, |w| {
                        RequestReportBcsmEventArg::encode_events(&events[..n], None, w)
                    });
                    itu::invoke(w, 2, opcode::CONTINUE, |_| {});
                });
                return Ok(());
            }
            Err(e) => {
                // No room to follow the call: let it proceed unmonitored rather than fail it.
                tracing::warn!(error = %e, "cannot monitor call; continuing it unmonitored");
            }
        }
    }
    let h = Header {
        kind: MessageType::End,
        otid: None,
        dtid: Some(otid),
        dialogue,
    };
    node.send_tcap(fx, route, h, |w| write_instruction(w, 1, instruction));
    Ok(())
}

/// One Invoke carrying a final routing instruction.
pub(super) fn write_instruction(w: &mut Writer<'_>, invoke_id: i8, instruction: Instruction) {
    match instruction {
        Instruction::Continue | Instruction::Monitor => {
            itu::invoke(w, invoke_id, opcode::CONTINUE, |_| {})
        }
        Instruction::Connect(number) => itu::invoke(w, invoke_id, opcode::CONNECT, |w| {
            let digits = number.convert().unwrap_or_default();
            let dest = IsupNumber::e164(crate::camel::numbers::nature::INTERNATIONAL, digits);
            crate::camel::ConnectArg::to(dest).encode(w)
        }),
        Instruction::Release(cause) => itu::invoke(w, invoke_id, opcode::RELEASE_CALL, |w| {
            let c = crate::camel::Cause::new(4, cause);
            let mut v = Vec::with_capacity(4);
            c.encode_into(&mut v);
            w.primitive(Tag::OCTET_STRING, &v)
        }),
    }
}

/// Handle TC-CONTINUE, TC-END or TC-ABORT for an open dialogue.
pub(super) fn subsequent(
    node: &mut Node,
    local: u32,
    msg: &TcMessage<'_>,
    now_ms: i64,
    fx: &mut Effects,
) -> Result<(), Fault> {
    let Some(d) = node.dialogues.get_mut(local) else {
        return Err(Fault::UnknownTransaction(crate::ber::hex(
            &local_tid_bytes(local),
        )));
    };
    let d = &mut d.user;
    if msg.kind == MessageType::Abort {
        fx.events
            .push(node.engine.state(&mut d.call, CallState::Aborted, now_ms));
        node.dialogues.close(local);
        return Ok(());
    }
    // What the switch waits for: an EventReportBCSM in request mode (EDP-R) suspends call
    // processing until the gsmSCF instructs (TS 23.078 §4.6.2.2); for a disconnect that ends
    // the relationship, so the answer is Continue in a TC-END.
    let mut waiting: Option<MessageType> = None;
    let mut rejects: Vec<(Option<i8>, (u8, u8))> = Vec::new();
    for c in msg.components() {
        match c {
            Ok(Component::Invoke {
                invoke_id,
                opcode: opcode::EVENT_REPORT_BCSM,
                parameter,
                ..
            }) => match parameter.map(EventReportBcsmArg::decode) {
                Some(Ok(er)) => {
                    if let Some(state) = to_state(&er) {
                        fx.events
                            .push(node.engine.state(&mut d.call, state, now_ms));
                    }
                    if er.is_request() {
                        let ends = matches!(
                            to_state(&er),
                            Some(CallState::Disconnected(_) | CallState::Abandoned)
                        );
                        waiting = Some(if ends || waiting == Some(MessageType::End) {
                            MessageType::End
                        } else {
                            MessageType::Continue
                        });
                    }
                }
                _ => rejects.push((
                    Some(invoke_id),
                    (problem::INVOKE, problem::MISTYPED_PARAMETER),
                )),
            },
            // Reports scpd does not use yet are accepted silently (class 4, no answer).
            Ok(Component::Invoke {
                opcode: opcode::APPLY_CHARGING_REPORT | opcode::CALL_INFORMATION_REPORT,
                ..
            }) => {}
            Ok(Component::Invoke { invoke_id, .. }) => rejects.push((
                Some(invoke_id),
                (problem::INVOKE, problem::UNRECOGNIZED_OPERATION),
            )),
            Ok(Component::ReturnError {
                invoke_id,
                error_code,
                ..
            }) => {
                tracing::warn!(
                    call_id = d.call.id(),
                    invoke_id,
                    error_code,
                    "switch returned an error"
                );
            }
            Ok(Component::Reject { invoke_id, problem }) => {
                tracing::warn!(
                    call_id = d.call.id(),
                    ?invoke_id,
                    ?problem,
                    "switch rejected a component"
                );
            }
            Ok(Component::ReturnResult { .. }) => {}
            Err(f) => rejects.push((f.invoke_id, f.problem)),
        }
    }
    if msg.kind == MessageType::End {
        // The gsmSSF closed the relationship; nothing can be answered.
        node.dialogues.close(local);
        return Ok(());
    }
    let kind = match (waiting, rejects.is_empty()) {
        (Some(k), _) => k,
        (None, false) => MessageType::Continue,
        (None, true) => return Ok(()),
    };
    let invoke_id = d.next_invoke;
    d.next_invoke = d.next_invoke.wrapping_add(1);
    let route = if kind == MessageType::End {
        node.dialogues.close(local).expect("open").user.route
    } else {
        d.route.clone()
    };
    let peer = msg.otid.unwrap_or_default();
    let otid = local_tid_bytes(local);
    let h = Header {
        kind,
        otid: (kind == MessageType::Continue).then_some(&otid[..]),
        dtid: Some(peer),
        dialogue: None,
    };
    node.send_tcap(fx, &route, h, |w| {
        for (id, p) in &rejects {
            itu::reject(w, *id, *p);
        }
        if waiting.is_some() {
            itu::invoke(w, invoke_id, opcode::CONTINUE, |_| {});
        }
    });
    Ok(())
}

/// A dialogue went quiet: tell the switch (U-Abort) and publish the timeout.
pub(super) fn timed_out(
    node: &mut Node,
    mut d: Dialogue<CapDialogue>,
    now_ms: i64,
    fx: &mut Effects,
) {
    fx.events.push(
        node.engine
            .state(&mut d.user.call, CallState::TimedOut, now_ms),
    );
    let h = Header {
        kind: MessageType::Abort,
        otid: None,
        dtid: Some(d.peer.as_bytes()),
        dialogue: Some(DialogueOut::Abrt { source: 0 }),
    };
    node.send_tcap(fx, &d.user.route, h, |_| {});
}
