//! Server-side view of one peer ASP (RFC 4666 §4.3): scpd accepts an association, the peer
//! brings its ASP up and activates it for an Application Server, then DATA flows.
//!
//! Sans-IO: [`PeerAsp::handle`] takes one received message and appends any answers to an
//! output buffer (each answer is a whole M3UA message, self-delimited by its header length).
//! Faults are answered with ERR (§3.8.1) and never change a healthy state by themselves.

use super::codec::{self, tag, Builder, ErrorCode, Kind, M3uaError, Message, ProtocolData};

/// ASP state as the SG-side sees it (RFC 4666 §4.3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AspState {
    Down,
    Inactive,
    Active,
}

/// Traffic mode types (§3.8.2 / §3.7.1).
pub const TMT_OVERRIDE: u32 = 1;
pub const TMT_LOADSHARE: u32 = 2;
pub const TMT_BROADCAST: u32 = 3;

/// NTFY status type/information (§3.8.2): type 1 (AS state change) with 2 = AS-INACTIVE,
/// 3 = AS-ACTIVE (4 would be AS-PENDING).
const STATUS_AS_STATE_CHANGE: u16 = super::pdu::status::TYPE_AS_STATE_CHANGE;
const AS_INACTIVE: u16 = super::pdu::status::AS_INACTIVE;
const AS_ACTIVE: u16 = super::pdu::status::AS_ACTIVE;

/// What the local Application Server accepts.
#[derive(Debug, Clone)]
pub struct AsConfig {
    /// Routing contexts of the local AS. A peer may activate with one of these, or without a
    /// routing context at all (the embedded default's single AS).
    pub routing_contexts: Vec<u32>,
    /// Our own point code, reported available in answer to DAUD.
    pub local_pc: u32,
}

/// The result of handling one message.
#[derive(Debug, PartialEq, Eq)]
pub enum Handled<'a> {
    /// User data for the upper layer (SCCP when SI = 3).
    Deliver {
        data: ProtocolData<'a>,
        rc: Option<u32>,
    },
    /// Management handled (answers, if any, are in the output buffer).
    Managed,
    /// The peer reported an error or notification; nothing to answer.
    PeerReport { kind: Kind, code_or_status: u32 },
    /// The message was refused with ERR (already in the output buffer).
    Refused { code: ErrorCode, reason: String },
}

#[derive(Debug)]
pub struct PeerAsp {
    cfg: AsConfig,
    state: AspState,
    asp_id: Option<u32>,
    rc: Option<u32>,
    traffic_mode: Option<u32>,
    notify: bool,
}

impl PeerAsp {
    pub fn new(cfg: AsConfig) -> PeerAsp {
        PeerAsp {
            cfg,
            state: AspState::Down,
            asp_id: None,
            rc: None,
            traffic_mode: None,
            notify: true,
        }
    }

    /// Whether this peer sends its own NTFY (AS-ACTIVE/AS-INACTIVE) after ASPAC/ASPIA — on
    /// by default; turn it off when a [`super::routing::ApplicationServer`] notifies instead.
    pub fn set_notify(&mut self, on: bool) {
        self.notify = on;
    }

    /// The routing contexts this peer may activate with and stamp on DATA: those of the AS
    /// it was found to belong to (RFC 4666 §4.3.4.3: ERR Invalid Routing Context otherwise).
    pub fn set_routing_contexts(&mut self, rcs: &[u32]) {
        self.cfg.routing_contexts.clear();
        self.cfg.routing_contexts.extend_from_slice(rcs);
    }

    /// The ASP Identifier the peer sent in ASPUP.
    pub fn asp_id(&self) -> Option<u32> {
        self.asp_id
    }

    /// The traffic mode the peer asked for in ASPAC.
    pub fn traffic_mode(&self) -> Option<u32> {
        self.traffic_mode
    }

    /// Another ASP took over the override-mode AS (§4.3.4.3): this one is ASP-INACTIVE.
    pub fn overridden(&mut self) {
        if self.state == AspState::Active {
            self.state = AspState::Inactive;
        }
    }

