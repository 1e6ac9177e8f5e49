//! Publishing, in order: bodies, files, the Actions runtime, the API.

use std::path::Path;

use super::bodies::Bodies;
use super::{files, post};
use crate::cli::PublishArgs;
use crate::github::{Client, Context, Retry};
use crate::history::History;
use crate::printer::Printer;
use crate::verdict::Comparison;

/// Writes the bodies to files, the step summary and outputs; posts when `post` and a token allow.
///
/// # Errors
/// File or API errors (the run's records are already stored by then).
pub fn publish(
    comparisons: &[Comparison],
    args: &PublishArgs,
    ctx: &Context,
    out: &Path,
    history: Option<&History>,
    post: bool,
    printer: &Printer,
) -> anyhow::Result<()> {
    let bodies = Bodies::build(comparisons, args, ctx, history)?;
    let comment_path = files::write_bodies(&bodies, args, out, printer)?;
    let extras = super::bodies::extras(ctx, args, history);
    files::actions_runtime(comparisons, &extras, ctx, out, &comment_path, printer)?;
    let (Some(token), Some(repo), true) = (&ctx.token, &ctx.repository, post) else {
        printer.msg("no GitHub token or repository: offline mode, nothing posted (the bodies are in the files above)");
        return Ok(());
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let _in_runtime = rt.enter();
    let client = Client::new(&ctx.api_url, token, repo, Retry::default())?;
    rt.block_on(post::post(&client, &bodies, args, ctx, printer))
}
