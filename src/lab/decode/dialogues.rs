//! Dialogue numbering: which dialogue each TC message (ANSI: package) belongs to, by its
//! transaction ids, and what is remembered of each open dialogue (its application context
//! phase, ANSI Invokes awaiting a result); how dialogues ended is counted in [`Totals`].

use super::Totals;
use crate::camel::Phase;
use crate::map::Version;
use std::collections::HashMap;

/// A transaction id as a map key: 1 to 4 octets (Q.773 §4.2.1.1, T1.114 §3.3.2), packed
/// with its length so ids of different lengths stay apart. No allocation per message.
type TidKey = u64;

fn tid_key(t: &[u8]) -> TidKey {
    t.iter().take(7).fold(0, |k, &b| k << 8 | u64::from(b)) | (t.len().min(255) as u64) << 56
}

/// Dialogue numbering and each dialogue's application (Q.774 §3.2.1 transaction ids).
#[derive(Default)]
pub(super) struct Dialogues {
    next: u64,
    /// Every open dialogue's transaction ids (either side's) → its number.
    open: HashMap<TidKey, u64>,
    /// Per open dialogue: its tids, the application learned from its AC, and whether its start was not in the input.
    pub(super) info: HashMap<u64, DialogueInfo>,
}

/// What a dialogue's application context names: CAP of a phase (TS 29.078 §5), Core INAP
/// CS-1 (ETS 300 374-1 §9), MAP (TS 29.002: 0.4.0.0.1.0.x) of a version, or another
/// application. Remembered for the dialogue, so that a TC-END without AC is read in the
/// version its TC-BEGIN named.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum AcApp {
    Cap(Phase),
    Inap,
    /// MAP; the version is the AC's last arc (§17.3.3 {map-ac x version}), `None` for a
    /// version the codec does not have (v1, v4).
    Map(Option<Version>),
    Other,
}

impl AcApp {
    pub(super) fn of(ac: &[u8]) -> AcApp {
        if let Some(p) = Phase::from_ac(ac) {
            AcApp::Cap(p)
        } else if crate::inap::ac::is_inap(ac) {
            AcApp::Inap
        } else if ac.starts_with(&[0x04, 0x00, 0x00, 0x01, 0x00]) {
            AcApp::Map(crate::map::ac_info(ac).map(|(_, v)| v).or(match ac {
                [_, _, _, _, _, _, 2] => Some(Version::V2),
                [_, _, _, _, _, _, 3] => Some(Version::V3),
                _ => None,
            }))
        } else {
            AcApp::Other
        }
    }
}

#[derive(Default)]
pub(super) struct DialogueInfo {
    /// Its transaction ids: one per side, so two inline ([`DialogueInfo::more`] for a peer
    /// that changes its id).
    tids: [Option<TidKey>; 2],
    more: Vec<TidKey>,
    pub(super) ac: Option<AcApp>,
    /// ANSI: operation codes of the Invokes awaiting a result, by invoke id (T1.114 results
    /// carry no operation code; the correlation id names the Invoke).
    pub(super) ansi_invokes: Vec<(u8, crate::tcap::ansi::OpCode)>,
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
pub(super) enum Step {
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
    pub(super) fn track(
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
    pub(super) fn close(&mut self, n: u64, step: Step, totals: &mut Totals) {
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
    pub(super) fn finish(&mut self, totals: &mut Totals) {
        let open = self.info.len() as u64;
        if open > 0 {
            *totals.dialogues.entry("open at end of input").or_default() += open;
        }
        self.open.clear();
        self.info.clear();
    }
}
