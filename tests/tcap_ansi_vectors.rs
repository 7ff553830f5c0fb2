//! ANSI TCAP (T1.114) byte vectors: every package of the shared traces decodes, canonical ones
//! re-encode byte-identically, the deliberate negatives are refused with the T1.114 answer, and
//! AIN-shaped packages built from AIN-NOTES.md round-trip.
//!
//! Hex is copied from ../shared/traces (file:line in each comment).

use scpd::ber::{from_hex, hex, Tag, Writer};
use scpd::tcap::ansi::{
    self, AbortReason, AnsiComponent, AnsiError, AnsiMessage, ApplicationContext, DialoguePortion,
    ErrorCode, OpCode, PAbortCause, PackageType, Problem, TransactionIds,
};

const CAPTURES: &[&str] = &[
    // shared/traces/wireshark-wiki/ansi_tcap_from_captures.hex:4 ansi_map_win.pcap frame 1: [ANSI QueryWithPerm] Location Request Invoke
    "e257c70400000048e84fe94dcf0101d102090ff2448107000c020000120084060100210454819503000c029601139f50060200010302089f200509090000089f7b0207309f82170120bf82180c9f8215037070189f82190103",
    // shared/traces/wireshark-wiki/ansi_tcap_from_captures.hex:6 ansi_map_win.pcap frame 2: [ANSI QueryWithPerm] Analyzed Information Request Invoke
    "e269c70400000049e861e95fcf0101d1020940f2568107000c020000120084060100210454819503000c029f7b0207309f82170126bf82180c9f8215037070189f821901039f50060200010302088904fe3a2e7e880517193254819601139f821302fe209f82350300158f",
    // shared/traces/wireshark-wiki/ansi_tcap_from_captures.hex:8 ansi_map_win.pcap frame 3: [ANSI Response] SACK (Ack=1, Arwnd=15360) Analyzed Information Request ReturnResult
    "e414c70400000049e80cea0acf0101f2059f81000101",
    // shared/traces/wireshark-wiki/ansi_tcap_from_captures.hex:10 ansi_map_win.pcap frame 4: [ANSI QueryWithPerm] Location Request Invoke
    "e257c7040000004ae84fe94dcf0101d102090ff2448107000c020000120084060100210454819503000c029601139f50060200010302089f200509090000089f7b0207309f82170122bf82180c9f8215037070189f82190103",
    // shared/traces/wireshark-wiki/ansi_tcap_from_captures.hex:12 ansi_map_win.pcap frame 5: [ANSI QueryWithPerm] Analyzed Information Request Invoke
    "e27fc7040000004be877e975cf0101d1020940f26c8107000c020000120084060100210454819503000c029f7b0207309f82170127bf82180c9f8215037070189f821901039f50060200010302089f57060600010421439f5801178904fe3a2e7e9f5d06000021045481880517193254819601139f821302fe209f823503001599",
    // shared/traces/wireshark-wiki/ansi_tcap_from_captures.hex:14 ansi_map_win.pcap frame 6: [ANSI Response] SACK (Ack=3, Arwnd=15360) Analyzed Information Request ReturnResult
    "e41dc7040000004be815ea13cf0101f20e9f810001019f8231053940000006",
    // shared/traces/wireshark-wiki/ansi_tcap_from_captures.hex:16 ansi_map_win.pcap frame 7: [ANSI Unidirectional] T Answer Invoke
    "e166c700e862e960cf0101d1020955f2578107000c02000012008904fe3a2e7e9503000c02880517193254819f821302fe209f8235030015c19f7b0207309f82170145bf82180c9f8215037070189f821901039f210200019f5d0600002104548182020001960113",
    // shared/traces/wireshark-wiki/ansi_tcap_from_captures.hex:18 ansi_map_win.pcap frame 8: [ANSI QueryWithPerm] T Disconnect Invoke
    "e25ac7040000004de852e950cf017ad1020956f2478107000c02000012008904fe3a2e7e9503000c02880517193254819f821302fe209f8235030015f39f821701469f210200019f5d060000210454819f8234010182020001960113",
    // shared/traces/wireshark-wiki/ansi_tcap_from_captures.hex:20 ansi_map_win.pcap frame 9: [ANSI Response] SACK (Ack=6, Arwnd=15360) T Disconnect ReturnResult
    "e418c7040000004de810ea0ecf017af2099f8231053940000006",
    // shared/traces/wireshark-wiki/ansi_tcap_from_captures.hex:22 ansi_map_ota.pcap frame 1: [ANSI QueryWithPerm] SMS Delivery Point to Point Invoke
    "e233c70400000000e82be929cf0100d1020935f2209f69009f74009f81000108880516193204009f814101019f8143052222222222",
    // shared/traces/wireshark-wiki/ansi_tcap_from_captures.hex:24 ansi_map_ota.pcap frame 2: [ANSI Response] SMS Delivery Point to Point ReturnResult
    "e427c70400000000e81fea1dcf0100f2188904fe3a2fe59f81380500000026319503000c069f310100",
    // shared/traces/wireshark-wiki/ansi_tcap_from_captures.hex:26 ansi_map_ota.pcap frame 3: [ANSI QueryWithPerm] SMS Delivery Point to Point Invoke
    "e239c70401000000e831e92fcf0101d1020935f2269f69009f74009f8100010e8904fe3a2fe5880516193204009f814101019f8143052222222222",
    // shared/traces/wireshark-wiki/ansi_tcap_from_captures.hex:28 ansi_map_ota.pcap frame 4: [ANSI Response] SMS Delivery Point to Point ReturnResult
    "e40fc70401000000e807ea05cf0101f200",
    // shared/traces/wireshark-wiki/ansi_tcap_from_captures.hex:30 ansi_map_ota.pcap frame 5: [ANSI QueryWithPerm] SMS Delivery Point to Point Invoke
    "e232c70402000000e82ae928cf0102d1020935f21f9f6907090100030000009f74008904fe3a2fe5880516193204009f81410101",
    // shared/traces/wireshark-wiki/ansi_tcap_from_captures.hex:32 ansi_map_ota.pcap frame 6: [ANSI Response] SMS Delivery Point to Point ReturnResult
    "e416c70402000000e80eea0ccf0102f2079f690409010000",
    // shared/traces/wireshark-wiki/ansi_tcap_from_captures.hex:34 ansi_map_ota.pcap frame 7: [ANSI QueryWithPerm] SMS Delivery Point to Point Invoke
    "e231c70403000000e829e927cf0103d1020935f21e9f69060004000102039f74008904fe3a2fe5880516193204009f81410101",
    // shared/traces/wireshark-wiki/ansi_tcap_from_captures.hex:36 ansi_map_ota.pcap frame 8: [ANSI Response] SMS Delivery Point to Point ReturnResult
    "e451c70403000000e849ea47cf0103f2429f693f0004001429c0012d40c1f3e3f9fe76198dc50040020000800106a61912345a10021020060f9f1fcff3b0cc6e28020010000403070f9f1bf80623d000000000",
    // shared/traces/wireshark-wiki/ansi_tcap_from_captures.hex:38 ansi_map_ota.pcap frame 9: [ANSI QueryWithPerm] SMS Delivery Point to Point Invoke
    "e240c70404000000e838e936cf0104d1020935f22d9f69150101001129c0010000637f00c47a85c040020000809f74008904fe3a2fe5880516193204009f81410101",
    // shared/traces/wireshark-wiki/ansi_tcap_from_captures.hex:40 ansi_map_ota.pcap frame 10: [ANSI Response] SMS Delivery Point to Point ReturnResult
    "e416c70404000000e80eea0ccf0104f2079f690401010000",
    // shared/traces/wireshark-wiki/ansi_tcap_from_captures.hex:42 ansi_map_ota.pcap frame 11: [ANSI QueryWithPerm] SACK (Ack=4, Arwnd=15360) SMS Delivery Point to Point Invoke
    "e22cc70405000000e824e922cf0105d1020935f2199f6901059f74008904fe3a2fe5880516193204009f81410101",
    // shared/traces/wireshark-wiki/ansi_tcap_from_captures.hex:44 ansi_map_ota.pcap frame 12: [ANSI Response] SMS Delivery Point to Point ReturnResult
    "e414c70405000000e80cea0acf0105f2059f69020500",
    // shared/traces/wireshark-wiki/ansi_tcap_from_captures.hex:46 ansi_map_ota.pcap frame 13: [ANSI QueryWithPerm] SACK (Ack=5, Arwnd=15360) SMS Delivery Point to Point Invoke
    "e239c70406000000e831e92fcf0106d1020935f2269f69009f74009f810001098904fe3a2fe5880516193204009f813b0516193254109f81410101",
    // shared/traces/wireshark-wiki/ansi_tcap_from_captures.hex:48 ansi_map_ota.pcap frame 14: [ANSI QueryWithPerm] Registration Notification Invoke
    "e24bc70414000000e843e941cf0101d102090df2388904fe3a2fe5880516193254109503000c069101039601139f210200019f2005010a0000079f68070031d30a0000089f2201039f7b0203a0",
    // shared/traces/wireshark-wiki/ansi_tcap_from_captures.hex:50 ansi_map_ota.pcap frame 15: [ANSI Response] SACK (Ack=6, Arwnd=15360) Registration Notification ReturnResult
    "e43cc70414000000e834ea32cf0101f22d9601138e0206009503000c109f4e010199037a0d119f5d07000021063654109701079f7301009f750100980102",
    // shared/traces/wireshark-wiki/ansi_tcap_from_captures.hex:52 ansi_map_ota.pcap frame 16: [ANSI Response] SMS Delivery Point to Point ReturnResult
    "e40fc70406000000e807ea05cf0106f200",
    // shared/traces/wireshark-wiki/ansi_tcap_from_captures.hex:54 ansi_map_ota.pcap frame 17: [ANSI QueryWithPerm] Location Request Invoke
    "e235c70417000000e82de92bcf0101d102090ff2228107000c06000001008407010021063654109503000c069601139f2005090a000008",
    // shared/traces/wireshark-wiki/ansi_tcap_from_captures.hex:56 ansi_map_ota.pcap frame 18: [ANSI Response] SACK (Ack=24, Arwnd=15360) Location Request ReturnResult
    "e441c70417000000e839ea37cf0101f2328904fe3a2fe5880516193254109503000c069f5801179f5d07000021063654109f200504040000069f640700002106365410",
    // shared/traces/wireshark-wiki/ansi_tcap_from_captures.hex:58 ansi_map_ota.pcap frame 19: [ANSI QueryWithPerm] Transfer To Number Request Invoke
    "e22bc7041a000000e823e921cf0101d1020917f2188904fe3a2fe5880516193254109301049601139f7b0203a0",
    // shared/traces/wireshark-wiki/ansi_tcap_from_captures.hex:60 ansi_map_ota.pcap frame 20: [ANSI Response] SACK (Ack=30, Arwnd=15360) Transfer To Number Request ReturnResult
    "e430c7041a000000e828ea26cf0101f2218407060021063654209f5801039f5d07000021063654109f640700002106365410",
    // shared/traces/wireshark-wiki/ansi_tcap_from_captures.hex:62 ansi_map_ota.pcap frame 21: [ANSI QueryWithPerm] Location Request Invoke
    "e235c7041d000000e82de92bcf0101d102090ff2228107000c06000003008407010021063654209503000c069601139f2005090a000008",
    // shared/traces/wireshark-wiki/ansi_tcap_from_captures.hex:64 ansi_map_ota.pcap frame 22: [ANSI QueryWithPerm] SACK (Ack=31, Arwnd=15360) Routing Request Invoke
    "e23ec70405000000e836e934cf0101d1020910f22b8107000c06000003008904fe3a2fd7880516193254209503000c069601139f210200019f2005090a000008",
    // shared/traces/wireshark-wiki/ansi_tcap_from_captures.hex:66 ansi_map_ota.pcap frame 23: [ANSI QueryWithPerm] Routing Request Invoke
    "e23ec70405000000e836e934cf0101d1020910f22b8107000c06000003008904fe3a2fd7880516193254209503000c069601139f210200019f2005090a000008",
    // shared/traces/wireshark-wiki/ansi_tcap_from_captures.hex:68 ansi_map_ota.pcap frame 24: [ANSI Response] Location Request ReturnResult
    "e424c7041d000000e81cea1acf0101f2158904fe3a2fd7880516193254209503000c06940104",
    // shared/traces/wireshark-wiki/ansi_tcap_from_captures.hex:70 ansi_tcap_over_itu_sccp_over_mtp3_over_mtp2.pcap frame 1: [ANSI QueryWithPerm] Origination Request Invoke
    "e27cc70461060390e874e972cf0101d102092ff26995033940018805011890002789048d2ad4fe8107394001011c30009f6204000000009f7b020c719f21021004840a0100210b403480000102820201049f5d090000210a33135009279f50090200210a33135009279f82170124bf82180c9f8215037d7b1f9f8219010f",
];

