//! Decoding M3UA messages (RFC 4666 §3): the typed form of a framed message, the parameters
//! each message kind allows and requires (the RFC's message figures), and the checks a
//! receiver makes before acting on a message.

use super::{
    AspDn, AspTm, AspUp, Beat, Data, DeregReq, DeregResult, DeregRsp, Dupu, ErrMsg, List, MaskedPc,
    Nested, Ntfy, Pdu, RegReq, RegResult, RegRsp, RoutingKey, Scon, Seq, Ssnm, Status, UserCause,
};
use crate::m3ua::codec::{tag, Kind, M3uaError, Message, Param, Params, ProtocolData};

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
            if crate::m3ua::codec::class::is_known(msg.class) {
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

pub(super) fn field(offset: usize, _tag: u16, reason: &'static str) -> M3uaError {
    M3uaError::ParameterField { offset, reason }
}

pub(super) fn u32v(p: &Param<'_>, offset: usize) -> Result<u32, M3uaError> {
    match p.value {
        [a, b, c, d] => Ok(u32::from_be_bytes([*a, *b, *c, *d])),
        _ => Err(field(offset, p.tag, "parameter must be 4 octets")),
    }
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
