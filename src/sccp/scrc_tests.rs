//! SCCP routing control on its own, without sockets or TCAP: what reaches a subsystem, what
//! is relayed, returned, reassembled, answered by SCMG, and how user data goes out.

use super::address::{Address, GlobalTitle, Variant};
use super::route::{GtAction, GtRule};
use super::scmg::{scmg_type, ScmgMessage, SSN_SCMG};
use super::scrc::*;
use super::segment::{ReassemblyConfig, Segmenter};
use super::{cause, encode_udt, msg_type, Unitdata};
use crate::m3ua::ProtocolData;
use std::borrow::Cow;
use std::time::{Duration, Instant};

const US: u32 = 200;
const MSC: u32 = 100;

fn scrc(gt_rules: Vec<GtRule>) -> Scrc {
    Scrc::new(
        ScrcConfig {
            point_code: US,
            network_indicator: 2,
            subsystems: vec![146, 247],
            variant: Variant::Itu,
            hop_counter: 12,
            reassembly: ReassemblyConfig {
                timeout_ms: 2_000,
                ..ReassemblyConfig::default()
            },
            max_segment: None,
            gt_rules,
            scmg_concerned: vec![300, 301],
        },
        7,
    )
}

fn pd(sccp: &[u8]) -> ProtocolData<'_> {
    ProtocolData {
        opc: MSC,
        dpc: US,
        si: 3,
        ni: 2,
        mp: 0,
        sls: 5,
        data: sccp,
    }
}

fn udt_to(ssn: u8, class: u8, data: &[u8]) -> Vec<u8> {
    let mut u = Vec::new();
    encode_udt(
        &mut u,
        class,
        &Address::ssn_pc(US, ssn),
        &Address::ssn_pc(MSC, 146),
        data,
    );
    u
}

#[test]
fn a_message_for_a_local_subsystem_goes_up_with_the_route_back() {
    let mut s = scrc(vec![]);
    let mut out = Vec::new();
    let m = udt_to(146, 0x80, b"tcap");
    let r = s.receive(9, &pd(&m), Instant::now(), &mut out).unwrap();
    let Received::Data { ssn, route, data } = r else {
        panic!("{r:?}")
    };
    assert!(out.is_empty());
    assert_eq!((ssn, &*data), (146, &b"tcap"[..]));
    assert!(matches!(data, Cow::Borrowed(_)), "not copied");
    // Label and addresses swapped; same association and class.
    assert_eq!(
        (
            route.assoc,
            route.opc,
            route.dpc,
            route.sls,
            route.protocol_class
        ),
        (9, US, MSC, 5, 0x80)
    );
    s.send(&route, b"answer", &mut out);
    let back = Unitdata::decode(&out[0].sccp).unwrap();
    assert_eq!(back.called, Address::ssn_pc(MSC, 146));
    assert_eq!(back.calling, Address::ssn_pc(US, 146));
    assert_eq!(back.data, b"answer");
}

#[test]
fn an_unknown_subsystem_is_returned_only_when_asked() {
    let mut s = scrc(vec![]);
    let mut out = Vec::new();
    let t = Instant::now();
    let asked = udt_to(8, 0x80, b"x");
    assert_eq!(
        s.receive(9, &pd(&asked), t, &mut out).unwrap_err(),
        Fault::UnknownSubsystem(Some(8))
    );
    let udts = Unitdata::decode(&out[0].sccp).unwrap();
    assert_eq!(udts.msg_type, msg_type::UDTS);
    assert_eq!(udts.return_cause, Some(cause::UNEQUIPPED_USER));
    assert_eq!(udts.data, b"x");
    out.clear();
    let silent = udt_to(8, 0x00, b"x");
    assert!(s.receive(9, &pd(&silent), t, &mut out).is_err());
    assert!(out.is_empty());
    assert_eq!(s.counters().returned[&cause::UNEQUIPPED_USER], 1);
    // Not SCCP at all.
    let mut other = pd(&silent);
    other.si = 5;
    assert_eq!(
        s.receive(9, &other, t, &mut out).unwrap_err(),
        Fault::NotSccp(5)
    );
}

