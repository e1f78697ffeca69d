"""PyTorch's float32 GEMM (cuBLAS, TF32 off) at the shapes kernels' GpuBench times our tiled kernel at: the cuBLAS
baseline where JCublas cannot load (it needs libcublas.so.12). One JSON line per shape and op; medians of 20.

    python3 bench/gpu/torch_gemm.py [--device cuda]
"""
import argparse, json, statistics, time
import torch

SHAPES = [(256, 256, 23), (256, 256, 256), (5120, 256, 256), (5376, 256, 256), (1024, 1024, 1024)]  # M, N, K


def timeit(fn, reps=20, warm=3):
    for _ in range(warm):
        fn()
    torch.cuda.synchronize()
    ts = []
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        torch.cuda.synchronize()
        ts.append(time.perf_counter() - t)
    return statistics.median(ts)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--device", default="cuda")
    dev = ap.parse_args().device
    torch.backends.cuda.matmul.allow_tf32 = False  # plain SGEMM, as ours and JCublas's cublasSgemm
    out = lambda **k: print(json.dumps(dict(torch=torch.__version__, gpu=torch.cuda.get_device_name(), **k)), flush=True)
    for m, n, k in SHAPES:
        for op in ("nn", "tn", "nt"):
            a = torch.randn((k, m) if op == "tn" else (m, k), device=dev)
            b = torch.randn((n, k) if op == "nt" else (k, n), device=dev)
            c = torch.empty(m, n, device=dev)
            f = {"nn": lambda: torch.mm(a, b, out=c), "tn": lambda: torch.mm(a.t(), b, out=c),
                 "nt": lambda: torch.mm(a, b.t(), out=c)}[op]
            t = timeit(f)
            out(workload=f"gemm_{op}", shape=f"{m}x{n}x{k}", ms=t * 1e3, gflops=2 * m * n * k / t / 1e9)
    e, r, i, o = 2, 5120, 256, 256
    x, w = torch.randn(e, r, i, device=dev), torch.randn(e, i, o, device=dev)
    y = torch.empty(e, r, o, device=dev)
    t = timeit(lambda: torch.bmm(x, w, out=y))
    out(workload="ensemble_bmm", shape=f"[{e},{r},{i}]x[{e},{i},{o}]", ms=t * 1e3, gflops=2 * e * r * i * o / t / 1e9)


if __name__ == "__main__":
    main()
