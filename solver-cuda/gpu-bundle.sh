#!/usr/bin/env bash
# Builds gpu-bundle/ at the repository root: everything a GPU machine needs to run the gpu-tagged
# tests and the GPU benchmark WITHOUT Maven or a JDK (such machines may have neither, nor network):
#
#   gpu-bundle/lib/       solvent-core, solvent-cuda and its test classes, JCuda 12.6.0 with the
#                         linux-x86_64 natives, SLF4J, junit-platform-console-standalone
#   gpu-bundle/runtime/   a jlink image of this JDK (java.base and the few modules listed below)
#   gpu-bundle/run-gpu.sh runs the gpu tests, then dev.solvent.cuda.GpuBenchmark
#
# Usage: solver-cuda/gpu-bundle.sh   (set MVN_OFFLINE=1 to build with mvn -o)
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
# java.sql (picocli's optional converters in the JUnit console), neither used here.
modules="java.base,java.logging,java.management,jdk.unsupported,jdk.zipfs,java.xml"

mvn=(mvn -B -q)
if [[ -n "${MVN_OFFLINE:-}" ]]; then
    mvn+=(-o)
fi

rm -rf "$out"
mkdir -p "$out/lib"
cd "$root"

# The jars, the test classes as a jar, and solver-cuda's runtime dependencies, in one reactor run
# so that solvent-core resolves to the jar just built.
"${mvn[@]}" -pl solver-cuda -am -DskipTests package "$dependency_plugin:copy-dependencies" \
    -DincludeScope=runtime -DexcludeGroupIds=dev.solvent -DoutputDirectory="$out/lib"
cp "solver-core/target/solvent-core-$version.jar" \
   "solver-cuda/target/solvent-cuda-$version.jar" \
   "solver-cuda/target/solvent-cuda-$version-tests.jar" "$out/lib/"
# The testdata module's jar lands here through solver-core's test scope only; it is not needed.
rm -f "$out"/lib/solvent-testdata-*.jar
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
# Runs the gpu-tagged tests of solver-cuda, then the GPU benchmark, with the bundled Java runtime.
# Exit status: that of the tests if they failed, else that of the benchmark.
# REPORTS_DIR (default: reports/ beside this script) receives JUnit's XML reports.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
java="$here/runtime/bin/java"
console="$(ls "$here"/lib/junit-platform-console-standalone-*.jar)"
tests_jar="$(ls "$here"/lib/solvent-cuda-*-tests.jar)"
cp="$(ls "$here"/lib/*.jar | grep -v console-standalone | tr '\n' ':')"
reports="${REPORTS_DIR:-$here/reports}"
mkdir -p "$reports"

echo "== device"
nvidia-smi --query-gpu=name,driver_version,memory.total,memory.used --format=csv 2>/dev/null || echo "(nvidia-smi not found)"
"$java" -version 2>&1 | head -1

echo "== gpu tests"
"$java" -Xmx16g -jar "$console" execute --disable-banner --details=tree \
    --class-path "$cp" --scan-class-path "$tests_jar" --include-tag gpu --fail-if-no-tests \
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
du -sh "$out/lib" "$out/runtime"
