#!/usr/bin/env bash
# The preconditioner benchmarks on 128^3 Poisson (CSR, cpu backend): one IC(0) and SSOR apply at
# 1 and 2 threads (the level-scheduling speed-up), and one IC(0)-PCG iteration against one plain CG
# iteration at 2 threads (what a preconditioned iteration costs). Prints the JMH tables and the
# ratios; the JSON is left in jmh/target/results/preconditioners-*.json. About 3 minutes on 2 idle
# cores; on a busy machine the 2-thread figures suffer most (every level is a join of the threads).
#
#   jmh/run-preconditioners.sh [--grid N]
set -euo pipefail

cd "$(dirname "$0")/.."
GRID=128
while [ $# -gt 0 ]; do
    case "$1" in
        --grid) GRID="$2"; shift 2 ;;
        *) echo "usage: jmh/run-preconditioners.sh [--grid N]" >&2; exit 2 ;;
    esac
done

JAR=jmh/target/benchmarks.jar
if [ ! -f "$JAR" ] || [ -n "$(find pom.xml jmh/pom.xml jmh/src/main solver-core/src/main -newer "$JAR" -type f 2>/dev/null | head -n 1)" ]; then
    echo "building $JAR" >&2
    mvn -B -q -o -pl jmh -am package -DskipTests || mvn -B -q -pl jmh -am package -DskipTests
fi
OUT=jmh/target/results
mkdir -p "$OUT"
SETTINGS="-f 1 -wi 3 -w 1s -i 5 -r 1s -foe true -jvmArgs -Xms3g -jvmArgs -Xmx3g"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
# shellcheck disable=SC2086
java -jar "$JAR" PreconditionerApplyBenchmark -p grid="$GRID" -p pc=ic0,ssor -p threads=1,2 $SETTINGS \
    -rf json -rff "$OUT/preconditioners-apply.json"
# shellcheck disable=SC2086
java -jar "$JAR" PcgIterationBenchmark -p grid="$GRID" -p pc=none,ic0 -p threads=2 $SETTINGS \
    -rf json -rff "$OUT/preconditioners-pcg.json"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
python3 - "$OUT/preconditioners-apply.json" "$OUT/preconditioners-pcg.json" <<'PY' || echo "(python3 missing: read the tables above)"
import json, sys
apply = {(r["params"]["pc"], r["params"]["threads"]): r["primaryMetric"]["score"] for r in json.load(open(sys.argv[1]))}
pcg = {r["params"]["pc"]: r["primaryMetric"]["score"] for r in json.load(open(sys.argv[2]))}
for pc in ("ic0", "ssor"):
    if (pc, "1") in apply and (pc, "2") in apply:
        s = apply[(pc, "1")] / apply[(pc, "2")]
        print(f"{pc} apply: {apply[(pc, '1')]:.2f} ms on 1 thread, {apply[(pc, '2')]:.2f} ms on 2: speed-up {s:.2f}x (target >= 1.6x)")
if "none" in pcg and "ic0" in pcg:
    print(f"PCG iteration, 2 threads: CG {pcg['none']:.2f} ms, IC(0)-PCG {pcg['ic0']:.2f} ms: {pcg['ic0'] / pcg['none']:.2f}x (target <= 2x)")
PY
