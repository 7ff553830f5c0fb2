//! The protocol-neutral call model: a switch's trigger becomes a [`Trigger`], the policy of
//! the enrolled subscriber decides the [`Instruction`], and every trigger and call-state
//! change becomes a `CallEvent` (DESIGN.md flows 1–3). Nothing here knows CAP or AIN types,
//! sockets or clocks: the protocol adapters map into these types and pass the time in.

use crate::digits::Digits;
use crate::proto::{self, CallEvent, Direction, EventKind, Policy, Protocol, Subscriber};
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

/// A party number as the switch sent it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Party {
    pub digits: Digits,
    pub nature: u8,
    pub plan: u8,
    pub presentation: u8,
}

impl Party {
    fn to_proto(self) -> proto::PartyNumber {
        proto::PartyNumber {
            digits: self.digits.to_string(),
            nature_of_address: self.nature.into(),
            numbering_plan: self.plan.into(),
            presentation: self.presentation.into(),
        }
    }
}

/// Where the subscriber is (mobile) as the switch reported it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Location {
    pub mcc: Digits,
    pub mnc: Digits,
    pub lac: u16,
    pub cell_id: u16,
    pub vlr: Digits,
}

/// What a switch's query tells us about a call (CAMEL InitialDP, AIN Info_Analyzed, ...).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Trigger {
    pub protocol: Protocol,
    /// e.g. "CAP v2".
    pub version: &'static str,
    pub direction: Direction,
    /// The detection point as the protocol names it.
    pub trigger: &'static str,
    pub service_key: u32,
    pub calling: Option<Party>,
    pub called: Option<Party>,
    pub original_called: Option<Party>,
    pub redirecting: Option<Party>,
    pub imsi: Option<Digits>,
    pub switch_address: Option<Party>,
    pub location: Option<Location>,
    pub call_reference: Option<Vec<u8>>,
}

/// What the switch is told to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Instruction {
    /// Default call handling.
    Continue,
    /// Arm answer and disconnect reporting, then continue.
    Monitor,
    /// Route to another number.
    Connect(Digits),
    /// Release the call with a Q.850 cause.
    Release(u8),
}

impl Instruction {
    pub fn name(&self) -> &'static str {
        match self {
            Instruction::Continue => "continue",
            Instruction::Monitor => "monitor",
            Instruction::Connect(_) => "connect",
            Instruction::Release(_) => "release",
        }
    }
}

/// A call-state change reported by the switch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallState {
    Answered,
    /// Q.850 cause if the switch sent one.
    Disconnected(Option<u8>),
    Busy(Option<u8>),
    NoAnswer,
    Abandoned,
    RouteSelectFailure(Option<u8>),
    /// The dialogue ended abnormally (abort, reject).
    Aborted,
    /// The switch went quiet past the dialogue idle timer.
    TimedOut,
}

/// One call as the service follows it, kept by the protocol adapter with its dialogue.
#[derive(Debug, Clone)]
pub struct Call {
    pub call_id: String,
    /// The trigger's event; later events of the call repeat its party details.
    template: CallEvent,
    answered_ms: Option<i64>,
}

impl Call {
    pub fn id(&self) -> &str {
        &self.call_id
    }
}

/// Subscribers by number, shared between the engine and the gRPC API (which writes through
/// the store first, then here).
pub type SubscriberTable = Arc<RwLock<HashMap<String, Subscriber>>>;

/// Decides and reports. One per node; cheap operations only (it runs inline with decoding).
pub struct Engine {
    subscribers: SubscriberTable,
    instance: u8,
    boot_ms: i64,
    next_call: u64,
}

impl Engine {
    pub fn new(subscribers: SubscriberTable, instance: u8, boot_ms: i64) -> Engine {
        Engine {
            subscribers,
            instance,
            boot_ms,
            next_call: 0,
        }
    }

    /// The served subscriber's number: the calling party of an originating trigger, the
    /// called party of a terminating one (TS 23.078 O-CSI / T-CSI).
    fn served(t: &Trigger) -> Option<&Party> {
        match t.direction {
            Direction::Terminating => t.called.as_ref(),
            _ => t.calling.as_ref(),
        }
    }

    /// Handle a trigger: the call it starts, its TRIGGER event and the instruction.
    pub fn trigger(&mut self, t: &Trigger, now_ms: i64) -> (Call, CallEvent, Instruction) {
        self.next_call += 1;
        // Unique across restarts (boot time) and instances (prefix), readable in logs.
        let call_id = format!(
            "{:02x}-{:x}-{}",
            self.instance, self.boot_ms, self.next_call
        );
        let sub = Self::served(t).and_then(|p| {
            self.subscribers
                .read()
                .ok()
                .and_then(|m| m.get(p.digits.as_str()).cloned())
        });
        let instruction = match sub.as_ref().map(|s| s.policy()) {
            Some(Policy::Monitor) => Instruction::Monitor,
            _ => Instruction::Continue,
        };
        let ev = CallEvent {
            sequence: 0,
            call_id: call_id.clone(),
            kind: EventKind::Trigger as i32,
            protocol: t.protocol as i32,
            direction: t.direction as i32,
            calling_party: t.calling.map(Party::to_proto),
            called_party: t.called.map(Party::to_proto),
            imsi: t.imsi.map(|d| d.to_string()).unwrap_or_default(),
            timestamp_ms: now_ms,
            protocol_version: t.version.to_string(),
            trigger: t.trigger.to_string(),
            service_key: t.service_key,
            switch_address: t.switch_address.map(Party::to_proto),
            location: t.location.map(|l| proto::Location {
                mcc: l.mcc.to_string(),
                mnc: l.mnc.to_string(),
                lac: l.lac.into(),
                cell_id: l.cell_id.into(),
                vlr_number: l.vlr.to_string(),
            }),
            call_reference: t
                .call_reference
                .as_deref()
                .map(crate::ber::hex)
                .unwrap_or_default(),
            original_called_party: t.original_called.map(Party::to_proto),
            redirecting_party: t.redirecting.map(Party::to_proto),
            subscriber: sub.map(|s| s.number).unwrap_or_default(),
            cause: 0,
            instruction: instruction.name().to_string(),
            duration_seconds: 0,
        };
        let call = Call {
            call_id,
            template: ev.clone(),
            answered_ms: None,
        };
        (call, ev, instruction)
    }

