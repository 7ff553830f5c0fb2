//! Enumerations and small types common to the CAP operations (TS 29.078 CAP-datatypes and
//! the ETSI CS1/CS2 types it imports): EventTypeBCSM, MonitorMode, LegType, LegID.

use crate::ber::{BerError, BerErrorKind, Result, Tag, Tlv, Writer};
use std::fmt;

/// EventTypeBCSM (TS 29.078 CAP-datatypes). A newtype, not an enum: TS 29.078 says an
/// unrecognised value is treated like no detection point, so unknown values must survive
/// decoding.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EventTypeBcsm(pub u8);

impl EventTypeBcsm {
    pub const COLLECTED_INFO: EventTypeBcsm = EventTypeBcsm(2);
    pub const ANALYZED_INFORMATION: EventTypeBcsm = EventTypeBcsm(3);
    pub const ROUTE_SELECT_FAILURE: EventTypeBcsm = EventTypeBcsm(4);
    pub const O_CALLED_PARTY_BUSY: EventTypeBcsm = EventTypeBcsm(5);
    pub const O_NO_ANSWER: EventTypeBcsm = EventTypeBcsm(6);
    pub const O_ANSWER: EventTypeBcsm = EventTypeBcsm(7);
    pub const O_MID_CALL: EventTypeBcsm = EventTypeBcsm(8);
    pub const O_DISCONNECT: EventTypeBcsm = EventTypeBcsm(9);
    pub const O_ABANDON: EventTypeBcsm = EventTypeBcsm(10);
    pub const TERM_ATTEMPT_AUTHORIZED: EventTypeBcsm = EventTypeBcsm(12);
    pub const T_BUSY: EventTypeBcsm = EventTypeBcsm(13);
    pub const T_NO_ANSWER: EventTypeBcsm = EventTypeBcsm(14);
    pub const T_ANSWER: EventTypeBcsm = EventTypeBcsm(15);
    pub const T_MID_CALL: EventTypeBcsm = EventTypeBcsm(16);
    pub const T_DISCONNECT: EventTypeBcsm = EventTypeBcsm(17);
    pub const T_ABANDON: EventTypeBcsm = EventTypeBcsm(18);
    pub const O_TERM_SEIZED: EventTypeBcsm = EventTypeBcsm(19);
    pub const CALL_ACCEPTED: EventTypeBcsm = EventTypeBcsm(27);
    pub const O_CHANGE_OF_POSITION: EventTypeBcsm = EventTypeBcsm(50);
    pub const T_CHANGE_OF_POSITION: EventTypeBcsm = EventTypeBcsm(51);
    pub const O_SERVICE_CHANGE: EventTypeBcsm = EventTypeBcsm(52);
    pub const T_SERVICE_CHANGE: EventTypeBcsm = EventTypeBcsm(53);

    /// The ASN.1 identifier, `None` for a value TS 29.078 does not define.
    pub fn name(self) -> Option<&'static str> {
        Some(match self.0 {
            2 => "collectedInfo",
            3 => "analyzedInformation",
            4 => "routeSelectFailure",
            5 => "oCalledPartyBusy",
            6 => "oNoAnswer",
            7 => "oAnswer",
            8 => "oMidCall",
            9 => "oDisconnect",
            10 => "oAbandon",
            12 => "termAttemptAuthorized",
            13 => "tBusy",
            14 => "tNoAnswer",
            15 => "tAnswer",
            16 => "tMidCall",
            17 => "tDisconnect",
            18 => "tAbandon",
            19 => "oTermSeized",
            27 => "callAccepted",
            50 => "oChangeOfPosition",
            51 => "tChangeOfPosition",
            52 => "oServiceChange",
            53 => "tServiceChange",
            _ => return None,
        })
    }

    /// Whether the event belongs to the terminating BCSM (T-CSI side).
    pub fn is_terminating(self) -> bool {
        matches!(self.0, 12..=18 | 27 | 51 | 53)
    }

    pub(crate) fn decode(t: &Tlv<'_>) -> Result<EventTypeBcsm> {
        let v = t.as_i64()?;
        u8::try_from(v).map(EventTypeBcsm).map_err(|_| {
            BerError::new(BerErrorKind::Invalid("EventTypeBCSM value"), t.value_offset)
        })
    }
}

impl fmt::Debug for EventTypeBcsm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(n) => write!(f, "{n}({})", self.0),
            None => write!(f, "EventTypeBcsm({})", self.0),
        }
    }
}

impl fmt::Display for EventTypeBcsm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(n) => f.write_str(n),
            None => write!(f, "{}", self.0),
        }
    }
}

/// MonitorMode (TS 29.078 CAP-datatypes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MonitorMode {
    Interrupted = 0,
    NotifyAndContinue = 1,
    Transparent = 2,
}

impl MonitorMode {
    pub(crate) fn decode(t: &Tlv<'_>) -> Result<MonitorMode> {
        match t.as_i64()? {
            0 => Ok(MonitorMode::Interrupted),
            1 => Ok(MonitorMode::NotifyAndContinue),
            2 => Ok(MonitorMode::Transparent),
            _ => Err(BerError::new(
                BerErrorKind::Invalid("MonitorMode value"),
                t.value_offset,
            )),
        }
    }
}

/// LegType ::= OCTET STRING (SIZE(1)); leg1 '01'H (calling side), leg2 '02'H (called side).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LegType(pub u8);

impl LegType {
    pub const LEG1: LegType = LegType(1);
    pub const LEG2: LegType = LegType(2);

    pub(crate) fn decode(t: &Tlv<'_>) -> Result<LegType> {
        match t.value {
            [b] if !t.tag.constructed => Ok(LegType(*b)),
            _ => Err(BerError::new(
                BerErrorKind::Invalid("LegType (1 octet)"),
                t.value_offset,
            )),
        }
    }
}

/// LegID (ETSI CS1-DataTypes): CHOICE { sendingSideID [0] LegType, receivingSideID [1]
/// LegType }. Also used for CAP's SendingSideID ([0] only) and ReceivingSideID ([1] only).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LegId {
    SendingSide(LegType),
    ReceivingSide(LegType),
}

impl LegId {
    /// Decode the CHOICE from the element that carries it (the explicit wrapper's content).
    pub(crate) fn decode_choice(outer: &Tlv<'_>) -> Result<LegId> {
        let mut r = outer.children()?;
        let t = r.next_tlv()?.ok_or(BerError::new(
            BerErrorKind::Missing("LegID alternative"),
            outer.value_offset,
        ))?;
        let leg = match (t.tag.class, t.tag.number) {
            (crate::ber::Class::Context, 0) => LegId::SendingSide(LegType::decode(&t)?),
            (crate::ber::Class::Context, 1) => LegId::ReceivingSide(LegType::decode(&t)?),
            _ => {
                return Err(BerError::new(
                    BerErrorKind::Invalid("LegID alternative"),
                    t.offset,
                ))
            }
        };
        r.finish()?;
        Ok(leg)
    }

    /// Write `[tag] { [0]|[1] LegType }`.
    pub(crate) fn encode_choice(&self, w: &mut Writer<'_>, tag: u32) {
        w.constructed(Tag::ctx_cons(tag), |w| match self {
            LegId::SendingSide(l) => w.primitive(Tag::ctx(0), &[l.0]),
            LegId::ReceivingSide(l) => w.primitive(Tag::ctx(1), &[l.0]),
        });
    }

    pub fn leg(self) -> LegType {
        match self {
            LegId::SendingSide(l) | LegId::ReceivingSide(l) => l,
        }
    }
}
