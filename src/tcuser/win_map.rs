//! WIN (TIA/EIA-41-D with IS-771) ↔ the protocol-neutral service model ([`crate::service`]),
//! so that a call of an ANSI-41 mobile produces the same kind of `CallEvent` and takes the
//! same routing path as a CAMEL, AIN or INAP call.
//!
//! - A trigger query (OriginationRequest, AnalyzedInformation, FacilitySelectedAndAvailable,
//!   TBusy, TNoAnswer) becomes a [`Trigger`] ([`trigger`]).
//! - A call-event report (OAnswer, ODisconnect, TAnswer, TDisconnect, OCalledPartyBusy,
//!   ONoAnswer) becomes a [`CallState`] ([`call_state`]). A report comes in a transaction of
//!   its own; [`call_key`] is what ties it to the call.
//! - An [`Instruction`] becomes the query's ReturnResult ([`answer`]); a monitored call arms
//!   the triggers [`monitor_triggers`] lists. A report that needs a result gets
//!   [`report_answer`].
//!
//! Pure mapping: no state, no I/O. Encodings as in `WIN-INAP-NOTES.md`.

use crate::digits::{Digits, Isup};
use crate::service::{
    CallState, CompactString, Direction, Instruction, Location, NatureOfAddress, Party, Protocol,
    Trigger,
};
use crate::win::params::{nature, plan, release_cause};
use crate::win::{
    digit_type, schema, trigger_type, BillingId, DestinationAddress, Kind, Operation, Params,
    PcSsn, PstnTermination, Termination, TerminationList, WinDigits, WinError, WinMessage, P,
};

/// What [`Trigger::version`] says: the WIN operations are IS-771's (on TIA/EIA-41-D).
pub const VERSION: &str = "IS-771";

/// A DigitsType number (TIA/EIA-41-D §6.5.3.2) as the service model holds it.
///
/// - `nature`: octet 2 as received (screening bits included).
/// - `noa`: bit A, International or National (§6.5.3.2 has no other natures).
/// - `presentation`: as ISUP's APRI (Q.763 §3.10), which the other protocols report: bit C
///   "number not available" → 2, else bit B "presentation restricted" → 1, else 0.
/// - `plan`: the numbering-plan nibble as received (0 unknown, 1 ISDN, 2 telephony E.164 /
///   E.163, 3 data, 4 telex, 5 maritime, 6 land mobile, 7 private): the model's `plan` is
///   the wire value, and recoding 2 as 1 would lose that the MSC said "telephony".
pub fn party(d: &WinDigits) -> Party {
    let presentation = if d.nature & nature::NOT_AVAILABLE != 0 {
        2
    } else if d.nature & nature::PRESENTATION_RESTRICTED != 0 {
        1
    } else {
        0
    };
    Party {
        digits: d.digits.text().as_str().into(),
        nature: d.nature,
        noa: if d.nature & nature::INTERNATIONAL != 0 {
            NatureOfAddress::International
        } else {
            NatureOfAddress::National
        },
        plan: d.plan,
        presentation,
    }
}

/// A MIN (TIA/EIA-41-D §6.5.2.81) as a party: its 10 digits are a NANP-format national
/// number (MINType), so national, telephony plan, as MSCs code an MDN.
fn min_party(min: Digits<Isup>) -> Party {
    Party {
        digits: min.text().as_str().into(),
        nature: 0,
        noa: NatureOfAddress::National,
        plan: plan::TELEPHONY,
        presentation: 0,
    }
}

/// The served mobile's number: its MobileDirectoryNumber (§6.5.2.80, the number it is
/// dialled on), else its MIN, which is the directory number unless numbers were ported.
fn mobile(p: &Params<'_>) -> Option<Party> {
    p.mobile_directory_number
        .as_ref()
        .map(party)
        .or_else(|| p.min.map(|m| min_party(m.0)))
}

/// The direction of an operation's half call: the T_ triggers and reports, and
/// FacilitySelectedAndAvailable (IS-771 §6.4.2.m: the terminating MSC has selected the
/// mobile's facility), are the terminating half (T_BCM), the O_ ones and OriginationRequest
/// the originating half (O_BCM). AnalyzedInformation is originating by operation; its
/// TriggerType can make it terminating ([`message_direction`]). CallControlDirective, the
/// SCP's own, is of neither.
pub fn direction(op: Operation) -> Direction {
    use Operation::*;
    match op {
        FacilitySelectedAndAvailable | TBusy | TNoAnswer | TAnswer | TDisconnect => {
            Direction::Terminating
        }
        OriginationRequest | AnalyzedInformation | OAnswer | ODisconnect | OCalledPartyBusy
        | ONoAnswer => Direction::Originating,
        CallControlDirective => Direction::Unspecified,
    }
}

