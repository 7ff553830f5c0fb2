//! CAP errors (TS 29.078 CAP-errorcodes and CAP-errortypes): the local error codes a
//! ReturnError carries and, for the four errors that have one, their PARAMETER.
//!
//! The gsmSCF sends these when an operation from the gsmSSF cannot be served (e.g. an
//! InitialDP without its mandatory serviceKey → missingParameter, TS 29.078 §14.1.1) and
//! decodes them in ReturnError components from the gsmSSF.

use super::ops::{ctx, invalid, small_enum};
use crate::ber::{BerError, BerErrorKind, Result, Tag, Tlv, Writer};
use std::fmt;

/// Local error codes (CAP-errorcodes).
pub mod code {
    pub const CANCELED: u32 = 0;
    pub const CANCEL_FAILED: u32 = 1;
    pub const ETC_FAILED: u32 = 3;
    pub const IMPROPER_CALLER_RESPONSE: u32 = 4;
    pub const MISSING_CUSTOMER_RECORD: u32 = 6;
    pub const MISSING_PARAMETER: u32 = 7;
    pub const PARAMETER_OUT_OF_RANGE: u32 = 8;
    pub const REQUESTED_INFO_ERROR: u32 = 10;
    pub const SYSTEM_FAILURE: u32 = 11;
    pub const TASK_REFUSED: u32 = 12;
    pub const UNAVAILABLE_RESOURCE: u32 = 13;
    pub const UNEXPECTED_COMPONENT_SEQUENCE: u32 = 14;
    pub const UNEXPECTED_DATA_VALUE: u32 = 15;
    pub const UNEXPECTED_PARAMETER: u32 = 16;
    pub const UNKNOWN_LEG_ID: u32 = 17;
    pub const UNKNOWN_PDP_ID: u32 = 50;
    pub const UNKNOWN_CSID: u32 = 51;
}

/// cancelFailed's problem ENUMERATED.
pub mod cancel_problem {
    pub const UNKNOWN_OPERATION: u8 = 0;
    pub const TOO_LATE: u8 = 1;
    pub const OPERATION_NOT_CANCELLABLE: u8 = 2;
}

/// requestedInfoError's PARAMETER ENUMERATED.
pub mod requested_info_error {
    pub const UNKNOWN_REQUESTED_INFO: u8 = 1;
    pub const REQUESTED_INFO_NOT_AVAILABLE: u8 = 2;
}

/// systemFailure's PARAMETER UnavailableNetworkResource.
pub mod unavailable_network_resource {
    pub const UNAVAILABLE_RESOURCES: u8 = 0;
    pub const COMPONENT_FAILURE: u8 = 1;
    pub const BASIC_CALL_PROCESSING_EXCEPTION: u8 = 2;
    pub const RESOURCE_STATUS_FAILURE: u8 = 3;
    pub const END_USER_FAILURE: u8 = 4;
}

/// taskRefused's PARAMETER ENUMERATED.
pub mod task_refused {
    pub const GENERIC: u8 = 0;
    pub const UNOBTAINABLE: u8 = 1;
    pub const CONGESTION: u8 = 2;
}

/// A CAP error with its parameter. Enumerated parameter values are kept as numbers (see the
/// modules above for their names) so that a value of a newer release survives decoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CapError {
    Canceled,
    /// PARAMETER SEQUENCE { problem [0] ENUMERATED, operation [1] InvokeID }.
    CancelFailed {
        problem: u8,
        operation: i8,
    },
    EtcFailed,
    ImproperCallerResponse,
    MissingCustomerRecord,
    MissingParameter,
    ParameterOutOfRange,
    /// PARAMETER ENUMERATED, see [`requested_info_error`].
    RequestedInfoError(u8),
    /// PARAMETER UnavailableNetworkResource, see [`unavailable_network_resource`].
    SystemFailure(u8),
    /// PARAMETER ENUMERATED, see [`task_refused`].
    TaskRefused(u8),
    UnavailableResource,
    UnexpectedComponentSequence,
    UnexpectedDataValue,
    UnexpectedParameter,
    UnknownLegId,
    UnknownPdpId,
    UnknownCsid,
    /// A code CAP does not define (kept for logging; its parameter is not interpreted).
    Other(i64),
}

