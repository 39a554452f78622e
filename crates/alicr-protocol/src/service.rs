//! The `tfplugin6.Provider` gRPC service. Each RPC opens a span, converts the
//! request, calls the framework's `ProviderServer` and converts the response. Failures
//! travel as diagnostics. A gRPC error status is never returned, because
//! Terraform turns those into opaque "Plugin error" messages.
//!
//! RPCs this provider does not support (ephemeral resources,
//! MoveResourceState) return an error diagnostic naming the RPC.

use tonic::{Request, Response};
use tracing::Instrument;

use crate::convert::{
    attribute_path_to_proto, diagnostics_to_proto, dynamic_value_from_proto,
    dynamic_value_to_proto, function_error_to_proto, functions_to_proto, metadata_to_proto,
    provider_schemas_to_proto,
};
use crate::panic_guard::guarded;
use crate::proto::tfplugin6 as pb;
use crate::proto::tfplugin6::provider_server::Provider as ProviderRpc;

mod support;

pub use support::ProviderService;
use support::{log_done, RpcResult};

#[tonic::async_trait]
impl ProviderRpc for ProviderService {
    async fn get_metadata(
        &self,
        _: Request<pb::get_metadata::Request>,
    ) -> RpcResult<pb::get_metadata::Response> {
        let _span = self.span("GetMetadata", "").entered();
        let response = metadata_to_proto(&self.server.get_provider_schema());
        log_done(&response.diagnostics);
        Ok(Response::new(response))
    }

    async fn get_provider_schema(
        &self,
        _: Request<pb::get_provider_schema::Request>,
    ) -> RpcResult<pb::get_provider_schema::Response> {
        let _span = self.span("GetProviderSchema", "").entered();
        let response = provider_schemas_to_proto(&self.server.get_provider_schema());
        log_done(&response.diagnostics);
        Ok(Response::new(response))
    }

    async fn validate_provider_config(
        &self,
        request: Request<pb::validate_provider_config::Request>,
    ) -> RpcResult<pb::validate_provider_config::Response> {
        let request = request.into_inner();
        let span = self.span("ValidateProviderConfig", "");
        let config = dynamic_value_from_proto(request.config);
        let diagnostics = guarded(
            "ValidateProviderConfig",
            self.server
                .validate_provider_config(config)
                .instrument(span.clone()),
        )
        .await;
        let diagnostics = diagnostics_to_proto(&diagnostics);
        span.in_scope(|| log_done(&diagnostics));
        Ok(Response::new(pb::validate_provider_config::Response {
            diagnostics,
        }))
    }

    async fn validate_resource_config(
        &self,
        request: Request<pb::validate_resource_config::Request>,
    ) -> RpcResult<pb::validate_resource_config::Response> {
        let request = request.into_inner();
        let span = self.span("ValidateResourceConfig", &request.type_name);
        let config = dynamic_value_from_proto(request.config);
        let diagnostics = guarded(
            "ValidateResourceConfig",
            self.server
                .validate_resource_config(&request.type_name, config)
                .instrument(span.clone()),
        )
        .await;
        let diagnostics = diagnostics_to_proto(&diagnostics);
        span.in_scope(|| log_done(&diagnostics));
        Ok(Response::new(pb::validate_resource_config::Response {
            diagnostics,
        }))
    }

    async fn validate_data_resource_config(
        &self,
        request: Request<pb::validate_data_resource_config::Request>,
    ) -> RpcResult<pb::validate_data_resource_config::Response> {
        let request = request.into_inner();
        let span = self.span("ValidateDataResourceConfig", &request.type_name);
        let config = dynamic_value_from_proto(request.config);
        let diagnostics = guarded(
            "ValidateDataResourceConfig",
            self.server
                .validate_data_resource_config(&request.type_name, config)
                .instrument(span.clone()),
        )
        .await;
        let diagnostics = diagnostics_to_proto(&diagnostics);
        span.in_scope(|| log_done(&diagnostics));
        Ok(Response::new(pb::validate_data_resource_config::Response {
            diagnostics,
        }))
    }

    async fn upgrade_resource_state(
        &self,
        request: Request<pb::upgrade_resource_state::Request>,
    ) -> RpcResult<pb::upgrade_resource_state::Response> {
        let request = request.into_inner();
        let span = self.span("UpgradeResourceState", &request.type_name);
        let raw_state_json = request.raw_state.map(|raw| raw.json).unwrap_or_default();
        let result = guarded(
            "UpgradeResourceState",
            self.server
                .upgrade_resource_state(&request.type_name, request.version, raw_state_json)
                .instrument(span.clone()),
        )
        .await;
        let response = pb::upgrade_resource_state::Response {
            upgraded_state: dynamic_value_to_proto(result.upgraded_state),
            diagnostics: diagnostics_to_proto(&result.diagnostics),
        };
        span.in_scope(|| log_done(&response.diagnostics));
        Ok(Response::new(response))
    }

