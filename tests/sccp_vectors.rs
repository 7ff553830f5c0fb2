//! SCCP vectors from ../shared/traces (jSS7, go-sccp, Osmocom libosmo-sigtran), embedded
//! with the line of the .hex file and the source file:line it names.
//!
//! Every connectionless message decodes; field values are asserted for a sample of each type;
//! every canonical one re-encodes byte for byte. Connection-oriented messages are refused with
//! `UnsupportedType`. Non-canonical inputs (listed in `NOT_CANONICAL`) decode but re-encode
//! differently, for the reason given there; the two whose parts overlap (`OVERLAPPING`) are
//! refused.

use scpd::ber::from_hex;
use scpd::sccp::{cause, msg_type, scmg, SccpError, Segmentation, Unitdata, Variant};

/// jss7-vectors/sccp_messages.hex: (line in that file, source in its comment, hex).
const JSS7: &[Vector] = &[
    (5, "sccp/sccp-impl/src/test/java/org/restcomm/protocols/ss7/sccp/impl/XudtReassemblingTest.java:18 anon", "11810f040d16ff090a0601090008000120090a0701090008000210e96281ff4804040000296b1a2818060700118605010101a00d600ba1090607040000010001036c81daa181d70201010201023081ce040804041101000900f2810791090008000210040791090008000210303aa0383036060229018230911981010e82000000000000000000000000000000000000000000000000000000000000000000000000000000000000a662800205e0303aa0383036060229018230911981010e820000000000000000000000000000000000000000000000000000000000000000000000000000000000008200810100a307810501010101018400850300010186030001018710048104000400"),
    (7, "sccp/sccp-impl/src/test/java/org/restcomm/protocols/ss7/sccp/impl/XudtReassemblingTest.java:37 anon", "11810f040d162f090a0601090008000120090a070109000800021019020001880089008b008c00ad0a800853836150014733f0900010040004000400"),
    (9, "sccp/sccp-impl/src/test/java/org/restcomm/protocols/ss7/sccp/impl/message/MessageReassemblyTest.java:103 getDataXudt1", "11810f04060a0f0242080443010006050b0c0d0e0f1004c064000012010700"),
    (11, "sccp/sccp-impl/src/test/java/org/restcomm/protocols/ss7/sccp/impl/message/MessageSegmentationTest.java:102 getDataSegm1", "11810f04060afa0242080443020008f0000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9fa0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedfe0e1e2e3e4e5e6e7e8e9eaebecedeeef1004c201000012010700"),
    (13, "sccp/sccp-impl/src/test/java/org/restcomm/protocols/ss7/sccp/impl/message/MessageSegmentationTest.java:124 getDataSegm2", "11810f04060afa0242080443020008f0f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9fa0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf10044101000012010700"),
    (15, "sccp/sccp-impl/src/test/java/org/restcomm/protocols/ss7/sccp/impl/message/MessageSegmentationTest.java:146 getDataSegm3", "11810f04060a82024208044302000878e0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f404142434445464748494a4b4c4d4e4f505152535455565710044001000012010700"),
    (17, "sccp/sccp-impl/src/test/java/org/restcomm/protocols/ss7/sccp/impl/message/SccpConnAkMessageTest.java:64 getDataAk", "080000010064"),
    (19, "sccp/sccp-impl/src/test/java/org/restcomm/protocols/ss7/sccp/impl/message/SccpConnCcMessageTest.java:66 getDataCcNoOptParams", "020000020000010300"),
    (21, "sccp/sccp-impl/src/test/java/org/restcomm/protocols/ss7/sccp/impl/message/SccpConnCcMessageTest.java:70 getDataCcOneOptParam", "0200000200000103010302420800"),
    (23, "sccp/sccp-impl/src/test/java/org/restcomm/protocols/ss7/sccp/impl/message/SccpConnCcMessageTest.java:75 getDataCcAllParams", "020000020000010301030242080901640f05010203040512010700"),
    (25, "sccp/sccp-impl/src/test/java/org/restcomm/protocols/ss7/sccp/impl/message/SccpConnCrMessageTest.java:67 getDataCrNoOptParams", "01000001030200024208"),
    (27, "sccp/sccp-impl/src/test/java/org/restcomm/protocols/ss7/sccp/impl/message/SccpConnCrMessageTest.java:71 getDataCrOneOptParam", "0100000103020402420812010500"),
    (29, "sccp/sccp-impl/src/test/java/org/restcomm/protocols/ss7/sccp/impl/message/SccpConnCrMessageTest.java:75 getDataCrAllParams", "0100000103020402420809010a0404430100080f040102030411010f12010500"),
    (31, "sccp/sccp-impl/src/test/java/org/restcomm/protocols/ss7/sccp/impl/message/SccpConnCrefMessageTest.java:66 getDataCrefNoOptParams", "030000020900"),
    (33, "sccp/sccp-impl/src/test/java/org/restcomm/protocols/ss7/sccp/impl/message/SccpConnCrefMessageTest.java:70 getDataCrefOneOptParam", "0300000209010302420800"),
    (35, "sccp/sccp-impl/src/test/java/org/restcomm/protocols/ss7/sccp/impl/message/SccpConnCrefMessageTest.java:75 getDataCrefAllParams", "030000020901030242080f05010203040512010700"),
    (37, "sccp/sccp-impl/src/test/java/org/restcomm/protocols/ss7/sccp/impl/message/SccpConnDt1MessageTest.java:61 getDataDt1", "060000010001050102030405"),
    (39, "sccp/sccp-impl/src/test/java/org/restcomm/protocols/ss7/sccp/impl/message/SccpConnDt2MessageTest.java:61 getDataDt2", "07000001000001050102030405"),
    (41, "sccp/sccp-impl/src/test/java/org/restcomm/protocols/ss7/sccp/impl/message/SccpConnErrMessageTest.java:63 getDataErr", "0f00000101"),
    (43, "sccp/sccp-impl/src/test/java/org/restcomm/protocols/ss7/sccp/impl/message/SccpConnItMessageTest.java:64 getDataIt", "1000000100000203000064"),
    (45, "sccp/sccp-impl/src/test/java/org/restcomm/protocols/ss7/sccp/impl/message/SccpConnRlcMessageTest.java:61 getDataRlc", "05000002000003"),
    (47, "sccp/sccp-impl/src/test/java/org/restcomm/protocols/ss7/sccp/impl/message/SccpConnRlsdMessageTest.java:64 getDataRlsdNoOptParams", "040000020000030700"),
    (49, "sccp/sccp-impl/src/test/java/org/restcomm/protocols/ss7/sccp/impl/message/SccpConnRlsdMessageTest.java:68 getDataRlsdOneOptParam", "04000002000003070112010200"),
    (51, "sccp/sccp-impl/src/test/java/org/restcomm/protocols/ss7/sccp/impl/message/SccpConnRlsdMessageTest.java:72 getDataRlsdAllParams", "0400000200000307010f05010203040512010200"),
    (53, "sccp/sccp-impl/src/test/java/org/restcomm/protocols/ss7/sccp/impl/message/SccpConnRscMessageTest.java:61 getDataRsc", "0e000001000002"),
    (55, "sccp/sccp-impl/src/test/java/org/restcomm/protocols/ss7/sccp/impl/message/SccpConnRsrMessageTest.java:63 getDataRsr", "0d00000100000209"),
    (57, "sccp/sccp-impl/src/test/java/org/restcomm/protocols/ss7/sccp/impl/message/SccpDataMessageTest.java:77 getDataUdt", "090103050902420804430100085d625b4804000200306b1a2818060700118605010101a00d600ba1090607040000010019026c37a13502010102012e302d800589674523f18406a121436587f9041c2c090421436587f90400113092606062000bc8329bfd065ddf723619"),
    (59, "sccp/sccp-impl/src/test/java/org/restcomm/protocols/ss7/sccp/impl/message/SccpDataMessageTest.java:98 getDataUdt1", "09000305090242010443010001050308020000"),
    (61, "sccp/sccp-impl/src/test/java/org/restcomm/protocols/ss7/sccp/impl/message/SccpDataMessageTest.java:103 getDataUdt2", "09810305090242080443010006050b0c0d0e0f"),
    (63, "sccp/sccp-impl/src/test/java/org/restcomm/protocols/ss7/sccp/impl/message/SccpDataMessageTest.java:107 getDataUdtSrc1", "0308020000"),
    (65, "sccp/sccp-impl/src/test/java/org/restcomm/protocols/ss7/sccp/impl/message/SccpDataMessageTest.java:111 getDataXudt", "11810f2b030f000c120800110432843000808100196417490303b5d76c10a20e020101300902012c3004040200000c120800110432843000008400"),
    (67, "sccp/sccp-impl/src/test/java/org/restcomm/protocols/ss7/sccp/impl/message/SccpDataMessageTest.java:118 getDataXudt1", "11810f04060a0f0242080443010006050b0c0d0e0f1004c264000012010700"),
    (69, "sccp/sccp-impl/src/test/java/org/restcomm/protocols/ss7/sccp/impl/message/SccpDataMessageTest.java:123 getDataXudt2", "11810f04060a0f0242080443010006050b0c0d0e0f12010700"),
    (71, "sccp/sccp-impl/src/test/java/org/restcomm/protocols/ss7/sccp/impl/message/SccpDataMessageTest.java:127 getDataXudt3", "11810f04060a000242080443010006050b0c0d0e0f"),
    (73, "sccp/sccp-impl/src/test/java/org/restcomm/protocols/ss7/sccp/impl/message/SccpDataMessageTest.java:135 getDataLudt1", "13010a070008000b001000024208044301000605000b0c0d0e0f1004c001000012010700"),
    (75, "sccp/sccp-impl/src/test/java/org/restcomm/protocols/ss7/sccp/impl/message/SccpDataMessageTest.java:140 getDataLudt2", "13010a070008000b000000024208044301000605000b0c0d0e0f"),
    (77, "sccp/sccp-impl/src/test/java/org/restcomm/protocols/ss7/sccp/impl/message/SccpDataMessageTest.java:144 getDataLudt3", "13010a070008000b00370102420804430100062c010102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c12010700"),
    (79, "sccp/sccp-impl/src/test/java/org/restcomm/protocols/ss7/sccp/impl/message/SccpNoticeMessageTest.java:86 getDataUdtS", "0a00030d110a529203110499999999090403be069283658180480400000001490400173a266b2a2828060700118605010101a01d611b80020780a109060704000001003201a203020100a305a1030201006c46a13c0201020201173034a032300680010e810101300680010d810101300b800111810101a203800101300b800111810101a2038001023006800112810101a10602010302011f"),
    (81, "sccp/sccp-impl/src/test/java/org/restcomm/protocols/ss7/sccp/impl/message/SccpNoticeMessageTest.java:110 getDataXudt1", "12010f04060a0f0242080443010006050b0c0d0e0f12010700"),
    (83, "sccp/sccp-impl/src/test/java/org/restcomm/protocols/ss7/sccp/impl/message/SccpNoticeMessageTest.java:114 getDataUdt", "0a010305090242080443010006050b0c0d0e0f"),
    (85, "sccp/sccp-impl/src/test/java/org/restcomm/protocols/ss7/sccp/impl/message/SccpNoticeMessageTest.java:122 getDataLudt1", "14050a070008000b000000024208044301000605000b0c0d0e0f"),
    (87, "sccp/sccp-impl/src/test/java/org/restcomm/protocols/ss7/sccp/impl/message/SccpRemoveSpcTest.java:73 getDataUdt_GT_WithDpc", "0901030b13080ba7050800444444080ba6050800555555051616161616"),
    (89, "sccp/sccp-impl/src/test/java/org/restcomm/protocols/ss7/sccp/impl/message/SccpRemoveSpcTest.java:78 getDataUdt_GT_WithOutDpc", "090103090f060a0800444444060a0800555555051616161616"),
    (91, "sccp/sccp-impl/src/test/java/org/restcomm/protocols/ss7/sccp/impl/message/SccpRemoveSpcTest.java:82 getDataUdt_DpcSsn", "090103070b0443a705080443a60508051616161616"),
    (93, "sccp/sccp-impl/src/test/java/org/restcomm/protocols/ss7/sccp/impl/messageflow/MessageMultiSapTest.java:113 getDataUdt1", "090003050802420804430b0006050b0c0d0e0f"),
    (95, "sccp/sccp-impl/src/test/java/org/restcomm/protocols/ss7/sccp/impl/messageflow/MessageMultiSapTest.java:117 getDataUdt2", "090003070a044302000804430b0006050b0c0d0e0f"),
    (97, "sccp/sccp-impl/src/test/java/org/restcomm/protocols/ss7/sccp/impl/messageflow/MessageMultiSapTest.java:121 getDataUdt3", "0900030507024208024208050b0c0d0e0f"),
    (99, "sccp/sccp-impl/src/test/java/org/restcomm/protocols/ss7/sccp/impl/router/RouteOnGtTest.java:64 getDataUdt1", "0981030e190b12060012044523002100500b12070011047952140226055b62594804000000056b1e281c060700118605010101a011600f80020780a1090607040000010005036c31a12f0201010201163027800891451961341179f78301008607917952140226f587057bb6a04156ab08030204f0800201fe"),
];

