//! Whole-configuration checks after parsing: ranges, point codes that fit the variant,
//! keys that go together, duplicates. Every error names the offending key.

use super::{invalid, parse_endpoint, Config, ConfigError, Variant, MAX_SHARDS};
use crate::sccp::route::GtAction;

/// The standard's name of a point-code format, for messages.
fn variant_name(v: Variant) -> &'static str {
    match v {
        Variant::Itu => "ITU",
        Variant::Ansi => "ANSI",
        Variant::Chinese => "Chinese",
    }
}

impl Config {
    pub fn validate(&self) -> Result<(), ConfigError> {
        let variant = self.variant();
        if let (Some(n), Some(s)) = (self.node.variant, self.sccp.variant) {
            if n != s {
                return Err(invalid(
                    "sccp.variant",
                    format!(
                        "{} differs from node.variant {}",
                        variant_name(s),
                        variant_name(n)
                    ),
                ));
            }
        }
        let (pc_bits, pc_max) = match variant {
            Variant::Itu => (14, 0x3fff),
            Variant::Ansi | Variant::Chinese => (24, 0xff_ffff),
        };
        let check_pc = |key: String, pc: u32| -> Result<(), ConfigError> {
            if pc > pc_max {
                return Err(invalid(
                    key,
                    format!(
                        "{pc} does not fit in {pc_bits} bits ({} point codes)",
                        variant_name(variant)
                    ),
                ));
            }
            Ok(())
        };
        check_pc("node.point_code".into(), self.node.point_code)?;
        if self.runtime.shards > MAX_SHARDS {
            return Err(invalid(
                "runtime.shards",
                format!("at most {MAX_SHARDS} (0: one per core)"),
            ));
        }
        let o = &self.overload;
        if o.shed_after_ms == 0 || o.refuse_after_ms <= o.shed_after_ms {
            return Err(invalid(
                "overload.refuse_after_ms",
                format!(
                    "{} must be above overload.shed_after_ms ({}, itself above 0)",
                    o.refuse_after_ms, o.shed_after_ms
                ),
            ));
        }
        if !(1..=86_400).contains(&o.gap_seconds) {
            return Err(invalid(
                "overload.gap_seconds",
                "must be 1 to 86400 (CAP Duration)",
            ));
        }
        if !(0..=60_000).contains(&o.gap_interval_ms) {
            return Err(invalid(
                "overload.gap_interval_ms",
                "must be 0 to 60000 (CAP Interval; 0 lets no call through)",
            ));
        }
        if self.node.network_indicator > 3 {
            return Err(invalid("node.network_indicator", "must be 0 to 3"));
        }
        for u in &self.m3ua.listen {
            parse_endpoint(u).map_err(|r| invalid("m3ua.listen", r))?;
        }
        for u in &self.m3ua.connect {
            parse_endpoint(u).map_err(|r| invalid("m3ua.connect", r))?;
        }
        for u in &self.m3ua.ipsp_connect {
            parse_endpoint(u).map_err(|r| invalid("m3ua.ipsp_connect", r))?;
        }
        for u in &self.m3ua.ipsp_listen {
            parse_endpoint(u).map_err(|r| invalid("m3ua.ipsp_listen", r))?;
        }
        let m = &self.m3ua;
        if m.listen.is_empty()
            && m.connect.is_empty()
            && m.ipsp_connect.is_empty()
            && m.ipsp_listen.is_empty()
        {
            return Err(invalid(
                "m3ua.listen",
                "no association to listen on or connect to",
            ));
        }
        self.validate_m3ua()?;
        self.validate_application_servers(&check_pc)?;
        for (key, ssn) in [
            ("sccp.camel_ssn", self.sccp.camel_ssn),
            ("sccp.ain_ssn", self.sccp.ain_ssn),
            ("sccp.inap_ssn", self.sccp.inap_ssn),
            ("sccp.win_ssn", self.sccp.win_ssn),
        ] {
            if ssn == 0 || ssn == 1 {
                return Err(invalid(key, "SSN 0 and 1 are reserved (Q.713 §3.4.2.2)"));
            }
        }
        let s = &self.sccp;
        if s.inap_ssn == s.camel_ssn || s.inap_ssn == s.ain_ssn {
            return Err(invalid(
                "sccp.inap_ssn",
                "must differ from camel_ssn and ain_ssn: the SSN tells INAP from CAP",
            ));
        }
        if [s.camel_ssn, s.ain_ssn, s.inap_ssn].contains(&s.win_ssn) {
            return Err(invalid(
                "sccp.win_ssn",
                "must differ from camel_ssn, ain_ssn and inap_ssn: the SSN tells WIN from AIN",
            ));
        }
        self.hlr.validate(
            &check_pc,
            self.node.point_code,
            &[
                ("sccp.camel_ssn", s.camel_ssn),
                ("sccp.ain_ssn", s.ain_ssn),
                ("sccp.inap_ssn", s.inap_ssn),
                ("sccp.win_ssn", s.win_ssn),
            ],
        )?;
        if !(1..=15).contains(&self.sccp.hop_counter) {
            return Err(invalid("sccp.hop_counter", "must be 1 to 15 (Q.713 §3.18)"));
        }
        let r = &self.sccp.reassembly;
        if !(1_000..=60_000).contains(&r.timeout_ms) {
            return Err(invalid(
                "sccp.reassembly.timeout_ms",
                "must be 1000 to 60000 (Q.714 suggests 10 to 20 s)",
            ));
        }
        if r.max_concurrent == 0 {
            return Err(invalid(
                "sccp.reassembly.max_concurrent",
                "must be at least 1",
            ));
        }
        if r.max_bytes < 2048 {
            return Err(invalid(
                "sccp.reassembly.max_bytes",
                "must be at least 2048 (one reassembled message)",
            ));
        }
        for (i, pc) in self.sccp.scmg.concerned.iter().enumerate() {
            let key = format!("sccp.scmg.concerned[{i}]");
            check_pc(key.clone(), *pc)?;
            if *pc == self.node.point_code {
                return Err(invalid(key, "is our own point code"));
            }
        }
        for (i, rule) in self.sccp.gt_rules.iter().enumerate() {
            let key = |k: &str| format!("sccp.gt_rules[{i}].{k}");
            match &rule.action {
                GtAction::Local { ssn } => {
                    if let Some(s) = ssn {
                        let sccp = &self.sccp;
                        let local = [sccp.camel_ssn, sccp.ain_ssn, sccp.inap_ssn, sccp.win_ssn];
                        if !local.contains(s) {
                            return Err(invalid(
                                key("ssn"),
                                format!(
                                    "{s} is not a local subsystem (camel_ssn {}, ain_ssn {}, \
                                     inap_ssn {}, win_ssn {})",
                                    sccp.camel_ssn, sccp.ain_ssn, sccp.inap_ssn, sccp.win_ssn
                                ),
                            ));
                        }
                    }
                }
                GtAction::Remote { pc, ssn } => {
                    check_pc(key("pc"), *pc)?;
                    if *pc == self.node.point_code {
                        return Err(invalid(
                            key("pc"),
                            "is our own point code (use route = \"local\")",
                        ));
                    }
                    if matches!(ssn, Some(0 | 1)) {
                        return Err(invalid(key("ssn"), "SSN 0 and 1 are reserved"));
                    }
                }
                GtAction::Retranslate { pc, .. } => {
                    check_pc(key("pc"), *pc)?;
                    if *pc == self.node.point_code {
                        return Err(invalid(key("pc"), "is our own point code (a loop)"));
                    }
                }
            }
            if let Some(np) = rule.np {
                if np > 15 {
                    return Err(invalid(key("np"), "numbering plan is 4 bits (0 to 15)"));
                }
            }
            if let Some(nai) = rule.nai {
                if nai > 127 {
                    return Err(invalid(
                        key("nai"),
                        "nature of address is 7 bits (0 to 127)",
                    ));
                }
            }
            if let Some(j) = self.sccp.gt_rules[..i].iter().position(|o| {
                (o.tt, o.np, o.nai, o.prefix.as_str())
                    == (rule.tt, rule.np, rule.nai, rule.prefix.as_str())
            }) {
                return Err(invalid(
                    key("prefix"),
                    format!("same tt/np/nai/prefix as sccp.gt_rules[{j}]: it would never match"),
                ));
            }
        }
        if self.tcap.max_dialogues == 0 {
            return Err(invalid("tcap.max_dialogues", "must be at least 1"));
        }
        if self.tcap.dialogue_idle_seconds == 0 {
            return Err(invalid("tcap.dialogue_idle_seconds", "must be at least 1"));
        }
        self.grpc_addr()?;
        if self.store.path.is_empty() {
            return Err(invalid("store.path", "empty"));
        }
        for (key, v) in [
            ("grpc.tls_cert", &self.grpc.tls_cert),
            ("grpc.tls_key", &self.grpc.tls_key),
            ("grpc.tls_client_ca", &self.grpc.tls_client_ca),
        ] {
            if v.as_deref() == Some("") {
                return Err(invalid(key, "empty (omit the key for plaintext)"));
            }
        }
        if self.grpc.tls_cert.is_some() != self.grpc.tls_key.is_some() {
            return Err(invalid("grpc.tls_cert", "tls_cert and tls_key go together"));
        }
        if self.grpc.tls_client_ca.is_some() && self.grpc.tls_cert.is_none() {
            return Err(invalid(
                "grpc.tls_client_ca",
                "client certificates need TLS: set grpc.tls_cert and grpc.tls_key",
            ));
        }
        super::tenants::validate(&self.tenants, self.grpc.tls_client_ca.is_some())?;
        for (i, p) in self.routing_numbers.pool.iter().enumerate() {
            let tenant = |t: &super::Tenant| t.name == p.tenant && t.role != super::Role::Admin;
            if !p.tenant.is_empty() && !self.tenants.iter().any(tenant) {
                return Err(invalid(
                    format!("routing_numbers.pool[{i}].tenant"),
                    format!("{:?}: no [[tenants]] entry of that name", p.tenant),
                ));
            }
        }
        let r = &self.routing_numbers;
        if r.sweep_interval_ms < 10 {
            return Err(invalid(
                "routing_numbers.sweep_interval_ms",
                "must be at least 10",
            ));
        }
        if r.anchor_ttl_seconds == 0 {
            return Err(invalid(
                "routing_numbers.anchor_ttl_seconds",
                "must be at least 1",
            ));
        }
        if let Err(e) = crate::service::routing::Allocator::new(&r.pool) {
            return Err(invalid("routing_numbers.pool", e.to_string()));
        }
        let d = &self.decisions;
        if !(10..=20_000).contains(&d.deadline_ms) {
            return Err(invalid(
                "decisions.deadline_ms",
                "must be 10 to 20000 (inside the switch's Tssf)",
            ));
        }
        if !(1..=127).contains(&d.fallback_release_cause) {
            return Err(invalid(
                "decisions.fallback_release_cause",
                "Q.850 cause 1 to 127",
            ));
        }
        if d.reset_timer_after_ms > 0 && d.reset_timer_after_ms >= d.deadline_ms {
            return Err(invalid(
                "decisions.reset_timer_after_ms",
                "must be shorter than decisions.deadline_ms (or 0: never)",
            ));
        }
        if !(1..=300).contains(&d.reset_timer_seconds) {
            return Err(invalid(
                "decisions.reset_timer_seconds",
                "Tssf of 1 to 300 s",
            ));
        }
        let level = &self.log.level;
        // A lone word that is no level would parse as a target name and log nothing.
        let lone = !level.contains([',', '=', ':', '[']);
        const LEVELS: &[&str] = &["off", "error", "warn", "info", "debug", "trace"];
        if (lone && !LEVELS.contains(&level.to_ascii_lowercase().as_str()))
            || tracing_subscriber::EnvFilter::builder()
                .parse(level)
                .is_err()
        {
            return Err(invalid(
                "log.level",
                format!(
                    "\"{level}\": want off, error, warn, info, debug or trace, or tracing \
                     directives like \"info,scpd::m3ua=debug\""
                ),
            ));
        }
        Ok(())
    }

