//! Unit tests with hand-built captures.

use std::net::SocketAddr;

use proptest::prelude::*;

use super::*;

// ---- builders -------------------------------------------------------------------------

/// Classic pcap, little-endian, microseconds.
fn pcap(link: u32, frames: &[Vec<u8>]) -> Vec<u8> {
    let mut f = Vec::new();
    f.extend_from_slice(&0xA1B2_C3D4u32.to_le_bytes());
    f.extend_from_slice(&2u16.to_le_bytes());
    f.extend_from_slice(&4u16.to_le_bytes());
    f.extend_from_slice(&[0; 8]);
    f.extend_from_slice(&65535u32.to_le_bytes());
    f.extend_from_slice(&link.to_le_bytes());
    for (i, d) in frames.iter().enumerate() {
        f.extend_from_slice(&(1_700_000_000u32 + i as u32).to_le_bytes());
        f.extend_from_slice(&250_000u32.to_le_bytes());
        f.extend_from_slice(&(d.len() as u32).to_le_bytes());
        f.extend_from_slice(&(d.len() as u32).to_le_bytes());
        f.extend_from_slice(d);
    }
    f
}

/// Classic pcap, big-endian, nanoseconds.
fn pcap_be_ns(link: u32, frames: &[Vec<u8>]) -> Vec<u8> {
    let mut f = Vec::new();
    f.extend_from_slice(&0xA1B2_3C4Du32.to_be_bytes());
    f.extend_from_slice(&2u16.to_be_bytes());
    f.extend_from_slice(&4u16.to_be_bytes());
    f.extend_from_slice(&[0; 8]);
    f.extend_from_slice(&65535u32.to_be_bytes());
    f.extend_from_slice(&link.to_be_bytes());
    for d in frames {
        f.extend_from_slice(&7u32.to_be_bytes());
        f.extend_from_slice(&123u32.to_be_bytes());
        f.extend_from_slice(&(d.len() as u32).to_be_bytes());
        f.extend_from_slice(&(d.len() as u32).to_be_bytes());
        f.extend_from_slice(d);
    }
    f
}

fn block(big: bool, btype: u32, body: &[u8]) -> Vec<u8> {
    let w = |v: u32| {
        if big {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        }
    };
    let mut body = body.to_vec();
    while !body.len().is_multiple_of(4) {
        body.push(0);
    }
    let len = 12 + body.len() as u32;
    let mut b = Vec::new();
    b.extend_from_slice(&w(btype));
    b.extend_from_slice(&w(len));
    b.extend_from_slice(&body);
    b.extend_from_slice(&w(len));
    b
}

fn shb(big: bool) -> Vec<u8> {
    let mut body = Vec::new();
    if big {
        body.extend_from_slice(&0x1A2B_3C4Du32.to_be_bytes());
        body.extend_from_slice(&1u16.to_be_bytes());
        body.extend_from_slice(&0u16.to_be_bytes());
    } else {
        body.extend_from_slice(&0x1A2B_3C4Du32.to_le_bytes());
        body.extend_from_slice(&1u16.to_le_bytes());
        body.extend_from_slice(&0u16.to_le_bytes());
    }
    body.extend_from_slice(&[0xFF; 8]);
    block(big, 0x0A0D_0D0A, &body)
}

fn idb(big: bool, link: u16, tsresol: Option<u8>) -> Vec<u8> {
    let w16 = |v: u16| {
        if big {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        }
    };
    let mut body = Vec::new();
    body.extend_from_slice(&w16(link));
    body.extend_from_slice(&[0, 0]);
    body.extend_from_slice(&if big {
        0u32.to_be_bytes()
    } else {
        0u32.to_le_bytes()
    });
    if let Some(r) = tsresol {
        body.extend_from_slice(&w16(9));
        body.extend_from_slice(&w16(1));
        body.extend_from_slice(&[r, 0, 0, 0]);
        body.extend_from_slice(&[0; 4]); // opt_endofopt
    }
    block(big, 1, &body)
}

