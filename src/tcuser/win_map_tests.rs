use super::*;
use crate::ber::{from_hex, Tlv};
use crate::win::params::encoding;
use crate::win::{decode_result, Min, Mscid, WinCapability, P};

/// The worked TBusy example of WIN-INAP-NOTES.md: its parameter set (`f2 3b ...`).
const TBUSY_SET: &str = "f23b\
    81073940010112340095033940019f7b020c71\
    9f82170141\
    bf82180c9f8215037d7b1f9f8219010f\
    88051719325481\
    9f5009023021090758552101";

const BILLING: BillingId = BillingId {
    market_id: 14656,
    swno: 1,
    id_number: 70196,
    segment_counter: 0,
};
const BILLING_HEX: &str = "39400101123400";
const MIN: &str = "7191234518";
const CAP: WinCapability<'static> = WinCapability {
    trigger_capability: Some(&[0x7d, 0x7b, 0x1f]),
    win_operations_capability: Some(&[0x0f]),
};

fn d(s: &str) -> Digits<Isup> {
    s.parse().unwrap()
}

fn digits(type_of_digits: u8, nature: u8, s: &str) -> WinDigits {
    WinDigits {
        type_of_digits,
        nature,
        plan: plan::TELEPHONY,
        encoding: encoding::BCD,
        digits: d(s),
    }
}

fn dialled(s: &str) -> WinDigits {
    digits(digit_type::DIALED, 0, s)
}

fn calling(s: &str) -> WinDigits {
    digits(digit_type::CALLING_PARTY, 0, s)
}

/// National, telephony: what `party` makes of a national BCD number or a MIN.
fn national(s: &str) -> Party {
    Party {
        digits: s.into(),
        nature: 0,
        noa: NatureOfAddress::National,
        plan: plan::TELEPHONY,
        presentation: 0,
    }
}

/// The mandatory members of `op`'s argument (the trigger type `t` where it has one).
fn mandatory(op: Operation, t: u8) -> Params<'static> {
    let mut p = Params::default();
    for m in schema(op, Kind::Invoke).unwrap().mandatory {
        match m {
            P::BillingId => p.billing_id = Some(BILLING),
            P::Mscid => {
                p.mscid = Some(Mscid {
                    market_id: 14656,
                    swno: 1,
                })
            }
            P::TransactionCapability => p.transaction_capability = Some(&[0x0c, 0x71]),
            P::WinCapability => p.win_capability = Some(CAP),
            P::TriggerType => p.trigger_type = Some(t),
            P::Digits => p.digits = Some(dialled("8005551234")),
            P::Esn => p.esn = Some([1, 2, 3, 4]),
            P::Msid => p.min = Some(Min(d(MIN))),
            P::TimeOfDay => p.time_of_day = Some(360_000),
            P::TimeDateOffset => p.time_date_offset = Some(-300),
            other => panic!("no test value for {other:?}"),
        }
    }
    p
}

/// An Invoke's parameter set as the MSC would send it.
fn wire(op: Operation, params: Params<'_>) -> Vec<u8> {
    let mut out = Vec::new();
    WinMessage::invoke(op, params)
        .encode_parameter_to(&mut out)
        .unwrap();
    out
}

/// Decode an Invoke's parameter set with the codec, as the TC-user receives it.
fn received(op: Operation, bytes: &[u8]) -> WinMessage<'_> {
    WinMessage::decode_bytes(Kind::Invoke, op.code(), bytes).unwrap()
}

/// The trigger of `op` with `params`, sent through the codec and back.
fn trigger_of(op: Operation, params: Params<'_>) -> Trigger {
    let b = wire(op, params);
    trigger(&received(op, &b)).unwrap()
}

/// An answer's parameter set, encoded.
fn answered(r: &WinMessage<'_>) -> Vec<u8> {
    let mut out = Vec::new();
    r.encode_parameter_to(&mut out).unwrap();
    out
}

/// A result's parameter set decoded as the MSC would.
fn result_params(op: Operation, bytes: &[u8]) -> Params<'_> {
    decode_result(op, Some(Tlv::parse_single(bytes).unwrap()))
        .unwrap()
        .params
}

const SCP: PcSsn = PcSsn {
    kind: 0,
    point_code: 0x0a_0b_0c,
    ssn: 14,
};

const QUERIES: [Operation; 5] = [
    Operation::OriginationRequest,
    Operation::AnalyzedInformation,
    Operation::FacilitySelectedAndAvailable,
    Operation::TBusy,
    Operation::TNoAnswer,
];

