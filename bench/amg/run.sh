#!/usr/bin/env bash
# The multigrid comparison: Solvent CG, IC(0)-PCG and AMG-PCG beside PETSc CG + GAMG, PETSc CG +
# hypre BoomerAMG and pyamg smoothed aggregation + CG, on the 3D Poisson and smoke-box pressure
# problems, then Solvent's preconditioners on the SPD matrices of ../shared/matrices; one page
# (amg.md) from this one run.
#
#   bench/amg/run.sh [--out DIR] [--work DIR] [--sizes 64,128] [--threads 1,2] [--rounds 2]
#                    [--repeats 3] [--problems poisson3d,fluid3d]
#                    [--methods cg,cg-stencil,ic0,amg,amg-stencil,gamg,hypre,pyamg]
#                    [--rtol 1e-8] [--matrices DIR | --no-matrices] [--no-install] [--quick]
#
#   --out      the folder the page goes to, as DIR/amg.md (default target/amg-bench); docs/amg.md
#              is replaced only when asked for with --out docs (or --out docs/amg.md).
#   --work     where the raw data go: the generated matrices (hundreds of MB at 128^3), the JSON
#              lines of every run, logs, the pyamg environment (default target/amg-bench); a folder
#              in the tracked tree is refused.
#   --quick    32^3 only, 2 rounds of 2 solves: a check of the harness in a minute or two.
#   cg-stencil and amg-stencil (3D Poisson only) apply the matrix-free 7-point stencil in place of
#   the assembled matrix (AMG: on the finest level; its hierarchy is built from the matrix).
#
# What it needs and installs when missing (as root, or through sudo -n): Debian's python3-petsc4py
# and python3-scipy (they bring OpenMPI and hypre), run by /usr/bin/python3 (a python3 earlier on
# PATH may lack Debian's packages); pyamg from Debian where it has one, else pip into a virtual
# environment under the work folder; a method that cannot be had is reported "not available".
# Builds the benchmark and CLI jars when they are missing or older than the sources.
#
# Order: for every grid size and problem, `rounds` rounds; a round runs every method at every
# thread / rank count once, in the same order (A B C A B C). A full run (64 and 128, both problems,
# 2 rounds of 3 solves, without the stencil methods) took 18 minutes on 2 idle cores, and 87 on 2
# cores shared with other jobs (load average 8 to 16). Run it on a quiet machine; on a shared one,
# `nice bench/amg/run.sh ...` and treat the times as indicative.
set -euo pipefail

cd "$(dirname "$0")/../.."
ROOT=$(pwd)
COMMAND="bench/amg/run.sh"
for a in "$@"; do COMMAND+=" $(printf '%q' "$a")"; done

OUT=""
WORK=""
SIZES="64,128"
THREADS="1,2"
ROUNDS=2
REPEATS=3
PROBLEMS="poisson3d,fluid3d"
METHODS="cg,cg-stencil,ic0,amg,amg-stencil,gamg,hypre,pyamg"
RTOL="1e-8"
MATRICES="../shared/matrices"
INSTALL=1
usage() { sed -n '7,19p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
while [ $# -gt 0 ]; do
    case "$1" in
        --out) OUT="$2"; shift 2 ;;
        --work) WORK="$2"; shift 2 ;;
        --sizes) SIZES="$2"; shift 2 ;;
        --threads) THREADS="$2"; shift 2 ;;
        --rounds) ROUNDS="$2"; shift 2 ;;
        --repeats) REPEATS="$2"; shift 2 ;;
        --problems) PROBLEMS="$2"; shift 2 ;;
        --methods) METHODS="$2"; shift 2 ;;
        --rtol) RTOL="$2"; shift 2 ;;
        --matrices) MATRICES="$2"; shift 2 ;;
        --no-matrices) MATRICES=""; shift ;;
        --no-install) INSTALL=0; shift ;;
        --quick) SIZES="32"; ROUNDS=2; REPEATS=2; shift ;;
        -h|--help) usage ;;
        *) echo "run.sh: unknown option $1" >&2; usage ;;
    esac
done

# ---- where the page and the raw data go ------------------------------------------------------
OUT="${OUT:-target/amg-bench}"
case "$OUT" in
    *.md) PAGE="$OUT" ;;
    *) PAGE="$OUT/amg.md" ;;
