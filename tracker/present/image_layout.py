"""Lay a chart out for an image of a given size and type scale: larger type, wrapped titles and
source lines, and margins that hold them.

Plotly fits tick labels by itself (``automargin`` in the house template), but the title, the
subtitle, a legend above the plot and the footer (demo label and source line, placed in pixels:
see the footer constants in style.py) cannot push margins, and Plotly never wraps them: a
subtitle wider than the image is cut off. Their room is therefore computed here from estimated
text widths (Helvetica/Arial metrics, which Chromium's fallback Liberation Sans shares), with a
safety factor for wider fallback fonts.

Used by :func:`tracker.present.export.render` on a copy: figures are cached and shared between
sessions (tracker/app/view_cache.py), so the figure passed in is never changed.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Iterator
from typing import Any

import plotly.graph_objects as go

from tracker.present import style

#: Advance widths in thousandths of an em (Helvetica AFM); unlisted characters count as DEFAULT.
_WIDTHS = {
    **dict.fromkeys("ijl'|", 222),
    **dict.fromkeys(" ft.,:;!I/[]\u00a0\u202f", 278),
    **dict.fromkeys("r()-\u00ad", 333),
    **dict.fromkeys('"', 355),
    **dict.fromkeys("Jckszvxy", 500),
    **dict.fromkeys("<>=+", 584),
    **dict.fromkeys("abdeghnopqu0123456789åäöL–", 556),
    **dict.fromkeys("øFTZ", 611),
    **dict.fromkeys("ABEKPSVXYÅ", 667),
    **dict.fromkeys("wCDHNRU", 722),
    **dict.fromkeys("GOQØ", 778),
    **dict.fromkeys("mM", 833),
    **dict.fromkeys("%æ", 889),
    **dict.fromkeys("W", 944),
}
DEFAULT_WIDTH = 1000  # symbols such as ★ ▲ ◆, and anything unknown: assume a full em
BOLD_FACTOR = 1.08  # Helvetica-Bold is about this much wider on average
#: Head room for fonts wider than Helvetica (DejaVu Sans where no Arial-metric font exists).
SAFETY = 1.1
#: Plotly's line height for multi-line text, in ems.
LINE_HEIGHT = 1.3

_TAG = re.compile(r"<[^>]+>")
_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)


def lines_of(text: str) -> list[str]:
    """The lines of a Plotly text (split at <br>)."""
    return _BREAK.split(text)


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    """Estimated width in px of one line of Plotly text (tags stripped, entities decoded)."""
    plain = html.unescape(_TAG.sub("", text))
    em = sum(_WIDTHS.get(c, DEFAULT_WIDTH) for c in plain) / 1000
    return em * size * SAFETY * (BOLD_FACTOR if bold or "<b>" in text else 1)


def wrap(text: str, size: float, width: float, *, bold: bool = False) -> str:
    """``text`` with <br> between words where a line would be wider than ``width`` px.

    Existing breaks are kept; a single word wider than ``width`` stays whole on its own line.
    """
    wrapped: list[str] = []
    for line in lines_of(text):
        current = ""
        for word in line.split(" "):
            candidate = f"{current} {word}" if current else word
            if current and text_width(candidate, size, bold=bold) > width:
                wrapped.append(current)
                current = word
            else:
                current = candidate
        wrapped.append(current)
    return "<br>".join(wrapped)


def text_height(text: str, size: float) -> float:
    """Height in px of a (possibly multi-line) Plotly text."""
    return len(lines_of(text)) * size * LINE_HEIGHT


# --- Type scale --------------------------------------------------------------------------------


def scale_fonts(spec: Any, factor: float) -> None:
    """Multiply every font size in a figure's dict (``fig.to_dict()``) by ``factor``, in place.

    Every font object in Plotly's schema sits under a key ending in "font" (font, textfont,
    tickfont, insidetextfont, …), including the template's, which gives the default sizes.
    """
    if isinstance(spec, dict):
        for key, value in spec.items():
            if key.endswith("font") and isinstance(value, dict) and "size" in value:
                size = value["size"]
                value["size"] = (
                    [s * factor for s in size] if isinstance(size, list) else size * factor
                )
            scale_fonts(value, factor)
    elif isinstance(spec, list | tuple):
        for item in spec:
            scale_fonts(item, factor)


# --- Layout for an image -----------------------------------------------------------------------

#: Names of the footer annotations (set by chart_parts.finish): source line and demo label.
SOURCE_NAME = "footer_source"
DEMO_LABEL_NAME = "footer_demo"
WATERMARK_NAME = "demo_mark"
#: A legend item's width besides its text: symbol, gaps (Plotly's textGap and itemGap).
LEGEND_ITEM_EXTRA = 50
LEGEND_PADDING = 12  # above and below a legend's rows
LABEL_PAD = 4  # the demo label's background box around its text
GAP = 8  # between stacked blocks (title, subtitle, legend, plot)


def _font_size(layout: dict, *path: str, default: float) -> float:
    """A font size set on the figure at ``path`` (e.g. "title", "font"), else in its template."""
    for source in (layout, layout.get("template", {}).get("layout", {})):
        node: Any = source
        for key in path:
            node = node.get(key) if isinstance(node, dict) else None
        if isinstance(node, dict) and isinstance(node.get("size"), int | float):
            return float(node["size"])
    return default


def category_labels(spec: dict) -> Iterator[str]:
    """Text labels on the y axes: tick texts, or the strings of categorical y values."""
    for key, axis in spec["layout"].items():
        if key.startswith("yaxis") and isinstance(axis, dict) and axis.get("visible", True):
            yield from (str(text) for text in axis.get("ticktext") or ())
    for trace in spec["data"]:
        values = trace.get("y")
        if values is not None and len(values) and all(isinstance(v, str) for v in values):
            yield from values


def _end_label_overhang(layout: dict, body_size: float, plot_width: float) -> float:
    """Room right of the plot for labels at the lines' ends (annotations anchored on their
    left at a data x): how far the widest one reaches past the plot's right edge."""
    axis = layout.get("xaxis", {})
    low, high = (axis.get("range") or (None, None))[:2]
    reach = 0.0
    for note in layout.get("annotations", ()):
        if note.get("xanchor") != "left" or not str(note.get("xref", "x")).startswith("x"):
            continue
        if str(note.get("xref", "x")).endswith("domain") or low is None or high == low:
            continue
        size = float((note.get("font") or {}).get("size") or body_size)
        start = (float(note["x"]) - low) / (high - low) * plot_width + note.get("xshift", 0)
        reach = max(reach, start + text_width(note["text"], size) + GAP - plot_width)
    return reach


