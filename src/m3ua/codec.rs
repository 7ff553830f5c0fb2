//! M3UA message codec (RFC 4666 §3): common header, parameter TLVs, Protocol Data.
//!
//! Decoding borrows from the received bytes; the header length is checked against what was
//! received (§3.1: the length includes the header and all padding) before anything else.

use std::fmt;

/// Message classes (RFC 4666 §3.1.3).
pub mod class {
    pub const MGMT: u8 = 0;
    pub const TRANSFER: u8 = 1;
    pub const SSNM: u8 = 2;
    pub const ASPSM: u8 = 3;
    pub const ASPTM: u8 = 4;
    pub const RKM: u8 = 9;

    /// Whether `c` is a class M3UA defines (so an unknown type in it is "unsupported type").
    pub fn is_known(c: u8) -> bool {
        matches!(c, MGMT | TRANSFER | SSNM | ASPSM | ASPTM | RKM)
    }
}

/// Parameter tags (RFC 4666 §3.2 and §3.3).
pub mod tag {
    pub const INFO_STRING: u16 = 0x0004;
    pub const ROUTING_CONTEXT: u16 = 0x0006;
    pub const DIAGNOSTIC_INFO: u16 = 0x0007;
    pub const HEARTBEAT_DATA: u16 = 0x0009;
    pub const TRAFFIC_MODE_TYPE: u16 = 0x000b;
    pub const ERROR_CODE: u16 = 0x000c;
    pub const STATUS: u16 = 0x000d;
    pub const ASP_IDENTIFIER: u16 = 0x0011;
    pub const AFFECTED_POINT_CODE: u16 = 0x0012;
    pub const CORRELATION_ID: u16 = 0x0013;
    pub const NETWORK_APPEARANCE: u16 = 0x0200;
    pub const USER_CAUSE: u16 = 0x0204;
    pub const CONGESTION_INDICATIONS: u16 = 0x0205;
    pub const CONCERNED_DESTINATION: u16 = 0x0206;
    pub const ROUTING_KEY: u16 = 0x0207;
    pub const REGISTRATION_RESULT: u16 = 0x0208;
    pub const DEREGISTRATION_RESULT: u16 = 0x0209;
    pub const LOCAL_RK_IDENTIFIER: u16 = 0x020a;
    pub const DESTINATION_POINT_CODE: u16 = 0x020b;
    pub const SERVICE_INDICATORS: u16 = 0x020c;
    pub const ORIGINATING_POINT_CODE_LIST: u16 = 0x020e;
    pub const PROTOCOL_DATA: u16 = 0x0210;
    pub const REGISTRATION_STATUS: u16 = 0x0212;
    pub const DEREGISTRATION_STATUS: u16 = 0x0213;

    /// The parameter's name in RFC 4666 §3.2, for logs; `None` for tags we do not know.
    pub fn name(tag: u16) -> Option<&'static str> {
        Some(match tag {
            INFO_STRING => "INFO String",
            ROUTING_CONTEXT => "Routing Context",
            DIAGNOSTIC_INFO => "Diagnostic Information",
            HEARTBEAT_DATA => "Heartbeat Data",
            TRAFFIC_MODE_TYPE => "Traffic Mode Type",
            ERROR_CODE => "Error Code",
            STATUS => "Status",
            ASP_IDENTIFIER => "ASP Identifier",
            AFFECTED_POINT_CODE => "Affected Point Code",
            CORRELATION_ID => "Correlation ID",
            NETWORK_APPEARANCE => "Network Appearance",
            USER_CAUSE => "User/Cause",
            CONGESTION_INDICATIONS => "Congestion Indications",
            CONCERNED_DESTINATION => "Concerned Destination",
            ROUTING_KEY => "Routing Key",
            REGISTRATION_RESULT => "Registration Result",
            DEREGISTRATION_RESULT => "Deregistration Result",
            LOCAL_RK_IDENTIFIER => "Local-RK-Identifier",
            DESTINATION_POINT_CODE => "Destination Point Code",
            SERVICE_INDICATORS => "Service Indicators",
            ORIGINATING_POINT_CODE_LIST => "Originating Point Code List",
            PROTOCOL_DATA => "Protocol Data",
            REGISTRATION_STATUS => "Registration Status",
            DEREGISTRATION_STATUS => "Deregistration Status",
            _ => return None,
        })
    }
}

