//! The MAP client towards HLRs: the one TC-user that begins dialogues. The gsmSCF asks a
//! subscriber's HLR for a roaming number (SendRoutingInformation with the T-CSI suppressed,
//! TS 23.078 §4.5.1, TS 29.002 §8.2.2) or for its location and state
//! (AnyTimeInterrogation, §8.11.1), each in a dialogue of its own on our MAP subsystem.
//!
//! - **Addressing**: the called party is the MSISDN as an E.164 global title (TT 0 by
//!   default) with the HLR's SSN 6 (TS 23.003 §8.1), routed via the configured point code
//!   (an STP/SG that translates it, or the HLR), or the HLR's own GT where a number range
//!   names one; the calling party is our GT with our SSN (147, gsmSCF), so the HLR's answer
//!   finds its way back by GT translation.
//! - **Versions**: SRI opens with locationInfoRetrievalContext-v3; an HLR that refuses it
//!   (AARE application-context-name-not-supported, TS 29.002 §15.6.2 / Q.773) is asked
//!   again in v2 with the v2 form of the argument. ATI exists in v3 only.
//! - **Time**: the request's deadline is the invoke timer (Q.774 TC-L-CANCEL), so the
//!   answer is there by then or the dialogue is given up and the caller told so.
//! - **Answers**: the ReturnResult in a TC-END (or TC-CONTINUE, then we end) becomes a
//!   [`Roaming`] or [`Whereabouts`]; a ReturnError the MAP error by name; an abort, a
//!   reject or an SCCP return a failure saying which.

use super::{Ctx, Fault};
use crate::ber::{MalformedMembers, Tlv, Writer};
use crate::map::{
    self, AddressString, AnyTimeInterrogationArg, Arg, ExtendedRoutingInfo,
    GeographicalInformation, MapError, Res, SendRoutingInfoArg, SubscriberIdentity, SubscriberInfo,
    SubscriberState, TbcdDigits, Version,
};
use crate::sccp::address::AddressBuf;
use crate::sccp::scrc::{Route, ANY_ASSOC};
use crate::sccp::Variant as SccpVariant;
use crate::service::hlr::{
    GeoPoint, HlrAnswer, HlrError, HlrQuery, HlrResult, Reachability, Roaming, Whereabouts,
};
use crate::tcap::sm::{EndKind, Invoke};
use crate::tcap::tc::{
    AppContext, Component, DialogueId, ErrorCode, Indication, OpClass, Operation, UAbortReason,
};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

/// The HLR's subsystem (TS 23.003 §8.1).
pub const HLR_SSN: u8 = 6;

/// Our MAP subsystem by default: the gsmSCF's (TS 23.003 §8.1).
pub const GSMSCF_SSN: u8 = 147;

/// Where the questions about a range of numbers go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HlrRoute {
    /// MSISDN prefix ("" for every number); the longest that fits wins.
    pub prefix: String,
    /// The point code of the STP/SG translating the GT, or of the HLR itself.
    pub pc: u32,
    /// The HLR's own GT to address instead of the MSISDN.
    pub gt: Option<String>,
}

/// How the MAP client is set up (`[hlr]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HlrSettings {
    /// Our MAP subsystem.
    pub ssn: u8,
    /// Our global title: the calling party of our queries and the gsmSCF-Address in them.
    pub gt: String,
    /// Translation type of the GTs we address.
    pub translation_type: u8,
    pub routes: Vec<HlrRoute>,
    /// The CAMEL phases we say we support in SRI (1 to 4).
    pub camel_phases: u8,
    /// Ask the HLR not to return the T-CSI, so that the answer is a roaming number.
    pub suppress_t_csi: bool,
    /// SuppressMTSS bits of SRI v3 (bit 0 suppressCUG, bit 1 suppressCCBS); 0: none.
    pub suppress_mt_ss: u16,
}

/// The network's side of our queries: SCCP variant, our point code, the network indicator.
#[derive(Debug, Clone, Copy)]
pub struct Network {
    pub variant: SccpVariant,
    pub point_code: u32,
    pub network_indicator: u8,
}

