//! ITU TCAP state machine (Q.774): one test per abort/reject case of the tables in
//! `scpd::tcap::sm`, AC negotiation and fallback, invoke timers, idle timeout. Time is an
//! injected `Instant`; nothing sleeps.

use scpd::ber::{from_hex, Writer};
use scpd::camel::ac::{CAP_V2_GSMSSF_TO_GSMSCF as CAP2, CAP_V3_GSMSSF_SCF_GENERIC as CAP3};
use scpd::tcap::itu::{self, Component as Wire, DialogueOut, DialoguePdu, MessageType, TcMessage};
use scpd::tcap::sm::*;
use scpd::tcap::tc::*;
use std::time::{Duration, Instant};

const SSN: u8 = 146;
const PEER: u32 = 7; // the "address" handed back with transmits

fn cfg() -> TcapConfig {
    let mut c = TcapConfig::new(Variant::Itu);
    c.instance = 0x5c;
    c.max_dialogues = 4;
    c.idle_timeout = Duration::from_secs(30);
    c.ssns = vec![(
        SSN,
        SsnPolicy {
            accepted: vec![AppContext::oid(CAP2)],
            fallback: Some(AppContext::oid(CAP2)),
            accept_without_ac: true,
            class_of: |op| match op {
                Operation::Local(24) => OpClass::Class4, // eventReportBCSM
                _ => OpClass::Class1,
            },
        },
    )];
    c
}

