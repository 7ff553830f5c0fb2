//! Reject problems and P-Abort causes, each named once for both variants and mapped to the
//! codes of each (Q.773 §4.2.2.4 and §4.2.1.3; T1.114.3 `Problem`, `P-Abort-cause`).

use crate::tcap::ansi;

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
