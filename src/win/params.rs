//! ANSI-41 / WIN parameters (TIA/EIA-41-D §6.5.2, IS-771 §6.5.2 additions; tags as in
//! Wireshark's `ansi_map.asn`, the modelled subset in `asn1/WIN-subset.asn`): their tags and
//! the formats of the ones scpd reads or writes as fields.
//!
//! Like AIN, TIA/EIA-41 gives every parameter one context tag wherever it appears (§6.5.1.2:
//! "Parameter Identifier"), so the tag alone says how to decode a member. Decoders take the
//! contents (no tag, no length) and their absolute offset, borrow from the input and never
//! allocate; encoders return fixed arrays or write into a caller's [`crate::ber::Writer`].
//!
//! Here: the tags and the helpers every decoder uses. The formats, re-exported here, are in
//! `digits` (DigitsType), `ids` (BillingID, MSCID, MIN, IMSI, PC_SSN) and `lists`
//! (WINCapability, TriggerAddressList, TerminationList).

mod digits;
mod ids;
mod lists;

pub use digits::{digit_type, encoding, nature, plan, WinDigits};
pub use ids::{BillingId, Imsi, Min, Mscid, PcSsn};
pub use lists::{
    DestinationAddress, IntersystemTermination, PstnTermination, Termination, TerminationList,
    TriggerAddressList, TriggerList, WinCapability, WinTriggerList, MAX_TERMINATIONS,
};

use crate::ber::{Result, Tlv};

/// Context tag numbers of the parameters (TIA/EIA-41-D §6.5.2, IS-771; `ansi_map.asn`).
pub mod tag {
    pub const BILLING_ID: u32 = 1;
    pub const SERVING_CELL_ID: u32 = 2;
    pub const DIGITS: u32 = 4;
    pub const MIN: u32 = 8;
    pub const ESN: u32 = 9;
    pub const REDIRECTION_REASON: u32 = 19;
    pub const ACCESS_DENIED_REASON: u32 = 20;
    pub const MSCID: u32 = 21;
    pub const SYSTEM_MY_TYPE_CODE: u32 = 22;
    pub const PC_SSN: u32 = 32;
    pub const LOCATION_AREA_ID: u32 = 33;
    pub const CALLING_PARTY_NUMBER_DIGITS1: u32 = 80;
    pub const CALLING_PARTY_NUMBER_DIGITS2: u32 = 81;
    pub const CARRIER_DIGITS: u32 = 86;
    pub const DESTINATION_DIGITS: u32 = 87;
    pub const DMH_REDIRECTION_INDICATOR: u32 = 88;
    pub const INTERSYSTEM_TERMINATION: u32 = 89;
    pub const LOCAL_TERMINATION: u32 = 91;
    pub const MOBILE_DIRECTORY_NUMBER: u32 = 93;
    pub const MSC_IDENTIFICATION_NUMBER: u32 = 94;
    pub const PSTN_TERMINATION: u32 = 95;
    pub const ORIGINATION_TRIGGERS: u32 = 98;
    pub const REDIRECTING_NUMBER_DIGITS: u32 = 100;
    pub const TERMINATION_LIST: u32 = 120;
    pub const TERMINATION_TRIGGERS: u32 = 122;
    pub const TRANSACTION_CAPABILITY: u32 = 123;
    pub const ACTION_CODE: u32 = 128;
    pub const ANNOUNCEMENT_LIST: u32 = 130;
    pub const DMH_ACCOUNT_CODE_DIGITS: u32 = 140;
    pub const DMH_ALTERNATE_BILLING_DIGITS: u32 = 141;
    pub const DMH_BILLING_DIGITS: u32 = 142;
    pub const ROUTING_DIGITS: u32 = 150;
    pub const IMSI: u32 = 242;
    pub const GLOBAL_TITLE: u32 = 261;
    pub const RESUME_PIC: u32 = 266;
    pub const TIME_DATE_OFFSET: u32 = 275;
    pub const TRIGGER_ADDRESS_LIST: u32 = 276;
    pub const TRIGGER_CAPABILITY: u32 = 277;
    pub const TRIGGER_LIST: u32 = 278;
    pub const TRIGGER_TYPE: u32 = 279;
    pub const WIN_CAPABILITY: u32 = 280;
    pub const WIN_OPERATIONS_CAPABILITY: u32 = 281;
    pub const WIN_TRIGGER_LIST: u32 = 283;
    pub const DMH_SERVICE_ID: u32 = 305;
    pub const RELEASE_CAUSE: u32 = 308;
    pub const TIME_OF_DAY: u32 = 309;
    pub const CALL_STATUS: u32 = 310;
}

/// TriggerType values (IS-771 §6.5.2.dh) scpd meets: the trigger that made the MSC ask.
pub mod trigger_type {
    pub const ALL_CALLS: u8 = 1;
    pub const MOBILE_TERMINATION: u8 = 32;
    pub const ADVANCED_TERMINATION: u8 = 33;
    pub const LOCATION: u8 = 34;
    pub const ORIGINATION_ATTEMPT_AUTHORIZED: u8 = 36;
    pub const CALLING_ROUTING_ADDRESS_AVAILABLE: u8 = 37;
    pub const INITIAL_TERMINATION: u8 = 38;
    pub const CALLED_ROUTING_ADDRESS_AVAILABLE: u8 = 39;
    pub const O_ANSWER: u8 = 40;
    pub const O_DISCONNECT: u8 = 41;
    pub const O_CALLED_PARTY_BUSY: u8 = 42;
    pub const O_NO_ANSWER: u8 = 43;
    pub const TERMINATING_RESOURCE_AVAILABLE: u8 = 64;
    pub const T_BUSY: u8 = 65;
    pub const T_NO_ANSWER: u8 = 66;
    pub const T_NO_PAGE_RESPONSE: u8 = 67;
    pub const T_ROUTABLE: u8 = 68;
    pub const T_ANSWER: u8 = 69;
    pub const T_DISCONNECT: u8 = 70;
}

/// ActionCode values (TIA/EIA-41-D §6.5.2.2) an SCP sends.
pub mod action_code {
    pub const CONTINUE_PROCESSING: u8 = 1;
    pub const DISCONNECT_CALL: u8 = 2;
    pub const DISCONNECT_CALL_LEG: u8 = 3;
    pub const DROP_CALL_LEG_ON_BUSY_OR_ROUTING_FAILURE: u8 = 6;
    pub const DISCONNECT_ALL_CALL_LEGS: u8 = 7;
}

/// ReleaseCause values (IS-771 §6.5.2.el).
pub mod release_cause {
    pub const UNSPECIFIED: u8 = 0;
    pub const CALLING_PARTY: u8 = 1;
    pub const CALLED_PARTY: u8 = 2;
    pub const COMMANDED_DISCONNECT: u8 = 3;
}

pub(super) use crate::ber::{fixed, invalid, prim, small};

/// Contents of a constructed member, walked so that a malformed inner TLV fails here.
pub(super) fn cons<'a>(t: &Tlv<'a>, what: &'static str) -> Result<&'a [u8]> {
    t.children()
        .map_err(|_| invalid(what, t.offset))?
        .try_for_each(|e| e.map(drop))?;
    Ok(t.value)
}
