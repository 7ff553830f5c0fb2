//! Triggers of `decide` subscribers held for the data-session server: the answer, the
//! deadline's fallback, ResetTimer while waiting, and a dialogue that ends meanwhile.

use super::tests::{begin, deliver, invokes, sent, sim_cfg};
use super::*;
use crate::camel::{opcode, ConnectArg};
use crate::lab::sim::initial_dp_begin;
use crate::proto::EventKind;
#[allow(unused_imports)]
use crate::sccp::Unitdata;
use crate::service::{Answer, Policy, Subscriber};
use crate::service::{EngineConfig, Instruction};
use crate::tcap::itu::{Component, DialogueOut, MessageType, TcMessage};
#[allow(unused_imports)]
use crate::tcap::{itu, tc::PAbortCause};
use std::sync::Arc;
use std::time::Duration;

const DECIDER: &str = "491700000042";

fn node(reset_timer: Option<(Duration, u32)>) -> Node {
    let table: SubscriberTable = Default::default();
    table.write().unwrap().insert(
        DECIDER.into(),
        Arc::new(Subscriber {
            number: DECIDER.into(),
            policy: Policy::Decide,
            ..Default::default()
        }),
    );
    let cfg = NodeConfig {
        point_code: 200,
        network_indicator: 2,
        camel_ssn: 146,
        ain_ssn: Some(247),
        instance: 7,
        shards: Shards::ONE,
        max_dialogues: 10,
        dialogue_idle: Duration::from_secs(30),
    };
    let stack = StackConfig {
        decision_deadline: Duration::from_millis(800),
        reset_timer,
        ..StackConfig::default()
    };
    let mut n = Node::with_stack(cfg, stack, table, 1_700_000_000_000);
    n.engine_mut().configure(EngineConfig {
        decisions: true,
        fallback: Instruction::Release(31),
        ..EngineConfig::default()
    });
    n
}

fn held(n: &mut Node, t0: Instant, fx: &mut Effects) -> Query {
    deliver(n, &begin(DECIDER, false, &[0x42]), t0, fx).unwrap();
    assert!(fx.send.is_empty(), "nothing answered while deciding");
    assert_eq!(fx.published()[0].kind(), EventKind::Trigger);
    assert_eq!(fx.queries.len(), 1);
    assert_eq!(n.pending_decisions(), 1);
    let q = fx.queries.pop().unwrap();
    assert_eq!(q.event.call.id.to_string(), fx.published()[0].call_id);
    fx.clear();
    q
}

#[test]
fn a_decision_to_connect_is_answered_with_connect() {
    let mut n = node(None);
    let mut fx = Effects::default();
    let t0 = Instant::now();
    let q = held(&mut n, t0, &mut fx);
    let answer = Answer::ConnectTo("4930555000".into());
    n.on_decision(
        q.id,
        Some(&answer),
        t0 + Duration::from_millis(50),
        0,
        &mut fx,
    );
    let answer_bytes = sent(&fx);
    let m = TcMessage::decode(&answer_bytes).unwrap();
    assert_eq!((m.kind, m.dtid), (MessageType::End, Some(&[0x42][..])));
    assert_eq!(invokes(&m), [opcode::CONNECT]);
    let Some(Ok(Component::Invoke {
        parameter: Some(p), ..
    })) = m.components().next()
    else {
        panic!("no Connect argument")
    };
    let c = ConnectArg::decode(p).unwrap();
    assert_eq!(
        c.destination_routing_address.digits.to_string(),
        "4930555000"
    );
    assert_eq!(fx.published()[0].kind(), EventKind::Routed);
    assert_eq!(fx.published()[0].call_id, q.event.call.id.to_string());
    assert_eq!(n.pending_decisions(), 0);
    // A second (late) answer changes nothing.
    fx.clear();
    n.on_decision(q.id, Some(&answer), t0, 0, &mut fx);
    assert!(fx.send.is_empty() && fx.events.is_empty());
}

#[test]
fn no_decision_by_the_deadline_gets_the_fallback() {
    let mut n = node(None);
    let mut fx = Effects::default();
    let t0 = Instant::now();
    let q = held(&mut n, t0, &mut fx);
    assert_eq!(n.next_deadline(), Some(t0 + Duration::from_millis(800)));
    n.on_timeout(t0 + Duration::from_millis(799), 0, &mut fx);
    assert!(fx.send.is_empty());
    n.on_timeout(t0 + Duration::from_millis(800), 0, &mut fx);
    let answer_bytes = sent(&fx);
    let m = TcMessage::decode(&answer_bytes).unwrap();
    assert_eq!(
        invokes(&m),
        [opcode::RELEASE_CALL],
        "the configured fallback"
    );
    assert_eq!(fx.published()[0].kind(), EventKind::Routed);
    // The answer arriving after the deadline is ignored.
    fx.clear();
    n.on_decision(q.id, None, t0 + Duration::from_secs(1), 0, &mut fx);
    assert!(fx.send.is_empty());
}

