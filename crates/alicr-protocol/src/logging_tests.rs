//! Tests of the hclog JSON layer and the level variables.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::*;

fn lookup_in(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let map: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    move |name| map.get(name).cloned()
}

fn level(vars: &[(&str, &str)]) -> LevelFilter {
    level_from_env(&DEFAULT_LEVEL_VARIABLES, lookup_in(vars))
}

#[test]
fn line_exact_shape() {
    let timestamp = time::macros::datetime!(2026-12-04 10:00:00 UTC);
    let mut fields = Map::new();
    fields.insert("tf_rpc".into(), Json::from("ReadResource"));
    let line = format_line(
        Level::DEBUG,
        "Served RPC",
        DEFAULT_MODULE,
        timestamp,
        fields,
    );
    let expected = concat!(
        r#"{"@level":"debug","@message":"Served RPC","#,
        r#""@module":"provider.terraform-provider-alicr","#,
        r#""@timestamp":"2026-12-04T10:00:00.000000Z","tf_rpc":"ReadResource"}"#,
        "\n"
    );
    assert_eq!(line, expected);
}

#[test]
fn line_keeps_microseconds() {
    let timestamp = time::macros::datetime!(2026-01-02 03:04:05.123456789 UTC);
    let line = format_line(Level::INFO, "m", "x", timestamp, Map::new());
    assert!(line.contains(r#""@timestamp":"2026-01-02T03:04:05.123456Z""#));
}

#[test]
fn line_fields_cannot_override_reserved_keys() {
    let mut fields = Map::new();
    fields.insert("@level".into(), Json::from("error"));
    let line = format_line(Level::WARN, "m", "x", OffsetDateTime::UNIX_EPOCH, fields);
    assert!(line.starts_with(r#"{"@level":"warn""#));
}

#[test]
fn level_unset_is_off() {
    assert_eq!(level(&[]), LevelFilter::OFF);
}

#[test]
fn level_provider_specific_wins() {
    let vars = [
        ("TF_LOG", "trace"),
        ("TF_LOG_PROVIDER", "info"),
        ("TF_LOG_PROVIDER_ALICR", "warn"),
    ];
    assert_eq!(level(&vars), LevelFilter::WARN);
}

#[test]
fn level_provider_before_global() {
    assert_eq!(
        level(&[("TF_LOG", "trace"), ("TF_LOG_PROVIDER", "error")]),
        LevelFilter::ERROR
    );
}

#[test]
fn level_global_fallback() {
    assert_eq!(level(&[("TF_LOG", "DEBUG")]), LevelFilter::DEBUG);
}

#[test]
fn level_json_means_trace() {
    assert_eq!(level(&[("TF_LOG", "JSON")]), LevelFilter::TRACE);
}

#[test]
fn level_off_disables() {
    assert_eq!(
        level(&[("TF_LOG_PROVIDER_ALICR", "off"), ("TF_LOG", "trace")]),
        LevelFilter::OFF
    );
}

#[test]
fn level_empty_value_skipped() {
    assert_eq!(
        level(&[("TF_LOG_PROVIDER_ALICR", ""), ("TF_LOG", "info")]),
        LevelFilter::INFO
    );
}

/// A writer that appends into a shared buffer the test reads afterwards.
#[derive(Clone, Default)]
struct SharedBuffer(Arc<Mutex<Vec<u8>>>);

impl Write for SharedBuffer {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut buffer) = self.0.lock() {
            buffer.extend_from_slice(bytes);
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl SharedBuffer {
    fn lines(&self) -> Vec<Json> {
        let bytes = self.0.lock().map(|b| b.clone()).unwrap_or_default();
        String::from_utf8_lossy(&bytes)
            .lines()
            .map(|line| serde_json::from_str(line).unwrap_or(Json::Null))
            .collect()
    }
}

fn capture(level: LevelFilter, emit: impl FnOnce()) -> Vec<Json> {
    let buffer = SharedBuffer::default();
    let layer = HclogLayer::new(DEFAULT_MODULE, level, buffer.clone());
    let subscriber = tracing_subscriber::registry().with(layer);
    tracing::subscriber::with_default(subscriber, emit);
    buffer.lines()
}

#[test]
fn layer_writes_event_with_span_fields() {
    let lines = capture(LevelFilter::TRACE, || {
        let span = tracing::trace_span!("rpc", tf_rpc = "PlanResourceChange", tf_req_id = 7u64);
        let _entered = span.enter();
        tracing::debug!(api_action = "GetInstance", "Called the API");
    });
    assert_eq!(lines.len(), 1);
    let line = &lines[0];
    assert_eq!(line["@level"], "debug");
    assert_eq!(line["@message"], "Called the API");
    assert_eq!(line["@module"], DEFAULT_MODULE);
    assert_eq!(line["tf_rpc"], "PlanResourceChange");
    assert_eq!(line["tf_req_id"], 7);
    assert_eq!(line["api_action"], "GetInstance");
}

#[test]
fn layer_filters_below_level() {
    let lines = capture(LevelFilter::INFO, || {
        tracing::debug!("hidden");
        tracing::warn!("shown");
    });
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["@message"], "shown");
}

#[test]
fn layer_quiets_transport_debug() {
    let lines = capture(LevelFilter::TRACE, || {
        tracing::debug!(target: "h2::codec", "frame");
        tracing::warn!(target: "h2::codec", "broken");
    });
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["@message"], "broken");
}
