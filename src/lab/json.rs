//! `--json`: what `lab` prints as one JSON object, through serde.

use serde::Serialize;

use super::{LabResult, Precision};

/// A number as `--json` prints it, at the precision it was computed in:
/// from f32, the shortest decimal that reads back as the same f32 (not the
/// f64 it widens to); NaN and infinities, which JSON lacks, as the strings
/// `"NaN"`, `"inf"` and `"-inf"`.
#[derive(Serialize, Clone, Copy, Debug, PartialEq)]
#[serde(untagged)]
pub enum Number {
    F32(f32),
    F64(f64),
    NonFinite(&'static str),
}

impl Number {
    pub fn new(x: f64, p: Precision) -> Self {
        let x = match p {
            Precision::F32 => f64::from(x as f32),
            Precision::F64 => x,
        };
        if x.is_nan() {
            Number::NonFinite("NaN")
        } else if x == f64::INFINITY {
            Number::NonFinite("inf")
        } else if x == f64::NEG_INFINITY {
            Number::NonFinite("-inf")
        } else {
            match p {
                Precision::F32 => Number::F32(x as f32),
                Precision::F64 => Number::F64(x),
            }
        }
    }

    pub fn all(xs: &[f64], p: Precision) -> Vec<Number> {
        xs.iter().map(|&x| Number::new(x, p)).collect()
    }
}

/// `lab act NAME --json`
#[derive(Serialize, Debug)]
pub struct Act {
    pub name: String,
    pub dtype: String,
    pub z: Vec<Number>,
    pub value: Vec<Number>,
    pub grad: Vec<Number>,
}

/// `lab loss NAME --json`
#[derive(Serialize, Debug)]
pub struct Loss {
    pub name: String,
    pub dtype: String,
    pub value: Value,
    /// The gradient with respect to each prediction (with `--reduction
    /// none`, of the sum of the losses).
    pub grad: Vec<Number>,
}

/// A loss's value: one number, or with `--reduction none` one per element
/// (per sample for ce and nll).
#[derive(Serialize, Debug)]
#[serde(untagged)]
pub enum Value {
    One(Number),
    Each(Vec<Number>),
}

/// `value` as one line of JSON.
pub fn line(value: &impl Serialize) -> LabResult {
    Ok(serde_json::to_string(value)? + "\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(x: f64, p: Precision) -> String {
        serde_json::to_string(&Number::new(x, p)).unwrap()
    }

    #[test]
    fn f32_prints_its_own_shortest_decimal() {
        assert_eq!(json(0.1f32.into(), Precision::F32), "0.1");
        assert_eq!(json(0.1f32.into(), Precision::F64), "0.10000000149011612");
        assert_eq!(json(1e-7, Precision::F32), "1e-7");
        assert_eq!(json(76.125, Precision::F32), "76.125");
    }

    #[test]
    fn non_finite_values_are_strings() {
        assert_eq!(json(f64::NAN, Precision::F32), "\"NaN\"");
        assert_eq!(json(f64::INFINITY, Precision::F64), "\"inf\"");
        assert_eq!(json(f64::NEG_INFINITY, Precision::F32), "\"-inf\"");
        assert_eq!(json(1e300, Precision::F64).parse(), Ok(1e300));
        // beyond f32's range: infinite in f32, never JSON's null
        assert_eq!(json(1e300, Precision::F32), "\"inf\"");
    }
}
