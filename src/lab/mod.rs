//! Lab tools: reading captured traces, decoding them to JSON, and simulating switches.

pub mod capture;
pub mod decode;
pub mod decode_args;
pub mod json;
pub mod pcap_out;
pub mod replay;
pub mod sim;
pub mod sim_ain;
pub mod sim_hlr;
pub mod sim_win;

use crate::proto::{CallEvent, Direction, EventKind, Protocol};

/// A CallEvent as one JSON object, enums by name (what `scpd events` prints).
pub fn event_json(ev: &CallEvent) -> String {
    let mut j = json::J::new();
    write_event_json(&mut j, ev);
    String::from_utf8_lossy(j.bytes()).into_owned()
}

/// [`event_json`] written into `j` (no newline), without building a tree: `scpd events`
/// runs beside the daemon under load, so an event costs a copy of its fields into one
/// reused buffer. Members are in the order `serde_json` gave them (its maps sort by key),
/// so the text is what `serde_json::Value::to_string` printed; absent parties are `null`
/// where they always appear, and left out where they are optional.
pub fn write_event_json(j: &mut json::J, ev: &CallEvent) {
    fn party(j: &mut json::J, p: &crate::proto::PartyNumber) {
        j.open().key("digits").str(&p.digits);
        j.key("nature").str(p.nature().as_str_name());
        j.key("nature_of_address").num(p.nature_of_address);
        j.key("numbering_plan").num(p.numbering_plan);
        j.key("presentation").num(p.presentation).close();
    }
    fn party_or_null(j: &mut json::J, k: &str, p: &Option<crate::proto::PartyNumber>) {
        match p {
            Some(p) => party(j.key(k), p),
            None => {
                j.key(k).null();
            }
        }
    }
    fn opt_party(j: &mut json::J, k: &str, p: &Option<crate::proto::PartyNumber>) {
        if let Some(p) = p {
            party(j.key(k), p);
        }
    }
    fn opt_str(j: &mut json::J, k: &str, s: &str) {
        if !s.is_empty() {
            j.key(k).str(s);
        }
    }
    j.open().key("call_id").str(&ev.call_id);
    j.key("call_reference").str(&ev.call_reference);
    party_or_null(j, "called_party", &ev.called_party);
    party_or_null(j, "calling_party", &ev.calling_party);
    j.key("cause").num(ev.cause);
    opt_party(j, "destination", &ev.destination);
    j.key("direction")
        .str(Direction::try_from(ev.direction).map_or("UNKNOWN", |k| k.as_str_name()));
    j.key("duration_seconds").num(ev.duration_seconds);
    opt_str(j, "imei", &ev.imei);
    j.key("imsi").str(&ev.imsi);
    j.key("instruction").str(&ev.instruction);
    j.key("kind")
        .str(EventKind::try_from(ev.kind).map_or("UNKNOWN", |k| k.as_str_name()));
    opt_str(j, "linked_call_id", &ev.linked_call_id);
    if let Some(l) = &ev.location {
        j.key("location").open();
        j.key("cell_id").num(l.cell_id).key("lac").num(l.lac);
        j.key("mcc").str(&l.mcc).key("mnc").str(&l.mnc);
        j.key("vlr_number").str(&l.vlr_number).close();
    }
    opt_party(j, "location_number", &ev.location_number);
    if !ev.malformed.is_empty() {
        j.key("malformed").open_array();
        for m in &ev.malformed {
            j.open().key("fault").str(&m.fault);
            j.key("member").str(&m.member);
            j.key("raw").hex(&m.raw).close();
        }
        j.close_array();
    }
    opt_str(j, "min", &ev.min);
    opt_party(j, "original_called_party", &ev.original_called_party);
    if ev.policy != 0 {
        j.key("policy")
            .str(crate::proto::Policy::try_from(ev.policy).map_or("UNKNOWN", |p| p.as_str_name()));
    }
    j.key("protocol")
        .str(Protocol::try_from(ev.protocol).map_or("UNKNOWN", |k| k.as_str_name()));
    j.key("protocol_version").str(&ev.protocol_version);
    opt_party(j, "redirecting_party", &ev.redirecting_party);
    opt_str(j, "routing_number", &ev.routing_number);
    j.key("sequence").num(ev.sequence);
    j.key("service_key").num(ev.service_key);
    if ev.shed {
        j.key("shed").bool(true);
    }
    j.key("subscriber").str(&ev.subscriber);
    opt_party(j, "switch_address", &ev.switch_address);
    if !ev.tenants.is_empty() {
        j.key("tenants").open_array();
        for t in &ev.tenants {
            j.str(t);
        }
        j.close_array();
    }
    if !ev.terminals.is_empty() {
        j.key("terminals").open_array();
        for t in &ev.terminals {
            j.open().key("id").str(&t.id);
            j.key("label").str(&t.label).close();
        }
        j.close_array();
    }
    j.key("timestamp_ms").num(ev.timestamp_ms);
    j.key("trigger").str(&ev.trigger);
    opt_str(j, "user", &ev.user);
    j.close();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::{Location, PartyNumber, Terminal};

    /// The former implementation, through a `serde_json::Value` tree: the reference.
    fn tree_json(ev: &CallEvent) -> String {
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
            ("min", &ev.min),
            ("user", &ev.user),
            ("routing_number", &ev.routing_number),
            ("linked_call_id", &ev.linked_call_id),
        ] {
            if !s.is_empty() {
                v[k] = serde_json::json!(s);
            }
        }
        if !ev.tenants.is_empty() {
            v["tenants"] = serde_json::json!(ev.tenants);
        }
        if !ev.terminals.is_empty() {
            v["terminals"] = ev
                .terminals
                .iter()
                .map(|t| serde_json::json!({"id": t.id, "label": t.label}))
                .collect();
        }
        if ev.policy != 0 {
            v["policy"] =
                serde_json::json!(crate::proto::Policy::try_from(ev.policy)
                    .map_or("UNKNOWN", |p| p.as_str_name()));
        }
        if let Some(l) = &ev.location {
            v["location"] = serde_json::json!({"mcc": l.mcc, "mnc": l.mnc, "lac": l.lac, "cell_id": l.cell_id, "vlr_number": l.vlr_number});
        }
        v.to_string()
    }

    fn party(digits: &str, noa: u32) -> Option<PartyNumber> {
        Some(PartyNumber {
            digits: digits.into(),
            nature_of_address: noa,
            numbering_plan: 1,
            presentation: 1,
            nature: 2,
        })
    }

    #[test]
    fn streamed_event_is_the_tree_to_the_byte() {
        let mut events = vec![
            CallEvent::default(),
            CallEvent {
                sequence: u64::MAX,
                call_id: "c-1".into(),
                kind: 1,
                protocol: 1,
                direction: 2,
                calling_party: party("491700000001", 4),
                imsi: "262011234567890".into(),
                timestamp_ms: -1,
                protocol_version: "CAP v2".into(),
                trigger: "collectedInfo".into(),
                service_key: 100,
                ..Default::default()
            },
        ];
        // Every member there, odd strings and enum values no name is known for.
        events.push(CallEvent {
            called_party: party("4930123456", 3),
            switch_address: party("4917", 4),
            location: Some(Location {
                mcc: "262".into(),
                mnc: "01".into(),
                lac: 7,
                cell_id: u32::MAX,
                vlr_number: "49170\"q\"".into(),
            }),
            call_reference: "0a\u{1}\n".into(),
            original_called_party: party("1", 0),
            redirecting_party: party("2", 99),
            subscriber: "sub é€".into(),
            cause: 16,
            instruction: "monitor".into(),
            duration_seconds: 3,
            location_number: party("", 0),
            imei: "35".into(),
            min: "2125550100".into(),
            user: "u\\".into(),
            tenants: vec!["acme".into(), "glo\"bex".into()],
            terminals: vec![
                Terminal {
                    id: "t1".into(),
                    label: "".into(),
                },
                Terminal {
                    id: "t2".into(),
                    label: "desk\t".into(),
                },
            ],
            policy: 99,
            destination: party("0800", 3),
            routing_number: "4930999".into(),
            linked_call_id: "c-0".into(),
            kind: 999,
            protocol: -3,
            direction: 77,
            ..events[1].clone()
        });
        events.push(CallEvent {
            policy: 2,
            kind: 2,
            protocol: 2,
            direction: 1,
            terminals: vec![Terminal::default()],
            ..events[2].clone()
        });
        let mut j = json::J::new();
        for ev in &events {
            j.clear();
            write_event_json(&mut j, ev);
            assert_eq!(std::str::from_utf8(j.bytes()).unwrap(), tree_json(ev));
            assert_eq!(event_json(ev), tree_json(ev));
        }
    }
}
