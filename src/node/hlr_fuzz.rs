//! The MAP client through the node against a hostile HLR (proptest; CI runs it long with
//! the other `fuzz::` tests): questions asked, then answered with TC-END, TC-CONTINUE,
//! TC-U-ABORT and P-ABORT messages carrying random AAREs (accepting, refusing, naming any
//! version) or ABRTs, and components — SendRoutingInfo and AnyTimeInterrogation results
//! and MAP errors built with `crate::map`'s encoders, Rejects, random octets — with random
//! invoke ids, mutated at the parameter, the component portion or the whole message; to
//! the dialogues the node opened, old ones, or none, with time passing in between.
//!
//! Properties: every question gets exactly one answer, and none comes for a question never
//! asked; a question is either sent (one TC-BEGIN) or answered at once, and a number that
//! is not an MSISDN fails at once; what the node sends decodes; an intact, well-formed
//! TC-END accepting a fresh dialogue's AC is taken for what it says (the roaming number,
//! the whereabouts, the MAP error by name); an hour later every question has its answer
//! and no MAP dialogue is left.

use super::*;
use crate::ber::Writer;
use crate::map::{
    self, AddressString, CamelRoutingInfo, ExtendedRoutingInfo, ForwardingData, MapError,
    SendRoutingInfoRes, SubscriberInfo, SubscriberState, Version,
};
use crate::sccp::{Address, Unitdata};
use crate::service::hlr::{HlrAnswer, HlrError, Reachability};
use crate::tcap::itu::{self, Component as ItuComponent, DialogueOut, MessageType, TcMessage};
use crate::tcuser::hlr::{HlrRoute, HlrSettings};
use proptest::prelude::*;
use std::collections::{HashMap, HashSet};

const US: u32 = 200;
const HLR_PC: u32 = 300;
const MSRN: &str = "491739990001";
/// What the questions are about: the first [`DIGITS`] are all digits (one in a range with
/// an HLR GT, one longer than E.164's 15), the others are not MSISDNs (empty, not digits,
/// too long for a TBCD string).
const MSISDNS: &[&str] = &[
    "491700000001",
    "4915112345678",
    "1",
    "4917000000010000",
    "",
    "4917x0001",
    "+491700000001",
    "49170000000100000000000000000000000000000000",
];
const DIGITS: usize = 4;
/// The MAP errors answered: declared for SRI, ATI, both or neither, with and without
/// parameters, and codes MAP does not define.
const ERRORS: &[MapError] = &[
    MapError::UnknownSubscriber {
        diagnostic: Some(0),
    },
    MapError::AbsentSubscriber { reason: Some(1) },
    MapError::AbsentSubscriber { reason: None },
    MapError::SystemFailure {
        network_resource: Some(1),
    },
    MapError::CallBarred { cause: Some(0) },
    MapError::CugReject { cause: Some(1) },
    MapError::BusySubscriber {
        ccbs_possible: true,
        ccbs_busy: false,
    },
    MapError::FacilityNotSupported,
    MapError::DataMissing,
    MapError::AtiNotAllowed,
    MapError::OrNotAllowed,
    MapError::Other(99),
    MapError::Other(-3),
];
/// Application contexts an AARE names: the three MAP ones, one MAP does not have, junk.
const ACS: &[&[u8]] = &[
    map::ac::LOCATION_INFO_RETRIEVAL_V3,
    map::ac::LOCATION_INFO_RETRIEVAL_V2,
    map::ac::ANY_TIME_INFO_ENQUIRY_V3,
    &[0x04, 0x00, 0x00, 0x01, 0x00, 0x05, 0x01],
    &[0xff],
];

fn node() -> Node {
    let cfg = NodeConfig {
        point_code: US,
        network_indicator: 2,
        camel_ssn: 146,
        ain_ssn: Some(247),
        instance: 0,
        shards: Shards::ONE,
        // Small: some questions find the table full.
        max_dialogues: 6,
        dialogue_idle: Duration::from_secs(30),
    };
    let hlr = HlrSettings {
        ssn: 147,
        gt: "491720009999".into(),
        translation_type: 0,
        routes: vec![
            HlrRoute {
                prefix: String::new(),
                pc: HLR_PC,
                gt: None,
            },
            HlrRoute {
                prefix: "4915".into(),
                pc: HLR_PC,
                gt: Some("491500000000".into()),
            },
        ],
        camel_phases: 4,
        suppress_t_csi: true,
        suppress_mt_ss: 0b11,
    };
    let stack = StackConfig {
        hlr: Some(hlr),
        ..StackConfig::default()
    };
    Node::with_stack(cfg, stack, Default::default(), 0)
}

