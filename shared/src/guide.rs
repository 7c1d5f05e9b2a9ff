//! The decision guide: for each kind of task, the output layer, the loss, the
//! function in `shared` (or candle-nn) that computes it, and what to apply at
//! inference. One definition, printed and pinned by the decision-guide
//! chapter, so the table cannot drift from the library.
