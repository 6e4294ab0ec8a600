"""House style shared by charts and pages: palette, status colours and icons, fonts."""

from __future__ import annotations

FONT_FAMILY = "Source Sans Pro, Segoe UI, Helvetica, Arial, sans-serif"
TEXT_COLOUR = "#1A1A1A"
MUTED_COLOUR = "#555555"  # 7.5:1 on white, passes WCAG AA for small text
GRID_COLOUR = "#E3E6EA"
ACCENT = "#0B5394"
HIGHLIGHT = "#D55E00"  # marks, lines and large text
HIGHLIGHT_TEXT = "#A03F00"  # small text in the highlight hue: 5.9:1 on white
DEMO_MARK_BACKGROUND = "#FFF3E8"
TARGET_COLOUR = "#1A1A1A"
BAND_COLOUR = "rgba(11, 83, 148, 0.15)"

#: Okabe–Ito colours for up to six lines (the chosen area first, then its peers).
LINE_COLOURS = ("#D55E00", "#0072B2", "#009E73", "#CC79A7", "#56B4E9", "#E69F00")

#: Okabe–Ito colours (colour-blind safe). Status is never shown by colour alone: icon + word too.
#: Text colours are chosen for at least 4.5:1 contrast on the tile colour (WCAG AA).
STATUS_STYLE: dict[str, dict[str, str]] = {
    "achieved": {"colour": "#0072B2", "text": "#FFFFFF", "icon": "★"},
    "on_track": {"colour": "#009E73", "text": "#1A1A1A", "icon": "▲"},
    "acceleration_needed": {"colour": "#E69F00", "text": "#1A1A1A", "icon": "◆"},
    "limited_progress": {"colour": "#F0E442", "text": "#1A1A1A", "icon": "▼"},
    "moving_away": {"colour": "#D55E00", "text": "#1A1A1A", "icon": "✖"},
    "insufficient_data": {"colour": "#D9D9D9", "text": "#1A1A1A", "icon": "○"},
}

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
