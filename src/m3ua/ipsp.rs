//! IPSP-to-IPSP operation (RFC 4666 §4.3.1, §5.5): single exchange (SE), where only one side
//! sends ASPSM/ASPTM requests and the other only answers, and double exchange (DE), where both
//! sides send and both answer, so each side keeps two states: its own ASP state as the peer
//! acknowledged it ([`Asp`]) and the peer's as it acknowledged it ([`PeerAsp`]).
//!
//! Requests (ASPUP, ASPDN, ASPAC, ASPIA, DAUD) go to the answering half, acknowledgements,
//! NTFY, ERR and SSNM to the requesting half; the half a mode does not have answers ERR
//! Unexpected Message for requests and discards acks. DATA is accepted once the side that
//! controls traffic in the mode is active (SE initiator: our own ASP; SE responder and DE: the
//! peer's ASP).

use std::time::Instant;

use super::asp::{AsConfig, AspState, Handled, PeerAsp};
use super::client::{Asp, AspConfig, Event};
use super::codec::{ErrorCode, Kind, Message, ProtocolData};
use super::pdu;

/// Which IPSP exchange this side runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exchange {
    /// SE, and we send ASPUP/ASPAC.
    SingleInitiator,
    /// SE, and we only answer.
    SingleResponder,
    /// DE: both send, both answer.
    Double,
}

/// What one received message meant.
#[derive(Debug, PartialEq)]
pub enum IpspEvent<'a> {
    /// Handled by our requesting half.
    Local(Event<'a>),
    /// Handled by our answering half.
    Remote(Handled<'a>),
}

/// One IPSP association.
#[derive(Debug)]
pub struct Ipsp {
    mode: Exchange,
    local: Asp,
    remote: PeerAsp,
}

impl Ipsp {
    pub fn new(mode: Exchange, asp: AspConfig, serve: AsConfig) -> Ipsp {
        Ipsp {
            mode,
            local: Asp::new(asp),
            remote: PeerAsp::new(serve),
        }
    }

    pub fn mode(&self) -> Exchange {
        self.mode
    }

    /// Our own ASP state (as the peer acknowledged it).
    pub fn local_state(&self) -> AspState {
        self.local.state()
    }

    /// The peer's ASP state (as we acknowledged it).
    pub fn remote_state(&self) -> AspState {
        self.remote.state()
    }

    pub fn local(&mut self) -> &mut Asp {
        &mut self.local
    }

    /// Whether DATA may flow (in both directions) on this association.
    pub fn traffic_ready(&self) -> bool {
        match self.mode {
            Exchange::SingleInitiator => self.local.state() == AspState::Active,
            Exchange::SingleResponder => self.remote.state() == AspState::Active,
            Exchange::Double => {
                self.local.state() == AspState::Active && self.remote.state() == AspState::Active
            }
        }
    }

    /// The association is up: the requesting side(s) send ASPUP.
    pub fn connected(&mut self, now: Instant, out: &mut Vec<u8>) {
        if self.mode != Exchange::SingleResponder {
            self.local.connected(now, out);
        }
    }

    pub fn association_lost(&mut self) {
        self.local.association_lost();
        self.remote.reset();
    }

    pub fn poll_timeout(&self) -> Option<Instant> {
        self.local.poll_timeout()
    }

    pub fn on_timeout(&mut self, now: Instant, out: &mut Vec<u8>) -> Event<'static> {
        self.local.on_timeout(now, out)
    }

    /// Encode DATA to the peer; refused until traffic is ready.
    pub fn send_data(&self, pd: &ProtocolData<'_>, out: &mut Vec<u8>) -> Result<(), AspState> {
        if !self.traffic_ready() {
            return Err(self.local.state().min_with(self.remote.state()));
        }
        let rc = self.local.routing_context().map(|r| [r]);
        pdu::Pdu::Data(pdu::Data {
            na: None,
            rc: rc.as_ref().map(|r| pdu::List::Values(&r[..])),
            pd: Some(*pd),
            correlation_id: None,
        })
        .encode(out);
        Ok(())
    }

    pub fn handle<'a>(
        &mut self,
        now: Instant,
        bytes: &'a [u8],
        out: &mut Vec<u8>,
    ) -> IpspEvent<'a> {
        let kind = Message::parse(bytes).ok().and_then(|m| m.kind());
        let answering = self.mode != Exchange::SingleInitiator;
        let requesting = self.mode != Exchange::SingleResponder;
        match kind {
            Some(Kind::AspUp | Kind::AspDn | Kind::AspAc | Kind::AspIa | Kind::Daud) => {
                if answering {
                    IpspEvent::Remote(self.remote.handle(bytes, out))
                } else {
                    pdu::encode_err(out, ErrorCode::UnexpectedMessage, None, None);
                    IpspEvent::Remote(Handled::Refused {
                        code: ErrorCode::UnexpectedMessage,
                        reason: "ASP request to the initiating IPSP of a single exchange".into(),
                    })
                }
            }
            Some(Kind::AspUpAck | Kind::AspDnAck | Kind::AspAcAck | Kind::AspIaAck)
                if !requesting =>
            {
                IpspEvent::Local(Event::Ignored(kind.unwrap_or(Kind::AspUpAck)))
            }
            Some(Kind::Beat) => IpspEvent::Remote(self.remote.handle(bytes, out)),
            Some(Kind::Data) => {
                if self.mode == Exchange::SingleInitiator {
                    IpspEvent::Local(self.local.handle(now, bytes, out))
                } else {
                    IpspEvent::Remote(self.remote.handle(bytes, out))
                }
            }
            _ => IpspEvent::Local(self.local.handle(now, bytes, out)),
        }
    }
}

trait MinWith {
    fn min_with(self, o: Self) -> Self;
}

impl MinWith for AspState {
    fn min_with(self, o: AspState) -> AspState {
        use AspState::*;
        match (self, o) {
            (Down, _) | (_, Down) => Down,
            (Inactive, _) | (_, Inactive) => Inactive,
            _ => Active,
        }
    }
}
