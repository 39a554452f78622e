//! Starting and stopping an emulator: `EmulatorConfig`, `Emulator::start` and the
//! `RunningEmulator` handle that tests and the binary hold.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use thiserror::Error;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use tracing::info;

use crate::admin::Admin;
use crate::app::App;
use crate::ids;
use crate::realism::Realism;
use crate::seed::Seed;
use crate::server;
use crate::store::{Db, StoreError};
use crate::wire::ApiError;

/// How to run an emulator.
#[derive(Debug, Clone)]
pub struct EmulatorConfig {
    /// The loopback address to listen on; port 0 picks a free port.
    pub listen: SocketAddr,
    /// Directory of the SQLite state; `None` keeps state in memory for the process.
    pub data_dir: Option<PathBuf>,
    /// The objects written into a new database.
    pub seed: Seed,
    /// Faults, lag and asynchronous durations.
    pub realism: Realism,
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        EmulatorConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            data_dir: None,
            seed: Seed::default_seed(),
            realism: Realism::default(),
        }
    }
}

/// A failure starting the emulator.
#[derive(Debug, Error)]
pub enum EmulatorError {
    #[error("listen address {0} is not a loopback address; alicr-emulator only listens on 127.0.0.0/8 or ::1")]
    NotLoopback(SocketAddr),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot write the seed into the state database: {0}")]
    Seed(ApiError),
    #[error("invalid realism settings: {0}")]
    Realism(String),
}

/// Entry point for starting emulators.
#[derive(Debug)]
pub struct Emulator;

impl Emulator {
    /// Opens the state, writes the seed into a new database, binds the listener and serves in a
    /// background task.
    pub async fn start(config: EmulatorConfig) -> Result<RunningEmulator, EmulatorError> {
        if !config.listen.ip().is_loopback() {
            return Err(EmulatorError::NotLoopback(config.listen));
        }
        config.realism.validate().map_err(EmulatorError::Realism)?;
        let db = Db::open(config.data_dir.as_deref())?;
        let seeded = seed_if_new(&db, &config.seed).map_err(EmulatorError::Seed)?;
        let listener =
            TcpListener::bind(config.listen)
                .await
                .map_err(|source| EmulatorError::Bind {
                    addr: config.listen,
                    source,
                })?;
        let addr = listener
            .local_addr()
            .map_err(|source| EmulatorError::Bind {
                addr: config.listen,
                source,
            })?;
        let app = Arc::new(App::new(db, config.seed, config.realism));
        let shutdown = CancellationToken::new();
        let task = tokio::spawn(server::serve(listener, app.clone(), shutdown.clone()));
        info!(%addr, seeded, data_dir = ?config.data_dir, "alicr-emulator listening");
        Ok(RunningEmulator {
            addr,
            admin: Admin::new(app),
            shutdown,
            task: Some(task),
        })
    }
}

/// Writes the seed unless the database was seeded before; returns whether it wrote it.
fn seed_if_new(db: &Db, seed: &Seed) -> Result<bool, ApiError> {
    let now = ids::now_ms();
    db.transact(None, |tx| {
        if tx.meta("seeded_at_ms")?.is_some() {
            return Ok(false);
        }
        seed.apply(tx, now)?;
        tx.set_meta("seeded_at_ms", &now.to_string())?;
        Ok(true)
    })
}

/// A serving emulator. Dropping it stops the server without waiting; `shutdown` waits.
#[derive(Debug)]
pub struct RunningEmulator {
    addr: SocketAddr,
    admin: Admin,
    shutdown: CancellationToken,
    task: Option<JoinHandle<()>>,
}

impl RunningEmulator {
    /// The base URL of the API and admin endpoints, such as `http://127.0.0.1:40123`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The bound socket address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The admin handle: realism, request counts, console actions, build failures.
    pub fn admin(&self) -> Admin {
        self.admin.clone()
    }

    /// Stops accepting, closes open connections and waits for the server task to end.
    pub async fn shutdown(mut self) {
        self.shutdown.cancel();
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
        info!(addr = %self.addr, "alicr-emulator stopped");
    }
}

impl Drop for RunningEmulator {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}
