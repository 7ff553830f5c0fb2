//! AIN operations: their private TCAP operation codes (T1.114.3 `OperationCode`, two
//! octets: family with the reply-required bit 8, then specifier) and which side sends them.
//!
//! Codes are GR-1299's as Wireshark's `AIN-Operations.asn` publishes them (AIN-NOTES
//! "Operation codes"). Two operations scpd handles are missing from that module, so tshark
//! cannot name them; their codes are GR-1299's numbering as we read it:
//! - O_Called_Party_Busy 25607 (`0x6407`): Request/Notification family, between T_Busy (6)
//!   and T_No_Answer (8), the O/T pairs GR-1299 numbers side by side.
//! - Send_Notification 27906 (`0x6D02`): Request Event family, after
//!   Request_Report_BCM_Event (1). AIN 0.1's way to ask for a Termination_Notification.

/// Private TCAP operation codes, family (high octet) and specifier (low octet), as sent in
/// `D1 02 FF SS` (AIN-NOTES "Operation codes").
pub mod opcode {
    pub const INFO_COLLECTED: u16 = 0x6402;
    pub const INFO_ANALYZED: u16 = 0x6403;
    pub const FAILURE_OUTCOME: u16 = 0x6404;
    pub const TERMINATION_ATTEMPT: u16 = 0x6405;
    pub const T_BUSY: u16 = 0x6406;
    pub const O_CALLED_PARTY_BUSY: u16 = 0x6407;
    pub const T_NO_ANSWER: u16 = 0x6408;
    pub const O_NO_ANSWER: u16 = 0x6409;
    pub const T_ANSWER: u16 = 0x640a;
    pub const O_ANSWER: u16 = 0x640b;
    pub const O_TERM_SEIZED: u16 = 0x640c;
    pub const O_ABANDON: u16 = 0x640e;
    pub const SUCCESS_OUTCOME: u16 = 0x6411;
    pub const T_DISCONNECT: u16 = 0x6412;
    pub const TIMEOUT: u16 = 0x6414;
    pub const NETWORK_BUSY: u16 = 0x6417;
    pub const ORIGINATION_ATTEMPT: u16 = 0x6418;
    pub const O_DISCONNECT: u16 = 0x641a;
    pub const ANALYZE_ROUTE: u16 = 0x6501;
    pub const AUTHORIZE_TERMINATION: u16 = 0x6502;
    pub const DISCONNECT: u16 = 0x6503;
    pub const CONTINUE: u16 = 0x650d;
    pub const SEND_TO_RESOURCE: u16 = 0x6601;
    pub const TERMINATION_NOTIFICATION: u16 = 0x6704;
    pub const ACG: u16 = 0x6901;
    pub const ACTIVITY_TEST: u16 = 0x6906;
    pub const SET_TIMER: u16 = 0x6909;
    pub const FORWARD_CALL: u16 = 0x6a01;
    pub const REQUEST_REPORT_BCM_EVENT: u16 = 0x6d01;
    pub const SEND_NOTIFICATION: u16 = 0x6d02;
    pub const CLOSE: u16 = 0x6e01;
}

/// Private error codes (`D4`; GR-1299 AIN-Errors).
pub mod error_code {
    pub const APPLICATION_ERROR: i32 = 1;
    pub const FAILURE_REPORT: i32 = 2;
}

/// The GR-1299 ASN.1 name of a private operation code (reply-required bit ignored).
pub fn operation_name(code: u16) -> Option<&'static str> {
    use opcode::*;
    if let Some(op) = Operation::from_code(code) {
        return Some(op.name());
    }
    Some(match code & 0x7fff {
        SUCCESS_OUTCOME => "success-Outcome",
        SEND_TO_RESOURCE => "send-To-Resource",
        ACTIVITY_TEST => "activity-Test",
        _ => return None,
    })
}

