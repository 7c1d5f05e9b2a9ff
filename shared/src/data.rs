//! Seeded data sets for the book's tasks.
//!
//! Candle's CPU random generator cannot be seeded (`Device::Cpu.set_seed` fails),
//! so every sample here comes from a `ChaCha8Rng` built from an explicit seed:
//! the same seed gives the same bytes on every machine, at any thread count.

use candle_core::{Device, Result, Tensor};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::StandardNormal;

/// The seed the chapters use unless told otherwise.
pub const DEFAULT_SEED: u64 = 42;

/// A seeded generator: all randomness in the book starts here.
pub fn rng(seed: u64) -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(seed)
}

/// One draw from the standard normal distribution.
pub fn normal(rng: &mut ChaCha8Rng) -> f32 {
    rng.sample(StandardNormal)
}

/// `n` draws from the standard normal distribution.
pub fn normals(rng: &mut ChaCha8Rng, n: usize) -> Vec<f32> {
    (0..n).map(|_| normal(rng)).collect()
}

/// Features in a row-major `n × d` matrix, with a real-valued target per row.
#[derive(Clone, Debug, PartialEq)]
pub struct Regression {
    pub x: Vec<f32>,
    pub y: Vec<f32>,
    pub d: usize,
}

/// Features in a row-major `n × d` matrix, with a class index per row.
#[derive(Clone, Debug, PartialEq)]
pub struct Classification {
    pub x: Vec<f32>,
    pub labels: Vec<u32>,
    pub d: usize,
    pub classes: usize,
}

fn x_tensor(x: &[f32], d: usize, device: &Device) -> Result<Tensor> {
    Tensor::from_vec(x.to_vec(), (x.len() / d, d), device)
}

/// Splits rows `[0, k)` from rows `[k, n)`.
fn split_rows<T: Clone>(v: &[T], per_row: usize, k: usize) -> (Vec<T>, Vec<T>) {
    let (a, b) = v.split_at(k * per_row);
    (a.to_vec(), b.to_vec())
}

impl Regression {
    pub fn len(&self) -> usize {
        self.y.len()
    }
    pub fn is_empty(&self) -> bool {
        self.y.is_empty()
    }
    /// Features as an `(n, d)` f32 tensor.
    pub fn x(&self, device: &Device) -> Result<Tensor> {
        x_tensor(&self.x, self.d, device)
    }
    /// Targets as an `(n, 1)` f32 tensor, the shape a one-output model produces.
    pub fn y(&self, device: &Device) -> Result<Tensor> {
        Tensor::from_vec(self.y.clone(), (self.len(), 1), device)
    }
    /// The first `k` rows and the rest (the generators already shuffle).
    pub fn split(&self, k: usize) -> (Regression, Regression) {
        let k = k.min(self.len());
        let (xa, xb) = split_rows(&self.x, self.d, k);
        let (ya, yb) = split_rows(&self.y, 1, k);
        let d = self.d;
        (
            Regression { x: xa, y: ya, d },
            Regression { x: xb, y: yb, d },
        )
    }
}

impl Classification {
    pub fn len(&self) -> usize {
        self.labels.len()
    }
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }
    /// Features as an `(n, d)` f32 tensor.
    pub fn x(&self, device: &Device) -> Result<Tensor> {
        x_tensor(&self.x, self.d, device)
    }
    /// Labels as `n` u32 class indices, what cross-entropy takes.
    pub fn labels(&self, device: &Device) -> Result<Tensor> {
        Tensor::new(self.labels.as_slice(), device)
    }
    /// Labels as an `(n, 1)` f32 tensor of 0s and 1s, what binary losses take.
    pub fn binary_targets(&self, device: &Device) -> Result<Tensor> {
        let y: Vec<f32> = self.labels.iter().map(|&l| l as f32).collect();
        Tensor::from_vec(y, (self.len(), 1), device)
    }
    /// The share of rows in each class.
    pub fn class_rates(&self) -> Vec<f64> {
        let mut counts = vec![0usize; self.classes];
        for &l in &self.labels {
            counts[l as usize] += 1;
        }
        counts
            .iter()
            .map(|&c| c as f64 / self.len().max(1) as f64)
            .collect()
    }
    /// The first `k` rows and the rest.
    pub fn split(&self, k: usize) -> (Classification, Classification) {
        let k = k.min(self.len());
        let (xa, xb) = split_rows(&self.x, self.d, k);
        let (la, lb) = split_rows(&self.labels, 1, k);
        let (d, classes) = (self.d, self.classes);
        (
            Classification {
                x: xa,
                labels: la,
                d,
                classes,
            },
            Classification {
                x: xb,
                labels: lb,
                d,
                classes,
            },
        )
    }
}

