//! Routing Key Management messages (RFC 4666 §3.6): REG REQ/RSP and DEREG REQ/RSP, the
//! Routing Key and the registration and deregistration results.

use std::fmt;

use super::decode::{field, u32v};
use super::encode::{put, put_u32};
use super::{Elem, List, MaskedPc, Nested, Seq};
use crate::m3ua::codec::{tag, M3uaError, Params};

/// Registration Status values (§3.6.2).
pub mod reg_status {
    pub const SUCCESS: u32 = 0;
    pub const UNKNOWN: u32 = 1;
    pub const INVALID_DPC: u32 = 2;
    pub const INVALID_NETWORK_APPEARANCE: u32 = 3;
    pub const INVALID_ROUTING_KEY: u32 = 4;
    pub const PERMISSION_DENIED: u32 = 5;
    pub const CANNOT_SUPPORT_UNIQUE_ROUTING: u32 = 6;
    pub const NOT_CURRENTLY_PROVISIONED: u32 = 7;
    pub const INSUFFICIENT_RESOURCES: u32 = 8;
    pub const UNSUPPORTED_RK_PARAMETER: u32 = 9;
    pub const UNSUPPORTED_TRAFFIC_MODE: u32 = 10;
    pub const CHANGE_REFUSED: u32 = 11;
    pub const ALREADY_REGISTERED: u32 = 12;
}

/// Deregistration Status values (§3.6.4).
pub mod dereg_status {
    pub const SUCCESS: u32 = 0;
    pub const UNKNOWN: u32 = 1;
    pub const INVALID_ROUTING_CONTEXT: u32 = 2;
    pub const PERMISSION_DENIED: u32 = 3;
    pub const NOT_REGISTERED: u32 = 4;
    pub const ASP_CURRENTLY_ACTIVE: u32 = 5;
}

/// One destination of a Routing Key: a DPC with the SIs and OPCs that narrow it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RkDest<'a> {
    pub dpc: MaskedPc,
    pub si: Option<List<'a, u8>>,
    pub opc: Option<List<'a, MaskedPc>>,
}

/// The destinations of a Routing Key (one or more DPC groups).
#[derive(Clone, Copy)]
pub enum RkDests<'a> {
    /// The Routing Key's value; groups start at each DPC parameter.
    Wire(&'a [u8]),
    Values(&'a [RkDest<'a>]),
}

impl<'a> RkDests<'a> {
    pub fn iter(&self) -> Box<dyn Iterator<Item = RkDest<'a>> + 'a> {
        match *self {
            RkDests::Values(v) => Box::new(v.iter().copied()),
            RkDests::Wire(body) => {
                let mut params = Params::over(body).filter_map(Result::ok).peekable();
                Box::new(std::iter::from_fn(move || {
                    let dpc = loop {
                        let p = params.next()?;
                        if p.tag == tag::DESTINATION_POINT_CODE && p.value.len() == 4 {
                            break MaskedPc::read(p.value);
                        }
                    };
                    let mut d = RkDest {
                        dpc,
                        si: None,
                        opc: None,
                    };
                    while let Some(p) = params.next_if(|p| p.tag != tag::DESTINATION_POINT_CODE) {
                        match p.tag {
                            tag::SERVICE_INDICATORS => d.si = List::decode(p.tag, p.value, 0).ok(),
                            tag::ORIGINATING_POINT_CODE_LIST => {
                                d.opc = List::decode(p.tag, p.value, 0).ok()
                            }
                            _ => {}
                        }
                    }
                    Some(d)
                }))
            }
        }
    }
}

impl PartialEq for RkDests<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}

impl fmt::Debug for RkDests<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// Routing Key (§3.6.1).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RoutingKey<'a> {
    pub local_rk_id: u32,
    pub rc: Option<u32>,
    pub traffic_mode: Option<u32>,
    pub na: Option<u32>,
    pub dests: RkDests<'a>,
}

