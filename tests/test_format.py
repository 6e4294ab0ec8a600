"""One rounding rule (half up, on the value as written) and one precision per kind of number,
shared by the headline, chart labels, tables and sentences (tracker/present/format.py)."""

from __future__ import annotations

import pandas as pd
import pytest

from tracker.present import charts, statuses, verdict, views
from tracker.present import format as fmt
from tracker.present.charts import ChartContext
from tracker.present.i18n import t

NBSP = "\u00a0"
MINUS = "\u2212"


@pytest.mark.parametrize(
    ("value", "nb", "en"),
    [
        (0.225, f"22,5{NBSP}%", "22.5%"),
        (0.2225, f"22,3{NBSP}%", "22.3%"),  # 22.25 is exact in binary: half-even gives 22.2
        (0.145, f"14,5{NBSP}%", "14.5%"),  # 0.145 * 100 == 14.499999999999998 in floats
        (0.0145, f"1,5{NBSP}%", "1.5%"),  # 1.4500000000000002 in floats
        (0.1625, f"16,3{NBSP}%", "16.3%"),
        (0.14999, f"15,0{NBSP}%", "15.0%"),
        (0.0, f"0,0{NBSP}%", "0.0%"),
        (1.0, f"100,0{NBSP}%", "100.0%"),
        (None, "–", "–"),
        (float("nan"), "–", "–"),
    ],
)
def test_shares_round_half_up_to_one_decimal(value: float | None, nb: str, en: str) -> None:
    assert fmt.share(value, "nb") == nb
    assert fmt.share(value, "en") == en


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (2.5, 0, "3"),  # round(2.5) == 2
        (-2.5, 0, f"{MINUS}3"),  # half away from zero, symmetric
        (0.125, 2, "0,13"),  # f"{0.125:.2f}" == "0.12"
        (1.005, 2, "1,01"),  # 1.00499999999999989... in binary
        (12345.65, 1, f"12{NBSP}345,7"),
        (-0.04, 1, "0,0"),  # never a negative zero
    ],
)
def test_numbers_round_half_up(value: float, decimals: int, expected: str) -> None:
    assert fmt.number(value, "nb", decimals) == expected


def test_whole_percent_of_a_float_edge_case() -> None:
    # 100 * 0.145 == 14.499999999999998, which f"{:.0f}" rounds to 14.
    assert fmt.share(0.145, "en", 0) == "15%"
    assert fmt.share(0.285, "nb", 0) == f"29{NBSP}%"  # 28.499999999999996 in floats


def test_percentage_points_one_decimal_with_sign_of_the_rounded_value() -> None:
    # 100 * (0.225 - 0.15) == 7.500000000000001 and 100 * (0.2 - 0.155) == 4.500000000000001:
    # float noise is removed before the rule decides, so both read as written.
    assert fmt.pp(100 * (0.225 - 0.15), "nb") == f"+7,5{NBSP}p.p."
    assert fmt.pp(100 * (0.2 - 0.155), "en") == "+4.5 pp"
    assert fmt.pp(0.25, "nb") == f"+0,3{NBSP}p.p."
    assert fmt.pp(0.04, "nb") == f"0,0{NBSP}p.p."  # no "+0,0"
    assert fmt.pp(-0.05, "nb") == f"{MINUS}0,1{NBSP}p.p."
    assert fmt.pp(-0.05, "en") == "-0.1 pp"
    assert fmt.pp(1.25, "nb", words=True) == f"+1,3{NBSP}prosentpoeng"
    assert fmt.pp(1.25, "en", words=True) == "+1.3 percentage points"


def test_probabilities_are_whole_percent_rounded_half_up() -> None:
    assert fmt.probability(0.525, "nb") == f"53{NBSP}%"  # half-even would give 52
    assert fmt.probability(0.5316, "en") == "53%"
    assert fmt.probability(None, "en") == "–"


def test_targets_drop_a_zero_decimal_only() -> None:
    assert fmt.target(0.30, "nb") == f"30{NBSP}%"
    assert fmt.target(0.2958, "nb") == f"29,6{NBSP}%"
    assert fmt.target(0.2998, "en") == "30%"  # rounds to 30.0 first
    assert fmt.target(None, "en") == "–"


def test_intervals_have_the_shares_precision() -> None:
    assert fmt.share_range(0.18, 0.31, "nb") == f"18,0–31,0{NBSP}%"
    assert fmt.share_range(0.1225, 0.3125, "en") == "12.3–31.3%"
    assert fmt.share_range(None, 0.3, "en") == "–"


# --- the same figure in headline, chart label, table and sentences ---------------------------

#: 22.25 % is where the old formatting (half-even on the binary value) showed 22,2 in one place
#: and 22 in another; with one rule and one precision every place shows 22,3.
SHARE = 0.2225


def national() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "area_code": "NO",
            "area_name": "Norge",
            "wave_year": [2018, 2020, 2024],
            "n": [140, 130, 160],
            "share": [0.145, 0.18, SHARE],
            "ci_low": [0.1, 0.12, 0.17],
            "ci_high": [0.2, 0.25, 0.3],
        }
    )


def progress() -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "area_code": "NO",
                "area_name": "Norge",
                "baseline_year": 2018,
                "baseline_share": 0.145,
                "latest_year": 2024,
                "latest_share": SHARE,
                "target_share": 0.30,
                "pace_pp_per_year": 1.25,
                "required_pp_per_year": 1.2916,
                "needed_pp_per_year": 1.2916,
                "pace_ratio": 0.97,
                "status": "on_track",
                "projected_year": 2031,
                "projected_year_low": 2027,
                "projected_year_high": 2045,
                "status_settled": True,
                "status_probability": 0.9,
                "probability_on_track_or_better": 0.9,
            }
        ]
    )


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_headline_chart_table_and_sentences_show_the_same_figures(lang: str) -> None:
    kpis, prog = national(), progress()
    latest, baseline = fmt.share(SHARE, lang), fmt.share(0.145, lang)
    assert latest == ("22,3\u00a0%" if lang == "nb" else "22.3%")
    headline = views.headline(kpis.iloc[-1], prog.iloc[0], lang, 5, 0.8)
    assert headline.share == latest
    assert latest in headline.summary
    ctx = ChartContext(lang=lang, demo=False, subtitle="", source="")
    fig = charts.national_trend(
        kpis, target_share=0.3, baseline_year=2018, target_year=2030, ctx=ctx
    )
    labels = next(tr for tr in fig.data if tr.name == t("legend_share", lang)).text
    assert list(labels) == [baseline, fmt.share(0.18, lang), latest]
    table = views.progress_display_table(prog, kpis.iloc[[-1]], lang)
    assert table[t("col_share", lang)].iloc[0] == latest
    said = verdict.sentence(prog.iloc[0], lang, 2030)
    assert baseline in said and latest in said
    quote = statuses.quote_sentence("Norge", kpis.iloc[-1], prog.iloc[0], "no_clear", lang, 5)
    assert latest in quote


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_progress_table_puts_the_answer_first(lang: str) -> None:
    # On a phone only the first columns are on screen: name, share, status and when the
    # target is reached come before the figures behind them.
    table = views.progress_display_table(progress(), national().iloc[[-1]], lang)
    first = [t(key, lang) for key in ("col_area", "col_share", "col_status", "col_projected")]
    assert list(table.columns[:4]) == first
