//! ITU TCAP messages (Q.773 §4): transaction portion, dialogue portion (Q.773 §4.2.3,
//! AARQ/AARE/ABRT of the dialogue-as-id module 0.0.17.773.1.1.1) and component portion.

use crate::ber::{self, BerError, BerErrorKind, Reader, Tag, Tlv, Writer};

/// Message type tags (Q.773 Table 8).
pub mod tags {
    use crate::ber::Tag;
    pub const UNIDIRECTIONAL: Tag = Tag::app(1, true);
    pub const BEGIN: Tag = Tag::app(2, true);
    pub const END: Tag = Tag::app(4, true);
    pub const CONTINUE: Tag = Tag::app(5, true);
    pub const ABORT: Tag = Tag::app(7, true);
    pub const OTID: Tag = Tag::app(8, false);
    pub const DTID: Tag = Tag::app(9, false);
    pub const P_ABORT_CAUSE: Tag = Tag::app(10, false);
    pub const DIALOGUE_PORTION: Tag = Tag::app(11, true);
    pub const COMPONENTS: Tag = Tag::app(12, true);
    pub const AARQ: Tag = Tag::app(0, true);
    pub const AARE: Tag = Tag::app(1, true);
    pub const ABRT: Tag = Tag::app(4, true);
}

/// Encoded value of the dialogue-as-id OID 0.0.17.773.1.1.1 (Q.773 §4.2.3).
pub const DIALOGUE_AS_ID: &[u8] = &[0x00, 0x11, 0x86, 0x05, 0x01, 0x01, 0x01];
/// Encoded value of the unidialogue-as-id OID 0.0.17.773.1.2.1.
pub const UNIDIALOGUE_AS_ID: &[u8] = &[0x00, 0x11, 0x86, 0x05, 0x01, 0x02, 0x01];

/// P-Abort causes (Q.773 §4.2.1.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum PAbortCause {
    UnrecognizedMessageType = 0,
    UnrecognizedTransactionId = 1,
    BadlyFormattedTransactionPortion = 2,
    IncorrectTransactionPortion = 3,
    ResourceLimitation = 4,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageType {
    Unidirectional,
    Begin,
    Continue,
    End,
    Abort,
}

impl MessageType {
    pub fn name(self) -> &'static str {
        match self {
            MessageType::Unidirectional => "Unidirectional",
            MessageType::Begin => "Begin",
            MessageType::Continue => "Continue",
            MessageType::End => "End",
            MessageType::Abort => "Abort",
        }
    }
    fn tag(self) -> Tag {
        match self {
            MessageType::Unidirectional => tags::UNIDIRECTIONAL,
            MessageType::Begin => tags::BEGIN,
            MessageType::Continue => tags::CONTINUE,
            MessageType::End => tags::END,
            MessageType::Abort => tags::ABORT,
        }
    }
}

/// A transaction id: 1 to 4 octets (Q.773 §4.2.1.2).
pub type Tid<'a> = &'a [u8];

/// A decoded dialogue PDU.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DialoguePdu<'a> {
    Aarq {
        /// Encoded application-context-name OID value.
        ac: &'a [u8],
        user_info: Option<&'a [u8]>,
    },
    Aare {
        ac: &'a [u8],
        /// 0 accepted, 1 reject-permanent.
        result: u8,
        /// (1 = service-user, 2 = service-provider, diagnostic value).
        diagnostic: (u8, u8),
    },
    Abrt {
        /// 0 dialogue-service-user, 1 dialogue-service-provider.
        source: u8,
    },
    /// Unidirectional dialogue (AUDT).
    Audt { ac: &'a [u8] },
}

/// A decoded TCAP message, borrowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TcMessage<'a> {
    pub kind: MessageType,
    pub otid: Option<Tid<'a>>,
    pub dtid: Option<Tid<'a>>,
    pub dialogue: Option<DialoguePdu<'a>>,
    /// The component portion (its members are Invoke, ReturnResult, ...).
    pub components: Option<Tlv<'a>>,
    pub p_abort: Option<u8>,
    /// Contents of the dialogue PDU's `protocol-version [0] BIT STRING`, when present
    /// (AARQ/AARE/AUDT; absent means version1: Q.773 tolerates its omission).
    pub protocol_version: Option<&'a [u8]>,
    /// Contents of the dialogue PDU's `user-information [30]` (the EXTERNALs), as received.
    pub user_info: Option<&'a [u8]>,
}

