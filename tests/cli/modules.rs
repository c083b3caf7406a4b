//! The library's top-level modules (`src/<name>.rs`, `src/<name>/`) import each other without
//! loops: data flows one way, so each module can be read and tested with only the ones below it.
//!
//! The graph is read from the source: every `crate::name` path (and `crate::{a, b}` group) in a
//! module's files, outside comments, strings and `#[cfg(test)]` items, is an edge from that
//! module to `name`. Test code is left out on purpose: a unit test of a low module may drive the
//! whole scanner to build its fixture. `cargo test --test cli modules::` runs the check; on a
//! loop it names each edge of it with the files that make it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A module graph: for each top-level module, the modules it names, each with the files (paths
/// relative to `src/`) that name it.
type Graph = BTreeMap<String, BTreeMap<String, BTreeSet<String>>>;

/// The top-level module a file under `src/` belongs to (`None` for the crate roots).
fn top_module(relative: &str) -> Option<&str> {
    match relative.split_once('/') {
        Some((folder, _)) => Some(folder),
        None if relative == "lib.rs" || relative == "main.rs" => None,
        None => relative.strip_suffix(".rs"),
    }
}

/// `source` with comments, string and char literals blanked out (strings keep their quotes, so
/// `"a"crate` cannot join into a path).
fn code_only(source: &str) -> String {
    let bytes = source.as_bytes();
    let mut out = String::with_capacity(source.len());
    let mut at = 0;
    while at < bytes.len() {
        let rest = &source[at..];
        if rest.starts_with("//") {
            at += rest.find('\n').unwrap_or(rest.len());
        } else if rest.starts_with("/*") {
            at += block_comment_len(rest);
        } else if let Some(len) = raw_string_len(rest) {
            out.push_str("\"\"");
            at += len;
        } else if rest.starts_with('"') {
            out.push_str("\"\"");
            at += quoted_len(rest, '"');
        } else if let Some(len) = char_literal_len(rest) {
            out.push_str("' '");
            at += len;
        } else {
            let c = rest.chars().next().expect("not at the end");
            out.push(c);
            at += c.len_utf8();
        }
    }
    out
}

/// The length of the (possibly nested) block comment `text` starts with.
fn block_comment_len(text: &str) -> usize {
    let mut depth = 0;
    let mut at = 0;
    while at < text.len() {
        if text[at..].starts_with("/*") {
            depth += 1;
            at += 2;
        } else if text[at..].starts_with("*/") {
            depth -= 1;
            at += 2;
            if depth == 0 {
                return at;
            }
        } else {
            at += text[at..].chars().next().map_or(1, char::len_utf8);
        }
    }
    text.len()
}

/// The length of the quoted literal `text` starts with (backslash escapes honoured).
fn quoted_len(text: &str, quote: char) -> usize {
    let mut escaped = false;
    for (at, c) in text.char_indices().skip(1) {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            _ if c == quote => return at + c.len_utf8(),
            _ => {}
        }
    }
    text.len()
}

/// The length of the raw string (`r"…"`, `r#"…"#`, `br"…"`) `text` starts with, if it starts
/// with one.
fn raw_string_len(text: &str) -> Option<usize> {
    let after_prefix = text.strip_prefix("br").or_else(|| text.strip_prefix('r'))?;
    let hashes = after_prefix.len() - after_prefix.trim_start_matches('#').len();
    let body = after_prefix[hashes..].strip_prefix('"')?;
    let close = format!("\"{}", "#".repeat(hashes));
    let end = body.find(&close).map_or(body.len(), |at| at + close.len());
    Some(text.len() - body.len() + end)
}

/// The length of the char or byte literal (`'a'`, `b'"'`, `'\n'`) `text` starts with, if it
/// starts with one rather than a lifetime.
fn char_literal_len(text: &str) -> Option<usize> {
    let prefix = usize::from(text.starts_with("b'"));
    let quoted = text[prefix..].strip_prefix('\'')?;
    if quoted.starts_with('\\') {
        return Some(prefix + quoted_len(&text[prefix..], '\''));
    }
    let c = quoted.chars().next()?;
    quoted[c.len_utf8()..]
        .starts_with('\'')
        .then_some(prefix + 1 + c.len_utf8() + 1)
}

