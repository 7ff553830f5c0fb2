//! The TC-user's view of TCAP, the same for ITU (Q.771–Q.775) and ANSI (T1.114): dialogues
//! and components, not wire formats. [`crate::tcap::sm::Tcap`] takes requests in these
//! terms and gives indications in them; `tcap::itu` and `tcap::ansi` encode underneath.
//!
//! Components here are owned (parameters are the encoded parameter element, copied once out
//! of the received buffer) so that they can outlive the message and wait in a dialogue's
//! queue for the next message.

use crate::ber::Writer;
use crate::tcap::ansi::{self, AnsiComponent};
use crate::tcap::itu::{self, Code, ComponentPdu};

/// Which TCAP a [`crate::tcap::sm::Tcap`] speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Variant {
    Itu,
    Ansi,
}

/// Our dialogue id: the local transaction id (instance prefix in the top octet).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DialogueId(pub u32);

/// Application context: an OID (ITU, ANSI `DC`) or an integer (ANSI `DB`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AppContext {
    /// Encoded OID contents.
    Oid(Vec<u8>),
    Integer(i64),
}

impl AppContext {
    pub fn oid(contents: &[u8]) -> AppContext {
        AppContext::Oid(contents.to_vec())
    }
}

/// An operation code. ITU: local INTEGER (may be negative) or global OID; ANSI: national or
/// private (family << 8 | specifier).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Operation {
    Local(i64),
    Global(Vec<u8>),
    National(u16),
    Private(u16),
}

/// An error code, likewise.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    Local(i64),
    Global(Vec<u8>),
    National(i8),
    Private(i32),
}

/// Operation classes (Q.771 §2.3.1.2; X.880): what the invoker expects back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OpClass {
    /// Result or error.
    Class1,
    /// Error only (success is silent).
    Class2,
    /// Result only (failure is silent).
    Class3,
    /// Neither.
    Class4,
}

impl OpClass {
    pub fn result_expected(self) -> bool {
        matches!(self, OpClass::Class1 | OpClass::Class3)
    }
    pub fn error_expected(self) -> bool {
        matches!(self, OpClass::Class1 | OpClass::Class2)
    }
}

/// Reject problems, named once for both variants (Q.773 §4.2.2.4 `Problem`; T1.114.3
/// `Problem`). `Itu`/`Ansi` carry codes the other variant has no name for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Problem {
    UnrecognizedComponent,
    MistypedComponent,
    BadlyStructuredComponent,
    /// ANSI general 4 incorrectComponentCoding.
    IncorrectComponentCoding,
    DuplicateInvokeId,
    UnrecognizedOperation,
    InvokeMistypedParameter,
    ResourceLimitation,
    InitiatingRelease,
    UnrecognizedLinkedId,
    LinkedResponseUnexpected,
    UnexpectedLinkedOperation,
    ResultUnrecognizedInvokeId,
    ReturnResultUnexpected,
    ResultMistypedParameter,
    ErrorUnrecognizedInvokeId,
    ReturnErrorUnexpected,
    UnrecognizedError,
    UnexpectedError,
    ErrorMistypedParameter,
    /// An ITU (type, code) with no name above.
    Itu(u8, u8),
    /// An ANSI (type, code) with no name above.
    Ansi(u8, u8),
}

impl Problem {
    /// ITU (problem type, code).
    pub fn to_itu(self) -> (u8, u8) {
        use Problem::*;
        match self {
            UnrecognizedComponent => (0, 0),
            MistypedComponent | IncorrectComponentCoding => (0, 1),
            BadlyStructuredComponent => (0, 2),
            DuplicateInvokeId => (1, 0),
            UnrecognizedOperation => (1, 1),
            InvokeMistypedParameter => (1, 2),
            ResourceLimitation => (1, 3),
            InitiatingRelease => (1, 4),
            UnrecognizedLinkedId => (1, 5),
            LinkedResponseUnexpected => (1, 6),
            UnexpectedLinkedOperation => (1, 7),
            ResultUnrecognizedInvokeId => (2, 0),
            ReturnResultUnexpected => (2, 1),
            ResultMistypedParameter => (2, 2),
            ErrorUnrecognizedInvokeId => (3, 0),
            ReturnErrorUnexpected => (3, 1),
            UnrecognizedError => (3, 2),
            UnexpectedError => (3, 3),
            ErrorMistypedParameter => (3, 4),
            Itu(t, c) => (t, c),
            // No ITU name: the closest general problem.
            Ansi(..) => (0, 1),
        }
    }

