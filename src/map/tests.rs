use super::*;
use crate::ber::{from_hex, hex, oid_to_string, Tag};
use crate::camel::numbers::PLAN_ISDN;

/// anyTimeInterrogation Invoke argument, from a real network (shared/traces/pycrate-pcapr/
/// test.rebuilt.pcap frame 8; tshark: msisdn 918793714126, requestedInfo locationInformation,
/// subscriberState, currentLocation, requestedDomain cs-Domain, gsmSCF-Address 35699410525).
const ATI_ARG: &str = "301fa009810791197839171462a1098000810083008401008307915396490125f5";
/// Its ReturnResultLast parameter (frame 10; tshark: ageOfLocationInformation 2, geographical
/// 1000000000000000, vlr-number 919028055000, CGI 0475301b5d7a57, assumedIdle).
const ATI_RES: &str = "30293027a02102010280081000000000000000810791190982500500\
                       a30980070475301b5d7a57a1028000";
/// The ATI of shared/traces/wireshark-wiki/CAP.pcap frames 18 and 19 (an LAI-less CGI with a
/// two-digit MNC, and an msc-Number).
const ATI_ARG_2: &str = "301aa0098107916998052283f9a104800081008307916998051060f0";
const ATI_RES_2: &str = "30283026a0200201028107916998051050f1a309800724f23027813215\
                         8607916998051050f1a1028000";
/// sendRoutingInfo v3 Invoke argument from a real network (pycrate-pcapr/tmp.rebuilt.pcap
/// frame 20, locationInfoRetrievalContext-v3): msisdn 447799119004, basicCall, GMSC
/// 447785012100, callReferenceNumber, networkSignalInfo, extensionContainer.
const SRI_ARG: &str = "3052800791447799110940830100860791447758101200870545f69b0079\
                       aa170a0104041204039090a27d0291847c07909021484038cc\
                       ad1ba019301706092a863a0089613a0100a40a30038101083003810109";
/// RestComm jSS7 SendRoutingInformationRequestTest getData1: every v3 member.
const JSS7_SRI_ARG_ALL: &str =
    "308201008007919211133213f1a13104040102030405003027a020300a06032a03040b\
    0c0d0e0f300506032a0306300b06032a030515161718191aa1031f202182010583010184008501058607919488\
    730092f2870513fa3d3dea880102a903820116aa090a010204040a141e28ab04030204e08c00ad27a020300a06\
    032a03040b0c0d0e0f300506032a0306300b06032a030515161718191aa1031f20218e01078f00900105b1320a\
    010104040a141e283027a020300a06032a03040b0c0d0e0f300506032a0306300b06032a030515161718191aa1\
    031f202192010193009401029500960097009800b903820116ba090a010204040a141e289b0206c09c009d0101";
/// jSS7 getData2: the v2 argument (msisdn, cug-CheckInfo, numberOfForwarding,
/// networkSignalInfo).
const JSS7_SRI_ARG_V2: &str =
    "304a8007919211133213f1a13104040102030405003027a020300a06032a03040b0c0d\
    0e0f300506032a0306300b06032a030515161718191aa1031f2021820105aa090a010204040a141e28";
/// jSS7 SendRoutingInformationResponseTest getData1 / getData2: v3 results with a roaming
/// number and with forwarding data; getMAPV3ParameterTestData: every v3 member;
/// getMAPV3ParameterTestData2 / 3: v2 results.
const JSS7_SRI_RES_MSRN: &str = "a313890810210202108922f70407919772635018f9";
const JSS7_SRI_RES_FWD: &str = "a318890810210202108922f7300c8507919772635018f9860124";
const JSS7_SRI_RES_ALL: &str =
    "a382015e890810210202108922f7300c8507919772635018f9860124a33104040102\
    030405003027a020300a06032a03040b0c0d0e0f300506032a0306300b06032a030515161718191aa1031f2021\
    8600a732a02c020101800810000000000000008107919772635018f9a309800727f443799e29a0860791977263\
    5018f98900a1028000a103040160a50382011684008207919772635018f9a027a020300a06032a03040b0c0d0e\
    0f300506032a0306300b06032a030515161718191aa1031f2021aa2e80030f3005a127a020300a06032a03040b\
    0c0d0e0f300506032a0306300b06032a030515161718191aa1031f2021ab2d80008100a227a020300a06032a03\
    040b0c0d0e0f300506032a0306300b06032a030515161718191aa1031f20218c07919772635018f98d01058e01\
    058f0204e0900201feb1090407919772635018f9b203040160b303820116940206c09501049600b7090a010204\
    040a141e28";
const JSS7_SRI_RES_V2_CUG: &str =
    "3046040810210202108922f70407919772635018f9303104040102030405003027\
    a020300a06032a03040b0c0d0e0f300506032a0306300b06032a030515161718191aa1031f2021";
const JSS7_SRI_RES_V2: &str = "3013040810210202108922f70407919772635018f9";

fn bytes(h: &str) -> Vec<u8> {
    from_hex(h).unwrap()
}

fn intl(d: &str) -> AddressString {
    AddressString::international(d.parse().unwrap())
}

fn tbcd(d: &str) -> TbcdDigits {
    d.parse().unwrap()
}

fn enc(f: impl FnOnce(&mut Writer<'_>) -> Result<(), CodecError>) -> Vec<u8> {
    let mut out = Vec::new();
    f(&mut Writer::new(&mut out)).unwrap();
    out
}

fn tlv(b: &[u8]) -> Tlv<'_> {
    Tlv::parse_single(b).unwrap()
}

/// The encodings of the unknown members, concatenated.
fn unknown_hex(u: &Unknown<'_>) -> String {
    u.iter().map(|t| hex(t.raw)).collect()
}