fn epb(big: bool, iface: u32, ts: u64, data: &[u8]) -> Vec<u8> {
    let w = |v: u32| {
        if big {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        }
    };
    let mut body = Vec::new();
    body.extend_from_slice(&w(iface));
    body.extend_from_slice(&w((ts >> 32) as u32));
    body.extend_from_slice(&w(ts as u32));
    body.extend_from_slice(&w(data.len() as u32));
    body.extend_from_slice(&w(data.len() as u32));
    body.extend_from_slice(data);
    block(big, 6, &body)
}

fn spb(data: &[u8]) -> Vec<u8> {
    let mut body = (data.len() as u32).to_le_bytes().to_vec();
    body.extend_from_slice(data);
    block(false, 3, &body)
}

fn ipv4(proto: u8, src: [u8; 4], dst: [u8; 4], body: &[u8]) -> Vec<u8> {
    let mut p = vec![0x45, 0, 0, 0, 0, 1, 0x40, 0, 64, proto, 0, 0];
    p[2..4].copy_from_slice(&((20 + body.len()) as u16).to_be_bytes());
    p.extend_from_slice(&src);
    p.extend_from_slice(&dst);
    p.extend_from_slice(body);
    p
}

fn ether(ethertype: u16, payload: &[u8]) -> Vec<u8> {
    let mut f = vec![0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
    f.extend_from_slice(&ethertype.to_be_bytes());
    f.extend_from_slice(payload);
    f
}

fn eth_ip(proto: u8, body: &[u8]) -> Vec<u8> {
    ether(0x0800, &ipv4(proto, [10, 0, 0, 1], [10, 0, 0, 2], body))
}

/// An SCTP DATA chunk (B and E set unless `flags` says otherwise), padded.
fn data_chunk(flags: u8, tsn: u32, stream: u16, ppid: u32, user: &[u8]) -> Vec<u8> {
    let mut c = vec![0, flags];
    c.extend_from_slice(&((16 + user.len()) as u16).to_be_bytes());
    c.extend_from_slice(&tsn.to_be_bytes());
    c.extend_from_slice(&stream.to_be_bytes());
    c.extend_from_slice(&0u16.to_be_bytes());
    c.extend_from_slice(&ppid.to_be_bytes());
    c.extend_from_slice(user);
    while !c.len().is_multiple_of(4) {
        c.push(0);
    }
    c
}

fn sctp(sport: u16, dport: u16, vtag: u32, chunks: &[Vec<u8>]) -> Vec<u8> {
    let mut p = Vec::new();
    p.extend_from_slice(&sport.to_be_bytes());
    p.extend_from_slice(&dport.to_be_bytes());
    p.extend_from_slice(&vtag.to_be_bytes());
    p.extend_from_slice(&[0; 4]);
    for c in chunks {
        p.extend_from_slice(c);
    }
    p
}

fn tcp(sport: u16, dport: u16, seq: u32, flags: u8, payload: &[u8]) -> Vec<u8> {
    let mut t = Vec::new();
    t.extend_from_slice(&sport.to_be_bytes());
    t.extend_from_slice(&dport.to_be_bytes());
    t.extend_from_slice(&seq.to_be_bytes());
    t.extend_from_slice(&0u32.to_be_bytes());
    t.extend_from_slice(&[0x50, flags, 0xFF, 0xFF, 0, 0, 0, 0]);
    t.extend_from_slice(payload);
    t
}

/// An M3UA message of the given class/type with `n` octets of parameter bytes.
fn m3ua(class: u8, mtype: u8, fill: u8, n: usize) -> Vec<u8> {
    let mut m = vec![1, 0, class, mtype];
    m.extend_from_slice(&((8 + n) as u32).to_be_bytes());
    m.extend(std::iter::repeat_n(fill, n));
    m
}

/// An ITU MSU: SIO 0x83 (NI 2, SI 3), label DPC 100, OPC 10, SLS 5, then `sif`.
fn itu_msu(sif: &[u8]) -> Vec<u8> {
    let label: u32 = 100 | (10 << 14) | (5 << 28);
    let mut m = vec![0x83];
    m.extend_from_slice(&label.to_le_bytes());
    m.extend_from_slice(sif);
    m
}

#[derive(Debug, PartialEq)]
struct Got {
    frame: u64,
    ts_ns: i64,
    via: Via,
    stream: Option<u16>,
    src: Option<SocketAddr>,
    bytes: Vec<u8>,
}

fn run(file: &[u8], opts: &CaptureOptions) -> (Summary, Vec<Got>) {
    let mut got = Vec::new();
    let sum = read_capture(file, opts, |m| {
        let bytes = match m.payload {
            Payload::M3ua(b) | Payload::Sccp(b) => b.to_vec(),
            Payload::Mtp3(msu) => msu.data.to_vec(),
        };
        got.push(Got {
            frame: m.frame,
            ts_ns: m.ts_ns,
            via: m.via,
            stream: m.sctp_stream,
            src: m.src,
            bytes,
        });
    })
    .expect("readable");
    assert_eq!(sum.messages as usize, got.len());
    (sum, got)
}

// ---- SCTP -----------------------------------------------------------------------------

#[test]
fn sctp_two_data_chunks_and_control_chunks() {
    let a = m3ua(1, 1, 0xAA, 12);
    let b = m3ua(3, 1, 0xBB, 3); // unpadded length 11: padding follows in the chunk
    let sack = vec![3, 0, 0, 16, 0, 0, 0, 1, 0, 0, 0x10, 0, 0, 0, 0, 0];
    let pkt = sctp(
        2905,
        2905,
        7,
        &[sack, data_chunk(3, 1, 4, 3, &a), data_chunk(3, 2, 5, 3, &b)],
    );
    let file = pcap(1, &[eth_ip(132, &pkt)]);
    let (sum, got) = run(&file, &CaptureOptions::default());
    assert_eq!(got.len(), 2);
    assert_eq!(got[0].bytes, a);
    assert_eq!(got[1].bytes, b);
    assert_eq!((got[0].stream, got[1].stream), (Some(4), Some(5)));
    assert_eq!(got[0].src, Some("10.0.0.1:2905".parse().unwrap()));
    assert_eq!(got[0].ts_ns, 1_700_000_000_250_000_000);
    assert_eq!(sum.skipped(Skip::SctpControlChunk), 1);
}

#[test]
fn sctp_ppid_and_port_dispatch() {
    let msu = itu_msu(&[0x09, 0x80]);
    // M2UA DATA: interface id param, then Protocol Data 1 with the MSU (padded).
    let mut m2ua = vec![1, 0, 6, 1, 0, 0, 0, 0];
    m2ua.extend_from_slice(&[0, 1, 0, 8, 0, 0, 0, 0]);
    m2ua.extend_from_slice(&[3, 0]);
    m2ua.extend_from_slice(&((4 + msu.len()) as u16).to_be_bytes());
    m2ua.extend_from_slice(&msu);
    while !m2ua.len().is_multiple_of(4) {
        m2ua.push(0);
    }
    let n = m2ua.len() as u32;
    m2ua[4..8].copy_from_slice(&n.to_be_bytes());
    // M2PA User Data: header, BSN, FSN, priority octet, MSU.
    let mut m2pa = vec![1, 0, 11, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2, 0];
    m2pa.extend_from_slice(&msu);
    let n = m2pa.len() as u32;
    m2pa[4..8].copy_from_slice(&n.to_be_bytes());
    let m2pa_ack = vec![1, 0, 11, 1, 0, 0, 0, 16, 0, 0, 0, 1, 0, 0, 0, 2];
    let m = m3ua(1, 1, 0, 4);
    let frames = [
        eth_ip(132, &sctp(1, 2, 9, &[data_chunk(3, 1, 0, 2, &m2ua)])),
        eth_ip(132, &sctp(3565, 9, 9, &[data_chunk(3, 1, 0, 0, &m2pa)])),
        eth_ip(132, &sctp(1, 2, 9, &[data_chunk(3, 2, 0, 5, &m2pa_ack)])),
        eth_ip(132, &sctp(1, 2905, 9, &[data_chunk(3, 3, 0, 0, &m)])),
        eth_ip(132, &sctp(1, 2, 9, &[data_chunk(3, 4, 0, 0x0300_0000, &m)])),
        eth_ip(132, &sctp(1, 2, 9, &[data_chunk(3, 5, 0, 46, &m)])),
        eth_ip(132, &sctp(1, 2, 9, &[data_chunk(3, 6, 0, 0, &m)])),
        eth_ip(132, &sctp(1, 2, 9, &[data_chunk(2, 7, 0, 3, &m)])),
    ];
    let (sum, got) = run(&pcap(1, &frames), &CaptureOptions::default());
    let vias: Vec<_> = got.iter().map(|g| (g.frame, g.via)).collect();
    assert_eq!(
        vias,
        [
            (1, Via::M2ua),
            (2, Via::M2pa),
            (4, Via::M3uaSctp),
            (5, Via::M3uaSctp)
        ]
    );
    assert_eq!(got[0].bytes, [0x09, 0x80]);
    assert_eq!(got[1].bytes, [0x09, 0x80]);
    assert_eq!(sum.skipped(Skip::M2paNotData), 1);
    assert_eq!(sum.skipped(Skip::SctpPpid(46)), 1);
    assert_eq!(sum.skipped(Skip::SctpPpid(0)), 1);
    assert_eq!(sum.skipped(Skip::SctpFragment), 1);
}

#[test]
fn sctp_retransmission_dropped_only_when_bytes_repeat() {
    let m = m3ua(1, 1, 1, 4);
    let n = m3ua(1, 1, 2, 4);
    let frames = [
        eth_ip(132, &sctp(2905, 2905, 5, &[data_chunk(3, 9, 1, 3, &m)])),
        eth_ip(132, &sctp(2905, 2905, 5, &[data_chunk(3, 9, 1, 3, &m)])),
        eth_ip(132, &sctp(2905, 2905, 5, &[data_chunk(3, 9, 1, 3, &n)])),
        // vtag 0: no association to check against (text2pcap-made captures)
        eth_ip(132, &sctp(2905, 2905, 0, &[data_chunk(3, 9, 1, 3, &m)])),
        eth_ip(132, &sctp(2905, 2905, 0, &[data_chunk(3, 9, 1, 3, &m)])),
    ];
    let (sum, got) = run(&pcap(1, &frames), &CaptureOptions::default());
    let frames: Vec<_> = got.iter().map(|g| g.frame).collect();
    assert_eq!(frames, [1, 3, 4, 5]);
    assert_eq!(sum.skipped(Skip::SctpRetransmission), 1);
}

#[test]
fn truncated_packets_are_counted_and_reading_goes_on() {
    let good = eth_ip(
        132,
        &sctp(2905, 2905, 1, &[data_chunk(3, 1, 0, 3, &m3ua(1, 1, 0, 4))]),
    );
    // chunk length says 40, only 24 octets there
    let mut cut_chunk = eth_ip(
        132,
        &sctp(2905, 2905, 1, &[data_chunk(3, 2, 0, 3, &m3ua(1, 1, 0, 8))]),
    );
    cut_chunk.truncate(cut_chunk.len() - 8);
    let cut_ip = good[..14 + 12].to_vec();
    let cut_eth = good[..10].to_vec();
    let mut frag = good.clone();
    frag[14 + 6] = 0x00;
    frag[14 + 7] = 0x10; // fragment offset 16
    let frames = [
        cut_chunk,
        cut_ip,
        cut_eth,
        frag,
        ether(0x0806, &[0; 28]),
        good,
    ];
    let (sum, got) = run(&pcap(1, &frames), &CaptureOptions::default());
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].frame, 6);
    assert_eq!(sum.frames, 6);
    assert_eq!(sum.skipped(Skip::Truncated(Layer::Sctp)), 1);
    assert_eq!(sum.skipped(Skip::Truncated(Layer::Ip)), 1);
    assert_eq!(sum.skipped(Skip::Truncated(Layer::Link)), 1);
    assert_eq!(sum.skipped(Skip::IpFragment), 1);
    assert_eq!(sum.skipped(Skip::NotIp), 1);
}

