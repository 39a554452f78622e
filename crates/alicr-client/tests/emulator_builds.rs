//! The client against an in-process alicr-emulator: the GitLab code source, a repository's
//! source binding, and a build run with its status, record and logs.

use alicr_client::{
    CodeSourceSpec, Config, CrClient, CredentialSource, Endpoints, RepoSourceCodeRepo, Secret,
};
use alicr_emulator::{Emulator, EmulatorConfig, Realism, RunningEmulator};

const INSTANCE: &str = alicr_emulator::DEMO_INSTANCE_ID;
const REPO: &str = "crr-demoapp000000001";

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

#[tokio::test]
async fn code_source_binding_and_build() {
    let emulator = start().await;
    let client = CrClient::new(config(&emulator)).unwrap();
    let source_id = client
        .create_instance_code_source(&gitlab_spec(), "cs-1")
        .await
        .unwrap();
    let source = client
        .get_instance_code_source(INSTANCE, &source_id)
        .await
        .unwrap();
    assert_eq!(source.user_name, "builder");
    assert_eq!(
        client
            .list_instance_code_sources(INSTANCE)
            .await
            .unwrap()
            .len(),
        1
    );

    let binding = RepoSourceCodeRepo {
        instance_id: INSTANCE.into(),
        repo_id: REPO.into(),
        code_repo_type: "GITLAB".into(),
        code_repo_namespace_name: "team".into(),
        code_repo_name: "app".into(),
        auto_build: true,
        ..Default::default()
    };
    client.create_repo_source_code_repo(&binding).await.unwrap();
    let read = client
        .get_repo_source_code_repo(INSTANCE, REPO)
        .await
        .unwrap();
    assert!(read.auto_build);
    client
        .update_repo_source_code_repo(&RepoSourceCodeRepo {
            auto_build: false,
            ..binding
        })
        .await
        .unwrap();
    assert!(
        !client
            .get_repo_source_code_repo(INSTANCE, REPO)
            .await
            .unwrap()
            .auto_build
    );

    let spec = alicr_client::BuildRuleSpec {
        push_type: "GIT_BRANCH".into(),
        push_name: "main".into(),
        image_tag: "latest".into(),
        dockerfile_location: "/".into(),
        dockerfile_name: "Dockerfile".into(),
        ..Default::default()
    };
    let rule_id = client
        .create_repo_build_rule(INSTANCE, REPO, &spec)
        .await
        .unwrap();
    let record_id = client
        .create_build_record_by_rule(INSTANCE, REPO, &rule_id)
        .await
        .unwrap();
    let status = client
        .get_repo_build_record_status(INSTANCE, REPO, &record_id)
        .await
        .unwrap();
    assert!(!status.is_empty());
    let record = client
        .get_repo_build_record(INSTANCE, &record_id)
        .await
        .unwrap();
    assert_eq!(record.build_record_id, record_id);
    let page = client
        .list_repo_build_records(INSTANCE, REPO, 1, 30)
        .await
        .unwrap();
    assert_eq!(page.total_count, 1);
    client
        .list_repo_build_record_logs(INSTANCE, REPO, &record_id)
        .await
        .unwrap();

    client
        .delete_repo_source_code_repo(INSTANCE, REPO)
        .await
        .unwrap();
    let deleted_read = client
        .get_repo_source_code_repo(INSTANCE, REPO)
        .await
        .unwrap_err();
    assert!(deleted_read.is_not_found(), "{deleted_read}");
    client
        .delete_instance_code_source(INSTANCE, &source_id)
        .await
        .unwrap();
}
