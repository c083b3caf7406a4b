//! Rules: what sprawl looks for.
//!
//! A rule file's YAML is read into [`RuleSyntax`] (what the file says), compiled into a [`Rule`]
//! (checked, regex built), and all rules together form a [`RuleSet`] with the keyword prefilter,
//! built once and shared by reference by every scanning thread. [`builtin`] embeds `rules/*.yml`
//! in the binary; [`remediation`] says how to act on a leak. Running each rule's own examples
//! through the full matcher is `crate::rule_check`'s job: this module knows nothing of scanning.

pub mod builtin;
mod keywords;
pub mod list;
mod load;
mod pattern;
mod prefilter;
pub mod remediation;
mod rule;
mod set;
pub mod show;
pub mod syntax;
mod vocabulary;

pub use load::{load_path, parse_rule_file, LoadError};
pub use pattern::{PatternFacts, SecretGroup};
pub use prefilter::{Candidates, Prefilter};
pub use remediation::{is_web_url, Remediation, RemediationSyntax, SECRET_MANAGERS};
pub(crate) use rule::contains_ignore_ascii_case;
pub use rule::{Compile, Confidence, Rule, RuleError};
pub use set::RuleSet;
pub use syntax::{Example, RuleFileSyntax, RuleSyntax};
pub use vocabulary::{Check, Filter};
