//! [`serve`]: runs a provider as a go-plugin process. It checks the
//! environment Terraform sets, binds the unix socket, sets up AutoMTLS when
//! Terraform requests it, prints the handshake line, and serves until
//! `GRPCController.Shutdown` (or SIGTERM). SIGINT is ignored, because Terraform
//! sends its own Ctrl-C to the whole process group and then calls
//! StopProvider itself.
//!
//! In debug mode the process serves plaintext for Terraform to attach to via
//! `TF_REATTACH_PROVIDERS`, and runs until SIGINT or SIGTERM.
//!
//! Every way of stopping that this module handles (Shutdown, SIGTERM, and
//! SIGINT in debug mode) returns from [`serve`], which removes the socket.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use alicr_framework::server::ProviderServer;
use tokio::signal::unix::{signal, SignalKind};
use tokio_util::sync::CancellationToken;
use tonic::transport::server::Router;

use crate::handshake::{self, HandshakeError};
use crate::listener::{self, PluginSocket};
use crate::plugin_services::{Broker, Controller, Stdio};
use crate::proto::plugin::{
    grpc_broker_server::GrpcBrokerServer, grpc_controller_server::GrpcControllerServer,
    grpc_stdio_server::GrpcStdioServer,
};
use crate::proto::tfplugin6::provider_server::ProviderServer as ProviderGrpcServer;
use crate::service::ProviderService;
use crate::tls::{self, TlsError};

/// Largest gRPC message accepted or sent, as in HashiCorp's Go SDKs. tonic's
/// 4 MiB default is too small for large configurations and states.
pub const MAX_MESSAGE_SIZE: usize = 256 * 1024 * 1024;

/// How long open connections get to finish after Shutdown before the process
/// exits anyway. Terraform kills the plugin 2 s after calling Shutdown.
const SHUTDOWN_GRACE: Duration = Duration::from_millis(250);

/// Options of the provider process.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The provider's source address, such as `registry.terraform.io/alicr/alicr`;
    /// used as the key of `TF_REATTACH_PROVIDERS` in debug mode.
    pub provider_address: String,
    /// Serve plaintext for `TF_REATTACH_PROVIDERS` instead of the go-plugin handshake.
    pub debug: bool,
}

impl ServeOptions {
    /// Options for `provider_address`, in debug mode when the process
    /// arguments contain `--debug`.
    pub fn from_args(provider_address: &str) -> ServeOptions {
        ServeOptions {
            provider_address: provider_address.to_string(),
            debug: std::env::args().skip(1).any(|arg| arg == "--debug"),
        }
    }
}

