//! The query-dialogue core on its own: triggers answered now or held, decisions on time
//! and late, deadlines and ResetTimer times in order, dialogues that end while held.

use super::*;
use crate::service::{CallId, EngineConfig, EventKind, Party, Policy, Subscriber, SubscriberTable};
use crate::tcap::sm::TcapConfig;
use crate::tcap::tc::Variant;
use std::sync::Arc;

const DECIDER: &str = "491700000042";

struct World {
    tcap: Tcap<Route>,
    engine: Engine,
    events: Vec<Event>,
    queries: Vec<Query>,
    notes: Vec<Note>,
    hlr: Vec<(u64, crate::service::hlr::HlrResult)>,
}

impl World {
    fn new() -> World {
        let table: SubscriberTable = Default::default();
        table.write().unwrap().insert(
            DECIDER.into(),
            Arc::new(Subscriber {
                number: DECIDER.into(),
                policy: Policy::Decide,
                ..Default::default()
            }),
        );
        let mut engine = Engine::new(table, 0, 0);
        engine.configure(EngineConfig {
            decisions: true,
            fallback: Instruction::Release(31),
            ..Default::default()
        });
        World {
            tcap: Tcap::new(TcapConfig::new(Variant::Itu)),
            engine,
            events: Vec::new(),
            queries: Vec::new(),
            notes: Vec::new(),
            hlr: Vec::new(),
        }
    }

    fn ctx(&mut self, now: Instant) -> Ctx<'_> {
        Ctx {
            tcap: &mut self.tcap,
            engine: &mut self.engine,
            events: &mut self.events,
            queries: &mut self.queries,
            notes: &mut self.notes,
            hlr: &mut self.hlr,
            now,
            now_ms: 0,
        }
    }
}

