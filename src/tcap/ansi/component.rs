//! The ANSI TCAP component portion (T1.114.3 `ComponentPDU`, T1.114.4 §4): Invoke,
//! ReturnResult, ReturnError and Reject, decoded (a fault becomes the Reject to send, see the
//! fault tables in [`super`]) and written.

use super::{tags, ErrorCode, OpCode, Problem};
use crate::ber::{BerError, BerErrorKind, Class, Reader, Tag, Tlv, Writer};

/// A component (T1.114.3 `ComponentPDU`), borrowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnsiComponent<'a> {
    /// InvokeLast (E9) / InvokeNotLast (ED).
    Invoke {
        last: bool,
        /// Component IDs octet 1 (absent when the Invoke asks for no reply).
        invoke_id: Option<u8>,
        /// Component IDs octet 2: the Invoke this one is linked to.
        correlation_id: Option<u8>,
        opcode: OpCode,
        /// Parameter set F2, sequence F0 or SEQUENCE 30: the whole element.
        parameter: Option<Tlv<'a>>,
    },
    /// ReturnResultLast (EA) / ReturnResultNotLast (EE).
    ReturnResult {
        last: bool,
        correlation_id: u8,
        parameter: Option<Tlv<'a>>,
    },
    /// ReturnError (EB).
    ReturnError {
        correlation_id: u8,
        error: ErrorCode,
        parameter: Option<Tlv<'a>>,
    },
    /// Reject (EC).
    Reject {
        correlation_id: Option<u8>,
        problem: Problem,
        parameter: Option<Tlv<'a>>,
    },
}

/// A component that could not be decoded: the Reject to send (module table).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComponentFault {
    /// The component ID to put in the Reject, when it could be derived.
    pub correlation_id: Option<u8>,
    pub problem: Problem,
    pub error: BerError,
}

pub struct ComponentIter<'a> {
    pub(super) r: Reader<'a>,
}

impl<'a> Iterator for ComponentIter<'a> {
    type Item = Result<AnsiComponent<'a>, ComponentFault>;
    fn next(&mut self) -> Option<Self::Item> {
        match self.r.next_tlv() {
            Ok(None) => None,
            Ok(Some(t)) => Some(decode_component(t)),
            Err(error) => {
                self.r = Reader::new(&[]);
                Some(Err(ComponentFault {
                    correlation_id: None,
                    problem: Problem::GENERAL_BADLY_STRUCTURED_COMPONENT_PORTION,
                    error,
                }))
            }
        }
    }
}

fn is_parameter(t: &Tlv<'_>) -> bool {
    t.tag.constructed
        && (t.tag.is(tags::PARAMETER_SET)
            || t.tag.is(tags::PARAMETER_SEQUENCE)
            || t.tag.is(Tag::SEQUENCE))
}

/// The optional parameter that ends a component: a parameter set/sequence, then nothing.
fn parameter<'a>(
    next: Option<Tlv<'a>>,
    r: &mut Reader<'a>,
    id: Option<u8>,
    problem: Problem,
) -> Result<Option<Tlv<'a>>, ComponentFault> {
    let fault = |problem, error| ComponentFault {
        correlation_id: id,
        problem,
        error,
    };
    let p = match next {
        None => return Ok(None),
        Some(p) if is_parameter(&p) => p,
        Some(p) => {
            return Err(fault(
                problem,
                BerError::new(BerErrorKind::Invalid("parameter set or sequence"), p.offset),
            ))
        }
    };
    match r.next_tlv() {
        Ok(None) => Ok(Some(p)),
        Ok(Some(x)) => Err(fault(
            Problem::GENERAL_INCORRECT_COMPONENT_PORTION,
            BerError::new(
                BerErrorKind::Invalid("member after the parameter"),
                x.offset,
            ),
        )),
        Err(e) => Err(fault(
            Problem::GENERAL_BADLY_STRUCTURED_COMPONENT_PORTION,
            e,
        )),
    }
}

fn raw_parameter<'p>(p: Option<Tlv<'p>>) -> impl FnOnce(&mut Writer<'_>) + 'p {
    move |w: &mut Writer<'_>| {
        if let Some(p) = p {
            w.raw(p.raw)
        }
    }
}

