"""Chart builders: pure functions from tables to Plotly figures, in one house style.

No Streamlit here. Every figure carries its title, a subtitle with the definition, a source line
and, for demo data, a demo mark that cannot be switched off, so an exported image stands alone.
Shares are plotted as percentages (0–100) so that axis suffixes can follow each language's
typography ("15 %" in bokmål, "15%" in English).
"""

from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from tracker.data.reference import PARTNERS as PARTNER_ORDER
from tracker.present import format as fmt
from tracker.present import style
from tracker.present.chart_parts import (
    ChartContext,
    add_target_line,
    escaped,
    finish,
    percent_axis,
    share_hovers,
    share_with_n,
    target_label,
    target_segment,
)
from tracker.present.i18n import status_label, t
from tracker.stats.progress import STATUSES

# ChartContext, finish and TEMPLATE live in chart_parts/style; callers (pages, tests, the export
# bench) keep importing them from here. The builders stay defined in this module: bench/run.py
# times the functions whose __module__ is this one.
TEMPLATE = style.TEMPLATE


def national_trend(
    kpis: pd.DataFrame,
    *,
    target_share: float,
    baseline_year: int,
    target_year: int,
    ctx: ChartContext,
) -> go.Figure:
    """Share per wave with its interval band, the target line and the required path to it.

    ``kpis`` has columns wave_year, share, ci_low, ci_high, n (suppressed waves have NaN share).
    """
    data = kpis.dropna(subset=["share"]).sort_values("wave_year")
    lang = ctx.lang
    fig = go.Figure()
    if not data.empty:
        years = list(data["wave_year"])
        fig.add_trace(
            go.Scatter(
                x=years + years[::-1],
                y=list(100 * data["ci_high"]) + list(100 * data["ci_low"])[::-1],
                fill="toself",
                mode="lines",
                fillcolor=style.BAND_COLOUR,
                line={"width": 0},
                hoverinfo="skip",
                name=t("legend_interval", lang),
            )
        )
        fig.add_trace(
            go.Scatter(
                x=years,
                y=list(100 * data["share"]),
                mode="lines+markers+text",
                line={"color": style.ACCENT, "width": 3},
                marker={"size": 10, "color": style.ACCENT},
                text=[fmt.share(s, lang, 0) for s in data["share"]],
                textposition="top center",
                textfont={"size": style.LABEL_SIZE, "color": style.ACCENT},
                hovertext=share_hovers(data, lang, area=t("area_national", lang)),
                hoverinfo="text",
                name=t("legend_share", lang),
            )
        )
        baseline = data.loc[data["wave_year"] == baseline_year, "share"]
        if not baseline.empty:
            fig.add_trace(
                go.Scatter(
                    x=[baseline_year, target_year],
                    y=[100 * float(baseline.iloc[0]), 100 * target_share],
                    mode="lines",
                    line={"color": style.MUTED_COLOUR, "dash": "dot", "width": 2},
                    hoverinfo="skip",
                    name=t("legend_target_path", lang, year=target_year),
                )
            )
    add_target_line(fig, target_share, lang)
    years = [baseline_year - 1, target_year + 1]
    fig.update_xaxes(range=years, dtick=2, gridcolor=style.GRID_COLOUR, title=None)
    fig.update_yaxes(**percent_axis(lang, range=[0, max(40, 100 * target_share + 8)]), title=None)
    return finish(fig, ctx, t("chart_trend_title", lang))


def _tile_name(name: str) -> str:
    # "Møre og Romsdal" is wider than a tile; break it where a reader would.
    return name.replace(" og ", " og<br>")


def county_tiles(progress: pd.DataFrame, kpis: pd.DataFrame, *, ctx: ChartContext) -> go.Figure:
    """Tile-grid map of the 15 counties coloured by status, with status icon and latest share.

    ``progress`` has area_code, area_name, status; ``kpis`` (one wave) has area_code, share, n.
    """
    lang = ctx.lang
    progress = escaped(progress)
    merged = progress.merge(
        kpis[["area_code", "share", "ci_low", "ci_high", "n"]], on="area_code", how="left"
    )
    fig = go.Figure()
    for row in merged.itertuples():
        col, line = style.COUNTY_TILES.get(row.area_code, (5, 7))
        look = style.STATUS_STYLE[row.status]
        fig.add_shape(
            type="rect",
            x0=col - 0.47,
            x1=col + 0.47,
            y0=line - 0.45,
            y1=line + 0.45,
            fillcolor=look["colour"],
            line={"color": style.BACKGROUND, "width": 2},  # white gaps between the tiles
            layer="below",
        )
        fig.add_annotation(
            x=col,
            y=line,
            text=f"<b>{_tile_name(row.area_name)}</b><br>{look['icon']} "
            f"{fmt.share(row.share, lang, 0)}",
            showarrow=False,
            font={"size": style.NOTE_SIZE, "color": look["text"]},
        )
    hover = [
        f"{r.area_name}: {style.STATUS_STYLE[r.status]['icon']} {status_label(r.status, lang)}"
        f"<br>{share_with_n(r.share, r.n, lang)}"
        for r in merged.itertuples()
    ]
    positions = [style.COUNTY_TILES.get(code, (5, 7)) for code in merged["area_code"]]
    fig.add_trace(
        go.Scatter(
            x=[p[0] for p in positions],
            y=[p[1] for p in positions],
            mode="markers",
            marker={"size": 40, "opacity": 0},
            hovertext=hover,
            hoverinfo="text",
            showlegend=False,
        )
    )
    for status in STATUSES:
        look = style.STATUS_STYLE[status]
        fig.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="markers",
                marker={"symbol": "square", "size": 14, "color": look["colour"]},
                name=f"{look['icon']} {status_label(status, lang)}",
            )
        )
    fig.update_xaxes(visible=False, range=[-0.55, 4.55], fixedrange=True)
    fig.update_yaxes(visible=False, range=[7.55, -0.55], fixedrange=True)
    fig.update_layout(height=720)
    wave = int(kpis["wave_year"].iloc[0]) if not kpis.empty else ""
    # The north-west corner of the grid is open sea: the legend goes there.
    title = t("chart_tiles_title", lang, wave=wave)
    return finish(fig, ctx, title, legend=style.legend_in_corner())


