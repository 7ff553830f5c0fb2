//! AIN dialogues through the node (ANSI SCCP, ANSI TCAP, GR-1299): triggers, monitoring
//! with EDPs (AIN 0.2) and with Send_Notification (AIN 0.1), and malformed queries.

use super::*;
use crate::ain::{self, AinDigits, AinMessage, Arg, BearerCapability, Operation as Op, UserId};
use crate::digits::{Digits, Isup};
use crate::proto::{Direction, EventKind, Protocol};
use crate::sccp::Address;
#[allow(unused_imports)]
use crate::sccp::Unitdata;
use crate::tcap::ansi::{self, AnsiComponent, AnsiMessage, OpCode, PackageType, TransactionIds};
#[allow(unused_imports)]
use crate::tcap::{itu, tc::PAbortCause};
use crate::tcuser::Fault as TcFault;
use std::time::Duration;

const SSP: u32 = 0x0a_0b_0c;
const SCP: u32 = 0x01_02_03;
const AIN_SSN: u8 = 247;

fn node(monitored: &[&str]) -> Node {
    node_with(monitored, &[])
}

fn node_with(monitored: &[&str], deciding: &[&str]) -> Node {
    node_of(monitored, deciding, Shards::ONE, ain::Release::V0_2)
}

fn node_of(monitored: &[&str], deciding: &[&str], shards: Shards, release: ain::Release) -> Node {
    let table = super::tests::subscribers(monitored, deciding);
    let cfg = NodeConfig {
        point_code: SCP,
        network_indicator: 2,
        camel_ssn: 146,
        ain_ssn: Some(AIN_SSN),
        instance: 3,
        shards,
        max_dialogues: 10,
        dialogue_idle: Duration::from_secs(30),
    };
    let stack = StackConfig {
        sccp_variant: sccp::Variant::Ansi,
        ain: crate::tcuser::ain::AinSettings {
            release,
            ..Default::default()
        },
        ..StackConfig::default()
    };
    Node::with_stack(cfg, stack, table, 1_700_000_000_000)
}

fn digits(s: &str) -> Digits<Isup> {
    s.parse().unwrap()
}

/// Info_Analyzed from line 2015550100 dialling 2015550199 (AIN 0.2 SEQUENCE form, or the
/// AIN 0.1 parameter set).
fn info_analyzed(form: ain::ArgumentForm) -> AinMessage<'static> {
    AinMessage::new(
        Op::InfoAnalyzed,
        Arg {
            user_id: Some(UserId::Dn(digits("2015550100"))),
            bearer_capability: Some(BearerCapability(0)),
            called_party_id: Some(AinDigits::national(digits("2015550199"))),
            calling_party_id: Some(AinDigits::national(digits("2015550100"))),
            ..Default::default()
        },
    )
    .with_form(form)
}

fn termination_attempt() -> AinMessage<'static> {
    AinMessage::new(
        Op::TerminationAttempt,
        Arg {
            user_id: Some(UserId::Dn(digits("2015550100"))),
            bearer_capability: Some(BearerCapability(0)),
            calling_party_id: Some(AinDigits::national(digits("7035550111"))),
            ..Default::default()
        },
    )
}

/// An event report; `notification`: EDP-N (NotificationIndicator TRUE).
fn event(op: Op, notification: bool) -> AinMessage<'static> {
    AinMessage::new(
        op,
        Arg {
            user_id: Some(UserId::Dn(digits("2015550100"))),
            bearer_capability: Some(BearerCapability(0)),
            notification_indicator: notification.then_some(true),
            ..Default::default()
        },
    )
}

/// A TCAP package from the SSP in an ANSI UDT to our AIN SSN (national addresses).
fn to_scp(tcap: &[u8]) -> Vec<u8> {
    let national = |pc, ssn| Address {
        national: true,
        ..Address::ssn_pc(pc, ssn)
    };
    let mut u = Vec::new();
    Unitdata::udt(0x81, national(SCP, AIN_SSN), national(SSP, AIN_SSN), tcap)
        .encode(&mut u, sccp::Variant::Ansi)
        .unwrap();
    u
}

/// A package of `kind` from the SSP with one Invoke of `m` (invoke id 1), in an ANSI UDT
/// to our AIN SSN.
fn from_ssp(kind: PackageType, ids: TransactionIds, m: &AinMessage<'_>) -> Vec<u8> {
    from_ssp_id(kind, ids, m, 1)
}

