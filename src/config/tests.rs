use super::*;
use crate::sccp::route::GtAction;
use crate::sccp::segment::ReassemblyConfig;

#[test]
fn embedded_default_matches_interfaces_md() {
    let c = Config::embedded();
    assert_eq!(
        c.m3ua.listen,
        ["tcp://127.0.0.1:2905", "sctp://127.0.0.1:2905"]
    );
    assert_eq!(c.grpc.listen, "127.0.0.1:50051");
    assert_eq!((c.node.point_code, c.node.network_indicator), (200, 2));
    assert_eq!(c.sccp.camel_ssn, 146);
    assert_eq!(c.store.path, "scpd.db");
}

#[test]
fn errors_name_the_key() {
    let typo = DEFAULT_TOML.replace("camel_ssn", "camel_sn");
    let e = Config::parse(&typo).unwrap_err().to_string();
    assert!(e.contains("camel_sn"), "{e}");
    let bad = DEFAULT_TOML.replace("point_code = 200", "point_code = 20000");
    let e = Config::parse(&bad).unwrap_err().to_string();
    assert!(e.starts_with("node.point_code"), "{e}");
    let bad = DEFAULT_TOML.replace("tcp://127.0.0.1:2905", "udp://x");
    assert!(Config::parse(&bad)
        .unwrap_err()
        .to_string()
        .starts_with("m3ua.listen"));
}

#[test]
fn embedded_default_m3ua_and_sccp() {
    let c = Config::embedded();
    assert_eq!(c.m3ua.routing_contexts, [1]);
    assert_eq!(c.m3ua.client_routing_contexts(), [1]);
    assert_eq!(c.m3ua.traffic_mode, TrafficModeConfig::Loadshare);
    assert_eq!(c.m3ua.connect_traffic_mode, TrafficModeConfig::Loadshare);
    assert_eq!(
        (c.m3ua.t_r_ms, c.m3ua.t_ack_ms, c.m3ua.beat_interval_ms),
        (2000, 2000, 0)
    );
    assert_eq!(c.m3ua.asp_id, None);
    assert_eq!(c.variant(), Variant::Itu);
    assert_eq!(c.sccp.hop_counter, 15);
    assert_eq!(c.sccp.reassembly, ReassemblyConfig::default());
    assert!(c.sccp.scmg.concerned.is_empty() && c.sccp.gt_rules.is_empty());
    // The keys are optional: a file without them means the same.
    let minimal = "[node]\npoint_code = 200\nnetwork_indicator = 2\n\
        [m3ua]\nlisten = [\"tcp://127.0.0.1:2905\"]\n\
        [sccp]\ncamel_ssn = 146\nain_ssn = 247\n\
        [tcap]\nmax_dialogues = 10\ndialogue_idle_seconds = 5\n\
        [grpc]\nlisten = \"127.0.0.1:50051\"\n[store]\npath = \"x.db\"\n";
    let m = Config::parse(minimal).unwrap();
    assert_eq!((m.m3ua.t_r_ms, m.sccp.hop_counter), (2000, 15));
    assert_eq!(m.variant(), Variant::Itu);
}

#[test]
fn sccp_section_in_the_proposed_shape() {
    let text = DEFAULT_TOML.replace(
        "concerned = []",
        r#"concerned = [300, 301]

[[sccp.gt_rules]]
prefix = "4917"
route = "local"
ssn = 146

[[sccp.gt_rules]]
tt = 0
np = 1
nai = 4
prefix = "49"
route = "remote"
pc = 300
ssn = 6

[[sccp.gt_rules]]
prefix = ""
route = "retranslate"
pc = 301
new_tt = 10
"#,
    );
    let c = Config::parse(&text).unwrap();
    assert_eq!(c.sccp.scmg.concerned, [300, 301]);
    assert_eq!(c.sccp.gt_rules.len(), 3);
    assert_eq!(
        c.sccp.gt_rules[0].action,
        GtAction::Local { ssn: Some(146) }
    );
    assert_eq!(c.sccp.gt_rules[0].tt, None);
    assert_eq!(
        c.sccp.gt_rules[1].action,
        GtAction::Remote {
            pc: 300,
            ssn: Some(6)
        }
    );
    assert_eq!(
        (c.sccp.gt_rules[1].np, c.sccp.gt_rules[1].nai),
        (Some(1), Some(4))
    );
    assert_eq!(
        c.sccp.gt_rules[2].action,
        GtAction::Retranslate {
            pc: 301,
            new_tt: 10
        }
    );
    // The table the SCCP engineer's router takes.
    let table = crate::sccp::route::GtTable::new(
        c.variant(),
        Some(c.node.point_code),
        c.sccp.gt_rules.clone(),
    );
    assert_eq!(table.gt_rules.len(), 3);
}

