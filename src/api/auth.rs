//! Who is calling, and what they may touch (`[[tenants]]`). Every request passes
//! [`Auth::identify`] first (a tonic interceptor): a TLS client certificate naming a
//! configured client, or a bearer token whose SHA-256 is configured, makes it a [`Caller`];
//! anything else is UNAUTHENTICATED. Without `[[tenants]]` every caller is the operator, as
//! before tenants existed. The handlers then scope what they read and refuse what the
//! caller's role or tenant does not cover with PERMISSION_DENIED; refusals and changes are
//! written to the audit log (target `scpd::audit`).

use crate::config::{Role, Tenant};
use rustls_pki_types::CertificateDer;
use std::sync::Arc;
use subtle::ConstantTimeEq;
use tonic::{Request, Status};

/// An identified client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// Its tenant (an admin: its own name, for the audit log).
    pub name: Arc<str>,
    pub role: Role,
}

impl Caller {
    /// Anyone, when no tenants are configured.
    pub fn operator() -> Caller {
        Caller {
            name: "operator".into(),
            role: Role::Admin,
        }
    }

    /// The tenant it is confined to; `None` for an admin.
    pub fn tenant(&self) -> Option<&str> {
        (self.role != Role::Admin).then_some(&*self.name)
    }

    /// Whether objects of `tenant` are its to see (an admin sees every tenant's).
    pub fn sees(&self, tenant: &str) -> bool {
        self.tenant().is_none_or(|t| t == tenant)
    }

    /// PERMISSION_DENIED, audited, for `rpc` on `object`.
    pub fn deny(&self, rpc: &str, object: &str, why: &str) -> Status {
        tracing::warn!(target: "scpd::audit", tenant = %self.name, role = self.role.name(),
            rpc, object, outcome = "denied", why, "audit");
        Status::permission_denied(format!("{why} ({} {:?})", self.role.name(), self.name))
    }

    /// Refuse a reader anything but its events.
    pub fn acts(&self, rpc: &str, object: &str) -> Result<(), Status> {
        match self.role {
            Role::Reader => Err(self.deny(rpc, object, "a reader only reads events")),
            _ => Ok(()),
        }
    }

    /// Audit a change that was made.
    pub fn changed(&self, rpc: &str, object: &str) {
        tracing::info!(target: "scpd::audit", tenant = %self.name, role = self.role.name(),
            rpc, object, outcome = "done", "audit");
    }
}

/// One `[[tenants]]` entry, ready to match.
#[derive(Debug)]
struct Client {
    caller: Caller,
    certificate_names: Vec<String>,
    token_sha256: Vec<[u8; 32]>,
}

/// The configured clients; none: open (every caller is the operator).
#[derive(Debug, Default)]
pub struct Auth {
    clients: Vec<Client>,
}

impl Auth {
    /// From a validated configuration (hex digests checked there).
    pub fn new(tenants: &[Tenant]) -> Auth {
        let clients = tenants
            .iter()
            .map(|t| Client {
                caller: Caller {
                    name: t.name.as_str().into(),
                    role: t.role,
                },
                certificate_names: t.certificate_names.clone(),
                token_sha256: t.token_sha256.iter().filter_map(|h| unhex(h)).collect(),
            })
            .collect();
        Auth { clients }
    }

    pub fn is_open(&self) -> bool {
        self.clients.is_empty()
    }

    /// Whether `name` is a tenant's (not an admin's) name.
    pub fn is_tenant(&self, name: &str) -> bool {
        self.clients
            .iter()
            .any(|c| c.caller.role != Role::Admin && &*c.caller.name == name)
    }

    /// Who presents `certificates` (the TLS peer's chain, leaf first) and `authorization`
    /// (the request's metadata value). A certificate and a token that name two different
    /// clients are refused: one connection is one client.
    pub fn identify(
        &self,
        certificates: Option<&[CertificateDer<'_>]>,
        authorization: Option<&str>,
    ) -> Result<Caller, String> {
        if self.is_open() {
            return Ok(Caller::operator());
        }
        let by_cert = match certificates.and_then(|c| c.first()) {
            Some(leaf) => {
                let names = certificate_names(leaf);
                self.clients
                    .iter()
                    .find(|c| c.certificate_names.iter().any(|n| names.contains(n)))
                    .map(|c| c.caller.clone())
                    .ok_or_else(|| format!("client certificate {names:?} names no tenant"))
            }
            None => Err("no client certificate".to_string()),
        };
        // Another scheme (a proxy's Basic, say) is no token of ours, not a reason to refuse
        // a client its certificate names.
        let by_token = match authorization.and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        }) {
            Some(token) => self.token(token.trim()).ok_or("unknown token".to_string()),
            None if authorization.is_some() => {
                Err("authorization is not \"Bearer TOKEN\"".to_string())
            }
            None => Err("no token".to_string()),
        };
        match (by_cert, by_token) {
            (Ok(a), Ok(b)) if a != b => Err(format!(
                "the certificate is {:?} but the token is {:?}",
                a.name, b.name
            )),
            (Ok(c), _) | (_, Ok(c)) => Ok(c),
            (Err(a), Err(b)) => Err(format!("{a}; {b}")),
        }
    }

    /// The client whose token this is. Every configured digest is compared, each in
    /// constant time, so how long it takes says nothing of how close a guess came.
    fn token(&self, token: &str) -> Option<Caller> {
        let digest = ring::digest::digest(&ring::digest::SHA256, token.as_bytes());
        let mut found = None;
        for c in &self.clients {
            for h in &c.token_sha256 {
                if bool::from(h.ct_eq(digest.as_ref())) {
                    found = Some(c.caller.clone());
                }
            }
        }
        found
    }
}

