"""The method page's "How sure is a status?": the worked example's county, figures and text.

The example must explain the very numbers the other pages and the CLI show, so every expectation
here comes from somewhere else: the KPI and progress tables, the CLI's CSV, or the hand formulas
of issue 12 applied to the CLI's Wilson bounds.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from support.app import open_page
from support.cli import run_cli

from tracker.app.contract import LANG, MEASURE, METHOD, TARGET
from tracker.data.db import open_snapshot
from tracker.data.settings import Settings, load_settings
from tracker.present import format as fmt
from tracker.present import method_example, page_data
from tracker.present.i18n import t
from tracker.present.statuses import status_display
from tracker.stats import kpi
from tracker.stats.kpi import QueryFn

Z95 = 1.959964
COMBINATIONS = [
    ("municipalities", "absolute"),
    ("municipalities", "relative"),
    ("units", "absolute"),
    ("units", "relative"),
]


@pytest.fixture(scope="module")
def demo_query(demo_db: Path) -> Iterator[QueryFn]:
    snapshot = open_snapshot(demo_db)
    yield snapshot.query
    snapshot.close()


def settings_for(mode: str) -> Settings:
    return load_settings({}).with_overrides(target_mode=mode)


def expected_county(query: QueryFn, measure: str, settings: Settings) -> str:
    """The rule written out again: most answers in the latest wave among counties with a status,
    ties by the lower area code."""
    kpis = kpi.kpi_table(query, "county", measure, settings)
    latest = int(kpis["wave_year"].max())
    progress = kpi.progress_table(query, "county", measure, settings, until_wave=latest)
    assessed = set(progress.loc[progress["status"] != "insufficient_data", "area_code"])
    answers = {
        str(row.area_code): int(row.n)
        for row in kpis[kpis["wave_year"] == latest].itertuples()
        if row.area_code in assessed
    }
    return min(answers, key=lambda code: (-answers[code], code))


def cli_rows(*args: object, db: Path, env: dict[str, str] | None = None) -> list[dict[str, str]]:
    """The rows ``python -m tracker ARGS --format csv --db DB`` prints, with ``env`` settings."""
    done = run_cli(*args, "--format", "csv", "--db", db, env=env)
    assert done.returncode == 0, done.stderr
    return list(csv.DictReader(io.StringIO(done.stdout)))


def cli_example(
    db: Path, measure: str, mode: str, env: dict[str, str] | None = None
) -> dict[str, Any]:
    """The example's county, progress row and wave rows as the CLI prints them (CSV strings)."""
    county_kpis = cli_rows("kpi", "--by", "county", "--measure", measure, db=db, env=env)
    latest = max(int(row["wave_year"]) for row in county_kpis)
    progress = {
        row["area_code"]: row
        for row in cli_rows(
            "progress",
            "--by",
            "county",
            "--measure",
            measure,
            "--target-mode",
            mode,
            db=db,
            env=env,
        )
    }
    candidates = [
        row
        for row in county_kpis
        if int(row["wave_year"]) == latest
        and progress[row["area_code"]]["status"] != "insufficient_data"
    ]
    chosen = min(candidates, key=lambda row: (-int(row["n"]), row["area_code"]))["area_code"]
    national = cli_rows(
        "kpi", "--by", "national", "--measure", measure, "--wave", latest, db=db, env=env
    )
    waves = [
        row for row in county_kpis if row["area_code"] == chosen and row["suppressed"] == "false"
    ]
    return {
        "code": chosen,
        "wave": latest,
        "progress": progress[chosen],
        "waves": sorted(waves, key=lambda row: int(row["wave_year"])),
        "national": national[0],
    }


def number(text: str) -> float | None:
    return float(text) if text else None


# --- (a) the county ------------------------------------------------------------------------------


@pytest.mark.parametrize(("measure", "mode"), COMBINATIONS)
def test_example_is_the_assessed_county_with_most_latest_answers(
    demo_query: QueryFn, measure: str, mode: str
) -> None:
    settings = settings_for(mode)
    example = page_data.uncertainty_example(demo_query, measure, settings)
    assert example is not None
    assert example.progress["area_code"] == expected_county(demo_query, measure, settings)
    assert example.progress["status"] != "insufficient_data"
    assert example.wave == example.waves["wave_year"].max() == 2024


