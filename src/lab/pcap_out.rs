//! `scpd run --pcap FILE`: every M3UA message scpd sends and receives, written to a classic
//! pcap that Wireshark decodes as M3UA/SCCP/TCAP/CAP.
//!
//! Whatever carried the association (TCP or kernel SCTP), each M3UA message becomes one
//! synthetic Ethernet/IPv4/SCTP frame with one DATA chunk of PPID 3 (RFC 4666 §1.4.8), the
//! way it would look on an SCTP link: Wireshark picks M3UA by that PPID. The IPv4 header
//! checksum (RFC 791) and the SCTP CRC32c (RFC 9260 §6.8, Appendix A) are computed, TSNs
//! count up per direction of each association, and the stream follows RFC 4666 §1.4.7
//! (0 for management, DATA spread by SLS). The peer's address is the association's real
//! one where it is known; scpd's own side is shown as port 2905 of an address of the same
//! kind (the association task does not know its local address).
//!
//! Two parts: [`PcapEncoder`] is sans-IO (messages and times in, file bytes out);
//! [`install`] starts a writer thread fed through a bounded channel, and [`tap`] is the
//! daemon's hook — a no-op until installed, and never blocking the async runtime: when the
//! writer falls behind, messages are dropped and counted rather than waited for.

use std::collections::HashMap;
use std::io::Write;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

/// Which way a message went, seen from scpd.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Received from the peer.
    In,
    /// Sent to the peer.
    Out,
}

/// The port shown for scpd's side (the M3UA registered port, RFC 4666 §1.4.8).
const OWN_PORT: u16 = 2905;
/// Link type Ethernet (pcap LINKTYPE_ETHERNET).
const LINKTYPE_ETHERNET: u32 = 1;
const SNAPLEN: u32 = 65535;

/// CRC32c (Castagnoli, reflected polynomial 0x82F63B78), as SCTP uses (RFC 9260 App. A).
pub fn crc32c(data: &[u8]) -> u32 {
    static TABLE: OnceLock<[u32; 256]> = OnceLock::new();
    let t = TABLE.get_or_init(|| {
        let mut t = [0u32; 256];
        for (i, e) in t.iter_mut().enumerate() {
            let mut c = i as u32;
            for _ in 0..8 {
                c = if c & 1 != 0 {
                    (c >> 1) ^ 0x82f6_3b78
                } else {
                    c >> 1
                };
            }
            *e = c;
        }
        t
    });
    let mut crc = !0u32;
    for &b in data {
        crc = t[((crc ^ u32::from(b)) & 0xff) as usize] ^ (crc >> 8);
    }
    !crc
}

/// The Internet checksum (RFC 1071) of an IPv4 header.
fn ip_checksum(h: &[u8]) -> u16 {
    let mut sum: u32 = h
        .chunks(2)
        .map(|c| u32::from(u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)])))
        .sum();
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

/// Per-association state: the two endpoints and the next TSN each way.
struct Assoc {
    peer: SocketAddr,
    own: SocketAddr,
    tsn_in: u32,
    tsn_out: u32,
    ip_id: u16,
}

/// Sans-IO pcap encoder: call [`PcapEncoder::header`] once, then [`PcapEncoder::message`]
/// per M3UA message.
#[derive(Default)]
pub struct PcapEncoder {
    assocs: HashMap<u64, Assoc>,
    frame: Vec<u8>,
}

/// `tcp:1.2.3.4:5`, `tcp://1.2.3.4:5`, `sctp://...`, `1.2.3.4:5` → the address, if any.
fn parse_peer(peer: &str) -> Option<SocketAddr> {
    let s = peer
        .trim_start_matches("tcp:")
        .trim_start_matches("sctp:")
        .trim_start_matches("//");
    s.parse().ok()
}

impl PcapEncoder {
    /// The pcap file header (microsecond timestamps, Ethernet).
    pub fn header(out: &mut Vec<u8>) {
        out.extend_from_slice(&0xa1b2_c3d4u32.to_le_bytes());
        out.extend_from_slice(&2u16.to_le_bytes());
        out.extend_from_slice(&4u16.to_le_bytes());
        out.extend_from_slice(&0i32.to_le_bytes());
        out.extend_from_slice(&0u32.to_le_bytes());
        out.extend_from_slice(&SNAPLEN.to_le_bytes());
        out.extend_from_slice(&LINKTYPE_ETHERNET.to_le_bytes());
    }

