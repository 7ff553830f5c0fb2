//! A test PKI made with rcgen at test time (no private key is committed): a CA, server and
//! client certificates it signs, and an unrelated "rogue" CA whose certificates must be
//! refused.

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair, KeyUsagePurpose,
};
use std::path::{Path, PathBuf};

/// PEM files of a test PKI in a directory of their own.
pub struct Pki {
    pub dir: PathBuf,
    ca: CertifiedIssuer<'static, KeyPair>,
}

impl Pki {
    /// A CA ("ca"), a server certificate for 127.0.0.1 and localhost ("server"), a client
    /// certificate ("client", CN client, SAN data-session-server), and an unrelated
    /// "rogue" CA with a client and a server certificate of its own.
    pub fn new(name: &str) -> Pki {
        let dir = std::env::temp_dir().join(format!("scpd-tls-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let ca = Pki::issuer(&dir, "ca", "scpd test CA");
        let rogue = Pki::issuer(&dir, "rogue", "someone else's CA");
        let pki = Pki { dir, ca };
        // The daemon is reached as 127.0.0.1 (IP SAN) or localhost.
        pki.leaf(&pki.ca, "server", &["127.0.0.1", "localhost"], true);
        pki.leaf(&pki.ca, "client", &["data-session-server"], false);
        pki.leaf(&rogue, "rogue-client", &["data-session-server"], false);
        pki.leaf(&rogue, "rogue-server", &["127.0.0.1"], true);
        pki
    }

    /// Another client certificate the CA signs: `NAME.pem`, `NAME.key`, subject CN `NAME`.
    pub fn client(&self, name: &str, sans: &[&str]) {
        self.leaf(&self.ca, name, sans, false);
    }

    pub fn path(&self, file: &str) -> PathBuf {
        self.dir.join(file)
    }

    pub fn read(&self, file: &str) -> Vec<u8> {
        std::fs::read(self.path(file)).unwrap()
    }

    pub fn p(&self, file: &str) -> String {
        self.path(file).display().to_string()
    }

    fn issuer(dir: &Path, name: &str, cn: &str) -> CertifiedIssuer<'static, KeyPair> {
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.distinguished_name.push(DnType::CommonName, cn);
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let ca = CertifiedIssuer::self_signed(params, KeyPair::generate().unwrap()).unwrap();
        std::fs::write(dir.join(format!("{name}.pem")), ca.pem()).unwrap();
        ca
    }

    fn leaf(&self, ca: &CertifiedIssuer<'_, KeyPair>, name: &str, sans: &[&str], server: bool) {
        let mut params =
            CertificateParams::new(sans.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap();
        params.distinguished_name.push(DnType::CommonName, name);
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        params.extended_key_usages = vec![if server {
            ExtendedKeyUsagePurpose::ServerAuth
        } else {
            ExtendedKeyUsagePurpose::ClientAuth
        }];
        let key = KeyPair::generate().unwrap();
        let cert = params.signed_by(&key, ca).unwrap();
        std::fs::write(self.path(&format!("{name}.pem")), cert.pem()).unwrap();
        std::fs::write(self.path(&format!("{name}.key")), key.serialize_pem()).unwrap();
    }
}

impl Drop for Pki {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
