//! Logging for a provider process: one JSON object per line on stderr, in the
//! hclog shape go-plugin parses (`@level`, `@message`, `@module`,
//! `@timestamp`, then the event's and its spans' fields). Terraform re-logs
//! these lines at the level they carry, filtered by its own `TF_LOG` settings.
//!
//! stdout is never written: it belongs to the handshake line.

use std::io::Write;
use std::sync::Mutex;

use serde_json::{Map, Value as Json};
use time::format_description::FormatItem;
use time::OffsetDateTime;
use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::filter::LevelFilter;
use tracing_subscriber::layer::{Context, Layer};
use tracing_subscriber::prelude::*;
use tracing_subscriber::registry::LookupSpan;

/// Field names shared by every log line, matching those of HashiCorp's Go
/// plugin SDKs so log tooling written for them works here too. Tools may
/// depend on these names, so do not rename them.
pub mod fields {
    /// The tfplugin6 RPC being served, such as `PlanResourceChange`.
    pub const RPC: &str = "tf_rpc";
    /// A per-process counter identifying one RPC.
    pub const REQUEST_ID: &str = "tf_req_id";
    /// The resource, data source or function type name of the RPC.
    pub const RESOURCE_TYPE: &str = "tf_resource_type";
    /// How many error diagnostics an RPC returned.
    pub const DIAGNOSTIC_ERROR_COUNT: &str = "diagnostic_error_count";
    /// The attribute path a message concerns.
    pub const ATTRIBUTE_PATH: &str = "tf_attribute_path";
}

/// The `@module` of this provider's lines.
pub const DEFAULT_MODULE: &str = "provider.terraform-provider-alicr";

/// Level variables, most specific first. The first one that is set decides.
pub const DEFAULT_LEVEL_VARIABLES: [&str; 3] =
    ["TF_LOG_PROVIDER_ALICR", "TF_LOG_PROVIDER", "TF_LOG"];

/// Crates whose DEBUG and TRACE events describe the gRPC transport (HTTP/2
/// frames, TLS records) rather than the provider. Only their warnings
/// and errors are logged.
const TRANSPORT_TARGETS: [&str; 6] = ["h2", "hyper", "hyper_util", "tonic", "tower", "rustls"];

/// hclog's timestamp layout, with microseconds and a literal `Z` for UTC.
const TIMESTAMP_FORMAT: &[FormatItem<'static>] = time::macros::format_description!(
    "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z"
);

/// Installs the stderr JSON subscriber for this provider, with the level from
/// `TF_LOG_PROVIDER_ALICR`, `TF_LOG_PROVIDER` or `TF_LOG`. Does nothing when
/// no level is set or a subscriber is already installed.
pub fn init() {
    let lookup = |name: &str| std::env::var(name).ok();
    init_with(
        DEFAULT_MODULE,
        level_from_env(&DEFAULT_LEVEL_VARIABLES, lookup),
    );
}

/// Installs the stderr JSON subscriber with an explicit module and level.
pub fn init_with(module: &str, level: LevelFilter) {
    if level == LevelFilter::OFF {
        return;
    }
    let layer = HclogLayer::new(module, level, std::io::stderr());
    // `set_global_default` rather than `try_init`, so `log` records (rustls
    // logs through `log`) are not bridged in. An error means a subscriber is
    // already installed, such as a test's.
    let _ = tracing::subscriber::set_global_default(tracing_subscriber::registry().with(layer));
}

/// Reads the log level from the first of `variables` that is set and not
/// empty. `JSON` means TRACE, as in Terraform. `OFF` or nothing set means no
/// logs. Terraform also treats an unrecognized value as TRACE, so this does
/// the same.
pub fn level_from_env(variables: &[&str], lookup: impl Fn(&str) -> Option<String>) -> LevelFilter {
    let Some(value) = variables
        .iter()
        .filter_map(|name| lookup(name))
        .find(|value| !value.trim().is_empty())
    else {
        return LevelFilter::OFF;
    };
    match value.trim().to_ascii_uppercase().as_str() {
        "OFF" => LevelFilter::OFF,
        "ERROR" => LevelFilter::ERROR,
        "WARN" => LevelFilter::WARN,
        "INFO" => LevelFilter::INFO,
        "DEBUG" => LevelFilter::DEBUG,
        _ => LevelFilter::TRACE,
    }
}

/// A `tracing` layer writing hclog JSON lines to a writer.
#[derive(Debug)]
pub struct HclogLayer<W> {
    module: String,
    level: LevelFilter,
    writer: Mutex<W>,
}

