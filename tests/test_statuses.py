"""How statuses read (tracker.present.statuses) and how the county charts mark sureness."""

from __future__ import annotations

import pandas as pd
import pytest

from tracker.present import county_charts, statuses, style
from tracker.present import format as fmt
from tracker.present.chart_parts import ChartContext
from tracker.present.statuses import (
    projection_display,
    quote_sentence,
    status_display,
    status_help,
    status_summary,
    versus_summary,
)

NBSP = "\u00a0"
CTX = ChartContext(lang="nb", demo=False, subtitle="", source="")


def row(status="on_track", settled=None, probability=None, better=None, **years):
    return {
        "status": status,
        "status_settled": settled,
        "status_probability": probability,
        "probability_on_track_or_better": better,
        "projected_year": years.get("year"),
        "projected_year_low": years.get("low"),
        "projected_year_high": years.get("high"),
    }


def test_settled_status_is_the_plain_label():
    assert status_display(row(settled=True, probability=0.91), "nb") == "▲ I rute"


def test_uncertain_status_names_the_likely_status_and_its_probability():
    uncertain = row(settled=False, probability=0.6249)
    assert status_display(uncertain, "nb") == f"Usikker – trolig i rute (62{NBSP}%)"
    assert status_display(uncertain, "en") == "Uncertain – probably on track (62%)"


def test_insufficient_data_has_no_probability():
    assert status_display(row("insufficient_data"), "nb") == "○ For lite data"
    assert status_help(row("insufficient_data"), "nb", 0.8) == ""


def test_a_status_with_no_better_than_even_odds_is_possible_not_probable():
    assert status_display(row(settled=False, probability=0.5), "nb") == (
        f"Usikker – kanskje i rute (50{NBSP}%)"
    )
    assert status_display(row(settled=False, probability=0.16), "en") == (
        "Uncertain – possibly on track (16%)"
    )


def test_help_gives_the_probability_of_on_track_or_better():
    text = status_help(row(settled=False, probability=0.41, better=0.55), "en", 0.8)
    assert "41%" in text and "55%" in text and "80%" in text


@pytest.mark.parametrize(
    ("years", "nb"),
    [
        ({"year": 2030, "low": 2026, "high": 2041}, "2030 (2026–2041)"),
        ({"year": 2030, "low": 2026, "high": None}, "2030 (2026 – ikke innen 2100)"),
        ({"year": 2030, "low": 2026, "high": 2180}, "2030 (2026 – ikke innen 2100)"),
        ({"year": 2180, "low": 2036, "high": None}, "etter 2100 (2036 – ikke innen 2100)"),
        ({"year": None, "low": 2040, "high": None}, "ikke i dagens takt (2040 – ikke innen 2100)"),
        ({"year": 2030, "low": None, "high": None}, "2030"),
        ({"year": None, "low": 2140, "high": None}, "ikke i dagens takt"),
    ],
)
def test_projection_with_its_interval(years, nb):
    assert projection_display(row(**years), "nb") == nb


def test_projection_of_insufficient_data_is_a_dash():
    assert projection_display(row("insufficient_data"), "nb") == "–"


def kpi(share, low, high):
    return pd.Series({"share": share, "ci_low": low, "ci_high": high})


def test_quote_sentence_settled_uncertain_and_suppressed():
    settled = pd.Series(row("achieved", settled=True, probability=0.97))
    uncertain = pd.Series(row(settled=False, probability=0.62))
    shares = kpi(0.2632, 0.118, 0.488)
    assert quote_sentence("Vestland", shares, uncertain, "no_clear", "nb", 5) == (
        # Shares with one decimal, as in the headline and tables (issue 15, item 3).
        f"Vestland: 26,3{NBSP}% (11,8–48,8{NBSP}%), trolig i rute, men usikkert (62{NBSP}%); "
        "ingen klar forskjell fra landet."
    )
    assert quote_sentence("Oslo", kpi(0.5, 0.4, 0.6), settled, "above", "en", 5) == (
        "Oslo: 50.0% (40.0–60.0%), target achieved (97%); clearly above Norway."
    )
    hidden = quote_sentence("Oslo", kpi(None, None, None), settled, None, "nb", 5)
    assert "færre enn 5 svar" in hidden


def progress_rows():
    return pd.DataFrame(
        [
            {"area_code": "46", "area_name": "Vestland", **row("achieved", True, 0.97)},
            {"area_code": "11", "area_name": "Rogaland", **row("on_track", False, 0.5)},
            {"area_code": "50", "area_name": "Trøndelag", **row("on_track", False, 0.4)},
            {"area_code": "03", "area_name": "Oslo", **row("insufficient_data")},
        ]
    )


