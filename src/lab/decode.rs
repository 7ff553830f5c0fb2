//! `scpd decode`: every message in a capture or hex file becomes one JSON line with each
//! layer decoded (M3UA or MTP3, SCCP, TCAP, CAP), plus the dialogue it belongs to. A message
//! that fails becomes a line with an `error` object naming the layer, offset and reason, and
//! decoding goes on.
//!
//! * SCCP is read in the variant that goes with `--mtp3` ([`sccp_variant`]).
//! * XUDT/LUDT segments are reassembled across packets (Q.714 §4.1.2.2) with the node's own
//!   [`Reassembler`], timed by the capture's clock; the line of the last segment carries
//!   the whole message's TCAP (`sccp.reassembled` says from how many segments).
//! * Dialogues are numbered per input in order of appearance: a Begin (ANSI: Query) opens
//!   one under its OTID, the peer's first Continue (Conversation) adds its own OTID, End and
//!   Abort (Response, Abort) close it (Q.774 §3.2.1). Every TCAP line carries `dialogue`
//!   (that number); `--summary` counts how dialogues ended.
//! * The application (CAP, MAP, AIN, INAP) follows from the dialogue's application context,
//!   else from the SSN (`--ssn 146=camel`, `--cap-ssn`, ... like tshark's `*.tcap.ssn`).
//! * Lines are written straight from the borrowed decode into one reused buffer
//!   ([`super::json`]) and handed to the output in large writes; the keys of every object
//!   are in name order. With no output (`--summary`) no text is made, only counts.

use super::capture::{self, CaptureOptions, Mtp3Variant, Payload};
use super::json::{count, count_fmt, Small, J};
use crate::camel::{self, Phase};
use crate::m3ua::{Kind, Message};
use crate::sccp::segment::{Reassembler, ReassemblyConfig, SegmentOutcome};
use crate::sccp::{Address, Unitdata};
use crate::tcap::itu::{Component, DialoguePdu, MessageType, TcMessage};
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputFormat {
    Auto,
    Hex,
    Pcap,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HexLayer {
    Auto,
    M3ua,
    Sccp,
    Tcap,
}

/// A TC-user application, for naming operations when the AC does not say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum App {
    Camel,
    Map,
    Ain,
    Inap,
}

impl App {
    pub fn name(self) -> &'static str {
        match self {
            App::Camel => "CAP",
            App::Map => "MAP",
            App::Ain => "AIN",
            App::Inap => "INAP",
        }
    }

    /// `camel`/`cap`, `map`/`gsm_map`, `ain`, `inap`.
    pub fn parse(s: &str) -> Option<App> {
        Some(match s.to_ascii_lowercase().as_str() {
            "camel" | "cap" => App::Camel,
            "map" | "gsm_map" => App::Map,
            "ain" => App::Ain,
            "inap" => App::Inap,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone)]
pub struct Options {
    pub format: InputFormat,
    pub layer: HexLayer,
    pub mtp3: Mtp3Variant,
    /// SSNs whose TCAP is CAP when the dialogue's application context was not seen (like
    /// tshark's `camel.tcap.ssn`).
    pub cap_ssns: Vec<u8>,
    /// Further SSN → application mappings (later entries win over earlier ones and over
    /// `cap_ssns`).
    pub ssn_apps: Vec<(u8, App)>,
}

impl Options {
    fn app_of_ssn(&self, ssn: u8) -> Option<App> {
        self.ssn_apps
            .iter()
            .rev()
            .find(|(s, _)| *s == ssn)
            .map(|(_, a)| *a)
            .or_else(|| self.cap_ssns.contains(&ssn).then_some(App::Camel))
    }
}

/// Counts for `--summary`.
#[derive(Debug, Default)]
pub struct Totals {
    pub messages: u64,
    pub errors: u64,
    pub operations: BTreeMap<String, u64>,
    pub tcap_types: BTreeMap<String, u64>,
    /// Dialogues by how they ended (`ended`, `aborted`, `open at end of input`, ...).
    pub dialogues: BTreeMap<&'static str, u64>,
    /// Errors by layer and reason.
    pub error_kinds: BTreeMap<String, u64>,
}

impl Totals {
    pub fn table(&self) -> String {
        let mut s = format!("messages {}\nerrors   {}\n", self.messages, self.errors);
        let mut section = |title: &str, rows: Vec<(String, u64)>| {
            s.push_str(&format!("\n{title}\n"));
            if rows.is_empty() {
                s.push_str("         -\n");
            }
            for (k, v) in rows {
                s.push_str(&format!("  {v:>8}  {k}\n"));
            }
        };
        let rows = |m: &BTreeMap<String, u64>| m.iter().map(|(k, v)| (k.clone(), *v)).collect();
        section("TCAP message types", rows(&self.tcap_types));
        section("operations", rows(&self.operations));
        section(
            "dialogues",
            self.dialogues
                .iter()
                .map(|(k, v)| (k.to_string(), *v))
                .collect(),
        );
        section("errors", rows(&self.error_kinds));
        s
    }
}

/// A transaction id as a map key: 1 to 4 octets (Q.773 §4.2.1.1, T1.114 §3.3.2), packed
/// with its length so ids of different lengths stay apart. No allocation per message.
type TidKey = u64;

fn tid_key(t: &[u8]) -> TidKey {
    t.iter().take(7).fold(0, |k, &b| k << 8 | u64::from(b)) | (t.len().min(255) as u64) << 56
}

/// Dialogue numbering and each dialogue's application (Q.774 §3.2.1 transaction ids).
#[derive(Default)]
struct Dialogues {
    next: u64,
    /// Every open dialogue's transaction ids (either side's) → its number.
    open: HashMap<TidKey, u64>,
    /// Per open dialogue: its tids, the application learned from its AC (`Some(None)`: an
    /// AC that is not CAP), and whether its start was not in the input.
    info: HashMap<u64, DialogueInfo>,
}

#[derive(Default)]
struct DialogueInfo {
    /// Its transaction ids: one per side, so two inline ([`DialogueInfo::more`] for a peer
    /// that changes its id).
    tids: [Option<TidKey>; 2],
    more: Vec<TidKey>,
    phase: Option<Option<Phase>>,
    /// ANSI: operation codes of the Invokes awaiting a result, by invoke id (T1.114 results
    /// carry no operation code; the correlation id names the Invoke).
    ansi_invokes: Vec<(u8, crate::tcap::ansi::OpCode)>,
}

impl DialogueInfo {
    fn add_tid(&mut self, k: TidKey) {
        if self.tids.contains(&Some(k)) || self.more.contains(&k) {
            return;
        }
        match self.tids.iter_mut().find(|t| t.is_none()) {
            Some(slot) => *slot = Some(k),
            None => self.more.push(k),
        }
    }

    fn all_tids(&self) -> impl Iterator<Item = TidKey> + '_ {
        self.tids.iter().flatten().chain(&self.more).copied()
    }
}

