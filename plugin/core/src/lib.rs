//! ethnet's pure core: spec → execution genesis → keys → artifacts. No IO, no clock, and no
//! randomness except through the random source the caller passes in. The plugin (crate
//! `ethnet`) is the edges around it: helm, the artifacts directory, Kubernetes, the CLI.
#![deny(missing_docs, unreachable_pub)]

pub mod accounts;
pub mod artifacts;
pub mod cl_config;
pub mod cl_genesis;
pub mod clients;
pub mod el_genesis;
pub mod error;
pub mod genesis_hash;
pub mod identity;
pub mod keystore;
pub mod reuse;
pub mod spec;
pub mod validator_keys;

pub use artifacts::{generate, Artifacts, GenerateOptions, Manifest};
pub use error::{CoreError, ManifestError, RefusedChange, SpecErrors, SpecProblem};
pub use spec::{NetworkSpec, SpecFile};