fn err(text: &str) -> String {
    Config::parse(text).unwrap_err().to_string()
}

#[test]
fn m3ua_and_sccp_errors_name_the_key() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "traffic_mode = \"loadshare\"",
            "traffic_mode = \"roundrobin\"",
            "roundrobin",
        ),
        ("t_r_ms = 2000", "t_r_ms = 5", "m3ua.t_r_ms"),
        ("t_ack_ms = 2000", "t_ack_ms = 0", "m3ua.t_ack_ms"),
        (
            "beat_interval_ms = 0",
            "beat_interval_ms = 7",
            "m3ua.beat_interval_ms",
        ),
        (
            "reconnect_max_ms = 30000",
            "reconnect_max_ms = 100",
            "m3ua.reconnect_max_ms",
        ),
        (
            "routing_contexts = [1]",
            "routing_contexts = [1, 1]",
            "m3ua.routing_contexts",
        ),
        (
            "variant = \"itu\"\n# Hop",
            "variant = \"ansi\"\n# Hop",
            "sccp.variant",
        ),
        ("hop_counter = 15", "hop_counter = 16", "sccp.hop_counter"),
        (
            "\ntimeout_ms = 10000",
            "\ntimeout_ms = 10",
            "sccp.reassembly.timeout_ms",
        ),
        (
            "max_concurrent = 1024",
            "max_concurrent = 0",
            "sccp.reassembly.max_concurrent",
        ),
        ("max_bytes = 4194304", "max_byte = 4194304", "max_byte"),
        (
            "concerned = []",
            "concerned = [200]",
            "sccp.scmg.concerned[0]",
        ),
        (
            "concerned = []",
            "concerned = [16384]",
            "sccp.scmg.concerned[0]",
        ),
        ("ain_ssn = 247", "ain_ssn = 1", "sccp.ain_ssn"),
        (
            "ama_slp_id = \"000000000\"",
            "ama_slp_id = \"12345678\"",
            "ain.ama_slp_id",
        ),
        (
            "ama_slp_id = \"000000000\"",
            "ama_slp_id = \"12345678A\"",
            "ain.ama_slp_id",
        ),
        ("release = \"0.2\"", "release = \"0.3\"", "0.3"),
    ];
    for (from, to, want) in cases {
        assert!(DEFAULT_TOML.contains(from), "{from}");
        let e = err(&DEFAULT_TOML.replacen(from, to, 1));
        assert!(e.contains(want), "{to}: {e}");
    }
    let rule = |body: &str| {
        DEFAULT_TOML.replace(
            "concerned = []",
            &format!("concerned = []\n[[sccp.gt_rules]]\n{body}"),
        )
    };
    for (body, want) in [
        ("prefix = \"49\"\nroute = \"local\"\nssm = 146", "sccp.gt_rules[0].ssm"),
        ("prefix = \"49\"\nroute = \"local\"\nssn = 99", "sccp.gt_rules[0].ssn"),
        ("prefix = \"49\"\nroute = \"far\"", "sccp.gt_rules[0].route"),
        ("prefix = \"49\"\nssn = 146", "sccp.gt_rules[0].route"),
        ("prefix = \"49\"\nroute = \"remote\"\npc = 200", "sccp.gt_rules[0].pc"),
        ("prefix = \"49\"\nroute = \"remote\"\npc = 99999", "sccp.gt_rules[0].pc"),
        ("prefix = \"49\"\nroute = \"retranslate\"\npc = 300\nnew_tt = 1\nssn = 6", "sccp.gt_rules[0].ssn"),
        ("prefix = \"49x\"\nroute = \"local\"", "49x"),
        ("prefix = \"49\"\nroute = \"local\"\nnp = 16", "sccp.gt_rules[0].np"),
        (
            "prefix = \"49\"\nroute = \"local\"\n[[sccp.gt_rules]]\nprefix = \"49\"\nroute = \"remote\"\npc = 3",
            "sccp.gt_rules[1].prefix",
        ),
    ] {
        let e = err(&rule(body));
        assert!(e.contains(want), "{body}: {e}");
    }
    // 24-bit point codes are fine with ANSI.
    let ansi = DEFAULT_TOML
        .replace("variant = \"itu\"", "variant = \"ansi\"")
        .replace("point_code = 200", "point_code = 1000000");
    let c = Config::parse(&ansi).unwrap();
    assert_eq!(c.variant(), Variant::Ansi);
}

