//! Decode cost of one full InitialDP as scpd receives it: M3UA DATA → SCCP UDT → TCAP
//! Begin (dialogue portion + component) → CAP InitialDPArg, and the answer path's encode.
//! The TCAP bytes are camel.pcap frame 1 (shared/traces/wireshark-wiki), wrapped here in
//! SCCP and M3UA as an MSC would send them.

mod common;
use common::{message, CAMEL_BEGIN};
use criterion::{criterion_group, criterion_main, Criterion};
use scpd::ber::{from_hex, Reader, Tlv};
use scpd::camel::InitialDpArg;
use scpd::m3ua::Message;
use scpd::sccp::Unitdata;
use scpd::tcap::itu::{self, Component, DialogueOut, MessageType, TcMessage};
use std::hint::black_box;

/// Everything the node reads from an InitialDP, returned so nothing is optimised away.
fn decode_full(m: &[u8]) -> (u32, usize) {
    let msg = Message::parse(m).unwrap();
    let pd = msg.protocol_data().unwrap();
    let u = Unitdata::decode(pd.data).unwrap();
    let tc = TcMessage::decode(u.data).unwrap();
    let mut key = 0;
    for c in tc.components() {
        if let Ok(Component::Invoke {
            parameter: Some(p), ..
        }) = c
        {
            let idp = InitialDpArg::decode(p).unwrap();
            key = idp.service_key
                + idp
                    .calling_party_number
                    .map_or(0, |n| n.digits.as_str().len() as u32);
        }
    }
    (key, tc.application_context().map_or(0, <[u8]>::len))
}

fn bench(c: &mut Criterion) {
    let m = message();
    assert_eq!(decode_full(&m).0, 42 + 11);
    c.bench_function("decode M3UA+SCCP+TCAP+CAP InitialDP", |b| {
        b.iter(|| decode_full(black_box(&m)))
    });
    let tcap = from_hex(CAMEL_BEGIN).unwrap();
    c.bench_function("BER walk of the TCAP Begin (27 elements)", |b| {
        fn walk(t: &Tlv<'_>) -> usize {
            let mut n = 1;
            if t.tag.constructed {
                let mut r = Reader::with_base(t.value, t.value_offset);
                while let Ok(Some(c)) = r.next_tlv() {
                    n += walk(&c);
                }
            }
            n
        }
        b.iter(|| Tlv::parse_single(black_box(&tcap)).map_or(0, |t| walk(&t)))
    });
    let mut out = Vec::with_capacity(256);
    let ac = scpd::camel::ac::CAP_V2_GSMSSF_TO_GSMSCF;
    c.bench_function("encode TC-END with AARE + Continue", |b| {
        b.iter(|| {
            out.clear();
            itu::encode(
                &mut out,
                MessageType::End,
                None,
                Some(black_box(&[0x06, 0xf7])),
                Some(DialogueOut::Aare {
                    ac,
                    result: 0,
                    diagnostic: (1, 0),
                }),
                |w| itu::invoke(w, 1, 31, |_| {}),
            );
            out.len()
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
