//! Sans-IO M3UA state machines: scpd as ASP towards an SG (timers, BEAT, NTFY, ERR,
//! association loss), IPSP single and double exchange, Application Server states with T(r),
//! override takeover, loadshare by SLS, failover, and destination availability in routing.

use std::time::{Duration, Instant};

use scpd::m3ua::asp::{messages, AsConfig, AspState, Handled, PeerAsp};
use scpd::m3ua::client::{Asp, AspConfig, Event};
use scpd::m3ua::ipsp::{Exchange, Ipsp, IpspEvent};
use scpd::m3ua::pdu::*;
use scpd::m3ua::routing::*;
use scpd::m3ua::{ErrorCode, Kind, Pdu, ProtocolData};

fn kinds(out: &[u8]) -> Vec<Kind> {
    messages(out)
        .map(|m| Pdu::decode(m).unwrap().kind())
        .collect()
}

fn enc(p: Pdu<'_>) -> Vec<u8> {
    p.to_vec()
}

fn cfg() -> AspConfig {
    AspConfig {
        asp_id: Some(7),
        traffic_mode: TrafficMode::Override,
        routing_contexts: vec![10],
        beat_interval: Some(Duration::from_secs(30)),
        beat_timeout: Duration::from_secs(5),
        ..AspConfig::default()
    }
}

const PD: ProtocolData<'static> = ProtocolData {
    opc: 1,
    dpc: 2,
    si: 3,
    ni: 2,
    mp: 0,
    sls: 4,
    data: b"udt",
};

/// Drive an ASP to ASP-ACTIVE against a scripted SG; returns it and t0.
fn active_asp() -> (Asp, Instant) {
    let t0 = Instant::now();
    let mut a = Asp::new(cfg());
    let mut out = Vec::new();
    a.connected(t0, &mut out);
    a.handle(t0, &enc(Pdu::AspUpAck(AspUp::default())), &mut out);
    a.handle(t0, &enc(Pdu::AspAcAck(AspTm::default())), &mut out);
    assert_eq!(a.state(), AspState::Active);
    (a, t0)
}

#[test]
fn asp_comes_up_and_activates_with_traffic_mode_and_rc() {
    let t0 = Instant::now();
    let mut a = Asp::new(cfg());
    let mut out = Vec::new();
    a.connected(t0, &mut out);
    let Pdu::AspUp(up) = Pdu::decode(&out).unwrap() else {
        panic!()
    };
    assert_eq!(up.asp_id, Some(7));
    assert_eq!(a.poll_timeout(), Some(t0 + Duration::from_secs(2)));

    out.clear();
    let ack = enc(Pdu::AspUpAck(AspUp::default()));
    let ev = a.handle(t0, &ack, &mut out);
    assert_eq!(
        ev,
        Event::StateChanged {
            from: AspState::Down,
            to: AspState::Inactive
        }
    );
    let Pdu::AspAc(ac) = Pdu::decode(&out).unwrap() else {
        panic!()
    };
    assert_eq!(ac.traffic_mode, Some(1));
    assert_eq!(ac.rc.unwrap().iter().collect::<Vec<_>>(), [10]);

    out.clear();
    a.handle(t0, &enc(Pdu::AspAcAck(AspTm::default())), &mut out);
    assert_eq!(a.state(), AspState::Active);
    a.send_data(&PD, &mut out).unwrap();
    let Pdu::Data(d) = Pdu::decode(&out).unwrap() else {
        panic!()
    };
    assert_eq!(d.rc.unwrap().first(), Some(10));
    assert_eq!(d.pd, Some(PD));
}

#[test]
fn asp_retransmits_on_t_ack_then_fails() {
    let t0 = Instant::now();
    let mut a = Asp::new(AspConfig {
        max_retransmits: 2,
        ..cfg()
    });
    let mut out = Vec::new();
    a.connected(t0, &mut out);
    out.clear();
    // Nothing before the deadline.
    assert_eq!(
        a.on_timeout(t0 + Duration::from_secs(1), &mut out),
        Event::Managed
    );
    assert!(out.is_empty());
    let mut t = t0;
    for _ in 0..2 {
        t = a.poll_timeout().unwrap();
        out.clear();
        assert_eq!(a.on_timeout(t, &mut out), Event::Managed);
        assert_eq!(kinds(&out), [Kind::AspUp]);
    }
    let t = a.poll_timeout().unwrap().max(t);
    assert_eq!(
        a.on_timeout(t, &mut out),
        Event::Failed("T(ack) expired: no acknowledgement")
    );
    assert_eq!(a.state(), AspState::Down);
}

