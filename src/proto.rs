//! Types generated from `proto/scpd/v1/scpd.proto` (the gRPC surface, also the journal's
//! stored encoding of an event), and their translation from and to the service model. Only
//! the adapters (`api`, `store`) and the gRPC client commands use this module; the service
//! and everything below it speak [`crate::service`] types.

use crate::service;

tonic::include_proto!("scpd.v1");

/// Descriptor set for gRPC server reflection.
pub const FILE_DESCRIPTOR_SET: &[u8] =
    include_bytes!(concat!(env!("OUT_DIR"), "/scpd_descriptor.bin"));

impl From<service::Protocol> for Protocol {
    fn from(p: service::Protocol) -> Protocol {
        match p {
            service::Protocol::Unspecified => Protocol::Unspecified,
            service::Protocol::Camel => Protocol::Camel,
            service::Protocol::Ain => Protocol::Ain,
            service::Protocol::Inap => Protocol::Inap,
            service::Protocol::Win => Protocol::Win,
        }
    }
}

impl From<service::Direction> for Direction {
    fn from(d: service::Direction) -> Direction {
        match d {
            service::Direction::Unspecified => Direction::Unspecified,
            service::Direction::Originating => Direction::Originating,
            service::Direction::Terminating => Direction::Terminating,
        }
    }
}

impl From<service::NatureOfAddress> for NatureOfAddress {
    fn from(n: service::NatureOfAddress) -> NatureOfAddress {
        use service::NatureOfAddress as S;
        match n {
            S::Unspecified => NatureOfAddress::Unspecified,
            S::Unknown => NatureOfAddress::Unknown,
            S::Subscriber => NatureOfAddress::Subscriber,
            S::National => NatureOfAddress::National,
            S::International => NatureOfAddress::International,
            S::NetworkSpecific => NatureOfAddress::NetworkSpecific,
            S::Abbreviated => NatureOfAddress::Abbreviated,
            S::Other => NatureOfAddress::Other,
        }
    }
}

impl From<service::EventKind> for EventKind {
    fn from(k: service::EventKind) -> EventKind {
        use service::EventKind as S;
        match k {
            S::Trigger => EventKind::Trigger,
            S::Answered => EventKind::Answered,
            S::Disconnected => EventKind::Disconnected,
            S::Busy => EventKind::Busy,
            S::NoAnswer => EventKind::NoAnswer,
            S::Abandoned => EventKind::Abandoned,
            S::RouteSelectFailure => EventKind::RouteSelectFailure,
            S::DialogueAborted => EventKind::DialogueAborted,
            S::DialogueTimedOut => EventKind::DialogueTimedOut,
            S::Routed => EventKind::Routed,
            S::TransferLeg => EventKind::TransferLeg,
        }
    }
}

impl From<service::Policy> for Policy {
    fn from(p: service::Policy) -> Policy {
        match p {
            service::Policy::Unspecified => Policy::Unspecified,
            service::Policy::Pass => Policy::Pass,
            service::Policy::Monitor => Policy::Monitor,
            service::Policy::Anchor => Policy::Anchor,
            service::Policy::Decide => Policy::Decide,
        }
    }
}

impl From<Policy> for service::Policy {
    fn from(p: Policy) -> service::Policy {
        match p {
            Policy::Unspecified => service::Policy::Unspecified,
            Policy::Pass => service::Policy::Pass,
            Policy::Monitor => service::Policy::Monitor,
            Policy::Anchor => service::Policy::Anchor,
            Policy::Decide => service::Policy::Decide,
        }
    }
}

impl From<&service::Party> for PartyNumber {
    fn from(p: &service::Party) -> PartyNumber {
        PartyNumber {
            digits: p.digits.to_string(),
            nature_of_address: p.nature.into(),
            numbering_plan: p.plan.into(),
            presentation: p.presentation.into(),
            nature: NatureOfAddress::from(p.noa) as i32,
        }
    }
}

impl From<&service::Terminal> for Terminal {
    fn from(t: &service::Terminal) -> Terminal {
        Terminal {
            id: t.id.clone(),
            label: t.label.clone(),
        }
    }
}

impl From<&service::Subscriber> for Subscriber {
    fn from(s: &service::Subscriber) -> Subscriber {
        Subscriber {
            number: s.number.clone(),
            user: s.user.clone(),
            policy: Policy::from(s.policy) as i32,
            terminals: s.terminals.iter().map(Terminal::from).collect(),
            tenant: s.tenant.clone(),
        }
    }
}

impl From<Subscriber> for service::Subscriber {
    /// An unknown policy value reads as unspecified (the API refuses it before this).
    fn from(s: Subscriber) -> service::Subscriber {
        service::Subscriber {
            policy: s.policy().into(),
            number: s.number,
            user: s.user,
            terminals: s
                .terminals
                .into_iter()
                .map(|t| service::Terminal {
                    id: t.id,
                    label: t.label,
                })
                .collect(),
            tenant: s.tenant,
        }
    }
}

