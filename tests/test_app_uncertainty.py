"""Uncertain and settled statuses on Oversikt and Fylker, on a survey where both occur (issue 12).

Vestland answers with every municipality in every wave and jumps from 5 % to 70 %: its status
(achieved) is settled. Rogaland and Trøndelag answer with a handful of municipalities each: their
statuses are not. The pages must show the settled one as a plain label and the others as
"Usikker – trolig … (p %)", with projected years and their intervals, exactly as the CLI says.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from support.app import cli_rows, expected_status, open_page

from tracker.app.contract import COUNTIES, COUNTY, LANG
from tracker.data.importer import import_files
from tracker.data.reference import municipalities
from tracker.present import format as fmt
from tracker.present.i18n import t
from tracker.present.statuses import status_text

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
