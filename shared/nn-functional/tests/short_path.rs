//! The short path `cross_entropy` takes for u8 and u32 class indices with
//! no class weights (no masks for ignored targets, a mean over the count)
//! gives the general path's values and gradients bit for bit.

use candle_core::{DType, Device, Result, Tensor, Var};

use nn_functional::{CrossEntropyOptions, Reduction, cross_entropy};

/// u32 targets with no weight take the short path; i64 targets the
/// general one. Values and gradients agree bit for bit, (N, C) and
/// (N, C, d) inputs, every reduction.
#[test]
fn the_short_path_for_unsigned_targets_is_bit_for_bit_the_general_one() -> Result<()> {
    let dev = &Device::Cpu;
    let values: Vec<f32> = (0..60)
        .map(|i| ((i * 37 % 23) as f32 - 11.0) * 0.7)
        .collect();
    for shape in [vec![12, 5], vec![4, 5, 3]] {
        let x = Tensor::from_vec(values.clone(), shape.as_slice(), dev)?;
        let mut tshape = shape.clone();
        tshape.remove(1);
        let n: usize = tshape.iter().product();
        let t: Vec<u32> = (0..n as u32).map(|i| i * 3 % 5).collect();
        let t32 = Tensor::from_vec(t, tshape.as_slice(), dev)?;
        let t64 = t32.to_dtype(DType::I64)?;
        for reduction in [Reduction::Mean, Reduction::Sum, Reduction::None] {
            let run = |t: &Tensor| -> Result<(Vec<f32>, Vec<f32>)> {
                let v = Var::from_tensor(&x)?;
                let opts = CrossEntropyOptions {
                    reduction,
                    ..Default::default()
                };
                let loss = cross_entropy(v.as_tensor(), t, opts)?;
                let g = loss.sum_all()?.backward()?;
                let grad = g.get(v.as_tensor()).expect("a gradient").flatten_all()?;
                Ok((loss.flatten_all()?.to_vec1()?, grad.to_vec1()?))
            };
            let (a, b) = (run(&t32)?, run(&t64)?);
            let bits = |v: &[f32]| v.iter().map(|f| f.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&a.0), bits(&b.0), "values, {shape:?} {reduction:?}");
            assert_eq!(bits(&a.1), bits(&b.1), "gradients, {shape:?} {reduction:?}");
        }
    }
    Ok(())
}
