//! The client against an in-process alicr-emulator on 127.0.0.1: CRUD through both signature
//! versions, retries under injected throttling, shared AssumeRole, coalesced build rule lists
//! and the project-defined operations. Request counts come from the emulator's own log.

use std::sync::Arc;
use std::time::Duration;

use alicr_client::{
    AssumeRoleConfig, BuildRuleSpec, BuildVpcLinkSpec, Config, CrClient, CreateRepository,
    CredentialSource, Endpoints, Error, ManualClock, Secret, SignatureVersion,
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
    config.endpoints = Endpoints {
        cr: Some(emulator.url()),
        vpc: Some(emulator.url()),
        sts: Some(emulator.url()),
    };
    config
}

fn client(emulator: &RunningEmulator) -> CrClient {
    CrClient::new(config(emulator)).unwrap()
}

fn rule_spec(tag: &str) -> BuildRuleSpec {
    BuildRuleSpec {
        push_type: "GIT_BRANCH".into(),
        push_name: "main".into(),
        image_tag: tag.into(),
        dockerfile_location: "/".into(),
        dockerfile_name: "Dockerfile".into(),
        build_args: vec!["A=1".into()],
        platforms: vec!["linux/amd64".into()],
    }
}

#[tokio::test]
async fn instance_read_v3_and_v1() {
    let emulator = start().await;
    let instance = client(&emulator).get_instance(INSTANCE).await.unwrap();
    assert_eq!(instance.instance_id, INSTANCE);
    let mut v1 = config(&emulator);
    v1.signature_version = SignatureVersion::V1;
    let instance = CrClient::new(v1)
        .unwrap()
        .get_instance(INSTANCE)
        .await
        .unwrap();
    assert_eq!(instance.instance_status, "RUNNING");
}

#[tokio::test]
async fn repository_crud() {
    let emulator = start().await;
    let client = client(&emulator);
    client.create_namespace(INSTANCE, "team").await.unwrap();
    assert_eq!(
        client
            .get_namespace(INSTANCE, "team")
            .await
            .unwrap()
            .namespace_name,
        "team"
    );
    let input = CreateRepository {
        instance_id: INSTANCE.into(),
        namespace_name: "team".into(),
        repo_name: "api".into(),
        repo_type: "PRIVATE".into(),
        summary: "api image".into(),
        ..Default::default()
    };
    let repo_id = client.create_repository(&input).await.unwrap();
    let by_name = client
        .get_repository_by_name(INSTANCE, "team", "api")
        .await
        .unwrap();
    assert_eq!(by_name.repo_id, repo_id);
    client.delete_repository(INSTANCE, &repo_id).await.unwrap();
    let deleted_read = client.get_repository(INSTANCE, &repo_id).await.unwrap_err();
    assert!(deleted_read.is_not_found(), "{deleted_read}");
}

#[tokio::test]
async fn missing_instance_not_found() {
    let emulator = start().await;
    let error = client(&emulator)
        .get_instance("cri-missing000000001")
        .await
        .unwrap_err();
    assert!(error.is_not_found(), "{error}");
    assert!(error.request_id().is_some());
}

#[tokio::test]
async fn build_rule_crud() {
    let emulator = start().await;
    let client = client(&emulator);
    let rule_id = client
        .create_repo_build_rule(INSTANCE, REPO, &rule_spec("v1"))
        .await
        .unwrap();
    let found = client
        .find_repo_build_rule(INSTANCE, REPO, &rule_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.platforms, vec!["linux/amd64".to_owned()]);
    client
        .update_repo_build_rule(INSTANCE, REPO, &rule_id, &rule_spec("v2"))
        .await
        .unwrap();
    let updated = client
        .find_repo_build_rule(INSTANCE, REPO, &rule_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        updated.image_tag, "v2",
        "a write must invalidate the cached list"
    );
    client
        .delete_repo_build_rule(INSTANCE, REPO, &rule_id)
        .await
        .unwrap();
    assert!(client
        .find_repo_build_rule(INSTANCE, REPO, &rule_id)
        .await
        .unwrap()
        .is_none());
}

#[tokio::test]
async fn build_rule_list_coalesced() {
    let emulator = start().await;
    let client = client(&emulator);
    client
        .create_repo_build_rule(INSTANCE, REPO, &rule_spec("v1"))
        .await
        .unwrap();
    emulator.admin().reset_requests();
    let reads = (0..40).map(|_| client.list_repo_build_rules(INSTANCE, REPO));
    let results = futures::future::join_all(reads).await;
    assert!(results
        .iter()
        .all(|r| matches!(r, Ok(rules) if rules.len() == 1)));
    assert_eq!(
        emulator
            .admin()
            .request_counts()
            .action("ListRepoBuildRule"),
        1
    );
}

#[tokio::test]
async fn throttling_retried_until_success() {
    let emulator = start().await;
    emulator.admin().set_realism(Realism {
        throttle_rate: 0.5,
        ..Realism::instant()
    });
    let clock = ManualClock::new();
    let mut config = config(&emulator);
    config.max_retries = 30;
    let client = CrClient::with_clock(config, Arc::new(clock.clone())).unwrap();
    for _ in 0..10 {
        client.get_instance(INSTANCE).await.unwrap();
    }
    let calls = emulator.admin().request_counts().action("GetInstance");
    assert_eq!(clock.sleeps().len() as u64, calls - 10);
}

