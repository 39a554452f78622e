//! The tfplugin6 service served in-process over a unix socket and driven
//! with a generic gRPC client: schema conversion, diagnostics with attribute
//! paths, StopProvider, malformed values and unsupported RPCs.

mod common;

#[path = "../examples/terraform-provider-corner/provider.rs"]
#[allow(dead_code)]
mod corner;

use std::sync::Arc;

use alicr_framework::msgpack::{self, NumberEncoding};
use alicr_framework::{Type, Value};
use alicr_protocol::proto::tfplugin6 as pb;
use pb::attribute_path::step::Selector;
use tokio_util::sync::CancellationToken;
use tonic::transport::Channel;

struct Served {
    channel: Channel,
    _dir: tempfile::TempDir,
    shutdown: CancellationToken,
}

impl Drop for Served {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

async fn serve_corner() -> Served {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let socket = dir.path().join("plugin.sock");
    let listener = tokio::net::UnixListener::bind(&socket).unwrap_or_else(|e| panic!("bind: {e}"));
    let shutdown = CancellationToken::new();
    let router = alicr_protocol::plugin_router(Arc::new(corner::CornerProvider), &shutdown).await;
    let incoming = tokio_stream::wrappers::UnixListenerStream::new(listener);
    tokio::spawn(router.serve_with_incoming_shutdown(incoming, shutdown.clone().cancelled_owned()));
    Served {
        channel: common::connect(&socket, None).await,
        _dir: dir,
        shutdown,
    }
}

async fn call<Req, Resp>(served: &Served, method: &'static str, request: Req) -> Resp
where
    Req: prost::Message + Send + Sync + 'static,
    Resp: prost::Message + Default + Send + Sync + 'static,
{
    common::unary(&served.channel, method, request)
        .await
        .unwrap_or_else(|status| panic!("{method} returned a gRPC error: {status}"))
}

async fn schema(served: &Served) -> pb::get_provider_schema::Response {
    call(
        served,
        "/tfplugin6.Provider/GetProviderSchema",
        pb::get_provider_schema::Request {},
    )
    .await
}

fn thing_block(response: &pb::get_provider_schema::Response) -> pb::schema::Block {
    response
        .resource_schemas
        .get("corner_thing")
        .and_then(|schema| schema.block.clone())
        .unwrap_or_else(|| panic!("corner_thing schema missing"))
}

fn attribute(block: &pb::schema::Block, name: &str) -> pb::schema::Attribute {
    block
        .attributes
        .iter()
        .find(|a| a.name == name)
        .cloned()
        .unwrap_or_else(|| panic!("attribute {name} missing"))
}

fn encode(value: &Value, ty: &Type) -> Option<pb::DynamicValue> {
    let bytes = msgpack::encode(value, ty, NumberEncoding::Standard)
        .unwrap_or_else(|e| panic!("encode: {e}"));
    Some(pb::DynamicValue {
        msgpack: bytes,
        json: Vec::new(),
    })
}

fn has_error(diagnostics: &[pb::Diagnostic]) -> bool {
    diagnostics
        .iter()
        .any(|d| d.severity == pb::diagnostic::Severity::Error as i32)
}

#[tokio::test]
async fn schema_provider_block_present() {
    let served = serve_corner().await;
    let response = schema(&served).await;
    assert!(response.provider.and_then(|p| p.block).is_some());
}

#[tokio::test]
async fn schema_resource_attributes() {
    let served = serve_corner().await;
    let block = thing_block(&schema(&served).await);
    assert!(attribute(&block, "password_wo").write_only);
    assert!(attribute(&block, "secret").sensitive);
    let size = attribute(&block, "size");
    assert!(size.optional);
    assert!(size.computed);
    assert!(attribute(&block, "name").required);
    assert_eq!(
        attribute(&block, "tags").r#type,
        br#"["map","string"]"#.to_vec()
    );
    assert_eq!(
        attribute(&block, "labels").r#type,
        br#"["set","string"]"#.to_vec()
    );
    assert_eq!(
        attribute(&block, "name").description_kind,
        pb::StringKind::Markdown as i32
    );
}

#[tokio::test]
async fn schema_nested_block_and_version() {
    let served = serve_corner().await;
    let response = schema(&served).await;
    assert_eq!(response.resource_schemas["corner_thing"].version, 1);
    let rule = &thing_block(&response).block_types[0];
    assert_eq!(rule.type_name, "rule");
    assert_eq!(
        rule.nesting,
        pb::schema::nested_block::NestingMode::List as i32
    );
}

#[tokio::test]
async fn schema_data_source_and_function() {
    let served = serve_corner().await;
    let response = schema(&served).await;
    assert!(response.data_source_schemas.contains_key("corner_lookup"));
    let upper = &response.functions["upper"];
    assert_eq!(
        upper.r#return.as_ref().map(|r| r.r#type.clone()),
        Some(b"\"string\"".to_vec())
    );
}

#[tokio::test]
async fn metadata_lists_types() {
    let served = serve_corner().await;
    let response: pb::get_metadata::Response = call(
        &served,
        "/tfplugin6.Provider/GetMetadata",
        pb::get_metadata::Request {},
    )
    .await;
    assert_eq!(response.resources[0].type_name, "corner_thing");
    assert_eq!(response.functions[0].name, "upper");
}

#[tokio::test]
async fn stop_provider_returns_no_error() {
    let served = serve_corner().await;
    let response: pb::stop_provider::Response = call(
        &served,
        "/tfplugin6.Provider/StopProvider",
        pb::stop_provider::Request {},
    )
    .await;
    assert_eq!(response.error, "");
}

#[tokio::test]
async fn malformed_value_is_diagnostic() {
    let served = serve_corner().await;
    let garbage = Some(pb::DynamicValue {
        msgpack: vec![0xc1, 0xff],
        json: Vec::new(),
    });
    let request = pb::plan_resource_change::Request {
        type_name: "corner_thing".into(),
        prior_state: garbage.clone(),
        proposed_new_state: garbage.clone(),
        config: garbage,
        ..Default::default()
    };
    let response: pb::plan_resource_change::Response =
        call(&served, "/tfplugin6.Provider/PlanResourceChange", request).await;
    assert!(has_error(&response.diagnostics));
}

#[tokio::test]
async fn unknown_type_is_diagnostic() {
    let served = serve_corner().await;
    let request = pb::validate_resource_config::Request {
        type_name: "corner_nothing".into(),
        ..Default::default()
    };
    let response: pb::validate_resource_config::Response = call(
        &served,
        "/tfplugin6.Provider/ValidateResourceConfig",
        request,
    )
    .await;
    assert!(has_error(&response.diagnostics));
}

#[tokio::test]
async fn ephemeral_rpc_is_diagnostic() {
    let served = serve_corner().await;
    let request = pb::open_ephemeral_resource::Request {
        type_name: "corner_token".into(),
        ..Default::default()
    };
    let response: pb::open_ephemeral_resource::Response = call(
        &served,
        "/tfplugin6.Provider/OpenEphemeralResource",
        request,
    )
    .await;
    assert!(has_error(&response.diagnostics));
}

#[tokio::test]
async fn move_state_is_diagnostic() {
    let served = serve_corner().await;
    let request = pb::move_resource_state::Request {
        target_type_name: "corner_thing".into(),
        ..Default::default()
    };
    let response: pb::move_resource_state::Response =
        call(&served, "/tfplugin6.Provider/MoveResourceState", request).await;
    assert!(has_error(&response.diagnostics));
}

/// A configuration of `corner_thing` whose second rule has an invalid port,
/// so corner's validation must point at `rule[1].port`.
fn config_with_bad_port() -> (Value, Type) {
    let ty = corner::thing_schema().implied_type();
    let rule = |port: Value| Value::object([("port", port), ("protocol", Value::Null)]);
    let mut config = Value::object(
        [
            "id",
            "name",
            "description",
            "size",
            "secret",
            "password_wo",
            "tags",
            "labels",
            "summary",
        ]
        .map(|name| (name, Value::Null)),
    );
    config.set("name", Value::string("alpha"));
    config.set(
        "rule",
        Value::List(vec![
            rule(Value::number_i64(80)),
            rule(Value::number_i64(-1)),
        ]),
    );
    (config, ty)
}

#[tokio::test]
async fn diagnostic_carries_attribute_path() {
    let served = serve_corner().await;
    let (config, ty) = config_with_bad_port();
    let request = pb::validate_resource_config::Request {
        type_name: "corner_thing".into(),
        config: encode(&config, &ty),
        client_capabilities: None,
    };
    let response: pb::validate_resource_config::Response = call(
        &served,
        "/tfplugin6.Provider/ValidateResourceConfig",
        request,
    )
    .await;
    let path: Vec<Selector> = response
        .diagnostics
        .iter()
        .filter_map(|d| d.attribute.clone())
        .flat_map(|p| p.steps)
        .filter_map(|s| s.selector)
        .collect();
    let expected = vec![
        Selector::AttributeName("rule".into()),
        Selector::ElementKeyInt(1),
        Selector::AttributeName("port".into()),
    ];
    assert_eq!(path, expected, "diagnostics: {:?}", response.diagnostics);
}

#[tokio::test]
async fn call_function_upper() {
    let served = serve_corner().await;
    let request = pb::call_function::Request {
        name: "upper".into(),
        arguments: encode(&Value::string("abc"), &Type::String)
            .into_iter()
            .collect(),
    };
    let response: pb::call_function::Response =
        call(&served, "/tfplugin6.Provider/CallFunction", request).await;
    let result = response
        .result
        .map(|v| msgpack::decode(&v.msgpack, &Type::String))
        .and_then(Result::ok);
    assert_eq!(
        result.and_then(|v| v.as_str().map(str::to_string)),
        Some("ABC".to_string())
    );
}
