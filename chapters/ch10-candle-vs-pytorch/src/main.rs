fn main() -> std::process::ExitCode {
    ch10_candle_vs_pytorch::CHAPTER.main()
}
