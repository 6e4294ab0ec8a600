"""County chart builders: the tile map, the ranking with intervals and the small multiples.

Pure functions from tables to Plotly figures in the house style of :mod:`tracker.present.charts`
(title, definition, source and demo mark on every figure, so an exported image stands alone).
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

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
)
from tracker.present.county_multiples import count_text, with_n
from tracker.present.county_multiples import county_small_multiples as county_small_multiples
from tracker.present.i18n import status_label, t
from tracker.present.statuses import is_uncertain, status_display, versus_text
from tracker.stats.progress import STATUSES


def _tile_name(name: str) -> str:
    # "Møre og Romsdal" and "Trøndelag – Trööndelage" are wider than a tile; break them where
    # a reader would.
    return name.replace(" og ", " og<br>").replace(" – ", " –<br>")


def _better_line(row: pd.Series, lang: str) -> str:
    better = row.get("probability_on_track_or_better")
    if better is None or pd.isna(better):
        return ""
    return "<br>" + t("hover_on_track_or_better", lang, better=fmt.probability(float(better), lang))


def county_tiles(progress: pd.DataFrame, kpis: pd.DataFrame, *, ctx: ChartContext) -> go.Figure:
    """Tile-grid map of the 15 counties coloured by status, with status icon and latest share.

    ``progress`` has area_code, area_name, status; ``kpis`` (one wave) has area_code, share, n.
    """
    lang = ctx.lang
    progress = escaped(progress)
    merged = progress.merge(
        kpis[["area_code", "share", "ci_low", "ci_high", "n"]], on="area_code", how="left"
    )
    uncertain = [is_uncertain(row) for _, row in merged.iterrows()]
    # Shapes and labels are collected and set once (see chart_parts.add_annotations for why).
    tiles: list[dict] = []
    labels: list[dict] = []
    for row, doubtful in zip(merged.itertuples(), uncertain, strict=True):
        col, line = style.COUNTY_TILES.get(row.area_code, (5, 7))
        look = style.STATUS_STYLE[row.status]
        # An uncertain status: the status hue, paler, and the word — never the colour alone.
        word = f" · <i>{t('tile_uncertain', lang)}</i>" if doubtful else ""
        tiles.append(
            {
                "type": "rect",
                "x0": col - 0.47,
                "x1": col + 0.47,
                "y0": line - 0.45,
                "y1": line + 0.45,
                "fillcolor": style.pale(look["colour"]) if doubtful else look["colour"],
                "line": {"color": style.BACKGROUND, "width": 2},  # white gaps between tiles
                "layer": "below",
            }
        )
        labels.append(
            {
                "x": col,
                "y": line,
                # n on a line of its own (with the uncertainty word), short enough for a tile.
                "text": f"<b>{_tile_name(row.area_name)}</b><br>{look['icon']} "
                f"{fmt.share(row.share, lang)}<br>n = {count_text(row.n, lang)}{word}",
                "showarrow": False,
                "font": {
                    "size": style.NOTE_SIZE,
                    "color": style.DARK_TEXT if doubtful else look["text"],
                },
            }
        )
    fig = go.Figure(layout={"shapes": tiles, "annotations": labels})
    hover = [
        f"{row['area_name']}: {status_display(row, lang)}<br>"
        f"{share_with_n(row['share'], row['n'], lang)}{_better_line(row, lang)}"
        for _, row in merged.iterrows()
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
    if any(uncertain):
        fig.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="markers",
                marker={
                    "symbol": "square",
                    "size": 14,
                    "color": style.pale(style.STATUS_STYLE["on_track"]["colour"]),
                },
                name=t("legend_uncertain", lang),
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
    versus: pd.DataFrame | None = None,
    national_share: float | None = None,
) -> go.Figure:
    """Counties ranked by share with 95 % intervals and the target (one wave of ``kpis``).

    With ``versus`` (kpi.versus_national at that wave) a filled dot marks a county that differs
    clearly from Norway and an open one a county that does not, so a rank is not read as more
    than it is; ``national_share`` draws Norway's share as a grey line.
    """
    lang = ctx.lang
    data = escaped(kpis).merge(progress[["area_code", "status", "target_share"]], on="area_code")
    verdicts = (
        {} if versus is None else dict(zip(versus["area_code"], versus["verdict"], strict=True))
    )
    data = data.assign(
        label=[with_n(a, n, lang) for a, n in zip(data["area_name"], data["n"], strict=True)]
    )
    shown = data.dropna(subset=["share"]).sort_values("share")
    hidden = data[data["share"].isna()].sort_values("area_name", ascending=False)
    fig = go.Figure()
    colours = [
        style.HIGHLIGHT if code == highlight else style.ACCENT for code in shown["area_code"]
    ]
    clear = [verdicts.get(code) != "no_clear" for code in shown["area_code"]]
    hovers = share_hovers(shown, lang)
    if versus is not None:
        hovers = [
            f"{hover}<br>{versus_text(verdicts.get(code), lang)}"
            for hover, code in zip(hovers, shown["area_code"], strict=True)
        ]
    fig.add_trace(
        go.Scatter(
            x=100 * shown["share"],
            y=shown["label"],
            mode="markers",
            marker={
                "size": [16 if c == highlight else 11 for c in shown["area_code"]],
                "color": colours,
                "symbol": ["circle" if c else "circle-open" for c in clear],
                "line": {"width": 2.5, "color": colours},
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
            hovertext=hovers,
            hoverinfo="text",
            name=t("legend_share", lang),
            showlegend=relative and versus is None,
        )
    )
    if versus is not None:
        for symbol, key in (
            ("circle", "legend_versus_clear"),
            ("circle-open", "legend_versus_no_clear"),
        ):
            fig.add_trace(
                go.Scatter(
                    x=[None],
                    y=[None],
                    mode="markers",
                    marker={
                        "symbol": symbol,
                        "size": 11,
                        "color": style.ACCENT,
                        "line": {"width": 2.5},
                    },
                    name=t(key, lang),
                )
            )
    if national_share is not None and not pd.isna(national_share):
        fig.add_vline(
            x=100 * national_share,
            line={"color": style.MUTED_COLOUR, "dash": "dot", "width": 1.5},
            annotation_text=t("legend_national_share", lang, share=fmt.share(national_share, lang)),
            annotation_position="bottom right",
            annotation_font={"color": style.MUTED_COLOUR, "size": style.NOTE_SIZE},
        )
    if relative:
        own = shown.dropna(subset=["target_share"])
        fig.add_trace(
            go.Scatter(
                x=100 * own["target_share"],
                y=own["label"],
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
                y=hidden["label"],
                mode="text",
                text=[t("suppressed", lang, min_n=min_n)] * len(hidden),
                textposition="middle right",
                textfont={"color": style.MUTED_COLOUR, "size": style.NOTE_SIZE},
                hoverinfo="skip",
                showlegend=False,
            )
        )
    order = list(hidden["label"]) + list(shown["label"])
    fig.update_yaxes(categoryorder="array", categoryarray=order, title=None)
    # A little room past the widest interval so its end cap is not clipped.
    upper = max([45.0, *(100 * data["ci_high"].dropna() + 3), 100 * target_share + 5])
    fig.update_xaxes(**percent_axis(lang, range=[0, upper]), title=None)
    fig.update_layout(height=max(460, 28 * len(data) + 220))
    wave = int(kpis["wave_year"].iloc[0]) if not kpis.empty else ""
    return finish(fig, ctx, t("chart_dots_title", lang, wave=wave))
