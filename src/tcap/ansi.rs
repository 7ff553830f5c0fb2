//! ANSI TCAP packages (T1.114-2000): transaction portion, dialogue portion and component
//! portion, decoded zero-copy from the received buffer and encoded as canonical
//! definite-length BER.
//!
//! The reference is `asn1/ANSI-TCAP-subset.asn` (T1.114.3's TCAPPackage and
//! TCAP-Remote-Operations-Information-Objects modules, with their tags). Clause references
//! below name the T1.114-2000 part (T1.114.3 formats and codes, T1.114.4 procedures) and the
//! ASN.1 type whose definition or `! RejectProblem` constraint they follow.
//!
//! # Faults and what T1.114 answers
//!
//! A package that cannot be decoded is refused with [`AnsiError`]; its
//! [`p_abort_cause`](AnsiError::p_abort_cause) is the P-Abort cause (T1.114.3 `P-Abort-cause`,
//! T1.114.4 "abnormal procedures" of the transaction sub-layer) to send back in an Abort
//! package. Per T1.114.4 nothing is sent back for a refused Unidirectional or Abort package:
//! the dialogue layer discards those.
//!
//! | fault | error | answer |
//! | --- | --- | --- |
//! | package identifier is not E1–E6/F6 | `UnrecognizedPackageType` | P-Abort 1 unrecognizedPackageType |
//! | transaction ID missing / not first | `IncorrectTransactionPortion` | P-Abort 2 incorrectTransactionPortion |
//! | unexpected member in an Abort's cause information | `IncorrectTransactionPortion` | P-Abort 2 |
//! | BER fault in the package or transaction ID (length, truncation) | `BadlyStructuredTransactionPortion` | P-Abort 3 badlyStructuredTransactionPortion |
//! | transaction ID of the wrong size for the package (0/4/8) | `BadlyStructuredTransactionPortion` | P-Abort 3 |
//! | element after the transaction ID that is neither F9 nor E8 (or anything after E8) | `UnrecognizedDialoguePortionId` | P-Abort 7 unrecognizedDialoguePortionID |
//! | BER fault, bad size or duplicate member in the dialogue portion | `BadlyStructuredDialoguePortion` | P-Abort 8 badlyStructuredDialoguePortion |
//! | protocol version offers neither T1.114-1996 nor -2000 | `UnsupportedProtocolVersion` | P-Abort 10 inconsistentDialoguePortion (see [`AnsiError::p_abort_cause`]) |
//!
//! A package that decodes can still carry components that do not: the component iterator
//! yields a [`ComponentFault`] whose `problem` is the Reject problem (T1.114.3 `Problem`, the
//! `! RejectProblem` constraints of `ComponentPDU`, `Invoke`, `ReturnResult`, `ReturnError`
//! and `Reject`) and whose `correlation_id` is the component ID to reject, when derivable:
//!
//! | fault | Reject problem |
//! | --- | --- |
//! | component identifier not E9–EE (`ComponentPDU` constraint) | General 1 unrecognisedComponentType (0x0101) |
//! | BER fault inside the component sequence or a component; component ID of the wrong size | General 3 badlyStructuredCompPortion (0x0103) |
//! | mandatory member missing, or an unexpected member (component ID, opcode/error code, problem out of place) | General 2 incorrectComponentPortion (0x0102) |
//! | operation/error/problem code of an impossible size, national error code out of −128..127 | General 4 incorrectComponentCoding (0x0104) |
//! | Invoke parameter neither parameter set F2, sequence F0 nor SEQUENCE 30 | Invoke 3 incorrectParameter (0x0203) |
//! | ReturnResult parameter likewise | ReturnResult 3 incorrectParameter (0x0303) |
//! | ReturnError parameter likewise | ReturnError 5 incorrectParameter (0x0405) |
//!
//! Operation-level problems (unrecognised operation, duplicate invocation, unknown correlation
//! ID, unexpected result or error) belong to the component sub-layer's state and the TC-user;
//! their codes are in [`Problem`] for those layers to send.
//!
//! # Layout
//!
//! Here: the identifiers. `codes` holds the code values (package types, P-Abort causes,
//! Reject problems, operation and error codes), `message` the transaction portion (packages
//! decoded, re-encoded and built to send), `dialogue` the dialogue portion, `component` the
//! component portion and the component writers; all re-exported.