    pub fn state(&self) -> AspState {
        self.state
    }

    /// The routing context the peer activated with (to stamp on DATA we send it).
    pub fn routing_context(&self) -> Option<u32> {
        self.rc
    }

    /// Association lost: the ASP is down (§4.3.4.1 "SCTP CDI").
    pub fn reset(&mut self) {
        self.state = AspState::Down;
        self.rc = None;
    }

    /// Handle one received message (the complete bytes of one M3UA message).
    pub fn handle<'a>(&mut self, bytes: &'a [u8], out: &mut Vec<u8>) -> Handled<'a> {
        // Framing, class/type, parameter formats, misplaced and missing parameters.
        if let Err((e, diag)) = super::pdu::receive(bytes) {
            return refuse(out, e.error_code(), e.to_string(), diag.then_some(bytes));
        }
        let msg = match Message::parse(bytes) {
            Ok(m) => m,
            Err(e) => return refuse(out, e.error_code(), e.to_string(), Some(bytes)),
        };
        let Some(kind) = msg.kind() else {
            let reason = format!("class {} type {}", msg.class, msg.msg_type);
            return refuse(out, ErrorCode::UnsupportedMessageClass, reason, None);
        };
        match self.dispatch(kind, &msg, out) {
            Ok(h) => h,
            Err(e) => refuse(out, e.error_code(), e.to_string(), None),
        }
    }

    fn dispatch<'a>(
        &mut self,
        kind: Kind,
        msg: &Message<'a>,
        out: &mut Vec<u8>,
    ) -> Result<Handled<'a>, M3uaError> {
        match kind {
            Kind::Data => self.data(msg, out),
            Kind::AspUp => {
                if let Some(v) = msg.param(tag::ASP_IDENTIFIER) {
                    if v.len() != 4 {
                        return Err(M3uaError::InvalidParameterValue {
                            tag: tag::ASP_IDENTIFIER,
                        });
                    }
                    self.asp_id = Some(u32::from_be_bytes([v[0], v[1], v[2], v[3]]));
                }
                let was_active = self.state == AspState::Active;
                let answer = if was_active {
                    // §4.3.4.1: ASPUP while ACTIVE → ERR Unexpected Message and the ack, and
                    // the ASP is INACTIVE (ETSI SGP-ASPSM-O-003 expects the ERR first).
                    refuse(
                        out,
                        ErrorCode::UnexpectedMessage,
                        "ASPUP while ASP-ACTIVE".into(),
                        None,
                    )
                } else {
                    Handled::Managed
                };
                Builder::new(out, Kind::AspUpAck).finish();
                self.state = AspState::Inactive;
                self.rc = None;
                Ok(answer)
            }
            Kind::AspDn => {
                Builder::new(out, Kind::AspDnAck).finish();
                self.reset();
                Ok(Handled::Managed)
            }
            Kind::Beat => {
                let mut b = Builder::new(out, Kind::BeatAck);
                if let Some(d) = msg.param(tag::HEARTBEAT_DATA) {
                    b = b.param(tag::HEARTBEAT_DATA, d);
                }
                b.finish();
                Ok(Handled::Managed)
            }
            Kind::AspAc => self.activate(msg, out),
            Kind::AspIa => {
                if self.state == AspState::Down {
                    return Ok(unexpected(out, "ASPIA while ASP-DOWN"));
                }
                let rcs = msg.routing_contexts()?;
                let mut b = Builder::new(out, Kind::AspIaAck);
                if rcs.is_some() {
                    b = b.param(tag::ROUTING_CONTEXT, rcs_bytes(msg));
                }
                b.finish();
                self.state = AspState::Inactive;
                let rc = self.rc.take();
                if self.notify {
                    notify(out, AS_INACTIVE, rc);
                }
                Ok(Handled::Managed)
            }
            Kind::Daud => {
                if self.state == AspState::Down {
                    return Ok(unexpected(out, "DAUD while ASP-DOWN"));
                }
                // We are the only destination behind this "SG": our own PC is available,
                // anything else is not reachable through us (§4.5.3).
                let mut avail = Vec::new();
                let mut unavail = Vec::new();
                for (mask, pc) in msg.affected_point_codes() {
                    let entry = [mask, (pc >> 16) as u8, (pc >> 8) as u8, pc as u8];
                    if pc == self.cfg.local_pc {
                        avail.extend_from_slice(&entry);
                    } else {
                        unavail.extend_from_slice(&entry);
                    }
                }
                if avail.is_empty() && unavail.is_empty() {
                    return Err(M3uaError::MissingParameter(tag::AFFECTED_POINT_CODE));
                }
                for (kind, pcs) in [(Kind::Dava, avail), (Kind::Duna, unavail)] {
                    if !pcs.is_empty() {
                        Builder::new(out, kind)
                            .param(tag::AFFECTED_POINT_CODE, &pcs)
                            .finish();
                    }
                }
                Ok(Handled::Managed)
            }
            Kind::Err => Ok(Handled::PeerReport {
                kind,
                code_or_status: msg.error_code()?.unwrap_or(0),
            }),
            Kind::Ntfy => Ok(Handled::PeerReport {
                kind,
                code_or_status: msg
                    .status()?
                    .map_or(0, |(t, i)| (u32::from(t) << 16) | u32::from(i)),
            }),
            // Dynamic registration is not offered: RKM is an optional class (§3.6).
            Kind::RegReq | Kind::DeregReq => Ok(refuse(
                out,
                ErrorCode::UnsupportedMessageClass,
                "routing key management is not supported".into(),
                None,
            )),
            // Acks and SG-originated SSNM make no sense towards the SG side.
            _ => Ok(unexpected(out, kind.name())),
        }
    }

    fn activate<'a>(
        &mut self,
        msg: &Message<'a>,
        out: &mut Vec<u8>,
    ) -> Result<Handled<'a>, M3uaError> {
        if self.state == AspState::Down {
            return Ok(unexpected(out, "ASPAC while ASP-DOWN"));
        }
        let tmt = msg.traffic_mode()?;
        if let Some(t) = tmt {
            if !(TMT_OVERRIDE..=TMT_BROADCAST).contains(&t) {
                return Ok(refuse(
                    out,
                    ErrorCode::UnsupportedTrafficModeType,
                    format!("traffic mode {t}"),
                    None,
                ));
            }
        }
        let rcs = msg.routing_contexts()?;
        let mut chosen = None;
        if let Some(rcs) = rcs {
            for rc in rcs.iter() {
                if !self.cfg.routing_contexts.contains(&rc) {
                    return Ok(refuse(
                        out,
                        ErrorCode::InvalidRoutingContext,
                        format!("routing context {rc} is not configured"),
                        None,
                    ));
                }
                chosen.get_or_insert(rc);
            }
        }
        let mut b = Builder::new(out, Kind::AspAcAck);
        if let Some(t) = tmt {
            b = b.param_u32(tag::TRAFFIC_MODE_TYPE, t);
        }
        if rcs.is_some() {
            b = b.param(tag::ROUTING_CONTEXT, rcs_bytes(msg));
        }
        b.finish();
        self.state = AspState::Active;
        self.rc = chosen;
        self.traffic_mode = tmt;
        if self.notify {
            notify(out, AS_ACTIVE, chosen);
        }
        Ok(Handled::Managed)
    }

    fn data<'a>(&mut self, msg: &Message<'a>, out: &mut Vec<u8>) -> Result<Handled<'a>, M3uaError> {
        if self.state != AspState::Active {
            return Ok(unexpected(out, "DATA while the ASP is not active"));
        }
        let rc = match msg.routing_contexts()? {
            Some(rcs) => {
                let rc = rcs.iter().next().unwrap_or_default();
                if !self.cfg.routing_contexts.contains(&rc) {
                    return Ok(refuse(
                        out,
                        ErrorCode::InvalidRoutingContext,
                        format!("DATA for routing context {rc}"),
                        None,
                    ));
                }
                Some(rc)
            }
            None => None,
        };
        let data = msg.protocol_data()?;
        Ok(Handled::Deliver { data, rc })
    }
}

