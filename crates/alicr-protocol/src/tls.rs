//! go-plugin AutoMTLS: when Terraform sets `PLUGIN_CLIENT_CERT`, the plugin
//! serves TLS with a fresh self-signed certificate, prints that certificate in
//! the handshake line, and accepts only Terraform's client certificate.
//!
//! The client certificate is verified by pinning: the end-entity certificate
//! must be byte-for-byte the one in `PLUGIN_CLIENT_CERT`, and the handshake
//! signature is checked with the aws-lc-rs provider. Chain verification with
//! webpki does not work here, because go-plugin marks its client certificate
//! as a CA and webpki rejects a CA certificate used as an end entity.
//! Terraform's key is ECDSA P-521 with SHA-512, which aws-lc-rs verifies (ring
//! does not). Required client auth was tested against Terraform 1.11.4 by
//! this crate's end-to-end tests.

use std::sync::{Arc, Once};

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair,
    KeyUsagePurpose,
};
use rustls::client::danger::HandshakeSignatureValid;
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, UnixTime};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::{DigitallySignedStruct, DistinguishedName, ServerConfig, SignatureScheme};

/// ALPN protocol for gRPC. grpc-go 1.67 and later (Terraform 1.12 and later)
/// refuse TLS servers that do not negotiate it.
const ALPN_H2: &[u8] = b"h2";

/// How far in the past the certificate's validity starts, so a client whose
/// clock is slightly behind still accepts it.
const NOT_BEFORE_SKEW: time::Duration = time::Duration::seconds(30);

/// How long the certificate is valid. A plugin process lives for one
/// Terraform walk, so a day is plenty.
const VALIDITY: time::Duration = time::Duration::days(1);

/// Errors while preparing TLS.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("failed to generate the plugin's TLS certificate")]
    Certificate(#[source] rcgen::Error),
    #[error("PLUGIN_CLIENT_CERT contains no PEM certificate; Terraform sets it to its client certificate")]
    MissingClientCertificate,
    #[error("failed to parse PLUGIN_CLIENT_CERT as PEM")]
    ClientCertificatePem(#[source] std::io::Error),
    #[error("PLUGIN_CLIENT_CERT is not a valid X.509 certificate ({reason}); Terraform sets it to its client certificate")]
    InvalidClientCertificate { reason: String },
    #[error("failed to build the TLS server configuration")]
    Config(#[source] rustls::Error),
}

/// The TLS setup of one plugin process: the server configuration and the
/// certificate to print in the handshake line.
#[derive(Debug)]
pub struct AutoMtls {
    pub config: Arc<ServerConfig>,
    /// DER bytes of the server certificate.
    pub certificate_der: Vec<u8>,
}

/// Returns the crypto provider used for every TLS operation of this crate.
pub fn crypto_provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::aws_lc_rs::default_provider())
}

/// Installs aws-lc-rs as the process-wide rustls provider, once. When another
/// crate in the binary enables rustls' ring feature too, rustls cannot choose
/// one by itself and code that relies on the default would panic.
pub fn install_crypto_provider() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        // An error means another component already installed a provider,
        // which is just as good for the default. This crate passes its own
        // provider explicitly anyway.
        let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    });
}

/// Builds the server side of AutoMTLS from the PEM text of `PLUGIN_CLIENT_CERT`.
pub fn auto_mtls(client_cert_pem: &str) -> Result<AutoMtls, TlsError> {
    install_crypto_provider();
    let provider = crypto_provider();
    let client_certificate = parse_client_certificate(client_cert_pem)?;
    let (certificate, key) = generate_server_certificate()?;
    let certificate_der = certificate.to_vec();

    let verifier = PinnedClientCertificate {
        certificate: client_certificate,
        algorithms: provider.signature_verification_algorithms,
    };
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(TlsError::Config)?
        .with_client_cert_verifier(Arc::new(verifier))
        .with_single_cert(vec![certificate], key)
        .map_err(TlsError::Config)?;
    config.alpn_protocols = vec![ALPN_H2.to_vec()];
    Ok(AutoMtls {
        config: Arc::new(config),
        certificate_der,
    })
}

fn parse_client_certificate(pem: &str) -> Result<CertificateDer<'static>, TlsError> {
    let mut reader = pem.as_bytes();
    let first = rustls_pemfile::certs(&mut reader).next();
    let certificate = match first {
        Some(Ok(certificate)) => certificate,
        Some(Err(error)) => return Err(TlsError::ClientCertificatePem(error)),
        None => return Err(TlsError::MissingClientCertificate),
    };
    // A PEM wrapper around junk decodes fine, and the pinned verifier would then reject every
    // client, so the failure would show up only as a hung Terraform. Parsing the DER with the
    // same library that later checks the handshake signature catches it at startup.
    webpki::EndEntityCert::try_from(&certificate).map_err(|error| {
        TlsError::InvalidClientCertificate {
            reason: error.to_string(),
        }
    })?;
    Ok(certificate)
}

