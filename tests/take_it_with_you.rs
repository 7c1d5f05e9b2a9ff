//! The page "Take it with you" (`book/src/take-it-with-you.md`), pinned:
//! its PyTorch → crate table names only functions that exist and agree with
//! PyTorch's fixture, its example runs and gives PyTorch's numbers, and its
//! manifest names the crate as it is. Also the fixture reader that
//! `tests/lab.rs` uses to hold `lab` to the same cases.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use candle_core::DType;
use serde_json::Value;

use crate::common::book;

// ANCHOR: example
use candle_core::{Device, Result, Tensor, Var};
use nn_functional::{self as F, CrossEntropyOptions};

/// A step of a reader's training loop: a weighted, smoothed cross-entropy
/// with one sample ignored, then the gradient clipped to norm 0.1.
fn reader_step() -> Result<(f64, f64, Vec<Vec<f64>>)> {
    let dev = Device::Cpu;
    let logits = Var::new(
        &[[2.0f64, 0.5, -1.0], [0.1, 0.2, 3.0], [1.0, 1.0, 1.0]],
        &dev,
    )?;
    let target = Tensor::new(&[0i64, 2, -100], &dev)?; // -100: ignored, as in PyTorch
    let weight = Tensor::new(&[1.0f64, 2.0, 0.5], &dev)?;
    // PyTorch: F.cross_entropy(logits, target, weight=weight, label_smoothing=0.1)
    let opts = CrossEntropyOptions {
        weight: Some(weight),
        label_smoothing: 0.1,
        ..Default::default()
    };
    let loss = F::cross_entropy(&logits, &target, opts)?;
    let mut grads = loss.backward()?;
    let params = [logits]; // what an optimiser would step
    // PyTorch: torch.nn.utils.clip_grad_norm_(params, max_norm=0.1)
    let norm = F::clip_grad_norm(&mut grads, &params, 0.1, Default::default())?;
    let grad = grads.get(&params[0]).expect("the logits have a gradient");
    Ok((loss.to_scalar()?, norm.to_scalar()?, grad.to_vec2()?))
}
// ANCHOR_END: example

/// What a reader adds to their Cargo.toml today (the page includes it).
const READER_MANIFEST: &str = r#"
# ANCHOR: manifest
[dependencies]
candle-core = "0.11"
# a checkout of this book, next to your project:
nn-functional = { path = "../act-loss-book/shared/nn-functional" }
# ANCHOR_END: manifest
"#;

#[test]
fn the_pages_example_gives_pytorchs_numbers() {
    let (loss, norm, grad) = reader_step().unwrap();
    // torch 2.15.0: F.cross_entropy(x, y, weight=w, label_smoothing=0.1) on
    // these numbers, then torch.nn.utils.clip_grad_norm_([x], max_norm=0.1)
    let want_loss = 0.49384932099796;
    let want_norm = 0.12312518684993315;
    let want_grad = [
        [
            -0.07290245250500064,
            0.06039615934558216,
            0.012506293159418421,
        ],
        [
            -0.002918549433740951,
            -0.01937566775906706,
            0.022294217192807986,
        ],
        [0.0, 0.0, 0.0],
    ];
    assert_close("loss", &[loss], &[want_loss], 1e-12);
    assert_close("norm", &[norm], &[want_norm], 1e-12);
    assert_close("grad", &grad.concat(), &want_grad.concat(), 1e-12);
}

#[test]
fn the_pages_manifest_names_the_crate_as_it_is() {
    let root = book().root().to_path_buf();
    let ours = std::fs::read_to_string(root.join("shared/nn-functional/Cargo.toml")).unwrap();
    assert!(ours.contains("name = \"nn-functional\""), "{ours}");
    // the Candle version the reader adds is the one the crate asks for
    let candle = READER_MANIFEST
        .lines()
        .find(|l| l.starts_with("candle-core"))
        .unwrap();
    assert!(ours.lines().any(|l| l == candle), "{candle} vs\n{ours}");
    // the path's last two folders are where the crate is in this checkout
    assert!(READER_MANIFEST.contains("/shared/nn-functional\" }"));
    let page = std::fs::read_to_string(book().src().join("take-it-with-you.md")).unwrap();
    assert!(
        page.contains("not on crates.io"),
        "the page must say so plainly"
    );
}

// ---- the fixture ----

