//! Acceptance: `scpd decode` on EVERY capture in shared/traces (all folders, *.pcap, *.cap,
//! *.pcapng) counts the same TCAP operations as tshark on the same file.
//!
//! tshark is the independent oracle, run with the preferences each folder's README names
//! (point-code standard, SSN → application). Its JSON (`-T json --no-duplicate-keys`) is
//! walked for component elements (`*.invoke*_element`, `*.returnResult*_element`) and the
//! operation code inside each (`camel.local`, `gsm_old.localValue`, `ansi_tcap.national` /
//! `private`, ...); scpd's JSON lines give `tcap.components[].opcode`. The counts per
//! (component kind, opcode) must be equal; for a file without TCAP (ISUP, M3UA management)
//! both must say zero.
//!
//! One documented exception: in attach_sccp_xudts.rebuilt.pcap the reassembled TC-BEGINs
//! carry 13 Ericsson INAP CS1+ components; no tshark preference decodes them all (as MAP it
//! stops after 5 with BER errors, as INAP after 2: the folder's README). There tshark's
//! operations per frame must be a sub-multiset of ours, and the component counts, which
//! tshark's TCAP layer prints as `components: N items`, must be equal.

mod common;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

type Counts = BTreeMap<String, usize>;

/// (file name, scpd decode options, tshark options) where the defaults are not right.
const OPTIONS: &[(&str, &[&str], &[&str])] = &[
    (
        "camel.pcap",
        &["--cap-ssn", "146,152,200"],
        &["-o", "camel.tcap.ssn:146,152,200"],
    ),
    (
        "22-249.pcap",
        &["--mtp3", "chinese"],
        &["-o", "mtp3.standard:Chinese ITU"],
    ),
    (
        "ansi_map_win.pcap",
        &["--mtp3", "ansi"],
        &["-o", "mtp3.standard:ANSI"],
    ),
    (
        "SRI_Invalid_MSISDN11.pcap",
        &["--mtp3", "ansi"],
        &["-o", "mtp3.standard:ANSI"],
    ),
    ("11.pcap", &[], &["-o", "sccp.default_payload:tcap"]),
    // Frame 55 is a TC-BEGIN to SSN 252, which tshark leaves undissected by default.
    ("CAP.pcap", &[], &["-d", "sccp.ssn==252,tcap"]),
];

fn captures(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            captures(&p, out);
        } else if p
            .extension()
            .and_then(|x| x.to_str())
            .is_some_and(|x| ["pcap", "cap", "pcapng"].contains(&x))
        {
            out.push(p);
        }
    }
}

fn kind_of(key: &str) -> Option<&'static str> {
    let k = key.rsplit('.').next()?;
    Some(match k {
        "invoke_element" | "invokeLast_element" | "invokeNotLast_element" => "invoke",
        "returnResultLast_element" | "returnResultNotLast_element" | "returnResult_element" => {
            "returnResult"
        }
        _ => return None,
    })
}

/// The first operation code inside a component element (error codes are not looked at).
fn opcode_in(v: &Value) -> Option<String> {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                if k.contains("errorCode") || k.contains("errorcode") {
                    continue;
                }
                if matches!(
                    k.as_str(),
                    "camel.local"
                        | "gsm_old.localValue"
                        | "tcap.localValue"
                        | "inap.local"
                        | "ansi_tcap.national"
                        | "ansi_tcap.private"
                ) {
                    return x.as_str().map(str::to_string);
                }
                if let Some(o) = opcode_in(x) {
                    return Some(o);
                }
            }
            None
        }
        Value::Array(a) => a.iter().find_map(opcode_in),
        _ => None,
    }
}

/// Walk a tshark frame for component elements: (kind, opcode) counts, and `components: N`.
fn walk(v: &Value, counts: &mut Counts, components: &mut usize) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                if k == "tcap.components" {
                    let n = |x: &Value| x.as_str().and_then(|s| s.parse::<usize>().ok());
                    *components += match x {
                        Value::Array(a) => a.iter().filter_map(n).sum(),
                        x => n(x).unwrap_or(0),
                    };
                }
                if let Some(kind) = kind_of(k) {
                    let items: Vec<&Value> = match x {
                        Value::Array(a) => a.iter().collect(),
                        x => vec![x],
                    };
                    for it in items {
                        if let Some(op) = opcode_in(it) {
                            *counts.entry(format!("{kind} {op}")).or_default() += 1;
                        }
                    }
                    continue;
                }
                walk(x, counts, components);
            }
        }
        Value::Array(a) => a.iter().for_each(|x| walk(x, counts, components)),
        _ => {}
    }
}

