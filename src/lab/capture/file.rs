//! Capture file formats: classic pcap and pcapng, walked record by record.
//!
//! References: the pcap and pcapng specifications (draft-ietf-opsawg-pcap,
//! draft-ietf-opsawg-pcapng) and the libpcap link-type registry.

use super::{net, CaptureError, Ctx, FrameMeta, Message, Skip};

/// Byte order of a pcap file or pcapng section.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Order {
    Little,
    Big,
}

impl Order {
    fn u16(self, d: &[u8], at: usize) -> Option<u16> {
        let b: [u8; 2] = d.get(at..at.checked_add(2)?)?.try_into().ok()?;
        Some(match self {
            Order::Little => u16::from_le_bytes(b),
            Order::Big => u16::from_be_bytes(b),
        })
    }

    fn u32(self, d: &[u8], at: usize) -> Option<u32> {
        let b: [u8; 4] = d.get(at..at.checked_add(4)?)?.try_into().ok()?;
        Some(match self {
            Order::Little => u32::from_le_bytes(b),
            Order::Big => u32::from_be_bytes(b),
        })
    }

    fn u64(self, d: &[u8], at: usize) -> Option<u64> {
        let b: [u8; 8] = d.get(at..at.checked_add(8)?)?.try_into().ok()?;
        Some(match self {
            Order::Little => u64::from_le_bytes(b),
            Order::Big => u64::from_be_bytes(b),
        })
    }
}

const PCAPNG_SHB: u32 = 0x0A0D_0D0A;
const PCAPNG_BOM: u32 = 0x1A2B_3C4D;

/// Walk every packet record of `file`, passing each to the link-layer dispatcher.
pub(super) fn walk<F: FnMut(Message<'_>)>(
    file: &[u8],
    ctx: &mut Ctx<'_, F>,
) -> Result<(), CaptureError> {
    let magic: [u8; 4] = match file.get(..4) {
        Some(m) => [m[0], m[1], m[2], m[3]],
        None => return Err(CaptureError::TruncatedHeader { len: file.len() }),
    };
    if u32::from_le_bytes(magic) == PCAPNG_SHB {
        return pcapng(file, ctx);
    }
    // (order, nanosecond timestamps, extra octets per record header)
    let (order, nanos, extra) = match u32::from_le_bytes(magic) {
        0xA1B2_C3D4 => (Order::Little, false, 0),
        0xD4C3_B2A1 => (Order::Big, false, 0),
        0xA1B2_3C4D => (Order::Little, true, 0),
        0x4D3C_B2A1 => (Order::Big, true, 0),
        // "Modified" pcap (Alexey Kuznetzov's patches): 8 more octets per record header.
        0xA1B2_CD34 => (Order::Little, false, 8),
        0x34CD_B2A1 => (Order::Big, false, 8),
        _ => return Err(CaptureError::BadMagic(magic)),
    };
    pcap(file, order, nanos, extra, ctx)
}

fn pcap<F: FnMut(Message<'_>)>(
    file: &[u8],
    order: Order,
    nanos: bool,
    extra: usize,
    ctx: &mut Ctx<'_, F>,
) -> Result<(), CaptureError> {
    let truncated = CaptureError::TruncatedHeader { len: file.len() };
    // The upper bits of the link-type field hold FCS information; the type is the low 16.
    let link = order.u32(file, 20).ok_or(truncated)? & 0xFFFF;
    let mut at = 24usize;
    let rec_hdr = 16 + extra;
    while at < file.len() {
        let (Some(sec), Some(frac), Some(incl)) = (
            order.u32(file, at),
            order.u32(file, at + 4),
            order.u32(file, at + 8),
        ) else {
            ctx.skip(Skip::TruncatedFile);
            break;
        };
        let start = at + rec_hdr;
        let Some(data) = start
            .checked_add(incl as usize)
            .and_then(|end| file.get(start..end))
        else {
            ctx.skip(Skip::TruncatedFile);
            break;
        };
        at = start + data.len();
        let frac_ns = if nanos {
            i64::from(frac)
        } else {
            i64::from(frac) * 1_000
        };
        let meta = next_frame(ctx, i64::from(sec) * 1_000_000_000 + frac_ns);
        net::link(ctx, link, data, meta);
    }
    Ok(())
}

fn next_frame<F>(ctx: &mut Ctx<'_, F>, ts_ns: i64) -> FrameMeta {
    ctx.summary.frames += 1;
    FrameMeta {
        frame: ctx.summary.frames,
        ts_ns,
    }
}

/// One pcapng interface: link type and how to turn its timestamps into nanoseconds.
#[derive(Debug, Clone, Copy)]
struct Interface {
    link: u32,
    snaplen: u32,
    /// Timestamp units: `Dec(n)` = 10^-n s, `Bin(n)` = 2^-n s.
    res: Resolution,
    offset_s: i64,
}

#[derive(Debug, Clone, Copy)]
enum Resolution {
    Dec(u8),
    Bin(u8),
}

impl Interface {
    fn ts_ns(&self, ts: u64) -> i64 {
        let ns: i128 = match self.res {
            Resolution::Dec(n) if n <= 9 => i128::from(ts) * 10i128.pow(u32::from(9 - n)),
            Resolution::Dec(n) => i128::from(ts) / 10i128.pow(u32::from(n.min(38) - 9)),
            Resolution::Bin(n) => {
                let n = u32::from(n.min(63));
                let whole = i128::from(ts >> n) * 1_000_000_000;
                let frac = (i128::from(ts & ((1u64 << n) - 1)) * 1_000_000_000) >> n;
                whole + frac
            }
        };
        let ns = ns + i128::from(self.offset_s) * 1_000_000_000;
        ns.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64
    }
}

