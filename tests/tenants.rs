//! Issue 19, tenants, over the real daemon with mutual TLS: two tenants (acme by its
//! certificate's subject CN, globex by a certificate SAN) and an admin, each also reachable
//! by a bearer token, and a reader of acme's by token only. Each tenant sees and changes only
//! its own subscribers and routing numbers (PERMISSION_DENIED for the other's, audited), its
//! events only (a call between the two tenants' subscribers reaches both, without the other
//! tenant's enrolment), and keeps durable consumers of its own; the admin sees everything;
//! a certificate no tenant names, a wrong token, or no credential at all is refused.

mod common;
use common::pki::Pki;
use common::Scpd;
use scpd::proto::{
    call_events_client::CallEventsClient, node_client::NodeClient,
    routing_numbers_client::RoutingNumbersClient, subscribers_client::SubscribersClient,
    AckRequest, AllocateRoutingNumberRequest, CallEvent, EventKind, GetRoutingNumberRequest,
    GetSubscriberRequest, ListRoutingNumbersRequest, ListSubscribersRequest, Policy,
    ReleaseRoutingNumberRequest, RemoveSubscriberRequest, StatusRequest, SubscribeRequest,
    Subscriber, Terminal,
};
use std::time::Duration;
use tonic::service::interceptor::InterceptedService;
use tonic::transport::{Certificate, Channel, ClientTlsConfig, Endpoint, Identity};
use tonic::Code;

const EMBEDDED: &str = include_str!("../config/scpd.toml");
const ACME_LINE: &str = "491700000101";
const GLOBEX_LINE: &str = "491700000202";
const ADMIN_LINE: &str = "491700000303";

