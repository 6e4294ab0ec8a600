"""Uncertain and settled statuses on Oversikt and Fylker, on a survey where both occur (issue 12).

Vestland answers with every municipality in every wave and jumps from 5 % to 70 %: its status
(achieved) is settled. Rogaland and Trøndelag answer with a handful of municipalities each: their
statuses are not. The pages must show the settled one as a plain label and the others as
"Usikker – trolig … (p %)", with projected years and their intervals, exactly as the CLI says.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

import numpy as np
import pytest
from support.app import cli_rows, expected_status, open_page, without_n

from tracker.app.contract import COUNTIES, COUNTY, ESTIMATE, LANG
from tracker.data.db import open_snapshot
from tracker.data.importer import import_files
from tracker.data.reference import municipalities
from tracker.data.settings import load_settings
from tracker.present import format as fmt
from tracker.present.i18n import t
from tracker.present.statuses import status_text
from tracker.stats import model_kpi

HEADER = (
    "wave_year,respondent_id,municipality_code,respondent_role,innovated,research_collaboration"
)
#: county → (number of municipalities answering, yes answers per wave 2018, 2020, 2024)
PLAN = {"46": (None, (0.05, 0.45, 0.70)), "11": (10, (2, 2, 3)), "50": (6, (1, 1, 2))}
WAVES = (2018, 2020, 2024)


def survey_rows() -> list[str]:
    rows = [HEADER]
    for county, (answering, plan) in PLAN.items():
        table = municipalities()
        codes = sorted(table.loc[table["county_code"] == county, "municipality_code"])
        codes = codes if answering is None else codes[:answering]
        for wave, planned in zip(WAVES, plan, strict=True):
            yes = round(planned * len(codes)) if isinstance(planned, float) else planned
            for i, code in enumerate(codes):
                answer = "ja" if i < yes else "nei"
                rows.append(f"{wave},R{wave}-{code},{code},chief_executive,ja,{answer}")
    return rows


@pytest.fixture(scope="module")
def mixed_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("mixed")
    survey = folder / "survey.csv"
    survey.write_text("\n".join(survey_rows()) + "\n", encoding="utf-8")
    db = folder / "mixed.duckdb"
    import_files([survey], db)
    return db


@pytest.fixture()
def use_mixed_db(mixed_db: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TRACKER_DB", str(mixed_db))
    return mixed_db


def counties_by_code(db: Path) -> dict[str, dict[str, str]]:
    return {row["area_code"]: row for row in cli_rows("progress", "--by", "county", db=db)}


def test_the_survey_has_settled_and_uncertain_statuses(mixed_db: Path) -> None:
    rows = counties_by_code(mixed_db)
    assert rows["46"]["status"] == "achieved" and rows["46"]["status_settled"] == "true"
    assert {rows[c]["status_settled"] for c in ("11", "50")} == {"false"}


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_counties_table_says_how_sure_each_status_is(use_mixed_db: Path, lang: str) -> None:
    at = open_page(COUNTIES, {LANG: lang})
    table = at.table[0].value
    rows = {r["area_name"]: r for r in counties_by_code(use_mixed_db).values()}
    shown = dict(zip(table[t("col_area", lang)], table[t("col_status", lang)], strict=True))
    for name in ("Vestland", "Rogaland", "Trøndelag"):
        assert shown[name] == expected_status(rows[name], lang)
    assert shown["Vestland"] == status_text("achieved", lang)  # settled: the plain label
    assert shown["Rogaland"].startswith(t("status_uncertain", lang, likely="", probability="")[:7])
    years = dict(zip(table[t("col_area", lang)], table[t("col_projected", lang)], strict=True))
    for name in ("Rogaland", "Trøndelag"):
        row = rows[name]
        if row["projected_year"] and row["projected_year_low"]:
            assert years[name].startswith(f"{row['projected_year']} ({row['projected_year_low']}")


def test_counties_quote_and_help_for_an_uncertain_county(use_mixed_db: Path) -> None:
    at = open_page(COUNTIES, {COUNTY: "50"})
    row = counties_by_code(use_mixed_db)["50"]
    probability = fmt.share(float(row["status_probability"]), "nb", 0)
    quote = next(m.value for m in at.markdown if m.value.startswith("**Trøndelag"))
    quote = quote.replace("\\", "")  # Markdown escapes of ( ) and .
    assert "men usikkert" in quote and f"({probability})" in quote
    better = fmt.share(float(row["probability_on_track_or_better"]), "nb", 0)
    assert any(better in c.value and "usikker" in c.value for c in at.caption)


def test_overview_counts_settled_and_uncertain_apart(use_mixed_db: Path) -> None:
    at = open_page()
    summaries = [c.value.replace("\\", "") for c in at.caption]  # without Markdown escapes
    summary = next(s for s in summaries if t("summary_settled", "nb", counts="")[:8] in s)
    # Vestland settled (achieved); Rogaland and Trøndelag uncertain.
    assert f"{status_text('achieved', 'nb')}: 1" in summary
    assert t("summary_uncertain", "nb", count=2, counts="").removesuffix(").") in summary
    assert f"{status_text('insufficient_data', 'nb')}: 12." in summary  # apart from both
    national = cli_rows("progress", db=use_mixed_db)[0]
    line = next(m.value for m in at.markdown if m.value.startswith("**Status:**"))
    line = line.replace("\\", "")  # without Markdown escapes
    assert f"**Status:** {expected_status(national, 'nb')}." in line
    if national["projected_year"] and national["projected_year_low"]:
        assert (
            f"**Når målet:** {national['projected_year']} ({national['projected_year_low']}" in line
        )


# --- Fylker: direct or model-based estimates (issue 13) ------------------------------------------


def ranking_points(at) -> dict[str, float]:
    """County → x of the ranking chart's dots (the first chart on Fylker)."""
    dots = json.loads(at.get("plotly_chart")[0].proto.spec)["data"][0]
    x = dots["x"]  # Plotly sends number arrays as base64 with their dtype
    values = np.frombuffer(base64.b64decode(x["bdata"]), dtype=x["dtype"]) if "bdata" in x else x
    return dict(zip(map(without_n, dots["y"]), (float(v) for v in values), strict=True))


