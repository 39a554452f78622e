data "alicr_vpc_build_zones" "here" {
  region = "cn-hangzhou"
}

output "zones" {
  value = data.alicr_vpc_build_zones.here.zone_ids
}
