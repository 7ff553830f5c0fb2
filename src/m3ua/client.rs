//! scpd as an ASP towards an SG/STP (RFC 4666 §4.3.4, ASP side).
//!
//! Sans-IO: the caller says when the association comes up or goes away, feeds each received
//! message with the current time, and asks [`Asp::poll_timeout`] when to call
//! [`Asp::on_timeout`]. Everything to send is appended to an output buffer as whole M3UA
//! messages (split them with [`super::asp::messages`]).
//!
//! ```text
//!  ASP-DOWN --connected--> send ASPUP, T(ack) --ASPUP ACK--> ASP-INACTIVE
//!  ASP-INACTIVE --activate--> send ASPAC(tmt, RCs), T(ack) --ASPAC ACK--> ASP-ACTIVE
//!  ASP-ACTIVE --deactivate--> ASPIA --ASPIA ACK--> ASP-INACTIVE; --shutdown--> ASPDN --ACK--> DOWN
//!  with `register`: ASPUP ACK --> send REG REQ, T(ack) --REG RSP success--> ASPAC with the
//!    routing context the SG assigned (RFC 4666 §4.4.1); a refusal stops there (logged)
//!  T(ack) expiry: resend, up to `max_retransmits`, then Event::Failed (restart the association)
//!  NTFY Alternate ASP Active: ASP-ACTIVE -> ASP-INACTIVE;  association lost: -> ASP-DOWN
//! ```

use std::time::{Duration, Instant};

use super::asp::AspState;
use super::codec::{ErrorCode, Kind, M3uaError, ProtocolData};
use super::pdu::{
    self, reg_status, status, AspDn, AspTm, AspUp, Beat, Data, List, MaskedPc, Pdu, RegReq, RkDest,
    RkDests, RoutingKey, Seq, Status, TrafficMode,
};

/// How the ASP behaves.
#[derive(Debug, Clone)]
pub struct AspConfig {
    pub asp_id: Option<u32>,
    pub traffic_mode: TrafficMode,
    /// Routing contexts to activate (empty: activate without a Routing Context).
    pub routing_contexts: Vec<u32>,
    /// T(ack): how long to wait for an ASPSM/ASPTM acknowledgement before resending.
    pub t_ack: Duration,
    /// Resends before giving up with [`Event::Failed`].
    pub max_retransmits: u32,
    /// Send ASPAC as soon as the ASP is up, and again after an unsolicited ASPDN ACK.
    pub auto_activate: bool,
    /// BEAT every so often while the ASP is up (`None`: no heartbeat).
    pub beat_interval: Option<Duration>,
    /// A BEAT not acknowledged within this is an association failure.
    pub beat_timeout: Duration,
    /// Register this routing key (REG REQ) once up and activate with the routing context
    /// the SG assigns in REG RSP (RFC 4666 §3.6, §4.4.1): for SGs that allocate routing
    /// contexts dynamically. Only used while `routing_contexts` is empty.
    pub register: Option<RegisterKey>,
}

/// The routing key scpd registers as an ASP: traffic for these destination point codes
/// (our own) with SI 3 (SCCP) is to come to us.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisterKey {
    pub local_rk_id: u32,
    pub dpcs: Vec<u32>,
}

impl Default for AspConfig {
    fn default() -> Self {
        AspConfig {
            asp_id: None,
            traffic_mode: TrafficMode::Loadshare,
            routing_contexts: Vec::new(),
            t_ack: Duration::from_secs(2),
            max_retransmits: 5,
            auto_activate: true,
            beat_interval: None,
            beat_timeout: Duration::from_secs(10),
            register: None,
        }
    }
}

