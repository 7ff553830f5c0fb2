use super::*;
use crate::ber::{Tlv, Writer};

#[test]
fn calling_party_id_as_tshark_shows_it() {
    // CallingPartyID 2015550123, national (3), ISDN plan, presentation allowed, network
    // provided: 03 13 02 51 55 10 32 — even count, no filler.
    let enc = [0x03, 0x13, 0x02, 0x51, 0x55, 0x10, 0x32];
    let d = AinDigits::decode(&enc, 0).unwrap();
    assert_eq!(
        (d.nature, d.plan, d.presentation, d.screening),
        (3, 1, 0, 3)
    );
    assert_eq!(d.digits.as_str(), "2015550123");
    let mut out = Vec::new();
    d.encode_into(&mut out);
    assert_eq!(out, enc);
}

#[test]
fn odd_count_uses_a_zero_filler() {
    let d = AinDigits::national("5550123".parse().unwrap());
    let mut out = Vec::new();
    d.encode_into(&mut out);
    assert_eq!(out, [0x83, 0x10, 0x55, 0x05, 0x21, 0x03]);
    assert_eq!(AinDigits::decode(&out, 0).unwrap(), d);
    assert!(AinDigits::decode(&[0x83], 9).is_err());
    assert!(AinDigits::decode(&[0x83, 0x10], 9).is_err());
}

#[test]
fn carrier_cic() {
    // Carrier 0288 (AT&T), presubscribed and input (2), interLATA (3): 02 34 20 88.
    let c = Carrier::decode(&[0x02, 0x34, 0x20, 0x88], 0).unwrap();
    assert_eq!((c.selection, c.nature, c.digits.as_str()), (2, 3, "0288"));
    let (b, n) = c.to_array().unwrap();
    assert_eq!(&b[..n], [0x02, 0x34, 0x20, 0x88]);
    assert!(Carrier::decode(&[0x02, 0x35, 0x20, 0x88], 0).is_err());
}

#[test]
fn user_id_dn_and_trunk_group() {
    let mut buf = Vec::new();
    UserId::Dn("2015550123".parse().unwrap())
        .encode(&mut Writer::new(&mut buf))
        .unwrap();
    assert_eq!(
        buf,
        [0xbf, 0x35, 0x07, 0x81, 0x05, 0x02, 0x51, 0x55, 0x10, 0x32]
    );
    let t = Tlv::parse_single(&buf).unwrap();
    assert_eq!(
        UserId::decode(&t).unwrap().dn().unwrap().as_str(),
        "2015550123"
    );
    buf.clear();
    UserId::TrunkGroup(1234)
        .encode(&mut Writer::new(&mut buf))
        .unwrap();
    assert_eq!(buf, [0xbf, 0x35, 0x04, 0x85, 0x02, 0x04, 0xd2]);
    let t = Tlv::parse_single(&buf).unwrap();
    assert_eq!(UserId::decode(&t).unwrap(), UserId::TrunkGroup(1234));
    assert!(UserId::Dn("123".parse().unwrap())
        .encode(&mut Writer::new(&mut Vec::new()))
        .is_err());
}

#[test]
fn edp_bits_carry_all_21_named_bits() {
    let s = EdpSet(EdpSet::O_ANSWER);
    let (b, n) = s.to_array();
    assert_eq!(&b[..n], [0x03, 0x10, 0x00, 0x00]);
    let s = EdpSet(EdpSet::O_ANSWER | EdpSet::O_DISCONNECT | EdpSet::T_DISCONNECT);
    let (b, n) = s.to_array();
    assert_eq!(&b[..n], [0x03, 0x10, 0x10, 0x80]);
    assert_eq!(EdpSet::decode(&b[..n], 0).unwrap(), s);
    // The DER form (trailing zeros dropped) decodes too.
    assert_eq!(
        EdpSet::decode(&[0x04, 0x10], 0).unwrap(),
        EdpSet(EdpSet::O_ANSWER)
    );
    assert!(EdpSet::decode(&[8, 0], 0).is_err());
}

#[test]
fn redirection_information_fields() {
    let r = RedirectionInformation::decode([0x13, 0x21]);
    assert_eq!(
        (
            r.redirecting_indicator,
            r.original_reason,
            r.counter,
            r.reason
        ),
        (3, 1, 1, 2)
    );
    assert_eq!(r.encode(), [0x13, 0x21]);
}

proptest::proptest! {
    #[test]
    fn digits_round_trip(s in "[0-9]{0,30}", nature in 0u8..128, plan in 0u8..8) {
        let d = AinDigits { nature, plan, digits: s.parse().unwrap(), ..Default::default() };
        let mut out = Vec::new();
        d.encode_into(&mut out);
        proptest::prop_assert_eq!(AinDigits::decode(&out, 0).unwrap(), d);
    }

    #[test]
    fn edp_round_trip(m in 0u32..(1 << 21)) {
        let (b, n) = EdpSet(m).to_array();
        proptest::prop_assert_eq!(EdpSet::decode(&b[..n], 0).unwrap(), EdpSet(m));
    }
}
