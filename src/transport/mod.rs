//! Transport: moves whole M3UA messages between scpd and its peers. TCP frames them by the
//! M3UA header length (INTERFACES.md); kernel SCTP (one-to-one sockets, PPID 3) preserves
//! message boundaries itself. Nothing above this module knows which one carries a peer.

pub mod sctp;
pub mod tcp;

use crate::config::Endpoint;
use std::io;
use tcp::{FrameError, FrameReader};
use tokio::io::AsyncWriteExt;
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};

/// A listening endpoint of either kind.
pub enum Listener {
    Tcp(tokio::net::TcpListener),
    Sctp(sctp::SctpListener),
}

impl Listener {
    pub async fn bind(ep: &Endpoint) -> io::Result<Listener> {
        Ok(match ep {
            Endpoint::Tcp(a) => Listener::Tcp(tokio::net::TcpListener::bind(a).await?),
            Endpoint::Sctp(addrs) => Listener::Sctp(sctp::SctpListener::bind(addrs)?),
        })
    }

    /// The next association and a description of the peer for logs.
    pub async fn accept(&self) -> io::Result<(Link, String)> {
        match self {
            Listener::Tcp(l) => {
                let (s, peer) = l.accept().await?;
                let _ = s.set_nodelay(true);
                let (rd, wr) = s.into_split();
                Ok((
                    Link::Tcp {
                        rd: FrameReader::new(rd),
                        wr,
                    },
                    format!("tcp:{peer}"),
                ))
            }
            Listener::Sctp(l) => Ok((Link::Sctp(l.accept().await?), "sctp".to_string())),
        }
    }
}

/// One received M3UA message and where it came in.
#[derive(Debug, Clone, Copy)]
pub struct Received<'a> {
    pub bytes: &'a [u8],
    /// SCTP: the stream it arrived on and the association's inbound stream count; `None`
    /// on TCP, which has no streams.
    pub stream: Option<(u16, u16)>,
}

impl Received<'_> {
    /// RFC 4666 §1.4.7 / §3.8.1: whether the message came in on a stream it may use
    /// (always on TCP); the error code to answer with otherwise.
    pub fn check_stream(&self) -> Result<(), crate::m3ua::ErrorCode> {
        match self.stream {
            Some((sid, ins)) => crate::m3ua::codec::check_stream(self.bytes, sid, ins),
            None => Ok(()),
        }
    }
}

/// One association carrying whole M3UA messages; [`Link::split`] gives its receiving and
/// sending sides, which tasks use at the same time.
pub enum Link {
    Tcp {
        rd: FrameReader<OwnedReadHalf>,
        wr: OwnedWriteHalf,
    },
    Sctp(sctp::SctpStream),
}

impl Link {
    /// The peer's address (TCP; `None` on SCTP, where a multi-homed peer has several).
    pub fn peer_addr(&self) -> Option<std::net::SocketAddr> {
        match self {
            Link::Tcp { wr, .. } => wr.peer_addr().ok(),
            Link::Sctp(_) => None,
        }
    }

    pub fn split(self) -> (LinkReader, LinkWriter) {
        match self {
            Link::Tcp { rd, wr } => (LinkReader::Tcp(rd), LinkWriter::Tcp(wr)),
            Link::Sctp(s) => {
                let w = s.sender();
                (LinkReader::Sctp(s), LinkWriter::Sctp(w))
            }
        }
    }
}

/// The receiving side of a [`Link`]: wait for a message with [`LinkReader::ready`], then
/// [`LinkReader::take`] every message already received without waiting again, so one
/// wake-up handles a whole batch.
pub enum LinkReader {
    Tcp(FrameReader<OwnedReadHalf>),
    Sctp(sctp::SctpStream),
}

impl LinkReader {
    /// Wait until a message is here (`true`) or the peer closed the association (`false`).
    pub async fn ready(&mut self) -> Result<bool, FrameError> {
        match self {
            LinkReader::Tcp(rd) => rd.ready().await,
            LinkReader::Sctp(s) => Ok(s.ready().await?),
        }
    }

    /// Whether the last read left more in the socket than it took (TCP; an SCTP read takes
    /// one record, so it says nothing there).
    pub fn backlogged(&self) -> bool {
        match self {
            LinkReader::Tcp(rd) => rd.backlogged(),
            LinkReader::Sctp(_) => false,
        }
    }

    /// The next message already received, without waiting.
    pub fn take(&mut self) -> Result<Option<Received<'_>>, FrameError> {
        match self {
            LinkReader::Tcp(rd) => Ok(rd.take()?.map(|bytes| Received {
                bytes,
                stream: None,
            })),
            LinkReader::Sctp(s) => {
                let ins = s.in_streams();
                Ok(s.take().map(|(info, bytes)| Received {
                    bytes,
                    stream: Some((info.stream, ins)),
                }))
            }
        }
    }
}

/// The sending side of a [`Link`].
pub enum LinkWriter {
    Tcp(OwnedWriteHalf),
    Sctp(sctp::SctpSender),
}

impl LinkWriter {
    /// Send a buffer of M3UA messages (each self-delimited by its header length): in one
    /// write on TCP, one record each on SCTP, on the stream RFC 4666 §1.4.7 calls for.
    pub async fn send(&mut self, out: &[u8]) -> io::Result<()> {
        match self {
            LinkWriter::Tcp(wr) => wr.write_all(out).await,
            LinkWriter::Sctp(s) => {
                for m in crate::m3ua::asp::messages(out) {
                    let stream = sctp::stream_for(m, s.out_streams());
                    s.send(m, stream).await?;
                }
                Ok(())
            }
        }
    }
}

/// Open an association to `ep` (client side).
pub async fn connect(ep: &Endpoint) -> io::Result<Link> {
    Ok(match ep {
        Endpoint::Tcp(a) => {
            let s = tokio::net::TcpStream::connect(a).await?;
            let _ = s.set_nodelay(true);
            let (rd, wr) = s.into_split();
            Link::Tcp {
                rd: FrameReader::new(rd),
                wr,
            }
        }
        Endpoint::Sctp(addrs) => Link::Sctp(sctp::SctpStream::connect(addrs, &[]).await?),
    })
}

/// Reconnection delays: doubling from `initial` up to `max`, back to `initial` once an
/// association has worked. Sans-IO: the caller sleeps.
#[derive(Debug, Clone)]
pub struct Backoff {
    initial: std::time::Duration,
    max: std::time::Duration,
    next: std::time::Duration,
}

impl Backoff {
    pub fn new(initial: std::time::Duration, max: std::time::Duration) -> Backoff {
        Backoff {
            initial,
            max,
            next: initial,
        }
    }

    /// The delay before the next attempt; each call doubles the one after, up to `max`.
    pub fn next_delay(&mut self) -> std::time::Duration {
        let d = self.next;
        self.next = (self.next * 2).min(self.max);
        d
    }

    /// The association came up and worked: start again from `initial`.
    pub fn reset(&mut self) {
        self.next = self.initial;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn backoff_doubles_caps_and_resets() {
        let ms = Duration::from_millis;
        let mut b = Backoff::new(ms(250), ms(2000));
        let seq: Vec<_> = (0..6).map(|_| b.next_delay()).collect();
        assert_eq!(
            seq,
            [ms(250), ms(500), ms(1000), ms(2000), ms(2000), ms(2000)]
        );
        b.reset();
        assert_eq!(b.next_delay(), ms(250));
    }
}
