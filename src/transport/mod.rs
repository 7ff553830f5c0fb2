//! Transport: moves whole M3UA messages between scpd and its peers. TCP frames them by the
//! M3UA header length (INTERFACES.md); kernel SCTP (one-to-one sockets, PPID 3) preserves
//! message boundaries itself. Nothing above this module knows which one carries a peer.

pub mod sctp;
pub mod tcp;
