//! The JSON Schema of the `json` and `jsonl` reports: the committed copy matches the one the
//! record types generate, and real output validates against it.
//!
//! After changing a record type, regenerate the committed copy with
//! `SPRAWL_UPDATE_SCHEMA=1 cargo test schema`.

use std::path::PathBuf;

use serde_json::{json, Value};
use sprawl::report::{json_schema, JSON_VERSION};

use crate::util::{hushword, run, token, TestEnv};

/// `schema/sprawl-report.v<JSON_VERSION>.json` in the repository.
fn committed_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("schema")
        .join(format!("sprawl-report.v{JSON_VERSION}.json"))
}

fn generated_text() -> String {
    format!(
        "{}\n",
        serde_json::to_string_pretty(&json_schema()).unwrap()
    )
}

#[test]
fn schema_committed_copy_is_up_to_date() {
    let path = committed_path();
    let generated = generated_text();
    if std::env::var_os("SPRAWL_UPDATE_SCHEMA").is_some_and(|value| !value.is_empty()) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &generated).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "{} is out of date with the record types in src/report/json.rs; \
         regenerate it with `SPRAWL_UPDATE_SCHEMA=1 cargo test schema`",
        path.display()
    );
}

/// Panics, listing every violation, unless `instance` is valid under `schema`.
#[track_caller]
fn assert_valid(schema: &Value, instance: &Value) {
    let validator = jsonschema::validator_for(schema).expect("the schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(instance)
        .map(|error| format!("{} at {}", error, error.instance_path))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}\n{instance:#}");
}

/// The report schema narrowed to one finding: a `jsonl` line.
fn finding_schema() -> Value {
    let schema = json_schema();
    json!({
        "$schema": schema["$schema"],
        "$defs": schema["$defs"],
        "$ref": "#/$defs/FindingRecord",
    })
}

fn plant_fixture(env: &TestEnv) {
    env.create(
        "app/settings.py",
        format!(
            "x = \"{}\"\nhushword = \"{}\"\n",
            token(300),
            hushword(301, 16)
        ),
    );
    env.create(".env", format!("VALUE={}\n", token(302)));
}

#[test]
fn schema_validates_real_json_output() {
    let env = TestEnv::new();
    plant_fixture(&env);
    let run = run(env.scan().args(["--format", "json", "."]));
    run.code(1);
    let report = run.json_value();
    assert_eq!(report["findings"].as_array().unwrap().len(), 3);
    assert_valid(&json_schema(), &report);
}

#[test]
fn schema_validates_each_real_jsonl_line_as_a_finding() {
    let env = TestEnv::new();
    plant_fixture(&env);
    let run = run(env.scan().args(["--format", "jsonl", "."]));
    run.code(1);
    let schema = finding_schema();
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{run:?}");
    for line in lines {
        assert_valid(&schema, &serde_json::from_str(line).unwrap());
    }
}

#[test]
fn schema_rejects_what_the_report_never_holds() {
    let env = TestEnv::new();
    plant_fixture(&env);
    let mut report = run(env.scan().args(["--format", "json", "."])).json_value();
    report["findings"][0]["confidence"] = json!("certain");
    report["findings"][1]["surprise"] = json!(true);
    let validator = jsonschema::validator_for(&json_schema()).unwrap();
    assert_eq!(validator.iter_errors(&report).count(), 2);
}