mod codes;
mod component;
mod dialogue;
mod message;

pub use codes::{opcode_text, ErrorCode, OpCode, PAbortCause, PackageType, Problem};
pub use component::{
    invoke, parameter_set, reject, reject_fault, return_error, return_result, AnsiComponent,
    ComponentFault, ComponentIter,
};
pub use dialogue::{version, ApplicationContext, DialoguePortion, SecurityContext};
pub use message::{
    encode, encode_abort, encode_p_abort, peek_transaction_id, salvage_transaction_id, AbortReason,
    AnsiError, AnsiMessage, TransactionIds,
};

/// Identifiers (T1.114.3; TCAPPackage and TCAP-Remote-Operations-Information-Objects).
pub mod tags {
    use crate::ber::Tag;
    pub const UNIDIRECTIONAL: Tag = Tag::private(1, true); // E1
    pub const QUERY_WITH_PERMISSION: Tag = Tag::private(2, true); // E2
    pub const QUERY_WITHOUT_PERMISSION: Tag = Tag::private(3, true); // E3
    pub const RESPONSE: Tag = Tag::private(4, true); // E4
    pub const CONVERSATION_WITH_PERMISSION: Tag = Tag::private(5, true); // E5
    pub const CONVERSATION_WITHOUT_PERMISSION: Tag = Tag::private(6, true); // E6
    pub const ABORT: Tag = Tag::private(22, true); // F6
    pub const TRANSACTION_ID: Tag = Tag::private(7, false); // C7
    pub const P_ABORT_CAUSE: Tag = Tag::private(23, false); // D7
    /// `[PRIVATE 24] EXTERNAL` (F8; a primitive D8 is accepted too).
    pub const USER_ABORT_INFORMATION: Tag = Tag::private(24, true);
    pub const DIALOGUE_PORTION: Tag = Tag::private(25, true); // F9
    pub const PROTOCOL_VERSION: Tag = Tag::private(26, false); // DA
    pub const INTEGER_APPLICATION_CONTEXT: Tag = Tag::private(27, false); // DB
    pub const OID_APPLICATION_CONTEXT: Tag = Tag::private(28, false); // DC
    pub const USER_INFORMATION: Tag = Tag::private(29, true); // FD
    pub const INTEGER_SECURITY_ID: Tag = Tag::ctx(0); // 80
    pub const OID_SECURITY_ID: Tag = Tag::ctx(1); // 81
    pub const CONFIDENTIALITY: Tag = Tag::ctx_cons(2); // A2
    pub const COMPONENT_SEQUENCE: Tag = Tag::private(8, true); // E8
    pub const INVOKE_LAST: Tag = Tag::private(9, true); // E9
    pub const RETURN_RESULT_LAST: Tag = Tag::private(10, true); // EA
    pub const RETURN_ERROR: Tag = Tag::private(11, true); // EB
    pub const REJECT: Tag = Tag::private(12, true); // EC
    pub const INVOKE_NOT_LAST: Tag = Tag::private(13, true); // ED
    pub const RETURN_RESULT_NOT_LAST: Tag = Tag::private(14, true); // EE
    pub const COMPONENT_ID: Tag = Tag::private(15, false); // CF
    pub const NATIONAL_OPCODE: Tag = Tag::private(16, false); // D0
    pub const PRIVATE_OPCODE: Tag = Tag::private(17, false); // D1
    /// `paramSequence [PRIVATE 16] IMPLICIT SEQUENCE` (F0).
    pub const PARAMETER_SEQUENCE: Tag = Tag::private(16, true);
    /// `paramSet [PRIVATE 18] IMPLICIT SET` (F2).
    pub const PARAMETER_SET: Tag = Tag::private(18, true);
    pub const NATIONAL_ERROR: Tag = Tag::private(19, false); // D3
    pub const PRIVATE_ERROR: Tag = Tag::private(20, false); // D4
    pub const PROBLEM: Tag = Tag::private(21, false); // D5
}

#[cfg(test)]
mod tests;
