//! XUDT segmentation and reassembly (Q.714 §4.1.1.2, §4.1.2.2): the jSS7 segment vectors,
//! the real segmented messages in ../shared/traces/pycrate-pcapr/attach_sccp_xudts.rebuilt.pcap,
//! and out-of-order, duplicate, missing and over-limit segments.

mod common;
use std::time::{Duration, Instant};

use scpd::ber::from_hex;
use scpd::lab::capture::{read_capture, CaptureOptions, Payload};
use scpd::sccp::segment::{Reassembler, ReassemblyConfig, SegmentOutcome, Segmenter, MAX_SEGMENTS};
use scpd::sccp::{cause, msg_type, Address, SccpError, Unitdata, Variant};
use scpd::tcap::itu::{MessageType, TcMessage};

// ../shared/traces/jss7-vectors/sccp_messages.hex:11, :13, :15 — MessageSegmentationTest.java:102,
// :124, :146 (getDataSegm1..3), split around their data: each segment carries octets i % 256
// of a 600-octet message (0..240, 240..480, 480..600).
const SEGM_HEAD: [&str; 3] = [
    "11810f04060afa0242080443020008f0",
    "11810f04060afa0242080443020008f0",
    "11810f04060a82024208044302000878",
];
const SEGM_TAIL: [&str; 3] = [
    "1004c201000012010700",
    "10044101000012010700",
    "10044001000012010700",
];

/// The three jSS7 segments, rebuilt from the head, the counting data and the tail (the
/// vectors test checks the same bytes against the .hex file).
fn jss7_segments() -> Vec<Vec<u8>> {
    let all: Vec<u8> = (0..600).map(|i| i as u8).collect();
    let ranges = [0..240, 240..480, 480..600];
    (0..3)
        .map(|i| {
            let mut b = from_hex(SEGM_HEAD[i]).unwrap();
            b.extend_from_slice(&all[ranges[i].clone()]);
            b.extend(from_hex(SEGM_TAIL[i]).unwrap());
            b
        })
        .collect()
}

// jss7-vectors/sccp_messages.hex:5 and :7 — XudtReassemblingTest.java:18 and :37.
const XUDT_REASM_1: &str = "11810f040d16ff090a0601090008000120090a0701090008000210e96281ff4804040000296b1a2818060700118605010101a00d600ba1090607040000010001036c81daa181d70201010201023081ce040804041101000900f2810791090008000210040791090008000210303aa0383036060229018230911981010e82000000000000000000000000000000000000000000000000000000000000000000000000000000000000a662800205e0303aa0383036060229018230911981010e820000000000000000000000000000000000000000000000000000000000000000000000000000000000008200810100a307810501010101018400850300010186030001018710048104000400";
const XUDT_REASM_2: &str = "11810f040d162f090a0601090008000120090a070109000800021019020001880089008b008c00ad0a800853836150014733f0900010040004000400";

fn t0() -> Instant {
    Instant::now()
}

fn complete(o: Option<SegmentOutcome>) -> scpd::sccp::segment::Reassembled {
    match o {
        Some(SegmentOutcome::Complete(r)) => r,
        other => panic!("expected Complete, got {other:?}"),
    }
}

fn pending(o: Option<SegmentOutcome>) -> Instant {
    match o {
        Some(SegmentOutcome::Pending { deadline }) => deadline,
        other => panic!("expected Pending, got {other:?}"),
    }
}

#[test]
fn jss7_three_segments_reassemble_and_resegment_identically() {
    let segs = jss7_segments();
    let vectors = common::traces()
        .and_then(|t| std::fs::read_to_string(t.join("jss7-vectors/sccp_messages.hex")).ok());
    if let Some(v) = vectors {
        // Lines 11, 13, 15 of the file are these segments.
        let lines: Vec<&str> = v.lines().collect();
        for (i, l) in [11, 13, 15].into_iter().enumerate() {
            assert_eq!(from_hex(lines[l - 1]).unwrap(), segs[i], "line {l}");
        }
    }
    let now = t0();
    let mut r = Reassembler::new(Variant::Itu, ReassemblyConfig::default());
    pending(r.receive(2, &segs[0], now).unwrap());
    pending(r.receive(2, &segs[1], now).unwrap());
    let whole = complete(r.receive(2, &segs[2], now).unwrap());
    let want: Vec<u8> = (0..600).map(|i| i as u8).collect();
    assert_eq!(whole.data, want);
    assert_eq!(whole.segments, 3);
    assert_eq!((r.in_progress(), r.bytes_held()), (0, 0));
    let m = whole.message(Variant::Itu).unwrap();
    assert_eq!(
        (m.called.ssn, m.calling.pc, m.segmentation),
        (Some(8), Some(2), None)
    );

    // Our segmenter, given the same message and jSS7's 240-octet segments, writes the same
    // three XUDTs byte for byte.
    let mut s = Segmenter::new(Variant::Itu, 1);
    s.max_segment = Some(240);
    let mut msg = Unitdata::xudt(0x81, m.called, m.calling, &want);
    msg.importance = Some(7);
    assert_eq!(s.segment(&msg).unwrap(), segs);
}

