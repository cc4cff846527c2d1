#!/usr/bin/env bash
# Builds gpu-bundle/ at the repository root: everything a GPU machine needs to run the gpu-tagged
# tests and the GPU benchmark WITHOUT Maven or a JDK (such machines may have neither, nor network):
#
#   gpu-bundle/lib/       solvent-core, solvent-cuda and solvent-learned-precond with their test
#                         classes, solvent-testdata, EJML, JCuda 12.6.0 with the linux-x86_64
#                         natives, SLF4J, junit-platform-console-standalone
#   gpu-bundle/shared/    the two DOTmark images CudaOtTest compares on (shared/dotmark/Shapes_32_*)
#   gpu-bundle/runtime/   a jlink image of this JDK (java.base and the few modules listed below)
#   gpu-bundle/run-gpu.sh runs the gpu tests of solver-cuda and learned-precond, then
#                         dev.solvent.cuda.GpuBenchmark
#
# Usage: solver-cuda/gpu-bundle.sh   (set MVN_OFFLINE=1 to build with mvn -o; SOLVENT_SHARED names
# the shared/ folder when it is not beside the checkout)
# The folder is ignored by git; copy or carry it to the GPU machine and run gpu-bundle/run-gpu.sh.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/gpu-bundle"
version="0.1.0-SNAPSHOT"
junit_console="org.junit.platform:junit-platform-console-standalone:1.11.3"
slf4j_simple="org.slf4j:slf4j-simple:2.0.16"
dependency_plugin="org.apache.maven.plugins:maven-dependency-plugin:3.8.1"
# Modules of the runtime image: java.base; java.logging (JCuda, JUnit); java.management and
# jdk.unsupported (JUnit); jdk.zipfs (JUnit scans the tests jar through the zip file system);
# java.xml (the JUnit console's XML reports). jdeps also names java.desktop (EJML's plotting) and
# java.sql (picocli's optional converters in the JUnit console), neither used here; for
# learned-precond it adds java.desktop, java.management and jdk.management, all from dev.solvent.tune
# (plots, bandit reports), which the gpu tests (dev.solvent.dcdm) do not reach.
modules="java.base,java.logging,java.management,jdk.unsupported,jdk.zipfs,java.xml"

mvn=(mvn -B -q)
if [[ -n "${MVN_OFFLINE:-}" ]]; then
    mvn+=(-o)
fi

shared="${SOLVENT_SHARED:-$root/../shared}"
# CudaOtTest's DOTmark case (skipped when these are absent), 12 KB.
dotmark_files="Shapes_32_1001.csv Shapes_32_1002.csv"

rm -rf "$out"
mkdir -p "$out/lib"
cd "$root"

# The jars, the test classes as jars, and the runtime dependencies of every module built (solver-
# core, solver-cuda, learned-precond), in one reactor run so that the modules resolve to the jars
# just built.
"${mvn[@]}" -pl learned-precond -am -DskipTests package "$dependency_plugin:copy-dependencies" \
    -DincludeScope=runtime -DexcludeGroupIds=dev.solvent -DoutputDirectory="$out/lib"
# The testdata jar (130 KB) is kept: DeviceDcdmNetworkTest loads the shipped DCDM model
# (dev/solvent/testdata/dcdm/dcdm-fluid16-c8.*) from the classpath when the testdata folder is not
# beside its working directory, as on the GPU machine.
cp "testdata/target/solvent-testdata-$version.jar" \
   "solver-core/target/solvent-core-$version.jar" \
   "solver-cuda/target/solvent-cuda-$version.jar" \
   "solver-cuda/target/solvent-cuda-$version-tests.jar" \
   "learned-precond/target/solvent-learned-precond-$version.jar" \
   "learned-precond/target/solvent-learned-precond-$version-tests.jar" "$out/lib/"
mkdir -p "$out/shared/dotmark"
for f in $dotmark_files; do
    if [[ -f "$shared/dotmark/$f" ]]; then
        cp "$shared/dotmark/$f" "$out/shared/dotmark/"
    else
        echo "gpu-bundle: $shared/dotmark/$f not found; CudaOtTest's DOTmark cases will skip" >&2
    fi
done
for artifact in "$junit_console" "$slf4j_simple"; do
    "${mvn[@]}" -N "$dependency_plugin:copy" -Dartifact="$artifact" -DoutputDirectory="$out/lib"
done

# Size: JCuda's natives jar carries libJNvPTXCompiler (24 MB unpacked), JCuda's binding of the
# nvPTXCompiler library, which Solvent never uses (the driver JIT-compiles our PTX); it is loaded
# only by the class jcuda.nvptxcompiler.JNvPTXCompiler, so the bundle drops it from the jar.
natives="$(ls "$out"/lib/jcuda-natives-*.jar)"
repack="$(mktemp -d)"
(cd "$repack" && unzip -q "$natives" && rm -f lib/libJNvPTXCompiler-*.so)
rm "$natives"
jar --create --file "$natives" --manifest "$repack/META-INF/MANIFEST.MF" -C "$repack" lib -C "$repack" META-INF/maven
rm -rf "$repack"

jlink --add-modules "$modules" --strip-debug --no-header-files --no-man-pages --compress=2 \
    --output "$out/runtime"
# The JDK's libjvm.so keeps its symbol table (4 MB); the runtime does not need it.
if command -v strip >/dev/null 2>&1; then
    chmod u+w "$out/runtime/lib/server/libjvm.so"
    strip --strip-unneeded "$out/runtime/lib/server/libjvm.so"
fi

cat > "$out/run-gpu.sh" <<'RUN'
#!/usr/bin/env bash
# Runs the gpu-tagged tests of solver-cuda and learned-precond, then the GPU benchmark, with the
# bundled Java runtime. The tests find DOTmark data in shared/ here (-Dsolvent.shared).
# Exit status: that of the tests if they failed, else that of the benchmark.
# REPORTS_DIR (default: reports/ beside this script) receives JUnit's XML reports.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
java="$here/runtime/bin/java"
console="$(ls "$here"/lib/junit-platform-console-standalone-*.jar)"
cuda_tests="$(ls "$here"/lib/solvent-cuda-*-tests.jar)"
dcdm_tests="$(ls "$here"/lib/solvent-learned-precond-*-tests.jar)"
cp="$(ls "$here"/lib/*.jar | grep -v console-standalone | tr '\n' ':')"
reports="${REPORTS_DIR:-$here/reports}"
mkdir -p "$reports"

echo "== device"
nvidia-smi --query-gpu=name,driver_version,memory.total,memory.used --format=csv 2>/dev/null || echo "(nvidia-smi not found)"
"$java" -version 2>&1 | head -1

echo "== gpu tests"
"$java" -Xmx16g -Dsolvent.shared="$here/shared" -jar "$console" execute --disable-banner --details=tree \
    --class-path "$cp" \
    --scan-class-path "$cuda_tests" --scan-class-path "$dcdm_tests" --include-tag gpu --fail-if-no-tests \
    --reports-dir "$reports"
tests=$?

echo "== benchmark"
"$java" -Xmx32g -cp "$cp" dev.solvent.cuda.GpuBenchmark "$@"
bench=$?

echo "== gpu tests exit status $tests, benchmark exit status $bench"
if [[ $tests -ne 0 ]]; then exit $tests; fi
exit $bench
RUN
chmod +x "$out/run-gpu.sh"

echo "gpu-bundle: $(du -sh "$out" | cut -f1) in $out"
du -sh "$out/lib" "$out/runtime" "$out/shared"