/// One input of a run.
#[derive(Debug, Clone)]
enum Step {
    Ask {
        locate: bool,
        msisdn: usize,
        within_ms: u64,
    },
    Answer(Reply),
    Wait(u64),
}

/// An HLR message to one of the TC-BEGINs the node sent.
#[derive(Debug, Clone)]
struct Reply {
    /// Which TC-BEGIN, counting back from the newest; past the oldest: an unknown dtid.
    pick: usize,
    kind: Kind,
    dialogue: Dlg,
    content: Content,
    /// `None`: the id of the dialogue's Invoke.
    invoke_id: Option<i8>,
    mutation: Option<Mutation>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    End,
    Continue,
    UAbort,
    PAbort(u8),
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Dlg {
    None,
    /// AARE accepted: the AC the TC-BEGIN proposed (`None`) or one of [`ACS`].
    Accepted(Option<usize>),
    /// AARE reject-permanent naming one of [`ACS`], with its diagnostic.
    Refused(usize, (u8, u8)),
    Abrt(u8),
}

#[derive(Debug, Clone)]
enum Content {
    /// A SendRoutingInfo result of a shape ([`sri_result`]) in a version.
    Sri(u8, Version),
    /// An AnyTimeInterrogation result of a shape ([`ati_result`]).
    Ati(u8),
    /// One of [`ERRORS`] with its parameter in a version.
    Error(usize, Version),
    Reject(u8, u8),
    /// Component portion contents.
    Random(Vec<u8>),
    Nothing,
}

/// Where octets are changed: the parameter, the component portion's contents, the whole
/// TCAP message.
#[derive(Debug, Clone)]
struct Mutation {
    level: u8,
    edits: Vec<(usize, u8)>,
    cut: Option<usize>,
    insert: Option<(usize, Vec<u8>)>,
}

impl Mutation {
    fn apply(&self, b: &mut Vec<u8>) {
        for &(at, v) in &self.edits {
            if !b.is_empty() {
                let i = at % b.len();
                b[i] = v;
            }
        }
        if let Some(cut) = self.cut {
            b.truncate(cut % (b.len() + 1));
        }
        if let Some((at, extra)) = &self.insert {
            let i = at % (b.len() + 1);
            b.splice(i..i, extra.iter().copied());
        }
    }
}

fn version() -> impl Strategy<Value = Version> {
    prop_oneof![Just(Version::V3), Just(Version::V2)]
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        3 => ask(),
        6 => reply().prop_map(Step::Answer),
        1 => (0..3000u64).prop_map(Step::Wait),
    ]
}

fn ask() -> impl Strategy<Value = Step> {
    let msisdn = prop_oneof![4 => 0..DIGITS, 1 => 0..MSISDNS.len()];
    (any::<bool>(), msisdn, 1..4000u64).prop_map(|(locate, msisdn, within_ms)| Step::Ask {
        locate,
        msisdn,
        within_ms,
    })
}