#[test]
fn application_contexts_and_operations() {
    assert_eq!(
        oid_to_string(ac::LOCATION_INFO_RETRIEVAL_V3).unwrap(),
        "0.4.0.0.1.0.5.3"
    );
    assert_eq!(
        oid_to_string(ac::LOCATION_INFO_RETRIEVAL_V2).unwrap(),
        "0.4.0.0.1.0.5.2"
    );
    assert_eq!(
        oid_to_string(ac::ANY_TIME_INFO_ENQUIRY_V3).unwrap(),
        "0.4.0.0.1.0.29.3"
    );
    for op in Operation::ALL {
        assert_eq!(Operation::from_code(op.code().into()), Some(op));
        assert_eq!(operation_name(op.code().into()), Some(op.name()));
        for v in [Version::V2, Version::V3] {
            if let Some(a) = op.ac(v) {
                assert_eq!(ac_info(a), Some((op, v)));
            }
        }
    }
    assert_eq!(Operation::SendRoutingInfo.code(), 22);
    assert_eq!(Operation::AnyTimeInterrogation.code(), 71);
    assert_eq!(Operation::AnyTimeInterrogation.ac(Version::V2), None);
    // A CAP AC is not MAP.
    assert_eq!(ac_info(&[0x04, 0x00, 0x00, 0x01, 0x00, 0x32, 0x01]), None);
    assert_eq!(Operation::from_code(0), None);
    assert_eq!(Operation::SendRoutingInfo.errors(Version::V3).len(), 15);
    assert_eq!(Operation::SendRoutingInfo.errors(Version::V2).len(), 12);
    assert_eq!(
        Operation::AnyTimeInterrogation.errors(Version::V3),
        &[34, 49, 35, 36, 1]
    );
}

#[test]
fn real_ati_invoke_decodes_and_reencodes_byte_for_byte() {
    let b = bytes(ATI_ARG);
    let a = AnyTimeInterrogationArg::decode_bytes(&b).unwrap();
    let SubscriberIdentity::Msisdn(m) = a.subscriber_identity else {
        panic!("{a:?}")
    };
    assert_eq!((m.ext, m.nature, m.plan), (true, 1, PLAN_ISDN));
    assert_eq!(m.digits.as_str(), "918793714126");
    let r = a.requested_info;
    assert!(r.location_information && r.subscriber_state && r.current_location);
    assert_eq!(r.requested_domain, Some(domain::CS));
    assert!(!r.imei && !r.ms_classmark && !r.mnp_requested_info);
    assert_eq!(a.gsmscf_address, intl("35699410525"));
    assert!(a.unknown.is_empty());
    assert_eq!(hex(&enc(|w| a.encode(w))), ATI_ARG);

    let b = bytes(ATI_ARG_2);
    let a = AnyTimeInterrogationArg::decode_bytes(&b).unwrap();
    assert_eq!(
        a.subscriber_identity,
        SubscriberIdentity::Msisdn(intl("96895022389"))
    );
    assert_eq!(a.requested_info.requested_domain, None);
    assert_eq!(a.gsmscf_address, intl("96895001060"));
    assert_eq!(hex(&enc(|w| a.encode(w))), ATI_ARG_2);
}

#[test]
fn real_ati_results_decode_with_location_and_state() {
    let b = bytes(ATI_RES);
    let r = AnyTimeInterrogationRes::decode_bytes(&b).unwrap();
    let s = &r.subscriber_info;
    let l = s.location_information.unwrap();
    assert_eq!(l.age_of_location_information, Some(2));
    assert_eq!(l.vlr_number, Some(intl("919028055000")));
    // 04 75 30: MCC 4 0 5, MNC digit 3 = 7, MNC 0 3: a three-digit MNC 037.
    assert_eq!(
        l.cell_id_or_lai,
        Some(CellIdOrLai::CellId {
            plmn: Plmn {
                mcc: 405,
                mnc: 37,
                mnc_3_digits: true
            },
            lac: 0x1b5d,
            ci: 0x7a57
        })
    );
    let g = s.geographical_information().unwrap().unwrap();
    assert_eq!(
        (
            g.south,
            g.latitude_code,
            g.longitude_code,
            g.uncertainty_code
        ),
        (false, 0, 0, 0)
    );
    assert_eq!(s.subscriber_state, Some(SubscriberState::AssumedIdle));
    assert_eq!(s.imei, None);
    assert!(s.unknown.is_empty() && r.unknown.is_empty());
    assert_eq!(hex(&enc(|w| r.encode(w))), hex(&b));

    let b = bytes(ATI_RES_2);
    let r = AnyTimeInterrogationRes::decode_bytes(&b).unwrap();
    let l = r.subscriber_info.location_information.unwrap();
    // 24 f2 30: MCC 4 2 2, filler, MNC 0 3.
    assert_eq!(
        l.cell_id_or_lai,
        Some(CellIdOrLai::CellId {
            plmn: Plmn {
                mcc: 422,
                mnc: 3,
                mnc_3_digits: false
            },
            lac: 0x2781,
            ci: 0x3215
        })
    );
    assert_eq!(l.msc_number, Some(intl("96895001051")));
    assert_eq!(l.vlr_number, l.msc_number);
    assert_eq!(hex(&enc(|w| r.encode(w))), ATI_RES_2);
}

#[test]
fn real_sri_invoke_decodes_and_reencodes_byte_for_byte() {
    let b = bytes(SRI_ARG);
    let a = SendRoutingInfoArg::decode_bytes(&b, Version::V3).unwrap();
    assert_eq!(a.msisdn, intl("447799119004"));
    assert_eq!(a.interrogation_type, InterrogationType::BasicCall);
    assert_eq!(a.gmsc_or_gsmscf_address, Some(intl("447785012100")));
    assert_eq!(
        a.call_reference_number,
        Some(&[0x45, 0xf6, 0x9b, 0x00, 0x79][..])
    );
    assert_eq!(hex(a.network_signal_info.unwrap()).len(), 46);
    assert_eq!(&a.extension_container.unwrap()[..2], &[0xa0, 0x19]);
    assert!(!a.or_interrogation && a.camel_info.is_none() && a.suppress_mtss.is_none());
    assert!(a.unknown.is_empty());
    assert_eq!(hex(&enc(|w| a.encode(w, Version::V3))), SRI_ARG);
}

