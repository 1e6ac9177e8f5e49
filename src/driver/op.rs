//! One operation of the sequence, rendered: what a driver sends.

use std::borrow::Cow;

/// One operation of the sequence, rendered.
///
/// `values` holds every template of the operation in declaration order (HTTP path, headers,
/// body; command arguments; SQL parameters; Redis words): each driver's operation plan knows
/// which of them are its own. Rendering every template in one fixed order keeps the values
/// independent of which driver asks.
#[derive(Clone, Debug, PartialEq)]
pub struct Rendered<'a> {
    /// Index of the operation in the scenario's mix.
    pub op: usize,
    pub values: Vec<Cow<'a, str>>,
    /// The query of `[dataset.vectors]` the operation sends, if any.
    pub query: Option<u32>,
    /// The first node of `[dataset.graph]` the operation sends, if any.
    pub node: Option<u64>,
}

impl Rendered<'_> {
    /// The rendered template at `index` of the operation's templates.
    #[must_use]
    pub fn value(&self, index: usize) -> &str {
        self.values.get(index).map_or("", AsRef::as_ref)
    }
}
