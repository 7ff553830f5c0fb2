use super::params::{close_cause, error_cause, plan};
use super::*;
use crate::ber::{from_hex, hex};
use crate::tcuser::ain_map as map;

fn dn(s: &str) -> UserId<'static> {
    UserId::Dn(s.parse().unwrap())
}

fn encode(m: &AinMessage<'_>) -> Vec<u8> {
    let mut out = Vec::new();
    m.encode_parameter_to(&mut out).unwrap();
    out
}

#[test]
fn info_analyzed_in_both_argument_forms() {
    // userID dn 2015550123, bearerCapability speech, calledPartyID national 7035551234,
    // triggerCriteriaType npaNXXXXXX (8), callingPartyID national 2015550123.
    let members = "bf350781050251551032\
                   8d0100\
                   8f0703100753552143\
                   9f340108\
                   920703130251551032";
    for (lead, form) in [("30", ArgumentForm::Sequence), ("f2", ArgumentForm::Set)] {
        let bytes = from_hex(&format!("{lead}{:02x}{members}", members.len() / 2)).unwrap();
        let m = AinMessage::decode_bytes(opcode::INFO_ANALYZED, &bytes).unwrap();
        assert_eq!(m.op, Operation::InfoAnalyzed);
        assert_eq!(m.form, form);
        assert_eq!(m.arg.user_id.unwrap().dn().unwrap().as_str(), "2015550123");
        assert_eq!(m.arg.bearer_capability, Some(BearerCapability::SPEECH));
        let called = m.arg.called_party_id.unwrap();
        assert_eq!((called.nature, called.plan), (3, plan::ISDN));
        assert_eq!(called.digits.as_str(), "7035551234");
        assert_eq!(
            m.arg.trigger_criteria_type.unwrap().name(),
            Some("npaNXXXXXX")
        );
        assert_eq!(
            m.arg.calling_party_id.unwrap().digits.as_str(),
            "2015550123"
        );
        // Canonical input re-encodes to the same bytes, in its own form.
        assert_eq!(hex(&encode(&m)), hex(&bytes));
    }
}

#[test]
fn mandatory_members_and_foreign_members_are_refused() {
    // Info_Analyzed without bearerCapability.
    let bytes = from_hex("300abf350781050251551032").unwrap();
    let e = AinMessage::decode_bytes(opcode::INFO_ANALYZED, &bytes).unwrap_err();
    assert_eq!(
        e,
        AinError::Missing {
            op: "info-Analyzed",
            member: "bearerCapability"
        }
    );
    assert_eq!(
        e.problem(),
        crate::tcap::ansi::Problem::INVOKE_INCORRECT_PARAMETER
    );
    // Analyze_Route carrying an EDPRequest: not one of its members.
    let mut m = analyze_route(AinDigits::national("7035551234".parse().unwrap()));
    m.arg.edp_request = Some(EdpSet(EdpSet::O_ANSWER));
    assert_eq!(
        m.encode_parameter_to(&mut Vec::new()).unwrap_err(),
        AinError::NotInOperation {
            op: "analyze-Route",
            member: "eDPRequest"
        }
    );
    // Duplicates and unknown operations.
    let bytes = from_hex("30068d01008d0100").unwrap();
    assert!(matches!(
        AinMessage::decode_bytes(opcode::CLOSE, &bytes),
        Err(AinError::Decode(_))
    ));
    let e = ain(crate::tcap::ansi::OpCode::Private(0x6401), None).unwrap_err();
    assert_eq!(
        e.problem(),
        crate::tcap::ansi::Problem::INVOKE_UNRECOGNIZED_OPERATION
    );
    // Members scpd does not model are skipped: GenericAddressList [107] in Info_Analyzed.
    let bytes = from_hex("3010bf3507810502515510328d0100bf6b00").unwrap();
    assert!(AinMessage::decode_bytes(opcode::INFO_ANALYZED, &bytes).is_ok());
}

