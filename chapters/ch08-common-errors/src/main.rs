fn main() -> std::process::ExitCode {
    ch08_common_errors::CHAPTER.main()
}