/// go-sccp-vectors/sccp_messages.hex: (line in that file, source in its comment, hex).
const GO_SCCP: &[Vector] = &[
    (4, "sccp_test.go:31", "098103101a0d120600110421436587092143650a1207001204896745230104deadbeef"),
    (6, "sccp_test.go:74", "098103050702420602420700"),
    (8, "sccp_test.go:90", "11810204111b000d120600110421436587092143650a1207001204896745230104deadbeef"),
    (10, "sccp_test.go:135", "11810204111b1f0d120600110421436587092143650a1207001204896745230104deadbeef1004c2ffffff12010200"),
    (12, "sccp_test.go:185", "0109950100"),
    (14, "sccp_test.go:193", "060995010004"),
];

/// osmocom-libosmo-sigtran-vectors/sccp_messages.hex: (line in that file, source in its comment, hex).
const OSMOCOM: &[Vector] = &[
    (4, "tests/xua/sccp_test_data.c:60 tcap_global_title", "0981030d180a120700120453840900170b12060012044487200020659a6581974804260001984904510103df6c8188a181850201440201073080a780a08004012b30803012830110840107850791445776671697860120300682011884010400000000a306040142840105a306040151840105a306040131840105a309040112840105820102a309040111840105810101a306040114840100a30b0401418401043003830110a30b040141840104300382011800000000"),
    (6, "tests/xua/sccp_test_data.c:93 ludt_ranap_reset", "13000f07000a000d0000000443c4048e0443e9038e11000009000d00000200044001420003000100"),
    (8, "tests/xua/sccp_test_data.c:99 ludt_data300bytes", "13000f07000a000d0000000443c4048e0443e9038e2c01abababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababababab"),
];

