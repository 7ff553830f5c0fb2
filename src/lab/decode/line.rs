//! One output line under construction: a buffer per top-level member, filled as the layers
//! are decoded and put together in key order, plus its `error` and `warning`.

use crate::lab::json::J;
use std::fmt::Write as _;

/// An `error` or `warning` member: layer, offset, reason.
#[derive(Default)]
pub(super) struct Problem {
    pub(super) set: bool,
    pub(super) layer: &'static str,
    pub(super) offset: usize,
    pub(super) reason: String,
}

impl Problem {
    /// Set it (a later problem replaces an earlier one, as the line's map did).
    pub(super) fn set(
        &mut self,
        layer: &'static str,
        offset: usize,
        reason: impl std::fmt::Display,
    ) {
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
pub(super) struct Line {
    pub(super) frame: Option<u64>,
    pub(super) line: Option<usize>,
    pub(super) ts_ns: Option<i64>,
    pub(super) dialogue: Option<u64>,
    pub(super) application: Option<&'static str>,
    pub(super) error: Problem,
    pub(super) warning: Problem,
    pub(super) m3ua: J,
    pub(super) mtp3: J,
    pub(super) sccp: J,
    pub(super) sccp_data: J,
    pub(super) scmg: J,
    pub(super) tcap: J,
    pub(super) returned: J,
    /// The line of a message SCCP returned (decoded under `returned`), kept for reuse.
    pub(super) inner: Option<Box<Line>>,
    pub(super) on: bool,
}

impl Line {
    pub(super) fn new(on: bool) -> Line {
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

    pub(super) fn clear(&mut self) {
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
    pub(super) fn write(&self, out: &mut J, file: Option<&[u8]>) {
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