#[test]
fn answers_encode_in_asn1_order() {
    let mut m = analyze_route(AinDigits::national("7035551234".parse().unwrap()));
    m.arg.ama_slp_id = Some(AmaSlpId("123456789".parse().unwrap()));
    m.arg.charge_number = Some(AinDigits::national("2015550123".parse().unwrap()));
    // chargeNumber [19] before calledPartyID [15] before aMAslpID [10]: ASN.1 order, not tag
    // order.
    assert_eq!(
        hex(&encode(&m)),
        "3019930703100251551032\
         8f0703100753552143\
         8a052143658709"
            .replace(' ', "")
    );
    let (req, note) = map::monitor_edps(crate::service::Direction::Originating);
    let m = request_report_bcm_event(req, note);
    // EDPRequest {oCalledPartyBusy, oNoAnswer, oDisconnect, oAbandon}: bits 0,1,11,12 →
    // 03 c0 18 00; EDPNotification {oAnswer} → 03 10 00 00 (all 21 bits, 3 unused).
    assert_eq!(hex(&encode(&m)), "300e9f5c0403c018009f5d0403100000");
    assert_eq!(
        hex(&encode(&close(close_cause::CALL_TERMINATED))),
        "30049f480100"
    );
}

#[test]
fn errors_round_trip() {
    let r = application_error(error_cause::UNEXPECTED_MESSAGE, Some(Operation::OAnswer));
    let mut out = Vec::new();
    return_error(&mut Writer::new(&mut out), 3, &r, ArgumentForm::Sequence).unwrap();
    // ReturnError, component id 3, private error 1, SEQUENCE { [55] { [56] 4, [57] { 640b } } }
    assert_eq!(
        hex(&out),
        "eb16cf0103d40101300ebf370b9f380104bf39040202640b"
    );
    let pkg = wrap(&out);
    let m = crate::tcap::ansi::AnsiMessage::decode(&pkg).unwrap();
    let c = m.components().next().unwrap().unwrap();
    let crate::tcap::ansi::AnsiComponent::ReturnError {
        error, parameter, ..
    } = c
    else {
        panic!("{c:?}")
    };
    assert_eq!(decode_error(error, parameter).unwrap(), r);
    let f = failure_report(19);
    out.clear();
    return_error(&mut Writer::new(&mut out), 1, &f, ArgumentForm::Set).unwrap();
    assert_eq!(hex(&out), "eb0ccf0101d40102f2049f200113");
}

/// A Response package around one component, for decoding it with the ANSI TCAP layer.
fn wrap(component: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    crate::tcap::ansi::encode(
        &mut out,
        crate::tcap::ansi::PackageType::Response,
        crate::tcap::ansi::TransactionIds {
            originating: None,
            responding: Some([1, 2, 3, 4]),
        },
        None,
        |w| w.raw(component),
    );
    out
}

#[test]
fn service_mapping() {
    let m = AinMessage::new(
        Operation::TerminationAttempt,
        Arg {
            user_id: Some(dn("2015550123")),
            bearer_capability: Some(BearerCapability::SPEECH),
            calling_party_id: Some(AinDigits::national("7035550000".parse().unwrap())),
            ..Default::default()
        },
    )
    .with_form(ArgumentForm::Set);
    let t = map::trigger(&m, crate::ain::Release::V0_1).unwrap();
    assert_eq!(t.direction, crate::service::Direction::Terminating);
    assert_eq!(t.called.unwrap().digits.as_str(), "2015550123");
    assert_eq!(t.calling.unwrap().digits.as_str(), "7035550000");
    assert_eq!(t.version, "AIN 0.1");
    let served = t.served.as_ref().unwrap();
    assert_eq!(served.digits.as_str(), "2015550123");
    let a = map::answer(
        &m,
        &crate::service::Instruction::Connect("8005551000".parse().unwrap()),
    )
    .unwrap();
    assert_eq!(a.op, Operation::ForwardCall);
    assert_eq!(a.form, ArgumentForm::Set);
    assert_eq!(a.arg.called_party_id.unwrap().digits.as_str(), "8005551000");
    let ev = AinMessage::new(
        Operation::TBusy,
        Arg {
            busy_cause: Some(Cause {
                value: 17,
                ..Default::default()
            }),
            ..Default::default()
        },
    );
    assert_eq!(
        map::call_state(&ev),
        Some(crate::service::CallState::Busy(Some(17)))
    );
    assert!(map::trigger(&ev, crate::ain::Release::V0_2).is_none());
}

// ---------------------------------------------------------------------------------------
// Generated arguments for every operation: round trips and the fuzz corpus.

pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn byte(&mut self) -> u8 {
        self.next() as u8
    }
    fn digits(&mut self, min: usize, max: usize) -> crate::digits::Digits<crate::digits::Isup> {
        const S: &[u8] = b"0123456789a*#de";
        let n = min + self.below((max - min + 1) as u64) as usize;
        let s: String = (0..n)
            .map(|_| S[self.below(S.len() as u64) as usize] as char)
            .collect();
        s.parse().unwrap()
    }
    fn ain_digits(&mut self) -> AinDigits {
        AinDigits {
            nature: self.byte() & 0x7f,
            plan: self.byte() & 7,
            presentation: self.byte() & 3,
            screening: self.byte() & 3,
            digits: self.digits(0, 24),
        }
    }
}

const EXT: &[u8] = &[0x06, 0x03, 0x2a, 0x86, 0x48, 0x02, 0x01, 0x05];
const AMP2: &[u8] = &[0x81, 0x03, 0x01, 0x02, 0x03];

/// A random valid argument of `op`: every mandatory member, each optional one with
/// probability 1/2.
pub(crate) fn random_arg(op: Operation, rng: &mut Rng) -> Arg<'static> {
    let s = schema(op);
    let mut a = Arg::default();
    for p in s.order {
        if !s.mandatory.contains(p) && rng.below(2) == 0 {
            continue;
        }
        let b = rng.byte();
        match p {
            P::UserId => {
                a.user_id = Some(match rng.below(5) {
                    0 => UserId::Dn(rng.digits(10, 10)),
                    1 => UserId::Bri {
                        spid: b"201555012301",
                        dn: rng.digits(10, 10),
                    },
                    2 => UserId::TrunkGroup(rng.below(10000) as u16),
                    3 => UserId::PrivateFacility(rng.below(10000) as u16),
                    _ => UserId::AdsiCpe([b, 1, 2, 3]),
                })
            }
            P::BearerCapability => a.bearer_capability = Some(BearerCapability(b % 7)),
            P::CalledPartyId => a.called_party_id = Some(rng.ain_digits()),
            P::CalledPartyStationType => a.called_party_station_type = Some(b % 100),
            P::CallingPartyBgid => a.calling_party_bgid = Some(&[1, 2, 3, 4, 5, 6, 7]),
            P::CallingPartyId => a.calling_party_id = Some(rng.ain_digits()),
            P::ChargeNumber => a.charge_number = Some(rng.ain_digits()),
            P::ChargePartyStationType => a.charge_party_station_type = Some(b % 100),
            P::AccessCode => a.access_code = Some(rng.ain_digits()),
            P::AcgEncountered => a.acg_encountered = Some(b),
            P::CollectedAddressInfo => a.collected_address_info = Some(rng.ain_digits()),
            P::CollectedDigits => a.collected_digits = Some(rng.ain_digits()),
            P::VerticalServiceCode => a.vertical_service_code = Some(rng.ain_digits()),
            P::Tcm => a.tcm = Some(rng.ain_digits()),
            P::Lata => a.lata = Some(rng.ain_digits()),
            P::Carrier => {
                a.carrier = Some(Carrier {
                    selection: b,
                    nature: rng.byte() & 0x0f,
                    digits: rng.digits(0, 15),
                })
            }
            P::TriggerCriteriaType => a.trigger_criteria_type = Some(TriggerCriteriaType(b % 51)),
            P::OriginalCalledPartyId => a.original_called_party_id = Some(rng.ain_digits()),
            P::RedirectingPartyId => a.redirecting_party_id = Some(rng.ain_digits()),
            P::RedirectionInformation => {
                a.redirection_information = Some(RedirectionInformation {
                    redirecting_indicator: b & 7,
                    original_reason: b >> 4,
                    counter: rng.byte() & 7,
                    reason: rng.byte() >> 4,
                })
            }
            P::GenericName => a.generic_name = Some(b"\x01Smith"),
            P::Amp1 => a.amp1 = Some(&[1, 2, 3, 4, 5, 6]),
            P::Amp2 => a.amp2 = Some(AMP2),
            P::Sap => a.sap = Some(&[9]),
            P::StrConnection => a.str_connection = Some(b & 1 == 0),
            P::CtrConnection => a.ctr_connection = Some(b & 1 == 1),
            P::AmaSequenceNumber => a.ama_sequence_number = Some([b, 7]),
            P::ExtensionParameter => a.extension_parameter = Some(EXT),
            P::NotificationIndicator => a.notification_indicator = Some(b & 1 == 1),
            P::BusyCause => {
                a.busy_cause = Some(Cause {
                    coding_standard: b & 3,
                    location: b >> 4,
                    value: rng.byte() & 0x7f,
                    diagnostic: (b & 4 != 0).then_some(rng.byte()),
                })
            }
            P::BusyType => a.busy_type = Some(b & 1),
            P::DisconnectCause => a.disconnect_cause = Some(0),
            P::LegId => a.leg_id = Some(b % 3),
            P::CcId => a.cc_id = Some(b % 13),
            P::BcmType => a.bcm_type = Some(b & 1),
            P::PointInCall => a.point_in_call = Some(1 + b % 17),
            P::FailureCause => a.failure_cause = Some(b),
            P::CloseCause => a.close_cause = Some(b % 6),
            P::OutpulseNumber => a.outpulse_number = Some(rng.ain_digits()),
            P::PrimaryTrunkGroup => a.primary_trunk_group = Some([b, 1, 2, 3, 4]),
            P::PassiveLegTreatment => a.passive_leg_treatment = Some(b),
            P::ControllingLegTreatment => a.controlling_leg_treatment = Some(b),
            P::PrimaryBillingIndicator => a.primary_billing_indicator = Some([0, 3, 0, b]),
            P::AmaAlternateBillingNumber => a.ama_alternate_billing_number = Some(rng.ain_digits()),
            P::AmaBusinessCustomerId => a.ama_business_customer_id = Some(rng.ain_digits()),
            P::AmaSlpId => a.ama_slp_id = Some(AmaSlpId(rng.digits(9, 9))),
            P::EdpRequest => a.edp_request = Some(EdpSet(rng.below(1 << 21) as u32)),
            P::EdpNotification => a.edp_notification = Some(EdpSet(rng.below(1 << 21) as u32)),
            P::ONoAnswerTimer => a.o_no_answer_timer = Some(1 + b % 120),
            P::TNoAnswerTimer => a.t_no_answer_timer = Some(1 + b % 120),
            P::TimeoutTimer => {
                a.timeout_timer = Some(match b % 3 {
                    0 => TimeoutTimer::Interval(1 + rng.below(86400) as u32),
                    1 => TimeoutTimer::LocalSspTime([b; 7]),
                    _ => TimeoutTimer::AbsoluteScpTime([1, 2, 3, 4, 5, 6, b]),
                })
            }
            P::EchoData => a.echo_data = Some([b, 1, 2, 3, 4, 5]),
            P::TerminationIndicator => a.termination_indicator = Some(b),
            P::ConnectTime => a.connect_time = Some([b, 0, 1, 2, 3]),
            P::ControlCauseIndicator => a.control_cause_indicator = Some(b),
            P::GapDuration => a.gap_duration = Some(1 + b % 13),
            P::GapInterval => {
                a.gap_interval = Some(if b & 1 == 0 {
                    GapInterval::National(b % 16)
                } else {
                    GapInterval::Private(b % 22)
                })
            }
            P::TranslationType => a.translation_type = Some(b),
            P::GlobalTitleAddress => a.global_title_address = Some(&[0x70, 0x35, 0x55]),
            P::SspResponseMessageTimerT1 => {
                a.ssp_response_message_timer_t1 = Some(1 + rng.below(300) as u16)
            }
        }
    }
    a
}

