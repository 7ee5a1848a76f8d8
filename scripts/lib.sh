# Shared settings of the scripts; sourced, not run.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export CODERANK_CACHE=${CODERANK_CACHE:-$HOME/.cache/coderank}
# The cargo target dir lives outside the clone, so a fresh clone on the same machine reuses
# every compiled dependency.
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$CODERANK_CACHE/target}
export CARGO_TERM_COLOR=${CARGO_TERM_COLOR:-never}
# Queries are checked against .sqlx/ (scripts/sqlx-prepare), so builds need no database.
export SQLX_OFFLINE=${SQLX_OFFLINE:-true}
step() { printf '\n==> %s\n' "$*" >&2; }

# The supervisor goes into judge containers of any image, so it is linked statically (glibc's
# crt-static; it uses no NSS). `coderank` finds it through CODERANK_SUPERVISOR.
build_supervisor() {
  RUSTFLAGS="-C target-feature=+crt-static -C strip=symbols" \
    cargo build --locked --release -p coderank-supervisor --target x86_64-unknown-linux-gnu --quiet
  export CODERANK_SUPERVISOR=$CARGO_TARGET_DIR/x86_64-unknown-linux-gnu/release/coderank-supervisor
}
