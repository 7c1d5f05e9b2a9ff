//! Candle's errors, recognised by their messages, each with the idiom that
//! avoids it. A participant who writes `logits.gather(&targets, 1)` with
//! targets of shape (N) gets "shape mismatch in gather"; the checker then
//! shows how to give `gather` an (N, 1) column instead of the exercise's
//! maths hint, which would not help yet (`exercise::verdict`).

/// Help for an error Candle returned, recognised by its message (the
/// `Display` of `candle_core::Error`, which `exercise::returned` keeps): the idiom
/// that avoids it, in place of the exercise's hint. `None` for anything else.
pub fn candle_hint(why: &str) -> Option<String> {
    // "shape mismatch in OP, lhs: [..], rhs: [..]"
    if let Some(rest) = after(why, "shape mismatch in ") {
        let op = rest.split(',').next().unwrap_or("").trim();
        if op == "gather" {
            return Some(
                "`gather` wants indices with as many dimensions as the tensor: for (N, C)\n\
                 logits an (N, 1) column of class indices, `targets.unsqueeze(1)?`. It returns\n\
                 (N, 1): `squeeze(1)?` gives one number per row."
                    .to_string(),
            );
        }
        let symbol = match op {
            "add" => Some("+"),
            "sub" => Some("-"),
            "mul" => Some("*"),
            "div" => Some("/"),
            _ => None,
        };
        if let Some(symbol) = symbol {
            return Some(format!(
                "Candle's `{symbol}` ({op}) wants two tensors of the same shape: it does not\n\
                 broadcast. Print both shapes (`println!(\"{{:?}} {{:?}}\", a.dims(), b.dims())`),\n\
                 then make them equal: `squeeze(1)?` turns an (N, 1) column into (N),\n\
                 `unsqueeze(1)?` the other way. (`broadcast_{op}` of an (N, 1) column and an\n\
                 (N) vector gives an (N, N) table, rarely what a loss wants.)"
            ));
        }
        return Some(format!(
            "`{op}` got two shapes it cannot combine (the message gives them): print\n\
             `.dims()` of each input and make them agree (`unsqueeze`, `squeeze`, `reshape`)."
        ));
    }
    // "dtype mismatch in OP, lhs: F32, rhs: U8"
    if let Some(rest) = after(why, "dtype mismatch in ") {
        let op = rest.split(',').next().unwrap_or("").trim();
        return Some(format!(
            "both sides of `{op}` must have one dtype. A comparison (`gt`, `ge`, `eq`, …)\n\
             gives u8, and `Tensor::new` of f64 numbers gives F64: convert one side with\n\
             `to_dtype(other.dtype())?`."
        ));
    }
    // "unexpected dtype, expected: F64, got: F32" (to_scalar, to_vec1, …)
    if let Some(rest) = after(why, "unexpected dtype, expected: ") {
        let mut parts = rest.split(", got: ");
        let expected = parts.next().unwrap_or("").trim();
        let got = parts
            .next()
            .and_then(|g| g.split_whitespace().next())
            .unwrap_or("");
        return Some(format!(
            "the tensor holds {got} and was read as {expected}: `to_scalar` and `to_vec1` do\n\
             not convert. Convert first, `to_dtype(DType::{expected})?`, so that it works for\n\
             every dtype a model uses (`shared::activations::to_f64` does both)."
        ));
    }
    if why.contains("unexpected rank, expected: 0") {
        return Some(
            "`to_scalar` reads a tensor with no dimensions: reduce first (`sum_all()?`,\n\
             `mean_all()?`), or take the one element out (`squeeze`, `get`)."
                .to_string(),
        );
    }
    // "unsupported dtype F64 for op gather": `gather`, `index_select` and
    // `index_add` name the data's dtype, `where_cond` the mask's, but in
    // each the index or mask is what has the wrong one.
    if let Some(rest) = after(why, "unsupported dtype ") {
        let op = rest.split(" for op ").nth(1).unwrap_or("").trim();
        if op.starts_with("where") {
            return Some(
                "`where_cond`'s mask must be an integer tensor (U8, U32 or I64): a comparison\n\
                 (`gt`, `ge`, `eq`, …) gives U8 already; a float mask needs\n\
                 `mask.to_dtype(DType::U8)?` first."
                    .to_string(),
            );
        }
        return Some(format!(
            "`{op}` needs its indices as integers (U8, U32 or I64), whatever dtype the\n\
             message names (it names the data's): convert the index tensor,\n\
             `targets.to_dtype(DType::U32)?`, not the data."
        ));
    }
    // "cannot broadcast [3] to [3, 2]" (broadcast_as, expand)
    if why.contains("cannot broadcast") {
        return Some(
            "these two shapes do not broadcast: print `.dims()` of both. Broadcasting\n\
             matches the last dimensions, each equal or 1: an (N) vector against (N, C)\n\
             needs a 1 after it, `unsqueeze(1)?`, to become an (N, 1) column."
                .to_string(),
        );
    }
    // "sum: dimension index 1 out of range for shape [3]"
    if why.contains("dimension index") && why.contains("out of range") {
        return Some(
            "that tensor has fewer dimensions than the index asks for: print `.dims()`;\n\
             `D::Minus1` is always the last one, whatever the rank."
                .to_string(),
        );
    }
    None
}

