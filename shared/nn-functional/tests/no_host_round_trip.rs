//! No loss, activation or clipping function copies tensor data to the host,
//! so the same code runs on CUDA and Metal without a synchronisation per
//! call. The one exception is the value checks' single read of a few flags
//! (class indices in range, weights finite and ≥ 0, probabilities in
//! [0, 1], `error_if_nonfinite`), in `check.rs`'s `DeviceChecks::run`:
//! refusing bad input with an `Err` needs its answer on the host. A call
//! whose inputs need none of those checks never reaches it.
//!
//! This test reads every source file of the library and fails on any host
//! read outside that one line. Doc comments are skipped: their examples run
//! on the CPU and print what they compute.

use std::path::Path;

/// Tensor methods that copy data to the host, or reach host storage.
const HOST_READS: [&str; 9] = [
    "to_vec0",
    "to_vec1",
    "to_vec2",
    "to_vec3",
    "to_scalar",
    "Device::Cpu)",
    "to_device(&Device::Cpu",
    "storage_and_layout",
    "CpuStorage",
];

/// (file, line) pairs allowed to read, trimmed.
const ALLOWED: [(&str, &str); 2] = [
    // the value checks' single read of their flags
    (
        "check.rs",
        "let flags = Tensor::cat(&self.flags, 0)?.to_vec1::<u8>()?;",
    ),
    // PyTorch returns torch.tensor(0.0), on the CPU, when no parameter has a gradient
    ("grad.rs", "return Tensor::new(0f32, &Device::Cpu);"),
];

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn the_library_reads_tensor_data_only_in_its_value_checks() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    assert!(files.len() >= 8, "only {} source files found", files.len());
    let mut offending = Vec::new();
    let mut allowed_seen = 0;
    for file in &files {
        let name = file.file_name().unwrap().to_str().unwrap();
        let text = std::fs::read_to_string(file).unwrap();
        for (n, line) in text.lines().enumerate() {
            let code = line.trim();
            if code.starts_with("//") {
                continue;
            }
            if HOST_READS.iter().any(|r| code.contains(r)) {
                if ALLOWED.contains(&(name, code)) {
                    allowed_seen += 1;
                } else {
                    offending.push(format!("src/…/{name}:{}: {code}", n + 1));
                }
            }
        }
    }
    assert!(
        offending.is_empty(),
        "host reads outside check.rs's DeviceChecks::run (a loss must run on any device without a \
         round trip; put a value check into DeviceChecks instead):\n{}",
        offending.join("\n")
    );
    assert_eq!(
        allowed_seen,
        ALLOWED.len(),
        "an allowed line moved: update ALLOWED"
    );
}
