//! Readers for vectors stored in files: `.fvecs` (the TEXMEX/ANN-benchmarks format),
//! NumPy `.npy` (little-endian `f4`/`f8`, C order, two dimensions), CSV (one vector per line,
//! numbers separated by commas; a header line is skipped when it is not numeric) and JSON Lines
//! (one array per line, or an object whose `json-field` holds the array).
//!
//! Every error names the file and, for text formats, the line.

use std::path::Path;

use super::DatasetError;

/// Rows read from a file, row-major.
#[derive(Debug)]
pub struct Matrix {
    pub dim: usize,
    pub data: Vec<f32>,
}

/// Reads `path`, choosing the format by extension.
///
/// # Errors
/// [`DatasetError`] naming the file (and line) for unreadable or malformed input.
#[expect(
    clippy::cast_possible_truncation,
    reason = "vectors are stored as f32: the file's f64 values are narrowed on purpose"
)]
pub fn read_vectors(path: &Path, json_field: &str) -> Result<Matrix, DatasetError> {
    let bytes = std::fs::read(path)
        .map_err(|e| DatasetError::new(path, None, format!("cannot read: {e}")))?;
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let m = match ext.as_str() {
        "fvecs" => fvecs(path, &bytes)?,
        "npy" => npy(path, &bytes)?,
        "csv" => text(path, &bytes, |line| {
            line.split(',')
                .map(|f| {
                    f.trim()
                        .parse::<f32>()
                        .map_err(|_| format!("`{}` is not a number", f.trim()))
                })
                .collect()
        })?,
        "jsonl" | "ndjson" => text(path, &bytes, |line| {
            let v: serde_json::Value =
                serde_json::from_str(line).map_err(|e| format!("not JSON: {e}"))?;
            let arr = match &v {
                serde_json::Value::Array(_) => &v,
                serde_json::Value::Object(o) => o
                    .get(json_field)
                    .ok_or_else(|| format!("no field `{json_field}`"))?,
                _ => return Err("expected an array or an object".into()),
            };
            arr.as_array()
                .ok_or_else(|| format!("`{json_field}` is not an array"))?
                .iter()
                .map(|x| {
                    x.as_f64()
                        .map(|f| f as f32)
                        .ok_or_else(|| format!("`{x}` is not a number"))
                })
                .collect()
        })?,
        other => {
            return Err(DatasetError::new(
                path,
                None,
                format!("unknown vector file type `.{other}`; use .fvecs, .npy, .csv or .jsonl"),
            ))
        }
    };
    if m.data.is_empty() {
        return Err(DatasetError::new(path, None, "holds no vectors"));
    }
    if let Some(bad) = m.data.iter().position(|x| !x.is_finite()) {
        return Err(DatasetError::new(
            path,
            None,
            format!(
                "vector {} component {} is not finite",
                bad / m.dim,
                bad % m.dim
            ),
        ));
    }
    Ok(m)
}

fn fvecs(path: &Path, bytes: &[u8]) -> Result<Matrix, DatasetError> {
    let mut data = Vec::new();
    let mut dim = None;
    let mut at = 0usize;
    let mut row = 0usize;
    while at < bytes.len() {
        let Some(head) = bytes.get(at..at + 4) else {
            return Err(DatasetError::new(
                path,
                None,
                format!("vector {row}: truncated dimension at byte {at}"),
            ));
        };
        let d = i32::from_le_bytes([head[0], head[1], head[2], head[3]]);
        let d = usize::try_from(d)
            .ok()
            .filter(|d| (1..=65_536).contains(d))
            .ok_or_else(|| {
                DatasetError::new(path, None, format!("vector {row}: bad dimension {d}"))
            })?;
        if *dim.get_or_insert(d) != d {
            return Err(DatasetError::new(
                path,
                None,
                format!(
                    "vector {row} has dimension {d}, the first had {}",
                    dim.unwrap_or(0)
                ),
            ));
        }
        let body = bytes.get(at + 4..at + 4 + 4 * d).ok_or_else(|| {
            DatasetError::new(path, None, format!("vector {row}: truncated at byte {at}"))
        })?;
        data.extend(
            body.chunks_exact(4)
                .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])),
        );
        at += 4 + 4 * d;
        row += 1;
    }
    Ok(Matrix {
        dim: dim.unwrap_or(1),
        data,
    })
}

