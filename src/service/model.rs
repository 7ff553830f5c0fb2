//! The call model's types. Numbers are kept as [`CompactString`]s: a followed call keeps its
//! trigger's details for the rest of the call (every later event repeats them), and inline
//! strings keep an open call small (README: memory per open dialogue).

use crate::digits::Digits;
pub use compact_str::CompactString;
use std::fmt;
use std::sync::Arc;

/// Which protocol a switch spoke.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Protocol {
    #[default]
    Unspecified,
    Camel,
    Ain,
    /// Core INAP CS-1 (ETS 300 374-1).
    Inap,
    /// WIN (TIA/EIA-41-D, IS-771) from an ANSI-41 MSC.
    Win,
}

/// The half call the trigger belongs to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Direction {
    #[default]
    Unspecified,
    Originating,
    Terminating,
}

/// Nature of address, the same whatever the protocol coded (ISUP Q.763 §3.9: 4 is
/// international; TS 29.002 / 24.008: 1 is international).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum NatureOfAddress {
    #[default]
    Unspecified,
    Unknown,
    Subscriber,
    National,
    International,
    NetworkSpecific,
    Abbreviated,
    Other,
}

/// What an event reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventKind {
    /// A switch raised a trigger.
    Trigger,
    Answered,
    Disconnected,
    Busy,
    NoAnswer,
    Abandoned,
    RouteSelectFailure,
    /// The dialogue with the switch ended abnormally (abort, reject, SCCP return).
    DialogueAborted,
    DialogueTimedOut,
    /// scpd answered a held trigger (the data-session server's decision or the fallback).
    Routed,
    /// A trigger on a live routing number was routed to the number's target.
    TransferLeg,
}

/// How an enrolled subscriber's calls are handled.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Policy {
    /// Not enrolled, or no policy given: as `Pass`.
    #[default]
    Unspecified,
    /// Report the trigger only; the call continues.
    Pass,
    /// Also arm call-state reports.
    Monitor,
    /// Route via an anchor number bound to the called number.
    Anchor,
    /// Ask the data-session server (deadline, then fallback).
    Decide,
}

/// A device of the user a call can move to; opaque to scpd.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Terminal {
    pub id: String,
    pub label: String,
}

/// An enrolled number and how its calls are handled.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Subscriber {
    pub number: String,
    pub user: String,
    pub policy: Policy,
    pub terminals: Vec<Terminal>,
    /// The tenant it belongs to (`[[tenants]]`; empty without them).
    pub tenant: String,
}

/// A party number as the switch sent it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Party {
    pub digits: CompactString,
    /// Nature of address as coded on the wire (its meaning depends on the protocol).
    pub nature: u8,
    /// The same, protocol-neutral: filled by the adapter that knows the coding.
    pub noa: NatureOfAddress,
    pub plan: u8,
    pub presentation: u8,
}

impl Party {
    /// A number scpd routes to: international format, E.164 plan (what Connect and
    /// Analyze_Route carry, and what routing-number targets are).
    pub fn destination(d: &Digits) -> Party {
        Party {
            digits: d.as_str().into(),
            nature: 0,
            noa: NatureOfAddress::International,
            plan: 1,
            presentation: 0,
        }
    }
}

/// Where a mobile subscriber is, as the switch reported it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Location {
    pub mcc: CompactString,
    pub mnc: CompactString,
    pub lac: u16,
    pub cell_id: u16,
    pub vlr: CompactString,
}

/// What a switch's query tells us about a call (CAMEL InitialDP, AIN Info_Analyzed, ...).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Trigger {
    pub protocol: Protocol,
    /// e.g. "CAP v2".
    pub version: &'static str,
    pub direction: Direction,
    /// The detection point as the protocol names it.
    pub trigger: &'static str,
    pub service_key: u32,
    pub calling: Option<Party>,
    pub called: Option<Party>,
    /// The line the trigger is subscribed on, when the protocol names it apart from the
    /// parties (AIN UserID, GR-1299); otherwise the calling party of an originating trigger
    /// and the called party of a terminating one are served. Boxed: only AIN (and WIN, when
    /// the mobile is neither party) has it.
    pub served: Option<Box<Party>>,
    /// Boxed: seldom present, and a followed call keeps its trigger.
    pub original_called: Option<Box<Party>>,
    pub redirecting: Option<Box<Party>>,
    pub location_number: Option<Box<Party>>,
    pub imsi: Option<CompactString>,
    pub imei: Option<CompactString>,
    /// ANSI-41 MobileIdentificationNumber (WIN).
    pub min: Option<CompactString>,
    pub switch_address: Option<Party>,
    pub location: Option<Location>,
    /// Call reference number, hex.
    pub call_reference: Option<CompactString>,
    /// Optional members of the query that did not decode: the call went on without them.
    pub malformed: Box<[MalformedMember]>,
}

/// An optional member of a switch's query that did not decode, kept as received with why
/// (lenient in: it costs the member, not the call).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MalformedMember {
    /// Its ASN.1 name, nested members with their parents' (`locationInformation.vlr-number`).
    pub member: &'static str,
    /// Its whole encoding (tag, length, contents).
    pub raw: Box<[u8]>,
    /// Why it did not decode.
    pub fault: String,
}

impl MalformedMember {
    /// The service's copy of a codec's note.
    pub fn from_ber(m: &crate::ber::Malformed<'_>) -> MalformedMember {
        MalformedMember {
            member: m.member,
            raw: m.raw.into(),
            fault: m.fault.to_string(),
        }
    }
}