/// Why a TCAP message was refused, with what Q.774 says to answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TcapError {
    #[error("unrecognized message type {0}")]
    UnrecognizedMessageType(Tag),
    #[error("badly formatted transaction portion: {0}")]
    BadlyFormatted(BerError),
    #[error("incorrect transaction portion: {0}")]
    IncorrectTransactionPortion(&'static str),
    #[error("bad dialogue portion: {0}")]
    Dialogue(BerError),
}

impl TcapError {
    /// The P-Abort cause to send back (Q.774 §3.2.1.2).
    pub fn p_abort_cause(&self) -> PAbortCause {
        match self {
            TcapError::UnrecognizedMessageType(_) => PAbortCause::UnrecognizedMessageType,
            TcapError::BadlyFormatted(_) | TcapError::Dialogue(_) => {
                PAbortCause::BadlyFormattedTransactionPortion
            }
            TcapError::IncorrectTransactionPortion(_) => PAbortCause::IncorrectTransactionPortion,
        }
    }
}

fn tid<'a>(t: Tlv<'a>) -> Result<Tid<'a>, TcapError> {
    if (1..=4).contains(&t.value.len()) {
        Ok(t.value)
    } else {
        Err(TcapError::IncorrectTransactionPortion(
            "transaction id of 1 to 4 octets",
        ))
    }
}

impl<'a> TcMessage<'a> {
    /// Whether the dialogue PDU's protocol version (if any) includes version1, the only one
    /// Q.773 defines (`BIT STRING { version1(0) }`: bit 0 is the top bit of the first octet
    /// after the unused-bits octet). An absent version is version1.
    pub fn version1(&self) -> bool {
        match self.protocol_version {
            None => true,
            Some([_unused, first, ..]) => first & 0x80 != 0,
            Some(_) => false,
        }
    }

    pub fn decode(buf: &'a [u8]) -> Result<TcMessage<'a>, TcapError> {
        let top = Tlv::parse_single(buf).map_err(TcapError::BadlyFormatted)?;
        let kind = match top.tag {
            t if t.is(tags::BEGIN) => MessageType::Begin,
            t if t.is(tags::CONTINUE) => MessageType::Continue,
            t if t.is(tags::END) => MessageType::End,
            t if t.is(tags::ABORT) => MessageType::Abort,
            t if t.is(tags::UNIDIRECTIONAL) => MessageType::Unidirectional,
            t => return Err(TcapError::UnrecognizedMessageType(t)),
        };
        let mut msg = TcMessage {
            kind,
            otid: None,
            dtid: None,
            dialogue: None,
            components: None,
            p_abort: None,
            protocol_version: None,
            user_info: None,
        };
        let mut r = top.children().map_err(TcapError::BadlyFormatted)?;
        while let Some(t) = r.next_tlv().map_err(TcapError::BadlyFormatted)? {
            match t.tag {
                x if x.is(tags::OTID) => msg.otid = Some(tid(t)?),
                x if x.is(tags::DTID) => msg.dtid = Some(tid(t)?),
                x if x.is(tags::DIALOGUE_PORTION) => {
                    let (pdu, version, user_info) =
                        decode_dialogue(t).map_err(TcapError::Dialogue)?;
                    msg.dialogue = Some(pdu);
                    msg.protocol_version = version;
                    msg.user_info = user_info;
                }
                x if x.is(tags::COMPONENTS) => msg.components = Some(t),
                x if x.is(tags::P_ABORT_CAUSE) => {
                    msg.p_abort =
                        Some(t.as_u32().map_err(TcapError::BadlyFormatted)?.min(255) as u8)
                }
                // Unknown members of the transaction portion are not allowed (Q.773 is not
                // extensible here).
                _ => {
                    return Err(TcapError::IncorrectTransactionPortion(
                        "unexpected element in transaction portion",
                    ))
                }
            }
        }
        let ok = match kind {
            MessageType::Begin => msg.otid.is_some() && msg.dtid.is_none(),
            MessageType::Continue => msg.otid.is_some() && msg.dtid.is_some(),
            MessageType::End | MessageType::Abort => msg.dtid.is_some() && msg.otid.is_none(),
            MessageType::Unidirectional => msg.otid.is_none() && msg.dtid.is_none(),
        };
        if !ok {
            return Err(TcapError::IncorrectTransactionPortion(
                "transaction ids do not match the message type",
            ));
        }
        Ok(msg)
    }

    /// The components, in order.
    pub fn components(&self) -> ComponentIter<'a> {
        ComponentIter {
            inner: self.component_pdus(),
        }
    }