/// (set, line, why the canonical encoder writes other bytes).
const NOT_CANONICAL: &[(&str, u32, &str)] = &[
    (
        "jss7",
        65,
        "parts placed data first, then the addresses (pointers out of order)",
    ),
    (
        "jss7",
        93,
        "data pointer is one short: the data overlaps the calling party's SSN octet",
    ),
    (
        "jss7",
        95,
        "data pointer is one short: the data overlaps the calling party's SSN octet",
    ),
];

/// Vectors whose variable parts overlap, refused since issue 14: jSS7's getDataUdt1 and
/// getDataUdt2 have their data pointer on the calling address's last octet (the SSN 06,
/// read as the data's length), so the two parts share it.
const OVERLAPPING: &[(&str, u32, usize)] = &[("jss7", 93, 12), ("jss7", 95, 14)];

/// go-sccp's two SCMG entries are SCMG bodies, not SCCP messages (its README says so).
const SCMG_BODIES: &[(&str, u32)] = &[("go", 12), ("go", 14)];

/// (line in the .hex file, source file:line, hex).
type Vector = (u32, &'static str, &'static str);

fn sets() -> [(&'static str, &'static [Vector]); 3] {
    [("jss7", JSS7), ("go", GO_SCCP), ("osmo", OSMOCOM)]
}

