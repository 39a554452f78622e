//! Network rules for VPC builds, as pure functions: parsing addresses and CIDR
//! blocks into one canonical spelling, semantic equality of single values and
//! sets, the private-address and 100.104.0.0/16 back-route checks, and the URL
//! rules for a self-managed GitLab endpoint.
//!
//! Nothing here calls an API; resources, plan checks and provider functions
//! share these rules so they can never disagree.

use std::net::{IpAddr, Ipv4Addr};

use alicr_framework::Value;
use ipnet::{IpNet, Ipv4Net};
use url::Url;

/// The range Container Registry's build machines use to reach back into a VPC.
/// Return traffic to it must route back to Container Registry.
pub const BACK_ROUTE_CIDR: &str = "100.104.0.0/16";

/// Reason addresses may not overlap [`BACK_ROUTE_CIDR`], for error details.
pub const BACK_ROUTE_REASON: &str = "Container Registry builds reach the VPC from \
    100.104.0.0/16, so the GitLab server and any data center behind the VPC need a \
    return route for that range. A network that itself uses addresses in \
    100.104.0.0/16 would capture that return traffic, and builds could not reach GitLab.";

/// HTTP ports the console accepts for a self-managed GitLab, besides 1025-65535.
const GITLAB_HTTP_PORTS: [u16; 9] = [21, 70, 80, 210, 280, 443, 488, 591, 777];

/// Reason an address, CIDR block or endpoint URL was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NetworkError {
    #[error("{value:?} is not an IP address or CIDR block (such as 10.0.0.1 or 10.0.0.0/16)")]
    InvalidAddress { value: String },
    #[error("{value:?} is a block of several addresses; give one address, such as 10.0.0.1")]
    NotSingleAddress { value: String },
    #[error("{value:?} is not an IPv4 address; use the server's private IPv4 address")]
    NotIpv4 { value: String },
    #[error(
        "{value:?} is not a private address; use an address in 10.0.0.0/8, \
         172.16.0.0/12, 192.168.0.0/16 or 100.64.0.0/10"
    )]
    NotPrivate { value: String },
    #[error(
        "{value:?} overlaps {BACK_ROUTE_CIDR}. {BACK_ROUTE_REASON} Choose addresses outside \
         {BACK_ROUTE_CIDR}."
    )]
    OverlapsBackRoute { value: String },
    #[error(
        "{value:?} is not a valid URL ({reason}); write the full URL with its scheme, \
         such as http://192.168.1.10 or https://gitlab.example.com"
    )]
    InvalidUrl { value: String, reason: String },
    #[error("{value:?} uses scheme {scheme:?}; use http or https")]
    UnsupportedScheme { value: String, scheme: String },
    #[error(
        "{value:?} uses HTTPS on port {port}; Container Registry accepts HTTPS only on port \
         443, so serve GitLab on 443 or use http:// on a port from 1025 to 65535"
    )]
    HttpsPort { value: String, port: u16 },
    #[error(
        "{value:?} uses HTTP on port {port}; Container Registry accepts HTTP only on ports \
         80, 21, 70, 210, 280, 443, 488, 591, 777 and 1025-65535"
    )]
    HttpPort { value: String, port: u16 },
    #[error(
        "the host of {value:?} is not reachable through the VPC link; use the link's \
         gitlab_ip, one of its allowed_ips, or an address in its data_center_cidrs"
    )]
    HostNotOnLink { value: String },
}

/// Parses an address or CIDR block. A bare address is a single-host block
/// (`/32` or `/128`), and host bits are cleared (`10.0.0.1/8` is `10.0.0.0/8`).
pub fn parse_network(value: &str) -> Result<IpNet, NetworkError> {
    let trimmed = value.trim();
    let invalid = || NetworkError::InvalidAddress {
        value: value.to_string(),
    };
    if trimmed.contains('/') {
        let net: IpNet = trimmed.parse().map_err(|_| invalid())?;
        return Ok(net.trunc());
    }
    let addr: IpAddr = trimmed.parse().map_err(|_| invalid())?;
    Ok(IpNet::from(addr))
}

/// Returns the canonical spelling of an address or CIDR block: always with a
/// prefix length, host bits cleared, IPv6 in its compressed lowercase form.
pub fn canonical_cidr(value: &str) -> Result<String, NetworkError> {
    parse_network(value).map(|net| net.to_string())
}

