//! Embeds every `rules/*.yml` file in the binary, read ahead of time.
//!
//! The list is generated from the folder, so a rule file cannot be added and forgotten; a test in
//! `src/rules/builtin.rs` checks the embedded list against the folder all the same.
//!
//! Parsing YAML and the rules' patterns took most of every start (about 30 ms of 45), so it is
//! done here, once: each file is embedded as JSON too (read at start with `serde_json`, several
//! times faster than YAML), with each rule's [`pattern::PatternFacts`]. The YAML goes through
//! the same `parse_yaml` the program uses, and the facts through the same code, by including
//! those two files. A file or pattern that does not parse here is embedded as YAML only, and the
//! program reports the problem as it reports one in a user's rule file.

use std::fmt::Write as _;
use std::path::Path;

#[allow(dead_code)]
#[path = "src/rules/pattern.rs"]
mod pattern;

#[allow(dead_code)]
#[path = "src/yaml.rs"]
mod yaml;

/// What `src/yaml.rs` needs of the program's `redact` module: a parse error's quoted values
/// are hidden. Here they come from sprawl's own rule files, and fail the build if anything.
mod redact {
    pub fn redacted(_secret: &str) -> String {
        "…".to_string()
    }
}

fn main() {
    // Read at run time, not baked in with `env!`: a build script compiled in one checkout and
    // reused from a copied target folder must still embed the rules of the checkout it builds.
    let manifest_dir = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let out_dir = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    let dir = Path::new(&manifest_dir).join("rules");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("the rules/ folder is readable")
        .map(|entry| entry.expect("a rules/ entry is readable").file_name())
        .filter_map(|name| name.into_string().ok())
        .filter(|name| name.ends_with(".yml") || name.ends_with(".yaml"))
        .collect();
    names.sort();
    let mut code = String::from("/// Every embedded rule file, in name order.\n");
    code.push_str("pub(crate) const FILES: &[BuiltInFile] = &[\n");
    for name in &names {
        let path = dir.join(name);
        println!("cargo:rerun-if-changed={}", path.display());
        let text = std::fs::read_to_string(&path).expect("a rule file is UTF-8 text");
        let read = read_ahead(&text).map(|(json, facts)| {
            let json_path = Path::new(&out_dir).join(format!("{name}.json"));
            std::fs::write(&json_path, json).expect("OUT_DIR is writable");
            (json_path, facts)
        });
        let (json, facts) = match read {
            Some((json_path, facts)) => (
                format!("Some(include_str!({:?}))", json_path.display().to_string()),
                facts,
            ),
            None => ("None".to_string(), String::new()),
        };
        writeln!(
            code,
            "    BuiltInFile {{ name: {name:?}, yaml: include_str!({:?}), json: {json}, facts: &[{facts}] }},",
            path.display().to_string()
        )
        .expect("writing to a String cannot fail");
    }
    code.push_str("];\n");
    let out = Path::new(&out_dir).join("builtin_rules.rs");
    std::fs::write(out, code).expect("OUT_DIR is writable");
}

/// A rule file as JSON, with the facts of its rules' patterns in order (as Rust expressions),
/// or `None` when the file or one of its patterns does not parse.
fn read_ahead(text: &str) -> Option<(String, String)> {
    let file: serde_json::Value = yaml::parse_yaml(text).ok()?;
    let mut facts = String::new();
    for rule in file.get("rules")?.as_array()? {
        let pattern = rule.get("pattern")?.as_str()?;
        let pattern::PatternFacts {
            secret_group,
            max_len,
            spans_lines,
            id_group,
        } = pattern::PatternFacts::of(pattern).ok()?;
        let secret_group = match secret_group {
            pattern::SecretGroup::Group(index) => format!("SecretGroup::Group({index})"),
            pattern::SecretGroup::WholeMatch => "SecretGroup::WholeMatch".to_string(),
        };
        write!(
            facts,
            "PatternFacts {{ secret_group: {secret_group}, max_len: {max_len:?}, spans_lines: {spans_lines}, id_group: {id_group:?} }}, "
        )
        .expect("writing to a String cannot fail");
    }
    Some((file.to_string(), facts))
}