// ---- TCP ------------------------------------------------------------------------------

#[test]
fn m3ua_over_tcp_three_segments_and_a_retransmission() {
    let a = m3ua(1, 1, 0xA1, 40);
    let b = m3ua(3, 1, 0xB2, 8);
    let c = m3ua(0, 1, 0xC3, 4);
    let mut stream = a.clone();
    stream.extend_from_slice(&b);
    stream.extend_from_slice(&c);
    // a = 48 octets, b = 16, c = 12: segments [0..20), [20..56), [56..76)
    let isn = 0xFFFF_FFF0u32; // sequence numbers wrap inside the stream
    let seg = |from: usize, to: usize, flags: u8| {
        eth_ip(
            6,
            &tcp(
                40000,
                2905,
                isn.wrapping_add(1 + from as u32),
                flags,
                &stream[from..to],
            ),
        )
    };
    let frames = [
        eth_ip(6, &tcp(40000, 2905, isn, 0x02, &[])), // SYN
        seg(0, 20, 0x18),
        seg(20, 56, 0x18),
        seg(0, 20, 0x18),  // retransmission of the first segment
        seg(40, 60, 0x18), // overlaps: 16 old octets, 4 new (b still incomplete)
        seg(60, 76, 0x18),
    ];
    let (sum, got) = run(&pcap(1, &frames), &CaptureOptions::default());
    let seen: Vec<_> = got.iter().map(|g| (g.frame, g.bytes.clone())).collect();
    assert_eq!(seen, [(3, a), (6, b), (6, c)]);
    assert!(got
        .iter()
        .all(|g| g.via == Via::M3uaTcp && g.stream.is_none()));
    assert_eq!(got[0].src, Some("10.0.0.1:40000".parse().unwrap()));
    assert_eq!(sum.skipped(Skip::TcpRetransmission), 1);
    assert_eq!(sum.skipped(Skip::TcpIncomplete), 0);
}