const JSS7_POSITIVE: &[&str] = &[
    // shared/traces/jss7-vectors/ansi_tcap_messages.hex:6 ANSI T1.114 TCAP QueryWithPermission package
    "e233c70400000100e82be929cf0100d1020935f2209f69009f74009f81000108880516193204009f814101019f8143052222222222",
    // shared/traces/jss7-vectors/ansi_tcap_messages.hex:8 ANSI T1.114 TCAP ConversationWithPermission package
    "e51ec7080101020203030404e812e910cf0100d1020935f20701020304050607",
    // shared/traces/jss7-vectors/ansi_tcap_messages.hex:10 ANSI T1.114 TCAP Response package
    "e43cc70414000000e834ea32cf0101f22d9601138e0206009503000c109f4e010199037a0d119f5d07000021063654109701079f7301009f750100980102",
    // shared/traces/jss7-vectors/ansi_tcap_messages.hex:12 ANSI T1.114 TCAP Abort package
    "f61cc70414000000f8142812060704000001010101a00701020304050607",
    // shared/traces/jss7-vectors/ansi_tcap_messages.hex:14 ANSI T1.114 TCAP Unidirectional package
    "e116c700e812e910cf0100d1020935f20701020304050607",
    // shared/traces/jss7-vectors/ansi_tcap_messages.hex:16 ANSI T1.114 TCAP Abort package
    "f609c70414000000d70106",
    // shared/traces/jss7-vectors/ansi_tcap_messages.hex:18 ANSI T1.114 TCAP Abort package
    "f60dc70414000000f903db016ff800",
    // shared/traces/jss7-vectors/ansi_tcap_messages.hex:20 ANSI T1.114 TCAP ConversationWithoutPermission package
    "e60fc7080101020203030404f903db0142",
    // shared/traces/jss7-vectors/ansi_tcap_messages.hex:22 ANSI T1.114 TCAP QueryWithPermission package
    "e233c70400000000e82be929cf0100d1020935f2209f69009f74009f81000108880516193204009f814101019f8143052222222222",
    // shared/traces/jss7-vectors/ansi_tcap_messages.hex:24 ANSI T1.114 TCAP QueryWithoutPermission package
    "e32ac70403030404f907da0103dc02300be819ea0ccf0101f20701020304050607eb09cf0101d40200c8f200",
    // shared/traces/jss7-vectors/ansi_tcap_messages.hex:26 ANSI T1.114 TCAP QueryWithoutPermission package
    "e30bc70403030404f903db0142",
    // shared/traces/jss7-vectors/ansi_tcap_messages.hex:28 ANSI T1.114 TCAP QueryWithoutPermission package
    "e322c70403030404e81aea0dcf020100f20701020304050607eb09cf0101d40200c8f200",
    // shared/traces/jss7-vectors/ansi_tcap_messages.hex:30 ANSI T1.114 TCAP Response package
    "e40bc70414000000f903db0142",
    // shared/traces/jss7-vectors/ansi_tcap_messages.hex:32 ANSI T1.114 TCAP Unidirectional package
    "e11bc700f903db0142e812e910cf0100d1020935f20701020304050607",
];

