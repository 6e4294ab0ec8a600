"""House style shared by charts and pages: palette, status colours and icons, fonts, layout.

Everything a chart's look depends on lives here: the Plotly template, font sizes, colours, the
margins and the positions of title, legend, source line and demo mark. The footer positions are
computed from the bottom margin, so changing a margin moves them with it.
"""

from __future__ import annotations

import plotly.graph_objects as go

FONT_FAMILY = "Source Sans Pro, Segoe UI, Helvetica, Arial, sans-serif"
BACKGROUND = "#FFFFFF"
TEXT_COLOUR = "#1A1A1A"  # 17.4:1 on white
MUTED_COLOUR = "#555555"  # 7.5:1 on white, passes WCAG AA for small text
GRID_COLOUR = "#E3E6EA"
AXIS_LINE_COLOUR = "#BBBBBB"
ACCENT = "#0B5394"
HIGHLIGHT = "#D55E00"  # marks, lines and large text
HIGHLIGHT_TEXT = "#A03F00"  # small text in the highlight hue: 5.9:1 on white
DEMO_MARK_BACKGROUND = "#FFF3E8"
LIGHT_TEXT = "#FFFFFF"  # text on dark fills (bars, tiles), chosen by readable_text_on
#: The watermark across the plot: HIGHLIGHT faint enough that the data stays readable.
WATERMARK_COLOUR = "rgba(213, 94, 0, 0.16)"
TARGET_COLOUR = "#1A1A1A"
#: The target is always a dashed line in TARGET_COLOUR (width varies: thinner in small panels).
TARGET_DASH = "dash"
TARGET_WIDTH = 2

#: Okabe–Ito colours for up to six lines (the chosen area first, then its peers).
LINE_COLOURS = ("#D55E00", "#0072B2", "#009E73", "#CC79A7", "#56B4E9", "#E69F00")

#: Okabe–Ito colours (colour-blind safe). Status is never shown by colour alone: icon + word too.
#: Text colours are chosen for at least 4.5:1 contrast on the tile colour (WCAG AA).
#: From best to worst (the order of progress.STATUSES and of every legend), the hue runs from blue
#: through green, yellow and orange to vermilion, and the icon from a star through rising arrows
#: (filled, then hollow) and a level one to a falling one: slow progress is still progress, so it
#: never points down; only moving away does.
STATUS_STYLE: dict[str, dict[str, str]] = {
    "achieved": {"colour": "#0072B2", "text": "#FFFFFF", "icon": "★"},
    "on_track": {"colour": "#009E73", "text": "#1A1A1A", "icon": "▲"},
    "acceleration_needed": {"colour": "#F0E442", "text": "#1A1A1A", "icon": "△"},
    "limited_progress": {"colour": "#E69F00", "text": "#1A1A1A", "icon": "▷"},
    "moving_away": {"colour": "#D55E00", "text": "#1A1A1A", "icon": "▼"},
    "insufficient_data": {"colour": "#D9D9D9", "text": "#1A1A1A", "icon": "○"},
}

#: An uncertain status keeps its hue (so the legend still reads) but is this much paler.
PALE_AMOUNT = 0.65
DARK_TEXT = "#1A1A1A"


def translucent(colour: str, alpha: float) -> str:
    """'#0B5394' at opacity ``alpha`` as 'rgba(11, 83, 148, 0.15)', for bands lines show through."""
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red}, {green}, {blue}, {alpha})"


#: Opacity of interval bands (the national trend's, each small-multiple panel's).
BAND_ALPHA = 0.15
BAND_COLOUR = translucent(ACCENT, BAND_ALPHA)


def pale(colour: str, amount: float = PALE_AMOUNT) -> str:
    """``colour`` mixed with white: 0 keeps it, 1 gives white."""
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    mixed = (round(c + (255 - c) * amount) for c in (red, green, blue))
    return "#" + "".join(f"{c:02X}" for c in mixed)


def relative_luminance(colour: str) -> float:
    """WCAG 2 relative luminance of a '#RRGGBB' colour (0 black … 1 white)."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG 2 contrast ratio of two '#RRGGBB' colours, from 1 (same) to 21 (black on white)."""
    high, low = sorted((relative_luminance(foreground), relative_luminance(background)))[::-1]
    return (high + 0.05) / (low + 0.05)


