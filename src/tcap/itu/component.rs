//! The ITU TCAP component portion (Q.773 §4.2.2): Invoke, ReturnResult, ReturnError and
//! Reject, decoded (a fault becomes the Reject to send, Q.774 §3.2.2.2) and encoded.

use crate::ber::{self, BerError, BerErrorKind, Reader, Tag, Tlv, Writer};

/// A component (Q.773 §4.2.2), borrowed: the long-standing view, with operation and error
/// codes as `u32`. Codes that are not non-negative local values (negative local values,
/// which Q.773 allows, and global OIDs) are reported as `u32::MAX`; [`ComponentPdu`] keeps
/// them exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Component<'a> {
    Invoke {
        invoke_id: i8,
        linked_id: Option<i8>,
        /// Local operation code (global OIDs are reported as `u32::MAX`).
        opcode: u32,
        parameter: Option<Tlv<'a>>,
    },
    ReturnResult {
        invoke_id: i8,
        last: bool,
        opcode: Option<u32>,
        parameter: Option<Tlv<'a>>,
    },
    ReturnError {
        invoke_id: i8,
        error_code: u32,
        parameter: Option<Tlv<'a>>,
    },
    Reject {
        invoke_id: Option<i8>,
        /// (problem type 0 general / 1 invoke / 2 returnResult / 3 returnError, code).
        problem: (u8, u8),
    },
}

/// An operation or error code (Q.773 `OPERATION`/`ERROR` codes: `localValue INTEGER` or
/// `globalValue OBJECT IDENTIFIER`). Local values may be negative.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Code<'a> {
    Local(i64),
    /// Encoded OID contents.
    Global(&'a [u8]),
}

impl Code<'_> {
    /// The `u32` view of [`Component`]: a non-negative local value, else `u32::MAX`.
    pub fn legacy(self) -> u32 {
        match self {
            Code::Local(v) => u32::try_from(v).unwrap_or(u32::MAX),
            Code::Global(_) => u32::MAX,
        }
    }

    fn write(self, w: &mut Writer<'_>) {
        match self {
            Code::Local(v) => w.integer(Tag::INTEGER, v),
            Code::Global(o) => w.primitive(Tag::OID, o),
        }
    }
}

/// A component with every field kept (codes exact, the ReturnResult's result sequence as
/// received), for the TC layer and the re-encoder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ComponentPdu<'a> {
    Invoke {
        invoke_id: i8,
        linked_id: Option<i8>,
        opcode: Code<'a>,
        parameter: Option<Tlv<'a>>,
    },
    ReturnResult {
        invoke_id: i8,
        last: bool,
        /// The optional `SEQUENCE { opcode, result }`.
        result: Option<(Code<'a>, Option<Tlv<'a>>)>,
    },
    ReturnError {
        invoke_id: i8,
        error_code: Code<'a>,
        parameter: Option<Tlv<'a>>,
    },
    Reject {
        invoke_id: Option<i8>,
        problem: (u8, u8),
    },
}

impl<'a> ComponentPdu<'a> {
    /// The [`Component`] view.
    pub fn legacy(self) -> Component<'a> {
        match self {
            ComponentPdu::Invoke {
                invoke_id,
                linked_id,
                opcode,
                parameter,
            } => Component::Invoke {
                invoke_id,
                linked_id,
                opcode: opcode.legacy(),
                parameter,
            },
            ComponentPdu::ReturnResult {
                invoke_id,
                last,
                result,
            } => Component::ReturnResult {
                invoke_id,
                last,
                opcode: result.map(|r| r.0.legacy()),
                parameter: result.and_then(|r| r.1),
            },
            ComponentPdu::ReturnError {
                invoke_id,
                error_code,
                parameter,
            } => Component::ReturnError {
                invoke_id,
                error_code: error_code.legacy(),
                parameter,
            },
            ComponentPdu::Reject { invoke_id, problem } => Component::Reject { invoke_id, problem },
        }
    }

    /// Write this component (canonical lengths; parameters copied as received).
    pub fn encode(&self, w: &mut Writer<'_>) {
        let param = |w: &mut Writer<'_>, p: Option<Tlv<'_>>| {
            if let Some(p) = p {
                w.raw(p.raw)
            }
        };
        match *self {
            ComponentPdu::Invoke {
                invoke_id,
                linked_id,
                opcode,
                parameter,
            } => w.constructed(Tag::ctx_cons(1), |w| {
                w.integer(Tag::INTEGER, invoke_id.into());
                if let Some(l) = linked_id {
                    w.integer(Tag::ctx(0), l.into());
                }
                opcode.write(w);
                param(w, parameter);
            }),
            ComponentPdu::ReturnResult {
                invoke_id,
                last,
                result,
            } => w.constructed(Tag::ctx_cons(if last { 2 } else { 7 }), |w| {
                w.integer(Tag::INTEGER, invoke_id.into());
                if let Some((op, p)) = result {
                    w.constructed(Tag::SEQUENCE, |w| {
                        op.write(w);
                        param(w, p);
                    });
                }
            }),
            ComponentPdu::ReturnError {
                invoke_id,
                error_code,
                parameter,
            } => w.constructed(Tag::ctx_cons(3), |w| {
                w.integer(Tag::INTEGER, invoke_id.into());
                error_code.write(w);
                param(w, parameter);
            }),
            ComponentPdu::Reject { invoke_id, problem } => reject(w, invoke_id, problem),
        }
    }
}

