//! Tests against the real captures in shared/traces (expected values from tshark 4.0.17,
//! see the READMEs there).

use std::path::PathBuf;

use std::collections::BTreeMap;

use super::*;

/// The traces directory: `$SCPD_TRACES`, else `../shared/traces` beside the crate. `None`
/// (after saying so) when absent outside CI; a panic when absent in CI.
fn traces_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("SCPD_TRACES")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/traces")));
    if dir.is_dir() {
        return Some(dir);
    }
    if std::env::var_os("CI").is_some() {
        panic!("no traces at {} (set SCPD_TRACES)", dir.display());
    }
    eprintln!("skipped: no traces at {}", dir.display());
    None
}

/// A message reduced to what the tests compare.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Seen {
    frame: u64,
    via: Via,
    stream: Option<u16>,
    src: Option<SocketAddr>,
    dst: Option<SocketAddr>,
    /// M3UA: (class, type); MTP3: (si, ni).
    kind: (u8, u8),
    /// MTP3: (opc, dpc, sls).
    label: Option<(u32, u32, u8)>,
    len: usize,
    first: Vec<u8>,
}

fn read(rel: &str, mtp3: Mtp3Variant) -> Option<(Summary, Vec<Seen>)> {
    let dir = traces_dir()?;
    let path = dir.join(rel);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut seen = Vec::new();
    let opts = CaptureOptions { mtp3 };
    let summary = read_capture(&bytes, &opts, |m| {
        let (kind, label, body) = match m.payload {
            Payload::M3ua(b) => ((b[2], b[3]), None, b),
            Payload::Mtp3(msu) => (
                (msu.si, msu.ni),
                Some((msu.opc, msu.dpc, msu.sls)),
                msu.data,
            ),
            Payload::Sccp(b) => ((3, 0), None, b),
        };
        seen.push(Seen {
            frame: m.frame,
            via: m.via,
            stream: m.sctp_stream,
            src: m.src,
            dst: m.dst,
            kind,
            label,
            len: body.len(),
            first: body.iter().take(1).copied().collect(),
        });
    })
    .unwrap_or_else(|e| panic!("{rel}: {e}"));
    assert_eq!(summary.messages as usize, seen.len());
    Some((summary, seen))
}

/// (frame, si, ni, opc, dpc, sls) of every MTP3 message, for comparison with tshark.
fn labels(seen: &[Seen]) -> Vec<(u64, u8, u8, u32, u32, u8)> {
    seen.iter()
        .filter_map(|s| {
            s.label
                .map(|(o, d, l)| (s.frame, s.kind.0, s.kind.1, o, d, l))
        })
        .collect()
}

/// (class, type) of every M3UA message.
fn m3ua_types(seen: &[Seen]) -> BTreeMap<(u8, u8), usize> {
    let mut m = BTreeMap::new();
    for s in seen
        .iter()
        .filter(|s| matches!(s.via, Via::M3uaSctp | Via::M3uaTcp))
    {
        *m.entry(s.kind).or_insert(0) += 1;
    }
    m
}

fn addr(s: &str) -> Option<SocketAddr> {
    Some(s.parse().unwrap())
}

#[test]
fn camel_pcap_m2ua() {
    let Some((sum, seen)) = read("wireshark-wiki/camel.pcap", Mtp3Variant::Itu) else {
        return;
    };
    assert_eq!((sum.frames, sum.messages, sum.via(Via::M2ua)), (5, 5, 5));
    assert!(sum.skipped.is_empty(), "{:?}", sum.skipped);
    // tshark: mtp3.service_indicator, network_indicator, opc, dpc, sls
    assert_eq!(
        labels(&seen),
        [
            (1, 3, 2, 10, 100, 12),
            (2, 3, 2, 100, 10, 11),
            (3, 3, 2, 10, 100, 12),
            (4, 3, 2, 10, 100, 6),
            (5, 3, 2, 100, 10, 13)
        ]
    );
    assert!(seen
        .iter()
        .all(|s| s.stream == Some(0) && s.first == [0x09])); // SCCP UDT
    assert_eq!(seen[0].src.unwrap().port(), 2904);
}

