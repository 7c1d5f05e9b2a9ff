fn main() -> std::process::ExitCode {
    ch04_loss_task_mismatch::CHAPTER.main()
}
