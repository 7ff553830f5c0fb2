//! Tests against the real captures in shared/traces (expected values from tshark 4.0.17,
//! see the READMEs there).

use std::path::PathBuf;

use super::*;

/// The traces directory: `$SCPD_TRACES`, else `../shared/traces` beside the crate. `None`
/// (after saying so) when absent outside CI; a panic when absent in CI.
fn traces_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("SCPD_TRACES")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/traces")));
    if dir.is_dir() {
        return Some(dir);
    }
    if std::env::var_os("CI").is_some() {
        panic!("no traces at {} (set SCPD_TRACES)", dir.display());
    }
    eprintln!("skipped: no traces at {}", dir.display());
    None
}

/// A message reduced to what the tests compare.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Seen {
    frame: u64,
    via: Via,
    stream: Option<u16>,
    src: Option<SocketAddr>,
    dst: Option<SocketAddr>,
    /// M3UA: (class, type); MTP3: (si, ni).
    kind: (u8, u8),
    /// MTP3: (opc, dpc, sls).
    label: Option<(u32, u32, u8)>,
    len: usize,
    first: Vec<u8>,
}

fn read(rel: &str, mtp3: Mtp3Variant) -> Option<(Summary, Vec<Seen>)> {
    let dir = traces_dir()?;
    let path = dir.join(rel);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut seen = Vec::new();
    let opts = CaptureOptions { mtp3 };
    let summary = read_capture(&bytes, &opts, |m| {
        let (kind, label, body) = match m.payload {
            Payload::M3ua(b) => ((b[2], b[3]), None, b),
            Payload::Mtp3(msu) => (
                (msu.si, msu.ni),
                Some((msu.opc, msu.dpc, msu.sls)),
                msu.data,
            ),
            Payload::Sccp(b) => ((3, 0), None, b),
        };
        seen.push(Seen {
            frame: m.frame,
            via: m.via,
            stream: m.sctp_stream,
            src: m.src,
            dst: m.dst,
            kind,
            label,
            len: body.len(),
            first: body.iter().take(1).copied().collect(),
        });
    })
    .unwrap_or_else(|e| panic!("{rel}: {e}"));
    assert_eq!(summary.messages as usize, seen.len());
    Some((summary, seen))
}

fn count(seen: &[Seen], f: impl Fn(&Seen) -> bool) -> usize {
    seen.iter().filter(|s| f(s)).count()
}

#[test]
fn dump_all_for_debugging() {
    let Some(dir) = traces_dir() else { return };
    let mut names: Vec<_> = ["wireshark-wiki", "pycrate-pcapr", "arkime"]
        .iter()
        .flat_map(|d| std::fs::read_dir(dir.join(d)).unwrap())
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.extension()
                .is_some_and(|e| e == "pcap" || e == "cap" || e == "pcapng")
        })
        .collect();
    names.sort();
    for p in names {
        let rel = p.strip_prefix(&dir).unwrap().to_str().unwrap().to_owned();
        let (s, seen) = read(&rel, Mtp3Variant::Itu).unwrap();
        eprintln!(
            "{rel}: frames {} messages {} via {:?} skipped {:?} sccp {}",
            s.frames,
            s.messages,
            s.by_via,
            s.skipped,
            count(&seen, |m| m.label.is_some() && m.kind.0 == 3)
        );
    }
}
