//! The inference transforms side by side: sigmoid of one logit, and the first
//! probability of a softmax whose other logits are 0. A softmax over two
//! logits is a sigmoid of their difference; with `k` other logits at 0 it is
//! a sigmoid shifted right by `ln k`. A threshold on a probability is a
//! threshold on the logit.

use book_kit::plot::linspace;
use candle_core::{D, Device, Result, Tensor};
use shared::activations::{sigmoid, softmax, to_f64_vec};

/// The transforms at a few logits, and on a grid for the plot.
pub struct Transforms {
    /// The logits of the table.
    pub z: Vec<f64>,
    pub sigmoid: Vec<f64>,
    /// `softmax([z, 0])[0]`.
    pub softmax2: Vec<f64>,
    /// `softmax([z, 0, 0])[0]`.
    pub softmax3: Vec<f64>,
    /// `sigmoid(z − ln 2)`.
    pub shifted: Vec<f64>,
    /// Largest |sigmoid − softmax of two| on the grid.
    pub gap2: f64,
    /// Largest |softmax of three − shifted sigmoid| on the grid.
    pub gap3: f64,
    /// The probability threshold and the logit it corresponds to.
    pub threshold: f64,
    pub logit_threshold: f64,
    /// The grid of the plot, with sigmoid and softmax-of-three on it.
    pub grid: Vec<f64>,
    pub grid_sigmoid: Vec<f64>,
    pub grid_softmax3: Vec<f64>,
}

/// The table's logits.
pub const TABLE_Z: [f64; 6] = [-4.0, -2.0, 0.0, std::f64::consts::LN_2, 2.0, 4.0];

/// Each column of `z` against `others` zeros: the first softmax probability.
fn first_softmax(z: &[f64], others: usize) -> Result<Vec<f64>> {
    let k = others + 1;
    let rows: Vec<f64> = z
        .iter()
        .flat_map(|&v| std::iter::once(v).chain(std::iter::repeat_n(0.0, others)))
        .collect();
    let logits = Tensor::from_vec(rows, (z.len(), k), &Device::Cpu)?;
    let p = to_f64_vec(&softmax(&logits, D::Minus1)?)?;
    Ok(p.chunks(k).map(|r| r[0]).collect())
}

fn sigmoid_of(z: &[f64]) -> Result<Vec<f64>> {
    to_f64_vec(&sigmoid(&Tensor::new(z, &Device::Cpu)?)?)
}

fn largest_gap(a: &[f64], b: &[f64]) -> f64 {
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f64::max)
}

// ANCHOR: transforms
/// The transforms at `TABLE_Z` and on [-8, 8], and the logit of `threshold`.
pub fn transforms(threshold: f64) -> Result<Transforms> {
    let ln2 = std::f64::consts::LN_2;
    let grid = linspace(-8.0, 8.0, 321);
    let minus_ln2 = |z: &[f64]| z.iter().map(|v| v - ln2).collect::<Vec<_>>();
    let grid_sigmoid = sigmoid_of(&grid)?;
    let grid_softmax3 = first_softmax(&grid, 2)?;
    Ok(Transforms {
        z: TABLE_Z.to_vec(),
        sigmoid: sigmoid_of(&TABLE_Z)?,
        softmax2: first_softmax(&TABLE_Z, 1)?,
        softmax3: first_softmax(&TABLE_Z, 2)?,
        shifted: sigmoid_of(&minus_ln2(&TABLE_Z))?,
        gap2: largest_gap(&grid_sigmoid, &first_softmax(&grid, 1)?),
        gap3: largest_gap(&grid_softmax3, &sigmoid_of(&minus_ln2(&grid))?),
        threshold,
        // p >= t  <=>  z >= ln(t / (1 - t)), since sigmoid only rises
        logit_threshold: (threshold / (1.0 - threshold)).ln(),
        grid,
        grid_sigmoid,
        grid_softmax3,
    })
}
// ANCHOR_END: transforms
