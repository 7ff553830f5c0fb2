//! The HLR side of `scpd sim` (`--role hlr`): a simulated HLR (TS 29.002 MAP) that scpd,
//! as the gsmSCF's MAP client, queries. It answers SendRoutingInfo (opcode 22) with a
//! roaming number and AnyTimeInterrogation (opcode 71) with location and subscriber state,
//! or with the MAP errors configured per subscriber.
//!
//! The HLR connects to scpd's M3UA server as an ASP, like the switch simulators. Once
//! active, it sends scpd one SCCP management SSA (Q.713 §5.3.2.1: its subsystem, at its
//! point code, is allowed) so that scpd's M3UA endpoint learns that the HLR's point code is
//! reached over this association (scpd prefers, for a DPC, an association that carried
//! traffic from it). Then it serves every TC-BEGIN that comes:
//!
//! - SendRoutingInfo (locationInfoRetrievalContext v3 or v2): a TC-END accepting the
//!   application context, with the IMSI (the MCC and MNC of the profile's IMSI, then the
//!   last 10 digits of the MSISDN) and the next MSRN of a range, in the result form of the
//!   dialogue's version. With `v2_only`, a v3 dialogue is refused (TC-ABORT with an AARE
//!   reject-permanent, application-context-name-not-supported, naming the v2 context), and
//!   the client asks again in v2 (the MAP version fallback).
//! - AnyTimeInterrogation (anyTimeInfoEnquiryContext v3): SubscriberInfo with the members
//!   the requestedInfo asks for: LocationInformation (age, cell global id, VLR and MSC
//!   number, optionally a geographical position) and SubscriberState.
//! - A subscriber configured with an error gets it as a ReturnError (with its parameter in
//!   the form of the version); a silent one is never answered.
//!
//! Anything that does not decode is counted as malformed and never panics the HLR: a TCAP
//! message that fails at the transaction portion is answered with a TC-ABORT with the
//! P-Abort cause when it has an originating id; a dialogue without an application context
//! likewise; an invoke that fails (component, operation code, argument) with a TC-END
//! carrying the Reject Q.774 and TS 29.002 call for.
//!
//! The HLR itself ([`Hlr`]) is sans-IO: M3UA, SCCP or TCAP bytes in, the reply bytes
//! appended to a buffer. [`run`] (in `io`) is the thin async glue around it: one batch of received
//! messages handled, their replies written in one send.

use crate::ber::{Reader, Writer};
use crate::lab::json::{self, J};
use crate::lab::sim::RoamingNumbers;
use crate::m3ua::{self, Builder, Kind, Message, ProtocolData};
use crate::map::errors::{absent_subscriber_reason, unknown_subscriber_diagnostic};
use crate::map::{
    self, error_name, not_reachable_reason, AddressString, AnyTimeInterrogationArg,
    AnyTimeInterrogationRes, Arg, CellIdOrLai, GeographicalInformation, LocationInformation,
    MapError, Operation, Plmn, SendRoutingInfoArg, SendRoutingInfoRes, SubscriberIdentity,
    SubscriberInfo, SubscriberState, TbcdDigits, Version,
};
use crate::sccp::scmg::{scmg_type, ScmgMessage, SSN_SCMG};
use crate::sccp::{Address, Unitdata, Variant};
use crate::tcap::itu::{
    self, problem, Code, ComponentPdu, DialogueOut, DialoguePdu, MessageType, PAbortCause,
    TcMessage,
};
use std::collections::{BTreeMap, HashMap};

mod io;
#[cfg(test)]
mod tests;

pub use io::{run, HlrConfig};

pub use crate::tcuser::hlr::{GSMSCF_SSN, HLR_SSN};

/// The subscriber state an AnyTimeInterrogation reports (TS 29.002 §17.7.1
/// SubscriberState).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum HlrState {
    /// assumedIdle.
    #[default]
    Idle,
    /// camelBusy: in a call.
    Busy,
    /// netDetNotReachable, imsiDetached.
    NotReachable,
    /// notProvidedFromVLR.
    NotProvided,
}