/// The text after the first `pattern` in `s`.
fn after<'a>(s: &'a str, pattern: &str) -> Option<&'a str> {
    s.find(pattern).map(|i| &s[i + pattern.len()..])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exercise::{Exercise, Outcome, returned, verdict};

    /// Each hint meets the real mistake: Candle's own error, from the
    /// operation a participant gets wrong, picks the hint; the hint quotes
    /// the fix; and the fix, applied to the same tensors, works.
    #[test]
    fn candle_errors_get_the_idiom_in_place_of_the_hint() {
        use candle_core::{D, DType, Device, Result, Tensor};
        let dev = Device::Cpu;
        let logits = Tensor::zeros((3, 3), DType::F64, &dev).unwrap();
        let targets = Tensor::new(&[0u32, 1, 2], &dev).unwrap();
        let float_targets = targets.to_dtype(DType::F32).unwrap().unsqueeze(1).unwrap();
        let column = Tensor::zeros((3, 1), DType::F32, &dev).unwrap();
        let row = Tensor::zeros(3, DType::F32, &dev).unwrap();
        let mask = row.ge(0.0).unwrap();
        type Op<'a> = Box<dyn Fn() -> Result<Tensor> + 'a>;
        // (the mistake, Candle's message, what the hint must quote, the fix)
        let cases: Vec<(Op, &str, &str, Op)> = vec![
            (
                Box::new(|| logits.gather(&targets, 1)),
                "shape mismatch in gather, lhs: [3, 3], rhs: [3]",
                "`targets.unsqueeze(1)?`",
                Box::new(|| logits.gather(&targets.unsqueeze(1)?, 1)),
            ),
            (
                Box::new(|| &column * &row),
                "shape mismatch in mul, lhs: [3, 1], rhs: [3]",
                "`squeeze(1)?`",
                Box::new(|| column.squeeze(1)? * &row),
            ),
            (
                Box::new(|| Tensor::new(row.sum_all()?.to_scalar::<f64>()?, &dev)),
                "unexpected dtype, expected: F64, got: F32",
                "`to_dtype(DType::F64)?`",
                Box::new(|| {
                    Tensor::new(
                        row.sum_all()?.to_dtype(DType::F64)?.to_scalar::<f64>()?,
                        &dev,
                    )
                }),
            ),
            (
                Box::new(|| &row + &mask),
                "dtype mismatch in add",
                "`to_dtype(other.dtype())?`",
                Box::new(|| &row + &mask.to_dtype(row.dtype())?),
            ),
            (
                Box::new(|| Tensor::new(row.to_scalar::<f32>()?, &dev)),
                "unexpected rank, expected: 0",
                "`sum_all()?`",
                Box::new(|| Tensor::new(row.sum_all()?.to_scalar::<f32>()?, &dev)),
            ),
            (
                Box::new(|| logits.gather(&float_targets, 1)),
                "unsupported dtype F64 for op gather",
                "`targets.to_dtype(DType::U32)?`",
                Box::new(|| logits.gather(&float_targets.to_dtype(DType::U32)?, 1)),
            ),
            (
                Box::new(|| logits.index_select(&float_targets.squeeze(1)?, 0)),
                "unsupported dtype F64 for op index-select",
                "`targets.to_dtype(DType::U32)?`",
                Box::new(|| {
                    logits.index_select(&float_targets.squeeze(1)?.to_dtype(DType::U32)?, 0)
                }),
            ),
            (
                Box::new(|| row.where_cond(&row, &row)),
                "unsupported dtype F32 for op where-cond",
                "`mask.to_dtype(DType::U8)?`",
                Box::new(|| row.to_dtype(DType::U8)?.where_cond(&row, &row)),
            ),
            (
                Box::new(|| row.broadcast_as((3, 2))),
                "cannot broadcast [3] to [3, 2]",
                "`unsqueeze(1)?`",
                Box::new(|| row.unsqueeze(1)?.broadcast_as((3, 2))),
            ),
            (
                Box::new(|| row.sum_keepdim(1)),
                "dimension index 1 out of range for shape [3]",
                "`D::Minus1`",
                Box::new(|| row.sum_keepdim(D::Minus1)),
            ),
        ];
        let ex = Exercise {
            id: "demo",
            title: "a demonstration",
            function: "demo_fn",
            hint: "The maths of it.",
            tried: "x = 1",
            check: || todo!(),
            check_exercise: || todo!(),
        };
        for (mistake, message, idiom, fix) in cases {
            let e = mistake().map(|_| ()).unwrap_err();
            let why = format!("on a case: {}", returned(e));
            assert!(why.contains(message), "{why}");
            let hint = candle_hint(&why).unwrap_or_else(|| panic!("no hint for {why}"));
            assert!(hint.contains(idiom), "{why}: {hint}");
            if let Err(e) = fix() {
                panic!("{message}: the hint's fix fails too: {e}");
            }
            let v = verdict("ch99-demo", &ex, &Outcome::Wrong(why.clone()));
            assert!(v.contains("Hint (Candle refused an operation):"), "{v}");
            assert!(!v.contains("The maths of it."), "{v}");
        }
        // Anything else keeps the exercise's hint.
        let v = verdict("ch99-demo", &ex, &Outcome::Wrong("yours is 2".into()));
        assert!(v.contains("  Hint:\n    The maths of it."), "{v}");
        assert_eq!(candle_hint("the loss at z = 1: yours is 2"), None);
    }
}
