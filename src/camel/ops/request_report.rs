//! RequestReportBCSMEvent (TS 29.078 §6.1.1, opcode 23): the BCSMEvents the gsmSCF arms
//! and their DP-specific criteria.

use super::{contents, ctx, invalid, octets, put_cons, put_null, put_prim, sequence, small_enum};
use crate::ber::{BerError, BerErrorKind, Result, Tag, Tlv, Writer};
use crate::camel::{EventTypeBcsm, LegId, MonitorMode};

/// BCSMEvent (TS 29.078 CAP-datatypes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BcsmEvent<'a> {
    /// [0] eventTypeBCSM.
    pub event_type: EventTypeBcsm,
    /// [1] monitorMode.
    pub monitor_mode: MonitorMode,
    /// [2] legID (CHOICE; the gsmSCF sends sendingSideID).
    pub leg_id: Option<LegId>,
    /// [30] dpSpecificCriteria: contents of the CHOICE, opaque; see
    /// [`BcsmEvent::application_timer`].
    pub dp_specific_criteria: Option<&'a [u8]>,
    /// [50] automaticRearm NULL.
    pub automatic_rearm: bool,
}

impl<'a> BcsmEvent<'a> {
    /// An event armed on a leg, without DP-specific criteria.
    pub fn new(event_type: EventTypeBcsm, monitor_mode: MonitorMode, leg: Option<LegId>) -> Self {
        BcsmEvent {
            event_type,
            monitor_mode,
            leg_id: leg,
            dp_specific_criteria: None,
            automatic_rearm: false,
        }
    }

    fn decode(t: &Tlv<'a>) -> Result<BcsmEvent<'a>> {
        t.expect(Tag::SEQUENCE)?;
        let (mut et, mut mm) = (None, None);
        let mut e = BcsmEvent::new(EventTypeBcsm(0), MonitorMode::Interrupted, None);
        for m in t.children()? {
            let m = m?;
            match ctx(&m) {
                Some(0) => et = Some(EventTypeBcsm::decode(&m)?),
                Some(1) => mm = Some(MonitorMode::decode(&m)?),
                Some(2) => e.leg_id = Some(LegId::decode_choice(&m)?),
                Some(30) => e.dp_specific_criteria = Some(contents(&m, "dpSpecificCriteria")?),
                Some(50) => e.automatic_rearm = m.as_null().map(|_| true)?,
                _ => {}
            }
        }
        e.event_type = et.ok_or(BerError::new(
            BerErrorKind::Missing("eventTypeBCSM"),
            t.value_offset,
        ))?;
        e.monitor_mode = mm.ok_or(BerError::new(
            BerErrorKind::Missing("monitorMode"),
            t.value_offset,
        ))?;
        Ok(e)
    }

    fn encode(&self, w: &mut Writer<'_>) {
        w.constructed(Tag::SEQUENCE, |w| {
            w.integer(Tag::ctx(0), i64::from(self.event_type.0));
            w.integer(Tag::ctx(1), self.monitor_mode as i64);
            if let Some(l) = &self.leg_id {
                l.encode_choice(w, 2);
            }
            put_cons(w, 30, self.dp_specific_criteria);
            put_null(w, 50, self.automatic_rearm);
        });
    }

    /// dpSpecificCriteria's applicationTimer [1] (seconds, the no-answer timer), if that is
    /// the alternative present.
    pub fn application_timer(&self) -> Option<u16> {
        let t = Tlv::parse_single(self.dp_specific_criteria?).ok()?;
        if ctx(&t) == Some(1) && !t.tag.constructed {
            u16::try_from(t.as_i64().ok()?).ok()
        } else {
            None
        }
    }
}

/// DpSpecificCriteria (CHOICE), the criteria a BCSMEvent is armed with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DpSpecificCriteria<'a> {
    /// [1] applicationTimer (0..2047 s): the no-answer timer for o/tNoAnswer.
    ApplicationTimer(u16),
    /// [2] midCallControlInfo (CAP v4): DTMF collection for o/tMidCall.
    MidCallControlInfo {
        /// [0] minimumNumberOfDigits DEFAULT 1.
        minimum_number_of_digits: Option<u8>,
        /// [1] maximumNumberOfDigits DEFAULT 30.
        maximum_number_of_digits: Option<u8>,
        /// [2] endOfReplyDigit, [3] cancelDigit, [4] startDigit (1..2 octets each).
        end_of_reply_digit: Option<&'a [u8]>,
        cancel_digit: Option<&'a [u8]>,
        start_digit: Option<&'a [u8]>,
        /// [6] interDigitTimeout DEFAULT 10 s.
        inter_digit_timeout: Option<u8>,
    },
    /// [3] dpSpecificCriteriaAlt (CAP v4).
    Alt {
        /// [0] changeOfPositionControlInfo contents, opaque.
        change_of_position_control_info: Option<&'a [u8]>,
        /// [1] numberOfDigits (1..255) for collectedInfo.
        number_of_digits: Option<u8>,
        /// [2] interDigitTimeout (1..127 s).
        inter_digit_timeout: Option<u8>,
    },
}

