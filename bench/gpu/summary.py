"""Summary of bench/gpu/run-all.sh against the GPU goals (issue: fused search >= 50 M Q-evals/s at B256 N256 I4
hidden 256 and >= 10x PyTorch eager on the same GPU; a FORLER device step >= 1000 steps/s). Standard library only.

    python3 bench/gpu/summary.py WORK_DIR OUT_DIR   -> OUT_DIR/summary.txt, OUT_DIR/gpu-results.json

A Q-evaluation is one (state, action) row through the min over both heads; the PyTorch peer counts each head, so
ratios are taken on seconds per search, never on its q_evals_per_s.
"""
import json, os, sys


def load_json(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def load_lines(path):
    rows = []
    try:
        with open(path) as f:
            for line in f:
                line = line.strip()
                if line.startswith("{"):
                    try:
                        rows.append(json.loads(line))
                    except ValueError:
                        pass
    except OSError:
        pass
    return rows


def main(work, out):
    lines = []
    say = lines.append
    steps = []
    if os.path.exists(os.path.join(work, "steps.tsv")):
        for row in open(os.path.join(work, "steps.tsv")):
            name, rc, secs = row.rstrip("\n").split("\t")
            steps.append(dict(step=name, exit=int(rc), seconds=int(secs)))
    gpu = open(os.path.join(work, "nvidia-smi.log")).read().strip() if os.path.exists(os.path.join(work, "nvidia-smi.log")) else "?"
    tests = load_json(os.path.join(work, "gpu-tests.json"))
    bench = load_json(os.path.join(work, "gpu-bench.json"))
    torch_b = load_lines(os.path.join(work, "torch-batched.log"))
    torch_h = load_lines(os.path.join(work, "torch-heads.log"))
    torch_g = load_lines(os.path.join(work, "torch-gemm.log"))
    jmh = {n: load_json(os.path.join(out, f"jmh-{n}.json")) or [] for n in ("rectification", "rectification-n256", "search", "launch")}

    say(f"GPU: {gpu}")
    for name, runs in jmh.items():
        if not runs:
            say(f"jmh-{name}: no results (its trials stopped in setup or the step timed out: see logs.txt)")
    say("steps: " + ", ".join(f"{s['step']} {'ok' if s['exit'] == 0 else 'EXIT ' + str(s['exit'])} {s['seconds']}s" for s in steps))
    if tests:
        say(f"tests on {tests.get('device')}: {tests['succeeded']} passed, {tests['failed']} failed, {tests['skipped']} skipped")
        failed = [t for t in tests["tests"] if t["status"] == "FAILED"]
        skipped = [t for t in tests["tests"] if t["status"] == "SKIPPED"]
        for t in failed + skipped[:5]:
            say(f"  {t['status']} {t['test']}  {t.get('message', '')[:160]}")
        if len(skipped) > 5:
            say(f"  ... and {len(skipped) - 5} more skipped (all in gpu-results.json)")
    else:
        say("tests: no result")

    # Fused search, B256 N256 I4, hidden 256 (SearchBench, ms per search), vs PyTorch eager on the same GPU.
    say("\nfused search (SearchBench, cuda; B=256, hidden 256, 2 heads) vs PyTorch eager (torch_peer.py --device cuda):")
    say(f"  {'task':12} {'N':>4} {'I':>2} {'ms/search':>10} {'M Q-evals/s':>12} {'torch batched ms':>17} {'torch heads ms':>15} {'speed-up':>9}")
    for r in jmh["search"]:
        p = r["params"]
        n, it, task = int(p["samples"]), int(p["iterations"]), p["task"]
        ms = r["primaryMetric"]["score"]
        rate = 256 * n * it / (ms / 1e3) / 1e6
        key = f"rect_search_{task}_B256_N{n}_I{it}"
        tb = next((x["seconds"] * 1e3 for x in torch_b if x.get("workload") == key), None)
        th = next((x["seconds"] * 1e3 for x in torch_h if x.get("workload") == key), None)
        best = min([v for v in (tb, th) if v is not None], default=None)
        fmt = lambda v: f"{v:.3f}" if v is not None else "-"
        ratio = f"{best / ms:.1f}x" if best else "-"
        goal = ""
        if n == 256 and it == 4:
            goal = f"  goals: >=50 M/s {'MET' if rate >= 50 else 'not met'}, >=10x {'MET' if best and best / ms >= 10 else 'not met'}"
        say(f"  {task:12} {n:>4} {it:>2} {ms:>10.3f} {rate:>12.1f} {fmt(tb):>17} {fmt(th):>15} {ratio:>9}{goal}")

    # Device step vs δ (RectificationBench: ms per period of δ steps).
    say("\nFORLER device step (RectificationBench; B=256, hidden 256) — goal >= 1000 steps/s:")
    say(f"  {'backend':12} {'N':>4} {'I':>2} {'δ':>3} {'ms/step':>9} {'steps/s':>9}")
    for r in jmh["rectification"] + jmh["rectification-n256"]:
        p = r["params"]
        d = int(p["delta"])
        ms = r["primaryMetric"]["score"] / d
        say(f"  {p['backend']:12} {p['samples']:>4} {p['iterations']:>2} {d:>3} {ms:>9.3f} {1e3 / ms:>9.0f}{'  MET' if 1e3 / ms >= 1000 else ''}")

    for r in jmh["launch"]:
        say(f"\nlaunch overhead ({r['params']['backend']}): {r['primaryMetric']['score']:.2f} {r['primaryMetric']['scoreUnit']}")

    # GEMM at the training shapes: our tiled kernel vs cuBLAS (JCublas if it loaded, else PyTorch's cuBLAS).
    say("\nGEMM at the training shapes (GFLOP/s): tiled (ours) | cuBLAS via JCublas | cuBLAS via PyTorch (TF32 off)")
    rows = (bench or {}).get("results", [])
    unavailable = next((r for r in rows if r.get("name") == "cublas_unavailable"), None)
    if unavailable:
        say("  JCublas: " + unavailable["reason"][:200])
    by = {(r["name"], r["shape"].split(" ")[0].rstrip(",")): r for r in rows if r.get("name", "").startswith("train_")}
    for (name, shape), r in sorted(by.items()):
        if not name.endswith("_tiled"):
            continue
        op = name[len("train_"):-len("_tiled")]
        cu = by.get((name.replace("_tiled", "_cublas"), shape))
        if op == "ensemble":
            tg = next((x for x in torch_g if x.get("workload") == "ensemble_bmm"), None)
        else:
            tg = next((x for x in torch_g if x.get("workload") == op and x.get("shape") == shape), None)
        say(f"  {op:10} {shape:22} {r['rate']:>9.1f} | {cu['rate'] if cu else float('nan'):>9.1f} | "
            f"{tg['gflops'] if tg else float('nan'):>9.1f}")
    for r in rows:
        if not r.get("name", "").startswith(("train_", "cublas_")):
            say(f"  gpubench {r['name']:28} {r['shape'][:50]:50} {r['median_ms']:.4f} ms"
                + (f"  {r['rate']:.2f} {r['unit']}" if "rate" in r else ""))

    text = "\n".join(lines) + "\n"
    with open(os.path.join(out, "summary.txt"), "w") as f:
        f.write(text)
    with open(os.path.join(out, "gpu-results.json"), "w") as f:
        json.dump(dict(gpu=gpu, steps=steps, tests=tests, gpubench=bench, torch_batched=torch_b, torch_heads=torch_h,
                       torch_gemm=torch_g), f, indent=1)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
