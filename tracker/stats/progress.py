"""Progress toward the target: pace, required pace, status and projected year (guide §6).

After Eurostat's progress assessment, in percentage points. Shares are fractions (0–1); paces are
percentage points per year. Tested against hand-computed values in tests/test_stats.py.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

STATUSES = (
    "achieved",
    "on_track",
    "acceleration_needed",
    "limited_progress",
    "moving_away",
    "insufficient_data",
)
ON_TRACK_RATIO = 0.95
ACCELERATION_RATIO = 0.60


def slope_pp_per_year(years: Sequence[float], shares: Sequence[float]) -> float:
    """Least-squares slope of share (as percentage points) over years."""
    if len(years) != len(shares) or len(years) < 2:
        raise ValueError("need at least two (year, share) points")
    mean_x = sum(years) / len(years)
    mean_y = sum(shares) / len(shares)
    sxx = sum((x - mean_x) ** 2 for x in years)
    if sxx == 0:
        raise ValueError("years must differ")
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in zip(years, shares, strict=True))
    # Rounding turns float noise such as 4e-29 for equal shares into a flat 0 (no projection).
    return round(100 * sxy / sxx, 9)


def target_for(baseline_share: float | None, mode: str, target_share: float) -> float | None:
    """The area's target: the fixed share (absolute) or double its own baseline (relative).

    Doubling a baseline of 0 gives no target (0 would count as already achieved), so such an
    area has no relative target and its status is insufficient_data.
    """
    if mode == "absolute":
        return target_share
    if mode == "relative":
        return None if not baseline_share else 2 * baseline_share
    raise ValueError(f"unknown target mode {mode!r}; use absolute or relative")


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
    target = target_for(baseline, mode, target_share)

    pace = None
    if len(known) >= 2:
        pace = slope_pp_per_year([y for y, _ in known], [s for _, s in known])
    required = None
    if baseline is not None and target is not None:
        required = 100 * (target - baseline) / (target_year - baseline_year)
    needed = None
    if latest is not None and target is not None and latest_year is not None:
        years_left = target_year - latest_year
        needed = 100 * (target - latest) / years_left if years_left > 0 else None
    # R is only meaningful when the target lies above the baseline (required > 0): with a baseline
    # already at or above target, a falling pace over a negative required pace would give R > 0.
    ratio = pace / required if pace is not None and required is not None and required > 0 else None

    if baseline is None or latest is None or pace is None or len(known) < 2 or target is None:
        status = "insufficient_data"
    elif latest >= target:
        status = "achieved"
    elif ratio is None:
        # The baseline was already at or above target but the latest wave is below it.
        status = "moving_away" if pace < 0 else "limited_progress"
    else:
        status = classify_ratio(ratio)

    projected = None
    if pace is not None and pace > 0 and target is not None:
        projected = projected_year(known, target)
    return Progress(
        baseline_year=baseline_year,
        baseline_share=baseline,
        latest_year=latest_year,
        latest_share=latest,
        target_share=target,
        pace_pp_per_year=pace,
        required_pp_per_year=required,
        needed_from_now_pp_per_year=needed,
        pace_ratio=ratio,
        status=status,
        projected_year=projected,
    )


def classify_ratio(ratio: float) -> str:
    """Status from R = actual pace / required pace (Eurostat-style thresholds)."""
    # Rounding guards against 0.9499999999999996 from float noise when R is 0.95 exactly.
    ratio = round(ratio, 9)
    if ratio >= ON_TRACK_RATIO:
        return "on_track"
    if ratio >= ACCELERATION_RATIO:
        return "acceleration_needed"
    if ratio >= 0:
        return "limited_progress"
    return "moving_away"


def fitted_line(points: Sequence[tuple[int, float]]) -> tuple[float, float]:
    """(intercept, slope) of the least-squares line of share (fraction) over year."""
    years = [y for y, _ in points]
    slope = slope_pp_per_year(years, [s for _, s in points]) / 100
    mean_x = sum(years) / len(years)
    mean_y = sum(s for _, s in points) / len(points)
    return mean_y - slope * mean_x, slope


def projected_year(points: Sequence[tuple[int, float]], target: float) -> int | None:
    """First whole year in which the fitted line is at or above ``target`` (None if not rising)."""
    intercept, slope = fitted_line(points)
    if slope <= 0:
        return None
    crossing = (target - intercept) / slope
    # Rounding guards against 2030.0000000001 from float noise turning into 2031.
    return math.ceil(round(crossing, 6))
