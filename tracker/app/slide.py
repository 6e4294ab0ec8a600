"""One chart alone: presentation slides (``?presentasjon=1&figur=trend``) and embeds (iframes).

A one-chart view is a page run in which every element but the chosen chart is skipped. The page
scripts stay as they are: they write through ``page.st``, which is Streamlit itself normally and
:data:`MUTED` in a one-chart view, so headings, metrics, captions, tables and other charts are
never sent to the browser; :func:`tracker.app.chart_block.show_chart` draws only the chosen chart.

The chart fills a 16:9 view of the height ``hoyde`` (default 1080, a full-HD slide; an embed
sets its iframe's height). Streamlit cannot size a chart by the browser's viewport, so the height
comes from the URL: the Plotly height is that height minus the page padding, and the width the
matching 16:9 width, laid out like an image export (type scaled, wrapped titles, margins that hold
them: :func:`tracker.present.export.for_image`).
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import plotly.graph_objects as go
import streamlit as st

from tracker.app import contract
from tracker.present import export

if TYPE_CHECKING:
    from tracker.app.frame import Page

#: Padding around the chart in a one-chart view (CSS px), and head room below it: Streamlit
#: adds a few pixels around every element, and a scroll bar would cut the slide.
PAD_Y, PAD_X, SLACK = 8, 16, 24
#: The height the slide preset's type scale is meant for; smaller views scale type down to 1.
FULL_HD_HEIGHT = 1080
#: The size the embed snippet proposes (16:9, fits a web page column).
EMBED_WIDTH, EMBED_HEIGHT = 960, 540

#: Added to the presentation CSS in a one-chart view: less padding, no chart toolbar on hover.
SLIDE_CSS = f"""
<style>
.block-container, [data-testid="stMainBlockContainer"] {{
    padding: {PAD_Y}px {PAD_X}px 0 {PAD_X}px !important;
}}
[data-testid="stElementToolbar"] {{ display: none !important; }}
html, body, [data-testid="stAppViewContainer"], [data-testid="stMain"] {{ overflow: hidden; }}
</style>
"""


class Muted:
    """Takes the place of ``streamlit`` in a page script and shows nothing.

    Any element call returns another ``Muted`` (so ``col.metric(...)`` and ``with
    st.expander(...):`` work); ``columns`` and ``tabs`` return as many as asked for, so that
    unpacking works. Session state, the URL, caches and ``st.stop`` are Streamlit's own: they are
    state and control flow, not output.
    """

    PASSED = frozenset(
        {"session_state", "query_params", "stop", "rerun", "cache_data", "cache_resource"}
    )

    def __init__(self, top: bool = True) -> None:
        self._top = top

    def __getattr__(self, name: str) -> Any:
        if self._top and name in self.PASSED:
            return getattr(st, name)
        if name in ("columns", "tabs"):
            return self._several
        return Muted(top=False)

    def __call__(self, *args: Any, **kwargs: Any) -> Muted:
        return Muted(top=False)

    def _several(self, spec: Any, *args: Any, **kwargs: Any) -> list[Muted]:
        count = spec if isinstance(spec, int) else len(spec)
        return [Muted(top=False) for _ in range(count)]

    def __enter__(self) -> Muted:
        return self

    def __exit__(self, *exc: object) -> None:
        return None


MUTED = Muted()


def takeaway(raw: str | None) -> str:
    """The takeaway title from the URL as plain text: no control characters (a right-to-left
    override would reorder the title), one line, at most ``TITLE_MAX_CHARS`` characters.
    Escaping for Plotly's HTML-like title markup happens where it is drawn (:func:`retitled`)."""
    if not raw:
        return ""
    text = "".join(" " if unicodedata.category(c).startswith("C") else c for c in raw)
    text = re.sub(r"\s+", " ", text).strip()
    return text[: contract.TITLE_MAX_CHARS].strip()


