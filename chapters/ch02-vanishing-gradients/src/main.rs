fn main() -> std::process::ExitCode {
    ch02_vanishing_gradients::CHAPTER.main()
}
