use super::params::{digit_type, encoding, plan, release_cause, trigger_type};
use super::*;
use crate::ber::{from_hex, hex, Malformed};
use crate::tcap::ansi::{AnsiComponent, AnsiMessage, PackageType};

/// The worked TBusy example of WIN-INAP-NOTES.md, whole ANSI TCAP package.
const TBUSY_PACKAGE: &str = "e24ec70401020304e846e944cf0101d102094bf23b\
    81073940010112340095033940019f7b020c71\
    9f82170141\
    bf82180c9f8215037d7b1f9f8219010f\
    88051719325481\
    9f5009023021090758552101";

/// Its parameter set alone.
fn tbusy_set() -> Vec<u8> {
    let all = from_hex(TBUSY_PACKAGE).unwrap();
    all[all.len() - 0x3d..].to_vec()
}

fn digits(s: &str) -> Digits<Isup> {
    s.parse().unwrap()
}

fn encode(m: &WinMessage<'_>) -> Vec<u8> {
    let mut out = Vec::new();
    m.encode_parameter_to(&mut out).unwrap();
    out
}

fn check_tbusy(m: &WinMessage<'_>) {
    assert_eq!((m.op, m.kind), (Operation::TBusy, Kind::Invoke));
    let p = &m.params;
    assert_eq!(
        p.billing_id,
        Some(BillingId {
            market_id: 14656,
            swno: 1,
            id_number: 70196,
            segment_counter: 0
        })
    );
    assert_eq!(
        p.mscid,
        Some(Mscid {
            market_id: 14656,
            swno: 1
        })
    );
    assert_eq!(p.transaction_capability, Some(&[0x0c, 0x71][..]));
    assert_eq!(p.trigger_type, Some(trigger_type::T_BUSY));
    let cap = p.win_capability.unwrap();
    assert_eq!(cap.trigger_capability, Some(&[0x7d, 0x7b, 0x1f][..]));
    assert_eq!(cap.win_operations_capability, Some(&[0x0f][..]));
    assert_eq!(p.min.unwrap().0.as_str(), "7191234518");
    let cpn = p.calling_party_number_digits1.unwrap();
    assert_eq!(cpn.type_of_digits, digit_type::CALLING_PARTY);
    assert_eq!(cpn.nature, 0x30);
    assert_eq!((cpn.plan, cpn.encoding), (plan::TELEPHONY, encoding::BCD));
    // Nine digits: the notes' count, not tshark's trailing filler 0.
    assert_eq!(cpn.digits.as_str(), "708555121");
    assert_eq!(m.unknown().count(), 0);
}

#[test]
fn worked_tbusy_example_decodes_byte_for_byte() {
    let bytes = from_hex(TBUSY_PACKAGE).unwrap();
    let pkg = AnsiMessage::decode(&bytes).unwrap();
    assert_eq!(pkg.package, PackageType::QueryWithPermission);
    let Some(Ok(AnsiComponent::Invoke {
        opcode, parameter, ..
    })) = pkg.components().next()
    else {
        panic!("no invoke")
    };
    assert_eq!(opcode, OpCode::Private(opcode::T_BUSY));
    let m = decode_invoke(opcode, parameter).unwrap();
    check_tbusy(&m);
    // The same through decode_bytes; re-encoding in ASN.1 order and decoding again gives
    // the same values (the example is not in ASN.1 order: msid comes before the digits).
    let set = tbusy_set();
    let m2 = WinMessage::decode_bytes(Kind::Invoke, opcode::T_BUSY, &set).unwrap();
    assert_eq!(m2.params, m.params);
    let again = encode(&m2);
    assert_eq!(again.len(), set.len());
    let m3 = WinMessage::decode_bytes(Kind::Invoke, opcode::T_BUSY, &again).unwrap();
    assert_eq!(m3.params, m.params);
    // The reply-required bit is not part of the operation.
    let m4 = decode_invoke(
        OpCode::Private(0x894b),
        Some(Tlv::parse_single(&set).unwrap()),
    );
    assert_eq!(m4.unwrap().op, Operation::TBusy);
}

