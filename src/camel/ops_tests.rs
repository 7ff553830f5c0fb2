//! Tests of the CAP argument codecs against real traffic and jSS7's vectors. The hex is
//! embedded (copied from shared/traces, file and line named) so the tests need nothing at
//! run time.

use super::*;
use crate::ber::from_hex;
use crate::camel::numbers::{nature, CellIdOrLai, GenericNumber, PLAN_ISDN};
use crate::camel::{opcode, EventTypeBcsm, LegId, LegType, MonitorMode};
use proptest::prelude::*;

// TCAP messages cut from real captures: shared/traces/wireshark-wiki/itu_tcap_from_captures.hex
// (line numbers of the hex lines; the comment line above each names capture and frame).
const TCAP_MESSAGES: &[(&str, &str)] = &[
    // line 5: camel.pcap frame 1: [TC-BEGIN] invoke initialDP
    ("camel.pcap frame 1", "628187480206f76b1e281c060700118605010101a011600f80020780a1090607040000010032016c61a15f020101020100305780012a830884111487095040f79c01029f32061487572586f9bf34148107913366020000f0a3098007313233343536379f3605a12345678f9f3707913366020000f09f3807111487085040f79f39080230900211223370"),
    // line 7: camel.pcap frame 2: [TC-CONTINUE] invoke requestReportBCSMEvent invoke applyCharging invoke continue
    ("camel.pcap frame 2", "6581be480213b8490206f76b2a2828060700118605010101a01d611b80020780a109060704000001003201a203020100a305a1030201006c8187a165020101020117305da05b300b800104810100a203800102300b800105810100a203800102300b800106810100a203800102300b800107810101a203800102300b800109810100a203800101300b800109810100a203800102300b80010a810101a203800101a116020102020123300e8007a0058003008ca0a203800101a10602010302011f"),
    // line 9: camel.pcap frame 3: [TC-CONTINUE] invoke eventReportBCSM
    ("camel.pcap frame 3", "651c480206f7490213b86c12a1100201020201183008800107a403800101"),
    // line 11: camel.pcap frame 4: [TC-CONTINUE] invoke applyChargingReport invoke eventReportBCSM
    ("camel.pcap frame 4", "653a4802ec0f49020d7c6c30a117020103020124040fa00da003810101a10380011a820100a115020104020118300d800109a303810101a403800100"),
    // line 13: camel.pcap frame 5: [TC-END] invoke releaseCall
    ("camel.pcap frame 5", "64124902ec0f6c0ca10a02010402011604028490"),
    // line 15: camel2.pcap frame 1: [TC-BEGIN] invoke initialDP
    ("camel2.pcap frame 1", "6281994804070004006b1a2818060700118605010101a00d600ba1090607040000010032016c75a173020101020100306b80016e8208839021721090000f830303975785010a8c06831407010900bb0580038090a39c01029d068314070109009e0203619f320806079209100491f9bf35038301119f360513fa3d3dea9f37069122705700709f39080250114231016500bf3b088106912270570070"),
    // line 17: camel2.pcap frame 2: [TC-CONTINUE] invoke requestReportBCSMEvent invoke connect
    ("camel2.pcap frame 2", "6581b24802047b4904070004006b2a2828060700118605010101a01d611b80020780a109060704000001003201a203020100a305a1030201006c7aa165020101020117305da05b300b800104810100a203800102300b800105810100a203800102300b800106810100a203800102300b800107810101a203800102300b800109810100a203800101300b800109810100a203800102300b80010a810101a203800101a1110201020201143009a00704050210792210"),
    // line 19: camel2.pcap frame 3: [TC-CONTINUE] invoke eventReportBCSM
    ("camel2.pcap frame 3", "65264804070004004902047b6c1aa1180201020201183010800104a206a20480028490a303810102"),
    // line 21: camel2.pcap frame 4: [TC-END] invoke releaseCall
    ("camel2.pcap frame 4", "64144904070004006c0ca10a02010302011604028495"),
    // line 23: 22-249.pcap frame 41: [TC-BEGIN] invoke initialDP
    ("22-249.pcap frame 41", "62819c480400191ed86b1a2818060700118605010101a00d600ba1090607040000010032016c78a176020101020100306e800103830984136831090870480285010a8a0404136882bb0580038090a39c01029f320864008040081794f4bf34160201008106916831445120a309800764f000800df82abf35038301119f3606197983def9169f37069168314451209f38038197249f39080290010341013023"),
    // line 25: 22-249.pcap frame 42: [TC-CONTINUE] invoke requestReportBCSMEvent
    ("22-249.pcap frame 42", "65819948047810002a490400191ed86b2a2828060700118605010101a01d611b80020780a109060704000001003201a203020100a305a1030201006c5fa15d0201010201173055a053300b800104810100a203800102300b800105810100a2038001023010800106810100a203800102be03810141300b800109810100a203800101300b800109810100a203800102300b80010a810101a203800101"),
    // line 31: 22-249.pcap frame 45: [TC-CONTINUE] invoke connect
    ("22-249.pcap frame 45", "653148047810002a490400191ed86c23a1210201040201143019a00a04088310310908704902ae0b0409808213310908704802"),
    // line 33: 22-249.pcap frame 46: [TC-BEGIN] invoke initialDP
    ("22-249.pcap frame 46", "6281b3480400191eda6b1a2818060700118605010101a00d600ba1090607040000010032016c818ea1818b0201010201003081828001038209849068310908704902830984136831090870480285010a8a0404136882bb0580038090a39c010c9f320864008040081794f2bf33028000bf342002010b800810000000000000008106916831445120a309800764f000800df82abf35038301119f3606197983def9169f37069168314451209f39080290010341013023"),
    // line 35: 22-249.pcap frame 47: [TC-CONTINUE] invoke requestReportBCSMEvent
    ("22-249.pcap frame 47", "65818c48047810002b490400191eda6b2a2828060700118605010101a01d611b80020780a109060704000001003201a203020100a305a1030201006c52a1500201010201173048a046300b80010d810100a203800102301080010e810100a203800102be03810141300b800111810100a203800101300b800111810100a203800102300b800112810101a203800101"),
    // line 39: 22-249.pcap frame 49: [TC-CONTINUE] invoke connect
    ("22-249.pcap frame 49", "652f48047810002b490400191eda6c21a11f0201030201143017a00c040a82109948310908704902ae0704058002138724"),
    // line 41: 22-249.pcap frame 50: [TC-BEGIN] invoke initialDP
    ("22-249.pcap frame 50", "6281af4804001b13366b1a2818060700118605010101a00d600ba1090607040000010032016c818aa18187020101020100307f800103820984906831090870490283070313820568872485010a8a0404136882bb04800280909c010c9f320864008040081794f2bf33028000bf342002010b800810000000000000008106916831445120a309800764f000800df82abf35038301119f36061b78a203f9169f37069168314450709f39080290010341015023"),
    // line 43: 22-249.pcap frame 51: [TC-CONTINUE] invoke requestReportBCSMEvent
    ("22-249.pcap frame 51", "65818c48047810002c4904001b13366b2a2828060700118605010101a01d611b80020780a109060704000001003201a203020100a305a1030201006c52a1500201010201173048a046300b80010d810100a203800102301080010e810100a203800102be03810141300b800111810100a203800101300b800111810100a203800102300b800112810101a203800101"),
    // line 47: 22-249.pcap frame 53: [TC-CONTINUE] invoke connect
    ("22-249.pcap frame 53", "652e48047810002c4904001b13366c20a11e0201030201143016a00b0409841068310908704902ae0704058002138724"),
    // line 49: 22-249.pcap frame 54: [TC-CONTINUE] invoke eventReportBCSM
    ("22-249.pcap frame 54", "6525480400191ed849047810002a6c17a115020102020118300d80010aa303810101a403800101"),
    // line 53: 22-249.pcap frame 56: [TC-CONTINUE] invoke eventReportBCSM
    ("22-249.pcap frame 56", "6525480400191eda49047810002b6c17a115020102020118300d800112a303810101a403800101"),
    // line 57: 22-249.pcap frame 58: [TC-CONTINUE] invoke eventReportBCSM
    ("22-249.pcap frame 58", "65254804001b133649047810002c6c17a115020102020118300d800112a303810101a403800101"),
    // line 63: expire-sample-merged.cap frame 2: [TC-CONTINUE] invoke requestReportBCSMEvent invoke continue
    ("expire-sample-merged.cap frame 2", "6569480401a72e024904a14411916c5ba1510201010201173049a04730068001048101003006800105810100300b800106810100be038101373006800107810100300b800109810100a203800101300b800109810100a203800102300680010a810101a10602010202011f"),
    // line 69: expire-sample-merged.cap frame 5: [TC-BEGIN] invoke initialDP
    ("expire-sample-merged.cap frame 5", "6281c54804a14411916b1e281c060700118605010101a011600f80020780a1090607040000011703046c819ca181990201000201003081908001018308041536294191583785010a8801008a08049736190800008297029181bb0580038090a39c01029f320815051307740107f3bf3417020100810791361908000082a309800715f530279d3ec8bf35038301119f3607401d413a0f453c9f3707913619080000829f3807819012261103f39f39080290606131935323bf3b0e82035018a3840204f0850301fff6"),
    // line 71: expire-sample-merged.cap frame 6: [TC-CONTINUE] invoke eventReportBCSM
    ("expire-sample-merged.cap frame 6", "65334804a1441191490401a72e026c25a123020101020118301b800107a211a50f9f3208831029611231300f9f350102a303810102"),
    // line 73: CAP.pcap frame 28: [TC-BEGIN] invoke initialDP
    ("CAP.pcap frame 28", "62819448030004006b1a2818060700118605010101a00d600ba1090607040000010032016c71a16f0201010201003067800150830884136998052283f985010a8801008a0884136998051050f19c01029f320824020301007925f5bf34098107916998051050f1bf350383010b9f360831383532323938329f3707916998051020f99f3807916998153056f79f39080290701212216362"),
    // line 75: CAP.pcap frame 29: [TC-CONTINUE] invoke requestReportBCSMEvent
    ("CAP.pcap frame 29", "655a480482fb000649030004006b2a2828060700118605010101a01d611b80020780a109060704000001003201a203020100a305a1030201006c21a11f0201010201173017a015300680010a810101300b800109810100a203800101"),
    // line 77: CAP.pcap frame 30: [TC-CONTINUE] invoke requestReportBCSMEvent invoke continue
    ("CAP.pcap frame 30", "654e480482fb000649030004006c41a137020102020117302fa02d300680010481010030068001058101003006800107810100300b800109810100a2038001023006800106810100a10602010302011f"),
    // line 79: CAP.pcap frame 52: [TC-BEGIN] invoke initialDP
    ("CAP.pcap frame 52", "62819448030004016b1a2818060700118605010101a00d600ba1090607040000010032016c71a16f0201010201003067800150830884136998052283f985010a8801008a0884136998051050f19c01029f320824020301007925f5bf34098107916998051050f1bf350383010b9f360831383532323938329f3707916998051020f99f3807916998153056f79f39080290701212420562"),
    // line 81: CAP.pcap frame 53: [TC-CONTINUE] invoke requestReportBCSMEvent
    ("CAP.pcap frame 53", "655a48046afa000549030004016b2a2828060700118605010101a01d611b80020780a109060704000001003201a203020100a305a1030201006c21a11f0201010201173017a015300680010a810101300b800109810100a203800101"),
    // line 83: CAP.pcap frame 54: [TC-CONTINUE] invoke requestReportBCSMEvent invoke continue
    ("CAP.pcap frame 54", "654e48046afa000549030004016c41a137020102020117302fa02d300680010481010030068001058101003006800107810100300b800109810100a2038001023006800106810100a10602010302011f"),
];