/// The delivery-time regression: 4 standard-normal features and
/// `y = 7·x₀ + 3·x₂ + 2·ε + 35`, with `ε` standard normal.
pub fn delivery_times(n: usize, seed: u64) -> Regression {
    let mut r = rng(seed);
    let d = 4;
    let mut x = Vec::with_capacity(n * d);
    let mut y = Vec::with_capacity(n);
    for _ in 0..n {
        let row = normals(&mut r, d);
        y.push(7.0 * row[0] + 3.0 * row[2] + 2.0 * normal(&mut r) + 35.0);
        x.extend(row);
    }
    Regression { x, y, d }
}

/// The delivery-time regression with gross outliers: each target, with
/// probability `rate`, gets `+offset` added (a parcel lost for an hour).
pub fn delivery_times_with_outliers(n: usize, rate: f64, offset: f32, seed: u64) -> Regression {
    let mut data = delivery_times(n, seed);
    // A separate stream, so the clean part is the same as `delivery_times`.
    let mut r = rng(!seed);
    for y in &mut data.y {
        if r.random_bool(rate.clamp(0.0, 1.0)) {
            *y += offset;
        }
    }
    data
}

/// Binary task: 4 standard-normal features, label 1 where `x₀ + x₁ > 0.5`
/// (about 36% positives).
pub fn binary_threshold(n: usize, seed: u64) -> Classification {
    let mut r = rng(seed);
    let d = 4;
    let mut x = Vec::with_capacity(n * d);
    let mut labels = Vec::with_capacity(n);
    for _ in 0..n {
        let row = normals(&mut r, d);
        labels.push(u32::from(row[0] + row[1] > 0.5));
        x.extend(row);
    }
    Classification {
        x,
        labels,
        d,
        classes: 2,
    }
}

/// Multi-class task: a uniform class `c` in `0..classes`, `d ≥ classes`
/// standard-normal features, and `shift` added to feature `c`.
pub fn shifted_classes(
    n: usize,
    classes: usize,
    d: usize,
    shift: f32,
    seed: u64,
) -> Classification {
    assert!(
        d >= classes,
        "shifted_classes needs at least one feature per class"
    );
    let mut r = rng(seed);
    let mut x = Vec::with_capacity(n * d);
    let mut labels = Vec::with_capacity(n);
    for _ in 0..n {
        let c = r.random_range(0..classes as u32);
        let mut row = normals(&mut r, d);
        row[c as usize] += shift;
        labels.push(c);
        x.extend(row);
    }
    Classification {
        x,
        labels,
        d,
        classes,
    }
}

/// The book's 4-class task: 8 features, +2 on the class's own feature.
pub fn four_classes(n: usize, seed: u64) -> Classification {
    shifted_classes(n, 4, 8, 2.0, seed)
}

/// Imbalanced binary task: label 1 with probability `positive_rate`, 4
/// standard-normal features, and `separation` added to the first two features of
/// positives, so the classes overlap and a threshold trades precision for recall.
pub fn imbalanced_binary(
    n: usize,
    positive_rate: f64,
    separation: f32,
    seed: u64,
) -> Classification {
    let mut r = rng(seed);
    let d = 4;
    let mut x = Vec::with_capacity(n * d);
    let mut labels = Vec::with_capacity(n);
    for _ in 0..n {
        let positive = r.random_bool(positive_rate.clamp(0.0, 1.0));
        let mut row = normals(&mut r, d);
        if positive {
            row[0] += separation;
            row[1] += separation;
        }
        labels.push(u32::from(positive));
        x.extend(row);
    }
    Classification {
        x,
        labels,
        d,
        classes: 2,
    }
}