fn reply() -> impl Strategy<Value = Reply> {
    let kind = prop_oneof![
        4 => Just(Kind::End),
        2 => Just(Kind::Continue),
        1 => Just(Kind::UAbort),
        1 => any::<u8>().prop_map(Kind::PAbort),
    ];
    let dialogue = prop_oneof![
        1 => Just(Dlg::None),
        4 => Just(Dlg::Accepted(None)),
        1 => (0..ACS.len()).prop_map(|a| Dlg::Accepted(Some(a))),
        2 => (0..ACS.len(), 1..3u8, 0..4u8).prop_map(|(a, s, d)| Dlg::Refused(a, (s, d))),
        1 => (0..2u8).prop_map(Dlg::Abrt),
    ];
    let content = prop_oneof![
        3 => (0..4u8, version()).prop_map(|(s, v)| Content::Sri(s, v)),
        2 => (0..3u8).prop_map(Content::Ati),
        2 => (0..ERRORS.len(), version()).prop_map(|(e, v)| Content::Error(e, v)),
        1 => (0..4u8, 0..8u8).prop_map(|(t, p)| Content::Reject(t, p)),
        1 => proptest::collection::vec(any::<u8>(), 0..24).prop_map(Content::Random),
        1 => Just(Content::Nothing),
    ];
    let mutation = proptest::option::weighted(
        0.4,
        (
            0..3u8,
            proptest::collection::vec((any::<usize>(), any::<u8>()), 0..4),
            proptest::option::of(any::<usize>()),
            proptest::option::of((any::<usize>(), proptest::collection::vec(any::<u8>(), 1..4))),
        )
            .prop_map(|(level, edits, cut, insert)| Mutation {
                level,
                edits,
                cut,
                insert,
            }),
    );
    (
        0..5usize,
        kind,
        dialogue,
        content,
        proptest::option::weighted(0.1, any::<i8>()),
        mutation,
    )
        .prop_map(
            |(pick, kind, dialogue, content, invoke_id, mutation)| Reply {
                pick,
                kind,
                dialogue,
                content,
                invoke_id,
                mutation,
            },
        )
}

fn intl(d: &str) -> AddressString {
    AddressString::international(d.parse().unwrap())
}

/// A SendRoutingInfo result parameter: 0 a roaming number, 1 forwarding data, 2 CAMEL
/// routing info (v3 only), 3 subscriber info without routing info. `None` when the
/// version has no such result.
fn sri_result(shape: u8, version: Version) -> Option<Vec<u8>> {
    let imsi = "262011234567890".parse().unwrap();
    let res = match shape {
        0 => SendRoutingInfoRes::roaming(imsi, intl(MSRN)),
        1 => SendRoutingInfoRes {
            imsi: Some(imsi),
            routing_info: Some(ExtendedRoutingInfo::ForwardingData(ForwardingData {
                forwarded_to_number: Some(intl("4930555")),
                forwarding_options: Some(0x20),
                ..Default::default()
            })),
            vmsc_address: Some(intl("491720000001")),
            ..Default::default()
        },
        2 => SendRoutingInfoRes {
            imsi: Some(imsi),
            routing_info: Some(ExtendedRoutingInfo::CamelRoutingInfo(CamelRoutingInfo {
                gmsc_camel_subscription_info: &[0xa0, 0x00],
                ..Default::default()
            })),
            ..Default::default()
        },
        _ => SendRoutingInfoRes {
            imsi: Some(imsi),
            subscriber_info: Some(SubscriberInfo {
                subscriber_state: Some(SubscriberState::AssumedIdle),
                ..Default::default()
            }),
            ..Default::default()
        },
    };
    let mut p = Vec::new();
    res.encode(&mut Writer::new(&mut p), version).ok()?;
    Some(p)
}

/// An AnyTimeInterrogation result parameter: 0 location and state (not reachable), 1
/// nothing known, 2 the state only (busy).
fn ati_result(shape: u8) -> Option<Vec<u8>> {
    let geo = map::GeographicalInformation::from_degrees(52.5, 13.4, 100.0).encode();
    let info = match shape {
        0 => SubscriberInfo {
            location_information: Some(map::LocationInformation {
                age_of_location_information: Some(5),
                geographical_information: Some(&geo),
                vlr_number: Some(intl("491720000002")),
                cell_id_or_lai: Some(map::CellIdOrLai::CellId {
                    plmn: map::Plmn {
                        mcc: 262,
                        mnc: 1,
                        mnc_3_digits: false,
                    },
                    lac: 10,
                    ci: 20,
                }),
                ..Default::default()
            }),
            subscriber_state: Some(SubscriberState::NetDetNotReachable(
                map::not_reachable_reason::RESTRICTED_AREA,
            )),
            ..Default::default()
        },
        1 => SubscriberInfo::default(),
        _ => SubscriberInfo {
            subscriber_state: Some(SubscriberState::CamelBusy),
            ..Default::default()
        },
    };
    let res = map::AnyTimeInterrogationRes {
        subscriber_info: info,
        ..Default::default()
    };
    let mut p = Vec::new();
    res.encode(&mut Writer::new(&mut p)).ok()?;
    Some(p)
}