fn decode_component(t: Tlv<'_>) -> Result<AnsiComponent<'_>, ComponentFault> {
    let fault = |correlation_id, problem, error| ComponentFault {
        correlation_id,
        problem,
        error,
    };
    let err = |kind, offset| BerError::new(kind, offset);
    if t.tag.class != Class::Private || !matches!(t.tag.number, 9..=14) {
        return Err(fault(
            None,
            Problem::GENERAL_UNRECOGNIZED_COMPONENT_TYPE,
            err(BerErrorKind::Invalid("component type"), t.offset),
        ));
    }
    let mut r = t
        .children()
        .map_err(|e| fault(None, Problem::GENERAL_BADLY_STRUCTURED_COMPONENT_PORTION, e))?;
    let badly = |id, e| fault(id, Problem::GENERAL_BADLY_STRUCTURED_COMPONENT_PORTION, e);
    let incorrect = |id, what, offset| {
        fault(
            id,
            Problem::GENERAL_INCORRECT_COMPONENT_PORTION,
            err(BerErrorKind::Invalid(what), offset),
        )
    };
    let coding = |id, what, offset| {
        fault(
            id,
            Problem::GENERAL_INCORRECT_COMPONENT_CODING,
            err(BerErrorKind::Invalid(what), offset),
        )
    };
    let mut next = r.next_tlv().map_err(|e| badly(None, e))?;
    // Component IDs: Invoke 0..2 octets and optional, ReturnResult/ReturnError exactly 1,
    // Reject 0..1.
    let (min, max) = match t.tag.number {
        9 | 13 => (0, 2),
        10 | 11 | 14 => (1, 1),
        _ => (0, 1),
    };
    let ids = match next {
        Some(c) if c.tag == tags::COMPONENT_ID => {
            if !(min..=max).contains(&c.value.len()) {
                return Err(badly(
                    None,
                    err(BerErrorKind::Invalid("component ID size"), c.value_offset),
                ));
            }
            next = r.next_tlv().map_err(|e| badly(None, e))?;
            c.value
        }
        _ if matches!(t.tag.number, 9 | 13) => &[],
        _ => {
            let at = next.map_or(t.value_offset + t.value.len(), |n| n.offset);
            return Err(incorrect(None, "component ID expected", at));
        }
    };
    let first = ids.first().copied();
    let end = t.value_offset + t.value.len();
    match t.tag.number {
        9 | 13 => {
            let op = match next {
                Some(op) if op.tag == tags::NATIONAL_OPCODE || op.tag == tags::PRIVATE_OPCODE => op,
                Some(x) => return Err(incorrect(first, "operation code expected", x.offset)),
                None => return Err(incorrect(first, "operation code missing", end)),
            };
            let v = match op.value {
                [a, b] => u16::from_be_bytes([*a, *b]),
                // One octet: the INTEGER value, sign-extended (`INTEGER (-32768..32767)`).
                [a] => *a as i8 as i16 as u16,
                _ => return Err(coding(first, "operation code size", op.value_offset)),
            };
            let opcode = if op.tag == tags::PRIVATE_OPCODE {
                OpCode::Private(v)
            } else {
                OpCode::National(v)
            };
            let next = r.next_tlv().map_err(|e| badly(first, e))?;
            Ok(AnsiComponent::Invoke {
                last: t.tag.number == 9,
                invoke_id: first,
                correlation_id: ids.get(1).copied(),
                opcode,
                parameter: parameter(next, &mut r, first, Problem::INVOKE_INCORRECT_PARAMETER)?,
            })
        }
        10 | 14 => Ok(AnsiComponent::ReturnResult {
            last: t.tag.number == 10,
            correlation_id: ids[0],
            parameter: parameter(
                next,
                &mut r,
                first,
                Problem::RETURN_RESULT_INCORRECT_PARAMETER,
            )?,
        }),
        11 => {
            let code = match next {
                Some(c) if c.tag.is(tags::NATIONAL_ERROR) || c.tag.is(tags::PRIVATE_ERROR) => c,
                Some(x) => return Err(incorrect(first, "error code expected", x.offset)),
                None => return Err(incorrect(first, "error code missing", end)),
            };
            // Primitive as T1.114.3 codes it; the explicit form `F3/F4 { 02 .. }` that the
            // ASN.1's default tagging implies is accepted too.
            let int = if code.tag.constructed {
                let mut cr = code.children().map_err(|e| badly(first, e))?;
                let i = cr
                    .expect(Tag::INTEGER, "error code INTEGER")
                    .map_err(|e| badly(first, e))?;
                cr.finish().map_err(|e| badly(first, e))?;
                i
            } else {
                code
            };
            let v = int
                .as_i64()
                .map_err(|_| coding(first, "error code size", int.value_offset))?;
            let error = if code.tag.is(tags::NATIONAL_ERROR) {
                ErrorCode::National(
                    i8::try_from(v).map_err(|_| {
                        coding(first, "national error code range", int.value_offset)
                    })?,
                )
            } else {
                ErrorCode::Private(
                    i32::try_from(v)
                        .map_err(|_| coding(first, "private error code range", int.value_offset))?,
                )
            };
            let next = r.next_tlv().map_err(|e| badly(first, e))?;
            Ok(AnsiComponent::ReturnError {
                correlation_id: ids[0],
                error,
                parameter: parameter(
                    next,
                    &mut r,
                    first,
                    Problem::RETURN_ERROR_INCORRECT_PARAMETER,
                )?,
            })
        }
        _ => {
            let p = match next {
                Some(p) if p.tag == tags::PROBLEM => p,
                Some(x) => return Err(incorrect(first, "problem code expected", x.offset)),
                None => return Err(incorrect(first, "problem code missing", end)),
            };
            let problem = match p.value {
                [k, c] => Problem::new(*k, *c),
                _ => return Err(coding(first, "problem code size", p.value_offset)),
            };
            let next = r.next_tlv().map_err(|e| badly(first, e))?;
            Ok(AnsiComponent::Reject {
                correlation_id: first,
                problem,
                parameter: parameter(
                    next,
                    &mut r,
                    first,
                    Problem::GENERAL_INCORRECT_COMPONENT_PORTION,
                )?,
            })
        }
    }
}

impl AnsiComponent<'_> {
    /// Write this component (parameters copied as received).
    pub fn encode(&self, w: &mut Writer<'_>) {
        let raw = raw_parameter;
        match *self {
            AnsiComponent::Invoke {
                last,
                invoke_id,
                correlation_id,
                opcode,
                parameter,
            } => invoke(w, last, invoke_id, correlation_id, opcode, raw(parameter)),
            AnsiComponent::ReturnResult {
                last,
                correlation_id,
                parameter,
            } => return_result(w, last, correlation_id, raw(parameter)),
            AnsiComponent::ReturnError {
                correlation_id,
                error,
                parameter,
            } => return_error(w, correlation_id, error, raw(parameter)),
            AnsiComponent::Reject {
                correlation_id,
                problem,
                parameter,
            } => w.constructed(tags::REJECT, |w| {
                reject_head(w, correlation_id, problem);
                raw_parameter(parameter)(w);
            }),
        }
    }
}

