//! scpd against an independent peer, in the same run, on the same bytes: the crates.io codecs
//! `m3ua`, `sccp`, `tcap` and `gsm_cap` (Real-Time-Telecom-B-V; ITU CAP only).
//!
//! Input: camel.pcap frame 1's TCAP Begin (the same constant as benches/decode.rs) in an SCCP
//! UDT (called PC 200/SSN 146, calling PC 100/SSN 146, class 0x81) in an M3UA DATA (RC 1,
//! OPC 100, DPC 200, SI 3, NI 2), built once with scpd's encoders. Both sides go M3UA → SCCP
//! → TCAP (dialogue portion parsed and checked by both decoders) → CAP InitialDPArg and hand
//! back the same three things: serviceKey, the calling party's digits and the IMSI as text.
//!
//! scpd's decoder turns the ISUP and TBCD numbers into text itself; the peer hands back the
//! OCTET STRINGs, so the peer side runs the small nibble-to-text routine below (stack buffer,
//! no allocation). scpd's side copies its text into the same buffer type, so both return one
//! `Extracted`.
//!
//! Groups: `full_stack/{scpd,peer}` and one group per layer with that layer's own input bytes:
//! `m3ua`, `sccp`, `tcap_cap` (TCAP Begin → InitialDP fields), `cap` (the InitialDPArg SEQUENCE
//! alone). `cap/peer_unchecked` is `rasn::ber::decode` on gsm_cap's type, i.e. without the
//! re-encode that `gsm_cap::decode` does to prove no member was dropped.

mod common;
use common::{message, CAMEL_BEGIN};
use criterion::{criterion_group, criterion_main, Criterion};
use scpd::ber::{from_hex, Tlv};
use scpd::m3ua::Message;
use scpd::sccp::Unitdata;
use scpd::tcap::itu::{Component, TcMessage};
use std::hint::black_box;

/// CAP operation code of initialDP.
const OP_INITIAL_DP: u32 = 0;

/// Digits as text in a stack buffer (scpd's MAX_DIGITS is 48 too).
#[derive(Clone, Copy, PartialEq, Eq)]
struct Text {
    buf: [u8; 48],
    len: u8,
}

impl Text {
    const EMPTY: Text = Text {
        buf: [0; 48],
        len: 0,
    };
    fn from_str(s: &str) -> Text {
        let mut t = Text::EMPTY;
        t.buf[..s.len()].copy_from_slice(s.as_bytes());
        t.len = s.len() as u8;
        t
    }
    fn push(&mut self, c: u8) -> Option<()> {
        *self.buf.get_mut(usize::from(self.len))? = c;
        self.len += 1;
        Some(())
    }
    fn as_str(&self) -> &str {
        std::str::from_utf8(&self.buf[..usize::from(self.len)]).unwrap()
    }
}

impl std::fmt::Debug for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.as_str().fmt(f)
    }
}

/// What both sides read from the InitialDP.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Extracted {
    service_key: u32,
    calling: Text,
    imsi: Text,
}

// ---------------------------------------------------------------- scpd

fn scpd_tcap_cap(tcap: &[u8]) -> Option<Extracted> {
    let tc = TcMessage::decode(tcap).unwrap();
    for c in tc.components() {
        if let Ok(Component::Invoke {
            opcode: OP_INITIAL_DP,
            parameter: Some(p),
            ..
        }) = c
        {
            return Some(scpd_cap(p));
        }
    }
    None
}

fn scpd_cap(p: Tlv<'_>) -> Extracted {
    let idp = scpd::camel::InitialDpArg::decode(p).unwrap();
    Extracted {
        service_key: idp.service_key,
        calling: idp
            .calling_party_number
            .map_or(Text::EMPTY, |n| Text::from_str(n.digits.as_str())),
        imsi: idp.imsi.map_or(Text::EMPTY, |i| Text::from_str(i.as_str())),
    }
}

fn scpd_full(m: &[u8]) -> Option<Extracted> {
    let msg = Message::parse(m).unwrap();
    let pd = msg.protocol_data().unwrap();
    let u = Unitdata::decode(pd.data).unwrap();
    scpd_tcap_cap(u.data)
}

// ---------------------------------------------------------------- peer

