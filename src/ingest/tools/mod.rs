//! One parser per tool, each with the test that recognises its output.

pub(super) mod asv;
pub(super) mod benchmarkjs;
pub(super) mod bmf;
pub(super) mod catch2;
mod common;
pub mod criterion;
pub(super) mod custom;
pub(super) mod dotnet;
pub(super) mod go;
pub(super) mod google;
pub(super) mod hyperfine;
pub(super) mod iai;
pub(super) mod jmh;
pub(super) mod julia;
pub(super) mod libtest;
pub(super) mod luau;
pub(super) mod pytest;
pub(super) mod ruby;

use common::{json, number, time, time_with_unit, words_at, Collected};