fn from_ssp_id(kind: PackageType, ids: TransactionIds, m: &AinMessage<'_>, id: u8) -> Vec<u8> {
    let mut t = Vec::new();
    ansi::encode(&mut t, kind, ids, None, |w| {
        m.invoke(w, true, Some(id), None).unwrap()
    });
    to_scp(&t)
}

fn query(m: &AinMessage<'_>) -> Vec<u8> {
    let ids = TransactionIds {
        originating: Some([0, 0, 0, 9]),
        responding: None,
    };
    from_ssp(PackageType::QueryWithPermission, ids, m)
}

fn deliver(node: &mut Node, sccp: &[u8], fx: &mut Effects) -> Result<(), Fault> {
    let pd = ProtocolData {
        opc: SSP,
        dpc: SCP,
        si: 3,
        ni: 2,
        mp: 0,
        sls: 2,
        data: sccp,
    };
    node.on_data(5, &pd, Instant::now(), 0, fx)
}

/// The one package sent back to the SSP: its type, responding/originating ids and the AIN
/// operations (or Reject problems, as `None`) it carries.
fn answer_of(fx: &Effects) -> (PackageType, TransactionIds, Vec<Option<Op>>) {
    assert_eq!(fx.send.len(), 1, "{:?}", fx.send);
    let o = &fx.send[0];
    assert_eq!((o.assoc, o.opc, o.dpc), (5, SCP, SSP));
    let u = Unitdata::decode_variant(&o.sccp, sccp::Variant::Ansi).unwrap();
    assert_eq!(u.called.ssn, Some(AIN_SSN));
    let m = AnsiMessage::decode(u.data).unwrap();
    let ops = m
        .components()
        .map(|c| match c.unwrap() {
            AnsiComponent::Invoke {
                opcode, parameter, ..
            } => Some(ain::ain(opcode, parameter).unwrap().op),
            _ => None,
        })
        .collect();
    (m.package, m.ids, ops)
}

/// (InvokeLast, correlation id) of each Invoke in the one package sent back.
fn links_of(fx: &Effects) -> Vec<(bool, Option<u8>)> {
    let u = Unitdata::decode_variant(&fx.send[0].sccp, sccp::Variant::Ansi).unwrap();
    AnsiMessage::decode(u.data)
        .unwrap()
        .components()
        .filter_map(|c| match c.unwrap() {
            AnsiComponent::Invoke {
                last,
                correlation_id,
                ..
            } => Some((last, correlation_id)),
            _ => None,
        })
        .collect()
}

#[test]
fn unmonitored_info_analyzed_gets_continue_in_a_response() {
    let mut n = node(&[]);
    let mut fx = Effects::default();
    deliver(&mut n, &query(&info_analyzed(Default::default())), &mut fx).unwrap();
    let (pkg, ids, ops) = answer_of(&fx);
    assert_eq!(pkg, PackageType::Response);
    assert_eq!(ids.responding, Some([0, 0, 0, 9]));
    assert_eq!(ops, [Some(Op::Continue)]);
    assert_eq!(
        links_of(&fx),
        [(true, Some(1))],
        "linked to the query's invoke"
    );
    let ev = &fx.published()[0];
    assert_eq!(
        (ev.kind(), ev.protocol(), ev.direction()),
        (EventKind::Trigger, Protocol::Ain, Direction::Originating)
    );
    assert_eq!(ev.protocol_version, "AIN 0.2");
    assert_eq!(ev.trigger, "info-Analyzed");
    assert_eq!(ev.calling_party.as_ref().unwrap().digits, "2015550100");
    assert_eq!(ev.called_party.as_ref().unwrap().digits, "2015550199");
    assert_eq!(n.open_dialogues(), 0);
}

#[test]
fn unmonitored_termination_attempt_is_authorized() {
    let mut n = node(&[]);
    let mut fx = Effects::default();
    deliver(&mut n, &query(&termination_attempt()), &mut fx).unwrap();
    let (pkg, _, ops) = answer_of(&fx);
    assert_eq!(
        (pkg, ops),
        (PackageType::Response, vec![Some(Op::AuthorizeTermination)])
    );
    let ev = &fx.published()[0];
    assert_eq!(ev.direction(), Direction::Terminating);
    // The called party of a terminating trigger without CalledPartyID is the line itself.
    assert_eq!(ev.called_party.as_ref().unwrap().digits, "2015550100");
}

