use std::process::ExitCode;

use ch06_class_weighting::{Options, SECTIONS, plots};

fn main() -> ExitCode {
    let opts: Options = shared::cli::parse_args();
    if let Err(msg) = opts.check() {
        shared::cli::usage_error(&msg);
    }
    shared::cli::run_chapter(
        "ch06-class-weighting",
        &opts.common,
        |out| shared::chapter::write_sections(SECTIONS, &opts, out),
        || plots(&opts),
    )
}
