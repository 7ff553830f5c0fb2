//! SCCP connectionless messages (Q.713 ITU, T1.112 ANSI and the Chinese 24-bit variant):
//! every input is decoded as each variant, with its addresses, SCMG body and segmentation.
//! Properties: decode → encode → decode gives the same message (when it re-encodes at
//! all); the called and calling addresses and the user data are disjoint parts of the
//! input (an address that runs into the data is refused, issue 14); an address or SCMG
//! body re-encodes to what decodes to the same value; a return (UDTS/XUDTS/LUDTS) of what
//! decodes encodes and decodes as a service message.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scpd::sccp::scmg::ScmgMessage;
use scpd::sccp::segment::{Reassembler, ReassemblyConfig};
use scpd::sccp::{Address, Unitdata, Variant};
use std::time::Instant;

const VARIANTS: [Variant; 3] = [Variant::Itu, Variant::Ansi, Variant::Chinese];

/// The byte range a slice borrowed from `buf` occupies in it.
fn span(buf: &[u8], part: &[u8]) -> std::ops::Range<usize> {
    let start = part.as_ptr() as usize - buf.as_ptr() as usize;
    assert!(start + part.len() <= buf.len(), "borrowed from the input");
    start..start + part.len()
}

fn disjoint(a: &std::ops::Range<usize>, b: &std::ops::Range<usize>) -> bool {
    a.is_empty() || b.is_empty() || a.end <= b.start || b.end <= a.start
}

fn check_address(v: Variant, a: &Address<'_>) {
    let mut out = Vec::new();
    if a.encode_variant(&mut out, v).is_ok() {
        let b = Address::decode_variant(&out, 0, v).expect("our address encoding decodes");
        let mut again = Vec::new();
        b.encode_variant(&mut again, v).unwrap();
        assert_eq!(out, again, "address encoding is a fixed point");
    }
    if let Some(g) = a.gt {
        let _ = g.digits();
    }
}

fn one(data: &[u8], v: Variant, now: Instant) {
    if let Ok(u) = Unitdata::decode_variant(data, v) {
        let d = span(data, u.data);
        for gt in [u.called.gt, u.calling.gt].into_iter().flatten() {
            assert!(
                disjoint(&span(data, gt.bcd), &d),
                "a global title overlaps the user data"
            );
        }
        check_address(v, &u.called);
        check_address(v, &u.calling);
        let mut out = Vec::new();
        if u.encode(&mut out, v).is_ok() {
            let back = Unitdata::decode_variant(&out, v).expect("our encoding decodes");
            assert_eq!(back, u, "decode(encode(x)) == x");
        }
        if let Some(r) = u.returned(1) {
            let mut out = Vec::new();
            if r.encode(&mut out, v).is_ok() {
                let back = Unitdata::decode_variant(&out, v).expect("our return decodes");
                assert!(back.is_service());
                assert_eq!(back.data, u.data);
            }
        }
        if let Ok(m) = ScmgMessage::decode(u.data, v) {
            let mut out = Vec::new();
            m.encode(&mut out, v);
            assert_eq!(ScmgMessage::decode(&out, v), Ok(m), "SCMG round trip");
        }
    }
    if let Ok(a) = Address::decode_variant(data, 0, v) {
        check_address(v, &a);
    }
    let mut r = Reassembler::new(v, ReassemblyConfig::default());
    let _ = r.receive(1, data, now);
    let _ = r.receive(1, data, now);
    let _ = r.expire(now + std::time::Duration::from_secs(60));
    assert_eq!(r.in_progress(), 0, "nothing is held after T(reass)");
}

fuzz_target!(|data: &[u8]| {
    let now = Instant::now();
    for v in VARIANTS {
        one(data, v, now);
    }
});
