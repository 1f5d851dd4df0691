//! Errors raised by the pure core. Each variant names the field, the bad value and the fix,
//! because these messages are what a user sees when `helm ethnet install` refuses their values.

use std::fmt;

/// One problem found while validating a network spec.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct SpecProblem {
    /// Dotted path of the offending value, as written in values.yaml (`network.chainId`).
    pub field: String,
    /// What is wrong with it and how to fix it.
    pub message: String,
}

impl SpecProblem {
    pub(crate) fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// Every problem found in a spec, reported together so a user fixes them in one pass.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecErrors(pub Vec<SpecProblem>);

impl fmt::Display for SpecErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.as_slice() {
            [one] => write!(f, "invalid values: {one}"),
            many => {
                write!(f, "invalid values ({} problems):", many.len())?;
                for problem in many {
                    write!(f, "\n  - {problem}")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for SpecErrors {}

/// A change a re-install or upgrade may not make, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefusedChange {
    /// Values path of the change (`network.chainId`).
    pub field: String,
    /// The value the network was made with.
    pub stored: String,
    /// The value asked for now.
    pub requested: String,
    /// Why it cannot change.
    pub reason: &'static str,
}

impl fmt::Display for RefusedChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} -> {} ({})",
            self.field, self.stored, self.requested, self.reason
        )
    }
}

fn list_refused(changes: &[RefusedChange]) -> String {
    changes.iter().map(|c| format!("\n  - {c}")).collect()
}

/// A manifest.json that this release cannot read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ManifestError {
    /// Written in a format this release does not know.
    #[error(
        "manifest format {version} (written by ethnet {ethnet}) is not one this ethnet reads \
         (\"{}\"): run the ethnet release that made the network, or a newer one",
        super::artifacts::MANIFEST_API_VERSION
    )]
    UnknownVersion {
        /// The `apiVersion` found, as JSON.
        version: String,
        /// The `ethnetVersion` found.
        ethnet: String,
    },
    /// Not JSON, or not the manifest layout.
    #[error("{0}")]
    Invalid(String),
}

/// Errors from building artifacts out of a valid spec.
#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    /// The spec did not validate.
    #[error(transparent)]
    Spec(#[from] SpecErrors),
    /// A user alloc entry collides with an account ethnet places itself.
    #[error(
        "accounts.alloc.{address}: this address is already {owner}; remove it from accounts.alloc"
    )]
    AllocCollision {
        /// The colliding address.
        address: String,
        /// Who already owns it (a generated account, a system contract).
        owner: &'static str,
    },
    /// The mnemonic supplied by the user is not valid BIP-39.
    #[error("mnemonic: {0}; supply 12 to 24 English BIP-39 words")]
    Mnemonic(String),
    /// A key derivation step failed (practically unreachable for valid seeds).
    #[error("key derivation failed at {path}: {reason}")]
    Derivation {
        /// Derivation path that failed.
        path: String,
        /// Underlying reason.
        reason: String,
    },
    /// The consensus genesis state could not be built.
    #[error(transparent)]
    ClGenesis(#[from] super::cl_genesis::ClGenesisError),
    /// An artifact set would not fit in one Kubernetes object.
    #[error(
        "the {kind} `{object}` would hold {size} bytes, over Kubernetes' {limit}-byte object \
         limit, with {field} {count}; about {fits} would fit ({advice})"
    )]
    ObjectTooLarge {
        /// Set name (`genesis`, `node-validator-0`, `accounts`).
        object: String,
        /// ConfigMap or Secret.
        kind: &'static str,
        /// Bytes it would hold.
        size: usize,
        /// The limit.
        limit: usize,
        /// The value whose count makes it this large (`validators.count`, `accounts.count`).
        field: &'static str,
        /// That value.
        count: usize,
        /// About how many would fit.
        fits: usize,
        /// What to change.
        advice: &'static str,
    },
    /// A re-install or upgrade asked for changes that would fork the chain or move keys.
    #[error(
        "refusing to change the network's artifacts; these values differ from the ones it was \
         made with:{}\nKeep the old values, or install a new network under another name",
        list_refused(.0)
    )]
    Forking(Vec<RefusedChange>),
    /// A genesis file uses a fork whose header layout ethnet does not know yet.
    #[error(
        "genesis activates {fork} at genesis, which ethnet cannot hash yet; schedule it later"
    )]
    UnsupportedGenesisFork {
        /// The fork name.
        fork: &'static str,
    },
}
