//! The supervisor binary each sandbox is handed: where it is found and its bytes, read once per
//! worker.

use std::{path::PathBuf, sync::Arc};

use anyhow::{bail, Context};

/// Finds the supervisor binary: `CODERANK_SUPERVISOR`, else `coderank-supervisor` beside the
/// running executable (where cargo builds it).
pub fn supervisor_path(configured: Option<PathBuf>) -> anyhow::Result<PathBuf> {
    if let Some(path) = configured {
        return Ok(path);
    }
    let exe = std::env::current_exe().context("cannot find the running executable")?;
    let sibling = exe.with_file_name("coderank-supervisor");
    if sibling.is_file() {
        return Ok(sibling);
    }
    bail!(
        "cannot find coderank-supervisor beside {}; build it (cargo build --workspace) or set CODERANK_SUPERVISOR",
        exe.display()
    )
}

/// The supervisor binary's bytes, from [`supervisor_path`].
pub fn read_supervisor(configured: Option<PathBuf>) -> anyhow::Result<Arc<[u8]>> {
    let path = supervisor_path(configured)?;
    let bytes =
        std::fs::read(&path).with_context(|| format!("cannot read the supervisor {}", path.display()))?;
    Ok(bytes.into())
}
