use super::*;
use proptest::prelude::*;

// camel.pcap frames 1, 2 and 5 (shared/traces/wireshark-wiki/itu_tcap_from_captures.hex).
const REAL: &[&str] = &[
    "628187480206f76b1e281c060700118605010101a011600f80020780a1090607040000010032016c61a15f020101020100305780012a830884111487095040f79c01029f32061487572586f9bf34148107913366020000f0a3098007313233343536379f3605a12345678f9f3707913366020000f09f3807111487085040f79f39080230900211223370",
    "6581be480213b8490206f76b2a2828060700118605010101a01d611b80020780a109060704000001003201a203020100a305a1030201006c8187a165020101020117305da05b300b800104810100a203800102300b800105810100a203800102300b800106810100a203800102300b800107810101a203800102300b800109810100a203800101300b800109810100a203800102300b80010a810101a203800101a116020102020123300e8007a0058003008ca0a203800101a10602010302011f",
    "64124902ec0f6c0ca10a02010402011604028490",
];

fn exercise(m: &[u8]) {
    if let Ok(msg) = TcMessage::decode(m) {
        let _ = msg.application_context();
        for c in msg.components() {
            let _ = c;
        }
    }
}

proptest! {
    #[test]
    fn random_bytes_never_panic(data in proptest::collection::vec(any::<u8>(), 0..128)) {
        exercise(&data);
    }

    #[test]
    fn mutated_real_messages_never_panic(which in 0..REAL.len(), edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..4), cut in any::<usize>()) {
        let mut m = crate::ber::from_hex(REAL[which]).unwrap();
        for (at, b) in edits {
            let i = at % m.len();
            m[i] = b;
        }
        m.truncate(1 + cut % m.len());
        exercise(&m);
    }
}