#[test]
fn asp_beats_and_fails_without_beat_ack() {
    let (mut a, t0) = active_asp();
    let mut out = Vec::new();
    let t = t0 + Duration::from_secs(30);
    assert_eq!(a.poll_timeout(), Some(t));
    a.on_timeout(t, &mut out);
    let Pdu::Beat(b) = Pdu::decode(&out).unwrap() else {
        panic!()
    };
    // The SG echoes it: timeout cleared.
    let data = b.data.unwrap().to_vec();
    out.clear();
    a.handle(t, &enc(Pdu::BeatAck(Beat { data: Some(&data) })), &mut out);
    assert_eq!(a.poll_timeout(), Some(t + Duration::from_secs(30)));
    // Next BEAT goes unanswered.
    let t2 = t + Duration::from_secs(30);
    a.on_timeout(t2, &mut out);
    assert_eq!(a.poll_timeout(), Some(t2 + Duration::from_secs(5)));
    assert_eq!(
        a.on_timeout(t2 + Duration::from_secs(5), &mut out),
        Event::Failed("BEAT not acknowledged")
    );
}

#[test]
fn asp_alternate_asp_active_and_association_loss() {
    let (mut a, t0) = active_asp();
    let mut out = Vec::new();
    let ntfy = enc(Pdu::Ntfy(Ntfy {
        status: Some(Status::other(status::ALTERNATE_ASP_ACTIVE)),
        asp_id: Some(8),
        rc: None,
        info: None,
    }));
    let ev = a.handle(t0, &ntfy, &mut out);
    assert!(matches!(
        ev,
        Event::Notify {
            asp_id: Some(8),
            ..
        }
    ));
    assert_eq!(a.state(), AspState::Inactive);
    assert!(a.send_data(&PD, &mut out).is_err());
    assert_eq!(
        a.association_lost(),
        Event::StateChanged {
            from: AspState::Inactive,
            to: AspState::Down
        }
    );
    assert_eq!(a.poll_timeout(), None);
}

#[test]
fn asp_err_on_aspac_stops_retrying() {
    let t0 = Instant::now();
    let mut a = Asp::new(cfg());
    let mut out = Vec::new();
    a.connected(t0, &mut out);
    a.handle(t0, &enc(Pdu::AspUpAck(AspUp::default())), &mut out);
    let mut err = Vec::new();
    encode_err(&mut err, ErrorCode::InvalidRoutingContext, None, None);
    assert_eq!(
        a.handle(t0, &err, &mut out),
        Event::PeerError {
            code: ErrorCode::InvalidRoutingContext as u32,
            gave_up: Some(Kind::AspAc)
        }
    );
    assert_eq!(a.state(), AspState::Inactive);
    // Only the BEAT timer is left.
    assert_eq!(a.poll_timeout(), Some(t0 + Duration::from_secs(30)));
}

#[test]
fn asp_unsolicited_aspdn_ack_goes_down_and_comes_back() {
    let (mut a, t0) = active_asp();
    let mut out = Vec::new();
    let ack = enc(Pdu::AspDnAck(AspDn::default()));
    let ev = a.handle(t0, &ack, &mut out);
    assert_eq!(
        ev,
        Event::StateChanged {
            from: AspState::Active,
            to: AspState::Down
        }
    );
    assert_eq!(kinds(&out), [Kind::AspUp]);
}

#[test]
fn asp_deactivate_and_shutdown() {
    let (mut a, t0) = active_asp();
    let mut out = Vec::new();
    a.deactivate(t0, &mut out);
    assert_eq!(kinds(&out), [Kind::AspIa]);
    a.handle(t0, &enc(Pdu::AspIaAck(AspTm::default())), &mut out);
    assert_eq!(a.state(), AspState::Inactive);
    out.clear();
    a.shutdown(t0, &mut out);
    assert_eq!(kinds(&out), [Kind::AspDn]);
    a.handle(t0, &enc(Pdu::AspDnAck(AspDn::default())), &mut out);
    assert_eq!(a.state(), AspState::Down);
}