/// How a client proves who it is.
enum Cred<'a> {
    /// A client certificate the test CA signed (`NAME.pem`, `NAME.key`).
    Cert(&'a str),
    /// Only the server CA trusted; this bearer token.
    Token(&'a str),
    /// Neither.
    Nothing,
}

type Conn = InterceptedService<Channel, Bearer>;

#[derive(Clone)]
struct Bearer(Option<String>);

impl tonic::service::Interceptor for Bearer {
    fn call(&mut self, mut r: tonic::Request<()>) -> Result<tonic::Request<()>, tonic::Status> {
        if let Some(t) = &self.0 {
            let v = format!("Bearer {t}").parse().unwrap();
            r.metadata_mut().insert("authorization", v);
        }
        Ok(r)
    }
}

struct World {
    pki: Pki,
    d: Scpd,
    /// Its configuration, as a file.
    config: std::path::PathBuf,
}

impl World {
    fn start(name: &str) -> World {
        let pki = Pki::new(&format!("tenants-{name}"));
        pki.client("acme-dss", &[]);
        pki.client("dss-7", &["globex-dss.example.net"]);
        pki.client("noc", &[]);
        pki.client("stranger", &["stranger.example.net"]);
        let h = |t: &str| scpd::api::token_sha256(t);
        let cfg = EMBEDDED.replacen(
            "[grpc]\n",
            &format!(
                "[grpc]\ntls_cert = {:?}\ntls_key = {:?}\ntls_client_ca = {:?}\n",
                pki.p("server.pem"),
                pki.p("server.key"),
                pki.p("ca.pem")
            ),
            1,
        ) + &format!(
            r#"
[[routing_numbers.pool]]
name = "acme-trn"
first = "999300000"
last = "999300099"
kind = "trn"
tenant = "acme"

[[tenants]]
name = "acme"
certificate_names = ["acme-dss"]
token_sha256 = ["{}"]

[[tenants]]
name = "acme"
role = "reader"
token_sha256 = ["{}"]

[[tenants]]
name = "globex"
certificate_names = ["globex-dss.example.net"]
token_sha256 = ["{}"]

[[tenants]]
name = "noc"
role = "admin"
certificate_names = ["noc"]
token_sha256 = ["{}"]
"#,
            h("acme-token"),
            h("acme-reader-token"),
            h("globex-token"),
            h("noc-token"),
        );
        let d = Scpd::start(&format!("tenants-{name}"), Some(&cfg));
        let config = pki.path("scpd.toml");
        std::fs::write(&config, cfg).unwrap();
        World { pki, d, config }
    }

    async fn conn(&self, cred: Cred<'_>) -> Conn {
        let mut tls =
            ClientTlsConfig::new().ca_certificate(Certificate::from_pem(self.pki.read("ca.pem")));
        let mut token = None;
        match cred {
            Cred::Cert(name) => {
                tls = tls.identity(Identity::from_pem(
                    self.pki.read(&format!("{name}.pem")),
                    self.pki.read(&format!("{name}.key")),
                ))
            }
            Cred::Token(t) => token = Some(t.to_string()),
            Cred::Nothing => {}
        }
        let ch = Endpoint::from_shared(format!("https://{}", self.d.grpc))
            .unwrap()
            .connect_timeout(Duration::from_secs(5))
            .tls_config(tls)
            .unwrap()
            .connect()
            .await
            .unwrap();
        InterceptedService::new(ch, Bearer(token))
    }
}

fn subscriber(number: &str, tenant: &str) -> Subscriber {
    Subscriber {
        number: number.into(),
        user: format!("user of {number}"),
        policy: Policy::Monitor as i32,
        terminals: vec![Terminal {
            id: format!("sip:{number}@example.net"),
            label: "desk".into(),
        }],
        tenant: tenant.into(),
    }
}

/// The events `c` gets, from the start, once `n` have come (then 300 ms more for any extra).
async fn events(c: Conn, consumer: &str, n: usize) -> Vec<CallEvent> {
    let mut s = CallEventsClient::new(c)
        .subscribe(SubscribeRequest {
            consumer: consumer.into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let mut got = Vec::new();
    let mut wait = Duration::from_secs(15);
    while let Ok(Ok(Some(e))) = tokio::time::timeout(wait, s.message()).await {
        got.push(e);
        if got.len() >= n {
            wait = Duration::from_millis(300);
        }
    }
    got
}

fn code<T: std::fmt::Debug>(r: Result<T, tonic::Status>) -> Code {
    match r {
        Ok(v) => panic!("expected a refusal, got {v:?}"),
        Err(s) => s.code(),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn each_tenant_sees_and_changes_only_its_own_and_the_admin_everything() {
    let w = World::start("scoped");
    let acme = w.conn(Cred::Cert("acme-dss")).await;
    let globex = w.conn(Cred::Cert("dss-7")).await;
    let admin = w.conn(Cred::Cert("noc")).await;

    // Enrolment: a tenant's number is its own, whatever it sends as tenant.
    let a = SubscribersClient::new(acme.clone())
        .add(subscriber(ACME_LINE, ""))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(a.tenant, "acme");
    SubscribersClient::new(globex.clone())
        .add(subscriber(GLOBEX_LINE, "globex"))
        .await
        .unwrap();
    let e = SubscribersClient::new(acme.clone())
        .add(subscriber("491700000999", "globex"))
        .await;
    assert_eq!(code(e), Code::PermissionDenied);
    // The admin enrols for anyone, but only for tenants that exist.
    SubscribersClient::new(admin.clone())
        .add(subscriber(ADMIN_LINE, ""))
        .await
        .unwrap();
    let e = SubscribersClient::new(admin.clone())
        .add(subscriber("491700000998", "initech"))
        .await;
    assert_eq!(code(e), Code::InvalidArgument);

    // The other tenant's number: not readable, not removable, not taken over.
    let mut s = SubscribersClient::new(acme.clone());
    let get = |n: &str| GetSubscriberRequest { number: n.into() };
    assert_eq!(code(s.get(get(GLOBEX_LINE)).await), Code::PermissionDenied);
    assert_eq!(code(s.get(get("491700000555")).await), Code::NotFound);
    let rm = RemoveSubscriberRequest {
        number: GLOBEX_LINE.into(),
    };
    assert_eq!(code(s.remove(rm.clone()).await), Code::PermissionDenied);
    let e = s.add(subscriber(GLOBEX_LINE, "")).await;
    assert_eq!(code(e), Code::PermissionDenied);
    let mine = s
        .list(ListSubscribersRequest {})
        .await
        .unwrap()
        .into_inner();
    let numbers: Vec<&str> = mine.subscribers.iter().map(|s| &*s.number).collect();
    assert_eq!(numbers, [ACME_LINE]);
    let all = SubscribersClient::new(admin.clone())
        .list(ListSubscribersRequest {})
        .await
        .unwrap()
        .into_inner();
    assert_eq!(all.subscribers.len(), 3);
    let g = SubscribersClient::new(admin.clone())
        .get(get(GLOBEX_LINE))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(g.tenant, "globex");

    // Routing numbers: acme's own pool first; globex may neither use that pool nor see
    // acme's numbers; the admin sees both.
    let alloc = |pool: &str| AllocateRoutingNumberRequest {
        target: "4930123456".into(),
        ttl_seconds: 600,
        call_id: String::new(),
        pool: pool.into(),
        ..Default::default()
    };
    let acme_trn = RoutingNumbersClient::new(acme.clone())
        .allocate(alloc(""))
        .await
        .unwrap()
        .into_inner();
    assert_eq!((&*acme_trn.pool, &*acme_trn.tenant), ("acme-trn", "acme"));
    let mut r = RoutingNumbersClient::new(globex.clone());
    assert_eq!(
        code(r.allocate(alloc("acme-trn")).await),
        Code::PermissionDenied
    );
    let globex_trn = r.allocate(alloc("")).await.unwrap().into_inner();
    assert_eq!((&*globex_trn.pool, &*globex_trn.tenant), ("trn", "globex"));
    let getn = |n: &str| GetRoutingNumberRequest { number: n.into() };
    assert_eq!(
        code(r.get(getn(&acme_trn.number)).await),
        Code::PermissionDenied
    );
    let listed = r
        .list(ListRoutingNumbersRequest::default())
        .await
        .unwrap()
        .into_inner();
    assert_eq!(listed.numbers.len(), 1);
    let mut r = RoutingNumbersClient::new(admin.clone());
    let listed = r
        .list(ListRoutingNumbersRequest::default())
        .await
        .unwrap()
        .into_inner();
    assert_eq!(listed.numbers.len(), 2);
    // The admin allocates from a tenant's pool (the number is that tenant's) and releases
    // another's.
    let for_acme = r.allocate(alloc("acme-trn")).await.unwrap().into_inner();
    assert_eq!(for_acme.tenant, "acme");
    r.release(ReleaseRoutingNumberRequest {
        number: for_acme.number,
    })
    .await
    .unwrap();

    // The node's status is for admins.
    let e = NodeClient::new(acme.clone()).status(StatusRequest {}).await;
    assert_eq!(code(e), Code::PermissionDenied);
    NodeClient::new(admin.clone())
        .status(StatusRequest {})
        .await
        .unwrap();

    // Calls: acme's line calls globex's; acme's line calls a stranger; globex's line
    // calls the admin's line.
    let call = |from: &str, to: &str| {
        let r =
            w.d.sim(&["--calling", from, "--called", to, "--hold-ms", "20"]);
        assert_eq!(r["monitored"].as_u64(), Some(1), "{r}");
    };
    call(ACME_LINE, GLOBEX_LINE);
    call(ACME_LINE, "4930555000");
    call(GLOBEX_LINE, ADMIN_LINE);
    let everything = events(admin.clone(), "", 9).await;
    assert_eq!(everything.len(), 9, "{everything:#?}");
    let of_call = |v: &[CallEvent], id: &str| v.iter().filter(|e| e.call_id == id).count();
    let cross = &everything[0];
    assert_eq!(cross.tenants, ["acme", "globex"]);
    // The admin's line is no tenant's: only globex is told (and the admin).
    assert_eq!(everything[6].tenants, ["globex"]);

    let seen_by_acme = events(acme.clone(), "", 6).await;
    assert_eq!(seen_by_acme.len(), 6, "{seen_by_acme:#?}");
    assert!(seen_by_acme
        .iter()
        .all(|e| e.tenants == ["acme"] && e.subscriber == ACME_LINE));

    let seen_by_globex = events(globex.clone(), "", 6).await;
    assert_eq!(seen_by_globex.len(), 6, "{seen_by_globex:#?}");
    // The cross-tenant call, without acme's enrolment of its line.
    assert_eq!(of_call(&seen_by_globex, &cross.call_id), 3);
    let theirs = &seen_by_globex[0];
    assert_eq!(theirs.call_id, cross.call_id);
    assert_eq!(theirs.kind(), EventKind::Trigger);
    assert_eq!(theirs.tenants, ["globex"]);
    assert!(
        theirs.user.is_empty() && theirs.terminals.is_empty(),
        "{theirs:?}"
    );
    assert_eq!(theirs.policy, 0);
    assert_eq!(cross.user, format!("user of {ACME_LINE}"));

    // A reader of acme's: its events, nothing else.
    let reader = w.conn(Cred::Token("acme-reader-token")).await;
    assert_eq!(events(reader.clone(), "", 6).await.len(), 6);
    let e = SubscribersClient::new(reader.clone())
        .list(ListSubscribersRequest {})
        .await;
    assert_eq!(code(e), Code::PermissionDenied);

    // Durable consumers are each tenant's own: acme's "dss" acks the first three; globex's
    // "dss" still starts at the beginning.
    CallEventsClient::new(acme.clone())
        .ack(AckRequest {
            consumer: "dss".into(),
            sequence: seen_by_acme[2].sequence,
        })
        .await
        .unwrap();
    let resumed = events(acme.clone(), "dss", 3).await;
    assert_eq!(resumed.len(), 3);
    assert_eq!(resumed[0].sequence, seen_by_acme[3].sequence);
    assert_eq!(events(globex.clone(), "dss", 6).await.len(), 6);

    // Tokens identify as certificates do.
    let by_token = w.conn(Cred::Token("globex-token")).await;
    let l = SubscribersClient::new(by_token)
        .list(ListSubscribersRequest {})
        .await
        .unwrap()
        .into_inner();
    assert_eq!(l.subscribers.len(), 1);
    assert_eq!(l.subscribers[0].number, GLOBEX_LINE);

    // Strangers: a certificate the CA signed but no tenant names, a wrong token, nothing.
    for cred in [
        Cred::Cert("stranger"),
        Cred::Token("globex-tokeN"),
        Cred::Nothing,
    ] {
        let e = SubscribersClient::new(w.conn(cred).await)
            .list(ListSubscribersRequest {})
            .await;
        assert_eq!(code(e), Code::Unauthenticated);
    }

    // The audit log: each refusal and each change, with who did it.
    let log = w.d.log();
    let audit: Vec<&str> = log.lines().filter(|l| l.contains("audit")).collect();
    let has = |words: &[&str]| audit.iter().any(|l| words.iter().all(|w| l.contains(w)));
    assert!(
        has(&["denied", "acme", "Subscribers.Remove", GLOBEX_LINE]),
        "{log}"
    );
    assert!(has(&["done", "globex", "RoutingNumbers.Allocate"]), "{log}");
    assert!(
        has(&["done", "noc", "Subscribers.Add", ADMIN_LINE]),
        "{log}"
    );
    assert!(has(&["unauthenticated", "stranger.example.net"]), "{log}");
    assert!(
        has(&["denied", "acme", "reader", "Subscribers.List"]),
        "{log}"
    );
    w.d.stop();
}

/// `tests/interop/grpc_tenants.py` as `cred` doing `op`: its one JSON line.
fn py(w: &World, cred: &str, op: &[&str]) -> serde_json::Value {
    let proto = format!("{}/proto", env!("CARGO_MANIFEST_DIR"));
    let ca = w.pki.p("ca.pem");
    let out = common::run_script(
        "grpc_tenants.py",
        &[&[&*proto, &*w.d.grpc, &*ca, cred][..], op].concat(),
    );
    serde_json::from_str(out.trim()).unwrap()
}

/// The same through an independent client: Python grpcio with stubs generated from our
/// proto, as acme by token and as globex by client certificate.
#[test]
fn a_python_grpcio_client_is_scoped_the_same() {
    if !common::grpcio_ready() {
        return;
    }
    let w = World::start("python");
    let acme = "token:acme-token";
    let globex = format!("cert:{}", w.pki.p("dss-7"));
    let r = py(&w, acme, &["add", ACME_LINE]);
    assert_eq!(
        (&r["code"], &r["tenant"]),
        (&"OK".into(), &"acme".into()),
        "{r}"
    );
    let r = py(&w, &globex, &["add", GLOBEX_LINE]);
    assert_eq!(r["tenant"], "globex", "{r}");
    for op in [["get", GLOBEX_LINE], ["remove", GLOBEX_LINE]] {
        let r = py(&w, acme, &op);
        assert_eq!(r["code"], "PERMISSION_DENIED", "{op:?}: {r}");
    }
    assert_eq!(
        py(&w, acme, &["list"])["numbers"],
        serde_json::json!([ACME_LINE])
    );
    assert_eq!(py(&w, "token:nobody", &["list"])["code"], "UNAUTHENTICATED");

    let r = w.d.sim(&[
        "--calling",
        ACME_LINE,
        "--called",
        GLOBEX_LINE,
        "--hold-ms",
        "20",
    ]);
    assert_eq!(r["monitored"].as_u64(), Some(1), "{r}");
    // globex, as a durable consumer: the call its line was called in, without acme's
    // enrolment; acknowledged, nothing is left for it.
    let r = py(&w, &globex, &["events", "py", "10", "3"]);
    let evs = r["events"].as_array().unwrap();
    assert_eq!(evs.len(), 3, "{r}");
    for e in evs {
        assert_eq!(e["tenants"], serde_json::json!(["globex"]), "{e}");
        assert_eq!(e["user"], "", "{e}");
        assert_eq!(e["subscriber"], ACME_LINE, "{e}");
    }
    let r = py(&w, &globex, &["events", "py", "10", "1.5"]);
    assert_eq!(r["events"], serde_json::json!([]), "{r}");
    // acme's own consumer of that name is its own: the whole call, with its enrolment.
    let r = py(&w, acme, &["events", "py", "10", "3"]);
    let evs = r["events"].as_array().unwrap();
    assert_eq!(evs.len(), 3, "{r}");
    assert!(
        evs.iter().all(|e| e["user"] == format!("py {ACME_LINE}")),
        "{r}"
    );
    w.d.stop();
}

/// The client commands: `--token` on `scpd subscriber`, and `scpd tenant token|list`.
#[test]
fn the_cli_carries_a_token_and_lists_tenants() {
    let w = World::start("cli");
    let scpd = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_scpd"))
            .args(args)
            .output()
            .unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let ca = w.pki.p("ca.pem");
    let conn = ["--grpc", &*w.d.grpc, "--tls-ca", &*ca];
    let (ok, _, err) = scpd(
        &[
            &["subscriber", "add", ACME_LINE, "--token", "acme-token"],
            &conn[..],
        ]
        .concat(),
    );
    assert!(ok, "{err}");
    let (ok, _, err) = scpd(
        &[
            &["subscriber", "get", ACME_LINE, "--token", "globex-token"],
            &conn[..],
        ]
        .concat(),
    );
    assert!(!ok && err.contains("ermission"), "{err}");
    let (ok, _, err) = scpd(&[&["subscriber", "list"], &conn[..]].concat());
    assert!(
        !ok && err.contains("no client certificate; no token"),
        "{err}"
    );
    let (ok, out, err) =
        scpd(&[&["subscriber", "list", "--token", "acme-token"], &conn[..]].concat());
    assert!(
        ok && out.contains(ACME_LINE) && out.contains("\"acme\""),
        "{out} {err}"
    );

    // A new token: its digest is the one to configure.
    let (ok, out, _) = scpd(&["tenant", "token"]);
    assert!(ok);
    let t: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    let token = t["token"].as_str().unwrap();
    assert_eq!(token.len(), 64);
    assert_eq!(t["token_sha256"], scpd::api::token_sha256(token));
    let (_, again, _) = scpd(&["tenant", "token"]);
    assert_ne!(out, again, "tokens are random");

    let cfg = w.config.display().to_string();
    let (ok, out, err) = scpd(&["tenant", "list", "--config", &cfg]);
    assert!(ok, "{err}");
    let lines: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let names: Vec<(&str, &str)> = lines
        .iter()
        .map(|l| (l["name"].as_str().unwrap(), l["role"].as_str().unwrap()))
        .collect();
    assert_eq!(
        names,
        [
            ("acme", "tenant"),
            ("acme", "reader"),
            ("globex", "tenant"),
            ("noc", "admin")
        ]
    );
    assert_eq!(
        lines[2]["certificate_names"],
        serde_json::json!(["globex-dss.example.net"])
    );
    w.d.stop();
}
