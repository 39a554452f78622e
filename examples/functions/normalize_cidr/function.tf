output "gitlab_cidr" {
  # "192.168.1.10" becomes "192.168.1.10/32"; "10.0.0.1/8" becomes "10.0.0.0/8".
  value = provider::alicr::normalize_cidr("192.168.1.10")
}
