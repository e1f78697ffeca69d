#!/usr/bin/env bash
# Every GPU check and measurement in one call, ON THE GPU MACHINE, from the repository root, after
# bench/gpu/prepare.sh here:
#   device tool: run(command="bash bench/gpu/run-all.sh", carry=["bench/target/gpu-bundle.tar.xz"], timeout_s=600)
# About 6-8 minutes; each step has its own time limit so the whole stays under 10:
#   1. the GPU test suite: kernels (every kernel vs its Java twin, cuBLAS) and the device step
#      (forler.rl.DeviceRectificationTest: the cuda path's rectified actions vs the CPU twin)
#   2. GpuBench: launch overhead, tiled vs naive vs cuBLAS GEMM at the training shapes, the fused search
#   3. JMH on cuda: RectificationBench (cost vs δ; backend cuda and cuda-search), SearchBench, LaunchOverheadBench
#   4. the PyTorch peer (bench/peers/torch_peer.py --device cuda) and PyTorch's GEMM (cuBLAS) at the training shapes
#   5. a summary against the goals (bench/gpu/summary.py), printed and written
# Writes at most 8 files to $OUT (the device tool brings back 8): summary.txt, gpu-results.json (tests, GpuBench,
# PyTorch, step status), logs.txt, jmh-*.json (JMH's own format, for bench's RectificationReport).
# Exit status: 0 when every step ran and every test passed; 1 otherwise (the summary says which).
set -uo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
OUT="${OUT:-$root/bench/target/gpu-out}"
work="${TMPDIR:-/tmp}/forler-gpu"
bundle="${GPU_BUNDLE:-bench/target/gpu-bundle.tar.xz}"
mkdir -p "$OUT"
rm -rf "$work" && mkdir -p "$work/b" "$work/out"
if [[ ! -f "$bundle" ]]; then echo "run-all: $bundle missing: run bench/gpu/prepare.sh and carry it" >&2; exit 2; fi
tar -xJf "$bundle" -C "$work/b"
JAVA="$work/b/jre/bin/java"
CP="$work/b/tests:$work/b/cp/*"
JOPTS=(--add-modules jdk.incubator.vector -Xss4m -XX:+UseParallelGC)
W="$work/out"
: > "$W/steps.tsv"

# step NAME LIMIT_S CMD...: runs CMD with stdout+stderr to $W/NAME.log, records name, exit status and seconds.
step() {
  local name=$1 limit=$2; shift 2
  local t0=$SECONDS
  echo "== $name (limit ${limit}s)"
  timeout -k 5 "$limit" "$@" > "$W/$name.log" 2>&1
  local rc=$?
  printf '%s\t%d\t%d\n' "$name" "$rc" $((SECONDS - t0)) >> "$W/steps.tsv"
  echo "   exit $rc after $((SECONDS - t0))s"
  return 0
}
jmh() { # jmh NAME LIMIT_S REGEX [-p ...]: one JMH run, results as JMH JSON in $OUT/jmh-NAME.json
  local name=$1 limit=$2; shift 2
  step "jmh-$name" "$limit" "$JAVA" "${JOPTS[@]}" -cp "$CP" org.openjdk.jmh.Main "$@" -f 1 -wi 1 -w 1s -i 3 -r 1s \
    -rf json -rff "$OUT/jmh-$name.json"
}

"$JAVA" -version > "$W/java-version.log" 2>&1
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader > "$W/nvidia-smi.log" 2>&1
head -1 "$W/nvidia-smi.log"

step tests 170 "$JAVA" "${JOPTS[@]}" -cp "$CP" forler.kernels.GpuTestMain "$W/gpu-tests.json" --require-gpu \
  --class=forler.rl.DeviceRectificationTest
grep -E '^FAILED' "$W/tests.log" | head -20; tail -1 "$W/tests.log"
step gpubench 90 "$JAVA" "${JOPTS[@]}" -cp "$CP" forler.kernels.dev.GpuBench "$W/gpu-bench.json"

# A device step vs δ at the SPEC search (N20 I3), GEMMs on the GPU (cuda) or the CPU (cuda-search); the goal shape N256 I4.
jmh rectification 130 RectificationBench -p backend=cuda,cuda-search -p samples=20 -p iterations=3 -p delta=1,2,5,10,20
jmh rectification-n256 40 RectificationBench -p backend=cuda-search -p samples=256 -p iterations=4 -p delta=1,20
jmh search 60 SearchBench -p backend=cuda -p samples=64,256 -p iterations=4
jmh launch 30 LaunchOverheadBench -p backend=cpu,cuda

step torch-batched 120 python3 bench/peers/torch_peer.py --device cuda --ensemble batched --reps 10
step torch-heads 120 python3 bench/peers/torch_peer.py --device cuda --ensemble heads --reps 10
step torch-gemm 60 python3 bench/gpu/torch_gemm.py

python3 bench/gpu/summary.py "$W" "$OUT" || echo "run-all: summary.py failed; raw logs in $OUT/logs.txt"
for f in "$W"/*.log; do echo "===== $(basename "$f")"; tail -c 60000 "$f"; done > "$OUT/logs.txt"
cat "$OUT/summary.txt" 2>/dev/null
bad=$(awk -F'\t' '$2 != 0' "$W/steps.tsv" | cut -f1 | tr '\n' ' ')
for f in "$OUT"/jmh-*.json; do # JMH exits 0 when trials stop in setup: an empty result list is a failure too
  [[ $(tr -d ' \n[]' < "$f" | wc -c) -gt 0 ]] || bad+="$(basename "$f" .json)(empty) "
done
if [[ -n "$bad" ]]; then echo "run-all: steps that failed or timed out: $bad"; exit 1; fi
echo "run-all: all steps ran; results in $OUT"