/// `code` without the items under `#[cfg(test)]`, and the names of file modules declared there
/// (`#[cfg(test)] mod tests;`).
fn without_test_items(code: &str) -> (String, Vec<String>) {
    const MARK: &str = "#[cfg(test)]";
    let mut out = String::with_capacity(code.len());
    let mut test_files = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find(MARK) {
        out.push_str(&rest[..at]);
        let item = &rest[at + MARK.len()..];
        let end = item_len(item);
        if let Some(name) = item[..end]
            .trim()
            .strip_prefix("mod ")
            .and_then(|declared| declared.strip_suffix(';'))
        {
            test_files.push(name.trim().to_string());
        }
        rest = &item[end..];
    }
    out.push_str(rest);
    (out, test_files)
}

/// The length of the item `code` starts with: up to its `;`, or its `{ … }` block (a `;` inside
/// brackets, as in `[u8; 4]`, does not end it).
fn item_len(code: &str) -> usize {
    let (mut braces, mut brackets) = (0usize, 0usize);
    for (at, c) in code.char_indices() {
        match c {
            '{' => braces += 1,
            '}' if braces <= 1 => return at + 1,
            '}' => braces -= 1,
            '(' | '[' => brackets += 1,
            ')' | ']' => brackets = brackets.saturating_sub(1),
            ';' if braces == 0 && brackets == 0 => return at + 1,
            _ => {}
        }
    }
    code.len()
}

/// The first path segment of every `crate::` path in `code`, and of every path in a
/// `crate::{…}` group.
fn crate_paths(code: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let mut from = 0;
    while let Some(found) = code[from..].find("crate::") {
        let start = from + found;
        from = start + "crate::".len();
        let before = code[..start].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$') {
            continue;
        }
        let rest = &code[from..];
        match rest.strip_prefix('{') {
            Some(group) => {
                let group = &group[..item_len(rest) - 2];
                names.extend(top_level_items(group).into_iter().filter_map(first_name));
            }
            None => names.extend(first_name(rest)),
        }
    }
    names
}

/// The comma-separated items of a `use` group, nested groups kept whole.
fn top_level_items(group: &str) -> Vec<&str> {
    let mut items = Vec::new();
    let (mut depth, mut start) = (0usize, 0);
    for (at, c) in group.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                items.push(&group[start..at]);
                start = at + 1;
            }
            _ => {}
        }
    }
    items.push(&group[start..]);
    items
}

/// The identifier `text` starts with (after white space), if any.
fn first_name(text: &str) -> Option<String> {
    let text = text.trim_start();
    let end = text
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(text.len());
    (end > 0).then(|| text[..end].to_string())
}

/// The graph of the files `sources` (paths relative to `src/`, `/`-separated, with their text).
fn graph_of(sources: &[(String, String)]) -> Graph {
    let modules: BTreeSet<&str> = sources
        .iter()
        .filter_map(|(path, _)| top_module(path))
        .collect();
    let mut parsed = Vec::new();
    let mut test_only: BTreeSet<String> = BTreeSet::new();
    for (path, text) in sources {
        let (code, test_files) = without_test_items(&code_only(text));
        let dir = match path.strip_suffix("mod.rs") {
            Some(dir) => dir.to_string(),
            None => format!("{}/", path.trim_end_matches(".rs")),
        };
        for name in test_files {
            test_only.insert(format!("{dir}{name}.rs"));
            test_only.insert(format!("{dir}{name}/mod.rs"));
        }
        parsed.push((path, code));
    }
    let mut graph = Graph::new();
    for (path, code) in parsed {
        let Some(from) = top_module(path) else {
            continue;
        };
        if test_only.contains(path.as_str()) {
            continue;
        }
        graph.entry(from.to_string()).or_default();
        for to in crate_paths(&code) {
            if to != from && modules.contains(to.as_str()) {
                graph
                    .entry(from.to_string())
                    .or_default()
                    .entry(to)
                    .or_default()
                    .insert(path.clone());
            }
        }
    }
    graph
}

/// A loop in `graph`, as the modules along it (the first repeated at the end), if there is one.
fn find_loop(graph: &Graph) -> Option<Vec<String>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        Open,
        Done,
    }
    fn visit(
        graph: &Graph,
        module: &str,
        marks: &mut BTreeMap<String, Mark>,
        path: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        marks.insert(module.to_string(), Mark::Open);
        path.push(module.to_string());
        for next in graph.get(module).into_iter().flat_map(BTreeMap::keys) {
            match marks.get(next) {
                Some(Mark::Done) => {}
                Some(Mark::Open) => {
                    let start = path.iter().position(|m| m == next).expect("on the path");
                    let mut cycle = path[start..].to_vec();
                    cycle.push(next.clone());
                    return Some(cycle);
                }
                None => {
                    if let Some(cycle) = visit(graph, next, marks, path) {
                        return Some(cycle);
                    }
                }
            }
        }
        path.pop();
        marks.insert(module.to_string(), Mark::Done);
        None
    }
    let mut marks = BTreeMap::new();
    for module in graph.keys() {
        if !marks.contains_key(module) {
            if let Some(cycle) = visit(graph, module, &mut marks, &mut Vec::new()) {
                return Some(cycle);
            }
        }
    }
    None
}

