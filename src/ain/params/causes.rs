//! Cause enumerations of AIN errors and Close (GR-1299 §6): FailureCause names, the
//! ErrorCause of an ApplicationErrorString and CloseCause.

/// FailureCause (`[32]` ENUMERATED) names, for logs.
pub fn failure_cause_name(v: u8) -> Option<&'static str> {
    Some(match v {
        1 => "rateTooHigh",
        2 => "unavailableResources",
        3 => "apTimeout",
        4 => "apBusy",
        13 => "channelsBusy",
        14 => "abort",
        15 => "resourceLimitation",
        16 => "applicationError",
        17 => "securityError",
        18 => "protocolError",
        19 => "timerExpired",
        20 => "temporaryFailure",
        21 => "msridDoesNotMatchUserProfile",
        22 => "segmentationError",
        23 => "ncasDisallowed",
        24 => "controlEncountered",
        25 => "improperCoding",
        26 => "inappropriateCondition",
        27 => "inappropriateUserInterface",
        28 => "inappropriateLegManipulation",
        29 => "callingInterfaceBusy",
        _ => return None,
    })
}

/// ErrorCause (`[56]` ENUMERATED) of an ApplicationErrorString.
pub mod error_cause {
    pub const ERRONEOUS_DATA_VALUE: u8 = 0;
    pub const MISSING_CONDITIONAL_PARAMETER: u8 = 1;
    pub const RESPONSE_MESSAGE_TIMER_EXPIRED: u8 = 2;
    pub const UNEXPECTED_COMMUNICATION: u8 = 3;
    pub const UNEXPECTED_MESSAGE: u8 = 4;
    pub const UNEXPECTED_MESSAGE_SEQUENCE: u8 = 5;
    pub const UNEXPECTED_PARAMETER_SEQUENCE: u8 = 6;
    pub const NAMES: [&str; 7] = [
        "erroneousDataValue",
        "missingConditionalParameter",
        "responseMessageTimerExpired",
        "unexpectedCommunication",
        "unexpectedMessage",
        "unexpectedMessageSequence",
        "unexpectedParameterSequence",
    ];
}

/// CloseCause (`[72]` ENUMERATED) of Close.
pub mod close_cause {
    pub const CALL_TERMINATED: u8 = 0;
    pub const EDPS_COMPLETED: u8 = 1;
    pub const UNEXPECTED_COMMUNICATION: u8 = 2;
    pub const CALLED_PARTY_ANSWERED: u8 = 3;
    pub const CALL_FORWARDED_EDPS_COMPLETED: u8 = 4;
    pub const NEW_REQUESTED_EVENT: u8 = 5;
    pub const NAMES: [&str; 6] = [
        "callTerminated",
        "eDPsCompleted",
        "unexpectedCommunication",
        "calledPartyAnswered",
        "callForwardedEDPsCompleted",
        "newRequestedEvent",
    ];
}