#[test]
fn reset_timer_keeps_the_switch_waiting_for_a_slow_decision() {
    let mut n = node(Some((Duration::from_millis(300), 20)));
    let mut fx = Effects::default();
    let t0 = Instant::now();
    let q = held(&mut n, t0, &mut fx);
    assert_eq!(n.next_deadline(), Some(t0 + Duration::from_millis(300)));
    n.on_timeout(t0 + Duration::from_millis(300), 0, &mut fx);
    // ResetTimer(tssf, 20 s) in a TC-CONTINUE with the AARE; the dialogue stays held.
    let answer_bytes = sent(&fx);
    let m = TcMessage::decode(&answer_bytes).unwrap();
    assert_eq!(m.kind, MessageType::Continue);
    assert_eq!(invokes(&m), [opcode::RESET_TIMER]);
    let Some(Ok(Component::Invoke {
        parameter: Some(p), ..
    })) = m.components().next()
    else {
        panic!("no ResetTimer argument")
    };
    let r = crate::camel::ResetTimerArg::decode(p).unwrap();
    assert_eq!(r.timer_value, 20);
    assert_eq!(n.pending_decisions(), 1);
    // Once only; the decision then comes and ends the dialogue.
    fx.clear();
    n.on_timeout(t0 + Duration::from_millis(500), 0, &mut fx);
    assert!(fx.send.is_empty());
    let answer = Answer::Continue { monitor: false };
    n.on_decision(
        q.id,
        Some(&answer),
        t0 + Duration::from_millis(600),
        0,
        &mut fx,
    );
    let answer_bytes = sent(&fx);
    let m = TcMessage::decode(&answer_bytes).unwrap();
    assert_eq!(
        (m.kind, invokes(&m)),
        (MessageType::End, vec![opcode::CONTINUE])
    );
}

#[test]
fn cap_v1_gets_no_reset_timer() {
    let mut n = node(Some((Duration::from_millis(300), 20)));
    let mut fx = Effects::default();
    let t0 = Instant::now();
    // The Begin without dialogue portion: CAP v1, which has no ResetTimer.
    let mut v2 = Vec::new();
    initial_dp_begin(&sim_cfg(DECIDER, false), &[0x43], &mut v2);
    let m = TcMessage::decode(&v2).unwrap();
    let Some(Ok(Component::Invoke {
        parameter: Some(p), ..
    })) = m.components().next()
    else {
        panic!("no InitialDP")
    };
    let mut t = Vec::new();
    itu::encode(&mut t, MessageType::Begin, Some(&[0x43]), None, None, |w| {
        itu::invoke(w, 1, opcode::INITIAL_DP, |w| w.raw(p.raw))
    });
    deliver(&mut n, &super::tests::udt(146, &t, 0x81), t0, &mut fx).unwrap();
    assert_eq!(n.pending_decisions(), 1);
    fx.clear();
    n.on_timeout(t0 + Duration::from_millis(400), 0, &mut fx);
    assert!(fx.send.is_empty());
    assert_eq!(n.next_deadline(), Some(t0 + Duration::from_millis(800)));
}

#[test]
fn a_dialogue_aborted_while_deciding_is_reported_and_forgotten() {
    // The MSC learns our transaction id from the ResetTimer's TC-CONTINUE, then aborts.
    let mut n = node(Some((Duration::from_millis(100), 20)));
    let mut fx = Effects::default();
    let t0 = Instant::now();
    let q = held(&mut n, t0, &mut fx);
    n.on_timeout(t0 + Duration::from_millis(100), 0, &mut fx);
    let reset = sent(&fx);
    let ours = TcMessage::decode(&reset).unwrap().otid.unwrap().to_vec();
    fx.clear();
    let mut t = Vec::new();
    itu::encode(
        &mut t,
        MessageType::Abort,
        None,
        Some(&ours),
        Some(DialogueOut::Abrt { source: 0 }),
        |_| {},
    );
    deliver(&mut n, &super::tests::udt(146, &t, 0), t0, &mut fx).unwrap();
    assert!(fx.send.is_empty());
    assert_eq!(fx.published()[0].kind(), EventKind::DialogueAborted);
    assert_eq!(fx.published()[0].call_id, q.event.call.id.to_string());
    assert_eq!(n.pending_decisions(), 0);
    fx.clear();
    n.on_decision(q.id, None, t0, 0, &mut fx);
    assert!(fx.send.is_empty() && fx.events.is_empty());
}
