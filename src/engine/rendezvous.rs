//! The rendezvous of a run's shards (`run --shard I/N --rendezvous DIR|git+URL`): a place every
//! shard can read and write, where each shard leaves a small entry when it reaches a step and
//! waits for the others' entries. The place is a [`Store`]: a directory (one machine, NFS, a
//! Kubernetes volume; [`DirStore`]) or, from the command layer, refs of a git remote (an Actions
//! matrix whose runners share nothing but the repository).
//!
//! What it orders, per target: shard 1 runs the untimed setup once while the others wait; every
//! shard loads its own part of each load phase; shard 1 builds the index (`after`) once every
//! part is in; and before each repetition all shards report ready, shard 1 names a start
//! instant a little ahead on the wall clock, and every shard starts its measurement then. The
//! measured windows then differ only by the shards' clock skew (NTP keeps it to milliseconds).
//!
//! Entries are created once and never overwritten, so a place left from an earlier run is
//! refused instead of passing a barrier early. Each entry's first line names the run (scenario, seed, shard count and the CI run when there is
//! one); a shard of another run in the same directory is an error naming the file. A shard
//! that fails leaves an `abort` file, and the others stop at their next wait instead of
//! waiting for it until the timeout.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use super::{Cancel, EngineError};
use crate::scenario::Shard;
use crate::util::file_part;

/// Where the shards' entries live. Entries are named by `/`-separated paths of safe parts.
/// Calls block (a directory, or a network round trip): the shard waits for nothing else then.
pub trait Store: Send + Sync + std::fmt::Debug {
    /// Creates entry `name` with `text`; `Ok(false)` when it exists already (never overwritten).
    ///
    /// # Errors
    /// The store cannot be written, in words.
    fn create(&self, name: &str, text: &str) -> Result<bool, String>;
    /// The text of each entry of `names` that exists.
    ///
    /// # Errors
    /// The store cannot be read, in words.
    fn read(&self, names: &[String]) -> Result<Vec<Option<String>>, String>;
    /// How long to wait between reads.
    fn poll(&self) -> Duration;
    /// How far ahead of the last shard's "ready" the common start is set: time for every shard
    /// to see it (a few polls).
    fn ahead(&self) -> Duration;
    /// The store and entry `name`, for messages.
    fn describe(&self, name: &str) -> String;
    /// Removes this run's entries (the leading shard, once the run is over); best effort.
    fn clear(&self) {}
}

/// A directory: entries are files, created as hard links of finished temporary files.
#[derive(Debug)]
pub struct DirStore(pub PathBuf);

impl Store for DirStore {
    fn create(&self, name: &str, text: &str) -> Result<bool, String> {
        let path = self.0.join(name);
        let io = |e: std::io::Error| format!("{}: {e}", path.display());
        let parent = path.parent().unwrap_or(&self.0);
        std::fs::create_dir_all(parent).map_err(io)?;
        let tmp = parent.join(format!(
            ".{}.tmp.{}",
            path.file_name().unwrap_or_default().to_string_lossy(),
            std::process::id()
        ));
        std::fs::write(&tmp, text).map_err(io)?;
        let linked = std::fs::hard_link(&tmp, &path);
        let _ = std::fs::remove_file(&tmp);
        match linked {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
            Err(e) => Err(io(e)),
        }
    }

    fn read(&self, names: &[String]) -> Result<Vec<Option<String>>, String> {
        names
            .iter()
            .map(|n| {
                let path = self.0.join(n);
                match std::fs::read_to_string(&path) {
                    Ok(t) => Ok(Some(t)),
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                    Err(e) => Err(format!("{}: {e}", path.display())),
                }
            })
            .collect()
    }

    fn poll(&self) -> Duration {
        Duration::from_millis(20)
    }

    fn ahead(&self) -> Duration {
        Duration::from_millis(400)
    }

    fn describe(&self, name: &str) -> String {
        self.0.join(name).display().to_string()
    }
}

/// Where a run's shards meet.
#[derive(Debug)]
pub struct Rendezvous {
    store: Arc<dyn Store>,
    shard: Shard,
    run: String,
    timeout: Duration,
    /// This shard left an abort entry: its entries stay for the others to read.
    aborted: std::sync::atomic::AtomicBool,
}

impl Rendezvous {
    /// Shard `shard` of the run named by `run` (the same text on every shard), meeting in
    /// `store`; a wait longer than `timeout` is an error.
    #[must_use]
    pub fn new(store: Arc<dyn Store>, shard: Shard, run: &str, timeout: Duration) -> Self {
        Self {
            store,
            shard,
            run: run.replace(['\n', '\r'], " "),
            timeout,
            aborted: std::sync::atomic::AtomicBool::new(false),
        }
    }

