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
mod tests;
