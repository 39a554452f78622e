//! Address rules of a VPC build link, the same ones the provider checks at plan time. The
//! GitLab IP and the allowed IPs are private IPv4 addresses. No address or data center block may
//! overlap 100.104.0.0/16, because Container Registry's build machines use that range to reach
//! the VPC.

use std::net::{IpAddr, Ipv4Addr};

use ipnet::{IpNet, Ipv4Net};

use crate::wire::ApiError;

/// Source range of build traffic entering the VPC. A network that uses it itself would capture
/// the return traffic meant for Container Registry.
const BACK_ROUTE: Ipv4Net = Ipv4Net::new_assert(Ipv4Addr::new(100, 104, 0, 0), 16);

/// RFC 6598 shared address space, which Alibaba Cloud VPCs may use besides RFC 1918.
const SHARED: Ipv4Net = Ipv4Net::new_assert(Ipv4Addr::new(100, 64, 0, 0), 10);

const HOST_RULE: &str = "expected a private IPv4 address in 10.0.0.0/8, 172.16.0.0/12, \
    192.168.0.0/16 or 100.64.0.0/10, outside 100.104.0.0/16";

/// Checks a GitLab IP or allowed IP, reporting failures under the parameter `name`.
pub fn check_host(name: &str, value: &str) -> Result<(), ApiError> {
    let Ok(IpAddr::V4(addr)) = value.parse::<IpAddr>() else {
        return Err(ApiError::invalid(name, value, HOST_RULE));
    };
    let private = addr.is_private() || SHARED.contains(&addr);
    if !private || BACK_ROUTE.contains(&addr) {
        return Err(ApiError::invalid(name, value, HOST_RULE));
    }
    Ok(())
}

/// Checks a data center CIDR block, reporting failures under the parameter `name`.
pub fn check_data_center_cidr(name: &str, value: &str) -> Result<(), ApiError> {
    let Ok(block) = value.parse::<IpNet>() else {
        return Err(ApiError::invalid(
            name,
            value,
            "expected a CIDR block such as 10.0.0.0/8",
        ));
    };
    let back_route = IpNet::V4(BACK_ROUTE);
    if block.contains(&back_route) || back_route.contains(&block) {
        return Err(ApiError::invalid(
            name,
            value,
            "the block overlaps 100.104.0.0/16, which build traffic comes from; choose a block outside it",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_accepts_private() {
        for value in ["10.0.0.1", "172.16.5.5", "192.168.1.10", "100.64.0.1"] {
            assert!(check_host("GitLabIp", value).is_ok(), "{value}");
        }
    }

    #[test]
    fn host_rejects_others() {
        let rejected = [
            "8.8.8.8",
            "100.104.1.1",
            "fd00::1",
            "10.0.0.0/8",
            "gitlab.local",
        ];
        for value in rejected {
            let code = check_host("GitLabIp", value).map_err(|e| e.code().to_string());
            assert_eq!(code, Err("InvalidGitLabIp".to_string()), "{value}");
        }
    }

    #[test]
    fn cidr_accepts_outside() {
        for value in ["10.8.0.0/16", "100.105.0.0/16", "fd00::/8"] {
            assert!(
                check_data_center_cidr("DataCenterCidrs", value).is_ok(),
                "{value}"
            );
        }
    }

    #[test]
    fn cidr_rejects_overlap() {
        for value in [
            "100.0.0.0/8",
            "100.104.0.0/16",
            "100.104.3.0/24",
            "0.0.0.0/0",
        ] {
            let result = check_data_center_cidr("DataCenterCidrs", value);
            assert!(result.is_err(), "{value}");
        }
    }
}