    async fn configure_provider(
        &self,
        request: Request<pb::configure_provider::Request>,
    ) -> RpcResult<pb::configure_provider::Response> {
        let request = request.into_inner();
        let span = self.span("ConfigureProvider", "");
        let config = dynamic_value_from_proto(request.config);
        let diagnostics = guarded(
            "ConfigureProvider",
            self.server
                .configure_provider(request.terraform_version, config)
                .instrument(span.clone()),
        )
        .await;
        let diagnostics = diagnostics_to_proto(&diagnostics);
        span.in_scope(|| log_done(&diagnostics));
        Ok(Response::new(pb::configure_provider::Response {
            diagnostics,
        }))
    }

    async fn read_resource(
        &self,
        request: Request<pb::read_resource::Request>,
    ) -> RpcResult<pb::read_resource::Response> {
        let request = request.into_inner();
        let span = self.span("ReadResource", &request.type_name);
        let current_state = dynamic_value_from_proto(request.current_state);
        let result = guarded(
            "ReadResource",
            self.server
                .read_resource(&request.type_name, current_state, request.private)
                .instrument(span.clone()),
        )
        .await;
        let response = pb::read_resource::Response {
            new_state: dynamic_value_to_proto(result.new_state),
            diagnostics: diagnostics_to_proto(&result.diagnostics),
            private: result.private,
            deferred: None,
        };
        span.in_scope(|| log_done(&response.diagnostics));
        Ok(Response::new(response))
    }

    async fn plan_resource_change(
        &self,
        request: Request<pb::plan_resource_change::Request>,
    ) -> RpcResult<pb::plan_resource_change::Response> {
        let request = request.into_inner();
        let span = self.span("PlanResourceChange", &request.type_name);
        let result = guarded(
            "PlanResourceChange",
            self.server
                .plan_resource_change(
                    &request.type_name,
                    dynamic_value_from_proto(request.prior_state),
                    dynamic_value_from_proto(request.proposed_new_state),
                    dynamic_value_from_proto(request.config),
                    request.prior_private,
                )
                .instrument(span.clone()),
        )
        .await;
        let response = pb::plan_resource_change::Response {
            planned_state: dynamic_value_to_proto(result.planned_state),
            requires_replace: result
                .requires_replace
                .iter()
                .map(attribute_path_to_proto)
                .collect(),
            planned_private: result.planned_private,
            diagnostics: diagnostics_to_proto(&result.diagnostics),
            legacy_type_system: false,
            deferred: None,
        };
        span.in_scope(|| log_done(&response.diagnostics));
        Ok(Response::new(response))
    }

    async fn apply_resource_change(
        &self,
        request: Request<pb::apply_resource_change::Request>,
    ) -> RpcResult<pb::apply_resource_change::Response> {
        let request = request.into_inner();
        let span = self.span("ApplyResourceChange", &request.type_name);
        let result = guarded(
            "ApplyResourceChange",
            self.server
                .apply_resource_change(
                    &request.type_name,
                    dynamic_value_from_proto(request.prior_state),
                    dynamic_value_from_proto(request.planned_state),
                    dynamic_value_from_proto(request.config),
                    request.planned_private,
                )
                .instrument(span.clone()),
        )
        .await;
        let response = pb::apply_resource_change::Response {
            new_state: dynamic_value_to_proto(result.new_state),
            private: result.private,
            diagnostics: diagnostics_to_proto(&result.diagnostics),
            legacy_type_system: false,
        };
        span.in_scope(|| log_done(&response.diagnostics));
        Ok(Response::new(response))
    }

    async fn import_resource_state(
        &self,
        request: Request<pb::import_resource_state::Request>,
    ) -> RpcResult<pb::import_resource_state::Response> {
        let request = request.into_inner();
        let span = self.span("ImportResourceState", &request.type_name);
        let result = guarded(
            "ImportResourceState",
            self.server
                .import_resource_state(&request.type_name, request.id)
                .instrument(span.clone()),
        )
        .await;
        let imported_resources = result
            .imported_resources
            .into_iter()
            .map(|imported| pb::import_resource_state::ImportedResource {
                type_name: imported.type_name,
                state: dynamic_value_to_proto(Some(imported.state)),
                private: imported.private,
            })
            .collect();
        let response = pb::import_resource_state::Response {
            imported_resources,
            diagnostics: diagnostics_to_proto(&result.diagnostics),
            deferred: None,
        };
        span.in_scope(|| log_done(&response.diagnostics));
        Ok(Response::new(response))
    }

