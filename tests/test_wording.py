"""Bokmål that reads naturally: lists with "og"/"and", dates in words, "p.p.", the wave phrase,
and status colours and icons in order from best to worst."""

from __future__ import annotations

import colorsys
import datetime as dt

import pandas as pd
import pytest

from tracker.present import county_charts, county_map, style, wording
from tracker.present import format as fmt
from tracker.present.charts import ChartContext
from tracker.present.i18n import t
from tracker.stats.progress import STATUSES

NBSP = fmt.NBSP
#: The statuses that rank progress, best first (insufficient data is no rank: it comes last).
RANKED = STATUSES[:-1]


@pytest.mark.parametrize(
    ("items", "lang", "expected"),
    [
        ([2018, 2020, 2024], "nb", "2018, 2020 og 2024"),
        ([2018, 2020, 2024], "en", "2018, 2020 and 2024"),
        (["Oslo", "Agder"], "nb", "Oslo og Agder"),
        (["Oslo", "Agder"], "en", "Oslo and Agder"),
        (["Oslo"], "nb", "Oslo"),
        ([], "en", ""),
    ],
)
def test_lists_end_with_and(items: list, lang: str, expected: str) -> None:
    assert fmt.join_list(items, lang) == expected


def test_wave_phrase_is_singular_or_plural() -> None:
    assert wording.waves([2018, 2020, 2024], "nb") == "bølgene 2018, 2020 og 2024"
    assert wording.waves([2024], "nb") == "bølge 2024"
    assert wording.waves([2018, 2020], "en") == "waves 2018 and 2020"
    assert wording.waves([2024], "en") == "wave 2024"


@pytest.mark.parametrize(
    ("value", "lang", "expected"),
    [
        # Stored in UTC; shown as the clock read in Norway (CET in November, CEST in July).
        ("2026-11-28T05:18:00Z", "nb", "28. november 2026 kl. 06.18"),
        ("2026-11-28T05:18:00Z", "en", "28 November 2026, 06:18"),
        (dt.datetime(2026, 7, 1, 22, 5), "nb", "2. juli 2026 kl. 00.05"),
        (pd.Timestamp("2026-01-09 08:00:00"), "en", "9 January 2026, 09:00"),
        (None, "nb", "–"),
        (pd.NaT, "en", "–"),
        ("not a date", "nb", "–"),
    ],
)
def test_date_time_in_words(value: object, lang: str, expected: str) -> None:
    assert fmt.date_time(value, lang) == expected


def test_date_alone() -> None:
    assert fmt.date("2026-11-28T05:18:00Z", "nb") == "28. november 2026"
    assert fmt.date("2026-11-28T05:18:00Z", "en") == "28 November 2026"
    assert fmt.date("", "en") == "–"


def test_percentage_points_read_p_p_in_bokmal() -> None:
    assert fmt.pp(1.25, "nb") == f"+1,3{NBSP}p.p."
    assert fmt.pp(1.25, "nb", words=True) == f"+1,3{NBSP}prosentpoeng"
    for key in ("col_change", "col_pace", "col_required", "col_difference"):
        assert "pp" not in t(key, "nb"), key


def test_no_chief_executive_is_called_radmann() -> None:
    from tracker.present.i18n import TEXT

    assert not [k for k, texts in TEXT.items() if "rådmann" in texts["nb"].lower()]
    assert not [
        k
        for k, texts in TEXT.items()
        if "rådmenn" in texts["nb"].lower().replace("tidligere kalt rådmenn", "")
    ]
    assert t("answer_did_not", "nb") == "✖ Samarbeidet ikke"


def _hue(colour: str) -> float:
    red, green, blue = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return colorsys.rgb_to_hls(red, green, blue)[0]


def test_status_style_runs_from_best_to_worst() -> None:
    assert tuple(style.STATUS_STYLE) == STATUSES
    # Blue, green, yellow, orange, vermilion: the hue falls at every step down the ranking.
    hues = [_hue(style.STATUS_STYLE[s]["colour"]) for s in RANKED]
    assert hues == sorted(hues, reverse=True) and len(set(hues)) == len(hues)
    icons = {s: style.STATUS_STYLE[s]["icon"] for s in STATUSES}
    assert len(set(icons.values())) == len(icons)
    # Only moving away points down; slow progress is still progress.
    downward = {"▼", "▽", "↓", "⬇", "↘"}
    assert [s for s, icon in icons.items() if icon in downward] == ["moving_away"]


def _legend(fig) -> list[str]:
    return [tr.name for tr in fig.data if tr.name and tr.showlegend is not False]


def test_status_legends_run_from_best_to_worst() -> None:
    progress = pd.DataFrame(
        {"area_code": ["46", "11"], "area_name": ["Vestland", "Rogaland"]}
    ).assign(status=["moving_away", "achieved"])
    kpis = pd.DataFrame({"area_code": ["46", "11"], "wave_year": 2024, "share": [0.2, 0.3]}).assign(
        ci_low=0.1, ci_high=0.4, n=20
    )
    ctx = ChartContext(lang="nb", demo=False, subtitle="", source="")
    expected = [f"{style.STATUS_STYLE[s]['icon']} {t(f'status_{s}', 'nb')}" for s in STATUSES]
    tiles = county_charts.county_tiles(progress, kpis, ctx=ctx)
    assert [name for name in _legend(tiles) if name in expected] == expected
    assert county_map.STATUSES == STATUSES  # the map's legend walks the same order
