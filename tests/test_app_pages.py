"""AppTest of every page: languages, measures, target modes, widgets and query parameters."""

from __future__ import annotations

from pathlib import Path

import pytest
from app_support import cli_rows, open_page

from tracker.app.contract import PAGES
from tracker.present import export
from tracker.present.i18n import t
from tracker.present.views import status_text

ROOT = Path(__file__).resolve().parent.parent
PAGE_FILES = [script for script, _ in PAGES if (ROOT / script).exists()]
HOSTILE = [
    {"fylke": "<script>alert(1)</script>"},
    {"fylke": "46' OR 1=1 --"},
    {"peers": "50,50,50,99,11,15,18,31,32,33"},
    {"wave": "-1"},
    {"wave": "99999999999999999999"},
    {"kommune": "\u202e4601"},
    {"sort": "share; DROP TABLE county"},
    {"sektorer": "x" * 10000},
    {"measure": "units\r\nSet-Cookie: x=1"},
    {"fylke": "Вестланд"},
    {"lang": "中文"},
    {"wave": "２０２４"},  # full-width digits
    {"peers": "-46,1e309,NaN"},
]


#: The query parameters each page reads ("*": every page).
USED_PARAMS = {
    "*": {"lang", "measure", "target", "bilde"},
    "dashboard.py": {"wave"},
    "pages/fylker.py": {"wave", "fylke", "sort"},
    "pages/kommuner.py": {"fylke", "peers", "kommune"},
    "pages/sektorer.py": {"sektorer"},
}


def cli_progress(db: Path, measure: str, mode: str) -> dict[str, dict[str, str]]:
    rows = cli_rows(
        "progress", "--by", "county", "--measure", measure, "--target-mode", mode, db=db
    )
    return {row["area_code"]: row for row in rows}


def test_every_page_in_the_menu_exists() -> None:
    expected = {"dashboard.py", "pages/fylker.py", "pages/kommuner.py", "pages/sektorer.py"}
    assert expected | {"pages/metode.py"} <= set(PAGE_FILES)
    on_disk = {f"pages/{p.name}" for p in (ROOT / "pages").glob("*.py")}
    assert on_disk <= set(PAGE_FILES), "every page file must be reachable from the menu"


@pytest.mark.parametrize("script", PAGE_FILES)
@pytest.mark.parametrize("lang", ["nb", "en"])
@pytest.mark.parametrize("measure", ["municipalities", "units"])
def test_page_runs(use_demo_db: Path, script: str, lang: str, measure: str) -> None:
    at = open_page(script, lang=lang, measure=measure)
    assert at.title, "every page has a heading"
    assert any(w.body == t("demo_banner", lang) for w in at.warning)
    labels = [link.proto.label for link in at.sidebar.get("page_link")]
    assert [label for label in labels if label != t("presentation_link", lang)] == [
        t(key, lang) for script, key in PAGES if script in PAGE_FILES
    ]


@pytest.mark.parametrize("script", PAGE_FILES)
def test_page_runs_without_parameters_in_relative_mode(use_demo_db: Path, script: str) -> None:
    open_page(script, target="relative")


@pytest.mark.parametrize("script", PAGE_FILES)
@pytest.mark.parametrize("params", HOSTILE, ids=lambda p: next(iter(p)))
def test_hostile_parameters_never_raise(use_demo_db: Path, script: str, params: dict) -> None:
    at = open_page(script, **params)
    for notice in at.info:
        assert "<script>" not in notice.body
    key = next(iter(params))
    if key in USED_PARAMS["*"] | USED_PARAMS.get(script, set()):
        # A value the page would use is ignored with a calm notice naming the parameter,
        # and it is gone from the URL.
        assert any(f"«{key}»" in notice.body for notice in at.info), [i.body for i in at.info]
        assert at.query_params.get(key) != params[key]


@pytest.mark.parametrize("measure", ["municipalities", "units"])
@pytest.mark.parametrize("mode", ["absolute", "relative"])
def test_county_table_equals_cli_progress(use_demo_db: Path, measure: str, mode: str) -> None:
    at = open_page("pages/fylker.py", measure=measure, target=mode, sort="name")
    table = at.table[0].value
    expected = cli_progress(use_demo_db, measure, mode)
    by_name = {row["area_name"]: row for row in expected.values()}
    status_col, year_col = t("col_status", "nb"), t("col_projected", "nb")
    assert len(table) == 15
    for _, row in table.iterrows():
        cli = by_name[row[t("col_area", "nb")]]
        assert row[status_col] == status_text(cli["status"], "nb")
        if cli["projected_year"]:
            assert row[year_col] == cli["projected_year"]


def test_county_highlight_from_url(use_demo_db: Path) -> None:
    at = open_page("pages/fylker.py", fylke="46")
    assert at.sidebar.selectbox(key="choice_fylke").value == "46"
    assert any(m.value.startswith("**Vestland") for m in at.markdown)