fn get(set: &str, line: u32) -> Vec<u8> {
    let (_, s) = sets().into_iter().find(|(n, _)| *n == set).unwrap();
    from_hex(s.iter().find(|v| v.0 == line).unwrap().2).unwrap()
}

#[test]
fn every_vector_decodes_or_is_refused_by_type() {
    let (mut cl, mut co, mut identical, mut overlapping) = (0, 0, 0, 0);
    for (set, vectors) in sets() {
        for &(line, src, h) in vectors {
            let b = from_hex(h).unwrap();
            let at = format!("{set}:{line} ({src})");
            if SCMG_BODIES.contains(&(set, line)) {
                let m = scmg::ScmgMessage::decode(&b, Variant::Itu).expect(&at);
                let mut out = Vec::new();
                m.encode(&mut out, Variant::Itu);
                assert_eq!(out, b, "{at}");
                continue;
            }
            if msg_type::is_connection_oriented(b[0]) {
                assert_eq!(
                    Unitdata::decode(&b),
                    Err(SccpError::UnsupportedType(b[0])),
                    "{at}"
                );
                co += 1;
                continue;
            }
            if let Some(o) = OVERLAPPING.iter().find(|o| o.0 == set && o.1 == line) {
                assert_eq!(Unitdata::decode(&b), Err(SccpError::Overlap(o.2)), "{at}");
                overlapping += 1;
                continue;
            }
            let u = Unitdata::decode(&b).unwrap_or_else(|e| panic!("{at}: {e}"));
            cl += 1;
            let mut out = Vec::new();
            u.encode(&mut out, Variant::Itu).expect(&at);
            let canonical = !NOT_CANONICAL.iter().any(|n| n.0 == set && n.1 == line);
            if canonical {
                assert_eq!(scpd::ber::hex(&out), h, "{at}");
                identical += 1;
            } else {
                assert_ne!(out, b, "{at} is listed as non-canonical");
                // Whatever we write decodes to the same message.
                assert_eq!(Unitdata::decode(&out).unwrap(), u, "{at}");
            }
        }
    }
    assert_eq!((cl, co, identical, overlapping), (32, 21, 31, 2));
}