impl CapError {
    /// The local error code.
    pub fn code(&self) -> i64 {
        use code::*;
        i64::from(match *self {
            CapError::Canceled => CANCELED,
            CapError::CancelFailed { .. } => CANCEL_FAILED,
            CapError::EtcFailed => ETC_FAILED,
            CapError::ImproperCallerResponse => IMPROPER_CALLER_RESPONSE,
            CapError::MissingCustomerRecord => MISSING_CUSTOMER_RECORD,
            CapError::MissingParameter => MISSING_PARAMETER,
            CapError::ParameterOutOfRange => PARAMETER_OUT_OF_RANGE,
            CapError::RequestedInfoError(_) => REQUESTED_INFO_ERROR,
            CapError::SystemFailure(_) => SYSTEM_FAILURE,
            CapError::TaskRefused(_) => TASK_REFUSED,
            CapError::UnavailableResource => UNAVAILABLE_RESOURCE,
            CapError::UnexpectedComponentSequence => UNEXPECTED_COMPONENT_SEQUENCE,
            CapError::UnexpectedDataValue => UNEXPECTED_DATA_VALUE,
            CapError::UnexpectedParameter => UNEXPECTED_PARAMETER,
            CapError::UnknownLegId => UNKNOWN_LEG_ID,
            CapError::UnknownPdpId => UNKNOWN_PDP_ID,
            CapError::UnknownCsid => UNKNOWN_CSID,
            CapError::Other(c) => return c,
        })
    }