/// The members of the example set in reverse order still decode to the same values.
#[test]
fn members_in_any_order() {
    let set = tbusy_set();
    let t = Tlv::parse_single(&set).unwrap();
    let mut members: Vec<&[u8]> = t.children().unwrap().map(|m| m.unwrap().raw).collect();
    members.reverse();
    let body: Vec<u8> = members.concat();
    let mut rev = vec![0xf2, body.len() as u8];
    rev.extend_from_slice(&body);
    assert_ne!(rev, set);
    let m = WinMessage::decode_bytes(Kind::Invoke, opcode::T_BUSY, &rev).unwrap();
    check_tbusy(&m);
    // A SEQUENCE (30) is read too (lenient in), but what we write is always the set F2.
    let mut seq = rev.clone();
    seq[0] = 0x30;
    let m = WinMessage::decode_bytes(Kind::Invoke, opcode::T_BUSY, &seq).unwrap();
    check_tbusy(&m);
    assert_eq!(encode(&m)[0], 0xf2);
}

#[test]
fn unknown_parameters_are_skipped_and_kept_raw() {
    let mut set = tbusy_set();
    // CallingPartyName [243] (not modelled) and a private-class element.
    let extra = from_hex("9f8173034142430c0101").unwrap();
    set.extend_from_slice(&extra);
    set[1] += extra.len() as u8;
    let m = WinMessage::decode_bytes(Kind::Invoke, opcode::T_BUSY, &set).unwrap();
    check_tbusy(&WinMessage { raw: None, ..m });
    let unknown: Vec<String> = m.unknown().map(|u| hex(u.raw)).collect();
    assert_eq!(unknown, ["9f817303414243", "0c0101"]);
    // Encoding writes what is modelled: the unknown members are not relayed.
    assert!(!hex(&encode(&m)).contains("414243"));
}

#[test]
fn malformed_optional_member_is_noted_and_the_rest_decodes() {
    // CallingPartyNumberDigits1 claiming 20 digits in 5 octets.
    let hexset = hex(&tbusy_set()).replace("9f5009023021090758552101", "9f5009023021140758552101");
    let set = from_hex(&hexset).unwrap();
    assert!(matches!(
        WinMessage::decode_bytes(Kind::Invoke, opcode::T_BUSY, &set),
        Err(WinError::Decode(_))
    ));
    let t = Tlv::parse_single(&set).unwrap();
    let mut bad = Vec::new();
    let m = decode_invoke_lenient(OpCode::Private(opcode::T_BUSY), Some(t), &mut bad).unwrap();
    assert_eq!(m.params.calling_party_number_digits1, None);
    assert_eq!(m.params.min.unwrap().0.as_str(), "7191234518");
    assert_eq!(bad.len(), 1);
    let Malformed { member, raw, fault } = &bad[0];
    assert_eq!(*member, "callingPartyNumberDigits1");
    assert_eq!(hex(raw), "9f5009023021140758552101");
    assert!(fault.offset > 0);

    // A malformed mandatory member (BillingID of 6 octets) fails even lenient.
    let hexset = hex(&tbusy_set()).replace("f23b8107394001011234", "f23a81063940010112");
    let set = from_hex(&hexset).unwrap();
    let mut bad = Vec::new();
    let e = decode_invoke_lenient(
        OpCode::Private(opcode::T_BUSY),
        Some(Tlv::parse_single(&set).unwrap()),
        &mut bad,
    );
    assert!(matches!(e, Err(WinError::Decode(_))), "{e:?}");
}

