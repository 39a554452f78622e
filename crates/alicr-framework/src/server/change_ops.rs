//! PlanResourceChange and ApplyResourceChange.

use super::{
    decode_value, encode_value, log_done, private_bytes, ApplyResourceChangeResponse, DynamicValue,
    PlanResourceChangeResponse, ProviderServer, ResourceEntry,
};
use crate::consistency::{check_apply, check_plan, to_diagnostics, Phase};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::msgpack::NumberEncoding;
use crate::plan::{force_new_paths, plan_change};
use crate::private::Private;
use crate::resource::{
    CreateRequest, DeleteRequest, ModifyPlanRequest, StateResponse, UpdateRequest,
};
use crate::shape::{complete, null_write_only, unknowns_to_null};
use crate::value::Value;

/// The decoded prior state, planned or proposed state, and configuration.
struct Values {
    prior: Value,
    next: Value,
    config: Value,
}

fn decode_all(
    entry: &ResourceEntry,
    prior: &DynamicValue,
    next: &DynamicValue,
    next_name: &str,
    config: &DynamicValue,
) -> Result<Values, Diagnostic> {
    Ok(Values {
        prior: decode_value(prior, &entry.ty, "prior state")?,
        next: decode_value(next, &entry.ty, next_name)?,
        config: decode_value(config, &entry.ty, "configuration")?,
    })
}

impl ProviderServer {
    /// Plans a create or update by the schema's rules, then lets the resource
    /// adjust the plan, then checks the result against Terraform's plan rules.
    /// A null proposed state is a destroy: the plan is null and the private
    /// state is passed on unchanged.
    pub async fn plan_resource_change(
        &self,
        type_name: &str,
        prior_state: DynamicValue,
        proposed_new_state: DynamicValue,
        config: DynamicValue,
        prior_private: Vec<u8>,
    ) -> PlanResourceChangeResponse {
        let mut response = PlanResourceChangeResponse::default();
        let decoded = self.resource_entry(type_name).and_then(|entry| {
            Ok((
                entry,
                decode_all(
                    entry,
                    &prior_state,
                    &proposed_new_state,
                    "proposed new state",
                    &config,
                )?,
            ))
        });
        match decoded {
            Ok((entry, values)) => {
                self.plan(type_name, entry, values, prior_private, &mut response)
                    .await
            }
            Err(d) => response.diagnostics.push(d),
        }
        log_done("PlanResourceChange", type_name, &response.diagnostics);
        response
    }

    async fn plan(
        &self,
        type_name: &str,
        entry: &ResourceEntry,
        values: Values,
        prior_private: Vec<u8>,
        response: &mut PlanResourceChangeResponse,
    ) {
        let Values {
            prior,
            next: proposed,
            config,
        } = values;
        if proposed.is_null() {
            response.planned_state = encode_value(
                &Value::Null,
                &entry.ty,
                NumberEncoding::Standard,
                "planned state",
            )
            .ok();
            response.planned_private = prior_private;
            return;
        }
        let block = &entry.schema.block;
        let change = plan_change(block, &prior, &proposed, &config);
        let mut request = ModifyPlanRequest {
            ctx: self.context(),
            config: config.clone(),
            prior_state: prior.clone(),
            planned_state: change.planned_state,
            requires_replace: change.requires_replace,
            private: Private::from_bytes(&prior_private),
            diagnostics: Diagnostics::new(),
        };
        entry.resource.modify_plan(&mut request).await;
        response.diagnostics.extend(request.diagnostics);

        let planned = complete(block, &request.planned_state);
        let mut requires_replace = request.requires_replace;
        if prior.is_null() {
            // Terraform ignores replacement paths on create.
            requires_replace.clear();
        } else {
            requires_replace.extend(force_new_paths(block, &prior, &planned));
        }
        requires_replace.sort();
        requires_replace.dedup();
        response.requires_replace = requires_replace;
        response.planned_private = private_bytes(&request.private, &prior_private);
        if response.diagnostics.has_error() {
            return;
        }

        let violations = check_plan(block, &config, &prior, &planned);
        response
            .diagnostics
            .extend(to_diagnostics(Phase::Plan, type_name, violations));
        match encode_value(
            &planned,
            &entry.ty,
            NumberEncoding::Standard,
            "planned state",
        ) {
            Ok(state) => response.planned_state = Some(state),
            Err(d) => response.diagnostics.push(d),
        }
    }