    /// The components, in order, with every field kept.
    pub fn component_pdus(&self) -> ComponentPduIter<'a> {
        ComponentPduIter {
            r: self
                .components
                .and_then(|c| c.children().ok())
                .unwrap_or_else(|| Reader::new(&[])),
        }
    }

    /// Re-encode this message: canonical definite lengths, minimal INTEGERs; parameters and
    /// user information copied as received; undecodable components copied raw. A message
    /// that was canonical on input comes out byte-identical.
    pub fn encode(&self, out: &mut Vec<u8>) {
        let mut w = Writer::new(out);
        w.constructed(self.kind.tag(), |w| {
            if let Some(o) = self.otid {
                w.primitive(tags::OTID, o);
            }
            if let Some(d) = self.dtid {
                w.primitive(tags::DTID, d);
            }
            if let Some(c) = self.p_abort {
                w.integer(tags::P_ABORT_CAUSE, c.into());
            }
            if let Some(d) = &self.dialogue {
                encode_dialogue_pdu(w, d, self.protocol_version, self.user_info);
            }
            if let Some(c) = self.components {
                w.constructed(tags::COMPONENTS, |w| {
                    let mut r = c.children().unwrap_or_else(|_| Reader::new(&[]));
                    while let Ok(Some(t)) = r.next_tlv() {
                        match decode_component(t) {
                            Ok(pdu) => pdu.encode(w),
                            Err(_) => w.raw(t.raw),
                        }
                    }
                });
            }
        });
    }

    /// The application context of the dialogue portion, if any.
    pub fn application_context(&self) -> Option<&'a [u8]> {
        match self.dialogue? {
            DialoguePdu::Aarq { ac, .. }
            | DialoguePdu::Aare { ac, .. }
            | DialoguePdu::Audt { ac, .. } => Some(ac),
            DialoguePdu::Abrt { .. } => None,
        }
    }
}

type DialogueParts<'a> = (DialoguePdu<'a>, Option<&'a [u8]>, Option<&'a [u8]>);