/// What a received message or a timer meant for the user.
#[derive(Debug, PartialEq)]
pub enum Event<'a> {
    /// Nothing for the user (acknowledgements sent, if any, are in the output buffer).
    Managed,
    StateChanged {
        from: AspState,
        to: AspState,
    },
    /// DATA for the upper layer.
    Deliver {
        data: ProtocolData<'a>,
        rc: Option<u32>,
    },
    /// NTFY from the peer.
    Notify {
        status: Status,
        asp_id: Option<u32>,
        rc: Option<u32>,
    },
    /// ERR from the peer (and what we stopped waiting for because of it, if anything).
    PeerError {
        code: u32,
        gave_up: Option<Kind>,
    },
    /// SSNM (DUNA, DAVA, SCON, DUPU, DRST) and RKM answers: for the destination table.
    Network(Pdu<'a>),
    /// Our routing key was registered: the SG's routing context for it.
    Registered {
        rc: u32,
    },
    /// The SG refused to register our routing key (Registration Status, §3.6.2); the ASP
    /// stays ASP-INACTIVE.
    RegistrationRefused {
        status: u32,
    },
    /// The message was answered with ERR (already in the output buffer).
    Refused {
        code: ErrorCode,
        reason: String,
    },
    /// A message we do not act on in this state and answer with nothing (e.g. a late ack).
    Ignored(Kind),
    /// Give up on the association (T(ack) exhausted, BEAT unanswered): drop and reconnect.
    Failed(&'static str),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Want {
    Up,
    Register,
    Active,
    Inactive,
    Down,
}

#[derive(Debug)]
struct Pending {
    want: Want,
    deadline: Instant,
    tries: u32,
}

/// One ASP (us) on one association to an SG.
#[derive(Debug)]
pub struct Asp {
    cfg: AspConfig,
    state: AspState,
    connected: bool,
    pending: Option<Pending>,
    /// Whether the user asked for ASP-ACTIVE (so we return there after a disturbance).
    want_active: bool,
    beat_next: Option<Instant>,
    beat_deadline: Option<Instant>,
    beat_seq: u32,
    /// The routing context the SG assigned to our registered routing key.
    registered_rc: Option<u32>,
}

impl Asp {
    pub fn new(cfg: AspConfig) -> Asp {
        let want_active = cfg.auto_activate;
        Asp {
            cfg,
            state: AspState::Down,
            connected: false,
            pending: None,
            want_active,
            beat_next: None,
            beat_deadline: None,
            beat_seq: 0,
            registered_rc: None,
        }
    }

    pub fn state(&self) -> AspState {
        self.state
    }

    pub fn config(&self) -> &AspConfig {
        &self.cfg
    }

    /// The Routing Context to stamp on DATA we send (the first configured one, else the one
    /// the SG assigned at registration).
    pub fn routing_context(&self) -> Option<u32> {
        self.cfg
            .routing_contexts
            .first()
            .copied()
            .or(self.registered_rc)
    }

    fn registering(&self) -> bool {
        self.cfg.register.is_some() && self.cfg.routing_contexts.is_empty()
    }

    /// The association is up: send ASPUP and start T(ack).
    pub fn connected(&mut self, now: Instant, out: &mut Vec<u8>) {
        self.connected = true;
        self.state = AspState::Down;
        self.request(Want::Up, now, out);
        self.beat_next = self.cfg.beat_interval.map(|i| now + i);
        self.beat_deadline = None;
    }

    /// The association is gone (SCTP COMM LOST / TCP closed): ASP-DOWN, timers stopped.
    pub fn association_lost(&mut self) -> Event<'static> {
        self.connected = false;
        self.pending = None;
        self.beat_next = None;
        self.beat_deadline = None;
        // An SG forgets dynamic registrations with the association: register again.
        self.registered_rc = None;
        self.set(AspState::Down)
    }

    /// Ask for ASP-ACTIVE (ASPAC with our traffic mode and routing contexts).
    pub fn activate(&mut self, now: Instant, out: &mut Vec<u8>) {
        self.want_active = true;
        if self.state == AspState::Inactive && self.pending.is_none() {
            self.request(Want::Active, now, out);
        }
    }

    /// Ask for ASP-INACTIVE (ASPIA).
    pub fn deactivate(&mut self, now: Instant, out: &mut Vec<u8>) {
        self.want_active = false;
        if self.state == AspState::Active {
            self.request(Want::Inactive, now, out);
        }
    }

    /// Ask for ASP-DOWN (ASPDN), e.g. before closing the association.
    pub fn shutdown(&mut self, now: Instant, out: &mut Vec<u8>) {
        self.want_active = false;
        if self.connected {
            self.request(Want::Down, now, out);
        }
    }

    /// Encode DATA towards the SG; refused unless ASP-ACTIVE.
    pub fn send_data(&self, pd: &ProtocolData<'_>, out: &mut Vec<u8>) -> Result<(), AspState> {
        if self.state != AspState::Active {
            return Err(self.state);
        }
        let rc = self.routing_context().map(|r| [r]);
        Pdu::Data(Data {
            na: None,
            rc: rc.as_ref().map(|r| List::Values(&r[..])),
            pd: Some(*pd),
            correlation_id: None,
        })
        .encode(out);
        Ok(())
    }

    /// The next instant [`Asp::on_timeout`] must be called at.
    pub fn poll_timeout(&self) -> Option<Instant> {
        [
            self.pending.as_ref().map(|p| p.deadline),
            self.beat_next,
            self.beat_deadline,
        ]
        .into_iter()
        .flatten()
        .min()
    }

    /// Run expired timers: T(ack) resends, BEAT sending and its timeout.
    pub fn on_timeout(&mut self, now: Instant, out: &mut Vec<u8>) -> Event<'static> {
        if self.beat_deadline.is_some_and(|d| d <= now) {
            self.beat_deadline = None;
            return Event::Failed("BEAT not acknowledged");
        }
        if let Some(p) = &mut self.pending {
            if p.deadline <= now {
                if p.tries >= self.cfg.max_retransmits {
                    self.pending = None;
                    return Event::Failed("T(ack) expired: no acknowledgement");
                }
                p.tries += 1;
                p.deadline = now + self.cfg.t_ack;
                let want = p.want;
                self.encode_request(want, out);
            }
        }
        if self.beat_next.is_some_and(|d| d <= now) && self.connected {
            self.beat_seq = self.beat_seq.wrapping_add(1);
            let data = self.beat_seq.to_be_bytes();
            Pdu::Beat(Beat { data: Some(&data) }).encode(out);
            self.beat_deadline
                .get_or_insert(now + self.cfg.beat_timeout);
            self.beat_next = self.cfg.beat_interval.map(|i| now + i);
        }
        Event::Managed
    }

    /// Handle one received message (all the bytes of one M3UA message).
    pub fn handle<'a>(&mut self, now: Instant, bytes: &'a [u8], out: &mut Vec<u8>) -> Event<'a> {
        let pdu = match pdu::receive(bytes) {
            Ok(p) => p,
            Err((e, diag)) => {
                return refuse(out, e.error_code(), e.to_string(), diag.then_some(bytes))
            }
        };
        let pending = self.pending.as_ref().map(|p| p.want);
        match pdu {
            Pdu::AspUpAck(_) if pending == Some(Want::Up) => {
                self.pending = None;
                let ev = self.set(AspState::Inactive);
                if self.registering() && self.registered_rc.is_none() {
                    self.request(Want::Register, now, out);
                } else if self.want_active {
                    self.request(Want::Active, now, out);
                }
                ev
            }
            Pdu::RegRsp(r) if pending == Some(Want::Register) => {
                let lrk = self.cfg.register.as_ref().map_or(0, |k| k.local_rk_id);
                let Some(res) = r.results.iter().find(|x| x.local_rk_id == lrk) else {
                    return Event::Network(pdu);
                };
                self.pending = None;
                if matches!(
                    res.status,
                    reg_status::SUCCESS | reg_status::ALREADY_REGISTERED
                ) {
                    self.registered_rc = Some(res.rc);
                    if self.want_active {
                        self.request(Want::Active, now, out);
                    }
                    Event::Registered { rc: res.rc }
                } else {
                    self.want_active = false;
                    Event::RegistrationRefused { status: res.status }
                }
            }
            Pdu::AspAcAck(_) if pending == Some(Want::Active) => {
                self.pending = None;
                self.set(AspState::Active)
            }
            Pdu::AspIaAck(_) if pending == Some(Want::Inactive) => {
                self.pending = None;
                self.set(AspState::Inactive)
            }
            Pdu::AspDnAck(_) if pending == Some(Want::Down) => {
                self.pending = None;
                self.set(AspState::Down)
            }
            Pdu::AspDnAck(_) if self.state != AspState::Down => {
                // §4.3.4.2: an unsolicited ASPDN ACK (management isolation at the SG): we are
                // down, and try to return to where we were.
                let ev = self.set(AspState::Down);
                self.request(Want::Up, now, out);
                ev
            }
            Pdu::AspUpAck(_) | Pdu::AspAcAck(_) | Pdu::AspIaAck(_) | Pdu::AspDnAck(_) => {
                Event::Ignored(pdu.kind())
            }
            Pdu::Beat(b) => {
                Pdu::BeatAck(b).encode(out);
                Event::Managed
            }
            Pdu::BeatAck(b) => {
                if b.data == Some(&self.beat_seq.to_be_bytes()[..]) {
                    self.beat_deadline = None;
                }
                Event::Managed
            }
            Pdu::Data(d) => {
                if self.state != AspState::Active {
                    return unexpected(out, "DATA while the ASP is not active");
                }
                let rc = d.rc.and_then(|l| l.first());
                if let Some(rc) = rc {
                    if !self.cfg.routing_contexts.is_empty()
                        && !self.cfg.routing_contexts.contains(&rc)
                    {
                        return refuse(
                            out,
                            ErrorCode::InvalidRoutingContext,
                            format!("DATA for routing context {rc}"),
                            None,
                        );
                    }
                }
                match d.pd {
                    Some(data) => Event::Deliver { data, rc },
                    None => unexpected(out, "DATA without Protocol Data"),
                }
            }
            Pdu::Ntfy(n) => {
                let status = n.status.unwrap_or(Status::new(0, 0));
                if status == Status::other(status::ALTERNATE_ASP_ACTIVE)
                    && self.state == AspState::Active
                {
                    // §4.3.4.3: another ASP took over the override-mode AS.
                    self.state = AspState::Inactive;
                    self.want_active = false;
                }
                Event::Notify {
                    status,
                    asp_id: n.asp_id,
                    rc: n.rc.and_then(|l| l.first()),
                }
            }
            Pdu::Err(e) => {
                let code = e.code.unwrap_or(0);
                let gave_up = match (pending, e.error_code()) {
                    (
                        Some(Want::Active),
                        Some(
                            ErrorCode::InvalidRoutingContext
                            | ErrorCode::UnsupportedTrafficModeType
                            | ErrorCode::NoConfiguredAsForAsp
                            | ErrorCode::RefusedManagementBlocking,
                        ),
                    ) => Some(Kind::AspAc),
                    (Some(Want::Register), Some(_)) => Some(Kind::RegReq),
                    (
                        Some(Want::Up),
                        Some(
                            ErrorCode::RefusedManagementBlocking
                            | ErrorCode::InvalidAspIdentifier
                            | ErrorCode::AspIdentifierRequired,
                        ),
                    ) => Some(Kind::AspUp),
                    _ => None,
                };
                if gave_up.is_some() {
                    self.pending = None;
                    self.want_active = false;
                }
                Event::PeerError { code, gave_up }
            }
            Pdu::Duna(_) | Pdu::Dava(_) | Pdu::Scon(_) | Pdu::Dupu(_) | Pdu::Drst(_) => {
                if self.state == AspState::Down {
                    return unexpected(out, "SSNM while ASP-DOWN");
                }
                Event::Network(pdu)
            }
            Pdu::RegRsp(_) | Pdu::DeregRsp(_) => Event::Network(pdu),
            // ASP-side requests arriving at an ASP, and DAUD (an SG does not audit us).
            Pdu::AspUp(_)
            | Pdu::AspDn(_)
            | Pdu::AspAc(_)
            | Pdu::AspIa(_)
            | Pdu::Daud(_)
            | Pdu::RegReq(_)
            | Pdu::DeregReq(_) => unexpected(out, pdu.kind().name()),
        }
    }

    fn set(&mut self, to: AspState) -> Event<'static> {
        let from = self.state;
        self.state = to;
        if from == to {
            Event::Managed
        } else {
            Event::StateChanged { from, to }
        }
    }

    fn request(&mut self, want: Want, now: Instant, out: &mut Vec<u8>) {
        self.pending = Some(Pending {
            want,
            deadline: now + self.cfg.t_ack,
            tries: 0,
        });
        self.encode_request(want, out);
    }

    fn encode_request(&self, want: Want, out: &mut Vec<u8>) {
        let registered = self.registered_rc.map(|r| [r]);
        let rcs = match &registered {
            Some(r) if self.cfg.routing_contexts.is_empty() => &r[..],
            _ => &self.cfg.routing_contexts[..],
        };
        let rc = (!rcs.is_empty()).then_some(List::Values(rcs));
        match want {
            Want::Register => {
                let Some(k) = &self.cfg.register else { return };
                let dpcs: Vec<RkDest<'_>> = k
                    .dpcs
                    .iter()
                    .map(|pc| RkDest {
                        dpc: MaskedPc::exact(*pc),
                        si: Some(List::Values(&[3])),
                        opc: None,
                    })
                    .collect();
                let key = [RoutingKey {
                    local_rk_id: k.local_rk_id,
                    rc: None,
                    traffic_mode: Some(self.cfg.traffic_mode as u32),
                    na: None,
                    dests: RkDests::Values(&dpcs),
                }];
                Pdu::RegReq(RegReq {
                    info: None,
                    keys: Seq::Values(&key),
                })
                .encode(out);
                return;
            }
            Want::Up => Pdu::AspUp(AspUp {
                asp_id: self.cfg.asp_id,
                info: None,
            }),
            Want::Active => Pdu::AspAc(AspTm {
                traffic_mode: Some(self.cfg.traffic_mode as u32),
                rc,
                info: None,
            }),
            Want::Inactive => Pdu::AspIa(AspTm {
                traffic_mode: None,
                rc,
                info: None,
            }),
            Want::Down => Pdu::AspDn(AspDn { info: None }),
        }
        .encode(out);
    }
}

fn unexpected<'a>(out: &mut Vec<u8>, what: &str) -> Event<'a> {
    refuse(out, ErrorCode::UnexpectedMessage, what.to_string(), None)
}

fn refuse<'a>(
    out: &mut Vec<u8>,
    code: ErrorCode,
    reason: String,
    diag: Option<&[u8]>,
) -> Event<'a> {
    pdu::encode_err(out, code, None, diag);
    Event::Refused { code, reason }
}

impl From<M3uaError> for ErrorCode {
    fn from(e: M3uaError) -> ErrorCode {
        e.error_code()
    }
}
