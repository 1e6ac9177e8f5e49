"""Reference exact top-k for benches/datasets.rs: NumPy, squared L2 by matrix products.

usage: truth_reference.py BASE.fvecs QUERIES.fvecs OUT.bin K
Prints the seconds spent on the search (not the file reading); writes ids as little-endian u64.
"""
import sys
import time

import numpy as np


def fvecs(path):
    raw = np.fromfile(path, dtype="<i4")
    dim = raw[0]
    return raw.reshape(-1, dim + 1)[:, 1:].view("<f4").copy()


base, queries, out, k = fvecs(sys.argv[1]), fvecs(sys.argv[2]), sys.argv[3], int(sys.argv[4])
start = time.perf_counter()
ids = np.empty((len(queries), k), dtype="<u8")
norms = (base.astype(np.float64) ** 2).sum(axis=1)
for lo in range(0, len(queries), 100):
    q = queries[lo:lo + 100].astype(np.float64)
    d = norms[None, :] - 2.0 * (q @ base.T.astype(np.float64)) + (q ** 2).sum(axis=1)[:, None]
    part = np.argpartition(d, k, axis=1)[:, :k]
    order = np.take_along_axis(d, part, axis=1).argsort(axis=1, kind="stable")
    ids[lo:lo + 100] = np.take_along_axis(part, order, axis=1)
elapsed = time.perf_counter() - start
ids.tofile(out)
print(f"{elapsed:.4f}")
