//! The TC-user's view of TCAP, the same for ITU (Q.771–Q.775) and ANSI (T1.114): dialogues
//! and components, not wire formats. [`crate::tcap::sm::Tcap`] takes requests in these
//! terms and gives indications in them; `tcap::itu` and `tcap::ansi` encode underneath.
//!
//! Components here are owned (parameters are the encoded parameter element, copied once out
//! of the received buffer) so that they can outlive the message and wait in a dialogue's
//! queue for the next message.

mod causes;
mod component;

pub use causes::{PAbortCause, Problem};
pub use component::Component;

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
