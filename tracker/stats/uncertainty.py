"""How sure a status is: pace standard error, status probabilities and a projection interval.

The definitions are those of issue 12 (and the method page). For an area, take the shown waves up
to the chosen one; wave i has year x_i, share p_i and 95 % Wilson bounds (l_i, u_i), and
se_i = (u_i − l_i) / (2 · 1.959964).

- Pace standard error: 100 · √(Σ w_i² se_i²), w_i = (x_i − x̄) / Σ_j (x_j − x̄)² (the OLS weights).
- Simulation: in each of D draws every shown wave gets clip(p_i + se_i · z_i, 0, 1) with
  independent standard normal z, and the draw is classified by exactly the point-status rules
  (:func:`tracker.stats.progress.evaluate`, the same code).
- Projection interval: the 10th and 90th percentile of the drawn projected years, a draw without a
  projection counting as later than every year.

Each area gets its own random stream from (seed, area code), so an area's figures are the same
whichever other areas share its table, and the CLI and the pages agree.
"""

from __future__ import annotations

import functools
import math
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from tracker.stats.estimates import Z95
from tracker.stats.progress import STATUS_CODE, evaluate

Floats = Sequence[float] | np.ndarray

UNCERTAINTY_COLUMNS = (
    "pace_se_pp_per_year",
    "status_probability",
    "probability_on_track_or_better",
    "status_settled",
    "projected_year_low",
    "projected_year_high",
)
PROJECTION_QUANTILES = (10, 90)  # percent of draws
_ON_TRACK_OR_BETTER = [STATUS_CODE["on_track"], STATUS_CODE["achieved"]]


@dataclass(frozen=True)
class SimulationRules:
    """How the simulation runs: number of draws, seed, and when a status counts as settled."""

    draws: int = 20_000
    seed: int = 2019
    settled_at: float = 0.80


@dataclass(frozen=True)
class StatusUncertainty:
    """The uncertainty columns of one progress row (all None for insufficient data)."""

    pace_se_pp_per_year: float | None = None
    status_probability: float | None = None
    probability_on_track_or_better: float | None = None
    status_settled: bool | None = None
    projected_year_low: int | None = None
    projected_year_high: int | None = None


