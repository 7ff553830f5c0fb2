//! ResetTimer (TS 29.078 §6.1.1, opcode 33): restart the gsmSSF's Tssf.

use super::{call_segment, missing};
use crate::ber::{Result, Tag, Tlv, Writer};
use crate::camel::ops::{contents, ctx, put_cons, sequence, small_enum};

/// ResetTimerArg: restart the gsmSSF's Tssf with a new value while the gsmSCF works out a
/// decision (TS 23.078 §4.6.1.9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ResetTimerArg<'a> {
    /// [0] timerID ENUMERATED { tssf (0) } DEFAULT tssf; `None` when absent.
    pub timer_id: Option<u8>,
    /// [1] timervalue, seconds.
    pub timer_value: u32,
    /// [2] extensions, opaque contents.
    pub extensions: Option<&'a [u8]>,
    /// [3] callSegmentID (CAP v4).
    pub call_segment_id: Option<u8>,
}

impl<'a> ResetTimerArg<'a> {
    /// Reset Tssf to `seconds`.
    pub fn tssf(seconds: u32) -> ResetTimerArg<'a> {
        ResetTimerArg {
            timer_value: seconds,
            ..ResetTimerArg::default()
        }
    }

    pub fn decode(param: Tlv<'a>) -> Result<ResetTimerArg<'a>> {
        let mut a = ResetTimerArg::default();
        let mut have = false;
        for m in sequence(&param)? {
            let m = m?;
            match ctx(&m) {
                Some(0) => a.timer_id = Some(small_enum(&m, "timerID")?),
                Some(1) => {
                    a.timer_value = m.as_u32()?;
                    have = true;
                }
                Some(2) => a.extensions = Some(contents(&m, "extensions")?),
                Some(3) => a.call_segment_id = Some(call_segment(&m)?),
                _ => {}
            }
        }
        if !have {
            return Err(missing("timervalue", param.value_offset));
        }
        Ok(a)
    }

    pub fn decode_bytes(buf: &'a [u8]) -> Result<ResetTimerArg<'a>> {
        ResetTimerArg::decode(Tlv::parse_single(buf)?)
    }

    pub fn encode(&self, w: &mut Writer<'_>) {
        w.constructed(Tag::SEQUENCE, |w| {
            if let Some(t) = self.timer_id {
                w.integer(Tag::ctx(0), i64::from(t));
            }
            w.integer(Tag::ctx(1), i64::from(self.timer_value));
            put_cons(w, 2, self.extensions);
            if let Some(c) = self.call_segment_id {
                w.integer(Tag::ctx(3), i64::from(c));
            }
        });
    }
}
