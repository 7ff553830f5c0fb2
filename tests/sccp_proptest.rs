//! SCCP proptests: every connectionless message type round-trips in every variant (ITU,
//! ANSI, Chinese) with every GTI the variant defines; the decoders (messages, addresses,
//! SCMG), the reassembler and the router never panic on random or mutated input.

use std::time::Instant;

use proptest::prelude::*;
use scpd::ber::from_hex;
use scpd::sccp::route::{GtAction, GtRule, GtTable};
use scpd::sccp::scmg::ScmgMessage;
use scpd::sccp::segment::{Reassembler, ReassemblyConfig, Segmenter};
use scpd::sccp::{msg_type, Address, GlobalTitle, Layout, Segmentation, Unitdata, Variant};

const TYPES: [u8; 6] = [
    msg_type::UDT,
    msg_type::UDTS,
    msg_type::XUDT,
    msg_type::XUDTS,
    msg_type::LUDT,
    msg_type::LUDTS,
];

const VARIANTS: [Variant; 3] = [Variant::Itu, Variant::Ansi, Variant::Chinese];

/// Raw material for one address; [`address`] shapes it into what the variant can carry.
#[derive(Debug, Clone)]
struct AddrSeed {
    national: bool,
    route_on_ssn: bool,
    pc: Option<u32>,
    ssn: Option<u8>,
    gti: u8,
    tt: u8,
    np: u8,
    es: u8,
    nai: u8,
    odd: bool,
    bcd: Vec<u8>,
}

fn addr_seed() -> impl Strategy<Value = AddrSeed> {
    (
        (
            any::<bool>(),
            any::<bool>(),
            any::<Option<u32>>(),
            any::<Option<u8>>(),
        ),
        (
            0u8..5,
            any::<u8>(),
            0u8..16,
            0u8..16,
            0u8..128,
            any::<bool>(),
        ),
        proptest::collection::vec(any::<u8>(), 0..12),
    )
        .prop_map(
            |((national, route_on_ssn, pc, ssn), (gti, tt, np, es, nai, odd), bcd)| AddrSeed {
                national,
                route_on_ssn,
                pc,
                ssn,
                gti,
                tt,
                np,
                es,
                nai,
                odd,
                bcd,
            },
        )
}

/// The address `s` describes, normalized to what `variant` decodes back: PC masked, GTI
/// within the layout, absent GT fields zero.
fn address(s: &AddrSeed, variant: Variant) -> Address<'_> {
    let layout = Layout::of(variant, s.national);
    let max_gti = if layout == Layout::Ansi { 2 } else { 4 };
    let gti = s.gti.min(max_gti);
    let gt = layout.gt_fields(gti).map(|f| {
        let es = if f.np_es { s.es } else { 0 };
        GlobalTitle {
            gti,
            tt: if f.tt { s.tt } else { 0 },
            np: if f.np_es { s.np } else { 0 },
            es,
            nai: if f.nai { s.nai } else { 0 },
            odd: if f.np_es { es == 1 } else { f.nai && s.odd },
            bcd: &s.bcd,
        }
    });
    Address {
        route_on_ssn: s.route_on_ssn,
        pc: s.pc.map(|p| p & layout.pc_mask()),
        ssn: s.ssn,
        gt,
        national: s.national,
    }
}

#[derive(Debug, Clone)]
struct MsgSeed {
    t: u8,
    class: u8,
    cause: u8,
    hop: u8,
    seg: Option<(bool, bool, u8, u32)>,
    importance: Option<u8>,
    data: Vec<u8>,
}

fn msg_seed() -> impl Strategy<Value = MsgSeed> {
    (
        proptest::sample::select(TYPES.to_vec()),
        any::<(u8, u8, u8)>(),
        proptest::option::of((any::<bool>(), any::<bool>(), 0u8..16, 0u32..1 << 24)),
        proptest::option::of(0u8..8),
        proptest::collection::vec(any::<u8>(), 0..700),
    )
        .prop_map(|(t, (class, cause, hop), seg, importance, data)| MsgSeed {
            t,
            class,
            cause,
            hop,
            seg,
            importance,
            data,
        })
}

fn message<'a>(m: &'a MsgSeed, called: Address<'a>, calling: Address<'a>) -> Unitdata<'a> {
    let service = matches!(m.t, msg_type::UDTS | msg_type::XUDTS | msg_type::LUDTS);
    let hop = !matches!(m.t, msg_type::UDT | msg_type::UDTS);
    let long = matches!(m.t, msg_type::LUDT | msg_type::LUDTS);
    let data = if long {
        &m.data[..]
    } else {
        &m.data[..m.data.len().min(200)]
    };
    Unitdata {
        msg_type: m.t,
        protocol_class: if service { 0 } else { m.class },
        return_cause: service.then_some(m.cause),
        hop_counter: hop.then_some(m.hop),
        called,
        calling,
        data,
        segmentation: m
            .seg
            .filter(|_| hop)
            .map(|(first, class1, remaining, lr)| Segmentation {
                first,
                class1,
                remaining,
                local_reference: lr,
            }),
        importance: m.importance.filter(|_| hop),
    }
}