/// The names a certificate answers to: its subject CNs and its DNS, URI and e-mail SANs.
/// An unparsable certificate (the TLS stack accepted it, so this is unlikely) has none.
fn certificate_names(der: &CertificateDer<'_>) -> Vec<String> {
    use x509_parser::extensions::GeneralName;
    let Ok((_, cert)) = x509_parser::parse_x509_certificate(der.as_ref()) else {
        return Vec::new();
    };
    let mut names: Vec<String> = cert
        .subject()
        .iter_common_name()
        .filter_map(|cn| cn.as_str().ok().map(str::to_string))
        .collect();
    if let Ok(Some(san)) = cert.subject_alternative_name() {
        for n in &san.value.general_names {
            match n {
                GeneralName::DNSName(s) | GeneralName::URI(s) | GeneralName::RFC822Name(s) => {
                    names.push(s.to_string())
                }
                _ => {}
            }
        }
    }
    names
}

fn unhex(h: &str) -> Option<[u8; 32]> {
    let mut out = [0; 32];
    for (i, b) in out.iter_mut().enumerate() {
        *b = u8::from_str_radix(h.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(out)
}

/// The SHA-256 of `token` in hex, as `token_sha256` takes it.
pub fn token_sha256(token: &str) -> String {
    ring::digest::digest(&ring::digest::SHA256, token.as_bytes())
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The interceptor every service sits behind: the caller goes into the request's
/// extensions, or the request ends UNAUTHENTICATED (audited, with the peer's address).
pub fn interceptor(
    auth: Arc<Auth>,
) -> impl FnMut(Request<()>) -> Result<Request<()>, Status> + Clone {
    move |mut req: Request<()>| {
        let certs = req.peer_certs();
        let authorization = req
            .metadata()
            .get("authorization")
            .and_then(|v| v.to_str().ok());
        match auth.identify(certs.as_deref().map(|c| &c[..]), authorization) {
            Ok(caller) => {
                req.extensions_mut().insert(caller);
                Ok(req)
            }
            Err(why) => {
                let peer = req
                    .remote_addr()
                    .map_or_else(|| "unknown".to_string(), |a| a.to_string());
                tracing::warn!(target: "scpd::audit", %peer, outcome = "unauthenticated",
                    why, "audit");
                Err(Status::unauthenticated(why))
            }
        }
    }
}

impl super::Api {
    /// The request's caller, as the interceptor found it. A request that did not pass it
    /// (a service mounted without it) is the operator only while no tenants are configured.
    pub(crate) fn caller<T>(&self, req: &Request<T>) -> Result<Caller, Status> {
        match req.extensions().get::<Caller>() {
            Some(c) => Ok(c.clone()),
            None if self.auth.is_open() => Ok(Caller::operator()),
            None => Err(Status::unauthenticated("not identified")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tenant(name: &str, role: Role, certs: &[&str], tokens: &[&str]) -> Tenant {
        Tenant {
            name: name.into(),
            role,
            certificate_names: certs.iter().map(|s| s.to_string()).collect(),
            token_sha256: tokens.iter().map(|t| token_sha256(t)).collect(),
        }
    }

    #[test]
    fn tokens_and_certificates_name_their_client_and_nothing_else_gets_in() {
        let auth = Auth::new(&[
            tenant("acme", Role::Tenant, &[], &["acme-secret"]),
            tenant("acme", Role::Reader, &[], &["acme-read"]),
            tenant("ops", Role::Admin, &["ops.example.net"], &[]),
        ]);
        let acme = auth.identify(None, Some("Bearer acme-secret")).unwrap();
        assert_eq!((&*acme.name, acme.role), ("acme", Role::Tenant));
        assert_eq!(acme.tenant(), Some("acme"));
        let reader = auth.identify(None, Some("Bearer acme-read")).unwrap();
        assert_eq!(reader.role, Role::Reader);
        assert!(reader.acts("test", "x").is_err());
        assert!(auth.identify(None, Some("Bearer acme-secreT")).is_err());
        assert!(auth.identify(None, Some("acme-secret")).is_err());
        assert!(auth.identify(None, None).is_err());

        let ops = rcgen::generate_simple_self_signed(vec!["ops.example.net".into()]).unwrap();
        let other = rcgen::generate_simple_self_signed(vec!["x.example.net".into()]).unwrap();
        let ops_der = [ops.cert.der().clone()];
        let admin = auth.identify(Some(&ops_der), None).unwrap();
        assert_eq!(admin.tenant(), None);
        assert!(admin.sees("acme"));
        let e = auth
            .identify(Some(&[other.cert.der().clone()]), None)
            .unwrap_err();
        assert!(e.contains("x.example.net"), "{e}");
        // One connection, one client.
        assert!(auth
            .identify(Some(&ops_der), Some("Bearer acme-secret"))
            .is_err());
        // Another authorization scheme beside a certificate: the certificate decides.
        assert_eq!(
            auth.identify(Some(&ops_der), Some("Basic b3BzOng=")),
            Ok(admin.clone())
        );
        // Open without tenants.
        assert_eq!(
            Auth::default().identify(None, None).unwrap(),
            Caller::operator()
        );
    }
}
