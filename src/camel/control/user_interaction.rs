//! Reports to the gsmSCF on the user interaction interface (TS 29.078 §6.1.1):
//! AssistRequestInstructions (opcode 16) from an assisting gsmSSF or a gsmSRF, and
//! SpecializedResourceReport (opcode 49) from a gsmSRF.

use super::missing;
use crate::ber::{Result, Tag, Tlv, Writer};
use crate::camel::ops::{contents, ctx, invalid, octets, put_cons, sequence};

/// AssistRequestInstructionsArg: an assisting gsmSSF or a gsmSRF asks for instructions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AssistRequestInstructionsArg<'a> {
    /// [0] correlationID (Digits: Generic Digits or Generic Number form), opaque.
    pub correlation_id: &'a [u8],
    /// [2] iPSSPCapabilities (1..4 octets), opaque.
    pub ip_ssp_capabilities: &'a [u8],
    /// [3] extensions, opaque contents.
    pub extensions: Option<&'a [u8]>,
}

impl<'a> AssistRequestInstructionsArg<'a> {
    pub fn decode(param: Tlv<'a>) -> Result<AssistRequestInstructionsArg<'a>> {
        let (mut c, mut i, mut e) = (None, None, None);
        for m in sequence(&param)? {
            let m = m?;
            match ctx(&m) {
                Some(0) => c = Some(octets(&m, "correlationID")?),
                Some(2) => i = Some(octets(&m, "iPSSPCapabilities")?),
                Some(3) => e = Some(contents(&m, "extensions")?),
                _ => {}
            }
        }
        Ok(AssistRequestInstructionsArg {
            correlation_id: c.ok_or(missing("correlationID", param.value_offset))?,
            ip_ssp_capabilities: i.ok_or(missing("iPSSPCapabilities", param.value_offset))?,
            extensions: e,
        })
    }

    pub fn decode_bytes(buf: &'a [u8]) -> Result<AssistRequestInstructionsArg<'a>> {
        AssistRequestInstructionsArg::decode(Tlv::parse_single(buf)?)
    }

    pub fn encode(&self, w: &mut Writer<'_>) {
        w.constructed(Tag::SEQUENCE, |w| {
            w.primitive(Tag::ctx(0), self.correlation_id);
            w.primitive(Tag::ctx(2), self.ip_ssp_capabilities);
            put_cons(w, 3, self.extensions);
        });
    }
}

/// SpecializedResourceReportArg. CAP v2/v3: NULL; CAP v4: CHOICE {
/// allAnnouncementsComplete [50] NULL, firstAnnouncementStarted [51] NULL }.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SpecializedResourceReportArg {
    /// The v2/v3 universal NULL (means all announcements complete).
    Null,
    AllAnnouncementsComplete,
    FirstAnnouncementStarted,
}

impl SpecializedResourceReportArg {
    pub fn decode(param: Tlv<'_>) -> Result<SpecializedResourceReportArg> {
        let v = if param.tag.is(Tag::NULL) {
            SpecializedResourceReportArg::Null
        } else {
            match ctx(&param) {
                Some(50) => SpecializedResourceReportArg::AllAnnouncementsComplete,
                Some(51) => SpecializedResourceReportArg::FirstAnnouncementStarted,
                _ => return Err(invalid("SpecializedResourceReportArg", param.offset)),
            }
        };
        param.as_null()?;
        Ok(v)
    }

    pub fn decode_bytes(buf: &[u8]) -> Result<SpecializedResourceReportArg> {
        SpecializedResourceReportArg::decode(Tlv::parse_single(buf)?)
    }

    pub fn encode(&self, w: &mut Writer<'_>) {
        match self {
            SpecializedResourceReportArg::Null => w.null(Tag::NULL),
            SpecializedResourceReportArg::AllAnnouncementsComplete => w.null(Tag::ctx(50)),
            SpecializedResourceReportArg::FirstAnnouncementStarted => w.null(Tag::ctx(51)),
        }
    }
}
