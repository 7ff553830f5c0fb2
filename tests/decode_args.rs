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
