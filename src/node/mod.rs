//! The signalling node: what arrives in M3UA DATA goes up SCCP → TCAP → the application
//! (CAMEL) → the service, and the answer comes back down. Sans-IO: the caller passes the
//! received Protocol Data and the time, and gets back the messages to send (each tagged with
//! the association to send it on) and the call events to journal.
//!
//! SCCP answers go to the calling address of the received message, from its called address
//! (INTERFACES.md: "SCCP answers with the calling and called addresses swapped"); the MTP3
//! routing label is swapped likewise.

mod camel;
#[cfg(test)]
mod tests;

use crate::m3ua::ProtocolData;
use crate::proto::CallEvent;
use crate::sccp::{self, Unitdata};
use crate::service::{Engine, SubscriberTable};
use crate::tcap::dialogues::{self, Dialogues};
use crate::tcap::itu::{self, MessageType, PAbortCause, TcMessage};
use std::time::{Duration, Instant};

/// Association identifier assigned by the transport glue.
pub type AssocId = u64;

#[derive(Debug, Clone)]
pub struct NodeConfig {
    pub point_code: u32,
    pub camel_ssn: u8,
    pub instance: u8,
    pub max_dialogues: usize,
    pub dialogue_idle: Duration,
}

/// A message for the transport to send as M3UA DATA.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    pub assoc: AssocId,
    pub opc: u32,
    pub dpc: u32,
    pub ni: u8,
    pub sls: u8,
    /// The SCCP message.
    pub sccp: Vec<u8>,
}

impl Outgoing {
    pub fn protocol_data(&self) -> ProtocolData<'_> {
        ProtocolData {
            opc: self.opc,
            dpc: self.dpc,
            si: 3,
            ni: self.ni,
            mp: 0,
            sls: self.sls,
            data: &self.sccp,
        }
    }
}

/// What handling produced. Reused across calls to avoid reallocating.
#[derive(Debug, Default)]
pub struct Effects {
    pub send: Vec<Outgoing>,
    pub events: Vec<CallEvent>,
}

impl Effects {
    pub fn clear(&mut self) {
        self.send.clear();
        self.events.clear();
    }
}

