//! Segmentation and reassembly of connectionless messages (Q.714 §4.1.1.2 and §4.1.2.2),
//! sans-IO: [`Segmenter`] turns user data into XUDT segments; [`Reassembler`] takes segments
//! and the current time and gives back whole messages, failures with their return message,
//! and the deadline at which to call [`Reassembler::expire`].
//!
//! Segments are sent in protocol class 1 (in-sequence delivery) with the original return
//! option; the segmentation parameter's C bit carries the class the user asked for. A
//! message is reassembled per (OPC, calling party address, segmentation local reference);
//! segments may arrive in any order, an identical duplicate is ignored.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use super::{cause, msg_type, SccpError, Segmentation, Unitdata, Variant, RETURN_ON_ERROR};

/// At most 16 segments: the remaining-segments field has 4 bits.
pub const MAX_SEGMENTS: usize = 16;

/// Splits user data into XUDT segments.
#[derive(Debug, Clone)]
pub struct Segmenter {
    variant: Variant,
    next_reference: u32,
    /// Most user data per segment; `None` = as much as an XUDT can carry with the given
    /// addresses (pointer limit) and still fit an MTP3 signalling information field.
    pub max_segment: Option<usize>,
}

impl Segmenter {
    /// `first_reference`: the segmentation local reference of the first segmented message.
    pub fn new(variant: Variant, first_reference: u32) -> Segmenter {
        Segmenter {
            variant,
            next_reference: first_reference & 0x00ff_ffff,
            max_segment: None,
        }
    }

    /// Most user data one XUDT carries between these addresses, with room for the
    /// segmentation (6) and importance (3) parameters and the end of optional parameters:
    /// the optional-part pointer (one octet) must reach past the data, and the whole message
    /// must fit the 272-octet MTP3 SIF.
    pub fn xudt_capacity(msg: &Unitdata<'_>, variant: Variant) -> usize {
        let mut a = Vec::with_capacity(32);
        let _ = msg.called.encode_variant(&mut a, variant);
        let mut b = Vec::with_capacity(32);
        let _ = msg.calling.encode_variant(&mut b, variant);
        let addrs = a.len() + b.len();
        // ptr3 = 4 + addrs + data <= 255; 10 + addrs + data + 10 <= 272.
        let by_pointer = 251usize.saturating_sub(addrs);
        let by_mtp = 252usize.saturating_sub(addrs);
        by_pointer.min(by_mtp).min(255)
    }

    /// The XUDTs carrying `msg.data` (whose other fields — class, return option, hop
    /// counter, addresses, importance — are copied into each). One XUDT without a
    /// segmentation parameter when the data fits; otherwise up to [`MAX_SEGMENTS`]
    /// segments, each as full as allowed, sharing a new local reference.
    pub fn segment(&mut self, msg: &Unitdata<'_>) -> Result<Vec<Vec<u8>>, SccpError> {
        let cap = Self::xudt_capacity(msg, self.variant);
        let limit = self.max_segment.map_or(cap, |m| m.min(cap)).max(1);
        let mut x = Unitdata {
            msg_type: msg_type::XUDT,
            hop_counter: Some(msg.hop_counter.unwrap_or(super::MAX_HOP_COUNTER)),
            return_cause: None,
            segmentation: None,
            ..msg.clone()
        };
        if msg.data.len() <= limit {
            let mut out = Vec::with_capacity(msg.data.len() + 40);
            x.encode(&mut out, self.variant)?;
            return Ok(vec![out]);
        }
        let n = msg.data.len().div_ceil(limit);
        if n > MAX_SEGMENTS {
            return Err(SccpError::TooLong {
                what: "user data to segment",
                len: msg.data.len(),
                max: MAX_SEGMENTS * limit,
            });
        }
        let reference = self.next_reference;
        self.next_reference = (self.next_reference + 1) & 0x00ff_ffff;
        let class1 = msg.class() == 1;
        x.protocol_class = 1 | (msg.protocol_class & RETURN_ON_ERROR);
        let mut out = Vec::with_capacity(n);
        for (i, chunk) in msg.data.chunks(limit).enumerate() {
            x.data = chunk;
            x.segmentation = Some(Segmentation {
                first: i == 0,
                class1,
                remaining: (n - 1 - i) as u8,
                local_reference: reference,
            });
            let mut b = Vec::with_capacity(chunk.len() + 40);
            x.encode(&mut b, self.variant)?;
            out.push(b);
        }
        Ok(out)
    }
}

/// Limits and timer of a [`Reassembler`] (config: `[sccp.reassembly]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ReassemblyConfig {
    /// T(reass), Q.714 §4.1.2.2 / Annex C: 10 to 20 s.
    pub timeout_ms: u64,
    /// Messages being reassembled at once.
    pub max_concurrent: usize,
    /// User data held across all reassemblies.
    pub max_bytes: usize,
}

