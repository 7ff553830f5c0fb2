//! WIN transactions through the node (ANSI SCCP, ANSI TCAP, TIA/EIA-41-D + IS-771):
//! triggers and their results, monitored calls followed by BillingID across the reports'
//! own transactions, decisions, and malformed queries.

use super::*;
use crate::digits::{Digits, Isup};
use crate::proto::{Direction, EventKind, Protocol};
use crate::sccp::{Address, Unitdata};
use crate::tcap::ansi::{self, AnsiComponent, AnsiMessage, PackageType, TransactionIds};
use crate::tcuser::Fault as TcFault;
use crate::win::params::{action_code, digit_type, release_cause, trigger_type};
use crate::win::{
    self, BillingId, DestinationAddress, Kind, Min, Mscid, Operation as Op, Params, Termination,
    WinCapability, WinDigits, WinMessage,
};
use std::time::Duration;

const MSC: u32 = 0x0a_0b_0c;
const SCP: u32 = 0x01_02_03;
const WIN_SSN: u8 = 14;
const MSC_SSN: u8 = 8;
const MOBILE: &str = "2125550100";
const OTHER: &str = "2125550199";

fn node(monitored: &[&str], deciding: &[&str]) -> Node {
    let table = super::tests::subscribers(monitored, deciding);
    let cfg = NodeConfig {
        point_code: SCP,
        network_indicator: 2,
        camel_ssn: 146,
        ain_ssn: Some(247),
        instance: 3,
        shards: Shards::ONE,
        max_dialogues: 10,
        dialogue_idle: Duration::from_secs(30),
    };
    let stack = StackConfig {
        sccp_variant: sccp::Variant::Ansi,
        win_ssn: Some(WIN_SSN),
        ..StackConfig::default()
    };
    let mut n = Node::with_stack(cfg, stack, table, 1_700_000_000_000);
    n.engine_mut().configure(crate::service::EngineConfig {
        decisions: true,
        ..Default::default()
    });
    n
}

fn digits(s: &str) -> Digits<Isup> {
    s.parse().unwrap()
}

fn billing(id: u32) -> BillingId {
    BillingId {
        market_id: 14656,
        swno: 1,
        id_number: id,
        segment_counter: 0,
    }
}

const MSCID: Mscid = Mscid {
    market_id: 14656,
    swno: 1,
};

/// What every message of the call carries (BillingID, MSCID, the capabilities).
fn common(id: u32, tt: u8) -> Params<'static> {
    Params {
        billing_id: Some(billing(id)),
        mscid: Some(MSCID),
        transaction_capability: Some(&[0x0c, 0x71]),
        win_capability: Some(WinCapability {
            trigger_capability: Some(&[0x7d, 0x7b, 0x1f]),
            win_operations_capability: Some(&[0x0f]),
        }),
        trigger_type: Some(tt),
        ..Default::default()
    }
}

/// OriginationRequest of mobile MOBILE dialling OTHER (TIA/EIA-41-D: no TriggerType).
fn origination(id: u32) -> WinMessage<'static> {
    WinMessage::invoke(
        Op::OriginationRequest,
        Params {
            digits: Some(WinDigits::telephony(digit_type::DIALED, digits(OTHER))),
            min: Some(Min(digits(MOBILE))),
            esn: Some([1, 2, 3, 4]),
            mobile_directory_number: Some(WinDigits::telephony(digit_type::DIALED, digits(MOBILE))),
            serving_cell_id: Some(0x1234),
            trigger_type: None,
            win_capability: None,
            ..common(id, 0)
        },
    )
}

/// AnalyzedInformation at the initial-Termination trigger of mobile MOBILE, called by OTHER.
fn termination(id: u32) -> WinMessage<'static> {
    WinMessage::invoke(
        Op::AnalyzedInformation,
        Params {
            digits: Some(WinDigits::telephony(digit_type::DIALED, digits(MOBILE))),
            min: Some(Min(digits(MOBILE))),
            calling_party_number_digits1: Some(WinDigits::telephony(
                digit_type::CALLING_PARTY,
                digits(OTHER),
            )),
            ..common(id, trigger_type::INITIAL_TERMINATION)
        },
    )
}