    /// Append one record holding `m3ua` (one whole M3UA message) in an SCTP DATA chunk of
    /// association `assoc` with `peer` (its description as the daemon logs it).
    pub fn message(
        &mut self,
        ts: SystemTime,
        assoc: u64,
        peer: &str,
        dir: Direction,
        m3ua: &[u8],
        out: &mut Vec<u8>,
    ) {
        let a = self.assocs.entry(assoc).or_insert_with(|| {
            let peer = parse_peer(peer)
                .filter(|p| p.is_ipv4())
                // Unknown or IPv6 peer: a documentation address (RFC 5737) per association.
                .unwrap_or_else(|| {
                    SocketAddr::from((
                        Ipv4Addr::new(192, 0, 2, (assoc % 254 + 1) as u8),
                        (30000 + assoc % 30000) as u16,
                    ))
                });
            let own_ip = match peer.ip() {
                IpAddr::V4(ip) if ip.is_loopback() => Ipv4Addr::LOCALHOST,
                _ => Ipv4Addr::new(198, 51, 100, 1),
            };
            Assoc {
                peer,
                own: SocketAddr::from((own_ip, OWN_PORT)),
                tsn_in: 1,
                tsn_out: 1,
                ip_id: 0,
            }
        });
        let (src, dst, tsn) = match dir {
            Direction::In => (a.peer, a.own, &mut a.tsn_in),
            Direction::Out => (a.own, a.peer, &mut a.tsn_out),
        };
        let this_tsn = *tsn;
        *tsn = tsn.wrapping_add(1);
        a.ip_id = a.ip_id.wrapping_add(1);
        let (IpAddr::V4(sip), IpAddr::V4(dip)) = (src.ip(), dst.ip()) else {
            return;
        };
        let stream = crate::transport::sctp::stream_for(m3ua, 17);
        // M3UA messages are 4-octet multiples; pad anyway (RFC 9260 §3.2).
        let pad = (4 - m3ua.len() % 4) % 4;
        let chunk_len = 16 + m3ua.len();
        let sctp_len = 12 + chunk_len + pad;
        let ip_len = 20 + sctp_len;
        let f = &mut self.frame;
        f.clear();
        // Ethernet II: locally administered unicast MACs, type IPv4.
        let mac = |ip: Ipv4Addr| {
            let o = ip.octets();
            [0x02, 0x00, o[0], o[1], o[2], o[3]]
        };
        f.extend_from_slice(&mac(dip));
        f.extend_from_slice(&mac(sip));
        f.extend_from_slice(&0x0800u16.to_be_bytes());
        // IPv4, protocol 132 (SCTP), DF.
        let ip_at = f.len();
        f.extend_from_slice(&[0x45, 0]);
        f.extend_from_slice(&(ip_len as u16).to_be_bytes());
        f.extend_from_slice(&a.ip_id.to_be_bytes());
        f.extend_from_slice(&[0x40, 0, 64, 132, 0, 0]);
        f.extend_from_slice(&sip.octets());
        f.extend_from_slice(&dip.octets());
        let c = ip_checksum(&f[ip_at..ip_at + 20]);
        f[ip_at + 10..ip_at + 12].copy_from_slice(&c.to_be_bytes());
        // SCTP common header (verification tag: the association id, for telling them apart).
        let sctp_at = f.len();
        f.extend_from_slice(&src.port().to_be_bytes());
        f.extend_from_slice(&dst.port().to_be_bytes());
        f.extend_from_slice(&(assoc as u32).to_be_bytes());
        f.extend_from_slice(&[0; 4]);
        // DATA chunk, unfragmented (B and E bits), PPID 3 (RFC 9260 §3.3.1).
        f.extend_from_slice(&[0, 0x03]);
        f.extend_from_slice(&(chunk_len as u16).to_be_bytes());
        f.extend_from_slice(&this_tsn.to_be_bytes());
        f.extend_from_slice(&stream.to_be_bytes());
        f.extend_from_slice(&((this_tsn & 0xffff) as u16).to_be_bytes());
        f.extend_from_slice(&3u32.to_be_bytes());
        f.extend_from_slice(m3ua);
        f.extend(std::iter::repeat_n(0, pad));
        let crc = crc32c(&f[sctp_at..]);
        // The CRC32c goes in as little-endian octets (RFC 9260 Appendix A).
        f[sctp_at + 8..sctp_at + 12].copy_from_slice(&crc.to_le_bytes());
        let d = ts.duration_since(UNIX_EPOCH).unwrap_or_default();
        out.extend_from_slice(&(d.as_secs() as u32).to_le_bytes());
        out.extend_from_slice(&d.subsec_micros().to_le_bytes());
        out.extend_from_slice(&(f.len() as u32).to_le_bytes());
        out.extend_from_slice(&(f.len() as u32).to_le_bytes());
        out.extend_from_slice(f);
    }
}

/// One buffer the daemon handed over: M3UA messages back to back.
struct Record {
    ts: SystemTime,
    assoc: u64,
    peer: Box<str>,
    dir: Direction,
    bytes: Vec<u8>,
}

