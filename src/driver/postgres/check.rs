//! Checks of the PostgreSQL driver's tables, and their compiled plans.

use super::config::PostgresOperation;
use crate::template::Template;
use crate::util::locate::{Invalid, Seg};

/// One operation's statement and the indices of its parameter templates.
#[derive(Clone, Debug)]
pub struct OpPlan {
    pub sql: String,
    pub params: Vec<usize>,
}

/// The load phase: `COPY … FROM STDIN`, then statements timed as the index build.
#[derive(Clone, Debug)]
pub struct LoadPlan {
    pub copy: String,
    pub after: Vec<String>,
}

/// `[operation.postgres]`, compiled; its templates are appended to `templates`. Paths are
/// relative to the operation's `postgres` table.
///
/// # Errors
/// Placeholders in the SQL text, or a bad parameter template.
pub fn compile_op(
    pg: &PostgresOperation,
    param_names: &[String],
    templates: &mut Vec<Template>,
) -> Result<OpPlan, Invalid> {
    if pg.sql.contains("{{") {
        return Err(Invalid::new(
            &[Seg::Key("sql")],
            "placeholders go in `params`, bound as $1, $2…; the SQL text is never templated",
            Some("sql = \"SELECT v FROM kv WHERE k = $1\"\nparams = [\"{{int 1 1000}}\"]"),
        ));
    }
    // Every `$N` of the statement names one of the parameters.
    let bytes = pg.sql.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'$' {
            let digits: String = pg.sql[i + 1..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            let n: Option<usize> = digits.parse().ok();
            let negative = pg.sql[i + 1..].starts_with('-');
            if negative || n == Some(0) || n.is_some_and(|n| n > pg.params.len()) {
                return Err(Invalid::new(
                    &[Seg::Key("sql")],
                    format!(
                        "`${}{digits}` does not name a parameter: `params` has {} (bound as $1…${})",
                        if negative { "-" } else { "" },
                        pg.params.len(),
                        pg.params.len().max(1)
                    ),
                    None,
                ));
            }
        }
        i += 1;
    }
    let mut params = Vec::new();
    for p in &pg.params {
        templates.push(
            Template::parse(p, param_names)
                .map_err(|m| Invalid::new(&[Seg::Key("params")], m, None))?,
        );
        params.push(templates.len() - 1);
    }
    Ok(OpPlan {
        sql: pg.sql.clone(),
        params,
    })
}

/// A load phase's `copy` statement and `after` statements. Paths are relative to the load
/// phase's table.
///
/// # Errors
/// A `copy` that is not a `COPY … FROM STDIN` statement.
pub fn check_load(copy: &str, after: &[String]) -> Result<LoadPlan, Invalid> {
    let upper = copy.to_ascii_uppercase();
    if !(upper.trim_start().starts_with("COPY") && upper.contains("FROM STDIN")) {
        return Err(Invalid::new(
            &[Seg::Key("copy")],
            "write a `COPY table (columns) FROM STDIN` statement",
            None,
        ));
    }
    Ok(LoadPlan {
        copy: copy.to_owned(),
        after: after.to_vec(),
    })
}