#[test]
fn monitored_call_arms_edps_and_reports_answer_and_disconnect() {
    let mut n = node(&["2015550100"]);
    let mut fx = Effects::default();
    deliver(&mut n, &query(&info_analyzed(Default::default())), &mut fx).unwrap();
    let (pkg, ids, ops) = answer_of(&fx);
    assert_eq!(pkg, PackageType::ConversationWithPermission);
    assert_eq!(ops, [Some(Op::RequestReportBcmEvent), Some(Op::Continue)]);
    // Both answer the query's invoke; only the last says so.
    assert_eq!(links_of(&fx), [(false, Some(1)), (true, Some(1))]);
    // The EDPs armed: answer as a notification, the ends of the call as requests.
    let u = Unitdata::decode_variant(&fx.send[0].sccp, sccp::Variant::Ansi).unwrap();
    let m = AnsiMessage::decode(u.data).unwrap();
    let Some(Ok(AnsiComponent::Invoke {
        opcode, parameter, ..
    })) = m.components().next()
    else {
        panic!("no invoke")
    };
    let rrb = ain::ain(opcode, parameter).unwrap();
    let (req, not) = crate::tcuser::ain_map::monitor_edps(crate::service::Direction::Originating);
    assert_eq!(
        (rrb.arg.edp_request, rrb.arg.edp_notification),
        (Some(req), Some(not))
    );
    assert_eq!(n.open_dialogues(), 1);
    let call_id = fx.published()[0].call_id.clone();

    // O_Answer as EDP-N in a Conversation: published, nothing sent.
    let conv = |kind, m: &AinMessage<'_>| {
        let ids = TransactionIds {
            originating: Some([0, 0, 0, 9]),
            responding: ids.originating,
        };
        from_ssp_id(kind, ids, m, 7)
    };
    fx.clear();
    let answered = conv(
        PackageType::ConversationWithoutPermission,
        &event(Op::OAnswer, true),
    );
    deliver(&mut n, &answered, &mut fx).unwrap();
    assert!(fx.send.is_empty(), "{:?}", fx.send);
    assert_eq!(fx.published()[0].kind(), EventKind::Answered);
    assert_eq!(fx.published()[0].call_id, call_id);

    // O_Disconnect as EDP-R: published, answered with Disconnect (what GR-1299's LINKED
    // list for O_Disconnect permits) linked to the report, in a Response.
    fx.clear();
    let disconnect = conv(
        PackageType::ConversationWithPermission,
        &event(Op::ODisconnect, false),
    );
    deliver(&mut n, &disconnect, &mut fx).unwrap();
    let (pkg, _, ops) = answer_of(&fx);
    assert_eq!(
        (pkg, ops),
        (PackageType::Response, vec![Some(Op::Disconnect)])
    );
    assert_eq!(links_of(&fx), [(true, Some(7))]);
    assert_eq!(fx.published()[0].kind(), EventKind::Disconnected);
    assert_eq!(fx.published()[0].call_id, call_id);
    assert_eq!(n.open_dialogues(), 0);
}

