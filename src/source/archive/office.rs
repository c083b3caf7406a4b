//! Text out of Office Open XML (docx, xlsx, pptx) and OpenDocument (odt, ods, odp) parts, so that
//! a finding's line is something a person can find in the document:
//!
//! - `word/*.xml`, `ppt/**/*.xml`, `content.xml` and `styles.xml` of OpenDocument: one line per
//!   paragraph (or heading), empty paragraphs included, so line 12 is the twelfth paragraph of
//!   that part (a table cell's paragraphs count in order); a line break inside a paragraph
//!   starts a new line, a tab is a tab. Runs of one paragraph are joined, so a secret that the
//!   editor split into several runs is whole again. Deleted text (tracked changes) and field
//!   codes are kept: they are in the file.
//! - `xl/worksheets/*.xml`: line N is row N of the sheet, its cells separated by tabs in column
//!   order (cell C3 is after the second tab of line 3). Shared strings are looked up; formulas
//!   are left out, their cached values kept. Line breaks and tabs inside a cell become spaces so
//!   rows stay rows.
//!
//! Everything else in the container (relationships, media, embedded files, `docProps`) is an
//! ordinary entry: scanned as it is, or opened if it is an archive itself.

use quick_xml::events::{BytesStart, BytesText, Event};
use quick_xml::Reader;

/// The workbook part the sheets' shared strings live in.
pub(super) const SHARED_STRINGS: &str = "xl/sharedStrings.xml";

/// What kind of zip a zip is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Container {
    /// docx, xlsx, pptx.
    Ooxml,
    /// odt, ods, odp.
    Odf,
    /// Any other zip (jar, whl, apk ...).
    Plain,
}

/// How an entry of a container is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Part {
    /// As it is.
    Raw,
    /// Paragraphs as lines.
    Document(Flavor),
    /// Rows as lines.
    Sheet,
    /// A workbook's shared strings, read before the sheets.
    SharedStrings,
}

/// Which vocabulary a document part speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Flavor {
    /// Text in `t` elements inside `p` paragraphs.
    Ooxml,
    /// Text anywhere inside `p` and `h` paragraphs.
    Odf,
}

impl Container {
    /// The kind of a zip, from the names of its entries (`has` says whether one exists).
    pub(super) fn of(has: impl Fn(&str) -> bool) -> Container {
        let main_part = [
            "word/document.xml",
            "xl/workbook.xml",
            "ppt/presentation.xml",
        ];
        if has("[Content_Types].xml") && main_part.iter().any(|part| has(part)) {
            Container::Ooxml
        } else if has("mimetype") && has("content.xml") {
            Container::Odf
        } else {
            Container::Plain
        }
    }

    /// How the entry `name` is read.
    pub(super) fn part(self, name: &str) -> Part {
        match self {
            Container::Ooxml if name == SHARED_STRINGS => Part::SharedStrings,
            Container::Ooxml if name.starts_with("xl/worksheets/") && name.ends_with(".xml") => {
                Part::Sheet
            }
            Container::Ooxml
                if name.ends_with(".xml")
                    && ["word/", "xl/", "ppt/"]
                        .iter()
                        .any(|folder| name.starts_with(folder)) =>
            {
                Part::Document(Flavor::Ooxml)
            }
            Container::Odf if name == "content.xml" || name == "styles.xml" => {
                Part::Document(Flavor::Odf)
            }
            _ => Part::Raw,
        }
    }
}

/// Text taken out of a part, cut at a size limit.
#[derive(Debug, Default)]
pub(super) struct Text {
    /// The text.
    pub(super) text: String,
    /// Whether the limit cut it.
    pub(super) truncated: bool,
    max: usize,
}

impl Text {
    fn new(max: usize) -> Text {
        Text {
            max,
            ..Text::default()
        }
    }

    fn push(&mut self, text: &str) {
        if self.truncated {
            return;
        }
        let room = self.max.saturating_sub(self.text.len());
        if text.len() <= room {
            self.text.push_str(text);
            return;
        }
        let mut cut = room;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        self.text.push_str(&text[..cut]);
        self.truncated = true;
    }

    fn repeat(&mut self, text: &str, times: usize) {
        for _ in 0..times {
            if self.truncated {
                return;
            }
            self.push(text);
        }
    }
}