fn gt_called(bcd: &[u8], ssn: u8) -> Address<'_> {
    Address {
        route_on_ssn: false,
        pc: None,
        ssn: Some(ssn),
        gt: Some(GlobalTitle::new(4, 0, 1, 4, bcd, false)),
        national: false,
    }
}

fn xudt_by_gt(bcd: &[u8], hop: u8) -> Vec<u8> {
    let u = Unitdata {
        hop_counter: Some(hop),
        ..Unitdata::xudt(0x80, gt_called(bcd, 146), Address::ssn_pc(MSC, 146), b"q")
    };
    let mut b = Vec::new();
    u.encode(&mut b, Variant::Itu).unwrap();
    b
}

#[test]
fn global_titles_route_locally_relay_or_return() {
    let rule = |prefix: &str, action| GtRule {
        tt: None,
        np: Some(1),
        nai: None,
        prefix: prefix.parse().unwrap(),
        action,
    };
    let mut s = scrc(vec![
        rule("4917", GtAction::Local { ssn: Some(247) }),
        rule(
            "49",
            GtAction::Remote {
                pc: 300,
                ssn: Some(6),
            },
        ),
    ]);
    let t = Instant::now();
    let mut out = Vec::new();
    // 4917...: ours, for the rule's subsystem.
    let m = xudt_by_gt(&[0x94, 0x71], 10);
    assert!(matches!(
        s.receive(9, &pd(&m), t, &mut out).unwrap(),
        Received::Data { ssn: 247, .. }
    ));
    // 4930...: relayed towards 300 on the same association, one hop fewer.
    let m = xudt_by_gt(&[0x94, 0x03], 10);
    assert!(matches!(
        s.receive(9, &pd(&m), t, &mut out).unwrap(),
        Received::Done
    ));
    assert_eq!((out[0].assoc, out[0].dpc), (9, 300));
    let relayed = Unitdata::decode(&out[0].sccp).unwrap();
    assert_eq!(relayed.hop_counter, Some(9));
    assert_eq!(s.counters().relayed, 1);
    // The last hop: returned with hop counter violation.
    out.clear();
    let m = xudt_by_gt(&[0x94, 0x03], 1);
    assert_eq!(
        s.receive(9, &pd(&m), t, &mut out).unwrap_err(),
        Fault::HopCounter
    );
    assert_eq!(
        Unitdata::decode(&out[0].sccp).unwrap().return_cause,
        Some(cause::HOP_COUNTER_VIOLATION)
    );
    // No rule: no translation.
    out.clear();
    let m = xudt_by_gt(&[0x33], 10);
    assert!(matches!(
        s.receive(9, &pd(&m), t, &mut out).unwrap_err(),
        Fault::NoTranslation(_)
    ));
}

fn segments(data: &[u8], max: usize) -> Vec<Vec<u8>> {
    let mut seg = Segmenter::new(Variant::Itu, 0x0a0b0c);
    seg.max_segment = Some(max);
    seg.segment(&Unitdata::xudt(
        0x80,
        Address::ssn_pc(US, 146),
        Address::ssn_pc(MSC, 146),
        data,
    ))
    .unwrap()
}

#[test]
fn segments_are_reassembled_or_returned_when_t_reass_runs_out() {
    let mut s = scrc(vec![]);
    let t0 = Instant::now();
    let mut out = Vec::new();
    let whole: Vec<u8> = (0..=255u8).cycle().take(600).collect();
    let segs = segments(&whole, 200);
    assert!(segs.len() > 2);
    for seg in &segs[..segs.len() - 1] {
        assert!(matches!(
            s.receive(9, &pd(seg), t0, &mut out).unwrap(),
            Received::Done
        ));
    }
    assert_eq!(s.reassemblies(), 1);
    let last = segs.last().unwrap();
    match s.receive(9, &pd(last), t0, &mut out).unwrap() {
        Received::Data { ssn, data, .. } => assert_eq!((ssn, &*data), (146, &whole[..])),
        other => panic!("{other:?}"),
    }
    assert_eq!((s.reassemblies(), s.return_routes()), (0, 0));
    assert!(out.is_empty());
    // Only the first segment of another message: T(reass) runs out, XUDTS goes back.
    let segs = segments(&whole, 200);
    s.receive(9, &pd(&segs[0]), t0, &mut out).unwrap();
    assert!(s
        .next_deadline()
        .is_some_and(|d| d <= t0 + Duration::from_secs(2)));
    s.on_timeout(t0 + Duration::from_secs(3), &mut out);
    let xudts = Unitdata::decode(&out[0].sccp).unwrap();
    assert_eq!(xudts.msg_type, msg_type::XUDTS);
    assert_eq!(xudts.return_cause, Some(cause::SEGMENTATION_FAILURE));
    assert_eq!((s.reassemblies(), s.return_routes()), (0, 0));
    assert_eq!(s.counters().reassembly_failed, 1);
}