// CAP operation arguments from RestComm jSS7 unit tests:
// shared/traces/jss7-vectors/cap_operation_arguments.hex (line numbers of the hex lines).
const JSS7_ARGUMENTS: &[(u32, &str, &str)] = &[
    // line 33: connect ConnectRequestTest.java:79 getData1()
    (20, "line 33", "3009a00704050210792210"),
    // line 35: connect ConnectRequestTest.java:83 getData2()
    (20, "line 35", "3011a00704050210792210ae06040401020304"),
    // line 37: connect ConnectRequestTest.java:87 getData3()
    (20, "line 37", "304ba0070405021079221081030000088606831407010900aa123005020102810030090201030a01018101ff9c010a9d068314070109009e020361ae060404010203049f37009f38009f390128"),
    // line 39: connect ConnectRequestTest.java:94 getData4()
    (20, "line 39", "3034a007040502107922108b040b0c0d0eaf05a003810102930704000000707777b5038001059f1f04151617189f20009f3a009f3b00"),
    // line 59: eventReportBCSM EventReportBCSMRequestTest.java:59 getData1()
    (24, "line 59", "300d800109a303810101a403800100"),
    // line 61: eventReportBCSM EventReportBCSMRequestTest.java:63 getData2()
    (24, "line 61", "3010800104a206a20480028490a303810102"),
    // line 63: eventReportBCSM EventReportBCSMRequestTest.java:68 getData3()
    (24, "line 63", "3029800104a206a20480028490a303810102a403800100a5123005020102810030090201030a01018101ff"),
    // line 67: initialDP InitialDPRequestTest.java:102 getData1()
    (0, "line 67", "306b80016e82088390217210900000830303975785010a8c06831407010900bb0580038090a39c01029d068314070109009e0203619f320806079209100491f9bf35038301119f360513fa3d3dea9f37069122705700709f39080250114231016500bf3b088106912270570070"),
    // line 69: initialDP InitialDPRequestTest.java:122 getData3()
    (0, "line 69", "303080016e8207041011112222668701029102c4babf20049f3201029f2504010203049f2d0200d39f2e040b0c0d0e9f2f00"),
    // line 83: releaseCall ReleaseCallRequestTest.java:49 getData1()
    (22, "line 83", "04028490"),
    // line 85: requestReportBCSMEvent RequestReportBCSMEventRequestTest.java:56 getData1()
    (23, "line 85", "305da05b300b800104810100a203800102300b800105810100a203800102300b800106810100a203800102300b800107810101a203800102300b800109810100a203800101300b800109810100a203800102300b80010a810101a203800101"),
    // line 87: requestReportBCSMEvent RequestReportBCSMEventRequestTest.java:65 getData2()
    (23, "line 87", "3071a05b300b800104810100a203800102300b800105810100a203800102300b800106810100a203800102300b800107810101a203800102300b800109810100a203800101300b800109810100a203800102300b80010a810101a203800101a2123005020102810030090201030a01018101ff"),
];

