//! The WIN side of `scpd sim`: an ANSI-41 MSC (TIA/EIA-41-D with IS-771's WIN triggers)
//! querying the SCP about its mobiles' calls over ANSI TCAP (T1.114), and its reports.
//!
//! An originating call sends OriginationRequest (TIA/EIA-41-D §6.4.2.30), a terminating one
//! AnalyzedInformation with TriggerType initial-Termination (IS-771 §6.4.2.i), each in a
//! QueryWithPermission with the call's BillingID, our MSCID, the served mobile's MIN, ESN
//! and MobileDirectoryNumber, Digits (Dialed), TransactionCapability and WINCapability (and
//! CallingPartyNumberDigits1 on the terminating half). The SCP answers in a Response with
//! the operation's ReturnResult:
//!
//! - empty (default processing), a TerminationList or Digits (routed), or ActionCode
//!   "disconnect call" (released): the call is done;
//! - a TriggerAddressList arming the answer and disconnect triggers of the call's half to a
//!   PC_SSN (o-Answer and o-Disconnect, or t-Answer and t-Disconnect; IS-771 §6.5.2.de): the
//!   call is monitored. The MSC reports the answer as OAnswer / TAnswer in a Unidirectional
//!   package (a notification: no result, IS-771 §6.4.2) and, after the hold time, the
//!   disconnect as ODisconnect / TDisconnect in a QueryWithPermission of its own, which the
//!   SCP answers with its (empty) result in a Response.
//!
//! WIN keeps no transaction open across the call: every report carries the call's
//! BillingID (TIA/EIA-41-D §6.5.2.16), which is what ties it to the trigger.

use crate::digits::{Digits, Isup};
use crate::lab::sim_ain::Outcome;
use crate::tcap::ansi::{self, AnsiComponent, AnsiMessage, PackageType, TransactionIds};
use crate::win::params::release_cause;
use crate::win::{
    self, action_code, digit_type, schema, trigger_type, BillingId, DestinationAddress, Kind, Min,
    Mscid, Operation as Op, Params, WinCapability, WinDigits, WinMessage, P,
};
use std::time::{SystemTime, UNIX_EPOCH};

/// The MSC's subsystem: 8, TIA/EIA-41's MSC (the SCP's is 14 by default; both as in
/// WIN-INAP-NOTES.md's capture).
pub const MSC_SSN: u8 = 8;

/// Our MSCID (§6.5.2.82): MarketID (the serving system's SID) and switch number. It also
/// heads every BillingID: the MSC that originates a call numbers it.
pub const MSCID: Mscid = Mscid {
    market_id: 14656,
    swno: 1,
};

/// TransactionCapability (§6.5.2.160): octet 1 no optional MSC facility; octet 2 WIN
/// addressing (bit F), TerminationList (bit E), one termination (bits D–A): what the SCP's
/// results use (a TriggerAddressList, a TerminationList of one PSTNTermination).
const TRANSACTION_CAPABILITY: &[u8] = &[0x00, 0x31];

/// WINCapability (IS-771 §6.5.2.di): TriggerCapability (§6.5.2.df) O_Disconnect and
/// O_Answer (octet 1 bits G, F), T_Disconnect and T_Answer (octet 3 bits E, D): the
/// triggers the sim reports once armed; WINOperationsCapability (§6.5.2.dj) none (the sim
/// answers no operation the SCP invokes).
const WIN_CAPABILITY: WinCapability<'static> = WinCapability {
    trigger_capability: Some(&[0x60, 0x00, 0x18]),
    win_operations_capability: Some(&[0x00]),
};

/// The invoke id of our one Invoke per package, which the result's correlation id repeats.
const INVOKE_ID: u8 = 1;

/// The numbers of one WIN call, checked once: the served mobile's MIN is exactly 10 digits.
#[derive(Debug, Clone, Copy)]
pub struct WinParties {
    pub calling: Digits<Isup>,
    pub called: Digits<Isup>,
}

impl WinParties {
    /// Parse the calling and called numbers; the served one (calling for originating, called
    /// for terminating) becomes the MIN, so it must have 10 digits (§6.5.2.81 MINType, the
    /// NANP number of the mobile).
    pub fn new(calling: &str, called: &str, terminating: bool) -> Result<WinParties, String> {
        let p = |s: &str| -> Result<Digits<Isup>, String> {
            s.parse().map_err(|e| format!("WIN number {s:?}: {e}"))
        };
        let parties = WinParties {
            calling: p(calling)?,
            called: p(called)?,
        };
        let served = parties.served(terminating);
        Min(served)
            .to_array()
            .map_err(|_| format!("WIN served mobile {served} must have 10 digits (MIN)"))?;
        Ok(parties)
    }

