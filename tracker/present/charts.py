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

from tracker.data.reference import PARTNERS as PARTNER_ORDER
from tracker.present import format as fmt
from tracker.present import style
from tracker.present.chart_parts import (
    ChartContext,
    add_annotations,
    add_published_points,
    add_target_line,
    finish,
    percent_axis,
    share_hovers,
    share_with_n,
)
from tracker.present.i18n import t

# ChartContext, finish and TEMPLATE live in chart_parts/style; callers (pages, tests, the export
# bench) keep importing them from here. The county charts are in county_charts. bench/app_steps.py
# times the public functions of both modules.
TEMPLATE = style.TEMPLATE


def national_trend(
    kpis: pd.DataFrame,
    *,
    target_share: float,
    baseline_year: int,
    target_year: int,
    ctx: ChartContext,
    published: pd.DataFrame | None = None,
) -> go.Figure:
    """Share per wave with its interval band, the target line and the required path to it.

    ``kpis`` has columns wave_year, share, ci_low, ci_high, n (suppressed waves have NaN share);
    ``published``, the published figures of the same measure, are marked as points of their own.
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
                text=[fmt.share(s, lang) for s in data["share"]],
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
    add_published_points(fig, published, lang, x_range=years)
    fig.update_xaxes(range=years, dtick=2, gridcolor=style.GRID_COLOUR, title=None)
    fig.update_yaxes(**percent_axis(lang, range=[0, max(40, 100 * target_share + 8)]), title=None)
    return finish(fig, ctx, t("chart_trend_title", lang))


#: Direct labels at the lines' ends: at least this far apart (percentage points on the 0–50 axis,
#: about one line of label text at the chart's usual height), and this share of the waves' span
#: added to the x axis on the right, inside the plot, to hold them at any export margin.
LABEL_GAP_PP = 2.6
LABEL_ROOM = 0.45


def spread_labels(values: list[float], gap: float) -> list[float]:
    """``values`` moved apart to at least ``gap`` from each other, as little as possible and in
    the same order, so that labels at the lines' ends do not overlap (input order is kept)."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    placed = [values[i] for i in order]
    for k in range(1, len(placed)):  # push up what is too close to the one below
        placed[k] = max(placed[k], placed[k - 1] + gap)
    # Then centre the stack on the original values, so that labels stay beside their lines.
    shift = (sum(values) - sum(placed)) / len(placed) if placed else 0.0
    result = [0.0] * len(values)
    for k, i in enumerate(order):
        result[i] = placed[k] + shift
    return result


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

    Each line is named at its end instead of in a legend, so the eye does not travel between
    line and key. ``kpis`` has area_code, area_name, wave_year, share, ci_low, ci_high, n;
    ``names`` overrides the displayed names (e.g. translated sector names).
    """
    lang = ctx.lang
    fig = go.Figure()
    ends: list[tuple[str, str, float, float]] = []  # name, colour, last wave, last share
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
                showlegend=False,
            )
        )
        shown = data.dropna(subset=["share"])
        if not shown.empty:
            last = shown.iloc[-1]
            ends.append((name, colour, float(last["wave_year"]), 100 * float(last["share"])))
    heights = spread_labels([end[3] for end in ends], LABEL_GAP_PP)
    add_annotations(
        fig,
        [
            {
                # The name in dark text (legible on white), tied to its line by a dash of its hue.
                "text": f'<span style="color:{colour}">━</span> {name}',
                "x": year,
                "y": height,
                "xanchor": "left",
                "xshift": 10,
                "showarrow": False,
                "font": {"size": style.LABEL_SIZE, "color": style.TEXT_COLOUR},
                "name": "line_label",
            }
            for (name, colour, year, _), height in zip(ends, heights, strict=True)
        ],
    )
    if target_share is not None:
        add_target_line(fig, target_share, lang)
    years = sorted(kpis["wave_year"].unique())
    span = (years[-1] - years[0]) if years else 0
    fig.update_xaxes(
        tickvals=years,
        range=[years[0] - 0.5, years[-1] + max(1.0, LABEL_ROOM * span)] if years else None,
        gridcolor=style.GRID_COLOUR,
        title=None,
    )
    fig.update_yaxes(**percent_axis(lang, range=[0, 50]), title=None)
    return finish(fig, ctx, title)


def partner_shares(partners: pd.DataFrame, *, ctx: ChartContext) -> go.Figure:
    """Stacked bars per wave: which kinds of research partner collaborators had (weighted)."""
    lang = ctx.lang
    fig = go.Figure()
    # A wave with no partner shares (none surveyed, or hidden on a public site) is no category:
    # it would be an empty row.
    partners = partners.dropna(subset=["weight_share"])
    partners = partners[partners["n"].fillna(0) > 0]
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
                # Plotly's own inside-text colour fails AA on the green bar (3.4:1).
                insidetextfont={
                    "color": style.readable_text_on(
                        style.LINE_COLOURS[(i + 1) % len(style.LINE_COLOURS)]
                    )
                },
                text=[fmt.share(v, lang) for v in data["weight_share"]],
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
    # Waves are categories, not numbers: a numeric axis would leave a row for 2022 between 2020
    # and 2024.
    waves = sorted({str(w) for w in partners["wave_year"]})
    fig.update_yaxes(
        title=None,
        type="category",
        categoryorder="array",
        categoryarray=waves,
        autorange="reversed",
    )
    finish(fig, ctx, t("chart_partners_title", lang))
    # The legend reads left to right as the bars stack (Plotly reverses stacked bars' legends).
    return fig.update_layout(legend_traceorder="normal")