// shared/traces/jss7-vectors/ansi_tcap_messages.hex:35 (jSS7 TCAPAbnormalTest.getMessageWithUnsupportedProtocolVersion)
const NEG_WITH_UNSUPPORTED_PROTOCOL_VERSION: &str =
    "e22ac70400000001f90cda0104dc0704000001001302e814ed08cf0101d1010cf000e908cf0102d1010df000";
// shared/traces/jss7-vectors/ansi_tcap_messages.hex:37 (jSS7 TCAPAbnormalTest.getMessageBadSyntax)
const NEG_BAD_SYNTAX: &str =
    "e22ac70400000001f90cda0103ff0704000001001302e814ed08cf0101d1010cf000e908cf0102d1010df000";
// shared/traces/jss7-vectors/ansi_tcap_messages.hex:39 (jSS7 TCAPAbnormalTest.getMessageBadSyntax2)
const NEG_BAD_SYNTAX2: &str = "e50dc7080000000100000001010100";
// shared/traces/jss7-vectors/ansi_tcap_messages.hex:41 (jSS7 TCAPAbnormalTest.getMessageBadTag)
const NEG_BAD_TAG: &str = "6a0dc7080000000100000001010100";

fn bytes(h: &str) -> Vec<u8> {
    from_hex(h).unwrap()
}

