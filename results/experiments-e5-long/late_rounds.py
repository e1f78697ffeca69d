"""E5 at 30 rounds: FORLER's per-round global score swings by tens of points on pendulum, so besides the experiment's
own score (mean of the last 3 rounds) this gives the mean over the last 10 rounds of every run.

Usage: python3 results/experiments-e5-long/late_rounds.py [N_LAST [RUNS_DIR]]
(prints a Markdown table; mean ± sample std over seeds; RUNS_DIR defaults to this folder's e5/runs, e.g.
results/experiments-e5-eval50/e5/runs for the same runs evaluated on 50 episodes)"""
import csv, glob, os, statistics, sys

last = int(sys.argv[1]) if len(sys.argv) > 1 else 10
root = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "e5", "runs")
runs = {}
for f in sorted(glob.glob(os.path.join(root, "*-s[0-9]", "rounds.csv"))):
    variant = os.path.basename(os.path.dirname(f)).rsplit("-s", 1)[0]
    rows = list(csv.DictReader(open(f)))
    runs.setdefault(variant, []).append(statistics.mean(float(r["global_score"]) for r in rows[-last:]))
print(f"| variant | seeds | global score, mean of the last {last} rounds |")
print("|---|---:|---:|")
for v, s in runs.items():
    sd = statistics.stdev(s) if len(s) > 1 else 0.0
    print(f"| {v} | {len(s)} | {statistics.mean(s):.1f} ± {sd:.1f} |")
