//! ITU TCAP messages (Q.773 §4): transaction portion, dialogue portion (Q.773 §4.2.3,
//! AARQ/AARE/ABRT of the dialogue-as-id module 0.0.17.773.1.1.1) and component portion.
//!
//! Here: the tags, the dialogue abstract syntaxes, P-Abort causes and message types.
//! `message` holds the transaction portion (decoding, re-encoding, building messages to
//! send), `dialogue` the dialogue portion, `component` the component portion; all
//! re-exported.

mod component;
mod dialogue;
mod message;

pub use component::{
    invoke, problem, reject, return_error, return_result, Code, Component, ComponentFault,
    ComponentIter, ComponentPdu, ComponentPduIter,
};
pub use dialogue::DialogueOut;
pub use message::{encode, encode_p_abort, DialoguePdu, TcMessage, TcapError};

use crate::ber::Tag;

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

#[cfg(test)]
mod tests;

#[cfg(test)]
mod fuzz;
