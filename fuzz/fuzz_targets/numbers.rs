//! Digit and number decoders: packed BCD (`Digits::from_bcd`, both packed formats, with and
//! without a digit count), text digits, the CAP number formats (ISUP numbers, generic
//! numbers, AddressString/TBCD, CGI/LAI, cause, time and timezone, redirection
//! information, bearer capability) and the AIN parameters (AINDigits, Carrier, cause,
//! redirection information, EDP sets).
//! Properties: the word-at-a-time BCD unpacking agrees with a plain nibble loop (digits,
//! error and octet); packing what was unpacked and unpacking again gives the same digits;
//! every number format decodes its own encoding to the same value.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scpd::camel::numbers::{
    AddressString, BearerCapability, Cause, CellIdOrLai, GenericNumber, IsupNumber,
    RedirectionInformation, TbcdDigits, TimeAndTimezone,
};
use scpd::digits::{Bcd, Digits, DigitsError, Isup, Tbcd, Text, MAX_DIGITS};

/// The nibble loop the fast path must match: (digits, or (octet, error)).
fn reference<A: Bcd>(bytes: &[u8], count: Option<usize>) -> Result<String, (usize, DigitsError)> {
    let total = bytes.len() * 2;
    let limit = count.map_or(total, |c| c.min(total));
    let mut s = String::new();
    let mut i = 0;
    while i < limit {
        let n = (bytes[i / 2] >> (4 * (i % 2))) & 0x0f;
        match A::symbol(n) {
            Some(c) => {
                if s.len() >= A::MAX_LEN {
                    return Err((i / 2, DigitsError::TooLong));
                }
                s.push(char::from(c));
            }
            None if n == 0x0f && count.is_none() => {
                for j in i + 1..total {
                    if (bytes[j / 2] >> (4 * (j % 2))) & 0x0f != 0x0f {
                        return Err((j / 2, DigitsError::AfterFiller));
                    }
                }
                break;
            }
            None => return Err((i / 2, DigitsError::BadNibble(n))),
        }
        i += 1;
    }
    Ok(s)
}

fn bcd<A: Bcd>(bytes: &[u8], count: Option<usize>) {
    let got = Digits::<A>::from_bcd(bytes, count);
    let want = reference::<A>(bytes, count);
    match (&got, &want) {
        (Ok(d), Ok(s)) => assert_eq!(d.as_str(), s),
        (Err(e), Err((octet, error))) => assert_eq!((e.octet, &e.error), (*octet, error)),
        _ => panic!("fast path {got:?} vs nibble loop {want:?}"),
    }
    if let Ok(d) = got {
        assert!(d.len() <= A::MAX_LEN && d.len() <= MAX_DIGITS);
        for filler in [0, 0x0f] {
            let mut out = Vec::new();
            let odd = d.to_bcd(&mut out, filler);
            assert_eq!((out.len(), odd), (d.encoded_len(), d.len() % 2 == 1));
            let back = Digits::<A>::from_bcd(&out, Some(d.len())).expect("packed digits unpack");
            assert_eq!(back, d, "BCD round trip");
        }
        let text: Digits<Text> = d.text();
        assert_eq!(text.convert::<A>(), Ok(d));
        assert_eq!(d.as_str().parse::<Digits<A>>(), Ok(d));
    }
}

/// `decode(encode(decode(x))) == decode(x)` for a format with `decode(&[u8], offset)`.
macro_rules! round_trip {
    ($ty:ty, $v:expr, |$x:ident, $out:ident| $enc:expr) => {{
        if let Ok($x) = <$ty>::decode($v, 0) {
            let mut $out = Vec::new();
            $enc;
            match <$ty>::decode(&$out, 0) {
                Ok(b) => assert_eq!(b, $x, "{} round trip ({:02x?})", stringify!($ty), $out),
                Err(e) => panic!(
                    "{}: our encoding {:02x?} does not decode: {e}",
                    stringify!($ty),
                    $out
                ),
            }
        }
    }};
}

fuzz_target!(|data: &[u8]| {
    let (count, v) = match data.split_first() {
        Some((&c, rest)) => (c, rest),
        None => (0, data),
    };
    for count in [None, Some(usize::from(count))] {
        bcd::<Isup>(v, count);
        bcd::<Tbcd>(v, count);
    }
    if let Ok(s) = std::str::from_utf8(v) {
        if let Ok(d) = s.parse::<Digits<Text>>() {
            assert_eq!(d.as_str(), s.to_ascii_lowercase());
        }
    }

    round_trip!(IsupNumber, v, |x, out| x.encode_into(&mut out));
    round_trip!(GenericNumber, v, |x, out| x.encode_into(&mut out));
    round_trip!(AddressString, v, |x, out| x.encode_into(&mut out));
    round_trip!(TbcdDigits, v, |x, out| x.encode_into(&mut out));
    round_trip!(CellIdOrLai, v, |x, out| x.encode_into(&mut out));
    round_trip!(Cause, v, |x, out| x.encode_into(&mut out));
    round_trip!(TimeAndTimezone, v, |x, out| x.encode_into(&mut out));
    round_trip!(RedirectionInformation, v, |x, out| out.extend(x.encode()));
    if let Ok(b) = BearerCapability::decode(v, 0) {
        let mut out = Vec::new();
        b.encode_fields(&mut out);
        let c = BearerCapability::decode(&out, 0).expect("our bearer capability decodes");
        assert_eq!(
            BearerCapability { raw: &[], ..c },
            BearerCapability { raw: &[], ..b }
        );
    }
    let _ = BearerCapability::decode_choice(v);

    use scpd::ain::params as ain;
    round_trip!(ain::AinDigits, v, |x, out| x.encode_into(&mut out));
    if let Ok(c) = ain::Carrier::decode(v, 0) {
        // More than 15 digits do not fit the count nibble: refused, not truncated.
        if let Ok((b, n)) = c.to_array() {
            assert_eq!(
                ain::Carrier::decode(&b[..n], 0),
                Ok(c),
                "Carrier round trip"
            );
        }
    }
    round_trip!(ain::Cause, v, |x, out| {
        let (b, n) = x.to_array();
        out.extend_from_slice(&b[..n]);
    });
    round_trip!(ain::EdpSet, v, |x, out| {
        let (b, n) = x.to_array();
        out.extend_from_slice(&b[..n]);
    });
    if let [a, b, ..] = *v {
        let r = ain::RedirectionInformation::decode([a, b]);
        assert_eq!(ain::RedirectionInformation::decode(r.encode()), r);
    }
});
