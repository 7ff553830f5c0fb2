//! M3UA over TCP: per-direction stream reassembly and message framing.
//!
//! Each direction of each TCP connection is one byte stream of M3UA messages back to back,
//! each delimited by the length in its own common header (version 1, reserved, class, type,
//! 32-bit length). Bytes are taken in sequence-number order: retransmitted bytes are
//! dropped, early segments wait (bounded) for the gap before them to fill. A message that
//! lies whole inside one in-order segment is yielded straight from the capture; only the
//! pieces of messages split across segments are copied into the flow's buffer.

use std::collections::HashMap;
use std::net::SocketAddr;

use super::{deliver, Message, Origin, Payload, Skip, Summary, Via};

/// The M3UA registered port; a flow with it on either side is taken to carry M3UA.
pub(super) const M3UA_PORT: u16 = 2905;
/// Largest M3UA message accepted over TCP (anything longer is taken for garbage).
const MAX_MESSAGE: usize = 1 << 20;
/// Out-of-order segments held per direction before giving up on the gap before them.
const MAX_PENDING: usize = 64;

/// The TCP header fields the reassembly needs, with the payload.
#[derive(Debug, Clone, Copy)]
pub(super) struct Segment<'a> {
    pub src: SocketAddr,
    pub dst: SocketAddr,
    pub seq: u32,
    pub syn: bool,
    pub fin: bool,
    pub rst: bool,
    pub payload: &'a [u8],
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Mode {
    #[default]
    Unknown,
    M3ua,
    Other,
}

/// One direction of one TCP connection.
#[derive(Debug, Default)]
struct Direction {
    mode: Mode,
    /// Sequence number of the next byte expected in order.
    next: Option<u32>,
    /// Bytes of an incomplete M3UA message (in order, not yet yielded).
    buf: Vec<u8>,
    /// Segments that arrived ahead of a gap: (sequence number, bytes).
    pending: Vec<(u32, Vec<u8>)>,
}

impl Direction {
    fn unfinished(&self) -> bool {
        !self.buf.is_empty() || !self.pending.is_empty()
    }
}

/// All TCP flow directions seen so far.
#[derive(Debug, Default)]
pub(crate) struct Flows {
    map: HashMap<(SocketAddr, SocketAddr), Direction>,
}

/// Does `d` start with something that reads as an M3UA common header?
pub(super) fn looks_like_m3ua(d: &[u8]) -> bool {
    let Some(h) = d.get(..8) else {
        return false;
    };
    let len = u32::from_be_bytes([h[4], h[5], h[6], h[7]]) as usize;
    h[0] == 1
        && h[1] == 0
        && matches!(h[2], 0..=4 | 9)
        && h[3] < 16
        && (8..=MAX_MESSAGE).contains(&len)
}

/// Serial-number difference `a - b` (RFC 1982), as TCP compares sequence numbers.
fn seq_diff(a: u32, b: u32) -> i64 {
    i64::from(a.wrapping_sub(b) as i32)
}

impl Flows {
    /// Take one TCP segment: reassemble and yield every M3UA message it completes.
    pub(super) fn segment<F: FnMut(Message<'_>)>(
        &mut self,
        seg: &Segment<'_>,
        origin: &Origin,
        summary: &mut Summary,
        emit: &mut F,
    ) {
        let key = (seg.src, seg.dst);
        if seg.rst {
            for k in [key, (seg.dst, seg.src)] {
                if self.map.remove(&k).is_some_and(|d| d.unfinished()) {
                    summary.skip(Skip::TcpIncomplete);
                }
            }
            return;
        }
        let dir = self.map.entry(key).or_default();
        let mut seq = seg.seq;
        if seg.syn {
            if dir.unfinished() {
                summary.skip(Skip::TcpIncomplete);
            }
            *dir = Direction::default();
            seq = seq.wrapping_add(1);
            dir.next = Some(seq);
        }
        if !seg.payload.is_empty() {
            if dir.mode == Mode::Unknown {
                let port = seg.src.port() == M3UA_PORT || seg.dst.port() == M3UA_PORT;
                dir.mode = if port || looks_like_m3ua(seg.payload) {
                    Mode::M3ua
                } else {
                    Mode::Other
                };
            }
            if dir.mode == Mode::M3ua {
                insert(dir, seq, seg.payload, origin, summary, emit);
            } else {
                summary.skip(Skip::TcpNotM3ua);
            }
        }
        if seg.fin && self.map.remove(&key).is_some_and(|d| d.unfinished()) {
            summary.skip(Skip::TcpIncomplete);
        }
    }

