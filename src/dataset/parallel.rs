//! Work spread over every core in chunks, results in chunk order.

/// Runs `work(c)` for `c` in `0..chunks` on every core; results come back in chunk order.
pub fn parallel_chunks<T: Send>(chunks: u64, work: impl Fn(u64) -> T + Sync) -> Vec<T> {
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZero::get)
        .min(usize::try_from(chunks).unwrap_or(usize::MAX))
        .max(1);
    let next = std::sync::atomic::AtomicU64::new(0);
    let mut out: Vec<(u64, T)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let c = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        if c >= chunks {
                            break mine;
                        }
                        mine.push((c, work(c)));
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    });
    out.sort_unstable_by_key(|(c, _)| *c);
    out.into_iter().map(|(_, t)| t).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parallel_chunks_keeps_chunk_order() {
        let v = parallel_chunks(100, |c| c * 2);
        assert_eq!(v, (0..100).map(|c| c * 2).collect::<Vec<_>>());
    }
}
