//! SCCP connectionless service: ITU Q.713 and ANSI T1.112 formats of UDT, UDTS, XUDT,
//! XUDTS, LUDT and LUDTS, party addresses in every variant ([`address`]), return on error
//! (Q.714 §4.2), segmentation and reassembly ([`segment`]), global title translation
//! ([`route`]) and SCCP management ([`scmg`]).
//!
//! Every core here is sans-IO: bytes and the current time go in; bytes, events and timer
//! deadlines come out. Decoding borrows from the M3UA Protocol Data. Errors carry the offset
//! of the fault so the caller can log it and, when the message asked for return on error,
//! answer UDTS/XUDTS/LUDTS (Q.714 §4.2) with the matching return cause.
//!
//! Connection-oriented messages (CR, CC, DT1, ...) are recognised and refused with
//! [`SccpError::UnsupportedType`]: scpd is a connectionless SCCP user.

pub mod address;
pub mod route;

pub mod scmg;
pub mod scrc;
#[cfg(test)]
mod scrc_tests;
pub mod segment;
mod unitdata;

pub use address::{Address, AddressBuf, GlobalTitle, Layout, Variant};
pub use unitdata::{encode_udt, encode_udt_raw, encode_udts, Segmentation, Unitdata};

/// Message types (Q.713 §2.1, Table 1).
pub mod msg_type {
    pub const CR: u8 = 0x01;
    pub const CC: u8 = 0x02;
    pub const CREF: u8 = 0x03;
    pub const RLSD: u8 = 0x04;
    pub const RLC: u8 = 0x05;
    pub const DT1: u8 = 0x06;
    pub const DT2: u8 = 0x07;
    pub const AK: u8 = 0x08;
    pub const UDT: u8 = 0x09;
    pub const UDTS: u8 = 0x0a;
    pub const ED: u8 = 0x0b;
    pub const EA: u8 = 0x0c;
    pub const RSR: u8 = 0x0d;
    pub const RSC: u8 = 0x0e;
    pub const ERR: u8 = 0x0f;
    pub const IT: u8 = 0x10;
    pub const XUDT: u8 = 0x11;
    pub const XUDTS: u8 = 0x12;
    pub const LUDT: u8 = 0x13;
    pub const LUDTS: u8 = 0x14;

    /// A connection-oriented message type (classes 2 and 3).
    pub fn is_connection_oriented(t: u8) -> bool {
        matches!(t, CR..=AK | ED..=IT)
    }

    /// A connectionless message type this codec handles.
    pub fn is_connectionless(t: u8) -> bool {
        matches!(t, UDT | UDTS | XUDT..=LUDTS)
    }
}

/// Return causes (Q.713 §3.12, Table 18; T1.112.3 §3.12 uses the same values).
pub mod cause {
    pub const NO_TRANSLATION_NATURE: u8 = 0x00;
    pub const NO_TRANSLATION_ADDRESS: u8 = 0x01;
    pub const SUBSYSTEM_CONGESTION: u8 = 0x02;
    pub const SUBSYSTEM_FAILURE: u8 = 0x03;
    pub const UNEQUIPPED_USER: u8 = 0x04;
    pub const MTP_FAILURE: u8 = 0x05;
    pub const NETWORK_CONGESTION: u8 = 0x06;
    pub const UNQUALIFIED: u8 = 0x07;
    pub const ERROR_IN_MESSAGE_TRANSPORT: u8 = 0x08;
    pub const ERROR_IN_LOCAL_PROCESSING: u8 = 0x09;
    pub const DESTINATION_CANNOT_REASSEMBLE: u8 = 0x0a;
    pub const SCCP_FAILURE: u8 = 0x0b;
    pub const HOP_COUNTER_VIOLATION: u8 = 0x0c;
    pub const SEGMENTATION_NOT_SUPPORTED: u8 = 0x0d;
    pub const SEGMENTATION_FAILURE: u8 = 0x0e;
}

/// Optional parameter names (Q.713 §3, Table 2).
pub mod param {
    pub const END_OF_OPTIONAL_PARAMETERS: u8 = 0x00;
    pub const SEGMENTATION: u8 = 0x10;
    pub const IMPORTANCE: u8 = 0x12;
}

