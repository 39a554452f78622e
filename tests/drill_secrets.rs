//! Secret scan drill: one full run (apply, refresh plan, destroy) with
//! `TF_LOG=trace`, using an access key secret, an STS token from an
//! `assume_role` provider and a GitLab token. Terraform's output, the state
//! files and any crash log must contain none of them, plain, URL-encoded or
//! base64-encoded.
//!
//! The STS token is issued by the emulator at run time, so the provider's STS
//! endpoint is a small recording proxy on loopback that reads it from the
//! AssumeRole response on its way to the provider.

mod drill_common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

use alicr_emulator::{
    Realism, DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET, SECOND_ACCOUNT_ROLE_ARN,
};
use drill_common::*;

/// A GitLab token with characters that URL and base64 encoding change.
const GITLAB_TOKEN: &str = "glpat-Drill/Secret+Token=42&x";

/// Reads one HTTP/1.1 message (head and a `Content-Length` body); `None` at
/// end of stream.
fn read_message(reader: &mut BufReader<TcpStream>) -> Option<Vec<u8>> {
    let mut message = Vec::new();
    let mut content_length = 0usize;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.trim().eq_ignore_ascii_case("content-length") {
                content_length = value.trim().parse().ok()?;
            }
        }
        message.extend_from_slice(line.as_bytes());
        if line == "\r\n" {
            break;
        }
    }
    let mut body = vec![0; content_length];
    reader.read_exact(&mut body).ok()?;
    message.extend_from_slice(&body);
    Some(message)
}

/// A loopback proxy to the emulator that keeps every response it relays.
struct Recorder {
    url: String,
    responses: Arc<Mutex<Vec<String>>>,
}

impl Recorder {
    fn start(upstream: String) -> Recorder {
        let listener = TcpListener::bind("127.0.0.1:0")
            .unwrap_or_else(|e| panic!("binding the recording proxy failed: {e}"));
        let url = format!(
            "http://{}",
            listener
                .local_addr()
                .unwrap_or_else(|e| panic!("proxy address: {e}"))
        );
        let responses = Arc::new(Mutex::new(Vec::new()));
        let kept = responses.clone();
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let upstream = upstream.clone();
                let kept = kept.clone();
                std::thread::spawn(move || relay(client, &upstream, &kept));
            }
        });
        Recorder { url, responses }
    }

    fn responses(&self) -> Vec<String> {
        self.responses.lock().map(|r| r.clone()).unwrap_or_default()
    }
}

fn relay(client: TcpStream, upstream: &str, kept: &Mutex<Vec<String>>) {
    let Ok(mut writer) = client.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(client);
    while let Some(request) = read_message(&mut reader) {
        let Ok(mut server) = TcpStream::connect(upstream) else {
            return;
        };
        if server.write_all(&request).is_err() {
            return;
        }
        let Some(response) = read_message(&mut BufReader::new(server)) else {
            return;
        };
        if let Ok(mut kept) = kept.lock() {
            kept.push(String::from_utf8_lossy(&response).into_owned());
        }
        if writer.write_all(&response).is_err() {
            return;
        }
    }
}

/// Returns the credentials AssumeRole sent through the proxy, as (name, value).
fn sts_secrets(recorder: &Recorder) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    for response in recorder.responses() {
        let Some((_, body)) = response.split_once("\r\n\r\n") else {
            continue;
        };
        let Ok(json) = serde_json::from_str::<serde_json::Value>(body) else {
            continue;
        };
        if let Some(token) = json["Credentials"]["SecurityToken"].as_str() {
            out.push(("STS security token", token.to_string()));
        }
        if let Some(secret) = json["Credentials"]["AccessKeySecret"].as_str() {
            out.push(("STS access key secret", secret.to_string()));
        }
    }
    out
}

fn config(url: &str, sts_proxy: &str) -> String {
    format!(
        r#"terraform {{
  required_providers {{
    alicr = {{ source = "alicr/alicr" }}
  }}
}}

variable "gitlab_token" {{
  type      = string
  sensitive = true
  ephemeral = true
}}

provider "alicr" {{
  region     = "cn-hangzhou"
  access_key = "{DEMO_ACCESS_KEY_ID}"
  secret_key = "{DEMO_ACCESS_KEY_SECRET}"
  endpoints {{
    cr  = "{url}"
    vpc = "{url}"
    sts = "{url}"
  }}
}}

provider "alicr" {{
  alias  = "shared"
  region = "cn-hangzhou"
  endpoints {{
    cr  = "{url}"
    vpc = "{url}"
    sts = "{sts_proxy}"
  }}
  assume_role {{
    role_arn     = "{SECOND_ACCOUNT_ROLE_ARN}"
    session_name = "secret-drill"
  }}
}}

resource "alicr_vpc_link" "demo" {{
  instance_id = "cri-demo000000000001"
  vpc_id      = "vpc-bp1demo00000000000001"
  vswitch_id  = "vsw-bp1demoh0000000000001"
  gitlab_ip   = "192.168.1.10"
}}

resource "alicr_gitlab_source" "demo" {{
  instance_id              = "cri-demo000000000001"
  network_type             = "VPC"
  vpc_link_id              = alicr_vpc_link.demo.link_id
  endpoint                 = "http://192.168.1.10"
  username                 = "build-bot"
  private_token_wo         = var.gitlab_token
  private_token_wo_version = 1
}}

resource "alicr_repo_source" "app" {{
  instance_id         = "cri-demo000000000001"
  repo_id             = "crr-demoapp000000001"
  code_repo_type      = "GITLAB"
  code_repo_namespace = "platform"
  code_repo_name      = "app"
  auto_build          = true
  oversea_build       = false
  depends_on          = [alicr_gitlab_source.demo]
}}