/// A question waiting for its HLR's answer.
#[derive(Debug)]
struct Asking {
    id: u64,
    query: HlrQuery,
    version: Version,
    deadline: Instant,
}

/// The MAP client of one stack.
#[derive(Debug)]
pub struct Hlr {
    settings: Option<HlrSettings>,
    net: Network,
    /// Our calling address, encoded once.
    from: Arc<[u8]>,
    gsmscf: AddressString,
    asking: HashMap<DialogueId, Asking>,
    /// Questions whose dialogue the HLR ended without an answer, until the rest of that
    /// message's indications are seen: TCAP reports the rejects of an End after the End
    /// ([`Hlr::settle`]).
    ended: Vec<(DialogueId, Asking)>,
}

/// A protocol-level failure of `what`.
fn failed(what: impl Into<String>) -> HlrError {
    HlrError::Failed(what.into())
}

impl Hlr {
    /// `settings` `None`: no MAP client configured; every question is refused at once.
    pub fn new(settings: Option<HlrSettings>, net: Network) -> Hlr {
        let (from, gsmscf) = match &settings {
            Some(s) => (
                gt_address(net.variant, s.translation_type, &s.gt, s.ssn)
                    .map(|a| Arc::from(a.as_bytes()))
                    .unwrap_or_else(|| Arc::from(&[][..])),
                international(&s.gt).unwrap_or_default(),
            ),
            None => (Arc::from(&[][..]), AddressString::default()),
        };
        Hlr {
            settings,
            net,
            from,
            gsmscf,
            asking: HashMap::new(),
            ended: Vec::new(),
        }
    }

    /// Ask `query` of the subscriber's HLR, answering request `id` by `deadline` in
    /// `ctx.hlr` (at once when it cannot be asked).
    pub fn ask(&mut self, ctx: &mut Ctx<'_>, id: u64, query: HlrQuery, deadline: Instant) {
        // Every question opens in v3; SRI falls back to v2 when the HLR refuses it.
        let a = Asking {
            id,
            query,
            version: Version::V3,
            deadline,
        };
        if let Err((a, e)) = self.begin(ctx, a) {
            ctx.hlr.push((a.id, Err(e)));
        }
    }

    /// Ask `a` in its version; on failure it is handed back with why.
    fn begin(&mut self, ctx: &mut Ctx<'_>, a: Asking) -> Result<(), (Asking, HlrError)> {
        match self.open(ctx, &a) {
            Ok(d) => {
                tracing::debug!(
                    dialogue = d.0,
                    operation = a.query.operation(),
                    msisdn = a.query.msisdn(),
                    version = a.version as u8,
                    "asking the HLR"
                );
                self.asking.insert(d, a);
                Ok(())
            }
            Err(e) => Err((a, e)),
        }
    }

