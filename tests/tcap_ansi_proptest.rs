//! Property tests of the ANSI TCAP codec: encode → decode gives back every value and
//! re-encodes byte-identically; the decoder never panics on random or mutated input.

use proptest::prelude::*;
use scpd::ber::{Tag, Writer};
use scpd::tcap::ansi::{
    self, AbortReason, AnsiComponent, AnsiMessage, ApplicationContext, DialoguePortion, ErrorCode,
    OpCode, PackageType, Problem, SecurityContext, TransactionIds,
};

/// An owned component to encode; parameters are a parameter set of one context element.
#[derive(Debug, Clone)]
enum Comp {
    Invoke(bool, Option<u8>, Option<u8>, OpCode, Option<Vec<u8>>),
    Result(bool, u8, Option<Vec<u8>>),
    Error(u8, ErrorCode, Option<Vec<u8>>),
    Reject(Option<u8>, Problem),
}

fn opcode() -> impl Strategy<Value = OpCode> {
    prop_oneof![
        any::<u16>().prop_map(OpCode::National),
        any::<u16>().prop_map(OpCode::Private)
    ]
}

fn param() -> impl Strategy<Value = Option<Vec<u8>>> {
    proptest::option::of(proptest::collection::vec(any::<u8>(), 0..20))
}

fn comp() -> impl Strategy<Value = Comp> {
    prop_oneof![
        (
            any::<bool>(),
            any::<Option<u8>>(),
            any::<u8>(),
            opcode(),
            param()
        )
            .prop_map(|(last, id, corr, op, p)| Comp::Invoke(
                last,
                id,
                id.map(|_| corr),
                op,
                p
            )),
        (any::<bool>(), any::<u8>(), param()).prop_map(|(l, c, p)| Comp::Result(l, c, p)),
        (
            any::<u8>(),
            prop_oneof![
                any::<i8>().prop_map(ErrorCode::National),
                any::<i32>().prop_map(ErrorCode::Private)
            ],
            param()
        )
            .prop_map(|(c, e, p)| Comp::Error(c, e, p)),
        (any::<Option<u8>>(), any::<u16>())
            .prop_map(|(c, p)| Comp::Reject(c, Problem::from_u16(p))),
    ]
}

fn write_param(p: &Option<Vec<u8>>) -> impl FnOnce(&mut Writer<'_>) + '_ {
    move |w| {
        if let Some(v) = p {
            ansi::parameter_set(w, |w| w.primitive(Tag::ctx(15), v));
        }
    }
}

#[derive(Debug, Clone)]
struct Package {
    kind: PackageType,
    otid: [u8; 4],
    rtid: [u8; 4],
    version: Option<u8>,
    ac: Option<Result<i64, Vec<u8>>>,
    security: Option<i64>,
    comps: Vec<Comp>,
    cause: Option<u8>,
}

fn package() -> impl Strategy<Value = Package> {
    (
        proptest::sample::select(PackageType::ALL.to_vec()),
        any::<[u8; 4]>(),
        any::<[u8; 4]>(),
        proptest::option::of(1u8..=255).prop_map(|v| v.map(|v| v | 1)),
        proptest::option::of(prop_oneof![
            any::<i64>().prop_map(Ok),
            proptest::collection::vec(0u8..0x80, 1..8).prop_map(Err)
        ]),
        any::<Option<i64>>(),
        proptest::collection::vec(comp(), 0..5),
        any::<Option<u8>>(),
    )
        .prop_map(
            |(kind, otid, rtid, version, ac, security, comps, cause)| Package {
                kind,
                otid,
                rtid,
                version,
                ac,
                security,
                comps,
                cause,
            },
        )
}

fn encode(p: &Package) -> Vec<u8> {
    let dialogue =
        (p.version.is_some() || p.ac.is_some() || p.security.is_some()).then(|| DialoguePortion {
            version: p.version,
            application_context: p.ac.as_ref().map(|a| match a {
                Ok(v) => ApplicationContext::Integer(*v),
                Err(o) => ApplicationContext::Oid(o),
            }),
            security_context: p.security.map(SecurityContext::Integer),
            ..Default::default()
        });
    let mut out = Vec::new();
    if p.kind == PackageType::Abort {
        ansi::encode_abort(
            &mut out,
            p.rtid,
            dialogue.as_ref(),
            p.cause.map(AbortReason::Provider),
        );
        return out;
    }
    let ids = TransactionIds {
        originating: p.kind.has_originating_id().then_some(p.otid),
        responding: p.kind.has_responding_id().then_some(p.rtid),
    };
    ansi::encode(&mut out, p.kind, ids, dialogue.as_ref(), |w| {
        for c in &p.comps {
            match c {
                Comp::Invoke(last, id, corr, op, prm) => {
                    ansi::invoke(w, *last, *id, *corr, *op, write_param(prm))
                }
                Comp::Result(last, c, prm) => ansi::return_result(w, *last, *c, write_param(prm)),
                Comp::Error(c, e, prm) => ansi::return_error(w, *c, *e, write_param(prm)),
                Comp::Reject(c, pr) => ansi::reject(w, *c, *pr),
            }
        }
    });
    out
}

fn check_component(c: &Comp, d: &AnsiComponent<'_>) {
    let pv = |p: Option<scpd::ber::Tlv<'_>>| {
        p.map(|p| {
            let inner = p.children().unwrap().next_tlv().unwrap().unwrap();
            inner.value.to_vec()
        })
    };
    match (c, *d) {
        (
            Comp::Invoke(l, i, k, o, p),
            AnsiComponent::Invoke {
                last,
                invoke_id,
                correlation_id,
                opcode,
                parameter,
            },
        ) => {
            assert_eq!((*l, *i, *k, *o), (last, invoke_id, correlation_id, opcode));
            assert_eq!(*p, pv(parameter));
        }
        (
            Comp::Result(l, k, p),
            AnsiComponent::ReturnResult {
                last,
                correlation_id,
                parameter,
            },
        ) => {
            assert_eq!((*l, *k), (last, correlation_id));
            assert_eq!(*p, pv(parameter));
        }
        (
            Comp::Error(k, e, p),
            AnsiComponent::ReturnError {
                correlation_id,
                error,
                parameter,
            },
        ) => {
            assert_eq!((*k, *e), (correlation_id, error));
            assert_eq!(*p, pv(parameter));
        }
        (
            Comp::Reject(k, pr),
            AnsiComponent::Reject {
                correlation_id,
                problem,
                ..
            },
        ) => {
            assert_eq!((*k, *pr), (correlation_id, problem));
        }
        (c, d) => panic!("{c:?} decoded as {d:?}"),
    }
}

