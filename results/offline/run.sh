#!/usr/bin/env bash
# The offline learning table of issue #5: CQL and TD3+BC on medium, medium-replay and medium-expert, 3 seeds.
# Usage: results/offline/run.sh TASK STEPS [SIZE] [HIDDEN]   e.g. results/offline/run.sh pendulum 5000 10000 64
# Each run writes results/offline/TASK/ALGO-KIND-sSEED/{train.csv,train.json,curve.png}; summarise.py makes the table.
# ALGOS="td3bc" limits the algorithms (default: td3bc cql). MR_SIZE=N sets medium-replay's size (it is the medium policy's whole replay buffer: 6000 for pendulum).
# KINDS="medium" limits the datasets (default: medium medium-replay medium-expert). ROOT=DIR writes under DIR/TASK instead
# of results/offline/TASK (longer runs: ROOT=results/offline-long).
# FORLER=... overrides the launcher (default bin/forler); runs that already finished are skipped (checkpoint + --resume).
set -euo pipefail
cd "$(dirname "$0")/../.."
task=$1 steps=$2 size=${3:-10000} hidden=${4:-64}
forler=${FORLER:-bin/forler}
for algo in ${ALGOS:-td3bc cql}; do
  for kind in ${KINDS:-medium medium-replay medium-expert}; do
    for seed in 0 1 2; do
      out=${ROOT:-results/offline}/$task/$algo-$kind-s$seed
      if [ -f "$out/train.csv" ] && [ ! -f "$out/checkpoint.safetensors" ]; then continue; fi  # finished
      n=$size; [ "$kind" = medium-replay ] && n=${MR_SIZE:-$size}
      $forler train --algo "$algo" --task "$task" --data "$kind" --size "$n" --steps "$steps" --seed "$seed" \
        --hidden "$hidden" --batch 256 --eval-every $((steps / 5)) --eval-episodes 10 --out "$out" --resume
      rm -f "$out/checkpoint.safetensors"
    done
  done
done
