//! Host details out of what users see. A program can read `/proc/self/mountinfo` (or make its
//! compiler do so: `compile_error!(include_str!(…))`) and print it, in a compile log, on
//! stderr, or as a sample test's output; the container's root mount names the host's Docker
//! data directory and its overlay layers. Every text a judging shows users passes through
//! [`Redactor::redact`], which cuts those paths out.

use std::sync::Arc;

use bollard::Docker;
use tokio::sync::OnceCell;

/// What replaces a host path.
const HIDDEN: &str = "[host path]";
/// Overlay mount options whose values are host paths.
const OVERLAY_OPTIONS: [&str; 3] = ["lowerdir=", "upperdir=", "workdir="];
/// Where Docker keeps its data when the engine does not say otherwise.
const DEFAULT_ROOT: &str = "/var/lib/docker";

/// Cuts host paths out of text.
#[derive(Debug, Clone)]
pub struct Redactor {
    /// Host directories whose paths are hidden: the engine's data root (and the default one).
    roots: Arc<[String]>,
}

impl Redactor {
    /// The redactor for this engine, asked once per process.
    pub async fn for_engine(docker: &Docker) -> Self {
        static ROOT: OnceCell<String> = OnceCell::const_new();
        let root = ROOT
            .get_or_init(|| async {
                docker
                    .info()
                    .await
                    .ok()
                    .and_then(|info| info.docker_root_dir)
                    .unwrap_or_else(|| DEFAULT_ROOT.to_owned())
            })
            .await;
        Self::with_roots(vec![root.clone()])
    }

    pub fn with_roots(mut roots: Vec<String>) -> Self {
        roots.push(DEFAULT_ROOT.to_owned());
        roots.retain(|root| root.len() > 1);
        roots.sort();
        roots.dedup();
        Self { roots: roots.into() }
    }

    /// `text` with every host path and overlay option value replaced by [`HIDDEN`].
    pub fn redact(&self, text: &str) -> String {
        let mut text = text.to_owned();
        for option in OVERLAY_OPTIONS {
            text = replace_values(&text, option, |c| c == ',' || c.is_whitespace(), true);
        }
        for root in self.roots.iter() {
            text = replace_values(&text, root, |c| c == ',' || c == ':' || c.is_whitespace(), false);
        }
        text
    }
}

/// Replaces every `marker` and what follows it up to a character `ends` accepts: keeping the
/// marker (an option name) or not (a path).
fn replace_values(text: &str, marker: &str, ends: impl Fn(char) -> bool, keep_marker: bool) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(marker) {
        out.push_str(&rest[..at]);
        if keep_marker {
            out.push_str(marker);
        }
        out.push_str(HIDDEN);
        let after = &rest[at + marker.len()..];
        let end = after.find(|c: char| ends(c)).unwrap_or(after.len());
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_root_mount_of_mountinfo_shows_no_host_path() {
        let mountinfo = "1449 1265 0:312 / / ro,relatime master:598 - overlay overlay ro,lowerdir=/var/lib/docker/overlay2/l/ABC:/var/lib/docker/overlay2/l/DEF,upperdir=/srv/docker/overlay2/0123/diff,workdir=/srv/docker/overlay2/0123/work\n1450 1449 0:316 / /proc rw - proc proc rw\n";
        let redacted = Redactor::with_roots(vec!["/srv/docker".to_owned()]).redact(mountinfo);
        assert!(!redacted.contains("/var/lib/docker"), "{redacted}");
        assert!(!redacted.contains("/srv/docker"), "{redacted}");
        assert!(!redacted.contains("overlay2"), "{redacted}");
        assert!(redacted.contains("lowerdir=[host path]"), "{redacted}");
        assert!(redacted.contains("/proc rw - proc proc rw"), "{redacted}");
    }

    #[test]
    fn ordinary_text_is_left_alone() {
        let redactor = Redactor::with_roots(vec!["/var/lib/docker".to_owned()]);
        let text = "main.cpp:3:5: error: expected ';' before '}' token\n";
        assert_eq!(redactor.redact(text), text);
    }
}