/// Error codes carried in ERR (RFC 4666 §3.8.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub enum ErrorCode {
    InvalidVersion = 0x01,
    UnsupportedMessageClass = 0x03,
    UnsupportedMessageType = 0x04,
    UnsupportedTrafficModeType = 0x05,
    UnexpectedMessage = 0x06,
    ProtocolError = 0x07,
    InvalidStreamIdentifier = 0x09,
    RefusedManagementBlocking = 0x0d,
    AspIdentifierRequired = 0x0e,
    InvalidAspIdentifier = 0x0f,
    InvalidParameterValue = 0x11,
    ParameterFieldError = 0x12,
    UnexpectedParameter = 0x13,
    DestinationStatusUnknown = 0x14,
    InvalidNetworkAppearance = 0x15,
    MissingParameter = 0x16,
    InvalidRoutingContext = 0x19,
    NoConfiguredAsForAsp = 0x1a,
}

impl ErrorCode {
    /// The code for a received Error Code value; `None` for unassigned values.
    pub fn from_u32(v: u32) -> Option<ErrorCode> {
        use ErrorCode::*;
        Some(match v {
            0x01 => InvalidVersion,
            0x03 => UnsupportedMessageClass,
            0x04 => UnsupportedMessageType,
            0x05 => UnsupportedTrafficModeType,
            0x06 => UnexpectedMessage,
            0x07 => ProtocolError,
            0x09 => InvalidStreamIdentifier,
            0x0d => RefusedManagementBlocking,
            0x0e => AspIdentifierRequired,
            0x0f => InvalidAspIdentifier,
            0x11 => InvalidParameterValue,
            0x12 => ParameterFieldError,
            0x13 => UnexpectedParameter,
            0x14 => DestinationStatusUnknown,
            0x15 => InvalidNetworkAppearance,
            0x16 => MissingParameter,
            0x19 => InvalidRoutingContext,
            0x1a => NoConfiguredAsForAsp,
            _ => return None,
        })
    }
}

/// Known (class, type) pairs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Err,
    Ntfy,
    Data,
    Duna,
    Dava,
    Daud,
    Scon,
    Dupu,
    Drst,
    AspUp,
    AspDn,
    Beat,
    AspUpAck,
    AspDnAck,
    BeatAck,
    AspAc,
    AspIa,
    AspAcAck,
    AspIaAck,
    RegReq,
    RegRsp,
    DeregReq,
    DeregRsp,
}

impl Kind {
    pub fn from_pair(class: u8, msg_type: u8) -> Option<Kind> {
        use Kind::*;
        Some(match (class, msg_type) {
            (0, 0) => Err,
            (0, 1) => Ntfy,
            (1, 1) => Data,
            (2, 1) => Duna,
            (2, 2) => Dava,
            (2, 3) => Daud,
            (2, 4) => Scon,
            (2, 5) => Dupu,
            (2, 6) => Drst,
            (3, 1) => AspUp,
            (3, 2) => AspDn,
            (3, 3) => Beat,
            (3, 4) => AspUpAck,
            (3, 5) => AspDnAck,
            (3, 6) => BeatAck,
            (4, 1) => AspAc,
            (4, 2) => AspIa,
            (4, 3) => AspAcAck,
            (4, 4) => AspIaAck,
            (9, 1) => RegReq,
            (9, 2) => RegRsp,
            (9, 3) => DeregReq,
            (9, 4) => DeregRsp,
            _ => return None,
        })
    }

