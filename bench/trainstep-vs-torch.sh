#!/usr/bin/env bash
# Our whole gradient step (JMH TrainStepBench: CQL and SAC-N 12 heads, batch 256, hidden 256, pendulum and halfcheetah
# dims, cpu backend, 2 threads) against the exact-work PyTorch twin, alternating ROUNDS times in one window so that
# both see the same machine. Needs the bench jar (./mvnw -q -DskipTests package) and Debian's python3-torch +
# libopenblas0-pthread. Stop other jobs first (e.g. pkill -STOP -f 'forler sac').
#   bench/trainstep-vs-torch.sh [ROUNDS]   → results/bench/trainstep-STAMP-rK.json, torch-trainstep-STAMP.jsonl
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
day=$(date -u +%F-%H%M)  # one set of files per window
for r in $(seq "$rounds"); do
  echo "round $r/$rounds: PyTorch twin" >&2
  /usr/bin/python3 bench/peers/torch_train_step.py --threads 2 | tee -a "results/bench/torch-trainstep-$day.jsonl"
  echo "round $r/$rounds: ours" >&2
  java --add-modules jdk.incubator.vector -jar bench/target/benchmarks.jar TrainStepBench -p algo=cql,sacn12 -p hidden=256 \
    -f 1 -wi 3 -i 4 -w 4s -r 5s -jvmArgsAppend -Dforler.backend=cpu -rf json -rff "results/bench/trainstep-$day-r$r.json" \
    | grep -E '^TrainStepBench'
done
python3 - "$day" "$rounds" <<'PY'
import json, statistics, sys
day, rounds = sys.argv[1], int(sys.argv[2])
torch = {}
for line in open(f"results/bench/torch-trainstep-{day}.jsonl"):
    r = json.loads(line)
    torch.setdefault(r["workload"].split("_B")[0], []).append(r["steps_per_s"])
ours = {}
for k in range(1, rounds + 1):
    for r in json.load(open(f"results/bench/trainstep-{day}-r{k}.json")):
        p = r["params"]
        ours.setdefault(f'{p["algo"]}_{p["dims"]}', []).append(r["primaryMetric"]["score"])
for w in sorted(ours):
    o, t = statistics.median(ours[w]), statistics.median(torch.get(w, [float("nan")]))
    print(f"{w:22s} ours {o:6.2f} ({min(ours[w]):.2f}-{max(ours[w]):.2f})  torch {t:6.2f} "
          f"({min(torch.get(w, [0])):.2f}-{max(torch.get(w, [0])):.2f})  ratio {o / t:.2f}x")
PY