#[test]
fn camel2_pcap_m2ua() {
    let Some((sum, seen)) = read("wireshark-wiki/camel2.pcap", Mtp3Variant::Itu) else {
        return;
    };
    assert_eq!((sum.frames, sum.messages), (4, 4));
    assert_eq!(
        labels(&seen),
        [
            (1, 3, 2, 4000, 304, 4),
            (2, 3, 2, 304, 4000, 7),
            (3, 3, 2, 4000, 304, 4),
            (4, 3, 2, 304, 4000, 7)
        ]
    );
}

#[test]
fn mtp2_chinese_22_249() {
    let Some((sum, seen)) = read("wireshark-wiki/22-249.pcap", Mtp3Variant::Chinese) else {
        return;
    };
    assert_eq!((sum.frames, sum.messages, sum.via(Via::Mtp2)), (59, 59, 59));
    let l = labels(&seen);
    // 40 MTP3 test messages (si 1), then 19 SCCP; tshark -o "mtp3.standard:Chinese ITU".
    assert_eq!(l.iter().filter(|x| x.1 == 1).count(), 40);
    assert_eq!(l.iter().filter(|x| x.1 == 3).count(), 19);
    assert_eq!(l[0], (1, 1, 2, 1_505_538, 1_507_304, 0));
    assert_eq!(l[3], (4, 1, 2, 1_507_304, 1_505_537, 0));
    assert_eq!(l[40], (41, 3, 2, 1_505_538, 1_507_304, 3));
    assert_eq!(l[45], (46, 3, 2, 1_505_538, 1_507_304, 4));
    assert_eq!(l[58], (59, 3, 2, 1_505_537, 1_507_304, 3));
    assert!(seen[40..].iter().all(|s| s.first == [0x09]));
}

#[test]
fn mtp3_linktype_cap_pcap() {
    let Some((sum, seen)) = read("wireshark-wiki/CAP.pcap", Mtp3Variant::Itu) else {
        return;
    };
    assert_eq!((sum.frames, sum.messages, sum.via(Via::Mtp3)), (58, 58, 58));
    let l = labels(&seen);
    assert!(l.iter().all(|x| x.1 == 3 && x.2 == 2));
    assert_eq!(l[0], (1, 3, 2, 1225, 1251, 3));
    assert_eq!(l[4], (5, 3, 2, 1251, 1225, 0));
    assert_eq!(l[22], (23, 3, 2, 1225, 1251, 12));
    assert_eq!(l[57], (58, 3, 2, 1225, 1251, 6));
    assert_eq!(l.iter().filter(|x| x.3 == 1225).count(), 31);
}

#[test]
fn idp_xudt_first_segment() {
    let Some((sum, seen)) = read("wireshark-wiki/idp.pcap", Mtp3Variant::Itu) else {
        return;
    };
    assert_eq!(sum.messages, 1);
    assert_eq!(labels(&seen), [(1, 3, 2, 20, 3100, 2)]);
    assert_eq!(seen[0].first, [0x11]); // XUDT
}

#[test]
fn linux_cooked_m3ua_expire_sample() {
    let Some((sum, seen)) = read("wireshark-wiki/expire-sample-merged.cap", Mtp3Variant::Itu)
    else {
        return;
    };
    assert_eq!(
        (sum.frames, sum.messages, sum.via(Via::M3uaSctp)),
        (6, 6, 6)
    );
    assert_eq!(m3ua_types(&seen), BTreeMap::from([((1, 1), 6)]));
    assert_eq!(seen[0].src, addr("10.180.58.244:2905"));
    assert_eq!(seen[0].dst, addr("10.180.37.8:2905"));
    assert_eq!(seen[4].src, addr("10.180.5.9:2905"));
    assert!(seen.iter().all(|s| s.stream == Some(1)));
}

#[test]
fn expire_sample_timestamps() {
    let Some(dir) = traces_dir() else { return };
    let bytes = std::fs::read(dir.join("wireshark-wiki/expire-sample-merged.cap")).unwrap();
    let mut ts = Vec::new();
    read_capture(&bytes, &CaptureOptions::default(), |m| ts.push(m.ts_ns)).unwrap();
    // tshark frame.time_epoch of frames 1 and 5 (the merged file is not in time order).
    assert_eq!(ts[0], 1_245_130_883_030_821_000);
    assert_eq!(ts[4], 1_245_130_882_968_147_000);
}

