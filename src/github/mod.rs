//! GitHub: the Actions context and runtime files, and the REST client that posts comments and
//! issues. This module posts strings; it knows nothing of statistics.

pub mod client;
pub mod context;
pub mod publish;
pub mod runtime;

pub use client::{ApiError, Client, Refusal, Retry};
pub use context::{fork_refusal, Context, Event, TargetPr};
pub use publish::{CommentAction, CommentOn, Findings};
