//! The background loops, run one way: each is a [`Loop`] (a turn of work, then
//! a wait a wake-up cuts short), run by a [`Supervisor`] that backs off after
//! failed turns, and stops them all with one cancellation token.

use std::future::Future;
use std::time::Duration;

use rand::Rng;
use tokio::task::JoinSet;
pub use tokio_util::sync::{CancellationToken, DropGuard};

/// The longest back-off after failed turns.
pub const MAX_BACKOFF: Duration = Duration::from_secs(30);
/// How long loops may take to finish their turn in flight when they stop.
pub const STOP_GRACE: Duration = Duration::from_secs(5);

/// When a loop's next turn comes, after a turn that went through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pace {
    /// After this wait, or sooner when woken.
    After(Duration),
    /// At once.
    Again,
    /// Never: the loop is done.
    Done,
}

/// One of the background loops.
pub trait Loop: Send + 'static {
    /// What a failed turn says (in the logs, before the back-off).
    type Error: std::fmt::Display + Send;

    /// For the logs.
    fn name(&self) -> &'static str;

    /// One turn of work. A turn is never dropped half-way by the supervisor:
    /// a turn that may wait long (a long poll, a page of the feed) watches
    /// `stop` itself where stopping part-way is safe.
    fn turn(
        &mut self,
        stop: &CancellationToken,
    ) -> impl Future<Output = Result<Pace, Self::Error>> + Send;

    /// What cuts the wait before the next turn short (a tap, a screen).
    fn woken(&self) -> impl Future<Output = ()> + Send {
        std::future::pending()
    }

    /// A wait before the first turn (cut short as the others are); none by default.
    fn first_wait(&self) -> Option<Duration> {
        None
    }
}

/// Exponential back-off with jitter after consecutive failures: 0.25 s,
/// 0.5 s, … up to [`MAX_BACKOFF`].
#[derive(Debug, Default, Clone, Copy)]
pub struct Backoff {
    failures: u32,
}

impl Backoff {
    /// The wait after one more failure.
    pub fn failed(&mut self) -> Duration {
        self.failures = self.failures.saturating_add(1);
        backoff(self.failures)
    }

    pub fn succeeded(&mut self) {
        self.failures = 0;
    }

    pub fn failures(&self) -> u32 {
        self.failures
    }
}

/// The wait after `failures` consecutive failures.
pub fn backoff(failures: u32) -> Duration {
    let base = Duration::from_millis(250).saturating_mul(1 << failures.min(8).saturating_sub(1));
    let capped = base.min(MAX_BACKOFF);
    capped.mul_f64(rand::rng().random_range(0.5..=1.0))
}

/// Runs `work` turn after turn until `stop` is cancelled or it is done.
pub async fn run_loop<L: Loop>(mut work: L, stop: CancellationToken) {
    if let Some(wait) = work.first_wait() {
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = work.woken() => {}
            _ = stop.cancelled() => return,
        }
    }
    let mut backoff = Backoff::default();
    while !stop.is_cancelled() {
        let wait = match work.turn(&stop).await {
            Ok(Pace::Done) => return,
            Ok(Pace::Again) => {
                backoff.succeeded();
                continue;
            }
            Ok(Pace::After(wait)) => {
                backoff.succeeded();
                wait
            }
            Err(err) => {
                let wait = backoff.failed();
                tracing::debug!(
                    work = work.name(),
                    failures = backoff.failures(),
                    "turn failed, next in {wait:?}: {err}"
                );
                wait
            }
        };
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = work.woken() => {}
            _ = stop.cancelled() => return,
        }
    }
}

/// The loops of one device configuration.
pub struct Supervisor {
    stop: CancellationToken,
    tasks: JoinSet<()>,
}

impl Default for Supervisor {
    fn default() -> Supervisor {
        Supervisor {
            stop: CancellationToken::new(),
            tasks: JoinSet::new(),
        }
    }
}

impl Supervisor {
    /// Runs `work` until the supervisor stops.
    pub fn spawn<L: Loop>(&mut self, work: L) {
        self.tasks.spawn(run_loop(work, self.stop.clone()));
    }

    /// Runs a task that is not a loop of turns (it follows a channel) until
    /// the supervisor stops.
    pub fn spawn_task(&mut self, task: impl Future<Output = ()> + Send + 'static) {
        let stop = self.stop.clone();
        self.tasks.spawn(async move {
            tokio::select! {
                _ = task => {}
                _ = stop.cancelled() => {}
            }
        });
    }

