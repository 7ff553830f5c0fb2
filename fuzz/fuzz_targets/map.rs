//! MAP (TS 29.002) arguments, results and errors of SendRoutingInfo and AnyTimeInterrogation:
//! the first input octet selects the operation (bit 0), the version (bit 1: v3 / v2), the
//! component (bits 3–2: Invoke argument, ReturnResult result, ReturnError parameter of one of
//! the operation's errors (bits 7–4), or a bare GeographicalInformation); the rest is the
//! element. Properties: the lenient decoder the TC-user calls agrees with the strict one when
//! it notes nothing malformed; what decodes, if it encodes, encodes to something that decodes
//! to the same value and is a fixed point of encoding; an encoding error writes nothing;
//! error parameters and geographical information survive their own encoding.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scpd::ber::{Tlv, Writer};
use scpd::map::{
    decode_error, decode_error_lenient, decode_invoke, decode_invoke_lenient, decode_result,
    decode_result_lenient, GeographicalInformation, MapError, Operation, Version,
};

fuzz_target!(|data: &[u8]| {
    let Some((&sel, p)) = data.split_first() else {
        return;
    };
    let op = Operation::ALL[usize::from(sel & 1)];
    let version = if sel & 2 == 0 {
        Version::V3
    } else {
        Version::V2
    };
    let code = i64::from(op.code());
    match (sel >> 2) & 3 {
        0 | 1 => {
            let invoke = (sel >> 2) & 3 == 0;
            let Ok(t) = Tlv::parse_single(p) else {
                return;
            };
            let mut noted = Vec::new();
            // Encode whatever decoded, check the encoding, return it.
            macro_rules! round_trip {
                ($lenient:expr, $strict:expr, $decode:expr) => {{
                    let lenient = $lenient;
                    let strict = $strict;
                    if noted.is_empty() {
                        assert_eq!(
                            lenient.as_ref().ok(),
                            strict.as_ref().ok(),
                            "lenient and strict agree when nothing is noted"
                        );
                    }
                    let Ok(m) = strict else {
                        return;
                    };
                    let mut out = Vec::new();
                    if m.encode(&mut Writer::new(&mut out), version).is_err() {
                        assert!(out.is_empty(), "nothing is written on error");
                        return;
                    }
                    let t = Tlv::parse_single(&out).expect("our encoding is one element");
                    let back = match $decode(t) {
                        Ok(b) => b,
                        Err(e) => panic!("our encoding does not decode: {e}\n{m:?}\n{out:02x?}"),
                    };
                    let mut again = Vec::new();
                    back.encode(&mut Writer::new(&mut again), version).unwrap();
                    assert_eq!(again, out, "encoding is a fixed point");
                }};
            }
            if invoke {
                round_trip!(
                    decode_invoke_lenient(code, Some(t), version, &mut noted),
                    decode_invoke(code, Some(t), version),
                    |t| decode_invoke(code, Some(t), version)
                );
            } else {
                round_trip!(
                    decode_result_lenient(op, Some(t), version, &mut noted),
                    decode_result(op, Some(t), version),
                    |t| decode_result(op, Some(t), version)
                );
            }
        }
        2 => {
            let errors = op.errors(version);
            let err = i64::from(errors[usize::from(sel >> 4) % errors.len()]);
            let t = if p.is_empty() {
                None
            } else {
                match Tlv::parse_single(p) {
                    Ok(t) => Some(t),
                    Err(_) => return,
                }
            };
            let mut noted = Vec::new();
            let lenient = decode_error_lenient(op, err, t, version, &mut noted)
                .expect("the operation's own error");
            let strict = decode_error(op, err, t, version);
            match &strict {
                Ok(e) => assert_eq!(*e, lenient),
                Err(_) => assert_eq!(noted.len(), 1, "a refused parameter is noted"),
            }
            // v3 parameters carry every value scpd models.
            if let Ok(Some(b)) = lenient.parameter_bytes(Version::V3) {
                let back = MapError::decode_bytes(err, Some(&b)).expect("our parameter decodes");
                assert_eq!(back, lenient);
            }
        }
        _ => {
            if let Ok(g) = GeographicalInformation::decode(p, 0) {
                let again = GeographicalInformation::decode(&g.encode(), 0).unwrap();
                assert_eq!(again, g);
                let from = GeographicalInformation::from_degrees(
                    g.latitude(),
                    g.longitude(),
                    g.uncertainty_m(),
                );
                assert_eq!(
                    from.encode()[1..],
                    {
                        // A zero latitude has no sign.
                        let mut e = g.encode();
                        if g.latitude_code == 0 {
                            e[1] &= 0x7f;
                        }
                        e
                    }[1..]
                );
            }
        }
    }
});