/// What the answer to a question should be when it comes intact in a TC-END accepting
/// the dialogue's AC, with the dialogue's invoke id (`None`: no claim).
#[allow(clippy::type_complexity)]
fn expected(
    c: &Content,
    op: map::Operation,
    version: Version,
) -> Option<Box<dyn Fn(&HlrResult) -> bool>> {
    use map::Operation::*;
    Some(match (c, op) {
        (Content::Sri(0, v), SendRoutingInfo) if *v == version => Box::new(move |r| {
            matches!(r, Ok(HlrAnswer::Roaming(x))
                if x.msrn == MSRN && x.imsi == "262011234567890" && x.map_version == version as u8)
        }),
        (Content::Sri(1, v), SendRoutingInfo) if *v == version => Box::new(
            |r| matches!(r, Err(HlrError::NoRoutingNumber(why)) if why.contains("4930555")),
        ),
        (Content::Sri(2, Version::V3), SendRoutingInfo) if version == Version::V3 => {
            Box::new(|r| matches!(r, Err(HlrError::NoRoutingNumber(_))))
        }
        (Content::Ati(0), AnyTimeInterrogation) => Box::new(|r| {
            matches!(r, Ok(HlrAnswer::Whereabouts(w))
                if w.state == Reachability::NotReachable("restrictedArea")
                    && w.location.as_ref().is_some_and(|l| l.lac == 10 && l.cell_id == 20))
        }),
        (Content::Ati(1), AnyTimeInterrogation) => Box::new(
            |r| matches!(r, Ok(HlrAnswer::Whereabouts(w)) if w.state == Reachability::Unknown),
        ),
        (Content::Ati(_), AnyTimeInterrogation) => Box::new(
            |r| matches!(r, Ok(HlrAnswer::Whereabouts(w)) if w.state == Reachability::Busy),
        ),
        // The error by name, whether the operation declares it or not (then its code
        // names it).
        (Content::Error(e, _), _) => {
            let name = ERRORS[*e].name();
            Box::new(move |r| matches!(r, Err(HlrError::Map { name: n, .. }) if *n == name))
        }
        _ => return None,
    })
}

/// A TC-BEGIN the node sent an HLR.
#[derive(Debug)]
struct Begun {
    /// The question it asks.
    id: u64,
    otid: Vec<u8>,
    ac: Vec<u8>,
    op: map::Operation,
    version: Version,
    invoke_id: i8,
    /// Something came for it already.
    touched: bool,
}

/// The TC-BEGIN among what went out, if any: (otid, AC, its invoke's id); the rest decodes.
fn sent(fx: &Effects) -> Option<(Vec<u8>, Vec<u8>, i8)> {
    let mut begin = None;
    for o in &fx.send {
        let u = Unitdata::decode(&o.sccp).expect("we send SCCP that decodes");
        assert!(!u.is_service(), "we return nothing to the HLR");
        assert_eq!(o.dpc, HLR_PC);
        let m = TcMessage::decode(u.data).expect("we send TCAP that decodes");
        for c in m.components() {
            c.expect("we send components that decode");
        }
        if m.kind == MessageType::Begin {
            assert!(begin.is_none(), "one TC-BEGIN at a time");
            let ac = m.application_context().expect("an AARQ").to_vec();
            let Some(Ok(ItuComponent::Invoke { invoke_id, .. })) = m.components().next() else {
                panic!("a TC-BEGIN with an Invoke: {m:?}")
            };
            begin = Some((m.otid.unwrap().to_vec(), ac, invoke_id));
        }
    }
    begin
}

