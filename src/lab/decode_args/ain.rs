//! AIN arguments: every parameter of a [`crate::ain::Arg`] present, by its GR-1299 ASN.1
//! name, in name order.

use crate::ain::{self, Arg, P};
use crate::lab::json::J;

/// AIN parameters in the order of their names (the order of the keys written).
fn ain_order() -> &'static [P] {
    static ORDER: std::sync::OnceLock<Vec<P>> = std::sync::OnceLock::new();
    ORDER.get_or_init(|| {
        let mut v = P::ALL.to_vec();
        v.sort_by_key(|p| p.name());
        v
    })
}

/// An AIN argument: every member present, by its GR-1299 ASN.1 name; the ones the daemon
/// would take the call without (`malformed`, [`ain::ain_lenient`]) raw with their fault.
pub fn ain_argument(j: &mut J, a: &Arg<'_>, malformed: &[crate::ber::Malformed<'_>]) {
    j.open();
    for &p in ain_order() {
        match malformed.iter().find(|m| m.member == p.name()) {
            Some(m) => {
                j.key(p.name()).open().key("fault").display(&m.fault);
                j.key("raw").hex(m.raw).close();
            }
            None => ain_member(j, a, p),
        }
    }
    j.close();
}

fn ain_digits(j: &mut J, d: &ain::AinDigits) {
    j.open().key("digits").str(d.digits.as_str());
    j.key("natureOfNumber").num(d.nature);
    j.key("numberingPlan").num(d.plan);
    j.key("presentation").num(d.presentation);
    j.key("screening").num(d.screening).close();
}