#[test]
fn jss7_two_segments_reassemble() {
    let a = from_hex(XUDT_REASM_1).unwrap();
    let b = from_hex(XUDT_REASM_2).unwrap();
    let now = t0();
    let mut r = Reassembler::new(Variant::Itu, ReassemblyConfig::default());
    pending(r.receive(7, &a, now).unwrap());
    let whole = complete(r.receive(7, &b, now).unwrap());
    let (da, db) = (
        Unitdata::decode(&a).unwrap().data.len(),
        Unitdata::decode(&b).unwrap().data.len(),
    );
    assert_eq!(whole.data.len(), da + db);
    // The reassembled data is a whole TC-BEGIN.
    let tc = TcMessage::decode(&whole.data).unwrap();
    assert_eq!(tc.kind, MessageType::Begin);
}

/// The SCCP messages of attach_sccp_xudts.rebuilt.pcap, with frame number and OPC.
fn pcap_messages() -> Option<Vec<(u64, u32, Vec<u8>)>> {
    let path = common::traces()?.join("pycrate-pcapr/attach_sccp_xudts.rebuilt.pcap");
    let file = std::fs::read(path).expect("trace readable");
    let mut out = Vec::new();
    read_capture(&file, &CaptureOptions::default(), |m| {
        if let Payload::Mtp3(msu) = m.payload {
            if msu.si == 3 {
                out.push((m.frame, msu.opc, msu.data.to_vec()));
            }
        }
    })
    .unwrap();
    Some(out)
}

#[test]
fn pcapr_attach_xudts_reassemble_to_631_octet_tc_begins() {
    let Some(msgs) = pcap_messages() else {
        return;
    };
    assert_eq!(msgs.len(), 19);
    let mut r = Reassembler::new(Variant::Itu, ReassemblyConfig::default());
    let now = t0();
    let mut whole = Vec::new();
    let mut returned = Vec::new();
    let mut unsegmented = 0;
    for (frame, opc, b) in &msgs {
        let u = Unitdata::decode(b).unwrap();
        match r.receive(*opc, b, now).unwrap() {
            None => {
                // The SST/SSA exchange (UDT to SSN 1).
                assert_eq!(
                    (u.msg_type, u.called.ssn),
                    (msg_type::UDT, Some(1)),
                    "frame {frame}"
                );
                unsegmented += 1;
            }
            Some(SegmentOutcome::Pending { .. }) => {}
            Some(SegmentOutcome::Complete(c)) if u.is_service() => returned.push((*frame, c)),
            Some(SegmentOutcome::Complete(c)) => whole.push((*frame, c)),
            Some(other) => panic!("frame {frame}: {other:?}"),
        }
    }
    assert_eq!(unsegmented, 10);
    assert_eq!(whole.len(), 2);
    assert_eq!(returned.len(), 1);
    // Ericsson INAP CS1+ application context 1.2.826.0.1249.51.1.1.1.0.1.
    let ac = [
        0x2a, 0x86, 0x3a, 0x00, 0x89, 0x61, 0x33, 0x01, 0x01, 0x01, 0x00, 0x01,
    ];
    for ((frame, c), lr) in whole.iter().zip([1, 2]) {
        assert_eq!(c.segments, 3, "frame {frame}");
        assert_eq!(c.key.local_reference, lr);
        assert_eq!(c.data.len(), 631, "frame {frame}");
        let tc = TcMessage::decode(&c.data).unwrap();
        assert_eq!(tc.kind, MessageType::Begin);
        assert_eq!(tc.application_context(), Some(&ac[..]));
        let m = c.message(Variant::Itu).unwrap();
        assert_eq!((m.called.ssn, m.calling.ssn), (Some(6), Some(11)));
        assert_eq!(m.called.gt.unwrap().digits().as_str(), "9725443322");
    }
    assert_eq!((whole[0].0, whole[1].0), (3, 16));
    // The far end returned the second message in 3 XUDTS segments (cause 0, no
    // translation for an address of such nature): the same 631 octets.
    let (frame, ret) = &returned[0];
    assert_eq!(*frame, 19);
    let m = ret.message(Variant::Itu).unwrap();
    assert_eq!((m.type_name(), m.return_cause), ("XUDTS", Some(0)));
    assert_eq!(ret.data, whole[1].1.data);
    assert_eq!(r.in_progress(), 0);
}

