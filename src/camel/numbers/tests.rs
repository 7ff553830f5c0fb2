use super::*;
use crate::ber::from_hex;
use crate::digits::DigitsError;
use proptest::prelude::*;

#[test]
fn isup_called_party_with_st() {
    // camel2.pcap frame 1 IDP calledPartyNumber [2]: national, INN=1, ISDN, "1227010900"+ST.
    let v = from_hex("83902172109000 0f").unwrap();
    let n = IsupNumber::decode(&v, 0).unwrap();
    assert_eq!(n.nature, nature::NATIONAL);
    assert!(n.inn_or_ni);
    assert_eq!(n.plan, PLAN_ISDN);
    assert_eq!(n.digits.as_str(), "1227010900");
    assert!(n.st);
    assert_eq!(n.filler, 0);
    assert_eq!(n.to_vec(), v);
}

#[test]
fn isup_calling_party_fields() {
    // camel.pcap frame 1 IDP callingPartyNumber [3]: 84 11 14 87 09 50 40 f7.
    let v = from_hex("841114870950 40f7").unwrap();
    let n = IsupNumber::decode(&v, 0).unwrap();
    assert_eq!(n.nature, nature::INTERNATIONAL);
    assert!(!n.inn_or_ni);
    assert_eq!((n.plan, n.presentation, n.screening), (1, 0, 1));
    assert_eq!(n.digits.as_str(), "41789005047");
    assert!(!n.st);
    assert_eq!(n.filler, 0xf);
    assert_eq!(n.to_vec(), v);
}

#[test]
fn isup_special_signals() {
    let n = IsupNumber::e164(nature::UNKNOWN, "*12#a".parse().unwrap());
    let v = n.to_vec();
    assert_eq!(v, [0x82, 0x10, 0x1b, 0xc2, 0x0a]);
    assert_eq!(IsupNumber::decode(&v, 0).unwrap(), n);
    assert!("b".parse::<IsupDigits>().is_err());
    assert!(IsupNumber::decode(&[0x80, 0x10], 0).is_err());
    assert!(IsupNumber::decode(&[0x00, 0x10, 0xf1, 0x22], 0).is_err());
    assert!(IsupNumber::decode(&[0x00], 0).is_err());
}

#[test]
fn tbcd_and_address_string() {
    // camel.pcap frame 1 IDP mscAddress [55]: international E.164 "33662000000".
    let v = from_hex("913366020000f0").unwrap();
    let a = AddressString::decode(&v, 0).unwrap();
    assert_eq!((a.ext, a.nature, a.plan), (true, 1, 1));
    assert_eq!(a.digits.as_str(), "33662000000");
    assert_eq!(a.to_vec(), v);
    let d: TbcdDigits = "*#abc1".parse().unwrap();
    let mut out = Vec::new();
    d.encode_into(&mut out);
    assert_eq!(out, [0xba, 0xdc, 0x1e]);
    assert_eq!(TbcdDigits::decode(&out, 0).unwrap(), d);
    assert!(TbcdDigits::decode(&[0xf1, 0x22], 0).is_err());
    assert!("d".parse::<TbcdDigits>().is_err());
    assert_eq!(
        "1".repeat(41).parse::<TbcdDigits>(),
        Err(DigitsError::TooLong)
    );
}

#[test]
fn cell_id_and_lai() {
    // 22-249.pcap frame 41: CGI 64 f0 00 80 0d f8 2a → 460-00, LAC 0x800d, CI 0xf82a.
    let v = from_hex("64f000800df82a").unwrap();
    let c = CellIdOrLai::decode(&v, 0).unwrap();
    let CellIdOrLai::CellId { plmn, lac, ci } = c else {
        panic!("not a CGI")
    };
    assert_eq!((plmn.mcc, plmn.mnc, plmn.mnc_3_digits), (460, 0, false));
    assert_eq!(plmn.to_string(), "460-00");
    assert_eq!((lac, ci), (0x800d, 0xf82a));
    let mut out = Vec::new();
    c.encode_into(&mut out);
    assert_eq!(out, v);
    let lai = CellIdOrLai::decode(&v[..5], 0).unwrap();
    assert!(matches!(lai, CellIdOrLai::Lai { lac: 0x800d, .. }));
    assert!(CellIdOrLai::decode(&v[..6], 0).is_err());
}

#[test]
fn cause_forms() {
    let c = Cause::decode(&[0x84, 0x90], 0).unwrap();
    assert_eq!((c.coding_standard, c.location, c.value), (0, 4, 16));
    assert_eq!(c.recommendation, None);
    assert_eq!(c.to_vec(), [0x84, 0x90]);
    let c = Cause::decode(&[0x04, 0x81, 0x95, 0x01], 0).unwrap();
    assert_eq!(
        (c.recommendation, c.value, c.diagnostics),
        (Some(1), 21, &[1u8][..])
    );
    assert_eq!(c.to_vec(), [0x04, 0x81, 0x95, 0x01]);
    assert!(Cause::decode(&[0x84], 0).is_err());
    assert!(Cause::decode(&[], 0).is_err());
}

