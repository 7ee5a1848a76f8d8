#!/usr/bin/env bash
# CodeRank judge images: which system calls does each language need?
#
# For every language in judge-images/languages.toml (or only the ids given as
# arguments) this
#   1. builds, once, a derived image coderank-syscalls-<family>:1 = the judge
#      image plus Debian's strace (rebuilt only when the judge image changed:
#      the label org.coderank.syscalls.base holds the judge image's id);
#   2. compiles and runs each test program of the language under
#      `strace -f -X verbose` in a container of that image, started like the
#      judge starts one (uid 10001, --network none, --read-only, tmpfs /work
#      and /tmp) plus --cap-add SYS_PTRACE --security-opt seccomp=unconfined,
#      which strace needs. The programs, found as smoke.sh finds its source:
#        aplusb    judge-images/tests/aplusb/            (the smoke test's A+B)
#        accepted  problems/aplusb/submissions/accepted/ (the problem's A+B)
#        heavy     judge-images/tests/syscalls/heavy.*   (threads, big stack,
#                  thread pools, GC, a Node worker, goroutines...)
#      Compile runs in /work with the table's compile argv; run runs in a fresh
#      /tmp/run (HOME and TMPDIR there, as the judge does) with the table's run
#      argv, with "1 2" on stdin; each program must print 3;
#      Then the same again, still under strace, but with the profile itself in
#      force (a copy of it that also allows ptrace and process_vm_readv, for
#      strace): the kernel runs the ptrace syscall-entry stop before the
#      seccomp filter, so this trace shows every refused call with the errno
#      the program got, and what the runtime did next (e.g. clone after clone3
#      failed with ENOSYS);
#   3. collects the syscall names of compile and of run per language and checks
#      every call against the seccomp profile, with its argument rules (socket
#      family, clone flags, personality value, arch): prints a table and the
#      calls the profile would refuse;
#   4. (unless --no-verify) runs every program again in the plain judge image
#      under the profile itself (the smoke test's flags plus
#      --security-opt seccomp=PROFILE, no extra capability) and checks that it
#      still prints 3; and (unless --no-audit, and only when `dmesg` is
#      readable) once more under a copy of the profile whose default action is
#      SCMP_ACT_LOG, as uid 47111, and reads the kernel's audit lines
#      (type=1326) for that uid: the calls the profile's default action would
#      have refused, seen by the kernel's real filter.
#
# Usage: judge-images/tests/measure-syscalls.sh [options] [LANG_ID...]
#   --markdown FILE   also write the tables as Markdown to FILE; if FILE holds
#                     the markers <!-- measure-syscalls:begin --> and
#                     <!-- measure-syscalls:end -->, only the text between them
#                     is replaced (docs/syscalls.md is kept up to date this way)
#   --keep DIR        keep the raw strace files and the results in DIR
#   --from DIR        only print (and --markdown) the report again from the
#                     files kept by an earlier run with --keep DIR: no docker
#   --no-verify       skip step 4
#   --no-audit        skip the SCMP_ACT_LOG audit run of step 4
#   -v                print the container's stderr of passing runs too
# Env:   DOCKER           docker CLI (default: docker)
#        SECCOMP_PROFILE  the profile to check (default: judge-images/seccomp.json)
# Exit status: 0 if every program ran (traced, and under the profile),
# 1 otherwise. Each error names the step that failed.
# Needs: docker, python3 >= 3.11 (tomllib), the judge images (judge-images/build.sh).
set -Eeuo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")        # judge-images/
repo=$(dirname "$root")        # repository root
DOCKER=${DOCKER:-docker}
PROFILE=${SECCOMP_PROFILE:-$root/seccomp.json}
AUDIT_UID=47111
markdown="" keep="" from="" verify=1 audit=1 verbose=0
langs=()

step="parse arguments"
fail() { echo "measure-syscalls: FAILED at step: $step${1:+: $1}" >&2; exit 1; }
trap 'rc=$?; echo "measure-syscalls: FAILED at step: $step (exit status $rc)" >&2; exit $rc' ERR