#[test]
fn m3ua_over_tcp_out_of_order_and_unknown_port() {
    let a = m3ua(1, 1, 0x11, 12);
    let b = m3ua(1, 1, 0x22, 12);
    let mut stream = a.clone();
    stream.extend_from_slice(&b);
    let seg = |from: usize, to: usize| {
        eth_ip(
            6,
            &tcp(5000, 6000, 100 + from as u32, 0x18, &stream[from..to]),
        )
    };
    // No SYN, no M3UA port: found by its header. Second half arrives before the middle.
    let frames = [
        seg(0, 10),
        seg(30, 40),
        seg(10, 30),
        eth_ip(6, &tcp(6000, 5000, 1, 0x18, b"GET / HTTP/1.1\r\n")),
    ];
    let (sum, got) = run(&pcap(1, &frames), &CaptureOptions::default());
    let seen: Vec<_> = got.iter().map(|g| (g.frame, g.bytes.clone())).collect();
    assert_eq!(seen, [(3, a), (3, b)]);
    assert_eq!(sum.skipped(Skip::TcpNotM3ua), 1);
}

#[test]
fn m3ua_over_tcp_incomplete_and_desync() {
    let a = m3ua(1, 1, 0x11, 12);
    let frames = [
        eth_ip(6, &tcp(1, 2905, 10, 0x18, &a[..9])),
        eth_ip(6, &tcp(2905, 1, 10, 0x18, &[2, 0, 0, 0, 0, 0, 0, 8, 9])),
    ];
    let (sum, got) = run(&pcap(1, &frames), &CaptureOptions::default());
    assert!(got.is_empty());
    assert_eq!(sum.skipped(Skip::TcpDesync), 1);
    assert_eq!(sum.skipped(Skip::TcpIncomplete), 1);
}

