//! Durable state: a restart keeps objects and asynchronous states, the seed is written only
//! into a new database, and a SIGKILL during a burst of writes loses no acknowledged write and
//! leaves a consistent database. Also checks the binary's start-up contract.

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use alicr_emulator::{Emulator, EmulatorConfig, Realism, RunningEmulator};
use common::*;

async fn start_in(dir: &Path, realism: Realism) -> RunningEmulator {
    let config = EmulatorConfig {
        data_dir: Some(dir.to_path_buf()),
        realism,
        ..EmulatorConfig::default()
    };
    Emulator::start(config)
        .await
        .unwrap_or_else(|err| panic!("emulator did not start: {err}"))
}

fn temp_dir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap_or_else(|err| panic!("no temp dir: {err}"))
}

#[tokio::test]
async fn restart_keeps_objects() {
    let dir = temp_dir();
    let first = start_in(dir.path(), Realism::instant()).await;
    let caller = Caller::demo(&first);
    let created = caller
        .cr(
            "CreateRepository",
            &[
                ("InstanceId", INSTANCE),
                ("RepoNamespaceName", "demo"),
                ("RepoName", "kept"),
                ("RepoType", "PRIVATE"),
                ("Summary", "s"),
            ],
        )
        .await;
    caller
        .cr(
            "DeleteRepository",
            &[("InstanceId", INSTANCE), ("RepoId", APP_REPO)],
        )
        .await;
    first.shutdown().await;

    let second = start_in(dir.path(), Realism::instant()).await;
    let caller = Caller::demo(&second);
    let kept = caller
        .cr(
            "GetRepository",
            &[("InstanceId", INSTANCE), ("RepoId", &created.str("RepoId"))],
        )
        .await;
    assert_eq!(kept.code(), "success");
    // The seed is not written again, so the deleted seeded repository stays deleted.
    let deleted = caller
        .cr(
            "GetRepository",
            &[("InstanceId", INSTANCE), ("RepoId", APP_REPO)],
        )
        .await;
    assert_eq!(deleted.code(), "REPO_NOT_EXIST");
}

#[tokio::test]
async fn restart_keeps_link_state() {
    let dir = temp_dir();
    let slow = Realism {
        link_create_ms: 600_000,
        ..Realism::instant()
    };
    let first = start_in(dir.path(), slow.clone()).await;
    let link = Caller::demo(&first)
        .cr(
            "CreateBuildVpcLink",
            &[
                ("InstanceId", INSTANCE),
                ("VpcId", "vpc-bp1demo00000000000001"),
                ("VswitchId", "vsw-bp1demoh0000000000001"),
                ("GitLabIp", "192.168.1.10"),
            ],
        )
        .await
        .str("LinkId");
    first.shutdown().await;
    // The ready time was stored at create, so a faster setting now does not finish the link.
    let second = start_in(dir.path(), Realism::instant()).await;
    let got = Caller::demo(&second)
        .cr(
            "GetBuildVpcLink",
            &[("InstanceId", INSTANCE), ("LinkId", &link)],
        )
        .await;
    assert_eq!(got.str("Status"), "CREATING");
}

/// Spawns the binary and returns it with the URL from its first stdout line.
fn spawn_binary(args: &[&str]) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_alicr-emulator"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|err| panic!("cannot spawn alicr-emulator: {err}"));
    let stdout = child
        .stdout
        .take()
        .unwrap_or_else(|| panic!("no stdout pipe"));
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .unwrap_or_else(|err| panic!("no URL line: {err}"));
    (child, line.trim().to_string())
}

fn caller_for(url: &str) -> Caller {
    Caller {
        http: reqwest::Client::new(),
        url: url.to_string(),
        ak: DEMO_AK.into(),
        secret: DEMO_SECRET.into(),
        token: None,
    }
}

#[tokio::test]
async fn binary_prints_url_first() {
    let (mut child, url) = spawn_binary(&["--listen", "127.0.0.1:0"]);
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let reply = caller_for(&url)
        .cr("GetInstance", &[("InstanceId", INSTANCE)])
        .await;
    assert_eq!(reply.code(), "success");
    let _ = child.kill();
    let _ = child.wait();
}

#[test]
fn binary_rejects_public_listen() {
    let output = Command::new(env!("CARGO_BIN_EXE_alicr-emulator"))
        .args(["--listen", "0.0.0.0:0"])
        .output()
        .unwrap_or_else(|err| panic!("cannot run alicr-emulator: {err}"));
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("not a loopback address"));
}

#[tokio::test]
async fn kill_mid_write_consistent() {
    let dir = temp_dir();
    let data = dir.path().to_string_lossy().to_string();
    let (mut child, url) = spawn_binary(&["--data", &data]);
    let caller = caller_for(&url);
    let (acked_tx, mut acked_rx) = tokio::sync::mpsc::unbounded_channel::<String>();
    let mut writers = Vec::new();
    for worker in 0..4 {
        let caller = caller.clone();
        let acked_tx = acked_tx.clone();
        writers.push(tokio::spawn(async move {
            for i in 0..200 {
                let name = format!("burst-{worker}-{i}");
                let params = [
                    ("InstanceId", INSTANCE),
                    ("RepoNamespaceName", "demo"),
                    ("RepoName", name.as_str()),
                    ("RepoType", "PRIVATE"),
                    ("Summary", "s"),
                ];
                let mut form = caller.v1_params(CR, "CreateRepository", &params);
                sign_v1("POST", &mut form, DEMO_SECRET);
                let Ok(response) = caller
                    .http
                    .post(format!("{}/", caller.url))
                    .form(&form)
                    .send()
                    .await
                else {
                    return;
                };
                let body: serde_json::Value = response.json().await.unwrap_or_default();
                if body["Code"] == "success" && acked_tx.send(name).is_err() {
                    return;
                }
            }
        }));
    }
    drop(acked_tx);
    let mut acked = Vec::new();
    while let Some(name) = acked_rx.recv().await {
        acked.push(name);
        if acked.len() == 150 {
            // SIGKILL while the writers are still sending.
            let _ = child.kill();
        }
    }
    let _ = child.wait();
    for writer in writers {
        let _ = writer.await;
    }
    assert!(
        acked.len() >= 150,
        "only {} writes were acknowledged",
        acked.len()
    );

    let db = rusqlite::Connection::open(dir.path().join("alicr-emulator.sqlite3"))
        .unwrap_or_else(|err| panic!("cannot open the state database: {err}"));
    let integrity: String = db
        .query_row("PRAGMA integrity_check", [], |row| row.get(0))
        .unwrap_or_else(|err| panic!("integrity check failed to run: {err}"));
    assert_eq!(integrity, "ok");
    drop(db);

    let (mut child, url) = spawn_binary(&["--data", &data]);
    let caller = caller_for(&url);
    for name in &acked {
        let got = caller
            .cr(
                "GetRepository",
                &[
                    ("InstanceId", INSTANCE),
                    ("RepoNamespaceName", "demo"),
                    ("RepoName", name),
                ],
            )
            .await;
        assert_eq!(
            got.code(),
            "success",
            "acknowledged repository {name} was lost"
        );
    }
    let listed = caller
        .cr(
            "ListRepository",
            &[("InstanceId", INSTANCE), ("PageSize", "1")],
        )
        .await;
    let total: usize = listed.str("TotalCount").parse().unwrap_or(0);
    assert!(total >= acked.len() + 2);
    let _ = child.kill();
    let _ = child.wait();
}
