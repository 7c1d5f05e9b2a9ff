//! Independent jobs on their own threads where the platform has threads, and
//! one after another where it has none.
//!
//! Chapter 6 trains a dozen small models that do not depend on each other;
//! on two cores, running them side by side halves the wait. WebAssembly
//! under WASI (the book's browser runner) cannot start a thread, so there the
//! same jobs run in order, as they do at `RAYON_NUM_THREADS=1`. Each job is
//! deterministic on its own, so the results, and every digit the chapter
//! prints, are the same either way (the workspace tests compare them in full).

use std::sync::OnceLock;

/// A job for [`run_all`]: any closure that may borrow from the caller.
pub type Job<'a, T> = Box<dyn FnOnce() -> T + Send + 'a>;

/// Runs every job and returns their results in the jobs' order: each on its
/// own scoped thread if this platform can start threads and
/// `RAYON_NUM_THREADS` (the variable that sets Candle's thread count) is not
/// 1, otherwise one after another on the calling thread. A job that panics
/// makes `run_all` panic with the same payload.
pub fn run_all<'a, T: Send + 'a>(jobs: Vec<Job<'a, T>>) -> Vec<T> {
    let one_thread = std::env::var("RAYON_NUM_THREADS").is_ok_and(|n| n.trim() == "1");
    if jobs.len() < 2 || one_thread || !threads_available() {
        return jobs.into_iter().map(|job| job()).collect();
    }
    std::thread::scope(|s| {
        let handles: Vec<_> = jobs.into_iter().map(|job| s.spawn(job)).collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
}

/// Whether this platform can start a thread, found once by starting one.
pub fn threads_available() -> bool {
    static AVAILABLE: OnceLock<bool> = OnceLock::new();
    *AVAILABLE.get_or_init(|| {
        std::thread::Builder::new()
            .spawn(|| {})
            .is_ok_and(|h| h.join().is_ok())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_back_in_the_jobs_order() {
        let data = [3, 1, 4, 1, 5];
        let jobs: Vec<Job<'_, i32>> = data
            .iter()
            .map(|&x| Box::new(move || x * x) as Job<'_, i32>)
            .collect();
        assert_eq!(run_all(jobs), vec![9, 1, 16, 1, 25]);
    }

    #[test]
    fn this_platform_has_threads() {
        // The tests run natively; the browser runner is the case without.
        assert!(threads_available());
    }

    #[test]
    #[should_panic(expected = "job 2 failed")]
    fn a_panicking_job_panics_the_caller() {
        let jobs: Vec<Job<'_, ()>> = (0..3)
            .map(|i| {
                Box::new(move || {
                    if i == 2 {
                        panic!("job {i} failed");
                    }
                }) as Job<'_, ()>
            })
            .collect();
        run_all(jobs);
    }
}