/// The invokes of a TCAP message: (opcode, parameter). A small BER walk (Q.773): message →
/// component portion [APPLICATION 12] → Invoke [1] { invokeID, [0] linkedID?, opcode,
/// parameter? }. Test-only; the tcap module owns the real thing.
fn invokes(msg: &[u8]) -> Vec<(u32, Option<Tlv<'_>>)> {
    let m = Tlv::parse_single(msg).expect("TCAP message");
    let mut out = Vec::new();
    for part in m.children().unwrap() {
        let part = part.unwrap();
        if part.tag != Tag::app(12, true) {
            continue;
        }
        for c in part.children().unwrap() {
            let c = c.unwrap();
            if c.tag != Tag::ctx_cons(1) {
                continue;
            }
            let mut r = c.children().unwrap();
            r.expect(Tag::INTEGER, "invokeID").unwrap();
            let _linked = r.optional(Tag::ctx(0)).unwrap();
            let op = r.expect(Tag::INTEGER, "opcode").unwrap().as_u32().unwrap();
            out.push((op, r.next_tlv().unwrap()));
        }
    }
    out
}

fn message(name: &str) -> Vec<u8> {
    let (_, hex) = TCAP_MESSAGES
        .iter()
        .find(|(n, _)| *n == name)
        .unwrap_or_else(|| panic!("no fixture {name}"));
    from_hex(hex).unwrap()
}

/// The parameter of the first invoke of `op` in the named message, as owned bytes.
fn param_of(name: &str, op: u32) -> Vec<u8> {
    let msg = message(name);
    let (_, p) = invokes(&msg)
        .into_iter()
        .find(|(o, _)| *o == op)
        .unwrap_or_else(|| panic!("{name}: no invoke of op {op}"));
    p.expect("parameter").raw.to_vec()
}