/// Generates a self-signed ECDSA P-256 certificate for `localhost`, with the
/// extensions go-plugin puts on its own. Those are the DNS SAN `localhost`,
/// the CA flag, and both serverAuth and clientAuth extended key usages. Go
/// rejects a certificate that names the host only in the CN.
pub fn generate_server_certificate(
) -> Result<(CertificateDer<'static>, PrivateKeyDer<'static>), TlsError> {
    let key_pair =
        KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).map_err(TlsError::Certificate)?;
    let mut params =
        CertificateParams::new(vec!["localhost".to_string()]).map_err(TlsError::Certificate)?;
    params
        .distinguished_name
        .push(DnType::CommonName, "localhost");
    params
        .distinguished_name
        .push(DnType::OrganizationName, "alicr");
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyEncipherment,
        KeyUsagePurpose::KeyAgreement,
        KeyUsagePurpose::KeyCertSign,
    ];
    params.extended_key_usages = vec![
        ExtendedKeyUsagePurpose::ServerAuth,
        ExtendedKeyUsagePurpose::ClientAuth,
    ];
    let now = time::OffsetDateTime::now_utc();
    params.not_before = now - NOT_BEFORE_SKEW;
    params.not_after = now + VALIDITY;

    let certificate = params
        .self_signed(&key_pair)
        .map_err(TlsError::Certificate)?;
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key_pair.serialize_der()));
    Ok((certificate.der().clone(), key))
}

/// Accepts exactly one client certificate, the one Terraform announced.
#[derive(Debug)]
struct PinnedClientCertificate {
    certificate: CertificateDer<'static>,
    algorithms: WebPkiSupportedAlgorithms,
}

impl ClientCertVerifier for PinnedClientCertificate {
    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        &[]
    }

    fn verify_client_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _now: UnixTime,
    ) -> Result<ClientCertVerified, rustls::Error> {
        if end_entity.as_ref() == self.certificate.as_ref() {
            Ok(ClientCertVerified::assertion())
        } else {
            tracing::warn!(
                "Rejected a TLS client whose certificate is not the one in PLUGIN_CLIENT_CERT"
            );
            Err(rustls::Error::InvalidCertificate(
                rustls::CertificateError::ApplicationVerificationFailure,
            ))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine as _;

    #[test]
    fn client_pem_without_certificate_rejected() {
        let result = parse_client_certificate("not a certificate");
        assert!(matches!(result, Err(TlsError::MissingClientCertificate)));
    }

    #[test]
    fn client_pem_with_junk_rejected() {
        let pem = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
        let result = parse_client_certificate(pem);
        assert!(
            matches!(result, Err(TlsError::InvalidClientCertificate { .. })),
            "{result:?}"
        );
    }

    #[test]
    fn client_pem_with_certificate_accepted() {
        let (certificate, _) =
            generate_server_certificate().unwrap_or_else(|e| panic!("generate: {e}"));
        let body = base64::engine::general_purpose::STANDARD.encode(certificate.as_ref());
        let pem = format!("-----BEGIN CERTIFICATE-----\n{body}\n-----END CERTIFICATE-----\n");
        let parsed = parse_client_certificate(&pem);
        assert_eq!(parsed.ok(), Some(certificate));
    }

    #[test]
    fn verifier_offers_p521() {
        let verifier = PinnedClientCertificate {
            certificate: CertificateDer::from(vec![1, 2, 3]),
            algorithms: crypto_provider().signature_verification_algorithms,
        };
        let schemes = verifier.supported_verify_schemes();
        assert!(schemes.contains(&SignatureScheme::ECDSA_NISTP521_SHA512));
    }

    #[test]
    fn verifier_rejects_other_certificate() {
        let verifier = PinnedClientCertificate {
            certificate: CertificateDer::from(vec![1, 2, 3]),
            algorithms: crypto_provider().signature_verification_algorithms,
        };
        let other = CertificateDer::from(vec![4, 5, 6]);
        let result = verifier.verify_client_cert(&other, &[], UnixTime::now());
        assert!(result.is_err());
    }

    #[test]
    fn verifier_accepts_pinned_certificate() {
        let verifier = PinnedClientCertificate {
            certificate: CertificateDer::from(vec![1, 2, 3]),
            algorithms: crypto_provider().signature_verification_algorithms,
        };
        let same = CertificateDer::from(vec![1, 2, 3]);
        assert!(verifier
            .verify_client_cert(&same, &[], UnixTime::now())
            .is_ok());
    }

    #[test]
    fn verifier_requires_client_auth() {
        let verifier = PinnedClientCertificate {
            certificate: CertificateDer::from(vec![1, 2, 3]),
            algorithms: crypto_provider().signature_verification_algorithms,
        };
        assert!(verifier.client_auth_mandatory());
    }
}
