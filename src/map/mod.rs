//! MAP (3GPP TS 29.002) as a gsmSCF speaks it to an HLR: SendRoutingInfo (how would a call
//! to this MSISDN be routed) and AnyTimeInterrogation (where is the subscriber, in which
//! state), their results and their errors.
//!
//! scpd is the MAP client: it sends the Invokes and decodes the results and errors; the
//! simulated HLR uses the same models the other way. Sans-IO and zero-copy like the CAP
//! codec ([`crate::camel`]): decoders borrow from the parameter element, encoders append
//! canonical definite-length BER, members in ASN.1 order. The ASN.1 each type follows is
//! transcribed, with its tags, in `asn1/MAP-subset.asn`. MAP's number formats are CAP's:
//! ISDN-AddressString is [`AddressString`], TBCD-STRING (IMSI, IMEI) [`TbcdDigits`],
//! LocationInformation and CellGlobalIdOrServiceAreaIdOrLAI are CAP's models too.
//!
//! # Versions
//!
//! The dialogue's application context names the MAP version (§17.3.3). An HLR that does
//! not support v3 refuses the dialogue, and the client asks again with v2 (the version
//! fallback of MAP dialogue handling): the same [`SendRoutingInfoArg`] then encodes in its
//! v2 form. AnyTimeInterrogation exists in v3 only.
//!
//! | operation | code | application contexts | errors |
//! | --- | --- | --- | --- |
//! | sendRoutingInfo | 22 | locationInfoRetrievalContext-v3 0.4.0.0.1.0.5.3, -v2 0.4.0.0.1.0.5.2 | 15 in v3, 12 in v2 ([`Operation::errors`]) |
//! | anyTimeInterrogation | 71 | anyTimeInfoEnquiryContext-v3 0.4.0.0.1.0.29.3 | systemFailure, ati-NotAllowed, dataMissing, unexpectedDataValue, unknownSubscriber |
//!
//! # Lenient in, strict out
//!
//! `decode` fails on any malformed member; `decode_lenient` (what a TC-user calls) leaves
//! an optional member that does not decode out and notes it ([`MalformedMembers`]): a
//! result with a malformed IMEI still gives the subscriber's state and location. Members
//! scpd does not model are skipped and kept raw ([`Unknown`]). Encoders check every member
//! against its ASN.1 type first ([`CodecError::Encode`]) and write nothing on error. Every
//! decode fault maps to the TCAP Reject problem that answers it ([`CodecError::problem`]).

mod ati;
mod common;
pub mod errors;
mod geo;
mod sri;

pub use ati::{
    domain, not_reachable_reason, AnyTimeInterrogationArg, AnyTimeInterrogationRes, RequestedInfo,
    SubscriberIdentity, SubscriberInfo, SubscriberState,
};
pub use common::{NamedBits, Unknown};
pub use errors::{error_name, MapError};
pub use geo::{GeographicalInformation, SHAPE_POINT_WITH_UNCERTAINTY_CIRCLE};
pub use sri::{
    arg_member_name, CamelInfo, CamelRoutingInfo, ExtendedRoutingInfo, ForwardingData,
    InterrogationType, SendRoutingInfoArg, SendRoutingInfoRes,
};

/// The number formats MAP shares with CAP.
pub use crate::camel::numbers::{AddressString, CellIdOrLai, Plmn, TbcdDigits};
pub use crate::camel::LocationInformation;

use crate::ber::{BerError, MalformedMembers, Tlv, Writer};
use crate::tcap::tc::Problem;
use std::fmt;

/// The MAP version an application context negotiates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Version {
    V2 = 2,
    V3 = 3,
}

/// Application context names (§17.3.3 MAP-ApplicationContexts, {map-ac n version}), as
/// encoded OBJECT IDENTIFIER contents, ready to compare with a dialogue portion's AC.
pub mod ac {
    /// locationInfoRetrievalContext-v3 0.4.0.0.1.0.5.3 (sendRoutingInfo).
    pub const LOCATION_INFO_RETRIEVAL_V3: &[u8] = &[0x04, 0x00, 0x00, 0x01, 0x00, 0x05, 0x03];
    /// locationInfoRetrievalContext-v2 0.4.0.0.1.0.5.2.
    pub const LOCATION_INFO_RETRIEVAL_V2: &[u8] = &[0x04, 0x00, 0x00, 0x01, 0x00, 0x05, 0x02];
    /// anyTimeInfoEnquiryContext-v3 0.4.0.0.1.0.29.3 (anyTimeInterrogation).
    pub const ANY_TIME_INFO_ENQUIRY_V3: &[u8] = &[0x04, 0x00, 0x00, 0x01, 0x00, 0x1d, 0x03];
}

