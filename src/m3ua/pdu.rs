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
//!
//! The messages are grouped by class (RFC 4666 §3.1.3), each re-exported here: `transfer`
//! (DATA), `ssnm` (DUNA, DAVA, DAUD, SCON, DUPU, DRST), `aspsm` (ASPUP, ASPDN, BEAT and their
//! ACKs), `asptm` (ASPAC, ASPIA and their ACKs), `mgmt` (ERR, NTFY) and `rkm` (REG and
//! DEREG, routing keys); `lists` holds [`List`]/[`Seq`], `decode` and `encode` the two
//! directions of [`Pdu`].

mod aspsm;
mod asptm;
mod decode;
mod encode;
mod lists;
mod mgmt;
mod rkm;
mod ssnm;
mod transfer;

pub use aspsm::{AspDn, AspUp, Beat};
pub use asptm::{AspTm, TrafficMode};
pub use decode::receive;
pub use encode::encode_err;
pub use lists::{Elem, List, MaskedPc, Nested, Seq};
pub use mgmt::{status, ErrMsg, Ntfy, Status};
pub use rkm::{
    dereg_status, reg_status, DeregReq, DeregResult, DeregRsp, RegReq, RegResult, RegRsp, RkDest,
    RkDests, RoutingKey,
};
pub use ssnm::{Dupu, Scon, Ssnm, UserCause};
pub use transfer::Data;

use super::codec::{tag, Kind, M3uaError};

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

impl<'a> Pdu<'a> {
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
}
