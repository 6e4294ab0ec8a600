"""Static image export of charts (PNG/SVG via kaleido), file names, size presets and chart packs.

Kaleido drives an installed Chromium/Chrome. One kaleido server is started per process on first
use and shared by every Streamlit session in the process. Its global sync server is not safe for
concurrent callers (every caller shares one task queue and one result queue, so two threads could
receive each other's images), so images are drawn strictly one at a time.

Which image goes next is decided by a render gate rather than a plain lock. A chart pack draws
every chart in PNG and SVG, which can take a minute or more. A plain lock is not fair: whether a
waiting download or a pack's next image gets the server next is up to the thread scheduler, so a
single PNG/SVG download could wait for several pack images, and longer with several packs going.
The gate lets single (interactive) exports go first: a pack image waits while any single export
is waiting, so a single download waits for at most the one pack image being drawn. A pack slows
down only while someone is waiting at a download button. ``python bench/export_contention.py``
measures it.
"""

from __future__ import annotations

import contextlib
import html
import io
import os
import re
import shutil
import threading
import unicodedata
import warnings
import zipfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass

import plotly.graph_objects as go

from tracker.present import image_layout

FORMATS = ("png", "svg")
#: Scale factor for raster images: 2 × the layout size is publication resolution.
SCALE = 2
BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "chrome")


@dataclass(frozen=True)
class SizePreset:
    key: str
    width: int
    height: int
    #: Every font size of the house style is multiplied by this in the image.
    type_scale: float = 1.0


#: Layout sizes in CSS pixels; PNGs are rendered at SCALE times this. A report is read at arm's
#: length at print size, so it keeps the house sizes (15 px ticks, 20 px title). A slide is seen
#: from across a room and a square post on a phone at about a third of its size, so their type
#: is larger: ticks 21/24 px, titles 28/32 px, source lines 17/19 px (slide/social).
PRESETS = {
    "slide": SizePreset("slide", 1600, 900, type_scale=1.4),  # 16:9 slide
    "social": SizePreset("social", 1080, 1080, type_scale=1.6),  # square social post
    "report": SizePreset("report", 1240, 780),  # A4 width at 150 dpi (300 dpi at scale 2)
}
DEFAULT_PRESET = "slide"

_server_started = False  # changed only while holding the render gate's turn


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


class _RenderGate:
    """One image at a time on kaleido's server, single exports before waiting chart pack images.

    Safety only needs mutual exclusion; the order is the point. A ``background`` (chart pack)
    render does not start while a foreground (single download) render is waiting, so after the
    image in progress the server goes to the download. Single renders among themselves, and pack
    renders among themselves, take turns in no particular order: a download waits for at most
    the image in progress and other downloads already waiting, and a pack stalls only while
    downloads keep arriving.
    """

    def __init__(self) -> None:
        self._changed = threading.Condition()  # notified whenever the state below changes
        self._busy = False  # an image is being drawn
        self._singles_waiting = 0

    @contextlib.contextmanager
    def turn(self, *, background: bool) -> Iterator[None]:
        """Hold the server for one image; ``background`` renders yield to waiting single ones."""
        with self._changed:
            if background:
                while self._busy or self._singles_waiting:
                    self._changed.wait()
            else:
                self._singles_waiting += 1
                try:
                    while self._busy:
                        self._changed.wait()
                finally:
                    self._singles_waiting -= 1
                    # Pack renders may have been waiting for this render only; should it leave
                    # without its turn (an exception in wait), they must look again.
                    self._changed.notify_all()
            self._busy = True
        try:
            yield
        finally:
            with self._changed:
                self._busy = False
                self._changed.notify_all()


_gate = _RenderGate()


def render(
    fig: go.Figure, fmt: str, preset: str = DEFAULT_PRESET, *, background: bool = False
) -> bytes:
    """The figure as PNG (at SCALE) or SVG bytes in the preset's size.

    ``background`` is for images nobody is waiting on one by one (a chart pack): they are drawn
    only when no single export is waiting, so a download button never queues behind a pack.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown image format {fmt!r}; use png or svg")
    size = PRESETS[preset]
    if browser_path() is None:
        raise ExportUnavailable(
            "image export needs Chromium or Chrome; install it (Debian: apt-get install chromium) "
            "or set BROWSER_PATH to a Chrome/Chromium executable"
        )
    sized = for_image(fig, size)
    with _gate.turn(background=background):
        return _draw(sized, fmt, size)


def for_image(fig: go.Figure, size: SizePreset) -> go.Figure:
    """A copy of ``fig`` laid out for the preset: its size, its type scale, text that fits.

    Figures are cached and shared by every session (tracker/app/view_cache.py): the one passed
    in is never changed, so the chart on screen keeps the house sizes.
    """
    return image_layout.for_image(fig, size.width, size.height, size.type_scale)


def _draw(fig: go.Figure, fmt: str, size: SizePreset) -> bytes:
    # Called only while holding the gate's turn: kaleido's sync server (and the process-wide
    # warnings filter changed below) must see one caller at a time.
    global _server_started
    if not _server_started:
        import kaleido

        kaleido.start_sync_server(silence_warnings=True)
        _server_started = True
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "kopts ignored with a server"
        return fig.to_image(
            format=fmt,
            width=size.width,
            height=size.height,
            scale=SCALE if fmt == "png" else 1,
        )


def alt_text(
    charts: Sequence[tuple[str, go.Figure]], summaries: Mapping[str, str], name: str
) -> tuple[str, str]:
    """(``name``, text) of a chart pack's alt-text file: for each chart its two file names and
    its summary sentence (the one under the chart on the page), ready to paste as the image's
    description; a chart without a summary gets its title, the best description it has."""
    blocks = []
    for stem, fig in charts:
        title = html.unescape(re.sub(r"<[^>]+>", " ", str(fig.layout.title.text or "")))
        text = summaries.get(stem) or " ".join(title.split())
        blocks.append(f"{stem}.png, {stem}.svg\n{text}")
    return name, "\n\n".join(blocks) + "\n"


def chart_pack(
    charts: Sequence[tuple[str, go.Figure]],
    preset: str = DEFAULT_PRESET,
    progress: Callable[[int, int, str], None] | None = None,
    *,
    notes: tuple[str, str] | None = None,
) -> bytes:
    """A ZIP with every (file stem, figure) as PNG and SVG; ``progress(done, total, name)``;
    ``notes`` is a (file name, text) added as a UTF-8 text file (the alt text, :func:`alt_text`).

    Its images are rendered in the background: single downloads by anyone go between them.
    """
    buffer = io.BytesIO()
    total = len(charts) * len(FORMATS)
    done = 0
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as pack:
        if notes is not None:
            pack.writestr(notes[0], notes[1].encode("utf-8"))
        for stem, fig in charts:
            for fmt in FORMATS:
                name = f"{stem}.{fmt}"
                pack.writestr(name, render(fig, fmt, preset, background=True))
                done += 1
                if progress is not None:
                    progress(done, total, name)
    return buffer.getvalue()
