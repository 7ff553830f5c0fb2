//! The load generator's two transports behind one pair of traits, so its I/O loop is the
//! same for both (and, monomorphised, as fast over TCP as before): TCP, a byte stream read
//! in large chunks, and kernel SCTP, one-to-one socket, one record per M3UA message, PPID 3,
//! management on stream 0 and DATA on the stream its SLS picks (RFC 4666 §1.4.7), as the
//! daemon sends.
//!
//! Over SCTP the sim also checks what the SCP sends: every record must be one whole M3UA
//! message with PPID 3 on a stream its class may use; anything else is an error of the run.

use super::io::Inbox;
use super::SimError;
use crate::m3ua::codec::check_stream;
use crate::transport::sctp::{self, RawSctp, SctpSender, SctpStream};
use std::io;
use std::net::SocketAddr;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The receiving side: fills the inbox with whole or partial M3UA messages.
pub(super) trait WireRead {
    /// Read once (whatever is there, at least one piece); `false` at the end of the stream.
    async fn read(&mut self, inbox: &mut Inbox) -> Result<bool, SimError>;
    /// What went wrong in what was read (SCTP: wrong stream, PPID or record), once.
    fn take_errors(&mut self) -> Vec<String> {
        Vec::new()
    }
}

/// The sending side. `write` takes a prefix of `out` (cancel-safe: what a completed call
/// returns was sent, a dropped call sent nothing).
pub(super) trait WireWrite {
    async fn write(&mut self, out: &[u8]) -> io::Result<usize>;
    async fn write_all(&mut self, mut out: &[u8]) -> io::Result<()> {
        while !out.is_empty() {
            let n = self.write(out).await?;
            out = &out[n..];
        }
        Ok(())
    }
}

impl WireRead for tokio::net::tcp::OwnedReadHalf {
    async fn read(&mut self, inbox: &mut Inbox) -> Result<bool, SimError> {
        let n = AsyncReadExt::read(self, inbox.room()).await?;
        inbox.filled(n);
        Ok(n > 0)
    }
}

impl WireWrite for tokio::net::tcp::OwnedWriteHalf {
    async fn write(&mut self, out: &[u8]) -> io::Result<usize> {
        AsyncWriteExt::write(self, out).await
    }
}

/// Connect over SCTP to every address of `to` (a multi-homed SCP), from any local address.
pub(super) async fn sctp_connect(to: &[SocketAddr]) -> Result<(SctpRead, SctpWrite), SimError> {
    let s = SctpStream::connect(to, &[])
        .await
        .map_err(|e| SimError::Connect(to[0], e))?;
    let w = SctpWrite {
        tx: s.sender(),
        stats: SctpStats {
            streams: s.out_streams(),
            ..SctpStats::default()
        },
    };
    let r = SctpRead {
        ins: s.in_streams(),
        stats: SctpStats {
            streams: s.in_streams(),
            ..SctpStats::default()
        },
        rx: s,
        rec: 0,
        expect: 0,
        starts: Vec::new(),
        errors: Vec::new(),
    };
    Ok((r, w))
}

/// What went over SCTP, for the report.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct SctpStats {
    /// Streams negotiated in this direction.
    pub streams: u16,
    /// M3UA messages, and of them DATA by stream (index = stream id).
    pub messages: u64,
    pub data_by_stream: Vec<u64>,
}

impl SctpStats {
    fn count(&mut self, stream: u16, data: bool) {
        self.messages += 1;
        if data {
            let i = usize::from(stream);
            if self.data_by_stream.len() <= i {
                self.data_by_stream.resize(i + 1, 0);
            }
            self.data_by_stream[i] += 1;
        }
    }
}

fn is_data(m3ua: &[u8]) -> bool {
    m3ua.get(2) == Some(&1) && m3ua.get(3) == Some(&1)
}

pub(super) struct SctpRead {
    rx: SctpStream,
    ins: u16,
    /// Octets of the record in progress already in the inbox, and the M3UA length its
    /// header announced.
    rec: usize,
    expect: usize,
    /// Where each record read in one go starts in the room: (offset, piece length, info).
    starts: Vec<(usize, usize, Option<sctp::SndRcvInfo>)>,
    errors: Vec<String>,
    pub(super) stats: SctpStats,
}

