fn main() -> std::process::ExitCode {
    ch06_class_weighting::CHAPTER.main()
}