fn reencode(m: &AnsiMessage<'_>) -> Vec<u8> {
    let mut out = Vec::new();
    m.encode(&mut out);
    out
}

/// Decode, require every component to decode, and re-encode byte-identically.
fn check_canonical(h: &str) -> AnsiMessage<'static> {
    let buf: &'static [u8] = Box::leak(bytes(h).into_boxed_slice());
    let m = AnsiMessage::decode(buf).unwrap_or_else(|e| panic!("{h}: {e}"));
    for c in m.components() {
        c.unwrap_or_else(|f| panic!("{h}: component fault {f:?}"));
    }
    assert_eq!(hex(&reencode(&m)), h, "re-encoding differs");
    m
}

#[test]
fn every_captured_package_decodes_and_reencodes_identically() {
    let mut kinds = std::collections::BTreeMap::new();
    let mut ops = std::collections::HashMap::new();
    for h in CAPTURES {
        let m = check_canonical(h);
        *kinds.entry(m.package.name()).or_insert(0) += 1;
        for c in m.components() {
            if let AnsiComponent::Invoke { opcode, .. } = c.unwrap() {
                *ops.entry(opcode).or_insert(0) += 1;
            }
        }
    }
    assert_eq!(CAPTURES.len(), 34);
    // README tshark summaries: ansi_map_win 5 QueryWithPerm + 3 Response + 1 Unidirectional,
    // ansi_map_ota 13 QueryWithPerm + 11 Response, the MTP2 capture 1 QueryWithPerm.
    let expect: std::collections::BTreeMap<_, _> = [
        ("QueryWithPermission", 19),
        ("Response", 14),
        ("Unidirectional", 1),
    ]
    .into_iter()
    .collect();
    assert_eq!(kinds, expect);
    // IS-41 operations are national family 9: LocationRequest 2319 = 0x090f (2 + 2 in the
    // README counts), SMSDeliveryPointToPoint 2357 = 0x0935 (7).
    assert_eq!(ops[&OpCode::Private(0x090f)], 4);
    assert_eq!(ops[&OpCode::Private(0x0935)], 7);
}