#[test]
fn m3ua_roles_keys() {
    let c = Config::embedded();
    assert!(c.m3ua.application_servers.is_empty());
    assert_eq!(c.m3ua.registration, RegistrationMode::Dynamic);
    assert_eq!(c.m3ua.ipsp_exchange, IpspExchange::Single);
    assert!(!c.m3ua.register);
    let ases = DEFAULT_TOML.replace(
        "[sccp]\n",
        "[[m3ua.application_servers]]\nname = \"a\"\nrouting_contexts = [10]\nasp_ids = [1]\n\
         [[m3ua.application_servers]]\nname = \"b\"\nrouting_contexts = [20]\n\
         peers = [\"10.0.0.9\"]\npoint_codes = [101]\n[sccp]\n",
    );
    let c = Config::parse(&ases).unwrap();
    assert_eq!(
        c.m3ua.application_servers[1].peers[0].to_string(),
        "10.0.0.9"
    );
    for (from, to, want) in [
        (
            "[20]",
            "[10]",
            "m3ua.application_servers[1].routing_contexts",
        ),
        (
            "name = \"b\"",
            "name = \"a\"",
            "m3ua.application_servers[1].name",
        ),
        (
            "[101]",
            "[200]",
            "m3ua.application_servers[1].point_codes[0]",
        ),
        (
            "[101]",
            "[16384]",
            "m3ua.application_servers[1].point_codes[0]",
        ),
        ("peers = [\"10.0.0.9\"]", "peerz = [\"10.0.0.9\"]", "peerz"),
    ] {
        let e = err(&ases.replacen(from, to, 1));
        assert!(e.contains(want), "{to}: {e}");
    }
    for (from, to, want) in [
        ("register = false", "register = true", "m3ua.register"),
        (
            "ipsp_exchange = \"single\"",
            "ipsp_exchange = \"triple\"",
            "triple",
        ),
        (
            "ipsp_listen = []",
            "ipsp_listen = [\"udp://x\"]",
            "m3ua.ipsp_listen",
        ),
        (
            "registration_max = 64",
            "registration_max = 0",
            "m3ua.registration_max",
        ),
    ] {
        let e = err(&DEFAULT_TOML.replacen(from, to, 1));
        assert!(e.contains(want), "{to}: {e}");
    }
    let reg = DEFAULT_TOML.replace(
        "register = false",
        "register = true\nconnect_routing_contexts = []",
    );
    assert!(Config::parse(&reg).unwrap().m3ua.register);
}

#[test]
fn endpoints() {
    assert_eq!(
        parse_endpoint("tcp://127.0.0.1:2905").unwrap(),
        Endpoint::Tcp("127.0.0.1:2905".parse().unwrap())
    );
    assert_eq!(
        parse_endpoint("sctp://127.0.0.1,127.0.0.2:2905").unwrap(),
        Endpoint::Sctp(vec![
            "127.0.0.1:2905".parse().unwrap(),
            "127.0.0.2:2905".parse().unwrap()
        ])
    );
    assert!(parse_endpoint("sctp://127.0.0.1").is_err());
}

