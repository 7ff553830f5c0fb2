//! EntityReleased (TS 29.078 §6.1.1, opcode 96, CAP v4): a call segment or a leg went away.

use super::call_segment;
use crate::ber::{Result, Tag, Tlv, Writer};
use crate::camel::numbers::Cause;
use crate::camel::ops::{cause, contents, ctx, invalid, Scratch};
use crate::camel::LegId;

/// EntityReleasedArg (CAP v4): a call segment or a BCSM (leg) went away.
///
/// TS 29.078 CAP-datatypes gives CallSegmentFailure and BCSM-Failure no `extensions`: a
/// member after `cause` is a later release's, skipped whatever its tag and form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntityReleasedArg<'a> {
    /// [0] CallSegmentFailure { callSegmentID [0], cause [2], ... }.
    CallSegmentFailure {
        call_segment_id: Option<u8>,
        cause: Option<Cause<'a>>,
    },
    /// [1] BCSM-Failure { legID [0], cause [2], ... }.
    BcsmFailure {
        leg_id: Option<LegId>,
        cause: Option<Cause<'a>>,
    },
}

impl<'a> EntityReleasedArg<'a> {
    pub fn decode(param: Tlv<'a>) -> Result<EntityReleasedArg<'a>> {
        let alt = ctx(&param);
        if !matches!(alt, Some(0 | 1)) {
            return Err(invalid("EntityReleasedArg alternative", param.offset));
        }
        let (mut id, mut leg, mut c) = (None, None, None);
        for m in contents(&param, "EntityReleasedArg").and(param.children())? {
            let m = m?;
            match ctx(&m) {
                Some(0) if alt == Some(0) => id = Some(call_segment(&m)?),
                Some(0) => leg = Some(LegId::decode_choice(&m)?),
                Some(2) => c = Some(cause(&m, "cause")?),
                _ => {}
            }
        }
        Ok(if alt == Some(0) {
            EntityReleasedArg::CallSegmentFailure {
                call_segment_id: id,
                cause: c,
            }
        } else {
            EntityReleasedArg::BcsmFailure {
                leg_id: leg,
                cause: c,
            }
        })
    }

    pub fn decode_bytes(buf: &'a [u8]) -> Result<EntityReleasedArg<'a>> {
        EntityReleasedArg::decode(Tlv::parse_single(buf)?)
    }

    pub fn encode(&self, w: &mut Writer<'_>) {
        let mut s = Scratch::new();
        match self {
            EntityReleasedArg::CallSegmentFailure {
                call_segment_id,
                cause,
            } => w.constructed(Tag::ctx_cons(0), |w| {
                if let Some(i) = call_segment_id {
                    w.integer(Tag::ctx(0), i64::from(*i));
                }
                if let Some(c) = cause {
                    s.cause(w, Tag::ctx(2), c);
                }
            }),
            EntityReleasedArg::BcsmFailure { leg_id, cause } => {
                w.constructed(Tag::ctx_cons(1), |w| {
                    if let Some(l) = leg_id {
                        l.encode_choice(w, 0);
                    }
                    if let Some(c) = cause {
                        s.cause(w, Tag::ctx(2), c);
                    }
                })
            }
        }
    }
}
