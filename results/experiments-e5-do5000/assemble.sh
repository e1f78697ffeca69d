#!/bin/bash
# E5 with a five-times larger server dataset (D_o = 5000), 30 rounds, 50 evaluation episodes, 6 seeds, assembled
# from runs already in the repository instead of re-running them (the summary is what `experiment e5` computes):
#   - FORLER's runs are results/forler-e5-ablation/runs/ep50-server-size-5000[-4good+2random]-s0..5, made by
#     `forler run` with exactly the options `experiment e5 --server-size 5000` gives them;
#   - the baselines' runs are results/experiments-e5-eval50/e5/runs/{fedcql,fedtd3bc,fedora}-*: the baselines never
#     read D_o, and a rerun of fedtd3bc and fedora (+2 random, seed 0) with --server-size 5000 matched bit for bit.
# The runs are copied to a scratch folder, `experiment e5` is run on it (it must train nothing: every run is complete;
# the script stops if it did), and only the summary, variants.csv and plots are kept here.
# usage: results/experiments-e5-do5000/assemble.sh   (FORLER=path/to/launcher overrides bin/forler)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$here/../..
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/e5/runs"
for s in 0 1 2 3 4 5; do
  cp -r "$root/results/forler-e5-ablation/runs/ep50-server-size-5000-s$s" "$scratch/e5/runs/forler-4good-s$s"
  cp -r "$root/results/forler-e5-ablation/runs/ep50-server-size-5000-4good+2random-s$s" "$scratch/e5/runs/forler-4good+2random-s$s"
  for a in fedcql fedtd3bc fedora; do
    for arm in 4good 4good+2random; do cp -r "$root/results/experiments-e5-eval50/e5/runs/$a-$arm-s$s" "$scratch/e5/runs/"; done
  done
done
"${FORLER:-$root/bin/forler}" experiment e5 --seeds 6 --devices 3 --data medium,medium-replay,expert --size 5000 \
  --server-size 5000 --rounds 30 --local-steps 100 --hidden 64 --batch 128 --eval-episodes 50 --delta 5 \
  --out "$scratch" | tee "$scratch/log.txt"
if grep -q '^\[' "$scratch/log.txt"; then echo "a run was trained: the copied runs do not match E5's options" >&2; exit 1; fi
mkdir -p "$here/e5"
cp "$scratch"/e5/summary.csv "$scratch"/e5/summary.json "$scratch"/e5/variants.csv "$scratch"/e5/e5.png "$scratch"/e5/e5-local.png "$here/e5/"
grep '^e5' "$scratch/log.txt" > "$here/e5/log.txt"
