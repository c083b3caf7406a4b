//! Jupyter notebooks (nbformat 4), recognised by their content: a JSON object with `cells` and
//! `nbformat`. Each cell's source and each of its outputs becomes its own text, as the notebook
//! shows it (cells counted from 1, markdown and raw cells included), with the JSON escapes gone
//! (`\"` is `"` again, and `\n` a line break), so a secret split by escapes is found whole.
//!
//! Each text keeps a map back to the notebook's bytes ([`MappedText`]): a finding is reported
//! at the notebook file's own line and column, with the cell and its line there as extra data
//! (`cell-3` line 2). Outputs are `cell-3/output-1` for a stream or an error (its name, value
//! and traceback), and `cell-3/output-1/text/plain` (one per MIME type) for a result or
//! display; images and PDFs are left out, being base64. JSON values that are objects (the
//! notebook's `metadata`, an `application/json` result) are scanned as the JSON they are. A
//! file that only looks like a notebook is scanned as the text it is.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::value::RawValue;

use super::mapped::{push_json_string, MappedText};

/// One text of a notebook: its name (`cell-3`, `cell-3/output-1/text/plain`, `metadata`) and
/// its content mapped to the notebook's bytes.
#[derive(Debug)]
pub(super) struct NotebookPart {
    pub name: String,
    pub text: MappedText,
}

#[derive(Deserialize)]
struct Notebook<'a> {
    #[serde(borrow)]
    cells: Vec<Cell<'a>>,
    #[serde(borrow)]
    #[allow(dead_code)]
    nbformat: &'a RawValue,
    #[serde(borrow, default)]
    metadata: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct Cell<'a> {
    #[serde(borrow, default)]
    source: Option<&'a RawValue>,
    #[serde(borrow, default)]
    outputs: Option<Vec<Output<'a>>>,
}

#[derive(Deserialize)]
struct Output<'a> {
    #[serde(default)]
    output_type: Option<String>,
    #[serde(borrow, default)]
    text: Option<&'a RawValue>,
    #[serde(borrow, default)]
    ename: Option<&'a RawValue>,
    #[serde(borrow, default)]
    evalue: Option<&'a RawValue>,
    #[serde(borrow, default)]
    traceback: Option<&'a RawValue>,
    #[serde(borrow, default)]
    data: Option<BTreeMap<String, &'a RawValue>>,
}

