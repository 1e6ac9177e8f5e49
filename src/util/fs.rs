//! Files: atomic writes, and reads with a bound (a mistaken `/dev/zero` or a runaway file is
//! an error naming the limit, never the machine's memory).

use std::path::Path;

/// Writes `bytes` to `path` through a temporary file in the same directory and a rename, so a
/// reader never sees a half-written file. Creates the parent directories.
///
/// # Errors
/// I/O errors, with the path in the message.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_atomic_with(path, |w| std::io::Write::write_all(w, bytes))
}

/// [`write_atomic`] of what `write` writes, streamed through a buffer (a large record is never
/// one string in memory).
///
/// # Errors
/// As [`write_atomic`], or what `write` returns.
pub fn write_atomic_with(
    path: &Path,
    write: impl FnOnce(&mut std::io::BufWriter<std::fs::File>) -> std::io::Result<()>,
) -> std::io::Result<()> {
    use std::io::Write as _;
    let with_path =
        |e: std::io::Error| std::io::Error::new(e.kind(), format!("{}: {e}", path.display()));
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(with_path)?;
    }
    let tmp = path.with_extension(format!("tmp.{}", std::process::id()));
    let written = std::fs::File::create(&tmp)
        .and_then(|f| {
            let mut w = std::io::BufWriter::with_capacity(1 << 16, f);
            write(&mut w)?;
            w.flush()
        })
        .and_then(|()| std::fs::rename(&tmp, path));
    if written.is_err() {
        // Nothing half-written is left behind.
        let _ = std::fs::remove_file(&tmp);
    }
    written.map_err(with_path)
}

/// An exclusive hold on a directory (`flock` on `<dir>/.benchbot.lock`), released when
/// dropped or when the process dies.
pub struct DirLock(#[allow(dead_code)] std::fs::File);

/// Takes the directory for this process: two runs writing one output directory would mix
/// their records and state.
///
/// # Errors
/// Another process holds it (the message names its pid), or an I/O error.
pub fn lock_dir(dir: &Path) -> std::io::Result<DirLock> {
    use std::io::{Read as _, Seek as _, Write as _};
    use std::os::fd::AsRawFd as _;
    std::fs::create_dir_all(dir)?;
    let path = dir.join(".benchbot.lock");
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(&path)?;
    // SAFETY: flock on a descriptor this function owns; no memory is involved.
    if unsafe { libc::flock(f.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } != 0 {
        let mut pid = String::new();
        let _ = f.read_to_string(&mut pid);
        return Err(std::io::Error::new(
            std::io::ErrorKind::WouldBlock,
            format!(
                "another benchbot (pid {}) is using {}: one run per output directory",
                pid.trim(),
                dir.display()
            ),
        ));
    }
    f.set_len(0)?;
    f.rewind()?;
    write!(f, "{}", std::process::id())?;
    Ok(DirLock(f))
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

/// A file-name part from any text: safe characters kept, others `_`, at most 60 bytes, and a
/// short digest of the original when anything changed (two names never share a file).
#[must_use]
pub fn file_part(s: &str) -> String {
    let clean: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_') {
                c
            } else {
                '_'
            }
        })
        .take(60)
        .collect();
    let clean = clean.trim_start_matches('.').to_owned();
    if clean == s && !clean.is_empty() {
        clean
    } else {
        use sha2::Digest as _;
        let digest = super::hex(&sha2::Sha256::digest(s.as_bytes()));
        format!("{clean}_{}", &digest[..8])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_parts_are_safe_and_distinct() {
        assert_eq!(file_part("http-kv"), "http-kv");
        let a = file_part("../../etc/passwd");
        assert!(!a.contains('/') && !a.starts_with('.'), "{a}");
        assert_ne!(file_part("a/b"), file_part("a_b"));
        assert_ne!(file_part("a b"), file_part("a_b"));
        assert!(file_part(&"x".repeat(500)).len() <= 70);
        assert!(!file_part("").is_empty());
    }
}