#[test]
fn every_v3_member_of_jss7_sri_argument() {
    let b = bytes(JSS7_SRI_ARG_ALL);
    let a = SendRoutingInfoArg::decode_bytes(&b, Version::V3).unwrap();
    assert_eq!(a.msisdn, intl("29113123311"));
    assert_eq!(&a.cug_check_info.unwrap()[..6], &[4, 4, 1, 2, 3, 4]);
    assert_eq!(a.number_of_forwarding, Some(5));
    assert_eq!(a.interrogation_type, InterrogationType::Forwarding);
    assert!(a.or_interrogation);
    assert_eq!(a.gmsc_or_gsmscf_address, Some(intl("49883700292")));
    assert_eq!(a.call_reference_number, Some(&[19, 0xfa, 61, 61, 0xea][..]));
    assert_eq!(
        a.network_signal_info,
        Some(&[10, 1, 2, 4, 4, 10, 20, 30, 40][..])
    );
    // 03 02 04 e0: four bits 1110, phases 1 to 3.
    let c = a.camel_info.unwrap();
    assert_eq!(
        c.supported_camel_phases,
        NamedBits {
            mask: 0b0111,
            len: 4
        }
    );
    assert!(c.supported_camel_phases.has(2) && !c.supported_camel_phases.has(3));
    assert!(!c.suppress_t_csi && c.extension_container.is_none());
    // 9b 02 06 c0: two bits 11, suppressCUG and suppressCCBS.
    assert_eq!(a.suppress_mtss, Some(NamedBits { mask: 0b11, len: 2 }));
    // or-Capability [5], forwardingReason [8], basicServiceGroup [9],
    // suppressionOfAnnouncement [12] and the extension members [14]..[26], [28], [29].
    let unknown: Vec<u32> = a.unknown.iter().map(|t| t.tag.number).collect();
    assert_eq!(
        unknown,
        [5, 8, 9, 12, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 28, 29]
    );
    // Re-encoded: the same, less what is not modelled.
    let want: String = tlv(&b)
        .children()
        .unwrap()
        .map(Result::unwrap)
        .filter(|t| !unknown.contains(&t.tag.number))
        .map(|t| hex(t.raw))
        .collect();
    let out = enc(|w| a.encode(w, Version::V3));
    assert_eq!(hex(tlv(&out).value), want);

    // Read as v2, only the v2 members are modelled; its v2 form carries only them.
    let a2 = SendRoutingInfoArg::decode_bytes(&b, Version::V2).unwrap();
    assert_eq!((a2.msisdn, a2.number_of_forwarding), (a.msisdn, Some(5)));
    assert_eq!(
        (a2.cug_check_info, a2.network_signal_info),
        (a.cug_check_info, a.network_signal_info)
    );
    assert_eq!(a2.gmsc_or_gsmscf_address, None);
    assert_eq!(a2.interrogation_type, InterrogationType::BasicCall);
    assert_eq!(a2.unknown.iter().count(), 26);
    assert_eq!(
        enc(|w| a.encode(w, Version::V2)),
        enc(|w| a2.encode(w, Version::V2))
    );
}

#[test]
fn v2_sri_argument_round_trips() {
    let b = bytes(JSS7_SRI_ARG_V2);
    let a = SendRoutingInfoArg::decode_bytes(&b, Version::V2).unwrap();
    assert_eq!(a.msisdn, intl("29113123311"));
    assert_eq!(a.number_of_forwarding, Some(5));
    assert!(a.cug_check_info.is_some() && a.network_signal_info.is_some());
    assert_eq!(hex(&enc(|w| a.encode(w, Version::V2))), JSS7_SRI_ARG_V2);
    // In a v3 dialogue it lacks interrogationType and the GMSC address.
    assert_eq!(
        SendRoutingInfoArg::decode_bytes(&b, Version::V3)
            .unwrap_err()
            .kind,
        crate::ber::BerErrorKind::Missing("interrogationType")
    );
}

#[test]
fn what_scpd_sends_known_answer() {
    // msisdn 31612345678 and gsmSCF 31655500001, both international E.164:
    //   30 1d                      SendRoutingInfoArg
    //     80 07 91 13 16 32 54 76 f8   [0] msisdn
    //     83 01 00                 [3] interrogationType basicCall
    //     86 07 91 13 56 55 00 00 f1   [6] gmsc-OrGsmSCF-Address
    //     ab 06 03 02 04 f0 05 00  [11] camelInfo: phases 1-4 (4 bits 1111), suppress-T-CSI
    let a = SendRoutingInfoArg::gsmscf(intl("31612345678"), intl("31655500001"));
    let v3 = enc(|w| a.encode(w, Version::V3));
    assert_eq!(
        hex(&v3),
        "301d8007911316325476f88301008607911356550000f1ab06030204f00500"
    );
    // v2: msisdn only.
    let v2 = enc(|w| a.encode(w, Version::V2));
    assert_eq!(hex(&v2), "30098007911316325476f8");
    assert_eq!(
        SendRoutingInfoArg::decode_bytes(&v3, Version::V3).unwrap(),
        a
    );
    let back = SendRoutingInfoArg::decode_bytes(&v2, Version::V2).unwrap();
    assert_eq!(back.msisdn, a.msisdn);

    // ATI for the location and state of an IMSI:
    //   30 1e  a0 0a 80 08 62 02 11 32 54 76 98 f0   [0] { [0] imsi 262011234567890 }
    //          a1 07 80 00 81 00 84 01 00            [1] requestedInfo
    //          83 07 91 13 56 55 00 00 f1            [3] gsmSCF-Address
    let ati = AnyTimeInterrogationArg::location_and_state(
        SubscriberIdentity::Imsi(tbcd("262011234567890")),
        intl("31655500001"),
    );
    assert_eq!(
        hex(&enc(|w| ati.encode(w))),
        "301ea00a800862021132547698f0a107800081008401008307911356550000f1"
    );
}

fn full_subscriber_info() -> SubscriberInfo<'static> {
    SubscriberInfo {
        location_information: Some(LocationInformation {
            age_of_location_information: Some(5),
            geographical_information: Some(&[0x10, 0x4a, 0xaa, 0xaa, 0x09, 0x87, 0x65, 0x1a]),
            vlr_number: Some(intl("316540000")),
            location_number: Some(crate::camel::numbers::IsupNumber::e164(
                4,
                "31201234".parse().unwrap(),
            )),
            cell_id_or_lai: Some(CellIdOrLai::Lai {
                plmn: Plmn {
                    mcc: 204,
                    mnc: 8,
                    mnc_3_digits: false,
                },
                lac: 0x1234,
            }),
            msc_number: Some(intl("316540001")),
            current_location_retrieved: true,
            ..Default::default()
        }),
        subscriber_state: Some(SubscriberState::NetDetNotReachable(
            not_reachable_reason::IMSI_DETACHED,
        )),
        extension_container: Some(&[0xa0, 0x00]),
        imei: Some(tbcd("351234567890123")),
        unknown: Unknown::default(),
    }
}

