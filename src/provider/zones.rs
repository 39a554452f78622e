//! The zones whose vSwitches can carry VPC builds, per region, kept in this one
//! table so plan checks and the `alicr_vpc_build_zones` data source agree.
//!
//! Source: Alibaba Cloud's "Build container images with VPC secure build mode"
//! (help.aliyun.com document 436102), as read for this project. NOTE: the
//! table is partial: the page lists more regions (eu-central-1 and others)
//! than were recorded, so a region missing here is unknown, not unsupported.

/// Regions and their zone ids that support VPC builds.
const VPC_BUILD_ZONES: &[(&str, &[&str])] = &[
    (
        "cn-beijing",
        &[
            "cn-beijing-c",
            "cn-beijing-d",
            "cn-beijing-e",
            "cn-beijing-f",
            "cn-beijing-g",
            "cn-beijing-h",
            "cn-beijing-i",
            "cn-beijing-j",
            "cn-beijing-k",
        ],
    ),
    (
        "cn-hangzhou",
        &[
            "cn-hangzhou-e",
            "cn-hangzhou-f",
            "cn-hangzhou-g",
            "cn-hangzhou-h",
            "cn-hangzhou-i",
            "cn-hangzhou-j",
            "cn-hangzhou-k",
        ],
    ),
    (
        "cn-shenzhen",
        &[
            "cn-shenzhen-a",
            "cn-shenzhen-b",
            "cn-shenzhen-c",
            "cn-shenzhen-d",
            "cn-shenzhen-e",
            "cn-shenzhen-f",
        ],
    ),
    (
        "cn-shanghai",
        &[
            "cn-shanghai-a",
            "cn-shanghai-b",
            "cn-shanghai-c",
            "cn-shanghai-d",
            "cn-shanghai-e",
            "cn-shanghai-f",
            "cn-shanghai-g",
            "cn-shanghai-i",
        ],
    ),
    (
        "cn-zhangjiakou",
        &["cn-zhangjiakou-a", "cn-zhangjiakou-b", "cn-zhangjiakou-c"],
    ),
    (
        "cn-hongkong",
        &["cn-hongkong-b", "cn-hongkong-c", "cn-hongkong-d"],
    ),
    (
        "ap-southeast-1",
        &["ap-southeast-1a", "ap-southeast-1b", "ap-southeast-1c"],
    ),
    ("ap-southeast-5", &["ap-southeast-5a", "ap-southeast-5b"]),
    ("ap-south-1", &["ap-south-1a", "ap-south-1b"]),
    ("us-east-1", &["us-east-1a", "us-east-1b"]),
    ("us-west-1", &["us-west-1a", "us-west-1b"]),
    ("eu-west-1", &["eu-west-1a", "eu-west-1b"]),
];

/// Returns the zones of `region` that support VPC builds, or `None` when the
/// region is not in this partial table.
pub fn vpc_build_zones(region: &str) -> Option<&'static [&'static str]> {
    VPC_BUILD_ZONES
        .iter()
        .find(|(name, _)| *name == region)
        .map(|(_, zones)| *zones)
}

/// Support of VPC builds in a zone, according to the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ZoneSupport {
    Supported,
    NotSupported,
    /// The region is missing from the partial table.
    UnknownRegion,
}

/// Looks up whether `zone_id` in `region` supports VPC builds.
pub fn zone_support(region: &str, zone_id: &str) -> ZoneSupport {
    match vpc_build_zones(region) {
        None => ZoneSupport::UnknownRegion,
        Some(zones) if zones.contains(&zone_id) => ZoneSupport::Supported,
        Some(_) => ZoneSupport::NotSupported,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listed_zone_supported() {
        assert_eq!(
            zone_support("cn-hangzhou", "cn-hangzhou-h"),
            ZoneSupport::Supported
        );
    }

    #[test]
    fn unlisted_zone_rejected() {
        assert_eq!(
            zone_support("cn-hangzhou", "cn-hangzhou-b"),
            ZoneSupport::NotSupported
        );
    }

    #[test]
    fn unlisted_region_unknown() {
        assert_eq!(
            zone_support("eu-central-1", "eu-central-1a"),
            ZoneSupport::UnknownRegion
        );
    }

    #[test]
    fn zones_belong_to_region() {
        for (region, zones) in VPC_BUILD_ZONES {
            for zone in *zones {
                assert!(zone.starts_with(region), "{zone} is not in {region}");
            }
        }
    }
}
