//! Documentation generated from the command-line definition itself: shell completion scripts
//! (`sprawl completions SHELL`) and a man page (`sprawl man`). Both are derived from
//! [`crate::cli::Cli`], so a new flag is documented the moment it exists.

use std::io::{self, Write};

use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::Cli;

/// Writes the completion script for `shell` to `out`. The script is built in memory first:
/// clap_complete panics on a write error, and a closed pipe is not worth a panic.
pub fn write_completions(shell: Shell, out: &mut dyn Write) -> io::Result<()> {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "sprawl", &mut script);
    out.write_all(&script)
}

/// Writes the man page, in roff, to `out`: the top-level page, then a section per subcommand
/// (nested subcommands such as `rules list` included), so one page documents every flag.
///
/// The page is put together from clap_mangen's sections rather than its whole `render`: that one
/// lists subcommands as pages of their own (`sprawl-scan(1)`), which sprawl does not install.
/// Here the SUBCOMMANDS section names the sections of this page instead.
pub fn write_man(out: &mut dyn Write) -> io::Result<()> {
    let command = Cli::command();
    let man = clap_mangen::Man::new(command.clone());
    man.render_title(out)?;
    man.render_name_section(out)?;
    man.render_synopsis_section(out)?;
    man.render_description_section(out)?;
    man.render_options_section(out)?;
    writeln!(out, ".SH SUBCOMMANDS")?;
    for sub in command.get_subcommands() {
        write_subcommand_entry(sub, "sprawl", out)?;
    }
    man.render_version_section(out)?;
    for sub in command.get_subcommands() {
        write_subcommand(sub, "sprawl", out)?;
    }
    Ok(())
}

/// One entry of the SUBCOMMANDS list: the name, its one-line summary, and the section of this
/// page that documents it; then its own subcommands.
fn write_subcommand_entry(
    sub: &clap::Command,
    parent: &str,
    out: &mut dyn Write,
) -> io::Result<()> {
    let name = format!("{parent} {}", sub.get_name());
    writeln!(out, ".TP\n\\fB{}\\fR", roff_text(&name))?;
    if let Some(about) = sub.get_about() {
        writeln!(out, "{}", roff_text(&about.to_string()))?;
    }
    writeln!(
        out,
        "See the {} section below.",
        roff_text(&name.to_uppercase())
    )?;
    for nested in sub.get_subcommands() {
        write_subcommand_entry(nested, &name, out)?;
    }
    Ok(())
}

/// `text` as one line of roff body text: backslashes and dashes escaped, and a leading `.` or
/// `'` kept from being read as a request.
fn roff_text(text: &str) -> String {
    let escaped = text.replace('\\', "\\e").replace('-', "\\-");
    if escaped.starts_with(['.', '\'']) {
        format!("\\&{escaped}")
    } else {
        escaped
    }
}

/// One subcommand's usage, description and options as an `.SH` section, then its own
/// subcommands.
fn write_subcommand(sub: &clap::Command, parent: &str, out: &mut dyn Write) -> io::Result<()> {
    let name = format!("{parent} {}", sub.get_name());
    let sub = sub
        .clone()
        .display_name(name.clone())
        .bin_name(name.clone());
    let man = clap_mangen::Man::new(sub.clone());
    writeln!(out, ".SH \"{}\"", name.to_uppercase())?;
    // clap_mangen heads its sections with `.SH`; inside a subcommand's section they are
    // subsections.
    let mut body = Vec::new();
    man.render_synopsis_section(&mut body)?;
    man.render_description_section(&mut body)?;
    if sub.get_arguments().any(|arg| !arg.is_hide_set()) {
        man.render_options_section(&mut body)?;
    }
    for line in String::from_utf8_lossy(&body).lines() {
        match line.strip_prefix(".SH ") {
            Some(heading) => writeln!(out, ".SS {heading}")?,
            None => writeln!(out, "{line}")?,
        }
    }
    for nested in sub.get_subcommands() {
        write_subcommand(nested, &name, out)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_man_page_has_a_section_per_subcommand() {
        let mut page = Vec::new();
        write_man(&mut page).unwrap();
        let page = String::from_utf8(page).unwrap();
        assert!(page.starts_with(".ie") || page.contains(".TH"), "{page}");
        for section in ["SPRAWL SCAN", "SPRAWL GIT", "SPRAWL RULES LIST"] {
            assert!(page.contains(section), "no {section} section");
        }
    }

    #[test]
    fn the_subcommands_section_points_into_this_page_not_to_other_pages() {
        let mut page = Vec::new();
        write_man(&mut page).unwrap();
        let page = String::from_utf8(page).unwrap();
        // clap_mangen's own list names pages such as sprawl-scan(1), which are not installed.
        assert!(!page.contains("sprawl\\-scan(1)") && !page.contains("sprawl-scan(1)"));
        let list = page
            .split(".SH SUBCOMMANDS")
            .nth(1)
            .and_then(|rest| rest.split(".SH").next())
            .expect("a SUBCOMMANDS section");
        for name in [
            "sprawl scan",
            "sprawl git",
            "sprawl rules list",
            "sprawl merge",
        ] {
            let entry = format!("\\fB{}\\fR", roff_text(name));
            assert!(list.contains(&entry), "{name} missing from:\n{list}");
            let section = format!(".SH \"{}\"", name.to_uppercase());
            assert!(page.contains(&section), "no {section}");
        }
    }
}