#[test]
fn every_message_kind_round_trips() {
    let info = full_subscriber_info();
    // SendRoutingInfoArg v3 with every modelled member, and its v2 form.
    let a = SendRoutingInfoArg {
        msisdn: intl("31612345678"),
        cug_check_info: Some(&[0x04, 0x04, 1, 2, 3, 4, 0x05, 0x00]),
        number_of_forwarding: Some(2),
        interrogation_type: InterrogationType::Forwarding,
        or_interrogation: true,
        gmsc_or_gsmscf_address: Some(intl("31655500001")),
        call_reference_number: Some(&[1, 2, 3, 4, 5, 6, 7, 8]),
        network_signal_info: Some(&[0x0a, 0x01, 0x02, 0x04, 0x02, 0xaa, 0xbb]),
        camel_info: Some(CamelInfo {
            supported_camel_phases: NamedBits::new(0b0011, 1),
            suppress_t_csi: true,
            extension_container: Some(&[0xa0, 0x00]),
            offered_camel4_csis: Some(NamedBits::new(0b101, 7)),
        }),
        extension_container: Some(&[0xa0, 0x00]),
        suppress_mtss: Some(NamedBits::new(0b10, 2)),
        unknown: Unknown::default(),
    };
    let b = enc(|w| a.encode(w, Version::V3));
    assert_eq!(
        SendRoutingInfoArg::decode_bytes(&b, Version::V3).unwrap(),
        a
    );
    let b2 = enc(|w| a.encode(w, Version::V2));
    let v2 = SendRoutingInfoArg {
        msisdn: a.msisdn,
        cug_check_info: a.cug_check_info,
        number_of_forwarding: a.number_of_forwarding,
        network_signal_info: a.network_signal_info,
        ..Default::default()
    };
    assert_eq!(
        SendRoutingInfoArg::decode_bytes(&b2, Version::V2).unwrap(),
        v2
    );

    // SendRoutingInfoRes v3, each routing alternative.
    let fwd = ForwardingData {
        forwarded_to_number: Some(intl("31687654321")),
        forwarded_to_subaddress: Some(&[0xa0, 0x50]),
        forwarding_options: Some(0x24),
        extension_container: Some(&[0xa0, 0x00]),
        long_forwarded_to_number: Some(intl("3168765432100")),
    };
    let alternatives = [
        ExtendedRoutingInfo::RoamingNumber(intl("31600099999")),
        ExtendedRoutingInfo::ForwardingData(fwd),
        ExtendedRoutingInfo::CamelRoutingInfo(CamelRoutingInfo {
            forwarding_data: Some(fwd),
            gmsc_camel_subscription_info: &[0xa0, 0x03, 0x30, 0x01, 0x00],
            extension_container: Some(&[0xa0, 0x00]),
        }),
    ];
    for ri in alternatives {
        let r = SendRoutingInfoRes {
            imsi: Some(tbcd("204081234567890")),
            routing_info: Some(ri),
            cug_check_info: Some(&[0x04, 0x04, 1, 2, 3, 4]),
            cug_subscription_flag: true,
            subscriber_info: Some(info),
            forwarding_interrogation_required: true,
            vmsc_address: Some(intl("316540001")),
            extension_container: Some(&[0xa0, 0x00]),
            msisdn: Some(intl("31612345678")),
            unknown: Unknown::default(),
        };
        let b = enc(|w| r.encode(w, Version::V3));
        assert_eq!(b[0], 0xa3, "[3] SEQUENCE");
        assert_eq!(
            SendRoutingInfoRes::decode_bytes(&b, Version::V3).unwrap(),
            r
        );
        // v2: imsi, routingInfo, cug-CheckInfo only; camelRoutingInfo has no v2 form.
        let mut out = Vec::new();
        let v2 = r.encode(&mut Writer::new(&mut out), Version::V2);
        if let ExtendedRoutingInfo::CamelRoutingInfo(_) = ri {
            assert!(matches!(v2, Err(CodecError::Encode { .. })) && out.is_empty());
            continue;
        }
        v2.unwrap();
        assert_eq!(out[0], 0x30);
        let back = SendRoutingInfoRes::decode_bytes(&out, Version::V2).unwrap();
        let ri2 = match ri {
            ExtendedRoutingInfo::ForwardingData(f) => {
                ExtendedRoutingInfo::ForwardingData(ForwardingData {
                    extension_container: None,
                    long_forwarded_to_number: None,
                    ..f
                })
            }
            other => other,
        };
        assert_eq!(
            back,
            SendRoutingInfoRes {
                imsi: r.imsi,
                routing_info: Some(ri2),
                cug_check_info: r.cug_check_info,
                ..Default::default()
            }
        );
    }

    // AnyTimeInterrogation both ways.
    let ati = AnyTimeInterrogationArg {
        subscriber_identity: SubscriberIdentity::Msisdn(intl("31612345678")),
        requested_info: RequestedInfo {
            location_information: true,
            subscriber_state: true,
            extension_container: Some(&[0xa0, 0x00]),
            current_location: true,
            requested_domain: Some(domain::PS),
            imei: true,
            ms_classmark: true,
            mnp_requested_info: true,
        },
        gsmscf_address: intl("31655500001"),
        extension_container: Some(&[0xa0, 0x00]),
        unknown: Unknown::default(),
    };
    let b = enc(|w| ati.encode(w));
    assert_eq!(AnyTimeInterrogationArg::decode_bytes(&b).unwrap(), ati);
    for state in [
        SubscriberState::AssumedIdle,
        SubscriberState::CamelBusy,
        SubscriberState::NetDetNotReachable(3),
        SubscriberState::NotProvidedFromVlr,
    ] {
        let res = AnyTimeInterrogationRes {
            subscriber_info: SubscriberInfo {
                subscriber_state: Some(state),
                ..info
            },
            extension_container: Some(&[0xa0, 0x00]),
            unknown: Unknown::default(),
        };
        let b = enc(|w| res.encode(w));
        assert_eq!(AnyTimeInterrogationRes::decode_bytes(&b).unwrap(), res);
    }

    // Through the operation-level API.
    for (arg, v) in [
        (Arg::SendRoutingInfo(a), Version::V3),
        (Arg::AnyTimeInterrogation(ati), Version::V3),
    ] {
        let b = enc(|w| arg.encode(w, v));
        let got = decode_invoke(arg.operation().code().into(), Some(tlv(&b)), v).unwrap();
        assert_eq!(got, arg);
    }
    let res = Res::SendRoutingInfo(SendRoutingInfoRes::roaming(
        tbcd("204081234567890"),
        intl("31600099999"),
    ));
    for v in [Version::V2, Version::V3] {
        let b = enc(|w| res.encode(w, v));
        assert_eq!(
            decode_result(Operation::SendRoutingInfo, Some(tlv(&b)), v).unwrap(),
            res
        );
    }
}