/// Whether a TriggerType (IS-771 §6.5.2.dh) is detected for a call *to* the mobile: the
/// call-delivery triggers of TIA/EIA-41-D (mobile-Termination 32, advanced-Termination 33,
/// location 34), initial-Termination 38, called-Routing-Address-Available 39 (the called
/// mobile's routing address is known, as for its prepaid charging; `ansi_map_win.pcap`
/// has it in the same call, for the same MIN, after initial-Termination) and the T_BCM
/// triggers terminating-Resource-Available 64 to t-Disconnect 70. The others (the
/// digit-analysis triggers, origination-Attempt-Authorized, calling-Routing-Address-
/// Available, o-*) belong to the originating half call.
pub fn is_terminating_trigger(t: u8) -> bool {
    matches!(t, 32..=34 | trigger_type::INITIAL_TERMINATION | 39 | 64..=70)
}

/// The half call of a message: [`direction`] of its operation, except that an
/// AnalyzedInformation whose TriggerType is a terminating one ([`is_terminating_trigger`],
/// e.g. initial-Termination) is the terminating half (IS-771 §6.4.2.i: the same operation
/// reports the Analyzed_Information DP of either BCM).
pub fn message_direction(m: &WinMessage<'_>) -> Direction {
    match (m.op, m.params.trigger_type) {
        (Operation::AnalyzedInformation, Some(t)) if is_terminating_trigger(t) => {
            Direction::Terminating
        }
        (op, _) => direction(op),
    }
}

/// The name of a TriggerType value (IS-771 §6.5.2.dh) as Wireshark's `ansi_map.asn` spells
/// it (what `tshark -V` prints); `None` for a value it does not define.
pub fn trigger_type_name(t: u8) -> Option<&'static str> {
    const DIGIT: [&str; 16] = [
        "a0-Digit",
        "a1-Digit",
        "a2-Digit",
        "a3-Digit",
        "a4-Digit",
        "a5-Digit",
        "a6-Digit",
        "a7-Digit",
        "a8-Digit",
        "a9-Digit",
        "a10-Digit",
        "a11-Digit",
        "a12-Digit",
        "a13-Digit",
        "a14-Digit",
        "a15-Digit",
    ];
    Some(match t {
        1 => "all-Calls",
        2 => "double-Introducing-Star",
        3 => "single-Introducing-Star",
        4 => "reserved-for-Home-System-Feature-Code",
        5 => "double-Introducing-Pound",
        6 => "single-Introducing-Pound",
        7 => "revertive-Call",
        8..=23 => DIGIT[usize::from(t - 8)],
        24 => "local-Call",
        25 => "intra-LATA-Toll-Call",
        26 => "inter-LATA-Toll-Call",
        27 => "world-Zone-Call",
        28 => "international-Call",
        29 => "unrecognized-Number",
        30 => "prior-Agreement",
        31 => "specific-Called-Party-Digit-String",
        32 => "mobile-Termination",
        33 => "advanced-Termination",
        34 => "location",
        35 => "locally-Allowed-Specific-Digit-String",
        36 => "origination-Attempt-Authorized",
        37 => "calling-Routing-Address-Available",
        38 => "initial-Termination",
        39 => "called-Routing-Address-Available",
        40 => "o-Answer",
        41 => "o-Disconnect",
        42 => "o-Called-Party-Busy",
        43 => "o-No-Answer",
        64 => "terminating-Resource-Available",
        65 => "t-Busy",
        66 => "t-No-Answer",
        67 => "t-No-Page-Response",
        68 => "t-Routable",
        69 => "t-Answer",
        70 => "t-Disconnect",
        _ => return None,
    })
}