// ---- file formats and link types --------------------------------------------------------

#[test]
fn file_errors_are_typed() {
    assert_eq!(
        read_capture(b"GIF89a...", &CaptureOptions::default(), |_| {}),
        Err(CaptureError::BadMagic(*b"GIF8"))
    );
    assert_eq!(
        read_capture(&[0xD4, 0xC3], &CaptureOptions::default(), |_| {}),
        Err(CaptureError::TruncatedHeader { len: 2 })
    );
    let f = pcap(1, &[]);
    assert_eq!(
        read_capture(&f[..20], &CaptureOptions::default(), |_| {}),
        Err(CaptureError::TruncatedHeader { len: 20 })
    );
    let mut bad_bom = shb(false);
    bad_bom[8] = 0x99;
    assert!(matches!(
        read_capture(&bad_bom, &CaptureOptions::default(), |_| {}),
        Err(CaptureError::BadSection { offset: 0, .. })
    ));
    // A file cut inside its last record: what came before is read, the cut is counted.
    let good = eth_ip(
        132,
        &sctp(2905, 2905, 1, &[data_chunk(3, 1, 0, 3, &m3ua(1, 1, 0, 4))]),
    );
    let f = pcap(1, &[good.clone(), good]);
    let (sum, got) = run(&f[..f.len() - 5], &CaptureOptions::default());
    assert_eq!((got.len(), sum.skipped(Skip::TruncatedFile)), (1, 1));
}

