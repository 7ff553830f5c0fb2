//! Encoding: a message built into a caller-owned buffer, header first and length last.

use super::{tag, Kind, ProtocolData};

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
