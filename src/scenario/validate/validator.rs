//! The validator: where errors are located, and the order of the steps.

use std::fmt::Write as _;
use std::path::Path;

use crate::dataset::Dataset;
use crate::scenario::model::ScenarioFile;
use crate::scenario::plan::{CompiledOp, LoadPlan, TargetPlan, ThresholdPlan};
use crate::scenario::ScenarioError;
use crate::template::Gen;
use crate::util::locate::{closest, line_col, Doc, Invalid, Seg};

/// Everything validation produces.
pub(in crate::scenario) struct Validated {
    pub file: ScenarioFile,
    pub targets: Vec<TargetPlan>,
    pub ops: Vec<CompiledOp>,
    pub params: Vec<Gen>,
    pub dataset: Option<Dataset>,
    pub load: LoadPlan,
    pub thresholds: ThresholdPlan,
}

/// Parses and validates scenario text; `path` names it in errors.
pub(in crate::scenario) fn parse_and_validate(
    path: &Path,
    src: &str,
) -> Result<Validated, ScenarioError> {
    let doc = Doc::parse(src);
    let file: ScenarioFile = toml::from_str(src).map_err(|e| toml_error(path, src, &doc, &e))?;
    let v = Validator {
        path,
        src,
        doc: &doc,
    };
    v.build(file)
}

fn toml_error(path: &Path, src: &str, doc: &Doc<'_>, e: &toml::de::Error) -> ScenarioError {
    let offset = e.span().map_or(0, |s| s.start);
    let (line, column) = line_col(src, offset);
    let message = e.message().trim().to_owned();
    let hint = unknown_field_hint(&message);
    ScenarioError::Invalid {
        path: path.to_owned(),
        line,
        column,
        key: doc.path_at(offset).unwrap_or_default(),
        message,
        hint,
    }
}

/// "did you mean" for serde's `unknown field `x`, expected one of `a`, `b``.
fn unknown_field_hint(message: &str) -> Option<String> {
    let rest = message.strip_prefix("unknown field `")?;
    let (field, rest) = rest.split_once('`')?;
    let expected: Vec<&str> = rest.split('`').skip(1).step_by(2).collect();
    match closest(field, expected.iter().copied()) {
        Some(c) => Some(format!("did you mean `{c}`?")),
        None if !expected.is_empty() => Some(format!("allowed here: {}", expected.join(", "))),
        None => None,
    }
}

pub(in crate::scenario) struct Validator<'a> {
    pub(super) path: &'a Path,
    src: &'a str,
    doc: &'a Doc<'a>,
}

impl Validator<'_> {
    /// An error at `at`, located in the source.
    pub(super) fn err(
        &self,
        at: &[Seg<'_>],
        message: impl Into<String>,
        hint: Option<&str>,
    ) -> ScenarioError {
        let offset = self.doc.span(at).map_or(0, |s| s.start);
        let (line, column) = line_col(self.src, offset);
        let key = at.iter().fold(String::new(), |mut s, seg| {
            match seg {
                Seg::Key(k) => {
                    if !s.is_empty() {
                        s.push('.');
                    }
                    s.push_str(k);
                }
                Seg::Index(i) => {
                    let _ = write!(s, "[{i}]");
                }
            }
            s
        });
        ScenarioError::Invalid {
            path: self.path.to_owned(),
            line,
            column,
            key,
            message: message.into(),
            hint: hint.map(str::to_owned),
        }
    }

    /// A check that failed inside the table at `prefix`.
    pub(super) fn invalid(&self, prefix: &[Seg<'_>], e: Invalid) -> ScenarioError {
        let e = e.under(prefix);
        self.err(&e.segs(), e.message.clone(), e.hint.as_deref())
    }

    fn build(&self, file: ScenarioFile) -> Result<Validated, ScenarioError> {
        let mut targets = self.targets(&file)?;
        let (params, param_names) = self.params(&file)?;
        let ops = self.operations(&file, &targets, &param_names)?;
        let seed = file.scenario.seed.unwrap_or(1);
        let dataset = self.dataset(&file, seed)?;
        let param_needs: Vec<_> = params.iter().map(Gen::needs).collect();
        self.searches(&targets, &ops, &param_needs, dataset.as_ref())?;
        for (i, t) in file.targets.iter().enumerate() {
            targets[i].load_phases = self.load_phases(i, t, &targets[i], dataset.as_ref())?;
        }
        self.ids_pointers(&file)?;
        if ops.iter().all(|o| o.weight == 0) {
            return Err(self.err(
                &[Seg::Key("operation"), Seg::Index(0), Seg::Key("weight")],
                "every operation has weight 0; nothing would run",
                None,
            ));
        }
        let load = self.load(&file)?;
        let thresholds = self.thresholds(&file, &ops)?;
        Ok(Validated {
            file,
            targets,
            ops,
            params,
            dataset,
            load,
            thresholds,
        })
    }
}
