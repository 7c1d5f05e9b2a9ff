use std::process::ExitCode;

use ch01_activation_shapes::{Options, SECTIONS, plots};

fn main() -> ExitCode {
    let opts: Options = shared::cli::parse_args();
    shared::cli::run_chapter(
        "ch01-activation-shapes",
        &opts.common,
        |out| shared::chapter::write_sections(SECTIONS, &opts, out),
        || plots(&opts),
    )
}
