//! Differential test of the M3UA codec against pycrate (tests/interop/pycrate_m3ua.py), both
//! directions: random messages of every class encoded by scpd are parsed by pycrate (header
//! and every parameter compared) and re-encoded by pycrate to the same bytes; random messages
//! built by pycrate decode in scpd (raw parameters and the typed `Pdu`) and re-encode to the
//! same bytes. `PYCRATE_M3UA_SEED=n` replays a run.

mod common;
use common::Rng;

use scpd::ber::hex;
use scpd::m3ua::codec::tag;
use scpd::m3ua::pdu::Pdu;
use scpd::m3ua::{Builder, Kind, Message};
use serde_json::{json, Value};

const COUNT: usize = 300;

/// scpd's view, in the script's `norm` form.
fn norm(m: &[u8]) -> Value {
    let msg = Message::parse(m).unwrap_or_else(|e| panic!("{}: {e}", hex(m)));
    let params: Vec<Value> = msg
        .params()
        .map(|p| {
            let p = p.unwrap();
            json!([p.tag, hex(p.value)])
        })
        .collect();
    json!({"class": msg.class, "type": msg.msg_type, "len": m.len(), "params": params})
}

/// A random parameter value for `tag`, shaped as RFC 4666 §3.2/§3.3 defines it.
fn value(rng: &mut Rng, t: u16) -> Vec<u8> {
    let u32v = |rng: &mut Rng, max: u64| (rng.below(max) as u32).to_be_bytes().to_vec();
    match t {
        tag::ROUTING_CONTEXT => (0..1 + rng.below(3))
            .flat_map(|_| u32v(rng, 1 << 32))
            .collect(),
        tag::ASP_IDENTIFIER | tag::CORRELATION_ID => u32v(rng, 1 << 32),
        tag::INFO_STRING => (0..1 + rng.below(30))
            .map(|_| b'a' + rng.below(26) as u8)
            .collect(),
        tag::HEARTBEAT_DATA | tag::DIAGNOSTIC_INFO => {
            let n = 1 + rng.below(40) as usize;
            rng.bytes(n)
        }
        tag::TRAFFIC_MODE_TYPE => ((1 + rng.below(3)) as u32).to_be_bytes().to_vec(),
        tag::ERROR_CODE => (rng
            .pick(&[1u32, 3, 4, 5, 6, 7, 9, 0x11, 0x12, 0x13, 0x16, 0x19, 0x1a]))
        .to_be_bytes()
        .to_vec(),
        tag::STATUS => [0, 1 + rng.below(2) as u8, 0, 1 + rng.below(4) as u8].to_vec(),
        tag::AFFECTED_POINT_CODE => (0..1 + rng.below(4))
            .flat_map(|_| {
                let pc = rng.below(1 << 24) as u32;
                let mut v = vec![rng.pick(&[0u8, 0, 8, 16])];
                v.extend_from_slice(&pc.to_be_bytes()[1..]);
                v
            })
            .collect(),
        0x0204 => vec![0, rng.below(3) as u8, 0, rng.below(16) as u8], // User/Cause
        0x0205 | 0x0206 => u32v(rng, 1 << 24), // Congestion Indications, Concerned Destination
        tag::PROTOCOL_DATA => {
            let mut v = u32v(rng, 1 << 24);
            v.extend(u32v(rng, 1 << 24));
            v.extend([
                rng.pick(&[3u8, 5]),
                rng.below(4) as u8,
                rng.below(4) as u8,
                rng.byte(),
            ]);
            let n = rng.below(301) as usize;
            v.extend(rng.bytes(n));
            v
        }
        _ => unreachable!("{t:#x}"),
    }
}

