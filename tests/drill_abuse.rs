//! Emulator abuse drill: malformed and oversized requests, unsigned and
//! tampered requests, replayed nonces, unknown keys, stale timestamps and
//! cross-account access. Each must be rejected with Alibaba's error code, and
//! the emulator must keep serving signed requests afterwards.
//!
//! Validly signed requests come from the real API client: it sends them to a
//! loopback recorder, and the drill replays or edits the recorded bytes.

mod drill_common;

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::time::Duration;

use alicr_client::{Config, CrClient, CredentialSource, Endpoints, Secret};
use alicr_emulator::{
    Realism, DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET, DEMO_INSTANCE_ID, SECOND_ACCESS_KEY_ID,
    SECOND_ACCESS_KEY_SECRET,
};
use drill_common::*;

/// A response: status code and body (JSON when it parses).
#[derive(Debug)]
struct Reply {
    status: u16,
    body: serde_json::Value,
}

impl Reply {
    fn code(&self) -> &str {
        self.body["Code"].as_str().unwrap_or_default()
    }
}

/// Reads one HTTP message head and its `Content-Length` body.
fn read_message(reader: &mut impl BufRead) -> Option<(String, Vec<u8>)> {
    let mut head = String::new();
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
        head.push_str(&line);
        if line == "\r\n" {
            break;
        }
    }
    let mut body = vec![0; content_length];
    reader.read_exact(&mut body).ok()?;
    Some((head, body))
}

/// Sends raw bytes on a new connection; `None` when the server closed it
/// without a complete response.
fn exchange(addr: SocketAddr, request: &[u8]) -> Option<Reply> {
    let mut stream = TcpStream::connect(addr).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .ok()?;
    // The server may reject and close before reading everything it was sent.
    let _ = stream.write_all(request);
    let (head, body) = read_message(&mut BufReader::new(stream))?;
    let status = head.split_whitespace().nth(1)?.parse().ok()?;
    let body = serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null);
    Some(Reply { status, body })
}

fn client(url: &str, access_key_id: &str, secret: &str) -> CrClient {
    let credentials = CredentialSource::Static {
        access_key_id: access_key_id.to_string(),
        access_key_secret: Secret::new(secret),
        security_token: None,
    };
    let mut config = Config::new("cn-hangzhou", credentials);
    config.endpoints = Endpoints {
        cr: Some(url.to_string()),
        vpc: Some(url.to_string()),
        sts: Some(url.to_string()),
    };
    config.max_retries = 0;
    CrClient::new(config).unwrap_or_else(|e| panic!("building the API client failed: {e}"))
}

/// Records a signed GetInstance request for the demo instance, exactly as the
/// API client sends it. The client talks to a recorder that keeps the bytes
/// and fails the call.
fn signed_get_instance(emulator: &TestEmulator) -> Vec<u8> {
    let listener = TcpListener::bind("127.0.0.1:0")
        .unwrap_or_else(|e| panic!("binding the recorder failed: {e}"));
    let url = format!(
        "http://{}",
        listener
            .local_addr()
            .unwrap_or_else(|e| panic!("recorder address: {e}"))
    );
    let recorder = std::thread::spawn(move || {
        let (stream, _) = listener.accept().ok()?;
        let mut writer = stream.try_clone().ok()?;
        let (head, body) = read_message(&mut BufReader::new(stream))?;
        let forbidden_body =
            "{\"Code\":\"Forbidden.RAM\",\"Message\":\"recorded\",\"RequestId\":\"r\"}";
        let _ = write!(writer, "HTTP/1.1 403 Forbidden\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{forbidden_body}", forbidden_body.len());
        let mut request = head.into_bytes();
        request.extend_from_slice(&body);
        Some(request)
    });
    let recording_client = client(&url, DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET);
    let _ = emulator.block_on(recording_client.get_instance(DEMO_INSTANCE_ID));
    recorder
        .join()
        .ok()
        .flatten()
        .unwrap_or_else(|| panic!("the API client sent no request to the recorder"))
}