#[test]
fn bearer_capability_and_redirection() {
    // camel2.pcap frame 1 IDP [27]: 80 03 80 90 a3 → speech, circuit 64 kbit/s, A-law.
    let b = BearerCapability::decode_choice(&[0x80, 0x03, 0x80, 0x90, 0xa3]).unwrap();
    assert_eq!(
        b.information_transfer_capability,
        transfer_capability::SPEECH
    );
    assert_eq!(
        (b.coding_standard, b.transfer_mode, b.transfer_rate),
        (0, 0, 16)
    );
    assert_eq!(b.layer1_protocol, Some(3));
    let mut v = Vec::new();
    b.encode_fields(&mut v);
    assert_eq!(v, [0x80, 0x90, 0xa3]);
    assert!(BearerCapability::decode_choice(&[0x81, 0x02, 0x80, 0x90]).is_err());
    // Q.763 §3.45: call diverted (3), original reason no reply (2), counter 1, reason
    // unconditional (3).
    let r = RedirectionInformation::decode(&[0x23, 0x31], 0).unwrap();
    assert_eq!(
        (r.redirecting_indicator, r.original_redirection_reason),
        (3, 2)
    );
    assert_eq!((r.redirection_counter, r.redirecting_reason), (1, 3));
    assert_eq!(r.encode(), [0x23, 0x31]);
    // SupportedCamelPhases {phase1..phase4} set: 4 unused bits, f0.
    assert_eq!(bit_string_bits(&[0x04, 0xf0]), Some(0b1111));
    assert_eq!(bit_string_bits(&[0x08, 0xf0]), None);
}

#[test]
fn time_and_timezone() {
    // 22-249.pcap frame 41 IDP [57]: 2009-10-30 14:10:03, GMT+8 (32 quarter hours).
    let v = from_hex("0290010341013023").unwrap();
    let t = TimeAndTimezone::decode(&v, 0).unwrap();
    assert_eq!(
        (t.year, t.month, t.day, t.hour, t.minute, t.second),
        (2009, 10, 30, 14, 10, 3)
    );
    assert_eq!(t.tz_quarter_hours, 32);
    let mut out = Vec::new();
    t.encode_into(&mut out);
    assert_eq!(out, v);
}

pub(crate) fn isup_digits() -> impl Strategy<Value = IsupDigits> {
    "[0-9*#ade]{0,30}".prop_map(|s| s.parse().unwrap())
}
pub(crate) fn tbcd_digits() -> impl Strategy<Value = TbcdDigits> {
    "[0-9*#abc]{0,38}".prop_map(|s| s.parse().unwrap())
}
pub(crate) fn isup_number() -> impl Strategy<Value = IsupNumber> {
    (
        0u8..128,
        any::<bool>(),
        0u8..8,
        0u8..4,
        0u8..4,
        isup_digits(),
        any::<bool>(),
        prop_oneof![Just(0u8), Just(0xf)],
    )
        .prop_map(
            |(nature, inn_or_ni, plan, presentation, screening, digits, st, f)| {
                let odd = (digits.len() + usize::from(st)) % 2 == 1;
                IsupNumber {
                    nature,
                    inn_or_ni,
                    plan,
                    presentation,
                    screening,
                    digits,
                    st,
                    filler: if odd { f } else { 0 },
                }
            },
        )
}
pub(crate) fn address_string() -> impl Strategy<Value = AddressString> {
    (any::<bool>(), 0u8..8, 0u8..16, tbcd_digits()).prop_map(|(ext, nature, plan, digits)| {
        AddressString {
            ext,
            nature,
            plan,
            digits,
        }
    })
}

/// One nibble at a time, as `Digits::from_bcd` did before it unpacked whole words.
fn reference_bcd<A: crate::digits::Bcd>(
    bytes: &[u8],
    count: Option<usize>,
) -> std::result::Result<crate::digits::Digits<A>, crate::digits::BcdError> {
    use crate::digits::{BcdError, DigitsError};
    let mut text = String::new();
    let mut ended = false;
    let nibbles = bytes.iter().flat_map(|b| [b & 0x0f, b >> 4]);
    for (i, n) in nibbles.enumerate().take(count.unwrap_or(usize::MAX)) {
        let at = |error| BcdError {
            octet: i / 2,
            error,
        };
        if ended {
            if n != 0x0f {
                return Err(at(DigitsError::AfterFiller));
            }
        } else if n == 0x0f && count.is_none() {
            ended = true;
        } else {
            let s = A::symbol(n).ok_or_else(|| at(DigitsError::BadNibble(n)))?;
            if text.len() >= A::MAX_LEN {
                return Err(at(DigitsError::TooLong));
            }
            text.push(char::from(s));
        }
    }
    Ok(text.parse().unwrap())
}

