//! ReleaseCall (TS 29.078 §6.1.1, opcode 22): a bare Cause up to CAP v3, a CHOICE with an
//! extension-carrying alternative in CAP v4.

use super::{cause, contents, ctx, put_cons, Scratch};
use crate::ber::{BerError, BerErrorKind, Result, Tag, Tlv, Writer};
use crate::camel::numbers::Cause;

/// ReleaseCallArg (opcode 22). CAP v1–v3: a bare Cause (universal OCTET STRING). CAP v4:
/// CHOICE { allCallSegments Cause, allCallSegmentsWithExtension [2] SEQUENCE {
/// allCallSegments [0] Cause, extensions [1] OPTIONAL } }.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReleaseCallArg<'a> {
    AllCallSegments(Cause<'a>),
    AllCallSegmentsWithExtension {
        cause: Cause<'a>,
        /// [1] extensions, opaque contents.
        extensions: Option<&'a [u8]>,
    },
}

impl<'a> ReleaseCallArg<'a> {
    pub fn decode(param: Tlv<'a>) -> Result<ReleaseCallArg<'a>> {
        if param.tag.is(Tag::OCTET_STRING) {
            return Ok(ReleaseCallArg::AllCallSegments(cause(
                &param,
                "releaseCall cause",
            )?));
        }
        if param.tag.is(Tag::ctx(2)) {
            let (mut c, mut extensions) = (None, None);
            for m in
                contents(&param, "allCallSegmentsWithExtension").and_then(|_| param.children())?
            {
                let m = m?;
                match ctx(&m) {
                    Some(0) => c = Some(cause(&m, "allCallSegments")?),
                    Some(1) => extensions = Some(contents(&m, "extensions")?),
                    _ => {}
                }
            }
            let cause = c.ok_or(BerError::new(
                BerErrorKind::Missing("allCallSegments"),
                param.value_offset,
            ))?;
            return Ok(ReleaseCallArg::AllCallSegmentsWithExtension { cause, extensions });
        }
        Err(BerError::new(
            BerErrorKind::UnexpectedTag {
                expected: Tag::OCTET_STRING,
                found: param.tag,
            },
            param.offset,
        ))
    }

    pub fn decode_bytes(buf: &'a [u8]) -> Result<ReleaseCallArg<'a>> {
        ReleaseCallArg::decode(Tlv::parse_single(buf)?)
    }

    /// Encode. The bare form is valid in every phase; use it unless relaying.
    pub fn encode(&self, w: &mut Writer<'_>) {
        let mut s = Scratch::new();
        match self {
            ReleaseCallArg::AllCallSegments(c) => s.cause(w, Tag::OCTET_STRING, c),
            ReleaseCallArg::AllCallSegmentsWithExtension { cause, extensions } => {
                w.constructed(Tag::ctx_cons(2), |w| {
                    s.cause(w, Tag::ctx(0), cause);
                    put_cons(w, 1, *extensions);
                })
            }
        }
    }

    pub fn cause(&self) -> Cause<'a> {
        match *self {
            ReleaseCallArg::AllCallSegments(c)
            | ReleaseCallArg::AllCallSegmentsWithExtension { cause: c, .. } => c,
        }
    }
}
