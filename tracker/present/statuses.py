"""How a status reads: with its sureness, its projected year's interval and the gap to Norway.

A status that the simulation does not settle (probability below the setting, 0.80 by default) is
never shown as a plain label: it reads "Usikker – trolig i rute (62 %)". Shared by the tables,
headline, summaries and quotable sentences so that every page says it in the same words.
"""

from __future__ import annotations

import math
from typing import Any, TypeAlias

import pandas as pd

from tracker.present import format as fmt
from tracker.present.i18n import status_label, t
from tracker.present.style import STATUS_STYLE
from tracker.stats.progress import STATUSES

#: Projected years after this read "etter 2100" / "after 2100".
PROJECTION_LIMIT = 2100


Row: TypeAlias = pd.Series | dict[str, Any]


def _number(row: Row, column: str) -> float | None:
    value = row.get(column)
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    return float(value)


def status_text(status: str, lang: str) -> str:
    """Status as icon and words, never colour alone: '▲ I rute'."""
    return f"{STATUS_STYLE[status]['icon']} {status_label(status, lang)}"


def is_uncertain(row: Row) -> bool:
    """True when the row has a status the simulation did not settle."""
    settled = row.get("status_settled")
    return settled is not None and settled is not pd.NA and not bool(settled)


def likely(status: str, lang: str, probability: float | None = None) -> str:
    """'trolig i rute' / 'probably on track'; 'kanskje i rute' / 'possibly on track' when the
    status has no better than even odds (the point status may have well under 50 %)."""
    key = "status_possible" if probability is not None and probability <= 0.5 else "status_likely"
    return t(key, lang, status=t(f"status_phrase_{status}", lang))


def status_display(row: Row, lang: str) -> str:
    """'▲ I rute' when settled (or no probability), 'Usikker – trolig i rute (62 %)' when not."""
    if not is_uncertain(row):
        return status_text(str(row["status"]), lang)
    return status_words(row, lang)


def status_words(row: Row, lang: str) -> str:
    """The status in words alone, for sentences: 'I rute' or 'Usikker – trolig i rute (62 %)'."""
    status = str(row["status"])
    if not is_uncertain(row):
        return status_label(status, lang)
    chance = _number(row, "status_probability")
    probability = fmt.probability(uncertain_chance(chance), lang)
    return t("status_uncertain", lang, likely=likely(status, lang, chance), probability=probability)


def uncertain_chance(chance: float | None) -> float | None:
    """An uncertain status's probability as shown: whole percent, rounded down, but above
    50 % when its wording says "trolig" (more than even odds). Rounding half up could put it on
    the other side of a line its wording rests on: 0.7996 would read "usikker (80 %)" beside a
    help text saying a status is settled from 80 %, and 0.5004 "trolig (50 %)"."""
    if chance is None:
        return None
    shown = math.floor(100 * chance + 1e-9) / 100  # 100 * 0.29 is 28.999999999999996
    return max(shown, 0.51) if chance > 0.5 else shown


def status_help(row: Row, lang: str, settled_at: float) -> str:
    """The probabilities behind a status, for help text and captions ('' without them)."""
    probability = _number(row, "status_probability")
    better = _number(row, "probability_on_track_or_better")
    if probability is None or better is None:
        return ""
    key = "status_help_uncertain" if is_uncertain(row) else "status_help_settled"
    return t(
        key,
        lang,
        probability=fmt.probability(
            uncertain_chance(probability) if is_uncertain(row) else probability, lang
        ),
        better=fmt.probability(better, lang),
        settled=fmt.probability(settled_at, lang),
    )


def projected_year_text(year: int, lang: str) -> str:
    """'2030', or 'etter 2100' / 'after 2100' beyond :data:`PROJECTION_LIMIT`."""
    return (
        t("projection_after", lang, limit=PROJECTION_LIMIT)
        if year > PROJECTION_LIMIT
        else str(year)
    )


def projection_display(row: Row, lang: str) -> str:
    """'2030 (2026–2041)', '2030 (2026 – ikke innen 2100)', 'ikke i dagens takt' or '–'."""
    projected = _number(row, "projected_year")
    if projected is None:
        point = "–" if row["status"] == "insufficient_data" else t("projection_never", lang)
    else:
        point = projected_year_text(int(projected), lang)
    span = projection_span(row, lang)
    return point if span is None else f"{point} ({span})"


