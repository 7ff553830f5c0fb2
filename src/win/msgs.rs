//! WIN invoke arguments and return results (TIA/EIA-41-D §6.4.2, IS-771 §6.4.2; their ASN.1
//! in Wireshark's `ansi_map.asn`, the modelled subset in `asn1/WIN-subset.asn`).
//!
//! TIA/EIA-41 tags every parameter once, globally, and each argument or result is a
//! `[PRIVATE 18] SET` of those parameters. So one borrowed type, [`Params`], holds any of
//! them: a field per modelled parameter. What differs is which members each operation's
//! argument and result carry and which are mandatory: the [`schema`]. Decoding reads members
//! in any order (a SET), keeps the ones not modelled raw ([`super::WinMessage::unknown`]),
//! refuses duplicates and malformed contents with the offset (or, lenient, notes them), then
//! checks the mandatory members. Encoding writes the schema's members in the ASN.1's order
//! and refuses members the operation does not carry.
//!
//! Submodules: `schema` (the per-operation table), `arg` ([`Params`] and its decoding),
//! `encode` (checking and writing a [`Params`]).

mod arg;
mod encode;
mod schema;

pub use arg::Params;
pub use schema::{schema, Schema};

use super::params::tag;
use super::WinError;
use crate::ber::BerError;

impl From<BerError> for WinError {
    fn from(e: BerError) -> Self {
        WinError::Decode(e)
    }
}

/// An argument or a result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// The Invoke's argument.
    Invoke,
    /// The ReturnResult's parameters.
    Result,
}

macro_rules! members {
    ($($v:ident = $tag:ident, $name:literal;)*) => {
        /// The parameters scpd models (their TIA/EIA-41-D / IS-771 tags in [`tag`]), plus
        /// [`P::Msid`], the untagged CHOICE of MIN or IMSI (§6.5.2.bv) used where an
        /// operation needs either.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum P {
            $($v,)*
            Msid,
        }

        impl P {
            pub const ALL: &'static [P] = &[$(P::$v,)*];

            /// The context tag number; `None` for [`P::Msid`].
            pub const fn tag(self) -> Option<u32> {
                match self {
                    $(P::$v => Some(tag::$tag),)*
                    P::Msid => None,
                }
            }

            /// The element name in Wireshark's `ansi_map.asn` (what `tshark -V` prints).
            pub const fn name(self) -> &'static str {
                match self {
                    $(P::$v => $name,)*
                    P::Msid => "msid",
                }
            }

            /// The modelled parameter with context tag `n`.
            pub fn of_tag(n: u32) -> Option<P> {
                match n {
                    $(tag::$tag => Some(P::$v),)*
                    _ => None,
                }
            }
        }
    };
}

members! {
    BillingId = BILLING_ID, "billingID";
    ServingCellId = SERVING_CELL_ID, "servingCellID";
    Digits = DIGITS, "digits";
    Min = MIN, "mobileIdentificationNumber";
    Esn = ESN, "electronicSerialNumber";
    RedirectionReason = REDIRECTION_REASON, "redirectionReason";
    AccessDeniedReason = ACCESS_DENIED_REASON, "accessDeniedReason";
    Mscid = MSCID, "mscid";
    SystemMyTypeCode = SYSTEM_MY_TYPE_CODE, "systemMyTypeCode";
    PcSsn = PC_SSN, "pc-ssn";
    LocationAreaId = LOCATION_AREA_ID, "locationAreaID";
    CallingPartyNumberDigits1 = CALLING_PARTY_NUMBER_DIGITS1, "callingPartyNumberDigits1";
    CallingPartyNumberDigits2 = CALLING_PARTY_NUMBER_DIGITS2, "callingPartyNumberDigits2";
    CarrierDigits = CARRIER_DIGITS, "carrierDigits";
    DestinationDigits = DESTINATION_DIGITS, "destinationDigits";
    DmhRedirectionIndicator = DMH_REDIRECTION_INDICATOR, "dmh-RedirectionIndicator";
    MobileDirectoryNumber = MOBILE_DIRECTORY_NUMBER, "mobileDirectoryNumber";
    MscIdentificationNumber = MSC_IDENTIFICATION_NUMBER, "mSCIdentificationNumber";
    OriginationTriggers = ORIGINATION_TRIGGERS, "originationTriggers";
    RedirectingNumberDigits = REDIRECTING_NUMBER_DIGITS, "redirectingNumberDigits";
    TerminationList = TERMINATION_LIST, "terminationList";
    TerminationTriggers = TERMINATION_TRIGGERS, "terminationTriggers";
    TransactionCapability = TRANSACTION_CAPABILITY, "transactionCapability";
    ActionCode = ACTION_CODE, "actionCode";
    AnnouncementList = ANNOUNCEMENT_LIST, "announcementList";
    DmhAccountCodeDigits = DMH_ACCOUNT_CODE_DIGITS, "dmh-AccountCodeDigits";
    DmhAlternateBillingDigits = DMH_ALTERNATE_BILLING_DIGITS, "dmh-AlternateBillingDigits";
    DmhBillingDigits = DMH_BILLING_DIGITS, "dmh-BillingDigits";
    RoutingDigits = ROUTING_DIGITS, "routingDigits";
    Imsi = IMSI, "imsi";
    ResumePic = RESUME_PIC, "resumePIC";
    TimeDateOffset = TIME_DATE_OFFSET, "timeDateOffset";
    TriggerAddressList = TRIGGER_ADDRESS_LIST, "triggerAddressList";
    TriggerType = TRIGGER_TYPE, "triggerType";
    WinCapability = WIN_CAPABILITY, "winCapability";
    DmhServiceId = DMH_SERVICE_ID, "dmh-ServiceID";
    ReleaseCause = RELEASE_CAUSE, "releaseCause";
    TimeOfDay = TIME_OF_DAY, "timeOfDay";
    CallStatus = CALL_STATUS, "callStatus";
}

/// Whether `p` is among `mandatory` (MIN and IMSI count as the MSID they can stand for).
pub(super) fn is_mandatory(p: P, mandatory: &[P]) -> bool {
    mandatory.contains(&p) || (matches!(p, P::Min | P::Imsi) && mandatory.contains(&P::Msid))
}