proptest::proptest! {
    #[test]
    fn every_operation_round_trips(seed in 1u64.., which in 0usize..Operation::ALL.len(), set_form: bool) {
        let op = Operation::ALL[which];
        let mut rng = Rng(seed);
        let form = if set_form { ArgumentForm::Set } else { ArgumentForm::Sequence };
        let m = AinMessage::new(op, random_arg(op, &mut rng)).with_form(form);
        let mut out = Vec::new();
        m.encode_parameter_to(&mut out).unwrap();
        let back = AinMessage::decode_bytes(op.code(), &out).unwrap();
        proptest::prop_assert_eq!(back, m);
        // And the whole invoke through the ANSI TCAP layer.
        let mut comp = Vec::new();
        m.invoke(&mut Writer::new(&mut comp), true, Some(1), None).unwrap();
        let pkg = wrap(&comp);
        let t = crate::tcap::ansi::AnsiMessage::decode(&pkg).unwrap();
        let Some(Ok(crate::tcap::ansi::AnsiComponent::Invoke { opcode, parameter, .. })) =
            t.components().next() else { panic!() };
        proptest::prop_assert_eq!(ain(opcode, parameter).unwrap(), m);
    }

    #[test]
    fn errors_round_trip_prop(cause in 0u8..7, op in 0usize..Operation::ALL.len(), fc: u8, data: bool) {
        let a = application_error(cause, Some(Operation::ALL[op]));
        let f = AinErrorReport::FailureReport(FailureReport {
            failure_cause: fc,
            failure_cause_data: data.then_some(&[1, 2][..]),
            extension: data.then_some(EXT),
        });
        for r in [a, f] {
            let mut out = Vec::new();
            return_error(&mut Writer::new(&mut out), 7, &r, ArgumentForm::Sequence).unwrap();
            let pkg = wrap(&out);
            let t = crate::tcap::ansi::AnsiMessage::decode(&pkg).unwrap();
            let Some(Ok(crate::tcap::ansi::AnsiComponent::ReturnError { error, parameter, .. })) =
                t.components().next() else { panic!() };
            proptest::prop_assert_eq!(decode_error(error, parameter).unwrap(), r);
        }
    }
}