#[test]
fn captured_fields() {
    // ansi_map_win.pcap frame 3: Response, ReturnResultLast correlation 1, parameter set.
    let m = check_canonical(CAPTURES[2]);
    assert_eq!(m.package, PackageType::Response);
    assert_eq!(m.ids.responding, Some([0, 0, 0, 0x49]));
    assert_eq!(m.ids.originating, None);
    match m.components().next().unwrap().unwrap() {
        AnsiComponent::ReturnResult {
            last: true,
            correlation_id: 1,
            parameter: Some(p),
        } => {
            assert_eq!(p.tag, ansi::tags::PARAMETER_SET);
            assert_eq!(p.value, [0x9f, 0x81, 0x00, 0x01, 0x01]);
        }
        c => panic!("{c:?}"),
    }
    let m = check_canonical(CAPTURES[0]);
    match m.components().next().unwrap().unwrap() {
        AnsiComponent::Invoke {
            last: true,
            invoke_id: Some(1),
            correlation_id: None,
            opcode,
            parameter: Some(_),
        } => {
            assert_eq!(opcode, OpCode::Private(0x090f));
            assert_eq!((opcode.family(), opcode.specifier()), (9, 0x0f));
            assert!(!opcode.reply_required());
        }
        c => panic!("{c:?}"),
    }
}

#[test]
fn jss7_positive_packages() {
    assert_eq!(JSS7_POSITIVE.len(), 14);
    for (i, h) in JSS7_POSITIVE.iter().enumerate() {
        let buf = bytes(h);
        let m = AnsiMessage::decode(&buf).unwrap_or_else(|e| panic!("#{i} {h}: {e}"));
        // #11 (TcQueryTest data4) is "1 good component, 1 bad component" on purpose.
        if i != 11 {
            for c in m.components() {
                c.unwrap_or_else(|f| panic!("#{i} {h}: {f:?}"));
            }
            assert_eq!(hex(&reencode(&m)), *h, "#{i} re-encoding differs");
        }
    }
}

