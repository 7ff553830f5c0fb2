//! `scpd decode` on the CAMEL captures of shared/traces/wireshark-wiki: no error lines, and
//! the operations per capture equal what tshark 4.0.17 reports (the folder's README).

mod common;
use std::collections::BTreeMap;
use std::process::Command;

/// Decode a capture; return (lines, error lines, invoke counts by operation name).
fn decode(file: &str, extra: &[&str]) -> (usize, Vec<String>, BTreeMap<String, usize>) {
    let Some(dir) = common::traces() else {
        return (0, vec![], BTreeMap::new());
    };
    let out = Command::new(env!("CARGO_BIN_EXE_scpd"))
        .arg("decode")
        .args(extra)
        .arg(dir.join("wireshark-wiki").join(file))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut errors = Vec::new();
    let mut ops = BTreeMap::new();
    let text = String::from_utf8(out.stdout).unwrap();
    for l in text.lines() {
        let v: serde_json::Value = serde_json::from_str(l).unwrap();
        if v.get("error").is_some() {
            errors.push(l.to_string());
        }
        for c in v["tcap"]["components"].as_array().into_iter().flatten() {
            if c["component"] == "invoke" {
                *ops.entry(c["operation"].as_str().unwrap().to_string())
                    .or_default() += 1;
            }
        }
    }
    (text.lines().count(), errors, ops)
}

fn expect(file: &str, extra: &[&str], lines: usize, want: &[(&str, usize)]) {
    let (n, errors, ops) = decode(file, extra);
    if common::traces().is_none() {
        return;
    }
    assert!(errors.is_empty(), "{file}: {errors:#?}");
    assert_eq!(n, lines, "{file}");
    let want: BTreeMap<String, usize> = want.iter().map(|(k, v)| (k.to_string(), *v)).collect();
    assert_eq!(ops, want, "{file}");
}

#[test]
fn camel_pcap() {
    // tshark -o camel.tcap.ssn:146,152,200 (the capture's SSNs are 200 and 152).
    expect(
        "camel.pcap",
        &["--cap-ssn", "146,152,200"],
        5,
        &[
            ("eventReportBCSM", 2),
            ("initialDP", 1),
            ("requestReportBCSMEvent", 1),
            ("applyCharging", 1),
            ("continue", 1),
            ("applyChargingReport", 1),
            ("releaseCall", 1),
        ],
    );
}

#[test]
fn camel2_pcap() {
    expect(
        "camel2.pcap",
        &[],
        4,
        &[
            ("initialDP", 1),
            ("requestReportBCSMEvent", 1),
            ("connect", 1),
            ("eventReportBCSM", 1),
            ("releaseCall", 1),
        ],
    );
}

#[test]
fn expire_sample_merged_cap() {
    expect(
        "expire-sample-merged.cap",
        &[],
        6,
        &[
            ("continue", 2),
            ("applyCharging", 1),
            ("requestReportBCSMEvent", 1),
            ("initialDP", 1),
            ("eventReportBCSM", 1),
        ],
    );
}

#[test]
fn chinese_point_codes_22_249() {
    // tshark -o "mtp3.standard:Chinese ITU": 19 SCCP frames among 59 (the rest MTP3 mgmt).
    expect(
        "22-249.pcap",
        &["--mtp3", "chinese"],
        59,
        &[
            ("initialDP", 3),
            ("requestReportBCSMEvent", 3),
            ("applyCharging", 3),
            ("connect", 3),
            ("eventReportBCSM", 3),
            ("applyChargingReport", 3),
            ("furnishChargingInformation", 1),
        ],
    );
}
