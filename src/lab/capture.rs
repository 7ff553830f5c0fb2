//! Capture reading for the lab decoder: pcap/pcapng bytes in, SS7 messages out.
//!
//! Sans-IO and zero-copy: [`read_capture`] walks the bytes of a whole capture file and calls
//! back once per SS7 message found, with the message borrowed from the file (or, for M3UA
//! over TCP split across segments, from a per-flow reassembly buffer). It peels
//!
//! * the file format: classic pcap (either byte order, micro- or nanosecond, and the
//!   "modified" Kuznetzov variant) and pcapng (SHB/IDB/EPB/SPB/obsolete PB, per-interface
//!   link type, timestamp resolution and offset);
//! * the link layer: Ethernet (802.1Q/802.1ad tags), Linux cooked v1/v2, raw IP, BSD
//!   null/loopback, MTP2 (with or without the libpcap pseudo-header), MTP3, bare SCCP;
//! * IPv4 (options; non-first fragments skipped) and IPv6 (extension headers);
//! * SCTP (every chunk of every packet; DATA fragments reassembled by TSN per stream,
//!   unfragmented I-DATA) and TCP (M3UA stream reassembly per direction);
//! * the SS7 adaptation: M3UA (yielded whole), M2UA DATA and M2PA User Data (yielding the
//!   MTP3 MSU), and MTP2 signal units.
//!
//! Anything that does not lead to a message is counted in [`Summary::skipped`] by reason;
//! only a file that cannot be read at all is an error ([`CaptureError`]). Nothing panics on
//! input, whatever the bytes.

mod file;
mod net;
mod ss7;
mod tcp;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod traces;

use std::collections::BTreeMap;
use std::net::SocketAddr;

pub use ss7::{parse_mtp3, sctp_carrier, SctpCarrier};

/// Point-code variant of the MTP3 routing label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum Mtp3Variant {
    /// ITU-T Q.704: 14-bit point codes, 4-octet label (DPC, OPC, 4-bit SLS).
    #[default]
    Itu,
    /// ANSI T1.111: 24-bit point codes, 7-octet label (DPC, OPC, SLS octet kept whole).
    Ansi,
    /// China (GF 001-9001): 24-bit point codes in the ANSI layout, 4-bit SLS.
    Chinese,
    /// Japan (TTC JT-Q.704): 16-bit point codes, 5-octet label (4-bit SLS + 4 spare bits).
    Japanese,
}

impl Mtp3Variant {
    /// Length in octets of the routing label.
    pub const fn label_len(self) -> usize {
        match self {
            Mtp3Variant::Itu => 4,
            Mtp3Variant::Ansi | Mtp3Variant::Chinese => 7,
            Mtp3Variant::Japanese => 5,
        }
    }
}

/// What the reader needs to know that the capture does not say.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaptureOptions {
    /// Routing-label variant used for every MTP3 MSU (MTP2, M2UA, M2PA, MTP3 link type).
    pub mtp3: Mtp3Variant,
}

/// One MTP3 message signal unit, split into service information octet and routing label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mtp3Msu<'a> {
    /// Service indicator (SIO bits 4-1): 0 SNM, 1/2 test, 3 SCCP, 5 ISUP, ...
    pub si: u8,
    /// Network indicator (SIO bits 8-7).
    pub ni: u8,
    /// SIO bits 6-5: message priority in ANSI, spare (national use) in ITU.
    pub priority: u8,
    /// Originating point code, as the integer the label carries.
    pub opc: u32,
    /// Destination point code.
    pub dpc: u32,
    /// Signalling link selection (ANSI: the whole octet; others: 4 bits).
    pub sls: u8,
    /// The signalling information field after the routing label (for si=3, the SCCP message).
    pub data: &'a [u8],
    /// The whole MSU as captured, starting at the SIO.
    pub raw: &'a [u8],
}

