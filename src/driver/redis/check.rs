//! Checks of the Redis driver's tables, and their compiled plans.

use super::config::RedisOperation;
use crate::dataset::RowKind;
use crate::template::{FieldTemplate, Template};
use crate::util::locate::{Invalid, Seg};

/// One operation's command words: indices into the operation's rendered templates.
#[derive(Clone, Debug)]
pub struct OpPlan {
    pub words: Vec<usize>,
}

/// The load phase: one command per row, its words rendered from the row's fields.
#[derive(Clone, Debug)]
pub struct LoadPlan {
    pub command: Vec<FieldTemplate>,
}

/// `[operation.redis]`, compiled; its templates are appended to `templates`. Paths are
/// relative to the operation's `redis` table.
///
/// # Errors
/// An empty command or a bad placeholder.
pub fn compile_op(
    r: &RedisOperation,
    param_names: &[String],
    templates: &mut Vec<Template>,
) -> Result<OpPlan, Invalid> {
    let at = [Seg::Key("command")];
    if r.command.is_empty() {
        return Err(Invalid::new(&at, "the command cannot be empty", None));
    }
    let mut words = Vec::new();
    for w in &r.command {
        templates.push(Template::parse(w, param_names).map_err(|m| Invalid::new(&at, m, None))?);
        words.push(templates.len() - 1);
    }
    Ok(OpPlan { words })
}

/// A load phase's `redis` command for rows of `rows`. Paths are relative to the load phase's
/// table.
///
/// # Errors
/// A field the rows do not have, or an empty command.
pub fn check_load(words: &[String], rows: RowKind) -> Result<LoadPlan, Invalid> {
    let at = [Seg::Key("redis")];
    let mut command = Vec::new();
    for w in words {
        command
            .push(FieldTemplate::parse(w, rows.fields()).map_err(|m| Invalid::new(&at, m, None))?);
    }
    if words.is_empty() {
        return Err(Invalid::new(&at, "the command cannot be empty", None));
    }
    Ok(LoadPlan { command })
}
