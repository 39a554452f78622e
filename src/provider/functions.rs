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
mod tests {
    use super::*;

    fn call(function: &dyn Function, arguments: &[&str]) -> Result<Value, FunctionError> {
        let values: Vec<Value> = arguments.iter().map(|a| Value::string(*a)).collect();
        function.call(&values)
    }

    fn overlaps(cidr: &str) -> Result<Value, FunctionError> {
        call(&CidrOverlapsReserved::new(), &[cidr])
    }

    fn normalize(value: &str) -> Result<Value, FunctionError> {
        call(&NormalizeCidr::new(), &[value])
    }

    fn zone_supported(region: &str, zone: &str) -> Result<Value, FunctionError> {
        call(&VpcBuildZoneSupported::new(), &[region, zone])
    }

    #[test]
    fn overlaps_inside_range() {
        assert_eq!(overlaps("100.104.3.4"), Ok(Value::Bool(true)));
    }

    #[test]
    fn overlaps_enclosing_block() {
        assert_eq!(overlaps("100.0.0.0/8"), Ok(Value::Bool(true)));
    }

    #[test]
    fn overlaps_adjacent_block() {
        assert_eq!(overlaps("100.105.0.0/16"), Ok(Value::Bool(false)));
    }

    #[test]
    fn overlaps_range_edges() {
        assert_eq!(overlaps("100.104.255.255"), Ok(Value::Bool(true)));
        assert_eq!(overlaps("100.103.255.255/32"), Ok(Value::Bool(false)));
    }

    #[test]
    fn overlaps_ipv6_false() {
        assert_eq!(overlaps("fd00::/8"), Ok(Value::Bool(false)));
    }

    #[test]
    fn overlaps_invalid_names_argument() {
        let error = overlaps("100.104.0.0/33").err();
        assert_eq!(error.as_ref().and_then(|e| e.function_argument), Some(0));
        let text = error.map(|e| e.text).unwrap_or_default();
        assert!(text.contains("100.104.0.0/33"), "{text}");
    }

    #[test]
    fn normalize_bare_ipv4() {
        assert_eq!(normalize("10.0.0.1"), Ok(Value::string("10.0.0.1/32")));
    }

    #[test]
    fn normalize_clears_host_bits() {
        assert_eq!(normalize("10.0.0.1/8"), Ok(Value::string("10.0.0.0/8")));
    }

    #[test]
    fn normalize_ipv6_compressed() {
        assert_eq!(
            normalize("2001:DB8:0:0::1"),
            Ok(Value::string("2001:db8::1/128"))
        );
    }

    #[test]
    fn normalize_ipv6_block() {
        assert_eq!(
            normalize("2001:0db8:0000::1/32"),
            Ok(Value::string("2001:db8::/32"))
        );
    }

    #[test]
    fn normalize_trims_spaces() {
        assert_eq!(
            normalize(" 192.168.1.10 "),
            Ok(Value::string("192.168.1.10/32"))
        );
    }

    #[test]
    fn normalize_zero_prefix() {
        assert_eq!(normalize("10.1.2.3/0"), Ok(Value::string("0.0.0.0/0")));
    }

    #[test]
    fn normalize_rejects_garbage() {
        for value in [
            "",
            "10.0.0.300",
            "10.0.0.0/",
            "gitlab.internal",
            "10.0.0.0/8/8",
        ] {
            let error = normalize(value).err();
            assert_eq!(
                error.map(|e| e.function_argument),
                Some(Some(0)),
                "{value:?}"
            );
        }
    }

    #[test]
    fn normalize_matches_plan_equality() {
        let a = normalize("192.168.1.7/24");
        let b = normalize("192.168.1.0/24");
        assert_eq!(a, b);
        assert!(network::cidr_equal("192.168.1.7/24", "192.168.1.0/24"));
    }

    #[test]
    fn zone_supported_listed() {
        assert_eq!(
            zone_supported("cn-hangzhou", "cn-hangzhou-h"),
            Ok(Value::Bool(true))
        );
    }

    #[test]
    fn zone_unlisted_false() {
        assert_eq!(
            zone_supported("cn-hangzhou", "cn-hangzhou-b"),
            Ok(Value::Bool(false))
        );
    }

    #[test]
    fn zone_of_other_region_false() {
        assert_eq!(
            zone_supported("cn-hangzhou", "cn-beijing-c"),
            Ok(Value::Bool(false))
        );
    }

    #[test]
    fn zone_unknown_region_error() {
        let error = zone_supported("xx-nowhere-1", "xx-nowhere-1a").err();
        assert_eq!(error.map(|e| e.function_argument), Some(Some(0)));
    }

    #[test]
    fn zone_empty_names_argument() {
        let error = zone_supported("cn-hangzhou", " ").err();
        assert_eq!(error.map(|e| e.function_argument), Some(Some(1)));
    }

    #[test]
    fn null_argument_reported() {
        let error = CidrOverlapsReserved::new().call(&[Value::Null]).err();
        assert_eq!(error.map(|e| e.function_argument), Some(Some(0)));
    }

    #[test]
    fn deterministic_results() {
        assert_eq!(normalize("10.9.8.7/16"), normalize("10.9.8.7/16"));
    }

    #[test]
    fn names_are_unique() {
        let mut names: Vec<&str> = all().iter().map(|f| f.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), 3);
    }

    #[test]
    fn parameter_counts_match_calls() {
        for function in all() {
            let count = function.definition().parameters.len();
            let arguments = vec![Value::string("10.0.0.1"); count];
            let result = function.call(&arguments);
            let misplaced = result
                .err()
                .and_then(|e| e.function_argument)
                .is_some_and(|index| index as usize >= count);
            assert!(
                !misplaced,
                "{} names an argument out of range",
                function.name()
            );
        }
    }
}