#[test]
fn jss7_fields() {
    // TcQueryTest data1: QueryWithPermission, InvokeLast id 0 private 0x0935, F2 parameter.
    let buf = bytes(JSS7_POSITIVE[8]);
    let m = AnsiMessage::decode(&buf).unwrap();
    assert_eq!(m.package, PackageType::QueryWithPermission);
    assert_eq!(m.package.permission(), Some(true));
    assert_eq!(m.ids.originating, Some([0, 0, 0, 0]));
    match m.components().next().unwrap().unwrap() {
        AnsiComponent::Invoke {
            invoke_id: Some(0),
            opcode: OpCode::Private(0x0935),
            parameter: Some(p),
            ..
        } => assert_eq!(p.value.len(), 0x20),
        c => panic!("{c:?}"),
    }

    // ConversationWithPermission: both ids.
    let buf = bytes(JSS7_POSITIVE[1]);
    let m = AnsiMessage::decode(&buf).unwrap();
    assert_eq!(m.ids.originating, Some([1, 1, 2, 2]));
    assert_eq!(m.ids.responding, Some([3, 3, 4, 4]));

    // TcQueryTest data2: QueryWithoutPermission with version 3 and an OID AC, then a
    // ReturnResultLast and a ReturnError private 200 with an empty parameter set.
    let buf = bytes(JSS7_POSITIVE[9]);
    let m = AnsiMessage::decode(&buf).unwrap();
    assert_eq!(m.package.permission(), Some(false));
    let d = m.dialogue.unwrap();
    assert_eq!(d.version, Some(3));
    assert_eq!(
        d.application_context,
        Some(ApplicationContext::Oid(&[0x30, 0x0b]))
    );
    let comps: Vec<_> = m.components().map(Result::unwrap).collect();
    assert!(matches!(
        comps[0],
        AnsiComponent::ReturnResult {
            last: true,
            correlation_id: 1,
            ..
        }
    ));
    match comps[1] {
        AnsiComponent::ReturnError {
            correlation_id: 1,
            error: ErrorCode::Private(200),
            parameter: Some(p),
        } => assert!(p.value.is_empty()),
        ref c => panic!("{c:?}"),
    }

    // TcQueryTest data4: the ReturnResultLast's component ID has 2 octets (SIZE (1)):
    // Reject general/badlyStructuredCompPortion, as jSS7 asserts; the ReturnError still decodes.
    let buf = bytes(JSS7_POSITIVE[11]);
    let m = AnsiMessage::decode(&buf).unwrap();
    let comps: Vec<_> = m.components().collect();
    let fault = comps[0].clone().unwrap_err();
    assert_eq!(
        fault.problem,
        Problem::GENERAL_BADLY_STRUCTURED_COMPONENT_PORTION
    );
    assert_eq!(fault.correlation_id, None);
    assert!(matches!(
        comps[1],
        Ok(AnsiComponent::ReturnError {
            correlation_id: 1,
            error: ErrorCode::Private(200),
            ..
        })
    ));

    // ParseMessageDraftTest dataTcAbort: user abort information (an EXTERNAL).
    let buf = bytes(JSS7_POSITIVE[3]);
    let m = AnsiMessage::decode(&buf).unwrap();
    assert_eq!(m.package, PackageType::Abort);
    assert_eq!(m.ids.responding, Some([0x14, 0, 0, 0]));
    match m.abort {
        Some(AbortReason::User(info)) => assert_eq!(info[0], 0x28),
        a => panic!("{a:?}"),
    }
    // TcAbortTest data1: P-Abort cause 6 resourceUnavailable.
    let buf = bytes(JSS7_POSITIVE[5]);
    let m = AnsiMessage::decode(&buf).unwrap();
    assert_eq!(m.abort, Some(AbortReason::Provider(6)));
    // TcAbortTest data2: integer AC 0x6f and an empty user abort information.
    let buf = bytes(JSS7_POSITIVE[6]);
    let m = AnsiMessage::decode(&buf).unwrap();
    assert_eq!(
        m.dialogue.unwrap().application_context,
        Some(ApplicationContext::Integer(0x6f))
    );
    assert_eq!(m.abort, Some(AbortReason::User(&[])));
    // Unidirectional: no transaction ids, integer AC 66.
    let buf = bytes(JSS7_POSITIVE[13]);
    let m = AnsiMessage::decode(&buf).unwrap();
    assert_eq!(m.package, PackageType::Unidirectional);
    assert_eq!(m.ids, TransactionIds::default());
}

#[test]
fn jss7_negatives_get_the_t1_114_answer() {
    // Protocol version 04: neither T1.114-1996 (01) nor -2000 (02).
    let buf = bytes(NEG_WITH_UNSUPPORTED_PROTOCOL_VERSION);
    let e = AnsiMessage::decode(&buf).unwrap_err();
    assert_eq!(
        e,
        AnsiError::UnsupportedProtocolVersion {
            version: 4,
            offset: 12
        }
    );
    assert_eq!(e.p_abort_cause(), PAbortCause::InconsistentDialoguePortion);

    // Dialogue portion whose second member runs past its end: badly structured dialogue
    // portion (what jSS7's badSyntaxMessageTest asserts).
    let buf = bytes(NEG_BAD_SYNTAX);
    let e = AnsiMessage::decode(&buf).unwrap_err();
    assert!(
        matches!(e, AnsiError::BadlyStructuredDialoguePortion(_)),
        "{e}"
    );
    assert_eq!(
        e.p_abort_cause(),
        PAbortCause::BadlyStructuredDialoguePortion
    );

    // A universal BOOLEAN where the dialogue portion or component sequence belongs.
    let buf = bytes(NEG_BAD_SYNTAX2);
    let e = AnsiMessage::decode(&buf).unwrap_err();
    assert_eq!(
        e,
        AnsiError::UnrecognizedDialoguePortionId {
            tag: Tag::BOOLEAN,
            offset: 12
        }
    );
    assert_eq!(
        e.p_abort_cause(),
        PAbortCause::UnrecognizedDialoguePortionId
    );
    // The dialogue layer can still address its Abort to the sender's originating id.
    let (package, tid) = ansi::peek_transaction_id(&buf).unwrap();
    assert_eq!(package, PackageType::ConversationWithPermission);
    assert_eq!(&tid[..4], &[0, 0, 0, 1]);

    // Package identifier 6a (APPLICATION 10): unrecognized package type.
    let buf = bytes(NEG_BAD_TAG);
    let e = AnsiMessage::decode(&buf).unwrap_err();
    assert!(matches!(e, AnsiError::UnrecognizedPackageType(_)), "{e}");
    assert_eq!(e.p_abort_cause(), PAbortCause::UnrecognizedPackageType);
}

