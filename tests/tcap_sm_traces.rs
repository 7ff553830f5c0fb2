//! Every ITU TCAP message of the shared traces decodes, or is refused where the trace README
//! marks it invalid; canonical ones re-encode byte-identically (`TcMessage::encode`).
//!
//! Sources: ../shared/traces/wireshark-wiki/itu_tcap_from_captures.hex (41 messages cut from
//! the CAMEL pcaps) and ../shared/traces/jss7-vectors/itu_tcap_messages.hex (39 + 4
//! negatives). The vectors are embedded below as `(file:line, hex)`.

use scpd::ber::from_hex;
use scpd::tcap::itu::{PAbortCause, TcMessage};

/// What each vector must do.
///
/// - `Canonical`: decodes, and `TcMessage::encode` gives back the same bytes.
/// - `Indefinite`: decodes; its component portion uses an indefinite length (`6C 80 .. 00
///   00`), which our canonical encoder writes definite, so only the decoded content must
///   survive the round trip (jss7 TcBeginTest.java:224 and :593).
/// - `Refused(cause)`: the codec refuses it; the P-Abort cause we would answer with. These
///   are the README's four deliberate negatives (lines 85–91) and four jSS7 fixtures that
///   are bare dialogue APDUs rather than TC messages: an AARE (`61 ..`, 3 lines, from
///   DialogResponseAPDUTest) and an ABRT (`64 15 80 01 01 ..`, from DialogAbortAPDUTest)
///   whose tags collide with TC-UNI and TC-END; tshark flags all four BAD (README per-message
///   results 15–18). A transaction portion may not hold `80`/`A1`, so they are refused as
///   incorrectTransactionPortion.
/// - `NoVersion1`: decodes, but its AARQ's protocol version (`80 02 06 40`) lacks version1;
///   the dialogue layer answers it with an Abort carrying AARE no-common-dialogue-portion
///   (README negative "getMessageWithUnsupportedProtocolVersion"; see tcap_sm_itu.rs).
#[derive(Debug, Clone, Copy, PartialEq)]
enum Expect {
    Canonical,
    Indefinite,
    Refused(PAbortCause),
    NoVersion1,
}

include!("tcap_sm_traces/data.rs");

fn outcome(hex: &str) -> Expect {
    let buf = from_hex(hex).unwrap();
    match TcMessage::decode(&buf) {
        Err(e) => Expect::Refused(e.p_abort_cause()),
        Ok(m) => {
            let mut out = Vec::new();
            m.encode(&mut out);
            let again = TcMessage::decode(&out).expect("re-encoding decodes");
            assert_eq!(again.kind, m.kind);
            assert_eq!(again.otid, m.otid);
            assert_eq!(again.dtid, m.dtid);
            assert_eq!(again.dialogue, m.dialogue);
            assert_eq!(
                again.component_pdus().count(),
                m.component_pdus().count(),
                "{hex}"
            );
            if !m.version1() {
                Expect::NoVersion1
            } else if out == buf {
                Expect::Canonical
            } else {
                Expect::Indefinite
            }
        }
    }
}

#[test]
fn every_itu_trace_message_decodes_or_is_refused_as_marked() {
    let mut counts = [0usize; 4];
    for (at, hex, expect) in CAPTURES.iter().chain(JSS7) {
        let got = outcome(hex);
        assert_eq!(got, *expect, "{at}");
        counts[match got {
            Expect::Canonical => 0,
            Expect::Indefinite => 1,
            Expect::Refused(_) => 2,
            Expect::NoVersion1 => 3,
        }] += 1;
    }
    assert_eq!(CAPTURES.len(), 41);
    assert_eq!(JSS7.len(), 43);
    assert_eq!(counts, [74, 2, 7, 1]);
}

#[test]
fn negative_local_codes_decode_and_round_trip() {
    use scpd::tcap::itu::{Code, ComponentPdu};
    // TC-END with Invoke opcode -1, ReturnError error code -2 and an Invoke with a global
    // opcode (Q.773 allows both).
    let hex = "642049010a6c1ba1060201010201ffa3060201020201fea109020103060404000001";
    let buf = from_hex(hex).unwrap();
    let m = TcMessage::decode(&buf).unwrap();
    let pdus: Vec<_> = m.component_pdus().map(Result::unwrap).collect();
    assert!(matches!(
        pdus[0],
        ComponentPdu::Invoke {
            opcode: Code::Local(-1),
            ..
        }
    ));
    assert!(matches!(
        pdus[1],
        ComponentPdu::ReturnError {
            error_code: Code::Local(-2),
            ..
        }
    ));
    assert!(matches!(
        pdus[2],
        ComponentPdu::Invoke {
            opcode: Code::Global(_),
            ..
        }
    ));
    // The u32 view reports codes it cannot hold as u32::MAX, as it did for global codes.
    let legacy: Vec<_> = m.components().map(Result::unwrap).collect();
    assert!(matches!(
        legacy[0],
        scpd::tcap::itu::Component::Invoke {
            opcode: u32::MAX,
            ..
        }
    ));
    let mut out = Vec::new();
    m.encode(&mut out);
    assert_eq!(out, buf);
}
