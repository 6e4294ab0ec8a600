"""Chart builders: pure functions checked on the figure's dict (title, source, demo mark, style)."""

from __future__ import annotations

import functools

import pandas as pd
import plotly.graph_objects as go
import pytest

from tracker.data import reference
from tracker.present import chart_parts, charts, county_charts, export, style
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
        "tiles": county_charts.county_tiles(progress, kpis, ctx=ctx),
        "dots": county_charts.county_dots(
            kpis, progress, target_share=0.3, relative=False, min_n=5, ctx=ctx
        ),
        "multiples": county_charts.county_small_multiples(
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
    # One decimal, as in the headline (issue 15, item 3: one precision everywhere).
    assert list(share_trace.text) == [f"15,0{NBSP}%", f"18,0{NBSP}%", f"22,0{NBSP}%"]
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
    fig = county_charts.county_dots(
        kpis, progress, target_share=0.3, relative=False, min_n=5, ctx=context(), highlight="46"
    )
    dots = fig.data[0]
    # Labels carry n (tests/test_county_labels.py): "Finnmark (n = 20)".
    assert list(dots.y)[-1] == "Finnmark (n = 20)"  # highest share drawn last (top)
    assert "Oslo (n = 0)" not in list(dots.y)
    assert dots.marker.color[list(dots.y).index("Vestland (n = 20)")] == style.HIGHLIGHT
    hidden = next(tr for tr in fig.data if tr.mode == "text")
    assert list(hidden.y) == ["Oslo (n = 0)"]


def test_relative_mode_marks_each_own_target() -> None:
    kpis, progress = county_data()
    fig = county_charts.county_dots(
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


# --- Shared parts: one hover text, one target line, one footer ---------------------------------


@pytest.mark.parametrize(
    ("lang", "share", "interval", "n"),
    [
        ("nb", f"15,3{NBSP}%", f"10,1–21,0{NBSP}%", f"1{NBSP}234"),
        ("en", "15.3%", "10.1–21.0%", "1,234"),
    ],
)
def test_share_hover_shows_share_interval_and_n(
    lang: str, share: str, interval: str, n: str
) -> None:
    text = chart_parts.share_hover("Vestland", 0.153, 0.101, 0.21, 1234, lang)
    assert text.startswith("Vestland: ")
    assert share in text and interval in text and f"n = {n}" in text
    assert chart_parts.share_with_n(0.153, 1234, lang) == f"{share} (n = {n})"


def test_every_interval_hover_comes_from_the_helper() -> None:
    shown = county_data()[0].dropna(subset=["share"])
    for lang in ("nb", "en"):
        figs = all_figures(lang)
        dots = figs["dots"].data[0]
        row = shown[shown["area_name"] == "Vestland"].iloc[0]
        expected = chart_parts.share_hover(
            "Vestland", row.share, row.ci_low, row.ci_high, row.n, lang
        )
        assert dots.hovertext[list(dots.y).index("Vestland (n = 20)")] == expected
        share_trace = next(tr for tr in figs["trend"].data if tr.name == t("legend_share", lang))
        national = t("area_national", lang)
        assert share_trace.hovertext[0] == chart_parts.share_hover(
            national, 0.15, 0.1, 0.2, 140, lang
        )
        assert figs["lines"].data[0].hovertext[0].startswith("Norge: ")


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_target_line_sits_at_the_target(lang: str) -> None:
    label = t("legend_target", lang, share="30" + (f"{NBSP}%" if lang == "nb" else "%"))
    horizontal = chart_parts.add_target_line(go.Figure(), 0.3, lang)
    (line,), (note,) = horizontal.layout.shapes, horizontal.layout.annotations
    assert (line.y0, line.y1, line.x0, line.x1, line.xref) == (30, 30, 0, 1, "x domain")
    assert line.line.dash == "dash" and line.line.color == style.TARGET_COLOUR
    assert (note.y, note.yref, note.text) == (30, "y", label)
    vertical = chart_parts.add_target_line(go.Figure(), 0.3, lang, vertical=True)
    (line,), (note,) = vertical.layout.shapes, vertical.layout.annotations
    assert (line.x0, line.x1, line.yref) == (30, 30, "y domain")
    assert (note.x, note.xref, note.text) == (30, "x", label)
    segment = chart_parts.target_segment(2018, 2024, 0.3, width=1.5)
    assert list(segment.y) == [30, 30] and segment.line.dash == "dash"


def test_builders_draw_the_target_with_the_helper() -> None:
    figs = all_figures()
    for name in ("trend", "lines", "dots"):
        (line,) = [s for s in figs[name].layout.shapes if s.type == "line"]
        assert 30 in (line.x0, line.y0), name
        assert line.line.to_plotly_json() == chart_parts.target_line_style(), name
        assert t("legend_target", "nb", share=f"30{NBSP}%") in texts(figs[name]), name
    segments = [tr for tr in figs["multiples"].data if tr.line.dash == "dash"]
    assert len(segments) == 15 and all(list(s.y) == [30, 30] for s in segments)


@functools.cache  # built once for all cases below, which only read the figures
def every_figure() -> dict[str, go.Figure]:
    """Every builder in both languages, plus the relative and highlighted variants."""
    kpis, progress = county_data()
    figs = {
        f"{name}-{lang}": fig for lang in ("nb", "en") for name, fig in all_figures(lang).items()
    }
    relative = {"target_share": 0.3, "relative": True, "ctx": context(), "highlight": "46"}
    figs["dots-relative"] = county_charts.county_dots(kpis, progress, min_n=5, **relative)
    figs["multiples-relative"] = county_charts.county_small_multiples(kpis, progress, **relative)
    return figs


def axis_range(fig: go.Figure, ref: str) -> list[float]:
    axis = fig.layout[{"x": "xaxis", "y": "yaxis"}[ref[0]] + ref[1:]]
    return sorted(axis.range)


@pytest.mark.parametrize("name", list(every_figure()))
def test_annotations_sit_inside_the_style_margins(name: str) -> None:
    fig = every_figure()[name]
    # No builder overrides the house margins, so the style module's values are the figure's.
    assert fig.layout.margin.to_plotly_json() == {}
    margin = fig.layout.template.layout.margin
    assert (margin.l, margin.r, margin.t, margin.b) == tuple(style.MARGIN.values())
    footer = []  # (top, bottom) in px below the plot area
    for note in fig.layout.annotations:
        xref, yref = note.xref or "x", note.yref or "y"
        if note.yshift and note.yshift < 0:
            # A footer row: its bottom at yshift below the plot, its top one row higher.
            assert (yref, note.y, note.yanchor) == ("paper", 0, "bottom"), note.text
            bottom = -note.yshift
            footer.append((bottom - style.FOOTER_ROW, bottom))
            assert bottom <= margin.b - style.FOOTER_EDGE_GAP, f"{note.text} below the edge"
            assert bottom - style.FOOTER_ROW >= style.AXIS_LABEL_ROOM > 0, f"{note.text} on axis"
            continue
        for ref, value in ((xref, note.x), (yref, note.y)):
            if ref == "paper" or ref.endswith("domain"):
                assert 0 <= value <= 1, (note.text, ref, value)
            else:
                low, high = axis_range(fig, ref)
                assert low <= value <= high, (note.text, ref, value)
    # Source line always, demo label here too: two rows that do not overlap.
    assert len(footer) == 2
    upper, lower = sorted(footer)
    assert upper[1] <= lower[0]
    # The title's first line stays inside the top margin at the figure's and the export heights.
    for height in (fig.layout.height or 450, *(p.height for p in export.PRESETS.values())):
        assert (1 - fig.layout.template.layout.title.y) * height + style.TITLE_SIZE < margin.t
