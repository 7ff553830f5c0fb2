//! One input read through: a capture (by its magic number) or hex lines, each message
//! decoded into a line that is counted and written to the output in large chunks.

use super::dialogues::Dialogues;
use super::line::Line;
use super::m3ua_sccp::{m3ua_layer, sccp_layer};
use super::tcap_itu::tcap_layer;
use super::{sccp_variant, HexLayer, InputFormat, Options, Totals};
use crate::lab::capture::{self, CaptureOptions, Payload};
use crate::lab::json::{count, Small, J};
use crate::sccp::segment::{Reassembler, ReassemblyConfig};
use std::fmt::Write as _;
use std::time::{Duration, Instant};

/// The decoder's state across one input.
pub(super) struct State<'o> {
    pub(super) opts: &'o Options,
    pub(super) variant: crate::sccp::Variant,
    pub(super) dialogues: Dialogues,
    pub(super) reassembler: Reassembler,
    /// The capture clock mapped onto [`Instant`] for the reassembly timer.
    clock: Option<(Instant, i64)>,
}

impl State<'_> {
    fn now(&mut self, ts_ns: i64) -> Instant {
        let (base, t0) = *self.clock.get_or_insert((Instant::now(), ts_ns));
        base + Duration::from_nanos(ts_ns.saturating_sub(t0).max(0) as u64)
    }
}

/// Output written to the sink in chunks of about this size.
const FLUSH_AT: usize = 64 * 1024;

/// Decode one input (a whole file's bytes), writing one JSON line per message to `out`;
/// with no `out` (`--summary`) only `totals` are kept.
pub fn decode_input(
    name: &str,
    data: &[u8],
    opts: &Options,
    totals: &mut Totals,
    mut out: Option<&mut dyn std::io::Write>,
) -> Result<(), String> {
    let is_capture = matches!(
        data.get(..4),
        Some(
            [0xd4, 0xc3, 0xb2, 0xa1]
                | [0xa1, 0xb2, 0xc3, 0xd4]
                | [0x4d, 0x3c, 0xb2, 0xa1]
                | [0xa1, 0xb2, 0x3c, 0x4d]
                | [0x0a, 0x0d, 0x0d, 0x0a]
        )
    );
    let variant = sccp_variant(opts.mtp3);
    let mut d = State {
        opts,
        variant,
        dialogues: Dialogues::default(),
        // T(reass) at the top of Q.714's 10-20 s range: captures are not real time.
        reassembler: Reassembler::new(
            variant,
            ReassemblyConfig {
                timeout_ms: 20_000,
                ..ReassemblyConfig::default()
            },
        ),
        clock: None,
    };
    let on = out.is_some();
    let mut line = Line::new(on);
    let mut buf = if on { J::new() } else { J::off() };
    let mut file = J::new();
    file.str(name);
    let mut failed: Option<std::io::Error> = None;
    // One line done: counted, and written when there is an output.
    let mut done = |line: &Line, totals: &mut Totals, buf: &mut J| {
        finish(line, totals);
        if let Some(w) = out.as_deref_mut().filter(|_| failed.is_none()) {
            line.write(buf, Some(file.bytes()));
            buf.newline();
            if buf.len() >= FLUSH_AT {
                if let Err(e) = w.write_all(buf.bytes()) {
                    failed = Some(e);
                }
                buf.clear();
            }
        }
    };
    let format = match opts.format {
        InputFormat::Auto if is_capture => InputFormat::Pcap,
        InputFormat::Auto => InputFormat::Hex,
        f => f,
    };
    let messages_before = totals.messages;
    if format == InputFormat::Pcap {
        let d = &mut d;
        let summary = capture::read_capture(data, &CaptureOptions { mtp3: opts.mtp3 }, |m| {
            line.clear();
            line.frame = Some(m.frame);
            line.ts_ns = Some(m.ts_ns);
            let now = d.now(m.ts_ns);
            match m.payload {
                Payload::M3ua(b) => m3ua_layer(b, now, &mut line, d, totals),
                Payload::Mtp3(msu) => {
                    let j = &mut line.mtp3;
                    j.open().key("dpc").num(msu.dpc).key("ni").num(msu.ni);
                    j.key("opc").num(msu.opc).key("si").num(msu.si);
                    j.key("sls").num(msu.sls).close();
                    if msu.si == 3 {
                        sccp_layer(msu.data, msu.opc, now, &mut line, d, totals);
                    }
                }
                Payload::Sccp(b) => sccp_layer(b, 0, now, &mut line, d, totals),
            }
            done(&line, totals, &mut buf);
        })
        .map_err(|e| e.to_string())?;
        if summary.skipped(capture::Skip::TruncatedFile) > 0 {
            totals.warnings.push(format!(
                "{name}: the capture ends inside a packet record after frame {} (cut short, \
                 or not capture data from there on); the rest is not decoded",
                summary.frames
            ));
        } else if summary.messages == 0 {
            totals.warnings.push(format!(
                "{name}: no SS7 message in {} frame(s)",
                summary.frames
            ));
        }
    } else {
        let text =
            std::str::from_utf8(data).map_err(|_| "neither a capture nor hex text".to_string())?;
        for (i, raw) in text.lines().enumerate() {
            let l = raw.trim();
            if l.is_empty() || l.starts_with('#') {
                continue;
            }
            line.clear();
            line.line = Some(i + 1);
            match crate::ber::from_hex(l) {
                Err(e) => line.error.set("hex", 0, e),
                Ok(bytes) => {
                    let layer = match opts.layer {
                        HexLayer::Auto => match bytes.first() {
                            Some(1) if bytes.len() >= 8 => HexLayer::M3ua,
                            Some(0x09..=0x14) => HexLayer::Sccp,
                            _ => HexLayer::Tcap,
                        },
                        l => l,
                    };
                    let now = d.now(0);
                    match layer {
                        HexLayer::M3ua => m3ua_layer(&bytes, now, &mut line, &mut d, totals),
                        HexLayer::Sccp => sccp_layer(&bytes, 0, now, &mut line, &mut d, totals),
                        _ => tcap_layer(&bytes, None, false, &mut line, &mut d, totals),
                    }
                }
            }
            done(&line, totals, &mut buf);
        }
        if totals.messages == messages_before {
            totals
                .warnings
                .push(format!("{name}: no message (only blank and # lines)"));
        }
    }
    d.dialogues.finish(totals);
    if let Some(w) = out {
        if failed.is_none() {
            if let Err(e) = w.write_all(buf.bytes()) {
                failed = Some(e);
            }
        }
    }
    match failed {
        Some(e) => Err(format!("writing output: {e}")),
        None => Ok(()),
    }
}

/// Count a finished line.
fn finish(line: &Line, totals: &mut Totals) {
    totals.messages += 1;
    let e = &line.error;
    if e.set {
        totals.errors += 1;
        // Grouped by layer and reason, the reason as written: its numbers are tag values,
        // lengths and codes that tell errors apart (the offset is not part of it).
        let mut k = Small::new();
        if write!(k, "{}: {}", e.layer, e.reason).is_ok() {
            count(&mut totals.error_kinds, k.as_str());
        } else {
            count(
                &mut totals.error_kinds,
                &format!("{}: {}", e.layer, e.reason),
            );
        }
    }
}