while [ $# -gt 0 ]; do
    case $1 in
        --markdown) [ $# -ge 2 ] || fail "--markdown needs a file"; markdown=$2; shift 2 ;;
        --keep) [ $# -ge 2 ] || fail "--keep needs a directory"; keep=$2; shift 2 ;;
        --from) [ $# -ge 2 ] || fail "--from needs a directory"; from=$2; shift 2 ;;
        --no-verify) verify=0; shift ;;
        --no-audit) audit=0; shift ;;
        -v) verbose=1; shift ;;
        -h|--help) sed -n '2,/^set -Eeuo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        -*) fail "unknown option $1" ;;
        *) langs+=("$1"); shift ;;
    esac
done

step="check the seccomp profile"
[ -f "$PROFILE" ] || fail "no profile at $PROFILE (set SECCOMP_PROFILE)"
PROFILE=$(cd "$(dirname "$PROFILE")" && pwd)/$(basename "$PROFILE")
python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$PROFILE" || fail "$PROFILE is not valid JSON"

step="create the work directory"
if [ -n "$from" ]; then
    [ -s "$from/programs.tsv" ] || fail "$from holds no kept run (programs.tsv)"
    work=$(cd "$from" && pwd)
elif [ -n "$keep" ]; then
    mkdir -p "$keep"; work=$(cd "$keep" && pwd)
else
    work=$(mktemp -d "${TMPDIR:-/tmp}/coderank-syscalls.XXXXXX")
    trap 'rm -rf "$work"' EXIT
fi
chmod 0755 "$work"

if [ -z "$from" ]; then
# One line per language and program:
# id  judge-image  family  source_file  compile(sh)  run(sh)  program  source-path
step="read languages.toml"
python3 - "$root" "$repo" ${langs[@]+"${langs[@]}"} > "$work/programs.tsv" <<'PY'
import glob, os, re, shlex, sys, tomllib
root, repo, only = sys.argv[1], sys.argv[2], sys.argv[3:]
with open(os.path.join(root, "languages.toml"), "rb") as f:
    langs = tomllib.load(f)["languages"]
ids = [l["id"] for l in langs]
unknown = set(only) - set(ids)
if unknown:
    sys.exit(f"unknown language id(s): {', '.join(sorted(unknown))}")
dirs = [("aplusb", os.path.join(root, "tests", "aplusb")),
        ("accepted", os.path.join(repo, "problems", "aplusb", "submissions", "accepted")),
        ("heavy", os.path.join(root, "tests", "syscalls"))]

def find(lang, d):
    # smoke.sh's rule: NAME.<id>.<ext> first, then NAME.<ext>, but not a file
    # whose name carries another language's id (aplusb.pypy3.py is not python3's).
    files = sorted(glob.glob(os.path.join(d, "*")))
    for ext in lang["extensions"]:
        for f in files:
            if os.path.basename(f).endswith(f".{lang['id']}.{ext}"):
                return f
        for f in files:
            parts = os.path.basename(f).split(".")
            if f.endswith(f".{ext}") and not (len(parts) > 2 and parts[-2] in ids):
                return f
    return None

for lang in langs:
    if only and lang["id"] not in only:
        continue
    m = re.fullmatch(r"coderank-judge-(.+):[^:]+", lang["image"])
    family = m.group(1) if m else re.sub(r"[^a-z0-9.-]+", "-", lang["image"].lower())
    for prog, d in dirs:
        src = find(lang, d) if os.path.isdir(d) else None
        if src is None:
            if prog != "accepted":
                sys.exit(f"{lang['id']}: no {prog} program in {d}")
            continue
        comp = shlex.join(lang["compile"]) if lang.get("compile") else ""
        print("\t".join([lang["id"], lang["image"], family, lang["source_file"],
                         comp, shlex.join(lang["run"]), prog, src]))
PY
[ -s "$work/programs.tsv" ] || fail "no language selected"

