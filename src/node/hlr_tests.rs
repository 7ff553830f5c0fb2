//! The MAP client through the node: what it sends an HLR (SCCP GT addressing, TC-BEGIN
//! with AARQ, the SRI/ATI argument), and every way a question ends — result, MAP error,
//! v3 refused then v2, no answer by the deadline, SCCP return, shutdown, no `[hlr]`. The
//! HLR is played here with scpd's own encoders; tests/hlr_pycrate.rs plays an independent
//! one.

use super::*;
use crate::map::{self, AddressString, Version};
use crate::sccp::{Address, Unitdata};
use crate::service::hlr::{HlrAnswer, HlrError, Reachability};
use crate::tcap::itu::{self, Component as ItuComponent, DialogueOut, MessageType, TcMessage};
use crate::tcuser::hlr::{HlrRoute, HlrSettings};
use std::time::Duration;

const US: u32 = 200;
const STP: u32 = 300;
const OURS: &str = "491720009999";
const MSISDN: &str = "491700000001";

fn settings() -> HlrSettings {
    HlrSettings {
        ssn: 147,
        gt: OURS.into(),
        translation_type: 0,
        routes: vec![
            HlrRoute {
                prefix: String::new(),
                pc: STP,
                gt: None,
            },
            HlrRoute {
                prefix: "4915".into(),
                pc: 301,
                gt: Some("491500000000".into()),
            },
        ],
        camel_phases: 4,
        suppress_t_csi: true,
        suppress_mt_ss: 0b01,
    }
}

fn node(hlr: Option<HlrSettings>) -> Node {
    let cfg = NodeConfig {
        point_code: US,
        network_indicator: 2,
        camel_ssn: 146,
        ain_ssn: Some(247),
        instance: 0,
        shards: Shards::ONE,
        max_dialogues: 10,
        dialogue_idle: Duration::from_secs(30),
    };
    let stack = StackConfig {
        hlr,
        ..StackConfig::default()
    };
    Node::with_stack(cfg, stack, Default::default(), 0)
}

/// What went out: the one SCCP message's MTP label, addresses and TCAP bytes.
fn sent(fx: &Effects) -> (Outgoing, Vec<u8>) {
    assert_eq!(fx.send.len(), 1, "{:?}", fx.send);
    let o = fx.send[0].clone();
    let u = Unitdata::decode(&o.sccp).unwrap();
    let tcap = u.data.to_vec();
    (o, tcap)
}

/// The HLR's answer to our `otid`, carried in a UDT to our MAP subsystem.
fn from_hlr(tcap: &[u8]) -> Vec<u8> {
    let mut u = Vec::new();
    crate::sccp::encode_udt(
        &mut u,
        0x01,
        &Address::ssn_pc(US, 147),
        &Address::ssn_pc(STP, 6),
        tcap,
    );
    u
}

fn deliver(node: &mut Node, sccp: &[u8], now: Instant, fx: &mut Effects) -> Result<(), Fault> {
    let pd = ProtocolData {
        opc: STP,
        dpc: US,
        si: 3,
        ni: 2,
        mp: 0,
        sls: 5,
        data: sccp,
    };
    node.on_data(4, &pd, now, 0, fx)
}

