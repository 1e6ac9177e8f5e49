//! The JSON Schemas in docs/schema/ match the code. Regenerate with
//! `BENCHBOT_BLESS=1 cargo test --test schema` after changing a format on purpose.

use benchbot::cli::SchemaKind;
use benchbot::cmd::schema::schema_text;

fn check(kind: SchemaKind, file: &str) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("docs/schema")
        .join(file);
    let generated = schema_text(kind).unwrap();
    if std::env::var_os("BENCHBOT_BLESS").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(committed == generated, "{} is out of date with the code; run `BENCHBOT_BLESS=1 cargo test --test schema` and commit it", path.display());
}

#[test]
fn scenario_schema_has_not_drifted() {
    check(SchemaKind::Scenario, "scenario.schema.json");
}

#[test]
fn record_schema_has_not_drifted() {
    check(SchemaKind::Record, "record.schema.json");
}

#[test]
fn the_schema_describes_the_example_scenarios_top_level_keys() {
    let schema: serde_json::Value =
        serde_json::from_str(&schema_text(SchemaKind::Scenario).unwrap()).unwrap();
    let props = schema["properties"].as_object().unwrap();
    for key in [
        "scenario",
        "target",
        "operation",
        "params",
        "load",
        "thresholds",
    ] {
        assert!(props.contains_key(key), "{key}");
    }
    assert_eq!(
        schema["additionalProperties"], false,
        "unknown keys are refused"
    );
}
