//! Templates: request text with `{{…}}` placeholders filled from the seeded generator and
//! the datasets, and field templates for the load phase's rows and batches.

mod field;
mod gen;
#[expect(
    clippy::module_inception,
    reason = "the template type lives in a file of its name"
)]
mod template;

pub use field::FieldTemplate;
pub use gen::{Gen, Needs};
pub use template::{expand_vu, valid_var, RenderCtx, Template, VU_MARK};