/// The SS7 message a capture carried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Payload<'a> {
    /// One whole M3UA message, common header included.
    M3ua(&'a [u8]),
    /// An MTP3 MSU (from MTP2, M2UA, M2PA or the MTP3 link type).
    Mtp3(Mtp3Msu<'a>),
    /// A bare SCCP message (link type 142), no MTP3 in the capture.
    Sccp(&'a [u8]),
}

/// How the message reached us: the layer right under it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Via {
    /// M3UA in an SCTP DATA chunk.
    M3uaSctp,
    /// M3UA reassembled from a TCP stream.
    M3uaTcp,
    /// MTP3 in an M2UA DATA message (over SCTP).
    M2ua,
    /// MTP3 in an M2PA User Data message (over SCTP).
    M2pa,
    /// MTP3 in an MTP2 signal unit (link types 139, 140).
    Mtp2,
    /// MTP3 as the link layer (link type 141).
    Mtp3,
    /// SCCP as the link layer (link type 142).
    Sccp,
}

/// One SS7 message and where it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Message<'a> {
    /// Frame number, 1-based, counting every packet record as tshark does. For M3UA over TCP
    /// it is the frame whose segment completed the message.
    pub frame: u64,
    /// Capture timestamp, nanoseconds since the Unix epoch.
    pub ts_ns: i64,
    /// IP source address and SCTP/TCP port, when the message came over IP.
    pub src: Option<SocketAddr>,
    /// IP destination address and port, when the message came over IP.
    pub dst: Option<SocketAddr>,
    /// SCTP stream identifier, when the message came in an SCTP DATA chunk.
    pub sctp_stream: Option<u16>,
    /// The layer under the message.
    pub via: Via,
    /// The message.
    pub payload: Payload<'a>,
}

/// A protocol layer, for naming where a packet went wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Layer {
    /// Capture record (pcapng block contents).
    Record,
    /// Link layer (Ethernet, Linux cooked, ...).
    Link,
    /// IPv4 or IPv6.
    Ip,
    /// SCTP common header or chunk.
    Sctp,
    /// TCP header.
    Tcp,
    /// M3UA common header (over TCP).
    M3ua,
    /// M2UA message.
    M2ua,
    /// M2PA message.
    M2pa,
    /// MTP2 signal unit.
    Mtp2,
    /// MTP3 SIO and routing label.
    Mtp3,
}

/// Why part of a capture yielded no message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Skip {
    /// The file ends inside a record or a pcapng block is unreadable; reading stopped there.
    TruncatedFile,
    /// A packet's link type is not one we read (the value is the link type).
    LinkType(u32),
    /// A pcapng packet names an interface that no IDB described.
    UnknownInterface,
    /// A link-layer frame that is not IPv4/IPv6 (ARP, LLC, ...).
    NotIp,
    /// A non-first IP fragment (the datagram is not reassembled).
    IpFragment,
    /// An IP protocol other than SCTP and TCP (the value is the protocol number).
    IpProtocol(u8),
    /// A header or length field runs past the bytes captured.
    Truncated(Layer),
    /// A header that is not what it must be (version, length below minimum, ...).
    Malformed(Layer),
    /// An SCTP control chunk (INIT, SACK, HEARTBEAT, ...).
    SctpControlChunk,
    /// An SCTP DATA chunk whose TSN was already seen in its association (retransmission).
    SctpRetransmission,
    /// A fragmented SCTP user message that could not be reassembled (a fragment missing or
    /// out of order, the capture ending inside it, or an I-DATA fragment).
    SctpFragment,
    /// An SCTP DATA chunk whose PPID (and ports) name no SS7 adaptation we read.
    SctpPpid(u32),
    /// An M2UA message other than DATA (link state, management).
    M2uaNotData,
    /// An M2PA Link Status message, or a User Data message with no MSU (a bare ack).
    M2paNotData,
    /// An MTP2 fill-in or link-status signal unit.
    Mtp2NotMsu,
    /// TCP payload on a flow that does not carry M3UA.
    TcpNotM3ua,
    /// TCP bytes already seen (retransmission), dropped by sequence number.
    TcpRetransmission,
    /// Missing TCP bytes never arrived; the stream was resynchronised after the gap.
    TcpGap,
    /// Bytes in an M3UA TCP stream that do not start with a valid M3UA header, dropped.
    TcpDesync,
    /// A TCP stream ended (FIN, RST or end of capture) inside an M3UA message.
    TcpIncomplete,
}