/// Reject problem codes (Q.773 §4.2.2.4).
pub mod problem {
    pub const GENERAL: u8 = 0;
    pub const INVOKE: u8 = 1;
    pub const RETURN_RESULT: u8 = 2;
    pub const RETURN_ERROR: u8 = 3;
    pub const UNRECOGNIZED_COMPONENT: u8 = 0;
    pub const MISTYPED_COMPONENT: u8 = 1;
    pub const BADLY_STRUCTURED_COMPONENT: u8 = 2;
    pub const DUPLICATE_INVOKE_ID: u8 = 0;
    pub const UNRECOGNIZED_OPERATION: u8 = 1;
    pub const MISTYPED_PARAMETER: u8 = 2;
    pub const RESOURCE_LIMITATION: u8 = 3;
    pub const INITIATING_RELEASE: u8 = 4;
    pub const UNRECOGNIZED_LINKED_ID: u8 = 5;
    pub const LINKED_RESPONSE_UNEXPECTED: u8 = 6;
    pub const UNEXPECTED_LINKED_OPERATION: u8 = 7;
    /// ReturnResult / ReturnError problem 0.
    pub const UNRECOGNIZED_INVOKE_ID: u8 = 0;
    /// ReturnResult problem 1 returnResultUnexpected / ReturnError problem 1
    /// returnErrorUnexpected.
    pub const UNEXPECTED: u8 = 1;
    pub const UNRECOGNIZED_ERROR: u8 = 2;
    pub const UNEXPECTED_ERROR: u8 = 3;
    /// ReturnResult problem 2 / ReturnError problem 4 mistypedParameter.
    pub const RR_MISTYPED_PARAMETER: u8 = 2;
    pub const RE_MISTYPED_PARAMETER: u8 = 4;
}

/// A component that could not be decoded: the Reject to send (Q.774 §3.2.2.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComponentFault {
    pub invoke_id: Option<i8>,
    pub problem: (u8, u8),
    pub error: BerError,
}

/// The components of a message as [`Component`]s.
pub struct ComponentIter<'a> {
    pub(super) inner: ComponentPduIter<'a>,
}

impl<'a> Iterator for ComponentIter<'a> {
    type Item = Result<Component<'a>, ComponentFault>;
    fn next(&mut self) -> Option<Self::Item> {
        self.inner.next().map(|r| r.map(ComponentPdu::legacy))
    }
}

/// The components of a message as [`ComponentPdu`]s.
pub struct ComponentPduIter<'a> {
    pub(super) r: Reader<'a>,
}

impl<'a> Iterator for ComponentPduIter<'a> {
    type Item = Result<ComponentPdu<'a>, ComponentFault>;
    fn next(&mut self) -> Option<Self::Item> {
        match self.r.next_tlv() {
            Ok(None) => None,
            Ok(Some(t)) => Some(decode_component(t)),
            Err(error) => {
                self.r = Reader::new(&[]);
                Some(Err(ComponentFault {
                    invoke_id: None,
                    problem: (problem::GENERAL, problem::BADLY_STRUCTURED_COMPONENT),
                    error,
                }))
            }
        }
    }
}

fn small_id(t: Tlv<'_>) -> Result<i8, BerError> {
    let v = t.as_i64()?;
    i8::try_from(v)
        .map_err(|_| BerError::new(BerErrorKind::Invalid("invoke id range"), t.value_offset))
}

