#!/bin/bash
# FORLER's round-to-round swings on pendulum (E5's setting at 30 rounds): which server/device setting causes them,
# and how much is evaluation noise? One variant, three seeds, each run E5's "4 good devices" arm at 30 rounds plus
# the variant's extra flags.
#
# usage: [EVAL=50] [ARM=polluted] [SEEDS="0 1 2"] results/forler-e5-ablation/run.sh NAME [extra flags of `forler run`...]
#   e.g. results/forler-e5-ablation/run.sh omega-s-8 --omega-s 8
#        EVAL=50 results/forler-e5-ablation/run.sh ep50-server-size-5000 --server-size 5000
#   EVAL: evaluation episodes per policy per round (E5 used 5); ARM=polluted adds E5's two random devices.
# Runs go to results/forler-e5-ablation/runs/NAME-s<seed>; FORLER=path/to/launcher overrides bin/forler.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
[ $# -ge 1 ] || { echo "usage: [EVAL=50] [ARM=polluted] [SEEDS=\"0 1 2\"] $0 NAME [flags of forler run...]" >&2; exit 2; }
name=$1; shift
good=expert,medium-expert,medium,medium-replay
devices=4; data=$good
if [ "${ARM:-good}" = polluted ]; then devices=6; data=$good,random,random; fi
# E5's settings; a flag given on the command line replaces its default here (the CLI refuses a flag given twice)
defaults=(--size 5000 --server-size 1000 --rounds 30 --local-steps 100 --hidden 64 --batch 128 --delta 5)
base=()
for ((i = 0; i < ${#defaults[@]}; i += 2)); do
  flag=${defaults[i]}
  case " $* " in *" $flag "*|*" $flag="*) ;; *) base+=("$flag" "${defaults[i + 1]}") ;; esac
done
for seed in ${SEEDS:-0 1 2}; do
  "${FORLER:-$here/../../bin/forler}" run --algo forler --task pendulum --devices $devices --data $data --server-data $good \
    "${base[@]}" --eval-episodes "${EVAL:-5}" --seed $seed --out "$here/runs/$name-s$seed" "$@"
done