#[test]
fn worked_tbusy_example_is_a_terminating_trigger() {
    let set = from_hex(TBUSY_SET).unwrap();
    let m = received(Operation::TBusy, &set);
    let t = trigger(&m).unwrap();
    assert_eq!(
        t,
        Trigger {
            protocol: Protocol::Win,
            version: "IS-771",
            direction: Direction::Terminating,
            trigger: "t-Busy",
            service_key: 65,
            // CallingPartyNumberDigits1, nature 0x30: national, presentation allowed,
            // network-provided screening (bits F-E), kept as received.
            calling: Some(Party {
                nature: 0x30,
                ..national("708555121")
            }),
            // TBusy has no dialled digits: the called party is the served mobile, its MIN.
            called: Some(national(MIN)),
            served: None,
            min: Some(MIN.into()),
            call_reference: Some(BILLING_HEX.into()),
            ..Default::default()
        }
    );
    assert_eq!(call_key(&m), Some(BILLING));
    assert_eq!(call_state(&m), None);
}

#[test]
fn origination_request_of_a_mobile() {
    let op = Operation::OriginationRequest;
    let params = Params {
        digits: Some(dialled("8005551234")),
        mobile_directory_number: Some(digits(0, 0, "2125550100")),
        imsi: Some(crate::win::Imsi(d("310150123456789").convert().unwrap())),
        msc_identification_number: Some(digits(0, 0, "2125550000")),
        serving_cell_id: Some(0x1234),
        location_area_id: Some(0x0567),
        ..mandatory(op, 0)
    };
    let t = trigger_of(op, params);
    assert_eq!(t.direction, Direction::Originating);
    // A TIA/EIA-41-D OriginationRequest has no TriggerType: the operation names it.
    assert_eq!((t.trigger, t.service_key), ("OriginationRequest", 0));
    // No calling number: the originating mobile, by its MDN (not the MIN).
    assert_eq!(t.calling, Some(national("2125550100")));
    assert_eq!(t.called, Some(national("8005551234")));
    assert_eq!(t.served, None);
    assert_eq!(t.imsi.as_deref(), Some("310150123456789"));
    assert_eq!(t.min.as_deref(), Some(MIN));
    assert_eq!(t.switch_address, Some(national("2125550000")));
    assert_eq!(
        t.location,
        Some(Location {
            lac: 0x0567,
            cell_id: 0x1234,
            ..Default::default()
        })
    );
    assert_eq!(t.call_reference.as_deref(), Some(BILLING_HEX));
    assert!(t.malformed.is_empty());

    // With IS-771's TriggerType, that names it.
    let params = Params {
        trigger_type: Some(trigger_type::ORIGINATION_ATTEMPT_AUTHORIZED),
        ..mandatory(op, 0)
    };
    let t = trigger_of(op, params);
    assert_eq!(
        (t.trigger, t.service_key, t.direction),
        ("origination-Attempt-Authorized", 36, Direction::Originating)
    );
    // Neither MDN nor calling number: the MIN is the calling mobile.
    assert_eq!(t.calling, Some(national(MIN)));
    assert_eq!(t.served, None);
    assert_eq!((t.imsi, t.location, t.switch_address), (None, None, None));
}

#[test]
fn served_mobile_apart_from_the_calling_number() {
    let op = Operation::AnalyzedInformation;
    let mdn = digits(0, 0, "2125550100");
    let base = mandatory(op, trigger_type::CALLING_ROUTING_ADDRESS_AVAILABLE);
    // CallingPartyNumberDigits1 other than the MDN: calling is it, the MDN is served.
    let t = trigger_of(
        op,
        Params {
            calling_party_number_digits1: Some(digits(
                2,
                nature::PRESENTATION_RESTRICTED,
                "2125550199",
            )),
            calling_party_number_digits2: Some(calling("2125550198")),
            mobile_directory_number: Some(mdn),
            ..base
        },
    );
    assert_eq!(t.direction, Direction::Originating);
    assert_eq!(t.trigger, "calling-Routing-Address-Available");
    assert_eq!(
        t.calling,
        Some(Party {
            nature: nature::PRESENTATION_RESTRICTED,
            presentation: 1,
            ..national("2125550199")
        })
    );
    assert_eq!(t.served.as_deref(), Some(&national("2125550100")));
    // The same number: nothing apart.
    let t = trigger_of(
        op,
        Params {
            calling_party_number_digits1: Some(calling("2125550100")),
            mobile_directory_number: Some(mdn),
            ..base
        },
    );
    assert_eq!(t.calling, Some(national("2125550100")));
    assert_eq!(t.served, None);
    // Digits2 when Digits1 is absent.
    let t = trigger_of(
        op,
        Params {
            calling_party_number_digits2: Some(calling("2125550198")),
            mobile_directory_number: Some(mdn),
            ..base
        },
    );
    assert_eq!(t.calling, Some(national("2125550198")));
    assert_eq!(t.served.as_deref(), Some(&national("2125550100")));
    // Without an MDN the MIN is the served mobile.
    let t = trigger_of(
        op,
        Params {
            calling_party_number_digits1: Some(calling("2125550199")),
            min: Some(Min(d(MIN))),
            ..base
        },
    );
    assert_eq!(t.served.as_deref(), Some(&national(MIN)));
}

