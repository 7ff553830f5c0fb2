use super::*;
use crate::ber::from_hex;

#[test]
fn udt_round_trip_ssn_routing() {
    let called = Address::ssn_pc(200, 146);
    let calling = Address::ssn_pc(100, 146);
    let mut buf = Vec::new();
    encode_udt(&mut buf, 0x81, &called, &calling, b"tcap");
    // PYCRATE-NOTES: PC 200 + SSN 146 encodes as 04 43 c8 00 92.
    assert_eq!(&buf[..6], &[0x09, 0x81, 0x03, 0x07, 0x0b, 0x04]);
    assert_eq!(&buf[5..10], &[0x04, 0x43, 0xc8, 0x00, 0x92]);
    let u = Unitdata::decode(&buf).unwrap();
    assert_eq!(u.called, called);
    assert_eq!(u.calling, calling);
    assert_eq!(u.data, b"tcap");
    assert!(u.return_on_error());
}

#[test]
fn go_sccp_vectors() {
    // shared/traces/go-sccp-vectors/sccp_messages.hex, sccp_test.go:31 (UDT, GTI 4).
    let buf =
        from_hex("098103101a0d120600110421436587092143650a1207001204896745230104deadbeef").unwrap();
    let u = Unitdata::decode(&buf).unwrap();
    assert_eq!(u.msg_type, msg_type::UDT);
    assert!(!u.called.route_on_ssn);
    assert_eq!(u.called.ssn, Some(6));
    let gt = u.called.gt.unwrap();
    assert_eq!((gt.gti, gt.tt, gt.np, gt.nai), (4, 0, 1, 4));
    assert_eq!(gt.digits().as_str(), "123456789012345");
    assert_eq!(u.calling.gt.unwrap().digits().as_str(), "9876543210");
    assert_eq!(u.data, &[0xde, 0xad, 0xbe, 0xef]);
    // sccp_test.go:74: SSN-only addresses, empty data.
    let b2 = from_hex("098103050702420602420700").unwrap();
    let u = Unitdata::decode(&b2).unwrap();
    assert_eq!((u.called.ssn, u.calling.ssn), (Some(6), Some(7)));
    assert!(u.called.route_on_ssn && u.called.pc.is_none());
    assert!(u.data.is_empty());
    // jss7 MessageReassemblyTest.java:103: XUDT first segment.
    let b3 = from_hex("11810f04060a0f0242080443010006050b0c0d0e0f1004c064000012010700").unwrap();
    let u = Unitdata::decode(&b3).unwrap();
    assert_eq!(u.hop_counter, Some(0x0f));
    assert_eq!(u.called.ssn, Some(8));
    assert_eq!(u.calling.pc, Some(1));
    assert_eq!(
        u.segmentation,
        Some(Segmentation {
            first: true,
            class1: true,
            remaining: 0,
            local_reference: 100
        })
    );
}

#[test]
fn return_on_error_builds_the_matching_service_message() {
    let called = Address::ssn_pc(200, 146);
    let calling = Address::ssn_pc(100, 8);
    let data = [0x62, 0x03, 1, 2, 3];
    for (t, want) in [
        (msg_type::UDT, msg_type::UDTS),
        (msg_type::XUDT, msg_type::XUDTS),
        (msg_type::LUDT, msg_type::LUDTS),
    ] {
        let mut u = Unitdata::ludt(0x81, called, calling, &data);
        u.msg_type = t;
        u.hop_counter = (t != msg_type::UDT).then_some(3);
        u.importance = (t != msg_type::UDT).then_some(5);
        let r = u.returned(cause::UNEQUIPPED_USER).unwrap();
        assert_eq!(
            (r.msg_type, r.return_cause),
            (want, Some(cause::UNEQUIPPED_USER))
        );
        assert_eq!((r.called, r.calling, r.data), (calling, called, &data[..]));
        assert_eq!(
            r.hop_counter,
            (t != msg_type::UDT).then_some(MAX_HOP_COUNTER)
        );
        assert_eq!(r.importance, u.importance);
        let mut out = Vec::new();
        assert!(u
            .encode_returned(4, MAX_HOP_COUNTER, &mut out, Variant::Itu)
            .unwrap());
        assert_eq!(Unitdata::decode(&out).unwrap(), r);
        // A service message is never answered with a service message.
        assert_eq!(r.returned(cause::UNQUALIFIED), None);
        // No return option, nothing returned.
        u.protocol_class = 1;
        assert_eq!(u.returned(cause::UNQUALIFIED), None);
        let mut out = Vec::new();
        assert!(!u
            .encode_returned(4, MAX_HOP_COUNTER, &mut out, Variant::Itu)
            .unwrap());
        assert!(out.is_empty());
    }
}

