//! Schema-directed MessagePack encoding of [`crate::Value`], the form of every
//! DynamicValue Terraform sends and expects.
