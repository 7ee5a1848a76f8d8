#!/usr/bin/env bash
# CodeRank judge images: A+B smoke test.
#
# For every language in judge-images/languages.toml (or only the ids given as
# arguments) this copies tests/aplusb/<file> into a fresh, locked-down
# container of the language's (already built) image, runs the table's compile
# and run commands exactly as written, feeds "1 2" on stdin and expects "3".
# It also runs the table's version command. Nothing is built here.
#
# Usage: judge-images/tests/smoke.sh [-v] [LANG_ID...]
#   -v   print compile output / stderr of passing languages too
# Env:   DOCKER     docker CLI to use (default: docker)
#        SMOKE_UID  uid:gid to run as (default: 10001:10001, the image's judge user)
# Exit status: 0 if every selected language passes, 1 otherwise.
#
# Test source lookup in tests/aplusb/ (first match wins):
#   aplusb.<id>.<ext>, aplusb.<ext>, any *.<ext>   (ext from `extensions`)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
exec python3 - "$here" "$@" <<'PY'
import os, shlex, subprocess, sys, time, tomllib, glob

here = sys.argv[1]
args = sys.argv[2:]
verbose = "-v" in args
only = [a for a in args if a != "-v"]
root = os.path.dirname(here)
docker = os.environ.get("DOCKER", "docker")
with open(os.path.join(root, "languages.toml"), "rb") as f:
    langs = tomllib.load(f)["languages"]
unknown = set(only) - {l["id"] for l in langs}
if unknown:
    sys.exit(f"unknown language id(s): {', '.join(sorted(unknown))}")

uid, _, gid = os.environ.get("SMOKE_UID", "10001:10001").partition(":")
gid = gid or uid
DOCKER_RUN = [docker, "run", "--rm", "--network", "none", "--read-only",
              "--tmpfs", f"/work:rw,exec,size=256m,uid={uid},gid={gid}",
              "--tmpfs", f"/tmp:rw,exec,size=64m,uid={uid},gid={gid}",
              "--user", f"{uid}:{gid}", "-w", "/work", "-i"]
q = lambda argv: " ".join(shlex.quote(a) for a in argv)

def find_source(lang):
    d = os.path.join(here, "aplusb")
    for ext in lang["extensions"]:
        for pat in (f"aplusb.{lang['id']}.{ext}", f"aplusb.{ext}", f"*.{ext}"):
            hits = sorted(glob.glob(os.path.join(d, pat)))
            if hits:
                return hits[0]
    return None

def ms():
    return 'echo $(( $(date +%s%N) / 1000000 ))'

failed = []
print(f"{'language':<11} {'result':<6} {'compile':>8} {'run':>7}  version")
for lang in langs:
    lid = lang["id"]
    if only and lid not in only:
        continue
    src = find_source(lang)
    if src is None:
        print(f"{lid:<11} FAIL   no A+B test source in tests/aplusb/")
        failed.append(lid); continue
    sf = lang["source_file"]
    # Compile output goes to stderr so that stdout is exactly the program's output.
    script = "set -e\n"
    if uid == "10001":
        script += '[ "$(id -un 2>/dev/null)" = judge ] || { echo "@@uid 10001 is not user judge" >&2; exit 92; }\n'
    script += '[ -z "$(ls -A /work)" ] || { echo "@@/work is not empty" >&2; exit 93; }\n'
    script += f"cat > {shlex.quote(sf)}\n"
    script += f't0=$({ms()})\n'
    if lang.get("compile"):
        script += f"{q(lang['compile'])} >&2 || {{ echo \"@@compile_failed=$?\" >&2; exit 90; }}\n"
    script += f't1=$({ms()})\n'
    script += f"printf '1 2\\n' | {q(lang['run'])} || {{ echo \"@@run_failed=$?\" >&2; exit 91; }}\n"
    script += f't2=$({ms()})\n'
    script += 'echo "@@times=$((t1-t0)) $((t2-t1))" >&2\n'
    with open(src, "rb") as f:
        code = f.read()
    t = time.monotonic()
    p = subprocess.run(DOCKER_RUN + [lang["image"], "sh", "-c", script],
                       input=code, capture_output=True)
    wall = time.monotonic() - t
    out = p.stdout.decode(errors="replace")
    err = p.stderr.decode(errors="replace")
    ctime = rtime = "?"
    for line in err.splitlines():
        if line.startswith("@@times="):
            c, r = line.split("=", 1)[1].split()
            ctime, rtime = f"{int(c)/1000:.2f}s", f"{int(r)/1000:.2f}s"
    ok = p.returncode == 0 and out.strip() == "3"
    v = subprocess.run(DOCKER_RUN + [lang["image"]] + lang["version"],
                       stdin=subprocess.DEVNULL, capture_output=True)
    vtext = (v.stdout + v.stderr).decode(errors="replace").strip()
    vline = next((l for l in vtext.splitlines() if l.strip()), "")
    if v.returncode != 0 or not vline:
        ok = False
        vline = f"VERSION COMMAND FAILED (exit {v.returncode}): {vline}"
    print(f"{lid:<11} {'ok' if ok else 'FAIL':<6} {ctime:>8} {rtime:>7}  {vline}   [{os.path.basename(src)}, {wall:.1f}s total]", flush=True)
    if not ok or verbose:
        if not ok:
            print(f"    exit status {p.returncode}; stdout: {out.strip()[:500]!r}")
        for line in err.splitlines()[-40:]:
            print("    | " + line)
    if not ok:
        failed.append(lid)

# The headers an image precompiled for a language's compile command: each must still be
# used by the command exactly as the table writes it (GCC silently ignores a PCH built with
# other flags, and compiles then only get slower). `-H` prints "! <file>.gch" first if so.
PRECOMPILED = {"cpp": ["bits/stdc++.h", "iostream"]}
for lang in langs:
    lid = lang["id"]
    if only and lid not in only:
        continue
    for header in PRECOMPILED.get(lid, []):
        sf = lang["source_file"]
        script = (f"printf '#include <{header}>\\nint main() {{ return 0; }}\\n' > {shlex.quote(sf)}\n"
                  f"{q(lang['compile'] + ['-H'])} 2>&1 >/dev/null | head -n 1\n")
        p = subprocess.run(DOCKER_RUN + [lang["image"], "sh", "-c", script],
                           stdin=subprocess.DEVNULL, capture_output=True)
        first = p.stdout.decode(errors="replace").strip()
        ok = first.startswith("! ") and first.endswith(".gch")
        print(f"{lid:<11} {'ok' if ok else 'FAIL':<6} <{header}> precompiled: {first or p.stderr.decode(errors='replace').strip()[:300]}")
        if not ok:
            failed.append(f"{lid}:<{header}>")

if failed:
    print(f"FAILED: {' '.join(failed)}")
    sys.exit(1)
print("all languages passed")
PY
