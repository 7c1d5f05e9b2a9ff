fn main() -> std::process::ExitCode {
    ch05_naive_bce_nan::CHAPTER.main()
}
