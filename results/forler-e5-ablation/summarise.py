"""Summarises the FORLER E5 ablation: per variant (3 seeds), the global score averaged over the last 10 rounds, the
best round, and the swing: the mean |change| of the global score from one round to the next over rounds 10-29; and
the device side: the mean local score of the 4 good devices (0-3; devices 4-5 of a +2random run hold random data)
over the last 10 rounds.
Variants named ep50-* were evaluated on 50 episodes per round, the others on 5 (as E5). The E5-long runs of the
same setting (FORLER as shipped and the three federated baselines) are read beside them.

Usage: python3 results/forler-e5-ablation/summarise.py   (prints a Markdown table, writes summary.csv)"""
import csv, glob, os, statistics

here = os.path.dirname(os.path.abspath(__file__))
# E5-long's runs: results/e5-long/e5/pendulum/<variant>/seed-<S>/; this folder's: runs/<variant>-s<S>/
sources = [(os.path.join(here, "..", "e5-long", "e5", "pendulum", "*", "seed-[0-9]", "rounds.csv"), "e5-long: "),
           (os.path.join(here, "runs", "*-s[0-9]", "rounds.csv"), "")]
variants = {}
for pattern, prefix in sources:
    for f in sorted(glob.glob(pattern)):
        run = os.path.dirname(f)
        name = os.path.basename(os.path.dirname(run)) if prefix else os.path.basename(run).rsplit("-s", 1)[0]
        if prefix and "+2random" in name:
            continue
        rs = list(csv.DictReader(open(f)))
        g = [float(r["global_score"]) for r in rs]
        good = [statistics.mean(float(r[f"local_score_{k}"]) for k in range(4)) for r in rs]
        swing = statistics.mean(abs(b - a) for a, b in zip(g[10:], g[11:]))
        variants.setdefault(prefix + name, []).append((statistics.mean(g[-10:]), max(g), swing, len(g), statistics.mean(good[-10:])))


def ms(xs):
    return f"{statistics.mean(xs):.1f} ± {statistics.stdev(xs) if len(xs) > 1 else 0.0:.1f}"


rows = []
print("| variant | eval episodes | seeds | global, mean of last 10 rounds | best round | swing (mean abs change per round, rounds 10-29) | good devices' local, last 10 rounds |")
print("|---|---:|---:|---:|---:|---:|---:|")
for v, runs in variants.items():
    last, best, swing, n, good = zip(*runs)
    episodes = 50 if v.startswith("ep50-") else 5
    print(f"| {v} | {episodes} | {len(runs)} | {ms(last)} | {ms(best)} | {ms(swing)} | {ms(good)} |")
    rows.append([v, episodes, len(runs), min(n), statistics.mean(last), statistics.mean(best), statistics.mean(swing),
                 statistics.mean(good)])
tmp = os.path.join(here, "summary.csv.tmp")
with open(tmp, "w", newline="") as fh:
    w = csv.writer(fh)
    w.writerow(["variant", "eval_episodes", "seeds", "rounds", "global_last10_mean", "best_round_mean", "swing_mean",
                "good_local_last10_mean"])
    w.writerows(rows)
os.replace(tmp, os.path.join(here, "summary.csv"))
