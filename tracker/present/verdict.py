"""The overview's verdict: one plain sentence on where the national share stands against its target.

"Usikker – trolig i rute (53 %): fra 14,8 % i 2018 til 22,5 % i 2024. Fortsetter utviklingen,
nås 30 % rundt 2030 (80 %-intervall: 2026–2057)."

Built from one progress row (``tracker.stats.kpi.progress_table``: baseline and latest share,
target share, status with its sureness, projected year with its 80 % interval) so that leadership
reads the answer before the numbers, in the same words as the status line and the tables: the
status comes from :mod:`tracker.present.statuses` (an uncertain status keeps "Usikker – trolig …"),
every number from :mod:`tracker.present.format`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from tracker.present import format as fmt
from tracker.present.i18n import t
from tracker.present.statuses import (
    PROJECTION_LIMIT,
    Row,
    is_uncertain,
    projection_span,
    status_words,
)
from tracker.stats.progress import ON_TRACK_RATIO


def _number(row: Row, column: str) -> float | None:
    try:
        number = float(row.get(column))  # type: ignore[arg-type]
    except (TypeError, ValueError):  # None, pandas' NA, an empty cell: missing
        return None
    return None if math.isnan(number) else number


def _year(row: Row, column: str) -> int | None:
    value = _number(row, column)
    return None if value is None else int(value)


def sentence(row: Row, lang: str, target_year: int) -> str:
    """The verdict on one area's progress row, in ``lang``; ``target_year`` is the setting."""
    lead = status_words(row, lang)
    status = str(row["status"])
    baseline_year = _year(row, "baseline_year")
    baseline, latest = _number(row, "baseline_share"), _number(row, "latest_share")
    latest_year = _year(row, "latest_year")
    target = _number(row, "target_share")
    if status == "insufficient_data" or None in (baseline, latest, latest_year, target):
        return t("verdict_insufficient", lang, lead=lead, baseline_year=baseline_year)
    path = t(
        "verdict_path",
        lang,
        lead=lead,
        baseline=fmt.share(baseline, lang),
        baseline_year=baseline_year,
        latest=fmt.share(latest, lang),
        latest_year=latest_year,
    )
    target_text = fmt.target(target, lang)
    if status == "achieved":
        # An uncertain "achieved" is an estimate above the target, not a fact (statuses.py).
        key = "verdict_achieved_uncertain" if is_uncertain(row) else "verdict_achieved"
        return f"{path} {t(key, lang, target=target_text)}"
    return f"{path} {_outlook(row, lang, target_text, target_year)}"


def _outlook(row: Row, lang: str, target: str, target_year: int) -> str:
    """When the line reaches the target: on time, late, after the limit, or not at this pace."""
    projected = _year(row, "projected_year")
    if projected is None:
        reach = t("verdict_not_reached", lang, target=target)
    elif projected > PROJECTION_LIMIT:
        reach = t("verdict_after_limit", lang, target=target, limit=PROJECTION_LIMIT)
    elif projected > target_year:
        reach = t("verdict_late", lang, target=target, year=projected, target_year=target_year)
    else:
        reach = t("verdict_on_time", lang, target=target, year=projected)
    span = projection_span(row, lang)
    if span is not None:
        reach = f"{reach} {t('verdict_range', lang, range=span)}"
    note = _why_they_differ(row, lang, projected, target_year)
    return f"{reach}." if note is None else f"{reach}. {note}"


def _why_they_differ(row: Row, lang: str, projected: int | None, target_year: int) -> str | None:
    """A sentence when status and projected year seem to disagree, else None.

    They follow two definitions (GUIDE §6): the status compares the pace with the pace needed
    from the baseline share (on track from 95 % of it), the year is where the line fitted
    through all waves reaches the target. "Må øke farten … nås 30 % rundt 2029" or "I rute …
    først rundt 2031" would read as a contradiction without saying why.
    """
    status = str(row["status"])
    if projected is None or projected > PROJECTION_LIMIT:
        return None
    if status in ("acceleration_needed", "limited_progress") and projected <= target_year:
        return t("verdict_note_slow", lang, baseline_year=_year(row, "baseline_year"))
    if status == "on_track" and projected > target_year:
        tolerance = fmt.probability(ON_TRACK_RATIO, lang)
        return t("verdict_note_tolerance", lang, tolerance=tolerance, target_year=target_year)
    return None


def coverage_warning(
    baseline_sectors: Sequence[str], every_sector: Sequence[str], baseline_year: int, lang: str
) -> str | None:
    """A warning when the baseline wave surveyed some but not all sectors (unit measure), so
    that its change since the baseline compares different sets of services; else None."""
    if not baseline_sectors or len(baseline_sectors) >= len(every_sector):
        return None
    return t(
        "units_baseline_warning",
        lang,
        baseline=baseline_year,
        count=len(baseline_sectors),
        total=len(every_sector),
        # Commas, not "og": the sector names have "og" in them ("helse og omsorg").
        sectors=", ".join(t(f"sector_{s}", lang).lower() for s in baseline_sectors),
    )