/// A call-event report of the call with BillingID `id`.
fn report(op: Op, id: u32) -> WinMessage<'static> {
    let tt = match op {
        Op::OAnswer => trigger_type::O_ANSWER,
        Op::TAnswer => trigger_type::T_ANSWER,
        Op::ODisconnect => trigger_type::O_DISCONNECT,
        Op::TDisconnect => trigger_type::T_DISCONNECT,
        Op::TBusy => trigger_type::T_BUSY,
        other => panic!("{other:?}"),
    };
    let mut p = Params {
        time_of_day: Some(36_000),
        time_date_offset: Some(-300),
        ..common(id, tt)
    };
    // The capabilities are in some reports' schemas only (IS-771 §6.4.2).
    if matches!(op, Op::OAnswer | Op::TDisconnect) {
        p.transaction_capability = None;
        p.win_capability = None;
    }
    if matches!(op, Op::ODisconnect | Op::TDisconnect) {
        p.release_cause = Some(release_cause::CALLING_PARTY);
    }
    if op == Op::TBusy {
        p.time_of_day = None;
        p.time_date_offset = None;
    }
    WinMessage::invoke(op, p)
}

/// A package of `kind` from the MSC with one InvokeLast of `m` (invoke id 1), in an ANSI UDT
/// to our WIN SSN. `tid`: our originating id (none in a Unidirectional package).
fn from_msc(kind: PackageType, tid: Option<u32>, m: &WinMessage<'_>) -> Vec<u8> {
    let mut t = Vec::new();
    let invoke_id = (kind != PackageType::Unidirectional).then_some(1);
    ansi::encode(
        &mut t,
        kind,
        TransactionIds {
            originating: tid.map(u32::to_be_bytes),
            responding: None,
        },
        None,
        |w| m.write_invoke(w, true, invoke_id, None).unwrap(),
    );
    udt(&t)
}

fn udt(tcap: &[u8]) -> Vec<u8> {
    let national = |pc, ssn| Address {
        national: true,
        ..Address::ssn_pc(pc, ssn)
    };
    let mut u = Vec::new();
    Unitdata::udt(0x81, national(SCP, WIN_SSN), national(MSC, MSC_SSN), tcap)
        .encode(&mut u, sccp::Variant::Ansi)
        .unwrap();
    u
}

fn query(tid: u32, m: &WinMessage<'_>) -> Vec<u8> {
    from_msc(PackageType::QueryWithPermission, Some(tid), m)
}

fn deliver(node: &mut Node, sccp: &[u8], fx: &mut Effects) -> Result<(), Fault> {
    let pd = ProtocolData {
        opc: MSC,
        dpc: SCP,
        si: 3,
        ni: 2,
        mp: 0,
        sls: 2,
        data: sccp,
    };
    node.on_data(5, &pd, Instant::now(), 0, fx)
}

/// What the one package sent back carries.
#[derive(Debug)]
enum Sent {
    /// ReturnResult (correlation id, parameter set bytes).
    Result(u8, Vec<u8>),
    Reject(Option<u8>),
    Other,
}

/// The one package sent back to the MSC: its type, responding id and components.
fn answer_of(fx: &Effects) -> (PackageType, Option<[u8; 4]>, Vec<Sent>) {
    assert_eq!(fx.send.len(), 1, "{:?}", fx.send);
    let o = &fx.send[0];
    assert_eq!((o.assoc, o.opc, o.dpc), (5, SCP, MSC));
    let u = Unitdata::decode_variant(&o.sccp, sccp::Variant::Ansi).unwrap();
    assert_eq!(u.called.ssn, Some(MSC_SSN));
    assert_eq!(u.calling.ssn, Some(WIN_SSN));
    let m = AnsiMessage::decode(u.data).unwrap();
    let comps = m
        .components()
        .map(|c| match c.unwrap() {
            AnsiComponent::ReturnResult {
                correlation_id,
                parameter,
                last: true,
            } => Sent::Result(correlation_id, parameter.unwrap().raw.to_vec()),
            AnsiComponent::Reject { correlation_id, .. } => Sent::Reject(correlation_id),
            _ => Sent::Other,
        })
        .collect();
    (m.package, m.ids.responding, comps)
}

