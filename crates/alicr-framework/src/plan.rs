//! The plan engine: turns Terraform's proposed new state into a planned state by
//! the schema's rules (defaults, write-only nulling, unknown computed values,
//! keep-prior-value, semantic equality, force-new).