def fake_counts(rows: list[tuple[str, int, int, int]]) -> QueryFn:
    """A query function with hand-made county counts (code, wave, n, yes) and a fixed nation."""
    county = pd.DataFrame(
        [
            {
                "area_code": code,
                "area_name": f"Fylke {code}",
                "wave_year": wave,
                "n": n,
                "yes_n": yes,
                "weight_sum": float(n),
                "yes_weight": float(yes),
                "weight_square_sum": float(n),
            }
            for code, wave, n, yes in rows
        ]
    )
    nation = (
        county.groupby("wave_year", as_index=False)[["n", "yes_n"]]
        .sum()
        .assign(area_code="NO", area_name="Norge")
    )

    def query(name: str, **params: object) -> pd.DataFrame:
        if name == "measure_counts_by_county_and_wave":
            return county.copy()
        if name == "measure_counts_by_nation_and_wave":
            return nation.copy()
        raise AssertionError(f"unexpected query {name}")

    return query


def test_example_skips_insufficient_data_and_breaks_ties_by_code() -> None:
    settings = load_settings({})
    query = fake_counts(
        [
            # 10 has the most answers in 2024, but its 2018 share is suppressed (n < 5).
            ("10", 2018, 3, 1),
            ("10", 2024, 40, 10),
            # 20 and 15 tie at 20 answers in 2024: the lower code, 15, is the example.
            ("20", 2018, 10, 2),
            ("20", 2024, 20, 5),
            ("15", 2018, 10, 1),
            ("15", 2024, 20, 6),
            ("05", 2018, 10, 1),
            ("05", 2024, 19, 6),
        ]
    )
    example = page_data.uncertainty_example(query, "municipalities", settings)
    assert example is not None
    assert example.progress["area_code"] == "15" and example.n == 20
    assert list(example.waves["wave_year"]) == [2018, 2024]
    assert expected_county(query, "municipalities", settings) == "15"


def test_no_example_when_no_county_has_a_status() -> None:
    query = fake_counts([("10", 2018, 3, 1), ("10", 2024, 40, 10), ("20", 2024, 20, 5)])
    settings = load_settings({})
    assert page_data.uncertainty_example(query, "municipalities", settings) is None
    for lang in ("nb", "en"):
        shown = method_example.worked_example(None, "municipalities", settings, lang)
        assert shown == t("method_example_none", lang)


# --- (b) the figures -----------------------------------------------------------------------------


@pytest.mark.parametrize(("measure", "mode"), COMBINATIONS)
def test_example_figures_equal_the_cli_and_the_hand_formulas(
    demo_db: Path, demo_query: QueryFn, measure: str, mode: str
) -> None:
    example = page_data.uncertainty_example(demo_query, measure, settings_for(mode))
    cli = cli_example(demo_db, measure, mode)
    assert example is not None
    assert example.progress["area_code"] == cli["code"] and example.wave == cli["wave"]
    row = cli["progress"]
    assert example.progress["status"] == row["status"]
    assert str(example.progress["status_settled"]).lower() == row["status_settled"]
    for column in (
        "pace_pp_per_year",
        "required_pp_per_year",
        "pace_ratio",
        "pace_se_pp_per_year",
        "status_probability",
        "probability_on_track_or_better",
        "projected_year",
        "projected_year_low",
        "projected_year_high",
    ):
        mine, theirs = example.progress[column], number(row[column])
        if theirs is None:
            assert mine is None or pd.isna(mine), column
        else:
            assert float(mine) == pytest.approx(theirs, abs=1e-6), column

    # The table's waves are the CLI's shown waves; se_i and the pace's se by hand from the bounds.
    waves = cli["waves"]
    assert list(example.waves["wave_year"]) == [int(w["wave_year"]) for w in waves]
    assert list(example.waves["n"]) == [int(w["n"]) for w in waves]
    years = [int(w["wave_year"]) for w in waves]
    se = [(float(w["ci_high"]) - float(w["ci_low"])) / (2 * Z95) for w in waves]
    assert list(example.waves["se"]) == pytest.approx(se, abs=1e-6)
    mean = sum(years) / len(years)
    spread = sum((x - mean) ** 2 for x in years)
    weights = [(x - mean) / spread for x in years]
    pace_se = 100 * math.sqrt(sum(w**2 * s**2 for w, s in zip(weights, se, strict=True)))
    assert float(example.progress["pace_se_pp_per_year"]) == pytest.approx(pace_se, abs=1e-5)
    assert float(row["pace_se_pp_per_year"]) == pytest.approx(pace_se, abs=1e-5)

    # Difference from Norway: p_c − p_NO ± 1.96·√(se_c² + se_NO²), from the CLI's national row.
    county, nation = waves[-1], cli["national"]
    difference = float(county["share"]) - float(nation["share"])
    se_no = (float(nation["ci_high"]) - float(nation["ci_low"])) / (2 * Z95)
    half = Z95 * math.sqrt(se[-1] ** 2 + se_no**2)
    versus = example.versus
    assert versus["difference"] == pytest.approx(difference, abs=1e-5)
    assert versus["difference_low"] == pytest.approx(difference - half, abs=1e-5)
    assert versus["difference_high"] == pytest.approx(difference + half, abs=1e-5)
    verdict = "above" if difference - half > 0 else "below" if difference + half < 0 else "no_clear"
    assert versus["verdict"] == verdict