#[test]
fn jss7_sri_results() {
    let b = bytes(JSS7_SRI_RES_MSRN);
    let r = SendRoutingInfoRes::decode_bytes(&b, Version::V3).unwrap();
    assert_eq!(r.imsi, Some(tbcd("011220200198227")));
    assert_eq!(
        r.routing_info,
        Some(ExtendedRoutingInfo::RoamingNumber(intl("79273605819")))
    );
    assert_eq!(hex(&enc(|w| r.encode(w, Version::V3))), JSS7_SRI_RES_MSRN);

    let b = bytes(JSS7_SRI_RES_FWD);
    let r = SendRoutingInfoRes::decode_bytes(&b, Version::V3).unwrap();
    let Some(ExtendedRoutingInfo::ForwardingData(f)) = r.routing_info else {
        panic!("{r:?}")
    };
    assert_eq!(f.forwarded_to_number, Some(intl("79273605819")));
    // 0x24: notification to calling party, forwarding reason busy (bits 4-3 = 01).
    assert_eq!(f.forwarding_options, Some(0x24));
    assert_eq!(hex(&enc(|w| r.encode(w, Version::V3))), JSS7_SRI_RES_FWD);

    let b = bytes(JSS7_SRI_RES_ALL);
    let r = SendRoutingInfoRes::decode_bytes(&b, Version::V3).unwrap();
    assert_eq!(r.imsi, Some(tbcd("011220200198227")));
    assert!(matches!(
        r.routing_info,
        Some(ExtendedRoutingInfo::ForwardingData(_))
    ));
    assert!(r.cug_check_info.is_some() && r.cug_subscription_flag);
    assert!(r.forwarding_interrogation_required);
    assert_eq!(r.vmsc_address, Some(intl("79273605819")));
    assert_eq!(r.msisdn, Some(intl("79273605819")));
    let s = r.subscriber_info.unwrap();
    let l = s.location_information.unwrap();
    assert_eq!(l.age_of_location_information, Some(1));
    assert!(l.sai_present && !l.current_location_retrieved);
    assert_eq!(
        l.cell_id_or_lai,
        Some(CellIdOrLai::CellId {
            plmn: Plmn {
                mcc: 724,
                mnc: 34,
                mnc_3_digits: false
            },
            lac: 31134,
            ci: 10656
        })
    );
    assert_eq!(s.subscriber_state, Some(SubscriberState::AssumedIdle));
    // ss-List [1], basicService [5], naea-PreferredCI [10], ccbs-Indicators [11] and the
    // later extension members up to gsm-BearerCapability [23].
    let unknown: Vec<u32> = r.unknown.iter().map(|t| t.tag.number).collect();
    assert_eq!(
        unknown,
        [1, 5, 10, 11, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23]
    );

    let b = bytes(JSS7_SRI_RES_V2);
    let r = SendRoutingInfoRes::decode_bytes(&b, Version::V2).unwrap();
    assert_eq!(
        r,
        SendRoutingInfoRes::roaming(tbcd("011220200198227"), intl("79273605819"))
    );
    assert_eq!(hex(&enc(|w| r.encode(w, Version::V2))), JSS7_SRI_RES_V2);
    let b = bytes(JSS7_SRI_RES_V2_CUG);
    let r = SendRoutingInfoRes::decode_bytes(&b, Version::V2).unwrap();
    assert_eq!(r.cug_check_info.map(<[u8]>::len), Some(0x31));
    assert_eq!(hex(&enc(|w| r.encode(w, Version::V2))), JSS7_SRI_RES_V2_CUG);
    // A v2 result read as v3 has no tagged members: nothing modelled, nothing lost.
    let b = bytes(JSS7_SRI_RES_V2);
    let v3 = SendRoutingInfoRes::decode_bytes(&b, Version::V3).unwrap();
    assert_eq!(v3.imsi, None);
    assert!(matches!(
        v3.routing_info,
        Some(ExtendedRoutingInfo::RoamingNumber(_))
    ));
}

#[test]
fn v2_result_extension_members_are_kept() {
    // SendRoutingInfoResV2 with a member of a later release after cug-CheckInfo.
    let b = bytes("3019040810210202108922f70407919772635018f930009f2101ff");
    let r = SendRoutingInfoRes::decode_bytes(&b, Version::V2).unwrap();
    assert_eq!(r.cug_check_info, Some(&[][..]));
    assert_eq!(unknown_hex(&r.unknown), "9f2101ff");
}