/// A parameter set with AIN `calledPartyID` (8F) and `callingPartyID` (92) AINDigits.
fn ain_parameters(w: &mut Writer<'_>) {
    ansi::parameter_set(w, |w| {
        // National number, E.164 plan, 10 digits 2015550123 in BCD.
        w.primitive(Tag::ctx(15), &[0x03, 0x10, 0x02, 0x51, 0x55, 0x10, 0x32]);
        w.primitive(Tag::ctx(18), &[0x03, 0x10, 0x02, 0x51, 0x55, 0x99, 0x99]);
    })
}

#[test]
fn ain_info_analyzed_query_round_trips() {
    // QueryWithPermission, dialogue portion F9 { DA 01 03 }, InvokeLast private 0x6403
    // (Info_Analyzed) with a parameter set (AIN-NOTES.md).
    let mut out = Vec::new();
    ansi::encode(
        &mut out,
        PackageType::QueryWithPermission,
        TransactionIds {
            originating: Some([0x00, 0x01, 0x02, 0x03]),
            responding: None,
        },
        Some(&DialoguePortion {
            version: Some(ansi::version::SUPPORTED),
            ..Default::default()
        }),
        |w| {
            ansi::invoke(
                w,
                true,
                Some(1),
                None,
                OpCode::Private(scpd::ain::opcode::INFO_ANALYZED),
                ain_parameters,
            )
        },
    );
    assert_eq!(
        hex(&out),
        "e22ac70400010203f903da0103e81de91bcf0101d1026403f2128f0703100251551032920703100251559999"
    );
    let m = check_canonical(&hex(&out));
    match m.components().next().unwrap().unwrap() {
        AnsiComponent::Invoke {
            opcode, parameter, ..
        } => {
            assert_eq!(opcode, OpCode::Private(0x6403));
            let members: Vec<_> = parameter
                .unwrap()
                .children()
                .unwrap()
                .map(|t| t.unwrap().tag)
                .collect();
            assert_eq!(members, [Tag::ctx(15), Tag::ctx(18)]);
        }
        c => panic!("{c:?}"),
    }
}

#[test]
fn ain_conversation_and_response_round_trip() {
    // SCP answers in a ConversationWithPermission: RequestReportBCMEvent (InvokeNotLast,
    // linked to the query's invoke 1) then Analyze_Route (InvokeLast), each with a parameter
    // set; the SSP's Response carries a ReturnError applicationError (private 1) and a Reject.
    let ids = TransactionIds {
        originating: Some([9, 9, 9, 9]),
        responding: Some([0, 1, 2, 3]),
    };
    let mut out = Vec::new();
    ansi::encode(
        &mut out,
        PackageType::ConversationWithPermission,
        ids,
        None,
        |w| {
            ansi::invoke(
                w,
                false,
                Some(2),
                Some(1),
                OpCode::Private(scpd::ain::opcode::REQUEST_REPORT_BCM_EVENT),
                |w| ansi::parameter_set(w, |w| w.primitive(Tag::ctx(111), &[0])),
            );
            ansi::invoke(
                w,
                true,
                Some(3),
                None,
                OpCode::Private(scpd::ain::opcode::ANALYZE_ROUTE),
                ain_parameters,
            );
        },
    );
    let m = check_canonical(&hex(&out));
    let comps: Vec<_> = m.components().map(Result::unwrap).collect();
    assert!(matches!(
        comps[0],
        AnsiComponent::Invoke {
            last: false,
            invoke_id: Some(2),
            correlation_id: Some(1),
            opcode: OpCode::Private(0x6d01),
            ..
        }
    ));

    out.clear();
    ansi::encode(
        &mut out,
        PackageType::Response,
        TransactionIds {
            originating: None,
            responding: Some([9, 9, 9, 9]),
        },
        None,
        |w| {
            ansi::return_error(w, 3, ErrorCode::Private(1), |_| {});
            ansi::reject(w, Some(2), Problem::INVOKE_UNRECOGNIZED_OPERATION);
        },
    );
    assert_eq!(
        hex(&out),
        "e41bc70409090909e813eb06cf0103d40101ec09cf0102d5020202f000"
    );
    let m = check_canonical(&hex(&out));
    let comps: Vec<_> = m.components().map(Result::unwrap).collect();
    match comps[1] {
        AnsiComponent::Reject {
            correlation_id: Some(2),
            problem: Problem::INVOKE_UNRECOGNIZED_OPERATION,
            parameter: Some(p),
        } => assert_eq!((p.tag, p.value.len()), (ansi::tags::PARAMETER_SEQUENCE, 0)),
        ref c => panic!("{c:?}"),
    }
}

