#!/usr/bin/env python3
"""Reference tail probabilities for lib/stats/tails.ts, from scipy.

    apt-get install -y python3-scipy      # Debian's package; only needed to regenerate
    python3 bench/reference/tails.py > test/fixtures/tails-reference.json

Writes ln P(X >= k) and ln P(X <= k) for the negative binomial with mean `mean` and size
`size` (scipy.stats.nbinom with n = size, p = size / (size + mean)) and for the Poisson
(`size` null), over a grid of means, sizes and counts: below, at and far above the mean,
out to where P is about 1e-300. The committed JSON is the test fixture; tests need no
Python. Entries where scipy's own value is not finite (underflow) are left out.
"""
import json
import math
import sys

import scipy
from scipy import stats

MEANS = [0.001, 0.05, 0.5, 3, 20, 150, 1000, 20000]
SIZES = [0.05, 0.3, 1, 5, 50, 1000, None]  # None: Poisson
# Points named in issues: (mean, size, k).
EXTRA = [(20000, 0.05, 200005)]


def counts_for(mean, size):
    var = mean + (mean * mean / size if size else 0)
    sd = math.sqrt(var)
    ks = {0, 1, 2, 3, 5, 10, 30, 100}
    for f in (0.25, 0.5, 0.9, 1, 1.1, 1.5, 2, 3, 5, 10, 20, 50, 100):
        ks.add(int(round(mean * f)))
    for z in (-3, -1, 1, 2, 3, 5, 8, 12, 20, 40, 80):
        ks.add(int(round(mean + z * sd)))
    ks.add(int(round(mean)) + 1)
    ks.update(k for m, s, k in EXTRA if m == mean and s == size)
    return sorted(k for k in ks if 0 <= k <= 5e7)


def main():
    rows = []
    for mean in MEANS:
        for size in SIZES:
            dist = stats.poisson(mean) if size is None else stats.nbinom(size, size / (size + mean))
            for k in counts_for(mean, size):
                upper = float(dist.logsf(k - 1))  # ln P(X >= k)
                lower = float(dist.logcdf(k))  # ln P(X <= k)
                row = {"mean": mean, "size": size, "k": k}
                if math.isfinite(upper) and upper > -690:
                    row["logUpper"] = upper
                if math.isfinite(lower) and lower > -690:
                    row["logLower"] = lower
                if len(row) > 3:
                    rows.append(row)
    json.dump(
        {
            "generator": "bench/reference/tails.py",
            "scipy": scipy.__version__,
            "distribution": "nbinom(n=size, p=size/(size+mean)); poisson(mean) where size is null",
            "rows": rows,
        },
        sys.stdout,
        indent=None,
        separators=(",", ":"),
    )
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
