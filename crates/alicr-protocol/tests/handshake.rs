//! The go-plugin process contract, checked on the real corner provider binary:
//! handshake line, TLS with a Terraform-like P-521 client certificate,
//! Shutdown and signals, startup errors, and the message for people who run
//! the binary by hand.

mod common;

use std::process::{Command, ExitStatus};
use std::time::{Duration, Instant};

use alicr_protocol::handshake::MAGIC_COOKIE_VALUE;
use alicr_protocol::proto::plugin::Empty;
use alicr_protocol::proto::tfplugin6::get_provider_schema;
use common::{
    connect, corner_binary, start_plugin, terraform_like_identity, try_connect, unary, Plugin,
};

const GET_SCHEMA: &str = "/tfplugin6.Provider/GetProviderSchema";
const SHUTDOWN: &str = "/plugin.GRPCController/Shutdown";

/// Waits for the process to exit. The limit only keeps a broken build from
/// hanging the test run. It is not a speed requirement.
fn wait_exit(plugin: &mut Plugin) -> ExitStatus {
    let give_up = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(status) = plugin
            .child
            .try_wait()
            .unwrap_or_else(|e| panic!("wait: {e}"))
        {
            return status;
        }
        assert!(
            Instant::now() < give_up,
            "plugin did not exit after Shutdown"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

async fn schema_has_thing(channel: &tonic::transport::Channel) -> bool {
    let response: get_provider_schema::Response =
        unary(channel, GET_SCHEMA, get_provider_schema::Request {})
            .await
            .unwrap_or_else(|status| panic!("GetProviderSchema failed: {status}"));
    response.provider.is_some()
}

#[tokio::test]
async fn plaintext_handshake_and_schema() {
    let plugin = start_plugin(None);
    let fields = &plugin.handshake.fields;
    assert_eq!(fields[0], "1");
    assert_eq!(fields[1], "6");
    assert_eq!(fields[2], "unix");
    assert_eq!(fields[4], "grpc");
    assert_eq!(fields[5], "");
    assert!(plugin
        .handshake
        .socket
        .starts_with(plugin.socket_dir.path()));
    let channel = connect(&plugin.handshake.socket, None).await;
    assert!(schema_has_thing(&channel).await);
}

#[tokio::test]
async fn tls_handshake_and_schema() {
    let identity = terraform_like_identity();
    let plugin = start_plugin(Some(&identity.pem));
    assert!(!plugin.handshake.certificate_base64.is_empty());
    assert!(!plugin.handshake.certificate_base64.contains('='));
    let server_der = plugin.handshake.certificate_der();
    let channel = connect(&plugin.handshake.socket, Some((server_der, &identity))).await;
    assert!(schema_has_thing(&channel).await);
}

#[tokio::test]
async fn tls_rejects_other_client_certificate() {
    let announced = terraform_like_identity();
    let intruder = terraform_like_identity();
    let plugin = start_plugin(Some(&announced.pem));
    let server_der = plugin.handshake.certificate_der();
    // With TLS 1.3 the server's rejection reaches the client either while
    // connecting or with the first request.
    let rejected = match try_connect(&plugin.handshake.socket, Some((server_der, &intruder))).await
    {
        Err(_) => true,
        Ok(channel) => {
            let result: Result<get_provider_schema::Response, _> =
                unary(&channel, GET_SCHEMA, get_provider_schema::Request {}).await;
            result.is_err()
        }
    };
    assert!(rejected, "a client with another certificate was served");
}

#[tokio::test]
async fn shutdown_exits_process() {
    let mut plugin = start_plugin(None);
    let socket = plugin.handshake.socket.clone();
    let channel = connect(&socket, None).await;
    // The reply may be lost when the process exits first; Terraform ignores it too.
    let _: Result<Empty, _> = unary(&channel, SHUTDOWN, Empty {}).await;
    let status = wait_exit(&mut plugin);
    assert!(status.success(), "plugin exited with {status}");
    assert!(!socket.exists(), "socket {} left behind", socket.display());
}

#[tokio::test]
async fn sigint_is_ignored() {
    let plugin = start_plugin(None);
    let pid = plugin.child.id().to_string();
    let sent = Command::new("kill").args(["-INT", &pid]).status();
    assert!(
        sent.map(|s| s.success()).unwrap_or(false),
        "kill -INT failed"
    );
    let channel = connect(&plugin.handshake.socket, None).await;
    assert!(schema_has_thing(&channel).await);
}

fn send_signal(name: &str, pid: u32) {
    let sent = Command::new("kill")
        .args([format!("-{name}"), pid.to_string()])
        .status();
    assert!(
        sent.map(|s| s.success()).unwrap_or(false),
        "kill -{name} failed"
    );
}

#[tokio::test]
async fn sigterm_removes_socket() {
    let mut plugin = start_plugin(None);
    let socket = plugin.handshake.socket.clone();
    assert!(socket.exists(), "socket {} missing", socket.display());
    send_signal("TERM", plugin.child.id());
    let status = wait_exit(&mut plugin);
    assert!(status.success(), "plugin exited with {status}");
    assert!(!socket.exists(), "socket {} left behind", socket.display());
}

#[test]
fn junk_client_cert_fails() {
    use std::io::{BufRead, BufReader, Read};

    let socket_dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let mut child = Command::new(corner_binary())
        .env_clear()
        .env("TF_PLUGIN_MAGIC_COOKIE", MAGIC_COOKIE_VALUE)
        .env("PLUGIN_PROTOCOL_VERSIONS", "6")
        .env("PLUGIN_UNIX_SOCKET_DIR", socket_dir.path())
        .env(
            "PLUGIN_CLIENT_CERT",
            "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
        )
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("spawn corner provider: {e}"));
    // A plugin that accepted the certificate prints its handshake line and keeps
    // serving, so the first stdout line decides the test without waiting.
    let stdout = child.stdout.take().unwrap_or_else(|| panic!("no stdout"));
    let mut first_line = String::new();
    let _ = BufReader::new(stdout).read_line(&mut first_line);
    let _ = child.kill();
    let status = child.wait().unwrap_or_else(|e| panic!("wait: {e}"));
    let mut stderr = String::new();
    if let Some(mut pipe) = child.stderr.take() {
        let _ = pipe.read_to_string(&mut stderr);
    }

    assert_eq!(first_line, "", "the plugin served with a junk certificate");
    assert_eq!(status.code(), Some(1), "stderr: {stderr}");
    assert_eq!(stderr.lines().count(), 1, "stderr: {stderr}");
    assert!(stderr.contains("PLUGIN_CLIENT_CERT"), "stderr: {stderr}");
    let left: Vec<_> = std::fs::read_dir(socket_dir.path())
        .unwrap_or_else(|e| panic!("read socket dir: {e}"))
        .collect();
    assert!(left.is_empty(), "files left in the socket dir: {left:?}");
}

#[test]
fn no_cookie_explains_and_fails() {
    let output = Command::new(corner_binary())
        .env_clear()
        .output()
        .unwrap_or_else(|e| panic!("run corner provider: {e}"));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    assert_eq!(stderr.lines().count(), 1, "stderr: {stderr}");
    assert!(
        stderr.contains("is a plugin for Terraform"),
        "stderr: {stderr}"
    );
}

#[tokio::test]
async fn debug_mode_prints_reattach() {
    use std::io::{BufRead, BufReader};

    let mut child = Command::new(corner_binary())
        .arg("--debug")
        .env_clear()
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("spawn: {e}"));
    let stdout = child.stdout.take().unwrap_or_else(|| panic!("no stdout"));
    // The reader stays open until the end: closing the pipe early would make
    // the provider's next stdout write fail.
    let mut lines = BufReader::new(stdout).lines();
    let line = lines
        .by_ref()
        .map_while(Result::ok)
        .find(|line| line.contains("TF_REATTACH_PROVIDERS="))
        .unwrap_or_else(|| panic!("no TF_REATTACH_PROVIDERS line"));
    let json = line
        .split_once('=')
        .map(|(_, value)| value.trim().trim_matches('\''))
        .unwrap_or_default();
    let config: serde_json::Value =
        serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}: {json}"));
    let entry = &config["registry.terraform.io/alicr/corner"];
    assert_eq!(entry["Pid"], child.id());
    assert_eq!(entry["Test"], true);
    let socket = entry["Addr"]["String"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let channel = connect(std::path::Path::new(&socket), None).await;
    assert!(schema_has_thing(&channel).await);

    let pid = child.id().to_string();
    let _ = Command::new("kill").args(["-INT", &pid]).status();
    let status = child.wait().unwrap_or_else(|e| panic!("wait: {e}"));
    drop(lines);
    assert!(status.success(), "debug plugin exited with {status}");
}

