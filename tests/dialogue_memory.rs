//! What an open dialogue costs: 20,000 monitored CAMEL calls answered with RRBCSM + Continue
//! and left open (the switch has not reported disconnect yet) hold at most 1 KiB of heap
//! each in the stack that serves them — TCAP dialogue and invoke timers, the followed call
//! with its trigger's details, every index — counted by a global allocator that tracks live
//! bytes, tables' spare capacity included. The daemon's RSS per open dialogue is measured
//! by benches/calls.sh.

use scpd::m3ua::ProtocolData;
use scpd::node::{Effects, Node, NodeConfig, StackConfig};
use scpd::sccp::{self, Address};
use scpd::service::{Policy, Subscriber, SubscriberTable};
use scpd::tcap::dialogues::Shards;
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        LIVE.fetch_add(l.size() as isize, Ordering::Relaxed);
        System.alloc(l)
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        LIVE.fetch_sub(l.size() as isize, Ordering::Relaxed);
        System.dealloc(p, l)
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, new: usize) -> *mut u8 {
        LIVE.fetch_add(new as isize - l.size() as isize, Ordering::Relaxed);
        System.realloc(p, l, new)
    }
}

#[global_allocator]
static A: Counting = Counting;

const OPEN: u32 = 20_000;
const BUDGET: isize = 1024;

fn begin(calling: &str, otid: u32) -> Vec<u8> {
    let cfg = scpd::lab::sim::SimConfig {
        to: "127.0.0.1:1".parse().unwrap(),
        calls: 1,
        concurrency: 1,
        calling: calling.into(),
        called: "4930123456".into(),
        imsi: "262011234567890".into(),
        terminating: false,
        opc: 100,
        dpc: 200,
        ssn: 146,
        routing_context: None,
        service_key: 100,
        hold: Duration::ZERO,
        timeout: Duration::from_secs(1),
    };
    let mut tcap = Vec::new();
    scpd::lab::sim::initial_dp_begin(&cfg, &otid.to_be_bytes(), &mut tcap);
    let mut u = Vec::new();
    sccp::encode_udt(
        &mut u,
        0x80,
        &Address::ssn_pc(200, 146),
        &Address::ssn_pc(100, 146),
        &tcap,
    );
    u
}

#[test]
fn an_open_monitored_dialogue_costs_at_most_1_kib() {
    let table: SubscriberTable = Default::default();
    let numbers: Vec<String> = (1..=50).map(|i| format!("4917000000{i:02}")).collect();
    for n in &numbers {
        table.write().unwrap().insert(
            n.clone(),
            Arc::new(Subscriber {
                number: n.clone(),
                user: "alice".into(),
                policy: Policy::Monitor,
                ..Default::default()
            }),
        );
    }
    let mut node = Node::with_stack(
        NodeConfig {
            point_code: 200,
            network_indicator: 2,
            camel_ssn: 146,
            ain_ssn: Some(247),
            instance: 0,
            shards: Shards::ONE,
            max_dialogues: 100_000,
            dialogue_idle: Duration::from_secs(120),
        },
        StackConfig::default(),
        table,
        1_700_000_000_000,
    );
    let messages: Vec<Vec<u8>> = (0..OPEN)
        .map(|i| begin(&numbers[(i % 50) as usize], 0x5100_0000 + i))
        .collect();
    let t0 = Instant::now();
    let mut fx = Effects::default();
    let feed = |node: &mut Node, m: &[u8], fx: &mut Effects| {
        let pd = ProtocolData {
            opc: 100,
            dpc: 200,
            si: 3,
            ni: 2,
            mp: 0,
            sls: 0,
            data: m,
        };
        node.on_data(1, &pd, t0, 0, fx).unwrap();
        assert_eq!(fx.send.len(), 1, "answered in one message");
        fx.clear();
    };
    // Warm up whatever is allocated once, then measure from an empty table.
    feed(&mut node, &messages[0], &mut fx);
    let before = LIVE.load(Ordering::Relaxed);
    for m in &messages[1..] {
        feed(&mut node, m, &mut fx);
    }
    let open = node.open_dialogues() as isize;
    assert_eq!(open, OPEN as isize);
    let per = (LIVE.load(Ordering::Relaxed) - before) / (open - 1);
    eprintln!("heap per open monitored dialogue: {per} bytes");
    assert!(per <= BUDGET, "{per} bytes per open dialogue");
}
