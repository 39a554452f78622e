//! Helpers shared by the integration tests: the corner provider binary, a
//! plugin process started the way Terraform starts it, and a gRPC client
//! built from tonic's generic client (the crate generates server code only).

#![allow(dead_code)]

pub mod terraform;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;

use alicr_protocol::handshake::MAGIC_COOKIE_VALUE;
use base64::Engine;
use http::uri::PathAndQuery;
use hyper_util::rt::TokioIo;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use tokio::net::UnixStream;
use tonic::transport::{Channel, Endpoint, Uri};

/// Path of the corner provider example, built by `cargo test` next to the test binaries.
pub fn corner_binary() -> PathBuf {
    let exe = std::env::current_exe().unwrap_or_else(|e| panic!("current_exe: {e}"));
    let target_dir = exe
        .parent()
        .and_then(Path::parent)
        .unwrap_or_else(|| panic!("test binary {} has no target dir", exe.display()));
    let binary = target_dir
        .join("examples")
        .join("terraform-provider-corner");
    assert!(
        binary.exists(),
        "{} is missing; build it with `cargo build -p alicr-protocol --examples` \
         (plain `cargo test -p alicr-protocol` builds it too)",
        binary.display()
    );
    binary
}

/// The parsed go-plugin handshake line.
#[derive(Debug)]
pub struct Handshake {
    pub fields: Vec<String>,
    pub socket: PathBuf,
    pub certificate_base64: String,
}

impl Handshake {
    pub fn parse(line: &str) -> Handshake {
        let fields: Vec<String> = line.trim_end().split('|').map(str::to_string).collect();
        assert_eq!(
            fields.len(),
            6,
            "handshake line {line:?} must have 6 fields"
        );
        Handshake {
            socket: PathBuf::from(&fields[3]),
            certificate_base64: fields[5].clone(),
            fields,
        }
    }

    pub fn certificate_der(&self) -> Vec<u8> {
        base64::engine::general_purpose::STANDARD_NO_PAD
            .decode(&self.certificate_base64)
            .unwrap_or_else(|e| panic!("certificate is not unpadded base64: {e}"))
    }
}

/// A plugin process started as Terraform starts it.
pub struct Plugin {
    pub child: Child,
    pub handshake: Handshake,
    pub socket_dir: tempfile::TempDir,
}

impl Drop for Plugin {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts the corner provider with the go-plugin environment and reads its
/// handshake line. `client_cert_pem` turns on AutoMTLS.
pub fn start_plugin(client_cert_pem: Option<&str>) -> Plugin {
    let socket_dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let mut command = Command::new(corner_binary());
    command
        .env_clear()
        .env("TF_PLUGIN_MAGIC_COOKIE", MAGIC_COOKIE_VALUE)
        .env("PLUGIN_PROTOCOL_VERSIONS", "5,6")
        .env("PLUGIN_UNIX_SOCKET_DIR", socket_dir.path())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    if let Some(pem) = client_cert_pem {
        command.env("PLUGIN_CLIENT_CERT", pem);
    }
    let mut child = command
        .spawn()
        .unwrap_or_else(|e| panic!("spawn corner provider: {e}"));
    let stdout = child
        .stdout
        .take()
        .unwrap_or_else(|| panic!("no stdout pipe"));
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .unwrap_or_else(|e| panic!("read handshake: {e}"));
    Plugin {
        child,
        handshake: Handshake::parse(&line),
        socket_dir,
    }
}

/// A client identity like Terraform's: ECDSA P-521 with SHA-512, CA flag,
/// clientAuth and serverAuth usages, SAN `localhost`.
pub struct ClientIdentity {
    pub pem: String,
    pub certificate: CertificateDer<'static>,
    pub key: PrivateKeyDer<'static>,
}

pub fn terraform_like_identity() -> ClientIdentity {
    let key_pair = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P521_SHA512)
        .unwrap_or_else(|e| panic!("generate P-521 key: {e}"));
    let mut params = rcgen::CertificateParams::new(vec!["localhost".to_string()])
        .unwrap_or_else(|e| panic!("params: {e}"));
    params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    params.extended_key_usages = vec![
        rcgen::ExtendedKeyUsagePurpose::ClientAuth,
        rcgen::ExtendedKeyUsagePurpose::ServerAuth,
    ];
    let certificate = params
        .self_signed(&key_pair)
        .unwrap_or_else(|e| panic!("sign: {e}"));
    ClientIdentity {
        pem: certificate.pem(),
        certificate: certificate.der().clone(),
        key: PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key_pair.serialize_der())),
    }
}

