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

pub use address::{Address, AddressBuf, GlobalTitle, Layout, Variant};

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

/// Segmentation parameter of XUDT/XUDTS/LUDT/LUDTS (Q.713 §3.17).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Segmentation {
    /// F bit: this is the first segment.
    pub first: bool,
    /// C bit: class 1 (in-sequence delivery) was requested for the whole message.
    pub class1: bool,
    /// Segments still to come after this one (0-15).
    pub remaining: u8,
    /// Segmentation local reference: 3 octets, read least significant first (as Wireshark
    /// and jSS7 do; the value is only compared, never interpreted).
    pub local_reference: u32,
}

impl Segmentation {
    fn decode(v: &[u8]) -> Segmentation {
        Segmentation {
            first: v[0] & 0x80 != 0,
            class1: v[0] & 0x40 != 0,
            remaining: v[0] & 0x0f,
            local_reference: u32::from_le_bytes([v[1], v[2], v[3], 0]),
        }
    }

    fn encode(&self, out: &mut Vec<u8>) {
        out.push(u8::from(self.first) << 7 | u8::from(self.class1) << 6 | (self.remaining & 0x0f));
        out.extend_from_slice(&self.local_reference.to_le_bytes()[..3]);
    }
}

/// A connectionless message (UDT, UDTS, XUDT, XUDTS, LUDT or LUDTS), borrowed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unitdata<'a> {
    pub msg_type: u8,
    /// Protocol class octet (class in bits 4–1, return option in bit 8); 0 for the service
    /// messages.
    pub protocol_class: u8,
    /// Return cause of UDTS/XUDTS/LUDTS.
    pub return_cause: Option<u8>,
    /// Hop counter of XUDT/XUDTS/LUDT/LUDTS.
    pub hop_counter: Option<u8>,
    pub called: Address<'a>,
    pub calling: Address<'a>,
    pub data: &'a [u8],
    pub segmentation: Option<Segmentation>,
    /// Importance (Q.713 §3.19), 0-7.
    pub importance: Option<u8>,
}

impl<'a> Unitdata<'a> {
    /// A UDT; `protocol_class` as on the wire (class | [`RETURN_ON_ERROR`]).
    pub fn udt(
        protocol_class: u8,
        called: Address<'a>,
        calling: Address<'a>,
        data: &'a [u8],
    ) -> Self {
        Unitdata {
            msg_type: msg_type::UDT,
            protocol_class,
            return_cause: None,
            hop_counter: None,
            called,
            calling,
            data,
            segmentation: None,
            importance: None,
        }
    }

    /// An XUDT with the initial hop counter.
    pub fn xudt(
        protocol_class: u8,
        called: Address<'a>,
        calling: Address<'a>,
        data: &'a [u8],
    ) -> Self {
        Unitdata {
            msg_type: msg_type::XUDT,
            hop_counter: Some(MAX_HOP_COUNTER),
            ..Self::udt(protocol_class, called, calling, data)
        }
    }

    /// An LUDT with the initial hop counter.
    pub fn ludt(
        protocol_class: u8,
        called: Address<'a>,
        calling: Address<'a>,
        data: &'a [u8],
    ) -> Self {
        Unitdata {
            msg_type: msg_type::LUDT,
            ..Self::xudt(protocol_class, called, calling, data)
        }
    }

    pub fn return_on_error(&self) -> bool {
        self.protocol_class & RETURN_ON_ERROR != 0
    }

    /// Protocol class 0 or 1 (bits 4-1 of the protocol class octet).
    pub fn class(&self) -> u8 {
        self.protocol_class & 0x0f
    }

    pub fn is_service(&self) -> bool {
        matches!(
            self.msg_type,
            msg_type::UDTS | msg_type::XUDTS | msg_type::LUDTS
        )
    }

