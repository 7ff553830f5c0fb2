//! Decoding: one received message borrowed from its bytes (header checked against them,
//! RFC 4666 §3.1), its parameter TLVs (§3.2) and the Protocol Data they carry (§3.3.1).

use std::fmt;

use super::{tag, Kind, M3uaError};

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