/// Replaces `from` by `to` (same length, so Content-Length stays right).
fn edit(request: &[u8], from: &str, to: &str) -> Vec<u8> {
    assert_eq!(from.len(), to.len(), "edits must keep the length");
    let text = String::from_utf8_lossy(request);
    assert!(
        text.contains(from),
        "the recorded request lacks {from:?}:\n{text}"
    );
    text.replacen(from, to, 1).into_bytes()
}

/// Asserts the emulator still serves a signed call and its admin endpoint.
#[track_caller]
fn assert_serving(emulator: &TestEmulator, addr: SocketAddr, after: &str) {
    let health = exchange(
        addr,
        b"GET /_admin/health HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n",
    );
    assert_eq!(
        health.map(|r| r.status),
        Some(200),
        "the admin endpoint stopped answering after {after}"
    );
    let demo = client(emulator.url(), DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET);
    let instance = emulator.block_on(demo.get_instance(DEMO_INSTANCE_ID));
    assert!(
        instance.is_ok(),
        "a signed GetInstance failed after {after}: {:?}",
        instance.err()
    );
}

fn form_post(body: &str) -> Vec<u8> {
    format!("POST / HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/x-www-form-urlencoded\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}", body.len()).into_bytes()
}

fn setup() -> (TestEmulator, SocketAddr) {
    let emulator = start_emulator(Realism::instant());
    let addr: SocketAddr = emulator
        .url()
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .parse()
        .unwrap_or_else(|e| {
            panic!(
                "the emulator URL {} has no socket address: {e}",
                emulator.url()
            )
        });
    (emulator, addr)
}

#[test]
fn abuse_malformed_requests() {
    let (emulator, addr) = setup();
    let garbage = exchange(addr, b"\x00\x01\x02 NOT HTTP\r\n\r\n");
    assert_ne!(
        garbage.map(|r| r.status),
        Some(200),
        "binary garbage was accepted"
    );
    assert_serving(&emulator, addr, "binary garbage");

    let missing_action = exchange(addr, &form_post("Version=2018-12-01"))
        .unwrap_or_else(|| panic!("no reply to a request without Action"));
    assert_eq!(missing_action.code(), "MissingAction");
    assert_eq!(missing_action.status, 400);

    let bad_encoding = exchange(
        addr,
        &form_post("Action=GetInstance&Version=2018-12-01&InstanceId=%ZZ%%"),
    )
    .unwrap_or_else(|| panic!("no reply to bad percent-encoding"));
    assert_eq!(bad_encoding.code(), "IncompleteSignature");

    let unknown = exchange(addr, &form_post("Action=DropAllTables&Version=2018-12-01"))
        .unwrap_or_else(|| panic!("no reply to an unknown action"));
    assert_eq!(unknown.status, 404, "unknown action: {:?}", unknown.body);
    assert_serving(&emulator, addr, "malformed form bodies");
    emulator.shutdown();
}

#[test]
fn abuse_oversized_body() {
    let (emulator, addr) = setup();
    let huge = format!(
        "Action=GetInstance&Version=2018-12-01&Pad={}",
        "A".repeat(2 << 20)
    );
    let reply = exchange(addr, &form_post(&huge));
    if let Some(reply) = &reply {
        assert_eq!(
            reply.status, 400,
            "a 2 MiB body was not rejected: {:?}",
            reply.body
        );
    }
    assert_serving(&emulator, addr, "a 2 MiB body");
    emulator.shutdown();
}

#[test]
fn abuse_unsigned_request() {
    let (emulator, addr) = setup();
    let reply = exchange(
        addr,
        &form_post(&format!(
            "Action=GetInstance&Version=2018-12-01&InstanceId={DEMO_INSTANCE_ID}"
        )),
    )
    .unwrap_or_else(|| panic!("no reply to an unsigned request"));
    assert_eq!(reply.code(), "IncompleteSignature");
    assert_serving(&emulator, addr, "an unsigned request");
    emulator.shutdown();
}

#[test]
fn abuse_tampered_signature() {
    let (emulator, addr) = setup();
    let signed = signed_get_instance(&emulator);
    let tampered = edit(&signed, DEMO_INSTANCE_ID, "cri-demo000000000009");
    let reply =
        exchange(addr, &tampered).unwrap_or_else(|| panic!("no reply to a tampered request"));
    assert_eq!(reply.code(), "SignatureDoesNotMatch");
    assert_eq!(reply.status, 400);
    assert_serving(&emulator, addr, "a tampered request");
    emulator.shutdown();
}