    fn served(&self, terminating: bool) -> Digits<Isup> {
        if terminating {
            self.called
        } else {
            self.calling
        }
    }
}

/// The BillingID of call `n` (§6.5.2.16): our MSCID, the call's index as the 24-bit ID
/// number (unique among the calls in progress), segment counter 0.
pub fn billing_id(n: u32) -> BillingId {
    BillingId {
        market_id: MSCID.market_id,
        swno: MSCID.swno,
        id_number: n & 0x00ff_ffff,
        segment_counter: 0,
    }
}

/// TimeOfDay (IS-771 §6.5.2.em) at `t`: tenths of a second since midnight UTC.
pub fn time_of_day(t: SystemTime) -> i32 {
    let d = t.duration_since(UNIX_EPOCH).unwrap_or_default();
    ((d.as_secs() % 86_400) * 10 + u64::from(d.subsec_millis() / 100)) as i32
}

/// The mobile's ESN (§6.5.2.63): a made-up manufacturer code and the MIN's value as the
/// 24-bit serial number, so that each simulated mobile has its own.
fn esn(min: Digits<Isup>) -> [u8; 4] {
    let serial = min.as_str().parse::<u64>().unwrap_or(0) as u32 & 0x00ff_ffff;
    let [_, a, b, c] = serial.to_be_bytes();
    [0x9f, a, b, c]
}

/// The operation of a call's trigger: OriginationRequest, or AnalyzedInformation for the
/// terminating half.
pub fn trigger_op(terminating: bool) -> Op {
    if terminating {
        Op::AnalyzedInformation
    } else {
        Op::OriginationRequest
    }
}

/// The operation of a call's report: answer (OAnswer, TAnswer) or disconnect (ODisconnect,
/// TDisconnect).
pub fn report_op(terminating: bool, answer: bool) -> Op {
    match (terminating, answer) {
        (false, true) => Op::OAnswer,
        (false, false) => Op::ODisconnect,
        (true, true) => Op::TAnswer,
        (true, false) => Op::TDisconnect,
    }
}

/// What every message says of the served mobile and its call.
fn mobile(p: &WinParties, terminating: bool, billing: BillingId) -> Params<'static> {
    let served = p.served(terminating);
    Params {
        billing_id: Some(billing),
        mscid: Some(MSCID),
        min: Some(Min(served)),
        esn: Some(esn(served)),
        // The parameter says what the number is; its type of digits is "not used".
        mobile_directory_number: Some(WinDigits::telephony(digit_type::NOT_USED, served)),
        ..Default::default()
    }
}

/// The trigger of a call: OriginationRequest with the dialled digits, or AnalyzedInformation
/// at initial-Termination with them and the calling number (which
/// `win_map::message_direction` takes as the terminating half).
pub fn trigger(p: &WinParties, terminating: bool, billing: BillingId) -> WinMessage<'static> {
    let mut params = Params {
        digits: Some(WinDigits::telephony(digit_type::DIALED, p.called)),
        transaction_capability: Some(TRANSACTION_CAPABILITY),
        win_capability: Some(WIN_CAPABILITY),
        ..mobile(p, terminating, billing)
    };
    if terminating {
        params.trigger_type = Some(trigger_type::INITIAL_TERMINATION);
        params.calling_party_number_digits1 =
            Some(WinDigits::telephony(digit_type::CALLING_PARTY, p.calling));
    }
    WinMessage::invoke(trigger_op(terminating), params)
}

/// A report of an armed trigger (IS-771 §6.4.2): answer, or disconnect by the calling party,
/// at `time_of_day` ([`time_of_day`]), UTC (TimeDateOffset 0). TransactionCapability and
/// WINCapability go where the operation carries them (TAnswer, ODisconnect).
pub fn event(
    p: &WinParties,
    terminating: bool,
    answer: bool,
    billing: BillingId,
    time_of_day: i32,
) -> WinMessage<'static> {
    let op = report_op(terminating, answer);
    let trigger = match op {
        Op::OAnswer => trigger_type::O_ANSWER,
        Op::ODisconnect => trigger_type::O_DISCONNECT,
        Op::TAnswer => trigger_type::T_ANSWER,
        _ => trigger_type::T_DISCONNECT,
    };
    let carries = |m: P| schema(op, Kind::Invoke).is_some_and(|s| s.order.contains(&m));
    let params = Params {
        trigger_type: Some(trigger),
        time_of_day: Some(time_of_day),
        time_date_offset: Some(0),
        release_cause: (!answer).then_some(release_cause::CALLING_PARTY),
        transaction_capability: carries(P::TransactionCapability).then_some(TRANSACTION_CAPABILITY),
        win_capability: carries(P::WinCapability).then_some(WIN_CAPABILITY),
        ..mobile(p, terminating, billing)
    };
    WinMessage::invoke(op, params)
}

