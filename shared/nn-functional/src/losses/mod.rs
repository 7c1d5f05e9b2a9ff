//! The losses, by kind.

pub(crate) mod binary;
pub(crate) mod cross_entropy;
pub(crate) mod kl;
pub(crate) mod nll;
pub(crate) mod regression;
