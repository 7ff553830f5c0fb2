//! The engine: a trigger's subscriber and policy decide the instruction; triggers,
//! decisions and call-state changes become events. Cheap operations only: it runs inline
//! with decoding, one engine per shard.

use super::*;
use crate::digits::Digits;
use crate::service::routing::{PoolKind, RoutingTable};

/// The engine's answer to a trigger.
#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    /// Answer the switch with this now.
    Now(Instruction),
    /// Ask the data-session server (policy `decide`): hold the dialogue, send the query
    /// (the TRIGGER event as journalled) to the decision broker, and call
    /// [`Engine::resolve`] with its answer (or `None` when the deadline passed).
    Pending(Event),
}

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

/// Decides and reports. One per shard; cheap operations only (it runs inline with decoding).
pub struct Engine {
    subscribers: SubscriberTable,
    cfg: EngineConfig,
    instance: u8,
    boot_ms: i64,
    /// This engine's shard and how many there are: call ids interleave so that they stay
    /// unique across shards (a single shard counts 1, 2, 3, ...).
    shard: u64,
    shards: u64,
    calls: u64,
    /// Overloaded: answer the cheapest safe way (see [`Engine::set_shedding`]).
    shedding: bool,
}

impl Engine {
    pub fn new(subscribers: SubscriberTable, instance: u8, boot_ms: i64) -> Engine {
        Engine {
            subscribers,
            cfg: EngineConfig::default(),
            instance,
            boot_ms,
            shard: 0,
            shards: 1,
            calls: 0,
            shedding: false,
        }
    }

    /// Make this the engine of shard `index` of `count`.
    pub fn set_shard(&mut self, index: usize, count: usize) {
        self.shard = index as u64;
        self.shards = count.max(1) as u64;
    }

    /// While overloaded, triggers get the cheapest safe answer: what would arm call-state
    /// reports (monitor) or allocate a number (anchor) continues, what would wait for the
    /// data-session server gets the fallback now; a transfer leg on a live routing number
    /// is still routed (one message, and the server asked for it). Their events say `shed`.
    pub fn set_shedding(&mut self, on: bool) {
        self.shedding = on;
    }

    pub fn shedding(&self) -> bool {
        self.shedding
    }

    /// Routing numbers, anchor TTL, decisions and their fallback.
    pub fn configure(&mut self, cfg: EngineConfig) {
        self.cfg = cfg;
    }

    pub fn config(&self) -> &EngineConfig {
        &self.cfg
    }

    /// The served subscriber's number: the line the protocol names (AIN UserID), else the
    /// calling party of an originating trigger and the called party of a terminating one
    /// (TS 23.078 O-CSI / T-CSI).
    fn served(t: &Trigger) -> Option<&Party> {
        t.served.as_deref().or(match t.direction {
            Direction::Terminating => t.called.as_ref(),
            _ => t.calling.as_ref(),
        })
    }

    /// The party on the far side of the served one: the called party of an originating
    /// trigger, the calling party of a terminating one.
    fn other(t: &Trigger) -> Option<&Party> {
        match t.direction {
            Direction::Terminating => t.calling.as_ref(),
            _ => t.called.as_ref(),
        }
    }