#[tokio::test]
async fn throttling_budget_exhausted() {
    let emulator = start().await;
    emulator.admin().set_realism(Realism {
        throttle_rate: 1.0,
        retry_after_ms: 3000,
        ..Realism::instant()
    });
    let clock = ManualClock::new();
    let mut config = config(&emulator);
    config.max_retries = 3;
    let client = CrClient::with_clock(config, Arc::new(clock.clone())).unwrap();
    let error = client.get_instance(INSTANCE).await.unwrap_err();
    assert!(error.is_throttling(), "{error}");
    assert_eq!(emulator.admin().request_counts().action("GetInstance"), 4);
    let honoured = clock
        .sleeps()
        .iter()
        .filter(|d| **d >= Duration::from_secs(3))
        .count();
    assert!(
        honoured >= 1,
        "x-acs-retry-after ignored: {:?}",
        clock.sleeps()
    );
}

#[tokio::test]
async fn deadline_stops_retries() {
    let emulator = start().await;
    emulator.admin().set_realism(Realism {
        throttle_rate: 1.0,
        ..Realism::instant()
    });
    let clock = ManualClock::new();
    let client = CrClient::with_clock(config(&emulator), Arc::new(clock.clone())).unwrap();
    let bounded = client.with_deadline(alicr_client::Clock::now(&clock) + Duration::from_millis(1));
    let error = bounded.get_instance(INSTANCE).await.unwrap_err();
    assert!(matches!(error, Error::Timeout { .. }), "{error}");
}

#[tokio::test]
async fn cancel_stops_call() {
    let emulator = start().await;
    emulator.admin().set_realism(Realism {
        latency_ms: 5_000,
        ..Realism::instant()
    });
    let token = tokio_util::sync::CancellationToken::new();
    let client = client(&emulator).with_cancel(token.clone());
    token.cancel();
    let error = client.get_instance(INSTANCE).await.unwrap_err();
    assert!(matches!(error, Error::Cancelled { .. }), "{error}");
}

#[tokio::test]
async fn lost_create_not_resent() {
    let emulator = start().await;
    emulator.admin().set_realism(Realism {
        lost_response_rate: 1.0,
        ..Realism::instant()
    });
    let client = client(&emulator);
    let error = client
        .create_repo_build_rule(INSTANCE, REPO, &rule_spec("v1"))
        .await
        .unwrap_err();
    assert!(error.may_have_been_applied(), "{error}");
    assert_eq!(
        emulator
            .admin()
            .request_counts()
            .action("CreateRepoBuildRule"),
        1
    );
}

#[tokio::test]
async fn assume_role_shared() {
    let emulator = start().await;
    let mut config = config(&emulator);
    config.assume_role = Some(AssumeRoleConfig::new(
        alicr_emulator::SECOND_ACCOUNT_ROLE_ARN,
    ));
    let client = CrClient::new(config).unwrap();
    let reads = (0..300).map(|_| client.get_instance("cri-shared0000000001"));
    let results = futures::future::join_all(reads).await;
    assert!(
        results.iter().all(Result::is_ok),
        "{:?}",
        results.iter().find(|r| r.is_err())
    );
    assert_eq!(emulator.admin().request_counts().action("AssumeRole"), 1);
}

#[tokio::test]
async fn vpc_lookups() {
    let emulator = start().await;
    let client = client(&emulator);
    let vswitch = client
        .describe_vswitch("vsw-bp1demoh0000000000001")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(vswitch.vpc_id, "vpc-bp1demo00000000000001");
    assert!(client
        .describe_vpc("vpc-bp1missing0000000001")
        .await
        .unwrap()
        .is_none());
}

#[tokio::test]
async fn vpc_link_lifecycle() {
    let emulator = start().await;
    let client = client(&emulator);
    let spec = BuildVpcLinkSpec {
        instance_id: INSTANCE.into(),
        vpc_id: "vpc-bp1demo00000000000001".into(),
        vswitch_id: "vsw-bp1demoh0000000000001".into(),
        gitlab_ip: "192.168.1.10".into(),
        allowed_ips: vec!["192.168.1.11".into()],
        data_center_cidrs: vec![],
    };

    let link_id = client
        .create_build_vpc_link(&spec, "token-1")
        .await
        .unwrap();
    assert_eq!(
        client
            .create_build_vpc_link(&spec, "token-1")
            .await
            .unwrap(),
        link_id
    );
    assert_eq!(
        client.list_build_vpc_links(INSTANCE).await.unwrap().len(),
        1
    );

    client
        .update_build_vpc_link(INSTANCE, &link_id, &[], &["10.8.0.0/16".into()])
        .await
        .unwrap();
    let link = client.get_build_vpc_link(INSTANCE, &link_id).await.unwrap();
    assert!(link.allowed_ips.is_empty());
    assert_eq!(link.data_center_cidrs, vec!["10.8.0.0/16".to_owned()]);

    client
        .delete_build_vpc_link(INSTANCE, &link_id)
        .await
        .unwrap();
    let deleted_read = client
        .get_build_vpc_link(INSTANCE, &link_id)
        .await
        .unwrap_err();
    assert!(deleted_read.is_not_found(), "{deleted_read}");
}
