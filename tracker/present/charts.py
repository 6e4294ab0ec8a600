"""Chart builders: pure functions from tables to Plotly figures, in one house style.

No Streamlit here. Every figure carries its title, a subtitle with the definition, a source line
and, for demo data, a demo mark that cannot be switched off, so an exported image stands alone.
Shares are plotted as percentages (0–100) so that axis suffixes can follow each language's
typography ("15 %" in bokmål, "15%" in English).
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from tracker.data.reference import PARTNERS as PARTNER_ORDER
from tracker.present import format as fmt
from tracker.present import style
from tracker.present.i18n import status_label, t
from tracker.stats.progress import STATUSES


@dataclass(frozen=True)
class ChartContext:
    """What every chart needs besides its data."""

    lang: str
    demo: bool
    subtitle: str
    source: str


#: The house Plotly template: every chart is finished with it (see :func:`finish`).
TEMPLATE = go.layout.Template(
    layout={
        "font": {"family": style.FONT_FAMILY, "size": 15, "color": style.TEXT_COLOUR},
        "colorway": list(style.LINE_COLOURS),
        "paper_bgcolor": "#FFFFFF",
        "plot_bgcolor": "#FFFFFF",
        "margin": {"l": 70, "r": 30, "t": 135, "b": 90},
        "hoverlabel": {"font": {"family": style.FONT_FAMILY}},
        "xaxis": {"gridcolor": style.GRID_COLOUR, "zeroline": False, "linecolor": "#BBBBBB"},
        "yaxis": {"gridcolor": style.GRID_COLOUR, "zeroline": False},
        "title": {"x": 0.01, "xanchor": "left", "y": 0.97, "yanchor": "top", "font": {"size": 20}},
    }
)


def _escaped(table: pd.DataFrame) -> pd.DataFrame:
    """The table with area names HTML-escaped: Plotly renders tags such as <a href> in text."""
    if "area_name" not in table.columns:
        return table
    return table.assign(area_name=[html.escape(str(n)) for n in table["area_name"]])


def _percent_suffix(lang: str) -> str:
    return f"{fmt.NBSP}%" if lang == "nb" else "%"


def finish(fig: go.Figure, ctx: ChartContext, title: str, legend: dict | None = None) -> go.Figure:
    """Apply the house style: title, subtitle, source line, demo mark, fonts and separators.

    The legend sits between subtitle and plot unless ``legend`` places it elsewhere; the bottom
    margin holds the demo mark and the source line, so nothing overlaps at any width.
    """
    fig.update_layout(
        template=TEMPLATE,
        separators=fmt.PLOTLY_SEPARATORS[ctx.lang],
        title={
            "text": f"<b>{title}</b>",
            "subtitle": {"text": ctx.subtitle, "font": {"size": 13, "color": style.MUTED_COLOUR}},
        },
        legend=legend
        or {"orientation": "h", "yanchor": "bottom", "y": 1.01, "x": 0, "font": {"size": 13}},
    )
    fig.add_annotation(
        text=ctx.source,
        xref="paper",
        yref="paper",
        x=0,
        y=0,
        yshift=-82,
        xanchor="left",
        yanchor="bottom",
        showarrow=False,
        font={"size": 12, "color": style.MUTED_COLOUR},
    )
    if ctx.demo:
        mark = t("demo_mark", ctx.lang)
        fig.add_annotation(
            text=mark,
            xref="paper",
            yref="paper",
            x=0.5,
            y=0.5,
            showarrow=False,
            textangle=-20,
            font={"size": 44, "color": "rgba(213, 94, 0, 0.16)"},
            name="demo_mark",
        )
        fig.add_annotation(
            text=f"<b>{mark}</b>",
            xref="paper",
            yref="paper",
            x=0,
            y=0,
            yshift=-62,
            xanchor="left",
            yanchor="bottom",
            showarrow=False,
            font={"size": 13, "color": style.HIGHLIGHT_TEXT},
            bgcolor=style.DEMO_MARK_BACKGROUND,
            name="demo_mark",
        )
    return fig


def _percent_axis(lang: str, **extra: object) -> dict:
    return {
        "ticksuffix": _percent_suffix(lang),
        "tickformat": ".0f",
        "gridcolor": style.GRID_COLOUR,
        "zeroline": False,
        "rangemode": "tozero",
        **extra,
    }


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
        hover = [
            t(
                "hover_share",
                lang,
                area=t("area_national", lang),
                share=fmt.share(r.share, lang),
                ci=fmt.share_range(r.ci_low, r.ci_high, lang, 1),
                n=fmt.count(r.n, lang),
            )
            for r in data.itertuples()
        ]
        fig.add_trace(
            go.Scatter(
                x=years,
                y=list(100 * data["share"]),
                mode="lines+markers+text",
                line={"color": style.ACCENT, "width": 3},
                marker={"size": 10, "color": style.ACCENT},
                text=[fmt.share(s, lang, 0) for s in data["share"]],
                textposition="top center",
                textfont={"size": 14, "color": style.ACCENT},
                hovertext=hover,
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
    fig.add_hline(
        y=100 * target_share,
        line={"color": style.TARGET_COLOUR, "dash": "dash", "width": 2},
        annotation_text=t("legend_target", lang, share=fmt.share(target_share, lang, 0)),
        annotation_position="top left",
    )
    fig.update_xaxes(
        range=[baseline_year - 1, target_year + 1],
        dtick=2,
        gridcolor=style.GRID_COLOUR,
        title=None,
    )
    fig.update_yaxes(**_percent_axis(lang, range=[0, max(40, 100 * target_share + 8)]), title=None)
    return finish(fig, ctx, t("chart_trend_title", lang))


def _tile_name(name: str) -> str:
    # "Møre og Romsdal" is wider than a tile; break it where a reader would.
    return name.replace(" og ", " og<br>")


def county_tiles(progress: pd.DataFrame, kpis: pd.DataFrame, *, ctx: ChartContext) -> go.Figure:
    """Tile-grid map of the 15 counties coloured by status, with status icon and latest share.

    ``progress`` has area_code, area_name, status; ``kpis`` (one wave) has area_code, share, n.
    """
    lang = ctx.lang
    progress = _escaped(progress)
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
            line={"color": "#FFFFFF", "width": 2},
            layer="below",
        )
        fig.add_annotation(
            x=col,
            y=line,
            text=f"<b>{_tile_name(row.area_name)}</b><br>{look['icon']} "
            f"{fmt.share(row.share, lang, 0)}",
            showarrow=False,
            font={"size": 12, "color": look["text"]},
        )
    hover = [
        f"{r.area_name}: {style.STATUS_STYLE[r.status]['icon']} {status_label(r.status, lang)}"
        f"<br>{fmt.share(r.share, lang)} (n = {fmt.count(r.n, lang)})"
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
    corner = {"orientation": "v", "x": 0, "y": 1, "yanchor": "top", "font": {"size": 13}}
    return finish(fig, ctx, t("chart_tiles_title", lang, wave=wave), legend=corner)


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
    data = _escaped(kpis).merge(progress[["area_code", "status", "target_share"]], on="area_code")
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
            hovertext=[
                t(
                    "hover_share",
                    lang,
                    area=r.area_name,
                    share=fmt.share(r.share, lang),
                    ci=fmt.share_range(r.ci_low, r.ci_high, lang, 1),
                    n=fmt.count(r.n, lang),
                )
                for r in shown.itertuples()
            ],
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
        fig.add_vline(
            x=100 * target_share,
            line={"color": style.TARGET_COLOUR, "dash": "dash", "width": 2},
            annotation_text=t("legend_target", lang, share=fmt.share(target_share, lang, 0)),
            annotation_position="top right",
        )
    if not hidden.empty:
        fig.add_trace(
            go.Scatter(
                x=[0] * len(hidden),
                y=hidden["area_name"],
                mode="text",
                text=[t("suppressed", lang, min_n=min_n)] * len(hidden),
                textposition="middle right",
                textfont={"color": style.MUTED_COLOUR, "size": 12},
                hoverinfo="skip",
                showlegend=False,
            )
        )
    order = list(hidden["area_name"]) + list(shown["area_name"])
    fig.update_yaxes(categoryorder="array", categoryarray=order, title=None)
    # A little room past the widest interval so its end cap is not clipped.
    upper = max([45.0, *(100 * data["ci_high"].dropna() + 3), 100 * target_share + 5])
    fig.update_xaxes(**_percent_axis(lang, range=[0, upper]), title=None)
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
    kpis = _escaped(kpis)
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
                    f"{area.area_name} {y}: {fmt.share(s, lang)} (n = {fmt.count(n, lang)})"
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
                go.Scatter(
                    x=[years[0], years[-1]],
                    y=[100 * target, 100 * target],
                    mode="lines",
                    line={"color": style.TARGET_COLOUR, "dash": "dash", "width": 1.5},
                    hoverinfo="skip",
                    showlegend=False,
                ),
                row=row + 1,
                col=col + 1,
            )
    if highlight in set(areas["area_code"]):
        index = list(areas["area_code"]).index(highlight)
        fig.layout.annotations[index].font = {"color": style.HIGHLIGHT_TEXT, "size": 15}
        fig.layout.annotations[index].text = f"<b>{areas.iloc[index]['area_name']}</b>"
    fig.update_xaxes(tickvals=years, gridcolor=style.GRID_COLOUR)
    fig.update_yaxes(**_percent_axis(lang, range=[0, 45], dtick=10))
    fig.update_layout(height=200 * rows + 240)
    key = "legend_own_target" if relative else "legend_target"
    title = t(
        "chart_multiples_title", lang, target=t(key, lang, share=fmt.share(target_share, lang, 0))
    )
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
                hovertext=[
                    t(
                        "hover_share",
                        lang,
                        area=name,
                        share=fmt.share(r.share, lang),
                        ci=fmt.share_range(r.ci_low, r.ci_high, lang, 1),
                        n=fmt.count(r.n, lang),
                    )
                    for r in data.itertuples()
                ],
                hoverinfo="text",
            )
        )
    if target_share is not None:
        fig.add_hline(
            y=100 * target_share,
            line={"color": style.TARGET_COLOUR, "dash": "dash", "width": 2},
            annotation_text=t("legend_target", lang, share=fmt.share(target_share, lang, 0)),
            annotation_position="top left",
        )
    years = sorted(kpis["wave_year"].unique())
    fig.update_xaxes(tickvals=years, gridcolor=style.GRID_COLOUR, title=None)
    fig.update_yaxes(**_percent_axis(lang, range=[0, 50]), title=None)
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
                    f"{t(f'partner_{kind}', lang)} {y}: {fmt.share(v, lang)} (n = {n})"
                    for y, v, n in zip(
                        data["wave_year"], data["weight_share"], data["n"], strict=True
                    )
                ],
                hoverinfo="text",
            )
        )
    fig.update_layout(barmode="stack", height=420)
    fig.update_xaxes(**_percent_axis(lang, range=[0, 100]), title=None)
    fig.update_yaxes(title=None, autorange="reversed")
    return finish(fig, ctx, t("chart_partners_title", lang))