#[test]
fn pcap_big_endian_nanoseconds_and_raw_ip() {
    let ip = ipv4(
        132,
        [1, 2, 3, 4],
        [5, 6, 7, 8],
        &sctp(2905, 2905, 1, &[data_chunk(3, 1, 0, 3, &m3ua(1, 1, 0, 4))]),
    );
    for link in [101, 228, 12, 14] {
        let (_, got) = run(
            &pcap_be_ns(link, std::slice::from_ref(&ip)),
            &CaptureOptions::default(),
        );
        assert_eq!(got.len(), 1, "link {link}");
        assert_eq!(got[0].ts_ns, 7_000_000_123);
    }
    let (sum, _) = run(&pcap_be_ns(9999, &[ip]), &CaptureOptions::default());
    assert_eq!(sum.skipped(Skip::LinkType(9999)), 1);
}

#[test]
fn pcapng_interfaces_resolutions_and_byte_orders() {
    // Verification tag 0: the same packet repeated is not taken for a retransmission.
    let pkt = eth_ip(
        132,
        &sctp(2905, 2905, 0, &[data_chunk(3, 1, 0, 3, &m3ua(1, 1, 0, 4))]),
    );
    let ip = pkt[14..].to_vec();
    let mut f = shb(false);
    f.extend(idb(false, 1, None)); // microseconds
    f.extend(idb(false, 101, Some(9))); // nanoseconds, raw IP
    f.extend(idb(false, 1, Some(0x80 | 10))); // 2^-10 s
    f.extend(epb(false, 0, 1_500_000, &pkt));
    f.extend(epb(false, 1, 2_000_000_007, &ip));
    f.extend(epb(false, 2, 3 * 1024 + 512, &pkt));
    f.extend(spb(&pkt));
    f.extend(epb(false, 7, 0, &pkt)); // no such interface
    f.extend(block(false, 5, &[1, 2, 3, 4])); // an interface statistics block: ignored
                                              // A second, big-endian section with its own interfaces.
    f.extend(shb(true));
    f.extend(idb(true, 1, None));
    f.extend(epb(true, 0, 5, &pkt));
    let (sum, got) = run(&f, &CaptureOptions::default());
    let seen: Vec<_> = got.iter().map(|g| (g.frame, g.ts_ns)).collect();
    assert_eq!(
        seen,
        [
            (1, 1_500_000_000),
            (2, 2_000_000_007),
            (3, 3_500_000_000),
            (4, 0),
            (6, 5_000)
        ]
    );
    assert_eq!(sum.frames, 6);
    assert_eq!(sum.skipped(Skip::UnknownInterface), 1);
}