    /// Open a dialogue for `a` and send its Invoke in a TC-BEGIN.
    fn open(&self, ctx: &mut Ctx<'_>, a: &Asking) -> Result<DialogueId, HlrError> {
        let Some(s) = &self.settings else {
            return Err(HlrError::Unavailable(
                "no [hlr] is configured: scpd asks no HLR".into(),
            ));
        };
        let timeout = a.deadline.saturating_duration_since(ctx.now);
        if timeout.is_zero() {
            return Err(HlrError::Timeout);
        }
        let msisdn = a.query.msisdn();
        let number =
            international(msisdn).ok_or_else(|| failed(format!("{msisdn:?} is not an MSISDN")))?;
        let arg = match &a.query {
            HlrQuery::Msrn { .. } => {
                let mut arg = SendRoutingInfoArg::gsmscf(number, self.gsmscf);
                arg.camel_info = Some(map::CamelInfo::phases_up_to(
                    s.camel_phases,
                    s.suppress_t_csi,
                ));
                if a.version == Version::V2 {
                    // v2 has neither gmsc-OrGsmSCF-Address nor the v3 camelInfo members.
                    arg.gmsc_or_gsmscf_address = None;
                } else if s.suppress_mt_ss != 0 {
                    arg.suppress_mtss = Some(map::NamedBits::new(s.suppress_mt_ss, 2));
                }
                Arg::SendRoutingInfo(arg)
            }
            HlrQuery::Locate { current, .. } => {
                let mut arg = AnyTimeInterrogationArg::location_and_state(
                    SubscriberIdentity::Msisdn(number),
                    self.gsmscf,
                );
                arg.requested_info.current_location = *current;
                Arg::AnyTimeInterrogation(arg)
            }
        };
        let mut parameter = Vec::with_capacity(48);
        arg.encode(&mut Writer::new(&mut parameter), a.version)
            .map_err(|e| failed(format!("{} not encoded: {e}", a.query.operation())))?;
        let route = self
            .route(s, msisdn)
            .ok_or_else(|| HlrError::Unavailable(format!("no [hlr] route for {msisdn}")))?;
        let op = arg.operation();
        let ac = op.ac(a.version).map(AppContext::oid);
        let d = ctx
            .tcap
            .open(route, s.ssn, ac, ctx.now)
            .map_err(|e| HlrError::Unavailable(format!("TCAP: {e}")))?;
        let invoke = Invoke {
            op: Operation::Local(i64::from(op.code())),
            class: OpClass::Class1,
            timeout,
            parameter: Some(parameter),
            linked_id: None,
            last: true,
        };
        if let Err(e) = ctx
            .tcap
            .invoke(d, invoke)
            .and_then(|_| ctx.tcap.begin(d, ctx.now))
        {
            let _ = ctx.tcap.abort_local(d);
            return Err(failed(format!("TCAP: {e}")));
        }
        Ok(d)
    }

    /// Where a question about `msisdn` goes: the longest matching route's point code, the
    /// HLR's GT or the MSISDN as the called GT.
    fn route(&self, s: &HlrSettings, msisdn: &str) -> Option<Route> {
        let r = s
            .routes
            .iter()
            .filter(|r| msisdn.starts_with(&r.prefix))
            .max_by_key(|r| r.prefix.len())?;
        let gt = r.gt.as_deref().unwrap_or(msisdn);
        let to = gt_address(self.net.variant, s.translation_type, gt, HLR_SSN)?;
        // One SLS per subscriber: its dialogues keep their order over the links.
        let sls = msisdn
            .bytes()
            .fold(0u8, |h, b| h.wrapping_mul(31).wrapping_add(b))
            & 0x0f;
        Some(Route {
            assoc: ANY_ASSOC,
            opc: self.net.point_code,
            dpc: r.pc,
            ni: self.net.network_indicator,
            sls,
            // Class 1 (in sequence) with return on error: a message SCCP cannot deliver
            // comes back as a TC-NOTICE instead of waiting for the timer.
            protocol_class: 0x81,
            to: Arc::from(to.as_bytes()),
            from: self.from.clone(),
        })
    }

