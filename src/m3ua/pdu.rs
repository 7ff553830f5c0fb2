//! Typed M3UA messages (RFC 4666 §3.3–§3.8): one struct per message shape, every parameter
//! a typed field, decode borrowing from the received bytes and a canonical encoder.
//!
//! Decoding ([`Pdu::decode`]) is structural: the header, the parameter framing and each known
//! parameter's own format are checked; unknown parameter tags are skipped; a known parameter
//! that does not belong in the message kind is remembered (see [`Pdu::validate`]) and
//! otherwise ignored. Mandatory parameters are `Option`s in the typed form so that a peer's
//! incomplete message can still be looked at; [`Pdu::validate`] names what is missing, which
//! is what a receiver answers with ERR Missing Parameter / Unexpected Parameter.
//!
//! Encoding ([`Pdu::encode`]) writes parameters in the order of the RFC's message figures,
//! zero padding, and the header length covering all of it — so a message built that way
//! decodes and re-encodes byte-identically.
//!
//! Lists (Routing Context, Affected Point Code, Service Indicators, OPC List) and repeated
//! nested parameters (Routing Key, Registration/Deregistration Result) are [`List`]/[`Seq`]:
//! either the received wire bytes (zero-copy) or a caller's slice of values (to build).

use std::fmt;

use super::codec::{tag, ErrorCode, Kind, M3uaError, Message, Param, Params, ProtocolData};

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
    fn decode(t: u16, v: &'a [u8], offset: usize) -> Result<Self, M3uaError> {
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

    fn write(&self, out: &mut Vec<u8>) {
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

    fn encode(&self, out: &mut Vec<u8>) {
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

/// Traffic Mode Type values (§3.8.2 ASPAC).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[repr(u32)]
pub enum TrafficMode {
    Override = 1,
    /// The default where nothing says otherwise (our configuration, a routing key without
    /// a Traffic Mode Type).
    #[default]
    Loadshare = 2,
    Broadcast = 3,
}

impl TrafficMode {
    pub fn from_u32(v: u32) -> Option<TrafficMode> {
        match v {
            1 => Some(TrafficMode::Override),
            2 => Some(TrafficMode::Loadshare),
            3 => Some(TrafficMode::Broadcast),
            _ => None,
        }
    }
}

/// NTFY Status (§3.8.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Status {
    pub status_type: u16,
    pub info: u16,
}

/// Status Type and Status Information values (§3.8.2).
pub mod status {
    pub const TYPE_AS_STATE_CHANGE: u16 = 1;
    pub const TYPE_OTHER: u16 = 2;
    // Type 1 (AS state change); 1 is reserved.
    pub const AS_INACTIVE: u16 = 2;
    pub const AS_ACTIVE: u16 = 3;
    pub const AS_PENDING: u16 = 4;
    // Type 2 (other).
    pub const INSUFFICIENT_ASP_RESOURCES: u16 = 1;
    pub const ALTERNATE_ASP_ACTIVE: u16 = 2;
    pub const ASP_FAILURE: u16 = 3;
}

impl Status {
    pub const fn new(status_type: u16, info: u16) -> Status {
        Status { status_type, info }
    }
    pub const fn as_state(info: u16) -> Status {
        Status::new(status::TYPE_AS_STATE_CHANGE, info)
    }
    pub const fn other(info: u16) -> Status {
        Status::new(status::TYPE_OTHER, info)
    }
    fn to_u32(self) -> u32 {
        (u32::from(self.status_type) << 16) | u32::from(self.info)
    }
}

/// DUPU User/Cause (§3.4.5): unavailability cause and MTP3-User identity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UserCause {
    /// 0 unknown, 1 unequipped remote user, 2 inaccessible remote user.
    pub cause: u16,
    /// Service indicator of the user part (3 = SCCP, 5 = ISUP, ...).
    pub user: u16,
}

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

/// ERR (§3.8.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ErrMsg<'a> {
    /// Mandatory. Raw value; [`ErrMsg::error_code`] names it.
    pub code: Option<u32>,
    pub rc: Option<List<'a, u32>>,
    pub na: Option<u32>,
    pub apc: Option<List<'a, MaskedPc>>,
    pub diagnostic: Option<&'a [u8]>,
}