    pub fn pair(self) -> (u8, u8) {
        use Kind::*;
        match self {
            Err => (0, 0),
            Ntfy => (0, 1),
            Data => (1, 1),
            Duna => (2, 1),
            Dava => (2, 2),
            Daud => (2, 3),
            Scon => (2, 4),
            Dupu => (2, 5),
            Drst => (2, 6),
            AspUp => (3, 1),
            AspDn => (3, 2),
            Beat => (3, 3),
            AspUpAck => (3, 4),
            AspDnAck => (3, 5),
            BeatAck => (3, 6),
            AspAc => (4, 1),
            AspIa => (4, 2),
            AspAcAck => (4, 3),
            AspIaAck => (4, 4),
            RegReq => (9, 1),
            RegRsp => (9, 2),
            DeregReq => (9, 3),
            DeregRsp => (9, 4),
        }
    }

    /// The RFC's abbreviation, for logs and the lab decoder.
    pub fn name(self) -> &'static str {
        use Kind::*;
        match self {
            Err => "ERR",
            Ntfy => "NTFY",
            Data => "DATA",
            Duna => "DUNA",
            Dava => "DAVA",
            Daud => "DAUD",
            Scon => "SCON",
            Dupu => "DUPU",
            Drst => "DRST",
            AspUp => "ASPUP",
            AspDn => "ASPDN",
            Beat => "BEAT",
            AspUpAck => "ASPUP_ACK",
            AspDnAck => "ASPDN_ACK",
            BeatAck => "BEAT_ACK",
            AspAc => "ASPAC",
            AspIa => "ASPIA",
            AspAcAck => "ASPAC_ACK",
            AspIaAck => "ASPIA_ACK",
            RegReq => "REG_REQ",
            RegRsp => "REG_RSP",
            DeregReq => "DEREG_REQ",
            DeregRsp => "DEREG_RSP",
        }
    }
}

/// Why a message could not be decoded, with the RFC error code to answer it with.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum M3uaError {
    #[error("truncated: header says {declared} octets, {available} available")]
    Truncated { declared: usize, available: usize },
    #[error("unsupported version {0}")]
    InvalidVersion(u8),
    #[error("header length {0} is not a multiple of 4 or is below 8")]
    BadLength(usize),
    #[error("parameter at offset {offset}: {reason}")]
    ParameterField { offset: usize, reason: &'static str },
    #[error("mandatory parameter {0:#06x} missing")]
    MissingParameter(u16),
    #[error("parameter {tag:#06x} has an invalid value")]
    InvalidParameterValue { tag: u16 },
    #[error("unsupported message class {0}")]
    UnsupportedClass(u8),
    #[error("unsupported message type {msg_type} in class {class}")]
    UnsupportedType { class: u8, msg_type: u8 },
    #[error("parameter {0:#06x} is not expected in this message")]
    UnexpectedParameter(u16),
}

impl M3uaError {
    /// The ERR code a receiver answers with (RFC 4666 §3.8.1).
    pub fn error_code(&self) -> ErrorCode {
        match self {
            M3uaError::InvalidVersion(_) => ErrorCode::InvalidVersion,
            M3uaError::Truncated { .. } | M3uaError::BadLength(_) => ErrorCode::ProtocolError,
            M3uaError::ParameterField { .. } => ErrorCode::ParameterFieldError,
            M3uaError::MissingParameter(_) => ErrorCode::MissingParameter,
            M3uaError::InvalidParameterValue { .. } => ErrorCode::InvalidParameterValue,
            M3uaError::UnsupportedClass(_) => ErrorCode::UnsupportedMessageClass,
            M3uaError::UnsupportedType { .. } => ErrorCode::UnsupportedMessageType,
            M3uaError::UnexpectedParameter(_) => ErrorCode::UnexpectedParameter,
        }
    }
}

/// Largest message we accept: far above any SCCP LUDT, small enough to bound buffers.
pub const MAX_MESSAGE: usize = 65_536 + 8;

