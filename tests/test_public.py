"""The public deployment mode (issue 14, item 4): ``TRACKER_PUBLIC`` and what a public site hides.

Four layers, each checked on its own: the setting's strict parse; the rule itself
(:class:`tracker.present.public.Disclosure`) on hand-made frames, where the figures below the
limit are known; the page data and the data pack on the demo database; and the pages through
AppTest, each run public and internal in the same process, so a view cached for one mode that
leaked into the other would fail here.
"""

from __future__ import annotations

import base64
import io
import json
import math
import zipfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from support.app import open_page, without_n

from tracker.app.contract import (
    COUNTIES,
    COUNTY,
    ESTIMATE,
    LANG,
    METHOD,
    MUNICIPALITIES,
    MUNICIPALITY,
    PEERS,
)
from tracker.data.db import open_snapshot
from tracker.data.settings import Settings, SettingsError, load_settings
from tracker.present import data_pack, page_data
from tracker.present.i18n import t
from tracker.present.public import NOTICE_TOPICS, Disclosure
from tracker.stats import kpi, model_kpi
from tracker.stats.kpi import QueryFn

VALID = "1, 0, true, false, yes, no, ja, nei"
PUBLIC = Disclosure(public=True, min_n=5)
INTERNAL = Disclosure(public=False, min_n=5)


# --- the setting ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1", True),
        ("0", False),
        ("true", True),
        ("FALSE", False),
        ("Yes", True),
        ("no", False),
        ("JA", True),
        ("Nei", False),
        (" ja ", True),  # a stray space from a compose file is not a different answer
    ],
)
def test_public_setting_reads_yes_and_no(raw: str, expected: bool) -> None:
    assert load_settings({"TRACKER_PUBLIC": raw}).public is expected


def test_public_setting_defaults_to_the_internal_site() -> None:
    assert load_settings({}).public is False
    assert Disclosure.from_settings(load_settings({})).municipality_answers


@pytest.mark.parametrize("raw", ["", "2", "on", "off", "ture", "y", "public"])
def test_a_bad_public_value_names_the_variable_the_value_and_the_valid_ones(raw: str) -> None:
    # Strict: a typo must not quietly give the internal site where a public one was meant.
    with pytest.raises(SettingsError) as raised:
        load_settings({"TRACKER_PUBLIC": raw})
    assert str(raised.value) == f"TRACKER_PUBLIC={raw!r} is not valid; use one of: {VALID}"


