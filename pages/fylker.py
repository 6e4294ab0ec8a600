"""Fylker: every county ranked against the target, a progress table and small multiples."""

import html

from tracker.app import contract
from tracker.app.frame import page_setup
from tracker.present import county_charts, page_data, statuses, views
from tracker.present.markdown import escape_markdown

page = page_setup("nav_counties", contract.COUNTIES)
st = page.st  # Streamlit; in a one-chart view (?presentasjon=1&figur=…) it shows nothing
wave = page.choose_wave(st.sidebar)
highlight = page.choose_county("highlight_label", optional=True, container=st.sidebar)
estimate = page.url.choice(
    contract.ESTIMATE,
    ("direct", "model"),
    "direct",
    page.t("estimate_label"),
    lambda key: page.t(f"estimate_{key}"),
    container=st.sidebar,
)
model = estimate == "model"
page.show_notices()
settings = page.settings
relative = page.target_mode == "relative"

data = page.load(page_data.counties, page.measure, settings, wave, estimate)
kpis_all, kpis, progress, versus = data.kpis_all, data.kpis, data.progress, data.versus
definition = page.t(f"definition_{page.measure}")
if model:  # model-based estimates are labelled as such on every chart and image
    definition = page.t("definition_model", definition=definition)
# Exported images of model-based charts say so in their file names too.
stem_parts = [page.t("file_model")] if model else []
counties = page.counties()
county_name = dict(zip(counties["county_code"], counties["county_name"], strict=True))
if highlight:  # an image shown alone says which county stands out, and so does its file name
    name = county_name[highlight]
    # Plotly renders HTML tags in titles: a county name is data, so it is escaped.
    definition = page.t("subtitle_highlight", definition=definition, county=html.escape(name))
    stem_parts.append(name)
ctx = page.chart_context(definition, [w for w in page.waves if w <= wave])

quotes = page.build(statuses.quote_sentences, kpis, progress, versus, page.lang, settings.min_n)
if highlight:
    chosen = kpis[kpis["area_code"] == highlight].iloc[0]
    st.markdown(f"**{escape_markdown(quotes[highlight])}**")
    st.caption(
        statuses.status_help(
            progress.set_index("area_code").loc[highlight], page.lang, settings.settled_probability
        )
    )
    if not page.presenting:
        st.page_link(
            contract.MUNICIPALITIES,
            label=page.t("to_municipalities", county=escape_markdown(str(chosen["area_name"]))),
            query_params={**page.url_state(), contract.COUNTY: highlight},
        )

if model:
    st.info(
        " ".join([page.t("model_note"), views.model_wave_note(data.model_fit, wave, page.lang)])
    )
    if page.disclosure.public:  # counties below the limit show "skjult" instead of an estimate
        st.info(page.disclosure.notice("model", page.lang), icon=":material/lock:")
page.chart(
    page.build(
        county_charts.county_dots,
        data.chart_kpis,
        progress,
        target_share=settings.target_share,
        relative=relative,
        min_n=settings.min_n,
        ctx=ctx,
        highlight=highlight or None,
        # Clear differences from Norway are judged on the direct estimates (see the summary).
        versus=None if model else versus,
        national_share=data.national["share"].iloc[0] if not data.national.empty else None,
    ),
    page.file_stem("county_ranking", wave, *stem_parts),
    key="ranking",
    summary=" ".join(
        [
            page.build(views.ranking_summary, data.chart_kpis, page.lang, settings.min_n),
            page.build(statuses.versus_summary, kpis, versus, page.lang),
        ]
    ),
)

st.subheader(page.t("progress_table_heading", wave=wave))
sort_by = page.url.choice(
    contract.SORT,
    views.SORT_KEYS,
    "share",
    page.t("sort_label"),
    lambda key: page.t(f"sort_{key}"),
    container=st,
    widget="selectbox",
)
ordered = page.build(views.sort_progress, progress, sort_by)
table = page.build(views.progress_display_table, ordered, kpis, page.lang, versus)
st.table(views.highlight_rows(table, ordered["area_code"] == highlight))
page.show_notices()

st.subheader(page.t("multiples_heading"))
page.chart(
    page.build(
        county_charts.county_small_multiples,
        data.chart_kpis_all[data.chart_kpis_all["wave_year"] <= wave],
        progress,
        target_share=settings.target_share,
        relative=relative,
        ctx=ctx,
        highlight=highlight or None,
        national=data.national_all[data.national_all["wave_year"] <= wave],
        min_n=settings.min_n,
    ),
    page.file_stem("county_trends", wave, *stem_parts),
    key="multiples",
    summary=page.build(statuses.status_summary, progress, page.lang),
    table=page.build(views.kpi_display_table, data.chart_kpis_all, page.lang),
)
if not page.presenting:  # presentation mode shows content only, no expanders
    with st.expander(page.t("quote_heading")):
        st.caption(page.t("quote_caption"))
        st.markdown("\n".join(f"- {escape_markdown(quotes[c])}" for c in ordered["area_code"]))
page.chart_pack(wave, county_name.get(highlight, ""))  # names, not codes, in files