/// For a byte stream (M3UA over TCP): the length of the first message if its header is
/// complete, `Ok(None)` if more bytes are needed. An impossible length is an error, since
/// framing cannot be recovered after it.
pub fn frame_len(buf: &[u8]) -> Result<Option<usize>, M3uaError> {
    if buf.len() < 8 {
        return Ok(None);
    }
    let len = u32::from_be_bytes([buf[4], buf[5], buf[6], buf[7]]) as usize;
    if !(8..=MAX_MESSAGE).contains(&len) {
        return Err(M3uaError::BadLength(len));
    }
    Ok(Some(len))
}

/// Whether a message received on SCTP stream `stream` of an association with `in_streams`
/// inbound streams arrived where RFC 4666 lets it (§1.4.7, §3.8.1 "Invalid Stream
/// Identifier"): ASPSM (ASPUP/ASPDN and their acks), MGMT and RKM travel on stream 0, and
/// DATA never does, unless the peer opened a single stream, which then carries everything.
/// ASPTM, SSNM and BEAT may use any stream. Only the header is looked at; a message too
/// short to have one is left to the decoder's own error.
pub fn check_stream(m3ua: &[u8], stream: u16, in_streams: u16) -> Result<(), ErrorCode> {
    let (Some(&cls), Some(&typ)) = (m3ua.get(2), m3ua.get(3)) else {
        return Ok(());
    };
    let beat = cls == class::ASPSM
        && matches!(Kind::from_pair(cls, typ), Some(Kind::Beat | Kind::BeatAck));
    let stream0_only = matches!(cls, class::MGMT | class::RKM) || (cls == class::ASPSM && !beat);
    let bad = if stream0_only {
        stream != 0
    } else {
        cls == class::TRANSFER && stream == 0 && in_streams > 1
    };
    if bad {
        Err(ErrorCode::InvalidStreamIdentifier)
    } else {
        Ok(())
    }
}

/// One M3UA message, borrowed.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Message<'a> {
    pub class: u8,
    pub msg_type: u8,
    /// Parameter area (after the 8-octet header).
    pub body: &'a [u8],
}

impl fmt::Debug for Message<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind() {
            Some(k) => write!(f, "M3UA {}", k.name())?,
            None => write!(f, "M3UA class {} type {}", self.class, self.msg_type)?,
        }
        write!(f, " ({} octets of parameters)", self.body.len())
    }
}

impl<'a> Message<'a> {
    /// Decode exactly one message occupying all of `buf` (one SCTP record or one TCP frame).
    pub fn parse(buf: &'a [u8]) -> Result<Message<'a>, M3uaError> {
        if buf.len() < 8 {
            return Err(M3uaError::Truncated {
                declared: 8,
                available: buf.len(),
            });
        }
        if buf[0] != 1 {
            return Err(M3uaError::InvalidVersion(buf[0]));
        }
        let len = u32::from_be_bytes([buf[4], buf[5], buf[6], buf[7]]) as usize;
        if len < 8 || !len.is_multiple_of(4) && len != buf.len() {
            return Err(M3uaError::BadLength(len));
        }
        if len > buf.len() {
            return Err(M3uaError::Truncated {
                declared: len,
                available: buf.len(),
            });
        }
        let msg = Message {
            class: buf[2],
            msg_type: buf[3],
            body: &buf[8..len],
        };
        // Validate the parameter framing once so accessors can trust it.
        for p in msg.params() {
            p?;
        }
        Ok(msg)
    }

    pub fn kind(&self) -> Option<Kind> {
        Kind::from_pair(self.class, self.msg_type)
    }

    pub fn params(&self) -> Params<'a> {
        Params {
            body: self.body,
            pos: 0,
        }
    }