/// The one ReturnResult of a Response answering `tid`'s invoke 1, decoded as `op`'s result.
fn result_of(fx: &Effects, tid: u32, op: Op) -> WinMessage<'static> {
    let (pkg, responding, comps) = answer_of(fx);
    assert_eq!(pkg, PackageType::Response);
    assert_eq!(responding, Some(tid.to_be_bytes()));
    let [Sent::Result(1, set)] = &comps[..] else {
        panic!("{comps:?}")
    };
    let set: &'static [u8] = Box::leak(set.clone().into_boxed_slice());
    WinMessage::decode_bytes(Kind::Result, op.code(), set).unwrap()
}

/// The TriggerTypes a result arms, and where their reports go.
fn armed(r: &WinMessage<'_>) -> Option<(Vec<u8>, DestinationAddress<'static>)> {
    let l = r.params.trigger_address_list.as_ref()?;
    assert!(l.second.is_none());
    let DestinationAddress::PcSsn(p) = l.first.destination else {
        panic!("{:?}", l.first.destination)
    };
    Some((
        l.first.triggers.trigger_types().collect(),
        DestinationAddress::PcSsn(p),
    ))
}

#[test]
fn unmonitored_origination_gets_the_empty_result() {
    let mut n = node(&[], &[]);
    let mut fx = Effects::default();
    deliver(&mut n, &query(9, &origination(1)), &mut fx).unwrap();
    let r = result_of(&fx, 9, Op::OriginationRequest);
    assert_eq!(
        r.params,
        Params::default(),
        "continue: nothing in the result"
    );
    let ev = &fx.published()[0];
    assert_eq!(
        (ev.kind(), ev.protocol(), ev.direction()),
        (EventKind::Trigger, Protocol::Win, Direction::Originating)
    );
    assert_eq!(ev.protocol_version, "IS-771");
    assert_eq!(ev.trigger, "OriginationRequest");
    assert_eq!(ev.calling_party.as_ref().unwrap().digits, MOBILE);
    assert_eq!(ev.called_party.as_ref().unwrap().digits, OTHER);
    // BillingID 14656 / 1 / 1 / 0, in hex.
    assert_eq!(ev.call_reference, "39400100000100");
    assert_eq!((n.open_dialogues(), n.win_calls()), (0, 0));
}

#[test]
fn monitored_origination_arms_answer_and_disconnect_and_follows_the_reports() {
    let mut n = node(&[MOBILE], &[]);
    let mut fx = Effects::default();
    deliver(&mut n, &query(9, &origination(77)), &mut fx).unwrap();
    let r = result_of(&fx, 9, Op::OriginationRequest);
    let (types, to) = armed(&r).expect("triggers armed");
    assert_eq!(types, [trigger_type::O_ANSWER, trigger_type::O_DISCONNECT]);
    assert_eq!(
        to,
        DestinationAddress::PcSsn(crate::win::PcSsn {
            kind: 0,
            point_code: SCP,
            ssn: WIN_SSN
        })
    );
    let call_id = fx.published()[0].call_id.clone();
    assert_eq!((n.open_dialogues(), n.win_calls()), (0, 1));

    // OAnswer in a Unidirectional package: published on the call, nothing sent.
    fx.clear();
    let answered = from_msc(PackageType::Unidirectional, None, &report(Op::OAnswer, 77));
    deliver(&mut n, &answered, &mut fx).unwrap();
    assert!(fx.send.is_empty(), "{:?}", fx.send);
    assert_eq!(fx.published()[0].kind(), EventKind::Answered);
    assert_eq!(fx.published()[0].call_id, call_id);

    // A report of another call (another BillingID) is answered but published nowhere.
    fx.clear();
    deliver(&mut n, &query(10, &report(Op::ODisconnect, 78)), &mut fx).unwrap();
    assert_eq!(
        result_of(&fx, 10, Op::ODisconnect).params,
        Params::default()
    );
    assert!(fx.events.is_empty());

    // ODisconnect in a transaction of its own, with the segment counter moved on: the
    // empty result, the call's end published, the call no longer followed.
    fx.clear();
    let mut disconnect = report(Op::ODisconnect, 77);
    disconnect
        .params
        .billing_id
        .as_mut()
        .unwrap()
        .segment_counter = 2;
    deliver(&mut n, &query(11, &disconnect), &mut fx).unwrap();
    assert_eq!(
        result_of(&fx, 11, Op::ODisconnect).params,
        Params::default()
    );
    let ev = &fx.published()[0];
    assert_eq!(
        (ev.kind(), &ev.call_id),
        (EventKind::Disconnected, &call_id)
    );
    assert_eq!(ev.cause, 16, "calling-party release is normal clearing");
    assert_eq!((n.open_dialogues(), n.win_calls()), (0, 0));
}