/// The operations scpd decodes and encodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operation {
    // SSP → SCP: trigger queries (TDP-R) ...
    InfoCollected,
    InfoAnalyzed,
    TerminationAttempt,
    OriginationAttempt,
    NetworkBusy,
    // ... and event reports (EDP-R, or EDP-N with NotificationIndicator TRUE).
    OAnswer,
    ODisconnect,
    ONoAnswer,
    OCalledPartyBusy,
    OAbandon,
    OTermSeized,
    TAnswer,
    TDisconnect,
    TBusy,
    TNoAnswer,
    Timeout,
    FailureOutcome,
    /// The answer to Send_Notification when the call ends (AIN 0.1 monitoring).
    TerminationNotification,
    // Either way: ends the AIN relationship (GR-1299 Close, SCP → SSP; decoded too).
    Close,
    // SCP → SSP.
    AnalyzeRoute,
    Continue,
    AuthorizeTermination,
    Disconnect,
    ForwardCall,
    RequestReportBcmEvent,
    SendNotification,
    Acg,
    SetTimer,
}

impl Operation {
    pub const ALL: [Operation; 28] = {
        use Operation::*;
        [
            InfoCollected,
            InfoAnalyzed,
            TerminationAttempt,
            OriginationAttempt,
            NetworkBusy,
            OAnswer,
            ODisconnect,
            ONoAnswer,
            OCalledPartyBusy,
            OAbandon,
            OTermSeized,
            TAnswer,
            TDisconnect,
            TBusy,
            TNoAnswer,
            Timeout,
            FailureOutcome,
            TerminationNotification,
            Close,
            AnalyzeRoute,
            Continue,
            AuthorizeTermination,
            Disconnect,
            ForwardCall,
            RequestReportBcmEvent,
            SendNotification,
            Acg,
            SetTimer,
        ]
    };

    /// The private operation code (family, specifier).
    pub const fn code(self) -> u16 {
        use opcode::*;
        use Operation::*;
        match self {
            InfoCollected => INFO_COLLECTED,
            InfoAnalyzed => INFO_ANALYZED,
            TerminationAttempt => TERMINATION_ATTEMPT,
            OriginationAttempt => ORIGINATION_ATTEMPT,
            NetworkBusy => NETWORK_BUSY,
            OAnswer => O_ANSWER,
            ODisconnect => O_DISCONNECT,
            ONoAnswer => O_NO_ANSWER,
            OCalledPartyBusy => O_CALLED_PARTY_BUSY,
            OAbandon => O_ABANDON,
            OTermSeized => O_TERM_SEIZED,
            TAnswer => T_ANSWER,
            TDisconnect => T_DISCONNECT,
            TBusy => T_BUSY,
            TNoAnswer => T_NO_ANSWER,
            Timeout => TIMEOUT,
            FailureOutcome => FAILURE_OUTCOME,
            TerminationNotification => TERMINATION_NOTIFICATION,
            Close => CLOSE,
            AnalyzeRoute => ANALYZE_ROUTE,
            Continue => CONTINUE,
            AuthorizeTermination => AUTHORIZE_TERMINATION,
            Disconnect => DISCONNECT,
            ForwardCall => FORWARD_CALL,
            RequestReportBcmEvent => REQUEST_REPORT_BCM_EVENT,
            SendNotification => SEND_NOTIFICATION,
            Acg => ACG,
            SetTimer => SET_TIMER,
        }
    }

    /// The operation of a private code; bit 8 of the family (reply required, T1.114.3) is
    /// not part of the identity.
    pub fn from_code(code: u16) -> Option<Operation> {
        let code = code & 0x7fff;
        Operation::ALL.into_iter().find(|op| op.code() == code)
    }