fn pcapng<F: FnMut(Message<'_>)>(file: &[u8], ctx: &mut Ctx<'_, F>) -> Result<(), CaptureError> {
    let mut order = Order::Little;
    let mut ifaces: Vec<Interface> = Vec::new();
    let mut at = 0usize;
    let mut first = true;
    while at < file.len() {
        let Some(btype) = order.u32(file, at) else {
            ctx.skip(Skip::TruncatedFile);
            break;
        };
        if btype == PCAPNG_SHB {
            // A new section: its byte order is read from the byte-order magic.
            order = match Order::Little.u32(file, at + 8) {
                Some(PCAPNG_BOM) => Order::Little,
                Some(m) if m.swap_bytes() == PCAPNG_BOM => Order::Big,
                Some(_) => {
                    return Err(CaptureError::BadSection {
                        offset: at,
                        reason: "unknown byte-order magic",
                    })
                }
                None if first => return Err(CaptureError::TruncatedHeader { len: file.len() }),
                None => {
                    ctx.skip(Skip::TruncatedFile);
                    break;
                }
            };
            if order.u16(file, at + 12) != Some(1) {
                if first && order.u16(file, at + 12).is_none() {
                    return Err(CaptureError::TruncatedHeader { len: file.len() });
                }
                return Err(CaptureError::BadSection {
                    offset: at,
                    reason: "major version is not 1",
                });
            }
            ifaces.clear();
        }
        let block = order.u32(file, at + 4).and_then(|len| {
            let len = len as usize;
            if len < 12 || !len.is_multiple_of(4) {
                return None;
            }
            file.get(at..at.checked_add(len)?)
        });
        let Some(block) = block else {
            if first {
                return Err(CaptureError::TruncatedHeader { len: file.len() });
            }
            ctx.skip(Skip::TruncatedFile);
            break;
        };
        first = false;
        at += block.len();
        let body_end = block.len() - 4;
        match btype {
            // Interface Description Block
            1 => {
                let (Some(link), Some(snaplen)) = (order.u16(block, 8), order.u32(block, 12))
                else {
                    ctx.skip(Skip::Truncated(super::Layer::Record));
                    continue;
                };
                let mut iface = Interface {
                    link: u32::from(link),
                    snaplen,
                    res: Resolution::Dec(6),
                    offset_s: 0,
                };
                for (code, value) in options(order, block.get(16..body_end).unwrap_or(&[])) {
                    match (code, value) {
                        (9, [r, ..]) if r & 0x80 == 0 => iface.res = Resolution::Dec(*r),
                        (9, [r, ..]) => iface.res = Resolution::Bin(r & 0x7F),
                        (14, v) if v.len() >= 8 => {
                            iface.offset_s = order.u64(v, 0).unwrap_or(0) as i64;
                        }
                        _ => {}
                    }
                }
                ifaces.push(iface);
            }
            // Enhanced Packet Block / obsolete Packet Block
            6 | 2 => {
                let iface_id = if btype == 6 {
                    order.u32(block, 8)
                } else {
                    order.u16(block, 8).map(u32::from)
                };
                let fields = (
                    iface_id,
                    order.u32(block, 12),
                    order.u32(block, 16),
                    order.u32(block, 20),
                );
                let (Some(id), Some(hi), Some(lo), Some(caplen)) = fields else {
                    next_frame(ctx, 0);
                    ctx.skip(Skip::Truncated(super::Layer::Record));
                    continue;
                };
                let ts = (u64::from(hi) << 32) | u64::from(lo);
                let iface = ifaces.get(id as usize).copied();
                let ts_ns = iface.map_or(0, |i| i.ts_ns(ts));
                let meta = next_frame(ctx, ts_ns);
                let data = 28usize
                    .checked_add(caplen as usize)
                    .filter(|&end| end <= body_end)
                    .and_then(|end| block.get(28..end));
                match (iface, data) {
                    (None, _) => ctx.skip(Skip::UnknownInterface),
                    (_, None) => ctx.skip(Skip::Truncated(super::Layer::Record)),
                    (Some(i), Some(d)) => net::link(ctx, i.link, d, meta),
                }
            }
            // Simple Packet Block: always interface 0, no timestamp.
            3 => {
                let meta = next_frame(ctx, 0);
                let Some(iface) = ifaces.first().copied() else {
                    ctx.skip(Skip::UnknownInterface);
                    continue;
                };
                let orig = order.u32(block, 8).unwrap_or(0) as usize;
                let mut len = orig.min(body_end.saturating_sub(12));
                if iface.snaplen != 0 {
                    len = len.min(iface.snaplen as usize);
                }
                match block.get(12..12 + len) {
                    Some(d) => net::link(ctx, iface.link, d, meta),
                    None => ctx.skip(Skip::Truncated(super::Layer::Record)),
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// Iterate pcapng options (code, value) until opt_endofopt or the end of the area.
fn options(order: Order, mut area: &[u8]) -> impl Iterator<Item = (u16, &[u8])> {
    std::iter::from_fn(move || {
        let code = order.u16(area, 0)?;
        let len = order.u16(area, 2)? as usize;
        if code == 0 {
            return None;
        }
        let value = area.get(4..4 + len)?;
        let padded = (4 + len + 3) & !3;
        area = area.get(padded..).unwrap_or(&[]);
        Some((code, value))
    })
}
