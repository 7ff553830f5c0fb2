use super::*;
use crate::ber::{self, from_hex, Tag};

#[test]
fn query_with_invoke_round_trips() {
    let mut out = Vec::new();
    encode(
        &mut out,
        PackageType::QueryWithPermission,
        TransactionIds {
            originating: Some([1, 2, 3, 4]),
            responding: None,
        },
        Some(&DialoguePortion {
            version: Some(version::SUPPORTED),
            ..Default::default()
        }),
        |w| {
            invoke(w, true, Some(1), None, OpCode::Private(0x6403), |w| {
                parameter_set(w, |w| w.primitive(Tag::ctx(15), &[0x03, 0x10, 0x21]))
            })
        },
    );
    assert_eq!(
        ber::hex(&out),
        "e21dc70401020304f903da0103e810e90ecf0101d1026403f2058f03031021"
    );
    let m = AnsiMessage::decode(&out).unwrap();
    assert_eq!(m.package, PackageType::QueryWithPermission);
    assert_eq!(m.ids.originating, Some([1, 2, 3, 4]));
    let c: Vec<_> = m.components().map(Result::unwrap).collect();
    match c[0] {
        AnsiComponent::Invoke {
            last: true,
            invoke_id: Some(1),
            correlation_id: None,
            opcode,
            parameter: Some(p),
        } => {
            assert_eq!(opcode, OpCode::Private(0x6403));
            assert_eq!((opcode.family(), opcode.specifier()), (0x64, 0x03));
            assert_eq!(p.tag, tags::PARAMETER_SET);
        }
        ref c => panic!("{c:?}"),
    }
    let mut again = Vec::new();
    m.encode(&mut again);
    assert_eq!(again, out);
}

#[test]
fn package_faults_map_to_p_abort_causes() {
    let cases: &[(&str, PAbortCause)] = &[
        ("6a03c70100", PAbortCause::UnrecognizedPackageType),
        (
            "e206c70401020304ff",
            PAbortCause::BadlyStructuredTransactionPortion,
        ),
        ("e203c70101", PAbortCause::BadlyStructuredTransactionPortion),
        ("e203d70101", PAbortCause::IncorrectTransactionPortion),
        (
            "e209c70401020304010100",
            PAbortCause::UnrecognizedDialoguePortionId,
        ),
        (
            "e20bc70401020304f903da0201",
            PAbortCause::BadlyStructuredDialoguePortion,
        ),
        (
            "e20ec70401020304f906db0101db0102",
            PAbortCause::BadlyStructuredDialoguePortion,
        ),
        (
            "e20bc70401020304f903da0104",
            PAbortCause::InconsistentDialoguePortion,
        ),
        ("e102c700", PAbortCause::IncorrectTransactionPortion),
    ];
    for (hex, cause) in cases {
        let buf = from_hex(hex).unwrap();
        let e = AnsiMessage::decode(&buf).unwrap_err();
        assert_eq!(e.p_abort_cause(), *cause, "{hex}: {e}");
    }
    let mut out = Vec::new();
    encode_p_abort(&mut out, [1, 2, 3, 4], PAbortCause::ResourceUnavailable);
    assert_eq!(ber::hex(&out), "f609c70401020304d70106");
}