impl HlrState {
    pub fn subscriber_state(self) -> SubscriberState {
        match self {
            HlrState::Idle => SubscriberState::AssumedIdle,
            HlrState::Busy => SubscriberState::CamelBusy,
            HlrState::NotReachable => {
                SubscriberState::NetDetNotReachable(not_reachable_reason::IMSI_DETACHED)
            }
            HlrState::NotProvided => SubscriberState::NotProvidedFromVlr,
        }
    }
}

/// The ASN.1 name of a subscriber state's alternative.
pub fn state_name(s: SubscriberState) -> &'static str {
    match s {
        SubscriberState::AssumedIdle => "assumedIdle",
        SubscriberState::CamelBusy => "camelBusy",
        SubscriberState::NetDetNotReachable(_) => "netDetNotReachable",
        SubscriberState::NotProvidedFromVlr => "notProvidedFromVLR",
    }
}

/// What the HLR answers a subscriber instead of its data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Special {
    /// A ReturnError with this error.
    Error(MapError),
    /// Nothing: the dialogue stays unanswered.
    Silent,
}

/// unknownSubscriber as the HLR sends it: diagnostic imsiUnknown (carried in v3).
pub const UNKNOWN_SUBSCRIBER: MapError = MapError::UnknownSubscriber {
    diagnostic: Some(unknown_subscriber_diagnostic::IMSI_UNKNOWN),
};

/// absentSubscriber as the HLR sends it: reason imsiDetach (carried in v3).
pub const ABSENT_SUBSCRIBER: MapError = MapError::AbsentSubscriber {
    reason: Some(absent_subscriber_reason::IMSI_DETACH),
};

/// The MAP error of an ASN.1 name (TS 29.002 §17.6.6, as [`error_name`] spells it; case
/// does not matter): unknownSubscriber and absentSubscriber with the parameter values of
/// [`UNKNOWN_SUBSCRIBER`] and [`ABSENT_SUBSCRIBER`], every other error without values.
pub fn map_error_by_name(name: &str) -> Option<MapError> {
    let code =
        (0..=255i64).find(|&c| error_name(c).is_some_and(|n| n.eq_ignore_ascii_case(name)))?;
    Some(match MapError::decode(code, None).ok()? {
        MapError::UnknownSubscriber { .. } => UNKNOWN_SUBSCRIBER,
        MapError::AbsentSubscriber { .. } => ABSENT_SUBSCRIBER,
        e => e,
    })
}

/// What the HLR knows and answers.
#[derive(Debug, Clone)]
pub struct HlrProfile {
    /// The digits heading every IMSI (MCC and MNC: 5 digits), the last 10 digits of the
    /// MSISDN following.
    pub imsi_prefix: String,
    /// The first MSRN handed out; the next ones count up from it, keeping its length.
    pub msrn_first: String,
    /// How many MSRNs there are before the first comes round again.
    pub msrns: u32,
    /// ageOfLocationInformation (minutes, 0..=32767).
    pub age: u32,
    /// cellGlobalIdOrServiceAreaIdFixedLength of the location.
    pub cell: CellIdOrLai,
    /// vlr-number and msc-Number of the location (international E.164).
    pub vlr: String,
    /// geographicalInformation of the location, if any.
    pub geo: Option<GeographicalInformation>,
    /// The subscriber state of every subscriber.
    pub state: HlrState,
    /// Subscribers (MSISDN digits; for an ATI by IMSI, the IMSI) answered otherwise.
    pub special: HashMap<String, Special>,
    /// Refuse the v3 SendRoutingInfo context (an HLR of MAP phase 2).
    pub v2_only: bool,
    /// Our subsystem (the called SSN expected, the SSA's affected SSN).
    pub ssn: u8,
}

impl Default for HlrProfile {
    fn default() -> Self {
        HlrProfile {
            imsi_prefix: "26201".into(),
            msrn_first: "491739990000".into(),
            msrns: 1000,
            age: 0,
            cell: CellIdOrLai::CellId {
                plmn: Plmn {
                    mcc: 262,
                    mnc: 1,
                    mnc_3_digits: false,
                },
                lac: 4660,
                ci: 22136,
            },
            vlr: "491720000001".into(),
            geo: None,
            state: HlrState::Idle,
            special: HashMap::new(),
            v2_only: false,
            ssn: HLR_SSN,
        }
    }
}

