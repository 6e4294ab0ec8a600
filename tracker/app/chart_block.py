"""A chart on a page: the figure, its summary, PNG/SVG downloads, a table, and the chart pack."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from tracker.app import contract, slide
from tracker.present import export
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
    if key == page.figure and page.figure_title:  # ?figur=…&tittel=…: the takeaway title
        fig = slide.retitled(fig, page.figure_title)
    place = container if container is not None else st.container()
    page.figures.append((stem, fig))
    if summary:
        page.summaries[stem] = summary
    if page.presenting:
        # Larger type for a screenshot shown on a screen; exports keep the house sizes.
        fig = go.Figure(fig).update_layout(font_size=19, title_font_size=26, legend_font_size=17)
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
            data=_deferred_image(fig, fmt, page.preset),
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
