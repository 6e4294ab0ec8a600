"""A chart on a page: the figure, its summary, PNG/SVG downloads, a table, and the chart pack."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from tracker.app import contract, slide, view_cache
from tracker.present import export, style
from tracker.present.image_layout import (
    LINE_HEIGHT,
    category_labels,
    lines_of,
    text_height,
    text_width,
    wrap,
)
from tracker.present.markdown import escape_markdown

if TYPE_CHECKING:
    from tracker.app.frame import Page


def show_chart(
    page: Page,
    fig: go.Figure,
    stem: str,
    *,
    key: str,
    summary: str | None = None,
    table: pd.DataFrame | None = None,
    container: Any = None,
) -> None:
    """Draw a chart with its summary sentence, PNG/SVG downloads, a table alternative, its
    slide link and embed snippet; in a one-chart view (tracker/app/slide.py), the chosen chart
    alone, and nothing for every other chart."""
    if key not in contract.CHARTS.get(page.script, (key,)):
        # ?figur= accepts the keys in contract.CHARTS: a chart missing there has no slide.
        raise ValueError(f"chart key {key!r} is not listed in contract.CHARTS[{page.script!r}]")
    if page.one_chart:
        if key == page.figure:
            page.figures.append((stem, fig))
            slide.show_slide(page, fig, key)
        return
    retitled = key == page.figure and bool(page.figure_title)
    if retitled:  # ?figur=…&tittel=…: the takeaway title
        fig = slide.retitled(fig, page.figure_title)
    built = fig  # what downloads and the chart pack render: the figure as built, not the screen's
    # Keyed so that the phone rule of a wide panel grid (_phone_css) can address this block.
    place = container if container is not None else st.container(key=f"chart_block_{key}")
    page.figures.append((stem, fig))
    if summary:
        page.summaries[stem] = summary
    if page.presenting:
        # Larger type for a screenshot shown on a screen; exports keep the house sizes.
        fig = go.Figure(fig).update_layout(font_size=19, title_font_size=26, legend_font_size=17)
    else:
        # The exported images (page.figures) keep the figure as built; only the screen differs.
        # A retitled figure is new on every run: made directly, it does not crowd the memo.
        fig, columns = (
            (screen_figure(fig), _grid_columns(fig)) if retitled else _screen_version(fig)
        )
        if container is None and (css := _phone_css(columns, key)):
            place.html(css)
    size = export.PRESETS[page.preset]
    config = {
        "displaylogo": False,
        "displayModeBar": not page.presenting,
        "toImageButtonOptions": {
            "format": "png",
            "filename": stem,
            "width": size.width,
            "height": size.height,
            "scale": export.SCALE,
        },
    }
    # theme=None: draw the house template as it is (what the exported image shows), not
    # Streamlit's theme over it, whose grey #808495 axis labels fail WCAG AA (3.7:1).
    place.plotly_chart(fig, width="stretch", key=key, config=config, theme=None)
    if summary:
        place.caption(escape_markdown(summary))
    if page.presenting:
        return
    available = export.browser_path() is not None
    buttons = place.columns([1, 1, 4])
    for column, fmt in zip(buttons, export.FORMATS, strict=False):
        column.download_button(
            page.t(f"download_{fmt}"),
            data=_deferred_image(built, fmt, page.preset),
            file_name=f"{stem}.{fmt}",
            mime="image/png" if fmt == "png" else "image/svg+xml",
            key=contract.image_key(key, fmt),
            disabled=not available,
            help=page.t("download_help" if available else "export_unavailable"),
            on_click="ignore",
        )
    if table is not None:
        with place.expander(page.t("show_table")):
            st.dataframe(table, hide_index=True)
    slide.show_links(page, key, place)


#: A source line is never wrapped narrower than this (px), however long the y labels.
SOURCE_MIN_WIDTH = 120

#: Built figure (by id) → (that figure, its screen copy, its grid's panel columns). Making the
#: screen copy costs 20–40 ms per chart (a figure copy validates everything again), as much as
#: the rest of a cached page run; the figures come shared from the view cache, so their screen
#: copies are kept beside them, as many as the view cache holds. The figure is held too, so its
#: id cannot be reused while the entry lives.
_SCREEN: OrderedDict[int, tuple[go.Figure, go.Figure, int]] = OrderedDict()
_SCREEN_LOCK = threading.Lock()


def _screen_version(fig: go.Figure) -> tuple[go.Figure, int]:
    with _SCREEN_LOCK:
        kept = _SCREEN.get(id(fig))
        if kept is not None and kept[0] is fig:
            _SCREEN.move_to_end(id(fig))
            return kept[1], kept[2]
    screen, columns = screen_figure(fig), _grid_columns(fig)
    with _SCREEN_LOCK:
        _SCREEN[id(fig)] = (fig, screen, columns)
        while len(_SCREEN) > view_cache.MAX_VIEWS:
            _SCREEN.popitem(last=False)
    return screen, columns


def screen_figure(fig: go.Figure) -> go.Figure:
    """A copy of ``fig`` for the screen: title, subtitle and source line wrapped for a phone
    (style.SCREEN_TEXT_WIDTH), and the title moved below Plotly's toolbar (style.MODEBAR_ROOM).

    The margins and the height grow by the room the extra lines take, so the plot keeps its
    size. ``fig`` itself is never changed: figures are cached and shared between sessions.
    """
    # Not validated again: every property comes from a valid figure (a validated copy took
    # 20–40 ms per chart, as long as building it).
    fig = go.Figure(fig, _validate=False)
    layout = fig.layout
    height = layout.height or 450  # Plotly's default height
    title_size = layout.title.font.size or style.TITLE_SIZE
    subtitle_size = layout.title.subtitle.font.size or style.SMALL_SIZE
    title = layout.title.text or ""
    subtitle = layout.title.subtitle.text or ""
    wrapped_title = wrap(title, title_size, style.SCREEN_TEXT_WIDTH, bold=True)
    wrapped_subtitle = wrap(subtitle, subtitle_size, style.SCREEN_TEXT_WIDTH)
    title_lines = len(lines_of(wrapped_title))
    # The house title's top sits (1 - TITLE_Y) of the height below the top edge; pinned to the
    # top edge with a pad instead, it clears the toolbar on a chart of any height.
    top = max(0.0, style.MODEBAR_ROOM - (1 - style.TITLE_Y) * height)
    top += text_height(wrapped_title, title_size) - text_height(title, title_size)
    top += text_height(wrapped_subtitle, subtitle_size) - text_height(subtitle, subtitle_size)
    bottom = 0.0
    # The source line starts at the plot's left edge, right of the y labels: the labels of a
    # ranking ("Møre og Romsdal (n = 19)") leave it much less than the title.
    labels = [text_width(label, style.FONT_SIZE) for label in category_labels(_label_spec(fig))]
    left = max([style.MARGIN_LEFT, *(w + style.TICK_LABEL_STANDOFF for w in labels)])
    source_width = max(style.SCREEN_TEXT_WIDTH - left, SOURCE_MIN_WIDTH)
    for note in layout.annotations:
        if note.name == "footer_source" and note.text:
            wrapped = wrap(note.text, style.NOTE_SIZE, source_width)
            # Anchored at its bottom edge: it grows downwards into a larger bottom margin, so
            # the demo label and the tick labels above it stay where they were.
            bottom = (len(lines_of(wrapped)) - len(lines_of(note.text))) * (
                style.NOTE_SIZE * LINE_HEIGHT
            )
            note.update(text=wrapped, align="left", yshift=(note.yshift or 0) - bottom)
    margin_top = style.MARGIN_TOP if layout.margin.t is None else layout.margin.t
    margin_bottom = style.MARGIN_BOTTOM if layout.margin.b is None else layout.margin.b
    fig.update_layout(
        title={
            "text": wrapped_title,
            "subtitle_text": wrapped_subtitle,
            "y": 1,
            "yref": "container",
            "yanchor": "top",
            # Plotly centres a title of several lines on its anchor, whatever yanchor says:
            # half of each extra line would rise into the toolbar without this.
            "pad": {
                "t": round(style.MODEBAR_ROOM + (title_lines - 1) * title_size * LINE_HEIGHT / 2)
            },
        },
        margin={"t": round(margin_top + top), "b": round(margin_bottom + bottom)},
        height=round(height + top + bottom),
    )
    return fig


def _label_spec(fig: go.Figure) -> dict:
    """The parts of ``fig`` that ``image_layout.category_labels`` reads, without ``to_dict()``
    (a deep copy of the whole figure: half of what a screen copy cost)."""
    axes = {
        f"yaxis{i}": {"visible": axis.visible is not False, "ticktext": axis.ticktext}
        for i, axis in enumerate(fig.select_yaxes())
    }
    return {"layout": axes, "data": [{"y": getattr(trace, "y", None)} for trace in fig.data]}


def _grid_columns(fig: go.Figure) -> int:
    """How many columns of subplots ``fig`` has (1 for a chart with one plot)."""
    return len({round(axis.domain[0], 3) for axis in fig.select_xaxes() if axis.domain})


def _phone_css(columns: int, key: str) -> str:
    """For a grid of more than two panel columns: CSS that keeps each column at least
    style.PANEL_MIN_WIDTH wide on a phone, the chart scrolling sideways inside its block.

    The server cannot know the screen's width (st.context has no viewport size), so the grid
    cannot drop to two columns there; squeezed into 358 px, its panel titles ran into each
    other. Streamlit sizes a stretched chart to its element container, so that is widened.
    """
    if columns <= 2:
        return ""
    width = columns * style.PANEL_MIN_WIDTH + style.MARGIN_LEFT + style.MARGIN_RIGHT
    block, chart = f".st-key-chart_block_{key}", f".st-key-{key}"
    return (
        f"<style>@media (max-width: {style.PHONE_MAX_WIDTH}px) {{"
        f" {block} {{ overflow-x: auto; }}"
        f" {block} {chart} {{ width: {width}px !important; max-width: none !important; }} }}"
        "</style>"
    )


def _deferred_image(fig: go.Figure, fmt: str, preset: str) -> Callable[[], bytes]:
    # Rendered only when the button is clicked: drawing every image on every run would cost
    # about a quarter of a second per chart and format.
    return lambda: export.render(fig, fmt, preset)


def show_chart_pack(page: Page, *parts: object) -> None:
    """A button that renders every chart of this view as PNG and SVG into one ZIP."""
    if page.one_chart and not page.figures:
        # ?figur= names a chart of this page that this view does not draw (e.g. the tile grid
        # while the map is chosen, or a comparison with no peer counties chosen).
        st.info(page.t("figure_not_in_view", figure=page.figure), icon=":material/info:")
    if page.presenting or not page.figures:
        return
    st.divider()
    st.subheader(page.t("pack_heading"))
    if export.browser_path() is None:
        st.info(page.t("export_unavailable"), icon=":material/info:")
        return
    view = (page.script, page.lang, page.measure, page.target_mode, page.preset, *parts)
    view_key = "|".join(map(str, (*view, page.snapshot.version)))
    if st.button(page.t("pack_button", n=len(page.figures)), key=contract.MAKE_PACK):
        bar = st.progress(0.0, text=page.t("pack_progress", done=0, total=1, name=""))

        def report(done: int, total: int, name: str) -> None:
            bar.progress(done / total, page.t("pack_progress", done=done, total=total, name=name))

        st.session_state["chart_pack"] = (
            view_key,
            export.chart_pack(
                page.figures,
                page.preset,
                report,
                notes=export.alt_text(page.figures, page.summaries, page.t("alt_text_file")),
            ),
        )
    made = st.session_state.get("chart_pack")
    if made and made[0] == view_key:
        st.download_button(
            page.t("pack_download"),
            data=made[1],
            file_name=page.file_stem("pack", *parts) + ".zip",
            mime="application/zip",
            key=contract.PACK_DOWNLOAD,
            on_click="ignore",
            type="primary",
        )
