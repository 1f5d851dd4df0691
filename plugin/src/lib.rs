//! ethnet: generates, seeds and checks private Ethereum networks on Kubernetes.
//!
//! The [`core`] is pure (spec → genesis → keys → artifacts); the edges around it read values
//! from helm ([`helm`]), write artifacts ([`output`]), turn them into Kubernetes objects
//! ([`kube`]) and drive the CLI ([`cmd`]).
#![warn(missing_docs, unreachable_pub)]

pub mod cli;
pub mod cmd;
/// The pure core, its own crate: [`ethnet_core`].
pub use ethnet_core as core;
pub mod health;
pub mod helm;
pub mod kube;
pub mod lifecycle;
pub mod output;
