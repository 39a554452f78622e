terraform {
  required_providers {
    alicr = {
      source  = "alicr/alicr"
      version = "~> 0.1"
    }
  }
}

# Credentials come from the environment (ALIBABA_CLOUD_ACCESS_KEY_ID and
# ALIBABA_CLOUD_ACCESS_KEY_SECRET), a profile, or assume_role.
provider "alicr" {
  region = "cn-hangzhou"
}

# The same module in another account, through a RAM role.
provider "alicr" {
  alias  = "staging"
  region = "cn-hangzhou"

  assume_role {
    role_arn     = "acs:ram::1234567890123456:role/terraform-builds"
    session_name = "terraform"
  }
}