/// What the switch is told to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Instruction {
    /// Default call handling.
    Continue,
    /// Arm answer and disconnect reporting, then continue.
    Monitor,
    /// Route to another number (CAMEL Connect without oCSIApplicable, AIN Analyze_Route), so
    /// the new leg does not trigger the subscriber's O-CSI again (DESIGN.md flow 4).
    Connect(Digits),
    /// Release the call with a Q.850 cause.
    Release(u8),
}

impl Instruction {
    pub fn name(&self) -> &'static str {
        match self {
            Instruction::Continue => "continue",
            Instruction::Monitor => "monitor",
            Instruction::Connect(_) => "connect",
            Instruction::Release(_) => "release",
        }
    }
}

/// A call-state change reported by the switch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallState {
    Answered,
    /// Q.850 cause if the switch sent one.
    Disconnected(Option<u8>),
    Busy(Option<u8>),
    NoAnswer,
    Abandoned,
    RouteSelectFailure(Option<u8>),
    /// The dialogue ended abnormally (abort, reject).
    Aborted,
    /// The switch went quiet past the dialogue idle timer.
    TimedOut,
}

/// A call's id: unique across restarts (boot time), instances (prefix) and shards (the
/// sequence is interleaved), readable in logs: `00-18c1f9a3b2e-42`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CallId {
    pub instance: u8,
    pub boot_ms: i64,
    pub seq: u64,
}

impl fmt::Display for CallId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02x}-{:x}-{}", self.instance, self.boot_ms, self.seq)
    }
}

/// What every event of a call repeats: its id, the trigger's details and the subscriber as
/// enrolled when the call began. Shared by the call and its events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallInfo {
    pub id: CallId,
    pub trigger: Trigger,
    pub subscriber: Option<Arc<Subscriber>>,
    /// The other party (called of an originating trigger, calling of a terminating one)
    /// when it is enrolled too: its tenant is told of the call as well.
    pub other: Option<Arc<Subscriber>>,
}

impl CallInfo {
    /// The tenants the call concerns: the served subscriber's (empty if it is no tenant's),
    /// then the other party's if it is another tenant's; none when no tenant is concerned
    /// (always, without `[[tenants]]`).
    pub fn tenants(&self) -> impl Iterator<Item = &str> {
        let served = self.subscriber.as_deref().map(|s| s.tenant.as_str());
        let other = self.other.as_deref().map(|s| s.tenant.as_str());
        let other = other.filter(|o| !o.is_empty() && Some(*o) != served);
        let any = other.is_some() || served.is_some_and(|s| !s.is_empty());
        served.into_iter().chain(other).filter(move |_| any)
    }

    /// The served subscriber's tenant ("" when none).
    pub fn tenant(&self) -> &str {
        self.subscriber.as_deref().map_or("", |s| &s.tenant)
    }
}

/// One call event, as the service produces it (the store gives it its sequence number).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub call: Arc<CallInfo>,
    pub kind: EventKind,
    /// Milliseconds since the Unix epoch when scpd received the message.
    pub timestamp_ms: i64,
    /// Q.850 cause of a release or of DISCONNECTED/BUSY/...
    pub cause: Option<u8>,
    /// Seconds from ANSWERED to DISCONNECTED.
    pub duration_seconds: u32,
    /// What scpd answered the switch with (TRIGGER, ROUTED, TRANSFER_LEG).
    pub instruction: Option<Instruction>,
    /// The routing number the call hit or was routed via.
    pub routing_number: CompactString,
    /// TRANSFER_LEG: the call the routing number was allocated for.
    pub linked_call_id: String,
    /// Answered while overloaded, the cheapest safe way (see [`super::Engine::set_shedding`]).
    pub shed: bool,
    /// Optional members of the report this event came from that did not decode (lenient
    /// in, as for the trigger's, which the call keeps). Empty, unallocated, for most.
    pub malformed: Box<[MalformedMember]>,
}

impl Event {
    /// An event of `call` with nothing but its kind and time.
    pub fn new(call: Arc<CallInfo>, kind: EventKind, timestamp_ms: i64) -> Event {
        Event {
            call,
            kind,
            timestamp_ms,
            cause: None,
            duration_seconds: 0,
            instruction: None,
            routing_number: CompactString::default(),
            linked_call_id: String::new(),
            shed: false,
            malformed: Box::default(),
        }
    }

    /// A TRIGGER event of call `seq` with no details (tests of what carries events).
    #[cfg(test)]
    pub(crate) fn bare(seq: u64) -> Event {
        let id = CallId {
            instance: 0,
            boot_ms: 0,
            seq,
        };
        let info = CallInfo {
            id,
            trigger: Trigger::default(),
            subscriber: None,
            other: None,
        };
        Event::new(Arc::new(info), EventKind::Trigger, 0)
    }

    /// Where the switch was told to route (Connect).
    pub fn destination(&self) -> Option<Party> {
        match &self.instruction {
            Some(Instruction::Connect(d)) => Some(Party::destination(d)),
            _ => None,
        }
    }
}

/// One call as the service follows it, kept by the TC-user with its dialogue.
#[derive(Debug, Clone)]
pub struct Call {
    pub(crate) info: Arc<CallInfo>,
    pub(crate) answered_ms: Option<i64>,
}

impl Call {
    pub fn id(&self) -> CallId {
        self.info.id
    }
    pub fn info(&self) -> &Arc<CallInfo> {
        &self.info
    }
}

/// The data-session server's decision on a held trigger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// Default call handling; `monitor` also arms call-state reports.
    Continue { monitor: bool },
    /// Route to these digits (international format).
    ConnectTo(String),
    /// Release with this Q.850 cause (1..127).
    Release(u32),
    /// Route to the target of this live routing number (consuming it).
    RoutingNumber(String),
}
