//! Publishing results: files always; step summary, outputs and annotations inside Actions;
//! the PR comment and quarterly issue through the API when a token is available.

mod bodies;
mod files;
mod flow;
mod post;
mod verb;

pub use bodies::quarter_of;
pub use flow::publish;
pub use verb::run;