    /// A call-state change: the event to publish.
    pub fn state(&self, call: &mut Call, state: CallState, now_ms: i64) -> CallEvent {
        let (kind, cause) = match state {
            CallState::Answered => {
                call.answered_ms.get_or_insert(now_ms);
                (EventKind::Answered, None)
            }
            CallState::Disconnected(c) => (EventKind::Disconnected, c),
            CallState::Busy(c) => (EventKind::Busy, c),
            CallState::NoAnswer => (EventKind::NoAnswer, None),
            CallState::Abandoned => (EventKind::Abandoned, None),
            CallState::RouteSelectFailure(c) => (EventKind::RouteSelectFailure, c),
            CallState::Aborted => (EventKind::DialogueAborted, None),
            CallState::TimedOut => (EventKind::DialogueTimedOut, None),
        };
        let duration = match (state, call.answered_ms) {
            (CallState::Disconnected(_), Some(a)) => ((now_ms - a).max(0) / 1000) as u32,
            _ => 0,
        };
        CallEvent {
            kind: kind as i32,
            timestamp_ms: now_ms,
            cause: cause.map_or(0, u32::from),
            duration_seconds: duration,
            instruction: String::new(),
            ..call.template.clone()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn party(s: &str) -> Party {
        Party {
            digits: s.parse().unwrap(),
            nature: 4,
            plan: 1,
            presentation: 0,
        }
    }

    fn engine(subs: &[(&str, Policy)]) -> Engine {
        let table: SubscriberTable = Default::default();
        for (n, p) in subs {
            table.write().unwrap().insert(
                n.to_string(),
                Subscriber {
                    number: n.to_string(),
                    user: "u".into(),
                    policy: *p as i32,
                },
            );
        }
        Engine::new(table, 0, 1_700_000_000_000)
    }

    fn trigger(direction: Direction, calling: &str, called: &str) -> Trigger {
        Trigger {
            protocol: Protocol::Camel,
            version: "CAP v2",
            direction,
            trigger: "collectedInfo",
            calling: Some(party(calling)),
            called: Some(party(called)),
            ..Default::default()
        }
    }

    #[test]
    fn unknown_subscriber_continues_and_is_reported() {
        let mut e = engine(&[]);
        let (call, ev, ins) = e.trigger(&trigger(Direction::Originating, "111", "222"), 5);
        assert_eq!(ins, Instruction::Continue);
        assert_eq!(ev.kind(), EventKind::Trigger);
        assert_eq!(ev.call_id, call.call_id);
        assert_eq!(ev.calling_party.unwrap().digits, "111");
        assert_eq!(ev.subscriber, "");
    }

    #[test]
    fn served_party_follows_direction() {
        let mut e = engine(&[("111", Policy::Monitor), ("222", Policy::Pass)]);
        let (_, ev, ins) = e.trigger(&trigger(Direction::Originating, "111", "222"), 0);
        assert_eq!((ins, ev.subscriber.as_str()), (Instruction::Monitor, "111"));
        let (_, ev, ins) = e.trigger(&trigger(Direction::Terminating, "111", "222"), 0);
        assert_eq!(
            (ins, ev.subscriber.as_str()),
            (Instruction::Continue, "222")
        );
        let (_, _, ins) = e.trigger(&trigger(Direction::Terminating, "222", "111"), 0);
        assert_eq!(ins, Instruction::Monitor);
    }

    #[test]
    fn state_events_keep_call_id_and_measure_duration() {
        let mut e = engine(&[("111", Policy::Monitor)]);
        let (mut call, first, _) = e.trigger(&trigger(Direction::Originating, "111", "222"), 1_000);
        let a = e.state(&mut call, CallState::Answered, 2_000);
        let d = e.state(&mut call, CallState::Disconnected(Some(16)), 65_000);
        assert_eq!(a.kind(), EventKind::Answered);
        assert_eq!(d.kind(), EventKind::Disconnected);
        assert_eq!(
            (a.call_id.as_str(), d.call_id.as_str()),
            (first.call_id.as_str(), first.call_id.as_str())
        );
        assert_eq!((d.cause, d.duration_seconds), (16, 63));
        assert_eq!(d.called_party.unwrap().digits, "222");
        // Call ids are unique.
        let (c2, _, _) = e.trigger(&trigger(Direction::Originating, "1", "2"), 0);
        assert_ne!(c2.call_id, call.call_id);
    }
}
