"""Metode og data: definitions, sources, what data this is, the import log and downloads."""

import pandas as pd
import streamlit as st

from tracker.app import contract
from tracker.app.frame import page_setup
from tracker.present import (
    data_pack,
    method_example,
    method_tables,
    model_view,
    page_data,
    published_view,
)
from tracker.present import format as fmt
from tracker.present.markdown import escape_markdown

page = page_setup("nav_method", contract.METHOD)
page.show_notices()
settings = page.settings
rules = {
    "min_n": settings.min_n,
    "target": fmt.share(settings.target_share, page.lang, 0),
    "baseline": settings.baseline_year,
    "target_year": settings.target_year,
}

st.subheader(page.t("method_dataset_heading"))
kind = page.dataset.get("kind", "survey")
st.markdown(
    page.t(
        "dataset_summary",
        kind=page.t(f"dataset_kind_{kind}"),
        built=escape_markdown(fmt.date_time(page.dataset.get("built_at"), page.lang)),
        schema=escape_markdown(page.dataset.get("schema_version", "–")),
        waves=fmt.join_list(page.waves, page.lang),
    )
)
st.markdown(f"**{page.t('waves_heading')}**")
data = page.load(page_data.method)
st.dataframe(page.build(method_tables.waves_display_table, data.waves, page.lang), hide_index=True)
st.markdown(f"**{page.t('imports_heading')}**")
st.dataframe(
    page.build(method_tables.imports_display_table, data.imports, page.lang), hide_index=True
)

st.subheader(page.t("method_definitions_heading"))
st.markdown(page.t("method_definitions", **rules))

st.subheader(page.t("method_uncertainty_heading"))
st.markdown(method_example.explanation(settings, page.lang))
st.markdown(f"**{page.t('method_example_heading')}**")
example = method_example.worked_example(
    page.load(page_data.uncertainty_example, page.measure, settings),
    page.measure,
    settings,
    page.lang,
)
if isinstance(example, str):
    st.markdown(example)
else:
    st.markdown(example.intro)
    st.dataframe(example.table, hide_index=True)
    st.markdown(example.steps_markdown())

st.subheader(page.t("method_model_heading"))
model = model_view.model_section(
    page.load(page_data.model_method, page.measure, settings), page.measure, settings, page.lang
)
st.markdown(model.explanation)
st.markdown(f"**{model.table_heading}**")
st.dataframe(model.table, hide_index=True)
st.caption(model.caption)
for note in model.notes:
    st.markdown(note)

st.subheader(page.t("method_sources_heading"))
st.markdown(page.t("method_sources"))

st.subheader(page.t("published_heading"))
st.markdown(page.t("published_intro"))
# Demo data was calibrated to these figures, so agreement there proves nothing; for real data this
# is the first check after an import.
st.caption(page.t("published_caption_demo" if kind == "demo" else "published_caption_survey"))
st.dataframe(
    published_view.published_display_table(
        page.load(page_data.published_check, settings), page.lang, settings.min_n
    ),
    hide_index=True,
)

if not page.presenting:
    st.subheader(page.t("downloads_heading"))
    st.caption(page.t("downloads_caption"))
    disclosure = page.disclosure
    if disclosure.public:  # the pack's tables come through the same rule (page_data, public.py)
        st.info(disclosure.notice("pack", page.lang), icon=":material/lock:")
    measure = page.measure
    # Built only when the button is clicked: the pack holds every municipality's KPI rows, too
    # much to compute on every run of this page.
    tables = page_data.data_pack_tables(page.query, measure, settings, data, page.lang)
    readme = "\n\n".join(
        [
            page.t("app_title"),
            page.t(f"dataset_kind_{kind}"),
            page.t("readme_columns", min_n=settings.min_n),
            page.t("method_definitions", **rules),
            page.t("method_uncertainty_heading"),
            method_example.explanation(settings, page.lang),
            model_view.readme(settings, page.lang),
            page.t("method_sources"),
            *([disclosure.notice("pack", page.lang)] if disclosure.public else []),
        ]
    )
    st.download_button(
        page.t("downloads_button"),
        data=lambda: data_pack.data_pack({name: make() for name, make in tables.items()}, readme),
        file_name=page.file_stem("tables") + ".zip",
        mime="application/zip",
        on_click="ignore",
        key=contract.DATA_PACK,
    )
    st.dataframe(
        pd.DataFrame({page.t("col_file"): [f"{name}.csv" for name in tables]}), hide_index=True
    )
