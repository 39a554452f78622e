//! `alicr_vpc_build_zones`: the zones of a region whose vSwitches can carry VPC
//! builds, from the provider's built-in table. It makes no API call.

use alicr_framework::data_source::{ReadDataSourceRequest, ReadDataSourceResponse};
use alicr_framework::{
    Attribute, AttributePath, Block, DataSource, Diagnostic, Schema, Type, Value,
};
use async_trait::async_trait;

use crate::provider::{configured, zones};

/// The `alicr_vpc_build_zones` data source.
#[derive(Debug, Default)]
pub struct VpcBuildZones;

fn schema() -> Schema {
    let block = Block::new()
        .description("Zones that support VPC builds in a region, from a table built into the provider. The table is partial: a region missing from it returns no zones and a warning.")
        .attribute(Attribute::string("id").computed().description("The region."))
        .attribute(Attribute::string("region").optional_computed().description("Region to list; defaults to the provider's region."))
        .attribute(Attribute::new("zone_ids", Type::list(Type::String)).computed().description("Zone IDs, sorted."));
    Schema::new(0, block)
}

#[async_trait]
impl DataSource for VpcBuildZones {
    fn type_name(&self) -> &'static str {
        "alicr_vpc_build_zones"
    }

    fn schema(&self) -> Schema {
        schema()
    }

    async fn read(&self, request: ReadDataSourceRequest) -> ReadDataSourceResponse {
        let mut response = ReadDataSourceResponse::default();
        let provider_region = configured(&request.ctx).ok().and_then(|p| p.region.clone());
        let Some(region) = request
            .config
            .get("region")
            .as_str()
            .map(str::to_string)
            .or(provider_region)
        else {
            response.diagnostics.push(
                Diagnostic::error(
                    "Missing region",
                    "The provider's region is not known yet; set region on this data source.",
                )
                .with_attribute(AttributePath::root("region")),
            );
            return response;
        };
        let mut zone_ids: Vec<&str> = zones::vpc_build_zones(&region).unwrap_or_default().to_vec();
        if zone_ids.is_empty() {
            response.diagnostics.push(
                Diagnostic::warning(
                    "Region not in the zone table",
                    format!("The provider's list of zones that support VPC builds has no entry for region {region}; it is partial, so the region may still support VPC builds. Check the Container Registry documentation."),
                )
                .with_attribute(AttributePath::root("region")),
            );
        }
        zone_ids.sort_unstable();
        response.state = Value::object([
            ("id", Value::string(region.clone())),
            ("region", Value::string(region)),
            (
                "zone_ids",
                Value::List(zone_ids.into_iter().map(Value::string).collect()),
            ),
        ]);
        response
    }
}