#[test]
fn ain_0_1_monitoring_uses_send_notification_and_termination_notification() {
    let mut n = node_of(&["2015550100"], &[], Shards::ONE, ain::Release::V0_1);
    let mut fx = Effects::default();
    deliver(
        &mut n,
        &query(&info_analyzed(ain::ArgumentForm::Set)),
        &mut fx,
    )
    .unwrap();
    let (pkg, _, ops) = answer_of(&fx);
    assert_eq!(pkg, PackageType::Response);
    assert_eq!(ops, [Some(Op::SendNotification), Some(Op::Continue)]);
    assert_eq!(links_of(&fx), [(false, Some(1)), (true, Some(1))]);
    assert_eq!(fx.published()[0].protocol_version, "AIN 0.1");
    let call_id = fx.published()[0].call_id.clone();
    let u = Unitdata::decode_variant(&fx.send[0].sccp, sccp::Variant::Ansi).unwrap();
    let m = AnsiMessage::decode(u.data).unwrap();
    let mut comps = m.components();
    let Some(Ok(AnsiComponent::Invoke {
        opcode, parameter, ..
    })) = comps.next()
    else {
        panic!("no invoke")
    };
    let echo = ain::ain(opcode, parameter).unwrap().arg.echo_data.unwrap();
    let Some(Ok(AnsiComponent::Invoke { parameter, .. })) = comps.next() else {
        panic!("no second invoke")
    };
    assert_eq!(
        parameter.unwrap().tag,
        ansi::tags::PARAMETER_SET,
        "mirrored"
    );
    // The call ends: Termination_Notification in a Unidirectional package.
    fx.clear();
    let tn = AinMessage::new(
        Op::TerminationNotification,
        Arg {
            echo_data: Some(echo),
            termination_indicator: Some(1),
            ..Default::default()
        },
    )
    .with_form(ain::ArgumentForm::Set);
    let uni = from_ssp(PackageType::Unidirectional, TransactionIds::default(), &tn);
    deliver(&mut n, &uni, &mut fx).unwrap();
    assert!(fx.send.is_empty());
    assert_eq!(fx.published()[0].kind(), EventKind::Disconnected);
    assert_eq!(fx.published()[0].call_id, call_id);
    // Only once.
    fx.clear();
    deliver(&mut n, &uni, &mut fx).unwrap();
    assert!(fx.events.is_empty());
}

/// With two shards, the Termination_Notification of a call shard 0 follows may come to
/// shard 1 (a dialogue of its own): shard 1 hands it over, shard 0 publishes the end.
#[test]
fn a_termination_notification_reaches_the_shard_that_follows_the_call() {
    let shard = |index| Shards { index, count: 2 };
    let (mut a, mut b) = (
        node_of(&["2015550100"], &[], shard(0), ain::Release::V0_1),
        node_of(&["2015550100"], &[], shard(1), ain::Release::V0_1),
    );
    let mut fx = Effects::default();
    deliver(
        &mut a,
        &query(&info_analyzed(ain::ArgumentForm::Set)),
        &mut fx,
    )
    .unwrap();
    let call_id = fx.published()[0].call_id.clone();
    let u = Unitdata::decode_variant(&fx.send[0].sccp, sccp::Variant::Ansi).unwrap();
    let m = AnsiMessage::decode(u.data).unwrap();
    let Some(Ok(AnsiComponent::Invoke {
        opcode, parameter, ..
    })) = m.components().next()
    else {
        panic!("no invoke")
    };
    let echo = ain::ain(opcode, parameter).unwrap().arg.echo_data.unwrap();
    assert_eq!(echo[0], 0, "the EchoData names the shard");
    let tn = AinMessage::new(
        Op::TerminationNotification,
        Arg {
            echo_data: Some(echo),
            termination_indicator: Some(1),
            ..Default::default()
        },
    )
    .with_form(ain::ArgumentForm::Set);
    let uni = from_ssp(PackageType::Unidirectional, TransactionIds::default(), &tn);
    fx.clear();
    deliver(&mut b, &uni, &mut fx).unwrap();
    assert!(fx.events.is_empty() && fx.send.is_empty());
    let note = fx
        .notes
        .pop()
        .expect("handed to the shard that follows the call");
    assert_eq!(note.shard, 0);
    fx.clear();
    a.on_note(note, Instant::now(), 0, &mut fx);
    assert_eq!(fx.published()[0].kind(), EventKind::Disconnected);
    assert_eq!(fx.published()[0].call_id, call_id);
}

/// The argument element is the SSP's TCAP, not its AIN release: an AIN 0.2 SSP on
/// T1.114-1988 TCAP (parameter sets) is monitored with EDPs, an unmonitored call of either
/// gets Continue, and the answers come in the element the query used.
#[test]
fn the_argument_element_does_not_choose_the_release() {
    let mut n = node(&["2015550100"]);
    let mut fx = Effects::default();
    deliver(
        &mut n,
        &query(&info_analyzed(ain::ArgumentForm::Set)),
        &mut fx,
    )
    .unwrap();
    let (pkg, _, ops) = answer_of(&fx);
    assert_eq!(pkg, PackageType::ConversationWithPermission);
    assert_eq!(ops, [Some(Op::RequestReportBcmEvent), Some(Op::Continue)]);
    assert_eq!(fx.published()[0].protocol_version, "AIN 0.2");
    for release in [ain::Release::V0_1, ain::Release::V0_2] {
        for form in [ain::ArgumentForm::Set, ain::ArgumentForm::Sequence] {
            let mut n = node_of(&[], &[], Shards::ONE, release);
            let mut fx = Effects::default();
            deliver(&mut n, &query(&info_analyzed(form)), &mut fx).unwrap();
            let (pkg, _, ops) = answer_of(&fx);
            assert_eq!(
                (pkg, ops),
                (PackageType::Response, vec![Some(Op::Continue)]),
                "{release:?} {form:?}"
            );
            let u = Unitdata::decode_variant(&fx.send[0].sccp, sccp::Variant::Ansi).unwrap();
            let m = AnsiMessage::decode(u.data).unwrap();
            let Some(Ok(AnsiComponent::Invoke { parameter, .. })) = m.components().next() else {
                panic!("no invoke")
            };
            let set = parameter.unwrap().tag == ansi::tags::PARAMETER_SET;
            assert_eq!(set, form == ain::ArgumentForm::Set, "{release:?} {form:?}");
        }
    }
}

