variable "build_zone" {
  type    = string
  default = "cn-hangzhou-h"
}

resource "terraform_data" "zone_check" {
  input = var.build_zone

  lifecycle {
    precondition {
      condition     = provider::alicr::vpc_build_zone_supported("cn-hangzhou", var.build_zone)
      error_message = "Pick a vSwitch in a zone that supports VPC builds."
    }
  }
}