impl ErrMsg<'_> {
    pub fn error_code(&self) -> Option<ErrorCode> {
        self.code.and_then(ErrorCode::from_u32)
    }
}

/// NTFY (§3.8.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Ntfy<'a> {
    /// Mandatory.
    pub status: Option<Status>,
    pub asp_id: Option<u32>,
    pub rc: Option<List<'a, u32>>,
    pub info: Option<&'a [u8]>,
}

/// DATA (§3.3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Data<'a> {
    pub na: Option<u32>,
    /// One value per the RFC; kept as a list because senders put several.
    pub rc: Option<List<'a, u32>>,
    /// Mandatory.
    pub pd: Option<ProtocolData<'a>>,
    pub correlation_id: Option<u32>,
}

/// DUNA, DAVA, DAUD and DRST (§3.4.1–§3.4.3, §3.4.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Ssnm<'a> {
    pub na: Option<u32>,
    pub rc: Option<List<'a, u32>>,
    /// Mandatory.
    pub apc: Option<List<'a, MaskedPc>>,
    pub info: Option<&'a [u8]>,
}

/// SCON (§3.4.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Scon<'a> {
    pub na: Option<u32>,
    pub rc: Option<List<'a, u32>>,
    /// Mandatory.
    pub apc: Option<List<'a, MaskedPc>>,
    /// The concerned destination's point code (24 bits).
    pub concerned: Option<u32>,
    /// Congestion level 0–3 (national options may use more).
    pub congestion: Option<u8>,
    pub info: Option<&'a [u8]>,
}

/// DUPU (§3.4.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Dupu<'a> {
    pub na: Option<u32>,
    pub rc: Option<List<'a, u32>>,
    /// Mandatory.
    pub apc: Option<List<'a, MaskedPc>>,
    /// Mandatory.
    pub user_cause: Option<UserCause>,
    pub info: Option<&'a [u8]>,
}

/// ASPUP and ASPUP ACK (§3.5.1, §3.5.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AspUp<'a> {
    pub asp_id: Option<u32>,
    pub info: Option<&'a [u8]>,
}

/// ASPDN and ASPDN ACK (§3.5.3, §3.5.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AspDn<'a> {
    pub info: Option<&'a [u8]>,
}

/// BEAT and BEAT ACK (§3.5.5, §3.5.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Beat<'a> {
    pub data: Option<&'a [u8]>,
}

/// ASPAC, ASPAC ACK, ASPIA and ASPIA ACK (§3.7); the inactive pair carries no traffic mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AspTm<'a> {
    pub traffic_mode: Option<u32>,
    pub rc: Option<List<'a, u32>>,
    pub info: Option<&'a [u8]>,
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