#[test]
fn debug_sigterm_removes_socket() {
    use std::io::{BufRead, BufReader};

    let socket_dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let mut child = Command::new(corner_binary())
        .arg("--debug")
        .env_clear()
        .env("PLUGIN_UNIX_SOCKET_DIR", socket_dir.path())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("spawn: {e}"));
    let stdout = child.stdout.take().unwrap_or_else(|| panic!("no stdout"));
    let mut lines = BufReader::new(stdout).lines();
    let started = lines
        .by_ref()
        .map_while(Result::ok)
        .any(|line| line.contains("TF_REATTACH_PROVIDERS="));
    assert!(started, "no TF_REATTACH_PROVIDERS line");
    let socket_count = || {
        std::fs::read_dir(socket_dir.path())
            .unwrap_or_else(|e| panic!("read socket dir: {e}"))
            .count()
    };
    assert_eq!(socket_count(), 1);

    send_signal("TERM", child.id());
    let status = child.wait().unwrap_or_else(|e| panic!("wait: {e}"));
    drop(lines);
    assert!(status.success(), "debug plugin exited with {status}");
    assert_eq!(socket_count(), 0, "socket left behind after SIGTERM");
}

/// A plugin whose parent dies without calling Shutdown (as when Terraform is
/// killed) exits on its own instead of staying behind as an orphan.
#[test]
fn orphaned_plugin_exits() {
    // The shell starts the plugin in the background, prints its PID, and
    // exits a second later, once the plugin runs.
    let script = format!(
        "'{}' >/dev/null 2>&1 </dev/null & echo $!; sleep 1",
        corner_binary().display()
    );
    let output = Command::new("sh")
        .arg("-c")
        .arg(&script)
        .env("TF_PLUGIN_MAGIC_COOKIE", MAGIC_COOKIE_VALUE)
        .env("PLUGIN_PROTOCOL_VERSIONS", "6")
        .output()
        .unwrap_or_else(|e| panic!("sh: {e}"));
    let pid = String::from_utf8_lossy(&output.stdout).trim().to_string();
    assert!(!pid.is_empty(), "no PID printed");
    let proc_dir = std::path::PathBuf::from(format!("/proc/{pid}"));

    // The limit only keeps a broken build from hanging the test run.
    let give_up = Instant::now() + Duration::from_secs(20);
    while proc_dir.exists() && !is_zombie(&proc_dir) {
        assert!(
            Instant::now() < give_up,
            "orphaned plugin {pid} kept running"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn is_zombie(proc_dir: &std::path::Path) -> bool {
    std::fs::read_to_string(proc_dir.join("stat"))
        .map(|stat| {
            stat.rsplit(')')
                .next()
                .unwrap_or("")
                .trim_start()
                .starts_with('Z')
        })
        .unwrap_or(true)
}
