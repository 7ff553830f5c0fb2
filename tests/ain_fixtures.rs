//! The annotated AIN fixtures (tests/ain/fixtures.rs, built by hand from GR-1299) decode
//! with scpd's AIN codec to the values their comments state, and re-encode to the same
//! octets. tests/ain_tshark.rs checks the same fixtures against tshark's `ain` dissector.

#[path = "ain/fixtures.rs"]
mod fixtures;

use fixtures::{bytes, ERROR_FIXTURES, FIXTURES};
use scpd::ain::params::{close_cause, error_cause, nature, plan};
use scpd::ain::{
    AinErrorReport, AinMessage, ArgumentForm, BearerCapability, GapInterval, Operation, UserId,
};

fn digits(d: &Option<scpd::ain::AinDigits>) -> &str {
    d.as_ref().expect("digits present").digits.as_str()
}

#[test]
fn every_operation_has_a_fixture() {
    for op in Operation::ALL {
        assert!(
            FIXTURES.iter().any(|f| f.op == op),
            "no fixture for {}",
            op.name()
        );
    }
}

#[test]
fn fixtures_decode_and_reencode_canonically() {
    for f in FIXTURES {
        let b = bytes(f.annotated);
        let m =
            AinMessage::decode_bytes(f.op.code(), &b).unwrap_or_else(|e| panic!("{}: {e}", f.name));
        assert_eq!(m.op, f.op, "{}", f.name);
        let expected_form = if b[0] == 0xf2 {
            ArgumentForm::Set
        } else {
            ArgumentForm::Sequence
        };
        assert_eq!(m.form, expected_form, "{}", f.name);
        let mut out = Vec::new();
        m.encode_parameter_to(&mut out).unwrap();
        assert_eq!(
            scpd::ber::hex(&out),
            scpd::ber::hex(&b),
            "{}: re-encoding differs",
            f.name
        );
    }
}

fn fixture(name: &str) -> AinMessage<'static> {
    let f = FIXTURES.iter().find(|f| f.name == name).unwrap();
    let b: &'static [u8] = Box::leak(bytes(f.annotated).into_boxed_slice());
    AinMessage::decode_bytes(f.op.code(), b).unwrap()
}