impl<'a> Nested<'a> for RoutingKey<'a> {
    const TAG: u16 = tag::ROUTING_KEY;

    fn decode(v: &'a [u8], offset: usize) -> Result<Self, M3uaError> {
        let (mut lrk, mut rc, mut tmt, mut na, mut dpc) = (None, None, None, None, false);
        for p in Params::over(v) {
            let p = p.map_err(|_| field(offset, tag::ROUTING_KEY, "nested parameter framing"))?;
            match p.tag {
                tag::LOCAL_RK_IDENTIFIER => lrk = Some(u32v(&p, offset)?),
                tag::ROUTING_CONTEXT => rc = Some(u32v(&p, offset)?),
                tag::TRAFFIC_MODE_TYPE => tmt = Some(u32v(&p, offset)?),
                tag::NETWORK_APPEARANCE => na = Some(u32v(&p, offset)?),
                tag::DESTINATION_POINT_CODE => {
                    u32v(&p, offset)?;
                    dpc = true;
                }
                tag::SERVICE_INDICATORS => {
                    List::<u8>::decode(p.tag, p.value, offset)?;
                }
                tag::ORIGINATING_POINT_CODE_LIST => {
                    List::<MaskedPc>::decode(p.tag, p.value, offset)?;
                }
                _ => {}
            }
        }
        let local_rk_id = lrk.ok_or(M3uaError::MissingParameter(tag::LOCAL_RK_IDENTIFIER))?;
        if !dpc {
            return Err(M3uaError::MissingParameter(tag::DESTINATION_POINT_CODE));
        }
        Ok(RoutingKey {
            local_rk_id,
            rc,
            traffic_mode: tmt,
            na,
            dests: RkDests::Wire(v),
        })
    }

    fn encode_value(&self, out: &mut Vec<u8>) {
        put_u32(out, tag::LOCAL_RK_IDENTIFIER, Some(self.local_rk_id));
        put_u32(out, tag::ROUTING_CONTEXT, self.rc);
        put_u32(out, tag::TRAFFIC_MODE_TYPE, self.traffic_mode);
        for (i, d) in self.dests.iter().enumerate() {
            put(out, tag::DESTINATION_POINT_CODE, |b| d.dpc.write(b));
            if i == 0 {
                put_u32(out, tag::NETWORK_APPEARANCE, self.na);
            }
            if let Some(si) = d.si {
                put(out, tag::SERVICE_INDICATORS, |b| si.write(b));
            }
            if let Some(opc) = d.opc {
                put(out, tag::ORIGINATING_POINT_CODE_LIST, |b| opc.write(b));
            }
        }
    }
}

/// Registration Result (§3.6.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RegResult {
    pub local_rk_id: u32,
    pub status: u32,
    pub rc: u32,
}

impl<'a> Nested<'a> for RegResult {
    const TAG: u16 = tag::REGISTRATION_RESULT;

    fn decode(v: &'a [u8], offset: usize) -> Result<Self, M3uaError> {
        let (mut lrk, mut st, mut rc) = (None, None, None);
        for p in Params::over(v) {
            let p = p.map_err(|_| field(offset, Self::TAG, "nested parameter framing"))?;
            match p.tag {
                tag::LOCAL_RK_IDENTIFIER => lrk = Some(u32v(&p, offset)?),
                tag::REGISTRATION_STATUS => st = Some(u32v(&p, offset)?),
                tag::ROUTING_CONTEXT => rc = Some(u32v(&p, offset)?),
                _ => {}
            }
        }
        Ok(RegResult {
            local_rk_id: lrk.ok_or(M3uaError::MissingParameter(tag::LOCAL_RK_IDENTIFIER))?,
            status: st.ok_or(M3uaError::MissingParameter(tag::REGISTRATION_STATUS))?,
            rc: rc.ok_or(M3uaError::MissingParameter(tag::ROUTING_CONTEXT))?,
        })
    }

    fn encode_value(&self, out: &mut Vec<u8>) {
        put_u32(out, tag::LOCAL_RK_IDENTIFIER, Some(self.local_rk_id));
        put_u32(out, tag::REGISTRATION_STATUS, Some(self.status));
        put_u32(out, tag::ROUTING_CONTEXT, Some(self.rc));
    }
}

/// Deregistration Result (§3.6.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeregResult {
    pub rc: u32,
    pub status: u32,
}

impl<'a> Nested<'a> for DeregResult {
    const TAG: u16 = tag::DEREGISTRATION_RESULT;

    fn decode(v: &'a [u8], offset: usize) -> Result<Self, M3uaError> {
        let (mut rc, mut st) = (None, None);
        for p in Params::over(v) {
            let p = p.map_err(|_| field(offset, Self::TAG, "nested parameter framing"))?;
            match p.tag {
                tag::ROUTING_CONTEXT => rc = Some(u32v(&p, offset)?),
                tag::DEREGISTRATION_STATUS => st = Some(u32v(&p, offset)?),
                _ => {}
            }
        }
        Ok(DeregResult {
            rc: rc.ok_or(M3uaError::MissingParameter(tag::ROUTING_CONTEXT))?,
            status: st.ok_or(M3uaError::MissingParameter(tag::DEREGISTRATION_STATUS))?,
        })
    }

    fn encode_value(&self, out: &mut Vec<u8>) {
        put_u32(out, tag::ROUTING_CONTEXT, Some(self.rc));
        put_u32(out, tag::DEREGISTRATION_STATUS, Some(self.status));
    }
}

/// REG REQ (§3.6.1).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RegReq<'a> {
    /// Not in the RFC's figure; osmo-stp's ASPs send it (first), so it is accepted and kept.
    pub info: Option<&'a [u8]>,
    /// Mandatory (one or more).
    pub keys: Seq<'a, RoutingKey<'a>>,
}

/// REG RSP (§3.6.2).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RegRsp<'a> {
    pub results: Seq<'a, RegResult>,
}

/// DEREG REQ (§3.6.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DeregReq<'a> {
    /// Mandatory.
    pub rc: Option<List<'a, u32>>,
}

/// DEREG RSP (§3.6.4).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DeregRsp<'a> {
    pub results: Seq<'a, DeregResult>,
}
