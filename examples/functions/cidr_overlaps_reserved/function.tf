variable "data_center_cidr" {
  type = string

  validation {
    condition     = !provider::alicr::cidr_overlaps_reserved(var.data_center_cidr)
    error_message = "The data center range overlaps 100.104.0.0/16, which Container Registry uses to reach back into the VPC."
  }
}