esac
WORK="${WORK:-target/amg-bench}"
# The raw data (matrices of hundreds of MB at 128^3, logs) stay out of the tracked tree.
WORK_ABS=$(realpath -m "$WORK")
case "$WORK_ABS/" in
    "$ROOT"/*)
        if ! git check-ignore -q "$WORK_ABS"; then
            echo "run.sh: $WORK would put the raw data in the tracked tree; use an ignored folder (target/...) or one outside the checkout (--work DIR)" >&2
            exit 2
        fi
        ;;
esac
mkdir -p "$WORK" "$(dirname "$PAGE")"
WORK=$(cd "$WORK" && pwd)
PROB="$WORK/problems"
LOGS="$WORK/logs"
VIEWS="$WORK/views"
RUNS="$WORK/runs.jsonl"
ENVF="$WORK/env.txt"
CMDS="$WORK/commands.txt"
rm -rf "$LOGS" "$VIEWS"
mkdir -p "$PROB" "$LOGS" "$VIEWS"
: > "$RUNS"
: > "$CMDS"
START=$(date +%s)

say() { echo "[amg-bench $(date +%H:%M:%S)] $*" >&2; }
has() { [[ ",$2," == *",$1,"* ]]; }
as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo -n "$@"; else return 1; fi
}
apt_install() {
    [ "$INSTALL" = 1 ] || return 1
    command -v apt-get >/dev/null || return 1
    say "installing $* (apt-get)"
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -q "$@" >"$LOGS/apt.log" 2>&1 && return 0
    as_root apt-get update -q >>"$LOGS/apt.log" 2>&1 || true
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -q "$@" >>"$LOGS/apt.log" 2>&1
}

# ---- Solvent: the jars --------------------------------------------------------------------------
JAR=jmh/target/benchmarks.jar
CLI=cli/target/solvent.jar
stale=""
if [ -f "$JAR" ] && [ -f "$CLI" ]; then
    stale=$(find pom.xml */pom.xml */src/main -newer "$JAR" -type f 2>/dev/null | head -n 1)
fi
if [ ! -f "$JAR" ] || [ ! -f "$CLI" ] || [ -n "$stale" ]; then
    say "building $JAR and $CLI"
    mvn -B -q -o -pl jmh,cli -am package -DskipTests || mvn -B -q -pl jmh,cli -am package -DskipTests
fi
JAVA_HEAP="-Xms1g -Xmx4g"
DRIVER=(java $JAVA_HEAP -cp "$JAR" dev.solvent.jmh.peers.PressureSolveComparison)