#[test]
fn fixture_values_are_what_the_comments_say() {
    let m = fixture("INFO_COLLECTED");
    let a = m.arg;
    assert_eq!(a.user_id.unwrap().dn().unwrap().as_str(), "2015550123");
    assert_eq!(a.bearer_capability, Some(BearerCapability::SPEECH));
    assert_eq!(digits(&a.charge_number), "2015550123");
    assert_eq!(digits(&a.lata), "224");
    assert_eq!(
        a.trigger_criteria_type.unwrap().name(),
        Some("offHookDelay")
    );
    let cg = a.calling_party_id.unwrap();
    assert_eq!(
        (cg.nature, cg.plan, cg.presentation, cg.screening),
        (nature::NATIONAL, plan::ISDN, 0, 3)
    );
    assert_eq!(digits(&a.collected_address_info), "7035551234");

    let a = fixture("INFO_ANALYZED").arg;
    assert_eq!(digits(&a.called_party_id), "7035551234");
    assert_eq!(a.charge_party_station_type, Some(0));
    let c = a.carrier.unwrap();
    assert_eq!((c.selection, c.nature, c.digits.as_str()), (2, 3, "0288"));
    assert_eq!(digits(&a.redirecting_party_id), "2015550100");
    let r = a.redirection_information.unwrap();
    assert_eq!(
        (
            r.original_reason,
            r.redirecting_indicator,
            r.reason,
            r.counter
        ),
        (1, 3, 2, 1)
    );

    let a = fixture("TERMINATION_ATTEMPT").arg;
    assert_eq!(a.user_id.unwrap().dn().unwrap().as_str(), "7035551234");
    assert_eq!(digits(&a.original_called_party_id), "7035550000");
    assert_eq!(
        a.trigger_criteria_type.unwrap().name(),
        Some("terminationAttempt")
    );

    let a = fixture("NETWORK_BUSY").arg;
    assert_eq!(a.user_id, Some(UserId::TrunkGroup(1234)));

    let m = fixture("O_ANSWER");
    assert!(m.is_notification());
    let m = fixture("O_DISCONNECT");
    assert!(!m.is_notification());
    assert_eq!(
        (m.arg.disconnect_cause, m.arg.leg_id, m.arg.point_in_call),
        (Some(0), Some(1), Some(9))
    );
    let b = fixture("O_CALLED_PARTY_BUSY").arg.busy_cause.unwrap();
    assert_eq!((b.location, b.value, b.diagnostic), (2, 17, None));
    let a = fixture("T_BUSY").arg;
    assert_eq!((a.busy_cause.unwrap().value, a.busy_type), (17, Some(0)));
    let a = fixture("TIMEOUT").arg;
    assert_eq!((a.bcm_type, a.point_in_call), (Some(0), Some(8)));
    assert_eq!(fixture("FAILURE_OUTCOME").arg.failure_cause, Some(19));
    let a = fixture("TERMINATION_NOTIFICATION").arg;
    assert_eq!(a.echo_data, Some([1, 2, 3, 4, 5, 6]));
    assert_eq!(a.termination_indicator, Some(1));
    assert_eq!(
        fixture("CLOSE_FROM_SSP").arg.close_cause,
        Some(close_cause::CALL_TERMINATED)
    );

    let a = fixture("ANALYZE_ROUTE").arg;
    assert_eq!(digits(&a.called_party_id), "7035551234");
    let o = a.outpulse_number.unwrap();
    assert_eq!(
        (o.nature, o.digits.as_str()),
        (nature::SUBSCRIBER, "5551234")
    );
    assert_eq!(a.primary_trunk_group, Some([0, 0x01, 0x23, 0x40, 0]));
    assert_eq!(a.primary_billing_indicator, Some([0, 3, 0, 1]));
    assert_eq!(digits(&a.ama_alternate_billing_number), "8005551000");
    assert_eq!(a.ama_slp_id.unwrap().0.as_str(), "123456789");
    let a = fixture("REQUEST_REPORT_BCM_EVENT").arg;
    use scpd::ain::EdpSet;
    assert_eq!(
        a.edp_request,
        Some(EdpSet(
            EdpSet::O_CALLED_PARTY_BUSY
                | EdpSet::O_NO_ANSWER
                | EdpSet::O_DISCONNECT
                | EdpSet::O_ABANDON
        ))
    );
    assert_eq!(a.edp_notification, Some(EdpSet(EdpSet::O_ANSWER)));
    assert_eq!(a.o_no_answer_timer, Some(30));
    let a = fixture("ACG").arg;
    assert_eq!(a.gap_interval, Some(GapInterval::National(5)));
    assert_eq!(a.global_title_address, Some(&[0x07, 0x53, 0x55][..]));
    assert_eq!(
        fixture("SET_TIMER").arg.ssp_response_message_timer_t1,
        Some(50)
    );
    assert_eq!(
        fixture("SEND_NOTIFICATION").arg.echo_data,
        Some([1, 2, 3, 4, 5, 6])
    );
}

#[test]
fn error_fixtures_decode_and_reencode() {
    for f in ERROR_FIXTURES {
        let b = bytes(f.annotated);
        let p = scpd::ber::Tlv::parse_single(&b).unwrap();
        let r = AinErrorReport::decode(f.code, &p).unwrap_or_else(|e| panic!("{}: {e}", f.name));
        assert_eq!(r.code(), f.code);
        let mut out = Vec::new();
        let mut w = scpd::ber::Writer::new(&mut out);
        w.constructed(scpd::ber::Tag::SEQUENCE, |w| r.encode_members(w).unwrap());
        assert_eq!(scpd::ber::hex(&out), scpd::ber::hex(&b), "{}", f.name);
        match (f.name, r) {
            ("APPLICATION_ERROR", AinErrorReport::ApplicationError(a)) => {
                assert_eq!(a.error_cause, error_cause::UNEXPECTED_MESSAGE);
                assert_eq!(
                    a.failed_message.unwrap().op_code,
                    i64::from(Operation::AnalyzeRoute.code())
                );
            }
            ("FAILURE_REPORT", AinErrorReport::FailureReport(f)) => {
                assert_eq!(f.failure_cause, 3)
            }
            (n, r) => panic!("{n}: {r:?}"),
        }
    }
}

#[test]
fn truncated_fixtures_are_typed_errors() {
    // Every strict prefix of every fixture is refused (or, cut at a member boundary with
    // the mandatory members intact, decodes to fewer members), never a panic.
    for f in FIXTURES {
        let b = bytes(f.annotated);
        for cut in 1..b.len() {
            let mut t = b[..cut].to_vec();
            if t.len() >= 2 {
                t[1] = (t.len() - 2) as u8; // keep the outer length consistent
            }
            let _ = AinMessage::decode_bytes(f.op.code(), &t);
        }
        let _ = AinMessage::decode_bytes(f.op.code(), &b[..b.len() - 1]).unwrap_err();
    }
}