/// The fixture PyTorch 2.15 wrote (`tools/nn-functional-fixture.py`).
pub(crate) fn fixture() -> &'static [Value] {
    static CASES: OnceLock<Vec<Value>> = OnceLock::new();
    CASES.get_or_init(|| {
        let path = book()
            .root()
            .join("shared/nn-functional/tests/fixture/torch.json");
        let text = std::fs::read_to_string(&path).expect("the nn-functional fixture");
        let json: Value = serde_json::from_str(&text).unwrap();
        assert!(json["torch_version"].as_str().unwrap().starts_with("2.15"));
        json["cases"].as_array().unwrap().clone()
    })
}

/// An option of a case as text (`"0.1"`, `-100`, `true`).
fn opt_text(v: &Value) -> String {
    v.as_str().map_or_else(|| v.to_string(), str::to_string)
}

/// The one case of `fun` in `dtype` with this note (trimmed) and these options.
pub(crate) fn case(fun: &str, dtype: &str, note: &str, opts: &[(&str, &str)]) -> &'static Value {
    let found: Vec<&Value> = fixture()
        .iter()
        .filter(|c| c["fn"] == fun && c["dtype"] == dtype)
        .filter(|c| c["note"].as_str().unwrap_or("").trim() == note)
        .filter(|c| opts.iter().all(|(k, v)| opt_text(&c["opts"][*k]) == *v))
        .collect();
    assert_eq!(
        found.len(),
        1,
        "{fun} {dtype} {note:?} {opts:?}: {} cases",
        found.len()
    );
    found[0]
}

