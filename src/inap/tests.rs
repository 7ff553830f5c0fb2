//! INAP CS-1 codec: the worked InitialDP of shared/WIN-INAP-NOTES.md (checked against
//! tshark there), round trips of every argument, the CS-1 members by name, Q.1218-only
//! members skipped, and lenient decoding of InitialDP. tshark's view of our encodings is
//! `tests/inap_tshark.rs`.

use super::*;
use crate::ber::{from_hex, BerErrorKind, Tag, Tlv, Writer};
use crate::camel::numbers::nature;

fn num(d: &str) -> IsupNumber {
    IsupNumber::e164(nature::INTERNATIONAL, d.parse().unwrap())
}

fn enc(f: impl FnOnce(&mut Writer<'_>)) -> Vec<u8> {
    let mut v = Vec::new();
    f(&mut Writer::new(&mut v));
    v
}

/// The InitialDP argument of the notes' worked example (serviceKey 100, called
/// 31255570123, calling 7085551212, collectedInfo).
const WORKED_IDP: &str = "301a80016482088310135255072103830703130758552121 9f1c0102";

#[test]
fn worked_initial_dp_decodes_and_re_encodes() {
    let raw = from_hex(&WORKED_IDP.replace(' ', "")).unwrap();
    let a = InitialDpArg::decode_bytes(&raw).unwrap();
    assert_eq!(a.service_key, 100);
    let called = a.called_party_number.unwrap();
    assert_eq!(called.digits.text().as_str(), "31255570123");
    assert_eq!(called.nature, 3, "national");
    assert_eq!(called.plan, 1);
    let calling = a.calling_party_number.unwrap();
    assert_eq!(calling.digits.text().as_str(), "7085551212");
    assert_eq!(
        (calling.nature, calling.screening),
        (3, 3),
        "national, network provided"
    );
    assert_eq!(a.event_type_bcsm, Some(EventTypeBcsm::COLLECTED_INFO));
    assert!(a.malformed.is_empty());
    // The example writes eventTypeBCSM [28] in the high-tag-number form (`9f 1c`), which
    // X.690 §8.1.2.2 keeps for tags above 30; decoded alike, re-encoded canonically (`9c`),
    // as the switches in shared/traces write it.
    let canonical = from_hex(
        "30198001648208831013525507210383070313075855212 19c0102"
            .replace(' ', "")
            .as_str(),
    )
    .unwrap();
    assert_eq!(enc(|w| a.encode(w)), canonical);
    assert_eq!(InitialDpArg::decode_bytes(&canonical).unwrap(), a);
}

#[test]
fn initial_dp_cs1_members_by_name_round_trip() {
    let a = InitialDpArg {
        service_key: 7,
        called_party_number: Some(num("31201234567")),
        calling_party_number: Some(num("31207654321")),
        calling_partys_category: Some(0x0a),
        cg_encountered: Some(1),
        ip_ssp_capabilities: Some(&[0x01]),
        ip_available: Some(&[0x00]),
        location_number: Some(num("3120")),
        original_called_party_id: Some(num("31201111111")),
        extensions: Some(&[0x30, 0x03, 0x02, 0x01, 0x01]),
        trigger_type: Some(33),
        high_layer_compatibility: Some(&[0x91, 0x81]),
        service_interaction_indicators: Some(&[0x01, 0x02]),
        additional_calling_party_number: Some(&[0x06, 0x83, 0x13, 0x21, 0x43]),
        forward_call_indicators: Some(&[0x60, 0x01]),
        bearer_capability: Some(&[0x80, 0x03, 0x80, 0x90, 0xa3]),
        event_type_bcsm: Some(EventTypeBcsm::TERM_ATTEMPT_AUTHORIZED),
        redirecting_party_id: Some(num("31202222222")),
        redirection_information: Some(&[0x23, 0x31]),
        malformed: Vec::new(),
    };
    let raw = enc(|w| a.encode(w));
    assert_eq!(InitialDpArg::decode_bytes(&raw).unwrap(), a);
    // The CS-1 tags, in ASN.1 order: iPAvailable [9], triggerType [16],
    // serviceInteractionIndicators [24], forwardCallIndicators [26].
    let tags: Vec<u32> = Tlv::parse_single(&raw)
        .unwrap()
        .children()
        .unwrap()
        .map(|m| m.unwrap().tag.number)
        .collect();
    assert_eq!(
        tags,
        [0, 2, 3, 5, 7, 8, 9, 10, 12, 15, 16, 23, 24, 25, 26, 27, 28, 29, 30]
    );
    assert_eq!(
        trigger_type_name(a.trigger_type.unwrap()),
        Some("termAttemptAuthorized")
    );
    let g = a.additional_calling_party().unwrap().unwrap();
    assert_eq!(g.qualifier, 6);
}

#[test]
fn initial_dp_skips_q1218_only_members_and_keeps_bad_optional_ones_raw() {
    // serviceKey 5; callingPartyBusinessGroupID [4], callingPartySubaddress [6],
    // miscCallInfo [11] (constructed), serviceProfileIdentifier [13], terminalType [14]:
    // Q.1218 only, skipped. locationNumber [10] cut to one octet: noted, call goes on.
    let raw = from_hex(concat!(
        "3021",
        "800105",
        "84020102",
        "8601aa",
        "ab03800100",
        "8d0101",
        "8e0101",
        "8a0103",
        "830703130758552121",
    ))
    .unwrap();
    let a = InitialDpArg::decode_bytes(&raw).unwrap();
    assert_eq!(a.service_key, 5);
    assert!(a.location_number.is_none());
    assert_eq!(a.malformed.len(), 1);
    assert_eq!(a.malformed[0].member, "locationNumber");
    assert_eq!(a.malformed[0].raw, &[0x8a, 0x01, 0x03]);
    assert_eq!(
        a.calling_party_number.unwrap().digits.text().as_str(),
        "7085551212"
    );
}

#[test]
fn initial_dp_without_service_key_is_refused() {
    let raw = from_hex("3009830703130758552121").unwrap();
    let e = InitialDpArg::decode_bytes(&raw).unwrap_err();
    assert_eq!(e.kind, BerErrorKind::Missing("serviceKey"));
    // Not a SEQUENCE at all.
    assert!(InitialDpArg::decode_bytes(&from_hex("0401ff").unwrap()).is_err());
}

#[test]
fn connect_round_trips_with_its_cs1_members() {
    let mut c = ConnectArg::to(num("31201234567"));
    c.alerting_pattern = Some(&[0, 0, 1]);
    c.correlation_id = Some(&[0x12, 0x34]);
    c.cut_and_paste = Some(2);
    c.original_called_party_id = Some(num("3120999"));
    c.route_list = Some(&[0x04, 0x01, 0x07]);
    c.scf_id = Some(&[0x43, 0xc8, 0x00, 0xf1]);
    c.extensions = Some(&[0x30, 0x03, 0x02, 0x01, 0x01]);
    c.service_interaction_indicators = Some(&[0x01]);
    c.calling_party_number = Some(num("3120555"));
    c.calling_partys_category = Some(0x0a);
    c.redirecting_party_id = Some(num("3120666"));
    c.redirection_information = Some(&[0x23, 0x31]);
    let raw = enc(|w| c.encode(w));
    assert_eq!(ConnectArg::decode_bytes(&raw).unwrap(), c);
    // Two destinations: SIZE(1) violated.
    let two = from_hex("3010a00e0405841021436504058410214365").unwrap();
    assert!(ConnectArg::decode_bytes(&two).is_err());
    // No destination.
    assert!(ConnectArg::decode_bytes(&from_hex("3003810100").unwrap()).is_err());
}

#[test]
fn charging_arguments_round_trip() {
    let ac = ApplyChargingArg {
        ach_billing_charging_characteristics: &[0xa0, 0x03, 0x80, 0x01, 0x3c],
        send_calculation_to_scp_indication: Some(true),
        party_to_charge: Some(LegId::SendingSide(LegType::LEG1)),
        extensions: None,
    };
    let raw = enc(|w| ac.encode(w));
    assert_eq!(ApplyChargingArg::decode_bytes(&raw).unwrap(), ac);
    assert!(ApplyChargingArg::decode_bytes(&from_hex("30038101ff").unwrap()).is_err());

    let acr = ApplyChargingReportArg(&[0x01, 0x02, 0x03]);
    let raw = enc(|w| acr.encode(w));
    assert_eq!(raw, [0x04, 0x03, 0x01, 0x02, 0x03]);
    assert_eq!(ApplyChargingReportArg::decode_bytes(&raw).unwrap(), acr);
    let fci = FurnishChargingInformationArg(b"scpd");
    let raw = enc(|w| fci.encode(w));
    assert_eq!(
        FurnishChargingInformationArg::decode_bytes(&raw).unwrap(),
        fci
    );
    // A SEQUENCE where the OCTET STRING belongs.
    assert!(FurnishChargingInformationArg::decode_bytes(&from_hex("3000").unwrap()).is_err());
}

#[test]
fn etc_round_trips() {
    let e = EstablishTemporaryConnectionArg {
        assisting_ssp_ip_routing_address: &[0x00, 0x03, 0x11, 0x21, 0x43],
        correlation_id: Some(&[0x21, 0x43]),
        scf_id: Some(&[0x43, 0xc8, 0x00, 0xf1]),
        extensions: None,
    };
    let raw = enc(|w| e.encode(w));
    assert_eq!(
        EstablishTemporaryConnectionArg::decode_bytes(&raw).unwrap(),
        e
    );
    assert!(EstablishTemporaryConnectionArg::decode_bytes(&from_hex("3000").unwrap()).is_err());
}

#[test]
fn shared_arguments_round_trip_as_cs1_encodes_them() {
    // RequestReportBCSMEvent with CS-1's bcsmEventCorrelationID [1] (Q.1218): skipped.
    let rr = from_hex("3012a00b300980010781010ba2008100810101").unwrap();
    assert!(
        RequestReportBcsmEventArg::decode_bytes(&rr).is_err(),
        "monitorMode 11"
    );
    let evs = [
        BcsmEvent::new(
            EventTypeBcsm::O_ANSWER,
            MonitorMode::NotifyAndContinue,
            Some(LegId::SendingSide(LegType::LEG2)),
        ),
        BcsmEvent::new(
            EventTypeBcsm::O_DISCONNECT,
            MonitorMode::Interrupted,
            Some(LegId::SendingSide(LegType::LEG1)),
        ),
    ];
    let raw = enc(|w| RequestReportBcsmEventArg::encode_events(&evs, None, w));
    let mut with_corr = raw.clone();
    // Append correlationID [1] inside the SEQUENCE.
    with_corr.extend_from_slice(&[0x81, 0x01, 0x05]);
    with_corr[1] += 3;
    let d = RequestReportBcsmEventArg::decode_bytes(&with_corr).unwrap();
    assert_eq!(d.events, evs);

    // EventReportBCSM: oDisconnect with releaseCause, legID receivingSideID 1, notification.
    let er = from_hex("3015800109a206a70480028090a303810101a403800101").unwrap();
    let d = EventReportBcsmArg::decode_bytes(&er).unwrap();
    assert_eq!(d.event_type, EventTypeBcsm::O_DISCONNECT);
    assert_eq!(
        d.event_specific_information.unwrap().cause().unwrap().value,
        16
    );
    assert!(!d.is_request());
    assert_eq!(enc(|w| d.encode(w)), er);
    // collectedInfoSpecificInfo [0] (CS-1 only) is kept, not refused.
    let er = from_hex("300d800102a208a006800483102143").unwrap();
    let d = EventReportBcsmArg::decode_bytes(&er).unwrap();
    assert_eq!(enc(|w| d.encode(w)), er);

    // ReleaseCall: a bare Cause.
    let rc = from_hex("04028090").unwrap();
    let d = ReleaseCallArg::decode_bytes(&rc).unwrap();
    assert_eq!(d.cause().value, 16);
    assert_eq!(enc(|w| d.encode(w)), rc);
    // CallGap on a service key, as CS-1 GapCriteria gapOnService encodes it.
    let g = CallGapArg::overloaded(100, 30, 1000);
    let raw = enc(|w| g.encode(w));
    assert_eq!(CallGapArg::decode_bytes(&raw).unwrap(), g);
    assert!(
        raw.starts_with(&[0x30])
            && raw[2..].starts_with(&[0xa0, 0x05, 0xa2, 0x03, 0x80, 0x01, 0x64])
    );
}

#[test]
fn errors_have_cs1_codes() {
    let e = InapError::decode(18, None).unwrap();
    assert_eq!(
        (e, e.name()),
        (InapError::UnknownResource, "unknownResource")
    );
    let p = enc(|w| w.integer(Tag::ENUMERATED, 2));
    let e = InapError::decode_bytes(12, Some(&p)).unwrap();
    assert_eq!(e.name(), "taskRefused");
    assert!(e.has_parameter());
    assert_eq!(enc(|w| e.encode_parameter(w)), p);
    assert_eq!(InapError::decode(50, None).unwrap().name(), "unknown");
    assert!(
        InapError::decode(12, None).is_err(),
        "taskRefused needs its parameter"
    );
}

#[test]
fn names_and_acs() {
    assert_eq!(operation_name(opcode::INITIAL_DP), Some("initialDP"));
    assert_eq!(operation_name(3), Some("analysedInformation"));
    assert_eq!(operation_name(55), Some("activityTest"));
    assert_eq!(operation_name(50), None);
    assert!(is_core(opcode::CALL_GAP) && !is_core(3));
    assert_eq!(event_name(EventTypeBcsm(3)), Some("analysedInformation"));
    assert_eq!(event_name(EventTypeBcsm(17)), Some("tDisconnect"));
    assert_eq!(event_name(EventTypeBcsm(50)), None);
    assert!(ac::is_inap(ac::SSP_TO_SCP));
    assert!(!ac::is_inap(crate::camel::ac::CAP_V2_GSMSSF_TO_GSMSCF));
}

proptest::proptest! {
    /// Nothing panics on bad input: any bytes through every decoder.
    #[test]
    fn decoders_never_panic(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..64)) {
        let _ = InitialDpArg::decode_bytes(&bytes);
        let _ = ConnectArg::decode_bytes(&bytes);
        let _ = ApplyChargingArg::decode_bytes(&bytes);
        let _ = ApplyChargingReportArg::decode_bytes(&bytes);
        let _ = FurnishChargingInformationArg::decode_bytes(&bytes);
        let _ = EstablishTemporaryConnectionArg::decode_bytes(&bytes);
        let _ = InapError::decode_bytes(12, Some(&bytes));
    }
}
