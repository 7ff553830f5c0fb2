//! The pure parts, tested everywhere: the byte layouts of `struct sctp_sndrcvinfo` and of
//! packed addresses (RFC 6458 §5.3.2, §9.1, §9.9), the stream an M3UA message goes on (RFC
//! 4666 §1.4.7), and reassembly of records delivered in parts.

use std::net::SocketAddr;

/// `struct sctp_sndrcvinfo` (RFC 6458 §5.3.2), the per-message ancillary data.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SndRcvInfo {
    pub stream: u16,
    pub ssn: u16,
    pub flags: u16,
    /// The PPID as a number (converted from/to network order here; the kernel passes the
    /// field through unconverted).
    pub ppid: u32,
    pub context: u32,
    pub timetolive: u32,
    pub tsn: u32,
    pub cumtsn: u32,
    pub assoc_id: i32,
}

/// Size of `struct sctp_sndrcvinfo`.
pub const SNDRCVINFO_LEN: usize = 32;

impl SndRcvInfo {
    pub fn to_bytes(&self) -> [u8; SNDRCVINFO_LEN] {
        let mut b = [0u8; SNDRCVINFO_LEN];
        b[0..2].copy_from_slice(&self.stream.to_ne_bytes());
        b[2..4].copy_from_slice(&self.ssn.to_ne_bytes());
        b[4..6].copy_from_slice(&self.flags.to_ne_bytes());
        // 2 octets of padding, then the PPID in network order.
        b[8..12].copy_from_slice(&self.ppid.to_be_bytes());
        b[12..16].copy_from_slice(&self.context.to_ne_bytes());
        b[16..20].copy_from_slice(&self.timetolive.to_ne_bytes());
        b[20..24].copy_from_slice(&self.tsn.to_ne_bytes());
        b[24..28].copy_from_slice(&self.cumtsn.to_ne_bytes());
        b[28..32].copy_from_slice(&self.assoc_id.to_ne_bytes());
        b
    }

    pub fn from_bytes(b: &[u8]) -> Option<SndRcvInfo> {
        if b.len() < SNDRCVINFO_LEN {
            return None;
        }
        let u16_at = |i: usize| u16::from_ne_bytes([b[i], b[i + 1]]);
        let u32_at = |i: usize| u32::from_ne_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
        Some(SndRcvInfo {
            stream: u16_at(0),
            ssn: u16_at(2),
            flags: u16_at(4),
            ppid: u32::from_be_bytes([b[8], b[9], b[10], b[11]]),
            context: u32_at(12),
            timetolive: u32_at(16),
            tsn: u32_at(20),
            cumtsn: u32_at(24),
            assoc_id: u32_at(28) as i32,
        })
    }
}

/// Addresses packed back to back as sockaddr_in/sockaddr_in6, the argument format of
/// SCTP_SOCKOPT_BINDX_ADD and SCTP_SOCKOPT_CONNECTX (RFC 6458 §9.1, §9.9).
pub fn pack_addrs(addrs: &[SocketAddr]) -> Vec<u8> {
    let mut out = Vec::with_capacity(addrs.len() * 28);
    for a in addrs {
        match a {
            SocketAddr::V4(v4) => {
                let sa = libc::sockaddr_in {
                    sin_family: libc::AF_INET as libc::sa_family_t,
                    sin_port: v4.port().to_be(),
                    sin_addr: libc::in_addr {
                        s_addr: u32::from_ne_bytes(v4.ip().octets()),
                    },
                    sin_zero: [0; 8],
                };
                out.extend_from_slice(as_bytes(&sa));
            }
            SocketAddr::V6(v6) => {
                let sa = libc::sockaddr_in6 {
                    sin6_family: libc::AF_INET6 as libc::sa_family_t,
                    sin6_port: v6.port().to_be(),
                    sin6_flowinfo: v6.flowinfo(),
                    sin6_addr: libc::in6_addr {
                        s6_addr: v6.ip().octets(),
                    },
                    sin6_scope_id: v6.scope_id(),
                };
                out.extend_from_slice(as_bytes(&sa));
            }
        }
    }
    out
}

fn as_bytes<T>(v: &T) -> &[u8] {
    // SAFETY: plain-old-data C structs with no padding-sensitive invariants, read only.
    unsafe { std::slice::from_raw_parts((v as *const T).cast::<u8>(), std::mem::size_of::<T>()) }
}

/// The stream for an M3UA message: stream 0 for management, DATA spread over 1..n by SLS so
/// each signalling link selection keeps its order (RFC 4666 §1.4.7, §3.3.1).
pub fn stream_for(m3ua: &[u8], ostreams: u16) -> u16 {
    let is_data = m3ua.get(2) == Some(&1) && m3ua.get(3) == Some(&1);
    if !is_data || ostreams < 2 {
        return 0;
    }
    let sls = crate::m3ua::Message::parse(m3ua)
        .ok()
        .and_then(|m| m.protocol_data().ok())
        .map_or(0, |pd| pd.sls);
    1 + u16::from(sls) % (ostreams - 1)
}

/// Joins the pieces of a message delivered in parts (MSG_EOR unset) into one record.
#[derive(Debug)]
pub struct RecordAssembler {
    pub(super) buf: Vec<u8>,
    max: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("SCTP record exceeds {0} octets")]
pub struct RecordTooLarge(pub usize);

impl RecordAssembler {
    pub fn new(max: usize) -> RecordAssembler {
        RecordAssembler {
            buf: Vec::new(),
            max,
        }
    }

    /// Add a piece; returns the whole record once `eor` is seen.
    pub fn push(&mut self, piece: &[u8], eor: bool) -> Result<Option<&[u8]>, RecordTooLarge> {
        if self.buf.len() + piece.len() > self.max {
            self.buf.clear();
            return Err(RecordTooLarge(self.max));
        }
        self.buf.extend_from_slice(piece);
        Ok(eor.then_some(&self.buf[..]))
    }

    /// Forget the completed record (call after using what `push` returned).
    pub fn reset(&mut self) {
        self.buf.clear();
    }
}
