//! AIN message arguments (GR-1299 §5 messages, their ASN.1 in Wireshark's
//! `AIN-Operations.asn`; the modelled subset is in `asn1/AIN-subset.asn`).
//!
//! GR-1299 tags every parameter once, globally, and each argument is a SEQUENCE of those
//! parameters. So one borrowed type, [`Arg`], holds any argument: a field per modelled
//! parameter. What differs between operations is which members they carry, in which order
//! and which are mandatory: the per-operation [`schema`]. Decoding reads members in any
//! order (switches differ), skips members scpd does not model (DESIGN.md: tolerate
//! extensions), refuses duplicates and malformed contents with the offset, then checks the
//! mandatory members. Encoding writes the schema's members in ASN.1 order (Wireshark's
//! decoder, like strict switches, insists on it) and refuses members the operation does not
//! have, so a builder mistake is an error rather than a message the SSP rejects.

use super::params::{
    fixed, invalid, prim, small, tag, AinDigits, AmaSlpId, BearerCapability, Carrier, Cause,
    EdpSet, GapInterval, RedirectionInformation, TimeoutTimer, TriggerCriteriaType, UserId,
};
use super::{AinError, Operation};
use crate::ber::{BerError, BerErrorKind, Class, Tag, Tlv, Writer};

/// A parameter scpd models (one field of [`Arg`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum P {
    UserId,
    BearerCapability,
    CalledPartyId,
    CalledPartyStationType,
    CallingPartyBgid,
    CallingPartyId,
    ChargeNumber,
    ChargePartyStationType,
    AccessCode,
    AcgEncountered,
    CollectedAddressInfo,
    CollectedDigits,
    VerticalServiceCode,
    Tcm,
    Lata,
    Carrier,
    TriggerCriteriaType,
    OriginalCalledPartyId,
    RedirectingPartyId,
    RedirectionInformation,
    GenericName,
    Amp1,
    Amp2,
    Sap,
    StrConnection,
    CtrConnection,
    AmaSequenceNumber,
    ExtensionParameter,
    NotificationIndicator,
    BusyCause,
    BusyType,
    DisconnectCause,
    LegId,
    CcId,
    BcmType,
    PointInCall,
    FailureCause,
    CloseCause,
    OutpulseNumber,
    PrimaryTrunkGroup,
    PassiveLegTreatment,
    ControllingLegTreatment,
    PrimaryBillingIndicator,
    AmaAlternateBillingNumber,
    AmaBusinessCustomerId,
    AmaSlpId,
    EdpRequest,
    EdpNotification,
    ONoAnswerTimer,
    TNoAnswerTimer,
    TimeoutTimer,
    EchoData,
    TerminationIndicator,
    ConnectTime,
    ControlCauseIndicator,
    GapDuration,
    GapInterval,
    TranslationType,
    GlobalTitleAddress,
    SspResponseMessageTimerT1,
}

impl P {
    /// Every modelled parameter.
    pub const ALL: [P; 60] = {
        use P::*;
        [
            UserId,
            BearerCapability,
            CalledPartyId,
            CalledPartyStationType,
            CallingPartyBgid,
            CallingPartyId,
            ChargeNumber,
            ChargePartyStationType,
            AccessCode,
            AcgEncountered,
            CollectedAddressInfo,
            CollectedDigits,
            VerticalServiceCode,
            Tcm,
            Lata,
            Carrier,
            TriggerCriteriaType,
            OriginalCalledPartyId,
            RedirectingPartyId,
            RedirectionInformation,
            GenericName,
            Amp1,
            Amp2,
            Sap,
            StrConnection,
            CtrConnection,
            AmaSequenceNumber,
            ExtensionParameter,
            NotificationIndicator,
            BusyCause,
            BusyType,
            DisconnectCause,
            LegId,
            CcId,
            BcmType,
            PointInCall,
            FailureCause,
            CloseCause,
            OutpulseNumber,
            PrimaryTrunkGroup,
            PassiveLegTreatment,
            ControllingLegTreatment,
            PrimaryBillingIndicator,
            AmaAlternateBillingNumber,
            AmaBusinessCustomerId,
            AmaSlpId,
            EdpRequest,
            EdpNotification,
            ONoAnswerTimer,
            TNoAnswerTimer,
            TimeoutTimer,
            EchoData,
            TerminationIndicator,
            ConnectTime,
            ControlCauseIndicator,
            GapDuration,
            GapInterval,
            TranslationType,
            GlobalTitleAddress,
            SspResponseMessageTimerT1,
        ]
    };

    /// The ASN.1 member name.
    pub const fn name(self) -> &'static str {
        use P::*;
        match self {
            UserId => "userID",
            BearerCapability => "bearerCapability",
            CalledPartyId => "calledPartyID",
            CalledPartyStationType => "calledPartyStationType",
            CallingPartyBgid => "callingPartyBGID",
            CallingPartyId => "callingPartyID",
            ChargeNumber => "chargeNumber",
            ChargePartyStationType => "chargePartyStationType",
            AccessCode => "accessCode",
            AcgEncountered => "aCGEncountered",
            CollectedAddressInfo => "collectedAddressInfo",
            CollectedDigits => "collectedDigits",
            VerticalServiceCode => "verticalServiceCode",
            Tcm => "tcm",
            Lata => "lata",
            Carrier => "carrier",
            TriggerCriteriaType => "triggerCriteriaType",
            OriginalCalledPartyId => "originalCalledPartyID",
            RedirectingPartyId => "redirectingPartyID",
            RedirectionInformation => "redirectionInformation",
            GenericName => "genericName",
            Amp1 => "amp1",
            Amp2 => "amp2",
            Sap => "sap",
            StrConnection => "sTRConnection",
            CtrConnection => "cTRConnection",
            AmaSequenceNumber => "aMASequenceNumber",
            ExtensionParameter => "extensionParameter",
            NotificationIndicator => "notificationIndicator",
            BusyCause => "busyCause",
            BusyType => "busyType",
            DisconnectCause => "disconnectCause",
            LegId => "legID",
            CcId => "ccID",
            BcmType => "bCMType",
            PointInCall => "pointInCall",
            FailureCause => "failureCause",
            CloseCause => "closeCause",
            OutpulseNumber => "outpulseNumber",
            PrimaryTrunkGroup => "primaryTrunkGroup",
            PassiveLegTreatment => "passiveLegTreatment",
            ControllingLegTreatment => "controllingLegTreatment",
            PrimaryBillingIndicator => "primaryBillingIndicator",
            AmaAlternateBillingNumber => "aMAAlternateBillingNumber",
            AmaBusinessCustomerId => "aMABusinessCustomerID",
            AmaSlpId => "aMAslpID",
            EdpRequest => "eDPRequest",
            EdpNotification => "eDPNotification",
            ONoAnswerTimer => "oNoAnswerTimer",
            TNoAnswerTimer => "tNoAnswerTimer",
            TimeoutTimer => "timeoutTimer",
            EchoData => "echoData",
            TerminationIndicator => "terminationIndicator",
            ConnectTime => "connectTime",
            ControlCauseIndicator => "controlCauseIndicator",
            GapDuration => "gapDuration",
            GapInterval => "gapInterval",
            TranslationType => "translationType",
            GlobalTitleAddress => "globalTitleAddress",
            SspResponseMessageTimerT1 => "sSPResponseMessageTimerT1",
        }
    }
}

