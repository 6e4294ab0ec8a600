"""Kommunetyper: the measure by SSB centrality class and by population size band, per wave."""

from tracker.app import contract
from tracker.app.frame import page_setup
from tracker.present import group_charts, group_views, page_data
from tracker.present.markdown import escape_markdown

page = page_setup("nav_municipality_types", contract.MUNICIPALITY_TYPES)
st = page.st  # Streamlit; in a one-chart view (?presentasjon=1&figur=…) it shows nothing
wave = page.choose_wave(st.sidebar)
page.show_notices()
settings = page.settings
st.caption(page.t("types_intro"))

data = page.load(page_data.municipality_types, page.measure, settings, wave)
national_share = data.national["share"].iloc[0] if not data.national.empty else None
ctx = page.chart_context(page.t(f"definition_{page.measure}"), [w for w in page.waves if w <= wave])
for grouping, view in data.views.items():
    st.subheader(page.t(f"types_heading_{grouping}"))
    page.chart(
        page.build(
            group_charts.grouping_chart,
            view.kpis,
            grouping,
            ctx=ctx,
            min_n=settings.min_n,
            target_share=settings.target_share if page.target_mode == "absolute" else None,
            national_share=national_share,
        ),
        page.file_stem(f"types_{grouping}", wave),
        key=f"types_{grouping}",
        summary=page.build(
            group_views.grouping_summary, view.latest, grouping, wave, page.lang, settings.min_n
        ),
        table=page.build(group_views.grouping_table, view.kpis, grouping, page.lang),
    )
    sentences = [
        page.build(group_views.gap_sentence, view.gap, grouping, wave, page.lang),
        page.build(
            group_views.versus_sentence,
            view.latest,
            view.versus,
            data.national,
            grouping,
            wave,
            page.lang,
            settings.min_n,
        ),
    ]
    st.markdown("\n".join(f"- {escape_markdown(s)}" for s in sentences))
st.caption(page.t("types_method_note"))
page.chart_pack(wave)
