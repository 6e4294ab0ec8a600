"""The county map: Kartverket's county outlines coloured by status or by share.

A pure builder like those in :mod:`county_charts` (title, definition, source and demo mark on the
figure), drawn without any map service: Plotly's geo charts fetch their base map (topojson)
from a CDN even when given their own GeoJSON, so the outlines are projected here with numpy and
drawn as filled scatter polygons on hidden, equally scaled axes. The map therefore renders the
same offline, on screen and in exported images.
"""

from __future__ import annotations

import dataclasses
import html
from typing import Literal

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from tracker.data import geo
from tracker.present import format as fmt
from tracker.present import style
from tracker.present.chart_parts import ChartContext, escaped, finish, share_hover, target_label
from tracker.present.i18n import status_label, t
from tracker.present.statuses import is_uncertain, status_display
from tracker.stats.progress import STATUSES

ColourBy = Literal["status", "share"]
COLOUR_BY: tuple[ColourBy, ...] = ("status", "share")

#: Transverse Mercator on the meridian of UTM zone 33, which Kartverket uses for maps of the
#: whole country: Norway keeps the shape its readers know (north up, Finnmark not smeared).
CENTRAL_MERIDIAN = 15.0
ORIGIN_LATITUDE = 58.0
EARTH_RADIUS_KM = 6371.0

#: Light to dark in the house accent; the lightest step stays visible on the white page.
SHARE_COLOURS = [[0.0, "#E3EEF8"], [0.5, "#6A9FD0"], [1.0, "#0B3C6B"]]
NO_SHARE_COLOUR = "#D9D9D9"  # a suppressed or missing share: grey, and said in the hover
BORDER_COLOUR = style.BACKGROUND  # white lines between counties, as the gaps between tiles
LABEL_GRID = 24  # candidate points per side when looking for a county's label point


