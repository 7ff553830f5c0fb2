//! ContinueWithArgument (TS 29.078 §6.1.1, opcode 88, CAP v3+): continue the call with
//! modified information; its CAP v4 extension and LegOrCallSegment.

use super::{call_segment, decode_generic_numbers, encode_generic_numbers, missing, null};
use crate::ber::{Result, Tag, Tlv, Writer};
use crate::camel::list::List;
use crate::camel::numbers::{GenericNumber, IsupNumber};
use crate::camel::ops::{
    contents, ctx, invalid, isup, octets, one_octet, put_cons, put_null, put_prim, sequence,
    Scratch,
};
use crate::camel::LegId;

/// LegOrCallSegment (CAP v4): CHOICE { callSegmentID [0], legID [1] LegID }.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LegOrCallSegment {
    CallSegment(u8),
    Leg(LegId),
}

impl LegOrCallSegment {
    fn decode(outer: &Tlv<'_>) -> Result<LegOrCallSegment> {
        let mut r = outer.children()?;
        let t = r
            .next_tlv()?
            .ok_or(missing("legOrCallSegment alternative", outer.value_offset))?;
        let v = match ctx(&t) {
            Some(0) => LegOrCallSegment::CallSegment(call_segment(&t)?),
            Some(1) => LegOrCallSegment::Leg(LegId::decode_choice(&t)?),
            _ => return Err(invalid("legOrCallSegment alternative", t.offset)),
        };
        r.finish()?;
        Ok(v)
    }
    fn encode(&self, w: &mut Writer<'_>, tag: u32) {
        w.constructed(Tag::ctx_cons(tag), |w| match self {
            LegOrCallSegment::CallSegment(c) => w.integer(Tag::ctx(0), i64::from(*c)),
            LegOrCallSegment::Leg(l) => l.encode_choice(w, 1),
        });
    }
}

/// ContinueWithArgumentArgExtension (CAP v4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ContinueWithArgumentArgExtension {
    /// [0] suppress-D-CSI NULL.
    pub suppress_d_csi: bool,
    /// [1] suppress-N-CSI NULL.
    pub suppress_n_csi: bool,
    /// [2] suppressOutgoingCallBarring NULL.
    pub suppress_outgoing_call_barring: bool,
    /// [3] legOrCallSegment.
    pub leg_or_call_segment: Option<LegOrCallSegment>,
}

/// ContinueWithArgumentArg (opcode 88): continue call processing with modified data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ContinueWithArgumentArg<'a> {
    /// [1] alertingPattern (3 octets), opaque.
    pub alerting_pattern: Option<&'a [u8]>,
    /// [6] extensions, opaque contents.
    pub extensions: Option<&'a [u8]>,
    /// [7] serviceInteractionIndicatorsTwo, opaque contents.
    pub service_interaction_indicators_two: Option<&'a [u8]>,
    /// [12] callingPartysCategory.
    pub calling_partys_category: Option<u8>,
    /// [16] genericNumbers.
    pub generic_numbers: List<GenericNumber, 5>,
    /// [17] cug-Interlock (4 octets), opaque.
    pub cug_interlock: Option<&'a [u8]>,
    /// [18] cug-OutgoingAccess NULL.
    pub cug_outgoing_access: bool,
    /// [50] chargeNumber.
    pub charge_number: Option<IsupNumber>,
    /// [52] carrier, opaque.
    pub carrier: Option<&'a [u8]>,
    /// [55] suppressionOfAnnouncement NULL.
    pub suppression_of_announcement: bool,
    /// [56] naOliInfo.
    pub na_oli_info: Option<u8>,
    /// [57] bor-InterrogationRequested NULL.
    pub bor_interrogation_requested: bool,
    /// [58] suppress-O-CSI NULL.
    pub suppress_o_csi: bool,
    /// [59] continueWithArgumentArgExtension.
    pub extension: Option<ContinueWithArgumentArgExtension>,
}

impl<'a> ContinueWithArgumentArg<'a> {
    pub fn decode(param: Tlv<'a>) -> Result<ContinueWithArgumentArg<'a>> {
        let mut a = ContinueWithArgumentArg::default();
        for m in sequence(&param)? {
            let m = m?;
            let Some(n) = ctx(&m) else { continue };
            match n {
                1 => a.alerting_pattern = Some(octets(&m, "alertingPattern")?),
                6 => a.extensions = Some(contents(&m, "extensions")?),
                7 => {
                    a.service_interaction_indicators_two =
                        Some(contents(&m, "serviceInteractionIndicatorsTwo")?)
                }
                12 => a.calling_partys_category = Some(one_octet(&m, "callingPartysCategory")?),
                16 => a.generic_numbers = decode_generic_numbers(&m)?,
                17 => a.cug_interlock = Some(octets(&m, "cug-Interlock")?),
                18 => a.cug_outgoing_access = null(&m)?,
                50 => a.charge_number = Some(isup(&m, "chargeNumber")?),
                52 => a.carrier = Some(octets(&m, "carrier")?),
                55 => a.suppression_of_announcement = null(&m)?,
                56 => a.na_oli_info = Some(one_octet(&m, "naOliInfo")?),
                57 => a.bor_interrogation_requested = null(&m)?,
                58 => a.suppress_o_csi = null(&m)?,
                59 => {
                    let mut e = ContinueWithArgumentArgExtension::default();
                    for x in m.children()? {
                        let x = x?;
                        match ctx(&x) {
                            Some(0) => e.suppress_d_csi = null(&x)?,
                            Some(1) => e.suppress_n_csi = null(&x)?,
                            Some(2) => e.suppress_outgoing_call_barring = null(&x)?,
                            Some(3) => e.leg_or_call_segment = Some(LegOrCallSegment::decode(&x)?),
                            _ => {}
                        }
                    }
                    a.extension = Some(e);
                }
                _ => {}
            }
        }
        Ok(a)
    }

    pub fn decode_bytes(buf: &'a [u8]) -> Result<ContinueWithArgumentArg<'a>> {
        ContinueWithArgumentArg::decode(Tlv::parse_single(buf)?)
    }

    pub fn encode(&self, w: &mut Writer<'_>) {
        let mut s = Scratch::new();
        w.constructed(Tag::SEQUENCE, |w| {
            put_prim(w, 1, self.alerting_pattern);
            put_cons(w, 6, self.extensions);
            put_cons(w, 7, self.service_interaction_indicators_two);
            if let Some(c) = self.calling_partys_category {
                w.primitive(Tag::ctx(12), &[c]);
            }
            encode_generic_numbers(w, &mut s, 16, self.generic_numbers.as_slice());
            put_prim(w, 17, self.cug_interlock);
            put_null(w, 18, self.cug_outgoing_access);
            if let Some(n) = &self.charge_number {
                s.isup(w, 50, n);
            }
            put_prim(w, 52, self.carrier);
            put_null(w, 55, self.suppression_of_announcement);
            if let Some(n) = self.na_oli_info {
                w.primitive(Tag::ctx(56), &[n]);
            }
            put_null(w, 57, self.bor_interrogation_requested);
            put_null(w, 58, self.suppress_o_csi);
            if let Some(e) = &self.extension {
                w.constructed(Tag::ctx_cons(59), |w| {
                    put_null(w, 0, e.suppress_d_csi);
                    put_null(w, 1, e.suppress_n_csi);
                    put_null(w, 2, e.suppress_outgoing_call_barring);
                    if let Some(l) = &e.leg_or_call_segment {
                        l.encode(w, 3);
                    }
                });
            }
        });
    }
}
