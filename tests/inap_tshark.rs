//! Issue 16 acceptance: every INAP CS-1 argument scpd encodes round-trips through its own
//! decoder, and tshark (Wireshark's `inap` dissector, an independent decoder built from the
//! Q.1248 ASN.1, a superset with CS-1's tags) shows each one as the intended operation with
//! the values we put in, and no malformed-packet, expert error or warning.
//!
//! Each argument goes in a TC-BEGIN with the Core INAP CS-1 SSP-to-SCP AC (0.4.0.1.1.1.0.0,
//! which Wireshark maps to `inap`), in a pcap of link type 147 (DLT_USER0 mapped to `tcap`,
//! see shared/PYCRATE-NOTES.md). Errors go in a ReturnError of a TC-END. pycrate has no INAP
//! module, so tshark is the oracle here.

mod common;
use scpd::ber::{Tag, Writer};
use scpd::camel::numbers::nature;
use scpd::camel::RequestedInformation;
use scpd::camel::{CapError, RequestedInformationValue};
use scpd::inap::*;
use scpd::tcap::itu::{self, DialogueOut, MessageType};

type Enc = Box<dyn Fn(&mut Writer<'_>)>;

fn num(d: &str) -> IsupNumber {
    IsupNumber::e164(nature::INTERNATIONAL, d.parse().unwrap())
}

/// What tshark must show for one sample: its opcode and argument type, and lines of the
/// dissection that carry the values we encoded.
struct Sample {
    op: u32,
    arg_type: &'static str,
    shows: Vec<&'static str>,
    enc: Enc,
    /// Decodes what `enc` wrote and encodes it again (the round trip).
    again: fn(&[u8]) -> Vec<u8>,
}

fn reenc<T>(decoded: scpd::ber::Result<T>, f: impl Fn(&T, &mut Writer<'_>)) -> Vec<u8> {
    let v = decoded.expect("our decoder takes our encoding");
    let mut out = Vec::new();
    f(&v, &mut Writer::new(&mut out));
    out
}

fn samples() -> Vec<Sample> {
    let mut out = Vec::new();
    let idp = InitialDpArg {
        service_key: 100,
        called_party_number: Some(num("31201234567")),
        calling_party_number: Some(num("31207654321")),
        calling_partys_category: Some(0x0a),
        cg_encountered: Some(0),
        ip_ssp_capabilities: Some(&[0x01]),
        ip_available: Some(&[0x01]),
        location_number: Some(num("312055")),
        original_called_party_id: Some(num("31201111111")),
        trigger_type: Some(33),
        high_layer_compatibility: Some(&[0x91, 0x81]),
        service_interaction_indicators: Some(&[0x01, 0x02]),
        additional_calling_party_number: Some(&[0x06, 0x04, 0x13, 0x21, 0x43, 0x65]),
        forward_call_indicators: Some(&[0x60, 0x01]),
        bearer_capability: Some(&[0x80, 0x03, 0x80, 0x90, 0xa3]),
        event_type_bcsm: Some(EventTypeBcsm::TERM_ATTEMPT_AUTHORIZED),
        redirecting_party_id: Some(num("31202222222")),
        redirection_information: Some(&[0x23, 0x31]),
        ..Default::default()
    };
    out.push(Sample {
        op: opcode::INITIAL_DP,
        arg_type: "InitialDPArg",
        shows: vec![
            "serviceKey: 100",
            "Called Party Number: 31201234567",
            "Calling Party Number: 31207654321",
            "callingPartysCategory: ordinary calling subscriber (10)",
            "cGEncountered: noCGencountered (0)",
            "iPSSPCapabilities: 01",
            "iPAvailable: 01",
            "Original Called Number: 31201111111",
            "triggerType: termAttemptAuthorized (33)",
            "forwardCallIndicators: 6001",
            "eventTypeBCSM: termAttemptAuthorized (12)",
            "Redirecting Number: 31202222222",
        ],
        enc: Box::new(move |w| idp.encode(w)),
        again: |b| reenc(InitialDpArg::decode_bytes(b), |a, w| a.encode(w)),
    });
    let mut connect = ConnectArg::to(num("31209876543"));
    connect.alerting_pattern = Some(&[0, 0, 1]);
    connect.cut_and_paste = Some(2);
    connect.original_called_party_id = Some(num("31201111111"));
    connect.service_interaction_indicators = Some(&[0x01]);
    connect.calling_party_number = Some(num("31205555555"));
    connect.calling_partys_category = Some(0x0a);
    connect.redirecting_party_id = Some(num("31206666666"));
    connect.redirection_information = Some(&[0x23, 0x31]);
    out.push(Sample {
        op: opcode::CONNECT,
        arg_type: "ConnectArg",
        shows: vec![
            "Called Party Number: 31209876543",
            "cutAndPaste: 2",
            "Original Called Number: 31201111111",
            "Calling Party Number: 31205555555",
            "Redirecting Number: 31206666666",
            // tshark 4.0 shows Connect's [28] octet shifted right by one (0x0a as 5, 0x0c
            // as 6; InitialDP's [5] right): present, its value not checked.
            "callingPartysCategory: ",
        ],
        enc: Box::new(move |w| connect.encode(w)),
        again: |b| reenc(ConnectArg::decode_bytes(b), |a, w| a.encode(w)),
    });
    out.push(Sample {
        op: opcode::RELEASE_CALL,
        arg_type: "ReleaseCallArg",
        shows: vec!["Cause indicator: Normal call clearing (16)"],
        enc: Box::new(|w| ReleaseCallArg::AllCallSegments(Cause::new(4, 16)).encode(w)),
        again: |b| reenc(ReleaseCallArg::decode_bytes(b), |a, w| a.encode(w)),
    });
    out.push(Sample {
        op: opcode::REQUEST_REPORT_BCSM_EVENT,
        arg_type: "RequestReportBCSMEventArg",
        shows: vec![
            "eventTypeBCSM: oAnswer (7)",
            "eventTypeBCSM: oDisconnect (9)",
            "monitorMode: notifyAndContinue (1)",
            "monitorMode: interrupted (0)",
            "sendingSideID: 02",
        ],
        enc: Box::new(|w| {
            let leg = |l| Some(LegId::SendingSide(LegType(l)));
            let evs = [
                BcsmEvent::new(
                    EventTypeBcsm::O_ANSWER,
                    MonitorMode::NotifyAndContinue,
                    leg(2),
                ),
                BcsmEvent::new(
                    EventTypeBcsm::O_DISCONNECT,
                    MonitorMode::Interrupted,
                    leg(1),
                ),
                BcsmEvent::new(
                    EventTypeBcsm::O_DISCONNECT,
                    MonitorMode::Interrupted,
                    leg(2),
                ),
            ];
            RequestReportBcsmEventArg::encode_events(&evs, None, w)
        }),
        again: |b| {
            reenc(RequestReportBcsmEventArg::decode_bytes(b), |a, w| {
                a.encode(w)
            })
        },
    });
    out.push(Sample {
        op: opcode::EVENT_REPORT_BCSM,
        arg_type: "EventReportBCSMArg",
        shows: vec![
            "eventTypeBCSM: oDisconnect (9)",
            "Cause indicator: Normal call clearing (16)",
            "receivingSideID: 01",
            "messageType: notification (1)",
        ],
        enc: Box::new(|w| {
            let mut er = EventReportBcsmArg::new(EventTypeBcsm::O_DISCONNECT, LegType::LEG1);
            er.event_specific_information = Some(EventSpecificInfo::ODisconnect {
                release_cause: Some(Cause::new(4, 16)),
            });
            er.misc_call_info = Some(MiscCallInfo::NOTIFICATION);
            er.encode(w)
        }),
        again: |b| reenc(EventReportBcsmArg::decode_bytes(b), |a, w| a.encode(w)),
    });
    out.push(Sample {
        op: opcode::APPLY_CHARGING,
        arg_type: "ApplyChargingArg",
        shows: vec![
            "aChBillingChargingCharacteristics: 0102",
            "sendingSideID: 01",
        ],
        enc: Box::new(|w| {
            ApplyChargingArg {
                ach_billing_charging_characteristics: &[0x01, 0x02],
                // sendCalculationToSCPIndication [1] is ETSI CS-1's; Q.1248 (tshark's
                // ASN.1) retired the tag, so tshark calls it beyond the sequence. The unit
                // tests round-trip it.
                send_calculation_to_scp_indication: None,
                party_to_charge: Some(LegId::SendingSide(LegType(1))),
                extensions: None,
            }
            .encode(w)
        }),
        again: |b| reenc(ApplyChargingArg::decode_bytes(b), |a, w| a.encode(w)),
    });
    out.push(Sample {
        op: opcode::APPLY_CHARGING_REPORT,
        arg_type: "ApplyChargingReportArg",
        shows: vec!["ApplyChargingReportArg: 0a0b0c"],
        enc: Box::new(|w| ApplyChargingReportArg(&[0x0a, 0x0b, 0x0c]).encode(w)),
        again: |b| reenc(ApplyChargingReportArg::decode_bytes(b), |a, w| a.encode(w)),
    });
    out.push(Sample {
        op: opcode::FURNISH_CHARGING_INFORMATION,
        arg_type: "FurnishChargingInformationArg",
        shows: vec!["FurnishChargingInformationArg: 73637064"],
        enc: Box::new(|w| FurnishChargingInformationArg(b"scpd").encode(w)),
        again: |b| {
            reenc(FurnishChargingInformationArg::decode_bytes(b), |a, w| {
                a.encode(w)
            })
        },
    });
    out.push(Sample {
        op: opcode::CALL_INFORMATION_REQUEST,
        arg_type: "CallInformationRequestArg",
        shows: vec![
            "RequestedInformationType: callAttemptElapsedTime (0)",
            "RequestedInformationType: callConnectedElapsedTime (2)",
            "RequestedInformationType: releaseCause (30)",
        ],
        enc: Box::new(|w| {
            let mut a = CallInformationRequestArg::default();
            for t in [0u8, 2, 30] {
                a.requested_information_types.push(t);
            }
            a.encode(w)
        }),
        again: |b| {
            reenc(CallInformationRequestArg::decode_bytes(b), |a, w| {
                a.encode(w)
            })
        },
    });
    out.push(Sample {
        op: opcode::CALL_INFORMATION_REPORT,
        arg_type: "CallInformationReportArg",
        shows: vec![
            "requestedInformationType: callConnectedElapsedTime (2)",
            "callConnectedElapsedTimeValue: 1234",
        ],
        enc: Box::new(|w| {
            let mut a = CallInformationReportArg::default();
            a.requested_information.push(RequestedInformation {
                info_type: 2,
                value: RequestedInformationValue::CallConnectedElapsedTime(1234),
            });
            a.encode(w)
        }),
        again: |b| {
            reenc(CallInformationReportArg::decode_bytes(b), |a, w| {
                a.encode(w)
            })
        },
    });
    out.push(Sample {
        op: opcode::RESET_TIMER,
        arg_type: "ResetTimerArg",
        shows: vec!["timerID: tssf (0)", "timervalue: 20"],
        enc: Box::new(|w| {
            let mut r = ResetTimerArg::tssf(20);
            r.timer_id = Some(0);
            r.encode(w)
        }),
        again: |b| reenc(ResetTimerArg::decode_bytes(b), |a, w| a.encode(w)),
    });
    out.push(Sample {
        op: opcode::ESTABLISH_TEMPORARY_CONNECTION,
        arg_type: "EstablishTemporaryConnectionArg",
        shows: vec!["correlationID: 2143"],
        enc: Box::new(|w| {
            EstablishTemporaryConnectionArg {
                assisting_ssp_ip_routing_address: &[0x00, 0x84, 0x13, 0x21, 0x43],
                correlation_id: Some(&[0x21, 0x43]),
                scf_id: None,
                extensions: None,
            }
            .encode(w)
        }),
        again: |b| {
            reenc(EstablishTemporaryConnectionArg::decode_bytes(b), |a, w| {
                a.encode(w)
            })
        },
    });
    out.push(Sample {
        op: opcode::CANCEL,
        arg_type: "CancelArg",
        shows: vec!["invokeID: 3"],
        enc: Box::new(|w| CancelArg::InvokeId(3).encode(w)),
        again: |b| reenc(CancelArg::decode_bytes(b), |a, w| a.encode(w)),
    });
    out.push(Sample {
        op: opcode::CALL_GAP,
        arg_type: "CallGapArg",
        shows: vec![
            "serviceKey: 100",
            "duration: 30",
            "gapInterval: 1000",
            "controlType: sCPOverloaded (0)",
        ],
        enc: Box::new(|w| CallGapArg::overloaded(100, 30, 1000).encode(w)),
        again: |b| reenc(CallGapArg::decode_bytes(b), |a, w| a.encode(w)),
    });
    out
}

/// Operations without an argument: Continue, ActivityTest, DisconnectForwardConnection.
const BARE: &[(u32, &str)] = &[
    (opcode::CONTINUE, "continue"),
    (opcode::ACTIVITY_TEST, "activityTest"),
    (
        opcode::DISCONNECT_FORWARD_CONNECTION,
        "disconnectForwardConnection",
    ),
];

fn error_samples() -> Vec<(InapError, &'static str)> {
    vec![
        (
            InapError::Common(CapError::MissingParameter),
            "missingParameter",
        ),
        (
            InapError::Common(CapError::UnexpectedDataValue),
            "unexpectedDataValue",
        ),
        (InapError::Common(CapError::TaskRefused(2)), "taskRefused"),
        (
            InapError::Common(CapError::SystemFailure(1)),
            "systemFailure",
        ),
        (InapError::Common(CapError::UnknownLegId), "unknownLegID"),
        (InapError::UnknownResource, "unknownResource"),
    ]
}

/// What tshark complains of in a frame, if anything.
fn clean(frame: &str) -> Option<&'static str> {
    [
        "Malformed",
        "BER Error",
        "Expert Info (Error",
        "Expert Info (Warning",
        "Unknown",
        "unknown",
    ]
    .into_iter()
    .find(|bad| frame.contains(bad))
}

fn begin(op: u32, enc: impl Fn(&mut Writer<'_>)) -> Vec<u8> {
    let mut out = Vec::new();
    itu::encode(
        &mut out,
        MessageType::Begin,
        Some(&[0, 0, 0, 1]),
        None,
        Some(DialogueOut::Aarq { ac: ac::SSP_TO_SCP }),
        |w| itu::invoke(w, 1, op, &enc),
    );
    out
}

#[test]
fn every_inap_argument_round_trips() {
    for s in samples() {
        let mut raw = Vec::new();
        (s.enc)(&mut Writer::new(&mut raw));
        assert_eq!((s.again)(&raw), raw, "{}", s.arg_type);
    }
}

#[test]
fn tshark_decodes_every_inap_message_scpd_encodes() {
    if !common::tshark::available(true) {
        return;
    }
    let samples = samples();
    let mut msgs: Vec<Vec<u8>> = samples.iter().map(|s| begin(s.op, &s.enc)).collect();
    for (op, _) in BARE {
        msgs.push(begin(*op, |_| {}));
    }
    let errors = error_samples();
    for (e, _) in &errors {
        let mut out = Vec::new();
        itu::encode(
            &mut out,
            MessageType::End,
            None,
            Some(&[0, 0, 0, 3]),
            Some(DialogueOut::Aare {
                ac: ac::SSP_TO_SCP,
                result: 0,
                diagnostic: (1, 0),
            }),
            |w| {
                w.constructed(Tag::ctx_cons(3), |w| {
                    w.integer(Tag::INTEGER, 1);
                    w.integer(Tag::INTEGER, e.code());
                    e.encode_parameter(w);
                })
            },
        );
        msgs.push(out);
    }
    let frames = common::tshark::dissect_tcap("inap", &msgs);
    assert_eq!(frames.len(), msgs.len());
    let mut problems = Vec::new();
    let mut check = |ok: bool, what: String, f: &str| {
        if !ok {
            problems.push(format!("{what}:\n{f}"));
        }
    };
    for (s, f) in samples.iter().zip(&frames) {
        let name = operation_name(s.op).unwrap();
        check(
            f.contains("Intelligent Network Application Protocol"),
            format!("{name}: not dissected as INAP"),
            f,
        );
        check(
            f.contains("(cs1-ssp-to-scp)"),
            format!("{name}: AC not recognised"),
            f,
        );
        check(
            f.contains(&format!("\n            local: {}\n", s.op)),
            format!("{name}: operation code"),
            f,
        );
        check(
            f.contains(&format!("\n        {}", s.arg_type)),
            format!("{name}: argument not dissected as {}", s.arg_type),
            f,
        );
        for v in &s.shows {
            check(
                f.contains(v),
                format!("{name}: tshark does not show {v:?}"),
                f,
            );
        }
        check(clean(f).is_none(), format!("{name}: {:?}", clean(f)), f);
    }
    for ((op, name), f) in BARE.iter().zip(&frames[samples.len()..]) {
        check(
            f.contains(&format!("\n            local: {op}\n")),
            format!("{name}: operation code"),
            f,
        );
        check(clean(f).is_none(), format!("{name}: {:?}", clean(f)), f);
    }
    for ((e, name), f) in errors.iter().zip(&frames[samples.len() + BARE.len()..]) {
        assert_eq!(e.name(), *name);
        check(
            f.contains(&format!("\n            local: {}\n", e.code())),
            format!("{name}: error code"),
            f,
        );
        check(clean(f).is_none(), format!("{name}: {:?}", clean(f)), f);
    }
    assert!(problems.is_empty(), "{}", problems.join("\n=====\n"));
}