/// The counts of a run, printed as one JSON line at the end.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct HlrReport {
    /// Always "hlr".
    pub role: &'static str,
    /// TC-BEGINs received (whatever became of them).
    pub requests: u64,
    /// SendRoutingInfo invokes decoded.
    pub sri: u64,
    /// AnyTimeInterrogation invokes decoded.
    pub ati: u64,
    /// SendRoutingInfo results with an MSRN.
    pub msrns: u64,
    /// ReturnErrors sent, by error name.
    pub errors: BTreeMap<String, u64>,
    /// v3 SendRoutingInfo dialogues refused (v2-only).
    pub refused_v3: u64,
    /// Requests left unanswered on purpose (silent subscribers).
    pub silent: u64,
    /// Messages that did not decode (M3UA, SCCP, TCAP, MAP), or TCAP messages for no
    /// dialogue of ours.
    pub malformed: u64,
    /// TC-BEGINs answered (TC-END or TC-ABORT): what `--calls` counts.
    pub answered: u64,
    /// Dialogues refused for an application context the HLR does not serve.
    pub refused_ac: u64,
    /// Requests whose called SSN was not ours or whose calling SSN was not the gsmSCF's.
    pub ssn_mismatches: u64,
    /// SCCP service messages (UDTS, XUDTS, LUDTS) received: answers that did not arrive.
    pub returned: u64,
    /// SST for our subsystem answered with SSA.
    pub sst: u64,
    pub elapsed_ms: u64,
    /// Why the run ended early (the association failed), if it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// The simulated HLR: every message in, its reply out.
pub struct Hlr {
    profile: HlrProfile,
    variant: Variant,
    vlr: AddressString,
    geo: Option<[u8; 8]>,
    msrns: RoamingNumbers,
    /// The index of the next MSRN in the range.
    next_msrn: u32,
    pub rep: HlrReport,
    /// Scratch buffers: the reply's SCCP user data, a result or error parameter.
    tcap: Vec<u8>,
    sccp: Vec<u8>,
    param: Vec<u8>,
}

/// The AARE accepting a dialogue: result accepted, dialogue-service-user null.
fn accepted(ac: &[u8]) -> DialogueOut<'_> {
    DialogueOut::Aare {
        ac,
        result: 0,
        diagnostic: (1, 0),
    }
}

/// The AARE refusing a dialogue: reject-permanent, dialogue-service-user
/// application-context-name-not-supported, naming `ac` (the one we would accept).
fn refused(ac: &[u8]) -> DialogueOut<'_> {
    DialogueOut::Aare {
        ac,
        result: 1,
        diagnostic: (1, 2),
    }
}

/// The originating transaction id of a TCAP message that does not decode, if one can be
/// read: the reply can then still name the peer's transaction.
fn peek_otid(tcap: &[u8]) -> Option<&[u8]> {
    let top = Reader::new(tcap).next_tlv().ok()??;
    let mut r = top.children().ok()?;
    while let Ok(Some(t)) = r.next_tlv() {
        if t.tag.is(itu::tags::OTID) {
            return (1..=4).contains(&t.value.len()).then_some(t.value);
        }
    }
    None
}