#[test]
fn mandatory_and_foreign_members() {
    // TBusy without TriggerType.
    let hexset = hex(&tbusy_set()).replace("9f82170141", "");
    let mut set = from_hex(&hexset).unwrap();
    set[1] -= 5;
    assert_eq!(
        WinMessage::decode_bytes(Kind::Invoke, opcode::T_BUSY, &set).unwrap_err(),
        WinError::Missing {
            op: "TBusy",
            member: "triggerType"
        }
    );
    // FacilitySelectedAndAvailable's result has no TerminationList.
    assert_eq!(
        route_to(
            Operation::FacilitySelectedAndAvailable,
            digits("8005550100")
        )
        .unwrap_err(),
        WinError::NotInOperation {
            op: "FacilitySelectedAndAvailable",
            member: "terminationList"
        }
    );
    // OAnswer has no result; a national opcode or another family is not WIN.
    assert_eq!(
        continue_call(Operation::OAnswer).unwrap_err(),
        WinError::NoResult("OAnswer")
    );
    assert!(matches!(
        decode_invoke(OpCode::National(0x094b), None),
        Err(WinError::UnknownOperation(_))
    ));
    assert_eq!(
        decode_invoke(OpCode::Private(0x6403), None)
            .unwrap_err()
            .problem(),
        Problem::INVOKE_UNRECOGNIZED_OPERATION
    );
    // An OCalledPartyBusy needs an MSID (MIN or IMSI).
    let mut p = full(Operation::OCalledPartyBusy, Kind::Invoke);
    p.min = None;
    p.imsi = None;
    assert_eq!(
        WinMessage::invoke(Operation::OCalledPartyBusy, p)
            .encode_parameter_to(&mut Vec::new())
            .unwrap_err(),
        WinError::Missing {
            op: "OCalledPartyBusy",
            member: "msid"
        }
    );
    // Values that do not encode.
    let mut p = full(Operation::TBusy, Kind::Invoke);
    p.min = Some(Min(digits("12345")));
    assert!(matches!(
        WinMessage::invoke(Operation::TBusy, p).encode_parameter_to(&mut Vec::new()),
        Err(WinError::Encode(_))
    ));
}

