//! Reading returned ids from JSON responses (searches and verified traversals).

/// The ids at `pointer` in a JSON document (a single non-negative integer is one answer, e.g. a
/// count): an array of non-negative integers, of strings
/// holding them, of objects whose `id` member is one, or of Neo4j result rows
/// (`{"row": [id, …]}`).
///
/// # Errors
/// A message saying what is missing or malformed.
pub fn ids_at(body: &[u8], pointer: &str) -> Result<Vec<u64>, String> {
    let doc: serde_json::Value =
        serde_json::from_slice(body).map_err(|e| format!("response is not JSON: {e}"))?;
    let found = doc
        .pointer(pointer)
        .ok_or_else(|| format!("no `{pointer}` in the response"))?;
    // A single number (a count) is a one-element answer.
    if let Some(n) = found.as_u64() {
        return Ok(vec![n]);
    }
    let arr = found
        .as_array()
        .ok_or_else(|| format!("`{pointer}` is not an array or a count"))?;
    let id = |v: &serde_json::Value| match v {
        serde_json::Value::Number(n) => n.as_u64(),
        serde_json::Value::String(s) => s.parse().ok(),
        _ => None,
    };
    arr.iter()
        .map(|v| {
            match v {
                // Result objects such as Qdrant's `{"id": 7, "score": …}` or Milvus's, and
                // Neo4j's result rows `{"row": [7], "meta": …}` (the first column).
                serde_json::Value::Object(o) => o
                    .get("id")
                    .or_else(|| o.get("row").and_then(|r| r.get(0)))
                    .and_then(id),
                v => id(v),
            }
            .ok_or_else(|| format!("`{pointer}` holds `{v}`, not a row id"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::ids_at;

    #[test]
    fn ids_come_from_arrays_of_numbers_strings_objects_and_rows() {
        let chroma = br#"{"ids": [["3", "1"]], "distances": null}"#;
        assert_eq!(ids_at(chroma, "/ids/0").unwrap(), [3, 1]);
        let qdrant =
            br#"{"result": {"points": [{"id": 7, "score": 0.9}, {"id": 2, "score": 0.5}]}}"#;
        assert_eq!(ids_at(qdrant, "/result/points").unwrap(), [7, 2]);
        let neo4j = br#"{"results": [{"columns": ["id"], "data": [{"row": [5], "meta": [null]}]}], "errors": []}"#;
        assert_eq!(ids_at(neo4j, "/results/0/data").unwrap(), [5]);
        assert!(ids_at(br#"{"ids": [[-1]]}"#, "/ids/0")
            .unwrap_err()
            .contains("not a row id"));
        assert!(ids_at(br#"{"code": 1100}"#, "/data")
            .unwrap_err()
            .contains("no `/data`"));
        assert!(ids_at(b"<html>", "/ids").unwrap_err().contains("not JSON"));
        let count = br#"{"result": [{"c": 12}]}"#;
        assert_eq!(ids_at(count, "/result/0/c").unwrap(), [12]);
    }
}
