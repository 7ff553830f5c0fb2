//! The pcap/pcapng capture reader (`lab::capture`: link layers, IPv4/IPv6, SCTP with
//! fragment reassembly, M3UA over TCP, MTP2/M2UA/M2PA/MTP3) and, on the same file, the
//! whole `scpd decode` pipeline above it (M3UA, SCCP with reassembly, TCAP, CAP/AIN/MAP
//! naming, dialogue tracking) writing JSON lines.
//! Properties: the summary counts exactly the messages handed over, by layer; every
//! message names a frame that was read; each M3UA message framed from a TCP stream is
//! one whole message; every line `scpd decode` writes is valid JSON.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scpd::lab::capture::{read_capture, CaptureOptions, Mtp3Variant, Payload, Via};
use scpd::lab::decode::{self, App, HexLayer, InputFormat};
use scpd::m3ua::codec::frame_len;

fn reader(data: &[u8], mtp3: Mtp3Variant) {
    let mut n = 0u64;
    let mut frames = Vec::new();
    let Ok(summary) = read_capture(data, &CaptureOptions { mtp3 }, |m| {
        n += 1;
        frames.push(m.frame);
        // Over TCP the reader frames M3UA itself: each message is exactly one whole
        // message. (Over SCTP it is the DATA chunk as captured, checked by the decoders.)
        if let (Payload::M3ua(b), Via::M3uaTcp) = (m.payload, m.via) {
            assert_eq!(
                frame_len(b).ok().flatten(),
                Some(b.len()),
                "one whole M3UA message"
            );
        }
    }) else {
        return;
    };
    assert_eq!(summary.messages, n, "every message handed over is counted");
    assert_eq!(
        summary.by_via.values().sum::<u64>(),
        n,
        "and counted once by layer"
    );
    for f in frames {
        assert!(
            (1..=summary.frames).contains(&f),
            "frame {f} of {}",
            summary.frames
        );
    }
}

fn pipeline(data: &[u8]) {
    let opts = decode::Options {
        format: InputFormat::Auto,
        layer: HexLayer::Auto,
        mtp3: Mtp3Variant::Itu,
        cap_ssns: vec![146],
        ssn_apps: vec![(247, App::Ain), (6, App::Map)],
    };
    let mut totals = decode::Totals::default();
    let mut out = Vec::new();
    if decode::decode_input("fuzz", data, &opts, &mut totals, Some(&mut out)).is_err() {
        return;
    }
    for line in out.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
        if let Err(e) = serde_json::from_slice::<serde_json::Value>(line) {
            panic!("invalid JSON line: {e}: {}", String::from_utf8_lossy(line));
        }
    }
}

fuzz_target!(|data: &[u8]| {
    reader(data, Mtp3Variant::Itu);
    reader(data, Mtp3Variant::Ansi);
    pipeline(data);
});
