#!/usr/bin/env bash
# Ships a `forler sac` run's policies as resources: results/behaviour/ship.sh TASK [EPISODES]
#   expert = the run's best evaluation (policy-expert.safetensors);
#   medium = policy-medium.safetensors if the run reached Tasks' medium level, else the first evaluation snapshot whose
#            return reaches R_random + (R_best - R_random)/3 (made with `forler sac --medium-from STEP`: D4RL's
#            "one third of the expert above random", measured against this run's own expert);
#   medium-replay = the replay buffer up to the medium snapshot (at most REPLAY_CAP = 20000 transitions, whole episodes;
#                   GZIP=1..9 compresses it, as for ant).
# Each shipped policy is re-evaluated over EPISODES episodes (seeds 0..EPISODES-1, not the training evaluations').
# FORLER=... overrides the launcher (default bin/forler). The run's flags must be given in SAC_FLAGS (hidden etc.).
set -euo pipefail
cd "$(dirname "$0")/../.."
task=$1 episodes=${2:-20}
forler=${FORLER:-bin/forler}
run=cache/sac/$task res=forler/src/main/resources/forler/policies
cp "$run/evals.csv" "results/behaviour/$task-evals.csv"
if [ ! -f "$run/policy-medium.safetensors" ]; then
  step=$(python3 - "$run/evals.csv" "$task" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
rand = {"hopper": -20.27, "walker2d": 1.63, "halfcheetah": -280.18, "ant": -325.6, "bipedalwalker": -106.2933}[sys.argv[2]]  # Tasks.java
best = max(float(r["return_mean"]) for r in rows)
level = rand + (best - rand) / 3
print(next(r["step"] for r in rows if float(r["return_mean"]) >= level))
PY
)
  echo "$task: medium = snapshot at step $step (1/3 of the run's best above random)"
  $forler sac --task "$task" --out "$run" --resume --steps 1 ${SAC_FLAGS:-} --medium-from "$step"
fi
for kind in medium expert; do
  $forler behaviour --policy "$run/policy-$kind.safetensors" --kind "$kind" --episodes "$episodes" --seed 0 --ship "$res/$task-$kind.safetensors"
done
# medium-replay: at most REPLAY_CAP transitions (whole episodes, seed 0) of the buffer, to keep the jar small
/usr/bin/python3 results/behaviour/subset_replay.py "$run/medium-replay.hdf5" "$res/$task-medium-replay.hdf5" "${REPLAY_CAP:-20000}" 0 "${GZIP:-0}"
ls -la "$res/$task"-*