/// One loop in each group of modules that reach each other (a strongly connected component of
/// more than one module), so a failure names every tangle at once.
fn loops(graph: &Graph) -> Vec<(BTreeSet<String>, Vec<String>)> {
    let reach = |from: &str| -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut stack = vec![from.to_string()];
        while let Some(module) = stack.pop() {
            for next in graph.get(&module).into_iter().flat_map(BTreeMap::keys) {
                if seen.insert(next.clone()) {
                    stack.push(next.clone());
                }
            }
        }
        seen
    };
    let reached: BTreeMap<&String, BTreeSet<String>> =
        graph.keys().map(|module| (module, reach(module))).collect();
    let mut groups: BTreeSet<BTreeSet<String>> = BTreeSet::new();
    for (module, from_here) in &reached {
        let group: BTreeSet<String> = from_here
            .iter()
            .filter(|other| {
                reached
                    .get(other)
                    .is_some_and(|back| back.contains(*module))
            })
            .cloned()
            .collect();
        if group.len() > 1 {
            groups.insert(group);
        }
    }
    groups
        .iter()
        .filter_map(|group| {
            let inside: Graph = graph
                .iter()
                .filter(|(module, _)| group.contains(*module))
                .map(|(module, edges)| {
                    let edges = edges
                        .iter()
                        .filter(|(to, _)| group.contains(*to))
                        .map(|(to, files)| (to.clone(), files.clone()))
                        .collect();
                    (module.clone(), edges)
                })
                .collect();
            find_loop(&inside).map(|cycle| (group.clone(), cycle))
        })
        .collect()
}

/// `cycle` with the files behind each edge, one edge a line.
fn describe(graph: &Graph, cycle: &[String]) -> String {
    cycle
        .windows(2)
        .map(|edge| {
            let files = &graph[&edge[0]][&edge[1]];
            let files: Vec<&str> = files.iter().map(String::as_str).collect();
            format!("  {} -> {} ({})\n", edge[0], edge[1], files.join(", "))
        })
        .collect()
}

/// Every `.rs` file under `dir`, as (path relative to `root`, text).
fn read_tree(root: &Path, dir: &Path, out: &mut Vec<(String, String)>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|err| panic!("{}: {err}", dir.display()))
        .map(|entry| entry.expect("a readable entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            read_tree(root, &path, out);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            let relative = path.strip_prefix(root).expect("under the root");
            let relative = relative.to_string_lossy().replace('\\', "/");
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|err| panic!("{}: {err}", path.display()));
            out.push((relative, text));
        }
    }
}

fn sprawl_graph() -> Graph {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut sources = Vec::new();
    read_tree(&src, &src, &mut sources);
    graph_of(&sources)
}

fn sources(files: &[(&str, &str)]) -> Vec<(String, String)> {
    files
        .iter()
        .map(|(path, text)| (path.to_string(), text.to_string()))
        .collect()
}

#[test]
fn top_level_modules_import_each_other_without_loops() {
    let graph = sprawl_graph();
    assert!(
        graph.contains_key("engine") && graph.contains_key("rules"),
        "{graph:?}"
    );
    let found = loops(&graph);
    if !found.is_empty() {
        let described: Vec<String> = found
            .iter()
            .map(|(group, cycle)| {
                let group: Vec<&str> = group.iter().map(String::as_str).collect();
                format!("{}:\n{}", group.join(", "), describe(&graph, cycle))
            })
            .collect();
        panic!(
            "the top-level modules of src/ import each other in loops (each tangle, then one loop \
             in it):\n{}",
            described.join("\n")
        );
    }
}

#[test]
fn the_readme_lists_every_top_level_module() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README.md is readable");
    let development = readme
        .split("\n## Development\n")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .expect("README.md has a Development section");
    let listed: BTreeSet<String> = development
        .lines()
        .filter_map(|line| line.strip_prefix("- `"))
        .filter_map(|item| item.split_once('`'))
        .map(|(name, _)| name.to_string())
        .collect();
    let modules: BTreeSet<String> = sprawl_graph().into_keys().collect();
    assert_eq!(
        listed, modules,
        "the module list in README.md's Development section"
    );
}

