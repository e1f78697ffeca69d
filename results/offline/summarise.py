"""Summarise results/offline/<task>/<algo>-<kind>-s<seed>/train.csv into summary.csv and a Markdown table.

Score of a run = mean normalised score of its last two evaluations; the table gives mean ± sample std over seeds.
An argument names another folder of the same layout (e.g. results/offline-long); summary.csv is written there."""
import csv, glob, os, statistics, sys

root = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
rows = {}
for f in sorted(glob.glob(os.path.join(root, "*", "*-s[0-9]", "train.csv"))):
    task = os.path.basename(os.path.dirname(os.path.dirname(f)))
    algo, rest = os.path.basename(os.path.dirname(f)).split("-", 1)
    kind, seed = rest.rsplit("-s", 1)
    evals = list(csv.DictReader(open(f)))
    if len(evals) < 2:
        continue
    score = statistics.mean(float(r["score"]) for r in evals[-2:])
    rows.setdefault((task, algo, kind), []).append((int(seed), score, int(float(evals[-1]["step"]))))
with open(os.path.join(root, "summary.csv"), "w", newline="") as out:
    w = csv.writer(out)
    w.writerow(["task", "algo", "dataset", "seeds", "steps", "score_mean", "score_std", "per_seed"])
    print("| task | algo | dataset | seeds | steps | normalised score |")
    print("|---|---|---|---:|---:|---:|")
    for (task, algo, kind), v in sorted(rows.items()):
        s = [x[1] for x in sorted(v)]
        sd = statistics.stdev(s) if len(s) > 1 else 0.0
        w.writerow([task, algo, kind, len(s), v[0][2], f"{statistics.mean(s):.1f}", f"{sd:.1f}", " ".join(f"{x:.1f}" for x in s)])
        print(f"| {task} | {algo} | {kind} | {len(s)} | {v[0][2]} | {statistics.mean(s):.1f} ± {sd:.1f} |")
