//! The `kitchen` binary's integration tests, one binary: each module is one
//! area, `support` runs the binary, `common` is the device tests' own helpers.
//! One binary links the AWS stack once instead of once per area.

#[path = "../../kitchen-device/tests/common/mod.rs"]
mod common;
mod support;

mod cli;
mod devices;
mod faults;
mod mirror_cli;
mod no_aws_keys;
mod repair;