fn encode_with(f: impl FnOnce(&mut Writer<'_>)) -> Vec<u8> {
    let mut buf = Vec::new();
    f(&mut Writer::new(&mut buf));
    buf
}

/// Decode an argument of `op` and re-encode it.
fn reencode(op: u32, raw: &[u8]) -> Vec<u8> {
    let t = Tlv::parse_single(raw).unwrap();
    match op {
        opcode::INITIAL_DP => encode_with(|w| InitialDpArg::decode(t).unwrap().encode(w)),
        opcode::REQUEST_REPORT_BCSM_EVENT => {
            encode_with(|w| RequestReportBcsmEventArg::decode(t).unwrap().encode(w))
        }
        opcode::EVENT_REPORT_BCSM => {
            encode_with(|w| EventReportBcsmArg::decode(t).unwrap().encode(w))
        }
        opcode::CONNECT => encode_with(|w| ConnectArg::decode(t).unwrap().encode(w)),
        opcode::RELEASE_CALL => encode_with(|w| ReleaseCallArg::decode(t).unwrap().encode(w)),
        _ => unreachable!(),
    }
}

const COVERED: [u32; 5] = [
    opcode::INITIAL_DP,
    opcode::REQUEST_REPORT_BCSM_EVENT,
    opcode::EVENT_REPORT_BCSM,
    opcode::CONNECT,
    opcode::RELEASE_CALL,
];

#[test]
fn every_captured_argument_decodes_and_reencodes_byte_identical() {
    let mut seen = 0;
    for (name, hex) in TCAP_MESSAGES {
        let msg = from_hex(hex).unwrap();
        for (op, p) in invokes(&msg) {
            if !COVERED.contains(&op) {
                continue;
            }
            let p = p.unwrap_or_else(|| panic!("{name}: op {op} without parameter"));
            assert_eq!(
                crate::ber::hex(&reencode(op, p.raw)),
                crate::ber::hex(p.raw),
                "{name}: op {op}"
            );
            seen += 1;
        }
    }
    assert_eq!(seen, 31);
}

#[test]
fn every_jss7_argument_decodes_and_reencodes_byte_identical() {
    for (op, line, hex) in JSS7_ARGUMENTS {
        let raw = from_hex(hex).unwrap();
        assert_eq!(
            crate::ber::hex(&reencode(*op, &raw)),
            *hex,
            "jss7 {line} op {op}"
        );
    }
}

#[test]
fn camel_pcap_frame1_initial_dp() {
    let raw = param_of("camel.pcap frame 1", opcode::INITIAL_DP);
    let idp = InitialDpArg::decode_bytes(&raw).unwrap();
    assert_eq!(idp.service_key, 42);
    assert_eq!(idp.event_type_bcsm, Some(EventTypeBcsm::COLLECTED_INFO));
    let calling = idp.calling_party_number.unwrap();
    assert_eq!(calling.digits.as_str(), "41789005047");
    assert_eq!(calling.nature, nature::INTERNATIONAL);
    assert_eq!(
        (calling.plan, calling.presentation, calling.screening),
        (1, 0, 1)
    );
    assert_eq!(idp.called_party_number, None);
    assert_eq!(idp.calling_partys_category, None);
    assert_eq!(idp.imsi.unwrap().as_str(), "41787552689");
    let loc = idp.location_information.unwrap();
    assert_eq!(loc.age_of_location_information, None);
    let vlr = loc.vlr_number.unwrap();
    assert_eq!((vlr.nature, vlr.plan), (1, PLAN_ISDN));
    assert_eq!(vlr.digits.as_str(), "33662000000");
    let CellIdOrLai::CellId { plmn, lac, ci } = loc.cell_id_or_lai.unwrap() else {
        panic!("CGI expected")
    };
    // The capture's CGI is the ASCII "1234567": MCC 132, MNC 333 (3 digits).
    assert_eq!((plmn.mcc, plmn.mnc, plmn.mnc_3_digits), (132, 333, true));
    assert_eq!((lac, ci), (0x3435, 0x3637));
    assert_eq!(
        idp.call_reference_number,
        Some(&[0xa1, 0x23, 0x45, 0x67, 0x8f][..])
    );
    assert_eq!(idp.msc_address.unwrap().digits.as_str(), "33662000000");
    let bcd = idp.called_party_bcd_number.unwrap();
    assert_eq!(bcd.digits.as_str(), "41788005047");
    assert_eq!((bcd.ext, bcd.nature, bcd.plan), (false, 1, 1));
    let t = idp.time_and_timezone.unwrap();
    assert_eq!(
        (t.year, t.month, t.day, t.hour, t.minute, t.second),
        (2003, 9, 20, 11, 22, 33)
    );
}

#[test]
fn camel2_pcap_frame1_initial_dp_matches_jss7_vector() {
    let raw = param_of("camel2.pcap frame 1", opcode::INITIAL_DP);
    // jSS7's InitialDPRequestTest getData1() is this IDP with the called number's ST
    // signal replaced by a 0 digit.
    let jss7_raw = from_hex(JSS7_ARGUMENTS[7].2).unwrap();
    let jss7 = InitialDpArg::decode_bytes(&jss7_raw).unwrap();
    assert_eq!(
        jss7.called_party_number.unwrap().digits.as_str(),
        "12270109000"
    );
    let idp = InitialDpArg::decode_bytes(&raw).unwrap();
    assert_eq!(idp.service_key, 110);
    let called = idp.called_party_number.unwrap();
    assert_eq!(called.nature, nature::NATIONAL);
    assert!(called.inn_or_ni);
    assert_eq!(called.digits.as_str(), "1227010900");
    assert!(called.st);
    let calling = idp.calling_party_number.unwrap();
    assert_eq!(calling.digits.as_str(), "75");
    assert_eq!(
        (calling.inn_or_ni, calling.presentation, calling.screening),
        (true, 1, 3)
    );
    assert_eq!(idp.calling_partys_category, Some(0x0a));
    assert_eq!(
        idp.original_called_party_id.unwrap().digits.as_str(),
        "7010900"
    );
    assert_eq!(idp.redirecting_party_id.unwrap().digits.as_str(), "7010900");
    assert_eq!(idp.redirection_information, Some(&[0x03, 0x61][..]));
    assert_eq!(
        idp.bearer_capability,
        Some(&[0x80, 0x03, 0x80, 0x90, 0xa3][..])
    );
    assert_eq!(idp.event_type_bcsm, Some(EventTypeBcsm::COLLECTED_INFO));
    assert_eq!(idp.imsi.unwrap().as_str(), "607029900140199");
    assert_eq!(idp.ext_basic_service_code, Some(&[0x83, 0x01, 0x11][..]));
    assert_eq!(idp.msc_address.unwrap().digits.as_str(), "2207750007");
    let t = idp.time_and_timezone.unwrap();
    assert_eq!(
        (t.year, t.month, t.day, t.hour, t.minute, t.second),
        (2005, 11, 24, 13, 10, 56)
    );
    assert!(idp.initial_dp_arg_extension.is_some());
    assert!(idp.location_information.is_none());
}

#[test]
fn chinese_22_249_initial_dps() {
    let raw = param_of("22-249.pcap frame 41", opcode::INITIAL_DP);
    let idp = InitialDpArg::decode_bytes(&raw).unwrap();
    assert_eq!(idp.service_key, 3);
    assert_eq!(idp.event_type_bcsm, Some(EventTypeBcsm::COLLECTED_INFO));
    assert_eq!(idp.imsi.unwrap().as_str(), "460008048071494");
    let loc = idp.location_information.unwrap();
    assert_eq!(loc.age_of_location_information, Some(0));
    assert_eq!(loc.vlr_number.unwrap().digits.as_str(), "8613441502");
    let CellIdOrLai::CellId { plmn, lac, ci } = loc.cell_id_or_lai.unwrap() else {
        panic!("CGI expected")
    };
    assert_eq!((plmn.mcc, plmn.mnc, plmn.mnc_3_digits), (460, 0, false));
    assert_eq!((lac, ci), (0x800d, 0xf82a));
    let t = idp.time_and_timezone.unwrap();
    assert_eq!(t.tz_quarter_hours, 32);

    // Frame 46: a terminating trigger (T-CSI) with subscriberState.
    let raw = param_of("22-249.pcap frame 46", opcode::INITIAL_DP);
    let idp = InitialDpArg::decode_bytes(&raw).unwrap();
    assert_eq!(
        idp.event_type_bcsm,
        Some(EventTypeBcsm::TERM_ATTEMPT_AUTHORIZED)
    );
    assert!(idp.event_type_bcsm.unwrap().is_terminating());
    assert_eq!(idp.subscriber_state, Some(&[0x80, 0x00][..]));
    assert!(idp.called_party_number.is_some());
}

#[test]
fn expire_sample_cap_v4_initial_dp() {
    let raw = param_of("expire-sample-merged.cap frame 5", opcode::INITIAL_DP);
    let idp = InitialDpArg::decode_bytes(&raw).unwrap();
    assert_eq!(idp.service_key, 1);
    assert_eq!(idp.calling_partys_category, Some(0x0a));
    assert_eq!(idp.event_type_bcsm, Some(EventTypeBcsm::COLLECTED_INFO));
    let loc = idp.location_information.unwrap();
    let cell = loc.cell_id_or_lai.unwrap();
    assert_eq!(cell.plmn().to_string(), "515-03");
    let ext = idp.initial_dp_arg_extension.unwrap();
    assert!(!ext.is_empty());
}

#[test]
fn request_report_bcsm_events() {
    let raw = param_of("camel.pcap frame 2", opcode::REQUEST_REPORT_BCSM_EVENT);
    let rr = RequestReportBcsmEventArg::decode_bytes(&raw).unwrap();
    let got: Vec<_> = rr
        .events
        .iter()
        .map(|e| (e.event_type.0, e.monitor_mode, e.leg_id))
        .collect();
    use MonitorMode::*;
    let leg = |n| Some(LegId::SendingSide(LegType(n)));
    assert_eq!(
        got,
        [
            (4, Interrupted, leg(2)),
            (5, Interrupted, leg(2)),
            (6, Interrupted, leg(2)),
            (7, NotifyAndContinue, leg(2)),
            (9, Interrupted, leg(1)),
            (9, Interrupted, leg(2)),
            (10, NotifyAndContinue, leg(1)),
        ]
    );
    // 22-249 frame 42: oNoAnswer with dpSpecificCriteria applicationTimer 0x41 = 65 s.
    let raw = param_of("22-249.pcap frame 42", opcode::REQUEST_REPORT_BCSM_EVENT);
    let rr = RequestReportBcsmEventArg::decode_bytes(&raw).unwrap();
    let no_answer = rr
        .events
        .iter()
        .find(|e| e.event_type == EventTypeBcsm::O_NO_ANSWER);
    assert_eq!(no_answer.unwrap().application_timer(), Some(65));
    // expire-sample frame 2 (CAP v4): events without legID, tNoAnswer timer 0x37.
    let raw = param_of(
        "expire-sample-merged.cap frame 2",
        opcode::REQUEST_REPORT_BCSM_EVENT,
    );
    let rr = RequestReportBcsmEventArg::decode_bytes(&raw).unwrap();
    assert_eq!(rr.events.len(), 7);
    assert_eq!(rr.events[0].leg_id, None);
    assert_eq!(rr.events[2].application_timer(), Some(0x37));
}

#[test]
fn event_reports() {
    // camel.pcap frame 3: oAnswer on leg 1, notification.
    let raw = param_of("camel.pcap frame 3", opcode::EVENT_REPORT_BCSM);
    let er = EventReportBcsmArg::decode_bytes(&raw).unwrap();
    assert_eq!(er.event_type, EventTypeBcsm::O_ANSWER);
    assert_eq!(er.misc_call_info, Some(MiscCallInfo::NOTIFICATION));
    assert!(!er.is_request());
    // camel.pcap frame 4: oDisconnect from leg 1, request.
    let raw = param_of("camel.pcap frame 4", opcode::EVENT_REPORT_BCSM);
    let er = EventReportBcsmArg::decode_bytes(&raw).unwrap();
    assert_eq!(er.event_type, EventTypeBcsm::O_DISCONNECT);
    assert_eq!(er.leg_id, Some(LegId::ReceivingSide(LegType::LEG1)));
    assert!(er.is_request());
    // camel2.pcap frame 3: routeSelectFailure with failureCause 84 90 (normal clearing).
    let raw = param_of("camel2.pcap frame 3", opcode::EVENT_REPORT_BCSM);
    let er = EventReportBcsmArg::decode_bytes(&raw).unwrap();
    assert_eq!(er.event_type, EventTypeBcsm::ROUTE_SELECT_FAILURE);
    let c = er.event_specific_information.unwrap().cause().unwrap();
    assert_eq!((c.location, c.value), (4, 16));
    assert_eq!(er.leg_id, Some(LegId::ReceivingSide(LegType::LEG2)));
    // expire-sample frame 6 (CAP v4): oAnswer with destinationAddress and chargeIndicator.
    let raw = param_of(
        "expire-sample-merged.cap frame 6",
        opcode::EVENT_REPORT_BCSM,
    );
    let er = EventReportBcsmArg::decode_bytes(&raw).unwrap();
    let Some(EventSpecificInfo::OAnswer(a)) = er.event_specific_information else {
        panic!("oAnswerSpecificInfo expected")
    };
    let dest = a.destination_address.unwrap();
    assert_eq!(dest.nature, nature::NATIONAL);
    assert_eq!(dest.digits.as_str(), "9216211303");
    assert!(dest.st);
    assert_eq!(a.charge_indicator, Some(2));
    // 22-249 frame 56: tAbandon (0x12) from leg 1.
    let raw = param_of("22-249.pcap frame 56", opcode::EVENT_REPORT_BCSM);
    let er = EventReportBcsmArg::decode_bytes(&raw).unwrap();
    assert_eq!(er.event_type, EventTypeBcsm::T_ABANDON);
}

#[test]
fn connects() {
    // camel2.pcap frame 2 = jSS7 ConnectRequestTest getData1().
    let raw = param_of("camel2.pcap frame 2", opcode::CONNECT);
    assert_eq!(crate::ber::hex(&raw), JSS7_ARGUMENTS[0].2);
    let c = ConnectArg::decode_bytes(&raw).unwrap();
    let d = c.destination_routing_address;
    assert_eq!((d.nature, d.plan), (nature::UNKNOWN, PLAN_ISDN));
    assert_eq!(d.digits.as_str(), "972201");
    assert!(!c.o_csi_applicable);
    // 22-249 frame 45: national number plus genericNumbers.
    let raw = param_of("22-249.pcap frame 45", opcode::CONNECT);
    let c = ConnectArg::decode_bytes(&raw).unwrap();
    assert_eq!(c.destination_routing_address.nature, nature::NATIONAL);
    assert_eq!(c.destination_routing_address.digits.as_str(), "13908007942");
    assert_eq!(c.generic_numbers.len(), 1);
    let g = c.generic_numbers[0];
    assert_eq!(
        (g.qualifier, g.number.nature, g.number.screening),
        (0x80, nature::UNKNOWN, 3)
    );
    assert_eq!(g.number.digits.as_str(), "13908007842");
    // jSS7 getData3: every optional member kind.
    let raw = from_hex(JSS7_ARGUMENTS[2].2).unwrap();
    let c = ConnectArg::decode_bytes(&raw).unwrap();
    assert_eq!(c.alerting_pattern, Some(&[0, 0, 8][..]));
    assert_eq!(
        c.original_called_party_id.unwrap().digits.as_str(),
        "7010900"
    );
    assert_eq!(c.calling_partys_category, Some(10));
    assert_eq!(c.generic_numbers[0].qualifier, 1);
    assert!(c.suppression_of_announcement && c.o_csi_applicable);
    assert_eq!(c.na_oli_info, Some(&[0x28][..]));
    // jSS7 getData4: carrier, SII2, chargeNumber, legToBeConnected, CUG, BOR, suppress-N-CSI.
    let raw = from_hex(JSS7_ARGUMENTS[3].2).unwrap();
    let c = ConnectArg::decode_bytes(&raw).unwrap();
    assert_eq!(c.carrier, Some(&[0x0b, 0x0c, 0x0d, 0x0e][..]));
    assert_eq!(c.leg_to_be_connected, Some(LegId::SendingSide(LegType(5))));
    assert!(c.cug_outgoing_access && c.bor_interrogation_requested && c.suppress_n_csi);
    assert!(c.charge_number.is_some());
}

#[test]
fn release_calls() {
    let raw = param_of("camel.pcap frame 5", opcode::RELEASE_CALL);
    let r = ReleaseCallArg::decode_bytes(&raw).unwrap();
    assert_eq!(r.cause().value, 16);
    assert_eq!(r.cause().location, 4);
    let raw = param_of("camel2.pcap frame 4", opcode::RELEASE_CALL);
    let r = ReleaseCallArg::decode_bytes(&raw).unwrap();
    assert_eq!(r.cause().value, 21);
    // CAP v4 allCallSegmentsWithExtension [2] { [0] cause }.
    let v4 = from_hex("a2048002 8490").unwrap();
    let r = ReleaseCallArg::decode_bytes(&v4).unwrap();
    assert!(matches!(
        r,
        ReleaseCallArg::AllCallSegmentsWithExtension {
            extensions: None,
            ..
        }
    ));
    assert_eq!(r.cause().value, 16);
    assert_eq!(encode_with(|w| r.encode(w)), v4);
    // Bare form built by the service layer.
    let r = ReleaseCallArg::AllCallSegments(Cause::new(4, 31));
    assert_eq!(encode_with(|w| r.encode(w)), [0x04, 0x02, 0x84, 0x9f]);
    assert!(ReleaseCallArg::decode_bytes(&[0x30, 0x00]).is_err());
    assert!(ReleaseCallArg::decode_bytes(&[0xa2, 0x00]).is_err());
}

#[test]
fn unknown_members_skipped_and_order_free() {
    // serviceKey after eventTypeBCSM, a private vendor member and an unknown [99] in between.
    let buf = from_hex("3011 9c0103 df4102abcd 9f6300 800105 bf6300").unwrap();
    let idp = InitialDpArg::decode_bytes(&buf).unwrap();
    assert_eq!(idp.service_key, 5);
    assert_eq!(
        idp.event_type_bcsm,
        Some(EventTypeBcsm::ANALYZED_INFORMATION)
    );
    // Missing serviceKey.
    let e = InitialDpArg::decode_bytes(&from_hex("30039c0102").unwrap()).unwrap_err();
    assert_eq!(e.kind, crate::ber::BerErrorKind::Missing("serviceKey"));
    // Wrong outer tag.
    assert!(InitialDpArg::decode_bytes(&from_hex("a003800101").unwrap()).is_err());
    // Indefinite length is accepted.
    let buf = from_hex("3080 800107 9c0102 0000").unwrap();
    assert_eq!(InitialDpArg::decode_bytes(&buf).unwrap().service_key, 7);
    // A malformed optional number is noted with its offset and raw encoding, and left out.
    let buf = from_hex("3006800101830180").unwrap();
    let idp = InitialDpArg::decode_bytes(&buf).unwrap();
    assert_eq!(idp.calling_party_number, None);
    let [m] = &idp.malformed[..] else {
        panic!("{:?}", idp.malformed)
    };
    assert_eq!(
        (m.member, m.raw, m.fault.offset),
        ("callingPartyNumber", &buf[5..], 7)
    );
    // A malformed serviceKey, the mandatory member, fails the whole argument.
    let e = InitialDpArg::decode_bytes(&from_hex("300780050100000000").unwrap()).unwrap_err();
    assert_eq!(e.offset, 4);
}

/// Issue 14: a cellGlobalIdOrServiceAreaIdFixedLength whose PLMN identity holds a
/// non-decimal digit costs the cell id only: the rest of the location and of the InitialDP
/// decode, and the fault is noted with the member's raw encoding.
#[test]
fn a_malformed_cell_id_is_noted_and_the_rest_decodes() {
    // locationInformation [52] { ageOfLocationInformation 5, vlr-number [1] 91 19 89 00 00 01,
    // cellGlobalIdOrServiceAreaIdOrLAI [3] { [0] 7 octets, MCC digit 0xA } }, iMSI [50].
    let cell = "a309 8007 a2f210 0001 0002";
    let loc = format!("bf3416 020105 8106911989000001 {cell}");
    let hex = format!("3027 800101 {loc} 9f3208 2621300000000010");
    let buf = from_hex(&hex.replace(' ', "")).unwrap();
    let idp = InitialDpArg::decode_bytes(&buf).unwrap();
    let l = idp.location_information.expect("location kept");
    assert_eq!(l.age_of_location_information, Some(5));
    assert_eq!(l.vlr_number.unwrap().digits.text().as_str(), "9198000010");
    assert_eq!(l.cell_id_or_lai, None);
    assert!(idp.imsi.is_some());
    let [m] = &idp.malformed[..] else {
        panic!("{:?}", idp.malformed)
    };
    assert_eq!(
        m.member,
        "locationInformation.cellGlobalIdOrServiceAreaIdOrLAI"
    );
    assert_eq!(m.raw, &from_hex(&cell.replace(' ', "")).unwrap()[..]);
    assert_eq!(
        m.fault.kind,
        crate::ber::BerErrorKind::Invalid("PLMN identity digit")
    );
}

#[test]
fn build_and_encode_like_the_service_layer() {
    // Connect to a TRN target without oCSIApplicable (DESIGN.md flow 4).
    let c = ConnectArg::to(IsupNumber::e164(
        nature::INTERNATIONAL,
        "4915123456789".parse().unwrap(),
    ));
    let bytes = encode_with(|w| c.encode(w));
    assert_eq!(crate::ber::hex(&bytes), "300da00b0409841094512143658709");
    assert_eq!(ConnectArg::decode_bytes(&bytes).unwrap(), c);
    // Arm disconnect and answer on both legs from a caller's array.
    let events = [
        BcsmEvent::new(
            EventTypeBcsm::O_ANSWER,
            MonitorMode::NotifyAndContinue,
            Some(LegId::SendingSide(LegType::LEG2)),
        ),
        BcsmEvent::new(
            EventTypeBcsm::O_DISCONNECT,
            MonitorMode::NotifyAndContinue,
            Some(LegId::SendingSide(LegType::LEG1)),
        ),
    ];
    let bytes = encode_with(|w| RequestReportBcsmEventArg::encode_events(&events, None, w));
    assert_eq!(
        crate::ber::hex(&bytes),
        "301ca01a300b800107810101a203800102300b800109810101a203800101"
    );
    let rr = RequestReportBcsmEventArg::decode_bytes(&bytes).unwrap();
    assert_eq!(rr.events, events);
}

// ---------------------------------------------------------------------------------------
// Property tests.

use crate::camel::numbers::tests::{address_string, isup_number, tbcd_digits};

fn opt_bytes() -> impl Strategy<Value = Option<Vec<u8>>> {
    proptest::option::of(proptest::collection::vec(any::<u8>(), 0..6))
}

fn leg_id() -> impl Strategy<Value = LegId> {
    prop_oneof![
        any::<u8>().prop_map(|l| LegId::SendingSide(LegType(l))),
        any::<u8>().prop_map(|l| LegId::ReceivingSide(LegType(l))),
    ]
}

fn cause_value() -> impl Strategy<Value = Cause<'static>> {
    (0u8..16, 0u8..128).prop_map(|(l, v)| Cause::new(l, v))
}

