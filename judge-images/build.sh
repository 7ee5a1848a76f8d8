#!/bin/sh
# Build the CodeRank judge images, one at a time (they are CPU/disk heavy):
# first the shared base coderank-judge-base:1 (base/), then the families.
#
# Usage: judge-images/build.sh [-v] [--missing] [FAMILY...]   (default: all families)
#   FAMILY     a directory of judge-images/ with a Dockerfile, e.g. c-cpp, jvm
#   --missing  build only the families whose tag does not exist yet
#              (`docker image inspect TAG`); the base is then built only if a
#              family needs building and the base tag is missing too
#   -v         show the `docker build` output (default: it goes to a log file
#              that is printed, in part, only if the build fails)
# Without --missing the base and every selected family are always built; the
# Docker layer cache makes that fast (seconds) when nothing changed.
#
# Output: one line per image built on stdout: `built TAG ID SECONDSs`.
# Exit status: 0 if all builds succeeded (or nothing had to be built), 1 if a
# build failed (stderr names the image and the log), 2 for a usage error.
#
# Tags: coderank-judge-<FAMILY>:<TAG>, TAG from $TAG (default 1, the tag used in
# languages.toml). The base is always coderank-judge-base:1 (the families say
# `FROM coderank-judge-base:1`). Extra `docker build` options can be given in
# $BUILD_OPTS (e.g. BUILD_OPTS=--no-cache).
set -eu
cd "$(dirname "$0")"
tag=${TAG:-1}
base_tag=coderank-judge-base:1
missing=0
verbose=0
usage() { sed -n '5,13s/^# \{0,1\}//p' "$0" >&2; exit 2; }

while [ $# -gt 0 ]; do
  case $1 in
    --missing) missing=1 ;;
    -v|--verbose) verbose=1 ;;
    -h|--help) usage ;;
    --) shift; break ;;
    -*) echo "build.sh: unknown option: $1" >&2; usage ;;
    *) break ;;
  esac
  shift
done

if [ $# -eq 0 ]; then
  for d in */Dockerfile; do
    [ "$d" = base/Dockerfile ] || set -- "$@" "${d%/Dockerfile}"
  done
fi
families=
for family in "$@"; do
  family=${family%/}
  [ "$family" != base ] || continue          # the base is always handled first
  [ -f "$family/Dockerfile" ] || { echo "build.sh: no such family: $family" >&2; exit 2; }
  case " $families " in *" $family "*) ;; *) families="$families $family" ;; esac
done

exists() { docker image inspect "$1" >/dev/null 2>&1; }

# build TAG DIR: docker build, then print the one result line, or fail.
build() {
  start=$(date +%s)
  if [ "$verbose" = 1 ]; then
    # shellcheck disable=SC2086
    docker build --force-rm ${BUILD_OPTS:-} -t "$1" "$2" >&2 || {
      echo "build.sh: FAILED to build $1 (from judge-images/$2)" >&2; exit 1; }
  else
    log=$(mktemp "${TMPDIR:-/tmp}/coderank-build.XXXXXX")
    # shellcheck disable=SC2086
    if ! docker build --force-rm ${BUILD_OPTS:-} -t "$1" "$2" >"$log" 2>&1; then
      tail -n 30 "$log" >&2
      echo "build.sh: FAILED to build $1 (from judge-images/$2); full log: $log" >&2
      exit 1
    fi
    rm -f "$log"
  fi
  id=$(docker image inspect -f '{{.Id}}' "$1" | cut -c8-19)
  echo "built $1 $id $(( $(date +%s) - start ))s"
}

todo=
for family in $families; do
  if [ "$missing" = 0 ] || ! exists "coderank-judge-$family:$tag"; then
    todo="$todo $family"
  fi
done
[ -n "$todo" ] || exit 0
if [ "$missing" = 0 ] || ! exists "$base_tag"; then
  build "$base_tag" base
fi
for family in $todo; do
  build "coderank-judge-$family:$tag" "$family"
done
