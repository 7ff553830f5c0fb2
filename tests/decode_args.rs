//! `scpd decode` prints every operation's argument with its ASN.1 member names: CAP
//! arguments of camel.pcap checked against tshark's values for the same frames (the
//! independent decoder), and an AIN query's GR-1299 members from an ANSI TCAP hex line.

mod common;
use serde_json::Value;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_scpd");

fn decode(args: &[&str], stdin: Option<&str>) -> Vec<Value> {
    let mut c = Command::new(BIN);
    c.arg("decode").args(args);
    let out = if let Some(input) = stdin {
        use std::io::Write;
        let mut child = c
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    } else {
        c.output().unwrap()
    };
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// tshark's values of `fields` per frame (one Vec per frame, fields split on `|`).
fn tshark(file: &std::path::Path, fields: &[&str]) -> Vec<Vec<String>> {
    let mut c = Command::new("tshark");
    c.args(["-o", "camel.tcap.ssn:146,152,200", "-r"])
        .arg(file)
        .args(["-T", "fields", "-E", "separator=|"]);
    for f in fields {
        c.args(["-e", f]);
    }
    let out = c.output().expect("tshark");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| l.split('|').map(str::to_string).collect())
        .collect()
}

fn event_name(n: &str) -> &'static str {
    scpd::camel::EventTypeBcsm(n.parse().unwrap())
        .name()
        .unwrap()
}

#[test]
fn cap_arguments_match_tshark() {
    let Some(dir) = common::traces() else { return };
    let file = dir.join("wireshark-wiki").join("camel.pcap");
    let lines = decode(&["--cap-ssn", "146,152,200", file.to_str().unwrap()], None);
    let t = tshark(
        &file,
        &[
            "camel.serviceKey",
            "camel.eventTypeBCSM",
            "e212.imsi",
            "e164.calling_party_number.digits",
            "camel.timeAndTimezone",
            "camel.maxCallPeriodDuration",
            "camel.sendingSideID",
            "camel.monitorMode",
            "gsm_a.dtap.cld_party_bcd_num",
            "camel.timeIfNoTariffSwitch",
        ],
    );
    let arg = |frame: usize, comp: usize| -> &Value {
        &lines[frame]["tcap"]["components"][comp]["argument"]
    };

    // Frame 1: InitialDP.
    let idp = arg(0, 0);
    assert_eq!(idp["serviceKey"].to_string(), t[0][0]);
    assert_eq!(idp["eventTypeBCSM"], event_name(&t[0][1]));
    assert_eq!(idp["iMSI"], t[0][2]);
    assert_eq!(idp["callingPartyNumber"]["digits"], t[0][3]);
    assert_eq!(idp["timeAndTimezone"], t[0][4]);
    // tshark shows the BCD number after the country code it names separately.
    let bcd = idp["calledPartyBCDNumber"]["digits"].as_str().unwrap();
    assert!(
        bcd.ends_with(&t[0][8]) && !t[0][8].is_empty(),
        "{bcd} vs {}",
        t[0][8]
    );
    let cgi = &idp["locationInformation"]["cellGlobalIdOrServiceAreaIdOrLAI"]
        ["cellGlobalIdOrServiceAreaIdFixedLength"];
    assert!(
        cgi["mcc"].is_string() && cgi["lac"].is_u64() && cgi["cellId"].is_u64(),
        "{idp}"
    );

    // Frame 2: RequestReportBCSMEvent (every event and monitor mode) and ApplyCharging.
    let rr = arg(1, 0)["bcsmEvents"].as_array().unwrap();
    let types: Vec<&str> = t[1][1].split(',').map(event_name).collect();
    let got: Vec<&str> = rr
        .iter()
        .map(|e| e["eventTypeBCSM"].as_str().unwrap())
        .collect();
    assert_eq!(got, types);
    let modes = ["interrupted", "notifyAndContinue", "transparent"];
    let want: Vec<&str> = t[1][7]
        .split(',')
        .map(|m| modes[m.parse::<usize>().unwrap()])
        .collect();
    let got: Vec<&str> = rr
        .iter()
        .map(|e| e["monitorMode"].as_str().unwrap())
        .collect();
    assert_eq!(got, want);
    let ac = arg(1, 1);
    assert_eq!(
        ac["aChBillingChargingCharacteristics"]["timeDurationCharging"]["maxCallPeriodDuration"]
            .to_string(),
        t[1][5]
    );
    assert_eq!(ac["partyToCharge"]["sendingSideID"], t[1][6]);

    // Frame 3: EventReportBCSM; frame 4: ApplyChargingReport (CAMEL-CallResult inside its
    // OCTET STRING) and EventReportBCSM.
    assert_eq!(arg(2, 0)["eventTypeBCSM"], event_name(&t[2][1]));
    assert_eq!(arg(2, 0)["miscCallInfo"]["messageType"], "notification");
    let acr = &arg(3, 0)["timeDurationChargingResult"];
    assert_eq!(
        acr["timeInformation"]["timeIfNoTariffSwitch"].to_string(),
        t[3][9]
    );
    assert_eq!(arg(3, 1)["eventTypeBCSM"], event_name(&t[3][1]));
    assert_eq!(arg(3, 1)["miscCallInfo"]["messageType"], "request");
}