fn decode_dialogue(portion: Tlv<'_>) -> Result<DialogueParts<'_>, BerError> {
    let ext = portion.children()?.expect(Tag::EXTERNAL, "EXTERNAL")?;
    let mut r = ext.children()?;
    let oid = r.expect(Tag::OID, "direct-reference")?;
    let uni = oid.value == UNIDIALOGUE_AS_ID;
    if oid.value != DIALOGUE_AS_ID && !uni {
        return Err(BerError::new(
            BerErrorKind::Invalid("dialogue abstract syntax"),
            oid.value_offset,
        ));
    }
    let single = r.expect(Tag::ctx_cons(0), "single-ASN1-type")?;
    let pdu = single.children()?.next_tlv()?.ok_or(BerError::new(
        BerErrorKind::Missing("dialogue PDU"),
        single.value_offset,
    ))?;
    let mut ac = None;
    let mut user_info = None;
    let mut result = None;
    let mut diagnostic = None;
    let mut source = None;
    let mut version = None;
    for m in pdu.children()? {
        let m = m?;
        match m.tag.number {
            _ if m.tag.class != ber::Class::Context => {}
            1 if pdu.tag.is(tags::AARQ) || pdu.tag.is(tags::AARE) || uni => {
                ac = Some(
                    m.children()?
                        .expect(Tag::OID, "application-context-name")?
                        .value,
                )
            }
            0 if pdu.tag.is(tags::ABRT) => source = Some(m.as_u32()? as u8),
            0 if !m.tag.constructed => version = Some(m.value),
            2 if pdu.tag.is(tags::AARE) => {
                result = Some(m.children()?.expect(Tag::INTEGER, "result")?.as_u32()? as u8)
            }
            3 if pdu.tag.is(tags::AARE) => {
                let choice = m.children()?.next_tlv()?.ok_or(BerError::new(
                    BerErrorKind::Missing("result-source-diagnostic"),
                    m.value_offset,
                ))?;
                let v = choice
                    .children()?
                    .expect(Tag::INTEGER, "diagnostic")?
                    .as_u32()?;
                diagnostic = Some((choice.tag.number as u8, v as u8));
            }
            30 => user_info = Some(m.value),
            _ => {}
        }
    }
    let missing = |what| BerError::new(BerErrorKind::Missing(what), pdu.value_offset);
    let pdu = match pdu.tag {
        t if uni && t.is(Tag::app(0, true)) => DialoguePdu::Audt {
            ac: ac.ok_or(missing("application-context-name"))?,
        },
        _ if uni => {
            return Err(BerError::new(
                BerErrorKind::Invalid("unidialogue PDU type"),
                pdu.offset,
            ))
        }
        t if t.is(tags::AARQ) => DialoguePdu::Aarq {
            ac: ac.ok_or(missing("application-context-name"))?,
            user_info,
        },
        t if t.is(tags::AARE) => DialoguePdu::Aare {
            ac: ac.ok_or(missing("application-context-name"))?,
            result: result.ok_or(missing("result"))?,
            diagnostic: diagnostic.ok_or(missing("result-source-diagnostic"))?,
        },
        t if t.is(tags::ABRT) => DialoguePdu::Abrt {
            source: source.ok_or(missing("abort-source"))?,
        },
        _ => {
            return Err(BerError::new(
                BerErrorKind::Invalid("dialogue PDU type"),
                pdu.offset,
            ))
        }
    };
    Ok((pdu, version, user_info))
}

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
    inner: ComponentPduIter<'a>,
}

impl<'a> Iterator for ComponentIter<'a> {
    type Item = Result<Component<'a>, ComponentFault>;
    fn next(&mut self) -> Option<Self::Item> {
        self.inner.next().map(|r| r.map(ComponentPdu::legacy))
    }
}

/// The components of a message as [`ComponentPdu`]s.
pub struct ComponentPduIter<'a> {
    r: Reader<'a>,
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

