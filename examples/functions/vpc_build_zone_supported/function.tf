resource "terraform_data" "zone_check" {
  lifecycle {
    precondition {
      condition     = provider::alicr::vpc_build_zone_supported("cn-hangzhou", "cn-hangzhou-h")
      error_message = "Pick a vSwitch in a zone that supports VPC builds."
    }
  }
}