    pub fn from_itu((t, c): (u8, u8)) -> Problem {
        use Problem::*;
        match (t, c) {
            (0, 0) => UnrecognizedComponent,
            (0, 1) => MistypedComponent,
            (0, 2) => BadlyStructuredComponent,
            (1, 0) => DuplicateInvokeId,
            (1, 1) => UnrecognizedOperation,
            (1, 2) => InvokeMistypedParameter,
            (1, 3) => ResourceLimitation,
            (1, 4) => InitiatingRelease,
            (1, 5) => UnrecognizedLinkedId,
            (1, 6) => LinkedResponseUnexpected,
            (1, 7) => UnexpectedLinkedOperation,
            (2, 0) => ResultUnrecognizedInvokeId,
            (2, 1) => ReturnResultUnexpected,
            (2, 2) => ResultMistypedParameter,
            (3, 0) => ErrorUnrecognizedInvokeId,
            (3, 1) => ReturnErrorUnexpected,
            (3, 2) => UnrecognizedError,
            (3, 3) => UnexpectedError,
            (3, 4) => ErrorMistypedParameter,
            _ => Itu(t, c),
        }
    }

    /// ANSI problem. ITU-only problems (resourceLimitation, initiatingRelease and the
    /// linked-operation ones other than an unknown linked id) have no T1.114 code and go out
    /// as General incorrectComponentPortion.
    pub fn to_ansi(self) -> ansi::Problem {
        use Problem::*;
        let (k, c) = match self {
            UnrecognizedComponent => (1, 1),
            MistypedComponent => (1, 2),
            BadlyStructuredComponent => (1, 3),
            IncorrectComponentCoding => (1, 4),
            DuplicateInvokeId => (2, 1),
            UnrecognizedOperation => (2, 2),
            InvokeMistypedParameter => (2, 3),
            UnrecognizedLinkedId => (2, 4),
            ResultUnrecognizedInvokeId => (3, 1),
            ReturnResultUnexpected => (3, 2),
            ResultMistypedParameter => (3, 3),
            ErrorUnrecognizedInvokeId => (4, 1),
            ReturnErrorUnexpected => (4, 2),
            UnrecognizedError => (4, 3),
            UnexpectedError => (4, 4),
            ErrorMistypedParameter => (4, 5),
            Ansi(k, c) => (k, c),
            ResourceLimitation
            | InitiatingRelease
            | LinkedResponseUnexpected
            | UnexpectedLinkedOperation
            | Itu(..) => (1, 2),
        };
        ansi::Problem::new(k, c)
    }

    pub fn from_ansi(p: ansi::Problem) -> Problem {
        use Problem::*;
        match (p.kind, p.code) {
            (1, 1) => UnrecognizedComponent,
            (1, 2) => MistypedComponent,
            (1, 3) => BadlyStructuredComponent,
            (1, 4) => IncorrectComponentCoding,
            (2, 1) => DuplicateInvokeId,
            (2, 2) => UnrecognizedOperation,
            (2, 3) => InvokeMistypedParameter,
            (2, 4) => UnrecognizedLinkedId,
            (3, 1) => ResultUnrecognizedInvokeId,
            (3, 2) => ReturnResultUnexpected,
            (3, 3) => ResultMistypedParameter,
            (4, 1) => ErrorUnrecognizedInvokeId,
            (4, 2) => ReturnErrorUnexpected,
            (4, 3) => UnrecognizedError,
            (4, 4) => UnexpectedError,
            (4, 5) => ErrorMistypedParameter,
            (k, c) => Ansi(k, c),
        }
    }

    /// Whether the problem is about an invocation the *receiver* of the Reject made (general
    /// and invoke problems name the rejected Invoke's id), so that invocation ends.
    pub fn names_an_invoke(self) -> bool {
        matches!(self.to_itu().0, 0 | 1)
    }
}

/// P-Abort causes, named once (Q.773 §4.2.1.3 `P-AbortCause`; T1.114.3 `P-Abort-cause`),
/// plus the provider-side dialogue failures Q.774 reports as TC-P-ABORT.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PAbortCause {
    UnrecognizedMessageType,
    UnrecognizedTransactionId,
    BadlyFormattedTransactionPortion,
    IncorrectTransactionPortion,
    ResourceLimitation,
    /// ANSI 5.
    PermissionToReleaseProblem,
    /// ANSI 7.
    UnrecognizedDialoguePortionId,
    /// ANSI 8.
    BadlyStructuredDialoguePortion,
    /// ANSI 9.
    MissingDialoguePortion,
    /// ANSI 10.
    InconsistentDialoguePortion,
    /// ITU: AARE with dialogue-service-provider diagnostic no-common-dialogue-portion.
    NoCommonDialoguePortion,
    /// ITU: ABRT with abort-source dialogue-service-provider.
    AbnormalDialogue,
    /// A cause value with no name.
    Other(u8),
}