#[test]
fn analyzed_information_takes_its_half_from_the_trigger_type() {
    let op = Operation::AnalyzedInformation;
    for (t, name) in [
        (1, "all-Calls"),
        (24, "local-Call"),
        (36, "origination-Attempt-Authorized"),
        (37, "calling-Routing-Address-Available"),
        (10, "a2-Digit"),
    ] {
        let tr = trigger_of(op, mandatory(op, t));
        assert_eq!((tr.direction, tr.trigger), (Direction::Originating, name));
    }
    for (t, name) in [
        (38, "initial-Termination"),
        (39, "called-Routing-Address-Available"),
        (32, "mobile-Termination"),
        (33, "advanced-Termination"),
        (65, "t-Busy"),
    ] {
        let tr = trigger_of(op, mandatory(op, t));
        assert_eq!((tr.direction, tr.trigger), (Direction::Terminating, name));
        assert_eq!(tr.service_key, u32::from(t));
    }
    // initial-Termination: the dialled digits are the called party; the calling number is
    // the caller's, and the called mobile (MDN) is served when the digits are not its.
    let t = trigger_of(
        op,
        Params {
            digits: Some(dialled("2125550111")),
            calling_party_number_digits1: Some(calling("3125550177")),
            mobile_directory_number: Some(digits(0, 0, "2125550100")),
            ..mandatory(op, trigger_type::INITIAL_TERMINATION)
        },
    );
    assert_eq!(t.called, Some(national("2125550111")));
    assert_eq!(t.calling, Some(national("3125550177")));
    assert_eq!(t.served.as_deref(), Some(&national("2125550100")));
    // ... and not when they are.
    let t = trigger_of(
        op,
        Params {
            digits: Some(dialled("2125550100")),
            mobile_directory_number: Some(digits(0, 0, "2125550100")),
            ..mandatory(op, trigger_type::INITIAL_TERMINATION)
        },
    );
    assert_eq!(t.served, None);
    // An unnamed trigger type: the operation's name.
    let t = trigger_of(op, mandatory(op, 200));
    assert_eq!(
        (t.trigger, t.direction),
        ("AnalyzedInformation", Direction::Originating)
    );
}

#[test]
fn terminating_queries_call_the_served_mobile() {
    let op = Operation::FacilitySelectedAndAvailable;
    let t = trigger_of(
        op,
        Params {
            calling_party_number_digits1: Some(calling("3125550177")),
            mobile_directory_number: Some(digits(0, 0, "2125550100")),
            min: Some(Min(d(MIN))),
            ..mandatory(op, trigger_type::TERMINATING_RESOURCE_AVAILABLE)
        },
    );
    assert_eq!(t.direction, Direction::Terminating);
    assert_eq!(t.trigger, "terminating-Resource-Available");
    assert_eq!(t.called, Some(national("2125550100")));
    assert_eq!(t.calling, Some(national("3125550177")));
    assert_eq!(t.served, None);

    let op = Operation::TNoAnswer;
    let t = trigger_of(
        op,
        Params {
            min: Some(Min(d(MIN))),
            redirecting_number_digits: Some(digits(0, 1, "441632960000")),
            ..mandatory(op, trigger_type::T_NO_ANSWER)
        },
    );
    assert_eq!(
        (t.direction, t.trigger),
        (Direction::Terminating, "t-No-Answer")
    );
    assert_eq!(t.called, Some(national(MIN)));
    // No calling number: a terminating trigger does not make the mobile the caller.
    assert_eq!(t.calling, None);
    assert_eq!(
        t.redirecting.as_deref(),
        Some(&Party {
            nature: 1,
            noa: NatureOfAddress::International,
            ..national("441632960000")
        })
    );
}

