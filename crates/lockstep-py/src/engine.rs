//! Running the engine from Python: on a worker thread with the GIL released, while the
//! calling thread watches for Ctrl-C (`Python::check_signals` every few tens of
//! milliseconds) and raises the cancel flag the engine checks between stages; progress
//! goes to a Python callable.

use lockstep_analyze::Error;
use pyo3::exceptions::{PyKeyboardInterrupt, PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Mutex};
use std::time::Duration;

/// How often the calling thread looks for a signal while the engine runs.
const SIGNAL_POLL: Duration = Duration::from_millis(50);

/// A library error as a Python exception: ValueError for bad usage or unreadable input
/// (exit code 2 on the command line), KeyboardInterrupt for a run stopped by its caller,
/// RuntimeError for a failed run; the message is the command line's (`lockstep: MESSAGE`
/// without the prefix).
pub(crate) fn to_py(e: Error) -> PyErr {
    let msg = format!("{e:#}");
    if e.is_cancelled() {
        PyKeyboardInterrupt::new_err(msg)
    } else if e.is_usage() {
        PyValueError::new_err(msg)
    } else {
        PyRuntimeError::new_err(msg)
    }
}

/// A progress callback: stage, index, total.
type Report<'a> = &'a (dyn Fn(&str, usize, usize) + Sync);

/// What a job sees of its caller: the cancel flag and the progress callback.
pub(crate) struct Ctx<'a> {
    /// Raised on Ctrl-C (or when the progress callback raises).
    pub cancel: &'a AtomicBool,
    progress: Option<Report<'a>>,
}

impl Ctx<'_> {
    /// Tell the progress callback that `stage` (number `index` of `total`) starts.
    pub fn progress(&self, stage: &str, index: usize, total: usize) {
        if let Some(f) = self.progress {
            f(stage, index, total);
        }
    }

    /// Whether a progress callback listens.
    pub fn has_progress(&self) -> bool {
        self.progress.is_some()
    }
}

/// Run `job` on a worker thread with the GIL released. The calling thread checks for
/// signals meanwhile: a KeyboardInterrupt (Ctrl-C, `_thread.interrupt_main`) raises the
/// cancel flag, waits for the engine to stop at its next check, and is raised. `progress`
/// is called as `progress(stage, index, total)` with the GIL held; if it raises, the run
/// is cancelled and its exception raised.
pub(crate) fn run<T, F>(py: Python<'_>, progress: Option<Py<PyAny>>, job: F) -> PyResult<T>
where
    T: Send,
    F: FnOnce(&Ctx<'_>) -> lockstep_analyze::Result<T> + Send,
{
    let cancel = AtomicBool::new(false);
    let callback_error: Mutex<Option<PyErr>> = Mutex::new(None);
    let call = |stage: &str, index: usize, total: usize| {
        let Some(f) = &progress else { return };
        Python::attach(|py| {
            if let Err(e) = f.call1(py, (stage, index, total)) {
                if let Ok(mut slot) = callback_error.lock() {
                    slot.get_or_insert(e);
                }
                cancel.store(true, Ordering::Relaxed);
            }
        });
    };
    let (result, interrupted) = py.detach(|| {
        std::thread::scope(|s| {
            let (done_tx, done_rx) = mpsc::channel::<()>();
            let (cancel, call, listening) = (&cancel, &call, progress.is_some());
            let worker = s.spawn(move || {
                let ctx = Ctx {
                    cancel,
                    progress: listening.then_some(call as Report<'_>),
                };
                let r = job(&ctx);
                let _ = done_tx.send(());
                r
            });
            let mut interrupted: Option<PyErr> = None;
            // Until the worker says it is done (or dies: the sender is dropped).
            while let Err(mpsc::RecvTimeoutError::Timeout) = done_rx.recv_timeout(SIGNAL_POLL) {
                if interrupted.is_none() {
                    if let Err(e) = Python::attach(|py| py.check_signals()) {
                        interrupted = Some(e);
                        cancel.store(true, Ordering::Relaxed);
                    }
                }
            }
            // A Ctrl-C that came while the run was finishing (between the last poll and
            // the worker's end, which a loaded machine can stretch) is still the caller's:
            // raise it rather than leave it to whatever Python runs next.
            if interrupted.is_none() {
                interrupted = Python::attach(|py| py.check_signals()).err();
            }
            (worker.join(), interrupted)
        })
    });
    if let Some(e) = interrupted {
        return Err(e);
    }
    if let Some(e) = callback_error.lock().ok().and_then(|mut e| e.take()) {
        return Err(e);
    }
    match result {
        Ok(r) => r.map_err(to_py),
        Err(_) => Err(PyRuntimeError::new_err("the engine stopped unexpectedly")),
    }
}
