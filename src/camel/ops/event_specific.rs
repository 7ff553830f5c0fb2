//! EventSpecificInformationBCSM (TS 29.078 CAP-datatypes), the CHOICE an EventReportBCSM
//! carries for its event: causes, answer information, mid-call DTMF, change of position,
//! service change and collected info.

use super::location::LocationInformation;
use super::{
    cause, contents, ctx, invalid, isup, isup_into, octets, one_octet, put_cons, put_null,
    small_enum, Scratch,
};
use crate::ber::{BerError, BerErrorKind, Result, Tag, Tlv, Writer};
use crate::camel::numbers::{Cause, IsupNumber};

/// oAnswerSpecificInfo / tAnswerSpecificInfo contents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AnswerInfo<'a> {
    /// [50] destinationAddress (ISUP CalledPartyNumber).
    pub destination_address: Option<IsupNumber>,
    /// [51] or-Call NULL.
    pub or_call: bool,
    /// [52] forwardedCall NULL.
    pub forwarded_call: bool,
    /// [53] chargeIndicator (1 octet).
    pub charge_indicator: Option<u8>,
    /// [54] ext-basicServiceCode, opaque CHOICE contents.
    pub ext_basic_service_code: Option<&'a [u8]>,
    /// [55] ext-basicServiceCode2, opaque CHOICE contents.
    pub ext_basic_service_code2: Option<&'a [u8]>,
}

