"""Kommuner: one county's municipalities × waves, those never collaborating or never answering,
a search that finds a municipality as you type, and peer counties (its neighbours by default)."""

from tracker.app import contract
from tracker.app.frame import page_setup
from tracker.app.url_state import last_chosen, remember, stored, write_param
from tracker.present import (
    charts,
    county_charts,
    county_defaults,
    group_charts,
    group_views,
    page_data,
    search,
    statuses,
    views,
)
from tracker.present.groups import group_name
from tracker.present.markdown import escape_markdown

MAX_PEERS = 5

page = page_setup("nav_municipalities", contract.MUNICIPALITIES)
st = page.st  # Streamlit; in a one-chart view (?presentasjon=1&figur=…) it shows nothing
counties = page.counties()
names = dict(zip(counties["county_code"], counties["county_name"], strict=True))
codes = list(names)
# Opens on the county last chosen in this session (here or on Fylker), else the most populous:
# an alphabetical first county (Oslo, one municipality) would show almost nothing.
last = last_chosen(contract.COUNTY)
default_county = last if last in names else page.build(county_defaults.default_county, codes)
county = page.url.choice(
    contract.COUNTY,
    codes,
    default_county,
    page.t("county_label"),
    lambda code: names[code],
    container=st.sidebar,
    widget="selectbox",
)
peer_options = [code for code in codes if code != county]
suggested = page.build(county_defaults.default_peers, county, peer_options, MAX_PEERS)
peers = page.url.multi_choice(
    contract.PEERS,
    peer_options,
    page.t("peers_label"),
    lambda c: names[c],
    max_selections=MAX_PEERS,
    default=suggested,
    placeholder=page.t("peers_placeholder"),
)
if not page.presenting and stored(contract.PEERS) is None and peers:
    st.sidebar.caption(page.t("peers_default_note", county=escape_markdown(names[county])))
municipalities = page.query("municipalities_by_code")
# The highlighted municipality has no widget of its own: the search below sets it.
marked = page.url.value(contract.MUNICIPALITY, ["", *municipalities["municipality_code"]], "")
write_param(contract.MUNICIPALITY, marked)
page.show_notices()
settings = page.settings
county_of = dict(
    zip(municipalities["municipality_code"], municipalities["county_code"], strict=True)
)


def open_municipality() -> None:
    """The search's choice: mark the municipality and open its county (or unmark on clearing)."""
    code = st.session_state.get(contract.SEARCH)
    if code in county_of:
        remember(contract.COUNTY, county_of[code])
    remember(contract.MUNICIPALITY, code or "")


if not page.presenting:
    # A selectbox filters its options in the browser as people type (a text input would wait
    # for Enter); each option carries its folded spelling, so "alesund" finds Ålesund.
    labels = page.build(search.option_labels, municipalities)
    st.session_state[contract.SEARCH] = marked or None
    st.selectbox(
        page.t("search_label"),
        list(labels),
        index=None,
        format_func=lambda code: labels[code],
        key=contract.SEARCH,
        placeholder=page.t("search_placeholder"),
        help=page.t("search_help"),
        filter_mode="contains",
        on_change=open_municipality,
    )

disclosure = page.disclosure
if not disclosure.municipality_answers:
    # A public site says what it leaves out and why, instead of silently dropping the sections;
    # the answers are not even loaded.
    st.info(disclosure.notice("municipalities", page.lang), icon=":material/lock:")
else:
    data = page.load(page_data.municipalities, county, page.measure)
    matrix = data.matrix
    st.subheader(page.t("matrix_heading", county=escape_markdown(names[county])))
    st.caption(page.t(f"matrix_caption_{page.measure}"))
    marked_line = views.municipality_answers(matrix, marked, page.lang) if marked else None
    if marked_line:
        st.markdown(f"**{escape_markdown(marked_line)}**")
    st.table(views.answer_matrix_table(matrix, page.lang, highlight=marked or None))

    # Never collaborated and never answered are different facts: a municipality without any
    # answer may well have collaborated, so it is listed apart, not counted as "never".
    never, silent = data.never, data.never_answered
    total = matrix["municipality_code"].nunique()
    answered = total - len(silent)
    never_col, silent_col = st.columns(2)
    never_col.subheader(page.t("never_heading", n=len(never), total=answered))
    if never.empty:
        if answered:
            never_col.caption(page.t("never_none"))
    else:
        never = never.sort_values("municipality_name", key=views.norwegian_sort_key)
        never_col.dataframe(
            views.never_display_table(never, page.lang),
            hide_index=True,
            width="content",
            height="content",  # every row, not a ten-row scroll box
        )
    silent_col.subheader(page.t("never_answered_heading", n=len(silent), total=total))
    if silent.empty:
        silent_col.caption(page.t("never_answered_none"))
    else:
        silent_col.caption(page.t("never_answered_caption"))
        silent_names = silent["municipality_name"].sort_values(key=views.norwegian_sort_key)
        silent_col.markdown(", ".join(escape_markdown(str(n)) for n in silent_names))

