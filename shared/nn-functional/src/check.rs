//! Input validation. Every rule broken becomes a Candle `Error` whose message
//! names the argument and the rule, never a panic.
//!
//! Most checks read only shapes and dtypes, which live on the host. A few
//! need the values: class indices in range, class weights non-negative and
//! finite, probabilities in `[0, 1]`, and `clip_grad_norm`'s
//! `error_if_nonfinite`. Those are computed on the tensor's device, reduced
//! there to one flag per rule, and read back in a single scalar read per
//! call, in [`DeviceChecks::run`]: the one place in this crate that copies
//! tensor data to the host (`tests/no_host_round_trip.rs` enforces that). A
//! call whose inputs need no such check never synchronises with the device.

use candle_core::{DType, Result, Tensor, bail};

use crate::math::is_float;

/// Value checks gathered on the device and read back together.
#[derive(Default)]
pub(crate) struct DeviceChecks {
    flags: Vec<Tensor>,
    messages: Vec<String>,
}

impl DeviceChecks {
    /// Records a rule: `bad` is a mask (any shape, u8) that is non-zero
    /// wherever the rule is broken.
    pub(crate) fn push(&mut self, bad: &Tensor, message: String) -> Result<()> {
        if bad.elem_count() == 0 {
            return Ok(());
        }
        self.flags
            .push(bad.to_dtype(DType::U8)?.flatten_all()?.max_keepdim(0)?);
        self.messages.push(message);
        Ok(())
    }

    /// Reads every flag in one transfer and fails with the first broken rule.
    pub(crate) fn run(self) -> Result<()> {
        if self.flags.is_empty() {
            return Ok(());
        }
        let flags = Tensor::cat(&self.flags, 0)?.to_vec1::<u8>()?;
        match flags.iter().position(|&f| f != 0) {
            Some(i) => bail!("{}", self.messages[i]),
            None => Ok(()),
        }
    }
}

/// 1 where `t` is finite (u8): `t·0` is 0 there and NaN at ±∞ and NaN.
pub(crate) fn finite(t: &Tensor) -> Result<Tensor> {
    (t * 0.0)?.eq(0.0)
}

/// 1 where `t` is negative, NaN or infinite (u8).
pub(crate) fn negative_or_nonfinite(t: &Tensor) -> Result<Tensor> {
    // `t ≥ 0` is false for NaN
    let ok = (t.ge(0.0)?.to_dtype(DType::U8)? * finite(t)?)?;
    ok.eq(0.0)
}

/// Fails unless `t` has a float dtype this crate computes in.
pub(crate) fn float(t: &Tensor, f: &str, arg: &str) -> Result<()> {
    if !is_float(t.dtype()) {
        bail!(
            "{f}: `{arg}` must be a float tensor (f16, bf16, f32 or f64), got {:?}",
            t.dtype()
        )
    }
    Ok(())
}

/// Fails unless `input` is a non-empty float tensor and `target` has its
/// shape and dtype: the rule of every element-wise loss.
pub(crate) fn same_shape_and_dtype(input: &Tensor, target: &Tensor, f: &str) -> Result<()> {
    float(input, f, "input")?;
    if input.dims() != target.dims() {
        bail!(
            "{f}: `target` must have the shape of `input`, {:?}, got {:?}",
            input.dims(),
            target.dims()
        )
    }
    if target.dtype() != input.dtype() {
        bail!(
            "{f}: `target` must have the dtype of `input`, {:?}, got {:?}",
            input.dtype(),
            target.dtype()
        )
    }
    not_empty(input, f)
}

/// Fails on a tensor with no elements: a loss of an empty batch is refused.
pub(crate) fn not_empty(input: &Tensor, f: &str) -> Result<()> {
    if input.elem_count() == 0 {
        bail!(
            "{f}: `input` is empty (shape {:?}): a loss needs at least one element",
            input.dims()
        )
    }
    Ok(())
}

/// A weight tensor broadcast to `input`'s shape, refused (on the device)
/// where negative or non-finite.
pub(crate) fn weight_like(
    w: &Tensor,
    input: &Tensor,
    f: &str,
    arg: &str,
    checks: &mut DeviceChecks,
) -> Result<Tensor> {
    if w.dtype() != input.dtype() {
        bail!(
            "{f}: `{arg}` must have the dtype of `input`, {:?}, got {:?}",
            input.dtype(),
            w.dtype()
        )
    }
    let Ok(b) = w.broadcast_as(input.shape()) else {
        bail!(
            "{f}: `{arg}` of shape {:?} does not broadcast to the shape of `input`, {:?}",
            w.dims(),
            input.dims()
        )
    };
    checks.push(
        &negative_or_nonfinite(w)?,
        format!("{f}: every element of `{arg}` must be finite and ≥ 0"),
    )?;
    Ok(b)
}
