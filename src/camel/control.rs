//! Call control and reporting operations besides the foundation call's (TS 29.078 §6.1.1,
//! transcribed in `asn1/CAP-subset.asn`): ContinueWithArgument, ResetTimer, Cancel, CallGap,
//! InitiateCallAttempt (and its result), CallInformationRequest/Report,
//! AssistRequestInstructions, SpecializedResourceReport and EntityReleased.
//! Continue (31) and ActivityTest (55) carry no argument.
//!
//! Same conventions as [`super::ops`]: decoders borrow, skip unknown members, accept any
//! order and allocate nothing (bounded SEQUENCE OF go into a [`List`]); encoders write ASN.1
//! order, definite lengths.
//!
//! One submodule per operation, each re-exported here: `call_gap`, `continue_with_argument`,
//! `reset_timer`, `cancel`, `initiate_call_attempt`, `call_information` (request and
//! report), `user_interaction` (AssistRequestInstructions, SpecializedResourceReport) and
//! `entity_released`; the helpers below are shared by them.

mod call_gap;
mod call_information;
mod cancel;
mod continue_with_argument;
mod entity_released;
mod initiate_call_attempt;
mod reset_timer;
mod user_interaction;

pub use call_gap::{CallGapArg, GapCriteria, SCP_OVERLOADED};
pub use call_information::{
    requested_info, CallInformationReportArg, CallInformationRequestArg, RequestedInformation,
    RequestedInformationValue,
};
pub use cancel::CancelArg;
pub use continue_with_argument::{
    ContinueWithArgumentArg, ContinueWithArgumentArgExtension, LegOrCallSegment,
};
pub use entity_released::EntityReleasedArg;
pub use initiate_call_attempt::{InitiateCallAttemptArg, InitiateCallAttemptRes};
pub use reset_timer::ResetTimerArg;
pub use user_interaction::{AssistRequestInstructionsArg, SpecializedResourceReportArg};

use super::list::List;
use super::numbers::{GenericNumber, IsupNumber};
use super::ops::{isup, octets, small_enum, Scratch};
use crate::ber::{BerError, BerErrorKind, Result, Tag, Tlv, Writer};

fn missing(what: &'static str, offset: usize) -> BerError {
    BerError::new(BerErrorKind::Missing(what), offset)
}

fn null(m: &Tlv<'_>) -> Result<bool> {
    m.as_null().map(|_| true)
}

/// CallSegmentID ::= INTEGER (1..127).
fn call_segment(m: &Tlv<'_>) -> Result<u8> {
    small_enum(m, "callSegmentID")
}

/// DestinationRoutingAddress ::= SEQUENCE SIZE(1) OF CalledPartyNumber.
fn decode_dra(m: &Tlv<'_>) -> Result<IsupNumber> {
    let mut r = m.children()?;
    let first = r
        .next_tlv()?
        .ok_or(missing("destinationRoutingAddress element", m.value_offset))?;
    first.expect(Tag::OCTET_STRING)?;
    let n = isup(&first, "destinationRoutingAddress")?;
    r.finish()?;
    Ok(n)
}

fn encode_dra(w: &mut Writer<'_>, s: &mut Scratch, tag: u32, n: &IsupNumber) {
    s.0.clear();
    n.encode_into(&mut s.0);
    let v = &s.0;
    w.constructed(Tag::ctx_cons(tag), |w| w.primitive(Tag::OCTET_STRING, v));
}

/// GenericNumbers ::= SET SIZE(1..5) OF GenericNumber.
pub(super) fn decode_generic_numbers(m: &Tlv<'_>) -> Result<List<GenericNumber, 5>> {
    let mut l = List::new();
    for g in m.children()? {
        let g = g?;
        g.expect(Tag::OCTET_STRING)?;
        l.push_at(
            GenericNumber::decode(octets(&g, "genericNumber")?, g.value_offset)?,
            g.offset,
        )?;
    }
    Ok(l)
}

fn encode_generic_numbers(w: &mut Writer<'_>, s: &mut Scratch, tag: u32, l: &[GenericNumber]) {
    if l.is_empty() {
        return;
    }
    w.constructed(Tag::ctx_cons(tag), |w| {
        for g in l {
            s.0.clear();
            g.encode_into(&mut s.0);
            w.primitive(Tag::OCTET_STRING, &s.0);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::camel::numbers::Cause;
    use crate::camel::{LegId, LegType};

    /// Regression (found by tests/cap_pycrate.rs): `[3]` is not a member of
    /// CallSegmentFailure / BCSM-Failure, so a later release's `[3]`, primitive or not, is
    /// skipped instead of failing the decode as malformed `extensions`.
    #[test]
    fn entity_released_skips_members_after_cause() {
        let a = EntityReleasedArg::decode_bytes(&[
            0xa0, 0x0a, 0x80, 0x01, 0x05, 0x82, 0x02, 0x80, 0x90, 0x83, 0x01, 0xff,
        ])
        .unwrap();
        assert_eq!(
            a,
            EntityReleasedArg::CallSegmentFailure {
                call_segment_id: Some(5),
                cause: Some(Cause::new(0, 16)),
            }
        );
        let b = EntityReleasedArg::decode_bytes(&[
            0xa1, 0x0b, 0xa0, 0x03, 0x81, 0x01, 0x02, 0xa3, 0x04, 0x30, 0x02, 0x05, 0x00,
        ])
        .unwrap();
        assert_eq!(
            b,
            EntityReleasedArg::BcsmFailure {
                leg_id: Some(LegId::ReceivingSide(LegType::LEG2)),
                cause: None,
            }
        );
        let mut out = Vec::new();
        a.encode(&mut Writer::new(&mut out));
        assert_eq!(out, [0xa0, 0x07, 0x80, 0x01, 0x05, 0x82, 0x02, 0x80, 0x90]);
    }
}