/// Write an InvokeLast/InvokeNotLast. The Component IDs are always written (`CF 00` when
/// there is no invoke ID); a correlation ID needs an invoke ID before it.
pub fn invoke(
    w: &mut Writer<'_>,
    last: bool,
    invoke_id: Option<u8>,
    correlation_id: Option<u8>,
    opcode: OpCode,
    parameter: impl FnOnce(&mut Writer<'_>),
) {
    debug_assert!(invoke_id.is_some() || correlation_id.is_none());
    let tag = if last {
        tags::INVOKE_LAST
    } else {
        tags::INVOKE_NOT_LAST
    };
    w.constructed(tag, |w| {
        match (invoke_id, correlation_id) {
            (Some(i), Some(c)) => w.primitive(tags::COMPONENT_ID, &[i, c]),
            (Some(i), None) => w.primitive(tags::COMPONENT_ID, &[i]),
            _ => w.primitive(tags::COMPONENT_ID, &[]),
        }
        // Always the two octets family + specifier (T1.114.3 operation code format).
        w.primitive(opcode.tag(), &opcode.value().to_be_bytes());
        parameter(w);
    });
}

/// Write a ReturnResultLast/NotLast.
pub fn return_result(
    w: &mut Writer<'_>,
    last: bool,
    correlation_id: u8,
    parameter: impl FnOnce(&mut Writer<'_>),
) {
    let tag = if last {
        tags::RETURN_RESULT_LAST
    } else {
        tags::RETURN_RESULT_NOT_LAST
    };
    w.constructed(tag, |w| {
        w.primitive(tags::COMPONENT_ID, &[correlation_id]);
        parameter(w);
    });
}

/// Write a ReturnError (error codes as minimal INTEGERs: `D4 01 01`, `D4 02 00 C8`).
pub fn return_error(
    w: &mut Writer<'_>,
    correlation_id: u8,
    error: ErrorCode,
    parameter: impl FnOnce(&mut Writer<'_>),
) {
    w.constructed(tags::RETURN_ERROR, |w| {
        w.primitive(tags::COMPONENT_ID, &[correlation_id]);
        match error {
            ErrorCode::National(v) => w.integer(tags::NATIONAL_ERROR, v.into()),
            ErrorCode::Private(v) => w.integer(tags::PRIVATE_ERROR, v.into()),
        }
        parameter(w);
    });
}

fn reject_head(w: &mut Writer<'_>, correlation_id: Option<u8>, problem: Problem) {
    match correlation_id {
        Some(c) => w.primitive(tags::COMPONENT_ID, &[c]),
        None => w.primitive(tags::COMPONENT_ID, &[]),
    }
    w.primitive(tags::PROBLEM, &problem.value().to_be_bytes());
}

/// Write a Reject with the empty parameter sequence `F0 00` (T1.114.3 `Reject`: the
/// parameter is mandatory, paramSequence preferred).
pub fn reject(w: &mut Writer<'_>, correlation_id: Option<u8>, problem: Problem) {
    w.constructed(tags::REJECT, |w| {
        reject_head(w, correlation_id, problem);
        w.constructed(tags::PARAMETER_SEQUENCE, |_| {});
    });
}

/// Write a parameter set (F2) whose members `f` writes.
pub fn parameter_set(w: &mut Writer<'_>, f: impl FnOnce(&mut Writer<'_>)) {
    w.constructed(tags::PARAMETER_SET, f);
}

/// The component ID and problem to answer a component fault with, as a Reject.
pub fn reject_fault(w: &mut Writer<'_>, fault: &ComponentFault) {
    reject(w, fault.correlation_id, fault.problem);
}
