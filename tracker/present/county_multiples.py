"""Small multiples: one trend panel per county, with its interval band, Norway and the target.

Split from :mod:`county_charts` (which re-exports :func:`county_small_multiples`) to keep modules
small. This is the most expensive figure the pages build (15 panels), so the traces are made as
one list and added in one ``add_traces`` call, and the panel notes in one ``add_annotations``:
``add_trace(row=, col=)`` looks the subplot grid up on every call, and every ``add_annotation``
validates all annotations already there again.
"""

from __future__ import annotations

import copy
import functools

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from tracker.present import format as fmt
from tracker.present import style
from tracker.present.chart_parts import (
    ChartContext,
    escaped,
    finish,
    percent_axis,
    share_with_n,
    target_label,
    target_segment,
)
from tracker.present.i18n import t

NATIONAL_LINE = {"color": style.MUTED_COLOUR, "width": 1.5, "dash": "dot"}


def with_n(name: str, n: float | None, lang: str) -> str:
    """'Trøndelag (n = 17)': every county label carries its number of answers, so that a rank
    or a trend is never read without how little it may rest on."""
    return f"{name} (n = {count_text(n, lang)})"


def count_text(n: float | None, lang: str) -> str:
    """n with thousands separators; a county without answers has n = 0, not "–"."""
    return "0" if n is None or pd.isna(n) else fmt.count(int(n), lang)


def _band(data: pd.DataFrame, colour: str) -> dict:
    """The 95 % interval of the shown waves as one pale polygon."""
    years = list(data["wave_year"])
    return {
        "type": "scatter",
        "x": years + years[::-1],
        "y": list(100 * data["ci_high"]) + list(100 * data["ci_low"])[::-1],
        "fill": "toself",
        "mode": "lines",
        # The line's hue, pale enough that the national line shows through it.
        "fillcolor": style.translucent(colour, style.BAND_ALPHA),
        "line": {"width": 0},
        "hoverinfo": "skip",
        "showlegend": False,
    }


@functools.lru_cache(maxsize=8)
def _grid(rows: int, columns: int) -> dict:
    """The layout of an empty grid of panels (axis domains, places of the panel titles) as a
    plain dict. ``make_subplots`` takes about 200 ms, and styling its 30 axes one update at a
    time as long again; the grid only depends on its shape, so it is made once per shape and
    each figure is then built from plain dicts in one step (about 50 ms)."""
    placeholder = [" "] * (rows * columns)
    fig = make_subplots(
        rows=rows,
        cols=columns,
        shared_xaxes=True,
        shared_yaxes=True,
        subplot_titles=placeholder,
        vertical_spacing=0.09,
        horizontal_spacing=0.03,
    )
    layout = fig.to_dict()["layout"]
    layout.pop("template", None)  # the house template is set by finish()
    return layout


def _empty_note(data: pd.DataFrame, axis: int, lang: str, min_n: int) -> dict:
    """Why a panel has no line: its shares are hidden (too few answers) or it has no answers."""
    answered = bool((data["n"].fillna(0) > 0).any())
    text = t("suppressed", lang, min_n=min_n) if answered else t("panel_no_answers", lang)
    suffix = "" if axis == 1 else str(axis)
    return {
        "text": text,
        "xref": f"x{suffix} domain",
        "yref": f"y{suffix} domain",
        "x": 0.5,
        "y": 0.5,
        "showarrow": False,
        "font": {"size": style.NOTE_SIZE, "color": style.MUTED_COLOUR},
        "name": "empty_panel",
    }