struct Tap {
    tx: mpsc::SyncSender<Record>,
    dropped: AtomicU64,
}

static TAP: OnceLock<Tap> = OnceLock::new();

/// Records queued before [`tap`] starts dropping (the writer thread is behind).
const QUEUE: usize = 65536;

/// Create `path` and start the writer thread; from now on [`tap`] records. Fails if the file
/// cannot be created or a tap is already installed.
pub fn install(path: &std::path::Path) -> std::io::Result<()> {
    let mut file = std::io::BufWriter::new(std::fs::File::create(path)?);
    let mut buf = Vec::with_capacity(64 * 1024);
    PcapEncoder::header(&mut buf);
    file.write_all(&buf)?;
    file.flush()?;
    let (tx, rx) = mpsc::sync_channel::<Record>(QUEUE);
    TAP.set(Tap {
        tx,
        dropped: AtomicU64::new(0),
    })
    .map_err(|_| std::io::Error::other("a pcap tap is already installed"))?;
    let name = path.display().to_string();
    std::thread::Builder::new()
        .name("pcap-writer".into())
        .spawn(move || {
            let mut enc = PcapEncoder::default();
            // Block for the next record; after a burst, flush so the file is readable
            // (also after the process is killed) whenever the daemon is idle.
            while let Ok(mut r) = rx.recv() {
                loop {
                    buf.clear();
                    for m in crate::m3ua::asp::messages(&r.bytes) {
                        enc.message(r.ts, r.assoc, &r.peer, r.dir, m, &mut buf);
                    }
                    if let Err(e) = file.write_all(&buf) {
                        tracing::error!(file = %name, error = %e, "pcap write failed; tap stops");
                        return;
                    }
                    match rx.try_recv() {
                        Ok(next) => r = next,
                        Err(_) => break,
                    }
                }
                if let Err(e) = file.flush() {
                    tracing::error!(file = %name, error = %e, "pcap flush failed; tap stops");
                    return;
                }
            }
        })?;
    Ok(())
}

/// The daemon's hook: `bytes` (whole M3UA messages back to back) went `dir` on association
/// `assoc` with `peer`. Does nothing unless [`install`] was called; never blocks.
pub fn tap(assoc: u64, peer: &str, dir: Direction, bytes: &[u8]) {
    let Some(t) = TAP.get() else { return };
    if bytes.is_empty() {
        return;
    }
    let r = Record {
        ts: SystemTime::now(),
        assoc,
        peer: peer.into(),
        dir,
        bytes: bytes.to_vec(),
    };
    if t.tx.try_send(r).is_err() {
        let n = t.dropped.fetch_add(1, Ordering::Relaxed);
        if n.is_power_of_two() {
            tracing::warn!(dropped = n + 1, "pcap writer behind: messages not recorded");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32c_check_value() {
        // RFC 3720 B.4 / the CRC catalogue's check value for "123456789".
        assert_eq!(crc32c(b"123456789"), 0xe306_9283);
        assert_eq!(crc32c(&[0; 32]), 0x8a91_36aa);
    }

    #[test]
    fn frames_read_back_through_the_capture_reader() {
        use crate::lab::capture::{read_capture, CaptureOptions, Payload, Skip};
        let mut m = Vec::new();
        crate::m3ua::Builder::new(&mut m, crate::m3ua::Kind::AspUp).finish();
        let mut out = Vec::new();
        PcapEncoder::header(&mut out);
        let mut enc = PcapEncoder::default();
        let t = UNIX_EPOCH + std::time::Duration::from_micros(1_700_000_000_123_456);
        enc.message(t, 7, "tcp:127.0.0.1:40000", Direction::In, &m, &mut out);
        enc.message(t, 7, "tcp:127.0.0.1:40000", Direction::Out, &m, &mut out);
        enc.message(t, 8, "sctp", Direction::Out, &m, &mut out);
        let mut got = Vec::new();
        let s = read_capture(&out, &CaptureOptions::default(), |msg| {
            let Payload::M3ua(b) = msg.payload else {
                panic!("{msg:?}")
            };
            assert_eq!(b, &m[..]);
            got.push((msg.src.unwrap(), msg.dst.unwrap(), msg.ts_ns));
        })
        .unwrap();
        assert_eq!(s.skipped(Skip::SctpRetransmission), 0);
        assert_eq!(got.len(), 3);
        assert_eq!(got[0].0, "127.0.0.1:40000".parse().unwrap());
        assert_eq!(got[0].1, "127.0.0.1:2905".parse().unwrap());
        assert_eq!((got[1].0, got[1].1), (got[0].1, got[0].0));
        assert_eq!(got[0].2, 1_700_000_000_123_456_000);
        assert_eq!(got[2].1.ip(), IpAddr::V4(Ipv4Addr::new(192, 0, 2, 9)));
    }
}
