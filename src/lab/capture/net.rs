//! Link layer, IP and SCTP/TCP headers.
//!
//! References: libpcap link-type registry (LINKTYPE_*), Linux cooked headers (sll(7),
//! LINKTYPE_LINUX_SLL2), RFC 791, RFC 8200, RFC 9260 (SCTP), RFC 8260 (I-DATA), RFC 9293.

use std::collections::{HashMap, VecDeque};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use super::{ss7, tcp, Ctx, FrameMeta, Layer, Message, Origin, Skip};

const ETH_IPV4: u16 = 0x0800;
const ETH_IPV6: u16 = 0x86DD;

fn be16(d: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(d.get(at..at + 2)?.try_into().ok()?))
}

fn be32(d: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(d.get(at..at + 4)?.try_into().ok()?))
}

/// Dispatch one captured frame on its link type.
pub(super) fn link<F: FnMut(Message<'_>)>(
    ctx: &mut Ctx<'_, F>,
    link: u32,
    d: &[u8],
    meta: FrameMeta,
) {
    match link {
        // LINKTYPE_ETHERNET
        1 => ethernet(ctx, d, meta),
        // LINKTYPE_NULL: 4-octet address family in the capturing host's byte order.
        0 => match d.get(..4).map(|a| [a[0], a[1], a[2], a[3]]) {
            Some(af) => {
                let af = match u32::from_le_bytes(af) {
                    v if v < 0x1_0000 => v,
                    _ => u32::from_be_bytes(af),
                };
                null_family(ctx, af, &d[4..], meta)
            }
            None => ctx.skip(Skip::Truncated(Layer::Link)),
        },
        // LINKTYPE_LOOP: the same in network byte order.
        108 => match be32(d, 0) {
            Some(af) => null_family(ctx, af, &d[4..], meta),
            None => ctx.skip(Skip::Truncated(Layer::Link)),
        },
        // LINKTYPE_RAW (101), and the DLT_RAW values 12 and 14 some systems write.
        101 | 12 | 14 => raw_ip(ctx, d, meta),
        228 => ipv4(ctx, d, meta),
        229 => ipv6(ctx, d, meta),
        // LINKTYPE_LINUX_SLL: packet type, ARPHRD, address length, 8-octet address, protocol.
        113 => match be16(d, 14) {
            Some(proto) => ethertype(ctx, proto, &d[16..], meta),
            None => ctx.skip(Skip::Truncated(Layer::Link)),
        },
        // LINKTYPE_LINUX_SLL2: protocol, reserved, ifindex, ARPHRD, type, addr len, address.
        276 => match (be16(d, 0), d.get(20..)) {
            (Some(proto), Some(rest)) => ethertype(ctx, proto, rest, meta),
            _ => ctx.skip(Skip::Truncated(Layer::Link)),
        },
        // LINKTYPE_MTP2_WITH_PHDR: sent, annex_a_used, link number, then MTP2.
        139 => match d.get(4..) {
            Some(su) => ss7::mtp2(ctx, su, d[1] == 1, meta),
            None => ctx.skip(Skip::Truncated(Layer::Link)),
        },
        // LINKTYPE_MTP2
        140 => ss7::mtp2(ctx, d, false, meta),
        // LINKTYPE_MTP3: the MSU from the SIO on.
        141 => ss7::mtp3(ctx, d, &Origin::link(meta), super::Via::Mtp3),
        // LINKTYPE_SCCP: a bare SCCP message.
        142 => ctx.yield_msg(
            &Origin::link(meta),
            super::Via::Sccp,
            super::Payload::Sccp(d),
        ),
        other => ctx.skip(Skip::LinkType(other)),
    }
}

fn null_family<F: FnMut(Message<'_>)>(ctx: &mut Ctx<'_, F>, af: u32, d: &[u8], meta: FrameMeta) {
    match af {
        2 => ipv4(ctx, d, meta),
        // AF_INET6 differs between BSDs: 24 (NetBSD/OpenBSD), 28 (FreeBSD), 30 (Darwin).
        24 | 28 | 30 => ipv6(ctx, d, meta),
        _ => ctx.skip(Skip::NotIp),
    }
}

fn ethernet<F: FnMut(Message<'_>)>(ctx: &mut Ctx<'_, F>, d: &[u8], meta: FrameMeta) {
    let mut at = 12;
    // Up to two VLAN tags (802.1Q, 802.1ad, the old QinQ 0x9100).
    for _ in 0..3 {
        match be16(d, at) {
            Some(0x8100 | 0x88A8 | 0x9100) => at += 4,
            Some(proto) => return ethertype(ctx, proto, &d[at + 2..], meta),
            None => break,
        }
    }
    ctx.skip(Skip::Truncated(Layer::Link));
}

