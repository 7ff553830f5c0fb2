use super::*;

#[test]
fn phases_from_application_contexts() {
    // Dialogue portions of camel.pcap (v2) and expire-sample-merged.cap (v4).
    assert_eq!(
        Phase::from_ac(&[0x04, 0x00, 0x00, 0x01, 0x00, 0x32, 0x01]),
        Some(Phase::Cap2)
    );
    assert_eq!(
        Phase::from_ac(&[0x04, 0x00, 0x00, 0x01, 0x17, 0x03, 0x04]),
        Some(Phase::Cap4)
    );
    for p in [Phase::Cap1, Phase::Cap2, Phase::Cap3, Phase::Cap4] {
        assert_eq!(Phase::from_ac(p.ac()), Some(p));
    }
    assert_eq!(
        crate::ber::oid_to_string(Phase::Cap3.ac()).unwrap(),
        "0.4.0.0.1.21.3.4"
    );
    // A MAP AC (0.4.0.0.1.0.5.3) is not CAP.
    assert_eq!(
        Phase::from_ac(&[0x04, 0x00, 0x00, 0x01, 0x00, 0x05, 0x03]),
        None
    );
    assert_eq!(Phase::from_ac(&[]), None);
}

#[test]
fn every_phase_ac_and_its_operations() {
    let want = [
        ("0.4.0.0.1.0.50.0", Phase::Cap1, AcKind::SsfToScf),
        ("0.4.0.0.1.0.50.1", Phase::Cap2, AcKind::SsfToScf),
        ("0.4.0.0.1.0.51.1", Phase::Cap2, AcKind::AssistHandoff),
        ("0.4.0.0.1.0.52.1", Phase::Cap2, AcKind::SrfToScf),
        ("0.4.0.0.1.21.3.4", Phase::Cap3, AcKind::SsfToScf),
        ("0.4.0.0.1.21.3.6", Phase::Cap3, AcKind::AssistHandoff),
        ("0.4.0.0.1.20.3.14", Phase::Cap3, AcKind::SrfToScf),
        ("0.4.0.0.1.23.3.4", Phase::Cap4, AcKind::SsfToScf),
        ("0.4.0.0.1.23.3.6", Phase::Cap4, AcKind::AssistHandoff),
        ("0.4.0.0.1.23.3.8", Phase::Cap4, AcKind::ScfInitiated),
        ("0.4.0.0.1.22.3.14", Phase::Cap4, AcKind::SrfToScf),
    ];
    assert_eq!(ac::ALL.len(), want.len());
    for (a, (text, phase, kind)) in ac::ALL.iter().zip(want) {
        assert_eq!(crate::ber::oid_to_string(a).unwrap(), text);
        assert_eq!(ac_info(a), Some((phase, kind)), "{text}");
        assert_eq!(Phase::from_ac(a), Some(phase), "{text}");
    }
    use opcode::*;
    assert!(Phase::Cap1.allows(CONNECT) && !Phase::Cap1.allows(APPLY_CHARGING));
    assert!(Phase::Cap2.allows(APPLY_CHARGING) && !Phase::Cap2.allows(CONTINUE_WITH_ARGUMENT));
    assert!(
        Phase::Cap3.allows(CONTINUE_WITH_ARGUMENT) && !Phase::Cap3.allows(INITIATE_CALL_ATTEMPT)
    );
    assert!(Phase::Cap4.allows(INITIATE_CALL_ATTEMPT) && Phase::Cap4.allows(ENTITY_RELEASED));
    assert!(!Phase::Cap4.allows(INITIAL_DP_SMS));
    assert!(Phase::ac_allows(
        ac::CAP_V4_SCF_GSMSSF_GENERIC,
        INITIATE_CALL_ATTEMPT
    ));
    assert!(!Phase::ac_allows(
        ac::CAP_V4_GSMSSF_SCF_GENERIC,
        INITIATE_CALL_ATTEMPT
    ));
    assert!(!Phase::ac_allows(ac::CAP_V2_GSMSRF_TO_GSMSCF, CONNECT));
    assert!(Phase::ac_allows(
        ac::CAP_V2_GSMSRF_TO_GSMSCF,
        PLAY_ANNOUNCEMENT
    ));
    assert!(!Phase::ac_allows(ac::CAP_V1_GSMSSF_TO_GSMSCF, RESET_TIMER));
}

#[test]
fn names() {
    assert_eq!(operation_name(opcode::INITIAL_DP), Some("initialDP"));
    assert_eq!(
        operation_name(opcode::REQUEST_REPORT_BCSM_EVENT),
        Some("requestReportBCSMEvent")
    );
    assert_eq!(operation_name(opcode::CONTINUE), Some("continue"));
    assert_eq!(
        operation_name(opcode::CONTINUE_WITH_ARGUMENT),
        Some("continueWithArgument")
    );
    assert_eq!(operation_name(opcode::ACTIVITY_TEST), Some("activityTest"));
    assert_eq!(operation_name(opcode::CANCEL), Some("cancel"));
    assert_eq!(operation_name(1), None);
    assert_eq!(EventTypeBcsm::T_ABANDON.to_string(), "tAbandon");
    assert_eq!(EventTypeBcsm(99).to_string(), "99");
    assert_eq!(format!("{:?}", EventTypeBcsm::O_ANSWER), "oAnswer(7)");
    assert!(!EventTypeBcsm::COLLECTED_INFO.is_terminating());
}
