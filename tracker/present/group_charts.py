"""Chart builders for municipality types: shares by structure group (or any few areas) per wave.

Pure functions from tables to Plotly figures in the house style of :mod:`tracker.present.charts`
(title, definition, source and demo mark on every figure, so an exported image stands alone).
The groups come from SSB's profiles, so the source line of these charts names SSB as well.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import replace

import pandas as pd
import plotly.graph_objects as go

from tracker.data.profiles import group_codes
from tracker.present import format as fmt
from tracker.present import style
from tracker.present.chart_parts import (
    ChartContext,
    add_target_line,
    finish,
    percent_axis,
    share_hovers,
)
from tracker.present.groups import group_name
from tracker.present.i18n import t

#: The look of a wave's markers, by how many waves it lies before the newest one shown. The
#: newest wave (the one the text below the chart is about) is the house accent as a filled
#: circle; older waves differ in colour *and* symbol, so they are told apart without colour.
#: Every colour has at least 3:1 contrast on white (WCAG 1.4.11 for graphics).
NEWEST_LOOK = (style.ACCENT, "circle")
OLDER_LOOKS = (("#009E73", "diamond"), ("#CC79A7", "square"), ("#8A6D00", "triangle-up"))
#: Vertical distance between the waves' markers within one group's row (a row is 1 unit high).
WAVE_SPREAD = 0.6
ROW_HEIGHT = 30  # px per marker row, so error bars of neighbouring waves never touch


def wave_look(position_from_newest: int) -> tuple[str, str]:
    """(colour, marker symbol) of the wave ``position_from_newest`` waves before the newest."""
    if position_from_newest == 0:
        return NEWEST_LOOK
    return OLDER_LOOKS[(position_from_newest - 1) % len(OLDER_LOOKS)]


def with_ssb_source(ctx: ChartContext) -> ChartContext:
    """The context with SSB named in the source line: the groups are SSB's (CC BY 4.0)."""
    return replace(ctx, source=f"{ctx.source} {t('types_source', ctx.lang)}")


