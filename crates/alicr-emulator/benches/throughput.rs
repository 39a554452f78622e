//! Throughput of signed API calls: starts an in-memory emulator on loopback and sends a fixed
//! number of V1-signed `GetRepository` calls over keep-alive connections from concurrent
//! clients in the same process, then prints requests per second.
//!
//! Run with `cargo bench -p alicr-emulator --bench throughput`. The client shares the machine's
//! cores with the server, so the number is a lower bound for the server alone.

use std::time::Instant;

use alicr_emulator::{Emulator, EmulatorConfig, Realism};
use base64::Engine as _;
use hmac::{Hmac, Mac};

const REQUESTS: usize = 40_000;
const CLIENTS: usize = 32;

fn encode(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Builds a signed V1 form body for one `GetRepository` call.
fn signed_form(timestamp: &str) -> String {
    let nonce = uuid::Uuid::new_v4().simple().to_string();
    let mut params = [
        ("AccessKeyId", alicr_emulator::DEMO_ACCESS_KEY_ID),
        ("Action", "GetRepository"),
        ("Format", "JSON"),
        ("InstanceId", alicr_emulator::DEMO_INSTANCE_ID),
        ("RepoId", "crr-demoapp000000001"),
        ("SignatureMethod", "HMAC-SHA1"),
        ("SignatureNonce", nonce.as_str()),
        ("SignatureVersion", "1.0"),
        ("Timestamp", timestamp),
        ("Version", "2018-12-01"),
    ];
    params.sort();
    let canonical: Vec<String> = params
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect();
    let canonical = canonical.join("&");
    let to_sign = format!("POST&%2F&{}", encode(&canonical));
    let key = format!("{}&", alicr_emulator::DEMO_ACCESS_KEY_SECRET);
    let Ok(mut mac) = Hmac::<sha1::Sha1>::new_from_slice(key.as_bytes()) else {
        return canonical;
    };
    mac.update(to_sign.as_bytes());
    let signature = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    format!("{canonical}&Signature={}", encode(&signature))
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let config = EmulatorConfig {
        realism: Realism::instant(),
        ..EmulatorConfig::default()
    };
    let emulator = Emulator::start(config).await?;
    let url = format!("{}/", emulator.url());
    let format =
        time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    let timestamp = time::OffsetDateTime::now_utc().format(format)?;
    let http = reqwest::Client::new();
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..CLIENTS {
        let (http, url, timestamp) = (http.clone(), url.clone(), timestamp.clone());
        tasks.push(tokio::spawn(async move {
            let mut failures = 0usize;
            for _ in 0..REQUESTS / CLIENTS {
                let response = http
                    .post(&url)
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(signed_form(&timestamp))
                    .send()
                    .await;
                match response {
                    Ok(r) if r.status().is_success() => {
                        let _ = r.bytes().await;
                    }
                    _ => failures += 1,
                }
            }
            failures
        }));
    }
    let mut failures = 0;
    for task in tasks {
        failures += task.await?;
    }
    let elapsed = started.elapsed();
    let sent = REQUESTS / CLIENTS * CLIENTS;
    println!(
        "{sent} signed GetRepository calls from {CLIENTS} clients in {:.2} s: {:.0} requests/s, {failures} failures",
        elapsed.as_secs_f64(),
        sent as f64 / elapsed.as_secs_f64()
    );
    emulator.shutdown().await;
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(run())
}
