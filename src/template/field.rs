//! Templates over named fields: load-phase rows and batches.

/// A template over a fixed set of named fields (ingest rows and batches), e.g. `item:{{id}}`.
#[derive(Clone, Debug, PartialEq)]
pub struct FieldTemplate {
    pieces: Vec<FieldPiece>,
}

#[derive(Clone, Debug, PartialEq)]
enum FieldPiece {
    Lit(String),
    Field(usize),
}

impl FieldTemplate {
    /// Parses `text`; every `{{name}}` must be one of `fields`.
    ///
    /// # Errors
    /// A message naming the unknown field and the allowed ones.
    pub fn parse(text: &str, fields: &[&str]) -> Result<Self, String> {
        let mut pieces = Vec::new();
        let mut rest = text;
        while let Some(open) = rest.find("{{") {
            if open > 0 {
                pieces.push(FieldPiece::Lit(rest[..open].to_owned()));
            }
            let after = &rest[open + 2..];
            let close = after
                .find("}}")
                .ok_or_else(|| format!("unclosed `{{{{` in `{text}`"))?;
            let name = after[..close].trim();
            let i = fields.iter().position(|f| *f == name).ok_or_else(|| {
                format!(
                    "`{{{{{name}}}}}` is not available here; use {}",
                    fields
                        .iter()
                        .map(|f| format!("{{{{{f}}}}}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })?;
            pieces.push(FieldPiece::Field(i));
            rest = &after[close + 2..];
        }
        if !rest.is_empty() {
            pieces.push(FieldPiece::Lit(rest.to_owned()));
        }
        Ok(Self { pieces })
    }

    /// Whether field `i` appears.
    #[must_use]
    pub fn uses(&self, i: usize) -> bool {
        self.pieces.contains(&FieldPiece::Field(i))
    }

    /// Renders into `out`, writing field `i` with `field(i, out)`.
    pub fn render(&self, out: &mut String, mut field: impl FnMut(usize, &mut String)) {
        for p in &self.pieces {
            match p {
                FieldPiece::Lit(s) => out.push_str(s),
                FieldPiece::Field(i) => field(*i, out),
            }
        }
    }
}