fn ethertype<F: FnMut(Message<'_>)>(ctx: &mut Ctx<'_, F>, proto: u16, d: &[u8], meta: FrameMeta) {
    match proto {
        ETH_IPV4 => ipv4(ctx, d, meta),
        ETH_IPV6 => ipv6(ctx, d, meta),
        _ => ctx.skip(Skip::NotIp),
    }
}

fn raw_ip<F: FnMut(Message<'_>)>(ctx: &mut Ctx<'_, F>, d: &[u8], meta: FrameMeta) {
    match d.first().map(|b| b >> 4) {
        Some(4) => ipv4(ctx, d, meta),
        Some(6) => ipv6(ctx, d, meta),
        Some(_) => ctx.skip(Skip::Malformed(Layer::Ip)),
        None => ctx.skip(Skip::Truncated(Layer::Ip)),
    }
}

/// A transport segment: addresses, protocol and payload, plus whether the datagram is only
/// the first fragment of a longer one.
struct Datagram<'a> {
    src: IpAddr,
    dst: IpAddr,
    proto: u8,
    body: &'a [u8],
    partial: bool,
}

fn ipv4<F: FnMut(Message<'_>)>(ctx: &mut Ctx<'_, F>, d: &[u8], meta: FrameMeta) {
    let Some(hdr) = d.get(..20) else {
        return ctx.skip(Skip::Truncated(Layer::Ip));
    };
    let ihl = usize::from(hdr[0] & 0x0F) * 4;
    if hdr[0] >> 4 != 4 || ihl < 20 {
        return ctx.skip(Skip::Malformed(Layer::Ip));
    }
    let total = usize::from(u16::from_be_bytes([hdr[2], hdr[3]]));
    // Total length 0 is what TSO-offloaded captures show; take what was captured.
    let end = if total == 0 { d.len() } else { total };
    if end < ihl {
        return ctx.skip(Skip::Malformed(Layer::Ip));
    }
    // A snapped capture may lack the end of the datagram; the layers above see what is there
    // and count their own truncation.
    let Some(body) = d.get(ihl..end.min(d.len())) else {
        return ctx.skip(Skip::Truncated(Layer::Ip));
    };
    let frag = u16::from_be_bytes([hdr[6], hdr[7]]);
    if frag & 0x1FFF != 0 {
        return ctx.skip(Skip::IpFragment);
    }
    let dg = Datagram {
        src: IpAddr::V4(Ipv4Addr::new(hdr[12], hdr[13], hdr[14], hdr[15])),
        dst: IpAddr::V4(Ipv4Addr::new(hdr[16], hdr[17], hdr[18], hdr[19])),
        proto: hdr[9],
        body,
        partial: frag & 0x2000 != 0,
    };
    transport(ctx, dg, meta);
}

fn ipv6<F: FnMut(Message<'_>)>(ctx: &mut Ctx<'_, F>, d: &[u8], meta: FrameMeta) {
    let Some(hdr) = d.get(..40) else {
        return ctx.skip(Skip::Truncated(Layer::Ip));
    };
    if hdr[0] >> 4 != 6 {
        return ctx.skip(Skip::Malformed(Layer::Ip));
    }
    let plen = usize::from(u16::from_be_bytes([hdr[4], hdr[5]]));
    // Payload length 0 means a jumbogram (or offload); take what was captured.
    let end = if plen == 0 { d.len() } else { 40 + plen };
    let payload = &d[40..end.min(d.len())];
    let addr = |at: usize| {
        let mut a = [0u8; 16];
        a.copy_from_slice(&hdr[at..at + 16]);
        IpAddr::V6(Ipv6Addr::from(a))
    };
    let (src, dst) = (addr(8), addr(24));
    let mut next = hdr[6];
    let mut at = 0usize;
    let mut partial = false;
    loop {
        match next {
            // Hop-by-hop, routing, destination options: (len + 1) * 8 octets.
            0 | 43 | 60 => {
                let (Some(&nh), Some(&len)) = (payload.get(at), payload.get(at + 1)) else {
                    return ctx.skip(Skip::Truncated(Layer::Ip));
                };
                next = nh;
                at += (usize::from(len) + 1) * 8;
            }
            // Fragment header: 8 octets; only a first fragment is looked at.
            44 => {
                let (Some(&nh), Some(off)) = (payload.get(at), be16(payload, at + 2)) else {
                    return ctx.skip(Skip::Truncated(Layer::Ip));
                };
                if off & 0xFFF8 != 0 {
                    return ctx.skip(Skip::IpFragment);
                }
                partial = off & 1 != 0;
                next = nh;
                at += 8;
            }
            // Authentication header: (len + 2) * 4 octets.
            51 => {
                let (Some(&nh), Some(&len)) = (payload.get(at), payload.get(at + 1)) else {
                    return ctx.skip(Skip::Truncated(Layer::Ip));
                };
                next = nh;
                at += (usize::from(len) + 2) * 4;
            }
            _ => break,
        }
    }
    let Some(body) = payload.get(at..) else {
        return ctx.skip(Skip::Truncated(Layer::Ip));
    };
    let dg = Datagram {
        src,
        dst,
        proto: next,
        body,
        partial,
    };
    transport(ctx, dg, meta);
}

