//! CallInformationRequest (TS 29.078 §6.1.1, opcode 45) and CallInformationReport (opcode
//! 44): the call data the gsmSCF asks for and the gsmSSF reports.

use super::missing;
use crate::ber::{Result, Tag, Tlv, Writer};
use crate::camel::list::List;
use crate::camel::numbers::Cause;
use crate::camel::ops::{
    cause, contents, ctx, invalid, octets, put_cons, sequence, small_enum, Scratch,
};
use crate::camel::{LegId, LegType};

/// RequestedInformationType values.
pub mod requested_info {
    pub const CALL_ATTEMPT_ELAPSED_TIME: u8 = 0;
    pub const CALL_STOP_TIME: u8 = 1;
    pub const CALL_CONNECTED_ELAPSED_TIME: u8 = 2;
    pub const RELEASE_CAUSE: u8 = 30;
}

/// CallInformationRequestArg (opcode 45).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CallInformationRequestArg<'a> {
    /// [0] requestedInformationTypeList (1..4 of [`requested_info`]).
    pub requested_information_types: List<u8, 4>,
    /// [2] extensions, opaque contents.
    pub extensions: Option<&'a [u8]>,
    /// [3] legID SendingSideID; absent means the DEFAULT leg2.
    pub leg_id: Option<LegType>,
}

