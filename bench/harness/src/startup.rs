//! Start-up benchmark: the time from `exec` to the first stdout line (the
//! go-plugin handshake line), for the provider without TLS, the provider with
//! AutoMTLS (`PLUGIN_CLIENT_CERT` set), and the `bench-floor` binary.

use std::io::{BufRead as _, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context as _};

use crate::stats::Samples;

/// The value Terraform puts in `TF_PLUGIN_MAGIC_COOKIE` for every provider.
const MAGIC_COOKIE: &str = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";

/// Start-up samples of the three programs, taken interleaved.
#[derive(Debug)]
pub struct StartupResult {
    pub floor: Samples,
    pub provider_plain: Samples,
    pub provider_tls: Samples,
}

/// The environment of one start.
#[derive(Debug, Clone, Copy)]
enum Mode {
    Floor,
    Plain,
    Tls,
}

/// Starts each program `runs` times, round-robin so that machine noise hits
/// all three alike, and records exec-to-first-line durations.
pub fn measure(provider: &Path, floor: &Path, runs: usize) -> anyhow::Result<StartupResult> {
    let scratch = tempfile::Builder::new()
        .prefix("alicr-bench-startup-")
        .tempdir()?;
    let client_cert = client_certificate_pem()?;
    let mut result = StartupResult {
        floor: Samples::default(),
        provider_plain: Samples::default(),
        provider_tls: Samples::default(),
    };
    // One unmeasured round fills the page cache.
    for mode in [Mode::Floor, Mode::Plain, Mode::Tls] {
        time_to_first_line(provider, floor, mode, scratch.path(), &client_cert)?;
    }
    for _ in 0..runs {
        result.floor.push(time_to_first_line(
            provider,
            floor,
            Mode::Floor,
            scratch.path(),
            &client_cert,
        )?);
        result.provider_plain.push(time_to_first_line(
            provider,
            floor,
            Mode::Plain,
            scratch.path(),
            &client_cert,
        )?);
        result.provider_tls.push(time_to_first_line(
            provider,
            floor,
            Mode::Tls,
            scratch.path(),
            &client_cert,
        )?);
    }
    Ok(result)
}

fn time_to_first_line(
    provider: &Path,
    floor: &Path,
    mode: Mode,
    tmp: &Path,
    client_cert: &str,
) -> anyhow::Result<Duration> {
    let program = match mode {
        Mode::Floor => floor,
        Mode::Plain | Mode::Tls => provider,
    };
    let mut command = Command::new(program);
    command
        .env_clear()
        .env("TF_PLUGIN_MAGIC_COOKIE", MAGIC_COOKIE)
        .env("PLUGIN_PROTOCOL_VERSIONS", "6")
        .env("TMPDIR", tmp)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    if let Mode::Tls = mode {
        command.env("PLUGIN_CLIENT_CERT", client_cert);
    }

    let started = Instant::now();
    let mut child = command
        .spawn()
        .with_context(|| format!("failed to start {}", program.display()))?;
    let stdout = child
        .stdout
        .take()
        .context("the child has no stdout pipe")?;
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line)?;
    let elapsed = started.elapsed();

    // The provider serves until killed; the floor has usually exited already.
    let _ = child.kill();
    let _ = child.wait();

    if !line.starts_with("1|6|unix|") {
        bail!(
            "{} printed {line:?} instead of a handshake line",
            program.display()
        );
    }
    let has_certificate = !line.trim_end().ends_with("|grpc|");
    if matches!(mode, Mode::Tls) && !has_certificate {
        bail!("the provider printed no server certificate although PLUGIN_CLIENT_CERT was set: {line:?}");
    }
    Ok(elapsed)
}

/// A self-signed client certificate in PEM, standing in for the one Terraform
/// generates for every plugin it starts.
fn client_certificate_pem() -> anyhow::Result<String> {
    let key = rcgen::KeyPair::generate()?;
    let params = rcgen::CertificateParams::new(vec!["localhost".to_string()])?;
    Ok(params.self_signed(&key)?.pem())
}
