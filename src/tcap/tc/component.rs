//! Components, variant-neutral and owned, with their conversions from and to the ITU
//! (Q.773 §4.2.2) and ANSI (T1.114.3) component PDUs.

use super::{ErrorCode, Operation, Problem, Variant};
use crate::ber::Writer;
use crate::tcap::ansi::{self, AnsiComponent};
use crate::tcap::itu::{self, Code, ComponentPdu};

/// A component, variant-neutral. Invoke ids are ITU `InvokeIdType` (−128..127); ANSI
/// component ids (one octet) map bit for bit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Component {
    Invoke {
        /// ANSI allows an Invoke without id (no reply wanted); ITU always has one.
        invoke_id: Option<i8>,
        linked_id: Option<i8>,
        op: Operation,
        /// The encoded parameter element.
        parameter: Option<Vec<u8>>,
        /// ANSI InvokeLast (true) / InvokeNotLast; always true for ITU.
        last: bool,
    },
    ReturnResult {
        invoke_id: i8,
        last: bool,
        /// ITU carries the operation with a result; ANSI never does.
        op: Option<Operation>,
        parameter: Option<Vec<u8>>,
    },
    ReturnError {
        invoke_id: i8,
        error: ErrorCode,
        parameter: Option<Vec<u8>>,
    },
    Reject {
        invoke_id: Option<i8>,
        problem: Problem,
    },
}

fn owned(p: Option<crate::ber::Tlv<'_>>) -> Option<Vec<u8>> {
    p.map(|t| t.raw.to_vec())
}

impl Component {
    pub fn invoke_id(&self) -> Option<i8> {
        match *self {
            Component::Invoke { invoke_id, .. } | Component::Reject { invoke_id, .. } => invoke_id,
            Component::ReturnResult { invoke_id, .. }
            | Component::ReturnError { invoke_id, .. } => Some(invoke_id),
        }
    }