/// Protocol class octet: bit 8 = return message on error (Q.713 §3.6).
pub const RETURN_ON_ERROR: u8 = 0x80;

/// Initial hop counter (Q.714 §2.3.5.1: at most 15).
pub const MAX_HOP_COUNTER: u8 = 15;

/// Most user data in one LUDT (Q.713 §4.20).
pub const MAX_LUDT_DATA: usize = 3952;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SccpError {
    #[error("truncated at offset {0}")]
    Truncated(usize),
    #[error("pointer at offset {0} points outside the message")]
    BadPointer(usize),
    /// A pointer or length that makes a variable part start among the pointers or run
    /// into another part (an address read through the user data, say).
    #[error("variable part at offset {0} overlaps the pointers or another part")]
    Overlap(usize),
    /// A message scpd does not handle: the connection-oriented ones.
    #[error("message type {0:#04x} ({name}) is not supported", name = type_name(*.0))]
    UnsupportedType(u8),
    /// A message type Q.713 does not define.
    #[error("unknown message type {0:#04x}")]
    UnknownType(u8),
    #[error("invalid address at offset {offset}: {reason}")]
    BadAddress { offset: usize, reason: &'static str },
    #[error("invalid parameter at offset {offset}: {reason}")]
    BadParameter { offset: usize, reason: &'static str },
    /// Encoding only: a part does not fit the message type.
    #[error("{what} of {len} octets exceeds {max}")]
    TooLong {
        what: &'static str,
        len: usize,
        max: usize,
    },
}

/// A return cause (Q.713 §3.12) as the standard names it.
pub fn return_cause_name(cause: u8) -> &'static str {
    match cause {
        0 => "no translation for an address of such nature",
        1 => "no translation for this specific address",
        2 => "subsystem congestion",
        3 => "subsystem failure",
        4 => "unequipped user",
        5 => "MTP failure",
        6 => "network congestion",
        7 => "unqualified",
        8 => "error in message transport",
        9 => "error in local processing",
        10 => "destination cannot perform reassembly",
        11 => "SCCP failure",
        12 => "hop counter violation",
        13 => "segmentation not supported",
        14 => "segmentation failure",
        _ => "reserved cause",
    }
}

pub fn type_name(t: u8) -> &'static str {
    match t {
        msg_type::UDT => "UDT",
        msg_type::UDTS => "UDTS",
        msg_type::XUDT => "XUDT",
        msg_type::XUDTS => "XUDTS",
        msg_type::LUDT => "LUDT",
        msg_type::LUDTS => "LUDTS",
        0x01 => "CR",
        0x02 => "CC",
        0x03 => "CREF",
        0x04 => "RLSD",
        0x05 => "RLC",
        0x06 => "DT1",
        0x07 => "DT2",
        0x08 => "AK",
        0x0b => "ED",
        0x0c => "EA",
        0x0d => "RSR",
        0x0e => "RSC",
        0x0f => "ERR",
        0x10 => "IT",
        _ => "unknown",
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod fuzz {
    use super::*;
    use proptest::prelude::*;

    const REAL: &[&str] = &[
        "098103101a0d120600110421436587092143650a1207001204896745230104deadbeef",
        "11810f04060a0f0242080443010006050b0c0d0e0f1004c064000012010700",
    ];

    proptest! {
        #[test]
        fn random_bytes_never_panic(data in proptest::collection::vec(any::<u8>(), 0..96)) {
            let _ = Unitdata::decode(&data);
        }

        #[test]
        fn mutated_real_messages_never_panic(which in 0..REAL.len(), at in any::<usize>(), byte in any::<u8>(), cut in any::<usize>()) {
            let mut m = crate::ber::from_hex(REAL[which]).unwrap();
            let i = at % m.len();
            m[i] = byte;
            m.truncate(1 + cut % m.len());
            if let Ok(u) = Unitdata::decode(&m) {
                // Whatever decodes re-encodes without panicking.
                let mut out = Vec::new();
                encode_udt(&mut out, u.protocol_class, &u.called, &u.calling, u.data);
            }
        }
    }
}