/// ISUP number parameter (Q.763 §3.9): octet 1 odd/even + nature, octet 2 indicators, then
/// address signals low nibble first; an odd count leaves a filler; 1111 last is ST.
fn isup_digits(v: &[u8]) -> Option<Text> {
    let [o1, _o2, signals @ ..] = v else {
        return None;
    };
    let count = (signals.len() * 2).checked_sub(usize::from(o1 >> 7))?;
    let mut t = Text::EMPTY;
    for i in 0..count {
        let b = signals[i / 2];
        let n = if i % 2 == 0 { b & 0x0f } else { b >> 4 };
        match n {
            0..=9 => t.push(b'0' + n)?,
            0xf if i + 1 == count => {} // ST
            0xb => t.push(b'*')?,
            0xc => t.push(b'#')?,
            0xf => return None,
            _ => t.push(b'a' + n - 0xa)?,
        }
    }
    Some(t)
}

/// TBCD-STRING (TS 29.002): low nibble first, 1111 ends it and only 1111 may follow.
fn tbcd_digits(v: &[u8]) -> Option<Text> {
    let mut t = Text::EMPTY;
    let mut ended = false;
    for &b in v {
        for n in [b & 0x0f, b >> 4] {
            match n {
                0xf => ended = true,
                _ if ended => return None,
                0..=9 => t.push(b'0' + n)?,
                0xa => t.push(b'*')?,
                0xb => t.push(b'#')?,
                _ => t.push(b'a' + n - 0xc)?,
            }
        }
    }
    Some(t)
}

fn peer_extract(idp: &gsm_cap::operations::InitialDpArg) -> Extracted {
    Extracted {
        service_key: u32::try_from(&idp.service_key).unwrap(),
        calling: idp
            .calling_party_number
            .as_ref()
            .map_or(Text::EMPTY, |n| isup_digits(n).unwrap()),
        imsi: idp
            .imsi
            .as_ref()
            .map_or(Text::EMPTY, |i| tbcd_digits(i).unwrap()),
    }
}

fn peer_cap(param: &[u8]) -> Extracted {
    let idp: gsm_cap::operations::InitialDpArg = gsm_cap::decode(param).unwrap();
    peer_extract(&idp)
}

fn peer_tcap_cap(tcap: &[u8]) -> Option<Extracted> {
    let msg = tcap::decode(tcap).unwrap();
    for c in msg.components() {
        if let tcap::Component::Invoke(tcap::Invoke {
            operation_code: tcap::OperationCode::Local(op),
            parameter: Some(p),
            ..
        }) = c
        {
            if *op == i64::from(OP_INITIAL_DP) {
                return Some(peer_cap(p.as_bytes()));
            }
        }
    }
    None
}

fn peer_full(m: &[u8]) -> Option<Extracted> {
    let msg = m3ua::M3uaMessage::decode(m).unwrap();
    let pd = msg.protocol_data().unwrap();
    let u = ::sccp::UnitData::decode(&pd.user_data).unwrap();
    peer_tcap_cap(&u.data)
}

// ---------------------------------------------------------------- checks and benches

/// The InitialDPArg SEQUENCE (tag, length and contents) as it sits in the Invoke.
fn initial_dp_param(tcap: &[u8]) -> Vec<u8> {
    let tc = TcMessage::decode(tcap).unwrap();
    for c in tc.components() {
        if let Ok(Component::Invoke {
            parameter: Some(p), ..
        }) = c
        {
            return p.raw.to_vec();
        }
    }
    panic!("no Invoke with a parameter");
}

