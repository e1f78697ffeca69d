#!/usr/bin/env python3
"""Writes minari_fixture.hdf5: a tiny file in Minari's layout (its "Dataset Standards", data/main_data.hdf5), by h5py.

Run from this folder with Debian's h5py:  /usr/bin/python3 make_minari_fixture.py
One group per episode, episode_{e}, e < E = 11 (so that episode_10 sorts before episode_2 by name: readers must
order by the numeric id). Episode e has T_e = 2 + e % 3 steps; obs 3, act 2. The values follow closed formulas so
that forler.data.MinariIOTest can recompute them in Java:
  observations[t, j] = float32(e + 0.1 * t + 0.01 * j)      t <= T_e (one longer than actions), j < 3
  actions[t, j]      = float32(((e * 7 + t * 3 + j) % 5) / 5.0 * 2 - 1)   t < T_e, j < 2
  rewards[t]         = float64(0.5 * e - 0.25 * t)           (float64, as Minari stores Gymnasium's rewards)
  terminations[t]    = t == T_e - 1 and e % 2 == 0           (bool, stored by h5py as an HDF5 enum)
  truncations[t]     = t == T_e - 1 and e % 2 == 1
  infos/x_position   float64 [T_e + 1] = 0.0, infos/success bool [T_e + 1]  (ignored by the reader)
Episode attributes id, total_steps, seed; root attributes as Minari writes them (total_episodes, total_steps,
dataset_id, env_spec, ...). All formulas are evaluated in float64 and then rounded once to float32.
"""
import json

import h5py
import numpy as np

E, OBS, ACT = 11, 3, 2

with h5py.File("minari_fixture.hdf5", "w") as f:
    total = 0
    for e in range(E):
        T = 2 + e % 3
        t_obs = np.arange(T + 1, dtype=np.float64)[:, None]
        j_obs = np.arange(OBS, dtype=np.float64)[None, :]
        tt = np.arange(T)[:, None]
        jj = np.arange(ACT)[None, :]
        g = f.create_group(f"episode_{e}")
        g.attrs["id"] = np.int64(e)
        g.attrs["total_steps"] = np.int64(T)
        g.attrs["seed"] = np.int64(1000 + e)
        g.create_dataset("observations", data=(e + 0.1 * t_obs + 0.01 * j_obs).astype(np.float32))
        g.create_dataset("actions", data=(((e * 7 + tt * 3 + jj) % 5) / 5.0 * 2 - 1).astype(np.float32))
        g.create_dataset("rewards", data=0.5 * e - 0.25 * np.arange(T, dtype=np.float64))
        last = np.arange(T) == T - 1
        g.create_dataset("terminations", data=last & (e % 2 == 0))
        g.create_dataset("truncations", data=last & (e % 2 == 1))
        infos = g.create_group("infos")
        infos.create_dataset("x_position", data=np.zeros(T + 1, dtype=np.float64))
        infos.create_dataset("success", data=np.zeros(T + 1, dtype=bool))
        total += T
    f.attrs["total_episodes"] = np.int64(E)
    f.attrs["total_steps"] = np.int64(total)
    f.attrs["dataset_id"] = "forler/fixture-v0"
    f.attrs["env_spec"] = json.dumps({"id": "Point-v0", "entry_point": "forler:point", "max_episode_steps": 4})
    f.attrs["minari_version"] = "0.4.3"
    f.attrs["algorithm_name"] = "formulas"
    f.attrs["author"] = "forler make_minari_fixture.py (h5py)"