impl CallEvent {
    /// The event as published and journalled, with its journal sequence number.
    pub fn of(sequence: u64, ev: &service::Event) -> CallEvent {
        let info = &*ev.call;
        let t = &info.trigger;
        let sub = info.subscriber.as_deref();
        let party = |p: &Option<service::Party>| p.as_ref().map(PartyNumber::from);
        let boxed = |p: &Option<Box<service::Party>>| p.as_deref().map(PartyNumber::from);
        let text = |s: &Option<service::CompactString>| s.as_deref().unwrap_or("").to_string();
        CallEvent {
            sequence,
            call_id: info.id.to_string(),
            kind: EventKind::from(ev.kind) as i32,
            protocol: Protocol::from(t.protocol) as i32,
            direction: Direction::from(t.direction) as i32,
            calling_party: party(&t.calling),
            called_party: party(&t.called),
            imsi: text(&t.imsi),
            timestamp_ms: ev.timestamp_ms,
            protocol_version: t.version.to_string(),
            trigger: t.trigger.to_string(),
            service_key: t.service_key,
            switch_address: party(&t.switch_address),
            location: t.location.as_ref().map(Location::from),
            call_reference: text(&t.call_reference),
            original_called_party: boxed(&t.original_called),
            redirecting_party: boxed(&t.redirecting),
            subscriber: sub.map(|s| s.number.clone()).unwrap_or_default(),
            cause: ev.cause.map_or(0, u32::from),
            instruction: ev.instruction.map(|i| i.name()).unwrap_or("").to_string(),
            duration_seconds: ev.duration_seconds,
            location_number: boxed(&t.location_number),
            imei: text(&t.imei),
            min: text(&t.min),
            user: sub.map(|s| s.user.clone()).unwrap_or_default(),
            terminals: sub.map_or_else(Vec::new, |s| {
                s.terminals.iter().map(Terminal::from).collect()
            }),
            policy: sub.map_or(0, |s| Policy::from(s.policy) as i32),
            destination: ev.destination().as_ref().map(PartyNumber::from),
            routing_number: ev.routing_number.to_string(),
            linked_call_id: ev.linked_call_id.clone(),
            shed: ev.shed,
            malformed: t
                .malformed
                .iter()
                .chain(&ev.malformed)
                .map(|m| MalformedMember {
                    member: m.member.to_string(),
                    raw: m.raw.to_vec(),
                    fault: m.fault.clone(),
                })
                .collect(),
            tenants: info.tenants().map(str::to_string).collect(),
        }
    }
}

impl DecisionAnswer {
    /// What the answer decides; `None` when it carries no action.
    pub fn decision(&self) -> Option<service::Answer> {
        use decision_answer::Action;
        Some(match self.action.as_ref()? {
            Action::ContinueCall(c) => service::Answer::Continue { monitor: c.monitor },
            Action::ConnectTo(d) => service::Answer::ConnectTo(d.clone()),
            Action::ReleaseCause(c) => service::Answer::Release(*c),
            Action::RoutingNumber(n) => service::Answer::RoutingNumber(n.clone()),
        })
    }
}

impl From<&service::Location> for Location {
    fn from(l: &service::Location) -> Location {
        Location {
            mcc: l.mcc.to_string(),
            mnc: l.mnc.to_string(),
            lac: l.lac.into(),
            cell_id: l.cell_id.into(),
            vlr_number: l.vlr.to_string(),
        }
    }
}

impl SubscriberLocation {
    /// What the HLR said of `number`, retrieved at `now_ms`.
    pub fn of(number: &str, w: &service::hlr::Whereabouts, now_ms: i64) -> SubscriberLocation {
        use service::hlr::Reachability;
        let (state, reason) = match w.state {
            Reachability::Unknown => (SubscriberState::Unspecified, ""),
            Reachability::AssumedIdle => (SubscriberState::AssumedIdle, ""),
            Reachability::Busy => (SubscriberState::CamelBusy, ""),
            Reachability::NotReachable(r) => (SubscriberState::NotReachable, r),
            Reachability::NotProvidedFromVlr => (SubscriberState::NotProvidedFromVlr, ""),
        };
        SubscriberLocation {
            number: number.to_string(),
            state: state as i32,
            not_reachable_reason: reason.to_string(),
            location: w.location.as_ref().map(Location::from),
            age_minutes: w.age_minutes,
            geographical: w.geo.map(|g| GeoPoint {
                latitude: g.latitude,
                longitude: g.longitude,
                uncertainty_meters: g.uncertainty_m,
            }),
            msc_number: w.msc.clone(),
            current_location_retrieved: w.current,
            retrieved_at_ms: now_ms,
        }
    }
}

impl From<&service::routing::Allocation> for RoutingNumber {
    fn from(a: &service::routing::Allocation) -> RoutingNumber {
        use service::routing::PoolKind;
        RoutingNumber {
            number: a.number.clone(),
            target: a.target.clone(),
            expires_at_ms: a.expires_ms,
            call_id: a.call_id.clone(),
            pool: a.pool.clone(),
            kind: match a.kind {
                PoolKind::Trn => RoutingNumberKind::Trn,
                PoolKind::Anchor => RoutingNumberKind::AnchorNumber,
            } as i32,
            allocated_at_ms: a.allocated_ms,
            tenant: a.tenant.clone(),
            source: RoutingNumberSource::Pool as i32,
            ..RoutingNumber::default()
        }
    }
}
