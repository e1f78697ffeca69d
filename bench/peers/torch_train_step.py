"""PyTorch twin of TrainStepBench: one full gradient step of forler.rl.Cql and of forler.rl.SacN (12 heads), same work.

Dev-time comparison only (never a project dependency). Where ../shared/peers/torch_peer.py's CQL step is lighter
(10 uniform + 10 pi(s) samples, fixed alpha, no pi(s') samples), this one does exactly what our step does:

  CQL:   a' ~ pi(s') for the target (min of 2 target heads, no entropy backup); 10 pi(s) and 10 pi(s') draws from the
         pre-update actor; actor + log alpha step on alpha*log pi - min Q(s, pi(s)); critic step on the summed TD MSE
         of both heads + 5 * (logsumexp over 10 uniform, 10 pi(s), 10 pi(s') importance-corrected Q - Q(s, a));
         Polyak 0.005. Batch 256, hidden 256, 2 hidden layers, batched ensemble critic (baddbmm), Adam everywhere.
  SAC-N: 12 heads; target min over 12 target heads - alpha*log pi(a'|s'); actor + alpha step; critic step; Polyak.

Run:  /usr/bin/python3 bench/peers/torch_train_step.py --threads 2     (Debian python3-torch + libopenblas0-pthread)
Prints one JSON line per workload: median seconds per step over --reps timed steps after 3 warm-up steps.
"""
import argparse, json, math, statistics, time
import torch
import torch.nn as nn


class Ensemble(nn.Module):
    """E critics [E, in, out] applied with baddbmm (EDAC/CORL's vectorised linear), as our EnsembleLinear."""
    def __init__(self, e, inp, hidden, depth=2):
        super().__init__()
        dims = [inp] + [hidden] * depth + [1]
        self.w = nn.ParameterList()
        self.b = nn.ParameterList()
        for i, o in zip(dims[:-1], dims[1:]):
            bound = 1 / math.sqrt(i)
            self.w.append(nn.Parameter(torch.empty(e, i, o).uniform_(-bound, bound)))
            self.b.append(nn.Parameter(torch.empty(e, 1, o).uniform_(-bound, bound)))
        self.e = e

    def forward(self, s, a):  # [B, S], [B, A] -> [E, B]
        h = torch.cat([s, a], 1).unsqueeze(0).expand(self.e, -1, -1)
        for i, (w, b) in enumerate(zip(self.w, self.b)):
            h = torch.baddbmm(b, h, w)
            if i < len(self.w) - 1:
                h = torch.relu(h)
        return h.squeeze(-1)

    def min_q(self, s, a):
        return self(s, a).min(0).values


class TanhGaussian(nn.Module):
    def __init__(self, sd, ad, hidden, depth=2):
        super().__init__()
        mods, d = [], sd
        for _ in range(depth):
            mods += [nn.Linear(d, hidden), nn.ReLU()]
            d = hidden
        mods.append(nn.Linear(d, 2 * ad))
        self.net = nn.Sequential(*mods)

    def sample(self, s):  # -> action [B, A] in (-1, 1), log pi [B]
        mu, ls = self.net(s).chunk(2, -1)
        ls = ls.clamp(-5, 2)
        std = ls.exp()
        u = mu + std * torch.randn_like(mu)
        a = torch.tanh(u)
        lp = (-0.5 * ((u - mu) / std) ** 2 - ls - 0.5 * math.log(2 * math.pi)).sum(-1)
        lp = lp - (2 * (math.log(2) - u - nn.functional.softplus(-2 * u))).sum(-1)
        return a, lp


def polyak(net, tgt, tau=0.005):
    with torch.no_grad():
        for p, pt in zip(net.parameters(), tgt.parameters()):
            pt.mul_(1 - tau).add_(tau * p)


def make(algo, sd, ad, hidden, batch):
    heads = 2 if algo == "cql" else 12
    actor = TanhGaussian(sd, ad, hidden)
    q, qt = Ensemble(heads, sd + ad, hidden), Ensemble(heads, sd + ad, hidden)
    qt.load_state_dict(q.state_dict())
    log_alpha = torch.zeros(1, requires_grad=True)
    oa = torch.optim.Adam(actor.parameters(), 1e-4 if algo == "cql" else 3e-4)
    oq = torch.optim.Adam(q.parameters(), 3e-4)
    ol = torch.optim.Adam([log_alpha], 1e-4 if algo == "cql" else 3e-4)
    n = 10_000
    data = [torch.rand(n, sd) * 2 - 1, torch.rand(n, ad) * 2 - 1, torch.rand(n) * 2 - 1, torch.rand(n, sd) * 2 - 1]
    target_entropy = -ad

    def actor_step(S, qnet):
        alpha = log_alpha.exp().detach()
        a, lp = actor.sample(S)
        la = (alpha * lp - qnet.min_q(S, a)).mean()
        lal = -(log_alpha * (lp.detach() + target_entropy)).mean()
        oa.zero_grad(); ol.zero_grad(); (la + lal).backward(); oa.step(); ol.step()

    def step():
        idx = torch.randint(0, n, (batch,))
        S, A, R, S2 = (t[idx] for t in data)
        D = torch.zeros(batch)
        if algo == "cql":
            N = 10
            with torch.no_grad():
                a2, _ = actor.sample(S2)
                y = R + 0.99 * (1 - D) * qt.min_q(S2, a2)
                ac, lc = actor.sample(S.repeat_interleave(N, 0))
                an, ln = actor.sample(S2.repeat_interleave(N, 0))
            actor_step(S, q)
            with torch.no_grad():
                ar = torch.rand(batch * N, ad) * 2 - 1
                ood = torch.cat([ar.view(batch, N, ad), ac.view(batch, N, ad), an.view(batch, N, ad)], 1).view(-1, ad)
                corr = torch.cat([torch.full((batch, N), ad * math.log(0.5)), lc.view(batch, N), ln.view(batch, N)], 1)
            qd = q(S, A)
            td = ((qd - y) ** 2).mean(1).sum()
            qo = q(S.repeat_interleave(3 * N, 0), ood).view(2, batch, 3 * N) - corr
            cql = (torch.logsumexp(qo, 2) - qd).mean(1).sum() * 5.0
            oq.zero_grad(); (td + cql).backward(); oq.step()
        else:
            alpha = log_alpha.exp().detach()
            with torch.no_grad():
                a2, lp2 = actor.sample(S2)
                y = R + 0.99 * (1 - D) * (qt.min_q(S2, a2) - alpha * lp2)
            actor_step(S, q)
            loss = ((q(S, A) - y) ** 2).mean(1).sum()
            oq.zero_grad(); loss.backward(); oq.step()
        polyak(q, qt)

    return step


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--reps", type=int, default=15)
    ap.add_argument("--hidden", type=int, default=256)
    ap.add_argument("--batch", type=int, default=256)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    for algo in ["cql", "sacn12"]:
        for name, sd, ad in [("pendulum", 3, 1), ("halfcheetah", 17, 6)]:
            step = make(algo, sd, ad, args.hidden, args.batch)
            for _ in range(3):
                step()
            ts = []
            for _ in range(args.reps):
                t = time.perf_counter(); step(); ts.append(time.perf_counter() - t)
            med = statistics.median(ts)
            print(json.dumps(dict(torch=torch.__version__, threads=args.threads, workload=f"{algo}_{name}_B{args.batch}_h{args.hidden}",
                                  seconds=med, steps_per_s=1 / med)), flush=True)


if __name__ == "__main__":
    main()
