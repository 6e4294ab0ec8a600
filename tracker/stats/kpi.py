"""KPI and progress tables: the numbers the dashboard shows and the CLI prints, computed once.

Both take a ``query`` function (query name, parameters) → DataFrame so that the dashboard can pass
its cached query runner and the CLI a plain snapshot, and both end up in the same code.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from tracker.data.profiles import GROUPINGS, group_codes
from tracker.data.settings import MEASURES, TARGET_MODES, Settings
from tracker.stats.estimates import estimate_arrays
from tracker.stats.progress import progress
from tracker.stats.uncertainty import (
    UNCERTAINTY_COLUMNS,
    SimulationRules,
    difference_from,
    status_uncertainty,
)

QueryFn = Callable[..., pd.DataFrame]

LEVELS = ("national", "county", "municipality")
QUERY_BY_LEVEL = {
    "national": "measure_counts_by_nation_and_wave",
    "county": "measure_counts_by_county_and_wave",
    "municipality": "measure_counts_by_municipality_and_wave",
}
ROLE_BY_MEASURE = {"municipalities": "chief_executive", "units": "unit_leader"}
KPI_COLUMNS = (
    "area_code",
    "area_name",
    "wave_year",
    "measure",
    "n",
    "share",
    "ci_low",
    "ci_high",
    "suppressed",
)
PROGRESS_COLUMNS = (
    "area_code",
    "area_name",
    "baseline_year",
    "baseline_share",
    "latest_year",
    "latest_share",
    "pace_pp_per_year",
    "required_pp_per_year",
    "pace_ratio",
    "status",
    "projected_year",
    *UNCERTAINTY_COLUMNS,
)


def _check_choice(name: str, value: str, options: Sequence[str]) -> None:
    if value not in options:
        raise ValueError(f"{name} {value!r} is not valid; use one of: {', '.join(options)}")


def measure_counts(
    query: QueryFn, level: str, measure: str, sectors: Sequence[str] | None = None
) -> pd.DataFrame:
    """The raw counts per area and wave for one measure (see the queries' header comments).

    ``level`` is an area level (:data:`LEVELS`) or a structure grouping (:data:`GROUPINGS`).
    """
    _check_choice("level", level, LEVELS + GROUPINGS)
    _check_choice("measure", measure, MEASURES)
    params: dict[str, Any] = {
        "role": ROLE_BY_MEASURE[measure],
        "sectors": list(sectors) if sectors is not None else None,
    }
    if level in GROUPINGS:
        counts = query("measure_counts_by_group_and_wave", grouping=level, **params)
        # Groups in their own order (centrality 1–6, size bands upwards, KOSTRA 1–17), which
        # sorting the codes as text would break ("10" before "2").
        rank = {code: i for i, code in enumerate(group_codes(level))}
        order = counts["area_code"].map(rank).to_numpy() * 10_000 + counts["wave_year"].to_numpy()
        return counts.iloc[np.argsort(order, kind="stable")].reset_index(drop=True)
    return query(QUERY_BY_LEVEL[level], **params)


def kpi_table(
    query: QueryFn,
    level: str,
    measure: str,
    settings: Settings,
    *,
    wave: int | None = None,
    sectors: Sequence[str] | None = None,
) -> pd.DataFrame:
    """One row per area and wave: n, share, Wilson 95 % interval and suppression."""
    counts = measure_counts(query, level, measure, sectors)
    if wave is not None:
        counts = counts[counts["wave_year"] == wave]
    return estimates(counts, measure, settings)


def estimates(counts: pd.DataFrame, measure: str, settings: Settings) -> pd.DataFrame:
    """KPI rows from the counts a measure_counts_* query returns (one row per area and wave)."""
    weighted = measure == "units"
    n = counts["n"].to_numpy(dtype=float)
    share, low, high = estimate_arrays(
        n,
        counts["yes_weight" if weighted else "yes_n"].to_numpy(dtype=float),
        counts["weight_sum"].to_numpy(dtype=float) if weighted else n,
        counts["weight_square_sum"].to_numpy(dtype=float) if weighted else n,
        weighted=weighted,
        min_n=settings.min_n,
    )
    table = pd.DataFrame(
        {
            "area_code": counts["area_code"].to_numpy(),
            "area_name": counts["area_name"].to_numpy(),
            "wave_year": counts["wave_year"].astype(int).to_numpy(),
            "measure": measure,
            "n": counts["n"].astype(int).to_numpy(),
            "share": share,
            "ci_low": low,
            "ci_high": high,
            "suppressed": np.isnan(share),
        },
        columns=list(KPI_COLUMNS),
    )
    # In the order of the counts: every query sorts by area code and wave, and measure_counts
    # puts structure groups in their own order.
    return table.reset_index(drop=True)


def sector_table(
    query: QueryFn, settings: Settings, *, sectors: Sequence[str] | None = None
) -> pd.DataFrame:
    """Unit-measure KPI rows per sector and wave (``sectors`` restricts to some sectors)."""
    counts = query("measure_counts_by_sector_and_wave", sectors=list(sectors) if sectors else None)
    return estimates(counts, "units", settings)


def progress_table(
    query: QueryFn,
    level: str,
    measure: str,
    settings: Settings,
    *,
    until_wave: int | None = None,
    sectors: Sequence[str] | None = None,
) -> pd.DataFrame:
    """One row per area: baseline, latest, pace, required pace, status, projected year, and how
    sure the status is (pace standard error, status probabilities, projection interval).

    ``until_wave`` evaluates progress as it stood at that wave (later waves are ignored).
    Extra columns beyond the CLI contract: target_share, needed_pp_per_year.
    """
    _check_choice("target mode", settings.target_mode, TARGET_MODES)
    kpis = kpi_table(query, level, measure, settings, sectors=sectors)
    if until_wave is not None:
        kpis = kpis[kpis["wave_year"] <= until_wave]
    rules = simulation_rules(settings)
    rows = []
    # In the KPI rows' order: area codes, or structure groups in their own order.
    for (code, name), group in kpis.groupby(["area_code", "area_name"], sort=False):
        points = list(zip(group["wave_year"], group["share"], strict=True))
        result = progress(
            [(int(y), None if pd.isna(s) else float(s)) for y, s in points],
            baseline_year=settings.baseline_year,
            target_year=settings.target_year,
            target_share=settings.target_share,
            mode=settings.target_mode,
        )
        shown = group.dropna(subset=["share"]).sort_values("wave_year")
        sureness = status_uncertainty(
            [int(y) for y in shown["wave_year"]],
            shown["share"].to_numpy(dtype=float),
            shown["ci_low"].to_numpy(dtype=float),
            shown["ci_high"].to_numpy(dtype=float),
            point_status=result.status,
            area_code=str(code),
            baseline_year=settings.baseline_year,
            target_year=settings.target_year,
            target_share=settings.target_share,
            mode=settings.target_mode,
            rules=rules,
        )
        rows.append(
            {
                "area_code": code,
                "area_name": name,
                "baseline_year": result.baseline_year,
                "baseline_share": result.baseline_share,
                "latest_year": result.latest_year,
                "latest_share": result.latest_share,
                "pace_pp_per_year": result.pace_pp_per_year,
                "required_pp_per_year": result.required_pp_per_year,
                "pace_ratio": result.pace_ratio,
                "status": result.status,
                "projected_year": result.projected_year,
                **{column: getattr(sureness, column) for column in UNCERTAINTY_COLUMNS},
                "target_share": result.target_share,
                "needed_pp_per_year": result.needed_from_now_pp_per_year,
            }
        )
    return pd.DataFrame(rows, columns=[*PROGRESS_COLUMNS, "target_share", "needed_pp_per_year"])


def simulation_rules(settings: Settings) -> SimulationRules:
    """The simulation's draws, seed and settled threshold from the settings."""
    return SimulationRules(
        draws=settings.simulation_draws,
        seed=settings.simulation_seed,
        settled_at=settings.settled_probability,
    )


ANSWERS = ("collaborated", "did_not", "unknown", "no_answer")


def answer_matrix(query: QueryFn, county_code: str, measure: str) -> pd.DataFrame:
    """What each municipality of a county answered per wave, as one of :data:`ANSWERS`.

    collaborated: at least one respondent reported research collaboration on an innovation;
    did_not: answered, but reported none (no innovation, or no collaboration);
    unknown: innovated but did not know about collaboration; no_answer: no respondent.
    """
    _check_choice("measure", measure, MEASURES)
    counts = query(
        "answers_by_municipality_and_wave",
        county_code=county_code,
        role=ROLE_BY_MEASURE[measure],
    )
    answer = pd.Series("did_not", index=counts.index)
    answer[(counts["innovated_n"] > 0) & (counts["eligible_n"] == 0)] = "unknown"
    answer[counts["yes_n"] > 0] = "collaborated"
    answer[counts["responses_n"] == 0] = "no_answer"
    result = counts[["municipality_code", "municipality_name", "wave_year", "responses_n"]].copy()
    result["answer"] = answer
    return result


def _answer_history(matrix: pd.DataFrame) -> pd.DataFrame:
    """Per municipality: whether it ever reported collaboration, and how many waves it answered."""
    return (
        matrix.groupby(["municipality_code", "municipality_name"])
        .agg(
            collaborated=("answer", lambda a: bool((a == "collaborated").any())),
            waves_answered=("answer", lambda a: int((a != "no_answer").sum())),
        )
        .reset_index()
    )


def never_collaborated(matrix: pd.DataFrame) -> pd.DataFrame:
    """Municipalities that answered in at least one wave but never reported collaboration.

    A municipality with no answer in any wave is not here: nothing is known about it (see
    :func:`never_answered`), and counting it would make "never collaborated" look worse than it is.
    """
    history = _answer_history(matrix)
    never = history[~history["collaborated"] & (history["waves_answered"] > 0)]
    columns = ["municipality_code", "municipality_name", "waves_answered"]
    return never[columns].reset_index(drop=True)


def never_answered(matrix: pd.DataFrame) -> pd.DataFrame:
    """Municipalities with no answer in any wave of the matrix (code and name)."""
    history = _answer_history(matrix)
    silent = history[history["waves_answered"] == 0]
    return silent[["municipality_code", "municipality_name"]].reset_index(drop=True)


def versus_national(kpis: pd.DataFrame, national: pd.DataFrame) -> pd.DataFrame:
    """Each area's share minus Norway's in the same wave, with its 95 % interval and a verdict.

    ``verdict`` is 'above' or 'below' when the interval lies wholly on that side of 0,
    'no_clear' when it includes 0, and None when either share is suppressed.
    """
    reference = national[["wave_year", "share", "ci_low", "ci_high"]].rename(
        columns={"share": "ref_share", "ci_low": "ref_low", "ci_high": "ref_high"}
    )
    merged = kpis[["area_code", "wave_year", "share", "ci_low", "ci_high"]].merge(
        reference, on="wave_year", how="left"
    )
    diff = difference_from(
        merged["share"].to_numpy(dtype=float),
        merged["ci_low"].to_numpy(dtype=float),
        merged["ci_high"].to_numpy(dtype=float),
        merged["ref_share"].to_numpy(dtype=float),
        merged["ref_low"].to_numpy(dtype=float),
        merged["ref_high"].to_numpy(dtype=float),
    )
    table = merged[["area_code", "wave_year"]].assign(
        difference=diff.difference, difference_low=diff.low, difference_high=diff.high
    )
    verdict = pd.Series(diff.verdict(), index=table.index, dtype=object)
    table["verdict"] = verdict.where(~np.isnan(diff.difference), None)
    return table
