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
pub fn write_man(out: &mut dyn Write) -> io::Result<()> {
    let command = Cli::command();
    clap_mangen::Man::new(command.clone()).render(out)?;
    for sub in command.get_subcommands() {
        write_subcommand(sub, "sprawl", out)?;
    }
    Ok(())
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
}