/// What a TC message does to its dialogue.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Step {
    Begin,
    Continue,
    End,
    Abort,
    Uni,
}

impl Dialogues {
    fn open_new(&mut self) -> u64 {
        self.next += 1;
        self.info.insert(self.next, DialogueInfo::default());
        self.next
    }

    fn bind(&mut self, n: u64, tid: &[u8]) {
        let k = tid_key(tid);
        self.open.insert(k, n);
        if let Some(i) = self.info.get_mut(&n) {
            i.add_tid(k);
        }
    }

    /// The dialogue a message belongs to, opening or closing it; outcomes go to `totals`.
    fn track(
        &mut self,
        step: Step,
        otid: Option<&[u8]>,
        dtid: Option<&[u8]>,
        totals: &mut Totals,
    ) -> u64 {
        let known = dtid.and_then(|d| self.open.get(&tid_key(d)).copied());
        let n = match (step, known) {
            (Step::Begin | Step::Uni, _) => self.open_new(),
            (_, Some(n)) => n,
            (_, None) => {
                *totals
                    .dialogues
                    .entry("begun before the input")
                    .or_default() += 1;
                let n = self.open_new();
                if let Some(d) = dtid {
                    self.bind(n, d);
                }
                n
            }
        };
        match step {
            Step::Begin | Step::Continue => {
                if let Some(o) = otid {
                    self.bind(n, o);
                }
            }
            Step::Uni => {
                *totals.dialogues.entry("unidirectional").or_default() += 1;
                self.info.remove(&n);
            }
            // Closed by `close` once the message has been read.
            Step::End | Step::Abort => {}
        }
        n
    }

    /// After an End or Abort (Response, Abort) of dialogue `n` has been read: forget it.
    fn close(&mut self, n: u64, step: Step, totals: &mut Totals) {
        if !matches!(step, Step::End | Step::Abort) {
            return;
        }
        *totals
            .dialogues
            .entry(if step == Step::End {
                "ended"
            } else {
                "aborted"
            })
            .or_default() += 1;
        if let Some(i) = self.info.remove(&n) {
            for t in i.all_tids() {
                if self.open.get(&t) == Some(&n) {
                    self.open.remove(&t);
                }
            }
        }
    }

    /// End of one input: what is still open.
    fn finish(&mut self, totals: &mut Totals) {
        let open = self.info.len() as u64;
        if open > 0 {
            *totals.dialogues.entry("open at end of input").or_default() += open;
        }
        self.open.clear();
        self.info.clear();
    }
}