def test_sort_choice_reorders_table_and_url(use_demo_db: Path) -> None:
    at = open_page("pages/fylker.py")
    at.selectbox(key="choice_sort").set_value("name").run()
    names = list(at.table[0].value[t("col_area", "nb")])
    assert names == sorted(names, key=lambda n: n.replace("Ø", "~"))
    assert at.query_params["sort"] == "name"


def test_municipality_search_opens_its_county(use_demo_db: Path) -> None:
    at = open_page("pages/kommuner.py", fylke="03")
    at.text_input(key="municipality_search").input("Voss").run()
    at.button(key="open_4621").click().run()
    assert not at.exception
    assert at.sidebar.selectbox(key="choice_fylke").value == "46"
    assert at.query_params["kommune"] == "4621"
    assert at.query_params["fylke"] == "46"


def test_search_by_three_digit_code(use_demo_db: Path) -> None:
    at = open_page("pages/kommuner.py")
    at.text_input(key="municipality_search").input("301").run()
    assert [b.key for b in at.button] == ["open_0301"]


def test_peers_are_shown_and_kept_in_url(use_demo_db: Path) -> None:
    at = open_page("pages/kommuner.py", fylke="46", peers="50,11")
    assert at.sidebar.multiselect(key="choice_peers").value == ["50", "11"]
    assert len(at.get("plotly_chart")) == 2
    at.sidebar.multiselect(key="choice_peers").select("18").run()
    assert at.query_params["peers"] == "50,11,18"


def test_peer_list_is_capped_at_five(use_demo_db: Path) -> None:
    at = open_page("pages/kommuner.py", fylke="46", peers="50,11,15,18,31,32,33")
    assert len(at.sidebar.multiselect(key="choice_peers").value) == 5
    assert at.info, "surplus peers are reported"


def test_sector_scope_switch(use_demo_db: Path) -> None:
    at = open_page("pages/sektorer.py", measure="units")
    at.radio(key="choice_sektorer").set_value("comparable").run()
    assert not at.exception
    assert at.query_params["sektorer"] == "comparable"


def test_links_carry_every_choice(use_demo_db: Path) -> None:
    at = open_page(
        "pages/kommuner.py",
        lang="en",
        measure="units",
        target="relative",
        fylke="46",
        peers="50",
        wave="2020",
    )
    for link in at.sidebar.get("page_link"):
        params = link.proto.query_string
        assert "lang=en" in params and "measure=units" in params, params
        assert "fylke=46" in params and "peers=50" in params, params


WIDGETS = ("radio", "selectbox", "multiselect", "text_input", "button", "download_button")


@pytest.mark.parametrize("script", PAGE_FILES)
def test_presentation_mode_shows_content_only(use_demo_db: Path, script: str) -> None:
    at = open_page(script, presentasjon="1", fylke="46", peers="50")
    for kind in WIDGETS:
        assert not at.get(kind), f"{kind} shown in presentation mode"
    assert not at.sidebar.get("page_link")
    if script != "pages/metode.py":
        assert at.get("plotly_chart"), "charts stay"
    assert any(w.body == t("demo_banner", "nb") for w in at.warning), "demo banner stays"


def test_presentation_mode_keeps_other_choices(use_demo_db: Path) -> None:
    at = open_page("pages/fylker.py", presentasjon="1", lang="en", fylke="46", wave="2020")
    assert at.title[0].value == t("nav_counties", "en")
    assert any(m.value.startswith("**Vestland") for m in at.markdown)
    assert at.query_params["wave"] == "2020"


def test_presentation_link_carries_the_view(use_demo_db: Path) -> None:
    at = open_page("pages/fylker.py", fylke="46", sort="name")
    link = next(
        link
        for link in at.sidebar.get("page_link")
        if link.proto.label == t("presentation_link", "nb")
    )
    query = link.proto.query_string
    assert "presentasjon=1" in query and "fylke=46" in query and "sort=name" in query


def test_every_chart_has_downloads_and_file_names(use_demo_db: Path) -> None:
    at = open_page("pages/fylker.py", wave="2024")
    downloads = at.get("download_button")
    assert len(downloads) == 2 * len(at.get("plotly_chart"))


@pytest.mark.skipif(export.browser_path() is None, reason="kaleido needs Chromium")
def test_chart_pack_button_renders_zip(use_demo_db: Path) -> None:
    at = open_page("dashboard.py")
    at.button(key="make_pack").click().run()
    assert not at.exception
    assert any(d.proto.label == t("pack_download", "nb") for d in at.get("download_button"))


def test_method_page_offers_data_pack(use_demo_db: Path) -> None:
    at = open_page("pages/metode.py", lang="en")
    assert any(d.proto.label == t("downloads_button", "en") for d in at.get("download_button"))
    assert any("Demo data" in m.value for m in at.markdown)


def test_searched_municipality_is_summarised_above_the_matrix(use_demo_db: Path) -> None:
    at = open_page("pages/kommuner.py", fylke="46", kommune="4621", lang="en")
    lines = [m.value for m in at.markdown if m.value.startswith("**Voss")]
    assert len(lines) == 1
    assert all(str(wave) in lines[0] for wave in (2018, 2020, 2024))