/// The texts of the notebook in `bytes`, or `None` if it is not a notebook.
pub(super) fn parts(bytes: &[u8]) -> Option<Vec<NotebookPart>> {
    if !looks_like_notebook(bytes) {
        return None;
    }
    let notebook: Notebook<'_> = serde_json::from_slice(bytes).ok()?;
    let raw = Raw { bytes };
    let mut parts = Vec::new();
    for (index, cell) in notebook.cells.iter().enumerate() {
        let cell_name = format!("cell-{}", index + 1);
        if let Some(text) = cell.source.and_then(|source| raw.lines(source)) {
            parts.push(NotebookPart {
                name: cell_name.clone(),
                text,
            });
        }
        for (index, output) in cell.outputs.iter().flatten().enumerate() {
            let output_name = format!("{cell_name}/output-{}", index + 1);
            parts.extend(raw.output_texts(output, &output_name));
        }
    }
    if let Some(metadata) = notebook.metadata.filter(|value| value.get() != "{}") {
        parts.push(NotebookPart {
            name: "metadata".to_string(),
            text: raw.verbatim(metadata),
        });
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

/// The notebook's bytes, which every borrowed value points into.
struct Raw<'a> {
    bytes: &'a [u8],
}

impl Raw<'_> {
    /// Where `value` starts in the notebook. Values deserialized from a slice borrow from it, so
    /// the difference of the pointers is the offset; it is clamped all the same, so a value
    /// from elsewhere could only be misplaced, never read out of bounds.
    fn offset(&self, value: &RawValue) -> usize {
        (value.get().as_ptr() as usize)
            .saturating_sub(self.bytes.as_ptr() as usize)
            .min(self.bytes.len())
    }

    /// A value scanned as the JSON it is.
    fn verbatim(&self, value: &RawValue) -> MappedText {
        let mut text = MappedText::default();
        text.push_verbatim(value.get(), self.offset(value));
        text
    }

    /// A notebook's multi-line string: one string, or a list of strings (each line with its
    /// `\n`) joined; `None` for any other value.
    fn lines(&self, value: &RawValue) -> Option<MappedText> {
        let mut text = MappedText::default();
        self.push_lines(&mut text, value, "")?;
        Some(text)
    }

    /// Appends the string or list of strings `value`, each list item followed by `separator`.
    fn push_lines(&self, text: &mut MappedText, value: &RawValue, separator: &str) -> Option<()> {
        let start = self.offset(value);
        let end = (start + value.get().len()).min(self.bytes.len());
        let json = &self.bytes[..end];
        if *json.get(start)? == b'"' {
            push_json_string(text, json, start)?;
            return Some(());
        }
        if json[start] != b'[' {
            return None;
        }
        let mut at = start + 1;
        loop {
            at += json[at..]
                .iter()
                .take_while(|b| b.is_ascii_whitespace())
                .count();
            match json.get(at)? {
                b']' => return Some(()),
                b',' => at += 1,
                b'"' => {
                    at = push_json_string(text, json, at)?;
                    text.push_point(separator, at, 0);
                }
                _ => return None,
            }
        }
    }

    /// The texts of one output.
    fn output_texts(&self, output: &Output<'_>, name: &str) -> Vec<NotebookPart> {
        let part = |text: MappedText| NotebookPart {
            name: name.to_string(),
            text,
        };
        match output.output_type.as_deref() {
            Some("stream") => output
                .text
                .and_then(|text| self.lines(text))
                .map(part)
                .into_iter()
                .collect(),
            Some("error") => vec![part(self.error_text(output))],
            _ => output
                .data
                .iter()
                .flatten()
                .filter(|(mime, _)| is_text_mime(mime))
                .map(|(mime, value)| NotebookPart {
                    name: format!("{name}/{mime}"),
                    text: self.lines(value).unwrap_or_else(|| self.verbatim(value)),
                })
                .collect(),
        }
    }

    /// `ename: evalue`, then the traceback, one line each.
    fn error_text(&self, output: &Output<'_>) -> MappedText {
        let mut text = MappedText::default();
        let after = |value: &RawValue| self.offset(value) + value.get().len();
        if let Some(ename) = output.ename {
            let _ = self.push_lines(&mut text, ename, "");
            text.push_point(": ", after(ename), 0);
        }
        if let Some(evalue) = output.evalue {
            let _ = self.push_lines(&mut text, evalue, "");
            text.push_point("\n", after(evalue), 0);
        }
        if let Some(traceback) = output.traceback {
            let _ = self.push_lines(&mut text, traceback, "\n");
        }
        text
    }
}

/// Images and PDFs are base64: nothing a text rule could find.
fn is_text_mime(mime: &str) -> bool {
    !(mime.starts_with("image/") && mime != "image/svg+xml") && mime != "application/pdf"
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
        let names: Vec<&str> = parts.iter().map(|part| part.name.as_str()).collect();
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
        assert_eq!(parts[0].text.text, "# Title\nwords");
        assert_eq!(parts[1].text.text, "x = 1\ntoken = \"abc\"");
        assert_eq!(parts[2].text.text, "one\ntwo\n");
        assert_eq!(parts[3].text.text, "{\"k\": 1}");
        assert_eq!(parts[5].text.text, "KeyError: 'k'\nline a\nline b\n");
        assert_eq!(
            parts[6].text.text,
            "{\"kernelspec\": {\"name\": \"python3\"}}"
        );
    }

    #[test]
    fn every_text_maps_back_to_the_notebooks_bytes() {
        let parts = parts(NOTEBOOK.as_bytes()).unwrap();
        let source = |part: &NotebookPart, needle: &str| {
            let at = part.text.text.find(needle).unwrap();
            &NOTEBOOK[part.text.source_of(at..at + needle.len())]
        };
        assert_eq!(source(&parts[0], "words"), "words");
        // The cell's `"abc"` is written `\"abc\"` in the file.
        assert_eq!(source(&parts[1], "\"abc\""), "\\\"abc\\\"");
        assert_eq!(source(&parts[2], "two"), "two");
        assert_eq!(source(&parts[3], "\"k\""), "\"k\"");
        assert_eq!(source(&parts[5], "line b"), "line b");
        assert_eq!(source(&parts[6], "python3"), "python3");
    }

    #[test]
    fn other_json_is_not_a_notebook() {
        assert!(parts(br#"{"cells": [], "name": "x"}"#).is_none());
        assert!(parts(br#"{"cells": 1, "nbformat": 4}"#).is_none());
        assert!(parts(b"cells nbformat").is_none());
        assert!(parts(br#"{"cells": [], "nbformat": 4, "#).is_none());
    }
}