    pub fn type_name(&self) -> &'static str {
        type_name(self.msg_type)
    }

    /// Decode an ITU message.
    pub fn decode(buf: &'a [u8]) -> Result<Unitdata<'a>, SccpError> {
        Self::decode_variant(buf, Variant::Itu)
    }

    /// Decode a message of `variant`.
    pub fn decode_variant(buf: &'a [u8], variant: Variant) -> Result<Unitdata<'a>, SccpError> {
        let t = *buf.first().ok_or(SccpError::Truncated(0))?;
        let byte = |i: usize| buf.get(i).copied().ok_or(SccpError::Truncated(i));
        let shape = Shape::of(t)?;
        let (protocol_class, return_cause) = if shape.service {
            (0, Some(byte(1)?))
        } else {
            (byte(1)?, None)
        };
        let hop_counter = if shape.hop { Some(byte(2)?) } else { None };
        let ptr_at = if shape.hop { 3 } else { 2 };
        let psz = shape.ptr_len();
        // Offset a pointer designates, or None for a zero (absent) pointer.
        let target = |k: usize| -> Result<Option<usize>, SccpError> {
            let at = ptr_at + k * psz;
            let p = if shape.long {
                usize::from(u16::from_le_bytes([byte(at)?, byte(at + 1)?]))
            } else {
                usize::from(byte(at)?)
            };
            Ok((p != 0).then_some(at + psz - 1 + p))
        };
        let mandatory = |k: usize| -> Result<usize, SccpError> {
            let at = ptr_at + k * psz;
            match target(k)? {
                Some(o) if o < buf.len() => Ok(o),
                _ => Err(SccpError::BadPointer(at)),
            }
        };
        let address = |k: usize| -> Result<Address<'a>, SccpError> {
            let o = mandatory(k)?;
            let len = usize::from(buf[o]);
            let v = buf
                .get(o + 1..o + 1 + len)
                .ok_or(SccpError::Truncated(o + 1 + len))?;
            Address::decode_variant(v, o + 1, variant)
        };
        let called = address(0)?;
        let calling = address(1)?;
        let o = mandatory(2)?;
        let (len, start) = if shape.long {
            let hi = byte(o + 1)?;
            (usize::from(u16::from_le_bytes([buf[o], hi])), o + 2)
        } else {
            (usize::from(buf[o]), o + 1)
        };
        let data = buf
            .get(start..start + len)
            .ok_or(SccpError::Truncated(start + len))?;
        let mut segmentation = None;
        let mut importance = None;
        if shape.optional {
            if let Some(mut i) = target(3)? {
                if i >= buf.len() {
                    return Err(SccpError::BadPointer(ptr_at + 3 * psz));
                }
                // Unknown parameters are skipped (Q.714 §1.1.2); a missing end of optional
                // parameters is tolerated at the end of the message.
                while let Some(&name) = buf.get(i) {
                    if name == param::END_OF_OPTIONAL_PARAMETERS {
                        break;
                    }
                    let len = usize::from(byte(i + 1)?);
                    let v = buf
                        .get(i + 2..i + 2 + len)
                        .ok_or(SccpError::Truncated(i + 2 + len))?;
                    let bad = |reason| SccpError::BadParameter { offset: i, reason };
                    match name {
                        param::SEGMENTATION if len != 4 => {
                            return Err(bad("segmentation is not 4 octets"))
                        }
                        param::SEGMENTATION => segmentation = Some(Segmentation::decode(v)),
                        param::IMPORTANCE if len != 1 => {
                            return Err(bad("importance is not 1 octet"))
                        }
                        param::IMPORTANCE => importance = Some(v[0] & 0x07),
                        _ => {}
                    }
                    i += 2 + len;
                }
            }
        }
        Ok(Unitdata {
            msg_type: t,
            protocol_class,
            return_cause,
            hop_counter,
            called,
            calling,
            data,
            segmentation,
            importance,
        })
    }

    /// Append the canonical encoding in `variant`: parts in the order called, calling, data,
    /// optional; optional parameters segmentation, importance, end of optional parameters;
    /// a zero optional pointer when there are none. On error nothing is appended.
    pub fn encode(&self, out: &mut Vec<u8>, variant: Variant) -> Result<(), SccpError> {
        let start = out.len();
        let r = self.encode_inner(out, variant);
        if r.is_err() {
            out.truncate(start);
        }
        r
    }

    fn encode_inner(&self, out: &mut Vec<u8>, variant: Variant) -> Result<(), SccpError> {
        let shape = Shape::of(self.msg_type)?;
        out.push(self.msg_type);
        out.push(if shape.service {
            self.return_cause.unwrap_or(cause::UNQUALIFIED)
        } else {
            self.protocol_class
        });
        if shape.hop {
            out.push(self.hop_counter.unwrap_or(MAX_HOP_COUNTER));
        }
        let psz = shape.ptr_len();
        let ptrs = out.len();
        let nptr = if shape.optional { 4 } else { 3 };
        out.resize(ptrs + nptr * psz, 0);
        for (k, a) in [&self.called, &self.calling].into_iter().enumerate() {
            let at = out.len();
            set_pointer(out, ptrs + k * psz, shape.long, at)?;
            out.push(0);
            a.encode_variant(out, variant)?;
            let len = out.len() - at - 1;
            out[at] = u8::try_from(len).map_err(|_| SccpError::TooLong {
                what: "address",
                len,
                max: 255,
            })?;
        }
        let at = out.len();
        set_pointer(out, ptrs + 2 * psz, shape.long, at)?;
        let n = self.data.len();
        if shape.long {
            if n > MAX_LUDT_DATA {
                return Err(SccpError::TooLong {
                    what: "long data",
                    len: n,
                    max: MAX_LUDT_DATA,
                });
            }
            out.extend_from_slice(&(n as u16).to_le_bytes());
        } else {
            out.push(u8::try_from(n).map_err(|_| SccpError::TooLong {
                what: "data",
                len: n,
                max: 255,
            })?);
        }
        out.extend_from_slice(self.data);
        if shape.optional && (self.segmentation.is_some() || self.importance.is_some()) {
            let at = out.len();
            set_pointer(out, ptrs + 3 * psz, shape.long, at)?;
            if let Some(s) = self.segmentation {
                out.extend_from_slice(&[param::SEGMENTATION, 4]);
                s.encode(out);
            }
            if let Some(i) = self.importance {
                out.extend_from_slice(&[param::IMPORTANCE, 1, i & 0x07]);
            }
            out.push(param::END_OF_OPTIONAL_PARAMETERS);
        }
        Ok(())
    }

    /// The hop counter to relay this message with (Q.714 §2.3.5.1): one less than
    /// received, or the cause "hop counter violation" when it would reach 0. `None` for UDT
    /// and UDTS, which have none.
    pub fn relay_hop_counter(&self) -> Result<Option<u8>, u8> {
        match self.hop_counter {
            None => Ok(None),
            Some(h) if h <= 1 => Err(cause::HOP_COUNTER_VIOLATION),
            Some(h) => Ok(Some(h - 1)),
        }
    }

    /// The service message that returns this one with `cause` (Q.714 §4.2): UDT → UDTS,
    /// XUDT → XUDTS, LUDT → LUDTS, addresses swapped, the original data (with its
    /// segmentation and importance), a fresh hop counter. `None` when nothing may be
    /// returned: the return option is not set, or this is itself a service message (a
    /// service message is never answered with one).
    pub fn returned(&self, cause: u8) -> Option<Unitdata<'a>> {
        if self.is_service() || !self.return_on_error() {
            return None;
        }
        let msg_type = match self.msg_type {
            msg_type::UDT => msg_type::UDTS,
            msg_type::XUDT => msg_type::XUDTS,
            msg_type::LUDT => msg_type::LUDTS,
            _ => return None,
        };
        Some(Unitdata {
            msg_type,
            protocol_class: 0,
            return_cause: Some(cause),
            hop_counter: self.hop_counter.map(|_| MAX_HOP_COUNTER),
            called: self.calling,
            calling: self.called,
            data: self.data,
            segmentation: self.segmentation,
            importance: self.importance,
        })
    }

    /// Append the service message returning this one (see [`Unitdata::returned`]) with
    /// `hop_counter` as its fresh hop counter when it has one; returns whether anything
    /// was appended.
    pub fn encode_returned(
        &self,
        cause: u8,
        hop_counter: u8,
        out: &mut Vec<u8>,
        variant: Variant,
    ) -> Result<bool, SccpError> {
        match self.returned(cause) {
            None => Ok(false),
            Some(mut r) => {
                r.hop_counter = r.hop_counter.map(|_| hop_counter);
                r.encode(out, variant).map(|()| true)
            }
        }
    }
}