/// Why a received message was not processed normally (for logs and counters). The
/// protocol's own answer, when there is one, is already in [`Effects::send`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Fault {
    #[error("service indicator {0} is not SCCP")]
    NotSccp(u8),
    #[error("SCCP: {0}")]
    Sccp(#[from] sccp::SccpError),
    #[error("SCCP {0} returned a message with cause {1:#04x}")]
    Returned(&'static str, u8),
    #[error("SCCP: segmented XUDT reassembly is not supported yet")]
    Segmented,
    #[error("SCCP: no subsystem {0:?} here")]
    UnknownSubsystem(Option<u8>),
    #[error("TCAP: {0}")]
    Tcap(#[from] itu::TcapError),
    #[error("TCAP: no dialogue with transaction id {0}")]
    UnknownTransaction(String),
    #[error("TCAP: {0} message ignored")]
    Ignored(&'static str),
    #[error("CAP: {0}")]
    Cap(String),
}

/// How to answer the sender of a received message: association, MTP3 label and SCCP
/// addresses, with called/calling and OPC/DPC already swapped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Route {
    assoc: AssocId,
    opc: u32,
    dpc: u32,
    ni: u8,
    sls: u8,
    protocol_class: u8,
    /// Encoded SCCP address to send to (the received calling address).
    to: Vec<u8>,
    /// Encoded SCCP address we answer from (the received called address).
    from: Vec<u8>,
}

impl Route {
    fn new(assoc: AssocId, pd: &ProtocolData<'_>, u: &Unitdata<'_>) -> Route {
        let (mut to, mut from) = (Vec::new(), Vec::new());
        u.calling.encode(&mut to);
        u.called.encode(&mut from);
        Route {
            assoc,
            opc: pd.dpc,
            dpc: pd.opc,
            ni: pd.ni,
            sls: pd.sls,
            // Same class back; the return option stays as the sender chose it.
            protocol_class: u.protocol_class,
            to,
            from,
        }
    }

    /// Wrap a TCAP message in a UDT for this route.
    pub(crate) fn udt(&self, tcap: &[u8]) -> Outgoing {
        let mut sccp = Vec::with_capacity(tcap.len() + self.to.len() + self.from.len() + 8);
        sccp::encode_udt_raw(&mut sccp, self.protocol_class, &self.to, &self.from, tcap);
        Outgoing {
            assoc: self.assoc,
            opc: self.opc,
            dpc: self.dpc,
            ni: self.ni,
            sls: self.sls,
            sccp,
        }
    }
}

pub struct Node {
    cfg: NodeConfig,
    engine: Engine,
    dialogues: Dialogues<camel::CapDialogue>,
    scratch: Vec<u8>,
}

impl Node {
    pub fn new(cfg: NodeConfig, subscribers: SubscriberTable, boot_ms: i64) -> Node {
        Node {
            engine: Engine::new(subscribers, cfg.instance, boot_ms),
            dialogues: Dialogues::new(cfg.instance, cfg.max_dialogues, cfg.dialogue_idle),
            scratch: Vec::with_capacity(512),
            cfg,
        }
    }

    pub fn open_dialogues(&self) -> usize {
        self.dialogues.len()
    }

    /// Handle one M3UA DATA payload received on `assoc`.
    pub fn on_data(
        &mut self,
        assoc: AssocId,
        pd: &ProtocolData<'_>,
        now: Instant,
        now_ms: i64,
        fx: &mut Effects,
    ) -> Result<(), Fault> {
        if pd.si != 3 {
            return Err(Fault::NotSccp(pd.si));
        }
        let u = Unitdata::decode(pd.data)?;
        if u.is_service() {
            // Q.714 §4.2: one of ours came back. TC-NOTICE handling comes with the TCAP
            // issue; the dialogue times out meanwhile.
            return Err(Fault::Returned(u.type_name(), u.return_cause.unwrap_or(0)));
        }
        let route = Route::new(assoc, pd, &u);
        if let Some(s) = u.segmentation {
            if !(s.first && s.remaining == 0) {
                self.return_udts(&route, &u, sccp::cause::ERROR_IN_LOCAL_PROCESSING, fx);
                return Err(Fault::Segmented);
            }
        }
        // Route on SSN must name our CAMEL subsystem; a GT-routed message is ours after
        // translation if it names no other SSN.
        let ssn_ok = match u.called.ssn {
            Some(s) => s == self.cfg.camel_ssn,
            None => !u.called.route_on_ssn,
        };
        if !ssn_ok {
            self.return_udts(&route, &u, sccp::cause::UNEQUIPPED_USER, fx);
            return Err(Fault::UnknownSubsystem(u.called.ssn));
        }
        let msg = match TcMessage::decode(u.data) {
            Ok(m) => m,
            Err(e) => {
                // Q.774 §3.2.1.2: answer with a P-Abort if the originating id is known.
                if let Some(otid) = salvage_otid(u.data) {
                    self.send_p_abort(fx, &route, otid, e.p_abort_cause());
                }
                return Err(e.into());
            }
        };
        match msg.kind {
            MessageType::Begin => camel::begin(self, &route, &msg, now, now_ms, fx),
            MessageType::Continue | MessageType::End | MessageType::Abort => {
                let dtid = msg.dtid.unwrap_or_default();
                let Some(local) = dialogues::parse_local_tid(dtid)
                    .filter(|l| self.dialogues.touch(*l, now).is_some())
                else {
                    if let (MessageType::Continue, Some(otid)) = (msg.kind, msg.otid) {
                        self.send_p_abort(fx, &route, otid, PAbortCause::UnrecognizedTransactionId);
                    }
                    return Err(Fault::UnknownTransaction(crate::ber::hex(dtid)));
                };
                camel::subsequent(self, local, &msg, now_ms, fx)
            }
            MessageType::Unidirectional => Err(Fault::Ignored("Unidirectional")),
        }
    }

    /// Close dialogues that went quiet: each gets a U-Abort and a DIALOGUE_TIMED_OUT event.
    pub fn on_tick(&mut self, now: Instant, now_ms: i64, fx: &mut Effects) {
        for d in self.dialogues.expire(now) {
            camel::timed_out(self, d, now_ms, fx);
        }
    }

    /// Shutdown: end every open dialogue with a basic TC-END (the switch continues the call
    /// without us, TS 23.078 §4.5.2), so no switch is left waiting.
    pub fn shutdown(&mut self, fx: &mut Effects) {
        for d in self.dialogues.drain() {
            let h = Header {
                kind: MessageType::End,
                otid: None,
                dtid: Some(d.peer.as_bytes()),
                dialogue: None,
            };
            self.send_tcap(fx, &d.user.route, h, |_| {});
        }
    }

    /// Encode a TCAP message into the scratch buffer and queue it, in a UDT, on `route`.
    pub(crate) fn send_tcap(
        &mut self,
        fx: &mut Effects,
        route: &Route,
        h: Header<'_>,
        components: impl FnOnce(&mut crate::ber::Writer<'_>),
    ) {
        self.scratch.clear();
        itu::encode(
            &mut self.scratch,
            h.kind,
            h.otid,
            h.dtid,
            h.dialogue,
            components,
        );
        fx.send.push(route.udt(&self.scratch));
    }

    /// Queue a P-Abort (Q.773 §4.2.1.3) to the transaction `dtid` of `route`.
    fn send_p_abort(&mut self, fx: &mut Effects, route: &Route, dtid: &[u8], cause: PAbortCause) {
        self.scratch.clear();
        itu::encode_p_abort(&mut self.scratch, dtid, cause);
        fx.send.push(route.udt(&self.scratch));
    }

    fn return_udts(&mut self, route: &Route, u: &Unitdata<'_>, cause: u8, fx: &mut Effects) {
        if !u.return_on_error() {
            return;
        }
        let mut sccp = Vec::with_capacity(u.data.len() + 32);
        // Returned to the originator: its calling address becomes the called address.
        sccp::encode_udts(&mut sccp, cause, &u.calling, &u.called, u.data);
        fx.send.push(Outgoing {
            assoc: route.assoc,
            opc: route.opc,
            dpc: route.dpc,
            ni: route.ni,
            sls: route.sls,
            sccp,
        });
    }
}

/// The transaction portion of a message we send.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Header<'x> {
    pub kind: MessageType,
    pub otid: Option<&'x [u8]>,
    pub dtid: Option<&'x [u8]>,
    pub dialogue: Option<itu::DialogueOut<'x>>,
}

/// The originating transaction id of a message that failed to decode, if its first
/// elements can still be read (Q.774 §3.2.1.2 answers only when it can).
fn salvage_otid(data: &[u8]) -> Option<&[u8]> {
    let (top, _) = crate::ber::Tlv::parse(data, 0).ok()?;
    if !top.tag.constructed {
        return None;
    }
    let mut r = crate::ber::Reader::new(top.value);
    let first = r.next_tlv().ok()??;
    (first.tag.is(itu::tags::OTID) && (1..=4).contains(&first.value.len())).then_some(first.value)
}