/// A fixture tensor's numbers, in order.
pub(crate) fn data(v: &Value) -> Vec<f64> {
    v["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap().parse().unwrap())
        .collect()
}

/// Numbers as one comma-separated argument, each in full.
pub(crate) fn csv(xs: &[f64]) -> String {
    xs.iter()
        .map(|x| format!("{x:?}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// `got` and `want` agree to `rel` relative to `want`'s largest magnitude
/// (NaN only where `want` is NaN).
pub(crate) fn assert_close(what: &str, got: &[f64], want: &[f64], rel: f64) {
    assert_eq!(got.len(), want.len(), "{what}: lengths");
    let scale = want
        .iter()
        .filter(|w| w.is_finite())
        .fold(f64::MIN_POSITIVE, |m, w| m.max(w.abs()));
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        let ok = (g.is_nan() && w.is_nan()) || g == w || (g - w).abs() <= rel * scale;
        assert!(
            ok,
            "{what}[{i}]: {g} against PyTorch's {w}\n{got:?}\n{want:?}"
        );
    }
}

// ---- the page's table ----

fn tensor(v: &Value) -> Tensor {
    let shape: Vec<usize> = v["shape"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d.as_u64().unwrap() as usize)
        .collect();
    let xs = data(v);
    let dev = &Device::Cpu;
    match v["dtype"].as_str().unwrap() {
        "i64" => Tensor::from_vec(xs.iter().map(|&x| x as i64).collect(), shape, dev),
        "f32" => Tensor::from_vec(xs.iter().map(|&x| x as f32).collect(), shape, dev),
        _ => Tensor::from_vec(xs, shape, dev),
    }
    .unwrap()
}

fn f64s(t: &Tensor) -> Vec<f64> {
    t.flatten_all()
        .unwrap()
        .to_dtype(DType::F64)
        .unwrap()
        .to_vec1()
        .unwrap()
}

fn opt_f64(c: &Value, k: &str) -> f64 {
    opt_text(&c["opts"][k]).parse().unwrap()
}

fn reduction(c: &Value) -> F::Reduction {
    c["opts"]["reduction"].as_str().unwrap().parse().unwrap()
}

/// A row of the table: the call of the crate's function that the row
/// names, on a fixture case's arguments (`input` a `Var`).
type Call = fn(&Value, &Tensor, &BTreeMap<String, Tensor>) -> Result<Tensor>;

/// Every function of the page's table, by its name, called as the fixture's
/// case says. A row whose function is missing here fails the test; a
/// function missing from the crate fails to compile.
fn calls() -> BTreeMap<&'static str, Call> {
    let mut m: BTreeMap<&'static str, Call> = BTreeMap::new();
    m.insert("relu", |_, x, _| F::relu(x));
    m.insert("leaky_relu", |c, x, _| {
        F::leaky_relu(x, opt_f64(c, "negative_slope"))
    });
    m.insert("elu", |c, x, _| F::elu(x, opt_f64(c, "alpha")));
    m.insert("selu", |_, x, _| F::selu(x));
    m.insert("gelu", |c, x, _| {
        let tanh = c["opts"]["approximate"] == "tanh";
        let a = if tanh {
            F::GeluApproximate::Tanh
        } else {
            F::GeluApproximate::None
        };
        F::gelu(x, a)
    });
    m.insert("silu", |_, x, _| F::silu(x));
    m.insert("mish", |_, x, _| F::mish(x));
    m.insert("softplus", |c, x, _| {
        F::softplus(x, opt_f64(c, "beta"), opt_f64(c, "threshold"))
    });
    m.insert("sigmoid", |_, x, _| F::sigmoid(x));
    m.insert("tanh", |_, x, _| F::tanh(x));
    m.insert("softmax", |c, x, _| F::softmax(x, axis(c, x)));
    m.insert("log_softmax", |c, x, _| F::log_softmax(x, axis(c, x)));
    m.insert("mse_loss", |c, x, a| {
        F::mse_loss(x, &a["target"], reduction(c))
    });
    m.insert("l1_loss", |c, x, a| {
        F::l1_loss(x, &a["target"], reduction(c))
    });
    m.insert("huber_loss", |c, x, a| {
        let opts = F::HuberLossOptions {
            delta: opt_f64(c, "delta"),
            reduction: reduction(c),
        };
        F::huber_loss(x, &a["target"], opts)
    });
    m.insert("smooth_l1_loss", |c, x, a| {
        let opts = F::SmoothL1LossOptions {
            beta: opt_f64(c, "beta"),
            reduction: reduction(c),
        };
        F::smooth_l1_loss(x, &a["target"], opts)
    });
    m.insert("binary_cross_entropy_with_logits", |c, x, a| {
        let opts = F::BinaryCrossEntropyWithLogitsOptions {
            weight: a.get("weight").cloned(),
            pos_weight: a.get("pos_weight").cloned(),
            reduction: reduction(c),
        };
        F::binary_cross_entropy_with_logits(x, &a["target"], opts)
    });
    m.insert("binary_cross_entropy", |c, x, a| {
        let opts = F::BinaryCrossEntropyOptions {
            weight: a.get("weight").cloned(),
            reduction: reduction(c),
        };
        F::binary_cross_entropy(x, &a["target"], opts)
    });
    m.insert("cross_entropy", |c, x, a| {
        let opts = F::CrossEntropyOptions {
            weight: a.get("weight").cloned(),
            ignore_index: c["opts"]["ignore_index"].as_i64().unwrap(),
            reduction: reduction(c),
            label_smoothing: opt_f64(c, "label_smoothing"),
        };
        F::cross_entropy(x, &a["target"], opts)
    });
    m.insert("nll_loss", |c, x, a| {
        let opts = F::NllLossOptions {
            weight: a.get("weight").cloned(),
            ignore_index: c["opts"]["ignore_index"].as_i64().unwrap(),
            reduction: reduction(c),
        };
        F::nll_loss(x, &a["target"], opts)
    });
    m.insert("kl_div", |c, x, a| {
        let log_target = c["opts"]["log_target"].as_bool().unwrap_or(false);
        F::kl_div(
            x,
            &a["target"],
            F::KlDivOptions {
                reduction: reduction(c),
                log_target,
            },
        )
    });
    m.insert("sigmoid_focal_loss", |c, x, a| {
        let alpha = opt_f64(c, "alpha");
        let opts = F::SigmoidFocalLossOptions {
            alpha: (alpha >= 0.0).then_some(alpha),
            gamma: opt_f64(c, "gamma"),
            reduction: reduction(c),
        };
        F::sigmoid_focal_loss(x, &a["target"], opts)
    });
    m
}

/// PyTorch's `dim` (maybe negative) as an index.
fn axis(c: &Value, x: &Tensor) -> usize {
    let d = c["opts"]["dim"].as_i64().unwrap();
    if d < 0 {
        (x.rank() as i64 + d) as usize
    } else {
        d as usize
    }
}

/// Runs one fixture case through `call`: the value, and the gradient with
/// respect to `input` (of the value times the case's cotangent, where the
/// value is not one number), against PyTorch's.
fn agrees(c: &Value, call: Call) {
    let args: BTreeMap<String, Tensor> = c["args"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), tensor(v)))
        .collect();
    let input = Var::from_tensor(&args["input"]).unwrap();
    let label = format!("{} {} {} {}", c["fn"], c["dtype"], c["note"], c["opts"]);
    let out = call(c, input.as_tensor(), &args).unwrap_or_else(|e| panic!("{label}: {e}"));
    let rel = if c["dtype"] == "f64" { 1e-9 } else { 1e-4 };
    let value = f64s(&out);
    let want = data(&c["value"]);
    assert_close(&format!("{label} value"), &value, &want, rel);
    let Some(want) = c["grads"].get("input") else {
        return;
    };
    let objective = match c.get("cotangent").filter(|t| !t.is_null()) {
        Some(t) => (out * tensor(t)).unwrap().sum_all().unwrap(),
        None => out,
    };
    let grads = objective.backward().unwrap();
    let got = grads
        .get(&input)
        .map(f64s)
        .unwrap_or_else(|| vec![0.0; input.elem_count()]);
    assert_close(&format!("{label} grad"), &got, &data(want), rel);
}