fn serve() -> AsConfig {
    AsConfig {
        routing_contexts: vec![10],
        local_pc: 2,
    }
}

#[test]
fn ipsp_single_exchange() {
    let t0 = Instant::now();
    let mut a = Ipsp::new(Exchange::SingleInitiator, cfg(), serve());
    let mut b = Ipsp::new(Exchange::SingleResponder, cfg(), serve());
    let (mut ab, mut ba) = (Vec::new(), Vec::new());
    a.connected(t0, &mut ab);
    b.connected(t0, &mut ba);
    assert!(ba.is_empty(), "the responder sends nothing by itself");
    // Shuttle until quiet.
    for _ in 0..4 {
        let (x, y) = (std::mem::take(&mut ab), std::mem::take(&mut ba));
        for m in messages(&x) {
            b.handle(t0, m, &mut ba);
        }
        for m in messages(&y) {
            a.handle(t0, m, &mut ab);
        }
    }
    assert_eq!(a.local_state(), AspState::Active);
    assert_eq!(b.remote_state(), AspState::Active);
    assert!(a.traffic_ready() && b.traffic_ready());
    let mut d = Vec::new();
    a.send_data(&PD, &mut d).unwrap();
    assert!(matches!(
        b.handle(t0, &d, &mut ba),
        IpspEvent::Remote(Handled::Deliver { .. })
    ));
    d.clear();
    b.send_data(&PD, &mut d).unwrap();
    assert!(matches!(
        a.handle(t0, &d, &mut ab),
        IpspEvent::Local(Event::Deliver { .. })
    ));
    // ASPUP towards the initiator of an SE: Unexpected Message.
    let mut o = Vec::new();
    assert!(matches!(
        a.handle(t0, &enc(Pdu::AspUp(AspUp::default())), &mut o),
        IpspEvent::Remote(Handled::Refused {
            code: ErrorCode::UnexpectedMessage,
            ..
        })
    ));
}

#[test]
fn ipsp_double_exchange() {
    let t0 = Instant::now();
    let mut a = Ipsp::new(Exchange::Double, cfg(), serve());
    let mut b = Ipsp::new(Exchange::Double, cfg(), serve());
    let (mut ab, mut ba) = (Vec::new(), Vec::new());
    a.connected(t0, &mut ab);
    b.connected(t0, &mut ba);
    assert!(!a.traffic_ready());
    for _ in 0..4 {
        let (x, y) = (std::mem::take(&mut ab), std::mem::take(&mut ba));
        for m in messages(&x) {
            b.handle(t0, m, &mut ba);
        }
        for m in messages(&y) {
            a.handle(t0, m, &mut ab);
        }
    }
    for s in [&a, &b] {
        assert_eq!(
            (s.local_state(), s.remote_state()),
            (AspState::Active, AspState::Active)
        );
        assert!(s.traffic_ready());
    }
}

fn spec(mode: TrafficMode) -> AsSpec {
    AsSpec {
        routing_context: Some(10),
        traffic_mode: mode,
        dpcs: vec![],
        t_r: Duration::from_secs(2),
    }
}

fn sent_status(n: &[AsNotice], to: AssociationId) -> Vec<Status> {
    n.iter()
        .filter_map(|x| match x {
            AsNotice::Send { to: t, msg } if *t == to => match Pdu::decode(msg).unwrap() {
                Pdu::Ntfy(n) => n.status,
                _ => None,
            },
            _ => None,
        })
        .collect()
}

#[test]
fn as_states_and_t_r() {
    let t0 = Instant::now();
    let mut s = ApplicationServer::new(spec(TrafficMode::Loadshare));
    let mut n = Vec::new();
    assert_eq!(s.state(), AsState::Down);
    s.asp_up(1, Some(100), t0, &mut n);
    assert_eq!(s.state(), AsState::Inactive);
    assert_eq!(sent_status(&n, 1), [Status::as_state(status::AS_INACTIVE)]);
    n.clear();
    s.asp_active(1, t0, &mut n);
    assert_eq!(s.state(), AsState::Active);
    assert_eq!(sent_status(&n, 1), [Status::as_state(status::AS_ACTIVE)]);
    // Last active ASP goes inactive: PENDING, T(r) running, no route.
    n.clear();
    s.asp_inactive(1, t0, &mut n);
    assert_eq!(s.state(), AsState::Pending);
    assert_eq!(s.pick(0), Err(Unroutable::AsPending));
    assert_eq!(s.poll_timeout(), Some(t0 + Duration::from_secs(2)));
    // Back inside T(r): ACTIVE again.
    s.asp_active(1, t0 + Duration::from_secs(1), &mut n);
    assert_eq!(s.state(), AsState::Active);
    assert_eq!(s.poll_timeout(), None);
    // Down and T(r) expires: DOWN.
    n.clear();
    s.asp_down(1, t0, &mut n);
    assert_eq!(s.state(), AsState::Pending);
    s.on_timeout(t0 + Duration::from_secs(2), &mut n);
    assert_eq!(s.state(), AsState::Down);
    assert_eq!(s.pick(0), Err(Unroutable::NoActiveAsp));
}