/// Error that stops the provider from serving.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error(transparent)]
    Handshake(#[from] HandshakeError),
    #[error("failed to create the plugin's unix socket in {dir}")]
    Socket {
        dir: String,
        #[source]
        source: std::io::Error,
    },
    #[error("failed to set up TLS for Terraform")]
    Tls(#[from] TlsError),
    #[error("failed to write the handshake to stdout")]
    Stdout(#[source] std::io::Error),
    #[error("failed to install a signal handler")]
    Signal(#[source] std::io::Error),
    #[error("the gRPC server failed")]
    Transport(#[from] tonic::transport::Error),
}

/// Turns the result of [`serve`] into the process exit code, printing an error
/// with its causes on one stderr line.
pub fn exit_code(result: Result<(), ServeError>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            let mut message = error.to_string();
            let mut source = std::error::Error::source(&error);
            while let Some(cause) = source {
                message.push_str(": ");
                message.push_str(&cause.to_string());
                source = cause.source();
            }
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

/// Serves `provider` as a Terraform plugin until Terraform shuts it down.
/// Must run inside a multi-threaded tokio runtime.
pub async fn serve(
    provider: Arc<dyn alicr_framework::Provider>,
    options: ServeOptions,
) -> Result<(), ServeError> {
    if !options.debug {
        handshake::check_magic_cookie(env(handshake::MAGIC_COOKIE_KEY).as_deref())?;
        handshake::check_protocol_versions(env("PLUGIN_PROTOCOL_VERSIONS").as_deref())?;
    }
    // The handshake line goes out as soon as the socket listens: Terraform's
    // connection waits in the backlog while the router is built.
    let shutdown = CancellationToken::new();
    let socket_dir = env(listener::SOCKET_DIR_KEY).map(PathBuf::from);
    let socket =
        PluginSocket::bind(socket_dir.as_deref()).map_err(|source| ServeError::Socket {
            dir: socket_dir
                .unwrap_or_else(std::env::temp_dir)
                .display()
                .to_string(),
            source,
        })?;
    let socket_path = socket.path_buf();
    let (incoming, _remove_socket_on_exit) = socket.into_parts();

    if options.debug {
        watch_signal(SignalKind::interrupt(), shutdown.clone(), true)?;
        watch_signal(SignalKind::terminate(), shutdown.clone(), true)?;
        let router = plugin_router(Arc::clone(&provider), &shutdown).await;
        print_reattach(&options.provider_address, &socket_path)?;
        let served = run(
            router.serve_with_incoming_shutdown(incoming, shutdown.clone().cancelled_owned()),
            &shutdown,
        )
        .await;
        if served.is_ok() {
            provider.shut_down();
        }
        return served;
    }

    watch_signal(SignalKind::interrupt(), shutdown.clone(), false)?;
    watch_signal(SignalKind::terminate(), shutdown.clone(), true)?;
    watch_parent();
    let served = match env("PLUGIN_CLIENT_CERT") {
        Some(client_cert_pem) => {
            let mtls = tls::auto_mtls(&client_cert_pem)?;
            let incoming = listener::tls_incoming(incoming, mtls.config, shutdown.clone());
            print_line(&handshake::handshake_line(
                &socket_path,
                Some(&mtls.certificate_der),
            ))?;
            let router = plugin_router(Arc::clone(&provider), &shutdown).await;
            let server =
                router.serve_with_incoming_shutdown(incoming, shutdown.clone().cancelled_owned());
            run(server, &shutdown).await
        }
        None => {
            print_line(&handshake::handshake_line(&socket_path, None))?;
            let router = plugin_router(Arc::clone(&provider), &shutdown).await;
            let server =
                router.serve_with_incoming_shutdown(incoming, shutdown.clone().cancelled_owned());
            run(server, &shutdown).await
        }
    };
    if served.is_ok() {
        provider.shut_down();
    }
    served
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|value| !value.is_empty())
}

/// Builds the gRPC router with every service Terraform's plugin client talks
/// to: tfplugin6, go-plugin's controller, stdio and broker, and health.
/// `shutdown` is cancelled by `GRPCController.Shutdown`. [`serve`] uses it;
/// tests serve it in-process.
pub async fn plugin_router(
    provider: Arc<dyn alicr_framework::Provider>,
    shutdown: &CancellationToken,
) -> Router {
    let framework = Arc::new(ProviderServer::new(provider));
    let provider_service = ProviderGrpcServer::new(ProviderService::new(framework))
        .max_decoding_message_size(MAX_MESSAGE_SIZE)
        .max_encoding_message_size(MAX_MESSAGE_SIZE);
    let (health_reporter, health_service) = tonic_health::server::health_reporter();
    // go-plugin pings the service named "plugin".
    health_reporter
        .set_service_status("plugin", tonic_health::ServingStatus::Serving)
        .await;
    tonic::transport::Server::builder()
        .add_service(provider_service)
        .add_service(GrpcControllerServer::new(Controller::new(shutdown.clone())))
        .add_service(GrpcStdioServer::new(Stdio::new(shutdown.clone())))
        .add_service(GrpcBrokerServer::new(Broker::new(shutdown.clone())))
        .add_service(health_service)
}

/// Runs the server until it fails or shutdown is requested. After the
/// request, connections get [`SHUTDOWN_GRACE`] to finish. Then this returns
/// regardless, so the process exits well before Terraform kills it.
async fn run(
    server: impl std::future::Future<Output = Result<(), tonic::transport::Error>>,
    shutdown: &CancellationToken,
) -> Result<(), ServeError> {
    let deadline = async {
        shutdown.cancelled().await;
        tokio::time::sleep(SHUTDOWN_GRACE).await;
    };
    tokio::select! {
        result = server => result?,
        () = deadline => tracing::debug!("Open connections did not close in time; exiting anyway"),
    }
    tracing::debug!("Plugin server stopped");
    Ok(())
}

/// How often the process checks that Terraform, its parent, still runs.
const PARENT_CHECK: Duration = Duration::from_millis(500);

/// Exits the process when Terraform dies without shutting it down (killed
/// with SIGKILL, say), instead of lingering as an orphan. The exit skips
/// [`alicr_framework::Provider::shut_down`], as if this process had been
/// killed too, because Terraform saved no state for the work in flight.
fn watch_parent() {
    let parent = std::os::unix::process::parent_id();
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(PARENT_CHECK);
        loop {
            ticks.tick().await;
            if std::os::unix::process::parent_id() != parent {
                tracing::warn!(
                    parent,
                    "Terraform exited without shutting the provider down; exiting"
                );
                std::process::exit(1);
            }
        }
    });
}

/// Handles `kind` from now on: the default action (terminating the process)
/// is replaced, and when `stops` is true the signal requests shutdown.
fn watch_signal(
    kind: SignalKind,
    shutdown: CancellationToken,
    stops: bool,
) -> Result<(), ServeError> {
    let mut signals = signal(kind).map_err(ServeError::Signal)?;
    tokio::spawn(async move {
        while signals.recv().await.is_some() {
            if stops {
                tracing::debug!(signal = kind.as_raw_value(), "Stopping on signal");
                shutdown.cancel();
            } else {
                tracing::trace!(
                    signal = kind.as_raw_value(),
                    "Ignored signal; Terraform stops the provider itself"
                );
            }
        }
    });
    Ok(())
}

/// Writes one line to stdout and flushes it, so Terraform reads it at once.
fn print_line(line: &str) -> Result<(), ServeError> {
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{line}").map_err(ServeError::Stdout)?;
    stdout.flush().map_err(ServeError::Stdout)
}

/// Prints the debug-mode instructions for the person who started the process.
/// In debug mode stdout belongs to that person, not to Terraform.
fn print_reattach(provider_address: &str, socket: &std::path::Path) -> Result<(), ServeError> {
    let config = handshake::reattach_config(provider_address, std::process::id(), socket);
    let quoted = handshake::shell_single_quote(&config.to_string());
    print_line(&format!(
        "Provider started in debug mode. To attach Terraform, set this environment variable \
         in the shell where you run terraform (stop the provider with Ctrl-C):\n\n\
         \tTF_REATTACH_PROVIDERS={quoted}\n"
    ))
}
