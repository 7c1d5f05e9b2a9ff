use std::process::ExitCode;

use ch02_vanishing_gradients::{Options, SECTIONS, plots};

fn main() -> ExitCode {
    let opts: Options = shared::cli::parse_args();
    shared::cli::run_chapter(
        "ch02-vanishing-gradients",
        &opts.common,
        |out| shared::chapter::write_sections(SECTIONS, &opts, out),
        || plots(&opts),
    )
}