    /// Whether this shard is the one that sets up, builds indexes and names the start.
    #[must_use]
    pub fn leads(&self) -> bool {
        self.shard.index == 0
    }

    /// The shard this process is.
    #[must_use]
    pub fn shard(&self) -> Shard {
        self.shard
    }

    /// Announces this shard before anything runs, so that a directory left by an earlier run
    /// is refused before a setup touches the target.
    ///
    /// # Errors
    /// See [`Rendezvous::mark`].
    pub fn join(&self) -> Result<(), EngineError> {
        self.mark("join", "")
    }

    /// The directory of one step of one target, e.g. `scenario/target/rep-1/setup`.
    #[must_use]
    pub fn step(scenario: &str, target: &str, rep: u32, what: &str) -> String {
        format!(
            "{}/{}/rep-{}/{what}",
            file_part(scenario),
            file_part(target),
            rep + 1
        )
    }

    fn entry(step: &str, shard: u32) -> String {
        format!("{step}/shard-{}", shard + 1)
    }

    fn err(message: String) -> EngineError {
        EngineError::Rendezvous { message }
    }

    /// Leaves this shard's entry for `step`, with `body` after the run line.
    ///
    /// # Errors
    /// The entry exists already (a place of an earlier run), or the store fails.
    pub fn mark(&self, step: &str, body: &str) -> Result<(), EngineError> {
        let name = Self::entry(step, self.shard.index);
        match self.store.create(&name, &format!("{}\n{body}", self.run)) {
            Ok(true) => Ok(()),
            Ok(false) => Err(Self::err(format!(
                "{} exists already: the rendezvous holds an earlier run's steps; give every run a rendezvous of its own",
                self.store.describe(&name)
            ))),
            Err(e) => Err(Self::err(e)),
        }
    }

    /// The leading shard removes the run's entries once the run is over (stores that keep
    /// them elsewhere, like a git remote's refs, would otherwise collect them).
    pub fn finish(&self) {
        if self.leads() && !self.aborted.load(std::sync::atomic::Ordering::SeqCst) {
            self.store.clear();
        }
    }

    /// Leaves an `abort` entry saying why this shard stopped (best effort: the shard is failing
    /// already), so that the others stop waiting for it.
    pub fn abort(&self, why: &str) {
        self.aborted
            .store(true, std::sync::atomic::Ordering::SeqCst);
        let _ = self.mark("abort", &why.replace(['\n', '\r'], " "));
    }

    /// Waits until every shard in `shards` has left its entry for `step`; their bodies, in the
    /// order of `shards`.
    ///
    /// # Errors
    /// A shard aborted, an entry of another run, the timeout, or cancellation.
    pub async fn wait(
        &self,
        step: &str,
        shards: &[u32],
        cancel: &Cancel,
    ) -> Result<Vec<String>, EngineError> {
        let deadline = Instant::now() + self.timeout;
        // The others' abort entries are read with the step's, in one read of the store.
        let others: Vec<u32> = (0..self.shard.count)
            .filter(|&s| s != self.shard.index)
            .collect();
        let names: Vec<String> = shards
            .iter()
            .map(|&s| Self::entry(step, s))
            .chain(others.iter().map(|&s| Self::entry("abort", s)))
            .collect();
        loop {
            let mut found = self.read(&names)?;
            let aborts = found.split_off(shards.len());
            if let Some((s, why)) = others.iter().zip(aborts).find_map(|(s, w)| Some((s, w?))) {
                return Err(Self::err(format!(
                    "shard {}/{} stopped: {}",
                    s + 1,
                    self.shard.count,
                    crate::util::log_safe(crate::util::prefix(&why, 300))
                )));
            }
            let missing: Vec<String> = shards
                .iter()
                .zip(&found)
                .filter(|(_, f)| f.is_none())
                .map(|(s, _)| (s + 1).to_string())
                .collect();
            if missing.is_empty() {
                return Ok(found.into_iter().flatten().collect());
            }
            if cancel.is_cancelled() {
                return Err(Self::err(format!("interrupted while waiting at {step}")));
            }
            if Instant::now() >= deadline {
                return Err(Self::err(format!(
                    "waited {} for shard(s) {} of {} at {step} in {}; is every shard running with the same --rendezvous?",
                    crate::util::format_duration(self.timeout),
                    missing.join(", "),
                    self.shard.count,
                    self.store.describe("")
                )));
            }
            tokio::select! {
                () = tokio::time::sleep(self.store.poll()) => {}
                () = cancel.cancelled() => {}
            }
        }
    }