#[test]
fn nature_of_number_bits_and_plan() {
    let p = |nature, plan| {
        party(&WinDigits {
            plan,
            ..digits(2, nature, "123")
        })
    };
    let x = p(nature::INTERNATIONAL, plan::TELEPHONY);
    assert_eq!(
        (x.noa, x.presentation, x.nature, x.plan),
        (NatureOfAddress::International, 0, 1, 2)
    );
    let x = p(nature::PRESENTATION_RESTRICTED, plan::UNKNOWN);
    assert_eq!(
        (x.noa, x.presentation, x.plan),
        (NatureOfAddress::National, 1, 0)
    );
    let x = p(
        nature::PRESENTATION_RESTRICTED | nature::NOT_AVAILABLE,
        plan::PRIVATE,
    );
    assert_eq!(
        (x.noa, x.presentation, x.plan),
        (NatureOfAddress::National, 2, 7)
    );
    // Screening bits (F-E) stay in the wire value and change nothing else.
    let x = p(0x31, plan::ISDN);
    assert_eq!(
        (x.noa, x.presentation, x.nature, x.plan),
        (NatureOfAddress::International, 0, 0x31, 1)
    );
    assert_eq!(x.digits, "123");
}

#[test]
fn only_trigger_queries_are_triggers() {
    for op in Operation::ALL {
        let m = WinMessage::invoke(op, mandatory_or_default(op));
        assert_eq!(trigger(&m).is_some(), QUERIES.contains(&op), "{op:?}");
        // A result is no trigger, even of a query.
        let r = WinMessage::result(op, Params::default());
        assert_eq!(trigger(&r), None);
    }
}

fn mandatory_or_default(op: Operation) -> Params<'static> {
    if op == Operation::CallControlDirective {
        Params::default()
    } else {
        mandatory(op, 1)
    }
}

#[test]
fn reports_map_to_call_states() {
    let state = |op: Operation, release: Option<u8>, t: u8| {
        let b = wire(
            op,
            Params {
                release_cause: release,
                ..mandatory(op, t)
            },
        );
        call_state(&received(op, &b))
    };
    use trigger_type as tt;
    assert_eq!(
        state(Operation::OAnswer, None, tt::O_ANSWER),
        Some(CallState::Answered)
    );
    assert_eq!(
        state(Operation::TAnswer, None, tt::T_ANSWER),
        Some(CallState::Answered)
    );
    for (op, t) in [
        (Operation::ODisconnect, tt::O_DISCONNECT),
        (Operation::TDisconnect, tt::T_DISCONNECT),
    ] {
        assert_eq!(
            state(op, Some(1), t),
            Some(CallState::Disconnected(Some(16)))
        );
        assert_eq!(
            state(op, Some(2), t),
            Some(CallState::Disconnected(Some(16)))
        );
        assert_eq!(state(op, Some(3), t), Some(CallState::Disconnected(None)));
        assert_eq!(state(op, Some(0), t), Some(CallState::Disconnected(None)));
        assert_eq!(state(op, None, t), Some(CallState::Disconnected(None)));
    }
    let b = wire(
        Operation::OCalledPartyBusy,
        mandatory(Operation::OCalledPartyBusy, tt::O_CALLED_PARTY_BUSY),
    );
    assert_eq!(
        call_state(&received(Operation::OCalledPartyBusy, &b)),
        Some(CallState::Busy(None))
    );
    let b = wire(
        Operation::ONoAnswer,
        mandatory(Operation::ONoAnswer, tt::O_NO_ANSWER),
    );
    assert_eq!(
        call_state(&received(Operation::ONoAnswer, &b)),
        Some(CallState::NoAnswer)
    );
    for op in QUERIES.into_iter().chain([Operation::CallControlDirective]) {
        let m = WinMessage::invoke(op, mandatory_or_default(op));
        assert_eq!(call_state(&m), None, "{op:?}");
    }
}