def test_counties_switch_to_model_based_estimates(use_demo_db: Path) -> None:
    direct = open_page(COUNTIES)
    model = open_page(COUNTIES, {ESTIMATE: "model"})
    rows = cli_rows("kpi", "--by", "county", "--estimate", "model", db=use_demo_db)
    latest = max(int(r["wave_year"]) for r in rows)
    expected = {
        r["area_name"]: 100 * float(r["model_share"])
        for r in rows
        if int(r["wave_year"]) == latest and r["model_share"]
    }
    shown = ranking_points(model)
    # Every county has a model estimate, also those whose direct share is suppressed (Oslo).
    assert set(shown) == set(expected) and "Oslo" in shown
    for name, x in shown.items():
        assert x == pytest.approx(expected[name], abs=1e-4)  # the CLI prints 6 decimals
    assert "Oslo" not in ranking_points(direct)
    # Labelled model-based: the note, the chart's subtitle and the image file names.
    assert any(t("model_note", "nb")[:40] in i.value for i in model.info)
    for chart in model.get("plotly_chart"):  # the subtitle, so exported images say it too
        layout = json.dumps(json.loads(chart.proto.spec)["layout"], ensure_ascii=False)
        assert t("definition_model", "nb", definition="")[:20] in layout
    # The chart's own toolbar download is named after the view: model-based in the name.
    configs = [json.loads(chart.proto.config) for chart in model.get("plotly_chart")]
    assert all("modellbasert" in c["toImageButtonOptions"]["filename"] for c in configs)
    assert model.query_params[ESTIMATE] == "model"  # a copied link reopens this view


def test_model_view_says_when_estimates_rest_on_centrality_alone(use_demo_db: Path) -> None:
    # The demo's municipality measure has σ²_u = 0 in every wave (the method page shows the fit).
    settings = load_settings()
    snapshot = open_snapshot(use_demo_db)
    try:
        fits = model_kpi.model_fit_table(snapshot.query, "municipalities", settings)
    finally:
        snapshot.close()
    at = open_page(COUNTIES, {ESTIMATE: "model"})
    latest = int(fits["wave_year"].max())
    note = next(i.value for i in at.info if t("model_note", "nb")[:40] in i.value)
    synthetic = float(fits.loc[fits["wave_year"] == latest, "sigma2_u"].iloc[0]) == 0
    assert (t("model_note_synthetic", "nb", wave=latest) in note) is synthetic