/// The operation and version of a known application context, `None` for anything else.
pub fn ac_info(ac: &[u8]) -> Option<(Operation, Version)> {
    match ac {
        ac::LOCATION_INFO_RETRIEVAL_V3 => Some((Operation::SendRoutingInfo, Version::V3)),
        ac::LOCATION_INFO_RETRIEVAL_V2 => Some((Operation::SendRoutingInfo, Version::V2)),
        ac::ANY_TIME_INFO_ENQUIRY_V3 => Some((Operation::AnyTimeInterrogation, Version::V3)),
        _ => None,
    }
}

/// Operation codes (§17.5 MAP-Protocol; local values).
pub mod opcode {
    pub const SEND_ROUTING_INFO: u32 = 22;
    pub const ANY_TIME_INTERROGATION: u32 = 71;
}

/// The operations this codec handles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operation {
    SendRoutingInfo,
    AnyTimeInterrogation,
}

impl Operation {
    pub const ALL: [Operation; 2] = [Operation::SendRoutingInfo, Operation::AnyTimeInterrogation];

    /// The local operation code.
    pub const fn code(self) -> u32 {
        match self {
            Operation::SendRoutingInfo => opcode::SEND_ROUTING_INFO,
            Operation::AnyTimeInterrogation => opcode::ANY_TIME_INTERROGATION,
        }
    }

    pub fn from_code(code: i64) -> Option<Operation> {
        Operation::ALL
            .into_iter()
            .find(|op| i64::from(op.code()) == code)
    }

    /// The operation's name as TS 29.002 spells it.
    pub const fn name(self) -> &'static str {
        match self {
            Operation::SendRoutingInfo => "sendRoutingInfo",
            Operation::AnyTimeInterrogation => "anyTimeInterrogation",
        }
    }

    /// The application context that carries the operation in `version`.
    pub fn ac(self, version: Version) -> Option<&'static [u8]> {
        match (self, version) {
            (Operation::SendRoutingInfo, Version::V3) => Some(ac::LOCATION_INFO_RETRIEVAL_V3),
            (Operation::SendRoutingInfo, Version::V2) => Some(ac::LOCATION_INFO_RETRIEVAL_V2),
            (Operation::AnyTimeInterrogation, Version::V3) => Some(ac::ANY_TIME_INFO_ENQUIRY_V3),
            (Operation::AnyTimeInterrogation, Version::V2) => None,
        }
    }

    /// The error codes the operation declares in `version` (§17.6.3 MAP-CallHandling-
    /// Operations, §17.6.1 MAP-MobileServiceOperations; v2: GSM 09.02 phase 2).
    pub fn errors(self, version: Version) -> &'static [u32] {
        use errors::code::*;
        match (self, version) {
            (Operation::SendRoutingInfo, Version::V3) => &[
                SYSTEM_FAILURE,
                DATA_MISSING,
                UNEXPECTED_DATA_VALUE,
                FACILITY_NOT_SUPPORTED,
                OR_NOT_ALLOWED,
                UNKNOWN_SUBSCRIBER,
                NUMBER_CHANGED,
                BEARER_SERVICE_NOT_PROVISIONED,
                TELESERVICE_NOT_PROVISIONED,
                ABSENT_SUBSCRIBER,
                BUSY_SUBSCRIBER,
                NO_SUBSCRIBER_REPLY,
                CALL_BARRED,
                CUG_REJECT,
                FORWARDING_VIOLATION,
            ],
            (Operation::SendRoutingInfo, Version::V2) => &[
                SYSTEM_FAILURE,
                DATA_MISSING,
                UNEXPECTED_DATA_VALUE,
                FACILITY_NOT_SUPPORTED,
                UNKNOWN_SUBSCRIBER,
                NUMBER_CHANGED,
                BEARER_SERVICE_NOT_PROVISIONED,
                TELESERVICE_NOT_PROVISIONED,
                ABSENT_SUBSCRIBER,
                CALL_BARRED,
                CUG_REJECT,
                FORWARDING_VIOLATION,
            ],
            (Operation::AnyTimeInterrogation, _) => &[
                SYSTEM_FAILURE,
                ATI_NOT_ALLOWED,
                DATA_MISSING,
                UNEXPECTED_DATA_VALUE,
                UNKNOWN_SUBSCRIBER,
            ],
        }
    }
}

/// The name of a MAP operation code this codec handles.
pub fn operation_name(code: i64) -> Option<&'static str> {
    Operation::from_code(code).map(Operation::name)
}

/// Which part of a component a decode fault is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Part {
    /// An Invoke's argument.
    Argument,
    /// A ReturnResult's result.
    Result,
    /// A ReturnError's parameter.
    ErrorParameter,
}

