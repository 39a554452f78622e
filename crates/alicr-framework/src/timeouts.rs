//! The `timeouts` block (`create`, `read`, `update`, `delete` as duration strings
//! like `"30s"`, `"10m"`, `"1h30m"`), which resources add to their schema and
//! read with a default per operation.