    /// Waits for every shard at `step`.
    ///
    /// # Errors
    /// See [`Rendezvous::wait`].
    pub async fn wait_all(&self, step: &str, cancel: &Cancel) -> Result<(), EngineError> {
        let all: Vec<u32> = (0..self.shard.count).collect();
        self.wait(step, &all, cancel).await.map(drop)
    }

    /// Marks `step` and waits for every other shard there.
    ///
    /// # Errors
    /// See [`Rendezvous::mark`] and [`Rendezvous::wait`].
    pub async fn barrier(&self, step: &str, cancel: &Cancel) -> Result<(), EngineError> {
        self.mark(step, "")?;
        self.wait_all(step, cancel).await
    }

    /// Runs `lead` on shard 1 only and has the others wait until it is done; `step` names it.
    ///
    /// # Errors
    /// What `lead` returns, or see [`Rendezvous::wait`].
    pub async fn once<T, F>(
        &self,
        step: &str,
        cancel: &Cancel,
        lead: F,
    ) -> Result<Option<T>, EngineError>
    where
        F: std::future::Future<Output = Result<T, EngineError>>,
    {
        if self.leads() {
            let out = lead.await?;
            self.mark(step, "")?;
            Ok(Some(out))
        } else {
            self.wait(step, &[0], cancel).await?;
            Ok(None)
        }
    }

    /// Every shard reports ready at `step`; shard 1, once all are, names a start instant a
    /// little ahead; every shard returns at that instant of its own clock, or as soon as it can
    /// when it learnt of the instant too late: then with how late it is.
    ///
    /// # Errors
    /// See [`Rendezvous::wait`]; a start instant that does not read as one.
    pub async fn start(&self, step: &str, cancel: &Cancel) -> Result<Duration, EngineError> {
        let ready = format!("{step}/ready");
        let start = format!("{step}/start");
        self.mark(&ready, "")?;
        let at_ns: u128 = if self.leads() {
            self.wait_all(&ready, cancel).await?;
            let at = unix_ns(SystemTime::now()) + self.store.ahead().as_nanos();
            self.mark(&start, &at.to_string())?;
            at
        } else {
            let body = self.wait(&start, &[0], cancel).await?.remove(0);
            body.trim().parse().map_err(|_| {
                Self::err(format!(
                    "{}: `{}` is not a start instant",
                    self.store.describe(&Self::entry(&start, 0)),
                    crate::util::prefix(body.trim(), 40)
                ))
            })?
        };
        let now = unix_ns(SystemTime::now());
        let nanos = |n: u128| Duration::from_nanos(u64::try_from(n).unwrap_or(u64::MAX));
        if at_ns > now {
            tokio::select! {
                () = tokio::time::sleep(nanos(at_ns - now)) => {}
                () = cancel.cancelled() => {}
            }
            Ok(Duration::ZERO)
        } else {
            Ok(nanos(now - at_ns))
        }
    }

    /// The bodies of entries `names`, `None` for those not there yet.
    fn read(&self, names: &[String]) -> Result<Vec<Option<String>>, EngineError> {
        let texts = self.store.read(names).map_err(Self::err)?;
        names
            .iter()
            .zip(texts)
            .map(|(name, text)| {
                let Some(text) = text else { return Ok(None) };
                let (run, body) = text.split_once('\n').unwrap_or((text.as_str(), ""));
                if run != self.run {
                    return Err(Self::err(format!(
                        "{} belongs to another run ({}), not to this one ({}); give every run a rendezvous of its own",
                        self.store.describe(name),
                        crate::util::log_safe(crate::util::prefix(run, 120)),
                        self.run
                    )));
                }
                Ok(Some(body.to_owned()))
            })
            .collect()
    }
}