/// The paragraphs of a document part, one per line; `None` if it is not well-formed XML (it is
/// then scanned as it is).
pub(super) fn document_text(xml: &[u8], flavor: Flavor, max: usize) -> Option<Text> {
    let mut reader = Reader::from_reader(xml);
    let mut out = Text::new(max);
    let (mut paragraphs, mut texts, mut skipping) = (0usize, 0usize, 0usize);
    while !out.truncated {
        match reader.read_event().ok()? {
            Event::Start(element) => {
                let name = element.local_name();
                let name = name.as_ref();
                if skipping > 0 || is_ignored(name) {
                    skipping += 1;
                } else if is_paragraph(name, flavor) {
                    paragraphs += 1;
                } else if is_text(name) {
                    texts += 1;
                }
            }
            Event::End(element) => {
                let name = element.local_name();
                let name = name.as_ref();
                if skipping > 0 {
                    skipping -= 1;
                } else if is_paragraph(name, flavor) {
                    paragraphs = paragraphs.saturating_sub(1);
                    out.push("\n");
                } else if is_text(name) && flavor == Flavor::Ooxml {
                    texts = texts.saturating_sub(1);
                    if paragraphs == 0 {
                        out.push("\n"); // text outside a paragraph stands on its own line
                    }
                }
            }
            Event::Empty(element) if skipping == 0 => {
                empty_element(&element, flavor, paragraphs > 0, &mut out)
            }
            Event::Text(text) if skipping == 0 => {
                let inside = match flavor {
                    Flavor::Ooxml => texts > 0,
                    Flavor::Odf => paragraphs > 0,
                };
                if inside {
                    out.push(&unescaped(&text));
                }
            }
            Event::CData(data) if skipping == 0 && (texts > 0 || paragraphs > 0) => {
                out.push(&String::from_utf8_lossy(&data));
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Some(out)
}

/// A self-closing element: an empty paragraph, a break, a tab, ODF's run of spaces.
fn empty_element(element: &BytesStart<'_>, flavor: Flavor, in_paragraph: bool, out: &mut Text) {
    let name = element.local_name();
    match name.as_ref() {
        name if is_paragraph(name, flavor) => out.push("\n"),
        b"br" | b"cr" | b"line-break" if in_paragraph => out.push("\n"),
        b"tab" if in_paragraph => out.push("\t"),
        b"s" if flavor == Flavor::Odf && in_paragraph => {
            let count = attribute(element, b"c")
                .and_then(|count| count.parse().ok())
                .unwrap_or(1usize);
            out.repeat(" ", count);
        }
        _ => {}
    }
}

fn is_paragraph(name: &[u8], flavor: Flavor) -> bool {
    match flavor {
        Flavor::Ooxml => matches!(name, b"p" | b"comment"),
        Flavor::Odf => matches!(name, b"p" | b"h"),
    }
}

/// OOXML's text-holding elements: text, deleted text, field codes.
fn is_text(name: &[u8]) -> bool {
    matches!(name, b"t" | b"delText" | b"instrText")
}

/// Subtrees without text worth scanning (properties: tab stops are not tabs), or with a second
/// copy of text found elsewhere (`mc:Fallback`), or phonetic guides.
fn is_ignored(name: &[u8]) -> bool {
    name.ends_with(b"Pr") || name == b"Fallback" || name == b"rPh"
}

/// A workbook's shared strings, in order.
pub(super) fn shared_strings(xml: &[u8]) -> Vec<String> {
    let mut reader = Reader::from_reader(xml);
    let mut strings = Vec::new();
    let mut current = String::new();
    let (mut in_text, mut skipping) = (false, 0usize);
    loop {
        match reader.read_event() {
            Ok(Event::Start(element)) => match element.local_name().as_ref() {
                _ if skipping > 0 => skipping += 1,
                b"rPh" => skipping = 1,
                b"t" => in_text = true,
                _ => {}
            },
            Ok(Event::End(element)) => match element.local_name().as_ref() {
                _ if skipping > 0 => skipping -= 1,
                b"t" => in_text = false,
                b"si" => strings.push(std::mem::take(&mut current)),
                _ => {}
            },
            Ok(Event::Empty(element)) if element.local_name().as_ref() == b"si" => {
                strings.push(String::new());
            }
            Ok(Event::Text(text)) if in_text && skipping == 0 => {
                current.push_str(&unescaped(&text))
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
    strings
}

/// One line per row of a worksheet (line N is row N), cells separated by tabs in column order;
/// `None` if it is not well-formed XML.
pub(super) fn sheet_text(xml: &[u8], strings: &[String], max: usize) -> Option<Text> {
    let mut reader = Reader::from_reader(xml);
    let mut out = Text::new(max);
    let mut sheet = Sheet::default();
    while !out.truncated {
        match reader.read_event().ok()? {
            Event::Start(element) => sheet.start(&element, &mut out),
            Event::Empty(element) => {
                sheet.start(&element, &mut out);
                sheet.end(element.local_name().as_ref(), strings, &mut out);
            }
            Event::End(element) => sheet.end(element.local_name().as_ref(), strings, &mut out),
            Event::Text(text) if sheet.capturing => sheet.value.push_str(&unescaped(&text)),
            Event::Eof => break,
            _ => {}
        }
    }
    Some(out)
}

/// Where a worksheet is being written.
#[derive(Debug)]
struct Sheet {
    /// The row the next text goes on (1-based).
    line: usize,
    /// The column the text goes in (0-based): how many tabs the row has so far.
    column: usize,
    /// The column of the next cell without a reference.
    next_column: usize,
    /// The cell's `t` attribute.
    kind: Vec<u8>,
    value: String,
    capturing: bool,
    in_inline: bool,
}

impl Default for Sheet {
    fn default() -> Sheet {
        Sheet {
            line: 1,
            column: 0,
            next_column: 0,
            kind: Vec::new(),
            value: String::new(),
            capturing: false,
            in_inline: false,
        }
    }
}

impl Sheet {
    fn start(&mut self, element: &BytesStart<'_>, out: &mut Text) {
        match element.local_name().as_ref() {
            b"row" => {
                let row = attribute(element, b"r").and_then(|r| r.parse::<usize>().ok());
                if let Some(row) = row {
                    out.repeat("\n", row.saturating_sub(self.line));
                    self.line = self.line.max(row);
                }
                self.column = 0;
                self.next_column = 0;
            }
            b"c" => {
                let column = attribute(element, b"r")
                    .and_then(|r| column_of(&r))
                    .unwrap_or(self.next_column)
                    .max(self.column);
                out.repeat("\t", column - self.column);
                self.column = column;
                self.next_column = column + 1;
                self.kind = attribute(element, b"t").unwrap_or_default().into_bytes();
                self.value.clear();
            }
            b"v" => self.capturing = true,
            b"is" => self.in_inline = true,
            b"t" if self.in_inline => self.capturing = true,
            _ => {}
        }
    }

    fn end(&mut self, name: &[u8], strings: &[String], out: &mut Text) {
        match name {
            b"row" => {
                out.push("\n");
                self.line += 1;
            }
            b"c" => {
                let value = match self.kind.as_slice() {
                    b"s" => self
                        .value
                        .trim()
                        .parse::<usize>()
                        .ok()
                        .and_then(|index| strings.get(index))
                        .map_or(self.value.as_str(), String::as_str),
                    _ => self.value.as_str(),
                };
                out.push(&value.replace(['\r', '\n', '\t'], " "));
                self.value.clear();
            }
            b"v" | b"t" => self.capturing = false,
            b"is" => self.in_inline = false,
            _ => {}
        }
    }
}

/// The 0-based column of a cell reference: `C3` -> 2, `AA1` -> 26. Capped at Excel's last
/// column, so a hostile reference cannot ask for millions of tabs.
fn column_of(reference: &str) -> Option<usize> {
    const LAST_COLUMN: usize = 16_383;
    let letters: Vec<u8> = reference
        .bytes()
        .take_while(u8::is_ascii_alphabetic)
        .collect();
    if letters.is_empty() || letters.len() > 3 {
        return None;
    }
    let number = letters.iter().fold(0usize, |acc, &letter| {
        acc * 26 + usize::from(letter.to_ascii_uppercase() - b'A') + 1
    });
    Some((number - 1).min(LAST_COLUMN))
}

fn attribute(element: &BytesStart<'_>, name: &[u8]) -> Option<String> {
    element
        .attributes()
        .flatten()
        .find(|attr| attr.key.local_name().as_ref() == name)
        .map(|attr| String::from_utf8_lossy(&attr.value).into_owned())
}

/// The text with entities resolved; as it is when an entity is unknown.
fn unescaped(text: &BytesText<'_>) -> String {
    text.unescape()
        .map(|text| text.into_owned())
        .unwrap_or_else(|_| String::from_utf8_lossy(text).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(xml: &str, flavor: Flavor) -> String {
        document_text(xml.as_bytes(), flavor, usize::MAX)
            .unwrap()
            .text
    }

    #[test]
    fn word_paragraphs_are_lines_and_runs_are_joined() {
        let xml = r#"<?xml version="1.0"?><w:document xmlns:w="w"><w:body>
            <w:p><w:pPr><w:tabs><w:tab w:val="left"/></w:tabs></w:pPr><w:r><w:t>Title</w:t></w:r></w:p>
            <w:p/>
            <w:p><w:r><w:t>key = ab</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>cd&amp;ef</w:t></w:r><w:r><w:tab/><w:t>x</w:t><w:br/><w:t>next</w:t></w:r></w:p>
            <w:p><w:del><w:r><w:delText>gone</w:delText></w:r></w:del></w:p>
            </w:body></w:document>"#;
        assert_eq!(
            text(xml, Flavor::Ooxml),
            "Title\n\nkey = abcd&ef\tx\nnext\ngone\n"
        );
    }

    #[test]
    fn fallback_copies_are_not_read_twice() {
        let xml = r#"<w:p><mc:AlternateContent><mc:Choice><w:t>a</w:t></mc:Choice><mc:Fallback><w:t>a</w:t></mc:Fallback></mc:AlternateContent></w:p>"#;
        assert_eq!(text(xml, Flavor::Ooxml), "a\n");
    }

    #[test]
    fn opendocument_paragraphs_and_spaces() {
        let xml = r#"<office:text><text:h>Head</text:h><text:p>a<text:s text:c="3"/>b<text:span>c</text:span><text:line-break/>d</text:p></office:text>"#;
        assert_eq!(text(xml, Flavor::Odf), "Head\na   bc\nd\n");
    }

    #[test]
    fn sheets_put_row_n_on_line_n_and_cells_in_their_columns() {
        let strings = shared_strings(
            br#"<sst><si><t>name</t></si><si><r><t>to</t></r><r><t>ken</t></r><rPh><t>x</t></rPh></si></sst>"#,
        );
        assert_eq!(strings, ["name", "token"]);
        let xml = br#"<worksheet><sheetData>
            <row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1"><v>42</v></c></row>
            <row r="4"><c r="B4" t="inlineStr"><is><t>multi
line</t></is></c><c t="s"><f>CONCAT()</f><v>1</v></c></row>
            </sheetData></worksheet>"#;
        let sheet = sheet_text(xml, &strings, usize::MAX).unwrap();
        assert_eq!(sheet.text, "name\t\t42\n\n\n\tmulti line\ttoken\n");
    }

    #[test]
    fn text_is_cut_at_the_limit() {
        let xml = "<w:p><w:t>abcdef</w:t></w:p>";
        let cut = document_text(xml.as_bytes(), Flavor::Ooxml, 4).unwrap();
        assert_eq!((cut.text.as_str(), cut.truncated), ("abcd", true));
        let rows =
            br#"<sheetData><row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>"#;
        let cut = sheet_text(rows, &[], 1000).unwrap();
        assert!(cut.truncated && cut.text.len() == 1000);
    }

    #[test]
    fn columns_are_read_from_references() {
        assert_eq!(column_of("A1"), Some(0));
        assert_eq!(column_of("C3"), Some(2));
        assert_eq!(column_of("AA10"), Some(26));
        assert_eq!(column_of("ZZZ1"), Some(16_383));
        assert_eq!(column_of("12"), None);
    }

    #[test]
    fn containers_are_told_by_their_parts() {
        let docx = ["[Content_Types].xml", "word/document.xml"];
        assert_eq!(Container::of(|n| docx.contains(&n)), Container::Ooxml);
        let odt = ["mimetype", "content.xml"];
        assert_eq!(Container::of(|n| odt.contains(&n)), Container::Odf);
        let nupkg = ["[Content_Types].xml", "lib/a.dll"];
        assert_eq!(Container::of(|n| nupkg.contains(&n)), Container::Plain);
        let ooxml = Container::Ooxml;
        assert_eq!(
            ooxml.part("word/document.xml"),
            Part::Document(Flavor::Ooxml)
        );
        assert_eq!(ooxml.part("xl/worksheets/sheet1.xml"), Part::Sheet);
        assert_eq!(ooxml.part(SHARED_STRINGS), Part::SharedStrings);
        assert_eq!(ooxml.part("word/_rels/document.xml.rels"), Part::Raw);
        assert_eq!(ooxml.part("docProps/core.xml"), Part::Raw);
        assert_eq!(Container::Plain.part("word/document.xml"), Part::Raw);
    }
}