# Similar municipalities: the searched municipality's KOSTRA group (any county), to learn from.
st.subheader(page.t("similar_heading"))
if not marked:
    if not page.presenting:
        st.info(page.t("similar_hint"), icon=":material/travel_explore:")
else:
    latest = page.waves[-1]
    similar = page.load(page_data.similar_municipalities, marked, page.measure, settings, latest)
    profile = similar.municipality
    group = group_name("kostra_group", profile.kostra_group, page.lang)
    st.markdown(escape_markdown(group_views.profile_sentence(profile, page.lang)))
    st.caption(page.t("similar_caption"))
    shares = group_views.similar_shares(similar.shares, profile, page.lang)
    page.chart(
        page.build(
            group_charts.similar_chart,
            shares,
            group=group,
            county=profile.county_name,
            ctx=page.chart_context(page.t(f"definition_{page.measure}"), page.waves),
            min_n=settings.min_n,
            target_share=settings.target_share if page.target_mode == "absolute" else None,
        ),
        page.file_stem("similar", profile.name),
        key="similar",
        summary=group_views.similar_summary(shares, latest, page.lang),
        table=page.build(views.kpi_display_table, shares, page.lang),
    )
    st.markdown(f"**{escape_markdown(page.t('similar_list_heading', group=group, wave=latest))}**")
    if not disclosure.municipality_answers:
        st.info(disclosure.notice("similar", page.lang), icon=":material/lock:")
    else:
        st.caption(page.t(f"similar_list_caption_{page.measure}", wave=latest))
        if similar.collaborating.empty:
            st.caption(page.t("similar_list_none", group=group, wave=latest))
        else:
            st.dataframe(
                group_views.collaborating_table(similar.collaborating, page.lang),
                hide_index=True,
                width="content",
            )

st.subheader(page.t("peers_heading"))
if not peers:
    if not page.presenting:
        st.info(page.t("peers_hint"), icon=":material/compare_arrows:")
else:
    latest = page.waves[-1]
    peer_data = page.load(page_data.peers, page.measure, settings)
    kpis_all, progress = peer_data.kpis_all, peer_data.progress
    chosen = [county, *peers]
    ctx = page.chart_context(page.t(f"definition_{page.measure}"), page.waves)
    relative = page.target_mode == "relative"
    trend_col, latest_col = st.columns(2)
    peer_kpis = kpis_all[kpis_all["area_code"].isin(chosen)]
    page.chart(
        page.build(
            charts.trend_lines,
            peer_kpis,
            chosen,
            title=page.t("chart_peers_title"),
            target_share=None if relative else settings.target_share,
            ctx=ctx,
        ),
        page.file_stem("peer_trends", names[county]),
        key="peer_trends",
        table=page.build(views.kpi_display_table, peer_kpis, page.lang),
        container=trend_col,
    )
    latest_kpis = kpis_all[(kpis_all["wave_year"] == latest) & kpis_all["area_code"].isin(chosen)]
    latest_versus = peer_data.versus[peer_data.versus["wave_year"] == latest]
    national_latest = peer_data.national[peer_data.national["wave_year"] == latest]
    page.chart(
        page.build(
            county_charts.county_dots,
            latest_kpis,
            progress[progress["area_code"].isin(chosen)],
            target_share=settings.target_share,
            relative=relative,
            min_n=settings.min_n,
            ctx=ctx,
            highlight=county,
            versus=latest_versus,
            national_share=national_latest["share"].iloc[0] if not national_latest.empty else None,
        ),
        page.file_stem("peers", names[county], latest),
        key="peer_latest",
        summary=" ".join(
            [
                page.build(views.ranking_summary, latest_kpis, page.lang, settings.min_n),
                page.build(statuses.versus_summary, latest_kpis, latest_versus, page.lang),
            ]
        ),
        container=latest_col,
    )
    st.table(
        page.build(
            views.progress_display_table,
            progress[progress["area_code"].isin(chosen)],
            latest_kpis,
            page.lang,
            latest_versus,
        ).style.hide(axis="index")
    )
# The marked municipality is part of the view: its similar-municipalities chart is in the pack.
marked_name = dict(
    zip(municipalities["municipality_code"], municipalities["municipality_name"], strict=True)
)
page.chart_pack(names[county], *(names[p] for p in peers), marked_name.get(marked, ""))
