fn main() -> std::process::ExitCode {
    ch00_candle_basics::CHAPTER.main()
}