def project(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Spherical transverse Mercator (km): x east of 15° E, y north of 58° N."""
    lam = np.radians(np.asarray(lon, dtype=float) - CENTRAL_MERIDIAN)
    phi = np.radians(np.asarray(lat, dtype=float))
    b = np.cos(phi) * np.sin(lam)
    x = EARTH_RADIUS_KM * np.arctanh(b)
    y = EARTH_RADIUS_KM * (np.arctan2(np.tan(phi), np.cos(lam)) - np.radians(ORIGIN_LATITUDE))
    return x, y


def _projected(shape: geo.CountyShape) -> list[np.ndarray]:
    return [np.column_stack(project(part[:, 0], part[:, 1])) for part in shape.parts]


def _area(ring: np.ndarray) -> float:
    x, y = ring[:, 0], ring[:, 1]
    return float(abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))) / 2)


def _inside(points: np.ndarray, ring: np.ndarray) -> np.ndarray:
    """Ray casting: which of ``points`` lie inside the closed ``ring``."""
    x, y = points[:, :1], points[:, 1:]
    x0, y0, x1, y1 = ring[:-1, 0], ring[:-1, 1], ring[1:, 0], ring[1:, 1]
    straddles = (y0 > y) != (y1 > y)
    with np.errstate(divide="ignore", invalid="ignore"):
        crossing_x = x0 + (y - y0) * (x1 - x0) / (y1 - y0)
    return np.asarray(((straddles & (x < crossing_x)).sum(axis=1) % 2) == 1)


def _distance_to_edges(points: np.ndarray, ring: np.ndarray) -> np.ndarray:
    start, end = ring[:-1], ring[1:]
    edge = end - start
    length2 = np.maximum((edge**2).sum(axis=1), 1e-12)
    offset = points[:, None, :] - start[None, :, :]
    along = np.clip((offset * edge[None]).sum(axis=2) / length2, 0, 1)
    nearest = start[None] + along[..., None] * edge[None]
    return np.asarray(np.hypot(*(points[:, None, :] - nearest).transpose(2, 0, 1)).min(axis=1))


def label_point(parts: list[np.ndarray]) -> tuple[float, float]:
    """A point well inside the county's largest part, for its label.

    The centroid of a long, bent county (Nordland, Vestland) can fall in the sea or in a
    neighbour, so among grid points inside the part the one farthest from its edge is taken
    (a coarse pole of inaccessibility).
    """
    ring = max(parts, key=_area)
    low, high = ring.min(axis=0), ring.max(axis=0)
    axes = [np.linspace(low[i], high[i], LABEL_GRID + 2)[1:-1] for i in (0, 1)]
    grid = np.array(np.meshgrid(*axes)).reshape(2, -1).T
    candidates = grid[_inside(grid, ring)]
    if len(candidates) == 0:  # a sliver narrower than the grid: any vertex will do
        return float(ring[0, 0]), float(ring[0, 1])
    best = candidates[int(np.argmax(_distance_to_edges(candidates, ring)))]
    return float(best[0]), float(best[1])


def _outline(parts: list[np.ndarray]) -> tuple[list[float | None], list[float | None]]:
    # One trace per county: its parts separated by gaps, which fill="toself" closes one by one.
    xs: list[float | None] = []
    ys: list[float | None] = []
    for part in parts:
        xs.extend([*part[:, 0].round(2).tolist(), None])
        ys.extend([*part[:, 1].round(2).tolist(), None])
    return xs[:-1], ys[:-1]


def share_colour(share: float | None, upper: float) -> str:
    """The fill of a county with ``share`` on a scale from 0 to ``upper`` (grey when missing)."""
    if share is None or pd.isna(share):
        return NO_SHARE_COLOUR
    return str(sample_colorscale(SHARE_COLOURS, [min(max(share / upper, 0.0), 1.0)])[0])


def share_scale_top(shares: pd.Series, target_share: float | None) -> float:
    """The top of the share scale: the next 10 % step above the highest share and the target."""
    highest = max([0.1, *shares.dropna(), target_share or 0.0])
    return float(np.ceil(highest * 10 + 1e-9) / 10)


def _luminance(colour: str) -> float:
    if colour.startswith("rgb"):
        channels = [float(c) for c in colour[colour.index("(") + 1 : -1].split(",")[:3]]
    else:
        channels = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    srgb = [c / 255 for c in channels]
    linear = [s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4 for s in srgb]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def label_colour(fill: str) -> str:
    """Dark or white text, whichever contrasts more with ``fill`` (WCAG contrast ratio)."""
    luminance = _luminance(fill)
    on_dark = 1.05 / (luminance + 0.05)
    on_light = (luminance + 0.05) / (_luminance(style.DARK_TEXT) + 0.05)
    return "#FFFFFF" if on_dark > on_light else style.DARK_TEXT


def _rows(
    progress: pd.DataFrame, kpis: pd.DataFrame, shapes: dict[str, geo.CountyShape]
) -> pd.DataFrame:
    """One row per county on the map: its status columns and latest share, or blanks."""
    columns = ["area_code", "share", "ci_low", "ci_high", "n"]
    merged = escaped(progress).merge(kpis[columns], on="area_code", how="left")
    known = set(merged["area_code"])
    # A county without data is still drawn (grey), so the map never has a hole in it.
    blanks = [
        {"area_code": code, "area_name": html.escape(shape.name), "status": "insufficient_data"}
        for code, shape in shapes.items()
        if code not in known
    ]
    rows = pd.concat([merged, pd.DataFrame(blanks)], ignore_index=True) if blanks else merged
    return rows[rows["area_code"].isin(shapes)].reset_index(drop=True)


def _hover(row: pd.Series, lang: str, min_n: int | None) -> str:
    share = None if pd.isna(row.get("share")) else float(row["share"])
    n = None if pd.isna(row.get("n")) else int(row["n"])
    lines = [
        share_hover(row["area_name"], share, row.get("ci_low"), row.get("ci_high"), n, lang),
        status_display(row, lang),
    ]
    if share is None and min_n is not None and n is not None:
        lines.insert(1, t("suppressed_reason", lang, min_n=min_n, n=fmt.count(n, lang)))
    better = row.get("probability_on_track_or_better")
    if better is not None and not pd.isna(better):
        lines.append(
            t("hover_on_track_or_better", lang, better=fmt.probability(float(better), lang))
        )
    return "<br>".join(lines)


def _legend_square(colour: str, name: str) -> go.Scatter:
    return go.Scatter(
        x=[None],
        y=[None],
        mode="markers",
        marker={"symbol": "square", "size": 14, "color": colour},
        name=name,
    )


def _colour_bar(upper: float, target_share: float | None, lang: str) -> go.Scatter:
    """An invisible trace that carries the share scale's colour bar, in the empty east."""
    steps = [float(s) for s in np.round(np.arange(0, upper + 1e-9, 0.1), 2)]
    ticks = {round(100 * s, 6): fmt.share(s, lang, 0) for s in steps}
    if target_share is not None:  # the target's tick names it (replacing a plain step there)
        ticks[round(100 * target_share, 6)] = target_label(target_share, lang)
    values = sorted(ticks)
    return go.Scatter(
        x=[None],
        y=[None],
        mode="markers",
        marker={
            "color": [0],
            "cmin": 0,
            "cmax": 100 * upper,
            "colorscale": SHARE_COLOURS,
            "showscale": True,
            "colorbar": {
                "title": {"text": t("legend_share", lang), "side": "top"},
                "tickvals": values,
                "ticktext": [ticks[v] for v in values],
                "x": 1,
                "xanchor": "right",
                "y": 0.02,
                "yanchor": "bottom",
                "len": 0.42,
                "thickness": 14,
                "outlinewidth": 0,
            },
        },
        hoverinfo="skip",
        showlegend=False,
    )


def county_map(
    county_progress: pd.DataFrame,
    county_kpis: pd.DataFrame,
    *,
    ctx: ChartContext,
    colour_by: ColourBy = "status",
    target_share: float | None = None,
    min_n: int | None = None,
    shapes: dict[str, geo.CountyShape] | None = None,
) -> go.Figure:
    """Map of the counties coloured by status (icon on each county) or by share (value on each).

    ``county_progress`` has area_code, area_name, status and, when simulated, status_settled,
    status_probability and probability_on_track_or_better; ``county_kpis`` (one wave) has
    area_code, share, ci_low, ci_high, n, wave_year. An unsettled status is drawn in the paler
    hue with a question mark by its icon, never by colour alone. ``target_share`` marks the
    target on the share scale (leave it out in relative mode, where each county has its own);
    ``min_n`` lets the hover say why a share is hidden; ``shapes`` defaults to the shipped
    boundaries.
    """
    if colour_by not in COLOUR_BY:
        raise ValueError(f"colour_by must be one of {COLOUR_BY}, not {colour_by!r}")
    lang = ctx.lang
    shapes = geo.county_shapes() if shapes is None else shapes
    rows = _rows(county_progress, county_kpis, shapes)
    upper = share_scale_top(rows["share"], target_share)
    fig = go.Figure()
    labels: list[tuple[float, float, str, str, str]] = []  # x, y, text, colour, hover
    uncertain_any = suppressed_any = False
    for _, row in rows.iterrows():
        parts = _projected(shapes[row["area_code"]])
        look = style.STATUS_STYLE[row["status"]]
        doubtful = colour_by == "status" and is_uncertain(row)
        if colour_by == "status":
            # An unsettled status: the status hue, paler, and a question mark by the icon, so
            # that it does not rest on colour alone (the hover says it in words).
            fill = style.pale(look["colour"]) if doubtful else look["colour"]
            text = look["icon"] + ("?" if doubtful else "")
        else:
            fill = share_colour(row["share"], upper)
            text = fmt.share(row["share"], lang)
        uncertain_any |= doubtful
        suppressed_any |= colour_by == "share" and pd.isna(row["share"])
        hover = _hover(row, lang, min_n)
        xs, ys = _outline(parts)
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines",
                fill="toself",
                fillcolor=fill,
                line={"color": BORDER_COLOUR, "width": 1},
                name=row["area_name"],
                meta=row["area_code"],
                # A filled area shows one text for the whole trace: the county's hover.
                text=hover,
                hoveron="fills",
                hoverinfo="text",
                showlegend=False,
            )
        )
        labels.append((*label_point(parts), text, label_colour(fill), hover))
    # Labels last, above every fill; hovering a label (small Oslo) shows the same text.
    fig.add_trace(
        go.Scatter(
            x=[label[0] for label in labels],
            y=[label[1] for label in labels],
            mode="text",
            text=[label[2] for label in labels],
            textfont={"size": style.NOTE_SIZE, "color": [label[3] for label in labels]},
            hovertext=[label[4] for label in labels],
            hoverinfo="text",
            showlegend=False,
            name="labels",
        )
    )
    if colour_by == "status":
        for status in STATUSES:
            look = style.STATUS_STYLE[status]
            fig.add_trace(
                _legend_square(look["colour"], f"{look['icon']} {status_label(status, lang)}")
            )
        if uncertain_any:
            pale = style.pale(style.STATUS_STYLE["on_track"]["colour"])
            fig.add_trace(_legend_square(pale, t("map_legend_uncertain", lang)))
    else:
        fig.add_trace(_colour_bar(upper, target_share, lang))
        if suppressed_any:
            fig.add_trace(_legend_square(NO_SHARE_COLOUR, t("map_legend_no_share", lang)))
    # Hidden axes in the same units both ways: kilometres east and north.
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False, scaleanchor="x", scaleratio=1)
    fig.update_layout(height=720, hovermode="closest")
    wave = int(county_kpis["wave_year"].iloc[0]) if not county_kpis.empty else ""
    key = "chart_tiles_title" if colour_by == "status" else "chart_dots_title"
    credit = t("map_credit", lang, attribution=geo.ATTRIBUTION)
    ctx = dataclasses.replace(ctx, source=f"{ctx.source} {credit}")
    # The sea west of Nordland and Troms is open: the legend goes there, as on the tiles.
    return finish(fig, ctx, t(key, lang, wave=wave), legend=style.legend_in_corner())