def retitled(fig: go.Figure, title: str) -> go.Figure:
    """A copy of ``fig`` whose title is ``title`` (escaped: Plotly reads tags such as <a> in
    titles); the subtitle (the definition) and the source line stay, so the message is still
    read against what was measured. Figures are shared between sessions: never changed here."""
    escaped = html.escape(title, quote=False)
    return go.Figure(fig).update_layout(title_text=f"<b>{escaped}</b>")


def slide_size(height: int) -> export.SizePreset:
    """The layout size and type scale of a one-chart view ``height`` CSS px high."""
    chart_height = height - 2 * PAD_Y - SLACK
    width = round(height * 16 / 9) - 2 * PAD_X
    scale = max(1.0, export.PRESETS["slide"].type_scale * height / FULL_HD_HEIGHT)
    return export.SizePreset("screen", width, chart_height, type_scale=scale)


def slide_figure(fig: go.Figure, height: int) -> go.Figure:
    """A copy of ``fig`` laid out to fill a one-chart view ``height`` px high."""
    return export.for_image(fig, slide_size(height))


def view_params(
    state: Mapping[str, str], figure: str, *, height: int, title: str = ""
) -> dict[str, str]:
    """Query parameters of the one-chart view of chart ``figure`` in the view ``state``."""
    dropped = {contract.PRESENTATION, contract.FIGURE, contract.TITLE, contract.SLIDE_HEIGHT}
    params = {k: v for k, v in state.items() if k not in dropped}
    params[contract.PRESENTATION] = "1"
    params[contract.FIGURE] = figure
    if height != FULL_HD_HEIGHT:
        params[contract.SLIDE_HEIGHT] = str(height)
    if title:
        params[contract.TITLE] = title
    return params


def embed_url(base_url: str, script: str, params: Mapping[str, str]) -> str:
    """The address of a page view: absolute under ``base_url``, or relative when it is empty."""
    return f"{base_url.rstrip('/')}{contract.url_path(script)}?{urlencode(params)}"


def embed_snippet(src: str, title: str, width: int, height: int) -> str:
    """An ``<iframe>`` for a web page; ``src`` and ``title`` escaped for HTML attributes."""
    return (
        f'<iframe src="{html.escape(src, quote=True)}" width="{width}" height="{height}" '
        f'title="{html.escape(title, quote=True)}" style="border:0" loading="lazy"></iframe>'
    )


def show_slide(page: Page, fig: go.Figure, key: str) -> None:
    """Draw ``fig`` as the one chart of a one-chart view: sized to it, no toolbar, no caption."""
    if page.figure_title:
        fig = retitled(fig, page.figure_title)
    config = {"displaylogo": False, "displayModeBar": False}
    # theme=None: the house template as in exports, not Streamlit's theme on top (see chart_block).
    st.plotly_chart(
        slide_figure(fig, page.slide_height), width="stretch", key=key, config=config, theme=None
    )


def chart_label(page: Page, key: str) -> str:
    """The chart's name in the page language (slide links, the iframe's title)."""
    return page.t(f"figure_{key}")


def show_links(page: Page, key: str, place: Any) -> None:
    """The chart's slide link in the sidebar list and its embed snippet under the chart."""
    title = page.figure_title if key == page.figure else ""
    state = page.view_state()
    if page.slide_links is not None:
        if not page.slide_links_shown:
            page.slide_links.subheader(page.t("slides_heading"))
            page.slide_links_shown = True
        page.slide_links.page_link(
            page.script,
            label=chart_label(page, key),
            icon=":material/co_present:",
            query_params=view_params(state, key, height=FULL_HD_HEIGHT, title=title),
        )
    base = page.settings.public_url
    src = embed_url(base, page.script, view_params(state, key, height=EMBED_HEIGHT, title=title))
    with place.expander(page.t("embed_heading")):
        st.code(
            embed_snippet(src, chart_label(page, key), EMBED_WIDTH, EMBED_HEIGHT),
            language="html",
            wrap_lines=True,
        )
        note = "embed_note" if base else "embed_note_relative"
        st.caption(page.t(note, height=EMBED_HEIGHT))
