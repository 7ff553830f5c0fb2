//! The protocol-neutral call model: a switch's trigger becomes a [`Trigger`], the policy of
//! the enrolled subscriber decides the [`Instruction`], and every trigger and call-state
//! change becomes a `CallEvent` (DESIGN.md flows 1–3). Nothing here knows CAP or AIN types,
//! sockets or clocks: the protocol adapters map into these types and pass the time in.

use crate::digits::Digits;
use crate::proto::{
    self, CallEvent, DecisionAnswer, Direction, EventKind, NatureOfAddress, Policy, Protocol,
    Subscriber,
};
use crate::routing::{PoolKind, RoutingTable};
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

/// ISUP nature of address indicator (Q.763 §3.9; AINDigits use the same values, T1.113)
/// → protocol-neutral.
pub fn isup_nature(v: u8) -> NatureOfAddress {
    match v {
        1 => NatureOfAddress::Subscriber,
        2 => NatureOfAddress::Unknown,
        3 => NatureOfAddress::National,
        4 => NatureOfAddress::International,
        5 => NatureOfAddress::NetworkSpecific,
        _ => NatureOfAddress::Other,
    }
}

/// TS 29.002 AddressString nature of address / TS 24.008 §10.5.4.7 type of number →
/// protocol-neutral.
pub fn address_nature(v: u8) -> NatureOfAddress {
    match v {
        0 => NatureOfAddress::Unknown,
        1 => NatureOfAddress::International,
        2 => NatureOfAddress::National,
        3 => NatureOfAddress::NetworkSpecific,
        4 => NatureOfAddress::Subscriber,
        6 => NatureOfAddress::Abbreviated,
        _ => NatureOfAddress::Other,
    }
}

/// A party number as the switch sent it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Party {
    pub digits: Digits,
    /// Nature of address as coded on the wire (its meaning depends on the protocol).
    pub nature: u8,
    /// The same, protocol-neutral: filled by the adapter that knows the coding.
    pub noa: NatureOfAddress,
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
            nature: self.noa as i32,
        }
    }
}

