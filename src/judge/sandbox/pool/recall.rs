//! The shapes a worker's pool held, remembered in a file of the worker's cache directory, so
//! that the next worker process on the host starts their sandboxes before its first judging
//! (a worker restarted by a deployment would otherwise miss on every shape once).
//!
//! A shape is written as the sizes it was made with and the SHA-256 of its seccomp profile,
//! never the profile itself: the profile a shape is started with again is one of the current
//! language table's ([`recall`] is given them), so the file can name a shape but never widen
//! a sandbox. A shape whose profile is no longer a language's (the table changed), or a file
//! that cannot be read, is skipped with a warning: remembering only saves time.

use std::{
    io::Write,
    path::{Path, PathBuf},
    sync::Arc,
};

use anyhow::Context;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{super::SandboxSpec, Made, Shape};

/// One remembered shape.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Record {
    #[serde(flatten)]
    made: Made,
    seccomp_sha256: String,
}

impl Record {
    fn of(shape: &Shape) -> Self {
        Self {
            made: shape.made.clone(),
            seccomp_sha256: digest(&shape.seccomp),
        }
    }

    /// The sandbox spec of this shape, if its profile is one of `profiles` and its CPU set
    /// reads.
    fn spec(self, profiles: &[Arc<str>]) -> Option<SandboxSpec> {
        let seccomp = profiles
            .iter()
            .find(|profile| digest(profile) == self.seccomp_sha256)?;
        let made = self.made;
        let cpuset = match made.cpuset {
            Some(cpus) => Some(cpus.parse().ok()?),
            None => None,
        };
        Some(SandboxSpec {
            image: made.image,
            memory_mb: made.memory_mb,
            tmp_mb: made.tmp_mb,
            shm_mb: made.shm_mb,
            work_mb: made.work_mb,
            pids_limit: made.pids_limit,
            cpuset,
            purpose: "judge",
            seccomp: Arc::clone(seccomp),
            pipes_volume: None,
        })
    }
}

fn digest(profile: &str) -> String {
    format!("{:x}", Sha256::digest(profile.as_bytes()))
}

/// Writes `shapes` to `file`, whole or not at all (a new file renamed over the old one).
pub(super) fn save<'a>(file: &Path, shapes: impl Iterator<Item = &'a Shape>) -> anyhow::Result<()> {
    let records: Vec<Record> = shapes.map(Record::of).collect();
    let text = serde_json::to_vec_pretty(&records)?;
    let dir = file.parent().filter(|dir| !dir.as_os_str().is_empty());
    let dir = dir.unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut temporary = tempfile::NamedTempFile::new_in(dir)?;
    temporary.write_all(&text)?;
    temporary
        .persist(file)
        .with_context(|| format!("cannot write {}", file.display()))?;
    Ok(())
}

/// The shapes remembered in `file` whose seccomp profile is one of `profiles`, as the specs to
/// start them with; none when there is no file yet.
pub(super) fn recall(file: &Path, profiles: &[Arc<str>]) -> Vec<SandboxSpec> {
    let records = match read(file) {
        Ok(records) => records,
        Err(err) => {
            tracing::warn!(error = %format!("{err:#}"), "the warm pool's remembered shapes are not used");
            return Vec::new();
        }
    };
    let count = records.len();
    let specs: Vec<SandboxSpec> = records
        .into_iter()
        .filter_map(|record| record.spec(profiles))
        .collect();
    if specs.len() < count {
        tracing::warn!(
            skipped = count - specs.len(),
            "remembered warm pool shapes of no current language are not started"
        );
    }
    specs
}

fn read(file: &Path) -> anyhow::Result<Vec<Record>> {
    let text = match std::fs::read(file) {
        Ok(text) => text,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(err) => return Err(err).with_context(|| format!("cannot read {}", file.display())),
    };
    serde_json::from_slice(&text).with_context(|| format!("{} is not a list of shapes", file.display()))
}

/// Where a worker whose test-data cache is `cache_dir` remembers its pool's shapes.
pub fn file_in(cache_dir: &Path) -> PathBuf {
    cache_dir.join("warm-pool.json")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(image: &str, cpuset: Option<&str>, seccomp: &str) -> Shape {
        let made = Made {
            image: image.to_owned(),
            memory_mb: 600,
            tmp_mb: 272,
            shm_mb: 64,
            work_mb: 256,
            pids_limit: 128,
            cpuset: cpuset.map(str::to_owned),
        };
        Shape {
            made,
            seccomp: Arc::from(seccomp),
        }
    }

    #[test]
    fn saved_shapes_come_back_with_the_current_profile_and_unknown_profiles_are_skipped() {
        let dir = tempfile::tempdir().expect("a directory");
        let file = file_in(dir.path());
        assert!(recall(&file, &[]).is_empty(), "no file yet: nothing");

        let python = shape("coderank-judge-python:1", Some("1"), "{\"python\":1}");
        let gone = shape("coderank-judge-c-cpp:1", None, "{\"an old profile\":1}");
        save(&file, [&python, &gone].into_iter()).expect("saved");

        let profiles: Vec<Arc<str>> = vec![Arc::from("{\"cpp\":1}"), Arc::clone(&python.seccomp)];
        let specs = recall(&file, &profiles);
        assert_eq!(
            specs.len(),
            1,
            "the shape of a profile no language has is skipped"
        );
        assert_eq!(
            Shape::of(&specs[0]),
            python,
            "the same shape, so a judging of it takes it"
        );
    }

    #[test]
    fn a_file_that_is_not_a_list_of_shapes_gives_none() {
        let dir = tempfile::tempdir().expect("a directory");
        let file = file_in(dir.path());
        std::fs::write(&file, "{\"image\": ").expect("written");
        assert!(recall(&file, &[Arc::from("{}")]).is_empty());
    }
}
