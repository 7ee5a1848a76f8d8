//! Rebuilds the binary when a file under `web/static/` changes: `include_dir!` (in
//! `src/web/assets.rs`) embeds them, but cannot tell cargo to watch them on stable Rust.

fn main() {
    println!("cargo:rerun-if-changed=web/static");
}
