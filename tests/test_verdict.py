"""The overview's verdict sentence (tracker/present/verdict.py), from hand-made progress rows.

Every expected sentence is written out in full, in both languages, so a change of wording, of a
number's rounding or of which case applies fails here.
"""

from __future__ import annotations

import pandas as pd
import pytest

from tracker.present import format as fmt
from tracker.present.i18n import t
from tracker.present.verdict import coverage_warning, sentence
from tracker.stats.progress import ON_TRACK_RATIO

NBSP = "\u00a0"
TARGET_YEAR = 2030


def progress_row(
    status: str = "on_track",
    *,
    baseline: float | None = 0.15,
    latest: float | None = 0.225,
    target: float | None = 0.30,
    year: int | None = 2030,
    low: int | None = 2026,
    high: int | None = 2041,
    settled: bool | None = True,
    probability: float | None = 0.91,
) -> pd.Series:
    """One row as kpi.progress_table makes it (the columns the verdict reads)."""
    return pd.Series(
        {
            "area_code": "NO",
            "area_name": "Norge",
            "baseline_year": 2018,
            "baseline_share": baseline,
            "latest_year": 2024,
            "latest_share": latest,
            "target_share": target,
            "status": status,
            "projected_year": year,
            "projected_year_low": low,
            "projected_year_high": high,
            "status_settled": settled,
            "status_probability": probability,
        }
    )


