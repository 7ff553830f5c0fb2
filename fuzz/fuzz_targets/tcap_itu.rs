//! ITU TCAP (Q.773): the input decoded as a whole message, and (separately) as the contents
//! of a component portion.
//! Properties: a decoded message re-encodes to one that decodes to the same transaction
//! portion, dialogue and components (parameters compared by contents), and re-encoding
//! that is byte-identical (the encoder is canonical); each component that decodes encodes
//! alone to one that decodes the same; the legacy view agrees with the full one.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scpd::ber::{Tlv, Writer};
use scpd::tcap::itu::{tags, ComponentPdu, TcMessage};

/// A parameter with its offsets forgotten (they differ between input and re-encoding).
fn at0(t: Tlv<'_>) -> Tlv<'_> {
    Tlv {
        offset: 0,
        value_offset: 0,
        ..t
    }
}

fn norm(p: ComponentPdu<'_>) -> ComponentPdu<'_> {
    match p {
        ComponentPdu::Invoke {
            invoke_id,
            linked_id,
            opcode,
            parameter,
        } => ComponentPdu::Invoke {
            invoke_id,
            linked_id,
            opcode,
            parameter: parameter.map(at0),
        },
        ComponentPdu::ReturnResult {
            invoke_id,
            last,
            result,
        } => ComponentPdu::ReturnResult {
            invoke_id,
            last,
            result: result.map(|(c, p)| (c, p.map(at0))),
        },
        ComponentPdu::ReturnError {
            invoke_id,
            error_code,
            parameter,
        } => ComponentPdu::ReturnError {
            invoke_id,
            error_code,
            parameter: parameter.map(at0),
        },
        r @ ComponentPdu::Reject { .. } => r,
    }
}

/// The components of a message, normalized; faults as their Reject problem. Only the
/// elements the BER reader frames count: the re-encoder stops where framing is lost.
fn comps<'a>(m: &TcMessage<'a>) -> Vec<Result<ComponentPdu<'a>, (u8, u8)>> {
    let mut framed = 0;
    if let Some(mut r) = m.components.and_then(|c| c.children().ok()) {
        while let Ok(Some(_)) = r.next_tlv() {
            framed += 1;
        }
    }
    m.component_pdus()
        .take(framed)
        .map(|c| c.map(norm).map_err(|f| f.problem))
        .collect()
}

/// Each component that decodes, encoded alone inside a component portion, decodes the same.
fn check_components(m: &TcMessage<'_>) {
    for (pdu, legacy) in m.component_pdus().zip(m.components()) {
        match (pdu, legacy) {
            (Ok(p), Ok(l)) => {
                assert_eq!(p.legacy(), l, "the two views agree");
                let mut out = Vec::new();
                Writer::new(&mut out).constructed(tags::COMPONENTS, |w| p.encode(w));
                let portion = Tlv::parse_single(&out).expect("our component portion parses");
                let alone = TcMessage {
                    components: Some(portion),
                    ..*m
                };
                let back: Vec<_> = alone.component_pdus().collect();
                assert_eq!(back.len(), 1);
                let b = back[0].clone().expect("our component encoding decodes");
                assert_eq!(norm(b), norm(p), "component round trip");
            }
            (Err(a), Err(b)) => assert_eq!(a, b),
            (a, b) => panic!("the views disagree: {a:?} / {b:?}"),
        }
    }
}

fuzz_target!(|data: &[u8]| {
    if let Ok(m) = TcMessage::decode(data) {
        let _ = m.application_context();
        let _ = m.version1();
        check_components(&m);
        let mut out = Vec::new();
        m.encode(&mut out);
        let n = TcMessage::decode(&out).expect("our re-encoding decodes");
        assert_eq!(
            (n.kind, n.otid, n.dtid, n.dialogue, n.p_abort),
            (m.kind, m.otid, m.dtid, m.dialogue, m.p_abort)
        );
        assert_eq!(
            (n.protocol_version, n.user_info),
            (m.protocol_version, m.user_info)
        );
        assert_eq!(comps(&n), comps(&m), "components survive re-encoding");
        let mut again = Vec::new();
        n.encode(&mut again);
        assert_eq!(again, out, "re-encoding is a fixed point");
    }
    // The same bytes as the contents of a component portion of a Begin.
    let mut portion = Vec::new();
    Writer::new(&mut portion).primitive(tags::COMPONENTS, data);
    if let Ok(c) = Tlv::parse_single(&portion) {
        let m = TcMessage {
            kind: scpd::tcap::itu::MessageType::Begin,
            otid: Some(&[1, 2, 3, 4]),
            dtid: None,
            dialogue: None,
            components: Some(c),
            p_abort: None,
            protocol_version: None,
            user_info: None,
        };
        check_components(&m);
    }
});
