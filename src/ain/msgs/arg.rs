//! [`Arg`], any AIN operation's argument (GR-1299 §5), and its decoding: members in any
//! order, unknown ones skipped, duplicates and malformed contents refused.

use super::P;
use crate::ain::params::{
    fixed, invalid, prim, small, tag, AinDigits, AmaSlpId, BearerCapability, Carrier, Cause,
    EdpSet, GapInterval, RedirectionInformation, TimeoutTimer, TriggerCriteriaType, UserId,
};
use crate::ber::{BerError, Class, Malformed, MalformedMembers, Tlv};

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
    /// [32] FailureCause ENUMERATED ([`crate::ain::params::failure_cause_name`]).
    pub failure_cause: Option<u8>,
    /// [72] CloseCause ENUMERATED ([`crate::ain::params::close_cause`]).
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

pub(super) fn set<T>(slot: &mut Option<T>, t: &Tlv<'_>, v: T) -> crate::ber::Result<()> {
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

pub(super) fn cons<'a>(t: &Tlv<'a>, what: &'static str) -> crate::ber::Result<&'a [u8]> {
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

    /// [`Arg::decode_members`], lenient in: a malformed (or repeated) member that is not
    /// in `mandatory` is left out and noted in `malformed` with its own encoding, so that
    /// the call goes on without it; a malformed mandatory member fails the decode.
    pub fn decode_members_lenient(
        param: &Tlv<'a>,
        mandatory: &[P],
        malformed: &mut MalformedMembers<'a>,
    ) -> crate::ber::Result<Arg<'a>> {
        let mut a = Arg::default();
        for m in param.children()? {
            let m = m?;
            if m.tag.class != Class::Context {
                continue;
            }
            if let Err(fault) = a.member(&m) {
                let p = P::of_tag(m.tag.number);
                if p.is_some_and(|p| mandatory.contains(&p)) {
                    return Err(fault);
                }
                malformed.push(Malformed {
                    member: p.map_or("parameter", P::name),
                    raw: m.raw,
                    fault,
                });
            }
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
}
