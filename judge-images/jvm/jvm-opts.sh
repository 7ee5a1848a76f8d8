#!/bin/sh
# Shared settings for the CodeRank JVM wrappers (sourced by
# coderank-{java,kotlin}-{compile,run}; not executable on its own).
#
# Run-time JVM flags (executing the submission):
#   -XX:+UseSerialGC     single-threaded GC: smallest footprint, no parallel GC
#                        threads competing for the (usually single) judge CPU.
#   -Xss64m              64 MiB thread stack. The java launcher runs main() in a
#                        new thread created with -Xss, so deep recursion works.
#   -XX:-UsePerfData     no /tmp/hsperfdata_* mmap file; slightly faster start.
#   -Xshare:auto         use the JDK's class-data-sharing archive when possible.
#   -XX:+ExitOnOutOfMemoryError  heap exhaustion exits immediately (status 3)
#                        instead of the program catching/limping past the OOM.
#   heap: CODERANK_MEMORY_MB set  -> -Xms = -Xmx = the memory limit, as Kattis
#         problemtools runs Java and Kotlin, so a package's accepted submissions
#         get the heap their authors had. Metaspace, code cache and the JVM itself
#         come on top, so a program that fills its heap passes the sandbox's
#         memory limit first and gets MLE (the sandbox meters the whole process),
#         not an OutOfMemoryError. -Xms only reserves: untouched heap costs nothing.
#         CODERANK_MEMORY_MB unset -> -XX:MaxRAMPercentage=75, i.e. 75% of the
#         container (cgroup) memory limit, which JDK 17 detects (v1 and v2).
#   Full tiered JIT (C1+C2) is kept on purpose: C2 matters for CPU-heavy code.
#
# Compiler JVM flags (javac / kotlinc are themselves Java programs):
#   SerialGC, -XX:TieredStopAtLevel=1 (C1 only: these short-lived processes
#   finish sooner without C2), -XX:MaxRAMPercentage=75, and an AppCDS archive
#   of the compiler's classes generated at image build time
#   (/usr/local/lib/coderank/{javac,kotlinc}.jsa) for faster start-up. If an
#   archive is missing or unusable the JVM silently runs without it.

CODERANK_LIB=/usr/local/lib/coderank
KOTLIN_HOME=/usr/share/kotlin/kotlinc
# Debian's kotlin-compiler.jar names trove4j.jar and annotations-13.0.jar in
# its manifest Class-Path, relative to /usr/share/java (where the symlinked jar
# really lives); there they are called libtrove-intellij.jar and
# org.jetbrains.annotations-common.jar, so both are added explicitly.
KOTLINC_CP="$KOTLIN_HOME/lib/kotlin-compiler.jar:/usr/share/java/libtrove-intellij.jar:/usr/share/java/org.jetbrains.annotations-common.jar"
KOTLIN_RUNTIME_CP="$KOTLIN_HOME/lib/kotlin-stdlib.jar:$KOTLIN_HOME/lib/kotlin-reflect.jar"

coderank_heap_opt() {
  if [ -n "${CODERANK_MEMORY_MB:-}" ] && [ "$CODERANK_MEMORY_MB" -gt 0 ] 2>/dev/null; then
    echo "-Xms${CODERANK_MEMORY_MB}m -Xmx${CODERANK_MEMORY_MB}m"
  else
    echo "-XX:MaxRAMPercentage=75"
  fi
}

CODERANK_JVM_RUN_OPTS="-XX:+UseSerialGC -Xss64m -XX:-UsePerfData -Xshare:auto -XX:+ExitOnOutOfMemoryError $(coderank_heap_opt) -Djava.io.tmpdir=/tmp -Dfile.encoding=UTF-8"
CODERANK_JVM_TOOL_OPTS="-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:-UsePerfData -Xshare:auto -XX:MaxRAMPercentage=75 -Xss16m -Djava.io.tmpdir=/tmp -Duser.home=/tmp"

# coderank_cds_opt NAME: flag that uses the AppCDS archive NAME.jsa, if present.
# With CODERANK_CDS_DUMP=1 (image build only) it creates the archive instead.
coderank_cds_opt() {
  if [ "${CODERANK_CDS_DUMP:-}" = 1 ]; then
    # -Xmx1g keeps compressed oops on (as in any judge container < 32 GiB),
    # which the archive must match to be usable.
    echo "-XX:ArchiveClassesAtExit=$CODERANK_LIB/$1.jsa -Xmx1g -Xlog:cds=off -Xlog:cds+dynamic=off"
  elif [ -r "$CODERANK_LIB/$1.jsa" ]; then
    echo "-XX:SharedArchiveFile=$CODERANK_LIB/$1.jsa"
  fi
}

# coderank_j_opts OPTS...: prefix each JVM option with -J (javac/javap syntax).
coderank_j_opts() {
  for o in "$@"; do printf ' -J%s' "$o"; done
}

# coderank_has_main CLASSFILE: cheap test that a class file declares
# main(String[]): its constant pool then holds both "main" and the descriptor.
coderank_has_main() {
  grep -qaF 'main' "$1" && grep -qaF '([Ljava/lang/String;)V' "$1"
}

# coderank_top_classes DIR: binary names of the top-level classes under DIR,
# one per line, "Main"/"MainKt" (any package) first.
coderank_top_classes() {
  (cd "$1" && find . -name '*.class' ! -name '*$*' ! -path './META-INF/*') \
    | sed 's|^\./||; s|\.class$||; s|/|.|g' \
    | awk '/(^|\.)Main(Kt)?$/ { print; next } { rest[++n] = $0 } END { for (i = 1; i <= n; i++) print rest[i] }'
}

# coderank_find_main DIR [CLASSPATH_EXTRA]: print the binary name of the first
# top-level class under DIR declaring "public static void main(String[])".
# Uses the cheap constant-pool test, then confirms with javap.
coderank_find_main() {
  dir=$1; extra=${2:-}
  cands=
  for c in $(coderank_top_classes "$dir"); do
    if coderank_has_main "$dir/$(echo "$c" | tr . /).class"; then cands="$cands $c"; fi
  done
  [ -n "$cands" ] || return 1
  set -- $cands
  if [ $# -eq 1 ]; then echo "$1"; return 0; fi
  # Several candidates: ask javap which really declares public static main.
  # shellcheck disable=SC2046
  javap $(coderank_j_opts $CODERANK_JVM_TOOL_OPTS) -cp "$dir${extra:+:$extra}" "$@" 2>/dev/null | awk '
    /^[^ ].*(class|interface|enum|record) / {
      cls = ""
      for (i = 1; i <= NF; i++)
        if ($i == "class" || $i == "interface" || $i == "enum" || $i == "record") { cls = $(i + 1); break }
      sub(/[<{].*/, "", cls)
    }
    /public static void main\(java\.lang\.String(\[\]|\.\.\.)\)/ { if (cls != "") { print cls; exit } }'
}
