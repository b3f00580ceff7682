//! The device's database while the app runs: one writer thread that owns the
//! write connection and runs every change (taps, the mirror's pages, the
//! publisher's outcomes, deliveries, pruning) one job at a time, taps first;
//! and a small pool of read-only connections for the screens' views. No tap
//! waits on SQLite's busy handler behind another connection's transaction: it
//! waits for the job in hand at most. Nor does it wait while its commit copies
//! the log into the database file: a checkpointer thread does that beside
//! the writer, on a connection of its own.

use std::collections::VecDeque;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::path::Path;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use kitchen_store::{OutboxCounts, Store, StoreError};
use tokio::sync::{oneshot, watch, Semaphore};

/// Read-only connections for the screens: the board, the drivers' lists and a
/// manager's day can be read at once while the writer works.
pub const READERS: usize = 2;

/// Where a job goes in the writer's queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Priority {
    /// A person is waiting: ahead of everything queued in the background.
    Tap,
    /// The loops' work, in the order it came.
    Background,
}

type Job = Box<dyn FnOnce(&mut Store) + Send>;

#[derive(Default)]
struct Queues {
    taps: VecDeque<Job>,
    background: VecDeque<Job>,
    closed: bool,
}

struct Queue {
    jobs: Mutex<Queues>,
    ready: Condvar,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Queue {
    fn push(&self, priority: Priority, job: Job) -> Result<(), Job> {
        let mut queues = lock(&self.jobs);
        if queues.closed {
            return Err(job);
        }
        match priority {
            Priority::Tap => queues.taps.push_back(job),
            Priority::Background => queues.background.push_back(job),
        }
        self.ready.notify_one();
        Ok(())
    }

    /// The next job, taps first; `None` once closed and empty.
    fn next(&self) -> Option<Job> {
        let mut queues = lock(&self.jobs);
        loop {
            if let Some(job) = queues.taps.pop_front() {
                return Some(job);
            }
            if let Some(job) = queues.background.pop_front() {
                return Some(job);
            }
            if queues.closed {
                return None;
            }
            queues = self
                .ready
                .wait(queues)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }

    fn close(&self) {
        lock(&self.jobs).closed = true;
        self.ready.notify_all();
    }
}

/// How long the checkpointer lets commits gather before it copies them.
const CHECKPOINT_GATHER: Duration = Duration::from_millis(250);

/// The commits the writer made, for the checkpointer to copy into the
/// database file on a connection of its own. A commit that fills the log
/// would otherwise copy it itself, and the tap behind it would wait.
#[derive(Default)]
struct Checkpoints {
    state: Mutex<CheckpointState>,
    wake: Condvar,
}

#[derive(Default)]
struct CheckpointState {
    commits: u64,
    closed: bool,
}

impl Checkpoints {
    fn committed(&self) {
        lock(&self.state).commits += 1;
        self.wake.notify_one();
    }

    fn close(&self) {
        lock(&self.state).closed = true;
        self.wake.notify_all();
    }

    /// Waits for commits not yet copied; `false` once closed.
    fn wait_past(&self, copied: &mut u64) -> bool {
        let mut state = lock(&self.state);
        while state.commits == *copied && !state.closed {
            state = self
                .wake
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
        *copied = state.commits;
        !state.closed
    }
}

/// The checkpointer thread: a passive checkpoint (it waits on no one) a
/// moment after each run of commits.
fn checkpoint_commits(store: Store, checkpoints: &Checkpoints) {
    let mut copied = 0;
    while checkpoints.wait_past(&mut copied) {
        std::thread::sleep(CHECKPOINT_GATHER);
        if let Err(err) = store.checkpoint() {
            tracing::warn!("cannot copy the log into the database file: {err}");
        }
    }
}

/// Closes the queue when the last handle goes: the thread finishes what was
/// queued, then closes the connection.
struct Owner {
    queue: Arc<Queue>,
    checkpoints: Arc<Checkpoints>,
    threads: Mutex<Vec<std::thread::JoinHandle<()>>>,
}

impl Drop for Owner {
    fn drop(&mut self) {
        self.queue.close();
        self.checkpoints.close();
        for thread in lock(&self.threads).drain(..) {
            // The last handle may be dropped on the writer itself (a job
            // holding one); it cannot wait for itself.
            if thread.thread().id() != std::thread::current().id() {
                let _ = thread.join();
            }
        }
    }
}

/// A handle on the device's writer thread. Clones share it; the thread ends
/// when the last one is dropped, after the jobs already queued.
#[derive(Clone)]
pub struct Writer {
    owner: Arc<Owner>,
    counts: watch::Receiver<OutboxCounts>,
}

impl Writer {
    /// Starts the writer thread on `store`, the device's write connection,
    /// and beside it the checkpointer on a connection of its own.
    pub fn start(store: Store) -> Result<Writer, StoreError> {
        let initial = store.outbox_counts()?;
        let path = store.path().to_owned();
        let spawn_failed = |source| StoreError::File {
            what: "start the database writer for",
            path: path.clone(),
            source,
        };
        let checkpoints = Arc::new(Checkpoints::default());
        let mut threads = Vec::new();
        let checkpointer = Store::open(&path)?;
        store.leave_checkpoints_to_another()?;
        let thread_checkpoints = Arc::clone(&checkpoints);
        threads.push(
            std::thread::Builder::new()
                .name("kitchen-checkpoint".into())
                .spawn(move || checkpoint_commits(checkpointer, &thread_checkpoints))
                .map_err(spawn_failed)?,
        );
        let (counts_tx, counts) = watch::channel(initial);
        let queue = Arc::new(Queue {
            jobs: Mutex::new(Queues::default()),
            ready: Condvar::new(),
        });
        let (thread_queue, thread_checkpoints) = (Arc::clone(&queue), Arc::clone(&checkpoints));
        let owner = Owner {
            queue,
            checkpoints,
            threads: Mutex::new(threads),
        };
        let writer = std::thread::Builder::new()
            .name("kitchen-writer".into())
            .spawn(move || write_jobs(store, &thread_queue, &thread_checkpoints, &counts_tx))
            .map_err(spawn_failed)?;
        lock(&owner.threads).push(writer);
        Ok(Writer {
            owner: Arc::new(owner),
            counts,
        })
    }

    /// Queues `work` for the write connection now, and returns its answer
    /// when done. A tap's work goes ahead of the loops' queued work.
    pub fn run<R, F>(
        &self,
        priority: Priority,
        work: F,
    ) -> impl Future<Output = Result<R, StoreError>> + Send + 'static
    where
        R: Send + 'static,
        F: FnOnce(&mut Store) -> Result<R, StoreError> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let job: Job = Box::new(move |store| {
            // The caller may have gone (a stopped loop): the work is done anyway.
            let _ = reply.send(work(store));
        });
        let queued = self.owner.queue.push(priority, job).is_ok();
        async move {
            if !queued {
                return Err(writer_gone());
            }
            answer.await.map_err(|_| writer_gone())?
        }
    }

    /// The outbox counts after each change: kept by the writer, never recounted.
    pub fn counts(&self) -> watch::Receiver<OutboxCounts> {
        self.counts.clone()
    }
}

fn writer_gone() -> StoreError {
    StoreError::Closed("the database writer stopped (the app is closing, or a job failed)".into())
}

/// The writer thread: one job at a time; after each that changed rows, the
/// outbox counts (read from the tally the outbox keeps, one row) go to the
/// watch if they moved.
fn write_jobs(
    mut store: Store,
    queue: &Queue,
    checkpoints: &Checkpoints,
    counts: &watch::Sender<OutboxCounts>,
) {
    while let Some(job) = queue.next() {
        let before = store.total_changes();
        // A job that panics drops its reply (its caller gets an error); the
        // writer goes on with the next.
        if std::panic::catch_unwind(AssertUnwindSafe(|| job(&mut store))).is_err() {
            tracing::error!("a database job panicked; its caller was told");
        }
        if store.total_changes() == before {
            continue;
        }
        checkpoints.committed();
        match store.outbox_counts() {
            Ok(now) => {
                counts.send_if_modified(|current| {
                    let moved = *current != now;
                    *current = now;
                    moved
                });
            }
            Err(err) => tracing::warn!("cannot read the outbox counts: {err}"),
        }
    }
}

/// Read-only connections, used off the async runtime.
pub struct Readers {
    idle: Mutex<Vec<Store>>,
    permits: Semaphore,
}

impl Readers {
    /// Opens `count` read-only connections to the database in `data_dir`.
    pub fn open(data_dir: &Path, count: usize) -> Result<Readers, StoreError> {
        let idle = (0..count.max(1))
            .map(|_| {
                let store = Store::open_in(data_dir)?;
                store.set_query_only()?;
                Ok(store)
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(Readers {
            permits: Semaphore::new(idle.len()),
            idle: Mutex::new(idle),
        })
    }

    /// Runs `read` on an idle connection, on a blocking thread.
    pub async fn read<R, F>(&self, read: F) -> Result<R, StoreError>
    where
        R: Send + 'static,
        F: FnOnce(&Store) -> Result<R, StoreError> + Send + 'static,
    {
        let _permit = self.permits.acquire().await.map_err(|_| writer_gone())?;
        let store = lock(&self.idle)
            .pop()
            .expect("a permit means an idle connection");
        let (store, answer) = tokio::task::spawn_blocking(move || {
            let answer = read(&store);
            (store, answer)
        })
        .await
        .map_err(|err| StoreError::Closed(format!("a read of the database failed: {err}")))?;
        lock(&self.idle).push(store);
        answer
    }
}

/// Where a loop's database work runs: on a connection of its own (the CLI's
/// one-shot commands), or on the device's writer (the app).
pub trait StoreAccess: Send {
    fn with<R, F>(&mut self, work: F) -> impl Future<Output = Result<R, StoreError>> + Send
    where
        R: Send + 'static,
        F: FnOnce(&mut Store) -> Result<R, StoreError> + Send + 'static;

    /// [`StoreAccess::with`] for work the cloud holds again (a mirror page,
    /// the publisher's outcomes, pruning): its commits do not wait for the
    /// disk, so neither does a tap queued behind it ([`Store::relaxed`]).
    fn relaxed<R, F>(&mut self, work: F) -> impl Future<Output = Result<R, StoreError>> + Send
    where
        R: Send + 'static,
        F: FnOnce(&mut Store) -> Result<R, StoreError> + Send + 'static,
    {
        self.with(move |store| store.relaxed(work))
    }
}

impl StoreAccess for Store {
    fn with<R, F>(&mut self, work: F) -> impl Future<Output = Result<R, StoreError>> + Send
    where
        R: Send + 'static,
        F: FnOnce(&mut Store) -> Result<R, StoreError> + Send + 'static,
    {
        std::future::ready(work(self))
    }
}

impl StoreAccess for Writer {
    fn with<R, F>(&mut self, work: F) -> impl Future<Output = Result<R, StoreError>> + Send
    where
        R: Send + 'static,
        F: FnOnce(&mut Store) -> Result<R, StoreError> + Send + 'static,
    {
        self.run(Priority::Background, work)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;
    use kitchen_domain::Status;

    fn day() -> chrono::NaiveDate {
        chrono::NaiveDate::from_ymd_opt(2026, 3, 14).unwrap()
    }

    #[tokio::test]
    async fn a_tap_goes_ahead_of_queued_background_work() {
        let dir = tempfile::tempdir().unwrap();
        let writer = Writer::start(Store::open_in(dir.path()).unwrap()).unwrap();
        // Hold the writer in a job until everything below is queued.
        let (release, held) = std::sync::mpsc::channel::<()>();
        let order = Arc::new(Mutex::new(Vec::new()));
        let first = writer.run(Priority::Background, move |_| {
            held.recv().ok();
            Ok(())
        });
        let first = tokio::spawn(first);
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        let mut waiting = Vec::new();
        for (priority, name) in [
            (Priority::Background, "mirror page"),
            (Priority::Background, "publisher outcome"),
            (Priority::Tap, "tap"),
        ] {
            let order = Arc::clone(&order);
            let job = writer.run(priority, move |_| {
                lock(&order).push(name);
                Ok(())
            });
            waiting.push(tokio::spawn(job));
            tokio::task::yield_now().await;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        release.send(()).unwrap();
        first.await.unwrap().unwrap();
        for job in waiting {
            job.await.unwrap().unwrap();
        }
        assert_eq!(*lock(&order), ["tap", "mirror page", "publisher outcome"]);
    }

    #[tokio::test]
    async fn counts_follow_every_change_and_readers_see_it() {
        let dir = tempfile::tempdir().unwrap();
        let writer = Writer::start(Store::open_in(dir.path()).unwrap()).unwrap();
        let readers = Readers::open(dir.path(), READERS).unwrap();
        let mut counts = writer.counts();
        assert_eq!(counts.borrow_and_update().pending, 0);
        writer
            .run(Priority::Tap, |store| {
                store.record_tap(day(), "42", Status::OrderDone, "Ana", "oven-1", Utc::now())
            })
            .await
            .unwrap();
        counts.changed().await.unwrap();
        assert_eq!(counts.borrow().pending, 1);
        let held = readers
            .read(|store| Ok(store.outbox_counts()?.pending))
            .await
            .unwrap();
        assert_eq!(held, 1);
        // The readers cannot write.
        let refused = readers
            .read(|store| store.set_device_value("device_name", "x"))
            .await;
        assert!(refused.is_err(), "{refused:?}");
    }

    #[tokio::test]
    async fn the_checkpointer_copies_the_writers_commits_into_the_database_file() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_in(dir.path()).unwrap();
        let file = store.path().to_owned();
        let writer = Writer::start(store).unwrap();
        let size = || std::fs::metadata(&file).unwrap().len();
        let before = size();
        // Far fewer pages than would fill the log (1000): only the
        // checkpointer copies them into the file before it closes.
        for i in 0..50 {
            writer
                .run(Priority::Tap, move |store| {
                    store.record_tap(
                        day(),
                        &format!("order-{i}"),
                        Status::OrderDone,
                        "Ana",
                        "oven-1",
                        Utc::now(),
                    )
                })
                .await
                .unwrap();
        }
        // The file grows only by a checkpoint; give up when it has not moved
        // for ten gathering periods after the last commit.
        let deadline = std::time::Instant::now() + CHECKPOINT_GATHER * 10;
        while size() == before {
            assert!(
                std::time::Instant::now() < deadline,
                "the database file still holds {before} bytes: nothing was checkpointed"
            );
            tokio::time::sleep(CHECKPOINT_GATHER / 5).await;
        }
        drop(writer);
    }

    #[tokio::test]
    async fn a_job_that_panics_fails_its_caller_and_not_the_writer() {
        let dir = tempfile::tempdir().unwrap();
        let writer = Writer::start(Store::open_in(dir.path()).unwrap()).unwrap();
        let failed = writer
            .run(Priority::Background, |_| -> Result<(), StoreError> {
                panic!("a bug in a job")
            })
            .await;
        assert!(matches!(failed, Err(StoreError::Closed(_))), "{failed:?}");
        let counts = writer
            .run(Priority::Tap, |store| store.outbox_counts())
            .await
            .unwrap();
        assert_eq!(counts.pending, 0);
    }
}