#[test]
fn abuse_replayed_nonce() {
    let (emulator, addr) = setup();
    let signed = signed_get_instance(&emulator);
    let first =
        exchange(addr, &signed).unwrap_or_else(|| panic!("no reply to the recorded request"));
    assert_eq!(
        first.status, 200,
        "the recorded request itself was rejected: {:?}",
        first.body
    );
    let replay = exchange(addr, &signed).unwrap_or_else(|| panic!("no reply to the replay"));
    assert_eq!(replay.code(), "SignatureNonceUsed");
    assert_eq!(replay.status, 400);
    assert_serving(&emulator, addr, "a replayed request");
    emulator.shutdown();
}

#[test]
fn abuse_unknown_access_key() {
    let (emulator, addr) = setup();
    let stranger = client(emulator.url(), "LTAIunknownkey000099", "whatever-secret");
    let error = emulator
        .block_on(stranger.get_instance(DEMO_INSTANCE_ID))
        .err();
    assert_eq!(
        error.as_ref().and_then(|e| e.code()),
        Some("InvalidAccessKeyId.NotFound"),
        "{error:?}"
    );
    assert_serving(&emulator, addr, "an unknown access key");
    emulator.shutdown();
}

#[test]
fn abuse_wrong_secret() {
    let (emulator, addr) = setup();
    let impostor = client(emulator.url(), DEMO_ACCESS_KEY_ID, "not-the-demo-secret");
    let error = emulator
        .block_on(impostor.get_instance(DEMO_INSTANCE_ID))
        .err();
    assert_eq!(
        error.as_ref().and_then(|e| e.code()),
        Some("SignatureDoesNotMatch"),
        "{error:?}"
    );
    assert_serving(&emulator, addr, "a wrong secret");
    emulator.shutdown();
}

/// A V1 request with the demo key whose timestamp is `timestamp`; the
/// emulator checks the timestamp before the signature, as the gateway does.
fn dated_request(timestamp: &str) -> Vec<u8> {
    form_post(&format!(
        "Action=GetInstance&Version=2018-12-01&InstanceId={DEMO_INSTANCE_ID}&AccessKeyId={DEMO_ACCESS_KEY_ID}\
         &SignatureMethod=HMAC-SHA1&SignatureVersion=1.0&SignatureNonce=dated-{timestamp}&Timestamp={timestamp}&Signature=AAAA"
    ))
}

#[test]
fn abuse_stale_timestamp() {
    let (emulator, addr) = setup();
    let expired = exchange(addr, &dated_request("2000-01-01T00%3A00%3A00Z"))
        .unwrap_or_else(|| panic!("no reply to an expired timestamp"));
    assert_eq!(expired.code(), "InvalidTimeStamp.Expired");
    let malformed = exchange(addr, &dated_request("yesterday"))
        .unwrap_or_else(|| panic!("no reply to a malformed timestamp"));
    assert_eq!(malformed.code(), "InvalidTimeStamp.Format");
    assert_serving(&emulator, addr, "stale timestamps");
    emulator.shutdown();
}

#[test]
fn abuse_cross_account() {
    let (emulator, addr) = setup();
    let second = client(
        emulator.url(),
        SECOND_ACCESS_KEY_ID,
        SECOND_ACCESS_KEY_SECRET,
    );
    let instance = emulator
        .block_on(second.get_instance(DEMO_INSTANCE_ID))
        .err();
    assert_eq!(
        instance.as_ref().and_then(|e| e.code()),
        Some("INSTANCE_NOT_EXIST"),
        "{instance:?}"
    );
    let rules = emulator
        .block_on(second.list_repo_build_rules(DEMO_INSTANCE_ID, REPOS[0].1))
        .err();
    assert_eq!(
        rules.as_ref().and_then(|e| e.code()),
        Some("INSTANCE_NOT_EXIST"),
        "{rules:?}"
    );
    assert_serving(&emulator, addr, "cross-account calls");
    emulator.shutdown();
}
