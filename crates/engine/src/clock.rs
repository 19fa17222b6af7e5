//! Time as the application sees it: the system clock in production, a hand-moved clock in tests.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

/// Where "now" comes from.
pub trait Clock: Send + Sync + 'static {
    /// Milliseconds since the Unix epoch.
    fn now_ms(&self) -> i64;

    /// Now as a timestamp.
    fn now(&self) -> jiff::Timestamp {
        jiff::Timestamp::from_millisecond(self.now_ms()).unwrap_or(jiff::Timestamp::UNIX_EPOCH)
    }
}

/// The real time.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> i64 {
        jiff::Timestamp::now().as_millisecond()
    }
}

/// A clock that moves only when told to.
#[derive(Debug, Clone)]
pub struct ManualClock(Arc<AtomicI64>);

impl ManualClock {
    /// Starts at `ms`.
    pub fn new(ms: i64) -> Self {
        ManualClock(Arc::new(AtomicI64::new(ms)))
    }
    /// Moves forward by `ms`.
    pub fn advance(&self, ms: i64) {
        self.0.fetch_add(ms, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now_ms(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }
}

/// The real time sped up: starts at the real now and runs `speed` times as fast. With the
/// simulator's time acceleration it makes retry delays, intervals and calling hours pass as
/// fast as the simulated calls do.
#[derive(Debug, Clone, Copy)]
pub struct ScaledClock {
    origin_ms: i64,
    started: std::time::Instant,
    speed: f64,
}

impl ScaledClock {
    /// Starts now, running `speed` times as fast as real time.
    pub fn new(speed: f64) -> Self {
        Self::starting_at(SystemClock.now_ms(), speed)
    }

    /// Starts at `origin_ms` (an earlier run's latest moment, so restarting never sets the
    /// clock back), running `speed` times as fast as real time.
    pub fn starting_at(origin_ms: i64, speed: f64) -> Self {
        ScaledClock {
            origin_ms,
            started: std::time::Instant::now(),
            speed,
        }
    }
}

impl Clock for ScaledClock {
    fn now_ms(&self) -> i64 {
        self.origin_ms + (self.started.elapsed().as_secs_f64() * 1000.0 * self.speed) as i64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scaled_clock_runs_faster_than_the_real_one() {
        let clock = ScaledClock::new(1000.0);
        let real = SystemClock.now_ms();
        std::thread::sleep(std::time::Duration::from_millis(20));
        let ahead = clock.now_ms() - SystemClock.now_ms();
        assert!(
            ahead >= 15_000,
            "20 ms at 1000x is 20 s: {ahead} ms ahead of {real}"
        );
    }
}