    /// The token the loops stop on.
    pub fn token(&self) -> CancellationToken {
        self.stop.clone()
    }

    /// Stops every loop and waits for their turns in flight; a loop stuck in
    /// a call longer than [`STOP_GRACE`] is abandoned. Safe to call twice.
    pub async fn stop(&mut self) {
        self.stop.cancel();
        let all = async { while self.tasks.join_next().await.is_some() {} };
        if tokio::time::timeout(STOP_GRACE, all).await.is_err() {
            tracing::warn!(
                left = self.tasks.len(),
                "a background loop did not stop in time; abandoning it"
            );
            self.tasks.abort_all();
        }
    }
}

impl Drop for Supervisor {
    fn drop(&mut self) {
        // Loops end at their next wait; a turn in flight finishes first.
        self.stop.cancel();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::CloudError;
    use std::sync::{Arc, Mutex};
    use std::time::Instant;

    /// Fails `fail` turns, then goes through; notes when each turn began.
    struct Flaky {
        fail: usize,
        turns: Arc<Mutex<Vec<Instant>>>,
    }

    impl Loop for Flaky {
        type Error = CloudError;

        fn name(&self) -> &'static str {
            "flaky"
        }

        async fn turn(&mut self, _: &CancellationToken) -> Result<Pace, CloudError> {
            let mut turns = self.turns.lock().unwrap();
            turns.push(Instant::now());
            if turns.len() <= self.fail {
                Err(CloudError::Missing("the cloud".into()))
            } else {
                Ok(Pace::After(Duration::from_secs(3600)))
            }
        }
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        assert!(backoff(1) <= Duration::from_millis(250));
        assert!(backoff(4) >= Duration::from_millis(1000));
        assert!(backoff(30) <= MAX_BACKOFF);
        let mut b = Backoff::default();
        b.failed();
        b.failed();
        assert_eq!(b.failures(), 2);
        b.succeeded();
        assert_eq!(b.failures(), 0);
    }

    #[tokio::test]
    async fn failed_turns_back_off_more_each_time_and_stop_ends_the_wait() {
        let turns = Arc::new(Mutex::new(Vec::new()));
        let mut supervisor = Supervisor::default();
        supervisor.spawn(Flaky {
            fail: 3,
            turns: turns.clone(),
        });
        // Three failures, then a turn that goes through: at most 0.25 + 0.5 + 1 s.
        let started = Instant::now();
        while turns.lock().unwrap().len() < 4 {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "no fourth turn"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let at = turns.lock().unwrap().clone();
        let gaps: Vec<Duration> = at.windows(2).map(|w| w[1] - w[0]).collect();
        assert!(gaps[0] <= Duration::from_millis(400), "{gaps:?}");
        assert!(gaps[2] >= Duration::from_millis(500), "{gaps:?}");
        // Then an hour's wait, which the stop cuts short.
        let stopping = Instant::now();
        supervisor.stop().await;
        assert!(stopping.elapsed() < Duration::from_secs(1));
        assert!(supervisor.tasks.is_empty());
        assert_eq!(turns.lock().unwrap().len(), 4);
    }

    /// Waits an hour before its first turn, unless woken.
    struct Later {
        wake: Arc<tokio::sync::Notify>,
        turns: Arc<Mutex<Vec<Instant>>>,
    }

    impl Loop for Later {
        type Error = CloudError;

        fn name(&self) -> &'static str {
            "later"
        }

        fn first_wait(&self) -> Option<Duration> {
            Some(Duration::from_secs(3600))
        }

        fn woken(&self) -> impl Future<Output = ()> + Send {
            self.wake.notified()
        }

        async fn turn(&mut self, _: &CancellationToken) -> Result<Pace, CloudError> {
            self.turns.lock().unwrap().push(Instant::now());
            Ok(Pace::After(Duration::from_secs(3600)))
        }
    }

    #[tokio::test]
    async fn the_first_turn_waits_unless_woken() {
        let (wake, turns) = (
            Arc::new(tokio::sync::Notify::new()),
            Arc::new(Mutex::new(Vec::new())),
        );
        let mut supervisor = Supervisor::default();
        supervisor.spawn(Later {
            wake: wake.clone(),
            turns: turns.clone(),
        });
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert!(
            turns.lock().unwrap().is_empty(),
            "no turn before the first wait"
        );
        wake.notify_one();
        let started = Instant::now();
        while turns.lock().unwrap().is_empty() {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "woken, yet no turn"
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        supervisor.stop().await;
    }
}
