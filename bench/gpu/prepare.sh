#!/usr/bin/env bash
# Run HERE (a machine with Maven and a JDK 17 that has jmods; no GPU needed). Builds bench/target/gpu-bundle.tar.xz,
# everything bench/gpu/run-all.sh needs on a GPU machine that has neither Java nor Maven, small enough to travel
# beside the repository (about 17 MiB; a device call carries 64 MiB with the working tree):
#   jre/    a jlink'ed Java 17 runtime (java.base, java.logging, java.management, jdk.management, jdk.unsupported,
#           jdk.incubator.vector), native debug symbols stripped
#   cp/     engine, kernels (with the PTX), forler (classes only, no bundled datasets/policies), bench (JMH
#           benchmarks), JMH, EJML, JCuda and JCublas with their linux-x86_64 natives (driver and cuBLAS libraries
#           only), JUnit
#   tests/  the kernels module's tests and forler's DeviceRectificationTest (GPU tests beside their twins)
# Then, with the device tool: run(command="bash bench/gpu/run-all.sh", carry=["bench/target/gpu-bundle.tar.xz"]).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
JDK="${JLINK_JDK:-/usr/lib/jvm/java-17-openjdk-amd64}"
m2="${M2_REPO:-$HOME/.m2/repository}"
stage=bench/target/gpu-stage
bundle=bench/target/gpu-bundle.tar.xz

./mvnw -q ${MVN_OFFLINE:--o} -pl bench,kernels,forler -am -DskipTests package
rm -rf "$stage" "$bundle"
mkdir -p "$stage/cp" "$stage/tests/forler/rl"

prop() { sed -n "s:.*<$1>\\(.*\\)</$1>.*:\\1:p" pom.xml | head -1; }
jar_of() { # group-path artifact version -> the jar in the local repository
  local f="$m2/$1/$2/$3/$2-$3.jar"
  [[ -f "$f" ]] || { echo "gpu-prepare: $f missing: build once online (./mvnw -pl bench -am package)" >&2; exit 1; }
  cp "$f" "$stage/cp/"
}
natives_of() { # natives jar, keeping only the libraries matching $2
  local f="$m2/org/jcuda/$1/$3/$1-$3-linux-x86_64.jar" tmp
  tmp="$(mktemp -d)"
  (cd "$tmp" && unzip -q "$f" "lib/$2" && "$JDK/bin/jar" cf "$root/$stage/cp/$1-$3-linux-x86_64.jar" lib)
  rm -rf "$tmp"
}

(cd engine/target/classes && "$JDK/bin/jar" cf "$root/$stage/cp/forler-engine.jar" .)
(cd kernels/target/classes && "$JDK/bin/jar" cf "$root/$stage/cp/forler-kernels.jar" .)
(cd forler/target/classes && "$JDK/bin/jar" cf "$root/$stage/cp/forler.jar" forler)
zip -q -d "$stage/cp/forler.jar" 'forler/policies/*' >/dev/null
(cd bench/target/classes && "$JDK/bin/jar" cf "$root/$stage/cp/forler-bench.jar" .)

jcuda=$(prop jcuda.version) jmh=$(prop jmh.version) ejml=$(prop ejml.version) junit=$(prop junit.version)
platform=$(sed -n 's:.*<artifactId>junit-platform-launcher</artifactId><version>\([^<]*\)<.*:\1:p' kernels/pom.xml)
jar_of org/jcuda jcuda "$jcuda"
jar_of org/jcuda jcublas "$jcuda"
natives_of jcuda-natives 'libJCudaDriver-*' "$jcuda"
natives_of jcublas-natives 'libJCublas2-*' "$jcuda"
jar_of org/openjdk/jmh jmh-core "$jmh"
jar_of net/sf/jopt-simple jopt-simple 5.0.4        # jmh-core's dependencies
jar_of org/apache/commons commons-math3 3.6.1
jar_of org/ejml ejml-fdense "$ejml"
jar_of org/ejml ejml-core "$ejml"
for a in junit-jupiter-api junit-jupiter-engine junit-jupiter-params; do jar_of org/junit/jupiter $a "$junit"; done
for a in junit-platform-commons junit-platform-engine junit-platform-launcher; do jar_of org/junit/platform $a "$platform"; done
jar_of org/opentest4j opentest4j 1.3.0
jar_of org/apiguardian apiguardian-api 1.1.2

cp -r kernels/target/test-classes/. "$stage/tests/"
cp forler/target/test-classes/forler/rl/DeviceRectificationTest*.class "$stage/tests/forler/rl/"

"$JDK/bin/jlink" --add-modules java.base,java.logging,java.management,jdk.management,jdk.unsupported,jdk.incubator.vector \
  --strip-debug --strip-native-debug-symbols=objcopy=/usr/bin/objcopy --no-header-files --no-man-pages --compress=0 \
  --output "$stage/jre"
tar -C "$stage" -cf - . | xz -6 -T2 > "$bundle"
du -sh "$stage"/* "$bundle" | sed 's/^/gpu-prepare: /'
size=$(du -sm "$bundle" | cut -f1)
if (( size > 24 )); then echo "gpu-prepare: $bundle is ${size} MiB: too large to travel with the repository" >&2; exit 1; fi
