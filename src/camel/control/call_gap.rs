//! CallGap (TS 29.078 §6.1.1, opcode 41, CAP v3+): the gsmSCF asks the gsmSSF to let
//! through at most one call per interval that meets the criteria, for a while — how an
//! overloaded SCP makes the switch back off (TS 23.078 §4.6.1.x, "call gapping").

use super::missing;
use crate::ber::{Result, Tag, Tlv, Writer};
use crate::camel::ops::{contents, ctx, invalid, octets, put_cons, sequence, small_enum};

/// GapCriteria: which calls are gapped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GapCriteria<'a> {
    /// basicGapCriteria gapOnService [2] { serviceKey [0] }: every call of a service.
    GapOnService { service_key: u32 },
    /// basicGapCriteria calledAddressValue [0] Digits: calls to a number (contents).
    CalledAddressValue(&'a [u8]),
    /// Another alternative (calledAddressAndService, callingAddressAndService,
    /// compoundGapCriteria): the contents of [0], as received.
    Other(&'a [u8]),
}

/// CallGapArg (TS 29.078 §6.1.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CallGapArg<'a> {
    /// [0] gapCriteria.
    pub gap_criteria: GapCriteria<'a>,
    /// [1] gapIndicators duration [0]: seconds the gap lasts (-1: until removed; -2: network
    /// default; 0: remove the gap).
    pub duration: i32,
    /// [1] gapIndicators gapInterval [1]: milliseconds between two calls let through
    /// (0: let none through; -1: no gapping).
    pub gap_interval: i32,
    /// [2] controlType: 0 sCPOverloaded, 1 manuallyInitiated.
    pub control_type: Option<u8>,
    /// [3] gapTreatment, the CHOICE's contents, opaque.
    pub gap_treatment: Option<&'a [u8]>,
    /// [4] extensions, opaque contents.
    pub extensions: Option<&'a [u8]>,
}

/// ControlType sCPOverloaded.
pub const SCP_OVERLOADED: u8 = 0;

impl<'a> CallGapArg<'a> {
    /// Gap every call of `service_key` to one per `interval_ms` for `seconds`, because the
    /// SCP is overloaded.
    pub fn overloaded(service_key: u32, seconds: i32, interval_ms: i32) -> CallGapArg<'a> {
        CallGapArg {
            gap_criteria: GapCriteria::GapOnService { service_key },
            duration: seconds,
            gap_interval: interval_ms,
            control_type: Some(SCP_OVERLOADED),
            gap_treatment: None,
            extensions: None,
        }
    }

    pub fn decode(param: Tlv<'a>) -> Result<CallGapArg<'a>> {
        let (mut criteria, mut indicators) = (None, None);
        let (mut control_type, mut gap_treatment, mut extensions) = (None, None, None);
        for m in sequence(&param)? {
            let m = m?;
            match ctx(&m) {
                Some(0) => criteria = Some(gap_criteria(&m)?),
                Some(1) => indicators = Some(gap_indicators(&m)?),
                Some(2) => control_type = Some(small_enum(&m, "controlType")?),
                Some(3) => gap_treatment = Some(contents(&m, "gapTreatment")?),
                Some(4) => extensions = Some(contents(&m, "extensions")?),
                _ => {}
            }
        }
        let gap_criteria = criteria.ok_or(missing("gapCriteria", param.value_offset))?;
        let (duration, gap_interval) =
            indicators.ok_or(missing("gapIndicators", param.value_offset))?;
        Ok(CallGapArg {
            gap_criteria,
            duration,
            gap_interval,
            control_type,
            gap_treatment,
            extensions,
        })
    }

    pub fn decode_bytes(buf: &'a [u8]) -> Result<CallGapArg<'a>> {
        CallGapArg::decode(Tlv::parse_single(buf)?)
    }

    pub fn encode(&self, w: &mut Writer<'_>) {
        w.constructed(Tag::SEQUENCE, |w| {
            // GapCriteria is a CHOICE: its [0] tag is explicit.
            w.constructed(Tag::ctx_cons(0), |w| match self.gap_criteria {
                GapCriteria::GapOnService { service_key } => w.constructed(Tag::ctx_cons(2), |w| {
                    w.integer(Tag::ctx(0), i64::from(service_key))
                }),
                GapCriteria::CalledAddressValue(d) => w.primitive(Tag::ctx(0), d),
                GapCriteria::Other(c) => w.raw(c),
            });
            w.constructed(Tag::ctx_cons(1), |w| {
                w.integer(Tag::ctx(0), i64::from(self.duration));
                w.integer(Tag::ctx(1), i64::from(self.gap_interval));
            });
            if let Some(c) = self.control_type {
                w.integer(Tag::ctx(2), i64::from(c));
            }
            put_cons(w, 3, self.gap_treatment);
            put_cons(w, 4, self.extensions);
        });
    }
}

fn gap_criteria<'a>(m: &Tlv<'a>) -> Result<GapCriteria<'a>> {
    let c = contents(m, "gapCriteria")?;
    let mut r = m.children()?;
    let alt = r
        .next_tlv()?
        .ok_or(missing("gapCriteria alternative", m.value_offset))?;
    Ok(match (ctx(&alt), alt.tag.constructed) {
        (Some(2), true) => {
            let mut key = None;
            for x in alt.children()? {
                let x = x?;
                if ctx(&x) == Some(0) {
                    key = Some(x.as_u32()?);
                }
            }
            GapCriteria::GapOnService {
                service_key: key.ok_or(missing("serviceKey", alt.value_offset))?,
            }
        }
        (Some(0), false) => GapCriteria::CalledAddressValue(octets(&alt, "calledAddressValue")?),
        _ => GapCriteria::Other(c),
    })
}

fn gap_indicators(m: &Tlv<'_>) -> Result<(i32, i32)> {
    let (mut duration, mut interval) = (None, None);
    for x in m.children()? {
        let x = x?;
        let v = || i32::try_from(x.as_i64()?).map_err(|_| invalid("gapIndicators", x.value_offset));
        match ctx(&x) {
            Some(0) => duration = Some(v()?),
            Some(1) => interval = Some(v()?),
            _ => {}
        }
    }
    Ok((
        duration.ok_or(missing("duration", m.value_offset))?,
        interval.ok_or(missing("gapInterval", m.value_offset))?,
    ))
}