/// One M3UA message in typed form.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Pdu<'a> {
    Err(ErrMsg<'a>),
    Ntfy(Ntfy<'a>),
    Data(Data<'a>),
    Duna(Ssnm<'a>),
    Dava(Ssnm<'a>),
    Daud(Ssnm<'a>),
    Scon(Scon<'a>),
    Dupu(Dupu<'a>),
    Drst(Ssnm<'a>),
    AspUp(AspUp<'a>),
    AspDn(AspDn<'a>),
    Beat(Beat<'a>),
    AspUpAck(AspUp<'a>),
    AspDnAck(AspDn<'a>),
    BeatAck(Beat<'a>),
    AspAc(AspTm<'a>),
    AspIa(AspTm<'a>),
    AspAcAck(AspTm<'a>),
    AspIaAck(AspTm<'a>),
    RegReq(RegReq<'a>),
    RegRsp(RegRsp<'a>),
    DeregReq(DeregReq<'a>),
    DeregRsp(DeregRsp<'a>),
}

/// Every parameter a message may carry, first occurrence of each (decode scratch).
#[derive(Default)]
struct Fields<'a> {
    info: Option<&'a [u8]>,
    rc: Option<List<'a, u32>>,
    diag: Option<&'a [u8]>,
    beat: Option<&'a [u8]>,
    tmt: Option<u32>,
    code: Option<u32>,
    status: Option<Status>,
    asp_id: Option<u32>,
    apc: Option<List<'a, MaskedPc>>,
    corr: Option<u32>,
    na: Option<u32>,
    user_cause: Option<UserCause>,
    congestion: Option<u8>,
    concerned: Option<u32>,
    pd: Option<ProtocolData<'a>>,
    dereg_rc: Option<List<'a, u32>>,
}

/// Parameters allowed in each kind (RFC 4666 §3.3–§3.8 figures), in canonical order.
fn allowed(kind: Kind) -> &'static [u16] {
    use tag::*;
    use Kind::*;
    match kind {
        Err => &[
            ERROR_CODE,
            ROUTING_CONTEXT,
            NETWORK_APPEARANCE,
            AFFECTED_POINT_CODE,
            DIAGNOSTIC_INFO,
        ],
        Ntfy => &[STATUS, ASP_IDENTIFIER, ROUTING_CONTEXT, INFO_STRING],
        Data => &[
            NETWORK_APPEARANCE,
            ROUTING_CONTEXT,
            PROTOCOL_DATA,
            CORRELATION_ID,
        ],
        Duna | Dava | Daud | Drst => &[
            NETWORK_APPEARANCE,
            ROUTING_CONTEXT,
            AFFECTED_POINT_CODE,
            INFO_STRING,
        ],
        Scon => &[
            NETWORK_APPEARANCE,
            ROUTING_CONTEXT,
            AFFECTED_POINT_CODE,
            CONCERNED_DESTINATION,
            CONGESTION_INDICATIONS,
            INFO_STRING,
        ],
        Dupu => &[
            NETWORK_APPEARANCE,
            ROUTING_CONTEXT,
            AFFECTED_POINT_CODE,
            USER_CAUSE,
            INFO_STRING,
        ],
        AspUp | AspUpAck => &[ASP_IDENTIFIER, INFO_STRING],
        AspDn | AspDnAck => &[INFO_STRING],
        Beat | BeatAck => &[HEARTBEAT_DATA],
        AspAc | AspAcAck => &[TRAFFIC_MODE_TYPE, ROUTING_CONTEXT, INFO_STRING],
        AspIa | AspIaAck => &[ROUTING_CONTEXT, INFO_STRING],
        RegReq => &[INFO_STRING, ROUTING_KEY],
        RegRsp => &[REGISTRATION_RESULT],
        DeregReq => &[ROUTING_CONTEXT],
        DeregRsp => &[DEREGISTRATION_RESULT],
    }
}

/// Mandatory parameters of each kind.
fn mandatory(kind: Kind) -> &'static [u16] {
    use tag::*;
    use Kind::*;
    match kind {
        Err => &[ERROR_CODE],
        Ntfy => &[STATUS],
        Data => &[PROTOCOL_DATA],
        Duna | Dava | Daud | Drst | Scon => &[AFFECTED_POINT_CODE],
        Dupu => &[AFFECTED_POINT_CODE, USER_CAUSE],
        RegReq => &[ROUTING_KEY],
        RegRsp => &[REGISTRATION_RESULT],
        DeregReq => &[ROUTING_CONTEXT],
        DeregRsp => &[DEREGISTRATION_RESULT],
        _ => &[],
    }
}

impl<'a> Pdu<'a> {
    /// Decode exactly one message occupying `bytes` (one SCTP record or TCP frame): the
    /// header length must cover the bytes (trailing zero padding to a 4-octet boundary is
    /// tolerated), the class and type must be known, parameters must be well-formed.
    pub fn decode(bytes: &'a [u8]) -> Result<Pdu<'a>, M3uaError> {
        let msg = Message::parse(bytes)?;
        let declared = u32::from_be_bytes([bytes[4], bytes[5], bytes[6], bytes[7]]) as usize;
        let rest = &bytes[declared..];
        if rest.len() >= 4 || rest.iter().any(|&b| b != 0) {
            return Err(M3uaError::BadLength(declared));
        }
        Pdu::from_message(&msg)
    }

    /// The typed form of an already framed message.
    pub fn from_message(msg: &Message<'a>) -> Result<Pdu<'a>, M3uaError> {
        let kind = msg.kind().ok_or_else(|| {
            if super::codec::class::is_known(msg.class) {
                M3uaError::UnsupportedType {
                    class: msg.class,
                    msg_type: msg.msg_type,
                }
            } else {
                M3uaError::UnsupportedClass(msg.class)
            }
        })?;
        let f = fields(msg.body, kind)?;
        let body = msg.body;
        use Kind as K;
        Ok(match kind {
            K::Err => Pdu::Err(ErrMsg {
                code: f.code,
                rc: f.rc,
                na: f.na,
                apc: f.apc,
                diagnostic: f.diag,
            }),
            K::Ntfy => Pdu::Ntfy(Ntfy {
                status: f.status,
                asp_id: f.asp_id,
                rc: f.rc,
                info: f.info,
            }),
            K::Data => Pdu::Data(Data {
                na: f.na,
                rc: f.rc,
                pd: f.pd,
                correlation_id: f.corr,
            }),
            K::Duna | K::Dava | K::Daud | K::Drst => {
                let s = Ssnm {
                    na: f.na,
                    rc: f.rc,
                    apc: f.apc,
                    info: f.info,
                };
                match kind {
                    K::Duna => Pdu::Duna(s),
                    K::Dava => Pdu::Dava(s),
                    K::Daud => Pdu::Daud(s),
                    _ => Pdu::Drst(s),
                }
            }
            K::Scon => Pdu::Scon(Scon {
                na: f.na,
                rc: f.rc,
                apc: f.apc,
                concerned: f.concerned,
                congestion: f.congestion,
                info: f.info,
            }),
            K::Dupu => Pdu::Dupu(Dupu {
                na: f.na,
                rc: f.rc,
                apc: f.apc,
                user_cause: f.user_cause,
                info: f.info,
            }),
            K::AspUp | K::AspUpAck => {
                let a = AspUp {
                    asp_id: f.asp_id,
                    info: f.info,
                };
                if kind == K::AspUp {
                    Pdu::AspUp(a)
                } else {
                    Pdu::AspUpAck(a)
                }
            }
            K::AspDn => Pdu::AspDn(AspDn { info: f.info }),
            K::AspDnAck => Pdu::AspDnAck(AspDn { info: f.info }),
            K::Beat => Pdu::Beat(Beat { data: f.beat }),
            K::BeatAck => Pdu::BeatAck(Beat { data: f.beat }),
            K::AspAc | K::AspAcAck | K::AspIa | K::AspIaAck => {
                let a = AspTm {
                    traffic_mode: f.tmt,
                    rc: f.rc,
                    info: f.info,
                };
                match kind {
                    K::AspAc => Pdu::AspAc(a),
                    K::AspAcAck => Pdu::AspAcAck(a),
                    K::AspIa => Pdu::AspIa(AspTm {
                        traffic_mode: None,
                        ..a
                    }),
                    _ => Pdu::AspIaAck(AspTm {
                        traffic_mode: None,
                        ..a
                    }),
                }
            }
            K::RegReq => Pdu::RegReq(RegReq {
                info: f.info,
                keys: Seq::Wire(body),
            }),
            K::RegRsp => Pdu::RegRsp(RegRsp {
                results: Seq::Wire(body),
            }),
            K::DeregReq => Pdu::DeregReq(DeregReq { rc: f.dereg_rc }),
            K::DeregRsp => Pdu::DeregRsp(DeregRsp {
                results: Seq::Wire(body),
            }),
        })
    }

    /// Decode and check it is complete: no mandatory parameter missing, no known parameter
    /// out of place. What a receiver should do before acting on a message.
    pub fn decode_strict(bytes: &'a [u8]) -> Result<Pdu<'a>, M3uaError> {
        let msg = Message::parse(bytes)?;
        let pdu = Pdu::decode(bytes)?;
        validate_body(msg.body, pdu.kind())?;
        Ok(pdu)
    }

    pub fn kind(&self) -> Kind {
        use Kind as K;
        match self {
            Pdu::Err(_) => K::Err,
            Pdu::Ntfy(_) => K::Ntfy,
            Pdu::Data(_) => K::Data,
            Pdu::Duna(_) => K::Duna,
            Pdu::Dava(_) => K::Dava,
            Pdu::Daud(_) => K::Daud,
            Pdu::Scon(_) => K::Scon,
            Pdu::Dupu(_) => K::Dupu,
            Pdu::Drst(_) => K::Drst,
            Pdu::AspUp(_) => K::AspUp,
            Pdu::AspDn(_) => K::AspDn,
            Pdu::Beat(_) => K::Beat,
            Pdu::AspUpAck(_) => K::AspUpAck,
            Pdu::AspDnAck(_) => K::AspDnAck,
            Pdu::BeatAck(_) => K::BeatAck,
            Pdu::AspAc(_) => K::AspAc,
            Pdu::AspIa(_) => K::AspIa,
            Pdu::AspAcAck(_) => K::AspAcAck,
            Pdu::AspIaAck(_) => K::AspIaAck,
            Pdu::RegReq(_) => K::RegReq,
            Pdu::RegRsp(_) => K::RegRsp,
            Pdu::DeregReq(_) => K::DeregReq,
            Pdu::DeregRsp(_) => K::DeregRsp,
        }
    }

    /// The first mandatory parameter this message lacks (as an error), if any.
    pub fn validate(&self) -> Result<(), M3uaError> {
        let missing = |t| Err(M3uaError::MissingParameter(t));
        match self {
            Pdu::Err(e) if e.code.is_none() => missing(tag::ERROR_CODE),
            Pdu::Ntfy(n) if n.status.is_none() => missing(tag::STATUS),
            Pdu::Data(d) if d.pd.is_none() => missing(tag::PROTOCOL_DATA),
            Pdu::Duna(s) | Pdu::Dava(s) | Pdu::Daud(s) | Pdu::Drst(s) if s.apc.is_none() => {
                missing(tag::AFFECTED_POINT_CODE)
            }
            Pdu::Scon(s) if s.apc.is_none() => missing(tag::AFFECTED_POINT_CODE),
            Pdu::Dupu(s) if s.apc.is_none() => missing(tag::AFFECTED_POINT_CODE),
            Pdu::Dupu(s) if s.user_cause.is_none() => missing(tag::USER_CAUSE),
            Pdu::RegReq(r) if r.keys.is_empty() => missing(tag::ROUTING_KEY),
            Pdu::RegRsp(r) if r.results.is_empty() => missing(tag::REGISTRATION_RESULT),
            Pdu::DeregReq(r) if r.rc.is_none() => missing(tag::ROUTING_CONTEXT),
            Pdu::DeregRsp(r) if r.results.is_empty() => missing(tag::DEREGISTRATION_RESULT),
            _ => Ok(()),
        }
    }

    /// Append the canonical encoding; returns where the message starts in `out`.
    pub fn encode(&self, out: &mut Vec<u8>) -> usize {
        let start = out.len();
        let (class, msg_type) = self.kind().pair();
        out.extend_from_slice(&[1, 0, class, msg_type, 0, 0, 0, 0]);
        match self {
            Pdu::Err(e) => {
                put_u32(out, tag::ERROR_CODE, e.code);
                put_list(out, tag::ROUTING_CONTEXT, e.rc);
                put_u32(out, tag::NETWORK_APPEARANCE, e.na);
                put_list(out, tag::AFFECTED_POINT_CODE, e.apc);
                put_bytes(out, tag::DIAGNOSTIC_INFO, e.diagnostic);
            }
            Pdu::Ntfy(n) => {
                put_u32(out, tag::STATUS, n.status.map(Status::to_u32));
                put_u32(out, tag::ASP_IDENTIFIER, n.asp_id);
                put_list(out, tag::ROUTING_CONTEXT, n.rc);
                put_bytes(out, tag::INFO_STRING, n.info);
            }
            Pdu::Data(d) => {
                put_u32(out, tag::NETWORK_APPEARANCE, d.na);
                put_list(out, tag::ROUTING_CONTEXT, d.rc);
                if let Some(pd) = &d.pd {
                    put(out, tag::PROTOCOL_DATA, |b| write_pd(b, pd));
                }
                put_u32(out, tag::CORRELATION_ID, d.correlation_id);
            }
            Pdu::Duna(s) | Pdu::Dava(s) | Pdu::Daud(s) | Pdu::Drst(s) => {
                put_u32(out, tag::NETWORK_APPEARANCE, s.na);
                put_list(out, tag::ROUTING_CONTEXT, s.rc);
                put_list(out, tag::AFFECTED_POINT_CODE, s.apc);
                put_bytes(out, tag::INFO_STRING, s.info);
            }
            Pdu::Scon(s) => {
                put_u32(out, tag::NETWORK_APPEARANCE, s.na);
                put_list(out, tag::ROUTING_CONTEXT, s.rc);
                put_list(out, tag::AFFECTED_POINT_CODE, s.apc);
                put_u32(out, tag::CONCERNED_DESTINATION, s.concerned);
                put_u32(
                    out,
                    tag::CONGESTION_INDICATIONS,
                    s.congestion.map(u32::from),
                );
                put_bytes(out, tag::INFO_STRING, s.info);
            }
            Pdu::Dupu(s) => {
                put_u32(out, tag::NETWORK_APPEARANCE, s.na);
                put_list(out, tag::ROUTING_CONTEXT, s.rc);
                put_list(out, tag::AFFECTED_POINT_CODE, s.apc);
                let uc = s
                    .user_cause
                    .map(|u| (u32::from(u.cause) << 16) | u32::from(u.user));
                put_u32(out, tag::USER_CAUSE, uc);
                put_bytes(out, tag::INFO_STRING, s.info);
            }
            Pdu::AspUp(a) | Pdu::AspUpAck(a) => {
                put_u32(out, tag::ASP_IDENTIFIER, a.asp_id);
                put_bytes(out, tag::INFO_STRING, a.info);
            }
            Pdu::AspDn(a) | Pdu::AspDnAck(a) => put_bytes(out, tag::INFO_STRING, a.info),
            Pdu::Beat(b) | Pdu::BeatAck(b) => put_bytes(out, tag::HEARTBEAT_DATA, b.data),
            Pdu::AspAc(a) | Pdu::AspAcAck(a) | Pdu::AspIa(a) | Pdu::AspIaAck(a) => {
                if matches!(self, Pdu::AspAc(_) | Pdu::AspAcAck(_)) {
                    put_u32(out, tag::TRAFFIC_MODE_TYPE, a.traffic_mode);
                }
                put_list(out, tag::ROUTING_CONTEXT, a.rc);
                put_bytes(out, tag::INFO_STRING, a.info);
            }
            Pdu::RegReq(r) => {
                put_bytes(out, tag::INFO_STRING, r.info);
                r.keys.encode(out);
            }
            Pdu::RegRsp(r) => r.results.encode(out),
            Pdu::DeregReq(r) => put_list(out, tag::ROUTING_CONTEXT, r.rc),
            Pdu::DeregRsp(r) => r.results.encode(out),
        }
        let len = (out.len() - start) as u32;
        out[start + 4..start + 8].copy_from_slice(&len.to_be_bytes());
        start
    }

    /// Encoded into a new buffer.
    pub fn to_vec(&self) -> Vec<u8> {
        let mut v = Vec::new();
        self.encode(&mut v);
        v
    }
}

/// Walk the parameters once, checking each known one's format and keeping the first of each.
fn fields(body: &[u8], kind: Kind) -> Result<Fields<'_>, M3uaError> {
    let mut f = Fields::default();
    let mut pos = 0usize;
    for p in Params::over(body) {
        let p = p?;
        let offset = 8 + pos;
        pos += (4 + p.value.len()).next_multiple_of(4);
        if !allowed(kind).contains(&p.tag) {
            // Known-but-misplaced parameters are reported by `validate_body`; unknown ones
            // are skipped (RFC 4666 §3.2 leaves room for extensions).
            continue;
        }
        macro_rules! once {
            ($slot:expr, $val:expr) => {
                if $slot.is_none() {
                    $slot = Some($val);
                }
            };
        }
        match p.tag {
            tag::INFO_STRING => {
                if p.value.len() > 255 {
                    return Err(field(offset, p.tag, "INFO String longer than 255 octets"));
                }
                once!(f.info, p.value)
            }
            tag::ROUTING_CONTEXT => {
                let l = List::decode(p.tag, p.value, offset)?;
                if kind == Kind::DeregReq {
                    once!(f.dereg_rc, l)
                } else {
                    once!(f.rc, l)
                }
            }
            tag::DIAGNOSTIC_INFO => once!(f.diag, p.value),
            tag::HEARTBEAT_DATA => once!(f.beat, p.value),
            tag::TRAFFIC_MODE_TYPE => once!(f.tmt, u32v(&p, offset)?),
            tag::ERROR_CODE => once!(f.code, u32v(&p, offset)?),
            tag::STATUS => {
                let s = u32v(&p, offset)?;
                once!(f.status, Status::new((s >> 16) as u16, s as u16))
            }
            tag::ASP_IDENTIFIER => once!(f.asp_id, u32v(&p, offset)?),
            tag::AFFECTED_POINT_CODE => once!(f.apc, List::decode(p.tag, p.value, offset)?),
            tag::CORRELATION_ID => once!(f.corr, u32v(&p, offset)?),
            tag::NETWORK_APPEARANCE => once!(f.na, u32v(&p, offset)?),
            tag::USER_CAUSE => {
                let v = u32v(&p, offset)?;
                once!(
                    f.user_cause,
                    UserCause {
                        cause: (v >> 16) as u16,
                        user: v as u16,
                    }
                )
            }
            tag::CONGESTION_INDICATIONS => once!(f.congestion, u32v(&p, offset)? as u8),
            tag::CONCERNED_DESTINATION => {
                once!(f.concerned, u32v(&p, offset)? & 0x00ff_ffff)
            }
            tag::PROTOCOL_DATA => once!(f.pd, ProtocolData::parse(p.value)?),
            tag::ROUTING_KEY => {
                RoutingKey::decode(p.value, offset)?;
            }
            tag::REGISTRATION_RESULT => {
                RegResult::decode(p.value, offset)?;
            }
            tag::DEREGISTRATION_RESULT => {
                DeregResult::decode(p.value, offset)?;
            }
            _ => {}
        }
    }
    Ok(f)
}

/// Known parameters out of place and missing mandatory ones, as the RFC's ERR causes.
fn validate_body(body: &[u8], kind: Kind) -> Result<(), M3uaError> {
    let ok = allowed(kind);
    for p in Params::over(body).filter_map(Result::ok) {
        if tag::name(p.tag).is_some() && !ok.contains(&p.tag) {
            return Err(M3uaError::UnexpectedParameter(p.tag));
        }
    }
    for &t in mandatory(kind) {
        if !Params::over(body)
            .filter_map(Result::ok)
            .any(|p| p.tag == t)
        {
            return Err(M3uaError::MissingParameter(t));
        }
    }
    Ok(())
}

fn field(offset: usize, _tag: u16, reason: &'static str) -> M3uaError {
    M3uaError::ParameterField { offset, reason }
}

fn u32v(p: &Param<'_>, offset: usize) -> Result<u32, M3uaError> {
    match p.value {
        [a, b, c, d] => Ok(u32::from_be_bytes([*a, *b, *c, *d])),
        _ => Err(field(offset, p.tag, "parameter must be 4 octets")),
    }
}

fn put(out: &mut Vec<u8>, t: u16, f: impl FnOnce(&mut Vec<u8>)) {
    let at = out.len();
    out.extend_from_slice(&t.to_be_bytes());
    out.extend_from_slice(&[0, 0]);
    f(out);
    let len = out.len() - at;
    out[at + 2..at + 4].copy_from_slice(&(len as u16).to_be_bytes());
    out.resize(at + len.next_multiple_of(4), 0);
}

fn put_u32(out: &mut Vec<u8>, t: u16, v: Option<u32>) {
    if let Some(v) = v {
        put(out, t, |b| b.extend_from_slice(&v.to_be_bytes()));
    }
}

fn put_bytes(out: &mut Vec<u8>, t: u16, v: Option<&[u8]>) {
    if let Some(v) = v {
        put(out, t, |b| b.extend_from_slice(v));
    }
}

fn put_list<T: Elem>(out: &mut Vec<u8>, t: u16, v: Option<List<'_, T>>) {
    if let Some(l) = v {
        put(out, t, |b| l.write(b));
    }
}

fn write_pd(b: &mut Vec<u8>, pd: &ProtocolData<'_>) {
    b.extend_from_slice(&pd.opc.to_be_bytes());
    b.extend_from_slice(&pd.dpc.to_be_bytes());
    b.extend_from_slice(&[pd.si, pd.ni, pd.mp, pd.sls]);
    b.extend_from_slice(pd.data);
}

/// Append an ERR with `code`, echoing up to 40 octets of the offending message as Diagnostic
/// Information where given (§3.8.1 asks for it with Invalid Version, Unsupported Message
/// Class/Type, Protocol Error and friends).
pub fn encode_err(out: &mut Vec<u8>, code: ErrorCode, rc: Option<u32>, diag: Option<&[u8]>) {
    let rcs = rc.map(|r| [r]);
    Pdu::Err(ErrMsg {
        code: Some(code as u32),
        rc: rcs.as_ref().map(|r| List::Values(&r[..])),
        na: None,
        apc: None,
        diagnostic: diag.map(|d| &d[..d.len().min(40)]),
    })
    .encode(out);
}

/// Decode a received message for a state machine: framing, known class and type, every
/// parameter well-formed, none misplaced or missing. The error maps to the ERR code
/// ([`M3uaError::error_code`]); `true` in the pair means "echo the message as diagnostic".
pub fn receive(bytes: &[u8]) -> Result<Pdu<'_>, (M3uaError, bool)> {
    let msg = Message::parse(bytes).map_err(|e| (e, true))?;
    let pdu = Pdu::from_message(&msg).map_err(|e| {
        let diag = matches!(
            e,
            M3uaError::UnsupportedClass(_) | M3uaError::UnsupportedType { .. }
        );
        (e, diag)
    })?;
    validate_body(msg.body, pdu.kind()).map_err(|e| (e, false))?;
    Ok(pdu)
}
