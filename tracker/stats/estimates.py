"""Estimates of a share: Wilson intervals, Kish's effective n and suppression (guide §6).

Shares are fractions (0–1). Tested against hand-computed values in tests/test_stats.py.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

Z95 = 1.959963984540054


def wilson_bounds(
    share: np.ndarray, n: np.ndarray, z: float = Z95
) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score intervals, element-wise, for shares seen on ``n`` (effective) cases."""
    z2 = z * z
    with np.errstate(divide="ignore", invalid="ignore"):
        denominator = 1 + z2 / n
        centre = (share + z2 / (2 * n)) / denominator
        half = z * np.sqrt(share * (1 - share) / n + z2 / (4 * n * n)) / denominator
    return np.maximum(0.0, centre - half), np.minimum(1.0, centre + half)


def wilson_interval(share: float, n: float, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for a share seen on ``n`` (possibly effective, fractional) cases."""
    if n <= 0:
        raise ValueError("n must be positive")
    low, high = wilson_bounds(np.array([share]), np.array([float(n)]), z)
    return float(low[0]), float(high[0])


def kish_effective_n(weight_sum: float, weight_square_sum: float) -> float:
    """Kish's effective sample size (Σw)² / Σw²."""
    if weight_square_sum <= 0:
        return 0.0
    return weight_sum * weight_sum / weight_square_sum


@dataclass(frozen=True)
class Estimate:
    """A share with its 95 % interval; ``share`` is None when suppressed (n below the minimum)."""

    n: int
    share: float | None
    ci_low: float | None
    ci_high: float | None

    @property
    def suppressed(self) -> bool:
        return self.share is None


def estimate_arrays(
    n: np.ndarray,
    yes_weight: np.ndarray,
    weight_sum: np.ndarray,
    weight_square_sum: np.ndarray,
    *,
    weighted: bool,
    min_n: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Shares and Wilson bounds for many areas at once (NaN where suppressed).

    Unweighted: pass the yes count as ``yes_weight`` and n as both weight sums. Weighted: the
    interval uses Kish's effective n. A share on fewer than ``min_n`` responses is suppressed.
    """
    n = np.asarray(n, dtype=float)
    total = np.asarray(weight_sum, dtype=float)
    squares = np.asarray(weight_square_sum, dtype=float)
    shown = (n >= min_n) & (total > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(shown, np.asarray(yes_weight, dtype=float) / total, np.nan)
        effective = np.where(squares > 0, total * total / squares, 0.0) if weighted else n
    low, high = wilson_bounds(share, effective)
    return share, np.where(shown, low, np.nan), np.where(shown, high, np.nan)


def estimate(
    n: int,
    yes_weight: float,
    weight_sum: float,
    weight_square_sum: float,
    *,
    weighted: bool,
    min_n: int,
) -> Estimate:
    """Share of yes among ``n`` responses: unweighted (weights all 1) or weighted with Kish's n."""
    share, low, high = estimate_arrays(
        np.array([n]),
        np.array([yes_weight]),
        np.array([weight_sum]),
        np.array([weight_square_sum]),
        weighted=weighted,
        min_n=min_n,
    )
    if np.isnan(share[0]):
        return Estimate(n=n, share=None, ci_low=None, ci_high=None)
    return Estimate(n=n, share=float(share[0]), ci_low=float(low[0]), ci_high=float(high[0]))
