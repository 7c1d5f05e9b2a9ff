//! The losses, by kind.

pub(crate) mod binary;
pub(crate) mod classification;
pub(crate) mod kl;
pub(crate) mod regression;
