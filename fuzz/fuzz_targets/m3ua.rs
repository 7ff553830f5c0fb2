//! M3UA (RFC 4666): the input is a byte stream of M3UA messages (as over TCP), split with
//! `frame_len`. Each message goes through the framing parser, the typed decoder (lenient and
//! strict) and the ASP, client ASP, IPSP and SG state machines, in order, so a seed that is a
//! real ASPUP/ASPAC/DATA sequence reaches their later states.
//! Properties: what decodes re-encodes to a message that decodes to the same value (and
//! re-encoding that is byte-identical); the strict decoder agrees with the lenient one;
//! every message the state machines write is well framed and decodes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scpd::m3ua::asp::{AsConfig, PeerAsp};
use scpd::m3ua::codec::frame_len;
use scpd::m3ua::{Message, Pdu};
use std::time::{Duration, Instant};

fn as_config() -> AsConfig {
    AsConfig {
        routing_contexts: vec![1],
        local_pc: 2,
    }
}

/// The messages in `stream`; an unframeable tail is handed over whole (the decoders must
/// refuse it cleanly).
fn split(mut stream: &[u8]) -> Vec<&[u8]> {
    let mut msgs = Vec::new();
    while !stream.is_empty() {
        let n = match frame_len(stream) {
            Ok(Some(n)) if n <= stream.len() => n,
            _ => stream.len(),
        };
        let (m, rest) = stream.split_at(n);
        msgs.push(m);
        stream = rest;
    }
    msgs
}

/// Everything in `out` is a sequence of whole M3UA messages that decode.
fn check_written(out: &[u8]) {
    let mut rest = out;
    while !rest.is_empty() {
        let n = frame_len(rest)
            .expect("we frame what we write")
            .expect("a whole header");
        assert!(n <= rest.len(), "written message is whole");
        let m = &rest[..n];
        if let Err(e) = Pdu::decode(m) {
            panic!("we wrote a message we cannot decode: {e} {m:02x?}");
        }
        rest = &rest[n..];
    }
}

fn decoders(b: &[u8]) {
    if let Ok(m) = Message::parse(b) {
        assert!(8 + m.body.len() <= b.len());
        let _ = m.routing_contexts().map(|r| r.map(|r| r.iter().count()));
        let _ = m.traffic_mode();
        let _ = m.error_code();
        let _ = m.status();
        let _ = m.affected_point_codes().count();
        let _ = m.protocol_data();
    }
    let lenient = Pdu::decode(b);
    if let Ok(p) = &lenient {
        let _ = p.validate();
        let again = p.to_vec();
        assert_eq!(
            frame_len(&again).unwrap(),
            Some(again.len()),
            "the length field covers the encoding"
        );
        let q = Pdu::decode(&again).expect("our encoding decodes");
        assert_eq!(&q, p, "decode(encode(x)) == x");
        assert_eq!(q.to_vec(), again, "encoding is canonical");
    }
    if let Ok(p) = Pdu::decode_strict(b) {
        assert_eq!(
            lenient.as_ref(),
            Ok(&p),
            "strict accepts a subset, decoding the same"
        );
    }
}

fuzz_target!(|data: &[u8]| {
    let t0 = Instant::now();
    let mut asp = PeerAsp::new(as_config());
    let mut client = scpd::m3ua::client::Asp::new(Default::default());
    let mut ipsp = scpd::m3ua::ipsp::Ipsp::new(
        scpd::m3ua::ipsp::Exchange::Double,
        Default::default(),
        as_config(),
    );
    let mut sg = scpd::m3ua::sg::Sg::new(as_config(), Default::default());
    let mut out = Vec::new();
    client.connected(t0, &mut out);
    ipsp.connected(t0, &mut out);
    check_written(&out);
    for (i, m) in split(data).into_iter().enumerate() {
        decoders(m);
        let now = t0 + Duration::from_millis(100 * i as u64);
        out.clear();
        let _ = asp.handle(m, &mut out);
        check_written(&out);
        out.clear();
        let _ = client.handle(now, m, &mut out);
        check_written(&out);
        out.clear();
        let _ = ipsp.handle(now, m, &mut out);
        check_written(&out);
        let mut outbox = Vec::new();
        let _ = sg.handle(1, now, m, &mut outbox);
        for (_, o) in &outbox {
            check_written(o);
        }
    }
});