def test_a_bad_public_value_stops_the_app_with_the_message(
    use_demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRACKER_PUBLIC", "kanskje")
    at = open_page(MUNICIPALITIES)
    errors = " ".join(e.value for e in at.error).replace("\\", "")
    assert "TRACKER_PUBLIC='kanskje' is not valid" in errors and VALID in errors
    assert not at.table and not at.dataframe


# --- the rule on hand-made frames -------------------------------------------------------------


def kpi_rows() -> pd.DataFrame:
    """Three counties: A below the limit (with a share, as a source that does not suppress would
    give it), B exactly at the limit, C well above, and D already suppressed though n is large."""
    return pd.DataFrame(
        {
            "area_code": ["A", "B", "C", "D"],
            "area_name": ["Aland", "Bland", "Cland", "Dland"],
            "wave_year": [2024] * 4,
            "measure": ["municipalities"] * 4,
            "n": [4, 5, 40, 30],
            "share": [0.5, 0.4, 0.25, math.nan],
            "ci_low": [0.15, 0.12, 0.14, math.nan],
            "ci_high": [0.85, 0.77, 0.40, math.nan],
            "suppressed": [False, False, False, True],
        }
    )


def model_rows() -> pd.DataFrame:
    """kpi_rows (A suppressed as the statistics do) plus a model estimate for every county."""
    rows = kpi_rows()
    rows.loc[0, ["share", "ci_low", "ci_high", "suppressed"]] = [math.nan] * 3 + [True]
    return rows.assign(
        model_share=[0.31, 0.29, 0.26, 0.2],
        model_rmse=[0.06, 0.05, 0.03, 0.03],
        model_weight=[0.2, 0.3, 0.8, 0.7],
        model_low=[0.19, 0.19, 0.2, 0.14],
        model_high=[0.43, 0.39, 0.32, 0.26],
        model_basis=["mostly_model", "mostly_model", "direct_and_model", "direct_and_model"],
    )


def test_public_hides_share_and_interval_below_the_limit_only() -> None:
    shown = PUBLIC.kpi_rows(kpi_rows()).set_index("area_code")
    assert shown.loc["A", ["share", "ci_low", "ci_high"]].isna().all()
    assert shown.loc["A", "suppressed"]
    assert shown.loc["A", "n"] == 4  # n stays: it says why the share is hidden
    for code in ("B", "C"):  # at and above the limit: untouched
        assert not shown.loc[code, "suppressed"]
        assert shown.loc[code, "share"] == kpi_rows().set_index("area_code").loc[code, "share"]
    assert shown.loc["D", "suppressed"] and math.isnan(shown.loc["D", "share"])  # never more


def test_internal_keeps_every_figure() -> None:
    pd.testing.assert_frame_equal(INTERNAL.kpi_rows(kpi_rows()), kpi_rows())
    pd.testing.assert_frame_equal(INTERNAL.model_rows(model_rows()), model_rows())
    partners = partner_rows()
    pd.testing.assert_frame_equal(INTERNAL.partner_rows(partners), partners)
    assert not INTERNAL.hides_partners(partners)
    assert INTERNAL.municipality_answers and len(INTERNAL.municipality_rows(kpi_rows())) == 4


def test_public_hides_the_model_estimate_of_a_county_below_the_limit() -> None:
    shown = PUBLIC.model_rows(model_rows()).set_index("area_code")
    hidden = ["model_share", "model_rmse", "model_weight", "model_low", "model_high"]
    assert shown.loc["A", hidden].isna().all()
    assert shown.loc["A", "model_basis"] == "mostly_model"
    for code in ("B", "C", "D"):
        assert shown.loc[code, hidden].notna().all(), code
    # What the county charts draw: A is a suppressed row ("skjult (n < 5)"), B is drawn.
    drawn = model_kpi.as_kpi_rows(PUBLIC.model_rows(model_rows())).set_index("area_code")
    assert drawn.loc["A", "suppressed"] and math.isnan(drawn.loc["A", "share"])
    assert drawn.loc["B", ["share", "ci_low", "ci_high"]].tolist() == [0.29, 0.19, 0.39]


def test_public_never_shows_more_than_internal() -> None:
    for rule in (INTERNAL.kpi_rows, PUBLIC.kpi_rows):
        shown = rule(kpi_rows())
        assert (shown["share"].isna() >= kpi_rows()["share"].isna()).all()
    public = PUBLIC.model_rows(model_rows())
    for column in ("share", "model_share", "model_weight"):
        assert (public[column].isna() >= model_rows()[column].isna()).all()


def partner_rows() -> pd.DataFrame:
    """Partner types in two waves: 2018 with 3 collaborators in all (below 5), 2024 with 15."""
    return pd.DataFrame(
        {
            "wave_year": [2018, 2018, 2024, 2024],
            "research_partner": ["annet", "universitet_hogskole"] * 2,
            "n": [1, 2, 5, 10],
            "weight_sum": [1.0, 2.0, 5.0, 10.0],
            "weight_share": [1 / 3, 2 / 3, 1 / 3, 2 / 3],
        }
    )


def test_public_hides_partner_shares_of_a_wave_with_few_collaborators() -> None:
    shown = PUBLIC.partner_rows(partner_rows())
    small = shown["wave_year"] == 2018
    # n per type over the wave's total is a share too, so the counts go with the shares.
    assert shown.loc[small, ["n", "weight_sum", "weight_share"]].isna().all().all()
    assert shown.loc[~small, "weight_share"].tolist() == [1 / 3, 2 / 3]
    assert shown.loc[~small, "n"].tolist() == [5, 10]
    assert PUBLIC.hides_partners(shown)
    assert not PUBLIC.hides_partners(PUBLIC.partner_rows(partner_rows()[~small]))


def test_public_lists_no_single_municipality() -> None:
    listed = pd.DataFrame({"municipality_code": ["4621"], "municipality_name": ["Voss"]})
    assert not PUBLIC.municipality_answers
    assert PUBLIC.municipality_rows(listed).empty
    assert list(PUBLIC.municipality_rows(listed).columns) == list(listed.columns)


def test_public_pack_leaves_out_municipality_tables_and_stays_lazy() -> None:
    made: list[str] = []

    def maker(name: str, frame: pd.DataFrame):
        def make() -> pd.DataFrame:
            made.append(name)
            return frame

        return make

    tables = {
        "kpi_county_municipalities": maker("county", kpi_rows()),
        "kpi_municipality_municipalities": maker("municipality", kpi_rows()),
        "kpi_county_model_municipalities": maker("model", model_rows()),
        "partners_units": maker("partners", partner_rows()),
        "waves": maker("waves", pd.DataFrame({"wave_year": [2024]})),
    }
    public = PUBLIC.pack_tables(tables)
    assert "kpi_municipality_municipalities" not in public
    assert set(public) == set(tables) - {"kpi_municipality_municipalities"}
    assert made == []  # nothing computed before the download is asked for
    county = public["kpi_county_municipalities"]().set_index("area_code")
    assert math.isnan(county.loc["A", "share"]) and county.loc["B", "share"] == 0.4
    model = public["kpi_county_model_municipalities"]().set_index("area_code")
    assert math.isnan(model.loc["A", "model_share"]) and model.loc["B", "model_share"] == 0.29
    assert public["partners_units"]()["weight_share"].isna().sum() == 2
    assert set(INTERNAL.pack_tables(tables)) == set(tables)


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_notices_say_what_is_hidden_with_the_limit(lang: str) -> None:
    rule = Disclosure(public=True, min_n=7)
    for topic in NOTICE_TOPICS:
        assert rule.notice(topic, lang) == t(f"public_notice_{topic}", lang, min_n=7)
    assert "7" in rule.notice("model", lang)
    with pytest.raises(ValueError, match="no public notice"):
        rule.notice("weather", lang)


# --- page data and the data pack on the demo database ----------------------------------------


@pytest.fixture(scope="module")
def demo_query(demo_db: Path) -> Iterator[QueryFn]:
    snapshot = open_snapshot(demo_db)
    yield snapshot.query
    snapshot.close()


def settings(public: bool) -> Settings:
    return load_settings({"TRACKER_PUBLIC": "1" if public else "0"})


def small_counties(query: QueryFn, wave: int, measure: str = "municipalities") -> set[str]:
    """Names of the counties with fewer answers than the limit in ``wave``."""
    rows = kpi.kpi_table(query, "county", measure, settings(False), wave=wave)
    return set(rows.loc[rows["n"] < settings(False).min_n, "area_name"])


@pytest.mark.parametrize("measure", ["municipalities", "units"])
def test_model_estimates_of_small_counties_are_hidden_in_public_page_data(
    demo_query: QueryFn, measure: str
) -> None:
    wave = 2024
    small = small_counties(demo_query, wave, measure)
    assert "Oslo" in small  # the demo has a county below the limit in both measures
    public = page_data.counties(demo_query, measure, settings(True), wave, "model").chart_kpis
    internal = page_data.counties(demo_query, measure, settings(False), wave, "model").chart_kpis
    hidden = set(public.loc[public["share"].isna(), "area_name"])
    assert hidden == small
    assert public.loc[public["share"].isna(), ["ci_low", "ci_high"]].isna().all().all()
    assert internal["share"].notna().all()  # the internal site keeps every model estimate


def pack_files(query: QueryFn, public: bool) -> dict[str, pd.DataFrame]:
    chosen = settings(public)
    tables = page_data.data_pack_tables(query, "municipalities", chosen, page_data.method(query))
    packed = data_pack.data_pack({name: make() for name, make in tables.items()}, "README")
    with zipfile.ZipFile(io.BytesIO(packed)) as pack:
        return {
            name.removesuffix(".csv"): pd.read_csv(
                io.BytesIO(pack.read(name)), encoding="utf-8-sig", dtype={"area_code": str}
            )
            for name in pack.namelist()
            if name.endswith(".csv")
        }


def test_public_data_pack_has_no_municipality_table_and_no_small_figures(
    demo_query: QueryFn,
) -> None:
    internal = pack_files(demo_query, public=False)
    public = pack_files(demo_query, public=True)
    assert "kpi_municipality_municipalities" in internal
    assert not [name for name in public if "municipality_" in name and name.startswith("kpi_m")]
    assert set(public) == set(internal) - {"kpi_municipality_municipalities"}
    limit = settings(True).min_n
    for name, table in public.items():
        if {"n", "share"} <= set(table.columns):
            assert table.loc[table["n"] < limit, "share"].isna().all(), name
        if "model_share" in table.columns:
            assert table.loc[table["n"] < limit, "model_share"].isna().all(), name
            assert table.loc[table["n"] >= limit, "model_share"].notna().any(), name
    model = internal["kpi_county_model_municipalities"]
    assert model.loc[model["n"] < limit, "model_share"].notna().all()  # internal keeps them


def test_public_similar_municipalities_hold_no_list(demo_query: QueryFn) -> None:
    internal = page_data.similar_municipalities(
        demo_query, "4621", "municipalities", settings(False), 2024
    )
    public = page_data.similar_municipalities(
        demo_query, "4621", "municipalities", settings(True), 2024
    )
    assert len(internal.collaborating) >= 2 and public.collaborating.empty
    pd.testing.assert_frame_equal(public.shares, internal.shares)  # group figures are ≥ 5 here


# --- the pages ----------------------------------------------------------------------------------


def run_as(monkeypatch: pytest.MonkeyPatch, public: bool, script: str, params: dict[str, str]):
    monkeypatch.setenv("TRACKER_PUBLIC", "1" if public else "0")
    return open_page(script, params)


def infos(at) -> list[str]:
    return [i.body for i in at.info]


def test_kommuner_public_shows_no_answers_and_says_why(
    use_demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    params = {COUNTY: "46", MUNICIPALITY: "4621", PEERS: ""}  # no peer charts: only the group's
    never_lead = t("never_heading", "nb", n=0, total=0).split("(")[0]
    matrix = t("matrix_heading", "nb", county="Vestland")
    for public in (False, True, False):  # the same process: cached views must not cross over
        at = run_as(monkeypatch, public, MUNICIPALITIES, params)
        headings = [s.value for s in at.subheader]
        lists = [d.value for d in at.dataframe if t("col_municipality", "nb") in d.value.columns]
        notices = infos(at)
        marked = [m.value for m in at.markdown if m.value.startswith("**Voss")]
        if public:
            assert matrix not in headings and not at.table, "no answer matrix"
            assert not any(h.startswith(never_lead) for h in headings), "no never list"
            assert not lists and not marked, "no list of municipalities, no answers of Voss"
            assert PUBLIC.notice("municipalities", "nb") in notices
            assert PUBLIC.notice("similar", "nb") in notices
            assert len(at.get("plotly_chart")) == 1, "the group comparison stays"
        else:
            assert matrix in headings and len(at.table) == 1
            assert any(h.startswith(never_lead) for h in headings)
            assert len(lists) == 2 and len(marked) == 1  # never list and similar list
            assert not any(n.startswith(PUBLIC.notice("similar", "nb")[:30]) for n in notices)
            assert PUBLIC.notice("municipalities", "nb") not in notices


def ranking(at) -> tuple[set[str], set[str]]:
    """(counties drawn as dots, counties written as hidden) on Fylker's ranking chart."""
    traces = json.loads(at.get("plotly_chart")[0].proto.spec)["data"]
    dots = traces[0]
    x = dots["x"]  # Plotly sends number arrays as base64 with their dtype
    values = np.frombuffer(base64.b64decode(x["bdata"]), dtype=x["dtype"]) if "bdata" in x else x
    names = [without_n(label) for label in dots["y"]]
    drawn = {name for name, v in zip(names, values, strict=True) if not math.isnan(v)}
    label = t("suppressed", "nb", min_n=5)
    hidden = {
        name
        for trace in traces
        if trace.get("mode") == "text" and label in (trace.get("text") or [])
        for name in map(without_n, trace["y"])
    }
    return drawn, hidden


def test_fylker_model_mode_public_hides_small_counties(
    use_demo_db: Path, monkeypatch: pytest.MonkeyPatch, demo_query: QueryFn
) -> None:
    small = small_counties(demo_query, 2024)
    assert small  # Oslo, and in the demo two more counties with 3 answers
    for public in (False, True, False):
        at = run_as(monkeypatch, public, COUNTIES, {ESTIMATE: "model"})
        drawn, hidden = ranking(at)
        if public:
            assert not drawn & small and hidden == small
            assert PUBLIC.notice("model", "nb") in infos(at)
        else:
            assert small <= drawn and not hidden
            assert PUBLIC.notice("model", "nb") not in infos(at)
        assert len(drawn | hidden) == 15


def test_method_page_public_pack_lists_no_municipality_table(
    use_demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for public in (True, False):
        at = run_as(monkeypatch, public, METHOD, {LANG: "en"})
        files = next(
            list(d.value[t("col_file", "en")])
            for d in at.dataframe
            if t("col_file", "en") in d.value.columns and "waves.csv" in set(d.value.iloc[:, 0])
        )
        assert ("kpi_municipality_municipalities.csv" in files) is not public
        assert (PUBLIC.notice("pack", "en") in infos(at)) is public