/// A sample value for every modelled parameter.
fn sample(p: P, params: &mut Params<'static>) {
    let d = |t, s: &str| {
        Some(WinDigits {
            type_of_digits: t,
            nature: 0,
            plan: plan::TELEPHONY,
            encoding: encoding::BCD,
            digits: digits(s),
        })
    };
    let x = params;
    match p {
        P::BillingId => {
            x.billing_id = Some(BillingId {
                market_id: 14656,
                swno: 1,
                id_number: 0x00ab_cdef,
                segment_counter: 3,
            })
        }
        P::ServingCellId => x.serving_cell_id = Some(0x0104),
        P::Digits => x.digits = d(digit_type::DIALED, "8005550100"),
        P::Min => x.min = Some(Min(digits("7191234518"))),
        P::Esn => x.esn = Some([0x8d, 0x2a, 0xd4, 0xfe]),
        P::RedirectionReason => x.redirection_reason = Some(1),
        P::AccessDeniedReason => x.access_denied_reason = Some(3),
        P::Mscid => {
            x.mscid = Some(Mscid {
                market_id: 12,
                swno: 2,
            })
        }
        P::SystemMyTypeCode => x.system_my_type_code = Some(19),
        P::PcSsn => {
            x.pc_ssn = Some(PcSsn {
                kind: 9,
                point_code: 0x010203,
                ssn: 8,
            })
        }
        P::LocationAreaId => x.location_area_id = Some(0x1004),
        P::CallingPartyNumberDigits1 => {
            x.calling_party_number_digits1 = d(digit_type::CALLING_PARTY, "708555121")
        }
        P::CallingPartyNumberDigits2 => {
            x.calling_party_number_digits2 = Some(WinDigits {
                encoding: encoding::IA5,
                ..d(digit_type::CALLING_PARTY, "70855512*#").unwrap()
            })
        }
        P::CarrierDigits => x.carrier_digits = d(digit_type::CARRIER, "0288"),
        P::DestinationDigits => x.destination_digits = d(digit_type::DESTINATION, "1234"),
        P::DmhRedirectionIndicator => x.dmh_redirection_indicator = Some(23),
        P::MobileDirectoryNumber => x.mobile_directory_number = d(0, "3331059072"),
        P::MscIdentificationNumber => x.msc_identification_number = d(0, "3125550000"),
        P::OriginationTriggers => x.origination_triggers = Some(&[1, 0, 0, 0]),
        P::RedirectingNumberDigits => x.redirecting_number_digits = d(0, "2125551234"),
        P::TerminationList => {
            let mut l = TerminationList::one(Termination::Pstn(PstnTermination {
                destination_digits: d(digit_type::DESTINATION, "18005550100").unwrap(),
                routing_digits: d(digit_type::ROUTING, "99"),
                termination_triggers: Some(&[0x01, 0x02]),
                ..Default::default()
            }));
            assert!(
                l.push(Termination::Intersystem(params::IntersystemTermination {
                    destination_digits: d(digit_type::DESTINATION, "5551234").unwrap(),
                    mscid: Mscid {
                        market_id: 7,
                        swno: 1,
                    },
                    billing_id: Some(BillingId::default()),
                    ..Default::default()
                }))
            );
            assert!(l.push(Termination::Local(&[0x89, 0x04, 1, 2, 3, 4])));
            x.termination_list = Some(l)
        }
        P::TerminationTriggers => x.termination_triggers = Some(&[0x55, 0x05]),
        P::TransactionCapability => x.transaction_capability = Some(&[0x0c, 0x71]),
        P::ActionCode => x.action_code = Some(action_code::DISCONNECT_CALL),
        P::AnnouncementList => x.announcement_list = Some(&[0x9f, 0x4c, 0x02, 0x01, 0x02]),
        P::DmhAccountCodeDigits => x.dmh_account_code_digits = d(0, "1234"),
        P::DmhAlternateBillingDigits => x.dmh_alternate_billing_digits = d(0, "5678"),
        P::DmhBillingDigits => x.dmh_billing_digits = d(digit_type::BILLING, "2015550123"),
        P::RoutingDigits => x.routing_digits = d(digit_type::ROUTING, "011"),
        P::Imsi => x.imsi = Some(Imsi("310150123456789".parse().unwrap())),
        P::ResumePic => x.resume_pic = Some(1),
        P::TimeDateOffset => x.time_date_offset = Some(-480),
        P::TriggerAddressList => {
            x.trigger_address_list = Some(TriggerAddressList {
                first: TriggerList {
                    destination: DestinationAddress::PcSsn(PcSsn {
                        kind: 0,
                        point_code: 0x040506,
                        ssn: 14,
                    }),
                    triggers: WinTriggerList(&[trigger_type::O_ANSWER, trigger_type::O_DISCONNECT]),
                },
                second: Some(TriggerList {
                    destination: DestinationAddress::GlobalTitle(&[0x00, 0x12, 0x34]),
                    triggers: WinTriggerList(&[trigger_type::T_ANSWER]),
                }),
            })
        }
        P::TriggerType => x.trigger_type = Some(trigger_type::O_CALLED_PARTY_BUSY),
        P::WinCapability => {
            x.win_capability = Some(WinCapability {
                trigger_capability: Some(&[0x7d, 0x7b, 0x1f]),
                win_operations_capability: Some(&[0x0f]),
            })
        }
        P::DmhServiceId => x.dmh_service_id = Some(&[0x39, 0x40, 0, 0, 6]),
        P::ReleaseCause => x.release_cause = Some(release_cause::CALLING_PARTY),
        P::TimeOfDay => x.time_of_day = Some(21785),
        P::CallStatus => x.call_status = Some(2),
        P::Msid => {}
    }
}

/// Every member `op`'s `kind` schema has, with a sample value.
fn full(op: Operation, kind: Kind) -> Params<'static> {
    let mut p = Params::default();
    for m in schema(op, kind).unwrap().order {
        sample(*m, &mut p);
    }
    p
}