    /// The ASN.1 value name in GR-1299's hyphenated message style (`info-Analyzed`).
    pub const fn name(self) -> &'static str {
        use Operation::*;
        match self {
            InfoCollected => "info-Collected",
            InfoAnalyzed => "info-Analyzed",
            TerminationAttempt => "termination-Attempt",
            OriginationAttempt => "origination-Attempt",
            NetworkBusy => "network-Busy",
            OAnswer => "o-Answer",
            ODisconnect => "o-Disconnect",
            ONoAnswer => "o-No-Answer",
            OCalledPartyBusy => "o-Called-Party-Busy",
            OAbandon => "o-Abandon",
            OTermSeized => "o-Term-Seized",
            TAnswer => "t-Answer",
            TDisconnect => "t-Disconnect",
            TBusy => "t-Busy",
            TNoAnswer => "t-No-Answer",
            Timeout => "timeout",
            FailureOutcome => "failure-Outcome",
            TerminationNotification => "termination-Notification",
            Close => "close",
            AnalyzeRoute => "analyze-Route",
            Continue => "continue",
            AuthorizeTermination => "authorize-Termination",
            Disconnect => "disconnect",
            ForwardCall => "forward-Call",
            RequestReportBcmEvent => "request-Report-BCM-Event",
            SendNotification => "send-Notification",
            Acg => "aCG",
            SetTimer => "set-Timer",
        }
    }

    /// The operation value name in Wireshark's AIN module (what `tshark -V` prints), `None`
    /// for the two operations that module lacks.
    pub const fn wireshark_name(self) -> Option<&'static str> {
        use Operation::*;
        Some(match self {
            InfoCollected => "infoCollected",
            InfoAnalyzed => "infoAnalyzed",
            TerminationAttempt => "terminationAttempt",
            OriginationAttempt => "originationAttempt",
            NetworkBusy => "networkBusy",
            OAnswer => "oAnswer",
            ODisconnect => "oDisconnect",
            ONoAnswer => "oNoAnswer",
            OAbandon => "oAbandon",
            OTermSeized => "oTermSeized",
            TAnswer => "tAnswer",
            TDisconnect => "tDisconnect",
            TBusy => "tBusy",
            TNoAnswer => "tNoAnswer",
            Timeout => "timeout",
            FailureOutcome => "failureOutcome",
            TerminationNotification => "terminationNotification",
            Close => "close",
            AnalyzeRoute => "analyzeRoute",
            Continue => "continue",
            AuthorizeTermination => "authorizeTermination",
            Disconnect => "disconnect",
            ForwardCall => "forwardCall",
            RequestReportBcmEvent => "requestReportBCMEvent",
            Acg => "acg",
            SetTimer => "setTimer",
            OCalledPartyBusy | SendNotification => return None,
        })
    }

    /// Sent by the SSP (a query or report scpd answers); `false` for what scpd sends.
    pub const fn from_ssp(self) -> bool {
        use Operation::*;
        !matches!(
            self,
            AnalyzeRoute
                | Continue
                | AuthorizeTermination
                | Disconnect
                | ForwardCall
                | RequestReportBcmEvent
                | SendNotification
                | Acg
                | SetTimer
        )
    }

    /// A trigger query that opens an AIN dialogue (TDP-R): the start of a call to scpd.
    pub const fn is_trigger(self) -> bool {
        use Operation::*;
        matches!(
            self,
            InfoCollected | InfoAnalyzed | TerminationAttempt | OriginationAttempt | NetworkBusy
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_names() {
        assert_eq!(operation_name(opcode::INFO_ANALYZED), Some("info-Analyzed"));
        assert_eq!(operation_name(0x6501), Some("analyze-Route"));
        assert_eq!(operation_name(0xe501), Some("analyze-Route"));
        assert_eq!(operation_name(0x6601), Some("send-To-Resource"));
        assert_eq!(operation_name(0x1234), None);
        for op in Operation::ALL {
            assert_eq!(Operation::from_code(op.code()), Some(op));
        }
        let mut codes: Vec<_> = Operation::ALL.iter().map(|o| o.code()).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), Operation::ALL.len());
    }
}
