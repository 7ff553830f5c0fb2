//! AIN 0.1/0.2 (Telcordia GR-1298/GR-1299) over ANSI TCAP: the operations between a
//! wireline SSP and scpd, their arguments and errors, and the mapping to the service model.
//!
//! Encodings follow ../shared/AIN-NOTES.md (GR-1299 as published in Wireshark's `asn1/ain`,
//! confirmed against tshark's `ain` dissector); the subset modelled is `asn1/AIN-subset.asn`.
//!
//! # Layers
//!
//! - [`ops`]: private operation codes (family, specifier) and [`Operation`].
//! - [`params`]: parameter tags and formats (AINDigits, UserID, Carrier, EDP bit strings,
//!   timers, ...).
//! - [`msgs`]: [`Arg`], any operation's argument, with a per-operation [`schema`]; the
//!   applicationError / failureReport errors.
//! - [`map`]: protocol-neutral values for [`crate::service`] (parties, triggers, call
//!   states) and the answers for its instructions.
//!
//! A TC-user receiving an ANSI Invoke calls [`ain`] with its operation code and parameter
//! element and gets an [`AinMessage`]; answers are built with the functions here
//! ([`analyze_route`], [`continue_call`], [`request_report_bcm_event`], ...) and written with
//! [`AinMessage::invoke`] / [`return_error`] into an ANSI component sequence.
//!
//! # AIN 0.1 and AIN 0.2
//!
//! Both releases use the same private operation codes and parameter tags; scpd decodes both
//! with the same types. Where they differ:
//!
//! | | AIN 0.1 (TR-NWT-001285 era switches) | AIN 0.2 (GR-1299) |
//! | --- | --- | --- |
//! | monitoring a call | Send_Notification → Termination_Notification at call end | Request_Report_BCM_Event arming EDPs |
//! | event messages | O_Called_Party_Busy, O_No_Answer, T_Busy, T_No_Answer as requests | also O/T_Answer, O/T_Disconnect, O_Abandon, O_Term_Seized, Timeout, Failure_Outcome; NotificationIndicator TRUE marks an EDP-N report |
//! | triggers | Info_Collected, Info_Analyzed, Termination_Attempt, Network_Busy | also Origination_Attempt |
//!
//! No message names its release: which one an SSP runs is provisioned at the SCP (its
//! [`Release`]). The argument element does not tell either: a parameter set `F2`
//! (T1.114-1988 TCAP) or a `SEQUENCE` `30` (T1.114-1996 and GR-1299's ASN.1) is a matter of
//! the SSP's TCAP, not of its AIN release. [`ArgumentForm`] records which element an
//! argument arrived in, so the answers mirror it.

pub mod msgs;
pub mod ops;
pub mod params;

pub use msgs::{
    schema, AinErrorReport, ApplicationError, Arg, FailedMessage, FailureReport, Schema, P,
};
pub use ops::{error_code, opcode, operation_name, Operation};
pub use params::{
    AinDigits, AmaSlpId, BearerCapability, Carrier, Cause, EdpSet, GapInterval,
    RedirectionInformation, TimeoutTimer, TriggerCriteriaType, UserId,
};

use crate::ber::{BerError, MalformedMembers, Tag, Tlv, Writer};
use crate::tcap::ansi::{self, ErrorCode, OpCode, Problem};

/// Why an AIN invoke or error could not be decoded, or an answer not encoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AinError {
    #[error("operation {} is not an AIN operation scpd handles", ansi::opcode_text(*.0))]
    UnknownOperation(OpCode),
    #[error("error code {0} is not an AIN error")]
    UnknownError(i32),
    #[error("AIN argument: {0}")]
    Decode(BerError),
    #[error("{op}: mandatory parameter {member} missing")]
    Missing {
        op: &'static str,
        member: &'static str,
    },
    #[error("{op} has no parameter {member}")]
    NotInOperation {
        op: &'static str,
        member: &'static str,
    },
    #[error("cannot encode: {0}")]
    Encode(&'static str),
}

impl AinError {
    /// The T1.114.3 Reject problem to answer an undecodable Invoke with.
    pub fn problem(&self) -> Problem {
        match self {
            AinError::UnknownOperation(_) => Problem::INVOKE_UNRECOGNIZED_OPERATION,
            AinError::UnknownError(_) => Problem::RETURN_ERROR_UNRECOGNIZED_ERROR,
            _ => Problem::INVOKE_INCORRECT_PARAMETER,
        }
    }
}

/// The AIN release of the SSPs scpd serves, which decides how a call is monitored (see
/// the module doc). Provisioned, not read from messages: nothing on the wire names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
pub enum Release {
    /// AIN 0.1: Send_Notification, Termination_Notification at call end.
    #[serde(rename = "0.1")]
    V0_1,
    /// AIN 0.2 (GR-1298/GR-1299): Request_Report_BCM_Event and EDP reports.
    #[default]
    #[serde(rename = "0.2")]
    V0_2,
}