fn template<'a>(data: &'a [u8]) -> Unitdata<'a> {
    Unitdata::xudt(
        0x81,
        Address::ssn_pc(100, 146),
        Address::ssn_pc(200, 146),
        data,
    )
}

#[test]
fn out_of_order_and_duplicate_segments() {
    let data: Vec<u8> = (0..700u32).map(|i| (i * 7) as u8).collect();
    let mut s = Segmenter::new(Variant::Itu, 0x00fffffe);
    let segs = s.segment(&template(&data)).unwrap();
    assert_eq!(segs.len(), 3);
    let now = t0();
    let mut r = Reassembler::new(Variant::Itu, ReassemblyConfig::default());
    pending(r.receive(200, &segs[2], now).unwrap());
    assert_eq!(
        r.receive(200, &segs[2], now).unwrap(),
        Some(SegmentOutcome::Duplicate)
    );
    pending(r.receive(200, &segs[0], now).unwrap());
    assert_eq!(
        r.receive(200, &segs[0], now).unwrap(),
        Some(SegmentOutcome::Duplicate)
    );
    let whole = complete(r.receive(200, &segs[1], now).unwrap());
    assert_eq!(whole.data, data);
    assert_eq!(whole.key.local_reference, 0x00fffffe);
    // Local references wrap at 24 bits.
    let next = s.segment(&template(&data)).unwrap();
    let u = Unitdata::decode(&next[0]).unwrap();
    assert_eq!(u.segmentation.unwrap().local_reference, 0x00ffffff);
    let next = s.segment(&template(&data)).unwrap();
    assert_eq!(
        Unitdata::decode(&next[0])
            .unwrap()
            .segmentation
            .unwrap()
            .local_reference,
        0
    );
    // The same local reference from another OPC is another message.
    pending(r.receive(201, &segs[0], now).unwrap());
    pending(r.receive(200, &segs[0], now).unwrap());
    assert_eq!(r.in_progress(), 2);
}

#[test]
fn missing_segment_times_out_with_segmentation_failure_and_xudts() {
    let data = vec![0x5a; 600];
    let segs = Segmenter::new(Variant::Itu, 9)
        .segment(&template(&data))
        .unwrap();
    let now = t0();
    let cfg = ReassemblyConfig {
        timeout_ms: 10_000,
        ..Default::default()
    };
    let mut r = Reassembler::new(Variant::Itu, cfg);
    let deadline = pending(r.receive(200, &segs[0], now).unwrap());
    assert_eq!(deadline, now + Duration::from_secs(10));
    pending(
        r.receive(200, &segs[2], now + Duration::from_secs(1))
            .unwrap(),
    );
    assert_eq!(r.next_deadline(), Some(deadline));
    assert!(r.expire(deadline - Duration::from_millis(1)).is_empty());
    let failed = r.expire(deadline);
    assert_eq!(failed.len(), 1);
    let f = &failed[0];
    assert_eq!(f.cause, cause::SEGMENTATION_FAILURE);
    assert_eq!(
        (r.in_progress(), r.bytes_held(), r.next_deadline()),
        (0, 0, None)
    );
    // The first segment asked for return on error: XUDTS with the first segment's data,
    // its segmentation parameter, the addresses swapped and a fresh hop counter.
    let x = f.returned.as_ref().expect("XUDTS");
    let u = Unitdata::decode(x).unwrap();
    let first = Unitdata::decode(&segs[0]).unwrap();
    assert_eq!(
        (u.type_name(), u.return_cause),
        ("XUDTS", Some(cause::SEGMENTATION_FAILURE))
    );
    assert_eq!((u.called, u.calling), (first.calling, first.called));
    assert_eq!(u.data, first.data);
    assert_eq!(u.segmentation, first.segmentation);
    assert_eq!(u.hop_counter, Some(15));
    // A reassembly whose first segment never came returns nothing.
    pending(r.receive(200, &segs[1], now).unwrap());
    let failed = r.expire(now + Duration::from_secs(60));
    assert_eq!(failed[0].returned, None);
}

#[test]
fn inconsistent_segments_fail() {
    let data = vec![1u8; 600];
    let segs = Segmenter::new(Variant::Itu, 5)
        .segment(&template(&data))
        .unwrap();
    let now = t0();
    let mut r = Reassembler::new(Variant::Itu, ReassemblyConfig::default());
    // A different segment with the same number.
    pending(r.receive(200, &segs[1], now).unwrap());
    let mut other = segs[1].clone();
    let n = other.len();
    other[n - 12] ^= 0xff; // a data octet
    match r.receive(200, &other, now).unwrap() {
        Some(SegmentOutcome::Failed(f)) => assert_eq!(f.cause, cause::SEGMENTATION_FAILURE),
        o => panic!("{o:?}"),
    }
    // A first segment announcing fewer segments than one already held.
    let short = Segmenter::new(Variant::Itu, 5)
        .segment(&template(&data[..300]))
        .unwrap();
    pending(r.receive(200, &segs[0], now).unwrap());
    match r.receive(200, &short[0], now).unwrap() {
        Some(SegmentOutcome::Failed(f)) => {
            assert_eq!(f.cause, cause::SEGMENTATION_FAILURE);
            assert!(f.returned.is_some(), "the held first segment is returned");
        }
        o => panic!("{o:?}"),
    }
}