#[test]
fn malformed_queries_are_rejected_in_the_response() {
    let mut n = node(&[]);
    let mut fx = Effects::default();
    // Info_Analyzed without its mandatory UserID.
    let mut bad = info_analyzed(Default::default());
    bad.arg.user_id = None;
    let u = query_plus(&bad.arg, &[]);
    let e = deliver(&mut n, &u, &mut fx).unwrap_err();
    assert!(matches!(e, Fault::Tc(TcFault::Ain(_))), "{e}");
    let (pkg, ids, ops) = answer_of(&fx);
    assert_eq!(
        (pkg, ids.responding),
        (PackageType::Response, Some([0, 0, 0, 8]))
    );
    assert_eq!(ops, [None], "a Reject");
    assert!(fx.events.is_empty());
    // An operation the SCP does not take in a query (O_Answer) is rejected too.
    fx.clear();
    let e = deliver(&mut n, &query(&event(Op::OAnswer, true)), &mut fx).unwrap_err();
    assert!(matches!(e, Fault::Tc(TcFault::Ain(_))), "{e}");
    assert_eq!(answer_of(&fx).2, [None]);
    assert_eq!(n.open_dialogues(), 0);
}

/// A QueryWithPermission whose Info_Analyzed carries `arg` and then the raw members `extra`.
fn query_plus(arg: &Arg<'_>, extra: &[u8]) -> Vec<u8> {
    let mut t = Vec::new();
    let ids = TransactionIds {
        originating: Some([0, 0, 0, 8]),
        responding: None,
    };
    ansi::encode(&mut t, PackageType::QueryWithPermission, ids, None, |w| {
        ansi::invoke(
            w,
            true,
            Some(1),
            None,
            OpCode::Private(Op::InfoAnalyzed.code()),
            |w| {
                w.constructed(crate::ber::Tag::SEQUENCE, |w| {
                    arg.encode_members(Op::InfoAnalyzed, w);
                    w.raw(extra);
                })
            },
        )
    });
    to_scp(&t)
}

/// Issue 14, lenient in: an Info_Analyzed whose optional ChargeNumber [19] is one octet
/// (no room for its digits) is answered as any other, the parameter noted raw in the event;
/// a malformed UserID, mandatory, still gets the Reject.
#[test]
fn a_malformed_optional_parameter_is_noted_and_the_call_goes_on() {
    let mut n = node(&["2015550100"]);
    let mut fx = Effects::default();
    let arg = info_analyzed(Default::default()).arg;
    let bad = [0x93, 0x01, 0x01];
    deliver(&mut n, &query_plus(&arg, &bad), &mut fx).unwrap();
    let (pkg, _, ops) = answer_of(&fx);
    assert_eq!(pkg, PackageType::ConversationWithPermission);
    assert_eq!(ops, [Some(Op::RequestReportBcmEvent), Some(Op::Continue)]);
    let ev = &fx.published()[0];
    assert_eq!(ev.calling_party.as_ref().unwrap().digits, "2015550100");
    let [m] = &ev.malformed[..] else {
        panic!("{:?}", ev.malformed)
    };
    assert_eq!((m.member.as_str(), &m.raw[..]), ("chargeNumber", &bad[..]));
    assert!(!m.fault.is_empty());

    fx.clear();
    let without_user = Arg {
        user_id: None,
        ..arg
    };
    let q = query_plus(&without_user, &[0x9f, 0x35, 0x01, 0x00]);
    let e = deliver(&mut n, &q, &mut fx).unwrap_err();
    assert!(matches!(e, Fault::Tc(TcFault::Ain(_))), "{e}");
    assert_eq!(answer_of(&fx).2, [None], "a Reject");
    assert!(fx.events.is_empty());
}