def _legend_names(spec: dict) -> list[str]:
    return [
        str(trace["name"])
        for trace in spec["data"]
        if trace.get("name") and trace.get("showlegend") is not False
    ]


def _legend_entry_width(spec: dict, size: float) -> float:
    """The text width of the widest legend entry (Plotly adds the symbol to it)."""
    return max(text_width(name, size) for name in _legend_names(spec)) + GAP


def _legend_rows(spec: dict, size: float, width: float) -> int:
    """How many rows a horizontal legend above the plot takes (0 when there is none)."""
    layout = spec["layout"]
    legend = layout.get("legend", {})
    if layout.get("showlegend") is False or legend.get("orientation") != "h":
        return 0
    names = _legend_names(spec)
    if not names:
        return 0
    title = (legend.get("title") or {}).get("text")
    rows, used = 1, text_width(title, size) + GAP if title else 0.0
    item = _legend_entry_width(spec, size) + LEGEND_ITEM_EXTRA
    for _ in names:
        if used and used + item > width:
            rows, used = rows + 1, 0.0
        used += item
    return rows


def _fit_plot_texts(layout: dict, plot_width: float) -> None:
    """Fit the texts placed over the plot: the demo watermark, subplot titles, a legend above.

    The watermark is rotated text as wide as the type scale makes it: it is shrunk to the
    plot's width. Subplot titles are centred over panels a fifth of the plot wide: they wrap
    at the narrowest panel.
    """
    angle = math.radians(abs(style.WATERMARK_ANGLE))
    domains = [
        axis["domain"][1] - axis["domain"][0]
        for key, axis in layout.items()
        if key.startswith("xaxis") and isinstance(axis, dict) and "domain" in axis
    ]
    panel = min(domains) * plot_width if len(domains) > 1 else plot_width
    for note in layout.get("annotations", ()):
        font = note.setdefault("font", {})
        if note.get("name") == WATERMARK_NAME:
            size = float(font.get("size") or style.WATERMARK_SIZE)
            across = text_width(note["text"], size) * math.cos(angle) + size * math.sin(angle)
            font["size"] = size * min(1.0, 0.9 * plot_width / across)
        elif note.get("xanchor", "center") == "center" and note.get("xref") == "paper":
            size = float(font.get("size") or style.FONT_SIZE)
            note["text"] = wrap(note["text"], size, panel)


