"""Whole-episode subset of a medium-replay HDF5 file (D4RL layout), to keep the shipped resources small.

Usage: /usr/bin/python3 results/behaviour/subset_replay.py IN.hdf5 OUT.hdf5 MAX_TRANSITIONS [SEED] [GZIP_LEVEL]
GZIP_LEVEL (1-9) writes chunked, gzip-compressed datasets, as D4RL's files are (ant's observations are 84 contact
forces, mostly zero: 18.5 MB -> a few MB). Episodes (split after every terminal or timeout) are drawn in a seeded random order until MAX_TRANSITIONS would be
exceeded, then written in their original order with every dataset and attribute of the input (Debian python3-h5py).
"""
import sys
import h5py
import numpy as np

src, dst, cap = sys.argv[1], sys.argv[2], int(sys.argv[3])
seed = int(sys.argv[4]) if len(sys.argv) > 4 else 0
gzip = int(sys.argv[5]) if len(sys.argv) > 5 else 0
with h5py.File(src, "r") as f:
    data = {k: f[k][()] for k in f.keys() if isinstance(f[k], h5py.Dataset)}
    attrs = dict(f.attrs)
ends = np.flatnonzero(np.logical_or(data["terminals"], data["timeouts"])) + 1
starts = np.concatenate([[0], ends[:-1]])
order = np.random.default_rng(seed).permutation(len(starts))
keep, total = [], 0
for i in order:
    n = ends[i] - starts[i]
    if total + n > cap:
        continue
    keep.append(i)
    total += n
keep.sort()
rows = np.concatenate([np.arange(starts[i], ends[i]) for i in keep])
with h5py.File(dst, "w") as g:
    for k, v in data.items():
        if gzip:
            g.create_dataset(k, data=v[rows], compression="gzip", compression_opts=gzip, chunks=True)
        else:
            g.create_dataset(k, data=v[rows])
    for k, v in attrs.items():
        g.attrs[k] = v
    g.attrs["subset"] = f"{len(keep)} of {len(starts)} episodes, {total} of {len(data['rewards'])} transitions, seed {seed}"
print(f"{dst}: {len(keep)} of {len(starts)} episodes, {total} of {len(data['rewards'])} transitions")
