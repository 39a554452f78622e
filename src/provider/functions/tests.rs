//! Unit tests of the parent module `functions`.

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
