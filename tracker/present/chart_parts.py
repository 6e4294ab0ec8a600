"""Parts every chart builder shares: the chart context, the house finish, axes, hover texts,
the target line and the published-figure points, so that each is written once (the builders are
in :mod:`charts`).

No Streamlit here, as in the builders.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from tracker.present import format as fmt
from tracker.present import style
from tracker.present.i18n import t
from tracker.present.published_view import published_share


@dataclass(frozen=True)
class ChartContext:
    """What every chart needs besides its data."""

    lang: str
    demo: bool
    subtitle: str
    source: str


def escaped(table: pd.DataFrame) -> pd.DataFrame:
    """The table with area names HTML-escaped: Plotly renders tags such as <a href> in text."""
    if "area_name" not in table.columns:
        return table
    return table.assign(area_name=[html.escape(str(n)) for n in table["area_name"]])


def percent_axis(lang: str, **extra: object) -> dict:
    """Axis settings for shares plotted as 0–100, with the language's percent typography."""
    return {
        "ticksuffix": f"{fmt.NBSP}%" if lang == "nb" else "%",
        "tickformat": ".0f",
        "gridcolor": style.GRID_COLOUR,
        "zeroline": False,
        "rangemode": "tozero",
        **extra,
    }


# --- Hover texts -------------------------------------------------------------------------------


def share_hover(
    area: str,
    share: float | None,
    ci_low: float | None,
    ci_high: float | None,
    n: int | None,
    lang: str,
) -> str:
    """'Vestland: 15,3 % (95 % KI 10,1–21,0 %), n = 120': a share with its interval and n.

    Every chart that shows an estimate with its interval uses this, so the hover reads the same
    everywhere (share to one decimal, interval to one decimal, n with thousands separators).
    """
    return t(
        "hover_share",
        lang,
        area=area,
        share=fmt.share(share, lang),
        ci=fmt.share_range(ci_low, ci_high, lang, 1),
        n=fmt.count(n, lang),
    )


def share_hovers(rows: pd.DataFrame, lang: str, area: str | None = None) -> list[str]:
    """:func:`share_hover` for each row (columns share, ci_low, ci_high, n and, unless ``area``
    names them all, area_name)."""
    return [
        share_hover(
            area if area is not None else r.area_name, r.share, r.ci_low, r.ci_high, r.n, lang
        )
        for r in rows.itertuples()
    ]


def share_with_n(share: float | None, n: int | None, lang: str) -> str:
    """'15,3 % (n = 120)': the short form for hovers that show no interval (tiles, panels, bars)."""
    return f"{fmt.share(share, lang)} (n = {fmt.count(n, lang)})"


# --- Target line -------------------------------------------------------------------------------


def target_label(target_share: float, lang: str) -> str:
    """'Mål 30 %': the target's label on lines, legends and titles."""
    return t("legend_target", lang, share=fmt.target(target_share, lang))


def target_line_style(width: float = style.TARGET_WIDTH) -> dict:
    """Line settings of every target line (a fresh dict each time: callers may extend it)."""
    return {"color": style.TARGET_COLOUR, "dash": style.TARGET_DASH, "width": width}


def add_target_line(
    fig: go.Figure, target_share: float, lang: str, *, vertical: bool = False
) -> go.Figure:
    """Draw the target across the plot with its label: horizontal on a share (y) axis, labelled
    at the top left; ``vertical`` on a share x axis, labelled at the top right of the line."""
    share = 100 * target_share  # shares are plotted as percentages
    if vertical:
        fig.add_vline(
            x=share,
            line=target_line_style(),
            annotation_text=target_label(target_share, lang),
            annotation_position="top right",
        )
    else:
        fig.add_hline(
            y=share,
            line=target_line_style(),
            annotation_text=target_label(target_share, lang),
            annotation_position="top left",
        )
    return fig


def target_segment(x0: object, x1: object, target_share: float, width: float) -> go.Scatter:
    """The target as a trace from ``x0`` to ``x1``, unlabelled, for small panels: a trace keeps
    the line inside its own subplot, and the figure's title names the target once."""
    return go.Scatter(
        x=[x0, x1],
        y=[100 * target_share, 100 * target_share],
        mode="lines",
        line=target_line_style(width),
        hoverinfo="skip",
        showlegend=False,
    )


# --- Published figures ------------------------------------------------------------------------


