//! ANSI TCAP (T1.114): the input decoded as a whole package, and (separately) as the
//! contents of a component sequence; also the transaction-id peek used to address aborts.
//! Properties: a decoded package re-encodes to one that decodes to the same package type,
//! transaction ids, dialogue portion, abort reason and decodable components (parameters
//! compared by contents), and re-encoding that is byte-identical; each component that
//! decodes encodes alone to one that decodes the same; the peek agrees with the decoder.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scpd::ber::{Tlv, Writer};
use scpd::tcap::ansi::{
    peek_transaction_id, tags, AnsiComponent, AnsiMessage, PackageType, TransactionIds,
};

fn at0(t: Tlv<'_>) -> Tlv<'_> {
    Tlv {
        offset: 0,
        value_offset: 0,
        ..t
    }
}

fn norm(c: AnsiComponent<'_>) -> AnsiComponent<'_> {
    match c {
        AnsiComponent::Invoke {
            last,
            invoke_id,
            correlation_id,
            opcode,
            parameter,
        } => AnsiComponent::Invoke {
            last,
            invoke_id,
            correlation_id,
            opcode,
            parameter: parameter.map(at0),
        },
        AnsiComponent::ReturnResult {
            last,
            correlation_id,
            parameter,
        } => AnsiComponent::ReturnResult {
            last,
            correlation_id,
            parameter: parameter.map(at0),
        },
        AnsiComponent::ReturnError {
            correlation_id,
            error,
            parameter,
        } => AnsiComponent::ReturnError {
            correlation_id,
            error,
            parameter: parameter.map(at0),
        },
        AnsiComponent::Reject {
            correlation_id,
            problem,
            parameter,
        } => AnsiComponent::Reject {
            correlation_id,
            problem,
            parameter: parameter.map(at0),
        },
    }
}

/// The components that decode (the re-encoder drops the others), normalized.
fn decodable<'a>(m: &AnsiMessage<'a>) -> Vec<AnsiComponent<'a>> {
    m.components().flatten().map(norm).collect()
}

fn check_components(m: &AnsiMessage<'_>) {
    for c in m.components().flatten() {
        let mut out = Vec::new();
        Writer::new(&mut out).constructed(tags::COMPONENT_SEQUENCE, |w| c.encode(w));
        let seq = Tlv::parse_single(&out).expect("our component sequence parses");
        let alone = AnsiMessage {
            components: Some(seq),
            ..*m
        };
        let back: Vec<_> = alone.components().collect();
        assert_eq!(back.len(), 1);
        let b = back[0].clone().expect("our component encoding decodes");
        assert_eq!(norm(b), norm(c), "component round trip");
    }
}

fuzz_target!(|data: &[u8]| {
    let peek = peek_transaction_id(data);
    if let Ok(m) = AnsiMessage::decode(data) {
        if let Some((package, _)) = peek {
            assert_eq!(
                package, m.package,
                "the peek reads the package type the decoder does"
            );
        }
        check_components(&m);
        let mut out = Vec::new();
        m.encode(&mut out);
        let n = AnsiMessage::decode(&out).expect("our re-encoding decodes");
        assert_eq!(
            (n.package, n.ids, n.dialogue, n.abort),
            (m.package, m.ids, m.dialogue, m.abort)
        );
        assert_eq!(
            decodable(&n),
            decodable(&m),
            "components survive re-encoding"
        );
        let mut again = Vec::new();
        n.encode(&mut again);
        assert_eq!(again, out, "re-encoding is a fixed point");
    }
    // The same bytes as the contents of a component sequence of a Query.
    let mut seq = Vec::new();
    Writer::new(&mut seq).primitive(tags::COMPONENT_SEQUENCE, data);
    if let Ok(c) = Tlv::parse_single(&seq) {
        let m = AnsiMessage {
            package: PackageType::QueryWithPermission,
            ids: TransactionIds {
                originating: Some([1, 2, 3, 4]),
                responding: None,
            },
            dialogue: None,
            components: Some(c),
            abort: None,
        };
        check_components(&m);
    }
});
