//! Cancel (TS 29.078 §6.1.1, opcode 53): cancel one pending request or all of them.

use super::call_segment;
use crate::ber::{Result, Tag, Tlv, Writer};
use crate::camel::ops::{contents, ctx, invalid};

/// CancelArg: CHOICE { invokeID [0], allRequests [1] NULL, callSegmentToCancel [2] (v4) }.
/// The invoke id is kept as received even outside InvokeID's −128..127 (jSS7 sends 11000).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CancelArg {
    InvokeId(i32),
    AllRequests,
    CallSegmentToCancel {
        invoke_id: Option<i32>,
        call_segment_id: Option<u8>,
    },
}

fn invoke_id(t: &Tlv<'_>) -> Result<i32> {
    i32::try_from(t.as_i64()?).map_err(|_| invalid("invokeID", t.value_offset))
}

impl CancelArg {
    pub fn decode(param: Tlv<'_>) -> Result<CancelArg> {
        match ctx(&param) {
            Some(0) if !param.tag.constructed => Ok(CancelArg::InvokeId(invoke_id(&param)?)),
            Some(1) => param.as_null().map(|_| CancelArg::AllRequests),
            Some(2) => {
                let (mut i, mut c) = (None, None);
                for m in contents(&param, "callSegmentToCancel").and(param.children())? {
                    let m = m?;
                    match ctx(&m) {
                        Some(0) => i = Some(invoke_id(&m)?),
                        Some(1) => c = Some(call_segment(&m)?),
                        _ => {}
                    }
                }
                Ok(CancelArg::CallSegmentToCancel {
                    invoke_id: i,
                    call_segment_id: c,
                })
            }
            _ => Err(invalid("CancelArg alternative", param.offset)),
        }
    }

    pub fn decode_bytes(buf: &[u8]) -> Result<CancelArg> {
        CancelArg::decode(Tlv::parse_single(buf)?)
    }

    pub fn encode(&self, w: &mut Writer<'_>) {
        match *self {
            CancelArg::InvokeId(i) => w.integer(Tag::ctx(0), i64::from(i)),
            CancelArg::AllRequests => w.null(Tag::ctx(1)),
            CancelArg::CallSegmentToCancel {
                invoke_id,
                call_segment_id,
            } => w.constructed(Tag::ctx_cons(2), |w| {
                if let Some(i) = invoke_id {
                    w.integer(Tag::ctx(0), i64::from(i));
                }
                if let Some(c) = call_segment_id {
                    w.integer(Tag::ctx(1), i64::from(c));
                }
            }),
        }
    }
}