impl Release {
    /// As in a call event's version: "AIN 0.1" or "AIN 0.2".
    pub fn name(self) -> &'static str {
        match self {
            Release::V0_1 => "AIN 0.1",
            Release::V0_2 => "AIN 0.2",
        }
    }
}

/// The element an argument travels in (ANSI TCAP component parameter).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ArgumentForm {
    /// Parameter set `F2`: switches on T1.114-1988 TCAP (often AIN 0.1 ones).
    Set,
    /// `SEQUENCE` `30`: T1.114-1996 TCAP and GR-1299's ASN.1. (Parameter sequence `F0` is
    /// read as this.)
    #[default]
    Sequence,
}

impl ArgumentForm {
    fn tag(self) -> Tag {
        match self {
            ArgumentForm::Set => ansi::tags::PARAMETER_SET,
            ArgumentForm::Sequence => Tag::SEQUENCE,
        }
    }
}

/// A decoded or to-be-sent AIN operation: which one and its argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AinMessage<'a> {
    pub op: Operation,
    pub arg: Arg<'a>,
    pub form: ArgumentForm,
}

/// Decode an ANSI TCAP Invoke as AIN: its operation code and parameter element (from
/// [`ansi::AnsiComponent::Invoke`]). Zero-copy: the message borrows the parameter.
pub fn ain<'a>(opcode: OpCode, parameter: Option<Tlv<'a>>) -> Result<AinMessage<'a>, AinError> {
    crate::ber::strictly(
        |notes| ain_lenient(opcode, parameter, notes),
        AinError::Decode,
    )
}

/// [`ain`], lenient in: an optional parameter that does not decode is left out and noted in
/// `malformed` (GR-1299 lets an SSP send parameters an SCP does not use; a Reject would
/// send the call to default handling); a mandatory one still fails.
pub fn ain_lenient<'a>(
    opcode: OpCode,
    parameter: Option<Tlv<'a>>,
    malformed: &mut MalformedMembers<'a>,
) -> Result<AinMessage<'a>, AinError> {
    let op = match opcode {
        OpCode::Private(v) => Operation::from_code(v),
        OpCode::National(_) => None,
    }
    .ok_or(AinError::UnknownOperation(opcode))?;
    let s = schema(op);
    let (arg, form) = match parameter {
        Some(p) => {
            let form = if p.tag.is(ansi::tags::PARAMETER_SET) {
                ArgumentForm::Set
            } else {
                ArgumentForm::Sequence
            };
            (
                Arg::decode_members_lenient(&p, s.mandatory, malformed)?,
                form,
            )
        }
        None => (Arg::default(), ArgumentForm::Sequence),
    };
    if let Some(p) = s.mandatory.iter().find(|p| !arg.has(**p)) {
        return Err(AinError::Missing {
            op: op.name(),
            member: p.name(),
        });
    }
    Ok(AinMessage { op, arg, form })
}

impl<'a> AinMessage<'a> {
    pub fn new(op: Operation, arg: Arg<'a>) -> AinMessage<'a> {
        AinMessage {
            op,
            arg,
            form: ArgumentForm::Sequence,
        }
    }

    /// The same message in another argument form (e.g. the form of the query it answers).
    pub fn with_form(self, form: ArgumentForm) -> AinMessage<'a> {
        AinMessage { form, ..self }
    }

    /// Decode from a private operation code and the encoded parameter element (tests, fuzzing,
    /// the lab decoder).
    pub fn decode_bytes(code: u16, parameter: &'a [u8]) -> Result<AinMessage<'a>, AinError> {
        let p = Tlv::parse_single(parameter)?;
        ain(OpCode::Private(code), Some(p))
    }

    /// An EDP-N report (NotificationIndicator TRUE): the SSP does not wait for an answer.
    pub fn is_notification(&self) -> bool {
        self.arg.notification_indicator == Some(true)
    }

    /// Write the parameter element (`F2` or `30` per [`AinMessage::form`]). On error nothing
    /// is written.
    pub fn encode_parameter(&self, w: &mut Writer<'_>) -> Result<(), AinError> {
        self.arg.check(self.op)?;
        w.constructed(self.form.tag(), |w| self.arg.encode_members(self.op, w));
        Ok(())
    }

    /// The parameter element as bytes appended to `out`.
    pub fn encode_parameter_to(&self, out: &mut Vec<u8>) -> Result<(), AinError> {
        self.encode_parameter(&mut Writer::new(out))
    }

    /// Write this operation as an ANSI Invoke component (T1.114.3 InvokeLast/NotLast,
    /// private operation code). On error nothing is written.
    pub fn invoke(
        &self,
        w: &mut Writer<'_>,
        last: bool,
        invoke_id: Option<u8>,
        correlation_id: Option<u8>,
    ) -> Result<(), AinError> {
        self.arg.check(self.op)?;
        ansi::invoke(
            w,
            last,
            invoke_id,
            correlation_id,
            OpCode::Private(self.op.code()),
            |w| w.constructed(self.form.tag(), |w| self.arg.encode_members(self.op, w)),
        );
        Ok(())
    }
}

/// Decode an ANSI ReturnError as an AIN error (private code 1 applicationError or 2
/// failureReport, GR-1299 AIN-Errors).
pub fn decode_error<'a>(
    error: ErrorCode,
    parameter: Option<Tlv<'a>>,
) -> Result<AinErrorReport<'a>, AinError> {
    let code = match error {
        ErrorCode::Private(c) => c,
        ErrorCode::National(c) => return Err(AinError::UnknownError(c.into())),
    };
    let p = parameter.ok_or(AinError::Decode(msgs::missing("error parameter", 0)))?;
    AinErrorReport::decode(code, &p)
}

