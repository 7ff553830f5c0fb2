//! `[[tenants]]`: who may use the gRPC API and what each may see. Each entry is one kind of
//! client: a tenant's data-session server (`tenant`), its read-only consumers (`reader`), or
//! the carrier's operators (`admin`, every tenant). A client is recognised by its TLS client
//! certificate (subject CN or a DNS/URI/e-mail SAN) or by a bearer token, of which only the
//! SHA-256 is kept here, so the file does not hold the secret.

use super::{invalid, ConfigError};
use serde::Deserialize;

/// What a client may do.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Every tenant's subscribers, events, routing numbers and decisions.
    Admin,
    /// Its own tenant's subscribers, events, routing numbers and decisions.
    #[default]
    Tenant,
    /// Its own tenant's events only.
    Reader,
}

impl Role {
    pub fn name(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Tenant => "tenant",
            Role::Reader => "reader",
        }
    }
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Tenant {
    /// The tenant (with `role = "admin"`: the operator's name, for the audit log). Entries
    /// of one tenant with different roles share the name.
    pub name: String,
    #[serde(default)]
    pub role: Role,
    /// Client certificates (signed by `grpc.tls_client_ca`) whose subject CN or a SAN is
    /// one of these.
    #[serde(default)]
    pub certificate_names: Vec<String>,
    /// SHA-256 (64 hex digits) of bearer tokens (`authorization: Bearer TOKEN`);
    /// `scpd tenant token` makes one.
    #[serde(default)]
    pub token_sha256: Vec<String>,
}

/// Names are written in audit lines and in consumer positions (`tenant/consumer`).
fn check_name(key: &str, name: &str) -> Result<(), ConfigError> {
    let ok = (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b));
    if !ok {
        return Err(invalid(
            key,
            format!("{name:?}: want 1 to 64 letters, digits, '.', '_' or '-'"),
        ));
    }
    Ok(())
}

/// Each entry named and recognisable; no certificate name or token that two entries
/// share (a client would be two at once); one role per name, except that a tenant may
/// have readers; certificate names only where client certificates are asked for.
pub fn validate(tenants: &[Tenant], client_certificates: bool) -> Result<(), ConfigError> {
    let mut seen = std::collections::HashMap::new();
    let mut names: std::collections::HashMap<&str, Role> = std::collections::HashMap::new();
    for (i, t) in tenants.iter().enumerate() {
        let key = |k: &str| format!("tenants[{i}].{k}");
        check_name(&key("name"), &t.name)?;
        if let Some(r) = names.insert(&t.name, t.role) {
            if (r == Role::Admin) != (t.role == Role::Admin) {
                return Err(invalid(
                    key("role"),
                    format!(
                        "{:?} is both an admin and a tenant: give the admin another name",
                        t.name
                    ),
                ));
            }
        }
        if t.certificate_names.is_empty() && t.token_sha256.is_empty() {
            return Err(invalid(
                key("name"),
                format!(
                    "{:?} has no certificate_names and no token_sha256: no client can be it",
                    t.name
                ),
            ));
        }
        if !t.certificate_names.is_empty() && !client_certificates {
            return Err(invalid(
                key("certificate_names"),
                "clients present certificates only when grpc.tls_client_ca is set",
            ));
        }
        for c in &t.certificate_names {
            if c.is_empty() || c.len() > 256 || c.chars().any(char::is_control) {
                return Err(invalid(
                    key("certificate_names"),
                    format!("{c:?}: want 1 to 256 printable characters"),
                ));
            }
            if let Some(j) = seen.insert(format!("cert:{c}"), i) {
                return Err(invalid(
                    key("certificate_names"),
                    format!("{c:?} is also in tenants[{j}]"),
                ));
            }
        }
        for h in &t.token_sha256 {
            if h.len() != 64 || !h.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(invalid(
                    key("token_sha256"),
                    format!("{h:?}: want the SHA-256 of the token, 64 hex digits"),
                ));
            }
            if let Some(j) = seen.insert(format!("token:{}", h.to_ascii_lowercase()), i) {
                return Err(invalid(
                    key("token_sha256"),
                    format!("{h} is also in tenants[{j}]"),
                ));
            }
        }
    }
    Ok(())
}