    /// A TCAP indication of our MAP subsystem.
    pub fn indication(&mut self, ctx: &mut Ctx<'_>, ind: &Indication) -> Result<(), Fault> {
        match ind {
            Indication::Begin { dialogue, .. } => {
                // Nobody asks the gsmSCF anything on this subsystem.
                let _ = ctx.tcap.u_abort(*dialogue, None, ctx.now);
                return Err(Fault::Map("TC-BEGIN on the MAP client's subsystem".into()));
            }
            Indication::Uni { .. } => return Err(Fault::Ignored("TC-UNI")),
            _ => {}
        }
        let Some(d) = ind.dialogue() else {
            return Ok(());
        };
        let a = match (self.asking.remove(&d), ind) {
            (Some(a), _) => a,
            // A reject of a message that ended its dialogue says why it had no answer.
            (None, Indication::RReject { .. } | Indication::LReject { .. }) => {
                match self.ended.iter().position(|(e, _)| *e == d) {
                    Some(i) => self.ended.swap_remove(i).1,
                    None => return Ok(()),
                }
            }
            (None, _) => return Ok(()),
        };
        let outcome = match ind {
            Indication::End { components, .. } => match answer(&a, components) {
                Some(r) => Some(r),
                None => {
                    self.ended.push((d, a));
                    return Ok(());
                }
            },
            Indication::Continue { components, .. } => {
                let r = answer(&a, components);
                if r.is_some() {
                    let _ = ctx.tcap.end(d, EndKind::Basic, ctx.now);
                }
                r
            }
            Indication::UAbort {
                reason: UAbortReason::AcNotSupported { supported },
                ..
            } => return self.refused(ctx, a, supported),
            Indication::UAbort { .. } => Some(Err(failed("the HLR aborted the dialogue"))),
            Indication::PAbort { cause, .. } => {
                Some(Err(failed(format!("TCAP P-Abort ({cause:?})"))))
            }
            Indication::Notice { cause, .. } => {
                let _ = ctx.tcap.abort_local(d);
                Some(Err(failed(format!(
                    "SCCP could not deliver it: {} (return cause {cause})",
                    crate::sccp::return_cause_name(*cause)
                ))))
            }
            Indication::LCancel { .. } | Indication::Timeout { .. } => {
                let _ = ctx.tcap.u_abort(d, None, ctx.now);
                Some(Err(HlrError::Timeout))
            }
            Indication::RReject { problem, .. } => {
                let _ = ctx.tcap.u_abort(d, None, ctx.now);
                Some(Err(failed(format!("the HLR rejected it ({problem:?})"))))
            }
            Indication::LReject { problem, .. } => {
                let _ = ctx.tcap.end(d, EndKind::Basic, ctx.now);
                Some(Err(failed(format!(
                    "the HLR's answer is malformed ({problem:?})"
                ))))
            }
            Indication::Begin { .. } | Indication::Uni { .. } => None,
        };
        match outcome {
            Some(r) => {
                if let Err(e) = &r {
                    tracing::info!(
                        dialogue = d.0,
                        operation = a.query.operation(),
                        msisdn = a.query.msisdn(),
                        error = %e,
                        "HLR question failed"
                    );
                }
                ctx.hlr.push((a.id, r));
            }
            None => {
                self.asking.insert(d, a);
            }
        }
        Ok(())
    }

    /// After the indications of one message: a question whose dialogue ended without an
    /// answer, and no reject saying why, fails as such.
    pub fn settle(&mut self, ctx: &mut Ctx<'_>) {
        for (d, a) in self.ended.drain(..) {
            let e = failed("the HLR ended the dialogue without answering");
            tracing::info!(dialogue = d.0, msisdn = a.query.msisdn(), error = %e, "HLR question failed");
            ctx.hlr.push((a.id, Err(e)));
        }
    }

    /// The HLR refused our application context: SRI falls back to v2 (the HLR names the
    /// version it has, or names none); anything else fails.
    fn refused(
        &mut self,
        ctx: &mut Ctx<'_>,
        mut a: Asking,
        supported: &AppContext,
    ) -> Result<(), Fault> {
        let offered = match supported {
            AppContext::Oid(o) => map::ac_info(o),
            AppContext::Integer(_) => None,
        };
        let v2 = matches!(a.query, HlrQuery::Msrn { .. })
            && a.version == Version::V3
            && offered.is_none_or(|(_, v)| v == Version::V2);
        if !v2 {
            let e = failed(format!(
                "the HLR refused the application context of {} v{}",
                a.query.operation(),
                a.version as u8
            ));
            ctx.hlr.push((a.id, Err(e)));
            return Ok(());
        }
        tracing::debug!(
            msisdn = a.query.msisdn(),
            "HLR refused MAP v3: asking in v2"
        );
        a.version = Version::V2;
        if let Err((a, e)) = self.begin(ctx, a) {
            ctx.hlr.push((a.id, Err(e)));
        }
        Ok(())
    }

