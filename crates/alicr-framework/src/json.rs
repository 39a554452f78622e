//! Schema-directed JSON decoding and encoding of [`crate::Value`], the form of
//! stored state handed to UpgradeResourceState.
