"""Sektorer: the unit measure by sector and by type of research partner, per wave."""

import pandas as pd

from tracker.app import contract
from tracker.app.frame import page_setup
from tracker.data import reference
from tracker.present import charts, page_data, views

# Sectors exist only for unit leaders: the sidebar shows that measure, not the user's choice.
page = page_setup(
    "nav_sectors",
    contract.SECTORS,
    fixed_measure="units",
    fixed_measure_help="sectors_measure_note",
)
st = page.st  # Streamlit; in a one-chart view (?presentasjon=1&figur=…) it shows nothing
if not page.presenting:
    st.caption(page.t("sectors_measure_note"))
# Like with like by default: 2018 surveyed two of the five sectors, so "all" mixes a two-sector
# baseline with five-sector later waves.
scope = page.url.choice(
    contract.SECTOR_SCOPE,
    ("comparable", "all"),
    "comparable",
    page.t("sectors_scope_label"),
    lambda v: page.t(f"sectors_scope_{v}"),
    container=st,
)
page.show_notices()
st.caption(page.t("sectors_scope_note"))
settings = page.settings
sectors = list(reference.SECTORS_IN_EVERY_WAVE) if scope == "comparable" else None

data = page.load(page_data.sectors, settings, sectors)
by_sector = data.by_sector
overall = data.overall.assign(area_code="all")
names = {code: page.t(f"sector_{code}") for code in ["all", *reference.SECTORS]}
lines = pd.concat([overall, by_sector], ignore_index=True)
order = ["all", *[s for s in reference.SECTORS if s in set(by_sector["area_code"])]]
ctx = page.chart_context(page.t("definition_units"), page.waves)

st.subheader(page.t("sectors_heading"))
latest = lines[lines["wave_year"] == page.waves[-1]]
named = lines.assign(area_name=lines["area_code"].map(names))
page.chart(
    page.build(
        charts.trend_lines,
        lines,
        order,
        title=page.t("chart_sectors_title"),
        target_share=settings.target_share if page.target_mode == "absolute" else None,
        ctx=ctx,
        names=names,
    ),
    page.file_stem(f"sectors_{scope}"),
    key="sectors",
    summary=page.build(
        views.ranking_summary,
        latest[latest["area_code"] != "all"],
        page.lang,
        settings.min_n,
        names,
    ),
    table=page.build(views.kpi_display_table, named, page.lang).rename(
        columns={page.t("col_area"): page.t("col_sector")}
    ),
)

st.subheader(page.t("partners_heading"))
partners = data.partners
if page.disclosure.hides_partners(partners):
    st.info(page.disclosure.notice("partners", page.lang), icon=":material/lock:")
partner_ctx = page.chart_context(page.t("partners_subtitle"), page.waves)
page.chart(
    page.build(charts.partner_shares, partners, ctx=partner_ctx),
    page.file_stem(f"partners_{scope}"),
    key="partners",
    table=views.partner_display_table(partners, page.lang),
)
page.chart_pack(scope)