#[test]
fn monitored_termination_arms_the_terminating_half_and_a_tbusy_reports_busy() {
    let mut n = node(&[MOBILE], &[]);
    let mut fx = Effects::default();
    deliver(&mut n, &query(9, &termination(5)), &mut fx).unwrap();
    let ev = &fx.published()[0];
    assert_eq!(ev.direction(), Direction::Terminating);
    assert_eq!(ev.trigger, "initial-Termination");
    assert_eq!(ev.calling_party.as_ref().unwrap().digits, OTHER);
    let call_id = ev.call_id.clone();
    let r = result_of(&fx, 9, Op::AnalyzedInformation);
    let (types, _) = armed(&r).unwrap();
    assert_eq!(types, [trigger_type::T_ANSWER, trigger_type::T_DISCONNECT]);

    // The mobile is busy: the MSC's TBusy of the followed call is its busy, not a new call.
    fx.clear();
    deliver(&mut n, &query(12, &report(Op::TBusy, 5)), &mut fx).unwrap();
    assert_eq!(result_of(&fx, 12, Op::TBusy).params, Params::default());
    let published = fx.published();
    assert_eq!(published.len(), 1, "{published:?}");
    assert_eq!(
        (published[0].kind(), &published[0].call_id),
        (EventKind::Busy, &call_id)
    );
    assert_eq!(n.win_calls(), 0);

    // Without a followed call, a TBusy is a trigger of its own.
    fx.clear();
    deliver(&mut n, &query(13, &report(Op::TBusy, 6)), &mut fx).unwrap();
    assert_eq!(fx.published()[0].kind(), EventKind::Trigger);
    assert_eq!(fx.published()[0].trigger, "t-Busy");
}

#[test]
fn tanswer_and_tdisconnect_report_a_monitored_termination() {
    let mut n = node(&[MOBILE], &[]);
    let mut fx = Effects::default();
    deliver(&mut n, &query(9, &termination(5)), &mut fx).unwrap();
    let call_id = fx.published()[0].call_id.clone();
    fx.clear();
    // A TAnswer may come in a query too: the transaction ends with an empty Response.
    deliver(&mut n, &query(10, &report(Op::TAnswer, 5)), &mut fx).unwrap();
    let (pkg, responding, comps) = answer_of(&fx);
    assert_eq!(
        (pkg, responding, comps.len()),
        (PackageType::Response, Some(10u32.to_be_bytes()), 0)
    );
    assert_eq!(fx.published()[0].kind(), EventKind::Answered);
    fx.clear();
    deliver(&mut n, &query(11, &report(Op::TDisconnect, 5)), &mut fx).unwrap();
    assert_eq!(
        result_of(&fx, 11, Op::TDisconnect).params,
        Params::default()
    );
    let ev = &fx.published()[0];
    assert_eq!(
        (ev.kind(), &ev.call_id),
        (EventKind::Disconnected, &call_id)
    );
    assert_eq!(n.win_calls(), 0);
}