def county_dots(
    kpis: pd.DataFrame,
    progress: pd.DataFrame,
    *,
    target_share: float,
    relative: bool,
    min_n: int,
    ctx: ChartContext,
    highlight: str | None = None,
) -> go.Figure:
    """Counties ranked by share with 95 % intervals and the target (one wave of ``kpis``)."""
    lang = ctx.lang
    data = escaped(kpis).merge(progress[["area_code", "status", "target_share"]], on="area_code")
    shown = data.dropna(subset=["share"]).sort_values("share")
    hidden = data[data["share"].isna()].sort_values("area_name", ascending=False)
    fig = go.Figure()
    colours = [
        style.HIGHLIGHT if code == highlight else style.ACCENT for code in shown["area_code"]
    ]
    fig.add_trace(
        go.Scatter(
            x=100 * shown["share"],
            y=shown["area_name"],
            mode="markers",
            marker={
                "size": [16 if c == highlight else 11 for c in shown["area_code"]],
                "color": colours,
            },
            error_x={
                "type": "data",
                "symmetric": False,
                "array": 100 * (shown["ci_high"] - shown["share"]),
                "arrayminus": 100 * (shown["share"] - shown["ci_low"]),
                "color": style.MUTED_COLOUR,
                "thickness": 1.5,
                "width": 4,
            },
            hovertext=share_hovers(shown, lang),
            hoverinfo="text",
            name=t("legend_share", lang),
            showlegend=relative,
        )
    )
    if relative:
        own = shown.dropna(subset=["target_share"])
        fig.add_trace(
            go.Scatter(
                x=100 * own["target_share"],
                y=own["area_name"],
                mode="markers",
                marker={
                    "symbol": "line-ns-open",
                    "size": 18,
                    "color": style.TARGET_COLOUR,
                    "line": {"width": 3},
                },
                name=t("legend_own_target", lang),
                hoverinfo="skip",
            )
        )
    else:
        add_target_line(fig, target_share, lang, vertical=True)
    if not hidden.empty:
        fig.add_trace(
            go.Scatter(
                x=[0] * len(hidden),
                y=hidden["area_name"],
                mode="text",
                text=[t("suppressed", lang, min_n=min_n)] * len(hidden),
                textposition="middle right",
                textfont={"color": style.MUTED_COLOUR, "size": style.NOTE_SIZE},
                hoverinfo="skip",
                showlegend=False,
            )
        )
    order = list(hidden["area_name"]) + list(shown["area_name"])
    fig.update_yaxes(categoryorder="array", categoryarray=order, title=None)
    # A little room past the widest interval so its end cap is not clipped.
    upper = max([45.0, *(100 * data["ci_high"].dropna() + 3), 100 * target_share + 5])
    fig.update_xaxes(**percent_axis(lang, range=[0, upper]), title=None)
    fig.update_layout(height=max(460, 28 * len(data) + 220))
    wave = int(kpis["wave_year"].iloc[0]) if not kpis.empty else ""
    return finish(fig, ctx, t("chart_dots_title", lang, wave=wave))