/// Trusts exactly one server certificate, as go-plugin's client does with the
/// certificate from the handshake line.
#[derive(Debug)]
struct PinnedServer {
    certificate: Vec<u8>,
    provider: Arc<rustls::crypto::CryptoProvider>,
}

impl ServerCertVerifier for PinnedServer {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _: &[CertificateDer<'_>],
        _: &ServerName<'_>,
        _: &[u8],
        _: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if end_entity.as_ref() == self.certificate.as_slice() {
            Ok(ServerCertVerified::assertion())
        } else {
            Err(rustls::Error::General(
                "server certificate differs from the handshake".into(),
            ))
        }
    }

    fn verify_tls12_signature(
        &self,
        m: &[u8],
        c: &CertificateDer<'_>,
        d: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            m,
            c,
            d,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        m: &[u8],
        c: &CertificateDer<'_>,
        d: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            m,
            c,
            d,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// Connects over the unix socket, with TLS when `tls` holds the server
/// certificate and the client identity.
pub async fn connect(socket: &Path, tls: Option<(Vec<u8>, &ClientIdentity)>) -> Channel {
    try_connect(socket, tls)
        .await
        .unwrap_or_else(|e| panic!("connect to plugin: {e:?}"))
}

/// Like [`connect`], returning the error of a refused connection.
pub async fn try_connect(
    socket: &Path,
    tls: Option<(Vec<u8>, &ClientIdentity)>,
) -> Result<Channel, tonic::transport::Error> {
    let socket = socket.to_path_buf();
    let tls_config = tls.map(|(server_der, identity)| {
        let provider = alicr_protocol::tls::crypto_provider();
        let verifier = PinnedServer {
            certificate: server_der,
            provider: provider.clone(),
        };
        let mut config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap_or_else(|e| panic!("tls versions: {e}"))
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(verifier))
            .with_client_auth_cert(vec![identity.certificate.clone()], identity.key.clone_key())
            .unwrap_or_else(|e| panic!("client auth: {e}"));
        config.alpn_protocols = vec![b"h2".to_vec()];
        Arc::new(config)
    });
    let connector = tower::service_fn(move |_: Uri| {
        let socket = socket.clone();
        let tls_config = tls_config.clone();
        async move {
            let stream = UnixStream::connect(&socket).await?;
            let io: Box<dyn IoStream> = match tls_config {
                Some(config) => {
                    let name = ServerName::try_from("localhost").map_err(std::io::Error::other)?;
                    Box::new(
                        tokio_rustls::TlsConnector::from(config)
                            .connect(name, stream)
                            .await?,
                    )
                }
                None => Box::new(stream),
            };
            Ok::<_, std::io::Error>(TokioIo::new(io))
        }
    });
    Endpoint::from_static("http://localhost")
        .connect_with_connector(connector)
        .await
}

pub trait IoStream: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send {}
impl<T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send> IoStream for T {}

/// Calls one unary RPC by its path, such as `/tfplugin6.Provider/GetProviderSchema`.
pub async fn unary<Req, Resp>(
    channel: &Channel,
    path: &'static str,
    request: Req,
) -> Result<Resp, tonic::Status>
where
    Req: prost::Message + Send + Sync + 'static,
    Resp: prost::Message + Default + Send + Sync + 'static,
{
    let mut grpc = tonic::client::Grpc::new(channel.clone());
    grpc.ready()
        .await
        .map_err(|e| tonic::Status::unavailable(e.to_string()))?;
    let codec = tonic_prost::ProstCodec::<Req, Resp>::default();
    grpc.unary(
        tonic::Request::new(request),
        PathAndQuery::from_static(path),
        codec,
    )
    .await
    .map(tonic::Response::into_inner)
}
