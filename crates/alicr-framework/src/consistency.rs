//! Checks a resource's result against the rules Terraform applies after plan,
//! apply and read, and turns every violation into a diagnostic that names the
//! attribute, before Terraform would report "Provider produced inconsistent
//! result".