/// The service trigger of a WIN trigger query; `None` for other operations.
///
/// - `trigger`: the TriggerType's name ([`trigger_type_name`]), else the operation's (a
///   TIA/EIA-41-D OriginationRequest has no TriggerType); `service_key` the TriggerType
///   value (WIN has no service key; the TriggerType says which subscribed trigger fired, as
///   AIN's TriggerCriteriaType does), 0 without one.
/// - `calling`: CallingPartyNumberDigits1 (§6.5.2.21), else ...Digits2 (§6.5.2.22), else,
///   on the originating half, the served mobile (MDN, else MIN): an MSC often omits the
///   calling number of its own mobile's origination.
/// - `called`: Digits (Dialed) (§6.5.2.58); on the terminating half without one (TBusy,
///   TNoAnswer, FacilitySelectedAndAvailable carry none) the served mobile.
/// - `served`: the served mobile (the one whose WIN triggers fired: the originating mobile
///   of the O_BCM, the terminating one of the T_BCM) only when it differs from the party
///   that stands for it ([`Trigger::served`]): e.g. a CallingPartyNumberDigits1 other
///   than the MDN.
/// - `redirecting`: RedirectingNumberDigits (§6.5.2.107).
/// - `imsi` (§6.5.2.bu), `min` (§6.5.2.81); `switch_address`: MSCIdentificationNumber (§6.5.2.83);
///   `location`: ServingCellID (§6.5.2.117) and LocationAreaID (§6.5.2.77), MCC and MNC
///   unknown (ANSI-41 identifies the system by MSCID, not by PLMN).
/// - `call_reference`: the BillingID (§6.5.2.16) as received, in hex: it names the call in
///   every later report and in the MSC's billing records.
/// - `malformed` is left empty: the TC-user fills it from the lenient decode.
pub fn trigger(m: &WinMessage<'_>) -> Option<Trigger> {
    if !m.op.is_trigger() || m.kind != Kind::Invoke {
        return None;
    }
    let p = &m.params;
    let dir = message_direction(m);
    let terminating = dir == Direction::Terminating;
    let mobile = mobile(p);
    let mut calling = p
        .calling_party_number_digits1
        .as_ref()
        .or(p.calling_party_number_digits2.as_ref())
        .map(party);
    let mut called = p.digits.as_ref().map(party);
    if terminating {
        called = called.or_else(|| mobile.clone());
    } else {
        calling = calling.or_else(|| mobile.clone());
    }
    let implied = if terminating { &called } else { &calling };
    let served = mobile
        .filter(|s| implied.as_ref().is_none_or(|i| i.digits != s.digits))
        .map(Box::new);
    let location =
        (p.serving_cell_id.is_some() || p.location_area_id.is_some()).then(|| Location {
            lac: p.location_area_id.unwrap_or(0),
            cell_id: p.serving_cell_id.unwrap_or(0),
            ..Location::default()
        });
    Some(Trigger {
        protocol: Protocol::Win,
        version: VERSION,
        direction: dir,
        trigger: p
            .trigger_type
            .and_then(trigger_type_name)
            .unwrap_or(m.op.name()),
        service_key: p.trigger_type.map_or(0, u32::from),
        calling,
        called,
        served,
        redirecting: p
            .redirecting_number_digits
            .as_ref()
            .map(|d| Box::new(party(d))),
        imsi: p.imsi.map(|i| i.0.text().as_str().into()),
        min: p.min.map(|m| m.0.text().as_str().into()),
        switch_address: p.msc_identification_number.as_ref().map(party),
        location,
        call_reference: p
            .billing_id
            .and_then(|b| b.to_array().ok())
            .map(|b| hex(&b)),
        ..Default::default()
    })
}

/// Octets as lower-case hex, inline (a BillingID is 7 octets).
fn hex(b: &[u8]) -> CompactString {
    use std::fmt::Write;
    let mut s = CompactString::default();
    for x in b {
        let _ = write!(s, "{x:02x}");
    }
    s
}

/// A ReleaseCause (IS-771 §6.5.2.el) as a Q.850 cause: a release by the calling or the
/// called party is normal call clearing (16). "Unspecified" and "commanded disconnect"
/// (the call was released on a network's or an SCP's command) have no Q.850 counterpart
/// that says the same, so they give none rather than a guess.
pub fn q850_cause(release: u8) -> Option<u8> {
    match release {
        release_cause::CALLING_PARTY | release_cause::CALLED_PARTY => Some(16),
        _ => None,
    }
}

/// The call-state change a call-event report means (IS-771 §6.4.2.aa–ah); `None` for the
/// trigger queries and for what scpd sends. TBusy and TNoAnswer are trigger queries (a
/// redirection opportunity, [`trigger`]), not reports.
pub fn call_state(m: &WinMessage<'_>) -> Option<CallState> {
    use Operation::*;
    if m.kind != Kind::Invoke {
        return None;
    }
    Some(match m.op {
        OAnswer | TAnswer => CallState::Answered,
        ODisconnect | TDisconnect => {
            CallState::Disconnected(m.params.release_cause.and_then(q850_cause))
        }
        OCalledPartyBusy => CallState::Busy(None),
        ONoAnswer => CallState::NoAnswer,
        _ => return None,
    })
}

/// What ties a message to its call: its BillingID (TIA/EIA-41-D §6.5.2.16), which the MSC
/// repeats in every query and report of the call, each in a transaction of its own (OAnswer
/// even in a Unidirectional package). MarketID, switch number and ID number name the call;
/// the segment counter only numbers its billing segments (it moves on for a long call), so
/// it is left out (zero) of the key.
pub fn call_key(m: &WinMessage<'_>) -> Option<BillingId> {
    m.params.billing_id.map(|b| BillingId {
        segment_counter: 0,
        ..b
    })
}

