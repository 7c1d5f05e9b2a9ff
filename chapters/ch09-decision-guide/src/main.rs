fn main() -> std::process::ExitCode {
    ch09_decision_guide::CHAPTER.main()
}