#[test]
fn ain_query_members_by_gr1299_names() {
    use scpd::lab::sim_ain::{package, trigger, AinParties};
    use scpd::tcap::ansi::PackageType;
    let p = AinParties::new("2015550100", "8005550123", false).unwrap();
    let mut b = Vec::new();
    package(
        &mut b,
        PackageType::QueryWithPermission,
        [1, 2, 3, 4],
        None,
        &trigger(&p, false),
    )
    .unwrap();
    let line = format!("{}\n", scpd::ber::hex(&b));
    let v = decode(&["--format", "hex", "--layer", "tcap"], Some(&line));
    let c = &v[0]["tcap"]["components"][0];
    assert_eq!(c["operation"], "info-Analyzed", "{c}");
    let a = &c["argument"];
    assert_eq!(a["userID"]["dn"], "2015550100", "{a}");
    assert_eq!(a["bearerCapability"], "speech", "{a}");
    assert_eq!(a["calledPartyID"]["digits"], "8005550123", "{a}");
    assert_eq!(a["calledPartyID"]["natureOfNumber"], 3, "{a}");
    assert_eq!(a["callingPartyID"]["digits"], "2015550100", "{a}");
}

/// WIN (ANSI-41 family 9) in `ansi_map_win.pcap`, ANSI MTP3: every WIN invoke and result
/// is named, and its parameters carry the values tshark's `ansi_map` shows for the same
/// frames (billing id, digits, trigger type, action code).
#[test]
fn win_arguments_and_results_match_tshark() {
    let Some(dir) = common::traces() else {
        return;
    };
    let file = dir.join("wireshark-wiki/ansi_map_win.pcap");
    let lines = decode(&["--mtp3", "ansi", file.to_str().unwrap()], None);
    if Command::new("tshark").arg("-v").output().is_err() {
        assert!(std::env::var_os("CI").is_none(), "tshark missing under CI");
        println!("skipped: no tshark");
        return;
    }
    let mut c = Command::new("tshark");
    c.args(["-o", "mtp3.standard:ANSI", "-r"]).arg(&file);
    c.args(["-T", "fields", "-E", "separator=|", "-E", "aggregator=,"]);
    for f in [
        "frame.number",
        "ansi_map.idno",
        "ansi_map.bcd_digits",
        "ansi_map.triggerType",
        "ansi_map.actionCode",
    ] {
        c.args(["-e", f]);
    }
    let out = String::from_utf8(c.output().unwrap().stdout).unwrap();
    let shark: Vec<Vec<&str>> = out.lines().map(|l| l.split('|').collect()).collect();
    assert_eq!(lines.len(), shark.len());
    let mut checked = 0;
    for (line, t) in lines.iter().zip(&shark) {
        let comp = &line["tcap"]["components"][0];
        let Some(p) = comp
            .get("argument")
            .or_else(|| comp.get("result"))
            .filter(|_| line["application"] == "WIN")
        else {
            continue;
        };
        checked += 1;
        let name = comp["operation"].as_str().unwrap();
        assert!(!name.starts_with("private"), "{line}");
        if !t[1].is_empty() {
            assert_eq!(p["billingID"]["idNumber"].to_string(), t[1], "{name}");
        }
        // Every number tshark shows is one of ours (it shows an odd count's filler as a
        // trailing 0).
        let mut ours = Vec::new();
        digit_strings(p, &mut ours);
        for d in t[2].split(',').filter(|d| !d.is_empty()) {
            assert!(
                ours.iter().any(|o| d == o || *d == format!("{o}0")),
                "{name}: tshark {d}, ours {ours:?}"
            );
        }
        if !t[3].is_empty() {
            assert_eq!(p["triggerType"].to_string(), t[3], "{name}");
        }
        if !t[4].is_empty() {
            assert_eq!(p["actionCode"].to_string(), t[4], "{name}");
        }
    }
    // AnalyzedInformation twice with its results, TAnswer, TDisconnect and its result.
    assert_eq!(checked, 7, "{lines:#?}");
}

/// The values of every `digits` member under `v`, and the MINs and IMSIs (BCD too).
fn digit_strings(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                match (k.as_str(), x) {
                    ("digits" | "mobileIdentificationNumber" | "imsi", Value::String(d)) => {
                        out.push(d.clone())
                    }
                    _ => digit_strings(x, out),
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| digit_strings(x, out)),
        _ => {}
    }
}