def for_image(fig: go.Figure, width: int, height: int, type_scale: float) -> go.Figure:
    """A copy of ``fig`` laid out for a ``width`` × ``height`` image with type ``type_scale``
    times the house sizes: text wrapped to the image, margins that hold title, subtitle,
    legend, tick labels and footer, and the footer moved down with the bottom margin."""
    spec = fig.to_dict()  # a deep copy: the (cached, shared) figure itself stays as it is
    scale_fonts(spec, type_scale)
    layout = spec["layout"]
    title_size = _font_size(layout, "title", "font", default=style.TITLE_SIZE * type_scale)
    body_size = _font_size(layout, "font", default=style.FONT_SIZE * type_scale)
    legend_size = _font_size(layout, "legend", "font", default=body_size)
    note_size, small_size = style.NOTE_SIZE * type_scale, style.SMALL_SIZE * type_scale

    # Sides: the plot starts after the longest y label (tick labels push the margin by
    # themselves, but the footer and legend are wrapped to the plot's width, so it is needed).
    labels = [text_width(label, body_size) for label in category_labels(spec)]
    right = style.MARGIN_RIGHT * type_scale
    left = max(
        [style.MARGIN_LEFT * type_scale, *(w + style.TICK_LABEL_STANDOFF + GAP for w in labels)]
    )
    right = max(right, _end_label_overhang(layout, body_size, width - left - right))
    plot_width = width - left - right

    # Top: title, subtitle and a legend above the plot, stacked down from the title's top.
    title = layout.setdefault("title", {})
    subtitle = title.setdefault("subtitle", {})
    title_width = width * (1 - 2 * style.TITLE_X)
    title["text"] = wrap(title.get("text") or "", title_size, title_width, bold=True)
    subtitle_size = _font_size(title, "subtitle", "font", default=small_size)
    subtitle["text"] = wrap(subtitle.get("text") or "", subtitle_size, title_width)
    top = (1 - style.TITLE_Y) * height + text_height(title["text"], title_size) + GAP
    if subtitle["text"]:
        top += text_height(subtitle["text"], subtitle_size) + GAP
    rows = _legend_rows(spec, legend_size, plot_width)
    if rows:
        # Entries of one width: Plotly's own wrapping of unequal entries let the last one of
        # a row run past the image's edge.
        layout["legend"].update(entrywidth=_legend_entry_width(spec, legend_size))
        top += rows * legend_size * LINE_HEIGHT + LEGEND_PADDING
    top += GAP

    # Bottom: x tick labels, then the demo label and the source line, stacked up from the edge.
    edge = style.FOOTER_EDGE_GAP * type_scale
    footer = {note.get("name"): note for note in layout.get("annotations", ())}
    source_height = demo_height = 0.0
    if SOURCE_NAME in footer:
        source = footer[SOURCE_NAME]
        source["text"] = wrap(source["text"], note_size, plot_width)
        source["align"] = "left"  # Plotly centres the lines of a multi-line annotation
        source_height = text_height(source["text"], note_size) + LABEL_PAD
        source["yshift"] = 0  # set below, once the margin is known
    if DEMO_LABEL_NAME in footer:
        demo_height = text_height(footer[DEMO_LABEL_NAME]["text"], small_size) + LABEL_PAD
    ticks = body_size * LINE_HEIGHT + style.TICK_LABEL_STANDOFF + GAP
    bottom = edge + source_height + demo_height + GAP + ticks
    bottom = max(bottom, float(style.MARGIN_BOTTOM))
    if SOURCE_NAME in footer:
        footer[SOURCE_NAME]["yshift"] = -(bottom - edge)
    if DEMO_LABEL_NAME in footer:
        footer[DEMO_LABEL_NAME]["yshift"] = -(bottom - edge) + source_height + LABEL_PAD / 2

    _fit_plot_texts(layout, plot_width)
    layout["margin"] = {
        "l": round(left),
        "r": round(right),
        "t": round(max(top, float(style.MARGIN_TOP))),
        "b": round(bottom),
    }
    layout.update(width=width, height=height, autosize=False)
    return go.Figure(spec)