#[test]
fn m3ua_11_pcap() {
    let Some((sum, seen)) = read("wireshark-wiki/11.pcap", Mtp3Variant::Itu) else {
        return;
    };
    assert_eq!((sum.frames, sum.messages), (22, 22));
    assert_eq!(m3ua_types(&seen), BTreeMap::from([((1, 1), 22)]));
    assert_eq!(seen[21].src, addr("10.168.241.131:2905"));
}

#[test]
fn m3ua_isup_asp_management() {
    let Some((sum, seen)) = read("wireshark-wiki/m3ua_isup.cap", Mtp3Variant::Itu) else {
        return;
    };
    assert_eq!((sum.frames, sum.messages), (810, 481));
    // README: 470 DATA, 3 NTFY, 2 each of ASPUP, ASPUP_ACK, ASPAC, ASPAC_ACK.
    let want = BTreeMap::from([
        ((0, 1), 3),
        ((1, 1), 470),
        ((3, 1), 2),
        ((3, 4), 2),
        ((4, 1), 2),
        ((4, 3), 2),
    ]);
    assert_eq!(m3ua_types(&seen), want);
    assert_eq!(sum.skipped(Skip::SctpRetransmission), 0);
}

#[test]
fn centile_byte_swapped_ppid() {
    let Some((sum, seen)) = read("wireshark-wiki/centile_m3ua.cap", Mtp3Variant::Itu) else {
        return;
    };
    assert_eq!((sum.frames, sum.messages), (16, 6));
    // Frame 5 bundles DAVA and ASPUP with PPID 0x03000000; 7 ASPUP_ACK; 9 NTFY; 12 DATA
    // (PPID 0x03000000); 13 ERR.
    let got: Vec<_> = seen.iter().map(|s| (s.frame, s.kind)).collect();
    assert_eq!(
        got,
        [
            (5, (2, 2)),
            (5, (3, 1)),
            (7, (3, 4)),
            (9, (0, 1)),
            (12, (1, 1)),
            (13, (0, 0))
        ]
    );
    assert_eq!(seen[0].src, addr("192.168.250.1:2905"));
    assert!(seen.iter().all(|s| s.stream == Some(0)));
}

#[test]
fn ansi_map_win_m2ua() {
    let Some((sum, seen)) = read("wireshark-wiki/ansi_map_win.pcap", Mtp3Variant::Ansi) else {
        return;
    };
    assert_eq!((sum.frames, sum.messages, sum.via(Via::M2ua)), (9, 9, 9));
    // tshark -o mtp3.standard:ANSI (its SLS is 5 bits by default; we keep the octet, and
    // these octets fit in 5 bits).
    assert_eq!(
        labels(&seen),
        [
            (1, 3, 2, 9, 6, 24),
            (2, 3, 2, 9, 65793, 15),
            (3, 3, 2, 65793, 9, 0),
            (4, 3, 2, 9, 6, 9),
            (5, 3, 2, 9, 65793, 31),
            (6, 3, 2, 65793, 9, 0),
            (7, 3, 2, 9, 65793, 0),
            (8, 3, 2, 9, 65793, 16),
            (9, 3, 2, 65793, 9, 0),
        ]
    );
}

#[test]
fn m2pa_several_per_packet() {
    let Some((sum, seen)) = read(
        "wireshark-wiki/SRI_Invalid_MSISDN11.pcap",
        Mtp3Variant::Ansi,
    ) else {
        return;
    };
    assert_eq!((sum.frames, sum.messages, sum.via(Via::M2pa)), (2, 7, 7));
    assert_eq!(sum.skipped(Skip::M2paNotData), 2);
    assert_eq!(
        labels(&seen),
        [
            (1, 3, 2, 13_828_352, 13_876_639, 79),
            (1, 3, 2, 13_828_352, 13_876_639, 140),
            (2, 3, 2, 13_876_639, 13_893_630, 21),
            (2, 3, 2, 13_876_639, 13_893_630, 23),
            (2, 3, 2, 13_876_639, 13_893_630, 25),
            (2, 3, 2, 13_876_639, 13_893_630, 23),
            (2, 3, 2, 13_876_639, 13_893_630, 31),
        ]
    );
}