/// Issue 18: every key with a documented default may be left out; a file naming only the
/// point code runs like the embedded default otherwise.
#[test]
fn only_the_point_code() {
    let c = Config::parse("[node]\npoint_code = 300\n").unwrap();
    let e = Config::embedded();
    assert_eq!(c.node.point_code, 300);
    assert_eq!(c.node.network_indicator, e.node.network_indicator);
    assert_eq!(c.m3ua, e.m3ua);
    assert_eq!((c.sccp.camel_ssn, c.sccp.ain_ssn), (146, 247));
    assert_eq!(c.sccp.variant, None);
    assert_eq!(c.tcap, e.tcap);
    assert_eq!(c.grpc, e.grpc);
    assert_eq!(c.store.path, "scpd.db");
    assert_eq!(c.log, Log::default());
    // A section given keeps the documented defaults of the keys it leaves out.
    let c = Config::parse("[node]\npoint_code = 300\n[sccp]\nhop_counter = 7\n[grpc]\n[store]\n")
        .unwrap();
    assert_eq!((c.sccp.camel_ssn, c.sccp.ain_ssn), (146, 247));
    assert_eq!(c.grpc.listen, "127.0.0.1:50051");
    assert_eq!(c.store.path, "scpd.db");
    // Left out, [sccp] follows node.variant instead of contradicting it.
    let c = Config::parse("[node]\npoint_code = 300\nvariant = \"ansi\"\n").unwrap();
    assert_eq!(c.variant(), Variant::Ansi);
    // [node] is who the node is: no default.
    assert!(err("[grpc]\n").contains("node"), "{}", err("[grpc]\n"));
}

#[test]
fn unknown_section_is_named() {
    let typo = DEFAULT_TOML.replace("[sccp]\n", "[scpp]\n");
    let e = err(&typo);
    assert!(
        e.starts_with("[scpp]: unknown section; did you mean [sccp]?"),
        "{e}"
    );
    let e = err("[node]\npoint_code = 3\n[metrix]\nlisten = \"x\"\n");
    assert!(
        e.starts_with("[metrix]: unknown section (sections: [node]"),
        "{e}"
    );
    let e = err("point_code = 3\n[node]\npoint_code = 3\n");
    assert!(
        e.starts_with("point_code: a key outside any section"),
        "{e}"
    );
}

#[test]
fn host_names_in_host_port() {
    let c =
        Config::parse("[node]\npoint_code = 3\n[grpc]\nlisten = \"localhost:50051\"\n").unwrap();
    assert_eq!(c.grpc_addr().unwrap().port(), 50051);
    assert!(c.grpc_addr().unwrap().ip().is_loopback());
    for bad in ["127.0.0.1", "localhost", ":50051", "localhost:99999"] {
        let e = err(&format!(
            "[node]\npoint_code = 3\n[grpc]\nlisten = \"{bad}\"\n"
        ));
        assert!(
            e.starts_with("grpc.listen: ") && e.contains("HOST:PORT"),
            "{bad}: {e}"
        );
    }
}

/// Messages in the standard's and the writer's words, not Rust's (`(Itu)`, `expected u8`).
#[test]
fn messages_in_plain_words() {
    let e = err("[node]\npoint_code = 20000\n");
    assert_eq!(
        e,
        "node.point_code: 20000 does not fit in 14 bits (ITU point codes)"
    );
    let e = err("[node]\npoint_code = 3\nvariant = \"ansi\"\n[sccp]\nvariant = \"itu\"\n");
    assert_eq!(e, "sccp.variant: ITU differs from node.variant ANSI");
    let e = err("[node]\npoint_code = 3\nnetwork_indicator = 300\n");
    assert!(
        e.contains("the number `300`, expected a whole number from 0 to 255"),
        "{e}"
    );
    assert!(!e.contains("u8") && !e.contains("integer"), "{e}");
    let e = err("[node]\npoint_code = \"3\"\n");
    assert!(!e.contains("u32"), "{e}");
}

#[test]
fn log_section() {
    let c = Config::parse("[node]\npoint_code = 3\n[log]\nformat = \"json\"\nlevel = \"debug\"\n")
        .unwrap();
    assert_eq!(
        (c.log.format, c.log.level.as_str()),
        (LogFormat::Json, "debug")
    );
    let e = err("[node]\npoint_code = 3\n[log]\nformat = \"xml\"\n");
    assert!(
        e.contains("xml") && e.contains("text") && e.contains("json"),
        "{e}"
    );
    let e = err("[node]\npoint_code = 3\n[log]\nlevel = \"loud\"\n");
    assert!(e.starts_with("log.level: \"loud\""), "{e}");
    assert!(
        Config::parse("[node]\npoint_code = 3\n[log]\nlevel = \"info,scpd::m3ua=debug\"\n").is_ok()
    );
}