#[test]
fn long_user_data_goes_out_in_xudt_segments_with_our_hop_counter() {
    let mut s = scrc(vec![]);
    let mut out = Vec::new();
    let m = udt_to(146, 0x80, b"q");
    let Received::Data { route, .. } = s.receive(9, &pd(&m), Instant::now(), &mut out).unwrap()
    else {
        panic!()
    };
    s.send(&route, &[7; 200], &mut out);
    assert_eq!(
        Unitdata::decode(&out[0].sccp).unwrap().msg_type,
        msg_type::UDT
    );
    out.clear();
    s.send(&route, &[7; 600], &mut out);
    assert!(out.len() > 1);
    for o in &out {
        let u = Unitdata::decode(&o.sccp).unwrap();
        assert_eq!((u.msg_type, u.hop_counter), (msg_type::XUDT, Some(12)));
        assert_eq!((o.assoc, o.dpc), (9, MSC));
    }
    assert_eq!(s.counters().segmented_sent, 1);
}

#[test]
fn scmg_answers_sst_and_tells_the_concerned_point_codes() {
    let mut s = scrc(vec![]);
    let mut out = Vec::new();
    let mut body = Vec::new();
    ScmgMessage::new(scmg_type::SST, 247, US).encode(&mut body, Variant::Itu);
    let mut m = Vec::new();
    encode_udt(
        &mut m,
        0,
        &Address::ssn_pc(US, SSN_SCMG),
        &Address::ssn_pc(MSC, SSN_SCMG),
        &body,
    );
    assert!(matches!(
        s.receive(9, &pd(&m), Instant::now(), &mut out).unwrap(),
        Received::Done
    ));
    let ssa = Unitdata::decode(&out[0].sccp).unwrap();
    let ssa = ScmgMessage::decode(ssa.data, Variant::Itu).unwrap();
    assert_eq!((ssa.format, ssa.affected_ssn), (scmg_type::SSA, 247));
    out.clear();
    s.announce(&mut out);
    // SSA for each subsystem to each concerned point code, routed on DPC alone.
    assert_eq!(out.len(), 4);
    assert!(out.iter().all(|o| o.assoc == ANY_ASSOC && o.opc == US));
    out.clear();
    s.set_subsystem(146, false, &mut out);
    let ssp = Unitdata::decode(&out[0].sccp).unwrap();
    let ssp = ScmgMessage::decode(ssp.data, Variant::Itu).unwrap();
    assert_eq!((ssp.format, ssp.affected_ssn), (scmg_type::SSP, 146));
}

#[test]
fn a_returned_message_of_ours_goes_up_as_returned() {
    let mut s = scrc(vec![]);
    let mut out = Vec::new();
    let mut m = Vec::new();
    super::encode_udts(
        &mut m,
        cause::SUBSYSTEM_FAILURE,
        &Address::ssn_pc(US, 146),
        &Address::ssn_pc(MSC, 146),
        b"our begin",
    );
    match s.receive(9, &pd(&m), Instant::now(), &mut out).unwrap() {
        Received::Returned {
            ssn, data, cause, ..
        } => assert_eq!(
            (ssn, data, cause),
            (146, &b"our begin"[..], super::cause::SUBSYSTEM_FAILURE)
        ),
        other => panic!("{other:?}"),
    }
    assert!(out.is_empty());
}