# --- (c) the page --------------------------------------------------------------------------------


def page_texts(lang: str, measure: str = "municipalities", mode: str = "absolute") -> list[str]:
    at = open_page(METHOD, {LANG: lang, MEASURE: measure, TARGET: mode})
    assert t("method_uncertainty_heading", lang) in [s.value for s in at.subheader]
    return [m.value for m in at.markdown]


def cli_display(row: dict[str, str], lang: str) -> str:
    """The status as the pages show it, from the CLI's row."""
    parsed = {
        "status": row["status"],
        "status_settled": row["status_settled"] == "true",
        "status_probability": float(row["status_probability"]),
    }
    return status_display(parsed, lang)


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_method_page_shows_the_worked_example(use_demo_db: Path, lang: str) -> None:
    texts = page_texts(lang)
    cli = cli_example(use_demo_db, "municipalities", "absolute")
    name = cli["progress"]["area_name"]
    assert any(text.startswith(f"**{name}**") for text in texts), texts
    steps = next(text for text in texts if text.startswith("1. "))
    probability = fmt.share(float(cli["progress"]["status_probability"]), lang, 0)
    assert f" {probability} " in steps
    assert cli_display(cli["progress"], lang) in steps
    assert fmt.pp(float(cli["progress"]["pace_se_pp_per_year"]), lang, signed=False) in steps
    assert [line[:3] for line in steps.splitlines()] == ["1. ", "2. ", "3. ", "4. ", "5. ", "6. "]


def test_method_page_example_follows_measure_and_target_mode(use_demo_db: Path) -> None:
    texts = page_texts("en", "units", "relative")
    cli = cli_example(use_demo_db, "units", "relative")
    steps = next(text for text in texts if text.startswith("1. "))
    assert cli_display(cli["progress"], "en") in steps
    # Relative mode: the county's own target is double its 2018 share.
    target = fmt.share(2 * float(cli["progress"]["baseline_share"]), "en", 1)
    assert f"the target {target} in 2030" in steps


# --- (d) the settings ----------------------------------------------------------------------------


def test_method_page_text_shows_the_configured_settings(
    use_demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = {
        "TRACKER_SETTLED_PROBABILITY": "0.9",
        "TRACKER_SIMULATION_DRAWS": "1000",
        "TRACKER_SIMULATION_SEED": "7",
        "TRACKER_TARGET_YEAR": "2035",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    texts = page_texts("nb")
    explanation = next(text for text in texts if "Simulering." in text)
    ninety, eighty = fmt.share(0.9, "nb", 0), fmt.share(0.8, "nb", 0)
    assert f"minst {ninety}" in explanation and f"under {ninety}" in explanation
    assert f"minst {eighty}" not in explanation
    assert f"{fmt.count(1000, 'nb')} ganger" in explanation and "(frø 7)" in explanation
    assert "mot 2035" in explanation and "i 2018" in explanation
    # The example runs with the same settings: 1000 draws, the 90 % threshold, target year 2035.
    steps = next(text for text in texts if text.startswith("1. "))
    assert f"de {fmt.count(1000, 'nb')} trekningene" in steps and ninety in steps
    cli = cli_example(use_demo_db, "municipalities", "absolute", env)
    assert cli_display(cli["progress"], "nb") in steps