fn rcs_bytes<'a>(msg: &Message<'a>) -> &'a [u8] {
    msg.param(tag::ROUTING_CONTEXT).unwrap_or(&[])
}

/// NTFY (AS state change, §3.8.2) carrying `info`, with the routing context `rc` if any.
pub(super) fn notify(out: &mut Vec<u8>, info: u16, rc: Option<u32>) {
    let status = (u32::from(STATUS_AS_STATE_CHANGE) << 16) | u32::from(info);
    let mut b = Builder::new(out, Kind::Ntfy).param_u32(tag::STATUS, status);
    if let Some(rc) = rc {
        b = b.param_u32(tag::ROUTING_CONTEXT, rc);
    }
    b.finish();
}

fn unexpected<'a>(out: &mut Vec<u8>, what: &str) -> Handled<'a> {
    refuse(out, ErrorCode::UnexpectedMessage, what.to_string(), None)
}

/// Append ERR with `code`; diagnostic information carries the offending message's first
/// octets where the RFC asks for it (§3.8.1: Invalid Version, Protocol Error and friends).
fn refuse<'a>(
    out: &mut Vec<u8>,
    code: ErrorCode,
    reason: String,
    diag: Option<&[u8]>,
) -> Handled<'a> {
    let mut b = Builder::new(out, Kind::Err).param_u32(tag::ERROR_CODE, code as u32);
    if let Some(d) = diag {
        b = b.param(tag::DIAGNOSTIC_INFO, &d[..d.len().min(40)]);
    }
    b.finish();
    Handled::Refused { code, reason }
}