impl<'a> DpSpecificCriteria<'a> {
    /// Decode the CHOICE from the [30] wrapper's contents (as kept in
    /// [`BcsmEvent::dp_specific_criteria`]).
    pub fn decode(contents_: &'a [u8], offset: usize) -> Result<DpSpecificCriteria<'a>> {
        let mut r = crate::ber::Reader::with_base(contents_, offset);
        let t = r.next_tlv()?.ok_or(BerError::new(
            BerErrorKind::Missing("dpSpecificCriteria alternative"),
            offset,
        ))?;
        r.finish()?;
        Ok(match ctx(&t) {
            Some(1) => DpSpecificCriteria::ApplicationTimer(
                u16::try_from(t.as_i64()?)
                    .map_err(|_| invalid("applicationTimer", t.value_offset))?,
            ),
            Some(2) => {
                let (mut min, mut max, mut eor, mut cancel, mut start, mut idt) =
                    (None, None, None, None, None, None);
                for m in t.children()? {
                    let m = m?;
                    match ctx(&m) {
                        Some(0) => min = Some(small_enum(&m, "minimumNumberOfDigits")?),
                        Some(1) => max = Some(small_enum(&m, "maximumNumberOfDigits")?),
                        Some(2) => eor = Some(octets(&m, "endOfReplyDigit")?),
                        Some(3) => cancel = Some(octets(&m, "cancelDigit")?),
                        Some(4) => start = Some(octets(&m, "startDigit")?),
                        Some(6) => idt = Some(small_enum(&m, "interDigitTimeout")?),
                        _ => {}
                    }
                }
                DpSpecificCriteria::MidCallControlInfo {
                    minimum_number_of_digits: min,
                    maximum_number_of_digits: max,
                    end_of_reply_digit: eor,
                    cancel_digit: cancel,
                    start_digit: start,
                    inter_digit_timeout: idt,
                }
            }
            Some(3) => {
                let (mut cop, mut nod, mut idt) = (None, None, None);
                for m in t.children()? {
                    let m = m?;
                    match ctx(&m) {
                        Some(0) => cop = Some(contents(&m, "changeOfPositionControlInfo")?),
                        Some(1) => nod = Some(small_enum(&m, "numberOfDigits")?),
                        Some(2) => idt = Some(small_enum(&m, "interDigitTimeout")?),
                        _ => {}
                    }
                }
                DpSpecificCriteria::Alt {
                    change_of_position_control_info: cop,
                    number_of_digits: nod,
                    inter_digit_timeout: idt,
                }
            }
            _ => return Err(invalid("dpSpecificCriteria alternative", t.offset)),
        })
    }

    /// Write the CHOICE (the [30] wrapper's contents).
    pub fn encode(&self, w: &mut Writer<'_>) {
        match *self {
            DpSpecificCriteria::ApplicationTimer(t) => w.integer(Tag::ctx(1), i64::from(t)),
            DpSpecificCriteria::MidCallControlInfo {
                minimum_number_of_digits,
                maximum_number_of_digits,
                end_of_reply_digit,
                cancel_digit,
                start_digit,
                inter_digit_timeout,
            } => w.constructed(Tag::ctx_cons(2), |w| {
                if let Some(v) = minimum_number_of_digits {
                    w.integer(Tag::ctx(0), i64::from(v));
                }
                if let Some(v) = maximum_number_of_digits {
                    w.integer(Tag::ctx(1), i64::from(v));
                }
                put_prim(w, 2, end_of_reply_digit);
                put_prim(w, 3, cancel_digit);
                put_prim(w, 4, start_digit);
                if let Some(v) = inter_digit_timeout {
                    w.integer(Tag::ctx(6), i64::from(v));
                }
            }),
            DpSpecificCriteria::Alt {
                change_of_position_control_info,
                number_of_digits,
                inter_digit_timeout,
            } => w.constructed(Tag::ctx_cons(3), |w| {
                put_cons(w, 0, change_of_position_control_info);
                if let Some(v) = number_of_digits {
                    w.integer(Tag::ctx(1), i64::from(v));
                }
                if let Some(v) = inter_digit_timeout {
                    w.integer(Tag::ctx(2), i64::from(v));
                }
            }),
        }
    }

    /// The encoded CHOICE, to put in [`BcsmEvent::dp_specific_criteria`].
    pub fn to_contents(&self) -> Vec<u8> {
        let mut v = Vec::with_capacity(8);
        self.encode(&mut Writer::new(&mut v));
        v
    }
}

impl<'a> BcsmEvent<'a> {
    /// dpSpecificCriteria decoded, if present.
    pub fn criteria(&self) -> Option<Result<DpSpecificCriteria<'a>>> {
        self.dp_specific_criteria
            .map(|c| DpSpecificCriteria::decode(c, 0))
    }
}

