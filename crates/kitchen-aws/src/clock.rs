//! This device's clock measured against the cloud's: every AWS response carries
//! a `Date` header, and the difference to the middle of the call, over the last
//! calls, tells how far the device's clock is off. Order never depends on it
//! (taps follow a hybrid logical clock); the screens warn when it is off.

use std::collections::VecDeque;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::SystemTime;

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::{
    BeforeDeserializationInterceptorContextRef, BeforeTransmitInterceptorContextRef,
};
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::{ConfigBag, Storable, StoreReplace};
use chrono::{DateTime, Duration, Utc};

/// A clock further off than this is shown as a warning.
pub const CLOCK_WARNING: Duration = Duration::seconds(30);
/// Samples kept; the median of them is the estimate.
const SAMPLES: usize = 15;

/// The cloud's clock as this device measures it. Cloning shares the samples.
#[derive(Clone, Default)]
pub struct ClockWatch {
    samples: Arc<Mutex<VecDeque<i64>>>,
}

impl fmt::Debug for ClockWatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClockWatch")
            .field("offset", &self.offset())
            .finish()
    }
}

impl ClockWatch {
    /// How far this device's clock is ahead of the cloud's (negative: behind),
    /// once a response has been seen.
    pub fn offset(&self) -> Option<Duration> {
        let samples = self.samples.lock().unwrap_or_else(PoisonError::into_inner);
        if samples.is_empty() {
            return None;
        }
        let mut sorted: Vec<i64> = samples.iter().copied().collect();
        sorted.sort_unstable();
        Some(Duration::milliseconds(sorted[sorted.len() / 2]))
    }

    /// The cloud's time now, as well as this device can tell; its own clock
    /// until a response has been seen.
    pub fn cloud_now(&self) -> DateTime<Utc> {
        Utc::now() - self.offset().unwrap_or_else(Duration::zero)
    }

    /// One call: sent and answered at these local times, the answer dated `date`
    /// (whole seconds, rounded down by the server).
    pub fn record(&self, sent: DateTime<Utc>, received: DateTime<Utc>, date: DateTime<Utc>) {
        let middle = sent + (received - sent) / 2;
        let server = date + Duration::milliseconds(500);
        let offset = (middle - server).num_milliseconds();
        let mut samples = self.samples.lock().unwrap_or_else(PoisonError::into_inner);
        if samples.len() == SAMPLES {
            samples.pop_front();
        }
        samples.push_back(offset);
    }
}

/// When the attempt went out, kept in the call's config bag.
#[derive(Debug, Clone)]
struct SentAt(SystemTime);

impl Storable for SentAt {
    type Storer = StoreReplace<SentAt>;
}

impl Intercept for ClockWatch {
    fn name(&self) -> &'static str {
        "ClockWatch"
    }

    fn read_before_transmit(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        cfg.interceptor_state().store_put(SentAt(SystemTime::now()));
        Ok(())
    }

    fn read_before_deserialization(
        &self,
        context: &BeforeDeserializationInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let received = Utc::now();
        let Some(SentAt(sent)) = cfg.load::<SentAt>().cloned() else {
            return Ok(());
        };
        let date = context
            .response()
            .headers()
            .get("date")
            .and_then(|text| DateTime::parse_from_rfc2822(text).ok());
        if let Some(date) = date {
            self.record(
                DateTime::<Utc>::from(sent),
                received,
                date.with_timezone(&Utc),
            );
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    #[test]
    fn a_clock_three_minutes_fast_is_measured_within_a_second() {
        let watch = ClockWatch::default();
        assert_eq!(watch.offset(), None);
        // The device says 08:04:12.2–.4; the cloud dated its answer 08:01:12.
        watch.record(
            at("2026-12-02T08:04:12.200Z"),
            at("2026-12-02T08:04:12.400Z"),
            at("2026-12-02T08:01:12Z"),
        );
        let offset = watch.offset().unwrap();
        assert!((offset - Duration::minutes(3)).num_milliseconds().abs() <= 1000);
        assert!(offset > CLOCK_WARNING);
    }

    #[test]
    fn one_odd_answer_does_not_move_the_estimate() {
        let watch = ClockWatch::default();
        for _ in 0..5 {
            watch.record(
                at("2026-12-02T08:00:00.400Z"),
                at("2026-12-02T08:00:00.600Z"),
                at("2026-12-02T08:00:00Z"),
            );
        }
        watch.record(
            at("2026-12-02T08:00:00.400Z"),
            at("2026-12-02T08:00:09.600Z"),
            at("2026-12-02T07:00:00Z"),
        );
        assert_eq!(watch.offset(), Some(Duration::zero()));
    }
}