/// The crate functions the page's table names, in its order: the name
/// after `F::` in each row's second column, checked against the PyTorch
/// name in its first.
fn table_rows() -> Vec<String> {
    let page = std::fs::read_to_string(book().src().join("take-it-with-you.md")).unwrap();
    let table = page
        .split("<!-- table -->")
        .nth(1)
        .expect("the page marks its table with <!-- table --> before and after");
    let mut rows = Vec::new();
    for line in table.lines().filter(|l| l.starts_with("| `")) {
        let cells: Vec<&str> = line.split(" | ").collect();
        let ident = |s: &str| -> String {
            s.chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect()
        };
        let ours = cells[1].split("F::").nth(1).map(ident).unwrap_or_default();
        let torch = cells[0]
            .split('(')
            .next()
            .unwrap()
            .rsplit('.')
            .next()
            .map(ident)
            .unwrap();
        assert_eq!(
            torch.trim_end_matches('_'),
            ours,
            "{line}: the crate's name should be PyTorch's"
        );
        rows.push(ours);
    }
    rows
}

#[test]
fn every_row_of_the_pages_table_exists_and_agrees_with_the_fixture() {
    let rows = table_rows();
    let calls = calls();
    let mut checked = 0;
    for name in &rows {
        if name.starts_with("clip_grad") {
            continue; // below: they act on a GradStore
        }
        let call = *calls.get(name.as_str()).unwrap_or_else(|| {
            panic!("the page's table names {name}, which this test cannot call")
        });
        let cases: Vec<&Value> = fixture()
            .iter()
            .filter(|c| c["fn"] == name.as_str())
            .collect();
        assert!(!cases.is_empty(), "the fixture has no case of {name}");
        for c in cases {
            agrees(c, call);
            checked += 1;
        }
    }
    // and the table leaves out nothing the fixture proves
    for c in fixture() {
        let name = c["fn"].as_str().unwrap();
        assert!(
            rows.iter().any(|r| r == name),
            "the page's table has no row for {name}"
        );
    }
    assert!(checked > 400, "only {checked} cases checked");
}

#[test]
fn the_tables_clipping_rows_agree_with_the_fixture() {
    let rows = table_rows();
    let mut checked = 0;
    for c in fixture()
        .iter()
        .filter(|c| c["fn"].as_str().unwrap().starts_with("clip_grad"))
    {
        let fun = c["fn"].as_str().unwrap();
        assert!(rows.iter().any(|r| r == fun), "no row for {fun}");
        let mut vars = Vec::new();
        let mut objective = Tensor::new(0.0f64, &Device::Cpu).unwrap();
        for (name, g) in c["args"].as_object().unwrap() {
            let g = tensor(g).to_dtype(DType::F64).unwrap();
            let v = Var::zeros(g.shape(), DType::F64, &Device::Cpu).unwrap();
            objective = (objective + (v.as_tensor() * &g).unwrap().sum_all().unwrap()).unwrap();
            vars.push((name.clone(), v, g.dtype()));
        }
        let mut grads = objective.backward().unwrap();
        let all: Vec<Var> = vars.iter().map(|(_, v, _)| v.clone()).collect();
        let rel = if c["dtype"] == "f64" { 1e-9 } else { 1e-4 };
        if fun == "clip_grad_norm" {
            let opts = F::ClipGradNormOptions {
                norm_type: opt_f64(c, "norm_type"),
                error_if_nonfinite: false,
            };
            let total = F::clip_grad_norm(&mut grads, &all, opt_f64(c, "max_norm"), opts).unwrap();
            assert_close("total norm", &f64s(&total), &data(&c["value"]), rel);
        } else {
            F::clip_grad_value(&mut grads, &all, opt_f64(c, "clip_value")).unwrap();
        }
        for (name, v, _) in &vars {
            let got = f64s(grads.get(v.as_tensor()).unwrap());
            assert_close(
                &format!("{fun} {name}"),
                &got,
                &data(&c["grads"][name]),
                rel,
            );
        }
        checked += 1;
    }
    assert!(checked > 10, "only {checked} clipping cases");
}