impl fmt::Display for Part {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Part::Argument => "argument",
            Part::Result => "result",
            Part::ErrorParameter => "error parameter",
        })
    }
}

/// Why a MAP component could not be decoded, or a value not encoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodecError {
    #[error("operation {0} is not a MAP operation scpd handles")]
    UnknownOperation(i64),
    #[error("{op} {part}: {fault}")]
    Decode {
        op: &'static str,
        part: Part,
        fault: BerError,
    },
    #[error("{op}: {part} missing")]
    Missing { op: &'static str, part: Part },
    #[error("error code {0} is not a MAP error")]
    UnknownError(i64),
    #[error("{error} is not an error of {op}")]
    UnexpectedError {
        op: &'static str,
        error: &'static str,
    },
    #[error("cannot encode {member}: {why}")]
    Encode {
        member: &'static str,
        why: &'static str,
    },
}

impl CodecError {
    pub(crate) fn encode(member: &'static str, why: &'static str) -> CodecError {
        CodecError::Encode { member, why }
    }

    /// The Q.773 Reject problem that answers the component that failed to decode; `None`
    /// for an encoding error (nothing was received).
    pub fn problem(&self) -> Option<Problem> {
        Some(match self {
            CodecError::UnknownOperation(_) => Problem::UnrecognizedOperation,
            CodecError::Decode { part, .. } | CodecError::Missing { part, .. } => match part {
                Part::Argument => Problem::InvokeMistypedParameter,
                Part::Result => Problem::ResultMistypedParameter,
                Part::ErrorParameter => Problem::ErrorMistypedParameter,
            },
            CodecError::UnknownError(_) => Problem::UnrecognizedError,
            CodecError::UnexpectedError { .. } => Problem::UnexpectedError,
            CodecError::Encode { .. } => return None,
        })
    }
}

/// A decoded or to-be-sent argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arg<'a> {
    SendRoutingInfo(SendRoutingInfoArg<'a>),
    AnyTimeInterrogation(AnyTimeInterrogationArg<'a>),
}

impl<'a> Arg<'a> {
    pub fn operation(&self) -> Operation {
        match self {
            Arg::SendRoutingInfo(_) => Operation::SendRoutingInfo,
            Arg::AnyTimeInterrogation(_) => Operation::AnyTimeInterrogation,
        }
    }

    /// Write the Invoke's argument for a dialogue of `version`. On error nothing is
    /// written.
    pub fn encode(&self, w: &mut Writer<'_>, version: Version) -> Result<(), CodecError> {
        match self {
            Arg::SendRoutingInfo(a) => a.encode(w, version),
            Arg::AnyTimeInterrogation(_) if version == Version::V2 => {
                Err(CodecError::encode("anyTimeInterrogation", "no MAP v2 form"))
            }
            Arg::AnyTimeInterrogation(a) => a.encode(w),
        }
    }

    /// The argument's members scpd does not model, as received.
    pub fn unknown(&self) -> Unknown<'a> {
        match self {
            Arg::SendRoutingInfo(a) => a.unknown,
            Arg::AnyTimeInterrogation(a) => a.unknown,
        }
    }
}

/// A decoded or to-be-sent result. Unboxed although SendRoutingInfoRes is the larger by
/// far (numbers keep their digits inline): a result is decoded once and moved little, and a
/// box would be an allocation per message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(clippy::large_enum_variant)]
pub enum Res<'a> {
    SendRoutingInfo(SendRoutingInfoRes<'a>),
    AnyTimeInterrogation(AnyTimeInterrogationRes<'a>),
}

impl<'a> Res<'a> {
    pub fn operation(&self) -> Operation {
        match self {
            Res::SendRoutingInfo(_) => Operation::SendRoutingInfo,
            Res::AnyTimeInterrogation(_) => Operation::AnyTimeInterrogation,
        }
    }

    /// Write the ReturnResult's result for a dialogue of `version`. On error nothing is
    /// written.
    pub fn encode(&self, w: &mut Writer<'_>, version: Version) -> Result<(), CodecError> {
        match self {
            Res::SendRoutingInfo(r) => r.encode(w, version),
            Res::AnyTimeInterrogation(_) if version == Version::V2 => {
                Err(CodecError::encode("anyTimeInterrogation", "no MAP v2 form"))
            }
            Res::AnyTimeInterrogation(r) => r.encode(w),
        }
    }

    /// The result's members scpd does not model, as received.
    pub fn unknown(&self) -> Unknown<'a> {
        match self {
            Res::SendRoutingInfo(r) => r.unknown,
            Res::AnyTimeInterrogation(r) => r.unknown,
        }
    }
}

