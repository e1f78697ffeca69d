#!/usr/bin/env bash
# Run on the build machine (with Maven and a JDK 17 that has jmods): prepares kernels/target/gpu, everything
# kernels/gpu-check.sh needs on a GPU machine that may have neither Java nor Maven:
#   jre/          a jlink'ed Java 17 runtime (java.base, java.logging, java.management, jdk.management,
#                 jdk.unsupported, jdk.incubator.vector)
#   classes/ test-classes/ lib/   the kernels module, its tests and their dependencies (JCuda natives slimmed
#                 to the driver library: the 24 MB PTX compiler is not used)
#   benchmarks.jar               bench/target/benchmarks.jar when it has been built (JMH rectification benchmarks)
# Then copy the checkout with kernels/target/gpu to the GPU machine and run `bash kernels/gpu-check.sh` there.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
out=kernels/target/gpu
JDK="${JLINK_JDK:-/usr/lib/jvm/java-17-openjdk-amd64}"

./mvnw -q -pl kernels -am test-compile org.apache.maven.plugins:maven-dependency-plugin:3.6.1:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt
rm -rf "$out"
mkdir -p "$out/lib"
cp -r kernels/target/classes "$out/classes"
cp -r kernels/target/test-classes "$out/test-classes"
IFS=":" read -ra entries < kernels/target/test-classpath.txt || true
for e in "${entries[@]}"; do
  if [[ -d "$e" ]]; then
    jar_name="$(basename "$(dirname "$(dirname "$e")")")-classes.jar"   # e.g. engine/target/classes
    (cd "$e" && "$JDK/bin/jar" cf "$root/$out/lib/$jar_name" .)
  elif [[ "$(basename "$e")" == jcuda-natives-* ]]; then
    tmp="$(mktemp -d)"
    (cd "$tmp" && unzip -q "$e" 'lib/libJCudaDriver-*' && "$JDK/bin/jar" cf "$root/$out/lib/$(basename "$e" .jar)-driver-only.jar" lib)
    rm -rf "$tmp"
  else
    cp "$e" "$out/lib/"
  fi
done
if [[ -f bench/target/benchmarks.jar ]]; then cp bench/target/benchmarks.jar "$out/"; fi
"$JDK/bin/jlink" --add-modules java.base,java.logging,java.management,jdk.management,jdk.unsupported,jdk.incubator.vector \
  --strip-debug --no-header-files --no-man-pages --compress=2 --output "$out/jre"
du -sh "$out" "$out"/* | sed 's/^/gpu-prepare: /'