def projection_span(row: Row, lang: str) -> str | None:
    """The projected year's 80 % interval, '2026–2041' or '2026 – ikke innen 2100' (None
    without one, or when even its first year lies beyond the limit)."""
    low, high = _number(row, "projected_year_low"), _number(row, "projected_year_high")
    if low is None or low > PROJECTION_LIMIT:
        return None
    if high is None or high > PROJECTION_LIMIT:
        return t("projection_range_open", lang, low=int(low), limit=PROJECTION_LIMIT)
    return f"{int(low)}–{int(high)}"


def versus_text(verdict: object, lang: str) -> str:
    """'klart over landet', 'klart under landet', 'ingen klar forskjell fra landet' or '–'."""
    return t(f"versus_{verdict}", lang) if verdict in ("above", "below", "no_clear") else "–"


def status_summary(progress: pd.DataFrame, lang: str) -> str:
    """Settled, uncertain and unassessed areas counted apart.

    'Avklart status: ★ Målet er nådd: 1. Usikker status: 2 (trolig i rute: 2). ○ For lite data: 12.'
    """
    uncertain = pd.Series([is_uncertain(row) for _, row in progress.iterrows()], dtype=bool)
    uncertain.index = progress.index
    unassessed = progress["status"] == "insufficient_data"
    settled = progress.loc[~uncertain & ~unassessed, "status"].value_counts()
    doubtful = progress.loc[uncertain, "status"].value_counts()
    parts = []
    if not settled.empty:
        counts = [f"{status_text(s, lang)}: {settled[s]}" for s in STATUSES if s in settled.index]
        parts.append(t("summary_settled", lang, counts=", ".join(counts)))
    if not doubtful.empty:
        counts = [
            f"{t(f'status_phrase_{s}', lang)}: {doubtful[s]}"
            for s in STATUSES
            if s in doubtful.index
        ]
        parts.append(
            t("summary_uncertain", lang, count=int(uncertain.sum()), counts=", ".join(counts))
        )
    if unassessed.any():
        parts.append(f"{status_text('insufficient_data', lang)}: {int(unassessed.sum())}.")
    return " ".join(parts)


def quote_sentence(
    name: str, kpi_row: pd.Series, progress_row: pd.Series, verdict: object, lang: str, min_n: int
) -> str:
    """A sentence to quote: 'Vestland: 26,3 % (12,1–49,2 %), trolig i rute, men usikkert (62 %);
    …'."""
    share = _number(kpi_row, "share")
    if share is None:
        return t("summary_suppressed", lang, area=name, min_n=min_n)
    values = {
        "area": name,
        "share": fmt.share(share, lang),
        "ci": fmt.share_range(_number(kpi_row, "ci_low"), _number(kpi_row, "ci_high"), lang),
        "versus": versus_text(verdict, lang),
    }
    status = str(progress_row["status"])
    if status == "insufficient_data":
        return t("quote_insufficient", lang, **values)
    chance = _number(progress_row, "status_probability")
    probability = fmt.probability(chance, lang)
    if is_uncertain(progress_row):
        values["likely"] = likely(status, lang, chance)
        return t("quote_uncertain", lang, probability=probability, **values)
    phrase = t(f"status_phrase_{status}", lang)
    return t("quote_settled", lang, status=phrase, probability=probability, **values)


def quote_sentences(
    kpis: pd.DataFrame, progress: pd.DataFrame, versus: pd.DataFrame, lang: str, min_n: int
) -> dict[str, str]:
    """:func:`quote_sentence` for every area of ``progress`` (one wave of ``kpis``), by code."""
    kpi_rows = kpis.set_index("area_code")
    verdicts = dict(zip(versus["area_code"], versus["verdict"], strict=True))
    return {
        str(row["area_code"]): quote_sentence(
            str(row["area_name"]),
            kpi_rows.loc[row["area_code"]] if row["area_code"] in kpi_rows.index else pd.Series(),
            row,
            verdicts.get(row["area_code"]),
            lang,
            min_n,
        )
        for _, row in progress.iterrows()
    }


def versus_summary(kpis: pd.DataFrame, versus: pd.DataFrame, lang: str) -> str:
    """Which counties differ clearly from Norway, and how many do not, in words."""
    named = versus.merge(kpis[["area_code", "area_name"]], on="area_code")
    parts = []
    for verdict in ("above", "below"):
        areas = named.loc[named["verdict"] == verdict, "area_name"]
        if not areas.empty:
            parts.append(t(f"summary_versus_{verdict}", lang, areas=fmt.join_list(areas, lang)))
    unclear = int((named["verdict"] == "no_clear").sum())
    if unclear:
        parts.append(t("summary_versus_no_clear", lang, count=unclear))
    return " ".join(parts)