resource "alicr_build_rule" "app" {{
  instance_id = "cri-demo000000000001"
  repo_id     = alicr_repo_source.app.repo_id
  push_type   = "GIT_BRANCH"
  push_name   = "main"
  image_tag   = "latest"
}}

resource "alicr_vpc_link" "shared" {{
  provider    = alicr.shared
  instance_id = "cri-shared0000000001"
  vpc_id      = "vpc-bp1shared000000000001"
  vswitch_id  = "vsw-bp1sharedh00000000001"
  gitlab_ip   = "172.16.1.10"
}}
"#
    )
}

/// RFC 3986 percent-encoding of everything but unreserved characters.
fn percent_encode(text: &str, upper: bool) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.~".contains(&byte) {
            out.push(byte as char);
        } else if upper {
            out.push_str(&format!("%{byte:02X}"));
        } else {
            out.push_str(&format!("%{byte:02x}"));
        }
    }
    out
}

/// Standard base64 of `bytes`, whose length is a multiple of 3 (no padding).
fn base64_groups(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for group in bytes.chunks_exact(3) {
        let n = (u32::from(group[0]) << 16) | (u32::from(group[1]) << 8) | u32::from(group[2]);
        for shift in [18, 12, 6, 0] {
            out.push(ALPHABET[((n >> shift) & 63) as usize] as char);
        }
    }
    out
}

/// Returns the forms of a secret to search for. A secret inside a longer base64 text
/// starts at one of three byte offsets within a 3-byte group, so each offset
/// gets its own needle: the aligned, whole groups from that offset on.
fn encodings(secret: &str) -> Vec<(String, String)> {
    let mut forms = vec![
        ("plain".to_string(), secret.to_string()),
        ("URL-encoded".to_string(), percent_encode(secret, true)),
        (
            "URL-encoded, lowercase hex".to_string(),
            percent_encode(secret, false),
        ),
    ];
    let bytes = secret.as_bytes();
    for offset in 0..3 {
        let whole = (bytes.len() - offset) / 3 * 3;
        let standard = base64_groups(&bytes[offset..offset + whole]);
        let url_safe = standard.replace('+', "-").replace('/', "_");
        forms.push((format!("base64 (offset {offset})"), standard));
        forms.push((format!("URL-safe base64 (offset {offset})"), url_safe));
    }
    forms
}

#[test]
fn secrets_absent_from_artifacts() {
    let emulator = start_emulator(Realism::instant());
    let url = emulator.url().trim_end_matches('/').to_string();
    let recorder = Recorder::start(url.trim_start_matches("http://").to_string());
    let mut workspace = Workspace::with_dev_override(&provider_binary());
    emulator.configure(&mut workspace);
    workspace.set_env("TF_LOG", "trace");
    workspace.set_env("TF_VAR_gitlab_token", GITLAB_TOKEN);
    workspace.write("main.tf", &config(&url, &recorder.url));

    let mut artifacts: Vec<(String, String)> = Vec::new();
    for (name, args) in [
        ("apply", &["apply", "-auto-approve", "-input=false"][..]),
        (
            "refresh plan",
            &["plan", "-input=false", "-detailed-exitcode"][..],
        ),
        ("destroy", &["destroy", "-auto-approve", "-input=false"][..]),
    ] {
        let output = workspace.run(args);
        output.assert_consistent();
        assert!(output.code == 0, "{name} failed (exit code {}); its output is not printed because it may contain secrets", output.code);
        artifacts.push((format!("{name} stdout"), output.stdout));
        artifacts.push((format!("{name} stderr (TF_LOG=trace)"), output.stderr));
        if name == "apply" {
            let state = std::fs::read_to_string(workspace.path().join("terraform.tfstate"))
                .unwrap_or_default();
            artifacts.push(("state after apply".to_string(), state));
        }
    }
    for file in ["terraform.tfstate", "terraform.tfstate.backup", "crash.log"] {
        if let Ok(text) = std::fs::read_to_string(workspace.path().join(file)) {
            artifacts.push((file.to_string(), text));
        }
    }

    let mut secrets = vec![
        ("access key secret", DEMO_ACCESS_KEY_SECRET.to_string()),
        ("GitLab token", GITLAB_TOKEN.to_string()),
    ];
    let sts = sts_secrets(&recorder);
    assert!(
        sts.iter().any(|(name, _)| *name == "STS security token"),
        "no AssumeRole response passed the recording proxy, so the STS token was not scanned for"
    );
    secrets.extend(sts);

    let mut leaks = Vec::new();
    for (secret_name, secret) in &secrets {
        for (form, needle) in encodings(secret) {
            for (artifact, text) in &artifacts {
                if text.contains(&needle) {
                    leaks.push(format!("the {secret_name} appears {form} in {artifact}"));
                }
            }
        }
    }
    assert!(leaks.is_empty(), "secrets leaked:\n{}", leaks.join("\n"));
    emulator.shutdown();
}

#[test]
fn encodings_cover_offsets() {
    let forms = encodings("abcdefg");
    let needles: Vec<&str> = forms.iter().map(|(_, needle)| needle.as_str()).collect();
    // base64("abcdef") = YWJjZGVm; from offset 1, base64("bcdefg") = YmNkZWZn.
    assert!(needles.contains(&"YWJjZGVm"));
    assert!(needles.contains(&"YmNkZWZn"));
}

#[test]
fn percent_encoding_reserved() {
    assert_eq!(percent_encode("a/b+c", true), "a%2Fb%2Bc");
}