    fn next_id(&mut self) -> CallId {
        self.calls += 1;
        CallId {
            instance: self.instance,
            boot_ms: self.boot_ms,
            seq: (self.calls - 1) * self.shards + self.shard + 1,
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
        trigger: Trigger,
        now_ms: i64,
        events: &mut Vec<Event>,
    ) -> (Call, Decision) {
        let id = self.next_id();
        let (subscriber, other) = match self.subscribers.read() {
            Ok(m) => {
                let find = |p: Option<&Party>| p.and_then(|p| m.get(p.digits.as_str()).cloned());
                (find(Self::served(&trigger)), find(Self::other(&trigger)))
            }
            Err(_) => (None, None),
        };
        // Transfer leg on a live routing number.
        let hit = match (&self.cfg.routing, &trigger.called) {
            (Some(r), Some(called)) if !called.digits.is_empty() => r
                .lock()
                .ok()
                .and_then(|mut r| r.consume(called.digits.as_str(), now_ms)),
            _ => None,
        };
        let policy = subscriber
            .as_ref()
            .map_or(Policy::Unspecified, |s| s.policy);
        let anchor_to = (policy == Policy::Anchor)
            .then_some(trigger.called.as_ref())
            .flatten()
            .filter(|c| !c.digits.is_empty())
            .map(|c| c.digits.clone());
        let info = Arc::new(CallInfo {
            id,
            trigger,
            subscriber,
            other,
        });
        let call = Call {
            info: info.clone(),
            answered_ms: None,
        };
        let mut ev = Event::new(info, EventKind::Trigger, now_ms);

        if let Some(a) = hit {
            if let Ok(target) = a.target.parse::<Digits>() {
                let ins = Instruction::Connect(target);
                ev.instruction = Some(ins);
                ev.routing_number = a.number.as_str().into();
                let leg = Event {
                    kind: EventKind::TransferLeg,
                    linked_call_id: a.call_id.clone(),
                    ..ev.clone()
                };
                events.push(ev);
                events.push(leg);
                return (call, Decision::Now(ins));
            }
            tracing::warn!(
                number = a.number,
                target = a.target,
                "routing number target is not digits"
            );
        }

        ev.shed = self.shedding;
        let decision = match policy {
            _ if self.shedding => Decision::Now(match (policy, self.cfg.fallback) {
                (Policy::Decide, Instruction::Connect(d)) => Instruction::Connect(d),
                (Policy::Decide, Instruction::Release(c)) => Instruction::Release(c),
                _ => Instruction::Continue,
            }),
            Policy::Monitor => Decision::Now(Instruction::Monitor),
            // The anchor number comes from a pool of the (enrolled) subscriber's tenant.
            Policy::Anchor => {
                Decision::Now(self.anchor(anchor_to, Some(call.info.tenant()), id, now_ms, &mut ev))
            }
            Policy::Decide if self.cfg.decisions => Decision::Pending(ev.clone()),
            Policy::Decide => Decision::Now(self.cfg.fallback),
            Policy::Pass | Policy::Unspecified => Decision::Now(Instruction::Continue),
        };
        if let Decision::Now(ins) = decision {
            ev.instruction = Some(ins);
            if let Instruction::Release(c) = ins {
                ev.cause = Some(c);
            }
        }
        events.push(ev);
        (call, decision)
    }

    /// Anchor policy: Connect to an anchor number bound to the called number; without an
    /// anchor pool (or with it exhausted) the call is monitored instead, and the log says why.
    fn anchor(
        &self,
        called: Option<CompactString>,
        tenant: Option<&str>,
        id: CallId,
        now_ms: i64,
        ev: &mut Event,
    ) -> Instruction {
        let Some(called) = called else {
            return Instruction::Monitor;
        };
        let call_id = id.to_string();
        let r = self.cfg.routing.as_ref().map(|r| {
            r.lock()
                .map_err(|_| "routing table poisoned".to_string())
                .and_then(|mut r| {
                    r.allocate_for(
                        tenant,
                        "",
                        PoolKind::Anchor,
                        called.as_str(),
                        self.cfg.anchor_ttl_ms,
                        &call_id,
                        now_ms,
                    )
                    .map_err(|e| e.to_string())
                })
        });
        match r {
            Some(Ok(a)) => match a.number.parse::<Digits>() {
                Ok(d) => {
                    ev.routing_number = a.number.as_str().into();
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
        answer: Option<&Answer>,
        now_ms: i64,
        events: &mut Vec<Event>,
    ) -> Instruction {
        let mut ev = Event::new(call.info.clone(), EventKind::Routed, now_ms);
        let ins = match answer {
            None => self.cfg.fallback,
            Some(Answer::Continue { monitor: true }) => Instruction::Monitor,
            Some(Answer::Continue { monitor: false }) => Instruction::Continue,
            Some(Answer::ConnectTo(d)) => d
                .parse()
                .map(Instruction::Connect)
                .unwrap_or(self.cfg.fallback),
            Some(Answer::Release(c)) => u8::try_from(*c)
                .ok()
                .filter(|c| (1..=127).contains(c))
                .map(Instruction::Release)
                .unwrap_or(self.cfg.fallback),
            Some(Answer::RoutingNumber(n)) => {
                // Only a number of the subscriber's own tenant.
                let tenant = call.info.tenant();
                let a = self.cfg.routing.as_ref().and_then(|r| {
                    let mut r = r.lock().ok()?;
                    r.get(n, now_ms).filter(|a| a.tenant == tenant)?;
                    r.consume(n, now_ms)
                });
                match a.and_then(|a| Some((a.target.parse::<Digits>().ok()?, a))) {
                    Some((target, a)) => {
                        ev.kind = EventKind::TransferLeg;
                        ev.routing_number = a.number.as_str().into();
                        ev.linked_call_id = a.call_id;
                        Instruction::Connect(target)
                    }
                    None => self.cfg.fallback,
                }
            }
        };
        ev.instruction = Some(ins);
        if let Instruction::Release(c) = ins {
            ev.cause = Some(c);
        }
        events.push(ev);
        ins
    }

    /// A call-state change: the event to publish.
    pub fn state(&self, call: &mut Call, state: CallState, now_ms: i64) -> Event {
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
        Event {
            cause,
            duration_seconds: duration,
            ..Event::new(call.info.clone(), kind, now_ms)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn party(s: &str) -> Party {
        Party {
            digits: s.into(),
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
                Arc::new(Subscriber {
                    number: n.to_string(),
                    user: "u".into(),
                    policy: *p,
                    terminals: vec![Terminal {
                        id: "t1".into(),
                        label: "laptop".into(),
                    }],
                    tenant: String::new(),
                }),
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
    fn trig(e: &mut Engine, t: &Trigger, now: i64) -> (Call, Event, Instruction) {
        let mut evs = Vec::new();
        let (call, d) = e.trigger(t.clone(), now, &mut evs);
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
        let t = &ev.call.trigger;
        assert_eq!(
            t.calling.as_ref().unwrap().noa,
            NatureOfAddress::International
        );
        assert_eq!(ev.kind, EventKind::Trigger);
        assert_eq!(ev.call.id, call.id());
        assert_eq!(t.calling.as_ref().unwrap().digits, "111");
        assert!(ev.call.subscriber.is_none());
    }

    #[test]
    fn served_party_follows_direction() {
        let mut e = engine(&[("111", Policy::Monitor), ("222", Policy::Pass)]);
        let (_, ev, ins) = trig(&mut e, &trigger(Direction::Originating, "111", "222"), 0);
        let sub = ev.call.subscriber.clone().unwrap();
        assert_eq!((ins, sub.number.as_str()), (Instruction::Monitor, "111"));
        assert_eq!(
            (sub.user.as_str(), sub.terminals[0].label.as_str()),
            ("u", "laptop")
        );
        assert_eq!(sub.policy, Policy::Monitor);
        let (_, ev, ins) = trig(&mut e, &trigger(Direction::Terminating, "111", "222"), 0);
        let sub = ev.call.subscriber.clone().unwrap();
        assert_eq!((ins, sub.number.as_str()), (Instruction::Continue, "222"));
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
        assert_eq!(a.kind, EventKind::Answered);
        assert_eq!(d.kind, EventKind::Disconnected);
        assert_eq!((a.call.id, d.call.id), (first.call.id, first.call.id));
        assert_eq!((d.cause, d.duration_seconds), (Some(16), 63));
        assert_eq!(d.call.trigger.called.as_ref().unwrap().digits, "222");
        // Call ids are unique.
        let (c2, _, _) = trig(&mut e, &trigger(Direction::Originating, "1", "2"), 0);
        assert_ne!(c2.id(), call.id());
    }

    fn with_routing(e: &mut Engine, pools: &[(&str, &str, &str, PoolKind)]) -> RoutingTable {
        let cfg: Vec<crate::service::routing::PoolConfig> = pools
            .iter()
            .map(|(n, f, l, k)| crate::service::routing::PoolConfig {
                name: n.to_string(),
                first: f.to_string(),
                last: l.to_string(),
                kind: *k,
                tenant: String::new(),
            })
            .collect();
        let table: RoutingTable = Arc::new(std::sync::Mutex::new(
            crate::service::routing::Allocator::new(&cfg).unwrap(),
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
            trigger(Direction::Originating, "111", &a.number),
            2_000,
            &mut evs,
        );
        assert_eq!(
            d,
            Decision::Now(Instruction::Connect("4930123".parse().unwrap()))
        );
        assert_eq!(evs.len(), 2);
        assert_eq!(evs[0].kind, EventKind::Trigger);
        assert_eq!(evs[1].kind, EventKind::TransferLeg);
        assert_eq!(evs[1].linked_call_id, "first-call");
        assert_eq!(evs[1].call.id, call.id());
        assert_eq!(evs[1].routing_number, a.number);
        assert_eq!(evs[1].destination().unwrap().digits, "4930123");
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
            trigger(Direction::Terminating, "111", "4917088000"),
            10,
            &mut evs,
        );
        assert_eq!(
            d,
            Decision::Now(Instruction::Connect("4930999".parse().unwrap()))
        );
        assert_eq!(evs[1].linked_call_id, first.id().to_string());
    }

    #[test]
    fn decide_is_pending_with_a_broker_and_falls_back_without() {
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
        let (mut call, d) = e.trigger(trigger(Direction::Originating, "111", "2"), 0, &mut evs);
        let Decision::Pending(q) = d else { panic!() };
        assert_eq!((q.call.id, evs.len()), (call.id(), 1));
        let mut evs = Vec::new();
        let ins = e.resolve(
            &mut call,
            Some(&Answer::ConnectTo("4930".into())),
            5,
            &mut evs,
        );
        assert_eq!(ins, Instruction::Connect("4930".parse().unwrap()));
        assert_eq!(evs[0].kind, EventKind::Routed);
        assert_eq!(evs[0].instruction.map(|i| i.name()), Some("connect"));
        assert_eq!(
            e.resolve(&mut call, None, 5, &mut evs),
            Instruction::Release(31)
        );
        assert_eq!(evs[1].cause, Some(31));
        let bad = Answer::Release(300);
        assert_eq!(
            e.resolve(&mut call, Some(&bad), 5, &mut evs),
            Instruction::Release(31)
        );
        let mon = Answer::Continue { monitor: true };
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
        let via = Answer::RoutingNumber(n.clone());
        assert_eq!(
            e.resolve(&mut call, Some(&via), 5, &mut evs),
            Instruction::Connect("4940".parse().unwrap())
        );
        assert_eq!(evs.last().unwrap().kind, EventKind::TransferLeg);
        // Used: the same answer again gets the fallback.
        assert_eq!(
            e.resolve(&mut call, Some(&via), 6, &mut evs),
            Instruction::Release(31)
        );
    }
    #[test]
    fn shedding_answers_cheaply_marks_events_and_still_routes_transfer_legs() {
        let mut e = engine(&[
            ("1", Policy::Monitor),
            ("2", Policy::Anchor),
            ("3", Policy::Decide),
            ("4", Policy::Pass),
        ]);
        let r = with_routing(
            &mut e,
            &[
                ("anc", "4917088000", "4917088009", PoolKind::Anchor),
                ("trn", "700", "709", PoolKind::Trn),
            ],
        );
        e.configure(EngineConfig {
            routing: Some(r.clone()),
            decisions: true,
            fallback: Instruction::Release(31),
            ..Default::default()
        });
        e.set_shedding(true);
        let o = Direction::Originating;
        for (calling, want) in [
            ("1", Instruction::Continue),
            ("2", Instruction::Continue),
            ("3", Instruction::Release(31)),
            ("4", Instruction::Continue),
        ] {
            let (_, ev, ins) = trig(&mut e, &trigger(o, calling, "4930"), 0);
            assert_eq!(ins, want, "subscriber {calling}");
            assert!(ev.shed, "subscriber {calling}");
            assert_eq!(ev.instruction, Some(want));
        }
        // No anchor number was taken while shedding.
        let anchors = r
            .lock()
            .unwrap()
            .allocate("", PoolKind::Anchor, "x", 1_000, "y", 0);
        assert_eq!(anchors.unwrap().number, "4917088000");
        // A transfer leg the server set up is still routed.
        let n = r
            .lock()
            .unwrap()
            .allocate("", PoolKind::Trn, "4940", 60_000, "first", 0)
            .unwrap()
            .number;
        let mut evs = Vec::new();
        let (_, d) = e.trigger(trigger(o, "4", &n), 1, &mut evs);
        assert_eq!(
            d,
            Decision::Now(Instruction::Connect("4940".parse().unwrap()))
        );
        assert_eq!(evs[1].kind, EventKind::TransferLeg);
        // Back to normal: policies apply again, events unmarked.
        e.set_shedding(false);
        let (_, ev, ins) = trig(&mut e, &trigger(o, "1", "4930"), 2);
        assert_eq!((ins, ev.shed), (Instruction::Monitor, false));
    }
}