fn transport<F: FnMut(Message<'_>)>(ctx: &mut Ctx<'_, F>, dg: Datagram<'_>, meta: FrameMeta) {
    match dg.proto {
        132 => sctp(ctx, &dg, meta),
        6 => tcp_segment(ctx, &dg, meta),
        p => ctx.skip(Skip::IpProtocol(p)),
    }
}

/// TSNs recently seen per SCTP association direction (addresses, ports, verification tag),
/// to drop retransmitted DATA chunks as tshark does. A chunk is a retransmission only if its
/// TSN *and* its bytes repeat: captures made with text2pcap reuse TSN 0 for every message.
/// Packets with verification tag 0 (legal only with INIT, so made-up or synthetic headers)
/// name no association and are not checked.
#[derive(Debug, Default)]
pub(crate) struct SctpSeen {
    map: HashMap<(SocketAddr, SocketAddr, u32), Tsns>,
    /// User messages being reassembled from DATA fragments, per association direction and
    /// stream (RFC 9260 §6.9: fragments of one message have consecutive TSNs on one stream).
    frags: HashMap<(SocketAddr, SocketAddr, u32, u16), Fragments>,
}

#[derive(Debug, Default)]
struct Fragments {
    /// TSN of the last fragment taken.
    last_tsn: u32,
    ppid: u32,
    buf: Vec<u8>,
}

/// Largest user message reassembled from fragments (M3UA messages are far smaller).
const MAX_SCTP_MESSAGE: usize = 1 << 20;

#[derive(Debug, Default)]
struct Tsns {
    /// TSN -> hash of the chunk's bytes.
    set: HashMap<u32, u64>,
    order: VecDeque<u32>,
}

/// How many TSNs are remembered per association direction.
const TSN_MEMORY: usize = 4096;

impl SctpSeen {
    /// End of capture: messages still missing fragments are dropped and counted.
    pub(crate) fn finish(&mut self, summary: &mut crate::lab::capture::Summary) {
        for _ in self.frags.values().filter(|f| !f.buf.is_empty()) {
            summary.skip(Skip::SctpFragment);
        }
        self.frags.clear();
    }

    /// Record a TSN; false if it was seen already (a retransmission).
    fn first_time(&mut self, key: (SocketAddr, SocketAddr, u32), tsn: u32, chunk: &[u8]) -> bool {
        // FNV-1a: cheap and good enough to tell a repeat from a different message.
        let hash = chunk.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
        let t = self.map.entry(key).or_default();
        if let Some(old) = t.set.insert(tsn, hash) {
            // Same TSN again: a retransmission if the bytes are the same too.
            return old != hash;
        }
        t.order.push_back(tsn);
        if t.order.len() > TSN_MEMORY {
            if let Some(old) = t.order.pop_front() {
                t.set.remove(&old);
            }
        }
        true
    }
}

