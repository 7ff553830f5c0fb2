//! The `[grpc]` section: where the API listens, and its TLS files read and checked.

use super::{invalid, ConfigError};
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Grpc {
    /// HOST:PORT (a host name is resolved); loopback 127.0.0.1:50051 by default.
    #[serde(default = "default_grpc_listen")]
    pub listen: String,
    /// PEM certificate chain and private key: with both, gRPC is served over TLS only.
    #[serde(default)]
    pub tls_cert: Option<String>,
    #[serde(default)]
    pub tls_key: Option<String>,
    /// PEM CA bundle: with it, clients must present a certificate it signed.
    #[serde(default)]
    pub tls_client_ca: Option<String>,
}

fn default_grpc_listen() -> String {
    "127.0.0.1:50051".into()
}

/// `[grpc]` left out: plaintext on loopback.
impl Default for Grpc {
    fn default() -> Grpc {
        Grpc {
            listen: default_grpc_listen(),
            tls_cert: None,
            tls_key: None,
            tls_client_ca: None,
        }
    }
}

/// The `[grpc]` TLS files, read and checked: PEM text as tonic takes it.
#[derive(Debug, Clone)]
pub struct GrpcTls {
    pub cert: Vec<u8>,
    pub key: Vec<u8>,
    pub client_ca: Option<Vec<u8>>,
}

impl Grpc {
    /// Read the TLS files (`None`: plaintext). Each must be readable PEM with what its key
    /// promises: at least one certificate (`tls_cert`, `tls_client_ca`) or a private key
    /// (`tls_key`, PKCS#8, PKCS#1 or SEC1); the error names the key. Whether the key belongs
    /// to the certificate is checked when the TLS acceptor is built (`api::grpc_server`).
    pub fn load_tls(&self) -> Result<Option<GrpcTls>, ConfigError> {
        use rustls_pki_types::pem::PemObject;
        use rustls_pki_types::{CertificateDer, PrivateKeyDer};
        fn read(key: &str, path: &str) -> Result<Vec<u8>, ConfigError> {
            std::fs::read(path).map_err(|e| invalid(key, format!("{path}: {e}")))
        }
        fn certs(key: &str, path: &str) -> Result<Vec<u8>, ConfigError> {
            let pem = read(key, path)?;
            let mut n = 0;
            for c in CertificateDer::pem_slice_iter(&pem) {
                c.map_err(|e| invalid(key, format!("{path}: bad PEM: {e}")))?;
                n += 1;
            }
            if n == 0 {
                return Err(invalid(
                    key,
                    format!("{path}: no PEM certificate (-----BEGIN CERTIFICATE-----)"),
                ));
            }
            Ok(pem)
        }
        let (Some(cert), Some(key)) = (&self.tls_cert, &self.tls_key) else {
            return Ok(None);
        };
        let cert = certs("grpc.tls_cert", cert)?;
        let key_pem = read("grpc.tls_key", key)?;
        PrivateKeyDer::from_pem_slice(&key_pem).map_err(|e| {
            invalid(
                "grpc.tls_key",
                format!("{key}: no PEM private key (PKCS#8, PKCS#1 or SEC1): {e}"),
            )
        })?;
        let client_ca = match &self.tls_client_ca {
            Some(p) => Some(certs("grpc.tls_client_ca", p)?),
            None => None,
        };
        Ok(Some(GrpcTls {
            cert,
            key: key_pem,
            client_ca,
        }))
    }
}
