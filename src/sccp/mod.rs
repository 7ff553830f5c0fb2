//! SCCP connectionless service (ITU Q.713): UDT, UDTS, XUDT, XUDTS and party addresses.
//!
//! Decoding borrows from the M3UA Protocol Data. Errors carry the offset of the fault so the
//! caller can log it and, when the message asked for return on error, answer UDTS (Q.714
//! §4.2) with the matching return cause.

pub mod address;

pub use address::{Address, GlobalTitle};

/// Message types (Q.713 §2.1, Table 1).
pub mod msg_type {
    pub const UDT: u8 = 0x09;
    pub const UDTS: u8 = 0x0a;
    pub const XUDT: u8 = 0x11;
    pub const XUDTS: u8 = 0x12;
    pub const LUDT: u8 = 0x13;
    pub const LUDTS: u8 = 0x14;
}

/// Return causes (Q.713 §3.12).
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
}

/// Protocol class octet: bit 8 = return message on error (Q.713 §3.6).
pub const RETURN_ON_ERROR: u8 = 0x80;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SccpError {
    #[error("truncated at offset {0}")]
    Truncated(usize),
    #[error("pointer at offset {0} points outside the message")]
    BadPointer(usize),
    #[error("message type {0:#04x} is not supported")]
    UnsupportedType(u8),
    #[error("invalid address at offset {offset}: {reason}")]
    BadAddress { offset: usize, reason: &'static str },
}

/// Segmentation parameter of XUDT (Q.713 §3.17).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Segmentation {
    pub first: bool,
    pub class1: bool,
    pub remaining: u8,
    pub local_reference: u32,
}

/// A connectionless message (UDT, UDTS, XUDT or XUDTS), borrowed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unitdata<'a> {
    pub msg_type: u8,
    /// Protocol class octet (class in bits 4–1, return option in bit 8); 0 for UDTS/XUDTS.
    pub protocol_class: u8,
    /// Return cause of UDTS/XUDTS.
    pub return_cause: Option<u8>,
    pub hop_counter: Option<u8>,
    pub called: Address<'a>,
    pub calling: Address<'a>,
    pub data: &'a [u8],
    pub segmentation: Option<Segmentation>,
}

impl<'a> Unitdata<'a> {
    pub fn return_on_error(&self) -> bool {
        self.protocol_class & RETURN_ON_ERROR != 0
    }

    pub fn is_service(&self) -> bool {
        matches!(self.msg_type, msg_type::UDTS | msg_type::XUDTS)
    }

    pub fn type_name(&self) -> &'static str {
        type_name(self.msg_type)
    }

    pub fn decode(buf: &'a [u8]) -> Result<Unitdata<'a>, SccpError> {
        let t = *buf.first().ok_or(SccpError::Truncated(0))?;
        let byte = |i: usize| buf.get(i).copied().ok_or(SccpError::Truncated(i));
        // Fixed part, then the offset of the first pointer.
        let (protocol_class, return_cause, hop_counter, ptr_at, nptr) = match t {
            msg_type::UDT => (byte(1)?, None, None, 2, 3),
            msg_type::UDTS => (0, Some(byte(1)?), None, 2, 3),
            msg_type::XUDT => (byte(1)?, None, Some(byte(2)?), 3, 4),
            msg_type::XUDTS => (0, Some(byte(1)?), Some(byte(2)?), 3, 4),
            other => return Err(SccpError::UnsupportedType(other)),
        };
        let part = |k: usize| -> Result<&'a [u8], SccpError> {
            let at = ptr_at + k;
            let p = usize::from(byte(at)?);
            let start = at + p;
            let len = usize::from(*buf.get(start).ok_or(SccpError::BadPointer(at))?);
            buf.get(start + 1..start + 1 + len)
                .ok_or(SccpError::Truncated(start + 1 + len))
        };
        let called_off = ptr_at + usize::from(byte(ptr_at)?) + 1;
        let calling_off = ptr_at + 1 + usize::from(byte(ptr_at + 1)?) + 1;
        let called = Address::decode(part(0)?, called_off)?;
        let calling = Address::decode(part(1)?, calling_off)?;
        let data = part(2)?;
        let mut segmentation = None;
        if nptr == 4 {
            let at = ptr_at + 3;
            let p = usize::from(byte(at)?);
            if p != 0 {
                let mut i = at + p;
                while let Some(&ptype) = buf.get(i) {
                    if ptype == 0 {
                        break;
                    }
                    let len = usize::from(byte(i + 1)?);
                    let v = buf
                        .get(i + 2..i + 2 + len)
                        .ok_or(SccpError::Truncated(i + 2))?;
                    if ptype == 0x10 && len == 4 {
                        segmentation = Some(Segmentation {
                            first: v[0] & 0x80 != 0,
                            class1: v[0] & 0x40 != 0,
                            remaining: v[0] & 0x0f,
                            local_reference: u32::from_be_bytes([0, v[1], v[2], v[3]]),
                        });
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
        })
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
                local_reference: 0x640000
            })
        );
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
            SccpError::UnsupportedType(0x42)
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
