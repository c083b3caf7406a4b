//! What a finding carries when its place lowered its confidence: the [`Context`] (test code,
//! documentation) and the rule's own confidence. The judgement itself (which paths are test
//! code or documentation) is `crate::context`'s; these types live with the finding that holds
//! them, so a finding and its reports never depend on that judgement.

use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::rules::Confidence;

/// Why a finding's confidence is lower than its rule's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Context {
    /// The file is test code or test data: a folder such as `tests/`, `testdata/`, `fixtures/`,
    /// `examples/`, `fuzz/`, or a file named like `foo_test.go`, `test_foo.py`, `foo.spec.ts`.
    TestFixture,
    /// The file is documentation (`*.md`, `*.rst`, man pages, `docs/`) and the rule matches a
    /// shape of assignment or credential file rather than a token format: what it finds there
    /// is far more often an illustration than a credential.
    Documentation,
}

impl Context {
    /// The kebab-case name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Context::TestFixture => "test-fixture",
            Context::Documentation => "documentation",
        }
    }

    /// A phrase for people: `in test code or test data`.
    pub(crate) fn phrase(self) -> &'static str {
        match self {
            Context::TestFixture => "in test code or test data",
            Context::Documentation => "in documentation",
        }
    }
}

impl fmt::Display for Context {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A finding whose confidence was lowered because of where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Demotion {
    /// The rule's own confidence.
    pub from: Confidence,
    /// Why it was lowered.
    pub context: Context,
    /// The part of the path that says so (`tests/`, `foo_test.go`, `README.md`).
    pub evidence: String,
}