impl PAbortCause {
    pub fn to_itu(self) -> u8 {
        use PAbortCause::*;
        match self {
            UnrecognizedMessageType => 0,
            UnrecognizedTransactionId => 1,
            BadlyFormattedTransactionPortion => 2,
            IncorrectTransactionPortion => 3,
            ResourceLimitation => 4,
            Other(v) => v,
            // Dialogue-portion troubles of the transaction portion's kind.
            _ => 3,
        }
    }
    pub fn from_itu(v: u8) -> PAbortCause {
        use PAbortCause::*;
        match v {
            0 => UnrecognizedMessageType,
            1 => UnrecognizedTransactionId,
            2 => BadlyFormattedTransactionPortion,
            3 => IncorrectTransactionPortion,
            4 => ResourceLimitation,
            v => Other(v),
        }
    }
    pub fn to_ansi(self) -> u8 {
        use PAbortCause::*;
        match self {
            UnrecognizedMessageType => 1,
            IncorrectTransactionPortion => 2,
            BadlyFormattedTransactionPortion => 3,
            UnrecognizedTransactionId => 4,
            PermissionToReleaseProblem => 5,
            ResourceLimitation => 6,
            UnrecognizedDialoguePortionId => 7,
            BadlyStructuredDialoguePortion => 8,
            MissingDialoguePortion => 9,
            InconsistentDialoguePortion | NoCommonDialoguePortion | AbnormalDialogue => 10,
            Other(v) => v,
        }
    }
    pub fn from_ansi(v: u8) -> PAbortCause {
        use PAbortCause::*;
        match v {
            1 => UnrecognizedMessageType,
            2 => IncorrectTransactionPortion,
            3 => BadlyFormattedTransactionPortion,
            4 => UnrecognizedTransactionId,
            5 => PermissionToReleaseProblem,
            6 => ResourceLimitation,
            7 => UnrecognizedDialoguePortionId,
            8 => BadlyStructuredDialoguePortion,
            9 => MissingDialoguePortion,
            10 => InconsistentDialoguePortion,
            v => Other(v),
        }
    }
}

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

/// Why a TC-U-ABORT came.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UAbortReason {
    /// The peer's user aborted; its abort information (ITU: ABRT user-information contents;
    /// ANSI: User Abort Information contents), if any.
    User(Option<Vec<u8>>),
    /// ITU: the peer refused our application context (AARE reject-permanent,
    /// application-context-name-not-supported) and names the one it supports; begin again
    /// with it to fall back.
    AcNotSupported { supported: AppContext },
}

/// What the TC-user is told (Q.771 §3 primitives; T1.114.1 equivalents in brackets).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Indication {
    /// TC-UNI.
    Uni {
        ac: Option<AppContext>,
        components: Vec<Component>,
    },
    /// TC-BEGIN [TC-QUERY]. `permission`: whether the peer lets us end with TC-END
    /// [Response] (always true for ITU).
    Begin {
        dialogue: DialogueId,
        ssn: u8,
        ac: Option<AppContext>,
        user_info: Option<Vec<u8>>,
        permission: bool,
        components: Vec<Component>,
    },
    /// TC-CONTINUE [TC-CONVERSATION]. `ac` is set on the first backward message of a
    /// dialogue we began with an AC (the AC the peer accepted).
    Continue {
        dialogue: DialogueId,
        ac: Option<AppContext>,
        permission: bool,
        components: Vec<Component>,
    },
    /// TC-END [TC-RESPONSE].
    End {
        dialogue: DialogueId,
        components: Vec<Component>,
    },
    UAbort {
        dialogue: DialogueId,
        reason: UAbortReason,
    },
    PAbort {
        dialogue: DialogueId,
        cause: PAbortCause,
    },
    /// TC-NOTICE: SCCP returned a message of this dialogue (return cause).
    Notice { dialogue: DialogueId, cause: u8 },
    /// TC-L-CANCEL: the invocation timer of our invoke expired.
    LCancel { dialogue: DialogueId, invoke_id: i8 },
    /// TC-L-REJECT: we found a received component wrong; the Reject goes to the peer in the
    /// next message of the dialogue.
    LReject {
        dialogue: DialogueId,
        invoke_id: Option<i8>,
        problem: Problem,
    },
    /// TC-R-REJECT (and TC-U-REJECT): the peer rejected one of our components.
    RReject {
        dialogue: DialogueId,
        invoke_id: Option<i8>,
        problem: Problem,
    },
    /// The dialogue idled past its timeout and was closed (scpd's own, not a Q.771
    /// primitive).
    Timeout { dialogue: DialogueId },
}

impl Indication {
    pub fn dialogue(&self) -> Option<DialogueId> {
        match *self {
            Indication::Uni { .. } => None,
            Indication::Begin { dialogue, .. }
            | Indication::Continue { dialogue, .. }
            | Indication::End { dialogue, .. }
            | Indication::UAbort { dialogue, .. }
            | Indication::PAbort { dialogue, .. }
            | Indication::Notice { dialogue, .. }
            | Indication::LCancel { dialogue, .. }
            | Indication::LReject { dialogue, .. }
            | Indication::RReject { dialogue, .. }
            | Indication::Timeout { dialogue } => Some(dialogue),
        }
    }
}
