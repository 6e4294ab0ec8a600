"""Chart builders: pure functions checked on the figure's dict (title, source, demo mark, style)."""

from __future__ import annotations

import pandas as pd
import pytest

from tracker.data import reference
from tracker.present import charts, style
from tracker.present.charts import ChartContext
from tracker.present.format import NBSP
from tracker.present.i18n import t
from tracker.stats.progress import STATUSES

# Chart input only (the reference list itself is checked in test_queries.py).
COUNTIES = list(
    zip(reference.counties()["county_code"], reference.counties()["county_name"], strict=True)
)


def county_data(wave: int = 2024) -> tuple[pd.DataFrame, pd.DataFrame]:
    rows, progress = [], []
    for i, (code, name) in enumerate(COUNTIES):
        share = None if code == "03" else 0.10 + 0.01 * i
        rows.append(
            {
                "area_code": code,
                "area_name": name,
                "wave_year": wave,
                "n": 0 if share is None else 20,
                "share": share,
                "ci_low": None if share is None else share - 0.05,
                "ci_high": None if share is None else share + 0.05,
            }
        )
        progress.append(
            {
                "area_code": code,
                "area_name": name,
                "status": STATUSES[i % len(STATUSES)],
                "target_share": 0.3 if share is None else 2 * share,
            }
        )
    return pd.DataFrame(rows), pd.DataFrame(progress)


def context(lang: str = "nb", demo: bool = True) -> ChartContext:
    return ChartContext(lang=lang, demo=demo, subtitle="Definisjon", source="Kilde: KS, bølge 2024")


def texts(fig) -> list[str]:
    return [a.text for a in fig.layout.annotations]


def all_figures(lang: str = "nb", demo: bool = True):
    kpis, progress = county_data()
    ctx = context(lang, demo)
    national = pd.DataFrame(
        {
            "area_code": "NO",
            "area_name": "Norge",
            "wave_year": [2018, 2020, 2024],
            "share": [0.15, 0.18, 0.22],
            "ci_low": [0.1, 0.12, 0.17],
            "ci_high": [0.2, 0.25, 0.3],
            "n": [140, 130, 160],
        }
    )
    partners = pd.DataFrame(
        {
            "wave_year": [2024, 2024],
            "research_partner": ["annet", "universitet_hogskole"],
            "n": [3, 7],
            "weight_share": [0.3, 0.7],
        }
    )
    return {
        "trend": charts.national_trend(
            national, target_share=0.3, baseline_year=2018, target_year=2030, ctx=ctx
        ),
        "tiles": charts.county_tiles(progress, kpis, ctx=ctx),
        "dots": charts.county_dots(
            kpis, progress, target_share=0.3, relative=False, min_n=5, ctx=ctx
        ),
        "multiples": charts.county_small_multiples(
            kpis, progress, target_share=0.3, relative=False, ctx=ctx
        ),
        "lines": charts.trend_lines(national, ["NO"], title="Linjer", target_share=0.3, ctx=ctx),
        "partners": charts.partner_shares(partners, ctx=ctx),
    }


@pytest.mark.parametrize("name", list(all_figures()))
def test_every_chart_carries_title_subtitle_source_and_demo_mark(name: str) -> None:
    fig = all_figures()[name]
    assert fig.layout.title.text.startswith("<b>")
    assert fig.layout.title.subtitle.text == "Definisjon"
    assert "Kilde: KS, bølge 2024" in texts(fig)
    assert sum(t("demo_mark", "nb") in text for text in texts(fig)) == 2
    assert fig.layout.template.layout.font.family == style.FONT_FAMILY


@pytest.mark.parametrize("name", list(all_figures()))
def test_real_data_has_no_demo_mark(name: str) -> None:
    fig = all_figures(demo=False)[name]
    assert not any("DEMO" in text for text in texts(fig))


def test_number_format_follows_language() -> None:
    nb, en = all_figures("nb")["trend"], all_figures("en")["trend"]
    assert nb.layout.separators == ", " and en.layout.separators == ".,"
    assert nb.layout.yaxis.ticksuffix == f"{NBSP}%" and en.layout.yaxis.ticksuffix == "%"
    share_trace = next(tr for tr in nb.data if tr.name == t("legend_share", "nb"))
    assert list(share_trace.text) == [f"15{NBSP}%", f"18{NBSP}%", f"22{NBSP}%"]
    assert t("demo_mark", "en") in texts(en)


def test_trend_band_and_target_path() -> None:
    fig = all_figures()["trend"]
    band = next(tr for tr in fig.data if tr.name == t("legend_interval", "nb"))
    assert band.fill == "toself"
    assert list(band.y) == pytest.approx([20, 25, 30, 17, 12, 10])
    path = next(tr for tr in fig.data if tr.name == t("legend_target_path", "nb", year=2030))
    assert list(path.x) == [2018, 2030] and list(path.y) == pytest.approx([15, 30])


def test_tiles_show_every_county_with_icon_and_legend_of_statuses() -> None:
    fig = all_figures()["tiles"]
    assert len(fig.layout.shapes) == 15
    labels = [a for a in texts(fig) if a.startswith("<b>") and "<br>" in a]
    assert len(labels) == 15
    legend = [tr.name for tr in fig.data if tr.name]
    assert legend == [f"{style.STATUS_STYLE[s]['icon']} {t(f'status_{s}', 'nb')}" for s in STATUSES]


def test_dots_rank_counties_and_hide_suppressed() -> None:
    kpis, progress = county_data()
    fig = charts.county_dots(
        kpis, progress, target_share=0.3, relative=False, min_n=5, ctx=context(), highlight="46"
    )
    dots = fig.data[0]
    assert list(dots.y)[-1] == "Finnmark"  # highest share drawn last (top)
    assert "Oslo" not in list(dots.y)
    assert dots.marker.color[list(dots.y).index("Vestland")] == style.HIGHLIGHT
    hidden = next(tr for tr in fig.data if tr.mode == "text")
    assert list(hidden.y) == ["Oslo"]


def test_relative_mode_marks_each_own_target() -> None:
    kpis, progress = county_data()
    fig = charts.county_dots(
        kpis, progress, target_share=0.3, relative=True, min_n=5, ctx=context()
    )
    own = next(tr for tr in fig.data if tr.name == t("legend_own_target", "nb"))
    assert len(own.x) == 14
    assert not [s for s in fig.layout.shapes if s.type == "line"], "no common 30 % line"


def contrast(foreground: str, background: str) -> float:
    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_text_contrast_meets_wcag_aa() -> None:
    for status, look in style.STATUS_STYLE.items():
        assert contrast(look["text"], look["colour"]) >= 4.5, status
    assert contrast(style.MUTED_COLOUR, "#FFFFFF") >= 4.5
    assert contrast(style.TEXT_COLOUR, "#FFFFFF") >= 4.5
    assert contrast(style.HIGHLIGHT_TEXT, style.DEMO_MARK_BACKGROUND) >= 4.5
    assert contrast(style.ACCENT, "#FFFFFF") >= 4.5
