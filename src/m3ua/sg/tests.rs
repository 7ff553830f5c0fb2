use super::*;
use crate::m3ua::codec::{tag, Builder};
use crate::m3ua::pdu::{
    dereg_status, reg_status, DeregReq, DeregResult, List, RegReq, RegResult, RkDest, RkDests,
    RoutingKey, Seq,
};

fn two_mscs(rkm: Option<Rkm>) -> Sg {
    Sg::with_config(SgConfig {
        local_pc: 200,
        t_r: Duration::from_secs(2),
        ases: vec![
            ServerAs {
                name: "msc-a".into(),
                routing_contexts: vec![10],
                asp_ids: vec![1, 2],
                point_codes: vec![MaskedPc::exact(100)],
                ..ServerAs::default()
            },
            ServerAs {
                name: "msc-b".into(),
                routing_contexts: vec![20],
                peers: vec!["10.0.0.9".parse().unwrap()],
                point_codes: vec![MaskedPc::exact(101)],
                ..ServerAs::default()
            },
        ],
        rkm,
    })
}

fn rkm() -> Rkm {
    Rkm {
        dynamic: true,
        first_rc: 1000,
        max_as: 2,
        pc_max: 0x3fff,
    }
}

fn msg(kind: Kind, f: impl FnOnce(Builder) -> Builder) -> Vec<u8> {
    let mut b = Vec::new();
    f(Builder::new(&mut b, kind)).finish();
    b
}

fn up(sg: &mut Sg, a: AssociationId, asp_id: Option<u32>) -> Outbox {
    let mut ob = Outbox::new();
    let m = msg(Kind::AspUp, |b| match asp_id {
        Some(id) => b.param_u32(tag::ASP_IDENTIFIER, id),
        None => b,
    });
    sg.handle(a, Instant::now(), &m, &mut ob);
    ob
}

fn ac(sg: &mut Sg, a: AssociationId, rc: Option<u32>) -> (Handled<'static>, Outbox) {
    let mut ob = Outbox::new();
    let m = msg(Kind::AspAc, |b| match rc {
        Some(rc) => b.param_u32(tag::ROUTING_CONTEXT, rc),
        None => b,
    });
    let h = match sg.handle(a, Instant::now(), &m, &mut ob) {
        Handled::Refused { code, reason } => Handled::Refused { code, reason },
        Handled::Managed => Handled::Managed,
        other => panic!("{other:?}"),
    };
    (h, ob)
}

fn answers(ob: &Outbox, a: AssociationId) -> Vec<Pdu<'_>> {
    ob.iter()
        .filter(|(to, _)| *to == a)
        .flat_map(|(_, m)| super::super::asp::messages(m))
        .map(|m| Pdu::decode(m).unwrap())
        .collect()
}

#[test]
fn peers_join_the_as_of_their_rc_asp_id_or_address() {
    let mut sg = two_mscs(None);
    // By routing context (from an address msc-b lists).
    sg.connected_from(1, Some("10.0.0.9".parse().unwrap()));
    up(&mut sg, 1, None);
    assert_eq!(ac(&mut sg, 1, Some(20)).0, Handled::Managed);
    assert_eq!(sg.as_name(sg.as_of(1).unwrap()), Some("msc-b"));
    // By ASP Identifier, without a routing context; stamped with the AS's RC.
    sg.connected(2);
    up(&mut sg, 2, Some(2));
    assert_eq!(ac(&mut sg, 2, None).0, Handled::Managed);
    assert_eq!(sg.as_name(sg.as_of(2).unwrap()), Some("msc-a"));
    // By remote address alone.
    sg.connected_from(3, Some("10.0.0.9".parse().unwrap()));
    // msc-b's routing context from elsewhere: refused.
    sg.connected(5);
    up(&mut sg, 5, None);
    assert!(matches!(
        ac(&mut sg, 5, Some(20)).0,
        Handled::Refused {
            code: ErrorCode::InvalidRoutingContext,
            ..
        }
    ));
    up(&mut sg, 3, None);
    ac(&mut sg, 3, None);
    assert_eq!(sg.as_of(3), sg.as_of(1));
    // Nothing says which: ERR No Configured AS for ASP (§3.8.1), state kept.
    sg.connected(4);
    up(&mut sg, 4, Some(77));
    let (h, ob) = ac(&mut sg, 4, None);
    assert!(matches!(
        h,
        Handled::Refused {
            code: ErrorCode::NoConfiguredAsForAsp,
            ..
        }
    ));
    assert!(matches!(answers(&ob, 4)[..], [Pdu::Err(e)] if e.code == Some(0x1a)));
    assert_eq!(sg.peer(4).unwrap().state(), AspState::Inactive);
    // An ASP configured for msc-a may not activate msc-b's RC.
    let (h, _) = ac(&mut sg, 2, Some(20));
    assert!(matches!(
        h,
        Handled::Refused {
            code: ErrorCode::InvalidRoutingContext,
            ..
        }
    ));
    // Routing stays within an AS; failover too.
    let a = sg.as_of(2).unwrap();
    assert_eq!(sg.route_in(a, 100, 5).unwrap(), (2, None));
    let b = sg.as_of(1).unwrap();
    let mut got: Vec<_> = (0..4).map(|s| sg.route_in(b, 101, s).unwrap().0).collect();
    got.sort();
    got.dedup();
    assert_eq!(got, [1, 3]);
    let mut ob = Outbox::new();
    sg.association_lost(2, Instant::now(), &mut ob);
    assert_eq!(
        sg.as_of(2),
        Some(a),
        "the lost association's AS is remembered"
    );
    assert_eq!(sg.route_in(a, 100, 0), Err(Unroutable::AsPending));
    // By DPC when no dialogue names an AS.
    assert_eq!(sg.serving(101), Some(b));
}

