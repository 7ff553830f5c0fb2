use super::*;
use crate::ber::from_hex;

// camel.pcap frame 1 (shared/traces/wireshark-wiki/itu_tcap_from_captures.hex).
const CAMEL_BEGIN: &str = "628187480206f76b1e281c060700118605010101a011600f80020780a1090607040000010032016c61a15f020101020100305780012a830884111487095040f79c01029f32061487572586f9bf34148107913366020000f0a3098007313233343536379f3605a12345678f9f3707913366020000f09f3807111487085040f79f39080230900211223370";

#[test]
fn decodes_real_begin() {
    let buf = from_hex(CAMEL_BEGIN).unwrap();
    let m = TcMessage::decode(&buf).unwrap();
    assert_eq!(m.kind, MessageType::Begin);
    assert_eq!(m.otid, Some(&[0x06, 0xf7][..]));
    assert_eq!(
        m.dialogue,
        Some(DialoguePdu::Aarq {
            ac: &[0x04, 0x00, 0x00, 0x01, 0x00, 0x32, 0x01],
            user_info: None,
        })
    );
    let comps: Vec<_> = m.components().collect();
    assert_eq!(comps.len(), 1);
    match comps[0].clone().unwrap() {
        Component::Invoke {
            invoke_id,
            opcode,
            parameter,
            ..
        } => {
            assert_eq!((invoke_id, opcode), (1, 0));
            assert_eq!(parameter.unwrap().value.len(), 0x57);
        }
        c => panic!("{c:?}"),
    }
}

#[test]
fn decodes_real_continue_and_end() {
    // camel.pcap frame 2 (TC-CONTINUE with AARE and 3 invokes) and frame 5 (TC-END).
    let c = from_hex("6581be480213b8490206f76b2a2828060700118605010101a01d611b80020780a109060704000001003201a203020100a305a1030201006c8187a165020101020117305da05b300b800104810100a203800102300b800105810100a203800102300b800106810100a203800102300b800107810101a203800102300b800109810100a203800101300b800109810100a203800102300b80010a810101a203800101a116020102020123300e8007a0058003008ca0a203800101a10602010302011f").unwrap();
    let m = TcMessage::decode(&c).unwrap();
    assert_eq!(m.kind, MessageType::Continue);
    assert_eq!(m.dtid, Some(&[0x06, 0xf7][..]));
    assert!(matches!(
        m.dialogue,
        Some(DialoguePdu::Aare {
            result: 0,
            diagnostic: (1, 0),
            ..
        })
    ));
    let ops: Vec<u32> = m
        .components()
        .map(|c| match c.unwrap() {
            Component::Invoke { opcode, .. } => opcode,
            _ => 999,
        })
        .collect();
    assert_eq!(ops, [23, 35, 31]);
    let e = from_hex("64124902ec0f6c0ca10a02010402011604028490").unwrap();
    let m = TcMessage::decode(&e).unwrap();
    assert_eq!(m.kind, MessageType::End);
    assert_eq!(m.dtid, Some(&[0xec, 0x0f][..]));
}

#[test]
fn encodes_what_it_decodes() {
    let ac = [0x04, 0x00, 0x00, 0x01, 0x00, 0x32, 0x01];
    let mut out = Vec::new();
    encode(
        &mut out,
        MessageType::Continue,
        Some(&[1, 2, 3, 4]),
        Some(&[0x06, 0xf7]),
        Some(DialogueOut::Aare {
            ac: &ac,
            result: 0,
            diagnostic: (1, 0),
        }),
        |w| {
            invoke(w, 1, 31, |_| {});
            reject(
                w,
                Some(5),
                (problem::INVOKE, problem::UNRECOGNIZED_OPERATION),
            );
        },
    );
    let m = TcMessage::decode(&out).unwrap();
    assert_eq!(m.otid, Some(&[1, 2, 3, 4][..]));
    assert_eq!(m.application_context(), Some(&ac[..]));
    let comps: Vec<_> = m.components().map(Result::unwrap).collect();
    assert_eq!(
        comps,
        [
            Component::Invoke {
                invoke_id: 1,
                linked_id: None,
                opcode: 31,
                parameter: None
            },
            Component::Reject {
                invoke_id: Some(5),
                problem: (1, 1)
            }
        ]
    );
    // No components: the portion is omitted.
    out.clear();
    encode(&mut out, MessageType::End, None, Some(&[9]), None, |_| {});
    assert_eq!(out, [0x64, 0x03, 0x49, 0x01, 0x09]);
}

#[test]
fn faults_map_to_q774_causes() {
    let cases: &[(&str, PAbortCause)] = &[
        ("6a0449020001", PAbortCause::UnrecognizedMessageType),
        (
            "62054803000102ff",
            PAbortCause::BadlyFormattedTransactionPortion,
        ),
        ("6203490101", PAbortCause::IncorrectTransactionPortion),
        (
            "6207480501020304 05",
            PAbortCause::IncorrectTransactionPortion,
        ),
        ("650348010a", PAbortCause::IncorrectTransactionPortion),
    ];
    for (hex, cause) in cases {
        let buf = from_hex(hex).unwrap();
        let e = TcMessage::decode(&buf).unwrap_err();
        assert_eq!(e.p_abort_cause(), *cause, "{hex}: {e}");
    }
    let mut out = Vec::new();
    encode_p_abort(&mut out, &[1, 2], PAbortCause::UnrecognizedTransactionId);
    assert_eq!(out, [0x67, 0x07, 0x49, 0x02, 1, 2, 0x4a, 0x01, 0x01]);
}

#[test]
fn bad_components_become_rejects() {
    // Invoke with invokeID but no opcode; then an unknown component tag [9].
    let msg = from_hex("640d4901016c08a103020101a90100").unwrap();
    let m = TcMessage::decode(&msg).unwrap();
    let faults: Vec<_> = m.components().map(|c| c.unwrap_err().problem).collect();
    assert_eq!(
        faults,
        [
            (problem::GENERAL, problem::MISTYPED_COMPONENT),
            (problem::GENERAL, problem::UNRECOGNIZED_COMPONENT)
        ]
    );
}