/// Members of one operation's argument, in ASN.1 order, and the mandatory ones.
#[derive(Debug, Clone, Copy)]
pub struct Schema {
    pub order: &'static [P],
    pub mandatory: &'static [P],
}

const UB: &[P] = &[P::UserId, P::BearerCapability];

/// The argument members of each operation scpd models, in the order of GR-1299's ASN.1
/// (Wireshark's `AIN-Operations.asn`), leaving out members scpd does not model.
pub fn schema(op: Operation) -> Schema {
    use P::*;
    let (order, mandatory): (&'static [P], &'static [P]) = match op {
        Operation::InfoCollected => (
            &[
                UserId,
                BearerCapability,
                ChargeNumber,
                Lata,
                Carrier,
                TriggerCriteriaType,
                CallingPartyId,
                ChargePartyStationType,
                AccessCode,
                CollectedAddressInfo,
                CollectedDigits,
                VerticalServiceCode,
                Tcm,
                OriginalCalledPartyId,
                RedirectingPartyId,
                RedirectionInformation,
                AcgEncountered,
                Amp1,
                Amp2,
                Sap,
                AmaSequenceNumber,
                ExtensionParameter,
            ],
            UB,
        ),
        Operation::InfoAnalyzed => (
            &[
                UserId,
                BearerCapability,
                CalledPartyId,
                Lata,
                TriggerCriteriaType,
                ChargeNumber,
                CallingPartyId,
                CallingPartyBgid,
                ChargePartyStationType,
                Carrier,
                AccessCode,
                CollectedAddressInfo,
                CollectedDigits,
                VerticalServiceCode,
                Tcm,
                OriginalCalledPartyId,
                RedirectingPartyId,
                RedirectionInformation,
                AcgEncountered,
                Amp1,
                Amp2,
                Sap,
                StrConnection,
                AmaSequenceNumber,
                ExtensionParameter,
                CtrConnection,
            ],
            UB,
        ),
        Operation::NetworkBusy => (
            &[
                UserId,
                BearerCapability,
                ChargeNumber,
                Lata,
                TriggerCriteriaType,
                CallingPartyId,
                ChargePartyStationType,
                CalledPartyId,
                Tcm,
                OriginalCalledPartyId,
                Carrier,
                RedirectingPartyId,
                RedirectionInformation,
                AcgEncountered,
                Amp1,
                Amp2,
                Sap,
                AmaSequenceNumber,
                ExtensionParameter,
                NotificationIndicator,
            ],
            UB,
        ),
        Operation::OriginationAttempt => (
            &[
                UserId,
                BearerCapability,
                ChargeNumber,
                Lata,
                TriggerCriteriaType,
                CallingPartyId,
                ChargePartyStationType,
                Carrier,
                AcgEncountered,
                Amp1,
                Amp2,
                Sap,
                AmaSequenceNumber,
                ExtensionParameter,
                NotificationIndicator,
            ],
            UB,
        ),
        Operation::TerminationAttempt => (
            &[
                UserId,
                BearerCapability,
                CalledPartyId,
                Lata,
                TriggerCriteriaType,
                CalledPartyStationType,
                ChargeNumber,
                CallingPartyId,
                ChargePartyStationType,
                Tcm,
                OriginalCalledPartyId,
                RedirectingPartyId,
                RedirectionInformation,
                GenericName,
                AcgEncountered,
                Amp1,
                Amp2,
                Sap,
                StrConnection,
                AmaSequenceNumber,
                ExtensionParameter,
                CtrConnection,
            ],
            UB,
        ),
        Operation::OAnswer | Operation::TAnswer | Operation::OTermSeized => (
            &[
                UserId,
                BearerCapability,
                NotificationIndicator,
                Amp1,
                Amp2,
                ExtensionParameter,
            ],
            UB,
        ),
        Operation::OAbandon => (
            &[
                UserId,
                BearerCapability,
                CcId,
                PointInCall,
                Amp1,
                Amp2,
                ExtensionParameter,
                NotificationIndicator,
            ],
            UB,
        ),
        Operation::ODisconnect => (
            &[
                UserId,
                BearerCapability,
                NotificationIndicator,
                Amp1,
                Amp2,
                ExtensionParameter,
                DisconnectCause,
                LegId,
                PointInCall,
            ],
            UB,
        ),
        Operation::ONoAnswer => (
            &[
                UserId,
                BearerCapability,
                CalledPartyId,
                Lata,
                TriggerCriteriaType,
                ChargeNumber,
                CallingPartyId,
                ChargePartyStationType,
                Carrier,
                OriginalCalledPartyId,
                RedirectingPartyId,
                RedirectionInformation,
                Sap,
                NotificationIndicator,
                AcgEncountered,
                Amp1,
                Amp2,
                StrConnection,
                AmaSequenceNumber,
                ExtensionParameter,
                CtrConnection,
            ],
            UB,
        ),
        // Not in Wireshark's module: O_No_Answer's members with the busy cause first, as
        // GR-1299's O_Called_Party_Busy reads to us.
        Operation::OCalledPartyBusy => (
            &[
                UserId,
                BearerCapability,
                BusyCause,
                CalledPartyId,
                Lata,
                TriggerCriteriaType,
                ChargeNumber,
                CallingPartyId,
                ChargePartyStationType,
                Carrier,
                OriginalCalledPartyId,
                RedirectingPartyId,
                RedirectionInformation,
                Sap,
                NotificationIndicator,
                AcgEncountered,
                Amp1,
                Amp2,
                StrConnection,
                AmaSequenceNumber,
                ExtensionParameter,
                CtrConnection,
            ],
            UB,
        ),
        Operation::TBusy => (
            &[
                UserId,
                BearerCapability,
                CalledPartyId,
                Lata,
                TriggerCriteriaType,
                ChargeNumber,
                CallingPartyId,
                ChargePartyStationType,
                OriginalCalledPartyId,
                RedirectingPartyId,
                RedirectionInformation,
                BusyCause,
                BusyType,
                CalledPartyStationType,
                Sap,
                GenericName,
                NotificationIndicator,
                AcgEncountered,
                Amp1,
                Amp2,
                StrConnection,
                AmaSequenceNumber,
                ExtensionParameter,
                CtrConnection,
            ],
            UB,
        ),
        Operation::TNoAnswer => (
            &[
                UserId,
                BearerCapability,
                CalledPartyId,
                Lata,
                TriggerCriteriaType,
                ChargeNumber,
                CallingPartyId,
                ChargePartyStationType,
                OriginalCalledPartyId,
                RedirectingPartyId,
                RedirectionInformation,
                CalledPartyStationType,
                Sap,
                GenericName,
                NotificationIndicator,
                AcgEncountered,
                Amp1,
                Amp2,
                StrConnection,
                AmaSequenceNumber,
                ExtensionParameter,
                CtrConnection,
            ],
            UB,
        ),
        Operation::TDisconnect => (
            &[
                UserId,
                BearerCapability,
                CcId,
                LegId,
                PointInCall,
                DisconnectCause,
                Amp1,
                Amp2,
                ExtensionParameter,
                NotificationIndicator,
                AmaSequenceNumber,
            ],
            UB,
        ),
        Operation::Timeout => (
            &[
                UserId,
                BearerCapability,
                LegId,
                BcmType,
                PointInCall,
                CcId,
                AcgEncountered,
                Amp1,
                Amp2,
                ExtensionParameter,
                NotificationIndicator,
            ],
            UB,
        ),
        Operation::FailureOutcome => (
            &[
                UserId,
                BearerCapability,
                NotificationIndicator,
                CcId,
                LegId,
                BcmType,
                PointInCall,
                FailureCause,
                Amp1,
                Amp2,
                ExtensionParameter,
            ],
            UB,
        ),
        Operation::TerminationNotification => (
            &[
                EchoData,
                TerminationIndicator,
                ConnectTime,
                BusyCause,
                Amp1,
                Amp2,
                ExtensionParameter,
            ],
            &[EchoData, TerminationIndicator],
        ),
        Operation::Close => (
            &[
                UserId,
                BearerCapability,
                CloseCause,
                Amp1,
                Amp2,
                ExtensionParameter,
            ],
            &[],
        ),
        Operation::AnalyzeRoute => (
            &[
                ChargeNumber,
                CallingPartyId,
                ChargePartyStationType,
                CalledPartyId,
                OutpulseNumber,
                Tcm,
                PrimaryTrunkGroup,
                Carrier,
                PassiveLegTreatment,
                RedirectingPartyId,
                PrimaryBillingIndicator,
                AmaAlternateBillingNumber,
                AmaBusinessCustomerId,
                AmaSlpId,
                Amp1,
                Amp2,
                AmaSequenceNumber,
                RedirectionInformation,
                ExtensionParameter,
                GenericName,
            ],
            &[],
        ),
        Operation::ForwardCall => (
            &[
                CallingPartyId,
                ChargeNumber,
                ChargePartyStationType,
                CalledPartyId,
                OutpulseNumber,
                Tcm,
                PrimaryTrunkGroup,
                Carrier,
                PassiveLegTreatment,
                PrimaryBillingIndicator,
                AmaAlternateBillingNumber,
                AmaBusinessCustomerId,
                AmaSlpId,
                Amp1,
                Amp2,
                AmaSequenceNumber,
                RedirectingPartyId,
                RedirectionInformation,
                ExtensionParameter,
                GenericName,
            ],
            &[],
        ),
        Operation::AuthorizeTermination => (
            &[
                CallingPartyId,
                Tcm,
                ControllingLegTreatment,
                PrimaryBillingIndicator,
                AmaAlternateBillingNumber,
                AmaBusinessCustomerId,
                AmaSlpId,
                Amp1,
                Amp2,
                AmaSequenceNumber,
                ExtensionParameter,
                GenericName,
            ],
            &[],
        ),
        Operation::Continue | Operation::Disconnect => (
            &[
                PrimaryBillingIndicator,
                AmaAlternateBillingNumber,
                AmaBusinessCustomerId,
                AmaSlpId,
                Amp1,
                Amp2,
                AmaSequenceNumber,
                ExtensionParameter,
            ],
            &[],
        ),
        Operation::RequestReportBcmEvent => (
            &[
                EdpRequest,
                EdpNotification,
                ONoAnswerTimer,
                TNoAnswerTimer,
                ExtensionParameter,
                TimeoutTimer,
            ],
            &[],
        ),
        Operation::SendNotification => (&[EchoData, Amp1, Amp2, ExtensionParameter], &[EchoData]),
        Operation::Acg => (
            &[
                ControlCauseIndicator,
                GapDuration,
                GapInterval,
                TranslationType,
                GlobalTitleAddress,
                ExtensionParameter,
            ],
            &[
                ControlCauseIndicator,
                GapDuration,
                GapInterval,
                TranslationType,
                GlobalTitleAddress,
            ],
        ),
        Operation::SetTimer => (&[SspResponseMessageTimerT1], &[]),
    };
    Schema { order, mandatory }
}

