//! tshark, the independent decoder of the `*_tshark` tests: whether it is there (under `CI`
//! it must be), and the verbose dissection of bare TCAP messages.

use std::process::Command;

/// Whether tshark (and, with `text2pcap`, its pcap writer) can be run. Absent under `CI`:
/// the test fails; elsewhere it says it skips.
pub fn available(text2pcap: bool) -> bool {
    let ok = Command::new("tshark")
        .arg("-v")
        .output()
        .is_ok_and(|o| o.status.success())
        && (!text2pcap || Command::new("text2pcap").arg("-h").output().is_ok());
    if !ok {
        assert!(std::env::var_os("CI").is_none(), "tshark missing under CI");
        eprintln!("skipped: tshark not installed");
    }
    ok
}

/// Dissect TCAP messages with tshark (one frame each, user DLT 147 handed to `tcap`); the
/// verbose text of each frame. `name` keeps concurrent tests' files apart.
pub fn dissect_tcap(name: &str, msgs: &[Vec<u8>]) -> Vec<String> {
    let dir = std::env::temp_dir().join(format!("scpd-{name}-tshark-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let txt = dir.join("in.txt");
    let pcap = dir.join("out.pcap");
    let mut s = String::new();
    for m in msgs {
        s.push_str("000000");
        for b in m {
            s.push_str(&format!(" {b:02x}"));
        }
        s.push('\n');
    }
    std::fs::write(&txt, s).unwrap();
    let st = Command::new("text2pcap")
        .args(["-q", "-l", "147"])
        .arg(&txt)
        .arg(&pcap)
        .status()
        .unwrap();
    assert!(st.success());
    let out = Command::new("tshark")
        .arg("-r")
        .arg(&pcap)
        .args([
            "-o",
            r#"uat:user_dlts:"User 0 (DLT=147)","tcap","0","","0","""#,
            "-V",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let _ = std::fs::remove_dir_all(&dir);
    let text = String::from_utf8(out.stdout).unwrap();
    text.split("\nFrame ").map(str::to_string).collect()
}
