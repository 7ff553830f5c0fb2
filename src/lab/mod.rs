//! Lab tools: reading captured traces, decoding them to JSON, and simulating switches.

pub mod capture;
pub mod decode;
pub mod decode_args;
pub mod json;
pub mod pcap_out;
pub mod replay;
pub mod sim;
pub mod sim_ain;

use crate::proto::{CallEvent, Direction, EventKind, Protocol};

/// A CallEvent as one JSON object, enums by name (what `scpd events` prints).
pub fn event_json(ev: &CallEvent) -> String {
    let party = |p: &Option<crate::proto::PartyNumber>| {
        p.as_ref().map(|p| {
            serde_json::json!({
                "digits": p.digits,
                "nature_of_address": p.nature_of_address,
                "numbering_plan": p.numbering_plan,
                "presentation": p.presentation,
                "nature": p.nature().as_str_name(),
            })
        })
    };
    let name = |s: &str| s.to_string();
    let mut v = serde_json::json!({
        "sequence": ev.sequence,
        "call_id": ev.call_id,
        "kind": EventKind::try_from(ev.kind).map_or(name("UNKNOWN"), |k| name(k.as_str_name())),
        "protocol": Protocol::try_from(ev.protocol).map_or(name("UNKNOWN"), |k| name(k.as_str_name())),
        "direction": Direction::try_from(ev.direction).map_or(name("UNKNOWN"), |k| name(k.as_str_name())),
        "timestamp_ms": ev.timestamp_ms,
        "protocol_version": ev.protocol_version,
        "trigger": ev.trigger,
        "service_key": ev.service_key,
        "calling_party": party(&ev.calling_party),
        "called_party": party(&ev.called_party),
        "imsi": ev.imsi,
        "subscriber": ev.subscriber,
        "instruction": ev.instruction,
        "cause": ev.cause,
        "duration_seconds": ev.duration_seconds,
        "call_reference": ev.call_reference,
    });
    if let Some(p) = party(&ev.switch_address) {
        v["switch_address"] = p;
    }
    if let Some(p) = party(&ev.original_called_party) {
        v["original_called_party"] = p;
    }
    if let Some(p) = party(&ev.redirecting_party) {
        v["redirecting_party"] = p;
    }
    if let Some(p) = party(&ev.location_number) {
        v["location_number"] = p;
    }
    if let Some(p) = party(&ev.destination) {
        v["destination"] = p;
    }
    for (k, s) in [
        ("imei", &ev.imei),
        ("user", &ev.user),
        ("routing_number", &ev.routing_number),
        ("linked_call_id", &ev.linked_call_id),
    ] {
        if !s.is_empty() {
            v[k] = serde_json::json!(s);
        }
    }
    if !ev.terminals.is_empty() {
        v["terminals"] = ev
            .terminals
            .iter()
            .map(|t| serde_json::json!({"id": t.id, "label": t.label}))
            .collect();
    }
    if ev.policy != 0 {
        v["policy"] = serde_json::json!(
            crate::proto::Policy::try_from(ev.policy).map_or("UNKNOWN", |p| p.as_str_name())
        );
    }
    if let Some(l) = &ev.location {
        v["location"] = serde_json::json!({"mcc": l.mcc, "mnc": l.mnc, "lac": l.lac, "cell_id": l.cell_id, "vlr_number": l.vlr_number});
    }
    v.to_string()
}