/// What [`read_capture`] saw.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// Packet records read (the last frame number).
    pub frames: u64,
    /// Messages passed to the callback.
    pub messages: u64,
    /// Messages by the layer they came over.
    pub by_via: BTreeMap<Via, u64>,
    /// Everything that yielded no message, by reason (one count per packet, chunk or event).
    pub skipped: BTreeMap<Skip, u64>,
}

impl Summary {
    /// How many times `reason` was counted.
    pub fn skipped(&self, reason: Skip) -> u64 {
        self.skipped.get(&reason).copied().unwrap_or(0)
    }

    /// How many messages came over `via`.
    pub fn via(&self, via: Via) -> u64 {
        self.by_via.get(&via).copied().unwrap_or(0)
    }

    pub(crate) fn skip(&mut self, reason: Skip) {
        *self.skipped.entry(reason).or_insert(0) += 1;
    }
}

/// A capture file that cannot be read at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CaptureError {
    /// The first four octets are no pcap or pcapng magic number.
    #[error("not a pcap or pcapng file (magic {0:02x?})")]
    BadMagic([u8; 4]),
    /// The file ends inside its file header (or first pcapng section header).
    #[error("capture file truncated in its header ({len} octets)")]
    TruncatedHeader {
        /// Length of the whole file.
        len: usize,
    },
    /// A pcapng section header with an unknown byte-order magic or major version.
    #[error("unsupported pcapng section header at offset {offset}: {reason}")]
    BadSection {
        /// Offset of the section header block in the file.
        offset: usize,
        /// What is wrong with it.
        reason: &'static str,
    },
}

/// Where a packet came from in the file.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FrameMeta {
    pub frame: u64,
    pub ts_ns: i64,
}

/// Addressing of a datagram carried over IP, passed down to the SS7 layers.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Origin {
    pub meta: FrameMeta,
    pub src: Option<SocketAddr>,
    pub dst: Option<SocketAddr>,
    pub stream: Option<u16>,
}

impl Origin {
    pub(crate) fn link(meta: FrameMeta) -> Self {
        Origin {
            meta,
            src: None,
            dst: None,
            stream: None,
        }
    }
}

/// The reader's state while walking one file: options, counts, TCP flows, the callback.
pub(crate) struct Ctx<'o, F> {
    pub opts: &'o CaptureOptions,
    pub summary: Summary,
    pub tcp: tcp::Flows,
    pub sctp: net::SctpSeen,
    pub emit: F,
}

impl<F: FnMut(Message<'_>)> Ctx<'_, F> {
    pub(crate) fn skip(&mut self, reason: Skip) {
        self.summary.skip(reason);
    }

    pub(crate) fn yield_msg(&mut self, origin: &Origin, via: Via, payload: Payload<'_>) {
        deliver(&mut self.summary, &mut self.emit, origin, via, payload);
    }
}

/// Count a message and hand it to the callback.
pub(crate) fn deliver<F: FnMut(Message<'_>)>(
    summary: &mut Summary,
    emit: &mut F,
    origin: &Origin,
    via: Via,
    payload: Payload<'_>,
) {
    summary.messages += 1;
    *summary.by_via.entry(via).or_insert(0) += 1;
    emit(Message {
        frame: origin.meta.frame,
        ts_ns: origin.meta.ts_ns,
        src: origin.src,
        dst: origin.dst,
        sctp_stream: origin.stream,
        via,
        payload,
    });
}

/// Read every SS7 message in a pcap or pcapng file held in `file`, calling `f` for each in
/// capture order. Per-packet problems are counted in the returned [`Summary`]; only a file
/// whose header cannot be read is an error.
pub fn read_capture<F>(file: &[u8], opts: &CaptureOptions, f: F) -> Result<Summary, CaptureError>
where
    F: FnMut(Message<'_>),
{
    let mut ctx = Ctx {
        opts,
        summary: Summary::default(),
        tcp: tcp::Flows::default(),
        sctp: net::SctpSeen::default(),
        emit: f,
    };
    file::walk(file, &mut ctx)?;
    ctx.tcp.finish(&mut ctx.summary);
    ctx.sctp.finish(&mut ctx.summary);
    Ok(ctx.summary)
}
