//! M3UA message codec (RFC 4666 §3): common header, parameter TLVs, Protocol Data.
//!
//! Decoding borrows from the received bytes; the header length is checked against what was
//! received (§3.1: the length includes the header and all padding) before anything else.

mod builder;
mod message;

pub use builder::Builder;
pub use message::{Message, Param, Params, ProtocolData, RcList};

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

#[cfg(test)]
mod tests;