proptest! {
    #[test]
    fn isup_round_trip(n in isup_number()) {
        prop_assert_eq!(IsupNumber::decode(&n.to_vec(), 0).unwrap(), n);
    }

    #[test]
    fn generic_number_round_trip(q in any::<u8>(), n in isup_number()) {
        let g = GenericNumber { qualifier: q, number: n };
        let mut v = Vec::new();
        g.encode_into(&mut v);
        prop_assert_eq!(GenericNumber::decode(&v, 0).unwrap(), g);
    }

    #[test]
    fn address_string_round_trip(a in address_string()) {
        prop_assert_eq!(AddressString::decode(&a.to_vec(), 0).unwrap(), a);
    }

    #[test]
    fn digits_text_round_trip(d in tbcd_digits(), i in isup_digits()) {
        prop_assert_eq!(d.to_string().parse::<TbcdDigits>().unwrap(), d);
        prop_assert_eq!(i.to_string().parse::<IsupDigits>().unwrap(), i);
    }

    #[test]
    fn cell_id_round_trip(mcc in 0u16..1000, mnc in 0u16..1000, three in any::<bool>(),
                          lac in any::<u16>(), ci in any::<u16>(), lai in any::<bool>()) {
        let plmn = Plmn { mcc, mnc: if three { mnc } else { mnc % 100 }, mnc_3_digits: three };
        let c = if lai { CellIdOrLai::Lai { plmn, lac } } else { CellIdOrLai::CellId { plmn, lac, ci } };
        let mut v = Vec::new();
        c.encode_into(&mut v);
        prop_assert_eq!(CellIdOrLai::decode(&v, 0).unwrap(), c);
    }

    #[test]
    fn cause_round_trip(cs in 0u8..4, loc in 0u8..16, rec in proptest::option::of(0u8..128),
                        value in 0u8..128, diag in proptest::collection::vec(any::<u8>(), 0..4)) {
        let c = Cause { coding_standard: cs, location: loc, recommendation: rec, value, diagnostics: &diag };
        let v = c.to_vec();
        prop_assert_eq!(Cause::decode(&v, 0).unwrap(), c);
    }

    #[test]
    fn time_round_trip(year in 0u16..10000, month in 0u8..100, day in 0u8..100, hour in 0u8..100,
                       minute in 0u8..100, second in 0u8..100, tz in -79i8..=79) {
        let t = TimeAndTimezone { year, month, day, hour, minute, second, tz_quarter_hours: tz };
        let mut v = Vec::new();
        t.encode_into(&mut v);
        prop_assert_eq!(TimeAndTimezone::decode(&v, 0).unwrap(), t);
    }

    #[test]
    fn number_decoders_never_panic(data in proptest::collection::vec(any::<u8>(), 0..48)) {
        let _ = IsupNumber::decode(&data, 0);
        let _ = GenericNumber::decode(&data, 0);
        let _ = AddressString::decode(&data, 0);
        let _ = CellIdOrLai::decode(&data, 0);
        let _ = Cause::decode(&data, 0);
        let _ = TimeAndTimezone::decode(&data, 0);
        let _ = RedirectionInformation::decode(&data, 0);
        let _ = BearerCapability::decode(&data, 0);
        let _ = BearerCapability::decode_choice(&data);
        let _ = bit_string_bits(&data);
    }

    /// The word-at-a-time unpacking in `Digits::from_bcd` against the plain nibble loop
    /// it replaced: same digits, same error and octet, for both formats, with and
    /// without a count. Octets are mostly decimal so that the fast path runs, with
    /// fillers, `*`/`#` and bad nibbles mixed in.
    #[test]
    fn bcd_unpacking_matches_nibble_loop(
        data in proptest::collection::vec(
            prop_oneof![8 => (0u8..10, 0u8..10).prop_map(|(l, h)| l | h << 4), 2 => any::<u8>()],
            0..30),
        filler in any::<bool>(),
        count in proptest::option::of(0usize..64),
    ) {
        let mut data = data;
        if filler {
            if let Some(last) = data.last_mut() {
                *last |= 0xf0;
            }
        }
        prop_assert_eq!(
            crate::digits::Digits::<crate::digits::Tbcd>::from_bcd(&data, count),
            reference_bcd(&data, count)
        );
        prop_assert_eq!(
            crate::digits::Digits::<crate::digits::Isup>::from_bcd(&data, count),
            reference_bcd(&data, count)
        );
        prop_assert_eq!(
            TbcdDigits::decode(&data, 0).ok(),
            reference_bcd::<crate::digits::Tbcd>(&data, None).ok()
        );
    }

    #[test]
    fn redirection_information_round_trip(a in any::<[u8; 2]>()) {
        let r = RedirectionInformation::decode(&a, 0).unwrap();
        prop_assert_eq!(r.encode(), a);
    }
}