def add_published_points(
    fig: go.Figure, published: pd.DataFrame | None, lang: str, x_range: list[int]
) -> go.Figure:
    """Mark the figures that were actually published (open diamonds, dark and unlabelled), so a
    reader sees at once whether the database's own line passes through them.

    ``published`` holds rows of the published-figures reference (wave, value, source) for the
    chart's measure; only those whose wave lies within ``x_range`` (the axis range, bounds
    included) are drawn, since a point outside it would silently stretch or escape the axis.
    """
    if published is None or published.empty:
        return fig
    low, high = x_range
    shown = published[published["wave"].between(low, high)].sort_values("wave")
    if shown.empty:
        return fig
    fig.add_trace(
        go.Scatter(
            x=[int(w) for w in shown["wave"]],
            y=[100 * float(v) for v in shown["value"]],  # shares are plotted as percentages
            mode="markers",
            marker={
                "symbol": "diamond-open",
                "size": 14,
                "color": style.TEXT_COLOUR,
                "line": {"width": 2},
            },
            hovertext=[
                t(
                    "hover_published",
                    lang,
                    value=published_share(float(v), lang),
                    wave=int(w),
                    source=html.escape(str(s)),  # Plotly renders tags in hover text
                )
                for v, w, s in zip(shown["value"], shown["wave"], shown["source"], strict=True)
            ],
            hoverinfo="text",
            name=t("legend_published", lang),
        )
    )
    return fig


# --- Finish ------------------------------------------------------------------------------------


def add_annotations(fig: go.Figure, items: list[dict]) -> go.Figure:
    """Add annotations in one step. ``fig.add_annotation`` validates every annotation already
    there again on each call: 15 one by one took 18.7 ms, 15 in one list 2.1 ms, and figure
    building is most of what a page run costs when its view is not cached yet."""
    fig.layout.annotations = (*fig.layout.annotations, *items)
    return fig


def _footer_annotation(text: str, yshift: int, font: dict, **extra: object) -> dict:
    # Anchored at the plot's bottom-left and moved into the bottom margin in pixels: see the
    # footer constants in style.py for why pixels and not paper coordinates.
    return {
        "text": text,
        "xref": "paper",
        "yref": "paper",
        "x": 0,
        "y": 0,
        "yshift": yshift,
        "xanchor": "left",
        "yanchor": "bottom",
        "showarrow": False,
        "font": font,
        **extra,
    }


def finish(fig: go.Figure, ctx: ChartContext, title: str, legend: dict | None = None) -> go.Figure:
    """Apply the house style: title, subtitle, source line, demo mark, fonts and separators.

    The legend sits between subtitle and plot unless ``legend`` places it elsewhere; the bottom
    margin holds the demo mark and the source line, so nothing overlaps at any width.
    """
    fig.update_layout(
        template=style.TEMPLATE,
        separators=fmt.PLOTLY_SEPARATORS[ctx.lang],
        title={
            "text": f"<b>{title}</b>",
            "subtitle": {
                "text": ctx.subtitle,
                "font": {"size": style.SMALL_SIZE, "color": style.MUTED_COLOUR},
            },
        },
        legend=legend or style.legend_above(),
    )
    notes = [
        _footer_annotation(
            ctx.source,
            style.SOURCE_YSHIFT,
            {"size": style.NOTE_SIZE, "color": style.MUTED_COLOUR},
            # Named so that an image export can find, wrap and move it (image_layout).
            name="footer_source",
        )
    ]
    if ctx.demo:
        mark = t("demo_mark", ctx.lang)
        # Twice: a faint watermark over the data itself, and a plain label in the footer.
        notes.append(
            {
                "text": mark,
                "xref": "paper",
                "yref": "paper",
                "x": 0.5,
                "y": 0.5,
                "showarrow": False,
                "textangle": style.WATERMARK_ANGLE,
                "font": {"size": style.WATERMARK_SIZE, "color": style.WATERMARK_COLOUR},
                "name": "demo_mark",
            }
        )
        notes.append(
            _footer_annotation(
                f"<b>{mark}</b>",
                style.DEMO_LABEL_YSHIFT,
                {"size": style.SMALL_SIZE, "color": style.HIGHLIGHT_TEXT},
                bgcolor=style.DEMO_MARK_BACKGROUND,
                name="footer_demo",
            )
        )
    add_annotations(fig, notes)
    return fig
