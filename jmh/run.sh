#!/usr/bin/env bash
# The quick benchmark suite: Solvent and its peers (MTJ, Commons Math) in the same runs, then
# benchmarks.md with the figures, their errors and the ratios against peers and the
# memory-bandwidth floor. About 10 minutes on 2 idle cores; a busy machine makes it slower and
# its figures worse (the page records the load average).
#
#   jmh/run.sh [--out DIR] [--note "text shown at the top of the page"]
#
# The page goes to DIR/benchmarks.md (default: jmh/target/report); docs/benchmarks.md is replaced
# only when asked for with --out docs.
#
# Builds the benchmark jar first when it is missing or older than any source. Settings are short
# (one fork, a few one-second iterations): enough for the ratios, with JMH's error bars to show how
# far to trust them. Any benchmark whose answer check fails stops the run (-foe true).
set -euo pipefail

cd "$(dirname "$0")/.."
NOTE=""
REPORT_DIR=jmh/target/report
while [ $# -gt 0 ]; do
    case "$1" in
        --note) NOTE="$2"; shift 2 ;;
        --out) REPORT_DIR="$2"; shift 2 ;;
        *) echo "usage: jmh/run.sh [--out DIR] [--note TEXT]" >&2; exit 2 ;;
    esac
done

JAR=jmh/target/benchmarks.jar
OUT=jmh/target/results
stale=""
if [ -f "$JAR" ]; then
    stale=$(find pom.xml jmh/pom.xml jmh/src/main solver-core/pom.xml solver-core/src/main solver-cuda/pom.xml solver-cuda/src/main learned-precond/pom.xml learned-precond/src/main -newer "$JAR" -type f 2>/dev/null | head -n 1)
fi
if [ ! -f "$JAR" ] || [ -n "$stale" ]; then
    echo "building $JAR" >&2
    # Offline first (the usual case here); online only when a dependency is missing.
    mvn -B -q -o -pl jmh -am package -DskipTests || mvn -B -q -pl jmh -am package -DskipTests
fi

rm -rf "$OUT"
mkdir -p "$OUT"
COMMANDS="$OUT/commands.txt"
echo "jmh/run.sh --out $REPORT_DIR${NOTE:+ --note '$NOTE'}" > "$COMMANDS"

# A fixed heap keeps the collector's sizing out of the timings; 128^3 needs about 1.5 GB with MTJ's copy.
JVM_ARGS="-Xms3g -Xmx3g"
KERNEL="-f 1 -wi 2 -w 1s -i 4 -r 1s"
SOLVE="-f 1 -wi 1 -w 1s -i 3 -r 2s"

# Benchmarks in this jar, so that a group whose classes are absent is skipped with a note
# instead of stopping the suite.
LISTED=$(java -jar "$JAR" -l)

run() {
    local name="$1"
    shift
    if ! grep -Eq -- "$1" <<< "$LISTED"; then
        echo "# skipped $name: no benchmark matching '$1' in $JAR" | tee -a "$COMMANDS" >&2
        return 0
    fi
    local cmd=(java -jar "$JAR" "$@" -foe true -jvmArgs "$JVM_ARGS" -rf json -rff "$OUT/$name.json")
    # %q quotes the -jvmArgs value so that the recorded command can be pasted back as it ran.
    printf '%q ' "${cmd[@]}" | sed 's/ $//' >> "$COMMANDS"
    echo >> "$COMMANDS"
    echo ">>> ${cmd[*]}" >&2
    "${cmd[@]}"
}

# shellcheck disable=SC2086  # the option strings are meant to split into words
{
    run bandwidth 'BandwidthBenchmark' $KERNEL
    run bandwidth1 'BandwidthBenchmark.triad' -p n=2097152,8388608 -p threads=1 $KERNEL
    run spmv 'dev.solvent.jmh.SpmvBenchmark' -p threads=1,2 $KERNEL
    run spmv-peers 'PeerSpmvBenchmark' $KERNEL
    run cg-iteration 'CgIterationBenchmark' $KERNEL
    run solve 'dev.solvent.jmh.SolveBenchmark' $SOLVE
    run solve-mtj 'MtjSolveBenchmark' $SOLVE
    run solve-cm 'CommonsMathSolveBenchmark' $SOLVE
    run capped 'dev.solvent.jmh.SolveBenchmark' -p grid=128 -p cap=30 -p pc=none -p operator=csr,stencil $SOLVE
    run capped-mtj 'MtjSolveBenchmark' -p grid=128 -p cap=30 -p pc=none $SOLVE
    run capped-cm 'CommonsMathSolveBenchmark' -p grid=128 -p cap=30 -p pc=none $SOLVE
}

mkdir -p "$REPORT_DIR"
REPORT_ARGS=(--out "$REPORT_DIR/benchmarks.md" --commands "$COMMANDS")
if [ -n "$NOTE" ]; then
    REPORT_ARGS+=(--note "$NOTE")
fi
java -cp "$JAR" dev.solvent.jmh.Report "${REPORT_ARGS[@]}" "$OUT"/*.json