#[test]
fn override_takeover_notifies_the_old_asp() {
    let t0 = Instant::now();
    let mut s = ApplicationServer::new(spec(TrafficMode::Override));
    let mut n = Vec::new();
    s.asp_up(1, Some(100), t0, &mut n);
    s.asp_up(2, Some(200), t0, &mut n);
    s.asp_active(1, t0, &mut n);
    assert_eq!(s.pick(5), Ok(1));
    n.clear();
    s.asp_active(2, t0, &mut n);
    assert!(n.contains(&AsNotice::Overridden(1)));
    let to_old: Vec<_> = n
        .iter()
        .filter_map(|x| match x {
            AsNotice::Send { to: 1, msg } => Some(Pdu::decode(msg).unwrap()),
            _ => None,
        })
        .collect();
    assert_eq!(
        to_old,
        [Pdu::Ntfy(Ntfy {
            status: Some(Status::other(status::ALTERNATE_ASP_ACTIVE)),
            asp_id: Some(200),
            rc: Some(List::Values(&[10])),
            info: None
        })]
    );
    assert_eq!(s.asp_state(1), AspState::Inactive);
    assert_eq!(s.pick(5), Ok(2));
    assert_eq!(s.state(), AsState::Active);
}

#[test]
fn loadshare_by_sls_and_failover() {
    let t0 = Instant::now();
    let mut r = Router::new();
    let i = r.add(spec(TrafficMode::Loadshare));
    let mut n = Vec::new();
    for a in [1, 2] {
        r.application_server_mut(i).asp_up(a, None, t0, &mut n);
        r.application_server_mut(i).asp_active(a, t0, &mut n);
    }
    let picks: Vec<_> = (0..4).map(|sls| r.route(2, sls).unwrap()).collect();
    assert_eq!(picks, [1, 2, 1, 2]);
    // Association 1 dies: everything goes to 2; nothing picks 1.
    r.association_lost(1, t0, &mut n);
    for sls in 0..16 {
        assert_eq!(r.route(2, sls), Ok(2));
    }
    assert_eq!(r.application_server(i).state(), AsState::Active);
    r.association_lost(2, t0, &mut n);
    assert_eq!(r.route(2, 0), Err(Unroutable::AsPending));
}

#[test]
fn broadcast_targets_every_active_asp() {
    let t0 = Instant::now();
    let mut r = Router::new();
    let i = r.add(spec(TrafficMode::Broadcast));
    let mut n = Vec::new();
    for a in [3, 4, 5] {
        r.application_server_mut(i).asp_up(a, None, t0, &mut n);
    }
    r.application_server_mut(i).asp_active(3, t0, &mut n);
    r.application_server_mut(i).asp_active(5, t0, &mut n);
    assert_eq!(r.route_all(9), Ok(vec![3, 5]));
}

fn ssnm(kind: Kind, pcs: &[MaskedPc]) -> Vec<u8> {
    let s = Ssnm {
        apc: Some(List::Values(pcs)),
        ..Ssnm::default()
    };
    enc(match kind {
        Kind::Duna => Pdu::Duna(s),
        Kind::Dava => Pdu::Dava(s),
        _ => Pdu::Drst(s),
    })
}

