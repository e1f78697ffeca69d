#!/usr/bin/env bash
# Run ON THE GPU MACHINE (an NVIDIA H100 or H200) from the repository root, in a copy of the checkout that holds
# kernels/target/gpu from kernels/gpu-prepare.sh on the build machine. Writes to $OUT (default kernels/target/gpu-out):
# 1. the kernels test suite, GPU tests included (each kernel vs its Java twin)  -> $OUT/gpu-tests.json
# 2. kernel timings with their baselines (GpuBench)                              -> $OUT/gpu-bench.json
# 3. the JMH rectification benchmarks, when benchmarks.jar was prepared          -> $OUT/jmh-rectification.json
#    (JMH_REGEX selects them, default "Rectif"; JMH_ARGS adds JMH options)
# Prints a summary; exits non-zero when a test failed, no GPU was found, or a step crashed.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
gpu="$here/target/gpu"
OUT="${OUT:-$here/target/gpu-out}"
mkdir -p "$OUT"
if [[ -x "$gpu/jre/bin/java" ]]; then JAVA="$gpu/jre/bin/java"
elif command -v java >/dev/null; then JAVA=java
else echo "gpu-check: no Java: run kernels/gpu-prepare.sh first and carry kernels/target/gpu" >&2; exit 2; fi
if [[ ! -d "$gpu/classes" ]]; then echo "gpu-check: $gpu/classes missing: run kernels/gpu-prepare.sh and carry kernels/target/gpu" >&2; exit 2; fi
"$JAVA" -version 2>&1 | head -1 | tee "$OUT/java-version.txt"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv 2>&1 | tee "$OUT/nvidia-smi.csv"
CP="$gpu/classes:$gpu/test-classes:$gpu/lib/*"
JOPTS=(--add-modules jdk.incubator.vector -Xss4m)
rc=0

echo "== 1. test suite"
"$JAVA" "${JOPTS[@]}" -cp "$CP" forler.kernels.GpuTestMain "$OUT/gpu-tests.json" --require-gpu > "$OUT/gpu-tests.log" 2>&1 || rc=1
grep -E '^(FAILED|SKIPPED)' "$OUT/gpu-tests.log" | head -40
tail -2 "$OUT/gpu-tests.log"

echo "== 2. kernel timings"
"$JAVA" "${JOPTS[@]}" -cp "$CP" forler.kernels.GpuBench "$OUT/gpu-bench.json" 2>&1 | tee "$OUT/gpu-bench.log" || rc=1
[[ ${PIPESTATUS[0]} -eq 0 ]] || rc=1

if [[ -f "$gpu/benchmarks.jar" ]]; then
  echo "== 3. JMH rectification benchmarks (${JMH_REGEX:-Rectif})"
  "$JAVA" "${JOPTS[@]}" -jar "$gpu/benchmarks.jar" "${JMH_REGEX:-Rectif}" -f 1 -wi 2 -i 3 \
    -jvmArgsAppend "--add-modules jdk.incubator.vector -Xss4m -Dforler.backend=cuda" ${JMH_ARGS:-} \
    -rf json -rff "$OUT/jmh-rectification.json" > "$OUT/jmh.log" 2>&1 || rc=1
  tail -25 "$OUT/jmh.log"
else
  echo "== 3. skipped: no benchmarks.jar (build bench, then rerun kernels/gpu-prepare.sh)"
fi
echo "gpu-check: exit $rc; results in $OUT"
exit $rc
