//! CAP (TS 29.078) operation arguments: the first input octet selects an operation code the
//! codec knows (every one in `camel::opcode`, so the lab's schema decoder covers them all),
//! the rest is the argument element. Also the CAP error parameters and InitialDP's
//! phase-dependent extension and lazily decoded members.
//! Properties: for every typed argument, decode → encode → decode gives the same value and
//! encoding that again is byte-identical; the lab decoder writes valid JSON whenever it
//! succeeds.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scpd::ber::{Tlv, Writer};
use scpd::camel::{self, opcode::*, CapError, Phase};
use scpd_fuzz::CAP_OPCODES as OPCODES;

/// Decode with `decode_bytes`, encode with `encode`; the encoding must decode to the same
/// value (after `$norm`, which forgets what the type keeps but does not encode) and be a
/// fixed point.
macro_rules! round_trip {
    ($ty:ty, $arg:expr) => {
        round_trip!($ty, $arg, |a| a)
    };
    ($ty:ty, $arg:expr, $norm:expr) => {{
        if let Ok(a) = <$ty>::decode_bytes($arg) {
            let mut out = Vec::new();
            a.encode(&mut Writer::new(&mut out));
            let b = match <$ty>::decode_bytes(&out) {
                Ok(b) => b,
                Err(e) => panic!(
                    "{}: our encoding does not decode: {e}\n{a:?}\n{out:02x?}",
                    stringify!($ty)
                ),
            };
            let norm: fn($ty) -> $ty = $norm;
            assert_eq!(
                b,
                norm(a.clone()),
                "{}: decode(encode(x)) == x",
                stringify!($ty)
            );
            let mut again = Vec::new();
            b.encode(&mut Writer::new(&mut again));
            assert_eq!(again, out, "{}: encoding is a fixed point", stringify!($ty));
            Some(a)
        } else {
            None
        }
    }};
}

/// Malformed optional members of an InitialDP are kept raw for the event's notes and
/// never encoded: the re-decoded value has none.
fn forget_malformed(a: camel::InitialDpArg<'_>) -> camel::InitialDpArg<'_> {
    camel::InitialDpArg {
        malformed: Default::default(),
        ..a
    }
}

fn typed(op: u32, arg: &[u8]) {
    match op {
        INITIAL_DP => {
            if let Some(a) = round_trip!(camel::InitialDpArg, arg, forget_malformed) {
                for p in [Phase::Cap2, Phase::Cap3, Phase::Cap4] {
                    if let Some(Ok(x)) = a.extension(p) {
                        let c = x.to_contents(p);
                        let _ = camel::InitialDpArgExtension::decode(&c, 0, p);
                    }
                }
                let _ = a.bearer();
                let _ = a.redirection();
                let _ = a.additional_calling_party();
            }
        }
        CONNECT => {
            let _ = round_trip!(camel::ConnectArg, arg);
        }
        RELEASE_CALL => {
            let _ = round_trip!(camel::ReleaseCallArg, arg);
        }
        REQUEST_REPORT_BCSM_EVENT => {
            if let Some(a) = round_trip!(camel::RequestReportBcsmEventArg, arg) {
                for e in &a.events {
                    let _ = e.criteria();
                }
            }
        }
        EVENT_REPORT_BCSM => {
            let _ = round_trip!(camel::EventReportBcsmArg, arg);
        }
        APPLY_CHARGING => {
            let _ = round_trip!(camel::ApplyChargingArg, arg);
        }
        APPLY_CHARGING_REPORT => {
            let _ = round_trip!(camel::ApplyChargingReportArg, arg);
        }
        FURNISH_CHARGING_INFORMATION => {
            let _ = round_trip!(camel::FurnishChargingInformationArg, arg);
        }
        CONTINUE_WITH_ARGUMENT => {
            let _ = round_trip!(camel::ContinueWithArgumentArg, arg);
        }
        RESET_TIMER => {
            let _ = round_trip!(camel::ResetTimerArg, arg);
        }
        CANCEL => {
            let _ = round_trip!(camel::CancelArg, arg);
        }
        INITIATE_CALL_ATTEMPT => {
            let _ = round_trip!(camel::InitiateCallAttemptArg, arg);
        }
        CALL_INFORMATION_REQUEST => {
            let _ = round_trip!(camel::CallInformationRequestArg, arg);
        }
        CALL_INFORMATION_REPORT => {
            let _ = round_trip!(camel::CallInformationReportArg, arg);
        }
        ASSIST_REQUEST_INSTRUCTIONS => {
            let _ = round_trip!(camel::AssistRequestInstructionsArg, arg);
        }
        SPECIALIZED_RESOURCE_REPORT => {
            let _ = round_trip!(camel::SpecializedResourceReportArg, arg);
        }
        CALL_GAP => {
            let _ = round_trip!(camel::control::CallGapArg, arg);
        }
        ENTITY_RELEASED => {
            let _ = round_trip!(camel::EntityReleasedArg, arg);
        }
        _ => {}
    }
}

/// The lab's schema-driven decoder (`scpd decode`), for every operation.
fn lab(op: u32, arg: &[u8]) {
    let Ok(t) = Tlv::parse_single(arg) else {
        return;
    };
    let mut j = scpd::lab::json::J::new();
    if scpd::lab::decode_args::cap_argument(&mut j, op, t).is_ok() {
        if let Err(e) = serde_json::from_slice::<serde_json::Value>(j.bytes()) {
            panic!(
                "invalid JSON for op {op}: {e}: {}",
                String::from_utf8_lossy(j.bytes())
            );
        }
    }
}

/// CAP errors with a parameter (TS 29.078 §6.2): decode → encode → decode.
fn errors(code: u8, arg: &[u8]) {
    let code = i64::from(code % 32);
    if let Ok(e) = CapError::decode_bytes(code, Some(arg)) {
        let p = e.parameter_bytes();
        assert_eq!(
            CapError::decode_bytes(code, p.as_deref()),
            Ok(e),
            "CAP error round trip"
        );
    }
    let _ = CapError::decode_bytes(code, None);
}

fuzz_target!(|data: &[u8]| {
    let Some((&sel, arg)) = data.split_first() else {
        return;
    };
    let op = OPCODES[usize::from(sel) % OPCODES.len()];
    typed(op, arg);
    lab(op, arg);
    errors(sel, arg);
});