#[test]
fn parameter_as_universal_sequence_and_other_encodings_are_accepted() {
    // Parameter as SEQUENCE (30), seen in the field; indefinite lengths; opcode as a one-octet
    // INTEGER; explicit error code F4 { 02 01 81 }.
    let h = "e2 80 c7 04 00000001 e8 80 e9 80 cf 01 01 d1 02 64 02 30 80 8f 01 00 00 00 00 00 \
             eb 80 cf 01 01 f4 03 02 01 81 00 00 ed 05 cf 00 d0 01 85 00 00 00 00";
    let buf = bytes(h);
    let m = AnsiMessage::decode(&buf).unwrap();
    let comps: Vec<_> = m.components().map(Result::unwrap).collect();
    assert!(matches!(
        comps[0],
        AnsiComponent::Invoke { parameter: Some(p), .. } if p.tag == Tag::SEQUENCE
    ));
    assert!(matches!(
        comps[1],
        AnsiComponent::ReturnError {
            error: ErrorCode::Private(-127),
            ..
        }
    ));
    assert!(matches!(
        comps[2],
        AnsiComponent::Invoke {
            invoke_id: None,
            opcode: OpCode::National(0xff85),
            ..
        }
    ));
}

#[test]
fn component_faults_map_to_reject_problems() {
    let cases: &[(&str, Problem, Option<u8>)] = &[
        // Unknown component type E7.
        ("e700", Problem::GENERAL_UNRECOGNIZED_COMPONENT_TYPE, None),
        // InvokeLast without an operation code.
        (
            "e903cf0105",
            Problem::GENERAL_INCORRECT_COMPONENT_PORTION,
            Some(5),
        ),
        // Operation code of three octets.
        (
            "e908cf0105d103640301",
            Problem::GENERAL_INCORRECT_COMPONENT_CODING,
            Some(5),
        ),
        // Component IDs of three octets.
        (
            "e909cf03010203d1026403",
            Problem::GENERAL_BADLY_STRUCTURED_COMPONENT_PORTION,
            None,
        ),
        // Invoke parameter that is an OCTET STRING.
        (
            "e90acf0105d10264030401aa",
            Problem::INVOKE_INCORRECT_PARAMETER,
            Some(5),
        ),
        // ReturnResult without component ID.
        (
            "ea02f200",
            Problem::GENERAL_INCORRECT_COMPONENT_PORTION,
            None,
        ),
        // ReturnResult parameter that is a context element.
        (
            "ea06cf010780 0100",
            Problem::RETURN_RESULT_INCORRECT_PARAMETER,
            Some(7),
        ),
        // ReturnError national error code out of range.
        (
            "eb07cf0107d3020100",
            Problem::GENERAL_INCORRECT_COMPONENT_CODING,
            Some(7),
        ),
        // ReturnError parameter that is an INTEGER.
        (
            "eb09cf0107d401010201 01",
            Problem::RETURN_ERROR_INCORRECT_PARAMETER,
            Some(7),
        ),
        // Reject with a one-octet problem code.
        (
            "ec06cf0101d50101",
            Problem::GENERAL_INCORRECT_COMPONENT_CODING,
            Some(1),
        ),
        // Something after the parameter.
        (
            "ea07cf0101f2000500",
            Problem::GENERAL_INCORRECT_COMPONENT_PORTION,
            Some(1),
        ),
        // Component whose contents overrun it.
        (
            "ea05cf0101f205",
            Problem::GENERAL_BADLY_STRUCTURED_COMPONENT_PORTION,
            None,
        ),
    ];
    for (comp, problem, id) in cases {
        let comp = bytes(comp);
        let mut pkg = vec![0xe4, 0, 0xc7, 4, 1, 2, 3, 4, 0xe8, comp.len() as u8];
        pkg.extend_from_slice(&comp);
        pkg[1] = (pkg.len() - 2) as u8;
        let m = AnsiMessage::decode(&pkg).unwrap_or_else(|e| panic!("{}: {e}", hex(&comp)));
        let fault = m.components().next().unwrap().expect_err(&hex(&comp));
        assert_eq!(
            (fault.problem, fault.correlation_id),
            (*problem, *id),
            "{}",
            hex(&comp)
        );
        // The Reject that answers it.
        let mut out = Vec::new();
        ansi::reject_fault(&mut Writer::new(&mut out), &fault);
        let (t, _) = scpd::ber::Tlv::parse(&out, 0).unwrap();
        assert_eq!(t.tag, ansi::tags::REJECT);
    }
}
