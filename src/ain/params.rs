//! AIN parameters (GR-1299 §6, as published in Wireshark's `asn1/ain/AIN-Parameters.asn`;
//! the subset modelled here is transcribed in `asn1/AIN-subset.asn`): their tags and the
//! formats of the ones scpd reads or writes as fields.
//!
//! Every AIN parameter has one context tag wherever it appears (GR-1299 tags parameters
//! globally, not per message), so the tag alone says how to decode a member. Decoders take
//! the contents (no tag, no length) and their absolute offset, borrow from the input and
//! never allocate; encoders append contents to a caller's buffer or fixed array.
//!
//! Here: the tags and the helpers every decoder uses. The formats, re-exported here, are in
//! `digits` (AINDigits, Carrier, AMAslpID), `user_id` (UserID), `enumerated`
//! (BearerCapability, TriggerCriteriaType, GapInterval), `isup` (RedirectionInformation,
//! Cause), `events` (EDP bit strings, TimeoutTimer) and `causes` (FailureCause, ErrorCause,
//! CloseCause).

mod causes;
mod digits;
mod enumerated;
mod events;
mod isup;
mod user_id;

pub use causes::{close_cause, error_cause, failure_cause_name};
pub use digits::{nature, plan, AinDigits, AmaSlpId, Carrier};
pub use enumerated::{BearerCapability, GapInterval, TriggerCriteriaType};
pub use events::{EdpSet, TimeoutTimer};
pub use isup::{Cause, RedirectionInformation};
pub use user_id::UserId;

/// Context tag numbers of the parameters (GR-1299 §6; `AIN-Parameters.asn`).
pub mod tag {
    pub const ACCESS_CODE: u32 = 1;
    pub const ACG_ENCOUNTERED: u32 = 2;
    pub const AMA_ALTERNATE_BILLING_NUMBER: u32 = 6;
    pub const AMA_BUSINESS_CUSTOMER_ID: u32 = 7;
    /// AMAslpID is untagged in the parameter module; every argument tags it `[10] IMPLICIT`.
    pub const AMA_SLP_ID: u32 = 10;
    pub const AMP1: u32 = 11;
    pub const BEARER_CAPABILITY: u32 = 13;
    pub const BUSY_CAUSE: u32 = 14;
    pub const CALLED_PARTY_ID: u32 = 15;
    pub const CALLED_PARTY_STATION_TYPE: u32 = 16;
    pub const CALLING_PARTY_BGID: u32 = 17;
    pub const CALLING_PARTY_ID: u32 = 18;
    pub const CHARGE_NUMBER: u32 = 19;
    pub const CHARGE_PARTY_STATION_TYPE: u32 = 20;
    pub const COLLECTED_ADDRESS_INFO: u32 = 22;
    pub const COLLECTED_DIGITS: u32 = 23;
    pub const CONTROLLING_LEG_TREATMENT: u32 = 24;
    pub const FAILURE_CAUSE: u32 = 32;
    pub const GENERIC_NAME: u32 = 33;
    pub const LATA: u32 = 35;
    pub const ORIGINAL_CALLED_PARTY_ID: u32 = 36;
    pub const OUTPULSE_NUMBER: u32 = 37;
    pub const PASSIVE_LEG_TREATMENT: u32 = 39;
    pub const PRIMARY_BILLING_INDICATOR: u32 = 40;
    pub const CARRIER: u32 = 41;
    pub const PRIMARY_TRUNK_GROUP: u32 = 42;
    pub const REDIRECTING_PARTY_ID: u32 = 43;
    pub const REDIRECTION_INFORMATION: u32 = 44;
    pub const TCM: u32 = 51;
    pub const TRIGGER_CRITERIA_TYPE: u32 = 52;
    pub const USER_ID: u32 = 53;
    pub const VERTICAL_SERVICE_CODE: u32 = 54;
    pub const APPLICATION_ERROR_STRING: u32 = 55;
    pub const ERROR_CAUSE: u32 = 56;
    pub const FAILED_MESSAGE: u32 = 57;
    pub const CONNECT_TIME: u32 = 58;
    pub const CONTROL_CAUSE_INDICATOR: u32 = 59;
    pub const ECHO_DATA: u32 = 60;
    pub const GAP_DURATION: u32 = 62;
    pub const NATIONAL_GAP_INTERVAL: u32 = 63;
    pub const PRIVATE_GAP_INTERVAL: u32 = 64;
    pub const TERMINATION_INDICATOR: u32 = 67;
    pub const GLOBAL_TITLE_ADDRESS: u32 = 69;
    pub const TRANSLATION_TYPE: u32 = 70;
    pub const CLOSE_CAUSE: u32 = 72;
    pub const SAP: u32 = 81;
    pub const EXTENSION_PARAMETER: u32 = 84;
    pub const AMA_SEQUENCE_NUMBER: u32 = 89;
    pub const O_NO_ANSWER_TIMER: u32 = 91;
    pub const EDP_REQUEST: u32 = 92;
    pub const EDP_NOTIFICATION: u32 = 93;
    pub const BUSY_TYPE: u32 = 94;
    pub const STR_CONNECTION: u32 = 96;
    pub const T_NO_ANSWER_TIMER: u32 = 99;
    pub const AMP2: u32 = 109;
    pub const NOTIFICATION_INDICATOR: u32 = 111;
    pub const FAILURE_CAUSE_DATA: u32 = 112;
    pub const DISCONNECT_CAUSE: u32 = 116;
    pub const LEG_ID: u32 = 132;
    pub const CC_ID: u32 = 133;
    pub const BCM_TYPE: u32 = 134;
    pub const POINT_IN_CALL: u32 = 135;
    pub const TIMEOUT_TIMER: u32 = 139;
    pub const CTR_CONNECTION: u32 = 141;
    pub const SSP_RESPONSE_MESSAGE_TIMER_T1: u32 = 166;
}

pub(super) use crate::ber::{fixed, invalid, prim, small};

#[cfg(test)]
mod tests;