    fn validate_m3ua(&self) -> Result<(), ConfigError> {
        let m = &self.m3ua;
        let dup = |key: &'static str, rcs: &[u32]| -> Result<(), ConfigError> {
            for (i, rc) in rcs.iter().enumerate() {
                if rcs[..i].contains(rc) {
                    return Err(invalid(key, format!("routing context {rc} given twice")));
                }
            }
            Ok(())
        };
        dup("m3ua.routing_contexts", &m.routing_contexts)?;
        dup("m3ua.ipsp_routing_contexts", &m.ipsp_routing_contexts)?;
        if m.register && !m.client_routing_contexts().is_empty() {
            return Err(invalid(
                "m3ua.register",
                "needs connect_routing_contexts = [] (the SG assigns the routing context)",
            ));
        }
        if !m.register && !m.register_point_codes.is_empty() {
            return Err(invalid(
                "m3ua.register_point_codes",
                "only used with register = true",
            ));
        }
        if m.registration_max == 0 {
            return Err(invalid(
                "m3ua.registration_max",
                "must be at least 1 (registration = \"off\" turns it off)",
            ));
        }
        if let Some(rcs) = &m.connect_routing_contexts {
            dup("m3ua.connect_routing_contexts", rcs)?;
        }
        if !(100..=600_000).contains(&m.t_r_ms) {
            return Err(invalid("m3ua.t_r_ms", "must be 100 to 600000"));
        }
        if !(100..=60_000).contains(&m.t_ack_ms) {
            return Err(invalid("m3ua.t_ack_ms", "must be 100 to 60000"));
        }
        if m.beat_interval_ms != 0 && m.beat_interval_ms < 100 {
            return Err(invalid("m3ua.beat_interval_ms", "0 (off) or at least 100"));
        }
        if m.beat_timeout_ms < 100 {
            return Err(invalid("m3ua.beat_timeout_ms", "must be at least 100"));
        }
        if m.audit_interval_ms != 0 && m.audit_interval_ms < 1000 {
            return Err(invalid(
                "m3ua.audit_interval_ms",
                "0 (off) or at least 1000",
            ));
        }
        if m.reconnect_min_ms < 10 {
            return Err(invalid("m3ua.reconnect_min_ms", "must be at least 10"));
        }
        if m.reconnect_max_ms < m.reconnect_min_ms {
            return Err(invalid(
                "m3ua.reconnect_max_ms",
                "must not be below m3ua.reconnect_min_ms",
            ));
        }
        Ok(())
    }

    fn validate_application_servers(
        &self,
        check_pc: &dyn Fn(String, u32) -> Result<(), ConfigError>,
    ) -> Result<(), ConfigError> {
        for (k, pc) in self.m3ua.register_point_codes.iter().enumerate() {
            check_pc(format!("m3ua.register_point_codes[{k}]"), *pc)?;
        }
        let ases = &self.m3ua.application_servers;
        for (i, a) in ases.iter().enumerate() {
            let key = |k: &str| format!("m3ua.application_servers[{i}].{k}");
            if a.name.is_empty() {
                return Err(invalid(key("name"), "empty"));
            }
            let earlier = &ases[..i];
            if let Some(j) = earlier.iter().position(|o| o.name == a.name) {
                return Err(invalid(
                    key("name"),
                    format!("{:?} is also application_servers[{j}]", a.name),
                ));
            }
            for (what, dup) in [
                (
                    "routing_contexts",
                    a.routing_contexts
                        .iter()
                        .enumerate()
                        .find(|(k, rc)| {
                            a.routing_contexts[..*k].contains(rc)
                                || earlier.iter().any(|o| o.routing_contexts.contains(rc))
                        })
                        .map(|(_, v)| v.to_string()),
                ),
                (
                    "asp_ids",
                    a.asp_ids
                        .iter()
                        .enumerate()
                        .find(|(k, id)| {
                            a.asp_ids[..*k].contains(id)
                                || earlier.iter().any(|o| o.asp_ids.contains(id))
                        })
                        .map(|(_, v)| v.to_string()),
                ),
                (
                    "peers",
                    a.peers
                        .iter()
                        .enumerate()
                        .find(|(k, p)| {
                            a.peers[..*k].contains(p) || earlier.iter().any(|o| o.peers.contains(p))
                        })
                        .map(|(_, v)| v.to_string()),
                ),
            ] {
                if let Some(v) = dup {
                    return Err(invalid(
                        key(what),
                        format!("{v} names two application servers (or twice the same)"),
                    ));
                }
            }
            for (k, pc) in a.point_codes.iter().enumerate() {
                check_pc(key(&format!("point_codes[{k}]")), *pc)?;
                if *pc == self.node.point_code {
                    return Err(invalid(
                        key(&format!("point_codes[{k}]")),
                        "is our own point code",
                    ));
                }
            }
        }
        Ok(())
    }
}