#[test]
fn geographical_information_known_values() {
    // 52.5 N 13.4 E within 100 m: N = floor(2^23 * 52.5 / 90) = 4893354 = 0x4aaaaa,
    // floor(2^24 * 13.4 / 360) = 624485 = 0x098765, K = 26 (10 * (1.1^26 - 1) = 109.2 m;
    // K = 25 gives 98.3 m).
    let berlin = [0x10, 0x4a, 0xaa, 0xaa, 0x09, 0x87, 0x65, 0x1a];
    let g = GeographicalInformation::decode(&berlin, 0).unwrap();
    assert_eq!(
        g,
        GeographicalInformation {
            south: false,
            latitude_code: 0x4a_aaaa,
            longitude_code: 0x09_8765,
            uncertainty_code: 26
        }
    );
    assert!((g.latitude() - 52.5).abs() < 90.0 / 8_388_608.0);
    assert!((g.longitude() - 13.4).abs() < 360.0 / 16_777_216.0);
    assert!((g.uncertainty_m() - 109.1818).abs() < 1e-3);
    assert_eq!(GeographicalInformation::from_degrees(52.5, 13.4, 100.0), g);
    assert_eq!(g.encode(), berlin);
    // 33.9 S 70.6 W within 5 km: N = 3159709 = 0x30369d with the sign bit, longitude
    // floor(2^24 * -70.6 / 360) = -3290199 = 0xcdcba9, K = 66 (5384 m).
    let santiago = [0x10, 0xb0, 0x36, 0x9d, 0xcd, 0xcb, 0xa9, 0x42];
    let g = GeographicalInformation::from_degrees(-33.9, -70.6, 5000.0);
    assert_eq!(g.encode(), santiago);
    let d = GeographicalInformation::decode(&santiago, 0).unwrap();
    assert_eq!(d, g);
    assert!(d.south && d.latitude() < -33.899 && d.longitude() < -70.599);
    assert_eq!(d.longitude_code, -3_290_199);
    // Edges: the poles and the antimeridian clamp or wrap into range; the largest code.
    let n = GeographicalInformation::from_degrees(90.0, 180.0, 1e9);
    assert_eq!(
        (n.latitude_code, n.longitude_code, n.uncertainty_code),
        (0x7f_ffff, -0x80_0000, 127)
    );
    let nan = GeographicalInformation::from_degrees(f64::NAN, f64::NAN, f64::NAN);
    assert_eq!(nan.encode(), [0x10, 0, 0, 0, 0, 0, 0, 0]);
    // Another shape (ellipsoid point, 0000) or length is refused.
    assert!(GeographicalInformation::decode(&[0x00; 8], 0).is_err());
    assert!(GeographicalInformation::decode(&berlin[..7], 0).is_err());
}

proptest::proptest! {
    #[test]
    fn geographical_codes_survive_degrees(
        south in proptest::bool::ANY,
        lat in 0u32..0x80_0000,
        lon in -0x80_0000i32..0x80_0000,
        k in 0u8..128,
    ) {
        let g = GeographicalInformation { south, latitude_code: lat, longitude_code: lon, uncertainty_code: k };
        let back = GeographicalInformation::from_degrees(g.latitude(), g.longitude(), g.uncertainty_m());
        // -0.0 is north: the sign of a zero latitude is not kept.
        let want = GeographicalInformation { south: south && lat != 0, ..g };
        proptest::prop_assert_eq!(back, want);
        proptest::prop_assert_eq!(GeographicalInformation::decode(&want.encode(), 0).unwrap(), want);
    }
}

#[test]
fn errors_known_answers_in_both_versions() {
    use errors::*;
    let cases: &[(MapError, &str, &str)] = &[
        (
            MapError::UnknownSubscriber {
                diagnostic: Some(unknown_subscriber_diagnostic::IMSI_UNKNOWN),
            },
            "30030a0100",
            "",
        ),
        (
            MapError::AbsentSubscriber {
                reason: Some(absent_subscriber_reason::IMSI_DETACH),
            },
            "3003800100",
            "",
        ),
        (
            MapError::CallBarred {
                cause: Some(call_barring_cause::OPERATOR_BARRING),
            },
            "0a0101",
            "0a0101",
        ),
        (
            MapError::CugReject {
                cause: Some(cug_reject_cause::SUBSCRIBER_NOT_MEMBER_OF_CUG),
            },
            "30030a0101",
            "0a0101",
        ),
        (
            MapError::SystemFailure {
                network_resource: Some(network_resource::HLR),
            },
            "0a0101",
            "0a0101",
        ),
        (
            MapError::BusySubscriber {
                ccbs_possible: true,
                ccbs_busy: false,
            },
            "30028000",
            "",
        ),
        (MapError::NumberChanged, "", ""),
        (MapError::AtiNotAllowed, "", ""),
    ];
    for (e, v3, v2) in cases {
        for (v, want) in [(Version::V3, v3), (Version::V2, v2)] {
            let p = e.parameter_bytes(v).unwrap();
            assert_eq!(
                p.as_deref().map(hex).unwrap_or_default(),
                *want,
                "{e} {v:?}"
            );
            let back = MapError::decode_bytes(e.code(), p.as_deref()).unwrap();
            if v == Version::V3 || !want.is_empty() {
                assert_eq!(back, *e, "{v:?}");
            }
        }
    }
    assert_eq!(MapError::NumberChanged.code(), 44);
    assert_eq!(MapError::OrNotAllowed.name(), "or-NotAllowed");
    assert_eq!(MapError::CugReject { cause: None }.name(), "cug-Reject");
    assert_eq!(error_name(49), Some("ati-NotAllowed"));
    assert_eq!(MapError::decode(99, None).unwrap(), MapError::Other(99));
    // The v2 absentSubscriber parameter (mwd-Set BOOLEAN) and the v3 extensible forms.
    assert_eq!(
        MapError::decode_bytes(27, Some(&[0x01, 0x01, 0xff])).unwrap(),
        MapError::AbsentSubscriber { reason: None }
    );
    assert_eq!(
        MapError::decode_bytes(13, Some(&bytes("300580000a0100"))),
        Ok(MapError::CallBarred { cause: Some(0) })
    );
    assert_eq!(
        MapError::decode_bytes(34, Some(&bytes("30058001030a0102"))).map_err(|_| ()),
        Err(()),
        "truncated SEQUENCE"
    );
    assert_eq!(
        MapError::decode_bytes(34, Some(&bytes("30060a0105800103"))),
        Ok(MapError::SystemFailure {
            network_resource: Some(5)
        })
    );
    // Values outside their type are not encoded.
    assert!(MapError::CallBarred { cause: Some(2) }
        .parameter_bytes(Version::V3)
        .is_err());
    assert!(MapError::CugReject { cause: Some(3) }
        .parameter_bytes(Version::V2)
        .is_err());
}