def county_small_multiples(
    kpis: pd.DataFrame,
    progress: pd.DataFrame,
    *,
    target_share: float,
    relative: bool,
    ctx: ChartContext,
    highlight: str | None = None,
    columns: int = 5,
    national: pd.DataFrame | None = None,
    min_n: int = 5,
) -> go.Figure:
    """One small trend panel per county (all waves of ``kpis``): the share with its 95 % band,
    Norway's share as a grey line (``national``: its KPI rows), and the target line.

    Panel titles carry the county's n in the latest wave; a panel with no shown share says why.
    """
    lang = ctx.lang
    targets = dict(zip(progress["area_code"], progress["target_share"], strict=True))
    kpis = escaped(kpis)
    areas = kpis.drop_duplicates("area_code").sort_values("area_name")
    years = sorted(kpis["wave_year"].unique())
    latest = kpis[kpis["wave_year"] == years[-1]] if years else kpis
    latest_n = dict(zip(latest["area_code"], latest["n"], strict=True))
    titles = [with_n(a.area_name, latest_n.get(a.area_code), lang) for a in areas.itertuples()]
    rows = -(-len(areas) // columns)
    layout = copy.deepcopy(_grid(rows, columns))
    country = pd.DataFrame() if national is None else national.dropna(subset=["share"])
    country = country[country["wave_year"].isin(years)] if not country.empty else country
    area_name = t("area_national", lang)
    traces: list[dict] = []
    notes: list[dict] = []
    for i, area in enumerate(areas.itertuples()):
        suffix = "" if i == 0 else str(i + 1)
        data = kpis[kpis["area_code"] == area.area_code].sort_values("wave_year")
        shown = data.dropna(subset=["share"])
        colour = style.HIGHLIGHT if area.area_code == highlight else style.ACCENT
        panel: list[dict] = []
        if not shown.empty:
            panel.append(_band(shown, colour))
        if not country.empty:  # under the county's line: Norway is the reference, not the subject
            panel.append(
                {
                    "type": "scatter",
                    "x": country["wave_year"].to_numpy(),
                    "y": (100 * country["share"]).to_numpy(),
                    "mode": "lines",
                    "line": NATIONAL_LINE,
                    "hovertext": [
                        f"{area_name} {y}: {share_with_n(s, n, lang)}"
                        for y, s, n in zip(
                            country["wave_year"], country["share"], country["n"], strict=True
                        )
                    ],
                    "hoverinfo": "text",
                    "showlegend": False,
                    "name": area_name,
                }
            )
        panel.append(
            {
                "type": "scatter",
                "x": data["wave_year"].to_numpy(),
                "y": (100 * data["share"]).to_numpy(),
                "mode": "lines+markers",
                "line": {"color": colour, "width": 3 if area.area_code == highlight else 2},
                "marker": {"size": 7, "color": colour},
                "connectgaps": False,
                "hovertext": [
                    f"{area.area_name} {y}: {share_with_n(s, n, lang)}"
                    for y, s, n in zip(data["wave_year"], data["share"], data["n"], strict=True)
                ],
                "hoverinfo": "text",
                "showlegend": False,
                "name": area.area_name,
            }
        )
        target = targets.get(area.area_code) if relative else target_share
        if target is not None and not pd.isna(target):
            segment = target_segment(years[0], years[-1], target, width=1.5)
            panel.append(segment.to_plotly_json())
        if shown.empty:
            notes.append(_empty_note(data, i + 1, lang, min_n))
        traces.extend({**trace, "xaxis": f"x{suffix}", "yaxis": f"y{suffix}"} for trace in panel)
    # Panel titles: the grid's placeholders get the names; places without a county are dropped.
    panel_titles = layout.pop("annotations", [])[: len(titles)]
    for note, title_text in zip(panel_titles, titles, strict=True):
        note["text"] = title_text
    if highlight in set(areas["area_code"]):
        index = list(areas["area_code"]).index(highlight)
        # The highlighted county's panel title in the highlight hue, bold.
        panel_titles[index]["font"] = {"color": style.HIGHLIGHT_TEXT, "size": style.FONT_SIZE}
        panel_titles[index]["text"] = f"<b>{titles[index]}</b>"
    x_style = {"tickvals": years, "gridcolor": style.GRID_COLOUR}
    y_style = percent_axis(lang, range=[0, 45], dtick=10)
    for key, axis in layout.items():
        if key.startswith(("xaxis", "yaxis")):
            axis.update(x_style if key.startswith("x") else y_style)
    layout.update(annotations=[*panel_titles, *notes], height=200 * rows + 240)
    fig = go.Figure({"data": traces, "layout": layout})
    # Relative mode has one target per county, so the title names them, not one share.
    target = t("legend_own_target", lang) if relative else target_label(target_share, lang)
    title = t("chart_multiples_title", lang, target=target)
    return finish(fig, ctx, title)