fn trigger(calling: &str) -> Trigger {
    Trigger {
        direction: crate::service::Direction::Originating,
        calling: Some(Party {
            digits: calling.into(),
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn core() -> Dialogues<(), &'static str> {
    Dialogues::new(
        User::Camel,
        Duration::from_millis(800),
        Some(Duration::from_millis(300)),
    )
}

#[test]
fn a_trigger_not_held_is_answered_now_and_its_call_can_be_followed() {
    let mut w = World::new();
    let mut c = core();
    let t0 = Instant::now();
    let d = DialogueId(1);
    let (call, ins) = c
        .trigger(&mut w.ctx(t0), d, trigger("4911"), "held", true)
        .expect("answered now");
    assert_eq!(ins, Instruction::Continue);
    assert!(w.queries.is_empty() && c.pending() == 0 && c.next_deadline().is_none());
    c.follow(d, call, ());
    assert_eq!(c.followed(), 1);
    // It ends abnormally: DIALOGUE_ABORTED for that call, and it is forgotten.
    c.closed(&mut w.ctx(t0), d, CallState::Aborted);
    assert_eq!(w.events.last().unwrap().kind, EventKind::DialogueAborted);
    assert_eq!(c.followed(), 0);
}

#[test]
fn a_held_trigger_takes_the_decision_once_and_refuses_late_ones() {
    let mut w = World::new();
    let mut c = core();
    let t0 = Instant::now();
    let d = DialogueId(7);
    assert!(c
        .trigger(&mut w.ctx(t0), d, trigger(DECIDER), "h", true)
        .is_none());
    let q = w.queries.pop().expect("query");
    assert_eq!((q.id.user, q.id.dialogue), (User::Camel, d));
    assert_eq!(q.event.kind, EventKind::Trigger);
    // ResetTimer at +300 ms comes first, then the deadline at +800 ms.
    assert_eq!(c.next_deadline(), Some(t0 + Duration::from_millis(300)));
    let answer = Answer::ConnectTo("4930".into());
    let (got, call, ins, h) = c
        .decided(&mut w.ctx(t0), q.id, Some(&answer))
        .expect("held");
    assert_eq!((got, h), (d, "h"));
    assert_eq!(ins, Instruction::Connect("4930".parse().unwrap()));
    assert_eq!(call.id(), q.event.call.id);
    assert_eq!(w.events.last().unwrap().kind, EventKind::Routed);
    // Its timers went with it; the same answer again is late.
    assert_eq!((c.pending(), c.next_deadline()), (0, None));
    assert!(c.decided(&mut w.ctx(t0), q.id, Some(&answer)).is_none());
}

#[test]
fn deadlines_give_the_fallback_after_reset_timer_times() {
    let mut w = World::new();
    let mut c = core();
    let t0 = Instant::now();
    for (i, can_reset) in [(1, true), (2, false)] {
        let at = t0 + Duration::from_millis(10 * i);
        c.trigger(
            &mut w.ctx(at),
            DialogueId(i as u32),
            trigger(DECIDER),
            "h",
            can_reset,
        );
    }
    let ms = |n| t0 + Duration::from_millis(n);
    let nothing = |(f, r): (Vec<Answering<&str>>, Vec<DialogueId>)| f.is_empty() && r.is_empty();
    // Nothing due yet.
    assert!(nothing(c.expired(&mut w.ctx(ms(200)))));
    // 310 ms: dialogue 1 (which may be reset) is due its ResetTimer, once.
    let (fallbacks, resets) = c.expired(&mut w.ctx(ms(320)));
    assert!(fallbacks.is_empty());
    assert_eq!(resets, vec![DialogueId(1)]);
    assert!(nothing(c.expired(&mut w.ctx(ms(330)))));
    // 810 and 820 ms: both fall back, in deadline order.
    let (fallbacks, resets) = c.expired(&mut w.ctx(ms(900)));
    assert!(resets.is_empty());
    let got: Vec<_> = fallbacks.iter().map(|a| (a.0, a.2)).collect();
    assert_eq!(
        got,
        vec![
            (DialogueId(1), Instruction::Release(31)),
            (DialogueId(2), Instruction::Release(31))
        ]
    );
    assert_eq!((c.pending(), c.next_deadline()), (0, None));
}

#[test]
fn a_dialogue_ending_while_held_is_reported_and_its_decision_is_late() {
    let mut w = World::new();
    let mut c = core();
    let t0 = Instant::now();
    let d = DialogueId(3);
    c.trigger(&mut w.ctx(t0), d, trigger(DECIDER), "h", true);
    let q = w.queries.pop().unwrap();
    c.closed(&mut w.ctx(t0), d, CallState::TimedOut);
    let ev = w.events.last().unwrap();
    assert_eq!(
        (ev.kind, ev.call.id),
        (EventKind::DialogueTimedOut, q.event.call.id)
    );
    assert_eq!((c.pending(), c.next_deadline()), (0, None));
    assert!(c.decided(&mut w.ctx(t0), q.id, None).is_none());
}

#[test]
fn shutdown_drains_held_triggers_with_the_fallback_and_followed_calls_in_order() {
    let mut w = World::new();
    let mut c = core();
    let t0 = Instant::now();
    c.trigger(&mut w.ctx(t0), DialogueId(9), trigger(DECIDER), "h", true);
    for d in [5, 2] {
        let (call, _) = c
            .trigger(&mut w.ctx(t0), DialogueId(d), trigger("4911"), "x", true)
            .unwrap();
        c.follow(DialogueId(d), call, ());
    }
    let (held, followed) = c.drain(&mut w.ctx(t0));
    assert_eq!(held.len(), 1);
    assert_eq!(
        (held[0].0, held[0].2),
        (DialogueId(9), Instruction::Release(31))
    );
    let order: Vec<DialogueId> = followed.iter().map(|(d, _)| *d).collect();
    assert_eq!(order, vec![DialogueId(2), DialogueId(5)]);
    assert_eq!((c.pending(), c.followed(), c.next_deadline()), (0, 0, None));
    // Call ids of one engine stay distinct.
    let ids: std::collections::HashSet<CallId> = w.events.iter().map(|e| e.call.id).collect();
    assert_eq!(ids.len(), 3);
}
