//! `scpd tenant`: the `[[tenants]]` of a configuration file, and new bearer tokens for them.

use super::out::{self, Failure};
use clap::Subcommand;
use std::process::ExitCode;

#[derive(Subcommand)]
pub(super) enum TenantCmd {
    /// The clients a configuration lets in, one JSON line each: tenant (or admin) name,
    /// role, certificate names and how many tokens.
    List {
        /// The configuration file (default: the embedded one, which has none).
        #[arg(long, value_name = "FILE")]
        config: Option<std::path::PathBuf>,
    },
    /// Make a new bearer token: one JSON line with the token (give it to the client; it is
    /// not kept anywhere) and its SHA-256 (put that in the entry's token_sha256).
    Token,
}

pub(super) fn cmd_tenant(c: TenantCmd) -> Result<ExitCode, Failure> {
    match c {
        TenantCmd::List { config } => {
            let cfg = match config {
                Some(p) => {
                    let text =
                        std::fs::read_to_string(&p).map_err(|e| format!("{}: {e}", p.display()))?;
                    crate::config::Config::parse(&text)
                        .map_err(|e| format!("{}: {e}", p.display()))?
                }
                None => crate::config::Config::embedded(),
            };
            for t in &cfg.tenants {
                out::line(serde_json::json!({
                    "name": t.name,
                    "role": t.role.name(),
                    "certificate_names": t.certificate_names,
                    "tokens": t.token_sha256.len(),
                }))?;
            }
        }
        TenantCmd::Token => {
            use ring::rand::SecureRandom;
            let mut raw = [0u8; 32];
            ring::rand::SystemRandom::new()
                .fill(&mut raw)
                .map_err(|_| "no system randomness".to_string())?;
            let token: String = raw.iter().map(|b| format!("{b:02x}")).collect();
            out::line(serde_json::json!({
                "token": token,
                "token_sha256": crate::api::token_sha256(&token),
            }))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
