//! Unit tests of the parent module `network`.

use super::*;

#[test]
fn bare_address_equals_host_block() {
    assert!(cidr_equal("10.0.0.1", "10.0.0.1/32"));
}

#[test]
fn host_bits_cleared() {
    assert_eq!(canonical_cidr("10.0.0.1/8").as_deref(), Ok("10.0.0.0/8"));
}

#[test]
fn ipv6_forms_equal() {
    assert!(cidr_equal("2001:DB8:0:0::1", "2001:db8::1/128"));
}

#[test]
fn ipv6_canonical_compressed() {
    assert_eq!(
        canonical_cidr("2001:0db8:0000::/32").as_deref(),
        Ok("2001:db8::/32")
    );
}

#[test]
fn different_blocks_differ() {
    assert!(!cidr_equal("10.0.0.0/8", "10.0.0.0/16"));
}

#[test]
fn garbage_rejected() {
    assert!(parse_network("10.0.0.300").is_err());
}

#[test]
fn unparsable_compared_as_text() {
    assert!(!cidr_equal("x", "y"));
}

#[test]
fn set_equal_ignores_order_and_spelling() {
    let a = vec!["10.0.0.1".to_string(), "192.168.1.0/24".to_string()];
    let b = vec!["192.168.1.7/24".to_string(), "10.0.0.1/32".to_string()];
    assert!(cidr_set_equal(&a, &b));
}

#[test]
fn set_equal_detects_missing() {
    let a = vec!["10.0.0.1".to_string()];
    let b = vec!["10.0.0.1".to_string(), "10.0.0.2".to_string()];
    assert!(!cidr_set_equal(&a, &b));
}

#[test]
fn value_equality_on_sets() {
    let a = Value::string_set(["10.0.0.1"]);
    let b = Value::string_set(["10.0.0.1/32"]);
    assert!(cidr_set_value_equal(&a, &b));
}

#[test]
fn private_ranges() {
    for ip in ["10.1.2.3", "172.16.0.1", "192.168.0.1", "100.64.0.1"] {
        let addr: Ipv4Addr = ip.parse().unwrap_or(Ipv4Addr::UNSPECIFIED);
        assert!(is_private_ipv4(addr), "{ip} should be private");
    }
}

#[test]
fn public_not_private() {
    assert!(!is_private_ipv4(Ipv4Addr::new(8, 8, 8, 8)));
}

#[test]
fn vpc_host_rejects_public() {
    assert!(matches!(
        check_vpc_host_address("203.0.113.5"),
        Err(NetworkError::NotPrivate { .. })
    ));
}

#[test]
fn vpc_host_rejects_back_route() {
    assert!(matches!(
        check_vpc_host_address("100.104.3.4"),
        Err(NetworkError::OverlapsBackRoute { .. })
    ));
}

#[test]
fn vpc_host_rejects_ipv6() {
    assert!(matches!(
        check_vpc_host_address("fd00::1"),
        Err(NetworkError::NotIpv4 { .. })
    ));
}

#[test]
fn vpc_host_rejects_block() {
    assert!(matches!(
        check_vpc_host_address("192.168.0.0/24"),
        Err(NetworkError::NotSingleAddress { .. })
    ));
}

#[test]
fn host_address_strips_prefix() {
    assert_eq!(
        parse_host_address("192.168.0.10/32")
            .map(|a| a.to_string())
            .as_deref(),
        Ok("192.168.0.10")
    );
}

#[test]
fn vpc_host_accepts_private() {
    assert_eq!(check_vpc_host_address("192.168.0.10"), Ok(()));
}

#[test]
fn data_center_overlap_rejected() {
    assert!(check_data_center_cidr("100.0.0.0/8").is_err());
}

#[test]
fn data_center_overlap_message_explains() {
    let message = check_data_center_cidr("100.104.0.0/24")
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(message.contains("return route"), "{message}");
}

#[test]
fn data_center_outside_accepted() {
    assert_eq!(check_data_center_cidr("172.20.0.0/16"), Ok(()));
}

#[test]
fn https_only_443() {
    assert!(matches!(
        check_gitlab_endpoint("https://gitlab.example:8443"),
        Err(NetworkError::HttpsPort { port: 8443, .. })
    ));
}

#[test]
fn https_default_port_ok() {
    assert!(check_gitlab_endpoint("https://gitlab.example").is_ok());
}

#[test]
fn http_listed_ports_ok() {
    for url in [
        "http://g",
        "http://g:21",
        "http://g:777",
        "http://g:1025",
        "http://g:65535",
    ] {
        assert!(check_gitlab_endpoint(url).is_ok(), "{url}");
    }
}

#[test]
fn http_unlisted_port_rejected() {
    assert!(matches!(
        check_gitlab_endpoint("http://g:1024"),
        Err(NetworkError::HttpPort { port: 1024, .. })
    ));
}

#[test]
fn other_scheme_rejected() {
    assert!(matches!(
        check_gitlab_endpoint("ssh://g"),
        Err(NetworkError::UnsupportedScheme { .. })
    ));
}

#[test]
fn endpoint_on_link_matches_gitlab_ip() {
    let link = LinkReach {
        gitlab_ip: "192.168.0.10".into(),
        ..LinkReach::default()
    };
    assert_eq!(check_endpoint_on_link("http://192.168.0.10", &link), Ok(()));
}

#[test]
fn endpoint_on_link_matches_allowed_ip() {
    let link = LinkReach {
        gitlab_ip: "192.168.0.10".into(),
        allowed_ips: vec!["192.168.0.11".into()],
        ..LinkReach::default()
    };
    assert_eq!(
        check_endpoint_on_link("http://192.168.0.11:8080", &link),
        Ok(())
    );
}

#[test]
fn endpoint_off_link_rejected() {
    let link = LinkReach {
        gitlab_ip: "192.168.0.10".into(),
        ..LinkReach::default()
    };
    assert!(matches!(
        check_endpoint_on_link("http://192.168.0.99", &link),
        Err(NetworkError::HostNotOnLink { .. })
    ));
}

#[test]
fn endpoint_hostname_not_on_link() {
    let link = LinkReach {
        gitlab_ip: "192.168.0.10".into(),
        ..LinkReach::default()
    };
    assert!(check_endpoint_on_link("http://gitlab.internal", &link).is_err());
}
