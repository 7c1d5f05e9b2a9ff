use std::process::ExitCode;

use ch04_loss_task_mismatch::{Options, SECTIONS, plots};

fn main() -> ExitCode {
    let opts: Options = shared::cli::parse_args();
    shared::cli::run_chapter(
        "ch04-loss-task-mismatch",
        &opts.common,
        |out| shared::chapter::write_sections(SECTIONS, &opts, out),
        || plots(&opts),
    )
}