/// The decoder's state across one input.
struct State<'o> {
    opts: &'o Options,
    variant: crate::sccp::Variant,
    dialogues: Dialogues,
    reassembler: Reassembler,
    /// The capture clock mapped onto [`Instant`] for the reassembly timer.
    clock: Option<(Instant, i64)>,
}

impl State<'_> {
    fn now(&mut self, ts_ns: i64) -> Instant {
        let (base, t0) = *self.clock.get_or_insert((Instant::now(), ts_ns));
        base + Duration::from_nanos(ts_ns.saturating_sub(t0).max(0) as u64)
    }
}

/// The SCCP variant that goes with an MTP3 point-code variant: ANSI T1.112 for ANSI, the
/// ITU layout with 24-bit point codes for China (GF 001-9001). Japan's TTC JT-Q.713 uses the
/// ITU layout with 16-bit point codes, which the ITU decoder reads as 14-bit plus 2 spare
/// bits: the layout is right, only a point code with either top bit set is shown masked.
pub fn sccp_variant(mtp3: Mtp3Variant) -> crate::sccp::Variant {
    match mtp3 {
        Mtp3Variant::Itu | Mtp3Variant::Japanese => crate::sccp::Variant::Itu,
        Mtp3Variant::Ansi => crate::sccp::Variant::Ansi,
        Mtp3Variant::Chinese => crate::sccp::Variant::Chinese,
    }
}

/// An `error` or `warning` member: layer, offset, reason.
#[derive(Default)]
struct Problem {
    set: bool,
    layer: &'static str,
    offset: usize,
    reason: String,
}

impl Problem {
    /// Set it (a later problem replaces an earlier one, as the line's map did).
    fn set(&mut self, layer: &'static str, offset: usize, reason: impl std::fmt::Display) {
        self.set = true;
        self.layer = layer;
        self.offset = offset;
        self.reason.clear();
        let _ = write!(self.reason, "{reason}");
    }

    fn write(&self, j: &mut J) {
        j.open().key("layer").str(self.layer);
        j.key("offset").num(self.offset);
        j.key("reason").str(&self.reason).close();
    }
}

/// One output line while its layers are decoded: every top-level member has its own
/// reused buffer, because layers are met in protocol order but the line's keys are in
/// name order; [`Line::write`] puts them together.
#[derive(Default)]
struct Line {
    frame: Option<u64>,
    line: Option<usize>,
    ts_ns: Option<i64>,
    dialogue: Option<u64>,
    application: Option<&'static str>,
    error: Problem,
    warning: Problem,
    m3ua: J,
    mtp3: J,
    sccp: J,
    sccp_data: J,
    scmg: J,
    tcap: J,
    returned: J,
    /// The line of a message SCCP returned (decoded under `returned`), kept for reuse.
    inner: Option<Box<Line>>,
    on: bool,
}

impl Line {
    fn new(on: bool) -> Line {
        let j = || if on { J::new() } else { J::off() };
        Line {
            m3ua: j(),
            mtp3: j(),
            sccp: j(),
            sccp_data: j(),
            scmg: j(),
            tcap: j(),
            returned: j(),
            on,
            ..Line::default()
        }
    }

    fn clear(&mut self) {
        self.frame = None;
        self.line = None;
        self.ts_ns = None;
        self.dialogue = None;
        self.application = None;
        self.error.set = false;
        self.warning.set = false;
        for j in [
            &mut self.m3ua,
            &mut self.mtp3,
            &mut self.sccp,
            &mut self.sccp_data,
            &mut self.scmg,
            &mut self.tcap,
            &mut self.returned,
        ] {
            j.clear();
        }
    }