# The container script: save the source (stdin) as source_file, compile in
# /work, run in a fresh /tmp/run with "1 2" on stdin. $1 = command prefix
# (strace ... or nothing), $2 = source_file, $3 = compile, $4 = run.
container_script() {
    local prefix=$1 sf=$2 comp=$3 run=$4 s
    s="set -e
cat > $(printf %q "$sf")
"
    if [ -n "$comp" ]; then
        s+="${prefix:+${prefix//@/compile} }$comp >&2 || { echo \"@@compile_failed=\$?\" >&2; exit 90; }
"
    fi
    s+="mkdir /tmp/run && cd /tmp/run && export HOME=/tmp/run TMPDIR=/tmp/run
printf '1 2\\n' | ${prefix:+${prefix//@/run} }$run || { echo \"@@run_failed=\$?\" >&2; exit 91; }
"
    printf '%s' "$s"
}

docker_run_flags() {   # $1 = uid
    printf '%s\n' run --rm --network none --read-only \
        --tmpfs "/work:rw,exec,size=256m,uid=$1,gid=$1" \
        --tmpfs "/tmp:rw,exec,size=64m,uid=$1,gid=$1" \
        --user "$1:$1" -w /work -i
}
mapfile -t RUN_FLAGS < <(docker_run_flags 10001)
mapfile -t AUDIT_FLAGS < <(docker_run_flags "$AUDIT_UID")

# ---------------------------------------------------------------- 1. images
declare -A built=()
while IFS=$'\t' read -r -u 3 lid image family sf comp run prog src; do
    [ -z "${built[$family]:-}" ] || continue
    built[$family]=1
    tag="coderank-syscalls-$family:1"
    step="build $tag"
    base_id=$("$DOCKER" image inspect -f '{{.Id}}' "$image" 2>/dev/null) \
        || fail "judge image $image is missing: build it with judge-images/build.sh $family"
    have=$("$DOCKER" image inspect -f '{{index .Config.Labels "org.coderank.syscalls.base"}}' "$tag" 2>/dev/null || true)
    if [ "$have" = "$base_id" ]; then
        echo "image $tag: up to date"
        continue
    fi
    t0=$(date +%s)
    printf '%s\n' "FROM $image" "USER root" "RUN coderank-apt-install strace" \
        "USER 10001:10001" "LABEL org.coderank.syscalls.base=$base_id" > "$work/Dockerfile.$family"
    if ! "$DOCKER" build -t "$tag" - < "$work/Dockerfile.$family" > "$work/build-$family.log" 2>&1; then
        tail -n 30 "$work/build-$family.log" >&2
        fail "docker build failed (log above)"
    fi
    echo "image $tag: built in $(( $(date +%s) - t0 ))s"
done 3< "$work/programs.tsv"

# ---------------------------------------------------------------- 2. traces
step="write the strace copy of the profile"
python3 - "$PROFILE" "$work/seccomp-strace.json" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
p["syscalls"].append({"names": ["ptrace", "process_vm_readv"], "action": "SCMP_ACT_ALLOW"})
json.dump(p, open(sys.argv[2], "w"), indent=1)
PY
: > "$work/traced-profile.tsv"
STRACE="strace -f -qq -e signal=none -X verbose -o /trace/@.trace --"
while IFS=$'\t' read -r -u 3 lid image family sf comp run prog src; do
    step="$lid/$prog: compile and run under strace ($(basename "$src"))"
    tdir="$work/traces/$lid/$prog"
    mkdir -p "$tdir"; chmod 0777 "$tdir"
    t0=$(date +%s%N)
    rc=0
    "$DOCKER" "${RUN_FLAGS[@]}" --cap-add SYS_PTRACE --security-opt seccomp=unconfined \
        -v "$tdir:/trace" "coderank-syscalls-$family:1" \
        sh -c "$(container_script "$STRACE" "$sf" "$comp" "$run")" \
        < "$src" > "$tdir/stdout" 2> "$tdir/stderr" || rc=$?
    out=$(tr -d '[:space:]' < "$tdir/stdout")
    if [ "$rc" != 0 ] || [ "$out" != 3 ]; then
        tail -n 30 "$tdir/stderr" >&2
        fail "exit status $rc, output '$(head -c 200 "$tdir/stdout")' (expected 3)"
    fi
    [ "$verbose" = 0 ] || sed 's/^/    | /' "$tdir/stderr"
    printf 'traced %-10s %-8s %5.1fs  (%s)\n' "$lid" "$prog" \
        "$(( ($(date +%s%N) - t0) / 1000000 ))e-3" "$(basename "$src")"

    step="$lid/$prog: compile and run under strace and the profile"
    tdir="$work/traces-profile/$lid/$prog"
    mkdir -p "$tdir"; chmod 0777 "$tdir"
    rc=0
    "$DOCKER" "${RUN_FLAGS[@]}" --cap-add SYS_PTRACE --security-opt "seccomp=$work/seccomp-strace.json" \
        -v "$tdir:/trace" "coderank-syscalls-$family:1" \
        sh -c "$(container_script "$STRACE" "$sf" "$comp" "$run")" \
        < "$src" > "$tdir/stdout" 2> "$tdir/stderr" || rc=$?
    out=$(tr -d '[:space:]' < "$tdir/stdout")
    result=pass
    if [ "$rc" != 0 ] || [ "$out" != 3 ]; then
        result=FAIL
        echo "FAIL under strace and the profile: $lid/$prog: exit status $rc, output '$(head -c 200 "$tdir/stdout")'" >&2
        tail -n 20 "$tdir/stderr" | sed 's/^/    | /' >&2
    fi
    printf '%s\t%s\t%s\t%s\n' "$lid" "$prog" "$result" "$rc" >> "$work/traced-profile.tsv"
done 3< "$work/programs.tsv"

# ------------------------------------------------- 4. under the profile itself
: > "$work/verify.tsv"
: > "$work/audit.log"
if [ "$verify" = 1 ]; then
    if [ "$audit" = 1 ] && ! dmesg > /dev/null 2>&1; then
        echo "note: dmesg is not readable here: skipping the SCMP_ACT_LOG audit run" >&2
        audit=0
    fi
    if [ "$audit" = 1 ]; then
        step="write the SCMP_ACT_LOG copy of the profile"
        python3 - "$PROFILE" "$work/seccomp-log.json" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
p["defaultAction"] = "SCMP_ACT_LOG"
p.pop("defaultErrnoRet", None)
json.dump(p, open(sys.argv[2], "w"), indent=1)
PY
    fi
    while IFS=$'\t' read -r -u 3 lid image family sf comp run prog src; do
        step="$lid/$prog: compile and run under the profile"
        rdir="$work/verify/$lid/$prog"
        mkdir -p "$rdir"
        rc=0
        "$DOCKER" "${RUN_FLAGS[@]}" --security-opt "seccomp=$PROFILE" "$image" \
            sh -c "$(container_script "" "$sf" "$comp" "$run")" \
            < "$src" > "$rdir/stdout" 2> "$rdir/stderr" || rc=$?
        out=$(tr -d '[:space:]' < "$rdir/stdout")
        result=pass
        if [ "$rc" != 0 ] || [ "$out" != 3 ]; then
            result=FAIL
            echo "FAIL under the profile: $lid/$prog: exit status $rc, output '$(head -c 200 "$rdir/stdout")'" >&2
            tail -n 20 "$rdir/stderr" | sed 's/^/    | /' >&2
        elif [ "$verbose" = 1 ]; then
            sed 's/^/    | /' "$rdir/stderr"
        fi
        audited=-
        if [ "$audit" = 1 ]; then
            step="$lid/$prog: audit run under the SCMP_ACT_LOG profile"
            before=$(dmesg | grep -c 'type=1326' || true)
            "$DOCKER" "${AUDIT_FLAGS[@]}" --security-opt "seccomp=$work/seccomp-log.json" "$image" \
                sh -c "$(container_script "" "$sf" "$comp" "$run")" \
                < "$src" > "$rdir/audit.stdout" 2> "$rdir/audit.stderr" || true
            sleep 0.2   # let kauditd print
            # Audit lines are printed in order: the new ones follow the first $before.
            dmesg | grep 'type=1326' | tail -n +"$((before + 1))" | grep " uid=$AUDIT_UID " \
                | sed "s|^|$lid\t$prog\t|" >> "$work/audit.log" || true
            audited=yes
            if dmesg | tail -n 50 | grep -q 'callbacks suppressed'; then
                echo "note: the kernel rate-limited some printk lines during $lid/$prog: the audit list may be incomplete" >&2
            fi
        fi
        printf '%s\t%s\t%s\t%s\n' "$lid" "$prog" "$result" "$rc" >> "$work/verify.tsv"
        printf 'profile %-10s %-8s %s\n' "$lid" "$prog" "$result"
    done 3< "$work/programs.tsv"
fi

fi   # [ -z "$from" ]

# ---------------------------------------------------------------- 3. report
step="analyse the traces"
unistd=""
for h in /usr/include/x86_64-linux-gnu/asm/unistd_64.h /usr/include/asm/unistd_64.h; do
    [ -f "$h" ] && { unistd=$h; break; }
done
if [ -z "$unistd" ]; then   # the C image has the kernel headers
    "$DOCKER" run --rm coderank-judge-c-cpp:1 cat /usr/include/x86_64-linux-gnu/asm/unistd_64.h \
        > "$work/unistd_64.h" 2>/dev/null && unistd=$work/unistd_64.h || unistd=""
fi
python3 - "$work" "$PROFILE" "$unistd" "$markdown" "$(uname -r)" <<'PY'
import collections, json, os, re, sys

work, profile_path, unistd, markdown, kernel = sys.argv[1:6]
profile = json.load(open(profile_path))
programs = [l.rstrip("\n").split("\t") for l in open(os.path.join(work, "programs.tsv"))]
lang_order = list(dict.fromkeys(p[0] for p in programs))

nr = {}
if unistd:
    for m in re.finditer(r"#define __NR_(\w+)\s+(\d+)", open(unistd).read()):
        nr[m.group(1)] = int(m.group(2))
by_nr = {v: k for k, v in nr.items()}

# ----- the profile, as runc applies it on x86_64 with no added capability
def kver(s):
    return tuple(int(x) for x in re.findall(r"\d+", s)[:2])

def applies(rule):
    inc, exc = rule.get("includes") or {}, rule.get("excludes") or {}
    if inc.get("arches") and "amd64" not in inc["arches"]:
        return False
    if inc.get("caps"):                 # the judge adds no capability
        return False
    if inc.get("minKernel") and kver(kernel) < kver(inc["minKernel"]):
        return False
    if "amd64" in (exc.get("arches") or []):
        return False
    return True

rules = collections.defaultdict(list)
for r in profile["syscalls"]:
    if applies(r):
        for n in r.get("names") or [r.get("name")]:
            rules[n].append(r)
max_nr = max((nr[n] for n in rules if n in nr), default=None)

def arg_ok(cond, args):
    i = cond["index"]
    if i >= len(args) or args[i] is None:
        return False
    a, v, v2 = args[i] & 0xFFFFFFFFFFFFFFFF, cond["value"], cond.get("valueTwo", 0)
    return {"SCMP_CMP_EQ": a == v, "SCMP_CMP_NE": a != v, "SCMP_CMP_LT": a < v,
            "SCMP_CMP_LE": a <= v, "SCMP_CMP_GT": a > v, "SCMP_CMP_GE": a >= v,
            "SCMP_CMP_MASKED_EQ": (a & v) == v2}[cond["op"]]

def errname(action, errno):
    if action in ("SCMP_ACT_ALLOW", "SCMP_ACT_LOG"):
        return None
    if action == "SCMP_ACT_ERRNO":
        return {1: "EPERM", 38: "ENOSYS"}.get(errno, f"errno {errno}")
    return action

def verdict(name, args):
    """None if allowed, else what the caller gets (EPERM, ENOSYS, ...)."""
    matching = [r for r in rules.get(name, []) if all(arg_ok(c, args) for c in r.get("args") or [])]
    if any(r["action"] in ("SCMP_ACT_ALLOW", "SCMP_ACT_LOG") for r in matching):
        return None
    if matching:
        r = matching[0]
        return errname(r["action"], r.get("errnoRet", 1))
    if name in nr and max_nr is not None and nr[name] > max_nr:
        return "ENOSYS (runc: newer than every syscall in the profile)"
    return errname(profile["defaultAction"], profile.get("defaultErrnoRet", 1))

# ----- strace -X verbose output
START = re.compile(r"^(\d+)\s+([a-z_][a-z0-9_]*)\((.*)$")
RET = re.compile(r"\)\s+= (-?\d+|0x[0-9a-f]+|\?)(?: (E[A-Z0-9_]+))?")

def result(line):
    r = RET.findall(line)
    return r[-1] if r else None

def split_args(s):
    """Top-level arguments of the text after '(' (up to the closing ')')."""
    out, cur, depth, i, q = [], "", 0, 0, False
    while i < len(s):
        c = s[i]
        if q:
            cur += c
            if c == "\\":
                cur += s[i + 1:i + 2]; i += 1
            elif c == '"':
                q = False
        elif s.startswith("/*", i):
            j = s.find("*/", i)
            j = len(s) if j < 0 else j + 2
            cur += s[i:j]; i = j; continue
        elif c == '"':
            q = True; cur += c
        elif c in "([{":
            depth += 1; cur += c
        elif c in ")]}":
            if depth == 0:
                out.append(cur.strip()); return out
            depth -= 1; cur += c
        elif c == "," and depth == 0:
            out.append(cur.strip()); cur = ""
        else:
            cur += c
        i += 1
    if cur.strip() and not cur.strip().startswith("<unfinished"):
        out.append(cur.strip())
    return out

def num(a):
    m = re.match(r"(?:\w+=)?(-?0x[0-9a-f]+|-?\d+|NULL)\b", a)
    if not m:
        return None
    t = m.group(1)
    return 0 if t == "NULL" else int(t, 0)

def kernel_args(name, rest):
    a = split_args(rest)
    if name == "clone":     # strace shows child_stack first; the kernel's arg 0 is flags
        named = {x.split("=", 1)[0]: x.split("=", 1)[1] for x in a if "=" in x}
        return [num(named.get("flags", "")), num(named.get("child_stack", "")),
                num(named.get("parent_tid", "")), num(named.get("child_tidptr", "")), num(named.get("tls", ""))]
    return [num(x) for x in a]

ARG_RULES = {n for n, rs in rules.items() if any(r.get("args") for r in rs)}

def parse(path):
    names = collections.Counter()
    errors = collections.defaultdict(collections.Counter)
    refused = collections.defaultdict(lambda: {"count": 0, "errors": collections.Counter(), "example": ""})
    argvals = collections.defaultdict(collections.Counter)   # socket families etc.
    if not os.path.exists(path):
        return names, errors, refused, argvals
    pending = {}
    for line in open(path, errors="replace"):
        m = START.match(line)
        if m:
            pid, name, rest = m.groups()
            names[name] += 1
            key = name
            v = verdict(name, kernel_args(name, rest) if name in ARG_RULES else [])
            if name in ARG_RULES:
                a = split_args(rest)
                first = a[1] if name == "clone" and len(a) > 1 else (a[0] if a else "")
                first = re.sub(r"\s*<unfinished \.\.\.>$", "", first.strip())
                argvals[name][re.sub(r"^\w+=", "", first)[:200]] += 1
            if v:
                key = f"{name} -> {v}"
                r = refused[(name, v)]
                r["count"] += 1
                if not r["example"]:
                    r["example"] = line.split(None, 1)[1].strip()[:120]
            if "<unfinished ...>" in line:
                pending[pid] = (name, v)
                continue
            ret = result(line)
        else:
            m2 = re.match(r"^(\d+)\s+<\.\.\. (\w+) resumed>", line)
            if not m2 or m2.group(1) not in pending:
                continue
            name, v = pending.pop(m2.group(1))
            ret = result(line)
        if ret and ret[1]:
            errors[name][ret[1]] += 1
            if v:
                refused[(name, v)]["errors"][ret[1]] += 1
    return names, errors, refused, argvals

data, pdata = {}, {}
for lid, image, family, sf, comp, run, prog, src in programs:
    for phase in ("compile", "run"):
        data[(lid, prog, phase)] = parse(os.path.join(work, "traces", lid, prog, f"{phase}.trace"))
        pdata[(lid, prog, phase)] = parse(os.path.join(work, "traces-profile", lid, prog, f"{phase}.trace"))

def clone3_fallback(example):
    # glibc retries clone3 -> ENOSYS with clone(flags): would the clone rule pass it?
    m = re.search(r"flags=(0x[0-9a-f]+|\d+)", example)
    if not m:
        return ""
    return " (the same flags pass the clone rule)" if verdict("clone", [int(m.group(1), 0)]) is None \
        else " (the same flags are REFUSED by the clone rule too)"

def union(lid, phase):
    s = set()
    for (l, p, ph), d in data.items():
        if l == lid and ph == phase:
            s |= set(d[0])
    return s

# ----- verification results
def load_results(f):
    res = {}
    if os.path.exists(os.path.join(work, f)):
        for l in open(os.path.join(work, f)):
            lid, prog, result, rc = l.rstrip("\n").split("\t")
            res[(lid, prog)] = (result, rc)
    return res
verify = load_results("verify.tsv")
tverify = load_results("traced-profile.tsv")
audit = collections.defaultdict(collections.Counter)
apath = os.path.join(work, "audit.log")
audit_ran = os.path.exists(apath) and bool(verify)
if os.path.exists(apath):
    for l in open(apath):
        lid, prog, text = l.rstrip("\n").split("\t", 2)
        m = re.search(r'comm="([^"]*)".*?syscall=(\d+)', text)
        if m:
            audit[lid][f"{by_nr.get(int(m.group(2)), '#' + m.group(2))} ({m.group(1)})"] += 1

# ----- report
lines = []
P = lines.append
progs_of = collections.defaultdict(list)
for p in programs:
    progs_of[p[0]].append((p[6], p[7]))

all_refused = collections.defaultdict(lambda: collections.defaultdict(lambda: {"count": 0, "errors": collections.Counter(), "example": "", "where": set()}))
for (lid, prog, phase), d in data.items():
    for key, r in d[2].items():
        t = all_refused[key][lid]
        t["count"] += r["count"]; t["errors"].update(r["errors"]); t["where"].add(f"{prog} {phase}")
        t["example"] = t["example"] or r["example"]

P("| language | programs | compile: syscalls | run: syscalls | refused by the profile (phase: call -> result) | under the profile |")
P("|---|---|---|---|---|---|")
for lid in lang_order:
    c, r = union(lid, "compile"), union(lid, "run")
    ref = []
    for (name, v), per in sorted(all_refused.items()):
        if lid in per:
            ph = sorted({w.split()[1] for w in per[lid]["where"]})
            ref.append(f"{'/'.join(ph)}: `{name}` -> {v.split(' (')[0]} ({per[lid]['count']}x)")
    ver = [f"{p}: {verify[(lid, p)][0]}" for p, _ in progs_of[lid] if (lid, p) in verify]
    ver += [f"{p} traced: {tverify[(lid, p)][0]}" for p, _ in progs_of[lid]
            if (lid, p) in tverify and tverify[(lid, p)][0] != "pass"]
    P(f"| {lid} | {', '.join(p for p, _ in progs_of[lid])} | {len(c)} | {len(r)} | {'<br>'.join(ref) or 'none'} | {', '.join(ver) or 'not run'} |")
table = "\n".join(lines)

# Union: syscall -> languages using it at compile / at run.
names = sorted({n for d in data.values() for n in d[0]})
def who(n, phase):
    return [lid for lid in lang_order if n in union(lid, phase)]
ulines = ["| syscall | profile | compile | run |", "|---|---|---|---|"]
for n in names:
    v = "allowed" if not verdict(n, []) else verdict(n, []).split(" (")[0]
    if n in ARG_RULES:
        v = "argument rule"
    cw, rw = who(n, "compile"), who(n, "run")
    fmt = lambda w: "all" if len(w) == len(lang_order) and len(w) > 1 else ", ".join(w) or "-"
    ulines.append(f"| `{n}` | {v} | {fmt(cw)} | {fmt(rw)} |")
utable = "\n".join(ulines)

# Argument values seen for the syscalls with argument rules.
alines = []
for n in sorted(ARG_RULES):
    seen = collections.defaultdict(set)
    for dd in (data, pdata):
        for (lid, prog, phase), d in dd.items():
            for val in d[3].get(n, {}):
                seen[val].add(lid)
    for val, ls in sorted(seen.items()):
        alines.append(f"| `{n}` | `{val.replace('|', '¦')}` | {', '.join(l for l in lang_order if l in ls)} |")
atable = "\n".join(["| syscall | argument seen (raw /* decoded */) | languages |", "|---|---|---|"] + alines) if alines else "None of these calls was made."

# What happened under the profile (traced): errors of the refused calls, and
# the calls seen only under the profile (the runtime's fallbacks).
def profile_side(lid, name):
    errs, newcalls = collections.Counter(), set()
    for (l, prog, phase), d in pdata.items():
        if l != lid:
            continue
        errs.update(d[1].get(name, {}))
        newcalls |= set(d[0]) - set(data[(l, prog, phase)][0])
    return errs, newcalls

rlines = []
for (name, v), per in sorted(all_refused.items()):
    for lid in lang_order:
        if lid in per:
            t = per[lid]
            errs = ", ".join(f"{e} {k}x" for e, k in t["errors"].most_common()) or "succeeded"
            perrs, newcalls = profile_side(lid, name)
            perr = ", ".join(f"{e} {k}x" for e, k in perrs.most_common()) or "not called"
            note = clone3_fallback(t["example"]) if name == "clone3" else ""
            if name == "clone3":
                n0 = sum(d[0]["clone"] for (l, _, _), d in data.items() if l == lid)
                n1 = sum(d[0]["clone"] for (l, _, _), d in pdata.items() if l == lid)
                newcalls = {f"clone: {n0} -> {n1} calls"}
            rlines.append(f"| `{name}` | {v}{note} | {lid} | {', '.join(sorted(t['where']))} | {t['count']} | {errs} | {perr} | {' '.join(n if ' ' in n else f'`{n}`' for n in sorted(newcalls)) or '-'} | `{t['example'].replace('|', '¦')}` |")
rtable = "\n".join(["| syscall | under the profile | language | where | calls | result without seccomp | result under the profile (traced) | what the runtime did then (calls seen only under the profile) | first call |",
                    "|---|---|---|---|---|---|---|---|---|"] + rlines) if rlines else "No traced call is refused by the profile."

if audit_ran:
    al = [f"| {lid} | {', '.join(f'{k} {c}x' for k, c in audit[lid].most_common()) or 'none'} |" for lid in lang_order]
    audtable = "\n".join(["| language | calls logged by SCMP_ACT_LOG (syscall (comm) count) |", "|---|---|"] + al)
else:
    audtable = "The audit run was skipped."

lists = []
for lid in lang_order:
    for phase in ("compile", "run"):
        lists.append(f"- **{lid} {phase}** ({len(union(lid, phase))}): " + " ".join(sorted(union(lid, phase))))

md = f"""Measured on Linux {kernel} with profile `{os.path.basename(profile_path)}`; generated by `judge-images/tests/measure-syscalls.sh`.

### Per language

{table}

### Calls the profile refuses (argument rules included)

{rtable}

### Audit run: calls the profile's default action would refuse, logged by the kernel

{audtable}

### Argument values of the calls with argument rules

{atable}

### Union of all syscalls

{utable}
"""

# Terminal output
print()
print(f"{'language':<11} {'compile':>7} {'run':>5}  refused by the profile")
for lid in lang_order:
    ref = sorted({f"{n}->{v.split(' (')[0]}" for (n, v), per in all_refused.items() if lid in per})
    print(f"{lid:<11} {len(union(lid, 'compile')):>7} {len(union(lid, 'run')):>5}  {', '.join(ref) or '-'}")
print()
for l in rlines:
    cells = [c.strip() for c in l.strip("|").split("|")]
    print(f"refused: {cells[0]:<22} {cells[1]:<8} {cells[2]:<10} {cells[3]:<30} {cells[4]:>5}x  unconfined: {cells[5]}; under the profile: {cells[6]}; then: {cells[7]}")
if audit_ran:
    for lid in lang_order:
        if audit[lid]:
            print(f"audit:   {lid:<10} " + ", ".join(f"{k} {c}x" for k, c in audit[lid].most_common()))
for lid in lang_order:
    for p, _ in progs_of[lid]:
        if (lid, p) in verify and verify[(lid, p)][0] != "pass":
            print(f"FAIL under the profile: {lid}/{p} (exit status {verify[(lid, p)][1]})")
        if (lid, p) in tverify and tverify[(lid, p)][0] != "pass":
            print(f"FAIL under strace and the profile: {lid}/{p} (exit status {tverify[(lid, p)][1]})")
print()
print(f"union: {len(names)} distinct syscalls; the per-syscall table: --markdown FILE")

if markdown:
    begin, end = "<!-- measure-syscalls:begin -->", "<!-- measure-syscalls:end -->"
    if os.path.exists(markdown) and begin in (old := open(markdown).read()) and end in old:
        text = old.split(begin)[0] + begin + "\n" + md + end + old.split(end, 1)[1]
    else:
        text = f"# System calls of the judge languages\n\n{begin}\n{md}{end}\n"
    open(markdown, "w").write(text)
    print(f"wrote {markdown}")
PY

step="finish"
if grep -q $'\tFAIL\t' "$work/verify.tsv" "$work/traced-profile.tsv"; then
    echo "some programs FAILED under the profile $PROFILE" >&2
    exit 1
fi