impl Default for ReassemblyConfig {
    fn default() -> Self {
        ReassemblyConfig {
            timeout_ms: 10_000,
            max_concurrent: 1024,
            max_bytes: 4 << 20,
        }
    }
}

/// What identifies one segmented message.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ReassemblyKey {
    /// Originating point code of the MTP-TRANSFER (M3UA DATA OPC).
    pub opc: u32,
    /// Calling party address as encoded.
    pub calling: Vec<u8>,
    pub local_reference: u32,
}

/// A whole message out of its segments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reassembled {
    pub key: ReassemblyKey,
    /// The first segment as received (addresses, class, hop counter, importance).
    pub first: Vec<u8>,
    /// All user data, in order.
    pub data: Vec<u8>,
    pub segments: usize,
}

impl Reassembled {
    /// The first segment's message with the whole user data and no segmentation parameter,
    /// as if it had come in one LUDT.
    pub fn message(&self, variant: Variant) -> Result<Unitdata<'_>, SccpError> {
        let mut u = Unitdata::decode_variant(&self.first, variant)?;
        u.data = &self.data;
        u.segmentation = None;
        Ok(u)
    }
}

/// A reassembly that failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReassemblyFailure {
    pub key: ReassemblyKey,
    /// Return cause for the XUDTS (Q.713 §3.12).
    pub cause: u8,
    pub reason: &'static str,
    /// The XUDTS returning the first segment, when it was received and asked for return
    /// on error (Q.714 §4.1.2.2); send it to the OPC.
    pub returned: Option<Vec<u8>>,
}

/// What one segment did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SegmentOutcome {
    /// Held; call [`Reassembler::expire`] at `deadline` at the latest.
    Pending {
        deadline: Instant,
    },
    /// An identical copy of a segment already held; ignored.
    Duplicate,
    Complete(Reassembled),
    Failed(ReassemblyFailure),
}

#[derive(Debug)]
struct Partial {
    /// Segments by their remaining-segments value.
    parts: [Option<Vec<u8>>; MAX_SEGMENTS],
    first: Option<Vec<u8>>,
    /// Remaining count of the first segment (number of segments - 1), once known.
    last_index: Option<u8>,
    bytes: usize,
    deadline: Instant,
}

/// Reassembles XUDT/LUDT segments (sans-IO: segments and `now` in, outcomes out).
#[derive(Debug)]
pub struct Reassembler {
    variant: Variant,
    /// Hop counter of the XUDTS returning a failed reassembly (Q.713 §3.18). Default 15.
    pub hop_counter: u8,
    cfg: ReassemblyConfig,
    pending: HashMap<ReassemblyKey, Partial>,
    bytes: usize,
}

impl Reassembler {
    pub fn new(variant: Variant, cfg: ReassemblyConfig) -> Reassembler {
        Reassembler {
            variant,
            hop_counter: super::MAX_HOP_COUNTER,
            cfg,
            pending: HashMap::new(),
            bytes: 0,
        }
    }

    /// Messages being reassembled.
    pub fn in_progress(&self) -> usize {
        self.pending.len()
    }

    /// User data held.
    pub fn bytes_held(&self) -> usize {
        self.bytes
    }

    /// The earliest reassembly deadline.
    pub fn next_deadline(&self) -> Option<Instant> {
        self.pending.values().map(|p| p.deadline).min()
    }

