//! A progress bar on stderr for long runs: the stage being run (read, the
//! library's stages, write), shown only when stderr is a terminal, the run
//! is not `-q`, and it has lasted [`DELAY`]; a short run shows nothing. The
//! library knows nothing of it: it calls a plain hook as each stage starts
//! ([`newsdedup::dedup_observed`]).
//!
//! Messages written while the bar may be showing go through
//! [`Progress::suspend`], which takes the bar off the line first.

use std::io::IsTerminal;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A run shorter than this shows no bar.
pub const DELAY: Duration = Duration::from_millis(500);

/// The bar of one run (none when it is not to be shown).
pub struct Progress {
    bar: Option<ProgressBar>,
    /// Set once the run is over, so that the bar is not shown after it.
    done: Arc<Mutex<bool>>,
}

impl Progress {
    /// A bar of `stages` steps when `wanted` and stderr is a terminal;
    /// otherwise one that shows nothing.
    pub fn new(wanted: bool, stages: u64) -> Progress {
        let done = Arc::new(Mutex::new(false));
        if !wanted || !std::io::stderr().is_terminal() {
            return Progress { bar: None, done };
        }
        let bar = ProgressBar::with_draw_target(Some(stages), ProgressDrawTarget::hidden());
        let style = ProgressStyle::with_template("{prefix}: {spinner} [{elapsed}] {bar:24} {pos}/{len} {msg}")
            .expect("the template is valid")
            .progress_chars("=> ");
        bar.set_style(style);
        bar.set_prefix(newsdedup::messages::program());
        let (shown, flag) = (bar.clone(), done.clone());
        std::thread::spawn(move || {
            std::thread::sleep(DELAY);
            let done = flag.lock().unwrap_or_else(|e| e.into_inner());
            if !*done {
                shown.set_draw_target(ProgressDrawTarget::stderr());
                shown.enable_steady_tick(Duration::from_millis(120));
            }
        });
        Progress { bar: Some(bar), done }
    }

    /// Stage `name` starts: the bar moves one step on.
    pub fn stage(&self, name: &str) {
        if let Some(bar) = &self.bar {
            if !bar.message().is_empty() {
                bar.inc(1);
            }
            bar.set_message(name.to_owned());
        }
    }

    /// The hook to hand the library (see [`newsdedup::dedup_observed`]).
    pub fn hook(&self) -> impl FnMut(&'static str) + '_ {
        move |name| self.stage(name)
    }

    /// Run `f` (which writes to stderr) with the bar off the line.
    pub fn suspend<R>(&self, f: impl FnOnce() -> R) -> R {
        match &self.bar {
            Some(bar) => bar.suspend(f),
            None => f(),
        }
    }

    /// The run is over: the bar goes away and is not shown again.
    pub fn finish(&self) {
        let mut done = self.done.lock().unwrap_or_else(|e| e.into_inner());
        *done = true;
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.finish();
    }
}
