//! Test helpers: a tiny independent V1/V3 signer, an HTTP client for the emulator and
//! emulator start-up with the default seed.

#![allow(dead_code)]

use alicr_emulator::{Emulator, EmulatorConfig, Realism, RunningEmulator};
use base64::Engine as _;
use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::Digest as _;

pub const DEMO_AK: &str = "LTAIdemoaccesskey0001";
pub const DEMO_SECRET: &str = "demo-secret-0001-not-a-real-key";
pub const SECOND_AK: &str = "LTAIdemoaccesskey0002";
pub const SECOND_SECRET: &str = "demo-secret-0002-not-a-real-key";
pub const INSTANCE: &str = "cri-demo000000000001";
pub const SECOND_INSTANCE: &str = "cri-shared0000000001";
pub const APP_REPO: &str = "crr-demoapp000000001";
pub const CR: &str = "2018-12-01";
pub const VPC: &str = "2016-04-28";
pub const STS: &str = "2015-04-01";

/// Starts an in-memory emulator with the default seed and no waiting on asynchronous objects.
pub async fn start() -> RunningEmulator {
    start_with(Realism::instant()).await
}

pub async fn start_with(realism: Realism) -> RunningEmulator {
    let config = EmulatorConfig {
        realism,
        ..EmulatorConfig::default()
    };
    match Emulator::start(config).await {
        Ok(emulator) => emulator,
        Err(err) => panic!("emulator did not start: {err}"),
    }
}

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

pub fn timestamp_now() -> String {
    let format =
        time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    time::OffsetDateTime::now_utc()
        .format(format)
        .unwrap_or_default()
}

pub fn nonce() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

/// Signs V1 parameters (adds the common ones and `Signature`).
pub fn sign_v1(method: &str, params: &mut Vec<(String, String)>, secret: &str) {
    let mut sorted = params.clone();
    sorted.sort();
    let canonical: Vec<String> = sorted
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect();
    let to_sign = format!("{method}&%2F&{}", encode(&canonical.join("&")));
    let mut mac =
        Hmac::<sha1::Sha1>::new_from_slice(format!("{secret}&").as_bytes()).expect("hmac key");
    mac.update(to_sign.as_bytes());
    let signature = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    params.push(("Signature".into(), signature));
}

/// A caller of the emulator API with one set of credentials.
#[derive(Clone)]
pub struct Caller {
    pub http: reqwest::Client,
    pub url: String,
    pub ak: String,
    pub secret: String,
    pub token: Option<String>,
}

/// One response: HTTP status, JSON body (Null if not JSON) and headers.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub body: Value,
    pub headers: reqwest::header::HeaderMap,
}

impl Reply {
    pub fn code(&self) -> &str {
        self.body["Code"].as_str().unwrap_or_default()
    }
    pub fn str(&self, field: &str) -> String {
        self.body[field].as_str().unwrap_or_default().to_string()
    }
}

