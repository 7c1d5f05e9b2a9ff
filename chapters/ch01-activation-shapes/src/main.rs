fn main() -> std::process::ExitCode {
    ch01_activation_shapes::CHAPTER.main()
}
