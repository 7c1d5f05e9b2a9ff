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
                 then make them equal (`unsqueeze`, `squeeze`, `reshape`), or broadcast on\n\
                 purpose with `broadcast_{op}`."
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
    if let Some(rest) = after(why, "unsupported dtype ") {
        let dtype = rest.split_whitespace().next().unwrap_or("");
        return Some(format!(
            "Candle has no such operation on {dtype} tensors (a comparison gives U8):\n\
             `to_dtype(z.dtype())?` first."
        ));
    }
    if why.contains("cannot broadcast") {
        return Some(
            "these two shapes do not broadcast: print `.dims()` of both. Broadcasting\n\
             matches the last dimensions, each equal or 1; `unsqueeze` adds a 1."
                .to_string(),
        );
    }
    if why.contains("dimension index") && why.contains("out of range") {
        return Some(
            "that tensor has fewer dimensions than the index asks for: print `.dims()`;\n\
             `D::Minus1` is always the last one."
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

    /// Candle's own errors, from the operations a participant gets wrong,
    /// get the idiom in place of the exercise's maths hint.
    #[test]
    fn candle_errors_get_the_idiom_in_place_of_the_hint() {
        use candle_core::{DType, Device, Tensor};
        let dev = Device::Cpu;
        let logits = Tensor::zeros((3, 3), DType::F32, &dev).unwrap();
        let targets = Tensor::new(&[0u32, 1, 2], &dev).unwrap();
        let column = Tensor::zeros((3, 1), DType::F32, &dev).unwrap();
        let row = Tensor::zeros(3, DType::F32, &dev).unwrap();
        let cases = [
            (
                logits.gather(&targets, 1).map(|_| ()).unwrap_err(),
                "shape mismatch in gather, lhs: [3, 3], rhs: [3]",
                "`targets.unsqueeze(1)?`",
            ),
            (
                (&column * &row).map(|_| ()).unwrap_err(),
                "shape mismatch in mul, lhs: [3, 1], rhs: [3]",
                "`broadcast_mul`",
            ),
            (
                row.sum_all()
                    .and_then(|s| s.to_scalar::<f64>())
                    .map(|_| ())
                    .unwrap_err(),
                "unexpected dtype, expected: F64, got: F32",
                "`to_dtype(DType::F64)?`",
            ),
            (
                (&row + &targets.to_dtype(DType::U8).unwrap())
                    .map(|_| ())
                    .unwrap_err(),
                "dtype mismatch in add",
                "`to_dtype(other.dtype())?`",
            ),
            (
                row.to_scalar::<f32>().map(|_| ()).unwrap_err(),
                "unexpected rank, expected: 0",
                "`sum_all()?`",
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
        for (e, message, idiom) in cases {
            let why = format!("on a case: {}", returned(e));
            assert!(why.contains(message), "{why}");
            let hint = candle_hint(&why).unwrap_or_else(|| panic!("no hint for {why}"));
            assert!(hint.contains(idiom), "{why}: {hint}");
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