/// An AIN operation argument, borrowed from the received buffer: one field per modelled
/// parameter (GR-1299 §6 numbers in brackets are the context tags). Opaque members are
/// their contents, as received.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Arg<'a> {
    /// [53] the line/trunk/facility the trigger is for.
    pub user_id: Option<UserId<'a>>,
    /// [13]
    pub bearer_capability: Option<BearerCapability>,
    /// [15] the dialled number after analysis (Info_Analyzed), or where to route (answers).
    pub called_party_id: Option<AinDigits>,
    /// [16] INTEGER (0..99).
    pub called_party_station_type: Option<u8>,
    /// [17] business group (7 octets), opaque.
    pub calling_party_bgid: Option<&'a [u8]>,
    /// [18]
    pub calling_party_id: Option<AinDigits>,
    /// [19]
    pub charge_number: Option<AinDigits>,
    /// [20] INTEGER (0..99), the ANI II digits.
    pub charge_party_station_type: Option<u8>,
    /// [1]
    pub access_code: Option<AinDigits>,
    /// [2] one octet.
    pub acg_encountered: Option<u8>,
    /// [22] the digits collected before analysis (Info_Collected).
    pub collected_address_info: Option<AinDigits>,
    /// [23]
    pub collected_digits: Option<AinDigits>,
    /// [54]
    pub vertical_service_code: Option<AinDigits>,
    /// [51] travelling class mark.
    pub tcm: Option<AinDigits>,
    /// [35] AINDigits, 3 digits.
    pub lata: Option<AinDigits>,
    /// [41]
    pub carrier: Option<Carrier>,
    /// [52]
    pub trigger_criteria_type: Option<TriggerCriteriaType>,
    /// [36]
    pub original_called_party_id: Option<AinDigits>,
    /// [43]
    pub redirecting_party_id: Option<AinDigits>,
    /// [44]
    pub redirection_information: Option<RedirectionInformation>,
    /// [33] opaque (T1.113 generic name).
    pub generic_name: Option<&'a [u8]>,
    /// [11] 6 octets, opaque.
    pub amp1: Option<&'a [u8]>,
    /// [109] SEQUENCE contents, opaque.
    pub amp2: Option<&'a [u8]>,
    /// [81] opaque.
    pub sap: Option<&'a [u8]>,
    /// [96] BOOLEAN.
    pub str_connection: Option<bool>,
    /// [141] BOOLEAN.
    pub ctr_connection: Option<bool>,
    /// [89] 2 octets.
    pub ama_sequence_number: Option<[u8; 2]>,
    /// [84] ExtensionParameter SEQUENCE contents, opaque.
    pub extension_parameter: Option<&'a [u8]>,
    /// [111] BOOLEAN: TRUE for an EDP-N notification (no instruction expected), FALSE or
    /// absent for an EDP-R request (the SSP waits for one). AIN 0.2 only.
    pub notification_indicator: Option<bool>,
    /// [14] Q.850 cause of a busy.
    pub busy_cause: Option<Cause>,
    /// [94] 0 callCanBeOffered, 1 callCannotBeOffered.
    pub busy_type: Option<u8>,
    /// [116] 0 farEnd.
    pub disconnect_cause: Option<u8>,
    /// [132] INTEGER (0..2).
    pub leg_id: Option<u8>,
    /// [133] ENUMERATED.
    pub cc_id: Option<u8>,
    /// [134] 0 oBcm, 1 tBcm.
    pub bcm_type: Option<u8>,
    /// [135] ENUMERATED (PointInCall: 1 oNull ... 17 tSuspended).
    pub point_in_call: Option<u8>,
    /// [32] FailureCause ENUMERATED ([`super::params::failure_cause_name`]).
    pub failure_cause: Option<u8>,
    /// [72] CloseCause ENUMERATED ([`super::params::close_cause`]).
    pub close_cause: Option<u8>,
    /// [37] the digits to outpulse on the selected route.
    pub outpulse_number: Option<AinDigits>,
    /// [42] 5 octets (GR-1299 trunk group format), opaque.
    pub primary_trunk_group: Option<[u8; 5]>,
    /// [39] tone/alerting ENUMERATED.
    pub passive_leg_treatment: Option<u8>,
    /// [24] tone/alerting ENUMERATED.
    pub controlling_leg_treatment: Option<u8>,
    /// [40] BillingIndicator, 4 octets (AMA call type and structure code).
    pub primary_billing_indicator: Option<[u8; 4]>,
    /// [6]
    pub ama_alternate_billing_number: Option<AinDigits>,
    /// [7]
    pub ama_business_customer_id: Option<AinDigits>,
    /// [10]
    pub ama_slp_id: Option<AmaSlpId>,
    /// [92] events armed as requests (EDP-R).
    pub edp_request: Option<EdpSet>,
    /// [93] events armed as notifications (EDP-N).
    pub edp_notification: Option<EdpSet>,
    /// [91] seconds (1..120).
    pub o_no_answer_timer: Option<u8>,
    /// [99] seconds (1..120).
    pub t_no_answer_timer: Option<u8>,
    /// [139]
    pub timeout_timer: Option<TimeoutTimer>,
    /// [60] 6 octets the SCP chooses and the SSP echoes in Termination_Notification.
    pub echo_data: Option<[u8; 6]>,
    /// [67] one octet.
    pub termination_indicator: Option<u8>,
    /// [58] 5 octets, opaque.
    pub connect_time: Option<[u8; 5]>,
    /// [59] one octet.
    pub control_cause_indicator: Option<u8>,
    /// [62] ENUMERATED.
    pub gap_duration: Option<u8>,
    /// [63] / [64]
    pub gap_interval: Option<GapInterval>,
    /// [70] INTEGER (0..255).
    pub translation_type: Option<u8>,
    /// [69] opaque.
    pub global_title_address: Option<&'a [u8]>,
    /// [166] SSP T1 (response message timer), tenths of a second (1..300).
    pub ssp_response_message_timer_t1: Option<u16>,
}