#[test]
fn jss7_segmentation_vectors() {
    // MessageSegmentationTest.java:102/124/146: 3 segments, local reference 1.
    let s: Vec<Vec<u8>> = [11, 13, 15].iter().map(|&l| get("jss7", l)).collect();
    let u: Vec<Unitdata<'_>> = s.iter().map(|b| Unitdata::decode(b).unwrap()).collect();
    let seg = |first, remaining| {
        Some(Segmentation {
            first,
            class1: true,
            remaining,
            local_reference: 1,
        })
    };
    assert_eq!(u[0].segmentation, seg(true, 2));
    assert_eq!(u[1].segmentation, seg(false, 1));
    assert_eq!(u[2].segmentation, seg(false, 0));
    assert_eq!(
        u.iter().map(|u| u.data.len()).collect::<Vec<_>>(),
        [240, 240, 120]
    );
    for u in &u {
        assert_eq!(
            (u.msg_type, u.protocol_class, u.hop_counter),
            (msg_type::XUDT, 0x81, Some(15))
        );
        assert_eq!((u.called.ssn, u.called.route_on_ssn), (Some(8), true));
        assert_eq!((u.calling.pc, u.calling.ssn), (Some(2), Some(8)));
        assert_eq!(u.importance, Some(7));
    }
    // XudtReassemblingTest.java:18/37: 2 segments, GTI 2 addresses.
    let a = get("jss7", 5);
    let b = get("jss7", 7);
    let (a, b) = (Unitdata::decode(&a).unwrap(), Unitdata::decode(&b).unwrap());
    let (sa, sb) = (a.segmentation.unwrap(), b.segmentation.unwrap());
    assert!(sa.first && !sb.first);
    assert_eq!((sa.remaining, sb.remaining), (1, 0));
    assert_eq!(sa.local_reference, sb.local_reference);
    assert_eq!(a.called.gt.unwrap().gti, 2);
    assert_eq!(a.calling, b.calling);
}