/// The graph as the README shows it: one line per module, each after every module it imports
/// (by depth: modules that import none of the others first), with what it imports.
fn graph_text(graph: &Graph) -> String {
    fn depth(graph: &Graph, module: &str, memo: &mut BTreeMap<String, usize>) -> usize {
        if let Some(&known) = memo.get(module) {
            return known;
        }
        // A loop fails the test above; here it only must not recurse forever.
        memo.insert(module.to_string(), 0);
        let below = graph
            .get(module)
            .into_iter()
            .flat_map(BTreeMap::keys)
            .map(|next| depth(graph, next, memo) + 1)
            .max()
            .unwrap_or(0);
        memo.insert(module.to_string(), below);
        below
    }
    let mut memo = BTreeMap::new();
    let mut order: Vec<(usize, &String)> = graph
        .keys()
        .map(|module| (depth(graph, module, &mut memo), module))
        .collect();
    order.sort();
    let width = graph.keys().map(String::len).max().unwrap_or(0);
    let mut text = String::from("```text\n");
    for (level, module) in order {
        let imports: Vec<&str> = graph[module].keys().map(String::as_str).collect();
        let imports = match imports.is_empty() {
            true => "-".to_string(),
            false => imports.join(", "),
        };
        text.push_str(&format!("{level:>2}  {module:<width$}  <- {imports}\n"));
    }
    text.push_str("```\n");
    text
}

#[test]
fn the_readme_module_graph_is_the_one_the_code_makes() {
    crate::util::check_readme_block("module-graph", "src/", &graph_text(&sprawl_graph()));
}

#[test]
fn the_graph_text_puts_each_module_after_what_it_imports() {
    let graph = graph_of(&sources(&[
        (
            "run.rs",
            "use crate::engine::Matcher; use crate::rules::RuleSet;",
        ),
        ("engine/mod.rs", "use crate::rules::Rule;"),
        ("rules/mod.rs", ""),
    ]));
    assert_eq!(
        graph_text(&graph),
        "```text\n 0  rules   <- -\n 1  engine  <- rules\n 2  run     <- engine, rules\n```\n"
    );
}

#[test]
fn a_loop_through_a_use_group_is_found_and_named() {
    let graph = graph_of(&sources(&[
        ("lib.rs", "pub mod a; pub mod b; pub mod c;"),
        ("a.rs", "use crate::{b::Thing, c};"),
        ("b/mod.rs", "mod inner;"),
        ("b/inner.rs", "fn f() { crate::c::g() }"),
        ("c.rs", "use crate::a::{self, X};"),
    ]));
    assert_eq!(loops(&graph).len(), 1);
    let cycle = find_loop(&graph).expect("a -> b -> c -> a is a loop");
    let text = describe(&graph, &cycle);
    assert!(text.contains("b -> c (b/inner.rs)"), "{text}");
    assert!(text.contains("c -> a (c.rs)"), "{text}");
}

#[test]
fn comments_strings_and_test_code_make_no_edge() {
    let graph = graph_of(&sources(&[
        ("a.rs", "use crate::b::X;"),
        (
            "b.rs",
            "// crate::a::f\n/* crate::a */ const S: &str = \"crate::a\";\n\
             const R: &str = r#\"crate::a\"#; const Q: u8 = b'\"'; fn f<'a>(x: &'a str) {}\n\
             #[cfg(test)]\nfn t(x: [u8; 4]) { crate::a::f() }\n\
             #[cfg(test)]\nmod tests { use crate::a::f; }\n#[cfg(test)]\nmod more;",
        ),
        ("b/more.rs", "use crate::a::g;"),
        ("c.rs", "fn f() { my_crate::a::g(); $crate::a::h(); }"),
    ]));
    assert_eq!(find_loop(&graph), None, "{graph:?}");
    assert!(graph["c"].is_empty(), "{graph:?}");
    // The same edge outside test code closes the loop.
    let graph = graph_of(&sources(&[
        ("a.rs", "use crate::b::X;"),
        ("b.rs", "const Q: u8 = b'\"'; fn f() { crate::a::f() }"),
    ]));
    assert_eq!(
        find_loop(&graph),
        Some(vec!["a".into(), "b".into(), "a".into()])
    );
}
