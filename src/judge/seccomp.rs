//! The seccomp profile of every judge container: CodeRank's own, derived from Docker's default
//! (`judge-images/seccomp.json`; `judge-images/README.md` and `docs/syscalls.md` say what it
//! refuses and how the languages' needs were measured), with a language's own additions from the
//! language table (`seccomp_allow`), so that a runtime needing one more call is a line of data.
//!
//! Docker takes the profile's JSON text in the container's security options.

use std::sync::{Arc, OnceLock};

use serde_json::{json, Value};

use super::languages::Language;

/// The profile as shipped, compiled into the binary.
const PROFILE: &str = include_str!("../../judge-images/seccomp.json");

/// The profile as parsed once; a malformed file is caught by the unit test below, so this
/// never fails in a built binary (and falls back to refusing everything it cannot read).
fn parsed() -> &'static Value {
    static PARSED: OnceLock<Value> = OnceLock::new();
    PARSED.get_or_init(|| {
        serde_json::from_str(PROFILE).unwrap_or_else(|err| {
            tracing::error!(error = %err, "judge-images/seccomp.json is malformed; refusing every system call");
            json!({"defaultAction": "SCMP_ACT_ERRNO", "syscalls": []})
        })
    })
}

/// The base profile's JSON text (for containers of no particular language).
pub fn base() -> Arc<str> {
    static BASE: OnceLock<Arc<str>> = OnceLock::new();
    Arc::clone(BASE.get_or_init(|| Arc::from(parsed().to_string())))
}

/// The profile for `language`: the base, plus its `seccomp_allow`.
pub fn for_language(language: &Language) -> Arc<str> {
    if language.seccomp_allow.is_empty() {
        return base();
    }
    let mut profile = parsed().clone();
    if let Some(rules) = profile.get_mut("syscalls").and_then(Value::as_array_mut) {
        rules.push(json!({"names": language.seccomp_allow, "action": "SCMP_ACT_ALLOW"}));
    }
    Arc::from(profile.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allowed(profile: &Value) -> Vec<&str> {
        profile["syscalls"]
            .as_array()
            .expect("rules")
            .iter()
            .filter(|rule| rule["action"] == "SCMP_ACT_ALLOW" && rule.get("args").is_none())
            .flat_map(|rule| rule["names"].as_array().expect("names"))
            .filter_map(Value::as_str)
            .collect()
    }

    #[test]
    fn the_profile_refuses_the_calls_behind_container_escapes() {
        let profile: Value = serde_json::from_str(PROFILE).expect("judge-images/seccomp.json parses");
        assert_eq!(profile["defaultAction"], "SCMP_ACT_ERRNO");
        let allowed = allowed(&profile);
        for refused in [
            "io_uring_setup",
            "io_uring_enter",
            "io_uring_register",
            "userfaultfd",
            "keyctl",
            "add_key",
            "request_key",
            "bpf",
            "perf_event_open",
            "ptrace",
            "mount",
            "unshare",
            "setns",
            "process_vm_readv",
            "process_vm_writev",
            "kexec_load",
            "init_module",
        ] {
            assert!(!allowed.contains(&refused), "{refused} is allowed");
        }
        for needed in [
            "read", "write", "execve", "mmap", "futex", "wait4", "clone", "setuid", "kill",
        ] {
            assert!(
                allowed.contains(&needed) || needed == "clone",
                "{needed} is refused"
            );
        }
        // socket() only for AF_UNIX; every other family gets the default EPERM. AF_INET, AF_INET6
        // and AF_NETLINK included: their buffers (loopback TCP and UDP, netlink to itself) are not
        // charged to a cgroup v1 memory limit. Never AF_ALG (38).
        let families: Vec<u64> = profile["syscalls"]
            .as_array()
            .expect("rules")
            .iter()
            .filter(|rule| {
                rule["names"]
                    .as_array()
                    .is_some_and(|names| names.iter().any(|n| n == "socket"))
            })
            .filter_map(|rule| rule["args"][0]["value"].as_u64())
            .collect();
        assert_eq!(families, vec![1]);
        assert!(!allowed.contains(&"socket"), "socket is allowed for every family");
    }

    #[test]
    fn a_language_s_additions_are_appended_as_data() {
        let mut language = super::super::languages::Languages::builtin()
            .expect("table")
            .get("c")
            .expect("c")
            .clone();
        assert_eq!(for_language(&language), base());
        language.seccomp_allow = vec!["io_uring_setup".to_owned()];
        let profile: Value = serde_json::from_str(&for_language(&language)).expect("JSON");
        assert!(allowed(&profile).contains(&"io_uring_setup"));
    }
}
