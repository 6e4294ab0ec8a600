"""No text cut off in any exported image (issue 15, items 12 and 13).

Every chart builder is exported as SVG in every preset and both languages, with the longest
names the charts meet (official county names such as "Trøndelag – Trööndelage", KOSTRA and
centrality group names, the real definition and source line). The SVG is loaded in Chromium
(the browser kaleido draws with, so the fonts are the same) and every <text> element's bounding
box must lie inside the image. A suppressed share's "skjult (n < 5)" must also stand clear of
the category name beside it ("Osloskjult (n < 5)" ran together with a fixed left margin).

Writes a few PNGs of the worst cases (social square, longest names) to test-output/exports/.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from functools import cache

import pandas as pd
import plotly.graph_objects as go
import pytest

pytest.importorskip("playwright.sync_api", reason="playwright is not installed")

from playwright.sync_api import Page
from support.browser import launch_chromium
from support.server import ROOT

from tracker.data import reference
from tracker.data.profiles import group_codes
from tracker.present import charts, county_charts, county_map, export, group_charts
from tracker.present.chart_parts import ChartContext
from tracker.present.groups import group_name
from tracker.present.i18n import t
from tracker.stats.progress import STATUSES

pytestmark = [
    pytest.mark.browser,
    # The reason names kaleido, so conftest also marks these tests as drawing images (slow).
    pytest.mark.skipif(
        export.browser_path() is None,
        reason="kaleido needs Chromium/Chrome (apt-get install chromium)",
    ),
]

EXPORTS = ROOT / "test-output" / "exports"
LANGS = ("nb", "en")
WAVES = (2018, 2020, 2024)
TOLERANCE = 0.5  # px: sub-pixel rounding of glyph boxes
#: Least gap between a category name and a "skjult (n < 5)" note in its row.
NOTE_GAP = 6


def context(lang: str) -> ChartContext:
    """The real subtitle and source line, not short test strings: they are what wraps."""
    source = t("chart_source", lang, waves="2018, 2020 og 2024", date="28. november 2026")
    return ChartContext(lang, True, t("definition_municipalities", lang), source)


def long_county_names() -> dict[str, str]:
    # The official names are the longest ("Trøndelag – Trööndelage", "Finnmark – Finnmárku –
    # Finmarkku"), written with the en dash of the brief.
    counties = reference.counties()
    names = counties["official_name"].str.replace(" - ", " – ", regex=False)
    return dict(zip(counties["county_code"], names, strict=True))


def county_tables() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(kpis of all waves, progress, versus Norway): Oslo suppressed, every status present."""
    rows, progress = [], []
    for i, (code, name) in enumerate(long_county_names().items()):
        for j, wave in enumerate(WAVES):
            share = None if code == "03" else 0.08 + 0.01 * i + 0.02 * j
            rows.append(
                {
                    "area_code": code,
                    "area_name": name,
                    "wave_year": wave,
                    "n": 3 if share is None else 20 + i,
                    "share": share,
                    "ci_low": None if share is None else share - 0.06,
                    "ci_high": None if share is None else share + 0.07,
                }
            )
        progress.append(
            {
                "area_code": code,
                "area_name": name,
                "status": STATUSES[i % len(STATUSES)],
                "target_share": 0.3 if code == "03" else 0.16 + 0.02 * i,
                "status_settled": i % 4 != 0,
                "status_probability": 0.6 if i % 4 == 0 else 0.9,
            }
        )
    kpis = pd.DataFrame(rows)
    verdicts = ["above", "below", "no_clear"]
    versus = pd.DataFrame(
        {
            "area_code": list(long_county_names()),
            "verdict": [
                None if c == "03" else verdicts[i % 3] for i, c in enumerate(long_county_names())
            ],
        }
    )
    return kpis, pd.DataFrame(progress), versus


def group_kpis(codes: tuple[str, ...]) -> pd.DataFrame:
    rows = []
    for i, code in enumerate(codes):
        for j, wave in enumerate(WAVES):
            share = None if i == len(codes) - 1 and wave == 2018 else 0.1 + 0.01 * i + 0.02 * j
            rows.append(
                {
                    "area_code": code,
                    "wave_year": wave,
                    "n": 4 if share is None else 40,
                    "share": share,
                    "ci_low": None if share is None else share - 0.05,
                    "ci_high": None if share is None else share + 0.06,
                }
            )
    return pd.DataFrame(rows)


