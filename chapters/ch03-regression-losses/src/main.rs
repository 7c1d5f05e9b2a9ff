fn main() -> std::process::ExitCode {
    ch03_regression_losses::CHAPTER.main()
}