fn decode_component(t: Tlv<'_>) -> Result<ComponentPdu<'_>, ComponentFault> {
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

/// What a message we send carries in its dialogue portion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DialogueOut<'x> {
    Aarq {
        ac: &'x [u8],
    },
    /// AARE: `result` 0 accepted / 1 rejected; `diagnostic` as (1 user | 2 provider, value).
    Aare {
        ac: &'x [u8],
        result: u8,
        diagnostic: (u8, u8),
    },
    Abrt {
        source: u8,
    },
}

/// Encode a TCAP message; `components` writes the members of the component portion (nothing
/// is emitted for the portion if it writes nothing).
pub fn encode(
    out: &mut Vec<u8>,
    kind: MessageType,
    otid: Option<&[u8]>,
    dtid: Option<&[u8]>,
    dialogue: Option<DialogueOut<'_>>,
    components: impl FnOnce(&mut Writer<'_>),
) {
    let mut w = Writer::new(out);
    w.constructed(kind.tag(), |w| {
        if let Some(o) = otid {
            w.primitive(tags::OTID, o);
        }
        if let Some(d) = dtid {
            w.primitive(tags::DTID, d);
        }
        if let Some(d) = dialogue {
            encode_dialogue(w, d);
        }
        let before = w.len();
        w.constructed(tags::COMPONENTS, components);
        if w.len() == before + 2 {
            // Empty component portion: drop it (Q.773 makes it optional).
            w.truncate(before);
        }
    });
}

/// Encode a TC-ABORT with a P-Abort cause (Q.773 §4.2.1.3).
pub fn encode_p_abort(out: &mut Vec<u8>, dtid: &[u8], cause: PAbortCause) {
    let mut w = Writer::new(out);
    w.constructed(tags::ABORT, |w| {
        w.primitive(tags::DTID, dtid);
        w.integer(tags::P_ABORT_CAUSE, cause as i64);
    });
}

/// Re-encode a decoded dialogue PDU (the dialogue portion around it included).
fn encode_dialogue_pdu(
    w: &mut Writer<'_>,
    d: &DialoguePdu<'_>,
    v: Option<&[u8]>,
    user_info: Option<&[u8]>,
) {
    let version = |w: &mut Writer<'_>, v: Option<&[u8]>| {
        if let Some(v) = v {
            w.primitive(Tag::ctx(0), v)
        }
    };
    let ac = |w: &mut Writer<'_>, ac: &[u8]| {
        w.constructed(Tag::ctx_cons(1), |w| w.primitive(Tag::OID, ac))
    };
    let user = |w: &mut Writer<'_>, u: Option<&[u8]>| {
        if let Some(u) = u {
            w.constructed(Tag::ctx_cons(30), |w| w.raw(u))
        }
    };
    let syntax = match d {
        DialoguePdu::Audt { .. } => UNIDIALOGUE_AS_ID,
        _ => DIALOGUE_AS_ID,
    };
    w.constructed(tags::DIALOGUE_PORTION, |w| {
        w.constructed(Tag::EXTERNAL, |w| {
            w.primitive(Tag::OID, syntax);
            w.constructed(Tag::ctx_cons(0), |w| match *d {
                DialoguePdu::Aarq { ac: a, .. } => w.constructed(tags::AARQ, |w| {
                    version(w, v);
                    ac(w, a);
                    user(w, user_info);
                }),
                DialoguePdu::Audt { ac: a } => w.constructed(Tag::app(0, true), |w| {
                    version(w, v);
                    ac(w, a);
                    user(w, user_info);
                }),
                DialoguePdu::Aare {
                    ac: a,
                    result,
                    diagnostic,
                } => w.constructed(tags::AARE, |w| {
                    version(w, v);
                    ac(w, a);
                    w.constructed(Tag::ctx_cons(2), |w| w.integer(Tag::INTEGER, result.into()));
                    w.constructed(Tag::ctx_cons(3), |w| {
                        w.constructed(Tag::ctx_cons(diagnostic.0.into()), |w| {
                            w.integer(Tag::INTEGER, diagnostic.1.into())
                        })
                    });
                    user(w, user_info);
                }),
                DialoguePdu::Abrt { source } => w.constructed(tags::ABRT, |w| {
                    w.integer(Tag::ctx(0), source.into());
                    user(w, user_info);
                }),
            });
        });
    });
}

/// AARQ/AARE carry protocol-version 1 (BIT STRING '1'B: 07 80, Q.773 §4.2.3).
const PROTOCOL_VERSION: &[u8] = &[0x07, 0x80];

