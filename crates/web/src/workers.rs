//! A few dedicated threads for work whose memory must stay bounded (planning
//! posted history documents). Jobs run in arrival order, at most one per thread,
//! and always on the same threads: the allocator's per-thread heaps that a large
//! job grew are reused by the next instead of staying behind on one of the many
//! threads of tokio's blocking pool.

use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};
use std::sync::{Arc, Mutex};
use tokio::sync::oneshot;

type Job = Box<dyn FnOnce() + Send>;

/// The threads and their queue. The threads end when the last clone is dropped.
#[derive(Debug, Clone)]
pub struct Workers {
    jobs: SyncSender<Job>,
}

/// Why a job did not run.
#[derive(Debug, thiserror::Error)]
pub enum WorkError {
    #[error("too many jobs are waiting; try again in a moment")]
    Busy,
    #[error("the job failed: {0}")]
    Failed(String),
}

impl Workers {
    /// `threads` threads named `name`, and a queue of at most `queue` waiting jobs.
    pub fn new(name: &str, threads: usize, queue: usize) -> std::io::Result<Workers> {
        let (jobs, waiting) = sync_channel::<Job>(queue);
        let waiting = Arc::new(Mutex::new(waiting));
        for i in 0..threads.max(1) {
            let waiting = waiting.clone();
            std::thread::Builder::new().name(format!("{name}-{i}")).spawn(move || work(&waiting))?;
        }
        Ok(Workers { jobs })
    }

    /// Runs `job` on one of the threads and gives its result. A job whose caller
    /// has gone (the request timed out) while it waited is skipped.
    pub async fn run<T: Send + 'static>(&self, job: impl FnOnce() -> T + Send + 'static) -> Result<T, WorkError> {
        let (done, result) = oneshot::channel();
        let job: Job = Box::new(move || {
            if done.is_closed() {
                return;
            }
            let _ = done.send(job());
        });
        match self.jobs.try_send(job) {
            Ok(()) => {}
            Err(TrySendError::Full(_)) => return Err(WorkError::Busy),
            Err(TrySendError::Disconnected(_)) => return Err(WorkError::Failed("the workers stopped".into())),
        }
        result.await.map_err(|_| WorkError::Failed("the job panicked".into()))
    }
}

fn work(waiting: &Mutex<Receiver<Job>>) {
    loop {
        // The lock is held only while waiting for the next job, not while running it.
        let next = match waiting.lock() {
            Ok(waiting) => waiting.recv(),
            Err(_) => return,
        };
        let Ok(job) = next else { return };
        // A panicking job must not take the thread with it.
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn jobs_run_on_at_most_as_many_threads_as_there_are_workers() {
        let workers = Workers::new("test", 2, 64).unwrap();
        let (running, most) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let threads = Arc::new(Mutex::new(std::collections::HashSet::new()));
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..12 {
            let (workers, running, most, threads) = (workers.clone(), running.clone(), most.clone(), threads.clone());
            tasks.spawn(async move {
                workers
                    .run(move || {
                        let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                        most.fetch_max(now, Ordering::SeqCst);
                        threads.lock().unwrap().insert(std::thread::current().id());
                        std::thread::sleep(Duration::from_millis(20));
                        running.fetch_sub(1, Ordering::SeqCst);
                    })
                    .await
                    .unwrap();
            });
        }
        tasks.join_all().await;
        assert!(most.load(Ordering::SeqCst) <= 2);
        assert!(threads.lock().unwrap().len() <= 2, "always the same threads");
    }

    #[tokio::test]
    async fn a_full_queue_says_busy_and_a_panic_is_an_error_not_a_lost_thread() {
        let workers = Workers::new("test", 1, 1).unwrap();
        let (release, hold) = std::sync::mpsc::channel::<()>();
        let (started, has_started) = std::sync::mpsc::channel::<()>();
        let busy = workers.clone();
        let first = tokio::spawn(async move {
            busy.run(move || {
                started.send(()).unwrap();
                hold.recv_timeout(Duration::from_secs(10)).is_ok()
            })
            .await
        });
        // Once the thread runs the first job, one more fills the queue.
        let waited = tokio::task::spawn_blocking(move || has_started.recv_timeout(Duration::from_secs(10)));
        assert!(waited.await.unwrap().is_ok());
        assert!(workers.jobs.try_send(Box::new(|| {})).is_ok());
        assert!(matches!(workers.run(|| ()).await, Err(WorkError::Busy)), "one waits already");
        release.send(()).unwrap();
        assert!(first.await.unwrap().unwrap());
        // The no-op job queued above may still wait its turn (the queue holds one):
        // ask again until it has run, within a bound.
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        let panicked = loop {
            match workers.run(|| panic!("boom")).await {
                Err(WorkError::Busy) if std::time::Instant::now() < deadline => {
                    tokio::time::sleep(Duration::from_millis(5)).await;
                }
                other => break other,
            }
        };
        assert!(matches!(panicked, Err(WorkError::Failed(_))), "{panicked:?}");
        assert_eq!(workers.run(|| 7).await.unwrap(), 7, "the thread is still there");
    }
}