#[expect(
    clippy::cast_possible_truncation,
    reason = "vectors are stored as f32: the file's f64 values are narrowed on purpose"
)]
fn npy(path: &Path, bytes: &[u8]) -> Result<Matrix, DatasetError> {
    let err = |m: String| DatasetError::new(path, None, m);
    if bytes.len() < 10 || &bytes[..6] != b"\x93NUMPY" {
        return Err(err("not a NumPy .npy file (bad magic)".into()));
    }
    let (header_len, start) = match bytes[6] {
        1 => (usize::from(u16::from_le_bytes([bytes[8], bytes[9]])), 10),
        2 | 3 if bytes.len() >= 12 => (
            u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]) as usize,
            12,
        ),
        v => return Err(err(format!("unsupported .npy version {v}"))),
    };
    let header = bytes
        .get(start..start + header_len)
        .and_then(|h| std::str::from_utf8(h).ok())
        .ok_or_else(|| err("truncated or non-UTF-8 header".into()))?;
    let field = |name: &str| -> Option<&str> {
        let i = header.find(&format!("'{name}'"))?;
        Some(header[i + name.len() + 2..].trim_start_matches([':', ' ']))
    };
    let descr = field("descr").ok_or_else(|| err("header has no 'descr'".into()))?;
    let width = if descr.starts_with("'<f4'") {
        4
    } else if descr.starts_with("'<f8'") {
        8
    } else {
        return Err(err(format!(
            "dtype {} is not supported; save little-endian float32 or float64",
            descr.split(',').next().unwrap_or(descr)
        )));
    };
    if field("fortran_order").is_some_and(|f| f.starts_with("True")) {
        return Err(err(
            "Fortran-order arrays are not supported; save with np.ascontiguousarray".into(),
        ));
    }
    let shape = field("shape").ok_or_else(|| err("header has no 'shape'".into()))?;
    let inner = shape
        .strip_prefix('(')
        .and_then(|s| s.split(')').next())
        .ok_or_else(|| err(format!("bad shape {shape}")))?;
    let dims: Vec<usize> = inner
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().map_err(|_| err(format!("bad shape ({inner})"))))
        .collect::<Result<_, _>>()?;
    let [n, d] = dims[..] else {
        return Err(err(format!(
            "shape ({inner}) is not two-dimensional (rows, dimension)"
        )));
    };
    let body = &bytes[start + header_len..];
    if body.len() != n * d * width {
        return Err(err(format!(
            "shape ({n}, {d}) needs {} bytes of data, the file has {}",
            n * d * width,
            body.len()
        )));
    }
    let data = if width == 4 {
        body.chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect()
    } else {
        body.chunks_exact(8)
            .map(|c| {
                let mut a = [0u8; 8];
                a.copy_from_slice(c);
                f64::from_le_bytes(a) as f32
            })
            .collect()
    };
    Ok(Matrix { dim: d, data })
}

fn text(
    path: &Path,
    bytes: &[u8],
    parse: impl Fn(&str) -> Result<Vec<f32>, String>,
) -> Result<Matrix, DatasetError> {
    let text = std::str::from_utf8(bytes)
        .map_err(|e| DatasetError::new(path, None, format!("not UTF-8: {e}")))?;
    let mut data = Vec::new();
    let mut dim = None;
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let row = match parse(line) {
            Ok(r) => r,
            // A CSV header: the first non-empty line, not numeric.
            Err(_)
                if dim.is_none() && data.is_empty() && !line.starts_with(['[', '{']) && i == 0 =>
            {
                continue
            }
            Err(m) => return Err(DatasetError::new(path, Some(i + 1), m)),
        };
        if row.is_empty() {
            return Err(DatasetError::new(path, Some(i + 1), "empty vector"));
        }
        if *dim.get_or_insert(row.len()) != row.len() {
            return Err(DatasetError::new(
                path,
                Some(i + 1),
                format!(
                    "vector has dimension {}, the first had {}",
                    row.len(),
                    dim.unwrap_or(0)
                ),
            ));
        }
        data.extend(row);
    }
    Ok(Matrix {
        dim: dim.unwrap_or(1),
        data,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    }

    #[test]
    fn every_format_reads_the_same_vectors() {
        let dir = tempfile::tempdir().unwrap();
        let rows = [[1.5f32, -2.0, 0.25], [0.0, 3.0, -1.0]];
        let mut fv = Vec::new();
        for r in &rows {
            fv.extend(3i32.to_le_bytes());
            for x in r {
                fv.extend(x.to_le_bytes());
            }
        }
        let header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
        let mut npy = b"\x93NUMPY\x01\x00".to_vec();
        let pad = 64 - (10 + header.len() + 1) % 64;
        let h = format!("{header}{}\n", " ".repeat(pad));
        npy.extend(u16::try_from(h.len()).unwrap().to_le_bytes());
        npy.extend(h.as_bytes());
        for r in &rows {
            for x in r {
                npy.extend(x.to_le_bytes());
            }
        }
        let files = [
            write(dir.path(), "a.fvecs", &fv),
            write(dir.path(), "a.npy", &npy),
            write(dir.path(), "a.csv", b"x,y,z\n1.5,-2,0.25\n0,3,-1\n"),
            write(
                dir.path(),
                "a.jsonl",
                b"{\"id\": 1, \"vector\": [1.5, -2, 0.25]}\n[0, 3, -1]\n",
            ),
        ];
        for f in &files {
            let m = read_vectors(f, "vector").unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(m.dim, 3, "{}", f.display());
            assert_eq!(m.data, rows.concat(), "{}", f.display());
        }
    }

    #[test]
    fn malformed_files_name_the_line() {
        let dir = tempfile::tempdir().unwrap();
        let csv = write(dir.path(), "b.csv", b"1,2,3\n4,5\n");
        let e = read_vectors(&csv, "vector").unwrap_err().to_string();
        assert!(e.contains("b.csv:2: vector has dimension 2"), "{e}");
        let jl = write(dir.path(), "b.jsonl", b"[1,2]\n{\"emb\": [1,2]}\n");
        let e = read_vectors(&jl, "vector").unwrap_err().to_string();
        assert!(e.contains("b.jsonl:2: no field `vector`"), "{e}");
        let fv = write(dir.path(), "b.fvecs", &[3, 0, 0, 0, 0, 0]);
        let e = read_vectors(&fv, "vector").unwrap_err().to_string();
        assert!(e.contains("vector 0: truncated"), "{e}");
    }
}