#[test]
fn limits_refuse_with_destination_cannot_reassemble() {
    let data = vec![3u8; 600];
    let mut s = Segmenter::new(Variant::Itu, 1);
    let a = s.segment(&template(&data)).unwrap();
    let b = s.segment(&template(&data)).unwrap();
    let now = t0();
    let cfg = ReassemblyConfig {
        max_concurrent: 1,
        ..Default::default()
    };
    let mut r = Reassembler::new(Variant::Itu, cfg);
    pending(r.receive(200, &a[0], now).unwrap());
    match r.receive(200, &b[0], now).unwrap() {
        Some(SegmentOutcome::Failed(f)) => {
            assert_eq!(f.cause, cause::DESTINATION_CANNOT_REASSEMBLE);
            let x = Unitdata::decode(f.returned.as_ref().unwrap()).unwrap();
            assert_eq!(x.return_cause, Some(cause::DESTINATION_CANNOT_REASSEMBLE));
        }
        o => panic!("{o:?}"),
    }
    let cfg = ReassemblyConfig {
        max_bytes: 300,
        ..Default::default()
    };
    let mut r = Reassembler::new(Variant::Itu, cfg);
    pending(r.receive(200, &a[0], now).unwrap());
    match r.receive(200, &a[1], now).unwrap() {
        Some(SegmentOutcome::Failed(f)) => {
            assert_eq!(f.cause, cause::DESTINATION_CANNOT_REASSEMBLE);
            assert!(f.returned.is_some());
        }
        o => panic!("{o:?}"),
    }
    assert_eq!((r.in_progress(), r.bytes_held()), (0, 0));
}

#[test]
fn segmenter_limits_and_single_xudt() {
    let mut s = Segmenter::new(Variant::Itu, 1);
    // Fits: one XUDT without segmentation parameter.
    let one = s.segment(&template(&[7; 200])).unwrap();
    assert_eq!(one.len(), 1);
    let u = Unitdata::decode(&one[0]).unwrap();
    assert_eq!(
        (u.segmentation, u.data.len(), u.protocol_class),
        (None, 200, 0x81)
    );
    // Every segment fits an MTP3 SIF and the XUDT pointer.
    let cap = Segmenter::xudt_capacity(&template(&[]), Variant::Itu);
    let big = vec![9u8; cap * MAX_SEGMENTS];
    let segs = s.segment(&template(&big)).unwrap();
    assert_eq!(segs.len(), MAX_SEGMENTS);
    assert!(
        segs.iter().all(|b| b.len() <= 272),
        "{:?}",
        segs.iter().map(Vec::len).max()
    );
    // Class 0 user data: segments go in class 1 with C = 0.
    let mut t = template(&big[..cap + 1]);
    t.protocol_class = 0x80;
    let segs = s.segment(&t).unwrap();
    let u = Unitdata::decode(&segs[0]).unwrap();
    assert_eq!(u.protocol_class, 0x81);
    assert!(!u.segmentation.unwrap().class1);
    // Too much for 16 segments.
    let err = s
        .segment(&template(&vec![0; cap * MAX_SEGMENTS + 1]))
        .unwrap_err();
    assert!(matches!(err, SccpError::TooLong { .. }), "{err}");
    // Reassembles in every variant.
    for v in [Variant::Itu, Variant::Ansi, Variant::Chinese] {
        let national = v == Variant::Ansi;
        let called = Address {
            national,
            ..Address::ssn_pc(
                0x10203 & if v == Variant::Itu { 0x3fff } else { 0xffffff },
                146,
            )
        };
        let calling = Address {
            national,
            ..Address::ssn_pc(7, 146)
        };
        let data: Vec<u8> = (0..1000u32).map(|i| i as u8).collect();
        let segs = Segmenter::new(v, 1)
            .segment(&Unitdata::xudt(1, called, calling, &data))
            .unwrap();
        let mut r = Reassembler::new(v, ReassemblyConfig::default());
        let now = t0();
        let mut out = None;
        for b in segs.iter().rev() {
            if let Some(SegmentOutcome::Complete(c)) = r.receive(7, b, now).unwrap() {
                out = Some(c);
            }
        }
        let c = out.expect("complete");
        assert_eq!(c.data, data, "{v:?}");
        assert_eq!(c.message(v).unwrap().called, called);
    }
}