fn code(t: Tlv<'_>) -> Result<Code<'_>, BerError> {
    if t.tag.is(Tag::OID) {
        if t.value.is_empty() || t.value[t.value.len() - 1] & 0x80 != 0 {
            return Err(BerError::new(
                BerErrorKind::Invalid("OBJECT IDENTIFIER"),
                t.value_offset,
            ));
        }
        Ok(Code::Global(t.value))
    } else {
        Ok(Code::Local(t.expect(Tag::INTEGER)?.as_i64()?))
    }
}

pub(super) fn decode_component(t: Tlv<'_>) -> Result<ComponentPdu<'_>, ComponentFault> {
    let fault = |invoke_id, code, error| ComponentFault {
        invoke_id,
        problem: (problem::GENERAL, code),
        error,
    };
    if t.tag.class != ber::Class::Context || !matches!(t.tag.number, 1..=4 | 7) {
        let e = BerError::new(BerErrorKind::Invalid("component type"), t.offset);
        return Err(fault(None, problem::UNRECOGNIZED_COMPONENT, e));
    }
    let mut r = t
        .children()
        .map_err(|e| fault(None, problem::BADLY_STRUCTURED_COMPONENT, e))?;
    let first = r
        .next_tlv()
        .and_then(|o| {
            o.ok_or(BerError::new(
                BerErrorKind::Missing("invokeID"),
                t.value_offset,
            ))
        })
        .map_err(|e| fault(None, problem::BADLY_STRUCTURED_COMPONENT, e))?;
    if t.tag.number == 4 {
        // Reject: invokeID may be NULL.
        let invoke_id = if first.tag.is(Tag::NULL) {
            None
        } else {
            small_id(first).ok()
        };
        let p = r
            .next_tlv()
            .ok()
            .flatten()
            .filter(|p| p.tag.class == ber::Class::Context && p.tag.number <= 3)
            .ok_or_else(|| {
                fault(
                    invoke_id,
                    problem::MISTYPED_COMPONENT,
                    BerError::new(BerErrorKind::Missing("problem"), t.value_offset),
                )
            })?;
        let code = p.as_u32().unwrap_or(0) as u8;
        return Ok(ComponentPdu::Reject {
            invoke_id,
            problem: (p.tag.number as u8, code),
        });
    }
    let invoke_id = small_id(
        first
            .expect(Tag::INTEGER)
            .map_err(|e| fault(None, problem::MISTYPED_COMPONENT, e))?,
    )
    .map_err(|e| fault(None, problem::MISTYPED_COMPONENT, e))?;
    let mistyped = |e| fault(Some(invoke_id), problem::MISTYPED_COMPONENT, e);
    let mut body = || -> Result<ComponentPdu<'_>, BerError> {
        match t.tag.number {
            1 => {
                let mut next = r.next_tlv()?;
                let mut linked_id = None;
                if let Some(l) = next.filter(|l| l.tag.is(Tag::ctx(0))) {
                    linked_id = Some(small_id(l)?);
                    next = r.next_tlv()?;
                }
                let op = next.ok_or(BerError::new(
                    BerErrorKind::Missing("opCode"),
                    t.value_offset,
                ))?;
                Ok(ComponentPdu::Invoke {
                    invoke_id,
                    linked_id,
                    opcode: code(op)?,
                    parameter: r.next_tlv()?,
                })
            }
            2 | 7 => {
                let mut result = None;
                if let Some(seq) = r.next_tlv()? {
                    let mut s = seq.expect(Tag::SEQUENCE)?.children()?;
                    let op = s.next_tlv()?.ok_or(BerError::new(
                        BerErrorKind::Missing("opCode"),
                        seq.value_offset,
                    ))?;
                    result = Some((code(op)?, s.next_tlv()?));
                }
                Ok(ComponentPdu::ReturnResult {
                    invoke_id,
                    last: t.tag.number == 2,
                    result,
                })
            }
            _ => {
                let c = r.next_tlv()?.ok_or(BerError::new(
                    BerErrorKind::Missing("errorCode"),
                    t.value_offset,
                ))?;
                Ok(ComponentPdu::ReturnError {
                    invoke_id,
                    error_code: code(c)?,
                    parameter: r.next_tlv()?,
                })
            }
        }
    };
    body().map_err(mistyped)
}

/// Write an Invoke component (Q.773 §4.2.2.1).
pub fn invoke(
    w: &mut Writer<'_>,
    invoke_id: i8,
    opcode: u32,
    parameter: impl FnOnce(&mut Writer<'_>),
) {
    w.constructed(Tag::ctx_cons(1), |w| {
        w.integer(Tag::INTEGER, invoke_id.into());
        w.integer(Tag::INTEGER, opcode.into());
        parameter(w);
    });
}

/// Write a ReturnResultLast component (Q.773 §4.2.2.2) with the operation and its result.
pub fn return_result(
    w: &mut Writer<'_>,
    invoke_id: i8,
    opcode: u32,
    result: impl FnOnce(&mut Writer<'_>),
) {
    w.constructed(Tag::ctx_cons(2), |w| {
        w.integer(Tag::INTEGER, invoke_id.into());
        w.constructed(Tag::SEQUENCE, |w| {
            w.integer(Tag::INTEGER, opcode.into());
            result(w);
        });
    });
}

/// Write a ReturnError component (Q.773 §4.2.2.3) with a local error code and its
/// parameter.
pub fn return_error(
    w: &mut Writer<'_>,
    invoke_id: i8,
    error: i64,
    parameter: impl FnOnce(&mut Writer<'_>),
) {
    w.constructed(Tag::ctx_cons(3), |w| {
        w.integer(Tag::INTEGER, invoke_id.into());
        w.integer(Tag::INTEGER, error);
        parameter(w);
    });
}

/// Write a Reject component (Q.773 §4.2.2.4).
pub fn reject(w: &mut Writer<'_>, invoke_id: Option<i8>, problem: (u8, u8)) {
    w.constructed(Tag::ctx_cons(4), |w| {
        match invoke_id {
            Some(id) => w.integer(Tag::INTEGER, id.into()),
            None => w.null(Tag::NULL),
        }
        w.integer(Tag::ctx(problem.0.into()), problem.1.into());
    });
}