CASES = {
    "on_track": (
        progress_row(),
        f"I rute: fra 15,0{NBSP}% i 2018 til 22,5{NBSP}% i 2024. Fortsetter utviklingen, "
        f"nås 30{NBSP}% rundt 2030 (80{NBSP}%-intervall: 2026–2041).",
        "On track: from 15.0% in 2018 to 22.5% in 2024. If the trend continues, 30% is reached "
        "around 2030 (80% interval: 2026–2041).",
    ),
    "uncertain_on_track": (
        progress_row(settled=False, probability=0.5316, high=2057),
        f"Usikker – trolig i rute (53{NBSP}%): fra 15,0{NBSP}% i 2018 til 22,5{NBSP}% i 2024. "
        f"Fortsetter utviklingen, nås 30{NBSP}% rundt 2030 (80{NBSP}%-intervall: 2026–2057).",
        "Uncertain – probably on track (53%): from 15.0% in 2018 to 22.5% in 2024. If the trend "
        "continues, 30% is reached around 2030 (80% interval: 2026–2057).",
    ),
    "behind": (
        progress_row("acceleration_needed", latest=0.2, year=2036, low=2031, high=2052),
        f"Må øke farten: fra 15,0{NBSP}% i 2018 til 20,0{NBSP}% i 2024. Fortsetter utviklingen, "
        f"nås 30{NBSP}% først rundt 2036, etter det antatte målåret 2030 "
        f"(80{NBSP}%-intervall: 2031–2052).",
        "Acceleration needed: from 15.0% in 2018 to 20.0% in 2024. If the trend continues, 30% "
        "is only reached around 2036, after the assumed target year 2030 "
        "(80% interval: 2031–2052).",
    ),
    "far_behind": (
        progress_row("limited_progress", latest=0.1625, year=2049, low=2040, high=None),
        # 0.1625 is 16.25 %: half up gives 16,3 where Python's round-half-to-even gives 16,2.
        f"Liten fremgang: fra 15,0{NBSP}% i 2018 til 16,3{NBSP}% i 2024. Fortsetter "
        f"utviklingen, nås 30{NBSP}% først rundt 2049, etter det antatte målåret 2030 "
        f"(80{NBSP}%-intervall: 2040 – ikke innen 2100).",
        "Limited progress: from 15.0% in 2018 to 16.3% in 2024. If the trend continues, 30% is "
        "only reached around 2049, after the assumed target year 2030 "
        "(80% interval: 2040 – not by 2100).",
    ),
    "after_2100": (
        progress_row("limited_progress", latest=0.151, year=2150, low=None, high=None),
        f"Liten fremgang: fra 15,0{NBSP}% i 2018 til 15,1{NBSP}% i 2024. Fortsetter "
        f"utviklingen, nås 30{NBSP}% først etter 2100.",
        "Limited progress: from 15.0% in 2018 to 15.1% in 2024. If the trend continues, 30% is "
        "not reached until after 2100.",
    ),
    "no_projection": (
        progress_row("moving_away", latest=0.12, year=None, low=None, high=None),
        f"Går feil vei: fra 15,0{NBSP}% i 2018 til 12,0{NBSP}% i 2024. I dagens takt nås ikke "
        f"30{NBSP}%.",
        "Moving away: from 15.0% in 2018 to 12.0% in 2024. At the current pace, 30% is not "
        "reached.",
    ),
    "achieved": (
        progress_row("achieved", latest=0.3125, year=2023, low=2021, high=2026),
        f"Målet er nådd: fra 15,0{NBSP}% i 2018 til 31,3{NBSP}% i 2024. Andelen har nådd målet "
        f"på 30{NBSP}%.",
        "Target achieved: from 15.0% in 2018 to 31.3% in 2024. The share has reached the target "
        "of 30%.",
    ),
    "insufficient_data": (
        progress_row(
            "insufficient_data",
            latest=None,
            year=None,
            low=None,
            high=None,
            settled=None,
            probability=None,
        ),
        "For lite data: for å vurdere fremgangen trengs en andel for 2018 og for en senere "
        "bølge, begge med nok svar.",
        "Insufficient data: judging progress needs a share for 2018 and for a later wave, both "
        "based on enough responses.",
    ),
    "relative_target": (
        # Relative mode: the target is double the baseline, 2 × 14,8 % = 29,6 %.
        progress_row(baseline=0.148, target=0.296),
        f"I rute: fra 14,8{NBSP}% i 2018 til 22,5{NBSP}% i 2024. Fortsetter utviklingen, "
        f"nås 29,6{NBSP}% rundt 2030 (80{NBSP}%-intervall: 2026–2041).",
        "On track: from 14.8% in 2018 to 22.5% in 2024. If the trend continues, 29.6% is "
        "reached around 2030 (80% interval: 2026–2041).",
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_verdict_sentence_in_both_languages(case: str) -> None:
    row, nb, en = CASES[case]
    assert sentence(row, "nb", TARGET_YEAR) == nb
    assert sentence(row, "en", TARGET_YEAR) == en


def test_every_case_reads_differently() -> None:
    sentences = {sentence(row, "nb", TARGET_YEAR) for row, _, _ in CASES.values()}
    assert len(sentences) == len(CASES)


def test_a_row_without_uncertainty_columns_reads_as_settled_without_a_range() -> None:
    # The CLI's and the statistics' plain rows: no sureness, no interval.
    row = progress_row().drop(
        ["status_settled", "status_probability", "projected_year_low", "projected_year_high"]
    )
    assert sentence(row, "en", TARGET_YEAR) == (
        "On track: from 15.0% in 2018 to 22.5% in 2024. If the trend continues, 30% is reached "
        "around 2030."
    )


def test_missing_values_as_nan_or_na_count_as_missing() -> None:
    row = progress_row("insufficient_data", latest=float("nan"), year=None)
    row["projected_year"] = pd.NA
    assert sentence(row, "en", TARGET_YEAR).startswith("Insufficient data:")


def test_the_target_year_setting_decides_on_time_or_late() -> None:
    row = progress_row(year=2033, low=None, high=None)
    assert sentence(row, "en", 2035).endswith("30% is reached around 2033.")
    # (with "on track" and a late year, the verdict then says why they differ: tested below)
    assert "30% is only reached around 2033, after the assumed target year 2030." in sentence(
        row, "en", 2030
    )


def test_coverage_warning_only_when_the_baseline_wave_surveyed_fewer_sectors() -> None:
    every = ["helse_omsorg", "kultur", "oppvekst_utdanning", "sosial", "teknisk"]
    two = ["helse_omsorg", "oppvekst_utdanning"]
    assert coverage_warning(two, every, 2018, "nb") == (
        "Indikatoren for enheter sammenligner ikke likt med likt over tid: bølgen i 2018 spurte "
        "bare 2 av 5 sektorer (helse og omsorg, oppvekst og utdanning). Siden Sektorer viser "
        "trender for sektorene som er med i alle bølger."
    )
    assert "only 3 of 5 sectors" in str(coverage_warning(every[:3], every, 2018, "en"))
    assert coverage_warning(every, every, 2018, "nb") is None
    assert coverage_warning([], every, 2018, "nb") is None  # no baseline: nothing to compare


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_verdict_says_why_status_and_projected_year_seem_to_disagree(lang: str) -> None:
    # Status: pace against the pace needed from the 2018 share; year: the line through all
    # waves. A slow status with the line on time, or "on track" just late, is explained.
    slow = sentence(progress_row("acceleration_needed", year=2029), lang, 2030)
    assert slow.endswith(t("verdict_note_slow", lang, baseline_year=2018))
    tolerance = fmt.probability(ON_TRACK_RATIO, lang)
    late = sentence(progress_row("on_track", year=2031), lang, 2030)
    assert late.endswith(t("verdict_note_tolerance", lang, tolerance=tolerance, target_year=2030))
    # Where they agree, nothing is added.
    for agreeing in (
        progress_row("on_track", year=2029),
        progress_row("acceleration_needed", year=2036),
        progress_row("limited_progress", year=None),
    ):
        said = sentence(agreeing, lang, 2030)
        assert t("verdict_note_slow", lang, baseline_year=2018) not in said
        assert "95" not in said
