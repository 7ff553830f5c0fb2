//! Checking an [`Arg`] against its operation's schema and writing its members in ASN.1
//! order (GR-1299; Wireshark's decoder, like strict switches, insists on the order).

use super::{schema, Arg, P};
use crate::ain::params::{tag, AinDigits, GapInterval};
use crate::ain::{AinError, Operation};
use crate::ber::{Tag, Writer};

impl<'a> Arg<'a> {
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
