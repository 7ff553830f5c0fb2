use super::*;

#[test]
fn definite_short_and_long_lengths() {
    let buf = [0x30, 0x03, 0x02, 0x01, 0x05];
    let t = Tlv::parse_single(&buf).unwrap();
    assert_eq!(t.tag, Tag::SEQUENCE);
    let mut r = t.children().unwrap();
    let i = r.expect(Tag::INTEGER, "i").unwrap();
    assert_eq!(i.as_i64().unwrap(), 5);
    assert_eq!(i.offset, 2);
    r.finish().unwrap();

    let mut long = vec![0x04, 0x81, 200];
    long.extend(std::iter::repeat_n(0xab, 200));
    let t = Tlv::parse_single(&long).unwrap();
    assert_eq!(t.value.len(), 200);
    assert_eq!(t.value_offset, 3);
}

#[test]
fn indefinite_length_nested() {
    // [1] cons indefinite { [0] cons indefinite { 02 01 07 } 00 00, 04 01 aa } 00 00
    let buf = [
        0xa1, 0x80, 0xa0, 0x80, 0x02, 0x01, 0x07, 0x00, 0x00, 0x04, 0x01, 0xaa, 0x00, 0x00,
    ];
    let t = Tlv::parse_single(&buf).unwrap();
    assert_eq!(t.raw.len(), buf.len());
    let mut r = t.children().unwrap();
    let inner = r.next_tlv().unwrap().unwrap();
    assert_eq!(inner.tag, Tag::ctx_cons(0));
    let v = inner.children().unwrap().next_tlv().unwrap().unwrap();
    assert_eq!(v.as_i64().unwrap(), 7);
    let s = r.next_tlv().unwrap().unwrap();
    assert_eq!(s.value, &[0xaa]);
    assert!(r.next_tlv().unwrap().is_none());
}

#[test]
fn multi_byte_tags_round_trip() {
    for n in [0u32, 30, 31, 53, 127, 128, 16383, 16384, 1 << 28] {
        let mut buf = Vec::new();
        Writer::new(&mut buf).primitive(Tag::ctx(n), &[1, 2]);
        let t = Tlv::parse_single(&buf).unwrap();
        assert_eq!(t.tag, Tag::ctx(n), "tag {n}");
        assert_eq!(t.value, &[1, 2]);
        assert_eq!(buf.len(), Tag::ctx(n).encoded_len() + 3);
    }
    // Known encoding: CAP IDP's [50] = 9f 32.
    let t = Tlv::parse_single(&[0x9f, 0x32, 0x00]).unwrap();
    assert_eq!(t.tag, Tag::ctx(50));
}

#[test]
fn errors_carry_offsets() {
    let e = Tlv::parse_single(&[0x30, 0x05, 0x02, 0x01]).unwrap_err();
    assert!(matches!(e.kind, BerErrorKind::Truncated { need: 3 }));
    assert_eq!(e.offset, 4);
    let e = Tlv::parse_single(&[0x30, 0x80, 0x02, 0x01, 0x01]).unwrap_err();
    assert_eq!(e.kind, BerErrorKind::MissingEoc);
    let e = Tlv::parse_single(&[0x04, 0x80, 0x00, 0x00]).unwrap_err();
    assert_eq!(e.kind, BerErrorKind::IndefinitePrimitive);
    let e = Tlv::parse_single(&[0x04, 0x85, 0, 0, 0, 0, 1]).unwrap_err();
    assert_eq!(e.kind, BerErrorKind::BadLengthForm);
    let e = Tlv::parse_single(&[0x02, 0x01, 0x01, 0xff]).unwrap_err();
    assert_eq!(e.kind, BerErrorKind::Trailing(1));
    assert_eq!(e.offset, 3);
    // Nested error offsets are absolute.
    let outer = [0x30, 0x04, 0x30, 0x02, 0x04, 0x05];
    let t = Tlv::parse_single(&outer).unwrap();
    let inner = t.children().unwrap().next_tlv().unwrap().unwrap();
    let e = inner.children().unwrap().next_tlv().unwrap_err();
    assert_eq!(e.offset, 6);
}

#[test]
fn depth_limit_stops_hostile_nesting() {
    let mut buf = Vec::new();
    for _ in 0..(MAX_DEPTH + 5) {
        buf.extend_from_slice(&[0x30, 0x80]);
    }
    let e = Tlv::parse_single(&buf).unwrap_err();
    assert!(matches!(
        e.kind,
        BerErrorKind::TooDeep(_) | BerErrorKind::MissingEoc
    ));
}

#[test]
fn writer_patches_long_lengths() {
    let mut buf = Vec::new();
    let mut w = Writer::new(&mut buf);
    w.constructed(Tag::SEQUENCE, |w| {
        w.primitive(Tag::OCTET_STRING, &[0x55; 300]);
    });
    assert_eq!(&buf[..2], &[0x30, 0x82]);
    assert_eq!(u16::from_be_bytes([buf[2], buf[3]]), 304);
    assert_eq!(&buf[4..8], &[0x04, 0x82, 0x01, 0x2c]);
    let t = Tlv::parse_single(&buf).unwrap();
    assert_eq!(
        t.children()
            .unwrap()
            .next_tlv()
            .unwrap()
            .unwrap()
            .value
            .len(),
        300
    );
}

#[test]
fn integers_are_minimal() {
    let cases: &[(i64, &[u8])] = &[
        (0, &[0]),
        (127, &[0x7f]),
        (128, &[0, 0x80]),
        (-1, &[0xff]),
        (-129, &[0xff, 0x7f]),
        (25603, &[0x64, 0x03]),
    ];
    for (v, enc) in cases {
        let mut buf = Vec::new();
        Writer::new(&mut buf).integer(Tag::INTEGER, *v);
        assert_eq!(&buf[2..], *enc, "{v}");
        assert_eq!(Tlv::parse_single(&buf).unwrap().as_i64().unwrap(), *v);
    }
}

#[test]
fn oid_text() {
    // CAP v2 gsmSSF-to-gsmSCF AC.
    assert_eq!(
        oid_to_string(&[0x04, 0x00, 0x00, 0x01, 0x00, 0x32, 0x01]).unwrap(),
        "0.4.0.0.1.0.50.1"
    );
    assert_eq!(
        oid_to_string(&[0x00, 0x11, 0x86, 0x05, 0x01, 0x01, 0x01]).unwrap(),
        "0.0.17.773.1.1.1"
    );
    assert!(oid_to_string(&[0x86]).is_none());
}

proptest::proptest! {
    #[test]
    fn reader_never_panics(data in proptest::collection::vec(proptest::num::u8::ANY, 0..64)) {
        let mut r = Reader::new(&data);
        while let Ok(Some(t)) = r.next_tlv() {
            if t.tag.constructed {
                let _ = t.children().map(|c| c.count());
            }
        }
    }
}