/// (kind, [(tag, optional)]) in the RFC's parameter order; Network Appearance is left out as
/// in the script (pycrate encodes it in 8 bits instead of 32).
fn messages() -> Vec<(Kind, Vec<(u16, bool)>)> {
    use tag::*;
    let (o, r) = (true, false);
    let ssnm = vec![
        (ROUTING_CONTEXT, o),
        (AFFECTED_POINT_CODE, r),
        (INFO_STRING, o),
    ];
    vec![
        (Kind::AspUp, vec![(ASP_IDENTIFIER, o), (INFO_STRING, o)]),
        (Kind::AspUpAck, vec![(ASP_IDENTIFIER, o), (INFO_STRING, o)]),
        (Kind::AspDn, vec![(INFO_STRING, o)]),
        (Kind::AspDnAck, vec![(INFO_STRING, o)]),
        (Kind::Beat, vec![(HEARTBEAT_DATA, o)]),
        (Kind::BeatAck, vec![(HEARTBEAT_DATA, o)]),
        (
            Kind::AspAc,
            vec![
                (TRAFFIC_MODE_TYPE, o),
                (ROUTING_CONTEXT, o),
                (INFO_STRING, o),
            ],
        ),
        (
            Kind::AspAcAck,
            vec![
                (TRAFFIC_MODE_TYPE, o),
                (ROUTING_CONTEXT, o),
                (INFO_STRING, o),
            ],
        ),
        (Kind::AspIa, vec![(ROUTING_CONTEXT, o), (INFO_STRING, o)]),
        (Kind::AspIaAck, vec![(ROUTING_CONTEXT, o), (INFO_STRING, o)]),
        (
            Kind::Data,
            vec![
                (ROUTING_CONTEXT, o),
                (PROTOCOL_DATA, r),
                (CORRELATION_ID, o),
            ],
        ),
        (
            Kind::Err,
            vec![
                (ERROR_CODE, r),
                (ROUTING_CONTEXT, o),
                (AFFECTED_POINT_CODE, o),
                (DIAGNOSTIC_INFO, o),
            ],
        ),
        (
            Kind::Ntfy,
            vec![
                (STATUS, r),
                (ASP_IDENTIFIER, o),
                (ROUTING_CONTEXT, o),
                (INFO_STRING, o),
            ],
        ),
        (Kind::Duna, ssnm.clone()),
        (Kind::Dava, ssnm.clone()),
        (Kind::Daud, ssnm.clone()),
        (Kind::Drst, ssnm),
        (
            Kind::Scon,
            vec![
                (ROUTING_CONTEXT, o),
                (AFFECTED_POINT_CODE, r),
                (0x0206, o),
                (0x0205, o),
                (INFO_STRING, o),
            ],
        ),
        (
            Kind::Dupu,
            vec![
                (ROUTING_CONTEXT, o),
                (AFFECTED_POINT_CODE, r),
                (0x0204, r),
                (INFO_STRING, o),
            ],
        ),
    ]
}

#[test]
fn differential_against_pycrate() {
    if !common::pycrate_ready() {
        return;
    }
    let seed = common::seed("PYCRATE_M3UA_SEED");
    let dir = std::env::temp_dir().join(format!("scpd-m3ua-pycrate-{}-{seed}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();

    // 1. scpd encodes; pycrate parses to the same header and parameters and re-encodes the
    //    same bytes.
    let mut rng = Rng::new(seed);
    let table = messages();
    let mut sent = Vec::new();
    for _ in 0..COUNT {
        let (kind, spec) = &table[rng.below(table.len() as u64) as usize];
        let mut buf = Vec::new();
        let mut b = Builder::new(&mut buf, *kind);
        for &(t, optional) in spec {
            if optional && rng.chance(50) {
                continue;
            }
            b = b.param(t, &value(&mut rng, t));
        }
        b.finish();
        sent.push(buf);
    }
    let input = dir.join("scpd.txt");
    let output = dir.join("pycrate.txt");
    std::fs::write(
        &input,
        sent.iter().map(|m| hex(m) + "\n").collect::<String>(),
    )
    .unwrap();
    common::run_script(
        "pycrate_m3ua.py",
        &["decode", input.to_str().unwrap(), output.to_str().unwrap()],
    );
    let answers = std::fs::read_to_string(&output).unwrap();
    let answers: Vec<Value> = answers
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(answers.len(), sent.len());
    for (m, a) in sent.iter().zip(&answers) {
        assert!(
            a.get("err").is_none(),
            "pycrate cannot parse {}: {a}",
            hex(m)
        );
        assert_eq!(a["norm"], norm(m), "pycrate reads {} differently", hex(m));
        assert_eq!(
            a["reenc"].as_str().unwrap(),
            hex(m),
            "pycrate re-encodes {} differently",
            hex(m)
        );
    }

    // 2. pycrate encodes; scpd reads the same header and parameters, the typed decoder
    //    accepts every message, and re-encoding gives the same bytes.
    let generated = dir.join("generated.txt");
    let count = COUNT.to_string();
    let seed_s = seed.to_string();
    common::run_script(
        "pycrate_m3ua.py",
        &["generate", &count, &seed_s, generated.to_str().unwrap()],
    );
    let mut n = 0;
    for line in std::fs::read_to_string(&generated).unwrap().lines() {
        let v: Value = serde_json::from_str(line).unwrap();
        let bytes = scpd::ber::from_hex(v["hex"].as_str().unwrap()).unwrap();
        assert_eq!(
            norm(&bytes),
            v["norm"],
            "scpd reads {} differently",
            hex(&bytes)
        );
        let pdu =
            Pdu::decode(&bytes).unwrap_or_else(|e| panic!("typed decode of {}: {e}", hex(&bytes)));
        assert_eq!(pdu.to_vec(), bytes, "typed re-encoding of {}", hex(&bytes));
        n += 1;
    }
    assert_eq!(n, COUNT);
    println!(
        "pycrate m3ua differential: {} scpd→pycrate, {n} pycrate→scpd",
        sent.len()
    );
    let _ = std::fs::remove_dir_all(&dir);
}