/// TC-END accepting `ac` with one component.
fn end(otid: &[u8], ac: &[u8], component: impl FnOnce(&mut crate::ber::Writer<'_>)) -> Vec<u8> {
    let mut t = Vec::new();
    itu::encode(
        &mut t,
        MessageType::End,
        None,
        Some(otid),
        Some(DialogueOut::Aare {
            ac,
            result: 0,
            diagnostic: (1, 0),
        }),
        component,
    );
    t
}

fn msrn_answer(otid: &[u8], version: Version) -> Vec<u8> {
    let res = map::SendRoutingInfoRes::roaming(
        "262011234567890".parse().unwrap(),
        AddressString::international("491739990001".parse().unwrap()),
    );
    let ac = map::Operation::SendRoutingInfo.ac(version).unwrap();
    end(otid, ac, |w| {
        itu::return_result(w, 1, map::opcode::SEND_ROUTING_INFO, |w| {
            res.encode(w, version).unwrap()
        })
    })
}

/// The TC-BEGIN we sent: its otid, AC and the MAP argument it carries, decoded.
fn begin_of(tcap: &[u8]) -> (Vec<u8>, Version, u32, Vec<u8>) {
    let m = TcMessage::decode(tcap).unwrap();
    assert_eq!(m.kind, MessageType::Begin);
    let ac = m.application_context().expect("AARQ");
    let (_, version) = map::ac_info(ac).expect("a MAP AC");
    let comps: Vec<_> = m.components().collect::<Result<_, _>>().unwrap();
    let [ItuComponent::Invoke {
        opcode, parameter, ..
    }] = comps[..]
    else {
        panic!("one Invoke: {comps:?}")
    };
    (
        m.otid.unwrap().to_vec(),
        version,
        opcode,
        parameter.unwrap().raw.to_vec(),
    )
}

fn msrn(n: &mut Node, now: Instant, deadline: Instant, fx: &mut Effects) {
    let q = HlrQuery::Msrn {
        msisdn: MSISDN.into(),
    };
    n.ask_hlr(1, q, deadline, now, 0, fx);
}

#[test]
fn an_msrn_is_asked_by_global_title_and_handed_back() {
    let mut n = node(Some(settings()));
    let mut fx = Effects::default();
    let t0 = Instant::now();
    msrn(&mut n, t0, t0 + Duration::from_secs(2), &mut fx);
    assert!(fx.hlr.is_empty());
    let (o, tcap) = sent(&fx);
    assert_eq!((o.assoc, o.opc, o.dpc, o.ni), (ANY_ASSOC, US, STP, 2));
    let u = Unitdata::decode(&o.sccp).unwrap();
    assert_eq!(u.protocol_class, 0x81, "class 1, return on error");
    assert!(!u.called.route_on_ssn);
    assert_eq!(u.called.ssn, Some(6));
    let gt = u.called.gt.unwrap();
    assert_eq!((gt.gti, gt.tt, gt.np, gt.nai), (4, 0, 1, 4));
    assert_eq!(gt.digits().to_string(), MSISDN);
    assert_eq!(u.calling.ssn, Some(147));
    assert_eq!(u.calling.gt.unwrap().digits().to_string(), OURS);

    let (otid, version, op, arg) = begin_of(&tcap);
    assert_eq!((version, op), (Version::V3, map::opcode::SEND_ROUTING_INFO));
    let tlv = crate::ber::Tlv::parse_single(&arg).unwrap();
    let Ok(map::Arg::SendRoutingInfo(a)) = map::decode_invoke(22, Some(tlv), Version::V3) else {
        panic!("an SRI argument")
    };
    assert_eq!(a.msisdn.digits.text().as_str(), MSISDN);
    assert_eq!(a.msisdn.nature, 1);
    assert_eq!(
        a.gmsc_or_gsmscf_address.unwrap().digits.text().as_str(),
        OURS
    );
    assert_eq!(a.interrogation_type, map::InterrogationType::BasicCall);
    assert!(a.camel_info.unwrap().suppress_t_csi);
    assert!(
        a.suppress_mtss.is_some_and(|b| b.has(0) && !b.has(1)),
        "suppressCUG"
    );
    assert_eq!(n.dialogues(User::Map), 1);

    fx.clear();
    deliver(
        &mut n,
        &from_hlr(&msrn_answer(&otid, Version::V3)),
        t0,
        &mut fx,
    )
    .unwrap();
    assert!(fx.send.is_empty(), "the HLR ended the dialogue");
    let [(1, Ok(HlrAnswer::Roaming(r)))] = &fx.hlr[..] else {
        panic!("{:?}", fx.hlr)
    };
    assert_eq!(
        (r.msrn.as_str(), r.imsi.as_str(), r.map_version),
        ("491739990001", "262011234567890", 3)
    );
    assert_eq!(n.dialogues(User::Map), 0);
}

#[test]
fn a_range_with_an_hlr_gt_is_addressed_there() {
    let mut n = node(Some(settings()));
    let mut fx = Effects::default();
    let t0 = Instant::now();
    n.ask_hlr(
        7,
        HlrQuery::Locate {
            msisdn: "4915112345678".into(),
            current: true,
        },
        t0 + Duration::from_secs(1),
        t0,
        0,
        &mut fx,
    );
    let (o, tcap) = sent(&fx);
    assert_eq!(o.dpc, 301);
    let u = Unitdata::decode(&o.sccp).unwrap();
    assert_eq!(u.called.gt.unwrap().digits().to_string(), "491500000000");
    let (_, version, op, arg) = begin_of(&tcap);
    assert_eq!(
        (version, op),
        (Version::V3, map::opcode::ANY_TIME_INTERROGATION)
    );
    let tlv = crate::ber::Tlv::parse_single(&arg).unwrap();
    let Ok(map::Arg::AnyTimeInterrogation(a)) = map::decode_invoke(71, Some(tlv), Version::V3)
    else {
        panic!("an ATI argument")
    };
    let map::SubscriberIdentity::Msisdn(m) = a.subscriber_identity else {
        panic!("by MSISDN")
    };
    assert_eq!(m.digits.text().as_str(), "4915112345678");
    assert!(a.requested_info.current_location, "the VLR asked to page");
    assert_eq!(a.gsmscf_address.digits.text().as_str(), OURS);
}

#[test]
fn an_hlr_refusing_v3_is_asked_again_in_v2() {
    let mut n = node(Some(settings()));
    let mut fx = Effects::default();
    let t0 = Instant::now();
    msrn(&mut n, t0, t0 + Duration::from_secs(2), &mut fx);
    let (otid, ..) = begin_of(&sent(&fx).1);
    let mut abort = Vec::new();
    itu::encode(
        &mut abort,
        MessageType::Abort,
        None,
        Some(&otid),
        Some(DialogueOut::Aare {
            ac: map::ac::LOCATION_INFO_RETRIEVAL_V2,
            result: 1,
            diagnostic: (1, 2),
        }),
        |_| {},
    );
    fx.clear();
    deliver(&mut n, &from_hlr(&abort), t0, &mut fx).unwrap();
    assert!(fx.hlr.is_empty(), "not answered yet: {:?}", fx.hlr);
    let (otid2, version, _, arg) = begin_of(&sent(&fx).1);
    assert_eq!(version, Version::V2);
    assert_ne!(otid2, otid, "a new dialogue");
    let tlv = crate::ber::Tlv::parse_single(&arg).unwrap();
    let Ok(map::Arg::SendRoutingInfo(a)) = map::decode_invoke(22, Some(tlv), Version::V2) else {
        panic!("a v2 SRI argument")
    };
    assert_eq!(a.gmsc_or_gsmscf_address, None, "no v3 members in v2");
    assert_eq!(a.suppress_mtss, None);
    fx.clear();
    deliver(
        &mut n,
        &from_hlr(&msrn_answer(&otid2, Version::V2)),
        t0,
        &mut fx,
    )
    .unwrap();
    let [(1, Ok(HlrAnswer::Roaming(r)))] = &fx.hlr[..] else {
        panic!("{:?}", fx.hlr)
    };
    assert_eq!(r.map_version, 2);
}

#[test]
fn map_errors_come_back_by_name() {
    let mut n = node(Some(settings()));
    let mut fx = Effects::default();
    let t0 = Instant::now();
    msrn(&mut n, t0, t0 + Duration::from_secs(2), &mut fx);
    let (otid, ..) = begin_of(&sent(&fx).1);
    let mut param = Vec::new();
    map::MapError::AbsentSubscriber { reason: Some(0) }
        .encode_parameter(&mut crate::ber::Writer::new(&mut param), Version::V3)
        .unwrap();
    let answer = end(&otid, map::ac::LOCATION_INFO_RETRIEVAL_V3, |w| {
        itu::return_error(w, 1, 27, |w| w.raw(&param))
    });
    fx.clear();
    deliver(&mut n, &from_hlr(&answer), t0, &mut fx).unwrap();
    let [(1, Err(HlrError::Map { name, detail }))] = &fx.hlr[..] else {
        panic!("{:?}", fx.hlr)
    };
    assert_eq!(*name, "absentSubscriber");
    assert!(detail.contains("imsiDetach"), "{detail}");
}

#[test]
fn no_answer_by_the_deadline_is_a_timeout_then() {
    let mut n = node(Some(settings()));
    let mut fx = Effects::default();
    let t0 = Instant::now();
    let deadline = t0 + Duration::from_millis(700);
    msrn(&mut n, t0, deadline, &mut fx);
    assert_eq!(n.next_deadline(), Some(deadline));
    fx.clear();
    n.on_timeout(deadline - Duration::from_millis(1), 0, &mut fx);
    assert!(fx.hlr.is_empty());
    n.on_timeout(deadline, 0, &mut fx);
    assert_eq!(fx.hlr, [(1, Err(HlrError::Timeout))]);
    assert!(
        fx.send.is_empty(),
        "the HLR never answered: nothing to abort"
    );
    assert_eq!(n.dialogues(User::Map), 0);
    // A question whose deadline has passed is not asked.
    fx.clear();
    msrn(&mut n, deadline, deadline, &mut fx);
    assert_eq!(fx.hlr, [(1, Err(HlrError::Timeout))]);
    assert!(fx.send.is_empty());
}

#[test]
fn a_returned_query_fails_at_once() {
    let mut n = node(Some(settings()));
    let mut fx = Effects::default();
    let t0 = Instant::now();
    msrn(&mut n, t0, t0 + Duration::from_secs(2), &mut fx);
    let (_, tcap) = sent(&fx);
    let mut udts = Vec::new();
    crate::sccp::encode_udts(
        &mut udts,
        crate::sccp::cause::NO_TRANSLATION_ADDRESS,
        &Address::ssn_pc(US, 147),
        &Address::ssn_pc(STP, 6),
        &tcap,
    );
    fx.clear();
    assert!(deliver(&mut n, &udts, t0, &mut fx).is_err());
    let [(1, Err(HlrError::Failed(why)))] = &fx.hlr[..] else {
        panic!("{:?}", fx.hlr)
    };
    assert!(
        why.contains("no translation for this specific address"),
        "{why}"
    );
    assert_eq!(n.dialogues(User::Map), 0);
}

#[test]
fn without_hlr_settings_or_when_stopping_questions_are_refused() {
    let mut n = node(None);
    let mut fx = Effects::default();
    let t0 = Instant::now();
    msrn(&mut n, t0, t0 + Duration::from_secs(1), &mut fx);
    assert!(
        matches!(&fx.hlr[..], [(1, Err(HlrError::Unavailable(_)))]),
        "{:?}",
        fx.hlr
    );
    assert!(fx.send.is_empty());

    let mut n = node(Some(settings()));
    fx.clear();
    msrn(&mut n, t0, t0 + Duration::from_secs(1), &mut fx);
    fx.clear();
    n.shutdown(&mut fx);
    assert!(
        matches!(&fx.hlr[..], [(1, Err(HlrError::Unavailable(_)))]),
        "{:?}",
        fx.hlr
    );
    assert_eq!(n.dialogues(User::Map), 0);
}

#[test]
fn whereabouts_are_read_from_the_subscriber_info() {
    let mut n = node(Some(settings()));
    let mut fx = Effects::default();
    let t0 = Instant::now();
    n.ask_hlr(
        2,
        HlrQuery::Locate {
            msisdn: MSISDN.into(),
            current: false,
        },
        t0 + Duration::from_secs(1),
        t0,
        0,
        &mut fx,
    );
    let (otid, ..) = begin_of(&sent(&fx).1);
    let geo = map::GeographicalInformation::from_degrees(-33.9, 18.4, 100.0).encode();
    let res = map::AnyTimeInterrogationRes {
        subscriber_info: map::SubscriberInfo {
            location_information: Some(map::LocationInformation {
                age_of_location_information: Some(5),
                geographical_information: Some(&geo),
                vlr_number: Some(AddressString::international("27820000001".parse().unwrap())),
                cell_id_or_lai: Some(map::CellIdOrLai::CellId {
                    plmn: map::Plmn {
                        mcc: 655,
                        mnc: 1,
                        mnc_3_digits: false,
                    },
                    lac: 10,
                    ci: 20,
                }),
                ..Default::default()
            }),
            subscriber_state: Some(map::SubscriberState::NetDetNotReachable(
                map::not_reachable_reason::RESTRICTED_AREA,
            )),
            ..Default::default()
        },
        ..Default::default()
    };
    let answer = end(&otid, map::ac::ANY_TIME_INFO_ENQUIRY_V3, |w| {
        itu::return_result(w, 1, map::opcode::ANY_TIME_INTERROGATION, |w| {
            res.encode(w).unwrap()
        })
    });
    fx.clear();
    deliver(&mut n, &from_hlr(&answer), t0, &mut fx).unwrap();
    let [(2, Ok(HlrAnswer::Whereabouts(w)))] = &fx.hlr[..] else {
        panic!("{:?}", fx.hlr)
    };
    assert_eq!(w.state, Reachability::NotReachable("restrictedArea"));
    let l = w.location.as_ref().unwrap();
    assert_eq!(
        (l.mcc.as_str(), l.mnc.as_str(), l.lac, l.cell_id),
        ("655", "01", 10, 20)
    );
    assert_eq!(l.vlr.as_str(), "27820000001");
    assert_eq!(w.age_minutes, Some(5));
    let g = w.geo.unwrap();
    assert!(
        (g.latitude + 33.9).abs() < 1e-4 && (g.longitude - 18.4).abs() < 1e-4,
        "{g:?}"
    );
}

#[test]
fn a_reject_in_the_hlrs_end_says_why_there_is_no_answer() {
    let mut n = node(Some(settings()));
    let mut fx = Effects::default();
    let t0 = Instant::now();
    msrn(&mut n, t0, t0 + Duration::from_secs(2), &mut fx);
    let (otid, ..) = begin_of(&sent(&fx).1);
    // The HLR rejects our Invoke (mistyped parameter) and ends the dialogue.
    let answer = end(&otid, map::ac::LOCATION_INFO_RETRIEVAL_V3, |w| {
        itu::reject(w, Some(1), (1, 2))
    });
    fx.clear();
    let _ = deliver(&mut n, &from_hlr(&answer), t0, &mut fx);
    let [(1, Err(HlrError::Failed(why)))] = &fx.hlr[..] else {
        panic!("{:?}", fx.hlr)
    };
    assert!(why.contains("rejected"), "{why}");
    // An End with nothing in it: no answer, said once.
    fx.clear();
    msrn(&mut n, t0, t0 + Duration::from_secs(2), &mut fx);
    let (otid, ..) = begin_of(&sent(&fx).1);
    fx.clear();
    let empty = end(&otid, map::ac::LOCATION_INFO_RETRIEVAL_V3, |_| {});
    deliver(&mut n, &from_hlr(&empty), t0, &mut fx).unwrap();
    let [(1, Err(HlrError::Failed(why)))] = &fx.hlr[..] else {
        panic!("{:?}", fx.hlr)
    };
    assert!(why.contains("without answering"), "{why}");
    assert_eq!(n.dialogues(User::Map), 0);
}