    /// Stopping: every question still open is answered as unavailable and its dialogue
    /// aborted.
    pub fn shutdown(&mut self, ctx: &mut Ctx<'_>) {
        for (d, a) in self.asking.drain() {
            let _ = ctx.tcap.u_abort(d, None, ctx.now);
            ctx.hlr
                .push((a.id, Err(HlrError::Unavailable("scpd is stopping".into()))));
        }
    }
}

/// The answer among `components`, if there is one.
fn answer(a: &Asking, components: &[Component]) -> Option<HlrResult> {
    let op = match a.query {
        HlrQuery::Msrn { .. } => map::Operation::SendRoutingInfo,
        HlrQuery::Locate { .. } => map::Operation::AnyTimeInterrogation,
    };
    components.iter().find_map(|c| match c {
        Component::ReturnResult { parameter, .. } => Some(result(a, op, parameter.as_deref())),
        Component::ReturnError {
            error, parameter, ..
        } => Some(Err(map_error(a, op, error, parameter.as_deref()))),
        // TCAP reports a received Reject as TC-R-REJECT, not as a component.
        Component::Reject { .. } | Component::Invoke { .. } => None,
    })
}

fn parse(p: Option<&[u8]>) -> Result<Option<Tlv<'_>>, HlrError> {
    p.map(Tlv::parse_single)
        .transpose()
        .map_err(|e| failed(format!("the HLR's answer does not decode: {e}")))
}

fn result(a: &Asking, op: map::Operation, p: Option<&[u8]>) -> HlrResult {
    let mut malformed = MalformedMembers::new();
    let res = map::decode_result_lenient(op, parse(p)?, a.version, &mut malformed)
        .map_err(|e| failed(format!("the HLR's result does not decode: {e}")))?;
    for m in &malformed {
        tracing::debug!(member = m.member, fault = %m.fault, "HLR result member malformed, left out");
    }
    match res {
        Res::SendRoutingInfo(r) => {
            let msrn = match r.routing_info {
                Some(ExtendedRoutingInfo::RoamingNumber(n)) => n,
                Some(ExtendedRoutingInfo::ForwardingData(f)) => {
                    let to = f
                        .forwarded_to_number
                        .or(f.long_forwarded_to_number)
                        .map(|n| n.digits.text().to_string())
                        .unwrap_or_default();
                    return Err(HlrError::NoRoutingNumber(format!(
                        "calls to {} are forwarded to {to:?}, no roaming number",
                        a.query.msisdn()
                    )));
                }
                Some(ExtendedRoutingInfo::CamelRoutingInfo(_)) => {
                    return Err(HlrError::NoRoutingNumber(
                        "the HLR returned the subscriber's CAMEL routing info, not a \
                         roaming number (T-CSI not suppressed)"
                            .into(),
                    ))
                }
                None => {
                    return Err(HlrError::NoRoutingNumber(
                        "the HLR returned no routing info".into(),
                    ))
                }
            };
            Ok(HlrAnswer::Roaming(Roaming {
                msrn: msrn.digits.text().to_string(),
                imsi: r.imsi.map(|i| i.text().to_string()).unwrap_or_default(),
                vmsc: r
                    .vmsc_address
                    .map(|v| v.digits.text().to_string())
                    .unwrap_or_default(),
                map_version: a.version as u8,
            }))
        }
        Res::AnyTimeInterrogation(r) => Ok(HlrAnswer::Whereabouts(whereabouts(&r.subscriber_info))),
    }
}

