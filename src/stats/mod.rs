//! Statistics: pure functions over slices of samples.

mod changepoint;
mod describe;
mod inference;
mod ttest;

pub use changepoint::{e_divisive, ChangePoint};
pub use describe::{cv, mean, median, stdev, variance, Summary};
pub use inference::{holm, minimum_detectable, paired, prediction, t_quantile, wilson, Estimate};
pub use ttest::{student_p, welch, Welch};