    /// Take one received message carrying a segmentation parameter (`raw` as received
    /// from `opc`). A message without one is not a segment: `Ok(None)`.
    pub fn receive(
        &mut self,
        opc: u32,
        raw: &[u8],
        now: Instant,
    ) -> Result<Option<SegmentOutcome>, SccpError> {
        let u = Unitdata::decode_variant(raw, self.variant)?;
        let Some(seg) = u.segmentation else {
            return Ok(None);
        };
        let mut calling = Vec::with_capacity(24);
        u.calling.encode_variant(&mut calling, self.variant)?;
        let key = ReassemblyKey {
            opc,
            calling,
            local_reference: seg.local_reference,
        };
        // A lone segment is the whole message.
        if seg.first && seg.remaining == 0 && !self.pending.contains_key(&key) {
            return Ok(Some(SegmentOutcome::Complete(Reassembled {
                key,
                first: raw.to_vec(),
                data: u.data.to_vec(),
                segments: 1,
            })));
        }
        if !self.pending.contains_key(&key) {
            if self.pending.len() >= self.cfg.max_concurrent {
                return Ok(Some(self.refuse(
                    key,
                    seg.first,
                    &u,
                    "too many reassemblies",
                )));
            }
            self.pending.insert(
                key.clone(),
                Partial {
                    parts: Default::default(),
                    first: None,
                    last_index: None,
                    bytes: 0,
                    deadline: now + Duration::from_millis(self.cfg.timeout_ms),
                },
            );
        }
        if self.bytes + u.data.len() > self.cfg.max_bytes {
            return Ok(Some(self.fail(
                key,
                cause::DESTINATION_CANNOT_REASSEMBLE,
                "reassembly memory exhausted",
                Some(raw).filter(|_| seg.first),
            )));
        }
        let p = self.pending.get_mut(&key).expect("inserted above");
        let slot = usize::from(seg.remaining);
        if let Some(held) = &p.parts[slot] {
            let held_is_first = p.first.is_some() && p.last_index == Some(seg.remaining);
            let same = held.as_slice() == u.data && held_is_first == seg.first;
            return Ok(Some(if same {
                SegmentOutcome::Duplicate
            } else {
                self.fail(
                    key,
                    cause::SEGMENTATION_FAILURE,
                    "two different segments with the same number",
                    None,
                )
            }));
        }
        if seg.first {
            if p.first.is_some() {
                return Ok(Some(self.fail(
                    key,
                    cause::SEGMENTATION_FAILURE,
                    "second first segment",
                    None,
                )));
            }
            p.first = Some(raw.to_vec());
            p.last_index = Some(seg.remaining);
        }
        // A segment numbered beyond the first one's count, or a first segment whose count
        // is smaller than a segment already held, cannot belong to this message.
        if let Some(last) = p.last_index {
            if p.parts[usize::from(last) + 1..].iter().any(Option::is_some) || seg.remaining > last
            {
                return Ok(Some(self.fail(
                    key,
                    cause::SEGMENTATION_FAILURE,
                    "segment outside the announced count",
                    None,
                )));
            }
        }
        p.parts[slot] = Some(u.data.to_vec());
        p.bytes += u.data.len();
        self.bytes += u.data.len();
        let complete = p
            .last_index
            .is_some_and(|last| p.parts[..=usize::from(last)].iter().all(Option::is_some));
        if !complete {
            return Ok(Some(SegmentOutcome::Pending {
                deadline: p.deadline,
            }));
        }
        let p = self.pending.remove(&key).expect("present");
        self.bytes -= p.bytes;
        let last = usize::from(p.last_index.unwrap_or(0));
        let mut data = Vec::with_capacity(p.bytes);
        for part in p.parts[..=last].iter().rev().flatten() {
            data.extend_from_slice(part);
        }
        Ok(Some(SegmentOutcome::Complete(Reassembled {
            key,
            first: p.first.unwrap_or_default(),
            data,
            segments: last + 1,
        })))
    }

    /// Fail every reassembly whose T(reass) ran out by `now` (cause "segmentation
    /// failure": a segment is missing).
    pub fn expire(&mut self, now: Instant) -> Vec<ReassemblyFailure> {
        let due: Vec<ReassemblyKey> = self
            .pending
            .iter()
            .filter(|(_, p)| p.deadline <= now)
            .map(|(k, _)| k.clone())
            .collect();
        due.into_iter()
            .filter_map(|k| {
                match self.fail(
                    k,
                    cause::SEGMENTATION_FAILURE,
                    "reassembly timer expired",
                    None,
                ) {
                    SegmentOutcome::Failed(f) => Some(f),
                    _ => None,
                }
            })
            .collect()
    }

    fn refuse(
        &self,
        key: ReassemblyKey,
        first: bool,
        u: &Unitdata<'_>,
        reason: &'static str,
    ) -> SegmentOutcome {
        let mut returned = Vec::new();
        let sent = first
            && u.encode_returned(
                cause::DESTINATION_CANNOT_REASSEMBLE,
                self.hop_counter,
                &mut returned,
                self.variant,
            )
            .unwrap_or(false);
        SegmentOutcome::Failed(ReassemblyFailure {
            key,
            cause: cause::DESTINATION_CANNOT_REASSEMBLE,
            reason,
            returned: sent.then_some(returned),
        })
    }

    /// Drop the reassembly of `key` and build the XUDTS for its first segment (or for
    /// `first_now`, a first segment that was being received).
    fn fail(
        &mut self,
        key: ReassemblyKey,
        cause: u8,
        reason: &'static str,
        first_now: Option<&[u8]>,
    ) -> SegmentOutcome {
        let p = self.pending.remove(&key);
        if let Some(p) = &p {
            self.bytes -= p.bytes;
        }
        let first = p.and_then(|p| p.first);
        let first = first.as_deref().or(first_now);
        let returned = first.and_then(|raw| {
            let u = Unitdata::decode_variant(raw, self.variant).ok()?;
            let mut out = Vec::new();
            u.encode_returned(cause, self.hop_counter, &mut out, self.variant)
                .ok()
                .filter(|&sent| sent)
                .map(|_| out)
        });
        SegmentOutcome::Failed(ReassemblyFailure {
            key,
            cause,
            reason,
            returned,
        })
    }
}