    pub fn from_itu(c: ComponentPdu<'_>) -> Component {
        let op = |c: Code<'_>| match c {
            Code::Local(v) => Operation::Local(v),
            Code::Global(o) => Operation::Global(o.to_vec()),
        };
        match c {
            ComponentPdu::Invoke {
                invoke_id,
                linked_id,
                opcode,
                parameter,
            } => Component::Invoke {
                invoke_id: Some(invoke_id),
                linked_id,
                op: op(opcode),
                parameter: owned(parameter),
                last: true,
            },
            ComponentPdu::ReturnResult {
                invoke_id,
                last,
                result,
            } => Component::ReturnResult {
                invoke_id,
                last,
                op: result.map(|r| op(r.0)),
                parameter: result.and_then(|r| owned(r.1)),
            },
            ComponentPdu::ReturnError {
                invoke_id,
                error_code,
                parameter,
            } => Component::ReturnError {
                invoke_id,
                error: match error_code {
                    Code::Local(v) => ErrorCode::Local(v),
                    Code::Global(o) => ErrorCode::Global(o.to_vec()),
                },
                parameter: owned(parameter),
            },
            ComponentPdu::Reject { invoke_id, problem } => Component::Reject {
                invoke_id,
                problem: Problem::from_itu(problem),
            },
        }
    }

    pub fn from_ansi(c: AnsiComponent<'_>) -> Component {
        let id = |v: u8| v as i8;
        match c {
            AnsiComponent::Invoke {
                last,
                invoke_id,
                correlation_id,
                opcode,
                parameter,
            } => Component::Invoke {
                invoke_id: invoke_id.map(id),
                linked_id: correlation_id.map(id),
                op: match opcode {
                    ansi::OpCode::National(v) => Operation::National(v),
                    ansi::OpCode::Private(v) => Operation::Private(v),
                },
                parameter: owned(parameter),
                last,
            },
            AnsiComponent::ReturnResult {
                last,
                correlation_id,
                parameter,
            } => Component::ReturnResult {
                invoke_id: id(correlation_id),
                last,
                op: None,
                parameter: owned(parameter),
            },
            AnsiComponent::ReturnError {
                correlation_id,
                error,
                parameter,
            } => Component::ReturnError {
                invoke_id: id(correlation_id),
                error: match error {
                    ansi::ErrorCode::National(v) => ErrorCode::National(v),
                    ansi::ErrorCode::Private(v) => ErrorCode::Private(v),
                },
                parameter: owned(parameter),
            },
            AnsiComponent::Reject {
                correlation_id,
                problem,
                ..
            } => Component::Reject {
                invoke_id: correlation_id.map(id),
                problem: Problem::from_ansi(problem),
            },
        }
    }

    /// Write as an ITU component. ANSI operation/error codes go out as local values; an
    /// Invoke without id as id 0 (ITU has no such Invoke).
    pub fn encode_itu(&self, w: &mut Writer<'_>) {
        fn code(o: &Operation) -> Code<'_> {
            match o {
                Operation::Local(v) => Code::Local(*v),
                Operation::Global(g) => Code::Global(g),
                Operation::National(v) | Operation::Private(v) => Code::Local(i64::from(*v)),
            }
        }
        // Parameters are kept encoded; parse them back into a Tlv to write them raw.
        match self {
            Component::Invoke {
                invoke_id,
                linked_id,
                op,
                parameter,
                ..
            } => {
                let p = parameter.as_deref().and_then(tlv);
                ComponentPdu::Invoke {
                    invoke_id: invoke_id.unwrap_or(0),
                    linked_id: *linked_id,
                    opcode: code(op),
                    parameter: p,
                }
                .encode(w)
            }
            Component::ReturnResult {
                invoke_id,
                last,
                op,
                parameter,
            } => {
                let p = parameter.as_deref().and_then(tlv);
                ComponentPdu::ReturnResult {
                    invoke_id: *invoke_id,
                    last: *last,
                    result: op.as_ref().map(|o| (code(o), p)),
                }
                .encode(w)
            }
            Component::ReturnError {
                invoke_id,
                error,
                parameter,
            } => {
                let p = parameter.as_deref().and_then(tlv);
                let error_code = match error {
                    ErrorCode::Local(v) => Code::Local(*v),
                    ErrorCode::Global(g) => Code::Global(g),
                    ErrorCode::National(v) => Code::Local(i64::from(*v)),
                    ErrorCode::Private(v) => Code::Local(i64::from(*v)),
                };
                ComponentPdu::ReturnError {
                    invoke_id: *invoke_id,
                    error_code,
                    parameter: p,
                }
                .encode(w)
            }
            Component::Reject { invoke_id, problem } => {
                itu::reject(w, *invoke_id, problem.to_itu())
            }
        }
    }

    /// Write as an ANSI component. ITU local codes go out as national codes (low 16 bits);
    /// a global OID code has no ANSI form and goes out as national 0.
    pub fn encode_ansi(&self, w: &mut Writer<'_>) {
        let raw = |p: &Option<Vec<u8>>| {
            let p = p.clone();
            move |w: &mut Writer<'_>| {
                if let Some(p) = p {
                    w.raw(&p)
                }
            }
        };
        match self {
            Component::Invoke {
                invoke_id,
                linked_id,
                op,
                parameter,
                last,
            } => {
                let opcode = match op {
                    Operation::National(v) => ansi::OpCode::National(*v),
                    Operation::Private(v) => ansi::OpCode::Private(*v),
                    Operation::Local(v) => ansi::OpCode::National(*v as u16),
                    Operation::Global(_) => ansi::OpCode::National(0),
                };
                let id = invoke_id.or(linked_id.map(|_| 0)).map(|v| v as u8);
                ansi::invoke(
                    w,
                    *last,
                    id,
                    linked_id.map(|v| v as u8),
                    opcode,
                    raw(parameter),
                )
            }
            Component::ReturnResult {
                invoke_id,
                last,
                parameter,
                ..
            } => ansi::return_result(w, *last, *invoke_id as u8, raw(parameter)),
            Component::ReturnError {
                invoke_id,
                error,
                parameter,
            } => {
                let e = match error {
                    ErrorCode::National(v) => ansi::ErrorCode::National(*v),
                    ErrorCode::Private(v) => ansi::ErrorCode::Private(*v),
                    ErrorCode::Local(v) => ansi::ErrorCode::Private(*v as i32),
                    ErrorCode::Global(_) => ansi::ErrorCode::Private(0),
                };
                ansi::return_error(w, *invoke_id as u8, e, raw(parameter))
            }
            Component::Reject { invoke_id, problem } => {
                ansi::reject(w, invoke_id.map(|v| v as u8), problem.to_ansi())
            }
        }
    }

    pub fn encode(&self, variant: Variant, w: &mut Writer<'_>) {
        match variant {
            Variant::Itu => self.encode_itu(w),
            Variant::Ansi => self.encode_ansi(w),
        }
    }
}

fn tlv(b: &[u8]) -> Option<crate::ber::Tlv<'_>> {
    crate::ber::Tlv::parse_single(b).ok()
}