Builder = Callable[[str], go.Figure]


def builders() -> dict[str, Builder]:
    """Every chart builder, each with its longest labels, by name."""
    kpis, progress, versus = county_tables()
    latest = kpis[kpis["wave_year"] == 2024]
    national = pd.DataFrame(
        {
            "area_code": "NO",
            "area_name": "Norge",
            "wave_year": list(WAVES),
            "share": [0.15, 0.18, 0.22],
            "ci_low": [0.1, 0.12, 0.17],
            "ci_high": [0.2, 0.25, 0.3],
            "n": [140, 130, 160],
        }
    )
    lines = ["50", "56", "55", "15", "18", "46"]  # the longest names as a six-line comparison
    partners = pd.DataFrame(
        {
            "wave_year": [w for w in WAVES for _ in range(3)],
            "research_partner": ["universitet_hogskole", "forskningsinstitutt", "annet"] * 3,
            "n": [5, 3, 2] * 3,
            "weight_share": [0.5, 0.3, 0.2] * 3,
        }
    )

    def similar(lang: str) -> go.Figure:
        names = {
            "kostra_group": group_name("kostra_group", "13", lang),
            "county": long_county_names()["50"],
            "national": t("area_national", lang),
        }
        shares = group_kpis(group_charts.SIMILAR_ORDER)
        return group_charts.similar_chart(
            shares.assign(area_name=shares["area_code"].map(names)),
            group=names["kostra_group"],
            county=names["county"],
            ctx=context(lang),
            min_n=5,
            target_share=0.3,
        )

    def grouping(kind: str) -> Builder:
        return lambda lang: group_charts.grouping_chart(
            group_kpis(group_codes(kind)),
            kind,
            ctx=context(lang),
            min_n=5,
            target_share=0.3,
            national_share=0.22,
        )

    absolute = {"target_share": 0.3, "relative": False, "highlight": "50"}
    return {
        "trend": lambda lang: charts.national_trend(
            national, target_share=0.3, baseline_year=2018, target_year=2030, ctx=context(lang)
        ),
        "lines": lambda lang: charts.trend_lines(
            kpis,
            lines,
            title=t("chart_types_title_centrality", lang),
            target_share=0.3,
            ctx=context(lang),
        ),
        "partners": lambda lang: charts.partner_shares(
            partners, ctx=replace(context(lang), subtitle=t("partners_subtitle", lang))
        ),
        "tiles": lambda lang: county_charts.county_tiles(progress, latest, ctx=context(lang)),
        "dots": lambda lang: county_charts.county_dots(
            latest,
            progress,
            min_n=5,
            ctx=context(lang),
            versus=versus,
            national_share=0.22,
            **absolute,
        ),
        "dots-relative": lambda lang: county_charts.county_dots(
            latest, progress, target_share=0.3, relative=True, min_n=5, ctx=context(lang)
        ),
        "multiples": lambda lang: county_charts.county_small_multiples(
            kpis, progress, ctx=context(lang), **absolute
        ),
        "centrality": grouping("centrality"),
        "size": grouping("size"),
        "kostra": lambda lang: group_charts.shares_by_wave(
            group_kpis(group_codes("kostra_group")).assign(
                area_name=lambda d: [group_name("kostra_group", c, lang) for c in d["area_code"]]
            ),
            group_codes("kostra_group"),
            title=t("chart_types_title_centrality", lang),
            ctx=context(lang),
            min_n=5,
            target_share=0.3,
        ),
        "similar": similar,
        "map-status": lambda lang: county_map.county_map(
            progress, latest, ctx=context(lang), colour_by="status", min_n=5
        ),
        "map-share": lambda lang: county_map.county_map(
            progress, latest, ctx=context(lang), colour_by="share", target_share=0.3, min_n=5
        ),
    }