def shares_by_wave(
    kpis: pd.DataFrame,
    order: Sequence[str],
    *,
    title: str,
    ctx: ChartContext,
    min_n: int,
    target_share: float | None = None,
    national_share: float | None = None,
) -> go.Figure:
    """Areas top to bottom in ``order``, one marker with its 95 % interval per wave.

    ``kpis`` has area_code, area_name (display names, not yet escaped), wave_year, share,
    ci_low, ci_high, n. Within an area's row the waves are offset from oldest (top) to newest
    (bottom). A suppressed share is written as "skjult (n < 5)" at the left of its place, as the
    county ranking does. ``national_share`` draws Norway's share (of the newest wave) as a grey
    line; ``target_share`` the target.
    """
    lang = ctx.lang
    waves = sorted(int(w) for w in kpis["wave_year"].unique())
    names = (
        kpis.drop_duplicates("area_code").set_index("area_code")["area_name"].astype(str).to_dict()
    )
    rows = [code for code in order if code in names]
    position = {code: i for i, code in enumerate(rows)}
    step = WAVE_SPREAD / max(len(waves) - 1, 1)
    offset = {w: (j - (len(waves) - 1) / 2) * step for j, w in enumerate(waves)}
    fig = go.Figure()
    for j, wave in enumerate(waves):
        colour, symbol = wave_look(len(waves) - 1 - j)
        data = kpis[(kpis["wave_year"] == wave) & kpis["area_code"].isin(position)]
        data = data.assign(_y=[position[c] + offset[wave] for c in data["area_code"]])
        shown = data.dropna(subset=["share"])
        hidden = data[data["share"].isna()]
        labelled = shown.assign(
            area_name=[f"{html.escape(names[c])}, {wave}" for c in shown["area_code"]]
        )
        fig.add_trace(
            go.Scatter(
                x=100 * shown["share"],
                y=shown["_y"],
                mode="markers",
                marker={
                    "symbol": symbol,
                    "size": 12 if j == len(waves) - 1 else 10,
                    "color": colour,
                    "line": {"width": 1, "color": colour},
                },
                error_x={
                    "type": "data",
                    "symmetric": False,
                    "array": 100 * (shown["ci_high"] - shown["share"]),
                    "arrayminus": 100 * (shown["share"] - shown["ci_low"]),
                    "color": colour,
                    "thickness": 1.5,
                    "width": 3,
                },
                hovertext=share_hovers(labelled, lang),
                hoverinfo="text",
                name=str(wave),
            )
        )
        if not hidden.empty:
            fig.add_trace(
                go.Scatter(
                    x=[0] * len(hidden),
                    y=hidden["_y"],
                    mode="text",
                    text=[f"{wave}: {t('suppressed', lang, min_n=min_n)}"] * len(hidden),
                    textposition="middle right",
                    textfont={"color": style.MUTED_COLOUR, "size": style.NOTE_SIZE},
                    hoverinfo="skip",
                    showlegend=False,
                )
            )
    for i in range(len(rows) - 1):  # a thin rule between groups keeps each row's waves together
        fig.add_hline(y=i + 0.5, line={"color": style.GRID_COLOUR, "width": 1}, layer="below")
    if national_share is not None and not pd.isna(national_share):
        fig.add_vline(
            x=100 * national_share,
            line={"color": style.MUTED_COLOUR, "dash": "dot", "width": 1.5},
            annotation_text=t("legend_national_share", lang, share=fmt.share(national_share, lang)),
            annotation_position="bottom right",
            annotation_font={"color": style.MUTED_COLOUR, "size": style.NOTE_SIZE},
        )
    if target_share is not None:
        add_target_line(fig, target_share, lang, vertical=True)
    fig.update_yaxes(
        tickvals=list(range(len(rows))),
        ticktext=[html.escape(names[c]) for c in rows],
        range=[len(rows) - 0.5, -0.5],  # first area on top
        showgrid=False,
        zeroline=False,
        automargin=True,  # group names are longer than the house margin allows
        title=None,
    )
    # Room past the widest interval so its end cap is not clipped.
    upper = max([45.0, *(100 * kpis["ci_high"].dropna() + 3)])
    if target_share is not None:
        upper = max(upper, 100 * target_share + 5)
    fig.update_xaxes(**percent_axis(lang, range=[0, upper]), title=None)
    fig.update_layout(height=max(420, ROW_HEIGHT * len(rows) * len(waves) + 260))
    fig = finish(fig, ctx, title)
    # The markers' colours and symbols stand for waves: the legend says so.
    return fig.update_layout(legend_title_text=t("col_wave", lang))


def grouping_chart(
    kpis: pd.DataFrame,
    grouping: str,
    *,
    ctx: ChartContext,
    min_n: int,
    target_share: float | None = None,
    national_share: float | None = None,
) -> go.Figure:
    """The share of every group of ``grouping`` per wave (``kpis`` carries group codes)."""
    lang = ctx.lang
    names = {code: group_name(grouping, code, lang) for code in group_codes(grouping)}
    return shares_by_wave(
        kpis.assign(area_name=kpis["area_code"].map(names)),
        group_codes(grouping),
        title=t(f"chart_types_title_{grouping}", lang),
        ctx=with_ssb_source(ctx),
        min_n=min_n,
        target_share=target_share,
        national_share=national_share,
    )


#: Rows of the similar-municipalities chart, top to bottom (area codes set by the loader).
SIMILAR_ORDER = ("kostra_group", "county", "national")


def similar_chart(
    shares: pd.DataFrame,
    *,
    group: str,
    county: str,
    ctx: ChartContext,
    min_n: int,
    target_share: float | None = None,
) -> go.Figure:
    """A municipality's KOSTRA group beside its county and Norway, per wave with intervals.

    ``shares`` has area_code in :data:`SIMILAR_ORDER` and display names in area_name;
    ``group`` and ``county`` are the names for the title (escaped here: the county's name comes
    from the data).
    """
    title = t("chart_similar_title", ctx.lang, group=html.escape(group), county=html.escape(county))
    return shares_by_wave(
        shares,
        SIMILAR_ORDER,
        title=title,
        ctx=with_ssb_source(ctx),
        min_n=min_n,
        target_share=target_share,
    )
