//! A precise timer for open-loop sends.
//!
//! tokio's timer rounds deadlines up to the next millisecond, which would add up to 1 ms to
//! every corrected latency; spinning until the deadline instead burns a core at high rates.
//! This timer keeps deadlines in a heap on one thread that sleeps on a condvar with a timeout
//! (a futex wait, precise to tens of microseconds) and wakes each task when its time comes.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::task::{Context, Poll, Waker};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Wake this much before the deadline: the thread's own wake-up latency.
const SLACK: Duration = Duration::from_micros(20);

struct Entry {
    at: Instant,
    seq: u64,
    waker: Waker,
}

impl PartialEq for Entry {
    fn eq(&self, o: &Self) -> bool {
        (self.at, self.seq) == (o.at, o.seq)
    }
}
impl Eq for Entry {}
impl PartialOrd for Entry {
    fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Entry {
    fn cmp(&self, o: &Self) -> std::cmp::Ordering {
        (self.at, self.seq).cmp(&(o.at, o.seq))
    }
}

#[derive(Default)]
struct State {
    heap: BinaryHeap<Reverse<Entry>>,
    seq: u64,
    stop: bool,
}

type Shared = Arc<(Mutex<State>, Condvar)>;

/// The timer thread; stopped when dropped.
pub struct PreciseTimer {
    shared: Shared,
    thread: Option<JoinHandle<()>>,
}

impl PreciseTimer {
    #[must_use]
    pub fn start() -> Self {
        let shared: Shared = Arc::new((Mutex::new(State::default()), Condvar::new()));
        let s = Arc::clone(&shared);
        let thread = std::thread::Builder::new()
            .name("benchbot-timer".into())
            .spawn(move || run(&s))
            .ok();
        Self { shared, thread }
    }

    fn register(&self, at: Instant, waker: &Waker) {
        let (lock, cv) = &*self.shared;
        let mut st = lock.lock().unwrap_or_else(PoisonError::into_inner);
        let earliest = st.heap.peek().is_none_or(|e| at < e.0.at);
        st.seq += 1;
        let seq = st.seq;
        st.heap.push(Reverse(Entry {
            at,
            seq,
            waker: waker.clone(),
        }));
        drop(st);
        if earliest {
            cv.notify_one();
        }
    }

    /// Completes at `at` (not before), to within tens of microseconds.
    #[must_use]
    pub fn sleep_until(&self, at: Instant) -> Sleep<'_> {
        Sleep { timer: self, at }
    }
}

impl Drop for PreciseTimer {
    fn drop(&mut self) {
        let (lock, cv) = &*self.shared;
        lock.lock().unwrap_or_else(PoisonError::into_inner).stop = true;
        cv.notify_one();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn run(shared: &Shared) {
    let (lock, cv) = &**shared;
    let mut st = lock.lock().unwrap_or_else(PoisonError::into_inner);
    let mut due = Vec::new();
    loop {
        if st.stop {
            // Wake everyone still waiting so no task hangs on a stopped timer.
            for Reverse(e) in st.heap.drain() {
                e.waker.wake();
            }
            return;
        }
        let now = Instant::now();
        while st.heap.peek().is_some_and(|e| e.0.at <= now + SLACK) {
            if let Some(Reverse(e)) = st.heap.pop() {
                due.push(e.waker);
            }
        }
        if !due.is_empty() {
            drop(st);
            for w in due.drain(..) {
                w.wake();
            }
            st = lock.lock().unwrap_or_else(PoisonError::into_inner);
            continue;
        }
        st = match st.heap.peek().map(|e| e.0.at) {
            None => cv.wait(st).unwrap_or_else(PoisonError::into_inner),
            Some(at) => {
                cv.wait_timeout(st, at.saturating_duration_since(now + SLACK))
                    .unwrap_or_else(PoisonError::into_inner)
                    .0
            }
        };
    }
}

/// Future returned by [`PreciseTimer::sleep_until`].
pub struct Sleep<'a> {
    timer: &'a PreciseTimer,
    at: Instant,
}

impl Future for Sleep<'_> {
    type Output = ();
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if Instant::now() >= self.at {
            return Poll::Ready(());
        }
        // Woken early (slack or a spurious poll): register again for the remainder.
        self.timer.register(self.at, cx.waker());
        Poll::Pending
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn wakes_after_the_deadline_and_close_to_it() {
        let timer = PreciseTimer::start();
        let mut worst = Duration::ZERO;
        for i in 0..20u64 {
            let at = Instant::now() + Duration::from_micros(300 + i * 137);
            timer.sleep_until(at).await;
            let late = Instant::now().duration_since(at);
            worst = worst.max(late);
        }
        // Never early (the future checks); late by far less than tokio's 1 ms granularity
        // on an idle machine, but this is a shared CI box: only bound it loosely.
        assert!(worst < Duration::from_millis(50), "{worst:?}");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn many_waiters_in_any_order() {
        let timer = Arc::new(PreciseTimer::start());
        let base = Instant::now();
        let mut tasks = Vec::new();
        for i in (0..50u64).rev() {
            let t = Arc::clone(&timer);
            tasks.push(tokio::spawn(async move {
                let at = base + Duration::from_micros(200 * i);
                t.sleep_until(at).await;
                assert!(Instant::now() >= at);
            }));
        }
        for t in tasks {
            t.await.unwrap();
        }
    }
}