def standard_errors(low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """se_i = (u_i − l_i) / (2 · 1.959964): a wave's standard error read off its 95 % interval."""
    return (np.asarray(high, dtype=float) - np.asarray(low, dtype=float)) / (2 * Z95)


def pace_standard_error(years: Sequence[int], se: Floats) -> float:
    """Standard error of the least-squares pace in percentage points per year."""
    x = np.asarray(years, dtype=float)
    centred = x - x.mean()
    weights = centred / float((centred**2).sum())
    return float(100 * math.sqrt(float((weights**2 * np.asarray(se, dtype=float) ** 2).sum())))


def area_stream(seed: int, area_code: str) -> np.random.Generator:
    """The random stream of one area: fixed by the seed and the area code alone."""
    return np.random.default_rng([seed, zlib.crc32(area_code.encode("utf-8"))])


def drawn_shares(shares: Floats, se: Floats, normals: np.ndarray) -> np.ndarray:
    """p_i + se_i · z_i for each row of standard normals, clipped to [0, 1]."""
    p = np.asarray(shares, dtype=float)
    return np.clip(p + np.asarray(se, dtype=float) * normals, 0.0, 1.0)


def year_quantile(projected: np.ndarray, percent: int) -> int | None:
    """Smallest year y with at least ``percent`` % of draws projected at or before y.

    ``projected`` holds one year per draw, NaN for a draw without a projection (later than every
    year). None when fewer than ``percent`` % of draws have a projection.
    """
    draws = projected.size
    needed = -(-draws * percent // 100)  # ceil without float rounding
    ordered = np.sort(np.where(np.isnan(projected), np.inf, projected))
    value = ordered[needed - 1]
    return None if math.isinf(value) else int(value)


def status_uncertainty(
    years: Sequence[int],
    shares: Floats,
    lows: Floats,
    highs: Floats,
    *,
    point_status: str,
    area_code: str,
    baseline_year: int,
    target_year: int,
    target_share: float,
    mode: str,
    rules: SimulationRules,
    normals: np.ndarray | None = None,
) -> StatusUncertainty:
    """The uncertainty of one area's point status from its shown waves (ascending years).

    ``normals`` (draws × waves) replaces the seeded draws, for hand-worked tests.
    """
    if point_status == "insufficient_data":
        return StatusUncertainty()
    args = (
        tuple(int(y) for y in years),
        tuple(float(p) for p in shares),
        tuple(float(v) for v in lows),
        tuple(float(v) for v in highs),
        point_status,
        area_code,
        baseline_year,
        target_year,
        target_share,
        mode,
        rules,
    )
    if normals is None:
        return _seeded(*args)
    return _simulate(*args, normals=normals)


@functools.lru_cache(maxsize=4096)
def _seeded(*args: Any) -> StatusUncertainty:
    # A pure function of its arguments (the draws come from the seed and the area code), so each
    # area's result is computed once per process and then shared by every page run and session.
    return _simulate(*args, normals=None)


def _simulate(
    years: tuple[int, ...],
    shares: tuple[float, ...],
    lows: tuple[float, ...],
    highs: tuple[float, ...],
    point_status: str,
    area_code: str,
    baseline_year: int,
    target_year: int,
    target_share: float,
    mode: str,
    rules: SimulationRules,
    *,
    normals: np.ndarray | None,
) -> StatusUncertainty:
    se = standard_errors(np.asarray(lows), np.asarray(highs))
    if normals is None:
        normals = area_stream(rules.seed, area_code).standard_normal((rules.draws, len(years)))
    drawn = evaluate(
        years,
        drawn_shares(shares, se, normals),
        baseline_year=baseline_year,
        target_year=target_year,
        target_share=target_share,
        mode=mode,
    )
    probability = float(np.mean(drawn.status == STATUS_CODE[point_status]))
    low, high = (year_quantile(drawn.projected, q) for q in PROJECTION_QUANTILES)
    return StatusUncertainty(
        pace_se_pp_per_year=pace_standard_error(years, se),
        status_probability=probability,
        probability_on_track_or_better=float(np.mean(np.isin(drawn.status, _ON_TRACK_OR_BETTER))),
        status_settled=probability >= rules.settled_at,
        projected_year_low=low,
        projected_year_high=high,
    )


@dataclass(frozen=True)
class Difference:
    """An area's share minus a reference share (e.g. Norway's), with its 95 % interval."""

    difference: np.ndarray
    low: np.ndarray
    high: np.ndarray

    def verdict(self) -> np.ndarray:
        """'above' / 'below' when the interval lies wholly on one side of 0, else 'no_clear'."""
        return np.select([self.low > 0, self.high < 0], ["above", "below"], "no_clear")


def difference_from(
    share: np.ndarray,
    low: np.ndarray,
    high: np.ndarray,
    ref_share: np.ndarray | float,
    ref_low: np.ndarray | float,
    ref_high: np.ndarray | float,
) -> Difference:
    """p − p_ref ± 1.96 · √(se² + se_ref²), each se read off its 95 % interval.

    Treats the two estimates as independent; an area is part of the nation, so this is a little
    conservative (the interval is slightly wider than the exact one), which errs on the side of
    saying "no clear difference".
    """
    diff = np.asarray(share, dtype=float) - np.asarray(ref_share, dtype=float)
    se = standard_errors(low, high)
    ref_se = standard_errors(np.asarray(ref_low), np.asarray(ref_high))
    half = Z95 * np.sqrt(se**2 + ref_se**2)
    return Difference(difference=diff, low=diff - half, high=diff + half)
