//! The bottom layer: small helpers every other module may use. Nothing here imports
//! anything else of the crate.

pub mod env;
pub mod error;
pub mod format;
pub mod fs;
pub mod hex;
pub mod histogram;
pub mod locate;
pub mod rng;
pub mod text;
pub mod units;
pub mod zipf;

pub use format::{format_ns, sig3};
pub use fs::{
    file_part, lock_dir, read_bounded, read_bytes_bounded, write_atomic, write_atomic_with,
    DirLock, MAX_INPUT,
};
pub use hex::hex;
pub use histogram::{decode_histogram, encode_histogram, encode_histogram_plain, new_histogram};
pub use rng::Rng;
pub use text::{log_safe, prefix};
pub use units::{format_duration, Bytes, Dur, Name, Percent};
pub use zipf::Zipf;
