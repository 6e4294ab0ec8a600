"""Static image export of charts (PNG/SVG via kaleido), file names, size presets and chart packs.

Kaleido drives an installed Chromium/Chrome. One kaleido server is started per process on first
use (after that an export takes about a quarter of a second), and exports are serialised with a
lock because the server is shared by every Streamlit session in the process.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import threading
import unicodedata
import warnings
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import plotly.graph_objects as go

FORMATS = ("png", "svg")
#: Scale factor for raster images: 2 × the layout size is publication resolution.
SCALE = 2
BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "chrome")


@dataclass(frozen=True)
class SizePreset:
    key: str
    width: int
    height: int


#: Layout sizes in CSS pixels; PNGs are rendered at SCALE times this.
PRESETS = {
    "slide": SizePreset("slide", 1600, 900),  # 16:9 slide
    "social": SizePreset("social", 1080, 1080),  # square social post
    "report": SizePreset("report", 1240, 780),  # A4 width at 150 dpi (300 dpi at scale 2)
}
DEFAULT_PRESET = "slide"

_lock = threading.Lock()
_server_started = False


class ExportUnavailable(RuntimeError):
    """No browser for kaleido: say what to install instead of failing obscurely."""


def browser_path() -> str | None:
    """The browser kaleido will use: $BROWSER_PATH, or the first Chromium/Chrome on PATH."""
    configured = os.environ.get("BROWSER_PATH")
    if configured and os.path.exists(configured):
        return configured
    for name in BROWSER_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def slugify(text: str) -> str:
    """ASCII file-name part: 'Møre og Romsdal' → 'more-og-romsdal'."""
    text = text.lower().replace("ø", "o").replace("æ", "ae").replace("å", "a")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def file_name(parts: Sequence[object], fmt: str) -> str:
    """A descriptive file name such as 'fou-samarbeid-fylker-2024-kommuner.png'."""
    stem = "-".join(filter(None, (slugify(str(p)) for p in parts)))
    return f"{stem}.{fmt}"


def render(fig: go.Figure, fmt: str, preset: str = DEFAULT_PRESET) -> bytes:
    """The figure as PNG (at SCALE) or SVG bytes in the preset's size."""
    global _server_started
    if fmt not in FORMATS:
        raise ValueError(f"unknown image format {fmt!r}; use png or svg")
    size = PRESETS[preset]
    if browser_path() is None:
        raise ExportUnavailable(
            "image export needs Chromium or Chrome; install it (Debian: apt-get install chromium) "
            "or set BROWSER_PATH to a Chrome/Chromium executable"
        )
    sized = go.Figure(fig)
    sized.update_layout(width=size.width, height=size.height, autosize=False)
    with _lock:
        if not _server_started:
            import kaleido

            kaleido.start_sync_server(silence_warnings=True)
            _server_started = True
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # "kopts ignored with a server"
            return sized.to_image(
                format=fmt,
                width=size.width,
                height=size.height,
                scale=SCALE if fmt == "png" else 1,
            )


def chart_pack(
    charts: Sequence[tuple[str, go.Figure]],
    preset: str = DEFAULT_PRESET,
    progress: Callable[[int, int, str], None] | None = None,
) -> bytes:
    """A ZIP with every (file stem, figure) as PNG and SVG; ``progress(done, total, name)``."""
    buffer = io.BytesIO()
    total = len(charts) * len(FORMATS)
    done = 0
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as pack:
        for stem, fig in charts:
            for fmt in FORMATS:
                name = f"{stem}.{fmt}"
                pack.writestr(name, render(fig, fmt, preset))
                done += 1
                if progress is not None:
                    progress(done, total, name)
    return buffer.getvalue()