#[test]
fn jss7_sample_fields() {
    // SccpDataMessageTest.java:77 getDataUdt: class 1, SSN 8 route on SSN both ways.
    let b = get("jss7", 57);
    let u = Unitdata::decode(&b).unwrap();
    assert_eq!(
        (u.msg_type, u.class(), u.return_on_error()),
        (msg_type::UDT, 1, false)
    );
    assert_eq!((u.called.ssn, u.called.pc), (Some(8), None));
    assert_eq!((u.calling.ssn, u.calling.pc), (Some(8), Some(1)));
    assert_eq!(u.data.len(), 93);
    assert_eq!(u.data[0], 0x62, "a TC-BEGIN");
    // SccpDataMessageTest.java:135 getDataLudt1: LUDT with segmentation and importance.
    let b = get("jss7", 73);
    let u = Unitdata::decode(&b).unwrap();
    assert_eq!(
        (u.msg_type, u.protocol_class, u.hop_counter),
        (msg_type::LUDT, 1, Some(10))
    );
    assert_eq!(u.data, [0x0b, 0x0c, 0x0d, 0x0e, 0x0f]);
    assert_eq!(
        u.segmentation,
        Some(Segmentation {
            first: true,
            class1: true,
            remaining: 0,
            local_reference: 1
        })
    );
    assert_eq!(u.importance, Some(7));
    // getDataLudt3: 300 octets of long data.
    let b = get("jss7", 77);
    let u = Unitdata::decode(&b).unwrap();
    assert_eq!(u.data.len(), 300);
    assert_eq!((u.data[0], u.data[299]), (0x01, 0x2c));
    // SccpNoticeMessageTest.java:86 getDataUdtS: UDTS "no translation for an address of
    // such nature", GTI 4 called party routed on SSN 146.
    let b = get("jss7", 79);
    let u = Unitdata::decode(&b).unwrap();
    assert_eq!(
        (u.type_name(), u.return_cause),
        ("UDTS", Some(cause::NO_TRANSLATION_NATURE))
    );
    assert!(u.is_service());
    let g = u.called.gt.unwrap();
    assert_eq!(
        (u.called.ssn, g.gti, g.tt, g.np, g.nai),
        (Some(146), 4, 3, 1, 4)
    );
    assert_eq!(g.digits().as_str(), "999999999");
    // :110 XUDTS cause 1, hop counter 15, importance 7; :122 LUDTS cause 5, hop counter 10.
    let b = get("jss7", 81);
    let u = Unitdata::decode(&b).unwrap();
    assert_eq!(
        (u.type_name(), u.return_cause, u.hop_counter, u.importance),
        ("XUDTS", Some(1), Some(15), Some(7))
    );
    let b = get("jss7", 85);
    let u = Unitdata::decode(&b).unwrap();
    assert_eq!(
        (u.type_name(), u.return_cause, u.hop_counter),
        ("LUDTS", Some(cause::MTP_FAILURE), Some(10))
    );
    // SccpRemoveSpcTest.java:73: GTI 2 with PC and SSN, route on GT.
    let b = get("jss7", 87);
    let u = Unitdata::decode(&b).unwrap();
    assert!(!u.called.route_on_ssn);
    assert_eq!((u.called.pc, u.called.ssn), (Some(0x05a7), Some(8)));
    let g = u.called.gt.unwrap();
    assert_eq!((g.gti, g.tt, g.bcd), (2, 0, &[0x44, 0x44, 0x44][..]));
    assert_eq!(u.data, [0x16; 5]);
    // SccpDataMessageTest.java:111: parts out of order still decode.
    let b = get("jss7", 65);
    let u = Unitdata::decode(&b).unwrap();
    assert_eq!(u.called.gt.unwrap().digits().as_str(), "2348030000480");
    assert_eq!(u.data[0], 0x64, "a TC-END");
}

#[test]
fn go_sccp_and_osmocom_fields() {
    // go-sccp sccp_test.go:135: XUDT with segmentation (first, class 1, 2 remaining, local
    // reference ffffff) and importance 2.
    let b = get("go", 10);
    let u = Unitdata::decode(&b).unwrap();
    assert_eq!(u.hop_counter, Some(2));
    assert_eq!(
        u.segmentation,
        Some(Segmentation {
            first: true,
            class1: true,
            remaining: 2,
            local_reference: 0xffffff
        })
    );
    assert_eq!(u.importance, Some(2));
    assert_eq!(u.data, [0xde, 0xad, 0xbe, 0xef]);
    // Osmocom sccp_test_data.c:60 tcap_global_title: class 1 with return on error, E.164 GTs.
    let b = get("osmo", 4);
    let u = Unitdata::decode(&b).unwrap();
    assert_eq!((u.class(), u.return_on_error()), (1, true));
    let (gd, gg) = (u.called.gt.unwrap(), u.calling.gt.unwrap());
    assert_eq!(
        (u.called.ssn, gd.gti, gd.tt, gd.np, gd.es, gd.nai),
        (Some(7), 4, 0, 1, 2, 4)
    );
    assert_eq!(gd.digits().as_str(), "3548900071");
    assert_eq!(
        (u.calling.ssn, gg.digits().as_str()),
        (Some(6), "447802000256")
    );
    assert_eq!(u.data[0], 0x65, "a TC-CONTINUE");
    // :93 ludt_ranap_reset: LUDT, PC+SSN both ways (RANAP SSN 142).
    let b = get("osmo", 6);
    let u = Unitdata::decode(&b).unwrap();
    assert_eq!(
        (u.msg_type, u.protocol_class, u.hop_counter),
        (msg_type::LUDT, 0, Some(15))
    );
    assert_eq!((u.called.pc, u.called.ssn), (Some(0x04c4), Some(142)));
    assert_eq!((u.calling.pc, u.calling.ssn), (Some(0x03e9), Some(142)));
    assert_eq!(u.data.len(), 17);
    // :99 ludt_data300bytes.
    let b = get("osmo", 8);
    let u = Unitdata::decode(&b).unwrap();
    assert_eq!(u.data, [0xab; 300]);
}