/// The HLR's message for `r` to `to` (`None`: a dialogue the node does not have).
fn message(r: &Reply, to: Option<&Begun>) -> Vec<u8> {
    let dtid = to.map_or(vec![0xde, 0xad, 0xbe, 0xef], |b| b.otid.clone());
    let mutate = |level: u8, b: &mut Vec<u8>| {
        if let Some(m) = r.mutation.as_ref().filter(|m| m.level == level) {
            m.apply(b);
        }
    };
    let invoke_id = r.invoke_id.unwrap_or(to.map_or(1, |b| b.invoke_id));
    let result = |op: map::Operation, p: Option<Vec<u8>>| {
        let mut p = p.unwrap_or_default();
        mutate(0, &mut p);
        let mut c = Vec::new();
        itu::return_result(&mut Writer::new(&mut c), invoke_id, op.code(), |w| {
            w.raw(&p)
        });
        c
    };
    let mut components = match &r.content {
        Content::Sri(shape, v) => result(map::Operation::SendRoutingInfo, sri_result(*shape, *v)),
        Content::Ati(shape) => result(map::Operation::AnyTimeInterrogation, ati_result(*shape)),
        Content::Error(e, v) => {
            let e = ERRORS[*e];
            let mut p = e.parameter_bytes(*v).ok().flatten().unwrap_or_default();
            mutate(0, &mut p);
            let mut c = Vec::new();
            itu::return_error(&mut Writer::new(&mut c), invoke_id, e.code(), |w| w.raw(&p));
            c
        }
        Content::Reject(t, p) => {
            let mut c = Vec::new();
            itu::reject(&mut Writer::new(&mut c), Some(invoke_id), (*t, *p));
            c
        }
        Content::Random(b) => b.clone(),
        Content::Nothing => Vec::new(),
    };
    mutate(1, &mut components);
    let proposed = to.map_or(&[][..], |b| &b.ac[..]);
    let aare = |ac, result, diagnostic| DialogueOut::Aare {
        ac,
        result,
        diagnostic,
    };
    let dialogue = match r.dialogue {
        Dlg::None => None,
        Dlg::Accepted(None) => Some(aare(proposed, 0, (1, 0))),
        Dlg::Accepted(Some(a)) => Some(aare(ACS[a], 0, (1, 0))),
        Dlg::Refused(a, d) => Some(aare(ACS[a], 1, d)),
        Dlg::Abrt(source) => Some(DialogueOut::Abrt { source }),
    };
    let mut t = Vec::new();
    let (kind, otid) = match r.kind {
        Kind::End => (MessageType::End, None),
        Kind::Continue => (MessageType::Continue, Some(&[0x48, 0x4c, 0x52, 0x01][..])),
        Kind::UAbort => (MessageType::Abort, None),
        Kind::PAbort(cause) => {
            Writer::new(&mut t).constructed(itu::tags::ABORT, |w| {
                w.primitive(itu::tags::DTID, &dtid);
                w.integer(itu::tags::P_ABORT_CAUSE, cause.into());
            });
            mutate(2, &mut t);
            return t;
        }
    };
    itu::encode(&mut t, kind, otid, Some(&dtid), dialogue, |w| {
        w.raw(&components)
    });
    mutate(2, &mut t);
    t
}

fn deliver(node: &mut Node, tcap: &[u8], now: Instant, now_ms: i64, fx: &mut Effects) {
    let mut u = Vec::new();
    crate::sccp::encode_udt(
        &mut u,
        0x01,
        &Address::ssn_pc(US, 147),
        &Address::ssn_pc(HLR_PC, 6),
        tcap,
    );
    let pd = ProtocolData {
        opc: HLR_PC,
        dpc: US,
        si: 3,
        ni: 2,
        mp: 0,
        sls: 5,
        data: &u,
    };
    let _ = node.on_data(4, &pd, now, now_ms, fx);
}

/// The questions of a run and their answers.
#[derive(Default)]
struct Ledger {
    asked: HashSet<u64>,
    answered: HashMap<u64, HlrResult>,
}

impl Ledger {
    fn take(&mut self, fx: &Effects) -> Result<(), TestCaseError> {
        for (id, r) in &fx.hlr {
            prop_assert!(
                self.asked.contains(id),
                "an answer to {}, never asked: {:?}",
                id,
                r
            );
            let first = self.answered.insert(*id, r.clone());
            prop_assert!(
                first.is_none(),
                "a second answer to {}: {:?}, first {:?}",
                id,
                r,
                first
            );
        }
        Ok(())
    }
}

