#!/usr/bin/env bash
# Checks the CUDA kernels WITHOUT a GPU: compiles each .cu file as C++ against emu.h (one std::thread per CUDA
# thread, __syncthreads = std::barrier, dynamic shared memory pre-filled with NaN to expose unwritten reads), runs
# them on random odd shapes and compares with the Java twins (Compare.java). Needs g++ >= 11 (C++20) and a JDK 17+.
# It checks indexing, barriers and arithmetic order; it cannot see warp-level or memory-model effects, launch
# limits or performance: the GPU tests (bench/gpu/run-all.sh) remain the real check.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
build="$root/kernels/target/emu"
mkdir -p "$build"
for f in "$root"/kernels/src/main/cuda/*.cu "$root"/kernels/src/main/cuda/dev/*.cu; do
  sed -e 's/extern __shared__ float sm\[\];/float* sm = emu_dyn_smem;/' -e 's/extern "C" __device__/__device__/' \
      "$f" > "$build/$(basename "$f" .cu).emu.cu"
done
g++ -std=c++20 -O1 -ffp-contract=off -pthread -w -I"$here/inc" -I"$here" -I"$build" "$here/driver.cpp" -o "$build/driver"
(cd "$root" && ./mvnw -q -o -pl kernels -am compile)
java -Demu.driver="$build/driver" -cp "$root/kernels/target/classes:$root/engine/target/classes" "$here/Compare.java"