/// Split an output buffer into its messages (for transports that need one record each).
pub fn messages(out: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut rest = out;
    std::iter::from_fn(move || {
        let len = codec::frame_len(rest).ok().flatten()?;
        let (m, r) = rest.split_at(len.min(rest.len()));
        rest = r;
        Some(m)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn peer() -> PeerAsp {
        PeerAsp::new(AsConfig {
            routing_contexts: vec![1],
            local_pc: 200,
        })
    }

    fn msg(kind: Kind, f: impl FnOnce(Builder) -> Builder) -> Vec<u8> {
        let mut buf = Vec::new();
        f(Builder::new(&mut buf, kind)).finish();
        buf
    }

    fn kinds(out: &[u8]) -> Vec<Kind> {
        messages(out)
            .map(|m| Message::parse(m).unwrap().kind().unwrap())
            .collect()
    }

    fn err_code(out: &[u8]) -> u32 {
        let m = messages(out)
            .map(|m| Message::parse(m).unwrap())
            .find(|m| m.kind() == Some(Kind::Err))
            .unwrap();
        m.error_code().unwrap().unwrap()
    }

    #[test]
    fn up_activate_data() {
        let mut p = peer();
        let mut out = Vec::new();
        assert_eq!(
            p.handle(&msg(Kind::AspUp, |b| b), &mut out),
            Handled::Managed
        );
        assert_eq!(kinds(&out), [Kind::AspUpAck]);
        assert_eq!(p.state(), AspState::Inactive);

        out.clear();
        let ac = msg(Kind::AspAc, |b| {
            b.param_u32(tag::TRAFFIC_MODE_TYPE, TMT_OVERRIDE)
                .param_u32(tag::ROUTING_CONTEXT, 1)
        });
        assert_eq!(p.handle(&ac, &mut out), Handled::Managed);
        assert_eq!(kinds(&out), [Kind::AspAcAck, Kind::Ntfy]);
        assert_eq!(p.state(), AspState::Active);
        assert_eq!(p.routing_context(), Some(1));

        out.clear();
        let pd = ProtocolData {
            opc: 100,
            dpc: 200,
            si: 3,
            ni: 2,
            mp: 0,
            sls: 1,
            data: b"sccp",
        };
        let data = msg(Kind::Data, |b| {
            b.param_u32(tag::ROUTING_CONTEXT, 1).protocol_data(&pd)
        });
        assert_eq!(
            p.handle(&data, &mut out),
            Handled::Deliver {
                data: pd,
                rc: Some(1)
            }
        );
        assert!(out.is_empty());
    }

    #[test]
    fn activation_without_routing_context() {
        let mut p = peer();
        let mut out = Vec::new();
        p.handle(&msg(Kind::AspUp, |b| b), &mut out);
        out.clear();
        p.handle(&msg(Kind::AspAc, |b| b), &mut out);
        assert_eq!(p.state(), AspState::Active);
        assert_eq!(p.routing_context(), None);
    }

    #[test]
    fn faults_get_err_and_keep_state() {
        let mut p = peer();
        let mut out = Vec::new();
        // DATA before ASPUP/ASPAC: Unexpected Message.
        let data = msg(Kind::Data, |b| {
            b.protocol_data(&ProtocolData {
                opc: 1,
                dpc: 2,
                si: 3,
                ni: 2,
                mp: 0,
                sls: 0,
                data: &[],
            })
        });
        assert!(matches!(p.handle(&data, &mut out), Handled::Refused { .. }));
        assert_eq!(err_code(&out), ErrorCode::UnexpectedMessage as u32);

        p.handle(&msg(Kind::AspUp, |b| b), &mut out);
        p.handle(&msg(Kind::AspAc, |b| b), &mut out);
        assert_eq!(p.state(), AspState::Active);

        for (bytes, code) in [
            (vec![2, 0, 3, 1, 0, 0, 0, 8], ErrorCode::InvalidVersion),
            (
                vec![1, 0, 77, 1, 0, 0, 0, 8],
                ErrorCode::UnsupportedMessageClass,
            ),
            (
                vec![1, 0, 3, 9, 0, 0, 0, 8],
                ErrorCode::UnsupportedMessageType,
            ),
            (
                msg(Kind::AspAc, |b| b.param_u32(tag::ROUTING_CONTEXT, 99)),
                ErrorCode::InvalidRoutingContext,
            ),
            (
                msg(Kind::AspAc, |b| b.param_u32(tag::TRAFFIC_MODE_TYPE, 9)),
                ErrorCode::UnsupportedTrafficModeType,
            ),
            (
                vec![1, 0, 1, 1, 0, 0, 0, 16, 2, 16, 0, 40, 0, 0, 0, 0],
                ErrorCode::ParameterFieldError,
            ),
            (msg(Kind::Data, |b| b), ErrorCode::MissingParameter),
        ] {
            out.clear();
            assert!(matches!(
                p.handle(&bytes, &mut out),
                Handled::Refused { .. }
            ));
            assert_eq!(err_code(&out), code as u32, "{bytes:02x?}");
            assert_eq!(p.state(), AspState::Active, "state kept after {code:?}");
        }
    }

    #[test]
    fn beat_echoes_data_and_daud_is_answered() {
        let mut p = peer();
        let mut out = Vec::new();
        p.handle(
            &msg(Kind::Beat, |b| b.param(tag::HEARTBEAT_DATA, b"xyz")),
            &mut out,
        );
        let ack = Message::parse(&out).unwrap();
        assert_eq!(ack.kind(), Some(Kind::BeatAck));
        assert_eq!(ack.param(tag::HEARTBEAT_DATA), Some(&b"xyz"[..]));

        p.handle(&msg(Kind::AspUp, |b| b), &mut out);
        out.clear();
        let daud = msg(Kind::Daud, |b| {
            b.param(tag::AFFECTED_POINT_CODE, &[0, 0, 0, 200, 0, 0, 0, 7])
        });
        p.handle(&daud, &mut out);
        assert_eq!(kinds(&out), [Kind::Dava, Kind::Duna]);
    }

    #[test]
    fn aspup_while_active_is_acked_with_error() {
        let mut p = peer();
        let mut out = Vec::new();
        p.handle(&msg(Kind::AspUp, |b| b), &mut out);
        p.handle(&msg(Kind::AspAc, |b| b), &mut out);
        out.clear();
        p.handle(&msg(Kind::AspUp, |b| b), &mut out);
        assert_eq!(kinds(&out), [Kind::Err, Kind::AspUpAck]);
        assert_eq!(p.state(), AspState::Inactive);
    }
}
