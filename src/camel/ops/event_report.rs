//! EventReportBCSM (TS 29.078 §6.1.1, opcode 24): the report of an armed event and its
//! MiscCallInfo (request or notification); the event-specific information is in
//! `event_specific`.

use super::event_specific::EventSpecificInfo;
use super::{contents, ctx, invalid, put_cons, sequence, small_enum};
use crate::ber::{BerError, BerErrorKind, Result, Tag, Tlv, Writer};
use crate::camel::{EventTypeBcsm, LegId, LegType};

/// MiscCallInfo (ETSI CS2-datatypes): messageType [0] request(0)/notification(1),
/// dpAssignment [1] OPTIONAL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MiscCallInfo {
    /// `true` for notification (no answer expected), `false` for request (interrupted mode).
    pub notification: bool,
    /// dpAssignment: individualLine(0), groupBased(1), officeBased(2).
    pub dp_assignment: Option<u8>,
}

impl MiscCallInfo {
    pub const REQUEST: MiscCallInfo = MiscCallInfo {
        notification: false,
        dp_assignment: None,
    };
    pub const NOTIFICATION: MiscCallInfo = MiscCallInfo {
        notification: true,
        dp_assignment: None,
    };

    fn decode(t: &Tlv<'_>) -> Result<MiscCallInfo> {
        let mut notification = None;
        let mut dp_assignment = None;
        for m in t.children()? {
            let m = m?;
            match ctx(&m) {
                Some(0) => match m.as_i64()? {
                    0 => notification = Some(false),
                    1 => notification = Some(true),
                    _ => return Err(invalid("messageType value", m.value_offset)),
                },
                Some(1) => dp_assignment = Some(small_enum(&m, "dpAssignment")?),
                _ => {}
            }
        }
        Ok(MiscCallInfo {
            notification: notification.ok_or(BerError::new(
                BerErrorKind::Missing("messageType"),
                t.value_offset,
            ))?,
            dp_assignment,
        })
    }

    fn encode(&self, w: &mut Writer<'_>, tag: u32) {
        w.constructed(Tag::ctx_cons(tag), |w| {
            w.integer(Tag::ctx(0), i64::from(self.notification));
            if let Some(d) = self.dp_assignment {
                w.integer(Tag::ctx(1), i64::from(d));
            }
        });
    }
}

/// EventReportBCSMArg (opcode 24).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventReportBcsmArg<'a> {
    /// [0] eventTypeBCSM.
    pub event_type: EventTypeBcsm,
    /// [2] eventSpecificInformationBCSM.
    pub event_specific_information: Option<EventSpecificInfo<'a>>,
    /// [3] legID (ReceivingSideID: the gsmSSF sends receivingSideID).
    pub leg_id: Option<LegId>,
    /// [4] miscCallInfo; absent means the DEFAULT {messageType request}.
    pub misc_call_info: Option<MiscCallInfo>,
    /// [5] extensions, opaque contents.
    pub extensions: Option<&'a [u8]>,
}

impl<'a> EventReportBcsmArg<'a> {
    /// A report of `event_type` on `leg` (receivingSideID).
    pub fn new(event_type: EventTypeBcsm, leg: LegType) -> Self {
        EventReportBcsmArg {
            event_type,
            event_specific_information: None,
            leg_id: Some(LegId::ReceivingSide(leg)),
            misc_call_info: None,
            extensions: None,
        }
    }

    pub fn decode(param: Tlv<'a>) -> Result<EventReportBcsmArg<'a>> {
        let mut et = None;
        let mut a = EventReportBcsmArg::new(EventTypeBcsm(0), LegType::LEG1);
        a.leg_id = None;
        for m in sequence(&param)? {
            let m = m?;
            match ctx(&m) {
                Some(0) => et = Some(EventTypeBcsm::decode(&m)?),
                Some(2) => a.event_specific_information = Some(EventSpecificInfo::decode(&m)?),
                Some(3) => a.leg_id = Some(LegId::decode_choice(&m)?),
                Some(4) => a.misc_call_info = Some(MiscCallInfo::decode(&m)?),
                Some(5) => a.extensions = Some(contents(&m, "extensions")?),
                _ => {}
            }
        }
        a.event_type = et.ok_or(BerError::new(
            BerErrorKind::Missing("eventTypeBCSM"),
            param.value_offset,
        ))?;
        Ok(a)
    }

    pub fn decode_bytes(buf: &'a [u8]) -> Result<EventReportBcsmArg<'a>> {
        EventReportBcsmArg::decode(Tlv::parse_single(buf)?)
    }

    pub fn encode(&self, w: &mut Writer<'_>) {
        w.constructed(Tag::SEQUENCE, |w| {
            w.integer(Tag::ctx(0), i64::from(self.event_type.0));
            if let Some(e) = &self.event_specific_information {
                e.encode(w);
            }
            if let Some(l) = &self.leg_id {
                l.encode_choice(w, 3);
            }
            if let Some(m) = &self.misc_call_info {
                m.encode(w, 4);
            }
            put_cons(w, 5, self.extensions);
        });
    }

    /// Whether the gsmSSF waits for instructions (messageType request, the default).
    pub fn is_request(&self) -> bool {
        !self.misc_call_info.is_some_and(|m| m.notification)
    }
}