/// SubscriberInfo → protocol-neutral.
fn whereabouts(s: &SubscriberInfo<'_>) -> Whereabouts {
    let mut w = Whereabouts {
        state: match s.subscriber_state {
            None => Reachability::Unknown,
            Some(SubscriberState::AssumedIdle) => Reachability::AssumedIdle,
            Some(SubscriberState::CamelBusy) => Reachability::Busy,
            Some(SubscriberState::NotProvidedFromVlr) => Reachability::NotProvidedFromVlr,
            Some(SubscriberState::NetDetNotReachable(r)) => {
                use map::not_reachable_reason::*;
                Reachability::NotReachable(match r {
                    MS_PURGED => "msPurged",
                    IMSI_DETACHED => "imsiDetached",
                    RESTRICTED_AREA => "restrictedArea",
                    NOT_REGISTERED => "notRegistered",
                    _ => "unknown",
                })
            }
        },
        ..Whereabouts::default()
    };
    if let Some(l) = &s.location_information {
        w.location = Some(super::camel_map::location(l));
        w.age_minutes = l.age_of_location_information;
        w.msc = l
            .msc_number
            .map(|m| m.digits.text().to_string())
            .unwrap_or_default();
        w.current = l.current_location_retrieved;
        w.geo = match s.geographical_information() {
            Some(Ok(g)) => Some(geo(&g)),
            Some(Err(e)) => {
                tracing::debug!(error = %e, "HLR geographicalInformation malformed, left out");
                None
            }
            None => None,
        };
    }
    w
}

fn geo(g: &GeographicalInformation) -> GeoPoint {
    GeoPoint {
        latitude: g.latitude(),
        longitude: g.longitude(),
        uncertainty_m: g.uncertainty_m(),
    }
}

fn map_error(a: &Asking, op: map::Operation, code: &ErrorCode, p: Option<&[u8]>) -> HlrError {
    let ErrorCode::Local(code) = *code else {
        return failed(format!("the HLR answered a non-MAP error {code:?}"));
    };
    let tlv = match parse(p) {
        Ok(t) => t,
        Err(e) => return e,
    };
    let mut malformed = MalformedMembers::new();
    match map::decode_error_lenient(op, code, tlv, a.version, &mut malformed) {
        Ok(e) => HlrError::Map {
            name: e.name(),
            detail: detail(&e),
        },
        // An error the operation does not declare: still say which.
        Err(_) => {
            let e = MapError::Other(code);
            HlrError::Map {
                name: e.name(),
                detail: e.to_string(),
            }
        }
    }
}

/// A MAP error with its parameter's value named where TS 29.002 names them.
fn detail(e: &MapError) -> String {
    use map::errors::{absent_subscriber_reason as absent, unknown_subscriber_diagnostic as unk};
    let named = match *e {
        MapError::UnknownSubscriber {
            diagnostic: Some(d),
        } => match d {
            unk::IMSI_UNKNOWN => Some("imsiUnknown"),
            unk::GPRS_EPS_SUBSCRIPTION_UNKNOWN => Some("gprs-eps-SubscriptionUnknown"),
            unk::NPDB_MISMATCH => Some("npdbMismatch"),
            _ => None,
        },
        MapError::AbsentSubscriber { reason: Some(r) } => match r {
            absent::IMSI_DETACH => Some("imsiDetach"),
            absent::RESTRICTED_AREA => Some("restrictedArea"),
            absent::NO_PAGE_RESPONSE => Some("noPageResponse"),
            absent::PURGED_MS => Some("purgedMS"),
            absent::MT_ROAMING_RETRY => Some("mtRoamingRetry"),
            absent::BUSY_SUBSCRIBER => Some("busySubscriber"),
            _ => None,
        },
        _ => None,
    };
    match named {
        Some(n) => format!("{} ({n})", e.name()),
        None => e.to_string(),
    }
}

/// `digits` as an international E.164 AddressString.
fn international(digits: &str) -> Option<AddressString> {
    let d: TbcdDigits = digits.parse().ok()?;
    (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
        .then(|| AddressString::international(d))
}

/// A route-on-GT address: E.164 international `digits` with `ssn` (ITU GTI 4: TT, NP,
/// encoding, NAI; ANSI GTI 2: TT only).
fn gt_address(variant: SccpVariant, tt: u8, digits: &str, ssn: u8) -> Option<AddressBuf> {
    let d = digits.parse().ok()?;
    let gti = match variant {
        SccpVariant::Ansi => 2,
        _ => 4,
    };
    AddressBuf::with_gt(variant, false, None, Some(ssn), gti, tt, 1, 4, &d).ok()
}