fn msg(
    kind: MessageType,
    otid: Option<&[u8]>,
    dtid: Option<&[u8]>,
    dlg: Option<DialogueOut<'_>>,
    comps: impl FnOnce(&mut Writer<'_>),
) -> Vec<u8> {
    let mut out = Vec::new();
    itu::encode(&mut out, kind, otid, dtid, dlg, comps);
    out
}

fn begin(otid: &[u8], ac: Option<&[u8]>, comps: impl FnOnce(&mut Writer<'_>)) -> Vec<u8> {
    msg(
        MessageType::Begin,
        Some(otid),
        None,
        ac.map(|ac| DialogueOut::Aarq { ac }),
        comps,
    )
}

fn idp(w: &mut Writer<'_>) {
    itu::invoke(w, 1, 0, |w| w.constructed(scpd::ber::Tag::SEQUENCE, |_| {}));
}

struct Out {
    sent: Vec<Vec<u8>>,
    inds: Vec<Indication>,
}

fn drain(t: &mut Tcap<u32>) -> Out {
    let mut sent = Vec::new();
    while let Some(x) = t.poll_transmit() {
        assert_eq!(x.to, PEER);
        sent.push(x.data);
    }
    let mut inds = Vec::new();
    while let Some(i) = t.poll_indication() {
        inds.push(i);
    }
    Out { sent, inds }
}

/// The one message sent, decoded: (kind, dtid, p-abort cause, dialogue PDU, components).
fn one(out: &Out) -> TcMessage<'_> {
    assert_eq!(out.sent.len(), 1, "{:?}", out.sent);
    TcMessage::decode(&out.sent[0]).expect("we send what we decode")
}

fn p_abort(out: &Out, to: &[u8]) -> u8 {
    let m = one(out);
    assert_eq!((m.kind, m.dtid), (MessageType::Abort, Some(to)));
    m.p_abort.expect("a P-Abort")
}

fn opened(t: &mut Tcap<u32>, otid: &[u8], now: Instant) -> DialogueId {
    t.on_message(PEER, SSN, &begin(otid, Some(CAP2), idp), now);
    let out = drain(t);
    assert!(out.sent.is_empty());
    match &out.inds[..] {
        [Indication::Begin { dialogue, .. }] => *dialogue,
        i => panic!("{i:?}"),
    }
}

#[test]
fn undecodable_messages_get_the_q774_p_abort_when_an_otid_is_readable() {
    let now = Instant::now();
    let mut t = Tcap::new(cfg());
    // [APPLICATION 10] is no message type: unrecognizedMessageType (0).
    t.on_message(PEER, SSN, &from_hex("6a03480107").unwrap(), now);
    assert_eq!(p_abort(&drain(&mut t), &[7]), 0);
    // Truncated member after the otid: badlyFormattedTransactionPortion (2).
    t.on_message(PEER, SSN, &from_hex("6206480107020502").unwrap(), now);
    assert_eq!(p_abort(&drain(&mut t), &[7]), 2);
    // A Begin with a dtid: incorrectTransactionPortion (3).
    t.on_message(PEER, SSN, &from_hex("620648010749010a").unwrap(), now);
    assert_eq!(p_abort(&drain(&mut t), &[7]), 3);
    // Nothing readable, or no otid (an End): discarded without answer.
    t.on_message(PEER, SSN, &from_hex("ff").unwrap(), now);
    t.on_message(PEER, SSN, &from_hex("6403490107ff").unwrap(), now);
    let out = drain(&mut t);
    assert!(out.sent.is_empty() && out.inds.is_empty());
    let c = t.counters();
    assert_eq!(c.discarded, 2);
    assert_eq!(c.p_abort_answers.values().sum::<u64>(), 3);
    assert_eq!(t.dialogues(), 0);
}

#[test]
fn undecodable_message_for_a_live_dialogue_p_aborts_it_both_ways() {
    let now = Instant::now();
    let mut t = Tcap::new(cfg());
    let d = opened(&mut t, &[1, 2], now);
    // Continue with otid, our dtid, then garbage.
    let mut bad = vec![0x65, 0x0b, 0x48, 0x02, 1, 2, 0x49, 0x04];
    bad.extend(d.0.to_be_bytes());
    bad.push(0x05);
    t.on_message(PEER, SSN, &bad, now);
    let out = drain(&mut t);
    assert_eq!(p_abort(&out, &[1, 2]), 2);
    assert_eq!(
        out.inds,
        [Indication::PAbort {
            dialogue: d,
            cause: PAbortCause::BadlyFormattedTransactionPortion
        }]
    );
    assert_eq!(t.dialogues(), 0);
}

#[test]
fn unknown_dtid_continue_gets_unrecognized_transaction_id_end_and_abort_are_dropped() {
    let now = Instant::now();
    let mut t = Tcap::new(cfg());
    let c = msg(
        MessageType::Continue,
        Some(&[9]),
        Some(&[0, 0, 0, 1]),
        None,
        |_| {},
    );
    t.on_message(PEER, SSN, &c, now);
    assert_eq!(p_abort(&drain(&mut t), &[9]), 1);
    let e = msg(MessageType::End, None, Some(&[0, 0, 0, 1]), None, |_| {});
    t.on_message(PEER, SSN, &e, now);
    let mut a = Vec::new();
    itu::encode_p_abort(&mut a, &[0, 0, 0, 1], itu::PAbortCause::ResourceLimitation);
    t.on_message(PEER, SSN, &a, now);
    assert!(drain(&mut t).sent.is_empty());
    assert_eq!(t.counters().discarded, 2);
}

#[test]
fn dialogue_limit_is_answered_with_resource_limitation() {
    let now = Instant::now();
    let mut t = Tcap::new(cfg());
    for i in 0..4u8 {
        opened(&mut t, &[i], now);
    }
    t.on_message(PEER, SSN, &begin(&[9], Some(CAP2), idp), now);
    let out = drain(&mut t);
    assert_eq!(p_abort(&out, &[9]), 4);
    assert!(out.inds.is_empty());
    assert_eq!(t.dialogues(), 4);
    assert_eq!(
        t.counters().p_abort_answers[&PAbortCause::ResourceLimitation],
        1
    );
}

#[test]
fn begin_then_basic_end_carries_the_aare_and_closes() {
    let now = Instant::now();
    let mut t = Tcap::new(cfg());
    t.on_message(PEER, SSN, &begin(&[1, 2, 3], Some(CAP2), idp), now);
    let out = drain(&mut t);
    let Indication::Begin {
        dialogue,
        ssn,
        ac,
        components,
        permission,
        ..
    } = &out.inds[0]
    else {
        panic!("{:?}", out.inds)
    };
    assert_eq!(
        (*ssn, ac.clone(), *permission),
        (SSN, Some(AppContext::oid(CAP2)), true)
    );
    assert_eq!(dialogue.0 >> 24, 0x5c, "instance prefix");
    assert!(matches!(
        components[..],
        [Component::Invoke {
            invoke_id: Some(1),
            op: Operation::Local(0),
            ..
        }]
    ));
    t.return_result(*dialogue, 1, true, None, None).unwrap();
    t.end(*dialogue, EndKind::Basic, now).unwrap();
    let out = drain(&mut t);
    let m = one(&out);
    assert_eq!((m.kind, m.dtid), (MessageType::End, Some(&[1, 2, 3][..])));
    assert!(matches!(
        m.dialogue,
        Some(DialoguePdu::Aare { result: 0, diagnostic: (1, 0), ac }) if ac == CAP2
    ));
    let comps: Vec<_> = m.components().map(Result::unwrap).collect();
    assert!(matches!(
        comps[..],
        [Wire::ReturnResult {
            invoke_id: 1,
            last: true,
            ..
        }]
    ));
    assert_eq!(t.dialogues(), 0);
    assert_eq!(t.counters().ended_normally, 1);
}

#[test]
fn prearranged_end_sends_nothing() {
    let now = Instant::now();
    let mut t = Tcap::new(cfg());
    let d = opened(&mut t, &[1], now);
    t.end(d, EndKind::Prearranged, now).unwrap();
    assert!(drain(&mut t).sent.is_empty());
    assert_eq!(t.footprint(), [0; 6]);
    assert_eq!(t.end(d, EndKind::Basic, now), Err(TcError::NoSuchDialogue));
}

#[test]
fn received_end_and_aborts_close_the_dialogue() {
    let now = Instant::now();
    let mut t = Tcap::new(cfg());
    let ids: Vec<_> = (0..4u8).map(|i| opened(&mut t, &[i], now)).collect();
    // TC-END from the peer.
    let e = msg(
        MessageType::End,
        None,
        Some(&ids[0].0.to_be_bytes()),
        None,
        |_| {},
    );
    t.on_message(PEER, SSN, &e, now);
    // P-Abort from the peer.
    let mut a = Vec::new();
    itu::encode_p_abort(
        &mut a,
        &ids[1].0.to_be_bytes(),
        itu::PAbortCause::ResourceLimitation,
    );
    t.on_message(PEER, SSN, &a, now);
    // U-Abort with ABRT user, and with ABRT provider.
    for (d, source) in [(ids[2], 0), (ids[3], 1)] {
        let u = msg(
            MessageType::Abort,
            None,
            Some(&d.0.to_be_bytes()),
            Some(DialogueOut::Abrt { source }),
            |_| {},
        );
        t.on_message(PEER, SSN, &u, now);
    }
    let out = drain(&mut t);
    assert!(out.sent.is_empty());
    assert_eq!(
        out.inds,
        [
            Indication::End {
                dialogue: ids[0],
                components: vec![]
            },
            Indication::PAbort {
                dialogue: ids[1],
                cause: PAbortCause::ResourceLimitation
            },
            Indication::UAbort {
                dialogue: ids[2],
                reason: UAbortReason::User(None)
            },
            Indication::PAbort {
                dialogue: ids[3],
                cause: PAbortCause::AbnormalDialogue
            },
        ]
    );
    let c = t.counters();
    assert_eq!(
        (c.opened(), c.closed(), c.ended_normally, c.user_aborted),
        (4, 4, 1, 1)
    );
    assert_eq!(t.footprint(), [0; 6]);
}

#[test]
fn user_abort_sends_abrt_with_user_information() {
    let now = Instant::now();
    let mut t = Tcap::new(cfg());
    let d = opened(&mut t, &[1], now);
    t.u_abort(d, Some(vec![0x28, 0x00]), now).unwrap();
    let out = drain(&mut t);
    let m = one(&out);
    assert_eq!(m.kind, MessageType::Abort);
    assert_eq!(m.dialogue, Some(DialoguePdu::Abrt { source: 0 }));
    assert_eq!(m.user_info, Some(&[0x28, 0x00][..]));
    assert_eq!(t.counters().user_aborted, 1);
}

#[test]
fn unsupported_ac_is_refused_with_aare_naming_the_fallback() {
    let now = Instant::now();
    let mut t = Tcap::new(cfg());
    // A CAP v3 MSC begins with the v3 AC; we take v2 only.
    t.on_message(PEER, SSN, &begin(&[0x33], Some(CAP3), idp), now);
    let out = drain(&mut t);
    let m = one(&out);
    assert_eq!((m.kind, m.dtid), (MessageType::Abort, Some(&[0x33][..])));
    assert!(matches!(
        m.dialogue,
        Some(DialoguePdu::Aare { result: 1, diagnostic: (1, 2), ac }) if ac == CAP2
    ));
    assert!(out.inds.is_empty());
    assert_eq!((t.dialogues(), t.counters().ac_refused), (0, 1));
    // It falls back to v2 and is accepted.
    let d = opened(&mut t, &[0x33], now);
    t.continue_(d, now).unwrap();
    assert!(matches!(
        one(&drain(&mut t)).dialogue,
        Some(DialoguePdu::Aare { result: 0, ac, .. }) if ac == CAP2
    ));
}

#[test]
fn our_begin_refused_with_aare_reports_the_ac_to_fall_back_to() {
    let now = Instant::now();
    let mut t = Tcap::new(cfg());
    let d = t.open(PEER, SSN, Some(AppContext::oid(CAP3)), now).unwrap();
    t.begin(d, now).unwrap();
    let sent = drain(&mut t);
    assert!(matches!(one(&sent).dialogue, Some(DialoguePdu::Aarq { ac, .. }) if ac == CAP3));
    let refusal = msg(
        MessageType::Abort,
        None,
        Some(&d.0.to_be_bytes()),
        Some(DialogueOut::Aare {
            ac: CAP2,
            result: 1,
            diagnostic: (1, 2),
        }),
        |_| {},
    );
    t.on_message(PEER, SSN, &refusal, now);
    assert_eq!(
        drain(&mut t).inds,
        [Indication::UAbort {
            dialogue: d,
            reason: UAbortReason::AcNotSupported {
                supported: AppContext::oid(CAP2)
            }
        }]
    );
}

#[test]
fn missing_protocol_version_is_tolerated_and_version_without_version1_refused() {
    let now = Instant::now();
    let mut t = Tcap::new(cfg());
    // camel.pcap frame 1 without its AARQ protocol-version: re-encoded by the codec.
    let real = from_hex("628187480206f76b1e281c060700118605010101a011600f80020780a1090607040000010032016c61a15f020101020100305780012a830884111487095040f79c01029f32061487572586f9bf34148107913366020000f0a3098007313233343536379f3605a12345678f9f3707913366020000f09f3807111487085040f79f39080230900211223370").unwrap();
    let mut m = TcMessage::decode(&real).unwrap();
    m.protocol_version = None;
    let mut no_version = Vec::new();
    m.encode(&mut no_version);
    assert_eq!(no_version.len(), real.len() - 4);
    t.on_message(PEER, SSN, &no_version, now);
    assert!(matches!(drain(&mut t).inds[..], [Indication::Begin { .. }]));
    // jss7-vectors/itu_tcap_messages.hex:87 (NEGATIVE: protocol version 06 40, no
    // version1): AARE reject, dialogue-service-provider no-common-dialogue-portion.
    let bad = from_hex("62754801016b452843060700118605010101a038603680020640a109060704000001001302be252823060704000001010101a018a08080099602248003008000f28107911326988603f000006c29a1270201800202024f241e04010f0410aa98aca65acd6236190e37cbe572b9118007911326888300f2").unwrap();
    let policy_any = {
        let mut c = cfg();
        c.ssns.clear();
        c
    };
    let mut t = Tcap::new(policy_any);
    t.on_message(PEER, 6, &bad, now);
    let out = drain(&mut t);
    let m = one(&out);
    assert_eq!(m.kind, MessageType::Abort);
    assert!(matches!(
        m.dialogue,
        Some(DialoguePdu::Aare {
            result: 1,
            diagnostic: (2, 2),
            ..
        })
    ));
    assert_eq!(t.dialogues(), 0);
}

#[test]
fn dialogue_without_aarq_accepted_when_configured() {
    let now = Instant::now();
    let mut t = Tcap::new(cfg());
    t.on_message(PEER, SSN, &begin(&[1], None, idp), now);
    let out = drain(&mut t);
    let Indication::Begin {
        dialogue, ac: None, ..
    } = out.inds[0]
    else {
        panic!("{:?}", out.inds)
    };
    t.end(dialogue, EndKind::Basic, now).unwrap();
    assert_eq!(
        one(&drain(&mut t)).dialogue,
        None,
        "no AARE for a v1 dialogue"
    );

    let mut strict = cfg();
    strict.ssns[0].1.accept_without_ac = false;
    let mut t = Tcap::new(strict);
    t.on_message(PEER, SSN, &begin(&[1], None, idp), now);
    let out = drain(&mut t);
    let m = one(&out);
    assert_eq!(
        (m.kind, m.dialogue, m.p_abort),
        (MessageType::Abort, None, None)
    );
    assert_eq!(t.counters().ac_refused, 1);
}

/// Open an outgoing dialogue, invoke `class` with a 5 s timer, begin, and let the peer
/// answer with an empty Continue. Returns (dialogue, invoke id, peer tid).
fn outgoing(t: &mut Tcap<u32>, class: OpClass, now: Instant) -> (DialogueId, i8) {
    let d = t.open(PEER, SSN, Some(AppContext::oid(CAP2)), now).unwrap();
    let iid = t
        .invoke(
            d,
            Invoke {
                op: Operation::Local(23),
                class,
                timeout: Duration::from_secs(5),
                parameter: None,
                linked_id: None,
                last: true,
            },
        )
        .unwrap();
    t.begin(d, now).unwrap();
    let out = drain(t);
    let m = one(&out);
    assert_eq!(
        (m.kind, m.otid),
        (MessageType::Begin, Some(&d.0.to_be_bytes()[..]))
    );
    let c = msg(
        MessageType::Continue,
        Some(&[0xaa]),
        Some(&d.0.to_be_bytes()),
        Some(DialogueOut::Aare {
            ac: CAP2,
            result: 0,
            diagnostic: (1, 0),
        }),
        |_| {},
    );
    t.on_message(PEER, SSN, &c, now);
    let out = drain(t);
    assert!(matches!(
        &out.inds[..],
        [Indication::Continue { ac: Some(_), .. }]
    ));
    (d, iid)
}

fn from_peer(
    t: &mut Tcap<u32>,
    d: DialogueId,
    comps: impl FnOnce(&mut Writer<'_>),
    now: Instant,
) -> Out {
    let c = msg(
        MessageType::Continue,
        Some(&[0xaa]),
        Some(&d.0.to_be_bytes()),
        None,
        comps,
    );
    t.on_message(PEER, SSN, &c, now);
    drain(t)
}

/// The Rejects our next Continue carries.
fn rejects_sent(t: &mut Tcap<u32>, d: DialogueId, now: Instant) -> Vec<(Option<i8>, (u8, u8))> {
    t.continue_(d, now).unwrap();
    let out = drain(t);
    let m = one(&out);
    assert_eq!(m.dtid, Some(&[0xaa][..]));
    m.components()
        .map(|c| match c.unwrap() {
            Wire::Reject { invoke_id, problem } => (invoke_id, problem),
            c => panic!("{c:?}"),
        })
        .collect()
}

#[test]
fn invoke_timer_expiry_gives_tc_l_cancel_and_a_late_result_is_rejected() {
    let t0 = Instant::now();
    let mut t = Tcap::new(cfg());
    let (d, iid) = outgoing(&mut t, OpClass::Class1, t0);
    assert_eq!(t.next_deadline(), Some(t0 + Duration::from_secs(5)));
    t.on_timeout(t0 + Duration::from_millis(4999));
    assert!(drain(&mut t).inds.is_empty());
    t.on_timeout(t0 + Duration::from_secs(5));
    assert_eq!(
        drain(&mut t).inds,
        [Indication::LCancel {
            dialogue: d,
            invoke_id: iid
        }]
    );
    assert_eq!(t.footprint()[2..4], [0, 0], "timer and invocation freed");
    // The result comes after all: returnResult unrecognizedInvokeID.
    let out = from_peer(
        &mut t,
        d,
        |w| {
            itu::ComponentPdu::ReturnResult {
                invoke_id: iid,
                last: true,
                result: None,
            }
            .encode(w)
        },
        t0 + Duration::from_secs(6),
    );
    assert!(matches!(
        out.inds[..],
        [
            Indication::Continue { .. },
            Indication::LReject {
                problem: Problem::ResultUnrecognizedInvokeId,
                ..
            }
        ]
    ));
    assert_eq!(rejects_sent(&mut t, d, t0), [(Some(iid), (2, 0))]);
}

#[test]
fn result_before_timeout_stops_the_timer() {
    let t0 = Instant::now();
    let mut t = Tcap::new(cfg());
    let (d, iid) = outgoing(&mut t, OpClass::Class1, t0);
    let out = from_peer(
        &mut t,
        d,
        |w| {
            itu::ComponentPdu::ReturnResult {
                invoke_id: iid,
                last: true,
                result: None,
            }
            .encode(w)
        },
        t0,
    );
    let Indication::Continue { components, .. } = &out.inds[0] else {
        panic!()
    };
    assert_eq!(components.len(), 1);
    assert_eq!(t.footprint()[2..4], [0, 0]);
    t.on_timeout(t0 + Duration::from_secs(6));
    assert!(drain(&mut t).inds.is_empty());
}

#[test]
fn results_and_errors_the_operation_class_does_not_allow_are_rejected() {
    let t0 = Instant::now();
    // Class 2 (errors only): a result is returnResultUnexpected.
    let mut t = Tcap::new(cfg());
    let (d, iid) = outgoing(&mut t, OpClass::Class2, t0);
    let out = from_peer(
        &mut t,
        d,
        |w| {
            itu::ComponentPdu::ReturnResult {
                invoke_id: iid,
                last: true,
                result: None,
            }
            .encode(w)
        },
        t0,
    );
    assert!(matches!(
        out.inds[1],
        Indication::LReject {
            problem: Problem::ReturnResultUnexpected,
            ..
        }
    ));
    assert_eq!(rejects_sent(&mut t, d, t0), [(Some(iid), (2, 1))]);
    // Class 4: an error is returnErrorUnexpected.
    let (d, iid) = outgoing(&mut t, OpClass::Class4, t0);
    let out = from_peer(
        &mut t,
        d,
        |w| {
            itu::ComponentPdu::ReturnError {
                invoke_id: iid,
                error_code: itu::Code::Local(1),
                parameter: None,
            }
            .encode(w)
        },
        t0,
    );
    assert!(matches!(
        out.inds[1],
        Indication::LReject {
            problem: Problem::ReturnErrorUnexpected,
            ..
        }
    ));
    assert_eq!(rejects_sent(&mut t, d, t0), [(Some(iid), (3, 1))]);
    // An error for an id we never used: returnError unrecognizedInvokeID.
    let out = from_peer(
        &mut t,
        d,
        |w| {
            itu::ComponentPdu::ReturnError {
                invoke_id: 99,
                error_code: itu::Code::Local(1),
                parameter: None,
            }
            .encode(w)
        },
        t0,
    );
    assert!(matches!(
        out.inds[1],
        Indication::LReject {
            problem: Problem::ErrorUnrecognizedInvokeId,
            ..
        }
    ));
    assert_eq!(rejects_sent(&mut t, d, t0), [(Some(99), (3, 0))]);
    assert_eq!(t.counters().rejected_local.values().sum::<u64>(), 3);
}

#[test]
fn duplicate_invoke_id_and_unknown_linked_id_are_rejected() {
    let t0 = Instant::now();
    let mut t = Tcap::new(cfg());
    let (d, iid) = outgoing(&mut t, OpClass::Class1, t0);
    let out = from_peer(
        &mut t,
        d,
        |w| {
            itu::invoke(w, 5, 33, |_| {}); // class 1: awaits our answer
            itu::invoke(w, 5, 33, |_| {}); // duplicate
            itu::invoke(w, 6, 24, |_| {}); // class 4: not remembered
            itu::invoke(w, 6, 24, |_| {}); // so no duplicate
                                           // Linked to our invoke: fine; linked to an unknown one: rejected.
            itu::ComponentPdu::Invoke {
                invoke_id: 7,
                linked_id: Some(iid),
                opcode: itu::Code::Local(33),
                parameter: None,
            }
            .encode(w);
            itu::ComponentPdu::Invoke {
                invoke_id: 8,
                linked_id: Some(42),
                opcode: itu::Code::Local(33),
                parameter: None,
            }
            .encode(w);
            // An unknown component type.
            w.constructed(scpd::ber::Tag::ctx_cons(9), |w| {
                w.integer(scpd::ber::Tag::INTEGER, 1)
            });
        },
        t0,
    );
    let Indication::Continue { components, .. } = &out.inds[0] else {
        panic!()
    };
    assert_eq!(components.len(), 4);
    let problems: Vec<_> = out.inds[1..]
        .iter()
        .map(|i| match i {
            Indication::LReject {
                invoke_id, problem, ..
            } => (*invoke_id, *problem),
            i => panic!("{i:?}"),
        })
        .collect();
    assert_eq!(
        problems,
        [
            (Some(5), Problem::DuplicateInvokeId),
            (Some(8), Problem::UnrecognizedLinkedId),
            (None, Problem::UnrecognizedComponent)
        ]
    );
    assert_eq!(
        rejects_sent(&mut t, d, t0),
        [(Some(5), (1, 0)), (Some(8), (1, 5)), (None, (0, 0))]
    );
    // Once answered, the id may be used again.
    t.return_result(d, 5, true, None, None).unwrap();
    let out = from_peer(&mut t, d, |w| itu::invoke(w, 5, 33, |_| {}), t0);
    assert_eq!(out.inds.len(), 1);
}

#[test]
fn received_reject_gives_tc_r_reject_and_ends_our_invocation() {
    let t0 = Instant::now();
    let mut t = Tcap::new(cfg());
    let (d, iid) = outgoing(&mut t, OpClass::Class1, t0);
    let out = from_peer(&mut t, d, |w| itu::reject(w, Some(iid), (1, 1)), t0);
    assert_eq!(
        out.inds[1],
        Indication::RReject {
            dialogue: d,
            invoke_id: Some(iid),
            problem: Problem::UnrecognizedOperation
        }
    );
    assert_eq!(t.footprint()[2..4], [0, 0]);
    assert_eq!(
        t.counters().rejected_remote[&Problem::UnrecognizedOperation],
        1
    );
}

#[test]
fn rejects_found_in_an_end_are_only_indicated() {
    let t0 = Instant::now();
    let mut t = Tcap::new(cfg());
    let (d, _) = outgoing(&mut t, OpClass::Class1, t0);
    let e = msg(
        MessageType::End,
        None,
        Some(&d.0.to_be_bytes()),
        None,
        |w| {
            itu::ComponentPdu::ReturnResult {
                invoke_id: 77,
                last: true,
                result: None,
            }
            .encode(w)
        },
    );
    t.on_message(PEER, SSN, &e, t0);
    let out = drain(&mut t);
    assert!(out.sent.is_empty());
    assert!(matches!(
        out.inds[..],
        [Indication::End { .. }, Indication::LReject { .. }]
    ));
    assert_eq!(t.footprint(), [0; 6]);
}

#[test]
fn idle_dialogue_times_out_with_abort_and_indication() {
    let t0 = Instant::now();
    let mut t = Tcap::new(cfg());
    let d = opened(&mut t, &[4, 5], t0);
    assert_eq!(t.next_deadline(), Some(t0 + Duration::from_secs(30)));
    // Traffic refreshes the deadline.
    t.continue_(d, t0 + Duration::from_secs(20)).unwrap();
    drain(&mut t);
    t.on_timeout(t0 + Duration::from_secs(31));
    assert!(drain(&mut t).inds.is_empty());
    t.on_timeout(t0 + Duration::from_secs(50));
    let out = drain(&mut t);
    assert_eq!(out.inds, [Indication::Timeout { dialogue: d }]);
    let m = one(&out);
    assert_eq!((m.kind, m.dtid), (MessageType::Abort, Some(&[4, 5][..])));
    assert_eq!(m.dialogue, Some(DialoguePdu::Abrt { source: 0 }));
    assert_eq!(t.counters().timed_out, 1);
    assert_eq!(t.footprint(), [0; 6]);
    assert_eq!(t.next_deadline(), None);
}

#[test]
fn returned_message_gives_tc_notice() {
    let t0 = Instant::now();
    let mut t = Tcap::new(cfg());
    let d = t.open(PEER, SSN, None, t0).unwrap();
    t.begin(d, t0).unwrap();
    let sent = drain(&mut t).sent.remove(0);
    t.on_notice(&sent, 0x01);
    assert_eq!(
        drain(&mut t).inds,
        [Indication::Notice {
            dialogue: d,
            cause: 1
        }]
    );
}

#[test]
fn wrong_state_requests_are_refused() {
    let t0 = Instant::now();
    let mut t = Tcap::new(cfg());
    let d = t.open(PEER, SSN, None, t0).unwrap();
    assert!(matches!(t.continue_(d, t0), Err(TcError::WrongState(_))));
    assert!(matches!(
        t.end(d, EndKind::Basic, t0),
        Err(TcError::WrongState(_))
    ));
    t.begin(d, t0).unwrap();
    assert!(matches!(t.begin(d, t0), Err(TcError::WrongState(_))));
    // U-Abort before the peer answered: local only.
    drain(&mut t);
    t.u_abort(d, None, t0).unwrap();
    assert!(drain(&mut t).sent.is_empty());
}
