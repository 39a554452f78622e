terraform {
  required_version = ">= 1.11"

  required_providers {
    alicr = {
      source  = "alicr/alicr"
      version = ">= 0.1.0"
    }
  }
}