fn run(steps: Vec<Step>) -> Result<(), TestCaseError> {
    let mut node = node();
    let mut fx = Effects::default();
    let t0 = Instant::now();
    let mut elapsed = Duration::ZERO;
    let mut ledger = Ledger::default();
    let mut begun: Vec<Begun> = Vec::new();
    for (n, step) in steps.into_iter().enumerate() {
        let now = t0 + elapsed;
        let now_ms = elapsed.as_millis() as i64;
        fx.clear();
        // The question a TC-BEGIN going out now asks, and what to expect of an answer.
        let mut asking = None;
        let mut expect = None;
        match step {
            Step::Ask {
                locate,
                msisdn,
                within_ms,
            } => {
                let id = n as u64;
                let msisdn = MSISDNS[msisdn].to_string();
                let q = if locate {
                    HlrQuery::Locate {
                        msisdn: msisdn.clone(),
                        current: n % 2 == 1,
                    }
                } else {
                    HlrQuery::Msrn {
                        msisdn: msisdn.clone(),
                    }
                };
                ledger.asked.insert(id);
                let deadline = now + Duration::from_millis(within_ms);
                node.ask_hlr(id, q, deadline, now, now_ms, &mut fx);
                asking = Some(id);
                let at_once = fx.hlr.iter().find(|(i, _)| *i == id);
                let begins = fx.send.len();
                prop_assert!(
                    at_once.is_some() != (begins == 1) && begins <= 1,
                    "asked ({} sent) or answered at once: {:?}",
                    begins,
                    at_once
                );
                if msisdn.is_empty() || !msisdn.bytes().all(|b| b.is_ascii_digit()) {
                    prop_assert!(
                        matches!(at_once, Some((_, Err(HlrError::Failed(_))))),
                        "{:?} fails at once: {:?}",
                        msisdn,
                        at_once
                    );
                }
            }
            Step::Answer(r) => {
                let i = begun.len().checked_sub(1 + r.pick);
                let to = i.map(|i| &begun[i]);
                let t = message(&r, to);
                if let Some(i) = i {
                    let b = &begun[i];
                    let live = !ledger.answered.contains_key(&b.id)
                        && !b.touched
                        && begun[i + 1..].iter().all(|x| x.id != b.id);
                    let intact = r.mutation.is_none()
                        && r.kind == Kind::End
                        && r.dialogue == Dlg::Accepted(None)
                        && r.invoke_id.is_none();
                    if live && intact {
                        expect = expected(&r.content, b.op, b.version).map(|f| (b.id, f));
                    }
                    asking = Some(b.id);
                    begun[i].touched = true;
                }
                deliver(&mut node, &t, now, now_ms, &mut fx);
            }
            Step::Wait(ms) => {
                elapsed += Duration::from_millis(ms);
                node.on_timeout(t0 + elapsed, elapsed.as_millis() as i64, &mut fx);
            }
        }
        if let Some((id, ok)) = expect {
            let got = fx.hlr.iter().find(|(x, _)| *x == id);
            prop_assert!(
                got.is_some_and(|(_, r)| ok(r)),
                "an intact answer is taken as it is: {:?}",
                got
            );
        }
        ledger.take(&fx)?;
        if let Some((otid, ac, invoke_id)) = sent(&fx) {
            let Some(id) = asking else {
                return Err(TestCaseError::fail("a TC-BEGIN nobody asked for"));
            };
            let (op, version) = map::ac_info(&ac).expect("a MAP AC");
            begun.push(Begun {
                id,
                otid,
                ac,
                op,
                version,
                invoke_id,
                touched: false,
            });
        }
    }
    fx.clear();
    elapsed += Duration::from_secs(3600);
    node.on_timeout(t0 + elapsed, elapsed.as_millis() as i64, &mut fx);
    sent(&fx);
    ledger.take(&fx)?;
    for id in &ledger.asked {
        prop_assert!(
            ledger.answered.contains_key(id),
            "question {} unanswered",
            id
        );
    }
    prop_assert_eq!(node.dialogues(User::Map), 0, "MAP dialogues left");
    prop_assert_eq!(node.open_dialogues(), 0);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]
    /// Questions answered by a hostile HLR: one answer each, in time, nothing left.
    #[test]
    fn mutated_hlr_answers_get_one_reply_per_question(
        first in proptest::collection::vec(ask(), 1..4),
        rest in proptest::collection::vec(step(), 0..14),
    ) {
        run(first.into_iter().chain(rest).collect())?;
    }
}