    /// The ASN.1 name of the error.
    pub fn name(&self) -> &'static str {
        match self {
            CapError::Canceled => "canceled",
            CapError::CancelFailed { .. } => "cancelFailed",
            CapError::EtcFailed => "eTCFailed",
            CapError::ImproperCallerResponse => "improperCallerResponse",
            CapError::MissingCustomerRecord => "missingCustomerRecord",
            CapError::MissingParameter => "missingParameter",
            CapError::ParameterOutOfRange => "parameterOutOfRange",
            CapError::RequestedInfoError(_) => "requestedInfoError",
            CapError::SystemFailure(_) => "systemFailure",
            CapError::TaskRefused(_) => "taskRefused",
            CapError::UnavailableResource => "unavailableResource",
            CapError::UnexpectedComponentSequence => "unexpectedComponentSequence",
            CapError::UnexpectedDataValue => "unexpectedDataValue",
            CapError::UnexpectedParameter => "unexpectedParameter",
            CapError::UnknownLegId => "unknownLegID",
            CapError::UnknownPdpId => "unknownPDPID",
            CapError::UnknownCsid => "unknownCSID",
            CapError::Other(_) => "unknown",
        }
    }

    /// Whether the error type declares a PARAMETER (TS 29.078 CAP-errortypes): a ReturnError
    /// for these must carry it.
    pub fn has_parameter(&self) -> bool {
        matches!(
            self,
            CapError::CancelFailed { .. }
                | CapError::RequestedInfoError(_)
                | CapError::SystemFailure(_)
                | CapError::TaskRefused(_)
        )
    }

    /// Decode from a ReturnError's local code and parameter. A parameter on an error that
    /// has none is ignored (X.880 lets it be absent, not present, but peers send junk); a
    /// missing mandatory one is an error.
    pub fn decode(code: i64, parameter: Option<Tlv<'_>>) -> Result<CapError> {
        use code::*;
        let Ok(c) = u32::try_from(code) else {
            return Ok(CapError::Other(code));
        };
        let enum_param = |what: &'static str| -> Result<u8> {
            let p = parameter.ok_or(BerError::new(BerErrorKind::Missing(what), 0))?;
            p.expect(Tag::ENUMERATED)?;
            small_enum(&p, what)
        };
        Ok(match c {
            CANCELED => CapError::Canceled,
            CANCEL_FAILED => {
                let p = parameter.ok_or(BerError::new(
                    BerErrorKind::Missing("cancelFailed parameter"),
                    0,
                ))?;
                p.expect(Tag::SEQUENCE)?;
                let (mut problem, mut op) = (None, None);
                for m in p.children()? {
                    let m = m?;
                    match ctx(&m) {
                        Some(0) => problem = Some(small_enum(&m, "problem")?),
                        Some(1) => {
                            op = Some(
                                i8::try_from(m.as_i64()?)
                                    .map_err(|_| invalid("operation InvokeID", m.value_offset))?,
                            )
                        }
                        _ => {}
                    }
                }
                CapError::CancelFailed {
                    problem: problem.ok_or(BerError::new(
                        BerErrorKind::Missing("problem"),
                        p.value_offset,
                    ))?,
                    operation: op.ok_or(BerError::new(
                        BerErrorKind::Missing("operation"),
                        p.value_offset,
                    ))?,
                }
            }
            ETC_FAILED => CapError::EtcFailed,
            IMPROPER_CALLER_RESPONSE => CapError::ImproperCallerResponse,
            MISSING_CUSTOMER_RECORD => CapError::MissingCustomerRecord,
            MISSING_PARAMETER => CapError::MissingParameter,
            PARAMETER_OUT_OF_RANGE => CapError::ParameterOutOfRange,
            REQUESTED_INFO_ERROR => CapError::RequestedInfoError(enum_param("requestedInfoError")?),
            SYSTEM_FAILURE => CapError::SystemFailure(enum_param("systemFailure")?),
            TASK_REFUSED => CapError::TaskRefused(enum_param("taskRefused")?),
            UNAVAILABLE_RESOURCE => CapError::UnavailableResource,
            UNEXPECTED_COMPONENT_SEQUENCE => CapError::UnexpectedComponentSequence,
            UNEXPECTED_DATA_VALUE => CapError::UnexpectedDataValue,
            UNEXPECTED_PARAMETER => CapError::UnexpectedParameter,
            UNKNOWN_LEG_ID => CapError::UnknownLegId,
            UNKNOWN_PDP_ID => CapError::UnknownPdpId,
            UNKNOWN_CSID => CapError::UnknownCsid,
            _ => CapError::Other(code),
        })
    }

    /// Decode from the code and the parameter's complete encoding (if any).
    pub fn decode_bytes(code: i64, parameter: Option<&[u8]>) -> Result<CapError> {
        let p = parameter.map(Tlv::parse_single).transpose()?;
        CapError::decode(code, p)
    }

    /// Write the parameter, for the errors that have one (nothing otherwise).
    pub fn encode_parameter(&self, w: &mut Writer<'_>) {
        match *self {
            CapError::CancelFailed { problem, operation } => {
                w.constructed(Tag::SEQUENCE, |w| {
                    w.integer(Tag::ctx(0), i64::from(problem));
                    w.integer(Tag::ctx(1), i64::from(operation));
                });
            }
            CapError::RequestedInfoError(v)
            | CapError::SystemFailure(v)
            | CapError::TaskRefused(v) => w.integer(Tag::ENUMERATED, i64::from(v)),
            _ => {}
        }
    }

    /// The parameter's encoding, `None` for errors without one.
    pub fn parameter_bytes(&self) -> Option<Vec<u8>> {
        self.has_parameter().then(|| {
            let mut v = Vec::with_capacity(8);
            self.encode_parameter(&mut Writer::new(&mut v));
            v
        })
    }
}

impl fmt::Display for CapError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            CapError::Other(c) => write!(f, "error {c}"),
            CapError::CancelFailed { problem, operation } => {
                write!(f, "cancelFailed(problem {problem}, invoke {operation})")
            }
            CapError::RequestedInfoError(v)
            | CapError::SystemFailure(v)
            | CapError::TaskRefused(v) => {
                write!(f, "{}({v})", self.name())
            }
            _ => f.write_str(self.name()),
        }
    }
}
