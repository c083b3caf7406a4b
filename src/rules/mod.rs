//! Rules: what sprawl looks for.
//!
//! A rule file's YAML is read into `RuleSyntax` (what the file says),
//! compiled into a [`Rule`] (checked, regex built), and all rules together form a [`RuleSet`]
//! with the keyword prefilter, built once and shared by reference by every scanning thread.
//! [`builtin`] embeds `rules/*.yml` in the binary; `remediation` says how to act on a leak.
//! Running each rule's own examples through the full matcher is `crate::rule_check`'s job: this
//! module knows nothing of scanning.

pub mod builtin;
mod keywords;
pub(crate) mod list;
mod load;
mod pattern;
mod prefilter;
pub(crate) mod remediation;
mod rule;
mod set;
pub(crate) mod show;
pub(crate) mod syntax;
mod vocabulary;

pub(crate) use load::load_path;
pub use load::{parse_rule_file, LoadError};
pub(crate) use pattern::SecretGroup;
pub use prefilter::{Candidates, Prefilter};
pub(crate) use remediation::is_web_url;
pub use remediation::Remediation;
#[cfg(test)]
pub(crate) use remediation::SECRET_MANAGERS;
pub(crate) use rule::contains_ignore_ascii_case;
pub use rule::Confidence;
pub use rule::{Rule, RuleError};
pub use set::RuleSet;
pub use syntax::Example;
pub(crate) use vocabulary::{Check, Filter};