/// Returns true when two spellings name the same block; unparsable values are
/// equal only when the strings are.
pub fn cidr_equal(a: &str, b: &str) -> bool {
    match (parse_network(a), parse_network(b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    }
}

/// Returns true when two collections hold the same blocks, ignoring order,
/// duplicates and spelling.
pub fn cidr_set_equal(a: &[String], b: &[String]) -> bool {
    let covers =
        |xs: &[String], ys: &[String]| xs.iter().all(|x| ys.iter().any(|y| cidr_equal(x, y)));
    covers(a, b) && covers(b, a)
}

/// Semantic equality for a string attribute holding an address or CIDR block.
pub fn cidr_value_equal(a: &Value, b: &Value) -> bool {
    match (a.as_str(), b.as_str()) {
        (Some(x), Some(y)) => cidr_equal(x, y),
        _ => a == b,
    }
}

/// Semantic equality for a set attribute of addresses or CIDR blocks.
pub fn cidr_set_value_equal(a: &Value, b: &Value) -> bool {
    match (a.as_string_list(), b.as_string_list()) {
        (Some(x), Some(y)) => cidr_set_equal(&x, &y),
        _ => a == b,
    }
}

/// Returns true for RFC 1918 addresses and the RFC 6598 shared range
/// (100.64.0.0/10), which Alibaba Cloud VPCs may also use.
pub fn is_private_ipv4(addr: Ipv4Addr) -> bool {
    let shared: Ipv4Net = Ipv4Net::new(Ipv4Addr::new(100, 64, 0, 0), 10).unwrap_or_default();
    addr.is_private() || shared.contains(&addr)
}

/// Returns true when a block shares any address with [`BACK_ROUTE_CIDR`].
pub fn overlaps_back_route(net: &IpNet) -> bool {
    let back_route = back_route_net();
    back_route.contains(net) || net.contains(&back_route)
}

fn back_route_net() -> IpNet {
    IpNet::V4(Ipv4Net::new(Ipv4Addr::new(100, 104, 0, 0), 16).unwrap_or_default())
}

/// Parses a single address, also spelled as a one-host block (`10.0.0.1/32`).
pub fn parse_host_address(value: &str) -> Result<IpAddr, NetworkError> {
    let net = parse_network(value)?;
    if net.prefix_len() != net.max_prefix_len() {
        return Err(NetworkError::NotSingleAddress {
            value: value.to_string(),
        });
    }
    Ok(net.addr())
}

/// Checks a GitLab server address (`gitlab_ip`, `allowed_ips`): one private
/// IPv4 address outside the back-route range.
pub fn check_vpc_host_address(value: &str) -> Result<(), NetworkError> {
    let addr = parse_host_address(value)?;
    let IpAddr::V4(v4) = addr else {
        return Err(NetworkError::NotIpv4 {
            value: value.to_string(),
        });
    };
    if !is_private_ipv4(v4) {
        return Err(NetworkError::NotPrivate {
            value: value.to_string(),
        });
    }
    if overlaps_back_route(&IpNet::from(addr)) {
        return Err(NetworkError::OverlapsBackRoute {
            value: value.to_string(),
        });
    }
    Ok(())
}

/// Checks a data center CIDR block: it parses and does not overlap the
/// back-route range.
pub fn check_data_center_cidr(value: &str) -> Result<(), NetworkError> {
    let net = parse_network(value)?;
    if overlaps_back_route(&net) {
        return Err(NetworkError::OverlapsBackRoute {
            value: value.to_string(),
        });
    }
    Ok(())
}

/// Checks the scheme and port rules for a self-managed GitLab endpoint and
/// returns the parsed URL.
pub fn check_gitlab_endpoint(value: &str) -> Result<Url, NetworkError> {
    let url = Url::parse(value).map_err(|e| NetworkError::InvalidUrl {
        value: value.to_string(),
        reason: e.to_string(),
    })?;
    if url.host_str().is_none_or(str::is_empty) {
        return Err(NetworkError::InvalidUrl {
            value: value.to_string(),
            reason: "it has no host".to_string(),
        });
    }
    let port = url.port_or_known_default().unwrap_or(0);
    match url.scheme() {
        "https" if port != 443 => Err(NetworkError::HttpsPort {
            value: value.to_string(),
            port,
        }),
        "https" => Ok(url),
        "http" if GITLAB_HTTP_PORTS.contains(&port) || port >= 1025 => Ok(url),
        "http" => Err(NetworkError::HttpPort {
            value: value.to_string(),
            port,
        }),
        other => Err(NetworkError::UnsupportedScheme {
            value: value.to_string(),
            scheme: other.to_string(),
        }),
    }
}

/// The addresses a VPC link lets builds reach.
#[derive(Debug, Clone, Default)]
pub struct LinkReach {
    pub gitlab_ip: String,
    pub allowed_ips: Vec<String>,
    pub data_center_cidrs: Vec<String>,
}

/// Checks that a GitLab endpoint's host is an address the VPC link reaches:
/// its GitLab IP, one of its allowed IPs, or inside a data center block. The
/// last case matches what the binding API accepts, so the plan check is never
/// stricter than the server.
pub fn check_endpoint_on_link(value: &str, link: &LinkReach) -> Result<(), NetworkError> {
    let url = check_gitlab_endpoint(value)?;
    let not_on_link = || NetworkError::HostNotOnLink {
        value: value.to_string(),
    };
    let host = match url.host() {
        Some(url::Host::Ipv4(v4)) => IpAddr::V4(v4),
        Some(url::Host::Ipv6(v6)) => IpAddr::V6(v6),
        _ => return Err(not_on_link()),
    };
    let reachable = std::iter::once(&link.gitlab_ip)
        .chain(&link.allowed_ips)
        .chain(&link.data_center_cidrs)
        .filter_map(|block| parse_network(block).ok())
        .any(|net| net.contains(&host));
    if reachable {
        Ok(())
    } else {
        Err(not_on_link())
    }
}

#[cfg(test)]
mod tests {
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
}