/// Lenient in for event reports too: a T_Busy whose optional BusyCause [14] is one octet
/// (it needs two or three) is published as BUSY with the parameter noted raw, and the
/// EDP-R is answered as any other.
#[test]
fn a_report_with_a_malformed_optional_parameter_is_noted_and_answered() {
    let mut n = node(&["2015550100"]);
    let mut fx = Effects::default();
    deliver(&mut n, &query(&termination_attempt()), &mut fx).unwrap();
    let (pkg, ids, _) = answer_of(&fx);
    assert_eq!(pkg, PackageType::ConversationWithPermission);
    let bad = [0x8e, 0x01, 0x90];
    let mut t = Vec::new();
    let pair = TransactionIds {
        originating: Some([0, 0, 0, 9]),
        responding: ids.originating,
    };
    let busy = event(Op::TBusy, false);
    ansi::encode(
        &mut t,
        PackageType::ConversationWithPermission,
        pair,
        None,
        |w| {
            ansi::invoke(
                w,
                true,
                Some(4),
                None,
                OpCode::Private(Op::TBusy.code()),
                |w| {
                    w.constructed(crate::ber::Tag::SEQUENCE, |w| {
                        busy.arg.encode_members(Op::TBusy, w);
                        w.raw(&bad);
                    })
                },
            )
        },
    );
    fx.clear();
    deliver(&mut n, &to_scp(&t), &mut fx).unwrap();
    let (pkg, _, ops) = answer_of(&fx);
    assert_eq!(
        (pkg, ops),
        (PackageType::Response, vec![Some(Op::Continue)])
    );
    let ev = &fx.published()[0];
    assert_eq!(ev.kind(), EventKind::Busy);
    let [m] = &ev.malformed[..] else {
        panic!("{:?}", ev.malformed)
    };
    assert_eq!((m.member.as_str(), &m.raw[..]), ("busyCause", &bad[..]));
    assert_eq!(n.open_dialogues(), 0);
}

#[test]
fn shutdown_ends_followed_ain_calls() {
    let mut n = node(&["2015550100"]);
    let mut fx = Effects::default();
    deliver(&mut n, &query(&info_analyzed(Default::default())), &mut fx).unwrap();
    assert_eq!(n.open_dialogues(), 1);
    fx.clear();
    n.shutdown(&mut fx);
    // SSPs for both subsystems are not configured here; the dialogue gets a Response.
    let (pkg, _, _) = answer_of(&fx);
    assert_eq!(pkg, PackageType::Response);
    assert_eq!(n.open_dialogues(), 0);
}

#[test]
fn a_decide_subscriber_s_call_is_routed_as_the_server_decides() {
    let mut n = node_with(&[], &["2015550100"]);
    n.engine_mut().configure(crate::service::EngineConfig {
        decisions: true,
        ..Default::default()
    });
    let mut fx = Effects::default();
    deliver(&mut n, &query(&info_analyzed(Default::default())), &mut fx).unwrap();
    assert!(fx.send.is_empty());
    let q = fx.queries.pop().expect("a query for the decision broker");
    fx.clear();
    let answer = crate::service::Answer::ConnectTo("2015550777".into());
    n.on_decision(q.id, Some(&answer), Instant::now(), 0, &mut fx);
    let (pkg, _, ops) = answer_of(&fx);
    assert_eq!(
        (pkg, ops),
        (PackageType::Response, vec![Some(Op::AnalyzeRoute)])
    );
    let u = Unitdata::decode_variant(&fx.send[0].sccp, sccp::Variant::Ansi).unwrap();
    let m = AnsiMessage::decode(u.data).unwrap();
    let Some(Ok(AnsiComponent::Invoke {
        opcode, parameter, ..
    })) = m.components().next()
    else {
        panic!("no invoke")
    };
    let route = ain::ain(opcode, parameter).unwrap();
    assert_eq!(
        route.arg.called_party_id.unwrap().digits,
        digits("2015550777")
    );
    assert_eq!(fx.published()[0].kind(), EventKind::Routed);
}
