"""Progress toward the target: pace, required pace, status and projected year (guide §6).

After Eurostat's progress assessment, in percentage points. Shares are fractions (0–1); paces are
percentage points per year. The rules are written once, for many rows of shares at a time
(:func:`evaluate`): the point status is one row, and the uncertainty simulation
(:mod:`tracker.stats.uncertainty`) classifies thousands of drawn rows by the very same code.
Tested against hand-computed values in tests/test_stats.py.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

STATUSES = (
    "achieved",
    "on_track",
    "acceleration_needed",
    "limited_progress",
    "moving_away",
    "insufficient_data",
)
#: Status → its index in :data:`STATUSES`, the code :func:`evaluate` returns.
STATUS_CODE = {status: code for code, status in enumerate(STATUSES)}
ON_TRACK_RATIO = 0.95
ACCELERATION_RATIO = 0.60


def slopes_pp_per_year(years: np.ndarray, shares: np.ndarray) -> np.ndarray:
    """Least-squares slope (percentage points per year) of each row of ``shares`` over ``years``.

    ``years`` has shape (k,), ``shares`` (rows, k).
    """
    years = np.asarray(years, dtype=float)
    if years.size < 2:
        raise ValueError("need at least two (year, share) points")
    centred = years - years.mean()
    sxx = float((centred**2).sum())
    if sxx == 0:
        raise ValueError("years must differ")
    sxy = (shares - shares.mean(axis=1, keepdims=True)) @ centred
    # Rounding turns float noise such as 4e-29 for equal shares into a flat 0 (no projection).
    return np.round(100 * sxy / sxx, 9)


def slope_pp_per_year(years: Sequence[float], shares: Sequence[float]) -> float:
    """Least-squares slope of share (as percentage points) over years."""
    if len(years) != len(shares) or len(years) < 2:
        raise ValueError("need at least two (year, share) points")
    return float(slopes_pp_per_year(np.asarray(years), np.asarray([shares], dtype=float))[0])


def target_for(baseline_share: float | None, mode: str, target_share: float) -> float | None:
    """The area's target: the fixed share (absolute) or double its own baseline (relative).

    Doubling a baseline of 0 gives no target (0 would count as already achieved), so such an
    area has no relative target and its status is insufficient_data.
    """
    if mode not in ("absolute", "relative"):
        raise ValueError(f"unknown target mode {mode!r}; use absolute or relative")
    if mode == "absolute":
        return target_share
    return None if not baseline_share else 2 * baseline_share


def classify_ratios(ratio: np.ndarray) -> np.ndarray:
    """Status codes from R = actual pace / required pace (Eurostat-style thresholds)."""
    # Rounding guards against 0.9499999999999996 from float noise when R is 0.95 exactly.
    ratio = np.round(ratio, 9)
    return np.select(
        [ratio >= ON_TRACK_RATIO, ratio >= ACCELERATION_RATIO, ratio >= 0],
        [
            STATUS_CODE["on_track"],
            STATUS_CODE["acceleration_needed"],
            STATUS_CODE["limited_progress"],
        ],
        STATUS_CODE["moving_away"],
    )


def classify_ratio(ratio: float) -> str:
    """Status from R = actual pace / required pace (Eurostat-style thresholds)."""
    return STATUSES[int(classify_ratios(np.asarray([ratio]))[0])]


@dataclass(frozen=True)
class Evaluation:
    """Pace, target, status and projection of each row of shares (NaN where undefined)."""

    pace: np.ndarray
    target: np.ndarray
    required: np.ndarray
    ratio: np.ndarray
    status: np.ndarray  # codes into STATUSES
    projected: np.ndarray  # whole years as floats; NaN when the line does not rise


def evaluate(
    years: Sequence[int],
    shares: np.ndarray,
    *,
    baseline_year: int,
    target_year: int,
    target_share: float,
    mode: str,
) -> Evaluation:
    """Every rule of guide §6 for each row of ``shares`` (rows × shown waves).

    ``years`` are the shown (not suppressed) waves in ascending order, the last being the latest
    wave; the baseline is the column of ``baseline_year`` (none when it is not shown).
    """
    shares = np.asarray(shares, dtype=float)
    rows = shares.shape[0]
    nan = np.full(rows, np.nan)
    year_list = [int(y) for y in years]
    baseline = shares[:, year_list.index(baseline_year)] if baseline_year in year_list else nan
    if mode == "absolute":
        target = np.full(rows, target_for(None, mode, target_share))
    else:
        target_for(None, mode, target_share)  # refuses an unknown mode
        target = np.where(baseline > 0, 2 * baseline, np.nan)
    pace = slopes_pp_per_year(np.asarray(year_list), shares) if len(year_list) >= 2 else nan
    required = 100 * (target - baseline) / (target_year - baseline_year)
    with np.errstate(divide="ignore", invalid="ignore"):
        # R is only meaningful when the target lies above the baseline (required > 0): with a
        # baseline already at or above target, a falling pace over a negative required pace
        # would give R > 0.
        ratio = np.where(required > 0, pace / required, np.nan)
    latest = shares[:, -1] if year_list else nan
    insufficient = np.isnan(baseline) | np.isnan(pace) | np.isnan(target) | np.isnan(latest)
    no_ratio = np.where(pace < 0, STATUS_CODE["moving_away"], STATUS_CODE["limited_progress"])
    status = np.select(
        [insufficient, latest >= target, np.isnan(ratio)],
        [STATUS_CODE["insufficient_data"], STATUS_CODE["achieved"], no_ratio],
        classify_ratios(np.nan_to_num(ratio)),
    )
    projected = _projected_years(year_list, shares, pace, target)
    # An unassessed row has no pace, required pace, R or year: a slope through the waves that
    # happen to be shown (say 2018 and 2020, the latest suppressed) would read as a real pace
    # ("0,0 pp" beside "For lite data"), so every derived figure is blank with the status.
    unassessed = status == STATUS_CODE["insufficient_data"]
    return Evaluation(
        pace=np.where(unassessed, np.nan, pace),
        target=target,
        required=np.where(unassessed, np.nan, required),
        ratio=np.where(unassessed, np.nan, ratio),
        status=status,
        projected=np.where(unassessed, np.nan, projected),
    )


def _projected_years(
    years: list[int], shares: np.ndarray, pace: np.ndarray, target: np.ndarray
) -> np.ndarray:
    """First whole year each row's fitted line is at or above its target (NaN if not rising)."""
    projected = np.full(shares.shape[0], np.nan)
    rising = pace > 0
    if not rising.any():
        return projected
    slope = pace[rising] / 100
    intercept = shares[rising].mean(axis=1) - slope * float(np.mean(years))
    crossing = (target[rising] - intercept) / slope
    # Rounding guards against 2030.0000000001 from float noise turning into 2031.
    projected[rising] = np.ceil(np.round(crossing, 6))
    return projected