/// Bounded fuzzing of the AIN decoder (CI runs `cargo test -- fuzz::`): hostile input gives
/// typed errors, never a panic.
mod fuzz {
    use super::*;

    fn decode_all(buf: &[u8]) {
        for op in Operation::ALL {
            let _ = AinMessage::decode_bytes(op.code(), buf);
        }
        for code in [1, 2, 3] {
            if let Ok(p) = crate::ber::Tlv::parse_single(buf) {
                let _ = AinErrorReport::decode(code, &p);
            }
        }
    }

    #[test]
    fn random_bytes_never_panic() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        for _ in 0..20_000 {
            let n = rng.below(64) as usize;
            let mut buf: Vec<u8> = (0..n).map(|_| rng.byte()).collect();
            // Half of them look like an argument, so the member decoders are reached.
            if rng.below(2) == 0 && buf.len() >= 2 {
                buf[0] = 0x30;
                buf[1] = (buf.len() - 2) as u8;
            }
            decode_all(&buf);
        }
    }

    #[test]
    fn mutated_never_panic() {
        let mut rng = Rng(0x5eed_a1b2_c3d4_e5f6);
        for i in 0..20_000 {
            let op = Operation::ALL[i % Operation::ALL.len()];
            let m = AinMessage::new(op, random_arg(op, &mut rng));
            let mut buf = Vec::new();
            m.encode_parameter_to(&mut buf).unwrap();
            for _ in 0..1 + rng.below(4) {
                let at = rng.below(buf.len() as u64) as usize;
                match rng.below(3) {
                    0 => buf[at] = rng.byte(),
                    1 => buf[at] ^= 1 << rng.below(8),
                    _ => buf.truncate(at.max(1)),
                }
            }
            decode_all(&buf);
        }
    }
}

/// Every modelled parameter has a tag, so that a malformed one is noted by its name.
#[test]
fn every_parameter_is_found_by_its_tag() {
    for p in P::ALL {
        assert!((0..256).any(|n| P::of_tag(n) == Some(p)), "{p:?}");
    }
    assert_eq!(P::of_tag(params::tag::CHARGE_NUMBER), Some(P::ChargeNumber));
    assert_eq!(P::of_tag(255), None);
}

/// Issue 14: lenient decoding keeps the call (the rest of the argument) and notes the
/// malformed optional parameter; the strict decoder still refuses it.
#[test]
fn a_malformed_optional_parameter_is_noted_not_fatal() {
    // Info_Analyzed: userID DN 2015551023, bearerCapability 0, chargeNumber [19] one octet.
    let bytes = from_hex(
        "3010bf350781050251551032 8d0100 930101"
            .replace(' ', "")
            .as_str(),
    )
    .unwrap();
    let p = crate::ber::Tlv::parse_single(&bytes).unwrap();
    let mut bad = Vec::new();
    let m = ain_lenient(
        crate::tcap::ansi::OpCode::Private(opcode::INFO_ANALYZED),
        Some(p),
        &mut bad,
    )
    .unwrap();
    assert!(m.arg.user_id.is_some() && m.arg.charge_number.is_none());
    let [n] = &bad[..] else { panic!("{bad:?}") };
    assert_eq!((n.member, n.raw), ("chargeNumber", &bytes[15..]));
    assert!(AinMessage::decode_bytes(opcode::INFO_ANALYZED, &bytes).is_err());
}
