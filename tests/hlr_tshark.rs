//! Issue 17 acceptance: tshark (Wireshark's `m3ua`, `sccp`, `tcap` and `gsm_map`, decoders
//! independent of scpd) dissects every SendRoutingInformation and AnyTimeInterrogation the
//! daemon sends an HLR, as the daemon sent them (`scpd run --pcap`), with the intended
//! values and no expert item: the called GT (the MSISDN, E.164 international, SSN 6) and
//! calling GT (ours, SSN 147), the application context of each version, and the argument's
//! members. The HLR is `scpd sim --role hlr`, once as it comes and once refusing MAP v3, so
//! the capture holds the v3 SRI, the v2 SRI scpd falls back to, and the ATI.

mod common;
use common::Scpd;
use scpd::proto::{
    routing_numbers_client::RoutingNumbersClient, subscribers_client::SubscribersClient,
    AllocateRoutingNumberRequest, LocateRequest, RoutingNumberSource,
};
use std::process::{Child, Command, Stdio};

const MSISDN: &str = "491700000001";

/// `scpd sim --role hlr` with `extra` flags, once its association is active at `d`.
async fn hlr(d: &Scpd, extra: &[&str]) -> Child {
    let child = Command::new(env!("CARGO_BIN_EXE_scpd"))
        .args([
            "sim",
            "--role",
            "hlr",
            "--quiet",
            "--to",
            &format!("tcp://{}", d.m3ua),
        ])
        .args(extra)
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    // Its SSA tells scpd which association reaches the HLR's point code.
    d.wait_active().await;
    child
}

fn stop(mut c: Child) {
    // SAFETY: signalling our own child process.
    unsafe { libc::kill(c.id() as i32, libc::SIGINT) };
    assert!(c.wait().unwrap().success());
}

fn msrn() -> AllocateRoutingNumberRequest {
    AllocateRoutingNumberRequest {
        target: MSISDN.into(),
        source: RoutingNumberSource::Hlr as i32,
        ..Default::default()
    }
}

/// What tshark complains of in a frame, if anything.
fn complaint(frame: &str) -> Option<&'static str> {
    [
        "Malformed",
        "BER Error",
        "Expert Info (Error",
        "Expert Info (Warning",
        "Unknown GSM-MAP",
        "Undecoded",
    ]
    .into_iter()
    .find(|bad| frame.contains(bad))
}

#[tokio::test(flavor = "multi_thread")]
async fn tshark_reads_every_map_question_scpd_sends() {
    if !common::tshark::available(false) {
        return;
    }
    let pcap = std::env::temp_dir().join(format!("scpd-hlr-tshark-{}.pcap", std::process::id()));
    let _ = std::fs::remove_file(&pcap);
    let d = Scpd::start_with("hlr-tshark", None, &["--pcap", pcap.to_str().unwrap()]);
    let mut numbers = RoutingNumbersClient::connect(d.grpc_url()).await.unwrap();
    let mut subs = SubscribersClient::connect(d.grpc_url()).await.unwrap();

    let h = hlr(&d, &[]).await;
    let n = numbers.allocate(msrn()).await.unwrap().into_inner();
    assert_eq!(n.map_version, 3);
    subs.locate(LocateRequest {
        number: MSISDN.into(),
        ..Default::default()
    })
    .await
    .unwrap();
    stop(h);
    let h = hlr(&d, &["--v2-only"]).await;
    let n = numbers.allocate(msrn()).await.unwrap().into_inner();
    assert_eq!(n.map_version, 2);
    stop(h);
    d.stop();

    let out = Command::new("tshark")
        .arg("-r")
        .arg(&pcap)
        .args(["-V", "-Y", "gsm_map && m3ua.protocol_data_opc == 200"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let frames: Vec<&str> = text
        .split("\nFrame ")
        .filter(|f| !f.trim().is_empty())
        .collect();
    assert_eq!(
        frames.len(),
        4,
        "SRI v3, ATI, SRI v3 (refused), SRI v2:\n{text}"
    );
    let shows = |frame: &str, lines: &[&str]| {
        for l in lines {
            assert!(frame.contains(l), "{l:?} not in\n{frame}");
        }
        assert_eq!(complaint(frame), None, "{frame}");
    };
    // Every question: M3UA label, SCCP class 1 with return on error, the called MSISDN GT
    // with the HLR's SSN, our GT and SSN.
    for f in &frames {
        shows(
            f,
            &[
                "OPC: 200",
                "DPC: 300",
                ".... 0001 = Class: 0x1",
                "Message handling: Return message on error (0x8)",
                "SubSystem Number: HLR (Home Location Register) (6)",
                "Translation Type: 0x00 (0)",
                "Numbering Plan: ISDN/telephony (0x1)",
                "Nature of Address Indicator: International number (0x04)",
                "Called Party Digits: 491700000001",
                "SubSystem Number: gsmSCF (MAP) or IM-SSF (MAP) or Presence Network Agent (147)",
                "Calling Party Digits: 491720009999",
                "E.164 number (MSISDN): 491700000001",
            ],
        );
    }
    let by_ac = |ac: &str| {
        frames
            .iter()
            .find(|f| f.contains(ac))
            .unwrap_or_else(|| panic!("no frame with {ac}"))
    };
    shows(
        by_ac("0.4.0.0.1.0.5.3 (locationInfoRetrievalContext-v3)"),
        &[
            "localValue: sendRoutingInfo (22)",
            "interrogationType: basicCall (0)",
            "gmsc-OrGsmSCF-Address: 91947102009999",
            "E.164 number (MSISDN): 491720009999",
            "supportedCamelPhases: f0",
            "suppress-T-CSI",
        ],
    );
    let v2 = by_ac("0.4.0.0.1.0.5.2 (locationInfoRetrievalContext-v2)");
    shows(v2, &["localValue: sendRoutingInfo (22)"]);
    assert!(
        !v2.contains("gmsc-OrGsmSCF-Address"),
        "a v2 argument:\n{v2}"
    );
    shows(
        by_ac("0.4.0.0.1.0.29.3 (anyTimeInfoEnquiryContext-v3)"),
        &[
            "localValue: anyTimeInterrogation (71)",
            "requestedInfo",
            "locationInformation",
            "subscriberState",
            "gsmSCF-Address: 91947102009999",
        ],
    );
    let _ = std::fs::remove_file(&pcap);
}