#[test]
fn tenants_are_checked_and_name_their_key() {
    let base = "[node]\npoint_code = 300\n";
    let hash = "a".repeat(64);
    let ok = format!(
        "{base}[[tenants]]\nname = \"acme\"\ntoken_sha256 = [\"{hash}\"]\n\
         [[tenants]]\nname = \"acme\"\nrole = \"reader\"\ntoken_sha256 = [\"{}\"]\n",
        "b".repeat(64)
    );
    let c = Config::parse(&ok).unwrap();
    assert_eq!(c.tenants.len(), 2);
    assert_eq!(c.tenants[1].role, crate::config::Role::Reader);
    let cases: &[(String, &str)] = &[
        (
            format!("{base}[[tenants]]\nname = \"a b\"\ntoken_sha256 = [\"{hash}\"]\n"),
            "tenants[0].name",
        ),
        (format!("{base}[[tenants]]\nname = \"acme\"\n"), "no client"),
        (
            format!("{base}[[tenants]]\nname = \"acme\"\ntoken_sha256 = [\"abc\"]\n"),
            "tenants[0].token_sha256",
        ),
        (
            format!(
                "{base}[[tenants]]\nname = \"a\"\ntoken_sha256 = [\"{hash}\"]\n\
                 [[tenants]]\nname = \"b\"\ntoken_sha256 = [\"{hash}\"]\n"
            ),
            "also in tenants[0]",
        ),
        (
            format!(
                "{base}[[tenants]]\nname = \"ops\"\nrole = \"admin\"\ntoken_sha256 = [\"{hash}\"]\n\
                 [[tenants]]\nname = \"ops\"\ntoken_sha256 = [\"{}\"]\n",
                "c".repeat(64)
            ),
            "both an admin and a tenant",
        ),
        (
            format!("{base}[[tenants]]\nname = \"a\"\ncertificate_names = [\"a\"]\n"),
            "grpc.tls_client_ca",
        ),
        (
            format!(
                "{base}[[tenants]]\nname = \"a\"\nrole = \"owner\"\ntoken_sha256 = [\"{hash}\"]\n"
            ),
            "owner",
        ),
        (
            format!(
                "{ok}[[routing_numbers.pool]]\nname = \"p\"\nfirst = \"100\"\nlast = \"199\"\n\
                 kind = \"trn\"\ntenant = \"globex\"\n"
            ),
            "routing_numbers.pool[0].tenant",
        ),
    ];
    for (text, want) in cases {
        let e = err(text);
        assert!(e.contains(want), "{want}: {e}");
    }
}

#[test]
fn hlr_keys_are_checked_by_name() {
    let c = Config::embedded();
    let s = c.hlr.settings().expect("on in the embedded default");
    assert_eq!((s.ssn, s.gt.as_str()), (147, "491720009999"));
    assert_eq!(s.routes.last().map(|r| r.pc), Some(300));
    let with = |from: &str, to: &str| {
        assert!(DEFAULT_TOML.contains(from), "{from}");
        Config::parse(&DEFAULT_TOML.replace(from, to)).map(|c| c.hlr)
    };
    let e = |r: Result<Hlr, ConfigError>| r.unwrap_err().to_string();
    assert!(e(with(
        "suppress_mt_ss = []",
        "suppress_mt_ss = [\"cug\", \"x\"]"
    ))
    .starts_with("hlr.suppress_mt_ss[1]"));
    let h = with(
        "suppress_mt_ss = []",
        "suppress_mt_ss = [\"ccbs\", \"cug\"]",
    )
    .unwrap();
    assert_eq!(h.settings().unwrap().suppress_mt_ss, 0b11);
    assert!(e(with("ssn = 147", "ssn = 146")).contains("sccp.camel_ssn"));
    assert!(e(with("gt = \"491720009999\"", "gt = \"+4917\"")).starts_with("hlr.gt"));
    assert!(e(with("point_code = 300", "point_code = 200")).contains("our own point code"));
    assert!(e(with("camel_phases = 4", "camel_phases = 5")).starts_with("hlr.camel_phases"));
    // Off: no client.
    let off = with("gt = \"491720009999\"", "gt = \"\"").unwrap();
    assert_eq!(off.settings(), None);
}