# ---- PETSc (Debian's petsc4py) and MPI ----------------------------------------------------------
PY=/usr/bin/python3
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
petsc_import() { "$PY" -c 'import petsc4py, scipy; from petsc4py import PETSc' >/dev/null 2>&1; }
find_petsc() {
    [ -x "$PY" ] || return 1
    petsc_import && return 0
    # Debian installs petsc4py under PETSC_DIR; without petsc-dev's /usr/lib/petsc link, point at it.
    local d
    for d in /usr/lib/petscdir/petsc*/x86_64-linux-gnu-real /usr/lib/petscdir/petsc*/*-real /usr/lib/petscdir/*; do
        if [ -d "$d/lib/python3/dist-packages/petsc4py" ]; then
            export PETSC_DIR="$d"
            petsc_import && return 0
        fi
    done
    return 1
}
PETSC_NOTE=""
if has gamg "$METHODS" || has hypre "$METHODS"; then
    if ! find_petsc; then
        apt_install python3-petsc4py python3-scipy || true
        find_petsc || PETSC_NOTE="petsc4py could not be imported by $PY or installed (see $LOGS/apt.log)"
    fi
fi
MPI=()
if [ -z "$PETSC_NOTE" ] && (has gamg "$METHODS" || has hypre "$METHODS"); then
    if command -v mpiexec >/dev/null; then
        MPI=(mpiexec --oversubscribe --bind-to none)
        [ "$(id -u)" = 0 ] && MPI+=(--allow-run-as-root)
    else
        apt_install openmpi-bin || true
        if command -v mpiexec >/dev/null; then
            MPI=(mpiexec --oversubscribe --bind-to none)
            [ "$(id -u)" = 0 ] && MPI+=(--allow-run-as-root)
        fi
    fi
fi

# ---- pyamg --------------------------------------------------------------------------------------
PYAMG_PY=""
PYAMG_NOTE=""
PYAMG_FROM=""
if has pyamg "$METHODS"; then
    if [ -x "$PY" ] && "$PY" -c 'import pyamg, scipy' >/dev/null 2>&1; then
        PYAMG_PY="$PY"; PYAMG_FROM="already installed for $PY"
    elif [ "$INSTALL" = 1 ] && command -v apt-cache >/dev/null && apt-cache show python3-pyamg >/dev/null 2>&1 \
            && apt_install python3-pyamg && "$PY" -c 'import pyamg' >/dev/null 2>&1; then
        PYAMG_PY="$PY"; PYAMG_FROM="Debian's python3-pyamg"
    elif [ -x "$WORK/pyamg-venv/bin/python" ] && "$WORK/pyamg-venv/bin/python" -c 'import pyamg, scipy' >/dev/null 2>&1; then
        PYAMG_PY="$WORK/pyamg-venv/bin/python"; PYAMG_FROM="pip, in $WORK/pyamg-venv"
    elif [ "$INSTALL" = 1 ]; then
        # Debian has no python3-pyamg: pip into a virtual environment of the first python3 on PATH
        # that has venv and pip, reusing its SciPy when it has one.
        debian_note="Debian has no python3-pyamg"
        apt-cache show python3-pyamg >/dev/null 2>&1 && debian_note="Debian's python3-pyamg did not install"
        BASE=$(command -v python3 || true)
        if [ -n "$BASE" ] && "$BASE" -m venv --system-site-packages "$WORK/pyamg-venv" >"$LOGS/pyamg-install.log" 2>&1 \
                && timeout 600 "$WORK/pyamg-venv/bin/python" -m pip install --retries 1 --timeout 20 pyamg scipy >>"$LOGS/pyamg-install.log" 2>&1 \
                && "$WORK/pyamg-venv/bin/python" -c 'import pyamg, scipy' >/dev/null 2>&1; then
            PYAMG_PY="$WORK/pyamg-venv/bin/python"; PYAMG_FROM="$debian_note; pip installed it in $WORK/pyamg-venv"
        else
            PYAMG_NOTE="$debian_note and pip could not install pyamg: $(grep -E 'ERROR|error' "$LOGS/pyamg-install.log" | tail -n 1 | cut -c1-200)"
        fi
    else
        PYAMG_NOTE="pyamg is not installed and --no-install was given"
    fi
fi

# ---- the environment, for the page --------------------------------------------------------------
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//' || true)
{
    echo "Command: $COMMAND"
    echo "Date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "Commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD -- . 2>/dev/null || echo ' (with uncommitted changes)')"
    echo "CPU: ${cpu:-unknown}, $(getconf _NPROCESSORS_ONLN) cores online, $(free -g | awk '/^Mem:/ {print $2}') GiB memory"
    echo "Load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "JDK: $(java -version 2>&1 | head -n 2 | tail -n 1)"
    echo "JVM options: $JAVA_HEAP"
    echo "Solvent registry: $("${DRIVER[@]}" --list | tr '\n' ';' | sed 's/;$//; s/;/; /')"
    if [ -z "$PETSC_NOTE" ] && [ -x "$PY" ]; then
        "$PY" bench/amg/peers.py versions 2>/dev/null || true
        echo "hypre: $(dpkg-query -W -f '${Package} ${Version}\n' 'libhypre-*' 2>/dev/null | grep -v ' $' | head -n 1 || echo unknown)"
        [ ${#MPI[@]} -gt 0 ] && echo "MPI: $(mpiexec --version 2>/dev/null | head -n 1), run as: ${MPI[*]} -n RANKS"
        [ -n "${PETSC_DIR:-}" ] && echo "PETSC_DIR: $PETSC_DIR"
    else
        echo "PETSc: not available ($PETSC_NOTE)"
    fi
    if [ -n "$PYAMG_PY" ]; then
        echo "pyamg: $("$PYAMG_PY" -c 'import pyamg, scipy, numpy; print(pyamg.__version__, "with SciPy", scipy.__version__, "NumPy", numpy.__version__)') ($PYAMG_FROM)"
    elif has pyamg "$METHODS"; then
        echo "pyamg: not available ($PYAMG_NOTE)"
    fi
    echo "Settings: sizes $SIZES, problems $PROBLEMS, threads / ranks $THREADS, $ROUNDS rounds of $REPEATS solves, rtol $RTOL"
} > "$ENVF"
cat "$ENVF" >&2

# ---- problems -----------------------------------------------------------------------------------
IFS=, read -r -a SIZE_LIST <<< "$SIZES"
IFS=, read -r -a THREAD_LIST <<< "$THREADS"
IFS=, read -r -a PROBLEM_LIST <<< "$PROBLEMS"
IFS=, read -r -a METHOD_LIST <<< "$METHODS"
cache_py=""
[ -z "$PETSC_NOTE" ] && cache_py="$PY"
[ -z "$cache_py" ] && [ -n "$PYAMG_PY" ] && cache_py="$PYAMG_PY"
for N in "${SIZE_LIST[@]}"; do
    for P in "${PROBLEM_LIST[@]}"; do
        m="$PROB/$P-$N.mtx"
        say "generating $P $N^3"
        case "$P" in
            poisson3d) java -jar "$CLI" generate poisson3d --n "$N" --out "$m" >&2 ;;
            fluid3d) java -jar "$CLI" generate fluid3d --n "$N" --out "$m" --rhs-out "$PROB/$P-$N-rhs.mtx" >&2 ;;
            *) echo "run.sh: unknown problem $P (poisson3d or fluid3d)" >&2; exit 2 ;;
        esac
        rm -f "$m.npz"
        # The Python drivers read a binary copy of the parsed matrix (same values) instead of parsing the text each time.
        [ -n "$cache_py" ] && "$cache_py" bench/amg/peers.py cache "$m" 2>>"$LOGS/cache.log" || true
    done
done

# ---- runs ---------------------------------------------------------------------------------------
# run NAME JSON-HEADER -- command...: appends the command's JSON lines to runs.jsonl; a command that
# fails without saying why in a JSON line gets a "failed" line naming its log.
run() {
    local name="$1" header="$2"
    shift 3
    printf '%q ' "$@" | sed 's/ $//' >> "$CMDS"
    echo >> "$CMDS"
    local out="$LOGS/$name.out" rc=0
    say "$name"
    timeout 1800 "$@" > "$out" 2> "$LOGS/$name.err" || rc=$?
    grep '^{' "$out" >> "$RUNS" || true
    if [ "$rc" != 0 ] && ! grep -Eq '"kind": ?"failed"' "$out"; then
        echo "{${header}, \"kind\": \"failed\", \"reason\": \"exit code $rc; see logs/$name.err\"}" >> "$RUNS"
    fi
}
header() {  # tool method pc problem round parallel kind
    printf '"tool": "%s", "method": "%s", "solver": "cg", "pc": "%s", "problem": "%s", "round": %s, "parallel": %s, "parallelKind": "%s"' "$@"
}
unavailable() {  # tool method pc problem parallel kind reason
    printf '{"kind": "unavailable", "tool": "%s", "method": "%s", "solver": "cg", "pc": "%s", "problem": "%s", "round": 1, "parallel": %s, "parallelKind": "%s", "reason": "%s"}\n' \
        "$1" "$2" "$3" "$4" "$5" "$6" "${7//\"/\'}" >> "$RUNS"
}

for N in "${SIZE_LIST[@]}"; do
    for P in "${PROBLEM_LIST[@]}"; do
        m="$PROB/$P-$N.mtx"
        rhs=()
        pyrhs=()
        if [ "$P" = fluid3d ]; then rhs=(--rhs "$PROB/$P-$N-rhs.mtx"); pyrhs=(--rhs "$PROB/$P-$N-rhs.mtx"); fi
        for R in $(seq 1 "$ROUNDS"); do
            for T in "${THREAD_LIST[@]}"; do
                for M in "${METHOD_LIST[@]}"; do
                    case "$M" in
                        cg|ic0|amg|jacobi|ssor)
                            pc="$M"; [ "$M" = cg ] && pc=none
                            method="cg"; [ "$pc" != none ] && method="cg+$pc"
                            run "$P-$N-$M-t$T-r$R" "$(header solvent "$method" "$pc" "$P-$N" "$R" "$T" threads)" -- \
                                "${DRIVER[@]}" --matrix "$m" "${rhs[@]}" --pc "$pc" --threads "$T" --rtol "$RTOL" \
                                --repeats "$REPEATS" --problem "$P-$N" --round "$R"
                            ;;
                        cg-stencil|amg-stencil)
                            [ "$P" = poisson3d ] || continue
                            pc="${M%-stencil}"; [ "$pc" = cg ] && pc=none
                            method="cg"; [ "$pc" != none ] && method="cg+$pc"
                            run "$P-$N-$M-t$T-r$R" "$(header solvent "$method-stencil" "$pc" "$P-$N" "$R" "$T" threads)" -- \
                                "${DRIVER[@]}" --matrix "$m" --operator stencil --pc "$pc" --threads "$T" --rtol "$RTOL" \
                                --repeats "$REPEATS" --problem "$P-$N" --round "$R"
                            ;;
                        gamg|hypre)
                            if [ -n "$PETSC_NOTE" ] || [ ${#MPI[@]} = 0 ]; then
                                [ "$R" = 1 ] && unavailable petsc "cg+$M" "$M" "$P-$N" "$T" ranks "${PETSC_NOTE:-no mpiexec}"
                                continue
                            fi
                            extra=()
                            [ "$R" = 1 ] && [ "$M" = hypre ] && extra+=(--complexity)
                            [ "$R" = 1 ] && [ "$T" = "${THREAD_LIST[0]}" ] && [ ! -f "$VIEWS/$M.txt" ] && extra+=(--view "$VIEWS/$M.txt")
                            run "$P-$N-$M-n$T-r$R" "$(header petsc "cg+$M" "$M" "$P-$N" "$R" "$T" ranks)" -- \
                                "${MPI[@]}" -n "$T" "$PY" bench/amg/peers.py solve --method "$M" --matrix "$m" "${pyrhs[@]}" \
                                --rtol "$RTOL" --repeats "$REPEATS" --problem "$P-$N" --round "$R" "${extra[@]}"
                            ;;
                        pyamg)
                            [ "$T" = "${THREAD_LIST[0]}" ] || continue
                            if [ -z "$PYAMG_PY" ]; then
                                [ "$R" = 1 ] && unavailable pyamg cg+pyamg-sa pyamg "$P-$N" 1 threads "$PYAMG_NOTE"
                                continue
                            fi
                            run "$P-$N-pyamg-r$R" "$(header pyamg cg+pyamg-sa pyamg "$P-$N" "$R" 1 threads)" -- \
                                "$PYAMG_PY" bench/amg/peers.py solve --method pyamg --matrix "$m" "${pyrhs[@]}" \
                                --rtol "$RTOL" --repeats "$REPEATS" --problem "$P-$N" --round "$R"
                            ;;
                        *) echo "run.sh: unknown method $M" >&2; exit 2 ;;
                    esac
                done
            done
        done
    done
done

# ---- the SPD SuiteSparse matrices ---------------------------------------------------------------
README_ARGS=()
if [ -n "$MATRICES" ] && [ -f "$MATRICES/README.md" ]; then
    README_ARGS=(--matrices-readme "$MATRICES/README.md")
    # The README's table: | file | n | header | properties |; the SPD ones say so in properties.
    SPD=$(awk -F'|' '$2 ~ /\.mtx/ && $5 ~ /SPD/ {gsub(/ /, "", $2); print $2}' "$MATRICES/README.md")
    for f in $SPD; do
        [ -f "$MATRICES/$f" ] || continue
        name="${f%.mtx}"
        for pc in amg ic0 jacobi none; do
            method="cg"; [ "$pc" != none ] && method="cg+$pc"
            run "spd-$name-$pc" "$(header solvent "$method" "$pc" "spd:$name" 1 1 threads)" -- \
                "${DRIVER[@]}" --matrix "$MATRICES/$f" --pc "$pc" --threads 1 --rtol "$RTOL" --max-iter 20000 \
                --repeats 1 --warmup-grid 0 --problem "spd:$name"
        done
    done
elif [ -n "$MATRICES" ]; then
    say "no $MATRICES/README.md: the SPD matrices are skipped"
    echo "SPD matrices: $MATRICES/README.md not found, skipped" >> "$ENVF"
fi

END=$(date +%s)
{
    echo "Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "Duration of the run: $(( (END - START) / 60 )) min $(( (END - START) % 60 )) s"
    echo "Raw data: runs.jsonl, commands.txt and logs/ in $WORK (not kept with the page)"
} >> "$ENVF"

java -cp "$JAR" dev.solvent.reports.AmgReport --runs "$RUNS" --env "$ENVF" --views "$VIEWS" "${README_ARGS[@]}" --out "$PAGE"
say "done in $(( (END - START) / 60 )) min $(( (END - START) % 60 )) s: $PAGE"