/// Append an ANSI TCAP package of `package` with one InvokeLast of `m` (invoke id 1) and our
/// originating id `ours` (`None` for a Unidirectional package: empty transaction id).
pub fn package(
    out: &mut Vec<u8>,
    package: PackageType,
    ours: Option<[u8; 4]>,
    m: &WinMessage<'_>,
) -> Result<(), String> {
    let mut r = Ok(());
    ansi::encode(
        out,
        package,
        TransactionIds {
            originating: ours,
            responding: None,
        },
        None,
        |w| r = m.write_invoke(w, true, Some(INVOKE_ID), None),
    );
    r.map_err(|e| e.to_string())
}

/// What the SCP answered, reduced to what the MSC acts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WinAnswer {
    /// The query's result: the query is done with this outcome.
    Done(Outcome),
    /// The result arms the answer and disconnect triggers of the call's half: monitored.
    Monitored,
    /// Not an answer the MSC can act on (why): another package, a Reject or ReturnError, a
    /// result that does not decode or arms the wrong triggers.
    Refused(String),
}

/// Decode an ANSI TCAP package from the SCP: our transaction id (the responding id) and
/// what it means for the query `awaiting` says that transaction carries (its operation, and
/// whether the call is terminating; `None`: not a transaction of ours, an error).
pub fn answer(
    tcap: &[u8],
    awaiting: impl Fn(u32) -> Option<(Op, bool)>,
) -> Result<(u32, WinAnswer), String> {
    let m = AnsiMessage::decode(tcap).map_err(|e| format!("ANSI TCAP: {e}"))?;
    let ours = m
        .ids
        .responding
        .map(u32::from_be_bytes)
        .ok_or_else(|| format!("{} without a responding id", m.package.name()))?;
    let (op, terminating) =
        awaiting(ours).ok_or_else(|| format!("WIN answer for unknown transaction {ours:#x}"))?;
    let r = match m.package {
        PackageType::Response => result(&m, op, terminating),
        p => WinAnswer::Refused(format!("{} to {}", p.name(), op.name())),
    };
    Ok((ours, r))
}

/// A Response: one ReturnResultLast answering our Invoke (T1.114.4: the result ends the
/// operation, the package the transaction), decoded as `op`'s result.
fn result(m: &AnsiMessage<'_>, op: Op, terminating: bool) -> WinAnswer {
    let refused = |why: String| WinAnswer::Refused(format!("{}: {why}", op.name()));
    let mut found = None;
    for c in m.components() {
        match c {
            Ok(AnsiComponent::ReturnResult {
                last: true,
                correlation_id: INVOKE_ID,
                parameter,
            }) if found.is_none() => found = Some(parameter),
            Ok(AnsiComponent::ReturnError { error, .. }) => {
                return refused(format!("SCP returned error {error:?}"))
            }
            Ok(AnsiComponent::Reject { problem, .. }) => {
                return refused(format!("SCP rejected: {problem:?}"))
            }
            Ok(other) => return refused(format!("unexpected component {other:?}")),
            Err(f) => return refused(format!("component: {}", f.error)),
        }
    }
    let Some(parameter) = found else {
        return refused("Response without a ReturnResultLast".into());
    };
    match win::decode_result(op, parameter) {
        Ok(r) => classify(&r.params, terminating),
        Err(e) => refused(e.to_string()),
    }
}

