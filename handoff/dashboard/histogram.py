"""Durations as mergeable log-bucketed histograms: counts per bucket, percentiles read back.

Bucket k holds the durations in (GAMMA^(k-1), GAMMA^k] seconds (DDSketch's logarithmic
mapping); a percentile read back is its bucket's midpoint, within RELATIVE_ERROR of the true
value (durations under a second all fall in bucket 0 and read as 0.5 s). Histograms of any days
and dimensions merge by adding their counts.
"""

import math
from collections.abc import Mapping

GAMMA = 1.1
RELATIVE_ERROR = (GAMMA - 1) / (GAMMA + 1)  # 4.8%


def bucket(seconds: float) -> int:
    """The bucket a duration falls in (0 for a second or less)."""
    return max(0, math.ceil(math.log(seconds) / math.log(GAMMA))) if seconds > 1 else 0


def midpoint(key: int) -> float:
    """The value a bucket stands for: within RELATIVE_ERROR of anything in it."""
    return 0.5 if key == 0 else 2 * GAMMA**key / (GAMMA + 1)


def percentile(counts: Mapping[int, int], fraction: float) -> float | None:
    """The duration below which `fraction` of the counted ones fall; None if none counted."""
    total = sum(counts.values())
    if total == 0:
        return None
    rank = max(1, math.ceil(fraction * total))
    seen = 0
    for key in sorted(counts):
        seen += counts[key]
        if seen >= rank:
            break
    return midpoint(key)