/// SCTP: the common header, then every chunk; DATA and I-DATA go to the SS7 layer.
fn sctp<F: FnMut(Message<'_>)>(ctx: &mut Ctx<'_, F>, dg: &Datagram<'_>, meta: FrameMeta) {
    let d = dg.body;
    let (Some(sport), Some(dport)) = (be16(d, 0), be16(d, 2)) else {
        return ctx.skip(Skip::Truncated(Layer::Sctp));
    };
    let Some(vtag) = be32(d, 4).filter(|_| d.len() >= 12) else {
        return ctx.skip(Skip::Truncated(Layer::Sctp));
    };
    let mut origin = Origin {
        meta,
        src: Some(SocketAddr::new(dg.src, sport)),
        dst: Some(SocketAddr::new(dg.dst, dport)),
        stream: None,
    };
    let mut at = 12usize;
    while at < d.len() {
        let (Some(&ctype), Some(&flags), Some(len)) = (d.get(at), d.get(at + 1), be16(d, at + 2))
        else {
            // Fewer than 4 octets left: padding a sender added, or a cut datagram.
            if !dg.partial && d[at..].iter().any(|&b| b != 0) {
                ctx.skip(Skip::Truncated(Layer::Sctp));
            }
            break;
        };
        let len = usize::from(len);
        if len < 4 {
            ctx.skip(Skip::Malformed(Layer::Sctp));
            break;
        }
        let Some(chunk) = d.get(at..at + len) else {
            ctx.skip(Skip::Truncated(Layer::Sctp));
            break;
        };
        at += (len + 3) & !3;
        // DATA: type, flags, length, TSN, stream, SSN, PPID. I-DATA: type, flags, length,
        // TSN, stream, reserved, MID, PPID (first fragment) or FSN.
        let header = match ctype {
            0 => 16,
            64 => 20,
            _ => {
                ctx.skip(Skip::SctpControlChunk);
                continue;
            }
        };
        let (Some(stream), Some(ppid_or_fsn)) = (be16(chunk, 8), be32(chunk, header - 4)) else {
            ctx.skip(Skip::Malformed(Layer::Sctp));
            continue;
        };
        let tsn = be32(chunk, 4).unwrap_or(0);
        let key = (
            SocketAddr::new(dg.src, sport),
            SocketAddr::new(dg.dst, dport),
            vtag,
        );
        if vtag != 0 && !ctx.sctp.first_time(key, tsn, chunk) {
            ctx.skip(Skip::SctpRetransmission);
            continue;
        }
        origin.stream = Some(stream);
        // B and E both set: the whole user message is in this chunk.
        if flags & 0x03 == 0x03 {
            ss7::sctp_user_data(ctx, &origin, ppid_or_fsn, sport, dport, &chunk[header..]);
            continue;
        }
        if ctype != 0 {
            // I-DATA fragments (RFC 8260) are not reassembled.
            ctx.skip(Skip::SctpFragment);
            continue;
        }
        // A fragment of DATA (RFC 9260 §6.9): B starts a message, the next TSNs on the same
        // stream continue it, E ends it. A gap (lost or reordered fragment) drops it.
        let fkey = (key.0, key.1, vtag, stream);
        let body = &chunk[header..];
        let frags = &mut ctx.sctp.frags;
        if flags & 0x02 != 0 {
            let f = frags.entry(fkey).or_default();
            if !f.buf.is_empty() {
                ctx.summary.skip(Skip::SctpFragment);
            }
            f.buf.clear();
            f.buf.extend_from_slice(body);
            f.last_tsn = tsn;
            f.ppid = ppid_or_fsn;
            continue;
        }
        let Some(f) = frags.get_mut(&fkey).filter(|f| !f.buf.is_empty()) else {
            ctx.skip(Skip::SctpFragment);
            continue;
        };
        if f.last_tsn.wrapping_add(1) != tsn {
            // The message this belongs to lost a fragment: drop what we have, count once.
            f.buf.clear();
            ctx.skip(Skip::SctpFragment);
            continue;
        }
        if f.buf.len() + body.len() > MAX_SCTP_MESSAGE {
            f.buf.clear();
            ctx.skip(Skip::SctpFragment);
            continue;
        }
        f.buf.extend_from_slice(body);
        f.last_tsn = tsn;
        if flags & 0x01 != 0 {
            let (ppid, msg) = (f.ppid, std::mem::take(&mut f.buf));
            ss7::sctp_user_data(ctx, &origin, ppid, sport, dport, &msg);
            // Give the buffer back to be reused by the stream's next message.
            if let Some(f) = ctx.sctp.frags.get_mut(&fkey) {
                f.buf = msg;
                f.buf.clear();
            }
        }
    }
}

fn tcp_segment<F: FnMut(Message<'_>)>(ctx: &mut Ctx<'_, F>, dg: &Datagram<'_>, meta: FrameMeta) {
    let d = dg.body;
    let Some(hdr) = d.get(..20) else {
        return ctx.skip(Skip::Truncated(Layer::Tcp));
    };
    let off = usize::from(hdr[12] >> 4) * 4;
    if off < 20 {
        return ctx.skip(Skip::Malformed(Layer::Tcp));
    }
    let Some(payload) = d.get(off..) else {
        return ctx.skip(Skip::Truncated(Layer::Tcp));
    };
    let seg = tcp::Segment {
        src: SocketAddr::new(dg.src, u16::from_be_bytes([hdr[0], hdr[1]])),
        dst: SocketAddr::new(dg.dst, u16::from_be_bytes([hdr[2], hdr[3]])),
        seq: u32::from_be_bytes([hdr[4], hdr[5], hdr[6], hdr[7]]),
        syn: hdr[13] & 0x02 != 0,
        fin: hdr[13] & 0x01 != 0,
        rst: hdr[13] & 0x04 != 0,
        payload,
    };
    if dg.partial {
        // The rest of the segment is in fragments we do not reassemble: its bytes would
        // leave a hole in the stream.
        return ctx.skip(Skip::IpFragment);
    }
    let origin = Origin {
        meta,
        src: Some(seg.src),
        dst: Some(seg.dst),
        stream: None,
    };
    ctx.tcp
        .segment(&seg, &origin, &mut ctx.summary, &mut ctx.emit);
}