impl SctpRead {
    /// Check a piece that starts a record (its M3UA header is in `head`) and count it.
    fn start(&mut self, head: &[u8], info: Option<sctp::SndRcvInfo>) {
        let Some(info) = info else {
            self.errors
                .push("SCTP record without sctp_sndrcvinfo".into());
            return;
        };
        if info.ppid != sctp::PPID_M3UA {
            self.errors
                .push(format!("SCTP record with PPID {} (M3UA is 3)", info.ppid));
        }
        if let Err(e) = check_stream(head, info.stream, self.ins) {
            self.errors.push(format!(
                "M3UA class {} type {} on stream {}: {e:?}",
                head.get(2).copied().unwrap_or(0),
                head.get(3).copied().unwrap_or(0),
                info.stream
            ));
        }
        self.stats.count(info.stream, is_data(head));
    }
}

/// The room a read needs before it starts another piece: an M3UA header, whole.
const MIN_ROOM: usize = 8;

impl WireRead for SctpRead {
    async fn read(&mut self, inbox: &mut Inbox) -> Result<bool, SimError> {
        let room = inbox.room();
        // Records back to back into the room, each piece checked as it lands, until the
        // socket has no more or the room is nearly full.
        let mut filled = 0;
        let mut ended = false;
        let (mut rec, mut expect) = (self.rec, self.expect);
        let starts = &mut self.starts;
        starts.clear();
        let mut bad_records = Vec::new();
        let r = self
            .rx
            .read_with(|raw: &RawSctp| {
                while room.len() - filled >= MIN_ROOM {
                    let p = match raw.recv(&mut room[filled..]) {
                        Ok(p) => p,
                        Err(e) if e.kind() == io::ErrorKind::WouldBlock && filled > 0 => break,
                        Err(e) => return Err(e),
                    };
                    if p.end {
                        ended = true;
                        break;
                    }
                    if p.notification {
                        continue;
                    }
                    if rec == 0 {
                        starts.push((filled, p.len, p.info));
                        expect = room[filled..filled + p.len]
                            .get(4..8)
                            .map_or(0, |l| u32::from_be_bytes([l[0], l[1], l[2], l[3]]) as usize);
                    }
                    rec += p.len;
                    filled += p.len;
                    if p.eor {
                        if rec != expect {
                            bad_records.push((rec, expect));
                        }
                        rec = 0;
                    }
                }
                Ok(())
            })
            .await;
        self.rec = rec;
        self.expect = expect;
        for i in 0..self.starts.len() {
            let (at, len, info) = self.starts[i];
            self.start(&room[at..at + len], info);
        }
        for (got, want) in bad_records {
            self.errors.push(format!(
                "SCTP record of {got} octets holds an M3UA message of {want}"
            ));
        }
        inbox.filled(filled);
        r?;
        Ok(!(ended && filled == 0))
    }

    fn take_errors(&mut self) -> Vec<String> {
        std::mem::take(&mut self.errors)
    }
}

pub(super) struct SctpWrite {
    tx: SctpSender,
    pub(super) stats: SctpStats,
}

impl WireWrite for SctpWrite {
    /// Whole messages, one record each, on the stream [`sctp::stream_for`] picks (the
    /// daemon's choice too): as many as the socket takes now.
    async fn write(&mut self, out: &[u8]) -> io::Result<usize> {
        let ostreams = self.tx.out_streams();
        let stats = &mut self.stats;
        self.tx
            .write_with(|raw: &RawSctp| {
                let mut sent = 0;
                for m in crate::m3ua::asp::messages(out) {
                    let stream = sctp::stream_for(m, ostreams);
                    match raw.send(m, stream) {
                        Ok(()) => {
                            sent += m.len();
                            stats.count(stream, is_data(m));
                        }
                        Err(e) if e.kind() == io::ErrorKind::WouldBlock && sent > 0 => break,
                        Err(e) => return Err(e),
                    }
                }
                Ok(sent)
            })
            .await
    }
}