/// The fixed layout of a connectionless message type.
#[derive(Debug, Clone, Copy)]
struct Shape {
    service: bool,
    hop: bool,
    optional: bool,
    long: bool,
}

impl Shape {
    fn of(t: u8) -> Result<Shape, SccpError> {
        let s = |service, hop, long| Shape {
            service,
            hop,
            optional: hop,
            long,
        };
        Ok(match t {
            msg_type::UDT => s(false, false, false),
            msg_type::UDTS => s(true, false, false),
            msg_type::XUDT => s(false, true, false),
            msg_type::XUDTS => s(true, true, false),
            msg_type::LUDT => s(false, true, true),
            msg_type::LUDTS => s(true, true, true),
            t if msg_type::is_connection_oriented(t) => return Err(SccpError::UnsupportedType(t)),
            t => return Err(SccpError::UnknownType(t)),
        })
    }

    fn ptr_len(self) -> usize {
        if self.long {
            2
        } else {
            1
        }
    }
}

/// Point the pointer at `ptr` to offset `target` (Q.713 §2.3: a 2-octet LUDT pointer counts
/// from its second octet).
fn set_pointer(out: &mut [u8], ptr: usize, long: bool, target: usize) -> Result<(), SccpError> {
    if long {
        let v = target - ptr - 1;
        let v = u16::try_from(v).map_err(|_| SccpError::TooLong {
            what: "pointer",
            len: v,
            max: 0xffff,
        })?;
        out[ptr..ptr + 2].copy_from_slice(&v.to_le_bytes());
    } else {
        let v = target - ptr;
        out[ptr] = u8::try_from(v).map_err(|_| SccpError::TooLong {
            what: "pointer",
            len: v,
            max: 255,
        })?;
    }
    Ok(())
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

/// Append a UDT (Q.713 §4.10). `protocol_class` as on the wire (class | return option).
pub fn encode_udt(
    out: &mut Vec<u8>,
    protocol_class: u8,
    called: &Address<'_>,
    calling: &Address<'_>,
    data: &[u8],
) {
    out.extend_from_slice(&[msg_type::UDT, protocol_class]);
    encode_parts(out, called, calling, data);
}

/// Append a UDTS returning `data` (Q.713 §4.11): the addresses are those of the message
/// being returned, swapped, so it goes back to its originator.
pub fn encode_udts(
    out: &mut Vec<u8>,
    return_cause: u8,
    called: &Address<'_>,
    calling: &Address<'_>,
    data: &[u8],
) {
    out.extend_from_slice(&[msg_type::UDTS, return_cause]);
    encode_parts(out, called, calling, data);
}

/// Append a UDT whose addresses are already encoded (an answer reusing the addresses of
/// the message it answers, swapped).
pub fn encode_udt_raw(
    out: &mut Vec<u8>,
    protocol_class: u8,
    called: &[u8],
    calling: &[u8],
    data: &[u8],
) {
    out.extend_from_slice(&[msg_type::UDT, protocol_class]);
    let ptrs = out.len();
    out.extend_from_slice(&[0, 0, 0]);
    put_part(out, ptrs, |o| o.extend_from_slice(called));
    put_part(out, ptrs + 1, |o| o.extend_from_slice(calling));
    put_part(out, ptrs + 2, |o| o.extend_from_slice(udt_data(data)));
}

/// The three pointers and variable parts of UDT/UDTS (Q.713 §4.10/§4.11).
fn encode_parts(out: &mut Vec<u8>, called: &Address<'_>, calling: &Address<'_>, data: &[u8]) {
    let ptrs = out.len();
    out.extend_from_slice(&[0, 0, 0]);
    put_part(out, ptrs, |o| called.encode(o));
    put_part(out, ptrs + 1, |o| calling.encode(o));
    put_part(out, ptrs + 2, |o| o.extend_from_slice(udt_data(data)));
}

/// UDT data is at most 255 octets (one length octet); longer user data needs XUDT/LUDT.
fn udt_data(data: &[u8]) -> &[u8] {
    &data[..data.len().min(255)]
}

/// Append one variable part (length octet + contents written by `f`) and point the pointer
/// octet at `ptr` to it.
fn put_part(out: &mut Vec<u8>, ptr: usize, f: impl FnOnce(&mut Vec<u8>)) {
    let at = out.len();
    out.push(0);
    f(out);
    out[at] = (out.len() - at - 1) as u8;
    out[ptr] = (at - ptr) as u8;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ber::from_hex;

    #[test]
    fn udt_round_trip_ssn_routing() {
        let called = Address::ssn_pc(200, 146);
        let calling = Address::ssn_pc(100, 146);
        let mut buf = Vec::new();
        encode_udt(&mut buf, 0x81, &called, &calling, b"tcap");
        // PYCRATE-NOTES: PC 200 + SSN 146 encodes as 04 43 c8 00 92.
        assert_eq!(&buf[..6], &[0x09, 0x81, 0x03, 0x07, 0x0b, 0x04]);
        assert_eq!(&buf[5..10], &[0x04, 0x43, 0xc8, 0x00, 0x92]);
        let u = Unitdata::decode(&buf).unwrap();
        assert_eq!(u.called, called);
        assert_eq!(u.calling, calling);
        assert_eq!(u.data, b"tcap");
        assert!(u.return_on_error());
    }

    #[test]
    fn go_sccp_vectors() {
        // shared/traces/go-sccp-vectors/sccp_messages.hex, sccp_test.go:31 (UDT, GTI 4).
        let buf =
            from_hex("098103101a0d120600110421436587092143650a1207001204896745230104deadbeef")
                .unwrap();
        let u = Unitdata::decode(&buf).unwrap();
        assert_eq!(u.msg_type, msg_type::UDT);
        assert!(!u.called.route_on_ssn);
        assert_eq!(u.called.ssn, Some(6));
        let gt = u.called.gt.unwrap();
        assert_eq!((gt.gti, gt.tt, gt.np, gt.nai), (4, 0, 1, 4));
        assert_eq!(gt.digits().as_str(), "123456789012345");
        assert_eq!(u.calling.gt.unwrap().digits().as_str(), "9876543210");
        assert_eq!(u.data, &[0xde, 0xad, 0xbe, 0xef]);
        // sccp_test.go:74: SSN-only addresses, empty data.
        let b2 = from_hex("098103050702420602420700").unwrap();
        let u = Unitdata::decode(&b2).unwrap();
        assert_eq!((u.called.ssn, u.calling.ssn), (Some(6), Some(7)));
        assert!(u.called.route_on_ssn && u.called.pc.is_none());
        assert!(u.data.is_empty());
        // jss7 MessageReassemblyTest.java:103: XUDT first segment.
        let b3 =
            from_hex("11810f04060a0f0242080443010006050b0c0d0e0f1004c064000012010700").unwrap();
        let u = Unitdata::decode(&b3).unwrap();
        assert_eq!(u.hop_counter, Some(0x0f));
        assert_eq!(u.called.ssn, Some(8));
        assert_eq!(u.calling.pc, Some(1));
        assert_eq!(
            u.segmentation,
            Some(Segmentation {
                first: true,
                class1: true,
                remaining: 0,
                local_reference: 100
            })
        );
    }

    #[test]
    fn return_on_error_builds_the_matching_service_message() {
        let called = Address::ssn_pc(200, 146);
        let calling = Address::ssn_pc(100, 8);
        let data = [0x62, 0x03, 1, 2, 3];
        for (t, want) in [
            (msg_type::UDT, msg_type::UDTS),
            (msg_type::XUDT, msg_type::XUDTS),
            (msg_type::LUDT, msg_type::LUDTS),
        ] {
            let mut u = Unitdata::ludt(0x81, called, calling, &data);
            u.msg_type = t;
            u.hop_counter = (t != msg_type::UDT).then_some(3);
            u.importance = (t != msg_type::UDT).then_some(5);
            let r = u.returned(cause::UNEQUIPPED_USER).unwrap();
            assert_eq!(
                (r.msg_type, r.return_cause),
                (want, Some(cause::UNEQUIPPED_USER))
            );
            assert_eq!((r.called, r.calling, r.data), (calling, called, &data[..]));
            assert_eq!(
                r.hop_counter,
                (t != msg_type::UDT).then_some(MAX_HOP_COUNTER)
            );
            assert_eq!(r.importance, u.importance);
            let mut out = Vec::new();
            assert!(u
                .encode_returned(4, MAX_HOP_COUNTER, &mut out, Variant::Itu)
                .unwrap());
            assert_eq!(Unitdata::decode(&out).unwrap(), r);
            // A service message is never answered with a service message.
            assert_eq!(r.returned(cause::UNQUALIFIED), None);
            // No return option, nothing returned.
            u.protocol_class = 1;
            assert_eq!(u.returned(cause::UNQUALIFIED), None);
            let mut out = Vec::new();
            assert!(!u
                .encode_returned(4, MAX_HOP_COUNTER, &mut out, Variant::Itu)
                .unwrap());
            assert!(out.is_empty());
        }
    }

    #[test]
    fn hop_counter_and_size_limits() {
        let a = Address::ssn_pc(1, 1);
        let mut u = Unitdata::xudt(0, a, a, &[]);
        assert_eq!(u.relay_hop_counter(), Ok(Some(14)));
        u.hop_counter = Some(1);
        assert_eq!(u.relay_hop_counter(), Err(cause::HOP_COUNTER_VIOLATION));
        let big = [0u8; 256];
        let mut out = vec![0xee];
        let e = Unitdata::udt(0, a, a, &big).encode(&mut out, Variant::Itu);
        assert!(matches!(e, Err(SccpError::TooLong { what: "data", .. })));
        assert_eq!(out, [0xee], "nothing appended on error");
        // XUDT: the optional part pointer must reach past the data.
        let mut x = Unitdata::xudt(0, a, a, &big[..250]);
        x.importance = Some(1);
        assert!(x.encode(&mut out, Variant::Itu).is_err());
        let huge = vec![0u8; MAX_LUDT_DATA];
        let l = Unitdata::ludt(0, a, a, &huge);
        let mut out = Vec::new();
        l.encode(&mut out, Variant::Itu).unwrap();
        assert_eq!(Unitdata::decode(&out).unwrap().data.len(), MAX_LUDT_DATA);
        let over = vec![0u8; MAX_LUDT_DATA + 1];
        assert!(Unitdata::ludt(0, a, a, &over)
            .encode(&mut out, Variant::Itu)
            .is_err());
    }

    #[test]
    fn ansi_xudt_round_trip() {
        // National ANSI addresses: SSN then 3-octet PC; GTI 2 (TT only).
        let bcd = [0x08, 0x50, 0x55, 0x21, 0x21];
        let called = Address {
            route_on_ssn: false,
            pc: None,
            ssn: Some(0),
            // GTI 2 carries no encoding scheme: 0 is what decoding gives.
            gt: Some(GlobalTitle {
                es: 0,
                ..GlobalTitle::new(2, 8, 0, 0, &bcd, false)
            }),
            national: true,
        };
        let calling = Address {
            national: true,
            ..Address::ssn_pc(0x0a0b0c, 254)
        };
        let mut u = Unitdata::xudt(0x81, called, calling, b"query");
        u.segmentation = Some(Segmentation {
            first: true,
            class1: false,
            remaining: 0,
            local_reference: 0x123456,
        });
        let mut out = Vec::new();
        u.encode(&mut out, Variant::Ansi).unwrap();
        assert_eq!(&out[..7], &[0x11, 0x81, 0x0f, 0x04, 0x0c, 0x11, 0x16]);
        // Calling party: AI c3 = national, route on SSN, PC and SSN; SSN fe; PC 0c 0b 0a.
        assert_eq!(&out[16..22], &[0x05, 0xc3, 0xfe, 0x0c, 0x0b, 0x0a]);
        assert_eq!(Unitdata::decode_variant(&out, Variant::Ansi).unwrap(), u);
    }

    #[test]
    fn truncation_and_bad_pointers_are_typed() {
        let called = Address::ssn_pc(200, 146);
        let mut buf = Vec::new();
        encode_udt(&mut buf, 0, &called, &called, &[1, 2, 3]);
        for cut in 0..buf.len() {
            assert!(Unitdata::decode(&buf[..cut]).is_err(), "cut {cut}");
        }
        let mut bad = buf.clone();
        bad[2] = 0xf0;
        assert!(Unitdata::decode(&bad).is_err());
        assert_eq!(
            Unitdata::decode(&[0x42]).unwrap_err(),
            SccpError::UnknownType(0x42)
        );
        assert_eq!(
            Unitdata::decode(&[0x01, 0, 0, 1]).unwrap_err(),
            SccpError::UnsupportedType(0x01)
        );
    }
}

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