pub fn owned(params: &[(&str, &str)]) -> Vec<(String, String)> {
    params
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

impl Caller {
    pub fn demo(emulator: &RunningEmulator) -> Caller {
        Caller::new(emulator, DEMO_AK, DEMO_SECRET)
    }

    pub fn second(emulator: &RunningEmulator) -> Caller {
        Caller::new(emulator, SECOND_AK, SECOND_SECRET)
    }

    pub fn new(emulator: &RunningEmulator, ak: &str, secret: &str) -> Caller {
        Caller {
            http: reqwest::Client::new(),
            url: emulator.url(),
            ak: ak.into(),
            secret: secret.into(),
            token: None,
        }
    }

    /// The V1 common parameters plus the action's own.
    pub fn v1_params(
        &self,
        version: &str,
        action: &str,
        params: &[(&str, &str)],
    ) -> Vec<(String, String)> {
        let mut all = owned(params);
        all.extend(owned(&[
            ("Action", action),
            ("Version", version),
            ("Format", "JSON"),
            ("AccessKeyId", &self.ak),
            ("SignatureMethod", "HMAC-SHA1"),
            ("SignatureVersion", "1.0"),
            ("SignatureNonce", &nonce()),
            ("Timestamp", &timestamp_now()),
        ]));
        if let Some(token) = &self.token {
            all.push(("SecurityToken".into(), token.clone()));
        }
        all
    }

    /// Sends already-built V1 parameters as a POST form body, signing them first.
    pub async fn send_v1_form(&self, mut params: Vec<(String, String)>) -> Reply {
        sign_v1("POST", &mut params, &self.secret);
        let response = self
            .http
            .post(format!("{}/", self.url))
            .form(&params)
            .send()
            .await;
        into_reply(response).await
    }

    /// Calls an action with V1 signing, parameters in a form body.
    pub async fn v1(&self, version: &str, action: &str, params: &[(&str, &str)]) -> Reply {
        self.send_v1_form(self.v1_params(version, action, params))
            .await
    }

    /// Calls a CR action with V1 signing.
    pub async fn cr(&self, action: &str, params: &[(&str, &str)]) -> Reply {
        self.v1(CR, action, params).await
    }

    /// Calls an action with V3 signing, parameters in the query string.
    pub async fn v3(&self, version: &str, action: &str, params: &[(&str, &str)]) -> Reply {
        self.send_v3(V3Request::new(version, action, params)).await
    }

    /// Signs and sends a V3 request with its header options applied.
    pub async fn send_v3(&self, request: V3Request) -> Reply {
        let mut sorted = request.query.clone();
        sorted.sort();
        let query: Vec<String> = sorted
            .iter()
            .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
            .collect();
        let query = query.join("&");
        let body_hash = hex::encode(sha2::Sha256::digest(&request.body));
        let mut headers = self.v3_headers(&request, &body_hash);

        let signed_pairs: Vec<&(String, String)> = headers
            .iter()
            .filter(|(k, _)| request.signed.as_ref().is_none_or(|only| only.contains(k)))
            .collect();
        let canonical_headers: String = signed_pairs
            .iter()
            .map(|(k, v)| format!("{k}:{v}\n"))
            .collect();
        let signed: Vec<&str> = signed_pairs.iter().map(|(k, _)| k.as_str()).collect();
        let signed = signed.join(";");
        let canonical = format!("POST\n/\n{query}\n{canonical_headers}\n{signed}\n{body_hash}");
        let signature = self.v3_signature(&canonical);

        replace_headers(&mut headers, &request.replace_after_signing);
        let mut builder = self.http.post(format!("{}/?{query}", self.url));
        for (name, value) in &headers {
            if name != "host" {
                builder = builder.header(name, value);
            }
        }
        let auth = format!(
            "ACS3-HMAC-SHA256 Credential={},SignedHeaders={signed},Signature={signature}",
            self.ak
        );
        let builder = builder.header("authorization", auth).body(request.body);
        into_reply(builder.send().await).await
    }

    /// Builds the sorted headers to sign, with the request's additions, omissions and
    /// replacements applied.
    fn v3_headers(&self, request: &V3Request, body_hash: &str) -> Vec<(String, String)> {
        let mut headers = vec![
            (
                "host".to_string(),
                self.url.trim_start_matches("http://").to_string(),
            ),
            ("x-acs-action".to_string(), request.action.clone()),
            ("x-acs-content-sha256".to_string(), body_hash.to_string()),
            ("x-acs-date".to_string(), timestamp_now()),
            ("x-acs-signature-nonce".to_string(), nonce()),
            ("x-acs-version".to_string(), request.version.clone()),
        ];
        if let Some(token) = &self.token {
            headers.push(("x-acs-security-token".into(), token.clone()));
        }
        headers.extend(owned(&request.extra_headers));
        headers.retain(|(k, _)| !request.omitted.contains(&k.as_str()));
        replace_headers(&mut headers, &request.replace_before_signing);
        headers.sort();
        headers
    }

    fn v3_signature(&self, canonical_request: &str) -> String {
        let to_sign = format!(
            "ACS3-HMAC-SHA256\n{}",
            hex::encode(sha2::Sha256::digest(canonical_request.as_bytes()))
        );
        let mut mac =
            Hmac::<sha2::Sha256>::new_from_slice(self.secret.as_bytes()).expect("hmac key");
        mac.update(to_sign.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }
}

fn replace_headers(headers: &mut Vec<(String, String)>, replacements: &[(&str, &str)]) {
    for (name, value) in owned(replacements) {
        headers.retain(|(k, _)| *k != name);
        headers.push((name, value));
    }
}

/// One V3 request to sign, with optional ways to leave headers unsigned or change them.
#[derive(Default)]
pub struct V3Request {
    pub version: String,
    pub action: String,
    pub query: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Headers sent and, unless `signed` leaves them out, signed.
    pub extra_headers: Vec<(&'static str, &'static str)>,
    /// Helper headers left out of the request entirely.
    pub omitted: Vec<&'static str>,
    /// Header values set before signing, replacing the helper's own (for example a false hash).
    pub replace_before_signing: Vec<(&'static str, &'static str)>,
    /// Header values set after signing, so the signature no longer covers what is sent.
    pub replace_after_signing: Vec<(&'static str, &'static str)>,
    /// Header names to list in SignedHeaders; `None` lists every header sent.
    pub signed: Option<Vec<String>>,
}

impl V3Request {
    pub fn new(version: &str, action: &str, query: &[(&str, &str)]) -> V3Request {
        V3Request {
            version: version.into(),
            action: action.into(),
            query: owned(query),
            ..V3Request::default()
        }
    }

    /// Lists only `names` in SignedHeaders.
    pub fn signing_only(mut self, names: &[&str]) -> V3Request {
        self.signed = Some(names.iter().map(|n| n.to_string()).collect());
        self
    }
}

pub async fn into_reply(response: Result<reqwest::Response, reqwest::Error>) -> Reply {
    let response = match response {
        Ok(response) => response,
        Err(err) => panic!("request failed: {err}"),
    };
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response.text().await.unwrap_or_default();
    let body = serde_json::from_str(&text).unwrap_or(Value::Null);
    Reply {
        status,
        body,
        headers,
    }
}

/// Calls an admin endpoint with a JSON body.
pub async fn admin_post(emulator: &RunningEmulator, path: &str, body: Value) -> Reply {
    let response = reqwest::Client::new()
        .post(format!("{}/_admin/{path}", emulator.url()))
        .json(&body)
        .send()
        .await;
    into_reply(response).await
}

pub async fn admin_get(emulator: &RunningEmulator, path: &str) -> Reply {
    into_reply(
        reqwest::Client::new()
            .get(format!("{}/_admin/{path}", emulator.url()))
            .send()
            .await,
    )
    .await
}