impl Hlr {
    /// An HLR answering with `profile`, in SCCP `variant`. Every configured value is
    /// checked here, so that no answer fails to encode later.
    pub fn new(profile: HlrProfile, variant: Variant) -> Result<Hlr, String> {
        let prefix = &profile.imsi_prefix;
        if prefix.len() != 5 || !prefix.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!(
                "IMSI prefix {prefix:?}: the MCC and MNC are 5 digits"
            ));
        }
        let msrns = RoamingNumbers::new(&profile.msrn_first, profile.msrns)?;
        if profile.age > 32767 {
            return Err(format!(
                "age of location {} over 32767 minutes",
                profile.age
            ));
        }
        let vlr = profile
            .vlr
            .parse::<TbcdDigits>()
            .ok()
            .filter(|d| {
                (1..=15).contains(&d.len()) && d.as_str().bytes().all(|b| b.is_ascii_digit())
            })
            .ok_or_else(|| format!("VLR number {:?}: 1 to 15 digits", profile.vlr))?;
        let plmn = profile.cell.plmn();
        if plmn.mcc > 999 || plmn.mnc > 999 || (!plmn.mnc_3_digits && plmn.mnc > 99) {
            return Err(format!("cell PLMN {plmn} out of range"));
        }
        for (who, s) in &profile.special {
            if let Special::Error(e) = s {
                e.check().map_err(|err| format!("error for {who}: {err}"))?;
            }
        }
        let hlr = Hlr {
            vlr: AddressString::international(vlr),
            geo: profile.geo.map(|g| g.encode()),
            msrns,
            next_msrn: 0,
            rep: HlrReport {
                role: "hlr",
                ..Default::default()
            },
            tcap: Vec::with_capacity(256),
            sccp: Vec::with_capacity(300),
            param: Vec::with_capacity(200),
            profile,
            variant,
        };
        // A trial ATI answer with every member, so that a bad value fails now.
        let mut w = Vec::new();
        hlr.ati_result(true, true, false)
            .encode(&mut Writer::new(&mut w))
            .map_err(|e| format!("location: {e}"))?;
        Ok(hlr)
    }

    pub fn profile(&self) -> &HlrProfile {
        &self.profile
    }

    /// The IMSI of the subscriber with `msisdn`: the profile's MCC and MNC, then the last
    /// 10 digits of the MSISDN, left-padded with 0.
    pub fn imsi_of(&self, msisdn: &str) -> String {
        let tail = &msisdn[msisdn.len().saturating_sub(10)..];
        let mut s = String::with_capacity(15);
        s.push_str(&self.profile.imsi_prefix);
        s.extend(std::iter::repeat_n('0', 10 - tail.len()));
        s.push_str(tail);
        s
    }

    /// The next MSRN of the range (consecutive numbers, the first again after `msrns`).
    fn next_msrn(&mut self) -> String {
        let k = self.next_msrn % self.msrns.count();
        self.next_msrn = (k + 1) % self.msrns.count();
        self.msrns.nth(k)
    }

    /// The AnyTimeInterrogation result: the location and state as asked.
    fn ati_result(
        &self,
        location: bool,
        state: bool,
        current: bool,
    ) -> AnyTimeInterrogationRes<'_> {
        let p = &self.profile;
        let location_information = location.then(|| LocationInformation {
            age_of_location_information: Some(p.age),
            geographical_information: self.geo.as_ref().map(|g| &g[..]),
            vlr_number: Some(self.vlr),
            cell_id_or_lai: Some(p.cell),
            msc_number: Some(self.vlr),
            current_location_retrieved: current,
            ..Default::default()
        });
        AnyTimeInterrogationRes {
            subscriber_info: SubscriberInfo {
                location_information,
                subscriber_state: state.then(|| p.state.subscriber_state()),
                ..Default::default()
            },
            ..Default::default()
        }
    }

    /// Handle one M3UA message from scpd; the reply (if any) is appended to `out`, a line
    /// per request to `log`. An M3UA ERR is returned as an error (the caller says so); a
    /// message that does not parse is counted.
    pub fn on_m3ua(
        &mut self,
        m: &[u8],
        rc: Option<u32>,
        out: &mut Vec<u8>,
        log: &mut J,
    ) -> Result<(), String> {
        let Ok(msg) = Message::parse(m) else {
            self.rep.malformed += 1;
            return Ok(());
        };
        match msg.kind() {
            Some(Kind::Data) => {}
            Some(Kind::Beat) => {
                let mut b = Builder::new(out, Kind::BeatAck);
                if let Some(d) = msg.param(m3ua::codec::tag::HEARTBEAT_DATA) {
                    b = b.param(m3ua::codec::tag::HEARTBEAT_DATA, d);
                }
                b.finish();
                return Ok(());
            }
            Some(Kind::Err) => {
                return Err(format!(
                    "M3UA ERR, error code {:?}",
                    msg.error_code().ok().flatten()
                ))
            }
            // NTFY, BEAT ACK, SSNM (DUNA, DAVA, ...) and the rest: nothing to answer.
            _ => return Ok(()),
        }
        let Ok(pd) = msg.protocol_data() else {
            self.rep.malformed += 1;
            return Ok(());
        };
        if pd.si != 3 {
            self.rep.malformed += 1;
            return Ok(());
        }
        let mut sccp = std::mem::take(&mut self.sccp);
        sccp.clear();
        self.on_sccp(pd.data, &mut sccp, log);
        if !sccp.is_empty() {
            let mut b = Builder::new(out, Kind::Data);
            if let Some(rc) = rc {
                b = b.param_u32(m3ua::codec::tag::ROUTING_CONTEXT, rc);
            }
            b.protocol_data(&ProtocolData {
                opc: pd.dpc,
                dpc: pd.opc,
                data: &sccp,
                ..pd
            })
            .finish();
        }
        self.sccp = sccp;
        Ok(())
    }

    /// Handle one SCCP message (the user part of an M3UA DATA); the SCCP reply (if any) is
    /// appended to `out`.
    pub fn on_sccp(&mut self, sccp: &[u8], out: &mut Vec<u8>, log: &mut J) {
        let u = match Unitdata::decode_variant(sccp, self.variant) {
            Ok(u) => u,
            Err(e) => {
                self.rep.malformed += 1;
                malformed_line(log, None, &format!("SCCP: {e}"));
                return;
            }
        };
        if u.is_service() {
            self.rep.returned += 1;
            return;
        }
        if u.called.ssn == Some(SSN_SCMG) {
            self.on_scmg(&u, out);
            return;
        }
        if u.segmentation.is_some_and(|s| !s.first || s.remaining > 0) {
            self.rep.malformed += 1;
            malformed_line(log, None, "SCCP: segmented message");
            return;
        }
        if u.called.ssn != Some(self.profile.ssn) || u.calling.ssn != Some(GSMSCF_SSN) {
            self.rep.ssn_mismatches += 1;
        }
        let mut tcap = std::mem::take(&mut self.tcap);
        tcap.clear();
        self.on_tcap(u.data, &mut tcap, log);
        if !tcap.is_empty() {
            let answer = Unitdata::udt(u.protocol_class, u.calling, u.called, &tcap);
            if let Err(e) = answer.encode(out, self.variant) {
                self.rep.malformed += 1;
                malformed_line(log, None, &format!("SCCP answer: {e}"));
            }
        }
        self.tcap = tcap;
    }

    /// SCCP management to SSN 1: an SST for our subsystem is answered with SSA (Q.714
    /// §5.3.4.2: the subsystem is up); everything else is taken note of and dropped.
    fn on_scmg(&mut self, u: &Unitdata<'_>, out: &mut Vec<u8>) {
        let Ok(m) = ScmgMessage::decode(u.data, self.variant) else {
            self.rep.malformed += 1;
            return;
        };
        if m.format != scmg_type::SST || m.affected_ssn != self.profile.ssn {
            return;
        }
        self.rep.sst += 1;
        let mut body = Vec::with_capacity(8);
        ScmgMessage {
            format: scmg_type::SSA,
            ..m
        }
        .encode(&mut body, self.variant);
        // PC + SSN addresses and a 6-octet body always fit a UDT.
        let _ = Unitdata::udt(0, u.calling, u.called, &body).encode(out, self.variant);
    }

    /// Handle one TCAP message; the TCAP reply (if any) is appended to `out`.
    pub fn on_tcap(&mut self, tcap: &[u8], out: &mut Vec<u8>, log: &mut J) {
        let msg = match TcMessage::decode(tcap) {
            Ok(m) => m,
            Err(e) => {
                self.rep.malformed += 1;
                let otid = peek_otid(tcap);
                if let Some(o) = otid {
                    itu::encode_p_abort(out, o, e.p_abort_cause());
                    if tcap.first() == Some(&0x62) {
                        self.rep.requests += 1;
                        self.rep.answered += 1;
                    }
                }
                malformed_line(log, otid, &format!("TCAP: {e}"));
                return;
            }
        };
        match msg.kind {
            MessageType::Begin => self.on_begin(&msg, out, log),
            MessageType::Continue => {
                // The HLR keeps no dialogue open: this one is none of ours.
                self.rep.malformed += 1;
                if let Some(o) = msg.otid {
                    itu::encode_p_abort(out, o, PAbortCause::UnrecognizedTransactionId);
                }
                malformed_line(log, msg.otid, "TC-CONTINUE for no dialogue");
            }
            // A TC-END or TC-ABORT (scpd gave up on a silent dialogue) ends nothing of ours;
            // a unidirectional message asks for nothing.
            MessageType::End | MessageType::Abort | MessageType::Unidirectional => {}
        }
    }

    fn on_begin(&mut self, msg: &TcMessage<'_>, out: &mut Vec<u8>, log: &mut J) {
        self.rep.requests += 1;
        let otid = msg.otid.unwrap_or_default();
        let Some(DialoguePdu::Aarq { ac, .. }) = msg.dialogue else {
            // MAP v2 and v3 dialogues open with an AARQ; v1 (none) is not served.
            self.rep.malformed += 1;
            self.rep.answered += 1;
            itu::encode_p_abort(out, otid, PAbortCause::IncorrectTransactionPortion);
            malformed_line(log, Some(otid), "TC-BEGIN without an AARQ");
            return;
        };
        let Some((op, version)) = map::ac_info(ac) else {
            self.rep.refused_ac += 1;
            self.rep.answered += 1;
            itu::encode(
                out,
                MessageType::Abort,
                None,
                Some(otid),
                Some(refused(ac)),
                |_| {},
            );
            log.open().key("otid").hex(otid);
            match crate::ber::oid_to_string(ac) {
                Some(o) => log.key("ac").str(&o),
                None => log.key("ac").hex(ac),
            };
            log.key("answer").str("refused").close().newline();
            return;
        };
        if self.profile.v2_only && op == Operation::SendRoutingInfo && version == Version::V3 {
            self.rep.refused_v3 += 1;
            self.rep.answered += 1;
            itu::encode(
                out,
                MessageType::Abort,
                None,
                Some(otid),
                Some(refused(map::ac::LOCATION_INFO_RETRIEVAL_V2)),
                |_| {},
            );
            request_line(log, otid, op, version);
            if log.is_on() {
                // The subscriber, for the line only (the refusal does not look at it).
                if let Some(Ok(ComponentPdu::Invoke {
                    parameter: Some(p), ..
                })) = msg.component_pdus().next()
                {
                    if let Ok(a) = SendRoutingInfoArg::decode(p, version) {
                        log.key("msisdn").str(a.msisdn.digits.as_str());
                    }
                }
            }
            log.key("answer").str("refused").close().newline();
            return;
        }
        // The dialogue's first component: the Invoke of the context's operation.
        let (invoke_id, parameter) = match msg.component_pdus().next() {
            Some(Ok(ComponentPdu::Invoke {
                invoke_id,
                opcode: Code::Local(code),
                parameter,
                ..
            })) if i64::from(op.code()) == code => (invoke_id, parameter),
            Some(Ok(ComponentPdu::Invoke { invoke_id, .. })) => {
                let p = (problem::INVOKE, problem::UNRECOGNIZED_OPERATION);
                return self.reject(otid, ac, Some(invoke_id), p, "operation", out, log);
            }
            Some(Ok(_)) => {
                let p = (problem::GENERAL, problem::UNRECOGNIZED_COMPONENT);
                return self.reject(otid, ac, None, p, "not an Invoke", out, log);
            }
            Some(Err(f)) => {
                return self.reject(otid, ac, f.invoke_id, f.problem, "component", out, log)
            }
            None => {
                self.rep.malformed += 1;
                self.rep.answered += 1;
                itu::encode_p_abort(out, otid, PAbortCause::IncorrectTransactionPortion);
                malformed_line(log, Some(otid), "TC-BEGIN without components");
                return;
            }
        };
        let arg = match map::decode_invoke(i64::from(op.code()), parameter, version) {
            Ok(a) => a,
            Err(e) => {
                let p = e
                    .problem()
                    .map_or((problem::INVOKE, problem::MISTYPED_PARAMETER), |p| {
                        p.to_itu()
                    });
                return self.reject(otid, ac, Some(invoke_id), p, &e.to_string(), out, log);
            }
        };
        let ids = Ids {
            otid,
            ac,
            invoke_id,
            version,
        };
        match arg {
            Arg::SendRoutingInfo(a) => self.sri(&ids, &a, out, log),
            Arg::AnyTimeInterrogation(a) => self.ati(&ids, &a, out, log),
        }
    }

    fn sri(&mut self, ids: &Ids<'_>, a: &SendRoutingInfoArg<'_>, out: &mut Vec<u8>, log: &mut J) {
        self.rep.sri += 1;
        let msisdn = a.msisdn.digits;
        request_line(log, ids.otid, Operation::SendRoutingInfo, ids.version);
        log.key("msisdn").str(msisdn.as_str());
        if self.special(ids, msisdn.as_str(), out, log) {
            return;
        }
        let imsi = self.imsi_of(msisdn.as_str());
        let msrn = self.next_msrn();
        let (Ok(imsi_d), Ok(msrn_d)) = (imsi.parse::<TbcdDigits>(), msrn.parse::<TbcdDigits>())
        else {
            // Cannot happen: both are digits checked in `new`.
            return self.error(ids, SYSTEM_FAILURE, out, log);
        };
        let res = SendRoutingInfoRes::roaming(imsi_d, AddressString::international(msrn_d));
        self.param.clear();
        if res
            .encode(&mut Writer::new(&mut self.param), ids.version)
            .is_err()
        {
            return self.error(ids, SYSTEM_FAILURE, out, log);
        }
        self.rep.msrns += 1;
        self.result(ids, Operation::SendRoutingInfo, out);
        log.key("answer").str("msrn");
        log.key("msrn").str(&msrn).key("imsi").str(&imsi);
        log.close().newline();
    }

    fn ati(
        &mut self,
        ids: &Ids<'_>,
        a: &AnyTimeInterrogationArg<'_>,
        out: &mut Vec<u8>,
        log: &mut J,
    ) {
        self.rep.ati += 1;
        let op = Operation::AnyTimeInterrogation;
        request_line(log, ids.otid, op, ids.version);
        let who = match a.subscriber_identity {
            SubscriberIdentity::Msisdn(m) => {
                log.key("msisdn").str(m.digits.as_str());
                m.digits
            }
            SubscriberIdentity::Imsi(i) => {
                log.key("imsi").str(i.as_str());
                i
            }
        };
        if self.special(ids, who.as_str(), out, log) {
            return;
        }
        let ri = a.requested_info;
        let (location, state) = (ri.location_information, ri.subscriber_state);
        let mut param = std::mem::take(&mut self.param);
        param.clear();
        let r = self
            .ati_result(location, state, location && ri.current_location)
            .encode(&mut Writer::new(&mut param));
        self.param = param;
        if r.is_err() {
            return self.error(ids, SYSTEM_FAILURE, out, log);
        }
        self.result(ids, op, out);
        let answer = if location {
            "location"
        } else if state {
            "state"
        } else {
            "nothing"
        };
        log.key("answer").str(answer);
        if state {
            let s = self.profile.state.subscriber_state();
            log.key("state").str(state_name(s));
        }
        log.close().newline();
    }

    /// Answer the subscriber `who` as configured, if it is special: `true` when done.
    fn special(&mut self, ids: &Ids<'_>, who: &str, out: &mut Vec<u8>, log: &mut J) -> bool {
        match self.profile.special.get(who).copied() {
            None => false,
            Some(Special::Silent) => {
                self.rep.silent += 1;
                log.key("answer").str("silent").close().newline();
                true
            }
            Some(Special::Error(e)) => {
                self.error(ids, e, out, log);
                true
            }
        }
    }

    /// A TC-END accepting the dialogue, with the ReturnResultLast of `op` whose result
    /// parameter is in `self.param`.
    fn result(&mut self, ids: &Ids<'_>, op: Operation, out: &mut Vec<u8>) {
        self.rep.answered += 1;
        let param = &self.param;
        itu::encode(
            out,
            MessageType::End,
            None,
            Some(ids.otid),
            Some(accepted(ids.ac)),
            |w| itu::return_result(w, ids.invoke_id, op.code(), |w| w.raw(param)),
        );
    }

    /// A TC-END accepting the dialogue, with a ReturnError of `e` (its parameter in the
    /// form of the dialogue's version).
    fn error(&mut self, ids: &Ids<'_>, e: MapError, out: &mut Vec<u8>, log: &mut J) {
        self.rep.answered += 1;
        json::count(&mut self.rep.errors, e.name());
        self.param.clear();
        // Checked in `new` (configured errors) or a constant.
        let _ = e.encode_parameter(&mut Writer::new(&mut self.param), ids.version);
        let param = &self.param;
        itu::encode(
            out,
            MessageType::End,
            None,
            Some(ids.otid),
            Some(accepted(ids.ac)),
            |w| itu::return_error(w, ids.invoke_id, e.code(), |w| w.raw(param)),
        );
        log.key("answer").str(e.name()).close().newline();
    }

    /// A TC-END accepting the dialogue, with a Reject of the invoke that does not decode.
    #[allow(clippy::too_many_arguments)]
    fn reject(
        &mut self,
        otid: &[u8],
        ac: &[u8],
        invoke_id: Option<i8>,
        p: (u8, u8),
        why: &str,
        out: &mut Vec<u8>,
        log: &mut J,
    ) {
        self.rep.malformed += 1;
        self.rep.answered += 1;
        itu::encode(
            out,
            MessageType::End,
            None,
            Some(otid),
            Some(accepted(ac)),
            |w| itu::reject(w, invoke_id, p),
        );
        log.open().key("otid").hex(otid);
        log.key("answer").str("reject").key("why").str(why);
        log.close().newline();
    }
}