fn bytes_ref(v: &Option<Vec<u8>>) -> Option<&[u8]> {
    v.as_deref()
}

/// A BER-valid opaque contents (a primitive [0] holding the bytes) for constructed members.
fn cons_contents() -> impl Strategy<Value = Option<Vec<u8>>> {
    proptest::option::of(proptest::collection::vec(any::<u8>(), 0..4).prop_map(|v| {
        let mut out = vec![0x80, v.len() as u8];
        out.extend(v);
        out
    }))
}

proptest! {
    #[test]
    fn connect_round_trip(dra in isup_number(), ocpi in proptest::option::of(isup_number()),
                          cat in proptest::option::of(any::<u8>()), ap in opt_bytes(),
                          gens in proptest::collection::vec((any::<u8>(), isup_number()), 0..3),
                          leg in proptest::option::of(leg_id()), ext in cons_contents(),
                          flags in any::<[bool; 6]>()) {
        let c = ConnectArg {
            destination_routing_address: dra,
            alerting_pattern: bytes_ref(&ap),
            original_called_party_id: ocpi,
            extensions: bytes_ref(&ext),
            calling_partys_category: cat,
            redirecting_party_id: ocpi,
            generic_numbers: gens.into_iter().map(|(q, n)| GenericNumber { qualifier: q, number: n }).collect(),
            leg_to_be_connected: leg,
            cug_outgoing_access: flags[0],
            suppression_of_announcement: flags[1],
            o_csi_applicable: flags[2],
            bor_interrogation_requested: flags[3],
            suppress_n_csi: flags[4],
            charge_number: if flags[5] { Some(dra) } else { None },
            ..ConnectArg::default()
        };
        let bytes = encode_with(|w| c.encode(w));
        prop_assert_eq!(ConnectArg::decode_bytes(&bytes).unwrap(), c);
    }

    #[test]
    fn rrbcsm_round_trip(evs in proptest::collection::vec(
                            (0u8..60, 0usize..3, proptest::option::of(leg_id()), cons_contents(), any::<bool>()), 1..8)) {
        let modes = [MonitorMode::Interrupted, MonitorMode::NotifyAndContinue, MonitorMode::Transparent];
        let events: Vec<BcsmEvent<'_>> = evs.iter().map(|(et, m, leg, dp, rearm)| BcsmEvent {
            event_type: EventTypeBcsm(*et),
            monitor_mode: modes[*m],
            leg_id: *leg,
            dp_specific_criteria: dp.as_deref(),
            automatic_rearm: *rearm,
        }).collect();
        let a = RequestReportBcsmEventArg { events, extensions: None };
        let bytes = encode_with(|w| a.encode(w));
        prop_assert_eq!(RequestReportBcsmEventArg::decode_bytes(&bytes).unwrap(), a);
    }

    #[test]
    fn erbcsm_round_trip(et in 0u8..60, which in 0usize..16, c in proptest::option::of(cause_value()),
                         n in proptest::option::of(isup_number()), flags in any::<[bool; 3]>(),
                         leg in proptest::option::of(leg_id()),
                         misc in proptest::option::of((any::<bool>(), proptest::option::of(0u8..3)))) {
        let answer = AnswerInfo { destination_address: n, or_call: flags[0], forwarded_call: flags[1],
                                  charge_indicator: c.map(|c| c.value), ..AnswerInfo::default() };
        let other = [0x80u8, 0x01, 0x05];
        let esi = match which {
            0 => None,
            1 => Some(EventSpecificInfo::RouteSelectFailure { failure_cause: c }),
            2 => Some(EventSpecificInfo::OCalledPartyBusy { busy_cause: c }),
            3 => Some(EventSpecificInfo::ONoAnswer),
            4 => Some(EventSpecificInfo::OAnswer(answer)),
            5 => Some(EventSpecificInfo::ODisconnect { release_cause: c }),
            6 => Some(EventSpecificInfo::TBusy { busy_cause: c, call_forwarded: flags[0],
                      route_not_permitted: flags[1], forwarding_destination_number: n }),
            7 => Some(EventSpecificInfo::TNoAnswer { call_forwarded: flags[2], forwarding_destination_number: n }),
            8 => Some(EventSpecificInfo::TAnswer(answer)),
            9 => Some(EventSpecificInfo::TDisconnect { release_cause: c }),
            10 => Some(EventSpecificInfo::OMidCall(flags[0].then_some(MidCallEvents::DtmfDigitsCompleted(&other)))),
            11 => Some(EventSpecificInfo::TMidCall(Some(MidCallEvents::DtmfDigitsTimeOut(&other)))),
            12 => Some(EventSpecificInfo::OTermSeized(flags[1].then(|| LocationInformation {
                location_number: n, current_location_retrieved: flags[2], ..Default::default() }))),
            13 => Some(EventSpecificInfo::TChangeOfPosition(ChangeOfPosition {
                location_information: Some(LocationInformation { age_of_location_information: Some(5), ..Default::default() }),
                met_dp_criteria_list: flags[0].then_some(&other[..]) })),
            14 => Some(EventSpecificInfo::DpSpecificInfoAlt(DpSpecificInfoAlt {
                o_service_change: flags[0].then_some(ServiceChange { initiator: Some(1), nature: None, ext_basic_service_code: None }),
                t_service_change: None,
                collected_info: flags[1].then_some(n) })),
            _ => Some(EventSpecificInfo::Other { tag: 40, contents: &other }),
        };
        let a = EventReportBcsmArg {
            event_type: EventTypeBcsm(et),
            event_specific_information: esi,
            leg_id: leg,
            misc_call_info: misc.map(|(notification, dp_assignment)| MiscCallInfo { notification, dp_assignment }),
            extensions: None,
        };
        let bytes = encode_with(|w| a.encode(w));
        prop_assert_eq!(EventReportBcsmArg::decode_bytes(&bytes).unwrap(), a);
    }

    #[test]
    fn idp_round_trip(key in any::<u32>(), called in proptest::option::of(isup_number()),
                      calling in proptest::option::of(isup_number()), cat in proptest::option::of(any::<u8>()),
                      et in proptest::option::of(0u8..60), imsi in proptest::option::of(tbcd_digits()),
                      msc in proptest::option::of(address_string()), bcd in proptest::option::of(address_string()),
                      cause in proptest::option::of(cause_value()), crn in opt_bytes(), bearer in cons_contents(),
                      age in proptest::option::of(any::<u32>()), vlr in proptest::option::of(address_string()),
                      cell in proptest::option::of((0u16..1000, 0u16..100, any::<u16>(), any::<u16>(), any::<bool>())),
                      flags in any::<[bool; 3]>(), ext in cons_contents()) {
        let loc = (age.is_some() || vlr.is_some() || cell.is_some()).then(|| LocationInformation {
            age_of_location_information: age,
            vlr_number: vlr,
            cell_id_or_lai: cell.map(|(mcc, mnc, lac, ci, lai)| {
                let plmn = crate::camel::Plmn { mcc, mnc, mnc_3_digits: false };
                if lai { CellIdOrLai::Lai { plmn, lac } } else { CellIdOrLai::CellId { plmn, lac, ci } }
            }),
            sai_present: flags[2],
            ..LocationInformation::default()
        });
        let a = InitialDpArg {
            service_key: key,
            called_party_number: called,
            calling_party_number: calling,
            calling_partys_category: cat,
            location_number: calling,
            event_type_bcsm: et.map(EventTypeBcsm),
            redirecting_party_id: called,
            cause,
            cug_outgoing_access: flags[0],
            imsi,
            location_information: loc,
            call_reference_number: bytes_ref(&crn),
            bearer_capability: bytes_ref(&bearer),
            msc_address: msc,
            called_party_bcd_number: bcd,
            call_forwarding_ss_pending: flags[1],
            initial_dp_arg_extension: bytes_ref(&ext),
            ..InitialDpArg::default()
        };
        let bytes = encode_with(|w| a.encode(w));
        prop_assert_eq!(InitialDpArg::decode_bytes(&bytes).unwrap(), a);
    }

    #[test]
    fn idp_decode_never_panics(data in proptest::collection::vec(any::<u8>(), 0..200)) {
        let _ = InitialDpArg::decode_bytes(&data);
        let _ = RequestReportBcsmEventArg::decode_bytes(&data);
        let _ = EventReportBcsmArg::decode_bytes(&data);
        let _ = ConnectArg::decode_bytes(&data);
        let _ = ReleaseCallArg::decode_bytes(&data);
    }

    #[test]
    fn idp_decode_never_panics_on_mutated_real_idp(pos in 0usize..200, byte in any::<u8>(), cut in 0usize..200) {
        // Mutations of a real IDP reach far deeper than random bytes do.
        let mut raw = from_hex(JSS7_ARGUMENTS[7].2).unwrap();
        let p = pos % raw.len();
        raw[p] = byte;
        raw.truncate(raw.len() - cut % raw.len());
        let _ = InitialDpArg::decode_bytes(&raw);
    }
}