def county_small_multiples(
    kpis: pd.DataFrame,
    progress: pd.DataFrame,
    *,
    target_share: float,
    relative: bool,
    ctx: ChartContext,
    highlight: str | None = None,
    columns: int = 5,
) -> go.Figure:
    """One small trend panel per county (all waves of ``kpis``), each with its target line."""
    lang = ctx.lang
    targets = dict(zip(progress["area_code"], progress["target_share"], strict=True))
    kpis = escaped(kpis)
    areas = kpis.drop_duplicates("area_code").sort_values("area_name")
    rows = -(-len(areas) // columns)
    fig = make_subplots(
        rows=rows,
        cols=columns,
        shared_xaxes=True,
        shared_yaxes=True,
        subplot_titles=list(areas["area_name"]),
        vertical_spacing=0.09,
        horizontal_spacing=0.03,
    )
    years = sorted(kpis["wave_year"].unique())
    for i, area in enumerate(areas.itertuples()):
        row, col = divmod(i, columns)
        data = kpis[kpis["area_code"] == area.area_code].sort_values("wave_year")
        colour = style.HIGHLIGHT if area.area_code == highlight else style.ACCENT
        fig.add_trace(
            go.Scatter(
                x=data["wave_year"],
                y=100 * data["share"],
                mode="lines+markers",
                line={"color": colour, "width": 3 if area.area_code == highlight else 2},
                marker={"size": 7, "color": colour},
                connectgaps=False,
                hovertext=[
                    f"{area.area_name} {y}: {share_with_n(s, n, lang)}"
                    for y, s, n in zip(data["wave_year"], data["share"], data["n"], strict=True)
                ],
                hoverinfo="text",
                showlegend=False,
            ),
            row=row + 1,
            col=col + 1,
        )
        target = targets.get(area.area_code) if relative else target_share
        if target is not None and not pd.isna(target):
            fig.add_trace(
                target_segment(years[0], years[-1], target, width=1.5), row=row + 1, col=col + 1
            )
    if highlight in set(areas["area_code"]):
        index = list(areas["area_code"]).index(highlight)
        # The highlighted county's panel title in the highlight hue, bold.
        fig.layout.annotations[index].font = dict(color=style.HIGHLIGHT_TEXT, size=style.FONT_SIZE)
        fig.layout.annotations[index].text = f"<b>{areas.iloc[index]['area_name']}</b>"
    fig.update_xaxes(tickvals=years, gridcolor=style.GRID_COLOUR)
    fig.update_yaxes(**percent_axis(lang, range=[0, 45], dtick=10))
    fig.update_layout(height=200 * rows + 240)
    # Relative mode has one target per county, so the title names them, not one share.
    target = t("legend_own_target", lang) if relative else target_label(target_share, lang)
    title = t("chart_multiples_title", lang, target=target)
    return finish(fig, ctx, title)


def trend_lines(
    kpis: pd.DataFrame,
    order: list[str],
    *,
    title: str,
    target_share: float | None,
    ctx: ChartContext,
    names: dict[str, str] | None = None,
) -> go.Figure:
    """One line per area in ``order`` (the first drawn boldest), with an optional target line.

    ``kpis`` has area_code, area_name, wave_year, share, ci_low, ci_high, n; ``names`` overrides
    the displayed names (e.g. translated sector names).
    """
    lang = ctx.lang
    fig = go.Figure()
    for i, code in enumerate(order):
        data = kpis[kpis["area_code"] == code].sort_values("wave_year")
        if data.empty:
            continue
        name = html.escape((names or {}).get(code, str(data["area_name"].iloc[0])))
        colour = style.LINE_COLOURS[i % len(style.LINE_COLOURS)]
        fig.add_trace(
            go.Scatter(
                x=data["wave_year"],
                y=100 * data["share"],
                mode="lines+markers",
                name=name,
                line={"color": colour, "width": 4 if i == 0 else 2},
                marker={"size": 9, "color": colour},
                hovertext=share_hovers(data, lang, area=name),
                hoverinfo="text",
            )
        )
    if target_share is not None:
        add_target_line(fig, target_share, lang)
    years = sorted(kpis["wave_year"].unique())
    fig.update_xaxes(tickvals=years, gridcolor=style.GRID_COLOUR, title=None)
    fig.update_yaxes(**percent_axis(lang, range=[0, 50]), title=None)
    return finish(fig, ctx, title)


def partner_shares(partners: pd.DataFrame, *, ctx: ChartContext) -> go.Figure:
    """Stacked bars per wave: which kinds of research partner collaborators had (weighted)."""
    lang = ctx.lang
    fig = go.Figure()
    kinds = [k for k in (*PARTNER_ORDER, "unknown") if k in set(partners["research_partner"])]
    for i, kind in enumerate(kinds):
        data = partners[partners["research_partner"] == kind]
        fig.add_trace(
            go.Bar(
                y=data["wave_year"].astype(str),
                x=100 * data["weight_share"],
                orientation="h",
                name=t(f"partner_{kind}", lang),
                marker={"color": style.LINE_COLOURS[(i + 1) % len(style.LINE_COLOURS)]},
                text=[fmt.share(v, lang, 0) for v in data["weight_share"]],
                textposition="inside",
                hovertext=[
                    f"{t(f'partner_{kind}', lang)} {y}: {share_with_n(v, n, lang)}"
                    for y, v, n in zip(
                        data["wave_year"], data["weight_share"], data["n"], strict=True
                    )
                ],
                hoverinfo="text",
            )
        )
    fig.update_layout(barmode="stack", height=420)
    fig.update_xaxes(**percent_axis(lang, range=[0, 100]), title=None)
    fig.update_yaxes(title=None, autorange="reversed")
    return finish(fig, ctx, t("chart_partners_title", lang))
