//! The AIN errors (GR-1299 §5, T1.114 ReturnError with a private error code):
//! applicationError and failureReport, decoded and encoded.

use super::arg::{cons, set};
use crate::ain::ops;
use crate::ain::params::{prim, small, tag, UserId};
use crate::ain::AinError;
use crate::ber::{Tag, Tlv, Writer};

/// `FailedMessage` of an ApplicationErrorString (`[57]` SEQUENCE): the operation code of
/// the message in error and, optionally, the offending parameter as received (identifier,
/// length and contents).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FailedMessage<'a> {
    pub op_code: i64,
    pub parameter: Option<&'a [u8]>,
}

/// The applicationError (private 1) parameter: ApplicationErrorString (`[55]`: ErrorCause
/// `[56]`, FailedMessage `[57]`, UserID) and an optional untagged ExtensionParameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ApplicationError<'a> {
    /// ErrorCause ([`crate::ain::params::error_cause`]).
    pub error_cause: u8,
    pub failed_message: Option<FailedMessage<'a>>,
    pub user_id: Option<UserId<'a>>,
    /// ExtensionParameter SEQUENCE contents, opaque.
    pub extension: Option<&'a [u8]>,
}

/// The failureReport (private 2) parameter: FailureCause `[32]`, FailureCauseData `[112]`,
/// optional untagged ExtensionParameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FailureReport<'a> {
    pub failure_cause: u8,
    pub failure_cause_data: Option<&'a [u8]>,
    pub extension: Option<&'a [u8]>,
}

/// An AIN error (T1.114 ReturnError with a private error code), either way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AinErrorReport<'a> {
    ApplicationError(ApplicationError<'a>),
    FailureReport(FailureReport<'a>),
}

impl<'a> AinErrorReport<'a> {
    /// The private error code.
    pub fn code(&self) -> i32 {
        match self {
            AinErrorReport::ApplicationError(_) => ops::error_code::APPLICATION_ERROR,
            AinErrorReport::FailureReport(_) => ops::error_code::FAILURE_REPORT,
        }
    }

    /// Decode the members of a ReturnError parameter element for error `code`.
    pub fn decode(code: i32, param: &Tlv<'a>) -> Result<AinErrorReport<'a>, AinError> {
        let mut r = param.children()?;
        match code {
            ops::error_code::APPLICATION_ERROR => {
                let s = r.expect(
                    Tag::ctx_cons(tag::APPLICATION_ERROR_STRING),
                    "applicationErrorString",
                )?;
                let extension = match r.next_tlv()? {
                    Some(e) => Some(cons(&e.expect(Tag::SEQUENCE)?, "ExtensionParameter")?),
                    None => None,
                };
                r.finish()?;
                let mut a = ApplicationError {
                    extension,
                    ..Default::default()
                };
                let mut m = s.children()?;
                let ec = m.expect(Tag::ctx(tag::ERROR_CAUSE), "errorCause")?;
                a.error_cause = small(&ec, "ErrorCause")?;
                while let Some(t) = m.next_tlv()? {
                    if t.tag.is(Tag::ctx(tag::FAILED_MESSAGE)) {
                        let mut f = t.children()?;
                        let op = f.expect(Tag::INTEGER, "opCode")?;
                        let parameter = f.optional(Tag::OCTET_STRING)?.map(|p| p.value);
                        set(
                            &mut a.failed_message,
                            &t,
                            FailedMessage {
                                op_code: op.as_i64()?,
                                parameter,
                            },
                        )?;
                    } else if t.tag.is(Tag::ctx(tag::USER_ID)) {
                        set(&mut a.user_id, &t, UserId::decode(&t)?)?;
                    }
                }
                Ok(AinErrorReport::ApplicationError(a))
            }
            ops::error_code::FAILURE_REPORT => {
                let fc = r.expect(Tag::ctx(tag::FAILURE_CAUSE), "failureCause")?;
                let mut f = FailureReport {
                    failure_cause: small(&fc, "FailureCause")?,
                    ..Default::default()
                };
                if let Some(d) = r.optional(Tag::ctx(tag::FAILURE_CAUSE_DATA))? {
                    f.failure_cause_data = Some(prim(&d, "FailureCauseData")?);
                }
                if let Some(e) = r.next_tlv()? {
                    f.extension = Some(cons(&e.expect(Tag::SEQUENCE)?, "ExtensionParameter")?);
                }
                r.finish()?;
                Ok(AinErrorReport::FailureReport(f))
            }
            _ => Err(AinError::UnknownError(code)),
        }
    }

    /// Write the members (without the parameter element).
    pub fn encode_members(&self, w: &mut Writer<'_>) -> Result<(), AinError> {
        match self {
            AinErrorReport::ApplicationError(a) => {
                if let Some(u) = &a.user_id {
                    u.validate()?;
                }
                w.constructed(Tag::ctx_cons(tag::APPLICATION_ERROR_STRING), |w| {
                    w.integer(Tag::ctx(tag::ERROR_CAUSE), a.error_cause.into());
                    if let Some(f) = &a.failed_message {
                        w.constructed(Tag::ctx_cons(tag::FAILED_MESSAGE), |w| {
                            w.integer(Tag::INTEGER, f.op_code);
                            if let Some(p) = f.parameter {
                                w.primitive(Tag::OCTET_STRING, p);
                            }
                        });
                    }
                    if let Some(u) = &a.user_id {
                        let _ = u.encode(w);
                    }
                });
                if let Some(e) = a.extension {
                    w.constructed(Tag::SEQUENCE, |w| w.raw(e));
                }
            }
            AinErrorReport::FailureReport(f) => {
                w.integer(Tag::ctx(tag::FAILURE_CAUSE), f.failure_cause.into());
                if let Some(d) = f.failure_cause_data {
                    w.primitive(Tag::ctx(tag::FAILURE_CAUSE_DATA), d);
                }
                if let Some(e) = f.extension {
                    w.constructed(Tag::SEQUENCE, |w| w.raw(e));
                }
            }
        }
        Ok(())
    }
}