#[test]
fn other_link_layers() {
    let ip = ipv4(
        132,
        [1, 1, 1, 1],
        [2, 2, 2, 2],
        &sctp(2905, 2905, 1, &[data_chunk(3, 1, 0, 3, &m3ua(1, 1, 0, 4))]),
    );
    // 802.1Q + 802.1ad tags
    let mut vlan = vec![0; 12];
    vlan.extend_from_slice(&[0x88, 0xA8, 0, 1, 0x81, 0x00, 0, 2, 0x08, 0x00]);
    vlan.extend_from_slice(&ip);
    // Linux cooked v1 and v2
    let mut sll = vec![0, 0, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0x08, 0x00];
    sll.extend_from_slice(&ip);
    let mut sll2 = vec![
        0x08, 0x00, 0, 0, 0, 0, 0, 2, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0,
    ];
    sll2.extend_from_slice(&ip);
    // IPv6 with a hop-by-hop header, raw
    let body = sctp(2905, 2905, 1, &[data_chunk(3, 1, 0, 3, &m3ua(1, 1, 0, 4))]);
    let mut v6 = vec![0x60, 0, 0, 0];
    v6.extend_from_slice(&((8 + body.len()) as u16).to_be_bytes());
    v6.extend_from_slice(&[0, 64]);
    v6.extend_from_slice(&[0x20, 1, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    v6.extend_from_slice(&[0x20, 1, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2]);
    v6.extend_from_slice(&[132, 0, 1, 4, 0, 0, 0, 0]);
    v6.extend_from_slice(&body);
    for (link, frame) in [(1, vlan), (113, sll), (276, sll2), (101, v6.clone())] {
        let (sum, got) = run(&pcap(link, &[frame]), &CaptureOptions::default());
        assert_eq!(got.len(), 1, "link {link}: {:?}", sum.skipped);
    }
    let (_, got) = run(&pcap(229, &[v6]), &CaptureOptions::default());
    assert_eq!(got[0].src, Some("[2001:db8::1]:2905".parse().unwrap()));
}

#[test]
fn mtp2_mtp3_and_sccp_link_types() {
    let msu = itu_msu(&[0x09, 0x01]);
    let mut su = vec![0x81, 0x82, 0x3F];
    su.extend_from_slice(&msu);
    let fisu = vec![0x81, 0x82, 0x00];
    let lssu = vec![0x81, 0x82, 0x01, 0x01];
    let (sum, got) = run(
        &pcap(140, &[fisu, lssu, su.clone()]),
        &CaptureOptions::default(),
    );
    assert_eq!(got.len(), 1);
    assert_eq!(
        (got[0].frame, got[0].via, got[0].bytes.clone()),
        (3, Via::Mtp2, vec![0x09, 0x01])
    );
    assert_eq!(sum.skipped(Skip::Mtp2NotMsu), 2);
    // With the pseudo-header: Annex A (extended sequence numbers, 6-octet header).
    let mut ext = vec![0, 1, 0, 7, 0, 0, 0, 0];
    ext.extend_from_slice(&(msu.len() as u16).to_le_bytes());
    ext.extend_from_slice(&msu);
    let mut basic = vec![0, 0, 0, 7];
    basic.extend_from_slice(&su);
    let (_, got) = run(&pcap(139, &[ext, basic]), &CaptureOptions::default());
    assert_eq!(got.len(), 2);
    assert!(got.iter().all(|g| g.bytes == [0x09, 0x01]));
    // MTP3 link type, and a too-short MSU.
    let (sum, got) = run(
        &pcap(141, &[msu.clone(), msu[..3].to_vec()]),
        &CaptureOptions::default(),
    );
    assert_eq!(got.len(), 1);
    assert_eq!(sum.skipped(Skip::Truncated(Layer::Mtp3)), 1);
    let (_, got) = run(
        &pcap(142, &[vec![0x09, 0x80, 0x03]]),
        &CaptureOptions::default(),
    );
    assert_eq!(
        (got[0].via, got[0].bytes.clone()),
        (Via::Sccp, vec![0x09, 0x80, 0x03])
    );
}

#[test]
fn routing_label_variants() {
    let msu = itu_msu(&[0xEE]);
    let itu = parse_mtp3(&msu, Mtp3Variant::Itu).unwrap();
    assert_eq!(
        (itu.si, itu.ni, itu.dpc, itu.opc, itu.sls, itu.data),
        (3, 2, 100, 10, 5, &[0xEE][..])
    );
    // ANSI: SIO with priority 1; DPC 1-2-3 (network-cluster-member), OPC 4-5-6, SLS 0xA7.
    let ansi = [0x93, 3, 2, 1, 6, 5, 4, 0xA7, 0xEE];
    let m = parse_mtp3(&ansi, Mtp3Variant::Ansi).unwrap();
    assert_eq!((m.si, m.ni, m.priority), (3, 2, 1));
    assert_eq!(
        (m.dpc, m.opc, m.sls, m.data),
        (0x01_0203, 0x04_0506, 0xA7, &[0xEE][..])
    );
    let m = parse_mtp3(&ansi, Mtp3Variant::Chinese).unwrap();
    assert_eq!(m.sls, 0x07);
    let jp = [0x83, 0x34, 0x12, 0x78, 0x56, 0xF9, 0xEE];
    let m = parse_mtp3(&jp, Mtp3Variant::Japanese).unwrap();
    assert_eq!(
        (m.dpc, m.opc, m.sls, m.data),
        (0x1234, 0x5678, 9, &[0xEE][..])
    );
    assert_eq!(
        parse_mtp3(&jp[..4], Mtp3Variant::Japanese),
        Err(Skip::Truncated(Layer::Mtp3))
    );
    assert_eq!(sctp_carrier(0, 2904, 1), SctpCarrier::M2ua);
}

// ---- robustness -----------------------------------------------------------------------

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        let _ = read_capture(&bytes, &CaptureOptions::default(), |_| {});
    }

    #[test]
    fn random_frames_never_panic(
        link in prop_oneof![Just(0u32), Just(1), Just(101), Just(108), Just(113), Just(139),
                            Just(140), Just(141), Just(142), Just(228), Just(229), Just(276)],
        variant in prop_oneof![Just(Mtp3Variant::Itu), Just(Mtp3Variant::Ansi),
                               Just(Mtp3Variant::Chinese), Just(Mtp3Variant::Japanese)],
        frames in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..200), 0..8),
    ) {
        let opts = CaptureOptions { mtp3: variant };
        let _ = read_capture(&pcap(link, &frames), &opts, |_| {});
    }

    #[test]
    fn mutated_valid_packets_never_panic(
        flips in proptest::collection::vec((0usize..400, any::<u8>()), 1..6),
        cut in 0usize..400,
    ) {
        let good = eth_ip(132, &sctp(2905, 2905, 1, &[
            data_chunk(3, 1, 0, 3, &m3ua(1, 1, 0, 20)),
            data_chunk(3, 2, 0, 2, &[1, 0, 6, 1, 0, 0, 0, 20, 3, 0, 0, 12, 0x83, 1, 2, 3, 4, 5, 6, 7]),
        ]));
        let seg = eth_ip(6, &tcp(1, 2905, 5, 0x18, &m3ua(1, 1, 0, 30)));
        for base in [good, seg] {
            let mut f = base.clone();
            for &(at, v) in &flips {
                if let Some(b) = f.get_mut(at % base.len()) {
                    *b = v;
                }
            }
            f.truncate(cut.max(1));
            let file = pcap(1, &[f.clone(), f]);
            let _ = read_capture(&file, &CaptureOptions::default(), |_| {});
        }
    }
}