fn dup(t: &Tlv<'_>) -> BerError {
    invalid("duplicate parameter", t.offset)
}

fn set<T>(slot: &mut Option<T>, t: &Tlv<'_>, v: T) -> crate::ber::Result<()> {
    if slot.is_some() {
        return Err(dup(t));
    }
    *slot = Some(v);
    Ok(())
}

fn digits(t: &Tlv<'_>, what: &'static str) -> crate::ber::Result<AinDigits> {
    AinDigits::decode(prim(t, what)?, t.value_offset)
}

fn boolean(t: &Tlv<'_>, what: &'static str) -> crate::ber::Result<bool> {
    prim(t, what)?;
    t.as_bool()
}

fn cons<'a>(t: &Tlv<'a>, what: &'static str) -> crate::ber::Result<&'a [u8]> {
    // Walk the contents so a malformed inner TLV fails here, not where it is relayed.
    t.children()
        .map_err(|_| invalid(what, t.offset))?
        .try_for_each(|e| e.map(drop))?;
    Ok(t.value)
}

impl<'a> Arg<'a> {
    /// Decode the members of a parameter element (ANSI TCAP parameter set F2, sequence F0 or
    /// SEQUENCE 30), in any order. Members of other tags are skipped.
    pub fn decode_members(param: &Tlv<'a>) -> crate::ber::Result<Arg<'a>> {
        let mut a = Arg::default();
        for m in param.children()? {
            let m = m?;
            if m.tag.class != Class::Context {
                continue;
            }
            a.member(&m)?;
        }
        Ok(a)
    }

    fn member(&mut self, t: &Tlv<'a>) -> crate::ber::Result<()> {
        use tag::*;
        let a = self;
        match t.tag.number {
            USER_ID => set(&mut a.user_id, t, UserId::decode(t)?),
            BEARER_CAPABILITY => set(
                &mut a.bearer_capability,
                t,
                BearerCapability(small(t, "BearerCapability")?),
            ),
            CALLED_PARTY_ID => set(&mut a.called_party_id, t, digits(t, "CalledPartyID")?),
            CALLED_PARTY_STATION_TYPE => set(
                &mut a.called_party_station_type,
                t,
                small(t, "CalledPartyStationType")?,
            ),
            CALLING_PARTY_BGID => set(&mut a.calling_party_bgid, t, prim(t, "CallingPartyBGID")?),
            CALLING_PARTY_ID => set(&mut a.calling_party_id, t, digits(t, "CallingPartyID")?),
            CHARGE_NUMBER => set(&mut a.charge_number, t, digits(t, "ChargeNumber")?),
            CHARGE_PARTY_STATION_TYPE => set(
                &mut a.charge_party_station_type,
                t,
                small(t, "ChargePartyStationType")?,
            ),
            ACCESS_CODE => set(&mut a.access_code, t, digits(t, "AccessCode")?),
            ACG_ENCOUNTERED => set(
                &mut a.acg_encountered,
                t,
                fixed::<1>(t, "ACGEncountered size")?[0],
            ),
            COLLECTED_ADDRESS_INFO => set(
                &mut a.collected_address_info,
                t,
                digits(t, "CollectedAddressInfo")?,
            ),
            COLLECTED_DIGITS => set(&mut a.collected_digits, t, digits(t, "CollectedDigits")?),
            VERTICAL_SERVICE_CODE => set(
                &mut a.vertical_service_code,
                t,
                digits(t, "VerticalServiceCode")?,
            ),
            TCM => set(&mut a.tcm, t, digits(t, "Tcm")?),
            LATA => set(&mut a.lata, t, digits(t, "Lata")?),
            CARRIER => set(
                &mut a.carrier,
                t,
                Carrier::decode(prim(t, "Carrier")?, t.value_offset)?,
            ),
            TRIGGER_CRITERIA_TYPE => set(
                &mut a.trigger_criteria_type,
                t,
                TriggerCriteriaType(small(t, "TriggerCriteriaType")?),
            ),
            ORIGINAL_CALLED_PARTY_ID => set(
                &mut a.original_called_party_id,
                t,
                digits(t, "OriginalCalledPartyID")?,
            ),
            REDIRECTING_PARTY_ID => set(
                &mut a.redirecting_party_id,
                t,
                digits(t, "RedirectingPartyID")?,
            ),
            REDIRECTION_INFORMATION => set(
                &mut a.redirection_information,
                t,
                RedirectionInformation::decode(fixed(t, "RedirectionInformation size")?),
            ),
            GENERIC_NAME => set(&mut a.generic_name, t, prim(t, "GenericName")?),
            AMP1 => set(&mut a.amp1, t, prim(t, "Amp1")?),
            AMP2 => set(&mut a.amp2, t, cons(t, "Amp2")?),
            SAP => set(&mut a.sap, t, prim(t, "Sap")?),
            STR_CONNECTION => set(&mut a.str_connection, t, boolean(t, "STRConnection")?),
            CTR_CONNECTION => set(&mut a.ctr_connection, t, boolean(t, "CTRConnection")?),
            AMA_SEQUENCE_NUMBER => set(
                &mut a.ama_sequence_number,
                t,
                fixed(t, "AMASequenceNumber size")?,
            ),
            EXTENSION_PARAMETER => set(
                &mut a.extension_parameter,
                t,
                cons(t, "ExtensionParameter")?,
            ),
            NOTIFICATION_INDICATOR => set(
                &mut a.notification_indicator,
                t,
                boolean(t, "NotificationIndicator")?,
            ),
            BUSY_CAUSE => set(
                &mut a.busy_cause,
                t,
                Cause::decode(prim(t, "BusyCause")?, t.value_offset)?,
            ),
            BUSY_TYPE => set(&mut a.busy_type, t, small(t, "BusyType")?),
            DISCONNECT_CAUSE => set(&mut a.disconnect_cause, t, small(t, "DisconnectCause")?),
            LEG_ID => set(&mut a.leg_id, t, small(t, "LegID")?),
            CC_ID => set(&mut a.cc_id, t, small(t, "CcID")?),
            BCM_TYPE => set(&mut a.bcm_type, t, small(t, "BCMType")?),
            POINT_IN_CALL => set(&mut a.point_in_call, t, small(t, "PointInCall")?),
            FAILURE_CAUSE => set(&mut a.failure_cause, t, small(t, "FailureCause")?),
            CLOSE_CAUSE => set(&mut a.close_cause, t, small(t, "CloseCause")?),
            OUTPULSE_NUMBER => set(&mut a.outpulse_number, t, digits(t, "OutpulseNumber")?),
            PRIMARY_TRUNK_GROUP => set(
                &mut a.primary_trunk_group,
                t,
                fixed(t, "PrimaryTrunkGroup size")?,
            ),
            PASSIVE_LEG_TREATMENT => set(
                &mut a.passive_leg_treatment,
                t,
                small(t, "PassiveLegTreatment")?,
            ),
            CONTROLLING_LEG_TREATMENT => set(
                &mut a.controlling_leg_treatment,
                t,
                small(t, "ControllingLegTreatment")?,
            ),
            PRIMARY_BILLING_INDICATOR => set(
                &mut a.primary_billing_indicator,
                t,
                fixed(t, "PrimaryBillingIndicator size")?,
            ),
            AMA_ALTERNATE_BILLING_NUMBER => set(
                &mut a.ama_alternate_billing_number,
                t,
                digits(t, "AMAAlternateBillingNumber")?,
            ),
            AMA_BUSINESS_CUSTOMER_ID => set(
                &mut a.ama_business_customer_id,
                t,
                digits(t, "AMABusinessCustomerID")?,
            ),
            AMA_SLP_ID => set(&mut a.ama_slp_id, t, AmaSlpId::decode(t)?),
            EDP_REQUEST => set(
                &mut a.edp_request,
                t,
                EdpSet::decode(prim(t, "EDPRequest")?, t.value_offset)?,
            ),
            EDP_NOTIFICATION => set(
                &mut a.edp_notification,
                t,
                EdpSet::decode(prim(t, "EDPNotification")?, t.value_offset)?,
            ),
            O_NO_ANSWER_TIMER => set(&mut a.o_no_answer_timer, t, small(t, "ONoAnswerTimer")?),
            T_NO_ANSWER_TIMER => set(&mut a.t_no_answer_timer, t, small(t, "TNoAnswerTimer")?),
            TIMEOUT_TIMER => set(&mut a.timeout_timer, t, TimeoutTimer::decode(t)?),
            ECHO_DATA => set(&mut a.echo_data, t, fixed(t, "EchoData size")?),
            TERMINATION_INDICATOR => set(
                &mut a.termination_indicator,
                t,
                fixed::<1>(t, "TerminationIndicator size")?[0],
            ),
            CONNECT_TIME => set(&mut a.connect_time, t, fixed(t, "ConnectTime size")?),
            CONTROL_CAUSE_INDICATOR => set(
                &mut a.control_cause_indicator,
                t,
                fixed::<1>(t, "ControlCauseIndicator size")?[0],
            ),
            GAP_DURATION => set(&mut a.gap_duration, t, small(t, "GapDuration")?),
            NATIONAL_GAP_INTERVAL => set(
                &mut a.gap_interval,
                t,
                GapInterval::National(small(t, "NationalGapInterval")?),
            ),
            PRIVATE_GAP_INTERVAL => set(
                &mut a.gap_interval,
                t,
                GapInterval::Private(small(t, "PrivateGapInterval")?),
            ),
            TRANSLATION_TYPE => set(&mut a.translation_type, t, small(t, "TranslationType")?),
            GLOBAL_TITLE_ADDRESS => set(
                &mut a.global_title_address,
                t,
                prim(t, "GlobalTitleAddress")?,
            ),
            SSP_RESPONSE_MESSAGE_TIMER_T1 => {
                prim(t, "SSPResponseMessageTimerT1")?;
                let v = u16::try_from(t.as_i64()?)
                    .map_err(|_| invalid("SSPResponseMessageTimerT1", t.value_offset))?;
                set(&mut a.ssp_response_message_timer_t1, t, v)
            }
            _ => Ok(()),
        }
    }

    /// Whether member `p` is present.
    pub fn has(&self, p: P) -> bool {
        use P::*;
        match p {
            UserId => self.user_id.is_some(),
            BearerCapability => self.bearer_capability.is_some(),
            CalledPartyId => self.called_party_id.is_some(),
            CalledPartyStationType => self.called_party_station_type.is_some(),
            CallingPartyBgid => self.calling_party_bgid.is_some(),
            CallingPartyId => self.calling_party_id.is_some(),
            ChargeNumber => self.charge_number.is_some(),
            ChargePartyStationType => self.charge_party_station_type.is_some(),
            AccessCode => self.access_code.is_some(),
            AcgEncountered => self.acg_encountered.is_some(),
            CollectedAddressInfo => self.collected_address_info.is_some(),
            CollectedDigits => self.collected_digits.is_some(),
            VerticalServiceCode => self.vertical_service_code.is_some(),
            Tcm => self.tcm.is_some(),
            Lata => self.lata.is_some(),
            Carrier => self.carrier.is_some(),
            TriggerCriteriaType => self.trigger_criteria_type.is_some(),
            OriginalCalledPartyId => self.original_called_party_id.is_some(),
            RedirectingPartyId => self.redirecting_party_id.is_some(),
            RedirectionInformation => self.redirection_information.is_some(),
            GenericName => self.generic_name.is_some(),
            Amp1 => self.amp1.is_some(),
            Amp2 => self.amp2.is_some(),
            Sap => self.sap.is_some(),
            StrConnection => self.str_connection.is_some(),
            CtrConnection => self.ctr_connection.is_some(),
            AmaSequenceNumber => self.ama_sequence_number.is_some(),
            ExtensionParameter => self.extension_parameter.is_some(),
            NotificationIndicator => self.notification_indicator.is_some(),
            BusyCause => self.busy_cause.is_some(),
            BusyType => self.busy_type.is_some(),
            DisconnectCause => self.disconnect_cause.is_some(),
            LegId => self.leg_id.is_some(),
            CcId => self.cc_id.is_some(),
            BcmType => self.bcm_type.is_some(),
            PointInCall => self.point_in_call.is_some(),
            FailureCause => self.failure_cause.is_some(),
            CloseCause => self.close_cause.is_some(),
            OutpulseNumber => self.outpulse_number.is_some(),
            PrimaryTrunkGroup => self.primary_trunk_group.is_some(),
            PassiveLegTreatment => self.passive_leg_treatment.is_some(),
            ControllingLegTreatment => self.controlling_leg_treatment.is_some(),
            PrimaryBillingIndicator => self.primary_billing_indicator.is_some(),
            AmaAlternateBillingNumber => self.ama_alternate_billing_number.is_some(),
            AmaBusinessCustomerId => self.ama_business_customer_id.is_some(),
            AmaSlpId => self.ama_slp_id.is_some(),
            EdpRequest => self.edp_request.is_some(),
            EdpNotification => self.edp_notification.is_some(),
            ONoAnswerTimer => self.o_no_answer_timer.is_some(),
            TNoAnswerTimer => self.t_no_answer_timer.is_some(),
            TimeoutTimer => self.timeout_timer.is_some(),
            EchoData => self.echo_data.is_some(),
            TerminationIndicator => self.termination_indicator.is_some(),
            ConnectTime => self.connect_time.is_some(),
            ControlCauseIndicator => self.control_cause_indicator.is_some(),
            GapDuration => self.gap_duration.is_some(),
            GapInterval => self.gap_interval.is_some(),
            TranslationType => self.translation_type.is_some(),
            GlobalTitleAddress => self.global_title_address.is_some(),
            SspResponseMessageTimerT1 => self.ssp_response_message_timer_t1.is_some(),
        }
    }

    /// Check this argument against `op`'s schema: mandatory members present, no member the
    /// operation does not carry, and every value encodable.
    pub fn check(&self, op: Operation) -> Result<(), AinError> {
        let s = schema(op);
        if let Some(p) = s.mandatory.iter().find(|p| !self.has(**p)) {
            return Err(AinError::Missing {
                op: op.name(),
                member: p.name(),
            });
        }
        if let Some(p) = P::ALL
            .iter()
            .find(|p| self.has(**p) && !s.order.contains(p))
        {
            return Err(AinError::NotInOperation {
                op: op.name(),
                member: p.name(),
            });
        }
        if let Some(c) = &self.carrier {
            c.to_array()?;
        }
        if let Some(s) = &self.ama_slp_id {
            s.to_array()?;
        }
        if let Some(u) = &self.user_id {
            u.validate()?;
        }
        Ok(())
    }

    /// Write the members of `op`'s argument in ASN.1 order (without the enclosing parameter
    /// element). Call [`Arg::check`] first: an unencodable value is skipped here.
    pub fn encode_members(&self, op: Operation, w: &mut Writer<'_>) {
        for p in schema(op).order {
            self.write(*p, w);
        }
    }

    fn write(&self, p: P, w: &mut Writer<'_>) {
        use tag::*;
        let d = |w: &mut Writer<'_>, n: u32, v: &Option<AinDigits>| {
            if let Some(v) = v {
                let (b, len) = v.to_array();
                w.primitive(Tag::ctx(n), &b[..len]);
            }
        };
        let int = |w: &mut Writer<'_>, n: u32, v: Option<u8>| {
            if let Some(v) = v {
                w.integer(Tag::ctx(n), v.into());
            }
        };
        let octet = |w: &mut Writer<'_>, n: u32, v: Option<u8>| {
            if let Some(v) = v {
                w.primitive(Tag::ctx(n), &[v]);
            }
        };
        let raw = |w: &mut Writer<'_>, n: u32, v: Option<&[u8]>| {
            if let Some(v) = v {
                w.primitive(Tag::ctx(n), v);
            }
        };
        let raw_cons = |w: &mut Writer<'_>, n: u32, v: Option<&[u8]>| {
            if let Some(v) = v {
                w.constructed(Tag::ctx_cons(n), |w| w.raw(v));
            }
        };
        let b = |w: &mut Writer<'_>, n: u32, v: Option<bool>| {
            if let Some(v) = v {
                w.boolean(Tag::ctx(n), v);
            }
        };
        let a = self;
        match p {
            P::UserId => {
                if let Some(u) = &a.user_id {
                    let _ = u.encode(w);
                }
            }
            P::BearerCapability => int(w, BEARER_CAPABILITY, a.bearer_capability.map(|b| b.0)),
            P::CalledPartyId => d(w, CALLED_PARTY_ID, &a.called_party_id),
            P::CalledPartyStationType => {
                int(w, CALLED_PARTY_STATION_TYPE, a.called_party_station_type)
            }
            P::CallingPartyBgid => raw(w, CALLING_PARTY_BGID, a.calling_party_bgid),
            P::CallingPartyId => d(w, CALLING_PARTY_ID, &a.calling_party_id),
            P::ChargeNumber => d(w, CHARGE_NUMBER, &a.charge_number),
            P::ChargePartyStationType => {
                int(w, CHARGE_PARTY_STATION_TYPE, a.charge_party_station_type)
            }
            P::AccessCode => d(w, ACCESS_CODE, &a.access_code),
            P::AcgEncountered => octet(w, ACG_ENCOUNTERED, a.acg_encountered),
            P::CollectedAddressInfo => d(w, COLLECTED_ADDRESS_INFO, &a.collected_address_info),
            P::CollectedDigits => d(w, COLLECTED_DIGITS, &a.collected_digits),
            P::VerticalServiceCode => d(w, VERTICAL_SERVICE_CODE, &a.vertical_service_code),
            P::Tcm => d(w, TCM, &a.tcm),
            P::Lata => d(w, LATA, &a.lata),
            P::Carrier => {
                if let Some(Ok((buf, n))) = a.carrier.map(|c| c.to_array()) {
                    w.primitive(Tag::ctx(CARRIER), &buf[..n]);
                }
            }
            P::TriggerCriteriaType => int(
                w,
                TRIGGER_CRITERIA_TYPE,
                a.trigger_criteria_type.map(|t| t.0),
            ),
            P::OriginalCalledPartyId => d(w, ORIGINAL_CALLED_PARTY_ID, &a.original_called_party_id),
            P::RedirectingPartyId => d(w, REDIRECTING_PARTY_ID, &a.redirecting_party_id),
            P::RedirectionInformation => {
                if let Some(r) = a.redirection_information {
                    w.primitive(Tag::ctx(REDIRECTION_INFORMATION), &r.encode());
                }
            }
            P::GenericName => raw(w, GENERIC_NAME, a.generic_name),
            P::Amp1 => raw(w, AMP1, a.amp1),
            P::Amp2 => raw_cons(w, AMP2, a.amp2),
            P::Sap => raw(w, SAP, a.sap),
            P::StrConnection => b(w, STR_CONNECTION, a.str_connection),
            P::CtrConnection => b(w, CTR_CONNECTION, a.ctr_connection),
            P::AmaSequenceNumber => raw(
                w,
                AMA_SEQUENCE_NUMBER,
                a.ama_sequence_number.as_ref().map(|v| &v[..]),
            ),
            P::ExtensionParameter => raw_cons(w, EXTENSION_PARAMETER, a.extension_parameter),
            P::NotificationIndicator => b(w, NOTIFICATION_INDICATOR, a.notification_indicator),
            P::BusyCause => {
                if let Some(c) = a.busy_cause {
                    let (buf, n) = c.to_array();
                    w.primitive(Tag::ctx(BUSY_CAUSE), &buf[..n]);
                }
            }
            P::BusyType => int(w, BUSY_TYPE, a.busy_type),
            P::DisconnectCause => int(w, DISCONNECT_CAUSE, a.disconnect_cause),
            P::LegId => int(w, LEG_ID, a.leg_id),
            P::CcId => int(w, CC_ID, a.cc_id),
            P::BcmType => int(w, BCM_TYPE, a.bcm_type),
            P::PointInCall => int(w, POINT_IN_CALL, a.point_in_call),
            P::FailureCause => int(w, FAILURE_CAUSE, a.failure_cause),
            P::CloseCause => int(w, CLOSE_CAUSE, a.close_cause),
            P::OutpulseNumber => d(w, OUTPULSE_NUMBER, &a.outpulse_number),
            P::PrimaryTrunkGroup => raw(
                w,
                PRIMARY_TRUNK_GROUP,
                a.primary_trunk_group.as_ref().map(|v| &v[..]),
            ),
            P::PassiveLegTreatment => int(w, PASSIVE_LEG_TREATMENT, a.passive_leg_treatment),
            P::ControllingLegTreatment => {
                int(w, CONTROLLING_LEG_TREATMENT, a.controlling_leg_treatment)
            }
            P::PrimaryBillingIndicator => raw(
                w,
                PRIMARY_BILLING_INDICATOR,
                a.primary_billing_indicator.as_ref().map(|v| &v[..]),
            ),
            P::AmaAlternateBillingNumber => d(
                w,
                AMA_ALTERNATE_BILLING_NUMBER,
                &a.ama_alternate_billing_number,
            ),
            P::AmaBusinessCustomerId => d(w, AMA_BUSINESS_CUSTOMER_ID, &a.ama_business_customer_id),
            P::AmaSlpId => {
                if let Some(Ok(buf)) = a.ama_slp_id.map(|s| s.to_array()) {
                    w.primitive(Tag::ctx(AMA_SLP_ID), &buf);
                }
            }
            P::EdpRequest | P::EdpNotification => {
                let (n, v) = if p == P::EdpRequest {
                    (EDP_REQUEST, a.edp_request)
                } else {
                    (EDP_NOTIFICATION, a.edp_notification)
                };
                if let Some(s) = v {
                    let (buf, len) = s.to_array();
                    w.primitive(Tag::ctx(n), &buf[..len]);
                }
            }
            P::ONoAnswerTimer => int(w, O_NO_ANSWER_TIMER, a.o_no_answer_timer),
            P::TNoAnswerTimer => int(w, T_NO_ANSWER_TIMER, a.t_no_answer_timer),
            P::TimeoutTimer => {
                if let Some(t) = &a.timeout_timer {
                    t.encode(w);
                }
            }
            P::EchoData => raw(w, ECHO_DATA, a.echo_data.as_ref().map(|v| &v[..])),
            P::TerminationIndicator => octet(w, TERMINATION_INDICATOR, a.termination_indicator),
            P::ConnectTime => raw(w, CONNECT_TIME, a.connect_time.as_ref().map(|v| &v[..])),
            P::ControlCauseIndicator => {
                octet(w, CONTROL_CAUSE_INDICATOR, a.control_cause_indicator)
            }
            P::GapDuration => int(w, GAP_DURATION, a.gap_duration),
            P::GapInterval => match a.gap_interval {
                Some(GapInterval::National(v)) => int(w, NATIONAL_GAP_INTERVAL, Some(v)),
                Some(GapInterval::Private(v)) => int(w, PRIVATE_GAP_INTERVAL, Some(v)),
                None => {}
            },
            P::TranslationType => int(w, TRANSLATION_TYPE, a.translation_type),
            P::GlobalTitleAddress => raw(w, GLOBAL_TITLE_ADDRESS, a.global_title_address),
            P::SspResponseMessageTimerT1 => {
                if let Some(v) = a.ssp_response_message_timer_t1 {
                    w.integer(Tag::ctx(SSP_RESPONSE_MESSAGE_TIMER_T1), v.into());
                }
            }
        }
    }
}

