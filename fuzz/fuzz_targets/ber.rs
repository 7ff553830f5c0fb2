//! The BER reader (X.690 TLV walk: definite and indefinite lengths, multi-byte tags).
//! Properties: every element's framing is consistent with the input; re-encoding the
//! decoded tree canonically and decoding that gives the same tree; INTEGER contents read
//! by `as_i64` and written back by `Writer::integer` are the minimal form.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scpd::ber::{Reader, Tag, Tlv, Writer};
use scpd_fuzz::{canonical, MAX_NESTING};

/// (depth, tag, primitive contents) of every element, in order.
fn tree<'a>(level: &'a [u8], depth: usize, out: &mut Vec<(usize, Tag, Option<&'a [u8]>)>) {
    if depth > MAX_NESTING {
        return;
    }
    let mut r = Reader::new(level);
    while let Ok(Some(t)) = r.next_tlv() {
        if t.tag.constructed {
            out.push((depth, t.tag, None));
            tree(t.value, depth + 1, out);
        } else {
            out.push((depth, t.tag, Some(t.value)));
        }
    }
}

fn check_framing(data: &[u8]) {
    let mut r = Reader::new(data);
    loop {
        let at = r.offset();
        let Ok(Some(t)) = r.next_tlv() else { break };
        // The element is the input from where the reader stood, and its contents lie in it.
        assert_eq!(t.offset, at);
        assert_eq!(t.raw, &data[at..at + t.raw.len()]);
        assert!(
            t.value_offset > t.offset && t.value_offset - t.offset + t.value.len() <= t.raw.len()
        );
        assert_eq!(
            t.value,
            &data[t.value_offset..t.value_offset + t.value.len()]
        );
        // On its own it parses to the same element.
        let alone = Tlv::parse_single(t.raw).expect("an element read in place parses alone");
        assert_eq!((alone.tag, alone.value), (t.tag, t.value));
        if !t.tag.constructed && (1..=8).contains(&t.value.len()) {
            let n = t.as_i64().expect("1 to 8 octets are an INTEGER");
            let mut out = Vec::new();
            Writer::new(&mut out).integer(t.tag, n);
            let back = Tlv::parse_single(&out).unwrap();
            assert_eq!(back.as_i64().unwrap(), n);
            let v = t.value;
            let minimal = v.len() == 1
                || !((v[0] == 0 && v[1] & 0x80 == 0) || (v[0] == 0xff && v[1] & 0x80 != 0));
            if minimal {
                assert_eq!(back.value, v, "minimal INTEGER re-encodes as received");
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    check_framing(data);
    if let Some(c) = canonical(data) {
        let (mut a, mut b) = (Vec::new(), Vec::new());
        tree(data, 0, &mut a);
        tree(&c, 0, &mut b);
        assert_eq!(a, b, "the canonical re-encoding decodes to the same tree");
        assert_eq!(
            canonical(&c).as_deref(),
            Some(&c[..]),
            "canonical is a fixed point"
        );
        assert!(
            c.len() <= data.len() + 4 * a.len(),
            "re-encoding does not blow up"
        );
    }
});