#[test]
fn direction_of_each_operation() {
    use Direction::*;
    use Operation::*;
    for (op, dir) in [
        (OriginationRequest, Originating),
        (AnalyzedInformation, Originating),
        (FacilitySelectedAndAvailable, Terminating),
        (TBusy, Terminating),
        (TNoAnswer, Terminating),
        (OAnswer, Originating),
        (ODisconnect, Originating),
        (TAnswer, Terminating),
        (TDisconnect, Terminating),
        (OCalledPartyBusy, Originating),
        (ONoAnswer, Originating),
        (CallControlDirective, Unspecified),
    ] {
        assert_eq!(direction(op), dir, "{op:?}");
    }
    let ai = |t| WinMessage::invoke(AnalyzedInformation, mandatory(AnalyzedInformation, t));
    assert_eq!(message_direction(&ai(38)), Terminating);
    assert_eq!(message_direction(&ai(39)), Terminating);
    assert_eq!(message_direction(&ai(36)), Originating);
    assert_eq!(message_direction(&ai(37)), Originating);
    // Only AnalyzedInformation is refined: a TBusy stays terminating whatever it says.
    let m = WinMessage::invoke(TBusy, mandatory(TBusy, 36));
    assert_eq!(message_direction(&m), Terminating);
}

#[test]
fn call_key_ties_reports_to_their_query() {
    let q = WinMessage::invoke(
        Operation::OriginationRequest,
        mandatory(Operation::OriginationRequest, 0),
    );
    let later = BillingId {
        segment_counter: 3,
        ..BILLING
    };
    let b = wire(
        Operation::ODisconnect,
        Params {
            billing_id: Some(later),
            ..mandatory(Operation::ODisconnect, trigger_type::O_DISCONNECT)
        },
    );
    let r = received(Operation::ODisconnect, &b);
    assert_eq!(call_key(&q), Some(BILLING));
    assert_eq!(call_key(&r), call_key(&q));
    // Another call of the same MSC.
    let other = WinMessage::invoke(
        Operation::OAnswer,
        Params {
            billing_id: Some(BillingId {
                id_number: 70197,
                ..BILLING
            }),
            ..mandatory(Operation::OAnswer, trigger_type::O_ANSWER)
        },
    );
    assert_ne!(call_key(&other), call_key(&q));
    let none = WinMessage::invoke(Operation::CallControlDirective, Params::default());
    assert_eq!(call_key(&none), None);
}

#[test]
fn continue_is_the_empty_result() {
    for op in QUERIES {
        let q = WinMessage::invoke(op, mandatory(op, 1));
        let r = answer(&q, &Instruction::Continue, SCP).unwrap();
        assert_eq!((r.op, r.kind), (op, Kind::Result));
        let bytes = answered(&r);
        let p = result_params(op, &bytes);
        assert_eq!(bytes, [0xf2, 0x00]);
        assert_eq!(p, Params::default());
    }
}

#[test]
fn connect_routes_to_one_international_pstn_termination() {
    let to: crate::digits::Digits = "4930123456".parse().unwrap();
    for op in [
        Operation::OriginationRequest,
        Operation::AnalyzedInformation,
        Operation::TBusy,
        Operation::TNoAnswer,
    ] {
        let q = WinMessage::invoke(op, mandatory(op, 1));
        let bytes = answered(&answer(&q, &Instruction::Connect(to), SCP).unwrap());
        let p = result_params(op, &bytes);
        let list = p.termination_list.unwrap();
        let terms: Vec<_> = list.iter().collect();
        let [Termination::Pstn(pstn)] = terms[..] else {
            panic!("{op:?}: {terms:?}")
        };
        assert_eq!(
            pstn.destination_digits,
            WinDigits {
                type_of_digits: digit_type::DESTINATION,
                nature: nature::INTERNATIONAL,
                plan: plan::TELEPHONY,
                encoding: encoding::BCD,
                digits: d("4930123456"),
            }
        );
        assert_eq!(
            (
                pstn.routing_digits,
                pstn.carrier_digits,
                pstn.termination_triggers
            ),
            (None, None, None)
        );
        // Nothing else: no ActionCode, no modified Digits, no triggers.
        assert_eq!(
            Params {
                termination_list: None,
                ..p
            },
            Params::default()
        );
    }
    // FacilitySelectedAndAvailable's result has no TerminationList: refused, not dropped.
    let op = Operation::FacilitySelectedAndAvailable;
    let q = WinMessage::invoke(op, mandatory(op, 64));
    assert_eq!(
        answer(&q, &Instruction::Connect(to), SCP),
        Err(WinError::NotInOperation {
            op: "FacilitySelectedAndAvailable",
            member: "terminationList"
        })
    );
    // A symbol BCD DigitsType cannot carry.
    let q = WinMessage::invoke(Operation::TBusy, mandatory(Operation::TBusy, 65));
    let bad: crate::digits::Digits = "12b".parse().unwrap();
    assert!(matches!(
        answer(&q, &Instruction::Connect(bad), SCP),
        Err(WinError::Encode(_))
    ));
}

