//! Operation arguments of the foundation CAMEL call (TS 29.078 §6.1.1, transcribed with their
//! tags in `asn1/CAP-subset.asn`): one model per type, used to decode and to encode.
//!
//! Conventions:
//! - `decode(param)` takes the invoke's parameter element and borrows from it. Members may
//!   come in any order; unknown members (other tags, other classes) are skipped; a member
//!   whose contents are malformed fails the decode with the member's offset, except in the
//!   arguments that open a call (InitialDP, its LocationInformation), where an optional
//!   member's fault is noted ([`crate::ber::Malformed`]) and the member left absent.
//! - The `*_into` helpers decode straight into a member's slot and leave it `None` when the
//!   member is malformed.
//! - Members kept opaque are `&[u8]` *contents* (no tag, no length); the encoder writes them
//!   with the tag and form (primitive / constructed) the ASN.1 gives them.
//! - `encode(w)` writes the members in ASN.1 order, definite length.
//!
//! One submodule per operation family, each re-exported here: `initial_dp` (InitialDP and
//! its phase-dependent extension), `location` (LocationInformation, carried by InitialDP and
//! the event reports), `request_report` (RequestReportBCSMEvent), `event_report` and
//! `event_specific` (EventReportBCSM and its EventSpecificInformationBCSM), `connect` and
//! `release_call`. Charging is in [`super::charging`], the other call control operations in
//! [`super::control`]; the helpers below serve all of them.

mod connect;
mod event_report;
mod event_specific;
mod initial_dp;
mod location;
mod release_call;
mod request_report;

pub use connect::ConnectArg;
pub use event_report::{EventReportBcsmArg, MiscCallInfo};
pub use event_specific::{
    AnswerInfo, ChangeOfPosition, DpSpecificInfoAlt, EventSpecificInfo, MidCallEvents,
    ServiceChange,
};
pub use initial_dp::{InitialDpArg, InitialDpArgExtension};
pub use location::LocationInformation;
pub use release_call::ReleaseCallArg;
pub use request_report::{BcsmEvent, DpSpecificCriteria, RequestReportBcsmEventArg};

use super::numbers::{AddressString, Cause, IsupNumber, TbcdDigits};
use crate::ber::{Class, Result, Tag, Tlv, Writer};

// ---------------------------------------------------------------------------------------
// Small helpers shared by the codecs.

pub(crate) use crate::ber::invalid;

/// The context tag number of a member, `None` for other classes.
pub(crate) fn ctx(t: &Tlv<'_>) -> Option<u32> {
    (t.tag.class == Class::Context).then_some(t.tag.number)
}

/// Contents of a member typed as a string (OCTET STRING and friends): primitive form only.
pub(crate) fn octets<'a>(t: &Tlv<'a>, what: &'static str) -> Result<&'a [u8]> {
    if t.tag.constructed {
        Err(invalid(what, t.offset))
    } else {
        Ok(t.value)
    }
}

pub(crate) fn one_octet(t: &Tlv<'_>, what: &'static str) -> Result<u8> {
    match octets(t, what)? {
        [b] => Ok(*b),
        _ => Err(invalid(what, t.value_offset)),
    }
}

pub(crate) fn small_enum(t: &Tlv<'_>, what: &'static str) -> Result<u8> {
    u8::try_from(t.as_i64()?).map_err(|_| invalid(what, t.value_offset))
}

pub(crate) fn isup(t: &Tlv<'_>, what: &'static str) -> Result<IsupNumber> {
    IsupNumber::decode(octets(t, what)?, t.value_offset)
}

pub(crate) fn address(t: &Tlv<'_>, what: &'static str) -> Result<AddressString> {
    AddressString::decode(octets(t, what)?, t.value_offset)
}

/// [`isup`] straight into the member's slot (no move of the inline digits through `Result`s).
#[inline]
pub(crate) fn isup_into(
    slot: &mut Option<IsupNumber>,
    t: &Tlv<'_>,
    what: &'static str,
) -> Result<()> {
    let v = octets(t, what)?;
    let r = slot
        .insert(IsupNumber::default())
        .decode_in_place(v, t.value_offset);
    if r.is_err() {
        *slot = None;
    }
    r
}

/// [`address`] straight into the member's slot.
#[inline]
pub(crate) fn address_into(
    slot: &mut Option<AddressString>,
    t: &Tlv<'_>,
    what: &'static str,
) -> Result<()> {
    let v = octets(t, what)?;
    let r = slot
        .insert(AddressString::default())
        .decode_in_place(v, t.value_offset);
    if r.is_err() {
        *slot = None;
    }
    r
}

/// A TBCD string (IMSI, IMEI) straight into the member's slot.
#[inline]
pub(crate) fn tbcd_into(
    slot: &mut Option<TbcdDigits>,
    t: &Tlv<'_>,
    what: &'static str,
) -> Result<()> {
    let v = octets(t, what)?;
    let r = slot
        .insert(TbcdDigits::EMPTY)
        .decode_in_place(v, t.value_offset);
    if r.is_err() {
        *slot = None;
    }
    r
}

pub(crate) fn cause<'a>(t: &Tlv<'a>, what: &'static str) -> Result<Cause<'a>> {
    Cause::decode(octets(t, what)?, t.value_offset)
}

/// Contents of a member typed as SEQUENCE/CHOICE (constructed form only).
pub(crate) fn contents<'a>(t: &Tlv<'a>, what: &'static str) -> Result<&'a [u8]> {
    if t.tag.constructed {
        Ok(t.value)
    } else {
        Err(invalid(what, t.offset))
    }
}

/// Checks the parameter is a SEQUENCE and returns a reader over its members.
pub(crate) fn sequence<'a>(param: &Tlv<'a>) -> Result<crate::ber::Reader<'a>> {
    param.expect(Tag::SEQUENCE)?;
    param.children()
}

/// Encoding scratch buffer for number formats (reused across the members of one argument).
pub(crate) struct Scratch(pub(crate) Vec<u8>);

impl Scratch {
    pub(crate) fn new() -> Scratch {
        Scratch(Vec::with_capacity(32))
    }
    pub(crate) fn isup(&mut self, w: &mut Writer<'_>, tag: u32, n: &IsupNumber) {
        self.0.clear();
        n.encode_into(&mut self.0);
        w.primitive(Tag::ctx(tag), &self.0);
    }
    pub(crate) fn address(&mut self, w: &mut Writer<'_>, tag: u32, a: &AddressString) {
        self.0.clear();
        a.encode_into(&mut self.0);
        w.primitive(Tag::ctx(tag), &self.0);
    }
    pub(crate) fn cause(&mut self, w: &mut Writer<'_>, tag: Tag, c: &Cause<'_>) {
        self.0.clear();
        c.encode_into(&mut self.0);
        w.primitive(tag, &self.0);
    }
}

pub(crate) fn put_prim(w: &mut Writer<'_>, tag: u32, v: Option<&[u8]>) {
    if let Some(v) = v {
        w.primitive(Tag::ctx(tag), v);
    }
}

pub(crate) fn put_cons(w: &mut Writer<'_>, tag: u32, v: Option<&[u8]>) {
    if let Some(v) = v {
        w.constructed(Tag::ctx_cons(tag), |w| w.raw(v));
    }
}

pub(crate) fn put_null(w: &mut Writer<'_>, tag: u32, present: bool) {
    if present {
        w.null(Tag::ctx(tag));
    }
}

#[cfg(test)]
#[path = "ops_tests.rs"]
mod tests;
