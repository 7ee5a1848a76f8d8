# Shared settings of the scripts; sourced, not run.
#
# Every script that sources this fails loudly: `step NAME [LOG]` names what it is doing (and
# the log that step writes), and the ERR trap prints the step, the line and the command that
# failed, the log to read and its last lines, whatever failed: a command, a pipeline under
# `pipefail`, a function, or a command substitution. No script exits without saying why.
set -Eeuo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export CODERANK_CACHE=${CODERANK_CACHE:-$HOME/.cache/coderank}
# The cargo target dir lives outside the clone, so a fresh clone on the same machine reuses
# every compiled dependency.
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$CODERANK_CACHE/target}
export CARGO_TERM_COLOR=${CARGO_TERM_COLOR:-never}
# Queries are checked against .sqlx/ (scripts/sqlx-prepare), so builds need no database.
export SQLX_OFFLINE=${SQLX_OFFLINE:-true}
mkdir -p "$CODERANK_CACHE"

SCRIPT_NAME=$(basename "$0")
STEP="start-up"
STEP_LOG=""
STEP_STARTED=$SECONDS
STEP_TIMES=()

# step NAME [LOG]: announce a step; LOG is the file it writes, named again if it fails.
step() {
  record_step_time
  STEP=$1
  STEP_LOG=${2:-}
  STEP_STARTED=$SECONDS
  printf '\n==> %s\n' "$STEP" >&2
}

record_step_time() {
  STEP_TIMES+=("$(printf '%5d s  %s' "$((SECONDS - STEP_STARTED))" "$STEP")")
}

# step_times: how long each step took, for README's figures.
step_times() {
  record_step_time
  printf '\n==> time per step (%d s in all)\n' "$SECONDS" >&2
  printf '%s\n' "${STEP_TIMES[@]}" >&2
}

# say MESSAGE: a progress line that names the script.
say() { printf '[%s] %s\n' "$SCRIPT_NAME" "$*" >&2; }

# die MESSAGE: stop with a message (the step and its log are named as for any failure).
die() {
  printf '[%s] error: %s\n' "$SCRIPT_NAME" "$*" >&2
  report_failure 1
  exit 1
}

report_failure() {
  local status=$1
  printf '[%s] FAILED in step "%s" (exit status %s)\n' "$SCRIPT_NAME" "$STEP" "$status" >&2
  if [ -n "$STEP_LOG" ] && [ -s "$STEP_LOG" ]; then
    printf '[%s] its log is %s; the last lines:\n' "$SCRIPT_NAME" "$STEP_LOG" >&2
    tail -n 15 "$STEP_LOG" | sed 's/^/    /' >&2
  elif [ -n "$STEP_LOG" ]; then
    printf '[%s] its log would be %s (empty or missing)\n' "$SCRIPT_NAME" "$STEP_LOG" >&2
  fi
  FAILURE_REPORTED=1
}

on_error() {
  local status=$? line=$1 command=$2
  # A subshell (command substitution, pipeline member) fails into its parent, which reports.
  [ "$BASHPID" = "$$" ] || return "$status"
  [ -z "${FAILURE_REPORTED:-}" ] || exit "$status"
  printf '\n[%s] line %s failed: %s\n' "$SCRIPT_NAME" "$line" "$command" >&2
  report_failure "$status"
  exit "$status"
}
trap 'on_error "$LINENO" "$BASH_COMMAND"' ERR

# The supervisor goes into judge containers of any image, so it is linked statically (glibc's
# crt-static; it uses no NSS). `coderank` finds it through CODERANK_SUPERVISOR.
build_supervisor() {
  RUSTFLAGS="-C target-feature=+crt-static -C strip=symbols" \
    cargo build --locked --release -p coderank-supervisor --target x86_64-unknown-linux-gnu --quiet
  export CODERANK_SUPERVISOR=$CARGO_TARGET_DIR/x86_64-unknown-linux-gnu/release/coderank-supervisor
}