# Boxes of every <text> relative to the SVG's top-left corner, with the text and its class.
MEASURE = """() => {
    const svg = document.querySelector('svg');
    const origin = svg.getBoundingClientRect();
    return [...document.querySelectorAll('text')]
        .filter((el) => el.textContent.trim() !== '')
        .map((el) => {
            const box = el.getBoundingClientRect();
            return {
                text: el.textContent,
                cls: el.closest('.ytick') ? 'ytick' : el.getAttribute('class') || '',
                left: box.left - origin.left, top: box.top - origin.top,
                right: box.right - origin.left, bottom: box.bottom - origin.top,
            };
        });
}"""


@pytest.fixture(scope="module")
def tab() -> Iterator[Page]:
    with launch_chromium() as (_, browser):
        tab = browser.new_page()
        yield tab
        tab.close()


def measure(page: Page, svg: bytes, size: export.SizePreset) -> list[dict]:
    page.set_viewport_size({"width": size.width, "height": size.height})
    page.set_content(f"<html><body style='margin:0'>{svg.decode('utf-8')}</body></html>")
    return page.evaluate(MEASURE)


def outside(boxes: list[dict], size: export.SizePreset) -> list[str]:
    """Each text whose box leaves the image, with where it goes."""
    return [
        f"{b['text']!r} at ({b['left']:.0f}, {b['top']:.0f})–({b['right']:.0f}, {b['bottom']:.0f})"
        for b in boxes
        if b["left"] < -TOLERANCE
        or b["top"] < -TOLERANCE
        or b["right"] > size.width + TOLERANCE
        or b["bottom"] > size.height + TOLERANCE
    ]


def crowded_notes(boxes: list[dict], note: str) -> list[str]:
    """Each "skjult (n < 5)" note closer than NOTE_GAP to a y tick label in its row."""
    ticks = [b for b in boxes if "ytick" in b["cls"]]
    found = []
    for box in (b for b in boxes if note in b["text"] and "ytick" not in b["cls"]):
        middle = (box["top"] + box["bottom"]) / 2
        for tick in ticks:
            if tick["top"] <= middle <= tick["bottom"] and box["left"] - tick["right"] < NOTE_GAP:
                found.append(
                    f"{tick['text']!r} then {box['text']!r}: {box['left'] - tick['right']:.1f} px"
                )
    return found


@cache
def figure(name: str, lang: str) -> go.Figure:
    return builders()[name](lang)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("preset", list(export.PRESETS))
def test_no_text_leaves_the_image(tab: Page, preset: str, lang: str) -> None:
    size = export.PRESETS[preset]
    note = t("suppressed", lang, min_n=5)
    problems = []
    for name in builders():
        boxes = measure(tab, export.render(figure(name, lang), "svg", preset), size)
        assert len(boxes) > 5, f"{name}: no text measured"
        problems += [f"{name}: cut off: {p}" for p in outside(boxes, size)]
        problems += [f"{name}: runs into its name: {p}" for p in crowded_notes(boxes, note)]
    assert not problems, f"{preset} ({size.width}×{size.height}), {lang}:\n" + "\n".join(problems)


def test_the_checks_can_fail(tab: Page) -> None:
    """The old layout (fixed 70 px left margin, no stand-off) fails both checks."""
    size = export.PRESETS["social"]
    fig = figure("dots", "nb")
    old = go.Figure(fig).update_yaxes(automargin=False, ticklabelstandoff=0)
    spec = export.for_image(old, size).to_dict()
    spec["layout"]["margin"]["l"] = 70
    boxes = measure(tab, export._draw(go.Figure(spec), "svg", size), size)
    assert any("Møre og Romsdal" in p for p in outside(boxes, size))
    assert crowded_notes(boxes, t("suppressed", "nb", min_n=5))


WORST = ("dots", "similar", "kostra", "lines", "multiples", "map-share")


def test_worst_cases_are_saved_for_review() -> None:
    EXPORTS.mkdir(parents=True, exist_ok=True)
    for name in WORST:
        for lang in LANGS:
            png = export.render(figure(name, lang), "png", "social")
            (EXPORTS / f"social-{name}-{lang}.png").write_bytes(png)
    assert len(list(EXPORTS.glob("social-*.png"))) >= len(WORST) * len(LANGS)