/// What a result instructs (TIA/EIA-41-D §6.4.2.30 OriginationRequest RETURN RESULT, IS-771
/// §6.4.2): a TriggerAddressList monitors the call if it arms the answer and the disconnect
/// of its half to a PC_SSN (the sim reports both, which an MSC does only for armed
/// triggers), and is refused otherwise; ActionCode "disconnect call" releases it; a
/// TerminationList or modified Digits routes it; nothing of these continues it.
pub fn classify(p: &Params<'_>, terminating: bool) -> WinAnswer {
    if let Some(l) = p.trigger_address_list {
        let (answer, disconnect) = if terminating {
            (trigger_type::T_ANSWER, trigger_type::T_DISCONNECT)
        } else {
            (trigger_type::O_ANSWER, trigger_type::O_DISCONNECT)
        };
        let armed = |t: u8| {
            [Some(l.first), l.second].into_iter().flatten().any(|tl| {
                matches!(tl.destination, DestinationAddress::PcSsn(_))
                    && tl.triggers.trigger_types().any(|x| x == t)
            })
        };
        return if armed(answer) && armed(disconnect) {
            WinAnswer::Monitored
        } else {
            WinAnswer::Refused(format!(
                "TriggerAddressList does not arm triggers {answer} and {disconnect} to a PC_SSN"
            ))
        };
    }
    match p.action_code {
        Some(action_code::DISCONNECT_CALL) => return WinAnswer::Done(Outcome::Released),
        Some(c) if c != action_code::CONTINUE_PROCESSING => {
            return WinAnswer::Refused(format!("ActionCode {c}"))
        }
        _ => {}
    }
    WinAnswer::Done(if p.termination_list.is_some() || p.digits.is_some() {
        Outcome::Connected
    } else {
        Outcome::Continued
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::Direction;
    use crate::tcap::ansi::{ErrorCode, OpCode, Problem};
    use crate::tcuser::win_map;

    const OURS: [u8; 4] = [0x51, 0, 0, 7];

    fn parties(terminating: bool) -> WinParties {
        WinParties::new("2125550100", "2125550199", terminating).unwrap()
    }

    /// The one Invoke of `pkg`, checked to carry invoke id 1, decoded with the WIN codec.
    fn invoke_of<'a>(pkg: &AnsiMessage<'a>) -> WinMessage<'a> {
        let mut c = pkg.components();
        let Some(Ok(AnsiComponent::Invoke {
            last: true,
            invoke_id: Some(1),
            correlation_id: None,
            opcode,
            parameter,
        })) = c.next()
        else {
            panic!("no InvokeLast with invoke id 1");
        };
        assert!(c.next().is_none());
        assert!(matches!(opcode, OpCode::Private(_)));
        win::decode_invoke(opcode, parameter).unwrap()
    }

    /// A Response from the SCP to our `OURS`, with `r` as the ReturnResultLast of invoke
    /// `correlation` (or whatever `components` writes).
    fn response(components: impl FnOnce(&mut crate::ber::Writer<'_>)) -> Vec<u8> {
        let mut b = Vec::new();
        ansi::encode(
            &mut b,
            PackageType::Response,
            TransactionIds {
                originating: None,
                responding: Some(OURS),
            },
            None,
            components,
        );
        b
    }

    fn result_package(r: &WinMessage<'_>, correlation: u8) -> Vec<u8> {
        response(|w| r.write_return_result(w, true, correlation).unwrap())
    }

    fn classified(tcap: &[u8], op: Op, terminating: bool) -> WinAnswer {
        let (tid, a) = answer(tcap, |t| {
            (t == u32::from_be_bytes(OURS)).then_some((op, terminating))
        })
        .unwrap();
        assert_eq!(tid, u32::from_be_bytes(OURS));
        a
    }

    #[test]
    fn served_mobile_must_be_a_min() {
        assert!(WinParties::new("2125550100", "2125550199", false).is_ok());
        assert!(WinParties::new("491700000001", "2125550199", false).is_err());
        assert!(WinParties::new("491700000001", "2125550199", true).is_ok());
        assert!(WinParties::new("2125550100", "212555019", true).is_err());
    }

    #[test]
    fn origination_request_decodes_with_the_codec() {
        let mut b = Vec::new();
        let billing = billing_id(0x0100_0007);
        package(
            &mut b,
            PackageType::QueryWithPermission,
            Some(OURS),
            &trigger(&parties(false), false, billing),
        )
        .unwrap();
        let pkg = AnsiMessage::decode(&b).unwrap();
        assert_eq!(pkg.package, PackageType::QueryWithPermission);
        assert_eq!(
            pkg.ids,
            TransactionIds {
                originating: Some(OURS),
                responding: None
            }
        );
        // The operation code on the wire: private, family 9, specifier 47.
        assert!(crate::ber::hex(&b).contains("d102092ff2"));
        let m = invoke_of(&pkg);
        assert_eq!(m.op, Op::OriginationRequest);
        let p = m.params;
        assert_eq!(
            p.billing_id,
            Some(BillingId {
                market_id: 14656,
                swno: 1,
                id_number: 7,
                segment_counter: 0
            })
        );
        assert_eq!(p.mscid, Some(MSCID));
        assert_eq!(p.min.unwrap().0.as_str(), "2125550100");
        assert_eq!(p.esn, Some(esn("2125550100".parse().unwrap())));
        assert_eq!(
            p.mobile_directory_number.unwrap().digits.as_str(),
            "2125550100"
        );
        let dialled = p.digits.unwrap();
        assert_eq!(dialled.type_of_digits, digit_type::DIALED);
        assert_eq!(dialled.digits.as_str(), "2125550199");
        assert_eq!(p.transaction_capability, Some(TRANSACTION_CAPABILITY));
        assert_eq!(p.win_capability, Some(WIN_CAPABILITY));
        assert_eq!(
            (p.trigger_type, p.calling_party_number_digits1),
            (None, None)
        );
        assert_eq!(win_map::message_direction(&m), Direction::Originating);
        assert_eq!(m.unknown().count(), 0);
    }

    #[test]
    fn initial_termination_decodes_as_the_terminating_half() {
        let mut b = Vec::new();
        let billing = billing_id(9);
        package(
            &mut b,
            PackageType::QueryWithPermission,
            Some(OURS),
            &trigger(&parties(true), true, billing),
        )
        .unwrap();
        let pkg = AnsiMessage::decode(&b).unwrap();
        let m = invoke_of(&pkg);
        assert_eq!(m.op, Op::AnalyzedInformation);
        let p = m.params;
        assert_eq!(p.trigger_type, Some(trigger_type::INITIAL_TERMINATION));
        assert_eq!(p.min.unwrap().0.as_str(), "2125550199");
        assert_eq!(
            p.mobile_directory_number.unwrap().digits.as_str(),
            "2125550199"
        );
        assert_eq!(p.digits.unwrap().digits.as_str(), "2125550199");
        let calling = p.calling_party_number_digits1.unwrap();
        assert_eq!(calling.type_of_digits, digit_type::CALLING_PARTY);
        assert_eq!(calling.digits.as_str(), "2125550100");
        assert_eq!(win_map::message_direction(&m), Direction::Terminating);
        assert_eq!(win_map::call_key(&m), Some(billing));
    }

    #[test]
    fn reports_decode_with_the_codec() {
        for terminating in [false, true] {
            let billing = billing_id(42);
            let q = &parties(terminating);
            // Answer: a notification in a Unidirectional package, empty transaction id.
            let mut b = Vec::new();
            package(
                &mut b,
                PackageType::Unidirectional,
                None,
                &event(q, terminating, true, billing, 360_000),
            )
            .unwrap();
            assert_eq!(&b[2..4], &[0xc7, 0x00]);
            let pkg = AnsiMessage::decode(&b).unwrap();
            assert_eq!(pkg.package, PackageType::Unidirectional);
            let m = invoke_of(&pkg);
            let (op, t) = if terminating {
                (Op::TAnswer, trigger_type::T_ANSWER)
            } else {
                (Op::OAnswer, trigger_type::O_ANSWER)
            };
            assert_eq!(m.op, op);
            assert_eq!(m.params.trigger_type, Some(t));
            assert_eq!(m.params.time_of_day, Some(360_000));
            assert_eq!(m.params.release_cause, None);
            assert_eq!(win_map::call_key(&m), Some(billing));
            assert_eq!(
                win_map::call_state(&m),
                Some(crate::service::CallState::Answered)
            );

            // Disconnect: a query of its own, released by the calling party.
            let mut b = Vec::new();
            package(
                &mut b,
                PackageType::QueryWithPermission,
                Some(OURS),
                &event(q, terminating, false, billing, 360_001),
            )
            .unwrap();
            let pkg = AnsiMessage::decode(&b).unwrap();
            assert_eq!(pkg.package, PackageType::QueryWithPermission);
            assert_eq!(pkg.ids.originating, Some(OURS));
            let m = invoke_of(&pkg);
            let (op, t) = if terminating {
                (Op::TDisconnect, trigger_type::T_DISCONNECT)
            } else {
                (Op::ODisconnect, trigger_type::O_DISCONNECT)
            };
            assert_eq!(m.op, op);
            assert_eq!(m.params.trigger_type, Some(t));
            assert_eq!(m.params.release_cause, Some(release_cause::CALLING_PARTY));
            assert_eq!(
                m.params.min.unwrap().0,
                if terminating { q.called } else { q.calling }
            );
            assert_eq!(win_map::call_key(&m), Some(billing));
            assert_eq!(
                win_map::call_state(&m),
                Some(crate::service::CallState::Disconnected(Some(16)))
            );
        }
    }

    #[test]
    fn the_scps_results_are_classified() {
        let scp = DestinationAddress::PcSsn(win_map::scp_address(200, 14));
        for terminating in [false, true] {
            let op = trigger_op(terminating);
            let dir = if terminating {
                Direction::Terminating
            } else {
                Direction::Originating
            };
            let cases = [
                (win::continue_call(op), WinAnswer::Done(Outcome::Continued)),
                (
                    win::route_to(op, "8005550100".parse().unwrap()),
                    WinAnswer::Done(Outcome::Connected),
                ),
                (win::disconnect(op), WinAnswer::Done(Outcome::Released)),
                (
                    win::arm_triggers(op, scp, win_map::monitor_triggers(dir)),
                    WinAnswer::Monitored,
                ),
            ];
            for (r, want) in cases {
                let r = r.unwrap();
                assert_eq!(
                    classified(&result_package(&r, 1), op, terminating),
                    want,
                    "{r:?}"
                );
            }
            // The end of a monitored call: the report's empty result.
            let end = report_op(terminating, false);
            let r = win::continue_call(end).unwrap();
            assert_eq!(
                classified(&result_package(&r, 1), end, terminating),
                WinAnswer::Done(Outcome::Continued)
            );
        }
    }

    #[test]
    fn triggers_of_the_wrong_half_are_refused() {
        let scp = DestinationAddress::PcSsn(win_map::scp_address(200, 14));
        for terminating in [false, true] {
            let op = trigger_op(terminating);
            let other = if terminating {
                Direction::Originating
            } else {
                Direction::Terminating
            };
            let r = win::arm_triggers(op, scp, win_map::monitor_triggers(other)).unwrap();
            assert!(matches!(
                classified(&result_package(&r, 1), op, terminating),
                WinAnswer::Refused(_)
            ));
        }
        // The answer armed but not the disconnect, or the other way round, or to a global
        // title: refused too.
        let op = Op::OriginationRequest;
        for one in [trigger_type::O_ANSWER, trigger_type::O_DISCONNECT] {
            let r = win::arm_triggers(op, scp, std::slice::from_ref(&one)).unwrap();
            assert!(matches!(
                classified(&result_package(&r, 1), op, false),
                WinAnswer::Refused(_)
            ));
        }
        let gt = DestinationAddress::GlobalTitle(&[0x00, 0x12, 0x34]);
        let r = win::arm_triggers(op, gt, &[40, 41]).unwrap();
        assert!(matches!(
            classified(&result_package(&r, 1), op, false),
            WinAnswer::Refused(_)
        ));
    }

    #[test]
    fn errors_rejects_and_other_packages_are_refused() {
        let op = Op::OriginationRequest;
        let refused = |b: &[u8]| matches!(classified(b, op, false), WinAnswer::Refused(_));
        let rej = response(|w| ansi::reject(w, Some(1), Problem::INVOKE_INCORRECT_PARAMETER));
        assert!(refused(&rej));
        let err = response(|w| ansi::return_error(w, 1, ErrorCode::Private(1), |_| {}));
        assert!(refused(&err));
        // A result for another invoke, or none at all.
        let r = win::continue_call(op).unwrap();
        assert!(refused(&result_package(&r, 2)));
        assert!(refused(&response(|_| {})));
        // A conversation instead of the Response.
        let mut conv = Vec::new();
        ansi::encode(
            &mut conv,
            PackageType::ConversationWithPermission,
            TransactionIds {
                originating: Some([9, 9, 9, 9]),
                responding: Some(OURS),
            },
            None,
            |w| r.write_return_result(w, true, 1).unwrap(),
        );
        assert!(refused(&conv));
        // Not a transaction of ours.
        assert!(answer(&result_package(&r, 1), |_| None).is_err());
    }

    #[test]
    fn time_of_day_is_tenths_since_midnight_utc() {
        let t = UNIX_EPOCH + std::time::Duration::from_millis(86_400_000 * 3 + 3_600_250);
        assert_eq!(time_of_day(t), 36_002);
    }
}
