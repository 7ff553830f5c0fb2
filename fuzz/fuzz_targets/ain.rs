//! AIN 0.1/0.2 (GR-1299) operation parameters: the first input octet selects one of the
//! operations the codec knows (`Operation::ALL`), the rest is the parameter element
//! (parameter set F2 or SEQUENCE). Also the AIN error parameters (applicationError,
//! failureReport) and the lab decoder's JSON.
//! Properties: an argument that decodes and passes the operation's schema check encodes to
//! one that decodes to the same message, and encoding that is byte-identical; the same for
//! error reports; the lenient decoder the node uses agrees with the strict one when it notes
//! nothing malformed; the lab decoder writes valid JSON.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scpd::ain::{AinErrorReport, AinMessage, Operation};
use scpd::ber::{Tlv, Writer};

fn argument(op: Operation, p: &[u8]) {
    let Ok(m) = AinMessage::decode_bytes(op.code(), p) else {
        return;
    };
    let _ = m.is_notification();
    let mut j = scpd::lab::json::J::new();
    scpd::lab::decode_args::ain_argument(&mut j, &m.arg, &[]);
    if let Err(e) = serde_json::from_slice::<serde_json::Value>(j.bytes()) {
        panic!("invalid JSON: {e}: {}", String::from_utf8_lossy(j.bytes()));
    }
    let mut out = Vec::new();
    if m.encode_parameter_to(&mut out).is_err() {
        assert!(out.is_empty(), "nothing is written on error");
        return;
    }
    let back = match AinMessage::decode_bytes(op.code(), &out) {
        Ok(b) => b,
        Err(e) => panic!("our encoding does not decode: {e}\n{m:?}\n{out:02x?}"),
    };
    assert_eq!(back, m, "decode(encode(x)) == x");
    let mut again = Vec::new();
    back.encode_parameter_to(&mut again).unwrap();
    assert_eq!(again, out, "encoding is a fixed point");
    // The same as an Invoke component.
    let mut inv = Vec::new();
    m.invoke(&mut Writer::new(&mut inv), true, Some(1), None)
        .expect("what encodes as a parameter encodes as an invoke");
}

fn error(code: i32, p: &[u8]) {
    let Ok(t) = Tlv::parse_single(p) else { return };
    let Ok(e) = AinErrorReport::decode(code, &t) else {
        return;
    };
    let mut out = Vec::new();
    let mut w = Writer::new(&mut out);
    let mut ok = Ok(());
    w.constructed(scpd::ber::Tag::SEQUENCE, |w| ok = e.encode_members(w));
    if ok.is_err() {
        return;
    }
    let t2 = Tlv::parse_single(&out).expect("our error parameter parses");
    let back = AinErrorReport::decode(code, &t2).expect("our error parameter decodes");
    assert_eq!(back, e, "error round trip");
}

fuzz_target!(|data: &[u8]| {
    let Some((&sel, p)) = data.split_first() else {
        return;
    };
    argument(Operation::ALL[usize::from(sel) % Operation::ALL.len()], p);
    error(1 + i32::from(sel & 1), p);
});
