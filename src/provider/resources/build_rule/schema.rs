//! The schema of `alicr_build_rule` and the checks of its values that run at
//! validate and plan time.

use std::collections::BTreeMap;

use alicr_framework::validators::{OneOf, StringCheck, Validator};
use alicr_framework::{Attribute, AttributePath, Block, Diagnostics, Schema, Type, Value};

use super::DEFAULTS;
use crate::provider::resources::timeouts;

/// Platforms `CreateRepoBuildRule` accepts.
pub const PLATFORMS: &[&str] = &[
    "linux/amd64",
    "linux/arm64",
    "linux/386",
    "linux/arm/v7",
    "linux/arm/v6",
];

fn platform_check(value: &str) -> Result<(), String> {
    if PLATFORMS.contains(&value) {
        Ok(())
    } else {
        Err(format!(
            "platforms contains {value:?}, but each platform must be one of: {}.",
            PLATFORMS.join(", ")
        ))
    }
}

fn non_empty(value: &str) -> Result<(), String> {
    if value.is_empty() {
        Err("The value is empty, which the API reads as unset; remove the attribute to use its default, or give a value.".to_string())
    } else {
        Ok(())
    }
}

fn non_empty_check() -> StringCheck {
    StringCheck {
        check: non_empty,
        description: "Must not be empty.",
    }
}

/// Checks the names of `build_args`. The API takes each argument as one
/// `NAME=value` string and splits it at the first `=`, so a name that is
/// empty or contains `=` would come back as another name.
#[derive(Debug, Clone, Copy)]
struct BuildArgNames;

impl Validator for BuildArgNames {
    fn validate(&self, path: &AttributePath, value: &Value, diagnostics: &mut Diagnostics) {
        let Value::Map(entries) = value else { return };
        for name in entries.keys() {
            if name.is_empty() || name.contains('=') {
                diagnostics.attribute_error(
                    path.clone(),
                    "Invalid build argument name",
                    format!("build_args has the name {name:?}, but a name must be non-empty and must not contain \"=\", because the API stores each argument as NAME=value. Rename the argument."),
                );
            }
        }
    }

    fn description(&self) -> String {
        "Names must be non-empty and must not contain `=`.".into()
    }
}

/// Rejects an empty `platforms` set, which the API replaces with its default.
#[derive(Debug, Clone, Copy)]
struct SomePlatform;

impl Validator for SomePlatform {
    fn validate(&self, path: &AttributePath, value: &Value, diagnostics: &mut Diagnostics) {
        if matches!(value, Value::Set(items) if items.is_empty()) {
            diagnostics.attribute_error(
                path.clone(),
                "Invalid attribute value",
                "platforms is empty, but the API needs at least one platform and would build for linux/amd64 instead. List at least one platform, or remove the attribute to use the default.",
            );
        }
    }

    fn description(&self) -> String {
        "Must contain at least one platform.".into()
    }
}

pub(super) fn schema() -> Schema {
    let block = Block::new()
        .description("An image build rule: pushes to a branch or tag build an image with the given tag. Import with `<instance_id>:<repo_id>:<build_rule_id>`.\n\nThe API has no idempotency token for build rules, so before a create sends its request it writes a record under `alicr/pending-build-rules/` in Terraform's data directory (`TF_DATA_DIR`, or `.terraform`), and removes it once Terraform has the rule. If Terraform or the provider is killed in between, the next create with the same settings in the same working directory adopts the rule that request made, with a warning, instead of making a duplicate. Rules that existed before the record, such as those of other resources or rules made outside Terraform, are never adopted. A reply lost in transit is handled by listing the rules until the new one appears (up to 5 s). The limitation: a killed create in another working directory, such as a new CI checkout, cannot be recovered, so its rule stays as an unmanaged duplicate.")
        .attribute(Attribute::string("id").computed().use_state_for_unknown().description("`<instance_id>:<repo_id>:<build_rule_id>`."))
        .attribute(Attribute::string("instance_id").required().force_new().description("Container Registry instance, `cri-...`."))
        .attribute(Attribute::string("repo_id").required().force_new().description("Image repository, `crr-...`."))
        .attribute(Attribute::string("push_type").required().validator(OneOf(&["GIT_BRANCH", "GIT_TAG"])).description("What triggers a build: `GIT_BRANCH` or `GIT_TAG`."))
        .attribute(Attribute::string("push_name").required().validator(non_empty_check()).description("Branch or tag name; for tags, a pattern."))
        .attribute(Attribute::string("image_tag").required().validator(non_empty_check()).description("Tag of the built image."))
        .attribute(Attribute::string("dockerfile_location").default_value(Value::string("/")).validator(non_empty_check()).description("Directory of the Dockerfile. Defaults to `/`."))
        .attribute(Attribute::string("dockerfile_name").default_value(Value::string("Dockerfile")).validator(non_empty_check()).description("Dockerfile name. Defaults to `Dockerfile`."))
        .attribute(
            Attribute::new("build_args", Type::map(Type::String))
                .default_value(Value::Map(BTreeMap::new()))
                .validator(BuildArgNames)
                .description("Build arguments, `NAME = value`. Names must not be empty or contain `=`. The API cannot clear every argument of a rule, so removing the last one replaces the rule."),
        )
        .attribute(
            Attribute::new("platforms", Type::set(Type::String))
                .default_value(Value::string_set(["linux/amd64"]))
                .validator(StringCheck { check: platform_check, description: "Each must be a platform the API accepts." })
                .validator(SomePlatform)
                .description("Target platforms. Defaults to `[\"linux/amd64\"]`. Accepted: `linux/amd64`, `linux/arm64`, `linux/386`, `linux/arm/v7`, `linux/arm/v6`."),
        )
        .attribute(Attribute::string("build_rule_id").computed().use_state_for_unknown().description("Build rule ID, `crbr-...`."))
        .block(timeouts::block(DEFAULTS));
    Schema::new(0, block)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(entries: &[(&str, &str)]) -> Value {
        Value::string_map(entries.iter().map(|(k, v)| (k.to_string(), v.to_string())))
    }

    #[test]
    fn arg_name_with_equals_rejected() {
        let mut diagnostics = Diagnostics::new();
        let path = AttributePath::root("build_args");
        let value = args(&[("K=V", "c")]);
        BuildArgNames.validate(&path, &value, &mut diagnostics);
        assert!(diagnostics.has_error());
    }

    #[test]
    fn empty_arg_name_rejected() {
        let mut diagnostics = Diagnostics::new();
        let path = AttributePath::root("build_args");
        let value = args(&[("", "c")]);
        BuildArgNames.validate(&path, &value, &mut diagnostics);
        assert!(diagnostics.has_error());
    }

    #[test]
    fn empty_platforms_rejected() {
        let mut diagnostics = Diagnostics::new();
        let path = AttributePath::root("platforms");
        SomePlatform.validate(&path, &Value::Set(vec![]), &mut diagnostics);
        assert!(diagnostics.has_error());
    }

    #[test]
    fn empty_location_rejected() {
        assert!(non_empty("").is_err());
    }

    #[test]
    fn platform_rejects_unknown() {
        assert!(platform_check("windows/amd64").is_err());
    }
}