/// systemFailure from the HLR itself (NetworkResource hlr).
const SYSTEM_FAILURE: MapError = MapError::SystemFailure {
    network_resource: Some(crate::map::errors::network_resource::HLR),
};

/// What an answer repeats of the request.
struct Ids<'a> {
    otid: &'a [u8],
    ac: &'a [u8],
    invoke_id: i8,
    version: Version,
}

/// Open a request's log line: the operation, version and transaction.
fn request_line(log: &mut J, otid: &[u8], op: Operation, version: Version) {
    let name = match op {
        Operation::SendRoutingInfo => "sri",
        Operation::AnyTimeInterrogation => "ati",
    };
    log.open().key("op").str(name);
    log.key("version").num(version as u8);
    log.key("otid").hex(otid);
}

/// A log line for what did not decode.
fn malformed_line(log: &mut J, otid: Option<&[u8]>, why: &str) {
    log.open();
    if let Some(o) = otid {
        log.key("otid").hex(o);
    }
    log.key("answer").str("malformed").key("why").str(why);
    log.close().newline();
}

/// The M3UA DATA with the SCCP management SSA announcing our subsystem `ssn` at our point
/// code `opc` to scpd at `dpc`: a UDT class 0 from SSN 1 to SSN 1, routed on PC + SSN
/// (Q.713 §5.3.2.1, Q.714 §5.3.1), the affected PC ours, multiplicity 0.
pub fn ssa(
    opc: u32,
    dpc: u32,
    ssn: u8,
    variant: Variant,
    rc: Option<u32>,
    out: &mut Vec<u8>,
) -> Result<(), String> {
    let national = variant == Variant::Ansi;
    let called = Address {
        national,
        ..Address::ssn_pc(dpc, SSN_SCMG)
    };
    let calling = Address {
        national,
        ..Address::ssn_pc(opc, SSN_SCMG)
    };
    let mut body = Vec::with_capacity(8);
    ScmgMessage::new(scmg_type::SSA, ssn, opc).encode(&mut body, variant);
    let mut udt = Vec::with_capacity(32);
    Unitdata::udt(0, called, calling, &body)
        .encode(&mut udt, variant)
        .map_err(|e| format!("SSA: {e}"))?;
    let mut b = Builder::new(out, Kind::Data);
    if let Some(rc) = rc {
        b = b.param_u32(m3ua::codec::tag::ROUTING_CONTEXT, rc);
    }
    b.protocol_data(&ProtocolData {
        opc,
        dpc,
        si: 3,
        ni: 2,
        mp: 0,
        sls: 0,
        data: &udt,
    })
    .finish();
    Ok(())
}