/// Member `p` of `a`, `"name":value`, if present.
fn ain_member(j: &mut J, a: &Arg<'_>, p: P) {
    let key = p.name();
    let d = |j: &mut J, x: &Option<ain::AinDigits>| {
        if let Some(x) = x {
            ain_digits(j.key(key), x);
        }
    };
    let n = |j: &mut J, x: Option<u8>| {
        if let Some(v) = x {
            j.key(key).num(v);
        }
    };
    let h = |j: &mut J, x: Option<&[u8]>| {
        if let Some(v) = x {
            j.key(key).hex(v);
        }
    };
    let b = |j: &mut J, x: Option<bool>| {
        if let Some(v) = x {
            j.key(key).bool(v);
        }
    };
    let edps = |j: &mut J, x: Option<ain::EdpSet>| {
        if let Some(s) = x {
            j.key(key).open_array();
            for (i, n) in ain::EdpSet::NAMES.iter().enumerate() {
                if s.contains(1 << i) {
                    j.str(n);
                }
            }
            j.close_array();
        }
    };
    match p {
        P::UserId => {
            if let Some(u) = a.user_id {
                j.key(key).open();
                match u {
                    ain::UserId::Dn(d) => j.key("dn").str(d.as_str()),
                    ain::UserId::Bri { spid, dn } => {
                        j.key("bri").open().key("dn").str(dn.as_str());
                        j.key("spid").str(&String::from_utf8_lossy(spid)).close()
                    }
                    ain::UserId::TrunkGroup(t) => j.key("trunkGroupID").num(t),
                    ain::UserId::PrivateFacility(f) => j.key("privateFacilityGID").num(f),
                    ain::UserId::AdsiCpe(c) => j.key("aDSIcpeID").hex(&c),
                };
                j.close();
            }
        }
        P::BearerCapability => {
            if let Some(c) = a.bearer_capability {
                match c.name() {
                    Some(s) => j.key(key).str(s),
                    None => j.key(key).num(c.0),
                };
            }
        }
        P::CalledPartyId => d(j, &a.called_party_id),
        P::CalledPartyStationType => n(j, a.called_party_station_type),
        P::CallingPartyBgid => h(j, a.calling_party_bgid),
        P::CallingPartyId => d(j, &a.calling_party_id),
        P::ChargeNumber => d(j, &a.charge_number),
        P::ChargePartyStationType => n(j, a.charge_party_station_type),
        P::AccessCode => d(j, &a.access_code),
        P::AcgEncountered => n(j, a.acg_encountered),
        P::CollectedAddressInfo => d(j, &a.collected_address_info),
        P::CollectedDigits => d(j, &a.collected_digits),
        P::VerticalServiceCode => d(j, &a.vertical_service_code),
        P::Tcm => d(j, &a.tcm),
        P::Lata => d(j, &a.lata),
        P::Carrier => {
            if let Some(c) = a.carrier {
                j.key(key).open().key("carrierSelection").num(c.selection);
                j.key("digits").str(c.digits.as_str());
                j.key("natureOfCarrier").num(c.nature).close();
            }
        }
        P::TriggerCriteriaType => {
            if let Some(t) = a.trigger_criteria_type {
                match t.name() {
                    Some(s) => j.key(key).str(s),
                    None => j.key(key).num(t.0),
                };
            }
        }
        P::OriginalCalledPartyId => d(j, &a.original_called_party_id),
        P::RedirectingPartyId => d(j, &a.redirecting_party_id),
        P::RedirectionInformation => {
            if let Some(r) = a.redirection_information {
                j.key(key).hex(&r.encode());
            }
        }
        P::GenericName => h(j, a.generic_name),
        P::Amp1 => h(j, a.amp1),
        P::Amp2 => h(j, a.amp2),
        P::Sap => h(j, a.sap),
        P::StrConnection => b(j, a.str_connection),
        P::CtrConnection => b(j, a.ctr_connection),
        P::AmaSequenceNumber => h(j, a.ama_sequence_number.as_ref().map(|s| &s[..])),
        P::ExtensionParameter => h(j, a.extension_parameter),
        P::NotificationIndicator => b(j, a.notification_indicator),
        P::BusyCause => {
            if let Some(c) = a.busy_cause {
                j.key(key).open().key("location").num(c.location);
                j.key("value").num(c.value).close();
            }
        }
        P::BusyType => n(j, a.busy_type),
        P::DisconnectCause => n(j, a.disconnect_cause),
        P::LegId => n(j, a.leg_id),
        P::CcId => n(j, a.cc_id),
        P::BcmType => n(j, a.bcm_type),
        P::PointInCall => n(j, a.point_in_call),
        P::FailureCause => {
            if let Some(c) = a.failure_cause {
                match ain::params::failure_cause_name(c) {
                    Some(s) => j.key(key).str(s),
                    None => j.key(key).num(c),
                };
            }
        }
        P::CloseCause => n(j, a.close_cause),
        P::OutpulseNumber => d(j, &a.outpulse_number),
        P::PrimaryTrunkGroup => h(j, a.primary_trunk_group.as_ref().map(|s| &s[..])),
        P::PassiveLegTreatment => n(j, a.passive_leg_treatment),
        P::ControllingLegTreatment => n(j, a.controlling_leg_treatment),
        P::PrimaryBillingIndicator => h(j, a.primary_billing_indicator.as_ref().map(|s| &s[..])),
        P::AmaAlternateBillingNumber => d(j, &a.ama_alternate_billing_number),
        P::AmaBusinessCustomerId => d(j, &a.ama_business_customer_id),
        P::AmaSlpId => {
            if let Some(s) = &a.ama_slp_id {
                j.key(key).str(s.0.as_str());
            }
        }
        P::EdpRequest => edps(j, a.edp_request),
        P::EdpNotification => edps(j, a.edp_notification),
        P::ONoAnswerTimer => n(j, a.o_no_answer_timer),
        P::TNoAnswerTimer => n(j, a.t_no_answer_timer),
        P::TimeoutTimer => {
            if let Some(t) = &a.timeout_timer {
                j.key(key).display(format_args!("{t:?}"));
            }
        }
        P::EchoData => h(j, a.echo_data.as_ref().map(|s| &s[..])),
        P::TerminationIndicator => n(j, a.termination_indicator),
        P::ConnectTime => h(j, a.connect_time.as_ref().map(|s| &s[..])),
        P::ControlCauseIndicator => n(j, a.control_cause_indicator),
        P::GapDuration => n(j, a.gap_duration),
        P::GapInterval => {
            if let Some(g) = &a.gap_interval {
                j.key(key).display(format_args!("{g:?}"));
            }
        }
        P::TranslationType => n(j, a.translation_type),
        P::GlobalTitleAddress => h(j, a.global_title_address),
        P::SspResponseMessageTimerT1 => {
            if let Some(t) = a.ssp_response_message_timer_t1 {
                j.key(key).num(t);
            }
        }
    }
}