    /// Applies a planned change: null prior is a create, null planned is a
    /// delete, anything else an update. The result is checked against the
    /// plan; where it disagrees, the planned value is sent with an error.
    pub async fn apply_resource_change(
        &self,
        type_name: &str,
        prior_state: DynamicValue,
        planned_state: DynamicValue,
        config: DynamicValue,
        planned_private: Vec<u8>,
    ) -> ApplyResourceChangeResponse {
        let mut response = ApplyResourceChangeResponse::default();
        let decoded = self.resource_entry(type_name).and_then(|entry| {
            Ok((
                entry,
                decode_all(
                    entry,
                    &prior_state,
                    &planned_state,
                    "planned state",
                    &config,
                )?,
            ))
        });
        match decoded {
            Ok((entry, values)) => {
                self.apply(type_name, entry, values, planned_private, &mut response)
                    .await
            }
            Err(d) => response.diagnostics.push(d),
        }
        log_done("ApplyResourceChange", type_name, &response.diagnostics);
        response
    }

    async fn apply(
        &self,
        type_name: &str,
        entry: &ResourceEntry,
        values: Values,
        planned_private: Vec<u8>,
        response: &mut ApplyResourceChangeResponse,
    ) {
        let Values {
            prior,
            next: planned,
            config,
        } = values;
        let ctx = self.context();
        let private = Private::from_bytes(&planned_private);
        let result = match (prior.is_null(), planned.is_null()) {
            (true, true) => {
                response.diagnostics.push(Diagnostic::error(
                    "Invalid change from Terraform",
                    format!("Terraform asked to apply a change to {type_name} with neither a prior nor a planned state. Run the plan again."),
                ));
                return;
            }
            (false, true) => {
                self.delete(entry, prior, private, planned_private, response)
                    .await;
                return;
            }
            (true, false) => {
                let request = CreateRequest {
                    ctx,
                    config,
                    planned_state: planned.clone(),
                    private,
                };
                entry.resource.create(request).await
            }
            (false, false) => {
                let request = UpdateRequest {
                    ctx,
                    config,
                    prior_state: prior,
                    planned_state: planned.clone(),
                    private,
                };
                entry.resource.update(request).await
            }
        };
        let new_state = self.checked_new_state(type_name, entry, &planned, &result, response);
        response.private = private_bytes(&result.private, &planned_private);
        match encode_value(&new_state, &entry.ty, NumberEncoding::Standard, "new state") {
            Ok(state) => response.new_state = Some(state),
            Err(d) => response.diagnostics.push(d),
        }
    }

    /// Deletes the object. On error the prior state is returned, so the object
    /// stays in Terraform's state and the delete can be retried.
    async fn delete(
        &self,
        entry: &ResourceEntry,
        prior: Value,
        private: Private,
        planned_private: Vec<u8>,
        response: &mut ApplyResourceChangeResponse,
    ) {
        let request = DeleteRequest {
            ctx: self.context(),
            prior_state: prior.clone(),
            private,
        };
        response
            .diagnostics
            .extend(entry.resource.delete(request).await);
        let (state, private) = if response.diagnostics.has_error() {
            (prior, planned_private)
        } else {
            (Value::Null, Vec::new())
        };
        response.private = private;
        match encode_value(&state, &entry.ty, NumberEncoding::Standard, "new state") {
            Ok(state) => response.new_state = Some(state),
            Err(d) => response.diagnostics.push(d),
        }
    }

    /// Completes and checks the state a create or update returned.
    fn checked_new_state(
        &self,
        type_name: &str,
        entry: &ResourceEntry,
        planned: &Value,
        result: &StateResponse,
        response: &mut ApplyResourceChangeResponse,
    ) -> Value {
        response.diagnostics.extend(result.diagnostics.clone());
        let block = &entry.schema.block;
        if result.new_state.is_null() {
            if !response.diagnostics.has_error() {
                response.diagnostics.push(Diagnostic::error(
                    "Provider returned a null object",
                    format!("Applying the change to {type_name} returned no state and no error. This is a bug in the provider; please report it."),
                ));
            }
            return Value::Null;
        }
        let new_state = complete(block, &result.new_state);
        if response.diagnostics.has_error() {
            // A partial state after an error is saved as it is (tainted after a
            // create); Terraform skips the plan comparison in that case.
            return null_write_only(block, &unknowns_to_null(&new_state));
        }
        let (value, violations) = check_apply(block, planned, &new_state);
        response
            .diagnostics
            .extend(to_diagnostics(Phase::Apply, type_name, violations));
        value
    }
}