proptest! {
    #[test]
    fn encode_decode_round_trip(p in package()) {
        let buf = encode(&p);
        let m = AnsiMessage::decode(&buf).unwrap();
        prop_assert_eq!(m.package, p.kind);
        if p.kind.has_originating_id() {
            prop_assert_eq!(m.ids.originating, Some(p.otid));
        }
        if p.kind.has_responding_id() {
            prop_assert_eq!(m.ids.responding, Some(p.rtid));
        }
        if let Some(d) = m.dialogue {
            prop_assert_eq!(d.version, p.version);
            prop_assert_eq!(d.security_context, p.security.map(SecurityContext::Integer));
        }
        if p.kind == PackageType::Abort {
            prop_assert_eq!(m.abort, p.cause.map(AbortReason::Provider));
        } else {
            let comps: Vec<_> = m.components().map(Result::unwrap).collect();
            prop_assert_eq!(comps.len(), p.comps.len());
            for (c, d) in p.comps.iter().zip(&comps) {
                check_component(c, d);
            }
        }
        let mut again = Vec::new();
        m.encode(&mut again);
        prop_assert_eq!(again, buf);
    }

    #[test]
    fn decoder_never_panics_on_random_input(data in proptest::collection::vec(any::<u8>(), 0..80)) {
        if let Ok(m) = AnsiMessage::decode(&data) {
            for c in m.components() {
                let _ = c;
            }
            let mut out = Vec::new();
            m.encode(&mut out);
        }
        let _ = ansi::peek_transaction_id(&data);
    }

    #[test]
    fn decoder_never_panics_on_mutated_packages(
        p in package(),
        edits in proptest::collection::vec((any::<usize>(), any::<u8>(), 0u8..3), 1..4),
    ) {
        let mut buf = encode(&p);
        for (at, byte, op) in edits {
            let i = at % (buf.len() + 1);
            match op {
                0 if i < buf.len() => buf[i] = byte,
                1 => buf.insert(i, byte),
                _ if i < buf.len() => { buf.remove(i); }
                _ => {}
            }
        }
        match AnsiMessage::decode(&buf) {
            Ok(m) => {
                for c in m.components() {
                    if let Err(f) = c {
                        let mut out = Vec::new();
                        ansi::reject_fault(&mut Writer::new(&mut out), &f);
                    }
                }
            }
            Err(e) => {
                let _ = (e.p_abort_cause(), e.offset(), e.to_string());
            }
        }
    }
}
