//! Provider-defined functions (`provider::alicr::<name>(...)`), callable in
//! preconditions and variable validations before anything is created.
//!
//! Each function is a thin wrapper over the rules in [`super::network`] and
//! [`super::zones`] that the resources' plan checks use, so a function and a
//! plan check can never disagree. Terraform calls functions on an unconfigured
//! provider, so nothing here uses the API client.

use std::sync::Arc;

use alicr_framework::function::{FunctionDefinition, FunctionError, Parameter};
use alicr_framework::{Function, Type, Value};

use super::network::{self, BACK_ROUTE_CIDR};
use super::zones::{self, ZoneSupport};

/// Returns every function the provider offers.
pub fn all() -> Vec<Arc<dyn Function>> {
    vec![
        Arc::new(CidrOverlapsReserved::new()),
        Arc::new(VpcBuildZoneSupported::new()),
        Arc::new(NormalizeCidr::new()),
    ]
}

/// `cidr_overlaps_reserved(cidr string) bool`: whether an address or CIDR
/// block shares any address with 100.104.0.0/16.
#[derive(Debug, Default, Clone, Copy)]
pub struct CidrOverlapsReserved;

impl CidrOverlapsReserved {
    pub fn new() -> Self {
        CidrOverlapsReserved
    }
}

impl Function for CidrOverlapsReserved {
    fn name(&self) -> &'static str {
        "cidr_overlaps_reserved"
    }

    fn definition(&self) -> FunctionDefinition {
        FunctionDefinition {
            parameters: vec![string_parameter(
                "cidr",
                "An IPv4 or IPv6 address or CIDR block, such as `10.0.0.0/8` or `100.104.3.4`.",
            )],
            variadic_parameter: None,
            return_type: Type::Bool,
            summary: format!("Whether an address or CIDR block overlaps {BACK_ROUTE_CIDR}"),
            description: format!(
                "Returns `true` when `cidr` shares any address with `{BACK_ROUTE_CIDR}`, the \
                 range Container Registry's build machines use to reach into a VPC. A data \
                 center range behind the VPC must not overlap it, because return traffic to \
                 the build machines would be captured by the data center. The same rule \
                 checks `data_center_cidrs` of `alicr_vpc_link` at plan time. IPv6 values \
                 never overlap. An invalid address is an error."
            ),
            deprecation_message: String::new(),
        }
    }

    fn call(&self, arguments: &[Value]) -> Result<Value, FunctionError> {
        let cidr = string_argument(arguments, 0, "cidr")?;
        let net = network::parse_network(cidr).map_err(|e| invalid_network(0, &e))?;
        Ok(Value::Bool(network::overlaps_back_route(&net)))
    }
}

/// `vpc_build_zone_supported(region string, zone string) bool`: whether a
/// zone can host the vSwitch of a VPC build link.
#[derive(Debug, Default, Clone, Copy)]
pub struct VpcBuildZoneSupported;

impl VpcBuildZoneSupported {
    pub fn new() -> Self {
        VpcBuildZoneSupported
    }
}

