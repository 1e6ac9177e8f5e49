//! Validation: the TOML model checked step by step into a typed plan. Each step lives in its
//! own file; errors name the file, line, column and key through [`Validator::err`].

mod data;
mod load;
mod operations;
mod targets;
mod validator;

use validator::Validator;
pub(super) use validator::{parse_and_validate, Validated};
