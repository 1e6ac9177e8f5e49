//! `[[operation]]`: names, weights, and each driver's part compiled into templates.

use super::Validator;
use crate::driver::{command, http, postgres, redis, DriverSpec, OpParts};
use crate::scenario::model::ScenarioFile;
use crate::scenario::plan::{CompiledOp, TargetPlan};
use crate::scenario::ScenarioError;
use crate::template::Template;
use crate::util::locate::Seg;
use crate::util::Name;

impl Validator<'_> {
    pub(super) fn operations(
        &self,
        file: &ScenarioFile,
        targets: &[TargetPlan],
        param_names: &[String],
    ) -> Result<Vec<CompiledOp>, ScenarioError> {
        let uses = |pred: fn(&DriverSpec) -> bool| targets.iter().any(|t| pred(&t.driver));
        if file.operations.is_empty() {
            if uses(|d| matches!(d, DriverSpec::Http(_))) {
                return Err(self.err(&[Seg::Key("scenario")], "an http target needs at least one [[operation]] with an [operation.http] table", Some("[[operation]]\nname = \"get\"\n[operation.http]\npath = \"/\"")));
            }
            if uses(DriverSpec::needs_op_table) {
                return Err(self.err(&[Seg::Key("scenario")], "a postgres or redis target needs at least one [[operation]] with an [operation.postgres] or [operation.redis] table", None));
            }
            // A command target runs its command as one operation named `run`.
            return Ok(vec![CompiledOp {
                name: Name::parse("run").unwrap_or_else(|_| unreachable!()),
                weight: 1,
                templates: Vec::new(),
                parts: OpParts::default(),
                recall: None,
                verify: None,
                first: false,
            }]);
        }
        let mut ops = Vec::with_capacity(file.operations.len());
        for (i, op) in file.operations.iter().enumerate() {
            if file.operations[..i].iter().any(|o| o.name == op.name) {
                return Err(self.err(
                    &[Seg::Key("operation"), Seg::Index(i), Seg::Key("name")],
                    format!("operation name `{}` is used twice", op.name),
                    None,
                ));
            }
            let at = |table: &'static str| [Seg::Key("operation"), Seg::Index(i), Seg::Key(table)];
            let mut templates: Vec<Template> = Vec::new();
            let mut parts = OpParts::default();
            let missing = |kind: &str| {
                self.err(
                    &[Seg::Key("operation"), Seg::Index(i)],
                    format!("operation `{}` has no [operation.{kind}] table, but a target uses the {kind} driver", op.name),
                    None,
                )
            };
            let required = |kind: &str| {
                targets
                    .iter()
                    .any(|t| t.driver.name() == kind && t.driver.needs_op_table())
            };
            // One line per driver, in the order their templates render.
            macro_rules! compile_part {
                ($driver:ident) => {
                    match &op.$driver {
                        None if required(stringify!($driver)) => {
                            return Err(missing(stringify!($driver)))
                        }
                        None => {}
                        Some(table) => {
                            parts.$driver = Some(
                                $driver::compile_op(table, param_names, &mut templates)
                                    .map_err(|e| self.invalid(&at(stringify!($driver)), e))?,
                            );
                        }
                    }
                };
            }
            compile_part!(http);
            compile_part!(command);
            compile_part!(postgres);
            compile_part!(redis);
            ops.push(CompiledOp {
                name: op.name.clone(),
                weight: op.weight.unwrap_or(1),
                templates,
                parts,
                recall: op.recall.map(|k| k as usize),
                verify: op.verify,
                first: op.first,
            });
        }
        self.first_and_captures(file, &ops)?;
        Ok(ops)
    }

    /// `first` operations are not weighted and leave a mix; `{{vu.NAME}}` is captured by some
    /// operation and used only where the HTTP driver sends it.
    fn first_and_captures(
        &self,
        file: &ScenarioFile,
        ops: &[CompiledOp],
    ) -> Result<(), ScenarioError> {
        for (i, op) in file.operations.iter().enumerate() {
            if op.first && op.weight.is_some() {
                return Err(self.err(
                    &[Seg::Key("operation"), Seg::Index(i), Seg::Key("weight")],
                    format!("operation `{}` runs first in every virtual user: it has no weight in the mix", op.name),
                    None,
                ));
            }
        }
        if !ops.is_empty() && ops.iter().all(|o| o.first) {
            return Err(self.err(
                &[Seg::Key("operation")],
                "every operation is `first = true`: the mix needs at least one other",
                None,
            ));
        }
        let captured: Vec<&str> = file
            .operations
            .iter()
            .filter_map(|o| o.http.as_ref())
            .flat_map(|h| h.capture.keys().map(String::as_str))
            .collect();
        for (i, op) in ops.iter().enumerate() {
            let http: Vec<usize> = op.parts.http.as_ref().map_or_else(Vec::new, |p| {
                std::iter::once(p.path)
                    .chain(p.headers.iter().map(|h| h.1))
                    .chain(p.body)
                    .collect()
            });
            for (t, template) in op.templates.iter().enumerate() {
                for name in template.vu_vars() {
                    let at = [Seg::Key("operation"), Seg::Index(i)];
                    if !http.contains(&t) {
                        return Err(self.err(
                            &at,
                            format!("`{{{{vu.{name}}}}}` is only available in HTTP requests ([operation.http])"),
                            None,
                        ));
                    }
                    if !captured.contains(&name) {
                        return Err(self.err(
                            &at,
                            format!("`{{{{vu.{name}}}}}`: no operation captures `{name}`"),
                            Some(&format!("add `capture = {{ {name} = \"/json/pointer\" }}` to the [operation.http] that returns it, usually one with `first = true`")),
                        ));
                    }
                }
            }
        }
        Ok(())
    }

    /// `ids` pointers of HTTP operations are JSON pointers.
    pub(super) fn ids_pointers(&self, file: &ScenarioFile) -> Result<(), ScenarioError> {
        for (i, op) in file.operations.iter().enumerate() {
            if let Some(p) = op.http.as_ref().and_then(|h| h.ids.as_ref()) {
                if !(p.is_empty() || p.starts_with('/')) {
                    return Err(self.err(
                        &[
                            Seg::Key("operation"),
                            Seg::Index(i),
                            Seg::Key("http"),
                            Seg::Key("ids"),
                        ],
                        format!("`{p}` is not a JSON pointer"),
                        Some("JSON pointers start with `/`, e.g. \"/ids/0\""),
                    ));
                }
            }
        }
        Ok(())
    }
}
