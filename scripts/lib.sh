# Shared settings of the scripts; sourced, not run.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export CODERANK_CACHE=${CODERANK_CACHE:-$HOME/.cache/coderank}
# The cargo target dir lives outside the clone, so a fresh clone on the same machine reuses
# every compiled dependency.
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$CODERANK_CACHE/target}
export CARGO_TERM_COLOR=${CARGO_TERM_COLOR:-never}
step() { printf '\n==> %s\n' "$*" >&2; }
