//! The connectionless messages themselves (Q.713 §4.10, §4.11, §4.18 to §4.21; T1.112.3):
//! [`Unitdata`] decoded from and encoded to every variant, with the Segmentation parameter
//! (§3.17), hop-counter relaying and return on error (Q.714 §4.2), and the UDT/UDTS encoders
//! that answer without decoding first.

use super::{
    cause, msg_type, param, type_name, Address, SccpError, Variant, MAX_HOP_COUNTER, MAX_LUDT_DATA,
    RETURN_ON_ERROR,
};

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
        let octet = |i: usize| byte(buf, i);
        let shape = Shape::of(t)?;
        let (protocol_class, return_cause) = if shape.service {
            (0, Some(octet(1)?))
        } else {
            (octet(1)?, None)
        };
        let hop_counter = if shape.hop { Some(octet(2)?) } else { None };
        let target = |k: usize| shape.target(buf, k);
        let mandatory = |k: usize| shape.mandatory(buf, k);
        // Every part starts after the pointers and no two overlap (Q.713 §1.8, §2.3): a
        // pointer or length that lands inside another part is refused, not read through.
        let pointers_end = shape.pointer_at(if shape.optional { 4 } else { 3 });
        let mut parts: [(usize, usize); 4] = [(0, 0); 4];
        let mut claim = |k: usize, start: usize, end: usize| -> Result<(), SccpError> {
            let clash = parts[..k]
                .iter()
                .any(|&(s, e)| e > s && start < e && s < end);
            if start < pointers_end || clash {
                return Err(SccpError::Overlap(start));
            }
            parts[k] = (start, end);
            Ok(())
        };
        let address = |k: usize| -> Result<(&'a [u8], usize), SccpError> {
            let o = mandatory(k)?;
            Ok((address_part(buf, o)?, o))
        };
        let (called, at) = address(0)?;
        claim(0, at, at + 1 + called.len())?;
        let called = Address::decode_variant(called, at + 1, variant)?;
        let (calling, at) = address(1)?;
        claim(1, at, at + 1 + calling.len())?;
        let calling = Address::decode_variant(calling, at + 1, variant)?;
        let o = mandatory(2)?;
        let (start, len) = shape.data_part(buf, o)?;
        let data = buf
            .get(start..start + len)
            .ok_or(SccpError::Truncated(start + len))?;
        claim(2, o, start + len)?;
        let mut segmentation = None;
        let mut importance = None;
        if shape.optional {
            if let Some(mut i) = target(3)? {
                if i >= buf.len() {
                    return Err(SccpError::BadPointer(shape.pointer_at(3)));
                }
                claim(3, i, buf.len())?;
                // Unknown parameters are skipped (Q.714 §1.1.2); a missing end of optional
                // parameters is tolerated at the end of the message.
                while let Some(&name) = buf.get(i) {
                    if name == param::END_OF_OPTIONAL_PARAMETERS {
                        break;
                    }
                    let len = usize::from(octet(i + 1)?);
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

    /// What can be returned of a message from `opc` that did not decode (Q.714 §4.2): a
    /// UDT, XUDT or LUDT with the return option whose called address and data parts read on
    /// their own. Its calling address, which could not be trusted, becomes `opc` and the
    /// called subsystem: the IN protocols use one SSN at both ends (CAP 146, AIN, INAP).
    pub fn salvage(buf: &'a [u8], variant: Variant, opc: u32) -> Option<Unitdata<'a>> {
        let t = *buf.first()?;
        let shape = Shape::of(t).ok()?;
        let protocol_class = *buf.get(1)?;
        if shape.service || protocol_class & RETURN_ON_ERROR == 0 {
            return None;
        }
        let o = shape.mandatory(buf, 0).ok()?;
        let called = address_part(buf, o).ok()?;
        let called = Address::decode_variant(called, o + 1, variant).ok()?;
        let (start, len) = shape.data_part(buf, shape.mandatory(buf, 2).ok()?).ok()?;
        let data = buf.get(start..start + len)?;
        Some(Unitdata {
            msg_type: t,
            protocol_class,
            return_cause: None,
            hop_counter: shape.hop.then(|| buf[2]),
            called,
            calling: Address::ssn_pc(opc, called.ssn?),
            data,
            segmentation: None,
            importance: None,
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

    /// Where pointer `k` (0 called, 1 calling, 2 data, 3 optional part) sits (Q.713 §2.3).
    fn pointer_at(self, k: usize) -> usize {
        let first = if self.hop { 3 } else { 2 };
        first + k * self.ptr_len()
    }

    /// The offset pointer `k` designates, `None` for a zero (absent) pointer; a 2-octet LUDT
    /// pointer counts from its second octet.
    fn target(self, buf: &[u8], k: usize) -> Result<Option<usize>, SccpError> {
        let at = self.pointer_at(k);
        let p = if self.long {
            usize::from(u16::from_le_bytes([byte(buf, at)?, byte(buf, at + 1)?]))
        } else {
            usize::from(byte(buf, at)?)
        };
        Ok((p != 0).then_some(at + self.ptr_len() - 1 + p))
    }

    /// The offset of mandatory part `k`, which must start inside the message.
    fn mandatory(self, buf: &[u8], k: usize) -> Result<usize, SccpError> {
        match self.target(buf, k)? {
            Some(o) if o < buf.len() => Ok(o),
            _ => Err(SccpError::BadPointer(self.pointer_at(k))),
        }
    }

    /// The user data whose length (one octet, two for LUDT) is at `o`: where its contents
    /// start, and its length.
    fn data_part(self, buf: &[u8], o: usize) -> Result<(usize, usize), SccpError> {
        Ok(if self.long {
            let len = u16::from_le_bytes([byte(buf, o)?, byte(buf, o + 1)?]);
            (o + 2, usize::from(len))
        } else {
            (o + 1, usize::from(byte(buf, o)?))
        })
    }
}

fn byte(buf: &[u8], i: usize) -> Result<u8, SccpError> {
    buf.get(i).copied().ok_or(SccpError::Truncated(i))
}

/// An address part whose length octet is at `o`: its contents.
fn address_part(buf: &[u8], o: usize) -> Result<&[u8], SccpError> {
    let len = usize::from(byte(buf, o)?);
    buf.get(o + 1..o + 1 + len)
        .ok_or(SccpError::Truncated(o + 1 + len))
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
