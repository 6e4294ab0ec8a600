"""AppTest of the overview page: both languages and measures, widgets, hostile parameters."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from support.app import assert_page_frame, cli_rows, open_page

from tracker.app.contract import LANG, MEASURE, OVERVIEW, TARGET, WAVE, widget_key
from tracker.present import format as fmt
from tracker.present.i18n import t


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