    /// End of capture: count every stream left inside a message.
    pub(crate) fn finish(&mut self, summary: &mut Summary) {
        for _ in self.map.values().filter(|d| d.unfinished()) {
            summary.skip(Skip::TcpIncomplete);
        }
        self.map.clear();
    }
}

/// Put `payload` (starting at sequence number `seq`) into the stream.
fn insert<F: FnMut(Message<'_>)>(
    dir: &mut Direction,
    seq: u32,
    payload: &[u8],
    origin: &Origin,
    summary: &mut Summary,
    emit: &mut F,
) {
    let next = *dir.next.get_or_insert(seq);
    let off = seq_diff(seq, next);
    if off > 0 {
        // Ahead of a gap: hold it. If too much is held, the gap is not going to fill: skip
        // to the earliest held segment and start framing afresh there.
        dir.pending.push((seq, payload.to_vec()));
        if dir.pending.len() > MAX_PENDING {
            summary.skip(Skip::TcpGap);
            dir.buf.clear();
            let earliest = dir
                .pending
                .iter()
                .map(|(s, _)| *s)
                .min_by_key(|s| seq_diff(*s, next))
                .unwrap_or(seq);
            dir.next = Some(earliest);
            drain_pending(dir, origin, summary, emit);
        }
        return;
    }
    if !take(dir, next, seq, payload, origin, summary, emit) {
        summary.skip(Skip::TcpRetransmission);
    }
    drain_pending(dir, origin, summary, emit);
}

/// Append the part of `payload` at or after `next`; false if there was none (all old).
fn take<F: FnMut(Message<'_>)>(
    dir: &mut Direction,
    next: u32,
    seq: u32,
    payload: &[u8],
    origin: &Origin,
    summary: &mut Summary,
    emit: &mut F,
) -> bool {
    let old = usize::try_from(-seq_diff(seq, next)).unwrap_or(0);
    let Some(fresh) = payload.get(old..).filter(|f| !f.is_empty()) else {
        return false;
    };
    dir.next = Some(next.wrapping_add(fresh.len() as u32));
    if dir.buf.is_empty() {
        // Common case: frame straight from the capture, keep only an unfinished tail.
        let used = frame(fresh, origin, summary, emit);
        dir.buf.extend_from_slice(&fresh[used..]);
    } else {
        dir.buf.extend_from_slice(fresh);
        let used = frame(&dir.buf, origin, summary, emit);
        dir.buf.drain(..used);
    }
    true
}

/// Feed held segments that the stream has now reached.
fn drain_pending<F: FnMut(Message<'_>)>(
    dir: &mut Direction,
    origin: &Origin,
    summary: &mut Summary,
    emit: &mut F,
) {
    loop {
        let Some(next) = dir.next else { return };
        let Some(i) = dir
            .pending
            .iter()
            .position(|(s, _)| seq_diff(*s, next) <= 0)
        else {
            return;
        };
        let (seq, bytes) = dir.pending.swap_remove(i);
        if !take(dir, next, seq, &bytes, origin, summary, emit) {
            summary.skip(Skip::TcpRetransmission);
        }
    }
}

/// Yield every whole M3UA message at the start of `d`; return how many octets were used.
/// Bytes that cannot be an M3UA header are dropped whole (counted), so that framing starts
/// again at the next segment.
fn frame<F: FnMut(Message<'_>)>(
    d: &[u8],
    origin: &Origin,
    summary: &mut Summary,
    emit: &mut F,
) -> usize {
    let mut at = 0;
    while let Some(h) = d.get(at..at + 8) {
        let len = u32::from_be_bytes([h[4], h[5], h[6], h[7]]) as usize;
        if h[0] != 1 || !(8..=MAX_MESSAGE).contains(&len) {
            summary.skip(Skip::TcpDesync);
            return d.len();
        }
        let Some(msg) = d.get(at..at + len) else {
            break;
        };
        deliver(summary, emit, origin, Via::M3uaTcp, Payload::M3ua(msg));
        at += len;
    }
    at
}