@dataclass(frozen=True)
class Progress:
    """Progress of one area toward its target (guide §6)."""

    baseline_year: int
    baseline_share: float | None
    latest_year: int | None
    latest_share: float | None
    target_share: float | None
    pace_pp_per_year: float | None
    required_pp_per_year: float | None
    needed_from_now_pp_per_year: float | None
    pace_ratio: float | None
    status: str
    projected_year: int | None


def _scalar(values: np.ndarray) -> float | None:
    value = float(values[0])
    return None if math.isnan(value) else value


def progress(
    points: Sequence[tuple[int, float | None]],
    *,
    baseline_year: int,
    target_year: int,
    target_share: float,
    mode: str,
) -> Progress:
    """Pace, status and projection from (wave year, share or None when suppressed) points."""
    points = sorted(points)
    known = [(year, share) for year, share in points if share is not None]
    baseline = next((s for y, s in points if y == baseline_year), None)
    latest_year, latest = points[-1] if points else (None, None)
    result = evaluate(
        [y for y, _ in known],
        np.asarray([[s for _, s in known]], dtype=float).reshape(1, len(known)),
        baseline_year=baseline_year,
        target_year=target_year,
        target_share=target_share,
        mode=mode,
    )
    target = _scalar(result.target)
    status = STATUSES[int(result.status[0])]
    if latest is None:  # the latest wave is suppressed: the last shown one is not "latest"
        status = "insufficient_data"
    needed = None
    if latest is not None and target is not None and latest_year is not None:
        years_left = target_year - latest_year
        needed = 100 * (target - latest) / years_left if years_left > 0 else None
    projected = _scalar(result.projected)
    assessed = Progress(
        baseline_year=baseline_year,
        baseline_share=baseline,
        latest_year=latest_year,
        latest_share=latest,
        target_share=target,
        pace_pp_per_year=_scalar(result.pace),
        required_pp_per_year=_scalar(result.required),
        needed_from_now_pp_per_year=needed,
        pace_ratio=_scalar(result.ratio),
        status=status,
        projected_year=None if projected is None else int(projected),
    )
    if status != "insufficient_data":
        return assessed
    # Nothing is assessed, so no figure derived from the shown waves is reported either.
    return replace(
        assessed,
        pace_pp_per_year=None,
        required_pp_per_year=None,
        needed_from_now_pp_per_year=None,
        pace_ratio=None,
        projected_year=None,
    )


def fitted_line(points: Sequence[tuple[int, float]]) -> tuple[float, float]:
    """(intercept, slope) of the least-squares line of share (fraction) over year."""
    years = [y for y, _ in points]
    slope = slope_pp_per_year(years, [s for _, s in points]) / 100
    mean_x = sum(years) / len(years)
    mean_y = sum(s for _, s in points) / len(points)
    return mean_y - slope * mean_x, slope


def projected_year(points: Sequence[tuple[int, float]], target: float) -> int | None:
    """First whole year in which the fitted line is at or above ``target`` (None if not rising)."""
    years = [y for y, _ in points]
    shares = np.asarray([[s for _, s in points]], dtype=float)
    pace = slopes_pp_per_year(np.asarray(years), shares)
    projected = _scalar(_projected_years(years, shares, pace, np.asarray([target])))
    return None if projected is None else int(projected)
