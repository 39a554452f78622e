//! The `alicr-emulator` binary: parses flags, starts the emulator, prints its URL as the first
//! stdout line and serves until Ctrl-C or SIGTERM. Logs go to stderr.

use std::io::Write as _;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use alicr_emulator::{Emulator, EmulatorConfig, Realism, Seed};
use clap::Parser;
use tracing_subscriber::EnvFilter;

/// A local Alibaba Cloud Container Registry EE API for alicr's demo and tests.
#[derive(Debug, Parser)]
#[command(name = "alicr-emulator", version)]
struct Cli {
    /// Loopback address to listen on; port 0 picks a free port.
    #[arg(long, default_value = "127.0.0.1:0")]
    listen: SocketAddr,
    /// Directory for the SQLite state; without it, state lives in memory until exit.
    #[arg(long)]
    data: Option<PathBuf>,
    /// Seed TOML file written into a new state database (default: the built-in demo seed).
    #[arg(long)]
    seed: Option<PathBuf>,
    /// Delay added to every API call, in milliseconds.
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
    /// Share of API calls rejected with Throttling.User (0.0 to 1.0).
    #[arg(long, default_value_t = 0.0)]
    throttle_rate: f64,
    /// Share of API calls failed with ServiceUnavailable 503 (0.0 to 1.0).
    #[arg(long, default_value_t = 0.0)]
    server_error_rate: f64,
    /// Share of API calls whose connection is closed before anything happens (0.0 to 1.0).
    #[arg(long, default_value_t = 0.0)]
    drop_rate: f64,
    /// Share of API calls applied and then left without a response (0.0 to 1.0).
    #[arg(long, default_value_t = 0.0)]
    lost_response_rate: f64,
    /// How long new objects stay invisible to Get/List calls, in milliseconds.
    #[arg(long, default_value_t = 0)]
    read_lag_ms: u64,
    /// How long a VPC build link stays CREATING, in milliseconds.
    #[arg(long, default_value_t = Realism::default().link_create_ms)]
    link_create_ms: u64,
    /// How long a deleted VPC build link stays DELETING, in milliseconds.
    #[arg(long, default_value_t = Realism::default().link_delete_ms)]
    link_delete_ms: u64,
    /// How long a build stays PENDING, in milliseconds.
    #[arg(long, default_value_t = Realism::default().build_pending_ms)]
    build_pending_ms: u64,
    /// How long a build stays BUILDING, in milliseconds.
    #[arg(long, default_value_t = Realism::default().build_running_ms)]
    build_running_ms: u64,
}

impl Cli {
    fn realism(&self) -> Realism {
        Realism {
            latency_ms: self.latency_ms,
            throttle_rate: self.throttle_rate,
            server_error_rate: self.server_error_rate,
            drop_rate: self.drop_rate,
            lost_response_rate: self.lost_response_rate,
            read_lag_ms: self.read_lag_ms,
            link_create_ms: self.link_create_ms,
            link_delete_ms: self.link_delete_ms,
            build_pending_ms: self.build_pending_ms,
            build_running_ms: self.build_running_ms,
            ..Realism::default()
        }
    }

    fn seed(&self) -> anyhow::Result<Seed> {
        let Some(path) = &self.seed else {
            return Ok(Seed::default_seed());
        };
        let text = std::fs::read_to_string(path).map_err(|err| {
            anyhow::anyhow!("cannot read the seed file {}: {err}", path.display())
        })?;
        Seed::from_toml_str(&text)
            .map_err(|err| anyhow::anyhow!("seed file {}: {err}", path.display()))
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let config = EmulatorConfig {
        listen: cli.listen,
        data_dir: cli.data.clone(),
        seed: cli.seed()?,
        realism: cli.realism(),
    };
    let emulator = Emulator::start(config).await?;
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{}", emulator.url())?;
    stdout.flush()?;
    drop(stdout);
    wait_for_signal().await;
    emulator.shutdown().await;
    Ok(())
}

async fn wait_for_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(term) => term,
                Err(_) => {
                    let _ = ctrl_c.await;
                    return;
                }
            };
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        // Colour codes only for a terminal; a redirected log stays plain text.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("alicr-emulator: cannot start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!("{err:#}");
            eprintln!("alicr-emulator: {err:#}");
            ExitCode::FAILURE
        }
    }
}
