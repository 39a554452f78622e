//! The state shared by every RPC of the `tfplugin6.Provider` service (the
//! framework server and the request counter of the log spans) and the
//! helpers that end an RPC.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use alicr_framework::server::ProviderServer;
use tonic::{Response, Status};

use crate::convert::error_diagnostics;
use crate::logging::fields;
use crate::proto::tfplugin6 as pb;

pub(super) type RpcResult<T> = Result<Response<T>, Status>;

/// Serves tfplugin6 from a framework [`ProviderServer`].
#[derive(Debug)]
pub struct ProviderService {
    pub(super) server: Arc<ProviderServer>,
    next_request_id: AtomicU64,
}

impl ProviderService {
    pub fn new(server: Arc<ProviderServer>) -> ProviderService {
        ProviderService {
            server,
            next_request_id: AtomicU64::new(1),
        }
    }

    /// Opens the span every log line of one RPC carries.
    pub(super) fn span(&self, rpc: &'static str, resource_type: &str) -> tracing::Span {
        let request_id = self.next_request_id.fetch_add(1, Ordering::Relaxed);
        tracing::trace_span!(
            "rpc",
            { fields::RPC } = rpc,
            { fields::REQUEST_ID } = request_id,
            { fields::RESOURCE_TYPE } = resource_type,
        )
    }

    /// Ends an RPC this provider does not implement, for `feature` of
    /// `type_name`, and returns its error diagnostic.
    pub(super) fn reject(
        &self,
        rpc: &'static str,
        feature: &str,
        type_name: &str,
    ) -> Vec<pb::Diagnostic> {
        let _span = self.span(rpc, type_name).entered();
        let diagnostics = unsupported(feature, type_name);
        log_done(&diagnostics);
        diagnostics
    }
}

/// Logs the end of an RPC at TRACE, with how many error diagnostics it returns.
pub(super) fn log_done(diagnostics: &[pb::Diagnostic]) {
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity == pb::diagnostic::Severity::Error as i32)
        .count();
    tracing::trace!({ fields::DIAGNOSTIC_ERROR_COUNT } = errors, "Served RPC");
}

/// Builds the error diagnostic of an RPC this provider does not implement.
fn unsupported(rpc: &str, type_name: &str) -> Vec<pb::Diagnostic> {
    error_diagnostics(
        "Unsupported Operation",
        format!(
            "This provider does not implement {rpc}, so \"{type_name}\" cannot be used this way. \
             Remove the configuration that needs it."
        ),
    )
}