#: WCAG AA for normal-size text (1.4.3); chart text is never large enough for the 3:1 rule.
AA_TEXT_CONTRAST = 4.5


def readable_text_on(fill: str) -> str:
    """DARK_TEXT or LIGHT_TEXT, whichever contrasts more with ``fill``.

    Plotly's own choice for text inside bars (white or #444) fails AA on mid-tone fills such as
    the Okabe–Ito green (3.4:1 and 2.9:1), so text on a coloured fill is chosen here.
    """
    dark, light = contrast_ratio(DARK_TEXT, fill), contrast_ratio(LIGHT_TEXT, fill)
    return DARK_TEXT if dark >= light else LIGHT_TEXT


#: Tile-grid positions (column, row from the top) that roughly keep the counties' geography.
COUNTY_TILES: dict[str, tuple[int, int]] = {
    "56": (4, 0),  # Finnmark
    "55": (3, 1),  # Troms
    "18": (2, 2),  # Nordland
    "50": (2, 3),  # Trøndelag
    "15": (1, 4),  # Møre og Romsdal
    "34": (2, 4),  # Innlandet
    "46": (0, 5),  # Vestland
    "33": (1, 5),  # Buskerud
    "03": (2, 5),  # Oslo
    "32": (3, 5),  # Akershus
    "11": (0, 6),  # Rogaland
    "40": (1, 6),  # Telemark
    "39": (2, 6),  # Vestfold
    "31": (3, 6),  # Østfold
    "42": (1, 7),  # Agder
}

# --- Font sizes (px) -------------------------------------------------------------------------

FONT_SIZE = 15  # body text: axis ticks, hover labels
TITLE_SIZE = 20
LABEL_SIZE = 14  # value labels next to points
SMALL_SIZE = 13  # subtitle, legend, demo label
NOTE_SIZE = 12  # source line, tile labels, "not shown" notes
WATERMARK_SIZE = 44
WATERMARK_ANGLE = -20  # degrees: slanted so it cannot be mistaken for a data label

# --- Margins and positions (px unless said otherwise) ----------------------------------------

MARGIN_LEFT = 70  # y tick labels such as "40 %"
MARGIN_RIGHT = 30
MARGIN_TOP = 135  # title, subtitle and a one-row legend above the plot
MARGIN_BOTTOM = 90  # x tick labels, then the footer: demo label and source line
MARGIN = {"l": MARGIN_LEFT, "r": MARGIN_RIGHT, "t": MARGIN_TOP, "b": MARGIN_BOTTOM}

#: Title position in container coordinates (fractions of the figure): near the top-left corner.
#: Plotly places the subtitle under the title itself.
TITLE_X = 0.01
TITLE_Y = 0.97
#: On screen (not in exported images), Plotly's toolbar (the modebar, 26 px tall, 2 px from the
#: top) sits over the top right of a chart; the title is moved down by this much so that on a
#: phone, where the title reaches the right edge, the toolbar never covers it.
MODEBAR_ROOM = 36
#: Plotly never wraps a title, subtitle or source line, and the server does not know how wide a
#: screen is, so on screen they are wrapped for the narrowest chart drawn: a 390 px phone leaves
#: about 358 px for a chart, minus the title's inset.
SCREEN_TEXT_WIDTH = 330
#: Below this viewport width (px) a grid of small panels (a subplot grid with more than two
#: columns) keeps at least PANEL_MIN_WIDTH per column and scrolls sideways in its own frame.
PHONE_MAX_WIDTH = 600
PANEL_MIN_WIDTH = 180
#: Default legend position in paper coordinates (fractions of the plot area): just above the
#: plot, under the subtitle, inside the top margin.
LEGEND_Y = 1.01


def legend_above() -> dict:
    """The default legend: one row between the subtitle and the plot."""
    return {
        "orientation": "h",
        "yanchor": "bottom",
        "y": LEGEND_Y,
        "x": 0,
        "font": {"size": SMALL_SIZE},
    }


def legend_in_corner() -> dict:
    """A legend column inside the plot's top-left corner, for charts with room there."""
    return {"orientation": "v", "x": 0, "y": 1, "yanchor": "top", "font": {"size": SMALL_SIZE}}