impl Function for VpcBuildZoneSupported {
    fn name(&self) -> &'static str {
        "vpc_build_zone_supported"
    }

    fn definition(&self) -> FunctionDefinition {
        FunctionDefinition {
            parameters: vec![
                string_parameter("region", "Region ID, such as `cn-hangzhou`."),
                string_parameter("zone", "Zone ID, such as `cn-hangzhou-h`."),
            ],
            variadic_parameter: None,
            return_type: Type::Bool,
            summary: "Whether a zone supports VPC builds".to_string(),
            description: "Returns `true` when the vSwitch of an `alicr_vpc_link` may sit in \
                `zone` of `region`, using the same zone table as the `alicr_vpc_link` plan \
                check and the `alicr_vpc_build_zones` data source. A zone of another region \
                returns `false`. The table is partial: a region missing from it is an error \
                rather than `false`, because the provider cannot tell whether it supports VPC \
                builds."
                .to_string(),
            deprecation_message: String::new(),
        }
    }

    fn call(&self, arguments: &[Value]) -> Result<Value, FunctionError> {
        let region = non_empty_argument(arguments, 0, "region")?;
        let zone = non_empty_argument(arguments, 1, "zone")?;
        match zones::zone_support(region, zone) {
            ZoneSupport::Supported => Ok(Value::Bool(true)),
            ZoneSupport::NotSupported => Ok(Value::Bool(false)),
            ZoneSupport::UnknownRegion => Err(FunctionError::argument(
                0,
                format!(
                    "region {region:?} is not in the provider's table of regions with VPC \
                     builds, so whether {zone:?} supports them is unknown. Check the region \
                     ID, or check the zone in the Container Registry console and leave out \
                     this check."
                ),
            )),
        }
    }
}

/// `normalize_cidr(value string) string`: the canonical spelling of an
/// address or CIDR block.
#[derive(Debug, Default, Clone, Copy)]
pub struct NormalizeCidr;

impl NormalizeCidr {
    pub fn new() -> Self {
        NormalizeCidr
    }
}

impl Function for NormalizeCidr {
    fn name(&self) -> &'static str {
        "normalize_cidr"
    }

    fn definition(&self) -> FunctionDefinition {
        FunctionDefinition {
            parameters: vec![string_parameter(
                "value",
                "An IPv4 or IPv6 address or CIDR block, such as `10.0.0.1` or `10.0.0.1/8`.",
            )],
            variadic_parameter: None,
            return_type: Type::String,
            summary: "Canonical spelling of an address or CIDR block".to_string(),
            description: "Returns `value` as a CIDR block with a prefix length and the host \
                bits cleared: `10.0.0.1` becomes `10.0.0.1/32`, `10.0.0.1/8` becomes \
                `10.0.0.0/8`, and IPv6 is written compressed in lowercase \
                (`2001:DB8:0::1` becomes `2001:db8::1/128`). Two values the provider treats \
                as equal in `allowed_ips` or `data_center_cidrs` normalize to the same \
                string. An invalid value is an error."
                .to_string(),
            deprecation_message: String::new(),
        }
    }

    fn call(&self, arguments: &[Value]) -> Result<Value, FunctionError> {
        let value = string_argument(arguments, 0, "value")?;
        let canonical = network::canonical_cidr(value).map_err(|e| invalid_network(0, &e))?;
        Ok(Value::String(canonical))
    }
}

fn string_parameter(name: &str, description: &str) -> Parameter {
    Parameter {
        name: name.to_string(),
        r#type: Type::String,
        description: description.to_string(),
        allow_null_value: false,
        allow_unknown_values: false,
    }
}

/// Returns the string argument at `index`. Terraform rejects null and waits
/// for unknown arguments before calling, so anything else is a provider bug.
fn string_argument<'a>(
    arguments: &'a [Value],
    index: usize,
    name: &str,
) -> Result<&'a str, FunctionError> {
    arguments.get(index).and_then(Value::as_str).ok_or_else(|| {
        FunctionError::argument(
            index as i64,
            format!(
                "{name} has no known string value. This is always a bug in the provider; \
                     please report it."
            ),
        )
    })
}

fn non_empty_argument<'a>(
    arguments: &'a [Value],
    index: usize,
    name: &str,
) -> Result<&'a str, FunctionError> {
    let value = string_argument(arguments, index, name)?;
    if value.trim().is_empty() {
        return Err(FunctionError::argument(
            index as i64,
            format!("{name} is empty; give an ID such as \"cn-hangzhou\" or \"cn-hangzhou-h\"."),
        ));
    }
    Ok(value)
}

fn invalid_network(index: i64, error: &network::NetworkError) -> FunctionError {
    FunctionError::argument(index, format!("{error}."))
}

#[cfg(test)]
mod tests;