/// The triggers a monitored call arms (IS-771 §6.5.2.de, WIN_TriggerList of TriggerType
/// values): answer and disconnect of the half call the query came from, o-Answer 40 and
/// o-Disconnect 41 on the originating half, t-Answer 69 and t-Disconnect 70 on the
/// terminating one, so scpd sees the call answered and its end.
pub fn monitor_triggers(direction: Direction) -> &'static [u8] {
    const O: [u8; 2] = [trigger_type::O_ANSWER, trigger_type::O_DISCONNECT];
    const T: [u8; 2] = [trigger_type::T_ANSWER, trigger_type::T_DISCONNECT];
    if direction == Direction::Terminating {
        &T
    } else {
        &O
    }
}

/// The SCP's own PC_SSN (TIA/EIA-41-D §6.5.2.93) as the destination of armed triggers' reports:
/// type 0 "not specified" (§6.5.2.93 lists MSC, HLR, VLR, AC types, none for an SCP).
pub fn scp_address(point_code: u32, ssn: u8) -> PcSsn {
    PcSsn {
        kind: 0,
        point_code,
        ssn,
    }
}

/// The ReturnResult of the query `m` for a service instruction:
///
/// - Continue: the empty result, default call processing (TIA/EIA-41-D: no ActionCode, no
///   routing).
/// - Connect: a TerminationList (§6.5.2.156) with one PSTNTermination (§6.5.2.98) whose
///   DestinationDigits are the number, international (bit A), telephony plan (E.164). The
///   MSC routes the call out to it; unlike a modified Digits (Dialed), which the MSC would
///   analyse again, it does not meet the served mobile's WIN triggers a second time.
/// - Release: ActionCode "disconnect call" (§6.5.2.2); WIN has no cause to send with it.
/// - Monitor: default processing, with a TriggerAddressList (IS-771 §6.5.2.de) arming
///   [`monitor_triggers`] of the query's half call with reports to `scp` (see
///   [`scp_address`]). A result whose schema has no TriggerAddressList (the report
///   results) gets plain continue; every trigger query's does (TBusyRes and TNoAnswerRes
///   included).
///
/// Fails when the operation's result cannot carry what the instruction needs (Connect on
/// FacilitySelectedAndAvailable, whose result has no TerminationList; any answer to
/// OAnswer or TAnswer, which have no result), or a routing number has symbols DigitsType
/// cannot carry: the TC-user then falls back as it does for other protocols.
pub fn answer(
    m: &WinMessage<'_>,
    instruction: &Instruction,
    scp: PcSsn,
) -> Result<WinMessage<'static>, WinError> {
    let op = m.op;
    match instruction {
        Instruction::Continue => crate::win::continue_call(op),
        Instruction::Release(_) => crate::win::disconnect(op),
        Instruction::Connect(to) => {
            let d: Digits<Isup> = to
                .convert()
                .map_err(|_| WinError::Encode("routing number not BCD digits"))?;
            // `win::route_to` writes a national number; Connect's are international.
            let dest = WinDigits {
                nature: nature::INTERNATIONAL,
                ..WinDigits::telephony(digit_type::DESTINATION, d)
            };
            let r = WinMessage::result(
                op,
                Params {
                    termination_list: Some(TerminationList::one(Termination::Pstn(
                        PstnTermination {
                            destination_digits: dest,
                            ..Default::default()
                        },
                    ))),
                    ..Default::default()
                },
            );
            r.params.check(op, Kind::Result)?;
            Ok(r)
        }
        Instruction::Monitor => {
            let arms = schema(op, Kind::Result)
                .ok_or(WinError::NoResult(op.name()))?
                .order
                .contains(&P::TriggerAddressList);
            if arms {
                crate::win::arm_triggers(
                    op,
                    DestinationAddress::PcSsn(scp),
                    monitor_triggers(message_direction(m)),
                )
            } else {
                crate::win::continue_call(op)
            }
        }
    }
}

/// The result a call-event report is owed (ODisconnect, TDisconnect, OCalledPartyBusy,
/// ONoAnswer; IS-771 §6.4.2): the empty one, so the MSC goes on with default processing
/// (the busy or no-answer treatment, the release). `None` for OAnswer and TAnswer, which
/// have no result (notifications).
pub fn report_answer(op: Operation) -> Option<WinMessage<'static>> {
    op.has_result()
        .then(|| WinMessage::result(op, Params::default()))
}

#[cfg(test)]
#[path = "win_map_tests.rs"]
mod tests;