# The footer is stacked up from the figure's bottom edge: a gap, the source line, the demo label;
# the x tick labels keep what is left between the demo label and the plot. Paper coordinates are
# fractions of the plot area, whose height differs from chart to chart, so a fixed distance from
# the bottom edge cannot be a paper y. Footer annotations are therefore anchored at the plot's
# bottom (paper y = 0, yanchor "bottom") and moved down in pixels with ``yshift``, derived from
# the bottom margin: a larger margin moves the footer down with the edge instead of leaving it
# stranded (or, with a smaller margin, pushing it off the figure).
FOOTER_EDGE_GAP = 8  # between the figure's bottom edge and the source line
FOOTER_ROW = 20  # one footer row: 12–13 px text at Plotly's line height plus the label's padding
#: The source line's bottom edge, measured from the plot's bottom (negative: below it).
SOURCE_YSHIFT = -(MARGIN_BOTTOM - FOOTER_EDGE_GAP)
#: The demo label sits one row above the source line.
DEMO_LABEL_YSHIFT = SOURCE_YSHIFT + FOOTER_ROW
#: What the bottom margin leaves for the x tick labels above the footer.
AXIS_LABEL_ROOM = -DEMO_LABEL_YSHIFT - FOOTER_ROW

#: Gap between tick labels and the plot, so that a label drawn at the plot's edge (a share
#: "skjult (n < 5)" at x = 0) never runs into the category name beside it.
TICK_LABEL_STANDOFF = 10

#: The axes of every chart (a template's xaxis/yaxis apply to xaxis2, yaxis2, … as well).
#: automargin: the margin grows to fit the longest tick label ("Møre og Romsdal", "KOSTRA-gruppe
#: 17"), where a fixed left margin cut names off.
_AXIS = {
    "gridcolor": GRID_COLOUR,
    "zeroline": False,
    "automargin": True,
    "ticklabelstandoff": TICK_LABEL_STANDOFF,
}

#: Every text colour of the house style and the backgrounds it is drawn on; tests check each
#: pair against AA_TEXT_CONTRAST. The demo watermark is left out on purpose: it is faint so the
#: data stays readable, and the footer label carries the same words at full contrast.
TEXT_ON_BACKGROUND: dict[str, tuple[str, tuple[str, ...]]] = {
    "TEXT_COLOUR": (TEXT_COLOUR, (BACKGROUND,)),  # titles, ticks, legend, hover, target label
    "MUTED_COLOUR": (MUTED_COLOUR, (BACKGROUND,)),  # subtitle, source line, "skjult" notes
    "ACCENT": (ACCENT, (BACKGROUND,)),  # value labels on the national trend
    "HIGHLIGHT_TEXT": (HIGHLIGHT_TEXT, (BACKGROUND, DEMO_MARK_BACKGROUND)),
    "DARK_TEXT": (DARK_TEXT, tuple(pale(s["colour"]) for s in STATUS_STYLE.values())),
}

#: The house Plotly template: every chart is finished with it (see ``chart_parts.finish``).
#: Pages draw it with ``theme=None``, so the screen shows these colours, not Streamlit's.
TEMPLATE = go.layout.Template(
    layout={
        "font": {"family": FONT_FAMILY, "size": FONT_SIZE, "color": TEXT_COLOUR},
        "colorway": list(LINE_COLOURS),
        "paper_bgcolor": BACKGROUND,
        "plot_bgcolor": BACKGROUND,
        "margin": dict(MARGIN),
        # A white hover box: Plotly's default box in the trace colour with white or #444 text
        # falls below 4.5:1 on the mid-tone Okabe–Ito colours.
        "hoverlabel": {
            "font": {"family": FONT_FAMILY, "color": TEXT_COLOUR},
            "bgcolor": BACKGROUND,
            "bordercolor": AXIS_LINE_COLOUR,
        },
        "xaxis": {**_AXIS, "linecolor": AXIS_LINE_COLOUR},
        "yaxis": dict(_AXIS),
        "title": {
            "x": TITLE_X,
            "xanchor": "left",
            "y": TITLE_Y,
            "yanchor": "top",
            "font": {"size": TITLE_SIZE},
        },
    }
)
