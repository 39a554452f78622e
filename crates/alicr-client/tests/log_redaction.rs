//! DEBUG and TRACE logs of signed calls (V1 and V3, STS credentials, a GitLab token) must
//! contain no secret. A separate test binary, because the capturing subscriber is set per
//! thread and other tests running in parallel would race with tracing's callsite cache.

use std::io::Write;
use std::sync::{Arc, Mutex};

use alicr_client::{
    AssumeRoleConfig, CodeSourceSpec, Config, CrClient, CredentialSource, Endpoints, Secret,
    SignatureVersion,
};
use alicr_emulator::{Emulator, EmulatorConfig, Realism, RunningEmulator};

const INSTANCE: &str = alicr_emulator::DEMO_INSTANCE_ID;

async fn start() -> RunningEmulator {
    let config = EmulatorConfig {
        realism: Realism::instant(),
        ..Default::default()
    };
    Emulator::start(config)
        .await
        .expect("the emulator should start on 127.0.0.1")
}

fn config(emulator: &RunningEmulator) -> Config {
    let credentials = CredentialSource::Static {
        access_key_id: alicr_emulator::DEMO_ACCESS_KEY_ID.to_owned(),
        access_key_secret: Secret::new(alicr_emulator::DEMO_ACCESS_KEY_SECRET),
        security_token: None,
    };
    let mut config = Config::new("cn-hangzhou", credentials);
    let url = Some(emulator.url());
    config.endpoints = Endpoints {
        cr: url.clone(),
        vpc: url.clone(),
        sts: url,
    };
    config
}

fn gitlab_spec() -> CodeSourceSpec {
    CodeSourceSpec {
        instance_id: INSTANCE.into(),
        code_source_type: "GITLAB".into(),
        network_type: "PUBLIC".into(),
        vpc_link_id: None,
        endpoint_url: "https://gitlab.example.com".into(),
        user_name: "builder".into(),
        private_token: Secret::new("glpat-test-token"),
    }
}

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut bytes) = self.0.lock() {
            bytes.extend_from_slice(buf);
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn debug_logs_hold_no_secret() {
    let emulator = start().await;
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    for version in [SignatureVersion::V1, SignatureVersion::V3] {
        let mut config = config(&emulator);
        config.signature_version = version;
        config.assume_role = Some(AssumeRoleConfig::new(
            alicr_emulator::SECOND_ACCOUNT_ROLE_ARN,
        ));
        let client = CrClient::new(config).unwrap();
        client.get_instance("cri-shared0000000001").await.unwrap();
        client
            .create_instance_code_source(&gitlab_spec(), "")
            .await
            .ok();
    }

    let text = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(
        text.contains("api_action"),
        "no attempt was logged:\n{text}"
    );
    for secret in [
        alicr_emulator::DEMO_ACCESS_KEY_SECRET,
        "glpat-test-token",
        "Signature=",
        "SecurityToken",
        "x-acs-security-token",
        "CAIS",
    ] {
        assert!(!text.contains(secret), "log contains {secret:?}:\n{text}");
    }
}