def test_summary_counts_settled_uncertain_and_unassessed_apart():
    assert status_summary(progress_rows(), "nb") == (
        "Avklart status: ★ Målet er nådd: 1. Usikker status: 2 (beste anslag: i rute: 2). "
        "○ For lite data: 1."
    )


def test_versus_summary_names_clear_differences_and_counts_the_rest():
    kpis = progress_rows()[["area_code", "area_name"]]
    versus = pd.DataFrame(
        {"area_code": ["46", "11", "50", "03"], "verdict": ["above", "no_clear", "no_clear", None]}
    )
    text = versus_summary(kpis, versus, "nb")
    assert text.startswith("Klart over landet: Vestland. Ingen klar forskjell fra landet: 2 fylker")


def test_tiles_are_paler_and_say_uncertain_for_unsettled_statuses():
    progress = progress_rows().assign(probability_on_track_or_better=[0.98, 0.6, 0.5, None])
    kpis = pd.DataFrame(
        {
            "area_code": ["46", "11", "50", "03"],
            "wave_year": 2024,
            "share": [0.4, 0.2, 0.2, None],
            "ci_low": [0.3, 0.1, 0.1, None],
            "ci_high": [0.5, 0.3, 0.3, None],
            "n": [40, 10, 6, 1],
        }
    )
    fig = county_charts.county_tiles(progress, kpis, ctx=CTX)
    fills = [shape.fillcolor for shape in fig.layout.shapes]
    on_track = style.STATUS_STYLE["on_track"]["colour"]
    achieved = style.STATUS_STYLE["achieved"]["colour"]
    assert fills.count(style.pale(on_track)) == 2 and achieved in fills
    texts = {a.text.split("</b>")[0].removeprefix("<b>"): a.text for a in fig.layout.annotations}
    assert "usikker" in texts["Rogaland"] and "usikker" not in texts["Vestland"]
    assert any(trace.name == "Blek rute: usikker status" for trace in fig.data)
    hovers = next(trace.hovertext for trace in fig.data if trace.hovertext)
    assert f"I rute eller bedre: 60{NBSP}%" in hovers[1]  # Rogaland
    assert "I rute eller bedre" not in hovers[3]  # Oslo: insufficient data


def test_dots_are_open_where_a_county_does_not_differ_clearly_from_norway():
    progress = progress_rows().assign(target_share=0.3)
    kpis = pd.DataFrame(
        {
            "area_code": ["46", "11", "50"],
            "area_name": ["Vestland", "Rogaland", "Trøndelag"],
            "wave_year": 2024,
            "share": [0.4, 0.2, 0.25],
            "ci_low": [0.35, 0.1, 0.1],
            "ci_high": [0.45, 0.3, 0.4],
            "n": [400, 10, 6],
        }
    )
    versus = pd.DataFrame(
        {"area_code": ["46", "11", "50"], "verdict": ["above", "no_clear", "no_clear"]}
    )
    fig = county_charts.county_dots(
        kpis,
        progress,
        target_share=0.3,
        relative=False,
        min_n=5,
        ctx=CTX,
        versus=versus,
        national_share=0.22,
    )
    dots = fig.data[0]
    # The labels carry n (county_charts.with_n): "Vestland (n = 400)".
    symbols = {y.split(" (n")[0]: s for y, s in zip(dots.y, dots.marker.symbol, strict=True)}
    assert symbols == {"Vestland": "circle", "Rogaland": "circle-open", "Trøndelag": "circle-open"}
    rogaland = list(dots.y).index("Rogaland (n = 10)")
    assert "ingen klar forskjell fra landet" in dots.hovertext[rogaland]
    national = [s for s in fig.layout.shapes if s.x0 == pytest.approx(22.0)]
    assert national, "Norway's share is drawn as a line"


@pytest.mark.parametrize(
    ("chance", "shown"),
    [(0.7996, 0.79), (0.7949, 0.79), (0.5004, 0.51), (0.5, 0.5), (0.4999, 0.49), (0.29, 0.29)],
)
def test_uncertain_probability_never_crosses_a_line_its_wording_rests_on(
    chance: float, shown: float
) -> None:
    assert statuses.uncertain_chance(chance) == pytest.approx(shown)
    row = {"status": "on_track", "status_probability": chance, "status_settled": False}
    words = statuses.status_words(row, "nb")
    assert f"({fmt.probability(shown, 'nb')})" in words
    assert ("trolig" in words) is (chance > 0.5)