#[test]
fn every_argument_and_result_round_trips() {
    for op in Operation::ALL {
        for kind in [Kind::Invoke, Kind::Result] {
            let Some(s) = schema(op, kind) else {
                assert!(kind == Kind::Result && !op.has_result());
                continue;
            };
            // Every member, and just the mandatory ones.
            let mut minimal = Params::default();
            for m in s.mandatory {
                sample(if *m == P::Msid { P::Min } else { *m }, &mut minimal);
            }
            for params in [full(op, kind), minimal] {
                let m = WinMessage {
                    op,
                    kind,
                    params,
                    raw: None,
                };
                let bytes = encode(&m);
                let back = WinMessage::decode_bytes(kind, op.code(), &bytes)
                    .unwrap_or_else(|e| panic!("{op:?} {kind:?}: {e}: {}", hex(&bytes)));
                assert_eq!(back.params, m.params, "{op:?} {kind:?}");
                assert_eq!(back.unknown().count(), 0);
                // Canonical: decoding and encoding again is byte-identical.
                assert_eq!(hex(&encode(&back)), hex(&bytes), "{op:?} {kind:?}");
            }
        }
    }
}

#[test]
fn components_carry_the_operation_and_the_set() {
    let m = WinMessage::invoke(Operation::TBusy, full(Operation::TBusy, Kind::Invoke));
    let mut out = Vec::new();
    m.write_invoke(&mut Writer::new(&mut out), true, Some(1), None)
        .unwrap();
    assert!(hex(&out).starts_with("e9"));
    assert!(hex(&out).contains("cf0101d102094bf2"));
    let r = route_to(Operation::TBusy, digits("8005550100")).unwrap();
    let mut out = Vec::new();
    r.write_return_result(&mut Writer::new(&mut out), true, 1)
        .unwrap();
    // ea .. cf 01 01 f2 .. bf 78 (TerminationList) bf 5f (PSTNTermination) 9f 57 (dest).
    assert!(hex(&out).contains("cf0101f2"), "{}", hex(&out));
    assert!(hex(&out).contains("bf78"));
    assert!(hex(&out).contains("bf5f"));
    assert!(
        hex(&out).contains("9f57090600210a0850551000"),
        "{}",
        hex(&out)
    );
    // Kinds do not mix; nothing is written on error.
    let mut out = Vec::new();
    assert!(r
        .write_invoke(&mut Writer::new(&mut out), true, Some(1), None)
        .is_err());
    assert!(m
        .write_return_result(&mut Writer::new(&mut out), true, 1)
        .is_err());
    assert!(out.is_empty());
}

#[test]
fn builders() {
    let c = continue_call(Operation::AnalyzedInformation).unwrap();
    assert_eq!(hex(&encode(&c)), "f200");
    let d = disconnect(Operation::OriginationRequest).unwrap();
    assert_eq!(hex(&encode(&d)), "f2059f81000102");
    let a = arm_triggers(
        Operation::AnalyzedInformation,
        DestinationAddress::PcSsn(PcSsn {
            kind: 0,
            point_code: 0x000009,
            ssn: 14,
        }),
        &[trigger_type::O_ANSWER, trigger_type::O_DISCONNECT],
    )
    .unwrap();
    let bytes = encode(&a);
    let back =
        WinMessage::decode_bytes(Kind::Result, opcode::ANALYZED_INFORMATION, &bytes).unwrap();
    let l = back.params.trigger_address_list.unwrap();
    assert_eq!(
        l.first.triggers.trigger_types().collect::<Vec<_>>(),
        [40, 41]
    );
    let ccd = call_control_directive(
        BillingId::default(),
        Mscid::default(),
        Some(Min(digits("7191234518"))),
        DestinationAddress::GlobalTitle(&[1, 2]),
        &[trigger_type::T_DISCONNECT],
    );
    let mut out = Vec::new();
    ccd.write_invoke(&mut Writer::new(&mut out), true, Some(5), None)
        .unwrap();
    assert!(hex(&out).contains("d1020951"));
}