    /// The first parameter with `tag`.
    pub fn param(&self, tag: u16) -> Option<&'a [u8]> {
        self.params()
            .filter_map(Result::ok)
            .find(|p| p.tag == tag)
            .map(|p| p.value)
    }

    fn u32_param(&self, tag: u16) -> Result<Option<u32>, M3uaError> {
        match self.param(tag) {
            None => Ok(None),
            Some(v) if v.len() == 4 => Ok(Some(u32::from_be_bytes([v[0], v[1], v[2], v[3]]))),
            Some(_) => Err(M3uaError::InvalidParameterValue { tag }),
        }
    }

    /// Routing Context values (a list of 32-bit values, §3.3.1.3).
    pub fn routing_contexts(&self) -> Result<Option<RcList<'a>>, M3uaError> {
        match self.param(tag::ROUTING_CONTEXT) {
            None => Ok(None),
            Some(v) if !v.is_empty() && v.len() % 4 == 0 => Ok(Some(RcList(v))),
            Some(_) => Err(M3uaError::InvalidParameterValue {
                tag: tag::ROUTING_CONTEXT,
            }),
        }
    }

    pub fn traffic_mode(&self) -> Result<Option<u32>, M3uaError> {
        self.u32_param(tag::TRAFFIC_MODE_TYPE)
    }

    pub fn error_code(&self) -> Result<Option<u32>, M3uaError> {
        self.u32_param(tag::ERROR_CODE)
    }

    /// NTFY Status: (type, information) (§3.8.2).
    pub fn status(&self) -> Result<Option<(u16, u16)>, M3uaError> {
        Ok(self
            .u32_param(tag::STATUS)?
            .map(|s| ((s >> 16) as u16, s as u16)))
    }

    /// Affected point codes (mask octet + 24-bit PC each, §3.4.1).
    pub fn affected_point_codes(&self) -> impl Iterator<Item = (u8, u32)> + 'a {
        self.param(tag::AFFECTED_POINT_CODE)
            .unwrap_or(&[])
            .chunks_exact(4)
            .map(|c| (c[0], u32::from_be_bytes([0, c[1], c[2], c[3]])))
    }

    /// The Protocol Data of a DATA message (§3.3.1).
    pub fn protocol_data(&self) -> Result<ProtocolData<'a>, M3uaError> {
        let v = self
            .param(tag::PROTOCOL_DATA)
            .ok_or(M3uaError::MissingParameter(tag::PROTOCOL_DATA))?;
        ProtocolData::parse(v)
    }
}

/// A Routing Context parameter's values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RcList<'a>(&'a [u8]);

impl RcList<'_> {
    pub fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        self.0
            .chunks_exact(4)
            .map(|c| u32::from_be_bytes([c[0], c[1], c[2], c[3]]))
    }
}

/// One parameter, borrowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Param<'a> {
    pub tag: u16,
    pub value: &'a [u8],
}

/// Iterates the parameters of a message body (tag, length incl. its 4-octet header, value,
/// padding to a multiple of 4 — §3.2).
pub struct Params<'a> {
    body: &'a [u8],
    pos: usize,
}

impl<'a> Params<'a> {
    /// The parameters of a parameter area (a message body or a nested parameter's value).
    pub fn over(body: &'a [u8]) -> Params<'a> {
        Params { body, pos: 0 }
    }
}

impl<'a> Iterator for Params<'a> {
    type Item = Result<Param<'a>, M3uaError>;
    fn next(&mut self) -> Option<Self::Item> {
        let rest = &self.body[self.pos..];
        if rest.is_empty() {
            return None;
        }
        let offset = 8 + self.pos;
        let tag = if rest.len() >= 4 {
            u16::from_be_bytes([rest[0], rest[1]])
        } else {
            0
        };
        let len = if rest.len() >= 4 {
            usize::from(u16::from_be_bytes([rest[2], rest[3]]))
        } else {
            0
        };
        if rest.len() < 4 || len < 4 || len > rest.len() {
            self.pos = self.body.len();
            let reason = if rest.len() < 4 {
                "parameter header truncated"
            } else {
                "parameter length out of bounds"
            };
            return Some(Err(M3uaError::ParameterField { offset, reason }));
        }
        let value = &rest[4..len];
        // The last parameter's padding may be absent when the sender counted it out.
        self.pos = (self.pos + len.next_multiple_of(4)).min(self.body.len());
        Some(Ok(Param { tag, value }))
    }
}

/// The Protocol Data parameter: an MTP3 routing label and the user part (§3.3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProtocolData<'a> {
    pub opc: u32,
    pub dpc: u32,
    pub si: u8,
    pub ni: u8,
    pub mp: u8,
    pub sls: u8,
    pub data: &'a [u8],
}

