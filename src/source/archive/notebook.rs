//! Jupyter notebooks (nbformat 4), recognised by their content: a JSON object with `cells` and
//! `nbformat`. Each cell's source and each of its outputs becomes its own text, so a finding
//! reads `analysis.ipynb!cell-3` line 2: the second line of the third cell, as the notebook
//! shows it (cells counted from 1, markdown and raw cells included), with the JSON escapes gone
//! (`\"` is `"` again, and `\n` a line break).
//!
//! Outputs are `cell-3/output-1` for a stream or an error (its name, value and traceback), and
//! `cell-3/output-1/text/plain` (one per MIME type) for a result or display; images and PDFs are
//! left out, being base64. The notebook's own metadata is `metadata`, as pretty-printed JSON. A
//! file that only looks like a notebook is scanned as the text it is.

use serde_json::Value;

/// The named texts of the notebook in `bytes`, or `None` if it is not a notebook.
pub(super) fn parts(bytes: &[u8]) -> Option<Vec<(String, String)>> {
    if !looks_like_notebook(bytes) {
        return None;
    }
    let notebook: Value = serde_json::from_slice(bytes).ok()?;
    let cells = notebook.get("cells")?.as_array()?;
    notebook.get("nbformat")?;
    let mut parts = Vec::new();
    for (index, cell) in cells.iter().enumerate() {
        let cell_name = format!("cell-{}", index + 1);
        if let Some(source) = cell.get("source").and_then(joined) {
            parts.push((cell_name.clone(), source));
        }
        let outputs = cell.get("outputs").and_then(Value::as_array);
        for (index, output) in outputs.into_iter().flatten().enumerate() {
            let output_name = format!("{cell_name}/output-{}", index + 1);
            parts.extend(output_texts(output, &output_name));
        }
    }
    match notebook.get("metadata") {
        Some(metadata) if metadata.as_object().is_some_and(|map| !map.is_empty()) => {
            let text = serde_json::to_string_pretty(metadata).unwrap_or_default();
            parts.push(("metadata".to_string(), text));
        }
        _ => {}
    }
    Some(parts)
}

/// A cheap look before parsing: an object that names `cells` and `nbformat`.
pub(super) fn looks_like_notebook(bytes: &[u8]) -> bool {
    let start = bytes.iter().position(|b| !b.is_ascii_whitespace());
    start.is_some_and(|at| bytes[at] == b'{')
        && memchr::memmem::find(bytes, b"\"nbformat\"").is_some()
        && memchr::memmem::find(bytes, b"\"cells\"").is_some()
}

/// The texts of one output.
fn output_texts(output: &Value, name: &str) -> Vec<(String, String)> {
    match output.get("output_type").and_then(Value::as_str) {
        Some("stream") => output
            .get("text")
            .and_then(joined)
            .map(|text| vec![(name.to_string(), text)])
            .unwrap_or_default(),
        Some("error") => {
            let field = |key| output.get(key).and_then(Value::as_str).unwrap_or_default();
            let mut text = format!("{}: {}\n", field("ename"), field("evalue"));
            for line in output
                .get("traceback")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
            {
                text.push_str(line);
                text.push('\n');
            }
            vec![(name.to_string(), text)]
        }
        _ => {
            let data = output.get("data").and_then(Value::as_object);
            data.into_iter()
                .flatten()
                .filter(|(mime, _)| is_text_mime(mime))
                .filter_map(|(mime, value)| {
                    let text = match value {
                        Value::String(_) | Value::Array(_) => joined(value)?,
                        other => serde_json::to_string_pretty(other).ok()?,
                    };
                    Some((format!("{name}/{mime}"), text))
                })
                .collect()
        }
    }
}

/// Images and PDFs are base64: nothing a text rule could find.
fn is_text_mime(mime: &str) -> bool {
    !(mime.starts_with("image/") && mime != "image/svg+xml") && mime != "application/pdf"
}

/// A notebook's multi-line string: one string, or a list of lines (each with its `\n`).
fn joined(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Array(lines) => Some(lines.iter().filter_map(Value::as_str).collect()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOTEBOOK: &str = r##"{
 "cells": [
  {"cell_type": "markdown", "metadata": {}, "source": ["# Title\n", "words"]},
  {"cell_type": "code", "execution_count": 1, "metadata": {}, "source": "x = 1\ntoken = \"abc\"",
   "outputs": [
    {"output_type": "stream", "name": "stdout", "text": ["one\n", "two\n"]},
    {"output_type": "execute_result", "execution_count": 1, "metadata": {},
     "data": {"text/plain": ["'v'"], "image/png": "iVBORw0KGgo=", "application/json": {"k": 1}}},
    {"output_type": "error", "ename": "KeyError", "evalue": "'k'", "traceback": ["line a", "line b"]}
   ]}
 ],
 "metadata": {"kernelspec": {"name": "python3"}},
 "nbformat": 4,
 "nbformat_minor": 5
}"##;

    #[test]
    fn cells_and_outputs_become_named_texts() {
        let parts = parts(NOTEBOOK.as_bytes()).unwrap();
        let names: Vec<&str> = parts.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(
            names,
            [
                "cell-1",
                "cell-2",
                "cell-2/output-1",
                "cell-2/output-2/application/json",
                "cell-2/output-2/text/plain",
                "cell-2/output-3",
                "metadata"
            ]
        );
        assert_eq!(parts[0].1, "# Title\nwords");
        assert_eq!(parts[1].1, "x = 1\ntoken = \"abc\"");
        assert_eq!(parts[2].1, "one\ntwo\n");
        assert_eq!(parts[5].1, "KeyError: 'k'\nline a\nline b\n");
    }

    #[test]
    fn other_json_is_not_a_notebook() {
        assert!(parts(br#"{"cells": [], "name": "x"}"#).is_none());
        assert!(parts(br#"{"cells": 1, "nbformat": 4}"#).is_none());
        assert!(parts(b"cells nbformat").is_none());
        assert!(parts(br#"{"cells": [], "nbformat": 4, "#).is_none());
    }
}
