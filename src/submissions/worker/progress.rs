//! How a judging's progress reaches PostgreSQL (and, through its notifications, the pages
//! watching it): the latest step only, at most one write every [`PROGRESS_EVERY`]. A problem of
//! 200 tests of a few milliseconds each would otherwise write (and notify every watcher of) 200
//! steps a judging; a page showing "running, test 37 of 200" needs no more than a few a second.
//! The first step (compiling) is written at once; a step that waits out the interval is written
//! then, unless the judging has ended meanwhile (its verdict replaces it, and the verdict must not
//! wait for it).

use std::{future::Future, time::Duration};

use tokio::{sync::watch, time::Instant};

/// The least time between two progress writes of one judging.
pub const PROGRESS_EVERY: Duration = Duration::from_millis(100);

/// Writes what `steps` holds with `write`, the latest value only and at most once every
/// `every`, until the sender is dropped.
pub async fn relay<T, F, Fut>(mut steps: watch::Receiver<T>, every: Duration, mut write: F)
where
    T: Clone,
    F: FnMut(T) -> Fut,
    Fut: Future<Output = ()>,
{
    let mut written: Option<Instant> = None;
    while steps.changed().await.is_ok() {
        if let Some(at) = written {
            let due = at + every;
            // Steps coming meanwhile replace each other; only the judging's end stops the wait.
            loop {
                tokio::select! {
                    () = tokio::time::sleep_until(due) => break,
                    changed = steps.changed() => if changed.is_err() { return },
                }
            }
        }
        let step = steps.borrow_and_update().clone();
        write(step).await;
        written = Some(Instant::now());
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;

    fn recorder() -> (Arc<Mutex<Vec<u32>>>, impl FnMut(u32) -> std::future::Ready<()>) {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&seen);
        let write = move |step| {
            log.lock().expect("log").push(step);
            std::future::ready(())
        };
        (seen, write)
    }

    #[tokio::test]
    async fn steps_faster_than_the_interval_are_written_first_and_latest_only() {
        let (sender, steps) = watch::channel(0u32);
        let (seen, write) = recorder();
        let relay = tokio::spawn(relay(steps, Duration::from_millis(300), write));
        for step in 1..=20 {
            sender.send(step).expect("sent");
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        // The latest step is written once its interval is over, while the judging goes on.
        let deadline = Instant::now() + Duration::from_secs(10);
        while seen.lock().expect("log").last() != Some(&20) {
            assert!(Instant::now() < deadline, "the latest step was never written");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        drop(sender);
        relay.await.expect("the relay ends with the judging");
        let seen = seen.lock().expect("log").clone();
        assert_eq!(
            seen.first(),
            Some(&1),
            "the first step is written at once: {seen:?}"
        );
        assert!(
            seen.len() <= 3,
            "20 steps in ~100 ms, at most one write per 300 ms: {seen:?}"
        );
        assert!(seen.windows(2).all(|pair| pair[0] < pair[1]), "{seen:?}");
    }

    #[tokio::test]
    async fn the_end_of_the_judging_does_not_wait_for_the_interval() {
        let (sender, steps) = watch::channel(0u32);
        let (seen, write) = recorder();
        let relay = tokio::spawn(relay(steps, Duration::from_secs(600), write));
        sender.send(1).expect("sent");
        while seen.lock().expect("log").is_empty() {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        sender.send(2).expect("sent");
        drop(sender);
        tokio::time::timeout(Duration::from_secs(60), relay)
            .await
            .expect("the relay ends at once, not after its 600 s interval")
            .expect("the relay");
        assert_eq!(
            *seen.lock().expect("log"),
            vec![1],
            "the step the verdict replaces is not written"
        );
    }
}