    /// The line as one JSON object, keys in name order; `file` is the input's name,
    /// already a JSON string.
    fn write(&self, out: &mut J, file: Option<&[u8]>) {
        out.open();
        if let Some(a) = self.application {
            out.key("application").str(a);
        }
        if let Some(n) = self.dialogue {
            out.key("dialogue").num(n);
        }
        if self.error.set {
            self.error.write(out.key("error"));
        }
        if let Some(f) = file {
            out.key("file").raw(f);
        }
        if let Some(n) = self.frame {
            out.key("frame").num(n);
        }
        if let Some(n) = self.line {
            out.key("line").num(n);
        }
        for (k, j) in [
            ("m3ua", &self.m3ua),
            ("mtp3", &self.mtp3),
            ("returned", &self.returned),
            ("sccp", &self.sccp),
            ("sccp_data", &self.sccp_data),
            ("scmg", &self.scmg),
            ("tcap", &self.tcap),
        ] {
            if !j.is_empty() {
                out.key(k).raw(j.bytes());
            }
        }
        if let Some(t) = self.ts_ns {
            out.key("ts_ns").num(t);
        }
        if self.warning.set {
            self.warning.write(out.key("warning"));
        }
        out.close();
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
    if format == InputFormat::Pcap {
        let d = &mut d;
        capture::read_capture(data, &CaptureOptions { mtp3: opts.mtp3 }, |m| {
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
        // The reason without offsets and numbers, so like errors group together.
        let mut k = Small::new();
        let _ = write!(k, "{}: ", e.layer);
        let digitless = e.reason.split(|c: char| c.is_ascii_digit());
        if digitless.clone().try_for_each(|p| k.write_str(p)).is_ok() {
            count(&mut totals.error_kinds, k.as_str());
        } else {
            let mut s = format!("{}: ", e.layer);
            s.extend(digitless);
            count(&mut totals.error_kinds, &s);
        }
    }
}

fn m3ua_layer(b: &[u8], now: Instant, line: &mut Line, d: &mut State<'_>, totals: &mut Totals) {
    let msg = match Message::parse(b) {
        Ok(m) => m,
        Err(e) => {
            line.error.set("m3ua", 0, e);
            return;
        }
    };
    let j = &mut line.m3ua;
    j.open();
    if let Ok(Some(code)) = msg.error_code() {
        j.key("error_code").num(code);
    }
    match msg.kind() {
        Some(k) => j.key("message").str(k.name()),
        None => j
            .key("message")
            .display(format_args!("class {} type {}", msg.class, msg.msg_type)),
    };
    let mut data = None;
    if msg.kind() == Some(Kind::Data) {
        match msg.protocol_data() {
            Ok(pd) => {
                j.key("protocol_data").open().key("dpc").num(pd.dpc);
                j.key("ni").num(pd.ni).key("opc").num(pd.opc);
                j.key("si").num(pd.si).key("sls").num(pd.sls).close();
                data = Some(Ok(pd));
            }
            Err(e) => data = Some(Err(e)),
        }
    }
    if let Ok(Some(rcs)) = msg.routing_contexts() {
        j.key("routing_context").open_array();
        for rc in rcs.iter() {
            j.num(rc);
        }
        j.close_array();
    }
    if let Ok(Some((t, i))) = msg.status() {
        j.key("status").open().key("info").num(i);
        j.key("type").num(t).close();
    }
    j.close();
    match data {
        Some(Ok(pd)) if pd.si == 3 => sccp_layer(pd.data, pd.opc, now, line, d, totals),
        Some(Err(e)) => line.error.set("m3ua", 8, e),
        _ => {}
    }
}

fn address(j: &mut J, a: &Address<'_>) {
    j.open();
    if let Some(g) = a.gt {
        j.key("gt").open().key("digits").str(g.digits().as_str());
        j.key("gti").num(g.gti).key("nai").num(g.nai);
        j.key("np").num(g.np).key("tt").num(g.tt).close();
    }
    if let Some(pc) = a.pc {
        j.key("pc").num(pc);
    }
    j.key("route_on")
        .str(if a.route_on_ssn { "ssn" } else { "gt" });
    if let Some(ssn) = a.ssn {
        j.key("ssn").num(ssn);
    }
    j.close();
}

fn sccp_layer(
    b: &[u8],
    opc: u32,
    now: Instant,
    line: &mut Line,
    d: &mut State<'_>,
    totals: &mut Totals,
) {
    let u = match Unitdata::decode_variant(b, d.variant) {
        Ok(u) => u,
        Err(e) => {
            let t = b.first().copied().unwrap_or(0);
            line.sccp
                .open()
                .key("message")
                .str(crate::sccp::type_name(t))
                .close();
            line.error.set("sccp", 0, e);
            return;
        }
    };
    let s = &mut line.sccp;
    s.open();
    address(s.key("called"), &u.called);
    address(s.key("calling"), &u.calling);
    if !u.is_service() {
        s.key("class").num(u.protocol_class & 0x0f);
    }
    s.key("message").str(u.type_name());
    let ssn_app = [u.called.ssn, u.calling.ssn]
        .into_iter()
        .flatten()
        .find_map(|s| d.opts.app_of_ssn(s));
    let segmented = u
        .segmentation
        .is_some_and(|s| !(s.first && s.remaining == 0));
    // Q.714 §4.1.2.2: hold the segment; the last one yields the whole message.
    let outcome = segmented.then(|| d.reassembler.receive(opc, b, now));
    match &outcome {
        Some(Ok(Some(SegmentOutcome::Complete(r)))) => {
            s.key("reassembled").open().key("length").num(r.data.len());
            s.key("segments").num(r.segments).close();
        }
        Some(Ok(Some(SegmentOutcome::Failed(_))) | Err(_)) => {}
        Some(Ok(_)) => {
            s.key("reassembly").str("pending");
        }
        None => {}
    }
    if let Some(c) = u.return_cause {
        s.key("return_cause").num(c);
    }
    if !u.is_service() {
        s.key("return_on_error").bool(u.return_on_error());
    }
    if let Some(seg) = u.segmentation {
        s.key("segmentation").open().key("first").bool(seg.first);
        s.key("local_reference").num(seg.local_reference);
        s.key("remaining").num(seg.remaining).close();
    }
    s.close();
    if let Some(outcome) = outcome {
        match outcome {
            Ok(Some(SegmentOutcome::Complete(r))) => {
                if u.is_service() {
                    returned(&r.data, ssn_app, line, d);
                } else {
                    tcap_layer(&r.data, ssn_app, false, line, d, totals);
                }
            }
            Ok(Some(SegmentOutcome::Failed(f))) => {
                line.sccp_data.hex(u.data);
                line.error
                    .set("sccp", 0, format_args!("reassembly: {}", f.reason));
            }
            Ok(_) => {
                line.sccp_data.hex(u.data);
            }
            Err(e) => line.error.set("sccp", 0, e),
        }
        return;
    }
    if u.data.is_empty() {
        return;
    }
    if u.is_service() {
        // The message SCCP returns (Q.714 §4.2) is a copy of one already sent: decoded under
        // `returned`, outside the counts and the dialogues.
        returned(u.data, ssn_app, line, d);
        return;
    }
    if u.called.ssn == Some(crate::sccp::scmg::SSN_SCMG) {
        // SCCP management (Q.713 §5), not a TC user.
        match crate::sccp::scmg::ScmgMessage::decode(u.data, d.variant) {
            Ok(m) => {
                let j = &mut line.scmg;
                j.open().key("affected_pc").num(m.affected_pc);
                j.key("affected_ssn").num(m.affected_ssn);
                if let Some(c) = m.congestion_level {
                    j.key("congestion_level").num(c);
                }
                j.key("message").str(m.type_name());
                j.key("multiplicity").num(m.multiplicity).close();
            }
            Err(e) => line.error.set("scmg", 0, e),
        }
        return;
    }
    tcap_layer(u.data, ssn_app, false, line, d, totals);
}

/// A message SCCP returned: its TCAP under `returned`, counted nowhere.
fn returned(b: &[u8], ssn_app: Option<App>, line: &mut Line, d: &mut State<'_>) {
    let mut inner = line
        .inner
        .take()
        .unwrap_or_else(|| Box::new(Line::new(line.on)));
    inner.clear();
    tcap_layer(b, ssn_app, true, &mut inner, d, &mut Totals::default());
    inner.write(&mut line.returned, None);
    line.inner = Some(inner);
}

/// An application context name in dotted form, else as hex.
fn oid(j: &mut J, ac: &[u8]) {
    if !j.is_on() {
        return;
    }
    let mut s = Small::new();
    let dotted = !ac.is_empty() && ac[ac.len() - 1] & 0x80 == 0 && {
        let (mut arc, mut first, mut ok) = (0u64, true, true);
        for &b in ac {
            if arc > (u64::MAX >> 7) {
                ok = false;
                break;
            }
            arc = (arc << 7) | u64::from(b & 0x7f);
            if b & 0x80 == 0 {
                let r = if first {
                    first = false;
                    let (a, b) = match arc {
                        0..=39 => (0, arc),
                        40..=79 => (1, arc - 40),
                        _ => (2, arc - 80),
                    };
                    write!(s, "{a}.{b}")
                } else {
                    write!(s, ".{arc}")
                };
                ok &= r.is_ok();
                arc = 0;
            }
        }
        ok
    };
    if dotted {
        j.str(s.as_str());
    } else if let Some(text) = crate::ber::oid_to_string(ac) {
        j.str(&text); // longer than the stack buffer
    } else {
        j.hex(ac);
    }
}

fn tcap_layer(
    b: &[u8],
    ssn_app: Option<App>,
    returned: bool,
    line: &mut Line,
    d: &mut State<'_>,
    totals: &mut Totals,
) {
    if matches!(b.first(), Some(0xe1..=0xe6 | 0xf6)) {
        ansi_layer(b, returned, line, &mut d.dialogues, totals);
        return;
    }
    let repaired;
    let msg = match TcMessage::decode(b) {
        Ok(m) => m,
        // Like Wireshark, read a message whose outer length overstates what the SCCP data
        // carries as far as it goes, with a warning (only this error path copies).
        Err(_)
            if {
                repaired = clamp_outer_length(b);
                repaired
                    .as_ref()
                    .is_some_and(|r| TcMessage::decode(&r.0).is_ok())
            } =>
        {
            let Some(r) = repaired.as_ref() else {
                return;
            };
            line.warning.set(
                "tcap",
                0,
                format_args!(
                    "message length {} exceeds the {} octets carried; decoded what is there",
                    r.1,
                    r.0.len() - r.2
                ),
            );
            match TcMessage::decode(&r.0) {
                Ok(m) => m,
                Err(_) => return,
            }
        }
        Err(e) => {
            let offset = match &e {
                crate::tcap::itu::TcapError::BadlyFormatted(be)
                | crate::tcap::itu::TcapError::Dialogue(be) => be.offset,
                _ => 0,
            };
            line.error.set("tcap", offset, e);
            return;
        }
    };
    count(&mut totals.tcap_types, msg.kind.name());
    let ac = msg.application_context();
    // Which dialogue, and which application: the dialogue's AC (learned at its Begin or
    // first answer), else the SSN.
    let step = match msg.kind {
        MessageType::Begin => Step::Begin,
        MessageType::Continue => Step::Continue,
        MessageType::End => Step::End,
        MessageType::Abort => Step::Abort,
        MessageType::Unidirectional => Step::Uni,
    };
    let dl = &mut d.dialogues;
    let n = if returned {
        0
    } else {
        dl.track(step, msg.otid, msg.dtid, totals)
    };
    // `track` forgets a dialogue that ends: read what it learned first.
    let known = dl.info.get(&n).and_then(|i| i.phase);
    let phase = ac.map(Phase::from_ac).or(known);
    if let (Some(p), Some(i)) = (ac.map(Phase::from_ac), dl.info.get_mut(&n)) {
        i.phase = Some(p);
    }
    let app = match phase {
        Some(Some(_)) => Some(App::Camel),
        // An AC that is not CAP's: a MAP AC (0.4.0.0.1.0.x), else what the SSN says.
        Some(None) if ac.is_some_and(|a| a.starts_with(&[0x04, 0x00, 0x00, 0x01, 0x00])) => {
            Some(App::Map)
        }
        Some(None) => ssn_app.filter(|a| *a != App::Camel),
        None => ssn_app,
    };
    let is_cap = app == Some(App::Camel);
    if !returned {
        line.dialogue = Some(n);
    }
    let t = &mut line.tcap;
    t.open();
    let mut any = false;
    for c in msg.components() {
        if !any {
            t.key("components").open_array();
            any = true;
        }
        match c {
            Ok(c) => component(t, &c, is_cap, totals, &mut line.error),
            Err(f) => {
                t.open().key("reject_reason").display(&f.error).close();
                line.error.set(
                    "tcap",
                    f.error.offset,
                    format_args!("component: {}", f.error),
                );
            }
        }
    }
    if any {
        t.close_array();
    }
    if let Some(pdu) = msg.dialogue {
        let kind = match pdu {
            DialoguePdu::Aarq { .. } => "AARQ",
            DialoguePdu::Aare { .. } => "AARE",
            DialoguePdu::Abrt { .. } => "ABRT",
            DialoguePdu::Audt { .. } => "AUDT",
        };
        t.key("dialogue").open();
        if let Some(ac) = ac {
            oid(t.key("application_context"), ac);
        }
        if let DialoguePdu::Aare { diagnostic, .. } = pdu {
            t.key("diagnostic").open_array();
            t.num(diagnostic.0).num(diagnostic.1).close_array();
        }
        t.key("pdu").str(kind);
        if let DialoguePdu::Aare { result, .. } = pdu {
            t.key("result").num(result);
        }
        t.close();
    }
    if let Some(x) = msg.dtid {
        t.key("dtid").hex(x);
    }
    t.key("message").str(msg.kind.name());
    if let Some(o) = msg.otid {
        t.key("otid").hex(o);
    }
    if let Some(c) = msg.p_abort {
        t.key("p_abort_cause").num(c);
    }
    t.close();
    if !returned {
        d.dialogues.close(n, step, totals);
    }
    if let Some(a) = app {
        line.application = Some(match (a, phase.flatten()) {
            (App::Camel, Some(Phase::Cap1)) => "CAP v1",
            (App::Camel, Some(Phase::Cap2)) => "CAP v2",
            (App::Camel, Some(Phase::Cap3)) => "CAP v3",
            (App::Camel, Some(Phase::Cap4)) => "CAP v4",
            (a, _) => a.name(),
        });
    }
}

/// `b` with its outer BER length replaced by what follows it (definite form), when that is
/// shorter than stated: (bytes, stated length, header length).
fn clamp_outer_length(b: &[u8]) -> Option<(Vec<u8>, usize, usize)> {
    let (&tag, rest) = b.split_first()?;
    let (&l0, rest) = rest.split_first()?;
    let (stated, rest) = match l0 {
        0..=0x7f => (usize::from(l0), rest),
        0x81..=0x84 => {
            let n = usize::from(l0 & 0x7f);
            let v = rest.get(..n)?;
            (
                v.iter().fold(0usize, |a, &x| a << 8 | usize::from(x)),
                &rest[n..],
            )
        }
        _ => return None,
    };
    if stated <= rest.len() || tag & 0x20 == 0 {
        return None;
    }
    let mut out = Vec::with_capacity(rest.len() + 6);
    let mut w = crate::ber::Writer::new(&mut out);
    w.primitive(crate::ber::Tag::app(0, false), rest);
    // Same tag octet as the original (constructed application tag of the message type).
    out[0] = tag;
    let header = out.len() - rest.len();
    Some((out, stated, header))
}

/// ANSI T1.114 packages; private operation codes that AIN defines are named (GR-1299).
fn ansi_layer(b: &[u8], returned: bool, line: &mut Line, dl: &mut Dialogues, totals: &mut Totals) {
    use crate::tcap::ansi::{AnsiComponent, AnsiMessage, OpCode, PackageType};
    let msg = match AnsiMessage::decode(b) {
        Ok(m) => m,
        Err(e) => {
            line.tcap.open().key("variant").str("ansi").close();
            line.error.set("tcap", 0, e);
            return;
        }
    };
    let package = msg.package.name();
    count_fmt(&mut totals.tcap_types, format_args!("ANSI {package}"));
    let ids = msg.ids;
    // T1.114 §3.1: the originating id is the sender's, the responding id the peer's.
    let step = match msg.package {
        PackageType::Unidirectional => Step::Uni,
        PackageType::QueryWithPermission | PackageType::QueryWithoutPermission => Step::Begin,
        PackageType::ConversationWithPermission | PackageType::ConversationWithoutPermission => {
            Step::Continue
        }
        PackageType::Response => Step::End,
        PackageType::Abort => Step::Abort,
    };
    let (o, r) = (ids.originating, ids.responding);
    let n = if returned {
        0
    } else {
        let n = dl.track(
            step,
            o.as_ref().map(|x| &x[..]),
            r.as_ref().map(|x| &x[..]),
            totals,
        );
        line.dialogue = Some(n);
        n
    };
    // The name of an operation code, and whether AIN defines it.
    let op_name = |op: OpCode| -> (Small, bool) {
        let code = op.value() & 0x7fff;
        let mut s = Small::new();
        let ain = match (op.is_private(), crate::ain::operation_name(code)) {
            (true, Some(n)) => {
                let _ = s.write_str(n);
                true
            }
            (true, None) => {
                let _ = write!(s, "private {code:#06x}");
                false
            }
            (false, _) => {
                let _ = write!(s, "national {code:#06x}");
                false
            }
        };
        (s, ain)
    };
    let mut ain = false;
    let t = &mut line.tcap;
    t.open();
    let mut any = false;
    for c in msg.components() {
        if !any {
            t.key("components").open_array();
            any = true;
        }
        match c {
            Ok(AnsiComponent::Invoke {
                last,
                invoke_id,
                correlation_id,
                opcode,
                parameter,
            }) => {
                let (name, is_ain) = op_name(opcode);
                let name = name.as_str();
                ain |= is_ain;
                count_fmt(&mut totals.operations, format_args!("invoke {name}"));
                if let (Some(id), Some(i)) = (invoke_id, dl.info.get_mut(&n)) {
                    i.ansi_invokes.retain(|(x, _)| *x != id);
                    i.ansi_invokes.push((id, opcode));
                }
                t.open();
                if is_ain {
                    match crate::ain::ain(opcode, parameter) {
                        Ok(m) => super::decode_args::ain_argument(t.key("argument"), &m.arg),
                        Err(e) => line.error.set(
                            "ain",
                            parameter.map_or(0, |p| p.offset),
                            format_args!("{name}: {e}"),
                        ),
                    }
                }
                t.key("component")
                    .str(if last { "invokeLast" } else { "invokeNotLast" });
                if let Some(c) = correlation_id {
                    t.key("correlation_id").num(c);
                }
                t.key("family").num(opcode.family());
                if let Some(i) = invoke_id {
                    t.key("invoke_id").num(i);
                }
                t.key("opcode").num(opcode.value());
                t.key("operation").str(name);
                if let Some(p) = parameter {
                    t.key("parameter").hex(p.raw);
                }
                t.key("specifier").num(opcode.specifier()).close();
            }
            Ok(AnsiComponent::ReturnResult {
                last,
                correlation_id,
                ..
            }) => {
                // The operation is the one of the Invoke it answers (by correlation id).
                let op = dl.info.get_mut(&n).and_then(|i| {
                    let k = i
                        .ansi_invokes
                        .iter()
                        .position(|(x, _)| *x == correlation_id)?;
                    let op = i.ansi_invokes[k].1;
                    if last {
                        i.ansi_invokes.swap_remove(k);
                    }
                    Some(op)
                });
                let name = op.map(|v| op_name(v).0);
                let name = name.as_ref().map_or("", |s| s.as_str());
                count_fmt(&mut totals.operations, format_args!("returnResult {name}"));
                t.open().key("component").str(if last {
                    "returnResultLast"
                } else {
                    "returnResultNotLast"
                });
                t.key("correlation_id").num(correlation_id);
                if let Some(op) = op {
                    t.key("opcode").num(op.value());
                    t.key("operation").str(name);
                }
                t.close();
            }
            Ok(AnsiComponent::ReturnError {
                correlation_id,
                error,
                ..
            }) => {
                count(&mut totals.operations, "returnError");
                t.open().key("component").str("returnError");
                t.key("correlation_id").num(correlation_id);
                t.key("error").display(format_args!("{error:?}")).close();
            }
            Ok(AnsiComponent::Reject {
                correlation_id,
                problem,
                ..
            }) => {
                count(&mut totals.operations, "reject");
                t.open().key("component").str("reject");
                t.key("correlation_id").opt_num(correlation_id);
                t.key("problem").open_array().num(problem.kind);
                t.num(problem.code).close_array().close();
            }
            Err(f) => {
                t.open().key("reject_reason").display(&f.error).close();
                line.error.set(
                    "tcap",
                    f.error.offset,
                    format_args!("component: {}", f.error),
                );
            }
        }
    }
    if any {
        t.close_array();
    }
    if let Some(o) = ids.originating {
        t.key("originating_id").hex(&o);
    }
    t.key("package").str(package);
    if let Some(r) = ids.responding {
        t.key("responding_id").hex(&r);
    }
    t.key("variant").str("ansi").close();
    if !returned {
        dl.close(n, step, totals);
    }
    if ain {
        line.application = Some("AIN");
    }
}

/// One ITU component (Q.773 §3), counted in `totals`; an argument that does not decode is
/// shown raw and noted in `error`.
fn component(j: &mut J, c: &Component<'_>, is_cap: bool, totals: &mut Totals, error: &mut Problem) {
    let name = |op: u32| -> Small {
        let mut s = Small::new();
        let _ = match camel::operation_name(op).filter(|_| is_cap) {
            Some(n) => s.write_str(n),
            None => write!(s, "op{op}"),
        };
        s
    };
    match *c {
        Component::Invoke {
            invoke_id,
            linked_id,
            opcode,
            parameter,
        } => {
            let op = name(opcode);
            let op = op.as_str();
            count_fmt(&mut totals.operations, format_args!("invoke {op}"));
            j.open();
            if let Some(p) = parameter {
                j.key("argument");
                let m = j.mark();
                let r = if is_cap {
                    super::decode_args::cap_argument(j, opcode, p)
                } else {
                    j.open().key("raw").hex(p.raw).close();
                    Ok(())
                };
                if let Err(e) = r {
                    j.reset(m);
                    j.open().key("raw").hex(p.raw).close();
                    error.set("cap", e.offset, format_args!("{op}: {}", e.kind));
                }
            }
            j.key("component").str("invoke");
            j.key("invoke_id").num(invoke_id);
            if let Some(l) = linked_id {
                j.key("linked_id").num(l);
            }
            j.key("opcode").num(opcode);
            j.key("operation").str(op).close();
        }
        Component::ReturnResult {
            invoke_id,
            last,
            opcode,
            ..
        } => {
            let op = opcode.map(name);
            let op = op.as_ref().map(Small::as_str);
            count_fmt(
                &mut totals.operations,
                format_args!("returnResult {}", op.unwrap_or_default()),
            );
            j.open().key("component").str(if last {
                "returnResultLast"
            } else {
                "returnResultNotLast"
            });
            j.key("invoke_id").num(invoke_id);
            j.key("opcode").opt_num(opcode);
            match op {
                Some(op) => j.key("operation").str(op),
                None => j.key("operation").null(),
            };
            j.close();
        }
        Component::ReturnError {
            invoke_id,
            error_code,
            parameter,
        } => {
            count_fmt(
                &mut totals.operations,
                format_args!("returnError {error_code}"),
            );
            j.open().key("component").str("returnError");
            if is_cap {
                super::decode_args::cap_error_name(j.key("error"), error_code.into(), parameter);
            }
            j.key("error_code").num(error_code);
            j.key("invoke_id").num(invoke_id);
            if is_cap {
                super::decode_args::cap_error_parameter(j, error_code.into(), parameter);
            }
            j.close();
        }
        Component::Reject { invoke_id, problem } => {
            count(&mut totals.operations, "reject");
            j.open().key("component").str("reject");
            j.key("invoke_id").opt_num(invoke_id);
            j.key("problem").open_array().num(problem.0);
            j.num(problem.1).close_array().close();
        }
    }
}
