//! The unix socket the plugin serves on: a fresh path in
//! `PLUGIN_UNIX_SOCKET_DIR` or the system temp dir, removed when the plugin
//! stops, and the streams of accepted connections (plaintext or TLS) that the
//! gRPC server reads.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::ServerConfig;
use tokio::net::{UnixListener, UnixStream};
use tokio::sync::mpsc;
use tokio_rustls::server::TlsStream;
use tokio_stream::wrappers::{ReceiverStream, UnixListenerStream};
use tokio_util::sync::CancellationToken;

/// Environment variable go-plugin hosts may set to choose the socket directory.
pub const SOCKET_DIR_KEY: &str = "PLUGIN_UNIX_SOCKET_DIR";

/// How many finished TLS handshakes may wait for the server to pick them up.
const ACCEPT_BACKLOG: usize = 16;

/// A bound unix socket whose path is removed on drop.
#[derive(Debug)]
pub struct PluginSocket {
    listener: tempfile::NamedTempFile<UnixListener>,
}

impl PluginSocket {
    /// Binds a new socket named `plugin…` in `dir`, or in the temp dir when
    /// `dir` is `None`.
    // NOTE: PLUGIN_UNIX_SOCKET_GROUP is not honoured; Terraform never sets it.
    pub fn bind(dir: Option<&Path>) -> io::Result<PluginSocket> {
        let dir = dir.map_or_else(std::env::temp_dir, Path::to_path_buf);
        let listener = tempfile::Builder::new()
            .prefix("plugin")
            .make_in(&dir, |path| UnixListener::bind(path))?;
        Ok(PluginSocket { listener })
    }

    pub fn path(&self) -> &Path {
        self.listener.path()
    }

    /// Returns a copy of the path, for messages printed after the socket moved.
    pub fn path_buf(&self) -> PathBuf {
        self.path().to_path_buf()
    }

    /// Splits the socket into its connection stream and a guard that removes
    /// the path when dropped.
    pub fn into_parts(self) -> (UnixListenerStream, SocketPathGuard) {
        let (listener, path) = self.listener.into_parts();
        (UnixListenerStream::new(listener), SocketPathGuard(path))
    }
}

/// Removes the socket path when dropped.
#[derive(Debug)]
pub struct SocketPathGuard(#[allow(dead_code)] tempfile::TempPath);

/// Accepts connections on `listener` and completes the TLS handshake of each
/// one in its own task, so one slow or failing client cannot hold up others.
/// Failed handshakes are logged and dropped. The stream ends when `shutdown`
/// is cancelled.
pub fn tls_incoming(
    mut listener: UnixListenerStream,
    config: Arc<ServerConfig>,
    shutdown: CancellationToken,
) -> ReceiverStream<io::Result<TlsStream<UnixStream>>> {
    use futures::StreamExt;

    let (sender, receiver) = mpsc::channel(ACCEPT_BACKLOG);
    let acceptor = tokio_rustls::TlsAcceptor::from(config);
    tokio::spawn(async move {
        loop {
            let connection = tokio::select! {
                _ = shutdown.cancelled() => break,
                next = listener.next() => next,
            };
            let stream = match connection {
                Some(Ok(stream)) => stream,
                Some(Err(error)) => {
                    tracing::warn!(%error, "Failed to accept a connection on the plugin socket");
                    continue;
                }
                None => break,
            };
            let acceptor = acceptor.clone();
            let sender = sender.clone();
            tokio::spawn(async move {
                match acceptor.accept(stream).await {
                    Ok(tls) => {
                        // A closed channel means the server stopped, so
                        // the connection is dropped with it.
                        let _ = sender.send(Ok(tls)).await;
                    }
                    Err(error) => tracing::warn!(%error, "TLS handshake with Terraform failed"),
                }
            });
        }
    });
    ReceiverStream::new(receiver)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn socket_in_given_dir() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        let socket = PluginSocket::bind(Some(dir.path())).unwrap_or_else(|e| panic!("bind: {e}"));
        assert_eq!(socket.path().parent(), Some(dir.path()));
    }

    #[tokio::test]
    async fn socket_removed_on_drop() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        let socket = PluginSocket::bind(Some(dir.path())).unwrap_or_else(|e| panic!("bind: {e}"));
        let path = socket.path_buf();
        let (_incoming, guard) = socket.into_parts();
        assert!(path.exists());
        drop(guard);
        assert!(!path.exists());
    }
}