/// tshark's counts: per file and per frame; and the number of components.
fn tshark(file: &Path, opts: &[&str]) -> (Counts, BTreeMap<u64, Counts>, usize) {
    let out = Command::new("tshark")
        .arg("-r")
        .arg(file)
        .args(opts)
        .args(["-T", "json", "--no-duplicate-keys"])
        .output()
        .expect("tshark");
    assert!(out.status.success(), "{}: {out:?}", file.display());
    let frames: Value = serde_json::from_slice(&out.stdout).unwrap();
    let (mut all, mut per, mut comps) = (Counts::new(), BTreeMap::new(), 0);
    for f in frames.as_array().unwrap() {
        let layers = &f["_source"]["layers"];
        let no: u64 = layers["frame"]["frame.number"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        let mut c = Counts::new();
        walk(layers, &mut c, &mut comps);
        for (k, v) in &c {
            *all.entry(k.clone()).or_default() += v;
        }
        if !c.is_empty() {
            per.insert(no, c);
        }
    }
    (all, per, comps)
}

/// scpd's counts, per file and per frame; the number of components.
fn scpd(file: &Path, opts: &[&str]) -> (Counts, BTreeMap<u64, Counts>, usize) {
    let out = Command::new(env!("CARGO_BIN_EXE_scpd"))
        .arg("decode")
        .args(opts)
        .arg(file)
        .output()
        .unwrap();
    // 3 and 4 say that some or all messages are error lines (captures of what scpd does
    // not read, like SCCP CR); the counts below are compared all the same. 1 and 2 are not.
    assert!(
        matches!(out.status.code(), Some(0 | 3 | 4)),
        "{}: {out:?}",
        file.display()
    );
    let (mut all, mut per, mut comps) = (Counts::new(), BTreeMap::new(), 0usize);
    for l in String::from_utf8(out.stdout).unwrap().lines() {
        let v: Value = serde_json::from_str(l).unwrap();
        let frame = v["frame"].as_u64().unwrap();
        // A message SCCP returned in a UDTS is dissected by tshark too. The segmented XUDTS
        // of dump/attach_sccp_xudts arrive last segment first, which Wireshark's SCCP
        // reassembly does not put together (scpd's does): their operations are not counted.
        let comps_of = |t: &Value| t["components"].as_array().cloned().unwrap_or_default();
        let mut all_comps = comps_of(&v["tcap"]);
        let returned = comps_of(&v["returned"]["tcap"]);
        comps += returned.len();
        if v["sccp"].get("reassembled").is_none() {
            all_comps.extend(returned);
        }
        for c in &all_comps {
            comps += 1;
            let kind = match c["component"].as_str().unwrap_or("") {
                "invoke" | "invokeLast" | "invokeNotLast" => "invoke",
                "returnResultLast" | "returnResultNotLast" => "returnResult",
                _ => continue,
            };
            let Some(op) = c["opcode"].as_u64() else {
                continue;
            };
            let key = format!("{kind} {op}");
            *all.entry(key.clone()).or_default() += 1;
            *per.entry(frame)
                .or_insert_with(Counts::new)
                .entry(key)
                .or_default() += 1;
        }
    }
    (all, per, comps)
}

#[test]
fn every_capture_counts_the_operations_tshark_counts() {
    let Some(dir) = common::traces() else {
        return;
    };
    if Command::new("tshark").arg("-v").output().is_err() {
        eprintln!("skipped: no tshark");
        return;
    }
    let mut files = Vec::new();
    captures(&dir, &mut files);
    files.sort();
    assert!(files.len() >= 20, "{files:?}");
    let mut failures = Vec::new();
    let mut with_ops = 0;
    for f in &files {
        let name = f.file_name().unwrap().to_str().unwrap();
        let (ours_opts, theirs_opts) = OPTIONS
            .iter()
            .find(|(n, ..)| *n == name)
            .map_or((&[][..], &[][..]), |(_, a, b)| (*a, *b));
        let (theirs, their_frames, their_comps) = tshark(f, theirs_opts);
        let (ours, our_frames, our_comps) = scpd(f, ours_opts);
        println!("{name}: tshark {theirs:?}\n{name}: scpd   {ours:?}");
        with_ops += usize::from(!theirs.is_empty());
        if name == "attach_sccp_xudts.rebuilt.pcap" {
            // See the module comment: tshark decodes a prefix of the components.
            for (frame, t) in &their_frames {
                let o = our_frames.get(frame).cloned().unwrap_or_default();
                if t.iter().any(|(k, n)| o.get(k).copied().unwrap_or(0) < *n) {
                    failures.push(format!("{name} frame {frame}: tshark {t:?} scpd {o:?}"));
                }
            }
            if their_comps != our_comps || their_frames.is_empty() {
                failures.push(format!(
                    "{name}: components tshark {their_comps} scpd {our_comps}"
                ));
            }
            continue;
        }
        if theirs != ours {
            failures.push(format!(
                "{name}: tshark {theirs:?}\n    scpd {ours:?}\n    per frame tshark {their_frames:?}\n    scpd {our_frames:?}"
            ));
        }
    }
    assert!(
        with_ops >= 15,
        "too few captures with operations: {with_ops}"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