impl<'a> CallInformationRequestArg<'a> {
    pub fn decode(param: Tlv<'a>) -> Result<CallInformationRequestArg<'a>> {
        let mut a = CallInformationRequestArg::default();
        let mut have = false;
        for m in sequence(&param)? {
            let m = m?;
            match ctx(&m) {
                Some(0) => {
                    have = true;
                    for t in m.children()? {
                        let t = t?;
                        t.expect(Tag::ENUMERATED)?;
                        a.requested_information_types
                            .push_at(small_enum(&t, "requestedInformationType")?, t.offset)?;
                    }
                }
                Some(2) => a.extensions = Some(contents(&m, "extensions")?),
                Some(3) => a.leg_id = Some(LegId::decode_choice(&m)?.leg()),
                _ => {}
            }
        }
        if !have || a.requested_information_types.is_empty() {
            return Err(missing("requestedInformationTypeList", param.value_offset));
        }
        Ok(a)
    }

    pub fn decode_bytes(buf: &'a [u8]) -> Result<CallInformationRequestArg<'a>> {
        CallInformationRequestArg::decode(Tlv::parse_single(buf)?)
    }

    pub fn encode(&self, w: &mut Writer<'_>) {
        w.constructed(Tag::SEQUENCE, |w| {
            w.constructed(Tag::ctx_cons(0), |w| {
                for t in &self.requested_information_types {
                    w.integer(Tag::ENUMERATED, i64::from(*t));
                }
            });
            put_cons(w, 2, self.extensions);
            if let Some(l) = self.leg_id {
                LegId::SendingSide(l).encode_choice(w, 3);
            }
        });
    }
}

/// RequestedInformationValue (CHOICE).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestedInformationValue<'a> {
    /// [0] callAttemptElapsedTimeValue, seconds (0..255).
    CallAttemptElapsedTime(u8),
    /// [1] callStopTimeValue DateAndTime (7 octets swapped BCD YYYYMMDDhhmmss).
    CallStopTime(&'a [u8]),
    /// [2] callConnectedElapsedTimeValue, units of 100 ms.
    CallConnectedElapsedTime(u32),
    /// [30] releaseCauseValue.
    ReleaseCause(Cause<'a>),
}

/// One RequestedInformation { requestedInformationType [0], requestedInformationValue [1] }.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestedInformation<'a> {
    pub info_type: u8,
    pub value: RequestedInformationValue<'a>,
}

impl Default for RequestedInformation<'_> {
    fn default() -> Self {
        RequestedInformation {
            info_type: 0,
            value: RequestedInformationValue::CallAttemptElapsedTime(0),
        }
    }
}

impl<'a> RequestedInformation<'a> {
    fn decode(t: &Tlv<'a>) -> Result<RequestedInformation<'a>> {
        t.expect(Tag::SEQUENCE)?;
        let (mut ty, mut val) = (None, None);
        for m in t.children()? {
            let m = m?;
            match ctx(&m) {
                Some(0) => ty = Some(small_enum(&m, "requestedInformationType")?),
                Some(1) => {
                    let mut r = m.children()?;
                    let v = r
                        .next_tlv()?
                        .ok_or(missing("requestedInformationValue", m.value_offset))?;
                    val = Some(match ctx(&v) {
                        Some(0) => RequestedInformationValue::CallAttemptElapsedTime(small_enum(
                            &v,
                            "callAttemptElapsedTimeValue",
                        )?),
                        Some(1) => RequestedInformationValue::CallStopTime(octets(
                            &v,
                            "callStopTimeValue",
                        )?),
                        Some(2) => RequestedInformationValue::CallConnectedElapsedTime(v.as_u32()?),
                        Some(30) => {
                            RequestedInformationValue::ReleaseCause(cause(&v, "releaseCauseValue")?)
                        }
                        _ => {
                            return Err(invalid("requestedInformationValue alternative", v.offset))
                        }
                    });
                    r.finish()?;
                }
                _ => {}
            }
        }
        Ok(RequestedInformation {
            info_type: ty.ok_or(missing("requestedInformationType", t.value_offset))?,
            value: val.ok_or(missing("requestedInformationValue", t.value_offset))?,
        })
    }

    fn encode(&self, w: &mut Writer<'_>, s: &mut Scratch) {
        w.constructed(Tag::SEQUENCE, |w| {
            w.integer(Tag::ctx(0), i64::from(self.info_type));
            w.constructed(Tag::ctx_cons(1), |w| match self.value {
                RequestedInformationValue::CallAttemptElapsedTime(v) => {
                    w.integer(Tag::ctx(0), i64::from(v))
                }
                RequestedInformationValue::CallStopTime(v) => w.primitive(Tag::ctx(1), v),
                RequestedInformationValue::CallConnectedElapsedTime(v) => {
                    w.integer(Tag::ctx(2), i64::from(v))
                }
                RequestedInformationValue::ReleaseCause(c) => s.cause(w, Tag::ctx(30), &c),
            });
        });
    }
}

/// CallInformationReportArg (opcode 44).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CallInformationReportArg<'a> {
    /// [0] requestedInformationList (1..4).
    pub requested_information: List<RequestedInformation<'a>, 4>,
    /// [2] extensions, opaque contents.
    pub extensions: Option<&'a [u8]>,
    /// [3] legID ReceivingSideID; absent means the DEFAULT leg2.
    pub leg_id: Option<LegType>,
}

impl<'a> CallInformationReportArg<'a> {
    pub fn decode(param: Tlv<'a>) -> Result<CallInformationReportArg<'a>> {
        let mut a = CallInformationReportArg::default();
        let mut have = false;
        for m in sequence(&param)? {
            let m = m?;
            match ctx(&m) {
                Some(0) => {
                    have = true;
                    for t in m.children()? {
                        let t = t?;
                        a.requested_information
                            .push_at(RequestedInformation::decode(&t)?, t.offset)?;
                    }
                }
                Some(2) => a.extensions = Some(contents(&m, "extensions")?),
                Some(3) => a.leg_id = Some(LegId::decode_choice(&m)?.leg()),
                _ => {}
            }
        }
        if !have || a.requested_information.is_empty() {
            return Err(missing("requestedInformationList", param.value_offset));
        }
        Ok(a)
    }

    pub fn decode_bytes(buf: &'a [u8]) -> Result<CallInformationReportArg<'a>> {
        CallInformationReportArg::decode(Tlv::parse_single(buf)?)
    }

    pub fn encode(&self, w: &mut Writer<'_>) {
        let mut s = Scratch::new();
        w.constructed(Tag::SEQUENCE, |w| {
            w.constructed(Tag::ctx_cons(0), |w| {
                for r in &self.requested_information {
                    r.encode(w, &mut s);
                }
            });
            put_cons(w, 2, self.extensions);
            if let Some(l) = self.leg_id {
                LegId::ReceivingSide(l).encode_choice(w, 3);
            }
        });
    }
}
