use std::process::ExitCode;

use ch05_naive_bce_nan::{Options, SECTIONS, plots};

fn main() -> ExitCode {
    let opts: Options = shared::cli::parse_args();
    shared::cli::run_chapter(
        "ch05-naive-bce-nan",
        &opts.common,
        |out| shared::chapter::write_sections(SECTIONS, &opts, out),
        || plots(&opts),
    )
}
