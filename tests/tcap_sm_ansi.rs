//! ANSI TCAP (T1.114.4) through the same state machine: packages map to the same
//! indications, and the permission semantics are enforced.

use scpd::ber::Writer;
use scpd::tcap::ansi::{self, AnsiMessage, OpCode, PackageType, TransactionIds};
use scpd::tcap::sm::*;
use scpd::tcap::tc::*;
use std::time::{Duration, Instant};

const SSN: u8 = 247;
const PEER_TID: [u8; 4] = [0xde, 0xad, 0, 1];

fn tcap() -> Tcap<()> {
    let mut c = TcapConfig::new(Variant::Ansi);
    c.max_dialogues = 2;
    c.idle_timeout = Duration::from_secs(10);
    Tcap::new(c)
}

fn pkg(p: PackageType, ids: TransactionIds, comps: impl FnOnce(&mut Writer<'_>)) -> Vec<u8> {
    let mut out = Vec::new();
    ansi::encode(&mut out, p, ids, None, comps);
    out
}

fn info_analyzed(w: &mut Writer<'_>) {
    ansi::invoke(w, true, Some(1), None, OpCode::Private(0x6403), |w| {
        ansi::parameter_set(w, |_| {})
    });
}

fn query(t: &mut Tcap<()>, permission: bool, now: Instant) -> DialogueId {
    let p = if permission {
        PackageType::QueryWithPermission
    } else {
        PackageType::QueryWithoutPermission
    };
    let ids = TransactionIds {
        originating: Some(PEER_TID),
        responding: None,
    };
    t.on_message((), SSN, &pkg(p, ids, info_analyzed), now);
    match t.poll_indication() {
        Some(Indication::Begin {
            dialogue,
            permission: p,
            components,
            ..
        }) => {
            assert_eq!(p, permission);
            assert!(matches!(
                components[..],
                [Component::Invoke {
                    invoke_id: Some(1),
                    op: Operation::Private(0x6403),
                    ..
                }]
            ));
            dialogue
        }
        i => panic!("{i:?}"),
    }
}

fn sent(t: &mut Tcap<()>) -> Vec<u8> {
    let x = t.poll_transmit().expect("a package");
    assert!(t.poll_transmit().is_none());
    x.data
}

#[test]
fn query_with_permission_may_be_ended_with_a_response() {
    let now = Instant::now();
    let mut t = tcap();
    let d = query(&mut t, true, now);
    t.return_result(d, 1, true, None, Some(vec![0xf2, 0x00]))
        .unwrap();
    t.end(d, EndKind::Basic, now).unwrap();
    let data = sent(&mut t);
    let m = AnsiMessage::decode(&data).unwrap();
    assert_eq!(m.package, PackageType::Response);
    assert_eq!(m.ids.responding, Some(PEER_TID));
    assert!(matches!(
        m.components().next(),
        Some(Ok(ansi::AnsiComponent::ReturnResult {
            correlation_id: 1,
            last: true,
            ..
        }))
    ));
    assert_eq!(t.dialogues(), 0);
}

#[test]
fn query_without_permission_may_not_be_ended_with_a_response() {
    let now = Instant::now();
    let mut t = tcap();
    let d = query(&mut t, false, now);
    assert_eq!(t.end(d, EndKind::Basic, now), Err(TcError::NoPermission));
    assert!(t.poll_transmit().is_none());
    // Continuing is allowed: a Conversation (with permission, our default) answers.
    t.continue_(d, now).unwrap();
    let data = sent(&mut t);
    let m = AnsiMessage::decode(&data).unwrap();
    assert_eq!(m.package, PackageType::ConversationWithPermission);
    assert_eq!(m.ids.responding, Some(PEER_TID));
    assert_eq!(m.ids.originating, Some(d.0.to_be_bytes()));
    // The peer now grants permission in its Conversation: we may end.
    let ids = TransactionIds {
        originating: Some(PEER_TID),
        responding: Some(d.0.to_be_bytes()),
    };
    t.on_message(
        (),
        SSN,
        &pkg(PackageType::ConversationWithPermission, ids, |_| {}),
        now,
    );
    assert!(matches!(
        t.poll_indication(),
        Some(Indication::Continue {
            permission: true,
            ..
        })
    ));
    t.end(d, EndKind::Basic, now).unwrap();
    assert_eq!(
        AnsiMessage::decode(&sent(&mut t)).unwrap().package,
        PackageType::Response
    );
    // Prearranged end is always possible, and sends nothing.
    let d = query(&mut t, false, now);
    t.end(d, EndKind::Prearranged, now).unwrap();
    assert!(t.poll_transmit().is_none());
}

#[test]
fn response_after_we_withheld_permission_is_a_p_abort() {
    let now = Instant::now();
    let mut t = tcap();
    let d = query(&mut t, true, now);
    t.set_permission(d, false).unwrap();
    t.continue_(d, now).unwrap();
    let m_data = sent(&mut t);
    assert_eq!(
        AnsiMessage::decode(&m_data).unwrap().package,
        PackageType::ConversationWithoutPermission
    );
    let ids = TransactionIds {
        originating: None,
        responding: Some(d.0.to_be_bytes()),
    };
    t.on_message((), SSN, &pkg(PackageType::Response, ids, |_| {}), now);
    assert_eq!(
        t.poll_indication(),
        Some(Indication::PAbort {
            dialogue: d,
            cause: PAbortCause::PermissionToReleaseProblem
        })
    );
    assert_eq!(t.dialogues(), 0);
}

#[test]
fn unknown_responding_id_and_full_table_get_the_t1_114_causes() {
    let now = Instant::now();
    let mut t = tcap();
    let ids = TransactionIds {
        originating: Some(PEER_TID),
        responding: Some([9, 9, 9, 9]),
    };
    t.on_message(
        (),
        SSN,
        &pkg(PackageType::ConversationWithPermission, ids, |_| {}),
        now,
    );
    let a = sent(&mut t);
    let m = AnsiMessage::decode(&a).unwrap();
    assert_eq!(m.package, PackageType::Abort);
    assert_eq!(m.ids.responding, Some(PEER_TID));
    assert_eq!(m.abort, Some(ansi::AbortReason::Provider(4)));
    query(&mut t, true, now);
    query(&mut t, true, now);
    let q = TransactionIds {
        originating: Some(PEER_TID),
        responding: None,
    };
    t.on_message(
        (),
        SSN,
        &pkg(PackageType::QueryWithPermission, q, info_analyzed),
        now,
    );
    let a = sent(&mut t);
    assert_eq!(
        AnsiMessage::decode(&a).unwrap().abort,
        Some(ansi::AbortReason::Provider(6))
    );
    // A package of unknown type (E7) whose 4-octet Transaction ID is readable: T1.114.4
    // aborts the originating transaction it names.
    let mut bad = pkg(PackageType::QueryWithPermission, q, |_| {});
    bad[0] = 0xe7;
    t.on_message((), SSN, &bad, now);
    let m = sent(&mut t);
    let m = AnsiMessage::decode(&m).unwrap();
    assert_eq!(
        (m.package, m.ids.responding),
        (PackageType::Abort, Some(PEER_TID))
    );
    assert_eq!(m.abort, Some(ansi::AbortReason::Provider(1)));
    // A Query cut three octets short: badly structured, still aborted by its id.
    let mut cut = pkg(PackageType::QueryWithPermission, q, info_analyzed);
    cut.truncate(cut.len() - 3);
    t.on_message((), SSN, &cut, now);
    let m = sent(&mut t);
    let m = AnsiMessage::decode(&m).unwrap();
    assert_eq!(m.ids.responding, Some(PEER_TID));
    assert_eq!(m.abort, Some(ansi::AbortReason::Provider(3)));
    // Nothing is answered when the id is not whole, nor for a refused Abort.
    let mut short = pkg(PackageType::QueryWithPermission, q, |_| {});
    short.truncate(5);
    t.on_message((), SSN, &short, now);
    assert!(t.poll_transmit().is_none(), "a Transaction ID cut short");
    t.on_message((), SSN, &[0xf6, 0x05, 0xc7, 0x04, 1, 2, 3], now);
    assert!(t.poll_transmit().is_none(), "an Abort is never answered");
}

#[test]
fn received_abort_closes_and_component_errors_are_rejected_in_the_next_package() {
    let now = Instant::now();
    let mut t = tcap();
    let d = query(&mut t, true, now);
    let ids = TransactionIds {
        originating: Some(PEER_TID),
        responding: Some(d.0.to_be_bytes()),
    };
    // A ReturnResult for a component id we never used.
    t.on_message(
        (),
        SSN,
        &pkg(PackageType::ConversationWithPermission, ids, |w| {
            ansi::return_result(w, true, 0x33, |_| {})
        }),
        now,
    );
    assert!(matches!(
        t.poll_indication(),
        Some(Indication::Continue { .. })
    ));
    assert_eq!(
        t.poll_indication(),
        Some(Indication::LReject {
            dialogue: d,
            invoke_id: Some(0x33),
            problem: Problem::ResultUnrecognizedInvokeId
        })
    );
    t.continue_(d, now).unwrap();
    let data = sent(&mut t);
    let m = AnsiMessage::decode(&data).unwrap();
    assert!(matches!(
        m.components().next(),
        Some(Ok(ansi::AnsiComponent::Reject {
            correlation_id: Some(0x33),
            problem: ansi::Problem::RETURN_RESULT_UNRECOGNIZED_CORRELATION_ID,
            ..
        }))
    ));
    let mut a = Vec::new();
    ansi::encode_p_abort(
        &mut a,
        d.0.to_be_bytes(),
        ansi::PAbortCause::ResourceUnavailable,
    );
    t.on_message((), SSN, &a, now);
    assert_eq!(
        t.poll_indication(),
        Some(Indication::PAbort {
            dialogue: d,
            cause: PAbortCause::ResourceLimitation
        })
    );
    assert_eq!(t.footprint(), [0; 6]);
}

#[test]
fn our_query_and_its_invoke_timer() {
    let t0 = Instant::now();
    let mut t = tcap();
    let d = t.open((), SSN, Some(AppContext::Integer(1)), t0).unwrap();
    let iid = t
        .invoke(
            d,
            Invoke {
                op: Operation::Private(0x6403),
                class: OpClass::Class1,
                timeout: Duration::from_secs(3),
                parameter: Some(vec![0xf2, 0x03, 0x84, 0x01, 0x00]),
                linked_id: None,
                last: true,
            },
        )
        .unwrap();
    t.begin(d, t0).unwrap();
    let data = sent(&mut t);
    let m = AnsiMessage::decode(&data).unwrap();
    assert_eq!(m.package, PackageType::QueryWithPermission);
    assert_eq!(
        m.dialogue.unwrap().application_context,
        Some(ansi::ApplicationContext::Integer(1))
    );
    t.on_timeout(t0 + Duration::from_secs(3));
    assert_eq!(
        t.poll_indication(),
        Some(Indication::LCancel {
            dialogue: d,
            invoke_id: iid
        })
    );
    // Idle timeout of a dialogue the peer never answered: closed, nothing sent (no peer id).
    t.on_timeout(t0 + Duration::from_secs(10));
    assert_eq!(
        t.poll_indication(),
        Some(Indication::Timeout { dialogue: d })
    );
    assert!(t.poll_transmit().is_none());
    assert_eq!(t.footprint(), [0; 6]);
}