/// Write an AIN error as an ANSI ReturnError component answering invoke `correlation_id`.
pub fn return_error(
    w: &mut Writer<'_>,
    correlation_id: u8,
    report: &AinErrorReport<'_>,
    form: ArgumentForm,
) -> Result<(), AinError> {
    if let AinErrorReport::ApplicationError(ApplicationError {
        user_id: Some(u), ..
    }) = report
    {
        u.validate()?;
    }
    ansi::return_error(w, correlation_id, ErrorCode::Private(report.code()), |w| {
        w.constructed(form.tag(), |w| {
            let _ = report.encode_members(w);
        })
    });
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Builders for what scpd sends (SCP → SSP).

fn msg(op: Operation, arg: Arg<'static>) -> AinMessage<'static> {
    AinMessage::new(op, arg)
}

/// Analyze_Route to `called` (GR-1299: the SSP routes on CalledPartyID).
pub fn analyze_route(called: AinDigits) -> AinMessage<'static> {
    msg(
        Operation::AnalyzeRoute,
        Arg {
            called_party_id: Some(called),
            ..Default::default()
        },
    )
}

/// Forward_Call of a terminating call to `called`.
pub fn forward_call(called: AinDigits) -> AinMessage<'static> {
    msg(
        Operation::ForwardCall,
        Arg {
            called_party_id: Some(called),
            ..Default::default()
        },
    )
}

/// Continue: default call processing.
pub fn continue_call() -> AinMessage<'static> {
    msg(Operation::Continue, Arg::default())
}

/// Authorize_Termination: let a terminating call proceed to the line.
pub fn authorize_termination() -> AinMessage<'static> {
    msg(Operation::AuthorizeTermination, Arg::default())
}

/// Disconnect: release the call.
pub fn disconnect() -> AinMessage<'static> {
    msg(Operation::Disconnect, Arg::default())
}

/// Close with a CloseCause ([`params::close_cause`]).
pub fn close(cause: u8) -> AinMessage<'static> {
    msg(
        Operation::Close,
        Arg {
            close_cause: Some(cause),
            ..Default::default()
        },
    )
}

/// Request_Report_BCM_Event arming `request` as EDP-Rs and `notification` as EDP-Ns.
pub fn request_report_bcm_event(request: EdpSet, notification: EdpSet) -> AinMessage<'static> {
    msg(
        Operation::RequestReportBcmEvent,
        Arg {
            edp_request: (request.0 != 0).then_some(request),
            edp_notification: (notification.0 != 0).then_some(notification),
            ..Default::default()
        },
    )
}

/// Send_Notification (AIN 0.1): ask for a Termination_Notification echoing `echo`.
pub fn send_notification(echo: [u8; 6]) -> AinMessage<'static> {
    msg(
        Operation::SendNotification,
        Arg {
            echo_data: Some(echo),
            ..Default::default()
        },
    )
}

/// ACG (automatic code gapping) for the digits `gt` (GlobalTitleAddress, as the SSP matches
/// them), with translation type `tt`.
pub fn acg(
    control_cause: u8,
    gap_duration: u8,
    gap_interval: GapInterval,
    tt: u8,
    gt: &[u8],
) -> AinMessage<'_> {
    AinMessage::new(
        Operation::Acg,
        Arg {
            control_cause_indicator: Some(control_cause),
            gap_duration: Some(gap_duration),
            gap_interval: Some(gap_interval),
            translation_type: Some(tt),
            global_title_address: Some(gt),
            ..Default::default()
        },
    )
}

/// applicationError with an ErrorCause ([`params::error_cause`]) about operation `failed`.
pub fn application_error(error_cause: u8, failed: Option<Operation>) -> AinErrorReport<'static> {
    AinErrorReport::ApplicationError(ApplicationError {
        error_cause,
        failed_message: failed.map(|op| FailedMessage {
            op_code: op.code().into(),
            parameter: None,
        }),
        ..Default::default()
    })
}

/// failureReport with a FailureCause.
pub fn failure_report(failure_cause: u8) -> AinErrorReport<'static> {
    AinErrorReport::FailureReport(FailureReport {
        failure_cause,
        ..Default::default()
    })
}

#[cfg(test)]
mod tests;