#[test]
fn digits_formats() {
    // BCD, odd count: 0000 filler; IA5 digits one to an octet.
    let v = WinDigits::telephony(digit_type::DIALED, digits("12345"));
    let (b, n) = v.to_array();
    assert_eq!(hex(&b[..n]), "01002105214305");
    assert_eq!(WinDigits::decode(&b[..n], 0).unwrap(), v);
    let ia5 = WinDigits {
        encoding: encoding::IA5,
        ..v
    };
    let (b, n) = ia5.to_array();
    assert_eq!(hex(&b[..n]), "0100220531323334 35".replace(' ', ""));
    assert_eq!(WinDigits::decode(&b[..n], 0).unwrap(), ia5);
    // Count and length must agree; other encodings are refused; short headers too.
    for bad in [
        "01002107214305",
        "0100210521430500",
        "010023022143",
        "010021",
        "01002204313233",
    ] {
        assert!(
            WinDigits::decode(&from_hex(bad).unwrap(), 0).is_err(),
            "{bad}"
        );
    }
    // MIN needs decimal digits, IMSI a 1111 filler only at the end.
    assert!(Min::decode([0x17, 0x19, 0x32, 0x54, 0x8a], 0).is_err());
    assert_eq!(
        Imsi::decode(&from_hex("13001032547698f9").unwrap(), 0)
            .unwrap()
            .0
            .as_str(),
        "310001234567899"
    );
    assert!(Imsi::decode(&from_hex("1300f03254").unwrap(), 0).is_err());
}

#[test]
fn truncated_and_garbage_input_gives_typed_errors() {
    let set = tbusy_set();
    for n in 0..set.len() {
        for kind in [Kind::Invoke, Kind::Result] {
            // Never a panic; a prefix never decodes (the set length no longer matches).
            assert!(WinMessage::decode_bytes(kind, opcode::T_BUSY, &set[..n]).is_err());
        }
    }
    // Every single-octet change decodes or fails with a typed error, never a panic.
    for i in 0..set.len() {
        for v in [0x00, 0x1f, 0x80, 0xff, set[i] ^ 0x20] {
            let mut b = set.clone();
            b[i] = v;
            let _ = WinMessage::decode_bytes(Kind::Invoke, opcode::T_BUSY, &b);
            let mut bad = Vec::new();
            if let Ok(t) = Tlv::parse_single(&b) {
                let _ = decode_invoke_lenient(OpCode::Private(opcode::T_BUSY), Some(t), &mut bad);
            }
        }
    }
}

mod props {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        /// Random bytes, as a parameter of any operation: a typed result, never a panic.
        #[test]
        fn random_parameters_never_panic(
            body in proptest::collection::vec(any::<u8>(), 0..80),
            op in 0usize..Operation::ALL.len(),
        ) {
            let op = Operation::ALL[op];
            let mut set = vec![0xf2, body.len() as u8];
            set.extend_from_slice(&body);
            for kind in [Kind::Invoke, Kind::Result] {
                let decoded = WinMessage::decode_bytes(kind, op.code(), &set);
                // Members another operation carries decode too; only this one's re-encode.
                if let Some(m) = decoded.ok().filter(|m| m.params.check(op, kind).is_ok()) {
                    // What decodes strictly re-encodes and decodes to the same values.
                    let again = encode(&m);
                    let back = WinMessage::decode_bytes(kind, op.code(), &again).unwrap();
                    prop_assert_eq!(back.params, m.params);
                }
            }
        }

        /// Random digit strings round-trip through both encodings.
        #[test]
        fn digits_round_trip(s in "[0-9*#]{0,40}", ia5 in any::<bool>(), t in any::<u8>()) {
            let d = WinDigits {
                type_of_digits: t,
                nature: 0,
                plan: plan::TELEPHONY,
                encoding: if ia5 { encoding::IA5 } else { encoding::BCD },
                digits: s.parse().unwrap(),
            };
            let (b, n) = d.to_array();
            prop_assert_eq!(WinDigits::decode(&b[..n], 7).unwrap(), d);
        }
    }
}