/// Decode an Invoke of a dialogue of `version`: its local operation code and argument
/// element. Strict: any malformed member fails.
pub fn decode_invoke<'a>(
    opcode: i64,
    parameter: Option<Tlv<'a>>,
    version: Version,
) -> Result<Arg<'a>, CodecError> {
    let op = Operation::from_code(opcode).ok_or(CodecError::UnknownOperation(opcode))?;
    crate::ber::strictly(
        |notes| decode_invoke_lenient(opcode, parameter, version, notes),
        |fault| CodecError::Decode {
            op: op.name(),
            part: Part::Argument,
            fault,
        },
    )
}

/// [`decode_invoke`], lenient in: an optional member that does not decode is left out and
/// noted in `malformed`; a mandatory one still fails.
pub fn decode_invoke_lenient<'a>(
    opcode: i64,
    parameter: Option<Tlv<'a>>,
    version: Version,
    malformed: &mut MalformedMembers<'a>,
) -> Result<Arg<'a>, CodecError> {
    let op = Operation::from_code(opcode).ok_or(CodecError::UnknownOperation(opcode))?;
    let p = parameter.ok_or(CodecError::Missing {
        op: op.name(),
        part: Part::Argument,
    })?;
    let fault = |fault| CodecError::Decode {
        op: op.name(),
        part: Part::Argument,
        fault,
    };
    Ok(match op {
        Operation::SendRoutingInfo => Arg::SendRoutingInfo(
            SendRoutingInfoArg::decode_lenient(p, version, malformed).map_err(fault)?,
        ),
        Operation::AnyTimeInterrogation => Arg::AnyTimeInterrogation(
            AnyTimeInterrogationArg::decode_lenient(p, malformed).map_err(fault)?,
        ),
    })
}

/// Decode the ReturnResult answering an Invoke of `op` (the TC-user knows which: MAP
/// results carry the operation code, but the invoke id is what correlates). Strict.
pub fn decode_result<'a>(
    op: Operation,
    parameter: Option<Tlv<'a>>,
    version: Version,
) -> Result<Res<'a>, CodecError> {
    crate::ber::strictly(
        |notes| decode_result_lenient(op, parameter, version, notes),
        |fault| CodecError::Decode {
            op: op.name(),
            part: Part::Result,
            fault,
        },
    )
}

/// [`decode_result`], lenient in.
pub fn decode_result_lenient<'a>(
    op: Operation,
    parameter: Option<Tlv<'a>>,
    version: Version,
    malformed: &mut MalformedMembers<'a>,
) -> Result<Res<'a>, CodecError> {
    let p = parameter.ok_or(CodecError::Missing {
        op: op.name(),
        part: Part::Result,
    })?;
    let fault = |fault| CodecError::Decode {
        op: op.name(),
        part: Part::Result,
        fault,
    };
    Ok(match op {
        Operation::SendRoutingInfo => Res::SendRoutingInfo(
            SendRoutingInfoRes::decode_lenient(p, version, malformed).map_err(fault)?,
        ),
        Operation::AnyTimeInterrogation => Res::AnyTimeInterrogation(
            AnyTimeInterrogationRes::decode_lenient(p, malformed).map_err(fault)?,
        ),
    })
}

/// Decode the ReturnError answering an Invoke of `op`: a code the operation does not
/// declare in `version` fails (unexpectedError, or unrecognizedError for a code MAP does
/// not define). Strict on the parameter.
pub fn decode_error(
    op: Operation,
    code: i64,
    parameter: Option<Tlv<'_>>,
    version: Version,
) -> Result<MapError, CodecError> {
    expected_error(op, code, version)?;
    MapError::decode(code, parameter).map_err(|fault| CodecError::Decode {
        op: op.name(),
        part: Part::ErrorParameter,
        fault,
    })
}

/// [`decode_error`], lenient in: a parameter that does not decode is noted and the error
/// kept without its values.
pub fn decode_error_lenient<'a>(
    op: Operation,
    code: i64,
    parameter: Option<Tlv<'a>>,
    version: Version,
    malformed: &mut MalformedMembers<'a>,
) -> Result<MapError, CodecError> {
    expected_error(op, code, version)?;
    Ok(MapError::decode_lenient(code, parameter, malformed))
}

fn expected_error(op: Operation, code: i64, version: Version) -> Result<(), CodecError> {
    if op.errors(version).iter().any(|&c| i64::from(c) == code) {
        return Ok(());
    }
    match error_name(code) {
        Some(error) => Err(CodecError::UnexpectedError {
            op: op.name(),
            error,
        }),
        None => Err(CodecError::UnknownError(code)),
    }
}

#[cfg(test)]
mod tests;
