//! Keeps a panic in provider code from killing the plugin process. Terraform
//! reports a dead plugin as "Plugin did not respond" and loses track of work in
//! flight. A caught panic instead becomes an error diagnostic on that one
//! operation, and every other RPC keeps being served.

use std::any::Any;
use std::future::Future;
use std::panic::AssertUnwindSafe;

use alicr_framework::diagnostics::{Diagnostic, Diagnostics};
use alicr_framework::function::FunctionError;
use alicr_framework::server::{
    ApplyResourceChangeResponse, CallFunctionResponse, ImportResourceStateResponse,
    PlanResourceChangeResponse, ReadDataSourceResponse, ReadResourceResponse,
    UpgradeResourceStateResponse,
};
use futures::FutureExt;

/// A framework response that can report a panic instead of its usual content.
pub(crate) trait FromPanic {
    fn from_panic(diagnostic: Diagnostic) -> Self;
}

impl FromPanic for Diagnostics {
    fn from_panic(diagnostic: Diagnostic) -> Self {
        diagnostic.into()
    }
}

macro_rules! from_panic_with_diagnostics {
    ($($response:ty),* $(,)?) => {$(
        impl FromPanic for $response {
            fn from_panic(diagnostic: Diagnostic) -> Self {
                Self {
                    diagnostics: diagnostic.into(),
                    ..Default::default()
                }
            }
        }
    )*};
}

from_panic_with_diagnostics!(
    UpgradeResourceStateResponse,
    ReadResourceResponse,
    PlanResourceChangeResponse,
    ApplyResourceChangeResponse,
    ImportResourceStateResponse,
    ReadDataSourceResponse,
);

impl FromPanic for CallFunctionResponse {
    fn from_panic(diagnostic: Diagnostic) -> Self {
        CallFunctionResponse {
            result: None,
            error: Some(FunctionError {
                text: diagnostic.detail,
                function_argument: None,
            }),
        }
    }
}

/// Runs one framework call; a panic inside it becomes an error diagnostic.
pub(crate) async fn guarded<T: FromPanic>(rpc: &'static str, call: impl Future<Output = T>) -> T {
    match AssertUnwindSafe(call).catch_unwind().await {
        Ok(response) => response,
        Err(payload) => {
            let message = panic_message(payload.as_ref());
            tracing::error!(tf_rpc = rpc, panic = %message, "Provider code panicked; returning an error diagnostic");
            T::from_panic(Diagnostic::error(
                "Provider Internal Error",
                format!(
                    "The provider failed unexpectedly while handling {rpc}: {message}. Nothing else \
                     was affected; if this operation created a remote object, the next plan reads \
                     it again. This is always a bug in the provider; please report it with this \
                     message."
                ),
            ))
        }
    }
}

fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_string()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "a panic without a message".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn panic_becomes_error_diagnostic() {
        let diagnostics: Diagnostics = guarded("ReadResource", async { panic!("boom") }).await;
        assert!(diagnostics.has_error());
        let detail = &diagnostics
            .iter()
            .next()
            .map(|d| d.detail.clone())
            .unwrap_or_default();
        assert!(detail.contains("boom"), "{detail}");
        assert!(detail.contains("ReadResource"), "{detail}");
    }

    #[tokio::test]
    async fn normal_result_passes_through() {
        let diagnostics: Diagnostics = guarded("ReadResource", async { Diagnostics::new() }).await;
        assert!(diagnostics.is_empty());
    }
}