fn encode_dialogue(w: &mut Writer<'_>, d: DialogueOut<'_>) {
    w.constructed(tags::DIALOGUE_PORTION, |w| {
        w.constructed(Tag::EXTERNAL, |w| {
            w.primitive(Tag::OID, DIALOGUE_AS_ID);
            w.constructed(Tag::ctx_cons(0), |w| match d {
                DialogueOut::Aarq { ac } => w.constructed(tags::AARQ, |w| {
                    w.primitive(Tag::ctx(0), PROTOCOL_VERSION);
                    w.constructed(Tag::ctx_cons(1), |w| w.primitive(Tag::OID, ac));
                }),
                DialogueOut::Aare {
                    ac,
                    result,
                    diagnostic,
                } => w.constructed(tags::AARE, |w| {
                    w.primitive(Tag::ctx(0), PROTOCOL_VERSION);
                    w.constructed(Tag::ctx_cons(1), |w| w.primitive(Tag::OID, ac));
                    w.constructed(Tag::ctx_cons(2), |w| w.integer(Tag::INTEGER, result.into()));
                    w.constructed(Tag::ctx_cons(3), |w| {
                        w.constructed(Tag::ctx_cons(diagnostic.0.into()), |w| {
                            w.integer(Tag::INTEGER, diagnostic.1.into())
                        })
                    });
                }),
                DialogueOut::Abrt { source } => w.constructed(tags::ABRT, |w| {
                    w.integer(Tag::ctx(0), source.into());
                }),
            });
        });
    });
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ber::from_hex;

    // camel.pcap frame 1 (shared/traces/wireshark-wiki/itu_tcap_from_captures.hex).
    const CAMEL_BEGIN: &str = "628187480206f76b1e281c060700118605010101a011600f80020780a1090607040000010032016c61a15f020101020100305780012a830884111487095040f79c01029f32061487572586f9bf34148107913366020000f0a3098007313233343536379f3605a12345678f9f3707913366020000f09f3807111487085040f79f39080230900211223370";

    #[test]
    fn decodes_real_begin() {
        let buf = from_hex(CAMEL_BEGIN).unwrap();
        let m = TcMessage::decode(&buf).unwrap();
        assert_eq!(m.kind, MessageType::Begin);
        assert_eq!(m.otid, Some(&[0x06, 0xf7][..]));
        assert_eq!(
            m.dialogue,
            Some(DialoguePdu::Aarq {
                ac: &[0x04, 0x00, 0x00, 0x01, 0x00, 0x32, 0x01],
                user_info: None,
            })
        );
        let comps: Vec<_> = m.components().collect();
        assert_eq!(comps.len(), 1);
        match comps[0].clone().unwrap() {
            Component::Invoke {
                invoke_id,
                opcode,
                parameter,
                ..
            } => {
                assert_eq!((invoke_id, opcode), (1, 0));
                assert_eq!(parameter.unwrap().value.len(), 0x57);
            }
            c => panic!("{c:?}"),
        }
    }

    #[test]
    fn decodes_real_continue_and_end() {
        // camel.pcap frame 2 (TC-CONTINUE with AARE and 3 invokes) and frame 5 (TC-END).
        let c = from_hex("6581be480213b8490206f76b2a2828060700118605010101a01d611b80020780a109060704000001003201a203020100a305a1030201006c8187a165020101020117305da05b300b800104810100a203800102300b800105810100a203800102300b800106810100a203800102300b800107810101a203800102300b800109810100a203800101300b800109810100a203800102300b80010a810101a203800101a116020102020123300e8007a0058003008ca0a203800101a10602010302011f").unwrap();
        let m = TcMessage::decode(&c).unwrap();
        assert_eq!(m.kind, MessageType::Continue);
        assert_eq!(m.dtid, Some(&[0x06, 0xf7][..]));
        assert!(matches!(
            m.dialogue,
            Some(DialoguePdu::Aare {
                result: 0,
                diagnostic: (1, 0),
                ..
            })
        ));
        let ops: Vec<u32> = m
            .components()
            .map(|c| match c.unwrap() {
                Component::Invoke { opcode, .. } => opcode,
                _ => 999,
            })
            .collect();
        assert_eq!(ops, [23, 35, 31]);
        let e = from_hex("64124902ec0f6c0ca10a02010402011604028490").unwrap();
        let m = TcMessage::decode(&e).unwrap();
        assert_eq!(m.kind, MessageType::End);
        assert_eq!(m.dtid, Some(&[0xec, 0x0f][..]));
    }

    #[test]
    fn encodes_what_it_decodes() {
        let ac = [0x04, 0x00, 0x00, 0x01, 0x00, 0x32, 0x01];
        let mut out = Vec::new();
        encode(
            &mut out,
            MessageType::Continue,
            Some(&[1, 2, 3, 4]),
            Some(&[0x06, 0xf7]),
            Some(DialogueOut::Aare {
                ac: &ac,
                result: 0,
                diagnostic: (1, 0),
            }),
            |w| {
                invoke(w, 1, 31, |_| {});
                reject(
                    w,
                    Some(5),
                    (problem::INVOKE, problem::UNRECOGNIZED_OPERATION),
                );
            },
        );
        let m = TcMessage::decode(&out).unwrap();
        assert_eq!(m.otid, Some(&[1, 2, 3, 4][..]));
        assert_eq!(m.application_context(), Some(&ac[..]));
        let comps: Vec<_> = m.components().map(Result::unwrap).collect();
        assert_eq!(
            comps,
            [
                Component::Invoke {
                    invoke_id: 1,
                    linked_id: None,
                    opcode: 31,
                    parameter: None
                },
                Component::Reject {
                    invoke_id: Some(5),
                    problem: (1, 1)
                }
            ]
        );
        // No components: the portion is omitted.
        out.clear();
        encode(&mut out, MessageType::End, None, Some(&[9]), None, |_| {});
        assert_eq!(out, [0x64, 0x03, 0x49, 0x01, 0x09]);
    }

    #[test]
    fn faults_map_to_q774_causes() {
        let cases: &[(&str, PAbortCause)] = &[
            ("6a0449020001", PAbortCause::UnrecognizedMessageType),
            (
                "62054803000102ff",
                PAbortCause::BadlyFormattedTransactionPortion,
            ),
            ("6203490101", PAbortCause::IncorrectTransactionPortion),
            (
                "6207480501020304 05",
                PAbortCause::IncorrectTransactionPortion,
            ),
            ("650348010a", PAbortCause::IncorrectTransactionPortion),
        ];
        for (hex, cause) in cases {
            let buf = from_hex(hex).unwrap();
            let e = TcMessage::decode(&buf).unwrap_err();
            assert_eq!(e.p_abort_cause(), *cause, "{hex}: {e}");
        }
        let mut out = Vec::new();
        encode_p_abort(&mut out, &[1, 2], PAbortCause::UnrecognizedTransactionId);
        assert_eq!(out, [0x67, 0x07, 0x49, 0x02, 1, 2, 0x4a, 0x01, 0x01]);
    }

    #[test]
    fn bad_components_become_rejects() {
        // Invoke with invokeID but no opcode; then an unknown component tag [9].
        let msg = from_hex("640d4901016c08a103020101a90100").unwrap();
        let m = TcMessage::decode(&msg).unwrap();
        let faults: Vec<_> = m.components().map(|c| c.unwrap_err().problem).collect();
        assert_eq!(
            faults,
            [
                (problem::GENERAL, problem::MISTYPED_COMPONENT),
                (problem::GENERAL, problem::UNRECOGNIZED_COMPONENT)
            ]
        );
    }
}