impl<W: Write> HclogLayer<W> {
    pub fn new(module: &str, level: LevelFilter, writer: W) -> HclogLayer<W> {
        HclogLayer {
            module: module.to_string(),
            level,
            writer: Mutex::new(writer),
        }
    }
}

/// Span fields, stored in the span's extensions when it opens.
#[derive(Debug, Default)]
struct SpanFields(Map<String, Json>);

impl<S, W> Layer<S> for HclogLayer<W>
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    W: Write + Send + 'static,
{
    fn enabled(&self, metadata: &tracing::Metadata<'_>, _: Context<'_, S>) -> bool {
        *metadata.level() <= self.level
            && (*metadata.level() <= Level::WARN || !is_transport(metadata.target()))
    }

    fn on_new_span(
        &self,
        attrs: &tracing::span::Attributes<'_>,
        id: &tracing::span::Id,
        ctx: Context<'_, S>,
    ) {
        let mut visitor = JsonVisitor::default();
        attrs.record(&mut visitor);
        if let Some(span) = ctx.span(id) {
            span.extensions_mut().insert(SpanFields(visitor.fields));
        }
    }

    fn on_record(
        &self,
        id: &tracing::span::Id,
        values: &tracing::span::Record<'_>,
        ctx: Context<'_, S>,
    ) {
        let Some(span) = ctx.span(id) else { return };
        let mut extensions = span.extensions_mut();
        if let Some(SpanFields(fields)) = extensions.get_mut::<SpanFields>() {
            let mut visitor = JsonVisitor::default();
            values.record(&mut visitor);
            fields.extend(visitor.fields);
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let mut visitor = JsonVisitor::default();
        event.record(&mut visitor);
        let mut fields = Map::new();
        if let Some(scope) = ctx.event_scope(event) {
            for span in scope.from_root() {
                if let Some(SpanFields(span_fields)) = span.extensions().get::<SpanFields>() {
                    fields.extend(span_fields.clone());
                }
            }
        }
        fields.extend(visitor.fields);
        let line = format_line(
            *event.metadata().level(),
            &visitor.message,
            &self.module,
            OffsetDateTime::now_utc(),
            fields,
        );
        if let Ok(mut writer) = self.writer.lock() {
            // A failed write to stderr has nowhere to be reported.
            let _ = writer.write_all(line.as_bytes());
            let _ = writer.flush();
        }
    }
}

/// Formats one hclog JSON line, newline included.
pub fn format_line(
    level: Level,
    message: &str,
    module: &str,
    timestamp: OffsetDateTime,
    fields: Map<String, Json>,
) -> String {
    let mut object = Map::new();
    object.insert("@level".into(), Json::from(hclog_level(level)));
    object.insert("@message".into(), Json::from(message));
    object.insert("@module".into(), Json::from(module));
    let timestamp = timestamp
        .to_offset(time::UtcOffset::UTC)
        .format(TIMESTAMP_FORMAT)
        .unwrap_or_default();
    object.insert("@timestamp".into(), Json::from(timestamp));
    for (key, value) in fields {
        if !key.starts_with('@') {
            object.insert(key, value);
        }
    }
    let mut line = Json::Object(object).to_string();
    line.push('\n');
    line
}

fn is_transport(target: &str) -> bool {
    let crate_name = target.split("::").next().unwrap_or(target);
    TRANSPORT_TARGETS.contains(&crate_name)
}

fn hclog_level(level: Level) -> &'static str {
    match level {
        Level::TRACE => "trace",
        Level::DEBUG => "debug",
        Level::INFO => "info",
        Level::WARN => "warn",
        Level::ERROR => "error",
    }
}

/// Collects an event's or span's fields as JSON, keeping `message` apart.
#[derive(Debug, Default)]
struct JsonVisitor {
    message: String,
    fields: Map<String, Json>,
}

impl JsonVisitor {
    fn insert(&mut self, field: &Field, value: Json) {
        if field.name() == "message" {
            self.message = match value {
                Json::String(text) => text,
                other => other.to_string(),
            };
        } else {
            self.fields.insert(field.name().to_string(), value);
        }
    }
}

impl Visit for JsonVisitor {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.insert(field, Json::from(value));
    }

    fn record_bool(&mut self, field: &Field, value: bool) {
        self.insert(field, Json::from(value));
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        self.insert(field, Json::from(value));
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        self.insert(field, Json::from(value));
    }

    fn record_f64(&mut self, field: &Field, value: f64) {
        self.insert(field, Json::from(value));
    }

    fn record_error(&mut self, field: &Field, value: &(dyn std::error::Error + 'static)) {
        self.insert(field, Json::from(value.to_string()));
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.insert(field, Json::from(format!("{value:?}")));
    }
}

#[cfg(test)]
#[path = "logging_tests.rs"]
mod tests;
