//! The AIN side of `scpd sim`: a wireline SSP (Telcordia GR-1298 call models) raising
//! triggers over ANSI TCAP (T1.114) towards the SCP, and its event reports.
//!
//! An originating call sends Info_Analyzed, a terminating one Termination_Attempt, each in a
//! QueryWithPermission with UserID (the served line's DN), BearerCapability speech,
//! CallingPartyID and CalledPartyID (GR-1299 §5 InfoAnalyzedArg / TerminationAttemptArg).
//! The SCP answers either
//!
//! - in a Response: Continue / Authorize_Termination, Analyze_Route / Forward_Call, or
//!   Disconnect; the call is done;
//! - or in a ConversationWithPermission with Request_Report_BCM_Event: the call is
//!   monitored. The SSP reports the answer as an EDP-N (O_Answer / T_Answer with
//!   NotificationIndicator TRUE, in a ConversationWithoutPermission: the SCP may not end the
//!   transaction on it) and, after the hold time, the disconnect as an EDP-R (O_Disconnect /
//!   T_Disconnect in a ConversationWithPermission), which the SCP answers in a Response
//!   (GR-1299 §4.4: an EDP-R suspends the call until the SCP instructs), with Disconnect,
//!   the answer their LINKED lists permit (Continue from an older scpd is taken too).

use crate::ain::{
    self, AinDigits, AinMessage, Arg, BearerCapability, EdpSet, Operation as Op, UserId,
};
use crate::digits::{Digits, Isup};
use crate::tcap::ansi::{self, AnsiComponent, AnsiMessage, PackageType, TransactionIds};

/// The numbers of one AIN call, checked once: a UserID DN is exactly 10 digits.
#[derive(Debug, Clone, Copy)]
pub struct AinParties {
    pub calling: Digits<Isup>,
    pub called: Digits<Isup>,
}

impl AinParties {
    /// Parse the calling and called numbers; the served one (calling for originating,
    /// called for terminating) becomes the UserID DN, so it must have 10 digits
    /// (GR-1299 `Dn`: 10 BCD digits).
    pub fn new(calling: &str, called: &str, terminating: bool) -> Result<AinParties, String> {
        let p = |s: &str| -> Result<Digits<Isup>, String> {
            s.parse().map_err(|e| format!("AIN number {s:?}: {e}"))
        };
        let parties = AinParties {
            calling: p(calling)?,
            called: p(called)?,
        };
        let served = parties.served(terminating);
        UserId::Dn(served)
            .validate()
            .map_err(|_| format!("AIN served line {served} must have 10 digits (UserID Dn)"))?;
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

/// The trigger of a call: Info_Analyzed (originating) or Termination_Attempt.
pub fn trigger(p: &AinParties, terminating: bool) -> AinMessage<'static> {
    let op = if terminating {
        Op::TerminationAttempt
    } else {
        Op::InfoAnalyzed
    };
    AinMessage::new(
        op,
        Arg {
            user_id: Some(UserId::Dn(p.served(terminating))),
            bearer_capability: Some(BearerCapability::SPEECH),
            called_party_id: Some(AinDigits::national(p.called)),
            calling_party_id: Some(AinDigits::national(p.calling)),
            ..Default::default()
        },
    )
}

/// An event report of the served line: answer (EDP-N) or disconnect (EDP-R).
pub fn event(p: &AinParties, terminating: bool, answer: bool) -> AinMessage<'static> {
    let op = match (terminating, answer) {
        (false, true) => Op::OAnswer,
        (false, false) => Op::ODisconnect,
        (true, true) => Op::TAnswer,
        (true, false) => Op::TDisconnect,
    };
    AinMessage::new(
        op,
        Arg {
            user_id: Some(UserId::Dn(p.served(terminating))),
            bearer_capability: Some(BearerCapability::SPEECH),
            // TRUE marks the EDP-N; an EDP-R leaves it out (GR-1299 NotificationIndicator).
            notification_indicator: answer.then_some(true),
            // farEnd: the other party hung up.
            disconnect_cause: (!answer).then_some(0),
            ..Default::default()
        },
    )
}

/// Append an ANSI TCAP package of `package` with one InvokeLast of `m` (invoke id 1).
pub fn package(
    out: &mut Vec<u8>,
    package: PackageType,
    ours: [u8; 4],
    scp: Option<[u8; 4]>,
    m: &AinMessage<'_>,
) -> Result<(), String> {
    let mut r = Ok(());
    ansi::encode(
        out,
        package,
        TransactionIds {
            originating: Some(ours),
            responding: scp,
        },
        None,
        |w| r = m.invoke(w, true, Some(1), None),
    );
    r.map_err(|e| e.to_string())
}

