//! AIN ↔ the protocol-neutral service model ([`crate::service`]), so a POTS call and a
//! mobile call produce the same kind of `CallEvent` and take the same routing path.
//!
//! - A trigger query (Info_Collected, Info_Analyzed, Origination_Attempt, Network_Busy,
//!   Termination_Attempt) becomes a [`Trigger`] ([`trigger`]).
//! - An event report becomes a [`CallState`] ([`call_state`]).
//! - An [`Instruction`] becomes the AIN answer ([`answer`]) and monitoring arms the EDPs
//!   [`monitor_edps`] lists.

use crate::ain::params::{nature, plan, AinDigits, EdpSet};
use crate::ain::{AinMessage, Operation, Release};
use crate::digits::{Digits, Isup};
use crate::service::{
    CallState, Direction, Instruction, NatureOfAddress, Party, Protocol, Trigger,
};

/// A party number as the service model holds it.
pub fn party(d: &AinDigits) -> Party {
    Party {
        digits: d.digits.text().as_str().into(),
        nature: d.nature,
        noa: crate::service::isup_nature(d.nature),
        plan: d.plan,
        presentation: d.presentation,
    }
}

/// The served line's DN from UserID as a national ISDN number.
fn user_dn(m: &AinMessage<'_>) -> Option<Party> {
    m.arg.user_id.and_then(|u| u.dn().copied()).map(|dn| Party {
        digits: dn.text().as_str().into(),
        nature: nature::NATIONAL,
        noa: NatureOfAddress::National,
        plan: plan::ISDN,
        presentation: 0,
    })
}

/// The direction of a trigger or event: Termination_Attempt and the T_ events are the
/// terminating half call (GR-1298 T_BCM), everything else originating (O_BCM).
pub fn direction(op: Operation) -> Direction {
    use Operation::*;
    match op {
        TerminationAttempt | TAnswer | TBusy | TNoAnswer | TDisconnect => Direction::Terminating,
        _ => Direction::Originating,
    }
}

/// The service trigger of a trigger query from an SSP of `release`; `None` for other
/// operations.
///
/// The served line is the one in UserID (GR-1299: the line the trigger is subscribed on),
/// whoever the parties are; it also stands for the calling party of an originating trigger
/// when CallingPartyID is absent (a POTS line's own triggers often omit it), for the called
/// party of Termination_Attempt when CalledPartyID is absent. The dialled number is
/// CalledPartyID after analysis, CollectedAddressInfo before it (Info_Collected).
pub fn trigger(m: &AinMessage<'_>, release: Release) -> Option<Trigger> {
    if !m.op.is_trigger() {
        return None;
    }
    let a = &m.arg;
    let dir = direction(m.op);
    let mut calling = a.calling_party_id.as_ref().map(party);
    let mut called = a
        .called_party_id
        .as_ref()
        .or(a.collected_address_info.as_ref())
        .map(party);
    if dir == Direction::Terminating {
        called = called.or_else(|| user_dn(m));
    } else {
        calling = calling.or_else(|| user_dn(m));
    }
    Some(Trigger {
        protocol: Protocol::Ain,
        version: release.name(),
        direction: dir,
        trigger: m.op.name(),
        service_key: a.trigger_criteria_type.map_or(0, |t| t.0.into()),
        calling,
        called,
        served: user_dn(m).map(Box::new),
        original_called: a
            .original_called_party_id
            .as_ref()
            .map(|p| Box::new(party(p))),
        redirecting: a.redirecting_party_id.as_ref().map(|p| Box::new(party(p))),
        ..Default::default()
    })
}

/// The call-state change an event report means; `None` for triggers and what scpd sends.
pub fn call_state(m: &AinMessage<'_>) -> Option<CallState> {
    use Operation::*;
    let cause = m.arg.busy_cause.map(|c| c.value);
    Some(match m.op {
        OAnswer | TAnswer => CallState::Answered,
        ODisconnect | TDisconnect => CallState::Disconnected(None),
        OCalledPartyBusy | TBusy => CallState::Busy(cause),
        ONoAnswer | TNoAnswer => CallState::NoAnswer,
        OAbandon => CallState::Abandoned,
        FailureOutcome => CallState::RouteSelectFailure(None),
        Timeout => CallState::TimedOut,
        // Termination_Notification (AIN 0.1) reports the end of a monitored call.
        TerminationNotification => CallState::Disconnected(None),
        _ => return None,
    })
}

/// The EDPs armed for a monitored call: answer as a notification (the call goes on), the
/// outcomes that end it as requests, so scpd sees and closes the relationship (GR-1299
/// EDPRequest / EDPNotification: only these bits are allowed in each).
pub fn monitor_edps(direction: Direction) -> (EdpSet, EdpSet) {
    if direction == Direction::Terminating {
        (
            EdpSet(EdpSet::T_BUSY | EdpSet::T_NO_ANSWER | EdpSet::T_DISCONNECT),
            EdpSet(EdpSet::T_ANSWER),
        )
    } else {
        (
            EdpSet(
                EdpSet::O_CALLED_PARTY_BUSY
                    | EdpSet::O_NO_ANSWER
                    | EdpSet::O_ABANDON
                    | EdpSet::O_DISCONNECT,
            ),
            EdpSet(EdpSet::O_ANSWER),
        )
    }
}

/// The answer to a trigger for a service instruction: Analyze_Route (originating) or
/// Forward_Call (terminating) for a routing number, Disconnect for a release,
/// Continue / Authorize_Termination otherwise. Monitoring also needs
/// Request_Report_BCM_Event with [`monitor_edps`] before the answer.
///
/// Fails only when a routing number has symbols AINDigits cannot carry.
pub fn answer(
    trigger: &AinMessage<'_>,
    instruction: &Instruction,
) -> Result<AinMessage<'static>, crate::digits::DigitsError> {
    let terminating = direction(trigger.op) == Direction::Terminating;
    let m = match instruction {
        Instruction::Connect(to) => {
            let d: Digits<Isup> = to.convert()?;
            let called = AinDigits::national(d);
            if terminating {
                crate::ain::forward_call(called)
            } else {
                crate::ain::analyze_route(called)
            }
        }
        Instruction::Release(_) => crate::ain::disconnect(),
        Instruction::Continue | Instruction::Monitor => {
            if terminating {
                crate::ain::authorize_termination()
            } else {
                crate::ain::continue_call()
            }
        }
    };
    Ok(m.with_form(trigger.form))
}