#[test]
fn hop_counter_and_size_limits() {
    let a = Address::ssn_pc(1, 1);
    let mut u = Unitdata::xudt(0, a, a, &[]);
    assert_eq!(u.relay_hop_counter(), Ok(Some(14)));
    u.hop_counter = Some(1);
    assert_eq!(u.relay_hop_counter(), Err(cause::HOP_COUNTER_VIOLATION));
    let big = [0u8; 256];
    let mut out = vec![0xee];
    let e = Unitdata::udt(0, a, a, &big).encode(&mut out, Variant::Itu);
    assert!(matches!(e, Err(SccpError::TooLong { what: "data", .. })));
    assert_eq!(out, [0xee], "nothing appended on error");
    // XUDT: the optional part pointer must reach past the data.
    let mut x = Unitdata::xudt(0, a, a, &big[..250]);
    x.importance = Some(1);
    assert!(x.encode(&mut out, Variant::Itu).is_err());
    let huge = vec![0u8; MAX_LUDT_DATA];
    let l = Unitdata::ludt(0, a, a, &huge);
    let mut out = Vec::new();
    l.encode(&mut out, Variant::Itu).unwrap();
    assert_eq!(Unitdata::decode(&out).unwrap().data.len(), MAX_LUDT_DATA);
    let over = vec![0u8; MAX_LUDT_DATA + 1];
    assert!(Unitdata::ludt(0, a, a, &over)
        .encode(&mut out, Variant::Itu)
        .is_err());
}

#[test]
fn ansi_xudt_round_trip() {
    // National ANSI addresses: SSN then 3-octet PC; GTI 2 (TT only).
    let bcd = [0x08, 0x50, 0x55, 0x21, 0x21];
    let called = Address {
        route_on_ssn: false,
        pc: None,
        ssn: Some(0),
        // GTI 2 carries no encoding scheme: 0 is what decoding gives.
        gt: Some(GlobalTitle {
            es: 0,
            ..GlobalTitle::new(2, 8, 0, 0, &bcd, false)
        }),
        national: true,
    };
    let calling = Address {
        national: true,
        ..Address::ssn_pc(0x0a0b0c, 254)
    };
    let mut u = Unitdata::xudt(0x81, called, calling, b"query");
    u.segmentation = Some(Segmentation {
        first: true,
        class1: false,
        remaining: 0,
        local_reference: 0x123456,
    });
    let mut out = Vec::new();
    u.encode(&mut out, Variant::Ansi).unwrap();
    assert_eq!(&out[..7], &[0x11, 0x81, 0x0f, 0x04, 0x0c, 0x11, 0x16]);
    // Calling party: AI c3 = national, route on SSN, PC and SSN; SSN fe; PC 0c 0b 0a.
    assert_eq!(&out[16..22], &[0x05, 0xc3, 0xfe, 0x0c, 0x0b, 0x0a]);
    assert_eq!(Unitdata::decode_variant(&out, Variant::Ansi).unwrap(), u);
}

#[test]
fn truncation_and_bad_pointers_are_typed() {
    let called = Address::ssn_pc(200, 146);
    let mut buf = Vec::new();
    encode_udt(&mut buf, 0, &called, &called, &[1, 2, 3]);
    for cut in 0..buf.len() {
        assert!(Unitdata::decode(&buf[..cut]).is_err(), "cut {cut}");
    }
    let mut bad = buf.clone();
    bad[2] = 0xf0;
    assert!(Unitdata::decode(&bad).is_err());
    assert_eq!(
        Unitdata::decode(&[0x42]).unwrap_err(),
        SccpError::UnknownType(0x42)
    );
    assert_eq!(
        Unitdata::decode(&[0x01, 0, 0, 1]).unwrap_err(),
        SccpError::UnsupportedType(0x01)
    );
}

/// Issue 14, also found by `fuzz/run.sh` (target sccp) before it was fixed: a part whose
/// length runs into the next one, here a calling address reaching into the user data, had
/// those octets read twice (as GT digits, which our answer would send back as its called
/// address, and as data). The parts must lie after the pointers and apart.
#[test]
fn variable_parts_that_overlap_are_refused() {
    // UDT, class 0 with return on error; called SSN 146 PC 200; calling GT (GTI 4, TT 0,
    // E.164 even, international) 1234 with SSN 146; data 02 aa bb.
    let good = from_hex("098003070e0443c80092071292001204214302aabb").unwrap();
    let u = Unitdata::decode(&good).unwrap();
    assert_eq!(
        (u.calling.gt.unwrap().bcd, u.data),
        (&[0x21, 0x43][..], &[0xaa, 0xbb][..])
    );
    // Calling address length 9 instead of 7: it would end two octets into the data (the
    // error names where the later part, the data, starts).
    let mut bad = good.clone();
    bad[10] = 9;
    assert_eq!(Unitdata::decode(&bad), Err(SccpError::Overlap(18)));
    // The data pointer aimed back into the calling address (at an octet 00: empty data).
    let mut bad = good.clone();
    bad[4] = 9;
    assert_eq!(Unitdata::decode(&bad), Err(SccpError::Overlap(13)));
    // The fuzzer's reproducers (UDTS): a part starting inside another, in every variant.
    for repro in [
        "0a080505050505050505050505010a0001030a000282ca",
        "0a01030e193212060012041909145905400b129300110453964901250567646549040000080e6b2628\
         24060700118605010101a0196117a109060704000001001d03a203020100a305a1030201006c35a233\
         020101302e02014730293027a02102010280081000000000000000810791190982500500a3098007\
         0475301b5d7a57a1028000",
    ] {
        let m = from_hex(repro).unwrap();
        for v in [Variant::Itu, Variant::Ansi, Variant::Chinese] {
            assert!(
                matches!(Unitdata::decode_variant(&m, v), Err(SccpError::Overlap(_))),
                "{v:?}"
            );
        }
    }
}
