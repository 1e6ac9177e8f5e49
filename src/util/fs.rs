//! Files: atomic writes, and reads with a bound (a mistaken `/dev/zero` or a runaway file is
//! an error naming the limit, never the machine's memory).

use std::path::Path;

/// Writes `bytes` to `path` through a temporary file in the same directory and a rename, so a
/// reader never sees a half-written file. Creates the parent directories.
///
/// # Errors
/// I/O errors, with the path in the message.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let with_path =
        |e: std::io::Error| std::io::Error::new(e.kind(), format!("{}: {e}", path.display()));
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(with_path)?;
    }
    let tmp = path.with_extension(format!("tmp.{}", std::process::id()));
    std::fs::write(&tmp, bytes).map_err(with_path)?;
    std::fs::rename(&tmp, path).map_err(with_path)
}

/// The most any input of benchbot may be: run records, reports, event payloads, scenario
/// files. Tool outputs have their own, larger bound.
pub const MAX_INPUT: u64 = 256 << 20;

/// Reads `path` as text, refusing more than `max` bytes.
///
/// # Errors
/// I/O errors, invalid UTF-8, or a file larger than `max` (kind `InvalidData`, saying the
/// limit).
pub fn read_bounded(path: &Path, max: u64) -> std::io::Result<String> {
    let bytes = read_bytes_bounded(path, max)?;
    String::from_utf8(bytes).map_err(|e| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("not UTF-8 text (byte {})", e.utf8_error().valid_up_to()),
        )
    })
}

/// Reads `path`, refusing more than `max` bytes.
///
/// # Errors
/// I/O errors, or a file larger than `max`.
pub fn read_bytes_bounded(path: &Path, max: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read as _;
    let f = std::fs::File::open(path)?;
    let mut bytes = Vec::new();
    f.take(max + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!(
                "larger than the {} MiB benchbot reads from such a file",
                max >> 20
            ),
        ));
    }
    Ok(bytes)
}