#[test]
fn error_codes_checked_against_the_operation() {
    let op = Operation::SendRoutingInfo;
    let p = bytes("30030a0100");
    assert_eq!(
        decode_error(op, 1, Some(tlv(&p)), Version::V3),
        Ok(MapError::UnknownSubscriber {
            diagnostic: Some(0)
        })
    );
    // busySubscriber is v3 only; ati-NotAllowed is ATI's; 99 is no MAP error.
    let e = decode_error(op, 45, None, Version::V2).unwrap_err();
    assert_eq!(e.problem(), Some(Problem::UnexpectedError));
    let e = decode_error(op, 49, None, Version::V3).unwrap_err();
    assert_eq!(
        e,
        CodecError::UnexpectedError {
            op: "sendRoutingInfo",
            error: "ati-NotAllowed"
        }
    );
    let e = decode_error(op, 99, None, Version::V3).unwrap_err();
    assert_eq!(e.problem(), Some(Problem::UnrecognizedError));
    // A bad parameter: strict fails with a mistyped parameter, lenient keeps the error.
    let bad = bytes("300380010a"); // absentSubscriberReason [0] is ENUMERATED, fine
    assert!(decode_error(op, 27, Some(tlv(&bad)), Version::V3).is_ok());
    let bad = bytes("04020101");
    let e = decode_error(op, 27, Some(tlv(&bad)), Version::V3).unwrap_err();
    assert_eq!(e.problem(), Some(Problem::ErrorMistypedParameter));
    let mut notes = MalformedMembers::new();
    let got = decode_error_lenient(op, 27, Some(tlv(&bad)), Version::V3, &mut notes).unwrap();
    assert_eq!(got, MapError::AbsentSubscriber { reason: None });
    assert_eq!(notes.len(), 1);
    assert_eq!((notes[0].member, notes[0].raw), ("parameter", &bad[..]));
}

#[test]
fn malformed_optional_members_are_noted_mandatory_ones_fail() {
    // SendRoutingInfoArg v3 with a callReferenceNumber that is constructed and a camelInfo
    // without supportedCamelPhases.
    let b = bytes("301e8007911316325476f88301008607911356550000f1a7030401aaab020500");
    let mut notes = MalformedMembers::new();
    let a = SendRoutingInfoArg::decode_lenient(tlv(&b), Version::V3, &mut notes).unwrap();
    assert_eq!(a.msisdn, intl("31612345678"));
    assert_eq!((a.call_reference_number, a.camel_info), (None, None));
    let names: Vec<_> = notes.iter().map(|m| m.member).collect();
    assert_eq!(names, ["callReferenceNumber", "camelInfo"]);
    assert_eq!(hex(notes[0].raw), "a7030401aa");
    let e = decode_invoke(22, Some(tlv(&b)), Version::V3).unwrap_err();
    assert_eq!(e.problem(), Some(Problem::InvokeMistypedParameter));
    let mut notes = MalformedMembers::new();
    assert!(decode_invoke_lenient(22, Some(tlv(&b)), Version::V3, &mut notes).is_ok());

    // A msisdn with a digit after the filler, or no GMSC address: the whole argument fails.
    for h in [
        "30158007911f16325476f88301008607911356550000f1",
        "300c8007911316325476f8830100",
        "300c8301008607911356550000f1",
    ] {
        let b = bytes(h);
        let mut notes = MalformedMembers::new();
        assert!(
            SendRoutingInfoArg::decode_lenient(tlv(&b), Version::V3, &mut notes).is_err(),
            "{h}"
        );
    }

    // An ATI result whose cell id is 3 octets and IMEI has a digit after its filler: the
    // cell id and the IMEI are noted and left out, the location's age and the state kept.
    let b = bytes("301c 301a a00a 020102 a305 8003 123456 a1028000 8508 1234567890f1ff21");
    let mut notes = MalformedMembers::new();
    let r = AnyTimeInterrogationRes::decode_lenient(tlv(&b), &mut notes).unwrap();
    let l = r.subscriber_info.location_information.as_ref().unwrap();
    assert_eq!(
        (l.age_of_location_information, l.cell_id_or_lai),
        (Some(2), None)
    );
    assert_eq!(r.subscriber_info.imei, None);
    assert_eq!(
        r.subscriber_info.subscriber_state,
        Some(SubscriberState::AssumedIdle)
    );
    let names: Vec<_> = notes.iter().map(|m| m.member).collect();
    assert_eq!(
        names,
        [
            "locationInformation.cellGlobalIdOrServiceAreaIdOrLAI",
            "subscriberInfo.imei"
        ]
    );
    let e = decode_result(Operation::AnyTimeInterrogation, Some(tlv(&b)), Version::V3).unwrap_err();
    assert_eq!(e.problem(), Some(Problem::ResultMistypedParameter));

    // Missing and mistyped mandatory parts.
    assert_eq!(
        decode_invoke(71, None, Version::V3).unwrap_err(),
        CodecError::Missing {
            op: "anyTimeInterrogation",
            part: Part::Argument
        }
    );
    let e = decode_invoke(2, None, Version::V3).unwrap_err();
    assert_eq!(e.problem(), Some(Problem::UnrecognizedOperation));
    let no_scf = bytes("300fa009810791197839171462a1028000");
    assert!(AnyTimeInterrogationArg::decode_bytes(&no_scf).is_err());
    let v2_no_routing = bytes("300a040810210202108922f7");
    assert!(SendRoutingInfoRes::decode_bytes(&v2_no_routing, Version::V2).is_err());
    let not_seq = bytes("0401ff");
    assert!(SendRoutingInfoRes::decode_bytes(&not_seq, Version::V3).is_err());
    assert!(AnyTimeInterrogationRes::decode_bytes(&bytes("3000")).is_err());
}

