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

/// One association carrying whole M3UA messages.
pub enum Link {
    Tcp {
        rd: FrameReader<OwnedReadHalf>,
        wr: OwnedWriteHalf,
    },
    Sctp(sctp::SctpStream),
}

impl Link {
    /// The next whole M3UA message; `Ok(None)` when the peer closed the association.
    pub async fn recv(&mut self) -> Result<Option<&[u8]>, FrameError> {
        match self {
            Link::Tcp { rd, .. } => rd.next().await,
            Link::Sctp(s) => Ok(s.recv().await?.map(|(_, rec)| rec)),
        }
    }

    /// Send a buffer of M3UA messages (each self-delimited by its header length): as bytes
    /// on TCP, one record each on SCTP, on the stream RFC 4666 §1.4.7 calls for.
    pub async fn send(&mut self, out: &[u8]) -> io::Result<()> {
        match self {
            Link::Tcp { wr, .. } => wr.write_all(out).await,
            Link::Sctp(s) => {
                for m in crate::m3ua::asp::messages(out) {
                    let stream = sctp::stream_for(m, s.out_streams());
                    s.send(m, stream).await?;
                }
                Ok(())
            }
        }
    }
}
