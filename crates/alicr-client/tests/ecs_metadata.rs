//! ECS RAM role credentials read from a fake instance metadata service on 127.0.0.1: the
//! IMDSv2 token is requested, sent back, and the role's keys are fetched once and reused.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use alicr_client::{Config, CrClient, CredentialSource, Endpoints, Error};
use axum::extract::State;
use axum::http::HeaderMap;
use axum::routing::{get, put};
use axum::Router;

#[derive(Default)]
struct Metadata {
    token_requests: AtomicUsize,
    credential_requests: AtomicUsize,
    tokens_seen: Mutex<Vec<String>>,
}

async fn issue_token(State(state): State<Arc<Metadata>>) -> &'static str {
    state.token_requests.fetch_add(1, Ordering::SeqCst);
    "imds-session-token"
}

async fn role_credentials(State(state): State<Arc<Metadata>>, headers: HeaderMap) -> String {
    state.credential_requests.fetch_add(1, Ordering::SeqCst);
    let token = headers
        .get("x-aliyun-ecs-metadata-token")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    state.tokens_seen.lock().unwrap().push(token);
    r#"{"Code":"Success","AccessKeyId":"STS.ecs","AccessKeySecret":"ecs-secret","SecurityToken":"ecs-token","Expiration":"2099-01-01T00:00:00Z"}"#.to_owned()
}

#[tokio::test]
async fn ecs_role_credentials_fetched_once() {
    let state = Arc::new(Metadata::default());
    let app = Router::new()
        .route("/latest/api/token", put(issue_token))
        .route(
            "/latest/meta-data/ram/security-credentials/builder",
            get(role_credentials),
        )
        .with_state(Arc::clone(&state));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let metadata_url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });

    let emulator = alicr_emulator::Emulator::start(alicr_emulator::EmulatorConfig {
        realism: alicr_emulator::Realism::instant(),
        ..Default::default()
    })
    .await
    .unwrap();
    let credentials = CredentialSource::EcsRamRole {
        role_name: "builder".into(),
        metadata_endpoint: Some(metadata_url),
    };
    let mut config = Config::new("cn-hangzhou", credentials);
    config.endpoints = Endpoints {
        cr: Some(emulator.url()),
        ..Default::default()
    };
    let client = CrClient::new(config).unwrap();

    for _ in 0..3 {
        // The emulator does not know these keys, so the calls fail after signing, which
        // shows the metadata credentials were used.
        let error = client
            .get_instance(alicr_emulator::DEMO_INSTANCE_ID)
            .await
            .unwrap_err();
        assert!(matches!(error, Error::Service { .. }), "{error}");
    }
    assert_eq!(state.token_requests.load(Ordering::SeqCst), 1);
    assert_eq!(state.credential_requests.load(Ordering::SeqCst), 1);
    assert_eq!(
        state.tokens_seen.lock().unwrap().as_slice(),
        ["imds-session-token"]
    );
}