/// RequestReportBCSMEventArg (opcode 23).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RequestReportBcsmEventArg<'a> {
    /// [0] bcsmEvents (1..30).
    pub events: Vec<BcsmEvent<'a>>,
    /// [2] extensions, opaque contents.
    pub extensions: Option<&'a [u8]>,
}

impl<'a> RequestReportBcsmEventArg<'a> {
    pub fn decode(param: Tlv<'a>) -> Result<RequestReportBcsmEventArg<'a>> {
        let mut a = RequestReportBcsmEventArg::default();
        let mut have_events = false;
        for m in sequence(&param)? {
            let m = m?;
            match ctx(&m) {
                Some(0) => {
                    have_events = true;
                    for e in m.children()? {
                        a.events.push(BcsmEvent::decode(&e?)?);
                    }
                }
                Some(2) => a.extensions = Some(contents(&m, "extensions")?),
                _ => {}
            }
        }
        if !have_events || a.events.is_empty() {
            return Err(BerError::new(
                BerErrorKind::Missing("bcsmEvents"),
                param.value_offset,
            ));
        }
        Ok(a)
    }

    pub fn decode_bytes(buf: &'a [u8]) -> Result<RequestReportBcsmEventArg<'a>> {
        RequestReportBcsmEventArg::decode(Tlv::parse_single(buf)?)
    }

    pub fn encode(&self, w: &mut Writer<'_>) {
        Self::encode_events(&self.events, self.extensions, w);
    }

    /// Encode from a caller's slice of events (no `Vec` needed on the sending side).
    pub fn encode_events(events: &[BcsmEvent<'_>], extensions: Option<&[u8]>, w: &mut Writer<'_>) {
        w.constructed(Tag::SEQUENCE, |w| {
            w.constructed(Tag::ctx_cons(0), |w| {
                for e in events {
                    e.encode(w);
                }
            });
            put_cons(w, 2, extensions);
        });
    }
}