fn unix_ns(t: SystemTime) -> u128 {
    t.duration_since(UNIX_EPOCH).unwrap_or_default().as_nanos()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn shard(i: u32, n: u32) -> Shard {
        Shard { index: i, count: n }
    }

    fn store(dir: &Path) -> Arc<dyn Store> {
        Arc::new(DirStore(dir.to_owned()))
    }

    fn rv(dir: &Path, i: u32, n: u32) -> Rendezvous {
        Rendezvous::new(store(dir), shard(i, n), "run a", Duration::from_secs(10))
    }

    #[tokio::test]
    async fn a_barrier_holds_until_every_shard_is_there() {
        let dir = tempfile::tempdir().unwrap();
        let cancel = Cancel::new();
        let (a, b, c) = (
            rv(dir.path(), 0, 3),
            rv(dir.path(), 1, 3),
            rv(dir.path(), 2, 3),
        );
        let (ta, tb) = (
            tokio::spawn(async move { a.barrier("x", &Cancel::new()).await }),
            tokio::spawn(async move { b.barrier("x", &Cancel::new()).await }),
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert!(
            !ta.is_finished() && !tb.is_finished(),
            "passed with a shard missing"
        );
        c.barrier("x", &cancel).await.unwrap();
        ta.await.unwrap().unwrap();
        tb.await.unwrap().unwrap();
    }

    #[tokio::test]
    async fn only_the_first_shard_runs_a_step_done_once() {
        let dir = tempfile::tempdir().unwrap();
        let cancel = Cancel::new();
        let ran = std::sync::Arc::new(std::sync::atomic::AtomicU32::new(0));
        let mut tasks = Vec::new();
        for i in (0..4).rev() {
            let (d, ran, cancel) = (dir.path().to_owned(), ran.clone(), cancel.clone());
            tasks.push(tokio::spawn(async move {
                rv(&d, i, 4)
                    .once("setup", &cancel, async {
                        ran.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                        Ok(i)
                    })
                    .await
            }));
        }
        let mut got = Vec::new();
        for t in tasks {
            got.push(t.await.unwrap().unwrap());
        }
        assert_eq!(ran.load(std::sync::atomic::Ordering::SeqCst), 1);
        assert_eq!(got, vec![None, None, None, Some(0)]);
    }

    #[tokio::test]
    async fn every_shard_starts_at_the_instant_the_first_names() {
        let dir = tempfile::tempdir().unwrap();
        let mut tasks = Vec::new();
        for i in 0..3 {
            let d = dir.path().to_owned();
            tasks.push(tokio::spawn(async move {
                rv(&d, i, 3)
                    .start("s/t/rep-1", &Cancel::new())
                    .await
                    .unwrap();
                unix_ns(SystemTime::now())
            }));
        }
        let mut ends = Vec::new();
        for t in tasks {
            ends.push(t.await.unwrap());
        }
        let at: u128 = std::fs::read_to_string(dir.path().join("s/t/rep-1/start/shard-1"))
            .unwrap()
            .lines()
            .nth(1)
            .unwrap()
            .parse()
            .unwrap();
        for e in ends {
            assert!(
                e >= at,
                "a shard started {} ns before the common start",
                at - e
            );
        }
    }

    #[tokio::test]
    async fn a_shard_that_learns_the_start_too_late_says_by_how_much() {
        let dir = tempfile::tempdir().unwrap();
        let past = unix_ns(SystemTime::now()) - 1_000_000_000;
        rv(dir.path(), 0, 2)
            .mark("s/t/rep-1/start", &past.to_string())
            .unwrap();
        let late = rv(dir.path(), 1, 2)
            .start("s/t/rep-1", &Cancel::new())
            .await
            .unwrap();
        assert!(late >= Duration::from_secs(1), "{late:?}");
    }

    #[tokio::test]
    async fn an_earlier_runs_directory_or_another_run_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let a = rv(dir.path(), 0, 2);
        a.join().unwrap();
        a.mark("setup", "").unwrap();
        let again = rv(dir.path(), 0, 2).join().unwrap_err().to_string();
        assert!(again.contains("exists already"), "{again}");
        let other = Rendezvous::new(
            store(dir.path()),
            shard(1, 2),
            "run b",
            Duration::from_secs(5),
        );
        let e = other
            .wait("setup", &[0], &Cancel::new())
            .await
            .unwrap_err()
            .to_string();
        assert!(e.contains("another run") && e.contains("shard-1"), "{e}");
    }

    #[tokio::test]
    async fn a_failed_shard_stops_the_others_and_a_missing_one_times_out() {
        let dir = tempfile::tempdir().unwrap();
        rv(dir.path(), 2, 3).abort("target `db`: connection refused\n::error::x");
        let e = rv(dir.path(), 0, 3)
            .wait_all("setup", &Cancel::new())
            .await
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("shard 3/3 stopped") && e.contains("connection refused"),
            "{e}"
        );
        assert!(!e.contains('\n'), "{e}");
        let dir = tempfile::tempdir().unwrap();
        let short = Rendezvous::new(
            store(dir.path()),
            shard(0, 2),
            "r",
            Duration::from_millis(50),
        );
        let e = short
            .barrier("load-1", &Cancel::new())
            .await
            .unwrap_err()
            .to_string();
        assert!(e.contains("shard(s) 2 of 2 at load-1"), "{e}");
    }
}
