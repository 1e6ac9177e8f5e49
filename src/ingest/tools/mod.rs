//! One parser per tool, each with the test that recognises its output.

pub(super) mod catch2;
mod common;
pub(super) mod criterion;
pub(super) mod custom;
pub(super) mod dotnet;
pub(super) mod go;
pub(super) mod google;
pub(super) mod hyperfine;
pub(super) mod jmh;
pub(super) mod libtest;
pub(super) mod pytest;

use common::{add_samples, json, number};