#[test]
fn destination_availability_steers_and_refuses_routes() {
    let t0 = Instant::now();
    let mut r = Router::new();
    let i = r.add(spec(TrafficMode::Loadshare));
    let mut n = Vec::new();
    for a in [1, 2] {
        r.application_server_mut(i).asp_up(a, None, t0, &mut n);
        r.application_server_mut(i).asp_active(a, t0, &mut n);
    }
    // PC 0x100 unavailable through association 1: all its traffic goes via 2.
    let duna = ssnm(Kind::Duna, &[MaskedPc::exact(0x100)]);
    assert!(r.ssnm(1, &Pdu::decode(&duna).unwrap()));
    for sls in 0..8 {
        assert_eq!(r.route(0x100, sls), Ok(2));
    }
    // Unavailable everywhere (a wildcard DUNA on 2 covering 0x100..0x1ff): refused with why.
    let wide = ssnm(Kind::Duna, &[MaskedPc { mask: 8, pc: 0x100 }]);
    r.ssnm(2, &Pdu::decode(&wide).unwrap());
    assert_eq!(r.route(0x1ab, 0), Ok(1));
    assert_eq!(r.route(0x100, 0), Err(Unroutable::DestinationUnavailable));
    // DAVA for one PC inside the wildcard makes it available again via 2.
    let dava = ssnm(Kind::Dava, &[MaskedPc::exact(0x100)]);
    r.ssnm(2, &Pdu::decode(&dava).unwrap());
    assert_eq!(r.route(0x100, 0), Ok(2));
    assert_eq!(
        r.destinations(2).unwrap().status(0x101),
        DestState::Unavailable
    );
    // SCON and DRST are recorded, still routable.
    let scon = enc(Pdu::Scon(Scon {
        apc: Some(List::Values(&[MaskedPc::exact(0x300)])),
        congestion: Some(2),
        ..Scon::default()
    }));
    r.ssnm(1, &Pdu::decode(&scon).unwrap());
    assert_eq!(
        r.destinations(1).unwrap().status(0x300),
        DestState::Congested(2)
    );
    assert_eq!(r.route(0x300, 0), Ok(1));
    let drst = ssnm(Kind::Drst, &[MaskedPc::exact(0x400)]);
    r.ssnm(1, &Pdu::decode(&drst).unwrap());
    assert_eq!(
        r.destinations(1).unwrap().status(0x400),
        DestState::Restricted
    );
    // DUPU: user part SCCP unavailable at 0x500.
    let dupu = enc(Pdu::Dupu(Dupu {
        apc: Some(List::Values(&[MaskedPc::exact(0x500)])),
        user_cause: Some(UserCause { cause: 2, user: 3 }),
        ..Dupu::default()
    }));
    r.ssnm(1, &Pdu::decode(&dupu).unwrap());
    assert_eq!(
        r.destinations(1).unwrap().user_part_unavailable(0x500, 3),
        Some(2)
    );
    // Losing association 2 voids what it said.
    r.association_lost(2, t0, &mut n);
    assert!(r.destinations(2).is_none());
}

#[test]
fn daud_generation_for_unavailable_destinations() {
    let t0 = Instant::now();
    let mut r = Router::new();
    r.add(spec(TrafficMode::Loadshare));
    r.audit_interval = Some(Duration::from_secs(60));
    let duna = ssnm(
        Kind::Duna,
        &[MaskedPc::exact(0x100), MaskedPc::exact(0x101)],
    );
    r.ssnm(1, &Pdu::decode(&duna).unwrap());
    let mut n = Vec::new();
    r.on_timeout(t0, &mut n); // arms the audit timer
    assert!(n.is_empty());
    assert_eq!(r.poll_timeout(), Some(t0 + Duration::from_secs(60)));
    r.on_timeout(t0 + Duration::from_secs(60), &mut n);
    let [AsNotice::Send { to: 1, msg }] = &n[..] else {
        panic!("{n:?}")
    };
    let Pdu::Daud(d) = Pdu::decode(msg).unwrap() else {
        panic!()
    };
    assert_eq!(
        d.apc.unwrap().iter().collect::<Vec<_>>(),
        [MaskedPc::exact(0x100), MaskedPc::exact(0x101)]
    );
    // After DAVA for both there is nothing to audit.
    let dava = ssnm(
        Kind::Dava,
        &[MaskedPc::exact(0x100), MaskedPc::exact(0x101)],
    );
    r.ssnm(1, &Pdu::decode(&dava).unwrap());
    let mut out = Vec::new();
    assert!(!r.destinations(1).unwrap().encode_daud(None, &mut out));
}

