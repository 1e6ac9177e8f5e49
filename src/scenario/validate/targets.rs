//! `[[target]]`: names, exactly one driver table each, the driver's own checks, managed
//! services and roles; and `[params]`.

use super::Validator;
use crate::driver::{service, DriverSpec};
use crate::scenario::model::{Kind, LoadMode, Role, ScenarioFile};
use crate::scenario::plan::TargetPlan;
use crate::scenario::ScenarioError;
use crate::template::Gen;
use crate::util::locate::Seg;

impl Validator<'_> {
    pub(super) fn targets(&self, file: &ScenarioFile) -> Result<Vec<TargetPlan>, ScenarioError> {
        if file.targets.is_empty() {
            return Err(self.err(&[Seg::Key("scenario")], "a scenario needs at least one [[target]]", Some("add a [[target]] table with a name, a role and a driver table such as [target.http]")));
        }
        let open_loop = file.load.mode == LoadMode::Open;
        let mut plans = Vec::with_capacity(file.targets.len());
        for (i, t) in file.targets.iter().enumerate() {
            let at = [Seg::Key("target"), Seg::Index(i)];
            if file.targets[..i].iter().any(|o| o.name == t.name) {
                return Err(self.err(
                    &[Seg::Key("target"), Seg::Index(i), Seg::Key("name")],
                    format!("target name `{}` is used twice", t.name),
                    None,
                ));
            }
            let mut drivers: Vec<DriverSpec> = [
                t.http.clone().map(DriverSpec::Http),
                t.command.clone().map(DriverSpec::Command),
                t.postgres.clone().map(DriverSpec::Postgres),
                t.redis.clone().map(DriverSpec::Redis),
            ]
            .into_iter()
            .flatten()
            .collect();
            if drivers.len() > 1 {
                return Err(self.err(
                    &at,
                    format!(
                        "target `{}` has {} driver tables; give exactly one",
                        t.name,
                        drivers.len()
                    ),
                    Some(
                        "one of [target.http], [target.command], [target.postgres], [target.redis]",
                    ),
                ));
            }
            let Some(driver) = drivers.pop() else {
                return Err(self.err(&at, format!("target `{}` has no driver", t.name), Some("add a [target.http], [target.command], [target.postgres] or [target.redis] table")));
            };
            driver.check(open_loop).map_err(|e| self.invalid(&at, e))?;
            if let Some(s) = &t.service {
                service::check(s).map_err(|e| self.invalid(&at, e))?;
            }
            plans.push(TargetPlan {
                name: t.name.clone(),
                role: t.role,
                driver,
                service: t.service.clone(),
                load_phases: Vec::new(),
            });
        }
        self.roles(file)?;
        Ok(plans)
    }

    fn roles(&self, file: &ScenarioFile) -> Result<(), ScenarioError> {
        let ours = file.targets.iter().filter(|t| t.role == Role::Ours).count();
        let theirs = file.targets.len() - ours;
        match file.scenario.kind {
            Kind::Internal if theirs > 0 => {
                let i = file
                    .targets
                    .iter()
                    .position(|t| t.role == Role::Competitor)
                    .unwrap_or(0);
                return Err(self.err(
                    &[Seg::Key("target"), Seg::Index(i), Seg::Key("role")],
                    "an internal scenario has only `ours` targets",
                    Some("set scenario.kind = \"competitive\" to compare against other systems"),
                ));
            }
            Kind::Competitive if ours != 1 || theirs == 0 => {
                return Err(self.err(&[Seg::Key("scenario"), Seg::Key("kind")], format!("a competitive scenario needs exactly one `ours` target and at least one `competitor`; found {ours} and {theirs}"), None));
            }
            _ => {}
        }
        if ours == 0 {
            return Err(self.err(&[Seg::Key("target")], "no target has role = \"ours\"", None));
        }
        Ok(())
    }

    /// `[params]`: named generators, and their names.
    pub(super) fn params(
        &self,
        file: &ScenarioFile,
    ) -> Result<(Vec<Gen>, Vec<String>), ScenarioError> {
        let mut names = Vec::new();
        let mut params = Vec::new();
        for (name, spec) in &file.params {
            let at = [Seg::Key("params"), Seg::Key(name)];
            if Gen::parse(name).is_ok()
                || ["int", "float", "zipf", "choice", "seq", "string", "vector"]
                    .contains(&name.as_str())
                || name.contains(char::is_whitespace)
            {
                return Err(self.err(
                    &at,
                    format!("`{name}` cannot be used as a param name"),
                    Some("pick a name that is not a generator, without spaces"),
                ));
            }
            params.push(Gen::parse(spec).map_err(|m| self.err(&at, m, None))?);
            names.push(name.clone());
        }
        Ok((params, names))
    }
}