#[test]
fn arkime_synthetic() {
    let Some((sum, seen)) = read("arkime/m3ua_synthetic.pcap", Mtp3Variant::Itu) else {
        return;
    };
    assert_eq!(sum.frames, 90);
    // tshark: 21 M3UA (one of them reassembled from 2 DATA fragments) + 4 M2UA.
    assert_eq!((sum.via(Via::M3uaSctp), sum.via(Via::M2ua)), (21, 4));
    assert_eq!(sum.skipped(Skip::SctpFragment), 0);
    let t = m3ua_types(&seen);
    assert_eq!(t, BTreeMap::from([((1, 1), 19), ((3, 1), 1), ((3, 4), 1)]));
    assert_eq!(labels(&seen).iter().filter(|x| x.1 == 3).count(), 4);
}

#[test]
fn pycrate_pcapr() {
    let cases = [
        ("LU", 8, 8, 0),
        ("attach_sccp_xudts", 19, 0, 19),
        ("dump", 51, 0, 20),
        ("gprs_ms_log", 15, 8, 0),
        ("sri_sm", 1, 1, 0),
        ("test", 248, 11, 0),
        ("tmp", 25, 17, 0),
    ];
    for (name, frames, m3ua, m2pa) in cases {
        let Some((sum, _)) = read(
            &format!("pycrate-pcapr/{name}.rebuilt.pcap"),
            Mtp3Variant::Itu,
        ) else {
            return;
        };
        assert_eq!(
            (
                sum.frames,
                sum.via(Via::M3uaSctp),
                sum.via(Via::M2pa),
                sum.messages
            ),
            (frames, m3ua, m2pa, m3ua + m2pa),
            "{name}"
        );
    }
    // tmp: 8 DATA chunks are SCTP retransmissions (tshark marks them so, and skips them).
    let Some((sum, _)) = read("pycrate-pcapr/tmp.rebuilt.pcap", Mtp3Variant::Itu) else {
        return;
    };
    assert_eq!(sum.skipped(Skip::SctpRetransmission), 8);
    // dump: M2PA over ITU MTP3; 6 MTP3 management (si 1) + 14 SCCP, as tshark shows them.
    let Some((sum, seen)) = read("pycrate-pcapr/dump.rebuilt.pcap", Mtp3Variant::Itu) else {
        return;
    };
    assert_eq!(sum.skipped(Skip::M2paNotData), 7);
    let l = labels(&seen);
    assert_eq!(l.iter().filter(|x| x.1 == 3).count(), 14);
    assert_eq!(l[0], (6, 1, 0, 4536, 3, 0));
    assert_eq!(l[19], (49, 3, 0, 4536, 3, 9));
    let Some((_, seen)) = read(
        "pycrate-pcapr/attach_sccp_xudts.rebuilt.pcap",
        Mtp3Variant::Itu,
    ) else {
        return;
    };
    let l = labels(&seen);
    assert_eq!(l[3], (4, 3, 0, 902, 900, 10));
    assert_eq!(l.iter().filter(|x| x.0 <= 6 && x.1 == 3).count(), 6);
}

#[test]
fn every_trace_reads_without_error() {
    let Some(dir) = traces_dir() else { return };
    for sub in ["wireshark-wiki", "pycrate-pcapr", "arkime"] {
        for e in std::fs::read_dir(dir.join(sub)).unwrap() {
            let p = e.unwrap().path();
            if !p.extension().is_some_and(|x| x == "pcap" || x == "cap") {
                continue;
            }
            let bytes = std::fs::read(&p).unwrap();
            let sum = read_capture(&bytes, &CaptureOptions::default(), |_| {}).unwrap();
            assert!(sum.frames > 0 && sum.messages > 0, "{}", p.display());
            assert_eq!(sum.skipped(Skip::TruncatedFile), 0, "{}", p.display());
        }
    }
}
