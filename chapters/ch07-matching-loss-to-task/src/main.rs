fn main() -> std::process::ExitCode {
    ch07_matching_loss_to_task::CHAPTER.main()
}
