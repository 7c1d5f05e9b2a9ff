use std::process::ExitCode;

use ch03_regression_losses::{Options, SECTIONS, plots};

fn main() -> ExitCode {
    let opts: Options = shared::cli::parse_args();
    shared::cli::run_chapter(
        "ch03-regression-losses",
        &opts.common,
        |out| shared::chapter::write_sections(SECTIONS, &opts, out),
        || plots(&opts),
    )
}