/// What the SCP answered, reduced to what the SSP acts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AinAnswer {
    /// Response: the relationship ended with this outcome.
    Done(Outcome),
    /// ConversationWithPermission arming the answer event: the call is monitored.
    Monitored { scp: [u8; 4] },
    /// Response or conversation with no instruction we expect (its package name).
    Unexpected(&'static str),
}

/// The SCP's instruction in a Response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Continue / Authorize_Termination.
    Continued,
    /// Analyze_Route / Forward_Call.
    Connected,
    /// Disconnect.
    Released,
}

/// Decode an ANSI TCAP package from the SCP: our transaction id (the responding id) and
/// what it means for a call of that direction.
pub fn answer(
    tcap: &[u8],
    terminating_of: impl Fn(u32) -> Option<bool>,
) -> Result<(u32, AinAnswer), String> {
    let m = AnsiMessage::decode(tcap).map_err(|e| format!("ANSI TCAP: {e}"))?;
    let ours = m
        .ids
        .responding
        .map(u32::from_be_bytes)
        .ok_or_else(|| format!("{} without a responding id", m.package.name()))?;
    let Some(terminating) = terminating_of(ours) else {
        return Ok((ours, AinAnswer::Unexpected("unknown transaction")));
    };
    let mut outcome = None;
    let mut armed = None;
    for c in m.components() {
        let c = c.map_err(|f| format!("component: {}", f.error))?;
        match c {
            AnsiComponent::Invoke {
                opcode, parameter, ..
            } => {
                let a = ain::ain(opcode, parameter).map_err(|e| format!("AIN: {e}"))?;
                match a.op {
                    Op::Continue | Op::AuthorizeTermination => outcome = Some(Outcome::Continued),
                    Op::AnalyzeRoute | Op::ForwardCall => outcome = Some(Outcome::Connected),
                    Op::Disconnect => outcome = Some(Outcome::Released),
                    Op::RequestReportBcmEvent => armed = Some(a.arg),
                    _ => {}
                }
            }
            AnsiComponent::ReturnError { error, .. } => {
                return Err(format!("SCP returned error {error:?}"))
            }
            AnsiComponent::Reject { problem, .. } => {
                return Err(format!("SCP rejected: {problem:?}"))
            }
            AnsiComponent::ReturnResult { .. } => {}
        }
    }
    let r = match (m.package, armed, outcome) {
        (PackageType::Response, None, Some(o)) => AinAnswer::Done(o),
        (PackageType::ConversationWithPermission, Some(arg), _) => {
            let answer_bit = if terminating {
                EdpSet::T_ANSWER
            } else {
                EdpSet::O_ANSWER
            };
            let armed = |s: Option<EdpSet>| s.is_some_and(|s| s.contains(answer_bit));
            if !armed(arg.edp_notification) && !armed(arg.edp_request) {
                return Err("Request_Report_BCM_Event does not arm the answer".into());
            }
            let scp = m
                .ids
                .originating
                .ok_or("conversation without an originating id")?;
            AinAnswer::Monitored { scp }
        }
        (p, _, _) => AinAnswer::Unexpected(p.name()),
    };
    Ok((ours, r))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn served_line_must_be_a_dn() {
        assert!(AinParties::new("2015550100", "2015550199", false).is_ok());
        assert!(AinParties::new("491700000001", "2015550199", false).is_err());
        assert!(AinParties::new("491700000001", "2015550199", true).is_ok());
    }

    #[test]
    fn trigger_round_trips_through_the_codec() {
        let p = AinParties::new("2015550100", "2015550199", false).unwrap();
        let mut b = Vec::new();
        package(
            &mut b,
            PackageType::QueryWithPermission,
            [0, 0, 0, 7],
            None,
            &trigger(&p, false),
        )
        .unwrap();
        let m = AnsiMessage::decode(&b).unwrap();
        let Some(Ok(AnsiComponent::Invoke {
            opcode, parameter, ..
        })) = m.components().next()
        else {
            panic!("no invoke");
        };
        let a = ain::ain(opcode, parameter).unwrap();
        assert_eq!(a.op, Op::InfoAnalyzed);
        assert_eq!(a.arg.called_party_id.unwrap().digits.as_str(), "2015550199");
        assert_eq!(a.arg.user_id.unwrap().dn().unwrap().as_str(), "2015550100");
    }
}