#[cfg(test)]
mod fuzz {
    use super::*;
    use proptest::prelude::*;

    // camel.pcap frames 1, 2 and 5 (shared/traces/wireshark-wiki/itu_tcap_from_captures.hex).
    const REAL: &[&str] = &[
        "628187480206f76b1e281c060700118605010101a011600f80020780a1090607040000010032016c61a15f020101020100305780012a830884111487095040f79c01029f32061487572586f9bf34148107913366020000f0a3098007313233343536379f3605a12345678f9f3707913366020000f09f3807111487085040f79f39080230900211223370",
        "6581be480213b8490206f76b2a2828060700118605010101a01d611b80020780a109060704000001003201a203020100a305a1030201006c8187a165020101020117305da05b300b800104810100a203800102300b800105810100a203800102300b800106810100a203800102300b800107810101a203800102300b800109810100a203800101300b800109810100a203800102300b80010a810101a203800101a116020102020123300e8007a0058003008ca0a203800101a10602010302011f",
        "64124902ec0f6c0ca10a02010402011604028490",
    ];

    fn exercise(m: &[u8]) {
        if let Ok(msg) = TcMessage::decode(m) {
            let _ = msg.application_context();
            for c in msg.components() {
                let _ = c;
            }
        }
    }

    proptest! {
        #[test]
        fn random_bytes_never_panic(data in proptest::collection::vec(any::<u8>(), 0..128)) {
            exercise(&data);
        }

        #[test]
        fn mutated_real_messages_never_panic(which in 0..REAL.len(), edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..4), cut in any::<usize>()) {
            let mut m = crate::ber::from_hex(REAL[which]).unwrap();
            for (at, b) in edits {
                let i = at % m.len();
                m[i] = b;
            }
            m.truncate(1 + cut % m.len());
            exercise(&m);
        }
    }
}