#[test]
fn decided_redirect_and_release_go_in_the_result() {
    let mut n = node(&[], &[MOBILE]);
    let mut fx = Effects::default();
    deliver(&mut n, &query(9, &origination(1)), &mut fx).unwrap();
    assert!(fx.send.is_empty(), "held for the decision");
    let id = fx.queries[0].id;
    assert_eq!(id.user, User::Win);
    fx.clear();
    let answer = crate::service::Answer::ConnectTo("12125550777".into());
    n.on_decision(id, Some(&answer), Instant::now(), 0, &mut fx);
    let r = result_of(&fx, 9, Op::OriginationRequest);
    let list = r.params.termination_list.as_ref().expect("TerminationList");
    let terminations: Vec<_> = list.iter().collect();
    let [Termination::Pstn(t)] = &terminations[..] else {
        panic!("{list:?}")
    };
    assert_eq!(t.destination_digits.digits.as_str(), "12125550777");
    assert!(armed(&r).is_none());

    fx.clear();
    deliver(&mut n, &query(10, &origination(2)), &mut fx).unwrap();
    let id = fx.queries[0].id;
    fx.clear();
    let release = crate::service::Answer::Release(17);
    n.on_decision(id, Some(&release), Instant::now(), 0, &mut fx);
    let r = result_of(&fx, 10, Op::OriginationRequest);
    assert_eq!(r.params.action_code, Some(action_code::DISCONNECT_CALL));
    assert_eq!(n.pending_decisions(), 0);
}

#[test]
fn a_redirect_the_result_cannot_carry_continues_instead() {
    // FacilitySelectedAndAvailableRes has no TerminationList: the MSC gets the empty
    // result in time rather than no answer.
    let mut n = node(&[], &[MOBILE]);
    let mut fx = Effects::default();
    let fsa = WinMessage::invoke(
        Op::FacilitySelectedAndAvailable,
        Params {
            min: Some(Min(digits(MOBILE))),
            ..common(3, trigger_type::TERMINATING_RESOURCE_AVAILABLE)
        },
    );
    deliver(&mut n, &query(9, &fsa), &mut fx).unwrap();
    let id = fx.queries[0].id;
    fx.clear();
    let answer = crate::service::Answer::ConnectTo("12125550777".into());
    n.on_decision(id, Some(&answer), Instant::now(), 0, &mut fx);
    let r = result_of(&fx, 9, Op::FacilitySelectedAndAvailable);
    assert_eq!(r.params, Params::default());
}

#[test]
fn malformed_query_is_rejected_and_the_next_call_goes_on() {
    let mut n = node(&[], &[]);
    let mut fx = Effects::default();
    // An OriginationRequest whose BillingID (mandatory) is 3 octets, not 7.
    let mut set = Vec::new();
    origination(1).encode_parameter_to(&mut set).unwrap();
    let at = set.windows(2).position(|w| w == [0x81, 0x07]).unwrap();
    set.splice(at..at + 9, [0x81, 0x03, 1, 2, 3]);
    set[1] -= 4;
    let mut t = Vec::new();
    ansi::encode(
        &mut t,
        PackageType::QueryWithPermission,
        TransactionIds {
            originating: Some([0, 0, 0, 9]),
            responding: None,
        },
        None,
        |w| {
            ansi::invoke(
                w,
                true,
                Some(1),
                None,
                ansi::OpCode::Private(Op::OriginationRequest.code()),
                |w| w.raw(&set),
            )
        },
    );
    let err = deliver(&mut n, &udt(&t), &mut fx).unwrap_err();
    assert!(matches!(err, Fault::Tc(TcFault::Win(_))), "{err:?}");
    let (pkg, responding, comps) = answer_of(&fx);
    assert_eq!(
        (pkg, responding),
        (PackageType::Response, Some([0, 0, 0, 9]))
    );
    assert!(matches!(comps[..], [Sent::Reject(Some(1))]), "{comps:?}");
    assert!(fx.events.is_empty());
    assert_eq!(n.open_dialogues(), 0);

    fx.clear();
    deliver(&mut n, &query(10, &origination(2)), &mut fx).unwrap();
    result_of(&fx, 10, Op::OriginationRequest);
    assert_eq!(fx.published()[0].kind(), EventKind::Trigger);
}

#[test]
fn an_operation_only_an_scp_sends_is_rejected() {
    let mut n = node(&[], &[]);
    let mut fx = Effects::default();
    let ccd = win::call_control_directive(
        billing(1),
        MSCID,
        None,
        DestinationAddress::PcSsn(win::PcSsn {
            kind: 0,
            point_code: SCP,
            ssn: WIN_SSN,
        }),
        &[trigger_type::O_ANSWER],
    );
    assert!(deliver(&mut n, &query(9, &ccd), &mut fx).is_err());
    let (_, _, comps) = answer_of(&fx);
    assert!(matches!(comps[..], [Sent::Reject(Some(1))]), "{comps:?}");
}