    async fn move_resource_state(
        &self,
        request: Request<pb::move_resource_state::Request>,
    ) -> RpcResult<pb::move_resource_state::Response> {
        let type_name = &request.get_ref().target_type_name;
        let diagnostics = self.reject("MoveResourceState", "MoveResourceState", type_name);
        Ok(Response::new(pb::move_resource_state::Response {
            diagnostics,
            ..Default::default()
        }))
    }

    async fn read_data_source(
        &self,
        request: Request<pb::read_data_source::Request>,
    ) -> RpcResult<pb::read_data_source::Response> {
        let request = request.into_inner();
        let span = self.span("ReadDataSource", &request.type_name);
        let config = dynamic_value_from_proto(request.config);
        let result = guarded(
            "ReadDataSource",
            self.server
                .read_data_source(&request.type_name, config)
                .instrument(span.clone()),
        )
        .await;
        let response = pb::read_data_source::Response {
            state: dynamic_value_to_proto(result.state),
            diagnostics: diagnostics_to_proto(&result.diagnostics),
            deferred: None,
        };
        span.in_scope(|| log_done(&response.diagnostics));
        Ok(Response::new(response))
    }

    async fn validate_ephemeral_resource_config(
        &self,
        request: Request<pb::validate_ephemeral_resource_config::Request>,
    ) -> RpcResult<pb::validate_ephemeral_resource_config::Response> {
        let type_name = &request.get_ref().type_name;
        let diagnostics = self.reject(
            "ValidateEphemeralResourceConfig",
            "ephemeral resources",
            type_name,
        );
        Ok(Response::new(
            pb::validate_ephemeral_resource_config::Response { diagnostics },
        ))
    }

    async fn open_ephemeral_resource(
        &self,
        request: Request<pb::open_ephemeral_resource::Request>,
    ) -> RpcResult<pb::open_ephemeral_resource::Response> {
        let type_name = &request.get_ref().type_name;
        let diagnostics = self.reject("OpenEphemeralResource", "ephemeral resources", type_name);
        Ok(Response::new(pb::open_ephemeral_resource::Response {
            diagnostics,
            ..Default::default()
        }))
    }

    async fn renew_ephemeral_resource(
        &self,
        request: Request<pb::renew_ephemeral_resource::Request>,
    ) -> RpcResult<pb::renew_ephemeral_resource::Response> {
        let type_name = &request.get_ref().type_name;
        let diagnostics = self.reject("RenewEphemeralResource", "ephemeral resources", type_name);
        Ok(Response::new(pb::renew_ephemeral_resource::Response {
            diagnostics,
            ..Default::default()
        }))
    }

    async fn close_ephemeral_resource(
        &self,
        request: Request<pb::close_ephemeral_resource::Request>,
    ) -> RpcResult<pb::close_ephemeral_resource::Response> {
        let type_name = &request.get_ref().type_name;
        let diagnostics = self.reject("CloseEphemeralResource", "ephemeral resources", type_name);
        Ok(Response::new(pb::close_ephemeral_resource::Response {
            diagnostics,
        }))
    }

    async fn get_functions(
        &self,
        _: Request<pb::get_functions::Request>,
    ) -> RpcResult<pb::get_functions::Response> {
        let _span = self.span("GetFunctions", "").entered();
        let schemas = self.server.get_provider_schema();
        Ok(Response::new(pb::get_functions::Response {
            functions: functions_to_proto(&schemas.functions),
            diagnostics: Vec::new(),
        }))
    }

    async fn call_function(
        &self,
        request: Request<pb::call_function::Request>,
    ) -> RpcResult<pb::call_function::Response> {
        let request = request.into_inner();
        let span = self.span("CallFunction", &request.name);
        let arguments = request
            .arguments
            .into_iter()
            .map(|argument| dynamic_value_from_proto(Some(argument)))
            .collect();
        let result = guarded(
            "CallFunction",
            self.server
                .call_function(&request.name, arguments)
                .instrument(span),
        )
        .await;
        Ok(Response::new(pb::call_function::Response {
            result: dynamic_value_to_proto(result.result),
            error: result.error.map(function_error_to_proto),
        }))
    }

    async fn stop_provider(
        &self,
        _: Request<pb::stop_provider::Request>,
    ) -> RpcResult<pb::stop_provider::Response> {
        let _span = self.span("StopProvider", "").entered();
        // Cancels in-flight work and returns at once. Terraform waits for the
        // interrupted RPCs themselves to finish.
        self.server.stop_provider();
        tracing::debug!("Stop requested; in-flight operations were cancelled");
        Ok(Response::new(pb::stop_provider::Response {
            error: String::new(),
        }))
    }
}