const REAL: &[&str] = &[
    "098103101a0d120600110421436587092143650a1207001204896745230104deadbeef",
    "11810204111b1f0d120600110421436587092143650a1207001204896745230104deadbeef1004c2ffffff12010200",
    "13010a070008000b001000024208044301000605000b0c0d0e0f1004c001000012010700",
    "12010f04060a0f0242080443010006050b0c0d0e0f12010700",
    "14050a070008000b000000024208044301000605000b0c0d0e0f",
    "0981030d180a120700120453840900170b12060012044487200020659a6581974804260001984904510103df6c81",
    "0200000200000103010302420800",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn every_type_round_trips_in_every_variant(
        v in proptest::sample::select(VARIANTS.to_vec()),
        a in addr_seed(),
        b in addr_seed(),
        m in msg_seed(),
    ) {
        let u = message(&m, address(&a, v), address(&b, v));
        let mut out = Vec::new();
        // Too much for the type (a pointer or length octet overflows) is a typed error.
        prop_assume!(u.encode(&mut out, v).is_ok());
        let back = Unitdata::decode_variant(&out, v).unwrap();
        prop_assert_eq!(&back, &u);
        let mut again = Vec::new();
        back.encode(&mut again, v).unwrap();
        prop_assert_eq!(again, out);
    }

    #[test]
    fn segmenter_and_reassembler_round_trip(
        v in proptest::sample::select(VARIANTS.to_vec()),
        a in addr_seed(),
        b in addr_seed(),
        data in proptest::collection::vec(any::<u8>(), 1..2500),
        max in proptest::option::of(16usize..260),
        order in any::<u64>(),
    ) {
        let (called, calling) = (address(&a, v), address(&b, v));
        let mut s = Segmenter::new(v, order as u32);
        s.max_segment = max;
        let Ok(segs) = s.segment(&Unitdata::xudt(0x81, called, calling, &data)) else {
            return Ok(());
        };
        // Deliver in a shuffled order.
        let mut idx: Vec<usize> = (0..segs.len()).collect();
        let mut x = order | 1;
        for i in (1..idx.len()).rev() {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
            idx.swap(i, (x % (i as u64 + 1)) as usize);
        }
        let mut r = Reassembler::new(v, ReassemblyConfig::default());
        let now = Instant::now();
        let mut got = None;
        for i in idx {
            let b = &segs[i];
            prop_assert!(b.len() <= 272 || segs.len() == 1);
            match r.receive(1, b, now).unwrap() {
                Some(scpd::sccp::segment::SegmentOutcome::Complete(c)) => got = Some(c.data),
                Some(scpd::sccp::segment::SegmentOutcome::Pending { .. }) => {}
                None => got = Some(Unitdata::decode_variant(b, v).unwrap().data.to_vec()),
                Some(o) => prop_assert!(false, "{:?}", o),
            }
        }
        prop_assert_eq!(got, Some(data));
        prop_assert_eq!(r.in_progress(), 0);
    }

    #[test]
    fn random_bytes_never_panic(data in proptest::collection::vec(any::<u8>(), 0..300)) {
        let now = Instant::now();
        for v in VARIANTS {
            let _ = Unitdata::decode_variant(&data, v);
            let _ = Address::decode_variant(&data, 0, v);
            let _ = ScmgMessage::decode(&data, v);
            let mut r = Reassembler::new(v, ReassemblyConfig::default());
            let _ = r.receive(1, &data, now);
            let _ = r.expire(now);
        }
    }

    #[test]
    fn mutated_real_messages_never_panic(
        which in 0..REAL.len(),
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..4),
        cut in any::<usize>(),
    ) {
        let mut m = from_hex(REAL[which]).unwrap();
        for (at, byte) in edits {
            let i = at % m.len();
            m[i] = byte;
        }
        m.truncate(1 + cut % m.len());
        let table = GtTable::new(Variant::Itu, Some(1), vec![GtRule {
            tt: None, np: None, nai: None, prefix: Default::default(),
            action: GtAction::Retranslate { pc: 2, new_tt: 3 },
        }]);
        let now = Instant::now();
        for v in VARIANTS {
            if let Ok(u) = Unitdata::decode_variant(&m, v) {
                // Whatever decodes re-encodes (or says why not) and routes without panicking.
                let mut out = Vec::new();
                if u.encode(&mut out, v).is_ok() {
                    prop_assert_eq!(Unitdata::decode_variant(&out, v).unwrap(), u.clone());
                }
                let _ = u.returned(1).map(|r| r.encode(&mut Vec::new(), v));
                let _ = table.route(&u.called);
                let _ = ScmgMessage::decode(u.data, v);
            }
            let mut r = Reassembler::new(v, ReassemblyConfig::default());
            let _ = r.receive(1, &m, now);
        }
    }
}