impl<'a> AnswerInfo<'a> {
    fn decode(t: &Tlv<'a>) -> Result<AnswerInfo<'a>> {
        let mut a = AnswerInfo::default();
        for m in t.children()? {
            let m = m?;
            match ctx(&m) {
                Some(50) => isup_into(&mut a.destination_address, &m, "destinationAddress")?,
                Some(51) => a.or_call = m.as_null().map(|_| true)?,
                Some(52) => a.forwarded_call = m.as_null().map(|_| true)?,
                Some(53) => a.charge_indicator = Some(one_octet(&m, "chargeIndicator")?),
                Some(54) => a.ext_basic_service_code = Some(contents(&m, "ext-basicServiceCode")?),
                Some(55) => {
                    a.ext_basic_service_code2 = Some(contents(&m, "ext-basicServiceCode2")?)
                }
                _ => {}
            }
        }
        Ok(a)
    }

    fn encode(&self, w: &mut Writer<'_>, s: &mut Scratch) {
        if let Some(n) = &self.destination_address {
            s.isup(w, 50, n);
        }
        put_null(w, 51, self.or_call);
        put_null(w, 52, self.forwarded_call);
        if let Some(c) = self.charge_indicator {
            w.primitive(Tag::ctx(53), &[c]);
        }
        put_cons(w, 54, self.ext_basic_service_code);
        put_cons(w, 55, self.ext_basic_service_code2);
    }
}

/// EventSpecificInformationBCSM (CHOICE). The alternatives the call model uses are decoded;
/// the rest are kept as `Other` (tag and contents) and re-encoded unchanged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventSpecificInfo<'a> {
    /// [2] routeSelectFailureSpecificInfo { failureCause [0] }.
    RouteSelectFailure { failure_cause: Option<Cause<'a>> },
    /// [3] oCalledPartyBusySpecificInfo { busyCause [0] }.
    OCalledPartyBusy { busy_cause: Option<Cause<'a>> },
    /// [4] oNoAnswerSpecificInfo {}.
    ONoAnswer,
    /// [5] oAnswerSpecificInfo.
    OAnswer(AnswerInfo<'a>),
    /// [7] oDisconnectSpecificInfo { releaseCause [0] }.
    ODisconnect { release_cause: Option<Cause<'a>> },
    /// [8] tBusySpecificInfo { busyCause [0], callForwarded [50], routeNotPermitted [51],
    /// forwardingDestinationNumber [52] }.
    TBusy {
        busy_cause: Option<Cause<'a>>,
        call_forwarded: bool,
        route_not_permitted: bool,
        forwarding_destination_number: Option<IsupNumber>,
    },
    /// [9] tNoAnswerSpecificInfo { callForwarded [50], forwardingDestinationNumber [52] }.
    TNoAnswer {
        call_forwarded: bool,
        forwarding_destination_number: Option<IsupNumber>,
    },
    /// [10] tAnswerSpecificInfo.
    TAnswer(AnswerInfo<'a>),
    /// [12] tDisconnectSpecificInfo { releaseCause [0] }.
    TDisconnect { release_cause: Option<Cause<'a>> },
    /// [21] oAbandonSpecificInfo { routeNotPermitted [50] }.
    OAbandon { route_not_permitted: bool },
    /// [6] oMidCallSpecificInfo { midCallEvents [1] } (CAP v4).
    OMidCall(Option<MidCallEvents<'a>>),
    /// [11] tMidCallSpecificInfo { midCallEvents [1] } (CAP v4).
    TMidCall(Option<MidCallEvents<'a>>),
    /// [13] oTermSeizedSpecificInfo { locationInformation [50] } (CAP v4).
    OTermSeized(Option<LocationInformation<'a>>),
    /// [20] callAcceptedSpecificInfo { locationInformation [50] } (CAP v4).
    CallAccepted(Option<LocationInformation<'a>>),
    /// [50] oChangeOfPositionSpecificInfo (CAP v4).
    OChangeOfPosition(ChangeOfPosition<'a>),
    /// [51] tChangeOfPositionSpecificInfo (CAP v4).
    TChangeOfPosition(ChangeOfPosition<'a>),
    /// [52] dpSpecificInfoAlt (CAP v4): service change and collected info.
    DpSpecificInfoAlt(DpSpecificInfoAlt<'a>),
    /// An alternative TS 29.078 does not define: its context tag number and contents.
    Other { tag: u32, contents: &'a [u8] },
}

/// MidCallEvents: CHOICE { dTMFDigitsCompleted [3] Digits, dTMFDigitsTimeOut [4] Digits }
/// (Digits kept opaque: Generic Digits, Q.763 §3.24).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MidCallEvents<'a> {
    DtmfDigitsCompleted(&'a [u8]),
    DtmfDigitsTimeOut(&'a [u8]),
}

/// o/tChangeOfPositionSpecificInfo { locationInformation [50], metDPCriteriaList [51] }.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ChangeOfPosition<'a> {
    pub location_information: Option<LocationInformation<'a>>,
    /// [51] metDPCriteriaList contents (SEQUENCE OF MetDPCriterion), opaque.
    pub met_dp_criteria_list: Option<&'a [u8]>,
}

/// o/tServiceChangeSpecificInfo { ext-basicServiceCode [0], initiatorOfServiceChange [1]
/// (a-side 0, b-side 1), natureOfServiceChange [2] (userInitiated 0, networkInitiated 1) }.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ServiceChange<'a> {
    /// Contents of the Ext-BasicServiceCode CHOICE wrapper, opaque.
    pub ext_basic_service_code: Option<&'a [u8]>,
    pub initiator: Option<u8>,
    pub nature: Option<u8>,
}

/// DpSpecificInfoAlt { oServiceChangeSpecificInfo [0], tServiceChangeSpecificInfo [1],
/// collectedInfoSpecificInfo [2] { calledPartyNumber [0] } }.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DpSpecificInfoAlt<'a> {
    pub o_service_change: Option<ServiceChange<'a>>,
    pub t_service_change: Option<ServiceChange<'a>>,
    /// collectedInfoSpecificInfo present; its calledPartyNumber.
    pub collected_info: Option<Option<IsupNumber>>,
}

impl<'a> ServiceChange<'a> {
    fn decode(t: &Tlv<'a>) -> Result<ServiceChange<'a>> {
        let mut s = ServiceChange::default();
        for m in t.children()? {
            let m = m?;
            match ctx(&m) {
                Some(0) => s.ext_basic_service_code = Some(contents(&m, "ext-basicServiceCode")?),
                Some(1) => s.initiator = Some(small_enum(&m, "initiatorOfServiceChange")?),
                Some(2) => s.nature = Some(small_enum(&m, "natureOfServiceChange")?),
                _ => {}
            }
        }
        Ok(s)
    }
    fn encode(&self, w: &mut Writer<'_>, tag: u32) {
        w.constructed(Tag::ctx_cons(tag), |w| {
            put_cons(w, 0, self.ext_basic_service_code);
            if let Some(i) = self.initiator {
                w.integer(Tag::ctx(1), i64::from(i));
            }
            if let Some(n) = self.nature {
                w.integer(Tag::ctx(2), i64::from(n));
            }
        });
    }
}

/// `{ locationInformation [50] }` of oTermSeized / callAccepted.
fn location_only<'a>(t: &Tlv<'a>) -> Result<Option<LocationInformation<'a>>> {
    let mut l = None;
    for m in t.children()? {
        let m = m?;
        if ctx(&m) == Some(50) {
            l = Some(LocationInformation::decode(m)?);
        }
    }
    Ok(l)
}

fn mid_call<'a>(t: &Tlv<'a>) -> Result<Option<MidCallEvents<'a>>> {
    let mut e = None;
    for m in t.children()? {
        let m = m?;
        if ctx(&m) == Some(1) {
            let mut r = m.children()?;
            let x = r.next_tlv()?.ok_or(BerError::new(
                BerErrorKind::Missing("midCallEvents alternative"),
                m.value_offset,
            ))?;
            e = Some(match ctx(&x) {
                Some(3) => MidCallEvents::DtmfDigitsCompleted(octets(&x, "dTMFDigitsCompleted")?),
                Some(4) => MidCallEvents::DtmfDigitsTimeOut(octets(&x, "dTMFDigitsTimeOut")?),
                _ => return Err(invalid("midCallEvents alternative", x.offset)),
            });
            r.finish()?;
        }
    }
    Ok(e)
}

/// Decode a SEQUENCE whose only interesting member is a Cause at `[0]`.
fn cause_only<'a>(t: &Tlv<'a>) -> Result<Option<Cause<'a>>> {
    let mut c = None;
    for m in t.children()? {
        let m = m?;
        if ctx(&m) == Some(0) {
            c = Some(cause(&m, "cause")?);
        }
    }
    Ok(c)
}

impl<'a> EventSpecificInfo<'a> {
    /// Decode from the [2] element wrapping the CHOICE.
    pub(super) fn decode(outer: &Tlv<'a>) -> Result<EventSpecificInfo<'a>> {
        let mut r = outer.children()?;
        let t = r.next_tlv()?.ok_or(BerError::new(
            BerErrorKind::Missing("eventSpecificInformationBCSM alternative"),
            outer.value_offset,
        ))?;
        let Some(n) = ctx(&t) else {
            return Err(invalid(
                "eventSpecificInformationBCSM alternative",
                t.offset,
            ));
        };
        if !t.tag.constructed {
            return Err(invalid(
                "eventSpecificInformationBCSM alternative form",
                t.offset,
            ));
        }
        Ok(match n {
            2 => EventSpecificInfo::RouteSelectFailure {
                failure_cause: cause_only(&t)?,
            },
            3 => EventSpecificInfo::OCalledPartyBusy {
                busy_cause: cause_only(&t)?,
            },
            4 => EventSpecificInfo::ONoAnswer,
            5 => EventSpecificInfo::OAnswer(AnswerInfo::decode(&t)?),
            7 => EventSpecificInfo::ODisconnect {
                release_cause: cause_only(&t)?,
            },
            8 | 9 => {
                let (mut busy_cause, mut fwd, mut rnp, mut dest) = (None, false, false, None);
                for m in t.children()? {
                    let m = m?;
                    match ctx(&m) {
                        Some(0) if n == 8 => busy_cause = Some(cause(&m, "busyCause")?),
                        Some(50) => fwd = m.as_null().map(|_| true)?,
                        Some(51) if n == 8 => rnp = m.as_null().map(|_| true)?,
                        Some(52) => dest = Some(isup(&m, "forwardingDestinationNumber")?),
                        _ => {}
                    }
                }
                if n == 8 {
                    EventSpecificInfo::TBusy {
                        busy_cause,
                        call_forwarded: fwd,
                        route_not_permitted: rnp,
                        forwarding_destination_number: dest,
                    }
                } else {
                    EventSpecificInfo::TNoAnswer {
                        call_forwarded: fwd,
                        forwarding_destination_number: dest,
                    }
                }
            }
            10 => EventSpecificInfo::TAnswer(AnswerInfo::decode(&t)?),
            12 => EventSpecificInfo::TDisconnect {
                release_cause: cause_only(&t)?,
            },
            21 => {
                let mut rnp = false;
                for m in t.children()? {
                    let m = m?;
                    if ctx(&m) == Some(50) {
                        rnp = m.as_null().map(|_| true)?;
                    }
                }
                EventSpecificInfo::OAbandon {
                    route_not_permitted: rnp,
                }
            }
            6 => EventSpecificInfo::OMidCall(mid_call(&t)?),
            11 => EventSpecificInfo::TMidCall(mid_call(&t)?),
            13 => EventSpecificInfo::OTermSeized(location_only(&t)?),
            20 => EventSpecificInfo::CallAccepted(location_only(&t)?),
            50 | 51 => {
                let mut c = ChangeOfPosition::default();
                for m in t.children()? {
                    let m = m?;
                    match ctx(&m) {
                        Some(50) => c.location_information = Some(LocationInformation::decode(m)?),
                        Some(51) => {
                            c.met_dp_criteria_list = Some(contents(&m, "metDPCriteriaList")?)
                        }
                        _ => {}
                    }
                }
                if n == 50 {
                    EventSpecificInfo::OChangeOfPosition(c)
                } else {
                    EventSpecificInfo::TChangeOfPosition(c)
                }
            }
            52 => {
                let mut d = DpSpecificInfoAlt::default();
                for m in t.children()? {
                    let m = m?;
                    match ctx(&m) {
                        Some(0) => d.o_service_change = Some(ServiceChange::decode(&m)?),
                        Some(1) => d.t_service_change = Some(ServiceChange::decode(&m)?),
                        Some(2) => {
                            let mut cpn = None;
                            for x in m.children()? {
                                let x = x?;
                                if ctx(&x) == Some(0) {
                                    cpn = Some(isup(&x, "calledPartyNumber")?);
                                }
                            }
                            d.collected_info = Some(cpn);
                        }
                        _ => {}
                    }
                }
                EventSpecificInfo::DpSpecificInfoAlt(d)
            }
            _ => EventSpecificInfo::Other {
                tag: n,
                contents: t.value,
            },
        })
    }

    /// Write `[2] { alternative }`.
    pub(super) fn encode(&self, w: &mut Writer<'_>) {
        let mut s = Scratch::new();
        let put_cause = |w: &mut Writer<'_>, s: &mut Scratch, c: &Option<Cause<'_>>| {
            if let Some(c) = c {
                s.cause(w, Tag::ctx(0), c);
            }
        };
        w.constructed(Tag::ctx_cons(2), |w| match self {
            EventSpecificInfo::RouteSelectFailure { failure_cause: c } => {
                w.constructed(Tag::ctx_cons(2), |w| put_cause(w, &mut s, c))
            }
            EventSpecificInfo::OCalledPartyBusy { busy_cause: c } => {
                w.constructed(Tag::ctx_cons(3), |w| put_cause(w, &mut s, c))
            }
            EventSpecificInfo::ONoAnswer => w.constructed(Tag::ctx_cons(4), |_| {}),
            EventSpecificInfo::OAnswer(a) => {
                w.constructed(Tag::ctx_cons(5), |w| a.encode(w, &mut s))
            }
            EventSpecificInfo::ODisconnect { release_cause: c } => {
                w.constructed(Tag::ctx_cons(7), |w| put_cause(w, &mut s, c))
            }
            EventSpecificInfo::TBusy {
                busy_cause,
                call_forwarded,
                route_not_permitted,
                forwarding_destination_number,
            } => w.constructed(Tag::ctx_cons(8), |w| {
                put_cause(w, &mut s, busy_cause);
                put_null(w, 50, *call_forwarded);
                put_null(w, 51, *route_not_permitted);
                if let Some(n) = forwarding_destination_number {
                    s.isup(w, 52, n);
                }
            }),
            EventSpecificInfo::TNoAnswer {
                call_forwarded,
                forwarding_destination_number,
            } => w.constructed(Tag::ctx_cons(9), |w| {
                put_null(w, 50, *call_forwarded);
                if let Some(n) = forwarding_destination_number {
                    s.isup(w, 52, n);
                }
            }),
            EventSpecificInfo::TAnswer(a) => {
                w.constructed(Tag::ctx_cons(10), |w| a.encode(w, &mut s))
            }
            EventSpecificInfo::TDisconnect { release_cause: c } => {
                w.constructed(Tag::ctx_cons(12), |w| put_cause(w, &mut s, c))
            }
            EventSpecificInfo::OAbandon {
                route_not_permitted,
            } => w.constructed(Tag::ctx_cons(21), |w| put_null(w, 50, *route_not_permitted)),
            EventSpecificInfo::OMidCall(e) => {
                w.constructed(Tag::ctx_cons(6), |w| put_mid_call(w, e))
            }
            EventSpecificInfo::TMidCall(e) => {
                w.constructed(Tag::ctx_cons(11), |w| put_mid_call(w, e))
            }
            EventSpecificInfo::OTermSeized(l) => w.constructed(Tag::ctx_cons(13), |w| {
                if let Some(l) = l {
                    l.encode(w, 50)
                }
            }),
            EventSpecificInfo::CallAccepted(l) => w.constructed(Tag::ctx_cons(20), |w| {
                if let Some(l) = l {
                    l.encode(w, 50)
                }
            }),
            EventSpecificInfo::OChangeOfPosition(c) | EventSpecificInfo::TChangeOfPosition(c) => {
                let tag = if matches!(self, EventSpecificInfo::OChangeOfPosition(_)) {
                    50
                } else {
                    51
                };
                w.constructed(Tag::ctx_cons(tag), |w| {
                    if let Some(l) = &c.location_information {
                        l.encode(w, 50);
                    }
                    put_cons(w, 51, c.met_dp_criteria_list);
                })
            }
            EventSpecificInfo::DpSpecificInfoAlt(d) => w.constructed(Tag::ctx_cons(52), |w| {
                if let Some(o) = &d.o_service_change {
                    o.encode(w, 0);
                }
                if let Some(t) = &d.t_service_change {
                    t.encode(w, 1);
                }
                if let Some(c) = &d.collected_info {
                    w.constructed(Tag::ctx_cons(2), |w| {
                        if let Some(n) = c {
                            s.isup(w, 0, n);
                        }
                    });
                }
            }),
            EventSpecificInfo::Other { tag, contents } => {
                w.constructed(Tag::ctx_cons(*tag), |w| w.raw(contents))
            }
        });
    }

    /// The release, busy or route-select-failure cause, whichever this alternative carries.
    pub fn cause(&self) -> Option<Cause<'a>> {
        match *self {
            EventSpecificInfo::RouteSelectFailure { failure_cause: c }
            | EventSpecificInfo::OCalledPartyBusy { busy_cause: c }
            | EventSpecificInfo::TBusy { busy_cause: c, .. }
            | EventSpecificInfo::ODisconnect { release_cause: c }
            | EventSpecificInfo::TDisconnect { release_cause: c } => c,
            _ => None,
        }
    }
}

fn put_mid_call(w: &mut Writer<'_>, e: &Option<MidCallEvents<'_>>) {
    if let Some(e) = e {
        w.constructed(Tag::ctx_cons(1), |w| match e {
            MidCallEvents::DtmfDigitsCompleted(d) => w.primitive(Tag::ctx(3), d),
            MidCallEvents::DtmfDigitsTimeOut(d) => w.primitive(Tag::ctx(4), d),
        });
    }
}
