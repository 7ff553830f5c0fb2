//! WIN (TIA/EIA-41-D / IS-771) parameters: the first input octet selects one of the
//! operations the codec knows (`Operation::ALL`, low bits) and whether the rest is its
//! Invoke argument or its ReturnResult (bit 7); the rest is the parameter element.
//! Properties: what decodes and passes the operation's schema encodes to something that
//! decodes to the same parameters, byte-identical when encoded again; the lenient decoder
//! the TC-user uses agrees with the strict one when it notes nothing malformed; the
//! service mapping of a decoded query or report does not panic; the lab decoder writes
//! valid JSON.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scpd::ber::Tlv;
use scpd::win::{Kind, Operation, WinMessage};

fuzz_target!(|data: &[u8]| {
    let Some((&sel, p)) = data.split_first() else {
        return;
    };
    let op = Operation::ALL[usize::from(sel & 0x7f) % Operation::ALL.len()];
    let kind = if sel & 0x80 == 0 {
        Kind::Invoke
    } else {
        Kind::Result
    };
    if let Ok(t) = Tlv::parse_single(p) {
        let mut noted = Vec::new();
        let lenient = match kind {
            Kind::Invoke => scpd::win::decode_invoke_lenient(
                scpd::tcap::ansi::OpCode::Private(op.code()),
                Some(t),
                &mut noted,
            ),
            Kind::Result => scpd::win::decode_result_lenient(op, Some(t), &mut noted),
        };
        let strict = WinMessage::decode_bytes(kind, op.code(), p);
        if noted.is_empty() {
            assert_eq!(
                lenient.as_ref().map(|m| m.params).ok(),
                strict.as_ref().map(|m| m.params).ok(),
                "lenient and strict agree when nothing is noted"
            );
        }
        if let Ok(m) = &lenient {
            let _ = scpd::tcuser::win_map::trigger(m);
            let _ = scpd::tcuser::win_map::call_state(m);
            let _ = scpd::tcuser::win_map::call_key(m);
            let mut j = scpd::lab::json::J::new();
            scpd::lab::decode_args::win_params(&mut j, &m.params, &noted);
            if let Err(e) = serde_json::from_slice::<serde_json::Value>(j.bytes()) {
                panic!("invalid JSON: {e}: {}", String::from_utf8_lossy(j.bytes()));
            }
        }
    }
    let Ok(m) = WinMessage::decode_bytes(kind, op.code(), p) else {
        return;
    };
    let mut out = Vec::new();
    if m.encode_parameter_to(&mut out).is_err() {
        assert!(out.is_empty(), "nothing is written on error");
        return;
    }
    let back = match WinMessage::decode_bytes(kind, op.code(), &out) {
        Ok(b) => b,
        Err(e) => panic!("our encoding does not decode: {e}\n{m:?}\n{out:02x?}"),
    };
    assert_eq!((back.op, back.kind, back.params), (m.op, m.kind, m.params));
    let mut again = Vec::new();
    back.encode_parameter_to(&mut again).unwrap();
    assert_eq!(again, out, "encoding is a fixed point");
});