#[test]
fn peer_asp_and_application_server_together() {
    // The SG side: two peers in one override AS; the second's ASPAC overrides the first.
    let t0 = Instant::now();
    let mut s = ApplicationServer::new(spec(TrafficMode::Override));
    let mut peers = [PeerAsp::new(serve()), PeerAsp::new(serve())];
    let mut n = Vec::new();
    for (i, p) in peers.iter_mut().enumerate() {
        p.set_notify(false);
        let mut out = Vec::new();
        p.handle(
            &enc(Pdu::AspUp(AspUp {
                asp_id: Some(i as u32),
                info: None,
            })),
            &mut out,
        );
        s.asp_up(i as u32, p.asp_id(), t0, &mut n);
        out.clear();
        p.handle(
            &enc(Pdu::AspAc(AspTm {
                traffic_mode: Some(1),
                rc: Some(List::Values(&[10])),
                info: None,
            })),
            &mut out,
        );
        assert_eq!(kinds(&out), [Kind::AspAcAck]);
        s.asp_active(i as u32, t0, &mut n);
    }
    for x in &n {
        if let AsNotice::Overridden(a) = x {
            peers[*a as usize].overridden();
        }
    }
    assert_eq!(peers[0].state(), AspState::Inactive);
    assert_eq!(peers[1].state(), AspState::Active);
    assert_eq!(s.pick(0), Ok(1));
}

#[test]
fn asp_registers_its_routing_key_before_activating() {
    use scpd::m3ua::client::RegisterKey;
    let t0 = Instant::now();
    let reg_cfg = || AspConfig {
        traffic_mode: TrafficMode::Loadshare,
        register: Some(RegisterKey {
            local_rk_id: 4,
            dpcs: vec![200],
        }),
        ..AspConfig::default()
    };
    let rsp = |status, rc| {
        enc(Pdu::RegRsp(RegRsp {
            results: Seq::Values(&[RegResult {
                local_rk_id: 4,
                status,
                rc,
            }]),
        }))
    };
    let mut a = Asp::new(reg_cfg());
    let mut out = Vec::new();
    a.connected(t0, &mut out);
    out.clear();
    a.handle(t0, &enc(Pdu::AspUpAck(AspUp::default())), &mut out);
    // REG REQ with our key (DPC 200, SI 3), resent on T(ack) like the other requests.
    let req = out.clone();
    match Pdu::decode(&req).unwrap() {
        Pdu::RegReq(r) => {
            let k = r.keys.first().unwrap();
            assert_eq!((k.local_rk_id, k.rc, k.traffic_mode), (4, None, Some(2)));
            let d = k.dests.iter().next().unwrap();
            assert_eq!(d.dpc, MaskedPc::exact(200));
            assert_eq!(d.si.unwrap().iter().collect::<Vec<_>>(), [3]);
        }
        other => panic!("{other:?}"),
    }
    out.clear();
    a.on_timeout(t0 + Duration::from_secs(3), &mut out);
    assert_eq!(out, req);
    out.clear();
    assert_eq!(
        a.handle(t0, &rsp(reg_status::SUCCESS, 55), &mut out),
        Event::Registered { rc: 55 }
    );
    match Pdu::decode(&out).unwrap() {
        Pdu::AspAc(tm) => assert_eq!(tm.rc.unwrap().iter().collect::<Vec<_>>(), [55]),
        other => panic!("{other:?}"),
    }
    a.handle(t0, &enc(Pdu::AspAcAck(AspTm::default())), &mut out);
    assert_eq!(a.state(), AspState::Active);
    assert_eq!(a.routing_context(), Some(55));
    // A new association registers again.
    a.association_lost();
    assert_eq!(a.routing_context(), None);

    // A refusal stops there: no ASPAC, ASP-INACTIVE.
    let mut a = Asp::new(reg_cfg());
    a.connected(t0, &mut out);
    a.handle(t0, &enc(Pdu::AspUpAck(AspUp::default())), &mut out);
    out.clear();
    assert_eq!(
        a.handle(t0, &rsp(reg_status::PERMISSION_DENIED, 0), &mut out),
        Event::RegistrationRefused {
            status: reg_status::PERMISSION_DENIED
        }
    );
    assert!(out.is_empty());
    assert_eq!(a.state(), AspState::Inactive);
    assert_eq!(a.poll_timeout(), None);
}