fn bench(c: &mut Criterion) {
    let m = message();
    let expect = Extracted {
        service_key: 42,
        calling: Text::from_str("41789005047"),
        imsi: Text::from_str("41787552689"),
    };

    // The same bytes on both sides, layer by layer, and the same answer at the top.
    let s_msg = Message::parse(&m).unwrap();
    let s_pd = s_msg.protocol_data().unwrap();
    let p_msg = m3ua::M3uaMessage::decode(&m).unwrap();
    let p_pd = p_msg.protocol_data().unwrap();
    assert_eq!(p_msg.routing_context(), Some(1));
    assert_eq!(
        (p_pd.opc, p_pd.dpc, p_pd.si, p_pd.ni, p_pd.sls),
        (s_pd.opc, s_pd.dpc, s_pd.si, s_pd.ni, s_pd.sls)
    );
    assert_eq!((p_pd.opc, p_pd.dpc, p_pd.si, p_pd.ni), (100, 200, 3, 2));
    let udt = s_pd.data.to_vec();
    assert_eq!(p_pd.user_data, udt);

    let s_u = Unitdata::decode(&udt).unwrap();
    let p_u = ::sccp::UnitData::decode(&udt).unwrap();
    assert_eq!(s_u.protocol_class, 0x81);
    assert_eq!((p_u.protocol_class, p_u.message_handling), (1, 8));
    assert_eq!(
        (
            s_u.called.pc,
            s_u.called.ssn,
            s_u.calling.pc,
            s_u.calling.ssn
        ),
        (Some(200), Some(146), Some(100), Some(146))
    );
    assert_eq!(
        (
            p_u.called_party.point_code,
            p_u.called_party.ssn.map(|s| s.value()),
            p_u.calling_party.point_code,
            p_u.calling_party.ssn.map(|s| s.value())
        ),
        (Some(200), Some(146), Some(100), Some(146))
    );
    let tcap = s_u.data.to_vec();
    assert_eq!(tcap, from_hex(CAMEL_BEGIN).unwrap());
    assert_eq!(p_u.data, tcap);

    // The peer's decoder parsed the dialogue portion (an AARQ) before handing back the message.
    let p_tc = tcap::decode(&tcap).unwrap();
    assert!(matches!(
        p_tc.dialogue_portion().unwrap().dialogue_pdu(),
        Ok(Some(tcap::DialoguePdu::Aarq { .. }))
    ));
    assert!(TcMessage::decode(&tcap)
        .unwrap()
        .application_context()
        .is_some());

    let param = initial_dp_param(&tcap);
    let p_param = p_tc
        .components()
        .iter()
        .find_map(|c| match c {
            tcap::Component::Invoke(i) => i.parameter.as_ref().map(|p| p.as_bytes().to_vec()),
            _ => None,
        })
        .unwrap();
    assert_eq!(p_param, param);

    assert_eq!(scpd_full(&m), Some(expect));
    assert_eq!(peer_full(&m), Some(expect));
    assert_eq!(scpd_tcap_cap(&tcap), Some(expect));
    assert_eq!(peer_tcap_cap(&tcap), Some(expect));
    let unchecked: gsm_cap::operations::InitialDpArg = rasn::ber::decode(&param).unwrap();
    assert_eq!(peer_extract(&unchecked), expect);

    let mut g = c.benchmark_group("full_stack");
    g.bench_function("scpd", |b| b.iter(|| scpd_full(black_box(&m))));
    g.bench_function("peer", |b| b.iter(|| peer_full(black_box(&m))));
    g.finish();

    let mut g = c.benchmark_group("m3ua");
    g.bench_function("scpd", |b| {
        b.iter(|| {
            let msg = Message::parse(black_box(&m)).unwrap();
            let pd = msg.protocol_data().unwrap();
            (pd.opc, pd.dpc, pd.data.len())
        })
    });
    g.bench_function("peer", |b| {
        b.iter(|| {
            let msg = m3ua::M3uaMessage::decode(black_box(&m)).unwrap();
            let pd = msg.protocol_data().unwrap();
            (pd.opc, pd.dpc, pd.user_data.len())
        })
    });
    g.finish();

    let mut g = c.benchmark_group("sccp");
    g.bench_function("scpd", |b| {
        b.iter(|| {
            let u = Unitdata::decode(black_box(&udt)).unwrap();
            (u.called.ssn, u.calling.pc, u.data.len())
        })
    });
    g.bench_function("peer", |b| {
        b.iter(|| {
            let u = ::sccp::UnitData::decode(black_box(&udt)).unwrap();
            (u.called_party.ssn, u.calling_party.point_code, u.data.len())
        })
    });
    g.finish();

    let mut g = c.benchmark_group("tcap_cap");
    g.bench_function("scpd", |b| b.iter(|| scpd_tcap_cap(black_box(&tcap))));
    g.bench_function("peer", |b| b.iter(|| peer_tcap_cap(black_box(&tcap))));
    g.finish();

    let mut g = c.benchmark_group("cap");
    g.bench_function("scpd", |b| {
        b.iter(|| scpd_cap(Tlv::parse_single(black_box(&param)).unwrap()))
    });
    g.bench_function("peer", |b| b.iter(|| peer_cap(black_box(&param))));
    g.bench_function("peer_unchecked", |b| {
        b.iter(|| {
            let idp: gsm_cap::operations::InitialDpArg =
                rasn::ber::decode(black_box(&param)).unwrap();
            peer_extract(&idp)
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
