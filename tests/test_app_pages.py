"""AppTest of every page: languages, measures, target modes, widgets and query parameters."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.app import assert_page_frame, cli_rows, expected_status, open_page

from tracker.app.contract import (
    COUNTIES,
    COUNTY,
    IMAGE_PRESET,
    LANG,
    MAKE_PACK,
    MEASURE,
    METHOD,
    MUNICIPALITIES,
    MUNICIPALITY,
    MUNICIPALITY_TYPES,
    OVERVIEW,
    PAGES,
    PEERS,
    PRESENTATION,
    SEARCH,
    SECTOR_SCOPE,
    SECTORS,
    SORT,
    TARGET,
    WAVE,
    widget_key,
)
from tracker.data.county_neighbours import county_neighbours
from tracker.data.profiles import municipality_profiles
from tracker.present import county_defaults, export
from tracker.present.i18n import t

ROOT = Path(__file__).resolve().parent.parent
PAGE_FILES = [script for script, _ in PAGES if (ROOT / script).exists()]
HOSTILE = [
    {COUNTY: "<script>alert(1)</script>"},
    {COUNTY: "46' OR 1=1 --"},
    {PEERS: "50,50,50,99,11,15,18,31,32,33"},
    {WAVE: "-1"},
    {WAVE: "99999999999999999999"},
    {MUNICIPALITY: "\u202e4601"},
    {SORT: "share; DROP TABLE county"},
    {SECTOR_SCOPE: "x" * 10000},
    {MEASURE: "units\r\nSet-Cookie: x=1"},
    {COUNTY: "Вестланд"},
    {LANG: "中文"},
    {WAVE: "２０２４"},  # full-width digits
    {PEERS: "-46,1e309,NaN"},
]


#: The query parameters each page reads ("*": every page).
USED_PARAMS = {
    "*": {LANG, MEASURE, TARGET, IMAGE_PRESET},
    OVERVIEW: {WAVE},
    COUNTIES: {WAVE, COUNTY, SORT},
    MUNICIPALITIES: {COUNTY, PEERS, MUNICIPALITY},
    SECTORS: {SECTOR_SCOPE},
    MUNICIPALITY_TYPES: {WAVE},
}


def cli_progress(db: Path, measure: str, mode: str) -> dict[str, dict[str, str]]:
    rows = cli_rows(
        "progress", "--by", "county", "--measure", measure, "--target-mode", mode, db=db
    )
    return {row["area_code"]: row for row in rows}


def test_every_page_in_the_menu_exists() -> None:
    expected = {OVERVIEW, COUNTIES, MUNICIPALITIES, SECTORS, MUNICIPALITY_TYPES}
    assert expected | {METHOD} <= set(PAGE_FILES)
    on_disk = {f"pages/{p.name}" for p in (ROOT / "pages").glob("*.py")}
    assert on_disk <= set(PAGE_FILES), "every page file must be reachable from the menu"


#: The overview's runs with these parameters are test_app_overview.py::test_overview_matches_cli,
#: which makes the same checks (assert_page_frame) besides its own: no second run of each.
@pytest.mark.parametrize("script", [script for script in PAGE_FILES if script != OVERVIEW])
@pytest.mark.parametrize("lang", ["nb", "en"])
@pytest.mark.parametrize("measure", ["municipalities", "units"])
def test_page_runs(use_demo_db: Path, script: str, lang: str, measure: str) -> None:
    at = open_page(script, {LANG: lang, MEASURE: measure})
    assert_page_frame(at, lang)


@pytest.mark.parametrize("script", PAGE_FILES)
def test_page_runs_without_parameters_in_relative_mode(use_demo_db: Path, script: str) -> None:
    open_page(script, {TARGET: "relative"})


def reads(script: str, key: str) -> bool:
    """Whether page ``script`` reads URL parameter ``key``."""
    return key in USED_PARAMS["*"] | USED_PARAMS.get(script, set())


def hostile_cases() -> list:
    """(script, params) for every page and hostile value. A page given a parameter it does not
    read only has to run; those 38 page runs are ``slow`` (the whole suite runs them, the fast
    loop keeps the 27 where the page must also explain and drop the value)."""
    keys = [next(iter(params)) for params in HOSTILE]
    ids = [
        f"{key}{keys[:i].count(key)}" if keys.count(key) > 1 else key for i, key in enumerate(keys)
    ]
    return [
        pytest.param(
            script,
            params,
            id=f"{case}-{script}",
            marks=() if reads(script, key) else pytest.mark.slow,
        )
        for script in PAGE_FILES
        for params, key, case in zip(HOSTILE, keys, ids, strict=True)
    ]


@pytest.mark.parametrize(("script", "params"), hostile_cases())
def test_hostile_parameters_never_raise(use_demo_db: Path, script: str, params: dict) -> None:
    at = open_page(script, params)
    for notice in at.info:
        assert "<script>" not in notice.body
    key = next(iter(params))
    if reads(script, key):
        # A value the page would use is ignored with a calm notice naming the parameter,
        # and it is gone from the URL.
        assert any(f"«{key}»" in notice.body for notice in at.info), [i.body for i in at.info]
        assert at.query_params.get(key) != params[key]


@pytest.mark.parametrize("measure", ["municipalities", "units"])
@pytest.mark.parametrize("mode", ["absolute", "relative"])
def test_county_table_equals_cli_progress(use_demo_db: Path, measure: str, mode: str) -> None:
    at = open_page(COUNTIES, {MEASURE: measure, TARGET: mode, SORT: "name"})
    table = at.table[0].value
    expected = cli_progress(use_demo_db, measure, mode)
    by_name = {row["area_name"]: row for row in expected.values()}
    status_col, year_col = t("col_status", "nb"), t("col_projected", "nb")
    assert len(table) == 15
    uncertain = 0
    for _, row in table.iterrows():
        cli = by_name[row[t("col_area", "nb")]]
        assert row[status_col] == expected_status(cli, "nb")
        uncertain += cli["status_settled"] == "false"
        if cli["projected_year"]:
            year = int(cli["projected_year"])
            assert row[year_col].startswith(str(year) if year <= 2100 else "etter 2100")
        if cli["projected_year_low"]:
            assert f"({cli['projected_year_low']}" in row[year_col]
    assert uncertain > 0  # the demo's counties rest on 6–24 answers each


def test_county_highlight_from_url(use_demo_db: Path) -> None:
    at = open_page(COUNTIES, {COUNTY: "46"})
    assert at.sidebar.selectbox(key=widget_key(COUNTY)).value == "46"
    assert any(m.value.startswith("**Vestland") for m in at.markdown)


def test_sort_choice_reorders_table_and_url(use_demo_db: Path) -> None:
    at = open_page(COUNTIES)
    at.selectbox(key=widget_key(SORT)).set_value("name").run()
    names = list(at.table[0].value[t("col_area", "nb")])
    assert names == sorted(names, key=lambda n: n.replace("Ø", "~"))
    assert at.query_params[SORT] == "name"


def test_municipality_search_opens_its_county(use_demo_db: Path) -> None:
    at = open_page(MUNICIPALITIES, {COUNTY: "03"})
    search = at.selectbox(key=SEARCH)
    assert search.value is None and search.proto.placeholder == t("search_placeholder", "nb")
    search.select("1508").run()  # the browser filters the options; picking one reruns
    assert not at.exception
    assert at.sidebar.selectbox(key=widget_key(COUNTY)).value == "15"
    assert at.query_params[MUNICIPALITY] == "1508" and at.query_params[COUNTY] == "15"
    # The found municipality is the first row of the answer table, its name highlighted.
    assert at.table[0].value.iloc[0, 0] == "Ålesund"
    styles = at.table[0].proto.arrow_data.styler.styles
    uuid = at.table[0].proto.arrow_data.styler.uuid
    assert f"#T_{uuid}_row0_col0 {{ font-weight: 700; background-color: #FDEBD9 }}" in styles
    assert f"#T_{uuid}_row1_col0 {{" not in styles, "only the found row"
    assert at.selectbox(key=SEARCH).value == "1508", "the search shows what was found"
    at.selectbox(key=SEARCH).set_value(None).run()  # clearing the search unmarks
    assert MUNICIPALITY not in at.query_params and at.table[0].value.iloc[0, 0] != "Ålesund"


# --- Kommuner's defaults (issue 15, item 7) -----------------------------------------------------


def county_box(at):
    return at.sidebar.selectbox(key=widget_key(COUNTY))


def test_kommuner_opens_on_the_most_populous_county(use_demo_db: Path) -> None:
    populations = county_defaults.county_populations(municipality_profiles())
    at = open_page(MUNICIPALITIES)
    assert county_box(at).value == populations.idxmax() == "32"  # Akershus, 728 803 (2024)
    assert COUNTY not in at.query_params, "a default is not written to the URL"
    heading = t("matrix_heading", "nb", county="Akershus")
    assert heading in [s.value for s in at.subheader]


def test_kommuner_suggests_the_neighbours_as_peers(use_demo_db: Path) -> None:
    at = open_page(MUNICIPALITIES, {COUNTY: "46"})
    peers = at.sidebar.multiselect(key=widget_key(PEERS))
    assert peers.value == list(county_neighbours()["46"])[:5] == ["34", "33", "15", "11", "40"]
    assert PEERS not in at.query_params, "suggested, not chosen: not in the URL"
    assert t("peers_default_note", "nb", county="Vestland") in [c.value for c in at.caption]
    assert len(at.get("plotly_chart")) == 2, "peer charts from the start"
    county_box(at).select("31").run()  # suggestions follow the county
    assert at.sidebar.multiselect(key=widget_key(PEERS)).value == ["32"]  # Østfold: Akershus
    at.sidebar.multiselect(key=widget_key(PEERS)).unselect("32").run()  # none, on purpose
    assert at.query_params[PEERS] == "", "an explicit 'none' is kept in the link"
    assert not at.get("plotly_chart")
    county_box(at).select("46").run()
    assert at.sidebar.multiselect(key=widget_key(PEERS)).value == [], "the choice stays"
    again = open_page(MUNICIPALITIES, {COUNTY: "46", PEERS: ""})
    assert again.sidebar.multiselect(key=widget_key(PEERS)).value == []


def test_kommuner_reopens_on_the_last_chosen_county(use_demo_db: Path) -> None:
    at = open_page(MUNICIPALITIES)
    county_box(at).select("46").run()
    at.switch_page(COUNTIES).run()
    at.selectbox(key=widget_key(COUNTY)).select("").run()  # no county highlighted on Fylker
    assert COUNTY not in at.query_params
    at.switch_page(MUNICIPALITIES).run()
    assert not at.exception
    assert county_box(at).value == "46", "the last county chosen in this session"


def test_an_explicit_county_in_the_url_wins(use_demo_db: Path) -> None:
    at = open_page(MUNICIPALITIES)
    county_box(at).select("46").run()
    assert at.query_params[COUNTY] == "46"
    at.query_params[COUNTY] = "18"  # a link opened in the same session
    at.run()
    assert county_box(at).value == "18"
    county_box(at).select("50").run()  # and a choice after it still works
    assert county_box(at).value == "50" and at.query_params[COUNTY] == "50"


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_every_select_widget_has_a_translated_placeholder(use_demo_db: Path, lang: str) -> None:
    # Streamlit's own placeholders ("Choose options", "Choose an option") are English only.
    for script in PAGE_FILES:
        at = open_page(script, {LANG: lang, COUNTY: "46"})
        boxes = [*at.selectbox, *at.multiselect, *at.text_input]
        assert script != MUNICIPALITIES or len(at.multiselect) == 1
        for box in boxes:
            assert box.proto.placeholder.strip(), f"{script}: {box.label} has no placeholder"
            assert not box.proto.placeholder.startswith("Choose o"), box.proto.placeholder
    at = open_page(MUNICIPALITIES, {LANG: lang})
    peers = at.sidebar.multiselect(key=widget_key(PEERS))
    assert peers.proto.placeholder == t("peers_placeholder", lang)
    assert county_box(at).proto.placeholder == t("select_placeholder", lang)


def test_peers_are_shown_and_kept_in_url(use_demo_db: Path) -> None:
    at = open_page(MUNICIPALITIES, {COUNTY: "46", PEERS: "50,11"})
    assert at.sidebar.multiselect(key=widget_key(PEERS)).value == ["50", "11"]
    assert len(at.get("plotly_chart")) == 2
    at.sidebar.multiselect(key=widget_key(PEERS)).select("18").run()
    assert at.query_params[PEERS] == "50,11,18"


def test_peer_list_is_capped_at_five(use_demo_db: Path) -> None:
    at = open_page(MUNICIPALITIES, {COUNTY: "46", PEERS: "50,11,15,18,31,32,33"})
    assert len(at.sidebar.multiselect(key=widget_key(PEERS)).value) == 5
    assert at.info, "surplus peers are reported"


def test_sector_scope_switch(use_demo_db: Path) -> None:
    at = open_page(SECTORS, {MEASURE: "units"})
    at.radio(key=widget_key(SECTOR_SCOPE)).set_value("all").run()  # "comparable" is the default
    assert not at.exception
    assert at.query_params[SECTOR_SCOPE] == "all"


def test_links_carry_every_choice(use_demo_db: Path) -> None:
    at = open_page(
        MUNICIPALITIES,
        {LANG: "en", MEASURE: "units", TARGET: "relative", COUNTY: "46", PEERS: "50", WAVE: "2020"},
    )
    for link in at.sidebar.get("page_link"):
        params = link.proto.query_string
        assert f"{LANG}=en" in params and f"{MEASURE}=units" in params, params
        assert f"{COUNTY}=46" in params and f"{PEERS}=50" in params, params


WIDGETS = ("radio", "selectbox", "multiselect", "text_input", "button", "download_button")


@pytest.mark.parametrize("script", PAGE_FILES)
def test_presentation_mode_shows_content_only(use_demo_db: Path, script: str) -> None:
    at = open_page(script, {PRESENTATION: "1", COUNTY: "46", PEERS: "50"})
    for kind in WIDGETS:
        assert not at.get(kind), f"{kind} shown in presentation mode"
    assert not at.sidebar.get("page_link")
    if script != METHOD:
        assert at.get("plotly_chart"), "charts stay"
    assert any(w.body == t("demo_banner", "nb") for w in at.warning), "demo banner stays"


def test_presentation_mode_keeps_other_choices(use_demo_db: Path) -> None:
    at = open_page(COUNTIES, {PRESENTATION: "1", LANG: "en", COUNTY: "46", WAVE: "2020"})
    assert at.title[0].value == t("nav_counties", "en")
    assert any(m.value.startswith("**Vestland") for m in at.markdown)
    assert at.query_params[WAVE] == "2020"


def test_presentation_link_carries_the_view(use_demo_db: Path) -> None:
    at = open_page(COUNTIES, {COUNTY: "46", SORT: "name"})
    link = next(
        link
        for link in at.sidebar.get("page_link")
        if link.proto.label == t("presentation_link", "nb")
    )
    query = link.proto.query_string
    assert f"{PRESENTATION}=1" in query and f"{COUNTY}=46" in query and f"{SORT}=name" in query


def test_every_chart_has_downloads_and_file_names(use_demo_db: Path) -> None:
    at = open_page(COUNTIES, {WAVE: "2024"})
    downloads = at.get("download_button")
    assert len(downloads) == 2 * len(at.get("plotly_chart"))


@pytest.mark.slow  # kaleido draws every chart twice (PNG and SVG)
@pytest.mark.skipif(export.browser_path() is None, reason="kaleido needs Chromium")
def test_chart_pack_button_renders_zip(use_demo_db: Path) -> None:
    at = open_page(OVERVIEW)
    at.button(key=MAKE_PACK).click().run()
    assert not at.exception
    assert any(d.proto.label == t("pack_download", "nb") for d in at.get("download_button"))


def test_method_page_offers_data_pack(use_demo_db: Path) -> None:
    at = open_page(METHOD, {LANG: "en"})
    assert any(d.proto.label == t("downloads_button", "en") for d in at.get("download_button"))
    assert any("Demo data" in m.value for m in at.markdown)


def test_searched_municipality_is_summarised_above_the_matrix(use_demo_db: Path) -> None:
    at = open_page(MUNICIPALITIES, {COUNTY: "46", MUNICIPALITY: "4621", LANG: "en"})
    lines = [m.value for m in at.markdown if m.value.startswith("**Voss")]
    assert len(lines) == 1
    assert all(str(wave) in lines[0] for wave in (2018, 2020, 2024))
