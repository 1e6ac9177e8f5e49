//! Checks of the command driver's tables, and their compiled plans.

use super::config::{CommandOperation, CommandTarget};
use crate::template::Template;
use crate::util::locate::{Invalid, Seg};

/// One operation's extra arguments: indices into the operation's rendered templates.
#[derive(Clone, Debug, Default)]
pub struct OpPlan {
    pub args: Vec<usize>,
}

/// `[target.command]`; `open_loop` says whether load is a constant arrival rate. Paths are
/// relative to the target.
///
/// # Errors
/// The first problem found.
pub fn check_target(c: &CommandTarget, open_loop: bool) -> Result<(), Invalid> {
    let at = [Seg::Key("command")];
    match (&c.argv, &c.shell) {
        (Some(_), Some(_)) => {
            return Err(Invalid::new(&at, "give `argv` or `shell`, not both", None))
        }
        (None, None) => {
            return Err(Invalid::new(
                &at,
                "a command target needs `argv` or `shell`",
                Some("e.g. argv = [\"gzip\", \"-c\", \"data.bin\"] or shell = \"make -s bench\""),
            ))
        }
        (Some(a), None) if a.is_empty() => {
            return Err(Invalid::new(
                &[Seg::Key("command"), Seg::Key("argv")],
                "`argv` cannot be empty",
                None,
            ))
        }
        _ => {}
    }
    if c.prepare.is_some() && open_loop {
        return Err(Invalid::new(
            &[Seg::Key("command"), Seg::Key("prepare")],
            "`prepare` runs before each run and cannot keep a constant arrival rate",
            Some("use load.mode = \"closed\" with prepare, or drop prepare"),
        ));
    }
    if c.timeout.is_some_and(|d| d.get().is_zero()) {
        return Err(Invalid::new(
            &[Seg::Key("command"), Seg::Key("timeout")],
            "no command finishes in no time: give a positive timeout (default 60s)",
            None,
        ));
    }
    crate::driver::vars::check_placeholders(
        c.argv
            .iter()
            .flatten()
            .chain(&c.shell)
            .chain(&c.prepare)
            .chain(&c.cleanup)
            .chain(c.env.values())
            .chain(&c.cwd),
    )
    .map_err(|m| Invalid::new(&at, m, None))?;
    Ok(())
}

/// `[operation.command]`, compiled; its templates are appended to `templates`. Paths are
/// relative to the operation's `command` table.
///
/// # Errors
/// A bad placeholder.
pub fn compile_op(
    c: &CommandOperation,
    param_names: &[String],
    templates: &mut Vec<Template>,
) -> Result<OpPlan, Invalid> {
    let mut args = Vec::new();
    for a in &c.args {
        templates.push(
            Template::parse(a, param_names)
                .map_err(|m| Invalid::new(&[Seg::Key("args")], m, None))?,
        );
        args.push(templates.len() - 1);
    }
    Ok(OpPlan { args })
}
