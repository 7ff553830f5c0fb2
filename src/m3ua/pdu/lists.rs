//! The containers of M3UA list parameters (RFC 4666 §3.2, §3.4.1, §3.6.1: Routing Context,
//! Affected Point Code, Service Indicators, OPC List) and of repeated nested parameters
//! (§3.6: Routing Key, Registration and Deregistration Result): received bytes or values to
//! send.

use std::fmt;

use super::decode::field;
use super::encode::put;
use crate::m3ua::codec::{M3uaError, Params};

/// An element of a fixed-size list parameter.
pub trait Elem: Copy + fmt::Debug {
    const SIZE: usize;
    fn read(b: &[u8]) -> Self;
    fn write(&self, out: &mut Vec<u8>);
}

impl Elem for u32 {
    const SIZE: usize = 4;
    fn read(b: &[u8]) -> u32 {
        u32::from_be_bytes([b[0], b[1], b[2], b[3]])
    }
    fn write(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.to_be_bytes());
    }
}

impl Elem for u8 {
    const SIZE: usize = 1;
    fn read(b: &[u8]) -> u8 {
        b[0]
    }
    fn write(&self, out: &mut Vec<u8>) {
        out.push(*self);
    }
}

/// A point code with its mask (Affected Point Code, Destination Point Code, OPC List,
/// §3.4.1 / §3.6.1): the mask says how many low-order bits are wildcards.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MaskedPc {
    pub mask: u8,
    /// 24-bit point code (14-bit ITU or 24-bit ANSI, right-aligned).
    pub pc: u32,
}

impl MaskedPc {
    pub const fn exact(pc: u32) -> MaskedPc {
        MaskedPc { mask: 0, pc }
    }

    /// Whether `pc` is covered (the mask wildcards that many low-order bits).
    pub fn covers(&self, pc: u32) -> bool {
        let m = u32::from(self.mask.min(24));
        let keep = 0x00ff_ffff_u32 >> m << m;
        pc & keep == self.pc & keep
    }
}

impl Elem for MaskedPc {
    const SIZE: usize = 4;
    fn read(b: &[u8]) -> MaskedPc {
        MaskedPc {
            mask: b[0],
            pc: u32::from_be_bytes([0, b[1], b[2], b[3]]),
        }
    }
    fn write(&self, out: &mut Vec<u8>) {
        out.push(self.mask);
        out.extend_from_slice(&self.pc.to_be_bytes()[1..]);
    }
}

/// A list parameter's values: received bytes or values to send.
#[derive(Clone, Copy)]
pub enum List<'a, T> {
    Wire(&'a [u8]),
    Values(&'a [T]),
}

impl<'a, T: Elem> List<'a, T> {
    pub(super) fn decode(t: u16, v: &'a [u8], offset: usize) -> Result<Self, M3uaError> {
        if v.is_empty() || !v.len().is_multiple_of(T::SIZE) {
            return Err(field(
                offset,
                t,
                "list length is not a whole number of entries",
            ));
        }
        Ok(List::Wire(v))
    }

    pub fn len(&self) -> usize {
        match self {
            List::Wire(b) => b.len() / T::SIZE,
            List::Values(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn get(&self, i: usize) -> Option<T> {
        match self {
            List::Wire(b) => b.get(i * T::SIZE..(i + 1) * T::SIZE).map(T::read),
            List::Values(v) => v.get(i).copied(),
        }
    }

    pub fn first(&self) -> Option<T> {
        self.get(0)
    }

    pub fn iter(&self) -> impl Iterator<Item = T> + '_ {
        (0..self.len()).filter_map(move |i| self.get(i))
    }

    pub(super) fn write(&self, out: &mut Vec<u8>) {
        match self {
            List::Wire(b) => out.extend_from_slice(b),
            List::Values(v) => v.iter().for_each(|e| e.write(out)),
        }
    }
}

impl<T: Elem + PartialEq> PartialEq for List<'_, T> {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl<T: Elem + PartialEq> Eq for List<'_, T> {}

impl<T: Elem> fmt::Debug for List<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// A nested (grouped) parameter that may repeat at the top level of a message.
pub trait Nested<'a>: Sized + Copy + fmt::Debug {
    const TAG: u16;
    fn decode(v: &'a [u8], offset: usize) -> Result<Self, M3uaError>;
    fn encode_value(&self, out: &mut Vec<u8>);
}

/// Repeated nested parameters: the message body they were received in, or values to send.
#[derive(Clone, Copy)]
pub enum Seq<'a, T> {
    /// The whole parameter area; only parameters with `T::TAG` are elements (each was
    /// validated when the message was decoded).
    Wire(&'a [u8]),
    Values(&'a [T]),
}

impl<'a, T: Nested<'a>> Seq<'a, T> {
    pub fn iter(&self) -> Box<dyn Iterator<Item = T> + 'a> {
        match *self {
            Seq::Wire(body) => Box::new(
                Params::over(body)
                    .filter_map(Result::ok)
                    .filter(|p| p.tag == T::TAG)
                    .filter_map(|p| T::decode(p.value, 0).ok()),
            ),
            Seq::Values(v) => Box::new(v.iter().copied()),
        }
    }

    pub fn len(&self) -> usize {
        self.iter().count()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn first(&self) -> Option<T> {
        self.iter().next()
    }

    pub(super) fn encode(&self, out: &mut Vec<u8>) {
        for e in self.iter() {
            put(out, T::TAG, |b| e.encode_value(b));
        }
    }
}

impl<'a, T: Nested<'a> + PartialEq> PartialEq for Seq<'a, T> {
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}

impl<'a, T: Nested<'a>> fmt::Debug for Seq<'a, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}
