"""AppTest of the overview page: both languages and measures, widgets, hostile parameters."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from support.app import assert_page_frame, cli_rows, open_page

from tracker.app.contract import COUNTIES, LANG, MEASURE, OVERVIEW, TARGET, WAVE, widget_key
from tracker.data.settings import load_settings
from tracker.present import format as fmt
from tracker.present import verdict
from tracker.present.i18n import t
from tracker.present.markdown import escape_markdown
from tracker.present.statuses import status_text


def run_overview(params: dict[str, str] | None = None) -> AppTest:
    return open_page(OVERVIEW, params)


def metric(at: AppTest, label: str) -> str:
    found = [m.value for m in at.metric if m.label == label]
    assert found, f"no metric {label!r}; have {[m.label for m in at.metric]}"
    return found[0]


def cli_kpi(db: Path, measure: str) -> list[dict[str, str]]:
    return cli_rows("kpi", "--by", "national", "--measure", measure, db=db)


@pytest.mark.parametrize("lang", ["nb", "en"])
@pytest.mark.parametrize("measure", ["municipalities", "units"])
def test_overview_matches_cli(use_demo_db: Path, lang: str, measure: str) -> None:
    at = run_overview({LANG: lang, MEASURE: measure})
    latest = cli_kpi(use_demo_db, measure)[-1]
    wave = latest["wave_year"]
    shown = metric(at, t("kpi_share", lang, wave=wave))
    assert shown == fmt.share(float(latest["share"]), lang)
    assert len(at.get("plotly_chart")) == 3
    # Heading, demo banner (on every page run with demo data) and menu in the page's language:
    # test_app_pages.py::test_page_runs leaves the overview to this test.
    assert_page_frame(at, lang)


def test_overview_earlier_wave_matches_cli(use_demo_db: Path) -> None:
    at = run_overview({WAVE: "2020"})
    row = next(r for r in cli_kpi(use_demo_db, "municipalities") if r["wave_year"] == "2020")
    assert metric(at, t("kpi_share", "nb", wave=2020)) == fmt.share(float(row["share"]), "nb")


def test_language_switch_changes_text_and_url(use_demo_db: Path) -> None:
    at = run_overview()
    assert at.title[0].value == t("overview_heading", "nb")
    at.sidebar.radio(key=widget_key(LANG)).set_value("en").run()
    assert not at.exception
    assert at.title[0].value == t("overview_heading", "en")
    assert at.query_params[LANG] == "en"


def test_measure_switch_changes_numbers(use_demo_db: Path) -> None:
    at = run_overview()
    before = metric(at, t("kpi_share", "nb", wave=2024))
    at.sidebar.radio(key=widget_key(MEASURE)).set_value("units").run()
    assert not at.exception
    assert metric(at, t("kpi_share", "nb", wave=2024)) != before


def test_relative_target_mode_runs(use_demo_db: Path) -> None:
    at = run_overview({TARGET: "relative"})
    assert at.sidebar.radio(key=widget_key(TARGET)).value == "relative"


@pytest.mark.parametrize(
    "params",
    [
        {LANG: "xx"},
        {MEASURE: "'; DROP TABLE response; --"},
        {WAVE: "1999"},
        {WAVE: "<script>alert(1)</script>"},
        {TARGET: "x" * 5000},
        {LANG: "nb\x00\x1b[31m"},
    ],
)
def test_hostile_parameters_are_ignored_with_notice(use_demo_db: Path, params: dict) -> None:
    at = run_overview(params)
    assert at.info, "an ignored parameter must be explained"
    notice = " ".join(i.body for i in at.info)
    assert "<script>" not in notice
    key = next(iter(params))
    assert at.query_params.get(key) != params[key]


# --- issue 15: verdict, relative mode, indicator warning, blank pace ------------------------


def cli_progress_row(db: Path, measure: str) -> dict[str, object]:
    """The CLI's national progress row with typed values (CSV cells are text, empty = missing).

    The CLI prints no target column; in the default absolute mode the target is the setting.
    """
    (row,) = cli_rows("progress", "--by", "national", "--measure", measure, db=db)
    typed: dict[str, object] = {key: (None if value == "" else value) for key, value in row.items()}
    typed["status_settled"] = {"true": True, "false": False}.get(row["status_settled"])
    typed["target_share"] = load_settings().target_share
    return typed


@pytest.mark.parametrize("lang", ["nb", "en"])
@pytest.mark.parametrize("measure", ["municipalities", "units"])
def test_overview_verdict_matches_the_cli_row(use_demo_db: Path, lang: str, measure: str) -> None:
    at = run_overview({LANG: lang, MEASURE: measure})
    expected = verdict.sentence(
        cli_progress_row(use_demo_db, measure), lang, load_settings().target_year
    )
    shown = [m.value for m in at.markdown]
    assert escape_markdown(expected) in shown, shown
    # Above the numbers, in normal type (no bold, no caption).
    assert shown.index(escape_markdown(expected)) < shown.index(
        next(m for m in shown if m.startswith("**Status:**"))
    )
    pace_words = {"nb": "Takten er", "en": "The pace is"}[lang]
    assert not any(pace_words in c.value for c in at.caption), "the pace figures are help text"


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_relative_mode_heading_and_tagline_name_the_own_target(
    use_demo_db: Path, lang: str
) -> None:
    at = run_overview({TARGET: "relative", LANG: lang})
    own = "eget mål" if lang == "nb" else "own target"
    assert at.title[0].value == t("overview_heading_relative", lang, baseline=2018)
    assert own in at.title[0].value.lower()
    assert any(own in c.value for c in at.caption)
    assert "30" not in at.title[0].value
    absolute = run_overview({LANG: lang})
    assert absolute.title[0].value == t("overview_heading", lang)
    assert not any(own in c.value for c in absolute.caption)


def test_unit_indicator_warns_about_the_narrower_baseline(use_demo_db: Path) -> None:
    units = run_overview({MEASURE: "units"})
    warned = [w.body for w in units.warning if "2 av 5 sektorer" in w.body]
    assert len(warned) == 1 and "helse og omsorg, oppvekst og utdanning" in warned[0]
    municipalities = run_overview()
    assert not any("sektorer" in w.body for w in municipalities.warning)


def test_sidebar_calls_the_measure_indicator(use_demo_db: Path) -> None:
    at = run_overview()
    assert at.sidebar.radio(key=widget_key(MEASURE)).label == "Indikator"


def test_insufficient_data_county_has_blank_pace_in_the_counties_table(use_demo_db: Path) -> None:
    at = open_page(COUNTIES)
    table = at.table[0].value
    rows = {r["area_name"]: r for r in cli_rows("progress", "--by", "county", db=use_demo_db)}
    # Østfold: its 2018 share is shown, its 2024 share suppressed, so it is not assessed.
    assert rows["Østfold"]["status"] == "insufficient_data" and rows["Østfold"]["baseline_share"]
    shown = table.set_index(t("col_area", "nb")).loc["Østfold"]
    assert shown[t("col_status", "nb")] == status_text("insufficient_data", "nb")
    for column in ("col_pace", "col_required", "col_projected"):
        assert shown[t(column, "nb")] == "–", column
    assert shown[t("col_target", "nb")] == fmt.target(0.30, "nb")