fn reg(sg: &mut Sg, a: AssociationId, keys: &[RoutingKey<'_>]) -> Vec<RegResult> {
    let m = Pdu::RegReq(RegReq {
        info: None,
        keys: Seq::Values(keys),
    })
    .to_vec();
    let mut ob = Outbox::new();
    assert_eq!(sg.handle(a, Instant::now(), &m, &mut ob), Handled::Managed);
    match &answers(&ob, a)[..] {
        [Pdu::RegRsp(r)] => r.results.iter().collect(),
        other => panic!("{other:?}"),
    }
}

fn dereg(sg: &mut Sg, a: AssociationId, rcs: &[u32]) -> Vec<DeregResult> {
    let m = Pdu::DeregReq(DeregReq {
        rc: Some(List::Values(rcs)),
    })
    .to_vec();
    let mut ob = Outbox::new();
    sg.handle(a, Instant::now(), &m, &mut ob);
    match &answers(&ob, a)[..] {
        [Pdu::DeregRsp(r)] => r.results.iter().collect(),
        other => panic!("{other:?}"),
    }
}

fn key<'a>(lrk: u32, rc: Option<u32>, dests: &'a [RkDest<'a>]) -> RoutingKey<'a> {
    RoutingKey {
        local_rk_id: lrk,
        rc,
        traffic_mode: None,
        na: None,
        dests: RkDests::Values(dests),
    }
}

fn dest(pc: u32) -> RkDest<'static> {
    RkDest {
        dpc: MaskedPc::exact(pc),
        si: Some(List::Values(&[3])),
        opc: None,
    }
}

#[test]
fn registration_creates_joins_and_refuses() {
    let mut sg = two_mscs(Some(rkm()));
    sg.connected(1);
    // Before ASPUP: Unexpected Message.
    let m = Pdu::RegReq(RegReq {
        info: None,
        keys: Seq::Values(&[key(1, None, &[dest(300)])]),
    })
    .to_vec();
    let mut ob = Outbox::new();
    assert!(matches!(
        sg.handle(1, Instant::now(), &m, &mut ob),
        Handled::Refused {
            code: ErrorCode::UnexpectedMessage,
            ..
        }
    ));
    up(&mut sg, 1, None);
    let ok = |lrk, rc| RegResult {
        local_rk_id: lrk,
        status: reg_status::SUCCESS,
        rc,
    };
    // A new key gets a new AS with the first free RC; a configured AS is joined by its
    // point codes; errors per key, in one REG RSP.
    let d300 = [dest(300)];
    let d100 = [dest(100)];
    let own = [dest(200)];
    let wide = [dest(0x4000)];
    let isup = [RkDest {
        si: Some(List::Values(&[5])),
        ..dest(301)
    }];
    let r = reg(
        &mut sg,
        1,
        &[
            key(1, None, &d300),
            key(2, None, &d100),
            key(3, None, &own),
            key(4, None, &wide),
            key(5, None, &isup),
            key(6, Some(4242), &d300),
            RoutingKey {
                traffic_mode: Some(9),
                ..key(7, None, &d300)
            },
        ],
    );
    assert_eq!(
        r,
        [
            ok(1, 1000),
            // msc-a is configured for ASP ids 1 and 2 only.
            RegResult {
                local_rk_id: 2,
                status: reg_status::PERMISSION_DENIED,
                rc: 0
            },
            RegResult {
                local_rk_id: 3,
                status: reg_status::INVALID_DPC,
                rc: 0
            },
            RegResult {
                local_rk_id: 4,
                status: reg_status::INVALID_DPC,
                rc: 0
            },
            RegResult {
                local_rk_id: 5,
                status: reg_status::INVALID_ROUTING_KEY,
                rc: 0
            },
            RegResult {
                local_rk_id: 6,
                status: reg_status::NOT_CURRENTLY_PROVISIONED,
                rc: 0
            },
            RegResult {
                local_rk_id: 7,
                status: reg_status::UNSUPPORTED_TRAFFIC_MODE,
                rc: 0
            },
        ]
    );
    // Again: already registered; another ASP joins the same AS.
    assert_eq!(
        reg(&mut sg, 1, &[key(1, None, &d300)])[0].status,
        reg_status::ALREADY_REGISTERED
    );
    sg.connected(2);
    up(&mut sg, 2, Some(1));
    assert_eq!(reg(&mut sg, 2, &[key(9, None, &d300)]), [ok(9, 1000)]);
    // ASP 2 is configured for msc-a: it may register it by RC.
    assert_eq!(reg(&mut sg, 2, &[key(8, Some(10), &d100)]), [ok(8, 10)]);
    // The limit of created ASes.
    let d301 = [dest(301)];
    let d302 = [dest(302)];
    assert_eq!(reg(&mut sg, 1, &[key(10, None, &d301)]), [ok(10, 1001)]);
    assert_eq!(
        reg(&mut sg, 1, &[key(11, None, &d302)])[0].status,
        reg_status::INSUFFICIENT_RESOURCES
    );
    // Activate the created AS with its RC; DATA towards PC 300 goes there.
    assert_eq!(ac(&mut sg, 1, Some(1000)).0, Handled::Managed);
    let i = sg.as_with_rc(1000).unwrap();
    assert_eq!(sg.serving(300), Some(i));
    assert_eq!(sg.route(300, 0).unwrap(), (1, Some(1000)));
    // An ASP that did not register may not activate it.
    sg.connected(3);
    up(&mut sg, 3, None);
    assert!(matches!(
        ac(&mut sg, 3, Some(1001)).0,
        Handled::Refused {
            code: ErrorCode::InvalidRoutingContext,
            ..
        }
    ));
    // DEREG: active, unknown, not registered, success.
    let st = |r: Vec<DeregResult>| r.iter().map(|x| x.status).collect::<Vec<_>>();
    assert_eq!(
        st(dereg(&mut sg, 1, &[1000, 5555, 20, 1001])),
        [
            dereg_status::ASP_CURRENTLY_ACTIVE,
            dereg_status::INVALID_ROUTING_CONTEXT,
            dereg_status::NOT_REGISTERED,
            dereg_status::SUCCESS
        ]
    );
    // The AS created for 1001 is gone with its last registrant, its RC free again.
    assert_eq!(sg.as_with_rc(1001), None);
    assert_eq!(reg(&mut sg, 1, &[key(12, None, &d302)]), [ok(12, 1001)]);
    // Losing the association drops its registrations; the AS it was active in stays
    // while ASP 2 has it registered.
    let mut ob = Outbox::new();
    sg.association_lost(1, Instant::now(), &mut ob);
    assert_eq!(sg.as_with_rc(1000), Some(i));
    assert_eq!(sg.as_with_rc(1001), None);
    assert_eq!(st(dereg(&mut sg, 2, &[1000])), [dereg_status::SUCCESS]);
    // Pending (T(r)) after its active ASP left: removed once T(r) expires.
    assert_eq!(sg.as_state(i), Some(AsState::Pending));
    sg.on_timeout(Instant::now() + Duration::from_secs(3), &mut ob);
    assert_eq!(sg.as_with_rc(1000), None);
}

#[test]
fn without_rkm_registration_is_an_unsupported_class() {
    let mut sg = two_mscs(None);
    sg.connected(1);
    up(&mut sg, 1, None);
    let m = Pdu::RegReq(RegReq {
        info: None,
        keys: Seq::Values(&[key(1, None, &[dest(300)])]),
    })
    .to_vec();
    let mut ob = Outbox::new();
    assert!(matches!(
        sg.handle(1, Instant::now(), &m, &mut ob),
        Handled::Refused {
            code: ErrorCode::UnsupportedMessageClass,
            ..
        }
    ));
    // Static registration only: a new key is refused, a configured AS may be joined.
    let mut sg = two_mscs(Some(Rkm {
        dynamic: false,
        ..rkm()
    }));
    sg.connected_from(1, Some("10.0.0.9".parse().unwrap()));
    up(&mut sg, 1, None);
    let d = [dest(300)];
    assert_eq!(
        reg(&mut sg, 1, &[key(1, None, &d)])[0].status,
        reg_status::PERMISSION_DENIED
    );
    let d = [dest(101)];
    assert_eq!(
        reg(&mut sg, 1, &[key(2, None, &d)])[0],
        RegResult {
            local_rk_id: 2,
            status: reg_status::SUCCESS,
            rc: 20
        }
    );
}
