//! Encoding M3UA messages (RFC 4666 §3): parameters in the order of the RFC's message
//! figures, zero padding, the header length covering all of it.

use super::{Elem, ErrMsg, List, Pdu, Status};
use crate::m3ua::codec::{tag, ErrorCode, ProtocolData};

impl<'a> Pdu<'a> {
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

pub(super) fn put(out: &mut Vec<u8>, t: u16, f: impl FnOnce(&mut Vec<u8>)) {
    let at = out.len();
    out.extend_from_slice(&t.to_be_bytes());
    out.extend_from_slice(&[0, 0]);
    f(out);
    let len = out.len() - at;
    out[at + 2..at + 4].copy_from_slice(&(len as u16).to_be_bytes());
    out.resize(at + len.next_multiple_of(4), 0);
}

pub(super) fn put_u32(out: &mut Vec<u8>, t: u16, v: Option<u32>) {
    if let Some(v) = v {
        put(out, t, |b| b.extend_from_slice(&v.to_be_bytes()));
    }
}

pub(super) fn put_bytes(out: &mut Vec<u8>, t: u16, v: Option<&[u8]>) {
    if let Some(v) = v {
        put(out, t, |b| b.extend_from_slice(v));
    }
}

pub(super) fn put_list<T: Elem>(out: &mut Vec<u8>, t: u16, v: Option<List<'_, T>>) {
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