#[test]
fn sctp_data_fragments_are_reassembled_across_packets() {
    let m = m3ua(1, 1, 7, 40);
    let (a, b) = m.split_at(13);
    let (b, c) = b.split_at(20);
    let frames = [
        // B, then two packets later the middle and E (other chunks in between).
        eth_ip(132, &sctp(2905, 2905, 5, &[data_chunk(2, 10, 1, 3, a)])),
        eth_ip(132, &sctp(2905, 2905, 5, &[data_chunk(3, 20, 2, 3, &m)])),
        eth_ip(
            132,
            &sctp(
                2905,
                2905,
                5,
                &[data_chunk(0, 11, 1, 3, b), data_chunk(1, 12, 1, 3, c)],
            ),
        ),
        // A message missing its middle fragment is dropped, and so is one cut by the end.
        eth_ip(132, &sctp(2905, 2905, 5, &[data_chunk(2, 30, 1, 3, a)])),
        eth_ip(132, &sctp(2905, 2905, 5, &[data_chunk(1, 32, 1, 3, c)])),
        eth_ip(132, &sctp(2905, 2905, 5, &[data_chunk(2, 40, 1, 3, a)])),
    ];
    let (sum, got) = run(&pcap(1, &frames), &CaptureOptions::default());
    let frames: Vec<u64> = got.iter().map(|g| g.frame).collect();
    assert_eq!(frames, [2, 3]);
    assert_eq!(got[1].bytes, m);
    assert_eq!(sum.skipped(Skip::SctpFragment), 2);
}