/// A number scpd routes to: digits in international format, E.164 plan (what Connect and
/// Analyze_Route carry, and what routing-number targets are).
fn destination(d: Digits) -> proto::PartyNumber {
    proto::PartyNumber {
        digits: d.to_string(),
        nature_of_address: 0,
        numbering_plan: 1,
        presentation: 0,
        nature: NatureOfAddress::International as i32,
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
    pub location_number: Option<Party>,
    pub imsi: Option<Digits>,
    pub imei: Option<Digits>,
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
    /// Route to another number (CAMEL Connect without oCSIApplicable, AIN Analyze_Route), so
    /// the new leg does not trigger the subscriber's O-CSI again (DESIGN.md flow 4).
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

/// The engine's answer to a trigger.
#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    /// Answer the switch with this now.
    Now(Instruction),
    /// Ask the data-session server (policy `decide`): hold the dialogue, send the query to
    /// the decision broker, and call [`Engine::resolve`] with its answer (or `None` when the
    /// deadline passed). The event is the TRIGGER event as journalled.
    Pending(Box<CallEvent>),
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

/// How the engine routes calls beyond the subscriber table.
#[derive(Debug, Clone)]
pub struct EngineConfig {
    /// Routing numbers: live TRNs and anchor numbers resolve, anchor numbers are drawn.
    pub routing: Option<RoutingTable>,
    /// How long an anchor number stays live (ms).
    pub anchor_ttl_ms: i64,
    /// Whether a decision broker is attached: without one, `decide` gets the fallback now.
    pub decisions: bool,
    /// What a `decide` call gets when no answer comes within the deadline.
    pub fallback: Instruction,
}

impl Default for EngineConfig {
    fn default() -> EngineConfig {
        EngineConfig {
            routing: None,
            anchor_ttl_ms: 60_000,
            decisions: false,
            fallback: Instruction::Continue,
        }
    }
}

/// Decides and reports. One per node; cheap operations only (it runs inline with decoding).
pub struct Engine {
    subscribers: SubscriberTable,
    cfg: EngineConfig,
    instance: u8,
    boot_ms: i64,
    next_call: u64,
}

impl Engine {
    pub fn new(subscribers: SubscriberTable, instance: u8, boot_ms: i64) -> Engine {
        Engine {
            subscribers,
            cfg: EngineConfig::default(),
            instance,
            boot_ms,
            next_call: 0,
        }
    }

    /// Routing numbers, anchor TTL, decisions and their fallback.
    pub fn configure(&mut self, cfg: EngineConfig) {
        self.cfg = cfg;
    }

    pub fn config(&self) -> &EngineConfig {
        &self.cfg
    }

    /// The served subscriber's number: the calling party of an originating trigger, the
    /// called party of a terminating one (TS 23.078 O-CSI / T-CSI).
    fn served(t: &Trigger) -> Option<&Party> {
        match t.direction {
            Direction::Terminating => t.called.as_ref(),
            _ => t.calling.as_ref(),
        }
    }

    fn event(t: &Trigger, call_id: &str, sub: Option<&Subscriber>, now_ms: i64) -> CallEvent {
        CallEvent {
            sequence: 0,
            call_id: call_id.to_string(),
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
            location_number: t.location_number.map(Party::to_proto),
            imei: t.imei.map(|d| d.to_string()).unwrap_or_default(),
            subscriber: sub.map(|s| s.number.clone()).unwrap_or_default(),
            user: sub.map(|s| s.user.clone()).unwrap_or_default(),
            terminals: sub.map(|s| s.terminals.clone()).unwrap_or_default(),
            policy: sub.map_or(0, |s| s.policy),
            ..Default::default()
        }
    }

    /// Handle a trigger: the call it starts, its events (pushed onto `events`, the TRIGGER
    /// event first) and what to answer.
    ///
    /// A called number that is a live routing number wins over every policy: the leg is the
    /// transfer the data-session server set up, so it goes to the number's target and the
    /// number is used up (TRANSFER_LEG event). Otherwise the served subscriber's policy
    /// decides: pass → Continue, monitor → arm call-state reports, anchor → Connect to a
    /// fresh anchor number bound to the called number, decide → ask the data-session server.
    pub fn trigger(
        &mut self,
        t: &Trigger,
        now_ms: i64,
        events: &mut Vec<CallEvent>,
    ) -> (Call, Decision) {
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
        let mut ev = Self::event(t, &call_id, sub.as_ref(), now_ms);

        // Transfer leg on a live routing number.
        let hit = match (&self.cfg.routing, &t.called) {
            (Some(r), Some(called)) if !called.digits.is_empty() => r
                .lock()
                .ok()
                .and_then(|mut r| r.consume(called.digits.as_str(), now_ms)),
            _ => None,
        };
        if let Some(a) = hit {
            if let Ok(target) = a.target.parse::<Digits>() {
                let ins = Instruction::Connect(target);
                ev.instruction = ins.name().to_string();
                ev.destination = Some(destination(target));
                ev.routing_number = a.number.clone();
                let leg = CallEvent {
                    kind: EventKind::TransferLeg as i32,
                    linked_call_id: a.call_id.clone(),
                    ..ev.clone()
                };
                events.push(ev.clone());
                events.push(leg);
                return (self.call(call_id, ev), Decision::Now(ins));
            }
            tracing::warn!(
                number = a.number,
                target = a.target,
                "routing number target is not digits"
            );
        }

        let policy = sub.as_ref().map_or(Policy::Unspecified, |s| s.policy());
        let decision = match policy {
            Policy::Monitor => Decision::Now(Instruction::Monitor),
            Policy::Anchor => Decision::Now(self.anchor(t, &call_id, now_ms, &mut ev)),
            Policy::Decide if self.cfg.decisions => Decision::Pending(Box::new(ev.clone())),
            Policy::Decide => Decision::Now(self.cfg.fallback),
            Policy::Pass | Policy::Unspecified => Decision::Now(Instruction::Continue),
        };
        if let Decision::Now(ins) = decision {
            ev.instruction = ins.name().to_string();
            if let Instruction::Connect(d) = ins {
                ev.destination = Some(destination(d));
            }
            if let Instruction::Release(c) = ins {
                ev.cause = c.into();
            }
        }
        events.push(ev.clone());
        (self.call(call_id, ev), decision)
    }

    fn call(&self, call_id: String, template: CallEvent) -> Call {
        Call {
            call_id,
            template,
            answered_ms: None,
        }
    }

    /// Anchor policy: Connect to an anchor number bound to the called number; without an
    /// anchor pool (or with it exhausted) the call is monitored instead, and the log says why.
    fn anchor(&self, t: &Trigger, call_id: &str, now_ms: i64, ev: &mut CallEvent) -> Instruction {
        let Some(called) = t.called.filter(|c| !c.digits.is_empty()) else {
            return Instruction::Monitor;
        };
        let r = self.cfg.routing.as_ref().map(|r| {
            r.lock()
                .map_err(|_| "routing table poisoned".to_string())
                .and_then(|mut r| {
                    r.allocate(
                        "",
                        PoolKind::Anchor,
                        called.digits.as_str(),
                        self.cfg.anchor_ttl_ms,
                        call_id,
                        now_ms,
                    )
                    .map_err(|e| e.to_string())
                })
        });
        match r {
            Some(Ok(a)) => match a.number.parse::<Digits>() {
                Ok(d) => {
                    ev.routing_number = a.number;
                    Instruction::Connect(d)
                }
                Err(_) => Instruction::Monitor,
            },
            Some(Err(e)) => {
                tracing::warn!(call_id, error = %e, "no anchor number; monitoring instead");
                Instruction::Monitor
            }
            None => {
                tracing::warn!(
                    call_id,
                    "anchor policy without routing numbers; monitoring instead"
                );
                Instruction::Monitor
            }
        }
    }

    /// The data-session server's answer to a pending trigger (`None`: no answer within the
    /// deadline, the fallback applies). Pushes the ROUTED (or TRANSFER_LEG) event.
    pub fn resolve(
        &mut self,
        call: &mut Call,
        answer: Option<&DecisionAnswer>,
        now_ms: i64,
        events: &mut Vec<CallEvent>,
    ) -> Instruction {
        use proto::decision_answer::Action;
        let mut ev = CallEvent {
            kind: EventKind::Routed as i32,
            timestamp_ms: now_ms,
            ..call.template.clone()
        };
        let ins = match answer.and_then(|a| a.action.as_ref()) {
            None => self.cfg.fallback,
            Some(Action::ContinueCall(c)) if c.monitor => Instruction::Monitor,
            Some(Action::ContinueCall(_)) => Instruction::Continue,
            Some(Action::ConnectTo(d)) => d
                .parse()
                .map(Instruction::Connect)
                .unwrap_or(self.cfg.fallback),
            Some(Action::ReleaseCause(c)) => u8::try_from(*c)
                .ok()
                .filter(|c| (1..=127).contains(c))
                .map(Instruction::Release)
                .unwrap_or(self.cfg.fallback),
            Some(Action::RoutingNumber(n)) => {
                let a = self
                    .cfg
                    .routing
                    .as_ref()
                    .and_then(|r| r.lock().ok()?.consume(n, now_ms));
                match a.and_then(|a| Some((a.target.parse::<Digits>().ok()?, a))) {
                    Some((target, a)) => {
                        ev.kind = EventKind::TransferLeg as i32;
                        ev.routing_number = a.number;
                        ev.linked_call_id = a.call_id;
                        Instruction::Connect(target)
                    }
                    None => self.cfg.fallback,
                }
            }
        };
        ev.instruction = ins.name().to_string();
        match ins {
            Instruction::Connect(d) => ev.destination = Some(destination(d)),
            Instruction::Release(c) => ev.cause = c.into(),
            _ => {}
        }
        call.template.instruction = ev.instruction.clone();
        events.push(ev);
        ins
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
            destination: None,
            routing_number: String::new(),
            linked_call_id: String::new(),
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
            noa: NatureOfAddress::International,
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
                    terminals: vec![proto::Terminal {
                        id: "t1".into(),
                        label: "laptop".into(),
                    }],
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

    /// The TRIGGER event and the instruction decided now.
    fn trig(e: &mut Engine, t: &Trigger, now: i64) -> (Call, CallEvent, Instruction) {
        let mut evs = Vec::new();
        let (call, d) = e.trigger(t, now, &mut evs);
        assert_eq!(evs.len(), 1, "{evs:?}");
        let Decision::Now(ins) = d else {
            panic!("pending: {d:?}")
        };
        (call, evs.remove(0), ins)
    }

    #[test]
    fn unknown_subscriber_continues_and_is_reported() {
        let mut e = engine(&[]);
        let (call, ev, ins) = trig(&mut e, &trigger(Direction::Originating, "111", "222"), 5);
        assert_eq!(ins, Instruction::Continue);
        assert_eq!(
            ev.calling_party.as_ref().unwrap().nature(),
            NatureOfAddress::International
        );
        assert_eq!(ev.kind(), EventKind::Trigger);
        assert_eq!(ev.call_id, call.call_id);
        assert_eq!(ev.calling_party.unwrap().digits, "111");
        assert_eq!(ev.subscriber, "");
    }

    #[test]
    fn served_party_follows_direction() {
        let mut e = engine(&[("111", Policy::Monitor), ("222", Policy::Pass)]);
        let (_, ev, ins) = trig(&mut e, &trigger(Direction::Originating, "111", "222"), 0);
        assert_eq!((ins, ev.subscriber.as_str()), (Instruction::Monitor, "111"));
        assert_eq!(
            (ev.user.as_str(), ev.terminals[0].label.as_str()),
            ("u", "laptop")
        );
        assert_eq!(ev.policy(), Policy::Monitor);
        let (_, ev, ins) = trig(&mut e, &trigger(Direction::Terminating, "111", "222"), 0);
        assert_eq!(
            (ins, ev.subscriber.as_str()),
            (Instruction::Continue, "222")
        );
        let (_, _, ins) = trig(&mut e, &trigger(Direction::Terminating, "222", "111"), 0);
        assert_eq!(ins, Instruction::Monitor);
    }

    #[test]
    fn state_events_keep_call_id_and_measure_duration() {
        let mut e = engine(&[("111", Policy::Monitor)]);
        let (mut call, first, _) = trig(
            &mut e,
            &trigger(Direction::Originating, "111", "222"),
            1_000,
        );
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
        let (c2, _, _) = trig(&mut e, &trigger(Direction::Originating, "1", "2"), 0);
        assert_ne!(c2.call_id, call.call_id);
    }

    fn with_routing(e: &mut Engine, pools: &[(&str, &str, &str, PoolKind)]) -> RoutingTable {
        let cfg: Vec<crate::routing::PoolConfig> = pools
            .iter()
            .map(|(n, f, l, k)| crate::routing::PoolConfig {
                name: n.to_string(),
                first: f.to_string(),
                last: l.to_string(),
                kind: *k,
            })
            .collect();
        let table: RoutingTable = Arc::new(std::sync::Mutex::new(
            crate::routing::Allocator::new(&cfg).unwrap(),
        ));
        e.configure(EngineConfig {
            routing: Some(table.clone()),
            ..Default::default()
        });
        table
    }

    #[test]
    fn live_trn_routes_to_its_target_once_and_links_the_calls() {
        let mut e = engine(&[("111", Policy::Monitor)]);
        let r = with_routing(
            &mut e,
            &[("trn", "4917099000", "4917099009", PoolKind::Trn)],
        );
        let a = r
            .lock()
            .unwrap()
            .allocate("", PoolKind::Trn, "4930123", 60_000, "first-call", 1_000)
            .unwrap();
        // Even a monitored subscriber's leg towards the TRN is the transfer.
        let mut evs = Vec::new();
        let (call, d) = e.trigger(
            &trigger(Direction::Originating, "111", &a.number),
            2_000,
            &mut evs,
        );
        assert_eq!(
            d,
            Decision::Now(Instruction::Connect("4930123".parse().unwrap()))
        );
        assert_eq!(evs.len(), 2);
        assert_eq!(evs[0].kind(), EventKind::Trigger);
        assert_eq!(evs[1].kind(), EventKind::TransferLeg);
        assert_eq!(evs[1].linked_call_id, "first-call");
        assert_eq!(evs[1].call_id, call.call_id);
        assert_eq!(evs[1].routing_number, a.number);
        assert_eq!(evs[1].destination.as_ref().unwrap().digits, "4930123");
        // Used up: a second leg on the same number is an ordinary call.
        let (_, _, ins) = trig(
            &mut e,
            &trigger(Direction::Originating, "111", &a.number),
            2_500,
        );
        assert_eq!(ins, Instruction::Monitor);
        // An expired one does not resolve either.
        let b = r
            .lock()
            .unwrap()
            .allocate("", PoolKind::Trn, "4930124", 1_000, "", 3_000)
            .unwrap();
        let (_, _, ins) = trig(
            &mut e,
            &trigger(Direction::Originating, "5", &b.number),
            4_000,
        );
        assert_eq!(ins, Instruction::Continue);
    }

    #[test]
    fn anchor_policy_connects_via_an_anchor_number_that_resolves_to_the_called_party() {
        let mut e = engine(&[("111", Policy::Anchor)]);
        with_routing(
            &mut e,
            &[("anc", "4917088000", "4917088000", PoolKind::Anchor)],
        );
        let (first, ev, ins) = trig(
            &mut e,
            &trigger(Direction::Originating, "111", "4930999"),
            0,
        );
        assert_eq!(ins, Instruction::Connect("4917088000".parse().unwrap()));
        assert_eq!(ev.routing_number, "4917088000");
        // The one anchor number is live: the next anchored call is monitored instead.
        let (_, _, ins) = trig(
            &mut e,
            &trigger(Direction::Originating, "111", "4930998"),
            0,
        );
        assert_eq!(ins, Instruction::Monitor);
        // The call control system routes the call on to the anchor number: it resolves.
        let mut evs = Vec::new();
        let (_, d) = e.trigger(
            &trigger(Direction::Terminating, "111", "4917088000"),
            10,
            &mut evs,
        );
        assert_eq!(
            d,
            Decision::Now(Instruction::Connect("4930999".parse().unwrap()))
        );
        assert_eq!(evs[1].linked_call_id, first.call_id);
    }

    #[test]
    fn decide_is_pending_with_a_broker_and_falls_back_without() {
        use proto::decision_answer::{Action, Continue};
        let mut e = engine(&[("111", Policy::Decide)]);
        let (_, _, ins) = trig(&mut e, &trigger(Direction::Originating, "111", "2"), 0);
        assert_eq!(ins, Instruction::Continue);
        let r = with_routing(&mut e, &[("trn", "700", "709", PoolKind::Trn)]);
        e.configure(EngineConfig {
            routing: Some(r.clone()),
            decisions: true,
            fallback: Instruction::Release(31),
            ..Default::default()
        });
        let mut evs = Vec::new();
        let (mut call, d) = e.trigger(&trigger(Direction::Originating, "111", "2"), 0, &mut evs);
        let Decision::Pending(q) = d else { panic!() };
        assert_eq!((q.call_id.as_str(), evs.len()), (call.call_id.as_str(), 1));
        let answer = |a| DecisionAnswer {
            query_id: 1,
            action: Some(a),
        };
        let mut evs = Vec::new();
        let ins = e.resolve(
            &mut call,
            Some(&answer(Action::ConnectTo("4930".into()))),
            5,
            &mut evs,
        );
        assert_eq!(ins, Instruction::Connect("4930".parse().unwrap()));
        assert_eq!(evs[0].kind(), EventKind::Routed);
        assert_eq!(evs[0].instruction, "connect");
        assert_eq!(
            e.resolve(&mut call, None, 5, &mut evs),
            Instruction::Release(31)
        );
        assert_eq!(evs[1].cause, 31);
        let bad = answer(Action::ReleaseCause(300));
        assert_eq!(
            e.resolve(&mut call, Some(&bad), 5, &mut evs),
            Instruction::Release(31)
        );
        let mon = answer(Action::ContinueCall(Continue { monitor: true }));
        assert_eq!(
            e.resolve(&mut call, Some(&mon), 5, &mut evs),
            Instruction::Monitor
        );
        let n = r
            .lock()
            .unwrap()
            .allocate("", PoolKind::Trn, "4940", 60_000, "x", 0)
            .unwrap()
            .number;
        let via = answer(Action::RoutingNumber(n.clone()));
        assert_eq!(
            e.resolve(&mut call, Some(&via), 5, &mut evs),
            Instruction::Connect("4940".parse().unwrap())
        );
        assert_eq!(evs.last().unwrap().kind(), EventKind::TransferLeg);
        // Used: the same answer again gets the fallback.
        assert_eq!(
            e.resolve(&mut call, Some(&via), 6, &mut evs),
            Instruction::Release(31)
        );
    }
}