#[test]
fn encoders_refuse_what_the_types_cannot_carry() {
    let mut out = Vec::new();
    let mut w = Writer::new(&mut out);
    // ISDN-AddressString holds at most 16 digits.
    let long = SendRoutingInfoArg::gsmscf(intl("12345678901234567"), intl("31655500001"));
    assert_eq!(
        long.encode(&mut w, Version::V3),
        Err(CodecError::Encode {
            member: "msisdn",
            why: "too many digits"
        })
    );
    // v3 needs the gsmSCF address; v2 does not.
    let mut a = SendRoutingInfoArg::gsmscf(intl("31612345678"), intl("31655500001"));
    a.gmsc_or_gsmscf_address = None;
    assert!(a.encode(&mut w, Version::V3).is_err());
    a.number_of_forwarding = Some(6);
    assert!(a.encode(&mut w, Version::V2).is_err());
    a.number_of_forwarding = None;
    a.network_signal_info = Some(&[0x0a, 0x05]);
    assert!(a.encode(&mut w, Version::V2).is_err(), "opaque must be BER");
    // SIZE and bit string bounds.
    let mut a = SendRoutingInfoArg::gsmscf(intl("31612345678"), intl("31655500001"));
    a.call_reference_number = Some(&[0; 9]);
    assert!(a.encode(&mut w, Version::V3).is_err());
    a.call_reference_number = None;
    a.suppress_mtss = Some(NamedBits { mask: 1, len: 1 });
    assert!(a.encode(&mut w, Version::V3).is_err());
    a.suppress_mtss = Some(NamedBits {
        mask: 0b100,
        len: 2,
    });
    assert!(a.encode(&mut w, Version::V3).is_err());
    // v2 results need imsi and a routingInfo.
    let r = SendRoutingInfoRes {
        routing_info: Some(ExtendedRoutingInfo::RoamingNumber(intl("316"))),
        ..Default::default()
    };
    assert!(r.encode(&mut w, Version::V2).is_err());
    assert!(r.encode(&mut w, Version::V3).is_ok());
    out.clear();
    let mut w = Writer::new(&mut out);
    // The IMEI is 8 octets, the state a NotReachableReason, ATI v3 only.
    let mut s = full_subscriber_info();
    s.imei = Some(tbcd("3512345678901"));
    assert!(s.check().is_err());
    let res = AnyTimeInterrogationRes {
        subscriber_info: s,
        ..Default::default()
    };
    assert!(res.encode(&mut w).is_err());
    s.imei = None;
    s.subscriber_state = Some(SubscriberState::NetDetNotReachable(4));
    let res = AnyTimeInterrogationRes {
        subscriber_info: s,
        ..Default::default()
    };
    assert!(res.encode(&mut w).is_err());
    let ati = Arg::AnyTimeInterrogation(AnyTimeInterrogationArg::location_and_state(
        SubscriberIdentity::Imsi(tbcd("2040")),
        intl("31655500001"),
    ));
    assert!(ati.encode(&mut w, Version::V2).is_err());
    assert!(ati.encode(&mut w, Version::V3).is_err(), "IMSI of 2 octets");
    assert!(out.is_empty(), "nothing written on error");
    assert_eq!(
        CodecError::encode("x", "y").problem(),
        None,
        "nothing to reject"
    );
}

/// Every prefix and every one-octet change of the vectors: decoders return errors, never
/// panic; what decodes re-encodes to something that decodes to the same value.
#[test]
fn hostile_inputs_do_not_panic() {
    let vectors = [
        ATI_ARG,
        ATI_RES,
        ATI_ARG_2,
        ATI_RES_2,
        SRI_ARG,
        JSS7_SRI_ARG_ALL,
        JSS7_SRI_ARG_V2,
        JSS7_SRI_RES_ALL,
        JSS7_SRI_RES_V2_CUG,
    ];
    let mut decoded = 0;
    for v in vectors {
        let good = bytes(v);
        let mut inputs: Vec<Vec<u8>> = (0..good.len()).map(|n| good[..n].to_vec()).collect();
        for i in 0..good.len() {
            for x in [0x01, 0x20, 0x80, 0xff] {
                let mut b = good.clone();
                b[i] ^= x;
                inputs.push(b);
            }
        }
        for b in &inputs {
            let Ok(t) = Tlv::parse_single(b) else {
                continue;
            };
            for version in [Version::V2, Version::V3] {
                for op in Operation::ALL {
                    let mut notes = MalformedMembers::new();
                    if let Ok(a) =
                        decode_invoke_lenient(op.code().into(), Some(t), version, &mut notes)
                    {
                        decoded += 1;
                        let mut out = Vec::new();
                        if a.encode(&mut Writer::new(&mut out), version).is_ok() {
                            let back = decode_invoke(op.code().into(), Some(tlv(&out)), version)
                                .unwrap_or_else(|e| panic!("{e}: {}", hex(&out)));
                            let mut again = Vec::new();
                            back.encode(&mut Writer::new(&mut again), version).unwrap();
                            assert_eq!(again, out);
                        }
                    }
                    let mut notes = MalformedMembers::new();
                    if let Ok(r) = decode_result_lenient(op, Some(t), version, &mut notes) {
                        decoded += 1;
                        let mut out = Vec::new();
                        if r.encode(&mut Writer::new(&mut out), version).is_ok() {
                            let back = decode_result(op, Some(tlv(&out)), version)
                                .unwrap_or_else(|e| panic!("{e}: {}", hex(&out)));
                            let mut again = Vec::new();
                            back.encode(&mut Writer::new(&mut again), version).unwrap();
                            assert_eq!(again, out);
                        }
                    }
                    for code in op.errors(version) {
                        let _ = MapError::decode(i64::from(*code), Some(t));
                    }
                }
            }
            let _ = GeographicalInformation::decode(b, 0);
        }
    }
    assert!(decoded > 1000, "{decoded}");
}

#[test]
fn unknown_members_compare_by_content() {
    let a = bytes("3006 8000 9f6401ff");
    let b = bytes("3006 9f6401ff 8000");
    let c = bytes("3006 8000 9f6401fe");
    let (ua, ub, uc) = (
        Unknown::of(&tlv(&a), |t| t.tag == Tag::ctx(0)),
        Unknown::of(&tlv(&b), |t| t.tag == Tag::ctx(0)),
        Unknown::of(&tlv(&c), |t| t.tag == Tag::ctx(0)),
    );
    assert_eq!(ua, ub);
    assert_ne!(ua, uc);
    assert_eq!(unknown_hex(&ua), "9f6401ff");
    assert_eq!(format!("{ua:?}"), "[\"9f6401ff\"]");
    assert!(Unknown::default().is_empty());
}