impl<'a> ProtocolData<'a> {
    pub fn parse(v: &'a [u8]) -> Result<ProtocolData<'a>, M3uaError> {
        if v.len() < 12 {
            return Err(M3uaError::InvalidParameterValue {
                tag: tag::PROTOCOL_DATA,
            });
        }
        Ok(ProtocolData {
            opc: u32::from_be_bytes([v[0], v[1], v[2], v[3]]),
            dpc: u32::from_be_bytes([v[4], v[5], v[6], v[7]]),
            si: v[8],
            ni: v[9],
            mp: v[10],
            sls: v[11],
            data: &v[12..],
        })
    }
}

/// Builds one message into a caller-owned buffer: header first, parameters appended, the
/// length patched by [`Builder::finish`].
pub struct Builder<'b> {
    buf: &'b mut Vec<u8>,
    start: usize,
}

impl<'b> Builder<'b> {
    pub fn new(buf: &'b mut Vec<u8>, kind: Kind) -> Builder<'b> {
        let (class, msg_type) = kind.pair();
        Builder::raw(buf, class, msg_type)
    }

    /// For answering or testing with a class/type we have no name for.
    pub fn raw(buf: &'b mut Vec<u8>, class: u8, msg_type: u8) -> Builder<'b> {
        let start = buf.len();
        buf.extend_from_slice(&[1, 0, class, msg_type, 0, 0, 0, 0]);
        Builder { buf, start }
    }

    pub fn param(self, tag: u16, value: &[u8]) -> Self {
        self.param_with(tag, |b| b.extend_from_slice(value))
    }

    pub fn param_u32(self, tag: u16, v: u32) -> Self {
        self.param(tag, &v.to_be_bytes())
    }

    /// A parameter whose value `f` appends (avoids building it separately).
    pub fn param_with(self, tag: u16, f: impl FnOnce(&mut Vec<u8>)) -> Self {
        let at = self.buf.len();
        self.buf.extend_from_slice(&tag.to_be_bytes());
        self.buf.extend_from_slice(&[0, 0]);
        f(self.buf);
        let len = self.buf.len() - at;
        self.buf[at + 2..at + 4].copy_from_slice(&(len as u16).to_be_bytes());
        while !(self.buf.len() - self.start).is_multiple_of(4) {
            self.buf.push(0);
        }
        self
    }

    pub fn protocol_data(self, pd: &ProtocolData<'_>) -> Self {
        self.param_with(tag::PROTOCOL_DATA, |b| {
            b.extend_from_slice(&pd.opc.to_be_bytes());
            b.extend_from_slice(&pd.dpc.to_be_bytes());
            b.extend_from_slice(&[pd.si, pd.ni, pd.mp, pd.sls]);
            b.extend_from_slice(pd.data);
        })
    }

    /// Patch the length; returns the encoded message's range start.
    pub fn finish(self) -> usize {
        let len = (self.buf.len() - self.start) as u32;
        self.buf[self.start + 4..self.start + 8].copy_from_slice(&len.to_be_bytes());
        self.start
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ber::from_hex;

    #[test]
    fn stream_identifiers() {
        let msg = |k: Kind| {
            let mut b = Vec::new();
            Builder::new(&mut b, k).finish();
            b
        };
        let bad = Err(ErrorCode::InvalidStreamIdentifier);
        // DATA on stream 0 of a multi-stream association; fine on 1..n, or alone on 0.
        assert_eq!(check_stream(&msg(Kind::Data), 0, 17), bad);
        assert_eq!(check_stream(&msg(Kind::Data), 3, 17), Ok(()));
        assert_eq!(check_stream(&msg(Kind::Data), 0, 1), Ok(()));
        // ASPSM (except BEAT), MGMT and RKM only on stream 0.
        for k in [
            Kind::AspUp,
            Kind::AspDnAck,
            Kind::Err,
            Kind::Ntfy,
            Kind::RegReq,
            Kind::DeregRsp,
        ] {
            assert_eq!(check_stream(&msg(k), 0, 17), Ok(()), "{k:?}");
            assert_eq!(check_stream(&msg(k), 2, 17), bad, "{k:?}");
        }
        // ASPTM, SSNM and BEAT on any stream.
        for k in [
            Kind::AspAc,
            Kind::AspIaAck,
            Kind::Duna,
            Kind::Daud,
            Kind::Beat,
            Kind::BeatAck,
        ] {
            assert_eq!(check_stream(&msg(k), 5, 17), Ok(()), "{k:?}");
            assert_eq!(check_stream(&msg(k), 0, 17), Ok(()), "{k:?}");
        }
        assert_eq!(check_stream(&[1, 0], 0, 17), Ok(()));
    }

    #[test]
    fn aspup_with_asp_id_round_trips() {
        let mut buf = Vec::new();
        Builder::new(&mut buf, Kind::AspUp)
            .param_u32(tag::ASP_IDENTIFIER, 7)
            .finish();
        assert_eq!(buf, from_hex("01000301000000100011000800000007").unwrap());
        let m = Message::parse(&buf).unwrap();
        assert_eq!(m.kind(), Some(Kind::AspUp));
        assert_eq!(m.param(tag::ASP_IDENTIFIER), Some(&[0, 0, 0, 7][..]));
    }

    #[test]
    fn data_protocol_data_with_padding() {
        let mut buf = Vec::new();
        let pd = ProtocolData {
            opc: 100,
            dpc: 200,
            si: 3,
            ni: 2,
            mp: 0,
            sls: 5,
            data: &[1, 2, 3],
        };
        Builder::new(&mut buf, Kind::Data)
            .param_u32(tag::ROUTING_CONTEXT, 1)
            .protocol_data(&pd)
            .finish();
        assert_eq!(buf.len() % 4, 0);
        let m = Message::parse(&buf).unwrap();
        assert_eq!(m.protocol_data().unwrap(), pd);
        assert_eq!(
            m.routing_contexts()
                .unwrap()
                .unwrap()
                .iter()
                .collect::<Vec<_>>(),
            [1]
        );
    }

    #[test]
    fn header_length_is_checked_against_bytes() {
        let mut buf = Vec::new();
        Builder::new(&mut buf, Kind::Beat)
            .param(tag::HEARTBEAT_DATA, b"abcd")
            .finish();
        assert!(matches!(
            Message::parse(&buf[..buf.len() - 2]),
            Err(M3uaError::Truncated { .. })
        ));
        let mut bad = buf.clone();
        bad[0] = 2;
        assert_eq!(
            Message::parse(&bad).unwrap_err().error_code(),
            ErrorCode::InvalidVersion
        );
        let mut bad = buf.clone();
        bad[11] = 0x40; // parameter length beyond the message
        assert_eq!(
            Message::parse(&bad).unwrap_err().error_code(),
            ErrorCode::ParameterFieldError
        );
        assert_eq!(
            frame_len(&[1, 0, 3, 3, 0, 0, 0, 4]),
            Err(M3uaError::BadLength(4))
        );
        assert_eq!(frame_len(&[1, 0, 3]), Ok(None));
    }
}