#[test]
fn release_disconnects_the_call() {
    for op in QUERIES {
        let q = WinMessage::invoke(op, mandatory(op, 1));
        let bytes = answered(&answer(&q, &Instruction::Release(31), SCP).unwrap());
        let p = result_params(op, &bytes);
        assert_eq!(
            p,
            Params {
                action_code: Some(2),
                ..Default::default()
            },
            "{op:?}"
        );
        // ActionCode [128] = 9f 81 00, "disconnect call".
        assert_eq!(bytes, [0xf2, 0x05, 0x9f, 0x81, 0x00, 0x01, 0x02][..]);
    }
}

#[test]
fn monitor_arms_answer_and_disconnect_of_the_half_call() {
    use Operation::*;
    let cases = [
        (OriginationRequest, 0, [40, 41]),
        (
            AnalyzedInformation,
            trigger_type::ORIGINATION_ATTEMPT_AUTHORIZED,
            [40, 41],
        ),
        (
            AnalyzedInformation,
            trigger_type::INITIAL_TERMINATION,
            [69, 70],
        ),
        (FacilitySelectedAndAvailable, 64, [69, 70]),
        (TBusy, 65, [69, 70]),
        (TNoAnswer, 66, [69, 70]),
        (OCalledPartyBusy, 42, [40, 41]),
        (ONoAnswer, 43, [40, 41]),
    ];
    for (op, t, want) in cases {
        let q = WinMessage::invoke(op, mandatory(op, t));
        let bytes = answered(&answer(&q, &Instruction::Monitor, SCP).unwrap());
        let p = result_params(op, &bytes);
        let tal = p.trigger_address_list.unwrap();
        assert_eq!(
            tal.first.destination,
            DestinationAddress::PcSsn(SCP),
            "{op:?}"
        );
        assert_eq!(tal.first.triggers.0, &want[..], "{op:?} {t}");
        assert_eq!(tal.second, None);
        // And nothing else: the call goes on with default processing.
        assert_eq!(
            Params {
                trigger_address_list: None,
                ..p
            },
            Params::default()
        );
    }
    // Whose result has no TriggerAddressList: plain continue.
    let q = WinMessage::invoke(ODisconnect, mandatory(ODisconnect, 41));
    let bytes = answered(&answer(&q, &Instruction::Monitor, SCP).unwrap());
    assert_eq!(bytes, [0xf2, 0x00]);
    // OAnswer has no result at all.
    let q = WinMessage::invoke(OAnswer, mandatory(OAnswer, 40));
    assert_eq!(
        answer(&q, &Instruction::Monitor, SCP),
        Err(WinError::NoResult("OAnswer"))
    );
    assert_eq!(scp_address(0x0a_0b_0c, 14), SCP);
}

#[test]
fn reports_are_answered_empty() {
    use Operation::*;
    for op in [ODisconnect, TDisconnect, OCalledPartyBusy, ONoAnswer] {
        let r = report_answer(op).unwrap();
        assert_eq!((r.op, r.kind), (op, Kind::Result));
        let bytes = answered(&r);
        let p = result_params(op, &bytes);
        assert_eq!(bytes, [0xf2, 0x00]);
        assert_eq!(p, Params::default());
    }
    assert_eq!(report_answer(OAnswer), None);
    assert_eq!(report_answer(TAnswer), None);
}

#[test]
fn trigger_type_names_match_the_codec_constants() {
    use trigger_type as tt;
    for (v, n) in [
        (tt::ALL_CALLS, "all-Calls"),
        (tt::LOCATION, "location"),
        (tt::O_ANSWER, "o-Answer"),
        (tt::O_DISCONNECT, "o-Disconnect"),
        (tt::O_CALLED_PARTY_BUSY, "o-Called-Party-Busy"),
        (tt::O_NO_ANSWER, "o-No-Answer"),
        (tt::T_NO_PAGE_RESPONSE, "t-No-Page-Response"),
        (tt::T_ROUTABLE, "t-Routable"),
        (tt::T_ANSWER, "t-Answer"),
        (tt::T_DISCONNECT, "t-Disconnect"),
        (23, "a15-Digit"),
    ] {
        assert_eq!(trigger_type_name(v), Some(n));
    }
    assert_eq!(trigger_type_name(0), None);
    assert_eq!(trigger_type_name(44), None);
    assert_eq!(trigger_type_name(71), None);
}