/// `FailedMessage` of an ApplicationErrorString (`[57]` SEQUENCE): the operation code of
/// the message in error and, optionally, the offending parameter as received (identifier,
/// length and contents).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FailedMessage<'a> {
    pub op_code: i64,
    pub parameter: Option<&'a [u8]>,
}

/// The applicationError (private 1) parameter: ApplicationErrorString (`[55]`: ErrorCause
/// `[56]`, FailedMessage `[57]`, UserID) and an optional untagged ExtensionParameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ApplicationError<'a> {
    /// ErrorCause ([`super::params::error_cause`]).
    pub error_cause: u8,
    pub failed_message: Option<FailedMessage<'a>>,
    pub user_id: Option<UserId<'a>>,
    /// ExtensionParameter SEQUENCE contents, opaque.
    pub extension: Option<&'a [u8]>,
}

/// The failureReport (private 2) parameter: FailureCause `[32]`, FailureCauseData `[112]`,
/// optional untagged ExtensionParameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FailureReport<'a> {
    pub failure_cause: u8,
    pub failure_cause_data: Option<&'a [u8]>,
    pub extension: Option<&'a [u8]>,
}

/// An AIN error (T1.114 ReturnError with a private error code), either way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AinErrorReport<'a> {
    ApplicationError(ApplicationError<'a>),
    FailureReport(FailureReport<'a>),
}

impl<'a> AinErrorReport<'a> {
    /// The private error code.
    pub fn code(&self) -> i32 {
        match self {
            AinErrorReport::ApplicationError(_) => super::ops::error_code::APPLICATION_ERROR,
            AinErrorReport::FailureReport(_) => super::ops::error_code::FAILURE_REPORT,
        }
    }

    /// Decode the members of a ReturnError parameter element for error `code`.
    pub fn decode(code: i32, param: &Tlv<'a>) -> Result<AinErrorReport<'a>, AinError> {
        let mut r = param.children()?;
        match code {
            super::ops::error_code::APPLICATION_ERROR => {
                let s = r.expect(
                    Tag::ctx_cons(tag::APPLICATION_ERROR_STRING),
                    "applicationErrorString",
                )?;
                let extension = match r.next_tlv()? {
                    Some(e) => Some(cons(&e.expect(Tag::SEQUENCE)?, "ExtensionParameter")?),
                    None => None,
                };
                r.finish()?;
                let mut a = ApplicationError {
                    extension,
                    ..Default::default()
                };
                let mut m = s.children()?;
                let ec = m.expect(Tag::ctx(tag::ERROR_CAUSE), "errorCause")?;
                a.error_cause = small(&ec, "ErrorCause")?;
                while let Some(t) = m.next_tlv()? {
                    if t.tag.is(Tag::ctx(tag::FAILED_MESSAGE)) {
                        let mut f = t.children()?;
                        let op = f.expect(Tag::INTEGER, "opCode")?;
                        let parameter = f.optional(Tag::OCTET_STRING)?.map(|p| p.value);
                        set(
                            &mut a.failed_message,
                            &t,
                            FailedMessage {
                                op_code: op.as_i64()?,
                                parameter,
                            },
                        )?;
                    } else if t.tag.is(Tag::ctx(tag::USER_ID)) {
                        set(&mut a.user_id, &t, UserId::decode(&t)?)?;
                    }
                }
                Ok(AinErrorReport::ApplicationError(a))
            }
            super::ops::error_code::FAILURE_REPORT => {
                let fc = r.expect(Tag::ctx(tag::FAILURE_CAUSE), "failureCause")?;
                let mut f = FailureReport {
                    failure_cause: small(&fc, "FailureCause")?,
                    ..Default::default()
                };
                if let Some(d) = r.optional(Tag::ctx(tag::FAILURE_CAUSE_DATA))? {
                    f.failure_cause_data = Some(prim(&d, "FailureCauseData")?);
                }
                if let Some(e) = r.next_tlv()? {
                    f.extension = Some(cons(&e.expect(Tag::SEQUENCE)?, "ExtensionParameter")?);
                }
                r.finish()?;
                Ok(AinErrorReport::FailureReport(f))
            }
            _ => Err(AinError::UnknownError(code)),
        }
    }

    /// Write the members (without the parameter element).
    pub fn encode_members(&self, w: &mut Writer<'_>) -> Result<(), AinError> {
        match self {
            AinErrorReport::ApplicationError(a) => {
                if let Some(u) = &a.user_id {
                    u.validate()?;
                }
                w.constructed(Tag::ctx_cons(tag::APPLICATION_ERROR_STRING), |w| {
                    w.integer(Tag::ctx(tag::ERROR_CAUSE), a.error_cause.into());
                    if let Some(f) = &a.failed_message {
                        w.constructed(Tag::ctx_cons(tag::FAILED_MESSAGE), |w| {
                            w.integer(Tag::INTEGER, f.op_code);
                            if let Some(p) = f.parameter {
                                w.primitive(Tag::OCTET_STRING, p);
                            }
                        });
                    }
                    if let Some(u) = &a.user_id {
                        let _ = u.encode(w);
                    }
                });
                if let Some(e) = a.extension {
                    w.constructed(Tag::SEQUENCE, |w| w.raw(e));
                }
            }
            AinErrorReport::FailureReport(f) => {
                w.integer(Tag::ctx(tag::FAILURE_CAUSE), f.failure_cause.into());
                if let Some(d) = f.failure_cause_data {
                    w.primitive(Tag::ctx(tag::FAILURE_CAUSE_DATA), d);
                }
                if let Some(e) = f.extension {
                    w.constructed(Tag::SEQUENCE, |w| w.raw(e));
                }
            }
        }
        Ok(())
    }
}

impl From<BerError> for AinError {
    fn from(e: BerError) -> Self {
        AinError::Decode(e)
    }
}

/// A mandatory-member error with the offset where the member was looked for.
pub(super) fn missing(what: &'static str, offset: usize) -> BerError {
    BerError::new(BerErrorKind::Missing(what), offset)
}
