"""Oversikt (home): the national share against the 30 % target, its trend and the counties."""

import pandas as pd

from tracker.app import contract
from tracker.app.frame import page_setup
from tracker.present import (
    charts,
    county_charts,
    county_map,
    page_data,
    statuses,
    verdict,
    views,
)
from tracker.present.markdown import escape_markdown

# The heading and tagline follow the target mode: "30 %-målet" would contradict "double your own".
page = page_setup(
    "overview_heading", contract.OVERVIEW, relative_title_key="overview_heading_relative"
)
st = page.st  # Streamlit; in a one-chart view (?presentasjon=1&figur=…) it shows nothing
relative = page.target_mode == "relative"
st.caption(
    page.t(
        "app_tagline_relative" if relative else "app_tagline",
        baseline=page.settings.baseline_year,
    )
)
wave = page.choose_wave(st.sidebar)
# The tile grid is the compact view; the map draws Kartverket's county outlines instead.
map_view = page.url.choice(
    contract.MAP_VIEW,
    ("tiles", *county_map.COLOUR_BY),
    "tiles",
    page.t("map_view_label"),
    lambda key: page.t(f"map_view_{key}"),
    container=st.sidebar,
)
page.show_notices()
settings = page.settings

data = page.load(page_data.overview, page.measure, settings, wave)
national, national_progress = data.national, data.national_progress
row = national[national["wave_year"] == wave].iloc[0]
figures = page.build(
    views.headline,
    row,
    national_progress.iloc[0],
    page.lang,
    settings.min_n,
    settings.settled_probability,
)

# The answer first, in plain words; the pace figures behind it are its help text.
st.markdown(
    escape_markdown(
        page.build(verdict.sentence, national_progress.iloc[0], page.lang, settings.target_year)
    ),
    help=figures.pace_help,
)
if page.measure == "units":
    coverage = page.load(page_data.sector_coverage, settings.baseline_year)
    warning = page.build(verdict.coverage_warning, *coverage, settings.baseline_year, page.lang)
    if warning:
        st.warning(warning, icon=":material/compare_arrows:")

share_col, change_col, gap_col = st.columns(3)
share_col.metric(page.t("kpi_share", wave=wave), figures.share, help=figures.share_help)
change_col.metric(page.t("kpi_change", year=settings.baseline_year), figures.change)
gap_col.metric(page.t("kpi_gap"), figures.gap)
# Status and projected year carry their sureness ("Usikker – trolig i rute (53 %)",
# "2030 (2026–2057)"): too long for a metric's large type, so they are one line of text.
st.markdown(
    page.t(
        "kpi_status_line",
        status=escape_markdown(figures.status),
        year=escape_markdown(figures.projection),
    ),
    help=f"{figures.status_help} {figures.pace_help}",
)

ctx = page.chart_context(page.t(f"definition_{page.measure}"), [w for w in page.waves if w <= wave])
st.subheader(page.t("trend_heading"))
# In relative mode the national target is double the national baseline (when there is one).
trend_target = national_progress.iloc[0]["target_share"]
page.chart(
    page.build(
        charts.national_trend,
        national[national["wave_year"] <= wave],
        target_share=settings.target_share if pd.isna(trend_target) else trend_target,
        baseline_year=settings.baseline_year,
        target_year=settings.target_year,
        ctx=ctx,
        published=page_data.published_figures(page.measure, until_wave=wave),
    ),
    page.file_stem("national_trend", wave),
    key="trend",
    summary=figures.summary,
    table=page.build(views.kpi_display_table, national, page.lang),
)

st.subheader(page.t("counties_heading"))
county_kpis, county_progress = data.county_kpis, data.county_progress
county_table = page.build(
    views.progress_display_table, county_progress, county_kpis, page.lang, data.versus
)
tiles_col, dots_col = st.columns([5, 6])
status_summary = page.build(statuses.status_summary, county_progress, page.lang)
if map_view == "tiles":
    page.chart(
        page.build(county_charts.county_tiles, county_progress, county_kpis, ctx=ctx),
        page.file_stem("county_status", wave),
        key="tiles",
        summary=status_summary,
        table=county_table,
        container=tiles_col,
    )
else:
    page.chart(
        page.build(
            county_map.county_map,
            county_progress,
            county_kpis,
            ctx=ctx,
            colour_by=map_view,
            # Relative mode has one target per county: no single target on the share scale.
            target_share=None if page.target_mode == "relative" else settings.target_share,
            min_n=settings.min_n,
        ),
        page.file_stem(f"county_map_{map_view}", wave),
        key="county_map",
        summary=status_summary
        if map_view == "status"
        else page.build(views.ranking_summary, county_kpis, page.lang, settings.min_n),
        table=county_table,
        container=tiles_col,
    )
page.chart(
    page.build(
        county_charts.county_dots,
        county_kpis,
        county_progress,
        target_share=settings.target_share,
        relative=page.target_mode == "relative",
        min_n=settings.min_n,
        ctx=ctx,
        versus=data.versus,
        national_share=row["share"],
    ),
    page.file_stem("county_share", wave),
    key="dots",
    summary=" ".join(
        [
            page.build(views.ranking_summary, county_kpis, page.lang, settings.min_n),
            page.build(statuses.versus_summary, county_kpis, data.versus, page.lang),
        ]
    ),
    table=county_table,
    container=dots_col,
)
if not page.presenting:
    st.page_link(contract.COUNTIES, label=page.t("to_counties"), query_params=page.url_state())
page.chart_pack(wave)
